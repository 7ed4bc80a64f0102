/*
 * test_eval.c - the evaluation harness: every metric on tiny hand-computed
 * cases (rank metrics, graded nDCG, span F1, ROC AUC with ties, F1 at a
 * threshold), the qrels parser (comments, empty lists, bad lines with their
 * line numbers, allocation failures), and one whole run over a hand-made
 * data folder that checks the plumbing (counts, skipped parts, JSON and
 * table output) without asserting any headline figure.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "eval.h"
#include "eval_internal.h"
#include "helpers.h"
#include "metrics.h"
#include "qrels.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"

#define EPS 1e-9

/* cmocka 1.1 compares floats only: doubles, with the values on failure. */
static void near(double a, double b, double eps, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %.12g is not %.12g", line, a, b);
}
#define assert_double_equal(a, b, eps) near((a), (b), (eps), __LINE__)

/* ---- rank metrics ---------------------------------------------------------------------- */

static void test_eval__recall_and_mrr_on_ranks_1_3_none(void **state)
{
    (void)state;
    const uint32_t ranks[] = { 1, 3, 0 };
    assert_double_equal(wd_metric_recall_at(ranks, 3, 1), 1.0 / 3, EPS);
    assert_double_equal(wd_metric_recall_at(ranks, 3, 3), 2.0 / 3, EPS);
    assert_double_equal(wd_metric_recall_at(ranks, 3, 10), 2.0 / 3, EPS);
    /* (1 + 1/3 + 0) / 3 = 0.444... */
    assert_double_equal(wd_metric_mrr_at(ranks, 3, 10), 4.0 / 9, EPS);
    /* a hit below the cut-off counts 0 */
    assert_double_equal(wd_metric_mrr_at(ranks, 3, 2), 1.0 / 3, EPS);
    assert_double_equal(wd_metric_recall_at(ranks, 0, 10), 0.0, EPS);
    assert_double_equal(wd_metric_mrr_at(NULL, 0, 10), 0.0, EPS);
}

/* ---- graded metrics ---------------------------------------------------------------------- */

static void test_eval__ndcg_on_three_graded_hits(void **state)
{
    (void)state;
    const int ranked[] = { 1, 2, 0 };
    const int judged[] = { 1, 2, 1 }; /* ideal order 2, 1, 1 */
    /* DCG@3 = 1/log2(2) + 3/log2(3) + 0 = 1 + 1.892789...
     * IDCG@3 = 3/1 + 1/log2(3) + 1/log2(4) = 3 + 0.630930 + 0.5 */
    double dcg = 1.0 + 3.0 / 1.5849625007211562;
    double idcg = 3.0 + 1.0 / 1.5849625007211562 + 0.5;
    assert_double_equal(wd_metric_dcg_at(ranked, 3, 3), dcg, 1e-9);
    assert_double_equal(wd_metric_ndcg_at(ranked, 3, judged, 3, 3), dcg / idcg, 1e-9);
    assert_double_equal(wd_metric_ndcg_at(ranked, 3, judged, 3, 3), 0.700276, 1e-6);
    /* @1: 1 / 3 */
    assert_double_equal(wd_metric_ndcg_at(ranked, 3, judged, 3, 1), 1.0 / 3, EPS);
    /* the perfect order scores 1; nothing relevant judged scores 0 */
    const int perfect[] = { 2, 1, 1 };
    assert_double_equal(wd_metric_ndcg_at(perfect, 3, judged, 3, 5), 1.0, EPS);
    const int none[] = { 0, 0 };
    assert_double_equal(wd_metric_ndcg_at(ranked, 3, none, 2, 5), 0.0, EPS);
    assert_double_equal(wd_metric_ndcg_at(ranked, 0, judged, 3, 5), 0.0, EPS);
}

