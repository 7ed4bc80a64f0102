/*
 * test_coverage.c - the same-question confidence (wd_similarity), the
 * verdict of one question over the seed corpus (wd_coverage_check), and
 * `wenda coverage` run as a real binary: every output format, input
 * order, malformed lines, exit codes.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "report.h"
#include "wenda/coverage.h"

#define SEEDS WD_SOURCE_DIR "/corpus/seeds"

static char g_dir[64];
static char g_index[128];
static wd_dict *g_dict;

/* ---- running the binary -------------------------------------------------------- */

typedef th_run run;

/* Run wenda with args (NULL-terminated); stdin from `input`. */
#define wenda(input, ...) th_wenda(NULL, input, __VA_ARGS__)
#define run_free th_run_free

static int setup_all(void **state)
{
    (void)state;
    if (th_tmpdir(g_dir, sizeof g_dir, "cov") != 0)
        return -1;
    snprintf(g_index, sizeof g_index, "%s/index", g_dir);
    run r = wenda(NULL, "index", "--index", g_index, SEEDS, NULL);
    int ok = r.status == 0;
    run_free(&r);
    if (!ok)
        return -1;
    return wd_dict_load(&g_dict, NULL, NULL) == WD_OK ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    wd_dict_free(g_dict);
    th_rmtree(g_dir);
    return 0;
}

static void write_file(const char *name, const char *data, char *path, size_t cap)
{
    th_write_text(th_path(path, cap, g_dir, name), data);
}

/* ---- wd_similarity -------------------------------------------------------------- */

static double sim(wd_sim *s, const char *a, const char *b)
{
    double v = -1;
    assert_int_equal(wd_similarity(s, a, strlen(a), b, strlen(b), &v, NULL), WD_OK);
    assert_true(v >= 0 && v <= 1);
    return v;
}

