/*
 * buf.c - growable byte buffers with a sticky out-of-memory flag, and the
 * strict UTF-8 decoder every module shares (so "valid UTF-8" means one thing
 * across readers, analyzer and service).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wenda/buf.h"
#include "wenda/error.h"

int wd_buf_reserve(wd_buf *b, size_t extra)
{
    if (b->oom)
        return WD_ENOMEM;
    if (b->len + extra + 1 <= b->cap)
        return WD_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->oom = 1;
            return WD_ENOMEM;
        }
        cap *= 2;
    }
    char *p = wd_realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return WD_ENOMEM;
    }
    b->data = p;
    b->cap = cap;
    return WD_OK;
}

int wd_buf_append(wd_buf *b, const void *p, size_t n)
{
    if (wd_buf_reserve(b, n) != WD_OK)
        return WD_ENOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return WD_OK;
}

int wd_buf_puts(wd_buf *b, const char *s)
{
    return wd_buf_append(b, s, strlen(s));
}

int wd_buf_putc(wd_buf *b, char c)
{
    return wd_buf_append(b, &c, 1);
}

int wd_buf_printf(wd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return WD_EINVAL;
    if (wd_buf_reserve(b, (size_t)n) != WD_OK)
        return WD_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return WD_OK;
}

void wd_buf_reset(wd_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void wd_buf_free(wd_buf *b)
{
    wd_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

int wd_buf_read_stream(wd_buf *b, FILE *f)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        wd_buf_append(b, chunk, n);
    if (ferror(f))
        return WD_EIO;
    if (!b->oom && wd_buf_reserve(b, 0) == WD_OK) /* data non-NULL even when empty */
        b->data[b->len] = '\0';
    return b->oom ? WD_ENOMEM : WD_OK;
}

char *wd_buf_detach(wd_buf *b)
{
    char *p = b->data;
    if (!p && !b->oom)
        p = wd_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return p;
}

int wd_buf_json_string(wd_buf *b, const char *s, size_t len)
{
    wd_buf_reserve(b, len + 2);
    wd_buf_putc(b, '"');
    const char *run = s, *end = s + len;
    for (const char *p = s; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        wd_buf_append(b, run, (size_t)(p - run));
        run = p + 1;
        char esc[8];
        switch (c) {
        case '"': wd_buf_puts(b, "\\\""); break;
        case '\\': wd_buf_puts(b, "\\\\"); break;
        case '\b': wd_buf_puts(b, "\\b"); break;
        case '\f': wd_buf_puts(b, "\\f"); break;
        case '\n': wd_buf_puts(b, "\\n"); break;
        case '\r': wd_buf_puts(b, "\\r"); break;
        case '\t': wd_buf_puts(b, "\\t"); break;
        default: snprintf(esc, sizeof esc, "\\u%04X", c); wd_buf_puts(b, esc);
        }
    }
    wd_buf_append(b, run, (size_t)(end - run));
    wd_buf_putc(b, '"');
    return b->oom ? WD_ENOMEM : WD_OK;
}

int wd_buf_visible(wd_buf *b, const char *s, size_t len)
{
    wd_buf_reserve(b, len);
    const char *run = s, *end = s + len;
    for (const char *p = s; p < end;) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n') {
            p++;
            continue;
        }
        uint32_t cp = 0;
        size_t l = c < 0x80 ? 1 : wd_utf8_decode(p, (size_t)(end - p), &cp);
        if (l > 1 && cp > 0x9F) {
            p += l;
            continue;
        }
        wd_buf_append(b, run, (size_t)(p - run));
        char esc[8];
        if (l > 1) /* a C1 control character */
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
        else /* C0, DEL, or a byte that is not UTF-8 */
            snprintf(esc, sizeof esc, "\\x%02X", c);
        wd_buf_puts(b, esc);
        p += l ? l : 1;
        run = p;
    }
    wd_buf_append(b, run, (size_t)(end - run));
    return b->oom ? WD_ENOMEM : WD_OK;
}

size_t wd_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    unsigned c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (wd_utf8_decode3(s, n, cp))
        return 3;
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t wd_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int wd_utf8_valid(const char *s, size_t n, size_t *bad_at)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t l = wd_utf8_decode(s + i, n - i, &cp);
        if (!l) {
            if (bad_at)
                *bad_at = i;
            return 0;
        }
        i += l;
    }
    return 1;
}

void wd_utf8_scrub(char *s)
{
    size_t n = strlen(s), bad = 0, at = 0;
    while (at < n && !wd_utf8_valid(s + at, n - at, &bad)) {
        s[at + bad] = '?';
        at += bad + 1;
    }
}

size_t wd_utf8_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}
