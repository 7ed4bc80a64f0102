/*
 * test_corpus.c - cmocka suite for the corpus readers (corpus/): the five
 * bundled seed pages (exactly 104 records, 20 of them known questions,
 * each question byte for byte a line of its page), JSON Lines, TSV and CSV,
 * format detection, encodings (BOM, CRLF, invalid UTF-8, NUL, GBK refused
 * and converted), limits, error paths, callback stop and allocation
 * failures; and question lists (one a line, a TSV or CSV column) with the
 * line of each question and the message of each skipped line; and the
 * folder walk (each real file once, loops, links out of the folder, what is
 * reported). Fixtures
 * live in tests/data/corpus/; the public data sets in /work/shared/data are
 * used when present and skipped cleanly when not.
 */
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
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
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/error.h"

#define DATA WD_TEST_DATA "/corpus/"
#define SEEDS WD_SOURCE_DIR "/corpus/seeds/"
#define INSURANCE "/work/shared/data/insurance-zhidao-faq/Insurance_zhidao_test/corpus.txt"
#define TIANCHI_GBK "/work/shared/data/tianchi-ncov-medical-qpairs/dev_20200228.csv"
#define TIANCHI_UTF8 "/work/shared/data/tianchi-ncov-medical-qpairs/dev_20200228.utf8.csv"

static const char *const seed_files[] = {
    "000_e31b320f51b19bad.txt", "001_6cdc9679d3d11ea7.txt", "002_270097ab3822db11.txt",
    "003_9aad1fbb1e0393fc.txt", "004_49b6e4c2fae0bcd8.txt",
};

/* ------------------------------------------------------------------ */
/* A collector that copies what the reader hands out                   */
/* ------------------------------------------------------------------ */

typedef struct rec {
    char *id, *q, *a, *source, *date;
    char *fields; /* "name=value;" each */
    int kind;
    size_t line;
} rec;

typedef struct diag {
    int level, code;
    size_t line;
    char *file, *msg;
} diag;

typedef struct coll {
    rec *r;
    size_t n, cap;
    diag *d;
    size_t nd, capd;
    size_t stop_after; /* 0 = never stop */
    int stop_rc;
} coll;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int on_record(void *ctx, const wd_record *r)
{
    coll *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->r = realloc(c->r, c->cap * sizeof *c->r);
        assert_non_null(c->r);
    }
    assert_non_null(r->id);
    assert_non_null(r->question);
    assert_non_null(r->answer);
    assert_non_null(r->source);
    rec *x = &c->r[c->n++];
    x->id = strdup(r->id);
    x->q = strdup(r->question);
    x->a = strdup(r->answer);
    x->source = strdup(r->source);
    x->date = dup_or_null(r->date);
    x->kind = r->kind;
    x->line = r->line;
    size_t fl = 1;
    for (size_t i = 0; i < r->n_fields; i++)
        fl += strlen(r->fields[i].name) + strlen(r->fields[i].value) + 2;
    x->fields = calloc(1, fl);
    assert_non_null(x->fields);
    for (size_t i = 0; i < r->n_fields; i++) {
        strcat(x->fields, r->fields[i].name);
        strcat(x->fields, "=");
        strcat(x->fields, r->fields[i].value);
        strcat(x->fields, ";");
    }
    if (c->stop_after && c->n == c->stop_after)
        return c->stop_rc;
    return 0;
}

static void on_diag(void *ctx, int level, const char *file, size_t line, int code,
                    const char *message)
{
    coll *c = ctx;
    if (c->nd == c->capd) {
        c->capd = c->capd ? c->capd * 2 : 16;
        c->d = realloc(c->d, c->capd * sizeof *c->d);
        assert_non_null(c->d);
    }
    diag *x = &c->d[c->nd++];
    x->level = level;
    x->code = code;
    x->line = line;
    x->file = strdup(file);
    x->msg = strdup(message);
}

static void coll_free(coll *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->r[i].id);
        free(c->r[i].q);
        free(c->r[i].a);
        free(c->r[i].source);
        free(c->r[i].date);
        free(c->r[i].fields);
    }
    for (size_t i = 0; i < c->nd; i++) {
        free(c->d[i].file);
        free(c->d[i].msg);
    }
    free(c->r);
    free(c->d);
    memset(c, 0, sizeof *c);
}

static int read_file(const char *path, const wd_read_opts *o, coll *c, wd_error *e)
{
    return wd_corpus_read_file(path, o, on_record, on_diag, c, e);
}

static const rec *find_id(const coll *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->r[i].id, id) == 0)
            return &c->r[i];
    return NULL;
}

static const rec *find_q(const coll *c, const char *q)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->r[i].q, q) == 0)
            return &c->r[i];
    return NULL;
}

static size_t count_q(const coll *c, const char *q)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += strcmp(c->r[i].q, q) == 0;
    return k;
}

/* The first diagnostic at `line`, or NULL. */
static const diag *diag_at(const coll *c, size_t line)
{
    for (size_t i = 0; i < c->nd; i++)
        if (c->d[i].line == line)
            return &c->d[i];
    return NULL;
}

static size_t skips(const coll *c)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nd; i++)
        k += c->d[i].level == WD_DIAG_SKIP;
    return k;
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

/* Whole file into memory (test helper, plain malloc). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Line `no` (1-based) of a text, without its terminator, as a new string. */
static char *nth_line(const char *text, size_t no)
{
    const char *p = text;
    for (size_t i = 1; i < no; i++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    size_t n = strcspn(p, "\n");
    if (n && p[n - 1] == '\r')
        n--;
    char *s = malloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* ------------------------------------------------------------------ */
/* Seed pages                                                          */
/* ------------------------------------------------------------------ */

/* All five pages: 104 records, 20 known questions, every question equal
 * to the line it came from, ids numbered from 0 in page order, no
 * diagnostics. */
static void test_corpus__seed_counts(void **state)
{
    (void)state;
    size_t total = 0, questions = 0, dated = 0;
    for (size_t f = 0; f < sizeof seed_files / sizeof *seed_files; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", SEEDS, seed_files[f]);
        coll c = { 0 };
        wd_error e;
        assert_int_equal(read_file(path, NULL, &c, &e), WD_OK);
        assert_int_equal(c.nd, 0);
        size_t len;
        char *text = slurp(path, &len);
        char stem[64];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(seed_files[f]) - 4), seed_files[f]);
        for (size_t i = 0; i < c.n; i++) {
            char *line = nth_line(text, c.r[i].line);
            assert_non_null(line);
            assert_string_equal(c.r[i].q, line);
            free(line);
            char want[96];
            snprintf(want, sizeof want, "%s#%zu", stem, i);
            assert_string_equal(c.r[i].id, want);
            assert_string_equal(c.r[i].source, seed_files[f]);
            assert_true(c.r[i].a[0] != '\0');
            questions += c.r[i].kind == WD_KIND_QUESTION;
            dated += c.r[i].date != NULL;
            if (c.r[i].date)
                assert_int_equal(strlen(c.r[i].date), 10);
        }
        total += c.n;
        free(text);
        coll_free(&c);
    }
    assert_int_equal(total, 104);
    assert_int_equal(questions, 20);
    /* Every 相关推荐 item carries its date: 20 + 20 + 19 + 20 of them. */
    assert_int_equal(dated, 79);
}

static void test_corpus__seed_page_record(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(SEEDS "000_e31b320f51b19bad.txt", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 21);
    const rec *r = &c.r[0];
    assert_string_equal(r->id, "000_e31b320f51b19bad#0");
    assert_string_equal(r->q, "灵活就业的医保就是居民医保吗");
    assert_int_equal(r->line, 1);
    assert_int_equal(r->kind, WD_KIND_QA);
    assert_null(r->date);
    /* Starts with line 3, ends with line 57: the 提示 footer and 相关推荐 are
     * not part of it, and the inner blank lines are kept. */
    size_t len;
    char *text = slurp(SEEDS "000_e31b320f51b19bad.txt", &len);
    char *first = nth_line(text, 3), *last = nth_line(text, 57);
    assert_memory_equal(r->a, first, strlen(first));
    size_t alen = strlen(r->a);
    assert_true(alen > strlen(last));
    assert_string_equal(r->a + alen - strlen(last), last);
    assert_null(strstr(r->a, "提示"));
    assert_null(strstr(r->a, "相关推荐"));
    assert_non_null(strstr(r->a, "\n\n二、缴费方式与金额\n\n  • 灵活就业医保\n"));
    free(first);
    free(last);
    free(text);
    /* A related item: question / answer / date. */
    const rec *k = find_q(&c, "低保被取消后在哪里交医保");
    assert_non_null(k);
    assert_string_equal(k->id, "000_e31b320f51b19bad#1");
    assert_int_equal(k->line, 62);
    assert_string_equal(k->date, "2025-04-18");
    assert_int_equal(strncmp(k->a, "根据相关政策和搜索结果", strlen("根据相关政策和搜索结果")), 0);
    coll_free(&c);

    /* A page that ends in 相关问题 has no 提示 footer: its answer runs to
     * the last line before the heading. */
    assert_int_equal(read_file(SEEDS "002_270097ab3822db11.txt", NULL, &c, &e), WD_OK);
    r = &c.r[0];
    assert_string_equal(r->q, "职工医保和灵活就业医保是否有区别?");
    assert_int_equal(r->kind, WD_KIND_QA);
    assert_int_equal(strncmp(r->a, "我既可以参加职工医保", strlen("我既可以参加职工医保")), 0);
    const char *tail = "**报销待遇**:";
    assert_non_null(strstr(r->a, tail));
    assert_null(strchr(strstr(r->a, tail), '\n'));
    coll_free(&c);
}

/* 004 repeats some questions right under their date line; those are page
 * artefacts, not items. */
static void test_corpus__seed_repeat_after_date(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(SEEDS "004_49b6e4c2fae0bcd8.txt", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 21);
    assert_int_equal(c.nd, 0);
    static const char *const repeated[] = { "肇庆社保300多是几档", "肇庆2025年医保缴费标准是多少钱",
                                            "惠州灵活就业医保要隶多少年", "泰安居民医保什么时间交",
                                            "惠州最低社保缴费标准" };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(count_q(&c, repeated[i]), 1);
    const rec *r = find_id(&c, "004_49b6e4c2fae0bcd8#1");
    assert_string_equal(r->q, "肇庆社保300多是几档");
    assert_int_equal(r->line, 27);
    assert_string_equal(r->date, "2025-03-12");
    /* The item after the repeat is the next one, numbered on. */
    r = find_id(&c, "004_49b6e4c2fae0bcd8#2");
    assert_string_equal(r->q, "济宁医保退休必须交多少年");
    assert_int_equal(r->line, 34);
    r = find_id(&c, "004_49b6e4c2fae0bcd8#20");
    assert_string_equal(r->q, "惠州最低社保缴费标准");
    assert_int_equal(r->line, 145);
    coll_free(&c);
}

/* 002's 相关问题 section: question / description pairs of kind question;
 * the heading 为您推荐20个相关问题 is not an item. */
static void test_corpus__seed_related_questions(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(SEEDS "002_270097ab3822db11.txt", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 21);
    size_t questions = 0;
    for (size_t i = 0; i < c.n; i++) {
        assert_null(strstr(c.r[i].q, "为您推荐"));
        assert_null(strstr(c.r[i].a, "为您推荐"));
        if (c.r[i].kind == WD_KIND_QUESTION) {
            questions++;
            assert_null(c.r[i].date);
        }
    }
    assert_int_equal(questions, 20);
    const rec *r = &c.r[1];
    assert_string_equal(r->id, "002_270097ab3822db11#1");
    assert_string_equal(r->q, "公司交医保和灵活就业医保有什么区别?");
    assert_int_equal(r->line, 28);
    size_t len;
    char *text = slurp(SEEDS "002_270097ab3822db11.txt", &len);
    char *desc = nth_line(text, 30);
    assert_string_equal(r->a, desc);
    free(desc);
    free(text);
    r = &c.r[20];
    assert_string_equal(r->q, "个人医疗和居民医疗有什么区别?");
    assert_int_equal(r->line, 104);
    assert_int_equal(r->kind, WD_KIND_QUESTION);
    coll_free(&c);
}

