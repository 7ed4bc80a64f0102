/*
 * match.c - the match stage of a search (searcher.h): the analysed
 * question becomes one Xapian query, priced and cut to the posting budget,
 * and Xapian's BM25 ranks the records it matches.
 *
 * Each distinct word becomes a small query: the word in the question field
 * OR the word in the answer field, where the word and its dictionary
 * synonyms form one Xapian SYNONYM so that a synonym counts as the word
 * itself. A synonym the analyzer splits (醉酒驾驶 -> 醉酒 驾驶: groups make
 * no words, so the index holds it so) is matched as its words: all of
 * them in the question field, or all of them in the answer field (not as a
 * phrase: questions are short, and the index stores no positions for the
 * match to read, schema.h); asked in the question (醉酒驾驶
 * is no word of it, only 醉酒 驾驶), such a member brings its group in as a
 * leaf of its own, weighed as a sub-word. Particles and function words stay in the query at a lower weight
 * and in the question field only (they never decide a match alone, but
 * separate records whose questions use the same content words; in answers
 * they are everywhere); sub-words count less than whole words. The
 * question's CJK characters and bigrams are matched against the same
 * n-grams of record questions, so a paraphrase segmented differently still
 * matches. The word associations stored with the index (assoc.h) add, for
 * an asked word, the few words most associated with it as weaker leaves of
 * their own, never weighing more than the asked word; a short form's long
 * form over several words (醉驾: 醉酒 驾驶) as an AND of its words, which the
 * re-ranking's answer coverage then counts as the asked word. All of it is
 * OR-ed; BM25 is Xapian's stock weighting, so remote shards can run it.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "facets.h"
#include "filter.h"
#include "hash.h"
#include "schema.h"
#include "searcher.h"
#include "wenda/buf.h"

/* Synonyms a word's query leaf takes at most (field_query's SYNONYM). */
#define MAX_LEAF_SYNONYMS 32

static size_t leaf_synonyms(const wd_qword *w)
{
    return w->nsyn > MAX_LEAF_SYNONYMS ? MAX_LEAF_SYNONYMS : w->nsyn;
}

/* The words of a synonym split by the analyzer, prefixed, in one query:
 * AND of them (in either field). */
static int parts_query(xc_query **out, const char *prefix, const char *const *parts, size_t np,
                       const wd_qword *w, wd_error *err)
{
    xc_query *leaves[WD_MAX_WORD_BYTES];
    size_t n = 0;
    int rc = WD_OK;
    wd_buf term = WD_BUF_INIT;
    *out = NULL;
    for (size_t i = 0; i < np && n < WD_MAX_WORD_BYTES && rc == WD_OK; i++) {
        wd_buf_reset(&term);
        wd_buf_puts(&term, prefix);
        wd_buf_puts(&term, parts[i]);
        if (term.oom)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        else if (term.len > XC_MAX_TERM_BYTES)
            rc = WD_ENOTFOUND; /* a part no index holds: no match */
        else if ((rc = xc_query_term(&leaves[n], term.data, term.len, w->wqf, w->pos, err)) ==
                 WD_OK)
            n++;
    }
    if (rc == WD_OK)
        rc = xc_query_combine(out, XC_OP_AND, leaves, n, 0, err);
    for (size_t i = 0; i < n; i++)
        xc_query_free(leaves[i]);
    wd_buf_free(&term);
    return rc;
}

