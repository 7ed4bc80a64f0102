/*
 * norm.c - normalisation with an offset map back to the original bytes.
 *
 * The text is cut into normalisation segments at ICU's NFKC boundaries
 * (unorm2_hasBoundaryBefore), so each segment normalises independently and
 * every output code point can be charged to the original bytes of its
 * segment. Almost every code point in Chinese text is its own segment and
 * takes a fast path that never calls into ICU's normaliser: ASCII (only
 * A-Z change, to a-z), the CJK unified ideographs (NFKC leaves them alone)
 * and the full-width ASCII forms U+FF01..U+FF5E (NFKC maps them to ASCII).
 * Inert code points (unorm2_isInert) pass through unchanged. Everything
 * else goes through unorm2_normalize with the NFKC_Casefold instance.
 * Finally each code point is folded Traditional -> Simplified through the
 * generated table (wd_t2s). Invalid UTF-8 bytes are skipped.
 *
 * wd_norm_utf8 (the normalised text alone, as wd_normalize gives it) needs
 * no offsets: a chunk whose every code point takes the fast path is
 * normalised in one pass straight to UTF-8, its unchanged bytes copied a run
 * at a time; any other chunk goes through wd_norm_text. wd_norm_utf8_spans
 * makes the text the same way, and needs offsets only when some code point
 * did not come from exactly one code point of the input in order: such a
 * text is normalised again through wd_norm_text, which gives them.
 */
#include <string.h>

#include "grow.h"
#include "norm.h"

int wd_norm_init(wd_norm *nm, wd_error *err)
{
    memset(nm, 0, sizeof *nm);
    UErrorCode st = U_ZERO_ERROR;
    nm->nfkc = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st) || !nm->nfkc)
        return wd_error_set(err, st == U_MEMORY_ALLOCATION_ERROR ? WD_ENOMEM : WD_ERROR, "icu",
                            "unorm2_getNFKCCasefoldInstance: %s", u_errorName(st));
    return WD_OK;
}

void wd_ntext_free(wd_ntext *t)
{
    wd_free(t->cp);
    wd_free(t->ostart);
    wd_free(t->oend);
    memset(t, 0, sizeof *t);
}

void wd_norm_fini(wd_norm *nm)
{
    if (!nm)
        return;
    wd_free(nm->in16);
    wd_free(nm->out16);
    wd_ntext_free(&nm->scratch);
    memset(nm, 0, sizeof *nm);
}

/* cp, ostart and oend share cap (parallel arrays, see grow.h). */
static int ntext_reserve(wd_ntext *t, size_t need)
{
    size_t cap = t->cap, cap_s = t->cap, cap_e = t->cap;
    if (WD_GROW(t->cp, cap, need, 256) != WD_OK || WD_GROW(t->ostart, cap_s, need, 256) != WD_OK ||
        WD_GROW(t->oend, cap_e, need, 256) != WD_OK)
        return WD_ENOMEM;
    t->cap = cap;
    return WD_OK;
}

static inline void ntext_put(wd_ntext *t, uint32_t c, size_t s, size_t e)
{
    t->cp[t->n] = wd_t2s(c);
    t->ostart[t->n] = (uint32_t)s;
    t->oend[t->n] = (uint32_t)e;
    t->n++;
}

/* in16 and out16 share cap16 (parallel arrays, see grow.h), an int32_t
 * because ICU takes capacities so; chunks (WD_CHUNK_MAX) keep it far below
 * INT32_MAX. */
static int norm_reserve16(wd_norm *nm, int32_t need)
{
    size_t cap = (size_t)nm->cap16, cap_out = (size_t)nm->cap16;
    if (WD_GROW(nm->in16, cap, (size_t)need, 64) != WD_OK ||
        WD_GROW(nm->out16, cap_out, (size_t)need, 64) != WD_OK || cap > INT32_MAX)
        return WD_ENOMEM;
    nm->cap16 = (int32_t)cap;
    return WD_OK;
}

/* Decode the next valid code point at or after *p, skipping invalid bytes;
 * *p is left at its first byte. Returns its length, 0 at the end. */
