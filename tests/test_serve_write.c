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
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "serve_harness.h"

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

int main(void)
{
    const struct CMUnitTest querylog[] = {
        cmocka_unit_test(test_serve_write__query_log_has_each_search_and_reopens_on_sighup),
        cmocka_unit_test(test_serve_write__query_log_names_clients_only_when_asked),
        cmocka_unit_test(test_serve_write__coverage_from_log_most_asked_first),
    };
    return cmocka_run_group_tests_name("serve_query_log", querylog, setup, teardown);
}
