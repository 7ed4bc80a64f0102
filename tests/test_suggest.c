/*
 * test_suggest.c - the service's completion index (tools/serve/suggest.h)
 * on a small index, without a daemon: pinyin typed whole, as initials, mixed
 * with characters, cut off half-way through a syllable, and characters an
 * input method picked wrongly (homophones); and the readings of characters
 * it is built on (wenda/pinyin.h).
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
#include "suggest.h"
#include "wenda/pinyin.h"

typedef struct fixture {
    char dir[64];
    wd_dict *dict;
    wd_analyzer *an;
    sg_index *ix;
} fixture;

static const wd_record recs[] = {
    { "r1", "异地就医怎么备案", "在国家医保服务平台备案。", "faq", NULL, 0, 0, NULL, 0 },
    { "r2", "医保报销比例是多少", "视险种而定。", "faq", NULL, 0, 0, NULL, 0 },
    { "r3", "重庆的医保卡丢了怎么办", "到社保中心补办。", "faq", NULL, 0, 0, NULL, 0 },
    { "r4", "银行卡绑定社保卡", "在银行网点办理。", "faq", NULL, 0, 0, NULL, 0 },
    { "r5", "绿色通道怎么申请", "带上材料。", "faq", NULL, 0, 0, NULL, 0 },
    { "r6", "App怎么下载", "在应用商店下载。", "faq", NULL, 0, 0, NULL, 0 },
};

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    wd_error err;
    if (th_tmpdir(f->dir, sizeof f->dir, "suggest") != 0 ||
        wd_dict_load(&f->dict, NULL, &err) != WD_OK ||
        wd_analyzer_new(&f->an, f->dict, &err) != WD_OK ||
        th_index_records(f->dir, f->dict, recs, sizeof recs / sizeof *recs, &err) != WD_OK)
        return -1;
    uint32_t docs = 0;
    wd_searcher *s = NULL;
    int rc = wd_searcher_open(&s, f->dir, f->dict, &err);
    if (rc == WD_OK)
        rc = sg_index_build(&f->ix, s, f->an, &docs, &err);
    wd_searcher_close(s);
    if (rc != WD_OK || docs != 6)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sg_index_free(f->ix);
    wd_analyzer_free(f->an);
    wd_dict_free(f->dict);
    th_rmtree(f->dir);
    free(f);
    return 0;
}

/* The ids suggested for typed text, joined by ',', and the first match's
 * highlighted characters. */
static void lookup(fixture *f, const char *typed, char *ids, size_t cap, char *hl, size_t hcap)
{
    char *norm = NULL;
    size_t nlen = 0;
    wd_error err;
    assert_int_equal(wd_normalize(f->an, typed, strlen(typed), &norm, &nlen, &err), WD_OK);
    sg_match m[8];
    size_t n = sg_index_lookup(f->ix, norm, nlen, m, 8);
    wd_free(norm);
    ids[0] = hl[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(ids);
        snprintf(ids + used, cap - used, "%s%s", i ? "," : "", sg_id(f->ix, m[i].q));
    }
    if (n)
        th_utf8_slice(sg_question(f->ix, m[0].q), m[0].start, m[0].end, hl, hcap);
}

static void test_suggest__pinyin_whole_initials_mixed_and_homophones(void **state)
{
    fixture *f = *state;
    const struct {
        const char *typed, *ids, *hl;
    } cases[] = {
        { "yidi", "r1", "异地" }, /* 地 is "de" to ICU, "di" here too */
        { "yidijiuyi", "r1", "异地就医" },
        { "YiDi JiuYi", "r1", "异地就医" }, /* case and spaces do not matter */
        { "ydjy", "r1", "异地就医" },       /* initials */
        { "异地jiuyi", "r1", "异地就医" },  /* characters and pinyin */
        { "yidij", "r1", "异地就" },        /* an initial last */
        { "yibaobaox", "r2", "医保报销" },  /* cut inside the last syllable */
        { "ybbx", "r2", "医保报销" },
        { "chongqing", "r3", "重庆" }, /* 重 is "zhong" to ICU */
        { "cq", "r3", "重庆" },
        { "yinhangka", "r4", "银行卡" }, /* 行 is "xing" to ICU */
        { "lvse", "r5", "绿色" },        /* ü as v ... */
        { "lüse", "r5", "绿色" },
        { "luse", "r5", "绿色" },         /* ... or as u */
        { "异第就医", "r1", "异地就医" }, /* a homophone picked wrongly */
        { "app", "r6", "App" },           /* Latin text as before */
        { "异地就医", "r1", "异地就医" },
        { "yidiqq", "", "" }, /* nothing spells it */
        { "x", "", "" },      /* one letter is not pinyin yet */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char ids[256], hl[128];
        lookup(f, cases[i].typed, ids, sizeof ids, hl, sizeof hl);
        if (strcmp(ids, cases[i].ids) != 0 || strcmp(hl, cases[i].hl) != 0)
            fail_msg("'%s': wanted %s [%s], got %s [%s]", cases[i].typed, cases[i].ids, cases[i].hl,
                     ids, hl);
    }
}

