/*
 * cmd_reindex.c - `wenda reindex`: rebuild an index from the records it
 * stores, with the dictionary in force, so that a lexicon change (a word
 * added or removed) applies to it without its source files.
 *
 *   wenda reindex [--index DIR] [--dict DIR] [--jobs N] [--batch-size N]
 *                 [--answer-positions] [--progress bar|lines|none] [--quiet] [--json]
 *
 * The records are walked through their own read-only view of the index
 * (wd_index_each_record) and written by a writer opened with overwrite, the
 * path of `wenda index --overwrite`: the new index is built beside the live
 * one (DIR/.wenda-rebuild, in each shard of a sharded index) and moved over
 * it only when complete, so every reader, a running `wenda serve` too, keeps
 * the old index until then, and a rebuild that fails or is killed leaves it
 * as it was. Ids, fields and kinds are the stored ones.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "progress.h"
#include "wenda/index.h"
#include "wenda/search.h"

typedef struct reindex_run {
    wd_index_writer *w;
    cli_progress pg;
    uint64_t records, skipped;
    int changed; /* the index changed under the walk (cannot, under the lock) */
    wd_error err;
} reindex_run;

static int on_record(void *ctx, const wd_record *rec)
{
    reindex_run *r = ctx;
    if (!rec) {
        r->changed = 1;
        return WD_ESTOP;
    }
    int rc = wd_index_writer_add(r->w, rec, &r->err);
    if (rc == WD_EINVAL) { /* stored, so it was valid when written: not expected */
        r->skipped++;
        cli_progress_clear(&r->pg);
        cli_diag("reindex", "record %s: %s; left out", rec->id ? rec->id : "?", r->err.message);
        wd_error_clear(&r->err);
        return 0;
    }
    if (rc != WD_OK)
        return rc;
    r->records++;
    cli_progress_update(&r->pg, r->records, r->records, 0);
    return 0;
}

