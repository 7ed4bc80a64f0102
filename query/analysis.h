/*
 * analysis.h - private to query/: a question analysed once, in the form
 * every later stage reads.
 *
 * The asked question and each candidate record's question go through the
 * analyzer once, in index mode (so long words bring their sub-words), and
 * come out as a wd_qtext: its distinct words, sub-words, particles and CJK
 * character n-grams (characters and bigrams of runs of CJK words, the terms
 * the index keeps under "XB"), each with its kind, query frequency, first
 * position and hash; the places the question names; and its normalised
 * text. The match builds its query from it, the re-ranking compares two of
 * them, the same-question confidence reads its primary words (the tokens of
 * the analyzer's query mode, in their order) and its normalised characters,
 * and the snippets highlight its words. Nothing analyses the same text twice.
 *
 * Thread safety: a wd_qtext is a plain value; the analyzer is the caller's.
 */
#ifndef WENDA_QUERY_ANALYSIS_H
#define WENDA_QUERY_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "places.h"
#include "wenda/analyzer.h"
#include "wenda/bigram.h"
#include "wenda/error.h"

enum wd_qword_kind {
    WD_QK_WORD = 0,    /* a whole word */
    WD_QK_SUBWORD = 1, /* a part of a longer word (index mode) */
    WD_QK_STOP = 2,    /* a particle or function word */
    WD_QK_NGRAM = 3    /* a CJK character or character bigram */
};

#define WD_QW_NOT_PRIMARY UINT32_MAX

typedef struct wd_qword {
    const char *text; /* normalised, NUL-terminated; owned by the qtext */
    size_t len;
    int kind;         /* enum wd_qword_kind; a text seen as several kinds keeps the strongest
                         (word beats sub-word beats particle); n-grams are apart */
    uint32_t wqf;     /* occurrences */
    uint32_t pos;     /* 1-based position of the first occurrence */
    uint64_t hash;    /* wd_hash_bytes of the text */
    uint32_t primary; /* rank of its first occurrence as a primary (not sub-word) token
                         among the distinct primary tokens, or WD_QW_NOT_PRIMARY */
    int primary_stop; /* that occurrence was a particle */
    /* the word's dictionary synonyms (wd_qtext_synonyms; none for n-grams) */
    const char *const *syns; /* borrowed from the dictionary */
    size_t nsyn;
} wd_qword;

typedef struct wd_qtext {
    wd_qword *w;
    size_t n, cap;
    size_t content;    /* occurrences of whole words that are not particles */
    uint32_t nprimary; /* distinct primary tokens */
    char *norm;        /* the whole text normalised (as wd_normalize gives it) */
    size_t nlen;
    wd_placeset places; /* the places its words name */
    /* private */
    char *block; /* a packed qtext: w, texts and norm in this one allocation */
    int oom;
    wd_bigrams bg;
} wd_qtext;

/* Analyse text[0..len) into *q (zeroed first). WD_ENOMEM or the analyzer's
 * error; *q is empty (and needs no free) on failure. */
int wd_qtext_analyse(wd_qtext *q, wd_analyzer *an, const char *text, size_t len, wd_error *err);
/* The most of a question that is searched for: a question of more than
 * WD_QUESTION_MAX_TEXT bytes, or more distinct words (particles included,
 * sub-words not) than WD_QUESTION_MAX_WORDS, or more entries (with sub-words
 * and n-grams) than WD_QUESTION_MAX_TERMS is trimmed to its
 * WD_QUESTION_MAX_WORDS most informative words, chosen from its first
 * WD_QUESTION_MAX_BYTES. No question of the evaluation sets comes near (the
 * longest has 75 characters, 225 bytes). */
#define WD_QUESTION_MAX_TEXT 1024
#define WD_QUESTION_MAX_WORDS 64
#define WD_QUESTION_MAX_TERMS 512
#define WD_QUESTION_MAX_BYTES 65536

/* How informative a word of a question is (higher: more), from how often
 * the question says it (w->wqf) and how rare it is among the records;
 * particles are never asked. */
