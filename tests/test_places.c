/*
 * test_places.c - the places a question names (query/places.h): looking a
 * word up in the place table generated from the lexicon, the set of places
 * a text names (most specific places only, no duplicates, at most
 * WD_PLACES_MAX), and how two such sets relate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "places.h"

/* The entry of a word; fails the test when it is not a place. */
static int place(const char *word)
{
    int id = wd_place_find(word, strlen(word));
    if (id < 0)
        fail_msg("%s is not in the place table", word);
    return id;
}

/* A set of the places of words, added in order. */
static wd_placeset set_of(const char *const *words, size_t n)
{
    wd_placeset s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < n; i++)
        wd_placeset_add(&s, place(words[i]));
    return s;
}
#define SET(...)                                                                                   \
    set_of((const char *const[]){ __VA_ARGS__ },                                                   \
           sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* The short forms of a set's places, in order, space-separated. */
static const char *names(const wd_placeset *s)
{
    static char buf[256];
    buf[0] = '\0';
    for (unsigned i = 0; i < s->n; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, wd_place_table[s->id[i]].place);
    }
    return buf;
}

/* ---- wd_place_find ------------------------------------------------------------------- */

typedef struct find_case {
    const char *word;
    const char *place;    /* NULL: not a place */
    const char *province; /* its province-level division */
} find_case;

static const find_case FINDS[] = {
    /* provinces, by full name and short form */
    { "广东", "广东", "广东" },
    { "广东省", "广东", "广东" },
    { "内蒙古自治区", "内蒙古", "内蒙古" },
    { "内蒙古", "内蒙古", "内蒙古" },
    { "北京市", "北京", "北京" }, /* a municipality is its own province */
    { "香港特别行政区", "香港", "香港" },
    /* prefectures, by full name and short form */
    { "肇庆", "肇庆", "广东" },
    { "肇庆市", "肇庆", "广东" },
    { "石家庄市", "石家庄", "河北" },
    { "延边朝鲜族自治州", "延边", "吉林" },
    { "陵水黎族自治县", "陵水", "海南" },
    /* a city named like its province is a city of it */
    { "吉林市", "吉林市", "吉林" },
    { "吉林省", "吉林", "吉林" },
    /* 海南州 is in 青海, not the province 海南 */
    { "海南州", "海南州", "青海" },
    /* not places */
    { "医保", NULL, NULL },
    { "广", NULL, NULL },
    { "茂", NULL, NULL },
    { "广东省省", NULL, NULL },
    { "自治区", NULL, NULL }, /* generic words of the province section */
    { "直辖市", NULL, NULL },
    { "廣東", NULL, NULL }, /* lookups take normalised (Simplified) text */
    { "", NULL, NULL },
};

static void test_places__find_provinces_prefectures_and_short_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof FINDS / sizeof *FINDS; i++) {
        const find_case *c = &FINDS[i];
        int id = wd_place_find(c->word, strlen(c->word));
        if (!c->place) {
            if (id != -1)
                fail_msg("%s: found entry %d (%s), want -1", c->word, id, wd_place_table[id].word);
            continue;
        }
        if (id < 0)
            fail_msg("%s: not found", c->word);
        assert_string_equal(wd_place_table[id].word, c->word);
        assert_string_equal(wd_place_table[id].place, c->place);
        assert_string_equal(wd_place_table[id].province, c->province);
    }
}

/* The length decides the word: the text after it is not looked at. */
static void test_places__find_takes_exactly_len_bytes(void **state)
{
    (void)state;
    const char *text = "广东省医保怎么交";
    int id = wd_place_find(text, strlen("广东省"));
    assert_true(id >= 0);
    assert_string_equal(wd_place_table[id].word, "广东省");
    id = wd_place_find(text, strlen("广东"));
    assert_true(id >= 0);
    assert_string_equal(wd_place_table[id].word, "广东");
    assert_int_equal(wd_place_find(text, strlen("广东省医")), -1);
}

/* Words whose first character starts no place are turned away before the
 * binary search; a word that does not start with a whole three-byte
 * character (Latin, a cut character, a stray byte) is looked up all the
 * same, and none of them is a place. */
static void test_places__find_turns_away_what_no_place_starts_with(void **state)
{
    (void)state;
    static const char *const none[] = { "医保",      "广",       "广州市医保",
                                        "guangzhou", "\xe5\xb9", "\xb9\xbf\xe5\xb7\x9e",
                                        "广\xe5",    "",         "\xf0\xa0\x80\x80北京" };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        assert_int_equal(wd_place_find(none[i], strlen(none[i])), -1);
    assert_true(wd_place_find("广州", strlen("广州")) >= 0);
    assert_true(wd_place_find("北京", strlen("北京")) >= 0);
}

/* The table is sorted (the lookup is a binary search): every word is found
 * at its own entry, and every province named is itself an entry of a
 * province. */
static void test_places__every_word_of_the_table_is_found(void **state)
{
    (void)state;
    assert_true(wd_place_count > 100);
    for (size_t i = 0; i < wd_place_count; i++) {
        const wd_place_entry *e = &wd_place_table[i];
        int id = wd_place_find(e->word, strlen(e->word));
        if (id != (int)i)
            fail_msg("%s is entry %zu but found at %d", e->word, i, id);
        int p = wd_place_find(e->province, strlen(e->province));
        if (p < 0)
            fail_msg("the province %s of %s is not an entry", e->province, e->word);
        assert_string_equal(wd_place_table[p].place, wd_place_table[p].province);
    }
}