static void test_eval__rr_precision_recall_by_grade(void **state)
{
    (void)state;
    const int ranked[] = { 1, 2, 0 };
    assert_double_equal(wd_metric_rr_at(ranked, 3, 2, 10), 0.5, EPS);
    assert_double_equal(wd_metric_rr_at(ranked, 3, 1, 10), 1.0, EPS);
    assert_double_equal(wd_metric_rr_at(ranked, 3, 2, 1), 0.0, EPS);
    assert_double_equal(wd_metric_precision_at(ranked, 3, 2, 1), 0.0, EPS);
    assert_double_equal(wd_metric_precision_at(ranked, 3, 1, 1), 1.0, EPS);
    /* a list shorter than k: missing places are misses */
    assert_double_equal(wd_metric_precision_at(ranked, 3, 2, 5), 0.2, EPS);
    assert_double_equal(wd_metric_recall_graded_at(ranked, 3, 2, 2, 5), 0.5, EPS);
    assert_double_equal(wd_metric_recall_graded_at(ranked, 3, 2, 0, 5), 0.0, EPS);
    const int judged[] = { 2, 1, 0, 2 };
    assert_int_equal(wd_metric_count_graded(judged, 4, 2), 2);
    assert_int_equal(wd_metric_count_graded(judged, 4, 1), 3);
}

/* ---- spans ------------------------------------------------------------------------------ */

static void test_eval__span_f1_over_two_sentences(void **state)
{
    (void)state;
    /* 医保卡 / 里 的 钱: gold 医保 卡 里的 钱 (4), predicted 医保卡 里的 钱 (3) */
    const wd_span gold1[] = { { 0, 2 }, { 2, 3 }, { 3, 5 }, { 5, 6 } };
    const wd_span pred1[] = { { 0, 3 }, { 3, 5 }, { 5, 6 } };
    /* 能 报销: gold and prediction agree (2) */
    const wd_span gold2[] = { { 0, 1 }, { 1, 3 } };
    const wd_span pred2[] = { { 0, 1 }, { 1, 3 } };
    unsigned char m[4];
    size_t c1 = wd_metric_span_matches(gold1, 4, pred1, 3, m);
    assert_int_equal(c1, 2);
    assert_int_equal(m[0], 0);
    assert_int_equal(m[1], 0);
    assert_int_equal(m[2], 1);
    assert_int_equal(m[3], 1);
    size_t c2 = wd_metric_span_matches(gold2, 2, pred2, 2, NULL);
    assert_int_equal(c2, 2);
    /* micro-averaged: correct 4, predicted 5, gold 6 */
    wd_prf p = wd_metric_prf(c1 + c2, 3 + 2, 4 + 2);
    assert_double_equal(p.precision, 0.8, EPS);
    assert_double_equal(p.recall, 4.0 / 6, EPS);
    assert_double_equal(p.f1, 2 * 0.8 * (4.0 / 6) / (0.8 + 4.0 / 6), EPS);
    assert_double_equal(p.f1, 8.0 / 11, EPS);
    /* empty sides */
    wd_prf z = wd_metric_prf(0, 0, 0);
    assert_double_equal(z.f1, 0.0, EPS);
    assert_int_equal(wd_metric_span_matches(gold2, 2, NULL, 0, NULL), 0);
}

/* ---- scores against labels ---------------------------------------------------------------- */

static void test_eval__roc_auc_counts_ties_as_half(void **state)
{
    (void)state;
    /* positives 0.9 and 0.8, negatives 0.8 and 0.3: pairs 1 + 1 + 0.5 + 1 = 3.5 of 4 */
    const double s[] = { 0.9, 0.8, 0.8, 0.3 };
    const int l[] = { 1, 0, 1, 0 };
    double auc = -1;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_metric_roc_auc(s, l, 4, &auc, &err), WD_OK);
    assert_double_equal(auc, 0.875, EPS);
    /* all tied: 0.5 */
    const double t[] = { 1, 1, 1 };
    const int tl[] = { 1, 0, 0 };
    assert_int_equal(wd_metric_roc_auc(t, tl, 3, &auc, &err), WD_OK);
    assert_double_equal(auc, 0.5, EPS);
    /* no negative: an error with a message */
    const int allpos[] = { 1, 1, 1, 1 };
    assert_int_equal(wd_metric_roc_auc(s, allpos, 4, &auc, &err), WD_EINVAL);
    assert_int_equal(err.code, WD_EINVAL);
    assert_non_null(strstr(err.message, "negatives"));
    assert_double_equal(auc, 0.0, EPS);
}

