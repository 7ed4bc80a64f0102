/*
 * searcher.h - private to query/: the searcher, and one question's trip
 * through it.
 *
 * A wd_searcher is the one owner of an open index (a folder, a stub, a
 * shard list, remote shards): the Xapian reader, the term statistics table
 * (termstats.h), the record cache (reccache.h), the analyzer and the tuned
 * values. Everything that asks the index a question goes through it:
 * wd_search, wd_coverage_check, wd_searcher_get.
 *
 * A question goes through the stages of a wd_run, each in a file of its own:
 *
 *   wd_run_begin    options, tuning, which tables       search.c
 *   wd_run_analyse  the question analysed once           search.c (analysis.c)
 *   wd_run_match    the Xapian query, its posting budget match.c
 *                   and the BM25 match
 *   wd_run_rerank   candidates re-ranked by question     rerank.c
 *                   similarity, answer coverage, places
 *   wd_run_hits     the page of hits, with snippets      hits.c
 *
 * and coverage (coverage.c) reads the same run's candidates, asks for the
 * snippets it needs (wd_run_snippet) and scores them with the views the run
 * and the record cache already hold.
 */
#ifndef WENDA_QUERY_SEARCHER_H
#define WENDA_QUERY_SEARCHER_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "assoc.h"
#include "pinyin_query.h"
#include "reccache.h"
#include "shards.h"
#include "similarity.h"
#include "snippet.h"
#include "termstats.h"
#include "tuning.h"
#include "wenda/search.h"
#include "xapian_c.h"

struct wd_searcher {
    xc_db *db;
    wd_shards *shards; /* opened from a shard list or a stub; NULL for one index */
    wd_analyzer *an;
    const wd_dict *dict;
    wd_tuning tuning;   /* read once at open (WENDA_TUNE) */
    wd_calibration cal; /* the calibration in force */
    wd_termstats stats; /* kept across searches of a single index */
    wd_reccache recs;   /* likewise */
    wd_sounds *sounds;  /* the questions' sounds (its own holder, or one shared) */
    wd_assoc assoc;     /* the index's word associations, read on the first search */
    int assoc_read;
};

/* The index's word associations, read from it on the first call (and again
 * after a reopen). WD_ENOMEM or the index's error. */
int wd_searcher_assoc(wd_searcher *s, const wd_assoc **out, wd_error *err);

/* The top of the match the re-ranking reads. */
#define WD_RERANK_DEPTH 50

/* The features of a candidate that depend on its text alone (confidence.h). */
#define WD_CONF_NMATCH 8

/* A candidate of the match, in re-ranked order after wd_run_rerank. */
typedef struct wd_cand {
    uint32_t mset_index;
    uint32_t bm25_place; /* its place in the match by weight, near-equal weights tied */
    double bm25;         /* Xapian's weight */
    double sim;          /* question overlap with the asked question */
    double cover;        /* share of the asked question the answer holds */
    double score;        /* the final score */
    double same;         /* same-question confidence with the asked question; -1 until known */
    double conf;         /* the answer confidence; -1 until known (confidence.c) */
    int place;           /* the places' relation: 1 same, -1 only others, 0 none (places.h) */
    uint32_t hand_rank;  /* its place in the hand-set mix's order (0 first) */
    double hand;         /* the hand-set mix of bm25, sim and cover (the learned ranking's prior) */
    double match[WD_CONF_NMATCH]; /* wd_conf_match's features (confidence.h), once matched */
    int matched;
    wd_rec *rec;    /* borrowed from the record cache */
    uint32_t order; /* its place in the ranking, while a sort (filter.c) reorders */
} wd_cand;

