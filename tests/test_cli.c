/*
 * test_cli.c - runs the real `wenda` binary on the seed corpus and fixture
 * files and checks its --json output, messages and exit codes.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

#define SEEDS WD_SOURCE_DIR "/corpus/seeds"

typedef struct fixture {
    char dir[64];
    char index[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (th_tmpdir(f->dir, sizeof f->dir, "cli") != 0)
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

static void test_cli__index_seeds_twice_holds_104(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "--json", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(j, "records")), 104);
    assert_int_equal(json_integer_value(json_object_get(j, "added")), 104);
    json_decref(j);
    th_run_free(&r);
    assert_int_equal(th_index_documents(f->index), 104);

    r = th_wenda(f->index, NULL, "index", "--json", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(j, "replaced")), 104);
    assert_int_equal(json_integer_value(json_object_get(j, "added")), 0);
    json_decref(j);
    th_run_free(&r);
    assert_int_equal(th_index_documents(f->index), 104);
}

/* The question of every hit must be a whole line of its source file. */
static void assert_question_in_source(const char *question, const char *source)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SEEDS, source);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int found = 0;
    while (!found && (n = getline(&line, &cap, fp)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        found = strcmp(line, question) == 0;
    }
    free(line);
    fclose(fp);
    if (!found)
        fail_msg("hit question '%s' is not a line of %s", question, source);
}

static void test_cli__ask_dibaohu_ranks_matching_record_first(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", "-n", "10", "低保户要交医保吗", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    assert_string_equal(json_string_value(json_object_get(j, "query")), "低保户要交医保吗");
    json_t *hits = json_object_get(j, "hits");
    assert_true(json_array_size(hits) >= 3);
    json_t *top = json_array_get(hits, 0);
    const char *q = json_string_value(json_object_get(top, "question"));
    /* A record about whether 低保户 must pay for medical insurance. */
    assert_non_null(strstr(q, "低保"));
    assert_non_null(strstr(q, "交"));
    assert_non_null(strstr(q, "医保"));
    size_t i;
    json_t *h;
    json_array_foreach(hits, i, h)
    {
        assert_int_equal(json_integer_value(json_object_get(h, "rank")), (json_int_t)i + 1);
        assert_question_in_source(json_string_value(json_object_get(h, "question")),
                                  json_string_value(json_object_get(h, "source")));
    }
    /* The snippet highlights matched words: each highlight is a query word. */
    const char *snip = json_string_value(json_object_get(top, "snippet"));
    json_t *hl = json_object_get(top, "highlights");
    assert_true(json_array_size(hl) > 0);
    size_t k;
    json_t *pair;
    int saw_word = 0;
    json_array_foreach(hl, k, pair)
    {
        json_int_t s = json_integer_value(json_array_get(pair, 0));
        json_int_t e = json_integer_value(json_array_get(pair, 1));
        assert_true(s < e);
        char word[256];
        th_utf8_slice(snip, (size_t)s, (size_t)e, word, sizeof word);
        if (strstr("低保户要交医保吗医疗保险低保", word))
            saw_word = 1;
    }
    assert_true(saw_word);
    json_decref(j);
    th_run_free(&r);
}

static void test_cli__question_kind_records(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    /* Count kinds by listing every record: ask for everything with a broad question. */
    r = th_wenda(f->index, NULL, "ask", "--json", "-n", "200",
                 "医保 低保 灵活就业 新生儿 异地 缴费 报销 社保 居民 职工", NULL);
    /* A bag of words: the hits are listed whether or not one answers it (exit 1). */
    assert_true(r.status == 0 || r.status == 1);
    json_t *j = th_json(r.out);
    json_t *hits = json_object_get(j, "hits");
    size_t i, nq = 0;
    json_t *h;
    json_array_foreach(hits, i, h)
    {
        if (strcmp(json_string_value(json_object_get(h, "kind")), "question") == 0)
            nq++;
    }
    json_decref(j);
    th_run_free(&r);
    assert_true(nq > 0);
    assert_true(nq <= 20);
}

static void test_cli__segment_keeps_domain_words_whole(void **state)
{
    (void)state;
    th_run r = th_wenda(NULL, NULL, "segment", "--json", "灵活就业医保会进个人账户吗", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *toks = json_object_get(j, "tokens");
    int have[3] = { 0, 0, 0 };
    const char *want[3] = { "灵活就业", "医保", "个人账户" };
    size_t i;
    json_t *t;
    json_array_foreach(toks, i, t)
    {
        const char *text = json_string_value(json_object_get(t, "text"));
        for (int k = 0; k < 3; k++)
            if (strcmp(text, want[k]) == 0)
                have[k] = 1;
    }
    assert_true(have[0] && have[1] && have[2]);
    /* 灵活就业 starts at byte 0 and ends at 12 */
    t = json_array_get(toks, 0);
    assert_int_equal(json_integer_value(json_object_get(t, "start")), 0);
    assert_int_equal(json_integer_value(json_object_get(t, "end")), 12);
    json_decref(j);
    th_run_free(&r);
}

/* ask reads a question typed in pinyin as the Chinese it spells and says
 * so, in text and JSON; English that is not pinyin is searched as typed. */
static void test_cli__ask_reads_pinyin_and_says_so(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "yidijiuyi", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "按拼音 yidijiuyi 查: 异地就医"));
    th_run_free(&r);
    const char *const typed[] = { "yidijiuyi", "ydjy", "异地jiuyi" };
    for (size_t i = 0; i < sizeof typed / sizeof *typed; i++) {
        r = th_wenda(f->index, NULL, "ask", "--json", typed[i], NULL);
        assert_int_equal(r.status, 0);
        json_t *j = th_json(r.out);
        assert_string_equal(json_string_value(json_object_get(j, "query")), typed[i]);
        assert_string_equal(json_string_value(json_object_get(j, "read_as")), "异地就医");
        json_t *top = json_array_get(json_object_get(j, "hits"), 0);
        assert_non_null(strstr(json_string_value(json_object_get(top, "question")), "异地"));
        json_decref(j);
        th_run_free(&r);
    }
    r = th_wenda(f->index, NULL, "ask", "--json", "search engine", NULL);
    json_t *j = th_json(r.out);
    assert_null(json_object_get(j, "read_as"));
    json_decref(j);
    th_run_free(&r);
}

