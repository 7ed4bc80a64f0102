/*
 * metrics.h - private to tools/eval: the evaluation metrics as small pure
 * functions over plain arrays, so the runner, the tests and later the
 * coverage work compute every figure the same way.
 *
 * Rank metrics take, per query, the 1-based rank of the first relevant hit
 * (0 = no relevant hit in the list). Graded metrics take, per query, the
 * grades of the ranked hits in rank order (0 = not relevant or unjudged)
 * and, for the ideal ordering, the grades of the judged list. Span metrics
 * take word spans as [start, end) offsets, sorted by (start, end). The
 * classification metrics take scores with 0/1 labels.
 *
 * Conventions: an average over zero queries is 0 (callers report the
 * count next to it); k = 0 means "no cut-off" nowhere: a cut-off of 0
 * gives 0. Nothing here allocates except the two functions that sort
 * (wd_metric_roc_auc, wd_metric_best_f1), which say so.
 *
 * Thread safety: all functions are reentrant.
 */
#ifndef WENDA_EVAL_METRICS_H
#define WENDA_EVAL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/error.h"

/* ---- rank metrics over a query set ------------------------------------------ */

/* Share of queries whose first relevant hit is at rank 1..k. */
double wd_metric_recall_at(const uint32_t *ranks, size_t n, uint32_t k);
/* Mean reciprocal rank, counting only first hits at rank 1..k (others 0). */
double wd_metric_mrr_at(const uint32_t *ranks, size_t n, uint32_t k);

/* ---- graded metrics for one query ------------------------------------------- */

/* DCG of the first k grades: sum of (2^g - 1) / log2(i + 1), i 1-based.
 * Negative grades count as 0. */
double wd_metric_dcg_at(const int *grades, size_t n, uint32_t k);
/* nDCG@k: DCG of the ranked grades over the DCG of the judged grades in
 * descending order (the ideal ranking). 0 when the ideal DCG is 0. */
double wd_metric_ndcg_at(const int *ranked, size_t n_ranked, const int *judged, size_t n_judged,
                         uint32_t k);
/* Reciprocal rank of the first hit in the top k with grade >= min_grade;
 * 0 when there is none. */
double wd_metric_rr_at(const int *ranked, size_t n, int min_grade, uint32_t k);
/* Hits with grade >= min_grade among the top k, over k (P@k). A list
 * shorter than k counts the missing places as misses. */
double wd_metric_precision_at(const int *ranked, size_t n, int min_grade, uint32_t k);
/* Hits with grade >= min_grade among the top k, over n_relevant (the
 * number of judged records with that grade). 0 when n_relevant is 0. */
double wd_metric_recall_graded_at(const int *ranked, size_t n, int min_grade, size_t n_relevant,
                                  uint32_t k);
/* Judged records with grade >= min_grade. */
size_t wd_metric_count_graded(const int *judged, size_t n, int min_grade);

/* ---- word spans --------------------------------------------------------------- */

typedef struct wd_span {
    size_t start; /* offset of the first unit (character) */
    size_t end;   /* just past the last */
} wd_span;

/* Number of spans present in both lists (same start and end). Both lists
 * must be sorted by (start, end); duplicates match at most once each.
 * `gold_matched` (may be NULL) receives, per gold span, 1 when matched. */
size_t wd_metric_span_matches(const wd_span *gold, size_t n_gold, const wd_span *pred,
                              size_t n_pred, unsigned char *gold_matched);

typedef struct wd_prf {
    double precision;
    double recall;
    double f1;
} wd_prf;

/* Precision = correct / predicted, recall = correct / gold, F1 their
 * harmonic mean; each is 0 when its denominator is 0. */
wd_prf wd_metric_prf(size_t correct, size_t predicted, size_t gold);

/* ---- scores against binary labels ------------------------------------------ */

/* ROC AUC: the probability that a random positive scores above a random
 * negative, ties counting one half (the Mann-Whitney statistic). labels[i]
 * non-zero = positive. Sorts a copy (allocates n indices). WD_EINVAL when
 * there is no positive or no negative, WD_ENOMEM. */
int wd_metric_roc_auc(const double *scores, const int *labels, size_t n, double *out,
                      wd_error *err);
/* P/R/F1 of the positive class when "score >= threshold" predicts positive. */
wd_prf wd_metric_prf_at_threshold(const double *scores, const int *labels, size_t n,
                                  double threshold);
/* The threshold (one of the scores) with the best F1 at that threshold,
 * the highest such one on ties (fewest false positives); *prf its P/R/F1. Allocates n indices.
 * WD_EINVAL when there is no positive, WD_ENOMEM. */
int wd_metric_best_f1(const double *scores, const int *labels, size_t n, double *threshold,
                      wd_prf *prf, wd_error *err);

#endif
