/*
 * server.c - the HTTP side of `wenda serve`: a libmicrohttpd daemon with an
 * internal thread pool, the routes, strict request parsing, JSON errors,
 * CORS, Prometheus metrics and a draining stop on SIGTERM.
 *
 * A request's life: the URI-log callback sees the raw request target before
 * libmicrohttpd unescapes anything and allocates our per-request record;
 * the access handler collects a POST body (413 past the limit) and then
 * dispatches; the completion callback records the metrics and frees the
 * record. Every error the service itself sends is
 * {"error": {"code", "message"}} with the matching status, and every JSON
 * answer goes through serve_json_guard (no raw '<', '>', '&').
 *
 * Limits: libmicrohttpd enforces the header room (414/431), the idle
 * timeout and --max-connections; conns.c the connections of one address
 * (--max-per-ip), the requests of one client behind a trusted proxy (429)
 * and the deadlines of a request's headers (--header-timeout) and body
 * (--client-timeout; counted as 408); this file the framing it must refuse
 * (conflicting Content-Length, a missing Host), the Host names served and
 * the origins allowed to POST (hosts.c), the body size (413) and the time a
 * coverage body may take to answer (503 "timeout"); params.c the parameters
 * and the body's content.
 *
 * Connections are kept alive: a response is queued only once the request
 * (body included) has been read, since libmicrohttpd closes a connection
 * whose response was queued before that. Answers to requests it cannot
 * frame (413 by Content-Length, 400 for conflicting lengths) close it.
 *
 * Routes:
 *   GET  /                    the search page (and its /app.js, /style.css)
 *   GET  /api/search?q=&n=&offset=&full=   as `wenda ask --json`
 *   GET  /api/suggest?q=&n=   completions from the knowledge base's questions
 *   GET  /api/record?id=      one whole record (the JSON of `wenda show --json`)
 *   GET  /api/info            what the base is: title, description, example questions
 *   POST /api/coverage        one question a line -> JSON Lines as `wenda coverage --json`
 *   POST /api/records         with --api-key-file: add or replace records (write.c)
 *   DELETE /api/records/{id}  with --api-key-file: delete one
 *   GET  /healthz             {"status": "ok", ...} or 503
 *   GET  /metrics             Prometheus text format
 */
#define _DEFAULT_SOURCE
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "auth.h"
#include "conns.h"
#include "hosts.h"
#include "log.h"
#include "params.h"
#include "querylog.h"
#include "rcache.h"
#include "report.h"
#include "suggest.h"
#include "uri.h"
#include "view.h"
#include "wenda/buf.h"
#include "write.h"
#include "wenda/coverage.h"
#include "wenda/record.h"
#include "wenda/search.h"

/* ---- metrics ----------------------------------------------------------- */

static const char *const ep_names[EP_N] = { "page",    "search", "suggest", "coverage", "healthz",
                                            "metrics", "record", "records", "info",     "other" };
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                  0.05,   0.1,   0.25,   0.5,   1.0,  2.5 };
#define NBUCKETS (sizeof buckets / sizeof *buckets)

typedef struct metrics {
    atomic_ullong requests[EP_N];
    atomic_ullong errors[EP_N]; /* status >= 400 */
    atomic_ullong status_class[6];
    atomic_ullong hist[EP_N][NBUCKETS + 1];
    atomic_ullong sum_us[EP_N];
} metrics;

/* ---- server state ------------------------------------------------------ */

typedef struct server {
    const serve_config *cfg;
    view_shared *view;
    conns *conns;       /* limits and deadlines of connections */
    serve_hosts *hosts; /* the Host names answered */
    metrics m;
    atomic_int inflight;
    double started;       /* epoch seconds */
    rcache *cache;        /* search answers; NULL when --cache-mb 0 */
    querylog *qlog;       /* --query-log; NULL: none */
    serve_keys *keys;     /* --api-key-file, --read-key-file; NULL: none */
    serve_writer *writer; /* the write API; NULL: off */
} server;

typedef struct request {
    char *raw_uri; /* as the client sent it */
    wd_buf body;
    int started;
    int too_large;
    int refused; /* answered before its body (if any) was read: 4xx */
    int status;
    enum endpoint ep;
    double t0;
    char client[64]; /* its address (X-Forwarded-For's behind a trusted proxy) */
} request;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("wenda: serve: libmicrohttpd: ", stderr);
    vfprintf(stderr, fmt, ap);
    /* libmicrohttpd's messages end with a newline. */
}

/* ---- responses --------------------------------------------------------- */

/* Whether the request's Origin is on the CORS allow-list; *echo is the
 * value to send back in Access-Control-Allow-Origin. */
static int cors_allowed(const server *sv, struct MHD_Connection *c, const char **echo)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!serve_cors_match(sv->cfg->cors, origin))
        return 0;
    *echo = origin;
    return 1;
}

static int send_response(server *sv, struct MHD_Connection *c, request *rq, unsigned status,
                         const char *type, const void *data, size_t len, int persistent,
                         const char *allow)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)data, persistent ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (rq->ep == EP_PAGE) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; "
                                "style-src 'self'; script-src 'self'; "
                                "connect-src 'self'; frame-ancestors 'self'");
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    } else {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    if (status == 401)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"wenda\"");
    const char *origin;
    if (cors_allowed(sv, c, &origin))
        MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (sv->cfg->cors && *sv->cfg->cors) /* the answer depends on Origin: tell caches */
        MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Origin");
    rq->status = (int)status;
    int ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static int send_buf(server *sv, struct MHD_Connection *c, request *rq, unsigned status,
                    const char *type, wd_buf *b)
{
    if (b->oom) {
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        return send_response(sv, c, rq, 500, "application/json", oom, sizeof oom - 1, 1, NULL);
    }
    return send_response(sv, c, rq, status, type, b->data ? b->data : "", b->len, 0, NULL);
}

/* JSON (or JSON Lines) text through serve_json_guard, so that no answer
 * ever holds a raw '<', '>' or '&', whatever the question or the corpus. */
static int send_json(server *sv, struct MHD_Connection *c, request *rq, unsigned status,
                     const char *type, const char *j, size_t n, const char *allow)
{
    wd_buf b = WD_BUF_INIT;
    serve_json_guard(&b, j, n);
    int ret = b.oom ? send_buf(sv, c, rq, status, type, &b)
                    : send_response(sv, c, rq, status, type, b.data ? b.data : "", b.len, 0, allow);
    wd_buf_free(&b);
    return ret;
}

/* A JSON answer made in b: 200 with it, or 500 when making it ran out of
 * memory. */
static int send_json_of(server *sv, struct MHD_Connection *c, request *rq, wd_buf *b)
{
    return b->oom ? send_buf(sv, c, rq, 500, "", b)
                  : send_json(sv, c, rq, 200, "application/json; charset=utf-8",
                              b->data ? b->data : "", b->len, NULL);
}

/* {"error": {"code": code, "message": ...}} with `status`. */
static int send_error(server *sv, struct MHD_Connection *c, request *rq, unsigned status,
                      const char *code, const char *allow, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *m = json_string(msg);
    if (!m)
        m = json_string("the request could not be served");
    json_t *o = json_pack("{s:{s:s,s:o}}", "error", "code", code, "message", m);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    int ret = send_json(sv, c, rq, status, "application/json; charset=utf-8", s ? s : "{}",
                        s ? strlen(s) : 2, allow);
    free(s);
    return ret;
}

/* A 200 answer of the JSON object o (taken: freed here), or a 500 when it
 * could not be made (o NULL) or written out. */
