/*
 * main.c - `wenda`: one binary, a table of subcommands. `wenda help CMD` is
 * `wenda CMD --help`; `wenda help --man` prints wenda(1).
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "closest.h"
#include "commands.h"
#include "manpage.h"

#ifndef WENDA_VERSION
#define WENDA_VERSION "0.1.0"
#endif

static const cli_cmd *const commands[] = { &cli_cmd_ask,       &cli_cmd_index,    &cli_cmd_reindex,
                                           &cli_cmd_delete,    &cli_cmd_info,     &cli_cmd_show,
                                           &cli_cmd_segment,   &cli_cmd_dict,     &cli_cmd_eval,
                                           &cli_cmd_serve,     &cli_cmd_coverage, &cli_cmd_export,
                                           &cli_cmd_completion };
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *to)
{
    fprintf(to, "usage: wenda COMMAND [options] [args]\n\n"
                "wenda answers Chinese questions from a Q&A knowledge base.\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(to, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(to, "  %-10s %s\n", "help", "Show help for a command: wenda help COMMAND");
    fprintf(to,
            "\nThe index is --index DIR, else $WENDA_INDEX, else $XDG_DATA_HOME/wenda/index\n"
            "(~/.local/share/wenda/index without it); here that is %s.\n"
            "Exit codes: 0 ok; 1 no result; 2 usage; 3 data or index error; 4 internal error.\n"
            "The manual: man wenda (or wenda help --man | man -l -).\n",
            cli_index_path(NULL));
}

const cli_cmd *const *cli_command_table(size_t *n)
{
    *n = NCOMMANDS;
    return commands;
}

static const cli_cmd *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* "no command 'aks'; did you mean 'ask'?" */
static int no_command(const char *name)
{
    const char *names[NCOMMANDS + 1];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i]->name;
    names[NCOMMANDS] = "help";
    const char *near = cli_closest(name, strlen(name), names, NCOMMANDS + 1);
    if (near)
        cli_diag(NULL, "no command '%s'; did you mean '%s'? See 'wenda --help'", name, near);
    else
        cli_diag(NULL, "no command '%s'; see 'wenda --help'", name);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    setlocale(LC_CTYPE, "");
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("wenda %s\n", WENDA_VERSION);
        return EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[2], "--man") == 0) {
            cli_manpage(stdout, commands, NCOMMANDS, WENDA_VERSION);
            return EXIT_OK;
        }
        const cli_cmd *c = find(argv[2]);
        if (!c)
            return no_command(argv[2]);
        cli_help(c, stdout);
        return EXIT_OK;
    }
    const cli_cmd *c = find(name);
    if (!c)
        return no_command(name);
    return c->run(c, argc - 1, argv + 1);
}
