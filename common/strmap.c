/*
 * strmap.c - the string-keyed hash table (strmap.h). Slots and values live
 * in two parallel arrays so a value of any size is stored inline; growing
 * rehashes from the hash kept in each slot, never from the key.
 */
#include <string.h>

#include "hash.h"
#include "strmap.h"
#include "wenda/error.h"

static size_t find_slot(const wd_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t j = (size_t)h & (m->cap - 1);
    while (m->slots[j].key && !(m->slots[j].hash == h && m->slots[j].len == len &&
                                memcmp(m->slots[j].key, key, len) == 0))
        j = (j + 1) & (m->cap - 1);
    return j;
}

void *wd_strmap_get_hashed(const wd_strmap *m, const char *key, size_t len, uint64_t hash)
{
    if (!m->cap)
        return NULL;
    size_t j = find_slot(m, key, len, hash);
    return m->slots[j].key ? m->vals + j * m->vsize : NULL;
}

void *wd_strmap_get(const wd_strmap *m, const char *key, size_t len)
{
    return m->cap ? wd_strmap_get_hashed(m, key, len, wd_hash_bytes(key, len)) : NULL;
}

void *wd_strmap_get_cat(const wd_strmap *m, const char *a, size_t alen, uint64_t ha, const char *b,
                        size_t blen)
{
    if (!m->cap)
        return NULL;
    uint64_t h = wd_fnv1a64(b, blen, ha);
    size_t j = (size_t)h & (m->cap - 1);
    for (const wd_strmap_slot *s = &m->slots[j]; s->key; s = &m->slots[j]) {
        if (s->hash == h && s->len == alen + blen && memcmp(s->key, a, alen) == 0 &&
            memcmp(s->key + alen, b, blen) == 0)
            return m->vals + j * m->vsize;
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

static int grow(wd_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    wd_strmap_slot *slots = wd_calloc(cap, sizeof *slots);
    unsigned char *vals = wd_calloc(cap, m->vsize ? m->vsize : 1);
    if (!slots || !vals) {
        wd_free(slots);
        wd_free(vals);
        return WD_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = (size_t)m->slots[i].hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
        if (m->vsize)
            memcpy(vals + j * m->vsize, m->vals + i * m->vsize, m->vsize);
    }
    wd_free(m->slots);
    wd_free(m->vals);
    m->slots = slots;
    m->vals = vals;
    m->cap = cap;
    return WD_OK;
}

void *wd_strmap_put(wd_strmap *m, const char *key, size_t len, int *added)
{
    if (added)
        *added = 0;
    uint64_t h = wd_hash_bytes(key, len);
    if (m->cap) {
        size_t j = find_slot(m, key, len, h);
        if (m->slots[j].key)
            return m->vals + j * m->vsize;
    }
    if ((m->n + 1) * 4 > m->cap * 3 && grow(m) != WD_OK)
        return NULL;
    size_t j = find_slot(m, key, len, h);
    char *copy = wd_malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, key, len);
    copy[len] = '\0';
    m->slots[j] = (wd_strmap_slot){ copy, len, h };
    m->n++;
    if (added)
        *added = 1;
    return m->vals + j * m->vsize;
}

int wd_strmap_next(const wd_strmap *m, size_t *pos, const char **key, size_t *len, void **val)
{
    for (size_t i = *pos; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        *pos = i + 1;
        if (key)
            *key = m->slots[i].key;
        if (len)
            *len = m->slots[i].len;
        if (val)
            *val = m->vals + i * m->vsize;
        return 1;
    }
    *pos = m->cap;
    return 0;
}

void wd_strmap_clear(wd_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        wd_free(m->slots[i].key);
    wd_free(m->slots);
    wd_free(m->vals);
    m->slots = NULL;
    m->vals = NULL;
    m->n = m->cap = 0;
}