/* SYNONYM(prefix+word, prefix+syn...) for one field. */
static int field_query(xc_query **out, const char *prefix, const wd_qword *w, const wd_dict *dict,
                       wd_error *err)
{
    xc_query *leaves[MAX_LEAF_SYNONYMS + 1];
    size_t n = 0, nsyn = leaf_synonyms(w);
    int rc = WD_OK;
    wd_buf term = WD_BUF_INIT;
    *out = NULL;
    for (size_t i = 0; i <= nsyn && n <= MAX_LEAF_SYNONYMS && rc == WD_OK; i++) {
        const char *word = i == 0 ? w->text : w->syns[i - 1];
        size_t len = i == 0 ? w->len : strlen(word);
        const char *const *parts = NULL;
        size_t np = wd_dict_synonym_parts(dict, word, len, &parts);
        if (np >= 2) {
            rc = parts_query(&leaves[n], prefix, parts, np, w, err);
            if (rc == WD_OK)
                n++;
            else if (rc == WD_ENOTFOUND)
                rc = WD_OK;
            continue;
        }
        wd_buf_reset(&term);
        wd_buf_puts(&term, prefix);
        wd_buf_append(&term, word, len);
        if (term.oom) {
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
            break;
        }
        if (term.len > XC_MAX_TERM_BYTES)
            continue;
        rc = xc_query_term(&leaves[n], term.data, term.len, w->wqf, w->pos, err);
        if (rc == WD_OK)
            n++;
    }
    if (rc == WD_OK)
        rc = n == 1 ? xc_query_combine(out, XC_OP_OR, leaves, 1, 0, err)
                    : xc_query_combine(out, XC_OP_SYNONYM, leaves, n, 0, err);
    for (size_t i = 0; i < n; i++)
        xc_query_free(leaves[i]);
    wd_buf_free(&term);
    return rc;
}

/* The query of one word (or n-gram): its question-field leaf when use_q, OR
 * its answer-field leaf when ascale > 0 (an n-gram has only the first). */
static int word_query(xc_query **out, const wd_qword *w, const wd_dict *dict, const wd_tuning *t,
                      double scale, int use_q, double ascale, wd_error *err)
{
    *out = NULL;
    if (w->kind == WD_QK_NGRAM) {
        wd_buf term = WD_BUF_INIT;
        wd_buf_puts(&term, WD_PREFIX_BIGRAM);
        wd_buf_append(&term, w->text, w->len);
        xc_query *leaf = NULL;
        int rc = term.oom ? wd_error_set(err, WD_ENOMEM, "search", "out of memory")
                          : xc_query_term(&leaf, term.data, term.len, w->wqf, w->pos, err);
        if (rc == WD_OK)
            rc = xc_query_scale(out, leaf, t->ngram_weight * scale, err);
        xc_query_free(leaf);
        wd_buf_free(&term);
        return rc;
    }
    xc_query *q = NULL, *a = NULL, *qs = NULL, *as = NULL;
    int rc = WD_OK;
    if (use_q)
        rc = field_query(&q, WD_PREFIX_QUESTION, w, dict, err);
    if (rc == WD_OK && use_q)
        rc = xc_query_scale(&qs, q, t->question_weight * scale, err);
    if (rc == WD_OK && ascale > 0)
        rc = field_query(&a, "", w, dict, err);
    if (rc == WD_OK && ascale > 0)
        rc = xc_query_scale(&as, a, t->answer_weight * scale * ascale, err);
    if (rc == WD_OK) {
        if (qs && as) {
            xc_query *pair[2] = { qs, as };
            rc = xc_query_combine(out, XC_OP_OR, pair, 2, 0, err);
        } else if (qs) { /* the one field left */
            *out = qs;
            qs = NULL;
        } else {
            *out = as;
            as = NULL;
        }
    }
    xc_query_free(q);
    xc_query_free(a);
    xc_query_free(qs);
    xc_query_free(as);
    return rc;
}

/* A leaf of the match: one word (with its synonyms) in one field, or one
 * character n-gram. Its cost is the postings the match reads for it. */
enum { LEAF_QUESTION = 1, LEAF_ANSWER = 2, LEAF_FIELDS = 3 };
/* match_budget marks a word's leaves past the budget with their LEAF_* bits,
 * and those past the weighing ones too with the same bits shifted by 2. */
#define LEAF_GONE(fields) ((fields) << 2)

/* The fields of a word's leaves that decide the match (within the budget)
 * and of those that only weigh (past it, not gone). */
static unsigned leaves_deciding(unsigned char skip)
{
    return ~(unsigned)skip & LEAF_FIELDS;
}

static unsigned leaves_weighing(unsigned char skip)
{
    return skip & ~((unsigned)skip >> 2) & LEAF_FIELDS;
}

typedef struct leaf_cost {
    size_t i;  /* index in the question's words */
    int field; /* LEAF_QUESTION (n-grams too) or LEAF_ANSWER */
    double df; /* summed over the word and its synonyms */
} leaf_cost;

