/*
 * similarity.c - how alike two questions are (similarity.h): the
 * re-ranking's overlap, and the same-question confidence behind coverage
 * (wenda/coverage.h).
 *
 * The confidence reads each text as a wd_sim_text: its normalised word
 * characters (punctuation dropped), its primary words with weights (IDF
 * times a class prior: particles count little, single characters less than
 * words), their dictionary synonyms, and what it asks (qkind.h). Two such
 * texts give WD_SIM_NFEATURES features:
 *
 *   cov_a, cov_b   IDF-weighted share of one text's words that the other
 *                  accounts for: the word itself or a dictionary synonym
 *                  anywhere in the other's characters (so 医保卡 matches
 *                  医保 卡 however either was segmented), half credit per
 *                  shared character otherwise
 *   cov_ab         cov_a * cov_b
 *   dice           character-bigram Dice coefficient
 *   type_same      Jaccard overlap of the kinds of question both ask
 *   type_diff      both ask a kind of question, and not the same
 *   neg_diff       one is negated, the other not
 *   num_diff       the numbers differ (1) or only one names any (0.5)
 *   len_ratio      |log(chars a / chars b)|
 *   miss_max       the heaviest word either side leaves unmatched, as a
 *                  share of that side's weight (a changed entity)
 *   type_diff_x_cov, neg_diff_x_cov
 *                  type_diff and neg_diff times cov_ab: a different kind of
 *                  question or a negation matters most between texts that
 *                  otherwise say the same
 *
 * A logistic model over them gives the confidence. Its coefficients were
 * fit on the tuning splits (tianchi train, lcqmc dev, insurance-zhidao rank
 * dev, each set weighted equally) by `wenda-pairs --fit` (tools/eval/pairs.c)
 * and are frozen in COEF below; rerun that command and paste its output to
 * refit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hash.h"
#include "logit.h"
#include "qkind.h"
#include "similarity.h"
#include "strmap.h"
#include "termstats.h"
#include "wenda/buf.h"

/* ---- the re-ranking's overlap ---------------------------------------------------- */

/* Asked entry i is looked for under text[0..len) (its own, or a synonym's)
 * in `texts` (words) or `grams` (n-grams): a chain of asked entries per
 * text, so that a record's entries are each looked up once. */
static int look_for(wd_overlap_query *oq, wd_strmap *map, const char *text, size_t len, size_t i)
{
    uint32_t *head = wd_strmap_put(map, text, len, NULL);
    size_t cap_next = oq->cap;
    if (!head || WD_GROW(oq->node_of, oq->cap, oq->nnodes + 1, 16) != WD_OK ||
        WD_GROW(oq->node_next, cap_next, oq->nnodes + 1, 16) != WD_OK)
        return WD_ENOMEM;
    oq->node_of[oq->nnodes] = (uint32_t)i;
    oq->node_next[oq->nnodes] = *head; /* 0: the end; else a node's index + 1 */
    *head = (uint32_t)++oq->nnodes;
    return WD_OK;
}

int wd_overlap_query_init(wd_overlap_query *oq, const wd_qtext *q, const double *idf,
                          double particle_weight, double subword_weight)
{
    memset(oq, 0, sizeof *oq);
    oq->q = q;
    oq->idf = idf;
    oq->particle_weight = particle_weight;
    oq->subword_weight = subword_weight;
    oq->words = (wd_strmap)WD_STRMAP_INIT(sizeof(uint32_t));
    oq->grams = (wd_strmap)WD_STRMAP_INIT(sizeof(uint32_t));
    if (!(oq->first = wd_malloc((q->n ? q->n : 1) * sizeof *oq->first)))
        return WD_ENOMEM;
    int rc = WD_OK;
    for (size_t i = 0; rc == WD_OK && i < q->n; i++) {
        const wd_qword *w = &q->w[i];
        if (w->kind == WD_QK_NGRAM) {
            oq->nsum += idf[i];
            rc = look_for(oq, &oq->grams, w->text, w->len, i);
            continue;
        }
        if (w->kind == WD_QK_SUBWORD)
            continue; /* whole words carry the meaning; sub-words only help match */
        oq->wsum += idf[i] * (w->kind == WD_QK_STOP ? particle_weight : 1.0);
        rc = look_for(oq, &oq->words, w->text, w->len, i);
        for (size_t y = 0; rc == WD_OK && y < w->nsyn; y++)
            rc = look_for(oq, &oq->words, w->syns[y], strlen(w->syns[y]), i);
    }
    if (rc != WD_OK)
        wd_overlap_query_free(oq);
    return rc;
}

