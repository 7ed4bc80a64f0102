/*
 * test_badinput.c - the bad-input matrix, on the real `wenda` binary: every
 * kind of broken or awkward input, each with its exact outcome (exit code,
 * records indexed, the diagnostic naming file and line). Small fixtures
 * live in tests/data/badinput/ (gbk.csv made with iconv); the large ones
 * (a 50 MB record, a 10 MB line, a 100,000-character question) are
 * generated into a temp directory at test time.
 *
 * Outcomes (README "Reliability"): a skipped record -> exit 3, the rest
 * indexed; a file refused whole (GBK without --encoding) -> exit 3, nothing
 * from it; warnings only (duplicate id, empty file) -> exit 0.
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
#include <sys/stat.h>

#include <cmocka.h>

#include "helpers.h"

#define BAD WD_TEST_DATA "/badinput"

typedef struct fixture {
    char dir[64];
    char index[128];
} fixture;

/* Run wenda on the index of `f` with args (NULL-terminated). */
#define wenda(f, ...) th_wenda((f)->index, NULL, __VA_ARGS__)

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (th_tmpdir(f->dir, sizeof f->dir, "bad") != 0)
        return -1;
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
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

/* ---- helpers --------------------------------------------------------------- */

typedef struct summary {
    int status;
    json_t *j; /* the --json summary */
    char *err;
} summary;

/* `wenda index --json FILE [args]`; the summary must be JSON. */
static summary index_file(const fixture *f, const char *file, const char *a1, const char *a2)
{
    th_run r = wenda(f, "index", "--json", file, a1, a2, NULL);
    summary s = { r.status, NULL, r.err };
    if (r.out[0])
        s.j = th_json(r.out);
    free(r.out);
    return s;
}

static void summary_free(summary *s)
{
    json_decref(s->j);
    free(s->err);
}

static json_int_t num(const summary *s, const char *key)
{
    assert_non_null(s->j);
    return json_integer_value(json_object_get(s->j, key));
}

/* Exactly `n` problems; problem `i` has this level, file, line, code and a
 * message containing `needle`. */
static void assert_problem(const summary *s, size_t n, size_t i, const char *level,
                           const char *file, json_int_t line, const char *code, const char *needle)
{
    json_t *p = json_object_get(s->j, "problems");
    if (json_array_size(p) != n)
        fail_msg("%zu problems, want %zu: %s", json_array_size(p), n, json_dumps(p, JSON_COMPACT));
    if (n == 0)
        return;
    json_t *e = json_array_get(p, i);
    assert_string_equal(json_string_value(json_object_get(e, "level")), level);
    const char *fl = json_string_value(json_object_get(e, "file"));
    if (file) {
        assert_non_null(strstr(fl, file));
    }
    assert_int_equal(json_integer_value(json_object_get(e, "line")), line);
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    const char *m = json_string_value(json_object_get(e, "message"));
    if (!strstr(m, needle))
        fail_msg("message \"%s\" lacks \"%s\"", m, needle);
}

static long documents(const fixture *f)
{
    return th_index_documents(f->index);
}

/* `wenda show --json ID`: the record's field, new. */
static char *show_field(const fixture *f, const char *id, const char *field)
{
    th_run r = wenda(f, "show", "--json", id, NULL);
    if (r.status != 0)
        fail_msg("show %s exited %d: %s", id, r.status, r.err);
    json_t *j = th_json(r.out);
    const char *v = json_string_value(json_object_get(j, field));
    assert_non_null(v);
    char *s = strdup(v);
    json_decref(j);
    th_run_free(&r);
    return s;
}

static void assert_show(const fixture *f, const char *id, const char *field, const char *want)
{
    char *v = show_field(f, id, field);
    assert_string_equal(v, want);
    free(v);
}

/* ---- the matrix ------------------------------------------------------------ */

static void test_badinput__invalid_utf8_line_skipped_exit_3(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/invalid_utf8.jsonl", NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_int_equal(num(&s, "skipped"), 1);
    assert_problem(&s, 1, 0, "skip", "invalid_utf8.jsonl", 2, "encoding", "invalid UTF-8 at byte");
    summary_free(&s);
    assert_int_equal(documents(f), 2);
    /* Human output: "wenda: index: FILE:LINE: message" on stderr. */
    th_run r = wenda(f, "index", BAD "/invalid_utf8.jsonl", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "wenda: index: " BAD "/invalid_utf8.jsonl:2: invalid UTF-8"));
    th_run_free(&r);
}