static int leaf_cost_cmp(const void *a, const void *b)
{
    const leaf_cost *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? -1 : 1;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return x->field - y->field;
}

/* The postings a synonym's leaf reads: its term's, or for one the analyzer
 * splits, its rarest word's (no more records hold all of them). */
static double syn_df(wd_run *r, const char *prefix, const char *syn)
{
    const char *const *parts = NULL;
    size_t np = wd_dict_synonym_parts(r->s->dict, syn, strlen(syn), &parts);
    if (np < 2)
        return wd_termstats_df(r->stats, r->s->db, prefix, syn, strlen(syn));
    double df = -1;
    for (size_t i = 0; i < np; i++) {
        double d = wd_termstats_df(r->stats, r->s->db, prefix, parts[i], strlen(parts[i]));
        if (df < 0 || d < df)
            df = d;
    }
    return df;
}

/* The postings the deciding leaves may read: the tuned budget, or on a
 * smaller base a share of its records (leaves that together reach a quarter
 * of a few thousand records tell them apart no better than weighing them
 * does), never below MIN_BUDGET (on a base of a hundred records such a share
 * would leave its own words out). 0: no budget. */
#define MIN_BUDGET 250
static double posting_budget(const wd_run *r)
{
    const wd_tuning *t = &r->t;
    double budget = t->posting_budget;
    if (budget <= 0 || t->posting_budget_share <= 0)
        return budget;
    double share = t->posting_budget_share * r->stats->ndocs;
    if (share < MIN_BUDGET)
        share = MIN_BUDGET;
    return share < budget ? share : budget;
}

/* The match reads every posting of every term it ORs. At a million records
 * the common characters and words of a question (法, 国, 规定, 应当) each sit
 * in a fifth of all records or more: one question came to some 660,000
 * postings, nearly all of a search's time, while such terms add next to
 * nothing to BM25 alone. So the leaves are taken rarest first until their
 * posting lists sum to the budget (the rarest leaf that matches always): they
 * decide which records match. The denser ones only weigh the records those
 * match (build_query's AND_MAYBE: Xapian looks each such record up in their
 * lists instead of reading them whole), and the ranking still counts every
 * word and n-gram of the question. Dropping them from the match instead cost
 * a tenth of the first places on the law base, whose articles' common words
 * (判, 处罚, 期限) still tell them apart. Each such look-up costs a step per
 * matched record, so only the rarest weighing_leaves of them weigh (a long
 * question has dozens); the rest leave the query. ascale[i] < 0: word i is
 * not in the query, 0: no answer-field leaf. skip[i] gets the LEAF_* bits of
 * the leaves past the budget, and LEAF_GONE of them for the ones past the
 * weighing ones too. The frequencies go into the statistics table
 * the re-ranking reads. Returns the postings of the leaves within it. */
static double match_budget(wd_run *r, const double *ascale, unsigned char *skip)
{
    const wd_qtext *q = &r->q;
    double budget = posting_budget(r);
    if (budget <= 0 || q->n == 0)
        return 0;
    leaf_cost *c = wd_calloc(q->n * 2, sizeof *c);
    if (!c)
        return budget; /* no budget is the full query, never a wrong one */
    size_t nl = 0;
    double total = 0;
    for (size_t i = 0; i < q->n; i++) {
        const wd_qword *w = &q->w[i];
        if (ascale[i] < 0)
            continue; /* not in the query at all */
        size_t nsyn = leaf_synonyms(w);
        for (int f = LEAF_QUESTION; f <= LEAF_ANSWER; f++) {
            if (f == LEAF_ANSWER && ascale[i] <= 0)
                break;
            const char *prefix = w->kind == WD_QK_NGRAM ? WD_PREFIX_BIGRAM
                                 : f == LEAF_QUESTION   ? WD_PREFIX_QUESTION
                                                        : "";
            double df = wd_termstats_df(r->stats, r->s->db, prefix, w->text, w->len);
            for (size_t k = 0; k < nsyn; k++)
                df += syn_df(r, prefix, w->syns[k]);
            c[nl] = (leaf_cost){ i, f, df };
            total += c[nl++].df;
        }
    }
    double spent = total;
    if (total > budget && nl > 1) {
        qsort(c, nl, sizeof *c, leaf_cost_cmp);
        double sum = 0;
        int kept = 0; /* a leaf that matches something */
        int past = 0;
        spent = 0;
        for (size_t k = 0; k < nl; k++) {
            sum += c[k].df;
            if (sum > budget && kept) {
                skip[c[k].i] |= (unsigned char)c[k].field;
                if (r->t.weighing_leaves > 0 && ++past > r->t.weighing_leaves)
                    skip[c[k].i] |= (unsigned char)LEAF_GONE(c[k].field);
            } else {
                spent += c[k].df;
                if (c[k].df > 0)
                    kept = 1;
            }
        }
    }
    wd_free(c);
    return spent;
}

