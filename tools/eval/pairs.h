/*
 * pairs.h - private to tools/: the same-question task of the evaluation.
 *
 * Labelled question pairs from the public data sets are scored with the
 * very confidence function `wenda coverage` uses (wd_similarity, IDF from
 * the set's own distinct questions: the set is the "knowledge base"), and
 * reported as ROC AUC and P/R/F1 at the default covered threshold.
 *
 *   tune  tianchi-ncov-medical-qpairs/train_20200228.utf8.csv, lcqmc/dev.txt,
 *         insurance-zhidao-faq/insurance_zhidao_rank/dev.txt
 *   test  tianchi-ncov-medical-qpairs/dev_20200228.utf8.csv,
 *         kuake-qqr/KUAKE-QQR_dev.json (label 2 = same), lcqmc/test.txt,
 *         insurance_zhidao_rank/test.txt
 *
 * A set whose file is missing is skipped with a note. Not thread safe (one
 * run at a time per dict); the report is a plain value.
 */
#ifndef WENDA_EVAL_PAIRS_H
#define WENDA_EVAL_PAIRS_H

#include <stddef.h>
#include <stdio.h>

#include "wenda/analyzer.h"
#include "wenda/coverage.h"
#include "wenda/error.h"

#define WD_PAIRS_NSETS 7

typedef struct wd_pairs_set {
    int ran;
    char name[24];  /* "tianchi", "lcqmc", "zhidao", "kuake" */
    char split[8];  /* "tune" | "test" */
    char file[128]; /* relative to the data directory */
    char note[256];
    size_t pairs, positives, skipped;
    double auc;                   /* of the confidence */
    double dice_auc;              /* of character-bigram Dice alone (the anchor) */
    double precision, recall, f1; /* at same_at */
    double best_f1, best_threshold;
} wd_pairs_set;

typedef struct wd_pairs_report {
    double same_at; /* the same-question threshold judged at */
    wd_pairs_set set[WD_PAIRS_NSETS];
    /* With fit: the refit coefficients (intercept last) and thresholds. */
    int fitted;
    double coef[WD_SIM_NFEATURES + 1];
    double fit_same_at;
} wd_pairs_report;

/* Run the same-question task over the sets in `data_dir` (the public data
 * folder). `fit` non-zero also refits the logistic model and the two
 * thresholds on the tuning splits (see pairs.c) and reports the test sets
 * with the refit model, so the output can be pasted into similarity.c.
 * `dict` is borrowed. WD_ENOMEM, WD_EFORMAT for unreadable data. */
int wd_eval_pairs(const char *data_dir, const wd_dict *dict, int fit, wd_pairs_report *out,
                  wd_error *err);

/* The same, and with `dump` = "NAME/SPLIT" (e.g. "kuake/test") every pair
 * of that set to `dump_to`, one a line: label, confidence, the features in
 * wd_sim_feature_name order, then the two questions, tab-separated (for
 * reading errors; `wenda-pairs --dump`). */
int wd_eval_pairs_dump(const char *data_dir, const wd_dict *dict, int fit, const char *dump,
                       FILE *dump_to, wd_pairs_report *out, wd_error *err);

/* The report as a Markdown table (BENCHMARKS.md). */
void wd_eval_pairs_print(const wd_pairs_report *r, FILE *to);

#endif
