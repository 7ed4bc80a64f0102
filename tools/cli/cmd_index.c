/*
 * cmd_index.c - `wenda index` and `wenda delete`: read corpus files, write
 * the index, and say what happened to every record.
 */
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "progress.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/index.h"
#include "xapian_c.h"

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---- indexing -------------------------------------------------------------- */

typedef struct index_run {
    const char *cmd;
    wd_index_writer *w;
    wd_analyzer *an;  /* finds whether a question has a word at all */
    const char *file; /* the file being read */
    uint64_t records; /* read from files */
    uint64_t skipped;
    uint64_t warnings;
    uint64_t bytes_before; /* of the files read before this one */
    uint64_t bytes_done;   /* of this file, up to the record being indexed (the reader's) */
    size_t unreadable;     /* files and folders that could not be read */
    int fatal;
    wd_error fatal_err;
    json_t *problems; /* with --json: the diagnostics */
    int json;
    cli_progress pg; /* share of the input's bytes, rate, time left */
    double t0;
} index_run;

static void progress(index_run *r, int final)
{
    cli_progress_update(&r->pg, r->bytes_before + r->bytes_done, r->records, final);
}

static void note_problem(index_run *r, const char *level, const char *file, size_t line, int code,
                         const char *msg)
{
    cli_progress_clear(&r->pg);
    if (r->json) {
        /* A file name is bytes: one in another encoding (a GBK name) must
         * not make the problem invalid JSON, or drop it. */
        char *f = wd_strdup(file ? file : ""), *m = wd_strdup(msg);
        if (f && m) {
            wd_utf8_scrub(f);
            wd_utf8_scrub(m);
            json_array_append_new(r->problems, json_pack("{s:s,s:s,s:I,s:s,s:s}", "level", level,
                                                         "file", f, "line", (json_int_t)line,
                                                         "code", wd_code_name(code), "message", m));
        }
        wd_free(f);
        wd_free(m);
    } else if (!file)
        cli_diag(r->cmd, "%s", msg);
    else if (line)
        cli_diag(r->cmd, "%s:%zu: %s", file, line, msg);
    else
        cli_diag(r->cmd, "%s: %s", file, msg);
}

/* A file or folder that cannot be read at all: the message names it, so
 * the text output prints it alone; the JSON problem also names it as its
 * file. */
static void note_unreadable(index_run *r, const char *path, const wd_error *err)
{
    if (r->json)
        note_problem(r, "error", path, 0, err->code, err->message);
    else
        note_problem(r, "error", NULL, 0, err->code, err->message);
}

static void on_diag(void *ctx, int level, const char *file, size_t line, int code,
                    const char *message)
{
    index_run *r = ctx;
    if (level == WD_DIAG_SKIP)
        r->skipped++;
    else if (level == WD_DIAG_ERROR)
        r->unreadable++;
    else
        r->warnings++;
    note_problem(r,
                 level == WD_DIAG_SKIP    ? "skip"
                 : level == WD_DIAG_ERROR ? "error"
                                          : "warning",
                 file, line, code, message);
}

static int stop_at_a_word(void *ctx, const wd_token *tok)
{
    (void)ctx;
    (void)tok;
    return 1;
}

/* Does the question hold a word, as the analyzer finds words? One that
 * holds only emoji, punctuation, symbols or invisible characters is
 * indexed under no word, so no search could find the record by it. An
 * ASCII letter or digit, or a character of the main CJK block (U+4E00 to
 * U+9FFF), is always a word to the analyzer: finding one settles it at the
 * cost of a byte scan. Otherwise the analyzer decides, stopping at its
 * first word and leaving out the dictionary layer (which never turns words
 * into none). */
static int has_a_word(index_run *r, const char *question)
{
    const unsigned char *s = (const unsigned char *)question;
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = s[i];
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c == 0xE4 && s[i + 1] >= 0xB8 && s[i + 1] <= 0xBF) || (c >= 0xE5 && c <= 0xE9))
            return 1;
    }
    return wd_analyze(r->an, WD_ANALYZE_QUERY, question, strlen(question), stop_at_a_word, NULL,
                      NULL) != WD_OK;
}