static void test_coverage__similarity_ranks_paraphrase_above_other_intent(void **state)
{
    (void)state;
    wd_sim *s = NULL;
    assert_int_equal(wd_sim_new(&s, g_dict, NULL), WD_OK);
    double same = sim(s, "医保断缴了卡里的钱还在吗", "职工医保断交医保卡里钱会清零吗");
    double other = sim(s, "医保断缴了卡里的钱还在吗", "公积金怎么提取");
    assert_true(same > 0.5);
    assert_true(other < 0.2);
    /* Same words, a different kind of question. */
    double cost = sim(s, "种植牙多少钱", "种植牙多少钱一颗");
    double when = sim(s, "种植牙多少钱", "种植牙什么时候做");
    assert_true(cost > when);
    /* Identical texts are as sure as it gets; empty ones score 0. */
    assert_true(sim(s, "低保户要交医保吗", "低保户要交医保吗") > 0.8);
    assert_true(sim(s, "", "低保户要交医保吗") == 0.0);
    assert_true(sim(s, "？！", "。。") == 0.0);
    /* Weights learnt from texts give the same kind of answer. */
    const char *texts[] = { "职工医保断交医保卡里钱会清零吗", "公积金怎么提取", "低保户要交医保吗",
                            "医保卡丢了怎么补办" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        assert_int_equal(wd_sim_learn(s, texts[i], strlen(texts[i]), NULL), WD_OK);
    assert_true(sim(s, "医保断缴了卡里的钱还在吗", "职工医保断交医保卡里钱会清零吗") > 0.5);
    wd_sim_free(s);
}

static void test_coverage__similarity_errors(void **state)
{
    (void)state;
    wd_sim *s = (wd_sim *)&s;
    wd_error err;
    assert_int_equal(wd_sim_new(&s, NULL, &err), WD_EINVAL);
    assert_null(s);
    assert_true(strlen(err.message) > 0);
    assert_int_equal(wd_sim_new(&s, g_dict, NULL), WD_OK);
    wd_sim_free(s);
    wd_sim_free(NULL);
    wd_coverage_clear(NULL);
    assert_string_equal(wd_verdict_name(WD_COVERED), "covered");
    assert_string_equal(wd_verdict_name(42), "?");
}

static void test_coverage__calibrate_is_monotone_in_coverage(void **state)
{
    (void)state;
    double f[WD_SIM_NFEATURES] = { 0 };
    double lo = wd_sim_calibrate(f, NULL);
    f[0] = f[1] = f[2] = f[3] = 1;
    double hi = wd_sim_calibrate(f, NULL);
    assert_true(lo < 0.2 && hi > 0.8 && lo < hi);
    assert_string_equal(wd_sim_feature_name(0), "cov_a");
    assert_string_equal(wd_sim_feature_name(-1), "?");
}

/* ---- wd_coverage_check --------------------------------------------------------- */

static void test_coverage__check_seed_paraphrase_and_gap(void **state)
{
    (void)state;
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, g_index, g_dict, NULL), WD_OK);
    wd_coverage c;
    const char *q = "医保断缴了卡里的钱还在吗";
    assert_int_equal(wd_coverage_check(s, q, strlen(q), NULL, &c, NULL), WD_OK);
    assert_int_equal(c.verdict, WD_COVERED);
    assert_non_null(c.best);
    assert_string_equal(c.best->question, "职工医保断交医保卡里钱会清零吗");
    assert_non_null(c.runner_up);
    assert_true(c.best_confidence >= c.runner_up_confidence);
    wd_coverage_clear(&c);
    q = "公积金怎么提取";
    assert_int_equal(wd_coverage_check(s, q, strlen(q), NULL, &c, NULL), WD_OK);
    assert_int_equal(c.verdict, WD_UNCOVERED);
    assert_true(c.confidence < wd_searcher_calibration(s)->partial_at);
    wd_coverage_clear(&c);
    /* Nothing to ask: uncovered, no records. */
    assert_int_equal(wd_coverage_check(s, "？", strlen("？"), NULL, &c, NULL), WD_OK);
    assert_int_equal(c.verdict, WD_UNCOVERED);
    assert_null(c.best);
    wd_coverage_clear(&c);
    wd_searcher_close(s);
}

/* A question analysed for grouping (new). */
static wd_sim_text *text(wd_sim *sm, const char *q)
{
    wd_sim_text *t = NULL;
    assert_int_equal(wd_sim_text_new(sm, q, strlen(q), &t, NULL), WD_OK);
    return t;
}

/* Two summaries grouping at once (the service's requests) share nothing. */
static void test_coverage__summaries_group_independently(void **state)
{
    (void)state;
    wd_sim *sm = NULL;
    assert_int_equal(wd_sim_new(&sm, g_dict, NULL), WD_OK);
    cov_summary a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    const char *q1 = "公积金怎么提取", *q2 = "怎么提取公积金", *q3 = "社保卡丢了怎么补办";
    assert_int_equal(cov_summary_add_uncovered_take(&a, text(sm, q1), q1, strlen(q1), "a", 1, 0.1,
                                                    WD_UNCOVERED, 0.43, NULL),
                     WD_OK);
    assert_int_equal(cov_summary_add_uncovered_take(&b, text(sm, q3), q3, strlen(q3), "b", 1, 0.1,
                                                    WD_UNCOVERED, 0.43, NULL),
                     WD_OK);
    assert_int_equal(cov_summary_add_uncovered_take(&b, text(sm, q2), q2, strlen(q2), "b", 2, 0.1,
                                                    WD_UNCOVERED, 0.43, NULL),
                     WD_OK);
    assert_int_equal(cov_summary_add_uncovered_take(&a, text(sm, q2), q2, strlen(q2), "a", 2, 0.1,
                                                    WD_UNCOVERED, 0.43, NULL),
                     WD_OK);
    assert_int_equal(a.ngroups, 1);
    assert_int_equal(a.groups[0].n, 2);
    assert_int_equal(b.ngroups, 2);
    assert_int_equal(b.groups[0].n, 1);
    assert_int_equal(b.groups[1].n, 1);
    cov_summary_sort(&a);
    cov_summary_clear(&a);
    /* b still groups after a is gone. */
    assert_int_equal(cov_summary_add_uncovered_take(&b, text(sm, q1), q1, strlen(q1), "b", 3, 0.1,
                                                    WD_UNCOVERED, 0.43, NULL),
                     WD_OK);
    assert_int_equal(b.ngroups, 2);
    assert_int_equal(b.groups[1].n, 2);
    cov_summary_clear(&b);
    wd_sim_free(sm);
}

