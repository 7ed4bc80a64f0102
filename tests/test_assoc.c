/* test_assoc.c - word associations mined from a base at index time: the
 * miner, their storage with the index, their use by a search, and the
 * overlay's removals. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assoc_mine.h"
#include "helpers.h"
#include "schema.h"
#include "xapian_c.h"
#include "wenda/index.h"
#include "wenda/search.h"

/* A small base in which 消协 and 消费者协会 are asked about alike (the
 * same answers' words around them), with other topics beside them. */
#define NREC 42

typedef struct fx {
    char dir[64], dict_dir[128], index[128];
    wd_dict *dict;
    wd_record recs[NREC];
    char text[NREC][2][256];
    char ids[NREC][16];
} fx;

static const char *const TOPICS[] = { "退货", "预付卡", "装修", "快递",
                                      "家电", "手机",   "旅游", "健身" };

static void make_records(fx *f)
{
    for (int i = 0; i < NREC; i++) {
        const char *topic = TOPICS[i % 8];
        snprintf(f->ids[i], sizeof f->ids[i], "r%d", i);
        if (i < 10) { /* the short form */
            snprintf(f->text[i][0], sizeof f->text[i][0], "消协能处理%s纠纷吗", topic);
            snprintf(f->text[i][1], sizeof f->text[i][1],
                     "可以向消协投诉，消协受理%s维权，调解商家纠纷。", topic);
        } else if (i < 20) { /* the long form */
            snprintf(f->text[i][0], sizeof f->text[i][0], "消费者协会受理%s投诉吗", topic);
            snprintf(f->text[i][1], sizeof f->text[i][1],
                     "消费者协会受理%s投诉，帮助维权，调解商家纠纷。", topic);
        } else if (i >= 40) { /* one question in either form */
            snprintf(f->text[i][0], sizeof f->text[i][0], "%s怎么收费",
                     i == 40 ? "消协" : "消费者协会");
            snprintf(f->text[i][1], sizeof f->text[i][1], "调解不收费。");
        } else { /* other matters */
            snprintf(f->text[i][0], sizeof f->text[i][0], "%s发票丢了怎么报销%d", topic, i);
            snprintf(f->text[i][1], sizeof f->text[i][1], "凭%s合同和付款记录到财务补办。", topic);
        }
        f->recs[i] = (wd_record){ f->ids[i], f->text[i][0], f->text[i][1],
                                  "kb.txt",  NULL,          WD_KIND_QA,
                                  1,         NULL,          0 };
    }
}

/* A base whose long form is split by the analyzer (醉酒驾驶: 醉酒 驾驶), the
 * short form users type (醉驾) said by one record only, another record
 * asking the same in the long form, and other matters beside them. */
static void make_long_records(fx *f)
{
    for (int i = 0; i < NREC; i++) {
        const char *topic = TOPICS[i % 8];
        snprintf(f->ids[i], sizeof f->ids[i], "r%d", i);
        if (i < 20) {
            snprintf(f->text[i][0], sizeof f->text[i][0], "醉酒驾驶%s要吊销驾驶证吗", topic);
            snprintf(f->text[i][1], sizeof f->text[i][1],
                     "醉酒驾驶机动车的，吊销机动车驾驶证，%s另行处理。", topic);
        } else if (i >= 40) {
            snprintf(f->text[i][0], sizeof f->text[i][0], "%s怎么处罚",
                     i == 40 ? "醉驾" : "醉酒驾驶");
            snprintf(f->text[i][1], sizeof f->text[i][1], "依法追究刑事责任。");
        } else {
            snprintf(f->text[i][0], sizeof f->text[i][0], "%s发票丢了怎么报销%d", topic, i);
            snprintf(f->text[i][1], sizeof f->text[i][1], "凭%s合同和付款记录到财务补办。", topic);
        }
        f->recs[i] = (wd_record){ f->ids[i], f->text[i][0], f->text[i][1],
                                  "kb.txt",  NULL,          WD_KIND_QA,
                                  1,         NULL,          0 };
    }
}

/* A scratch folder with a dictionary overlay holding `user_words` and the
 * records `make` writes. */
static int setup_with(void **state, const char *user_words, void (*make)(fx *))
{
    fx *f = calloc(1, sizeof *f);
    if (!f || th_tmpdir(f->dir, sizeof f->dir, "assoc") != 0)
        return -1;
    snprintf(f->dict_dir, sizeof f->dict_dir, "%s/dict", f->dir);
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
    char path[256];
    th_write_text(th_path(path, sizeof path, f->dict_dir, "user.txt"), user_words);
    if (wd_dict_load(&f->dict, f->dict_dir, NULL) != WD_OK)
        return -1;
    make(f);
    *state = f;
    return 0;
}

