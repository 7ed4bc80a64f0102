/*
 * seed.c - the seed-page reader. A seed page is a Q&A page saved as text:
 * its own question on the first line, its answer up to a line "相关推荐"
 * (related recommendations) or "相关问题" (related questions), then the
 * related items. After "相关推荐" each item is a question line, an answer
 * line and a "健康新闻 YYYY-MM-DD" line whose date belongs to the item; the
 * page often repeats the question right after the date line, which is an
 * artefact of the page layout and not a new item. After "相关问题" each
 * item is a question line and the asker's description line (the heading
 * "为您推荐N个相关问题" is not an item); those records have no answer and
 * are delivered as kind WD_KIND_QUESTION with the description as answer.
 * Blank lines only separate lines.
 *
 * A page is small, so it is read whole and split into lines; text is kept
 * byte for byte (lines joined with "\n", line terminators and a BOM
 * removed). The page is one unit for encoding checks: invalid UTF-8 or a
 * NUL byte anywhere skips the whole page, since its structure can no
 * longer be trusted.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"

typedef struct sline {
    const char *s;
    size_t n;
} sline;

enum { MODE_NONE = 0, MODE_RECOMMEND = 1, MODE_QUESTIONS = 2 };

#define MARK_RECOMMEND "\xE7\x9B\xB8\xE5\x85\xB3\xE6\x8E\xA8\xE8\x8D\x90" /* 相关推荐 */
#define MARK_QUESTIONS "\xE7\x9B\xB8\xE5\x85\xB3\xE9\x97\xAE\xE9\xA2\x98" /* 相关问题 */
#define NEWS "\xE5\x81\xA5\xE5\xBA\xB7\xE6\x96\xB0\xE9\x97\xBB"           /* 健康新闻 */
#define TIP "\xE6\x8F\x90\xE7\xA4\xBA"                                    /* 提示 */
#define TIP_TEXT                                                                                   \
    "\xE6\x9C\xAC\xE5\x86\x85\xE5\xAE\xB9\xE4\xB8\x8D\xE8\x83\xBD\xE4\xBB\xA3\xE6\x9B\xBF\xE9\x9D" \
    "\xA2\xE8\xAF\x8A" /* 本内容不能代替面诊 */
#define REC_PREFIX "\xE4\xB8\xBA\xE6\x82\xA8\xE6\x8E\xA8\xE8\x8D\x90"             /* 为您推荐 */
#define REC_SUFFIX "\xE4\xB8\xAA\xE7\x9B\xB8\xE5\x85\xB3\xE9\x97\xAE\xE9\xA2\x98" /* 个相关问题 */

static int has_prefix(const char *s, size_t n, const char *p, size_t *plen)
{
    size_t l = strlen(p);
    if (n < l || memcmp(s, p, l) != 0)
        return 0;
    *plen = l;
    return 1;
}

static void trim_line(const sline *L, const char **s, size_t *n)
{
    *s = L->s;
    *n = L->n;
    rd_trim(s, n);
}

/* A section heading: the whole line (trimmed) is 相关推荐 or 相关问题. */
static int marker(const sline *L)
{
    const char *s;
    size_t n;
    trim_line(L, &s, &n);
    if (rd_name_eq(s, n, MARK_RECOMMEND))
        return MODE_RECOMMEND;
    if (rd_name_eq(s, n, MARK_QUESTIONS))
        return MODE_QUESTIONS;
    return MODE_NONE;
}

/* "健康新闻 2025-04-18": copies the date into out[11]. */
static int date_line(const sline *L, char out[11])
{
    const char *s;
    size_t n, k;
    trim_line(L, &s, &n);
    if (!has_prefix(s, n, NEWS, &k))
        return 0;
    s += k;
    n -= k;
    size_t sp = 0;
    while (sp < n && (s[sp] == ' ' || s[sp] == '\t'))
        sp++;
    if (sp == 0 || n - sp != 10)
        return 0;
    s += sp;
    for (int i = 0; i < 10; i++) {
        int dash = (i == 4 || i == 7);
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    }
    memcpy(out, s, 10);
    out[10] = '\0';
    return 1;
}

/* The page footer "提示:本内容不能代替面诊…" (ASCII or full-width colon). */
static int tip_line(const sline *L)
{
    const char *s;
    size_t n, k;
    trim_line(L, &s, &n);
    if (!has_prefix(s, n, TIP, &k))
        return 0;
    s += k;
    n -= k;
    if (n >= 1 && s[0] == ':')
        k = 1;
    else if (!has_prefix(s, n, "\xEF\xBC\x9A", &k)) /* ： */
        return 0;
    s += k;
    n -= k;
    return has_prefix(s, n, TIP_TEXT, &k);
}