static void test_eval__f1_at_threshold_and_best_threshold(void **state)
{
    (void)state;
    const double s[] = { 0.9, 0.8, 0.8, 0.3 };
    const int l[] = { 1, 0, 1, 0 };
    /* >= 0.8 predicts three, two right: P 2/3, R 1, F1 0.8 */
    wd_prf p = wd_metric_prf_at_threshold(s, l, 4, 0.8);
    assert_double_equal(p.precision, 2.0 / 3, EPS);
    assert_double_equal(p.recall, 1.0, EPS);
    assert_double_equal(p.f1, 0.8, EPS);
    /* 0.9: P 1, R 0.5, F1 2/3; 0.3: P 0.5, R 1, F1 2/3; so 0.8 is best */
    double th = 0;
    wd_prf best;
    assert_int_equal(wd_metric_best_f1(s, l, 4, &th, &best, NULL), WD_OK);
    assert_double_equal(th, 0.8, EPS);
    assert_double_equal(best.f1, 0.8, EPS);
    const int none[] = { 0, 0, 0, 0 };
    assert_int_equal(wd_metric_best_f1(s, none, 4, &th, &best, NULL), WD_EINVAL);
}

/* ---- qrels ---------------------------------------------------------------------------------- */

typedef struct diags {
    size_t n;
    size_t lines[16];
    char msg[16][256];
} diags;

static void collect(void *ctx, const char *file, size_t line, const char *message)
{
    (void)file;
    diags *d = ctx;
    if (d->n < 16) {
        d->lines[d->n] = line;
        snprintf(d->msg[d->n], sizeof d->msg[d->n], "%s", message);
    }
    d->n++;
}

static const char QRELS[] = "\xEF\xBB\xBF# judgements\r\n"          /* 1 */
                            "\n"                                    /* 2 */
                            "低保户要交医保吗\ta#1:2, b#2:1 ,\r\n"  /* 3 */
                            "   # indented comment\n"               /* 4 */
                            "火星上能报销吗\t\n"                    /* 5 */
                            "no tab here\n"                         /* 6 */
                            "异地就医\ta#1:3\n"                     /* 7 */
                            "异地就医\ta#1\n"                       /* 8 */
                            "\tx#0:2\n"                             /* 9 */
                            "异地就医怎么报销\tc#3:2,c#3:1\n"       /* 10 */
                            "门诊报销\tstem:with:colons#4:1,d#5:0"; /* 11, no newline */

