/* closest.h - private: "did you mean" for mistyped commands and options. */
#ifndef WENDA_CLI_CLOSEST_H
#define WENDA_CLI_CLOSEST_H

#include <stddef.h>

/* The candidate nearest to word[0..len) by edit distance (insertions,
 * deletions, substitutions and swaps of two neighbours), when it is near
 * enough to be a typo: at most 1 edit for words of up to 4 bytes, 2 up to
 * 8, 3 beyond; ties go to the earlier candidate. NULL when none is. */
const char *cli_closest(const char *word, size_t len, const char *const *cands, size_t n);

#endif
