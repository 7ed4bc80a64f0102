/* dict_discover.h - private: `wenda dict discover`, new-word discovery over
 * a knowledge base (wenda/discover.h) for the editor of its dictionary. */
#ifndef WENDA_CLI_DICT_DISCOVER_H
#define WENDA_CLI_DICT_DISCOVER_H

#include "cli.h"

/* Run `dict discover` with the parsed arguments of `wenda dict` (a->pos[0]
 * is "discover"); returns the exit code. */
int dict_discover(const cli_cmd *cmd, const cli_args *a, int json);

#endif
