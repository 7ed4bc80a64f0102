/* manpage.h - private: wenda(1) and the shell completion scripts, made from
 * the command table, so that they say what --help says. */
#ifndef WENDA_CLI_MANPAGE_H
#define WENDA_CLI_MANPAGE_H

#include <stdio.h>

#include "cli.h"

/* The manual page wenda(1) in roff (man(7) macros): every command with its
 * usage, description and options. */
void cli_manpage(FILE *to, const cli_cmd *const *cmds, size_t n, const char *version);

/* A completion script for shell "bash" or "zsh" (zsh through bashcompinit):
 * commands, each command's options, files after options that take a value,
 * and record ids after `show` and `delete` (asked of `wenda completion
 * --ids`). 0, or -1 for another shell. */
int cli_completion_script(FILE *to, const char *shell, const cli_cmd *const *cmds, size_t n);

#endif
