/*
 * test_discover.c - new-word discovery (wenda/discover.h) and `wenda dict
 * discover`.
 *
 * The text is the seed corpus (real questions and answers) with a made-up
 * word, 犇骉猋, written into twenty questions in varied contexts: it must
 * be found with its count and examples, while its own fragments, words the
 * lexicons know, strings edged by stop words and strings seen too rarely
 * must not be listed.
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
#include "wenda/analyzer.h"
#include "wenda/discover.h"

#define NEW_WORD "犇骉猋"

static const char *const BEFORE[] = { "请问", "我想了解", "听说",       "朋友推荐了", "怎样申请",
                                      "关于", "昨天买了", "单位给办了", "哪里能查",   "为什么" };
static const char *const AFTER[] = { "怎么报销", "要交多少钱", "能退吗", "和医保有什么区别",
                                     "靠谱吗",   "在哪里办",   "有用吗", "需要什么材料" };

static wd_dict *dict;

static int setup(void **state)
{
    (void)state;
    wd_error err;
    wd_error_clear(&err);
    return wd_dict_load(&dict, NULL, &err) == WD_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    wd_dict_free(dict);
    return 0;
}

/* Feed every line of the seed pages, then the questions with the new word. */
static void feed_corpus(wd_discover *x, int with_word_times)
{
    wd_error err;
    wd_error_clear(&err);
    for (int f = 0; f < 5; f++) {
        static const char *const pages[] = { "000_e31b320f51b19bad.txt", "001_6cdc9679d3d11ea7.txt",
                                             "002_270097ab3822db11.txt", "003_9aad1fbb1e0393fc.txt",
                                             "004_49b6e4c2fae0bcd8.txt" };
        char path[1024];
        snprintf(path, sizeof path, "%s/corpus/seeds/%s", WD_SOURCE_DIR, pages[f]);
        size_t len = 0;
        char *text = th_slurp(path, &len);
        assert_non_null(text);
        for (char *line = text, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            size_t l = next ? (size_t)(next - line) : strlen(line);
            assert_int_equal(wd_discover_feed(x, line, l, 0, &err), WD_OK);
            next = next ? next + 1 : NULL;
        }
        free(text);
    }
    for (int i = 0; i < with_word_times; i++) {
        char q[256];
        snprintf(q, sizeof q, "%s" NEW_WORD "%s", BEFORE[i % 10], AFTER[(i * 3) % 8]);
        assert_int_equal(wd_discover_feed(x, q, strlen(q), 1, &err), WD_OK);
    }
}

static const wd_discovered *find(const wd_discovered *v, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].word, w) == 0)
            return &v[i];
    return NULL;
}

static void test_discover__finds_a_new_word(void **state)
{
    (void)state;
    wd_error err;
    wd_error_clear(&err);
    wd_discover *x = NULL;
    assert_int_equal(wd_discover_new(&x, dict, NULL, &err), WD_OK);
    feed_corpus(x, 20);
    assert_true(wd_discover_chars(x) > 10000);
    wd_discovered *v = NULL;
    size_t n = 0;
    assert_int_equal(wd_discover_run(x, &v, &n, &err), WD_OK);
    const wd_discovered *d = find(v, n, NEW_WORD);
    assert_non_null(d);
    assert_int_equal(d->count, 20);
    assert_true(d->cohesion >= 5.0);
    assert_true(d->left_entropy >= 1.0 && d->right_entropy >= 1.0);
    /* Examples are units that use it; questions are preferred. */
    assert_non_null(d->examples[0]);
    assert_non_null(d->examples[1]);
    assert_non_null(strstr(d->examples[0], NEW_WORD));
    assert_non_null(strstr(d->examples[1], NEW_WORD));
    assert_string_not_equal(d->examples[0], d->examples[1]);
    /* Its fragments are not words: 骉猋 always follows 犇. */
    assert_null(find(v, n, "骉猋"));
    assert_null(find(v, n, "犇骉"));
    /* A word the lexicons keep whole is not new, however common. */
    assert_null(find(v, n, "医保"));
    for (size_t i = 0; i < n; i++) {
        /* Best first; nothing edged by a stop word. */
        if (i)
            assert_true(v[i - 1].score >= v[i].score);
        size_t l = strlen(v[i].word);
        assert_true(l >= 6);
        assert_false(wd_dict_is_stopword(dict, v[i].word, 3));
        assert_false(wd_dict_is_stopword(dict, v[i].word + l - 3, 3));
    }
    wd_discovered_free(v, n);
    wd_discover_free(x);
}