/* A page with a BOM and CRLF line ends, a full-width 提示 footer, a repeat
 * after a date, an item without a date, then a 相关问题 section whose last
 * question has no description. */
static void test_corpus__seed_crlf_bom(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "seed_crlf.txt", NULL, &c, &e), WD_OK);
    assert_int_equal(c.nd, 0);
    assert_int_equal(c.n, 6);
    assert_string_equal(c.r[0].id, "seed_crlf#0");
    assert_string_equal(c.r[0].q, "医保卡可以借给家人用吗");
    assert_string_equal(c.r[0].a, "不可以。\n\n  • 医保卡仅限本人使用。");
    assert_string_equal(c.r[1].q, "医保卡丢了怎么办");
    assert_string_equal(c.r[1].a, "到医保经办机构挂失补办。");
    assert_string_equal(c.r[1].date, "2025-05-01");
    assert_int_equal(c.r[1].line, 10);
    assert_string_equal(c.r[2].q, "医保卡密码忘了");
    assert_string_equal(c.r[2].date, "2025-05-02");
    assert_int_equal(c.r[2].line, 17);
    assert_string_equal(c.r[3].q, "没有日期的问题");
    assert_string_equal(c.r[3].a, "没有日期的答案");
    assert_null(c.r[3].date);
    assert_string_equal(c.r[4].id, "seed_crlf#4");
    assert_string_equal(c.r[4].q, "家人能用我的医保吗？");
    assert_string_equal(c.r[4].a, "我想给父母用我的医保卡。");
    assert_int_equal(c.r[4].kind, WD_KIND_QUESTION);
    assert_int_equal(c.r[4].line, 27);
    assert_string_equal(c.r[5].q, "医保卡能取现吗？");
    assert_string_equal(c.r[5].a, "");
    assert_int_equal(c.r[5].kind, WD_KIND_QUESTION);
    for (size_t i = 0; i < c.n; i++) {
        assert_null(strchr(c.r[i].q, '\r'));
        assert_null(strchr(c.r[i].a, '\r'));
    }
    coll_free(&c);
}

static void test_corpus__seed_invalid_utf8_skips_page(void **state)
{
    (void)state;
    const char page[] =
        "问题\n\n答案第一行\n答\xff案\n相关推荐\n\n问\n\n答\n\n健康新闻 2025-01-01\n";
    coll c = { 0 };
    wd_error e;
    assert_int_equal(
        wd_corpus_read_buffer("page.txt", page, sizeof page - 1, NULL, on_record, on_diag, &c, &e),
        WD_OK);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].level, WD_DIAG_SKIP);
    assert_int_equal(c.d[0].code, WD_EENCODING);
    assert_int_equal(c.d[0].line, 4);
    assert_string_equal(c.d[0].file, "page.txt");
    assert_string_equal(c.d[0].msg,
                        "invalid UTF-8 at byte 4; the record was skipped (save the file as UTF-8, "
                        "or pass --encoding gb18030 if it is GBK)");
    coll_free(&c);
}

/* ------------------------------------------------------------------ */
/* JSON Lines                                                          */
/* ------------------------------------------------------------------ */

static void test_corpus__jsonl_good(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "good.jsonl", NULL, &c, &e), WD_OK);
    assert_int_equal(c.nd, 0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.r[0].id, "a1");
    assert_string_equal(c.r[0].q, "灵活就业人员怎样参加医保？");
    assert_string_equal(c.r[0].date, "2025-03-17");
    assert_string_equal(c.r[0].source, "good.jsonl");
    assert_int_equal(c.r[0].line, 1);
    /* No id: the hash id; "source" given: it wins over the file name. */
    assert_string_equal(c.r[1].id, "h020861824d8c70aa");
    assert_string_equal(c.r[1].a, "一般由政府代缴。\n具体看当地政策。");
    assert_string_equal(c.r[1].source, "faq-2025");
    assert_int_equal(c.r[1].line, 3);
    assert_string_equal(c.r[2].id, "q7");
    assert_int_equal(c.r[2].kind, WD_KIND_QUESTION);
    assert_int_equal(c.r[2].line, 5);
    coll_free(&c);
}

static void test_corpus__jsonl_bad_lines(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "bad.jsonl", NULL, &c, &e), WD_OK);
    /* Good lines before and after the bad ones are all delivered. */
    assert_int_equal(c.n, 4);
    assert_string_equal(c.r[0].id, "b1");
    assert_string_equal(c.r[1].id, "b2");
    assert_string_equal(c.r[2].id, "b9");
    assert_null(c.r[2].date); /* "2025/03/17" is dropped with a warning */
    assert_string_equal(c.r[3].id, "b10");
    assert_int_equal(c.r[3].line, 10);
    assert_int_equal(skips(&c), 6);

    const diag *d = diag_at(&c, 3);
    assert_non_null(d);
    assert_int_equal(d->level, WD_DIAG_SKIP);
    assert_int_equal(d->code, WD_EFORMAT);
    assert_string_equal(d->file, DATA "bad.jsonl");
    assert_int_equal(strncmp(d->msg, "not valid JSON (", 16), 0);
    assert_non_null(strstr(d->msg, "at column 43); the record was skipped"));
    assert_string_equal(diag_at(&c, 4)->msg, "no \"answer\" field; the record was skipped");
    assert_non_null(strstr(diag_at(&c, 5)->msg, "\"question\" is an integer, not a string"));
    assert_non_null(strstr(diag_at(&c, 6)->msg, "not a JSON object"));
    assert_non_null(strstr(diag_at(&c, 7)->msg, "\"kind\""));
    assert_non_null(strstr(diag_at(&c, 8)->msg, "empty question"));
    d = diag_at(&c, 9);
    assert_int_equal(d->level, WD_DIAG_WARNING);
    assert_non_null(strstr(d->msg, "2025/03/17"));
    coll_free(&c);
}

static void test_corpus__jsonl_duplicate_id(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "dup.jsonl", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 3); /* the later record is passed on too */
    assert_string_equal(c.r[2].id, "a1");
    assert_string_equal(c.r[2].q, "新问题");
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].level, WD_DIAG_WARNING);
    assert_int_equal(c.d[0].line, 3);
    assert_string_equal(c.d[0].msg, "id a1 repeats line 1; the later record replaces it");
    coll_free(&c);
}

static void test_corpus__json_array_refused(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "array.json", NULL, &c, &e), WD_EFORMAT);
    assert_int_equal(e.code, WD_EFORMAT);
    assert_non_null(strstr(e.message, "array.json"));
    assert_non_null(strstr(e.message, "JSON Lines"));
    assert_int_equal(c.n, 0);
    coll_free(&c);
}

/* ------------------------------------------------------------------ */
/* TSV and CSV                                                         */
/* ------------------------------------------------------------------ */

static void test_corpus__tsv(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "sample.tsv", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.r[0].id, "t1");
    assert_string_equal(c.r[0].q, "医保断缴怎么办？");
    assert_string_equal(c.r[0].a, "尽快补缴，具体看当地政策。");
    assert_int_equal(c.r[0].line, 2);
    /* An empty id cell: the hash id. */
    assert_int_equal(c.r[1].id[0], 'h');
    assert_int_equal(strlen(c.r[1].id), 17);
    assert_int_equal(c.r[1].line, 5);
    /* TSV has no quoting: quotes are text. */
    assert_string_equal(c.r[2].q, "引号\"不算\"特殊");
    assert_string_equal(c.r[2].a, "\"原样保留\"");
    assert_int_equal(c.nd, 2);
    assert_non_null(strstr(diag_at(&c, 3)->msg, "2 fields where the header has 3"));
    assert_non_null(strstr(diag_at(&c, 4)->msg, "empty question"));
    coll_free(&c);
}

/* Column mapping: source and date columns (by their names, or the ones
 * named), and a question made of several columns (the medical CSV's title
 * and ask), joined with a space, empty parts left out. */
