/*
 * dict.c - what is asked of a loaded dictionary (wenda/analyzer.h's wd_dict_*
 * lookups: stop words, synonyms and their parts, the general list's
 * frequencies, the overlay's removed associations) and freeing it. Loading
 * it is load.c's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dict_internal.h"
#include "norm.h"

/* The hash of an association's pair, the same either way round. */
uint64_t wd_dict_pair_hash(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen > blen || (alen == blen && memcmp(a, b, alen) > 0)) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = alen;
        alen = blen;
        blen = tl;
    }
    uint64_t h = wd_fnv(WD_FNV_INIT, a, alen);
    h = wd_fnv(h, "\t", 1);
    return wd_fnv(h, b, blen);
}

int wd_u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void wd_dict_free(wd_dict *d)
{
    if (!d)
        return;
    wd_strtab_free(&d->tab);
    wd_free(d->kids);
    wd_free(d->synv);
    wd_free(d->partv);
    wd_free(d->splitv);
    wd_free(d->partpool);
    wd_free(d->gmem);
    wd_free(d->unassoc);
    wd_free(d);
}

const char *wd_dict_version(const wd_dict *d)
{
    return d ? d->version : "";
}

int wd_dict_is_stopword(const wd_dict *d, const char *word, size_t len)
{
    if (!d || !word)
        return 0;
    long k = wd_strtab_find(&d->tab, word, len, wd_fnv(WD_FNV_INIT, word, len));
    return k >= 0 && (d->tab.ent[k].flags & WD_ENT_STOP) != 0;
}

size_t wd_dict_synonyms(const wd_dict *d, const char *word, size_t len, const char *const **out)
{
    if (out)
        *out = NULL;
    if (!d || !word)
        return 0;
    long k = wd_strtab_find(&d->tab, word, len, wd_fnv(WD_FNV_INIT, word, len));
    if (k < 0 || !d->tab.ent[k].syn_n)
        return 0;
    if (out)
        *out = d->synv + d->tab.ent[k].syn_off;
    return d->tab.ent[k].syn_n;
}

size_t wd_dict_synonym_parts(const wd_dict *d, const char *syn, size_t len, const char *const **out)
{
    if (out)
        *out = NULL;
    if (!d || !syn || !d->partv)
        return 0;
    long k = wd_strtab_find(&d->tab, syn, len, wd_fnv(WD_FNV_INIT, syn, len));
    if (k < 0 || !d->tab.ent[k].part_n)
        return 0;
    if (out)
        *out = (const char *const *)d->partv + d->tab.ent[k].part_off;
    return d->tab.ent[k].part_n;
}

int wd_dict_assoc_removed(const wd_dict *d, const char *a, size_t alen, const char *b, size_t blen)
{
    if (!d || !d->nunassoc)
        return 0;
    uint64_t h = wd_dict_pair_hash(a, alen, b, blen);
    return bsearch(&h, d->unassoc, d->nunassoc, sizeof h, wd_u64_cmp) != NULL;
}

size_t wd_dict_split_synonyms(const wd_dict *d, const char *const **out)
{
    if (out)
        *out = d && d->nsplit ? (const char *const *)d->splitv : NULL;
    return d ? d->nsplit : 0;
}

int wd_dict_each_word(const wd_dict *d, wd_dict_word_fn fn, void *ctx)
{
    if (!d || !fn)
        return WD_OK;
    for (size_t k = 0; k < d->tab.n; k++) {
        const wd_strent *e = &d->tab.ent[k];
        if (!(e->flags & WD_ENT_WORD))
            continue;
        int rc = fn(ctx, wd_strtab_key(&d->tab, e), e->len, e->src, e->given);
        if (rc)
            return rc;
    }
    return WD_OK;
}

int wd_dict_each_synonym_group(const wd_dict *d, wd_dict_group_fn fn, void *ctx)
{
    if (!d || !fn)
        return WD_OK;
    const char *members[256];
    size_t n = 0;
    for (size_t i = 0; i < d->ngmem; i++) {
        if (d->gmem[i] != UINT32_MAX) {
            if (n < sizeof members / sizeof *members)
                members[n++] = wd_strtab_key(&d->tab, &d->tab.ent[d->gmem[i]]);
            continue;
        }
        int rc = fn(ctx, members, n, i < d->gbuiltin ? WD_SRC_DOMAIN : WD_SRC_USER);
        if (rc)
            return rc;
        n = 0;
    }
    return WD_OK;
}

size_t wd_dict_size(const wd_dict *d)
{
    return d ? d->size : 0;
}

double wd_dict_general_logp(const wd_dict *d, const char *word, size_t len)
{
    uint32_t cps[WD_MAX_WORD_BYTES];
    size_t n = 0;
    for (size_t i = 0; word && i < len && n < WD_MAX_WORD_BYTES;) {
        size_t l = wd_utf8_decode(word + i, len - i, &cps[n]);
        if (!l)
            break;
        n++;
        i += l;
    }
    float lf = n && n < WD_MAX_WORD_BYTES ? wd_gd_lookup(cps, n) : -1.0f;
    double total = d ? d->logtotal : 0;
    return lf < 0 ? log(0.5) - total : lf - total;
}