static int send_json_object(server *sv, struct MHD_Connection *c, request *rq, json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return send_error(sv, c, rq, 500, "internal", NULL, "out of memory");
    int ret = send_json(sv, c, rq, 200, "application/json; charset=utf-8", s, strlen(s), NULL);
    free(s);
    return ret;
}

/* A library error as an HTTP error. */
static int send_wd_error(server *sv, struct MHD_Connection *c, request *rq, const wd_error *err)
{
    switch (err->code) {
    case WD_ENOTFOUND:
    case WD_EMODIFIED:
    case WD_ELOCKED:
    case WD_ECORRUPT:
    case WD_EIO:
        return send_error(sv, c, rq, 503, "unavailable", NULL, "the index is unavailable: %s",
                          err->message);
    case WD_ENETWORK: /* a shard did not answer; the message names it */
        return send_error(sv, c, rq, 503, "shard_unavailable", NULL, "%s", err->message);
    case WD_EINVAL:
    case WD_EENCODING:
    case WD_EFORMAT: return send_error(sv, c, rq, 400, "bad_parameter", NULL, "%s", err->message);
    default:
        return send_error(sv, c, rq, 500, "internal", NULL, "%s",
                          err->message[0] ? err->message : wd_code_name(err->code));
    }
}

/* ---- parameters ---------------------------------------------------------- */

/* An optional whole-number parameter in [lo, hi]; 0 ok, -1 (error sent). */
static int param_uint(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u,
                      const char *name, unsigned long lo, unsigned long hi, unsigned long dflt,
                      unsigned long *out, int *sent)
{
    char why[256];
    if (serve_param_uint(u, name, lo, hi, dflt, out, why, sizeof why) == 0)
        return 0;
    *sent = send_error(sv, c, rq, 400, "bad_parameter", NULL, "%s", why);
    return -1;
}

static int param_prob(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u,
                      const char *name, double *out, int *sent)
{
    char why[256];
    if (serve_param_prob(u, name, -1, out, why, sizeof why) == 0)
        return 0;
    *sent = send_error(sv, c, rq, 400, "bad_parameter", NULL, "%s", why);
    return -1;
}

static int param_text(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u,
                      const char *name, const char **out, int *sent)
{
    char why[256];
    if (serve_param_text(u, name, SERVE_MAX_QUERY_BYTES, out, why, sizeof why) == 0)
        return 0;
    *sent = send_error(sv, c, rq, 400, "bad_parameter", NULL, "%s", why);
    return -1;
}

/* Only the parameters an endpoint knows: another is a mistake to report,
 * not to ignore (a filter misspelt would give unfiltered answers). */
static int params_known(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u,
                        const char *known, int *sent)
{
    char why[512];
    if (serve_params_known(u, known, why, sizeof why) == 0)
        return 0;
    *sent = send_error(sv, c, rq, 400, "bad_parameter", NULL, "%s", why);
    return -1;
}

static const uri_param *param_q(server *sv, struct MHD_Connection *c, request *rq,
                                const uri_parts *u, int empty_ok, int *sent)
{
    char why[256];
    const uri_param *q = serve_param_q(u, SERVE_MAX_QUERY_BYTES, empty_ok, why, sizeof why);
    if (!q)
        *sent = send_error(sv, c, rq, 400, "bad_parameter", NULL, "%s", why);
    return q;
}

/* Search options as the service's searchers open: shard settings and the
 * record cache from the command line (a worker opens its searcher with the
 * options of the request that first needs it). */
static wd_search_opts served_opts(const serve_config *cfg)
{
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.allow_partial = cfg->allow_partial;
    o.timeout_ms = cfg->timeout_ms;
    o.record_cache_mb = cfg->record_cache_mb;
    return o;
}

/* 503 while no view is loaded: why the index cannot be read (damaged,
 * half moved, ...), or that there is none yet. */
static int no_index(server *sv, struct MHD_Connection *c, request *rq)
{
    const char *p = view_path(sv->view);
    char why[WD_ERROR_MESSAGE_MAX];
    if (view_load_error(sv->view, why, sizeof why))
        return send_error(sv, c, rq, 503, "unavailable", NULL, "%s", why);
    return send_error(sv, c, rq, 503, "unavailable", NULL,
                      "no index at %s yet; build one with: wenda index --index %s FILES...", p, p);
}

/* ---- handlers -------------------------------------------------------------- */

/* The query log's line of a search answered now (the caller fills in what
 * it answered). */
static querylog_entry log_entry(const server *sv, const request *rq, const uri_param *q,
                                unsigned long offset)
{
    querylog_entry e;
    memset(&e, 0, sizeof e);
    e.query = q->value;
    e.len = q->value_len;
    e.offset = (uint32_t)offset;
    e.ms = (mono_s() - rq->t0) * 1e3;
    e.client = sv->cfg->query_log_clients ? rq->client : NULL;
    return e;
}

static int search_answer(server *sv, struct MHD_Connection *c, request *rq, const uri_param *q,
                         const wd_search_opts *op, int full);

/* GET /api/search?q=QUESTION[&n=10][&offset=0][&full=0][&min_confidence=P]
 *     [&source=PREFIX|GLOB][&kind=qa|question][&date_from=D][&date_to=D]
 *     [&sort=relevance|date][&distinct=1][&facets=source,kind,year,FIELD]
 *     [&field.NAME=VALUE]...
 * The same JSON document as `wenda ask --json` (with the same options). */
static int h_search(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u)
{
    int sent = MHD_NO;
    unsigned long n, off, full, distinct;
    double minconf;
    const char *source, *kind, *dfrom, *dto, *sort, *facets;
    if (params_known(sv, c, rq, u, SERVE_SEARCH_PARAMS, &sent))
        return sent;
    const uri_param *q = param_q(sv, c, rq, u, 0, &sent);
    if (!q || param_uint(sv, c, rq, u, "n", 1, SERVE_MAX_SEARCH_N, 10, &n, &sent) ||
        param_uint(sv, c, rq, u, "offset", 0, SERVE_MAX_OFFSET, 0, &off, &sent) ||
        param_uint(sv, c, rq, u, "full", 0, 1, 0, &full, &sent) ||
        param_uint(sv, c, rq, u, "distinct", 0, 1, 1, &distinct, &sent) ||
        param_prob(sv, c, rq, u, "min_confidence", &minconf, &sent) ||
        param_text(sv, c, rq, u, "source", &source, &sent) ||
        param_text(sv, c, rq, u, "kind", &kind, &sent) ||
        param_text(sv, c, rq, u, "date_from", &dfrom, &sent) ||
        param_text(sv, c, rq, u, "date_to", &dto, &sent) ||
        param_text(sv, c, rq, u, "sort", &sort, &sent) ||
        param_text(sv, c, rq, u, "facets", &facets, &sent))
        return sent;
    if (sort && strcmp(sort, "relevance") != 0 && strcmp(sort, "date") != 0) {
        char ex[64];
        uri_excerpt(ex, sizeof ex, sort, strlen(sort), 40);
        return send_error(sv, c, rq, 400, "bad_parameter", NULL,
                          "parameter 'sort' wants relevance or date, not '%s'", ex);
    }
    wd_search_opts o = served_opts(sv->cfg);
    o.source = source;
    o.kind = kind;
    o.date_from = dfrom;
    o.date_to = dto;
    o.sort_date = sort && strcmp(sort, "date") == 0;
    o.facets = facets;
    o.distinct = (int)distinct;
    /* field.NAME=VALUE, each as "NAME=VALUE" (and into the cache key). */
    char *fields[SERVE_MAX_FIELD_FILTERS];
    size_t nfields = 0;
    for (size_t i = 0; i < u->n_params; i++) {
        const uri_param *p = &u->params[i];
        if (strncmp(p->name, "field.", 6) != 0)
            continue;
        if (nfields == SERVE_MAX_FIELD_FILTERS || !p->has_value || !p->value_len) {
            for (size_t k = 0; k < nfields; k++)
                wd_free(fields[k]);
            return send_error(sv, c, rq, 400, "bad_parameter", NULL,
                              "field filters want field.NAME=VALUE with a value, at most %d",
                              SERVE_MAX_FIELD_FILTERS);
        }
        wd_buf one = WD_BUF_INIT;
        wd_buf_printf(&one, "%s=%s", p->name + 6, p->value);
        fields[nfields] = one.oom ? NULL : one.data;
        if (!fields[nfields]) {
            wd_buf_free(&one);
            break;
        }
        nfields++;
    }
    o.fields = (const char *const *)fields;
    o.n_fields = nfields;
    wd_error oerr;
    wd_error_clear(&oerr);
    if (wd_search_opts_check(&o, &oerr) != WD_OK) {
        for (size_t k = 0; k < nfields; k++)
            wd_free(fields[k]);
        return send_error(sv, c, rq, 400, "bad_parameter", NULL, "parameter %s", oerr.message);
    }
    o.n = (uint32_t)n;
    o.offset = (uint32_t)off;
    o.min_confidence = minconf; /* < 0: the calibration's */
    int ret = search_answer(sv, c, rq, q, &o, (int)full);
    for (size_t k = 0; k < nfields; k++)
        wd_free(fields[k]);
    return ret;
}