/* ---- the command ------------------------------------------------------------------ */

static const char QUESTIONS[] = "医保断缴了卡里的钱还在吗\n"
                                "公积金怎么提取\n"
                                "\n"
                                "低保户要交医保吗\n"
                                "怎么提取公积金\n";

static void test_coverage__jsonl_in_input_order_with_summary(void **state)
{
    (void)state;
    run r = wenda(QUESTIONS, "coverage", "--index", g_index, "--json", "-", NULL);
    assert_int_equal(r.status, 0);
    const char *want[] = { "医保断缴了卡里的钱还在吗", "公积金怎么提取", "低保户要交医保吗",
                           "怎么提取公积金" };
    const char *verdict[] = { "covered", "uncovered", "covered", "uncovered" };
    size_t n = 0;
    json_t *summary = NULL;
    for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t e;
        json_t *j = json_loads(line, 0, &e);
        if (!j)
            fail_msg("line %zu is not JSON: %s", n + 1, line);
        if (json_object_get(j, "summary")) {
            summary = j;
            continue;
        }
        assert_true(n < 4);
        assert_string_equal(json_string_value(json_object_get(j, "question")), want[n]);
        assert_string_equal(json_string_value(json_object_get(j, "verdict")), verdict[n]);
        double c = json_number_value(json_object_get(j, "confidence"));
        assert_true(c >= 0 && c <= 1);
        json_t *best = json_object_get(j, "best");
        assert_true(json_is_object(best));
        assert_non_null(json_object_get(best, "id"));
        assert_non_null(json_object_get(best, "snippet"));
        assert_non_null(json_object_get(j, "runner_up"));
        if (n == 0)
            assert_string_equal(json_string_value(json_object_get(best, "question")),
                                "职工医保断交医保卡里钱会清零吗");
        json_decref(j);
        n++;
    }
    assert_int_equal(n, 4);
    assert_non_null(summary);
    json_t *s = json_object_get(summary, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "questions")), 4);
    json_t *cov = json_object_get(s, "covered");
    assert_int_equal(json_integer_value(json_object_get(cov, "count")), 2);
    json_t *groups = json_object_get(s, "uncovered_groups");
    /* The two 公积金 questions are one gap. */
    assert_int_equal(json_array_size(groups), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(groups, 0), "size")), 2);
    json_decref(summary);
    run_free(&r);
}

static void test_coverage__text_tsv_html_and_exit_codes(void **state)
{
    (void)state;
    char path[256];
    write_file("q.txt", QUESTIONS, path, sizeof path);
    run r = wenda(NULL, "coverage", "--index", g_index, path, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "covered"));
    assert_non_null(strstr(r.out, "gaps to write"));
    run_free(&r);

    r = wenda(NULL, "coverage", "--index", g_index, "--format", "tsv", path, NULL);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "line\tquestion\tverdict\tconfidence", 32) == 0);
    assert_non_null(strstr(r.out, "\n1\t医保断缴了卡里的钱还在吗\tcovered\t"));
    run_free(&r);

    char html[256];
    snprintf(html, sizeof html, "%s/report.html", g_dir);
    r = wenda(NULL, "coverage", "--index", g_index, "--format", "html", "-o", html, path, NULL);
    assert_int_equal(r.status, 0);
    run_free(&r);
    char *page = th_slurp(html, NULL);
    assert_non_null(strstr(page, "<!DOCTYPE html>"));
    assert_non_null(strstr(page, "公积金怎么提取"));
    assert_null(strstr(page, "http://"));
    assert_null(strstr(page, "https://"));
    free(page);

    /* Half covered: below 0.9 fails, 50% passes. */
    r = wenda(NULL, "coverage", "--index", g_index, "--min-coverage", "0.9", path, NULL);
    assert_int_equal(r.status, 1);
    run_free(&r);
    r = wenda(NULL, "coverage", "--index", g_index, "--min-coverage", "50%", path, NULL);
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = wenda(NULL, "coverage", "--index", g_index, "--format", "pdf", path, NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none", g_dir);
    r = wenda(NULL, "coverage", "--index", missing, path, NULL);
    assert_int_equal(r.status, 3);
    run_free(&r);
}