/* One wrong character that does not sound the same: still suggested, but
 * after every question matched without a typo. */
static void test_suggest__one_wrong_character_ranks_after_exact_matches(void **state)
{
    fixture *f = *state;
    const struct {
        const char *typed, *ids, *hl;
    } cases[] = {
        { "异地去医", "r1", "异地就医" }, /* 去 qu does not sound as 就 jiu: one typo */
        { "异玛就医", "r1", "异地就医" }, /* nor 玛 */
        { "医保报x", "r2", "医保报销" },  /* the last one cut as pinyin, as before */
        { "医宝报销", "r2", "医保报销" }, /* a homophone: as before */
        { "医宝卡", "r3,r2,r4",
          "医保卡" }, /* 宝 sounds as 保; 医保报 (r2), 社保卡 (r4) with a typo */
        /* r2 (医保报) starts with it, r4 (社保卡) is shorter, but both have a typo */
        { "医保卡", "r3,r2,r4", "医保卡" },
        { "异玛去医", "", "" }, /* two wrong characters */
        { "保办", "", "" },     /* two characters: a typo only at a question's start (not 么办) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char ids[256], hl[128];
        lookup(f, cases[i].typed, ids, sizeof ids, hl, sizeof hl);
        if (strcmp(ids, cases[i].ids) != 0 || strcmp(hl, cases[i].hl) != 0)
            fail_msg("'%s': wanted %s [%s], got %s [%s]", cases[i].typed, cases[i].ids, cases[i].hl,
                     ids, hl);
    }
    char typed[] = "医保卡";
    sg_match m[8];
    assert_int_equal(sg_index_lookup(f->ix, typed, strlen(typed), m, 8), 3);
    assert_int_equal(m[0].typo, 0);
    assert_int_equal(m[1].typo, 1);
    assert_int_equal(m[2].typo, 1);
}

/* Whether letters read as tone-less pinyin (the library's pinyin search
 * asks before it reads a question as Chinese). */
static void test_suggest__letters_that_read_as_pinyin(void **state)
{
    (void)state;
    const struct {
        const char *s;
        int is;
    } cases[] = {
        { "yibao", 1 }, { "yidijiuyi", 1 }, { "ybbx", 1 },   { "jiuyi", 1 },  { "chongqing", 1 },
        { "lvse", 1 },  { "xian", 1 },      { "search", 0 }, { "engine", 0 }, { "app", 0 },
        { "yib", 0 },   { "x", 0 },         { "", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (wd_pinyin_is_pinyin(cases[i].s, strlen(cases[i].s)) != cases[i].is)
            fail_msg("'%s': wanted %d", cases[i].s, cases[i].is);
}

static void test_suggest__pinyin_readings_of_characters(void **state)
{
    (void)state;
    wd_pinyin *p = NULL;
    wd_error err;
    assert_int_equal(wd_pinyin_new(&p, &err), WD_OK);
    const struct {
        uint32_t cp;
        const char *want;
    } cases[] = {
        { 0x533B, "yi" },        /* 医 */
        { 0x5730, "de|di" },     /* 地 */
        { 0x884C, "xing|hang" }, /* 行 */
        { 0x7EFF, "lv|lu" },     /* 绿 */
        { 0x5973, "nv|nu" },     /* 女 */
        { 0x3002, NULL },        /* 。 */
        { 'a', NULL },           /* not Han */
        { 0x3042, NULL },        /* あ */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = wd_pinyin_readings(p, cases[i].cp);
        if (cases[i].want ? !got || strcmp(got, cases[i].want) != 0 : got != NULL)
            fail_msg("U+%04X: wanted %s, got %s", (unsigned)cases[i].cp,
                     cases[i].want ? cases[i].want : "none", got ? got : "none");
    }
    /* Cached: the same string again. */
    assert_ptr_equal(wd_pinyin_readings(p, 0x533B), wd_pinyin_readings(p, 0x533B));
    wd_pinyin_free(p);
    wd_pinyin_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suggest__pinyin_whole_initials_mixed_and_homophones),
        cmocka_unit_test(test_suggest__pinyin_readings_of_characters),
        cmocka_unit_test(test_suggest__one_wrong_character_ranks_after_exact_matches),
        cmocka_unit_test(test_suggest__letters_that_read_as_pinyin),
    };
    return cmocka_run_group_tests_name("suggest", tests, setup, teardown);
}
