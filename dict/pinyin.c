/*
 * pinyin.c - the pinyin readings of Han characters (wenda/pinyin.h): ICU's
 * Han-Latin transliterator on one character at a time, tone marks folded to
 * ASCII, plus the other readings of common polyphonic characters, cached
 * per character.
 */
#include <string.h>
#include <unicode/uscript.h>
#include <unicode/utrans.h>

#include "strmap.h"
#include "wenda/buf.h"
#include "wenda/pinyin.h"

struct wd_pinyin {
    UTransliterator *tr;
    wd_strmap cache; /* code point (4 bytes) -> char * (new; NULL: no reading) */
};

/* Readings ICU does not give first that users type: the other readings of
 * common polyphonic characters in questions (ICU's reading comes first). */
static const struct {
    uint32_t cp;
    const char *more;
} extra[] = {
    { 0x5730, "di" },        /* 地 de */
    { 0x884C, "hang" },      /* 行 xing */
    { 0x91CD, "chong" },     /* 重 zhong */
    { 0x957F, "chang" },     /* 长 zhang */
    { 0x8FD8, "huan" },      /* 还 hai */
    { 0x5F97, "dei" },       /* 得 de */
    { 0x4E86, "liao" },      /* 了 le */
    { 0x4E50, "yue" },       /* 乐 le */
    { 0x4F1A, "kuai" },      /* 会 hui */
    { 0x90FD, "du" },        /* 都 dou */
    { 0x6CA1, "mo" },        /* 没 mei */
    { 0x7740, "zhao|zhuo" }, /* 着 zhe */
    { 0x85CF, "zang" },      /* 藏 cang */
    { 0x5DEE, "chai|ci" },   /* 差 cha */
    { 0x4F20, "zhuan" },     /* 传 chuan */
    { 0x5927, "dai" },       /* 大 da */
    { 0x7684, "di" },        /* 的 de */
    { 0x8C03, "tiao" },      /* 调 diao */
    { 0x548C, "huo|hu" },    /* 和 he */
    { 0x89D2, "jue" },       /* 角 jiao */
    { 0x4FBF, "pian" },      /* 便 bian */
    { 0x671D, "zhao" },      /* 朝 chao */
    { 0x964D, "xiang" },     /* 降 jiang */
    { 0x89E3, "xie" },       /* 解 jie */
    { 0x7387, "shuai" },     /* 率 lv */
    { 0x6570, "shuo" },      /* 数 shu */
    { 0x8584, "bo" },        /* 薄 bao */
    { 0x53C2, "shen|cen" },  /* 参 can */
    { 0x66FE, "zeng" },      /* 曾 ceng */
    { 0x5361, "qia" },       /* 卡 ka */
    { 0x7ED9, "ji" },        /* 给 gei */
    { 0x5355, "shan|chan" }, /* 单 dan */
    { 0x7CFB, "ji" },        /* 系 xi */
    { 0x6A21, "mu" },        /* 模 mo */
    { 0x9732, "lou" },       /* 露 lu */
    { 0x8BF4, "shui" },      /* 说 shuo */
    { 0x5F3A, "jiang" },     /* 强 qiang */
    { 0x67E5, "zha" },       /* 查 cha */
    { 0x79F0, "chen" },      /* 称 cheng */
    { 0x5BBF, "xiu" },       /* 宿 su */
    { 0x4ED4, "zai" },       /* 仔 zi */
    { 0x6076, "wu" },        /* 恶 e */
    { 0x6298, "she" },       /* 折 zhe */
    { 0x533A, "ou" },        /* 区 qu */
    { 0x8840, "xie" },       /* 血 xue */
    { 0x7F34, "zhuo" },      /* 缴 jiao */
};

