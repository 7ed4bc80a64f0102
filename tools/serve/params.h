/*
 * params.h - private: the service's request validation, kept free of
 * libmicrohttpd so that tests/fuzz/fuzz_http.c can drive it without a
 * daemon: routing of a decoded path, the q/n/offset/full parameters, the
 * POST /api/coverage body (UTF-8, NUL, line count and length, the line
 * iterator), the CORS allow-list and the JSON guard that keeps '<', '>' and
 * '&' out of every JSON answer.
 *
 * Every `why` message is valid UTF-8 (a part of the request quoted in it is
 * cut on a code point boundary, with control bytes shown as \xHH), so an
 * error answer always carries it.
 */
#ifndef WENDA_SERVE_PARAMS_H
#define WENDA_SERVE_PARAMS_H

#include <stddef.h>

#include "assets.h"
#include "uri.h"
#include "wenda/buf.h"

#define SERVE_MAX_QUERY_BYTES 4096 /* q, and each line of a coverage body */
#define SERVE_MAX_SEARCH_N 100
#define SERVE_MAX_SUGGEST_N 50
#define SERVE_MAX_OFFSET 10000
#define SERVE_MAX_COVERAGE_LINES 10000

enum endpoint {
    EP_PAGE,
    EP_SEARCH,
    EP_SUGGEST,
    EP_COVERAGE,
    EP_HEALTHZ,
    EP_METRICS,
    EP_RECORD,
    EP_RECORDS, /* the write API: POST /api/records, DELETE /api/records/{id} */
    EP_INFO,
    EP_OTHER,
    EP_N
};

/* What a decoded path names. Only the exact paths of the routes and of the
 * embedded assets are known; everything else (including "/../x", "//etc",
 * "/app.js/") is EP_OTHER, i.e. 404. Nothing is ever read from disk. */
enum endpoint serve_classify(const char *path);
/* The embedded asset at exactly `path`, or NULL (borrowed, static). */
const serve_asset *serve_find_asset(const char *path);

/* An optional whole-number parameter in [lo, hi] (plain decimal digits);
 * 0 with *out (dflt when absent), or -1 with a message in why. */
int serve_param_uint(const uri_parts *u, const char *name, unsigned long lo, unsigned long hi,
                     unsigned long dflt, unsigned long *out, char *why, size_t why_len);
/* A probability parameter (a decimal from 0 to 1, e.g. min_confidence=0.5);
 * absent: *out = dflt. -1 with the reason in why when malformed. */
int serve_param_prob(const uri_parts *u, const char *name, double dflt, double *out, char *why,
                     size_t why_len);
/* The required parameter q, at most max_bytes long (borrowed from u); NULL
 * with a message in why when it is missing, a bare name without '=' ("?q"),
 * too long, or (unless empty_ok) empty or only spaces. */
const uri_param *serve_param_q(const uri_parts *u, size_t max_bytes, int empty_ok, char *why,
                               size_t why_len);

/* Parameters a search takes (serve_params_known). */
#define SERVE_SEARCH_PARAMS                                                                        \
    "q,n,offset,full,min_confidence,source,kind,date_from,date_to,sort,distinct,facets,field.*"
/* Field filters (field.NAME=VALUE) a search takes at most. */
#define SERVE_MAX_FIELD_FILTERS 16

/* 0 when every parameter of u is named in `known` (comma-separated; an
 * entry ending in '*' names every parameter that starts with the rest), else
 * -1 with a message in why naming the first that is not and listing the
 * known ones. */
int serve_params_known(const uri_parts *u, const char *known, char *why, size_t why_len);
/* An optional text parameter of 1 to max_bytes bytes (borrowed from u;
 * NULL when absent); -1 with the reason in why when empty or too long. */
int serve_param_text(const uri_parts *u, const char *name, size_t max_bytes, const char **out,
                     char *why, size_t why_len);

/* Check a coverage body: 0 when it may be answered, else the HTTP status
 * (400: not UTF-8, a NUL byte, a line longer than max_line_bytes; 413: more
 * than max_lines lines) with a message in why. */
int serve_body_check(const char *body, size_t len, size_t max_lines, size_t max_line_bytes,
                     char *why, size_t why_len);

/* The questions of a coverage body: its lines with CR/LF, spaces and tabs
 * trimmed, blank ones skipped; lineno counts every line from 1. */
typedef struct body_lines {
    const char *body;
    size_t len, pos, lineno;
} body_lines;
void serve_body_lines_init(body_lines *it, const char *body, size_t len);
/* 1 with the next question (borrowed from the body), 0 at the end. */
int serve_body_next(body_lines *it, const char **line, size_t *len, size_t *lineno);

/* Whether `origin` is on the comma-separated allow-list (entries trimmed;
 * "*" allows any). 0 when either is NULL or empty. */
int serve_cors_match(const char *list, const char *origin);

/* Append the JSON text j[0..n) to out with '<', '>', '&', U+2028 and
 * U+2029 written as \u escapes. They can only occur inside JSON strings,
 * where the escape means the same, so the document is unchanged for a
 * JSON parser but can never be read as markup or script. */
void serve_json_guard(wd_buf *out, const char *j, size_t n);

#endif
