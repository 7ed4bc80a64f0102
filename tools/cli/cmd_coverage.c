/*
 * cmd_coverage.c - `wenda coverage`: which of these questions does the
 * knowledge base already answer?
 *
 * The main thread reads the inputs (one question a line, or TSV/CSV with a
 * question column) and queues numbered questions into a bounded queue. One
 * worker per core, each with its own searcher, scorer and index readers
 * over the one shared dictionary, judges them (wd_coverage_check) and puts
 * each result in a reorder window of bounded size; the writer thread takes
 * them out in input order, prints them, counts them and keeps only the
 * uncovered questions (for grouping) and at most --html-rows table rows.
 * Memory is therefore bounded by the queue, the window and the uncovered
 * questions, never by the input.
 *
 * With --from-log the input is a query log of `wenda serve`: it is read
 * whole first, each question counted once (spaces around it trimmed) with
 * the number of times it was asked, and the distinct questions are queued
 * most asked first; memory is then bounded by the distinct questions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../coverage/report.h"
#include "calibrate.h"
#include "cli.h"
#include "commands.h"
#include "grow.h"
#include "progress.h"
#include "strmap.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/coverage.h"
#include "wenda/search.h"

#define MAX_QUESTION_BYTES WD_DEFAULT_MAX_QUESTION_BYTES
#define QUEUE_CAP 256
#define WINDOW_CAP 1024
#define MAX_JOBS 64

enum out_format { OF_TEXT, OF_TSV, OF_JSONL, OF_HTML };

typedef struct job {
    uint64_t seq;
    const char *file; /* borrowed (argv or "stdin") */
    size_t line;
    char *text; /* new */
    size_t len;
    size_t asked; /* --from-log: times the question was asked; else 0 */
} job;

typedef struct slot {
    int full;
    job j;
    int rc;
    wd_error err;
    wd_coverage cov;
} slot;

typedef struct shared {
    pthread_mutex_t mu;
    pthread_cond_t cv_queue;  /* queue changed */
    pthread_cond_t cv_window; /* window changed */
    job queue[QUEUE_CAP];
    size_t qhead, qn;
    int eof; /* no more jobs will be queued */
    uint64_t pushed;
    slot *window; /* WINDOW_CAP slots, seq % WINDOW_CAP */
    uint64_t next_out;
    int fatal; /* a worker or the writer failed: stop */
    wd_error fatal_err;
    /* configuration */
    const char *index;
    const wd_dict *dict;
    wd_coverage_opts copts;
    int format;
    FILE *out;
    cli_progress pg; /* on stderr: share of the input read, rate, time left */
    atomic_ullong bytes_read;
    unsigned long long bytes_total;
    /* writer state */
    cov_summary sum;
    cov_html *html;
    int write_failed;
} shared;

static void set_fatal(shared *sh, const wd_error *err)
{
    if (!sh->fatal) {
        sh->fatal = 1;
        sh->fatal_err = *err;
    }
    pthread_cond_broadcast(&sh->cv_queue);
    pthread_cond_broadcast(&sh->cv_window);
}

/* ---- workers ---------------------------------------------------------------- */

typedef struct worker {
    shared *sh;
    pthread_t th;
    wd_searcher *s;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        while (!sh->qn && !sh->eof && !sh->fatal)
            pthread_cond_wait(&sh->cv_queue, &sh->mu);
        if (sh->fatal || !sh->qn) {
            pthread_mutex_unlock(&sh->mu);
            break;
        }
        job j = sh->queue[sh->qhead];
        sh->qhead = (sh->qhead + 1) % QUEUE_CAP;
        sh->qn--;
        pthread_cond_broadcast(&sh->cv_queue);
        pthread_mutex_unlock(&sh->mu);

        slot r;
        memset(&r, 0, sizeof r);
        r.j = j;
        r.rc = wd_coverage_check(w->s, j.text, j.len, &sh->copts, &r.cov, &r.err);
        if (r.rc == WD_EMODIFIED && wd_searcher_reopen(w->s, NULL) == WD_OK) {
            wd_error_clear(&r.err);
            r.rc = wd_coverage_check(w->s, j.text, j.len, &sh->copts, &r.cov, &r.err);
        }

        pthread_mutex_lock(&sh->mu);
        while (!sh->fatal && j.seq >= sh->next_out + WINDOW_CAP)
            pthread_cond_wait(&sh->cv_window, &sh->mu);
        if (sh->fatal) {
            pthread_mutex_unlock(&sh->mu);
            wd_free(j.text);
            wd_coverage_clear(&r.cov);
            break;
        }
        r.full = 1;
        sh->window[j.seq % WINDOW_CAP] = r;
        pthread_cond_broadcast(&sh->cv_window);
        pthread_mutex_unlock(&sh->mu);
    }
    return NULL;
}

