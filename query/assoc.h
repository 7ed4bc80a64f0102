/*
 * assoc.h - private to query/: the word associations stored with an index
 * (mined from its records when it was built, indexer/assoc_mine.h), as the
 * search reads them.
 *
 * The stored form is text in the index's metadata (WD_META_ASSOC):
 *
 *   wenda-assoc 1
 *   WORD<TAB>OTHER<TAB>KIND<TAB>WEIGHT      (one a line, a word's strongest first)
 *
 * KIND: t translation (question word -> answer word), a same answer (words of
 * two questions with one answer), s short or long form (消协 <-> 消费者协会),
 * l a short form's long form over several words, OTHER its words joined by
 * spaces (醉驾 -> "醉酒 驾驶"; shown and removed joined: 醉酒驾驶).
 * An index without the key (built before, or with nothing strong enough)
 * has none. The dictionary overlay's removals (wd_dict_assoc_removed) are
 * left out as the table is read, so a removal applies to the next searcher
 * opened (a running service reloads on a change of the overlay folder).
 *
 * Thread safety: a table is read-only once made.
 */
#ifndef WENDA_QUERY_ASSOC_H
#define WENDA_QUERY_ASSOC_H

#include <stddef.h>

#include "strmap.h"
#include "wenda/analyzer.h"
#include "wenda/error.h"

typedef struct wd_assoc_entry {
    const char *other; /* NUL-terminated, in the table's text */
    double weight;     /* (0, 1] */
    char kind;         /* 't', 'a', 's' or 'l' */
} wd_assoc_entry;

typedef struct wd_assoc {
    wd_strmap words; /* word -> its first entry and count (two size_t) */
    wd_assoc_entry *e;
    size_t n;
    char *text; /* the stored form, cut into words */
} wd_assoc;

#define WD_ASSOC_INIT                                                                              \
    {                                                                                              \
        WD_STRMAP_INIT(2 * sizeof(size_t)), NULL, 0, NULL                                          \
    }

/* Read the stored form text[0..len) into *a (empty before), leaving out the
 * pairs d's overlay removed (d may be NULL). Lines it cannot read are passed
 * over (a newer writer's kinds); WD_ENOMEM. */
int wd_assoc_parse(wd_assoc *a, const char *text, size_t len, const wd_dict *d);
/* A word's associations, strongest first (borrowed; 0 when none). */
size_t wd_assoc_of(const wd_assoc *a, const char *word, size_t len, const wd_assoc_entry **out);
/* other as users see and name it: the words of a long form joined, without
 * the spaces between them (new; NULL when out of memory). */
char *wd_assoc_other_shown(const char *other);
/* Free what a holds; it is empty (WD_ASSOC_INIT) after. */
void wd_assoc_free(wd_assoc *a);

#endif
