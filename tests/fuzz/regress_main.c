/*
 * regress_main.c - replays the inputs kept in
 * tests/data/fuzz-regressions/<target>/ (every finding of a fuzz target, and
 * a few hand-made edge cases) through that target's LLVMFuzzerTestOneInput,
 * as a plain cmocka test built with the normal compiler and sanitizers. A
 * finding that comes back aborts (FZ_CHECK) or trips ASan/UBSan here.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_common.h"

#define DIR_ WD_TEST_DATA "/fuzz-regressions/" WD_FUZZ_TARGET

/* Weak so targets without an initialiser link. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t cap = 4096, len = 0;
    uint8_t *b = malloc(cap);
    size_t n;
    while ((n = fread(b + len, 1, cap - len, fp)) > 0) {
        len += n;
        if (len == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(fp);
    /* An exact-size copy, so ASan sees any read past the end. */
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, b, len);
    free(b);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char **)a, *(char **)b);
}

static void test_fuzz_regress__inputs_run_clean(void **state)
{
    (void)state;
    LLVMFuzzerInitialize(NULL, NULL);
    /* The empty input and a few fixed ones always run. */
    LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
    LLVMFuzzerTestOneInput((const uint8_t *)"\xEF\xBB\xBF", 3);
    LLVMFuzzerTestOneInput((const uint8_t *)"\n\r\n\0\xff", 5);
    DIR *d = opendir(DIR_);
    if (!d)
        return;
    char *names[4096];
    size_t k = 0;
    struct dirent *e;
    while ((e = readdir(d)) && k < 4096)
        if (e->d_name[0] != '.')
            names[k++] = strdup(e->d_name);
    closedir(d);
    qsort(names, k, sizeof *names, cmp);
    for (size_t i = 0; i < k; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", DIR_, names[i]);
        print_message("[ fuzz-regression ] %s\n", names[i]);
        run_file(p);
        free(names[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_regress__inputs_run_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
