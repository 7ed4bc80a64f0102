/*
 * test_similarity.c - the same-question scorer of wenda/coverage.h (wd_sim),
 * through its public API and without an index: the confidence of pairs
 * (identical, paraphrase, unrelated, empty), the features behind it
 * (negation, numbers, kind of question), the scorer's own IDF table
 * (wd_sim_learn), analysed texts (wd_sim_text_*) agreeing with the one-shot
 * calls, and the error paths, allocation failures included.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "qkind.h"
#include "wenda/coverage.h"

static wd_dict *g_dict;

static int setup_all(void **state)
{
    (void)state;
    return wd_dict_load(&g_dict, NULL, NULL) == WD_OK ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    wd_dict_free(g_dict);
    return 0;
}

static wd_sim *new_sim(void)
{
    wd_sim *s = NULL;
    wd_error err;
    if (wd_sim_new(&s, g_dict, &err) != WD_OK)
        fail_msg("wd_sim_new: %s", err.message);
    return s;
}

static double sim(wd_sim *s, const char *a, const char *b)
{
    double v = -1;
    assert_int_equal(wd_similarity(s, a, strlen(a), b, strlen(b), &v, NULL), WD_OK);
    assert_true(v >= 0 && v <= 1);
    return v;
}

/* The index of a feature by name. */
static int feature(const char *name)
{
    for (int i = 0; i < WD_SIM_NFEATURES; i++)
        if (strcmp(wd_sim_feature_name(i), name) == 0)
            return i;
    fail_msg("no feature %s", name);
    return -1;
}

static double feature_of(wd_sim *s, const char *a, const char *b, const char *name)
{
    double f[WD_SIM_NFEATURES];
    assert_int_equal(wd_similarity_features(s, a, strlen(a), b, strlen(b), f, NULL), WD_OK);
    return f[feature(name)];
}

/* The keys of a text, space-separated. */
static const char *keys_of(wd_sim *s, const char *text, size_t n)
{
    static char buf[256];
    wd_sim_text *t = NULL;
    assert_int_equal(wd_sim_text_new(s, text, strlen(text), &t, NULL), WD_OK);
    const char *keys[16];
    assert_true(n <= 16);
    size_t k = wd_sim_text_keys(t, keys, n);
    assert_true(k <= n);
    buf[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, keys[i]);
    }
    wd_sim_text_free(t);
    return buf;
}

/* ---- the confidence ---------------------------------------------------------------- */

static void test_similarity__identical_texts_score_high(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    const char *texts[] = { "低保户要交医保吗", "异地就医怎么报销", "种植牙多少钱",
                            "2024年医保缴费标准" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        double v = sim(s, texts[i], texts[i]);
        if (v < 0.8)
            fail_msg("%s against itself: %.3f", texts[i], v);
        /* every feature of coverage says "the same" */
        assert_true(feature_of(s, texts[i], texts[i], "cov_ab") == 1.0);
        assert_true(feature_of(s, texts[i], texts[i], "dice") == 1.0);
        assert_true(feature_of(s, texts[i], texts[i], "miss_max") == 0.0);
    }
    wd_sim_free(s);
}

static void test_similarity__a_paraphrase_beats_an_unrelated_question(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    static const char *const triples[][3] = {
        /* question, its paraphrase, another question */
        { "异地就医怎么报销", "异地看病如何报销", "新生儿医保在哪里办" },
        { "医保断缴了卡里的钱还在吗", "职工医保断交医保卡里钱会清零吗", "公积金怎么提取" },
        { "医保卡丢了怎么办", "医保卡丢了怎么补办", "种植牙多少钱" },
    };
    for (size_t i = 0; i < sizeof triples / sizeof *triples; i++) {
        double same = sim(s, triples[i][0], triples[i][1]);
        double other = sim(s, triples[i][0], triples[i][2]);
        if (!(same > other + 0.2))
            fail_msg("%s: paraphrase %.3f, unrelated %.3f", triples[i][0], same, other);
        assert_true(other < 0.1);
    }
    wd_sim_free(s);
}

/* The features of (b, a) mirror those of (a, b); the confidence is nearly
 * symmetric: cov_a and cov_b carry different weights in the model, so the
 * two orders differ by a few hundredths where the two coverages differ. */
