/*
 * wenda/pinyin.h - the pinyin readings of Chinese characters, for matching
 * what users type in a search box (full pinyin, initials, pinyin mixed with
 * characters) against a knowledge base's questions.
 *
 * A reading comes from ICU's Han-Latin transliteration of the character
 * alone, without tone marks, in lower case ASCII, with ü written "v" (and
 * "u" as another reading, as many type it). ICU gives one reading a
 * character; for common polyphonic characters the other readings users type
 * are added after it (地 "de|di", 行 "xing|hang", 重 "zhong|chong").
 *
 * Not thread safe: one wd_pinyin per thread. Readings are cached per
 * character for the life of the handle.
 */
#ifndef WENDA_PINYIN_H
#define WENDA_PINYIN_H

#include <stdint.h>

#include "wenda/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wd_pinyin wd_pinyin;

/* *out is new, NULL on failure: WD_EINTERNAL when ICU's transliterator
 * cannot be opened, WD_ENOMEM. */
int wd_pinyin_new(wd_pinyin **out, wd_error *err);
/* NULL is a no-op. */
void wd_pinyin_free(wd_pinyin *p);

/* The readings of code point cp, '|'-separated ("de|di"), or NULL when cp
 * is not a Han character ICU has a reading for (or out of memory).
 * Borrowed: valid until wd_pinyin_free. */
const char *wd_pinyin_readings(wd_pinyin *p, uint32_t cp);

/* A text as the pinyin matcher sees it, one position per code point: the
 * (normalised) code point, its readings and a bitmask of their first
 * letters (bit k: a reading starts with 'a' + k; for the letter 'a' + k
 * itself, bit k). */
typedef struct wd_pinyin_text {
    uint32_t *cp;    /* new */
    const char **py; /* new array; the readings are borrowed from the wd_pinyin (NULL: none) */
    uint32_t *first; /* new */
    size_t n;
} wd_pinyin_text;

/* Fill *out from normalised text norm[0..len) (ASCII letters lower case).
 * With map (norm byte -> position, as a completion index keeps it) there
 * are `positions` positions and each takes the first code point mapped to
 * it; without, every code point is a position (spaces included). ü is
 * 'v'. WD_ENOMEM (with *out empty). Free with wd_pinyin_text_free. */
int wd_pinyin_text_set(wd_pinyin_text *out, wd_pinyin *p, const char *norm, size_t len,
                       const uint32_t *map, size_t positions);
void wd_pinyin_text_free(wd_pinyin_text *t);

/* Whether typed, from its position k on, matches hay from position i: a
 * typed letter run may spell a character's reading whole, its initial (zh,
 * ch, sh or one letter), or, at the end of the text, the beginning of it; a
 * typed character matches the same character or a homophone; `typos`
 * typed characters (not letters) may match any other Han character. The
 * position of hay after the match, or -1. *budget bounds the work (a call
 * a step); at 0 the match fails. */
long wd_pinyin_match(const wd_pinyin_text *hay, size_t i, const wd_pinyin_text *typed, size_t k,
                     int typos, unsigned *budget);
/* The first position of hay where all of typed matches (as above, each
 * start with its own budget of `budget` steps): *start and *end, and 1;
 * 0 when nowhere. */
int wd_pinyin_find(const wd_pinyin_text *hay, const wd_pinyin_text *typed, int typos,
                   unsigned budget, size_t *start, size_t *end);

/* Whether the letters s[0..n) (lower case) read as tone-less pinyin: whole
 * syllables only (yidijiuyi), or initials only, two or more (ybbx). */
int wd_pinyin_is_pinyin(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