/* The IDF the match gives a word: of its question-field frequency, or its
 * answer-field one when no question holds it. */
static double match_idf(wd_run *r, const char *text, size_t len, uint32_t *df)
{
    uint32_t dq = wd_termstats_df(r->stats, r->s->db, WD_PREFIX_QUESTION, text, len);
    uint32_t da = wd_termstats_df(r->stats, r->s->db, "", text, len);
    *df = dq + da;
    return wd_idf_bm25(r->stats->ndocs, dq ? dq : da);
}

static int note_used(wd_run *r, const wd_qword *w, const wd_assoc_entry *e, double scale)
{
    wd_association *v = wd_realloc(r->used, (r->nused + 1) * sizeof *v);
    if (!v)
        return WD_ENOMEM;
    r->used = v;
    v[r->nused] = (wd_association){ wd_strndup(w->text, w->len), wd_assoc_other_shown(e->other),
                                    e->kind, e->weight, scale };
    if (!v[r->nused].word || !v[r->nused].other) {
        wd_free(v[r->nused].word);
        wd_free(v[r->nused].other);
        return WD_ENOMEM;
    }
    r->nused++;
    return WD_OK;
}

/* The long form `other` the match used for asked word i, for the
 * re-ranking's answer coverage. */
static int note_long(wd_run *r, size_t i, const char *other)
{
    struct wd_long_used *v = wd_realloc(r->longs, (r->nlongs + 1) * sizeof *v);
    if (!v)
        return WD_ENOMEM;
    r->longs = v;
    if (!(v[r->nlongs].text = wd_assoc_other_shown(other)))
        return WD_ENOMEM;
    v[r->nlongs++].word = i;
    return WD_OK;
}

/* A long form over several words (kind 'l': its words joined by spaces),
 * cut into its words and priced once: its IDF is the sum of its words'
 * (what a record holding them all gains), its postings its rarest word's
 * (as syn_df prices a split synonym: no more records hold them all, and the
 * AND skips through the others). */
typedef struct long_form {
    char buf[XC_MAX_TERM_BYTES + 1];
    const char *parts[8];
    size_t np;
    double idf;
    uint32_t df;
} long_form;

/* Cut and price `other` into *lf; 0 when it cannot match anything more than
 * the question does: too long, one word, a word in no record, or every word
 * said by the question (matched as themselves). */
static int long_form_price(wd_run *r, const char *other, long_form *lf)
{
    size_t ol = strlen(other);
    lf->np = 0;
    lf->idf = 0;
    lf->df = 0;
    if (ol >= sizeof lf->buf)
        return 0;
    memcpy(lf->buf, other, ol + 1);
    for (char *save = NULL, *p = strtok_r(lf->buf, " ", &save); p && lf->np < 8;
         p = strtok_r(NULL, " ", &save))
        lf->parts[lf->np++] = p;
    int said = 1;
    for (size_t i = 0; i < lf->np; i++) {
        size_t pl = strlen(lf->parts[i]);
        uint32_t d = 0;
        lf->idf += match_idf(r, lf->parts[i], pl, &d);
        if (d == 0)
            return 0;
        if (i == 0 || d < lf->df)
            lf->df = d;
        said = said &&
               wd_qtext_find_word(&r->q, lf->parts[i], pl, wd_hash_bytes(lf->parts[i], pl)) >= 0;
    }
    return lf->np >= 2 && !said && lf->idf > 0;
}

/* The long form in both fields: all of its words in the question field, OR
 * all of them in the answer field (as a split synonym is matched), scaled.
 * *out stays NULL when a word is longer than any term. */
