/*
 * test_serve_write.c - what `wenda serve` writes and takes in: the query log
 * (--query-log, reopened on SIGHUP, read back by `wenda coverage
 * --from-log`) and the write API guarded by keys (POST /api/records,
 * DELETE /api/records/{id}, --api-key-file, --read-key-file), against the
 * real binary on loopback (serve_harness.h).
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "serve_harness.h"
#include "wenda/analyzer.h"
#include "wenda/index.h"
#include "wenda/search.h"

#define SEEDS WD_SOURCE_DIR "/corpus/seeds"
/* 低保户要交医保吗 (the seeds answer it) and 医保卡丢了 */
#define Q_DIBAO "%E4%BD%8E%E4%BF%9D%E6%88%B7%E8%A6%81%E4%BA%A4%E5%8C%BB%E4%BF%9D%E5%90%97"
#define Q_CARD "%E5%8C%BB%E4%BF%9D%E5%8D%A1%E4%B8%A2%E4%BA%86"

typedef struct fixture {
    char dir[64];
    char index[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (th_tmpdir(f->dir, sizeof f->dir, "serve-write") != 0)
        return -1;
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
    const char *args[] = { "index", "--quiet", "--index", f->index, SEEDS, NULL };
    if (wenda_run(args) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    th_rmtree(f->dir);
    free(f);
    return 0;
}

/* The JSON lines of a file, waiting (with a deadline) until it has n. */
static json_t *log_lines(const char *path, size_t n)
{
    double deadline = now_s() + 10;
    for (;;) {
        char *text = th_slurp(path, NULL);
        json_t *lines = th_json_lines(text);
        free(text);
        if (json_array_size(lines) >= n || now_s() > deadline)
            return lines;
        json_decref(lines);
        sleep_ms(20);
    }
}

/* ---- the query log ------------------------------------------------------------ */

static void test_serve_write__query_log_has_each_search_and_reopens_on_sighup(void **state)
{
    fixture *f = *state;
    char log[256], moved[256];
    th_path(log, sizeof log, f->dir, "query.log");
    th_path(moved, sizeof moved, f->dir, "query.log.1");
    const char *extra[] = { "--query-log", log, NULL };
    srv s = serve_start(f->index, extra);
    const char *targets[] = { "/api/search?q=" Q_DIBAO, "/api/search?q=" Q_DIBAO,
                              "/api/search?q=zzzqqq",   "/api/search?q=" Q_DIBAO "&offset=10",
                              "/api/suggest?q=" Q_CARD, "/api/search?q=" };
    json_t *answer = NULL;
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        resp r = get(s.port, targets[i]);
        assert_int_equal(r.status, i == 5 ? 400 : 200);
        if (i == 0)
            answer = th_json(r.body);
        resp_free(&r);
    }
    json_t *hit = json_array_get(json_object_get(answer, "hits"), 0);
    /* Searches only (not suggestions, not refused requests), in order. */
    json_t *lines = log_lines(log, 4);
    assert_int_equal(json_array_size(lines), 4);
    json_t *first = json_array_get(lines, 0), *second = json_array_get(lines, 1);
    json_t *none = json_array_get(lines, 2), *page = json_array_get(lines, 3);
    assert_string_equal(th_json_str(first, "query"), "低保户要交医保吗");
    assert_int_equal(strlen(th_json_str(first, "time")), strlen("2026-12-07T08:15:02.123Z"));
    assert_int_equal(th_json_int(first, "hits"), th_json_int(answer, "total"));
    assert_string_equal(th_json_str(first, "top"), th_json_str(hit, "id"));
    assert_true(json_real_value(json_object_get(first, "confidence")) ==
                json_real_value(json_object_get(hit, "confidence")));
    assert_true(json_is_true(json_object_get(first, "answered")));
    assert_true(json_is_number(json_object_get(first, "ms")));
    assert_true(json_is_false(json_object_get(first, "cached")));
    assert_null(json_object_get(first, "client"));
    assert_null(json_object_get(first, "offset"));
    /* The repeated search came from the cache and is logged the same. */
    assert_true(json_is_true(json_object_get(second, "cached")));
    assert_string_equal(th_json_str(second, "top"), th_json_str(hit, "id"));
    assert_int_equal(th_json_int(second, "hits"), th_json_int(first, "hits"));
    assert_true(json_real_value(json_object_get(second, "confidence")) ==
                json_real_value(json_object_get(first, "confidence")));
    assert_true(json_is_true(json_object_get(second, "answered")));
    assert_true(json_is_null(json_object_get(none, "top")));
    assert_true(json_is_null(json_object_get(none, "confidence")));
    assert_int_equal(th_json_int(none, "hits"), 0);
    assert_int_equal(th_json_int(page, "offset"), 10);
    json_decref(lines);
    json_decref(answer);

    /* logrotate: the file is moved, SIGHUP opens a new one. */
    assert_int_equal(rename(log, moved), 0);
    kill(s.pid, SIGHUP);
    struct stat st;
    double deadline = now_s() + 10;
    while (stat(log, &st) != 0 && now_s() < deadline)
        sleep_ms(20);
    assert_int_equal(stat(log, &st), 0);
    resp r = get(s.port, "/api/search?q=" Q_CARD);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    lines = log_lines(log, 1);
    assert_int_equal(json_array_size(lines), 1);
    assert_string_equal(th_json_str(json_array_get(lines, 0), "query"), "医保卡丢了");
    json_decref(lines);
    lines = log_lines(moved, 4);
    assert_int_equal(json_array_size(lines), 4);
    json_decref(lines);
    /* The log's counters are in /metrics. */
    r = get(s.port, "/metrics");
    assert_non_null(strstr(r.body, "wenda_query_log_lines_total 5\n"));
    resp_free(&r);
    assert_int_equal(serve_stop(&s), 0);
}

static void test_serve_write__query_log_names_clients_only_when_asked(void **state)
{
    fixture *f = *state;
    char log[256];
    th_path(log, sizeof log, f->dir, "clients.log");
    const char *extra[] = { "--query-log", log, "--query-log-clients", NULL };
    srv s = serve_start(f->index, extra);
    resp r = get(s.port, "/api/search?q=" Q_CARD);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    json_t *lines = log_lines(log, 1);
    assert_string_equal(th_json_str(json_array_get(lines, 0), "client"), "127.0.0.1");
    json_decref(lines);
    assert_int_equal(serve_stop(&s), 0);

    /* Usage: the flag needs a log; a log that cannot be opened stops the start. */
    const char *bad[] = { "serve", "--index", f->index, "--query-log-clients", NULL };
    assert_int_equal(wenda_run(bad), 2);
    const char *unwritable[] = { "serve",
                                 "--index",
                                 f->index,
                                 "--listen",
                                 "127.0.0.1:0",
                                 "--query-log",
                                 "/nonexistent/q.log",
                                 NULL };
    th_run run = th_wenda_argv(NULL, NULL, unwritable);
    assert_int_equal(run.status, 3);
    assert_non_null(strstr(run.err, "/nonexistent/q.log: cannot open the query log"));
    th_run_free(&run);
}

/* coverage --from-log: each logged question once, most asked first, with
 * its count; later pages are not counted; a line that is not the log's is
 * named and skipped (exit 3). */
static void test_serve_write__coverage_from_log_most_asked_first(void **state)
{
    fixture *f = *state;
    char log[256];
    th_path(log, sizeof log, f->dir, "fixture.log");
    th_write_text(log, "{\"time\":\"t\",\"query\":\"zzzqqq\",\"hits\":0}\n"
                       "{\"time\":\"t\",\"query\":\"低保户要交医保吗\",\"hits\":9}\n"
                       "{\"time\":\"t\",\"query\":\" 低保户要交医保吗 \",\"hits\":9}\n"
                       "{\"time\":\"t\",\"query\":\"低保户要交医保吗\",\"offset\":10}\n"
                       "{\"time\":\"t\",\"query\":\"医保卡丢了\"}\n"
                       "{\"time\":\"t\",\"query\":\"医保卡丢了\"}\n"
                       "{\"time\":\"t\",\"query\":\"医保卡丢了\"}\n");
    th_run r = th_wenda(f->index, NULL, "coverage", "--json", "--from-log", log, NULL);
    assert_int_equal(r.status, 0);
    json_t *lines = th_json_lines(r.out);
    assert_int_equal(json_array_size(lines), 4);
    const char *want[] = { "医保卡丢了", "低保户要交医保吗", "zzzqqq" };
    const long asked[] = { 3, 2, 1 }, line[] = { 5, 2, 1 };
    for (size_t i = 0; i < 3; i++) {
        json_t *o = json_array_get(lines, i);
        assert_string_equal(th_json_str(o, "question"), want[i]);
        assert_int_equal(th_json_int(o, "asked"), asked[i]);
        assert_int_equal(th_json_int(o, "line"), line[i]);
    }
    assert_string_equal(th_json_str(json_array_get(lines, 1), "verdict"), "covered");
    assert_string_equal(th_json_str(json_array_get(lines, 2), "verdict"), "uncovered");
    json_t *sum = json_object_get(json_array_get(lines, 3), "summary");
    assert_int_equal(th_json_int(sum, "questions"), 3);
    json_decref(lines);
    th_run_free(&r);

    r = th_wenda(f->index, NULL, "coverage", "--from-log", log, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "医保卡丢了  (asked 3 times)"));
    assert_non_null(strstr(r.err, "6 searches, 3 distinct questions"));
    th_run_free(&r);

    th_write_text(log, "{\"query\":\"医保卡丢了\"}\nnot a log line\n{\"q\":\"x\"}\n");
    r = th_wenda(f->index, NULL, "coverage", "--from-log", log, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(
        strstr(r.err, "fixture.log:2: not JSON: not a line of wenda serve's query log"));
    assert_non_null(strstr(r.err, "fixture.log:3: no \"query\" string"));
    th_run_free(&r);

    r = th_wenda(f->index, NULL, "coverage", "--from-log", log, "more.txt", NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
}

/* ---- the write API ---------------------------------------------------------------- */

#define WRITE_KEY "0123456789abcdef0123456789abcdef"
#define READ_KEY "fedcba9876543210fedcba9876543210"
#define AUTH_WRITE "Authorization: Bearer " WRITE_KEY "\r\n"
#define AUTH_READ "Authorization: Bearer " READ_KEY "\r\n"
/* 宠物狗可以坐高铁吗 */
#define Q_DOG "%E5%AE%A0%E7%89%A9%E7%8B%97%E5%8F%AF%E4%BB%A5%E5%9D%90%E9%AB%98%E9%93%81%E5%90%97"

/* A key file in the fixture's folder, readable by its owner only. */
static const char *key_file(fixture *f, const char *name, const char *key, char *out, size_t cap)
{
    th_path(out, cap, f->dir, name);
    th_write_text(out, key);
    chmod(out, 0600);
    return out;
}

static resp post(int port, const char *auth, const char *body)
{
    return http(port, "POST", "/api/records", auth, body, strlen(body));
}

/* The id of the first hit of a search, *new* ("" when none). */
static char *top_id(int port, const char *target, const char *auth)
{
    resp r = http(port, "GET", target, auth, NULL, 0);
    assert_int_equal(r.status, 200);
    json_t *j = th_json(r.body);
    const char *id =
        json_string_value(json_object_get(json_array_get(json_object_get(j, "hits"), 0), "id"));
    char *out = strdup(id ? id : "");
    json_decref(j);
    resp_free(&r);
    return out;
}

/* A record written through the API is analysed with the dictionary the
 * service has in force, the one reloaded after a change of its folder, not
 * the one it started with: its question's new word is a word of the index. */
static void test_serve_write__writes_use_the_reloaded_dictionary(void **state)
{
    fixture *f = *state;
    char wk[256], ddir[160], user[200];
    snprintf(ddir, sizeof ddir, "%s/write-dict", f->dir);
    snprintf(user, sizeof user, "%s/user.txt", ddir);
    assert_int_equal(mkdir(ddir, 0777), 0);
    const char *extra[] = { "--api-key-file",
                            key_file(f, "write.key", WRITE_KEY "\n", wk, sizeof wk),
                            "--dict",
                            ddir,
                            "--reload-ms",
                            "50",
                            NULL };
    srv s = serve_start(f->index, extra);
    th_write_text(user, "犬猫托运险 1000\n");
    sleep_ms(2000); /* several looks of the reloader at the folder */
    resp r = post(s.port, AUTH_WRITE,
                  "{\"id\":\"pet\",\"question\":\"犬猫托运险怎么买\",\"answer\":\"在线投保。\"}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(serve_stop(&s), 0);

    wd_dict *d = NULL;
    wd_searcher *se = NULL;
    assert_int_equal(wd_dict_load(&d, ddir, NULL), WD_OK);
    assert_int_equal(wd_searcher_open(&se, f->index, d, NULL), WD_OK);
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.explain = 1;
    wd_results *res = NULL;
    const char *q = "犬猫托运险";
    assert_int_equal(wd_search(se, q, strlen(q), &o, &res, NULL), WD_OK);
    int word = 0;
    for (size_t i = 0; i < res->n_hits; i++)
        for (size_t k = 0; !strcmp(res->hits[i].id, "pet") && k < res->hits[i].n_explain; k++)
            word |= !strcmp(res->hits[i].explain[k].term, "S犬猫托运险");
    assert_true(word);
    wd_results_free(res);
    wd_searcher_close(se);
    wd_dict_free(d);
    /* the index as the other tests expect it */
    const char *del[] = { "delete", "--index", f->index, "pet", NULL };
    wenda_run(del);
}

static void test_serve_write__records_written_with_the_key_are_searchable_at_once(void **state)
{
    fixture *f = *state;
    char wk[256];
    const char *extra[] = { "--api-key-file",
                            key_file(f, "write.key", WRITE_KEY "\n", wk, sizeof wk), "--max-body",
                            "4096", NULL };
    srv s = serve_start(f->index, extra);
    const char *dog = "{\"id\":\"api-dog\",\"question\":\"宠物狗可以坐高铁吗\","
                      "\"answer\":\"除导盲犬外，宠物不能携带上高铁。\",\"date\":\"2026-01-02\"}";

    /* No key, a wrong key, a malformed header: 401, nothing written, on loopback too. */
    resp r = post(s.port, NULL, dog);
    assert_true(has_header(&r, "WWW-Authenticate: Bearer"));
    assert_error(r, 401, "unauthorized");
    assert_error(post(s.port, "Authorization: Bearer 0123456789abcdef0123456789abcdeX\r\n", dog),
                 401, "unauthorized");
    assert_error(post(s.port, "Authorization: " WRITE_KEY "\r\n", dog), 401, "unauthorized");
    assert_error(http(s.port, "DELETE", "/api/records/000_e31b320f51b19bad%2320", NULL, NULL, 0),
                 401, "unauthorized");
    r = get(s.port, "/api/record?id=api-dog");
    assert_int_equal(r.status, 404);
    resp_free(&r);

    /* One object: searchable when the answer arrives (no waiting). */
    r = post(s.port, AUTH_WRITE, dog);
    assert_int_equal(r.status, 200);
    json_t *j = th_json(r.body);
    assert_int_equal(th_json_int(j, "records"), 1);
    assert_int_equal(th_json_int(j, "added"), 1);
    assert_int_equal(th_json_int(j, "replaced"), 0);
    assert_int_equal(json_array_size(json_object_get(j, "warnings")), 0);
    json_decref(j);
    resp_free(&r);
    char *id = top_id(s.port, "/api/search?q=" Q_DOG, NULL);
    assert_string_equal(id, "api-dog");
    free(id);
    r = get(s.port, "/api/record?id=api-dog");
    assert_int_equal(r.status, 200);
    j = th_json(r.body);
    assert_string_equal(th_json_str(j, "source"), "api");
    assert_string_equal(th_json_str(j, "date"), "2026-01-02");
    json_decref(j);
    resp_free(&r);

    /* An array, then JSON Lines replacing one of its records. */
    r = post(
        s.port, AUTH_WRITE,
        "[{\"id\":\"api-a\",\"question\":\"问题甲\",\"answer\":\"答案甲\",\"date\":\"soon\"},"
        "{\"id\":\"api-b\",\"question\":\"问题乙\",\"answer\":\"答案乙\",\"source\":\"faq\"}]");
    assert_int_equal(r.status, 200);
    j = th_json(r.body);
    assert_int_equal(th_json_int(j, "added"), 2);
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(j, "warnings"), 0)),
                           "element 1: date \"soon\" is not YYYY-MM-DD"));
    json_decref(j);
    resp_free(&r);
    r = post(s.port, AUTH_WRITE,
             "{\"id\":\"api-b\",\"question\":\"问题乙\",\"answer\":\"新答案乙\"}\n"
             "{\"id\":\"api-c\",\"question\":\"问题丙\",\"answer\":\"答案丙\"}\n");
    assert_int_equal(r.status, 200);
    j = th_json(r.body);
    assert_int_equal(th_json_int(j, "records"), 2);
    assert_int_equal(th_json_int(j, "added"), 1);
    assert_int_equal(th_json_int(j, "replaced"), 1);
    json_decref(j);
    resp_free(&r);
    r = get(s.port, "/api/record?id=api-b");
    assert_non_null(strstr(r.body, "新答案乙"));
    resp_free(&r);

    /* A bad record fails the whole body: the good one before it is not written. */
    r = post(s.port, AUTH_WRITE,
             "{\"id\":\"api-d\",\"question\":\"问题丁\",\"answer\":\"答案丁\"}\n"
             "{\"id\":\"api-e\",\"answer\":\"no question\"}\n");
    assert_non_null(strstr(r.body, "line 2: no \\\"question\\\" field; nothing was written"));
    assert_error(r, 400, "bad_record");
    r = get(s.port, "/api/record?id=api-d");
    assert_int_equal(r.status, 404);
    resp_free(&r);
    assert_error(post(s.port, AUTH_WRITE, "[1, 2]"), 400, "bad_record");
    assert_error(post(s.port, AUTH_WRITE, "[{\"question\": "), 400, "bad_record");
    assert_error(post(s.port, AUTH_WRITE, "   \n"), 400, "bad_record");
    assert_error(post(s.port, AUTH_WRITE, "[]"), 400, "bad_record");

    /* Limits and methods. */
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_error(post(s.port, AUTH_WRITE, big), 413, "too_large");
    assert_error(post(s.port, NULL, big), 401, "unauthorized"); /* the key before the body */
    r = http(s.port, "GET", "/api/records", AUTH_WRITE, NULL, 0);
    assert_true(has_header(&r, "Allow: POST, OPTIONS"));
    assert_error(r, 405, "method_not_allowed");
    assert_error(http(s.port, "DELETE", "/api/records/", AUTH_WRITE, NULL, 0), 400,
                 "bad_parameter");

    /* Delete: gone from the search at once; a second time 404. */
    r = http(s.port, "DELETE", "/api/records/api-dog", AUTH_WRITE, NULL, 0);
    assert_int_equal(r.status, 200);
    j = th_json(r.body);
    assert_string_equal(th_json_str(j, "deleted"), "api-dog");
    json_decref(j);
    resp_free(&r);
    id = top_id(s.port, "/api/search?q=" Q_DOG, NULL);
    assert_string_not_equal(id, "api-dog");
    free(id);
    assert_error(http(s.port, "DELETE", "/api/records/api-dog", AUTH_WRITE, NULL, 0), 404,
                 "not_found");
    /* An id with a slash and a '#', escaped in the path. */
    r = http(s.port, "DELETE", "/api/records/000_e31b320f51b19bad%2320", AUTH_WRITE, NULL, 0);
    assert_int_equal(r.status, 200);
    resp_free(&r);

    /* Searches need no key. */
    r = get(s.port, "/api/search?q=" Q_DIBAO);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    r = get(s.port, "/metrics");
    assert_non_null(strstr(r.body, "wenda_http_requests_total{endpoint=\"records\"}"));
    resp_free(&r);
    assert_int_equal(serve_stop(&s), 0);
    /* What the API wrote is in the index on disk. */
    th_run sh = th_wenda(f->index, NULL, "show", "--json", "api-c", NULL);
    assert_int_equal(sh.status, 0);
    th_run_free(&sh);
}

