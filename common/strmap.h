/*
 * strmap.h - the one string-keyed hash table of the tree: byte-string keys
 * (copied, owned by the map) to values of a fixed size chosen at init.
 *
 * Open addressing with linear probing over a power-of-two table, FNV-1a
 * (hash.h) on the key; the table doubles at three quarters full. Values are
 * stored inline and start zeroed, so a map of counts, frequencies or line
 * numbers needs no allocation per entry beyond its key. A value pointer is
 * borrowed: valid until the next wd_strmap_put or wd_strmap_clear.
 *
 * Thread safety: none; one map per thread, or a lock around it.
 */
#ifndef WENDA_STRMAP_H
#define WENDA_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct wd_strmap_slot {
    char *key; /* NULL: empty slot; else NUL-terminated copy of len bytes */
    size_t len;
    uint64_t hash;
} wd_strmap_slot;

typedef struct wd_strmap {
    wd_strmap_slot *slots;
    unsigned char *vals; /* cap * vsize bytes */
    size_t vsize;        /* bytes of a value (0: a set) */
    size_t n, cap;
} wd_strmap;

#define WD_STRMAP_INIT(vsize)                                                                      \
    {                                                                                              \
        NULL, NULL, (vsize), 0, 0                                                                  \
    }

/* The value of key, or NULL when absent. Borrowed. */
void *wd_strmap_get(const wd_strmap *m, const char *key, size_t len);
/* The same for a key whose hash the caller has already: hash must be
 * wd_hash_bytes(key, len) (an analysed word carries it). */
void *wd_strmap_get_hashed(const wd_strmap *m, const char *key, size_t len, uint64_t hash);
/* The value of the key a followed by b, or NULL when absent: wd_strmap_get
 * without joining the two, nor hashing a again: ha is wd_hash_bytes(a, alen),
 * which the caller has already (a word and its hash, with a tag after it).
 * Borrowed. */
void *wd_strmap_get_cat(const wd_strmap *m, const char *a, size_t alen, uint64_t ha, const char *b,
                        size_t blen);
/* The value of key, added (zeroed) when absent; *added (if given) is 1 when
 * it was. NULL when out of memory (the map is unchanged). A set
 * (vsize 0) returns a non-NULL pointer that must not be written. */
void *wd_strmap_put(wd_strmap *m, const char *key, size_t len, int *added);
/* Entries in table order: start with *pos = 0; 0 at the end. */
int wd_strmap_next(const wd_strmap *m, size_t *pos, const char **key, size_t *len, void **val);
/* Free every key and the table; the map is empty and reusable after. */
void wd_strmap_clear(wd_strmap *m);

#endif