/* The answer to a search whose parameters h_search checked: from the cache
 * or the searcher. */
static int search_answer(server *sv, struct MHD_Connection *c, request *rq, const uri_param *q,
                         const wd_search_opts *op, int full)
{
    wd_search_opts o = *op;
    /* An answer already given for the index generation being served. */
    wd_buf key = WD_BUF_INIT;
    unsigned gen = 0;
    rcache *cache = NULL;
    if (sv->cache) {
        /* Only where a new generation marks every change of the index. */
        view_snap *snap = view_acquire(sv->view);
        if (snap && snap->watched) {
            cache = sv->cache;
            gen = snap->generation;
        }
        view_release(snap);
    }
    if (cache) {
        /* Everything that shapes the answer; \x01 is in no parameter (uri.c). */
        wd_buf_printf(&key, "%u %u %d %d %.6f %d", o.n, o.offset, full, o.distinct,
                      o.min_confidence, o.sort_date);
        const char *const filters[] = { o.source, o.kind, o.date_from, o.date_to, o.facets };
        for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
            wd_buf_putc(&key, '\x01');
            if (filters[i])
                wd_buf_puts(&key, filters[i]);
        }
        for (size_t i = 0; i < o.n_fields; i++) {
            wd_buf_putc(&key, '\x02');
            wd_buf_puts(&key, o.fields[i]);
        }
        wd_buf_putc(&key, '\x01');
        wd_buf_append(&key, q->value, q->value_len);
        rcache_hit hit = { 0 };
        if (!key.oom)
            rcache_get(cache, gen, key.data, key.len, &hit);
        if (hit.body) {
            wd_buf_free(&key);
            if (sv->qlog) {
                querylog_entry e = log_entry(sv, rq, q, o.offset);
                e.cached = 1;
                querylog_from_note(&e, hit.note, hit.nlen);
                querylog_write(sv->qlog, &e);
            }
            int ret = send_json(sv, c, rq, 200, "application/json; charset=utf-8", hit.body,
                                hit.blen, NULL);
            wd_free(hit.body);
            return ret;
        }
    }
    view_worker *w = view_worker_get(sv->view);
    if (!w) {
        wd_buf_free(&key);
        return send_error(sv, c, rq, 500, "internal", NULL, "out of memory");
    }
    wd_results *r = NULL;
    wd_error err;
    wd_error_clear(&err);
    if (view_search(w, q->value, q->value_len, &o, &r, &err) != WD_OK) {
        wd_buf_free(&key);
        return send_wd_error(sv, c, rq, &err);
    }
    wd_buf b = WD_BUF_INIT;
    if (wd_results_to_json(r, (int)full, &b) != WD_OK)
        b.oom = 1;
    querylog_entry e = log_entry(sv, rq, q, o.offset);
    e.total = r->total;
    e.answered = r->answered;
    if (r->n_hits) {
        e.top = r->hits[0].id;
        e.confidence = r->hits[0].confidence;
    }
    /* A partial answer (a shard missing) is not kept: the next may be whole. */
    if (cache && gen && !b.oom && !key.oom && !r->partial) {
        wd_buf note = WD_BUF_INIT;
        querylog_note(&note, &e);
        if (!note.oom)
            rcache_put(cache, gen, key.data, key.len, b.data ? b.data : "", b.len, note.data,
                       note.len);
        wd_buf_free(&note);
    }
    wd_buf_free(&key);
    if (sv->qlog && !b.oom)
        querylog_write(sv->qlog, &e);
    wd_results_free(r);
    int ret = send_json_of(sv, c, rq, &b);
    wd_buf_free(&b);
    return ret;
}

/* GET /api/record?id=ID: the whole record, in its stored form (the JSON of
 * `wenda show --json`): id, question, answer, kind, source and date. */
static int h_record(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u)
{
    int sent = MHD_NO;
    if (params_known(sv, c, rq, u, "id", &sent))
        return sent;
    const uri_param *id = uri_get(u, "id");
    if (!id || !id->has_value || id->value_len == 0 || id->value_len > SERVE_MAX_QUERY_BYTES)
        return send_error(sv, c, rq, 400, "bad_parameter", NULL,
                          "id wants a record id of 1 to %d bytes (the \"id\" of a hit)",
                          SERVE_MAX_QUERY_BYTES);
    view_snap *snap = view_acquire(sv->view);
    if (!snap)
        return no_index(sv, c, rq);
    view_release(snap);
    view_worker *w = view_worker_get(sv->view);
    if (!w)
        return send_error(sv, c, rq, 500, "internal", NULL, "out of memory");
    wd_search_opts o = served_opts(sv->cfg);
    wd_hit *h = NULL;
    wd_error err;
    wd_error_clear(&err);
    int rc = view_get(w, id->value, &o, &h, &err);
    if (rc == WD_ENOTFOUND)
        return send_error(sv, c, rq, 404, "not_found", NULL, "%s", err.message);
    if (rc != WD_OK)
        return send_wd_error(sv, c, rq, &err);
    wd_record rec = { h->id,   h->question, h->answer, h->source,  h->date,
                      h->kind, 0,           h->fields, h->n_fields };
    wd_buf b = WD_BUF_INIT;
    wd_record_encode(&rec, &b);
    wd_buf_putc(&b, '\n');
    wd_hit_free(h);
    wd_free(h);
    int ret = send_json_of(sv, c, rq, &b);
    wd_buf_free(&b);
    return ret;
}

/* One entry of a comma list into a JSON array (uri_list_each). */
static int append_name(const char *name, size_t len, void *ctx)
{
    json_array_append_new(ctx, json_stringn(name, len));
    return 0;
}