static void test_badinput__gbk_file_refused_whole_then_read_with_encoding(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/gbk.csv", NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "records"), 0);
    assert_int_equal(num(&s, "failed_files"), 1);
    assert_problem(&s, 1, 0, "error", NULL, 0, "encoding", "--encoding gb18030");
    const char *m = json_string_value(
        json_object_get(json_array_get(json_object_get(s.j, "problems"), 0), "message"));
    assert_non_null(strstr(m, "gbk.csv: looks like GBK/GB18030"));
    summary_free(&s);

    s = index_file(f, BAD "/gbk.csv", "--encoding", "gb18030");
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 3);
    assert_int_equal(num(&s, "skipped"), 0);
    summary_free(&s);
    th_run r = wenda(f, "ask", "--json", "-n", "1", "异地就医怎么报销", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *hit = json_array_get(json_object_get(j, "hits"), 0);
    assert_string_equal(json_string_value(json_object_get(hit, "question")), "异地就医怎么报销");
    json_decref(j);
    th_run_free(&r);
}

static void test_badinput__utf8_bom_is_dropped(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/bom.jsonl", NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 2);
    assert_problem(&s, 0, 0, NULL, NULL, 0, NULL, NULL);
    summary_free(&s);
    assert_show(f, "g1", "question", "低保户要交医保吗");
}

static void test_badinput__crlf_line_ends_are_not_kept(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/crlf.tsv", NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 2);
    summary_free(&s);
    assert_show(f, "c1", "answer", "个人缴费由医疗救助资助。");
    assert_show(f, "c2", "answer", "先备案再结算。");
}

static void test_badinput__nul_byte_line_skipped_exit_3(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/nul.jsonl", NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_problem(&s, 1, 0, "skip", "nul.jsonl", 2, "encoding", "NUL byte at byte");
    summary_free(&s);
}

static void test_badinput__empty_file_warns_exit_0(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/empty.jsonl", NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "records"), 0);
    assert_problem(&s, 1, 0, "warning", "empty.jsonl", 0, "format", "empty file");
    summary_free(&s);
    /* The same for TSV and a seed page. */
    char p[256];
    snprintf(p, sizeof p, "%s/empty.tsv", f->dir);
    th_write_file(p, "", 0);
    s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_problem(&s, 1, 0, "warning", "empty.tsv", 0, "format", "empty file");
    summary_free(&s);
    snprintf(p, sizeof p, "%s/empty.txt", f->dir);
    th_write_file(p, "", 0);
    s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "records"), 0);
    summary_free(&s);
}

/* Files that are no knowledge base (a README, a password file, a .txt of
 * table rows, as a data folder holds) are refused whole, each named with
 * the format expected and --input-format, and the run exits 3; a folder's
 * good files are still indexed; --input-format reads such a file anyway. */
static void test_badinput__a_file_of_no_format_is_refused_exit_3(void **state)
{
    fixture *f = *state;
    char dir[256], p[300];
    snprintf(dir, sizeof dir, "%s/data", f->dir);
    assert_int_equal(mkdir(dir, 0777), 0);
    snprintf(p, sizeof p, "%s/class.txt", dir);
    th_write_text(p, "0\t不同\n1\t相同\n");
    snprintf(p, sizeof p, "%s/page.txt", dir);
    th_write_text(p, "医保怎么交\n\n在网上交。\n");
    summary s = index_file(f, dir, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 1);
    assert_int_equal(num(&s, "failed_files"), 1);
    assert_problem(&s, 1, 0, "error", "class.txt", 0, "format", "not a seed page");
    assert_problem(&s, 1, 0, "error", "class.txt", 0, "format", "--input-format");
    summary_free(&s);

    snprintf(p, sizeof p, "%s/README.md", f->dir);
    th_write_text(p, "# wenda (问答)\n\nA search engine for Q&A knowledge bases.\n");
    s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_problem(&s, 1, 0, "error", "README.md", 0, "format",
                   "not a knowledge-base file: its name does not end in .txt");
    summary_free(&s);
    s = index_file(f, p, "--input-format", "seed");
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 1);
    summary_free(&s);
}

/* One good line, a record of `size` bytes of answer, one good line. */
static void write_big_jsonl(const char *path, size_t size)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("{\"id\":\"a\",\"question\":\"低保户要交医保吗\",\"answer\":\"资助。\"}\n", fp);
    fputs("{\"id\":\"big\",\"question\":\"很长的记录\",\"answer\":\"", fp);
    static const char chunk[] = "医保报销需要携带社保卡到窗口办理，按规定比例支付。";
    size_t n = 0;
    while (n < size) {
        fputs(chunk, fp);
        n += sizeof chunk - 1;
    }
    fputs("\"}\n", fp);
    fputs("{\"id\":\"b\",\"question\":\"异地就医怎么报销\",\"answer\":\"备案。\"}\n", fp);
    fclose(fp);
}

