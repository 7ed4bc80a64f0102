/*
 * analyzer.c - the analyzer: normalise -> ICU word break -> dictionary
 * layer -> tokens, one code path for indexing and querying.
 *
 * Input is processed in chunks (wd_chunk_end) so that every array here is
 * bounded and ICU's 32-bit lengths are never exceeded. Per chunk:
 *
 * 1. norm.c turns the bytes into normalised code points, each with the
 *    span of original bytes it came from; from those we build the
 *    normalised UTF-8 (token text, hash keys) and UTF-16 (for ICU).
 * 2. ICU's word break iterator (one per analyzer, reused with
 *    ubrk_setText) splits the text; segments with status UBRK_WORD_NONE
 *    (spaces, punctuation, emoji) are dropped. Non-ideographic segments
 *    become tokens as ICU gave them, cut at WD_MAX_WORD_BYTES. A run of
 *    ideographs whose words ICU's cannot change (plan_runs: most of them)
 *    is given to ICU as one placeholder, and its lattice (step 3) is
 *    worked out without ICU's words.
 * 3. Consecutive ideographic segments form a run; over each run we pick
 *    the maximum-probability path through the DAG of candidate words
 *    (jieba's right-to-left dynamic programming on log(freq/total)): words
 *    of the built-in general trie, domain and user words from the
 *    dictionary's hash table, ICU's own multi-character segments (with a
 *    small frequency, WD_ICU_FREQ), and every single character.
 * 4. Unknown words: a stretch of two or more consecutive single characters
 *    on the best path that is not itself a known word is re-cut by the
 *    unknown-word HMM (jieba's finalseg: a B/M/E/S Viterbi with the
 *    probabilities built in from jieba's model), as jieba's __cut_DAG
 *    does; a stretch that is a known word stays single characters.
 * 5. Words are emitted with positions; in WD_ANALYZE_INDEX mode a word of
 *    three or more characters is followed by its sub-words at the same
 *    position (every dictionary word of two or more characters inside it,
 *    or its character bigrams when there is none).
 *
 * wd_analyzer_set_dictionary_layer(a, 0) skips steps 3 and 4: ideographic text
 * then comes out exactly as ICU split it (the evaluation's baseline).
 */
#include <math.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>

#include "dict_internal.h"
#include "grow.h"
#include "norm.h"
#include "numbers.h"

struct wd_analyzer {
    const wd_dict *d;
    UBreakIterator *bi;
    wd_norm nm;
    wd_ntext nt;
    double lf_icu;
    double lf_hmm;  /* log WD_HMM_FREQ */
    int dict_layer; /* 0: CJK comes out as ICU breaks it */
    int plan;       /* 0: every run goes through ICU (wd_analyzer_set_planning) */
    /* per code point of the current chunk (cap + 1 entries) */
    size_t cap;
    uint32_t *u8off;
    uint32_t *next;
    uint32_t *icuend;
    uint16_t *cid;
    uint8_t *src;
    double *score;
    uint8_t *hmm;    /* Viterbi: 4 back pointers and the state, per code point */
    char *u8;        /* 4 * cap + 1 bytes */
    UChar *u16;      /* 2 * cap + 1 units */
    uint32_t *u16cp; /* UTF-16 index -> code point index, 2 * cap + 1 */
    wd_numexpr *nx;  /* index mode: the chunk's number expressions (numbers.h) */
    size_t nnx, nxcap;
    struct prerun *pr; /* the chunk's runs planned before ICU runs (plan_runs) */
    size_t npr, prcap;
};

/* A run of plain ideographs [rs, re) between places where ICU's word rules
 * always break, whose word lattice plan_runs worked out before ICU ran:
 * positions [from, re) are final (ICU's words cannot win there); from == rs
 * means ICU's words cannot win anywhere in it, and ICU is not asked about
 * it at all. */
struct prerun {
    uint32_t rs, re, from;
};

/* State of one wd_analyze call. */
struct actx {
    wd_analyzer *a;
    int mode;
    const char *text; /* the original text */
    size_t base;      /* offset of the chunk in the original text */
    uint32_t pos;
    wd_token_fn fn;
    void *ctx;
    size_t run_start, run_end; /* current ideographic run, empty if equal */
    size_t skip;               /* code points before this were taken by a number range */
    wd_buf *norm;              /* wd_analyze_norm: the normalised text is appended here */
    size_t nxi;                /* next of a->nx to emit */
    size_t pri;                /* next of a->pr to meet */
};

const char *wd_token_source_name(int source)
{
    switch (source) {
    case WD_SRC_ICU: return "icu";
    case WD_SRC_DOMAIN: return "domain";
    case WD_SRC_GENERAL: return "general";
    case WD_SRC_USER: return "user";
    case WD_SRC_CHAR: return "char";
    case WD_SRC_HMM: return "hmm";
    default: return "other";
    }
}

static int oom(wd_error *err)
{
    return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
}

static int icu_err(wd_error *err, UErrorCode st, const char *what)
{
    return wd_error_set(err, st == U_MEMORY_ALLOCATION_ERROR ? WD_ENOMEM : WD_ERROR, "icu",
                        "%s: %s", what, u_errorName(st));
}

