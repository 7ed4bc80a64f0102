/*
 * hash.h - the one string hash of the tree: FNV-1a, 64 bits.
 *
 * It names record ids (corpus/), routes records to shards and hashes long
 * key terms (indexer/, query/), keys the hash tables (strmap.h, the
 * dictionary's tables) and fingerprints dictionary content. Its values are
 * stored in indexes and shard layouts, so it must never change.
 */
#ifndef WENDA_HASH_H
#define WENDA_HASH_H

#include <stddef.h>
#include <stdint.h>

#define WD_FNV_OFFSET 14695981039346656037ULL
#define WD_FNV_PRIME 1099511628211ULL

/* FNV-1a 64 of p[0..n), continuing from h (WD_FNV_OFFSET to start). */
static inline uint64_t wd_fnv1a64(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= WD_FNV_PRIME;
    }
    return h;
}

/* The hash of a whole byte string. */
static inline uint64_t wd_hash_bytes(const void *p, size_t n)
{
    return wd_fnv1a64(p, n, WD_FNV_OFFSET);
}

#endif
