/*
 * discover.c - new-word discovery over fed text (wenda/discover.h).
 *
 * Three passes over the normalised text, each along its runs of ideographs:
 *   1. counts of strings of 1..max_len characters; a string of length L is
 *      counted only where both of its L-1 character ends are frequent (a
 *      string is never more frequent than its parts), so the tables hold the
 *      frequent strings and their near misses, not every n-gram;
 *   2. candidates: frequent strings of two or more characters, cohesive
 *      enough, not starting or ending with a stop word;
 *   3. their neighbours: a table of (candidate, side, character) counts,
 *      from which the left and right entropies come, and the examples.
 * Then the analyzer says which candidates the lexicons already handle.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "norm.h"
#include "strmap.h"
#include "wenda/discover.h"

#define MAX_LEN_LIMIT 8
#define KEY_MAX (MAX_LEN_LIMIT * 4)
#define EXAMPLE_BEFORE 15
#define EXAMPLE_AFTER 25

typedef struct cand {
    char key[KEY_MAX + 1]; /* UTF-8 */
    unsigned klen, len;    /* bytes, characters */
    uint32_t count;
    double cohesion;
    double tot[2], clogc[2]; /* neighbour counts and sum of c log2 c: left, right */
    size_t ex_unit[2], ex_pos[2];
    unsigned nex;
    uint32_t aligned; /* occurrences whose both ends are word boundaries of the analyzer */
} cand;

struct wd_discover {
    const wd_dict *dict;
    wd_discover_opts o;
    wd_norm nm;
    wd_ntext nt;
    wd_analyzer *an;
    uint32_t *cp;       /* every normalised code point fed, units end with 0 */
    unsigned char *bnd; /* 1: the analyzer has a word boundary before cp[i] */
    size_t n, cap;
    size_t nchars;   /* ideographs among them */
    size_t *unit_at; /* first code point of each unit */
    unsigned char *unit_q;
    size_t nunits, ucap;
    int ran;
};

static int oom(wd_error *err)
{
    return wd_error_set(err, WD_ENOMEM, "discover", "out of memory");
}

int wd_discover_new(wd_discover **out, const wd_dict *dict, const wd_discover_opts *opts,
                    wd_error *err)
{
    *out = NULL;
    wd_discover_opts o = WD_DISCOVER_OPTS_INIT;
    if (opts)
        o = *opts;
    if (!o.max_len)
        o.max_len = 6;
    if (o.max_len < 2 || o.max_len > MAX_LEN_LIMIT || o.min_cohesion < 0 || o.min_freedom < 0 ||
        !isfinite(o.min_cohesion) || !isfinite(o.min_freedom))
        return wd_error_set(err, WD_EINVAL, "discover",
                            "max_len must be 2 to %d, min_cohesion and min_freedom at least 0",
                            MAX_LEN_LIMIT);
    wd_discover *x = wd_calloc(1, sizeof *x);
    if (!x)
        return oom(err);
    x->dict = dict;
    x->o = o;
    int rc = wd_norm_init(&x->nm, err);
    if (rc != WD_OK) {
        wd_free(x);
        return rc;
    }
    rc = wd_analyzer_new(&x->an, dict, err);
    if (rc != WD_OK) {
        wd_discover_free(x);
        return rc;
    }
    *out = x;
    return WD_OK;
}

void wd_discover_free(wd_discover *x)
{
    if (!x)
        return;
    wd_norm_fini(&x->nm);
    wd_ntext_free(&x->nt);
    wd_analyzer_free(x->an);
    wd_free(x->cp);
    wd_free(x->bnd);
    wd_free(x->unit_at);
    wd_free(x->unit_q);
    wd_free(x);
}

size_t wd_discover_chars(const wd_discover *x)
{
    return x->nchars;
}

size_t wd_discover_units(const wd_discover *x)
{
    return x->nunits;
}

/* Room for need code points in the parallel arrays cp and bnd. */
static int reserve(wd_discover *x, size_t need)
{
    size_t cap = x->cap, cap_b = x->cap;
    if (WD_GROW(x->cp, cap, need, 4096) != WD_OK || WD_GROW(x->bnd, cap_b, need, 4096) != WD_OK)
        return WD_ENOMEM;
    x->cap = cap;
    return WD_OK;
}

/* The analyzer's words of the chunk just normalised (x->nt, appended at
 * base): each word's start and end mark a boundary. */
typedef struct mark_ctx {
    wd_discover *x;
    size_t base;
} mark_ctx;

