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

#ifdef __cplusplus
}
#endif
#endif
