/*
 * lexparse.h - the line formats of the dictionary files (private to dict/),
 * shared by the runtime loader and the build-time generator so that a file
 * means the same thing in both places.
 *
 *   lexicon.txt, user.txt, the general list:  word [freq [tag]]
 *   stopwords.txt:                            word
 *   synonyms.txt:                             word word [word ...]
 *
 * UTF-8 (a leading BOM is ignored), one entry a line, fields separated by
 * spaces or tabs; blank lines and lines starting with '#' are skipped. Each
 * line is normalised as the analyzer normalises text before it is split,
 * so full-width or Traditional entries match what the analyzer produces.
 */
#ifndef WENDA_DICT_LEXPARSE_H
#define WENDA_DICT_LEXPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "norm.h"
#include "wenda/error.h"

enum wd_lex_kind { WD_LEX_WORDS = 0, WD_LEX_STOP = 1, WD_LEX_SYN = 2 };

/* Called once per entry with the normalised words (NUL-terminated,
 * borrowed for the call), their count, the frequency (0 when the line has
 * none) and the 1-based line number. Non-zero return stops the parse and
 * is returned. */
typedef int (*wd_lex_fn)(void *ctx, const char *const *words, size_t nwords, uint32_t freq,
                         unsigned line, wd_error *err);

/* Parse text[0..len) of the file `name` (used in messages: "name:line:
 * ..."). Bad lines give WD_EFORMAT. */
int wd_lex_parse(int kind, const char *name, const char *text, size_t len, wd_norm *nm,
                 wd_lex_fn fn, void *ctx, wd_error *err);

#endif
