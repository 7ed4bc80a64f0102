/*
 * strtab.h - the loader's hash table (private to dict/): byte-string keys
 * (normalised UTF-8, kept NUL-terminated in one pool) to entries carrying
 * everything the analyzer asks about a word that is not in the built-in
 * general trie: domain and user words and their prefixes, stop words,
 * synonym lists. Open addressing, FNV-1a (so callers can hash a word a code
 * point at a time while extending it), power-of-two slots, load <= 1/2.
 */
#ifndef WENDA_DICT_STRTAB_H
#define WENDA_DICT_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/buf.h"

#define WD_ENT_WORD 0x1u   /* a lexicon word (logf, src valid) */
#define WD_ENT_PREFIX 0x2u /* a proper prefix of a lexicon word */
#define WD_ENT_STOP 0x4u   /* a stop word */
#define WD_ENT_SYN 0x8u    /* member of a synonym group */

typedef struct wd_strent {
    uint64_t hash;
    uint32_t off; /* key in pool */
    uint32_t len;
    uint32_t given;            /* frequency from the file, 0 if none */
    uint32_t syn_off, syn_n;   /* synonyms: range of the dict's synv */
    uint32_t part_off, part_n; /* a synonym's words when the analyzer splits it: range of
                                  the dict's partv (part_n 0: one word) */
    float logf;                /* log frequency used by the segmenter */
    uint8_t src;               /* enum wd_token_source of the word */
    uint8_t flags;             /* WD_ENT_* */
} wd_strent;

typedef struct wd_strtab {
    uint32_t *slots; /* entry index + 1; 0 = empty */
    size_t mask;
    wd_strent *ent;
    size_t n, cap;
    wd_buf pool;
} wd_strtab;

void wd_strtab_free(wd_strtab *t);
/* Index of the entry for key k (hash h = wd_fnv(WD_FNV_INIT, k, n)), or -1. */
static inline long wd_strtab_find(const wd_strtab *t, const char *k, size_t n, uint64_t h);
/* Find or add; *idx receives the entry's index. WD_OK or WD_ENOMEM. */
int wd_strtab_put(wd_strtab *t, const char *k, size_t n, uint64_t h, size_t *idx);

static inline const char *wd_strtab_key(const wd_strtab *t, const wd_strent *e)
{
    return t->pool.data + e->off;
}

#include <string.h>

static inline long wd_strtab_find(const wd_strtab *t, const char *k, size_t n, uint64_t h)
{
    if (!t->slots)
        return -1;
    size_t i = (size_t)(h ^ (h >> 29)) & t->mask;
    for (;;) {
        uint32_t s = t->slots[i];
        if (!s)
            return -1;
        const wd_strent *e = &t->ent[s - 1];
        if (e->hash == h && e->len == n && memcmp(t->pool.data + e->off, k, n) == 0)
            return (long)(s - 1);
        i = (i + 1) & t->mask;
    }
}

#endif
