/*
 * confidence.c - the answer confidence of a hit (confidence.h): its
 * features, and the fitted logistic model over them.
 *
 * Every feature is a share, a probability, a difference of such, a rank or
 * a short count, so that it reads the same on a knowledge base of a hundred
 * records and one of a million: no raw BM25 weight, no raw IDF.
 */
#include <math.h>
#include <string.h>

#include "confidence.h"
#include "logit.h"
#include "schema.h"

static const char *const NAMES[WD_CONF_NFEATURES] = {
    "same_question",    /* the same-question confidence of the two questions */
    "by_question",      /* share of the asked weight the record's question accounts for */
    "rare_by_question", /* share of the asked words' rarity (general Chinese) it holds */
    "rec_miss_share",   /* share of the record question's rarity the asked one lacks */
    "miss_rare_share",  /* share of the asked words' rarity neither question nor answer holds */
    "by_record",        /* share of the asked weight question or answer accounts for */
    "record_cover",     /* share of the record question's weight the asked one accounts for */
    "score",            /* the hand-set mix of the re-ranking's signals (rank.h) */
    "gap_next",         /* its mix less the next candidate's in the mix's order */
    "rank",             /* log2(1 + its rank in the mix's order) */
    "sq_lead",          /* its same-question confidence less the best other candidate's */
    "place",            /* 1 the same place (or province), -1 only other places, 0 none */
    "question_only",    /* the record knows a question but has no answer */
    /* where the signals agree (a linear model cannot see "all of them at once") */
    "same_x_covered",   /* same_question x by_question */
    "all_held",         /* by_question x (1 - miss_rare_share) x (1 - rec_miss_share) */
    "top_x_same",       /* the first candidate's same_question (0 for the others) */
    "record_holds_all", /* by_record x (1 - miss_rare_share) */
    /* the record's question: a question someone asked, or a title (a law's article) */
    "record_asks", /* 1 when the record's question asks something (吗, 怎么, ...) or ends in ? */
    "answer_carries",  /* by_record where the record's question is a title (else 0) */
    "question_misses", /* (1 - by_question) where the record's question is a question */
};

const char *wd_conf_feature_name(int i)
{
    return i >= 0 && i < WD_CONF_NFEATURES ? NAMES[i] : "?";
}

/* ---- the views ----------------------------------------------------------------------- */

/* The confidence's IDF of a word: the smoothed IDF of its question-field
 * frequency, from the searcher's statistics table. */
static double question_idf(void *ctx, const char *w, size_t len)
{
    wd_run *r = ctx;
    return wd_idf_smoothed(r->stats->ndocs,
                           wd_termstats_df(r->stats, r->s->db, WD_PREFIX_QUESTION, w, len));
}

const wd_sim_text *wd_conf_asked(wd_run *r, wd_error *err)
{
    if (!r->asked && wd_sim_text_build(&r->q, r->s->dict, question_idf, r, &r->asked, err) != WD_OK)
        return NULL;
    return r->asked;
}

/* The record whose question was analysed for candidate i: its own, or a
 * twin's (a record with the same question) when the re-ranking analysed
 * that one instead. */
static wd_rec *analysed_rec(wd_run *r, uint32_t i)
{
    wd_rec *rec = r->c[i].rec;
    for (uint32_t k = 0; !rec->analysed && k < r->nc; k++)
        if (r->c[k].rec->analysed && wd_rec_same_question(r->c[k].rec, rec))
            rec = r->c[k].rec;
    return rec->analysed ? rec : NULL;
}

const wd_sim_text *wd_conf_question(wd_run *r, uint32_t i, wd_error *err)
{
    wd_rec *rec = analysed_rec(r, i);
    if (!rec) {
        wd_error_set(err, WD_EINTERNAL, "search", "a candidate's question was not analysed");
        return NULL;
    }
    if (!rec->sim) {
        if (wd_sim_text_build(&rec->q, r->s->dict, question_idf, r, &rec->sim, err) != WD_OK)
            return NULL;
        wd_reccache_charge(r->recs, rec, wd_sim_text_bytes(rec->sim));
    }
    return rec->sim;
}

/* The answer's characters, for asking which asked words it holds; NULL
 * for an empty answer (not an error: *ok stays 1). */
static const wd_sim_text *answer_view(wd_run *r, uint32_t i, int *ok, wd_error *err)
{
    wd_rec *rec = r->c[i].rec;
    *ok = 1;
    if (rec->asim)
        return rec->asim;
    size_t nlen = 0;
    const char *norm = wd_rec_answer_norm(r->recs, r->s->an, rec, &nlen);
    if (!norm)
        return NULL;
    uint32_t *cps = wd_malloc((nlen + 1) * sizeof *cps);
    size_t n = 0;
    for (size_t k = 0; cps && k < nlen;) {
        size_t l = wd_utf8_decode(norm + k, nlen - k, &cps[n]);
        if (!l) {
            k++;
            continue;
        }
        n++;
        k += l;
    }
    if (!cps || wd_sim_text_holder(cps, n, &rec->asim) != WD_OK) {
        wd_free(cps);
        *ok = 0;
        wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        return NULL;
    }
    wd_free(cps);
    wd_reccache_charge(r->recs, rec, wd_sim_text_bytes(rec->asim));
    return rec->asim;
}

/* ---- the features -------------------------------------------------------------------- */

/* The same-question confidence of candidate i's question with the asked
 * one, kept in the candidate: every hit's features compare it with the
 * first WD_JUDGED candidates'. sf: the pair's features when the caller has
 * them (wd_sim_score_features), else NULL. */