static void test_eval__qrels_parser_comments_empty_lists_bad_lines(void **state)
{
    (void)state;
    diags d;
    memset(&d, 0, sizeof d);
    wd_qrels *q = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_qrels_parse(&q, "dev.tsv", QRELS, strlen(QRELS), collect, &d, &err), WD_OK);
    assert_non_null(q);
    assert_int_equal(q->n, 3);
    assert_int_equal(q->bad_lines, 5);

    assert_string_equal(q->q[0].question, "低保户要交医保吗");
    assert_int_equal(q->q[0].line, 3);
    assert_int_equal(q->q[0].n_judged, 2);
    assert_string_equal(q->q[0].judged[0].id, "a#1");
    assert_int_equal(q->q[0].judged[0].grade, 2);
    assert_string_equal(q->q[0].judged[1].id, "b#2");
    assert_int_equal(wd_qrel_grade(&q->q[0], "b#2"), 1);
    assert_int_equal(wd_qrel_grade(&q->q[0], "zzz"), 0);

    assert_string_equal(q->q[1].question, "火星上能报销吗");
    assert_int_equal(q->q[1].n_judged, 0); /* unanswerable */
    assert_null(q->q[1].judged);

    assert_int_equal(q->q[2].line, 11);
    assert_string_equal(q->q[2].judged[0].id, "stem:with:colons#4"); /* the last ':' splits */
    assert_int_equal(q->q[2].judged[1].grade, 0);

    /* every bad line reported once, with its number */
    assert_int_equal(d.n, 5);
    const size_t want[] = { 6, 7, 8, 9, 10 };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(d.lines[i], want[i]);
    assert_non_null(strstr(d.msg[0], "dev.tsv:6: no TAB"));
    assert_non_null(strstr(d.msg[1], "dev.tsv:7: judgement 'a#1:3' needs grade 0, 1 or 2"));
    assert_non_null(strstr(d.msg[2], "dev.tsv:8: judgement 'a#1' is not id:grade"));
    assert_non_null(strstr(d.msg[3], "dev.tsv:9: empty question"));
    assert_non_null(strstr(d.msg[4], "dev.tsv:10: record 'c#3' is judged twice"));
    assert_non_null(strstr(d.msg[4], "skipped"));
    wd_qrels_free(q);
    wd_qrels_free(NULL);
}

static void test_eval__qrels_missing_file_and_bad_utf8(void **state)
{
    (void)state;
    wd_qrels *q = (wd_qrels *)1;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_qrels_read_file(&q, "/nonexistent/dev.tsv", NULL, NULL, &err),
                     WD_ENOTFOUND);
    assert_null(q);
    assert_non_null(strstr(err.message, "/nonexistent/dev.tsv"));

    diags d;
    memset(&d, 0, sizeof d);
    const char bad[] = "ok\tx#1:2\n\xE5\x8C\tx#1:2\n";
    assert_int_equal(wd_qrels_parse(&q, "t.tsv", bad, strlen(bad), collect, &d, NULL), WD_OK);
    assert_int_equal(q->n, 1);
    assert_int_equal(q->bad_lines, 1);
    assert_non_null(strstr(d.msg[0], "t.tsv:2: not valid UTF-8"));
    wd_qrels_free(q);
}

static int fail_at;
static int alloc_count;
static int fail_nth(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return ++alloc_count == fail_at;
}

static void test_eval__qrels_parse_survives_every_allocation_failure(void **state)
{
    (void)state;
    int done = 0;
    for (fail_at = 1; !done && fail_at < 1000; fail_at++) {
        alloc_count = 0;
        wd_qrels *q = (wd_qrels *)1;
        wd_error err;
        wd_error_clear(&err);
        wd_alloc_set_fail_hook(fail_nth, NULL);
        int rc = wd_qrels_parse(&q, "dev.tsv", QRELS, strlen(QRELS), NULL, NULL, &err);
        wd_alloc_set_fail_hook(NULL, NULL);
        if (rc == WD_OK) {
            /* a failed message buffer is not a failed parse */
            assert_int_equal(q->n, 3);
            done = alloc_count < fail_at; /* no failure was injected: all tried */
        } else {
            assert_int_equal(rc, WD_ENOMEM);
            assert_null(q);
            assert_string_equal(err.message, "out of memory");
        }
        wd_qrels_free(rc == WD_OK ? q : NULL);
    }
    assert_true(done);
}

/* ---- names ---------------------------------------------------------------------------------- */

static void test_eval__part_and_system_names(void **state)
{
    (void)state;
    assert_int_equal(wd_eval_parts_from_names("retrieval"), WD_EVAL_RETRIEVAL);
    assert_int_equal(wd_eval_parts_from_names("domain,segmentation"),
                     WD_EVAL_DOMAIN | WD_EVAL_SEGMENTATION);
    assert_int_equal(wd_eval_parts_from_names("all"), WD_EVAL_ALL);
    assert_int_equal(wd_eval_parts_from_names("retrieval,bogus"), 0);
    assert_int_equal(wd_eval_parts_from_names(""), 0);
    assert_string_equal(wd_eval_system_name(WD_EVAL_SYS_WENDA), "wenda");
    assert_string_equal(wd_eval_system_name(WD_EVAL_SYS_NGRAM_QA), "ngram-qa");
}