static int setup_long(void **state)
{
    return setup_with(state, "", make_long_records);
}

static int setup(void **state)
{
    return setup_with(state, "消费者协会\n消协\n", make_records);
}

static int teardown(void **state)
{
    fx *f = *state;
    wd_dict_free(f->dict);
    th_rmtree(f->dir);
    free(f);
    return 0;
}

/* The miner's words of one record: question words, "", answer words. */
static void feed(wd_assoc_miner *m, const char *const *q, const char *const *a, const char *answer)
{
    wd_buf b = WD_BUF_INIT;
    for (; *q; q++)
        wd_buf_append(&b, *q, strlen(*q) + 1);
    wd_buf_putc(&b, '\0');
    for (; *a; a++)
        wd_buf_append(&b, *a, strlen(*a) + 1);
    assert_false(b.oom);
    wd_assoc_miner_feed(m, b.data, b.len, answer, strlen(answer));
    wd_buf_free(&b);
}

/* A short form whose characters the long form holds in order, used in the
 * same contexts, is found; so is a question word its answers keep using,
 * and two words of questions that share an answer. */
static void test_assoc__mining_finds_planted_pairs(void **state)
{
    (void)state;
    wd_assoc_miner *m = NULL;
    assert_int_equal(wd_assoc_miner_new(&m, NULL), WD_OK);
    char answer[64];
    for (int i = 0; i < 60; i++) {
        const char *topic = TOPICS[i % 8];
        snprintf(answer, sizeof answer, "answer %d", i);
        if (i < 10) {
            const char *q[] = { "消协", topic, NULL }, *a[] = { "投诉", "维权", topic, NULL };
            feed(m, q, a, answer);
        } else if (i < 20) {
            const char *q[] = { "消费者协会", topic, NULL },
                       *a[] = { "投诉", "维权", "调解", topic, NULL };
            feed(m, q, a, answer);
        } else if (i < 30) { /* two ways to ask one thing, one answer each pair */
            snprintf(answer, sizeof answer, "same %d", i / 2);
            const char *q[] = { i % 2 ? "房东" : "出租人", "押金", NULL },
                       *a[] = { "退还", "押金", NULL };
            feed(m, q, a, answer);
        } else {
            const char *q[] = { topic, "发票", NULL }, *a[] = { "财务", "补办", topic, NULL };
            feed(m, q, a, answer);
        }
    }
    assert_int_equal(wd_assoc_miner_records(m), 60);
    wd_buf out = WD_BUF_INIT;
    assert_int_equal(wd_assoc_miner_finish(m, &out), WD_OK);
    assert_non_null(out.data);
    assert_true(strncmp(out.data, "wenda-assoc 1\n", 14) == 0);
    assert_non_null(strstr(out.data, "\n消协\t消费者协会\ts\t"));
    assert_non_null(strstr(out.data, "\n消费者协会\t消协\ts\t"));
    assert_non_null(strstr(out.data, "\n消协\t投诉\tt\t"));
    assert_non_null(strstr(out.data, "\n房东\t出租人\ta\t"));
    assert_non_null(strstr(out.data, "\n出租人\t房东\ta\t"));
    wd_buf_free(&out);
    wd_assoc_miner_free(m);
}

/* A short form whose long form is a run of several words (each character
 * the first of a word of the run) is found, stored with the run's words;
 * a run whose words also go their own ways is not a long form. */
