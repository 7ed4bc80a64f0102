/*
 * fuzz_http.c - the service's request parsing and validation without a
 * daemon (tools/serve/uri.c and params.c): the input up to the first
 * newline is a raw request target, the rest a POST /api/coverage body.
 *
 * Checked: a target is either refused with a non-empty, valid UTF-8 message
 * (so a JSON error can carry it) or decoded into a path starting with '/'
 * and parameters that are valid UTF-8 without NUL; routing never names a
 * route for a path that is not exactly one; q/n/offset/full either pass
 * within their bounds or are refused with a message; the body check agrees
 * with the line iterator (every question trimmed, non-empty, within the
 * limit, in line order); the JSON guard leaves no '<', '>' or '&' and
 * parses back to the same document; excerpts are valid UTF-8 and bounded;
 * listen addresses and CORS lists parse without reading past their ends;
 * the same for Host values, origins, address lists and X-Forwarded-For
 * (hosts.c), whose forwarded client is always one of its entries or the
 * peer.
 */
#include <jansson.h>

#include "fuzz_common.h"
#include "hosts.h"
#include "params.h"
#include "serve.h"
#include "uri.h"

static void check_msg(const char *why)
{
    FZ_CHECK(why[0] != '\0');
    FZ_CHECK(wd_utf8_valid(why, strlen(why), NULL));
    json_t *s = json_string(why);
    FZ_CHECK(s != NULL);
    json_decref(s);
}

static void check_guard(const char *text, size_t len)
{
    json_t *o = json_pack("{s:s%,s:[s%]}", "query", text, len, "x", text, len);
    FZ_CHECK(o != NULL);
    char *j = json_dumps(o, JSON_COMPACT);
    FZ_CHECK(j != NULL);
    wd_buf b = WD_BUF_INIT;
    serve_json_guard(&b, j, strlen(j));
    FZ_CHECK(!b.oom);
    FZ_CHECK(!memchr(b.data, '<', b.len) && !memchr(b.data, '>', b.len) &&
             !memchr(b.data, '&', b.len));
    json_error_t e;
    json_t *back = json_loadb(b.data, b.len, 0, &e);
    FZ_CHECK(back != NULL);
    FZ_CHECK(json_equal(o, back));
    json_decref(back);
    json_decref(o);
    free(j);
    wd_buf_free(&b);
}

static void check_target(const char *raw)
{
    char why[512];
    why[0] = '\0';
    uri_parts u;
    int rc = uri_parse(raw, &u, why, sizeof why);
    if (rc == URI_NOMEM)
        return;
    if (rc != URI_OK) {
        FZ_CHECK(rc == URI_BAD);
        FZ_CHECK(u.path == NULL && u.params == NULL && u.n_params == 0);
        check_msg(why);
        return;
    }
    FZ_CHECK(u.path && u.path[0] == '/');
    FZ_CHECK(wd_utf8_valid(u.path, strlen(u.path), NULL));
    enum endpoint ep = serve_classify(u.path);
    static const char *const names[] = { "/api/search", "/api/suggest", "/api/coverage", "/healthz",
                                         "/metrics" };
    if (ep >= EP_SEARCH && ep <= EP_METRICS)
        FZ_CHECK(strcmp(u.path, names[ep - EP_SEARCH]) == 0);
    if (ep == EP_PAGE)
        FZ_CHECK(serve_find_asset(u.path) && !strstr(u.path, ".."));
    /* (Below /api/records/ the rest is a record id, never a file.) */
    if ((strstr(u.path, "..") || strstr(u.path, "//")) && strncmp(u.path, "/api/records/", 13) != 0)
        FZ_CHECK(ep == EP_OTHER);
    if (ep == EP_RECORDS)
        FZ_CHECK(strncmp(u.path, "/api/records", 12) == 0);
    for (size_t i = 0; i < u.n_params; i++) {
        const uri_param *p = &u.params[i];
        FZ_CHECK(p->name && p->value);
        FZ_CHECK(strlen(p->value) == p->value_len);
        FZ_CHECK(wd_utf8_valid(p->name, strlen(p->name), NULL));
        FZ_CHECK(wd_utf8_valid(p->value, p->value_len, NULL));
    }
    why[0] = '\0';
    const uri_param *q =
        serve_param_q(&u, SERVE_MAX_QUERY_BYTES, (int)(u.n_params & 1), why, sizeof why);
    if (q) {
        FZ_CHECK(q->value_len <= SERVE_MAX_QUERY_BYTES && q->has_value);
        check_guard(q->value, q->value_len);
    } else {
        check_msg(why);
    }
    static const struct {
        const char *name;
        unsigned long lo, hi, dflt;
    } ints[] = { { "n", 1, SERVE_MAX_SEARCH_N, 10 },
                 { "offset", 0, SERVE_MAX_OFFSET, 0 },
                 { "full", 0, 1, 0 },
                 { "n", 1, SERVE_MAX_SUGGEST_N, 8 } };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        unsigned long v = 12345678;
        why[0] = '\0';
        if (serve_param_uint(&u, ints[i].name, ints[i].lo, ints[i].hi, ints[i].dflt, &v, why,
                             sizeof why) == 0)
            FZ_CHECK(v >= ints[i].lo && v <= ints[i].hi);
        else
            check_msg(why);
    }
    /* A parameter the endpoint does not know is named in the message. */
    why[0] = '\0';
    if (serve_params_known(&u, SERVE_SEARCH_PARAMS, why, sizeof why) != 0)
        check_msg(why);
    const char *text = NULL;
    why[0] = '\0';
    if (serve_param_text(&u, "source", SERVE_MAX_QUERY_BYTES, &text, why, sizeof why) != 0)
        check_msg(why);
    else if (text)
        FZ_CHECK(strlen(text) <= SERVE_MAX_QUERY_BYTES);
    /* The 404 message quotes the path. */
    char ex[256];
    uri_excerpt(ex, sizeof ex, u.path, strlen(u.path), 200);
    FZ_CHECK(strlen(ex) < sizeof ex);
    FZ_CHECK(wd_utf8_valid(ex, strlen(ex), NULL));
    uri_parts_free(&u);
}

