/*
 * test_snippet.c - the passage picker and highlighter (query/snippet.h).
 *
 * The picker is pinned by a table of input -> snippet and highlights: the
 * answer text, the query words with their weights, the target length in code
 * points, the snippet that must come out and its highlight ranges ([start,
 * end) code-point offsets into the snippet, after white space is folded and
 * ellipses are added). Every row is also checked for the ranges' contract:
 * sorted, non-overlapping, inside the snippet. The rest covers the word set
 * (wd_termset_*), an answer of 200 KB and the default target.
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
#include "snippet.h"
#include "wenda/buf.h"

static wd_dict *g_dict;
static wd_analyzer *g_an;

static int setup_all(void **state)
{
    (void)state;
    if (wd_dict_load(&g_dict, NULL, NULL) != WD_OK)
        return -1;
    return wd_analyzer_new(&g_an, g_dict, NULL) == WD_OK ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    wd_analyzer_free(g_an);
    wd_dict_free(g_dict);
    return 0;
}

/* ---- making a snippet ---------------------------------------------------------- */

/* The query words of a row: "word:weight word:weight ...". */
static void termset_of(wd_termset *ts, const char *spec)
{
    memset(ts, 0, sizeof *ts);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *colon = strrchr(w, ':');
        assert_non_null(colon);
        *colon = '\0';
        assert_int_equal(wd_termset_add(ts, w, strlen(w), strtod(colon + 1, NULL)), WD_OK);
    }
}

typedef struct made {
    char *snippet; /* wd_free */
    size_t (*hl)[2];
    size_t n;
    char ranges[256]; /* "s,e s,e ..." */
    char pieces[512]; /* the highlighted text, '|'-joined */
} made;

/* The ranges must be sorted, non-empty, non-overlapping and inside the
 * snippet. */
static void assert_ranges_well_formed(const made *m)
{
    size_t cps = wd_utf8_count(m->snippet, strlen(m->snippet));
    for (size_t k = 0; k < m->n; k++) {
        if (m->hl[k][0] >= m->hl[k][1] || m->hl[k][1] > cps)
            fail_msg("range %zu [%zu,%zu) is empty or past the snippet (%zu code points)", k,
                     m->hl[k][0], m->hl[k][1], cps);
        if (k && m->hl[k][0] <= m->hl[k - 1][1])
            fail_msg("range %zu [%zu,%zu) is not after range %zu [%zu,%zu)", k, m->hl[k][0],
                     m->hl[k][1], k - 1, m->hl[k - 1][0], m->hl[k - 1][1]);
    }
}

static made make(const char *text, size_t len, const char *words, size_t target)
{
    wd_termset ts;
    termset_of(&ts, words);
    made m;
    memset(&m, 0, sizeof m);
    wd_error err;
    wd_error_clear(&err);
    int rc = wd_snippet_make(g_an, text, len, &ts, target, &m.snippet, &m.hl, &m.n, &err);
    if (rc != WD_OK)
        fail_msg("wd_snippet_make: %d %s", rc, err.message);
    wd_termset_free(&ts);
    assert_non_null(m.snippet);
    assert_true(m.n == 0 || m.hl != NULL);
    size_t used = 0;
    for (size_t k = 0; k < m.n; k++)
        used += (size_t)snprintf(m.ranges + used, sizeof m.ranges - used, "%s%zu,%zu", k ? " " : "",
                                 m.hl[k][0], m.hl[k][1]);
    th_highlighted(m.snippet, (const size_t(*)[2])m.hl, m.n, m.pieces, sizeof m.pieces);
    assert_ranges_well_formed(&m);
    return m;
}

static void made_free(made *m)
{
    wd_free(m->snippet);
    wd_free(m->hl);
}

/* ---- the table -------------------------------------------------------------------- */

typedef struct snip_case {
    const char *what;
    const char *text;
    const char *words;  /* "word:weight ..." */
    size_t target;      /* code points; 0 = the default */
    const char *want;   /* the snippet */
    const char *ranges; /* its highlights, "start,end ..." in code points */
    const char *pieces; /* the highlighted text, '|'-joined */
} snip_case;

