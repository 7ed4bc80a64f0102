/*
 * uri.c - strict decoding of the raw request target (see uri.h for why the
 * service does not trust libmicrohttpd's own unescaping).
 */
#include "uri.h"

#include <stdio.h>
#include <string.h>

#include "wenda/buf.h"
#include "wenda/error.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int uri_decode(const char *s, size_t n, int plus_space, char **out, size_t *out_len)
{
    *out = NULL;
    char *d = wd_malloc(n + 1);
    if (!d)
        return URI_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n) {
                wd_free(d);
                return URI_BAD;
            }
            int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
            if (a < 0 || b < 0) {
                wd_free(d);
                return URI_BAD;
            }
            d[k++] = (char)(a * 16 + b);
            i += 2;
        } else if (c == '+' && plus_space) {
            d[k++] = ' ';
        } else {
            d[k++] = c;
        }
    }
    d[k] = '\0';
    if (memchr(d, '\0', k) || !wd_utf8_valid(d, k, NULL)) {
        wd_free(d);
        return URI_BAD;
    }
    *out = d;
    if (out_len)
        *out_len = k;
    return URI_OK;
}

void uri_parts_free(uri_parts *u)
{
    if (!u)
        return;
    wd_free(u->path);
    for (size_t i = 0; i < u->n_params; i++) {
        wd_free(u->params[i].name);
        wd_free(u->params[i].value);
    }
    wd_free(u->params);
    memset(u, 0, sizeof *u);
}

const uri_param *uri_get(const uri_parts *u, const char *name)
{
    for (size_t i = 0; i < u->n_params; i++)
        if (strcmp(u->params[i].name, name) == 0)
            return &u->params[i];
    return NULL;
}

/* Refuse with a message quoting (a valid UTF-8 excerpt of) the part at fault:
 * the raw bytes may be anything, and the message goes into a JSON error. */
static int bad(uri_parts *u, char *why, size_t why_len, const char *fmt, const char *what,
               size_t len, size_t max)
{
    char ex[256];
    uri_parts_free(u);
    uri_excerpt(ex, sizeof ex, what, len, max);
    snprintf(why, why_len, fmt, ex);
    return URI_BAD;
}

int uri_parse(const char *raw, uri_parts *out, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    if (!raw || raw[0] != '/')
        return bad(out, why, why_len, "the request target '%s' is not a path", raw ? raw : "",
                   raw ? strnlen(raw, 64) : 0, 60);
    const char *q = strchr(raw, '?');
    size_t plen = q ? (size_t)(q - raw) : strlen(raw);
    const char *hash = memchr(raw, '#', plen);
    if (hash)
        plen = (size_t)(hash - raw);
    int rc = uri_decode(raw, plen, 0, &out->path, NULL);
    if (rc == URI_NOMEM)
        return rc;
    if (rc != URI_OK)
        return bad(out, why, why_len,
                   "the path '%s' has a malformed %%-escape or is not valid UTF-8", raw, plen, 80);
    if (!q)
        return URI_OK;
    const char *p = q + 1;
    const char *end = p + strcspn(p, "#");
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (stop > p) {
            const char *eq = memchr(p, '=', (size_t)(stop - p));
            const char *nend = eq ? eq : stop;
            uri_param prm = { NULL, NULL, 0, eq != NULL };
            rc = uri_decode(p, (size_t)(nend - p), 1, &prm.name, NULL);
            if (rc == URI_OK)
                rc = eq ? uri_decode(eq + 1, (size_t)(stop - eq - 1), 1, &prm.value, &prm.value_len)
                        : ((prm.value = wd_strdup("")) ? URI_OK : URI_NOMEM);
            if (rc == URI_OK) {
                uri_param *np = wd_realloc(out->params, (out->n_params + 1) * sizeof *np);
                if (!np)
                    rc = URI_NOMEM;
                else {
                    out->params = np;
                    out->params[out->n_params++] = prm;
                }
            }
            if (rc != URI_OK) {
                wd_free(prm.name);
                wd_free(prm.value);
                if (rc == URI_NOMEM) {
                    uri_parts_free(out);
                    return rc;
                }
                return bad(out, why, why_len,
                           "the query parameter '%s' has a malformed %%-escape (%% must be "
                           "followed by two hex digits) or does not decode to valid UTF-8",
                           p, (size_t)(nend - p), 40);
            }
        }
        p = amp ? amp + 1 : end;
    }
    return URI_OK;
}

void uri_excerpt(char *dst, size_t dst_len, const char *s, size_t n, size_t max_bytes)
{
    size_t k = 0;
    if (!dst_len)
        return;
    for (size_t i = 0; i < n;) {
        if (i >= max_bytes) {
            if (k + 4 <= dst_len)
                memcpy(dst + k, "...", 3), k += 3;
            break;
        }
        uint32_t cp;
        size_t l = wd_utf8_decode(s + i, n - i, &cp);
        unsigned char c = (unsigned char)s[i];
        if (l == 0 || c < 0x20 || c == 0x7f) {
            if (k + 5 > dst_len)
                break;
            snprintf(dst + k, 5, "\\x%02X", c);
            k += 4;
            i++;
        } else {
            if (k + l + 1 > dst_len)
                break;
            memcpy(dst + k, s + i, l);
            k += l;
            i += l;
        }
    }
    dst[k] = '\0';
}

int uri_list_each(const char *list, int (*fn)(const char *, size_t, void *), void *ctx)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        const char *s = p;
        size_t len = n;
        while (len && *s == ' ')
            s++, len--;
        while (len && s[len - 1] == ' ')
            len--;
        if (len) {
            int r = fn(s, len, ctx);
            if (r)
                return r;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}