static void test_corpus__table_maps_source_date_and_a_question_of_columns(void **state)
{
    (void)state;
    const char *csv = "department,title,ask,answer,date,source\n"
                      "内科,高血压能吃鸡蛋吗,我血压150,可以适量吃。,2020-05-01,门诊问答\n"
                      "外科,骨折多久能好,,一般三个月。,,\n"
                      "儿科,发烧怎么办,孩子38度,多喝水。,2020/05/01,\n";
    coll c = { 0 };
    wd_error e;
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.question_column = "title,ask";
    assert_int_equal(
        wd_corpus_read_buffer("med.csv", csv, strlen(csv), &o, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.r[0].q, "高血压能吃鸡蛋吗 我血压150");
    assert_string_equal(c.r[0].source, "门诊问答");
    assert_string_equal(c.r[0].date, "2020-05-01");
    assert_string_equal(c.r[1].q, "骨折多久能好"); /* an empty part adds nothing */
    assert_string_equal(c.r[1].source, "med.csv"); /* an empty cell: the file's name */
    assert_null(c.r[1].date);
    assert_null(c.r[2].date); /* not YYYY-MM-DD: kept without, with a warning */
    assert_int_equal(c.nd, 1);
    assert_non_null(strstr(c.r[2].q, "发烧怎么办"));
    assert_non_null(strstr(diag_at(&c, 4)->msg, "not YYYY-MM-DD"));
    coll_free(&c);

    /* --field-column: extra fields, an empty cell leaving the field out. */
    wd_read_opts of = WD_READ_OPTS_INIT;
    of.question_column = "title";
    of.field_columns = "department, ask";
    assert_int_equal(
        wd_corpus_read_buffer("med.csv", csv, strlen(csv), &of, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.r[0].fields, "department=内科;ask=我血压150;");
    assert_string_equal(c.r[1].fields, "department=外科;");
    coll_free(&c);
    of.field_columns = "department,room";
    assert_int_equal(
        wd_corpus_read_buffer("med.csv", csv, strlen(csv), &of, on_record, on_diag, &c, &e),
        WD_EFORMAT);
    assert_non_null(strstr(e.message, "no \"room\" column"));
    coll_free(&c);
    of.field_columns = "date"; /* a record's own key cannot be an extra field */
    assert_int_equal(
        wd_corpus_read_buffer("med.csv", csv, strlen(csv), &of, on_record, on_diag, &c, &e),
        WD_EINVAL);
    assert_non_null(strstr(e.message, "--field-column"));
    coll_free(&c);

    /* Other names, given. */
    const char *tsv = "q\ta\tfrom\twhen\nx问题\ty答案\t来源甲\t2021-01-02\n";
    wd_read_opts o2 = WD_READ_OPTS_INIT;
    o2.question_column = "q";
    o2.answer_column = "a";
    o2.source_column = "from";
    o2.date_column = "when";
    assert_int_equal(
        wd_corpus_read_buffer("x.tsv", tsv, strlen(tsv), &o2, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.r[0].source, "来源甲");
    assert_string_equal(c.r[0].date, "2021-01-02");
    coll_free(&c);
    /* A column named that the header lacks: the file is refused, naming it. */
    o2.date_column = "day";
    assert_int_equal(
        wd_corpus_read_buffer("x.tsv", tsv, strlen(tsv), &o2, on_record, on_diag, &c, &e),
        WD_EFORMAT);
    assert_non_null(strstr(e.message, "no \"day\" column"));
    assert_non_null(strstr(e.message, "--date-column"));
    coll_free(&c);
    o2.date_column = "when";
    o2.question_column = "q,nope";
    assert_int_equal(
        wd_corpus_read_buffer("x.tsv", tsv, strlen(tsv), &o2, on_record, on_diag, &c, &e),
        WD_EFORMAT);
    assert_non_null(strstr(e.message, "no \"nope\" column"));
    coll_free(&c);
}

/* JSON Lines keys beyond the record's own are kept as extra fields: strings
 * and numbers (as text), "field.NAME" (as `wenda export` writes them) as
 * NAME; objects, arrays, booleans, null and names that cannot name a field
 * are left out. */
static void test_corpus__jsonl_keeps_extra_fields(void **state)
{
    (void)state;
    const char *jl = "{\"question\":\"问\",\"answer\":\"答\",\"department\":\"内科\","
                     "\"views\":12,\"tags\":[\"a\"],\"ok\":true,\"none\":null,"
                     "\"field.hospital\":\"一院\",\"bad name\":\"x\"}\n";
    coll c = { 0 };
    wd_error e;
    assert_int_equal(
        wd_corpus_read_buffer("f.jsonl", jl, strlen(jl), NULL, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.r[0].fields, "department=内科;views=12;hospital=一院;");
    coll_free(&c);
}

static void test_corpus__csv_quotes(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "sample.csv", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 5);
    assert_string_equal(c.r[0].q, "医保,社保有什么区别？");
    assert_string_equal(c.r[0].a, "一个管看病，一个管养老");
    assert_string_equal(c.r[1].q, "他说\"可以报销\"对吗？");
    assert_string_equal(c.r[1].a, "对");
    /* A quoted field across three lines; the record starts on line 4 and
     * the next one on line 7. */
    assert_string_equal(c.r[2].id, "c3");
    assert_string_equal(c.r[2].a, "第一行\n第二行\n第三行");
    assert_int_equal(c.r[2].line, 4);
    assert_string_equal(c.r[3].id, "c4");
    assert_int_equal(c.r[3].line, 7);
    assert_string_equal(c.r[4].a, "末尾\"引号\"");
    assert_int_equal(c.nd, 2);
    assert_non_null(strstr(diag_at(&c, 8)->msg, "4 fields where the header has 3"));
    assert_non_null(strstr(diag_at(&c, 9)->msg, "empty question"));
    coll_free(&c);

    /* Unterminated quote at the end of the file. */
    const char csv[] = "question,answer\nq1,a1\nq2,\"never closed\nstill open\n";
    assert_int_equal(
        wd_corpus_read_buffer("x.csv", csv, sizeof csv - 1, NULL, on_record, on_diag, &c, &e),
        WD_OK);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].line, 3);
    assert_non_null(strstr(c.d[0].msg, "not closed"));
    coll_free(&c);
}

/* A .txt whose first line is a question<TAB>answer header is TSV. */
static void test_corpus__header_detection(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "header.txt", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.r[1].q, "医保卡丢了怎么办？");
    assert_int_equal(c.r[1].line, 3);
    coll_free(&c);

    assert_int_equal(wd_corpus_detect_format("a.txt", "question\tanswer\n", 16), WD_FORMAT_TSV);
    assert_int_equal(wd_corpus_detect_format("a.txt", "\xEF\xBB\xBFQuestion \t ANSWER\r\n", 22),
                     WD_FORMAT_TSV);
    assert_int_equal(wd_corpus_detect_format("a.jsonl", "id,question,answer", 18), WD_FORMAT_CSV);
    assert_int_equal(wd_corpus_detect_format("a.txt", "\"question\",\"answer\"", 19),
                     WD_FORMAT_CSV);
    const char *json = "{\"question\": \"q\", \"answer\": \"a\"}";
    assert_int_equal(wd_corpus_detect_format("a.jsonl", json, strlen(json)), WD_FORMAT_JSONL);
    assert_int_equal(wd_corpus_detect_format("a.ndjson", json, strlen(json)), WD_FORMAT_JSONL);
    assert_int_equal(wd_corpus_detect_format("a.JSON", json, strlen(json)), WD_FORMAT_JSONL);
    assert_int_equal(wd_corpus_detect_format("dir.v2/page", "问题", 6), WD_FORMAT_NONE);
    assert_int_equal(wd_corpus_detect_format("README.md", "# wenda", 7), WD_FORMAT_NONE);
    assert_int_equal(wd_corpus_detect_format("kb", "question\tanswer", 15), WD_FORMAT_TSV);
    assert_int_equal(wd_corpus_detect_format("a.txt", "灵活就业的医保就是居民医保吗", 42),
                     WD_FORMAT_SEED);
    assert_int_equal(wd_corpus_detect_format("a.csv", "q,a", 3), WD_FORMAT_CSV);
    assert_int_equal(wd_corpus_detect_format("a.tsv", "q\ta", 3), WD_FORMAT_TSV);
    assert_int_equal(wd_corpus_detect_format(NULL, NULL, 0), WD_FORMAT_NONE);
}

/* AUTO reads only what it recognises: a file of another name without a
 * header (README.md, a password file), and a .txt that is no seed page (a
 * table's rows, a one-line file), are refused whole with WD_EFORMAT naming
 * the format expected and --input-format; --input-format reads them. A
 * seed page, a headed table of any name and an empty file are read as
 * before. */
static void test_corpus__auto_refuses_files_of_no_format(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text, *expect; /* expect NULL: read */
    } cases[] = {
        { "README.md", "# wenda (问答)\n\nA search engine.\n", "its name does not end in" },
        { "passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n",
          "not a knowledge-base file" },
        { "class.txt", "0\t不同\n1\t相同\n", "holds a tab" },
        { "dev.txt", "保险怎么买[SEP]哪种保险好\t0\n", "holds a tab" },
        { "note.txt", "只有一行\n", "one line" },
        { "page.txt", "医保怎么交\n\n在网上交。\n", NULL },
        { "qa.dat", "question\tanswer\n医保怎么交\t在网上交。\n", NULL },
        { "blank.txt", "\n\n", NULL },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        coll c = { 0 };
        wd_error e;
        wd_error_clear(&e);
        int rc = wd_corpus_read_buffer(cases[k].name, cases[k].text, strlen(cases[k].text), NULL,
                                       on_record, on_diag, &c, &e);
        if (!cases[k].expect) {
            if (rc != WD_OK)
                fail_msg("%s: %s", cases[k].name, e.message);
        } else {
            assert_int_equal(rc, WD_EFORMAT);
            assert_int_equal(c.n, 0);
            if (!strstr(e.message, cases[k].expect) || !strstr(e.message, cases[k].name) ||
                !strstr(e.message, "--input-format seed|jsonl|tsv|csv"))
                fail_msg("%s: %s", cases[k].name, e.message);
            /* said what they are, they are read */
            wd_read_opts o = WD_READ_OPTS_INIT;
            o.format = WD_FORMAT_SEED;
            coll_free(&c);
            assert_int_equal(wd_corpus_read_buffer(cases[k].name, cases[k].text,
                                                   strlen(cases[k].text), &o, on_record, on_diag,
                                                   &c, &e),
                             WD_OK);
        }
        coll_free(&c);
    }
}

static void test_corpus__custom_columns(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.question_column = "问题";
    o.answer_column = "答案";
    o.id_column = "编号";
    assert_int_equal(read_file(DATA "custom.csv", &o, &c, &e), WD_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.r[0].id, "x1");
    assert_string_equal(c.r[0].q, "生育险怎么报销？");
    assert_string_equal(c.r[1].a, "到人社局申请。");
    coll_free(&c);

    /* An id column asked for by name must exist. */
    o.id_column = "no_such";
    assert_int_equal(read_file(DATA "custom.csv", &o, &c, &e), WD_EFORMAT);
    assert_non_null(strstr(e.message, "--id-column"));
    coll_free(&c);
}

static void test_corpus__missing_column(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "nocolumns.csv", NULL, &c, &e), WD_EFORMAT);
    assert_int_equal(e.code, WD_EFORMAT);
    assert_string_equal(e.origin, "corpus");
    assert_non_null(strstr(e.message, "nocolumns.csv"));
    assert_non_null(strstr(e.message, "\"question\""));
    assert_non_null(strstr(e.message, "\"query1\""));
    assert_non_null(strstr(e.message, "\"label\""));
    assert_non_null(strstr(e.message, "--question-column"));
    assert_int_equal(c.n, 0);
    coll_free(&c);

    wd_read_opts o = WD_READ_OPTS_INIT;
    o.format = WD_FORMAT_TSV;
    assert_int_equal(read_file(DATA "header.txt", &o, &c, &e), WD_OK);
    o.answer_column = "reply";
    assert_int_equal(read_file(DATA "header.txt", &o, &c, &e), WD_EFORMAT);
    assert_non_null(strstr(e.message, "\"reply\""));
    assert_non_null(strstr(e.message, "--answer-column"));
    coll_free(&c);
}

static void test_corpus__insurance_corpus(void **state)
{
    (void)state;
    if (!file_exists(INSURANCE)) {
        skip();
        return;
    }
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(INSURANCE, NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 3769);
    assert_int_equal(skips(&c), 0);
    assert_int_equal(c.r[0].line, 2);
    assert_string_equal(c.r[0].source, "corpus.txt");
    coll_free(&c);
}

/* ------------------------------------------------------------------ */
/* Encodings                                                           */
/* ------------------------------------------------------------------ */

static void test_corpus__bom_crlf(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "bom_crlf.jsonl", NULL, &c, &e), WD_OK);
    assert_int_equal(c.nd, 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.r[0].q, "带BOM的问题");
    assert_string_equal(c.r[1].a, "答案二");
    coll_free(&c);

    /* A BOM before a TSV header and CRLF rows. */
    const char tsv[] = "\xEF\xBB\xBFquestion\tanswer\r\nq1\ta1\r\nq2\ta2\r\n";
    assert_int_equal(
        wd_corpus_read_buffer("t.txt", tsv, sizeof tsv - 1, NULL, on_record, on_diag, &c, &e),
        WD_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.r[1].q, "q2");
    assert_string_equal(c.r[1].a, "a2");
    assert_int_equal(c.r[1].line, 3);
    coll_free(&c);
}

static void test_corpus__invalid_utf8_line(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "invalid_utf8.jsonl", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.r[2].id, "u4");
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].level, WD_DIAG_SKIP);
    assert_int_equal(c.d[0].code, WD_EENCODING);
    assert_int_equal(c.d[0].line, 3);
    assert_string_equal(c.d[0].file, DATA "invalid_utf8.jsonl");
    assert_string_equal(c.d[0].msg, "invalid UTF-8 at byte 27; the record was skipped (save the "
                                    "file as UTF-8, or pass --encoding gb18030 if it is GBK)");
    coll_free(&c);
}

static void test_corpus__nul_byte(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "nul.jsonl", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.r[1].id, "n3");
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].line, 2);
    assert_non_null(strstr(c.d[0].msg, "NUL byte"));
    coll_free(&c);

    const char tsv[] = "question\tanswer\nq\0x\ta\nq2\ta2\n";
    assert_int_equal(
        wd_corpus_read_buffer("n.tsv", tsv, sizeof tsv - 1, NULL, on_record, on_diag, &c, &e),
        WD_OK);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].line, 2);
    coll_free(&c);
}

static void test_corpus__gbk_refused(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "gbk.tsv", NULL, &c, &e), WD_EENCODING);
    assert_int_equal(e.code, WD_EENCODING);
    assert_non_null(strstr(e.message, "gbk.tsv"));
    assert_non_null(strstr(e.message, "looks like GBK/GB18030; pass --encoding gb18030"));
    assert_int_equal(c.n, 0);
    coll_free(&c);

    if (file_exists(TIANCHI_GBK)) {
        assert_int_equal(read_file(TIANCHI_GBK, NULL, &c, &e), WD_EENCODING);
        assert_int_equal(c.n, 0);
        coll_free(&c);
    }
}

