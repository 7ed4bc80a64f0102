/* dict_assoc.h - private: `wenda dict assoc list|remove`, the word
 * associations an index stores and the overlay's list of those never to be
 * used (assoc-removed.txt). */
#ifndef WENDA_CLI_DICT_ASSOC_H
#define WENDA_CLI_DICT_ASSOC_H

#include "cli.h"

/* Run `dict assoc` with the parsed arguments of `wenda dict` (a->pos[0] is
 * "assoc", a->pos[1] the verb); returns the exit code. */
int dict_assoc(const cli_cmd *cmd, const cli_args *a, int json);

#endif
