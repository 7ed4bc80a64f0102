/*
 * uri.h - private: strict parsing of a raw request target ("/path?a=1&b=2")
 * as the client sent it. libmicrohttpd 0.9.75 passes malformed escapes such
 * as %ZZ through literally and decodes %FF%FE into invalid UTF-8 without a
 * word, so the service parses the raw target itself: every escape must be
 * two hex digits, the decoded path and parameters must be valid UTF-8 with
 * no NUL, and '+' in the query means a space.
 */
#ifndef WENDA_SERVE_URI_H
#define WENDA_SERVE_URI_H

#include <stddef.h>

typedef struct uri_param {
    char *name;  /* new, decoded, NUL-terminated */
    char *value; /* new, decoded, NUL-terminated ("" for a bare name) */
    size_t value_len;
    int has_value; /* 0 for a bare name ("?q"), 1 with '=' ("?q=", "?q=x") */
} uri_param;

typedef struct uri_parts {
    char *path; /* new, decoded */
    uri_param *params;
    size_t n_params;
} uri_parts;

enum { URI_OK = 0, URI_BAD = -1, URI_NOMEM = -2 };

/* Split and decode `raw`. On URI_BAD, `why` receives a message naming the
 * offending part. *out is cleared on every return other than URI_OK. */
int uri_parse(const char *raw, uri_parts *out, char *why, size_t why_len);
void uri_parts_free(uri_parts *u);
/* The first value of a parameter, or NULL (borrowed). */
const uri_param *uri_get(const uri_parts *u, const char *name);
/* Percent-decode s[0..n) strictly; '+' becomes a space when plus_space.
 * *out is new. URI_BAD when an escape is malformed, the result is not valid
 * UTF-8 or holds a NUL byte. */
int uri_decode(const char *s, size_t n, int plus_space, char **out, size_t *out_len);

/* Copy a quoted part of a request into dst (always NUL-terminated valid
 * UTF-8, so a JSON error message can carry it): at most max_bytes of
 * s[0..n), cut on a code point boundary; invalid UTF-8 and control bytes
 * as \xHH; "..." when cut. */
void uri_excerpt(char *dst, size_t dst_len, const char *s, size_t n, size_t max_bytes);

/* Each entry of a comma-separated list (an option's value: --cors,
 * --allowed-host, --trusted-proxy), spaces around it trimmed, empty ones
 * passed over: fn(entry, len, ctx) until it returns non-zero, which is
 * returned; 0 at the end. list may be NULL. */
int uri_list_each(const char *list, int (*fn)(const char *, size_t, void *), void *ctx);

#endif