static size_t cp_at(const wd_ntext *t, size_t byte)
{
    size_t lo = 0, hi = t->n; /* first k with ostart[k] >= byte */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->ostart[mid] < byte)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int mark_token(void *vctx, const wd_token *t)
{
    mark_ctx *m = vctx;
    if (t->flags & WD_TOKEN_SUBWORD)
        return 0;
    size_t a = cp_at(&m->x->nt, t->start), b = cp_at(&m->x->nt, t->end);
    if (a < m->x->nt.n)
        m->x->bnd[m->base + a] = 1;
    if (b < m->x->nt.n)
        m->x->bnd[m->base + b] = 1;
    return 0;
}

int wd_discover_feed(wd_discover *x, const char *text, size_t len, int is_question, wd_error *err)
{
    if (x->ran)
        return wd_error_set(err, WD_EINVAL, "discover", "text fed after the run");
    size_t ucap = x->ucap, ucap_q = x->ucap;
    if (WD_GROW(x->unit_at, ucap, x->nunits + 1, 256) != WD_OK ||
        WD_GROW(x->unit_q, ucap_q, x->nunits + 1, 256) != WD_OK)
        return oom(err);
    x->ucap = ucap;
    x->unit_at[x->nunits] = x->n;
    x->unit_q[x->nunits] = is_question != 0;
    /* Normalise and analyse in chunks, as the analyzer itself does (its
     * offsets are 32-bit); a chunk's edges are boundaries. */
    for (size_t pos = 0; pos < len;) {
        size_t end = wd_chunk_end(text, pos, len);
        int rc = wd_norm_text(&x->nm, text + pos, end - pos, &x->nt, err);
        if (rc != WD_OK)
            return rc;
        if (reserve(x, x->n + x->nt.n + 1) != WD_OK)
            return oom(err);
        size_t base = x->n;
        for (size_t k = 0; k < x->nt.n; k++) {
            uint32_t c = x->nt.cp[k];
            x->cp[x->n] = c ? c : ' ';
            x->bnd[x->n++] = k == 0;
            x->nchars += wd_is_ideo(c) != 0;
        }
        mark_ctx m = { x, base };
        rc = wd_analyze(x->an, WD_ANALYZE_QUERY, text + pos, end - pos, mark_token, &m, err);
        if (rc != WD_OK)
            return rc;
        pos = end;
    }
    if (reserve(x, x->n + 1) != WD_OK)
        return oom(err);
    x->cp[x->n] = 0;
    x->bnd[x->n++] = 1;
    x->nunits++;
    return WD_OK;
}

/* ---- the passes ------------------------------------------------------------------------ */

static unsigned key_of(const uint32_t *cp, size_t len, char *key)
{
    unsigned k = 0;
    for (size_t i = 0; i < len; i++)
        k += (unsigned)wd_utf8_encode(cp[i], key + k);
    key[k] = '\0';
    return k;
}

static uint32_t count_of(const wd_strmap *m, const uint32_t *cp, size_t len)
{
    char key[KEY_MAX + 1];
    unsigned k = key_of(cp, len, key);
    const uint32_t *v = wd_strmap_get(m, key, k);
    return v ? *v : 0;
}

/* The next run of ideographs at or after *s: [*s, *e); 0 at the end. */
static int next_run(const uint32_t *cp, size_t n, size_t *s, size_t *e)
{
    size_t i = *e;
    while (i < n && !wd_is_ideo(cp[i]))
        i++;
    if (i >= n)
        return 0;
    size_t j = i;
    while (j < n && wd_is_ideo(cp[j]))
        j++;
    *s = i;
    *e = j;
    return 1;
}

/* Pass 1: counts[L] for L = 1..max_len, L >= 2 only where both ends are
 * frequent. */
static int count_strings(wd_discover *x, wd_strmap *counts, uint32_t min, wd_error *err)
{
    char key[KEY_MAX + 1];
    for (unsigned L = 1; L <= x->o.max_len; L++) {
        size_t s = 0, e = 0;
        while (next_run(x->cp, x->n, &s, &e)) {
            for (size_t i = s; i + L <= e; i++) {
                if (L > 1 && (count_of(&counts[L - 1], x->cp + i, L - 1) < min ||
                              count_of(&counts[L - 1], x->cp + i + 1, L - 1) < min))
                    continue;
                unsigned k = key_of(x->cp + i, L, key);
                uint32_t *v = wd_strmap_put(&counts[L], key, k, NULL);
                if (!v)
                    return oom(err);
                if (*v < UINT32_MAX)
                    (*v)++;
            }
        }
    }
    return WD_OK;
}