void wd_overlap_query_free(wd_overlap_query *oq)
{
    wd_strmap_clear(&oq->words);
    wd_strmap_clear(&oq->grams);
    wd_free(oq->node_of);
    wd_free(oq->node_next);
    wd_free(oq->first);
    memset(oq, 0, sizeof *oq);
}

static double kind_weight(const wd_overlap_query *oq, int kind)
{
    return kind == WD_QK_STOP      ? oq->particle_weight
           : kind == WD_QK_SUBWORD ? oq->subword_weight
                                   : 1.0;
}

#define NOT_FOUND SIZE_MAX

double wd_question_overlap(wd_overlap_query *oq, const wd_qtext *r, const double *ridf)
{
    const wd_qtext *q = oq->q;
    /* Where each asked entry first occurs among r's: an n-gram as an n-gram,
     * a word (or a synonym of it) as any entry that is not one. */
    for (size_t i = 0; i < q->n; i++)
        oq->first[i] = NOT_FOUND;
    for (size_t k = 0; k < r->n; k++) {
        const wd_qword *c = &r->w[k];
        const uint32_t *head = wd_strmap_get_hashed(
            c->kind == WD_QK_NGRAM ? &oq->grams : &oq->words, c->text, c->len, c->hash);
        for (uint32_t at = head ? *head : 0; at; at = oq->node_next[at - 1])
            if (oq->first[oq->node_of[at - 1]] == NOT_FOUND)
                oq->first[oq->node_of[at - 1]] = k;
    }
    double wcommon = 0, rwsum = 0, ncommon = 0, rnsum = 0;
    for (size_t i = 0; i < q->n; i++) {
        const wd_qword *w = &q->w[i];
        if (w->kind == WD_QK_NGRAM) {
            if (oq->first[i] != NOT_FOUND)
                ncommon += oq->idf[i];
            continue;
        }
        if (w->kind == WD_QK_SUBWORD)
            continue;
        double wt = oq->idf[i] * kind_weight(oq, w->kind);
        if (oq->first[i] != NOT_FOUND)
            wcommon += wt * (r->w[oq->first[i]].kind == WD_QK_SUBWORD ? oq->subword_weight : 1.0);
    }
    for (size_t k = 0; k < r->n; k++) {
        const wd_qword *c = &r->w[k];
        if (c->kind == WD_QK_NGRAM)
            rnsum += ridf[k];
        else if (c->kind != WD_QK_SUBWORD)
            rwsum += ridf[k] * kind_weight(oq, c->kind);
    }
    double wd = oq->wsum + rwsum > 0 ? 2 * wcommon / (oq->wsum + rwsum) : 0;
    double nd = oq->nsum + rnsum > 0 ? 2 * ncommon / (oq->nsum + rnsum) : wd;
    return (wd + nd) / 2;
}

/* ---- frozen model ------------------------------------------------------------- */

/* Fit by `wenda-pairs --fit` on the tuning splits; intercept last. */
static const double COEF[WD_SIM_NFEATURES + 1] = { 4.0476,  3.7116,  -3.9810, 0.1319,  0.3422,
                                                   -1.6138, 0.6611,  -0.0482, -1.1854, -3.6861,
                                                   0.9408,  -1.5775, -2.0733 };

static const char *const FEATURE_NAMES[WD_SIM_NFEATURES] = {
    "cov_a",    "cov_b",    "cov_ab",    "dice",     "type_same",       "type_diff",
    "neg_diff", "num_diff", "len_ratio", "miss_max", "type_diff_x_cov", "neg_diff_x_cov"
};

const char *wd_sim_feature_name(int i)
{
    return i >= 0 && i < WD_SIM_NFEATURES ? FEATURE_NAMES[i] : "?";
}