typedef struct wd_run {
    wd_searcher *s;
    wd_search_opts o; /* n and offset clamped */
    wd_tuning t;      /* the searcher's, with the options' overrides */
    /* the asked question */
    wd_qtext q;
    int trimmed;        /* q is a long question's most informative words */
    double *idf;        /* per word of q: its IDF for the re-ranking (rerank.c) */
    double *aidf;       /* per word: its answer-field IDF (whole words only) */
    double atotal;      /* their sum */
    wd_termset hl;      /* the words a snippet highlights */
    wd_sim_text *asked; /* its same-question view (coverage.c makes it) */
    /* the searcher's tables, or this run's own over a shard list */
    wd_termstats *stats;
    wd_reccache *recs;
    wd_termstats own_stats;
    wd_reccache own_recs;
    /* the match */
    xc_query *query;
    xc_enquire *e;
    xc_mset *m;
    uint32_t total;       /* Xapian's estimate of the matching records */
    char *parsed;         /* with o.explain */
    wd_association *used; /* with o.explain: the associations the match used */
    size_t nused;
    struct wd_long_used {
        size_t word; /* the asked word's index in q */
        char *text;  /* the long form's words joined (new) */
    } * longs;       /* the long forms over several words the match used: the
                        re-ranking's answer coverage counts them as the word */
    size_t nlongs;
    /* the candidates */
    double top; /* the best BM25 weight of the match (1 when none) */
    wd_cand *c;
    uint32_t nc;
    /* with o.distinct (fold.c): the first nkept candidates are the ones shown,
     * the rest folded into them: folded_into[i] is the kept one's index */
    uint32_t nkept;
    uint32_t *folded_into;
    /* The candidates in the hand-set mix's order (indexes into c): the order the
     * answer confidence reads them in (its model was fitted on it, and its
     * features mean the same from one question to the next), while the learned
     * ranking orders c, the page (and a sort or folding reorders it after). NULL
     * before the re-ranking. */
    uint32_t *by_hand;
} wd_run;

/* The candidates of r->c were moved (sorted, folded): where each of the
 * hand-set mix's order is now (by_hand, from each one's hand_rank). */
static inline void wd_run_moved(wd_run *r)
{
    for (uint32_t i = 0; r->by_hand && i < r->nc; i++)
        r->by_hand[r->c[i].hand_rank] = i;
}

/* The candidate (index into r->c) the confidence reads k-th. */
static inline uint32_t wd_run_judged(const wd_run *r, uint32_t k)
{
    return r->by_hand ? r->by_hand[k] : k;
}

/* Stages; each returns WD_OK or an error (in err), and leaves what it made in
 * the run for wd_run_end to free. */
void wd_run_begin(wd_run *r, wd_searcher *s, const wd_search_opts *opts);
int wd_run_analyse(wd_run *r, const char *question, size_t len, wd_error *err);
int wd_run_match(wd_run *r, uint32_t depth, wd_error *err);
int wd_run_rerank(wd_run *r, wd_error *err);
/* The page [o.offset, o.offset + o.n) of the candidates as hits of res. */
int wd_run_hits(wd_run *r, wd_results *res, wd_error *err);
void wd_run_end(wd_run *r);

/* Hit i of the candidates (rank i + 1) without a snippet (""). *h is
 * filled; wd_hit_free it. */
int wd_run_hit(wd_run *r, uint32_t i, wd_hit *h, wd_error *err);
/* Cut h, hit i's, snippet (replacing its ""), from the answer the record
 * cache normalised; with pass, also the normalised characters of the
 * passage (as a view for wd_sim_cover; new). */
int wd_run_snippet(wd_run *r, uint32_t i, wd_hit *h, wd_sim_text **pass, wd_error *err);

/* A hit's record fields, copied from rec (new strings owned by h). */
int wd_hit_from_record(wd_hit *h, const wd_record *rec, wd_error *err);
/* Cut h's snippet from its answer (from its question when the answer is
 * empty: a question-only record's description) around the words of hl;
 * chars 0 = the default length. pass: as wd_run_snippet (may be NULL). */
int wd_hit_snippet(wd_analyzer *an, wd_hit *h, const wd_termset *hl, uint32_t chars,
                   wd_sim_text **pass, wd_error *err);

/* Run fn over the searcher's index; over a shard list, bring the shards in
 * line first and, when a shard stops answering, either fail naming it or
 * (opts->allow_partial) run fn again over the others. *partial is set when
 * shards were left out. */
typedef int (*wd_searcher_fn)(wd_searcher *s, void *ctx, wd_error *err);
int wd_searcher_run(wd_searcher *s, const wd_search_opts *opts, wd_searcher_fn fn, void *ctx,
                    wd_error *err);

#endif