static int is_numeral(uint32_t c)
{
    static const uint32_t NUMERALS[] = {
        0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B,
        0x4E5D, 0x5341, 0x767E, 0x5343, 0x4E07, 0x4EBF, 0x4E24, 0x3007
    }; /* 零一二三四五六七八九十百千万亿两〇 */
    for (size_t i = 0; i < sizeof NUMERALS / sizeof *NUMERALS; i++)
        if (c == NUMERALS[i])
            return 1;
    return 0;
}

/* A number written in Chinese numerals (二十一, 第三十二条): numbers and
 * ordinals are the analyzer's number rules' business, not new words. */
static int is_number_like(const uint32_t *cps, size_t n)
{
    if (n >= 2 && cps[0] == 0x7B2C /* 第 */ && is_numeral(cps[1]))
        return 1;
    for (size_t i = 0; i + 1 < n; i++)
        if (is_numeral(cps[i]) && is_numeral(cps[i + 1]))
            return 1;
    return 0;
}

static int is_stop_char(const wd_dict *d, uint32_t c)
{
    char u[5];
    size_t k = wd_utf8_encode(c, u);
    return wd_dict_is_stopword(d, u, k);
}

/* Pass 2: the frequent, cohesive strings; cmap maps each to its index + 1. */
static int find_candidates(wd_discover *x, wd_strmap *counts, uint32_t min, cand **out,
                           size_t *nout, size_t *capout, wd_strmap *cmap, wd_error *err)
{
    double N = (double)x->nchars;
    for (unsigned L = 2; L <= x->o.max_len; L++) {
        size_t pos = 0;
        const char *key;
        size_t klen;
        void *val;
        while (wd_strmap_next(&counts[L], &pos, &key, &klen, &val)) {
            uint32_t c = *(uint32_t *)val;
            if (c < min || klen > KEY_MAX)
                continue;
            uint32_t cps[MAX_LEN_LIMIT];
            size_t nc = 0;
            for (size_t b = 0; b < klen && nc < L;) {
                size_t l = wd_utf8_decode(key + b, klen - b, &cps[nc]);
                if (!l)
                    break;
                b += l;
                nc++;
            }
            if (nc != L || is_stop_char(x->dict, cps[0]) || is_stop_char(x->dict, cps[L - 1]) ||
                is_number_like(cps, L))
                continue;
            double coh = INFINITY;
            for (unsigned k = 1; k < L; k++) {
                double ca = count_of(&counts[k], cps, k),
                       cb = count_of(&counts[L - k], cps + k, L - k);
                double pmi = ca > 0 && cb > 0 ? log2((double)c * N / (ca * cb)) : 0;
                if (pmi < coh)
                    coh = pmi;
            }
            if (coh < x->o.min_cohesion)
                continue;
            if (WD_GROW(*out, *capout, *nout + 1, 256) != WD_OK)
                return oom(err);
            cand *cd = &(*out)[*nout];
            memset(cd, 0, sizeof *cd);
            memcpy(cd->key, key, klen);
            cd->key[klen] = '\0';
            cd->klen = (unsigned)klen;
            cd->len = L;
            cd->count = c;
            cd->cohesion = coh;
            uint32_t *idx = wd_strmap_put(cmap, key, klen, NULL);
            if (!idx)
                return oom(err);
            *idx = (uint32_t)++ * nout;
        }
    }
    return WD_OK;
}

static void add_example(wd_discover *x, cand *cd, size_t unit, size_t pos)
{
    for (unsigned k = 0; k < cd->nex; k++)
        if (cd->ex_unit[k] == unit)
            return;
    if (cd->nex < 2) {
        cd->ex_unit[cd->nex] = unit;
        cd->ex_pos[cd->nex++] = pos;
        return;
    }
    /* A question replaces an example that is not one. */
    for (unsigned k = 0; k < 2 && x->unit_q[unit]; k++) {
        if (!x->unit_q[cd->ex_unit[k]]) {
            cd->ex_unit[k] = unit;
            cd->ex_pos[k] = pos;
            return;
        }
    }
}