static const snip_case CASES[] = {
    { "a text shorter than the target comes whole, without ellipses",
      "医保卡丢了怎么办？去医保局补办。", "医保:1", 120, "医保卡丢了怎么办？去医保局补办。",
      "0,2 10,12", "医保|医保" },
    { "the window with the most query weight wins, not the first with a match",
      "医保和报销都在这里办。门诊统筹按年度结算。其他问题请咨询窗口。", "医保:0.5 报销:0.5 门诊:2",
      12, "…门诊统筹按年度结算。…", "1,3", "门诊" },
    { "on a tie the earliest window wins", "医保卡在这里办。今天天气很好。医保局在那边。", "医保:1",
      10, "医保卡在这里办。…", "0,2", "医保" },
    { "a repeated word adds a little: two of one word beat one",
      "医保卡在这里办。医保局和医保站都在那边。", "医保:1", 12, "…医保局和医保站都在那边。",
      "1,3 5,7", "医保|医保" },
    { "windows are cut at clause ends (，) and grow while they fit the target",
      "第一，医保要先备案，第二，带上社保卡，第三，去窗口办理。", "社保卡:1", 12,
      "…第二，带上社保卡，第三，…", "6,9", "社保卡" },
    { "a unit up to a third over the target is kept whole",
      "这是一句无关的话，医保个人账户可以家庭共济。这是一句无关的话，", "个人账户:1", 10,
      "…医保个人账户可以家庭共济。…", "3,7", "个人账户" },
    { "a unit further over it is cut: a quarter of the target before the first match",
      "这是一句无关的话，医保个人账户可以家庭共济。这是一句无关的话，", "个人账户:1", 9,
      "…医保个人账户可以家…", "3,7", "个人账户" },
    { "one long unit without punctuation is cut the same way",
      "甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲医保乙乙乙乙乙乙乙乙乙乙乙乙乙乙"
      "乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙",
      "医保:1", 20, "…甲甲甲甲甲医保乙乙乙乙乙乙乙乙乙乙乙乙乙…", "6,8", "医保" },
    { "white space runs fold to one space; leading and trailing ones go",
      "  医保\t\t卡\xE3\x80\x80\xE3\x80\x80丢了  \r\n • 怎么办  ", "医保:1", 120,
      "医保 卡 丢了 怎么办", "0,2", "医保" },
    { "white space right after the leading ellipsis goes", "甲乙。  医保卡。", "医保:1", 6,
      "…医保卡。", "1,3", "医保" },
    { "a Traditional answer highlights the Simplified word", "醫保卡丟了怎麼辦", "医保:1", 120,
      "醫保卡丟了怎麼辦", "0,2", "醫保" },
    { "full-width Latin highlights the ASCII word", "ＩＣ卡怎么办", "ic:1", 120, "ＩＣ卡怎么办",
      "0,2", "ＩＣ" },
    { "a Latin word matches only between non-alphanumerics", "IC卡和PIC码，ic不是pic。", "ic:1",
      120, "IC卡和PIC码，ic不是pic。", "0,2 9,11", "IC|ic" },
    { "a digit word matches only whole numbers", "第12期和第123期，12元。", "12:1", 120,
      "第12期和第123期，12元。", "1,3 11,13", "12|12" },
    { "a CJK word matches inside a longer word", "新医保卡", "医保:1", 120, "新医保卡", "1,3",
      "医保" },
    { "the longest word wins at one start", "医保卡丢了", "医保:1 医保卡:1", 120, "医保卡丢了",
      "0,3", "医保卡" },
    { "overlapping matches merge into one range", "医保卡丢了", "医保卡:1 保卡:1", 120,
      "医保卡丢了", "0,3", "医保卡" },
    { "adjacent matches merge into one range", "门诊报销按比例", "门诊:1 报销:1", 120,
      "门诊报销按比例", "0,4", "门诊报销" },
    { "no word matches: the text's first window", "第一句话。第二句话。第三句话。", "社保:1", 5,
      "第一句话。…", "", "" },
    { "no query words at all: the text's first window", "第一句话。第二句话。第三句话。", "", 5,
      "第一句话。…", "", "" },
    { "an invalid byte is shown as U+FFFD and does not stop a match", "医保\xFF卡", "医保:1", 120,
      "医保\xEF\xBF\xBD卡", "0,2", "医保" },
    { "an empty text gives an empty snippet", "", "医保:1", 120, "", "", "" },
    { "a character that shares a word's first one's bit (U+633B, U+533B) starts no match",
      "挻保医保", "医保:1", 120, "挻保医保", "2,4", "医保" },
    /* Characters normalised to several, several to one, or sharing a span:
     * the map back to the text decides what is highlighted. */
    { "an ellipsis (three characters normalised) before a match", "保费…医保卡", "医保:1", 120,
      "保费…医保卡", "3,5", "医保" },
    { "℃ (normalised to two characters) highlights whole", "体温38℃以上", "°c:1", 120,
      "体温38℃以上", "4,5", "℃" },
    { "㎡ (normalised to m2) as part of a word", "面积90㎡的房子", "90m2:1", 120, "面积90㎡的房子",
      "2,5", "90㎡" },
    { "a combining mark shares its base's span", "cafe\xcc\x81和茶", "café:1", 120,
      "cafe\xcc\x81和茶", "0,5", "cafe\xcc\x81" },
    { "a word after a combining mark", "e\xcc\x81医保", "医保:1", 120, "e\xcc\x81医保", "2,4",
      "医保" },
    { "full-width and Traditional together", "ＡＴＭ機取款", "atm机:1", 120, "ＡＴＭ機取款", "0,4",
      "ＡＴＭ機" },
};

