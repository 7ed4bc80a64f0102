/* test_common.c - buffers, UTF-8, the error record, and the shared machinery: the hash, the
 * string map, the growth helper and the record codec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "grow.h"
#include "hash.h"
#include "strmap.h"
#include "wenda/buf.h"
#include "wenda/error.h"
#include "wenda/record.h"

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
    assert_false(wd_utf8_valid("\xE5\x8C", 2, NULL));         /* truncated */
    assert_true(wd_utf8_valid("\xF0\xA0\x80\x80", 4, NULL));  /* U+20000 */
}

static void test_common__utf8_round_trip(void **state)
{
    (void)state;
    uint32_t cps[] = { 0x41, 0xE9, 0x4FDD, 0x1F600, 0x20000 };
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        char b[4];
        uint32_t back = 0;
        size_t n = wd_utf8_encode(cps[i], b);
        assert_int_equal(wd_utf8_decode(b, n, &back), n);
        assert_int_equal(back, cps[i]);
    }
    assert_int_equal(wd_utf8_count("医保ab", strlen("医保ab")), 4);
}

/* Every three-byte sequence decodes as the definition says: led by E0..EF,
 * two continuation bytes, not overlong (E0 then A0..BF), not a surrogate
 * (ED then 80..9F), and not cut short. */
