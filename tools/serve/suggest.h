/*
 * suggest.h - private: the as-you-type completion index of the service.
 *
 * Built once per index revision from every record's question: each
 * distinct question (after normalisation) is kept with a map from its
 * normalised bytes back to code points of the original, and every code
 * point suffix of the normalised text goes into one sorted array (a suffix
 * array over all questions). A lookup binary-searches the typed text (also
 * normalised) and walks the matching run, so the cost is a few dozen string
 * compares plus the number of matches, independent of the corpus size for
 * selective input. Questions that start with the text rank before those
 * that contain it; shorter questions first, then index order.
 *
 * When that finds fewer than asked for, the text is also tried as pinyin
 * (whole syllables, initials, mixed with characters; wenda/pinyin.h) and
 * its characters by their sound (a homophone typed by mistake), over every
 * question: a scan whose cost grows with the corpus, cut short at each
 * start by a bitmask of the readings' first letters. When still fewer,
 * Chinese text of two characters or more may have one wrong character
 * (any other, not only one that sounds the same): those come after the
 * rest.
 *
 * Thread safety: share it between threads; lookups may run at once (the
 * readings of typed characters are looked up under a lock of its own).
 */
#ifndef WENDA_SERVE_SUGGEST_H
#define WENDA_SERVE_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/search.h"
#include "wenda/error.h"

typedef struct sg_index sg_index;

typedef struct sg_match {
    uint32_t q;        /* question number, for sg_question / sg_id */
    size_t start, end; /* [start, end) code points of the match in the question */
    int prefix;        /* 1 when the question starts with the text */
    int typo;          /* 1 when one typed character stands for another (ranked last) */
} sg_match;

/* Build from the index searcher s has open (the caller's, used by no other
 * thread meanwhile); `an` normalises (the caller's thread's analyzer).
 * *out is new, NULL on failure; *docs receives the number of records in
 * the index. Errors as wd_searcher_each_record, or WD_ENOMEM. */
int sg_index_build(sg_index **out, wd_searcher *s, wd_analyzer *an, uint32_t *docs, wd_error *err);
void sg_index_free(sg_index *ix);

/* Up to `max` best matches of the normalised text norm[0..len) into out;
 * returns how many. An empty text matches nothing. */
size_t sg_index_lookup(sg_index *ix, const char *norm, size_t len, sg_match *out, size_t max);
const char *sg_question(const sg_index *ix, uint32_t q); /* borrowed */
const char *sg_id(const sg_index *ix, uint32_t q);       /* borrowed */
size_t sg_count(const sg_index *ix);                     /* distinct questions */

#endif