static void test_similarity__the_two_orders_nearly_agree(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    static const char *const pairs[][2] = {
        { "医保缴费标准", "2024年医保缴费标准" },
        { "异地就医怎么报销", "异地看病如何报销" },
        { "医保可以报销吗", "医保不可以报销吗" },
        { "种植牙多少钱", "种植牙怎么办" },
        { "医保断缴了卡里的钱还在吗", "公积金怎么提取" },
    };
    int ca = feature("cov_a"), cb = feature("cov_b");
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        const char *a = pairs[i][0], *b = pairs[i][1];
        double fab[WD_SIM_NFEATURES], fba[WD_SIM_NFEATURES];
        assert_int_equal(wd_similarity_features(s, a, strlen(a), b, strlen(b), fab, NULL), WD_OK);
        assert_int_equal(wd_similarity_features(s, b, strlen(b), a, strlen(a), fba, NULL), WD_OK);
        for (int k = 0; k < WD_SIM_NFEATURES; k++) {
            int mirror = k == ca ? cb : k == cb ? ca : k;
            if (fabs(fab[k] - fba[mirror]) > 1e-12)
                fail_msg("%s | %s: %s %.6f, mirrored %.6f", a, b, wd_sim_feature_name(k), fab[k],
                         fba[mirror]);
        }
        double ab = sim(s, a, b), ba = sim(s, b, a);
        if (fabs(ab - ba) > 0.05)
            fail_msg("%s | %s: %.4f one way, %.4f the other", a, b, ab, ba);
        assert_true(fabs(ab - wd_sim_calibrate(fab, NULL)) < 1e-12);
    }
    /* Equal coverage both ways: exactly the same. */
    assert_true(sim(s, "2023年医保缴费标准", "2024年医保缴费标准") ==
                sim(s, "2024年医保缴费标准", "2023年医保缴费标准"));
    wd_sim_free(s);
}

static void test_similarity__empty_or_punctuation_scores_0(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    assert_true(sim(s, "", "低保户要交医保吗") == 0.0);
    assert_true(sim(s, "低保户要交医保吗", "") == 0.0);
    assert_true(sim(s, "", "") == 0.0);
    assert_true(sim(s, "？！", "。。") == 0.0);
    assert_true(sim(s, "？？？！！！……", "低保户要交医保吗") == 0.0);
    assert_true(sim(s, "   ", "\t\n") == 0.0);
    wd_sim_free(s);
}

/* ---- the features --------------------------------------------------------------------- */

static void test_similarity__a_negation_on_one_side_is_neg_diff(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    assert_true(feature_of(s, "医保可以报销吗", "医保不可以报销吗", "neg_diff") == 1.0);
    assert_true(feature_of(s, "医保能报销吗", "医保没有报销吗", "neg_diff") == 1.0);
    assert_true(feature_of(s, "医保不能报销吗", "医保不能报销吗", "neg_diff") == 0.0);
    /* 不 inside 不知道 does not negate the question. */
    assert_true(feature_of(s, "我不知道医保怎么交", "我知道医保怎么交", "neg_diff") == 0.0);
    /* and it weighs most where the texts otherwise agree */
    double f[WD_SIM_NFEATURES];
    const char *a = "医保可以报销吗", *b = "医保不可以报销吗";
    assert_int_equal(wd_similarity_features(s, a, strlen(a), b, strlen(b), f, NULL), WD_OK);
    assert_true(f[feature("neg_diff_x_cov")] == f[feature("cov_ab")]);
    assert_true(sim(s, a, b) < sim(s, a, a));
    wd_sim_free(s);
}

static void test_similarity__different_numbers_are_num_diff(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    assert_true(feature_of(s, "2023年医保缴费标准", "2024年医保缴费标准", "num_diff") == 1.0);
    assert_true(feature_of(s, "2023年医保缴费标准", "2023年医保缴费标准是多少", "num_diff") == 0.0);
    /* numbers on one side only: half */
    assert_true(feature_of(s, "医保缴费标准", "2024年医保缴费标准", "num_diff") == 0.5);
    assert_true(feature_of(s, "医保缴费标准", "居民医保缴费标准", "num_diff") == 0.0);
    /* the same numbers in another order are the same numbers */
    assert_true(feature_of(s, "3月到5月报销", "5月到3月报销", "num_diff") == 0.0);
    wd_sim_free(s);
}

