/*
 * rcache.c - the service's cache of search answers (see rcache.h): a hash
 * table of chained entries with a doubly linked list in least-recently-used
 * order, all under one mutex. An entry is one allocation: header, key,
 * answer and note. Each entry is charged those and ENTRY_COST.
 */
#include <pthread.h>
#include <string.h>

#include "rcache.h"
#include "schema.h"
#include "wenda/error.h"

#define ENTRY_COST 64
#define NBUCKETS 4096 /* a power of two */

typedef struct entry {
    struct entry *next;         /* in its bucket */
    struct entry *prev, *newer; /* LRU list: prev = older */
    uint64_t hash;
    size_t klen, blen, nlen;
    char data[]; /* key, then answer, then note */
} entry;

struct rcache {
    pthread_mutex_t mu;
    entry *buckets[NBUCKETS];
    entry *oldest, *newest;
    size_t bytes, max_bytes, n;
    unsigned gen;
    uint64_t hits, misses;
};

static uint64_t hash_key(const char *k, size_t n)
{
    return wd_fnv1a64(k, n, WD_FNV_OFFSET);
}

int rcache_new(rcache **out, size_t max_bytes)
{
    *out = NULL;
    rcache *c = wd_calloc(1, sizeof *c);
    if (!c)
        return WD_ENOMEM;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        wd_free(c);
        return WD_ENOMEM;
    }
    c->max_bytes = max_bytes;
    *out = c;
    return WD_OK;
}

static void unlink_lru(rcache *c, entry *e)
{
    if (e->prev)
        e->prev->newer = e->newer;
    else
        c->oldest = e->newer;
    if (e->newer)
        e->newer->prev = e->prev;
    else
        c->newest = e->prev;
    e->prev = e->newer = NULL;
}

static void push_newest(rcache *c, entry *e)
{
    e->prev = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    else
        c->oldest = e;
    c->newest = e;
}

static void remove_entry(rcache *c, entry *e)
{
    entry **pp = &c->buckets[e->hash & (NBUCKETS - 1)];
    while (*pp != e)
        pp = &(*pp)->next;
    *pp = e->next;
    unlink_lru(c, e);
    c->bytes -= e->klen + e->blen + e->nlen + ENTRY_COST;
    c->n--;
    wd_free(e);
}

static void clear_all(rcache *c)
{
    while (c->oldest)
        remove_entry(c, c->oldest);
}

/* Move to generation gen (emptying the cache) when it is newer. Returns 0
 * when gen is older than the cache's: such an answer is stale. */
static int at_generation(rcache *c, unsigned gen)
{
    if (gen == c->gen)
        return 1;
    if ((int)(gen - c->gen) < 0 && c->n)
        return 0;
    clear_all(c);
    c->gen = gen;
    return 1;
}

static entry *find(rcache *c, uint64_t h, const char *key, size_t klen)
{
    for (entry *e = c->buckets[h & (NBUCKETS - 1)]; e; e = e->next)
        if (e->hash == h && e->klen == klen && memcmp(e->data, key, klen) == 0)
            return e;
    return NULL;
}

void rcache_free(rcache *c)
{
    if (!c)
        return;
    clear_all(c);
    pthread_mutex_destroy(&c->mu);
    wd_free(c);
}

void rcache_get(rcache *c, unsigned gen, const char *key, size_t klen, rcache_hit *out)
{
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    uint64_t h = hash_key(key, klen);
    pthread_mutex_lock(&c->mu);
    entry *e = at_generation(c, gen) ? find(c, h, key, klen) : NULL;
    if (e) {
        char *copy = wd_malloc(e->blen + 1 + e->nlen);
        if (copy) {
            memcpy(copy, e->data + e->klen, e->blen);
            copy[e->blen] = '\0';
            memcpy(copy + e->blen + 1, e->data + e->klen + e->blen, e->nlen);
            *out = (rcache_hit){ copy, e->blen, copy + e->blen + 1, e->nlen };
            unlink_lru(c, e);
            push_newest(c, e);
        }
    }
    if (out->body)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->mu);
}

void rcache_put(rcache *c, unsigned gen, const char *key, size_t klen, const char *body,
                size_t blen, const char *note, size_t nlen)
{
    size_t cost = klen + blen + nlen + ENTRY_COST;
    if (!c || cost > c->max_bytes)
        return;
    uint64_t h = hash_key(key, klen);
    entry *e = wd_malloc(sizeof *e + klen + blen + nlen);
    if (!e)
        return;
    e->hash = h;
    e->klen = klen;
    e->blen = blen;
    e->nlen = nlen;
    memcpy(e->data, key, klen);
    memcpy(e->data + klen, body, blen);
    if (nlen)
        memcpy(e->data + klen + blen, note, nlen);
    pthread_mutex_lock(&c->mu);
    if (!at_generation(c, gen)) {
        pthread_mutex_unlock(&c->mu);
        wd_free(e);
        return;
    }
    entry *old = find(c, h, key, klen);
    if (old)
        remove_entry(c, old);
    while (c->oldest && c->bytes + cost > c->max_bytes)
        remove_entry(c, c->oldest);
    entry **b = &c->buckets[h & (NBUCKETS - 1)];
    e->next = *b;
    *b = e;
    push_newest(c, e);
    c->bytes += cost;
    c->n++;
    pthread_mutex_unlock(&c->mu);
}

rcache_stats rcache_get_stats(rcache *c)
{
    rcache_stats st = { 0, 0, 0, 0 };
    if (!c)
        return st;
    pthread_mutex_lock(&c->mu);
    st = (rcache_stats){ c->hits, c->misses, c->n, c->bytes };
    pthread_mutex_unlock(&c->mu);
    return st;
}
