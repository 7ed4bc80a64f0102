/*
 * metrics.c - the evaluation metrics: rank metrics (recall@k, MRR@k), graded
 * metrics for one query (DCG/nDCG@k with gains 2^g - 1 and a log2(i + 1)
 * discount, reciprocal rank, P@k, graded recall), exact span matching for
 * segmentation P/R/F1, and ROC AUC / F1 at a threshold for score
 * calibration. Everything is a pure function of its arrays; the ideal DCG is
 * found without sorting (by walking the distinct grades from the top), and
 * only the two classification sweeps allocate an index array to sort.
 */
#include <math.h>
#include <stdlib.h>

#include "metrics.h"

/* ---- rank metrics ---------------------------------------------------------- */

double wd_metric_recall_at(const uint32_t *ranks, size_t n, uint32_t k)
{
    if (n == 0)
        return 0.0;
    size_t hit = 0;
    for (size_t i = 0; i < n; i++)
        if (ranks[i] >= 1 && ranks[i] <= k)
            hit++;
    return (double)hit / (double)n;
}

double wd_metric_mrr_at(const uint32_t *ranks, size_t n, uint32_t k)
{
    if (n == 0)
        return 0.0;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        if (ranks[i] >= 1 && ranks[i] <= k)
            sum += 1.0 / (double)ranks[i];
    return sum / (double)n;
}

/* ---- graded metrics ---------------------------------------------------------- */

static double gain(int g)
{
    return g > 0 ? ldexp(1.0, g) - 1.0 : 0.0;
}

static double discount(size_t rank1)
{
    return log2((double)rank1 + 1.0);
}

double wd_metric_dcg_at(const int *grades, size_t n, uint32_t k)
{
    double dcg = 0.0;
    for (size_t i = 0; i < n && i < k; i++)
        dcg += gain(grades[i]) / discount(i + 1);
    return dcg;
}

/* DCG of the judged grades sorted in descending order, cut at k: walk the
 * distinct positive grades from the highest down, placing each one's
 * copies in the next free ranks. */
static double ideal_dcg_at(const int *judged, size_t n, uint32_t k)
{
    double dcg = 0.0;
    size_t placed = 0;
    int below = 0, first = 1; /* grades still to place are < below */
    for (;;) {
        int best = 0;
        for (size_t i = 0; i < n; i++)
            if (judged[i] > best && (first || judged[i] < below))
                best = judged[i];
        if (best <= 0)
            break;
        for (size_t i = 0; i < n && placed < k; i++)
            if (judged[i] == best)
                dcg += gain(best) / discount(++placed);
        if (placed >= k)
            break;
        below = best;
        first = 0;
    }
    return dcg;
}

double wd_metric_ndcg_at(const int *ranked, size_t n_ranked, const int *judged, size_t n_judged,
                         uint32_t k)
{
    double ideal = ideal_dcg_at(judged, n_judged, k);
    if (ideal <= 0.0)
        return 0.0;
    return wd_metric_dcg_at(ranked, n_ranked, k) / ideal;
}

double wd_metric_rr_at(const int *ranked, size_t n, int min_grade, uint32_t k)
{
    for (size_t i = 0; i < n && i < k; i++)
        if (ranked[i] >= min_grade)
            return 1.0 / (double)(i + 1);
    return 0.0;
}

static size_t hits_at(const int *ranked, size_t n, int min_grade, uint32_t k)
{
    size_t hit = 0;
    for (size_t i = 0; i < n && i < k; i++)
        if (ranked[i] >= min_grade)
            hit++;
    return hit;
}

double wd_metric_precision_at(const int *ranked, size_t n, int min_grade, uint32_t k)
{
    if (k == 0)
        return 0.0;
    return (double)hits_at(ranked, n, min_grade, k) / (double)k;
}

double wd_metric_recall_graded_at(const int *ranked, size_t n, int min_grade, size_t n_relevant,
                                  uint32_t k)
{
    if (n_relevant == 0)
        return 0.0;
    return (double)hits_at(ranked, n, min_grade, k) / (double)n_relevant;
}

size_t wd_metric_count_graded(const int *judged, size_t n, int min_grade)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (judged[i] >= min_grade)
            c++;
    return c;
}

/* ---- spans -------------------------------------------------------------------- */

static int span_cmp(const wd_span *a, const wd_span *b)
{
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return 0;
}