/* ---- a whole run over hand-made data -------------------------------------------------------- */

/* Write a fixture file at dir/rel, making its folders. */
static void put(const char *dir, const char *rel, const char *text)
{
    char path[4096];
    th_write_text(th_path(path, sizeof path, dir, rel), text);
}

typedef struct notes {
    size_t n;
    int saw_skip_msr, saw_bad_line, saw_unknown_id;
} notes;

static void on_note(void *ctx, const char *m)
{
    notes *n = ctx;
    n->n++;
    if (strstr(m, "msr skipped"))
        n->saw_skip_msr = 1;
    if (strstr(m, "dev.tsv:6:"))
        n->saw_bad_line = 1;
    if (strstr(m, "'nope#9' is not in the corpus"))
        n->saw_unknown_id = 1;
}

static void test_eval__run_over_small_data_and_skip_missing_parts(void **state)
{
    (void)state;
    char root[64];
    assert_int_equal(th_tmpdir(root, sizeof root, "test-eval"), 0);
    char data[1100], seeds[1100], qrels[1100];
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(seeds, sizeof seeds, "%s/seeds", root);
    snprintf(qrels, sizeof qrels, "%s/qrels", root);

    put(data, "insurance-zhidao-faq/Insurance_zhidao_test/corpus.txt",
        "question\tanswer\n"
        "低保户要交医保吗\t低保户参加居民医保，个人缴费由政府补贴。\n"
        "医保卡丢了怎么办\t带身份证到医保经办机构挂失补办。\n"
        "医保卡丢失如何补办\t带身份证到医保经办机构挂失补办。\n"
        "异地就医怎么报销\t先备案，再持卡直接结算。\n");
    put(data, "insurance-zhidao-faq/Insurance_zhidao_test/test.txt",
        "question\tanswer\n"
        "医保卡不见了如何处理\t带身份证到医保经办机构挂失补办。\n"
        "车险怎么买\t这个答案不在语料里。\n");
    /* Dev pairs: one usable (the corpus side is the second), one with both
     * sides in the corpus, one whose asked side is a test question, one of
     * label 0, one malformed. */
    put(data, "insurance-zhidao-faq/insurance_zhidao_rank/dev.txt",
        "异地看病如何报销[SEP]异地就医怎么报销\t1\n"
        "医保卡丢了怎么办[SEP]医保卡丢失如何补办\t1\n"
        "医保卡丢了怎么办[SEP]医保卡不见了如何处理\t1\n"
        "低保户要交医保吗[SEP]车险怎么买\t0\n"
        "no separator here\t1\n");
    put(data, "sighan2005-icwb2/testing/pku_test.utf8",
        "医保卡里的钱能取出来吗？\r\n"
        "灵活就业人员交医保。\r\n"
        "这一行和标准答案不同\r\n");
    put(data, "sighan2005-icwb2/gold/pku_test_gold.utf8",
        "医保卡  里  的  钱  能  取  出来  吗  ？  \r\n"
        "灵活  就业  人员  交  医保  。  \r\n"
        "完全  不同  \r\n");
    put(data, "amttl-medical-forum-cws/forum_test.txt",
        "\n\n头\tB\n疼\tE\n怎\tB\n么\tE\n办\tS\n\n发\tB\n烧\tE\n了\tS\n\n");
    put(data, "amttl-medical-forum-cws/forum_test.seg.txt", "头疼 怎么 办\n发烧 了\n");
    put(data, "amttl-medical-forum-cws/forum_train.seg.txt", "头疼 发烧\n");
    put(seeds, "kb.jsonl",
        "{\"id\": \"k#1\", \"question\": \"低保户要交医保吗\", \"answer\": "
        "\"政府补贴个人缴费。\"}\n"
        "{\"id\": \"k#2\", \"question\": \"异地就医怎么报销\", \"answer\": \"先备案再结算。\"}\n");
    put(qrels, "dev.tsv",
        "# q<TAB>judgements\n"
        "低保户交医保吗\tk#1:2,k#2:1\n"
        "异地看病怎么报\tk#2:2\n"
        "火星上有医保吗\t\n"
        "不存在的记录\tnope#9:2\n"
        "bad line without a tab\n");

    wd_dict *dict = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_dict_load(&dict, NULL, &err), WD_OK);
    notes n;
    memset(&n, 0, sizeof n);
    wd_eval_opts o = { data, seeds, qrels, root, 0, on_note, &n, NULL, NULL };
    wd_eval_report r;
    assert_int_equal(wd_eval_run(&o, dict, &r, &err), WD_OK);

    assert_true(r.retrieval.ran);
    assert_int_equal(r.retrieval.corpus_records, 4);
    assert_int_equal(r.retrieval.questions, 2);
    assert_int_equal(r.retrieval.questions_without_gold, 1);
    for (int s = 0; s < WD_EVAL_NSYS; s++) {
        assert_true(r.retrieval.sys[s].r1 >= 0 && r.retrieval.sys[s].r10 <= 0.5);
        assert_true(r.retrieval.sys[s].r1 <= r.retrieval.sys[s].r3);
    }
    assert_true(r.retrieval.dev_ran);
    assert_int_equal(r.retrieval.dev_questions, 1);
    assert_int_equal(r.retrieval.dev_excluded, 2);
    for (int s = 0; s < WD_EVAL_NSYS; s++)
        assert_true(r.retrieval.dev[s].r1 <= r.retrieval.dev[s].r10);
    /* 异地看病如何报销 has its paraphrase 异地就医怎么报销 in the corpus. */
    assert_true(r.retrieval.dev[WD_EVAL_SYS_WENDA].r10 == 1.0);

    assert_true(r.domain.ran);
    assert_int_equal(r.domain.corpus_records, 2);
    const wd_eval_split *dev = &r.domain.split[0];
    assert_true(dev->ran);
    assert_int_equal(dev->questions, 4);
    assert_int_equal(dev->answerable, 3);
    assert_int_equal(dev->with_answer, 3);
    assert_int_equal(dev->unanswerable, 1);
    assert_int_equal(dev->bad_lines, 1);
    assert_int_equal(dev->unknown_ids, 1);
    /* Coverage verdicts: the two answered questions and the unanswerable one
     * are scored; the one judged only with an unknown id is not. */
    for (int s = 0; s < WD_EVAL_NSEGSYS; s++) {
        assert_int_equal(dev->cov[s].scored, 3);
        assert_true(dev->cov[s].right <= 3);
        assert_true(dev->cov[s].accuracy == (double)dev->cov[s].right / 3.0);
    }
    assert_false(r.domain.split[1].ran);
    assert_non_null(strstr(r.domain.split[1].note, "test.tsv"));

    assert_true(r.segmentation.ran);
    const wd_eval_seg_set *pku = &r.segmentation.set[0];
    assert_true(pku->ran);
    assert_int_equal(pku->sentences, 2);
    assert_int_equal(pku->mismatched, 1);
    assert_int_equal(pku->gold_words, 8 + 5); /* ？ and 。 left out */
    assert_int_equal(pku->punct_words, 2);
    assert_false(pku->have_oov); /* no training word list in this folder */
    assert_false(r.segmentation.set[1].ran);
    const wd_eval_seg_set *med = &r.segmentation.set[2];
    assert_true(med->ran);
    assert_int_equal(med->sentences, 2);
    assert_int_equal(med->gold_words, 5);
    assert_true(med->have_oov);
    assert_int_equal(med->oov_words, 3); /* 怎么 办 了 */
    for (int s = 0; s < WD_EVAL_NSEGSYS; s++) {
        assert_int_equal(med->sys[s].predicted > 0, 1);
        assert_true(med->sys[s].f1 >= 0 && med->sys[s].f1 <= 1);
    }
    assert_true(n.saw_skip_msr);
    assert_true(n.saw_bad_line);
    assert_true(n.saw_unknown_id);

    /* JSON: one document with every part; the n-gram systems have no segmentation */
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_eval_to_json(&r, "test", &b), WD_OK);
    json_error_t jerr;
    json_t *j = json_loads(b.data, 0, &jerr);
    assert_non_null(j);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "retrieval"), "status")), "ok");
    json_t *pkuj =
        json_object_get(json_object_get(json_object_get(j, "segmentation"), "sets"), "pku");
    assert_true(json_is_null(json_object_get(json_object_get(pkuj, "systems"), "ngram-q")));
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(json_object_get(j, "segmentation"), "sets"), "msr"),
            "status")),
        "skipped");
    assert_true(json_is_real(json_object_get(
        json_object_get(
            json_object_get(json_object_get(json_object_get(j, "domain"), "dev"), "systems"),
            "wenda"),
        "ndcg_at_5")));
    json_decref(j);
    wd_buf_free(&b);

    /* the table names every system and marks what does not apply */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    wd_eval_print_table(&r, f);
    fclose(f);
    assert_non_null(strstr(text, "ngram-qa"));
    assert_non_null(strstr(text, "n/a"));
    assert_non_null(strstr(text, "msr: skipped: missing"));
    free(text);

    /* the temporary indexes are gone: only our three folders remain */
    size_t entries = 0;
    DIR *d = opendir(root);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        entries += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 3);

    wd_dict_free(dict);
    th_rmtree(root);
}