static int long_form_query(wd_run *r, const long_form *lf, const wd_qword *at, double scale,
                           xc_query **out, wd_error *err)
{
    *out = NULL;
    xc_query *q = NULL, *a = NULL, *pair[2] = { NULL, NULL };
    int rc = parts_query(&q, WD_PREFIX_QUESTION, lf->parts, lf->np, at, err);
    if (rc == WD_OK)
        rc = parts_query(&a, "", lf->parts, lf->np, at, err);
    if (rc == WD_OK)
        rc = xc_query_scale(&pair[0], q, r->t.question_weight * scale, err);
    if (rc == WD_OK)
        rc = xc_query_scale(&pair[1], a, r->t.answer_weight * scale, err);
    if (rc == WD_OK)
        rc = xc_query_combine(out, XC_OP_OR, pair, 2, 0, err);
    xc_query_free(q);
    xc_query_free(a);
    xc_query_free(pair[0]);
    xc_query_free(pair[1]);
    return rc == WD_ENOTFOUND ? WD_OK : rc;
}

/* The word associations of the asked whole words (assoc.h): each word's
 * strongest few that the question does not say already, as leaves of their
 * own in both fields, scaled by assoc_weight times the association's
 * weight times the asked word's IDF over the associated word's (at most 1),
 * so that a record holding only the associated word never gains more from
 * it than a record holding the asked word gains from that. Taken while the
 * postings they read fit in what the question's leaves left of the budget
 * (`spent` by them) or in their own share of it (assoc_budget), so a search
 * reads at most that share more. */
static int assoc_leaves(wd_run *r, xc_query **parts, size_t *np, double spent, wd_error *err)
{
    const wd_tuning *t = &r->t;
    if ((t->assoc_weight <= 0 && t->assoc_long_weight <= 0) || t->assoc_per_word < 1 ||
        !r->q.content)
        return WD_OK;
    const wd_assoc *a = NULL;
    int rc = wd_searcher_assoc(r->s, &a, err);
    if (rc != WD_OK || !a->n)
        return rc;
    const wd_qtext *q = &r->q;
    double budget = posting_budget(r), left = budget - spent, own = budget * t->assoc_budget;
    double allowed = left > own ? left : own, taken = 0;
    for (size_t i = 0; i < q->n && rc == WD_OK; i++) {
        const wd_qword *w = &q->w[i];
        const wd_assoc_entry *e = NULL;
        size_t ne = w->kind == WD_QK_WORD ? wd_assoc_of(a, w->text, w->len, &e) : 0;
        uint32_t df = 0;
        double idf_w = ne ? match_idf(r, w->text, w->len, &df) : 0;
        for (size_t k = 0, used = 0; k < ne && used < t->assoc_per_word && rc == WD_OK; k++) {
            size_t ol = strlen(e[k].other);
            double kw = e[k].kind == 'l' ? t->assoc_long_weight : t->assoc_weight;
            if (kw <= 0)
                continue;
            if (e[k].kind == 'l') {
                long_form lf;
                if (!long_form_price(r, e[k].other, &lf) || (budget > 0 && taken + lf.df > allowed))
                    continue;
                double scale = kw * e[k].weight * (idf_w < lf.idf ? idf_w / lf.idf : 1.0);
                xc_query *lq = NULL;
                rc = long_form_query(r, &lf, w, scale, &lq, err);
                if (rc != WD_OK || !lq)
                    continue;
                parts[(*np)++] = lq;
                taken += lf.df;
                used++;
                if (note_long(r, i, e[k].other) != WD_OK)
                    rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
                if (r->o.explain && note_used(r, w, &e[k], scale) != WD_OK)
                    rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
                continue;
            }
            if (wd_qtext_find_word(q, e[k].other, ol, wd_hash_bytes(e[k].other, ol)) >= 0)
                continue; /* the question says it: matched as itself */
            int syn = 0;
            for (size_t s = 0; s < w->nsyn && !syn; s++)
                syn = strcmp(w->syns[s], e[k].other) == 0;
            double idf_o = syn ? 0 : match_idf(r, e[k].other, ol, &df);
            if (syn || df == 0 || !(idf_o > 0) || (budget > 0 && taken + df > allowed))
                continue;
            double scale = kw * e[k].weight * (idf_w < idf_o ? idf_w / idf_o : 1.0);
            wd_qword m = { .text = e[k].other,
                           .len = ol,
                           .kind = WD_QK_WORD,
                           .wqf = 1,
                           .pos = w->pos,
                           .primary = WD_QW_NOT_PRIMARY };
            rc = word_query(&parts[*np], &m, r->s->dict, t, scale, 1, 1.0, err);
            if (rc != WD_OK)
                break;
            (*np)++;
            taken += df;
            used++;
            if (r->o.explain && note_used(r, w, &e[k], scale) != WD_OK)
                rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        }
    }
    return rc;
}

