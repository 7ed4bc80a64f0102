/*
 * cmd_misc.c - the small read-only commands: `wenda segment` (how text is
 * analysed), `wenda info` (what an index holds) and `wenda show` (one
 * whole record).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "width.h"
#include "commands.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/search.h"
#include "xapian_c.h"

/* ---- segment --------------------------------------------------------------- */

struct seg_ctx {
    json_t *arr;
    wd_buf line;
    int table;
    wd_searcher *s; /* --explain: the index whose associations to show */
    wd_buf explain; /* --explain in text: a line per word with associations */
    wd_error err;
};

/* --explain: the index's associations of the word t, as a JSON array (new)
 * or a line of c->explain; NULL (and nothing) when it has none. */
static json_t *seg_assoc(struct seg_ctx *c, const wd_token *t, int *rc)
{
    wd_association *v = NULL;
    size_t n = 0;
    json_t *arr = NULL;
    if (!c->s || (t->flags & (WD_TOKEN_SUBWORD | WD_TOKEN_STOP)) ||
        (*rc = wd_searcher_associations(c->s, t->text, t->len, &v, &n, &c->err)) != WD_OK || !n)
        return NULL;
    if (c->arr)
        arr = json_array();
    else
        wd_buf_append(&c->explain, t->text, t->len);
    for (size_t i = 0; i < n; i++) {
        if (arr)
            json_array_append_new(arr, json_pack("{s:s,s:f,s:s}", "word", v[i].other, "weight",
                                                 v[i].weight, "kind",
                                                 wd_association_kind_name(v[i].kind)));
        else
            wd_buf_printf(&c->explain, "%s %s %.3f (%s)", i ? "," : ":", v[i].other, v[i].weight,
                          wd_association_kind_name(v[i].kind));
    }
    if (!arr)
        wd_buf_putc(&c->explain, '\n');
    wd_associations_free(v, n);
    return arr;
}

