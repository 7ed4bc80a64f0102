/*
 * numbers.h - numbers, amounts and durations (private to dict/): the digit
 * runs the analyzer's number rules cut (wd_number_end), and Chinese or
 * Arabic numerals with a unit read as a canonical form for matching
 * (wd_numexpr_read): 三十岁 -> "30" "30岁", 两周 -> "14天", 1.5万元 ->
 * "15000" "15000元". The canonical forms are extra terms; the text is
 * never changed.
 */
#ifndef WENDA_DICT_NUMBERS_H
#define WENDA_DICT_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

static inline int wd_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* End of the Arabic number at the start of cp[k, j): digits, with decimal
 * or thousands parts ("0.3", "1,100"); k when there is none. */
size_t wd_number_end(const uint32_t *cp, size_t k, size_t j);

/* Canonical forms of one number expression. */
typedef struct wd_numexpr {
    size_t start, end; /* code points [start, end) it was read from */
    char num[32];      /* the number in Arabic digits ("30", "15000", "0.5"),
                          "" when the text already says it so */
    char unit[48];     /* number and canonical unit ("30岁", "14天", "3个月",
                          "100元", "10点"), "" when there is no unit */
} wd_numexpr;

/* Read a number expression starting at cp[k] (cp holds n normalised code
 * points): a Chinese numeral (零〇一二两三...九 十百千万亿: 三十, 一百零五,
 * 一万五, 二〇一七), an Arabic number with Chinese multipliers (3万, 1.5万),
 * or 半, then optionally 个 and a unit of the table in numbers.c. Returns
 * 1 and fills *e when there is something to emit, else 0. k must be where
 * a numeral starts (the caller steps over the rest of a numeral run). */
int wd_numexpr_read(const uint32_t *cp, size_t n, size_t k, wd_numexpr *e);

/* Does a numeral (Arabic digit or Chinese numeral character) start at
 * cp[k]? The caller looks for expressions only at these. */
int wd_numeral_start(const uint32_t *cp, size_t k);

#endif
