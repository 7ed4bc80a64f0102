/*
 * qkind.h - private to query/: what a question asks, as opposed to what it
 * is about: the kinds of question it asks (cost, yes/no, how, what to do,
 * when, where, why, ...), whether it is negated, and the numbers it names.
 * The same-question confidence compares these between two questions
 * (similarity.c): 多少钱 and 怎么办 about the same thing are different
 * questions.
 *
 * Thread safety: the tables are constant (their lookup chains are made
 * once, under pthread_once); functions keep no other state.
 */
#ifndef WENDA_QUERY_QKIND_H
#define WENDA_QUERY_QKIND_H

#include <stddef.h>

#define WD_QKIND_PATTERNS 126 /* entries of the pattern table (qkind.c checks it) */

typedef struct wd_qkind {
    unsigned types;                           /* the kinds asked, one bit each */
    unsigned char matched[WD_QKIND_PATTERNS]; /* which patterns occur */
    int neg;                                  /* negated (an odd number of negations) */
    char *nums; /* the digit runs, sorted, '\x1f'-joined (new); NULL when none */
} wd_qkind;

/* Scan a normalised text of word characters. WD_ENOMEM (k is then empty). */
int wd_qkind_scan(const char *norm, size_t nlen, wd_qkind *k);
void wd_qkind_free(wd_qkind *k);
/* 1 when word is part of, or contains, a pattern that occurs in the text
 * (病因, 怎么办, 多少钱): such a word counts for the kind of question, not
 * as a word the other question must hold. */
int wd_qkind_asks_with(const wd_qkind *k, const char *word);

#endif
