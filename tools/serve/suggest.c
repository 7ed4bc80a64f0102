/*
 * suggest.c - the completion index (see suggest.h). Normalisation runs one
 * original code point at a time so that every normalised byte knows which
 * original code point it came from; highlights are then exact code-point
 * ranges of the question as stored, whatever width or script the user
 * typed in.
 *
 * Pinyin: each Han character of a question also has its readings
 * (wenda/pinyin.h, made once per character while the index is built). When
 * the text as typed finds fewer questions than asked for, the questions are
 * matched character by character against what was typed: a typed letter
 * run may spell a character's reading whole, its initial (zh, ch, sh or one
 * letter), or, at the end of the text, the beginning of it; a typed
 * character matches the same character or one that shares a reading (a
 * homophone the input method picked wrongly: 异第 for 异地). When that
 * still finds too few, one typed character may stand for any other (a
 * wrong character that does not sound the same: 异地去医), ranked after
 * the rest. A bitmask of the readings' first letters per character keeps
 * the scan over every question cheap. The matcher itself is the library's
 * (wenda/pinyin.h), shared with the pinyin reading of searched questions.
 */
#include "suggest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/pinyin.h"
#include "wenda/search.h"

/* Calls of the pinyin matcher per question and start: its branching is
 * small, but a long run of letters against many polyphones is bounded. */
#define PY_BUDGET 4096
#define PY_MAX_TYPED 64 /* code points of typed text tried as pinyin */

typedef struct sg_q {
    char *id;
    char *question; /* as stored */
    char *norm;     /* normalised, NUL-terminated */
    uint32_t *map;  /* norm byte -> code point of question */
    size_t norm_len;
    size_t cps; /* code points in question */
    uint32_t order;
    wd_pinyin_text pt; /* per code point of question: its sound */
} sg_q;

typedef struct sg_suffix {
    uint32_t q;
    uint32_t off; /* byte offset into norm */
} sg_suffix;

struct sg_index {
    sg_q *qs;
    size_t n, cap;
    sg_suffix *sa;
    size_t n_sa;
    int oom;
    wd_pinyin *pinyin;     /* owns every reading the questions point to */
    pthread_mutex_t py_mu; /* guards pinyin for lookups (typed characters) */
};

static void q_free(sg_q *q)
{
    wd_free(q->id);
    wd_free(q->question);
    wd_free(q->norm);
    wd_free(q->map);
    wd_pinyin_text_free(&q->pt);
}

void sg_index_free(sg_index *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->n; i++)
        q_free(&ix->qs[i]);
    wd_free(ix->qs);
    wd_free(ix->sa);
    pthread_mutex_destroy(&ix->py_mu);
    wd_pinyin_free(ix->pinyin);
    wd_free(ix);
}

static int collect(void *ctx, const wd_record *rec)
{
    sg_index *ix = ctx;
    if (!rec) { /* the walk starts over */
        for (size_t i = 0; i < ix->n; i++)
            q_free(&ix->qs[i]);
        ix->n = 0;
        return 0;
    }
    if (WD_GROW(ix->qs, ix->cap, ix->n + 1, 256) != WD_OK)
        return WD_ENOMEM;
    sg_q *q = &ix->qs[ix->n];
    memset(q, 0, sizeof *q);
    q->id = wd_strdup(rec->id);
    q->question = wd_strdup(rec->question);
    q->order = (uint32_t)ix->n;
    ix->n++;
    return q->id && q->question ? 0 : WD_ENOMEM;
}

/* Normalise q->question code point by code point. */
static int normalise(wd_analyzer *an, sg_q *q, wd_error *err)
{
    const char *s = q->question;
    size_t n = strlen(s);
    wd_buf b = WD_BUF_INIT;
    uint32_t *map = NULL;
    size_t map_cap = 0;
    size_t cp = 0;
    int rc = WD_OK;
    for (size_t i = 0; i < n && rc == WD_OK;) {
        uint32_t c;
        size_t l = wd_utf8_decode(s + i, n - i, &c);
        if (l == 0)
            l = 1; /* stored questions are valid UTF-8; be safe anyway */
        size_t before = b.len;
        if (c < 0x80) {
            char ch = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            wd_buf_putc(&b, ch);
        } else {
            char *out = NULL;
            size_t olen = 0;
            rc = wd_normalize(an, s + i, l, &out, &olen, err);
            if (rc == WD_OK)
                wd_buf_append(&b, out, olen);
            wd_free(out);
        }
        if (b.oom)
            rc = wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
        if (rc == WD_OK && WD_GROW(map, map_cap, b.len, 64) != WD_OK)
            rc = wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
        for (size_t k = before; rc == WD_OK && k < b.len; k++)
            map[k] = (uint32_t)cp;
        i += l;
        cp++;
    }
    if (rc != WD_OK) {
        wd_buf_free(&b);
        wd_free(map);
        return rc;
    }
    q->norm_len = b.len;
    q->norm = b.data ? wd_buf_detach(&b) : wd_strdup("");
    q->map = map;
    q->cps = cp;
    if (!q->norm)
        return wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    return WD_OK;
}

