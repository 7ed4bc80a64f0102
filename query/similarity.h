/*
 * similarity.h - private to query/: how alike two questions are.
 *
 * Two measures, both computed from questions analysed once (analysis.h):
 *
 *   wd_question_overlap   the re-ranking's similarity: an IDF-weighted Dice
 *                         overlap of the two questions' words (a dictionary
 *                         synonym counts as the word), averaged with the Dice
 *                         overlap of their CJK character n-grams. Cheap, and
 *                         read for the top 50 candidates of every search.
 *   the same-question confidence (wd_sim_score, public in
 *                         wenda/coverage.h): a logistic model over twelve
 *                         features of the two questions, read as the
 *                         probability that they ask the same thing.
 *
 * The IDF each reads is defined once, in termstats.h (BM25's for the
 * overlap, the smoothed one the confidence model was fitted with), from the
 * searcher's one statistics table.
 */
#ifndef WENDA_QUERY_SIMILARITY_H
#define WENDA_QUERY_SIMILARITY_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "strmap.h"
#include "wenda/coverage.h"

/* ---- the re-ranking's overlap ---------------------------------------------- */

/* The asked question, prepared once per search: which of its entries each
 * text stands for, so that a record's entries are looked up, not compared
 * with each of its. One overlap at a time (first is scratch). */
typedef struct wd_overlap_query {
    const wd_qtext *q;             /* borrowed */
    const double *idf;             /* borrowed: per word of q (wd_qtext_idf) */
    wd_strmap words;               /* a word's or a synonym's text -> its chain of q's entries */
    wd_strmap grams;               /* an n-gram's text -> likewise */
    uint32_t *node_of, *node_next; /* chains: an entry of q, the next node + 1 (0: end) */
    size_t nnodes, cap;
    size_t *first;     /* per entry of q: its first match in the record's entries */
    double wsum, nsum; /* the weighted sums of q's words and of its n-grams */
    double particle_weight, subword_weight;
} wd_overlap_query;

/* WD_ENOMEM (oq is then empty). */
int wd_overlap_query_init(wd_overlap_query *oq, const wd_qtext *q, const double *idf,
                          double particle_weight, double subword_weight);
void wd_overlap_query_free(wd_overlap_query *oq);
/* The overlap in [0, 1] of the asked question and a record's question r
 * (idf: per word of r). */
double wd_question_overlap(wd_overlap_query *oq, const wd_qtext *r, const double *idf);

/* ---- the same-question view of a text ---------------------------------------- */

/* The IDF of a word for the confidence (the smoothed IDF of its
 * question-field frequency, or a scorer's own table). */
typedef double (*wd_idf_fn)(void *ctx, const char *word, size_t len);

/* The same-question view of an analysed question: its primary words with
 * their weights (idf: the IDF source), their synonyms in dict, its word
 * characters and bigrams, and what it asks (qkind.h). *out is new.
 * WD_ENOMEM. */
int wd_sim_text_build(const wd_qtext *q, const wd_dict *dict, wd_idf_fn idf, void *ctx,
                      wd_sim_text **out, wd_error *err);
/* A view holding only characters (normalised code points; the word
 * characters are kept): enough to ask how much of a question it accounts
 * for (wd_sim_cover), as of an answer's passage. *out is new. WD_ENOMEM. */
int wd_sim_text_from_chars(const uint32_t *cps, size_t n, wd_sim_text **out);
/* The same from normalised UTF-8 text (an answer wd_rec_answer_norm made). */
int wd_sim_text_from_norm(const char *norm, size_t len, wd_sim_text **out);
/* The Dice overlap of two views' character bigrams, in [0, 1] (the
 * same-question confidence's feature `dice`; fold.c asks it of answers). */
double wd_sim_dice(const wd_sim_text *a, const wd_sim_text *b);
/* The same without the characters' code points and bigrams: a view that is
 * only asked which words it holds (wd_sim_match_record's record answer `a`),
 * not compared; a long answer's view costs a copy of its word characters'
 * text, not a sort of its bigrams. Neither wd_sim_cover (no share for single
 * characters) nor wd_sim_score (which compares bigrams) is for it. */
int wd_sim_text_holder(const uint32_t *cps, size_t n, wd_sim_text **out);
/* wd_sim_score of a and b from their features f (wd_sim_score_features),
 * for a caller that needs both. */
double wd_sim_score_of(const wd_sim_text *a, const wd_sim_text *b,
                       const double f[WD_SIM_NFEATURES]);
/* The share of a's weight that b accounts for (the feature cov_a). */
double wd_sim_cover(const wd_sim_text *a, const wd_sim_text *b);
/* How a record accounts for the asked question's words: by its question's
 * view q (a word, a synonym, or half the share of its characters), by its
 * answer's view a (characters only; may be NULL; the word or a synonym
 * only), by either (per word, the better of the two); and what neither
 * accounts for. */
typedef struct wd_sim_match {
    double by_question, by_answer, by_record; /* shares of the asked weight */
    double miss_heavy;      /* the heaviest word neither holds, as a share of the weight */
    double miss_rare;       /* the rarest (in general Chinese) word neither holds: its rarity */
    double miss_rare_share; /* the share of the asked words' rarity neither holds */
    double rare_by_question,
        rare_by_answer; /* shares of the rarity the question, the answer hold */
    double words;       /* the asked question's words */
} wd_sim_match;
void wd_sim_match_record(const wd_sim_text *asked, const wd_sim_text *q, const wd_sim_text *a,
                         wd_sim_match *out);
/* 1 when the text asks something (吗, 怎么, 多少钱 ...: a kind of question
 * qkind.h knows), 0 for a title or a statement. */
int wd_sim_text_asks(const wd_sim_text *t);
/* About the memory a view holds. */
size_t wd_sim_text_bytes(const wd_sim_text *t);

#endif