static int on_record(void *ctx, const wd_record *rec)
{
    index_run *r = ctx;
    if (interrupted)
        return WD_ESTOP;
    r->records++;
    if (!has_a_word(r, rec->question)) {
        r->skipped++;
        note_problem(r, "skip", r->file, rec->line, WD_EFORMAT,
                     "the question has no word to search by (only emoji, punctuation, symbols or "
                     "invisible characters such as zero-width spaces), so no search could find "
                     "the record; the record was skipped (put the question in words)");
        return 0;
    }
    wd_error err;
    wd_error_clear(&err);
    int rc = wd_index_writer_add(r->w, rec, &err);
    if (rc == WD_EINVAL) {
        r->skipped++;
        char msg[WD_ERROR_MESSAGE_MAX + 64];
        snprintf(msg, sizeof msg, "%s; the record was skipped", err.message);
        note_problem(r, "skip", r->file, rec->line, rc, msg);
        return 0;
    }
    if (rc != WD_OK) {
        r->fatal = 1;
        r->fatal_err = err;
        return rc;
    }
    progress(r, 0);
    return 0;
}

/* Xapian's write errors ("Error writing block 32 (File too large)") do not
 * say what happened to the index: say it, and what to do. */
static void explain_write_error(wd_error *e, const char *path)
{
    /* A new index left half moved into place says what to do itself. */
    if (e->code != WD_EIO || strcmp(e->origin, "index:install") == 0)
        return;
    char msg[WD_ERROR_MESSAGE_MAX], origin[WD_ERROR_ORIGIN_MAX];
    snprintf(msg, sizeof msg, "%s", e->message);
    snprintf(origin, sizeof origin, "%s", e->origin);
    wd_error_set(e, WD_EIO, origin,
                 "cannot write the index %s (is the disk full?): %s; the index keeps its last "
                 "commit: free some space and run the same command again",
                 path, msg);
}

/* A write error that libxapian lets escape where no handler can catch it
 * (xc_set_fatal_handler): reported as any other, then the process exits
 * with the index at its last commit, as a killed run leaves it. */
static const char *fatal_path;
static int fatal_json;

static void on_fatal(const wd_error *err)
{
    wd_error e = *err;
    if (fatal_path)
        wd_index_drop_scratch(fatal_path);
    explain_write_error(&e, fatal_path ? fatal_path : "?");
    fflush(stdout);
    int ex = cli_fail("index", &e, fatal_json);
    fflush(stderr);
    _exit(ex);
}