static void test_badinput__record_of_50mb_skipped_exit_3(void **state)
{
    fixture *f = *state;
    char p[256];
    snprintf(p, sizeof p, "%s/big50.jsonl", f->dir);
    write_big_jsonl(p, 50u << 20);
    summary s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_int_equal(num(&s, "skipped"), 1);
    assert_problem(&s, 1, 0, "skip", "big50.jsonl", 2, "format",
                   "is over the limit of 1048576 bytes");
    summary_free(&s);
}

static void test_badinput__line_of_10mb_skipped_or_indexed_with_limit(void **state)
{
    fixture *f = *state;
    char p[256];
    snprintf(p, sizeof p, "%s/line10.tsv", f->dir);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs("id\tquestion\tanswer\nt1\t低保户要交医保吗\t资助。\nt2\t十兆的一行\t", fp);
    size_t n = 0;
    while (n < (10u << 20)) {
        fputs("abcdefghij0123456789 ", fp); /* ASCII words: the analyzer's fast path */
        n += 21;
    }
    fputs("\nt3\t异地就医怎么报销\t备案。\n", fp);
    fclose(fp);
    summary s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_problem(&s, 1, 0, "skip", "line10.tsv", 3, "format", "--max-record-bytes");
    summary_free(&s);
    /* With the limit raised the line is a record like any other. */
    s = index_file(f, p, "--max-record-bytes", "20000000");
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 1);
    assert_int_equal(num(&s, "replaced"), 2);
    summary_free(&s);
    char *a = show_field(f, "t2", "answer");
    assert_true(strlen(a) >= (10u << 20));
    free(a);
}

static void test_badinput__malformed_json_in_middle_skipped_exit_3(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/malformed_middle.jsonl", NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 4);
    assert_int_equal(num(&s, "skipped"), 1);
    assert_problem(&s, 1, 0, "skip", "malformed_middle.jsonl", 3, "format", "not valid JSON");
    summary_free(&s);
    assert_int_equal(documents(f), 4);
}

static void test_badinput__duplicate_id_keeps_last_warns_exit_0(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/dup_ids.jsonl", NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "records"), 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_int_equal(num(&s, "replaced"), 1);
    assert_problem(&s, 1, 0, "warning", "dup_ids.jsonl", 3, "format", "repeats line 1");
    summary_free(&s);
    assert_int_equal(documents(f), 2);
    assert_show(f, "d1", "question", "第二版问题");
}

static void test_badinput__unknown_fields_ignored_exit_0(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/unknown_fields.jsonl", NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 1);
    assert_problem(&s, 0, 0, NULL, NULL, 0, NULL, NULL);
    summary_free(&s);
    assert_show(f, "u1", "answer", "医疗救助资助。");
}

static void test_badinput__question_of_100000_chars_indexed_and_askable(void **state)
{
    fixture *f = *state;
    static const char *const cs[] = { "医", "保", "报", "销", "门", "诊", "住", "院", "药", "费" };
    size_t qcap = 100000 * 3 + 1, qn = 0;
    char *q = malloc(qcap);
    for (int i = 0; i < 100000; i++) {
        memcpy(q + qn, cs[(i * 7 + i / 10) % 10], 3);
        qn += 3;
    }
    q[qn] = '\0';
    char p[256], in[256];
    snprintf(p, sizeof p, "%s/longq.jsonl", f->dir);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fprintf(fp, "{\"id\":\"long\",\"question\":\"%s\",\"answer\":\"长问题的答案\"}\n", q);
    fclose(fp);
    summary s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 1);
    summary_free(&s);
    char *got = show_field(f, "long", "question");
    assert_string_equal(got, q);
    free(got);
    /* Asking it back (stdin: too long for one argv string). */
    snprintf(in, sizeof in, "%s/longq.txt", f->dir);
    fp = fopen(in, "wb");
    fprintf(fp, "%s\n", q);
    fclose(fp);
    const char *args[] = { "ask", "--json", "-n", "1", "-", NULL };
    th_cmd ask = { .args = args, .index = f->index, .input_file = in };
    th_run r = th_exec(&ask);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *hit = json_array_get(json_object_get(j, "hits"), 0);
    assert_string_equal(json_string_value(json_object_get(hit, "id")), "long");
    json_decref(j);
    th_run_free(&r);
    free(q);
}