static void test_serve_write__without_a_key_file_writes_are_off(void **state)
{
    fixture *f = *state;
    srv s = serve_start(f->index, NULL);
    assert_error(post(s.port, AUTH_WRITE, "{\"question\":\"q\",\"answer\":\"a\"}"), 403,
                 "writes_disabled");
    assert_error(http(s.port, "DELETE", "/api/records/x", NULL, NULL, 0), 403, "writes_disabled");
    assert_int_equal(serve_stop(&s), 0);
}

static void test_serve_write__a_read_key_guards_the_reads(void **state)
{
    fixture *f = *state;
    char wk[256], rk[256];
    key_file(f, "write.key", "  " WRITE_KEY "  \r\n", wk, sizeof wk);
    key_file(f, "read.key", READ_KEY "\n", rk, sizeof rk);
    const char *extra[] = { "--api-key-file", wk, "--read-key-file", rk, NULL };
    srv s = serve_start(f->index, extra);
    const char *reads[] = { "/api/search?q=" Q_DIBAO, "/api/suggest?q=" Q_CARD,
                            "/api/record?id=000_e31b320f51b19bad%232" };
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        assert_error(get(s.port, reads[i]), 401, "unauthorized");
        assert_error(
            http(s.port, "GET", reads[i], "Authorization: Bearer nope-nope-nope-nope\r\n", NULL, 0),
            401, "unauthorized");
        const char *auths[] = { AUTH_READ, AUTH_WRITE,
                                "authorization:   bearer   " READ_KEY "  \r\n" };
        for (size_t k = 0; k < 3; k++) {
            resp r = http(s.port, "GET", reads[i], auths[k], NULL, 0);
            assert_int_equal(r.status, 200);
            resp_free(&r);
        }
    }
    assert_error(http(s.port, "POST", "/api/coverage", NULL, "x\n", 2), 401, "unauthorized");
    /* The page, its files, /healthz and /metrics stay open. */
    const char *open_paths[] = { "/", "/app.js", "/healthz", "/metrics" };
    for (size_t i = 0; i < 4; i++) {
        resp r = get(s.port, open_paths[i]);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    /* The read key cannot write; a CORS preflight needs no key. */
    assert_error(post(s.port, AUTH_READ, "{\"question\":\"q\",\"answer\":\"a\"}"), 403,
                 "forbidden");
    resp r = http(s.port, "OPTIONS", "/api/records", NULL, NULL, 0);
    assert_int_equal(r.status, 204);
    resp_free(&r);
    assert_int_equal(serve_stop(&s), 0);

    /* Keys that are refused at start: exit 2, the file named. */
    char shortk[256], same[256];
    key_file(f, "short.key", "abc\n", shortk, sizeof shortk);
    key_file(f, "same.key", READ_KEY "\n", same, sizeof same);
    const char *bad[][6] = { { "--api-key-file", shortk, NULL },
                             { "--api-key-file", same, "--read-key-file", rk, NULL },
                             { "--api-key-file", "/nonexistent/key", NULL } };
    const char *why[] = { "short.key: the key is too short", "hold the same key",
                          "/nonexistent/key: cannot read it" };
    for (size_t i = 0; i < 3; i++) {
        const char *args[12] = { "serve", "--index", f->index, "--listen", "127.0.0.1:0" };
        for (size_t k = 0; bad[i][k]; k++)
            args[5 + k] = bad[i][k];
        th_run run = th_wenda_argv(NULL, NULL, args);
        assert_int_equal(run.status, 2);
        assert_non_null(strstr(run.err, why[i]));
        th_run_free(&run);
    }
}

