/*
 * cmd_dict.c - `wenda dict`: look into the dictionaries and grow them.
 *
 *   wenda dict check [--json] TEXT   how TEXT segments, and which lexicon each
 *                                    word came from
 *   wenda dict add WORD [FREQ]       add a word to the user overlay (user.txt);
 *                                    every later command uses it at once
 *   wenda dict remove WORD           take a word out of user.txt (dict_words.c)
 *   wenda dict list [--source user|domain]  the lexicon words in force (dict_words.c)
 *   wenda dict synonym add WORD SYNONYM... | remove WORD [SYNONYM] | list [WORD]
 *                                    the overlay's synonym groups (dict_synonym.c)
 *   wenda dict assoc list WORD [--index DIR] | remove WORD OTHER
 *                                    the index's word associations, and taking
 *                                    a wrong one out in the overlay (dict_assoc.c)
 *   wenda dict info [--json]         version, size and where the overlay lives
 *   wenda dict discover [--index DIR | FILES]  candidate new words (dict_discover.c)
 *
 * A changed lexicon changes the dictionary's version; `wenda info` then says
 * that the index was built with another dictionary and that `wenda reindex`
 * rebuilds it. Synonym groups change no segmentation and no version.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "dict_assoc.h"
#include "dict_discover.h"
#include "dict_synonym.h"
#include "dict_words.h"
#include "overlay.h"
#include "width.h"
#include "wenda/buf.h"

struct check_ctx {
    json_t *arr;
};

static int check_token(void *vctx, const wd_token *t)
{
    struct check_ctx *c = vctx;
    if (t->flags & WD_TOKEN_SUBWORD)
        return 0;
    if (c->arr) {
        json_t *o =
            json_pack("{s:s%,s:s,s:b}", "text", t->text, t->len, "source",
                      wd_token_source_name(t->source), "stop", (t->flags & WD_TOKEN_STOP) != 0);
        json_array_append_new(c->arr, o);
    } else {
        wd_buf row = WD_BUF_INIT;
        cli_pad(&row, t->text, t->len, 16);
        wd_buf_printf(&row, " %s%s\n", wd_token_source_name(t->source),
                      t->flags & WD_TOKEN_STOP ? " (stop word)" : "");
        if (!row.oom)
            fwrite(row.data, 1, row.len, stdout);
        wd_buf_free(&row);
    }
    return 0;
}

static int dict_add(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos < 2 || a->npos > 3)
        return cli_usage_error(cmd, "add wants WORD and an optional FREQ");
    const char *word = a->pos[1];
    if (!overlay_word_ok(word))
        return cli_usage_error(cmd,
                               "'%s' is not a word: one run of characters, no spaces or "
                               "'#', at most %d bytes of UTF-8",
                               word, WD_MAX_WORD_BYTES);
    unsigned long freq = 0;
    if (a->npos == 3) {
        char *end;
        errno = 0;
        freq = strtoul(a->pos[2], &end, 10);
        if (!*a->pos[2] || *end || errno || freq == 0 || freq > 100000000ul)
            return cli_usage_error(cmd, "FREQ wants a whole number from 1 to 100000000, not '%s'",
                                   a->pos[2]);
    }
    char path[4200];
    int ex = overlay_append(cmd->name, &word, &freq, 1, path, sizeof path);
    if (ex)
        return ex;
    /* Load it back: a bad line must be caught now, not by the next search. */
    wd_dict *d = NULL;
    ex = cli_load_dict(cmd->name, cli_user_dict_dir(), json, &d);
    if (ex)
        return ex;
    if (json) {
        json_t *o = json_pack("{s:s,s:s,s:s}", "added", word, "file", path, "dict_version",
                              wd_dict_version(d));
        cli_print_json(o);
    } else {
        printf("added %s to %s (dictionary %s); `wenda reindex` applies it to existing indexes\n",
               word, path, wd_dict_version(d));
    }
    wd_dict_free(d);
    return EXIT_OK;
}