/* ---- output ------------------------------------------------------------------- */

static void tsv_field(wd_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\t': wd_buf_puts(b, "\\t"); break;
        case '\n': wd_buf_puts(b, "\\n"); break;
        case '\r': wd_buf_puts(b, "\\r"); break;
        case '\\': wd_buf_puts(b, "\\\\"); break;
        default: wd_buf_putc(b, s[i]);
        }
    }
}

static void emit(shared *sh, const slot *r, wd_buf *b)
{
    const wd_coverage *c = &r->cov;
    const char *v = wd_verdict_name(c->verdict);
    wd_buf_reset(b);
    switch (sh->format) {
    case OF_JSONL: cov_line_json(b, r->j.text, r->j.len, r->j.line, r->j.asked, c); break;
    case OF_TSV:
        wd_buf_printf(b, "%zu\t", r->j.line);
        tsv_field(b, r->j.text, r->j.len);
        wd_buf_printf(b, "\t%s\t%.4f", v, c->confidence);
        for (int k = 0; k < 2; k++) {
            const wd_hit *h = k ? c->runner_up : c->best;
            double hc = k ? c->runner_up_confidence : c->best_confidence;
            if (h) {
                wd_buf_putc(b, '\t');
                tsv_field(b, h->id, strlen(h->id));
                wd_buf_putc(b, '\t');
                tsv_field(b, h->question, strlen(h->question));
                wd_buf_printf(b, "\t%.4f", hc);
            } else {
                wd_buf_puts(b, "\t\t\t");
            }
        }
        wd_buf_putc(b, '\t');
        if (c->best && c->best->snippet)
            tsv_field(b, c->best->snippet, strlen(c->best->snippet));
        if (r->j.asked)
            wd_buf_printf(b, "\t%zu", r->j.asked);
        wd_buf_putc(b, '\n');
        break;
    case OF_TEXT: /* the question and the records' text with control characters escaped */
        wd_buf_printf(b, "%-9s %.2f  ", v, c->confidence);
        wd_buf_visible(b, r->j.text, r->j.len);
        if (r->j.asked)
            wd_buf_printf(b, "  (asked %zu time%s)", r->j.asked, r->j.asked == 1 ? "" : "s");
        wd_buf_putc(b, '\n');
        if (c->best) {
            wd_buf_printf(b, "          best       %.2f  ", c->best_confidence);
            wd_buf_visible(b, c->best->id, strlen(c->best->id));
            wd_buf_puts(b, "  ");
            wd_buf_visible(b, c->best->question, strlen(c->best->question));
            wd_buf_printf(b, "%s\n", c->best->kind == WD_KIND_QUESTION ? "  (question only)" : "");
            if (c->best->snippet && *c->best->snippet) {
                wd_buf_puts(b, "                           ");
                wd_buf_visible(b, c->best->snippet, strlen(c->best->snippet));
                wd_buf_putc(b, '\n');
            }
        }
        if (c->runner_up) {
            wd_buf_printf(b, "          runner-up  %.2f  ", c->runner_up_confidence);
            wd_buf_visible(b, c->runner_up->id, strlen(c->runner_up->id));
            wd_buf_puts(b, "  ");
            wd_buf_visible(b, c->runner_up->question, strlen(c->runner_up->question));
            wd_buf_putc(b, '\n');
        }
        break;
    case OF_HTML: cov_html_row(sh->html, r->j.line, r->j.text, r->j.len, c); return;
    }
    if (b->oom || fwrite(b->data, 1, b->len, sh->out) != b->len)
        sh->write_failed = 1;
}

static void progress(shared *sh, int final)
{
    cli_progress_update(&sh->pg, atomic_load(&sh->bytes_read), sh->sum.questions, final);
}