/* While another writer holds the index's lock, a write waits a moment,
 * then answers 503 "busy" naming it, and writes nothing. */
static void test_serve_write__busy_while_another_writer_holds_the_index(void **state)
{
    fixture *f = *state;
    char wk[256], lock[256];
    const char *extra[] = { "--api-key-file", key_file(f, "write.key", WRITE_KEY, wk, sizeof wk),
                            NULL };
    srv s = serve_start(f->index, extra);
    th_path(lock, sizeof lock, f->index, "wenda.lock");
    int fd = open(lock, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_int_equal(pwrite(fd, "4242\n", 5, 0), 5);
    const char *rec = "{\"id\":\"api-busy\",\"question\":\"问题戊\",\"answer\":\"答案戊\"}";
    resp r = post(s.port, AUTH_WRITE, rec);
    assert_non_null(strstr(r.body, "pid 4242"));
    assert_error(r, 503, "busy");
    assert_error(http(s.port, "DELETE", "/api/records/api-busy", AUTH_WRITE, NULL, 0), 503, "busy");
    flock(fd, LOCK_UN);
    close(fd);
    r = post(s.port, AUTH_WRITE, rec);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    assert_int_equal(serve_stop(&s), 0);
}

/* A sharded index: each record goes to the shard its id hashes to, and
 * the service sees it at once (its reloader cannot see shard commits). */
static void test_serve_write__sharded_index_routes_by_id(void **state)
{
    fixture *f = *state;
    char dir[256], wk[256];
    th_path(dir, sizeof dir, f->dir, "sharded");
    const char *args[] = { "index", "--quiet", "--index", dir, "--shards", "3", SEEDS, NULL };
    assert_int_equal(wenda_run(args), 0);
    const char *extra[] = { "--api-key-file", key_file(f, "write.key", WRITE_KEY, wk, sizeof wk),
                            NULL };
    srv s = serve_start(dir, extra);
    resp r =
        post(s.port, AUTH_WRITE,
             "[{\"id\":\"shard-dog\",\"question\":\"宠物狗可以坐高铁吗\",\"answer\":\"不可以。\"},"
             "{\"id\":\"shard-x1\",\"question\":\"问题一\",\"answer\":\"答案一\"},"
             "{\"id\":\"shard-x2\",\"question\":\"问题二\",\"answer\":\"答案二\"}]");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    char *id = top_id(s.port, "/api/search?q=" Q_DOG, NULL);
    assert_string_equal(id, "shard-dog");
    free(id);
    assert_int_equal(serve_stop(&s), 0);
    const char *ids[] = { "shard-dog", "shard-x1", "shard-x2" };
    for (size_t i = 0; i < 3; i++) {
        for (uint32_t k = 0; k < 3; k++) {
            char shard[300], name[16];
            snprintf(name, sizeof name, "shard-%u", k + 1);
            th_path(shard, sizeof shard, dir, name);
            th_run sh = th_wenda(shard, NULL, "show", "--json", ids[i], NULL);
            assert_int_equal(sh.status, k == wd_index_shard_of(ids[i], 3) ? 0 : 1);
            th_run_free(&sh);
        }
    }
}

/* A shard list cannot take writes: 409 saying why. */
static void test_serve_write__shard_list_refuses_writes(void **state)
{
    fixture *f = *state;
    char other[256], list[600], wk[256];
    th_path(other, sizeof other, f->dir, "other");
    char kb[300];
    th_path(kb, sizeof kb, f->dir, "other.jsonl");
    th_write_text(kb, "{\"id\":\"o1\",\"question\":\"问题己\",\"answer\":\"答案己\"}\n");
    const char *args[] = { "index", "--quiet", "--index", other, kb, NULL };
    assert_int_equal(wenda_run(args), 0);
    snprintf(list, sizeof list, "%s,%s", f->index, other);
    const char *extra[] = { "--api-key-file", key_file(f, "write.key", WRITE_KEY, wk, sizeof wk),
                            NULL };
    srv s = serve_start(list, extra);
    resp r = post(s.port, AUTH_WRITE, "{\"question\":\"q\",\"answer\":\"a\"}");
    assert_non_null(strstr(r.body, "a shard list"));
    assert_error(r, 409, "not_writable");
    assert_error(http(s.port, "DELETE", "/api/records/o1", AUTH_WRITE, NULL, 0), 409,
                 "not_writable");
    assert_int_equal(serve_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest querylog[] = {
        cmocka_unit_test(test_serve_write__query_log_has_each_search_and_reopens_on_sighup),
        cmocka_unit_test(test_serve_write__writes_use_the_reloaded_dictionary),
        cmocka_unit_test(test_serve_write__query_log_names_clients_only_when_asked),
        cmocka_unit_test(test_serve_write__coverage_from_log_most_asked_first),
    };
    const struct CMUnitTest write[] = {
        cmocka_unit_test(test_serve_write__records_written_with_the_key_are_searchable_at_once),
        cmocka_unit_test(test_serve_write__without_a_key_file_writes_are_off),
        cmocka_unit_test(test_serve_write__a_read_key_guards_the_reads),
        cmocka_unit_test(test_serve_write__busy_while_another_writer_holds_the_index),
        cmocka_unit_test(test_serve_write__sharded_index_routes_by_id),
        cmocka_unit_test(test_serve_write__shard_list_refuses_writes),
    };
    int failed = cmocka_run_group_tests_name("serve_query_log", querylog, setup, teardown);
    failed += cmocka_run_group_tests_name("serve_write_api", write, setup, teardown);
    return failed;
}