/* Pass 3: each candidate's neighbours on both sides, and its examples. */
static int count_neighbours(wd_discover *x, cand *cs, const wd_strmap *cmap, wd_error *err)
{
    wd_strmap nb = WD_STRMAP_INIT(sizeof(uint32_t));
    char key[KEY_MAX + 1];
    int rc = WD_OK;
    size_t s = 0, e = 0, unit = 0;
    while (rc == WD_OK && next_run(x->cp, x->n, &s, &e)) {
        while (unit + 1 < x->nunits && x->unit_at[unit + 1] <= s)
            unit++;
        for (unsigned L = 2; L <= x->o.max_len; L++) {
            for (size_t i = s; i + L <= e; i++) {
                unsigned k = key_of(x->cp + i, L, key);
                const uint32_t *idx = wd_strmap_get(cmap, key, k);
                if (!idx)
                    continue;
                cand *cd = &cs[*idx - 1];
                add_example(x, cd, unit, i);
                cd->aligned += x->bnd[i] && x->bnd[i + L];
                for (int side = 0; side < 2; side++) {
                    size_t at = side == 0 ? i - 1 : i + L;
                    if (side == 0 ? i == s : i + L == e) {
                        cd->tot[side] += 1; /* a run's edge: a new neighbour each time */
                        continue;
                    }
                    unsigned char nk[9];
                    uint32_t id = *idx;
                    memcpy(nk, &id, 4);
                    nk[4] = (unsigned char)side;
                    memcpy(nk + 5, &x->cp[at], 4);
                    uint32_t *v = wd_strmap_put(&nb, (const char *)nk, sizeof nk, NULL);
                    if (!v) {
                        rc = oom(err);
                        break;
                    }
                    (*v)++;
                }
            }
        }
    }
    size_t pos = 0;
    const char *k;
    size_t klen;
    void *val;
    while (rc == WD_OK && wd_strmap_next(&nb, &pos, &k, &klen, &val)) {
        uint32_t id;
        memcpy(&id, k, 4);
        int side = (unsigned char)k[4];
        double c = *(uint32_t *)val;
        cs[id - 1].tot[side] += c;
        cs[id - 1].clogc[side] += c * log2(c);
    }
    wd_strmap_clear(&nb);
    return rc;
}

static double entropy(const cand *cd, int side)
{
    double t = cd->tot[side];
    return t > 0 ? log2(t) - cd->clogc[side] / t : 0;
}

/* What the analyzer makes of a candidate on its own: its primary tokens,
 * and how many are single characters that are not stop words. */
struct split_ctx {
    const wd_dict *dict;
    unsigned tokens, singles;
};

/* A character that is a common word on its own in general Chinese (说 去 做
 * 不 人 后 ...: more often than one word in 3,000) is not part of a new
 * word next to a known one; a rarer one (期 费 型 证 ...) may be its affix. */
#define FREE_CHAR_LOGP (-8.0)

static int split_token(void *vctx, const wd_token *t)
{
    struct split_ctx *c = vctx;
    if (t->flags & WD_TOKEN_SUBWORD)
        return 0;
    c->tokens++;
    size_t chars = 0;
    for (size_t b = 0; b < t->len; b++)
        chars += ((unsigned char)t->text[b] & 0xC0) != 0x80;
    c->singles += chars == 1 && !(t->flags & WD_TOKEN_STOP) &&
                  wd_dict_general_logp(c->dict, t->text, t->len) < FREE_CHAR_LOGP;
    return 0;
}

/* 1 when the lexicons do not handle the candidate: the analyzer splits it
 * and some piece is a single character that is not a stop word (pieces
 * that are all known words, or known words joined by function words as in
 * 原件及复印件, make a phrase, not a word). */
static int lexicon_splits(wd_analyzer *an, const wd_dict *dict, const cand *cd, int *out,
                          wd_error *err)
{
    struct split_ctx c = { dict, 0, 0 };
    int rc = wd_analyze(an, WD_ANALYZE_QUERY, cd->key, cd->klen, split_token, &c, err);
    *out = rc == WD_OK && c.tokens > 1 && c.singles > 0;
    return rc;
}