int wd_analyzer_new(wd_analyzer **out, const wd_dict *dict, wd_error *err)
{
    if (!out)
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_analyzer_new: out is NULL");
    *out = NULL;
    if (!dict)
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_analyzer_new: dict is NULL");
    wd_analyzer *a = wd_calloc(1, sizeof *a);
    if (!a)
        return oom(err);
    a->d = dict;
    a->lf_icu = log(WD_ICU_FREQ);
    a->lf_hmm = log(WD_HMM_FREQ);
    a->dict_layer = 1;
    a->plan = 1;
    int rc = wd_norm_init(&a->nm, err);
    if (rc != WD_OK) {
        wd_free(a);
        return rc;
    }
    UErrorCode st = U_ZERO_ERROR;
    a->bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
    if (U_FAILURE(st)) {
        wd_analyzer_free(a);
        return icu_err(err, st, "ubrk_open");
    }
    *out = a;
    return WD_OK;
}

void wd_analyzer_free(wd_analyzer *a)
{
    if (!a)
        return;
    if (a->bi)
        ubrk_close(a->bi);
    wd_norm_fini(&a->nm);
    wd_ntext_free(&a->nt);
    wd_free(a->u8off);
    wd_free(a->next);
    wd_free(a->icuend);
    wd_free(a->cid);
    wd_free(a->src);
    wd_free(a->score);
    wd_free(a->hmm);
    wd_free(a->u8);
    wd_free(a->u16);
    wd_free(a->u16cp);
    wd_free(a->nx);
    wd_free(a->pr);
    wd_free(a);
}

#define GROW(ptr, count)                                                                           \
    do {                                                                                           \
        void *p_ = wd_realloc((ptr), (count) * sizeof *(ptr));                                     \
        if (!p_)                                                                                   \
            return WD_ENOMEM;                                                                      \
        (ptr) = p_;                                                                                \
    } while (0)

/* Room for n code points in every per-chunk array. The arrays hold
 * different multiples of one capacity (cap + 1 entries, 4 * cap + 1 UTF-8
 * bytes, 2 * cap + 1 UTF-16 units, 5 * (cap + 1) HMM cells), so the
 * doubling is done here rather than by wd_grow (grow.h), which counts one
 * array's own elements. */
static int reserve(wd_analyzer *a, size_t n)
{
    if (n <= a->cap)
        return WD_OK;
    size_t cap = a->cap ? a->cap : 256;
    while (cap < n)
        cap *= 2;
    GROW(a->u8off, cap + 1);
    GROW(a->next, cap + 1);
    GROW(a->icuend, cap + 1);
    GROW(a->cid, cap + 1);
    GROW(a->src, cap + 1);
    GROW(a->score, cap + 1);
    GROW(a->hmm, 5 * (cap + 1));
    GROW(a->u8, 4 * cap + 1);
    GROW(a->u16, 2 * cap + 1);
    GROW(a->u16cp, 2 * cap + 1);
    a->cap = cap;
    return WD_OK;
}

/* Index mode, after the primary word [k, j): the canonical forms of the
 * number expressions that start in it, at its position (sub-words that
 * are no text of the input: WD_TOKEN_CANONICAL). */