double wd_sim_calibrate(const double f[WD_SIM_NFEATURES], const double *coef)
{
    return wd_logistic(f, WD_SIM_NFEATURES, NULL, NULL, coef ? coef : COEF);
}

/* ---- the scorer without an index ------------------------------------------------ */

struct wd_sim {
    const wd_dict *dict;
    wd_analyzer *an;
    double docs;    /* texts counted by wd_sim_learn */
    wd_strmap df;   /* word -> uint32_t texts holding it */
    wd_strmap seen; /* scratch: words of the text being learnt */
};

int wd_sim_new(wd_sim **out, const wd_dict *dict, wd_error *err)
{
    *out = NULL;
    if (!dict)
        return wd_error_set(err, WD_EINVAL, "coverage", "no dictionary given");
    wd_sim *s = wd_calloc(1, sizeof *s);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    s->dict = dict;
    s->df = (wd_strmap)WD_STRMAP_INIT(sizeof(uint32_t));
    s->seen = (wd_strmap)WD_STRMAP_INIT(0);
    int rc = wd_analyzer_new(&s->an, dict, err);
    if (rc != WD_OK) {
        wd_free(s);
        return rc;
    }
    *out = s;
    return WD_OK;
}

void wd_sim_free(wd_sim *s)
{
    if (!s)
        return;
    wd_analyzer_free(s->an);
    wd_strmap_clear(&s->df);
    wd_strmap_clear(&s->seen);
    wd_free(s);
}

static int learn_token(void *vctx, const wd_token *t)
{
    wd_sim *s = vctx;
    int added = 0;
    if (!wd_strmap_put(&s->seen, t->text, t->len, &added))
        return WD_ENOMEM;
    if (added) {
        uint32_t *d = wd_strmap_put(&s->df, t->text, t->len, NULL);
        if (!d)
            return WD_ENOMEM;
        (*d)++;
    }
    return 0;
}

int wd_sim_learn(wd_sim *s, const char *text, size_t len, wd_error *err)
{
    int rc = wd_analyze(s->an, WD_ANALYZE_QUERY, text, len, learn_token, s, err);
    wd_strmap_clear(&s->seen);
    if (rc == WD_ENOMEM)
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    if (rc == WD_OK)
        s->docs += 1;
    return rc;
}

/* The scorer's IDF: from the texts it learnt, else a constant (the class
 * prior then does all the weighting). */
static double learnt_idf(void *ctx, const char *w, size_t len)
{
    const wd_sim *s = ctx;
    if (s->docs <= 0)
        return 2.0;
    const uint32_t *df = wd_strmap_get(&s->df, w, len);
    return wd_idf_smoothed(s->docs, df ? *df : 0);
}

/* ---- analysed texts ------------------------------------------------------------ */

typedef struct sim_tok {
    size_t off, len; /* into pool */
    double w;
    int stop;
    double rare; /* how rare in general Chinese, in [0, 1] (0 for particles) */
} sim_tok;

struct wd_sim_text {
    char *norm; /* normalised, word characters only, NUL-terminated */
    size_t nlen;
    uint32_t *cps; /* its code points */
    size_t ncp;
    uint64_t *bigrams; /* sorted */
    size_t nbig;
    sim_tok *tok;
    size_t ntok;
    char *pool;        /* token texts, each NUL-terminated */
    size_t *syn_first; /* per token: first index into syn; syn_first[ntok] = nsyn */
    const char **syn;  /* borrowed from the dict */
    size_t nsyn;
    double wsum;
    wd_qkind kind;
};

void wd_sim_text_free(wd_sim_text *t)
{
    if (!t)
        return;
    wd_free(t->norm);
    wd_free(t->cps);
    wd_free(t->bigrams);
    wd_free(t->tok);
    wd_free(t->pool);
    wd_free(t->syn_first);
    wd_free(t->syn);
    wd_qkind_free(&t->kind);
    wd_free(t);
}

size_t wd_sim_text_bytes(const wd_sim_text *t)
{
    return sizeof *t + 2 * t->nlen + t->ncp * sizeof *t->cps + t->nbig * sizeof *t->bigrams +
           t->ntok * (sizeof *t->tok + sizeof *t->syn_first + 8) + t->nsyn * sizeof *t->syn;
}