int wd_pinyin_new(wd_pinyin **out, wd_error *err)
{
    *out = NULL;
    wd_pinyin *p = wd_calloc(1, sizeof *p);
    if (!p)
        return wd_error_set(err, WD_ENOMEM, "pinyin", "out of memory");
    static const UChar id[] = u"Han-Latin; Lower";
    UErrorCode st = U_ZERO_ERROR;
    p->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st) || !p->tr) {
        wd_free(p);
        return wd_error_set(err, WD_EINTERNAL, "icu",
                            "cannot open ICU's Han-Latin transliterator: %s", u_errorName(st));
    }
    p->cache = (wd_strmap)WD_STRMAP_INIT(sizeof(char *));
    *out = p;
    return WD_OK;
}

void wd_pinyin_free(wd_pinyin *p)
{
    if (!p)
        return;
    size_t pos = 0;
    const char *key;
    size_t len;
    void *val;
    while (wd_strmap_next(&p->cache, &pos, &key, &len, &val))
        wd_free(*(char **)val);
    wd_strmap_clear(&p->cache);
    utrans_close(p->tr);
    wd_free(p);
}

/* A Latin letter of a pinyin syllable, tone mark dropped: 'a'..'z', 'v'
 * for ü, or 0 for anything else. */
static char fold(UChar c)
{
    if (c >= 'a' && c <= 'z')
        return (char)c;
    static const struct {
        const char *from; /* UTF-8 of the marked letters */
        char to;
    } marks[] = { { "āáǎà", 'a' }, { "ēéěèê", 'e' }, { "īíǐì", 'i' }, { "ōóǒò", 'o' },
                  { "ūúǔù", 'u' }, { "üǖǘǚǜ", 'v' }, { "ńňǹ", 'n' },  { "ḿ", 'm' } };
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        const char *s = marks[i].from;
        size_t n = strlen(s);
        for (size_t k = 0; k < n;) {
            uint32_t cp;
            size_t l = wd_utf8_decode(s + k, n - k, &cp);
            if (cp == c)
                return marks[i].to;
            k += l ? l : 1;
        }
    }
    return 0;
}

/* ICU's reading of one character, folded; 0 and an empty buffer when it
 * has none. */
static int icu_reading(wd_pinyin *p, uint32_t cp, wd_buf *out)
{
    UChar buf[32];
    int32_t len = 0, limit;
    if (cp > 0xFFFF) {
        buf[len++] = (UChar)(0xD7C0 + (cp >> 10));
        buf[len++] = (UChar)(0xDC00 | (cp & 0x3FF));
    } else {
        buf[len++] = (UChar)cp;
    }
    limit = len;
    UErrorCode st = U_ZERO_ERROR;
    utrans_transUChars(p->tr, buf, &len, (int32_t)(sizeof buf / sizeof *buf), 0, &limit, &st);
    if (U_FAILURE(st))
        return 0;
    for (int32_t i = 0; i < len; i++) {
        char c = fold(buf[i]);
        if (!c) { /* not a syllable: no reading (the character itself, a space) */
            wd_buf_reset(out);
            return 0;
        }
        wd_buf_putc(out, c);
    }
    return out->len > 0;
}

static char *readings_of(wd_pinyin *p, uint32_t cp)
{
    UErrorCode st = U_ZERO_ERROR;
    if (uscript_getScript((UChar32)cp, &st) != USCRIPT_HAN || U_FAILURE(st))
        return NULL;
    wd_buf b = WD_BUF_INIT;
    if (!icu_reading(p, cp, &b)) {
        wd_buf_free(&b);
        return NULL;
    }
    /* ü: "lv" and "lu" both. */
    char *v = memchr(b.data, 'v', b.len);
    if (v && b.len < 16) {
        char u[16];
        memcpy(u, b.data, b.len);
        u[v - b.data] = 'u';
        size_t n = b.len;
        wd_buf_putc(&b, '|');
        wd_buf_append(&b, u, n);
    }
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        if (extra[i].cp == cp) {
            wd_buf_putc(&b, '|');
            wd_buf_puts(&b, extra[i].more);
        }
    if (b.oom) {
        wd_buf_free(&b);
        return NULL;
    }
    return wd_buf_detach(&b);
}

