/*
 * eval.h - private to tools/: the relevance evaluation behind `wenda eval`.
 *
 * One run measures wenda against its baselines, through the same readers
 * and the same metric functions (metrics.h), in three parts:
 *
 *   retrieval     insurance-zhidao-faq: index corpus.txt, ask the 100
 *                 paraphrased questions of test.txt; the gold records are
 *                 those whose answer equals the test answer byte for byte.
 *                 R@1, R@3, R@10, MRR@10. A development split for tuning
 *                 is asked against the same index: the paraphrase pairs of
 *                 insurance_zhidao_rank/dev.txt (see wd_eval_retrieval).
 *   domain        the seed corpus (corpus/seeds) with the graded judgements
 *                 of corpus/qrels/{dev,test}.tsv: nDCG@5, MRR@10, P@1, R@5
 *                 over answerable questions, and the top scores given to
 *                 the unanswerable ones.
 *   segmentation  SIGHAN 2005 PKU and MSR test sets and the AMTTL medical
 *                 forum test set: word-span precision, recall, F1 (and
 *                 recall of out-of-vocabulary words) of the analyzer in
 *                 query mode.
 *
 * Systems (columns of every table):
 *   wenda     the engine as shipped (analyzer with its dictionary layer)
 *   icu       the same indexer and searcher with the dictionary layer off
 *   ngram-q   Xapian's TermGenerator with FLAG_CJK_NGRAM over the question
 *             only; the query's n-grams OR-ed; BM25 with Xapian's defaults
 *   ngram-qa  the same over the question (wdf x2) plus the answer
 * The n-gram systems do not segment: their segmentation figures are absent.
 *
 * A part whose data is missing is skipped with a note; a run fails only on
 * errors (unreadable or malformed data, index failures, out of memory).
 * Temporary indexes live in a mkdtemp() directory that is removed after.
 *
 * Ownership: wd_eval_report is a plain value with nothing to free. A run
 * uses its own analyzers, indexes and searchers; the borrowed wd_dict may
 * be shared.
 */
#ifndef WENDA_EVAL_H
#define WENDA_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pairs.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"
#include "wenda/error.h"

enum wd_eval_part {
    WD_EVAL_RETRIEVAL = 1u << 0,
    WD_EVAL_DOMAIN = 1u << 1,
    WD_EVAL_SEGMENTATION = 1u << 2,
    WD_EVAL_PAIRS = 1u << 3,      /* same-question pairs, scored by the coverage confidence */
    WD_EVAL_CONFIDENCE = 1u << 4, /* the answer confidence on three knowledge bases */
    WD_EVAL_ALL = 31u
};

enum wd_eval_system {
    WD_EVAL_SYS_WENDA = 0,
    WD_EVAL_SYS_ICU = 1,
    WD_EVAL_SYS_NGRAM_Q = 2,
    WD_EVAL_SYS_NGRAM_QA = 3,
    WD_EVAL_NSYS = 4
};
/* Segmenting systems: wenda and icu. */
#define WD_EVAL_NSEGSYS 2

/* "wenda", "icu", "ngram-q", "ngram-qa". */
const char *wd_eval_system_name(int sys);
/* One line on what the system is. */
const char *wd_eval_system_about(int sys);

/* Parse "retrieval|domain|segmentation|pairs" (a comma-separated list is fine)
 * into WD_EVAL_* bits; 0 when a name is unknown. */
unsigned wd_eval_parts_from_names(const char *s);

/* Progress and notes ("retrieval: indexing 3769 records (wenda)"). */
typedef void (*wd_eval_note_fn)(void *ctx, const char *message);

typedef struct wd_eval_opts {
    const char *data_dir;  /* the public data sets (DATA) */
    const char *seeds_dir; /* the seed corpus to index for the domain part */
    const char *qrels_dir; /* holds dev.tsv and test.tsv */
    const char *tmp_dir;   /* parent of the temporary indexes; NULL = $TMPDIR or /tmp */
    unsigned parts;        /* WD_EVAL_* bits; 0 = all */
    wd_eval_note_fn note;  /* may be NULL */
    void *note_ctx;
    const char *law_jsonl; /* the law corpus as JSON Lines; NULL = $WENDA_LAW_JSONL, else made
                              by tools_dir/lawcorpus from data_dir/lawrefbook-laws */
    const char *tools_dir; /* the repository's tools/ (for lawcorpus); may be NULL */
} wd_eval_opts;

#define WD_EVAL_NOTE_MAX 512

/* ---- results ------------------------------------------------------------------- */

typedef struct wd_eval_rank_scores {
    double r1, r3, r10, mrr10;
    double index_s;  /* seconds to build the index */
    double query_ms; /* mean milliseconds a question */
} wd_eval_rank_scores;

typedef struct wd_eval_retrieval {
    int ran; /* 0: skipped, see note */
    char note[WD_EVAL_NOTE_MAX];
    size_t corpus_records;         /* records read from corpus.txt */
    size_t questions;              /* test questions asked */
    size_t questions_without_gold; /* test answers that match no corpus record (count as misses) */
    wd_eval_rank_scores sys[WD_EVAL_NSYS];
    /* The development split, for tuning: the same-meaning pairs (label 1) of
     * insurance_zhidao_rank/dev.txt of which exactly one side is a corpus
     * question; the other side is asked, and the gold records are those whose
     * answer is that corpus question's answer. Asked questions that are also
     * test questions are left out. */
    int dev_ran;
    char dev_note[WD_EVAL_NOTE_MAX];
    size_t dev_questions; /* asked */
    size_t
        dev_excluded; /* pairs left out: both or neither side in the corpus, or a test question */
    wd_eval_rank_scores dev[WD_EVAL_NSYS];
} wd_eval_retrieval;