typedef double (*wd_qword_weight_fn)(void *ctx, const wd_qword *w);
/* 1 when an analysed question has too many words or entries (above). */
int wd_qtext_too_long(const wd_qtext *q);
/* Make q its WD_QUESTION_MAX_WORDS most informative distinct words:
 * particles last, then by weight, then by occurrences, then by first
 * occurrence. Only the 4 * WD_QUESTION_MAX_WORDS words the question says
 * most often (then first) are weighed, so a question of thousands of words
 * costs that many index lookups at most. The words kept, in their order and
 * apart (so no n-gram spans two of them), are analysed into q. WD_ENOMEM or
 * the analyzer's error; q is then as it was. */
int wd_qtext_trim(wd_qtext *q, wd_analyzer *an, wd_qword_weight_fn weight, void *ctx,
                  wd_error *err);
/* A question of more than WD_QUESTION_MAX_TEXT bytes analysed and trimmed:
 * its words (without sub-words or n-grams, which its trimmed form is given
 * anew) found in its first WD_QUESTION_MAX_BYTES, then wd_qtext_trim. *q
 * as wd_qtext_analyse gives it (empty, needing no free, on failure). */
int wd_qtext_analyse_long(wd_qtext *q, wd_analyzer *an, const char *text, size_t len,
                          wd_qword_weight_fn weight, void *ctx, wd_error *err);
/* Look up each word's synonyms in d (borrowed; must outlive q). */
void wd_qtext_synonyms(wd_qtext *q, const wd_dict *d);
/* A copy of q in one allocation (synonyms not kept): *out is filled;
 * *bytes (if given) gets its size. WD_ENOMEM. */
int wd_qtext_pack(const wd_qtext *q, wd_qtext *out, size_t *bytes);
/* ---- the stored form (index schema 3) ----------------------------------------------
 *
 * The indexer stores each record's question as the analyzer read it
 * (schema.h's WD_VALUE_QUESTION), so that a search makes the candidates'
 * analyses from that instead of analysing their questions again. An
 * analysis depends on the analyzer's dictionaries and on its dictionary
 * layer: each stored form carries the stamp of both (and of the form
 * itself), and is read only by a searcher whose stamp is the same; any
 * other searcher analyses the question. The places are found again from
 * the words, with the reading binary's place table. */

/* The stamp of analyses made with the dictionaries of version dict_version
 * (wd_dict_version) with the dictionary layer on (1) or off (0). */
uint64_t wd_qtext_stamp(const char *dict_version, int layer);
/* Analyse text[0..len) as wd_qtext_analyse does, passing each token to
 * tap(ctx, token) (the indexer makes its postings from them), and append
 * the stored form of its analysis, with stamp, to out (nothing in the rare
 * case of tokens the form cannot hold: searches analyse that question).
 * WD_ENOMEM, the analyzer's error, or tap's non-zero return. */
int wd_qtext_store(wd_analyzer *an, const char *text, size_t len, wd_token_fn tap, void *ctx,
                   uint64_t stamp, wd_buf *out, wd_error *err);
/* The analysis of text[0..len) (the question as the record holds it) from
 * data[0..dlen), its stored form, when that carries `stamp`: *out as
 * wd_qtext_pack(wd_qtext_analyse(text)) gives it, *bytes (if given) its
 * size. WD_ENOTFOUND when data is empty or carries another stamp or form
 * (the caller analyses the question instead), WD_ECORRUPT when it is cut
 * short or out of bounds, WD_ENOMEM; *out is then empty. */
int wd_qtext_decode(const char *data, size_t dlen, const char *text, size_t len, uint64_t stamp,
                    wd_qtext *out, size_t *bytes);

/* Free what q owns; q is empty after. */
void wd_qtext_free(wd_qtext *q);

/* The index of the word (not n-gram) with this text, or -1. */
long wd_qtext_find_word(const wd_qtext *q, const char *text, size_t len, uint64_t hash);

#endif