/* GET /api/info
 * {"title", "description", "examples": [str], "examples_derived": bool,
 *  "fields": [str], "documents": N}: what the page shows about the base, as `wenda index
 * --title --description --examples` kept it (examples derived from the
 * base's questions when none were kept). */
static int h_info(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u)
{
    int sent = MHD_NO;
    if (params_known(sv, c, rq, u, "", &sent))
        return sent;
    view_snap *snap = view_acquire(sv->view);
    if (!snap)
        return no_index(sv, c, rq);
    const wd_index_about *a = &snap->about;
    json_t *ex = json_array();
    for (size_t i = 0; ex && i < a->n_examples; i++)
        json_array_append_new(ex, json_string(a->examples[i]));
    json_t *fields = json_array();
    if (fields)
        uri_list_each(a->fields, append_name, fields);
    json_t *o =
        json_pack("{s:s,s:s,s:o,s:b,s:o,s:I}", "title", a->title ? a->title : "", "description",
                  a->description ? a->description : "", "examples", ex, "examples_derived",
                  a->derived, "fields", fields, "documents", (json_int_t)snap->documents);
    view_release(snap);
    return send_json_object(sv, c, rq, o);
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* GET /api/suggest?q=TYPED[&n=8]
 * {"query": str, "suggestions": [{"id", "question", "highlights": [[s, e]]}]}
 * Highlights are code points of the question. */
static int h_suggest(server *sv, struct MHD_Connection *c, request *rq, const uri_parts *u)
{
    int sent = MHD_NO;
    unsigned long n;
    if (params_known(sv, c, rq, u, "q,n", &sent))
        return sent;
    const uri_param *q = param_q(sv, c, rq, u, 1, &sent);
    if (!q || param_uint(sv, c, rq, u, "n", 1, SERVE_MAX_SUGGEST_N, 8, &n, &sent))
        return sent;
    view_snap *snap = view_acquire(sv->view);
    if (!snap)
        return no_index(sv, c, rq);
    view_worker *w = view_worker_get(sv->view);
    sg_match matches[SERVE_MAX_SUGGEST_N];
    size_t nm = 0;
    const char *text = q->value;
    size_t tlen = q->value_len;
    trim(&text, &tlen);
    char *norm = NULL;
    size_t nlen = 0;
    wd_error err;
    wd_error_clear(&err);
    if (!w) {
        view_release(snap);
        return send_error(sv, c, rq, 500, "internal", NULL, "out of memory");
    }
    if (tlen > 0 &&
        wd_normalize(view_worker_analyzer(w), text, tlen, &norm, &nlen, &err) != WD_OK) {
        view_release(snap);
        return send_wd_error(sv, c, rq, &err);
    }
    if (norm)
        nm = sg_index_lookup(snap->suggest, norm, nlen, matches, n);
    wd_free(norm);
    json_t *arr = json_array();
    for (size_t i = 0; i < nm; i++)
        json_array_append_new(
            arr, json_pack("{s:s,s:s,s:[[I,I]]}", "id", sg_id(snap->suggest, matches[i].q),
                           "question", sg_question(snap->suggest, matches[i].q), "highlights",
                           (json_int_t)matches[i].start, (json_int_t)matches[i].end));
    view_release(snap);
    json_t *o = json_pack("{s:s%,s:o}", "query", q->value, q->value_len, "suggestions", arr);
    return send_json_object(sv, c, rq, o);
}

/* One line of the coverage answer, as `wenda coverage --json` prints it
 * (line = the line of the body), counted into the summary. */
static int coverage_line(view_worker *w, const serve_config *cfg, const char *q, size_t len,
                         size_t line, cov_summary *sum, wd_buf *out, wd_error *err)
{
    wd_search_opts so = served_opts(cfg);
    wd_coverage_opts o = WD_COVERAGE_OPTS_INIT;
    o.search = &so;
    wd_coverage c;
    int rc = view_coverage(w, q, len, &o, &c, err);
    if (rc != WD_OK)
        return rc;
    if (cov_line_json(out, q, len, line, 0, &c) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    if (rc == WD_OK)
        rc = cov_summary_count(sum, q, len, "body", line, &c, err);
    wd_coverage_clear(&c);
    return rc;
}

/* POST /api/coverage   body: one question a line (UTF-8; blank lines skipped)
 * Answer: JSON Lines as `wenda coverage --json`: one {"question", "verdict",
 * "confidence", "best", "runner_up", "line"} per question, in body order,
 * then one {"summary": {...}} (counts, shares, histogram, uncovered groups)
 * at the thresholds of the calibration in force (--calibration FILE, else the
 * index folder's, else the built-in one). */
static int h_coverage(server *sv, struct MHD_Connection *c, request *rq)
{
    const char *body = rq->body.data ? rq->body.data : "";
    size_t len = rq->body.len;
    char why[256];
    int st = serve_body_check(body, len, SERVE_MAX_COVERAGE_LINES, SERVE_MAX_QUERY_BYTES, why,
                              sizeof why);
    if (st)
        return send_error(sv, c, rq, (unsigned)st, st == 413 ? "too_large" : "bad_parameter", NULL,
                          "%s", why);
    view_worker *w = view_worker_get(sv->view);
    if (!w)
        return send_error(sv, c, rq, 500, "internal", NULL, "out of memory");
    wd_buf out = WD_BUF_INIT;
    wd_error err;
    wd_error_clear(&err);
    cov_summary sum;
    memset(&sum, 0, sizeof sum);
    wd_calibration cal;
    wd_search_opts so = served_opts(sv->cfg);
    if (view_calibration(w, &so, &cal, &err) != WD_OK)
        return send_wd_error(sv, c, rq, &err);
    sum.covered_at = cal.covered_at;
    sum.partial_at = cal.partial_at;
    sum.min_coverage = -1;
    double t0 = mono_s();
    double limit = sv->cfg->request_timeout_ms / 1e3;
    body_lines it;
    serve_body_lines_init(&it, body, len);
    const char *line;
    size_t llen, lineno, answered = 0;
    while (serve_body_next(&it, &line, &llen, &lineno)) {
        /* The time limit is checked between questions: one question is
         * never cut half-way, the rest of the body is. */
        if (limit > 0 && mono_s() - t0 > limit) {
            wd_buf_free(&out);
            cov_summary_clear(&sum);
            return send_error(sv, c, rq, 503, "timeout", NULL,
                              "answered %zu questions in %.0f ms and stopped at line %zu: "
                              "over the time limit of %u ms a request (--request-timeout); "
                              "send fewer questions a request",
                              answered, (mono_s() - t0) * 1e3, lineno, sv->cfg->request_timeout_ms);
        }
        if (coverage_line(w, sv->cfg, line, llen, lineno, &sum, &out, &err) != WD_OK) {
            wd_buf_free(&out);
            cov_summary_clear(&sum);
            return send_wd_error(sv, c, rq, &err);
        }
        answered++;
    }
    cov_summary_sort(&sum);
    sum.seconds = mono_s() - t0;
    if (cov_summary_json(&sum, &out) != WD_OK)
        out.oom = 1;
    wd_buf_putc(&out, '\n');
    cov_summary_clear(&sum);
    int ret = out.oom ? send_buf(sv, c, rq, 500, "", &out)
                      : send_json(sv, c, rq, 200, "application/x-ndjson; charset=utf-8",
                                  out.data ? out.data : "", out.len, NULL);
    wd_buf_free(&out);
    return ret;
}

/* POST /api/records        body: a JSON object, an array of them, or JSON Lines
 * DELETE /api/records/{id}
 * The write API (write.h); authorize() let only the write key through. */
static int h_records(server *sv, struct MHD_Connection *c, request *rq, const char *path,
                     int is_post)
{
    write_answer a;
    if (is_post)
        serve_writer_post(sv->writer, rq->body.data ? rq->body.data : "", rq->body.len, &a);
    else
        serve_writer_delete(sv->writer, path + strlen("/api/records/"), &a);
    int ret = a.code ? send_error(sv, c, rq, a.status, a.code, NULL, "%s", a.message)
                     : send_json(sv, c, rq, a.status, "application/json; charset=utf-8",
                                 a.body.data ? a.body.data : "", a.body.len, NULL);
    wd_buf_free(&a.body);
    return ret;
}

static int h_healthz(server *sv, struct MHD_Connection *c, request *rq)
{
    view_snap *snap = view_acquire(sv->view);
    if (!snap)
        return no_index(sv, c, rq);
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "{\"status\":\"ok\",\"documents\":%u,\"generation\":%u}\n", snap->documents,
                  snap->generation);
    view_release(snap);
    int ret = send_buf(sv, c, rq, 200, "application/json; charset=utf-8", &b);
    wd_buf_free(&b);
    return ret;
}

static int h_metrics(server *sv, struct MHD_Connection *c, request *rq)
{
    metrics *m = &sv->m;
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "# HELP wenda_http_requests_total HTTP requests served, by endpoint.\n"
                    "# TYPE wenda_http_requests_total counter\n");
    for (int e = 0; e < EP_N; e++)
        wd_buf_printf(&b, "wenda_http_requests_total{endpoint=\"%s\"} %llu\n", ep_names[e],
                      (unsigned long long)atomic_load(&m->requests[e]));
    wd_buf_puts(&b, "# HELP wenda_http_errors_total HTTP requests answered with status 400 or "
                    "above, by endpoint.\n# TYPE wenda_http_errors_total counter\n");
    for (int e = 0; e < EP_N; e++)
        wd_buf_printf(&b, "wenda_http_errors_total{endpoint=\"%s\"} %llu\n", ep_names[e],
                      (unsigned long long)atomic_load(&m->errors[e]));
    wd_buf_puts(&b, "# HELP wenda_http_responses_total HTTP responses by status class.\n"
                    "# TYPE wenda_http_responses_total counter\n");
    for (int k = 1; k <= 5; k++)
        wd_buf_printf(&b, "wenda_http_responses_total{code=\"%dxx\"} %llu\n", k,
                      (unsigned long long)atomic_load(&m->status_class[k]));
    wd_buf_puts(&b, "# HELP wenda_http_request_duration_seconds Time from the request's "
                    "headers to its response, by endpoint.\n"
                    "# TYPE wenda_http_request_duration_seconds histogram\n");
    for (int e = 0; e < EP_N; e++) {
        unsigned long long cum = 0;
        for (size_t k = 0; k <= NBUCKETS; k++) {
            cum += atomic_load(&m->hist[e][k]);
            if (k < NBUCKETS)
                wd_buf_printf(&b,
                              "wenda_http_request_duration_seconds_bucket{endpoint=\"%s\","
                              "le=\"%g\"} %llu\n",
                              ep_names[e], buckets[k], cum);
            else
                wd_buf_printf(&b,
                              "wenda_http_request_duration_seconds_bucket{endpoint=\"%s\","
                              "le=\"+Inf\"} %llu\n",
                              ep_names[e], cum);
        }
        wd_buf_printf(&b, "wenda_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n",
                      ep_names[e], atomic_load(&m->sum_us[e]) / 1e6);
        wd_buf_printf(&b, "wenda_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
                      ep_names[e], cum);
    }
    wd_buf_printf(&b,
                  "# HELP wenda_http_requests_in_flight Requests being served now.\n"
                  "# TYPE wenda_http_requests_in_flight gauge\n"
                  "wenda_http_requests_in_flight %d\n",
                  atomic_load(&sv->inflight));
    conns_stats ks = conns_get_stats(sv->conns);
    wd_buf_printf(&b,
                  "# HELP wenda_http_connections_open Client connections open now.\n"
                  "# TYPE wenda_http_connections_open gauge\n"
                  "wenda_http_connections_open %u\n"
                  "# HELP wenda_http_connections_refused_total Connections closed at once: their "
                  "address had --max-per-ip open.\n"
                  "# TYPE wenda_http_connections_refused_total counter\n"
                  "wenda_http_connections_refused_total %llu\n"
                  "# HELP wenda_http_requests_limited_total Requests answered 429: their client "
                  "(behind a trusted proxy) had --max-per-ip in flight.\n"
                  "# TYPE wenda_http_requests_limited_total counter\n"
                  "wenda_http_requests_limited_total %llu\n"
                  "# HELP wenda_http_requests_cut_total Requests whose headers "
                  "(--header-timeout) or body (--client-timeout) did not arrive in time.\n"
                  "# TYPE wenda_http_requests_cut_total counter\n"
                  "wenda_http_requests_cut_total{part=\"headers\"} %llu\n"
                  "wenda_http_requests_cut_total{part=\"body\"} %llu\n",
                  ks.open, (unsigned long long)ks.refused, (unsigned long long)ks.limited,
                  (unsigned long long)ks.cut_headers, (unsigned long long)ks.cut_body);
    rcache_stats cs = rcache_get_stats(sv->cache);
    wd_buf_printf(
        &b,
        "# HELP wenda_search_cache_hits_total Searches answered from the cache.\n"
        "# TYPE wenda_search_cache_hits_total counter\nwenda_search_cache_hits_total %llu\n"
        "# HELP wenda_search_cache_misses_total Searches the cache did not hold.\n"
        "# TYPE wenda_search_cache_misses_total counter\n"
        "wenda_search_cache_misses_total %llu\n"
        "# HELP wenda_search_cache_entries Answers held in the cache.\n"
        "# TYPE wenda_search_cache_entries gauge\nwenda_search_cache_entries %zu\n"
        "# HELP wenda_search_cache_bytes Bytes the cache holds.\n"
        "# TYPE wenda_search_cache_bytes gauge\nwenda_search_cache_bytes %zu\n",
        (unsigned long long)cs.hits, (unsigned long long)cs.misses, cs.entries, cs.bytes);
    wd_record_cache_stats rs;
    view_record_cache_stats(sv->view, &rs);
    wd_buf_printf(
        &b,
        "# HELP wenda_record_cache_hits_total Candidate records the workers' record caches "
        "held (--record-cache-mb).\n"
        "# TYPE wenda_record_cache_hits_total counter\nwenda_record_cache_hits_total %llu\n"
        "# HELP wenda_record_cache_misses_total Candidate records read from the index.\n"
        "# TYPE wenda_record_cache_misses_total counter\n"
        "wenda_record_cache_misses_total %llu\n"
        "# HELP wenda_record_cache_records Records the workers' record caches hold.\n"
        "# TYPE wenda_record_cache_records gauge\nwenda_record_cache_records %zu\n"
        "# HELP wenda_record_cache_bytes Bytes the workers' record caches hold (about).\n"
        "# TYPE wenda_record_cache_bytes gauge\nwenda_record_cache_bytes %zu\n",
        (unsigned long long)rs.hits, (unsigned long long)rs.misses, rs.records, rs.bytes);
    if (sv->qlog) {
        querylog_stats ls = querylog_get_stats(sv->qlog);
        wd_buf_printf(&b,
                      "# HELP wenda_query_log_lines_total Searches written to the query log.\n"
                      "# TYPE wenda_query_log_lines_total counter\n"
                      "wenda_query_log_lines_total %llu\n"
                      "# HELP wenda_query_log_errors_total Searches the query log could not "
                      "take (a write failed).\n"
                      "# TYPE wenda_query_log_errors_total counter\n"
                      "wenda_query_log_errors_total %llu\n",
                      (unsigned long long)ls.lines, (unsigned long long)ls.errors);
    }
    view_snap *snap = view_acquire(sv->view);
    wd_buf_printf(&b,
                  "# HELP wenda_index_up 1 when an index is loaded.\n"
                  "# TYPE wenda_index_up gauge\nwenda_index_up %d\n"
                  "# HELP wenda_index_documents Records in the index being served.\n"
                  "# TYPE wenda_index_documents gauge\nwenda_index_documents %u\n"
                  "# HELP wenda_index_generation Index views loaded since start.\n"
                  "# TYPE wenda_index_generation gauge\nwenda_index_generation %u\n"
                  "# HELP wenda_index_last_reload_timestamp_seconds When the index was last "
                  "(re)loaded.\n"
                  "# TYPE wenda_index_last_reload_timestamp_seconds gauge\n"
                  "wenda_index_last_reload_timestamp_seconds %.3f\n"
                  "# HELP wenda_index_reloads_total Successful index (re)loads.\n"
                  "# TYPE wenda_index_reloads_total counter\nwenda_index_reloads_total %llu\n"
                  "# HELP wenda_index_reload_failures_total Reload attempts that failed (the "
                  "previous view kept serving).\n"
                  "# TYPE wenda_index_reload_failures_total counter\n"
                  "wenda_index_reload_failures_total %llu\n"
                  "# HELP wenda_process_start_time_seconds When the service started.\n"
                  "# TYPE wenda_process_start_time_seconds gauge\n"
                  "wenda_process_start_time_seconds %.3f\n",
                  snap ? 1 : 0, snap ? snap->documents : 0, snap ? snap->generation : 0,
                  view_last_reload(sv->view), (unsigned long long)view_reloads(sv->view),
                  (unsigned long long)view_reload_failures(sv->view), sv->started);
    view_release(snap);
    int ret = send_buf(sv, c, rq, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
    wd_buf_free(&b);
    return ret;
}

/* ---- routing ----------------------------------------------------------------- */

/* The keys (auth.h): the write API needs the write key (and is off without
 * one); with a read key the API's reads need a key too. The page, its
 * files, /healthz and /metrics are open. Returns -1 when the request may
 * go on, else the answer sent. */
static int authorize(server *sv, struct MHD_Connection *c, request *rq, const char *method)
{
    if (strcmp(method, "OPTIONS") == 0)
        return -1; /* a CORS preflight carries no credentials */
    int write = rq->ep == EP_RECORDS;
    int read =
        rq->ep == EP_SEARCH || rq->ep == EP_SUGGEST || rq->ep == EP_RECORD || rq->ep == EP_COVERAGE;
    if (write && !serve_keys_writes(sv->keys))
        return send_error(sv, c, rq, 403, "writes_disabled", NULL,
                          "the write API is off; start wenda serve with --api-key-file FILE to "
                          "turn it on");
    if (!write && !(read && serve_keys_guards_reads(sv->keys)))
        return -1;
    const char *auth =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    enum serve_access got = serve_keys_check(sv->keys, auth);
    if (got == SERVE_ACCESS_WRITE || (!write && got == SERVE_ACCESS_READ))
        return -1;
    if (got == SERVE_ACCESS_READ)
        return send_error(sv, c, rq, 403, "forbidden", NULL,
                          "this key may only read; writes need the key of --api-key-file");
    if (auth)
        return send_error(sv, c, rq, 401, "unauthorized", NULL,
                          "the key sent is not one of this service's (Authorization: Bearer KEY)");
    return send_error(sv, c, rq, 401, "unauthorized", NULL,
                      "%s needs a key: send Authorization: Bearer KEY, with the key of %s",
                      write ? "a write" : "this service's API",
                      write ? "--api-key-file" : "--read-key-file (or --api-key-file)");
}

static int dispatch(server *sv, struct MHD_Connection *c, request *rq, const char *method)
{
    char why[512];
    uri_parts u;
    int urc = uri_parse(rq->raw_uri, &u, why, sizeof why);
    if (urc == URI_NOMEM)
        return send_error(sv, c, rq, 500, "internal", NULL, "out of memory");
    if (urc != URI_OK) {
        /* Count it against the endpoint the raw path names. */
        size_t n = strcspn(rq->raw_uri, "?#");
        char raw_path[64];
        snprintf(raw_path, sizeof raw_path, "%.*s", (int)(n < 63 ? n : 63), rq->raw_uri);
        rq->ep = serve_classify(raw_path);
        return send_error(sv, c, rq, 400, "bad_parameter", NULL, "%s", why);
    }
    rq->ep = serve_classify(u.path);
    int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int is_post = strcmp(method, "POST") == 0;
    const char *allow = rq->ep == EP_COVERAGE ? "POST, OPTIONS" : "GET, HEAD, OPTIONS";
    /* /api/records takes a POST; /api/records/{id} a DELETE. */
    int record_id = rq->ep == EP_RECORDS && u.path[strlen("/api/records")] == '/';
    int method_ok = rq->ep == EP_COVERAGE ? is_post : is_get;
    if (rq->ep == EP_RECORDS) {
        allow = record_id ? "DELETE, OPTIONS" : "POST, OPTIONS";
        method_ok = record_id ? strcmp(method, "DELETE") == 0 : is_post;
    }
    int ret;
    if (rq->ep == EP_OTHER) {
        char ex[256];
        uri_excerpt(ex, sizeof ex, u.path, strlen(u.path), 200);
        ret = send_error(sv, c, rq, 404, "not_found", NULL,
                         "no such endpoint: %s (try /, /api/search, /api/suggest, "
                         "/api/record, /api/info, /api/coverage, /api/records, /healthz, /metrics)",
                         ex);
    } else if (strcmp(method, "OPTIONS") == 0) {
        /* CORS preflight (or a plain OPTIONS): say what is allowed. */
        struct MHD_Response *r =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        ret = MHD_NO;
        if (r) {
            const char *origin;
            MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
            if (cors_allowed(sv, c, &origin)) {
                MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                MHD_add_response_header(r, "Access-Control-Allow-Methods", allow);
                MHD_add_response_header(r, "Access-Control-Allow-Headers",
                                        "Content-Type, Authorization");
                MHD_add_response_header(r, "Access-Control-Max-Age", "600");
            }
            if (sv->cfg->cors && *sv->cfg->cors)
                MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Origin");
            rq->status = 204;
            ret = MHD_queue_response(c, 204, r);
            MHD_destroy_response(r);
        }
    } else if ((ret = authorize(sv, c, rq, method)) >= 0) {
        /* refused: no key, or the wrong one */
    } else if (!method_ok) {
        ret = send_error(sv, c, rq, 405, "method_not_allowed", allow,
                         "%s is not allowed on %s; use %s", method, u.path, allow);
    } else if (rq->too_large) {
        ret = send_error(sv, c, rq, 413, "too_large", NULL,
                         "the body is larger than %zu bytes (see --max-body)", sv->cfg->max_body);
    } else if (record_id && u.path[strlen("/api/records/")] == '\0') {
        ret = send_error(sv, c, rq, 400, "bad_parameter", NULL,
                         "DELETE /api/records/ID wants the id of a record after the slash");
    } else {
        switch (rq->ep) {
        case EP_SEARCH: ret = h_search(sv, c, rq, &u); break;
        case EP_SUGGEST: ret = h_suggest(sv, c, rq, &u); break;
        case EP_COVERAGE: ret = h_coverage(sv, c, rq); break;
        case EP_HEALTHZ: ret = h_healthz(sv, c, rq); break;
        case EP_METRICS: ret = h_metrics(sv, c, rq); break;
        case EP_RECORD: ret = h_record(sv, c, rq, &u); break;
        case EP_RECORDS: ret = h_records(sv, c, rq, u.path, is_post); break;
        case EP_INFO: ret = h_info(sv, c, rq, &u); break;
        default: {
            const serve_asset *a = serve_find_asset(u.path);
            ret = send_response(sv, c, rq, 200, a->type, a->data, a->len, 1, NULL);
        }
        }
    }
    uri_parts_free(&u);
    return ret;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    server *sv = cls;
    conns_request_line(sv->conns, c);
    request *rq = wd_calloc(1, sizeof *rq);
    if (rq) {
        rq->raw_uri = wd_strdup(uri ? uri : "");
        rq->ep = EP_OTHER;
    }
    return rq;
}

/* The endpoint a raw request target names, before it is parsed. */
static enum endpoint raw_endpoint(const char *raw)
{
    size_t n = strcspn(raw, "?#");
    char path[64];
    snprintf(path, sizeof path, "%.*s", (int)(n < 63 ? n : 63), raw);
    return serve_classify(path);
}

typedef struct length_check {
    const char *first; /* the first Content-Length */
    int conflict;      /* another one differs, or one is not a number */
} length_check;

static enum MHD_Result check_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    length_check *lc = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
        return MHD_YES;
    const char *v = value ? value : "";
    if (!*v || strspn(v, "0123456789") != strlen(v) || (lc->first && strcmp(lc->first, v) != 0))
        lc->conflict = 1;
    if (!lc->first)
        lc->first = v;
    return MHD_YES;
}

