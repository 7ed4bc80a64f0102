/*
 * numbers.c - numbers, amounts and durations read for matching: the
 * Arabic digit runs of the analyzer's number rules, Chinese numerals, and
 * a small table of units, so that 三十岁 and 30岁, 一百元 and 100块, 两周
 * and 十四天, 一季度 and 三个月 give a term in common (see numbers.h).
 *
 * A Chinese numeral is read the usual way: digits (零〇 一 二两 三 ... 九)
 * times the multipliers 十 百 千 inside a section, sections closed by 万
 * and 亿 (两千三百万 = 23000000), 零 a place holder (一百零五 = 105), a last
 * digit after 百 千 or 万 one place down (一万五 = 15000, 三百五 = 350), a
 * leading 十 is 一十 (十四 = 14); digits alone are a number only in the
 * positional form of years (二〇一七), and two digits side by side (三四天,
 * an estimate) are none. An Arabic number may be followed by multipliers
 * (3万, 1.5万, 5千万). 半 is 0.5 before a unit that takes halves.
 *
 * Units (after an optional 个): durations are counted in 天 (天, 日, 周 =
 * 星期 = 礼拜 = 7 天), in 个月 (个月, 季度 = 3, 年 = 12 where it is a
 * duration: at most 100 and not 年级 年代 年度 年初 年底 年末), 小时 and 分钟;
 * ages in 岁 (岁, 周岁), amounts in 元 (元, 块, 圆), the hour of a clock in
 * 点 (1 to 24). A bare 月 is a month's name (三月), never a duration; 日
 * after 月 is a date; 一块 (together) and 一点 (a little) are no amounts or
 * hours; a numeral after 第 is an ordinal and is not read.
 */
#include "numbers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
    CP_GE = 0x4E2A,   /* 个 */
    CP_HALF = 0x534A, /* 半 */
    CP_ORD = 0x7B2C,  /* 第 */
    CP_TEN = 0x5341,  /* 十 */
    CP_YUE = 0x6708,  /* 月 */
    CP_NIAN = 0x5E74, /* 年 */
};

size_t wd_number_end(const uint32_t *cp, size_t k, size_t j)
{
    size_t q = k;
    while (q < j && wd_is_digit(cp[q]))
        q++;
    while (q > k && q + 1 < j && (cp[q] == '.' || cp[q] == ',') && wd_is_digit(cp[q + 1])) {
        q++;
        while (q < j && wd_is_digit(cp[q]))
            q++;
    }
    return q;
}

/* 0..9 for a Chinese digit, -1 otherwise. */
static int cn_digit(uint32_t c)
{
    switch (c) {
    case 0x3007: /* 〇 */
    case 0x96F6: /* 零 */ return 0;
    case 0x4E00: /* 一 */ return 1;
    case 0x4E8C: /* 二 */
    case 0x4E24: /* 两 */ return 2;
    case 0x4E09: /* 三 */ return 3;
    case 0x56DB: /* 四 */ return 4;
    case 0x4E94: /* 五 */ return 5;
    case 0x516D: /* 六 */ return 6;
    case 0x4E03: /* 七 */ return 7;
    case 0x516B: /* 八 */ return 8;
    case 0x4E5D: /* 九 */ return 9;
    default: return -1;
    }
}

/* The multiplier a character stands for, 0 for none. */
static double cn_mult(uint32_t c)
{
    switch (c) {
    case CP_TEN: return 10;
    case 0x767E: /* 百 */ return 100;
    case 0x5343: /* 千 */ return 1000;
    case 0x4E07: /* 万 */ return 1e4;
    case 0x4EBF: /* 亿 */ return 1e8;
    default: return 0;
    }
}

static int numeral_char(uint32_t c)
{
    return wd_is_digit(c) || cn_digit(c) >= 0 || cn_mult(c) > 0 || c == CP_HALF;
}

int wd_numeral_start(const uint32_t *cp, size_t k)
{
    uint32_t c = cp[k];
    if (!wd_is_digit(c) && cn_digit(c) < 0 && c != CP_TEN && c != CP_HALF)
        return 0;
    if (k == 0)
        return 1;
    uint32_t p = cp[k - 1];
    if (numeral_char(p) || p == CP_ORD)
        return 0;
    /* "h1n1", "b12", "1.5": an Arabic number inside a word or a number */
    if (wd_is_digit(c) && p < 0x80 && (p | 0x20) >= 'a' && (p | 0x20) <= 'z')
        return 0;
    if (wd_is_digit(c) && (p == '.' || p == ',') && k >= 2 && wd_is_digit(cp[k - 2]))
        return 0;
    return 1;
}

/* A Chinese numeral at cp[k]: its end (k when there is none), *v its value,
 * *positional 1 for the digit-by-digit form of a year. */
