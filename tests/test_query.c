/* test_query.c - ranking, filters, JSON and snippets over a small index. */
#define _XOPEN_SOURCE 700
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis.h"
#include "hash.h"
#include "helpers.h"
#include "places.h"
#include "reccache.h"
#include "schema.h"
#include "similarity.h"
#include "snippet.h"
#include "termstats.h"
#include "xapian_c.h"
#include "wenda/index.h"
#include "wenda/search.h"
#include "xapian_c.h"

typedef struct fx {
    char dir[64];
    wd_dict *dict;
    wd_searcher *s;
} fx;

static const wd_record records[] = {
    { "q1", "低保户要交城乡居民医保吗",
      "低保户参加城乡居民医保，个人缴费部分一般由医疗救助资金资助，多数地区全额代缴。", "a.txt",
      NULL, WD_KIND_QA, 1, NULL, 0 },
    { "q2", "灵活就业医保会进个人账户吗",
      "灵活就业人员参加职工医保，个人缴费的一部分会划入个人账户。", "a.txt", NULL, WD_KIND_QA, 5,
      NULL, 0 },
    { "q3", "异地就医怎么报销",
      "先办理异地就医备案，在定点医院直接结算；未备案的回参保地手工报销。", "b.txt", NULL,
      WD_KIND_QA, 1, NULL, 0 },
    { "q4", "新生儿医保在哪里办", "新生儿可在户籍地或出生地办理居民医保参保登记。", "b.txt", NULL,
      WD_KIND_QA, 9, NULL, 0 },
    { "q5", "低保户看病能报销多少", "我家是低保户，想问住院能报多少。", "b.txt", NULL,
      WD_KIND_QUESTION, 12, NULL, 0 },
    { "q6", "2025广东肇庆医保门诊统筹一年可以报多少", "肇庆市普通门诊统筹一年最高支付800元。",
      "c.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
    { "q7", "2025广东茂名医保门诊统筹有上限吗",
      "茂名市门诊统筹有年度支付限额，职工每年最高2000元。", "c.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
};

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (th_tmpdir(f->dir, sizeof f->dir, "q") != 0 || wd_dict_load(&f->dict, NULL, NULL) != WD_OK)
        return -1;
    if (th_index_records(f->dir, f->dict, records, sizeof records / sizeof *records, NULL) != WD_OK)
        return -1;
    if (wd_searcher_open(&f->s, f->dir, f->dict, NULL) != WD_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    wd_searcher_close(f->s);
    th_rmtree(f->dir);
    wd_dict_free(f->dict);
    free(f);
    return 0;
}

static wd_results *ask(fx *f, const char *q, const wd_search_opts *o)
{
    wd_results *r = NULL;
    wd_error err;
    wd_error_clear(&err);
    int rc = wd_search(f->s, q, strlen(q), o, &r, &err);
    if (rc != WD_OK)
        fail_msg("search failed: %s", err.message);
    return r;
}

/* The index at dir opened with WENDA_TUNE set to tune; the variable is
 * unset before anything can fail. */
static wd_searcher *open_tuned_at(const char *dir, const wd_dict *dict, const char *tune)
{
    wd_searcher *s = NULL;
    setenv("WENDA_TUNE", tune, 1);
    int rc = wd_searcher_open(&s, dir, dict, NULL);
    unsetenv("WENDA_TUNE");
    assert_int_equal(rc, WD_OK);
    return s;
}

/* f's index opened again (into f->s) with WENDA_TUNE set to tune. */
static void open_tuned(fx *f, const char *tune)
{
    f->s = open_tuned_at(f->dir, f->dict, tune);
}

static const char *top_id(fx *f, const char *q)
{
    static char id[64];
    wd_results *r = ask(f, q, NULL);
    snprintf(id, sizeof id, "%s", r->n_hits ? r->hits[0].id : "");
    wd_results_free(r);
    return id;
}

static void test_query__ranks_the_answering_record_first(void **state)
{
    fx *f = *state;
    assert_string_equal(top_id(f, "低保户要交医保吗"), "q1");
    assert_string_equal(top_id(f, "灵活就业医保进不进个人账户"), "q2");
    assert_string_equal(top_id(f, "异地就医报销"), "q3");
    assert_string_equal(top_id(f, "新生儿医保"), "q4");
}

/* A reading that is a word of general Chinese beats a fragment the base's
 * questions spell more often: on a law base 地方性法规 is everywhere, and
 * xingfa is still 刑法 (性法, its fragment, is no word). */
static void test_query__pinyin_prefers_a_word_to_a_more_frequent_fragment(void **state)
{
    (void)state;
    static const wd_record recs[] = {
        { "l1", "制定地方性法规的程序", "由省级人大常委会通过。", "l.txt", NULL, WD_KIND_QA, 1,
          NULL, 0 },
        { "l2", "地方性法规由谁批准", "报全国人大常委会备案。", "l.txt", NULL, WD_KIND_QA, 1, NULL,
          0 },
        { "l3", "地方性法规的效力", "不得同宪法相抵触。", "l.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "l4", "刑法的适用范围", "在中华人民共和国领域内犯罪的。", "l.txt", NULL, WD_KIND_QA, 1,
          NULL, 0 },
    };
    char dir[64];
    wd_dict *dict = NULL;
    assert_int_equal(th_tmpdir(dir, sizeof dir, "pyword"), 0);
    assert_int_equal(wd_dict_load(&dict, NULL, NULL), WD_OK);
    assert_int_equal(th_index_records(dir, dict, recs, 4, NULL), WD_OK);
    fx g = { { 0 }, dict, NULL };
    assert_int_equal(wd_searcher_open(&g.s, dir, dict, NULL), WD_OK);
    wd_results *r = ask(&g, "xingfa", NULL);
    assert_non_null(r->read_as);
    assert_string_equal(r->read_as, "刑法");
    assert_true(r->n_hits >= 1);
    assert_string_equal(r->hits[0].id, "l4");
    wd_results_free(r);
    wd_searcher_close(g.s);
    wd_dict_free(dict);
    th_rmtree(dir);
}

/* A question typed in pinyin (whole, initials, mixed with characters) is
 * read as the Chinese the base's questions spell and finds what that would;
 * English that is not pinyin, and Chinese, are searched as typed. */
static void test_query__pinyin_is_read_as_the_chinese_it_spells(void **state)
{
    fx *f = *state;
    const struct {
        const char *q, *read_as, *top;
    } cases[] = {
        { "yidijiuyi", "异地就医", "q3" },
        { "YiDi JiuYi", "异地就医", "q3" },
        { "ydjy", "异地就医", "q3" },
        { "异地jiuyi", "异地就医", "q3" },
        { "xinshenger", "新生儿", "q4" },
        { "dibaohu yibao", "低保户 医保", "q1" }, /* two runs, each read alone */
        { "linghuojiuye", "灵活就业", "q2" },
        { "异地就医报销", NULL, "q3" }, /* Chinese: as before */
        { "search engine", NULL, "" },  /* not pinyin: as typed (nothing) */
        { "qqqq", NULL, "" },           /* initials that spell nothing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        wd_results *r = ask(f, cases[i].q, NULL);
        const char *top = r->n_hits ? r->hits[0].id : "";
        int ok = strcmp(top, cases[i].top) == 0 && strcmp(r->query, cases[i].q) == 0 &&
                 (cases[i].read_as ? r->read_as && strcmp(r->read_as, cases[i].read_as) == 0
                                   : !r->read_as);
        if (!ok)
            fail_msg("'%s': wanted %s read as %s, got %s read as %s", cases[i].q, cases[i].top,
                     cases[i].read_as ? cases[i].read_as : "(as typed)", top,
                     r->read_as ? r->read_as : "(as typed)");
        if (cases[i].read_as) {
            wd_buf b = WD_BUF_INIT;
            assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
            char want[128];
            snprintf(want, sizeof want, "\"read_as\":\"%s\"", cases[i].read_as);
            if (!strstr(b.data, want))
                fail_msg("'%s': no %s in %s", cases[i].q, want, b.data);
            wd_buf_free(&b);
        }
        wd_results_free(r);
    }
}

/* Searchers over one index share one table of the questions' sounds: it
 * is made once, by the first pinyin question of any of them, while others
 * ask at the same time, and every one reads as its own table would. */
typedef struct sound_worker {
    const char *dir;
    const wd_dict *dict;
    wd_sounds *shared;
    int wrong;
} sound_worker;

static void *ask_in_pinyin(void *arg)
{
    sound_worker *w = arg;
    wd_searcher *s = NULL;
    wd_error err;
    wd_error_clear(&err);
    if (wd_searcher_open(&s, w->dir, w->dict, &err) != WD_OK) {
        w->wrong = 1;
        return NULL;
    }
    wd_searcher_share_sounds(s, w->shared);
    static const char *const qs[][2] = { { "yidijiuyi", "异地就医" },
                                         { "ydjy", "异地就医" },
                                         { "xinshenger", "新生儿" } };
    for (int round = 0; round < 4; round++)
        for (size_t i = 0; i < 3; i++) {
            wd_results *r = NULL;
            if (wd_search(s, qs[i][0], strlen(qs[i][0]), NULL, &r, &err) != WD_OK || !r->read_as ||
                strcmp(r->read_as, qs[i][1]) != 0)
                w->wrong = 1;
            wd_results_free(r);
        }
    wd_searcher_close(s);
    return NULL;
}

static void test_query__searchers_share_one_table_of_the_questions_sounds(void **state)
{
    fx *f = *state;
    wd_sounds *shared = NULL;
    assert_int_equal(wd_sounds_new(&shared, NULL), WD_OK);
    assert_int_equal(wd_sounds_questions(shared), 0);
    /* A question whose one letter is an abbreviation, not pinyin, makes no
     * table (on a base of a million records that took 20 seconds). */
    wd_searcher *ab = NULL;
    assert_int_equal(wd_searcher_open(&ab, f->dir, f->dict, NULL), WD_OK);
    wd_searcher_share_sounds(ab, shared);
    wd_results *ar = NULL;
    assert_int_equal(wd_search(ab, "哆啦A保怎么样", strlen("哆啦A保怎么样"), NULL, &ar, NULL),
                     WD_OK);
    assert_null(ar->read_as);
    wd_results_free(ar);
    wd_searcher_close(ab);
    assert_int_equal(wd_sounds_questions(shared), 0);
    sound_worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (sound_worker){ f->dir, f->dict, shared, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, ask_in_pinyin, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_false(w[i].wrong);
    }
    /* made once, from every stored question, and still held by the holder
     * after its searchers closed */
    assert_int_equal(wd_sounds_questions(shared), sizeof records / sizeof *records);
    /* A searcher reopened has a holder of its own again: the shared one is
     * not made anew or changed by its questions. */
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, f->dir, f->dict, NULL), WD_OK);
    wd_searcher_share_sounds(s, shared);
    assert_int_equal(wd_searcher_reopen(s, NULL), WD_OK);
    wd_results *r = NULL;
    assert_int_equal(wd_search(s, "yidijiuyi", 9, NULL, &r, NULL), WD_OK);
    assert_non_null(r->read_as);
    wd_results_free(r);
    wd_searcher_close(s);
    wd_sounds_release(shared);
}

static void test_query__places_of_a_question_and_how_they_relate(void **state)
{
    (void)state;
    int maoming = wd_place_find("茂名", strlen("茂名"));
    int maoming_shi = wd_place_find("茂名市", strlen("茂名市"));
    int zhaoqing = wd_place_find("肇庆", strlen("肇庆"));
    int guangdong = wd_place_find("广东省", strlen("广东省"));
    int shandong = wd_place_find("山东", strlen("山东"));
    assert_true(maoming >= 0 && maoming_shi >= 0 && zhaoqing >= 0 && guangdong >= 0 &&
                shandong >= 0);
    assert_int_equal(wd_place_find("茂", strlen("茂")), -1);
    assert_int_equal(wd_place_find("医保", strlen("医保")), -1);
    assert_int_equal(wd_place_find("自治区", strlen("自治区")), -1); /* a generic word */
    assert_string_equal(wd_place_table[maoming_shi].place, "茂名");
    assert_string_equal(wd_place_table[maoming].province, "广东");

    wd_placeset q = { 0 }, r = { 0 }, none = { 0 };
    wd_placeset_add(&q, maoming);
    wd_placeset_add(&q, maoming_shi); /* the same place */
    assert_int_equal(q.n, 1);
    wd_placeset_add(&r, zhaoqing);
    assert_int_equal(wd_placeset_relation(&q, &r), -1); /* two cities of one province */
    assert_int_equal(wd_placeset_relation(&q, &none), 0);
    wd_placeset_add(&r, guangdong);
    assert_int_equal(wd_placeset_relation(&q, &r), -1); /* 广东肇庆 is about 肇庆 */
    wd_placeset g = { 0 };
    wd_placeset_add(&g, guangdong);
    assert_int_equal(wd_placeset_relation(&q, &g), 1); /* the city's province */
    assert_int_equal(wd_placeset_relation(&g, &r), 1);
    wd_placeset p = { 0 };
    wd_placeset_add(&p, shandong);
    assert_int_equal(wd_placeset_relation(&p, &r), -1);
}

static void test_query__the_asked_place_beats_another_city(void **state)
{
    fx *f = *state;
    /* 肇庆's record shares more words (一年, 报多少); 茂名's names the place asked about. */
    assert_string_equal(top_id(f, "茂名门诊统筹一年能报多少"), "q7");
    assert_string_equal(top_id(f, "肇庆门诊统筹有上限吗"), "q6");
}

static void test_query__traditional_and_fullwidth_match_the_same(void **state)
{
    fx *f = *state;
    assert_string_equal(top_id(f, "低保戶要交醫保嗎"), "q1");
    assert_string_equal(top_id(f, "異地就醫怎麼報銷"), "q3");
}

static void test_query__particles_alone_do_not_match_everything_first(void **state)
{
    fx *f = *state;
    /* Only function words: still no crash, and a content word beats them. */
    wd_results *r = ask(f, "吗呢吧", NULL);
    wd_results_free(r);
    r = ask(f, "新生儿吗", NULL);
    assert_true(r->n_hits >= 1);
    assert_string_equal(r->hits[0].id, "q4");
    wd_results_free(r);
}

static void test_query__empty_and_punctuation_give_no_hits(void **state)
{
    fx *f = *state;
    const char *qs[] = { "", "？？！。，", "   " };
    for (size_t i = 0; i < 3; i++) {
        wd_results *r = ask(f, qs[i], NULL);
        assert_int_equal(r->n_hits, 0);
        assert_int_equal(r->total, 0);
        wd_results_free(r);
    }
}

static void test_query__source_filter_offset_and_kind(void **state)
{
    fx *f = *state;
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.source = "b.txt";
    wd_results *r = ask(f, "低保户", &o);
    for (size_t i = 0; i < r->n_hits; i++)
        assert_string_equal(r->hits[i].source, "b.txt");
    assert_true(r->n_hits >= 1);
    assert_string_equal(r->hits[0].id, "q5");
    assert_int_equal(r->hits[0].kind, WD_KIND_QUESTION);
    wd_results_free(r);

    wd_search_opts o2 = WD_SEARCH_OPTS_INIT;
    wd_results *all = ask(f, "医保", &o2);
    o2.offset = 1;
    o2.n = 2;
    wd_results *page = ask(f, "医保", &o2);
    assert_true(all->n_hits >= 3);
    assert_int_equal(page->n_hits, 2);
    assert_string_equal(page->hits[0].id, all->hits[1].id);
    assert_int_equal(page->hits[0].rank, 2);
    wd_results_free(all);
    wd_results_free(page);
}

/* Filters and facets: a source by prefix or glob, the kind, a date range
 * (inclusive), the date sort, and facet counts over the whole match. */
static const wd_record laws[] = {
    { "l1", "醉酒驾驶怎么处罚", "吊销机动车驾驶证，追究刑事责任。", "刑法/刑法.md", "2019-03-01",
      WD_KIND_QA, 1, NULL, 0 },
    { "l2", "醉酒驾驶怎么处罚", "吊销机动车驾驶证。", "刑法/刑法修正案(八).md", "2011-05-01",
      WD_KIND_QA, 2, NULL, 0 },
    { "l3", "醉酒驾驶要坐牢吗", "可能构成危险驾驶罪，处拘役。", "交通/道路交通安全法.md",
      "2021-01-01", WD_KIND_QA, 3, NULL, 0 },
    { "l4", "醉酒驾驶会不会被开除", "我酒后开车被查了，单位会开除我吗。", "交通/问答.md", NULL,
      WD_KIND_QUESTION, 4, NULL, 0 },
};

static wd_results *ask_laws(wd_searcher *s, const wd_search_opts *o)
{
    wd_results *r = NULL;
    wd_error err;
    wd_error_clear(&err);
    if (wd_search(s, "醉酒驾驶怎么处罚", strlen("醉酒驾驶怎么处罚"), o, &r, &err) != WD_OK)
        fail_msg("search failed: %s", err.message);
    return r;
}

static int has_id(const wd_results *r, const char *id)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (strcmp(r->hits[i].id, id) == 0)
            return 1;
    return 0;
}

static const wd_facet *facet(const wd_results *r, const char *name)
{
    for (size_t i = 0; i < r->n_facets; i++)
        if (strcmp(r->facets[i].name, name) == 0)
            return &r->facets[i];
    return NULL;
}

static uint32_t count_of(const wd_facet *f, const char *value)
{
    for (size_t i = 0; f && i < f->n_values; i++)
        if (strcmp(f->values[i].value, value) == 0)
            return f->values[i].count;
    return 0;
}

static void test_query__filters_and_facets(void **state)
{
    fx *f = *state;
    char dir[96];
    snprintf(dir, sizeof dir, "%s/laws", f->dir);
    assert_int_equal(th_index_records(dir, f->dict, laws, sizeof laws / sizeof *laws, NULL), WD_OK);
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, dir, f->dict, NULL), WD_OK);

    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.source = "刑法"; /* a prefix, not only a whole file name */
    wd_results *r = ask_laws(s, &o);
    assert_int_equal(r->n_hits, 2);
    assert_true(has_id(r, "l1") && has_id(r, "l2"));
    wd_results_free(r);
    o.source = "*修正案*"; /* a glob */
    r = ask_laws(s, &o);
    assert_int_equal(r->n_hits, 1);
    assert_string_equal(r->hits[0].id, "l2");
    wd_results_free(r);
    o.source = "民法"; /* no such source: nothing, not everything */
    r = ask_laws(s, &o);
    assert_int_equal(r->n_hits, 0);
    wd_results_free(r);

    wd_search_opts k = WD_SEARCH_OPTS_INIT;
    k.kind = "question";
    r = ask_laws(s, &k);
    assert_int_equal(r->n_hits, 1);
    assert_string_equal(r->hits[0].id, "l4");
    wd_results_free(r);

    wd_search_opts d = WD_SEARCH_OPTS_INIT;
    d.date_from = "2019-03-01"; /* inclusive at both ends */
    d.date_to = "2021-01-01";
    r = ask_laws(s, &d);
    assert_int_equal(r->n_hits, 2);
    assert_true(has_id(r, "l1") && has_id(r, "l3"));
    wd_results_free(r);

    wd_search_opts sd = WD_SEARCH_OPTS_INIT;
    sd.sort_date = 1; /* newest first, the undated last */
    r = ask_laws(s, &sd);
    assert_int_equal(r->n_hits, 4);
    assert_string_equal(r->hits[0].id, "l3");
    assert_string_equal(r->hits[1].id, "l1");
    assert_string_equal(r->hits[2].id, "l2");
    assert_string_equal(r->hits[3].id, "l4");
    wd_results_free(r);

    wd_search_opts fc = WD_SEARCH_OPTS_INIT;
    fc.facets = "source,kind,year";
    fc.n = 1; /* the counts are the whole match's, not the page's */
    fc.source = "交通";
    r = ask_laws(s, &fc);
    assert_int_equal(r->n_facets, 3);
    assert_int_equal(count_of(facet(r, "source"), "交通/道路交通安全法.md"), 1);
    assert_int_equal(count_of(facet(r, "source"), "交通/问答.md"), 1);
    assert_int_equal(count_of(facet(r, "source"), "刑法/刑法.md"), 0);
    assert_int_equal(count_of(facet(r, "kind"), "qa"), 1);
    assert_int_equal(count_of(facet(r, "kind"), "question"), 1);
    assert_int_equal(count_of(facet(r, "year"), "2021"), 1);
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
    assert_non_null(strstr(b.data, "\"facets\":{\"source\":{"));
    wd_buf_free(&b);
    wd_results_free(r);

    /* A facet no matching record has a value for is there, empty. */
    wd_search_opts fq = WD_SEARCH_OPTS_INIT;
    fq.facets = "year";
    fq.kind = "question";
    r = ask_laws(s, &fq);
    assert_int_equal(r->n_facets, 1);
    assert_int_equal(facet(r, "year")->n_values, 0);
    wd_results_free(r);

    /* Bad values are refused, naming the option. */
    const char *bad_dates[] = { "2021-13-01", "2021-1-01", "20210101", "" };
    for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
        wd_search_opts b2 = WD_SEARCH_OPTS_INIT;
        b2.date_to = bad_dates[i];
        wd_error err;
        wd_error_clear(&err);
        wd_results *none = NULL;
        assert_int_equal(wd_search(s, "醉酒", 6, &b2, &none, &err), WD_EINVAL);
        assert_null(none);
        assert_non_null(strstr(err.message, "date_to"));
    }
    wd_search_opts bk = WD_SEARCH_OPTS_INIT;
    bk.kind = "faq";
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_search_opts_check(&bk, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "kind"));
    bk.kind = NULL;
    bk.facets = "source,a=b";
    assert_int_equal(wd_search_opts_check(&bk, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "a=b"));
    /* A name that could be an extra field's, but this index has none. */
    bk.facets = "source,department";
    wd_results *none = NULL;
    assert_int_equal(wd_search(s, "醉酒", 6, &bk, &none, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "no extra field 'department'"));
    wd_searcher_close(s);
}

