/*
 * lexparse.c - parser for the dictionary line formats (see lexparse.h).
 * Each line is checked for strict UTF-8, normalised, split on ASCII blanks
 * and validated; an error names the file and line.
 */
#include <string.h>

#include "lexparse.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"

#define MAX_FIELDS 64
#define MAX_FREQ 1000000000u

static int parse_freq(const char *f, uint32_t *out)
{
    uint64_t v = 0;
    if (!*f)
        return 0;
    for (; *f; f++) {
        if (*f < '0' || *f > '9')
            return 0;
        v = v * 10 + (uint64_t)(*f - '0');
        if (v > MAX_FREQ)
            return 0;
    }
    *out = (uint32_t)v;
    return v > 0;
}

static int bad(wd_error *err, const char *name, unsigned line, const char *what, const char *word)
{
    if (word)
        return wd_error_set(err, WD_EFORMAT, "dict", "%s:%u: %s '%.80s'", name, line, what, word);
    return wd_error_set(err, WD_EFORMAT, "dict", "%s:%u: %s", name, line, what);
}

static int parse_line(int kind, const char *name, unsigned line, char *t, wd_lex_fn fn, void *ctx,
                      wd_error *err)
{
    const char *f[MAX_FIELDS];
    size_t nf = 0;
    char *p = t;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (nf == 0 && *p == '#')
            return WD_OK; /* comment */
        if (nf == MAX_FIELDS)
            return bad(err, name, line, "too many fields", NULL);
        f[nf++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
    if (nf == 0)
        return WD_OK;
    uint32_t freq = 0;
    size_t nw = nf;
    switch (kind) {
    case WD_LEX_WORDS:
        if (nf > 3)
            return bad(err, name, line, "expected 'word [freq [tag]]', got", f[0]);
        if (nf >= 2 && !parse_freq(f[1], &freq))
            return bad(err, name, line, "frequency is not a positive integer:", f[1]);
        nw = 1;
        break;
    case WD_LEX_STOP:
        if (nf != 1)
            return bad(err, name, line, "expected one word a line, got", f[1]);
        break;
    case WD_LEX_SYN:
        if (nf < 2)
            return bad(err, name, line, "a synonym group needs at least two words:", f[0]);
        break;
    default: return wd_error_set(err, WD_EINVAL, "dict", "bad lexicon kind");
    }
    for (size_t i = 0; i < nw; i++)
        if (strlen(f[i]) > WD_MAX_WORD_BYTES)
            return bad(err, name, line, "word longer than WD_MAX_WORD_BYTES:", f[i]);
    return fn(ctx, f, nw, freq, line, err);
}

int wd_lex_parse(int kind, const char *name, const char *text, size_t len, wd_norm *nm,
                 wd_lex_fn fn, void *ctx, wd_error *err)
{
    wd_buf lb = WD_BUF_INIT;
    int rc = WD_OK;
    size_t pos = 0;
    unsigned line = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len && rc == WD_OK) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        line++;
        if (n && text[pos + n - 1] == '\r')
            n--;
        size_t bad_at;
        if (!wd_utf8_valid(text + pos, n, &bad_at)) {
            rc = wd_error_set(err, WD_EFORMAT, "dict", "%s:%u: invalid UTF-8 at column %zu", name,
                              line, bad_at + 1);
            break;
        }
        if (memchr(text + pos, '\0', n)) {
            rc = wd_error_set(err, WD_EFORMAT, "dict", "%s:%u: NUL byte", name, line);
            break;
        }
        wd_buf_reset(&lb);
        rc = wd_norm_utf8(nm, text + pos, n, &lb, err);
        if (rc == WD_OK)
            rc = parse_line(kind, name, line, lb.data, fn, ctx, err);
        pos = end + 1;
    }
    wd_buf_free(&lb);
    return rc;
}
