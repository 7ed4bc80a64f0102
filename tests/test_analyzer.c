/*
 * test_analyzer.c - the analyzer and its dictionaries (dict/).
 *
 * Segmentation is pinned by tables of input -> tokens (text, byte start and
 * end in the ORIGINAL input, position, flags, source), in the manner of
 * Xapian's api_termgen.cc. The rest checks robustness (invalid UTF-8,
 * emoji, supplementary ideographs, huge inputs, allocation failures) and
 * the dictionary API (loading, overlays, synonyms, version strings).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <unicode/uclean.h>

#include "dict_internal.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"
#include "wenda/error.h"

/* ---- collecting tokens ---- */

typedef struct {
    char text[WD_MAX_WORD_BYTES + 1];
    size_t len, start, end;
    uint32_t pos;
    unsigned flags;
    int src;
} tok;

typedef struct {
    tok *t;
    size_t n, cap;
    int stop_at; /* return 42 on this call (1-based), 0 = never */
    int calls;
} toks;

static int collect(void *ctx, const wd_token *w)
{
    toks *c = ctx;
    c->calls++;
    assert_true(w->len > 0 && w->len <= WD_MAX_WORD_BYTES);
    assert_true(wd_utf8_valid(w->text, w->len, NULL));
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->t = realloc(c->t, c->cap * sizeof *c->t);
        assert_non_null(c->t);
    }
    tok *t = &c->t[c->n++];
    memcpy(t->text, w->text, w->len);
    t->text[w->len] = '\0';
    t->len = w->len;
    t->start = w->start;
    t->end = w->end;
    t->pos = w->position;
    t->flags = w->flags;
    t->src = w->source;
    return c->stop_at && c->calls == c->stop_at ? 42 : 0;
}

static void toks_free(toks *c)
{
    free(c->t);
    memset(c, 0, sizeof *c);
}

static wd_dict *g_dict;
static wd_analyzer *g_an;

static int have_general(void)
{
    return wd_dict_size(g_dict) > 100000;
}

static int run(wd_analyzer *a, int mode, const char *in, size_t len, toks *out)
{
    wd_error err;
    wd_error_clear(&err);
    memset(out, 0, sizeof *out);
    return wd_analyze(a, mode, in, len, collect, out, &err);
}

/* Offsets in order, inside the input, positions consecutive, sub-words at
 * their word's position. */
static void assert_sane(const toks *c, size_t len)
{
    size_t last_start = 0;
    uint32_t pos = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tok *t = &c->t[i];
        assert_true(t->start < t->end);
        assert_true(t->end <= len);
        if (t->flags & WD_TOKEN_SUBWORD) {
            assert_true(i > 0);
            assert_int_equal(t->pos, pos - 1);
        } else {
            assert_true(t->start >= last_start);
            assert_int_equal(t->pos, pos);
            last_start = t->start;
            pos++;
        }
    }
}

/* ---- tables ---- */

#define C WD_TOKEN_CJK
#define S WD_TOKEN_STOP
#define N WD_TOKEN_NUMERIC
#define SW WD_TOKEN_SUBWORD
#define ANYSTOP 0x100u /* the stop list decides; not checked */
#define ANY (-1)       /* source not checked */

typedef struct {
    const char *text;
    size_t start, end;
    uint32_t pos;
    unsigned flags;
    int src;
} exp_tok;

typedef struct {
    const char *input;
    int mode;
    exp_tok tok[24]; /* ends with text == NULL */
} seg_case;

static void check_table(const seg_case *cases, size_t ncases)
{
    for (size_t k = 0; k < ncases; k++) {
        const seg_case *sc = &cases[k];
        toks got;
        assert_int_equal(run(g_an, sc->mode, sc->input, strlen(sc->input), &got), WD_OK);
        size_t n = 0;
        while (sc->tok[n].text)
            n++;
        if (got.n != n) {
            fprintf(stderr, "input '%s': got", sc->input);
            for (size_t i = 0; i < got.n; i++)
                fprintf(stderr, " %s[%zu,%zu)p%u", got.t[i].text, got.t[i].start, got.t[i].end,
                        got.t[i].pos);
            fprintf(stderr, "\n");
        }
        assert_int_equal(got.n, n);
        for (size_t i = 0; i < n; i++) {
            const exp_tok *e = &sc->tok[i];
            const tok *t = &got.t[i];
            assert_string_equal(t->text, e->text);
            assert_int_equal(t->start, e->start);
            assert_int_equal(t->end, e->end);
            assert_int_equal(t->pos, e->pos);
            unsigned mask = (e->flags & ANYSTOP) ? ~(WD_TOKEN_STOP | ANYSTOP) : ~ANYSTOP;
            assert_int_equal(t->flags & mask, e->flags & mask);
            if (e->src != ANY)
                assert_int_equal(t->src, e->src);
        }
        assert_sane(&got, strlen(sc->input));
        toks_free(&got);
    }
}

