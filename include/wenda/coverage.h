/*
 * wenda/coverage.h - does the knowledge base already answer this question?
 *
 * Two layers:
 *
 *   wd_sim       a same-question scorer for two texts, no index needed.
 *                It analyses both texts with the shared analyzer and turns
 *                what they share into a calibrated confidence in [0, 1]: the
 *                IDF-weighted share of each text's words the other accounts
 *                for (dictionary synonyms and segmentation differences
 *                included), character-bigram overlap, whether the two ask the
 *                same kind of question (多少钱 / 能不能 / 怎么办 / 什么时候 ...),
 *                negation and number mismatches. A logistic model fit on
 *                labelled question pairs (see similarity.c for the frozen
 *                coefficients and the command that refits them) maps these to
 *                a probability-like number that means the same thing across
 *                questions and corpora: about the share of such pairs that
 *                people labelled "the same question".
 *
 *   wd_coverage_check
 *                one question against an index: the searcher finds
 *                candidates and gives each the answer confidence of its
 *                hits (wd_hit.confidence: does this record answer the
 *                question? a model over what the record's question and
 *                answer hold of it, the same on any knowledge base); the
 *                best and runner-up by confidence decide the verdict at the
 *                searcher's calibrated thresholds. The searcher supplies
 *                everything: its index statistics for the IDF weights, the
 *                question and the records as it analysed them, the snippets.
 *
 * A standalone wd_sim takes its IDF weights from a table of texts it was
 * shown (wd_sim_learn), else from a fixed fallback by word class (particle,
 * single character, word).
 *
 * Version 0.2 (libwenda.so.0.2): wd_coverage_check takes no wd_sim (the
 * searcher scores), wd_coverage carries the asked question's analysed form,
 * wd_sim_open_idf is gone (it opened a second reader of the index), and
 * the verdict comes from the answer confidence at the calibration's
 * thresholds (WD_COVERED_AT and WD_PARTIAL_AT are gone).
 *
 * Thread safety: a wd_sim is per thread (it owns an analyzer); the wd_dict
 * it borrows may be shared. wd_coverage_check uses a searcher of the calling
 * thread.
 */
#ifndef WENDA_COVERAGE_H
#define WENDA_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/error.h"
#include "wenda/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Two questions are the same question at a wd_similarity confidence of
 * WD_SAME_QUESTION_AT and above: the best F1 on the tuning pairs
 * (`wenda eval --only pairs`). Grouping of coverage gaps joins at it. A
 * question's coverage is judged by other thresholds: the searcher's
 * calibration (wd_searcher_calibration, wenda/search.h). */
#define WD_SAME_QUESTION_AT 0.36

typedef struct wd_sim wd_sim;

/* A new scorer over `dict` (borrowed; must outlive it). *out is new, NULL on
 * failure (WD_EINVAL without dict, WD_ENOMEM, or the analyzer's error). */
int wd_sim_new(wd_sim **out, const wd_dict *dict, wd_error *err);
/* Frees the scorer. NULL is a no-op. */
void wd_sim_free(wd_sim *s);

/* Count `text` as one document of the scorer's own IDF table. WD_ENOMEM. */
int wd_sim_learn(wd_sim *s, const char *text, size_t len, wd_error *err);

/* The same-question confidence of two texts, in [0, 1]. Nearly symmetric:
 * the features mirror exactly, but how much of the first text the second
 * accounts for weighs a little more than the reverse (up to about 0.05 apart).
 * Empty or punctuation-only texts score 0. Returns WD_OK or the
 * analyzer's error (WD_ENOMEM). */
int wd_similarity(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen, double *out,
                  wd_error *err);

/* The features behind the confidence (for fitting and --explain): fills
 * `f` with WD_SIM_NFEATURES numbers, names from wd_sim_feature_name. */
#define WD_SIM_NFEATURES 12
int wd_similarity_features(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen,
                           double f[WD_SIM_NFEATURES], wd_error *err);