static void test_assoc__mining_finds_long_forms_over_several_words(void **state)
{
    (void)state;
    wd_assoc_miner *m = NULL;
    assert_int_equal(wd_assoc_miner_new(&m, NULL), WD_OK);
    wd_buf none = WD_BUF_INIT; /* as shipped, long forms are not mined */
    const char *q0[] = { "醉酒", "驾驶", NULL }, *a0[] = { "醉酒", "驾驶", NULL };
    for (int i = 0; i < 5; i++)
        feed(m, q0, a0, "answer");
    assert_int_equal(wd_assoc_miner_finish(m, &none), WD_OK);
    assert_true(!none.data || !strstr(none.data, "\tl\t"));
    wd_buf_free(&none);
    wd_assoc_miner_free(m);
    setenv("WENDA_ASSOC", "l=0.3", 1);
    assert_int_equal(wd_assoc_miner_new(&m, NULL), WD_OK);
    unsetenv("WENDA_ASSOC");
    char answer[64];
    for (int i = 0; i < 40; i++) {
        const char *topic = TOPICS[i % 8];
        snprintf(answer, sizeof answer, "answer %d", i);
        if (i < 12) {
            const char *q[] = { "醉酒", "驾驶", topic, NULL },
                       *a[] = { "醉酒", "驾驶", "机动车", "吊销", "驾驶证", NULL };
            feed(m, q, a, answer);
        } else if (i == 12) {
            const char *q[] = { "醉驾", "处罚", NULL }, *a[] = { "刑事责任", NULL };
            feed(m, q, a, answer);
        } else { /* 发票 and 报销 each in many runs of their own */
            const char *q[] = { topic, "发票", TOPICS[(i + 3) % 8], "报销", NULL },
                       *a[] = { "财务", "补办", topic, NULL };
            feed(m, q, a, answer);
        }
    }
    wd_buf out = WD_BUF_INIT;
    assert_int_equal(wd_assoc_miner_finish(m, &out), WD_OK);
    assert_non_null(out.data);
    assert_non_null(strstr(out.data, "\n醉驾\t醉酒 驾驶\tl\t"));
    assert_null(strstr(out.data, "\n醉驾\t醉酒 驾驶 机动车\t")); /* the two words' */
    assert_null(strstr(out.data, "\n发报\t"));                   /* runs of chance */
    wd_buf_free(&out);
    wd_assoc_miner_free(m);
}

/* Counts kept by two miners (the parts of a bulk build) and merged make the
 * same associations as one miner fed everything. */
static void test_assoc__merged_parts_mine_as_one(void **state)
{
    (void)state;
    wd_assoc_miner *one = NULL, *p1 = NULL, *p2 = NULL;
    assert_int_equal(wd_assoc_miner_new(&one, NULL), WD_OK);
    assert_int_equal(wd_assoc_miner_new(&p1, NULL), WD_OK);
    assert_int_equal(wd_assoc_miner_new(&p2, NULL), WD_OK);
    for (int i = 0; i < 40; i++) {
        const char *topic = TOPICS[i % 8];
        const char *q[] = { i < 20 ? "消协" : "消费者协会", topic, NULL },
                   *a[] = { "投诉", "维权", topic, NULL };
        char answer[32];
        snprintf(answer, sizeof answer, "answer %d", i);
        feed(one, q, a, answer);
        feed(i % 2 ? p1 : p2, q, a, answer);
    }
    wd_assoc_miner_take(p1, p2);
    wd_buf a = WD_BUF_INIT, b = WD_BUF_INIT;
    assert_int_equal(wd_assoc_miner_finish(one, &a), WD_OK);
    assert_int_equal(wd_assoc_miner_finish(p1, &b), WD_OK);
    assert_non_null(a.data);
    assert_non_null(strstr(a.data, "\n消协\t消费者协会\ts\t"));
    assert_non_null(b.data);
    assert_non_null(strstr(b.data, "\n消协\t消费者协会\ts\t"));
    wd_buf_free(&a);
    wd_buf_free(&b);
    wd_assoc_miner_free(one);
    wd_assoc_miner_free(p1);
}

static int has_assoc(const wd_association *v, size_t n, const char *other, char kind)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].other, other) == 0 && v[i].kind == kind && v[i].weight > 0 &&
            v[i].weight <= 1)
            return 1;
    return 0;
}

/* Built from empty, the index stores what it mined; a searcher reads it
 * back. Updating the index keeps the associations it has. */
static void test_assoc__stored_with_the_index_and_read_back(void **state)
{
    fx *f = *state;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(th_index_records(f->index, f->dict, f->recs, NREC, &err), WD_OK);
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, f->index, f->dict, &err), WD_OK);
    wd_association *v = NULL;
    size_t n = 0;
    assert_int_equal(wd_searcher_associations(s, "消协", strlen("消协"), &v, &n, &err), WD_OK);
    assert_true(has_assoc(v, n, "消费者协会", 's'));
    wd_associations_free(v, n);
    assert_int_equal(wd_searcher_associations(s, "没有的词", strlen("没有的词"), &v, &n, &err),
                     WD_OK);
    assert_null(v);
    assert_int_equal(n, 0);
    wd_searcher_close(s);

    wd_record more = {
        "extra", "消协电话是多少", "12315。", "kb.txt", NULL, WD_KIND_QA, 1, NULL, 0
    };
    assert_int_equal(th_index_records(f->index, f->dict, &more, 1, &err), WD_OK);
    assert_int_equal(wd_searcher_open(&s, f->index, f->dict, &err), WD_OK);
    assert_int_equal(wd_searcher_associations(s, "消费者协会", strlen("消费者协会"), &v, &n, &err),
                     WD_OK);
    assert_true(has_assoc(v, n, "消协", 's'));
    wd_associations_free(v, n);
    wd_searcher_close(s);
}

