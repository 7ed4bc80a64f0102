/*
 * cmd_export.c - `wenda export`: the records an index stores, written back
 * out, so that a base can be moved, diffed or rebuilt elsewhere.
 *
 *   wenda export [--index DIR] [--format jsonl|tsv] [-o FILE]
 *
 * JSON Lines is the stored form itself (wenda/record.h), one record a line:
 * `wenda index` reads it back to the same ids and fields. TSV has a header
 * and escapes what a TSV field cannot hold. Any index a search can open
 * works: a folder, a sharded folder, a comma list of shards, remote shards.
 * Written to FILE through a temporary file renamed at the end, so an
 * interrupted export never leaves half a file under the name asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "wenda/buf.h"
#include "wenda/record.h"
#include "wenda/search.h"

enum { FORMAT_JSONL, FORMAT_TSV };

typedef struct export_run {
    FILE *out;
    int format;
    int seekable; /* a file of ours: a restarted walk rewinds it */
    int progress; /* stderr is a TTY */
    unsigned long long n;
    wd_buf line;
    int werr; /* errno of a failed write */
    int restarted_unseekable;
} export_run;

/* A TSV field: backslash, tab, newline and carriage return written as \\ \t
 * \n \r (the convention of PostgreSQL's text format). */
static void tsv_field(wd_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '\\': wd_buf_puts(b, "\\\\"); break;
        case '\t': wd_buf_puts(b, "\\t"); break;
        case '\n': wd_buf_puts(b, "\\n"); break;
        case '\r': wd_buf_puts(b, "\\r"); break;
        default: wd_buf_putc(b, *s);
        }
    }
}

static const char TSV_HEADER[] = "id\tquestion\tanswer\tsource\tdate\tkind\n";

static int put_record(void *vctx, const wd_record *rec)
{
    export_run *r = vctx;
    if (!rec) { /* the index changed under the walk: it starts over */
        if (!r->seekable) {
            r->restarted_unseekable = 1;
            return WD_EMODIFIED;
        }
        r->n = 0;
        if (fflush(r->out) != 0 || ftruncate(fileno(r->out), 0) != 0 ||
            fseek(r->out, 0, SEEK_SET) != 0 ||
            (r->format == FORMAT_TSV && fputs(TSV_HEADER, r->out) == EOF)) {
            r->werr = errno ? errno : EIO;
            return WD_EIO;
        }
        return 0;
    }
    wd_buf_reset(&r->line);
    if (r->format == FORMAT_JSONL) {
        wd_record_encode(rec, &r->line);
    } else {
        const char *f[6] = { rec->id,     rec->question, rec->answer,
                             rec->source, rec->date,     wd_record_kind_name(rec->kind) };
        for (int k = 0; k < 6; k++) {
            if (k)
                wd_buf_putc(&r->line, '\t');
            tsv_field(&r->line, f[k]);
        }
    }
    wd_buf_putc(&r->line, '\n');
    if (r->line.oom)
        return WD_ENOMEM;
    if (fwrite(r->line.data, 1, r->line.len, r->out) != r->line.len) {
        r->werr = errno ? errno : EIO;
        return WD_EIO;
    }
    r->n++;
    if (r->progress && r->n % 10000 == 0)
        fprintf(stderr, "\rwenda: export: %llu records", r->n);
    return 0;
}

static const cli_opt export_opts[] = {
    { "index", 0, 1, "DIR", "index to read (default: $WENDA_INDEX or the per-user index)" },
    { "format", 0, 1, "FMT", "jsonl (default; or from -o's extension) or tsv" },
    { "output", 'o', 1, "FILE", "write to FILE (default: standard output)" },
    { NULL, 0, 0, NULL, NULL }
};

static int format_of(const cli_cmd *cmd, const char *fmt, const char *file, int *out)
{
    if (!fmt && file) {
        size_t n = strlen(file);
        fmt = n > 4 && (strcmp(file + n - 4, ".tsv") == 0 || strcmp(file + n - 4, ".tab") == 0)
                  ? "tsv"
                  : "jsonl";
    }
    if (!fmt || strcmp(fmt, "jsonl") == 0)
        *out = FORMAT_JSONL;
    else if (strcmp(fmt, "tsv") == 0)
        *out = FORMAT_TSV;
    else
        return cli_usage_error(cmd, "--format wants jsonl or tsv, not '%s'", fmt);
    return 0;
}

