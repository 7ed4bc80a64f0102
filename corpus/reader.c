/*
 * reader.c - the plumbing under every corpus format: byte sources (a file
 * descriptor or a caller's buffer, optionally converted from GB18030 with
 * glibc iconv as it streams), a line reader that grows its buffer to fit
 * lines of any length and strips "\n" / "\r\n", and the read context that
 * formats diagnostics, checks text for NUL bytes and invalid UTF-8, assigns
 * hash ids, remembers ids to warn about repeats, and calls the caller's
 * record callback.
 *
 * Files are streamed in 64 KiB chunks so that corpora of hundreds of MB
 * never have to fit in memory (only the longest line does).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "reader.h"

#define RD_CHUNK (64u * 1024u)

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

void rd_src_init_fd(rd_src *s, int fd)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->cd = (iconv_t)-1;
}

void rd_src_init_mem(rd_src *s, const char *data, size_t len)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->mem = data;
    s->mem_len = len;
    s->cd = (iconv_t)-1;
}

int rd_src_convert(rd_src *s)
{
    s->raw = wd_malloc(RD_CHUNK);
    if (!s->raw)
        return WD_ENOMEM;
    s->cd = iconv_open("UTF-8", "GB18030");
    if (s->cd == (iconv_t)-1) {
        wd_free(s->raw);
        s->raw = NULL;
        return errno == ENOMEM ? WD_ENOMEM : WD_EINTERNAL;
    }
    return WD_OK;
}

void rd_src_close(rd_src *s)
{
    if (s->cd != (iconv_t)-1)
        iconv_close(s->cd);
    s->cd = (iconv_t)-1;
    wd_free(s->raw);
    s->raw = NULL;
}

/* Raw bytes: up to `cap` into `out`. Returns the count, 0 at the end, or
 * WD_EIO. */