const char *wd_pinyin_readings(wd_pinyin *p, uint32_t cp)
{
    char key[4] = { (char)(cp >> 24), (char)(cp >> 16), (char)(cp >> 8), (char)cp };
    char **have = wd_strmap_get(&p->cache, key, sizeof key);
    if (have)
        return *have;
    char *r = readings_of(p, cp);
    int added;
    char **slot = wd_strmap_put(&p->cache, key, sizeof key, &added);
    if (!slot) {
        wd_free(r);
        return NULL;
    }
    *slot = r;
    return r;
}

/* ---- matching typed text against a text by sound ------------------------------------ */

static uint32_t first_letters(const char *py)
{
    uint32_t mask = 0;
    for (const char *r = py; r && *r;) {
        if (*r >= 'a' && *r <= 'z')
            mask |= 1u << (*r - 'a');
        const char *bar = strchr(r, '|');
        r = bar ? bar + 1 : NULL;
    }
    return mask;
}

void wd_pinyin_text_free(wd_pinyin_text *t)
{
    if (!t)
        return;
    wd_free(t->cp);
    wd_free(t->py);
    wd_free(t->first);
    memset(t, 0, sizeof *t);
}

int wd_pinyin_text_set(wd_pinyin_text *out, wd_pinyin *p, const char *norm, size_t len,
                       const uint32_t *map, size_t positions)
{
    memset(out, 0, sizeof *out);
    size_t n = positions;
    if (!map) {
        n = 0;
        for (size_t off = 0; off < len; off++)
            n += (((unsigned char)norm[off]) & 0xC0) != 0x80;
    }
    size_t cap = n ? n : 1;
    out->cp = wd_calloc(cap, sizeof *out->cp);
    out->py = wd_calloc(cap, sizeof *out->py);
    out->first = wd_calloc(cap, sizeof *out->first);
    if (!out->cp || !out->py || !out->first) {
        wd_pinyin_text_free(out);
        return WD_ENOMEM;
    }
    out->n = n;
    size_t pos = 0;
    for (size_t off = 0; off < len;) {
        uint32_t c;
        size_t l = wd_utf8_decode(norm + off, len - off, &c);
        size_t at = map ? map[off] : pos++;
        off += l ? l : 1;
        if (at >= n || out->cp[at]) /* a code point normalised to several keeps the first */
            continue;
        out->cp[at] = c == 0xFC ? 'v' : c;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t c = out->cp[i];
        if (c >= 'a' && c <= 'z') {
            out->first[i] = 1u << (c - 'a');
        } else if (c >= 0x80 && (out->py[i] = wd_pinyin_readings(p, c))) {
            out->first[i] = first_letters(out->py[i]);
        }
    }
    return WD_OK;
}

static int is_letter(uint32_t c)
{
    return c >= 'a' && c <= 'z';
}

/* Whether two reading lists share a reading. */
static int share(const char *a, const char *b)
{
    for (const char *x = a; x;) {
        const char *xe = strchr(x, '|');
        size_t xl = xe ? (size_t)(xe - x) : strlen(x);
        for (const char *y = b; y;) {
            const char *ye = strchr(y, '|');
            size_t yl = ye ? (size_t)(ye - y) : strlen(y);
            if (xl == yl && memcmp(x, y, xl) == 0)
                return 1;
            y = ye ? ye + 1 : NULL;
        }
        x = xe ? xe + 1 : NULL;
    }
    return 0;
}