static void test_common__utf8_decodes_every_three_byte_sequence(void **state)
{
    (void)state;
    for (unsigned a = 0xE0; a <= 0xEF; a++)
        for (unsigned b = 0x70; b <= 0xCF; b++)
            for (unsigned c = 0x70; c <= 0xCF; c += 0x0F) {
                const char s[3] = { (char)a, (char)b, (char)c };
                uint32_t v = (a & 0x0F) << 12 | (b & 0x3F) << 6 | (c & 0x3F), got = 0;
                int ok = (b & 0xC0) == 0x80 && (c & 0xC0) == 0x80 && v >= 0x800 &&
                         !(v >= 0xD800 && v <= 0xDFFF);
                assert_int_equal(wd_utf8_decode(s, 3, &got), ok ? 3 : 0);
                if (ok)
                    assert_int_equal(got, v);
                assert_int_equal(wd_utf8_decode(s, 2, &got), 0);
            }
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

/* A whole stream appended: large, empty (data still a string) and after
 * what the buffer held. */
static void test_common__buf_reads_a_stream(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%d\n", i);
    rewind(f);
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "head:");
    assert_int_equal(wd_buf_read_stream(&b, f), WD_OK);
    assert_memory_equal(b.data, "head:0\n1\n", 9);
    assert_string_equal(b.data + b.len - 6, "19999\n");
    fclose(f);
    wd_buf_free(&b);
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(wd_buf_read_stream(&b, f), WD_OK);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    fclose(f);
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

static void test_common__fnv1a_is_the_stored_hash(void **state)
{
    (void)state;
    /* Record ids, shard routing and hashed key terms depend on these values. */
    assert_true(wd_hash_bytes("", 0) == WD_FNV_OFFSET);
    assert_true(wd_hash_bytes("a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(wd_hash_bytes("foobar", 6) == 0x85944171f73967e8ULL);
    assert_true(wd_fnv1a64("bar", 3, wd_fnv1a64("foo", 3, WD_FNV_OFFSET)) ==
                wd_hash_bytes("foobar", 6));
}

/* A key looked up in two pieces, the hash of the first given: the same
 * entry as the whole key, wherever it is cut; a key that only begins or
 * ends alike is another key. Looked up whole with its hash given: the same
 * entry again. */
static void test_common__strmap_finds_a_key_given_in_two_pieces(void **state)
{
    (void)state;
    wd_strmap m = WD_STRMAP_INIT(sizeof(unsigned));
    static const char *const keys[] = { "医保", "医保\0S", "医保\0XB", "S医保", "", "\0S" };
    static const size_t lens[] = { 6, 8, 9, 7, 0, 2 };
    for (unsigned i = 0; i < 6; i++)
        *(unsigned *)wd_strmap_put(&m, keys[i], lens[i], NULL) = i + 1;
    for (unsigned i = 0; i < 6; i++)
        for (size_t cut = 0; cut <= lens[i]; cut++) {
            unsigned *v = wd_strmap_get_cat(&m, keys[i], cut, wd_hash_bytes(keys[i], cut),
                                            keys[i] + cut, lens[i] - cut);
            if (!v || *v != i + 1)
                fail_msg("key %u cut at %zu: %u", i, cut, v ? *v : 0);
        }
    assert_null(wd_strmap_get_cat(&m, "医保", 6, wd_hash_bytes("医保", 6), "\0", 1));
    assert_null(wd_strmap_get_cat(&m, "医", 3, wd_hash_bytes("医", 3), "保\0S\0", 6));
    assert_null(wd_strmap_get_cat(&m, "S", 1, wd_hash_bytes("S", 1), "医保\0", 7));
    /* Whole, with the hash an analysed word carries: the same entries. */
    for (unsigned i = 0; i < 6; i++) {
        unsigned *v = wd_strmap_get_hashed(&m, keys[i], lens[i], wd_hash_bytes(keys[i], lens[i]));
        assert_non_null(v);
        assert_int_equal(*v, i + 1);
        assert_ptr_equal(v, wd_strmap_get(&m, keys[i], lens[i]));
    }
    assert_null(wd_strmap_get_hashed(&m, "医", 3, wd_hash_bytes("医", 3)));
    wd_strmap_clear(&m);
    assert_null(wd_strmap_get_cat(&m, "医保", 6, wd_hash_bytes("医保", 6), "", 0));
    assert_null(wd_strmap_get_hashed(&m, "医保", 6, wd_hash_bytes("医保", 6)));
}

static void test_common__strmap_counts_and_grows(void **state)
{
    (void)state;
    wd_strmap m = WD_STRMAP_INIT(sizeof(unsigned));
    char key[32];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 1000; i++) {
            int n = snprintf(key, sizeof key, "词%d", i);
            int added = -1;
            unsigned *v = wd_strmap_put(&m, key, (size_t)n, &added);
            assert_non_null(v);
            assert_int_equal(added, round == 0);
            (*v)++;
        }
    assert_int_equal(m.n, 1000);
    unsigned *v = wd_strmap_get(&m, "词7", strlen("词7"));
    assert_non_null(v);
    assert_int_equal(*v, 3);
    assert_null(wd_strmap_get(&m, "词", strlen("词")));
    assert_null(wd_strmap_get(&m, "词7x", 3)); /* a prefix of a key is another key */
    size_t pos = 0, seen = 0, len;
    const char *k;
    void *val;
    while (wd_strmap_next(&m, &pos, &k, &len, &val)) {
        assert_int_equal(strlen(k), len);
        assert_int_equal(*(unsigned *)val, 3);
        seen++;
    }
    assert_int_equal(seen, 1000);
    wd_strmap_clear(&m);
    assert_int_equal(m.n, 0);
    assert_null(wd_strmap_get(&m, "词7", strlen("词7")));
    /* A set: values of size 0; keys with NUL bytes are keys like any other. */
    wd_strmap set = WD_STRMAP_INIT(0);
    assert_non_null(wd_strmap_put(&set, "a\0b", 3, NULL));
    assert_non_null(wd_strmap_get(&set, "a\0b", 3));
    assert_null(wd_strmap_get(&set, "a", 1));
    wd_strmap_clear(&set);
}

static int fail_all(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return 1;
}

static void test_common__strmap_and_grow_survive_out_of_memory(void **state)
{
    (void)state;
    wd_strmap m = WD_STRMAP_INIT(sizeof(double));
    assert_non_null(wd_strmap_put(&m, "x", 1, NULL));
    int *arr = NULL;
    size_t cap = 0;
    assert_int_equal(WD_GROW(arr, cap, 3, 16), WD_OK);
    assert_int_equal(cap, 16);
    wd_alloc_set_fail_hook(fail_all, NULL);
    assert_null(wd_strmap_put(&m, "new", 3, NULL));
    assert_int_equal(WD_GROW(arr, cap, 17, 16), WD_ENOMEM);
    wd_alloc_set_fail_hook(NULL, NULL);
    assert_int_equal(cap, 16); /* unchanged, still owned */
    assert_int_equal(m.n, 1);
    assert_non_null(wd_strmap_get(&m, "x", 1));
    assert_int_equal(WD_GROW(arr, cap, 17, 16), WD_OK);
    assert_int_equal(cap, 32);
    assert_int_equal(WD_GROW(arr, cap, 5, 16), WD_OK); /* enough room: nothing to do */
    assert_int_equal(cap, 32);
    wd_free(arr);
    wd_strmap_clear(&m);
}

static void test_common__json_string_escapes_as_jansson(void **state)
{
    (void)state;
    wd_buf b = WD_BUF_INIT;
    const char s[] = "a\"b\\c\n\t\x01医/";
    assert_int_equal(wd_buf_json_string(&b, s, sizeof s - 1), WD_OK);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001医/\"");
    wd_buf_free(&b);
}

/* Text for a person on a terminal: control characters (C0 but tab and line
 * feed, DEL, C1) and bytes that are not UTF-8 come out as escapes, the
 * rest as is. */
static void test_common__visible_escapes_control_characters(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } rows[] = {
        { "医保卡 ok\t\n", 0, "医保卡 ok\t\n" },
        { "\x1b]0;pwned\x07\x1b[2J", 0, "\\x1B]0;pwned\\x07\\x1B[2J" },
        { "a\rb\bc\x7f", 0, "a\\x0Db\\x08c\\x7F" },
        { "\xC2\x9B"
          "2J \xC2\x85 \xC2\xA0\xC3\xA9",
          0, "\\u009B2J \\u0085 \xC2\xA0\xC3\xA9" },
        { "bad \xFF\xC3 end", 0, "bad \\xFF\\xC3 end" },
        { "nul\0in", 6, "nul\\x00in" },
        { "", 0, "" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        wd_buf b = WD_BUF_INIT;
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].in);
        assert_int_equal(wd_buf_visible(&b, rows[i].in, len), WD_OK);
        assert_string_equal(b.data ? b.data : "", rows[i].out);
        wd_buf_free(&b);
    }
}