static long src_raw(rd_src *s, char *out, size_t cap)
{
    if (s->fd < 0) {
        size_t n = s->mem_len - s->mem_pos;
        if (n > cap)
            n = cap;
        if (n)
            memcpy(out, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        return (long)n;
    }
    for (;;) {
        ssize_t n = read(s->fd, out, cap);
        if (n >= 0)
            return (long)n;
        if (errno == EINTR)
            continue;
        s->io_errno = errno;
        return WD_EIO;
    }
}

/* Append the next chunk of (converted) text to `b`. Returns the number of
 * bytes appended (> 0), 0 at the end of the source, or a WD_E* code. */
static long src_read(rd_src *s, wd_buf *b)
{
    if (s->cd == (iconv_t)-1) {
        if (wd_buf_reserve(b, RD_CHUNK) != WD_OK)
            return WD_ENOMEM;
        long n = src_raw(s, b->data + b->len, RD_CHUNK);
        if (n > 0) {
            b->len += (size_t)n;
            b->data[b->len] = '\0';
        }
        return n;
    }
    for (;;) {
        if (!s->raw_eof && s->raw_len < RD_CHUNK) {
            long n = src_raw(s, s->raw + s->raw_len, RD_CHUNK - s->raw_len);
            if (n < 0)
                return n;
            if (n == 0)
                s->raw_eof = 1;
            s->raw_len += (size_t)n;
        }
        if (s->raw_len == 0)
            return s->raw_eof ? 0 : WD_EINTERNAL;
        /* GB18030 -> UTF-8 grows at most 3/2 (two bytes become three). */
        size_t need = s->raw_len * 2 + 16;
        if (wd_buf_reserve(b, need) != WD_OK)
            return WD_ENOMEM;
        char *in = s->raw, *out = b->data + b->len;
        size_t inleft = s->raw_len, outleft = need;
        while (inleft > 0) {
            size_t r = iconv(s->cd, &in, &inleft, &out, &outleft);
            if (r != (size_t)-1)
                break;
            if (errno == EILSEQ || (errno == EINVAL && s->raw_eof)) {
                /* Not GB18030: mark it with a byte that is never valid
                 * UTF-8 so only the line holding it is skipped. */
                if (outleft == 0)
                    break;
                *out++ = (char)0xFF;
                outleft--;
                in++;
                inleft--;
                continue;
            }
            break; /* EINVAL: a character split across reads; E2BIG */
        }
        size_t produced = need - outleft;
        memmove(s->raw, in, inleft);
        s->raw_len = inleft;
        b->len += produced;
        b->data[b->len] = '\0';
        if (produced > 0)
            return (long)produced;
        if (s->raw_eof && s->raw_len == 0)
            return 0;
        if (s->raw_eof || s->raw_len >= RD_CHUNK)
            return WD_EINTERNAL; /* cannot happen: iconv made no progress */
    }
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

void rd_lines_init(rd_lines *l, rd_src *src)
{
    memset(l, 0, sizeof *l);
    l->src = src;
}

void rd_lines_free(rd_lines *l)
{
    wd_buf_free(&l->buf);
}

/* Move the unconsumed bytes to the front so the buffer does not grow with
 * the file, only with the longest line. */
static void lines_compact(rd_lines *l)
{
    if (l->pos == 0)
        return;
    size_t rest = l->buf.len - l->pos;
    if (rest)
        memmove(l->buf.data, l->buf.data + l->pos, rest);
    l->buf.len = rest;
    l->buf.data[rest] = '\0';
    l->pos = 0;
}

int rd_lines_fill(rd_lines *l, size_t want)
{
    while (!l->eof && l->buf.len - l->pos < want) {
        if (l->pos > 0 && l->pos >= l->buf.len / 2)
            lines_compact(l);
        long n = src_read(l->src, &l->buf);
        if (n < 0)
            return (int)n;
        if (n == 0)
            l->eof = 1;
    }
    return WD_OK;
}

void rd_lines_skip_bom(rd_lines *l)
{
    if (l->buf.len - l->pos >= 3 && memcmp(l->buf.data + l->pos, "\xEF\xBB\xBF", 3) == 0) {
        l->pos += 3;
        l->consumed += 3;
    }
}

int rd_lines_next(rd_lines *l, const char **line, size_t *len)
{
    size_t scanned = 0; /* relative to pos, so it survives compaction */
    for (;;) {
        size_t avail = l->buf.len - l->pos;
        const char *start = l->buf.data ? l->buf.data + l->pos : "";
        const char *nl = avail > scanned ? memchr(start + scanned, '\n', avail - scanned) : NULL;
        size_t n;
        if (nl) {
            n = (size_t)(nl - start);
            l->pos += n + 1;
            l->consumed += n + 1;
        } else if (l->eof) {
            if (avail == 0)
                return 0;
            n = avail;
            l->pos += n;
            l->consumed += n;
        } else {
            /* One more read, whatever it brings: a pipe that has sent a
             * whole line gets it handed on without waiting for more. */
            scanned = avail;
            int rc = rd_lines_fill(l, avail + 1);
            if (rc != WD_OK)
                return rc;
            continue;
        }
        /* "\r\r\n" is a CRLF file whose line ends were converted twice:
         * every CR before the line break belongs to the terminator. */
        while (n > 0 && start[n - 1] == '\r')
            n--;
        l->lineno++;
        *line = start;
        *len = n;
        return 1;
    }
}

/* ------------------------------------------------------------------ */
/* Ids seen in this file                                               */
/* ------------------------------------------------------------------ */

void wd_corpus_hash_id(const char *question, size_t qlen, const char *answer, size_t alen,
                       char out[WD_CORPUS_HASH_ID_SIZE])
{
    uint64_t h = wd_fnv1a64(question, qlen, WD_FNV_OFFSET);
    h = wd_fnv1a64("\x1f", 1, h);
    h = wd_fnv1a64(answer, alen, h);
    snprintf(out, WD_CORPUS_HASH_ID_SIZE, "h%016llx", (unsigned long long)h);
}

/* ------------------------------------------------------------------ */
/* The read context                                                    */
/* ------------------------------------------------------------------ */

int rd_ctx_init(rd_ctx *c, const char *path, const wd_read_opts *opts, wd_record_fn fn,
                wd_diag_fn diag, void *ctx, wd_error *err)
{
    memset(c, 0, sizeof *c);
    c->ids = (wd_strmap)WD_STRMAP_INIT(sizeof(size_t));
    c->path = path;
    const char *slash = strrchr(path, '/');
    c->base = slash ? slash + 1 : path;
    const char *dot = strrchr(c->base, '.');
    size_t stem_len = (dot && dot != c->base) ? (size_t)(dot - c->base) : strlen(c->base);
    c->opts = opts;
    c->max_bytes = opts->max_record_bytes ? opts->max_record_bytes : WD_DEFAULT_MAX_RECORD_BYTES;
    c->fn = fn;
    c->diag = diag;
    c->ctx = ctx;
    c->err = err;
    c->stem = wd_strndup(c->base, stem_len);
    if (!c->stem)
        return wd_error_set(err, WD_ENOMEM, RD_ORIGIN, "%s: out of memory", path);
    return WD_OK;
}

void rd_ctx_free(rd_ctx *c)
{
    wd_free(c->stem);
    c->stem = NULL;
    wd_strmap_clear(&c->ids);
    wd_buf_free(&c->id);
}

/* A message cut by snprintf may end in the middle of a UTF-8 sequence;
 * drop the partial character so consumers always get valid UTF-8. */
static void cut_partial_utf8(char *s)
{
    size_t n = strlen(s);
    size_t i = n;
    size_t back = 0;
    while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    if (lead < 0x80)
        return;
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (back + 1 < need)
        s[i - 1] = '\0';
}

void rd_clip(char *out, size_t outsz, const char *s, size_t n)
{
    if (outsz < 8) {
        if (outsz)
            out[0] = '\0';
        return;
    }
    size_t max = outsz - 4;
    if (n <= max) {
        memcpy(out, s, n);
        out[n] = '\0';
        return;
    }
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(out, s, cut);
    memcpy(out + cut, "...", 4);
}

void rd_diag(rd_ctx *c, int level, size_t line, int code, const char *fmt, ...)
{
    if (!c->diag)
        return;
    char msg[WD_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cut_partial_utf8(msg);
    /* Messages quote the input and other libraries' words (jansson's
     * error text quotes the bytes near the error, possibly the first byte
     * of a multi-byte character): a diagnostic is always valid UTF-8. */
    wd_utf8_scrub(msg);
    c->diag(c->ctx, level, c->path, line, code, msg);
}

static int vfail(rd_ctx *c, size_t line, int code, const char *fmt, va_list ap)
{
    c->failed = 1;
    if (!c->err)
        return code;
    char msg[WD_ERROR_MESSAGE_MAX];
    int k = line ? snprintf(msg, sizeof msg, "%s:%zu: ", c->path, line)
                 : snprintf(msg, sizeof msg, "%s: ", c->path);
    if (k < 0)
        k = 0;
    if ((size_t)k < sizeof msg)
        vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
    cut_partial_utf8(msg);
    wd_utf8_scrub(msg);
    return wd_error_set(c->err, code, RD_ORIGIN, "%s", msg);
}

int rd_fail(rd_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(c, 0, code, fmt, ap);
    va_end(ap);
    return rc;
}

int rd_fail_at(rd_ctx *c, size_t line, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(c, line, code, fmt, ap);
    va_end(ap);
    return rc;
}

int rd_finish(rd_ctx *c, const rd_src *src, int rc, const char *what)
{
    if (rc == WD_OK || c->failed)
        return rc;
    if (c->stopped)
        return wd_error_set(c->err, rc, RD_ORIGIN, "%s: stopped by the %s callback (%d)", c->path,
                            what, rc);
    if (rc == WD_ENOMEM)
        return rd_fail(c, rc, "out of memory");
    if (rc == WD_EIO)
        return rd_fail(c, rc, "read error: %s", strerror(src->io_errno ? src->io_errno : EIO));
    return rd_fail(c, rc, "internal error while reading (%s)", wd_code_name(rc));
}

int rd_text_ok(const char *s, size_t n, size_t *bad_at, int *is_nul)
{
    const char *z = memchr(s, '\0', n);
    size_t bad = 0;
    int utf8_ok = wd_utf8_valid(s, n, &bad);
    if (!z && utf8_ok)
        return 1;
    /* Report whichever problem comes first in the line. */
    if (z && (utf8_ok || (size_t)(z - s) < bad)) {
        *bad_at = (size_t)(z - s);
        *is_nul = 1;
    } else {
        *bad_at = bad;
        *is_nul = 0;
    }
    return 0;
}

void rd_diag_bad_text(rd_ctx *c, size_t line, size_t bad_at, int is_nul)
{
    if (is_nul)
        rd_diag(c, WD_DIAG_SKIP, line, WD_EENCODING,
                "NUL byte at byte %zu; the record was skipped (is this a binary or UTF-16 file?)",
                bad_at + 1);
    else if (c->converting)
        rd_diag(c, WD_DIAG_SKIP, line, WD_EENCODING,
                "bytes that are not valid GB18030 near byte %zu; the record was skipped",
                bad_at + 1);
    else
        rd_diag(c, WD_DIAG_SKIP, line, WD_EENCODING,
                "invalid UTF-8 at byte %zu; the record was skipped (save the file as UTF-8, or "
                "pass --encoding gb18030 if it is GBK)",
                bad_at + 1);
}

int rd_valid_date(const char *s, size_t n)
{
    if (n != 10)
        return 0;
    for (size_t i = 0; i < 10; i++) {
        int dash = (i == 4 || i == 7);
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    }
    return 1;
}

int rd_emit(rd_ctx *c, wd_record *rec, size_t qlen, size_t alen, int check_dup)
{
    if (rd_is_blank(rec->question, qlen)) {
        rd_diag(c, WD_DIAG_SKIP, rec->line, WD_EFORMAT, "empty question; the record was skipped");
        return WD_OK;
    }
    char hid[WD_CORPUS_HASH_ID_SIZE];
    if (!rec->id || !rec->id[0]) {
        wd_corpus_hash_id(rec->question, qlen, rec->answer, alen, hid);
        rec->id = hid;
    }
    /* Everything the record keeps counts: a search that hits it hands out
     * its source and id as well as its question and answer. */
    size_t idlen = strlen(rec->id);
    size_t srclen = strlen(rec->source ? rec->source : c->base);
    size_t datelen = rec->date ? strlen(rec->date) : 0;
    size_t total = qlen + alen + idlen + srclen + datelen;
    size_t fieldlen = 0;
    for (size_t i = 0; i < rec->n_fields; i++)
        fieldlen += strlen(rec->fields[i].name) + strlen(rec->fields[i].value);
    total += fieldlen;
    if (total > c->max_bytes) {
        char fields[48] = "";
        if (rec->n_fields)
            snprintf(fields, sizeof fields, ", extra fields %zu", fieldlen);
        rd_diag(c, WD_DIAG_SKIP, rec->line, WD_EFORMAT,
                "record of %zu bytes (question %zu, answer %zu, id %zu, source %zu, date %zu%s) "
                "is over the limit of %zu bytes; the record was skipped (raise the limit with "
                "--max-record-bytes)",
                total, qlen, alen, idlen, srclen, datelen, fields, c->max_bytes);
        return WD_OK;
    }
    if (!rec->source)
        rec->source = c->base;
    if (check_dup) {
        int added = 0;
        size_t *seen = wd_strmap_put(&c->ids, rec->id, strlen(rec->id), &added);
        if (!seen)
            return WD_ENOMEM;
        size_t prev = *seen;
        *seen = rec->line;
        if (!added) {
            char shown[96];
            rd_clip(shown, sizeof shown, rec->id, strlen(rec->id));
            rd_diag(c, WD_DIAG_WARNING, rec->line, WD_EFORMAT,
                    "id %s repeats line %zu; the later record replaces it", shown, prev);
        }
    }
    if (c->opts->bytes_done && c->lines)
        *c->opts->bytes_done = c->lines->consumed;
    if (c->fn) {
        int rc = c->fn(c->ctx, rec);
        if (rc != 0) {
            c->stopped = 1;
            return rc;
        }
    }
    c->delivered++;
    return WD_OK;
}

/* ------------------------------------------------------------------ */
/* Small text helpers                                                  */
/* ------------------------------------------------------------------ */

int rd_is_blank(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v') {
            i++;
        } else if (n - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0) { /* U+3000 */
            i += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

void rd_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
        len--;
    }
    while (len &&
           (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '\n'))
        len--;
    *s = p;
    *n = len;
}

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

int rd_name_eqn(const char *s, size_t n, const char *z, size_t zn)
{
    if (zn != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != lower((unsigned char)z[i]))
            return 0;
    return 1;
}

int rd_name_eq(const char *s, size_t n, const char *z)
{
    return rd_name_eqn(s, n, z, strlen(z));
}

int rd_ext_is(const char *name, const char *ext)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot && dot != base && rd_name_eq(dot + 1, strlen(dot + 1), ext);
}
