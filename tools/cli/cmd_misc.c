/*
 * cmd_misc.c - the small read-only commands: `wenda segment` (how text is
 * analysed), `wenda info` (what an index holds) and `wenda show` (one
 * whole record).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/search.h"

/* ---- segment --------------------------------------------------------------- */

struct seg_ctx {
    json_t *arr;
    wd_buf line;
    int table;
};

static int seg_token(void *vctx, const wd_token *t)
{
    struct seg_ctx *c = vctx;
    if (c->arr) {
        json_t *o = json_object();
        json_object_set_new(o, "text", json_stringn(t->text, t->len));
        json_object_set_new(o, "start", json_integer((json_int_t)t->start));
        json_object_set_new(o, "end", json_integer((json_int_t)t->end));
        json_object_set_new(o, "position", json_integer(t->position));
        json_object_set_new(o, "source", json_string(wd_token_source_name(t->source)));
        if (t->flags & WD_TOKEN_STOP)
            json_object_set_new(o, "stop", json_true());
        if (t->flags & WD_TOKEN_SUBWORD)
            json_object_set_new(o, "subword", json_true());
        json_array_append_new(c->arr, o);
    } else if (c->table) {
        printf("%4u  %-12.*s %6zu %6zu  %s%s%s\n", t->position, (int)t->len, t->text, t->start,
               t->end, wd_token_source_name(t->source), t->flags & WD_TOKEN_STOP ? " stop" : "",
               t->flags & WD_TOKEN_SUBWORD ? " subword" : "");
    } else if (!(t->flags & WD_TOKEN_SUBWORD)) {
        if (c->line.len)
            wd_buf_puts(&c->line, " / ");
        wd_buf_append(&c->line, t->text, t->len);
    }
    return 0;
}

