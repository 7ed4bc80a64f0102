/*
 * rerank.c - the re-ranking stage of a search (searcher.h).
 *
 * Xapian's BM25 normalises every term by the length of the whole record, so a
 * short question that matches the asked question well can lose to a long
 * answer that mentions its words often. The top of the match is therefore
 * re-ranked by two more deterministic signals: how similar the record's
 * question is to the asked one (wd_question_overlap, similarity.h), and how
 * much of the asked question's content the record's answer contains. The
 * final score mixes the BM25 score (scaled to the best one) with both;
 * records that only know a question (no written answer) are scaled down.
 * Policy is set by province and city, so when the asked question names a
 * place, a record whose question names the same place (or its province) is
 * raised and one that names only other places is lowered (places.h);
 * records naming no place keep their score.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "rank.h"
#include "schema.h"
#include "searcher.h"

/* ---- what a candidate needs, made once per record ------------------------------- */

/* The IDF of each word of q for the re-ranking (BM25 IDF of its
 * question-field or n-gram term; 0 for sub-words): *out is new. */
static int run_idf(wd_run *r, const wd_qtext *q, double **out)
{
    *out = wd_calloc(q->n ? q->n : 1, sizeof **out);
    if (!*out)
        return WD_ENOMEM;
    for (size_t i = 0; i < q->n; i++) {
        const wd_qword *w = &q->w[i];
        if (w->kind == WD_QK_SUBWORD)
            continue;
        const char *prefix = w->kind == WD_QK_NGRAM ? WD_PREFIX_BIGRAM : WD_PREFIX_QUESTION;
        (*out)[i] = wd_termstats_idf_bm25(r->stats, r->s->db, prefix, w->text, w->len, w->hash);
    }
    return WD_OK;
}

typedef struct mset_data {
    const xc_mset *m;
    uint32_t i;
} mset_data;

static int read_data(void *ctx, char **data, size_t *len, wd_error *err)
{
    const mset_data *d = ctx;
    return xc_mset_data(d->m, d->i, data, len, err);
}

/* A cached record's question analysed once (hit i of the match), with the
 * IDF of its words: the analysis the index stored, when it was made with
 * this searcher's dictionaries, else made here. */
static int rec_analyse(wd_run *r, wd_rec *rec, uint32_t i, wd_error *err)
{
    if (rec->analysed)
        return WD_OK;
    if (!r->recs->stamped) {
        r->recs->stamp = wd_qtext_stamp(wd_dict_version(r->s->dict), r->recs->layer);
        r->recs->stamped = 1;
    }
    size_t bytes = 0;
    int rc = wd_reccache_stored_question(rec, r->m, i, r->recs->stamp, &bytes, err);
    if (rc == WD_ENOTFOUND) {
        wd_qtext q;
        const char *text = rec->rec.question;
        rc = wd_qtext_analyse(&q, r->s->an, text, strlen(text), err);
        if (rc == WD_OK) {
            rc = wd_qtext_pack(&q, &rec->q, &bytes) == WD_OK
                     ? WD_OK
                     : wd_error_set(err, WD_ENOMEM, "search", "out of memory");
            wd_qtext_free(&q);
        }
    }
    if (rc == WD_OK && run_idf(r, &rec->q, &rec->idf) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (rc != WD_OK) { /* tried again next time */
        wd_qtext_free(&rec->q);
        wd_free(rec->idf);
        rec->idf = NULL;
        return rc;
    }
    rec->analysed = 1;
    wd_reccache_charge(r->recs, rec, bytes + rec->q.n * sizeof *rec->idf);
    return WD_OK;
}

/* ---- the signals ------------------------------------------------------------------ */

/* The answer-field IDF of the asked question's whole words, for coverage. */
static int answer_idf(wd_run *r)
{
    r->aidf = wd_calloc(r->q.n ? r->q.n : 1, sizeof *r->aidf);
    if (!r->aidf)
        return WD_ENOMEM;
    for (size_t i = 0; i < r->q.n; i++) {
        const wd_qword *w = &r->q.w[i];
        if (w->kind != WD_QK_WORD)
            continue;
        r->aidf[i] = wd_termstats_idf_bm25(r->stats, r->s->db, "", w->text, w->len, w->hash);
        r->atotal += r->aidf[i];
    }
    return WD_OK;
}

static int contains(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || m > n)
        return m == 0;
    return memmem(hay, n, needle, m) != NULL;
}