static int is_cjk(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

/* The class prior of a word: particles count little, single characters
 * less than words. */
static double class_weight(const char *w, size_t len, int stop)
{
    if (stop)
        return 0.1;
    uint32_t cp = 0;
    size_t l = wd_utf8_decode(w, len, &cp);
    if (l == len && is_cjk(cp))
        return 0.6;
    return 1.0;
}

static int word_char(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF65) || c == 0xA0 ||
        (c >= 0x80 && c <= 0xBF))
        return 0;
    return 1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The word characters of cps[0..n) (norm, and with bigrams cps) and their
 * sorted bigrams. A holder (no bigrams) keeps only norm, at its length:
 * only norm is asked which words it holds (word_match without chars). */
static int fill_chars(wd_sim_text *t, const uint32_t *cps, size_t n, int bigrams)
{
    t->norm = wd_malloc(4 * n + 1);
    t->cps = bigrams ? wd_malloc((n + 1) * sizeof *t->cps) : NULL;
    t->bigrams = bigrams ? wd_malloc((n + 1) * sizeof *t->bigrams) : NULL;
    if (!t->norm || (bigrams && (!t->cps || !t->bigrams)))
        return WD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (word_char(cps[i])) {
            t->nlen += wd_utf8_encode(cps[i], t->norm + t->nlen);
            if (t->cps)
                t->cps[t->ncp++] = cps[i];
        }
    t->norm[t->nlen] = '\0';
    if (!bigrams) {
        char *fit = wd_realloc(t->norm, t->nlen + 1);
        if (fit)
            t->norm = fit;
    }
    for (size_t i = 0; bigrams && i + 1 < t->ncp; i++)
        t->bigrams[t->nbig++] = ((uint64_t)t->cps[i] << 32) | t->cps[i + 1];
    if (t->nbig)
        qsort(t->bigrams, t->nbig, sizeof *t->bigrams, cmp_u64);
    return WD_OK;
}

static int from_chars(const uint32_t *cps, size_t n, int bigrams, wd_sim_text **out)
{
    *out = NULL;
    wd_sim_text *t = wd_calloc(1, sizeof *t);
    if (!t || fill_chars(t, cps, n, bigrams) != WD_OK) {
        wd_sim_text_free(t);
        return WD_ENOMEM;
    }
    *out = t;
    return WD_OK;
}

int wd_sim_text_from_chars(const uint32_t *cps, size_t n, wd_sim_text **out)
{
    return from_chars(cps, n, 1, out);
}

int wd_sim_text_holder(const uint32_t *cps, size_t n, wd_sim_text **out)
{
    return from_chars(cps, n, 0, out);
}

/* A word's rarity in general Chinese: -log p over the rarest a word can be
 * (the general list's floor, about 18.6 nats), so 的 is about 0.3, 准备 0.45,
 * 留学 0.6, and a word the list lacks 1. */
static double rarity(const wd_dict *dict, const char *w, size_t len)
{
    double floor = -wd_dict_general_logp(dict, "", 0);
    double r = floor > 0 ? -wd_dict_general_logp(dict, w, len) / floor : 1.0;
    return r < 0 ? 0 : r > 1 ? 1 : r;
}

/* The code points of a normalised (valid UTF-8) text. */
static uint32_t *decode_all(const char *s, size_t len, size_t *n)
{
    uint32_t *cps = wd_malloc((len + 1) * sizeof *cps);
    *n = 0;
    for (size_t i = 0; cps && i < len;) {
        uint32_t cp;
        size_t l = wd_utf8_decode(s + i, len - i, &cp);
        if (!l) {
            i++;
            continue;
        }
        cps[(*n)++] = cp;
        i += l;
    }
    return cps;
}

int wd_sim_text_from_norm(const char *norm, size_t len, wd_sim_text **out)
{
    size_t n = 0;
    uint32_t *cps = decode_all(norm, len, &n);
    int rc = cps ? from_chars(cps, n, 1, out) : WD_ENOMEM;
    wd_free(cps);
    return rc;
}