static int emit_numbers(struct actx *c, size_t k, size_t j, uint32_t position)
{
    const wd_analyzer *a = c->a;
    for (; c->nxi < a->nnx && a->nx[c->nxi].start < j; c->nxi++) {
        const wd_numexpr *e = &a->nx[c->nxi];
        if (e->start < k)
            continue;
        const char *forms[2] = { e->num, e->unit };
        for (int f = 0; f < 2; f++) {
            if (!forms[f][0])
                continue;
            wd_token t;
            t.text = forms[f];
            t.len = strlen(forms[f]);
            t.start = c->base + a->nt.ostart[e->start];
            t.end = c->base + a->nt.oend[e->end - 1];
            t.position = position;
            t.flags = WD_TOKEN_SUBWORD | WD_TOKEN_CANONICAL | (f ? 0 : WD_TOKEN_NUMERIC);
            t.source = WD_SRC_NONE;
            int rc = c->fn(c->ctx, &t);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int emit(struct actx *c, size_t k, size_t j, uint32_t position, unsigned flags, int src)
{
    const wd_analyzer *a = c->a;
    const wd_dict *d = a->d;
    wd_token t;
    t.text = a->u8 + a->u8off[k];
    t.len = a->u8off[j] - a->u8off[k];
    t.start = c->base + a->nt.ostart[k];
    t.end = c->base + a->nt.oend[j - 1];
    t.position = position;
    if (wd_dict_may_start(d->sstart, d->all_sstart, a->nt.cp[k])) {
        long e = wd_strtab_find(&d->tab, t.text, t.len, wd_fnv(WD_FNV_INIT, t.text, t.len));
        if (e >= 0 && (d->tab.ent[e].flags & WD_ENT_STOP))
            flags |= WD_TOKEN_STOP;
    }
    t.flags = flags;
    t.source = src;
    int rc = c->fn(c->ctx, &t);
    if (!rc && !(flags & WD_TOKEN_SUBWORD) && c->nxi < a->nnx)
        rc = emit_numbers(c, k, j, position);
    return rc;
}

void wd_analyzer_set_dictionary_layer(wd_analyzer *a, int on)
{
    if (a)
        a->dict_layer = on != 0;
}

void wd_analyzer_set_planning(wd_analyzer *a, int on)
{
    if (a)
        a->plan = on != 0;
}

int wd_analyzer_icu_words(wd_analyzer *a, const char *text, size_t len, size_t *nwords,
                          wd_error *err)
{
    if (nwords)
        *nwords = 0;
    if (!a || !nwords || (!text && len))
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_analyzer_icu_words: NULL argument");
    UErrorCode st = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, text ? text : "", (int64_t)len, &st);
    if (U_FAILURE(st))
        return icu_err(err, st, "utext_openUTF8");
    ubrk_setUText(a->bi, ut, &st);
    if (U_FAILURE(st)) {
        utext_close(ut);
        return icu_err(err, st, "ubrk_setUText");
    }
    size_t n = 0;
    ubrk_first(a->bi);
    while (ubrk_next(a->bi) != UBRK_DONE)
        n += ubrk_getRuleStatus(a->bi) >= UBRK_WORD_NONE_LIMIT;
    /* the iterator keeps its own shallow clone of ut; it is set to the
     * next chunk's text before it is read again */
    utext_close(ut);
    *nwords = n;
    return WD_OK;
}

/* An ICU segment [k, j) taken as it is: one token, or pieces of at most
 * WD_MAX_WORD_BYTES bytes. */
static int emit_plain(struct actx *c, size_t k, size_t j, unsigned flags, int src)
{
    const uint32_t *off = c->a->u8off;
    while (k < j) {
        size_t e = k + 1;
        while (e < j && off[e + 1] - off[k] <= WD_MAX_WORD_BYTES)
            e++;
        int rc = emit(c, k, e, c->pos++, flags, src);
        if (rc)
            return rc;
        k = e;
    }
    return 0;
}

/* Index mode: the sub-words of the primary word [i, j). */
static int emit_subwords(struct actx *c, size_t i, size_t j, uint32_t position)
{
    const wd_analyzer *a = c->a;
    const wd_dict *d = a->d;
    const uint32_t *off = a->u8off;
    int found = 0;
    for (size_t s = i; s < j; s++) {
        uint8_t mark[WD_MAX_WORD_BYTES + 1];
        size_t m = j - s;
        if (m > WD_MAX_WORD_BYTES)
            m = WD_MAX_WORD_BYTES;
        memset(mark, 0, m + 1);
        uint32_t v = a->cid[s];
        for (size_t e = s + 1; v && e < s + m; e++) {
            v = a->cid[e] ? wd_dict_child(d, v, a->cid[e]) : 0;
            if (v && wd_gd_logf[v] >= 0 && !(s == i && e + 1 == j))
                mark[e + 1 - s] = WD_SRC_GENERAL;
        }
        if (d->has_words && wd_dict_may_start(d->wstart, d->all_wstart, a->nt.cp[s])) {
            uint64_t h = WD_FNV_INIT;
            for (size_t e = s; e < s + m; e++) {
                h = wd_fnv(h, a->u8 + off[e], off[e + 1] - off[e]);
                long k = wd_strtab_find(&d->tab, a->u8 + off[s], off[e + 1] - off[s], h);
                if (k < 0)
                    break;
                const wd_strent *en = &d->tab.ent[k];
                if ((en->flags & WD_ENT_WORD) && e > s && !(s == i && e + 1 == j))
                    mark[e + 1 - s] = en->src;
                if (!(en->flags & WD_ENT_PREFIX))
                    break;
            }
        }
        for (size_t l = 2; l <= m; l++) {
            if (!mark[l])
                continue;
            found = 1;
            int rc = emit(c, s, s + l, position, WD_TOKEN_SUBWORD | WD_TOKEN_CJK, mark[l]);
            if (rc)
                return rc;
        }
    }
    for (size_t k = i; !found && k + 1 < j; k++) {
        int rc = emit(c, k, k + 2, position, WD_TOKEN_SUBWORD | WD_TOKEN_CJK, WD_SRC_CHAR);
        if (rc)
            return rc;
    }
    return 0;
}

/* Is [i, j) (two or more characters of the current run, with a->cid set)
 * a word of the general list or the domain and user lexicons? */
static int known_word(const wd_analyzer *a, size_t i, size_t j)
{
    uint32_t v = a->cid[i];
    for (size_t k = i + 1; v && k < j; k++)
        v = a->cid[k] ? wd_dict_child(a->d, v, a->cid[k]) : 0;
    if (v && wd_gd_logf[v] >= 0)
        return 1;
    const wd_dict *d = a->d;
    if (!d->has_words || j - i > d->maxlen ||
        !wd_dict_may_start(d->wstart, d->all_wstart, a->nt.cp[i]))
        return 0;
    const char *w = a->u8 + a->u8off[i];
    size_t len = a->u8off[j] - a->u8off[i];
    long k = wd_strtab_find(&d->tab, w, len, wd_fnv(WD_FNV_INIT, w, len));
    return k >= 0 && (d->tab.ent[k].flags & WD_ENT_WORD);
}

/* The long-word penalty of a general-list, ICU or HMM word of n
 * characters (see WD_LONG_PENALTY). */
static double long_penalty(size_t n)
{
    return n > 2 ? WD_LONG_PENALTY * (double)(n - 2) : 0.0;
}

enum { HMM_B = 0, HMM_M = 1, HMM_E = 2, HMM_S = 3 };

static const float *hmm_emit(uint32_t c)
{
    if (c < WD_GD_BMP_LO || c >= WD_GD_BMP_HI)
        return wd_gd_hmm_emit[0];
    return wd_gd_hmm_emit[wd_gd_hmm_row[c - WD_GD_BMP_LO]];
}

/* Emit a word of the path [i, j) at the next position, with its sub-words
 * in index mode. */
static int emit_word(struct actx *c, size_t i, size_t j, int src)
{
    uint32_t position = c->pos++;
    int rc = emit(c, i, j, position, WD_TOKEN_CJK, src);
    if (!rc && c->mode == WD_ANALYZE_INDEX && j - i >= 3)
        rc = emit_subwords(c, i, j, position);
    return rc;
}

/* The characters [i, j) each as a word of its own. */
static int emit_chars(struct actx *c, size_t i, size_t j)
{
    int rc = 0;
    for (size_t k = i; !rc && k < j; k++)
        rc = emit_word(c, k, k + 1, c->a->src[k]);
    return rc;
}

/* The characters [s, e) (e - s >= 2, each a one-character word of the
 * best path) cut into words by jieba's finalseg HMM: the most probable
 * B/M/E/S state sequence, a word from each B (or S) to the next E (or S).
 * Predecessors and the final state are restricted as in jieba (a word
 * ends at the end); ties go to the later state letter, as jieba's max()
 * over (probability, state) pairs does. */
static int emit_hmm(struct actx *c, size_t s, size_t e)
{
    /* jieba's PrevStatus, listed in letter order (B E M S) for the ties */
    static const uint8_t prev[4][2] = {
        [HMM_B] = { HMM_E, HMM_S },
        [HMM_M] = { HMM_B, HMM_M },
        [HMM_E] = { HMM_B, HMM_M },
        [HMM_S] = { HMM_E, HMM_S },
    };
    wd_analyzer *a = c->a;
    const uint32_t *cp = a->nt.cp;
    const double lt = a->d->logtotal;
    uint8_t *h = a->hmm;
    double v[4], w[4];
    const float *em = hmm_emit(cp[s]);
    for (int y = 0; y < 4; y++)
        v[y] = wd_gd_hmm_start[y] + em[y];
    for (size_t k = s + 1; k < e; k++) {
        em = hmm_emit(cp[k]);
        uint8_t *bp = h + 5 * (k - s);
        for (int y = 0; y < 4; y++) {
            int x0 = prev[y][0], x1 = prev[y][1];
            double p0 = v[x0] + wd_gd_hmm_trans[x0][y], p1 = v[x1] + wd_gd_hmm_trans[x1][y];
            bp[y] = (uint8_t)(p1 >= p0 ? x1 : x0);
            w[y] = (p1 >= p0 ? p1 : p0) + em[y];
        }
        memcpy(v, w, sizeof v);
    }
    int y = v[HMM_S] >= v[HMM_E] ? HMM_S : HMM_E;
    for (size_t k = e; k-- > s;) {
        h[5 * (k - s) + 4] = (uint8_t)y;
        if (k > s)
            y = h[5 * (k - s) + y];
    }
    /* A word starts at the run's start, at a B or S, and after an E or S
     * (the same cut as jieba's for every valid sequence). */
    for (size_t i = s; i < e;) {
        size_t j = i + 1;
        while (j < e) {
            int sp = h[5 * (j - 1 - s) + 4], sj = h[5 * (j - s) + 4];
            if (sp == HMM_E || sp == HMM_S || sj == HMM_B || sj == HMM_S)
                break;
            j++;
        }
        /* A word of the HMM is taken when it beats its characters as a
         * word of frequency WD_HMM_FREQ (with the long-word penalty):
         * the model proposes, the unigram scores decide, so frequent
         * free characters (了 是 做) are not glued to their neighbours. */
        int rc = 0;
        double chars = 0;
        for (size_t k = i; k < j; k++) {
            uint32_t v = a->cid[k];
            chars += (v && wd_gd_logf[v] >= 0 ? wd_gd_logf[v] : 0.0) - lt;
        }
        if (j - i >= 2 && a->lf_hmm - lt - long_penalty(j - i) >= chars)
            rc = emit_word(c, i, j, WD_SRC_HMM);
        else
            rc = emit_chars(c, i, j);
        if (rc)
            return rc;
        i = j;
    }
    return 0;
}

/* The best path through the run [rs, re) (jieba's right-to-left dynamic
 * programming, see the file comment): score, next and src of positions
 * [rs, from); those of [from, re) are already final (from == re: none,
 * start afresh). With icu 0 (plan_runs, before ICU has run) ICU's words
 * are left out, and the walk stops at the first position where one of them
 * could win whatever ICU says (one of two or more characters at the
 * frequency WD_ICU_FREQ, the score its end leaves): returns the position
 * from which everything is final, rs when ICU's words can change nothing. */
static size_t lattice(wd_analyzer *a, size_t rs, size_t re, size_t from, int icu)
{
    const wd_dict *d = a->d;
    const uint32_t *cp = a->nt.cp, *off = a->u8off;
    const double lt = d->logtotal;
    double *score = a->score;
    if (from == re) {
        for (size_t k = rs; k < re; k++)
            a->cid[k] = (uint16_t)wd_gd_charid(cp[k]);
        score[re] = 0;
    }
    /* m: the best score[j] - WD_LONG_PENALTY * (j - i - 2) over j >= i + 2,
     * an upper bound of what an ICU word from i can add to its own score */
    double m = -HUGE_VAL;
    for (size_t i = from; i-- > rs;) {
        if (i + 2 <= re) {
            double mj = m - WD_LONG_PENALTY;
            m = score[i + 2] > mj ? score[i + 2] : mj;
        }
        uint32_t v = a->cid[i];
        float lf1 = v ? wd_gd_logf[v] : -1.0f;
        double best = (lf1 >= 0 ? lf1 : 0.0) - lt + score[i + 1];
        uint32_t bj = (uint32_t)i + 1;
        uint8_t bs = lf1 >= 0 ? WD_SRC_GENERAL : WD_SRC_CHAR;
        for (size_t j = i + 1; v && j < re; j++) {
            v = a->cid[j] ? wd_dict_child(d, v, a->cid[j]) : 0;
            if (v && wd_gd_logf[v] >= 0) {
                double s = wd_gd_logf[v] - lt - long_penalty(j + 1 - i) + score[j + 1];
                if (s > best) {
                    best = s;
                    bj = (uint32_t)j + 1;
                    bs = WD_SRC_GENERAL;
                }
            }
        }
        if (!icu) {
            /* an ICU word wins only with a score above best (the margin
             * covers the rounding of m) */
            if (a->lf_icu - lt + m > best - 1e-6)
                return i + 1;
        } else {
            uint32_t ie = a->icuend[i];
            if (ie) {
                double s = a->lf_icu - lt - long_penalty(ie - i) + score[ie];
                if (s > best) {
                    best = s;
                    bj = ie;
                    bs = WD_SRC_ICU;
                }
            }
        }
        if (d->has_words && wd_dict_may_start(d->wstart, d->all_wstart, cp[i])) {
            uint64_t h = WD_FNV_INIT;
            for (size_t j = i; j < re && j - i < d->maxlen; j++) {
                h = wd_fnv(h, a->u8 + off[j], off[j + 1] - off[j]);
                long k = wd_strtab_find(&d->tab, a->u8 + off[i], off[j + 1] - off[i], h);
                if (k < 0)
                    break;
                const wd_strent *e = &d->tab.ent[k];
                if (e->flags & WD_ENT_WORD) {
                    double s = e->logf - lt + score[j + 1];
                    if (s >= best) {
                        best = s;
                        bj = (uint32_t)j + 1;
                        bs = e->src;
                    }
                }
                if (!(e->flags & WD_ENT_PREFIX))
                    break;
            }
        }
        score[i] = best;
        a->next[i] = bj;
        a->src[i] = bs;
    }
    return rs;
}

/* Segment the ideographic run [rs, re) and emit its words. */
static int flush_run(struct actx *c)
{
    size_t rs = c->run_start, re = c->run_end;
    c->run_start = c->run_end = 0;
    if (rs >= re)
        return 0;
    wd_analyzer *a = c->a;
    /* the run as plan_runs saw it: its lattice is final from pr->from */
    size_t from = re;
    while (c->pri < a->npr && a->pr[c->pri].re <= rs)
        c->pri++;
    if (c->pri < a->npr && a->pr[c->pri].rs == rs) {
        if (a->pr[c->pri].re == re)
            from = a->pr[c->pri].from;
        c->pri++;
    }
    if (from > rs)
        lattice(a, rs, re, from, 1);
    for (size_t i = rs; i < re;) {
        size_t j = a->next[i];
        if (j == i + 1 && wd_gd_has_hmm) {
            while (j < re && a->next[j] == j + 1)
                j++;
            if (j - i >= 2) {
                /* a known word stays characters, as in jieba */
                int rc = known_word(a, i, j) ? emit_chars(c, i, j) : emit_hmm(c, i, j);
                if (rc)
                    return rc;
                i = j;
                continue;
            }
        }
        int rc = emit_word(c, i, j, a->src[i]);
        if (rc)
            return rc;
        i = j;
    }
    return 0;
}

/* ICU says NUMBER for "abc123" too; a digit run has no letters. */
static unsigned numeric(const uint32_t *cp, size_t k, size_t j, int32_t status)
{
    if (status < UBRK_WORD_NUMBER || status >= UBRK_WORD_NUMBER_LIMIT)
        return 0;
    for (size_t q = k; q < j; q++)
        if (u_isalpha((UChar32)cp[q]))
            return 0;
    return WD_TOKEN_NUMERIC;
}

static int is_range_mark(uint32_t c)
{
    return c == '-' || c == '~' || c == 0x2013 || c == 0x2014;
}

/* Is [k, j) the letters of one letterlike symbol (U+2100..U+214F of
 * category So: ℃ ℉ № ™, which NFKC spells °c °f no tm)? Those are
 * symbols, not words: "38℃" must not give a term "c". */
static int letterlike_symbol(const struct actx *c, size_t k, size_t j)
{
    const wd_ntext *nt = &c->a->nt;
    for (size_t q = k + 1; q < j; q++)
        if (nt->ostart[q] != nt->ostart[k])
            return 0;
    uint32_t o;
    size_t n = nt->oend[k] - nt->ostart[k];
    if (n != 3 || wd_utf8_decode(c->text + c->base + nt->ostart[k], n, &o) != n)
        return 0;
    return o >= 0x2100 && o <= 0x214F && u_charType((UChar32)o) == U_OTHER_SYMBOL;
}

/* A non-ideographic ICU segment [k, j) with the dictionary layer on
 * (`whole`: it ends where ICU's segment ends). Rules of the segmentation
 * standards: a number and the unit letters written against it are two
 * words ("0.3cm" -> "0.3" "cm", "15mg", "5g"; "h1n1", "b12", "mp3" and
 * "1.8x1.0" stay whole); a number and the percent or per-mille sign after
 * it are one ("40%"); so are numbers joined by - ~ or a dash, a range or a
 * date ("2-3", "37.5-39", "2017-06-16", "70-80%"), which reaches past
 * ICU's segment (c->skip tells segment() where it ends). In index mode the
 * numbers of such a word follow as sub-words. */
static int latin(struct actx *c, size_t k, size_t j, int whole)
{
    wd_analyzer *a = c->a;
    const uint32_t *cp = a->nt.cp;
    if (letterlike_symbol(c, k, j))
        return 0;
    size_t q = wd_number_end(cp, k, j);
    if (q > k && q < j) {
        size_t r = q;
        while (r < j && u_isalpha((UChar32)cp[r]))
            r++;
        if (r == j) {
            int rc = emit_plain(c, k, q, WD_TOKEN_NUMERIC, WD_SRC_NONE);
            return rc ? rc : emit_plain(c, q, j, 0, WD_SRC_NONE);
        }
    }
    if (q == j && whole) {
        /* a range or a date: numbers joined by - ~ or a dash ("2-3",
         * "37.5-39", "2017-06-16"), each number a sub-word in index mode */
        size_t n = a->nt.n, e = j, parts[8], np = 0;
        parts[np++] = j;
        while (np < 8 && e + 1 < n && is_range_mark(cp[e]) && wd_is_digit(cp[e + 1])) {
            size_t f = wd_number_end(cp, e + 1, n);
            if (a->u8off[f] - a->u8off[k] > WD_MAX_WORD_BYTES)
                break;
            parts[np++] = e = f;
        }
        int pct = e < n && (cp[e] == '%' || cp[e] == 0x2030) &&
                  a->u8off[e + 1] - a->u8off[k] <= WD_MAX_WORD_BYTES;
        if (np > 1 || pct) {
            uint32_t position = c->pos++;
            int rc = emit(c, k, e + (size_t)pct, position, WD_TOKEN_NUMERIC, WD_SRC_NONE);
            for (size_t p = 0, b = k; !rc && c->mode == WD_ANALYZE_INDEX && p < np; p++) {
                rc = emit(c, b, parts[p], position, WD_TOKEN_SUBWORD | WD_TOKEN_NUMERIC,
                          WD_SRC_NONE);
                b = parts[p] + 1;
            }
            c->skip = e + (size_t)pct;
            return rc;
        }
    }
    return emit_plain(c, k, j, q == j ? WD_TOKEN_NUMERIC : 0, WD_SRC_NONE);
}

/* One ICU segment [cs, ce) (code point indices) with its rule status. */
static int segment(struct actx *c, size_t cs, size_t ce, int32_t status)
{
    wd_analyzer *a = c->a;
    const uint32_t *cp = a->nt.cp;
    int rc;
    if (cs < c->skip) { /* the rest of a range latin() took whole */
        if (ce <= c->skip)
            return 0;
        cs = c->skip;
    }
    /* a run ICU was not asked about (chunk() gave it one placeholder);
     * flush_run moves c->pri on, in the order runs are flushed */
    size_t r = c->pri;
    while (r < a->npr && a->pr[r].re <= cs)
        r++;
    if (r < a->npr && a->pr[r].rs == cs && a->pr[r].from == cs) {
        if ((rc = flush_run(c)) != 0)
            return rc;
        c->run_start = cs;
        c->run_end = a->pr[r].re;
        return flush_run(c);
    }
    if (status < UBRK_WORD_NONE_LIMIT)
        return flush_run(c);
    for (size_t k = cs; k < ce;) {
        size_t j = k;
        if (wd_is_ideo(cp[k]) && !a->dict_layer) {
            while (j < ce && wd_is_ideo(cp[j]))
                j++;
            rc = emit_plain(c, k, j, WD_TOKEN_CJK, WD_SRC_ICU);
            if (rc)
                return rc;
        } else if (wd_is_ideo(cp[k])) {
            while (j < ce && wd_is_ideo(cp[j]))
                a->icuend[j++] = 0;
            if (c->run_end != k && (rc = flush_run(c)) != 0)
                return rc;
            if (c->run_start == c->run_end)
                c->run_start = k;
            c->run_end = j;
            if (k == cs && j == ce && j - k >= 2 && a->u8off[j] - a->u8off[k] <= WD_MAX_WORD_BYTES)
                a->icuend[k] = (uint32_t)j;
        } else {
            while (j < ce && !wd_is_ideo(cp[j]))
                j++;
            if ((rc = flush_run(c)) != 0)
                return rc;
            if (a->dict_layer)
                rc = latin(c, k, j, j == ce);
            else
                rc = emit_plain(c, k, j, numeric(cp, k, j, status), WD_SRC_NONE);
            if (rc)
                return rc;
        }
        k = j;
    }
    return 0;
}

/* Ideographs of the blocks every ICU we build with assigns (Unicode 10):
 * ICU's word rules join them to each other only. */
static int plain_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FEA) || (c >= 0x3400 && c <= 0x4DB5);
}