static inline size_t next_cp(const char *s, size_t len, size_t *p, uint32_t *cp)
{
    while (*p < len) {
        unsigned char b = (unsigned char)s[*p];
        if (b < 0x80) {
            *cp = b;
            return 1;
        }
        if (wd_utf8_decode3(s + *p, len - *p, cp))
            return 3;
        size_t l = wd_utf8_decode(s + *p, len - *p, cp);
        if (l)
            return l;
        (*p)++;
    }
    return 0;
}

/* The CJK ideographs of the main block and extension A: their own
 * NFKC_Casefold image, each with a boundary before it. */
static inline int is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

/* An ASCII code point's NFKC_Casefold image: lower case. */
static inline uint32_t ascii_fold(uint32_t c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Code points normalised on the fast path (see the file comment); *m gets
 * the NFKC_Casefold image. */
static inline int fast_map(const UNormalizer2 *n, uint32_t c, uint32_t *m)
{
    if (c < 0x80) {
        *m = ascii_fold(c);
        return 1;
    }
    if (is_han(c)) {
        *m = c;
        return 1;
    }
    if (c >= 0xFF01 && c <= 0xFF5E) { /* full-width ASCII */
        *m = ascii_fold(c - 0xFEE0);
        return 1;
    }
    if (unorm2_isInert(n, (UChar32)c)) {
        *m = c;
        return 1;
    }
    return 0;
}

static inline int boundary_before(const UNormalizer2 *n, uint32_t c)
{
    if (c < 0x300)
        return c != 0xAD; /* soft hyphen: removed by NFKC_Casefold */
    if (is_han(c) || (c >= 0xFF01 && c <= 0xFF5E))
        return 1;
    return unorm2_hasBoundaryBefore(n, (UChar32)c);
}

static int icu_fail(wd_error *err, UErrorCode st, const char *what)
{
    return wd_error_set(err, st == U_MEMORY_ALLOCATION_ERROR ? WD_ENOMEM : WD_ERROR, "icu",
                        "%s: %s", what, u_errorName(st));
}

int wd_norm_text(wd_norm *nm, const char *s, size_t len, wd_ntext *out, wd_error *err)
{
    out->n = 0;
    if (len > UINT32_MAX)
        return wd_error_set(err, WD_EINVAL, "analyzer", "normalisation chunk too large");
    /* Output never has more code points than input bytes, except where
     * NFKC expands; the slow path reserves for that itself. */
    if (ntext_reserve(out, len + 1) != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
    const UNormalizer2 *n = nm->nfkc;
    size_t p = 0;
    uint32_t c, nc = 0;
    size_t l = next_cp(s, len, &p, &c);
    while (l) {
        size_t cs = p;
        p += l;
        size_t nl = next_cp(s, len, &p, &nc);
        uint32_t m;
        if ((!nl || boundary_before(n, nc)) && fast_map(n, c, &m)) {
            if (out->n >= out->cap && ntext_reserve(out, out->n + 1) != WD_OK)
                return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
            ntext_put(out, m, cs, cs + l);
            c = nc;
            l = nl;
            continue;
        }
        /* Slow path: gather the segment up to the next boundary. */
        int32_t n16 = 0;
        size_t se = cs + l;
        for (;;) {
            if (norm_reserve16(nm, n16 + 2) != WD_OK)
                return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
            U16_APPEND_UNSAFE(nm->in16, n16, c);
            if (!nl || boundary_before(n, nc))
                break;
            c = nc;
            se = p + nl;
            p += nl;
            nl = next_cp(s, len, &p, &nc);
            if (n16 > (1 << 20)) /* absurd run of combining marks: cut it */
                break;
        }
        UErrorCode st = U_ZERO_ERROR;
        int32_t o16 = unorm2_normalize(n, nm->in16, n16, nm->out16, nm->cap16, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            if (norm_reserve16(nm, o16 + 1) != WD_OK)
                return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
            st = U_ZERO_ERROR;
            o16 = unorm2_normalize(n, nm->in16, n16, nm->out16, nm->cap16, &st);
        }
        if (U_FAILURE(st))
            return icu_fail(err, st, "unorm2_normalize");
        if (ntext_reserve(out, out->n + (size_t)o16 + 1) != WD_OK)
            return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
        for (int32_t i = 0; i < o16;) {
            UChar32 oc;
            U16_NEXT(nm->out16, i, o16, oc);
            ntext_put(out, (uint32_t)oc, cs, se);
        }
        c = nc;
        l = nl;
    }
    return WD_OK;
}

/* wd_norm_utf8 of a chunk in one pass, when every code point of it takes
 * wd_norm_text's fast path (nearly every chunk of Chinese text): the UTF-8
 * of what wd_norm_text gives appended to out, the bytes of code points that
 * map to themselves copied a run at a time. A code point takes the fast
 * path when it has a fast image (fast_map) and the next one a boundary
 * before it: the whole chunk does when each has a fast image and each but
 * the first a boundary, which ASCII, the CJK ideographs and the full-width
 * forms have without asking ICU. 1, with out as it was, when a code point
 * needs ICU's normaliser (wd_norm_text then does the chunk); WD_OK;
 * WD_ENOMEM. *skipped is set when an invalid byte was left out. */
static int norm_fast_utf8(const UNormalizer2 *n, const char *s, size_t len, wd_buf *out,
                          int *skipped)
{
    size_t at = out->len, p = 0;
    size_t r0 = 0, r1 = 0; /* s[r0..r1): code points that map to themselves, not yet out */
    if (wd_buf_reserve(out, len) != WD_OK) /* what most chunks need, at once */
        return WD_ENOMEM;
    uint32_t c;
    size_t prev = 0; /* the end of the last code point: a gap is a skipped byte */
    for (size_t l, first = 1; (l = next_cp(s, len, &p, &c)) != 0; first = 0) {
        size_t cs = p;
        if (cs != prev)
            *skipped = 1;
        p += l;
        prev = p;
        uint32_t m;
        if (is_han(c))
            m = c;
        else if (c < 0x80)
            m = ascii_fold(c);
        else if (!((first || boundary_before(n, c)) && fast_map(n, c, &m))) {
            out->len = at;
            if (out->data)
                out->data[at] = '\0';
            return 1;
        }
        m = wd_t2s(m);
        if (m == c && cs == r1) {
            r1 = cs + l;
        } else {
            char e[4];
            if (wd_buf_append(out, s + r0, r1 - r0) != WD_OK ||
                (m != c && wd_buf_append(out, e, wd_utf8_encode(m, e)) != WD_OK))
                return WD_ENOMEM;
            r0 = m == c ? cs : cs + l;
            r1 = cs + l;
        }
    }
    if (p != prev) /* invalid bytes at the end */
        *skipped = 1;
    return wd_buf_append(out, s + r0, r1 - r0);
}

int wd_norm_utf8(wd_norm *nm, const char *s, size_t len, wd_buf *out, wd_error *err)
{
    size_t pos = 0;
    int skipped = 0;
    while (pos < len) {
        size_t end = wd_chunk_end(s, pos, len);
        int rc = norm_fast_utf8(nm->nfkc, s + pos, end - pos, out, &skipped);
        if (rc == WD_ENOMEM)
            return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
        if (rc == WD_OK) {
            pos = end;
            continue;
        }
        rc = wd_norm_text(nm, s + pos, end - pos, &nm->scratch, err);
        if (rc != WD_OK)
            return rc;
        if (wd_buf_reserve(out, nm->scratch.n * 4) != WD_OK)
            return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
        for (size_t i = 0; i < nm->scratch.n; i++)
            out->len += wd_utf8_encode(nm->scratch.cp[i], out->data + out->len);
        out->data[out->len] = '\0';
        pos = end;
    }
    if (!out->data) {
        if (wd_buf_reserve(out, 0) != WD_OK)
            return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
        out->data[0] = '\0';
    }
    return WD_OK;
}

/* Whether code point k of the map came from exactly the k-th code point of
 * s[0..len), for every k, and s is all valid UTF-8. */
static int one_to_one(const char *s, size_t len, const uint32_t *spans, size_t n)
{
    size_t p = 0, k = 0;
    for (; p < len && k < n; k++) {
        uint32_t c;
        size_t l = wd_utf8_decode(s + p, len - p, &c);
        if (!l || spans[2 * k] != p || spans[2 * k + 1] != p + l)
            return 0;
        p += l;
    }
    return p == len && k == n;
}

int wd_norm_utf8_spans(wd_norm *nm, const char *s, size_t len, wd_buf *out, uint32_t **spans,
                       size_t *n_spans, wd_error *err)
{
    *spans = NULL;
    *n_spans = 0;
    if (len > UINT32_MAX)
        return wd_error_set(err, WD_EINVAL, "analyzer", "text too large to map (over 4 GB)");
    size_t at = out->len, pos = 0;
    int skipped = 0;
    while (pos < len && !skipped) {
        size_t end = wd_chunk_end(s, pos, len);
        int rc = norm_fast_utf8(nm->nfkc, s + pos, end - pos, out, &skipped);
        if (rc == WD_ENOMEM)
            return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
        if (rc != WD_OK)
            break;
        pos = end;
    }
    if (pos >= len && !skipped) {
        if (wd_buf_append(out, "", 0) != WD_OK) /* "" for an empty text */
            return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
        return WD_OK;
    }
    /* Not one to one, or not known to be: the whole text again, with offsets. */
    out->len = at;
    uint32_t *sp = NULL;
    size_t cap = 0, n = 0;
    for (pos = 0; pos < len;) {
        size_t end = wd_chunk_end(s, pos, len);
        int rc = wd_norm_text(nm, s + pos, end - pos, &nm->scratch, err);
        if (rc != WD_OK) {
            wd_free(sp);
            return rc;
        }
        const wd_ntext *t = &nm->scratch;
        if (wd_buf_reserve(out, t->n * 4) != WD_OK ||
            WD_GROW(sp, cap, 2 * (n + t->n) + 1, 256) != WD_OK) { /* + 1: a map also when empty */
            wd_free(sp);
            return wd_error_set(err, WD_ENOMEM, "analyzer", "out of memory");
        }
        for (size_t i = 0; i < t->n; i++, n++) {
            out->len += wd_utf8_encode(t->cp[i], out->data + out->len);
            sp[2 * n] = (uint32_t)pos + t->ostart[i];
            sp[2 * n + 1] = (uint32_t)pos + t->oend[i];
        }
        out->data[out->len] = '\0';
        pos = end;
    }
    if (one_to_one(s, len, sp, n)) {
        wd_free(sp);
        sp = NULL;
    }
    *spans = sp;
    *n_spans = sp ? n : 0;
    return WD_OK;
}

/* A place to cut: before s[q], where the byte before ends a newline, a
 * space or 。！？ and s[q] starts ASCII or a U+4000..U+9FFF ideograph. */
static int safe_cut(const char *s, size_t q)
{
    unsigned char b = (unsigned char)s[q];
    if (!(b < 0x80 || (b >= 0xE4 && b <= 0xE9)))
        return 0;
    unsigned char a = (unsigned char)s[q - 1];
    if (a == ' ' || a == '\t' || a == '\r' || a == '\n')
        return 1;
    if (q >= 3) {
        const unsigned char *t = (const unsigned char *)s + q - 3;
        if ((t[0] == 0xE3 && t[1] == 0x80 && t[2] == 0x82) || /* 。 */
            (t[0] == 0xEF && t[1] == 0xBC && t[2] == 0x81) || /* ！ */
            (t[0] == 0xEF && t[1] == 0xBC && t[2] == 0x9F))   /* ？ */
            return 1;
    }
    return 0;
}

size_t wd_chunk_end(const char *s, size_t pos, size_t len)
{
    if (len - pos <= WD_CHUNK_MAX)
        return len;
    size_t lo = pos + WD_CHUNK_TARGET, hi = pos + WD_CHUNK_MAX;
    const char *nl = memchr(s + lo, '\n', hi - lo);
    if (nl)
        return (size_t)(nl - s) + 1;
    for (size_t q = lo; q < hi; q++)
        if (safe_cut(s, q))
            return q;
    size_t q = hi; /* blind cut, at a code point boundary */
    while (q > lo && ((unsigned char)s[q] & 0xC0) == 0x80)
        q--;
    return q;
}
