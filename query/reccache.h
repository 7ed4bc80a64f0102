/*
 * reccache.h - private to query/: the records a searcher has read, decoded
 * and analysed, kept from one search to the next.
 *
 * The re-ranking reads the top 50 candidates of every search: each one's
 * stored record (decoded with the record codec), its question analysed
 * (analysis.h: as the index stored it, when made with the searcher's
 * dictionary, else by the searcher) with each word's IDF, and when asked its normalised answer
 * and its same-question view (similarity.h). A searcher of a single index
 * keeps them, keyed by docid: its view of the index only changes on
 * reopen, which empties the cache, as does a change in the document count
 * or in the analyzer's dictionary layer (the searcher sees to that). Memory
 * is bounded by two generations of half the budget each: when the current
 * one is full it becomes the old one (the previous old one is freed), and a
 * record found in the old one moves back to the current one, so records
 * that keep coming up stay. Over a shard list each search has a cache of
 * its own.
 *
 * Entries are borrowed from the cache: valid until the next search ages or
 * empties it. Thread safety: one cache per searcher, so per thread.
 */
#ifndef WENDA_QUERY_RECCACHE_H
#define WENDA_QUERY_RECCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analysis.h"
#include "wenda/coverage.h"
#include "wenda/record.h"
#include "xapian_c.h"

typedef struct wd_rec {
    uint32_t did;
    wd_record rec; /* decoded; its strings live in mem */
    char *mem;
    uint64_t qhash, ahash; /* prints of the question and answer texts (equal texts, equal prints) */
    /* the question, analysed (wd_reccache_analyse) */
    int analysed;
    wd_qtext q;  /* packed */
    double *idf; /* per word of q: wd_qtext_idf */
    /* the answer normalised (wd_rec_answer_norm): NULL when empty or not
     * made; rec.answer itself when normalising leaves it as it is. spans:
     * its map back to the answer's bytes (wd_normalize_spans), NULL when
     * normalised code point k came from the answer's k-th, for every k. */
    int normalised;
    char *norm;
    size_t nlen;
    uint32_t *spans;
    size_t nspans;
    /* the question and the answer as the confidence sees them (made on demand) */
    wd_sim_text *sim;
    wd_sim_text *asim;
    size_t bytes; /* about what the entry holds */
} wd_rec;

/* Two records with the same question text, or the same answer text (corpora
 * repeat both: FAQ variants, records imported twice): the print first. */
static inline int wd_rec_same_question(const wd_rec *a, const wd_rec *b)
{
    return a->qhash == b->qhash && strcmp(a->rec.question, b->rec.question) == 0;
}
static inline int wd_rec_same_answer(const wd_rec *a, const wd_rec *b)
{
    return a->ahash == b->ahash && strcmp(a->rec.answer, b->rec.answer) == 0;
}

typedef struct wd_rectable {
    wd_rec **slots; /* open addressing by docid; cap is a power of two */
    size_t n, cap, bytes;
} wd_rectable;

typedef struct wd_reccache {
    wd_rectable cur, old;  /* the current and the previous generation */
    size_t budget;         /* bytes of both generations; 0 = WD_RECORD_CACHE_MB */
    uint64_t hits, misses; /* records found in it, records read (kept when it is emptied) */
    int layer;             /* the dictionary layer the questions were analysed with */
    uint64_t stamp;        /* of the analyses the searcher makes (analysis.h), once known */
    int stamped;
} wd_reccache;

/* Start of a search: age the cache when the current generation is full
 * (half the budget, or a record per 2 KB of it). */
void wd_reccache_tidy(wd_reccache *c);
/* The record of docid did, from the cache or decoded from `data` (the
 * stored form, read by the caller only when get_data is asked: see
 * wd_reccache_get). It ends in the current generation. */
typedef int (*wd_rec_data_fn)(void *ctx, char **data, size_t *len, wd_error *err);
int wd_reccache_get(wd_reccache *c, uint32_t did, wd_rec_data_fn get_data, void *ctx, wd_rec **out,
                    wd_error *err);
/* r's question analysed as the index stored it (hit i of m: schema 3),
 * when it was made with the dictionaries of `stamp`: WD_OK with r->q (packed)
 * and *bytes its size; WD_ENOTFOUND when the index holds no such analysis
 * (none, or made with other dictionaries, or unreadable), and the caller
 * analyses the question itself; WD_ENOMEM, or the index's read error. */
int wd_reccache_stored_question(wd_rec *r, const xc_mset *m, uint32_t i, uint64_t stamp,
                                size_t *bytes, wd_error *err);
/* Account for `bytes` more held by r (an analysis, a normalised answer). */
void wd_reccache_charge(wd_reccache *c, wd_rec *r, size_t bytes);
void wd_reccache_free(wd_reccache *c);

/* A record's answer normalised by an (kept in the record with its map back
 * to the answer, rec->spans, for the snippet; charged to the cache, once
 * made; NULL when the answer is empty or normalising failed, which is tried
 * again next time). */
const char *wd_rec_answer_norm(wd_reccache *c, wd_analyzer *an, wd_rec *rec, size_t *len);

#endif