static void test_snippet__table_of_texts_words_and_targets(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        const snip_case *c = &CASES[i];
        made m = make(c->text, strlen(c->text), c->words, c->target);
        if (strcmp(m.snippet, c->want) != 0 || strcmp(m.ranges, c->ranges) != 0 ||
            strcmp(m.pieces, c->pieces) != 0)
            fail_msg("case %zu (%s):\n  got  \"%s\" [%s] %s\n  want \"%s\" [%s] %s", i, c->what,
                     m.snippet, m.ranges, m.pieces, c->want, c->ranges, c->pieces);
        made_free(&m);
    }
}

/* ---- long answers, against the passage picker's first (quadratic) version ---------- */

/* A text of about `bytes` bytes drawn from query words, other words,
 * clause and sentence ends and white space by a fixed generator, so that a
 * row names its text by a seed. */
static char *generated_text(unsigned seed, size_t bytes, size_t *len)
{
    static const char *const PIECES[] = {
        "医保", "报销", "门诊",   "社保卡", "个人账户", "卡",     "的",       "这是",     "一句",
        "无关", "话",   "了",     "要",     "怎么办",   "IC",     "ic",       "12",       "123",
        "。",   "，",   "；",     "！",     "？",       "、",     "：",       "\n",       " ",
        "  ",   "\t",   "甲乙丙", "醫保",   "ＩＣ",     "医保卡", "报销比例", "门诊统筹",
    };
    size_t np = sizeof PIECES / sizeof *PIECES, n = 0;
    char *text = malloc(bytes + 32);
    assert_non_null(text);
    uint32_t x = seed * 2654435761u + 1;
    while (n < bytes) {
        x = x * 1103515245u + 12345u;
        const char *p = PIECES[(x >> 16) % np];
        memcpy(text + n, p, strlen(p));
        n += strlen(p);
    }
    text[n] = '\0';
    *len = n;
    return text;
}

typedef struct long_case {
    unsigned seed;
    size_t bytes, target;
    const char *words;
    const char *want, *ranges; /* what the first version of the picker gave */
} long_case;