/* The pinyin side of a question: per code point its normalised code point,
 * its readings and their first letters. */
static int readings(sg_index *ix, sg_q *q, wd_error *err)
{
    if (wd_pinyin_text_set(&q->pt, ix->pinyin, q->norm, q->norm_len, q->map, q->cps) != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    return WD_OK;
}

/* qsort has no context argument: the index being sorted is passed here.
 * Building happens on the one reloader thread. */
static const sg_index *sort_ix;

static int cmp_norm(const void *a, const void *b)
{
    const sg_q *x = a, *y = b;
    int c = strcmp(x->norm, y->norm);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int cmp_suffix(const void *a, const void *b)
{
    const sg_suffix *x = a, *y = b;
    int c = strcmp(sort_ix->qs[x->q].norm + x->off, sort_ix->qs[y->q].norm + y->off);
    if (c)
        return c;
    return (x->q > y->q) - (x->q < y->q);
}

static int cmp_order(const void *a, const void *b)
{
    const sg_q *x = a, *y = b;
    return (x->order > y->order) - (x->order < y->order);
}

int sg_index_build(sg_index **out, wd_searcher *s, wd_analyzer *an, uint32_t *docs, wd_error *err)
{
    *out = NULL;
    sg_index *ix = wd_calloc(1, sizeof *ix);
    if (!ix)
        return wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    pthread_mutex_init(&ix->py_mu, NULL);
    int rc = wd_searcher_each_record(s, collect, ix, docs, err);
    if (rc == WD_ENOMEM)
        wd_error_set(err, rc, "serve", "out of memory");
    for (size_t i = 0; rc == WD_OK && i < ix->n; i++)
        rc = normalise(an, &ix->qs[i], err);
    if (rc == WD_OK && ix->n > 0)
        rc = wd_pinyin_new(&ix->pinyin, err);
    if (rc == WD_OK && ix->n > 0) {
        /* One entry per distinct normalised question: the first in index order. */
        qsort(ix->qs, ix->n, sizeof *ix->qs, cmp_norm);
        size_t k = 0;
        for (size_t i = 0; i < ix->n; i++) {
            if (k > 0 && strcmp(ix->qs[k - 1].norm, ix->qs[i].norm) == 0) {
                q_free(&ix->qs[i]);
                continue;
            }
            ix->qs[k++] = ix->qs[i];
        }
        ix->n = k;
        qsort(ix->qs, ix->n, sizeof *ix->qs, cmp_order);
        for (size_t i = 0; rc == WD_OK && i < ix->n; i++)
            rc = readings(ix, &ix->qs[i], err);
        size_t total = 0;
        for (size_t i = 0; i < ix->n; i++)
            total += ix->qs[i].cps;
        ix->sa = wd_malloc((total ? total : 1) * sizeof *ix->sa);
        if (!ix->sa)
            rc = wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
        for (size_t i = 0; rc == WD_OK && i < ix->n; i++) {
            const sg_q *q = &ix->qs[i];
            for (size_t off = 0; off < q->norm_len; off++)
                if ((((unsigned char)q->norm[off]) & 0xC0) != 0x80 && ix->n_sa < total)
                    ix->sa[ix->n_sa++] = (sg_suffix){ (uint32_t)i, (uint32_t)off };
        }
        if (rc == WD_OK) {
            sort_ix = ix;
            qsort(ix->sa, ix->n_sa, sizeof *ix->sa, cmp_suffix);
            sort_ix = NULL;
        }
    }
    if (rc != WD_OK) {
        sg_index_free(ix);
        return rc;
    }
    *out = ix;
    return WD_OK;
}

/* Ranking key: matches without a typo first, then prefix matches, then shorter questions, then index order. */
static int better(const sg_index *ix, const sg_match *a, const sg_match *b)
{
    if (a->typo != b->typo)
        return a->typo < b->typo;
    if (a->prefix != b->prefix)
        return a->prefix > b->prefix;
    size_t la = ix->qs[a->q].cps, lb = ix->qs[b->q].cps;
    if (la != lb)
        return la < lb;
    if (a->q != b->q)
        return a->q < b->q;
    return a->start < b->start;
}

/* Put m among the best max matches out[0..*n), each question once, at its
 * best occurrence. */
static void offer(const sg_index *ix, sg_match *out, size_t *n, size_t max, const sg_match *m)
{
    size_t at = *n;
    for (size_t k = 0; k < *n; k++)
        if (out[k].q == m->q) {
            at = k;
            break;
        }
    if (at < *n) {
        if (!better(ix, m, &out[at]))
            return;
        memmove(&out[at], &out[at + 1], (*n - at - 1) * sizeof *out);
        (*n)--;
    } else if (*n == max && !better(ix, m, &out[*n - 1])) {
        return;
    }
    if (*n == max)
        (*n)--;
    size_t pos = *n;
    while (pos > 0 && better(ix, m, &out[pos - 1]))
        pos--;
    memmove(&out[pos + 1], &out[pos], (*n - pos) * sizeof *out);
    out[pos] = *m;
    (*n)++;
}

/* ---- pinyin ------------------------------------------------------------------------ */

/* The questions the typed text spells in pinyin (or names with homophones),
 * added to out[0..n); returns the new count. */
static size_t pinyin_lookup(sg_index *ix, const char *norm, size_t len, sg_match *out, size_t n,
                            size_t max, int typos)
{
    char stripped[PY_MAX_TYPED * 4];
    size_t sl = 0, cps = 0;
    for (size_t off = 0; off < len;) {
        uint32_t c;
        size_t l = wd_utf8_decode(norm + off, len - off, &c);
        l = l ? l : 1;
        if (c != ' ' && c != '\t' && c != 0x3000) {
            if (++cps > PY_MAX_TYPED || sl + l > sizeof stripped)
                return n;
            memcpy(stripped + sl, norm + off, l);
            sl += l;
        }
        off += l;
    }
    wd_pinyin_text t;
    pthread_mutex_lock(&ix->py_mu);
    int rc = ix->pinyin ? wd_pinyin_text_set(&t, ix->pinyin, stripped, sl, NULL, 0) : WD_ENOMEM;
    pthread_mutex_unlock(&ix->py_mu);
    if (rc != WD_OK)
        return n;
    int sounds = 0;   /* letters, or characters with readings */
    size_t chars = 0; /* typed characters, not letters */
    for (size_t k = 0; k < t.n; k++) {
        sounds |= (t.cp[k] >= 'a' && t.cp[k] <= 'z') || t.py[k];
        chars += t.py[k] != NULL;
    }
    /* One letter is not pinyin yet, one character has too many homophones;
     * a typo is allowed in two characters or more, all Chinese (in two, at
     * a question's start only: anywhere, nearly everything would match). */
    if (sounds && t.n >= 2 && (!typos || chars == t.n)) {
        for (size_t qi = 0; qi < ix->n; qi++) {
            size_t start = 0, end;
            unsigned budget = PY_BUDGET;
            long e;
            if (typos && t.n == 2) { /* two characters, one wrong: at the start only */
                if ((e = wd_pinyin_match(&ix->qs[qi].pt, 0, &t, 0, typos, &budget)) < 0)
                    continue;
                end = (size_t)e;
            } else if (!wd_pinyin_find(&ix->qs[qi].pt, &t, typos, PY_BUDGET, &start, &end)) {
                continue;
            }
            sg_match m = { (uint32_t)qi, start, end, start == 0, typos };
            offer(ix, out, &n, max, &m);
        }
    }
    wd_pinyin_text_free(&t);
    return n;
}

size_t sg_index_lookup(sg_index *ix, const char *norm, size_t len, sg_match *out, size_t max)
{
    if (!ix || len == 0 || max == 0 || ix->n_sa == 0)
        return 0;
    size_t lo = 0, hi = ix->n_sa;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sg_suffix *s = &ix->sa[mid];
        if (strncmp(ix->qs[s->q].norm + s->off, norm, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    for (size_t i = lo; i < ix->n_sa; i++) {
        const sg_suffix *s = &ix->sa[i];
        const sg_q *q = &ix->qs[s->q];
        if (strncmp(q->norm + s->off, norm, len) != 0)
            break;
        sg_match m = { s->q, q->map[s->off], q->map[s->off + len - 1] + 1, s->off == 0, 0 };
        offer(ix, out, &n, max, &m);
    }
    if (n < max)
        n = pinyin_lookup(ix, norm, len, out, n, max, 0);
    /* Then one wrong character, after every exact match. */
    return n < max ? pinyin_lookup(ix, norm, len, out, n, max, 1) : n;
}

const char *sg_question(const sg_index *ix, uint32_t q)
{
    return ix->qs[q].question;
}
const char *sg_id(const sg_index *ix, uint32_t q)
{
    return ix->qs[q].id;
}
size_t sg_count(const sg_index *ix)
{
    return ix ? ix->n : 0;
}