static int seg_token(void *vctx, const wd_token *t)
{
    struct seg_ctx *c = vctx;
    int rc = WD_OK;
    json_t *assoc = seg_assoc(c, t, &rc);
    if (rc != WD_OK)
        return rc;
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
        if (assoc)
            json_object_set_new(o, "associations", assoc);
        json_array_append_new(c->arr, o);
    } else if (c->table) {
        wd_buf row = WD_BUF_INIT;
        wd_buf_printf(&row, "%4u  ", t->position);
        cli_pad(&row, t->text, t->len, 12);
        wd_buf_printf(&row, " %6zu %6zu  %s%s%s\n", t->start, t->end,
                      wd_token_source_name(t->source), t->flags & WD_TOKEN_STOP ? " stop" : "",
                      t->flags & WD_TOKEN_SUBWORD ? " subword" : "");
        if (!row.oom)
            fwrite(row.data, 1, row.len, stdout);
        wd_buf_free(&row);
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
    { "explain", 0, 0, NULL, "also each word's associations in the index (--index)" },
    { "index", 0, 1, "DIR",
      "--explain: the index whose associations to show (default: $WENDA_INDEX or "
      "~/.local/share/wenda/index)" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_segment(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
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
    wd_searcher *s = NULL;
    const char *path = NULL;
    wd_error err;
    wd_error_clear(&err);
    if (cli_flag(cmd, &a, "explain"))
        ex = cli_open_searcher(cmd, &a, json, &dict, &s, &path);
    else
        ex = cli_load_dict(cmd->name, cli_value(cmd, &a, "dict"), json, &dict);
    if (!ex && wd_analyzer_new(&an, dict, &err) != WD_OK)
        ex = cli_fail(cmd->name, &err, json);
    if (!ex) {
        struct seg_ctx c = { json ? json_array() : NULL,
                             WD_BUF_INIT,
                             cli_flag(cmd, &a, "offsets"),
                             s,
                             WD_BUF_INIT,
                             { 0 } };
        wd_error_clear(&c.err);
        int rc = wd_analyze(an, mode, text, len, seg_token, &c, &err);
        if (rc != WD_OK) {
            ex = cli_fail(cmd->name, c.err.code ? &c.err : &err, json);
        } else if (json) {
            json_t *o = json_pack("{s:O}", "tokens", c.arr);
            cli_print_json(o);
        } else if (!c.table) {
            printf("%s\n", c.line.data ? c.line.data : "");
        }
        if (rc == WD_OK && !json && s)
            printf("associations in %s:\n%s", path,
                   c.explain.len ? c.explain.data : "(none of these words has any)\n");
        json_decref(c.arr);
        wd_buf_free(&c.line);
        wd_buf_free(&c.explain);
    }
    wd_analyzer_free(an);
    wd_searcher_close(s);
    wd_dict_free(dict);
    wd_free(text);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_segment = {
    "segment",
    "Show how text is segmented into index terms.",
    "[--json] [--offsets] [--explain [--index DIR]] TEXT | -",
    "Prints the words the analyzer makes of TEXT (normalised: full-width to half-width,\n"
    "lower case, Traditional to Simplified). --offsets and --json add each word's\n"
    "position and byte offsets into the original text. --explain adds each word's\n"
    "associations in the index (mined from its records when it was built; see `wenda\n"
    "dict assoc`), with their weights and kinds (searches use them only when told to:\n"
    "README, \"Word associations\").",
    segment_opts,
    cmd_segment
};

/* ---- info ---------------------------------------------------------------------- */

static const cli_opt info_opts[] = {
    { "index", 0, 1, "DIR",
      "index to describe (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "json", 0, 0, NULL, "print one JSON object" },
    { "dict", 0, 1, "DIR", "dictionary to compare the index with" },
    { "calibration", 0, 1, "FILE", "describe this calibration instead of the index folder's" },
    { NULL, 0, 0, NULL, NULL }
};

/* The calibration in force for the index at path (or the file given), and
 * why an index folder's calibration file is not used when it is not. */
static void calibration_in_force(wd_searcher *s, const char *path, const char *file,
                                 wd_calibration *cal, char *why, size_t whylen)
{
    why[0] = '\0';
    *cal = *wd_searcher_calibration(s);
    wd_buf own = WD_BUF_INIT;
    if (file)
        wd_buf_puts(&own, file);
    else
        wd_buf_printf(&own, "%s/%s", path, WD_CALIBRATION_FILE);
    wd_calibration read;
    wd_error err;
    wd_error_clear(&err);
    int rc = own.oom ? WD_ENOMEM : wd_calibration_read(own.data, &read, &err);
    if (rc == WD_OK)
        *cal = read;
    else if (rc != WD_ENOTFOUND || file)
        snprintf(why, whylen, "%s", err.message);
    wd_buf_free(&own);
}

static json_t *calibration_json(const wd_calibration *c, const char *why)
{
    json_t *o = json_pack("{s:b, s:f, s:f, s:s}", "fitted", c->fitted, "covered_at", c->covered_at,
                          "partial_at", c->partial_at, "model", c->model);
    if (c->fitted) {
        json_object_set_new(o, "fitted_at", json_string(c->fitted_at));
        json_object_set_new(o, "questions", json_integer((json_int_t)c->questions));
        json_object_set_new(o, "accuracy", json_real(c->accuracy));
        json_object_set_new(o, "auc", json_real(c->auc));
    }
    if (why[0])
        json_object_set_new(o, "not_used", json_string(why));
    return o;
}

static int cmd_info(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    if (a.npos) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "unexpected argument '%s'", a.pos[0]);
    }
    int json = cli_flag(cmd, &a, "json");
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    const char *path;
    ex = cli_open_searcher(cmd, &a, json, &dict, &s, &path);
    if (ex) {
        cli_args_free(&a);
        return ex;
    }
    wd_index_info info;
    wd_error err;
    wd_error_clear(&err);
    /* info is where damage is looked for: the whole index is read once. */
    if (xc_db_check(path, &err) != WD_OK) {
        char msg[WD_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err.message);
        wd_error_set(&err, WD_ECORRUPT, "xapian:DatabaseCorruptError",
                     "%s; rebuild it with `wenda index --overwrite --index %s FILES...`", msg,
                     path);
        ex = cli_fail(cmd->name, &err, json);
    } else if (wd_searcher_info(s, path, &info, &err) != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
    } else {
        const char *cur = wd_dict_version(dict);
        int same = strcmp(cur, info.dict_version) == 0;
        wd_calibration cal;
        char why[WD_ERROR_MESSAGE_MAX];
        calibration_in_force(s, path, cli_value(cmd, &a, "calibration"), &cal, why, sizeof why);
        if (json) {
            json_t *cp =
                info.checkpoint && *info.checkpoint ? json_loads(info.checkpoint, 0, NULL) : NULL;
            json_t *o =
                json_pack("{s:s,s:I,s:I,s:I,s:f,s:s,s:s,s:b,s:s,s:b,s:o}", "index", path,
                          "documents", (json_int_t)info.documents, "terms", (json_int_t)info.terms,
                          "size_bytes", (json_int_t)info.size_bytes, "avg_length", info.avg_length,
                          "dict_version", info.dict_version, "current_dict_version", cur,
                          "needs_reindex", !same, "schema", info.schema, "stored_analyses",
                          info.stored_analyses, "checkpoint", cp ? cp : json_null());
            json_object_set_new(o, "calibration", calibration_json(&cal, why));
            cli_print_json(o);
        } else {
            printf("index        %s\n", path);
            printf("documents    %u\n", info.documents);
            printf("terms        %llu\n", (unsigned long long)info.terms);
            printf("size         %.1f MiB\n", info.size_bytes / 1048576.0);
            printf("dictionary   %s\n", info.dict_version[0] ? info.dict_version : "(unknown)");
            if (!same)
                printf("             built with an older dictionary than the one in force (%s);\n"
                       "             `wenda reindex --index %s` rebuilds it from its stored "
                       "records\n",
                       cur, path);
            printf("schema       %s\n", info.schema[0] ? info.schema : "(unknown)");
            if (info.stored_analyses)
                printf("analyses     stored: searches read the records' analysed questions\n");
            else
                printf("analyses     %s: each search analyses its candidates' questions "
                       "(slower); `wenda reindex --index %s` stores them\n",
                       atoi(info.schema) >= 4 ? "made with another dictionary, not used"
                                              : "not stored (an index before schema 4)",
                       path);
            if (info.checkpoint[0])
                printf("checkpoint   %s\n", info.checkpoint);
            if (cal.fitted)
                printf("calibration  fitted %s on %u questions (accuracy %.3f, AUC %.3f): covered "
                       "at %.3f, partial at %.3f\n",
                       cal.fitted_at, cal.questions, cal.accuracy, cal.auc, cal.covered_at,
                       cal.partial_at);
            else
                printf("calibration  built-in: covered at %.2f, partial at %.2f (model %s)\n",
                       cal.covered_at, cal.partial_at, cal.model);
            if (why[0])
                printf("             not used: %s\n", why);
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
    "[--index DIR] [--json] [--calibration FILE]",
    "Also says which calibration the answer confidence is judged by: the built-in\n"
    "thresholds, or ones fitted to the base's labelled questions (wenda coverage\n"
    "--calibrate), kept in the index folder or given with --calibration FILE.\n"
    "When the index was built with another dictionary than the one in force (a word\n"
    "added or removed since), says so and that `wenda reindex` rebuilds it from its\n"
    "stored records (\"needs_reindex\" in JSON). Synonym groups never call for it.\n"
    "Also whether searches read the questions' analyses the index stores (schema 4,\n"
    "made with the dictionary in force) or analyse each candidate's question (slower;\n"
    "\"stored_analyses\" in JSON; `wenda reindex` stores them).\n"
    "JSON: {\"index\", \"documents\", \"terms\", \"size_bytes\", \"dict_version\",\n"
    "\"current_dict_version\", \"needs_reindex\", \"schema\", \"stored_analyses\",\n"
    "\"checkpoint\", \"calibration\":\n"
    "{\"fitted\", \"covered_at\", \"partial_at\", \"model\", \"fitted_at\", \"questions\",\n"
    "\"accuracy\", \"auc\", \"not_used\"}}.",
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
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    if (a.npos != 1) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "give exactly one record id");
    }
    int json = cli_flag(cmd, &a, "json");
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    const char *path;
    ex = cli_open_searcher(cmd, &a, json, &dict, &s, &path);
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
        for (size_t i = 0; i < h->n_fields; i++) { /* as the stored form keeps them */
            char key[sizeof WD_FIELD_KEY_PREFIX + WD_FIELD_NAME_MAX];
            snprintf(key, sizeof key, WD_FIELD_KEY_PREFIX "%s", h->fields[i].name);
            json_object_set_new(o, key, json_string(h->fields[i].value));
        }
        cli_print_json(o);
    } else {
        /* The record's text as a person reads it: control characters escaped. */
        printf("id        ");
        cli_put_visible(stdout, h->id);
        printf("\nkind      %s\nsource    ", wd_corpus_kind_name(h->kind));
        cli_put_visible(stdout, h->source);
        if (h->date) {
            printf("\ndate      ");
            cli_put_visible(stdout, h->date);
        }
        for (size_t i = 0; i < h->n_fields; i++) {
            printf("\n");
            cli_put_visible(stdout, h->fields[i].name);
            printf(": ");
            cli_put_visible(stdout, h->fields[i].value);
        }
        printf("\nquestion  ");
        cli_put_visible(stdout, h->question);
        printf("\n\n");
        cli_put_visible(stdout, h->answer);
        printf("\n");
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
                               "Text is printed with control characters escaped (\\x1B);\n"
                               "--json keeps it exact.\n"
                               "Exit: 0 shown; 1 no record with that id; 3 no index.",
                               show_opts,
                               cmd_show };
