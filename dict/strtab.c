/*
 * strtab.c - growth and insertion for the loader's hash table (strtab.h).
 * Lookups are inline in the header because the segmenter probes the table
 * for every character of every ideographic run.
 */
#include <string.h>

#include "grow.h"
#include "strtab.h"
#include "wenda/error.h"

void wd_strtab_free(wd_strtab *t)
{
    wd_free(t->slots);
    wd_free(t->ent);
    wd_buf_free(&t->pool);
    memset(t, 0, sizeof *t);
}

static int rehash(wd_strtab *t, size_t nslots)
{
    uint32_t *s = wd_calloc(nslots, sizeof *s);
    if (!s)
        return WD_ENOMEM;
    size_t mask = nslots - 1;
    for (size_t k = 0; k < t->n; k++) {
        uint64_t h = t->ent[k].hash;
        size_t i = (size_t)(h ^ (h >> 29)) & mask;
        while (s[i])
            i = (i + 1) & mask;
        s[i] = (uint32_t)(k + 1);
    }
    wd_free(t->slots);
    t->slots = s;
    t->mask = mask;
    return WD_OK;
}

int wd_strtab_put(wd_strtab *t, const char *k, size_t n, uint64_t h, size_t *idx)
{
    long f = wd_strtab_find(t, k, n, h);
    if (f >= 0) {
        *idx = (size_t)f;
        return WD_OK;
    }
    if (t->n >= UINT32_MAX - 1 || t->pool.len + n + 1 > UINT32_MAX)
        return WD_ENOMEM;
    if (!t->slots || (t->n + 1) * 2 > t->mask + 1) {
        if (rehash(t, t->slots ? (t->mask + 1) * 2 : 256) != WD_OK)
            return WD_ENOMEM;
    }
    if (WD_GROW(t->ent, t->cap, t->n + 1, 128) != WD_OK)
        return WD_ENOMEM;
    size_t off = t->pool.len;
    if (wd_buf_append(&t->pool, k, n) != WD_OK || wd_buf_putc(&t->pool, '\0') != WD_OK)
        return WD_ENOMEM;
    wd_strent *e = &t->ent[t->n];
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->off = (uint32_t)off;
    e->len = (uint32_t)n;
    size_t i = (size_t)(h ^ (h >> 29)) & t->mask;
    while (t->slots[i])
        i = (i + 1) & t->mask;
    t->slots[i] = (uint32_t)(t->n + 1);
    *idx = t->n++;
    return WD_OK;
}