static void test_corpus__gbk_converted(void **state)
{
    (void)state;
    coll want = { 0 }, c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "gbk_utf8.tsv", NULL, &want, &e), WD_OK);
    assert_int_equal(want.n, 4);
    static const char *const names[] = { "gb18030", "GBK", "gb2312" };
    for (size_t k = 0; k < 3; k++) {
        wd_read_opts o = WD_READ_OPTS_INIT;
        o.encoding = names[k];
        assert_int_equal(read_file(DATA "gbk.tsv", &o, &c, &e), WD_OK);
        assert_int_equal(c.nd, 0);
        assert_int_equal(c.n, want.n);
        for (size_t i = 0; i < c.n; i++) {
            assert_string_equal(c.r[i].q, want.r[i].q);
            assert_string_equal(c.r[i].a, want.r[i].a);
            assert_string_equal(c.r[i].id, want.r[i].id);
            assert_int_equal(c.r[i].line, want.r[i].line);
        }
        coll_free(&c);
    }
    coll_free(&want);

    /* --encoding gb18030 on a UTF-8 file: read, with a warning. */
    wd_read_opts o8 = WD_READ_OPTS_INIT;
    o8.encoding = "gb18030";
    assert_int_equal(read_file(DATA "gbk_utf8.tsv", &o8, &c, &e), WD_OK);
    assert_true(c.nd >= 1);
    assert_int_equal(c.d[0].level, WD_DIAG_WARNING);
    assert_non_null(strstr(c.d[0].msg, "is valid UTF-8"));
    coll_free(&c);

    /* A byte that is not GB18030 spoils only its own line. */
    const char gbk[] = "question\tanswer\n\xd2\xbd\xb1\xa3\ta\n\xff\xff\tb\nq3\tc\n";
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.encoding = "gb18030";
    assert_int_equal(
        wd_corpus_read_buffer("g.tsv", gbk, sizeof gbk - 1, &o, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.r[0].q, "医保");
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].line, 3);
    assert_non_null(strstr(c.d[0].msg, "GB18030"));
    coll_free(&c);

    if (file_exists(TIANCHI_GBK) && file_exists(TIANCHI_UTF8)) {
        o.question_column = "query1";
        o.answer_column = "query2";
        assert_int_equal(read_file(TIANCHI_GBK, &o, &c, &e), WD_OK);
        o.encoding = NULL;
        assert_int_equal(read_file(TIANCHI_UTF8, &o, &want, &e), WD_OK);
        assert_int_equal(c.n, 2002);
        assert_int_equal(want.n, 2002);
        for (size_t i = 0; i < c.n; i++) {
            assert_string_equal(c.r[i].q, want.r[i].q);
            assert_string_equal(c.r[i].a, want.r[i].a);
        }
        coll_free(&c);
        coll_free(&want);
    }
}

static void test_corpus__unknown_encoding(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.encoding = "latin-9";
    assert_int_equal(read_file(DATA "good.jsonl", &o, &c, &e), WD_EINVAL);
    assert_non_null(strstr(e.message, "latin-9"));
    o.encoding = "UTF-8";
    assert_int_equal(read_file(DATA "good.jsonl", &o, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    coll_free(&c);
    o.encoding = NULL;
    o.format = 99;
    assert_int_equal(read_file(DATA "good.jsonl", &o, &c, &e), WD_EINVAL);
}

/* One damaged byte in the header of a UTF-8 table is not GBK, but nothing
 * can be read without the header. */
static void test_corpus__bad_header_encoding(void **state)
{
    (void)state;
    const char tsv[] = "question\tanswer\xff\n问\t答\n";
    coll c = { 0 };
    wd_error e;
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.format = WD_FORMAT_TSV;
    assert_int_equal(
        wd_corpus_read_buffer("h.tsv", tsv, sizeof tsv - 1, &o, on_record, on_diag, &c, &e),
        WD_EENCODING);
    assert_non_null(strstr(e.message, "h.tsv: the header on line 1 has invalid UTF-8 at byte 16"));
    assert_int_equal(c.n, 0);
    coll_free(&c);
}

static void test_corpus__utf16_refused(void **state)
{
    (void)state;
    const char u16[] = "\xFF\xFEq\0u\0e\0s\0t\0i\0o\0n\0\t\0a\0\n\0";
    coll c = { 0 };
    wd_error e;
    assert_int_equal(
        wd_corpus_read_buffer("u.tsv", u16, sizeof u16 - 1, NULL, on_record, on_diag, &c, &e),
        WD_EENCODING);
    assert_non_null(strstr(e.message, "UTF-16"));
    coll_free(&c);
}

/* ------------------------------------------------------------------ */
/* Limits, errors, control                                             */
/* ------------------------------------------------------------------ */

static void test_corpus__empty_file(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "empty.txt", NULL, &c, &e), WD_OK);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].level, WD_DIAG_WARNING);
    assert_int_equal(c.d[0].line, 0);
    assert_string_equal(c.d[0].file, DATA "empty.txt");
    assert_string_equal(c.d[0].msg, "empty file");
    coll_free(&c);
    static const char *const names[] = { "e.jsonl", "e.tsv", "e.csv", "e.txt" };
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(wd_corpus_read_buffer(names[i], "", 0, NULL, on_record, on_diag, &c, &e),
                         WD_OK);
        assert_int_equal(c.n, 0);
        coll_free(&c);
        assert_int_equal(wd_corpus_read_buffer(names[i], NULL, 0, NULL, on_record, on_diag, &c, &e),
                         WD_OK);
        coll_free(&c);
    }
}

static void test_corpus__oversize_record(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.max_record_bytes = 40;
    assert_int_equal(read_file(DATA "good.jsonl", &o, &c, &e), WD_OK);
    /* Every field the record keeps counts: 39 + 45 bytes of question and
     * answer, the id a1, the source good.jsonl and the date; 24 + 49 with a
     * 17-byte hash id and the source faq-2025; 33 + 27 with q7 and good.jsonl,
     * and its extra field score=0.5. */
    assert_int_equal(c.n, 0);
    assert_int_equal(c.nd, 3);
    assert_int_equal(c.d[0].line, 1);
    assert_non_null(strstr(
        c.d[0].msg, "record of 106 bytes (question 39, answer 45, id 2, source 10, date 10)"));
    assert_non_null(strstr(c.d[0].msg, "--max-record-bytes"));
    assert_non_null(strstr(c.d[1].msg, "record of 98 bytes"));
    assert_non_null(strstr(c.d[2].msg, "record of 80 bytes"));
    assert_non_null(strstr(c.d[2].msg, "extra fields 8)"));
    coll_free(&c);

    o.max_record_bytes = 80;
    assert_int_equal(read_file(DATA "good.jsonl", &o, &c, &e), WD_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.r[0].id, "q7");
    coll_free(&c);
}

/* Lines far longer than the 64 KiB read chunk, and the default limit. */
static void test_corpus__long_lines(void **state)
{
    (void)state;
    size_t big = 3u << 20; /* 3 MiB answer: over the default 1 MiB limit */
    size_t mid = 300u * 1024u;
    size_t cap = big + mid + 256;
    char *buf = malloc(cap);
    size_t n = 0;
    n += (size_t)sprintf(buf + n, "question\tanswer\nq1\t");
    memset(buf + n, 'a', mid);
    n += mid;
    n += (size_t)sprintf(buf + n, "\nq2\t");
    memset(buf + n, 'b', big);
    n += big;
    n += (size_t)sprintf(buf + n, "\nq3\tlast\n");
    coll c = { 0 };
    wd_error e;
    assert_int_equal(wd_corpus_read_buffer("long.tsv", buf, n, NULL, on_record, on_diag, &c, &e),
                     WD_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(strlen(c.r[0].a), mid);
    assert_string_equal(c.r[1].q, "q3");
    assert_int_equal(c.r[1].line, 4);
    assert_int_equal(c.nd, 1);
    assert_int_equal(c.d[0].line, 3);
    assert_non_null(strstr(c.d[0].msg, "--max-record-bytes"));
    coll_free(&c);

    wd_read_opts o = WD_READ_OPTS_INIT;
    o.max_record_bytes = 4u << 20;
    assert_int_equal(wd_corpus_read_buffer("long.tsv", buf, n, &o, on_record, on_diag, &c, &e),
                     WD_OK);
    assert_int_equal(c.n, 3);
    assert_int_equal(strlen(c.r[1].a), big);
    coll_free(&c);
    free(buf);
}

static void test_corpus__missing_file(void **state)
{
    (void)state;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(read_file(DATA "no_such_file.jsonl", NULL, &c, &e), WD_ENOTFOUND);
    assert_int_equal(e.code, WD_ENOTFOUND);
    assert_string_equal(e.message, DATA "no_such_file.jsonl: no such file");
    assert_int_equal(read_file(WD_TEST_DATA "/corpus", NULL, &c, &e), WD_EIO);
    assert_non_null(strstr(e.message, "directory"));
    assert_int_equal(wd_corpus_read_file(NULL, NULL, on_record, on_diag, &c, &e), WD_EINVAL);
    /* err may be NULL. */
    assert_int_equal(read_file(DATA "no_such_file.jsonl", NULL, &c, NULL), WD_ENOTFOUND);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.nd, 0);
}

static void test_corpus__callback_stop(void **state)
{
    (void)state;
    static const char *const files[] = { SEEDS "000_e31b320f51b19bad.txt", DATA "good.jsonl",
                                         DATA "sample.tsv", DATA "sample.csv",
                                         DATA "gbk_utf8.tsv" };
    for (size_t i = 0; i < 5; i++) {
        coll c = { 0 };
        c.stop_after = 2;
        c.stop_rc = 7;
        wd_error e;
        assert_int_equal(read_file(files[i], NULL, &c, &e), 7);
        assert_int_equal(c.n, 2);
        assert_int_equal(e.code, 7);
        coll_free(&c);
        c.stop_after = 1;
        c.stop_rc = WD_ESTOP;
        assert_int_equal(read_file(files[i], NULL, &c, &e), WD_ESTOP);
        assert_int_equal(c.n, 1);
        coll_free(&c);
    }
}

static int count_only(void *ctx, const wd_record *r)
{
    (void)r;
    (*(size_t *)ctx)++;
    return 0;
}