typedef struct wd_eval_graded_scores {
    double ndcg5, mrr10, p1, r5;   /* means over answerable questions */
    double answerable_top_score;   /* mean top score, answerable questions (0 when no hit) */
    double unanswerable_top_score; /* the same over unanswerable questions */
    double unanswerable_no_hit;    /* share of unanswerable questions with no hit at all */
    double query_ms;
} wd_eval_graded_scores;

/* Coverage verdicts (wd_coverage_check at the default thresholds) against
 * the judgements, scored strictly: a question with a grade-2 record must come
 * out covered (partial when every grade-2 record is of kind question), one
 * with no judged record uncovered; questions with only related (grade 1)
 * records are not scored. Segmenting systems only. */
typedef struct wd_eval_cov_scores {
    size_t scored, right;
    double accuracy;             /* right / scored */
    double answered_covered;     /* share of the answerable ones with the expected verdict */
    double unanswered_uncovered; /* share of the unanswerable ones judged uncovered */
} wd_eval_cov_scores;

typedef struct wd_eval_split {
    int ran;
    char name[8]; /* "dev" | "test" */
    char note[WD_EVAL_NOTE_MAX];
    size_t questions;    /* parsed */
    size_t answerable;   /* with at least one judgement of grade >= 1 */
    size_t with_answer;  /* with at least one grade-2 record (MRR, P@1, R@5 average these) */
    size_t unanswerable; /* empty judgement list */
    size_t bad_lines;    /* skipped lines of the qrels file */
    size_t unknown_ids;  /* judged ids that are not in the corpus */
    wd_eval_graded_scores sys[WD_EVAL_NSYS];
    wd_eval_cov_scores cov[WD_EVAL_NSEGSYS];
} wd_eval_split;

typedef struct wd_eval_domain {
    int ran;
    char note[WD_EVAL_NOTE_MAX];
    size_t corpus_records;
    double index_s[WD_EVAL_NSYS];
    wd_eval_split split[2]; /* dev, test */
} wd_eval_domain;

typedef struct wd_eval_seg_scores {
    size_t predicted, correct, oov_correct;
    double precision, recall, f1, oov_recall;
    double seconds;
} wd_eval_seg_scores;

typedef struct wd_eval_seg_set {
    int ran;
    char name[16];  /* "pku", "msr", "medical" */
    char about[96]; /* where the set comes from */
    char note[WD_EVAL_NOTE_MAX];
    size_t sentences;   /* scored */
    size_t mismatched;  /* skipped: text and gold differ */
    size_t gold_words;  /* scored gold words (punctuation-only words excluded) */
    size_t punct_words; /* gold words left out as punctuation */
    size_t oov_words;   /* scored gold words not in the training vocabulary */
    int have_oov;       /* a training vocabulary was found */
    wd_eval_seg_scores sys[WD_EVAL_NSEGSYS];
} wd_eval_seg_set;

#define WD_EVAL_NSEGSETS 3

typedef struct wd_eval_segmentation {
    int ran; /* at least one set ran */
    char note[WD_EVAL_NOTE_MAX];
    wd_eval_seg_set set[WD_EVAL_NSEGSETS];
} wd_eval_segmentation;

/* The answer confidence on one split of one knowledge base (the
 * answer-confidence sets, corpus/qrels/confidence/). */
#define WD_EVAL_CONF_BINS 10
typedef struct wd_eval_conf_split {
    int ran;
    char name[8];
    size_t questions, answerable, unanswerable, near, far;
    double accuracy;             /* strict coverage verdicts right */
    double answered_covered;     /* answerable ones with the expected verdict */
    double unanswered_uncovered; /* unanswerable ones uncovered */
    double auc;                  /* of the confidence, answerable vs unanswerable */
    double ece, brier;           /* of the confidence against "the best record answers" */
    size_t bin_n[WD_EVAL_CONF_BINS];
    double bin_pred[WD_EVAL_CONF_BINS], bin_obs[WD_EVAL_CONF_BINS];
    double base_accuracy, base_auc, base_threshold; /* n-gram BM25 top score, best threshold */
    double query_ms;
} wd_eval_conf_split;

typedef struct wd_eval_conf_base {
    int ran;
    char name[16];
    char note[WD_EVAL_NOTE_MAX];
    size_t records, held_out;
    wd_eval_conf_split split[2]; /* dev, test */
} wd_eval_conf_base;

typedef struct wd_eval_confidence {
    int ran;
    double covered_at, partial_at; /* the default thresholds judged at */
    wd_eval_conf_base base[3];     /* seeds, insurance, law */
} wd_eval_confidence;

typedef struct wd_eval_report {
    unsigned parts; /* what was asked for */
    char date[32];  /* UTC, ISO 8601 */
    char dict_version[80];
    double seconds; /* the whole run */
    wd_eval_retrieval retrieval;
    wd_eval_domain domain;
    wd_eval_segmentation segmentation;
    wd_pairs_report pairs;
    wd_eval_confidence confidence;
} wd_eval_report;

/* Run the parts asked for. `dict` is borrowed. On failure the report holds
 * what finished before it. */
int wd_eval_run(const wd_eval_opts *opts, const wd_dict *dict, wd_eval_report *out, wd_error *err);

/* The report as tables, one a part, systems side by side. */
void wd_eval_print_table(const wd_eval_report *r, FILE *to);
/* The report as one JSON document (no trailing newline) appended to out. */
int wd_eval_to_json(const wd_eval_report *r, const char *wenda_version, wd_buf *out);

#endif
