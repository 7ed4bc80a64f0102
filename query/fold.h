/*
 * fold.h - private to query/: duplicates folded (wd_search_opts.distinct,
 * fold.c): a candidate whose question and answer are the same or nearly the
 * same as a better-ranked one's is not shown, but listed in its hit.
 */
#ifndef WENDA_QUERY_FOLD_H
#define WENDA_QUERY_FOLD_H

#include "searcher.h"

/* Two questions this alike by the same-question confidence (wd_sim_score)
 * are one record's when their answers' character bigrams also overlap
 * (Dice, wd_sim_dice) to WD_FOLD_ANSWER_AT. */
#define WD_FOLD_SAME_AT 0.8
#define WD_FOLD_ANSWER_AT 0.85

/* Fold the re-ranked candidates: the kept ones first, in their order
 * (r->nkept of them), the folded ones after, each confidence judged where
 * the ranking put it. Enough are compared to fill the page asked for; past
 * it only exact repeats are folded. */
int wd_fold(wd_run *r, wd_error *err);
/* The ids folded into kept candidate i, into h->more. */
int wd_fold_ids(wd_run *r, uint32_t i, wd_hit *h, wd_error *err);

#endif