static void *writer_main(void *arg)
{
    shared *sh = arg;
    wd_buf b = WD_BUF_INIT;
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        slot *s = &sh->window[sh->next_out % WINDOW_CAP];
        while (!sh->fatal && !s->full && !(sh->eof && sh->next_out == sh->pushed))
            pthread_cond_wait(&sh->cv_window, &sh->mu);
        if (sh->fatal || !s->full) {
            pthread_mutex_unlock(&sh->mu);
            break;
        }
        slot r = *s;
        memset(s, 0, sizeof *s);
        sh->next_out++;
        pthread_cond_broadcast(&sh->cv_window);
        pthread_mutex_unlock(&sh->mu);

        if (r.rc != WD_OK) {
            pthread_mutex_lock(&sh->mu);
            set_fatal(sh, &r.err);
            pthread_mutex_unlock(&sh->mu);
            wd_free(r.j.text);
            wd_coverage_clear(&r.cov);
            break;
        }
        emit(sh, &r, &b);
        wd_error err;
        int rc = cov_summary_count(&sh->sum, r.j.text, r.j.len, r.j.file, r.j.line, &r.cov, &err);
        wd_free(r.j.text);
        wd_coverage_clear(&r.cov);
        if (rc != WD_OK) {
            pthread_mutex_lock(&sh->mu);
            set_fatal(sh, &err);
            pthread_mutex_unlock(&sh->mu);
            break;
        }
        progress(sh, 0);
    }
    progress(sh, 1);
    wd_buf_free(&b);
    return NULL;
}

/* ---- input -------------------------------------------------------------------- */

/* The inputs are read by corpus/'s question-list reader
 * (wd_corpus_read_questions): lines, TSV or CSV, "-" for stdin. */
typedef struct reader {
    shared *sh;
    const char *cmd;
    unsigned long long base; /* bytes of the inputs read before this one */
} reader;

/* Queue one question (takes text). Returns 0, or -1 when the run stops. */
static int push(shared *sh, const char *file, size_t line, char *text, size_t len, size_t asked)
{
    pthread_mutex_lock(&sh->mu);
    while (!sh->fatal && sh->qn == QUEUE_CAP)
        pthread_cond_wait(&sh->cv_queue, &sh->mu);
    if (sh->fatal) {
        pthread_mutex_unlock(&sh->mu);
        wd_free(text);
        return -1;
    }
    sh->queue[(sh->qhead + sh->qn) % QUEUE_CAP] =
        (job){ sh->pushed++, file, line, text, len, asked };
    sh->qn++;
    pthread_cond_broadcast(&sh->cv_queue);
    pthread_mutex_unlock(&sh->mu);
    return 0;
}

/* Each question: a copy goes into the queue (q->file is the argv string
 * or the reader's static "stdin", so the job may keep it). */
static int on_question(void *ctx, const wd_question *q)
{
    reader *rd = ctx;
    atomic_store(&rd->sh->bytes_read, rd->base + q->consumed);
    char *copy = wd_strndup(q->text, q->len);
    if (!copy) {
        wd_error err;
        wd_error_set(&err, WD_ENOMEM, "cli", "out of memory");
        pthread_mutex_lock(&rd->sh->mu);
        set_fatal(rd->sh, &err);
        pthread_mutex_unlock(&rd->sh->mu);
        return WD_ESTOP;
    }
    return push(rd->sh, q->file, q->line, copy, q->len, 0) < 0 ? WD_ESTOP : 0;
}

/* A skipped line: "wenda: coverage: FILE:LINE: why; the line was skipped";
 * the run goes on and ends with exit 3. */
static void on_skip(void *ctx, int level, const char *file, size_t line, int code,
                    const char *message)
{
    reader *rd = ctx;
    (void)code;
    if (line)
        cli_diag(rd->cmd, "%s:%zu: %s", file, line, message);
    else
        cli_diag(rd->cmd, "%s: %s", file, message);
    if (level != WD_DIAG_SKIP)
        return;
    pthread_mutex_lock(&rd->sh->mu);
    rd->sh->sum.skipped++;
    pthread_mutex_unlock(&rd->sh->mu);
}

/* Read one input (path or "-") in the format asked for (WD_FORMAT_AUTO,
 * _LINES, _TSV or _CSV). Returns 0, EXIT_DATA when it cannot be read (the
 * other inputs still are), or -1 when the run stopped. */
