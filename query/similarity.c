/*
 * similarity.c - the same-question confidence of two texts.
 *
 * Each text is analysed once into a wd_sim_text: its normalised characters
 * (punctuation dropped), its words with IDF weights, the kind of question
 * it asks (cost, yes/no, how, what-to-do, when, where, why, what, which,
 * difference, amount, who), whether it is negated and the numbers it
 * names. Two such texts give WD_SIM_NFEATURES features:
 *
 *   cov_a, cov_b   IDF-weighted share of one text's words that the other
 *                  accounts for: the word itself or a dictionary synonym
 *                  anywhere in the other's characters (so 医保卡 matches
 *                  医保 卡 however either was segmented), half credit per
 *                  shared character otherwise
 *   cov_ab         cov_a * cov_b
 *   dice           character-bigram Dice coefficient
 *   type_same      Jaccard overlap of the kinds of question both ask
 *   type_diff      both ask a kind of question, and not the same
 *   neg_diff       one is negated, the other not
 *   num_diff       the numbers differ (1) or only one names any (0.5)
 *   len_ratio      |log(chars a / chars b)|
 *   miss_max       the heaviest word either side leaves unmatched, as a
 *                  share of that side's weight (a changed entity)
 *   type_diff_x_cov, neg_diff_x_cov
 *                  type_diff and neg_diff times cov_ab: a different kind of
 *                  question or a negation matters most between texts that
 *                  otherwise say the same
 *
 * A logistic model over them gives the confidence. Its coefficients were
 * fit on the tuning splits (tianchi train, lcqmc dev, insurance-zhidao rank
 * dev, each set weighted equally) by `wenda-pairs --fit` (tools/eval/pairs.c)
 * and are frozen in COEF below; rerun that command and paste its output to
 * refit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "wenda/buf.h"
#include "wenda/coverage.h"
#include "xapian_c.h"

/* ---- frozen model ------------------------------------------------------------- */

/* Fit by `wenda-pairs --fit` on the tuning splits; intercept last. */
static const double COEF[WD_SIM_NFEATURES + 1] = {
    4.0476, 3.7116, -3.9810, 0.1319, 0.3422, -1.6138, 0.6611,
    -0.0482, -1.1854, -3.6861, 0.9408, -1.5775, -2.0733};

static const char *const FEATURE_NAMES[WD_SIM_NFEATURES] = {
    "cov_a", "cov_b", "cov_ab", "dice", "type_same",
    "type_diff", "neg_diff", "num_diff", "len_ratio", "miss_max", "type_diff_x_cov",
    "neg_diff_x_cov"};

const char *wd_sim_feature_name(int i)
{
    return i >= 0 && i < WD_SIM_NFEATURES ? FEATURE_NAMES[i] : "?";
}

double wd_sim_calibrate(const double f[WD_SIM_NFEATURES], const double *coef)
{
    const double *c = coef ? coef : COEF;
    double z = c[WD_SIM_NFEATURES];
    for (int i = 0; i < WD_SIM_NFEATURES; i++)
        z += c[i] * f[i];
    return 1.0 / (1.0 + exp(-z));
}

/* ---- a small string -> double map (IDF table and cache) ---------------------- */

typedef struct smap_ent {
    char *key; /* NULL = empty */
    size_t len;
    double v;
} smap_ent;

typedef struct smap {
    smap_ent *e;
    size_t cap, n;
} smap;

static uint64_t hash_bytes(const char *s, size_t n) { return wd_fnv1a64(s, n, WD_FNV_OFFSET); }

static void smap_clear(smap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        wd_free(m->e[i].key);
    wd_free(m->e);
    memset(m, 0, sizeof *m);
}

