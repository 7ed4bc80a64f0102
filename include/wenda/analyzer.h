/*
 * wenda/analyzer.h - the one text analyzer that both indexing and querying
 * call: Unicode normalisation (NFKC, full-width to half-width, case folding,
 * Traditional to Simplified), ICU word breaking, then the dictionary layer
 * that merges ICU's fragments into the domain's words.
 *
 * Tokens arrive in order through a callback, each with its normalised text,
 * a position and byte offsets into the ORIGINAL (un-normalised) text, so
 * snippets and highlights can be cut from what the user wrote.
 *
 * Objects:
 *   wd_dict     - the dictionaries (lexicons, stop words, synonyms).
 *                 Immutable once loaded: share one across threads.
 *   wd_analyzer - per-thread working state (ICU break iterator, buffers)
 *                 over a borrowed wd_dict. Not thread safe: one per thread.
 */
#ifndef WENDA_ANALYZER_H
#define WENDA_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/buf.h"
#include "wenda/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Latin letter and digit runs are kept whole up to this many bytes; a longer
 * run is cut into pieces of at most this length (at code-point boundaries). */
#define WD_MAX_WORD_BYTES 64

typedef struct wd_dict wd_dict;
typedef struct wd_analyzer wd_analyzer;

/* Where a token's word came from (for `wenda dict check`). */
enum wd_token_source {
    WD_SRC_NONE = 0,    /* Latin/digit run or other non-CJK word from ICU */
    WD_SRC_ICU = 1,     /* a CJK word as ICU's own dictionary broke it */
    WD_SRC_DOMAIN = 2,  /* our domain lexicon (dict/) */
    WD_SRC_GENERAL = 3, /* the general Chinese word list */
    WD_SRC_USER = 4,    /* the user's overlay (wenda dict add) */
    WD_SRC_CHAR = 5,    /* a single CJK character, no word known */
    WD_SRC_HMM = 6      /* an unknown word the HMM found in a run of single
                           characters (jieba's finalseg model) */
};

/* The source's short name: "icu", "domain", "general", "user", "char",
 * "hmm"; "other" for WD_SRC_NONE and anything else. */
const char *wd_token_source_name(int source);

/* Token flags. */
#define WD_TOKEN_SUBWORD                                                                           \
    0x1u /* index mode: a part of the previous primary
                                  token, emitted at the same position */
#define WD_TOKEN_STOP                                                                              \
    0x2u                      /* a function word or question particle
                                  (吗 呢 的 了 怎么 什么 ...) */
#define WD_TOKEN_CJK 0x4u     /* made of CJK ideographs */
#define WD_TOKEN_NUMERIC 0x8u /* a digit run */
/* Index mode: a canonical form of a number expression, for matching only,
 * not text of the input (三十岁 -> "30" "30岁", 两周 -> "14天", 一百元 ->
 * "100元"); always also WD_TOKEN_SUBWORD, at the position of the word the
 * expression starts in. */
#define WD_TOKEN_CANONICAL 0x10u

typedef struct wd_token {
    const char *text;  /* normalised UTF-8, NOT NUL-terminated; borrowed,
                         valid only during the callback */
    size_t len;        /* bytes in text */
    size_t start;      /* byte offset of the token in the original text */
    size_t end;        /* byte offset just past it */
    uint32_t position; /* 0-based; sub-words share their word's position */
    unsigned flags;    /* WD_TOKEN_* */
    int source;        /* enum wd_token_source */
} wd_token;

/* Non-zero return stops the analysis; wd_analyze returns that value. */
typedef int (*wd_token_fn)(void *ctx, const wd_token *tok);

enum wd_analyze_mode {
    WD_ANALYZE_QUERY = 0, /* best segmentation only */
    WD_ANALYZE_INDEX = 1  /* also sub-words of long words, colocated
                             (search-mode segmentation) */
};

/* Load dictionaries. `dir` NULL: the built-in dictionaries (compiled into
 * the library), overlaid with $WENDA_DICT if that is set. Otherwise the
 * directory's lexicon.txt and stopwords.txt replace the built-in ones where
 * present (missing files fall back to built-in), its synonyms.txt groups
 * are added to the built-in groups, and a user.txt overlay is read when
 * present. *out is new, NULL on failure (WD_ENOTFOUND for a missing dir,
 * WD_EFORMAT naming file and line for a bad entry). */
int wd_dict_load(wd_dict **out, const char *dir, wd_error *err);
void wd_dict_free(wd_dict *d);
/* A stable version string of what decides segmentation (the analyzer, the
 * lexicons and stop words; not the synonym groups, which change no
 * segmentation), which the index records. Borrowed. */
const char *wd_dict_version(const wd_dict *d);
/* 1 when the normalised word is a stop word / question particle. */
int wd_dict_is_stopword(const wd_dict *d, const char *word, size_t len);
/* Synonyms of a normalised word (not including itself): *out receives a
 * borrowed array of `*n` NUL-terminated words, valid while d lives. Returns
 * 0 when none. */
size_t wd_dict_synonyms(const wd_dict *d, const char *word, size_t len, const char *const **out);
/* The words a synonym (as wd_dict_synonyms hands it out, or any member of a
 * group) is indexed as when the analyzer splits it: 醉酒驾驶 -> 醉酒 驾驶.
 * *out receives a borrowed array of that many NUL-terminated words in text
 * order, valid while d lives. Returns 0 (and *out NULL) when the synonym is
 * one word, a term as it stands. A group's members are never made lexicon
 * words, so a synonym is matched in an index as these words in sequence. */
size_t wd_dict_synonym_parts(const wd_dict *d, const char *syn, size_t len,
                             const char *const **out);