/* The asked words and their synonyms, looked for in an answer in one pass
 * (made once a search): each is a needle, found where the answer's bytes
 * start with it. A needle is tried only where the answer's next two bytes
 * are its first two (a bitmap of those pairs, then a chain of the needles
 * whose pair hashes alike); one shorter than two bytes, or starting inside
 * a character, is looked for on its own. The words found are those
 * searching for each as a substring finds. */
typedef struct needle {
    const char *text;
    size_t len;
    uint32_t word; /* its word in the asked question */
    uint32_t next; /* the next of its chain + 1 (0: the end) */
} needle;

typedef struct answer_scan {
    needle *n;
    size_t nn, cap;
    uint32_t *alone; /* needles looked for on their own */
    size_t nalone;
    uint64_t pairs[65536 / 64]; /* the first two bytes of the chained needles */
    uint32_t chain[256];        /* by those two bytes hashed: the first needle + 1 */
    unsigned char *found;       /* per word of the asked question */
} answer_scan;

static unsigned pair_of(const char *s)
{
    return (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
}

static unsigned chain_of(unsigned pair)
{
    return (pair * 40503u) >> 8 & 255u;
}

static int scan_add(answer_scan *sc, const char *text, size_t len, size_t word)
{
    if (WD_GROW(sc->n, sc->cap, sc->nn + 1, 16) != WD_OK)
        return WD_ENOMEM;
    needle *nd = &sc->n[sc->nn++];
    *nd = (needle){ text, len, (uint32_t)word, 0 };
    if (len < 2 || ((unsigned char)text[0] & 0xC0) == 0x80) {
        sc->alone[sc->nalone++] = (uint32_t)(sc->nn - 1);
        return WD_OK;
    }
    unsigned pair = pair_of(text);
    sc->pairs[pair / 64] |= (uint64_t)1 << (pair % 64);
    nd->next = sc->chain[chain_of(pair)];
    sc->chain[chain_of(pair)] = (uint32_t)sc->nn;
    return WD_OK;
}

static void scan_free(answer_scan *sc)
{
    if (!sc)
        return;
    wd_free(sc->n);
    wd_free(sc->alone);
    wd_free(sc->found);
    wd_free(sc);
}

/* The needles of the asked question's whole words: *out is new. */
static int scan_new(wd_run *r, answer_scan **out)
{
    size_t needles = 0;
    for (size_t i = 0; i < r->q.n; i++)
        if (r->q.w[i].kind == WD_QK_WORD)
            needles += 1 + r->q.w[i].nsyn;
    needles += r->nlongs;
    answer_scan *sc = wd_calloc(1, sizeof *sc);
    int rc = sc && (sc->alone = wd_malloc((needles ? needles : 1) * sizeof *sc->alone)) &&
                     (sc->found = wd_malloc(r->q.n ? r->q.n : 1))
                 ? WD_OK
                 : WD_ENOMEM;
    for (size_t i = 0; rc == WD_OK && i < r->q.n; i++) {
        const wd_qword *w = &r->q.w[i];
        if (w->kind != WD_QK_WORD)
            continue;
        rc = scan_add(sc, w->text, w->len, i);
        for (size_t y = 0; rc == WD_OK && y < w->nsyn; y++)
            rc = scan_add(sc, w->syns[y], strlen(w->syns[y]), i);
    }
    /* the long forms the match used stand for their asked words */
    for (size_t k = 0; rc == WD_OK && k < r->nlongs; k++)
        rc = scan_add(sc, r->longs[k].text, strlen(r->longs[k].text), r->longs[k].word);
    if (rc != WD_OK) {
        scan_free(sc);
        sc = NULL;
    }
    *out = sc;
    return rc;
}

/* Whether a chained needle may start at byte p of an answer (p + 1 < nlen):
 * its first two bytes are those of one. */
static int pair_may_start(const answer_scan *sc, const char *norm, size_t p)
{
    unsigned pair = pair_of(norm + p);
    return sc->pairs[pair / 64] >> (pair % 64) & 1;
}

/* The chained needles that start at byte p of an answer, marked found. */
static void needles_at(answer_scan *sc, const char *norm, size_t nlen, size_t p)
{
    for (uint32_t at = sc->chain[chain_of(pair_of(norm + p))]; at; at = sc->n[at - 1].next) {
        const needle *nd = &sc->n[at - 1];
        if (!sc->found[nd->word] && nd->len <= nlen - p && memcmp(norm + p, nd->text, nd->len) == 0)
            sc->found[nd->word] = 1;
    }
}

/* Of the eight bytes at s, those that start a character (no continuation
 * byte, 10xxxxxx): the top bit of each such byte, byte k at bits 8k..8k+7. */
static uint64_t char_starts(const char *s)
{
    uint64_t v;
    memcpy(&v, s, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    const uint64_t high = 0x8080808080808080u, low = 0x7F7F7F7F7F7F7F7Fu;
    uint64_t x = (v & 0xC0C0C0C0C0C0C0C0u) ^ high; /* 0 in a continuation byte */
    return (((x & low) + low) | x) & high;         /* the top bit of each byte not 0 */
}

/* How much of the asked question's content (IDF-weighted, synonyms counted)
 * occurs in a record's answer: the normalised answer is searched for each
 * word as a substring, which is cheap next to segmenting it. */
static double answer_coverage(wd_run *r, answer_scan *sc, wd_rec *rec)
{
    size_t nlen = 0;
    const char *norm = wd_rec_answer_norm(r->recs, r->s->an, rec, &nlen);
    if (!norm)
        return 0;
    memset(sc->found, 0, r->q.n);
    for (size_t k = 0; k < sc->nalone; k++) {
        const needle *nd = &sc->n[sc->alone[k]];
        if (!sc->found[nd->word] && contains(norm, nlen, nd->text, nd->len))
            sc->found[nd->word] = 1;
    }
    /* Inside a character the chained needles start none: eight bytes at a
     * time, the places where characters start are tried, then the last few
     * one by one. */
    size_t p = 0;
    for (; p + 9 <= nlen; p += 8) {
        for (uint64_t starts = char_starts(norm + p); starts; starts &= starts - 1) {
            size_t at = p + (size_t)__builtin_ctzll(starts) / 8;
            if (pair_may_start(sc, norm, at))
                needles_at(sc, norm, nlen, at);
        }
    }
    for (; p + 1 < nlen; p++)
        if (((unsigned char)norm[p] & 0xC0) != 0x80 && pair_may_start(sc, norm, p))
            needles_at(sc, norm, nlen, p);
    double found = 0;
    for (size_t i = 0; i < r->q.n; i++)
        if (r->q.w[i].kind == WD_QK_WORD && sc->found[i])
            found += r->aidf[i];
    return r->atotal > 0 ? found / r->atotal : 0;
}

/* An earlier candidate with the same question (which_q) or answer text:
 * corpora repeat questions and answers (FAQ variants, records imported
 * twice), and both re-ranking signals depend on nothing but the text, so
 * they are computed once per distinct text. NULL when there is none. */
static const wd_cand *same_text(const wd_cand *cands, uint32_t n, const wd_cand *c, int which_q)
{
    const wd_rec *r = c->rec;
    for (uint32_t i = 0; i < n; i++) {
        const wd_rec *o = cands[i].rec;
        if (which_q ? wd_rec_same_question(o, r) : wd_rec_same_answer(o, r))
            return &cands[i];
    }
    return NULL;
}

static int cand_cmp(const void *a, const void *b)
{
    const wd_cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->rec->rec.id, y->rec->rec.id);
}

static int hand_cmp(const void *a, const void *b)
{
    const wd_cand *x = a, *y = b;
    if (x->hand != y->hand)
        return x->hand > y->hand ? -1 : 1;
    return strcmp(x->rec->rec.id, y->rec->rec.id);
}

/* ---- the stage ---------------------------------------------------------------------- */

int wd_run_rerank(wd_run *r, wd_error *err)
{
    const wd_tuning *t = &r->t;
    r->nc = xc_mset_size(r->m);
    r->c = wd_calloc(r->nc ? r->nc : 1, sizeof *r->c);
    wd_overlap_query oq;
    memset(&oq, 0, sizeof oq);
    answer_scan *sc = NULL;
    if (!r->c || run_idf(r, &r->q, &r->idf) != WD_OK ||
        (t->answer_cover_share > 0 && (answer_idf(r) != WD_OK || scan_new(r, &sc) != WD_OK)) ||
        wd_overlap_query_init(&oq, &r->q, r->idf, t->particle_weight, t->subword_weight) != WD_OK) {
        scan_free(sc);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    double top = r->nc ? xc_mset_weight(r->m, 0) : 1;
    if (top <= 0)
        top = 1;
    r->top = top;
    int rc = WD_OK;
    for (uint32_t i = 0; rc == WD_OK && i < r->nc; i++) {
        wd_cand *c = &r->c[i];
        c->mset_index = i;
        c->same = c->conf = -1;
        c->bm25 = xc_mset_weight(r->m, i);
        /* Records whose weights differ only by the rounding of a sum (an index
         * and its shards add the same terms in another order) share a place,
         * so the ranking cannot tell an index from its shards. */
        c->bm25_place =
            i && r->c[i - 1].bm25 - c->bm25 <= 1e-9 * c->bm25 ? r->c[i - 1].bm25_place : i;
        mset_data d = { r->m, i };
        rc = wd_reccache_get(r->recs, xc_mset_docid(r->m, i), read_data, &d, &c->rec, err);
        if (rc != WD_OK)
            break;
        const wd_cand *sq = same_text(r->c, i, c, 1);
        const wd_cand *sa = t->answer_cover_share > 0 ? same_text(r->c, i, c, 0) : NULL;
        /* The record whose question was analysed: a twin's is not. */
        const wd_rec *qrec = sq ? sq->rec : c->rec;
        if (sq) {
            c->sim = sq->sim;
        } else {
            rc = rec_analyse(r, c->rec, i, err);
            if (rc != WD_OK)
                break;
            c->sim = wd_question_overlap(&oq, &c->rec->q, c->rec->idf);
        }
        c->cover = sa ? sa->cover : t->answer_cover_share > 0 ? answer_coverage(r, sc, c->rec) : 0;
        /* The answer's coverage matters where the questions differ. */
        double ac = c->cover * (1 - c->sim);
        double rr = t->question_similarity_share, ra = t->answer_cover_share;
        c->hand = (1 - rr - ra) * c->bm25 / top + rr * c->sim + ra * ac;
        /* A record that only knows the question answers less than one that answers it. */
        if (c->rec->rec.kind == WD_KIND_QUESTION)
            c->hand *= t->question_only_factor;
        /* Policy differs by place: an answer for another city does not answer. */
        c->place = wd_placeset_relation(&r->q.places, &qrec->q.places);
        if (c->place > 0)
            c->hand *= 1 + t->place_match_boost;
        else if (c->place < 0)
            c->hand *= 1 - t->place_mismatch_cut;
        c->score = c->hand;
    }
    wd_overlap_query_free(&oq);
    scan_free(sc);
    if (rc != WD_OK)
        return rc;
    /* The hand-set mix's order first (BM25's when it is off): the confidence
     * reads the candidates in it. */
    if (t->question_similarity_share > 0 || t->learned_ranking > 0)
        qsort(r->c, r->nc, sizeof *r->c, hand_cmp);
    for (uint32_t i = 0; i < r->nc; i++)
        r->c[i].hand_rank = i;
    wd_free(r->by_hand);
    if (!(r->by_hand = wd_malloc((r->nc ? r->nc : 1) * sizeof *r->by_hand)))
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    /* Then the fitted model over these and what each record holds of the
     * question orders the page. */
    uint32_t depth = t->learned_ranking > 0 ? (uint32_t)t->learned_depth : 0;
    for (uint32_t i = 0; rc == WD_OK && depth && i < r->nc; i++) {
        if (i >= depth) { /* after the learned ones, in the mix's order */
            r->c[i].score = r->c[i].hand - 1e9;
            continue;
        }
        double f[WD_RANK_NFEATURES];
        rc = wd_rank_features(r, i, f, err);
        if (rc != WD_OK)
            break;
        /* Policy by place stays a rule, as in the mix: the judged questions
         * seldom name two places, so the model cannot learn it. */
        wd_cand *c = &r->c[i];
        c->score = wd_rank_predict(f, NULL);
        if (c->place > 0)
            c->score *= 1 + t->place_match_boost;
        else if (c->place < 0)
            c->score *= 1 - t->place_mismatch_cut;
    }
    if (rc != WD_OK)
        return rc;
    if (depth)
        qsort(r->c, r->nc, sizeof *r->c, cand_cmp);
    wd_run_moved(r);
    return WD_OK;
}