static smap_ent *smap_find(const smap *m, const char *k, size_t len)
{
    if (!m->cap)
        return NULL;
    size_t i = (size_t)hash_bytes(k, len) & (m->cap - 1);
    while (m->e[i].key) {
        if (m->e[i].len == len && memcmp(m->e[i].key, k, len) == 0)
            return &m->e[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

static int smap_grow(smap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 256;
    smap_ent *e = wd_calloc(cap, sizeof *e);
    if (!e)
        return WD_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->e[i].key)
            continue;
        size_t j = (size_t)hash_bytes(m->e[i].key, m->e[i].len) & (cap - 1);
        while (e[j].key)
            j = (j + 1) & (cap - 1);
        e[j] = m->e[i];
    }
    wd_free(m->e);
    m->e = e;
    m->cap = cap;
    return WD_OK;
}

/* The entry for k, added with value 0 when new; NULL when out of memory. */
static smap_ent *smap_upsert(smap *m, const char *k, size_t len)
{
    smap_ent *f = smap_find(m, k, len);
    if (f)
        return f;
    if ((m->n + 1) * 4 > m->cap * 3 && smap_grow(m) != WD_OK)
        return NULL;
    size_t i = (size_t)hash_bytes(k, len) & (m->cap - 1);
    while (m->e[i].key)
        i = (i + 1) & (m->cap - 1);
    m->e[i].key = wd_strndup(k, len);
    if (!m->e[i].key)
        return NULL;
    m->e[i].len = len;
    m->e[i].v = 0;
    m->n++;
    return &m->e[i];
}

/* ---- the scorer --------------------------------------------------------------- */

#define IDF_CACHE_MAX 65536

struct wd_sim {
    const wd_dict *dict;
    wd_analyzer *an;
    xc_db *db;       /* IDF from an index's question field, or NULL */
    double docs;     /* documents of the index or of the table */
    smap table;      /* wd_sim_learn: word -> document frequency */
    smap cache;      /* index IDF cache */
    smap seen;       /* scratch: words of the text being learnt */
};

int wd_sim_new(wd_sim **out, const wd_dict *dict, wd_error *err)
{
    *out = NULL;
    if (!dict)
        return wd_error_set(err, WD_EINVAL, "coverage", "no dictionary given");
    wd_sim *s = wd_calloc(1, sizeof *s);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    s->dict = dict;
    int rc = wd_analyzer_new(&s->an, dict, err);
    if (rc != WD_OK) {
        wd_free(s);
        return rc;
    }
    *out = s;
    return WD_OK;
}

void wd_sim_free(wd_sim *s)
{
    if (!s)
        return;
    wd_analyzer_free(s->an);
    xc_db_close(s->db);
    smap_clear(&s->table);
    smap_clear(&s->cache);
    smap_clear(&s->seen);
    wd_free(s);
}

int wd_sim_open_idf(wd_sim *s, const char *path, wd_error *err)
{
    if (!path || !*path)
        return wd_error_set(err, WD_EINVAL, "coverage", "no index path given");
    xc_db *db = NULL;
    uint32_t n = 0;
    int rc = xc_db_open(&db, path, XC_DB_READ, err);
    if (rc == WD_OK)
        rc = xc_db_doccount(db, &n, err);
    if (rc != WD_OK) {
        xc_db_close(db);
        return rc;
    }
    xc_db_close(s->db);
    s->db = db;
    s->docs = n;
    smap_clear(&s->cache);
    return WD_OK;
}

typedef struct learn_ctx {
    wd_sim *s;
    int oom;
} learn_ctx;

static int learn_token(void *vctx, const wd_token *t)
{
    learn_ctx *c = vctx;
    smap_ent *e = smap_upsert(&c->s->seen, t->text, t->len);
    if (!e) {
        c->oom = 1;
        return WD_ENOMEM;
    }
    if (e->v == 0) {
        e->v = 1;
        smap_ent *d = smap_upsert(&c->s->table, t->text, t->len);
        if (!d) {
            c->oom = 1;
            return WD_ENOMEM;
        }
        d->v += 1;
    }
    return 0;
}

int wd_sim_learn(wd_sim *s, const char *text, size_t len, wd_error *err)
{
    learn_ctx c = {s, 0};
    int rc = wd_analyze(s->an, WD_ANALYZE_QUERY, text, len, learn_token, &c, err);
    smap_clear(&s->seen);
    if (c.oom)
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    if (rc == WD_OK && !s->db)
        s->docs += 1;
    return rc;
}

static int is_cjk(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

/* The class prior of a word: particles count little, single characters
 * less than words. Used alone when there is no IDF source. */
static double class_weight(const char *w, size_t len, int stop)
{
    if (stop)
        return 0.1;
    uint32_t cp = 0;
    size_t l = wd_utf8_decode(w, len, &cp);
    if (l == len && is_cjk(cp))
        return 0.6;
    return 1.0;
}

static double idf_of(wd_sim *s, const char *w, size_t len)
{
    if (s->db) {
        smap_ent *e = smap_find(&s->cache, w, len);
        if (e)
            return e->v;
        if (s->cache.n >= IDF_CACHE_MAX)
            smap_clear(&s->cache);
        char term[XC_MAX_TERM_BYTES + 1];
        uint32_t df = 0;
        if (len + 1 < sizeof term) {
            memcpy(term, WD_PREFIX_QUESTION, 1);
            memcpy(term + 1, w, len);
            term[len + 1] = '\0';
            if (xc_db_termfreq(s->db, term, &df, NULL) != WD_OK)
                df = 0;
        }
        double v = log((s->docs + 1.0) / (df + 0.5));
        if (v < 0.1)
            v = 0.1;
        e = smap_upsert(&s->cache, w, len);
        if (e)
            e->v = v;
        return v;
    }
    if (s->docs > 0) {
        smap_ent *e = smap_find(&s->table, w, len);
        double df = e ? e->v : 0;
        double v = log((s->docs + 1.0) / (df + 0.5));
        return v < 0.1 ? 0.1 : v;
    }
    return 2.0;
}

/* ---- analysed texts ------------------------------------------------------------ */

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
    {"多少钱", QT_COST},     {"什么价", QT_COST},     {"价格", QT_COST},
    {"价钱", QT_COST},       {"贵不贵", QT_COST},     {"贵吗", QT_COST},
    {"花多少", QT_COST},     {"什么时候", QT_WHEN},   {"何时", QT_WHEN},
    {"多久", QT_WHEN},       {"多长时间", QT_WHEN},   {"几天", QT_WHEN},
    {"几号", QT_WHEN},       {"几点", QT_WHEN},       {"哪天", QT_WHEN},
    {"几月", QT_WHEN},       {"哪一年", QT_WHEN},     {"什么地方", QT_WHERE},
    {"哪里", QT_WHERE},      {"哪儿", QT_WHERE},      {"在哪", QT_WHERE},
    {"去哪", QT_WHERE},      {"何处", QT_WHERE},      {"怎么回事", QT_WHY},
    {"怎么了", QT_WHY},      {"为什么", QT_WHY},      {"为何", QT_WHY},
    {"为啥", QT_WHY},        {"什么原因", QT_WHY},    {"原因", QT_WHY},
    {"病因", QT_WHY},        {"诱因", QT_WHY},        {"怎么会", QT_WHY},
    {"怎么引起", QT_WHY},    {"什么引起", QT_WHY},    {"引起", QT_WHY},
    {"怎么造成", QT_WHY},    {"造成", QT_WHY},        {"导致", QT_WHY},
    {"怎么办", QT_TODO},     {"咋办", QT_TODO},       {"如何是好", QT_TODO},
    {"如何处理", QT_TODO},   {"怎么处理", QT_TODO},   {"怎么治", QT_TODO},
    {"如何治", QT_TODO},     {"怎样治", QT_TODO},     {"治疗", QT_TODO},
    {"怎么缓解", QT_TODO},   {"缓解", QT_TODO},       {"怎么做", QT_TODO},
    {"什么药", QT_TODO},     {"啥药", QT_TODO},       {"症状", QT_SIGN},
    {"表现", QT_SIGN},       {"特征", QT_SIGN},       {"征兆", QT_SIGN},
    {"迹象", QT_SIGN},       {"副作用", QT_HARM},     {"不良反应", QT_HARM},
    {"后遗症", QT_HARM},     {"危害", QT_HARM},       {"坏处", QT_HARM},
    {"影响", QT_HARM},       {"作用", QT_EFFECT},     {"功效", QT_EFFECT},
    {"效果", QT_EFFECT},     {"好处", QT_EFFECT},     {"有用", QT_EFFECT},
    {"有效", QT_EFFECT},     {"管用", QT_EFFECT},     {"注意什么", QT_CARE},
    {"注意事项", QT_CARE},   {"注意", QT_CARE},       {"禁忌", QT_CARE},
    {"忌口", QT_CARE},       {"吃什么", QT_CARE},     {"怎么样", QT_WHAT},
    {"怎么", QT_HOW},        {"如何", QT_HOW},        {"怎样", QT_HOW},
    {"咋", QT_HOW},          {"方法", QT_HOW},        {"办法", QT_HOW},
    {"流程", QT_HOW},        {"步骤", QT_HOW},        {"手续", QT_HOW},
    {"区别", QT_DIFF},       {"差别", QT_DIFF},       {"不同", QT_DIFF},
    {"一样吗", QT_DIFF},     {"哪个好", QT_WHICH},    {"哪个", QT_WHICH},
    {"哪些", QT_WHICH},      {"哪种", QT_WHICH},      {"哪家", QT_WHICH},
    {"什么是", QT_WHAT},     {"是什么", QT_WHAT},     {"啥是", QT_WHAT},
    {"是啥", QT_WHAT},       {"什么意思", QT_WHAT},   {"能不能", QT_CAN},
    {"可不可以", QT_CAN},    {"能否", QT_CAN},        {"可以吗", QT_CAN},
    {"能吗", QT_CAN},        {"行吗", QT_CAN},        {"可否", QT_CAN},
    {"会不会", QT_YESNO},    {"是不是", QT_YESNO},    {"有没有", QT_YESNO},
    {"要不要", QT_YESNO},    {"需不需要", QT_YESNO},  {"用不用", QT_YESNO},
    {"是否", QT_YESNO},      {"多少", QT_AMOUNT},     {"几个", QT_AMOUNT},
    {"几次", QT_AMOUNT},     {"多大", QT_AMOUNT},     {"多高", QT_AMOUNT},
    {"比例", QT_AMOUNT},     {"谁", QT_WHO},          {"吗", QT_YESNO},
    {"么", QT_YESNO},        {"什么", QT_WHAT},       {"啥", QT_WHAT},
};
#define NQPATTERNS (sizeof QPATTERNS / sizeof *QPATTERNS)

/* Negation words, looked for outside the question patterns above. */
static const char *const NEGATIONS[] = {"不能", "不会", "不是", "不要", "不用", "不可以",
                                        "不行", "没有", "没", "未", "别", "无法", "不"};
/* 不 in these words is not a negation of the question. */
static const char *const NOT_NEGATIONS[] = {"不适", "不良", "不孕", "不育", "不足", "不全",
                                           "不齐", "不调", "不振", "不稳", "不清", "不断",
                                           "不了解", "不知道", "不懂", "不明白", "不确定"};

typedef struct sim_tok {
    size_t off, len; /* into pool */
    double w;
    int stop;
} sim_tok;

struct wd_sim_text {
    char *norm;     /* normalised, word characters only, NUL-terminated */
    size_t nlen;
    uint32_t *cps;  /* its code points */
    size_t ncp;
    uint64_t *bigrams; /* sorted */
    size_t nbig;
    sim_tok *tok;
    size_t ntok, tcap;
    char *pool;     /* token texts, each NUL-terminated */
    size_t plen, pcap;
    size_t *syn_first; /* per token: first index into syn; syn_first[ntok] = nsyn */
    const char **syn;  /* borrowed from the dict */
    size_t nsyn;
    double wsum;
    unsigned types;
    unsigned char matched[NQPATTERNS]; /* which question patterns occur */
    int neg;
    char *nums;     /* the digit runs, sorted, '\x1f'-joined */
    int oom;
};

void wd_sim_text_free(wd_sim_text *t)
{
    if (!t)
        return;
    wd_free(t->norm);
    wd_free(t->cps);
    wd_free(t->bigrams);
    wd_free(t->tok);
    wd_free(t->pool);
    wd_free(t->syn_first);
    wd_free(t->syn);
    wd_free(t->nums);
    wd_free(t);
}

static int word_char(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF65) || c == 0xA0 ||
        (c >= 0x80 && c <= 0xBF))
        return 0;
    return 1;
}