static void test_discover__min_count(void **state)
{
    (void)state;
    wd_error err;
    wd_error_clear(&err);
    wd_discover_opts o = WD_DISCOVER_OPTS_INIT;
    for (int pass = 0; pass < 2; pass++) {
        o.min_count = pass == 0 ? 5 : 3;
        wd_discover *x = NULL;
        assert_int_equal(wd_discover_new(&x, dict, &o, &err), WD_OK);
        feed_corpus(x, 4);
        wd_discovered *v = NULL;
        size_t n = 0;
        assert_int_equal(wd_discover_run(x, &v, &n, &err), WD_OK);
        const wd_discovered *d = find(v, n, NEW_WORD);
        if (pass == 0) {
            assert_null(d); /* seen 4 times, 5 wanted */
        } else {
            assert_non_null(d);
            assert_int_equal(d->count, 4);
        }
        wd_discovered_free(v, n);
        wd_discover_free(x);
    }
}

static void test_discover__bad_input_and_misuse(void **state)
{
    (void)state;
    wd_error err;
    wd_error_clear(&err);
    wd_discover *x = NULL;
    wd_discover_opts o = WD_DISCOVER_OPTS_INIT;
    o.max_len = 9;
    assert_int_equal(wd_discover_new(&x, dict, &o, &err), WD_EINVAL);
    assert_null(x);
    o.max_len = 1;
    assert_int_equal(wd_discover_new(&x, dict, &o, &err), WD_EINVAL);
    o = (wd_discover_opts)WD_DISCOVER_OPTS_INIT;
    o.min_freedom = -1;
    assert_int_equal(wd_discover_new(&x, dict, &o, &err), WD_EINVAL);

    /* Nothing fed: nothing found. Invalid UTF-8 and empty units are fine. */
    assert_int_equal(wd_discover_new(&x, dict, NULL, &err), WD_OK);
    assert_int_equal(wd_discover_feed(x, "\xff\xfe\x80医保\xc3", 9, 1, &err), WD_OK);
    assert_int_equal(wd_discover_feed(x, "", 0, 0, &err), WD_OK);
    assert_int_equal(wd_discover_units(x), 2);
    assert_int_equal(wd_discover_chars(x), 2);
    wd_discovered *v = NULL;
    size_t n = 7;
    assert_int_equal(wd_discover_run(x, &v, &n, &err), WD_OK);
    assert_int_equal(n, 0);
    wd_discovered_free(v, n);
    /* One run, and no text after it. */
    assert_int_equal(wd_discover_run(x, &v, &n, &err), WD_EINVAL);
    assert_int_equal(wd_discover_feed(x, "医保", 6, 1, &err), WD_EINVAL);
    wd_discover_free(x);
}

/* ---- the command ------------------------------------------------------------------ */

static void write_lines(const char *path, int times)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    char seeds[1024];
    snprintf(seeds, sizeof seeds, "%s/corpus/seeds/000_e31b320f51b19bad.txt", WD_SOURCE_DIR);
    size_t len = 0;
    char *text = th_slurp(seeds, &len);
    assert_non_null(text);
    fwrite(text, 1, len, f);
    free(text);
    for (int i = 0; i < times; i++)
        fprintf(f, "\n%s" NEW_WORD "%s", BEFORE[i % 10], AFTER[(i * 3) % 8]);
    fputc('\n', f);
    assert_int_equal(fclose(f), 0);
}

