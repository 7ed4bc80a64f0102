/* test_common.c - buffers, UTF-8 and the error record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wenda/buf.h"
#include "wenda/error.h"

static void test_common__utf8_valid_rejects_overlong_and_surrogates(void **state)
{
    (void)state;
    size_t bad = 99;
    assert_true(wd_utf8_valid("abc医保", strlen("abc医保"), NULL));
    assert_false(wd_utf8_valid("ab\xC0\xAF", 4, &bad)); /* overlong '/' */
    assert_int_equal(bad, 2);
    assert_false(wd_utf8_valid("\xED\xA0\x80", 3, &bad)); /* surrogate */
    assert_int_equal(bad, 0);
    assert_false(wd_utf8_valid("\xF4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
    assert_false(wd_utf8_valid("\xE5\x8C", 2, NULL));        /* truncated */
    assert_true(wd_utf8_valid("\xF0\xA0\x80\x80", 4, NULL));  /* U+20000 */
}

static void test_common__utf8_round_trip(void **state)
{
    (void)state;
    uint32_t cps[] = {0x41, 0xE9, 0x4FDD, 0x1F600, 0x20000};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        char b[4];
        uint32_t back = 0;
        size_t n = wd_utf8_encode(cps[i], b);
        assert_int_equal(wd_utf8_decode(b, n, &back), n);
        assert_int_equal(back, cps[i]);
    }
    assert_int_equal(wd_utf8_count("医保ab", strlen("医保ab")), 4);
}

static void test_common__buf_grows_and_detaches(void **state)
{
    (void)state;
    wd_buf b = WD_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(wd_buf_printf(&b, "%d,", i), WD_OK);
    assert_true(b.len > 3000);
    assert_memory_equal(b.data, "0,1,2,", 6);
    char *s = wd_buf_detach(&b);
    assert_non_null(s);
    assert_null(b.data);
    wd_free(s);
    wd_buf_free(&b);
}

static int always_fail(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return 1;
}

static void test_common__buf_oom_is_sticky(void **state)
{
    (void)state;
    wd_buf b = WD_BUF_INIT;
    wd_alloc_set_fail_hook(always_fail, NULL);
    assert_int_equal(wd_buf_puts(&b, "x"), WD_ENOMEM);
    wd_alloc_set_fail_hook(NULL, NULL);
    assert_int_equal(wd_buf_puts(&b, "y"), WD_ENOMEM);
    assert_true(b.oom);
    wd_buf_free(&b);
    assert_int_equal(wd_buf_puts(&b, "z"), WD_OK);
    assert_string_equal(b.data, "z");
    wd_buf_free(&b);
}

static void test_common__error_set_and_names(void **state)
{
    (void)state;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_error_set(&err, WD_ELOCKED, "xapian:DatabaseLockError", "held by %d", 7),
                     WD_ELOCKED);
    assert_string_equal(err.message, "held by 7");
    assert_string_equal(err.origin, "xapian:DatabaseLockError");
    assert_string_equal(wd_code_name(WD_ELOCKED), "locked");
    assert_string_equal(wd_code_name(WD_ENOTFOUND), "not_found");
    assert_int_equal(wd_error_set(NULL, WD_EIO, "x", "y"), WD_EIO);
    wd_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common__utf8_valid_rejects_overlong_and_surrogates),
        cmocka_unit_test(test_common__utf8_round_trip),
        cmocka_unit_test(test_common__buf_grows_and_detaches),
        cmocka_unit_test(test_common__buf_oom_is_sticky),
        cmocka_unit_test(test_common__error_set_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
