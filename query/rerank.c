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

#include "rank.h"
#include "searcher.h"

/* ---- what a candidate needs, made once per record ------------------------------- */

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
    if (rc == WD_OK && wd_run_idf(r, &rec->q, &rec->idf) != WD_OK)
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

const char *wd_run_answer_norm(wd_run *r, wd_rec *rec, size_t *len)
{
    const char *answer = rec->rec.answer;
    if (!*answer)
        return NULL;
    if (!rec->normalised) { /* a failure is tried again next time */
        if (wd_normalize(r->s->an, answer, strlen(answer), &rec->norm, &rec->nlen, NULL) != WD_OK) {
            wd_free(rec->norm);
            rec->norm = NULL;
            return NULL;
        }
        rec->normalised = 1;
        wd_reccache_charge(r->recs, rec, rec->nlen);
    }
    *len = rec->nlen;
    return rec->norm;
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
        r->aidf[i] =
            wd_idf_bm25(r->stats->ndocs, wd_termstats_df(r->stats, r->s->db, "", w->text, w->len));
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

/* How much of the asked question's content (IDF-weighted, synonyms counted)
 * occurs in a record's answer: the normalised answer is searched for each
 * word as a substring, which is cheap next to segmenting it. */
static double answer_coverage(wd_run *r, wd_rec *rec)
{
    size_t nlen = 0;
    const char *norm = wd_run_answer_norm(r, rec, &nlen);
    if (!norm)
        return 0;
    double found = 0;
    for (size_t i = 0; i < r->q.n; i++) {
        const wd_qword *w = &r->q.w[i];
        if (w->kind != WD_QK_WORD)
            continue;
        int hit = contains(norm, nlen, w->text, w->len);
        for (size_t y = 0; !hit && y < w->nsyn; y++)
            hit = contains(norm, nlen, w->syns[y], strlen(w->syns[y]));
        if (hit)
            found += r->aidf[i];
    }
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
    if (!r->c || wd_run_idf(r, &r->q, &r->idf) != WD_OK ||
        (t->answer_cover_share > 0 && answer_idf(r) != WD_OK) ||
        wd_overlap_query_init(&oq, &r->q, r->idf, t->particle_weight, t->subword_weight) != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
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
        c->cover = sa ? sa->cover : t->answer_cover_share > 0 ? answer_coverage(r, c->rec) : 0;
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
