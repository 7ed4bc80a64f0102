/*
 * gendata.h - the built-in dictionaries (private to dict/), as written by
 * gen/gen_dict.c into the build tree. Everything is const data in the
 * library image, so "loading" the built-ins costs nothing.
 *
 * The general word list is a trie over character ids, numbered breadth
 * first: node 0 is the root, nodes 1..wd_gd_nchars are the one-character
 * prefixes (node id = character id, so the first step is an array index),
 * and the children of node v are the nodes [first[v], first[v+1]), sorted
 * by label (their character id) for binary search. logf[v] is log(freq) of
 * the word ending at v, or -1 when no word ends there.
 *
 * Character ids: cp in U+3400..U+9FFF -> wd_gd_bmpid[cp - 0x3400]; any
 * other code point -> binary search of wd_gd_xcp (sorted) / wd_gd_xid.
 * 0 means "not in the list".
 *
 * The domain lexicon, stop words and synonyms are kept as normalised word
 * lists; the loader puts them in its hash table (a few hundred entries).
 * The unknown-word HMM (jieba's finalseg model, when the build found it):
 * log probabilities over the states B M E S (0..3) - start, transitions
 * [from][to], and emissions by row: a BMP ideograph cp has row
 * wd_gd_hmm_row[cp - WD_GD_BMP_LO] of wd_gd_hmm_emit (row 0, for a
 * character the model does not know, allows state S only). An impossible start,
 * transition or emission is -1e5.
 *
 * The wd_gd_hash_* values are FNV-1a hashes of the raw source files, the
 * same hash the loader computes for replacement files, and feed
 * wd_dict_version.
 */
#ifndef WENDA_DICT_GENDATA_H
#define WENDA_DICT_GENDATA_H

#include <stddef.h>
#include <stdint.h>

#define WD_GD_BMP_LO 0x3400u
#define WD_GD_BMP_HI 0xA000u

extern const uint32_t wd_gd_nnodes;
extern const uint32_t wd_gd_nchars;
extern const uint32_t wd_gd_nwords;
extern const double wd_gd_total; /* sum of the general list's frequencies */
extern const uint16_t wd_gd_label[];
extern const uint32_t wd_gd_first[]; /* wd_gd_nnodes + 1 entries */
extern const float wd_gd_logf[];
extern const uint16_t wd_gd_bmpid[WD_GD_BMP_HI - WD_GD_BMP_LO];
extern const uint32_t wd_gd_nx;
extern const uint32_t wd_gd_xcp[];
extern const uint16_t wd_gd_xid[];

extern const size_t wd_gd_lex_n;
extern const char *const wd_gd_lex_word[];
extern const uint32_t wd_gd_lex_freq[];
extern const size_t wd_gd_stop_n;
extern const char *const wd_gd_stop[];
extern const size_t wd_gd_syn_n; /* entries in wd_gd_syn, each group ends with NULL */
extern const char *const wd_gd_syn[];

extern const int wd_gd_has_hmm;
extern const double wd_gd_hmm_start[4];
extern const double wd_gd_hmm_trans[4][4];
extern const float wd_gd_hmm_emit[][4];
extern const uint16_t wd_gd_hmm_row[WD_GD_BMP_HI - WD_GD_BMP_LO];

extern const int wd_gd_has_general;
extern const uint64_t wd_gd_hash_general;
extern const uint64_t wd_gd_hash_lexicon;
extern const uint64_t wd_gd_hash_stopwords;
extern const uint64_t wd_gd_hash_synonyms;
extern const uint64_t wd_gd_hash_hmm;

#endif
