/*
 * manpage.c - wenda(1) and the completion scripts from the command table
 * (manpage.h).
 */
#include <string.h>

#include "manpage.h"

/* Text for roff: a backslash is \e, a hyphen \- (so that options can be
 * searched and copied), and a line starting with . or ' is protected. */
static void roff_text(FILE *to, const char *s)
{
    int bol = 1;
    for (; *s; s++) {
        if (bol && (*s == '.' || *s == '\''))
            fputs("\\&", to);
        bol = *s == '\n';
        if (*s == '\\')
            fputs("\\e", to);
        else if (*s == '-')
            fputs("\\-", to);
        else
            fputc(*s, to);
    }
}

static void option_line(FILE *to, const cli_opt *o)
{
    fputs(".TP\n", to);
    if (o->short_name)
        fprintf(to, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", to);
    roff_text(to, o->name);
    fputs("\\fR", to);
    if (o->has_arg) {
        fputs(" \\fI", to);
        roff_text(to, o->arg_name);
        fputs("\\fR", to);
    }
    fputc('\n', to);
    roff_text(to, o->help);
    fputc('\n', to);
}

void cli_manpage(FILE *to, const cli_cmd *const *cmds, size_t n, const char *version)
{
    fprintf(to, ".TH WENDA 1 \"\" \"wenda %s\" \"User Commands\"\n", version);
    fputs(".SH NAME\nwenda \\- search and question answering for Chinese Q&A knowledge bases\n"
          ".SH SYNOPSIS\n.B wenda\n.I command\n[\\fIoptions\\fR] [\\fIargs\\fR]\n"
          ".br\n.B wenda help\n.I command\n"
          ".SH DESCRIPTION\n"
          "wenda indexes question/answer records (seed pages, JSON Lines, TSV, CSV), segments "
          "Chinese with ICU word breaking and its own dictionary layer, and answers free\\-text "
          "questions with ranked records, highlighted snippets and a calibrated answer "
          "confidence.\n"
          "Each command below is also documented by \\fBwenda\\fR \\fIcommand\\fR "
          "\\fB\\-\\-help\\fR.\n"
          ".SH COMMANDS\n",
          to);
    for (size_t i = 0; i < n; i++) {
        const cli_cmd *c = cmds[i];
        fputs(".SS \"wenda ", to);
        roff_text(to, c->name);
        fputs("\"\n.B wenda ", to);
        roff_text(to, c->name);
        fputs("\n", to);
        roff_text(to, c->usage);
        fputs("\n.PP\n", to);
        roff_text(to, c->summary);
        fputc('\n', to);
        if (c->description) {
            fputs(".PP\n.nf\n", to);
            roff_text(to, c->description);
            fputs("\n.fi\n", to);
        }
        if (c->opts && c->opts[0].name) {
            fputs(".PP\nOptions:\n", to);
            for (int k = 0; c->opts[k].name; k++)
                option_line(to, &c->opts[k]);
        }
    }
    fputs(".SH ENVIRONMENT\n"
          ".TP\n.B WENDA_INDEX\nThe index when \\fB\\-\\-index\\fR is not given.\n"
          ".TP\n.B XDG_DATA_HOME\nThe default index is \\fI$XDG_DATA_HOME/wenda/index\\fR "
          "and the user dictionary overlay \\fI$XDG_DATA_HOME/wenda/dict\\fR "
          "(default \\fI~/.local/share\\fR).\n"
          ".TP\n.B WENDA_DICT\nA dictionary folder to use instead of the built\\-in one "
          "and the overlay.\n"
          ".TP\n.B NO_COLOR\nNo colour on a terminal.\n"
          ".SH EXIT STATUS\n"
          "0 success; 1 ran fine but negative (no record answers confidently, id not found); "
          "2 usage; 3 data or runtime error (index missing, locked or corrupt; unreadable "
          "input); 4 internal error.\n"
          ".SH FILES\n"
          ".TP\n.I DIR/wenda.lock\nHeld by the writer of an index.\n"
          ".TP\n.I $XDG_DATA_HOME/wenda/dict/user.txt\nWords added by \\fBwenda dict add\\fR "
          "and \\fBwenda dict discover \\-\\-add\\fR.\n",
          to);
}

/* ---- completion ---------------------------------------------------------------------- */

static void bash_script(FILE *to, const cli_cmd *const *cmds, size_t n)
{
    fputs("# bash completion for wenda (made by `wenda completion bash`)\n"
          "_wenda() {\n"
          "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          to);
    for (size_t i = 0; i < n; i++)
        fprintf(to, "%s ", cmds[i]->name);
    fputs("help\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    local cmd=\"${COMP_WORDS[1]}\" opts=\"\" valued=\"\"\n"
          "    case \"$cmd\" in\n",
          to);
    for (size_t i = 0; i < n; i++) {
        const cli_cmd *c = cmds[i];
        fprintf(to, "    %s) opts=\"--help", c->name);
        for (int k = 0; c->opts && c->opts[k].name; k++)
            fprintf(to, " --%s", c->opts[k].name);
        fputs("\" valued=\"", to);
        for (int k = 0; c->opts && c->opts[k].name; k++)
            if (c->opts[k].has_arg)
                fprintf(to, " --%s%s%c", c->opts[k].name, c->opts[k].short_name ? " -" : "",
                        c->opts[k].short_name ? c->opts[k].short_name : ' ');
        fputs("\" ;;\n", to);
    }
    fputs("    help) COMPREPLY=($(compgen -W \"", to);
    for (size_t i = 0; i < n; i++)
        fprintf(to, "%s ", cmds[i]->name);
    fputs(
        "\" -- \"$cur\")); return ;;\n"
        "    esac\n"
        "    if [[ \" $valued \" == *\" $prev \"* ]]; then\n"
        "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
        "        return\n"
        "    fi\n"
        "    if [[ \"$cur\" == -* ]]; then\n"
        "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
        "        return\n"
        "    fi\n"
        "    if [ \"$cmd\" = show ] || [ \"$cmd\" = delete ]; then\n"
        "        local i index=()\n"
        "        for ((i = 2; i < COMP_CWORD; i++)); do\n"
        "            [ \"${COMP_WORDS[i]}\" = --index ] && index=(--index \"${COMP_WORDS[i+1]}\")\n"
        "        done\n"
        "        local IFS=$'\\n'\n"
        "        COMPREPLY=($(wenda completion --ids \"$cur\" \"${index[@]}\" 2>/dev/null))\n"
        "        return\n"
        "    fi\n"
        "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
        "}\n"
        "complete -o filenames -F _wenda wenda\n",
        to);
}

int cli_completion_script(FILE *to, const char *shell, const cli_cmd *const *cmds, size_t n)
{
    if (strcmp(shell, "bash") == 0) {
        bash_script(to, cmds, n);
        return 0;
    }
    if (strcmp(shell, "zsh") == 0) {
        fputs("#compdef wenda\n"
              "# zsh completion for wenda (made by `wenda completion zsh`): the bash\n"
              "# completion, through zsh's bashcompinit.\n"
              "autoload -U +X bashcompinit && bashcompinit\n",
              to);
        bash_script(to, cmds, n);
        return 0;
    }
    return -1;
}