size_t wd_metric_span_matches(const wd_span *gold, size_t n_gold, const wd_span *pred,
                              size_t n_pred, unsigned char *gold_matched)
{
    size_t i = 0, j = 0, m = 0;
    if (gold_matched)
        for (size_t g = 0; g < n_gold; g++)
            gold_matched[g] = 0;
    while (i < n_gold && j < n_pred) {
        int c = span_cmp(&gold[i], &pred[j]);
        if (c == 0) {
            if (gold_matched)
                gold_matched[i] = 1;
            m++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    return m;
}

wd_prf wd_metric_prf(size_t correct, size_t predicted, size_t gold)
{
    wd_prf r = { 0.0, 0.0, 0.0 };
    if (predicted)
        r.precision = (double)correct / (double)predicted;
    if (gold)
        r.recall = (double)correct / (double)gold;
    if (r.precision + r.recall > 0.0)
        r.f1 = 2.0 * r.precision * r.recall / (r.precision + r.recall);
    return r;
}

/* ---- scores against labels ------------------------------------------------------- */

typedef struct scored {
    double score;
    int positive;
} scored;

/* Descending by score; positives first among equal scores is irrelevant
 * to the callers, which treat a run of equal scores as one block. */
static int scored_desc(const void *a, const void *b)
{
    double x = ((const scored *)a)->score, y = ((const scored *)b)->score;
    return x > y ? -1 : x < y ? 1 : 0;
}

static scored *sorted_copy(const double *scores, const int *labels, size_t n, wd_error *err)
{
    scored *s = wd_malloc((n ? n : 1) * sizeof *s);
    if (!s) {
        wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        s[i] = (scored){ scores[i], labels[i] != 0 };
    qsort(s, n, sizeof *s, scored_desc);
    return s;
}

int wd_metric_roc_auc(const double *scores, const int *labels, size_t n, double *out, wd_error *err)
{
    *out = 0.0;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += labels[i] != 0;
    size_t neg = n - pos;
    if (pos == 0 || neg == 0)
        return wd_error_set(err, WD_EINVAL, "eval",
                            "ROC AUC needs positives and negatives (have %zu and %zu)", pos, neg);
    scored *s = sorted_copy(scores, labels, n, err);
    if (!s)
        return WD_ENOMEM;
    /* Walk blocks of equal scores from the top: every positive in a block
     * beats the negatives below it and ties half of those in the block. */
    double wins = 0.0;
    size_t neg_below = neg;
    for (size_t i = 0; i < n;) {
        size_t j = i, bp = 0, bn = 0;
        while (j < n && s[j].score == s[i].score) {
            if (s[j].positive)
                bp++;
            else
                bn++;
            j++;
        }
        neg_below -= bn;
        wins += (double)bp * ((double)neg_below + 0.5 * (double)bn);
        i = j;
    }
    wd_free(s);
    *out = wins / ((double)pos * (double)neg);
    return WD_OK;
}

wd_prf wd_metric_prf_at_threshold(const double *scores, const int *labels, size_t n,
                                  double threshold)
{
    size_t tp = 0, predicted = 0, gold = 0;
    for (size_t i = 0; i < n; i++) {
        int p = scores[i] >= threshold;
        predicted += p;
        gold += labels[i] != 0;
        tp += p && labels[i] != 0;
    }
    return wd_metric_prf(tp, predicted, gold);
}

int wd_metric_best_f1(const double *scores, const int *labels, size_t n, double *threshold,
                      wd_prf *prf, wd_error *err)
{
    *threshold = 0.0;
    *prf = (wd_prf){ 0.0, 0.0, 0.0 };
    size_t gold = 0;
    for (size_t i = 0; i < n; i++)
        gold += labels[i] != 0;
    if (gold == 0)
        return wd_error_set(err, WD_EINVAL, "eval", "F1 needs at least one positive");
    scored *s = sorted_copy(scores, labels, n, err);
    if (!s)
        return WD_ENOMEM;
    /* Lower the threshold one block of equal scores at a time; keep the
     * first (highest) threshold that reaches the best F1. */
    size_t tp = 0, predicted = 0;
    int have = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j].score == s[i].score) {
            tp += s[j].positive;
            predicted++;
            j++;
        }
        wd_prf r = wd_metric_prf(tp, predicted, gold);
        if (!have || r.f1 > prf->f1) {
            *prf = r;
            *threshold = s[i].score;
            have = 1;
        }
        i = j;
    }
    wd_free(s);
    return WD_OK;
}
