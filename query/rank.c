/*
 * rank.c - the learned ranking's features and score (rank.h).
 */
#include <math.h>
#include <string.h>

#include "confidence.h"
#include "logit.h"
#include "rank.h"

static const char *const NAMES[WD_RANK_NFEATURES] = {
    "bm25",             /* its BM25 weight over the best one's */
    "question_overlap", /* the re-ranking's question overlap (similarity.h) */
    "answer_cover",     /* share of the asked content its answer holds */
    "answer_adds",      /* answer_cover where the questions differ: cover x (1 - overlap) */
    "question_only",    /* the record knows a question but has no answer */
    "place",            /* 1 the same place (or province), -1 only other places, 0 none */
    "hand",             /* the hand-set mix of the above (the prior the model corrects) */
    "same_question",    /* wd_conf_match's: the same-question confidence */
    "by_question",      /* share of the asked weight the record's question holds */
    "rare_by_question", /* share of the asked words' rarity it holds */
    "rec_miss_share",   /* share of the record question's rarity the asked one lacks */
    "miss_rare_share",  /* share of the asked rarity neither question nor answer holds */
    "by_record",        /* share of the asked weight question or answer holds */
    "record_cover",     /* share of the record question's weight the asked one holds */
    "record_asks",      /* its question asks something (not a title) */
    "match_rank",       /* log2(2 + its place in the BM25 match, near-equal weights tied) */
    /* where the signals agree (a linear model cannot see "all of them at once") */
    "same_x_covered", /* same_question x by_question */
    "overlap_sq",     /* question_overlap squared: a near-identical question stands out */
    "bm25_x_overlap", /* bm25 x question_overlap */
    "all_held",       /* by_question x (1 - miss_rare_share) x (1 - rec_miss_share) */
};

const char *wd_rank_feature_name(int i)
{
    return i >= 0 && i < WD_RANK_NFEATURES ? NAMES[i] : "?";
}

int wd_rank_features(wd_run *r, uint32_t i, double f[WD_RANK_NFEATURES], wd_error *err)
{
    const wd_cand *c = &r->c[i];
    const double *t;
    int rc = wd_conf_match(r, i, &t, err);
    if (rc != WD_OK)
        return rc;
    f[0] = r->top > 0 ? c->bm25 / r->top : 0;
    f[1] = c->sim;
    f[2] = c->cover;
    f[3] = c->cover * (1 - c->sim);
    f[4] = c->rec->rec.kind == WD_KIND_QUESTION;
    f[5] = c->place;
    f[6] = c->hand;
    for (int k = 0; k < WD_CONF_NMATCH; k++)
        f[7 + k] = t[k];
    f[15] = log2(2.0 + c->bm25_place);
    f[16] = f[7] * f[8];
    f[17] = f[1] * f[1];
    f[18] = f[0] * f[1];
    f[19] = f[8] * (1 - f[11]) * (1 - f[10]);
    return WD_OK;
}

double wd_rank_predict(const double f[WD_RANK_NFEATURES], const double *coef)
{
    return wd_logistic(f, WD_RANK_NFEATURES, wd_rank_mean, wd_rank_scale,
                       coef ? coef : wd_rank_coef);
}

_Static_assert(WD_HIT_NRANK_FEATURES == WD_RANK_NFEATURES, "hits carry every ranking feature");