/* Extra fields: a filter by NAME=VALUE, a facet of a field's values, the
 * fields in each hit; a field the index does not have is an error naming
 * the ones it has. */
static const wd_field dept_in[] = { { "department", "内科" }, { "hospital", "一院" } };
static const wd_field dept_out[] = { { "department", "外科" } };
static const wd_record med[] = {
    { .id = "m1",
      .question = "高血压能吃鸡蛋吗",
      .answer = "可以适量吃。",
      .fields = dept_in,
      .n_fields = 2 },
    { .id = "m2",
      .question = "高血压能做手术吗",
      .answer = "血压平稳后可以。",
      .fields = dept_out,
      .n_fields = 1 },
    { .id = "m3",
      .question = "高血压要吃药吗",
      .answer = "遵医嘱。",
      .fields = dept_in,
      .n_fields = 1 },
};

static void test_query__extra_fields_filter_and_count(void **state)
{
    fx *f = *state;
    char dir[96];
    snprintf(dir, sizeof dir, "%s/med", f->dir);
    assert_int_equal(th_index_records(dir, f->dict, med, sizeof med / sizeof *med, NULL), WD_OK);
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, dir, f->dict, NULL), WD_OK);
    const char *q = "高血压";
    const char *only[] = { "department=外科" };
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.fields = only;
    o.n_fields = 1;
    o.facets = "department,hospital";
    wd_results *r = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_search(s, q, strlen(q), &o, &r, &err), WD_OK);
    assert_int_equal(r->n_hits, 1);
    assert_string_equal(r->hits[0].id, "m2");
    assert_int_equal(r->hits[0].n_fields, 1);
    assert_string_equal(r->hits[0].fields[0].value, "外科");
    assert_int_equal(count_of(facet(r, "department"), "外科"), 1);
    assert_int_equal(count_of(facet(r, "department"), "内科"), 0);
    wd_results_free(r);
    o.fields = NULL;
    o.n_fields = 0;
    assert_int_equal(wd_search(s, q, strlen(q), &o, &r, &err), WD_OK);
    assert_int_equal(r->n_hits, 3);
    assert_int_equal(count_of(facet(r, "department"), "内科"), 2);
    assert_int_equal(count_of(facet(r, "department"), "外科"), 1);
    assert_int_equal(count_of(facet(r, "hospital"), "一院"), 1);
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
    assert_non_null(strstr(b.data, "\"fields\":{\"department\":"));
    wd_buf_free(&b);
    wd_results_free(r);
    const char *bad[] = { "room=1" };
    o.fields = bad;
    o.n_fields = 1;
    assert_int_equal(wd_search(s, q, strlen(q), &o, &r, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "no extra field 'room'"));
    assert_non_null(strstr(err.message, "department,hospital"));
    const char *malformed[] = { "department" };
    o.fields = malformed;
    assert_int_equal(wd_search_opts_check(&o, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "NAME=VALUE"));
    wd_searcher_close(s);
}

/* An index written before schema 3 has no date values: a date range on it
 * is an error saying to rebuild, not an empty answer. */
static void test_query__date_range_on_an_older_index_says_rebuild(void **state)
{
    fx *f = *state;
    char dir[96];
    snprintf(dir, sizeof dir, "%s/old", f->dir);
    assert_int_equal(th_index_records(dir, f->dict, laws, 1, NULL), WD_OK);
    xc_db *db = NULL;
    assert_int_equal(xc_db_open(&db, dir, XC_DB_OPEN, NULL), WD_OK);
    assert_int_equal(xc_db_set_metadata(db, "wenda.schema", "2", NULL), WD_OK);
    assert_int_equal(xc_db_commit(db, NULL), WD_OK);
    xc_db_close(db);
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, dir, f->dict, NULL), WD_OK);
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.date_from = "2019-01-01";
    wd_results *r = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_search(s, "醉酒", 6, &o, &r, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "schema 2"));
    assert_non_null(strstr(err.message, "--overwrite"));
    /* Without one it searches as before. */
    assert_int_equal(wd_search(s, "醉酒", 6, NULL, &r, &err), WD_OK);
    assert_int_equal(r->n_hits, 1);
    wd_results_free(r);
    wd_searcher_close(s);
}

/* Duplicates folded: the same question and answer (two files), and the
 * same article in two editions (one word changed) are shown once, with the
 * others' ids; a different answer to a like question is not folded; off,
 * each takes its own place. */
