/*
 * schema.h - how a record is laid out in a wenda index. Shared by the
 * writer (indexer/) and the reader (query/) so neither depends on the other.
 *
 *   term  "Q" + id            unique id term; a long id is hashed: "Q#" + 16 hex
 *                             digits (schema 2: ids over 16 bytes; schema 1: over
 *                             200), and value 0 tells ids sharing a hash apart
 *   terms "S" + word          question field (schema 4 and older: with positions;
 *                             schema 5: none, no query reads them)
 *   terms word                answer field (unprefixed), positions only when
 *                             indexed with --answer-positions
 *   term  "K" + kind          boolean: "Kqa" or "Kquestion"
 *   term  "XS" + source       boolean: the source file name (hashed if long)
 *   terms "XB" + n-gram       CJK characters and character bigrams of the question,
 *                             no positions
 *   value 0                   the record id (ties in ranking break by id; it also
 *                             confirms whose a hashed id term is)
 *   values 1, 2, 3            (schema 3) the date (YYYY-MM-DD), the source and the
 *                             kind name: date ranges, the date sort and facets
 *   value 4                   (schema 3) the extra fields, NAME NUL VALUE NUL each
 *   terms "XF" + NAME=VALUE   (schema 3) boolean: an extra field (hashed if long)
 *   value 5                   (schema 4) the question analysed, as the re-ranking
 *                             reads it (query/analysis.h's stored form, stamped
 *                             with the dictionaries it was made with)
 *   data                      the record as a JSON object
 *   metadata                  wenda.schema, wenda.dict_version, wenda.checkpoint; what the
 *                             base is (`wenda index --title/--description/--examples`):
 *                             wenda.title, wenda.description, wenda.examples (one a line)
 */
#ifndef WENDA_SCHEMA_H
#define WENDA_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"

#define WD_PREFIX_ID "Q"
#define WD_PREFIX_QUESTION "S"
#define WD_PREFIX_KIND "K"
#define WD_PREFIX_SOURCE "XS"
#define WD_PREFIX_BIGRAM "XB" /* CJK character unigrams and bigrams of the question */
#define WD_VALUE_ID 0
#define WD_VALUE_DATE 1
#define WD_VALUE_SOURCE 2
#define WD_VALUE_KIND 3
#define WD_VALUE_FIELDS 4
#define WD_PREFIX_FIELD "XF"
#define WD_VALUE_QUESTION 5

/* 5: question terms without positions (the match reads none: a split
 * synonym is the AND of its words, not their phrase); 4: each question's
 * analysis stored (value 5); 3: the date, source and
 * kind values too (2: not; ranges, the date sort and facets need them);
 * 2: ids over WD_ID_VERBATIM bytes hashed (1: over WD_MAX_KEY_TERM). A
 * writer keeps writing an existing index of schema 1 or 2 in its own
 * schema; one of schema 3 or 4 becomes schema 5 (the same terms and
 * values; its new documents carry the analysis and no positions, the others
 * are analysed at search time, as they were, and keep positions no query
 * reads). Every document carries what this wenda writes;
 * readers go by the schema for what all documents hold. */
#define WD_SCHEMA_VERSION "5"
#define WD_META_SCHEMA "wenda.schema"
#define WD_META_DICT "wenda.dict_version"
#define WD_META_CHECKPOINT "wenda.checkpoint"
#define WD_META_CREATED "wenda.created"
#define WD_META_TITLE "wenda.title"
#define WD_META_DESCRIPTION "wenda.description"
#define WD_META_EXAMPLES "wenda.examples"
#define WD_META_FIELDS "wenda.fields" /* the extra fields' names, comma-separated */
/* The word associations mined from the records when the index was built
 * (indexer/assoc_mine.h writes them, query/assoc.h reads them); absent: none. */
#define WD_META_ASSOC "wenda.assoc"

/* Bytes of a term's value part kept before hashing (Xapian's limit is 245
 * bytes for the whole term). */
#define WD_MAX_KEY_TERM 200

/* Bytes of an id kept verbatim in its term: schema 2, and schema 1. A
 * hashed id term is 18 bytes, so an id over 16 bytes is never shorter
 * verbatim; long ids (file paths: 92 bytes on the law corpus) made the id
 * terms a twentieth of the index. */
#define WD_ID_VERBATIM 16
#define WD_ID_VERBATIM_V1 WD_MAX_KEY_TERM
/* Room for any key term: prefix, WD_MAX_KEY_TERM bytes, NUL. */
#define WD_KEY_TERM_SIZE (WD_MAX_KEY_TERM + 8)

/* prefix + key when the key has at most `verbatim` bytes, else prefix + "#"
 * + the key's 64-bit FNV-1a hash in hex; out has WD_KEY_TERM_SIZE bytes
 * (verbatim <= WD_MAX_KEY_TERM, prefix at most 2 bytes). */
static inline const char *wd_key_term(char *out, const char *prefix, const char *key,
                                      size_t verbatim)
{
    size_t n = strlen(key);
    if (n <= verbatim)
        snprintf(out, WD_KEY_TERM_SIZE, "%s%s", prefix, key);
    else
        snprintf(out, WD_KEY_TERM_SIZE, "%s#%016llx", prefix,
                 (unsigned long long)wd_fnv1a64(key, n, WD_FNV_OFFSET));
    return out;
}

#endif