static void test_cli__missing_index_exits_3_with_command(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "ask", "低保户要交医保吗", NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "wenda index"));
    assert_non_null(strstr(r.err, f->index));
    assert_string_equal(r.out, "");
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", "低保户要交医保吗", NULL);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    json_t *j = th_json(r.err);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                        "not_found");
    json_decref(j);
    th_run_free(&r);
    /* A path that is not UTF-8 is named all the same, its bad byte as '?'. */
    char bad[512];
    snprintf(bad, sizeof bad, "%s/x\xffy", f->index);
    r = th_wenda(bad, NULL, "ask", "--json", "低保户要交医保吗", NULL);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    j = th_json(r.err);
    assert_non_null(strstr(th_json_str(json_object_get(j, "error"), "message"), "/x?y"));
    json_decref(j);
    th_run_free(&r);
}

static void test_cli__bad_lines_named_and_good_records_indexed(void **state)
{
    fixture *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/mixed.jsonl", f->dir);
    const char data[] =
        "{\"id\":\"a\",\"question\":\"门诊统筹怎么报销\",\"answer\":\"按比例报销。\"}\n"
        "{\"id\":\"b\",\"question\":\"bad json\n"
        "{\"id\":\"c\",\"question\":\"\xff\xfe 医保\",\"answer\":\"x\"}\n"
        "{\"id\":\"d\",\"question\":\"异地就医怎么备案\",\"answer\":\"线上备案。\"}\n";
    th_write_file(path, data, sizeof data - 1);
    th_run r = th_wenda(f->index, NULL, "index", path, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "mixed.jsonl:2"));
    assert_non_null(strstr(r.err, "mixed.jsonl:3"));
    th_run_free(&r);
    assert_int_equal(th_index_documents(f->index), 2);
    r = th_wenda(f->index, NULL, "ask", "--json", "异地就医备案", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *top = json_array_get(json_object_get(j, "hits"), 0);
    assert_string_equal(json_string_value(json_object_get(top, "id")), "d");
    json_decref(j);
    th_run_free(&r);
}

static void test_cli__unreadable_file_is_named(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "/nonexistent/file.jsonl", NULL);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "/nonexistent/file.jsonl"));
    th_run_free(&r);
}

static void test_cli__delete_and_show(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "show", "--json", "000_e31b320f51b19bad#0", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    assert_string_equal(json_string_value(json_object_get(j, "question")),
                        "灵活就业的医保就是居民医保吗");
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "delete", "000_e31b320f51b19bad#0", "no-such-id", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no-such-id"));
    th_run_free(&r);
    assert_int_equal(th_index_documents(f->index), 103);
    r = th_wenda(f->index, NULL, "show", "000_e31b320f51b19bad#0", NULL);
    assert_int_equal(r.status, 1);
    th_run_free(&r);
}

/* `ask --json -`: every input line gets exactly one output line carrying its
 * line number: the answer, or an error object for a line that asks nothing
 * (empty, blank) or cannot be asked (invalid UTF-8), so that outputs line
 * up with inputs. Blank lines do not fail the run; a line that cannot be
 * asked does (exit 3), after every other line was answered. */
static void test_cli__ask_stdin_json_lines(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    th_run_free(&r);
    r = th_wenda(f->index, "低保户要交医保吗\n\n灵活就业医保会进个人账户吗\n", "ask", "--json", "-",
                 NULL);
    assert_int_equal(r.status, 0);
    json_t *lines = th_json_lines(r.out);
    assert_int_equal(json_array_size(lines), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *j = json_array_get(lines, i);
        assert_int_equal(th_json_int(j, "line"), (json_int_t)i + 1);
        assert_true(i == 1 ? json_object_get(j, "error") != NULL
                           : json_object_get(j, "hits") != NULL);
    }
    json_decref(lines);
    th_run_free(&r);

    /* Five lines, three of them bad: invalid UTF-8, empty, only spaces. */
    r = th_wenda(f->index,
                 "低保户要交医保吗\n\xE5\x8C\xBB\xFF\n\n \t\xE3\x80\x80 \r\n异地就医怎么报销\n",
                 "ask", "--json", "-", NULL);
    assert_int_equal(r.status, 3);
    lines = th_json_lines(r.out);
    assert_int_equal(json_array_size(lines), 5);
    const char *codes[] = { NULL, "encoding", "format", "format", NULL };
    for (size_t i = 0; i < 5; i++) {
        json_t *j = json_array_get(lines, i);
        assert_int_equal(th_json_int(j, "line"), (json_int_t)i + 1);
        json_t *e = json_object_get(j, "error");
        if (codes[i]) {
            assert_non_null(e);
            assert_string_equal(th_json_str(e, "code"), codes[i]);
            assert_null(json_object_get(j, "hits"));
        } else {
            assert_null(e);
            assert_true(json_array_size(json_object_get(j, "hits")) > 0);
        }
    }
    assert_string_equal(th_json_str(json_array_get(lines, 4), "query"), "异地就医怎么报销");
    json_decref(lines);
    assert_non_null(strstr(r.err, "stdin:2:"));
    th_run_free(&r);
}

/* A record's text holding terminal control sequences (set the window title,
 * clear the screen, a C1 CSI) is shown with them escaped by every
 * human-readable output, TTY or not, colour or not: ask, show, coverage.
 * JSON keeps the text exact. */