static const long_case LONG_CASES[] = {
    { 1, 600, 20, "医保:1 报销:0.5 门诊:2", "…门诊无关报销：卡 报销醫保门诊统筹门诊；…",
      "1,3 5,7 10,16 18,20" },
    { 2, 1200, 40, "社保卡:1 卡:0.3",
      "…社保卡：门诊社保卡：医保卡，123门诊醫保：个人账户报销医保卡医保一句。社保卡，…",
      "1,4 7,10 13,14 31,32 37,40" },
    { 3, 2000, 12, "个人账户:1.5 ic:1 12:0.7", "…ic怎么办话个人账户了：…", "1,3 7,11" },
    { 4, 3000, 60, "医保:1",
      "…医保医保门诊门诊！ＩＣ IC、医保卡：无关个人账户；报销比例。？了的医保一句ic "
      "怎么办医保卡。ＩＣ医保无关甲乙丙…",
      "1,5 16,18 35,37 45,47 51,53" },
    { 5, 800, 8, "报销:1 报销比例:2 比例:0.5", "…23报销报销比例…", "3,9" },
    { 6, 2500, 30, "门诊统筹:1 门诊:0.5 统筹:0.5 医保卡:1",
      "…123要ic报销门诊统筹医保卡醫保无关 门诊要：一句IC？…", "9,16 21,23" },
    { 7, 4000, 120, "医保:1 报销:1 门诊:1 卡:0.2 ic:0.4",
      "…医保卡门诊ic！ 无关 要，医保卡怎么办123这是！甲乙丙 "
      "医保卡的医保门诊门诊社保卡门诊统筹12无关、这是话、这是门诊统筹醫保：个人账户。。门诊统筹这是"
      "！醫保123 ：医保IC社保卡医保报销 社保卡医保卡报销社保卡12卡醫保！ic？…",
      "1,8 15,18 31,34 35,41 43,46 59,61 63,65 72,74 79,81 86,90 92,97 100,106 108,109 111,114 "
      "115,117" },
    { 8, 1500, 25, "怎么办:0.3 无关:0.1", "…123ic怎么办一句这是甲乙丙门诊统筹 报销比例门…", "6,9" },
    { 9, 3000, 16, "甲乙丙:1 123:1", "…的话 话甲乙丙IC要话报销比例1…", "5,8" },
    { 10, 500, 10, "公积金:1", "要了门诊统筹门诊、、…", "" },
    { 11, 6000, 50, "医保:1 报销:0.5 门诊:2 社保卡:1 个人账户:1.5 ic:1 12:0.7",
      "…门诊统筹社保卡医保卡12了，醫保ic门诊统筹 IC要 个人账户要甲乙丙报销醫保ＩＣ 门诊？；…",
      "1,3 5,10 11,13 15,21 24,26 28,32 36,42 43,45" },
    { 12, 2000, 0, "卡:1 了:0.1 要:0.1",
      "…ic 这是12个人账户、：卡报销比例无关了醫保123ic门诊社保卡社保卡甲乙丙卡 12ＩＣic报销医保卡 "
      "这是卡甲乙丙醫保要个人账户这是？ 12医保卡，，？！医保卡？无关IC社保卡 "
      "个人账户了要门诊医保卡报销社保卡一句报销：ic！…",
      "14,15 21,22 33,34 36,37 40,41 52,53 56,57 62,63 75,76 82,83 90,91 96,98 102,103 107,108" },
};

/* The picker reads each match once per window it can fall in (it was once
 * rescanning every match for every window): on generated answers of up to
 * 6 KB it still picks the passage, and highlights, that the first version
 * did. */
static void test_snippet__long_answers_keep_the_first_versions_passages(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof LONG_CASES / sizeof *LONG_CASES; i++) {
        const long_case *c = &LONG_CASES[i];
        size_t len = 0;
        char *text = generated_text(c->seed, c->bytes, &len);
        made m = make(text, len, c->words, c->target);
        if (strcmp(m.snippet, c->want) != 0 || strcmp(m.ranges, c->ranges) != 0) {
            print_message("seed %u: got \"%s\", \"%s\"\n", c->seed, m.snippet, m.ranges);
            bad++;
        }
        made_free(&m);
        free(text);
    }
    if (bad)
        fail_msg("%d of the generated answers got another passage", bad);
}

