/*
 * params.c - the service's request validation without libmicrohttpd (see
 * params.h): routing, parameters, the coverage body, CORS matching and the
 * JSON guard. server.c turns each refusal into a JSON error answer;
 * tests/fuzz/fuzz_http.c feeds arbitrary targets and bodies through the
 * same functions.
 */
#include "params.h"

#include "serve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const serve_asset *serve_find_asset(const char *path)
{
    for (size_t i = 0; i < serve_n_assets; i++)
        if (strcmp(serve_assets[i].path, path) == 0)
            return &serve_assets[i];
    return NULL;
}

enum endpoint serve_classify(const char *path)
{
    if (strcmp(path, "/api/search") == 0)
        return EP_SEARCH;
    if (strcmp(path, "/api/suggest") == 0)
        return EP_SUGGEST;
    if (strcmp(path, "/api/coverage") == 0)
        return EP_COVERAGE;
    if (strcmp(path, "/healthz") == 0)
        return EP_HEALTHZ;
    if (strcmp(path, "/metrics") == 0)
        return EP_METRICS;
    if (strcmp(path, "/api/record") == 0)
        return EP_RECORD;
    if (strncmp(path, "/api/records", 12) == 0 && (path[12] == '\0' || path[12] == '/'))
        return EP_RECORDS;
    if (strcmp(path, "/api/info") == 0)
        return EP_INFO;
    if (serve_find_asset(path))
        return EP_PAGE;
    return EP_OTHER;
}

int serve_param_uint(const uri_parts *u, const char *name, unsigned long lo, unsigned long hi,
                     unsigned long dflt, unsigned long *out, char *why, size_t why_len)
{
    const uri_param *p = uri_get(u, name);
    *out = dflt;
    if (!p)
        return 0;
    const char *v = p->value;
    /* Digits only: strtoul alone would take "-1", " 5" or "+5". */
    int ok = *v != '\0' && strspn(v, "0123456789") == p->value_len;
    unsigned long x = 0;
    if (ok) {
        char *end = NULL;
        errno = 0;
        x = strtoul(v, &end, 10);
        ok = !errno && *end == '\0' && x >= lo && x <= hi;
    }
    if (!ok) {
        char ex[64];
        uri_excerpt(ex, sizeof ex, v, p->value_len, 40);
        snprintf(why, why_len, "parameter '%s' wants a whole number from %lu to %lu, not '%s'",
                 name, lo, hi, ex);
        return -1;
    }
    *out = x;
    return 0;
}

int serve_param_prob(const uri_parts *u, const char *name, double dflt, double *out, char *why,
                     size_t why_len)
{
    const uri_param *p = uri_get(u, name);
    *out = dflt;
    if (!p)
        return 0;
    const char *v = p->value;
    /* A plain decimal from 0 to 1: no sign, exponent, hex or spaces. */
    int ok =
        *v != '\0' && strspn(v, "0123456789.") == p->value_len && strchr(v, '.') == strrchr(v, '.');
    double x = 0;
    if (ok) {
        char *end = NULL;
        errno = 0;
        x = strtod(v, &end);
        ok = !errno && end && *end == '\0' && x >= 0 && x <= 1;
    }
    if (!ok) {
        char ex[64];
        uri_excerpt(ex, sizeof ex, v, p->value_len, 40);
        snprintf(why, why_len, "parameter '%s' wants a probability from 0 to 1, not '%s'", name,
                 ex);
        return -1;
    }
    *out = x;
    return 0;
}

/* Whether name is one of the comma-separated words of list. */
static int in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && memcmp(p, name, n) == 0)
            return 1;
        if (n && p[n - 1] == '*' && len >= n && memcmp(p, name, n - 1) == 0)
            return 1; /* a prefix: "field.*" */
        p += n + (p[n] == ',');
    }
    return 0;
}

int serve_params_known(const uri_parts *u, const char *known, char *why, size_t why_len)
{
    for (size_t i = 0; i < u->n_params; i++) {
        if (in_list(known, u->params[i].name))
            continue;
        char ex[64];
        uri_excerpt(ex, sizeof ex, u->params[i].name, strlen(u->params[i].name), 40);
        snprintf(why, why_len, "unknown parameter '%s' (this endpoint takes %s)", ex, known);
        return -1;
    }
    return 0;
}

int serve_param_text(const uri_parts *u, const char *name, size_t max_bytes, const char **out,
                     char *why, size_t why_len)
{
    const uri_param *p = uri_get(u, name);
    *out = NULL;
    if (!p)
        return 0;
    if (p->value_len == 0 || p->value_len > max_bytes) {
        snprintf(why, why_len, "parameter '%s' wants a value of 1 to %zu bytes", name, max_bytes);
        return -1;
    }
    *out = p->value;
    return 0;
}