static void test_cli__control_characters_of_records_are_shown_escaped(void **state)
{
    fixture *f = *state;
    char file[256];
    th_path(file, sizeof file, f->dir, "esc.jsonl");
    th_write_text(file,
                  "{\"id\": \"esc\\u001b[2J#1\", \"question\": "
                  "\"医保卡\\u001b]0;pwned\\u0007\\u001b[2J丢了怎么办\", \"answer\": "
                  "\"去医保局补办\\u001b[31m医保卡\\u009b2J。\", \"source\": \"s\\u0007.txt\"}\n");
    th_run r = th_wenda(f->index, NULL, "index", "-q", file, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    const char *raw_q = "医保卡\x1b]0;pwned\x07\x1b[2J丢了怎么办";
    const char *shown_q = "医保卡\\x1B]0;pwned\\x07\\x1B[2J丢了怎么办";
    const char *runs[][8] = {
        { "ask", "--full", "医保卡丢了怎么办", NULL },
        { "ask", "--full", "--explain", "--color", "always", "医保卡丢了怎么办", NULL },
        { "show", "esc\x1b[2J#1", NULL },
        { "coverage", "-", NULL },
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        r = th_wenda_argv(f->index, "医保卡丢了怎么办\x1b[2J\n", runs[i]);
        if (r.status > 1)
            fail_msg("%s: exit %d: %s", runs[i][0], r.status, r.err);
        assert_non_null(strstr(r.out, shown_q));
        assert_null(strchr(r.out, '\a'));
        assert_null(strstr(r.out, "\x1b]"));
        assert_null(strstr(r.out, "\x1b[2J"));
        assert_null(strstr(r.out, "\xC2\x9B"));
        if (i != 1) /* with colour, only wenda's own bold and dim */
            assert_null(strchr(r.out, '\x1b'));
        if (strcmp(runs[i][0], "coverage") != 0) {
            assert_non_null(strstr(r.out, "\\x1B[31m"));
            assert_non_null(strstr(r.out, "\\u009B2J"));
        } else {
            assert_non_null(strstr(r.out, "怎么办\\x1B[2J")); /* the question asked, too */
        }
        th_run_free(&r);
    }
    r = th_wenda(f->index, NULL, "ask", "--json", "--full", "医保卡丢了怎么办", NULL);
    json_t *j = th_json(r.out);
    json_t *h = json_array_get(json_object_get(j, "hits"), 0);
    assert_string_equal(th_json_str(h, "question"), raw_q);
    assert_string_equal(th_json_str(h, "answer"), "去医保局补办\x1b[31m医保卡\xC2\x9B"
                                                  "2J。");
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "show", "--json", "esc\x1b[2J#1", NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    assert_string_equal(th_json_str(j, "question"), raw_q);
    json_decref(j);
    th_run_free(&r);
}

/* A question of 20,000 characters is answered, not refused: searched for
 * by its most informative words, and the JSON says it was trimmed. */
static void test_cli__a_long_question_is_answered_trimmed(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    th_run_free(&r);
    size_t cap = 20000 * 3 + 1, n = 0;
    char *q = malloc(cap);
    assert_non_null(q);
    static const char ask[] = "低保户要交医保吗";
    while (n + sizeof ask - 1 < cap) {
        memcpy(q + n, ask, sizeof ask - 1);
        n += sizeof ask - 1;
    }
    q[n] = '\0';
    r = th_wenda(f->index, NULL, "ask", "--json", q, NULL);
    json_t *j = th_json(r.out);
    assert_true(json_is_true(json_object_get(j, "trimmed")));
    assert_true(json_array_size(json_object_get(j, "hits")) > 0);
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", q, NULL);
    assert_non_null(strstr(r.out, "A long question"));
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", ask, NULL);
    j = th_json(r.out);
    assert_null(json_object_get(j, "trimmed"));
    json_decref(j);
    th_run_free(&r);
    free(q);
}

/* The answer confidence: each hit has one; a question nothing answers says
 * so (answered false, exit 1) and still shows the closest records; a line
 * of `ask -` carries its own answered and the run exits 0. */
/* Filters, facets and folding from the command line: a medical CSV with a
 * question of two columns, a date column and a department kept as a field;
 * the same record in two files is shown once (--no-distinct shows both);
 * bad option values are usage errors (exit 2) naming the option. */
static void test_cli__ask_filters_facets_and_folds(void **state)
{
    fixture *f = *state;
    char csv[160], copy[160];
    snprintf(csv, sizeof csv, "%s/med.csv", f->dir);
    snprintf(copy, sizeof copy, "%s/copy.csv", f->dir);
    const char *text = "id,department,title,ask,answer,date\n"
                       "m1,内科,高血压能吃鸡蛋吗,我血压150,可以适量吃。,2020-05-01\n"
                       "m2,外科,高血压能做手术吗,,血压平稳后可以。,2019-01-01\n";
    th_write_text(csv, text);
    th_write_text(copy, "id,department,title,ask,answer,date\n"
                        "c1,内科,高血压能吃鸡蛋吗,我血压150,可以适量吃。,2021-05-01\n");
    th_run r = th_wenda(f->index, NULL, "index", "-q", "--question-column", "title,ask",
                        "--field-column", "department", csv, copy, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", "--facets", "department,year,source", "高血压",
                 NULL);
    json_t *j = th_json(r.out);
    json_t *hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 2); /* m1 and c1 folded */
    json_t *more = json_object_get(json_array_get(hits, 0), "more_like_this");
    assert_int_equal(json_array_size(more), 1);
    json_t *facets = json_object_get(j, "facets");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(facets, "department"), "内科")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(facets, "year"), "2019")),
                     1);
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", "--no-distinct", "高血压", NULL);
    j = th_json(r.out);
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 3);
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", "--field", "department=外科", "--date-to",
                 "2019-12-31", "高血压", NULL);
    j = th_json(r.out);
    hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 1);
    assert_string_equal(th_json_str(json_array_get(hits, 0), "id"), "m2");
    assert_string_equal(th_json_str(json_array_get(hits, 0), "question"), "高血压能做手术吗");
    json_decref(j);
    th_run_free(&r);
    const char *const bad[][2] = { { "--sort", "newest" },
                                   { "--date-from", "2020-13-01" },
                                   { "--kind", "faq" },
                                   { "--field", "department" } };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = th_wenda(f->index, NULL, "ask", bad[i][0], bad[i][1], "高血压", NULL);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, bad[i][0]));
        th_run_free(&r);
    }
}