static void test_corpus__read_buffer(void **state)
{
    (void)state;
    const char jl[] = "{\"question\": \"q\", \"answer\": \"a\"}\n";
    coll c = { 0 };
    wd_error e;
    /* The name decides the format and is the source. */
    assert_int_equal(
        wd_corpus_read_buffer("mem/kb.jsonl", jl, sizeof jl - 1, NULL, on_record, on_diag, &c, &e),
        WD_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.r[0].source, "kb.jsonl");
    assert_string_equal(c.r[0].id, "h70155019525e1d48");
    coll_free(&c);
    /* The same bytes named .txt are no seed page (one line, no answer):
     * refused whole, saying how to read them anyway. */
    assert_int_equal(
        wd_corpus_read_buffer("kb.txt", jl, sizeof jl - 1, NULL, on_record, on_diag, &c, &e),
        WD_EFORMAT);
    assert_int_equal(c.n, 0);
    assert_non_null(strstr(e.message, "--input-format"));
    coll_free(&c);
    /* An explicit format wins over the name. */
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.format = WD_FORMAT_JSONL;
    assert_int_equal(
        wd_corpus_read_buffer("kb.txt", jl, sizeof jl - 1, &o, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 1);
    coll_free(&c);
    /* No diagnostic callback, and a counting record callback. */
    size_t count = 0;
    assert_int_equal(wd_corpus_read_buffer("a.csv", "question,answer\n,x\nq,a\n", 23, NULL,
                                           count_only, NULL, &count, &e),
                     WD_OK);
    assert_int_equal(count, 1);
    assert_int_equal(wd_corpus_read_buffer(NULL, jl, 3, NULL, on_record, on_diag, &c, &e),
                     WD_EINVAL);
    assert_int_equal(wd_corpus_read_buffer("x", NULL, 3, NULL, on_record, on_diag, &c, &e),
                     WD_EINVAL);
}

static void test_corpus__names(void **state)
{
    (void)state;
    assert_int_equal(wd_corpus_format_from_name("auto"), WD_FORMAT_AUTO);
    assert_int_equal(wd_corpus_format_from_name("seed"), WD_FORMAT_SEED);
    assert_int_equal(wd_corpus_format_from_name("jsonl"), WD_FORMAT_JSONL);
    assert_int_equal(wd_corpus_format_from_name("TSV"), WD_FORMAT_TSV);
    assert_int_equal(wd_corpus_format_from_name("csv"), WD_FORMAT_CSV);
    assert_int_equal(wd_corpus_format_from_name("xml"), -1);
    assert_int_equal(wd_corpus_format_from_name(NULL), -1);
    assert_string_equal(wd_corpus_kind_name(WD_KIND_QA), "qa");
    assert_string_equal(wd_corpus_kind_name(WD_KIND_QUESTION), "question");
    assert_int_equal(wd_corpus_kind_from_name("question"), WD_KIND_QUESTION);
    assert_int_equal(wd_corpus_kind_from_name("qa"), WD_KIND_QA);
    assert_int_equal(wd_corpus_kind_from_name("faq"), -1);
    char id[WD_CORPUS_HASH_ID_SIZE];
    wd_corpus_hash_id("", 0, "", 0, id);
    assert_string_equal(id, "haf63d24c8601db8e");
    wd_corpus_hash_id("q", 1, "a", 1, id);
    assert_string_equal(id, "h70155019525e1d48");
}

/* ------------------------------------------------------------------ */
/* Question lists                                                      */
/* ------------------------------------------------------------------ */

typedef struct quest {
    char *text;
    size_t len, line;
    unsigned long long consumed;
} quest;

typedef struct qcoll {
    quest *q;
    size_t n, cap;
    coll d; /* diagnostics, through on_diag */
    size_t stop_after;
    const char *file; /* the file name the last question came with */
} qcoll;

static int on_question(void *ctx, const wd_question *q)
{
    qcoll *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->q = realloc(c->q, c->cap * sizeof *c->q);
        assert_non_null(c->q);
    }
    assert_non_null(q->text);
    assert_int_equal(strlen(q->text), q->len);
    if (c->n)
        assert_true(q->consumed >= c->q[c->n - 1].consumed);
    c->q[c->n++] = (quest){ strdup(q->text), q->len, q->line, q->consumed };
    c->file = q->file;
    return c->stop_after && c->n == c->stop_after ? WD_ESTOP : 0;
}

static void on_question_diag(void *ctx, int level, const char *file, size_t line, int code,
                             const char *message)
{
    on_diag(&((qcoll *)ctx)->d, level, file, line, code, message);
}

static void qcoll_free(qcoll *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->q[i].text);
    free(c->q);
    coll_free(&c->d);
    memset(c, 0, sizeof *c);
}

/* Read `text` as a question list named `name` in format `fmt`. */
static int read_questions(const char *name, const char *text, size_t len, int fmt, qcoll *c,
                          wd_error *e)
{
    wd_question_opts o = WD_QUESTION_OPTS_INIT;
    o.format = fmt;
    return wd_corpus_read_questions_buffer(name, text, len, &o, on_question, on_question_diag, c,
                                           e);
}

/* Question i is `text` from line `line`. */
static void assert_question(const qcoll *c, size_t i, const char *text, size_t line)
{
    if (i >= c->n)
        fail_msg("question %zu of %zu", i, c->n);
    assert_string_equal(c->q[i].text, text);
    assert_int_equal(c->q[i].line, line);
}

/* Skip diagnostic i: at `line`, with exactly this message. */
static void assert_skip(const qcoll *c, size_t i, size_t line, int code, const char *msg)
{
    if (i >= c->d.nd)
        fail_msg("diagnostic %zu of %zu", i, c->d.nd);
    assert_int_equal(c->d.d[i].level, WD_DIAG_SKIP);
    assert_int_equal(c->d.d[i].line, line);
    assert_int_equal(c->d.d[i].code, code);
    assert_string_equal(c->d.d[i].msg, msg);
}

/* One a line: a BOM, CRLF (and a doubled CR), blank lines (spaces, tabs,
 * U+3000) passed over in silence, spaces inside a question kept, a last
 * line without a line break; every question with its own line number and
 * the bytes read up to its end. */
static void test_corpus__questions_one_a_line_keep_their_line_numbers(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF"
                        "医保断缴了怎么办\r\n"
                        "\n"
                        "   \t\n"
                        "\xE3\x80\x80\xE3\x80\x80\r\n"
                        " 公积金 怎么提取 \n"
                        "低保户要交医保吗\r\r\n"
                        "最后一行";
    qcoll c = { 0 };
    wd_error e;
    assert_int_equal(read_questions("q.txt", text, sizeof text - 1, WD_FORMAT_AUTO, &c, &e), WD_OK);
    assert_int_equal(c.n, 4);
    assert_question(&c, 0, "医保断缴了怎么办", 1);
    assert_question(&c, 1, " 公积金 怎么提取 ", 5);
    assert_question(&c, 2, "低保户要交医保吗", 6);
    assert_question(&c, 3, "最后一行", 7);
    assert_int_equal(c.d.nd, 0);
    /* BOM + the first line and its CRLF; the whole input at the end. */
    assert_int_equal(c.q[0].consumed, 3 + strlen("医保断缴了怎么办") + 2);
    assert_int_equal(c.q[3].consumed, sizeof text - 1);
    assert_string_equal(c.file, "q.txt");
    qcoll_free(&c);
}

/* What spoils a line of a one-a-line list, each with its message, and the
 * questions around it still read: a NUL byte, invalid UTF-8 (its byte
 * numbered from 1), a question over the limit (4096 bytes pass, 4097 do
 * not; the limit can be set). */
