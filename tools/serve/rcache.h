/*
 * rcache.h - private: the service's cache of search answers.
 *
 * Search boxes ask the same questions again and again (popular questions,
 * a page reloaded, the same query typed by many users), and an answer only
 * changes when the index does. The cache maps a request (question, n,
 * offset, full) to the JSON document the search produced, for the index
 * generation it was computed on (view.h): a lookup under a newer generation
 * empties the cache first, so no answer outlives the index revision it came
 * from. Entries are evicted least recently used first past a byte budget.
 *
 * Thread safety: every function may be called from any thread (one mutex).
 */
#ifndef WENDA_SERVE_RCACHE_H
#define WENDA_SERVE_RCACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct rcache rcache;

/* A cache holding at most max_bytes of keys and answers. *out is new, NULL
 * on failure (WD_ENOMEM). max_bytes 0 is a valid, always-empty cache. */
int rcache_new(rcache **out, size_t max_bytes);
/* NULL is a no-op. */
void rcache_free(rcache *c);

/* A cached answer: its body and the note kept beside it (what the caller
 * needs to know of the answer without reading it again: the query log's
 * summary of it, querylog.h). One allocation: wd_free(body) frees both;
 * body is NUL-terminated. */
typedef struct rcache_hit {
    char *body;
    size_t blen;
    const char *note;
    size_t nlen;
} rcache_hit;

/* The answer cached for key under generation gen, copied into *out;
 * out->body NULL on a miss (or out of memory). */
void rcache_get(rcache *c, unsigned gen, const char *key, size_t klen, rcache_hit *out);
/* Remember an answer computed under generation gen, with its note (ignored
 * when the cache has moved on to a newer generation, or the entry alone
 * exceeds the budget). */
void rcache_put(rcache *c, unsigned gen, const char *key, size_t klen, const char *body,
                size_t blen, const char *note, size_t nlen);

typedef struct rcache_stats {
    uint64_t hits, misses; /* lookups that found an answer, and that did not */
    size_t entries, bytes; /* held now */
} rcache_stats;

/* The counters at one instant (all zero for NULL). */
rcache_stats rcache_get_stats(rcache *c);

#endif