static void test_similarity__a_different_kind_of_question_is_type_diff(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    /* 多少钱 asks a cost, 怎么办 what to do */
    assert_true(feature_of(s, "种植牙多少钱", "种植牙怎么办", "type_diff") == 1.0);
    assert_true(feature_of(s, "种植牙多少钱", "种植牙怎么办", "type_same") == 0.0);
    assert_true(feature_of(s, "种植牙多少钱", "种植牙多少钱一颗", "type_diff") == 0.0);
    assert_true(feature_of(s, "种植牙多少钱", "种植牙多少钱一颗", "type_same") == 1.0);
    /* a text that asks nothing in particular differs from none */
    assert_true(feature_of(s, "种植牙多少钱", "种植牙", "type_diff") == 0.0);
    /* the same words, another kind of question: lower than the same kind */
    assert_true(sim(s, "种植牙多少钱", "种植牙多少钱一颗") >
                sim(s, "种植牙多少钱", "种植牙什么时候做"));
    wd_sim_free(s);
}

/* What a text asks is read within the length given: 多少钱 cut to its
 * first two characters asks 多少 (an amount), not a price; and the kinds,
 * negation and numbers of whole texts are those the patterns say. */
static void test_similarity__the_kind_of_question_is_read_within_the_length_given(void **state)
{
    (void)state;
    static const char price[] = "多少钱";
    wd_qkind cut, amount, cost;
    assert_int_equal(wd_qkind_scan(price, 6, &cut), WD_OK);
    assert_int_equal(wd_qkind_scan("多少", 6, &amount), WD_OK);
    assert_int_equal(wd_qkind_scan(price, strlen(price), &cost), WD_OK);
    assert_int_equal(cut.types, amount.types);
    assert_memory_equal(cut.matched, amount.matched, sizeof cut.matched);
    assert_true(cut.types != cost.types);
    assert_true(wd_qkind_asks_with(&cost, "多少钱"));
    static const struct {
        const char *a, *b;
        int same_types, neg_a, neg_b;
    } pairs[] = {
        { "医保怎么报销", "医保如何报销", 1, 0, 0 },
        { "医保卡丢了怎么办", "医保卡丢了咋办", 1, 0, 0 },
        { "能不能报销", "可不可以报销", 1, 0, 0 },
        { "门诊不能报销吗", "门诊能报销吗", 1, 1, 0 },
        { "没有医保卡不了解流程", "有医保卡了解流程", 1, 1, 0 },
        { "不孕不育能报销吗", "能报销吗", 1, 0, 0 },
        { "报销比例是多少", "什么时候报销", 0, 0, 0 },
        { "为什么不报销", "报销", 0, 1, 0 },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        wd_qkind a, b;
        assert_int_equal(wd_qkind_scan(pairs[i].a, strlen(pairs[i].a), &a), WD_OK);
        assert_int_equal(wd_qkind_scan(pairs[i].b, strlen(pairs[i].b), &b), WD_OK);
        if ((a.types == b.types) != pairs[i].same_types || a.neg != pairs[i].neg_a ||
            b.neg != pairs[i].neg_b)
            fail_msg("'%s' and '%s': types %#x and %#x, negated %d and %d", pairs[i].a, pairs[i].b,
                     a.types, b.types, a.neg, b.neg);
        wd_qkind_free(&a);
        wd_qkind_free(&b);
    }
    wd_qkind nums;
    assert_int_equal(
        wd_qkind_scan("2025年报销300元还是25元", strlen("2025年报销300元还是25元"), &nums), WD_OK);
    assert_string_equal(nums.nums, "2025\x1f"
                                   "25\x1f"
                                   "300");
    wd_qkind_free(&nums);
    wd_qkind_free(&cut);
    wd_qkind_free(&amount);
    wd_qkind_free(&cost);
}

static void test_similarity__feature_names_and_the_model(void **state)
{
    (void)state;
    static const char *const names[WD_SIM_NFEATURES] = {
        "cov_a",    "cov_b",    "cov_ab",    "dice",     "type_same",       "type_diff",
        "neg_diff", "num_diff", "len_ratio", "miss_max", "type_diff_x_cov", "neg_diff_x_cov"
    };
    for (int i = 0; i < WD_SIM_NFEATURES; i++)
        assert_string_equal(wd_sim_feature_name(i), names[i]);
    assert_string_equal(wd_sim_feature_name(-1), "?");
    assert_string_equal(wd_sim_feature_name(WD_SIM_NFEATURES), "?");
    /* Given coefficients: the logistic of their sum, intercept last. */
    double f[WD_SIM_NFEATURES] = { 0 };
    double coef[WD_SIM_NFEATURES + 1] = { 0 };
    assert_true(wd_sim_calibrate(f, coef) == 0.5);
    f[0] = 1;
    coef[0] = 2;
    coef[WD_SIM_NFEATURES] = -1;
    assert_true(fabs(wd_sim_calibrate(f, coef) - 1.0 / (1.0 + exp(-1.0))) < 1e-12);
}