static const wd_record dups[] = {
    { "e2019", "醉酒驾驶机动车的怎么处罚",
      "醉酒驾驶机动车的，由公安机关交通管理部门约束至酒醒，吊销机动车驾驶证，依法追究刑事责任；"
      "五年内不得重新取得机动车驾驶证。",
      "条例(2019).md", "2019-03-01", WD_KIND_QA, 1, NULL, 0 },
    { "e2012", "醉酒驾驶机动车的怎么处罚",
      "醉酒驾驶机动车的，由公安机关交通管理部门约束至酒醒，吊销机动车驾驶证，依法追究刑事责任；"
      "五年内不得重新取得驾驶证。",
      "条例(2012).md", "2012-05-01", WD_KIND_QA, 2, NULL, 0 },
    { "copy", "醉酒驾驶机动车的怎么处罚",
      "醉酒驾驶机动车的，由公安机关交通管理部门约束至酒醒，吊销机动车驾驶证，依法追究刑事责任；"
      "五年内不得重新取得机动车驾驶证。",
      "副本.md", "2019-03-01", WD_KIND_QA, 3, NULL, 0 },
    { "other", "醉酒驾驶营运机动车的怎么处罚",
      "醉酒驾驶营运机动车的，吊销驾驶证，十年内不得重新取得，重新取得后不得驾驶营运机动车。",
      "条例(2019).md", "2019-03-01", WD_KIND_QA, 4, NULL, 0 },
    /* a second copy of a kept one after a folded one: folds where "other" is */
    { "other-copy", "醉酒驾驶营运机动车的怎么处罚",
      "醉酒驾驶营运机动车的，吊销驾驶证，十年内不得重新取得，重新取得后不得驾驶营运机动车。",
      "副本.md", "2019-03-01", WD_KIND_QA, 5, NULL, 0 },
};

static void test_query__duplicates_are_folded(void **state)
{
    fx *f = *state;
    char dir[96];
    snprintf(dir, sizeof dir, "%s/dups", f->dir);
    assert_int_equal(th_index_records(dir, f->dict, dups, sizeof dups / sizeof *dups, NULL), WD_OK);
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, dir, f->dict, NULL), WD_OK);
    const char *q = "醉酒驾驶机动车怎么处罚";
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    wd_results *all = NULL, *r = NULL;
    assert_int_equal(wd_search(s, q, strlen(q), &o, &all, NULL), WD_OK);
    assert_int_equal(all->n_hits, 5);
    o.distinct = 1;
    assert_int_equal(wd_search(s, q, strlen(q), &o, &r, NULL), WD_OK);
    assert_int_equal(r->n_hits, 2);
    /* The best-ranked of the three is shown, the other two listed. */
    assert_string_equal(r->hits[0].id, all->hits[0].id);
    assert_int_equal(r->hits[0].n_more, 2);
    assert_int_equal(r->hits[0].rank, 1);
    assert_true(strncmp(r->hits[1].id, "other", 5) == 0);
    assert_int_equal(r->hits[1].n_more, 1);
    assert_int_equal(r->hits[1].rank, 2);
    /* Its confidence is the one it has unfolded. */
    assert_true(r->hits[0].confidence == all->hits[0].confidence);
    for (size_t i = 0; i < all->n_hits; i++)
        if (!strcmp(all->hits[i].id, r->hits[1].id))
            assert_true(r->hits[1].confidence == all->hits[i].confidence);
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
    assert_non_null(strstr(b.data, "\"more_like_this\":[\""));
    wd_buf_free(&b);
    wd_results_free(r);
    /* Pages count the folded hits: the second hit is the second page. */
    o.n = 1;
    o.offset = 1;
    assert_int_equal(wd_search(s, q, strlen(q), &o, &r, NULL), WD_OK);
    assert_int_equal(r->n_hits, 1);
    assert_true(strncmp(r->hits[0].id, "other", 5) == 0);
    assert_int_equal(r->hits[0].rank, 2);
    wd_results_free(r);
    wd_results_free(all);
    wd_searcher_close(s);
}

static void test_query__snippets_only_for_the_first_hits(void **state)
{
    fx *f = *state;
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    wd_results *all = ask(f, "医保", &o);
    o.snippets = 1;
    wd_results *some = ask(f, "医保", &o);
    assert_true(all->n_hits >= 3);
    assert_int_equal(some->n_hits, all->n_hits);
    /* Same hits, same order; only the first has its snippet. */
    for (size_t i = 0; i < some->n_hits; i++) {
        assert_string_equal(some->hits[i].id, all->hits[i].id);
        assert_non_null(some->hits[i].snippet);
        if (i == 0) {
            assert_string_equal(some->hits[i].snippet, all->hits[i].snippet);
            assert_int_equal(some->hits[i].n_highlights, all->hits[i].n_highlights);
        } else {
            assert_string_equal(some->hits[i].snippet, "");
            assert_int_equal(some->hits[i].n_highlights, 0);
            assert_null(some->hits[i].highlights);
        }
    }
    wd_results_free(all);
    wd_results_free(some);
}

static void test_query__json_is_the_stable_format(void **state)
{
    fx *f = *state;
    wd_results *r = ask(f, "低保户要交医保吗", NULL);
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
    /* UTF-8 as is, no \u escapes */
    assert_non_null(strstr(b.data, "\"query\":\"低保户要交医保吗\""));
    json_t *j = json_loads(b.data, 0, NULL);
    assert_non_null(j);
    json_t *h = json_array_get(json_object_get(j, "hits"), 0);
    const char *keys[] = { "rank",  "id",      "question",   "kind",
                           "score", "snippet", "highlights", "source" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        assert_non_null(json_object_get(h, keys[i]));
    assert_null(json_object_get(h, "answer"));
    assert_string_equal(json_string_value(json_object_get(h, "kind")), "qa");
    json_decref(j);
    wd_buf_reset(&b);
    assert_int_equal(wd_results_to_json(r, 1, &b), WD_OK);
    assert_non_null(strstr(b.data, "\"answer\":"));
    wd_buf_free(&b);
    wd_results_free(r);

    wd_error err;
    wd_error_set(&err, WD_ENOTFOUND, "x", "no index at /x");
    assert_int_equal(wd_error_to_json(&err, &b), WD_OK);
    assert_string_equal(b.data,
                        "{\"error\":{\"code\":\"not_found\",\"message\":\"no index at /x\"}}");
    wd_buf_free(&b);
}

/* An error quoting bytes that are not UTF-8 (a path, a message cut inside a
 * character) is still one JSON object, those bytes shown as '?'. */
static void test_query__an_error_that_is_not_utf8_still_prints_as_json(void **state)
{
    (void)state;
    wd_error err;
    wd_error_set(&err, WD_ENOTFOUND, "x", "no index at /tmp/x\xffy");
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_error_to_json(&err, &b), WD_OK);
    assert_string_equal(
        b.data, "{\"error\":{\"code\":\"not_found\",\"message\":\"no index at /tmp/x?y\"}}");
    wd_buf_free(&b);
    char cut[WD_ERROR_MESSAGE_MAX + 8];
    memset(cut, 'a', sizeof cut);
    memcpy(cut + WD_ERROR_MESSAGE_MAX - 3, "医保", 6);
    cut[sizeof cut - 1] = '\0';
    wd_error_set(&err, WD_EINVAL, "x", "%s", cut);
    assert_int_equal(wd_error_to_json(&err, &b), WD_OK);
    json_t *j = json_loads(b.data, 0, NULL);
    assert_non_null(j);
    json_decref(j);
    wd_buf_free(&b);
}

/* The JSON of results as the jansson tree it was first made with dumps it:
 * the reference the writer must match byte for byte. */
static double ref_round(double x, double unit)
{
    return round(x / unit) * unit;
}

static json_t *ref_hit(const wd_hit *h, int full)
{
    json_t *o = json_object();
    json_object_set_new(o, "rank", json_integer(h->rank));
    json_object_set_new(o, "id", json_string(h->id));
    json_object_set_new(o, "question", json_string(h->question));
    json_object_set_new(o, "kind", json_string(wd_record_kind_name(h->kind)));
    json_object_set_new(o, "score", json_real(ref_round(h->score, 1e-6)));
    json_object_set_new(o, "confidence", json_real(ref_round(h->confidence, 1e-4)));
    json_object_set_new(o, "snippet", json_string(h->snippet ? h->snippet : ""));
    json_t *hl = json_array();
    for (size_t i = 0; i < h->n_highlights; i++)
        json_array_append_new(hl, json_pack("[I,I]", (json_int_t)h->highlights[i][0],
                                            (json_int_t)h->highlights[i][1]));
    json_object_set_new(o, "highlights", hl);
    json_object_set_new(o, "source", json_string(h->source ? h->source : ""));
    if (h->date)
        json_object_set_new(o, "date", json_string(h->date));
    if (full)
        json_object_set_new(o, "answer", json_string(h->answer ? h->answer : ""));
    if (h->features) {
        json_t *fs = json_object();
        for (int i = 0; i < WD_HIT_NFEATURES; i++)
            json_object_set_new(fs, wd_hit_feature_name(i),
                                json_real(ref_round(h->features[i], 1e-6)));
        json_object_set_new(o, "features", fs);
    }
    if (h->n_fields) {
        json_t *fs = json_object();
        for (size_t i = 0; i < h->n_fields; i++)
            json_object_set_new(fs, h->fields[i].name, json_string(h->fields[i].value));
        json_object_set_new(o, "fields", fs);
    }
    if (h->n_more) {
        json_t *more = json_array();
        for (size_t i = 0; i < h->n_more; i++)
            json_array_append_new(more, json_string(h->more[i]));
        json_object_set_new(o, "more_like_this", more);
    }
    if (h->n_explain) {
        json_t *ex = json_array();
        for (size_t i = 0; i < h->n_explain; i++)
            json_array_append_new(ex, json_pack("{s:s,s:f}", "term", h->explain[i].term, "weight",
                                                ref_round(h->explain[i].weight, 1e-6)));
        json_object_set_new(o, "explain", ex);
    }
    return o;
}

static char *ref_results(const wd_results *r, int full)
{
    json_t *o = json_object();
    json_object_set_new(o, "query", json_string(r->query ? r->query : ""));
    if (r->read_as)
        json_object_set_new(o, "read_as", json_string(r->read_as));
    json_object_set_new(o, "took_ms", json_real(ref_round(r->took_ms, 1e-3)));
    json_object_set_new(o, "total", json_integer(r->total));
    json_object_set_new(o, "answered", json_boolean(r->answered));
    json_object_set_new(o, "min_confidence", json_real(ref_round(r->min_confidence, 1e-4)));
    json_t *hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++)
        json_array_append_new(hits, ref_hit(&r->hits[i], full));
    json_object_set_new(o, "hits", hits);
    if (r->parsed)
        json_object_set_new(o, "parsed", json_string(r->parsed));
    if (r->n_assoc) {
        json_t *as = json_array();
        for (size_t i = 0; i < r->n_assoc; i++)
            json_array_append_new(as, json_pack("{s:s,s:s,s:s,s:f,s:f}", "word", r->assoc[i].word,
                                                "associated", r->assoc[i].other, "kind",
                                                wd_association_kind_name(r->assoc[i].kind),
                                                "weight", ref_round(r->assoc[i].weight, 1e-4),
                                                "scale", ref_round(r->assoc[i].scale, 1e-4)));
        json_object_set_new(o, "associations", as);
    }
    if (r->trimmed)
        json_object_set_new(o, "trimmed", json_true());
    if (r->partial) {
        json_object_set_new(o, "partial", json_true());
        json_t *miss = json_array();
        for (size_t i = 0; i < r->n_missing; i++)
            json_array_append_new(miss, json_string(r->missing_shards[i]));
        json_object_set_new(o, "missing_shards", miss);
    }
    if (r->facets) {
        json_t *fs = json_object();
        for (size_t i = 0; i < r->n_facets; i++) {
            json_t *vs = json_object();
            for (size_t k = 0; k < r->facets[i].n_values; k++)
                json_object_set_new(vs, r->facets[i].values[k].value,
                                    json_integer(r->facets[i].values[k].count));
            json_object_set_new(fs, r->facets[i].name, vs);
        }
        json_object_set_new(o, "facets", fs);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    return s;
}

static void assert_json_as_jansson(const wd_results *r, int full)
{
    char *want = ref_results(r, full);
    assert_non_null(want);
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "before"); /* appended, not overwritten */
    assert_int_equal(wd_results_to_json(r, full, &b), WD_OK);
    assert_memory_equal(b.data, "before", 6);
    if (strcmp(b.data + 6, want) != 0)
        fail_msg("JSON\n%s\nwhere the reference is\n%s", b.data + 6, want);
    for (size_t i = 0; i < r->n_hits; i++) {
        json_t *h = ref_hit(&r->hits[i], full);
        char *hw = json_dumps(h, JSON_COMPACT | JSON_REAL_PRECISION(10));
        json_decref(h);
        wd_buf_reset(&b);
        assert_int_equal(wd_hit_to_json(&r->hits[i], full, &b), WD_OK);
        assert_string_equal(b.data, hw);
        free(hw);
    }
    wd_buf_free(&b);
    free(want);
}

