/*
 * cmd_completion.c - `wenda completion bash|zsh`: a shell completion
 * script (manpage.c writes it from the command table), and `wenda
 * completion --ids PREFIX`, the record ids the script offers after `show`
 * and `delete`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "manpage.h"
#include "wenda/record.h"
#include "wenda/search.h"

#define MAX_IDS 200

typedef struct ids_ctx {
    const char *prefix;
    size_t len, shown;
} ids_ctx;

static int print_id(void *vctx, const wd_record *rec)
{
    ids_ctx *c = vctx;
    if (!rec) /* the walk starts over: what was printed stands */
        return 0;
    if (strncmp(rec->id, c->prefix, c->len) == 0 && !strchr(rec->id, '\n')) {
        printf("%s\n", rec->id);
        if (++c->shown >= MAX_IDS)
            return 1;
    }
    return 0;
}

static const cli_opt completion_opts[] = {
    { "ids", 0, 1, "PREFIX", "print the ids of stored records that start with PREFIX" },
    { "index", 0, 1, "DIR", "with --ids: the index (default: $WENDA_INDEX or the per-user one)" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_completion(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    const char *prefix = cli_value(cmd, &a, "ids");
    if (prefix) {
        const char *path = cli_index_path(cli_value(cmd, &a, "index"));
        ids_ctx c = { prefix, strlen(prefix), 0 };
        wd_error err;
        wd_error_clear(&err);
        int rc = a.npos ? WD_EINVAL : wd_index_each_record(path, print_id, &c, NULL, &err);
        cli_args_free(&a);
        if (rc == WD_EINVAL)
            return cli_usage_error(cmd, "--ids takes no other argument");
        return rc == WD_OK || rc == 1 ? (c.shown ? EXIT_OK : EXIT_NEGATIVE) : EXIT_DATA;
    }
    size_t n = 0;
    const cli_cmd *const *cmds = cli_command_table(&n);
    ex = a.npos == 1 && cli_completion_script(stdout, a.pos[0], cmds, n) == 0
             ? EXIT_OK
             : cli_usage_error(cmd, "wants the shell: bash or zsh");
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_completion = {
    "completion",
    "Print a shell completion script (bash or zsh).",
    "bash|zsh | --ids PREFIX [--index DIR]",
    "Completes commands, each command's options, file names after options that take\n"
    "a value, and record ids after `show` and `delete`. To use it:\n"
    "  bash:  source <(wenda completion bash)        (or put it in\n"
    "         ~/.local/share/bash-completion/completions/wenda)\n"
    "  zsh:   source <(wenda completion zsh)         (in ~/.zshrc, after compinit)\n"
    "`cmake --install` puts both where bash-completion and zsh look.\n"
    "--ids lists up to 200 ids of stored records that start with PREFIX (the\n"
    "script's source of ids; it reads the stored records, so on a very large index\n"
    "it takes a moment). Exit: 0 done; 1 no id matched; 2 usage; 3 no index.",
    completion_opts,
    cmd_completion
};