/* ---- IDF from texts shown to the scorer --------------------------------------------------- */

static void test_similarity__learning_texts_changes_the_idf_weights(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    /* No IDF source: words of one class weigh the same, in text order. */
    assert_string_equal(keys_of(s, "医保报销", 2), "医保 报销");
    wd_sim_text *before = NULL;
    assert_int_equal(wd_sim_text_new(s, "医保报销", strlen("医保报销"), &before, NULL), WD_OK);
    double shared_before = sim(s, "医保报销", "医保缴费");
    /* 医保 in every text learnt, 报销 in none: 医保 is common, 报销 rare. */
    const char *texts[] = { "医保缴费", "医保转移", "医保个人账户", "居民医保", "医保卡丢了" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        assert_int_equal(wd_sim_learn(s, texts[i], strlen(texts[i]), NULL), WD_OK);
    assert_string_equal(keys_of(s, "医保报销", 2), "报销 医保");
    /* Sharing only the common word now counts for less. */
    double shared_after = sim(s, "医保报销", "医保缴费");
    if (!(shared_after < shared_before))
        fail_msg("sharing 医保: %.3f before learning, %.3f after", shared_before, shared_after);
    /* A text analysed before keeps the weights it was made with. */
    const char *keys[2];
    assert_int_equal(wd_sim_text_keys(before, keys, 2), 2);
    assert_string_equal(keys[0], "医保");
    wd_sim_text_free(before);
    /* Learning an empty text counts a document and nothing else. */
    assert_int_equal(wd_sim_learn(s, "", 0, NULL), WD_OK);
    assert_string_equal(keys_of(s, "医保报销", 2), "报销 医保");
    wd_sim_free(s);
}

/* ---- analysed texts ------------------------------------------------------------------------ */

static void test_similarity__analysed_texts_agree_with_the_one_shot_calls(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    const char *texts[] = {
        "异地就医怎么报销", "异地看病如何报销", "新生儿医保在哪里办", "种植牙多少钱", "", "？！"
    };
    size_t n = sizeof texts / sizeof *texts;
    wd_sim_text *t[6];
    for (size_t i = 0; i < n; i++) {
        t[i] = NULL;
        assert_int_equal(wd_sim_text_new(s, texts[i], strlen(texts[i]), &t[i], NULL), WD_OK);
        assert_non_null(t[i]);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++) {
            double one = sim(s, texts[i], texts[k]);
            if (wd_sim_score(t[i], t[k]) != one)
                fail_msg("%s | %s: %.6f analysed, %.6f at once", texts[i], texts[k],
                         wd_sim_score(t[i], t[k]), one);
            double fa[WD_SIM_NFEATURES], fb[WD_SIM_NFEATURES];
            wd_sim_score_features(t[i], t[k], fa);
            assert_int_equal(wd_similarity_features(s, texts[i], strlen(texts[i]), texts[k],
                                                    strlen(texts[k]), fb, NULL),
                             WD_OK);
            assert_memory_equal(fa, fb, sizeof fa);
        }
    for (size_t i = 0; i < n; i++)
        wd_sim_text_free(t[i]);
    wd_sim_text_free(NULL);
    wd_sim_free(s);
}

static void test_similarity__keys_are_the_heaviest_content_words_first(void **state)
{
    (void)state;
    wd_sim *s = new_sim();
    /* Particles and question words (要, 吗, 怎么, 哪里) are not keys; a
     * single character (交, 办) weighs less than a word. */
    assert_string_equal(keys_of(s, "低保户要交医保吗", 10), "低保户 医保 交");
    assert_string_equal(keys_of(s, "新生儿医保在哪里办", 10), "新生儿 医保 办");
    assert_string_equal(keys_of(s, "异地就医怎么报销", 10), "异地就医 报销");
    /* at most n, heaviest first */
    assert_string_equal(keys_of(s, "低保户要交医保吗", 2), "低保户 医保");
    assert_string_equal(keys_of(s, "低保户要交医保吗", 1), "低保户");
    assert_string_equal(keys_of(s, "低保户要交医保吗", 0), "");
    assert_string_equal(keys_of(s, "？！", 4), "");
    /* With learnt IDF the rarest word leads. */
    const char *texts[] = { "低保户怎么办", "低保户申请", "低保户补贴", "医保缴费" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        assert_int_equal(wd_sim_learn(s, texts[i], strlen(texts[i]), NULL), WD_OK);
    assert_string_equal(keys_of(s, "低保户要交医保吗", 10), "交 医保 低保户");
    wd_sim_free(s);
}

/* ---- errors ---------------------------------------------------------------------------------- */

static void test_similarity__no_dictionary_is_einval(void **state)
{
    (void)state;
    wd_sim *s = (wd_sim *)&s;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_sim_new(&s, NULL, &err), WD_EINVAL);
    assert_null(s);
    assert_int_equal(err.code, WD_EINVAL);
    assert_true(strlen(err.message) > 0);
    /* without an error to fill */
    s = (wd_sim *)&s;
    assert_int_equal(wd_sim_new(&s, NULL, NULL), WD_EINVAL);
    assert_null(s);
    wd_sim_free(NULL);
}

static int fail_at, alloc_count;
static int fail_nth(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return ++alloc_count == fail_at;
}

/* Each allocation of each call fails in turn: WD_ENOMEM (with *out NULL
 * where there is one), nothing leaked, and the scorer still works. */
static void test_similarity__every_allocation_failure_is_enomem(void **state)
{
    (void)state;
    const char *a = "医保断缴了卡里的钱还在吗", *b = "职工医保断交医保卡里钱会清零吗";
    wd_sim *s = new_sim();
    for (int call = 0; call < 4; call++) {
        int done = 0;
        for (fail_at = 1; !done && fail_at < 5000; fail_at++) {
            alloc_count = 0;
            wd_error err;
            wd_error_clear(&err);
            int rc;
            wd_sim *fresh = (wd_sim *)&fresh;
            wd_sim_text *t = (wd_sim_text *)&t;
            double v = -1;
            wd_alloc_set_fail_hook(fail_nth, NULL);
            switch (call) {
            case 0: rc = wd_sim_new(&fresh, g_dict, &err); break;
            case 1: rc = wd_sim_text_new(s, a, strlen(a), &t, &err); break;
            case 2: rc = wd_similarity(s, a, strlen(a), b, strlen(b), &v, &err); break;
            default: rc = wd_sim_learn(s, a, strlen(a), &err); break;
            }
            wd_alloc_set_fail_hook(NULL, NULL);
            done = alloc_count < fail_at; /* nothing was made to fail: every step tried */
            if (rc != WD_OK) {
                if (rc != WD_ENOMEM)
                    fail_msg("call %d, allocation %d failing: %d %s", call, fail_at, rc,
                             err.message);
                assert_false(done);
                if (call == 0)
                    assert_null(fresh);
                if (call == 1)
                    assert_null(t);
                if (call == 2)
                    assert_true(v == 0.0);
                continue;
            }
            if (call == 0)
                wd_sim_free(fresh);
            if (call == 1)
                wd_sim_text_free(t);
        }
        if (!done)
            fail_msg("call %d still failing after %d allocations", call, fail_at);
    }
    /* The scorer still answers (with the IDF of what it learnt). */
    assert_true(sim(s, a, b) > 0.0);
    wd_sim_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_similarity__identical_texts_score_high),
        cmocka_unit_test(test_similarity__a_paraphrase_beats_an_unrelated_question),
        cmocka_unit_test(test_similarity__the_two_orders_nearly_agree),
        cmocka_unit_test(test_similarity__empty_or_punctuation_scores_0),
        cmocka_unit_test(test_similarity__a_negation_on_one_side_is_neg_diff),
        cmocka_unit_test(test_similarity__different_numbers_are_num_diff),
        cmocka_unit_test(test_similarity__a_different_kind_of_question_is_type_diff),
        cmocka_unit_test(test_similarity__the_kind_of_question_is_read_within_the_length_given),
        cmocka_unit_test(test_similarity__feature_names_and_the_model),
        cmocka_unit_test(test_similarity__learning_texts_changes_the_idf_weights),
        cmocka_unit_test(test_similarity__analysed_texts_agree_with_the_one_shot_calls),
        cmocka_unit_test(test_similarity__keys_are_the_heaviest_content_words_first),
        cmocka_unit_test(test_similarity__no_dictionary_is_einval),
        cmocka_unit_test(test_similarity__every_allocation_failure_is_enomem),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