static void test_common__record_round_trips_through_its_stored_form(void **state)
{
    (void)state;
    wd_record r = { "000_x#3",
                    "低保户要交医保吗？\n\"引号\"",
                    "答：\t不用\x1f交",
                    "a.txt",
                    "2025-04-18",
                    WD_KIND_QUESTION,
                    7,
                    NULL,
                    0 };
    wd_buf b = WD_BUF_INIT;
    assert_int_equal(wd_record_encode(&r, &b), WD_OK);
    assert_string_equal(b.data,
                        "{\"id\":\"000_x#3\",\"question\":\"低保户要交医保吗？\\n\\\"引号\\\"\","
                        "\"answer\":\"答：\\t不用\\u001F交\",\"kind\":\"question\","
                        "\"source\":\"a.txt\",\"date\":\"2025-04-18\"}");
    wd_record d;
    char *mem = NULL;
    assert_int_equal(wd_record_decode(b.data, b.len, &d, &mem, NULL), WD_OK);
    assert_string_equal(d.id, r.id);
    assert_string_equal(d.question, r.question);
    assert_string_equal(d.answer, r.answer);
    assert_string_equal(d.source, r.source);
    assert_string_equal(d.date, r.date);
    assert_int_equal(d.kind, WD_KIND_QUESTION);
    assert_int_equal(d.line, 0);
    wd_free(mem);
    /* Extra fields: "field.NAME" keys after the date, decoded back. */
    const wd_field fs[2] = { { "department", "内科" }, { "views", "12" } };
    wd_record rf = r;
    rf.fields = fs;
    rf.n_fields = 2;
    wd_buf_reset(&b);
    assert_int_equal(wd_record_encode(&rf, &b), WD_OK);
    assert_non_null(strstr(b.data, ",\"date\":\"2025-04-18\",\"field.department\":\"内科\","
                                   "\"field.views\":\"12\"}"));
    assert_int_equal(wd_record_decode(b.data, b.len, &d, &mem, NULL), WD_OK);
    assert_int_equal(d.n_fields, 2);
    assert_string_equal(d.fields[0].name, "department");
    assert_string_equal(d.fields[0].value, "内科");
    assert_string_equal(d.fields[1].name, "views");
    assert_string_equal(d.fields[1].value, "12");
    assert_string_equal(d.date, "2025-04-18");
    wd_free(mem);
    /* A key that cannot name a field is not one. */
    const char *odd = "{\"id\":\"x\",\"question\":\"q\",\"field.a b\":\"1\",\"field.c\":\"2\"}";
    assert_int_equal(wd_record_decode(odd, strlen(odd), &d, &mem, NULL), WD_OK);
    assert_int_equal(d.n_fields, 1);
    assert_string_equal(d.fields[0].name, "c");
    wd_free(mem);
    assert_true(wd_field_name_ok("科室", strlen("科室")));
    assert_false(wd_field_name_ok("date", 4));
    assert_false(wd_field_name_ok("a=b", 3));
    assert_false(wd_field_name_ok("", 0));
    /* No date, NULL answer and source: stored as "" and left out. */
    wd_record q = { "h1", "问", NULL, NULL, NULL, WD_KIND_QA, 0, NULL, 0 };
    wd_buf_reset(&b);
    assert_int_equal(wd_record_encode(&q, &b), WD_OK);
    assert_string_equal(b.data,
                        "{\"id\":\"h1\",\"question\":\"问\",\"answer\":\"\",\"kind\":\"qa\","
                        "\"source\":\"\"}");
    assert_int_equal(wd_record_decode(b.data, b.len, &d, &mem, NULL), WD_OK);
    assert_null(d.date);
    assert_string_equal(d.answer, "");
    assert_int_equal(d.kind, WD_KIND_QA);
    wd_free(mem);
    wd_buf_free(&b);
}

