/*
 * dict_discover.c - `wenda dict discover`: candidate new words of a
 * knowledge base, from its index or its files (dict_discover.h).
 *
 *   wenda dict discover [--index DIR]         the records stored in an index
 *   wenda dict discover [--lines] FILE...     record files, or plain text lines
 *   ... [--top N] [--add N] [--min-count N] [--max-len N] [--json]
 *
 * Questions and answers are fed as separate units (questions are preferred
 * as examples). --add N appends the N best to the user overlay, as
 * `wenda dict add` would, after the list is printed.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict_discover.h"
#include "overlay.h"
#include "width.h"
#include "wenda/corpus.h"
#include "wenda/discover.h"
#include "wenda/search.h"

typedef struct feed_ctx {
    wd_discover *x;
    wd_error *err;
    size_t skipped;
    int restarted; /* the index changed during the walk: fed text is stale */
} feed_ctx;

static int feed_record(void *vctx, const wd_record *rec)
{
    feed_ctx *c = vctx;
    if (!rec) {
        c->restarted = 1;
        return WD_EMODIFIED;
    }
    int rc = wd_discover_feed(c->x, rec->question, strlen(rec->question), 1, c->err);
    if (rc == WD_OK && rec->answer && *rec->answer)
        rc = wd_discover_feed(c->x, rec->answer, strlen(rec->answer), 0, c->err);
    return rc;
}

static int feed_line(void *vctx, const wd_question *q)
{
    feed_ctx *c = vctx;
    return wd_discover_feed(c->x, q->text, q->len, 1, c->err);
}

static void on_diag(void *vctx, int level, const char *file, size_t line, int code,
                    const char *message)
{
    (void)code;
    feed_ctx *c = vctx;
    if (level == WD_DIAG_SKIP)
        c->skipped++;
    if (line)
        cli_diag("dict", "discover: %s:%zu: %s", file, line, message);
    else
        cli_diag("dict", "discover: %s: %s", file, message);
}

/* Feed the inputs a names; 0, an exit code, or -1 when the index changed
 * while it was read (c->x is then freed and NULL). */
static int read_inputs(const cli_cmd *cmd, const cli_args *a, feed_ctx *c, int json)
{
    const char *index = cli_value(cmd, a, "index");
    if (a->npos > 1 && index)
        return cli_usage_error(cmd, "discover reads an index (--index) or FILEs, not both");
    if (a->npos > 1) {
        int lines = cli_flag(cmd, a, "lines");
        for (int i = 1; i < a->npos; i++) {
            int rc;
            if (lines) {
                wd_question_opts qo = WD_QUESTION_OPTS_INIT;
                qo.format = WD_FORMAT_LINES;
                qo.max_question_bytes = 1u << 20;
                rc = wd_corpus_read_questions(a->pos[i], &qo, feed_line, on_diag, c, c->err);
            } else {
                wd_read_opts ro = WD_READ_OPTS_INIT;
                rc = wd_corpus_read_file(a->pos[i], &ro, feed_record, on_diag, c, c->err);
            }
            if (rc != WD_OK)
                return cli_fail(cmd->name, c->err, json);
        }
        return 0;
    }
    if (cli_flag(cmd, a, "lines"))
        return cli_usage_error(cmd, "--lines wants FILEs to read");
    const char *path = cli_index_path(index);
    if (!cli_index_exists(path))
        return cli_no_index(cmd->name, path, json);
    c->restarted = 0;
    int rc = wd_index_each_record(path, feed_record, c, NULL, c->err);
    if (rc == WD_OK)
        return 0;
    if (!c->restarted)
        return cli_fail(cmd->name, c->err, json);
    /* A writer committed while it was read: the caller starts again. */
    wd_discover_free(c->x);
    c->x = NULL;
    return -1;
}

static void print_text(const wd_discovered *v, size_t n, size_t chars, size_t units)
{
    printf("%zu candidate words in %zu characters (%zu units), best first\n", n, chars, units);
    if (!n)
        return;
    printf("%4s  %-12s %7s %6s %5s %5s  %s\n", "rank", "word", "count", "score", "mi", "free",
           "examples");
    wd_buf o = WD_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const wd_discovered *d = &v[i];
        wd_buf_reset(&o);
        wd_buf_printf(&o, "%4zu  ", i + 1);
        cli_pad(&o, d->word, strlen(d->word), 12);
        wd_buf_printf(&o, " %7u %6.1f %5.1f %5.2f  ", d->count, d->score, d->cohesion,
                      d->left_entropy < d->right_entropy ? d->left_entropy : d->right_entropy);
        for (int k = 0; k < 2 && d->examples[k]; k++) {
            if (k)
                wd_buf_printf(&o, "\n%4s  %12s %7s %6s %5s %5s  ", "", "", "", "", "", "");
            wd_buf_visible(&o, d->examples[k], strlen(d->examples[k]));
        }
        wd_buf_putc(&o, '\n');
        if (!o.oom)
            fwrite(o.data, 1, o.len, stdout);
    }
    wd_buf_free(&o);
}

