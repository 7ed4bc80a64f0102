/*
 * qkind.c - what a question asks (qkind.h): a table of the patterns that
 * say which kind of question a text asks, the negation words, and the scan
 * that finds them and the numbers in a normalised text.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "qkind.h"
#include "wenda/buf.h"
#include "wenda/error.h"

enum qtype {
    QT_COST = 1u << 0,
    QT_YESNO = 1u << 1,
    QT_HOW = 1u << 2,
    QT_TODO = 1u << 3,
    QT_WHEN = 1u << 4,
    QT_WHERE = 1u << 5,
    QT_WHY = 1u << 6,
    QT_WHAT = 1u << 7,
    QT_WHICH = 1u << 8,
    QT_DIFF = 1u << 9,
    QT_AMOUNT = 1u << 10,
    QT_WHO = 1u << 11,
    QT_CAN = 1u << 12,
    QT_SIGN = 1u << 13,   /* symptoms, signs, what it looks like */
    QT_EFFECT = 1u << 14, /* what it does, is it effective */
    QT_HARM = 1u << 15,   /* side effects, harm, sequelae */
    QT_CARE = 1u << 16    /* what to watch, eat, avoid */
};

/* What a question asks, as opposed to what it is about. Longest patterns
 * first where one contains another; the first pattern that matches at a
 * position takes it. The words of a matched pattern count for the kind of
 * question (type_same / type_diff), not for word coverage. */
static const struct {
    const char *pat;
    unsigned type;
} QPATTERNS[] = {
    { "多少钱", QT_COST },   { "什么价", QT_COST },    { "价格", QT_COST },
    { "价钱", QT_COST },     { "贵不贵", QT_COST },    { "贵吗", QT_COST },
    { "花多少", QT_COST },   { "什么时候", QT_WHEN },  { "何时", QT_WHEN },
    { "多久", QT_WHEN },     { "多长时间", QT_WHEN },  { "几天", QT_WHEN },
    { "几号", QT_WHEN },     { "几点", QT_WHEN },      { "哪天", QT_WHEN },
    { "几月", QT_WHEN },     { "哪一年", QT_WHEN },    { "什么地方", QT_WHERE },
    { "哪里", QT_WHERE },    { "哪儿", QT_WHERE },     { "在哪", QT_WHERE },
    { "去哪", QT_WHERE },    { "何处", QT_WHERE },     { "怎么回事", QT_WHY },
    { "怎么了", QT_WHY },    { "为什么", QT_WHY },     { "为何", QT_WHY },
    { "为啥", QT_WHY },      { "什么原因", QT_WHY },   { "原因", QT_WHY },
    { "病因", QT_WHY },      { "诱因", QT_WHY },       { "怎么会", QT_WHY },
    { "怎么引起", QT_WHY },  { "什么引起", QT_WHY },   { "引起", QT_WHY },
    { "怎么造成", QT_WHY },  { "造成", QT_WHY },       { "导致", QT_WHY },
    { "怎么办", QT_TODO },   { "咋办", QT_TODO },      { "如何是好", QT_TODO },
    { "如何处理", QT_TODO }, { "怎么处理", QT_TODO },  { "怎么治", QT_TODO },
    { "如何治", QT_TODO },   { "怎样治", QT_TODO },    { "治疗", QT_TODO },
    { "怎么缓解", QT_TODO }, { "缓解", QT_TODO },      { "怎么做", QT_TODO },
    { "什么药", QT_TODO },   { "啥药", QT_TODO },      { "症状", QT_SIGN },
    { "表现", QT_SIGN },     { "特征", QT_SIGN },      { "征兆", QT_SIGN },
    { "迹象", QT_SIGN },     { "副作用", QT_HARM },    { "不良反应", QT_HARM },
    { "后遗症", QT_HARM },   { "危害", QT_HARM },      { "坏处", QT_HARM },
    { "影响", QT_HARM },     { "作用", QT_EFFECT },    { "功效", QT_EFFECT },
    { "效果", QT_EFFECT },   { "好处", QT_EFFECT },    { "有用", QT_EFFECT },
    { "有效", QT_EFFECT },   { "管用", QT_EFFECT },    { "注意什么", QT_CARE },
    { "注意事项", QT_CARE }, { "注意", QT_CARE },      { "禁忌", QT_CARE },
    { "忌口", QT_CARE },     { "吃什么", QT_CARE },    { "怎么样", QT_WHAT },
    { "怎么", QT_HOW },      { "如何", QT_HOW },       { "怎样", QT_HOW },
    { "咋", QT_HOW },        { "方法", QT_HOW },       { "办法", QT_HOW },
    { "流程", QT_HOW },      { "步骤", QT_HOW },       { "手续", QT_HOW },
    { "区别", QT_DIFF },     { "差别", QT_DIFF },      { "不同", QT_DIFF },
    { "一样吗", QT_DIFF },   { "哪个好", QT_WHICH },   { "哪个", QT_WHICH },
    { "哪些", QT_WHICH },    { "哪种", QT_WHICH },     { "哪家", QT_WHICH },
    { "什么是", QT_WHAT },   { "是什么", QT_WHAT },    { "啥是", QT_WHAT },
    { "是啥", QT_WHAT },     { "什么意思", QT_WHAT },  { "能不能", QT_CAN },
    { "可不可以", QT_CAN },  { "能否", QT_CAN },       { "可以吗", QT_CAN },
    { "能吗", QT_CAN },      { "行吗", QT_CAN },       { "可否", QT_CAN },
    { "会不会", QT_YESNO },  { "是不是", QT_YESNO },   { "有没有", QT_YESNO },
    { "要不要", QT_YESNO },  { "需不需要", QT_YESNO }, { "用不用", QT_YESNO },
    { "是否", QT_YESNO },    { "多少", QT_AMOUNT },    { "几个", QT_AMOUNT },
    { "几次", QT_AMOUNT },   { "多大", QT_AMOUNT },    { "多高", QT_AMOUNT },
    { "比例", QT_AMOUNT },   { "谁", QT_WHO },         { "吗", QT_YESNO },
    { "么", QT_YESNO },      { "什么", QT_WHAT },      { "啥", QT_WHAT },
};
#define NQPATTERNS (sizeof QPATTERNS / sizeof *QPATTERNS)
_Static_assert(NQPATTERNS == WD_QKIND_PATTERNS, "WD_QKIND_PATTERNS is the size of QPATTERNS");