static void test_common__record_decode_reads_any_flat_object(void **state)
{
    (void)state;
    /* What an older wenda wrote through jansson: other key order, \u escapes
     * (a surrogate pair too), unknown keys of any scalar kind, null date,
     * white space, a repeated key (the last wins). */
    const char *data = " { \"question\" : \"\\u533b\\u4fdd\\ud83d\\ude00\", \"n\": -1.5e3, "
                       "\"ok\": true, \"x\": null, \"id\": \"a\", \"date\": null, "
                       "\"kind\": \"qa\", \"id\": \"b\" } ";
    wd_record d;
    char *mem = NULL;
    assert_int_equal(wd_record_decode(data, strlen(data), &d, &mem, NULL), WD_OK);
    assert_string_equal(d.id, "b");
    assert_string_equal(d.question, "医保\xF0\x9F\x98\x80");
    assert_string_equal(d.answer, "");
    assert_string_equal(d.source, "");
    assert_null(d.date);
    wd_free(mem);
}

static void test_common__record_decode_refuses_what_is_not_a_record(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "[]",
        "{\"id\":\"a\"}",                              /* no question */
        "{\"question\":\"q\"}",                        /* no id */
        "{\"id\":\"a\",\"question\":\"q\"",            /* cut short */
        "{\"id\":\"a\",\"question\":\"q\",}",          /* trailing comma */
        "{\"id\":\"a\",\"question\":\"q\"} x",         /* something after */
        "{\"id\":1,\"question\":\"q\"}",               /* a field that is not a string */
        "{\"id\":\"a\",\"question\":\"q\",\"o\":{}}",  /* a nested object */
        "{\"id\":\"a\",\"question\":\"\\ud83d\"}",     /* a lone surrogate */
        "{\"id\":\"a\",\"question\":\"\\u0000\"}",     /* a NUL */
        "{\"id\":\"a\",\"question\":\"\\q\"}",         /* a bad escape */
        "{\"id\":\"a\",\"question\":\"line\nbreak\"}", /* a raw control character */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        wd_record d;
        char *mem = (char *)1;
        wd_error err;
        wd_error_clear(&err);
        assert_int_equal(wd_record_decode(bad[i], strlen(bad[i]), &d, &mem, &err), WD_ECORRUPT);
        assert_null(mem);
        assert_non_null(strstr(err.message, "re-index"));
    }
}