static void test_cli__ask_says_when_nothing_answers(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", "-n", "3", "商标注册要准备什么材料", NULL);
    assert_int_equal(r.status, 1);
    json_t *j = th_json(r.out);
    assert_true(json_is_false(json_object_get(j, "answered")));
    json_t *hits = json_object_get(j, "hits");
    assert_true(json_array_size(hits) > 0); /* the closest records, all the same */
    double minc = json_real_value(json_object_get(j, "min_confidence"));
    size_t i;
    json_t *h;
    json_array_foreach(hits, i, h)
    {
        double c = json_real_value(json_object_get(h, "confidence"));
        assert_true(c >= 0 && c < minc);
    }
    json_decref(j);
    th_run_free(&r);
    /* The text says it plainly. */
    r = th_wenda(f->index, NULL, "ask", "-n", "2", "商标注册要准备什么材料", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "No record answers this confidently"));
    assert_non_null(strstr(r.out, "confidence"));
    assert_null(strstr(r.out, "matching records")); /* no estimate passed off as a count */
    th_run_free(&r);
    /* Answered: exit 0, the top hit at or above the threshold. */
    r = th_wenda(f->index, NULL, "ask", "--json", "-n", "3", "灵活就业医保会进个人账户吗", NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    assert_true(json_is_true(json_object_get(j, "answered")));
    double top = json_real_value(
        json_object_get(json_array_get(json_object_get(j, "hits"), 0), "confidence"));
    assert_true(top >= json_real_value(json_object_get(j, "min_confidence")));
    json_decref(j);
    th_run_free(&r);
    /* --min-confidence moves the line; a bad value is a usage error. */
    r = th_wenda(f->index, NULL, "ask", "--json", "--min-confidence", "0", "商标注册要准备什么材料",
                 NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--min-confidence", "1.5", "x", NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    /* One question a line: each line has its own answered; exit 0. */
    r = th_wenda(f->index, "灵活就业医保会进个人账户吗\n商标注册要准备什么材料\n", "ask", "--json",
                 "-", NULL);
    assert_int_equal(r.status, 0);
    json_t *lines = th_json_lines(r.out);
    assert_int_equal(json_array_size(lines), 2);
    assert_true(json_is_true(json_object_get(json_array_get(lines, 0), "answered")));
    assert_true(json_is_false(json_object_get(json_array_get(lines, 1), "answered")));
    json_decref(lines);
    th_run_free(&r);
}

/* Thresholds fitted to a base's own labelled questions are kept in the
 * index folder (info shows them) or in a file ask and coverage take. */
static void test_cli__calibrate_keeps_thresholds_with_the_index(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "-q", SEEDS, NULL);
    th_run_free(&r);
    char labelled[256], file[256];
    snprintf(labelled, sizeof labelled, "%s/labelled.tsv", f->dir);
    snprintf(file, sizeof file, "%s/cal.json", f->dir);
    th_write_text(labelled, "question\tlabel\n"
                            "灵活就业医保会进个人账户吗\tcovered\n"
                            "低保户要交医保吗\tcovered\n"
                            "异地就医怎么备案\tcovered\n"
                            "商标注册要准备什么材料\tuncovered\n"
                            "怎么退保\tuncovered\n"
                            "公积金怎么提取\tuncovered\n");
    r = th_wenda(f->index, NULL, "info", NULL);
    assert_non_null(strstr(r.out, "built-in"));
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "coverage", "--calibrate", labelled, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "accuracy"));
    assert_non_null(strstr(r.out, "AUC"));
    th_run_free(&r);
    char kept[256];
    snprintf(kept, sizeof kept, "%s/wenda.calibration", f->index);
    size_t len = 0;
    char *text = th_slurp(kept, &len);
    assert_non_null(strstr(text, "\"covered_at\""));
    free(text);
    r = th_wenda(f->index, NULL, "info", "--json", NULL);
    json_t *j = th_json(r.out);
    json_t *cal = json_object_get(j, "calibration");
    assert_true(json_is_true(json_object_get(cal, "fitted")));
    assert_int_equal(json_integer_value(json_object_get(cal, "questions")), 6);
    json_decref(j);
    th_run_free(&r);
    /* Into a file of the user's, which ask takes. */
    r = th_wenda(f->index, NULL, "coverage", "--calibrate", labelled, "--calibration", file,
                 "--json", NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    double covered_at =
        json_real_value(json_object_get(json_object_get(j, "calibration"), "covered_at"));
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "ask", "--json", "--calibration", file, "低保户要交医保吗", NULL);
    j = th_json(r.out);
    assert_true(fabs(json_real_value(json_object_get(j, "min_confidence")) - covered_at) < 1e-3);
    json_decref(j);
    th_run_free(&r);
    /* A labelled file with one kind of question only cannot set thresholds. */
    th_write_text(labelled, "低保户要交医保吗\tcovered\n");
    r = th_wenda(f->index, NULL, "coverage", "--calibrate", labelled, NULL);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "both covered and uncovered"));
    th_run_free(&r);
    /* A malformed line names file and line. */
    th_write_text(labelled, "低保户要交医保吗\tmaybe\n");
    r = th_wenda(f->index, NULL, "coverage", "--calibrate", labelled, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "labelled.tsv:1:"));
    th_run_free(&r);
}

static void test_cli__usage_errors_exit_2(void **state)
{
    (void)state;
    th_run r = th_wenda(NULL, NULL, "ask", "--no-such-option", "x", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "wenda: ask:"));
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "frobnicate", NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "help", "ask", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: wenda ask"));
    th_run_free(&r);
}

/* The dictionary overlay of the wenda runs that follow is dir's: HOME set to
 * dir and XDG_DATA_HOME unset. Returns the HOME to put back (home_back). */
static char *home_in(const char *dir)
{
    char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", dir, 1);
    unsetenv("XDG_DATA_HOME");
    return old;
}

static void home_back(char *old)
{
    if (old) {
        setenv("HOME", old, 1);
        free(old);
    }
}

static void test_cli__dict_add_makes_a_word_whole_at_once(void **state)
{
    fixture *f = *state;
    char *old_home = home_in(f->dir);
    th_run r = th_wenda(NULL, NULL, "dict", "check", "--json", "保泰通怎么交", NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "\"user\"")); /* at most the HMM's guess */
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "add", "保泰通", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "user.txt"));
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "check", "--json", "保泰通怎么交", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *w0 = json_array_get(json_object_get(j, "words"), 0);
    assert_string_equal(json_string_value(json_object_get(w0, "text")), "保泰通");
    assert_string_equal(json_string_value(json_object_get(w0, "source")), "user");
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "add", "two words", NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    home_back(old_home);
}

/* The first hit's confidence of `wenda ask --json Q`. */
static double first_confidence(const char *index, const char *q)
{
    th_run r = th_wenda(index, NULL, "ask", "--json", q, NULL);
    json_t *j = th_json(r.out);
    json_t *h = json_array_get(json_object_get(j, "hits"), 0);
    assert_non_null(h);
    double c = json_real_value(json_object_get(h, "confidence"));
    json_decref(j);
    th_run_free(&r);
    return c;
}

/* `wenda dict synonym add` alone makes a question say 醉驾 to the record
 * that says 醉酒驾驶, on an index built before the group: the group makes
 * no word and changes no dictionary version, so nothing asks for a
 * re-index. list shows the group and how a member is matched; remove
 * takes it out again; built-in groups and words are not the overlay's. */