const char *wd_sim_feature_name(int i);
/* The frozen logistic model: confidence from features. `coef` NULL = the
 * calibrated coefficients (WD_SIM_NFEATURES + 1, the intercept last). */
double wd_sim_calibrate(const double f[WD_SIM_NFEATURES], const double *coef);

/* Analysed texts, for scoring one text against many (grouping, coverage)
 * without analysing it again. A wd_sim_text is new (wd_sim_text_free),
 * tied to the scorer that made it only while it is being made: its IDF
 * weights are fixed then. wd_coverage_check hands out the asked question's
 * (wd_coverage.asked), weighted by the index's statistics. */
typedef struct wd_sim_text wd_sim_text;
int wd_sim_text_new(wd_sim *s, const char *text, size_t len, wd_sim_text **out, wd_error *err);
void wd_sim_text_free(wd_sim_text *t);
/* Confidence in [0, 1] of two analysed texts (same as wd_similarity). */
double wd_sim_score(const wd_sim_text *a, const wd_sim_text *b);
/* Features of two analysed texts (see wd_similarity_features). */
void wd_sim_score_features(const wd_sim_text *a, const wd_sim_text *b, double f[WD_SIM_NFEATURES]);
/* The text's n heaviest content words (borrowed, NUL-terminated, valid
 * while t lives), heaviest first, for blocking; returns how many. */
size_t wd_sim_text_keys(const wd_sim_text *t, const char **keys, size_t n);

/* ---- coverage of one question ------------------------------------------------ */

enum wd_verdict { WD_UNCOVERED = 0, WD_PARTIAL = 1, WD_COVERED = 2 };

/* "uncovered" | "partial" | "covered"; "?" for anything else. */
const char *wd_verdict_name(int verdict);

typedef struct wd_coverage_opts {
    double covered_at;            /* < 0: the searcher's calibration */
    double partial_at;            /* < 0: the searcher's calibration */
    uint32_t candidates;          /* records scored per question; 0 = 8 */
    uint32_t snippet_chars;       /* 0 = the searcher's default */
    const wd_search_opts *search; /* base options of the candidate search (shards,
                                     timeouts); NULL = defaults. n, offset,
                                     snippet_chars and snippets are coverage's. */
} wd_coverage_opts;

#define WD_COVERAGE_OPTS_INIT                                                                      \
    {                                                                                              \
        -1.0, -1.0, 0, 0, NULL                                                                     \
    }

typedef struct wd_coverage {
    int verdict;       /* enum wd_verdict */
    double confidence; /* of the best record; 0 when there is none */
    wd_hit *best;      /* new (wd_coverage_clear); NULL when no record matched */
    double best_confidence;
    wd_hit *runner_up; /* new; the next record by confidence, or NULL */
    double runner_up_confidence;
    wd_sim_text *asked; /* new; the asked question as the confidence read it (IDF from the
                           index), for comparing it with other questions (wd_sim_score) */
} wd_coverage;

/* Judge one question with the searcher `s` (the caller's, one thread;
 * a single index, a shard list or remote shards alike). Only the two
 * candidates the search ranks first get a snippet
 * (the answer's support nudges their confidence up); a best record found
 * further down gets its snippet when picked, a runner-up does not (its
 * snippet is then "" and its confidence the question match alone). The
 * best record is the most confident one, except that a
 * record with an answer (kind qa) at or above covered_at is preferred to a
 * question-only record: covered when that record has an answer, partial
 * when the confidence is between partial_at and covered_at or when only a
 * question-only record reaches covered_at, uncovered below partial_at.
 * *out is filled (zeroed first); free with wd_coverage_clear. Errors are
 * wd_search's (WD_ENOMEM, WD_ECORRUPT, WD_EMODIFIED ...). */
int wd_coverage_check(wd_searcher *s, const char *question, size_t len,
                      const wd_coverage_opts *opts, wd_coverage *out, wd_error *err);
void wd_coverage_clear(wd_coverage *c);

#ifdef __cplusplus
}
#endif
#endif