static int same_of(wd_run *r, uint32_t i, const double *sf, double *out, wd_error *err)
{
    if (r->c[i].same < 0) {
        const wd_sim_text *asked = wd_conf_asked(r, err);
        const wd_sim_text *q = asked ? wd_conf_question(r, i, err) : NULL;
        if (!q)
            return err && err->code ? err->code : WD_ENOMEM;
        r->c[i].same = sf ? wd_sim_score_of(asked, q, sf) : wd_sim_score(asked, q);
    }
    *out = r->c[i].same;
    return WD_OK;
}

/* What candidate i's record holds of the asked question and the reverse:
 * the features that depend on the two texts alone, not on where the record
 * stands (made once per candidate and kept in it; the ranking reads them
 * for every candidate, the confidence for those it judges). */
int wd_conf_match(wd_run *r, uint32_t i, const double **out, wd_error *err)
{
    wd_cand *c = &r->c[i];
    if (!c->matched) {
        const wd_sim_text *asked = wd_conf_asked(r, err);
        const wd_sim_text *q = asked ? wd_conf_question(r, i, err) : NULL;
        int ok = 1;
        const wd_sim_text *a = q ? answer_view(r, i, &ok, err) : NULL;
        if (!asked || !q || !ok)
            return err && err->code ? err->code : WD_ENOMEM;
        double sf[WD_SIM_NFEATURES], same;
        wd_sim_score_features(asked, q, sf);
        if (same_of(r, i, sf, &same, err) != WD_OK)
            return err && err->code ? err->code : WD_ENOMEM;
        wd_sim_match m, back;
        wd_sim_match_record(asked, q, a, &m);
        wd_sim_match_record(q, asked, NULL, &back);
        const char *rq = c->rec->rec.question;
        size_t rl = strlen(rq);
        double *t = c->match;
        t[WD_CM_SAME] = same;
        t[WD_CM_BY_QUESTION] = m.by_question;
        t[WD_CM_RARE_BY_QUESTION] = m.rare_by_question;
        t[WD_CM_REC_MISS] = back.miss_rare_share;
        t[WD_CM_MISS_RARE] = m.miss_rare_share;
        t[WD_CM_BY_RECORD] = m.by_record;
        t[WD_CM_RECORD_COVER] = sf[1];
        t[WD_CM_ASKS] = wd_sim_text_asks(q) || (rl && rq[rl - 1] == '?') ||
                        (rl >= 3 && memcmp(rq + rl - 3, "\xEF\xBC\x9F", 3) == 0); /* ？ */
        c->matched = 1;
    }
    *out = c->match;
    return WD_OK;
}

int wd_conf_features(wd_run *r, uint32_t i, double f[WD_CONF_NFEATURES], wd_error *err)
{
    memset(f, 0, WD_CONF_NFEATURES * sizeof *f);
    const double *t;
    if (wd_conf_match(r, i, &t, err) != WD_OK)
        return err && err->code ? err->code : WD_ENOMEM;
    /* Where it stands among the candidates: in the hand-set mix's order, the
     * one the model was fitted on (searcher.h, by_hand). */
    const wd_cand *c = &r->c[i];
    const wd_rec *qrec = analysed_rec(r, i);
    uint32_t h = c->hand_rank;
    double same = t[WD_CM_SAME], other = 0;
    for (uint32_t k = 0; k < r->nc && k < WD_JUDGED; k++) {
        uint32_t o = wd_run_judged(r, k);
        double sk = 0;
        if (o != i && same_of(r, o, NULL, &sk, err) != WD_OK)
            return err && err->code ? err->code : WD_ENOMEM;
        if (o != i && sk > other)
            other = sk;
    }
    f[0] = same;
    f[1] = t[WD_CM_BY_QUESTION];
    f[2] = t[WD_CM_RARE_BY_QUESTION];
    f[3] = t[WD_CM_REC_MISS];
    f[4] = t[WD_CM_MISS_RARE];
    f[5] = t[WD_CM_BY_RECORD];
    f[6] = t[WD_CM_RECORD_COVER];
    f[7] = c->hand;
    f[8] = h + 1 < r->nc ? c->hand - r->c[wd_run_judged(r, h + 1)].hand : c->hand;
    f[9] = log2(2.0 + h);
    f[10] = same - other;
    f[11] = wd_placeset_relation(&r->q.places, &qrec->q.places);
    f[12] = c->rec->rec.kind == WD_KIND_QUESTION;
    f[13] = f[0] * f[1];
    f[14] = f[1] * (1 - f[4]) * (1 - f[3]);
    f[15] = h == 0 ? f[0] : 0;
    f[16] = f[5] * (1 - f[4]);
    int asks = t[WD_CM_ASKS] != 0;
    f[17] = asks;
    f[18] = asks ? 0 : f[5];
    f[19] = asks ? 1 - f[1] : 0;
    return WD_OK;
}

double wd_conf_predict(const double f[WD_CONF_NFEATURES], const double *coef)
{
    return wd_logistic(f, WD_CONF_NFEATURES, wd_conf_mean, wd_conf_scale,
                       coef ? coef : wd_conf_coef);
}

int wd_conf_of(wd_run *r, uint32_t i, double *out, wd_error *err)
{
    double f[WD_CONF_NFEATURES];
    *out = 0;
    if (r->c[i].conf < 0) {
        int rc = wd_conf_features(r, i, f, err);
        if (rc != WD_OK)
            return rc;
        r->c[i].conf = wd_conf_predict(f, NULL);
    }
    *out = r->c[i].conf;
    return WD_OK;
}