/* Whether the question asks n-gram w as (part of) one of its words: a
 * character that is a word of its own (whole: the whole word), or a bigram
 * inside a word (else it spans two). */
static int ngram_in_word(const wd_qtext *q, const wd_qword *w, int whole)
{
    for (size_t i = 0; i < q->n; i++) {
        const wd_qword *v = &q->w[i];
        if (v->kind == WD_QK_NGRAM)
            continue;
        if (whole ? v->len == w->len && memcmp(v->text, w->text, w->len) == 0
                  : memmem(v->text, v->len, w->text, w->len) != NULL)
            return 1;
    }
    return 0;
}

/* The weight of n-gram w in the match, of the shipped ngram_weight's: the
 * classes the tuned values leave out (tuning.h: ug, uc, xb) weigh 0. */
static double ngram_scale(const wd_qtext *q, const wd_qword *w, const wd_tuning *t)
{
    if (wd_utf8_count(w->text, w->len) == 1) {
        if (t->covered_unigrams <= 0 && ngram_in_word(q, w, 1))
            return 0;
        return t->unigram_weight;
    }
    return t->spanning_bigrams <= 0 && !ngram_in_word(q, w, 0) ? 0 : 1.0;
}

/* *q becomes *q AND_MAYBE (the OR of dense[0..nd)): the dense leaves add
 * their weight to what *q matches and match nothing themselves. */
static int weigh_with(xc_query **q, xc_query *const *dense, size_t nd, wd_error *err)
{
    xc_query *side = NULL, *both = NULL;
    int rc = xc_query_combine(&side, XC_OP_OR, dense, nd, 0, err);
    if (rc == WD_OK && !xc_query_is_empty(*q)) {
        xc_query *pair[2] = { *q, side };
        rc = xc_query_combine(&both, XC_OP_AND_MAYBE, pair, 2, 0, err);
    }
    xc_query_free(side);
    if (rc == WD_OK && both) {
        xc_query_free(*q);
        *q = both;
    }
    return rc;
}