long wd_pinyin_match(const wd_pinyin_text *q, size_t i, const wd_pinyin_text *t, size_t k,
                     int typos, unsigned *budget)
{
    if (k == t->n)
        return (long)i;
    if (i >= q->n || *budget == 0)
        return -1;
    (*budget)--;
    uint32_t c = t->cp[k];
    long x;
    if (!is_letter(c)) {
        /* A character: the same, or a homophone; or, as a typo, another. */
        if (q->cp[i] == c ||
            (t->py[k] && q->py[i] && (t->first[k] & q->first[i]) && share(t->py[k], q->py[i])))
            return wd_pinyin_match(q, i + 1, t, k + 1, typos, budget);
        if (typos > 0 && q->py[i] && c >= 0x80)
            return wd_pinyin_match(q, i + 1, t, k + 1, typos - 1, budget);
        return -1;
    }
    if (!(q->first[i] & (1u << (c - 'a'))))
        return -1;
    if (q->cp[i] == c && (x = wd_pinyin_match(q, i + 1, t, k + 1, typos, budget)) >= 0)
        return x;
    size_t run = 0;
    while (k + run < t->n && is_letter(t->cp[k + run]))
        run++;
    for (const char *r = q->py[i]; r;) {
        const char *bar = strchr(r, '|');
        size_t rl = bar ? (size_t)(bar - r) : strlen(r);
        size_t m = 0;
        while (m < rl && m < run && (uint32_t)(unsigned char)r[m] == t->cp[k + m])
            m++;
        /* The whole syllable; the text ending inside it; its initial. */
        if (m == rl && (x = wd_pinyin_match(q, i + 1, t, k + rl, typos, budget)) >= 0)
            return x;
        if (m == run && m < rl && k + run == t->n)
            return (long)i + 1;
        size_t il = rl > 2 && r[1] == 'h' && (r[0] == 'z' || r[0] == 'c' || r[0] == 's') ? 2 : 1;
        if (il < rl && m >= il && (x = wd_pinyin_match(q, i + 1, t, k + il, typos, budget)) >= 0)
            return x;
        if (il == 2 && m >= 1 && (x = wd_pinyin_match(q, i + 1, t, k + 1, typos, budget)) >= 0)
            return x;
        r = bar ? bar + 1 : NULL;
    }
    return -1;
}

int wd_pinyin_find(const wd_pinyin_text *hay, const wd_pinyin_text *typed, int typos,
                   unsigned budget, size_t *start, size_t *end)
{
    if (typed->n == 0)
        return 0;
    uint32_t c0 = typed->cp[0];
    for (size_t i = 0; i < hay->n; i++) {
        /* The first typed code point rules most starts out at once (unless
         * it may be the typo). */
        if (is_letter(c0) ? !(hay->first[i] & (1u << (c0 - 'a')))
                          : !typos && hay->cp[i] != c0 && !(typed->first[0] & hay->first[i]))
            continue;
        unsigned b = budget;
        long e = wd_pinyin_match(hay, i, typed, 0, typos, &b);
        if (e >= 0) {
            *start = i;
            *end = (size_t)e;
            return 1;
        }
    }
    return 0;
}

/* Tone-less Mandarin syllables, ü as v (and u after l and n, as typed). */
static const char syllables[] =
    " a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can"
    " cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai"
    " chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den"
    " deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang"
    " fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang"
    " gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo"
    " ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken"
    " keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian"
    " liang liao lie lin ling liu lo long lou lu luan lue lun luo lv lve ma mai man mang mao me"
    " mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni"
    " nian niang niao nie nin ning niu nong nou nu nuan nue nun nuo nv nve o ou pa pai pan pang"
    " pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing"
    " qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa"
    " sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua"
    " shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te"
    " teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu"
    " xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin"
    " ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang"
    " zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong"
    " zou zu zuan zui zun zuo ";

static int is_syllable(const char *s, size_t n)
{
    char key[10];
    if (n == 0 || n > 6)
        return 0;
    key[0] = ' ';
    memcpy(key + 1, s, n);
    key[n + 1] = ' ';
    key[n + 2] = 0;
    return strstr(syllables, key) != NULL;
}

int wd_pinyin_is_pinyin(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    int initials = n >= 2;
    for (size_t i = 0; i < n; i++) {
        if (!is_letter((unsigned char)s[i]))
            return 0;
        if (strchr("aeiouv", s[i]))
            initials = 0;
    }
    if (initials)
        return 1;
    /* Whole syllables: can[i] when s[0..i) splits into syllables. */
    unsigned char can[65] = { 1 };
    for (size_t i = 0; i < n; i++)
        for (size_t l = 1; can[i] && l <= 6 && i + l <= n; l++)
            if (is_syllable(s + i, l))
                can[i + l] = 1;
    return can[n];
}