static const cli_opt index_opts[] = {
    { "index", 0, 1, "DIR",
      "index to write (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "batch-size", 0, 1, "N", "records per commit (default 1000, at least 1)" },
    { "jobs", 'j', 1, "N",
      "busy threads: one writes, N-1 analyse (default: one per core; 1 = no threads; at most 64)" },
    { "bulk", 0, 0, NULL,
      "new index: one writer per job into parts merged at the end (fastest, compact; a killed run "
      "keeps nothing)" },
    { "shards", 0, 1, "N",
      "split records over N shard indexes DIR/shard-1..N by a hash of their id" },
    { "answer-positions", 0, 0, NULL,
      "also store word positions in the answer field (bigger, slower)" },
    { "max-record-bytes", 0, 1, "N",
      "skip records whose id, question, answer, source and date together exceed N bytes "
      "(default 1048576, at least 1)" },
    { "follow-links", 0, 0, NULL,
      "in folders, also follow symbolic links that lead out of the folder named" },
    { "input-format", 0, 1, "F", "auto, seed, jsonl, tsv or csv (default auto)" },
    { "encoding", 0, 1, "ENC", "input encoding: utf-8 (default) or gb18030" },
    { "question-column", 0, 1, "NAME",
      "TSV/CSV column with the question (default question); A,B joins several with a space" },
    { "answer-column", 0, 1, "NAME", "TSV/CSV column with the answer (default answer)" },
    { "id-column", 0, 1, "NAME", "TSV/CSV column with the id (default id, optional)" },
    { "source-column", 0, 1, "NAME",
      "TSV/CSV column with the source (default source, optional; else the file's name)" },
    { "date-column", 0, 1, "NAME",
      "TSV/CSV column with the date, YYYY-MM-DD (default date, optional)" },
    { "field-column", 0, 1, "A,B",
      "TSV/CSV columns kept as extra fields of each record (filters and facets: ask --field A=V)" },
    { "title", 0, 1, "TEXT", "the base's title, shown by the service's page" },
    { "description", 0, 1, "TEXT", "a line on what the base answers, shown under the title" },
    { "examples", 0, 1, "Q1|Q2",
      "example questions for the page, separated by | (default: derived from the base)" },
    { "overwrite", 0, 0, NULL,
      "start from an empty index (built beside the old one, which readers keep until the new "
      "one is complete)" },
    { "dict", 0, 1, "DIR", "dictionary directory (default: $WENDA_DICT or built-in)" },
    { "json", 0, 0, NULL, "print the summary as one JSON object" },
    { "profile", 0, 0, NULL,
      "also report where the time went: CPU analysing, CPU writing to Xapian, the final merge" },
    { "progress", 0, 1, "HOW",
      "bar (rewritten in place), lines (one every 10 s) or none; default: a bar on a terminal, "
      "else lines" },
    { "quiet", 'q', 0, NULL, "no progress and no summary" },
    { NULL, 0, 0, NULL, NULL }
};

/* This process's CPU seconds (user + system, all threads). */
static double process_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmd_index(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    int json = cli_flag(cmd, &a, "json");
    unsigned long batch, maxrec;
    if (cli_uint_in(cmd, &a, "batch-size", WD_DEFAULT_BATCH_SIZE, 1, 10000000, &batch) ||
        cli_uint_in(cmd, &a, "max-record-bytes", WD_DEFAULT_MAX_RECORD_BYTES, 1, (1ul << 31),
                    &maxrec)) {
        cli_args_free(&a);
        return EXIT_USAGE;
    }
    unsigned long jobs, shards;
    if (cli_uint_in(cmd, &a, "jobs", wd_index_default_jobs(), 1, 64, &jobs) ||
        cli_uint(cmd, &a, "shards", 0, 256, &shards)) {
        cli_args_free(&a);
        return EXIT_USAGE;
    }
    wd_read_opts ro = WD_READ_OPTS_INIT;
    const char *fmt = cli_value(cmd, &a, "input-format");
    if (fmt) {
        ro.format = wd_corpus_format_from_name(fmt);
        if (ro.format < 0) {
            cli_args_free(&a);
            return cli_usage_error(
                cmd, "--input-format wants auto, seed, jsonl, tsv or csv, not '%s'", fmt);
        }
    }
    ro.encoding = cli_value(cmd, &a, "encoding");
    ro.question_column = cli_value(cmd, &a, "question-column");
    ro.answer_column = cli_value(cmd, &a, "answer-column");
    ro.id_column = cli_value(cmd, &a, "id-column");
    ro.source_column = cli_value(cmd, &a, "source-column");
    ro.date_column = cli_value(cmd, &a, "date-column");
    ro.field_columns = cli_value(cmd, &a, "field-column");
    ro.max_record_bytes = maxrec;
    if (a.npos == 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "no files or folders to index");
    }

    index_run r = { 0 };
    r.cmd = cmd->name;
    r.json = json;
    r.problems = json ? json_array() : NULL;
    const char *how = cli_value(cmd, &a, "progress");
    int pmode = cli_progress_mode(how, cli_flag(cmd, &a, "quiet") || (json && !how));
    if (pmode < 0) {
        cli_args_free(&a);
        json_decref(r.problems);
        return cli_usage_error(cmd, "--progress wants bar, lines or none");
    }
    ro.bytes_done = &r.bytes_done;
    wd_error err;
    wd_error_clear(&err);

    /* Find the files first, so what is missing is said before anything is
     * written. */
    wd_corpus_files *files = NULL;
    wd_dict *dict = NULL;
    unsigned walk = cli_flag(cmd, &a, "follow-links") ? WD_FILES_FOLLOW_LINKS : 0;
    if (ro.format != WD_FORMAT_AUTO)
        walk |= WD_FILES_ANY_NAME; /* the user says what they are */
    int rc = wd_corpus_files_new(&files, walk, on_diag, &r, &err);
    if (rc != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
        goto done;
    }
    size_t missing = 0;
    for (int i = 0; i < a.npos; i++) {
        size_t before = wd_corpus_files_count(files);
        rc = wd_corpus_files_add(files, a.pos[i], &err);
        if (rc == WD_ENOMEM) {
            ex = cli_fail(cmd->name, &err, json);
            goto done;
        }
        if (rc != WD_OK) {
            missing++;
            note_unreadable(&r, a.pos[i], &err);
        } else if (wd_corpus_files_count(files) == before) {
            struct stat st;
            if (stat(a.pos[i], &st) == 0 && S_ISDIR(st.st_mode))
                note_problem(&r, "warning", a.pos[i], 0, WD_ENOTFOUND,
                             "no corpus files (.txt .jsonl .json .ndjson .tsv .csv) in the folder");
        }
    }
    size_t nfiles = wd_corpus_files_count(files);

    ex = cli_load_dict(cmd->name, cli_value(cmd, &a, "dict"), json, &dict);
    if (ex)
        goto done;
    if ((rc = wd_analyzer_new(&r.an, dict, &err)) != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
        goto done;
    }
    wd_analyzer_set_dictionary_layer(r.an, 0);
    const char *path = cli_index_path(cli_value(cmd, &a, "index"));
    wd_index_opts io = WD_INDEX_OPTS_INIT;
    io.batch_size = (uint32_t)batch;
    io.overwrite = cli_flag(cmd, &a, "overwrite");
    io.jobs = (unsigned)jobs;
    io.bulk = cli_flag(cmd, &a, "bulk");
    io.shards = (uint32_t)shards;
    io.answer_positions = cli_flag(cmd, &a, "answer-positions");
    io.profile = cli_flag(cmd, &a, "profile");
    io.title = cli_value(cmd, &a, "title");
    io.description = cli_value(cmd, &a, "description");
    /* Kept one a line; given separated by '|'. */
    char *examples =
        cli_value(cmd, &a, "examples") ? wd_strdup(cli_value(cmd, &a, "examples")) : NULL;
    for (char *p = examples; p && *p; p++)
        if (*p == '|')
            *p = '\n';
    io.examples = examples;
    r.t0 = cli_now_ms();
    uint64_t total = 0;
    for (size_t i = 0; i < nfiles; i++) {
        struct stat fst;
        if (stat(wd_corpus_files_path(files, i), &fst) == 0 && S_ISREG(fst.st_mode))
            total += (uint64_t)fst.st_size;
    }
    cli_progress_start(&r.pg, pmode, cmd->name, "indexing", "records", total, 1);
    fatal_path = path;
    fatal_json = json;
    xc_set_fatal_handler(on_fatal);
    rc = wd_index_writer_open(&r.w, path, dict, &io, &err);
    wd_free(examples); /* the writer keeps its own copy */
    if (rc != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
        goto done;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    size_t failed_files = 0;
    for (size_t i = 0; i < nfiles && !r.fatal && !interrupted; i++) {
        r.file = wd_corpus_files_path(files, i);
        struct stat fst;
        if (i > 0 && stat(wd_corpus_files_path(files, i - 1), &fst) == 0 && S_ISREG(fst.st_mode))
            r.bytes_before += (uint64_t)fst.st_size;
        r.bytes_done = 0;
        wd_error_clear(&err);
        rc = wd_corpus_read_file(r.file, &ro, on_record, on_diag, &r, &err);
        if (rc != WD_OK && !r.fatal && rc != WD_ESTOP) {
            failed_files++;
            note_unreadable(&r, r.file, &err);
        }
    }
    /* With worker threads, records still queued are written by the commit;
     * the counts are complete after it. */
    wd_error_clear(&err);
    rc = r.fatal ? WD_OK : wd_index_writer_commit(r.w, &err);
    progress(&r, 1);
    const wd_index_stats *st = wd_index_writer_stats(r.w);
    uint64_t added = st->added, replaced = st->replaced;
    double analysis_s = st->analysis_cpu_s, write_s = st->write_cpu_s;
    double t_close = cli_now_ms();
    if (rc == WD_OK)
        rc = wd_index_writer_close(r.w, &err);
    else
        wd_index_writer_abandon(r.w);
    double finish_s = (cli_now_ms() - t_close) / 1e3;
    r.w = NULL;
    if (r.fatal) {
        explain_write_error(&r.fatal_err, path);
        ex = cli_fail(cmd->name, &r.fatal_err, json);
        goto done;
    }
    if (rc != WD_OK) {
        explain_write_error(&err, path);
        ex = cli_fail(cmd->name, &err, json);
        goto done;
    }
    double secs = (cli_now_ms() - r.t0) / 1e3;
    if (json) {
        json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:b,s:o}", "index", path, "files",
                              (json_int_t)nfiles, "records", (json_int_t)r.records, "added",
                              (json_int_t)added, "replaced", (json_int_t)replaced, "skipped",
                              (json_int_t)r.skipped, "failed_files",
                              (json_int_t)(failed_files + missing + r.unreadable), "seconds", secs,
                              "interrupted", (int)interrupted, "problems", r.problems);
        r.problems = NULL;
        if (o && io.profile)
            json_object_set_new(o, "profile",
                                json_pack("{s:f,s:f,s:f,s:f}", "analysis_cpu_s", analysis_s,
                                          "write_cpu_s", write_s, "finish_s", finish_s,
                                          "process_cpu_s", process_cpu_s()));
        cli_print_json(o);
    } else if (!cli_flag(cmd, &a, "quiet")) {
        printf("indexed %llu record%s from %zu file%s into %s: %llu added, %llu replaced, %llu "
               "skipped (%.1f s)\n",
               (unsigned long long)(added + replaced), added + replaced == 1 ? "" : "s", nfiles,
               nfiles == 1 ? "" : "s", path, (unsigned long long)added,
               (unsigned long long)replaced, (unsigned long long)r.skipped, secs);
        size_t unread = failed_files + missing + r.unreadable;
        if (unread)
            printf("%zu file%s or folder%s not read (see above)\n", unread, unread == 1 ? "" : "s",
                   unread == 1 ? "" : "s");
        if (io.profile)
            printf("time: CPU %.1f s in all; analysing records %.1f s, writing them to Xapian "
                   "%.1f s (CPU over all threads); final merge/compaction %.1f s\n",
                   process_cpu_s(), analysis_s, write_s, finish_s);
        if (interrupted)
            printf("interrupted: what was read so far is committed; run the same command again "
                   "to finish\n");
    }
    ex = (r.skipped || failed_files || missing || r.unreadable) ? EXIT_DATA
         : interrupted                                          ? 130
                                                                : EXIT_OK;
