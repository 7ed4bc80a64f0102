/*
 * schema.h - how a record is laid out in a wenda index. Shared by the
 * writer (indexer/) and the reader (query/) so neither depends on the other.
 *
 *   term  "Q" + id            unique id term (ids too long are hashed: "Q#" + hex)
 *   terms "S" + word          question field, with positions
 *   terms word                answer field (unprefixed), with positions
 *   term  "K" + kind          boolean: "Kqa" or "Kquestion"
 *   term  "XS" + source       boolean: the source file name (hashed if long)
 *   terms "XB" + n-gram       CJK characters and character bigrams of the question,
 *                             no positions
 *   value 0                   the record id (ties in ranking break by id)
 *   data                      the record as a JSON object
 *   metadata                  wenda.schema, wenda.dict_version, wenda.checkpoint
 */
#ifndef WENDA_SCHEMA_H
#define WENDA_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#define WD_PREFIX_ID "Q"
#define WD_PREFIX_QUESTION "S"
#define WD_PREFIX_KIND "K"
#define WD_PREFIX_SOURCE "XS"
#define WD_PREFIX_BIGRAM "XB" /* CJK character unigrams and bigrams of the question */
#define WD_VALUE_ID 0

#define WD_SCHEMA_VERSION "1"
#define WD_META_SCHEMA "wenda.schema"
#define WD_META_DICT "wenda.dict_version"
#define WD_META_CHECKPOINT "wenda.checkpoint"
#define WD_META_CREATED "wenda.created"

/* Bytes of a term's value part kept before hashing (Xapian's limit is 245
 * bytes for the whole term). */
#define WD_MAX_KEY_TERM 200

static inline uint64_t wd_fnv1a64(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}
#define WD_FNV_OFFSET 14695981039346656037ULL

#endif
