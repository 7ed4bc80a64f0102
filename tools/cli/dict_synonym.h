/* dict_synonym.h - private: `wenda dict synonym add|remove|list`, the
 * synonym groups of the user's overlay. */
#ifndef WENDA_CLI_DICT_SYNONYM_H
#define WENDA_CLI_DICT_SYNONYM_H

#include "cli.h"

/* Run `dict synonym` with the parsed arguments of `wenda dict` (a->pos[0]
 * is "synonym", a->pos[1] the verb); returns the exit code. */
int dict_synonym(const cli_cmd *cmd, const cli_args *a, int json);

#endif