/* What must be refused before anything else, when its headers are in: a
 * request whose body cannot be framed safely, one without a Host (HTTP/1.1)
 * or naming a host this service does not answer to (DNS rebinding), and a
 * POST from a page of another origin that --cors does not allow. Returns
 * the answer sent, or -1 when the request may go on. */
static int gatekeep(server *sv, struct MHD_Connection *c, request *rq, const char *method,
                    const char *version)
{
    length_check lc = { NULL, 0 };
    MHD_get_connection_values(c, MHD_HEADER_KIND, check_length, &lc);
    const char *te =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    rq->ep = raw_endpoint(rq->raw_uri);
    if (lc.conflict || (lc.first && te))
        return send_error(sv, c, rq, 400, "bad_request", NULL, "%s",
                          lc.conflict ? "conflicting or malformed Content-Length headers"
                                      : "both Content-Length and Transfer-Encoding");
    /* A chunked body is not read: libmicrohttpd answers a chunk line
     * longer than its buffer (a long chunk extension) with its own 500. */
    if (te)
        return send_error(sv, c, rq, 411, "length_required", NULL,
                          "send the body with a Content-Length (Transfer-Encoding is not "
                          "accepted)");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!host && strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
        return send_error(sv, c, rq, 400, "bad_request", NULL,
                          "an HTTP/1.1 request needs a Host header");
    if (host && !serve_host_allowed(sv->hosts, host)) {
        char ex[128];
        uri_excerpt(ex, sizeof ex, host, strlen(host), 100);
        return send_error(sv, c, rq, 403, "host_not_allowed", NULL,
                          "this service does not answer to the host '%s' (it answers to %s; "
                          "add names with --allowed-host)",
                          ex, serve_hosts_list(sv->hosts));
    }
    int safe =
        strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || strcmp(method, "OPTIONS") == 0;
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!safe && origin && !serve_origin_same(origin, host) &&
        !serve_cors_match(sv->cfg->cors, origin)) {
        char ex[128];
        uri_excerpt(ex, sizeof ex, origin, strlen(origin), 100);
        return send_error(sv, c, rq, 403, "origin_not_allowed", NULL,
                          "a %s from a page at '%s' is not allowed (allow its origin with "
                          "--cors)",
                          method, ex);
    }
    return -1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)url;
    server *sv = cls;
    request *rq = *con_cls;
    if (!rq || !rq->raw_uri)
        return MHD_NO; /* out of memory: drop the connection */
    if (!rq->started) {
        /* The headers are in. Answers queued now close the connection
         * (the body, if any, is not read); the others wait for the next
         * call, after the body, so that the connection is kept alive. */
        rq->started = 1;
        rq->t0 = mono_s();
        atomic_fetch_add(&sv->inflight, 1);
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        const char *te =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
        int with_body = te || (cl && strtoull(cl, NULL, 10) > 0);
        int over = conns_request_start(sv->conns, c, with_body, rq->client, sizeof rq->client);
        int sent = gatekeep(sv, c, rq, method, version);
        /* Keys are checked before a body is read (and again by the decoded
         * path in dispatch). */
        if (sent < 0)
            sent = authorize(sv, c, rq, method);
        if (sent < 0 && over) {
            rq->ep = raw_endpoint(rq->raw_uri);
            sent = send_error(sv, c, rq, 429, "too_many_requests", NULL,
                              "%s has %u requests in flight (--max-per-ip); try again shortly",
                              rq->client, sv->cfg->max_per_ip);
        }
        if (sent < 0 && cl && strtoull(cl, NULL, 10) > sv->cfg->max_body) {
            rq->too_large = 1;
            sent = dispatch(sv, c, rq, method);
        }
        if (sent >= 0) {
            rq->refused = 1;
            conns_body_done(sv->conns, c);
            return (enum MHD_Result)sent;
        }
        return MHD_YES; /* the body, or the end of the request, follows */
    }
    if (*upload_size > 0) {
        /* (A body trickling in is cut by conns.c's deadline.) */
        if (!rq->too_large && !rq->refused) {
            if (rq->body.len + *upload_size > sv->cfg->max_body) {
                rq->too_large = 1;
                wd_buf_free(&rq->body);
            } else {
                wd_buf_append(&rq->body, upload_data, *upload_size);
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->status)
        return MHD_YES; /* already answered */
    conns_body_done(sv->conns, c);
    if (rq->body.oom)
        return (enum MHD_Result)send_error(sv, c, rq, 500, "internal", NULL, "out of memory");
    return (enum MHD_Result)dispatch(sv, c, rq, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    server *sv = cls;
    request *rq = *con_cls;
    if (!rq)
        return;
    enum conns_cut cut = conns_request_end(sv->conns, c);
    if (rq->started) {
        metrics *m = &sv->m;
        double dt = mono_s() - rq->t0;
        /* Never answered: cut by a deadline or the client gone is the
         * client's doing (408, 400); anything else a dropped request. */
        int st =
            rq->status                                             ? rq->status
            : cut || toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408
            : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT || toe == MHD_REQUEST_TERMINATED_READ_ERROR
                ? 400
                : 500;
        atomic_fetch_add(&m->requests[rq->ep], 1);
        if (st >= 400)
            atomic_fetch_add(&m->errors[rq->ep], 1);
        if (st / 100 >= 1 && st / 100 <= 5)
            atomic_fetch_add(&m->status_class[st / 100], 1);
        size_t k = 0;
        while (k < NBUCKETS && dt > buckets[k])
            k++;
        atomic_fetch_add(&m->hist[rq->ep][k], 1);
        atomic_fetch_add(&m->sum_us[rq->ep], (unsigned long long)(dt * 1e6));
        atomic_fetch_sub(&sv->inflight, 1);
    }
    wd_free(rq->raw_uri);
    wd_buf_free(&rq->body);
    wd_free(rq);
    *con_cls = NULL;
}

/* ---- listening, start and stop ----------------------------------------------- */

static int open_listener(const char *host, unsigned port, int *family, char *bound,
                         size_t bound_len)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char ps[16];
    snprintf(ps, sizeof ps, "%u", port);
    int g = getaddrinfo(host, ps, &hints, &res);
    if (g != 0) {
        serve_logf("cannot resolve --listen host '%s': %s", host, gai_strerror(g));
        return -1;
    }
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
            continue;
        }
        *family = ai->ai_family;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        serve_logf("cannot listen on %s:%u: %s%s", host, port, strerror(last_errno),
                   last_errno == EADDRINUSE ? " (choose another port with --listen HOST:PORT)"
                                            : "");
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char addr[INET6_ADDRSTRLEN] = "?";
    unsigned real_port = port;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof addr);
            real_port = ntohs(a->sin6_port);
        } else {
            struct sockaddr_in *a = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &a->sin_addr, addr, sizeof addr);
            real_port = ntohs(a->sin_port);
        }
    }
    if (ss.ss_family == AF_INET6)
        snprintf(bound, bound_len, "[%s]:%u", addr, real_port);
    else
        snprintf(bound, bound_len, "%s:%u", addr, real_port);
    return fd;
}