/* Characters after or before which ICU's word rules always break from an
 * ideograph and that never attach to one: ASCII and the common CJK
 * punctuation that normalisation keeps (、。〈〉《》「」『』【】〔〕〖〗〘〙〚〛
 * — ‘ ’ “ ”). Between two of these a run of plain ideographs is one range
 * of ICU's dictionary break engine, which sees nothing outside it. */
static int icu_apart(uint32_t c)
{
    return c < 0x80 || c == 0x3001 || c == 0x3002 || (c >= 0x3008 && c <= 0x3011) ||
           (c >= 0x3014 && c <= 0x301B) || c == 0x2014 || c == 0x2018 || c == 0x2019 ||
           c == 0x201C || c == 0x201D;
}

/* Before ICU runs over the chunk, with the dictionary layer on: the lattice
 * of each run of plain ideographs between characters apart from them
 * (icu_apart), as far as ICU's words cannot change it (lattice with icu 0).
 * Where they can change nothing (most runs), ICU is not asked about the
 * run: chunk() gives ICU one placeholder for it, and its words come from
 * the lattice alone, exactly what the whole run through ICU would give. */
static int plan_runs(wd_analyzer *a)
{
    const uint32_t *cp = a->nt.cp;
    size_t n = a->nt.n;
    a->npr = 0;
    if (!a->dict_layer || !a->plan)
        return WD_OK;
    for (size_t k = 0; k < n;) {
        if (!plain_han(cp[k])) {
            k++;
            continue;
        }
        size_t rs = k;
        while (k < n && plain_han(cp[k]))
            k++;
        if ((rs > 0 && !icu_apart(cp[rs - 1])) || (k < n && !icu_apart(cp[k])))
            continue;
        if (WD_GROW(a->pr, a->prcap, a->npr + 1, 16) != WD_OK)
            return WD_ENOMEM;
        struct prerun *r = &a->pr[a->npr++];
        r->rs = (uint32_t)rs;
        r->re = (uint32_t)k;
        r->from = (uint32_t)lattice(a, rs, k, k, 0);
    }
    return WD_OK;
}