static int build_query(wd_run *r, xc_query **out, wd_error *err)
{
    *out = NULL;
    const wd_qtext *q = &r->q;
    const wd_tuning *t = &r->t;
    size_t n = q->n ? q->n : 1;
    const char *const *split = NULL;
    size_t nsplit = wd_dict_split_synonyms(r->s->dict, &split);
    size_t nassoc =
        r->t.assoc_per_word > 0 && r->t.assoc_per_word < 64 ? n * (size_t)r->t.assoc_per_word : 0;
    xc_query **parts = wd_calloc(n + nsplit + nassoc, sizeof *parts);
    xc_query **dense = wd_calloc(n, sizeof *dense); /* the leaves past the budget */
    unsigned char *skip = wd_calloc(n, 1);
    double *scales = wd_calloc(n * 2, sizeof *scales);
    if (!parts || !dense || !skip || !scales) {
        wd_free(dense);
        wd_free(parts);
        wd_free(skip);
        wd_free(scales);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    double *ascales = scales + n;
    for (size_t i = 0; i < q->n; i++) {
        int kind = q->w[i].kind;
        /* When the question is nothing but particles, they are all it has. */
        scales[i] = !q->content             ? 1.0
                    : kind == WD_QK_STOP    ? t->particle_weight
                    : kind == WD_QK_SUBWORD ? t->subword_weight
                    : kind == WD_QK_NGRAM   ? ngram_scale(q, &q->w[i], t)
                                            : 1.0;
        /* A particle says little about an answer: looked up in questions only
         * (an answer-field posting list of 的 holds nearly every record); an
         * n-gram is a question-field term. */
        ascales[i] = scales[i] <= 0                     ? -1
                     : kind == WD_QK_NGRAM              ? 0
                     : q->content && kind == WD_QK_STOP ? t->particle_answer_weight
                                                        : 1.0;
    }
    double spent = match_budget(r, ascales, skip);
    size_t np = 0, nd = 0;
    int rc = WD_OK;
    for (size_t i = 0; i < q->n && rc == WD_OK; i++) {
        if (scales[i] <= 0)
            continue;
        /* Its leaves within the budget (they match), then those past it
         * (they only weigh). */
        for (int past = 0; past <= 1 && rc == WD_OK; past++) {
            unsigned in = past ? leaves_weighing(skip[i]) : leaves_deciding(skip[i]);
            int use_q = (in & LEAF_QUESTION) != 0;
            double as = in & LEAF_ANSWER ? ascales[i] : 0;
            if (!use_q && as <= 0)
                continue;
            size_t *k = past ? &nd : &np;
            rc = word_query(past ? &dense[*k] : &parts[*k], &q->w[i], r->s->dict, t, scales[i],
                            use_q, as, err);
            if (rc == WD_OK)
                ++*k;
        }
    }
    /* Split group members the question says: their groups join the match. */
    for (size_t k = 0; k < nsplit && rc == WD_OK; k++) {
        if (!q->norm || !strstr(q->norm, split[k]))
            continue;
        wd_qword m = { .text = split[k],
                       .len = strlen(split[k]),
                       .kind = WD_QK_SUBWORD,
                       .wqf = 1,
                       .pos = 1,
                       .primary = WD_QW_NOT_PRIMARY };
        m.nsyn = wd_dict_synonyms(r->s->dict, m.text, m.len, &m.syns);
        rc = word_query(&parts[np], &m, r->s->dict, t, q->content ? t->subword_weight : 1.0, 1, 1.0,
                        err);
        if (rc == WD_OK)
            np++;
    }
    if (rc == WD_OK && nassoc)
        rc = assoc_leaves(r, parts, &np, spent, err);
    xc_query *all = NULL;
    if (rc == WD_OK)
        rc = xc_query_combine(&all, XC_OP_OR, parts, np, 0, err);
    if (rc == WD_OK && nd)
        rc = weigh_with(&all, dense, nd, err);
    for (size_t i = 0; i < nd; i++)
        xc_query_free(dense[i]);
    wd_free(dense);
    for (size_t i = 0; i < np; i++)
        xc_query_free(parts[i]);
    wd_free(parts);
    wd_free(skip);
    wd_free(scales);
    if (rc == WD_OK && !xc_query_is_empty(all))
        rc = wd_filter_apply(r, &all, err);
    if (rc != WD_OK) {
        xc_query_free(all);
        return rc;
    }
    *out = all;
    return WD_OK;
}

int wd_run_match(wd_run *r, uint32_t depth, wd_error *err)
{
    int rc = build_query(r, &r->query, err);
    if (rc == WD_OK) /* a shard that did not answer the statistics would not answer the match */
        rc = wd_termstats_check(r->stats, err);
    if (rc == WD_OK && r->o.explain)
        rc = xc_query_describe(r->query, &r->parsed, err);
    if (rc == WD_OK)
        rc = xc_enquire_new(&r->e, r->s->db, err);
    if (rc == WD_OK)
        rc = xc_enquire_set_query(r->e, r->query, err);
    if (rc == WD_OK)
        rc = xc_enquire_set_bm25(r->e, r->t.bm25_k1, 0, 1, r->t.bm25_b, 0.5, err);
    if (rc == WD_OK)
        rc = xc_enquire_set_tiebreak_value(r->e, WD_VALUE_ID, err);
    /* Facets count the whole match: look at all of it. */
    uint32_t all = 0;
    if (rc == WD_OK && r->o.facets && (rc = wd_facets_prepare(r, err)) == WD_OK)
        rc = xc_db_doccount(r->s->db, &all, err);
    if (rc == WD_OK)
        rc = xc_enquire_mset(r->e, 0, depth, all, &r->m, err);
    if (rc == WD_OK)
        r->total = xc_mset_estimated(r->m);
    return rc;
}