int wd_sim_text_build(const wd_qtext *q, const wd_dict *dict, wd_idf_fn idf, void *ctx,
                      wd_sim_text **out, wd_error *err)
{
    *out = NULL;
    wd_sim_text *t = wd_calloc(1, sizeof *t);
    size_t ncps = 0, pool = 0;
    uint32_t *cps = t ? decode_all(q->norm, q->nlen, &ncps) : NULL;
    /* The primary words, in the order the text gives them. */
    const wd_qword **prim = t ? wd_calloc(q->nprimary + 1, sizeof *prim) : NULL;
    int rc = t && cps && prim && fill_chars(t, cps, ncps, 1) == WD_OK ? WD_OK : WD_ENOMEM;
    wd_free(cps);
    for (size_t i = 0; rc == WD_OK && i < q->n; i++)
        if (q->w[i].primary != WD_QW_NOT_PRIMARY && q->w[i].primary < q->nprimary) {
            prim[q->w[i].primary] = &q->w[i];
            pool += q->w[i].len + 1;
        }
    if (rc == WD_OK) {
        t->tok = wd_calloc(q->nprimary + 1, sizeof *t->tok);
        t->pool = wd_malloc(pool + 1);
        t->syn_first = wd_calloc(q->nprimary + 1, sizeof *t->syn_first);
        if (!t->tok || !t->pool || !t->syn_first)
            rc = WD_ENOMEM;
    }
    size_t plen = 0;
    for (uint32_t k = 0; rc == WD_OK && k < q->nprimary; k++) {
        const wd_qword *w = prim[k];
        if (!w)
            continue;
        memcpy(t->pool + plen, w->text, w->len + 1);
        double wt = class_weight(w->text, w->len, w->primary_stop);
        if (!w->primary_stop)
            wt *= idf(ctx, w->text, w->len);
        t->syn_first[t->ntok] = t->nsyn;
        t->tok[t->ntok++] = (sim_tok){ plen, w->len, wt, w->primary_stop,
                                       w->primary_stop ? 0 : rarity(dict, w->text, w->len) };
        plen += w->len + 1;
        const char *const *syns = NULL;
        size_t n = wd_dict_synonyms(dict, w->text, w->len, &syns);
        if (!n)
            continue;
        const char **grown = wd_realloc(t->syn, (t->nsyn + n) * sizeof *grown);
        if (!grown) {
            rc = WD_ENOMEM;
            break;
        }
        t->syn = grown;
        for (size_t y = 0; y < n; y++)
            t->syn[t->nsyn++] = syns[y];
    }
    wd_free(prim);
    if (rc == WD_OK) {
        t->syn_first[t->ntok] = t->nsyn;
        rc = wd_qkind_scan(t->norm, t->nlen, &t->kind);
    }
    if (rc == WD_OK) {
        /* Words of what is asked (病因, 怎么办, 多少钱) count through the kind
         * of question, not as words the other text must contain. */
        for (size_t i = 0; i < t->ntok; i++) {
            if (!t->tok[i].stop && wd_qkind_asks_with(&t->kind, t->pool + t->tok[i].off)) {
                t->tok[i].w *= 0.1;
                t->tok[i].stop = 1;
            }
            t->wsum += t->tok[i].w;
        }
    }
    if (rc != WD_OK) {
        wd_sim_text_free(t);
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    }
    *out = t;
    return WD_OK;
}

int wd_sim_text_new(wd_sim *s, const char *text, size_t len, wd_sim_text **out, wd_error *err)
{
    *out = NULL;
    wd_qtext q;
    int rc = wd_qtext_analyse(&q, s->an, text, len, err);
    if (rc != WD_OK)
        return rc == WD_ENOMEM ? wd_error_set(err, rc, "coverage", "out of memory") : rc;
    rc = wd_sim_text_build(&q, s->dict, learnt_idf, s, out, err);
    wd_qtext_free(&q);
    return rc;
}

static int has_cp(const wd_sim_text *t, uint32_t cp)
{
    for (size_t i = 0; i < t->ncp; i++)
        if (t->cps[i] == cp)
            return 1;
    return 0;
}