/* Index mode with the dictionary layer: the chunk's number expressions,
 * in text order, for emit_numbers. */
static int find_numbers(struct actx *c)
{
    wd_analyzer *a = c->a;
    const uint32_t *cp = a->nt.cp;
    size_t n = a->nt.n;
    a->nnx = 0;
    c->nxi = 0;
    if (c->mode != WD_ANALYZE_INDEX || !a->dict_layer)
        return WD_OK;
    for (size_t k = 0; k < n; k++) {
        if (!wd_numeral_start(cp, k))
            continue;
        if (WD_GROW(a->nx, a->nxcap, a->nnx + 1, 16) != WD_OK)
            return WD_ENOMEM;
        if (wd_numexpr_read(cp, n, k, &a->nx[a->nnx]))
            k = a->nx[a->nnx++].end - 1;
    }
    return WD_OK;
}

static int chunk(struct actx *c, const char *s, size_t len, wd_error *err)
{
    wd_analyzer *a = c->a;
    int rc = wd_norm_text(&a->nm, s, len, &a->nt, err);
    if (rc != WD_OK)
        return rc;
    size_t n = a->nt.n;
    if (!n)
        return WD_OK;
    if (reserve(a, n + 1) != WD_OK)
        return oom(err);
    const uint32_t *cp = a->nt.cp;
    int32_t n16 = 0;
    uint32_t b8 = 0;
    for (size_t k = 0; k < n; k++) {
        a->u8off[k] = b8;
        b8 += (uint32_t)wd_utf8_encode(cp[k], a->u8 + b8);
    }
    a->u8off[n] = b8;
    a->u8[b8] = '\0';
    if (plan_runs(a) != WD_OK)
        return oom(err);
    size_t pi = 0;
    for (size_t k = 0; k < n; k++) {
        a->u16cp[n16] = (uint32_t)k;
        if (pi < a->npr && a->pr[pi].rs == k) {
            if (a->pr[pi].from == k) { /* a private-use placeholder for the run */
                a->u16[n16++] = 0xE000;
                k = a->pr[pi++].re - 1;
                continue;
            }
            pi++;
        }
        if (cp[k] < 0x10000) {
            a->u16[n16++] = (UChar)cp[k];
        } else {
            a->u16[n16] = U16_LEAD(cp[k]);
            a->u16[n16 + 1] = U16_TRAIL(cp[k]);
            a->u16cp[n16 + 1] = (uint32_t)k;
            n16 += 2;
        }
    }
    a->u16cp[n16] = (uint32_t)n;
    if (c->norm && wd_buf_append(c->norm, a->u8, b8) != WD_OK)
        return oom(err);

    if (find_numbers(c) != WD_OK)
        return oom(err);

    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(a->bi, a->u16, n16, &st);
    if (U_FAILURE(st))
        return icu_err(err, st, "ubrk_setText");
    c->run_start = c->run_end = 0;
    c->skip = 0;
    c->pri = 0;
    int32_t p = ubrk_first(a->bi), q;
    while ((q = ubrk_next(a->bi)) != UBRK_DONE) {
        rc = segment(c, a->u16cp[p], a->u16cp[q], ubrk_getRuleStatus(a->bi));
        if (rc)
            return rc;
        p = q;
    }
    return flush_run(c);
}