/* An answer of 4 MiB with a match in every clause: every window holds
 * matches, the case the first version took hours on (a bounded smoke: no
 * time is asserted, the suite's CTest timeout catches a relapse). */
static void test_snippet__an_answer_of_4_mib_with_a_match_in_every_clause(void **state)
{
    (void)state;
    static const char clause[] = "医保报销，";
    size_t n = 4u << 20, len = 0;
    char *text = malloc(n + sizeof clause);
    assert_non_null(text);
    while (len + sizeof clause - 1 <= n) {
        memcpy(text + len, clause, sizeof clause - 1);
        len += sizeof clause - 1;
    }
    memcpy(text + len - strlen("，"), "。门诊", strlen("。门诊"));
    len += strlen("。门诊") - strlen("，");
    text[len] = '\0';
    made m = make(text, len, "医保:1 报销:0.5 门诊:3", 20);
    /* The last clause holds the heaviest word. */
    assert_string_equal(m.pieces, "医保报销|医保报销|医保报销|门诊");
    made_free(&m);
    free(text);
}

/* A target of 0 is the default of 120 code points. */
static void test_snippet__target_0_is_120_code_points(void **state)
{
    (void)state;
    /* 13 sentences of 10 code points: 12 fit. */
    char text[1024] = "";
    for (int i = 0; i < 13; i++)
        strcat(text, "一二三四五六七八九。");
    made m = make(text, strlen(text), "", 0);
    assert_int_equal(wd_utf8_count(m.snippet, strlen(m.snippet)), 121);
    assert_int_equal(memcmp(m.snippet + strlen(m.snippet) - strlen("…"), "…", strlen("…")), 0);
    assert_int_equal(m.n, 0);
    made_free(&m);
    made t = make(text, strlen(text), "", 120);
    made u = make(text, strlen(text), "", 0);
    assert_string_equal(t.snippet, u.snippet);
    made_free(&t);
    made_free(&u);
}

/* The target bounds the passage: whole units while they fit, one unit up
 * to a third over it kept whole, and the two ellipses besides. */
static void test_snippet__target_length_is_respected(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 30; i++)
        strcat(text, i == 17 ? "医保个人账户可以家庭共济。" : "这是一句无关的话，");
    for (size_t target = 10; target <= 60; target += 5) {
        made m = make(text, strlen(text), "个人账户:1", target);
        size_t cps = wd_utf8_count(m.snippet, strlen(m.snippet));
        if (cps > target + target / 3 + 2)
            fail_msg("target %zu: %zu code points in \"%s\"", target, cps, m.snippet);
        assert_non_null(strstr(m.snippet, "个人账户"));
        assert_string_equal(m.pieces, "个人账户");
        made_free(&m);
    }
}

/* An answer of 200 KB: the matching sentence near its end is found, cut to
 * the target and highlighted. */
static void test_snippet__an_answer_of_200_kb(void **state)
{
    (void)state;
    static const char filler[] = "这是无关的话，说了一些别的事情。";
    static const char target[] = "灵活就业人员的个人账户会按比例划入。";
    size_t cap = 210 * 1024, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    while (len + sizeof filler < 200 * 1024) {
        memcpy(text + len, filler, sizeof filler - 1);
        len += sizeof filler - 1;
        if (len > 190 * 1024 && len < 190 * 1024 + sizeof filler) {
            memcpy(text + len, target, sizeof target - 1);
            len += sizeof target - 1;
        }
    }
    text[len] = '\0';
    made m = make(text, len, "个人账户:1 划入:0.5", 40);
    /* The earliest window of 40 code points holding the sentence. */
    assert_string_equal(m.snippet,
                        "…这是无关的话，说了一些别的事情。灵活就业人员的个人账户会按比例划入。…");
    assert_string_equal(m.ranges, "24,28 32,34");
    assert_string_equal(m.pieces, "个人账户|划入");
    made_free(&m);
    /* No match anywhere: the first window, quickly. */
    m = make(text, len, "公积金:1", 40);
    assert_int_equal(strncmp(m.snippet, filler, sizeof filler - 1), 0);
    assert_int_equal(m.n, 0);
    made_free(&m);
    free(text);
}