typedef struct build_ctx {
    wd_sim *s;
    wd_sim_text *t;
} build_ctx;

static int add_token(void *vctx, const wd_token *tok)
{
    build_ctx *c = vctx;
    wd_sim_text *t = c->t;
    for (size_t i = 0; i < t->ntok; i++)
        if (t->tok[i].len == tok->len && memcmp(t->pool + t->tok[i].off, tok->text, tok->len) == 0)
            return 0;
    if (t->ntok == t->tcap) {
        size_t cap = t->tcap ? t->tcap * 2 : 16;
        sim_tok *n = wd_realloc(t->tok, cap * sizeof *n);
        if (!n)
            goto oom;
        t->tok = n;
        t->tcap = cap;
    }
    if (t->plen + tok->len + 1 > t->pcap) {
        size_t cap = t->pcap ? t->pcap * 2 : 256;
        while (cap < t->plen + tok->len + 1)
            cap *= 2;
        char *p = wd_realloc(t->pool, cap);
        if (!p)
            goto oom;
        t->pool = p;
        t->pcap = cap;
    }
    memcpy(t->pool + t->plen, tok->text, tok->len);
    t->pool[t->plen + tok->len] = '\0';
    int stop = (tok->flags & WD_TOKEN_STOP) != 0;
    double w = class_weight(tok->text, tok->len, stop);
    if (!stop)
        w *= idf_of(c->s, tok->text, tok->len);
    t->tok[t->ntok++] = (sim_tok){t->plen, tok->len, w, stop};
    t->plen += tok->len + 1;
    return 0;
oom:
    t->oom = 1;
    return WD_ENOMEM;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int starts_with_any(const char *p, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(p, list[i], strlen(list[i])) == 0)
            return (int)strlen(list[i]);
    return 0;
}