/* ---- wd_placeset_add ------------------------------------------------------------------ */

static void test_places__a_set_keeps_its_most_specific_places(void **state)
{
    (void)state;
    /* A province beside one of its cities says nothing more, in either order. */
    wd_placeset s = SET("广东", "肇庆");
    assert_string_equal(names(&s), "肇庆");
    s = SET("肇庆", "广东");
    assert_string_equal(names(&s), "肇庆");
    s = SET("广东省", "肇庆市", "茂名");
    assert_string_equal(names(&s), "肇庆 茂名");
    /* Another province stays. */
    s = SET("广东", "苏州");
    assert_string_equal(names(&s), "广东 苏州");
    /* A municipality is a province: 北京 beside 北京市 is one place. */
    s = SET("北京", "北京市");
    assert_string_equal(names(&s), "北京");
    /* 吉林市 is a city of 吉林. */
    s = SET("吉林省", "吉林市");
    assert_string_equal(names(&s), "吉林市");
}

static void test_places__a_set_holds_no_duplicates(void **state)
{
    (void)state;
    wd_placeset s = SET("肇庆", "肇庆市", "肇庆");
    assert_int_equal(s.n, 1);
    assert_string_equal(names(&s), "肇庆");
    s = SET("内蒙古", "内蒙古自治区");
    assert_int_equal(s.n, 1);
    /* Ids that are not entries are ignored. */
    wd_placeset_add(&s, -1);
    wd_placeset_add(&s, (int)wd_place_count);
    assert_int_equal(s.n, 1);
}

static void test_places__a_set_holds_at_most_places_max(void **state)
{
    (void)state;
    assert_int_equal(WD_PLACES_MAX, 4);
    wd_placeset s = SET("肇庆", "苏州", "西安", "石家庄", "长春");
    assert_int_equal(s.n, WD_PLACES_MAX);
    assert_string_equal(names(&s), "肇庆 苏州 西安 石家庄"); /* the fifth is left out */
    /* A full set still drops a province for its city, which takes its room. */
    s = SET("广东", "江苏", "山东", "河北", "茂名");
    assert_string_equal(names(&s), "江苏 山东 河北 茂名");
    /* and still ignores a province one of its cities stands for. */
    s = SET("肇庆", "苏州", "西安", "石家庄", "广东");
    assert_string_equal(names(&s), "肇庆 苏州 西安 石家庄");
}

/* ---- wd_placeset_relation -------------------------------------------------------------- */

static void test_places__how_two_sets_relate(void **state)
{
    (void)state;
    wd_placeset none;
    memset(&none, 0, sizeof none);
    wd_placeset zhaoqing = SET("肇庆"), zhaoqing_shi = SET("肇庆市"), maoming = SET("茂名");
    wd_placeset guangdong = SET("广东省"), shandong = SET("山东");
    /* the same place */
    assert_int_equal(wd_placeset_relation(&zhaoqing, &zhaoqing_shi), 1);
    /* the province of a city, either way round */
    assert_int_equal(wd_placeset_relation(&guangdong, &maoming), 1);
    assert_int_equal(wd_placeset_relation(&maoming, &guangdong), 1);
    /* two cities of one province */
    assert_int_equal(wd_placeset_relation(&zhaoqing, &maoming), -1);
    assert_int_equal(wd_placeset_relation(&maoming, &zhaoqing), -1);
    /* two provinces; a city and another province */
    assert_int_equal(wd_placeset_relation(&guangdong, &shandong), -1);
    assert_int_equal(wd_placeset_relation(&shandong, &maoming), -1);
    /* an empty set: nothing to compare */
    assert_int_equal(wd_placeset_relation(&zhaoqing, &none), 0);
    assert_int_equal(wd_placeset_relation(&none, &guangdong), 0);
    assert_int_equal(wd_placeset_relation(&none, &none), 0);
    /* one place of a set relating is enough */
    wd_placeset two = SET("肇庆", "苏州"), jiangsu = SET("江苏");
    assert_int_equal(wd_placeset_relation(&two, &jiangsu), 1);
    assert_int_equal(wd_placeset_relation(&two, &maoming), -1);
    /* names that look alike are not related */
    wd_placeset hainan = SET("海南"), hainanzhou = SET("海南州"), qinghai = SET("青海");
    assert_int_equal(wd_placeset_relation(&hainan, &hainanzhou), -1);
    assert_int_equal(wd_placeset_relation(&qinghai, &hainanzhou), 1);
    wd_placeset jilin = SET("吉林"), jilin_shi = SET("吉林市");
    assert_int_equal(wd_placeset_relation(&jilin, &jilin_shi), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_places__find_provinces_prefectures_and_short_forms),
        cmocka_unit_test(test_places__find_takes_exactly_len_bytes),
        cmocka_unit_test(test_places__find_turns_away_what_no_place_starts_with),
        cmocka_unit_test(test_places__every_word_of_the_table_is_found),
        cmocka_unit_test(test_places__a_set_keeps_its_most_specific_places),
        cmocka_unit_test(test_places__a_set_holds_no_duplicates),
        cmocka_unit_test(test_places__a_set_holds_at_most_places_max),
        cmocka_unit_test(test_places__how_two_sets_relate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
