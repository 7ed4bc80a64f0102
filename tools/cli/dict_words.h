/* dict_words.h - private: `wenda dict list` (the lexicon words in force)
 * and `wenda dict remove` (a word out of the user's overlay). */
#ifndef WENDA_CLI_DICT_WORDS_H
#define WENDA_CLI_DICT_WORDS_H

#include "cli.h"

/* Run `dict list` / `dict remove` with the parsed arguments of `wenda
 * dict` (a->pos[0] is the verb); return the exit code. */
int dict_list(const cli_cmd *cmd, const cli_args *a, int json);
int dict_remove(const cli_cmd *cmd, const cli_args *a, int json);

#endif
