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
};

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

#endif