static const cli_opt reindex_opts[] = {
    { "index", 0, 1, "DIR",
      "index to rebuild (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "dict", 0, 1, "DIR", "dictionary directory (default: $WENDA_DICT or built-in + overlay)" },
    { "jobs", 'j', 1, "N",
      "busy threads: one writes, N-1 analyse (default: one per core; 1 = no threads; at most 64)" },
    { "batch-size", 0, 1, "N", "records per commit (default 1000, at least 1)" },
    { "answer-positions", 0, 0, NULL,
      "also store word positions in the answer field (bigger, slower)" },
    { "progress", 0, 1, "HOW",
      "bar (rewritten in place), lines (one every 10 s) or none; default: a bar on a terminal, "
      "else lines" },
    { "json", 0, 0, NULL, "print the summary as one JSON object" },
    { "quiet", 'q', 0, NULL, "no progress and no summary" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_reindex(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    int json = cli_flag(cmd, &a, "json"), quiet = cli_flag(cmd, &a, "quiet");
    unsigned long batch, jobs;
    const char *how = cli_value(cmd, &a, "progress");
    int mode = cli_progress_mode(how, quiet || (json && !how));
    if (a.npos) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "unexpected argument '%s' (reindex reads no files)", a.pos[0]);
    }
    if (mode < 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "--progress wants bar, lines or none");
    }
    if (cli_uint_in(cmd, &a, "batch-size", WD_DEFAULT_BATCH_SIZE, 1, 10000000, &batch) ||
        cli_uint_in(cmd, &a, "jobs", wd_index_default_jobs(), 1, 64, &jobs)) {
        cli_args_free(&a);
        return EXIT_USAGE;
    }
    const char *path = cli_index_path(cli_value(cmd, &a, "index"));
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    wd_index_info info;
    memset(&info, 0, sizeof info);
    reindex_run r;
    memset(&r, 0, sizeof r);
    wd_error err;
    wd_error_clear(&err);
    if (strchr(path, ',') || strncmp(path, "tcp://", 6) == 0) {
        cli_diag(cmd->name,
                 "%s: a shard list; reindex rebuilds an index folder (a sharded one too): run it "
                 "on each shard's folder where it lives",
                 path);
        ex = EXIT_USAGE;
        goto done;
    }
    /* How many records there are (for the progress) and which dictionary
     * built them. */
    if ((ex = cli_open_searcher(cmd, &a, json, &dict, &s, &path)) != 0)
        goto done;
    if (wd_searcher_info(s, path, &info, &err) != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
        goto done;
    }
    wd_searcher_close(s);
    s = NULL;

    wd_index_opts io = WD_INDEX_OPTS_INIT;
    io.overwrite = 1;
    io.batch_size = (uint32_t)batch;
    io.jobs = (unsigned)jobs;
    io.answer_positions = cli_flag(cmd, &a, "answer-positions");
    if (wd_index_writer_open(&r.w, path, dict, &io, &err) != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
        goto done;
    }
    cli_progress_start(&r.pg, mode, cmd->name, "reindexing", "records", info.documents, 0);
    double t0 = cli_now_ms();
    int rc = wd_index_each_record(path, on_record, &r, NULL, &err);
    if (rc != WD_OK && r.err.code)
        err = r.err;
    if (rc == WD_OK)
        rc = wd_index_writer_commit(r.w, &err);
    if (rc == WD_OK) {
        cli_progress_update(&r.pg, r.records, r.records, 1);
        rc = wd_index_writer_close(r.w, &err); /* the new index moves into place */
    } else {
        cli_progress_clear(&r.pg);
        wd_index_writer_abandon(r.w);
    }
    r.w = NULL;
    if (r.changed)
        rc = wd_error_set(&err, WD_EMODIFIED, "reindex",
                          "%s changed while it was being rebuilt; run reindex again", path);
    if (rc != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
        goto done;
    }
    double secs = (cli_now_ms() - t0) / 1e3;
    const char *was = info.dict_version && *info.dict_version ? info.dict_version : "unknown";
    if (json) {
        json_t *o =
            json_pack("{s:s,s:I,s:I,s:s,s:s,s:f}", "index", path, "records", (json_int_t)r.records,
                      "skipped", (json_int_t)r.skipped, "dict_version", wd_dict_version(dict),
                      "previous_dict_version", was, "seconds", secs);
        cli_print_json(o);
    } else if (!quiet) {
        printf("reindexed %llu record%s of %s with dictionary %s (built with %s) in %.1f s\n",
               (unsigned long long)r.records, r.records == 1 ? "" : "s", path,
               wd_dict_version(dict), was, secs);
    }
    ex = r.skipped ? EXIT_DATA : EXIT_OK;
done:
    wd_index_writer_abandon(r.w);
    wd_index_info_clear(&info);
    wd_searcher_close(s);
    wd_dict_free(dict);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_reindex = {
    "reindex",
    "Rebuild an index from the records it stores, with the current dictionary.",
    "[--index DIR] [--dict DIR] [--jobs N] [--progress bar|lines|none] [--quiet] [--json]",
    "Reads every record the index stores (no source files needed) and builds the index\n"
    "anew with the dictionary in force, keeping ids, fields and kinds: what `wenda info`\n"
    "asks for after a lexicon change (wenda dict add, wenda dict remove, --dict). The\n"
    "new index is built beside the old one (DIR/.wenda-rebuild, in each shard of a\n"
    "sharded index) and moved over it only when complete: until then every reader, a\n"
    "running `wenda serve` too, keeps the old index, and a rebuild that fails or is\n"
    "killed leaves it as it was. Synonym groups need no reindex.\n"
    "Progress: on a terminal, the share of records done, the rate and the time left;\n"
    "otherwise a line every 10 seconds and one at the end (--progress chooses).\n"
    "JSON: {\"index\", \"records\", \"skipped\", \"dict_version\", \"previous_dict_version\",\n"
    "\"seconds\"}.\n"
    "Exit: 0 rebuilt; 2 usage (a shard list); 3 no index, locked, or it cannot be read or\n"
    "written (the old index is kept).",
    reindex_opts,
    cmd_reindex
};