/* The rank of id among the hits (1-based), 0 when absent. */
static size_t rank_of(const wd_results *r, const char *id)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (strcmp(r->hits[i].id, id) == 0)
            return i + 1;
    return 0;
}

static int used(const wd_results *r, const char *word, const char *other)
{
    for (size_t i = 0; i < r->n_assoc; i++)
        if (strcmp(r->assoc[i].word, word) == 0 && strcmp(r->assoc[i].other, other) == 0)
            return r->assoc[i].scale > 0;
    return 0;
}

/* A searcher tuned by `tune` (WENDA_TUNE, read when it opens), whatever
 * the shipped tuning. */
static wd_searcher *open_tuned(const char *index, const wd_dict *d, const char *tune)
{
    setenv("WENDA_TUNE", tune, 1);
    wd_searcher *s = NULL;
    wd_error err;
    wd_error_clear(&err);
    int rc = wd_searcher_open(&s, index, d, &err);
    unsetenv("WENDA_TUNE");
    assert_int_equal(rc, WD_OK);
    return s;
}

/* One that uses associations at a set weight (as=). */
static wd_searcher *open_using(const char *index, const wd_dict *d)
{
    return open_tuned(index, d, "as=0.5");
}

static wd_results *ask(wd_searcher *s, const char *q)
{
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.n = 40;
    o.explain = 1;
    wd_results *r = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_search(s, q, strlen(q), &o, &r, &err), WD_OK);
    return r;
}

/* A searcher whose dictionary removed word's association with other (of
 * kind): it neither lists it nor uses it, asked q. */
static void neither_listed_nor_used(wd_searcher *s, const char *word, const char *other, char kind,
                                    const char *q)
{
    wd_error err;
    wd_error_clear(&err);
    wd_association *v = NULL;
    size_t n = 0;
    assert_int_equal(wd_searcher_associations(s, word, strlen(word), &v, &n, &err), WD_OK);
    assert_false(has_assoc(v, n, other, kind));
    wd_associations_free(v, n);
    wd_results *r = ask(s, q);
    assert_false(used(r, word, other));
    wd_results_free(r);
}

/* Asked `q`, the search uses word's association with other at a weight
 * below the word's own, and the record that says the word (r40) ranks
 * above the one that says only the other (r41). */
static void exact_match_first(wd_searcher *s, const char *q, const char *word, const char *other)
{
    wd_results *r = ask(s, q);
    assert_true(used(r, word, other));
    for (size_t i = 0; i < r->n_assoc; i++)
        assert_true(r->assoc[i].scale > 0 && r->assoc[i].scale < 1);
    size_t exact = rank_of(r, "r40"), later = rank_of(r, "r41");
    assert_int_equal(exact, 1);
    assert_true(later > exact);
    wd_results_free(r);
}

/* Asked by its short form, the association brings in the long form
 * (explain names it, with a weight below the word's own), and of two
 * records that ask the same in either form, the one that says the asked
 * word ranks above the other. */
static void test_assoc__short_form_finds_long_form_but_exact_outranks(void **state)
{
    fx *f = *state;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(th_index_records(f->index, f->dict, f->recs, NREC, &err), WD_OK);
    wd_searcher *s = open_using(f->index, f->dict);
    exact_match_first(s, "消协怎么收费", "消协", "消费者协会");
    /* and the other way round */
    wd_results *r = ask(s, "消费者协会怎么收费");
    assert_true(used(r, "消费者协会", "消协"));
    assert_int_equal(rank_of(r, "r41"), 1);
    assert_true(rank_of(r, "r40") > 1);
    wd_results_free(r);
    wd_searcher_close(s);
}

/* One that uses the long forms over several words (al=). */
static wd_searcher *open_using_long(const char *index, const wd_dict *d)
{
    return open_tuned(index, d, "al=0.5");
}

/* A short form whose long form the analyzer splits into words is mined
 * from the base, listed (its words joined), used by a search as a weaker
 * AND of those words: the record that says the asked short form ranks
 * first, the one in the long form follows; taken out in the overlay, it is
 * neither listed nor used, with no re-index. */