static void test_coverage__malformed_lines_reported_and_skipped(void **state)
{
    (void)state;
    char path[256];
    write_file("q.csv",
               "id,question\n1,医保断缴了卡里的钱还在吗\n2,\"bad \"quote\n3,\"公积金怎么提取\"\n",
               path, sizeof path);
    run r = wenda(NULL, "coverage", "--index", g_index, "--json", path, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "q.csv:3:"));
    assert_non_null(strstr(r.out, "\"question\":\"医保断缴了卡里的钱还在吗\""));
    assert_non_null(strstr(r.out, "\"question\":\"公积金怎么提取\""));
    assert_non_null(strstr(r.out, "\"skipped\":1"));
    run_free(&r);

    r = wenda("公积金怎么提取\n\xff\xfe\n低保户要交医保吗\n", "coverage", "--index", g_index,
              "--format", "tsv", "-", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "stdin:2:"));
    assert_non_null(strstr(r.out, "\n3\t低保户要交医保吗\t"));
    run_free(&r);

    write_file("nohead.tsv", "id\ttext\n1\t医保\n", path, sizeof path);
    r = wenda(NULL, "coverage", "--index", g_index, path, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "question"));
    run_free(&r);
}

/* The question and line of each JSON result, in output order (the summary
 * line has neither). Questions are new strings. */
static size_t results(const char *out, char **questions, size_t *lines, size_t max)
{
    size_t n = 0;
    for (const char *p = out; *p && n < max;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        json_error_t err;
        json_t *j = json_loadb(p, len, 0, &err);
        assert_non_null(j);
        if (json_object_get(j, "question")) {
            questions[n] = strdup(json_string_value(json_object_get(j, "question")));
            lines[n++] = (size_t)json_integer_value(json_object_get(j, "line"));
        }
        json_decref(j);
        p += len + (e != NULL);
    }
    return n;
}

/* CSV read by corpus/'s question-list reader: a quoted question spanning
 * lines keeps its line break and the number of the line it starts on, the
 * rows after it keep theirs, and each broken row is named with its line
 * and skipped (exit 3). Several inputs are read in order, "-" among them;
 * a table without a question column is reported and the next input is
 * still read. */
