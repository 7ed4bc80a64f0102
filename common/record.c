/*
 * record.c - the codec of a record's stored form (wenda/record.h).
 *
 * Encoding runs once per indexed record and decoding once per candidate of
 * every search, so both work directly on bytes, without building a JSON
 * tree. The decoder accepts any flat JSON object (string, number, true,
 * false and null values; unknown keys skipped; a repeated key's last value
 * wins, as jansson does), so the form older wendas wrote through jansson
 * reads the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wenda/buf.h"
#include "wenda/record.h"

const char *wd_record_kind_name(int kind)
{
    switch (kind) {
    case WD_KIND_QA: return "qa";
    case WD_KIND_QUESTION: return "question";
    default: return "unknown";
    }
}

int wd_record_kind_from_name(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "qa") == 0)
        return WD_KIND_QA;
    if (strcmp(s, "question") == 0)
        return WD_KIND_QUESTION;
    return -1;
}

int wd_field_name_ok(const char *name, size_t len)
{
    static const char *const own[] = {
        "id", "question", "answer", "kind", "source", "date", "line"
    };
    if (len == 0 || len > WD_FIELD_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f || c == '=' || c == ',' || c == '*' || c == ' ' || c == '"' ||
            c == '\\')
            return 0;
    }
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (strlen(own[i]) == len && memcmp(own[i], name, len) == 0)
            return 0;
    return 1;
}

int wd_record_encode(const wd_record *rec, wd_buf *out)
{
    static const char *const names[] = { "id", "question", "answer", "kind", "source", "date" };
    const char *const vals[] = { rec->id,
                                 rec->question,
                                 rec->answer ? rec->answer : "",
                                 wd_record_kind_name(rec->kind),
                                 rec->source ? rec->source : "",
                                 rec->date };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!vals[i])
            continue; /* only the date is optional */
        wd_buf_puts(out, i ? ",\"" : "{\"");
        wd_buf_puts(out, names[i]);
        wd_buf_puts(out, "\":");
        wd_buf_json_string(out, vals[i], strlen(vals[i]));
    }
    for (size_t i = 0; i < rec->n_fields; i++) {
        wd_buf_puts(out, ",\"" WD_FIELD_KEY_PREFIX);
        wd_buf_puts(out, rec->fields[i].name); /* names need no escapes (wd_field_name_ok) */
        wd_buf_puts(out, "\":");
        const char *v = rec->fields[i].value ? rec->fields[i].value : "";
        wd_buf_json_string(out, v, strlen(v));
    }
    wd_buf_putc(out, '}');
    return out->oom ? WD_ENOMEM : WD_OK;
}

/* ---- decoding ---------------------------------------------------------------- */

typedef struct reader {
    const char *p, *end;
    char *o; /* where the next decoded string goes (in the record's block) */
} reader;

static void skip_ws(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return 0;
        *v = *v * 16 + d;
    }
    return 1;
}

/* The bytes from p on that a JSON string holds as they are: up to a quote,
 * a backslash or a control character (the end of the string, an escape, an
 * error). Eight at a time: a word has a byte below 0x20 when subtracting
 * 0x20 from each borrows into its top bit, and one equal to b when that of
 * the word xor b does for 1. Answers are most of a record's bytes. */
static size_t plain_run(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101u, tops = 0x8080808080808080u;
    const char *s = p;
    while (end - p >= 8) {
        uint64_t v, q, b;
        memcpy(&v, p, 8);
        q = v ^ (ones * '"');
        b = v ^ (ones * '\\');
        if ((((v - ones * 0x20) & ~v) | ((q - ones) & ~q) | ((b - ones) & ~b)) & tops)
            break;
        p += 8;
    }
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
        p++;
    return (size_t)(p - s);
}

/* The JSON string at r->p (its opening quote), decoded to r->o when keep,
 * NUL-terminated; *s is where it starts. 0 when it is not a valid string.
 * A decoded string is never longer than its JSON form. */
