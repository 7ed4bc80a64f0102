/*
 * norm.h - step 1 of the analyzer (private to dict/): NFKC + case folding
 * through ICU, then Traditional -> Simplified folding through the code-point
 * table generated at build time (gen/gen_t2s.c), keeping for every output code
 * point the span of ORIGINAL bytes it came from. Also used by the dictionary
 * generator, so built-in words are normalised exactly like analysed text.
 */
#ifndef WENDA_DICT_NORM_H
#define WENDA_DICT_NORM_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/unorm2.h>

#include "hash.h"
#include "wenda/buf.h"
#include "wenda/error.h"

/* Normalised text: code point k came from original bytes
 * [ostart[k], oend[k]) of the input given to wd_norm_text. Offsets are
 * 32-bit: callers feed at most WD_CHUNK_MAX bytes at a time. */
typedef struct wd_ntext {
    uint32_t *cp;
    uint32_t *ostart;
    uint32_t *oend;
    size_t n;
    size_t cap;
} wd_ntext;

/* Per-thread normaliser state: the shared ICU instance plus scratch. */
typedef struct wd_norm {
    const UNormalizer2 *nfkc; /* borrowed ICU singleton */
    UChar *in16;
    UChar *out16;
    int32_t cap16;
    wd_ntext scratch; /* for wd_norm_utf8 */
} wd_norm;

int wd_norm_init(wd_norm *nm, wd_error *err);
void wd_norm_fini(wd_norm *nm);

/* Normalise s[0..len) (len <= UINT32_MAX) into *out, replacing its content.
 * Invalid UTF-8 bytes are skipped. */
int wd_norm_text(wd_norm *nm, const char *s, size_t len, wd_ntext *out, wd_error *err);
/* Normalise s[0..len) and append the result as UTF-8 to *out. Any length. */
int wd_norm_utf8(wd_norm *nm, const char *s, size_t len, wd_buf *out, wd_error *err);
/* wd_norm_utf8 (len <= UINT32_MAX), and the map back to s when it is not one
 * to one: *spans (new) is NULL when normalised code point k came from
 * exactly the k-th code point of s, for every k (s is valid UTF-8 and no
 * character became several, several one, or shares its span with a
 * combining mark: nearly every text); else normalised code point k came
 * from bytes [(*spans)[2k], (*spans)[2k + 1]) of s, of *n_spans. */
int wd_norm_utf8_spans(wd_norm *nm, const char *s, size_t len, wd_buf *out, uint32_t **spans,
                       size_t *n_spans, wd_error *err);
void wd_ntext_free(wd_ntext *t);

/* Large inputs are processed in chunks cut where neither normalisation nor
 * word breaking can see across the cut (after a newline, a space or a
 * sentence-final mark, before ASCII or a common CJK ideograph); only a
 * CJK run with no such place for WD_CHUNK_MAX bytes is cut blindly. Returns
 * the end of the chunk starting at pos. */
#define WD_CHUNK_TARGET (32u * 1024u)
#define WD_CHUNK_MAX (256u * 1024u)
size_t wd_chunk_end(const char *s, size_t pos, size_t len);

/* CJK ideographs (the code points the dictionary layer works on). */
static inline int wd_is_ideo(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x323AF) || (c >= 0xF900 && c <= 0xFAFF) || c == 0x3007;
}

/* Traditional -> Simplified, one code point to one (generated table). */
extern const uint16_t wd_t2s_page[0x300];
extern const uint16_t wd_t2s_block[][256];
extern const uint64_t wd_t2s_hash;

static inline uint32_t wd_t2s(uint32_t c)
{
    if (c < 0x3400 || c >= 0x30000)
        return c;
    unsigned pg = wd_t2s_page[c >> 8];
    if (!pg)
        return c;
    uint32_t t = wd_t2s_block[pg - 1][c & 0xFF];
    return t ? t : c;
}

/* The hash of table keys and of dictionary content: the tree's one hash
 * (common/hash.h). */
#define WD_FNV_INIT WD_FNV_OFFSET
static inline uint64_t wd_fnv(uint64_t h, const void *p, size_t n)
{
    return wd_fnv1a64(p, n, h);
}

#endif