static void test_query__json_is_byte_for_byte_the_format_as_first_dumped(void **state)
{
    fx *f = *state;
    /* Real results, with everything a search can add. */
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.explain = 1;
    o.features = 1;
    o.facets = "source,kind,year";
    const char *questions[] = { "低保户要交医保吗", "异地就医怎么报销", "门诊统筹", "医保" };
    for (size_t q = 0; q < sizeof questions / sizeof *questions; q++) {
        wd_results *r = ask(f, questions[q], q % 2 ? &o : NULL);
        assert_true(r->n_hits > 0);
        assert_json_as_jansson(r, 0);
        assert_json_as_jansson(r, 1);
        wd_results_free(r);
    }

    /* Made up: every number form, escapes, strings JSON cannot hold (left
     * out), a field named twice. */
    double feats[WD_HIT_NFEATURES];
    size_t hl[3][2] = { { 0, 2 }, { 5, 7 }, { 12, 1000000 } };
    wd_field fields[] = {
        { "dept", "内科" }, { "bad", "\xff" }, { "dept", "外科" }, { "ok", "\"q\"" }
    };
    char *more[] = { "a#1", "b\xc3", "c\t\x01" };
    wd_term_weight ex[] = {
        { "S医保", 1.5 }, { "S\xe5\x8c", 2.0 }, { "Z", NAN }, { "XB医", -0.0 }
    };
    wd_association as[] = { { "医保", "医疗保险", 's', 0.5, 0.25 },
                            { "a", "b", 't', INFINITY, 0.5 },
                            { "c", "d", 'a', 1.0 / 3, -1e-5 } };
    char *missing[] = { "/srv/s1", "/srv/\xfe" };
    wd_facet_value fv[] = { { "a.txt", 3 }, { "\xff", 1 }, { "b \"x\"", 0 } };
    wd_facet facets[] = { { "source", fv, 3 }, { "year", NULL, 0 } };
    wd_hit h[2];
    memset(h, 0, sizeof h);
    h[0] = (wd_hit){ .rank = 1,
                     .id = "q\\1",
                     .question = "问\n题\r\"",
                     .answer = "答\x1f\x7f/",
                     .source = "s.txt",
                     .date = "2025-01-02",
                     .kind = WD_KIND_QUESTION,
                     .snippet = "…片段…",
                     .highlights = hl,
                     .n_highlights = 3,
                     .explain = ex,
                     .n_explain = 4,
                     .features = feats,
                     .more = more,
                     .n_more = 3,
                     .fields = fields,
                     .n_fields = 4 };
    h[1] = (wd_hit){ .rank = 2, .id = "\xc0\xaf", .question = "q", .kind = 7 };
    wd_results r = { .query = "测试",
                     .read_as = "ceshi",
                     .total = 4000000000u,
                     .answered = 1,
                     .hits = h,
                     .n_hits = 2,
                     .parsed = "Query((S医保 OR 医保))",
                     .partial = 1,
                     .missing_shards = missing,
                     .n_missing = 2,
                     .trimmed = 1,
                     .facets = facets,
                     .n_facets = 2,
                     .assoc = as,
                     .n_assoc = 3 };
    /* Numbers of every size and sign, near each rounding and each form's edge. */
    const double edges[] = { 0,       -0.0,      1e-7,     -4e-7,   5e-7,      5e-6,
                             -5e-6,   1e-5,      9.99e-5,  1e-4,    0.00012,   0.1,
                             1.0 / 3, -2.0 / 3,  0.5,      1,       15.2,      99.9999995,
                             123456,  999.9999,  1e3,      1e4,     12345.678, 999999.9999,
                             1e6,     1234567.8, 1e9,      -3.7e12, 1e20,      1e300,
                             NAN,     INFINITY,  -INFINITY };
    size_t ne = sizeof edges / sizeof *edges;
    unsigned seed = 18;
    for (size_t k = 0; k < 400; k++) {
        for (int i = 0; i < WD_HIT_NFEATURES; i++) {
            seed = seed * 1103515245u + 12345u;
            double x = k < 2 ? edges[(k * WD_HIT_NFEATURES + (size_t)i) % ne]
                             : ldexp((double)(seed >> 8) / (1u << 24), (int)(seed % 60) - 40);
            feats[i] = seed & 1 ? -x : x;
        }
        h[0].score = edges[k % ne];
        h[0].confidence = feats[k % WD_HIT_NFEATURES];
        h[1].score = feats[(k + 1) % WD_HIT_NFEATURES];
        h[1].confidence = edges[(k * 7) % ne];
        ex[0].weight = feats[(k + 2) % WD_HIT_NFEATURES];
        as[0].weight = feats[(k + 3) % WD_HIT_NFEATURES];
        r.took_ms = fabs(feats[(k + 4) % WD_HIT_NFEATURES]) * 1e3;
        r.min_confidence = edges[(k * 3) % ne];
        assert_json_as_jansson(&r, k % 2);
    }
}

/* Return the highlighted pieces of a snippet joined by '|'. */
static void highlighted(const char *snip, size_t (*hl)[2], size_t n, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        const char *p = snip;
        size_t cp = 0;
        while (cp < hl[k][0]) {
            p++;
            while ((*p & 0xC0) == 0x80)
                p++;
            cp++;
        }
        const char *q = p;
        while (cp < hl[k][1]) {
            q++;
            while ((*q & 0xC0) == 0x80)
                q++;
            cp++;
        }
        if (k)
            strncat(out, "|", cap - strlen(out) - 1);
        strncat(out, p,
                (size_t)(q - p) < cap - strlen(out) - 1 ? (size_t)(q - p) : cap - strlen(out) - 1);
    }
}

static void test_query__snippet_picks_the_matching_passage(void **state)
{
    fx *f = *state;
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    wd_termset ts = { 0 };
    assert_int_equal(wd_termset_add(&ts, "个人账户", strlen("个人账户"), 1.0), WD_OK);
    /* Filler of 200 characters, then the sentence that matters, then more filler. */
    char text[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(text, "这是无关的话。");
    strcat(text, "灵活就业人员的个人账户会按比例划入。");
    for (int i = 0; i < 40; i++)
        strcat(text, "其他内容在这里。");
    char *snip = NULL;
    size_t(*hl)[2] = NULL, n = 0;
    assert_int_equal(wd_snippet_make(an, text, strlen(text), &ts, 60, &snip, &hl, &n, NULL), WD_OK);
    assert_non_null(strstr(snip, "个人账户会按比例划入"));
    assert_true(wd_utf8_count(snip, strlen(snip)) <= 64);
    assert_int_equal(n, 1);
    char got[256];
    highlighted(snip, hl, n, got, sizeof got);
    assert_string_equal(got, "个人账户");
    /* Cut in the middle of the text: ellipses at both ends. */
    assert_memory_equal(snip, "…", strlen("…"));
    wd_free(snip);
    wd_free(hl);
    wd_termset_free(&ts);
    wd_analyzer_free(an);
}

static void test_query__snippet_folds_space_and_counts_code_points(void **state)
{
    fx *f = *state;
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    wd_termset ts = { 0 };
    wd_termset_add(&ts, "医保", strlen("医保"), 1.0);
    const char *text = "😀 提示\n\n  • 𠀀医保  卡";
    char *snip = NULL;
    size_t(*hl)[2] = NULL, n = 0;
    assert_int_equal(wd_snippet_make(an, text, strlen(text), &ts, 120, &snip, &hl, &n, NULL),
                     WD_OK);
    assert_string_equal(snip, "😀 提示 𠀀医保 卡");
    assert_int_equal(n, 1);
    assert_int_equal(hl[0][0], 6); /* 😀,space,提,示,space,𠀀 */
    assert_int_equal(hl[0][1], 8);
    wd_free(snip);
    wd_free(hl);
    wd_termset_free(&ts);
    wd_analyzer_free(an);
}

static void test_query__missing_index_is_not_found(void **state)
{
    fx *f = *state;
    wd_searcher *s = (wd_searcher *)1;
    wd_error err;
    assert_int_equal(wd_searcher_open(&s, "/tmp/wenda-no-such-index", f->dict, &err), WD_ENOTFOUND);
    assert_null(s);
    assert_non_null(strstr(err.message, "/tmp/wenda-no-such-index"));
    wd_searcher_close(NULL);
    wd_results_free(NULL);
}

static void test_query__dead_shard_is_named_or_left_out(void **state)
{
    fx *f = *state;
    /* Nothing listens on port 1 of loopback: the remote shard is refused. */
    char list[128];
    snprintf(list, sizeof list, "%s,tcp://127.0.0.1:1", f->dir);
    wd_searcher *s = (wd_searcher *)1;
    wd_error err;
    wd_error_clear(&err);
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.timeout_ms = 2000;
    assert_int_equal(wd_searcher_open_with(&s, list, f->dict, &o, &err), WD_ENETWORK);
    assert_null(s);
    assert_non_null(strstr(err.message, "1 of 2 shards is not answering: tcp://127.0.0.1:1"));
    assert_non_null(strstr(err.message, "--allow-partial"));

    o.allow_partial = 1;
    assert_int_equal(wd_searcher_open_with(&s, list, f->dict, &o, &err), WD_OK);
    wd_results *r = NULL;
    assert_int_equal(wd_search(s, "低保户要交医保吗", strlen("低保户要交医保吗"), &o, &r, &err),
                     WD_OK);
    assert_int_equal(r->partial, 1);
    assert_int_equal(r->n_missing, 1);
    assert_string_equal(r->missing_shards[0], "tcp://127.0.0.1:1");
    assert_string_equal(r->hits[0].id, "q1"); /* the local shard still answers */
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
    assert_non_null(strstr(b.data, "\"partial\":true,\"missing_shards\":[\"tcp://127.0.0.1:1\"]"));
    wd_buf_free(&b);
    wd_results_free(r);

    /* The same searcher, asked strictly: the error again, naming the shard. */
    o.allow_partial = 0;
    r = (wd_results *)1;
    assert_int_equal(wd_search(s, "医保", strlen("医保"), &o, &r, &err), WD_ENETWORK);
    assert_null(r);
    assert_non_null(strstr(err.message, "tcp://127.0.0.1:1"));
    wd_searcher_close(s);

    /* Every shard down is an error even with allow_partial. */
    o.allow_partial = 1;
    assert_int_equal(
        wd_searcher_open_with(&s, "tcp://127.0.0.1:1,tcp://127.0.0.1:1", f->dict, &o, &err),
        WD_ENETWORK);
    assert_null(s);
    assert_non_null(strstr(err.message, "2 of 2 shards are not answering"));

    /* A complete result says nothing about shards. */
    r = ask(f, "医保", NULL);
    assert_int_equal(r->partial, 0);
    assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
    assert_null(strstr(b.data, "partial"));
    wd_buf_free(&b);
    wd_results_free(r);
}

static void test_query__explain_lists_matched_terms(void **state)
{
    fx *f = *state;
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.explain = 1;
    wd_results *r = ask(f, "异地就医", &o);
    assert_true(r->n_hits >= 1);
    assert_non_null(r->parsed);
    assert_true(r->hits[0].n_explain >= 1);
    int saw = 0;
    for (size_t i = 0; i < r->hits[0].n_explain; i++)
        if (strstr(r->hits[0].explain[i].term, "异地就医"))
            saw = 1;
    assert_true(saw);
    wd_results_free(r);
}

/* Past the posting budget (WENDA_TUNE nb=, read when a searcher opens), the
 * densest leaves of a question's match (an n-gram, a word in one field) no
 * longer decide which records match, rarest leaves first; they still weigh
 * the records the others match (AND_MAYBE), so the answering record keeps
 * every term's weight; past the first nw= of them, the rest leave the query.
 * With the shipped budget nothing is past it at this size. */
static void test_query__dense_terms_only_weigh_past_the_budget(void **state)
{
    fx *f = *state;
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.explain = 1;
    wd_results *r = ask(f, "低保户要交医保吗", &o);
    assert_non_null(r->parsed);
    assert_null(strstr(r->parsed, "AND_MAYBE"));
    assert_non_null(strstr(r->parsed, "XB医@")); /* in 6 of the 7 record questions */
    assert_string_equal(r->hits[0].id, "q1");
    int q4 = 0; /* shares only 医保 (and its characters) with the question */
    for (size_t i = 0; i < r->n_hits; i++)
        q4 |= strcmp(r->hits[i].id, "q4") == 0;
    assert_true(q4);
    size_t terms = r->hits[0].n_explain;
    wd_results_free(r);

    wd_searcher *shipped = f->s;
    open_tuned(f, "nb=3,nw=0");
    r = ask(f, "低保户要交医保吗", &o);
    wd_searcher_close(f->s);
    f->s = shipped;
    assert_non_null(r->parsed);
    const char *maybe = strstr(r->parsed, "AND_MAYBE");
    assert_non_null(maybe);
    const char *rare = strstr(r->parsed, "XB户要@"), *dense = strstr(r->parsed, "XB医@"),
               *word = strstr(r->parsed, "S医保@");
    assert_true(rare && rare < maybe);   /* rarest first: 1 record */
    assert_true(dense && dense > maybe); /* the densest only weigh */
    assert_true(word && word > maybe);   /* dense words too */
    assert_true(r->n_hits >= 1);
    assert_string_equal(r->hits[0].id, "q1");
    assert_int_equal(r->hits[0].n_explain, terms); /* every term still weighs */
    for (size_t i = 0; i < r->n_hits; i++)
        assert_string_not_equal(r->hits[i].id, "q4");
    wd_results_free(r);

    /* The first two weighing leaves only, rarest first: the densest go. */
    open_tuned(f, "nb=3,nw=2");
    r = ask(f, "低保户要交医保吗", &o);
    wd_searcher_close(f->s);
    f->s = shipped;
    assert_non_null(r->parsed);
    maybe = strstr(r->parsed, "AND_MAYBE");
    assert_non_null(maybe);
    assert_true(strstr(r->parsed, "XB户要@") < maybe);
    assert_null(strstr(r->parsed, "XB医@")); /* in 6 of 7: among the densest */
    assert_string_equal(r->hits[0].id, "q1");
    assert_true(r->hits[0].n_explain < terms);
    wd_results_free(r);
}

/* On a base of 1,200 records the budget is a quarter of them (300
 * postings), not the 2,000 of a large base: the asked word's four leaves,
 * each in 100 records, no longer all decide, the last only weighs. With the
 * share off (ns=0) all four decide; on the fixture's 7 records the budget
 * is never below 250 postings, so every leaf decides there (above). */
static void test_query__a_smaller_base_has_a_smaller_budget(void **state)
{
    fx *f = *state;
    enum { N = 1200 };
    wd_record *recs = calloc(N, sizeof *recs);
    char(*ids)[16] = calloc(N, sizeof *ids);
    assert_non_null(recs);
    assert_non_null(ids);
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "r%zu", i);
        recs[i] = (wd_record){ ids[i],
                               i < 100 ? "车险" : "养老金",
                               "见条款。",
                               "s.txt",
                               NULL,
                               WD_KIND_QA,
                               (uint32_t)i + 1,
                               NULL,
                               0 };
    }
    char dir[96];
    snprintf(dir, sizeof dir, "%s/many", f->dir);
    assert_int_equal(th_index_records(dir, f->dict, recs, N, NULL), WD_OK);
    free(recs);
    free(ids);
    static const struct {
        const char *tune;
        int weighs;
    } cases[] = { { "", 1 }, { "ns=0", 0 }, { "ns=0.5", 0 } };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        wd_searcher *s = open_tuned_at(dir, f->dict, cases[i].tune);
        wd_search_opts o = WD_SEARCH_OPTS_INIT;
        o.explain = 1;
        wd_results *r = NULL;
        assert_int_equal(wd_search(s, "车险", strlen("车险"), &o, &r, NULL), WD_OK);
        assert_non_null(r->parsed);
        if ((strstr(r->parsed, "AND_MAYBE") != NULL) != cases[i].weighs)
            fail_msg("WENDA_TUNE=%s: %s", cases[i].tune, r->parsed);
        assert_true(r->n_hits > 0);
        assert_string_equal(r->hits[0].question, "车险");
        wd_results_free(r);
        wd_searcher_close(s);
    }
}