static void check_body(const char *body, size_t len)
{
    char why[512];
    why[0] = '\0';
    /* Small limits so that both refusals are reached. */
    int st = serve_body_check(body, len, 64, 256, why, sizeof why);
    if (st) {
        FZ_CHECK(st == 400 || st == 413);
        check_msg(why);
        return;
    }
    body_lines it;
    serve_body_lines_init(&it, body, len);
    const char *line;
    size_t n, no, last = 0;
    while (serve_body_next(&it, &line, &n, &no)) {
        FZ_CHECK(line >= body && line + n <= body + len);
        FZ_CHECK(n > 0 && n <= 256);
        FZ_CHECK(no > last && no <= 64);
        last = no;
        FZ_CHECK(!memchr(line, '\n', n));
        FZ_CHECK(line[0] != ' ' && line[0] != '\t');
        FZ_CHECK(line[n - 1] != ' ' && line[n - 1] != '\t' && line[n - 1] != '\r');
        FZ_CHECK(wd_utf8_valid(line, n, NULL));
    }
    check_guard(body, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t tlen = nl ? (size_t)(nl - (const char *)data) : size;
    /* The target as libmicrohttpd hands it over: a C string. */
    char *target = malloc(tlen + 1);
    FZ_CHECK(target != NULL);
    memcpy(target, data, tlen);
    target[tlen] = '\0';
    check_target(target);

    char *decoded = NULL;
    size_t dlen = 0;
    if (uri_decode(target, tlen, (int)(size & 1), &decoded, &dlen) == URI_OK) {
        FZ_CHECK(dlen <= tlen && strlen(decoded) == dlen);
        FZ_CHECK(wd_utf8_valid(decoded, dlen, NULL));
        wd_free(decoded);
    } else {
        FZ_CHECK(decoded == NULL);
    }

    char ex[64];
    uri_excerpt(ex, sizeof ex, (const char *)data, size, 40);
    FZ_CHECK(wd_utf8_valid(ex, strlen(ex), NULL));

    char host[64];
    unsigned port = 99999;
    if (serve_parse_listen(target, host, sizeof host, &port) == 0)
        FZ_CHECK(port <= 65535 && strlen(host) < sizeof host && host[0]);
    (void)serve_cors_match(target, "https://kb.example");
    (void)serve_cors_match("https://a.example, https://kb.example", target);
    static serve_hosts *hosts;
    if (!hosts)
        FZ_CHECK(serve_hosts_new(&hosts, "127.0.0.1", "kb.example,[2001:db8::1]") == 0);
    (void)serve_host_allowed(hosts, target);
    (void)serve_origin_same(target, "127.0.0.1:8080");
    (void)serve_origin_same("http://127.0.0.1:8080", target);
    (void)serve_addr_in(target, "10.1.2.3");
    (void)serve_addr_in("10.0.0.0/8,::1", target);
    char why2[256], client[64];
    if (serve_addr_list_check(target, why2, sizeof why2) != 0)
        check_msg(why2);
    serve_forwarded_client(target, "127.0.0.1,10.0.0.0/8", "127.0.0.1", client, sizeof client);
    FZ_CHECK(strcmp(client, "127.0.0.1") == 0 || strstr(target, client) != NULL);

    if (nl) {
        /* An exact-size copy of the body, as the service collects it. */
        size_t blen = size - tlen - 1;
        char *body = malloc(blen ? blen : 1);
        FZ_CHECK(body != NULL);
        memcpy(body, nl + 1, blen);
        check_body(body, blen);
        free(body);
    }
    free(target);
    return 0;
}
