/*
 * places.h - private to query/: the places a question names, for the
 * re-ranking.
 *
 * Medical-insurance policy is set by province and city, so an answer about
 * 肇庆 does not answer a question about 茂名, while an answer about 广东 or
 * one that names no place may. The table comes from the place sections of
 * the domain lexicon (dict/data/lexicon.txt, generated at build time by
 * places.cmake): province-level divisions and prefecture-level divisions
 * with their province. Lookups take a token's normalised text (the analyzer
 * already folds Traditional characters and full-width forms). The table is
 * the built-in lexicon's: a dictionary loaded with --dict DIR changes the
 * words the analyzer emits, not the places known here (to follow it, the
 * place sections would have to be loaded with the dictionary, in dict/).
 *
 * Thread safety: the table is constant; every function may be called from
 * any thread.
 */
#ifndef WENDA_QUERY_PLACES_H
#define WENDA_QUERY_PLACES_H

#include <stddef.h>
#include <stdint.h>

typedef struct wd_place_entry {
    const char *word;     /* as the lexicon writes it (石家庄市) */
    const char *place;    /* the place it names, by its short form (石家庄) */
    const char *province; /* its province-level division (河北); itself for one */
} wd_place_entry;

extern const wd_place_entry wd_place_table[];
extern const size_t wd_place_count;

/* The places a text names: indexes into wd_place_table of distinct places. */
#define WD_PLACES_MAX 4
typedef struct wd_placeset {
    uint16_t id[WD_PLACES_MAX];
    unsigned n;
} wd_placeset;

/* The entry for a word (exact, normalised text), or -1. */
int wd_place_find(const char *word, size_t len);

/* Add the place of entry `id` to a set (no-op when present or full). A set
 * keeps its most specific places: a province named beside one of its
 * cities (广东肇庆) is left out, whichever comes first. */
void wd_placeset_add(wd_placeset *s, int id);

/* How two sets relate: 0 when either is empty (nothing to compare); 1 when
 * some place of one is the same place as, or the province of, a place of
 * the other; -1 when both name places and none relate (two different cities
 * of one province do not relate). */
int wd_placeset_relation(const wd_placeset *a, const wd_placeset *b);

#endif