/* ---- the word set ------------------------------------------------------------------ */

static void test_snippet__termset_keeps_one_entry_per_word_at_its_highest_weight(void **state)
{
    (void)state;
    wd_termset ts = { 0 };
    assert_int_equal(wd_termset_find(&ts, "医保", strlen("医保")), -1);
    assert_int_equal(wd_termset_add(&ts, "医保", strlen("医保"), 1.0), WD_OK);
    assert_int_equal(wd_termset_add(&ts, "报销", strlen("报销"), 0.5), WD_OK);
    assert_int_equal(ts.n, 2);
    /* Again: a lower weight leaves it, a higher one raises it. */
    assert_int_equal(wd_termset_add(&ts, "医保", strlen("医保"), 0.25), WD_OK);
    assert_int_equal(ts.n, 2);
    assert_true(ts.weights[0] == 1.0);
    assert_int_equal(wd_termset_add(&ts, "医保", strlen("医保"), 3.0), WD_OK);
    assert_int_equal(ts.n, 2);
    assert_true(ts.weights[0] == 3.0);
    assert_int_equal(wd_termset_find(&ts, "医保", strlen("医保")), 0);
    assert_int_equal(wd_termset_find(&ts, "报销", strlen("报销")), 1);
    /* Words are byte strings of a given length: a prefix is another word. */
    assert_int_equal(wd_termset_find(&ts, "医", strlen("医")), -1);
    assert_int_equal(wd_termset_find(&ts, "医保卡", strlen("医保卡")), -1);
    assert_int_equal(wd_termset_add(&ts, "医保卡", strlen("医保"), 2.0), WD_OK);
    assert_int_equal(ts.n, 2); /* the first 6 bytes: 医保 */
    /* It grows past its first allocation. */
    char w[16];
    for (int i = 0; i < 100; i++) {
        snprintf(w, sizeof w, "w%d", i);
        assert_int_equal(wd_termset_add(&ts, w, strlen(w), 1.0), WD_OK);
    }
    assert_int_equal(ts.n, 102);
    assert_int_equal(wd_termset_find(&ts, "w99", 3), 101);
    assert_int_equal(wd_termset_find(&ts, "医保", strlen("医保")), 0);
    wd_termset_free(&ts);
    assert_int_equal(ts.n, 0);
    assert_null(ts.words);
    /* A freed set is empty and can be used again. */
    assert_int_equal(wd_termset_add(&ts, "医保", strlen("医保"), 1.0), WD_OK);
    assert_int_equal(ts.n, 1);
    wd_termset_free(&ts);
}

/* The weights decide the passage: raising one word's weight moves it. */
static void test_snippet__weights_move_the_passage(void **state)
{
    (void)state;
    const char *text = "医保卡在这里办。报销要带发票。";
    made a = make(text, strlen(text), "医保:2 报销:1", 8);
    assert_string_equal(a.snippet, "医保卡在这里办。…");
    made b = make(text, strlen(text), "医保:1 报销:2", 8);
    assert_string_equal(b.snippet, "…报销要带发票。");
    made_free(&a);
    made_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippet__table_of_texts_words_and_targets),
        cmocka_unit_test(test_snippet__target_0_is_120_code_points),
        cmocka_unit_test(test_snippet__target_length_is_respected),
        cmocka_unit_test(test_snippet__an_answer_of_200_kb),
        cmocka_unit_test(test_snippet__long_answers_keep_the_first_versions_passages),
        cmocka_unit_test(test_snippet__an_answer_of_4_mib_with_a_match_in_every_clause),
        cmocka_unit_test(test_snippet__termset_keeps_one_entry_per_word_at_its_highest_weight),
        cmocka_unit_test(test_snippet__weights_move_the_passage),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
