/* commands.h - private: the subcommands of `wenda`, one definition each. */
#ifndef WENDA_COMMANDS_H
#define WENDA_COMMANDS_H

#include "cli.h"

extern const cli_cmd cli_cmd_index;
extern const cli_cmd cli_cmd_reindex;
extern const cli_cmd cli_cmd_delete;
extern const cli_cmd cli_cmd_ask;
extern const cli_cmd cli_cmd_segment;
extern const cli_cmd cli_cmd_dict;
extern const cli_cmd cli_cmd_info;
extern const cli_cmd cli_cmd_show;
extern const cli_cmd cli_cmd_eval;
extern const cli_cmd cli_cmd_serve;
extern const cli_cmd cli_cmd_coverage;
extern const cli_cmd cli_cmd_export;
extern const cli_cmd cli_cmd_completion;

/* Every command, in the order `wenda --help` lists them (main.c). */
const cli_cmd *const *cli_command_table(size_t *n);

#endif
