/*
 * termstats.h - private to query/: the term statistics a searcher reads,
 * and the one definition of each IDF the ranking and the confidence use.
 *
 * A wd_termstats remembers the document frequency of each term looked up
 * (prefix and word: "S医保", "XB医保", "医保"), so that the posting budget,
 * the re-ranking and the same-question confidence of one search, and the
 * searches after it, look each term up in the index once; with it the
 * re-ranking's BM25 IDF of the term, once asked for. The table belongs
 * to its searcher (over a shard list, to one search: the shard set may
 * change between searches) and is emptied whenever the view of the index
 * changes (reopen, a different document count) or it holds
 * WD_TERMSTATS_MAX terms.
 *
 * Thread safety: one table per searcher, so per thread.
 */
#ifndef WENDA_QUERY_TERMSTATS_H
#define WENDA_QUERY_TERMSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"
#include "xapian_c.h"

#define WD_TERMSTATS_MAX 65536 /* terms kept across searches */

/* What the table keeps of a term. */
typedef struct wd_termstat {
    uint32_t df;  /* documents holding it */
    int has_bm25; /* bm25 is set */
    double bm25;  /* wd_idf_bm25(ndocs, df), once asked for */
} wd_termstat;

typedef struct wd_termstats {
    wd_strmap df;  /* word, NUL, prefix -> the wd_termstat of prefix + word */
    double ndocs;  /* documents in the index the table describes */
    wd_error lost; /* the first look-up a remote shard did not answer (code 0: none) */
} wd_termstats;

#define WD_TERMSTATS_INIT                                                                          \
    {                                                                                              \
        WD_STRMAP_INIT(sizeof(wd_termstat)), 0,                                                    \
        {                                                                                          \
            0, "", ""                                                                              \
        }                                                                                          \
    }

/* Documents of db holding prefix+word (looked up once per table); 0 for a
 * term too long to exist, or when the look-up fails (a lost term only
 * weakens the ranking, never fails it). A look-up that a remote shard did not
 * answer is different: each would wait the whole remote timeout, so the
 * first such failure is kept in t->lost and every look-up after it answers 0
 * without asking; the search then fails with it (wd_termstats_check). */
uint32_t wd_termstats_df(wd_termstats *t, xc_db *db, const char *prefix, const char *word,
                         size_t len);
/* wd_termstats_df of a word whose hash the caller has already (a wd_qword's):
 * hash is wd_hash_bytes(word, len). */
uint32_t wd_termstats_df_hashed(wd_termstats *t, xc_db *db, const char *prefix, const char *word,
                                size_t len, uint64_t hash);
/* wd_idf_bm25 of the documents holding prefix + word (hash as for
 * wd_termstats_df_hashed), kept in the table beside them: the re-ranking
 * asks it for each word of every record it analyses. */
double wd_termstats_idf_bm25(wd_termstats *t, xc_db *db, const char *prefix, const char *word,
                             size_t len, uint64_t hash);
/* WD_OK, or the kept failure of a look-up a remote shard did not answer
 * (copied into err): the search must fail with it rather than rank on
 * statistics that are missing. */
int wd_termstats_check(const wd_termstats *t, wd_error *err);
/* Empty the table (and forget a kept failure) for an index of ndocs
 * documents. */
void wd_termstats_reset(wd_termstats *t, double ndocs);
void wd_termstats_free(wd_termstats *t);

/* The re-ranking's IDF: BM25's log((N - df + 0.5) / (df + 0.5)), floored at
 * 0.1 so that a word in every record still counts a little. */
double wd_idf_bm25(double ndocs, uint32_t df);
/* The same-question confidence's IDF: log((N + 1) / (df + 0.5)), floored at
 * 0.1; always positive, so a word of half the records keeps some weight. It
 * is what the confidence model was fitted with (similarity.c). */
double wd_idf_smoothed(double ndocs, uint32_t df);

#endif
