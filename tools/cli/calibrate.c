/*
 * calibrate.c - `wenda coverage --calibrate LABELLED.tsv`: fit the answer
 * confidence's thresholds to a knowledge base's own labelled questions.
 *
 * Each line of the labelled file is `question<TAB>covered` or
 * `question<TAB>uncovered` (blank lines, `#` comments and a header line
 * `question<TAB>label` are skipped). Every question is judged as `wenda
 * coverage` judges it; the confidences and labels give the thresholds
 * (wd_calibration_fit): covered_at where the most questions come out right.
 * How well they separate is printed (accuracy, AUC). The calibration is kept
 * in the index folder (WD_CALIBRATION_FILE, written under the index's lock)
 * or, with --calibration FILE (and where the index has no folder of its own:
 * a shard list, remote shards), in that file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "grow.h"
#include "wenda/buf.h"
#include "wenda/coverage.h"
#include "wenda/index.h"

typedef struct labelled {
    char **q;
    int *y;
    size_t n, qcap, ycap;
} labelled;

static void labelled_free(labelled *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->q[i]);
    wd_free(l->q);
    wd_free(l->y);
}

/* Read the labelled file. Returns 0, or the exit code after saying what is wrong. */
static int read_labelled(const char *cmd, const char *path, labelled *l)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        cli_diag(cmd, "%s: %s", path, strerror(errno));
        return EXIT_DATA;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int ex = 0;
    while (!ex && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *tab = strrchr(line, '\t');
        const char *label = tab ? tab + 1 : "";
        int y = !strcmp(label, "covered") ? 1 : !strcmp(label, "uncovered") ? 0 : -1;
        if (y < 0 && lineno == 1 && tab && !strcmp(label, "label"))
            continue; /* a header */
        if (!tab || y < 0 || tab == line || !wd_utf8_valid(line, (size_t)(tab - line), NULL)) {
            cli_diag(cmd,
                     "%s:%zu: not question<TAB>covered or question<TAB>uncovered (UTF-8); "
                     "fix the line",
                     path, lineno);
            ex = EXIT_DATA;
            break;
        }
        *tab = '\0';
        char *q = strdup(line);
        if (!q || WD_GROW(l->q, l->qcap, l->n + 1, 64) != WD_OK ||
            WD_GROW(l->y, l->ycap, l->n + 1, 64) != WD_OK) {
            free(q);
            cli_diag(cmd, "out of memory");
            ex = EXIT_INTERNAL;
            break;
        }
        l->q[l->n] = q;
        l->y[l->n++] = y;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return ex;
}

int cli_calibrate(const char *cmd, const char *index, const char *labelled_path,
                  const char *cal_file, const wd_dict *dict, const wd_coverage_opts *copts,
                  int json)
{
    labelled l = { 0 };
    int ex = read_labelled(cmd, labelled_path, &l);
    wd_searcher *s = NULL;
    wd_error err;
    wd_error_clear(&err);
    double *conf = NULL;
    if (!ex && l.n == 0) {
        cli_diag(cmd, "%s: no labelled questions", labelled_path);
        ex = EXIT_DATA;
    }
    if (!ex && wd_searcher_open(&s, index, dict, &err) != WD_OK)
        ex = cli_fail(cmd, &err, json);
    if (!ex && !(conf = wd_calloc(l.n, sizeof *conf))) {
        cli_diag(cmd, "out of memory");
        ex = EXIT_INTERNAL;
    }
    /* Judged at the built-in thresholds, whatever calibration the index has
     * now (which record is the best depends a little on covered_at). */
    wd_coverage_opts o = *copts;
    wd_calibration builtin;
    wd_calibration_builtin(&builtin);
    o.covered_at = builtin.covered_at;
    o.partial_at = builtin.partial_at;
    int progress = !json && isatty(fileno(stderr));
    for (size_t i = 0; !ex && i < l.n; i++) {
        wd_coverage c;
        if (wd_coverage_check(s, l.q[i], strlen(l.q[i]), &o, &c, &err) != WD_OK) {
            ex = cli_fail(cmd, &err, json);
            break;
        }
        conf[i] = c.confidence;
        wd_coverage_clear(&c);
        if (progress && (i % 20 == 0 || i + 1 == l.n))
            fprintf(stderr, "\r%zu of %zu questions judged", i + 1, l.n);
    }
    if (progress)
        fputc('\n', stderr);
    wd_calibration cal;
    if (!ex && wd_calibration_fit(conf, l.y, l.n, &cal, &err) != WD_OK)
        ex = cli_fail(cmd, &err, json);
    /* Where it is kept: the file asked for, else the index folder. */
    const char *kept = NULL;
    wd_buf text = WD_BUF_INIT;
    if (!ex && wd_calibration_to_json(&cal, &text) != WD_OK) {
        cli_diag(cmd, "out of memory");
        ex = EXIT_INTERNAL;
    }
    if (!ex && cal_file) {
        if (wd_calibration_write(cal_file, &cal, &err) != WD_OK)
            ex = cli_fail(cmd, &err, json);
        kept = cal_file;
    } else if (!ex) {
        int rc = wd_index_store_file(index, WD_CALIBRATION_FILE, text.data, text.len, &err);
        if (rc == WD_ENOTFOUND || rc == WD_EIO) {
            cli_diag(cmd,
                     "%s; keep the calibration in a file of yours with --calibration FILE "
                     "(ask, coverage and serve take it)",
                     err.message);
            ex = EXIT_DATA;
        } else if (rc != WD_OK) {
            ex = cli_fail(cmd, &err, json);
        }
        kept = index;
    }
    if (!ex && json) {
        printf("{\"calibration\":%.*s,\"kept_in\":", (int)(text.len ? text.len - 1 : 0), text.data);
        wd_buf where = WD_BUF_INIT;
        wd_buf_json_string(&where, kept, strlen(kept));
        printf("%s}\n", where.data ? where.data : "\"\"");
        wd_buf_free(&where);
    } else if (!ex) {
        size_t pos = 0;
        for (size_t i = 0; i < l.n; i++)
            pos += l.y[i] != 0;
        printf("calibrated on %zu questions (%zu covered, %zu uncovered)\n", l.n, pos, l.n - pos);
        printf("covered at %.3f, partial at %.3f (built-in: %.2f, %.2f)\n", cal.covered_at,
               cal.partial_at, builtin.covered_at, builtin.partial_at);
        printf("accuracy %.3f, AUC %.3f\n", cal.accuracy, cal.auc);
        printf("kept in %s%s\n", kept, cal_file ? "" : "/" WD_CALIBRATION_FILE);
    }
    wd_buf_free(&text);
    wd_free(conf);
    wd_searcher_close(s);
    labelled_free(&l);
    return ex;
}