int wd_analyze(wd_analyzer *a, int mode, const char *text, size_t len, wd_token_fn fn, void *ctx,
               wd_error *err)
{
    return wd_analyze_norm(a, mode, text, len, fn, ctx, NULL, err);
}

int wd_analyze_norm(wd_analyzer *a, int mode, const char *text, size_t len, wd_token_fn fn,
                    void *ctx, wd_buf *norm, wd_error *err)
{
    if (!a || !fn || (!text && len))
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_analyze: NULL argument");
    if (mode != WD_ANALYZE_QUERY && mode != WD_ANALYZE_INDEX)
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_analyze: bad mode %d", mode);
    struct actx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.mode = mode;
    c.fn = fn;
    c.ctx = ctx;
    c.text = text;
    c.norm = norm;
    if (norm && wd_buf_append(norm, "", 0) != WD_OK) /* "" for an empty text, as wd_normalize */
        return oom(err);
    size_t pos = 0;
    while (pos < len) {
        size_t end = wd_chunk_end(text, pos, len);
        c.base = pos;
        int rc = chunk(&c, text + pos, end - pos, err);
        if (rc)
            return rc;
        pos = end;
    }
    return WD_OK;
}

int wd_normalize(wd_analyzer *a, const char *text, size_t len, char **out, size_t *out_len,
                 wd_error *err)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!a || !out || (!text && len))
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_normalize: NULL argument");
    wd_buf b = WD_BUF_INIT;
    int rc = wd_norm_utf8(&a->nm, text ? text : "", len, &b, err);
    if (rc != WD_OK) {
        wd_buf_free(&b);
        return rc;
    }
    size_t n = b.len;
    char *p = wd_buf_detach(&b);
    if (!p)
        return oom(err);
    *out = p;
    if (out_len)
        *out_len = n;
    return WD_OK;
}