/* "为您推荐20个相关问题": a heading inside the 相关问题 section. */
static int count_line(const sline *L)
{
    const char *s;
    size_t n, k;
    trim_line(L, &s, &n);
    if (!has_prefix(s, n, REC_PREFIX, &k))
        return 0;
    s += k;
    n -= k;
    size_t d = 0;
    while (d < n && s[d] >= '0' && s[d] <= '9')
        d++;
    return d > 0 && rd_name_eq(s + d, n - d, REC_SUFFIX);
}

static int blank(const sline *L)
{
    return rd_is_blank(L->s, L->n);
}

typedef struct seed {
    rd_ctx *c;
    sline *lines;
    size_t nlines;
    wd_buf q, a, id;
    size_t next_item; /* the n of "<stem>#<n>" */
} seed;

/* Deliver lines[iq] as question and lines[a0..a1) joined with "\n" as
 * answer. Each item gets its number whether or not it is delivered, so
 * the ids of the other items stay stable. */
static int seed_emit(seed *sd, size_t iq, size_t a0, size_t a1, const char *date, int kind)
{
    size_t num = sd->next_item++;
    wd_buf_reset(&sd->q);
    wd_buf_reset(&sd->a);
    wd_buf_reset(&sd->id);
    wd_buf_append(&sd->q, sd->lines[iq].s, sd->lines[iq].n);
    wd_buf_append(&sd->a, "", 0);
    for (size_t k = a0; k < a1; k++) {
        if (k > a0)
            wd_buf_putc(&sd->a, '\n');
        wd_buf_append(&sd->a, sd->lines[k].s, sd->lines[k].n);
    }
    wd_buf_printf(&sd->id, "%s#%zu", sd->c->stem, num);
    if (sd->q.oom || sd->a.oom || sd->id.oom)
        return WD_ENOMEM;
    wd_record rec = { sd->id.data, sd->q.data, sd->a.data, NULL, date, kind, iq + 1, NULL, 0 };
    return rd_emit(sd->c, &rec, sd->q.len, sd->a.len, 0);
}

static int split_lines(seed *sd, const char *text, size_t len)
{
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            count++;
    sd->lines = wd_calloc(count, sizeof *sd->lines);
    if (!sd->lines)
        return WD_ENOMEM;
    size_t start = 0, n = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n')
            continue;
        if (i == len && start == len)
            break; /* the text ended with a newline: no line after it */
        size_t l = i - start;
        if (l && text[start + l - 1] == '\r')
            l--;
        sd->lines[n].s = text + start;
        sd->lines[n].n = l;
        n++;
        start = i + 1;
    }
    sd->nlines = n;
    return WD_OK;
}

/* The related items, from line `k` on, in section `mode`. */
static int seed_items(seed *sd, size_t k, int mode)
{
    rd_ctx *c = sd->c;
    enum { S_Q, S_A, S_DATE, S_AFTER_DATE } st = S_Q;
    size_t iq = 0, ia = 0;
    char date[11];
    int rc;
    for (; k < sd->nlines; k++) {
        const sline *L = &sd->lines[k];
        if (blank(L))
            continue;
    again:
        switch (st) {
        case S_AFTER_DATE:
            st = S_Q;
            /* The page repeats the question under its date: not an item. */
            if (L->n == sd->lines[iq].n && memcmp(L->s, sd->lines[iq].s, L->n) == 0)
                continue;
            /* fall through */
        case S_Q: {
            int m = marker(L);
            if (m) {
                mode = m;
                continue;
            }
            if (mode == MODE_RECOMMEND && date_line(L, date)) {
                rd_diag(c, WD_DIAG_WARNING, k + 1, WD_EFORMAT,
                        "date line without a question before it; ignored");
                continue;
            }
            if (mode == MODE_QUESTIONS && count_line(L))
                continue;
            iq = k;
            st = S_A;
            continue;
        }
        case S_A: {
            int m = marker(L);
            int is_date = mode == MODE_RECOMMEND && date_line(L, date);
            if (m || is_date) {
                if (mode == MODE_QUESTIONS) {
                    /* A known question with no description is still a question. */
                    if ((rc = seed_emit(sd, iq, iq + 1, iq + 1, NULL, WD_KIND_QUESTION)) != WD_OK)
                        return rc;
                } else {
                    sd->next_item++;
                    rd_diag(c, WD_DIAG_SKIP, iq + 1, WD_EFORMAT,
                            "related question without an answer; the record was skipped");
                }
                st = S_Q;
                if (m)
                    mode = m;
                continue;
            }
            ia = k;
            if (mode == MODE_QUESTIONS) {
                if ((rc = seed_emit(sd, iq, ia, ia + 1, NULL, WD_KIND_QUESTION)) != WD_OK)
                    return rc;
                st = S_Q;
            } else {
                st = S_DATE;
            }
            continue;
        }
        case S_DATE:
            if (date_line(L, date)) {
                if ((rc = seed_emit(sd, iq, ia, ia + 1, date, WD_KIND_QA)) != WD_OK)
                    return rc;
                st = S_AFTER_DATE;
                continue;
            }
            /* No date under this item: deliver it undated and read this line
             * as the next item's question. */
            if ((rc = seed_emit(sd, iq, ia, ia + 1, NULL, WD_KIND_QA)) != WD_OK)
                return rc;
            st = S_Q;
            goto again;
        }
    }
    if (st == S_A) {
        if (mode == MODE_QUESTIONS)
            return seed_emit(sd, iq, iq + 1, iq + 1, NULL, WD_KIND_QUESTION);
        sd->next_item++;
        rd_diag(c, WD_DIAG_SKIP, iq + 1, WD_EFORMAT,
                "related question without an answer; the record was skipped");
    } else if (st == S_DATE) {
        return seed_emit(sd, iq, ia, ia + 1, NULL, WD_KIND_QA);
    }
    return WD_OK;
}

