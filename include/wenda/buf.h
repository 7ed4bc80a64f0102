/*
 * wenda/buf.h - a growable byte buffer and UTF-8 helpers shared by all
 * modules. A wd_buf owns its bytes; `data` is always NUL-terminated when
 * non-NULL. A failed append leaves `oom` set (sticky), so long pipelines can
 * append freely and check once at the end.
 */
#ifndef WENDA_BUF_H
#define WENDA_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wd_buf {
    char *data;
    size_t len;
    size_t cap;
    int oom; /* sticky: an append failed */
} wd_buf;

#define WD_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

int wd_buf_reserve(wd_buf *b, size_t extra);
int wd_buf_append(wd_buf *b, const void *p, size_t n);
int wd_buf_puts(wd_buf *b, const char *s);
int wd_buf_putc(wd_buf *b, char c);
int wd_buf_printf(wd_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void wd_buf_reset(wd_buf *b); /* len = 0, keeps memory */
void wd_buf_free(wd_buf *b);  /* frees memory, back to WD_BUF_INIT */
/* Hand the bytes to the caller (new; NUL-terminated) and reset the buffer. */
char *wd_buf_detach(wd_buf *b);
/* Append what is left of stream f (not closed). Afterwards data is
 * non-NULL, also for an empty file. WD_OK, WD_EIO (a read error) or
 * WD_ENOMEM. */
int wd_buf_read_stream(wd_buf *b, FILE *f);
/* Append s[0..len) as a JSON string, quotes included, byte for byte what
 * jansson's compact dump writes: `"` and `\` escaped, \b \f \n \r \t, other
 * control characters as \u00XX, everything else (UTF-8 included) as is.
 * s must be valid UTF-8. */
int wd_buf_json_string(wd_buf *b, const char *s, size_t len);
/* Append s[0..len) for a person to read on a terminal: control characters
 * (C0 but tab and line feed, DEL, C1 U+0080..U+009F) as \xHH or \u00HH,
 * and bytes that are not UTF-8 as \xHH, so that text from a record or an
 * input file cannot move the cursor, retitle the window or clear the
 * screen; everything else as is. The one escape of human-readable output
 * (JSON, TSV and HTML have their own). */
int wd_buf_visible(wd_buf *b, const char *s, size_t len);

/* UTF-8. wd_utf8_valid checks strict UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF); on failure *bad_at (if given) is the byte
 * offset of the first bad sequence. */
int wd_utf8_valid(const char *s, size_t n, size_t *bad_at);
/* Replace, in place, each byte of the NUL-terminated s that is not part of
 * valid UTF-8 with '?' (for text that must be UTF-8, such as JSON, made
 * from bytes that may not be: file names, other libraries' messages). */
void wd_utf8_scrub(char *s);
/* Decode one code point at s[0..n); returns its length in bytes (1..4) and
 * stores it in *cp, or returns 0 on an invalid sequence. */
size_t wd_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* wd_utf8_decode's first case, in line for loops that decode text a code
 * point at a time (Chinese text is nearly all of it): three bytes led by
 * E1..EC or EE..EF, which can be neither overlong nor a surrogate, so only
 * the continuation bytes are checked. 3 with *cp, or 0: wd_utf8_decode
 * decides. */
static inline size_t wd_utf8_decode3(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n < 3 || u[0] < 0xE1 || u[0] > 0xEF || u[0] == 0xED || (u[1] & 0xC0) != 0x80 ||
        (u[2] & 0xC0) != 0x80)
        return 0;
    *cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    return 3;
}
/* Encode cp into out (at least 4 bytes); returns the length. */
size_t wd_utf8_encode(uint32_t cp, char *out);
/* Number of code points in a valid UTF-8 string. */
size_t wd_utf8_count(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