/* Negation words, looked for outside the question patterns above. */
static const char *const NEGATIONS[] = { "不能", "不会", "不是", "不要", "不用", "不可以", "不行",
                                         "没有", "没",   "未",   "别",   "无法", "不" };
/* 不 in these words is not a negation of the question. */
static const char *const NOT_NEGATIONS[] = { "不适",   "不良",   "不孕", "不育",   "不足",  "不全",
                                             "不齐",   "不调",   "不振", "不稳",   "不清",  "不断",
                                             "不了解", "不知道", "不懂", "不明白", "不确定" };
_Static_assert(sizeof NEGATIONS / sizeof *NEGATIONS <= WD_QKIND_PATTERNS &&
                   sizeof NOT_NEGATIONS / sizeof *NOT_NEGATIONS <= WD_QKIND_PATTERNS,
               "the word lists fit a chains");

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The length of word when text[0..room) starts with it, else 0. The scan
 * asks this of every pattern at every character: most differ in the first
 * byte, which is all this looks at then. */
static inline size_t starts_with(const char *text, size_t room, const char *word)
{
    size_t k = 0;
    for (; word[k]; k++)
        if (k == room || text[k] != word[k])
            return 0;
    return k;
}

/* A list of words chained by their first two bytes, each chain in list
 * order: the first word of the list that a text starts with is the first
 * of the chain of its two bytes that it starts with (no other word can
 * be: its first two bytes differ). Made once, the first time a text is
 * scanned (the lists are constant), against trying every pattern at every
 * character. */
typedef struct chains {
    const char *word[WD_QKIND_PATTERNS];
    size_t n;
    int linear;                            /* a word under two bytes: try all, in order */
    unsigned char head[256];               /* by two bytes hashed: a chain's first word + 1 */
    unsigned char next[WD_QKIND_PATTERNS]; /* the next word of its chain + 1 (0: the end) */
} chains;
_Static_assert(WD_QKIND_PATTERNS < 255, "a chain link is a byte");