static int cmd_export(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    const char *file = cli_value(cmd, &a, "output");
    export_run r = { NULL, 0, 0, isatty(STDERR_FILENO), 0, WD_BUF_INIT, 0, 0 };
    if (a.npos)
        ex = cli_usage_error(cmd, "takes no arguments; the index is --index DIR");
    if (!ex)
        ex = format_of(cmd, cli_value(cmd, &a, "format"), file, &r.format);
    const char *path = cli_index_path(cli_value(cmd, &a, "index"));
    if (!ex && !cli_index_exists(path))
        ex = cli_no_index(cmd->name, path, 0);
    char tmp[4200] = "";
    if (!ex && file && strcmp(file, "-") != 0) {
        snprintf(tmp, sizeof tmp, "%s.tmp-%ld", file, (long)getpid());
        if (!(r.out = fopen(tmp, "w+"))) {
            cli_diag(cmd->name, "%s: cannot write: %s", file, strerror(errno));
            ex = EXIT_DATA;
            tmp[0] = '\0';
        }
        r.seekable = 1;
    } else if (!ex) {
        r.out = stdout;
    }
    if (!ex && r.format == FORMAT_TSV && fputs(TSV_HEADER, r.out) == EOF)
        r.werr = errno ? errno : EIO;
    wd_error err;
    wd_error_clear(&err);
    int rc = ex || r.werr ? WD_OK : wd_index_each_record(path, put_record, &r, NULL, &err);
    if (r.progress && r.n >= 10000)
        fputc('\n', stderr);
    if (!ex && rc == WD_OK && !r.werr && fflush(r.out) != 0)
        r.werr = errno ? errno : EIO;
    if (!ex && rc == WD_OK && !r.werr && r.seekable && fsync(fileno(r.out)) != 0)
        r.werr = errno;
    if (ex) {
        /* said already */
    } else if (r.restarted_unseekable) {
        cli_diag(cmd->name,
                 "%s: the index changed while it was exported to standard output; "
                 "run it again, or export with -o FILE",
                 path);
        ex = EXIT_DATA;
    } else if (r.werr || rc == WD_EIO) {
        cli_diag(cmd->name, "%s: write error: %s", file && r.seekable ? file : "standard output",
                 strerror(r.werr ? r.werr : EIO));
        ex = EXIT_DATA;
    } else if (rc == WD_ENOMEM) {
        cli_diag(cmd->name, "out of memory");
        ex = EXIT_INTERNAL;
    } else if (rc != WD_OK) {
        ex = err.code == WD_ENOTFOUND ? cli_no_index(cmd->name, path, 0)
                                      : cli_fail(cmd->name, &err, 0);
    }
    if (r.out && r.out != stdout && fclose(r.out) != 0 && !ex) {
        cli_diag(cmd->name, "%s: write error: %s", file, strerror(errno));
        ex = EXIT_DATA;
    }
    if (tmp[0] && !ex && rename(tmp, file) != 0) {
        cli_diag(cmd->name, "%s: cannot write: %s", file, strerror(errno));
        ex = EXIT_DATA;
    }
    if (tmp[0] && ex)
        unlink(tmp);
    if (!ex && file && r.seekable)
        fprintf(stderr, "wenda: export: %llu records to %s\n", r.n, file);
    wd_buf_free(&r.line);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_export = {
    "export",
    "Write the records an index stores back out (JSON Lines or TSV).",
    "[--index DIR] [--format jsonl|tsv] [-o FILE]",
    "Every record, in index order, exactly as indexed: id, question, answer, kind,\n"
    "source and date. JSON Lines (the default) is the index's own stored form, one\n"
    "record a line; `wenda index` reads it back to the same ids and fields, so a base\n"
    "can be moved, diffed or rebuilt (`wenda export -o kb.jsonl && wenda index --index\n"
    "NEW kb.jsonl`). TSV has the header id, question, answer, source, date, kind, and\n"
    "writes backslash, tab, newline and carriage return inside a field as \\\\ \\t \\n \\r\n"
    "(for spreadsheets and diffs; `wenda index` reads TSV fields as written, so use\n"
    "JSON Lines to rebuild). Works on a folder, a sharded folder, a comma list of\n"
    "shards and remote shards. With -o the file appears only when complete.\n"
    "Exit: 0 written; 2 usage; 3 no index, unreadable index or write error.",
    export_opts,
    cmd_export
};