static void test_corpus__questions_bad_lines_skipped_with_their_messages(void **state)
{
    (void)state;
    size_t big = 4097;
    char *text = malloc(2 * big + 256);
    size_t n = 0;
    n += (size_t)sprintf(text + n, "第一\nab\xff"
                                   "cd\n");
    memcpy(text + n, "nul\0byte\n", 9);
    n += 9;
    memset(text + n, 'a', big - 1); /* 4096 bytes: read */
    n += big - 1;
    text[n++] = '\n';
    memset(text + n, 'b', big); /* 4097 bytes: skipped */
    n += big;
    n += (size_t)sprintf(text + n, "\n最后\n");
    qcoll c = { 0 };
    wd_error e;
    assert_int_equal(read_questions("bad.txt", text, n, WD_FORMAT_LINES, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    assert_question(&c, 0, "第一", 1);
    assert_int_equal(c.q[1].len, 4096);
    assert_int_equal(c.q[1].line, 4);
    assert_question(&c, 2, "最后", 6);
    assert_int_equal(c.d.nd, 3);
    assert_skip(&c, 0, 2, WD_EENCODING, "not valid UTF-8 (byte 3); the line was skipped");
    assert_skip(&c, 1, 3, WD_EENCODING, "a NUL byte in the question; the line was skipped");
    assert_skip(&c, 2, 5, WD_EFORMAT,
                "the question is longer than 4096 bytes; the line was skipped");
    assert_string_equal(c.d.d[0].file, "bad.txt");
    qcoll_free(&c);

    wd_question_opts o = WD_QUESTION_OPTS_INIT;
    o.max_question_bytes = 4;
    assert_int_equal(wd_corpus_read_questions_buffer("s.txt", "四个字节\nab\n",
                                                     strlen("四个字节\nab\n"), &o, on_question,
                                                     on_question_diag, &c, &e),
                     WD_OK);
    assert_int_equal(c.n, 1);
    assert_question(&c, 0, "ab", 2);
    assert_skip(&c, 0, 1, WD_EFORMAT, "the question is longer than 4 bytes; the line was skipped");
    qcoll_free(&c);
    free(text);
}

/* A TSV list: only the question column is read, so a row may have more
 * cells than the header and a broken cell elsewhere does not matter; a
 * row that stops before the question column, a NUL byte anywhere in the
 * line (TSV cannot quote one) and a bad question are skipped. */
static void test_corpus__questions_from_a_tsv_column(void **state)
{
    (void)state;
    const char text[] = "id\tQuestion \tnote\n"
                        "1\t医保断缴了怎么办\tok\n"
                        "\n"
                        "2\n"
                        "3\t公积金\t\0x\n"
                        "4\t低保户要交医保吗\tbad\xff note\n"
                        "5\tq\xfe\tn\n"
                        "6\t\t\n"
                        "7\t\"引号\"照原样\textra\tcells\n";
    qcoll c = { 0 };
    wd_error e;
    assert_int_equal(read_questions("t.tsv", text, sizeof text - 1, WD_FORMAT_AUTO, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    assert_question(&c, 0, "医保断缴了怎么办", 2);
    assert_question(&c, 1, "低保户要交医保吗", 6);
    assert_question(&c, 2, "\"引号\"照原样", 9);
    assert_int_equal(c.d.nd, 3);
    assert_skip(&c, 0, 4, WD_EFORMAT,
                "too few columns for the question column; the line was skipped");
    assert_skip(&c, 1, 5, WD_EENCODING, "a NUL byte in the line; the line was skipped");
    assert_skip(&c, 2, 7, WD_EENCODING, "not valid UTF-8 (byte 2); the line was skipped");
    qcoll_free(&c);
}

/* A CSV list: RFC 4180 quoting (commas and "" inside quotes), a quoted
 * question spanning lines (its line breaks kept as "\n", CRs dropped,
 * numbered by the line it starts on, and the next record by its own), and
 * the strict rule: a quote inside an unquoted field or text after a
 * closing quote breaks the record, which still ends with its line; a
 * quote never closed breaks the record at the end of the input. */
static void test_corpus__questions_from_a_csv_column_with_quotes(void **state)
{
    (void)state;
    const char text[] = "id,question,note\r\n"
                        "1,\"医保,社保有什么区别\",x\r\n"
                        "2,\"跨\r\n行的\r\n问题\",y\r\n"
                        "3,他说\"可以\",z\r\n"
                        "4,\"closed\"after,z\r\n"
                        "5,\"他说\"\"可以\"\"对吗\",\"n\0ul\"\r\n"
                        "6\r\n"
                        "7,\"never closed\r\n"
                        "8,公积金,a\r\n";
    qcoll c = { 0 };
    wd_error e;
    assert_int_equal(read_questions("c.csv", text, sizeof text - 1, WD_FORMAT_AUTO, &c, &e), WD_OK);
    assert_int_equal(c.n, 3);
    assert_question(&c, 0, "医保,社保有什么区别", 2);
    assert_question(&c, 1, "跨\n行的\n问题", 3);
    assert_question(&c, 2, "他说\"可以\"对吗", 8);
    assert_int_equal(c.d.nd, 4);
    assert_skip(&c, 0, 6, WD_EFORMAT,
                "malformed CSV (a stray or unclosed quote); the line was skipped");
    assert_skip(&c, 1, 7, WD_EFORMAT,
                "malformed CSV (a stray or unclosed quote); the line was skipped");
    assert_skip(&c, 2, 9, WD_EFORMAT,
                "too few columns for the question column; the line was skipped");
    assert_skip(&c, 3, 10, WD_EFORMAT,
                "malformed CSV (a quote is never closed); the line was skipped");
    qcoll_free(&c);
}

/* A quote opened by mistake in a long CSV list is given up on once its
 * record holds 1 MiB: that record is skipped and the lines after the cut
 * are read as records again, so one bad row cannot eat the whole list. */
static void test_corpus__questions_open_quote_given_up_after_1_mib(void **state)
{
    (void)state;
    size_t lines = 20000, n = 0; /* 20,000 lines of 64 bytes: 1.28 MB */
    char *text = malloc(lines * 64 + 64);
    n += (size_t)sprintf(text + n, "question\n\"open\n");
    for (size_t i = 0; i < lines; i++) {
        memset(text + n, 'x', 63);
        text[n + 63] = '\n';
        n += 64;
    }
    n += (size_t)sprintf(text + n, "last\n");
    qcoll c = { 0 };
    wd_error e;
    assert_int_equal(read_questions("big.csv", text, n, WD_FORMAT_AUTO, &c, &e), WD_OK);
    assert_int_equal(c.d.nd, 1);
    assert_skip(&c, 0, 2, WD_EFORMAT,
                "malformed CSV (a stray or unclosed quote); the line was skipped");
    /* "open" and 16,384 lines of "\n" + 63 bytes reach 1 MiB: the record
     * takes lines 2 to 16,386, and every line after it is a question. */
    assert_int_equal(c.q[0].line, 16387);
    assert_int_equal(c.n, lines + 3 - 16387 + 1);
    assert_question(&c, c.n - 1, "last", lines + 3);
    qcoll_free(&c);
    free(text);
}

/* A table must name its question column; the header is the first
 * non-blank line, and the message names it and how to read the file as
 * one question a line instead. Another name can be asked for. A list
 * with a header and no rows, or nothing at all, is just empty. */
static void test_corpus__questions_header_without_a_question_column_fails(void **state)
{
    (void)state;
    qcoll c = { 0 };
    wd_error e;
    assert_int_equal(read_questions("n.tsv", "id\ttext\n1\t医保\n", 16, WD_FORMAT_AUTO, &c, &e),
                     WD_EFORMAT);
    assert_int_equal(e.code, WD_EFORMAT);
    assert_string_equal(e.message, "n.tsv:1: the header names no 'question' column (use "
                                   "--input-format lines for one question a line)");
    assert_int_equal(c.n, 0);
    assert_int_equal(read_questions("n.csv", "\n\nid,text\n1,q\n", 14, WD_FORMAT_AUTO, &c, &e),
                     WD_EFORMAT);
    assert_string_equal(e.message, "n.csv:3: the header names no 'question' column (use "
                                   "--input-format lines for one question a line)");
    assert_int_equal(c.n, 0);

    assert_int_equal(read_questions("b.csv", "\nquestion\nq1\n", 13, WD_FORMAT_AUTO, &c, &e),
                     WD_OK);
    assert_int_equal(c.n, 1);
    assert_question(&c, 0, "q1", 3);
    qcoll_free(&c);

    wd_question_opts o = WD_QUESTION_OPTS_INIT;
    o.question_column = "问题";
    assert_int_equal(wd_corpus_read_questions_buffer("z.csv", "编号,问题\n1,医保\n",
                                                     strlen("编号,问题\n1,医保\n"), &o, on_question,
                                                     on_question_diag, &c, &e),
                     WD_OK);
    assert_int_equal(c.n, 1);
    assert_question(&c, 0, "医保", 2);
    qcoll_free(&c);

    static const char *const empty[] = { "", "question,answer\n", "\n\n" };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(
            read_questions("e.csv", empty[i], strlen(empty[i]), WD_FORMAT_AUTO, &c, &e), WD_OK);
        assert_int_equal(c.n + c.d.nd, 0);
    }
    assert_int_equal(read_questions("e.txt", NULL, 0, WD_FORMAT_AUTO, &c, &e), WD_OK);
    assert_int_equal(c.n + c.d.nd, 0);
}

/* AUTO: the extension first (.csv, .tsv, .tab), then a first line naming
 * the question column (after a BOM; tab before comma; names trimmed and in
 * any case), else one question a line. An explicit format wins. */
static void test_corpus__questions_format_by_extension_then_header(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
        int fmt;
        size_t n;
        const char *first;
    } cases[] = {
        { "a.csv", "question\nq,1\n", WD_FORMAT_AUTO, 1, "q" },
        { "a.CSV", "x,question\n1,q\n", WD_FORMAT_AUTO, 1, "q" },
        { "a.tsv", "question\nq\t1\n", WD_FORMAT_AUTO, 1, "q" },
        { "a.tab", "id\tquestion\n1\tq\n", WD_FORMAT_AUTO, 1, "q" },
        { "a.txt", "\xEF\xBB\xBFid\t QUESTION\n1\tq\n", WD_FORMAT_AUTO, 1, "q" },
        { "stdin", "id, question \n1,q\n", WD_FORMAT_AUTO, 1, "q" },
        { "a.txt", "\"question\",\"x\"\n\"q\",1\n", WD_FORMAT_AUTO, 1, "q" },
        /* No separator, or no question column: lines. */
        { "a.txt", "question\nq,1\n", WD_FORMAT_AUTO, 2, "question" },
        { "a.txt", "what,is,this\nq\n", WD_FORMAT_AUTO, 2, "what,is,this" },
        { "a.txt", "{\"question\": \"q\"}\n", WD_FORMAT_AUTO, 1, "{\"question\": \"q\"}" },
        /* Explicit formats. */
        { "a.csv", "id,question\n1,q\n", WD_FORMAT_LINES, 2, "id,question" },
        { "a.txt", "x\tquestion\n1\tq\n", WD_FORMAT_TSV, 1, "q" },
        { "a.tsv", "x,question\n1,q\n", WD_FORMAT_CSV, 1, "q" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qcoll c = { 0 };
        wd_error e;
        int rc = read_questions(cases[i].name, cases[i].text, strlen(cases[i].text), cases[i].fmt,
                                &c, &e);
        if (rc != WD_OK || c.n != cases[i].n || strcmp(c.q[0].text, cases[i].first) != 0)
            fail_msg("case %zu: rc %d, %zu questions, first \"%s\"", i, rc, c.n,
                     c.n ? c.q[0].text : "");
        qcoll_free(&c);
    }
}

/* "-" reads standard input and names it "stdin"; a file is read the same
 * way as a buffer; the whole-input failures and a stopping callback. */
static void test_corpus__questions_from_stdin_a_file_and_errors(void **state)
{
    (void)state;
    char path[] = "/tmp/wenda-questions-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "id,question\n1,\"医保\n断缴\"\n2,公积金\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);

    qcoll c = { 0 };
    wd_error e;
    wd_question_opts o = WD_QUESTION_OPTS_INIT;
    o.format = WD_FORMAT_CSV;
    assert_int_equal(wd_corpus_read_questions(path, &o, on_question, on_question_diag, &c, &e),
                     WD_OK);
    assert_int_equal(c.n, 2);
    assert_question(&c, 0, "医保\n断缴", 2);
    assert_question(&c, 1, "公积金", 4);
    assert_string_equal(c.file, path);
    qcoll_free(&c);

    int saved = dup(0);
    assert_true(saved >= 0);
    int in = open(path, O_RDONLY);
    assert_true(in >= 0);
    assert_int_equal(dup2(in, 0), 0);
    close(in);
    int rc = wd_corpus_read_questions("-", &o, on_question, on_question_diag, &c, &e);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    assert_int_equal(rc, WD_OK);
    assert_int_equal(c.n, 2);
    assert_question(&c, 1, "公积金", 4);
    assert_string_equal(c.file, "stdin");
    qcoll_free(&c);

    /* A stop from the callback ends the read and is returned. */
    c.stop_after = 1;
    assert_int_equal(wd_corpus_read_questions(path, NULL, on_question, on_question_diag, &c, &e),
                     WD_ESTOP);
    assert_int_equal(c.n, 1);
    qcoll_free(&c);
    unlink(path);

    assert_int_equal(wd_corpus_read_questions(path, NULL, on_question, NULL, &c, &e), WD_ENOTFOUND);
    assert_non_null(strstr(e.message, ": no such file"));
    assert_int_equal(
        wd_corpus_read_questions(WD_TEST_DATA "/corpus", NULL, on_question, NULL, &c, &e), WD_EIO);
    assert_int_equal(wd_corpus_read_questions(NULL, NULL, on_question, NULL, &c, &e), WD_EINVAL);
    o.format = WD_FORMAT_JSONL;
    assert_int_equal(wd_corpus_read_questions_buffer("x", "q\n", 2, &o, on_question, NULL, &c, &e),
                     WD_EINVAL);
    assert_int_equal(wd_corpus_read_questions_buffer("x", NULL, 2, NULL, on_question, NULL, &c, &e),
                     WD_EINVAL);
    /* Without callbacks the list is only checked; err may be NULL. */
    assert_int_equal(
        wd_corpus_read_questions_buffer("x", "q\n\xff\n", 4, NULL, NULL, NULL, NULL, NULL), WD_OK);
    assert_int_equal(c.n, 0);
    /* One question a line is no format for a knowledge base. */
    wd_read_opts ro = WD_READ_OPTS_INIT;
    ro.format = WD_FORMAT_LINES;
    coll r = { 0 };
    assert_int_equal(read_file(DATA "good.jsonl", &ro, &r, &e), WD_EINVAL);
    assert_non_null(strstr(e.message, "question list"));
}

/* The record reader splits CSV by the same strict rule: a stray quote
 * skips its record (and only it), where it used to be taken as text. */
static void test_corpus__csv_stray_quote_skips_the_record(void **state)
{
    (void)state;
    const char csv[] = "question,answer\n"
                       "他说\"可以\"报销吗,对\n"
                       "\"closed\"after,a\n"
                       "q3,\"好\"\n";
    coll c = { 0 };
    wd_error e;
    assert_int_equal(
        wd_corpus_read_buffer("s.csv", csv, sizeof csv - 1, NULL, on_record, on_diag, &c, &e),
        WD_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.r[0].q, "q3");
    assert_string_equal(c.r[0].a, "好");
    assert_int_equal(c.r[0].line, 4);
    assert_int_equal(skips(&c), 2);
    assert_int_equal(c.d[0].line, 2);
    assert_int_equal(c.d[1].line, 3);
    assert_non_null(strstr(c.d[0].msg, "a quote inside an unquoted field or after a closing "
                                       "quote; the record was skipped"));
    coll_free(&c);
}

/* ------------------------------------------------------------------ */
/* Allocation failures                                                 */
/* ------------------------------------------------------------------ */

typedef struct failer {
    long countdown; /* fail when it reaches 0 */
    int failed;
} failer;

static int fail_nth(void *ctx, size_t n)
{
    (void)n;
    failer *f = ctx;
    if (f->countdown-- == 0) {
        f->failed = 1;
        return 1;
    }
    return 0;
}

/* Fail the 1st, 2nd, ... allocation of a read until one read runs clean:
 * every run must end in WD_OK or WD_ENOMEM, never crash, never leak (the
 * suite runs under AddressSanitizer's leak checker). */
static void run_with_failures(const char *path, const char *encoding, int want)
{
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.encoding = encoding;
    for (long k = 0; k < 100000; k++) {
        failer f = { k, 0 };
        coll c = { 0 };
        wd_error e;
        wd_alloc_set_fail_hook(fail_nth, &f);
        int rc = read_file(path, &o, &c, &e);
        wd_alloc_set_fail_hook(NULL, NULL);
        coll_free(&c);
        if (!f.failed) {
            assert_int_equal(rc, want);
            return;
        }
        if (rc != WD_ENOMEM && rc != want)
            fail_msg("%s: allocation %ld failed: rc %d (%s)", path, k, rc, e.message);
        if (rc == WD_ENOMEM)
            assert_int_equal(e.code, WD_ENOMEM);
    }
    fail_msg("%s: never finished", path);
}

/* The same for a question list read from a buffer. */
static void run_questions_with_failures(const char *name, const char *text, int want)
{
    for (long k = 0; k < 100000; k++) {
        failer f = { k, 0 };
        qcoll c = { 0 };
        wd_error e;
        wd_alloc_set_fail_hook(fail_nth, &f);
        int rc = read_questions(name, text, strlen(text), WD_FORMAT_AUTO, &c, &e);
        wd_alloc_set_fail_hook(NULL, NULL);
        qcoll_free(&c);
        if (!f.failed) {
            assert_int_equal(rc, want);
            return;
        }
        if (rc != WD_ENOMEM && rc != want)
            fail_msg("%s: allocation %ld failed: rc %d (%s)", name, k, rc, e.message);
    }
    fail_msg("%s: never finished", name);
}

static void test_corpus__alloc_failure(void **state)
{
    (void)state;
    run_with_failures(SEEDS "004_49b6e4c2fae0bcd8.txt", NULL, WD_OK);
    run_with_failures(DATA "seed_crlf.txt", NULL, WD_OK);
    run_with_failures(DATA "bad.jsonl", NULL, WD_OK);
    run_with_failures(DATA "dup.jsonl", NULL, WD_OK);
    run_with_failures(DATA "sample.csv", NULL, WD_OK);
    run_with_failures(DATA "sample.tsv", NULL, WD_OK);
    run_with_failures(DATA "gbk.tsv", "gb18030", WD_OK);
    run_with_failures(DATA "nocolumns.csv", NULL, WD_EFORMAT);
    run_questions_with_failures("q.txt", "a\nb\n\xff\nc\n", WD_OK);
    run_questions_with_failures("q.csv", "id,question\n1,\"a\nb\"\n2,c\"d\n3,e\n", WD_OK);
    run_questions_with_failures("q.tsv", "id\tquestion\n1\ta\n2\n", WD_OK);
    run_questions_with_failures("q.tsv", "id\ttext\n1\ta\n", WD_EFORMAT);
}

/* ------------------------------------------------------------------ */
/* The folder walk (wd_corpus_files)                                   */
/* ------------------------------------------------------------------ */

/* The files a list holds, as paths relative to `root`, joined by '|'. */
static void files_of(const wd_corpus_files *f, const char *root, char *out, size_t cap)
{
    size_t k = 0, rn = strlen(root);
    out[0] = '\0';
    for (size_t i = 0; i < wd_corpus_files_count(f); i++) {
        const char *p = wd_corpus_files_path(f, i);
        if (strncmp(p, root, rn) == 0 && p[rn] == '/')
            p += rn + 1;
        int w = snprintf(out + k, cap - k, "%s%s", i ? "|" : "", p);
        assert_true(w > 0 && (size_t)w < cap - k);
        k += (size_t)w;
    }
}

/* The diagnostic about `file` (its path ends so), or NULL. */
static const diag *diag_of(const coll *c, const char *file)
{
    size_t fn = strlen(file);
    for (size_t i = 0; i < c->nd; i++) {
        size_t n = strlen(c->d[i].file);
        if (n >= fn && strcmp(c->d[i].file + n - fn, file) == 0)
            return &c->d[i];
    }
    return NULL;
}

static void assert_diag(const coll *c, const char *file, int level, const char *needle)
{
    const diag *d = diag_of(c, file);
    if (!d)
        fail_msg("no diagnostic about %s", file);
    assert_int_equal(d->level, level);
    assert_int_equal(d->line, 0);
    if (!strstr(d->msg, needle))
        fail_msg("%s: \"%s\" lacks \"%s\"", file, d->msg, needle);
}

static void make_link(const char *target, const char *dir, const char *name)
{
    char p[512];
    assert_int_equal(symlink(target, th_path(p, sizeof p, dir, name)), 0);
}

/* kb/ with two files, links back up (the loops of a folder with two ".."
 * links, which the walk used to follow forever), a link to itself, a link
 * and a hard link to a file it already holds. */
static void make_loopy_tree(const char *kb)
{
    char p[512];
    th_write_text(th_path(p, sizeof p, kb, "a.jsonl"),
                  "{\"question\": \"q\", \"answer\": \"a\"}\n");
    th_write_text(th_path(p, sizeof p, kb, "sub/b.jsonl"),
                  "{\"question\": \"q\", \"answer\": \"b\"}\n");
    th_write_text(th_path(p, sizeof p, kb, "notes.md"), "not a corpus file\n");
    make_link("..", kb, "sub/up1");
    make_link("..", kb, "sub/up2");
    make_link(".", kb, "self");
    make_link("sub/b.jsonl", kb, "b-again.jsonl");
    char a[512];
    assert_int_equal(
        link(th_path(a, sizeof a, kb, "a.jsonl"), th_path(p, sizeof p, kb, "hard.jsonl")), 0);
}

static void test_corpus__walk_reads_each_real_file_once_and_never_round_a_loop(void **state)
{
    (void)state;
    char root[256], kb[512], got[2048];
    assert_int_equal(th_tmpdir(root, sizeof root, "walk"), 0);
    th_path(kb, sizeof kb, root, "kb");
    make_loopy_tree(kb);
    coll c = { 0 };
    wd_error e;
    wd_corpus_files *f = NULL;
    assert_int_equal(wd_corpus_files_new(&f, 0, on_diag, &c, &e), WD_OK);
    assert_int_equal(wd_corpus_files_add(f, kb, &e), WD_OK);
    files_of(f, root, got, sizeof got);
    /* Each real file once, under its own path (the hard link is the same
     * file as a.jsonl, which comes first by name). */
    assert_string_equal(got, "kb/a.jsonl|kb/sub/b.jsonl");
    assert_int_equal(c.nd, 6);
    /* A file of no input format by its name is said, not passed over. */
    assert_diag(&c, "kb/notes.md", WD_DIAG_ERROR, "no input format by its name");
    assert_int_equal(diag_of(&c, "kb/notes.md")->code, WD_EFORMAT);
    assert_diag(&c, "kb/hard.jsonl", WD_DIAG_WARNING, "the same file as");
    assert_diag(&c, "kb/b-again.jsonl", WD_DIAG_WARNING, "sub/b.jsonl, which is read; left out");
    assert_diag(&c, "kb/self", WD_DIAG_WARNING, "(a loop); left out");
    assert_diag(&c, "kb/sub/up1", WD_DIAG_WARNING, "(a loop); left out");
    assert_diag(&c, "kb/sub/up2", WD_DIAG_WARNING, "(a loop); left out");
    assert_int_equal(diag_of(&c, "kb/self")->code, WD_EINVAL);
    coll_free(&c);
    /* Following every link does not make a loop walkable either. */
    wd_corpus_files_free(f);
    assert_int_equal(wd_corpus_files_new(&f, WD_FILES_FOLLOW_LINKS, on_diag, &c, &e), WD_OK);
    assert_int_equal(wd_corpus_files_add(f, kb, &e), WD_OK);
    files_of(f, root, got, sizeof got);
    assert_string_equal(got, "kb/a.jsonl|kb/sub/b.jsonl");
    assert_int_equal(c.nd, 6);
    coll_free(&c);
    /* With the format named by the caller, every file of the folder is taken. */
    wd_corpus_files_free(f);
    assert_int_equal(wd_corpus_files_new(&f, WD_FILES_ANY_NAME, on_diag, &c, &e), WD_OK);
    assert_int_equal(wd_corpus_files_add(f, kb, &e), WD_OK);
    files_of(f, root, got, sizeof got);
    assert_string_equal(got, "kb/a.jsonl|kb/notes.md|kb/sub/b.jsonl");
    assert_int_equal(c.nd, 5);
    coll_free(&c);
    wd_corpus_files_free(f);
    th_rmtree(root);
}

static void test_corpus__walk_follows_links_out_of_the_folder_only_when_asked(void **state)
{
    (void)state;
    char root[256], kb[512], out[512], p[512], got[2048];
    assert_int_equal(th_tmpdir(root, sizeof root, "walk"), 0);
    th_path(kb, sizeof kb, root, "kb");
    th_path(out, sizeof out, root, "out");
    th_write_text(th_path(p, sizeof p, kb, "a.jsonl"),
                  "{\"question\": \"q\", \"answer\": \"a\"}\n");
    th_write_text(th_path(p, sizeof p, out, "o.jsonl"),
                  "{\"question\": \"q\", \"answer\": \"o\"}\n");
    th_write_text(th_path(p, sizeof p, out, "secret.txt"), "not for the index\n");
    th_write_text(th_path(p, sizeof p, kb, ".versions/v3/c.jsonl"),
                  "{\"question\": \"q\", \"answer\": \"c\"}\n");
    make_link("../out", kb, "outside");
    make_link(th_path(p, sizeof p, out, "secret.txt"), kb, "passwd.txt");
    make_link(".versions/v3", kb, "current"); /* inside, to a hidden folder */
    make_link("nowhere.jsonl", kb, "dangling.jsonl");
    coll c = { 0 };
    wd_error e;
    wd_corpus_files *f = NULL;
    assert_int_equal(wd_corpus_files_new(&f, 0, on_diag, &c, &e), WD_OK);
    assert_int_equal(wd_corpus_files_add(f, kb, &e), WD_OK);
    files_of(f, root, got, sizeof got);
    /* What the folder really holds first, then what links inside it lead to. */
    assert_string_equal(got, "kb/a.jsonl|kb/current/c.jsonl");
    assert_int_equal(c.nd, 3);
    assert_diag(&c, "kb/outside", WD_DIAG_WARNING, "out of the folder being read");
    assert_diag(&c, "kb/outside", WD_DIAG_WARNING, "--follow-links");
    assert_diag(&c, "kb/passwd.txt", WD_DIAG_WARNING, "secret.txt); left out");
    assert_diag(&c, "kb/dangling.jsonl", WD_DIAG_WARNING, "its target does not exist");
    assert_int_equal(diag_of(&c, "kb/dangling.jsonl")->code, WD_ENOTFOUND);
    coll_free(&c);
    wd_corpus_files_free(f);

    assert_int_equal(wd_corpus_files_new(&f, WD_FILES_FOLLOW_LINKS, on_diag, &c, &e), WD_OK);
    assert_int_equal(wd_corpus_files_add(f, kb, &e), WD_OK);
    files_of(f, root, got, sizeof got);
    assert_string_equal(got, "kb/a.jsonl|kb/current/c.jsonl|kb/outside/o.jsonl|"
                             "kb/outside/secret.txt");
    /* passwd.txt leads to a file already read through kb/outside. */
    assert_int_equal(c.nd, 2);
    assert_diag(&c, "kb/passwd.txt", WD_DIAG_WARNING, "which is read; left out");
    coll_free(&c);
    wd_corpus_files_free(f);
    th_rmtree(root);
}

static void test_corpus__walk_named_paths_overlap_fail_and_files_as_named(void **state)
{
    (void)state;
    char root[256], kb[512], p[512], q[512], got[2048];
    assert_int_equal(th_tmpdir(root, sizeof root, "walk"), 0);
    th_path(kb, sizeof kb, root, "kb");
    th_write_text(th_path(p, sizeof p, kb, "a.jsonl"),
                  "{\"question\": \"q\", \"answer\": \"a\"}\n");
    th_write_text(th_path(p, sizeof p, kb, "sub/b.csv"), "question,answer\nq,b\n");
    th_write_text(th_path(p, sizeof p, root, "named.data"), "question\tanswer\nq\tn\n");
    make_link(th_path(q, sizeof q, root, "named.data"), root, "link-to-named");
    coll c = { 0 };
    wd_error e;
    wd_corpus_files *f = NULL;
    assert_int_equal(wd_corpus_files_new(&f, 0, on_diag, &c, &e), WD_OK);
    assert_int_equal(wd_corpus_files_add(f, kb, &e), WD_OK);
    /* A folder already read as part of another, and a file named twice. */
    assert_int_equal(wd_corpus_files_add(f, th_path(p, sizeof p, kb, "sub"), &e), WD_OK);
    assert_int_equal(wd_corpus_files_add(f, th_path(p, sizeof p, kb, "a.jsonl"), &e), WD_OK);
    /* A named file is taken whatever its name, a link to it too. */
    assert_int_equal(wd_corpus_files_add(f, th_path(p, sizeof p, root, "link-to-named"), &e),
                     WD_OK);
    files_of(f, root, got, sizeof got);
    assert_string_equal(got, "kb/a.jsonl|kb/sub/b.csv|link-to-named");
    assert_int_equal(c.nd, 2);
    assert_diag(&c, "kb/sub", WD_DIAG_WARNING, "the same folder as");
    assert_diag(&c, "kb/a.jsonl", WD_DIAG_WARNING, "the same file as");
    /* What does not exist fails the call, naming it; the list stays. */
    assert_int_equal(wd_corpus_files_add(f, th_path(p, sizeof p, root, "nothere"), &e),
                     WD_ENOTFOUND);
    assert_non_null(strstr(e.message, "nothere: no such file or folder"));
    assert_int_equal(wd_corpus_files_count(f), 3);
    assert_null(wd_corpus_files_path(f, 3));
    assert_int_equal(wd_corpus_files_add(f, "", &e), WD_EINVAL);
    coll_free(&c);
    wd_corpus_files_free(f);
    wd_corpus_files_free(NULL);
    assert_int_equal(wd_corpus_files_new(NULL, 0, NULL, NULL, &e), WD_EINVAL);

    /* A folder below the named one that cannot be read is an error
     * diagnostic; the walk goes on (root reads every folder: skipped). */
    if (geteuid() != 0) {
        assert_int_equal(chmod(th_path(p, sizeof p, kb, "sub"), 0), 0);
        assert_int_equal(wd_corpus_files_new(&f, 0, on_diag, &c, &e), WD_OK);
        assert_int_equal(wd_corpus_files_add(f, kb, &e), WD_OK);
        assert_int_equal(wd_corpus_files_count(f), 1);
        assert_diag(&c, "kb/sub", WD_DIAG_ERROR, "cannot read the folder");
        assert_int_equal(c.d[0].code, WD_EIO);
        coll_free(&c);
        wd_corpus_files_free(f);
        chmod(p, 0755);
    }
    th_rmtree(root);
}

/* Fail the 1st, 2nd, ... allocation of a walk: each run ends in WD_OK or
 * WD_ENOMEM, never crashes or leaks. */
static void test_corpus__walk_alloc_failure(void **state)
{
    (void)state;
    char root[256], kb[512];
    assert_int_equal(th_tmpdir(root, sizeof root, "walk"), 0);
    th_path(kb, sizeof kb, root, "kb");
    make_loopy_tree(kb);
    for (long k = 0; k < 100000; k++) {
        failer fl = { k, 0 };
        wd_error e;
        wd_corpus_files *f = NULL;
        wd_alloc_set_fail_hook(fail_nth, &fl);
        int rc = wd_corpus_files_new(&f, 0, NULL, NULL, &e);
        if (rc == WD_OK)
            rc = wd_corpus_files_add(f, kb, &e);
        wd_alloc_set_fail_hook(NULL, NULL);
        size_t n = wd_corpus_files_count(f);
        wd_corpus_files_free(f);
        if (!fl.failed) {
            assert_int_equal(rc, WD_OK);
            assert_int_equal(n, 2);
            th_rmtree(root);
            return;
        }
        if (rc != WD_OK && rc != WD_ENOMEM)
            fail_msg("allocation %ld failed: rc %d (%s)", k, rc, e.message);
    }
    fail_msg("never finished");
}

/* A column name given twice leaves the text of a record to a guess: the
 * file is refused, naming the columns. */
static void test_corpus__table_header_naming_a_column_twice_is_refused(void **state)
{
    (void)state;
    static const char *const inputs[][2] = {
        { "d.tsv", "question\tanswer\tquestion\nq1\ta1\tq2\n" },
        { "d.csv", "id,question,answer,answer\n1,q,a,b\n" },
        { "d2.tsv", "id\tquestion\tanswer\tid\n1\tq\ta\t2\n" },
    };
    static const char *const want[] = {
        "d.tsv: the TSV header on line 1 names the \"question\" column twice (columns 1 and 3)",
        "d.csv: the CSV header on line 1 names the \"answer\" column twice (columns 3 and 4)",
        "d2.tsv: the TSV header on line 1 names the \"id\" column twice (columns 1 and 4)",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        coll c = { 0 };
        wd_error e;
        assert_int_equal(wd_corpus_read_buffer(inputs[i][0], inputs[i][1], strlen(inputs[i][1]),
                                               NULL, on_record, on_diag, &c, &e),
                         WD_EFORMAT);
        assert_int_equal(c.n, 0);
        if (!strstr(e.message, want[i]))
            fail_msg("\"%s\" lacks \"%s\"", e.message, want[i]);
        assert_non_null(strstr(e.message, "rename one of them"));
        coll_free(&c);
    }
    /* Other columns may share a name: they are not read. */
    const char *ok = "question\tanswer\tnote\tnote\nq\ta\tx\ty\n";
    coll c = { 0 };
    wd_error e;
    assert_int_equal(
        wd_corpus_read_buffer("ok.tsv", ok, strlen(ok), NULL, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 1);
    coll_free(&c);
    /* Two options naming one column. */
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.answer_column = "question";
    assert_int_equal(
        wd_corpus_read_buffer("ok.tsv", ok, strlen(ok), &o, on_record, on_diag, &c, &e),
        WD_EFORMAT);
    assert_non_null(strstr(e.message, "must be different columns"));
    coll_free(&c);
    /* A question list too. */
    const char *ql = "question\tquestion\na\tb\n";
    assert_int_equal(
        wd_corpus_read_questions_buffer("q.tsv", ql, strlen(ql), NULL, NULL, NULL, NULL, &e),
        WD_EFORMAT);
    assert_non_null(strstr(e.message, "names the 'question' column twice (columns 1 and 2)"));
}

/* --max-record-bytes counts what the record keeps and a search hands out:
 * a huge source or id is over the limit as a huge answer is. */
static void test_corpus__record_limit_counts_source_and_id(void **state)
{
    (void)state;
    size_t big = 64u * 1024u;
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "{\"id\": \"s\", \"question\": \"q\", \"answer\": \"a\", \"source\": \"");
    for (size_t i = 0; i < big; i++)
        wd_buf_putc(&b, 's');
    wd_buf_puts(&b, "\"}\n{\"id\": \"");
    for (size_t i = 0; i < big; i++)
        wd_buf_putc(&b, 'i');
    wd_buf_puts(&b, "\", \"question\": \"q\", \"answer\": \"a\"}\n");
    wd_buf_puts(&b, "{\"id\": \"ok\", \"question\": \"q\", \"answer\": \"a\"}\n");
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.max_record_bytes = 1000;
    coll c = { 0 };
    wd_error e;
    assert_int_equal(
        wd_corpus_read_buffer("big.jsonl", b.data, b.len, &o, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.r[0].id, "ok");
    assert_int_equal(c.nd, 2);
    assert_int_equal(c.d[0].line, 1);
    assert_non_null(strstr(c.d[0].msg, "source 65536"));
    assert_int_equal(c.d[1].line, 2);
    assert_non_null(strstr(c.d[1].msg, "id 65536"));
    coll_free(&c);
    /* A TSV id column the same. */
    wd_buf_reset(&b);
    wd_buf_puts(&b, "id\tquestion\tanswer\n");
    for (size_t i = 0; i < big; i++)
        wd_buf_putc(&b, 'i');
    wd_buf_puts(&b, "\tq\ta\nok\tq\ta\n");
    assert_int_equal(
        wd_corpus_read_buffer("big.tsv", b.data, b.len, &o, on_record, on_diag, &c, &e), WD_OK);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.nd, 1);
    assert_non_null(strstr(c.d[0].msg, "id 65536"));
    coll_free(&c);
    wd_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus__seed_counts),
        cmocka_unit_test(test_corpus__seed_page_record),
        cmocka_unit_test(test_corpus__seed_repeat_after_date),
        cmocka_unit_test(test_corpus__seed_related_questions),
        cmocka_unit_test(test_corpus__seed_crlf_bom),
        cmocka_unit_test(test_corpus__seed_invalid_utf8_skips_page),
        cmocka_unit_test(test_corpus__jsonl_good),
        cmocka_unit_test(test_corpus__jsonl_bad_lines),
        cmocka_unit_test(test_corpus__jsonl_duplicate_id),
        cmocka_unit_test(test_corpus__json_array_refused),
        cmocka_unit_test(test_corpus__tsv),
        cmocka_unit_test(test_corpus__csv_quotes),
        cmocka_unit_test(test_corpus__table_maps_source_date_and_a_question_of_columns),
        cmocka_unit_test(test_corpus__jsonl_keeps_extra_fields),
        cmocka_unit_test(test_corpus__header_detection),
        cmocka_unit_test(test_corpus__auto_refuses_files_of_no_format),
        cmocka_unit_test(test_corpus__custom_columns),
        cmocka_unit_test(test_corpus__missing_column),
        cmocka_unit_test(test_corpus__insurance_corpus),
        cmocka_unit_test(test_corpus__bom_crlf),
        cmocka_unit_test(test_corpus__invalid_utf8_line),
        cmocka_unit_test(test_corpus__nul_byte),
        cmocka_unit_test(test_corpus__gbk_refused),
        cmocka_unit_test(test_corpus__gbk_converted),
        cmocka_unit_test(test_corpus__unknown_encoding),
        cmocka_unit_test(test_corpus__bad_header_encoding),
        cmocka_unit_test(test_corpus__utf16_refused),
        cmocka_unit_test(test_corpus__empty_file),
        cmocka_unit_test(test_corpus__oversize_record),
        cmocka_unit_test(test_corpus__long_lines),
        cmocka_unit_test(test_corpus__missing_file),
        cmocka_unit_test(test_corpus__callback_stop),
        cmocka_unit_test(test_corpus__read_buffer),
        cmocka_unit_test(test_corpus__names),
        cmocka_unit_test(test_corpus__questions_one_a_line_keep_their_line_numbers),
        cmocka_unit_test(test_corpus__questions_bad_lines_skipped_with_their_messages),
        cmocka_unit_test(test_corpus__questions_from_a_tsv_column),
        cmocka_unit_test(test_corpus__questions_from_a_csv_column_with_quotes),
        cmocka_unit_test(test_corpus__questions_open_quote_given_up_after_1_mib),
        cmocka_unit_test(test_corpus__questions_header_without_a_question_column_fails),
        cmocka_unit_test(test_corpus__questions_format_by_extension_then_header),
        cmocka_unit_test(test_corpus__questions_from_stdin_a_file_and_errors),
        cmocka_unit_test(test_corpus__csv_stray_quote_skips_the_record),
        cmocka_unit_test(test_corpus__alloc_failure),
        cmocka_unit_test(test_corpus__walk_reads_each_real_file_once_and_never_round_a_loop),
        cmocka_unit_test(test_corpus__walk_follows_links_out_of_the_folder_only_when_asked),
        cmocka_unit_test(test_corpus__walk_named_paths_overlap_fail_and_files_as_named),
        cmocka_unit_test(test_corpus__walk_alloc_failure),
        cmocka_unit_test(test_corpus__table_header_naming_a_column_twice_is_refused),
        cmocka_unit_test(test_corpus__record_limit_counts_source_and_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