static char *example_text(const wd_discover *x, size_t unit, size_t pos, unsigned len)
{
    size_t us = x->unit_at[unit];
    size_t ue = unit + 1 < x->nunits ? x->unit_at[unit + 1] - 1 : x->n - 1; /* its 0 */
    size_t a = pos > us + EXAMPLE_BEFORE ? pos - EXAMPLE_BEFORE : us;
    size_t b = pos + len + EXAMPLE_AFTER < ue ? pos + len + EXAMPLE_AFTER : ue;
    wd_buf out = WD_BUF_INIT;
    if (a > us)
        wd_buf_puts(&out, "\xE2\x80\xA6"); /* … */
    char u[5];
    for (size_t i = a; i < b; i++) {
        uint32_t c = x->cp[i];
        if (c < 0x20 || c == 0x7F)
            c = ' ';
        wd_buf_append(&out, u, wd_utf8_encode(c, u));
    }
    if (b < ue)
        wd_buf_puts(&out, "\xE2\x80\xA6");
    if (out.oom) {
        wd_buf_free(&out);
        return NULL;
    }
    return out.data ? out.data : wd_strdup("");
}

static int by_score(const void *a, const void *b)
{
    const wd_discovered *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->word, y->word);
}

void wd_discovered_free(wd_discovered *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        wd_free(v[i].word);
        wd_free(v[i].examples[0]);
        wd_free(v[i].examples[1]);
    }
    wd_free(v);
}

/* The automatic minimum count: 5, and one more per 200,000 characters
 * beyond a million, so that large bases do not flood the tables with
 * strings seen a handful of times. */
static uint32_t auto_min_count(size_t nchars)
{
    size_t m = nchars > 1000000 ? 5 + (nchars - 1000000) / 200000 : 5;
    return m > 1000 ? 1000 : (uint32_t)m;
}

int wd_discover_run(wd_discover *x, wd_discovered **out, size_t *n, wd_error *err)
{
    *out = NULL;
    *n = 0;
    if (x->ran)
        return wd_error_set(err, WD_EINVAL, "discover", "wd_discover_run called twice");
    x->ran = 1;
    uint32_t min = x->o.min_count ? x->o.min_count : auto_min_count(x->nchars);
    wd_strmap counts[MAX_LEN_LIMIT + 1];
    for (unsigned L = 0; L <= MAX_LEN_LIMIT; L++) {
        wd_strmap m = WD_STRMAP_INIT(sizeof(uint32_t));
        counts[L] = m;
    }
    wd_strmap cmap = WD_STRMAP_INIT(sizeof(uint32_t));
    cand *cs = NULL;
    size_t nc = 0, ccap = 0;
    wd_discovered *res = NULL;
    size_t nres = 0;
    int rc = count_strings(x, counts, min, err);
    if (rc == WD_OK)
        rc = find_candidates(x, counts, min, &cs, &nc, &ccap, &cmap, err);
    for (unsigned L = 0; L <= MAX_LEN_LIMIT; L++)
        wd_strmap_clear(&counts[L]);
    if (rc == WD_OK)
        rc = count_neighbours(x, cs, &cmap, err);
    wd_strmap_clear(&cmap);
    if (rc == WD_OK && nc && !(res = wd_calloc(nc, sizeof *res)))
        rc = oom(err);
    for (size_t i = 0; rc == WD_OK && i < nc; i++) {
        cand *cd = &cs[i];
        double free_ = fmin(entropy(cd, 0), entropy(cd, 1));
        /* Mostly cut out of longer words (电图 of 心电图, 性胃炎 of 慢性胃炎):
         * a fragment, not a word. */
        if (free_ < x->o.min_freedom || cd->aligned * 2 < cd->count)
            continue;
        int splits = 0;
        rc = lexicon_splits(x->an, x->dict, cd, &splits, err);
        if (rc != WD_OK || !splits)
            continue;
        wd_discovered *d = &res[nres];
        d->word = wd_strndup(cd->key, cd->klen);
        d->count = cd->count;
        d->cohesion = cd->cohesion;
        d->left_entropy = entropy(cd, 0);
        d->right_entropy = entropy(cd, 1);
        d->score = log2((double)cd->count) * cd->cohesion * free_;
        for (unsigned k = 0; k < cd->nex; k++)
            d->examples[k] = example_text(x, cd->ex_unit[k], cd->ex_pos[k], cd->len);
        if (d->examples[0] && d->examples[1] && strcmp(d->examples[0], d->examples[1]) == 0) {
            wd_free(d->examples[1]); /* two units with the same text */
            d->examples[1] = NULL;
        }
        nres++;
        if (!d->word || (cd->nex > 0 && !d->examples[0]))
            rc = oom(err);
    }
    wd_free(cs);
    if (rc != WD_OK) {
        wd_discovered_free(res, nres);
        return rc;
    }
    if (nres)
        qsort(res, nres, sizeof *res, by_score);
    *out = res;
    *n = nres;
    return WD_OK;
}