static int read_input(reader *rd, const char *path, int fmt)
{
    wd_question_opts o = WD_QUESTION_OPTS_INIT;
    o.format = fmt;
    o.max_question_bytes = MAX_QUESTION_BYTES;
    wd_error err;
    int rc = wd_corpus_read_questions(path, &o, on_question, on_skip, rd, &err);
    /* The next input's bytes count on from here (a file's trailing blank
     * or skipped lines are left out; the bar ends at 100 % anyway). */
    rd->base = atomic_load(&rd->sh->bytes_read);
    if (rc == WD_OK)
        return 0;
    if (rc == WD_ESTOP)
        return -1;
    if (rc == WD_ENOMEM) {
        pthread_mutex_lock(&rd->sh->mu);
        set_fatal(rd->sh, &err);
        pthread_mutex_unlock(&rd->sh->mu);
        return -1;
    }
    cli_diag(rd->cmd, "%s", err.message);
    return EXIT_DATA;
}

/* ---- --from-log: the questions of a query log, each once, most asked first ------ */

typedef struct logged {
    char *text; /* new */
    size_t len;
    size_t line; /* where it was first asked */
    size_t asked;
} logged;

typedef struct log_questions {
    reader *rd;
    wd_strmap seen; /* question -> its index in q, plus one */
    logged *q;
    size_t n, cap;
    size_t searches; /* lines taken */
} log_questions;

static int on_logged(void *ctx, const wd_question *x)
{
    log_questions *lq = ctx;
    const char *t = x->text;
    size_t n = x->len;
    while (n && (*t == ' ' || *t == '\t'))
        t++, n--;
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    if (!n)
        return 0;
    int added;
    size_t *at = wd_strmap_put(&lq->seen, t, n, &added);
    if (!at)
        return WD_ENOMEM;
    lq->searches++;
    if (!added) {
        lq->q[*at - 1].asked++;
        return 0;
    }
    char *copy = WD_GROW(lq->q, lq->cap, lq->n + 1, 64) == WD_OK ? wd_strndup(t, n) : NULL;
    if (!copy)
        return WD_ENOMEM;
    lq->q[lq->n] = (logged){ copy, n, x->line, 1 };
    *at = ++lq->n;
    return 0;
}

static void on_log_skip(void *ctx, int level, const char *file, size_t line, int code,
                        const char *message)
{
    on_skip(((log_questions *)ctx)->rd, level, file, line, code, message);
}