/* The server's parts, whatever of them was made (each free takes NULL),
 * and the server itself: after the daemon stopped, or a start that failed
 * part way. */
static void server_free(server *sv)
{
    view_shared_free(sv->view);
    conns_free(sv->conns);
    serve_hosts_free(sv->hosts);
    rcache_free(sv->cache);
    querylog_close(sv->qlog);
    serve_writer_free(sv->writer);
    serve_keys_free(sv->keys);
    wd_free(sv);
}

/* A start that failed part way: everything made so far freed, the exit
 * code passed on. */
static int start_failed(server *sv, int code)
{
    server_free(sv);
    return code;
}

int serve_run(const serve_config *cfg)
{
    char host[256];
    unsigned port = 0;
    if (serve_parse_listen(cfg->listen, host, sizeof host, &port) != 0) {
        serve_logf("--listen wants HOST:PORT, [IPV6]:PORT or :PORT, not '%s'", cfg->listen);
        return 2;
    }
    /* Signals are taken by sigwait below; every thread started from here
     * on inherits the mask, so none of them is interrupted. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (cfg->query_log) /* else SIGHUP ends the service, as it always did */
        sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    server *sv = wd_calloc(1, sizeof *sv);
    if (!sv) {
        serve_logf("out of memory");
        return 4;
    }
    sv->cfg = cfg;
    atomic_init(&sv->inflight, 0);
    if (cfg->cache_bytes && rcache_new(&sv->cache, cfg->cache_bytes) != WD_OK) {
        serve_logf("out of memory");
        wd_free(sv);
        return 4;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sv->started = ts.tv_sec + ts.tv_nsec / 1e9;
    char why[256];
    if (cfg->trusted_proxy && serve_addr_list_check(cfg->trusted_proxy, why, sizeof why) != 0) {
        serve_logf("--trusted-proxy: %s", why);
        return start_failed(sv, 2);
    }
    conns_config cc = { cfg->max_per_ip, cfg->header_timeout_s, cfg->client_timeout_s,
                        cfg->trusted_proxy };
    if (serve_hosts_new(&sv->hosts, host, cfg->allowed_host) != WD_OK ||
        conns_new(&sv->conns, &cc) != WD_OK) {
        serve_logf("out of memory");
        return start_failed(sv, 4);
    }
    wd_error err;
    wd_error_clear(&err);
    if (cfg->query_log && querylog_open(&sv->qlog, cfg->query_log, &err) != WD_OK) {
        serve_logf("%s", err.message);
        return start_failed(sv, 3);
    }
    int loose = 0;
    char key_why[1024];
    if ((cfg->api_key_file || cfg->read_key_file) &&
        serve_keys_load(&sv->keys, cfg->api_key_file, cfg->read_key_file, &loose, key_why,
                        sizeof key_why) != 0) {
        serve_logf("%s", key_why);
        return start_failed(sv, 2);
    }
    if (loose)
        serve_logf("warning: a key file may be read by other users of this machine (chmod 600 "
                   "it)");
    if (view_shared_new(&sv->view, cfg->index_path, cfg->dict, cfg->dict_dir, cfg->reload_ms,
                        &err) == WD_OK &&
        cfg->calibration)
        view_set_calibration(sv->view, cfg->calibration);
    if (!sv->view) {
        serve_logf("%s", err.message);
        return start_failed(sv, err.code == WD_ENOMEM || err.code == WD_EINTERNAL ? 4 : 3);
    }
    if (serve_keys_writes(sv->keys) &&
        serve_writer_new(&sv->writer, cfg->index_path, sv->view) != WD_OK) {
        serve_logf("out of memory");
        return start_failed(sv, 4);
    }
    view_snap *snap = view_acquire(sv->view);
    char load_why[WD_ERROR_MESSAGE_MAX];
    if (!snap && !view_load_error(sv->view, load_why, sizeof load_why)) /* else view.c said why */
        serve_logf(
            "no index at %s yet; answering 503 until one appears (build one with: wenda index "
            "--index %s FILES...)",
            cfg->index_path, cfg->index_path);
    view_release(snap);

    int family = AF_INET;
    char bound[300];
    int fd = open_listener(host, port, &family, bound, sizeof bound);
    if (fd < 0) {
        return start_failed(sv, 3);
    }
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_AUTO;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, conns_accept, sv->conns, on_request, sv, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger,
        NULL, MHD_OPTION_NOTIFY_CONNECTION, conns_notify, sv->conns, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri, sv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, sv, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->client_timeout_s, MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_header, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned)1, MHD_OPTION_END);
    if (!d) {
        serve_logf("cannot start the HTTP daemon on %s", bound);
        close(fd);
        return start_failed(sv, 3);
    }
    printf("wenda serve: listening on http://%s/ (index %s, %u threads)\n", bound, cfg->index_path,
           cfg->threads);
    fflush(stdout);

    int sig = 0;
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        if (querylog_reopen(sv->qlog, &err) == WD_OK)
            serve_logf("SIGHUP received; the query log %s was opened anew",
                       querylog_path(sv->qlog));
        else
            serve_logf("SIGHUP received; %s (still writing to the file open before)", err.message);
    }
    serve_logf("%s received; finishing the requests in flight",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* Stop accepting, let what is in flight finish, then close. */
    MHD_socket lfd = MHD_quiesce_daemon(d);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    double deadline = mono_s() + cfg->drain_ms / 1e3;
    while (atomic_load(&sv->inflight) > 0 && mono_s() < deadline) {
        struct timespec nap = { 0, 5 * 1000000L };
        nanosleep(&nap, NULL);
    }
    int left = atomic_load(&sv->inflight);
    MHD_stop_daemon(d);
    server_free(sv);
    if (left > 0) {
        serve_logf("stopped with %d request(s) unfinished after %u ms", left, cfg->drain_ms);
        return 3;
    }
    serve_logf("stopped");
    return 0;
}
