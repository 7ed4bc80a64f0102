/*
 * dict_internal.h - the loaded dictionary (private to dict/): the built-in
 * general trie (gendata.h, const data) plus one hash table for everything
 * that is loaded at run time. Shared by dict.c (loading) and analyzer.c
 * (segmenting).
 */
#ifndef WENDA_DICT_INTERNAL_H
#define WENDA_DICT_INTERNAL_H

#include <stdint.h>

#include "gendata.h"
#include "strtab.h"
#include "wenda/analyzer.h"

struct wd_dict {
    wd_strtab tab;      /* domain/user words + prefixes, stop words, synonyms */
    const char **synv;  /* synonym lists (pointers into tab.pool) */
    const char **partv; /* the words of synonyms the analyzer splits (into partpool) */
    char *partpool;
    const char **splitv; /* the synonyms that have parts (keys in tab.pool) */
    size_t nsplit;
    uint64_t *unassoc; /* the word associations taken out: hashes of the pairs, sorted */
    size_t nunassoc;
    uint32_t *gmem; /* the synonym groups: entry indices, UINT32_MAX ends a group */
    size_t ngmem;
    size_t gbuiltin; /* gmem[0..gbuiltin) are the built-in groups */
    double logtotal; /* log of the frequency total: logp = logf - logtotal */
    uint32_t maxlen; /* longest domain/user word, in code points */
    int has_words;   /* any domain/user word at all */
    size_t size;     /* distinct lexicon words, all sources */
    char version[32];
    /* Filters over the first code point of tab's keys, for the analyzer's
     * probes (wd_dict_may_start): a key of a word or a prefix of one
     * (wstart), a stop word (sstart); all_* when a key has no first code
     * point in the BMP to go by. */
    uint64_t wstart[1024], sstart[1024];
    int all_wstart, all_sstart;
    /* The general trie's child index (wd_dict_child): the children of the
     * one-character nodes by parent and label, open addressing; NULL
     * without a general list. */
    uint64_t *kids; /* parent << 48 | label << 32 | child; 0: empty */
    size_t kmask;
};

/* May a key of tab with the filter's flag start with code point c? 0 means
 * certainly not: the probe can be skipped. */
static inline int wd_dict_may_start(const uint64_t *filter, int all, uint32_t c)
{
    return all || c >= 0x10000 || ((filter[c >> 6] >> (c & 63)) & 1);
}

/* For the tests: with 0, every run of ideographs goes through ICU's word
 * break iterator, the path the runs planned before ICU (analyzer.c,
 * plan_runs) must agree with token for token. 1 (the default) plans. */
void wd_analyzer_set_planning(wd_analyzer *a, int on);

/* Segmenter weights, in log-frequency units (see dict.c). */
#define WD_DOMAIN_FLOOR 2000.0 /* frequency of a domain or user word given none */
#define WD_DOMAIN_MARGIN 2.3   /* whole domain word beats its best split by e^2.3 */
#define WD_ICU_FREQ 3.0        /* a word only ICU's dictionary knows */
#define WD_HMM_FREQ                                                                                \
    1.0 /* a word only the HMM found: it must beat its characters as
                                  a word seen once */
/* Long-word penalty: a general-list, ICU or HMM word of n > 2 characters
 * scores WD_LONG_PENALTY * (n - 2) below its frequency (domain and user
 * words do not pay it). jieba's list is full of compounds (呼吸困难, 新世纪,
 * 检察机关) that every segmentation standard we checked splits into the
 * words it lists too; chosen on the development sets (UD GSDSimp dev,
 * AMTTL dev and train), see BENCHMARKS.md. */
#define WD_LONG_PENALTY 7.0

/* Character id of an ideograph in the general trie, 0 if unknown. */
static inline uint32_t wd_gd_charid(uint32_t c)
{
    if (c >= WD_GD_BMP_LO && c < WD_GD_BMP_HI)
        return wd_gd_bmpid[c - WD_GD_BMP_LO];
    uint32_t lo = 0, hi = wd_gd_nx;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (wd_gd_xcp[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < wd_gd_nx && wd_gd_xcp[lo] == c) ? wd_gd_xid[lo] : 0;
}

/* Child of trie node v labelled with character id `id`, 0 if none. */
static inline uint32_t wd_gd_child(uint32_t v, uint32_t id)
{
    uint32_t lo = wd_gd_first[v], hi = wd_gd_first[v + 1];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (wd_gd_label[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < wd_gd_first[v + 1] && wd_gd_label[lo] == id) ? lo : 0;
}

static inline size_t wd_dict_kid_slot(uint32_t v, uint32_t id)
{
    uint64_t x = (((uint64_t)v << 16) | id) * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 32);
}

/* wd_gd_child through the dictionary's child index: for a one-character
 * node, one probe of a table instead of a binary search among its
 * children. */
static inline uint32_t wd_dict_child(const wd_dict *d, uint32_t v, uint32_t id)
{
    if (!d->kids || v > wd_gd_nchars)
        return wd_gd_child(v, id);
    uint64_t key = ((uint64_t)v << 16) | id;
    for (size_t i = wd_dict_kid_slot(v, id) & d->kmask;; i = (i + 1) & d->kmask) {
        uint64_t e = d->kids[i];
        if (!e)
            return 0;
        if (e >> 32 == key)
            return (uint32_t)e;
    }
}

/* Log frequency of the general-list word cps[0..n), -1 if not a word. */
static inline float wd_gd_lookup(const uint32_t *cps, size_t n)
{
    if (!n)
        return -1.0f;
    uint32_t v = wd_gd_charid(cps[0]);
    for (size_t i = 1; v && i < n; i++) {
        uint32_t id = wd_gd_charid(cps[i]);
        v = id ? wd_gd_child(v, id) : 0;
    }
    return v ? wd_gd_logf[v] : -1.0f;
}

/* The hash of an association's pair, the same either way round (the
 * overlay's removed associations are kept as these, sorted). */
uint64_t wd_dict_pair_hash(const char *a, size_t alen, const char *b, size_t blen);
/* qsort/bsearch order of uint64_t. */
int wd_u64_cmp(const void *a, const void *b);

#endif