int wd_normalize_spans(wd_analyzer *a, const char *text, size_t len, char **out, size_t *out_len,
                       uint32_t **spans, size_t *n_spans, wd_error *err)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (spans)
        *spans = NULL;
    if (n_spans)
        *n_spans = 0;
    if (!a || !out || !out_len || !spans || !n_spans || (!text && len))
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_normalize_spans: NULL argument");
    wd_buf b = WD_BUF_INIT;
    int rc = wd_norm_utf8_spans(&a->nm, text ? text : "", len, &b, spans, n_spans, err);
    if (rc != WD_OK) {
        wd_buf_free(&b);
        return rc;
    }
    size_t n = b.len;
    if (!(*out = wd_buf_detach(&b))) {
        wd_free(*spans);
        *spans = NULL;
        *n_spans = 0;
        return oom(err);
    }
    *out_len = n;
    return WD_OK;
}

/* Room for `need` entries in each of wd_normalize_map's three arrays. */
static int map_reserve(uint32_t **c, size_t **s, size_t **e, size_t cap[3], size_t need, size_t min)
{
    if (WD_GROW(*c, cap[0], need, min) != WD_OK || WD_GROW(*s, cap[1], need, min) != WD_OK ||
        WD_GROW(*e, cap[2], need, min) != WD_OK)
        return WD_ENOMEM;
    return WD_OK;
}

