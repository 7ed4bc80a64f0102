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
