/*
 * qrels.c - the parser for relevance judgements ("question<TAB>id:grade,..."
 * a line; see qrels.h). It works line by line over a buffer, skips comments
 * and blank lines, and parses each judgement line into a scratch record
 * first, so that a bad line is dropped whole (with a message naming file and
 * line) and never leaves half a question behind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "grow.h"
#include "qrels.h"
#include "wenda/buf.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trim ASCII blanks from both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
    while (*s < *e && is_blank(**s))
        (*s)++;
    while (*e > *s && is_blank((*e)[-1]))
        (*e)--;
}

static void qrel_clear(wd_qrel *q)
{
    wd_free(q->question);
    for (size_t i = 0; i < q->n_judged; i++)
        wd_free(q->judged[i].id);
    wd_free(q->judged);
    memset(q, 0, sizeof *q);
}

void wd_qrels_free(wd_qrels *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        qrel_clear(&q->q[i]);
    wd_free(q->q);
    wd_free(q);
}

int wd_qrel_grade(const wd_qrel *q, const char *id)
{
    for (size_t i = 0; i < q->n_judged; i++)
        if (strcmp(q->judged[i].id, id) == 0)
            return q->judged[i].grade;
    return 0;
}

struct parser {
    const char *name;
    size_t line;
    wd_qrels_diag_fn diag;
    void *ctx;
    wd_buf msg;
};

/* Report a bad line; returns 1 (the "skip" result of parse_line). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
bad(struct parser *p, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    wd_buf_reset(&p->msg);
    wd_buf_printf(&p->msg, "%s:%zu: %s; the line was skipped", p->name, p->line, what);
    if (p->diag)
        p->diag(p->ctx, p->name, p->line, p->msg.oom ? what : p->msg.data);
    return 1;
}

/* Parse one non-comment line into *q. Returns 0 on success, 1 for a bad
 * line (reported), WD_ENOMEM. */
static int parse_line(struct parser *p, const char *s, const char *e, wd_qrel *q)
{
    memset(q, 0, sizeof *q);
    q->line = p->line;
    if (!wd_utf8_valid(s, (size_t)(e - s), NULL))
        return bad(p, "not valid UTF-8");
    const char *tab = memchr(s, '\t', (size_t)(e - s));
    if (!tab)
        return bad(p, "no TAB between the question and its judgements (an unanswerable question "
                      "is the question, a TAB and nothing else)");
    const char *qs = s, *qe = tab;
    trim(&qs, &qe);
    if (qs == qe)
        return bad(p, "empty question");
    q->question = wd_strndup(qs, (size_t)(qe - qs));
    if (!q->question)
        return WD_ENOMEM;
    size_t cap = 0;
    for (const char *item = tab + 1, *stop; item; item = stop < e ? stop + 1 : NULL) {
        const char *comma = memchr(item, ',', (size_t)(e - item));
        stop = comma ? comma : e;
        const char *is = item, *ie = stop;
        trim(&is, &ie);
        if (is == ie)
            continue; /* empty item, e.g. a trailing comma */
        const char *colon = NULL;
        for (const char *c = is; c < ie; c++)
            if (*c == ':')
                colon = c;
        if (!colon)
            return bad(p, "judgement '%.*s' is not id:grade", (int)(ie - is), is);
        const char *ids = is, *ide = colon, *gs = colon + 1, *ge = ie;
        trim(&ids, &ide);
        trim(&gs, &ge);
        if (ids == ide)
            return bad(p, "judgement '%.*s' has no id", (int)(ie - is), is);
        if (ge - gs != 1 || *gs < '0' || *gs > '2')
            return bad(p, "judgement '%.*s' needs grade 0, 1 or 2", (int)(ie - is), is);
        for (size_t i = 0; i < q->n_judged; i++)
            if (strlen(q->judged[i].id) == (size_t)(ide - ids) &&
                memcmp(q->judged[i].id, ids, (size_t)(ide - ids)) == 0)
                return bad(p, "record '%.*s' is judged twice", (int)(ide - ids), ids);
        if (WD_GROW(q->judged, cap, q->n_judged + 1, 4) != WD_OK)
            return WD_ENOMEM;
        char *id = wd_strndup(ids, (size_t)(ide - ids));
        if (!id)
            return WD_ENOMEM;
        q->judged[q->n_judged++] = (wd_judgement){ id, *gs - '0' };
    }
    return 0;
}

int wd_qrels_parse(wd_qrels **out, const char *name, const char *data, size_t len,
                   wd_qrels_diag_fn diag, void *ctx, wd_error *err)
{
    *out = NULL;
    wd_qrels *r = wd_calloc(1, sizeof *r);
    if (!r)
        return wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    struct parser p = { name ? name : "qrels", 0, diag, ctx, WD_BUF_INIT };
    size_t cap = 0;
    const char *s = data, *end = data + len;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    int rc = WD_OK;
    while (s < end && rc == WD_OK) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        p.line++;
        if (e > s && e[-1] == '\r')
            e--;
        const char *t = s;
        while (t < e && is_blank(*t))
            t++;
        if (t == e || *t == '#') {
            s = next;
            continue;
        }
        wd_qrel q;
        int x = parse_line(&p, s, e, &q);
        if (x == 1) {
            qrel_clear(&q);
            r->bad_lines++;
        } else if (x != 0) {
            qrel_clear(&q);
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        } else {
            if (WD_GROW(r->q, cap, r->n + 1, 32) != WD_OK) {
                qrel_clear(&q);
                rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
                break;
            }
            r->q[r->n++] = q;
        }
        s = next;
    }
    wd_buf_free(&p.msg);
    if (rc != WD_OK) {
        wd_qrels_free(r);
        return rc;
    }
    *out = r;
    return WD_OK;
}

int wd_qrels_read_file(wd_qrels **out, const char *path, wd_qrels_diag_fn diag, void *ctx,
                       wd_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return wd_error_set(err, errno == ENOENT ? WD_ENOTFOUND : WD_EIO, "eval", "%s: %s", path,
                            strerror(errno));
    wd_buf b = WD_BUF_INIT;
    int rc = wd_buf_read_stream(&b, f);
    fclose(f);
    if (rc == WD_EIO)
        rc = wd_error_set(err, WD_EIO, "eval", "%s: read error", path);
    else if (rc != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    else
        rc = wd_qrels_parse(out, path, b.data, b.len, diag, ctx, err);
    wd_buf_free(&b);
    return rc;
}