int wd_normalize_map(wd_analyzer *a, const char *text, size_t len, uint32_t **cps, size_t **starts,
                     size_t **ends, size_t *n, wd_error *err)
{
    *cps = NULL;
    *starts = NULL;
    *ends = NULL;
    *n = 0;
    if (!a || (!text && len))
        return wd_error_set(err, WD_EINVAL, "analyzer", "wd_normalize_map: NULL argument");
    /* NFKC never makes more code points than there are input bytes by much;
     * grow as needed all the same. */
    size_t min = len + 16, cap[3] = { 0, 0, 0 }, cnt = 0;
    uint32_t *c = NULL;
    size_t *s = NULL, *e = NULL;
    int rc = map_reserve(&c, &s, &e, cap, min, min) == WD_OK ? WD_OK : oom(err);
    for (size_t pos = 0; rc == WD_OK && pos < len;) {
        size_t end = wd_chunk_end(text, pos, len);
        rc = wd_norm_text(&a->nm, text + pos, end - pos, &a->nt, err);
        if (rc != WD_OK)
            break;
        if (map_reserve(&c, &s, &e, cap, cnt + a->nt.n, min) != WD_OK) {
            rc = oom(err);
            break;
        }
        for (size_t k = 0; k < a->nt.n; k++) {
            c[cnt] = a->nt.cp[k];
            s[cnt] = pos + a->nt.ostart[k];
            e[cnt] = pos + a->nt.oend[k];
            cnt++;
        }
        pos = end;
    }
    if (rc != WD_OK) {
        wd_free(c);
        wd_free(s);
        wd_free(e);
        return rc;
    }
    *cps = c;
    *starts = s;
    *ends = e;
    *n = cnt;
    return WD_OK;
}