/* Kinds of question, negation and numbers, from the normalised text. */
static int scan_norm(wd_sim_text *t)
{
    char *masked = wd_strndup(t->norm, t->nlen);
    if (!masked)
        return WD_ENOMEM;
    for (size_t i = 0; i < t->nlen;) {
        size_t adv = 1;
        for (size_t k = 0; k < NQPATTERNS; k++) {
            size_t pl = strlen(QPATTERNS[k].pat);
            if (strncmp(t->norm + i, QPATTERNS[k].pat, pl) == 0) {
                t->types |= QPATTERNS[k].type;
                t->matched[k] = 1;
                memset(masked + i, ' ', pl);
                adv = pl;
                break;
            }
        }
        if (adv == 1)
            while (i + adv < t->nlen && (((unsigned char)t->norm[i + adv]) & 0xC0) == 0x80)
                adv++;
        i += adv;
    }
    /* 怎么 with a more specific kind is that kind only. */
    if ((t->types & QT_HOW) && (t->types & (QT_TODO | QT_WHY)))
        t->types &= ~(unsigned)QT_HOW;
    /* A trailing 吗 is a yes/no question only when nothing more specific is asked. */
    if ((t->types & QT_YESNO) && (t->types & ~(unsigned)(QT_YESNO)))
        t->types &= ~(unsigned)QT_YESNO;
    for (size_t i = 0; i < t->nlen;) {
        int skip = starts_with_any(masked + i, NOT_NEGATIONS,
                                   sizeof NOT_NEGATIONS / sizeof *NOT_NEGATIONS);
        if (skip) {
            i += (size_t)skip;
            continue;
        }
        int neg = starts_with_any(masked + i, NEGATIONS, sizeof NEGATIONS / sizeof *NEGATIONS);
        if (neg) {
            t->neg ^= 1;
            i += (size_t)neg;
            continue;
        }
        i++;
    }
    wd_free(masked);
    /* Numbers. */
    char *runs[32];
    size_t nr = 0;
    wd_buf b = WD_BUF_INIT;
    for (size_t i = 0; i < t->nlen && nr < 32;) {
        if (t->norm[i] >= '0' && t->norm[i] <= '9') {
            size_t j = i;
            while (j < t->nlen && t->norm[j] >= '0' && t->norm[j] <= '9')
                j++;
            runs[nr++] = t->norm + i;
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
            return WD_ENOMEM;
        }
        t->nums = wd_buf_detach(&b);
    }
    return WD_OK;
}