const uri_param *serve_param_q(const uri_parts *u, size_t max_bytes, int empty_ok, char *why,
                               size_t why_len)
{
    const uri_param *q = uri_get(u, "q");
    if (!q) {
        snprintf(why, why_len, "parameter 'q' (the question) is missing");
        return NULL;
    }
    if (!q->has_value) {
        snprintf(why, why_len, "parameter 'q' has no value; write q=QUESTION");
        return NULL;
    }
    if (!empty_ok && strspn(q->value, " \t") == q->value_len) {
        snprintf(why, why_len, "parameter 'q' (the question) is empty");
        return NULL;
    }
    if (q->value_len > max_bytes) {
        snprintf(why, why_len, "parameter 'q' is %zu bytes long; the limit is %zu", q->value_len,
                 max_bytes);
        return NULL;
    }
    return q;
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
        (*len)--;
}

void serve_body_lines_init(body_lines *it, const char *body, size_t len)
{
    it->body = body ? body : "";
    it->len = body ? len : 0;
    it->pos = 0;
    it->lineno = 0;
}

int serve_body_next(body_lines *it, const char **line, size_t *len, size_t *lineno)
{
    while (it->pos < it->len) {
        const char *s = it->body + it->pos;
        const char *nl = memchr(s, '\n', it->len - it->pos);
        size_t n = nl ? (size_t)(nl - s) : it->len - it->pos;
        it->pos += n + (nl ? 1 : 0);
        it->lineno++;
        trim(&s, &n);
        if (n > 0) {
            *line = s;
            *len = n;
            *lineno = it->lineno;
            return 1;
        }
    }
    return 0;
}

int serve_body_check(const char *body, size_t len, size_t max_lines, size_t max_line_bytes,
                     char *why, size_t why_len)
{
    size_t bad_at = 0;
    if (!body)
        body = "", len = 0;
    if (!wd_utf8_valid(body, len, &bad_at)) {
        snprintf(why, why_len, "the body is not valid UTF-8 (byte %zu)", bad_at);
        return 400;
    }
    if (memchr(body, '\0', len)) {
        snprintf(why, why_len, "the body holds a NUL byte (byte %zu)",
                 (size_t)((const char *)memchr(body, '\0', len) - body));
        return 400;
    }
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += body[i] == '\n';
    if (len > 0 && body[len - 1] != '\n')
        lines++;
    if (lines > max_lines) {
        snprintf(why, why_len, "the body holds %zu lines; the limit is %zu questions a request",
                 lines, max_lines);
        return 413;
    }
    body_lines it;
    serve_body_lines_init(&it, body, len);
    const char *l;
    size_t n, no;
    while (serve_body_next(&it, &l, &n, &no))
        if (n > max_line_bytes) {
            snprintf(why, why_len, "line %zu: a question is %zu bytes long; the limit is %zu", no,
                     n, max_line_bytes);
            return 400;
        }
    return 0;
}

typedef struct origin_ctx {
    const char *origin;
    size_t len;
} origin_ctx;

static int origin_entry(const char *s, size_t len, void *ctx)
{
    const origin_ctx *o = ctx;
    return (len == 1 && *s == '*') || (len == o->len && memcmp(s, o->origin, len) == 0);
}

int serve_cors_match(const char *list, const char *origin)
{
    if (!list || !*list || !origin || !*origin)
        return 0;
    origin_ctx o = { origin, strlen(origin) };
    return uri_list_each(list, origin_entry, &o);
}

void serve_json_guard(wd_buf *out, const char *j, size_t n)
{
    wd_buf_reserve(out, n);
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        size_t skip = 1;
        switch ((unsigned char)j[i]) {
        case '<': esc = "\\u003c"; break;
        case '>': esc = "\\u003e"; break;
        case '&': esc = "\\u0026"; break;
        case 0xE2: /* U+2028 / U+2029: E2 80 A8 / A9 */
            if (i + 2 < n && (unsigned char)j[i + 1] == 0x80 &&
                ((unsigned char)j[i + 2] == 0xA8 || (unsigned char)j[i + 2] == 0xA9)) {
                esc = (unsigned char)j[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
                skip = 3;
            }
            break;
        default: break;
        }
        if (esc) {
            wd_buf_append(out, j + from, i - from);
            wd_buf_puts(out, esc);
            i += skip - 1;
            from = i + 1;
        }
    }
    wd_buf_append(out, j + from, n - from);
}

int serve_parse_listen(const char *s, char *host, size_t host_len, unsigned *port)
{
    const char *p;
    size_t hl;
    if (!s || !*s)
        return -1;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb[1] != ':')
            return -1;
        hl = (size_t)(rb - s - 1);
        memcpy(host, s + 1, hl < host_len ? hl : 0);
        p = rb + 2;
    } else {
        const char *colon = strrchr(s, ':');
        if (!colon) {
            hl = 0;
            p = s;
        } else {
            if (strchr(s, ':') != colon)
                return -1; /* bare IPv6 needs brackets */
            hl = (size_t)(colon - s);
            p = colon + 1;
        }
        if (hl >= host_len)
            return -1;
        memcpy(host, s, hl);
    }
    if (hl >= host_len)
        return -1;
    host[hl] = '\0';
    if (hl == 0)
        snprintf(host, host_len, "127.0.0.1");
    char *end;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (!*p || *end || errno || v > 65535 || *p == '-' || *p == '+')
        return -1;
    *port = (unsigned)v;
    return 0;
}