/* The classes of n-grams a tuning run can leave out of the match (WENDA_TUNE
 * uc=0: characters the question also asks as words of their own; xb=0:
 * bigrams that span two of its words; ug=0: every character; BENCHMARKS.md
 * has what each is worth); shipped, all of them are in. */
static void test_query__ngram_classes_leave_the_match_by_the_tuned_values(void **state)
{
    fx *f = *state;
    static const struct {
        const char *tune, *gone, *kept;
    } cases[] = {
        { "uc=0", "XB交@", "XB低@" },     /* 交 is a word of its own, 低 part of 低保户 */
        { "xb=0", "XB户要@", "XB低保@" }, /* 户要 spans 低保户 and 要 */
        { "ug=0", "XB低@", "XB低保@" },
    };
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.explain = 1;
    wd_results *r = ask(f, "低保户要交医保吗", &o);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_non_null(strstr(r->parsed, cases[i].gone));
    wd_results_free(r);
    wd_searcher *shipped = f->s;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        open_tuned(f, cases[i].tune);
        r = ask(f, "低保户要交医保吗", &o);
        wd_searcher_close(f->s);
        f->s = shipped;
        assert_null(strstr(r->parsed, cases[i].gone));
        assert_non_null(strstr(r->parsed, cases[i].kept));
        assert_non_null(strstr(r->parsed, "S交@")); /* the words stay */
        assert_true(r->n_hits >= 1);
        assert_string_equal(r->hits[0].id, "q1");
        wd_results_free(r);
    }
}

/* ---- synonyms added after the index was built --------------------------------------- */

/* A group added to the dictionary after the index was built applies to it
 * as it stands: 醉驾 asked finds the record that says 醉酒驾驶 (indexed as
 * 醉酒 驾驶) through all of those words in its question (not their phrase:
 * the index keeps no positions), and the group leaves the dictionary version
 * alone, so nothing asks for a re-index. */
static void test_query__a_synonym_group_applies_to_an_index_built_before_it(void **state)
{
    (void)state;
    static const wd_record recs[] = {
        { "z1", "醉酒驾驶机动车会怎么处罚", "吊销机动车驾驶证，依法追究刑事责任。", "z.txt", NULL,
          WD_KIND_QA, 1, NULL, 0 },
        { "z2", "驾驶证丢了怎么补办", "到车管所申请补领。", "z.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "z3", "喝醉了头疼怎么办", "多喝水，注意休息。", "z.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "z4", "醉驾要坐牢吗", "醉驾构成危险驾驶罪。", "z.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
    };
    char dir[64], ddir[64], path[128];
    wd_dict *plain = NULL, *grouped = NULL;
    assert_int_equal(th_tmpdir(dir, sizeof dir, "syn"), 0);
    assert_int_equal(th_tmpdir(ddir, sizeof ddir, "syndict"), 0);
    assert_int_equal(wd_dict_load(&plain, NULL, NULL), WD_OK);
    assert_int_equal(th_index_records(dir, plain, recs, 4, NULL), WD_OK);
    th_write_text(th_path(path, sizeof path, ddir, "synonyms.txt"), "醉驾 醉酒驾驶\n");
    assert_int_equal(wd_dict_load(&grouped, ddir, NULL), WD_OK);
    assert_string_equal(wd_dict_version(grouped), wd_dict_version(plain));

    double conf[2] = { 0, 0 };
    for (int k = 0; k < 2; k++) {
        fx g = { { 0 }, k ? grouped : plain, NULL };
        assert_int_equal(wd_searcher_open(&g.s, dir, g.dict, NULL), WD_OK);
        wd_search_opts o = WD_SEARCH_OPTS_INIT;
        o.explain = 1;
        wd_results *r = ask(&g, "醉驾怎么处罚", &o);
        assert_true(r->n_hits >= 1);
        assert_string_equal(r->hits[0].id, "z1");
        conf[k] = r->hits[0].confidence;
        /* all of the words the index holds, in the question field */
        const char *ph = strstr(r->parsed, "S醉酒@");
        if (k)
            assert_true(ph && !strstr(r->parsed, "PHRASE") && strstr(ph, "AND S驾驶@"));
        else
            assert_null(ph);
        wd_results_free(r);
        /* asked the other way (醉酒驾驶 is no word of the question, only its
         * parts), the group joins the match as well */
        r = ask(&g, "醉酒驾驶会坐牢吗", &o);
        assert_true(r->n_hits >= 1);
        if (k)
            assert_non_null(strstr(r->parsed, "S醉驾@"));
        else
            assert_null(strstr(r->parsed, "S醉驾@"));
        wd_results_free(r);
        wd_searcher_close(g.s);
    }
    assert_true(conf[1] > conf[0] + 0.1);
    wd_dict_free(plain);
    wd_dict_free(grouped);
    th_rmtree(dir);
    th_rmtree(ddir);
}

/* The learned ranking orders the page, the answer confidence reads the
 * candidates in the hand-set mix's order its model was fitted on: so a
 * record's confidence, and whether the question is answered, are the same
 * with the learned ranking on (shipped) or off (WENDA_TUNE lr=0), while the
 * hits carry the ranking's features (named, finite) with opts.features. */
static void test_query__the_learned_ranking_leaves_the_confidence_as_it_is(void **state)
{
    fx *f = *state;
    const char *const questions[] = { "低保户要交医保吗", "异地就医怎么报销", "医保断缴了怎么办",
                                      "怎么退保" };
    for (size_t k = 0; k < sizeof questions / sizeof *questions; k++) {
        wd_search_opts o = WD_SEARCH_OPTS_INIT;
        o.n = 50;
        o.features = 1;
        wd_results *learned = ask(f, questions[k], &o);
        wd_searcher *shipped = f->s;
        open_tuned(f, "lr=0");
        wd_results *hand = ask(f, questions[k], &o);
        wd_searcher_close(f->s);
        f->s = shipped;
        assert_int_equal(learned->n_hits, hand->n_hits);
        assert_int_equal(learned->answered, hand->answered);
        for (size_t i = 0; i < learned->n_hits; i++) {
            const wd_hit *h = &learned->hits[i];
            assert_non_null(h->rank_features);
            for (int x = 0; x < WD_HIT_NRANK_FEATURES; x++) {
                assert_true(isfinite(h->rank_features[x]));
                assert_string_not_equal(wd_hit_rank_feature_name(x), "?");
            }
            /* The ranking's score orders the hits. */
            assert_true(h->score > 0);
            if (i > 0)
                assert_true(h->score <= learned->hits[i - 1].score);
            size_t j = 0;
            while (j < hand->n_hits && strcmp(hand->hits[j].id, h->id) != 0)
                j++;
            assert_true(j < hand->n_hits);
            assert_true(fabs(hand->hits[j].confidence - h->confidence) < 1e-12);
        }
        wd_results_free(learned);
        wd_results_free(hand);
    }
}

/* ---- long questions ---------------------------------------------------------------- */

/* A question of `chars` code points: characters no record holds (CJK
 * Extension A, drawn by a fixed generator), with `word` every 97th place. */
static char *long_question(size_t chars, const char *word, size_t *len)
{
    char *q = malloc(chars * 4 + strlen(word) * (chars / 97 + 1) + 1);
    assert_non_null(q);
    size_t n = 0;
    uint32_t x = 7;
    for (size_t i = 0; i < chars; i++) {
        if (i % 97 == 50) {
            memcpy(q + n, word, strlen(word));
            n += strlen(word);
        }
        x = x * 1103515245u + 12345u;
        n += wd_utf8_encode(0x3400 + (x >> 16) % 0x19B0, q + n);
    }
    q[n] = '\0';
    *len = n;
    return q;
}

/* The leaves of a parsed query: its terms, each written TERM@POS. */
static size_t leaves(const char *parsed)
{
    size_t n = 0;
    for (const char *p = parsed; (p = strchr(p, '@')); p++)
        n++;
    return n;
}

/* A long question is not refused but trimmed: searched for by its most
 * informative words (those the records hold, the question's own repeated
 * words first), whatever its length; the results say so, and a question of
 * normal length is searched for whole. */
static void test_query__a_long_question_is_trimmed_to_its_most_informative_words(void **state)
{
    fx *f = *state;
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.explain = 1;
    wd_error err;
    wd_error_clear(&err);
    /* 20,000 characters, and 1 MiB: the same answer, from a bounded query. */
    size_t sizes[] = { 20000, 400000 };
    for (size_t k = 0; k < 2; k++) {
        size_t len = 0;
        char *q = long_question(sizes[k], "个人账户", &len);
        wd_results *r = NULL;
        assert_int_equal(wd_search(f->s, q, len, &o, &r, &err), WD_OK);
        assert_int_equal(r->trimmed, 1);
        assert_int_equal(strlen(r->query), len); /* the question as asked */
        assert_true(r->n_hits >= 1);
        assert_string_equal(r->hits[0].id, "q2");
        assert_non_null(strstr(r->parsed, "S个人账户@"));
        if (leaves(r->parsed) > 4 * 64)
            fail_msg("%zu leaves in the query of a %zu-character question", leaves(r->parsed),
                     sizes[k]);
        wd_buf b = WD_BUF_INIT;
        assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
        assert_non_null(strstr(b.data, "\"trimmed\":true"));
        wd_buf_free(&b);
        wd_results_free(r);
        free(q);
    }
    /* Short, but more than 64 distinct words: the record's word is kept,
     * though it comes last, over words no record holds. */
    char q[1024] = "";
    for (int i = 0; i < 70; i++)
        snprintf(q + strlen(q), sizeof q - strlen(q), "w%d ", i);
    strcat(q, "异地就医");
    wd_results *r = ask(f, q, &o);
    assert_int_equal(r->trimmed, 1);
    assert_non_null(strstr(r->parsed, "S异地就医@"));
    assert_null(strstr(r->parsed, "Sw69@"));
    assert_string_equal(r->hits[0].id, "q3");
    wd_results_free(r);
    /* A question of normal length is searched for whole, and says nothing. */
    r = ask(f, "低保户要交医保吗", &o);
    assert_int_equal(r->trimmed, 0);
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_results_to_json(r, 0, &b), WD_OK);
    assert_null(strstr(b.data, "trimmed"));
    wd_buf_free(&b);
    wd_results_free(r);
}

/* ---- stored analyses (index schema 3) ----------------------------------------------- */

static int count_token(void *ctx, const wd_token *t)
{
    (void)t;
    ++*(size_t *)ctx;
    return 0;
}

/* A question's stored form reads back as the analysis the searcher would
 * make of it, entry by entry (the re-ranking must come out the same); with
 * another stamp it is not read, and a form cut short or damaged is refused,
 * never read past its end. */
/* The re-ranking's question overlap as its definition reads: each asked
 * word (not a sub-word) found as the record's first entry that is it or
 * one of its synonyms (a sub-word there counting less), each asked n-gram
 * among the record's n-grams, an IDF-weighted Dice of each side, averaged.
 * The searcher looks the record's entries up instead of comparing every
 * pair: the same number, to the last bit. */
static double overlap_by_pairs(const wd_qtext *q, const double *idf, const wd_qtext *r,
                               const double *ridf, double stop, double sub)
{
    double wcommon = 0, wsum = 0, rwsum = 0, ncommon = 0, nsum = 0, rnsum = 0;
    for (size_t i = 0; i < q->n; i++) {
        const wd_qword *w = &q->w[i];
        if (w->kind == WD_QK_NGRAM) {
            nsum += idf[i];
            for (size_t k = 0; k < r->n; k++)
                if (r->w[k].kind == WD_QK_NGRAM && strcmp(r->w[k].text, w->text) == 0) {
                    ncommon += idf[i];
                    break;
                }
            continue;
        }
        if (w->kind == WD_QK_SUBWORD)
            continue;
        double wt = idf[i] * (w->kind == WD_QK_STOP ? stop : 1.0);
        wsum += idf[i] * (w->kind == WD_QK_STOP ? stop : 1.0);
        for (size_t k = 0; k < r->n; k++) {
            const wd_qword *c = &r->w[k];
            int same = c->kind != WD_QK_NGRAM && strcmp(c->text, w->text) == 0;
            for (size_t y = 0; c->kind != WD_QK_NGRAM && !same && y < w->nsyn; y++)
                same = strcmp(c->text, w->syns[y]) == 0;
            if (same) {
                wcommon += wt * (c->kind == WD_QK_SUBWORD ? sub : 1.0);
                break;
            }
        }
    }
    for (size_t k = 0; k < r->n; k++) {
        const wd_qword *c = &r->w[k];
        if (c->kind == WD_QK_NGRAM)
            rnsum += ridf[k];
        else if (c->kind != WD_QK_SUBWORD)
            rwsum += ridf[k] * (c->kind == WD_QK_STOP ? stop : 1.0);
    }
    double wd = wsum + rwsum > 0 ? 2 * wcommon / (wsum + rwsum) : 0;
    double nd = nsum + rnsum > 0 ? 2 * ncommon / (nsum + rnsum) : wd;
    return (wd + nd) / 2;
}