static int seed_page(seed *sd)
{
    rd_ctx *c = sd->c;
    size_t n = sd->nlines, i = 0;
    while (i < n && blank(&sd->lines[i]))
        i++;
    if (i == n) {
        rd_diag(c, WD_DIAG_WARNING, 0, WD_EFORMAT, "empty file");
        return WD_OK;
    }
    size_t iq = i, j = i + 1;
    while (j < n && !marker(&sd->lines[j]))
        j++;
    size_t a0 = iq + 1, a1 = j;
    while (a0 < a1 && blank(&sd->lines[a0]))
        a0++;
    while (a1 > a0 && blank(&sd->lines[a1 - 1]))
        a1--;
    if (a1 > a0 && tip_line(&sd->lines[a1 - 1])) {
        a1--;
        while (a1 > a0 && blank(&sd->lines[a1 - 1]))
            a1--;
    }
    int rc;
    if (a1 == a0) {
        sd->next_item++;
        rd_diag(c, WD_DIAG_SKIP, iq + 1, WD_EFORMAT,
                "the page's question has no answer; the record was skipped");
    } else if ((rc = seed_emit(sd, iq, a0, a1, NULL, WD_KIND_QA)) != WD_OK) {
        return rc;
    }
    if (j == n)
        return WD_OK;
    return seed_items(sd, j + 1, marker(&sd->lines[j]));
}

int rd_read_seed(rd_ctx *c, rd_lines *l)
{
    int rc = rd_lines_fill(l, SIZE_MAX);
    if (rc != WD_OK)
        return rc;
    const char *text = l->buf.data ? l->buf.data + l->pos : "";
    size_t len = l->buf.len - l->pos;

    size_t bad = 0;
    int is_nul = 0;
    if (!rd_text_ok(text, len, &bad, &is_nul)) {
        size_t line = 1, line_start = 0;
        for (size_t i = 0; i < bad; i++)
            if (text[i] == '\n') {
                line++;
                line_start = i + 1;
            }
        /* The whole page is the record: say so and where it went wrong. */
        rd_diag_bad_text(c, line, bad - line_start, is_nul);
        return WD_OK;
    }

    seed sd;
    memset(&sd, 0, sizeof sd);
    sd.c = c;
    rc = split_lines(&sd, text, len);
    if (rc == WD_OK)
        rc = seed_page(&sd);
    wd_free(sd.lines);
    wd_buf_free(&sd.q);
    wd_buf_free(&sd.a);
    wd_buf_free(&sd.id);
    return rc;
}

/* The next line of text[*pos..len) (without its end); 0 at the end. */
static int next_line(const char *text, size_t len, size_t *pos, const char **s, size_t *n)
{
    if (*pos >= len)
        return 0;
    const char *nl = memchr(text + *pos, '\n', len - *pos);
    size_t e = nl ? (size_t)(nl - text) : len;
    *s = text + *pos;
    *n = e - *pos;
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    *pos = e + 1;
    return 1;
}

int rd_seed_shaped(const char *text, size_t len, const char **why)
{
    size_t pos = 0, n = 0;
    const char *s = NULL;
    *why = "";
    while (next_line(text, len, &pos, &s, &n) && rd_is_blank(s, n))
        ;
    if (pos >= len && (!s || rd_is_blank(s, n)))
        return 1; /* blank: the reader says it is empty */
    if (memchr(s, '\t', n)) {
        *why = "its first line holds a tab, as a table's rows do (a TSV file needs a first line "
               "naming its question and answer columns)";
        return 0;
    }
    while (next_line(text, len, &pos, &s, &n))
        if (!rd_is_blank(s, n))
            return 1;
    *why = "it is one line, with no answer after it";
    return 0;
}