static void test_assoc__short_form_of_several_words_found_exact_first(void **state)
{
    fx *f = *state;
    wd_error err;
    wd_error_clear(&err);
    setenv("WENDA_ASSOC", "l=0.3", 1); /* long forms are mined when asked for */
    int rc = th_index_records(f->index, f->dict, f->recs, NREC, &err);
    unsetenv("WENDA_ASSOC");
    assert_int_equal(rc, WD_OK);
    wd_searcher *s = open_using_long(f->index, f->dict);
    wd_association *v = NULL;
    size_t n = 0;
    assert_int_equal(wd_searcher_associations(s, "醉驾", strlen("醉驾"), &v, &n, &err), WD_OK);
    assert_true(has_assoc(v, n, "醉酒驾驶", 'l'));
    assert_string_equal(wd_association_kind_name('l'), "long form");
    wd_associations_free(v, n);
    exact_match_first(s, "醉驾怎么处罚", "醉驾", "醉酒驾驶");
    wd_searcher_close(s);

    char path[256];
    th_write_text(th_path(path, sizeof path, f->dict_dir, WD_DICT_ASSOC_REMOVED),
                  "醉驾 醉酒驾驶\n");
    wd_dict *d = NULL;
    assert_int_equal(wd_dict_load(&d, f->dict_dir, &err), WD_OK);
    s = open_using_long(f->index, d);
    neither_listed_nor_used(s, "醉驾", "醉酒驾驶", 'l', "醉驾怎么处罚");
    wd_searcher_close(s);
    wd_dict_free(d);
}

/* `wenda dict assoc remove` writes the pair into the overlay: a searcher
 * opened with that dictionary never uses it, on the same index, with no
 * re-index; the other associations stay. */
static void test_assoc__removed_pair_is_not_used_without_reindex(void **state)
{
    fx *f = *state;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(th_index_records(f->index, f->dict, f->recs, NREC, &err), WD_OK);
    char path[256];
    th_write_text(th_path(path, sizeof path, f->dict_dir, WD_DICT_ASSOC_REMOVED),
                  "消费者协会 消协\n");
    wd_dict *d = NULL;
    assert_int_equal(wd_dict_load(&d, f->dict_dir, &err), WD_OK);
    assert_true(
        wd_dict_assoc_removed(d, "消协", strlen("消协"), "消费者协会", strlen("消费者协会")));
    assert_false(wd_dict_assoc_removed(d, "消协", strlen("消协"), "投诉", strlen("投诉")));
    wd_searcher *s = open_using(f->index, d);
    neither_listed_nor_used(s, "消协", "消费者协会", 's', "消协受理投诉吗");
    wd_searcher_close(s);
    wd_dict_free(d);
}

/* An index without associations (built before they were mined) answers as
 * before: none listed, none used. */
static void test_assoc__index_without_associations_works(void **state)
{
    fx *f = *state;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(th_index_records(f->index, f->dict, f->recs, NREC, &err), WD_OK);
    xc_db *db = NULL;
    assert_int_equal(xc_db_open(&db, f->index, XC_DB_OPEN, &err), WD_OK);
    assert_int_equal(xc_db_set_metadata(db, WD_META_ASSOC, "", &err), WD_OK);
    assert_int_equal(xc_db_commit(db, &err), WD_OK);
    xc_db_close(db);
    wd_searcher *s = open_using(f->index, f->dict);
    wd_association *v = NULL;
    size_t n = 0;
    assert_int_equal(wd_searcher_associations(s, "消协", strlen("消协"), &v, &n, &err), WD_OK);
    assert_int_equal(n, 0);
    wd_results *r = ask(s, "消协受理投诉吗");
    assert_int_equal(r->n_assoc, 0);
    assert_int_equal(rank_of(r, "r0") > 0, 1);
    wd_results_free(r);
    wd_searcher_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assoc__mining_finds_planted_pairs),
        cmocka_unit_test(test_assoc__merged_parts_mine_as_one),
        cmocka_unit_test(test_assoc__mining_finds_long_forms_over_several_words),
        cmocka_unit_test_setup_teardown(test_assoc__short_form_of_several_words_found_exact_first,
                                        setup_long, teardown),
        cmocka_unit_test_setup_teardown(test_assoc__stored_with_the_index_and_read_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assoc__short_form_finds_long_form_but_exact_outranks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_assoc__removed_pair_is_not_used_without_reindex, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assoc__index_without_associations_works, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