/* An IDF per entry that tells entries apart (made up from the text). */
static double *made_up_idf(const wd_qtext *q)
{
    double *idf = calloc(q->n ? q->n : 1, sizeof *idf);
    for (size_t i = 0; i < q->n; i++)
        idf[i] = q->w[i].kind == WD_QK_SUBWORD ? 0 : 0.1 + (double)(q->w[i].hash % 97) / 13.0;
    return idf;
}

static void test_query__the_question_overlap_is_its_definition(void **state)
{
    fx *f = *state;
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    /* synonyms (医保, 医疗保险; 报销, 报), sub-words (医疗保险 holds 保险),
     * particles, a repeated word, numbers, no CJK at all, nothing */
    static const char *const texts[] = {
        "低保户要交城乡居民医保吗",
        "城乡居民医疗保险低保户交不交",
        "医保报销比例是多少",
        "医疗保险怎么报",
        "异地就医怎么报销报销",
        "2025广东肇庆医保门诊统筹一年可以报多少",
        "的了吗",
        "claim 300 insurance",
        "",
    };
    size_t n = sizeof texts / sizeof *texts;
    wd_qtext q[sizeof texts / sizeof *texts];
    double *idf[sizeof texts / sizeof *texts];
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(wd_qtext_analyse(&q[i], an, texts[i], strlen(texts[i]), NULL), WD_OK);
        wd_qtext_synonyms(&q[i], f->dict);
        idf[i] = made_up_idf(&q[i]);
    }
    int synonyms = 0;
    for (size_t a = 0; a < n; a++) {
        wd_overlap_query oq;
        assert_int_equal(wd_overlap_query_init(&oq, &q[a], idf[a], 0.5, 0.5), WD_OK);
        for (size_t i = 0; i < q[a].n; i++)
            synonyms += q[a].w[i].nsyn > 0;
        for (size_t b = 0; b < n; b++) {
            double want = overlap_by_pairs(&q[a], idf[a], &q[b], idf[b], 0.5, 0.5);
            double got = wd_question_overlap(&oq, &q[b], idf[b]);
            if (memcmp(&got, &want, sizeof got) != 0)
                fail_msg("overlap of '%s' with '%s': %.17g, by its definition %.17g", texts[a],
                         texts[b], got, want);
        }
        wd_overlap_query_free(&oq);
    }
    assert_true(synonyms > 0);
    assert_true(overlap_by_pairs(&q[0], idf[0], &q[1], idf[1], 0.5, 0.5) > 0.3);
    for (size_t i = 0; i < n; i++) {
        wd_qtext_free(&q[i]);
        free(idf[i]);
    }
    wd_analyzer_free(an);
}

/* The answer coverage the re-ranking weighs (a hit's ranking feature
 * answer_cover) as its definition reads: the share of the asked whole
 * words' answer-field IDF whose word, or a synonym of it, occurs in the
 * record's normalised answer. The searcher looks for them all in one pass
 * over each answer; the shares are the same to the last bit. */
static void test_query__the_answer_coverage_is_its_definition(void **state)
{
    (void)state;
    static const wd_record recs[] = {
        { "c1", "医保怎么报销", "医疗保险在定点医院直接结算，报账比例看地区。", "c.txt", NULL,
          WD_KIND_QA, 1, NULL, 0 },
        { "c2", "醫保報銷比例", "醫療保險報銷比例為百分之七十，claim 要帶發票。", "c.txt", NULL,
          WD_KIND_QA, 1, NULL, 0 },
        { "c3", "异地就医报销", "ＣＬＡＩＭ先备案，异地就医报销报销再报销。", "c.txt", NULL,
          WD_KIND_QA, 1, NULL, 0 },
        { "c4", "医保报销比例是多少", "", "c.txt", NULL, WD_KIND_QUESTION, 1, NULL, 0 },
        { "c5", "医保卡丢了", "补办医保卡去社保局。", "c.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "c6", "门诊统筹", "门诊统筹一年最高支付800元，和医保报销无关。", "c.txt", NULL,
          WD_KIND_QA, 1, NULL, 0 },
        /* Words at every offset of the eight-byte blocks the answer is
         * read in, after characters of one, two and four bytes, and in the
         * last few bytes read one by one. */
        { "c7", "报销比例问题", "ab医保é报销x", "c.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "c8", "医保报销", "\xf0\xa0\x80\x80医保1234567报销", "c.txt", NULL, WD_KIND_QA, 1, NULL,
          0 },
        { "c9", "比例多少", "报销", "c.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "c10", "医保比例怎么算", "1234567医保", "c.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "c11", "异地报销比例", "12345678比例éé异地就医", "c.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
    };
    char dir[64];
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    wd_analyzer *an = NULL;
    xc_db *db = NULL;
    assert_int_equal(th_tmpdir(dir, sizeof dir, "cover"), 0);
    assert_int_equal(wd_dict_load(&dict, NULL, NULL), WD_OK);
    assert_int_equal(th_index_records(dir, dict, recs, sizeof recs / sizeof *recs, NULL), WD_OK);
    assert_int_equal(wd_searcher_open(&s, dir, dict, NULL), WD_OK);
    assert_int_equal(wd_analyzer_new(&an, dict, NULL), WD_OK);
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    uint32_t ndocs = 0;
    assert_int_equal(xc_db_doccount(db, &ndocs, NULL), WD_OK);
    static const char *const questions[] = { "医保报销claim比例", "异地就医怎么报销",
                                             "醫保卡丟了怎麼辦", "门诊统筹医保报销" };
    int partial = 0;
    for (size_t k = 0; k < sizeof questions / sizeof *questions; k++) {
        const char *question = questions[k];
        wd_search_opts o = WD_SEARCH_OPTS_INIT;
        o.features = 1;
        o.distinct = 0;
        o.n = 10;
        wd_results *res = NULL;
        assert_int_equal(wd_search(s, question, strlen(question), &o, &res, NULL), WD_OK);
        assert_true(res->n_hits > 1);
        wd_qtext q;
        assert_int_equal(wd_qtext_analyse(&q, an, question, strlen(question), NULL), WD_OK);
        wd_qtext_synonyms(&q, dict);
        for (size_t h = 0; h < res->n_hits; h++) {
            const wd_hit *hit = &res->hits[h];
            char *norm = NULL;
            size_t nlen = 0;
            assert_int_equal(wd_normalize(an, hit->answer, strlen(hit->answer), &norm, &nlen, NULL),
                             WD_OK);
            double found = 0, total = 0;
            for (size_t i = 0; i < q.n; i++) {
                const wd_qword *w = &q.w[i];
                if (w->kind != WD_QK_WORD)
                    continue;
                uint32_t df = 0;
                assert_int_equal(xc_db_termfreq(db, w->text, &df, NULL), WD_OK);
                double idf = wd_idf_bm25(ndocs, df);
                total += idf;
                int hit_word = *hit->answer && strstr(norm, w->text) != NULL;
                for (size_t y = 0; *hit->answer && !hit_word && y < w->nsyn; y++)
                    hit_word = strstr(norm, w->syns[y]) != NULL;
                if (hit_word)
                    found += idf;
            }
            double want = total > 0 ? found / total : 0;
            double got = hit->rank_features[2];
            if (memcmp(&got, &want, sizeof got) != 0)
                fail_msg("'%s', hit %s: answer coverage %.17g, by its definition %.17g", question,
                         hit->id, got, want);
            partial += want > 0 && want < 1;
            free(norm);
        }
        wd_qtext_free(&q);
        wd_results_free(res);
    }
    assert_true(partial > 0);
    xc_db_close(db);
    wd_analyzer_free(an);
    wd_searcher_close(s);
    th_rmtree(dir);
    wd_dict_free(dict);
}

/* The term statistics answer what the index says of prefix + word (and
 * the BM25 IDF of it), asked with the word's hash or without, the first
 * time and from the table after;
 * pairs that join to the same bytes, or whose word ends like a prefix, are
 * each right. */
static void test_query__term_statistics_are_the_index_s(void **state)
{
    (void)state;
    static const wd_record recs[] = {
        { "t1", "医保怎么交", "医保卡在社保局办。", "t.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "t2", "医保卡丢了", "补办。", "t.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
        { "t3", "社保", "社保和医保不同。", "t.txt", NULL, WD_KIND_QA, 1, NULL, 0 },
    };
    char dir[64];
    wd_dict *dict = NULL;
    xc_db *db = NULL;
    assert_int_equal(th_tmpdir(dir, sizeof dir, "tstats"), 0);
    assert_int_equal(wd_dict_load(&dict, NULL, NULL), WD_OK);
    assert_int_equal(th_index_records(dir, dict, recs, sizeof recs / sizeof *recs, NULL), WD_OK);
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    uint32_t ndocs = 0;
    assert_int_equal(xc_db_doccount(db, &ndocs, NULL), WD_OK);
    static const struct {
        const char *prefix, *word;
    } pairs[] = { { WD_PREFIX_QUESTION, "医保" },
                  { "", "S医保" },
                  { "", "医保" },
                  { WD_PREFIX_BIGRAM, "医" },
                  { "", "医保S" },
                  { WD_PREFIX_QUESTION, "" },
                  { WD_PREFIX_QUESTION, "社保" },
                  { "", "社保" },
                  { WD_PREFIX_BIGRAM, "医保" },
                  { "X", "B医保" },
                  { "", "没有的词" } };
    wd_termstats t = WD_TERMSTATS_INIT;
    wd_termstats_reset(&t, ndocs);
    int found = 0;
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
            const char *prefix = pairs[i].prefix, *word = pairs[i].word;
            char term[64];
            snprintf(term, sizeof term, "%s%s", prefix, word);
            uint32_t want = 0;
            if (*term)
                assert_int_equal(xc_db_termfreq(db, term, &want, NULL), WD_OK);
            size_t len = strlen(word);
            uint32_t got =
                round ? wd_termstats_df(&t, db, prefix, word, len)
                      : wd_termstats_df_hashed(&t, db, prefix, word, len, wd_hash_bytes(word, len));
            if (got != want)
                fail_msg("round %d: %s + %s: %u documents, the index says %u", round, prefix, word,
                         got, want);
            double idf = wd_termstats_idf_bm25(&t, db, prefix, word, len, wd_hash_bytes(word, len));
            double idf_want = wd_idf_bm25(ndocs, want);
            if (memcmp(&idf, &idf_want, sizeof idf) != 0)
                fail_msg("round %d: %s + %s: IDF %.17g, by its definition %.17g", round, prefix,
                         word, idf, idf_want);
            found += want > 0;
        }
    assert_true(found >= 10);
    wd_termstats_free(&t);
    xc_db_close(db);
    th_rmtree(dir);
    wd_dict_free(dict);
}

static void test_query__a_stored_analysis_reads_back_as_the_analysis(void **state)
{
    fx *f = *state;
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    static const char *const questions[] = {
        "低保户要交城乡居民医保吗",
        "2025广东肇庆医保门诊统筹一年可以报多少",
        "醫保卡丟了怎麼辦？",
        "Huts insurance 理赔 claim 300元",
        "的了吗",
        "",
        "中华人民共和国个人所得税法",
    };
    uint64_t stamp = wd_qtext_stamp(wd_dict_version(f->dict), 1);
    assert_true(stamp != wd_qtext_stamp(wd_dict_version(f->dict), 0));
    assert_true(stamp != wd_qtext_stamp("d1-another", 1));
    for (size_t k = 0; k < sizeof questions / sizeof *questions; k++) {
        wd_qtext q, packed, back;
        const char *text = questions[k];
        assert_int_equal(wd_qtext_analyse(&q, an, text, strlen(text), NULL), WD_OK);
        size_t pbytes = 0, bbytes = 0;
        assert_int_equal(wd_qtext_pack(&q, &packed, &pbytes), WD_OK);
        wd_buf b = WD_BUF_INIT;
        size_t tokens = 0;
        assert_int_equal(
            wd_qtext_store(an, text, strlen(text), count_token, &tokens, stamp, &b, NULL), WD_OK);
        assert_true(tokens > 0 || !*text);
        assert_true(b.len >= 9);
        assert_int_equal(wd_qtext_decode(b.data, b.len, text, strlen(text), stamp, &back, &bbytes),
                         WD_OK);
        assert_int_equal(bbytes, pbytes);
        assert_int_equal(back.n, packed.n);
        assert_int_equal(back.content, packed.content);
        assert_int_equal(back.nprimary, packed.nprimary);
        assert_int_equal(back.nlen, packed.nlen);
        assert_memory_equal(back.norm, packed.norm, packed.nlen + 1);
        assert_int_equal(back.places.n, packed.places.n);
        for (unsigned p = 0; p < packed.places.n; p++)
            assert_int_equal(back.places.id[p], packed.places.id[p]);
        for (size_t i = 0; i < packed.n; i++) {
            const wd_qword *x = &back.w[i], *y = &packed.w[i];
            assert_int_equal(x->len, y->len);
            assert_memory_equal(x->text, y->text, y->len + 1);
            assert_int_equal(x->kind, y->kind);
            assert_int_equal(x->wqf, y->wqf);
            assert_int_equal(x->pos, y->pos);
            assert_true(x->hash == y->hash);
            assert_int_equal(x->primary, y->primary);
            assert_int_equal(x->primary_stop, y->primary_stop);
            assert_int_equal(x->nsyn, 0);
        }
        wd_qtext_free(&back);
        assert_int_equal(wd_qtext_decode(b.data, b.len, text, strlen(text), stamp + 1, &back, NULL),
                         WD_ENOTFOUND);
        assert_int_equal(back.n, 0);
        /* Every cut, and every byte changed: refused or read within bounds. */
        for (size_t cut = 0; cut < b.len; cut++) {
            int rc = wd_qtext_decode(b.data, cut, text, strlen(text), stamp, &back, NULL);
            assert_true(rc == WD_ENOTFOUND || rc == WD_ECORRUPT);
        }
        for (size_t at = 9; at < b.len; at++) {
            char *bad = malloc(b.len);
            memcpy(bad, b.data, b.len);
            bad[at] = (char)(bad[at] ^ 0xA5);
            if (wd_qtext_decode(bad, b.len, text, strlen(text), stamp, &back, NULL) == WD_OK)
                wd_qtext_free(&back);
            free(bad);
        }
        wd_buf_free(&b);
        wd_qtext_free(&packed);
        wd_qtext_free(&q);
    }
    wd_analyzer_free(an);
}

static int count_allocation(void *ctx, size_t n)
{
    (void)n;
    ++*(size_t *)ctx;
    return 0;
}

/* A candidate's stored analysis is read back once a search for each record
 * not yet cached: in two allocations (the analysis, and room to make it in),
 * not one per entry, for a question of more entries than a scan looks at. */
static void test_query__a_stored_analysis_reads_back_in_two_allocations(void **state)
{
    fx *f = *state;
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    static const char *const questions[] = {
        "低保户要交城乡居民医保吗",
        "醫保卡丟了怎麼辦？",
        "城乡居民基本医疗保险参保人员在外地住院治疗后应该怎样办理报销手续和需要哪些材料",
    };
    uint64_t stamp = wd_qtext_stamp(wd_dict_version(f->dict), 1);
    for (size_t k = 0; k < sizeof questions / sizeof *questions; k++) {
        const char *text = questions[k];
        wd_buf b = WD_BUF_INIT;
        size_t tokens = 0;
        assert_int_equal(
            wd_qtext_store(an, text, strlen(text), count_token, &tokens, stamp, &b, NULL), WD_OK);
        wd_qtext back;
        size_t allocations = 0;
        wd_alloc_set_fail_hook(count_allocation, &allocations);
        int rc = wd_qtext_decode(b.data, b.len, text, strlen(text), stamp, &back, NULL);
        wd_alloc_set_fail_hook(NULL, NULL);
        assert_int_equal(rc, WD_OK);
        if (k == 2)
            assert_true(back.n > 64);
        if (allocations > 2)
            fail_msg("'%s' (%zu entries): %zu allocations", text, back.n, allocations);
        wd_qtext_free(&back);
        wd_buf_free(&b);
    }
    wd_analyzer_free(an);
}

static size_t largest_allocation;

static int note_allocation(void *ctx, size_t n)
{
    (void)ctx;
    if (n > largest_allocation)
        largest_allocation = n;
    return 0;
}

/* A stored form read back needs room linear in its own size, whatever its
 * tokens claim: a thousand sub-words each as long as the whole question
 * (four bytes of the form apiece) make one entry, and no allocation of
 * their texts' total. */
static void test_query__a_stored_analysis_needs_room_linear_in_its_size(void **state)
{
    (void)state;
    char question[199];
    for (size_t i = 0; i < 198; i += 3)
        memcpy(question + i, "保", 3);
    question[198] = '\0';
    wd_buf b = WD_BUF_INIT;
    const uint64_t stamp = 0x1234;
    wd_buf_putc(&b, 'C');
    for (int k = 0; k < 8; k++)
        wd_buf_putc(&b, (char)(stamp >> (8 * k)));
    const unsigned char head[] = { 0xE8, 0x07, 0 }; /* 1000 tokens; the question as written */
    wd_buf_append(&b, head, sizeof head);
    /* A sub-word at position 0, at offset 0, 198 bytes long; then 999 more
     * at the previous token's position. */
    const unsigned char first[] = { 1, 0, 0, 0xC6, 0x01 }, more[] = { 17, 0, 0xC6, 0x01 };
    wd_buf_append(&b, first, sizeof first);
    for (size_t i = 1; i < 1000; i++)
        wd_buf_append(&b, more, sizeof more);
    assert_false(b.oom);
    wd_qtext back;
    largest_allocation = 0;
    wd_alloc_set_fail_hook(note_allocation, NULL);
    int rc = wd_qtext_decode(b.data, b.len, question, 198, stamp, &back, NULL);
    wd_alloc_set_fail_hook(NULL, NULL);
    assert_int_equal(rc, WD_OK);
    assert_int_equal(back.n, 1);
    assert_int_equal(back.w[0].wqf, 1000);
    assert_int_equal(back.w[0].len, 198);
    if (largest_allocation > 20 * b.len)
        fail_msg("%zu bytes of stored form: an allocation of %zu", b.len, largest_allocation);
    wd_qtext_free(&back);
    wd_buf_free(&b);
}

/* The stored form of a record with this answer (wd_reccache_get's data). */
static int answer_data(void *ctx, char **data, size_t *len, wd_error *err)
{
    (void)err;
    wd_record r = { "x", "问", ctx, "s", NULL, WD_KIND_QA, 0, NULL, 0 };
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_record_encode(&r, &b), WD_OK);
    *len = b.len;
    *data = wd_buf_detach(&b);
    return WD_OK;
}