done:
    json_decref(r.problems);
    wd_index_writer_abandon(r.w);
    wd_analyzer_free(r.an);
    wd_dict_free(dict);
    wd_corpus_files_free(files);
    cli_args_free(&a);
    return ex;
}

static const cli_opt delete_opts[] = {
    { "index", 0, 1, "DIR",
      "index to change (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "dict", 0, 1, "DIR", "dictionary directory" },
    { "json", 0, 0, NULL, "print the result as JSON" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_delete(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    int json = cli_flag(cmd, &a, "json");
    if (a.npos == 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "no record ids given");
    }
    const char *path = NULL;
    wd_dict *dict = NULL;
    if ((ex = cli_index_and_dict(cmd, &a, json, &path, &dict)) != 0) {
        cli_args_free(&a);
        return ex;
    }
    wd_error err;
    wd_error_clear(&err);
    wd_index_writer *w = NULL;
    int rc = wd_index_writer_open(&w, path, dict, NULL, &err);
    json_t *deleted = json_array(), *missing = json_array();
    size_t nmiss = 0;
    for (int i = 0; rc == WD_OK && i < a.npos; i++) {
        int found = 0;
        rc = wd_index_writer_delete(w, a.pos[i], &found, &err);
        if (rc == WD_OK) {
            json_array_append_new(found ? deleted : missing, json_string(a.pos[i]));
            if (!found) {
                nmiss++;
                if (!json)
                    cli_diag(cmd->name, "no record with id '%s'", a.pos[i]);
            }
        }
    }
    if (rc == WD_OK)
        rc = wd_index_writer_close(w, &err);
    else
        wd_index_writer_abandon(w);
    if (rc != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
    } else {
        if (json) {
            json_t *o = json_pack("{s:O,s:O}", "deleted", deleted, "not_found", missing);
            cli_print_json(o);
        } else {
            printf("deleted %zu record%s\n", json_array_size(deleted),
                   json_array_size(deleted) == 1 ? "" : "s");
        }
        ex = nmiss ? EXIT_NEGATIVE : EXIT_OK;
    }
    json_decref(deleted);
    json_decref(missing);
    wd_dict_free(dict);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_index = {
    "index",
    "Read Q&A records from files or folders into an index.",
    "[--index DIR] [options] PATH...",
    "PATH is a file or a folder (searched recursively, in name order, for .txt .jsonl\n"
    ".json .ndjson .tsv .csv; hidden entries left out; any other file is reported and\n"
    "not read, unless --input-format names the format of all). Each file is read once,\n"
    "however many paths or links lead to it. Symbolic links in a folder are followed when they\n"
    "stay inside the folder named (out of it only with --follow-links), never round a\n"
    "loop; each link left out is reported with the reason.\n"
    "Formats: seed pages (.txt), JSON Lines ({\"id\"?, \"question\", \"answer\", \"source\"?,\n"
    "\"date\"?} a line), and TSV/CSV files whose header names question and answer columns\n"
    "(any extension). A file of no format (another name and no such header, or a .txt\n"
    "that is no seed page: a tab in its first line, or no answer after it) is reported\n"
    "and skipped; --input-format reads it as the format named.\n"
    "A record whose id is already indexed is replaced. Records are\n"
    "committed every --batch-size records, so an interrupted run keeps what it committed.\n"
    "Problem records are skipped with a message naming file and line, among them a\n"
    "record whose question has no word to search by (only emoji, punctuation or\n"
    "invisible characters), which no search could find.\n"
    "--jobs N: N-1 threads analyse records while one writes them in input order (so\n"
    "each commit is a prefix of the input). A new index is compacted at the end.\n"
    "--bulk builds a new index with one writer per job, merged at the end (a killed\n"
    "run keeps nothing). --shards N makes DIR a sharded index (DIR/shard-K, listed\n"
    "by the stub DIR/XAPIANDB); later runs route records to the same shards.\n"
    "Exit: 0 all records indexed; 3 something was skipped or could not be read.",
    index_opts,
    cmd_index
};

const cli_cmd cli_cmd_delete = {
    "delete",
    "Remove records from an index by id.",
    "[--index DIR] ID...",
    "Exit: 0 all deleted; 1 some ids were not in the index; 3 the index could not be changed.",
    delete_opts,
    cmd_delete
};