static int string(reader *r, int keep, const char **s)
{
    if (r->p >= r->end || *r->p != '"')
        return 0;
    r->p++;
    char *o = r->o;
    *s = o;
    while (r->p < r->end && *r->p != '"') {
        size_t run = plain_run(r->p, r->end);
        if (run) {
            if (keep)
                memcpy(o, r->p, run);
            o += keep ? run : 0;
            r->p += run;
            continue;
        }
        if ((unsigned char)*r->p < 0x20)
            return 0;
        if (r->end - r->p < 2)
            return 0;
        char e = r->p[1];
        r->p += 2;
        char one = e == 'b'                            ? '\b'
                   : e == 'f'                          ? '\f'
                   : e == 'n'                          ? '\n'
                   : e == 'r'                          ? '\r'
                   : e == 't'                          ? '\t'
                   : e == '"' || e == '\\' || e == '/' ? e
                                                       : 0;
        if (one) {
            if (keep)
                *o++ = one;
            continue;
        }
        unsigned u, lo;
        if (e != 'u' || r->end - r->p < 4 || !hex4(r->p, &u))
            return 0;
        r->p += 4;
        if (u >= 0xDC00 && u <= 0xDFFF)
            return 0;
        if (u >= 0xD800 && u <= 0xDBFF) { /* a surrogate pair */
            if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || !hex4(r->p + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF)
                return 0;
            r->p += 6;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (u == 0)
            return 0; /* a NUL would cut the C string */
        if (keep)
            o += wd_utf8_encode(u, o);
    }
    if (r->p >= r->end)
        return 0;
    r->p++;
    if (keep) {
        *o++ = '\0';
        r->o = o;
    }
    return 1;
}

/* A value that is not a string: a number, true, false or null. */
static int scalar(reader *r, int *is_null)
{
    static const char *const words[] = { "true", "false", "null" };
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(r->end - r->p) >= n && memcmp(r->p, words[i], n) == 0) {
            r->p += n;
            *is_null = i == 2;
            return 1;
        }
    }
    const char *start = r->p;
    while (r->p < r->end && strchr("+-0123456789.eE", *r->p))
        r->p++;
    *is_null = 0;
    return r->p > start;
}

static int corrupt(wd_error *err, const char *what)
{
    return wd_error_set(err, WD_ECORRUPT, "record", "a stored record %s; re-index the corpus",
                        what);
}

int wd_record_decode(const char *data, size_t len, wd_record *out, char **mem, wd_error *err)
{
    memset(out, 0, sizeof *out);
    *mem = NULL;
    /* The strings, then room for the fields: an encoded field takes at least
     * 12 bytes (,"field.x":""), so there are fewer than len / 12 + 1. */
    size_t text = (len + 1 + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
    size_t nmax = len / 12 + 1;
    char *block = wd_malloc(text + nmax * sizeof(wd_field));
    if (!block)
        return wd_error_set(err, WD_ENOMEM, "record", "out of memory");
    wd_field *fields = (wd_field *)(void *)(block + text);
    size_t nf = 0;
    reader r = { data, data + len, block };
    const char *kind = NULL;
    skip_ws(&r);
    int ok = r.p < r.end && *r.p++ == '{';
    skip_ws(&r);
    if (ok && r.p < r.end && *r.p == '}') {
        r.p++;
    } else {
        while (ok) {
            const char *key = NULL, *val = NULL;
            char *mark = r.o;
            ok = string(&r, 1, &key);
            skip_ws(&r);
            ok = ok && r.p < r.end && *r.p++ == ':';
            skip_ws(&r);
            if (!ok)
                break;
            const char **slot = !strcmp(key, "id")         ? &out->id
                                : !strcmp(key, "question") ? &out->question
                                : !strcmp(key, "answer")   ? &out->answer
                                : !strcmp(key, "source")   ? &out->source
                                : !strcmp(key, "date")     ? &out->date
                                : !strcmp(key, "kind")     ? &kind
                                                           : NULL;
            /* An extra field keeps its name (the key past its prefix). */
            size_t pre = sizeof WD_FIELD_KEY_PREFIX - 1;
            int field = !slot && r.p < r.end && *r.p == '"' && nf < nmax &&
                        strncmp(key, WD_FIELD_KEY_PREFIX, pre) == 0 &&
                        wd_field_name_ok(key + pre, strlen(key + pre));
            if (!field)
                r.o = mark; /* the key's text is not kept */
            if (r.p < r.end && *r.p == '"') {
                ok = string(&r, slot != NULL || field, &val);
                if (ok && slot)
                    *slot = val;
                if (ok && field)
                    fields[nf++] = (wd_field){ key + pre, val };
            } else {
                int is_null = 0;
                ok = scalar(&r, &is_null);
                if (ok && slot && !is_null)
                    ok = 0; /* a record field that is not a string */
                else if (ok && slot)
                    *slot = NULL;
            }
            skip_ws(&r);
            if (!ok || r.p >= r.end)
                ok = 0;
            else if (*r.p == ',')
                r.p++, skip_ws(&r);
            else if (*r.p == '}') {
                r.p++;
                break;
            } else
                ok = 0;
        }
    }
    skip_ws(&r);
    if (!ok || r.p != r.end) {
        wd_free(block);
        memset(out, 0, sizeof *out);
        return corrupt(err, "is not valid JSON");
    }
    if (!out->id || !out->question) {
        wd_free(block);
        memset(out, 0, sizeof *out);
        return corrupt(err, "lacks its id or question");
    }
    if (!out->answer)
        out->answer = "";
    if (!out->source)
        out->source = "";
    out->kind = kind && strcmp(kind, "question") == 0 ? WD_KIND_QUESTION : WD_KIND_QA;
    out->fields = nf ? fields : NULL;
    out->n_fields = nf;
    *mem = block;
    return WD_OK;
}