static void test_discover__command(void **state)
{
    (void)state;
    char dir[512], lines[600], data[600];
    assert_int_equal(th_tmpdir(dir, sizeof dir, "discover"), 0);
    th_path(lines, sizeof lines, dir, "text.txt");
    th_path(data, sizeof data, dir, "data");
    write_lines(lines, 12);
    setenv("XDG_DATA_HOME", data, 1);

    th_run r = th_wenda(NULL, NULL, "dict", "discover", "--lines", "--json", "--min-count", "3",
                        "--add", "1", lines, NULL);
    assert_int_equal(r.status, 0);
    json_t *o = th_json(r.out);
    assert_non_null(o);
    assert_true(th_json_int(o, "units") > 12);
    json_t *words = json_object_get(o, "words");
    assert_true(json_array_size(words) >= 1);
    int seen = 0;
    for (size_t i = 0; i < json_array_size(words); i++) {
        json_t *w = json_array_get(words, i);
        if (strcmp(th_json_str(w, "word"), NEW_WORD) == 0) {
            seen = 1;
            assert_int_equal(th_json_int(w, "count"), 12);
            assert_true(json_array_size(json_object_get(w, "examples")) == 2);
        }
    }
    assert_true(seen);
    /* --add 1 put the best one into the overlay, where `dict check` uses it. */
    assert_int_equal(th_json_int(o, "added"), 1);
    char user[700];
    snprintf(user, sizeof user, "%s/wenda/dict/user.txt", data);
    size_t ulen = 0;
    char *u = th_slurp(user, &ulen);
    assert_non_null(u);
    char first[64];
    snprintf(first, sizeof first, "%s\n", th_json_str(json_array_get(words, 0), "word"));
    assert_string_equal(u, first);
    free(u);
    json_decref(o);
    th_run_free(&r);

    /* Text output: a header line and the word with its examples; once the
     * word is in the overlay it is known, no longer a candidate. */
    r = th_wenda(NULL, NULL, "dict", "discover", "--lines", "--min-count", "3", "--top", "0", lines,
                 NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "candidate words in"));
    assert_null(strstr(r.out, NEW_WORD));
    th_run_free(&r);
    unsetenv("XDG_DATA_HOME");
    r = th_wenda(NULL, NULL, "dict", "discover", "--lines", "--min-count", "3", "--top", "0", lines,
                 NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, NEW_WORD "  "));
    th_run_free(&r);

    /* Usage errors and unreadable input. */
    r = th_wenda(NULL, NULL, "dict", "discover", "--max-len", "12", lines, NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "discover", "--min-cohesion", "x", lines, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--min-cohesion"));
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "dict", "discover", "--index", dir, lines, NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);
    char missing[700];
    th_path(missing, sizeof missing, dir, "missing.txt");
    r = th_wenda(NULL, NULL, "dict", "discover", "--lines", missing, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "missing.txt"));
    th_run_free(&r);
    /* No index where one is asked for: exit 3 with the command that makes one. */
    char noindex[700];
    th_path(noindex, sizeof noindex, dir, "noindex");
    r = th_wenda(NULL, NULL, "dict", "discover", "--index", noindex, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "wenda index"));
    th_run_free(&r);
    th_rmtree(dir);
}

/* Over an index: its stored questions and answers are read. */
static void test_discover__index(void **state)
{
    (void)state;
    char dir[512], lines[600], index[600];
    assert_int_equal(th_tmpdir(dir, sizeof dir, "discover-index"), 0);
    th_path(index, sizeof index, dir, "index");
    th_path(lines, sizeof lines, dir, "records.jsonl");
    FILE *f = fopen(lines, "w");
    assert_non_null(f);
    for (int i = 0; i < 15; i++)
        fprintf(f, "{\"question\": \"%s" NEW_WORD "%s\", \"answer\": \"可以，按规定办理。\"}\n",
                BEFORE[i % 10], AFTER[(i * 5) % 8]);
    assert_int_equal(fclose(f), 0);
    const char *const files[] = { lines, NULL };
    assert_int_equal(th_index_files(index, files), 0);
    th_run r = th_wenda(NULL, NULL, "dict", "discover", "--json", "--index", index, "--min-count",
                        "3", "--min-cohesion", "2", NULL);
    assert_int_equal(r.status, 0);
    json_t *o = th_json(r.out);
    assert_non_null(o);
    assert_int_equal(th_json_int(o, "units"), 30);
    json_t *words = json_object_get(o, "words");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(words); i++)
        seen |= strcmp(th_json_str(json_array_get(words, i), "word"), NEW_WORD) == 0;
    assert_true(seen);
    json_decref(o);
    th_run_free(&r);
    th_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discover__finds_a_new_word),
        cmocka_unit_test(test_discover__min_count),
        cmocka_unit_test(test_discover__bad_input_and_misuse),
        cmocka_unit_test(test_discover__command),
        cmocka_unit_test(test_discover__index),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
