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

/* The fitted model (confidence_model.c): means and scales of each feature,
 * the weights over the standardised features, the intercept last. */
extern const double wd_conf_mean[WD_CONF_NFEATURES];
extern const double wd_conf_scale[WD_CONF_NFEATURES];
extern const double wd_conf_coef[WD_CONF_NFEATURES + 1];
/* The built-in thresholds (wd_calibration_builtin), chosen with the model. */
extern const double wd_conf_covered_at;
extern const double wd_conf_partial_at;

#endif