static void test_cli__dict_synonym_applies_without_reindex(void **state)
{
    fixture *f = *state;
    char *old_home = home_in(f->dir);
    char kb[128];
    th_write_text(th_path(kb, sizeof kb, f->dir, "law.jsonl"),
                  "{\"id\":\"z1\",\"question\":\"醉酒驾驶机动车会怎么处罚\",\"answer\":\"吊销"
                  "机动车驾驶证，依法追究刑事责任。\"}\n"
                  "{\"id\":\"z2\",\"question\":\"驾驶证丢了怎么补办\",\"answer\":\"到车管所申请"
                  "补领。\"}\n"
                  "{\"id\":\"z3\",\"question\":\"喝醉了头疼怎么办\",\"answer\":\"多喝水。\"}\n");
    th_run r = th_wenda(f->index, NULL, "index", "--quiet", kb, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    double before = first_confidence(f->index, "醉驾怎么处罚");

    r = th_wenda(NULL, NULL, "dict", "synonym", "add", "醉驾", "醉酒驾驶", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "synonyms.txt"));
    th_run_free(&r);
    assert_true(first_confidence(f->index, "醉驾怎么处罚") > before + 0.1);
    r = th_wenda(f->index, NULL, "info", "--json", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    assert_false(json_is_true(json_object_get(j, "needs_reindex")));
    json_decref(j);
    th_run_free(&r);

    r = th_wenda(NULL, NULL, "dict", "synonym", "list", "--json", "醉驾", NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    json_t *g = json_array_get(json_object_get(j, "groups"), 0);
    assert_string_equal(th_json_str(g, "source"), "user");
    json_t *m = json_array_get(json_object_get(g, "members"), 1);
    assert_string_equal(th_json_str(m, "word"), "醉酒驾驶");
    assert_string_equal(json_string_value(json_array_get(json_object_get(m, "matched_as"), 1)),
                        "驾驶");
    json_decref(j);
    th_run_free(&r);

    r = th_wenda(NULL, NULL, "dict", "synonym", "remove", "醉驾", NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "synonym", "list", "醉驾", NULL);
    assert_int_equal(r.status, 1);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "synonym", "remove", "医保", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "built-in"));
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "synonym", "list", "医保", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "医疗保险"));
    th_run_free(&r);

    /* words: list by source, remove from the overlay */
    r = th_wenda(NULL, NULL, "dict", "add", "保泰通", NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "list", "--source", "user", "--json", NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    assert_int_equal(json_array_size(json_object_get(j, "words")), 1);
    assert_string_equal(th_json_str(json_array_get(json_object_get(j, "words"), 0), "word"),
                        "保泰通");
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "remove", "保泰通", NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "remove", "保泰通", NULL);
    assert_int_equal(r.status, 1);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "remove", "医保", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "built-in"));
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "info", "--json", NULL);
    j = th_json(r.out);
    assert_false(json_is_true(json_object_get(j, "needs_reindex"))); /* as before */
    json_decref(j);
    th_run_free(&r);
    home_back(old_home);
}

/* The associations of a word in the JSON of `dict assoc list` or a token of
 * `segment --explain`: 1 when other is among them with this kind. */
static int lists_assoc(const json_t *arr, const char *other, const char *kind)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *a = json_array_get(arr, i);
        if (strcmp(th_json_str(a, "word"), other) == 0 && strcmp(th_json_str(a, "kind"), kind) == 0)
            return 1;
    }
    return 0;
}

/* `dict assoc list WORD` over index shows OTHER of kind, in JSON and in
 * text. */
static void assoc_listed(const char *index, const char *word, const char *other, const char *kind)
{
    th_run r = th_wenda(index, NULL, "dict", "assoc", "list", "--json", word, NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    assert_true(lists_assoc(json_object_get(j, "associations"), other, kind));
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(index, NULL, "dict", "assoc", "list", word, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, other));
    assert_non_null(strstr(r.out, kind));
    th_run_free(&r);
}

/* `segment --explain TEXT` over index shows `shown` ("WORD: OTHER"). */
static void segment_explains(const char *index, const char *text, const char *shown)
{
    th_run r = th_wenda(index, NULL, "segment", "--explain", text, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, shown));
    th_run_free(&r);
}

/* The search `c` (an ask --explain --json) used word's association with
 * other first, with a weight in the query: its JSON answer (the caller
 * frees it). */
static json_t *explained_use(const th_cmd *c, const char *word, const char *other)
{
    th_run r = th_exec(c);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    th_run_free(&r);
    json_t *as = json_array_get(json_object_get(j, "associations"), 0);
    assert_non_null(as);
    assert_string_equal(th_json_str(as, "word"), word);
    assert_string_equal(th_json_str(as, "associated"), other);
    assert_true(json_real_value(json_object_get(as, "scale")) > 0);
    return j;
}

/* `dict assoc remove WORD OTHER` records the pair in the overlay, at once:
 * `dict assoc list LISTED` no longer shows SHOWN (of kind), and the search
 * `c` (which used it) no longer uses OTHER; no re-index. */
static void assoc_removed(const char *index, const th_cmd *c, const char *word, const char *other,
                          const char *listed, const char *shown, const char *kind)
{
    th_run r = th_wenda(NULL, NULL, "dict", "assoc", "remove", word, other, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "assoc-removed.txt"));
    th_run_free(&r);
    r = th_wenda(index, NULL, "dict", "assoc", "list", "--json", listed, NULL);
    if (r.status == 0) {
        json_t *j = th_json(r.out);
        assert_false(lists_assoc(json_object_get(j, "associations"), shown, kind));
        json_decref(j);
    } else {
        assert_int_equal(r.status, 1);
    }
    th_run_free(&r);
    r = th_exec(c);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *used = json_object_get(j, "associations");
    for (size_t i = 0; i < json_array_size(used); i++)
        assert_string_not_equal(th_json_str(json_array_get(used, i), "associated"), other);
    json_decref(j);
    th_run_free(&r);
}

/* An index mines word associations from its records: `dict assoc list`
 * shows a word's, `segment --explain` each word's, `ask --explain` the ones
 * a search used; `dict assoc remove` takes a pair out in the overlay, and
 * the next command leaves it out, with no re-index. */