static void test_coverage__table_inputs_keep_line_numbers_and_skip_messages(void **state)
{
    (void)state;
    char csv[256], nohead[256], more[256];
    write_file("asked.csv",
               "id,question,note\n"
               "1,\"医保断缴了卡里的钱还在吗\",x\n"
               "2,\"公积金\n怎么提取\",y\n"
               "3,他说\"可以\",z\n"
               "4\n"
               "5,低保户要交医保吗,w\n",
               csv, sizeof csv);
    run r = wenda(NULL, "coverage", "--index", g_index, "--json", csv, NULL);
    assert_int_equal(r.status, 3);
    char want[1024];
    snprintf(want, sizeof want,
             "wenda: coverage: %s:5: malformed CSV (a stray or unclosed quote); the line was "
             "skipped\n"
             "wenda: coverage: %s:6: too few columns for the question column; the line was "
             "skipped\n"
             "wenda: coverage: 2 malformed input lines were skipped\n",
             csv, csv);
    assert_string_equal(r.err, want);
    char *q[8];
    size_t line[8];
    assert_int_equal(results(r.out, q, line, 8), 3);
    assert_string_equal(q[0], "医保断缴了卡里的钱还在吗");
    assert_int_equal(line[0], 2);
    assert_string_equal(q[1], "公积金\n怎么提取");
    assert_int_equal(line[1], 3);
    assert_string_equal(q[2], "低保户要交医保吗");
    assert_int_equal(line[2], 7);
    for (size_t i = 0; i < 3; i++)
        free(q[i]);
    assert_non_null(strstr(r.out, "\"skipped\":2"));
    run_free(&r);

    write_file("nocol.tsv", "id\ttext\n1\t医保\n", nohead, sizeof nohead);
    write_file("more.txt", "\n公积金怎么提取\n", more, sizeof more);
    r = wenda("id\tquestion\n1\t低保户要交医保吗\n", "coverage", "--index", g_index, "--json",
              nohead, "-", more, NULL);
    assert_int_equal(r.status, 3);
    snprintf(want, sizeof want,
             "wenda: coverage: %s:1: the header names no 'question' column (use "
             "--input-format lines for one question a line)\n",
             nohead);
    assert_string_equal(r.err, want);
    /* In input order: the table on stdin, then the list. */
    assert_int_equal(results(r.out, q, line, 8), 2);
    assert_string_equal(q[0], "低保户要交医保吗");
    assert_int_equal(line[0], 2);
    assert_string_equal(q[1], "公积金怎么提取");
    assert_int_equal(line[1], 2);
    free(q[0]);
    free(q[1]);
    run_free(&r);

    /* Asked for as lines, a CSV file is one question a line, header too. */
    r = wenda(NULL, "coverage", "--index", g_index, "--format", "tsv", "--input-format", "lines",
              csv, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\n1\tid,question,note\t"));
    assert_non_null(strstr(r.out, "\n5\t3,他说\"可以\",z\t"));
    run_free(&r);
}

static void test_coverage__many_questions_keep_order_across_workers(void **state)
{
    (void)state;
    /* 3,000 questions through two workers: output order is input order. */
    const char *qs[] = { "医保断缴了卡里的钱还在吗", "公积金怎么提取", "低保户要交医保吗" };
    size_t n = 3000;
    char *in = malloc(n * 48);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(in + len, "%s%zu\n", qs[i % 3], i);
    run r = wenda(in, "coverage", "--index", g_index, "-j", "2", "--format", "tsv", "-", NULL);
    assert_int_equal(r.status, 0);
    size_t i = 0;
    char *save = NULL;
    for (char *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || strncmp(line, "line\t", 5) == 0)
            continue;
        char want[64];
        snprintf(want, sizeof want, "%zu\t%s%zu\t", i + 1, qs[i % 3], i);
        if (strncmp(line, want, strlen(want)) != 0)
            fail_msg("row %zu: %.80s", i + 1, line);
        i++;
    }
    assert_int_equal(i, n);
    free(in);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage__similarity_ranks_paraphrase_above_other_intent),
        cmocka_unit_test(test_coverage__similarity_errors),
        cmocka_unit_test(test_coverage__calibrate_is_monotone_in_coverage),
        cmocka_unit_test(test_coverage__summaries_group_independently),
        cmocka_unit_test(test_coverage__check_seed_paraphrase_and_gap),
        cmocka_unit_test(test_coverage__jsonl_in_input_order_with_summary),
        cmocka_unit_test(test_coverage__text_tsv_html_and_exit_codes),
        cmocka_unit_test(test_coverage__malformed_lines_reported_and_skipped),
        cmocka_unit_test(test_coverage__table_inputs_keep_line_numbers_and_skip_messages),
        cmocka_unit_test(test_coverage__many_questions_keep_order_across_workers),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