static size_t read_chinese(const uint32_t *cp, size_t n, size_t k, double *v, int *positional)
{
    *positional = 0;
    size_t q = k;
    while (q < n && cn_digit(cp[q]) >= 0)
        q++;
    if (q - k >= 2 && (q >= n || cn_mult(cp[q]) == 0)) {
        /* digits alone: a year's positional form (二〇一七), with a zero */
        int zero = 0;
        double x = 0;
        for (size_t i = k; i < q; i++) {
            zero |= cn_digit(cp[i]) == 0;
            x = x * 10 + cn_digit(cp[i]);
        }
        if (!zero || q - k < 3 || q - k > 4)
            return k;
        *v = x;
        *positional = 1;
        return q;
    }
    double yi = 0, wan = 0, cur = 0, lastm = 0;
    int pend = -1, zero = 0;
    for (q = k; q < n; q++) {
        int d = cn_digit(cp[q]);
        double m = cn_mult(cp[q]);
        if (d == 0) {
            if (pend >= 0)
                return k;
            zero = 1;
        } else if (d > 0) {
            if (pend >= 0)
                return k; /* 三四: an estimate */
            pend = d;
        } else if (m > 0 && m < 1e4) {
            if (pend < 0 && m == 10 && (q == k || zero))
                pend = 1; /* 十四, 一百零十 */
            if (pend < 0 || (lastm && lastm < 1e4 && m >= lastm))
                return k;
            cur += pend * m;
            pend = -1;
            lastm = m;
            zero = 0;
        } else if (m == 1e4) {
            double sec = cur + (pend > 0 ? pend : 0);
            if (sec == 0 || wan > 0)
                return k;
            wan = sec * 1e4;
            cur = 0;
            pend = -1;
            lastm = m;
            zero = 0;
        } else if (m == 1e8) {
            double sec = wan + cur + (pend > 0 ? pend : 0);
            if (sec == 0 || yi > 0)
                return k;
            yi = sec * 1e8;
            wan = cur = 0;
            pend = -1;
            lastm = m;
            zero = 0;
        } else {
            break;
        }
    }
    if (pend > 0) /* 一万五, 三百五: one place down; 一百零五: units */
        cur += !zero && lastm >= 100 ? pend * lastm / 10 : pend;
    *v = yi + wan + cur;
    return q;
}

/* An Arabic number at cp[k] (commas only as thousands: "1,100"): its end,
 * k when there is none. */
static size_t read_arabic(const uint32_t *cp, size_t n, size_t k, double *v)
{
    size_t q = wd_number_end(cp, k, n);
    char buf[32];
    size_t b = 0;
    int dot = 0;
    for (size_t i = k; i < q; i++) {
        if (cp[i] == ',') {
            size_t d = i + 1;
            while (d < q && wd_is_digit(cp[d]))
                d++;
            if (dot || d - i != 4)
                return k;
            continue;
        }
        if (cp[i] == '.' && dot++)
            return k; /* 2017.06.16 */
        if (b + 1 >= sizeof buf)
            return k;
        buf[b++] = (char)cp[i];
    }
    buf[b] = '\0';
    if (sscanf(buf, "%lf", v) != 1)
        return k;
    return q;
}

enum {
    U_GE = 1,      /* only after 个 (月) */
    U_NO_GE = 2,   /* never after 个 */
    U_HALF = 4,    /* takes 半 (半年, 两个半月, 一年半) */
    U_DAY = 8,     /* 日: not after 月 (a date) */
    U_WEEK = 16,   /* 周: not 周年 */
    U_YEAR = 32,   /* 年: a duration only */
    U_NOT_ONE = 64 /* 块: not 一块 (together) */
};

typedef struct unit {
    uint32_t cp[2]; /* the unit's characters, cp[1] 0 for one */
    const char *canon;
    double factor;
    unsigned flags;
} unit;

