/*
 * confidence.h - private to query/: the answer confidence of a hit, the
 * estimated probability that the record answers the asked question.
 *
 * It is computed by the searcher for every candidate it judges, from
 * features that mean the same on any knowledge base: how much of the
 * question's informative weight the record's question and its answer
 * account for, the words neither holds and how rare they are in general
 * Chinese (wd_dict_general_logp, a background model no knowledge base
 * changes), the same-question confidence of the two questions, what each
 * asks (kind, negation, numbers), the places both name, and where the
 * record stands among the candidates (its score, the gap to the others). A
 * logistic model maps them to a probability; its weights were fitted on
 * the development splits of three knowledge bases by `wenda-confidence
 * fit` (tools/eval/confidence_main.c) and are generated into
 * confidence_model.c.
 *
 * Thread safety: as the run's.
 */
#ifndef WENDA_QUERY_CONFIDENCE_H
#define WENDA_QUERY_CONFIDENCE_H

#include "searcher.h"

#define WD_CONF_NFEATURES 20

/* The name of feature i ("?" out of range). */
const char *wd_conf_feature_name(int i);

/* What candidate i's record holds of the asked question, and the reverse:
 * the features that depend on the two texts alone (not on the candidate's
 * place among the others), indexed by WD_CM_*. Made once per candidate and
 * kept in it (*out is borrowed from it); the learned ranking (rank.h) reads
 * them for every candidate, the confidence for the ones it judges. */
enum {
    WD_CM_SAME,             /* the same-question confidence of the two questions */
    WD_CM_BY_QUESTION,      /* share of the asked weight the record's question holds */
    WD_CM_RARE_BY_QUESTION, /* share of the asked words' general-language rarity it holds */
    WD_CM_REC_MISS,         /* share of the record question's rarity the asked one lacks */
    WD_CM_MISS_RARE,        /* share of the asked rarity neither question nor answer holds */
    WD_CM_BY_RECORD,        /* share of the asked weight question or answer holds */
    WD_CM_RECORD_COVER,     /* share of the record question's weight the asked one holds */
    WD_CM_ASKS,             /* 1: the record's question asks something (not a title) */
    WD_CM_N
};
_Static_assert(WD_CM_N == WD_CONF_NMATCH, "wd_cand.match holds every feature");
int wd_conf_match(wd_run *r, uint32_t i, const double **out, wd_error *err);

/* The features of candidate i of a re-ranked run (the views it needs are
 * made on demand and kept: the asked question's in the run, a record's in
 * the record cache). WD_ENOMEM. */
int wd_conf_features(wd_run *r, uint32_t i, double f[WD_CONF_NFEATURES], wd_error *err);

/* The probability from features, by the fitted model (coef NULL) or by
 * coefficients given as WD_CONF_NFEATURES weights and the intercept last,
 * over standardised features (the model's means and scales). */
double wd_conf_predict(const double f[WD_CONF_NFEATURES], const double *coef);

/* The confidence of candidate i (wd_conf_features, then wd_conf_predict),
 * kept in the candidate after the first call. */
int wd_conf_of(wd_run *r, uint32_t i, double *out, wd_error *err);

/* The views the confidence reads, made on demand (borrowed; NULL and err
 * set on failure): the asked question's, and candidate i's question and
 * answer. */
const wd_sim_text *wd_conf_asked(wd_run *r, wd_error *err);
const wd_sim_text *wd_conf_question(wd_run *r, uint32_t i, wd_error *err);

/* The fitted model (confidence_model.c): means and scales of each feature,
 * the weights over the standardised features, the intercept last. */
extern const double wd_conf_mean[WD_CONF_NFEATURES];
extern const double wd_conf_scale[WD_CONF_NFEATURES];
extern const double wd_conf_coef[WD_CONF_NFEATURES + 1];
/* The built-in thresholds (wd_calibration_builtin), chosen with the model. */
extern const double wd_conf_covered_at;
extern const double wd_conf_partial_at;

#endif