static const cli_opt segment_opts[] = {
    { "json", 0, 0, NULL, "print {\"tokens\": [{\"text\", \"start\", \"end\", \"position\"}]}" },
    { "offsets", 0, 0, NULL, "print a table with positions, byte offsets and word sources" },
    { "mode", 0, 1, "MODE", "query (default) or index (adds sub-words)" },
    { "dict", 0, 1, "DIR", "dictionary directory (default: $WENDA_DICT or built-in)" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_segment(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex = cli_parse(cmd, argc, argv, &a);
    if (ex)
        return ex;
    if (a.help) {
        cli_help(cmd, stdout);
        cli_args_free(&a);
        return 0;
    }
    int json = cli_flag(cmd, &a, "json");
    const char *mode_s = cli_value(cmd, &a, "mode");
    int mode = WD_ANALYZE_QUERY;
    if (mode_s && strcmp(mode_s, "index") == 0)
        mode = WD_ANALYZE_INDEX;
    else if (mode_s && strcmp(mode_s, "query") != 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "--mode wants query or index");
    }
    if (a.npos == 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "no text given (use - to read it from stdin)");
    }
    char *text = NULL;
    size_t len = 0;
    if (a.npos == 1 && strcmp(a.pos[0], "-") == 0) {
        if (cli_read_all(stdin, &text, &len) != 0) {
            cli_args_free(&a);
            cli_diag(cmd->name, "cannot read stdin");
            return EXIT_DATA;
        }
    } else {
        wd_buf b = WD_BUF_INIT;
        for (int i = 0; i < a.npos; i++) {
            if (i)
                wd_buf_putc(&b, ' ');
            wd_buf_puts(&b, a.pos[i]);
        }
        len = b.len;
        text = wd_buf_detach(&b);
    }
    wd_dict *dict = NULL;
    wd_analyzer *an = NULL;
    wd_error err;
    wd_error_clear(&err);
    ex = cli_load_dict(cmd->name, cli_value(cmd, &a, "dict"), json, &dict);
    if (!ex && wd_analyzer_new(&an, dict, &err) != WD_OK)
        ex = cli_fail(cmd->name, &err, json);
    if (!ex) {
        struct seg_ctx c = { json ? json_array() : NULL, WD_BUF_INIT,
                             cli_flag(cmd, &a, "offsets") };
        int rc = wd_analyze(an, mode, text, len, seg_token, &c, &err);
        if (rc != WD_OK) {
            ex = cli_fail(cmd->name, &err, json);
        } else if (json) {
            json_t *o = json_pack("{s:O}", "tokens", c.arr);
            char *s = json_dumps(o, JSON_COMPACT);
            printf("%s\n", s ? s : "{}");
            free(s);
            json_decref(o);
        } else if (!c.table) {
            printf("%s\n", c.line.data ? c.line.data : "");
        }
        json_decref(c.arr);
        wd_buf_free(&c.line);
    }
    wd_analyzer_free(an);
    wd_dict_free(dict);
    wd_free(text);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_segment = {
    "segment",
    "Show how text is segmented into index terms.",
    "[--json] [--offsets] TEXT | -",
    "Prints the words the analyzer makes of TEXT (normalised: full-width to half-width,\n"
    "lower case, Traditional to Simplified). --offsets and --json add each word's\n"
    "position and byte offsets into the original text.",
    segment_opts,
    cmd_segment
};

/* ---- info ---------------------------------------------------------------------- */

static int open_searcher(const cli_cmd *cmd, const cli_args *a, int json, wd_dict **dict,
                         wd_searcher **s, const char **path)
{
    *path = cli_index_path(cli_value(cmd, a, "index"));
    if (!cli_index_exists(*path))
        return cli_no_index(cmd->name, *path, json);
    int ex = cli_load_dict(cmd->name, cli_value(cmd, a, "dict"), json, dict);
    if (ex)
        return ex;
    wd_error err;
    wd_error_clear(&err);
    if (wd_searcher_open(s, *path, *dict, &err) != WD_OK) {
        wd_dict_free(*dict);
        *dict = NULL;
        return err.code == WD_ENOTFOUND ? cli_no_index(cmd->name, *path, json)
                                        : cli_fail(cmd->name, &err, json);
    }
    return 0;
}

static const cli_opt info_opts[] = {
    { "index", 0, 1, "DIR",
      "index to describe (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "json", 0, 0, NULL, "print one JSON object" },
    { "dict", 0, 1, "DIR", "dictionary to compare the index with" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_info(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex = cli_parse(cmd, argc, argv, &a);
    if (ex)
        return ex;
    if (a.help) {
        cli_help(cmd, stdout);
        cli_args_free(&a);
        return 0;
    }
    if (a.npos) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "unexpected argument '%s'", a.pos[0]);
    }
    int json = cli_flag(cmd, &a, "json");
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    const char *path;
    ex = open_searcher(cmd, &a, json, &dict, &s, &path);
    if (ex) {
        cli_args_free(&a);
        return ex;
    }
    wd_index_info info;
    wd_error err;
    wd_error_clear(&err);
    if (wd_searcher_info(s, path, &info, &err) != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
    } else {
        const char *cur = wd_dict_version(dict);
        int same = strcmp(cur, info.dict_version) == 0;
        if (json) {
            json_t *cp =
                info.checkpoint && *info.checkpoint ? json_loads(info.checkpoint, 0, NULL) : NULL;
            json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:f,s:s,s:s,s:b,s:s,s:o}", "index", path,
                                  "documents", (json_int_t)info.documents, "terms",
                                  (json_int_t)info.terms, "size_bytes", (json_int_t)info.size_bytes,
                                  "avg_length", info.avg_length, "dict_version", info.dict_version,
                                  "current_dict_version", cur, "needs_reindex", !same, "schema",
                                  info.schema, "checkpoint", cp ? cp : json_null());
            char *str = json_dumps(o, JSON_COMPACT);
            printf("%s\n", str ? str : "{}");
            free(str);
            json_decref(o);
        } else {
            printf("index        %s\n", path);
            printf("documents    %u\n", info.documents);
            printf("terms        %llu\n", (unsigned long long)info.terms);
            printf("size         %.1f MiB\n", info.size_bytes / 1048576.0);
            printf("dictionary   %s%s\n", info.dict_version[0] ? info.dict_version : "(unknown)",
                   same ? ""
                        : "  (built with another dictionary: re-index to use the current one)");
            printf("schema       %s\n", info.schema[0] ? info.schema : "(unknown)");
            if (info.checkpoint[0])
                printf("checkpoint   %s\n", info.checkpoint);
        }
        wd_index_info_clear(&info);
    }
    wd_searcher_close(s);
    wd_dict_free(dict);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_info = {
    "info",
    "Describe an index: records, terms, size, dictionary.",
    "[--index DIR] [--json]",
    "JSON: {\"index\", \"documents\", \"terms\", \"size_bytes\", \"dict_version\",\n"
    "\"current_dict_version\", \"needs_reindex\", \"schema\", \"checkpoint\"}.",
    info_opts,
    cmd_info
};

/* ---- show ---------------------------------------------------------------------- */

static const cli_opt show_opts[] = {
    { "index", 0, 1, "DIR", "index to read (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "json", 0, 0, NULL, "print the record as one JSON object" },
    { "dict", 0, 1, "DIR", "dictionary directory" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_show(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex = cli_parse(cmd, argc, argv, &a);
    if (ex)
        return ex;
    if (a.help) {
        cli_help(cmd, stdout);
        cli_args_free(&a);
        return 0;
    }
    if (a.npos != 1) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "give exactly one record id");
    }
    int json = cli_flag(cmd, &a, "json");
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    const char *path;
    ex = open_searcher(cmd, &a, json, &dict, &s, &path);
    if (ex) {
        cli_args_free(&a);
        return ex;
    }
    wd_hit *h = NULL;
    wd_error err;
    wd_error_clear(&err);
    int rc = wd_searcher_get(s, a.pos[0], &h, &err);
    if (rc == WD_ENOTFOUND) {
        cli_fail(cmd->name, &err, json);
        ex = EXIT_NEGATIVE;
    } else if (rc != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
    } else if (json) {
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", h->id, "question", h->question, "answer",
                      h->answer, "kind", wd_corpus_kind_name(h->kind), "source", h->source);
        if (h->date)
            json_object_set_new(o, "date", json_string(h->date));
        char *str = json_dumps(o, JSON_COMPACT);
        printf("%s\n", str ? str : "{}");
        free(str);
        json_decref(o);
    } else {
        printf("id        %s\nkind      %s\nsource    %s\n", h->id, wd_corpus_kind_name(h->kind),
               h->source);
        if (h->date)
            printf("date      %s\n", h->date);
        printf("question  %s\n\n%s\n", h->question, h->answer);
    }
    wd_hit_free(h);
    wd_free(h);
    wd_searcher_close(s);
    wd_dict_free(dict);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_show = { "show",
                               "Print one whole record.",
                               "[--index DIR] [--json] ID",
                               "Exit: 0 shown; 1 no record with that id; 3 no index.",
                               show_opts,
                               cmd_show };