static void test_badinput__empty_question_skipped_exit_3(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/empty_question.jsonl", NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_int_equal(num(&s, "skipped"), 2);
    assert_problem(&s, 2, 0, "skip", "empty_question.jsonl", 2, "format", "empty question");
    assert_problem(&s, 2, 1, "skip", "empty_question.jsonl", 3, "format", "empty question");
    summary_free(&s);
}

static void test_badinput__punctuation_only_question_skipped_exit_3(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/punctuation.jsonl", NULL, NULL);
    /* No search could find it by its question: refused, the rest indexed. */
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 1);
    assert_int_equal(num(&s, "skipped"), 1);
    assert_problem(&s, 1, 0, "skip", "punctuation.jsonl", 1, "format",
                   "the question has no word to search by");
    summary_free(&s);
    /* Asking only punctuation: no words, no hits, exit 1, valid JSON. */
    th_run r = wenda(f, "ask", "--json", "？？？！！！", NULL);
    assert_int_equal(r.status, 1);
    json_t *j = th_json(r.out);
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 0);
    json_decref(j);
    th_run_free(&r);
}

static void test_badinput__emoji_and_cjk_extensions_kept_and_found(void **state)
{
    fixture *f = *state;
    summary s = index_file(f, BAD "/rare_chars.jsonl", NULL, NULL);
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 2);
    summary_free(&s);
    assert_show(f, "x1", "question", "𠀀𪜀𰀀是什么字");
    assert_show(f, "x1", "answer", "扩展区汉字𠀀𪜀𰀀的答案😀👨‍👩‍👧");
    assert_show(f, "x2", "question", "😀医保卡丢了怎么办🏥");
    /* A rare character is a word like any other. */
    th_run r = wenda(f, "ask", "--json", "-n", "1", "𪜀", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *hit = json_array_get(json_object_get(j, "hits"), 0);
    assert_string_equal(json_string_value(json_object_get(hit, "id")), "x1");
    json_decref(j);
    th_run_free(&r);
    /* Offsets of segment --json stay on character boundaries. */
    r = wenda(f, "segment", "--json", "𠀀😀医保卡👨‍👩‍👧", NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    json_t *toks = json_object_get(j, "tokens");
    assert_true(json_array_size(toks) >= 2);
    const char *text = "𠀀😀医保卡👨‍👩‍👧";
    for (size_t i = 0; i < json_array_size(toks); i++) {
        json_t *t = json_array_get(toks, i);
        json_int_t st = json_integer_value(json_object_get(t, "start"));
        json_int_t en = json_integer_value(json_object_get(t, "end"));
        assert_true(st >= 0 && st < en && en <= (json_int_t)strlen(text));
        assert_true(((unsigned char)text[st] & 0xC0) != 0x80);
    }
    json_decref(j);
    th_run_free(&r);
}

/* Questions that hold no word (only emoji, only punctuation, only
 * zero-width characters) were indexed but no search found them by their own
 * question: each is refused with a message naming file, line, why and what
 * to do, counted among the skipped records. A question with a word beside
 * its emoji is a question like any other. */
static void test_badinput__question_without_a_word_skipped_with_its_line(void **state)
{
    fixture *f = *state;
    char p[256];
    snprintf(p, sizeof p, "%s/nowords.jsonl", f->dir);
    th_write_text(
        p, "{\"id\": \"e1\", \"question\": \"😀😀🎉\", \"answer\": \"表情\"}\n"
           "{\"id\": \"e2\", \"question\": \"？？？！！\", \"answer\": \"标点\"}\n"
           "{\"id\": \"e3\", \"question\": \"\\u200b\\u200b\\u200b\", \"answer\": \"零宽\"}\n"
           "{\"id\": \"e4\", \"question\": \"\\ufeff\\u2060…\", \"answer\": \"不可见\"}\n"
           "{\"id\": \"g1\", \"question\": \"😀医保卡丢了怎么办\", \"answer\": \"挂失\"}\n"
           "{\"id\": \"g2\", \"question\": \"①\", \"answer\": \"编号\"}\n");
    summary s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_int_equal(num(&s, "skipped"), 4);
    for (size_t i = 0; i < 4; i++) {
        assert_problem(&s, 4, i, "skip", "nowords.jsonl", (json_int_t)i + 1, "format",
                       "no word to search by");
        assert_problem(&s, 4, i, "skip", "nowords.jsonl", (json_int_t)i + 1, "format",
                       "the record was skipped (put the question in words)");
    }
    summary_free(&s);
    /* What was indexed is found by its own question. */
    static const char *const kept[][2] = { { "😀医保卡丢了怎么办", "g1" }, { "①", "g2" } };
    for (size_t i = 0; i < 2; i++) {
        th_run r = wenda(f, "ask", "--json", "-n", "1", kept[i][0], NULL);
        assert_int_equal(r.status, 0);
        json_t *j = th_json(r.out);
        json_t *hit = json_array_get(json_object_get(j, "hits"), 0);
        assert_string_equal(json_string_value(json_object_get(hit, "id")), kept[i][1]);
        json_decref(j);
        th_run_free(&r);
    }
    /* The text output names file and line. */
    th_run r = wenda(f, "index", p, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "nowords.jsonl:3: the question has no word to search by"));
    th_run_free(&r);
}

