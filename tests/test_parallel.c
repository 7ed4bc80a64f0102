/*
 * test_parallel.c - the index writer with worker threads (jobs > 1), bulk
 * parts and shards gives the same index as the serial writer: the same
 * records, a repeated id replaced rather than duplicated, deletes that find
 * their record, and commits that cover a prefix of the input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "wenda/index.h"
#include "wenda/search.h"

#define N 1500

static char dir[64];
static wd_dict *dict;

static int setup(void **state)
{
    (void)state;
    if (th_tmpdir(dir, sizeof dir, "par") != 0)
        return -1;
    return wd_dict_load(&dict, NULL, NULL) == WD_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    th_rmtree(dir);
    wd_dict_free(dict);
    return 0;
}

static const char *const qs[] = { "低保户要交医保吗", "异地就医怎么报销",
                                  "灵活就业医保会进个人账户吗", "新生儿怎么参保" };
static const char *const as[] = { "低保户参加城乡居民医保，个人缴费部分由政府补贴。",
                                  "异地就医需要先备案，然后在就医地直接结算。",
                                  "灵活就业人员参加职工医保，个人账户按规定划入。",
                                  "新生儿出生后可以在户籍地办理参保登记。" };

/* Record ids are long (over 16 bytes), so they are hashed terms
 * (schema.h) on every path. */
#define ID "法规/中华人民共和国社会保险法#r%d"

static const char *idof(int k)
{
    static char id[64];
    snprintf(id, sizeof id, ID, k);
    return id;
}

/* Index N records (record i has id ID with i, and those of 0..99 come
 * twice: the second version must replace the first), then delete 7's. With
 * profile, the CPU split is measured. */
static void build(const char *name, unsigned jobs, int bulk, uint32_t shards, int profile,
                  wd_index_stats *stats)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    wd_index_opts o = WD_INDEX_OPTS_INIT;
    o.batch_size = 97;
    o.jobs = jobs;
    o.bulk = bulk;
    o.shards = shards;
    o.profile = profile;
    wd_index_writer *w = NULL;
    wd_error err;
    assert_int_equal(wd_index_writer_open(&w, path, dict, &o, &err), WD_OK);
    char id[64], q[128];
    for (int i = 0; i < N + 100; i++) {
        int k = i < N ? i : i - N;
        snprintf(id, sizeof id, ID, k);
        snprintf(q, sizeof q, "%s %d%s", qs[k % 4], k, i >= N ? " 第二版" : "");
        wd_record r = { id, q, as[k % 4], "gen.jsonl", NULL, WD_KIND_QA, (size_t)i + 1, NULL, 0 };
        assert_int_equal(wd_index_writer_add(w, &r, &err), WD_OK);
    }
    int found = 0;
    assert_int_equal(wd_index_writer_delete(w, idof(7), &found, &err), WD_OK);
    assert_int_equal(found, 1);
    assert_int_equal(wd_index_writer_commit(w, &err), WD_OK);
    *stats = *wd_index_writer_stats(w);
    assert_int_equal(wd_index_writer_close(w, &err), WD_OK);
}

static void check(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    wd_searcher *s = NULL;
    wd_error err;
    assert_int_equal(wd_searcher_open(&s, path, dict, &err), WD_OK);
    wd_index_info info;
    assert_int_equal(wd_searcher_info(s, path, &info, &err), WD_OK);
    assert_int_equal(info.documents, N - 1);
    wd_index_info_clear(&info);
    wd_hit *h = NULL;
    assert_int_equal(wd_searcher_get(s, idof(7), &h, &err), WD_ENOTFOUND);
    assert_int_equal(wd_searcher_get(s, idof(42), &h, &err), WD_OK);
    assert_non_null(strstr(h->question, "第二版"));
    wd_hit_free(h);
    wd_free(h);
    assert_int_equal(wd_searcher_get(s, idof(1234), &h, &err), WD_OK);
    assert_null(strstr(h->question, "第二版"));
    wd_hit_free(h);
    wd_free(h);
    wd_searcher_close(s);
}

/* The hits of one question, as JSON. */
static char *answer(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    wd_searcher *s = NULL;
    wd_error err;
    assert_int_equal(wd_searcher_open(&s, path, dict, &err), WD_OK);
    wd_results *r = NULL;
    const char *q = "灵活就业医保个人账户";
    assert_int_equal(wd_search(s, q, strlen(q), NULL, &r, &err), WD_OK);
    wd_buf b = WD_BUF_INIT;
    for (size_t i = 0; i < r->n_hits; i++)
        wd_buf_printf(&b, "%s %.9f\n", r->hits[i].id, r->hits[i].score);
    wd_results_free(r);
    wd_searcher_close(s);
    return wd_buf_detach(&b);
}

static void test_parallel__same_index_as_serial(void **state)
{
    (void)state;
    wd_index_stats serial, threads, bulk, shards;
    build("serial", 1, 0, 0, 1, &serial);
    build("threads", 3, 0, 0, 1, &threads);
    build("bulk", 3, 1, 0, 1, &bulk);
    build("shards", 2, 0, 3, 1, &shards);
    const char *names[] = { "serial", "threads", "bulk", "shards" };
    wd_index_stats *st[] = { &serial, &threads, &bulk, &shards };
    char *want = answer("serial");
    for (size_t i = 0; i < 4; i++) {
        check(names[i]);
        assert_int_equal(st[i]->added, N);
        assert_int_equal(st[i]->replaced, 100);
        assert_int_equal(st[i]->deleted, 1);
        /* profiled: both sides of the work took some CPU */
        assert_true(st[i]->analysis_cpu_s > 0);
        assert_true(st[i]->write_cpu_s > 0);
        char *got = answer(names[i]);
        assert_string_equal(got, want);
        wd_free(got);
    }
    wd_free(want);
}

/* Re-indexing a sharded index without naming the shard count routes every
 * record to the shard that holds it. */
static void test_parallel__sharded_reindex_replaces(void **state)
{
    (void)state;
    wd_index_stats st;
    build("reshard", 2, 0, 4, 0, &st);
    build("reshard", 2, 0, 0, 0, &st);
    assert_int_equal(st.added, 1); /* 7, deleted at the end of the first run */
    assert_true(st.analysis_cpu_s == 0 && st.write_cpu_s == 0); /* not profiled */
    assert_int_equal(st.replaced, N + 99);
    check("reshard");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel__same_index_as_serial),
        cmocka_unit_test(test_parallel__sharded_reindex_replaces),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