static const cli_opt dict_opts[] = {
    { "json", 0, 0, NULL, "print JSON" },
    { "dict", 0, 1, "DIR",
      "dictionary directory (default: $WENDA_DICT or built-in + user overlay)" },
    { "source", 0, 1, "WHICH", "list: only the words of user (your overlay) or domain" },
    { "index", 0, 1, "DIR",
      "discover: the index whose stored records to read; assoc list: the index whose "
      "associations to show" },
    { "lines", 0, 0, NULL, "discover: read FILES as plain text, one unit a line" },
    { "top", 0, 1, "N", "discover: list the N best candidates (default 50; 0: all)" },
    { "add", 0, 1, "N", "discover: add the N best candidates to the user overlay" },
    { "min-count", 0, 1, "N", "discover: fewest occurrences (default: 5, more on large text)" },
    { "max-len", 0, 1, "N", "discover: longest candidate in characters, 2-8 (default 6)" },
    { "min-cohesion", 0, 1, "BITS",
      "discover: least mutual information between a candidate's parts (default 5)" },
    { "min-freedom", 0, 1, "BITS",
      "discover: least entropy of its left and right neighbours (default 1)" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_dict(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    int json = cli_flag(cmd, &a, "json");
    const char *sub = a.npos ? a.pos[0] : "";
    int (*verb)(const cli_cmd *, const cli_args *, int) = NULL;
    if (strcmp(sub, "add") == 0)
        verb = dict_add;
    else if (strcmp(sub, "discover") == 0)
        verb = dict_discover;
    else if (strcmp(sub, "remove") == 0)
        verb = dict_remove;
    else if (strcmp(sub, "list") == 0)
        verb = dict_list;
    else if (strcmp(sub, "synonym") == 0)
        verb = dict_synonym;
    else if (strcmp(sub, "assoc") == 0)
        verb = dict_assoc;
    if (verb) {
        ex = verb(cmd, &a, json);
        cli_args_free(&a);
        return ex;
    }
    if (strcmp(sub, "check") != 0 && strcmp(sub, "info") != 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd,
                               "wants check, add, remove, list, synonym, assoc, discover or info");
    }
    wd_dict *d = NULL;
    ex = cli_load_dict(cmd->name, cli_value(cmd, &a, "dict"), json, &d);
    if (ex) {
        cli_args_free(&a);
        return ex;
    }
    if (strcmp(sub, "info") == 0) {
        char path[4200];
        snprintf(path, sizeof path, "%s/user.txt", cli_user_dict_dir());
        struct stat st;
        int have = stat(path, &st) == 0;
        if (json) {
            json_t *o =
                json_pack("{s:s,s:I,s:s,s:b}", "dict_version", wd_dict_version(d), "entries",
                          (json_int_t)wd_dict_size(d), "user_file", path, "user_file_exists", have);
            cli_print_json(o);
        } else {
            printf("version   %s\nentries   %zu\nuser file %s%s\n", wd_dict_version(d),
                   wd_dict_size(d), path, have ? "" : " (none yet)");
        }
    } else if (a.npos < 2) {
        ex = cli_usage_error(cmd, "check wants TEXT");
    } else {
        wd_buf text = WD_BUF_INIT;
        for (int i = 1; i < a.npos; i++) {
            if (i > 1)
                wd_buf_putc(&text, ' ');
            wd_buf_puts(&text, a.pos[i]);
        }
        wd_analyzer *an = NULL;
        wd_error err;
        wd_error_clear(&err);
        struct check_ctx c = { json ? json_array() : NULL };
        int rc = wd_analyzer_new(&an, d, &err);
        if (rc == WD_OK)
            rc = wd_analyze(an, WD_ANALYZE_QUERY, text.data ? text.data : "", text.len, check_token,
                            &c, &err);
        if (rc != WD_OK) {
            ex = cli_fail(cmd->name, &err, json);
        } else if (json) {
            json_t *o = json_pack("{s:s,s:O}", "dict_version", wd_dict_version(d), "words", c.arr);
            cli_print_json(o);
        }
        json_decref(c.arr);
        wd_analyzer_free(an);
        wd_buf_free(&text);
    }
    wd_dict_free(d);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_dict = {
    "dict",
    "Check how text segments; edit the user's words and synonyms; discover new words.",
    "check TEXT | add WORD [FREQ] | remove WORD | list [--source user|domain] |\n"
    "       synonym add WORD SYNONYM... | synonym remove WORD [SYNONYM] | synonym list [WORD] |\n"
    "       assoc list WORD [--index DIR] | assoc remove WORD OTHER |\n"
    "       info | discover [--index DIR | FILE...]",
    "check prints each word of TEXT and the lexicon it came from: domain (dict/data),\n"
    "general (the general word list), user (your overlay), icu (ICU's own break),\n"
    "char (a single character, no word known), other (Latin or digits).\n"
    "add appends WORD (with an optional frequency; default: enough to keep it whole)\n"
    "to user.txt in the overlay folder: $WENDA_DICT, else ~/.local/share/wenda/dict.\n"
    "Questions use it at once; an index built before it keeps its old segmentation until\n"
    "`wenda reindex` rebuilds it from its stored records (wenda info says when).\n"
    "remove takes WORD out of user.txt (the same re-index applies); list prints the\n"
    "lexicon words in force and where each comes from (--source user|domain: only those).\n"
    "synonym add puts WORD and its SYNONYMs in one group of synonyms.txt in the overlay\n"
    "folder (joining WORD's group there if it has one); groups add to the built-in ones.\n"
    "A group makes no word and changes no segmentation: each member is matched as the\n"
    "words the analyzer splits it into, in sequence (醉酒驾驶 as 醉酒 驾驶), so it works\n"
    "at once on existing indexes, no re-index needed, and a running `wenda serve` picks\n"
    "it up. synonym remove takes WORD out of the overlay's groups (or only SYNONYM out\n"
    "of WORD's group); built-in groups cannot be removed. synonym list prints the groups\n"
    "(those holding WORD), each member with the words it is matched as when it is split.\n"
    "assoc list shows the word associations an index holds for WORD, each with its weight\n"
    "(0 to 1) and kind: translation (a word of questions and one their answers use),\n"
    "same answer (words of two questions with one answer), short form (消协 and\n"
    "消费者协会), long form (a short form's long form over several words, shown joined:\n"
    "醉驾 and 醉酒驾驶). They are mined from the records when the index is built; searches\n"
    "can use them as weaker stand-ins for the asked word. assoc remove records WORD and\n"
    "OTHER (a long form joined, as listed) in assoc-removed.txt in the overlay folder:\n"
    "searches never use the pair again, at once, with no re-index (a running `wenda\n"
    "serve` picks it up).\n"
    "discover lists strings the knowledge base uses as words but the lexicons split:\n"
    "frequent, cohesive (high mutual information between their parts) and free (many\n"
    "different characters on either side), best first, with their count and two\n"
    "examples. It reads the records stored in the index (--index, or the default\n"
    "index when no FILE is given), or record FILEs in any format `wenda index` reads,\n"
    "or plain text with --lines. --add N appends the N best to user.txt.\n"
    "Exit: 0 done; 1 nothing to remove, no group holds WORD, or WORD has no associations;\n"
    "2 usage; 3 the overlay\n"
    "cannot be written or read, an input or the index cannot be read.",
    dict_opts,
    cmd_dict
};