static void print_json(const wd_discovered *v, size_t n, size_t shown, size_t chars, size_t units,
                       const char *added_to, size_t added)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < shown; i++) {
        json_t *ex = json_array();
        for (int k = 0; k < 2; k++)
            if (v[i].examples[k])
                json_array_append_new(ex, json_string(v[i].examples[k]));
        json_array_append_new(arr,
                              json_pack("{s:s,s:I,s:f,s:f,s:f,s:f,s:o}", "word", v[i].word, "count",
                                        (json_int_t)v[i].count, "score", v[i].score, "cohesion",
                                        v[i].cohesion, "left_entropy", v[i].left_entropy,
                                        "right_entropy", v[i].right_entropy, "examples", ex));
    }
    json_t *o = json_pack("{s:I,s:I,s:I,s:o}", "characters", (json_int_t)chars, "units",
                          (json_int_t)units, "candidates", (json_int_t)n, "words", arr);
    if (added_to) {
        json_object_set_new(o, "added", json_integer((json_int_t)added));
        json_object_set_new(o, "user_file", json_string(added_to));
    }
    cli_print_json(o);
}

int dict_discover(const cli_cmd *cmd, const cli_args *a, int json)
{
    unsigned long top, add, min_count, max_len;
    if (cli_uint(cmd, a, "top", 50, 1000000, &top) < 0 ||
        cli_uint(cmd, a, "add", 0, 100000, &add) < 0 ||
        cli_uint(cmd, a, "min-count", 0, 1000000, &min_count) < 0 ||
        cli_uint(cmd, a, "max-len", 6, 8, &max_len) < 0)
        return EXIT_USAGE;
    if (max_len < 2)
        return cli_usage_error(cmd, "--max-len wants 2 to 8");
    double bits[2] = { 5.0, 1.0 };
    const char *names[2] = { "min-cohesion", "min-freedom" };
    for (int k = 0; k < 2; k++) {
        const char *v = cli_value(cmd, a, names[k]);
        char *end = NULL;
        if (v && (!*v || (bits[k] = strtod(v, &end), *end) || !(bits[k] >= 0 && bits[k] <= 30)))
            return cli_usage_error(cmd, "--%s wants a number of bits from 0 to 30, not '%s'",
                                   names[k], v);
    }
    wd_dict *d = NULL;
    int ex = cli_load_dict(cmd->name, cli_value(cmd, a, "dict"), json, &d);
    if (ex)
        return ex;
    wd_error err;
    wd_error_clear(&err);
    wd_discover_opts o = WD_DISCOVER_OPTS_INIT;
    o.max_len = (unsigned)max_len;
    o.min_count = (uint32_t)min_count;
    o.min_cohesion = bits[0];
    o.min_freedom = bits[1];
    feed_ctx c = { NULL, &err, 0, 0 };
    wd_discovered *v = NULL;
    size_t n = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (wd_discover_new(&c.x, d, &o, &err) != WD_OK) {
            ex = cli_fail(cmd->name, &err, json);
            break;
        }
        ex = read_inputs(cmd, a, &c, json);
        if (ex >= 0)
            break;
        ex = 0; /* the index changed while it was read: read it again */
    }
    if (!ex && !c.x) {
        cli_diag(cmd->name, "discover: the index kept changing while it was read; try again");
        ex = EXIT_DATA;
    }
    if (!ex) {
        if (isatty(STDERR_FILENO))
            fprintf(stderr, "wenda: dict: discover: %zu characters in %zu units; counting\n",
                    wd_discover_chars(c.x), wd_discover_units(c.x));
        if (wd_discover_run(c.x, &v, &n, &err) != WD_OK)
            ex = cli_fail(cmd->name, &err, json);
    }
    size_t shown = top && top < n ? top : n;
    size_t nadd = add < n ? add : n;
    char path[4200];
    const char **words = NULL;
    if (!ex && nadd) {
        words = calloc(nadd, sizeof *words);
        size_t k = 0;
        for (size_t i = 0; words && i < n && k < nadd; i++)
            if (overlay_word_ok(v[i].word))
                words[k++] = v[i].word;
        nadd = k;
        ex = words ? overlay_append(cmd->name, words, NULL, nadd, path, sizeof path) : EXIT_DATA;
    }
    if (!ex) {
        if (json) {
            print_json(v, n, shown, wd_discover_chars(c.x), wd_discover_units(c.x),
                       add ? path : NULL, nadd);
        } else {
            print_text(v, shown, wd_discover_chars(c.x), wd_discover_units(c.x));
            if (add)
                printf("added %zu words to %s; re-index to use them in existing indexes\n", nadd,
                       path);
        }
    }
    free(words);
    wd_discovered_free(v, n);
    wd_discover_free(c.x);
    wd_dict_free(d);
    return ex;
}
