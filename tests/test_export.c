/*
 * test_export.c - `wenda export` on the real binary: the stored records
 * written back out round-trip through `wenda index` byte for byte, over a
 * folder, a sharded folder and a shard list; TSV escapes what a field
 * cannot hold; errors leave no file behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "helpers.h"

static char dir[512];

static int setup(void **state)
{
    (void)state;
    return th_tmpdir(dir, sizeof dir, "export");
}

static int teardown(void **state)
{
    (void)state;
    th_rmtree(dir);
    return 0;
}

static char *export_to(const char *index, const char *name, const char *format)
{
    char out[700];
    th_path(out, sizeof out, dir, name);
    th_run r = format ? th_wenda(NULL, NULL, "export", "--index", index, "--format", format, "-o",
                                 out, NULL)
                      : th_wenda(NULL, NULL, "export", "--index", index, "-o", out, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "records to"));
    th_run_free(&r);
    size_t len = 0;
    char *text = th_slurp(out, &len);
    assert_non_null(text);
    return text;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Lines sorted, to compare exports of indexes whose docid order differs. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *sorted(char *text)
{
    size_t n = count_lines(text), k = 0;
    char **lines = calloc(n + 1, sizeof *lines);
    assert_non_null(lines);
    for (char *p = text; *p; k++) {
        lines[k] = p;
        char *nl = strchr(p, '\n');
        *nl = '\0';
        p = nl + 1;
    }
    qsort(lines, k, sizeof *lines, cmp_str);
    size_t total = 0;
    for (size_t i = 0; i < k; i++)
        total += strlen(lines[i]) + 1;
    char *out = malloc(total + 1), *w = out;
    assert_non_null(out);
    for (size_t i = 0; i < k; i++)
        w += sprintf(w, "%s\n", lines[i]);
    *w = '\0';
    free(lines);
    free(text);
    return out;
}

static void test_export__round_trip(void **state)
{
    (void)state;
    char seeds[600], one[600], two[600], again[600];
    snprintf(seeds, sizeof seeds, "%s/corpus/seeds", WD_SOURCE_DIR);
    th_path(one, sizeof one, dir, "one");
    th_path(two, sizeof two, dir, "two");
    const char *const files[] = { seeds, NULL };
    assert_int_equal(th_index_files(one, files), 0);
    char *a = export_to(one, "one.jsonl", NULL);
    assert_int_equal(count_lines(a), 104);
    assert_non_null(strstr(a, "\"kind\":\"question\""));
    assert_non_null(strstr(a, "\"date\":\""));
    /* Re-indexed from the export, the index exports the same bytes. */
    th_path(again, sizeof again, dir, "one.jsonl");
    const char *const back[] = { again, NULL };
    assert_int_equal(th_index_files(two, back), 0);
    char *b = export_to(two, "two.jsonl", NULL);
    assert_string_equal(a, b);
    free(b);

    /* A sharded folder and its comma list hold the same records. */
    char sharded[600], list[1300];
    th_path(sharded, sizeof sharded, dir, "sharded");
    th_run r =
        th_wenda(NULL, NULL, "index", "--quiet", "--shards", "2", "--index", sharded, again, NULL);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    a = sorted(a);
    char *c = sorted(export_to(sharded, "sharded.jsonl", NULL));
    assert_string_equal(a, c);
    free(c);
    snprintf(list, sizeof list, "%s/shard-1,%s/shard-2", sharded, sharded);
    c = sorted(export_to(list, "list.jsonl", NULL));
    assert_string_equal(a, c);
    free(c);
    free(a);
}

static void test_export__tsv(void **state)
{
    (void)state;
    char src[600], index[600];
    th_path(src, sizeof src, dir, "odd.jsonl");
    th_path(index, sizeof index, dir, "odd");
    th_write_text(src, "{\"id\": \"t1\", \"question\": \"一\\t二\", \"answer\": \"第一行\\n第二行 "
                       "C:\\\\path\", \"date\": \"2024-05-01\"}\n"
                       "{\"id\": \"t2\", \"question\": \"问\", \"answer\": \"\", \"kind\": "
                       "\"question\"}\n");
    const char *const files[] = { src, NULL };
    assert_int_equal(th_index_files(index, files), 0);
    char *t = export_to(index, "odd.tsv", NULL); /* the format from the extension */
    assert_string_equal(t, "id\tquestion\tanswer\tsource\tdate\tkind\n"
                           "t1\t一\\t二\t第一行\\n第二行 C:\\\\path\todd.jsonl\t2024-05-01\tqa\n"
                           "t2\t问\t\todd.jsonl\t\tquestion\n");
    free(t);
    /* --format wins over the extension. */
    t = export_to(index, "odd.txt", "tsv");
    assert_true(strncmp(t, "id\tquestion", 11) == 0);
    free(t);
}

static void test_export__errors(void **state)
{
    (void)state;
    char missing[600], out[800], nodir[700];
    th_path(missing, sizeof missing, dir, "no-such-index");
    th_run r = th_wenda(NULL, NULL, "export", "--index", missing, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "wenda index --index"));
    assert_string_equal(r.out, "");
    th_run_free(&r);

    r = th_wenda(NULL, NULL, "export", "--format", "csv", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "jsonl or tsv"));
    th_run_free(&r);
    r = th_wenda(NULL, NULL, "export", "stray", NULL);
    assert_int_equal(r.status, 2);
    th_run_free(&r);

    /* An unwritable destination: exit 3, nothing left behind. */
    char seeds[600], index[600];
    snprintf(seeds, sizeof seeds, "%s/corpus/seeds", WD_SOURCE_DIR);
    th_path(index, sizeof index, dir, "errs");
    const char *const files[] = { seeds, NULL };
    assert_int_equal(th_index_files(index, files), 0);
    th_path(nodir, sizeof nodir, dir, "no-such-dir");
    snprintf(out, sizeof out, "%s/out.jsonl", nodir);
    r = th_wenda(NULL, NULL, "export", "--index", index, "-o", out, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "out.jsonl"));
    th_run_free(&r);
    struct stat st;
    assert_int_not_equal(stat(nodir, &st), 0);

    /* A full disk (a file size limit): exit 3, and the partial file is removed. */
    th_path(out, sizeof out, dir, "full.jsonl");
    const char *const args[] = { "export", "--index", index, "-o", out, NULL };
    th_cmd cmd = { .args = args, .file_limit = 4096 };
    r = th_exec(&cmd);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "write error"));
    th_run_free(&r);
    assert_int_not_equal(stat(out, &st), 0);
    char pattern[900];
    snprintf(pattern, sizeof pattern, "%s.tmp-*", out);
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
    globfree(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export__round_trip),
        cmocka_unit_test(test_export__tsv),
        cmocka_unit_test(test_export__errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