/* The record cache tells two texts apart by a print of their ends before it
 * compares them: long answers alike at both ends and of one length, but not
 * in the middle, are not the same answer; the same long answer is. */
static void test_query__answers_alike_at_both_ends_are_not_the_same_answer(void **state)
{
    (void)state;
    char a[600], b[600];
    for (size_t i = 0; i < sizeof a - 1; i++)
        a[i] = b[i] = (char)('a' + i % 26);
    a[sizeof a - 1] = b[sizeof b - 1] = '\0';
    b[300] = 'Z';
    wd_reccache c;
    memset(&c, 0, sizeof c);
    wd_rec *ra = NULL, *rb = NULL, *ra2 = NULL;
    assert_int_equal(wd_reccache_get(&c, 1, answer_data, a, &ra, NULL), WD_OK);
    assert_int_equal(wd_reccache_get(&c, 2, answer_data, b, &rb, NULL), WD_OK);
    assert_int_equal(wd_reccache_get(&c, 3, answer_data, a, &ra2, NULL), WD_OK);
    assert_true(wd_rec_same_question(ra, rb));
    assert_false(wd_rec_same_answer(ra, rb));
    assert_true(wd_rec_same_answer(ra, ra2));
    b[300] = a[300];
    b[0] = 'Z';
    wd_rec *rc = NULL;
    assert_int_equal(wd_reccache_get(&c, 4, answer_data, b, &rc, NULL), WD_OK);
    assert_false(wd_rec_same_answer(ra, rc));
    wd_reccache_free(&c);
}

/* A searcher counts what its record cache did: the first search reads its
 * candidates from the index, the same search again finds them all in the
 * cache, and the cache holds them. */
static void test_query__the_record_cache_counts_what_it_did(void **state)
{
    fx *f = *state;
    wd_searcher *s = NULL;
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.record_cache_mb = 1;
    assert_int_equal(wd_searcher_open_with(&s, f->dir, f->dict, &o, NULL), WD_OK);
    wd_record_cache_stats st;
    wd_searcher_record_cache_stats(s, &st);
    assert_true(st.hits == 0 && st.misses == 0 && st.records == 0 && st.bytes == 0);
    wd_results *r = NULL;
    assert_int_equal(wd_search(s, "低保户要交医保吗", strlen("低保户要交医保吗"), NULL, &r, NULL),
                     WD_OK);
    wd_results_free(r);
    wd_searcher_record_cache_stats(s, &st);
    assert_int_equal(st.hits, 0);
    assert_true(st.misses >= 2);
    assert_int_equal(st.records, st.misses);
    assert_true(st.bytes > 0);
    uint64_t read = st.misses;
    assert_int_equal(wd_search(s, "低保户要交医保吗", strlen("低保户要交医保吗"), NULL, &r, NULL),
                     WD_OK);
    wd_results_free(r);
    wd_searcher_record_cache_stats(s, &st);
    assert_int_equal(st.misses, read);
    assert_true(st.hits >= read);
    wd_searcher_close(s);
}

/* answer_data that counts the records it was asked to read. */
static int answer_data_counted(void *ctx, char **data, size_t *len, wd_error *err)
{
    static char answer[1000];
    if (!answer[0])
        memset(answer, 'a', sizeof answer - 1);
    ++*(unsigned *)ctx;
    return answer_data(answer, data, len, err);
}

/* The record cache holds what its budget allows: two generations of half of
 * it each, the current one aged at the start of a search once full. A
 * record found in the old generation moves back without being read again;
 * one aged out of both is read again. Without a budget the default holds
 * far more than these records. */
static void test_query__the_record_cache_keeps_within_its_budget(void **state)
{
    (void)state;
    wd_reccache c;
    memset(&c, 0, sizeof c);
    c.budget = 64 << 10;
    unsigned reads = 0;
    size_t most = 0;
    wd_rec *r = NULL;
    for (uint32_t did = 1; did <= 200; did++) {
        wd_reccache_tidy(&c);
        assert_int_equal(wd_reccache_get(&c, did, answer_data_counted, &reads, &r, NULL), WD_OK);
        most = r->bytes > most ? r->bytes : most;
        if (c.cur.bytes + c.old.bytes > c.budget + most)
            fail_msg("record %u: %zu + %zu bytes held, budget %zu", did, c.cur.bytes, c.old.bytes,
                     c.budget);
    }
    assert_int_equal(reads, 200);
    assert_true(c.old.n > 0);
    /* the newest of the old generation comes back unread, the first record
     * is read again */
    wd_reccache_tidy(&c);
    for (uint32_t did = 200; did > 0; did--) {
        size_t cur = c.cur.n;
        assert_int_equal(wd_reccache_get(&c, did, answer_data_counted, &reads, &r, NULL), WD_OK);
        if (c.cur.n == cur) /* it was in the current generation */
            continue;
        if (reads == 200) { /* the first not in the current one came from the old one */
            assert_int_equal(r->did, did);
            break;
        }
        fail_msg("record %u was read again though the old generation held records", did);
    }
    assert_int_equal(wd_reccache_get(&c, 1, answer_data_counted, &reads, &r, NULL), WD_OK);
    assert_int_equal(reads, 201);
    wd_reccache_free(&c);

    memset(&c, 0, sizeof c); /* the default budget */
    for (uint32_t did = 1; did <= 200; did++) {
        wd_reccache_tidy(&c);
        assert_int_equal(wd_reccache_get(&c, did, answer_data_counted, &reads, &r, NULL), WD_OK);
    }
    assert_int_equal(c.old.n, 0);
    assert_int_equal(c.cur.n, 200);
    wd_reccache_free(&c);
}

/* The record cache keeps each answer's normalised text with what a snippet
 * needs of it: an answer normalised to itself shares its bytes and needs no
 * map; one whose characters each normalise to one needs no map; one with a
 * character normalised to several keeps the map. Each is charged to the
 * cache for what it holds. */
static void
test_query__the_record_cache_keeps_a_normalised_answer_and_its_map_only_when_needed(void **state)
{
    fx *f = *state;
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    wd_reccache c;
    memset(&c, 0, sizeof c);
    wd_rec *same = NULL, *folded = NULL, *mapped = NULL;
    char plain[] = "低保户要交医保吗", wide[] = "醫保卡，ＩＣ卡", dots[] = "保费…医保";
    size_t len = 0;

    assert_int_equal(wd_reccache_get(&c, 1, answer_data, plain, &same, NULL), WD_OK);
    size_t bytes = c.cur.bytes;
    const char *norm = wd_rec_answer_norm(&c, an, same, &len);
    assert_ptr_equal(norm, same->rec.answer);
    assert_int_equal(len, strlen(plain));
    assert_null(same->spans);
    assert_int_equal(c.cur.bytes, bytes);

    assert_int_equal(wd_reccache_get(&c, 2, answer_data, wide, &folded, NULL), WD_OK);
    bytes = c.cur.bytes;
    norm = wd_rec_answer_norm(&c, an, folded, &len);
    assert_string_equal(norm, "医保卡,ic卡");
    assert_null(folded->spans);
    assert_true(c.cur.bytes >= bytes + len + 1);

    assert_int_equal(wd_reccache_get(&c, 3, answer_data, dots, &mapped, NULL), WD_OK);
    bytes = c.cur.bytes;
    norm = wd_rec_answer_norm(&c, an, mapped, &len);
    assert_string_equal(norm, "保费...医保");
    assert_non_null(mapped->spans);
    assert_int_equal(mapped->nspans, 7);
    assert_int_equal(mapped->spans[2 * 2], 6); /* each dot from the three bytes of … */
    assert_int_equal(mapped->spans[2 * 4 + 1], 9);
    assert_true(c.cur.bytes >= bytes + len + 1 + 7 * 2 * sizeof *mapped->spans);
    /* once made, kept */
    assert_ptr_equal(wd_rec_answer_norm(&c, an, mapped, &len), norm);
    wd_reccache_free(&c);
    wd_analyzer_free(an);
}