/* Every group member the analyzer splits (those wd_dict_synonym_parts has
 * words for): *out receives a borrowed array of that many NUL-terminated
 * words, valid while d lives (NULL when none). A question that says one
 * holds no word for it, only its parts: the query side looks for these in
 * the question's text to bring in their groups. */
size_t wd_dict_split_synonyms(const wd_dict *d, const char *const **out);
/* The overlay's file of word associations taken out (`wenda dict assoc
 * remove`): one pair a line, "WORD OTHER". */
#define WD_DICT_ASSOC_REMOVED "assoc-removed.txt"
/* 1 when the association of the normalised words a and b (either way) was
 * taken out in the overlay (WD_DICT_ASSOC_REMOVED). */
int wd_dict_assoc_removed(const wd_dict *d, const char *a, size_t alen, const char *b, size_t blen);
/* How common a normalised word is in general Chinese: its natural-log
 * probability in the general word list (jieba's frequencies), a background
 * model that does not depend on any knowledge base. A word the list does
 * not hold (a rare or domain term, a number, a Latin word) gets log(0.5 /
 * total): rarer than any listed word. Always < 0. */
double wd_dict_general_logp(const wd_dict *d, const char *word, size_t len);
/* Each lexicon word of the loaded dictionaries (normalised, NOT
 * NUL-terminated; borrowed for the call) with its source (WD_SRC_DOMAIN:
 * the built-in or --dict lexicon; WD_SRC_USER: user.txt) and the frequency
 * its line gives (0: none), in no particular order. A non-zero return of fn
 * stops the walk and is returned; else WD_OK. */
typedef int (*wd_dict_word_fn)(void *ctx, const char *word, size_t len, int source, uint32_t freq);
int wd_dict_each_word(const wd_dict *d, wd_dict_word_fn fn, void *ctx);
/* Each synonym group, in load order: its members (normalised,
 * NUL-terminated, in the order of their line; the array and the words are
 * borrowed for the call) and where it came from (WD_SRC_DOMAIN: built in;
 * WD_SRC_USER: a folder's synonyms.txt). Return as wd_dict_each_word. */
typedef int (*wd_dict_group_fn)(void *ctx, const char *const *members, size_t n, int source);
int wd_dict_each_synonym_group(const wd_dict *d, wd_dict_group_fn fn, void *ctx);
/* Count of lexicon entries (all sources). */
size_t wd_dict_size(const wd_dict *d);

int wd_analyzer_new(wd_analyzer **out, const wd_dict *dict, wd_error *err);
void wd_analyzer_free(wd_analyzer *a);

/* Switch the dictionary layer off (0) or on (1, the default). Off, CJK text
 * comes out exactly as ICU's word breaker splits it (after normalisation):
 * the "ICU alone" baseline of the evaluation. */
void wd_analyzer_set_dictionary_layer(wd_analyzer *a, int on);

/* ICU's word break iterator alone over text[0..len), read as UTF-8 where it
 * lies (no normalisation, no dictionary layer, no tokens): *nwords gets the
 * number of segments ICU marks as words. The speed the analyzer is measured
 * against (tools/bench/analyze-speed); uses a's break iterator. WD_OK or an
 * error. */
int wd_analyzer_icu_words(wd_analyzer *a, const char *text, size_t len, size_t *nwords,
                          wd_error *err);

/* Analyse text[0..len). Invalid UTF-8 bytes are skipped (never passed on),
 * as are punctuation and spaces. Returns WD_OK, an error code, or the
 * callback's non-zero return. */
int wd_analyze(wd_analyzer *a, int mode, const char *text, size_t len, wd_token_fn fn, void *ctx,
               wd_error *err);

/* wd_analyze, also appending the normalised text (exactly what wd_normalize
 * gives for the same input) to *norm, so that a caller who needs both the
 * words and the normalised characters analyses the text once. norm may be
 * NULL (= wd_analyze); an allocation failure sets norm->oom and returns
 * WD_ENOMEM. */
int wd_analyze_norm(wd_analyzer *a, int mode, const char *text, size_t len, wd_token_fn fn,
                    void *ctx, wd_buf *norm, wd_error *err);

/* Normalise text the way the analyzer does before breaking (NFKC, width,
 * case, Traditional->Simplified) into *out (new, NUL-terminated). */
int wd_normalize(wd_analyzer *a, const char *text, size_t len, char **out, size_t *out_len,
                 wd_error *err);

/* Normalise text as wd_normalize does and map every normalised code point
 * back to the original: (*cps)[k] came from original bytes
 * [(*starts)[k], (*ends)[k]). The three arrays are new (wd_free each), all
 * NULL on failure. Used to find query words in display text without
 * segmenting it. */
int wd_normalize_map(wd_analyzer *a, const char *text, size_t len, uint32_t **cps, size_t **starts,
                     size_t **ends, size_t *n, wd_error *err);

/* wd_normalize and the map of wd_normalize_map in one call, the map only
 * where it says something: *spans (new, wd_free) is NULL when normalised
 * code point k came from exactly the k-th code point of text, for every k
 * (text is valid UTF-8 and no character became several, several one, or
 * shares its span with a combining mark: nearly every text), so that the
 * map is had by decoding both; else normalised code point k came from
 * original bytes [(*spans)[2k], (*spans)[2k + 1]), for k < *n_spans. *out
 * is new (NUL-terminated). len is at most UINT32_MAX (WD_EINVAL beyond). On
 * failure *out and *spans are NULL. */
int wd_normalize_spans(wd_analyzer *a, const char *text, size_t len, char **out, size_t *out_len,
                       uint32_t **spans, size_t *n_spans, wd_error *err);

#ifdef __cplusplus
}
#endif
#endif
