/*
 * questions.c - the question-list reader behind wd_corpus_read_questions:
 * one question a line, or the question column of a TSV/CSV table split by
 * the same rd_table as the record reader (table.c).
 *
 * A question list is what someone wants checked, not a knowledge base, so
 * its rules are a question's, not a record's: only the question column has
 * to be there (a row may have fewer or more cells than the header, as long
 * as it reaches that column), only the question's own text is checked for
 * NUL bytes and UTF-8 (the other cells are not read), and a question over
 * the size limit is skipped rather than stored. What it shares with the
 * record reader is everything about the format: where a record starts and
 * ends, how quotes work, what makes a CSV record broken, how the header
 * names its columns. Each skipped line is one WD_DIAG_SKIP diagnostic whose
 * message ends in "; the line was skipped"; the read goes on.
 *
 * A query log (tools/serve/querylog.h) is read here too: one JSON object a
 * line, whose "query" is the question.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"

typedef struct qlist {
    rd_ctx *c;
    rd_lines *l;
    wd_question_fn fn;
    size_t max_bytes;
    wd_buf text; /* the question handed on, NUL-terminated */
} qlist;

static void skip(qlist *q, size_t line, int code, const char *why)
{
    rd_diag(q->c, WD_DIAG_SKIP, line, code, "%s; the line was skipped", why);
}

/* Check one question and hand it on. Empty and blank questions are passed
 * over. A NUL byte is named before invalid UTF-8 (a UTF-16 or binary line
 * has both), and both before the size, which says nothing about them. */
static int take(qlist *q, size_t line, const char *s, size_t n)
{
    size_t bad;
    char why[96];
    if (n == 0)
        return WD_OK;
    if (memchr(s, '\0', n)) {
        skip(q, line, WD_EENCODING, "a NUL byte in the question");
        return WD_OK;
    }
    if (!wd_utf8_valid(s, n, &bad)) {
        snprintf(why, sizeof why, "not valid UTF-8 (byte %zu)", bad + 1);
        skip(q, line, WD_EENCODING, why);
        return WD_OK;
    }
    if (n > q->max_bytes) {
        snprintf(why, sizeof why, "the question is longer than %zu bytes", q->max_bytes);
        skip(q, line, WD_EFORMAT, why);
        return WD_OK;
    }
    if (rd_is_blank(s, n))
        return WD_OK;
    if (!q->fn)
        return WD_OK;
    /* A line is not NUL-terminated where the line reader left it. */
    wd_buf_reset(&q->text);
    if (wd_buf_append(&q->text, s, n) != WD_OK)
        return WD_ENOMEM;
    wd_question x = { q->text.data, n, q->c->path, line, q->l->consumed };
    int rc = q->fn(q->c->ctx, &x);
    if (rc != 0) {
        q->c->stopped = 1;
        return rc;
    }
    q->c->delivered++;
    return WD_OK;
}

static int read_lines(qlist *q)
{
    const char *s;
    size_t n;
    int r, rc;
    while ((r = rd_lines_next(q->l, &s, &n)) == 1)
        if ((rc = take(q, q->l->lineno, s, n)) != WD_OK)
            return rc;
    return r;
}

static int read_table(qlist *q, char sep, const char *qname)
{
    rd_table t;
    rd_table_init(&t, q->l, sep);
    /* Past 1 MiB an open quote is taken for a stray one, so a single bad
     * row cannot swallow the rest of a long list. */
    t.max_span = WD_DEFAULT_MAX_RECORD_BYTES;
    int r = rd_table_header(&t), rc = WD_OK;
    if (r <= 0) {
        rc = r; /* an empty list, or an error */
        goto out;
    }
    int col = rd_table_find(&t, qname);
    if (col < 0) {
        rc = rd_fail_at(q->c, t.line, WD_EFORMAT,
                        "the header names no '%s' column (use --input-format lines for one "
                        "question a line)",
                        qname);
        goto out;
    }
    int again = rd_table_find_from(&t, qname, (size_t)col + 1);
    if (again >= 0) {
        rc = rd_fail_at(q->c, t.line, WD_EFORMAT,
                        "the header names the '%s' column twice (columns %d and %d); rename the "
                        "one that does not hold the questions",
                        qname, col + 1, again + 1);
        goto out;
    }
    while ((r = rd_table_next(&t)) == 1) {
        if (t.blank)
            continue;
        /* TSV cannot quote a NUL, so one anywhere spoils the line. */
        if (sep == '\t' && t.nul)
            skip(q, t.line, WD_EENCODING, "a NUL byte in the line");
        else if (t.unterminated)
            skip(q, t.line, WD_EFORMAT, "malformed CSV (a quote is never closed)");
        else if (t.stray)
            skip(q, t.line, WD_EFORMAT, "malformed CSV (a stray or unclosed quote)");
        else if (t.nf <= (size_t)col)
            skip(q, t.line, WD_EFORMAT, "too few columns for the question column");
        else if ((rc = take(q, t.line, rd_table_field(&t, (size_t)col), t.f[col].len)) != WD_OK)
            goto out;
    }
    rc = r;
out:
    rd_table_free(&t);
    return rc;
}

int rd_read_questions(rd_ctx *c, rd_lines *l, char sep, const wd_question_opts *opts,
                      wd_question_fn fn)
{
    qlist q = { c, l, fn, opts->max_question_bytes, WD_BUF_INIT };
    if (!q.max_bytes)
        q.max_bytes = WD_DEFAULT_MAX_QUESTION_BYTES;
    int rc = sep ? read_table(&q, sep, opts->question_column ? opts->question_column : "question")
                 : read_lines(&q);
    wd_buf_free(&q.text);
    return rc;
}

int rd_read_query_log(rd_ctx *c, rd_lines *l, const wd_question_opts *opts, wd_question_fn fn)
{
    qlist q = { c, l, fn, opts->max_question_bytes, WD_BUF_INIT };
    if (!q.max_bytes)
        q.max_bytes = WD_DEFAULT_MAX_QUESTION_BYTES;
    const char *s;
    size_t n;
    int r = 0, rc = WD_OK;
    while (rc == WD_OK && (r = rd_lines_next(l, &s, &n)) == 1) {
        size_t line = l->lineno;
        if (rd_is_blank(s, n))
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(s, n, 0, &jerr);
        json_t *query = json_object_get(o, "query");
        json_t *offset = json_object_get(o, "offset");
        if (!o && json_error_code(&jerr) == json_error_out_of_memory)
            rc = WD_ENOMEM;
        else if (!json_is_string(query))
            skip(&q, line, WD_EFORMAT,
                 o ? "no \"query\" string: not a line of wenda serve's query log"
                   : "not JSON: not a line of wenda serve's query log");
        else if (!json_is_integer(offset) || json_integer_value(offset) == 0)
            rc = take(&q, line, json_string_value(query), json_string_length(query));
        json_decref(o);
    }
    wd_buf_free(&q.text);
    return rc != WD_OK ? rc : r;
}
