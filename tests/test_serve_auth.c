/*
 * test_serve_auth.c - the service's keys (tools/serve/auth.h), without a
 * daemon: key files (first line, spaces trimmed, length and characters
 * checked, the same key twice refused, loose permissions noticed), the
 * Authorization header's forms, which key it carries, and the comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "auth.h"
#include "helpers.h"

#define WKEY "0123456789abcdef0123456789abcdef"
#define RKEY "fedcba9876543210fedcba9876543210"

static char dir[64];

static const char *file_with(const char *name, const char *text, int mode)
{
    static char path[8][256];
    static int next;
    char *p = path[next++ % 8];
    th_path(p, 256, dir, name);
    th_write_text(p, text);
    chmod(p, (mode_t)mode);
    return p;
}

static void test_serve_auth__keys_tell_write_from_read(void **state)
{
    (void)state;
    serve_keys *k = NULL;
    char why[512];
    int loose = -1;
    assert_int_equal(serve_keys_load(&k, file_with("w", "  " WKEY "\r\nsecond line\n", 0600),
                                     file_with("r", RKEY, 0600), &loose, why, sizeof why),
                     0);
    assert_int_equal(loose, 0);
    assert_true(serve_keys_writes(k));
    assert_true(serve_keys_guards_reads(k));
    const struct {
        const char *header;
        enum serve_access want;
    } cases[] = {
        { "Bearer " WKEY, SERVE_ACCESS_WRITE },
        { "bearer   " WKEY "  ", SERVE_ACCESS_WRITE },
        { "BEARER\t" RKEY, SERVE_ACCESS_READ },
        { "Bearer " RKEY "x", SERVE_ACCESS_NONE },
        { "Bearer " WKEY "0", SERVE_ACCESS_NONE },
        { "Bearer 0123456789abcdef0123456789abcdeF", SERVE_ACCESS_NONE },
        { "Bearer 0123456789abcdef", SERVE_ACCESS_NONE },
        { "Bearer ", SERVE_ACCESS_NONE },
        { "Bearer", SERVE_ACCESS_NONE },
        { WKEY, SERVE_ACCESS_NONE },
        { "Basic " WKEY, SERVE_ACCESS_NONE },
        { "Bearer" WKEY, SERVE_ACCESS_NONE },
        { "", SERVE_ACCESS_NONE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (serve_keys_check(k, cases[i].header) != cases[i].want)
            fail_msg("'%s': wanted %d", cases[i].header, cases[i].want);
    assert_int_equal(serve_keys_check(k, NULL), SERVE_ACCESS_NONE);
    assert_int_equal(serve_keys_check(NULL, "Bearer " WKEY), SERVE_ACCESS_NONE);
    serve_keys_free(k);
    serve_keys_free(NULL);

    /* A write key alone: reads open. A read key alone: no write API. */
    assert_int_equal(serve_keys_load(&k, file_with("w", WKEY, 0644), NULL, &loose, why, sizeof why),
                     0);
    assert_int_equal(loose, 1);
    assert_true(serve_keys_writes(k) && !serve_keys_guards_reads(k));
    serve_keys_free(k);
    assert_int_equal(serve_keys_load(&k, NULL, file_with("r", RKEY, 0600), &loose, why, sizeof why),
                     0);
    assert_true(!serve_keys_writes(k) && serve_keys_guards_reads(k));
    assert_int_equal(serve_keys_check(k, "Bearer " RKEY), SERVE_ACCESS_READ);
    serve_keys_free(k);
}

static void test_serve_auth__bad_key_files_are_named(void **state)
{
    (void)state;
    char long_key[SERVE_KEY_MAX + 3];
    memset(long_key, 'k', sizeof long_key - 2);
    long_key[sizeof long_key - 2] = '\n';
    long_key[sizeof long_key - 1] = '\0';
    const struct {
        const char *text;
        const char *why;
    } cases[] = {
        { "", "the file holds no key" },
        { "\n" WKEY "\n", "the file holds no key" },
        { "short\n", "the key is too short" },
        { long_key, "the key is too long" },
        { "0123456789abcdef 0123456789abcdef\n", "other than visible ASCII (byte 17)" },
        { "0123456789abcdef\xe5\xaf\x86\n", "other than visible ASCII (byte 17)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        serve_keys *k = (serve_keys *)1;
        char why[512] = "";
        int loose;
        const char *p = file_with("bad", cases[i].text, 0600);
        assert_int_equal(serve_keys_load(&k, p, NULL, &loose, why, sizeof why), -1);
        assert_null(k);
        if (!strstr(why, cases[i].why) || !strstr(why, "--api-key-file") || !strstr(why, p))
            fail_msg("case %zu: '%s'", i, why);
    }
    serve_keys *k = NULL;
    char why[512];
    int loose;
    assert_int_equal(serve_keys_load(&k, file_with("w", WKEY, 0600),
                                     file_with("r", WKEY "\n", 0600), &loose, why, sizeof why),
                     -1);
    assert_non_null(strstr(why, "the same key"));
    assert_int_equal(serve_keys_load(&k, NULL, "/nonexistent/key", &loose, why, sizeof why), -1);
    assert_non_null(strstr(why, "--read-key-file /nonexistent/key: cannot read it"));
}

static void test_serve_auth__equal_compares_every_byte(void **state)
{
    (void)state;
    assert_true(serve_key_equal("abc", 3, "abc", 3));
    assert_false(serve_key_equal("abd", 3, "abc", 3));
    assert_false(serve_key_equal("ab", 2, "abc", 3));
    assert_false(serve_key_equal("abcd", 4, "abc", 3));
    assert_false(serve_key_equal("ab\0", 3, "abc", 3));
    assert_false(serve_key_equal("", 0, "abc", 3));
    assert_true(serve_key_equal("", 0, "", 0));
}

static int setup(void **state)
{
    (void)state;
    return th_tmpdir(dir, sizeof dir, "serve-auth");
}

static int teardown(void **state)
{
    (void)state;
    th_rmtree(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve_auth__keys_tell_write_from_read),
        cmocka_unit_test(test_serve_auth__bad_key_files_are_named),
        cmocka_unit_test(test_serve_auth__equal_compares_every_byte),
    };
    return cmocka_run_group_tests_name("serve_auth", tests, setup, teardown);
}