static void test_eval__run_without_data_skips_everything(void **state)
{
    (void)state;
    wd_dict *dict = NULL;
    assert_int_equal(wd_dict_load(&dict, NULL, NULL), WD_OK);
    wd_eval_opts o = { "/nonexistent/data",
                       "/nonexistent/seeds",
                       "/nonexistent/qrels",
                       NULL,
                       WD_EVAL_ALL,
                       NULL,
                       NULL,
                       NULL,
                       NULL };
    wd_eval_report r;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_eval_run(&o, dict, &r, &err), WD_OK);
    assert_false(r.retrieval.ran);
    assert_non_null(strstr(r.retrieval.note, "missing: /nonexistent/data/"));
    assert_false(r.domain.ran);
    assert_false(r.segmentation.ran);
    assert_non_null(strstr(r.segmentation.note, "/nonexistent/data"));
    /* and without paths it is a usage error */
    assert_int_equal(wd_eval_run(NULL, dict, &r, &err), WD_EINVAL);
    assert_int_equal(err.code, WD_EINVAL);
    wd_dict_free(dict);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval__recall_and_mrr_on_ranks_1_3_none),
        cmocka_unit_test(test_eval__ndcg_on_three_graded_hits),
        cmocka_unit_test(test_eval__rr_precision_recall_by_grade),
        cmocka_unit_test(test_eval__span_f1_over_two_sentences),
        cmocka_unit_test(test_eval__roc_auc_counts_ties_as_half),
        cmocka_unit_test(test_eval__f1_at_threshold_and_best_threshold),
        cmocka_unit_test(test_eval__qrels_parser_comments_empty_lists_bad_lines),
        cmocka_unit_test(test_eval__qrels_missing_file_and_bad_utf8),
        cmocka_unit_test(test_eval__qrels_parse_survives_every_allocation_failure),
        cmocka_unit_test(test_eval__part_and_system_names),
        cmocka_unit_test(test_eval__run_over_small_data_and_skip_missing_parts),
        cmocka_unit_test(test_eval__run_without_data_skips_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
