/*
 * wenda/discover.h - new-word discovery: strings a knowledge base uses as
 * words that the lexicons do not keep whole.
 *
 * Text is fed one unit at a time (a question, an answer, a line); each unit
 * is normalised like analysed text and cut into runs of CJK ideographs.
 * Over those runs, a string of two to max_len characters is a candidate when
 * it is frequent (at least min_count times), cohesive (the smallest pointwise
 * mutual information over the ways to cut it in two: its characters belong
 * together more than chance says) and free (the entropy of the characters
 * seen on its left and on its right, the smaller of the two: it is used in
 * many contexts, as a word is, not only inside one longer string). A run's
 * edge counts as a new neighbour each time. Candidates whose first or last
 * character is a stop word, and those the analyzer already keeps whole or
 * splits only into words of two or more characters it knows (a phrase of
 * known words, not a new word), are left out.
 *
 * Memory: four bytes a character fed, plus the tables of frequent strings.
 * Not thread safe: one wd_discover per thread.
 */
#ifndef WENDA_DISCOVER_H
#define WENDA_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wd_discover wd_discover;

typedef struct wd_discover_opts {
    unsigned max_len;    /* longest candidate in characters, 2..8 (0 = 6) */
    uint32_t min_count;  /* fewest occurrences (0 = automatic: 5, more on large text) */
    double min_cohesion; /* bits of mutual information (default 5) */
    double min_freedom;  /* bits of neighbour entropy (default 1) */
} wd_discover_opts;

#define WD_DISCOVER_OPTS_INIT                                                                      \
    {                                                                                              \
        0, 0, 5.0, 1.0                                                                             \
    }

/* One word found, best first in wd_discover_run's array. Strings are owned
 * by the array (wd_discovered_free). */
typedef struct wd_discovered {
    char *word;           /* normalised UTF-8 */
    uint32_t count;       /* occurrences */
    double cohesion;      /* bits */
    double left_entropy;  /* bits */
    double right_entropy; /* bits */
    double score;         /* the order: log2(count) x cohesion x min(left, right) entropy */
    char *examples[2];    /* up to two units that use it (questions first), normalised, may
                             be NULL; cut to about 40 characters around the word */
} wd_discovered;

/* A discoverer over a borrowed dictionary (it must outlive it); opts may be
 * NULL. WD_EINVAL for options out of range, WD_ENOMEM. */
int wd_discover_new(wd_discover **out, const wd_dict *dict, const wd_discover_opts *opts,
                    wd_error *err);
void wd_discover_free(wd_discover *x);

/* Feed one unit of text (any length; invalid UTF-8 bytes are skipped).
 * is_question: the unit is a question (preferred for examples). */
int wd_discover_feed(wd_discover *x, const char *text, size_t len, int is_question, wd_error *err);

/* Characters (CJK ideographs) and units fed so far. */
size_t wd_discover_chars(const wd_discover *x);
size_t wd_discover_units(const wd_discover *x);

/* Find the words in everything fed; *out is an array of *n (possibly 0)
 * entries, best first, owned by the caller. May be called once. */
int wd_discover_run(wd_discover *x, wd_discovered **out, size_t *n, wd_error *err);
void wd_discovered_free(wd_discovered *v, size_t n);

#ifdef __cplusplus
}
#endif

#endif
