/*
 * closest.c - "did you mean" (closest.h): optimal string alignment
 * distance (Damerau-Levenshtein without repeated edits of one substring)
 * over bytes; command and option names are ASCII.
 */
#include <string.h>

#include "closest.h"

#define MAX_NAME 64

static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t d[MAX_NAME + 1][MAX_NAME + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

const char *cli_closest(const char *word, size_t len, const char *const *cands, size_t n)
{
    if (!len || len > MAX_NAME)
        return NULL;
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t bestd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t m = strlen(cands[i]);
        if (m > MAX_NAME)
            continue;
        size_t dd = distance(word, len, cands[i], m);
        if (dd < bestd) {
            bestd = dd;
            best = cands[i];
        }
    }
    return best;
}
