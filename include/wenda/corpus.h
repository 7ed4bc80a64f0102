/*
 * wenda/corpus.h - readers for the formats a knowledge base arrives in:
 * seed pages (.txt Q&A pages), JSON Lines, TSV and CSV with a header; and
 * the reader of question lists (one question a line, or a TSV/CSV column)
 * that `wenda coverage` checks against a knowledge base.
 *
 * Readers stream: each record goes to a callback as soon as it is read, and
 * problems that skip a record (invalid UTF-8, malformed line, oversize
 * record) go to a diagnostic callback naming file and line; the read goes
 * on. Only problems that make the whole file unusable (missing, unreadable,
 * plainly in another encoding, bad header) fail the call.
 *
 * Records keep question and answer EXACTLY as in the source (after any
 * explicit --encoding conversion); normalisation is for matching only.
 */
#ifndef WENDA_CORPUS_H
#define WENDA_CORPUS_H

#include <stddef.h>

#include "wenda/error.h"
#include "wenda/record.h"

#ifdef __cplusplus
extern "C" {
#endif

enum wd_input_format {
    WD_FORMAT_NONE = -1, /* what AUTO finds for a file it cannot read as any format (a name
                            other than .txt .jsonl .json .ndjson .tsv .csv and no header) */
    WD_FORMAT_AUTO = 0,  /* header line naming question/answer -> TSV/CSV; .jsonl/.json ->
                            JSONL; other .txt -> seed page, when it has a seed page's shape (a
                            first line without a tab, then an answer); anything else is
                            refused (WD_EFORMAT) */
    WD_FORMAT_SEED = 1,
    WD_FORMAT_JSONL = 2,
    WD_FORMAT_TSV = 3,
    WD_FORMAT_CSV = 4,
    WD_FORMAT_LINES = 5,    /* one question a line: question lists only */
    WD_FORMAT_QUERY_LOG = 6 /* the query log of `wenda serve --query-log`: question lists only */
};

typedef struct wd_read_opts {
    int format;                  /* enum wd_input_format, not WD_FORMAT_LINES */
    const char *encoding;        /* NULL or "utf-8": strict UTF-8; "gb18030"/"gbk": convert */
    const char *question_column; /* NULL = "question"; "title,ask": the question is those
                                    columns' text joined with a space */
    const char *answer_column;   /* NULL = "answer" */
    const char *id_column;       /* NULL = "id" (optional column) */
    const char *source_column;   /* NULL = "source" (optional; else the file's name) */
    const char *date_column;     /* NULL = "date" (optional; YYYY-MM-DD) */
    const char *field_columns;   /* NULL = none; "department,hospital": those columns
                                    become the records' extra fields (wd_field) */
    size_t max_record_bytes;     /* a record whose id, question, answer, source and date
                                    together hold more bytes is skipped (a source is the
                                    file's name unless the record gives one); 0 =
                                    WD_DEFAULT_MAX_RECORD_BYTES */
    uint64_t *bytes_done;        /* not NULL: before each record is handed on, set to the
                                    bytes of the file read up to its end (after conversion
                                    when converting), for a progress report */
} wd_read_opts;

#define WD_DEFAULT_MAX_RECORD_BYTES (1u << 20) /* 1 MiB */
#define WD_READ_OPTS_INIT                                                                          \
    {                                                                                              \
        WD_FORMAT_AUTO, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL                          \
    }

/* Records reach the caller through a wd_record_fn (wenda/record.h): the
 * record and its strings are borrowed for the duration of the call, and a
 * non-zero return stops the read and is returned by the reader. */

/* Severity of a diagnostic. WD_DIAG_ERROR: a file or folder could not be
 * read at all (from wd_corpus_files_add; the readers fail the call instead). */
enum wd_diag_level { WD_DIAG_WARNING = 0, WD_DIAG_SKIP = 1, WD_DIAG_ERROR = 2 };
/* A record skipped or a warning: file, 1-based line, a code (WD_E*) and a
 * message that says what to do. */
typedef void (*wd_diag_fn)(void *ctx, int level, const char *file, size_t line, int code,
                           const char *message);

/* Read one file. Returns WD_OK when the file was read (even if some records
 * were skipped), WD_ENOTFOUND / WD_EIO when it cannot be read, WD_EENCODING
 * when it is plainly not UTF-8 (message names the file and --encoding),
 * WD_EFORMAT for a TSV/CSV header without the needed columns, and with
 * WD_FORMAT_AUTO for a file of no format (another name, no header) or a
 * .txt that is no seed page (the message says which format was expected
 * and that --input-format reads it anyway), or the callback's non-zero
 * return. */
int wd_corpus_read_file(const char *path, const wd_read_opts *opts, wd_record_fn fn,
                        wd_diag_fn diag, void *ctx, wd_error *err);
/* The same over a buffer in memory; `name` is used as file name and source
 * (its extension matters for WD_FORMAT_AUTO). */
int wd_corpus_read_buffer(const char *name, const char *data, size_t len, const wd_read_opts *opts,
                          wd_record_fn fn, wd_diag_fn diag, void *ctx, wd_error *err);
/* Which format AUTO picks for this file name and first line (WD_FORMAT_NONE:
 * none; a .txt is WD_FORMAT_SEED here, its shape is checked when read). */
int wd_corpus_detect_format(const char *name, const char *first_line, size_t len);
/* Parse "auto|seed|jsonl|tsv|csv"; -1 when unknown. */
int wd_corpus_format_from_name(const char *s);
/* Same as wd_record_kind_name (wenda/record.h), kept for older callers. */
const char *wd_corpus_kind_name(int kind); /* "qa" | "question" */

/* Messages. A diagnostic's message does not repeat the file and line it
 * is given with: print it as "FILE:LINE: message" ("FILE: message" when
 * line is 0), e.g. "kb.jsonl:7: not valid JSON (... at column 12); the
 * record was skipped". Skip diagnostics carry WD_EFORMAT (structure, size,
 * empty question) or WD_EENCODING (invalid UTF-8, NUL byte, bad GB18030).
 * Whole-file errors in `err` start with the file name ("FILE: no such
 * file"). */

/* Same as wd_record_kind_from_name (wenda/record.h), kept for older callers. */
int wd_corpus_kind_from_name(const char *s);

/* ---- The files of a knowledge base: the folder walk -------------------- */

/* The files that the paths a user names stand for, in the order to read
 * them. A path naming a file is taken as it is, whatever its name (a pipe
 * too). A folder is searched recursively, in name order, for files ending
 * in .txt .jsonl .json .ndjson .tsv .csv; hidden entries (".name") are left
 * out. Each file and folder is taken once, by its identity on disk (device
 * and inode), however many paths, hard links or symbolic links lead to it,
 * for the life of the list (so `kb kb/sub` reads kb/sub once).
 *
 * Symbolic links inside a named folder are taken after everything the
 * folder really holds, so a file is read under its own path rather than a
 * link's. A link is left out, with a WD_DIAG_WARNING diagnostic (file = the
 * link, line 0) saying why and what to do, when: what it leads to is
 * already taken; it leads back to a folder that holds it (a loop); it
 * leads out of the named folder (by real path) and WD_FILES_FOLLOW_LINKS
 * is not set; or it leads nowhere. A folder or entry below the named one
 * that cannot be read is a WD_DIAG_ERROR diagnostic (code WD_EIO), and the
 * walk goes on. The walk never follows a loop and its depth is that of the
 * real folders. */
typedef struct wd_corpus_files wd_corpus_files;

enum wd_files_flags {
    WD_FILES_FOLLOW_LINKS = 1, /* follow symbolic links out of the named folder too */
    WD_FILES_ANY_NAME = 2      /* take a folder's files whatever their names (the caller
                                  names their format); else a regular file of no known
                                  extension is a WD_DIAG_ERROR diagnostic (WD_EFORMAT) */
};

/* A new, empty list (*out new, NULL on failure: WD_ENOMEM). Diagnostics go
 * to diag (may be NULL) with ctx. */
int wd_corpus_files_new(wd_corpus_files **out, unsigned flags, wd_diag_fn diag, void *ctx,
                        wd_error *err);
/* Add the files `path` stands for. WD_OK (problems below a folder went to
 * diag), WD_ENOTFOUND ("PATH: no such file or folder"), WD_EIO (the path or
 * the named folder cannot be read, with the system's reason), WD_ENOMEM.
 * Files added before a failure stay. */
int wd_corpus_files_add(wd_corpus_files *f, const char *path, wd_error *err);
size_t wd_corpus_files_count(const wd_corpus_files *f);
/* The i-th file, as found (the named path, then "/name" per folder).
 * Borrowed: valid until the next wd_corpus_files_add or _free. NULL past the end. */
const char *wd_corpus_files_path(const wd_corpus_files *f, size_t i);
/* Free the list; NULL is a no-op. */
void wd_corpus_files_free(wd_corpus_files *f);

/* ---- Question lists ---------------------------------------------------- */

/* A question list is one question a line, or a TSV/CSV table with a header
 * naming a question column (other columns are ignored). TSV and CSV are
 * split exactly as for records: CSV after RFC 4180, so a quoted question
 * may hold commas, "" for a quote and line breaks (kept as "\n"); a record
 * spanning lines is numbered by the line it starts on. Questions are
 * handed on exactly as written: not trimmed, not normalised.
 *
 * WD_FORMAT_AUTO picks CSV for a .csv name, TSV for .tsv and .tab, else a
 * first line with a tab (then a comma) naming the question column makes a
 * table, else one question a line. A UTF-8 BOM and CRLF line ends are
 * fine. Blank lines and blank questions (spaces, tabs, U+3000) are passed
 * over in silence. A line (or CSV record) whose question has a NUL byte or
 * invalid UTF-8 or is over max_question_bytes, a TSV line with a NUL byte,
 * a table row without the question column and a CSV record with broken
 * quoting are skipped with a WD_DIAG_SKIP diagnostic; its message ends in
 * "; the line was skipped", e.g. "not valid UTF-8 (byte 7); the line was
 * skipped", and the read goes on. The encoding is not sniffed: the text
 * must be UTF-8 and every line is judged on its own.
 *
 * WD_FORMAT_QUERY_LOG (never picked by AUTO) reads the JSON Lines that
 * `wenda serve --query-log` writes: the "query" of each line, except the
 * lines of a later page of results ("offset" above 0), which repeat a
 * search already logged. A line that is not a JSON object with a string
 * "query" is skipped with a WD_DIAG_SKIP diagnostic. */

typedef struct wd_question_opts {
    int format;                  /* WD_FORMAT_AUTO, _LINES, _TSV, _CSV or _QUERY_LOG */
    const char *question_column; /* NULL = "question"; "title,ask": the question is those
                                    columns' text joined with a space */
    size_t max_question_bytes;   /* 0 = WD_DEFAULT_MAX_QUESTION_BYTES */
} wd_question_opts;

#define WD_DEFAULT_MAX_QUESTION_BYTES 4096u
#define WD_QUESTION_OPTS_INIT                                                                      \
    {                                                                                              \
        WD_FORMAT_AUTO, NULL, 0                                                                    \
    }

/* One question, borrowed for the duration of the callback. `file` is the
 * path as given, or the static string "stdin": either lives as long as the
 * caller's path string, so a caller may keep it past the callback.
 * `consumed` counts the bytes of the input read up to the end of the
 * question's record (for a progress bar). */
typedef struct wd_question {
    const char *text; /* NUL-terminated; len bytes of valid UTF-8 */
    size_t len;
    const char *file;
    size_t line; /* 1-based line its record starts on */
    unsigned long long consumed;
} wd_question;

/* A non-zero return stops the read and is returned by the reader. */
typedef int (*wd_question_fn)(void *ctx, const wd_question *q);

/* Read a question list from `path`, or from standard input when path is
 * "-" (then named "stdin" in questions, diagnostics and messages). Returns
 * WD_OK when the list was read (even if lines were skipped), WD_EINVAL for
 * bad arguments, WD_ENOTFOUND / WD_EIO when it cannot be read ("FILE: no
 * such file", "FILE: read error: ..."), WD_EFORMAT for a table header
 * without the question column ("FILE:LINE: the header names no 'question'
 * column (use --input-format lines for one question a line)"), WD_ENOMEM,
 * or fn's non-zero return. fn and diag may be NULL. Calls on different
 * inputs may run in different threads; the callbacks run in the caller's. */
int wd_corpus_read_questions(const char *path, const wd_question_opts *opts, wd_question_fn fn,
                             wd_diag_fn diag, void *ctx, wd_error *err);
/* The same over a buffer in memory; `name` is used as file name (its
 * extension matters for WD_FORMAT_AUTO). */
int wd_corpus_read_questions_buffer(const char *name, const char *data, size_t len,
                                    const wd_question_opts *opts, wd_question_fn fn,
                                    wd_diag_fn diag, void *ctx, wd_error *err);

/* The id given to a record that has none: "h" + 16 lower-case hex digits of
 * FNV-1a 64 over the question bytes, one 0x1F byte and the answer bytes.
 * `out` receives the NUL-terminated id. Exposed so other modules (and
 * tests) can compute the same id for a question/answer pair. */
#define WD_CORPUS_HASH_ID_SIZE 18
void wd_corpus_hash_id(const char *question, size_t qlen, const char *answer, size_t alen,
                       char out[WD_CORPUS_HASH_ID_SIZE]);

#ifdef __cplusplus
}
#endif
#endif