static int by_asked(const void *a, const void *b)
{
    const logged *x = a, *y = b;
    if (x->asked != y->asked)
        return x->asked > y->asked ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void log_questions_free(log_questions *lq)
{
    for (size_t i = 0; i < lq->n; i++)
        wd_free(lq->q[i].text);
    wd_free(lq->q);
    wd_strmap_clear(&lq->seen);
}

/* Read the log whole (skipped lines counted as malformed input), then queue
 * its questions most asked first. Returns as read_input. */
static int read_log(reader *rd, const char *path)
{
    log_questions lq = { rd, WD_STRMAP_INIT(sizeof(size_t)), NULL, 0, 0, 0 };
    wd_question_opts o = WD_QUESTION_OPTS_INIT;
    o.format = WD_FORMAT_QUERY_LOG;
    o.max_question_bytes = MAX_QUESTION_BYTES;
    wd_error err;
    int rc = wd_corpus_read_questions(path, &o, on_logged, on_log_skip, &lq, &err);
    int ret = 0;
    if (rc == WD_ENOMEM || rc == WD_ESTOP) {
        if (rc == WD_ESTOP)
            wd_error_set(&err, WD_ENOMEM, "cli", "out of memory");
        pthread_mutex_lock(&rd->sh->mu);
        set_fatal(rd->sh, &err);
        pthread_mutex_unlock(&rd->sh->mu);
        ret = -1;
    } else if (rc != WD_OK) {
        cli_diag(rd->cmd, "%s", err.message);
        ret = EXIT_DATA;
    }
    if (lq.n)
        qsort(lq.q, lq.n, sizeof *lq.q, by_asked);
    for (size_t i = 0; ret >= 0 && i < lq.n; i++) {
        if (push(rd->sh, path, lq.q[i].line, lq.q[i].text, lq.q[i].len, lq.q[i].asked) < 0)
            ret = -1;
        lq.q[i].text = NULL; /* taken by push */
    }
    if (ret >= 0 && rd->sh->format == OF_TEXT)
        cli_diag(rd->cmd, "%s: %zu searches, %zu distinct questions", path, lq.searches, lq.n);
    log_questions_free(&lq);
    return ret;
}

/* ---- the command ---------------------------------------------------------------- */

static const cli_opt cov_opts[] = {
    { "index", 0, 1, "DIR",
      "index to check against (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "covered-at", 0, 1, "P",
      "confidence from which a question is covered (default: the calibration's)" },
    { "partial-at", 0, 1, "P", "confidence from which it is partial (default: the calibration's)" },
    { "calibration", 0, 1, "FILE",
      "judge by these thresholds; with --calibrate, where to keep the fitted ones" },
    { "calibrate", 0, 1, "LABELLED",
      "fit the thresholds to labelled questions (question<TAB>covered|uncovered) and keep them "
      "with the index (or in --calibration FILE)" },
    { "input-format", 0, 1, "F", "lines, tsv or csv (default: by extension or header)" },
    { "from-log", 0, 1, "FILE",
      "check the questions of a query log (wenda serve --query-log), each once, most asked "
      "first" },
    { "format", 0, 1, "F", "text (default), tsv, jsonl or html" },
    { "json", 0, 0, NULL, "short for --format jsonl" },
    { "output", 'o', 1, "FILE", "write to FILE instead of stdout" },
    { "min-coverage", 0, 1, "S", "exit 1 when the covered share is below S (0..1 or N%)" },
    { "jobs", 'j', 1, "N", "worker threads (default: one per core)" },
    { "candidates", 0, 1, "K", "records scored per question (default 8)" },
    { "html-rows", 0, 1, "N", "rows of the HTML table (default 5000; groups are all listed)" },
    { "dict", 0, 1, "DIR", "dictionary directory (default: $WENDA_DICT or built-in)" },
    { "progress", 0, 1, "HOW",
      "on stderr: bar (rewritten in place), lines (one every 10 s) or none; default: a bar on "
      "a terminal, else lines" },
    { "quiet", 'q', 0, NULL, "no progress" },
    { NULL, 0, 0, NULL, NULL }
};

static int parse_share(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '%' && end[1] == '\0') {
        v /= 100;
        end++;
    }
    if (end == s || *end || errno || !(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

static int cmd_coverage(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    shared *sh = calloc(1, sizeof *sh);
    if (!sh) {
        cli_args_free(&a);
        cli_diag(cmd->name, "out of memory");
        return EXIT_INTERNAL;
    }
    sh->copts = (wd_coverage_opts)WD_COVERAGE_OPTS_INIT;
    sh->sum.min_coverage = -1;
    int fmt = OF_TEXT, infmt = WD_FORMAT_AUTO;
    const char *v;
    unsigned long jobs = 0, cands = 8, html_rows = 5000;
    double covered_at = -1, partial_at = -1;
    if ((v = cli_value(cmd, &a, "format"))) {
        fmt = !strcmp(v, "text")                          ? OF_TEXT
              : !strcmp(v, "tsv")                         ? OF_TSV
              : !strcmp(v, "jsonl") || !strcmp(v, "json") ? OF_JSONL
              : !strcmp(v, "html")                        ? OF_HTML
                                                          : -1;
        if (fmt < 0)
            ex = cli_usage_error(cmd, "--format wants text, tsv, jsonl or html, not '%s'", v);
    }
    if (!ex && cli_flag(cmd, &a, "json"))
        fmt = OF_JSONL;
    int json = fmt == OF_JSONL;
    int pmode = cli_progress_mode(cli_value(cmd, &a, "progress"), cli_flag(cmd, &a, "quiet"));
    if (!ex && pmode < 0)
        ex = cli_usage_error(cmd, "--progress wants bar, lines or none");
    if (!ex && (v = cli_value(cmd, &a, "input-format"))) {
        infmt = !strcmp(v, "lines")  ? WD_FORMAT_LINES
                : !strcmp(v, "tsv")  ? WD_FORMAT_TSV
                : !strcmp(v, "csv")  ? WD_FORMAT_CSV
                : !strcmp(v, "auto") ? WD_FORMAT_AUTO
                                     : -1;
        if (infmt < 0)
            ex = cli_usage_error(cmd, "--input-format wants lines, tsv or csv, not '%s'", v);
    }
    if (!ex && (v = cli_value(cmd, &a, "covered-at")) && parse_share(v, &covered_at))
        ex = cli_usage_error(cmd, "--covered-at wants a confidence from 0 to 1, not '%s'", v);
    if (!ex && (v = cli_value(cmd, &a, "partial-at")) && parse_share(v, &partial_at))
        ex = cli_usage_error(cmd, "--partial-at wants a confidence from 0 to 1, not '%s'", v);
    if (!ex && partial_at >= 0 && covered_at >= 0 && partial_at > covered_at)
        ex = cli_usage_error(cmd, "--partial-at (%.2f) is above --covered-at (%.2f)", partial_at,
                             covered_at);
    const char *calibrate = cli_value(cmd, &a, "calibrate");
    const char *cal_file = cli_value(cmd, &a, "calibration");
    if (!ex && calibrate && a.npos > 0)
        ex = cli_usage_error(cmd, "--calibrate takes the labelled questions; give no other input");
    if (!ex && (v = cli_value(cmd, &a, "min-coverage")) && parse_share(v, &sh->sum.min_coverage))
        ex = cli_usage_error(cmd,
                             "--min-coverage wants a share from 0 to 1 (or 0%%..100%%), "
                             "not '%s'",
                             v);
    if (!ex && (cli_uint(cmd, &a, "jobs", 0, MAX_JOBS, &jobs) ||
                cli_uint(cmd, &a, "candidates", 8, 100, &cands) ||
                cli_uint(cmd, &a, "html-rows", 5000, 10000000, &html_rows)))
        ex = EXIT_USAGE;
    const char *from_log = cli_value(cmd, &a, "from-log");
    if (!ex && from_log && (a.npos > 0 || calibrate))
        ex = cli_usage_error(cmd, "--from-log takes the questions of the log; give no other input");
    if (!ex && a.npos == 0 && !calibrate && !from_log)
        ex = cli_usage_error(cmd, "no questions given (files, or - for stdin)");
    if (ex) {
        free(sh);
        cli_args_free(&a);
        return ex;
    }
    if (cands == 0)
        cands = 1;
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (unsigned long)n : 1;
        if (jobs > MAX_JOBS)
            jobs = MAX_JOBS;
    }
    sh->copts.covered_at = covered_at; /* < 0: the calibration's (set below) */
    sh->copts.partial_at = partial_at;
    sh->copts.candidates = (uint32_t)cands;
    sh->format = fmt;

    const char *path = cli_index_path(cli_value(cmd, &a, "index"));
    sh->index = sh->sum.index = path;
    if (!cli_index_exists(path)) {
        ex = cli_no_index(cmd->name, path, json);
        free(sh);
        cli_args_free(&a);
        return ex;
    }
    for (int i = 0; i < a.npos + (from_log != NULL); i++) {
        struct stat st;
        const char *in = i < a.npos ? a.pos[i] : from_log;
        if (strcmp(in, "-") == 0)
            continue;
        if (stat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
            cli_diag(cmd->name, "%s: %s", in,
                     errno == ENOENT ? "no such file" : "not a readable file");
            free(sh);
            cli_args_free(&a);
            return EXIT_DATA;
        }
        sh->bytes_total += (unsigned long long)st.st_size;
    }
    int any_stdin = 0;
    for (int i = 0; i < a.npos; i++)
        any_stdin |= strcmp(a.pos[i], "-") == 0;
    if (any_stdin || from_log) /* a log is read whole before any question is checked */
        sh->bytes_total = 0;

    wd_dict *dict = NULL;
    ex = cli_load_dict(cmd->name, cli_value(cmd, &a, "dict"), json, &dict);
    if (ex) {
        free(sh);
        cli_args_free(&a);
        return ex;
    }
    sh->dict = dict;
    if (calibrate) {
        ex = cli_calibrate(cmd->name, path, calibrate, cal_file, dict, &sh->copts, json);
        wd_dict_free(dict);
        free(sh);
        cli_args_free(&a);
        return ex;
    }
    wd_error err;
    wd_error_clear(&err);
    worker *w = calloc(jobs, sizeof *w);
    sh->window = calloc(WINDOW_CAP, sizeof *sh->window);
    int rc = w && sh->window ? WD_OK : wd_error_set(&err, WD_ENOMEM, "cli", "out of memory");
    for (unsigned long i = 0; rc == WD_OK && i < jobs; i++) {
        w[i].sh = sh;
        rc = wd_searcher_open(&w[i].s, path, dict, &err);
    }
    /* The thresholds: given, else the calibration in force (--calibration
     * FILE, else the index folder's, else the built-in one). */
    wd_calibration cal;
    if (rc == WD_OK && cal_file && wd_calibration_read(cal_file, &cal, &err) != WD_OK)
        rc = err.code;
    for (unsigned long i = 0; rc == WD_OK && cal_file && i < jobs; i++)
        wd_searcher_set_calibration(w[i].s, &cal);
    if (rc == WD_OK) {
        const wd_calibration *in_force = wd_searcher_calibration(w[0].s);
        sh->sum.covered_at = covered_at >= 0 ? covered_at : in_force->covered_at;
        sh->sum.partial_at = partial_at >= 0 ? partial_at : in_force->partial_at;
        if (sh->sum.partial_at > sh->sum.covered_at)
            sh->sum.partial_at = sh->sum.covered_at;
        sh->copts.covered_at = sh->sum.covered_at;
        sh->copts.partial_at = sh->sum.partial_at;
    }
    if (rc == WD_OK && fmt == OF_HTML && cov_html_new(&sh->html, html_rows) != WD_OK)
        rc = wd_error_set(&err, WD_ENOMEM, "cli", "out of memory");
    const char *outpath = cli_value(cmd, &a, "output");
    sh->out = stdout;
    if (rc == WD_OK && outpath && strcmp(outpath, "-") != 0) {
        sh->out = fopen(outpath, "wb");
        if (!sh->out) {
            sh->out = stdout;
            rc = wd_error_set(&err, WD_EIO, "cli", "%s: %s", outpath, strerror(errno));
        }
    }
    if (rc != WD_OK) {
        ex = rc == WD_ENOTFOUND ? cli_no_index(cmd->name, path, json)
                                : cli_fail(cmd->name, &err, json);
        goto done;
    }
    cli_progress_start(&sh->pg, pmode, cmd->name, "checking", "questions", sh->bytes_total, 1);
    if (fmt == OF_TSV)
        fprintf(sh->out,
                "line\tquestion\tverdict\tconfidence\tbest_id\tbest_question\t"
                "best_confidence\trunner_up_id\trunner_up_question\t"
                "runner_up_confidence\tsnippet%s\n",
                from_log ? "\tasked" : "");

    pthread_mutex_init(&sh->mu, NULL);
    pthread_cond_init(&sh->cv_queue, NULL);
    pthread_cond_init(&sh->cv_window, NULL);
    double t0 = cli_now_ms();
    unsigned long started = 0;
    pthread_t wt;
    int writer_ok = pthread_create(&wt, NULL, writer_main, sh) == 0;
    for (; writer_ok && started < jobs; started++)
        if (pthread_create(&w[started].th, NULL, worker_main, &w[started]) != 0)
            break;
    reader rd = { sh, cmd->name, 0 };
    int read_ex = 0;
    if (!writer_ok || started == 0) {
        wd_error_set(&err, WD_EINTERNAL, "cli", "cannot start threads");
        pthread_mutex_lock(&sh->mu);
        set_fatal(sh, &err);
        pthread_mutex_unlock(&sh->mu);
    }
    if (from_log && !sh->fatal)
        read_ex = read_log(&rd, from_log) > 0 ? EXIT_DATA : 0;
    for (int i = 0; i < a.npos && !sh->fatal; i++) {
        int r = read_input(&rd, a.pos[i], infmt);
        if (r > 0 && !read_ex)
            read_ex = r;
        if (r < 0)
            break;
    }
    pthread_mutex_lock(&sh->mu);
    sh->eof = 1;
    pthread_cond_broadcast(&sh->cv_queue);
    pthread_cond_broadcast(&sh->cv_window);
    pthread_mutex_unlock(&sh->mu);
    for (unsigned long i = 0; i < started; i++)
        pthread_join(w[i].th, NULL);
    if (writer_ok)
        pthread_join(wt, NULL);
    /* Anything a stopped run left behind. */
    for (size_t i = 0; i < sh->qn; i++)
        wd_free(sh->queue[(sh->qhead + i) % QUEUE_CAP].text);
    for (size_t i = 0; i < WINDOW_CAP; i++)
        if (sh->window[i].full) {
            wd_free(sh->window[i].j.text);
            wd_coverage_clear(&sh->window[i].cov);
        }
    sh->sum.seconds = (cli_now_ms() - t0) / 1e3;
    pthread_cond_destroy(&sh->cv_queue);
    pthread_cond_destroy(&sh->cv_window);
    pthread_mutex_destroy(&sh->mu);

    if (sh->fatal) {
        ex = cli_fail(cmd->name, &sh->fatal_err, json);
        goto done;
    }
    cov_summary_sort(&sh->sum);
    wd_buf b = WD_BUF_INIT;
    switch (fmt) {
    case OF_JSONL:
        if (cov_summary_json(&sh->sum, &b) == WD_OK)
            fprintf(sh->out, "%s\n", b.data);
        else
            sh->write_failed = 1;
        break;
    case OF_TSV: cov_summary_text(&sh->sum, sh->out, "# "); break;
    case OF_TEXT:
        fputc('\n', sh->out);
        cov_summary_text(&sh->sum, sh->out, "");
        break;
    case OF_HTML:
        if (cov_html_write(sh->html, &sh->sum, sh->out) != 0)
            sh->write_failed = 1;
        break;
    }
    wd_buf_free(&b);
    if (fflush(sh->out) != 0 || ferror(sh->out))
        sh->write_failed = 1;
    if (sh->write_failed) {
        wd_error_set(&err, WD_EIO, "cli", "cannot write the output%s%s", outpath ? " to " : "",
                     outpath ? outpath : "");
        ex = cli_fail(cmd->name, &err, json);
    } else if (read_ex) {
        ex = read_ex;
    } else if (sh->sum.skipped) {
        cli_diag(cmd->name, "%zu malformed input lines were skipped", sh->sum.skipped);
        ex = EXIT_DATA;
    } else if (sh->sum.min_coverage >= 0 &&
               cov_share(&sh->sum, WD_COVERED) < sh->sum.min_coverage) {
        if (fmt != OF_TEXT)
            cli_diag(cmd->name, "covered share %.3f is below --min-coverage %.3f",
                     cov_share(&sh->sum, WD_COVERED), sh->sum.min_coverage);
        ex = EXIT_NEGATIVE;
    } else {
        ex = EXIT_OK;
    }
done:
    if (sh->out && sh->out != stdout)
        fclose(sh->out);
    for (unsigned long i = 0; w && i < jobs; i++) {
        wd_searcher_close(w[i].s);
    }
    free(w);
    cov_html_free(sh->html);
    cov_summary_clear(&sh->sum);
    free(sh->window);
    free(sh);
    wd_dict_free(dict);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_coverage = {
    "coverage",
    "Check which questions the knowledge base already answers.",
    "[--index DIR] [--covered-at C] [--partial-at P] [--calibration FILE] "
    "[--input-format lines|tsv|csv] [--format text|tsv|jsonl|html] [--json] [-o FILE] "
    "[--min-coverage S] QUESTIONS... | --from-log FILE | --calibrate LABELLED",
    "QUESTIONS are files with one question a line, TSV/CSV files with a 'question'\n"
    "column, or - for stdin. Each question, in input order, gets a verdict, a\n"
    "confidence and the best record and the runner-up. The confidence is the one\n"
    "`wenda ask` gives each hit: the estimated probability that the record answers\n"
    "the question, the same on any knowledge base. covered: a record with an answer\n"
    "reaches --covered-at; partial: the best reaches --partial-at, or only a\n"
    "question-only record (no written answer) reaches --covered-at; else uncovered.\n"
    "The thresholds are those of the calibration in force (--calibration FILE, else\n"
    "the index folder's, else the built-in one; `wenda info` says which).\n"
    "Then a summary: counts and shares per verdict, and the gaps to write (uncovered\n"
    "and partial questions) grouped by same-question similarity, largest group first.\n"
    "--json prints one object a question, then {\"summary\": ...}. Malformed input\n"
    "lines are reported with their line numbers and skipped. The text output shows\n"
    "control characters of questions and records escaped (\\x1B).\n"
    "--from-log FILE checks the questions `wenda serve --query-log FILE` logged: each\n"
    "distinct question once (spaces around it trimmed; later pages of a search not\n"
    "counted), most asked first, with the times it was asked (\"asked\" in --json,\n"
    "a last column in --format tsv); the summary counts distinct questions, so its\n"
    "gaps are the real questions the base does not answer.\n"
    "--calibrate LABELLED fits the thresholds to a base's own labelled questions\n"
    "(question<TAB>covered|uncovered, a header line optional), prints how well they\n"
    "separate (accuracy, AUC) and keeps them in the index folder, under its lock;\n"
    "a shard list, remote shards or a read-only folder need --calibration FILE,\n"
    "which ask, coverage and serve then take.\n"
    "Exit: 0 done; 1 covered share below --min-coverage; 2 usage; 3 no index,\n"
    "unreadable input or malformed lines skipped; 4 internal error.",
    cov_opts,
    cmd_coverage
};