static void test_cli__dict_assoc_list_remove_and_explain(void **state)
{
    fixture *f = *state;
    char *old_home = home_in(f->dir);
    th_run r = th_wenda(NULL, NULL, "dict", "add", "消费者协会", NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "add", "消协", NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    static const char *const topics[] = { "退货", "预付卡", "装修", "快递", "家电" };
    wd_buf kb = WD_BUF_INIT;
    for (int i = 0; i < 20; i++) {
        const char *t = topics[i % 5], *form = i < 10 ? "消协" : "消费者协会";
        wd_buf_printf(&kb,
                      "{\"id\":\"r%d\",\"question\":\"%s受理%s纠纷吗\",\"answer\":\"%s受理%s投诉，"
                      "帮助维权。\"}\n",
                      i, form, t, form, t);
    }
    wd_buf_puts(&kb,
                "{\"id\":\"x\",\"question\":\"消费者协会怎么收费\",\"answer\":\"不收费。\"}\n");
    char path[128];
    th_write_text(th_path(path, sizeof path, f->dir, "kb.jsonl"), kb.data);
    wd_buf_free(&kb);
    r = th_wenda(f->index, NULL, "index", "--quiet", path, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);

    assoc_listed(f->index, "消协", "消费者协会", "short form");
    r = th_wenda(f->index, NULL, "dict", "assoc", "list", "收费", NULL);
    assert_int_equal(r.status, 1);
    th_run_free(&r);
    /* a bulk build mines every part and stores the merged counts once */
    char bulk[128];
    th_path(bulk, sizeof bulk, f->dir, "bulk");
    r = th_wenda(NULL, NULL, "index", "--quiet", "--bulk", "--jobs", "2", "--index", bulk, path,
                 NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    assoc_listed(bulk, "消协", "消费者协会", "short form");

    r = th_wenda(f->index, NULL, "segment", "--explain", "--json", "消协怎么收费", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    json_t *t0 = json_array_get(json_object_get(j, "tokens"), 0);
    assert_string_equal(th_json_str(t0, "text"), "消协");
    assert_true(lists_assoc(json_object_get(t0, "associations"), "消费者协会", "short form"));
    json_decref(j);
    th_run_free(&r);
    segment_explains(f->index, "消协怎么收费", "消协: 消费者协会");

    static const char *const tune[] = { "WENDA_TUNE=as=0.5", NULL };
    static const char *const ask[] = { "ask", "--explain", "--json", "消协怎么收费", NULL };
    th_cmd c = { .args = ask, .index = f->index, .env = tune };
    json_decref(explained_use(&c, "消协", "消费者协会"));

    assoc_removed(f->index, &c, "消协", "消费者协会", "消费者协会", "消协", "short form");
    r = th_wenda(NULL, NULL, "dict", "assoc", "remove", "消费者协会", "消协", "--json", NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    assert_true(json_is_true(json_object_get(j, "already")));
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "assoc", "remove", "消协", NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "assoc", "frob", NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    home_back(old_home);
}

/* A short form whose long form the analyzer splits into several words
 * (醉驾: 醉酒 驾驶): `dict assoc list` shows the long form with its words
 * joined, as do `segment --explain` and, when the search uses it, `ask
 * --explain`; a bulk build finds it too; `dict assoc remove` takes it out
 * by the joined form, with no re-index. */
static void test_cli__dict_assoc_long_form_of_several_words(void **state)
{
    fixture *f = *state;
    char *old_home = home_in(f->dir);
    static const char *const topics[] = { "罚款", "拘留", "记分", "扣车", "培训" };
    wd_buf kb = WD_BUF_INIT;
    for (int i = 0; i < 20; i++)
        wd_buf_printf(&kb,
                      "{\"id\":\"r%d\",\"question\":\"醉酒驾驶要%s吗\",\"answer\":\"醉酒驾驶"
                      "机动车的，%s，吊销机动车驾驶证。\"}\n",
                      i, topics[i % 5], topics[i % 5]);
    wd_buf_puts(&kb,
                "{\"id\":\"x\",\"question\":\"醉驾怎么处罚\",\"answer\":\"追究刑事责任。\"}\n");
    char path[128], bulk[128];
    th_write_text(th_path(path, sizeof path, f->dir, "kb.jsonl"), kb.data);
    wd_buf_free(&kb);
    th_path(bulk, sizeof bulk, f->dir, "bulk");
    static const char *const mine[] = { "WENDA_ASSOC=l=0.3", NULL }; /* mined when asked for */
    const char *const one[] = { "index", "--quiet", path, NULL };
    const char *const parts[] = { "index",   "--quiet", "--bulk", "--jobs", "2",
                                  "--index", bulk,      path,     NULL };
    th_run r = th_exec(&(th_cmd){ .args = one, .index = f->index, .env = mine });
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_exec(&(th_cmd){ .args = parts, .env = mine });
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    for (int k = 0; k < 2; k++)
        assoc_listed(k ? bulk : f->index, "醉驾", "醉酒驾驶", "long form");
    segment_explains(f->index, "醉驾怎么处罚", "醉驾: 醉酒驾驶");

    static const char *const tune[] = { "WENDA_TUNE=al=0.5", NULL };
    static const char *const ask[] = { "ask", "--explain", "--json", "醉驾怎么处罚", NULL };
    th_cmd c = { .args = ask, .index = f->index, .env = tune };
    json_t *j = explained_use(&c, "醉驾", "醉酒驾驶");
    assert_string_equal(th_json_str(json_array_get(json_object_get(j, "associations"), 0), "kind"),
                        "long form");
    assert_string_equal(th_json_str(json_array_get(json_object_get(j, "hits"), 0), "id"), "x");
    json_decref(j);

    assoc_removed(f->index, &c, "醉驾", "醉酒驾驶", "醉驾", "醉酒驾驶", "long form");
    home_back(old_home);
}

/* `wenda reindex` rebuilds an index from the records it stores with the
 * dictionary in force, single or sharded: `info` says when it is needed and
 * names the command, the ids and records stay, and the rebuilt index is of
 * the current dictionary. Without a terminal the progress is a line (one at
 * the end at least); --quiet says nothing. */
static void test_cli__reindex_rebuilds_from_stored_records(void **state)
{
    fixture *f = *state;
    char *old_home = home_in(f->dir);
    char kb[128], sharded[128];
    th_write_text(th_path(kb, sizeof kb, f->dir, "kb.jsonl"),
                  "{\"id\":\"a\",\"question\":\"保泰通怎么交\",\"answer\":\"在网上交。\"}\n"
                  "{\"id\":\"b\",\"question\":\"医保卡丢了怎么办\",\"answer\":\"挂失补办。\"}\n");
    th_path(sharded, sizeof sharded, f->dir, "sharded");
    th_run r = th_wenda(f->index, NULL, "index", "--quiet", kb, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "index", "--quiet", "--shards", "2", "--index", sharded, kb, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "export", NULL);
    char *before = strdup(r.out);
    th_run_free(&r);

    r = th_wenda(NULL, NULL, "dict", "add", "保泰通", NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    const char *const idx[2] = { f->index, sharded };
    for (int k = 0; k < 2; k++) {
        r = th_wenda(NULL, NULL, "info", "--index", idx[k], NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "wenda reindex"));
        th_run_free(&r);
        r = th_wenda(NULL, NULL, "reindex", "--json", "--progress", "lines", "--index", idx[k],
                     NULL);
        assert_int_equal(r.status, 0);
        json_t *j = th_json(r.out);
        assert_int_equal(th_json_int(j, "records"), 2);
        json_decref(j);
        assert_non_null(strstr(r.err, "reindexing: 100%"));
        th_run_free(&r);
        r = th_wenda(NULL, NULL, "info", "--json", "--index", idx[k], NULL);
        j = th_json(r.out);
        assert_false(json_is_true(json_object_get(j, "needs_reindex")));
        assert_int_equal(th_json_int(j, "documents"), 2);
        json_decref(j);
        th_run_free(&r);
    }
    r = th_wenda(f->index, NULL, "export", NULL);
    assert_string_equal(r.out, before); /* same ids, fields and kinds */
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "reindex", "--quiet", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "reindex", "--index", "/nonexistent/wenda-index", NULL);
    assert_int_equal(r.status, 3);
    th_run_free(&r);
    free(before);
    home_back(old_home);
}

/* Progress on stderr: --progress lines gives a line with the share of the
 * input done (at least the last one); without a terminal a short run
 * prints none, --quiet none at all; a bad --progress is a usage error.
 * The same for coverage. */
static void test_cli__progress_lines_share_and_quiet(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "--progress", "lines", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "wenda: index: indexing: 100% of "));
    assert_non_null(strstr(r.err, "104 records"));
    assert_non_null(strstr(r.err, "done in"));
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "index", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.err, "indexing:"));
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "index", "--quiet", "--progress", "lines", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, "");
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "index", "--progress", "sometimes", SEEDS, NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    r = th_wenda(f->index, "低保户要交医保吗\n异地就医怎么报销\n", "coverage", "--progress",
                 "lines", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "wenda: coverage: checking: ")); /* stdin: no size */
    assert_non_null(strstr(r.err, "2 questions"));
    th_run_free(&r);
}