/* How well `b` accounts for token i of `a`: 1 for the word or a synonym,
 * half the share of its characters otherwise (with chars: between two
 * questions a shared character says something; in a long answer every
 * character turns up somewhere). */
static double word_match(const wd_sim_text *a, size_t i, const wd_sim_text *b, int chars)
{
    const char *w = a->pool + a->tok[i].off;
    if (b->nlen && strstr(b->norm, w))
        return 1.0;
    for (size_t k = a->syn_first[i]; k < a->syn_first[i + 1]; k++)
        if (strstr(b->norm, a->syn[k]))
            return 1.0;
    if (!chars)
        return 0.0;
    size_t n = 0, hit = 0;
    for (size_t p = 0; p < a->tok[i].len;) {
        uint32_t cp;
        size_t l = wd_utf8_decode(w + p, a->tok[i].len - p, &cp);
        if (!l)
            break;
        n++;
        hit += has_cp(b, cp);
        p += l;
    }
    return n > 1 ? 0.5 * (double)hit / (double)n : 0.0;
}

static double token_match(const wd_sim_text *a, size_t i, const wd_sim_text *b)
{
    return word_match(a, i, b, 1);
}

/* Share of a's weight that b accounts for; *miss = heaviest unmatched share. */
static double coverage_of(const wd_sim_text *a, const wd_sim_text *b, double *miss)
{
    *miss = 0;
    if (a->wsum <= 0)
        return 0;
    double got = 0;
    for (size_t i = 0; i < a->ntok; i++) {
        double m = token_match(a, i, b);
        got += a->tok[i].w * m;
        double left = a->tok[i].w * (1.0 - m) / a->wsum;
        if (left > *miss)
            *miss = left;
    }
    return got / a->wsum;
}

void wd_sim_match_record(const wd_sim_text *asked, const wd_sim_text *q, const wd_sim_text *a,
                         wd_sim_match *out)
{
    memset(out, 0, sizeof *out);
    double wsum = 0, rsum = 0, byq = 0, bya = 0, byr = 0, rmiss = 0, rq = 0, ra = 0;
    for (size_t i = 0; i < asked->ntok; i++) {
        const sim_tok *t = &asked->tok[i];
        double mq = token_match(asked, i, q), ma = a ? word_match(asked, i, a, 0) : 0;
        double m = mq > ma ? mq : ma;
        wsum += t->w;
        byq += t->w * mq;
        bya += t->w * ma;
        byr += t->w * m;
        if (t->stop)
            continue;
        rsum += t->rare;
        rq += t->rare * mq;
        ra += t->rare * ma;
        rmiss += t->rare * (1 - m);
        if (t->rare * (1 - m) > out->miss_rare)
            out->miss_rare = t->rare * (1 - m);
        if (wsum > 0 && t->w * (1 - m) > out->miss_heavy)
            out->miss_heavy = t->w * (1 - m);
    }
    if (wsum > 0) {
        out->by_question = byq / wsum;
        out->by_answer = bya / wsum;
        out->by_record = byr / wsum;
        out->miss_heavy /= wsum;
    }
    out->miss_rare_share = rsum > 0 ? rmiss / rsum : 0;
    out->rare_by_question = rsum > 0 ? rq / rsum : 0;
    out->rare_by_answer = rsum > 0 ? ra / rsum : 0;
    out->words = (double)asked->ntok;
}

int wd_sim_text_asks(const wd_sim_text *t)
{
    return t->kind.types != 0;
}

double wd_sim_cover(const wd_sim_text *a, const wd_sim_text *b)
{
    double miss;
    return coverage_of(a, b, &miss);
}

static double dice(const wd_sim_text *a, const wd_sim_text *b)
{
    if (a->nbig + b->nbig == 0)
        return a->ncp && a->ncp == b->ncp && a->cps[0] == b->cps[0] ? 1.0 : 0.0;
    size_t i = 0, j = 0, common = 0;
    while (i < a->nbig && j < b->nbig) {
        if (a->bigrams[i] == b->bigrams[j]) {
            common++;
            i++;
            j++;
        } else if (a->bigrams[i] < b->bigrams[j]) {
            i++;
        } else {
            j++;
        }
    }
    return 2.0 * (double)common / (double)(a->nbig + b->nbig);
}