static const seg_case query_cases[] = {
    { "灵活就业医保会进个人账户吗",
      WD_ANALYZE_QUERY,
      { { "灵活就业", 0, 12, 0, C, WD_SRC_DOMAIN },
        { "医保", 12, 18, 1, C, WD_SRC_DOMAIN },
        { "会", 18, 21, 2, C | ANYSTOP, ANY },
        { "进", 21, 24, 3, C | ANYSTOP, ANY },
        { "个人账户", 24, 36, 4, C, WD_SRC_DOMAIN },
        { "吗", 36, 39, 5, C | S, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "低保户要交医保吗",
      WD_ANALYZE_QUERY,
      { { "低保户", 0, 9, 0, C, WD_SRC_DOMAIN },
        { "要", 9, 12, 1, C | ANYSTOP, ANY },
        { "交", 12, 15, 2, C, ANY },
        { "医保", 15, 21, 3, C, WD_SRC_DOMAIN },
        { "吗", 21, 24, 4, C | S, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "异地就医怎么报销",
      WD_ANALYZE_QUERY,
      { { "异地就医", 0, 12, 0, C, WD_SRC_DOMAIN },
        { "怎么", 12, 18, 1, C | S, ANY },
        { "报销", 18, 24, 2, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "阿勒泰", WD_ANALYZE_QUERY, { { "阿勒泰", 0, 9, 0, C, ANY }, { NULL, 0, 0, 0, 0, 0 } } },
    { "2025年低保人员需要交医保吗",
      WD_ANALYZE_QUERY,
      { { "2025", 0, 4, 0, N, WD_SRC_NONE },
        { "年", 4, 7, 1, C, ANY },
        { "低保人员", 7, 19, 2, C, WD_SRC_DOMAIN },
        { "需要", 19, 25, 3, C | ANYSTOP, ANY },
        { "交", 25, 28, 4, C, ANY },
        { "医保", 28, 34, 5, C, WD_SRC_DOMAIN },
        { "吗", 34, 37, 6, C | S, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "12333",
      WD_ANALYZE_QUERY,
      { { "12333", 0, 5, 0, N, WD_SRC_NONE }, { NULL, 0, 0, 0, 0, 0 } } },
    { "ABC医保Card",
      WD_ANALYZE_QUERY,
      { { "abc", 0, 3, 0, 0, WD_SRC_NONE },
        { "医保", 3, 9, 1, C, WD_SRC_DOMAIN },
        { "card", 9, 13, 2, 0, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* Traditional: same texts, offsets into the Traditional original. */
    { "低保戶要交醫保嗎",
      WD_ANALYZE_QUERY,
      { { "低保户", 0, 9, 0, C, WD_SRC_DOMAIN },
        { "要", 9, 12, 1, C | ANYSTOP, ANY },
        { "交", 12, 15, 2, C, ANY },
        { "医保", 15, 21, 3, C, WD_SRC_DOMAIN },
        { "吗", 21, 24, 4, C | S, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* Full width: the digits cover the 12 original bytes. */
    { "２０２５年",
      WD_ANALYZE_QUERY,
      { { "2025", 0, 12, 0, N, WD_SRC_NONE },
        { "年", 12, 15, 1, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "ＡＢＣ１２３",
      WD_ANALYZE_QUERY,
      { { "abc123", 0, 18, 0, 0, WD_SRC_NONE }, { NULL, 0, 0, 0, 0, 0 } } },
    /* Punctuation and spaces are dropped; positions stay consecutive. */
    { "医保，怎么报销？（异地就医）",
      WD_ANALYZE_QUERY,
      { { "医保", 0, 6, 0, C, ANY },
        { "怎么", 9, 15, 1, C | S, ANY },
        { "报销", 15, 21, 2, C, ANY },
        { "异地就医", 27, 39, 3, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "Hello, World! 医保。",
      WD_ANALYZE_QUERY,
      { { "hello", 0, 5, 0, 0, WD_SRC_NONE },
        { "world", 7, 12, 1, 0, WD_SRC_NONE },
        { "医保", 14, 20, 2, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "3.14", WD_ANALYZE_QUERY, { { "3.14", 0, 4, 0, N, WD_SRC_NONE }, { NULL, 0, 0, 0, 0, 0 } } },
    /* A combining accent composes; the token covers both original pieces. */
    { "Cafe\xcc\x81 医保",
      WD_ANALYZE_QUERY,
      { { "caf\xc3\xa9", 0, 6, 0, 0, WD_SRC_NONE },
        { "医保", 7, 13, 1, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* Emoji dropped; an Extension B ideograph is a (4-byte) character. */
    { "医保\xf0\x9f\x98\x80\xf0\xa0\x80\x80医保",
      WD_ANALYZE_QUERY,
      { { "医保", 0, 6, 0, C, ANY },
        { "\xf0\xa0\x80\x80", 10, 14, 1, C, WD_SRC_CHAR },
        { "医保", 14, 20, 2, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* Invalid bytes are skipped, never passed on. */
    { "医保\xff\xfe吗\xe5\x8c",
      WD_ANALYZE_QUERY,
      { { "医保", 0, 6, 0, C, ANY }, { "吗", 8, 11, 1, C | S, ANY }, { NULL, 0, 0, 0, 0, 0 } } },
    { "\xc0\xaf\xed\xa0\x80ok\xf8",
      WD_ANALYZE_QUERY,
      { { "ok", 5, 7, 0, 0, WD_SRC_NONE }, { NULL, 0, 0, 0, 0, 0 } } },
};

/* Needs the general word list (保户 and 居民 come from it). */
static const seg_case index_cases_general[] = {
    { "低保户要交医保吗",
      WD_ANALYZE_INDEX,
      { { "低保户", 0, 9, 0, C, WD_SRC_DOMAIN },
        { "低保", 0, 6, 0, C | SW, WD_SRC_DOMAIN },
        { "保户", 3, 9, 0, C | SW, WD_SRC_GENERAL },
        { "要", 9, 12, 1, C | ANYSTOP, ANY },
        { "交", 12, 15, 2, C, ANY },
        { "医保", 15, 21, 3, C, ANY },
        { "吗", 21, 24, 4, C | S, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "居民医保",
      WD_ANALYZE_INDEX,
      { { "居民医保", 0, 12, 0, C, WD_SRC_DOMAIN },
        { "居民", 0, 6, 0, C | SW, ANY },
        { "医保", 6, 12, 0, C | SW, WD_SRC_DOMAIN },
        { NULL, 0, 0, 0, 0, 0 } } },
};

static const seg_case index_cases[] = {
    /* Two-character words have no sub-words. */
    { "医保报销",
      WD_ANALYZE_INDEX,
      { { "医保", 0, 6, 0, C, ANY }, { "报销", 6, 12, 1, C, ANY }, { NULL, 0, 0, 0, 0, 0 } } },
    /* Traditional input, sub-word offsets into the original. */
    { "異地就醫",
      WD_ANALYZE_INDEX,
      { { "异地就医", 0, 12, 0, C, WD_SRC_DOMAIN },
        { "异地", 0, 6, 0, C | SW, ANY },
        { "就医", 6, 12, 0, C | SW, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
};

/* Numbers, units and symbols (the dictionary layer's rules for non-CJK
 * segments; no word list needed). */
static const seg_case number_cases[] = {
    /* a number and the unit letters against it are two words */
    { "0.3cm的结节",
      WD_ANALYZE_QUERY,
      { { "0.3", 0, 3, 0, N, WD_SRC_NONE },
        { "cm", 3, 5, 1, 0, WD_SRC_NONE },
        { "的", 5, 8, 2, C | S, ANY },
        { "结节", 8, 14, 3, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "１５ｍｇ",
      WD_ANALYZE_QUERY,
      { { "15", 0, 6, 0, N, WD_SRC_NONE },
        { "mg", 6, 12, 1, 0, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "1,100m",
      WD_ANALYZE_QUERY,
      { { "1,100", 0, 5, 0, N, WD_SRC_NONE },
        { "m", 5, 6, 1, 0, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* letters first, or a mix that is not number + unit: whole */
    { "h1n1 b12 1.8x1.0",
      WD_ANALYZE_QUERY,
      { { "h1n1", 0, 4, 0, 0, WD_SRC_NONE },
        { "b12", 5, 8, 1, 0, WD_SRC_NONE },
        { "1.8x1.0", 9, 16, 2, 0, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* a number and its percent sign are one word; full width too */
    { "40%的人",
      WD_ANALYZE_QUERY,
      { { "40%", 0, 3, 0, N, WD_SRC_NONE },
        { "的", 3, 6, 1, C | S, ANY },
        { "人", 6, 9, 2, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "报销比例４０％",
      WD_ANALYZE_QUERY,
      { { "报销比例", 0, 12, 0, C, ANY },
        { "40%", 12, 21, 1, N, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "2.5\xe2\x80\xb0",
      WD_ANALYZE_QUERY, /* per mille */
      { { "2.5\xe2\x80\xb0", 0, 6, 0, N, WD_SRC_NONE }, { NULL, 0, 0, 0, 0, 0 } } },
    /* index mode: the number alone follows at the same position */
    { "40%",
      WD_ANALYZE_INDEX,
      { { "40%", 0, 3, 0, N, WD_SRC_NONE },
        { "40", 0, 2, 0, N | SW, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* numbers joined by - ~ or a dash (a range, a date) are one word */
    { "2-3天",
      WD_ANALYZE_QUERY,
      { { "2-3", 0, 3, 0, N, WD_SRC_NONE }, { "天", 3, 6, 1, C, ANY }, { NULL, 0, 0, 0, 0, 0 } } },
    { "37.5～39度，70-80%",
      WD_ANALYZE_QUERY,
      { { "37.5~39", 0, 9, 0, N, WD_SRC_NONE },
        { "度", 9, 12, 1, C | ANYSTOP, ANY },
        { "70-80%", 15, 21, 2, N, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "2-3cm",
      WD_ANALYZE_QUERY,
      { { "2-3", 0, 3, 0, N, WD_SRC_NONE },
        { "cm", 3, 5, 1, 0, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "2017-06-16复查",
      WD_ANALYZE_INDEX,
      { { "2017-06-16", 0, 10, 0, N, WD_SRC_NONE },
        { "2017", 0, 4, 0, N | SW, WD_SRC_NONE },
        { "06", 5, 7, 0, N | SW, WD_SRC_NONE },
        { "16", 8, 10, 0, N | SW, WD_SRC_NONE },
        { "复查", 10, 16, 1, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* not a range: a word and a number, a sign, two marks */
    { "covid-19 -11 2--3",
      WD_ANALYZE_QUERY,
      { { "covid", 0, 5, 0, 0, WD_SRC_NONE },
        { "19", 6, 8, 1, N, WD_SRC_NONE },
        { "11", 10, 12, 2, N, WD_SRC_NONE },
        { "2", 13, 14, 3, N, WD_SRC_NONE },
        { "3", 16, 17, 4, N, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* a letterlike symbol is a symbol: no "c" from ℃, no "tm" from ™ */
    { "38\xe2\x84\x83 \xe2\x84\xa2",
      WD_ANALYZE_QUERY,
      { { "38", 0, 2, 0, N, WD_SRC_NONE }, { NULL, 0, 0, 0, 0, 0 } } },
    /* a written C is a letter */
    { "38\xc2\xb0"
      "C",
      WD_ANALYZE_QUERY,
      { { "38", 0, 2, 0, N, WD_SRC_NONE },
        { "c", 4, 5, 1, 0, WD_SRC_NONE },
        { NULL, 0, 0, 0, 0, 0 } } },
};

/* Needs the general word list and the unknown-word HMM (jieba's, both
 * read at build time). */
static const seg_case hmm_cases[] = {
    /* unknown words: the HMM joins the characters the best path left single */
    { "保泰通怎么交",
      WD_ANALYZE_QUERY,
      { { "保泰通", 0, 9, 0, C, WD_SRC_HMM },
        { "怎么", 9, 15, 1, C | S, ANY },
        { "交", 15, 18, 2, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* ... but not a frequent free character (了) to its neighbours */
    { "我吃了华法林",
      WD_ANALYZE_QUERY,
      { { "我", 0, 3, 0, C | ANYSTOP, ANY },
        { "吃", 3, 6, 1, C, ANY },
        { "了", 6, 9, 2, C | ANYSTOP, ANY },
        { "华法林", 9, 18, 3, C, WD_SRC_HMM },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "肠镜检查",
      WD_ANALYZE_QUERY,
      { { "肠镜", 0, 6, 0, C, WD_SRC_HMM },
        { "检查", 6, 12, 1, C, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* index mode: an HMM word of three characters has sub-words */
    { "华法林",
      WD_ANALYZE_INDEX,
      { { "华法林", 0, 9, 0, C, WD_SRC_HMM },
        { "华法", 0, 6, 0, C | SW, ANY },
        { "法林", 3, 9, 0, C | SW, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* a stretch of single characters that is itself a (long) word of the
     * list stays characters, as in jieba */
    { "合而为一",
      WD_ANALYZE_QUERY,
      { { "合", 0, 3, 0, C | ANYSTOP, WD_SRC_GENERAL },
        { "而", 3, 6, 1, C | ANYSTOP, WD_SRC_GENERAL },
        { "为", 6, 9, 2, C | ANYSTOP, WD_SRC_GENERAL },
        { "一", 9, 12, 3, C | ANYSTOP, WD_SRC_GENERAL },
        { NULL, 0, 0, 0, 0, 0 } } },
    /* the long-word penalty: compounds of the general list split into the
     * words they are made of; domain words stay whole */
    { "呼吸困难怎么办",
      WD_ANALYZE_QUERY,
      { { "呼吸", 0, 6, 0, C, WD_SRC_GENERAL },
        { "困难", 6, 12, 1, C, WD_SRC_GENERAL },
        { "怎么", 12, 18, 2, C | S, ANY },
        { "办", 18, 21, 3, C | ANYSTOP, ANY },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "新世纪的检察机关",
      WD_ANALYZE_QUERY,
      { { "新", 0, 3, 0, C | ANYSTOP, ANY },
        { "世纪", 3, 9, 1, C, WD_SRC_GENERAL },
        { "的", 9, 12, 2, C | S, ANY },
        { "检察", 12, 18, 3, C, WD_SRC_GENERAL },
        { "机关", 18, 24, 4, C, WD_SRC_GENERAL },
        { NULL, 0, 0, 0, 0, 0 } } },
    { "中央军事委员会",
      WD_ANALYZE_QUERY,
      { { "中央", 0, 6, 0, C, WD_SRC_GENERAL },
        { "军事", 6, 12, 1, C, WD_SRC_GENERAL },
        { "委员会", 12, 21, 2, C, WD_SRC_GENERAL },
        { NULL, 0, 0, 0, 0, 0 } } },
};

/* Whether the library was built with jieba's HMM (WENDA_HMM_DIR). */
extern const int wd_gd_has_hmm;

static void test_analyzer__numbers_units_and_symbols(void **state)
{
    (void)state;
    check_table(number_cases, sizeof number_cases / sizeof number_cases[0]);
}

static void test_analyzer__unknown_words_and_long_words(void **state)
{
    (void)state;
    if (!have_general() || !wd_gd_has_hmm) {
        fprintf(stderr, "(skipped: built without the general list or the HMM)\n");
        return;
    }
    check_table(hmm_cases, sizeof hmm_cases / sizeof hmm_cases[0]);
    /* The dictionary layer off is ICU alone: no HMM, no unit split. */
    toks got;
    wd_analyzer_set_dictionary_layer(g_an, 0);
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, "15mg", 4, &got), WD_OK);
    wd_analyzer_set_dictionary_layer(g_an, 1);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.t[0].text, "15mg");
    toks_free(&got);
}

static void test_analyzer__segments_examples(void **state)
{
    (void)state;
    check_table(query_cases, sizeof query_cases / sizeof query_cases[0]);
}

static void test_analyzer__index_mode_subwords_same_position(void **state)
{
    (void)state;
    check_table(index_cases, sizeof index_cases / sizeof index_cases[0]);
    if (have_general()) /* built with WENDA_GENERAL_DICT */
        check_table(index_cases_general,
                    sizeof index_cases_general / sizeof index_cases_general[0]);
}

/* Index mode: the canonical forms of numbers, amounts and durations
 * (sub-words that are no text of the input), in order, space-separated. */
static void canonical_forms(const char *in, char *out, size_t cap)
{
    toks c;
    size_t len = strlen(in);
    assert_int_equal(run(g_an, WD_ANALYZE_INDEX, in, len, &c), WD_OK);
    assert_sane(&c, len);
    out[0] = '\0';
    for (size_t i = 0; i < c.n; i++) {
        if (!(c.t[i].flags & WD_TOKEN_CANONICAL))
            continue;
        assert_true(c.t[i].flags & WD_TOKEN_SUBWORD);
        if (out[0])
            strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, c.t[i].text, cap - strlen(out) - 1);
    }
    toks_free(&c);
    /* query mode (what segmentation is judged on) never has them */
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, in, len, &c), WD_OK);
    for (size_t i = 0; i < c.n; i++)
        assert_false(c.t[i].flags & WD_TOKEN_CANONICAL);
    toks_free(&c);
}

static void test_analyzer__numbers_have_canonical_forms(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* Chinese and Arabic numerals meet */
        { "三十岁", "30 30岁" },
        { "30岁", "30岁" },
        { "三十周岁", "30 30岁" },
        { "一百元", "100 100元" },
        { "100块", "100元" },
        { "100块钱", "100元" },
        { "上午十点", "10点" },
        { "10点", "10点" },
        { "三十个人", "30" },
        { "一千二百三十四", "1234" },
        { "一百零五", "105" },
        { "一万五", "15000" },
        { "两千三百万", "23000000" },
        { "3万", "30000" },
        { "1.5万元", "15000 15000元" },
        { "1,100元", "1100元" },
        { "交了钱，30岁。", "30岁" },
        { "二〇一七", "2017" },
        /* durations across units */
        { "十四天", "14 14天" },
        { "14天", "14天" },
        { "两周", "14天" },
        { "两个星期", "14天" },
        { "2礼拜", "14天" },
        { "一季度", "3个月" },
        { "三个月", "3个月" },
        { "半年", "6个月" },
        { "六个月", "6个月" },
        { "一年", "12个月" },
        { "一年半", "18个月" },
        { "两个半月", "2.5个月" },
        { "半小时", "0.5小时" },
        /* not numbers, not durations */
        { "一般", "" },
        { "统一", "" },
        { "千万不要", "" },
        { "第一周", "" },
        { "三月", "" },
        { "5月14日", "" },
        { "2017年", "" },
        { "二〇一七年", "2017" },
        { "八十年代", "80" },
        { "三年级", "" },
        { "一周年", "" },
        { "三四天", "" },
        { "一块去", "" },
        { "有一点", "" },
        { "h1n1", "" },
        { "2017.06.16", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[256];
        canonical_forms(cases[i].in, got, sizeof got);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s: canonical forms '%s', want '%s'", cases[i].in, got, cases[i].want);
    }
    /* at the position of the word the expression starts in, offsets over
     * the expression */
    toks c;
    const char *in = "要等两周吗";
    assert_int_equal(run(g_an, WD_ANALYZE_INDEX, in, strlen(in), &c), WD_OK);
    size_t k = 0;
    while (k < c.n && !(c.t[k].flags & WD_TOKEN_CANONICAL))
        k++;
    assert_true(k < c.n && k > 0);
    assert_string_equal(c.t[k].text, "14天");
    assert_int_equal(c.t[k].start, strlen("要等"));
    assert_int_equal(c.t[k].end, strlen("要等两周"));
    size_t w = k;
    while (w > 0 && (c.t[w].flags & WD_TOKEN_SUBWORD))
        w--;
    assert_int_equal(c.t[k].pos, c.t[w].pos);
    assert_true(c.t[w].start <= c.t[k].start && c.t[k].start < c.t[w].end);
    toks_free(&c);
}

static void test_analyzer__traditional_matches_simplified(void **state)
{
    (void)state;
    static const char *pairs[][2] = {
        { "低保戶要交醫保嗎", "低保户要交医保吗" },
        { "異地就醫怎麼報銷", "异地就医怎么报销" },
        { "靈活就業醫保會進個人賬戶嗎", "灵活就业医保会进个人账户吗" },
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        toks a, b;
        assert_int_equal(run(g_an, WD_ANALYZE_INDEX, pairs[k][0], strlen(pairs[k][0]), &a), WD_OK);
        assert_int_equal(run(g_an, WD_ANALYZE_INDEX, pairs[k][1], strlen(pairs[k][1]), &b), WD_OK);
        assert_int_equal(a.n, b.n);
        for (size_t i = 0; i < a.n; i++) {
            assert_string_equal(a.t[i].text, b.t[i].text);
            assert_int_equal(a.t[i].pos, b.t[i].pos);
            assert_int_equal(a.t[i].flags, b.t[i].flags);
        }
        toks_free(&a);
        toks_free(&b);
    }
}

static void test_analyzer__long_latin_runs_cut(void **state)
{
    (void)state;
    char in[512];
    memset(in, 'a', 150);
    toks got;
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, in, 150, &got), WD_OK);
    assert_int_equal(got.n, 3);
    static const size_t cuts[][2] = { { 0, 64 }, { 64, 128 }, { 128, 150 } };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(got.t[i].start, cuts[i][0]);
        assert_int_equal(got.t[i].end, cuts[i][1]);
        assert_int_equal(got.t[i].len, cuts[i][1] - cuts[i][0]);
        assert_int_equal(got.t[i].pos, i);
    }
    toks_free(&got);

    /* 2-byte letters: pieces end on code point boundaries. */
    size_t n = 0;
    in[n++] = 'x';
    for (int i = 0; i < 100; i++) {
        in[n++] = (char)0xC3;
        in[n++] = (char)0xA9;
    }
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, in, n, &got), WD_OK);
    assert_int_equal(got.n, 4);
    size_t covered = 0;
    for (size_t i = 0; i < got.n; i++) {
        assert_int_equal(got.t[i].start, covered);
        covered = got.t[i].end;
        assert_true(got.t[i].len <= WD_MAX_WORD_BYTES);
        assert_true(got.t[i].len >= WD_MAX_WORD_BYTES - 1 || i == got.n - 1);
    }
    assert_int_equal(covered, n);
    toks_free(&got);

    /* Digit runs are cut too and every piece stays numeric. */
    memset(in, '7', 200);
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, in, 200, &got), WD_OK);
    assert_int_equal(got.n, 4);
    for (size_t i = 0; i < got.n; i++)
        assert_true(got.t[i].flags & WD_TOKEN_NUMERIC);
    toks_free(&got);
}

static void test_analyzer__empty_input(void **state)
{
    (void)state;
    toks got;
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, "", 0, &got), WD_OK);
    assert_int_equal(got.n, 0);
    assert_int_equal(run(g_an, WD_ANALYZE_INDEX, NULL, 0, &got), WD_OK);
    assert_int_equal(got.n, 0);
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, " ，。！\n\t", strlen(" ，。！\n\t"), &got),
                     WD_OK);
    assert_int_equal(got.n, 0);
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, "\xff\xfe\xfd", 3, &got), WD_OK);
    assert_int_equal(got.n, 0);
}

/* 100,000 characters in one call: the input is cut into chunks inside the
 * analyzer; the segmentation must not depend on where. */
static void test_analyzer__large_input_is_consistent(void **state)
{
    (void)state;
    static const char unit[] = "低保户要交医保吗？"; /* 9 characters, 27 bytes */
    static const char *words[] = { "低保户", "要", "交", "医保", "吗" };
    static const size_t starts[] = { 0, 9, 12, 15, 21 };
    const size_t reps = 100000 / 9 + 1, ul = sizeof unit - 1;
    char *in = malloc(reps * ul);
    assert_non_null(in);
    for (size_t r = 0; r < reps; r++)
        memcpy(in + r * ul, unit, ul);
    toks got;
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, in, reps * ul, &got), WD_OK);
    assert_int_equal(got.n, reps * 5);
    for (size_t i = 0; i < got.n; i++) {
        assert_string_equal(got.t[i].text, words[i % 5]);
        assert_int_equal(got.t[i].start, (i / 5) * ul + starts[i % 5]);
        assert_int_equal(got.t[i].pos, i);
    }
    toks_free(&got);

    /* One 100,000-character ideographic run with no punctuation at all. */
    const size_t n = 100000 * 3;
    for (size_t i = 0; i < n; i += 6)
        memcpy(in + i, "医保", 6);
    assert_int_equal(run(g_an, WD_ANALYZE_INDEX, in, n, &got), WD_OK);
    assert_true(got.n >= 50000);
    assert_sane(&got, n);
    assert_int_equal(got.t[got.n - 1].end, n);
    toks_free(&got);
    free(in);
}

static void test_analyzer__emoji_and_supplementary_no_crash(void **state)
{
    (void)state;
    static const char *inputs[] = {
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7医保", /* ZWJ */
        "\xf0\xa0\x80\x80\xf0\xa0\x80\x81\xf0\xaa\x9a\xb2低保",                  /* Ext B run */
        "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3 flags \xe2\x9d\xa4\xef\xb8\x8f 12333", /* flags, VS16 */
        "\xe3\x8d\xbb\xe3\x88\xb1\xe2\x91\xa0\xef\xbd\xb1\xef\xbd\xb2", /* ㍻㈱①ｱｲ expand */
        "a\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x81 "
        "\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9",
        "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xe3\x81\xb2\xe3\x82\x89\xe3\x81\x8c\xe3\x81\xaa",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        for (int mode = 0; mode <= 1; mode++) {
            toks got;
            assert_int_equal(run(g_an, mode, inputs[k], strlen(inputs[k]), &got), WD_OK);
            assert_sane(&got, strlen(inputs[k]));
            toks_free(&got);
        }
    }
    /* The Ext B run: three single characters, 4 bytes each. */
    toks got;
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, inputs[1], strlen(inputs[1]), &got), WD_OK);
    assert_true(got.n >= 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(got.t[i].start, 4 * i);
        assert_int_equal(got.t[i].end, 4 * i + 4);
        assert_true(got.t[i].flags & WD_TOKEN_CJK);
    }
    toks_free(&got);
}

static void test_analyzer__callback_stop_passed_up(void **state)
{
    (void)state;
    for (int mode = 0; mode <= 1; mode++) {
        toks got;
        memset(&got, 0, sizeof got);
        got.stop_at = 2;
        wd_error err;
        const char *in = "低保户要交医保吗";
        assert_int_equal(wd_analyze(g_an, mode, in, strlen(in), collect, &got, &err), 42);
        assert_int_equal(got.calls, 2);
        toks_free(&got);
    }
}

static void test_analyzer__bad_arguments(void **state)
{
    (void)state;
    wd_error err;
    toks got;
    memset(&got, 0, sizeof got);
    assert_int_equal(wd_analyze(NULL, 0, "a", 1, collect, &got, &err), WD_EINVAL);
    assert_int_equal(wd_analyze(g_an, 7, "a", 1, collect, &got, &err), WD_EINVAL);
    assert_true(strlen(err.message) > 0);
    assert_int_equal(wd_analyze(g_an, 0, "a", 1, NULL, NULL, &err), WD_EINVAL);
    assert_int_equal(wd_analyze(g_an, 0, NULL, 3, collect, &got, NULL), WD_EINVAL);
    wd_analyzer *a = (wd_analyzer *)&got;
    assert_int_equal(wd_analyzer_new(&a, NULL, &err), WD_EINVAL);
    assert_null(a);
    char *out = (char *)"x";
    assert_int_equal(wd_normalize(NULL, "a", 1, &out, NULL, &err), WD_EINVAL);
    assert_null(out);
    wd_dict_free(NULL);
    wd_analyzer_free(NULL);
    assert_int_equal(got.n, 0);
}

static void test_analyzer__normalize(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        { "低保戶ＡＢＣ２０２５", "低保户abc2025" },
        { "醫保\xff嗎", "医保吗" },
        { "Cafe\xcc\x81 Stra\xc3\x9f"
          "e",
          "caf\xc3\xa9 strasse" },
        { "\xe3\x80\x80全角　空格", " 全角 空格" },
        { "", "" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *out = NULL;
        size_t n = 99;
        wd_error err;
        assert_int_equal(wd_normalize(g_an, cases[k][0], strlen(cases[k][0]), &out, &n, &err),
                         WD_OK);
        assert_string_equal(out, cases[k][1]);
        assert_int_equal(n, strlen(cases[k][1]));
        wd_free(out);
    }
}

/* wd_normalize_spans of in is wd_normalize's text with wd_normalize_map's
 * map: given where it is not one to one, left out where it is. Returns
 * whether the map was given. */
static int assert_spans_are_the_map(const char *in)
{
    size_t len = strlen(in), n = 0, tn = 0, gn = 0, ns = 0;
    char *want = NULL, *got = NULL;
    uint32_t *cps = NULL, *spans = NULL;
    size_t *starts = NULL, *ends = NULL;
    assert_int_equal(wd_normalize(g_an, in, len, &want, &tn, NULL), WD_OK);
    assert_int_equal(wd_normalize_map(g_an, in, len, &cps, &starts, &ends, &n, NULL), WD_OK);
    assert_int_equal(wd_normalize_spans(g_an, in, len, &got, &gn, &spans, &ns, NULL), WD_OK);
    assert_int_equal(gn, tn);
    assert_memory_equal(got, want, gn + 1);
    if (spans) {
        assert_int_equal(ns, n);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(spans[2 * k], starts[k]);
            assert_int_equal(spans[2 * k + 1], ends[k]);
        }
    } else { /* code point k came from the k-th of in */
        assert_int_equal(ns, 0);
        size_t p = 0, k = 0;
        for (; k < n; k++) {
            uint32_t c;
            size_t l = wd_utf8_decode(in + p, len - p, &c);
            assert_true(l > 0);
            assert_int_equal(starts[k], p);
            assert_int_equal(ends[k], p + l);
            p += l;
        }
        assert_int_equal(p, len);
    }
    int given = spans != NULL;
    wd_free(want);
    wd_free(got);
    wd_free(cps);
    wd_free(starts);
    wd_free(ends);
    wd_free(spans);
    return given;
}

/* wd_normalize_spans gives the text and the map in one call, the map only
 * for a text where a code point of the result does not come from exactly
 * one of the input in order (a snippet can pair the rest up by decoding). */
static void
test_analyzer__normalize_spans_gives_the_map_only_where_it_is_not_one_to_one(void **state)
{
    (void)state;
    static const char *const one_to_one[] = {
        "",  "低保户要交医保吗", "醫保卡丟了怎麼辦，ＩＣ卡？", "ABC def。",
        "µ", "\xf0\x9f\x98\x80", "\xe2\x91\xa0" /* ① */,
    };
    for (size_t k = 0; k < sizeof one_to_one / sizeof *one_to_one; k++)
        if (assert_spans_are_the_map(one_to_one[k]))
            fail_msg("a map for \"%s\", which is one to one", one_to_one[k]);
    static const char *const mapped[] = {
        "保费…医保", "38℃",          "90㎡",     "cafe\xcc\x81", "e\xcc\x81医保",
        "医\xff保",  "医保\xe4\xbd", "\xc2\xad", "\xef\xac\x81", "ß",
    };
    for (size_t k = 0; k < sizeof mapped / sizeof *mapped; k++)
        if (!assert_spans_are_the_map(mapped[k]))
            fail_msg("no map for \"%s\", which is not one to one", mapped[k]);
    /* Past a chunk (WD_CHUNK_MAX): offsets count from the whole text. */
    wd_buf big = WD_BUF_INIT;
    while (big.len < 300 * 1024)
        wd_buf_puts(&big, "医保卡丢了怎么办。");
    wd_buf_puts(&big, "38℃");
    assert_false(big.oom);
    assert_true(assert_spans_are_the_map(big.data));
    wd_buf_free(&big);
    uint32_t *spans = (uint32_t *)1;
    char *out = (char *)1;
    size_t n = 1, ns = 1;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_normalize_spans(g_an, NULL, 3, &out, &n, &spans, &ns, &err), WD_EINVAL);
    assert_null(out);
    assert_null(spans);
    assert_non_null(strstr(err.message, "wd_normalize_spans"));
}

/* wd_normalize copies the bytes of a chunk that normalise to themselves and
 * maps the rest in one pass, or, for a chunk with a code point ICU must
 * normalise, maps each code point (as wd_normalize_map does): the same text
 * either way, with each kind of code point anywhere among plain ones. */
static void test_analyzer__normalize_is_the_code_points_normalised(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "A",
        "醫",
        "Ｚ",
        "，",
        "\xe3\x80\x80",
        "e\xcc\x81",
        "\xcc\x81",
        "\xff",
        "\xe5\x8c",
        "\xe2\x91\xa0", /* ① */
        "\xc3\x9f",
        "\xf0\x9f\x98\x80",
        "ß",
        "\xef\xac\x81", /* ﬁ */
        "\xed\xa0\x80", /* a surrogate */
        "\xe0\x80\x80", /* overlong */
        "\xe4\xbd",     /* cut short */
        "\xc2\xad",     /* a soft hyphen */
    };
    static const char *const plain[] = { "abc defg hij", "低保户要交医保吗", "a低b保c" };
    for (size_t k = 0; k < sizeof odd / sizeof *odd; k++)
        for (size_t p = 0; p < sizeof plain / sizeof *plain; p++)
            for (size_t at = 0; at <= strlen(plain[p]); at++) {
                char in[96];
                snprintf(in, sizeof in, "%.*s%s%s%s", (int)at, plain[p], odd[k], plain[p] + at,
                         odd[(k + 1) % (sizeof odd / sizeof *odd)]);
                char *got = NULL;
                size_t gn = 0, n = 0;
                assert_int_equal(wd_normalize(g_an, in, strlen(in), &got, &gn, NULL), WD_OK);
                uint32_t *cps = NULL;
                size_t *starts = NULL, *ends = NULL;
                assert_int_equal(
                    wd_normalize_map(g_an, in, strlen(in), &cps, &starts, &ends, &n, NULL), WD_OK);
                wd_buf want = WD_BUF_INIT;
                for (size_t i = 0; i < n; i++) {
                    char e[4];
                    wd_buf_append(&want, e, wd_utf8_encode(cps[i], e));
                }
                assert_int_equal(gn, want.len);
                assert_memory_equal(got, want.data ? want.data : "", gn + 1);
                assert_spans_are_the_map(in);
                wd_buf_free(&want);
                wd_free(cps);
                wd_free(starts);
                wd_free(ends);
                wd_free(got);
            }
}

static int count_token(void *ctx, const wd_token *t)
{
    (void)t;
    ++*(size_t *)ctx;
    return 0;
}

/* The background model: common words are likelier than topic words, and a
 * word the general list lacks is the rarest of all. */
static void test_analyzer__general_logp_orders_common_before_rare(void **state)
{
    (void)state;
    double de = wd_dict_general_logp(g_dict, "的", strlen("的"));
    double prepare = wd_dict_general_logp(g_dict, "准备", strlen("准备"));
    double study = wd_dict_general_logp(g_dict, "留学", strlen("留学"));
    double none = wd_dict_general_logp(g_dict, "灵活就业医保", strlen("灵活就业医保"));
    assert_true(none < 0 && de < 0);
    if (have_general()) {
        assert_true(de > prepare);
        assert_true(prepare > study);
        assert_true(study > none);
    }
    assert_true(wd_dict_general_logp(g_dict, "x9", 2) == none); /* unknown: the floor */
}

static void test_analyzer__token_source_names(void **state)
{
    (void)state;
    assert_string_equal(wd_token_source_name(WD_SRC_DOMAIN), "domain");
    assert_string_equal(wd_token_source_name(WD_SRC_HMM), "hmm");
    assert_string_equal(wd_token_source_name(WD_SRC_NONE), "other");
    assert_string_equal(wd_token_source_name(99), "other");
}

/* One pass gives the words and the normalised text; the text is exactly
 * wd_normalize's, over chunk boundaries of a long input too. */
static void test_analyzer__analyze_norm_gives_the_normalised_text(void **state)
{
    (void)state;
    static const char *cases[] = { "低保戶ＡＢＣ２０２５", "醫保\xff嗎", "\xe3\x80\x80全角　空格",
                                   "", "……！？" };
    const size_t big = 200000;
    char *longtext = malloc(big + 1);
    assert_non_null(longtext);
    for (size_t i = 0; i + 27 <= big; i += 27)
        memcpy(longtext + i, "醫保卡裡的錢能取出來嗎？\n", 27);
    longtext[big - big % 27] = '\0';
    for (size_t k = 0; k <= sizeof cases / sizeof *cases; k++) {
        const char *in = k < sizeof cases / sizeof *cases ? cases[k] : longtext;
        char *want = NULL;
        size_t wn = 0, tokens = 0, plain = 0;
        assert_int_equal(wd_normalize(g_an, in, strlen(in), &want, &wn, NULL), WD_OK);
        wd_buf got = WD_BUF_INIT;
        assert_int_equal(wd_analyze_norm(g_an, WD_ANALYZE_INDEX, in, strlen(in), count_token,
                                         &tokens, &got, NULL),
                         WD_OK);
        assert_non_null(got.data);
        assert_int_equal(got.len, wn);
        assert_memory_equal(got.data, want, wn);
        assert_int_equal(
            wd_analyze(g_an, WD_ANALYZE_INDEX, in, strlen(in), count_token, &plain, NULL), WD_OK);
        assert_int_equal(tokens, plain); /* the same tokens as without it */
        wd_buf_free(&got);
        wd_free(want);
    }
    free(longtext);
}

static void test_analyzer__dictionary_layer_off_is_icu(void **state)
{
    (void)state;
    wd_error err;
    wd_analyzer *a;
    assert_int_equal(wd_analyzer_new(&a, g_dict, &err), WD_OK);
    wd_analyzer_set_dictionary_layer(a, 0);
    toks got;
    const char *in = "低保户要交医保吗 2025";
    assert_int_equal(run(a, WD_ANALYZE_QUERY, in, strlen(in), &got), WD_OK);
    /* ICU 72 has none of these domain words: one token per character. */
    assert_int_equal(got.n, 9);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(got.t[i].src, WD_SRC_ICU);
        assert_int_equal(got.t[i].start, 3 * i);
    }
    assert_string_equal(got.t[8].text, "2025");
    toks_free(&got);
    wd_analyzer_set_dictionary_layer(a, 1);
    assert_int_equal(run(a, WD_ANALYZE_QUERY, in, strlen(in), &got), WD_OK);
    assert_int_equal(got.n, 6);
    toks_free(&got);
    wd_analyzer_free(a);
}

/* ---- dictionaries ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void make_dir(char *tmpl, const char *lexicon, const char *stop, const char *syn,
                     const char *user)
{
    strcpy(tmpl, "/tmp/wd_dict_test_XXXXXX");
    assert_non_null(mkdtemp(tmpl));
    if (lexicon)
        write_file(tmpl, "lexicon.txt", lexicon);
    if (stop)
        write_file(tmpl, "stopwords.txt", stop);
    if (syn)
        write_file(tmpl, "synonyms.txt", syn);
    if (user)
        write_file(tmpl, "user.txt", user);
}

static void remove_dir(const char *dir)
{
    static const char *names[] = { "lexicon.txt", "stopwords.txt", "synonyms.txt", "user.txt" };
    char path[512];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void test_analyzer__load_missing_dir_not_found(void **state)
{
    (void)state;
    wd_dict *d = (wd_dict *)&d;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_dict_load(&d, "/nonexistent/wenda/dict", &err), WD_ENOTFOUND);
    assert_null(d);
    assert_int_equal(err.code, WD_ENOTFOUND);
    assert_non_null(strstr(err.message, "/nonexistent/wenda/dict"));
    assert_int_equal(wd_dict_load(NULL, NULL, &err), WD_EINVAL);
}

static void test_analyzer__load_bad_line_names_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *lexicon, *stop, *syn, *user, *where;
    } cases[] = {
        { "# comment\n医保 100\n\n低保 abc\n", NULL, NULL, NULL, "lexicon.txt:4" },
        { "医保 1 n extra\n", NULL, NULL, NULL, "lexicon.txt:1" },
        { NULL, "吗\n怎么 办\n", NULL, NULL, "stopwords.txt:2" },
        { NULL, NULL, "医保 医疗保险\n孤单\n", NULL, "synonyms.txt:2" },
        { NULL, NULL, NULL, "好词\n坏\xff词\n", "user.txt:2" },
        { NULL, NULL, NULL, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十\n",
          "user.txt:1" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char dir[64];
        make_dir(dir, cases[k].lexicon, cases[k].stop, cases[k].syn, cases[k].user);
        wd_dict *d = (wd_dict *)&d;
        wd_error err;
        wd_error_clear(&err);
        assert_int_equal(wd_dict_load(&d, dir, &err), WD_EFORMAT);
        assert_null(d);
        assert_int_equal(err.code, WD_EFORMAT);
        if (!strstr(err.message, cases[k].where))
            fail_msg("message '%s' does not name %s", err.message, cases[k].where);
        remove_dir(dir);
    }
}

static void test_analyzer__user_overlay_makes_word_whole(void **state)
{
    (void)state;
    const char *in = "保泰通怎么用";
    toks got;
    assert_int_equal(run(g_an, WD_ANALYZE_QUERY, in, strlen(in), &got), WD_OK);
    /* unknown: at most the HMM's guess, never a lexicon word */
    assert_true(strcmp(got.t[0].text, "保泰通") != 0 || got.t[0].src == WD_SRC_HMM);
    toks_free(&got);

    char dir[64];
    make_dir(dir, NULL, NULL, NULL, "# my words\n保泰通\n醫保碼 500\n");
    wd_dict *d;
    wd_analyzer *a;
    wd_error err;
    assert_int_equal(wd_dict_load(&d, dir, &err), WD_OK);
    assert_true(wd_dict_size(d) >= wd_dict_size(g_dict) + 1); /* 保泰通 is new */
    assert_int_equal(wd_analyzer_new(&a, d, &err), WD_OK);
    static const seg_case cases[] = {
        { "保泰通怎么用",
          WD_ANALYZE_INDEX,
          { { "保泰通", 0, 9, 0, C, WD_SRC_USER },
            { "保泰", 0, 6, 0, C | SW, WD_SRC_CHAR }, /* no known sub-word: bigrams */
            { "泰通", 3, 9, 0, C | SW, WD_SRC_CHAR },
            { "怎么", 9, 15, 1, C | S, ANY },
            { "用", 15, 18, 2, C | ANYSTOP, ANY },
            { NULL, 0, 0, 0, 0, 0 } } },
        /* user.txt is normalised: a Traditional entry matches either script */
        { "医保码",
          WD_ANALYZE_QUERY,
          { { "医保码", 0, 9, 0, C, WD_SRC_USER }, { NULL, 0, 0, 0, 0, 0 } } },
    };
    wd_analyzer *saved = g_an;
    g_an = a;
    check_table(cases, sizeof cases / sizeof cases[0]);
    g_an = saved;
    /* The built-in domain lexicon is still there. */
    assert_int_equal(run(a, WD_ANALYZE_QUERY, "低保户", strlen("低保户"), &got), WD_OK);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.t[0].src, WD_SRC_DOMAIN);
    toks_free(&got);
    wd_analyzer_free(a);
    wd_dict_free(d);
    remove_dir(dir);
}

static void test_analyzer__replacement_files(void **state)
{
    (void)state;
    char dir[64];
    make_dir(dir, "保泰通 100\n", "通\n", "甲 乙 丙\n乙 丁\n", NULL);
    wd_dict *d;
    wd_analyzer *a;
    wd_error err;
    assert_int_equal(wd_dict_load(&d, dir, &err), WD_OK);
    /* the built-in stop list and lexicon are replaced; synonyms are added */
    assert_true(wd_dict_is_stopword(d, "通", strlen("通")));
    assert_false(wd_dict_is_stopword(d, "吗", strlen("吗")));
    assert_int_equal(wd_analyzer_new(&a, d, &err), WD_OK);
    toks got;
    assert_int_equal(run(a, WD_ANALYZE_QUERY, "保泰通", strlen("保泰通"), &got), WD_OK);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.t[0].src, WD_SRC_DOMAIN);
    toks_free(&got);
    /* synonyms: the union of the groups, without the word itself */
    const char *const *syn;
    size_t n = wd_dict_synonyms(d, "乙", strlen("乙"), &syn);
    assert_int_equal(n, 3);
    assert_string_equal(syn[0], "甲");
    assert_string_equal(syn[1], "丙");
    assert_string_equal(syn[2], "丁");
    assert_int_equal(wd_dict_synonyms(d, "丁", strlen("丁"), &syn), 1);
    assert_string_equal(syn[0], "乙");
    assert_true(wd_dict_synonyms(d, "医保", strlen("医保"), &syn) >= 1);
    wd_analyzer_free(a);
    wd_dict_free(d);
    remove_dir(dir);
}

/* A synonym group makes no word and changes no version: a member the
 * analyzer splits stays split (an index built before the group holds it
 * so) and is handed out with its parts, which the query side matches in
 * sequence; the built-in groups stay. */
static void test_analyzer__a_synonym_group_makes_no_word(void **state)
{
    (void)state;
    char dir[64];
    make_dir(dir, NULL, NULL, "醉驾 醉酒驾驶\n", NULL);
    wd_dict *d;
    wd_analyzer *a;
    wd_error err;
    assert_int_equal(wd_dict_load(&d, dir, &err), WD_OK);
    assert_string_equal(wd_dict_version(d), wd_dict_version(g_dict));
    assert_int_equal(wd_dict_size(d), wd_dict_size(g_dict));
    const char *const *syn;
    assert_int_equal(wd_dict_synonyms(d, "醉驾", strlen("醉驾"), &syn), 1);
    assert_string_equal(syn[0], "醉酒驾驶");
    const char *const *parts;
    assert_int_equal(wd_dict_synonym_parts(d, syn[0], strlen(syn[0]), &parts), 2);
    assert_string_equal(parts[0], "醉酒");
    assert_string_equal(parts[1], "驾驶");
    /* the analyzer splits it as before the group */
    assert_int_equal(wd_analyzer_new(&a, d, &err), WD_OK);
    toks got;
    assert_int_equal(run(a, WD_ANALYZE_QUERY, "醉酒驾驶", strlen("醉酒驾驶"), &got), WD_OK);
    assert_int_equal(got.n, 2);
    toks_free(&got);
    /* one-word members have no parts; the built-in groups are all there */
    assert_int_equal(wd_dict_synonym_parts(d, "医疗保险", strlen("医疗保险"), &parts), 0);
    assert_null(parts);
    size_t nb = wd_dict_synonyms(g_dict, "医保", strlen("医保"), &syn);
    assert_true(nb >= 1);
    assert_int_equal(wd_dict_synonyms(d, "医保", strlen("医保"), &syn), nb);
    for (size_t i = 0; i < nb; i++)
        assert_int_equal(wd_dict_synonym_parts(g_dict, syn[i], strlen(syn[i]), &parts), 0);
    wd_analyzer_free(a);
    wd_dict_free(d);
    remove_dir(dir);
}

static void test_analyzer__synonyms_lookup(void **state)
{
    (void)state;
    const char *const *syn = NULL;
    size_t n = wd_dict_synonyms(g_dict, "医保", strlen("医保"), &syn);
    assert_true(n >= 1);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(syn[i], "医保");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(syn[i], syn[j]);
        found |= strcmp(syn[i], "医疗保险") == 0;
    }
    assert_true(found);
    assert_int_equal(wd_dict_synonyms(g_dict, "不存在的词", strlen("不存在的词"), &syn), 0);
    assert_null(syn);
    assert_true(wd_dict_is_stopword(g_dict, "吗", strlen("吗")));
    assert_false(wd_dict_is_stopword(g_dict, "医保", strlen("医保")));
}

static void test_analyzer__version_stable_and_content_derived(void **state)
{
    (void)state;
    wd_dict *a, *b, *c;
    wd_error err;
    assert_int_equal(wd_dict_load(&a, NULL, &err), WD_OK);
    assert_int_equal(wd_dict_load(&b, NULL, &err), WD_OK);
    const char *v = wd_dict_version(a);
    assert_int_equal(strlen(v), 15);
    assert_memory_equal(v, "d1-", 3);
    assert_string_equal(v, wd_dict_version(b));
    assert_string_equal(v, wd_dict_version(g_dict));
    char dir[64];
    make_dir(dir, NULL, NULL, NULL, "保泰通\n");
    assert_int_equal(wd_dict_load(&c, dir, &err), WD_OK);
    assert_string_not_equal(v, wd_dict_version(c));
    wd_dict_free(c);
    write_file(dir, "user.txt", "保泰通 2\n");
    assert_int_equal(wd_dict_load(&c, dir, &err), WD_OK);
    assert_string_not_equal(v, wd_dict_version(c));
    char v2[32];
    strcpy(v2, wd_dict_version(c));
    wd_dict_free(c);
    assert_int_equal(wd_dict_load(&c, dir, &err), WD_OK);
    assert_string_equal(v2, wd_dict_version(c));
    wd_dict_free(c);
    /* a user.txt emptied of its words (wenda dict remove) is as none */
    write_file(dir, "user.txt", "# my words\n\n");
    assert_int_equal(wd_dict_load(&c, dir, &err), WD_OK);
    assert_string_equal(v, wd_dict_version(c));
    wd_dict_free(c);
    remove_dir(dir);
    wd_dict_free(a);
    wd_dict_free(b);
}

static void test_analyzer__wenda_dict_env_overlay(void **state)
{
    (void)state;
    char dir[64];
    make_dir(dir, NULL, NULL, NULL, "保泰通\n");
    wd_dict *d;
    wd_error err;
    assert_int_equal(setenv("WENDA_DICT", dir, 1), 0);
    assert_int_equal(wd_dict_load(&d, NULL, &err), WD_OK);
    assert_int_equal(wd_dict_size(d), wd_dict_size(g_dict) + 1);
    wd_dict_free(d);
    assert_int_equal(setenv("WENDA_DICT", "/nonexistent/wenda", 1), 0);
    d = (wd_dict *)&d;
    assert_int_equal(wd_dict_load(&d, NULL, &err), WD_ENOTFOUND);
    assert_null(d);
    assert_non_null(strstr(err.message, "WENDA_DICT"));
    unsetenv("WENDA_DICT");
    remove_dir(dir);
}

/* Pieces of the inputs below: every kind of character next to which a run
 * of ideographs may or may not be planned without ICU (analyzer.c,
 * plan_runs), and the rules that read across a run's edges. */
static const char *const mixed_pieces[] = {
    "中华人民共和国",
    "保险",
    "理赔",
    "医疗",
    "条例",
    "第三十二条",
    "的",
    "了",
    "吗",
    "不",
    "犇",
    "㐀",
    "䶵",
    "䶶",
    "䶿",
    "鿪",
    "鿫",
    "鿿",
    "國語",
    "醫療機構",
    "賠償",
    "a",
    "Z",
    "0",
    "9",
    "h1n1",
    " ",
    "\t",
    "\n",
    "\r\n",
    "_",
    ".",
    ",",
    ":",
    ";",
    "'",
    "\"",
    "-",
    "~",
    "%",
    "/",
    "@",
    "(",
    ")",
    "、",
    "。",
    "《",
    "》",
    "「",
    "」",
    "【",
    "】",
    "〔",
    "〗",
    "—",
    "‘",
    "’",
    "“",
    "”",
    "Ａ",
    "ｂ",
    "１",
    "，",
    "。",
    "！",
    "？",
    "（",
    "％",
    "～",
    "…",
    "·",
    "×",
    "①",
    "℃",
    "№",
    "〇",
    "々",
    "〆",
    "〡",
    "〸",
    "⺀",
    "⼀",
    "\xe3\x80\x80",
    "\xc2\xa0",
    "\xe2\x80\x8b",
    "あ",
    "ア",
    "ー",
    "ｱ",
    "ﾞ",
    "\xcc\x81",
    "\xe2\x83\x9d",
    "\xe2\x80\x8d",
    "\xe2\x80\x8c",
    "\xe2\x81\xa0",
    "\xef\xb8\x8f",
    "\xc2\xad",
    "😀",
    "👍🏽",
    "🇨🇳",
    "𠀀",
    "𪛟",
    "\xf0\xaa\x9b\xa0",
    "豈",
    "﨎",
    "\xee\x80\x80",
    "三十岁",
    "两周",
    "1.5万元",
    "2-3",
    "37.5-39",
    "2017-06-16",
    "40%",
    "0.3cm",
    "二〇一七年",
    "3万",
    "한국",
    "Привет",
    "\x80",
    "\xe4\xb8",
    "\xff",
    "低保户",
    "居民医保",
    "保泰通",
};

static void assert_same_tokens(const toks *a, const toks *b, const char *in)
{
    if (a->n != b->n)
        fail_msg("%zu tokens planned, %zu through ICU, for \"%s\"", a->n, b->n, in);
    for (size_t i = 0; i < a->n; i++) {
        const tok *x = &a->t[i], *y = &b->t[i];
        if (strcmp(x->text, y->text) || x->start != y->start || x->end != y->end ||
            x->pos != y->pos || x->flags != y->flags || x->src != y->src)
            fail_msg("token %zu of \"%s\": planned %s %zu-%zu, through ICU %s %zu-%zu", i, in,
                     x->text, x->start, x->end, y->text, y->start, y->end);
    }
}

/* Runs of ideographs planned without ICU give what the whole text through
 * ICU's word break iterator gives, token for token, in both modes: fixed
 * cases, then pseudo-random mixtures of the pieces above. */
static void test_analyzer__planned_runs_give_what_icu_gives(void **state)
{
    (void)state;
    static const char *const fixed[] = {
        "保险公司不赔怎么办？",
        "上海口岸服务条例 第一条：为了规范口岸开放，提高口岸通关效率。",
        "犇犇犇，鿫鿫中文。",
        "中文_abc中文.中文'中文",
        "中\xcc\x81文",
        "中文\xe2\x80\x8d中文",
        "ア中文ー中文",
        "〇中文々中文",
        "中文\xee\x80\x80中文",
        "3万元2-3天，中文40%中文",
    };
    wd_analyzer *slow = NULL;
    wd_error err;
    assert_int_equal(wd_analyzer_new(&slow, g_dict, &err), WD_OK);
    wd_analyzer_set_planning(slow, 0);
    uint32_t seed = 18;
    size_t npieces = sizeof mixed_pieces / sizeof *mixed_pieces;
    for (size_t k = 0; k < 4000; k++) {
        char in[1024];
        size_t len = 0;
        if (k < sizeof fixed / sizeof *fixed) {
            len = strlen(fixed[k]);
            memcpy(in, fixed[k], len + 1);
        } else {
            size_t n = 1 + (k % 24);
            for (size_t p = 0; p < n; p++) {
                seed = seed * 1103515245u + 12345u;
                /* ideographs half of the time, so that runs are common */
                const char *piece = (seed >> 16) % 2 ? mixed_pieces[(seed >> 8) % 21]
                                                     : mixed_pieces[(seed >> 8) % npieces];
                size_t l = strlen(piece);
                memcpy(in + len, piece, l);
                len += l;
            }
            in[len] = '\0';
        }
        for (int mode = WD_ANALYZE_QUERY; mode <= WD_ANALYZE_INDEX; mode++) {
            toks a, b;
            assert_int_equal(run(g_an, mode, in, len, &a), WD_OK);
            assert_int_equal(run(slow, mode, in, len, &b), WD_OK);
            assert_same_tokens(&a, &b, in);
            toks_free(&a);
            toks_free(&b);
        }
    }
    wd_analyzer_free(slow);
}

/* The dictionary's child index finds what the trie's binary search finds:
 * every child of every one-character node, and no child where there is
 * none. */
static void test_analyzer__child_index_agrees_with_the_trie(void **state)
{
    (void)state;
    if (!have_general())
        skip();
    for (uint32_t v = 1; v <= wd_gd_nchars; v++) {
        for (uint32_t c = wd_gd_first[v]; c < wd_gd_first[v + 1]; c++)
            assert_int_equal(wd_dict_child(g_dict, v, wd_gd_label[c]), c);
        for (uint32_t id = v % 97 + 1; id <= wd_gd_nchars; id += 997)
            assert_int_equal(wd_dict_child(g_dict, v, id), wd_gd_child(v, id));
    }
    for (uint32_t v = wd_gd_nchars + 1; v < wd_gd_nnodes; v += 101)
        for (uint32_t c = wd_gd_first[v]; c < wd_gd_first[v + 1]; c++)
            assert_int_equal(wd_dict_child(g_dict, v, wd_gd_label[c]), c);
}

/* Every key of the loaded words, prefixes and stop words passes the
 * analyzer's filters of first code points. */
static void test_analyzer__key_filters_pass_every_key(void **state)
{
    (void)state;
    const wd_strtab *t = &g_dict->tab;
    assert_true(t->n > 0);
    for (size_t k = 0; k < t->n; k++) {
        const wd_strent *e = &t->ent[k];
        uint32_t c = 0;
        assert_true(wd_utf8_decode(wd_strtab_key(t, e), e->len, &c) > 0);
        if (e->flags & (WD_ENT_WORD | WD_ENT_PREFIX))
            assert_true(wd_dict_may_start(g_dict->wstart, g_dict->all_wstart, c));
        if (e->flags & WD_ENT_STOP)
            assert_true(wd_dict_may_start(g_dict->sstart, g_dict->all_sstart, c));
    }
    /* and a character that starts none of them does not */
    uint32_t x = 0x9F98; /* 龘 */
    assert_false(wd_dict_may_start(g_dict->sstart, g_dict->all_sstart, x));
}

/* ICU's word break iterator alone: its word segments counted, the
 * analyzer's iterator usable afterwards, bad arguments refused. */
static void test_analyzer__icu_words_counts_icu_words(void **state)
{
    (void)state;
    const char *in = "hello, world 42";
    toks before, after;
    assert_int_equal(run(g_an, WD_ANALYZE_INDEX, in, strlen(in), &before), WD_OK);
    size_t n = 99;
    wd_error err;
    assert_int_equal(wd_analyzer_icu_words(g_an, in, strlen(in), &n, &err), WD_OK);
    assert_int_equal(n, 3);
    assert_int_equal(wd_analyzer_icu_words(g_an, "", 0, &n, &err), WD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(wd_analyzer_icu_words(g_an, "中文分词", strlen("中文分词"), &n, &err), WD_OK);
    assert_true(n >= 1 && n <= 4);
    assert_int_equal(run(g_an, WD_ANALYZE_INDEX, in, strlen(in), &after), WD_OK);
    assert_same_tokens(&before, &after, in);
    toks_free(&before);
    toks_free(&after);
    n = 99;
    assert_int_equal(wd_analyzer_icu_words(NULL, in, 1, &n, &err), WD_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(wd_analyzer_icu_words(g_an, NULL, 1, &n, &err), WD_EINVAL);
    assert_int_equal(wd_analyzer_icu_words(g_an, in, 1, NULL, &err), WD_EINVAL);
}

/* Fail the n-th allocation for n = 0, 1, ... until the whole pipeline runs
 * without hitting the failure: each run must fail cleanly (ASan/LSan check
 * the "cleanly"). */
static long alloc_count, fail_at;

static int fail_nth(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return alloc_count++ == fail_at;
}

static int pipeline(const char *dir)
{
    wd_dict *d = NULL;
    wd_analyzer *a = NULL;
    wd_error err;
    toks got;
    memset(&got, 0, sizeof got);
    char *norm = NULL;
    int rc = wd_dict_load(&d, dir, &err);
    if (rc == WD_OK)
        rc = wd_analyzer_new(&a, d, &err);
    if (rc == WD_OK) {
        const char *in = "低保戶要交醫保嗎？ABC 12333 保泰通 居民医保 \xf0\xa0\x80\x80";
        rc = wd_analyze(a, WD_ANALYZE_INDEX, in, strlen(in), collect, &got, &err);
        if (rc == WD_OK)
            rc = wd_normalize(a, in, strlen(in), &norm, NULL, &err);
    }
    if (rc != WD_OK) {
        assert_int_equal(rc, WD_ENOMEM);
        assert_int_equal(err.code, WD_ENOMEM);
    } else {
        assert_true(got.n > 0);
        assert_non_null(norm);
    }
    if (rc == WD_OK)
        assert_non_null(d);
    wd_free(norm);
    toks_free(&got);
    wd_analyzer_free(a);
    wd_dict_free(d);
    return rc;
}

static void test_analyzer__allocation_failures_fail_cleanly(void **state)
{
    (void)state;
    char dir[64];
    make_dir(dir, "保泰通 100\n医保\n", NULL, "医保 医疗保险\n", "居民医保\n");
    for (int which = 0; which < 2; which++) {
        for (fail_at = 0;; fail_at++) {
            alloc_count = 0;
            wd_alloc_set_fail_hook(fail_nth, NULL);
            int rc = pipeline(which ? dir : NULL);
            wd_alloc_set_fail_hook(NULL, NULL);
            if (alloc_count <= fail_at) {
                assert_int_equal(rc, WD_OK);
                break;
            }
            assert_int_equal(rc, WD_ENOMEM);
        }
        assert_true(fail_at > 5);
    }
    remove_dir(dir);
}

static int setup(void **state)
{
    (void)state;
    unsetenv("WENDA_DICT");
    wd_error err;
    if (wd_dict_load(&g_dict, NULL, &err) != WD_OK) {
        fprintf(stderr, "wd_dict_load: %s\n", err.message);
        return -1;
    }
    if (wd_analyzer_new(&g_an, g_dict, &err) != WD_OK) {
        fprintf(stderr, "wd_analyzer_new: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wd_analyzer_free(g_an);
    wd_dict_free(g_dict);
    u_cleanup(); /* ICU's caches, so LeakSanitizer sees only ours */
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyzer__segments_examples),
        cmocka_unit_test(test_analyzer__numbers_units_and_symbols),
        cmocka_unit_test(test_analyzer__unknown_words_and_long_words),
        cmocka_unit_test(test_analyzer__index_mode_subwords_same_position),
        cmocka_unit_test(test_analyzer__numbers_have_canonical_forms),
        cmocka_unit_test(test_analyzer__traditional_matches_simplified),
        cmocka_unit_test(test_analyzer__long_latin_runs_cut),
        cmocka_unit_test(test_analyzer__empty_input),
        cmocka_unit_test(test_analyzer__large_input_is_consistent),
        cmocka_unit_test(test_analyzer__emoji_and_supplementary_no_crash),
        cmocka_unit_test(test_analyzer__callback_stop_passed_up),
        cmocka_unit_test(test_analyzer__bad_arguments),
        cmocka_unit_test(test_analyzer__normalize),
        cmocka_unit_test(test_analyzer__normalize_is_the_code_points_normalised),
        cmocka_unit_test(
            test_analyzer__normalize_spans_gives_the_map_only_where_it_is_not_one_to_one),
        cmocka_unit_test(test_analyzer__analyze_norm_gives_the_normalised_text),
        cmocka_unit_test(test_analyzer__token_source_names),
        cmocka_unit_test(test_analyzer__general_logp_orders_common_before_rare),
        cmocka_unit_test(test_analyzer__dictionary_layer_off_is_icu),
        cmocka_unit_test(test_analyzer__planned_runs_give_what_icu_gives),
        cmocka_unit_test(test_analyzer__child_index_agrees_with_the_trie),
        cmocka_unit_test(test_analyzer__key_filters_pass_every_key),
        cmocka_unit_test(test_analyzer__icu_words_counts_icu_words),
        cmocka_unit_test(test_analyzer__load_missing_dir_not_found),
        cmocka_unit_test(test_analyzer__load_bad_line_names_file_and_line),
        cmocka_unit_test(test_analyzer__user_overlay_makes_word_whole),
        cmocka_unit_test(test_analyzer__replacement_files),
        cmocka_unit_test(test_analyzer__synonyms_lookup),
        cmocka_unit_test(test_analyzer__a_synonym_group_makes_no_word),
        cmocka_unit_test(test_analyzer__version_stable_and_content_derived),
        cmocka_unit_test(test_analyzer__wenda_dict_env_overlay),
        cmocka_unit_test(test_analyzer__allocation_failures_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