/* A string is read eight bytes at a time up to the next quote, backslash or
 * control character: each of them, at every place among plain bytes (ASCII
 * and Chinese), decodes as it was written, and a raw control character is
 * refused wherever it falls. */
static void test_common__record_decode_finds_escapes_wherever_they_fall(void **state)
{
    (void)state;
    static const char *const specials[] = { "\"", "\\", "\n", "\x1F", "/", "\x7F" };
    for (size_t k = 0; k < sizeof specials / sizeof *specials; k++) {
        for (size_t at = 0; at < 20; at++) {
            char answer[128];
            size_t n = 0;
            for (size_t i = 0; i < at; i++)
                answer[n++] = (char)('a' + i % 26);
            n += (size_t)sprintf(answer + n, "%s医保%s", specials[k], at % 2 ? "x" : "");
            for (size_t i = 0; i < 19 - at; i++)
                answer[n++] = (char)('A' + i % 26);
            answer[n] = '\0';
            wd_record r = { "a", "q", answer, "s", NULL, WD_KIND_QA, 0, NULL, 0 };
            wd_buf b = WD_BUF_INIT;
            assert_int_equal(wd_record_encode(&r, &b), WD_OK);
            wd_record d;
            char *mem = NULL;
            assert_int_equal(wd_record_decode(b.data, b.len, &d, &mem, NULL), WD_OK);
            assert_string_equal(d.answer, answer);
            assert_string_equal(d.source, "s");
            wd_free(mem);
            wd_buf_free(&b);
            /* The same place with a raw control character: not JSON. */
            char bad[160];
            snprintf(bad, sizeof bad, "{\"id\":\"a\",\"question\":\"%.*s\x1F%s\"}", (int)at,
                     "abcdefghijklmnopqrstuvwxyz", "医保");
            mem = (char *)1;
            assert_int_equal(wd_record_decode(bad, strlen(bad), &d, &mem, NULL), WD_ECORRUPT);
            assert_null(mem);
        }
    }
}

/* Bytes that are not UTF-8 (a GBK file name) become '?', one each; valid
 * text, 4-byte characters included, is left as it is. */
static void test_common__utf8_scrub_replaces_each_bad_byte(void **state)
{
    (void)state;
    char gbk[] = "kb/\xb5\xcd.jsonl";
    wd_utf8_scrub(gbk);
    assert_string_equal(gbk, "kb/??.jsonl");
    char mixed[] = "医保\xC0\xAF\xF0\xA0\x80\x80\xE5\x8C";
    wd_utf8_scrub(mixed);
    assert_string_equal(mixed, "医保??\xF0\xA0\x80\x80??");
    char ok[] = "异地就医😀";
    wd_utf8_scrub(ok);
    assert_string_equal(ok, "异地就医😀");
    char empty[] = "";
    wd_utf8_scrub(empty);
    assert_string_equal(empty, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common__utf8_valid_rejects_overlong_and_surrogates),
        cmocka_unit_test(test_common__utf8_round_trip),
        cmocka_unit_test(test_common__utf8_decodes_every_three_byte_sequence),
        cmocka_unit_test(test_common__buf_grows_and_detaches),
        cmocka_unit_test(test_common__buf_oom_is_sticky),
        cmocka_unit_test(test_common__buf_reads_a_stream),
        cmocka_unit_test(test_common__error_set_and_names),
        cmocka_unit_test(test_common__fnv1a_is_the_stored_hash),
        cmocka_unit_test(test_common__strmap_counts_and_grows),
        cmocka_unit_test(test_common__strmap_finds_a_key_given_in_two_pieces),
        cmocka_unit_test(test_common__strmap_and_grow_survive_out_of_memory),
        cmocka_unit_test(test_common__json_string_escapes_as_jansson),
        cmocka_unit_test(test_common__visible_escapes_control_characters),
        cmocka_unit_test(test_common__record_round_trips_through_its_stored_form),
        cmocka_unit_test(test_common__record_decode_reads_any_flat_object),
        cmocka_unit_test(test_common__record_decode_refuses_what_is_not_a_record),
        cmocka_unit_test(test_common__record_decode_finds_escapes_wherever_they_fall),
        cmocka_unit_test(test_common__utf8_scrub_replaces_each_bad_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