/* --max-record-bytes counts the source and the id: a 2 MB source was
 * accepted and every search hitting the record carried it. */
static void test_badinput__source_of_2mb_over_the_limit_skipped_exit_3(void **state)
{
    fixture *f = *state;
    char p[256];
    snprintf(p, sizeof p, "%s/bigsource.jsonl", f->dir);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs("{\"id\": \"s1\", \"question\": \"低保户要交医保吗\", \"answer\": \"资助。\", "
          "\"source\": \"",
          fp);
    for (size_t i = 0; i < (2u << 20); i++)
        fputc('s', fp);
    fputs("\"}\n{\"id\": \"s2\", \"question\": \"异地就医怎么报销\", \"answer\": \"备案。\"}\n",
          fp);
    fclose(fp);
    summary s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 1);
    assert_problem(&s, 1, 0, "skip", "bigsource.jsonl", 1, "format", "source 2097152");
    assert_problem(&s, 1, 0, "skip", "bigsource.jsonl", 1, "format", "--max-record-bytes");
    summary_free(&s);
    s = index_file(f, p, "--max-record-bytes", "3000000");
    assert_int_equal(s.status, 0);
    assert_int_equal(num(&s, "added"), 1);
    summary_free(&s);
}

/* Tables: text after a closing quote (a lenient CSV field) skips its row;
 * a header naming a column it reads twice refuses the file. */
static void test_badinput__lenient_csv_field_and_repeated_tsv_column_said(void **state)
{
    fixture *f = *state;
    char p[256];
    snprintf(p, sizeof p, "%s/lenient.csv", f->dir);
    th_write_text(p, "question,answer\n\"问1\",\"答1\"\n\"问2\",\"答2\"x\n\"问3\",\"答3\"\n");
    summary s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 2);
    assert_problem(&s, 1, 0, "skip", "lenient.csv", 3, "format", "after a closing quote");
    summary_free(&s);

    snprintf(p, sizeof p, "%s/twice.tsv", f->dir);
    th_write_text(p, "question\tanswer\tquestion\nq1\ta1\tq2\n");
    s = index_file(f, p, NULL, NULL);
    assert_int_equal(s.status, 3);
    assert_int_equal(num(&s, "added"), 0);
    assert_int_equal(num(&s, "failed_files"), 1);
    assert_problem(&s, 1, 0, "error", "twice.tsv", 0, "format",
                   "names the \"question\" column twice (columns 1 and 3)");
    summary_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_badinput__invalid_utf8_line_skipped_exit_3),
        T(test_badinput__gbk_file_refused_whole_then_read_with_encoding),
        T(test_badinput__utf8_bom_is_dropped),
        T(test_badinput__crlf_line_ends_are_not_kept),
        T(test_badinput__nul_byte_line_skipped_exit_3),
        T(test_badinput__empty_file_warns_exit_0),
        T(test_badinput__a_file_of_no_format_is_refused_exit_3),
        T(test_badinput__record_of_50mb_skipped_exit_3),
        T(test_badinput__line_of_10mb_skipped_or_indexed_with_limit),
        T(test_badinput__malformed_json_in_middle_skipped_exit_3),
        T(test_badinput__duplicate_id_keeps_last_warns_exit_0),
        T(test_badinput__unknown_fields_ignored_exit_0),
        T(test_badinput__question_of_100000_chars_indexed_and_askable),
        T(test_badinput__empty_question_skipped_exit_3),
        T(test_badinput__punctuation_only_question_skipped_exit_3),
        T(test_badinput__emoji_and_cjk_extensions_kept_and_found),
        T(test_badinput__question_without_a_word_skipped_with_its_line),
        T(test_badinput__source_of_2mb_over_the_limit_skipped_exit_3),
        T(test_badinput__lenient_csv_field_and_repeated_tsv_column_said),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