double wd_sim_dice(const wd_sim_text *a, const wd_sim_text *b)
{
    return dice(a, b);
}

void wd_sim_score_features(const wd_sim_text *a, const wd_sim_text *b, double f[WD_SIM_NFEATURES])
{
    double ma, mb;
    double ca = coverage_of(a, b, &ma), cb = coverage_of(b, a, &mb);
    unsigned at = a->kind.types, bt = b->kind.types;
    f[0] = ca;
    f[1] = cb;
    f[2] = ca * cb;
    f[3] = dice(a, b);
    int typed = at && bt;
    f[4] = typed ? (double)__builtin_popcount(at & bt) / (double)__builtin_popcount(at | bt) : 0.0;
    f[5] = typed && !(at & bt) ? 1.0 : 0.0;
    f[6] = a->kind.neg != b->kind.neg ? 1.0 : 0.0;
    f[7] = (a->kind.nums && b->kind.nums)   ? (strcmp(a->kind.nums, b->kind.nums) ? 1.0 : 0.0)
           : (a->kind.nums || b->kind.nums) ? 0.5
                                            : 0.0;
    f[8] = (a->ncp && b->ncp) ? fabs(log((double)a->ncp / (double)b->ncp)) : 3.0;
    f[9] = ma > mb ? ma : mb;
    f[10] = f[5] * f[2];
    f[11] = f[6] * f[2];
}

double wd_sim_score_of(const wd_sim_text *a, const wd_sim_text *b, const double f[WD_SIM_NFEATURES])
{
    if (!a->ncp || !b->ncp || (!a->ntok && !b->ntok))
        return 0.0;
    return wd_sim_calibrate(f, NULL);
}

double wd_sim_score(const wd_sim_text *a, const wd_sim_text *b)
{
    double f[WD_SIM_NFEATURES];
    wd_sim_score_features(a, b, f);
    return wd_sim_score_of(a, b, f);
}

size_t wd_sim_text_keys(const wd_sim_text *t, const char **keys, size_t n)
{
    size_t k = 0;
    double last = INFINITY;
    /* Selection by descending weight; texts are short. */
    while (k < n) {
        double best = -1;
        size_t bi = 0;
        for (size_t i = 0; i < t->ntok; i++) {
            double w = t->tok[i].w;
            if (t->tok[i].stop || w > last || w <= best)
                continue;
            int used = 0;
            for (size_t m = 0; m < k; m++)
                used |= keys[m] == t->pool + t->tok[i].off;
            if (!used) {
                best = w;
                bi = i;
            }
        }
        if (best < 0)
            break;
        keys[k++] = t->pool + t->tok[bi].off;
        last = best;
    }
    return k;
}

static int two_texts(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen,
                     wd_sim_text **ta, wd_sim_text **tb, wd_error *err)
{
    int rc = wd_sim_text_new(s, a, alen, ta, err);
    if (rc == WD_OK)
        rc = wd_sim_text_new(s, b, blen, tb, err);
    if (rc != WD_OK) {
        wd_sim_text_free(*ta);
        *ta = NULL;
    }
    return rc;
}

int wd_similarity(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen, double *out,
                  wd_error *err)
{
    *out = 0;
    wd_sim_text *ta = NULL, *tb = NULL;
    int rc = two_texts(s, a, alen, b, blen, &ta, &tb, err);
    if (rc != WD_OK)
        return rc;
    *out = wd_sim_score(ta, tb);
    wd_sim_text_free(ta);
    wd_sim_text_free(tb);
    return WD_OK;
}

int wd_similarity_features(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen,
                           double f[WD_SIM_NFEATURES], wd_error *err)
{
    memset(f, 0, WD_SIM_NFEATURES * sizeof *f);
    wd_sim_text *ta = NULL, *tb = NULL;
    int rc = two_texts(s, a, alen, b, blen, &ta, &tb, err);
    if (rc != WD_OK)
        return rc;
    wd_sim_score_features(ta, tb, f);
    wd_sim_text_free(ta);
    wd_sim_text_free(tb);
    return WD_OK;
}