/* Longer units first (周岁 before 周). */
static const unit units[] = {
    { { 0x5468, 0x5C81 }, "岁", 1, 0 },              /* 周岁 */
    { { 0x661F, 0x671F }, "天", 7, 0 },              /* 星期 */
    { { 0x793C, 0x62DC }, "天", 7, 0 },              /* 礼拜 */
    { { 0x5B63, 0x5EA6 }, "个月", 3, 0 },            /* 季度 */
    { { 0x5C0F, 0x65F6 }, "小时", 1, U_HALF },       /* 小时 */
    { { 0x5206, 0x949F }, "分钟", 1, 0 },            /* 分钟 */
    { { 0x5C81, 0 }, "岁", 1, U_HALF },              /* 岁 */
    { { 0x5929, 0 }, "天", 1, U_HALF },              /* 天 */
    { { 0x65E5, 0 }, "天", 1, U_DAY },               /* 日 */
    { { 0x5468, 0 }, "天", 7, U_WEEK },              /* 周 */
    { { CP_NIAN, 0 }, "个月", 12, U_YEAR | U_HALF }, /* 年 */
    { { CP_YUE, 0 }, "个月", 1, U_GE | U_HALF },     /* 月 */
    { { 0x5143, 0 }, "元", 1, U_NO_GE },             /* 元 */
    { { 0x5757, 0 }, "元", 1, U_NO_GE | U_NOT_ONE }, /* 块 */
    { { 0x5706, 0 }, "元", 1, U_NO_GE },             /* 圆 */
    { { 0x70B9, 0 }, "点", 1, U_NO_GE | U_NOT_ONE }, /* 点 */
};

/* What must not follow 年 for it to be a duration. */
static int year_word(uint32_t c)
{
    return c == 0x7EA7 || c == 0x4EE3 || c == 0x5EA6 || c == 0x521D || c == 0x5E95 || c == 0x672B;
}

/* v in Arabic digits: an integer as such, else at most 4 decimals. */
static int format_number(char *out, size_t cap, double v)
{
    if (!(v >= 0) || v >= 1e15)
        return 0;
    int n;
    if (v == floor(v)) {
        n = snprintf(out, cap, "%.0f", v);
    } else {
        n = snprintf(out, cap, "%.4f", v);
        while (n > 0 && out[n - 1] == '0')
            out[--n] = '\0';
    }
    return n > 0 && (size_t)n < cap;
}

int wd_numexpr_read(const uint32_t *cp, size_t n, size_t k, wd_numexpr *e)
{
    memset(e, 0, sizeof *e);
    double v = 0;
    int positional = 0, chinese = 0, half = 0;
    size_t q;
    if (cp[k] == CP_HALF) {
        half = 1;
        v = 0.5;
        q = k + 1;
    } else if (wd_is_digit(cp[k])) {
        q = read_arabic(cp, n, k, &v);
        if (q == k)
            return 0;
        for (; q < n && cn_mult(cp[q]) >= 100; q++) { /* 3万, 1.5万 */
            v *= cn_mult(cp[q]);
            chinese = 1;
        }
    } else {
        q = read_chinese(cp, n, k, &v, &positional);
        if (q == k)
            return 0;
        chinese = 1;
    }
    size_t nchars = q - k;
    /* the unit, after an optional 个 (and 半: 两个半月) */
    size_t u = q;
    int ge = 0, mid_half = 0;
    if (u < n && cp[u] == CP_GE) {
        ge = 1;
        u++;
        if (!half && u < n && cp[u] == CP_HALF) {
            mid_half = 1;
            u++;
        }
    }
    const unit *un = NULL;
    size_t ue = u;
    for (size_t i = 0; u < n && i < sizeof units / sizeof units[0]; i++) {
        const unit *t = &units[i];
        if (cp[u] != t->cp[0] || (t->cp[1] && (u + 1 >= n || cp[u + 1] != t->cp[1])))
            continue;
        size_t end = u + (t->cp[1] ? 2 : 1);
        unsigned f = t->flags;
        if (((f & U_GE) && !ge) || ((f & U_NO_GE) && ge) || ((half || mid_half) && !(f & U_HALF)))
            break;
        if ((f & U_DAY) && k > 0 && cp[k - 1] == CP_YUE)
            break;
        if ((f & U_WEEK) && end < n && cp[end] == CP_NIAN)
            break;
        if ((f & U_YEAR) && (positional || v > 100 || (end < n && year_word(cp[end]))))
            break;
        if ((f & U_NOT_ONE) && chinese && v == 1)
            break;
        if (t->cp[0] == 0x70B9 && (v != floor(v) || v < 1 || v > 24))
            break; /* 点: an hour of the clock */
        un = t;
        ue = end;
        break;
    }
    if (half && !un)
        return 0;
    if (un) {
        double x = v + (mid_half ? 0.5 : 0);
        if ((un->flags & U_HALF) && !half && !mid_half && ue < n && cp[ue] == CP_HALF) {
            x += 0.5; /* 一年半 */
            ue++;
        }
        char num[32];
        if (!format_number(num, sizeof num, x * un->factor))
            return 0;
        snprintf(e->unit, sizeof e->unit, "%s%s", num, un->canon);
    }
    if (chinese && !half && nchars >= 2 && !format_number(e->num, sizeof e->num, v))
        e->num[0] = '\0';
    if (!e->unit[0] && !e->num[0])
        return 0;
    e->start = k;
    e->end = un ? ue : q;
    return 1;
}