/* The JSON problem about `file` (its path ends so), or NULL. */
static json_t *problem_about(json_t *summary, const char *file)
{
    json_t *ps = json_object_get(summary, "problems");
    size_t fn = strlen(file);
    for (size_t i = 0; i < json_array_size(ps); i++) {
        const char *pf = json_string_value(json_object_get(json_array_get(ps, i), "file"));
        size_t n = pf ? strlen(pf) : 0;
        if (n >= fn && strcmp(pf + n - fn, file) == 0)
            return json_array_get(ps, i);
    }
    return NULL;
}

static void assert_problem_about(json_t *summary, const char *file, const char *level,
                                 const char *needle)
{
    json_t *p = problem_about(summary, file);
    if (!p)
        fail_msg("no problem about %s in %s", file, json_dumps(summary, JSON_COMPACT));
    assert_string_equal(json_string_value(json_object_get(p, "level")), level);
    const char *m = json_string_value(json_object_get(p, "message"));
    if (!strstr(m, needle))
        fail_msg("%s: \"%s\" lacks \"%s\"", file, m, needle);
}

/* A folder with two ".." links (which the walk used to follow until memory
 * ran out), a link to itself (which made one file indexed 41 times) and a
 * link to the system's password file: each real file is read once, the
 * loops and the link out of the folder are reported and left out, and
 * --follow-links reads what lies outside, never round a loop. */
static void test_cli__index_folder_walk_reads_each_file_once_and_stays_inside(void **state)
{
    fixture *f = *state;
    char kb[256], p[512];
    snprintf(kb, sizeof kb, "%s/kb", f->dir);
    th_write_text(th_path(p, sizeof p, kb, "a.jsonl"),
                  "{\"id\": \"a1\", \"question\": \"低保户要交医保吗\", \"answer\": \"资助。\"}\n");
    th_write_text(th_path(p, sizeof p, kb, "sub/b.jsonl"),
                  "{\"id\": \"b1\", \"question\": \"异地就医怎么报销\", \"answer\": \"备案。\"}\n");
    th_write_text(th_path(p, sizeof p, f->dir, "out/o.jsonl"),
                  "{\"id\": \"o1\", \"question\": \"门诊费用怎么报销\", \"answer\": \"外面。\"}\n");
    assert_int_equal(symlink("..", th_path(p, sizeof p, kb, "sub/up1")), 0);
    assert_int_equal(symlink("..", th_path(p, sizeof p, kb, "sub/up2")), 0);
    assert_int_equal(symlink(".", th_path(p, sizeof p, kb, "self")), 0);
    assert_int_equal(symlink("/etc/passwd", th_path(p, sizeof p, kb, "passwd.txt")), 0);
    assert_int_equal(symlink("../out", th_path(p, sizeof p, kb, "outside")), 0);

    th_run r = th_wenda(f->index, NULL, "index", "--json", kb, NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    assert_int_equal(th_json_int(j, "files"), 2);
    assert_int_equal(th_json_int(j, "added"), 2);
    assert_int_equal(json_array_size(json_object_get(j, "problems")), 5);
    assert_problem_about(j, "kb/sub/up1", "warning", "(a loop); left out");
    assert_problem_about(j, "kb/sub/up2", "warning", "(a loop); left out");
    assert_problem_about(j, "kb/self", "warning", "(a loop); left out");
    assert_problem_about(j, "kb/passwd.txt", "warning", "out of the folder being read");
    assert_problem_about(j, "kb/outside", "warning", "--follow-links");
    json_decref(j);
    th_run_free(&r);
    assert_int_equal(th_index_documents(f->index), 2);

    /* The text output says the same on stderr. */
    r = th_wenda(f->index, NULL, "index", kb, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "wenda: index: "));
    assert_non_null(strstr(r.err, "kb/passwd.txt: a symbolic link out of the folder being read "
                                  "(to /etc/passwd); left out (pass --follow-links"));
    th_run_free(&r);

    /* Asked to, it follows links out of the folder, still never round a
     * loop. (/etc/passwd is out of the way for this run.) */
    assert_int_equal(unlink(th_path(p, sizeof p, kb, "passwd.txt")), 0);
    r = th_wenda(f->index, NULL, "index", "--json", "--follow-links", kb, NULL);
    assert_int_equal(r.status, 0);
    j = th_json(r.out);
    assert_int_equal(th_json_int(j, "files"), 3);
    assert_int_equal(json_array_size(json_object_get(j, "problems")), 3);
    json_decref(j);
    th_run_free(&r);
    assert_int_equal(th_index_documents(f->index), 3);
}

/* A path that does not exist is among the problems of --json, and the run
 * exits 3 after indexing the rest. */
static void test_cli__index_json_lists_a_missing_path_among_problems(void **state)
{
    fixture *f = *state;
    char p[256], missing[256];
    th_write_text(th_path(p, sizeof p, f->dir, "a.jsonl"),
                  "{\"id\": \"a1\", \"question\": \"低保户要交医保吗\", \"answer\": \"资助。\"}\n");
    th_path(missing, sizeof missing, f->dir, "nothere.jsonl");
    th_run r = th_wenda(f->index, NULL, "index", "--json", p, missing, NULL);
    assert_int_equal(r.status, 3);
    json_t *j = th_json(r.out);
    assert_int_equal(th_json_int(j, "added"), 1);
    assert_int_equal(th_json_int(j, "failed_files"), 1);
    assert_int_equal(json_array_size(json_object_get(j, "problems")), 1);
    json_t *pr = problem_about(j, "nothere.jsonl");
    assert_non_null(pr);
    assert_string_equal(th_json_str(pr, "level"), "error");
    assert_string_equal(th_json_str(pr, "code"), "not_found");
    assert_non_null(strstr(th_json_str(pr, "message"), "no such file or folder"));
    json_decref(j);
    /* Under --json the problem is in the summary, not printed beside it. */
    assert_null(strstr(r.err, "no such file"));
    th_run_free(&r);
}