static unsigned chain_of(const char *s)
{
    unsigned pair = (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
    return (pair * 40503u) >> 8 & 255u;
}

/* Chain the n words at words, words + stride, ... (n <= WD_QKIND_PATTERNS). */
static void chain(chains *c, const void *words, size_t stride, size_t n)
{
    memset(c->head, 0, sizeof c->head);
    c->n = n;
    c->linear = 0;
    for (size_t k = n; k-- > 0;) { /* backwards: each chain ends up in list order */
        const char *w = *(const char *const *)((const char *)words + k * stride);
        c->word[k] = w;
        if (!w[0] || !w[1]) {
            c->linear = 1;
            continue;
        }
        unsigned h = chain_of(w);
        c->next[k] = c->head[h];
        c->head[h] = (unsigned char)(k + 1);
    }
}

/* The length of the first word of c that text[0..room) starts with (its
 * index in *which), or 0. */
static size_t first_word(const chains *c, const char *text, size_t room, size_t *which)
{
    if (c->linear) {
        for (size_t k = 0; k < c->n; k++) {
            size_t len = starts_with(text, room, c->word[k]);
            if (len) {
                *which = k;
                return len;
            }
        }
        return 0;
    }
    if (room < 2)
        return 0;
    for (unsigned at = c->head[chain_of(text)]; at; at = c->next[at - 1]) {
        size_t len = starts_with(text, room, c->word[at - 1]);
        if (len) {
            *which = at - 1;
            return len;
        }
    }
    return 0;
}

static chains pats, negs, nots;
static pthread_once_t chained = PTHREAD_ONCE_INIT;

static void make_chains(void)
{
    chain(&pats, &QPATTERNS[0].pat, sizeof *QPATTERNS, NQPATTERNS);
    chain(&negs, NEGATIONS, sizeof *NEGATIONS, sizeof NEGATIONS / sizeof *NEGATIONS);
    chain(&nots, NOT_NEGATIONS, sizeof *NOT_NEGATIONS,
          sizeof NOT_NEGATIONS / sizeof *NOT_NEGATIONS);
}

int wd_qkind_scan(const char *norm, size_t nlen, wd_qkind *out)
{
    memset(out, 0, sizeof *out);
    char *masked = wd_strndup(norm, nlen);
    if (!masked)
        return WD_ENOMEM;
    pthread_once(&chained, make_chains);
    for (size_t i = 0; i < nlen;) {
        size_t adv = 1, k = 0;
        size_t pl = first_word(&pats, norm + i, nlen - i, &k);
        if (pl) {
            out->types |= QPATTERNS[k].type;
            out->matched[k] = 1;
            memset(masked + i, ' ', pl);
            adv = pl;
        }
        if (adv == 1)
            while (i + adv < nlen && (((unsigned char)norm[i + adv]) & 0xC0) == 0x80)
                adv++;
        i += adv;
    }
    /* 怎么 with a more specific kind is that kind only. */
    if ((out->types & QT_HOW) && (out->types & (QT_TODO | QT_WHY)))
        out->types &= ~(unsigned)QT_HOW;
    /* A trailing 吗 is a yes/no question only when nothing more specific is asked. */
    if ((out->types & QT_YESNO) && (out->types & ~(unsigned)(QT_YESNO)))
        out->types &= ~(unsigned)QT_YESNO;
    for (size_t i = 0; i < nlen;) {
        size_t which = 0;
        size_t skip = first_word(&nots, masked + i, nlen - i, &which);
        if (skip) {
            i += skip;
            continue;
        }
        size_t neg = first_word(&negs, masked + i, nlen - i, &which);
        if (neg) {
            out->neg ^= 1;
            i += neg;
            continue;
        }
        i++;
    }
    wd_free(masked);
    /* Numbers. */
    const char *runs[32];
    size_t nr = 0;
    wd_buf b = WD_BUF_INIT;
    for (size_t i = 0; i < nlen && nr < 32;) {
        if (norm[i] >= '0' && norm[i] <= '9') {
            size_t j = i;
            while (j < nlen && norm[j] >= '0' && norm[j] <= '9')
                j++;
            runs[nr++] = norm + i;
            i = j;
        } else {
            i++;
        }
    }
    if (nr) {
        char *copy[32];
        for (size_t k = 0; k < nr; k++) {
            size_t l = 0;
            while (runs[k][l] >= '0' && runs[k][l] <= '9')
                l++;
            copy[k] = wd_strndup(runs[k], l);
            if (!copy[k]) {
                for (size_t m = 0; m < k; m++)
                    wd_free(copy[m]);
                memset(out, 0, sizeof *out);
                return WD_ENOMEM;
            }
        }
        qsort(copy, nr, sizeof *copy, cmp_str);
        for (size_t k = 0; k < nr; k++) {
            if (k)
                wd_buf_putc(&b, '\x1f');
            wd_buf_puts(&b, copy[k]);
            wd_free(copy[k]);
        }
        if (b.oom) {
            wd_buf_free(&b);
            memset(out, 0, sizeof *out);
            return WD_ENOMEM;
        }
        out->nums = wd_buf_detach(&b);
    }
    return WD_OK;
}

void wd_qkind_free(wd_qkind *k)
{
    wd_free(k->nums);
    memset(k, 0, sizeof *k);
}

int wd_qkind_asks_with(const wd_qkind *k, const char *word)
{
    for (size_t i = 0; i < NQPATTERNS; i++)
        if (k->matched[i] && (strstr(QPATTERNS[i].pat, word) || strstr(word, QPATTERNS[i].pat)))
            return 1;
    return 0;
}