int wd_sim_text_new(wd_sim *s, const char *text, size_t len, wd_sim_text **out, wd_error *err)
{
    *out = NULL;
    wd_sim_text *t = wd_calloc(1, sizeof *t);
    if (!t)
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    char *norm = NULL;
    size_t nlen = 0;
    int rc = wd_normalize(s->an, text, len, &norm, &nlen, err);
    if (rc == WD_OK) {
        /* Keep word characters only. */
        t->norm = wd_malloc(nlen + 1);
        t->cps = wd_malloc((nlen + 1) * sizeof *t->cps);
        t->bigrams = wd_malloc((nlen + 1) * sizeof *t->bigrams);
        if (!t->norm || !t->cps || !t->bigrams)
            rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
        for (size_t i = 0; rc == WD_OK && i < nlen;) {
            uint32_t cp;
            size_t l = wd_utf8_decode(norm + i, nlen - i, &cp);
            if (!l) {
                i++;
                continue;
            }
            if (word_char(cp)) {
                memcpy(t->norm + t->nlen, norm + i, l);
                t->nlen += l;
                t->cps[t->ncp++] = cp;
            }
            i += l;
        }
        if (t->norm)
            t->norm[t->nlen] = '\0';
        wd_free(norm);
    }
    if (rc == WD_OK) {
        for (size_t i = 0; i + 1 < t->ncp; i++)
            t->bigrams[t->nbig++] = ((uint64_t)t->cps[i] << 32) | t->cps[i + 1];
        qsort(t->bigrams, t->nbig, sizeof *t->bigrams, cmp_u64);
        build_ctx c = {s, t};
        rc = wd_analyze(s->an, WD_ANALYZE_QUERY, text, len, add_token, &c, err);
        if (t->oom)
            rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    }
    if (rc == WD_OK) {
        t->syn_first = wd_calloc(t->ntok + 1, sizeof *t->syn_first);
        if (!t->syn_first)
            rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
        for (size_t i = 0; rc == WD_OK && i < t->ntok; i++) {
            t->syn_first[i] = t->nsyn;
            const char *const *syns = NULL;
            size_t n = wd_dict_synonyms(s->dict, t->pool + t->tok[i].off, t->tok[i].len, &syns);
            if (!n)
                continue;
            const char **grown = wd_realloc(t->syn, (t->nsyn + n) * sizeof *grown);
            if (!grown) {
                rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
                break;
            }
            t->syn = grown;
            for (size_t k = 0; k < n; k++)
                t->syn[t->nsyn++] = syns[k];
        }
        if (rc == WD_OK)
            t->syn_first[t->ntok] = t->nsyn;
    }
    if (rc == WD_OK && scan_norm(t) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    if (rc == WD_OK) {
        /* Words of what is asked (病因, 怎么办, 多少钱) count through the kind
         * of question, not as words the other text must contain. */
        for (size_t i = 0; i < t->ntok; i++) {
            const char *w = t->pool + t->tok[i].off;
            for (size_t k = 0; k < NQPATTERNS && !t->tok[i].stop; k++)
                if (t->matched[k] && (strstr(QPATTERNS[k].pat, w) || strstr(w, QPATTERNS[k].pat))) {
                    t->tok[i].w *= 0.1;
                    t->tok[i].stop = 1;
                }
            t->wsum += t->tok[i].w;
        }
    }
    if (rc != WD_OK) {
        wd_sim_text_free(t);
        return rc;
    }
    *out = t;
    return WD_OK;
}

static int has_cp(const wd_sim_text *t, uint32_t cp)
{
    for (size_t i = 0; i < t->ncp; i++)
        if (t->cps[i] == cp)
            return 1;
    return 0;
}

/* How well `b` accounts for token i of `a`: 1 for the word or a synonym,
 * half the share of its characters otherwise. */
static double token_match(const wd_sim_text *a, size_t i, const wd_sim_text *b)
{
    const char *w = a->pool + a->tok[i].off;
    if (b->nlen && strstr(b->norm, w))
        return 1.0;
    for (size_t k = a->syn_first[i]; k < a->syn_first[i + 1]; k++)
        if (strstr(b->norm, a->syn[k]))
            return 1.0;
    size_t n = 0, hit = 0;
    for (size_t p = 0; p < a->tok[i].len;) {
        uint32_t cp;
        size_t l = wd_utf8_decode(w + p, a->tok[i].len - p, &cp);
        if (!l)
            break;
        n++;
        hit += has_cp(b, cp);
        p += l;
    }
    return n > 1 ? 0.5 * (double)hit / (double)n : 0.0;
}

/* Share of a's weight that b accounts for; *miss = heaviest unmatched share. */
static double coverage_of(const wd_sim_text *a, const wd_sim_text *b, double *miss)
{
    *miss = 0;
    if (a->wsum <= 0)
        return 0;
    double got = 0;
    for (size_t i = 0; i < a->ntok; i++) {
        double m = token_match(a, i, b);
        got += a->tok[i].w * m;
        double left = a->tok[i].w * (1.0 - m) / a->wsum;
        if (left > *miss)
            *miss = left;
    }
    return got / a->wsum;
}

static double dice(const wd_sim_text *a, const wd_sim_text *b)
{
    if (a->nbig + b->nbig == 0)
        return a->ncp && a->ncp == b->ncp && a->cps[0] == b->cps[0] ? 1.0 : 0.0;
    size_t i = 0, j = 0, common = 0;
    while (i < a->nbig && j < b->nbig) {
        if (a->bigrams[i] == b->bigrams[j]) {
            common++;
            i++;
            j++;
        } else if (a->bigrams[i] < b->bigrams[j]) {
            i++;
        } else {
            j++;
        }
    }
    return 2.0 * (double)common / (double)(a->nbig + b->nbig);
}

void wd_sim_score_features(const wd_sim_text *a, const wd_sim_text *b, double f[WD_SIM_NFEATURES])
{
    double ma, mb;
    double ca = coverage_of(a, b, &ma), cb = coverage_of(b, a, &mb);
    f[0] = ca;
    f[1] = cb;
    f[2] = ca * cb;
    f[3] = dice(a, b);
    int typed = a->types && b->types;
    f[4] = typed ? (double)__builtin_popcount(a->types & b->types) /
                       (double)__builtin_popcount(a->types | b->types)
                 : 0.0;
    f[5] = typed && !(a->types & b->types) ? 1.0 : 0.0;
    f[6] = a->neg != b->neg ? 1.0 : 0.0;
    f[7] = (a->nums && b->nums) ? (strcmp(a->nums, b->nums) ? 1.0 : 0.0)
           : (a->nums || b->nums) ? 0.5
                                  : 0.0;
    f[8] = (a->ncp && b->ncp) ? fabs(log((double)a->ncp / (double)b->ncp)) : 3.0;
    f[9] = ma > mb ? ma : mb;
    f[10] = f[5] * f[2];
    f[11] = f[6] * f[2];
}

double wd_sim_score(const wd_sim_text *a, const wd_sim_text *b)
{
    if (!a->ncp || !b->ncp || (!a->ntok && !b->ntok))
        return 0.0;
    double f[WD_SIM_NFEATURES];
    wd_sim_score_features(a, b, f);
    return wd_sim_calibrate(f, NULL);
}

size_t wd_sim_text_keys(const wd_sim_text *t, const char **keys, size_t n)
{
    size_t k = 0;
    double last = INFINITY;
    /* Selection by descending weight; texts are short. */
    while (k < n) {
        double best = -1;
        size_t bi = 0;
        for (size_t i = 0; i < t->ntok; i++) {
            double w = t->tok[i].w;
            if (t->tok[i].stop || w > last || w <= best)
                continue;
            int used = 0;
            for (size_t m = 0; m < k; m++)
                used |= keys[m] == t->pool + t->tok[i].off;
            if (!used) {
                best = w;
                bi = i;
            }
        }
        if (best < 0)
            break;
        keys[k++] = t->pool + t->tok[bi].off;
        last = best;
    }
    return k;
}

static int two_texts(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen,
                     wd_sim_text **ta, wd_sim_text **tb, wd_error *err)
{
    int rc = wd_sim_text_new(s, a, alen, ta, err);
    if (rc == WD_OK)
        rc = wd_sim_text_new(s, b, blen, tb, err);
    if (rc != WD_OK) {
        wd_sim_text_free(*ta);
        *ta = NULL;
    }
    return rc;
}

int wd_similarity(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen,
                  double *out, wd_error *err)
{
    *out = 0;
    wd_sim_text *ta = NULL, *tb = NULL;
    int rc = two_texts(s, a, alen, b, blen, &ta, &tb, err);
    if (rc != WD_OK)
        return rc;
    *out = wd_sim_score(ta, tb);
    wd_sim_text_free(ta);
    wd_sim_text_free(tb);
    return WD_OK;
}

int wd_similarity_features(wd_sim *s, const char *a, size_t alen, const char *b, size_t blen,
                           double f[WD_SIM_NFEATURES], wd_error *err)
{
    memset(f, 0, WD_SIM_NFEATURES * sizeof *f);
    wd_sim_text *ta = NULL, *tb = NULL;
    int rc = two_texts(s, a, alen, b, blen, &ta, &tb, err);
    if (rc != WD_OK)
        return rc;
    wd_sim_score_features(ta, tb, f);
    wd_sim_text_free(ta);
    wd_sim_text_free(tb);
    return WD_OK;
}