/* Counts that cannot be 0 say so in the one message that states the range. */
static void test_cli__zero_counts_are_usage_errors_stating_the_range(void **state)
{
    fixture *f = *state;
    static const char *const cases[][5] = {
        { "ask", "-n", "0", "x", "-n/--num wants a whole number from 1 to 1000, not '0'" },
        { "index", "--max-record-bytes", "0", "x",
          "--max-record-bytes wants a whole number from 1 to 2147483648, not '0'" },
        { "index", "--batch-size", "0", "x", "--batch-size wants a whole number from 1 to" },
        { "index", "--jobs", "0", "x", "-j/--jobs wants a whole number from 1 to 64, not '0'" },
        { "serve", "--threads", "0", NULL,
          "--threads wants a whole number from 1 to 256, not '0'" },
        { "serve", "--threads", "300", NULL,
          "--threads wants a whole number from 1 to 256, not '300'" },
        { "serve", "--max-header", "100", NULL,
          "--max-header wants a whole number from 4096 to 1048576, not '100'" },
        { "serve", "--record-cache-mb", "0", NULL,
          "--record-cache-mb wants a whole number from 1 to 65536, not '0'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        th_run r =
            th_wenda(f->index, NULL, cases[i][0], cases[i][1], cases[i][2], cases[i][3], NULL);
        assert_int_equal(r.status, 2);
        if (!strstr(r.err, cases[i][4]))
            fail_msg("%s %s %s: \"%s\" lacks \"%s\"", cases[i][0], cases[i][1], cases[i][2], r.err,
                     cases[i][4]);
        assert_null(strstr(r.err, "at least"));
        th_run_free(&r);
    }
}

/* `info` sizes a sharded index by its shards (it said 0.0 MiB). */
static void test_cli__info_sizes_a_sharded_index_by_its_shards(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "--quiet", "--shards", "2", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    json_int_t shard_sum = 0;
    for (int k = 1; k <= 2; k++) {
        char shard[256];
        snprintf(shard, sizeof shard, "%s/shard-%d", f->index, k);
        r = th_wenda(shard, NULL, "info", "--json", NULL);
        assert_int_equal(r.status, 0);
        json_t *j = th_json(r.out);
        assert_true(th_json_int(j, "size_bytes") > 0);
        shard_sum += th_json_int(j, "size_bytes");
        json_decref(j);
        th_run_free(&r);
    }
    r = th_wenda(f->index, NULL, "info", "--json", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = th_json(r.out);
    assert_int_equal(th_json_int(j, "documents"), 104);
    assert_int_equal(th_json_int(j, "size_bytes"), shard_sum);
    assert_true(shard_sum > 100000);
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "info", NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "size         0.0 MiB"));
    th_run_free(&r);
}

/* `info` says whether searches read the stored question analyses: yes for
 * an index built with the dictionary in use, no (with what to run) when
 * another dictionary is asked for. */
static void test_cli__info_says_whether_stored_analyses_are_read(void **state)
{
    fixture *f = *state;
    th_run r = th_wenda(f->index, NULL, "index", "--quiet", SEEDS, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "info", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "analyses     stored"));
    assert_non_null(strstr(r.out, "schema       5"));
    th_run_free(&r);
    char dict[256], user[256];
    snprintf(dict, sizeof dict, "%s/dict", f->dir);
    assert_int_equal(mkdir(dict, 0755), 0);
    th_write_text(th_path(user, sizeof user, dict, "user.txt"), "保泰通 2\n");
    r = th_wenda(f->index, NULL, "info", "--dict", dict, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "analyses     made with another dictionary, not used"));
    assert_non_null(strstr(r.out, "wenda reindex --index"));
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "info", "--json", "--dict", dict, NULL);
    json_t *j = th_json(r.out);
    assert_true(json_is_false(json_object_get(j, "stored_analyses")));
    json_decref(j);
    th_run_free(&r);
    r = th_wenda(f->index, NULL, "info", "--json", NULL);
    j = th_json(r.out);
    assert_true(json_is_true(json_object_get(j, "stored_analyses")));
    json_decref(j);
    th_run_free(&r);
}

/* A file whose name is not UTF-8 (a GBK name): its problems are in the
 * --json summary, the name's bad bytes shown as '?' (the problem used to be
 * dropped, leaving "skipped": 1 unexplained). */
static void test_cli__index_json_keeps_problems_of_a_file_named_in_gbk(void **state)
{
    fixture *f = *state;
    char kb[256], p[512];
    snprintf(kb, sizeof kb, "%s/kb", f->dir);
    th_write_text(th_path(p, sizeof p, kb, "\xb5\xcd.jsonl"),
                  "{\"id\": \"g1\", \"question\": \"低保户要交医保吗\", \"answer\": \"资助。\"}\n"
                  "{\"id\": \"g2\", \"question\": \"😀\", \"answer\": \"表情\"}\n");
    th_run r = th_wenda(f->index, NULL, "index", "--json", kb, NULL);
    assert_int_equal(r.status, 3);
    json_t *j = th_json(r.out);
    assert_int_equal(th_json_int(j, "skipped"), 2);
    json_t *ps = json_object_get(j, "problems");
    assert_int_equal(json_array_size(ps), 2);
    for (size_t i = 0; i < 2; i++)
        assert_non_null(strstr(th_json_str(json_array_get(ps, i), "file"), "kb/??.jsonl"));
    json_decref(j);
    th_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cli__index_seeds_twice_holds_104, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__ask_dibaohu_ranks_matching_record_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__question_kind_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__ask_reads_pinyin_and_says_so, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__segment_keeps_domain_words_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__missing_index_exits_3_with_command, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__bad_lines_named_and_good_records_indexed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__unreadable_file_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__delete_and_show, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__ask_stdin_json_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__control_characters_of_records_are_shown_escaped,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__a_long_question_is_answered_trimmed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__usage_errors_exit_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__ask_says_when_nothing_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__ask_filters_facets_and_folds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__calibrate_keeps_thresholds_with_the_index, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__dict_add_makes_a_word_whole_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__dict_assoc_list_remove_and_explain, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__dict_assoc_long_form_of_several_words, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__dict_synonym_applies_without_reindex, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__reindex_rebuilds_from_stored_records, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__progress_lines_share_and_quiet, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cli__index_folder_walk_reads_each_file_once_and_stays_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__index_json_lists_a_missing_path_among_problems,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__zero_counts_are_usage_errors_stating_the_range,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli__info_says_whether_stored_analyses_are_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__info_sizes_a_sharded_index_by_its_shards, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli__index_json_keeps_problems_of_a_file_named_in_gbk,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
