/*
 * rank.h - private to query/: the learned ranking of the re-ranked
 * candidates.
 *
 * The re-ranking (rerank.c) reads each candidate of the top of the match:
 * its BM25 weight, how alike its question is to the asked one, how much of
 * the asked question its answer holds, its kind and places. Instead of a
 * hand-set mix of them, a linear model fitted on judged questions of three
 * knowledge bases weighs them, together with what the record holds of the
 * asked question (the text features the answer confidence reads too,
 * wd_conf_match: one extraction for both) and the hand-set mix itself as
 * a prior. The weights are generated into rank_model.c by `wenda-rank fit`
 * (tools/eval/rank_main.c) from dev splits only, pairwise: a record that
 * answers should score above one that does not, each question and each
 * base weighing the same.
 *
 * Every feature is a share, a probability, a sign or a log rank, so the
 * model reads the same on any base; the score is the logistic function of
 * the linear one, in (0, 1), which the re-ranking then scales by the place
 * rule (rerank.c). Its differences order one question's candidates and mean
 * nothing from one question to the next: the answer confidence reads the
 * candidates in the hand-set mix's order instead (searcher.h, by_hand).
 */
#ifndef WENDA_QUERY_RANK_H
#define WENDA_QUERY_RANK_H

#include "searcher.h"

#define WD_RANK_NFEATURES 20

/* The name of feature i ("?" out of range). */
const char *wd_rank_feature_name(int i);

/* The features of candidate i of a run whose re-ranking has filled its
 * bm25, sim, cover, place and hand values. WD_ENOMEM (the text features'
 * views are made on demand). */
int wd_rank_features(wd_run *r, uint32_t i, double f[WD_RANK_NFEATURES], wd_error *err);

/* The score from features: coef NULL = the fitted model (WD_RANK_NFEATURES
 * weights over standardised features, the intercept last). */
double wd_rank_predict(const double f[WD_RANK_NFEATURES], const double *coef);

/* The fitted model (rank_model.c). */
extern const double wd_rank_mean[WD_RANK_NFEATURES];
extern const double wd_rank_scale[WD_RANK_NFEATURES];
extern const double wd_rank_coef[WD_RANK_NFEATURES + 1];

#endif
