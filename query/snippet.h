/*
 * snippet.h - private: the set of query words a snippet highlights, and the
 * passage picker. Query words are normalised analyzer output (no field
 * prefix) with a weight each.
 */
#ifndef WENDA_QUERY_SNIPPET_H
#define WENDA_QUERY_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/error.h"

typedef struct wd_termset {
    char **words;
    size_t *lens;
    double *weights;
    size_t n, cap;
} wd_termset;

/* Add a word (or raise its weight to `weight` if already there). */
int wd_termset_add(wd_termset *ts, const char *word, size_t len, double weight);
/* Index of the word, or -1. */
long wd_termset_find(const wd_termset *ts, const char *word, size_t len);
void wd_termset_free(wd_termset *ts);

/* Pick the passage of text[0..len) that best covers the words of ts, cut at
 * sentence or clause boundaries, about target_chars code points long, with
 * white space runs folded to one space. *snippet is new; *highlights is new
 * (wd_free), [start, end) code-point offsets into the snippet, sorted and
 * non-overlapping. */
int wd_snippet_make(wd_analyzer *an, const char *text, size_t len, const wd_termset *ts,
                    size_t target_chars, char **snippet, size_t (**highlights)[2], size_t *n_hl,
                    wd_error *err);
/* The same, and with pass given, *pass (new) gets the normalised code points
 * of the chosen passage (those whose source bytes lie in it), *n_pass their
 * number: what the passage says, for scoring it, without normalising the
 * snippet again. */
int wd_snippet_make_norm(wd_analyzer *an, const char *text, size_t len, const wd_termset *ts,
                         size_t target_chars, char **snippet, size_t (**highlights)[2],
                         size_t *n_hl, uint32_t **pass, size_t *n_pass, wd_error *err);
/* wd_snippet_make_norm of text[0..len) already normalised: normtext[0..nlen)
 * with spans and nspans as wd_normalize_spans gave them for it (spans NULL:
 * one to one), all borrowed. WD_EINVAL when they do not fit one another. */
int wd_snippet_make_from(const char *text, size_t len, const char *normtext, size_t nlen,
                         const uint32_t *spans, size_t nspans, const wd_termset *ts,
                         size_t target_chars, char **snippet, size_t (**highlights)[2],
                         size_t *n_hl, uint32_t **pass, size_t *n_pass, wd_error *err);

#endif