/* The id, score and confidence of each hit, one line each. */
static char *ranking(wd_searcher *s, const char *question)
{
    wd_results *r = NULL;
    wd_error err;
    wd_error_clear(&err);
    if (wd_search(s, question, strlen(question), NULL, &r, &err) != WD_OK)
        fail_msg("search failed: %s", err.message);
    wd_buf b = WD_BUF_INIT;
    char line[128];
    for (size_t i = 0; i < r->n_hits; i++) {
        snprintf(line, sizeof line, "%s %.17g %.17g\n", r->hits[i].id, r->hits[i].score,
                 r->hits[i].confidence);
        wd_buf_puts(&b, line);
    }
    wd_results_free(r);
    return wd_buf_detach(&b);
}

/* Set the stored analysis of record `id` in the index at dir to `value`. */
static void set_stored(const char *dir, const char *id, const char *value, size_t len)
{
    xc_db *db = NULL;
    xc_docid did = 0;
    xc_doc *doc = NULL;
    char term[WD_KEY_TERM_SIZE];
    wd_key_term(term, WD_PREFIX_ID, id, WD_ID_VERBATIM);
    assert_int_equal(xc_db_open(&db, dir, XC_DB_OPEN, NULL), WD_OK);
    assert_int_equal(xc_db_find(db, term, &did, NULL), WD_OK);
    assert_int_equal(xc_db_get_document(db, did, &doc, NULL), WD_OK);
    assert_int_equal(xc_doc_set_value(doc, WD_VALUE_QUESTION, value, len, NULL), WD_OK);
    assert_int_equal(xc_db_replace(db, term, doc, NULL, NULL, NULL), WD_OK);
    assert_int_equal(xc_db_commit(db, NULL), WD_OK);
    xc_doc_free(doc);
    xc_db_close(db);
}

/* The stored value of record `id` (new). */
static char *get_stored(const char *dir, const char *id, size_t *len)
{
    xc_db *db = NULL;
    xc_docid did = 0;
    xc_doc *doc = NULL;
    char term[WD_KEY_TERM_SIZE], *v = NULL;
    wd_key_term(term, WD_PREFIX_ID, id, WD_ID_VERBATIM);
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_db_find(db, term, &did, NULL), WD_OK);
    assert_int_equal(xc_db_get_document(db, did, &doc, NULL), WD_OK);
    assert_int_equal(xc_doc_get_value(doc, WD_VALUE_QUESTION, &v, len, NULL), WD_OK);
    xc_doc_free(doc);
    xc_db_close(db);
    return v;
}

/* A search reads each candidate's question as the index analysed it, when
 * the index's analysis was made with the searcher's dictionary; with
 * another dictionary (or none stored, or one damaged) it analyses the
 * question itself. Shown by a record whose stored analysis is another
 * record's: it is believed by a searcher of the same dictionary only. */
static void
test_query__candidates_are_read_as_stored_unless_another_dictionary_made_them(void **state)
{
    fx *f = *state;
    const char *asked = "低保户要交医保吗";
    char *shipped = ranking(f->s, asked);
    assert_non_null(strstr(shipped, "q1 "));
    assert_non_null(strstr(shipped, "q3 "));
    char dir[64], dictdir[64], user[128];
    assert_int_equal(th_tmpdir(dir, sizeof dir, "qs"), 0);
    assert_int_equal(
        th_index_records(dir, f->dict, records, sizeof records / sizeof *records, NULL), WD_OK);
    /* q3 (异地就医怎么报销) is given the analysis of q1's question (written in
     * Traditional characters, so that the stored form holds its normalised
     * text instead of pointing into the record's). */
    size_t len = 0;
    char *q1 = get_stored(dir, "q1", &len);
    assert_true(len > 10);
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    const char *other_q = "低保戶要交城鄉居民醫保嗎";
    size_t tokens = 0;
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_qtext_store(an, other_q, strlen(other_q), count_token, &tokens,
                                    wd_qtext_stamp(wd_dict_version(f->dict), 1), &b, NULL),
                     WD_OK);
    wd_analyzer_free(an);
    set_stored(dir, "q3", b.data, b.len);
    wd_buf_free(&b);
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, dir, f->dict, NULL), WD_OK);
    char *stored = ranking(s, asked);
    wd_searcher_close(s);
    assert_string_not_equal(stored, shipped);
    /* Another dictionary (a word none of the records holds: the same
     * analyses, another version) analyses q3 again: the shipped ranking. */
    assert_int_equal(th_tmpdir(dictdir, sizeof dictdir, "qd"), 0);
    th_write_text(th_path(user, sizeof user, dictdir, "user.txt"), "保泰通 2\n");
    wd_dict *other = NULL;
    assert_int_equal(wd_dict_load(&other, dictdir, NULL), WD_OK);
    assert_string_not_equal(wd_dict_version(other), wd_dict_version(f->dict));
    assert_int_equal(wd_searcher_open(&s, dir, other, NULL), WD_OK);
    char *again = ranking(s, asked);
    wd_index_info info;
    assert_int_equal(wd_searcher_info(s, dir, &info, NULL), WD_OK);
    assert_int_equal(info.stored_analyses, 0);
    wd_index_info_clear(&info);
    wd_searcher_close(s);
    assert_string_equal(again, shipped);
    /* An analysis that is no stored form (an older index has none) likewise. */
    set_stored(dir, "q3", "", 0);
    set_stored(dir, "q1", q1, len - 1);
    assert_int_equal(wd_searcher_open(&s, dir, f->dict, NULL), WD_OK);
    char *none = ranking(s, asked);
    assert_int_equal(wd_searcher_info(s, dir, &info, NULL), WD_OK);
    assert_int_equal(info.stored_analyses, 1);
    wd_index_info_clear(&info);
    wd_searcher_close(s);
    assert_string_equal(none, shipped);
    wd_dict_free(other);
    th_rmtree(dictdir);
    th_rmtree(dir);
    wd_free(q1);
    wd_free(shipped);
    wd_free(stored);
    wd_free(again);
    wd_free(none);
}

/* Numbers, amounts and durations match across their written forms (the
 * analyzer's canonical forms, on both sides): the record that says 十四天
 * is found by 两周 ahead of one that is shorter but says no number, the
 * one that says 30岁 by 三十岁 ahead of one that says 几岁, the one that
 * says 一百元 by 100块, which shares no word with it. */
static const wd_record numbered[] = {
    { "n1", "退保以后十四天能到账吗", "退保申请受理后一般十四天内退回现金价值。", "n.txt", NULL,
      WD_KIND_QA, 1, NULL, 0 },
    { "n2", "退保以后多长时间能到账吗", "视保险公司流程而定。", "n.txt", NULL, WD_KIND_QA, 2, NULL,
      0 },
    { "n3", "30岁买重疾险合适吗", "越早投保保费越低，30岁正是合适的时候。", "n.txt", NULL,
      WD_KIND_QA, 3, NULL, 0 },
    { "n4", "几岁买重疾险合适吗", "越早投保保费越低。", "n.txt", NULL, WD_KIND_QA, 4, NULL, 0 },
    { "n5", "一百元能买什么保险", "可以买一份意外险。", "n.txt", NULL, WD_KIND_QA, 5, NULL, 0 },
    { "n6", "多少钱能买什么保险", "看险种。", "n.txt", NULL, WD_KIND_QA, 6, NULL, 0 },
};

static void test_query__numbers_and_durations_match_across_forms(void **state)
{
    fx *f = *state;
    char dir[96];
    snprintf(dir, sizeof dir, "%s/numbers", f->dir);
    assert_int_equal(
        th_index_records(dir, f->dict, numbered, sizeof numbered / sizeof *numbered, NULL), WD_OK);
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, dir, f->dict, NULL), WD_OK);
    static const struct {
        const char *q, *want;
    } cases[] = {
        { "退保以后两周能到账吗", "n1" },
        { "三十岁买重疾险合适吗", "n3" },
        { "100块", "n5" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wd_results *r = NULL;
        wd_error err;
        wd_error_clear(&err);
        assert_int_equal(wd_search(s, cases[i].q, strlen(cases[i].q), NULL, &r, &err), WD_OK);
        assert_true(r->n_hits > 0);
        if (strcmp(r->hits[0].id, cases[i].want) != 0)
            fail_msg("%s: top hit %s, want %s", cases[i].q, r->hits[0].id, cases[i].want);
        wd_results_free(r);
    }
    wd_searcher_close(s);
    /* A question's stored analysis keeps its canonical forms and reads
     * back as the analysis, the canonical forms as words. */
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    const char *text = "三十岁的人两周内交一百元，30岁呢";
    uint64_t stamp = wd_qtext_stamp(wd_dict_version(f->dict), 1);
    wd_qtext q, packed, back;
    size_t pbytes = 0, bbytes = 0, tokens = 0;
    assert_int_equal(wd_qtext_analyse(&q, an, text, strlen(text), NULL), WD_OK);
    assert_int_equal(wd_qtext_pack(&q, &packed, &pbytes), WD_OK);
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_qtext_store(an, text, strlen(text), count_token, &tokens, stamp, &b, NULL),
                     WD_OK);
    assert_int_equal(wd_qtext_decode(b.data, b.len, text, strlen(text), stamp, &back, &bbytes),
                     WD_OK);
    assert_int_equal(back.n, packed.n);
    assert_int_equal(back.content, packed.content);
    int canonical = 0;
    for (size_t i = 0; i < packed.n; i++) {
        assert_int_equal(back.w[i].len, packed.w[i].len);
        assert_memory_equal(back.w[i].text, packed.w[i].text, packed.w[i].len);
        assert_int_equal(back.w[i].kind, packed.w[i].kind);
        assert_int_equal(back.w[i].wqf, packed.w[i].wqf);
        if (strcmp(packed.w[i].text, "30岁") == 0) {
            canonical = 1;
            assert_int_equal(packed.w[i].kind, WD_QK_WORD);
            assert_int_equal(packed.w[i].wqf, 2);
        }
    }
    assert_true(canonical);
    wd_buf_free(&b);
    wd_qtext_free(&q);
    wd_qtext_free(&packed);
    wd_qtext_free(&back);
    wd_analyzer_free(an);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query__ranks_the_answering_record_first),
        cmocka_unit_test(test_query__a_synonym_group_applies_to_an_index_built_before_it),
        cmocka_unit_test(test_query__pinyin_is_read_as_the_chinese_it_spells),
        cmocka_unit_test(test_query__pinyin_prefers_a_word_to_a_more_frequent_fragment),
        cmocka_unit_test(test_query__searchers_share_one_table_of_the_questions_sounds),
        cmocka_unit_test(test_query__places_of_a_question_and_how_they_relate),
        cmocka_unit_test(test_query__the_asked_place_beats_another_city),
        cmocka_unit_test(test_query__traditional_and_fullwidth_match_the_same),
        cmocka_unit_test(test_query__particles_alone_do_not_match_everything_first),
        cmocka_unit_test(test_query__empty_and_punctuation_give_no_hits),
        cmocka_unit_test(test_query__source_filter_offset_and_kind),
        cmocka_unit_test(test_query__filters_and_facets),
        cmocka_unit_test(test_query__duplicates_are_folded),
        cmocka_unit_test(test_query__extra_fields_filter_and_count),
        cmocka_unit_test(test_query__date_range_on_an_older_index_says_rebuild),
        cmocka_unit_test(test_query__json_is_the_stable_format),
        cmocka_unit_test(test_query__json_is_byte_for_byte_the_format_as_first_dumped),
        cmocka_unit_test(test_query__an_error_that_is_not_utf8_still_prints_as_json),
        cmocka_unit_test(test_query__snippets_only_for_the_first_hits),
        cmocka_unit_test(test_query__snippet_picks_the_matching_passage),
        cmocka_unit_test(test_query__snippet_folds_space_and_counts_code_points),
        cmocka_unit_test(test_query__missing_index_is_not_found),
        cmocka_unit_test(test_query__dead_shard_is_named_or_left_out),
        cmocka_unit_test(test_query__explain_lists_matched_terms),
        cmocka_unit_test(test_query__dense_terms_only_weigh_past_the_budget),
        cmocka_unit_test(test_query__a_smaller_base_has_a_smaller_budget),
        cmocka_unit_test(test_query__ngram_classes_leave_the_match_by_the_tuned_values),
        cmocka_unit_test(test_query__the_learned_ranking_leaves_the_confidence_as_it_is),
        cmocka_unit_test(test_query__a_long_question_is_trimmed_to_its_most_informative_words),
        cmocka_unit_test(test_query__a_stored_analysis_reads_back_as_the_analysis),
        cmocka_unit_test(test_query__a_stored_analysis_reads_back_in_two_allocations),
        cmocka_unit_test(test_query__a_stored_analysis_needs_room_linear_in_its_size),
        cmocka_unit_test(test_query__answers_alike_at_both_ends_are_not_the_same_answer),
        cmocka_unit_test(
            test_query__the_record_cache_keeps_a_normalised_answer_and_its_map_only_when_needed),
        cmocka_unit_test(test_query__the_record_cache_keeps_within_its_budget),
        cmocka_unit_test(test_query__the_record_cache_counts_what_it_did),
        cmocka_unit_test(test_query__the_question_overlap_is_its_definition),
        cmocka_unit_test(test_query__the_answer_coverage_is_its_definition),
        cmocka_unit_test(test_query__term_statistics_are_the_index_s),
        cmocka_unit_test(
            test_query__candidates_are_read_as_stored_unless_another_dictionary_made_them),
        cmocka_unit_test(test_query__numbers_and_durations_match_across_forms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
