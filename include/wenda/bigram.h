/*
 * wenda/bigram.h - character unigrams and bigrams over runs of CJK words.
 *
 * Word segmentation can split a paraphrase differently from the record it
 * should match (要交 vs 交医保); the characters and overlapping character
 * bigrams of the same text always agree. Feed the analyzer's tokens in
 * order; every CJK character, and every pair of adjacent CJK characters
 * inside a run of CJK tokens that touch in the original text, is passed to
 * the callback as a UTF-8 string (normalised, so Traditional and Simplified
 * give the same n-grams). Sub-word tokens are ignored. Header-only so the indexer and the query side share one
 * definition without depending on each other.
 */
#ifndef WENDA_BIGRAM_H
#define WENDA_BIGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/buf.h"

typedef struct wd_bigrams {
    char prev[4];
    size_t prev_len;
    size_t prev_end; /* end offset of the token that gave prev */
} wd_bigrams;

#define WD_BIGRAMS_INIT                                                                            \
    {                                                                                              \
        { 0, 0, 0, 0 }, 0, 0                                                                       \
    }

typedef int (*wd_bigram_fn)(void *ctx, const char *bigram, size_t len, uint32_t position);

static inline int wd_bigrams_feed(wd_bigrams *st, const wd_token *t, wd_bigram_fn fn, void *ctx)
{
    if (t->flags & WD_TOKEN_SUBWORD)
        return 0;
    if (!(t->flags & WD_TOKEN_CJK)) {
        st->prev_len = 0;
        return 0;
    }
    if (st->prev_len && st->prev_end != t->start)
        st->prev_len = 0; /* punctuation or space between: a new run */
    for (size_t i = 0; i < t->len;) {
        uint32_t cp;
        size_t l = wd_utf8_decode(t->text + i, t->len - i, &cp);
        if (!l || l > 4)
            break;
        int rc = fn(ctx, t->text + i, l, t->position);
        if (rc)
            return rc;
        if (st->prev_len && st->prev_len <= 4) {
            char bg[16];
            for (size_t k = 0; k < st->prev_len; k++)
                bg[k] = st->prev[k];
            for (size_t k = 0; k < l; k++)
                bg[st->prev_len + k] = t->text[i + k];
            rc = fn(ctx, bg, st->prev_len + l, t->position);
            if (rc)
                return rc;
        }
        for (size_t k = 0; k < l; k++)
            st->prev[k] = t->text[i + k];
        st->prev_len = l;
        i += l;
    }
    st->prev_end = t->end;
    return 0;
}

#endif
