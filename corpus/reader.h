/*
 * reader.h - private plumbing shared by the corpus format parsers: a byte
 * source (file descriptor or memory, optionally converted from GB18030 with
 * iconv), a line reader over it that grows to fit lines of any length, the
 * TSV/CSV record splitter, and the per-call read context that builds
 * diagnostics, assigns and checks ids and hands records to the caller's
 * callback.
 *
 * Nothing here is public: the parsers (seed.c, jsonl.c, table.c,
 * questions.c) and the entry points (corpus.c) are the only users.
 */
#ifndef WENDA_CORPUS_READER_H
#define WENDA_CORPUS_READER_H

#include <iconv.h>
#include <stddef.h>

#include "strmap.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/error.h"

#define RD_ORIGIN "corpus"

/* How much of the input is looked at before parsing, to detect the format
 * and to tell a GBK file from a UTF-8 file with a few damaged lines. */
#define RD_SNIFF_BYTES (256u * 1024u)

/* A byte source. For files we read(2) in chunks; for buffers we copy out
 * of the caller's memory. With `cd` open the raw bytes are converted from
 * GB18030 to UTF-8 on the way through; a sequence that does not convert
 * becomes the byte 0xFF (never valid UTF-8), so the line that holds it is
 * skipped by the ordinary UTF-8 check instead of failing the whole file. */
typedef struct rd_src {
    int fd; /* -1 for a memory source */
    const char *mem;
    size_t mem_len, mem_pos;
    iconv_t cd; /* (iconv_t)-1 when not converting */
    char *raw;  /* conversion input carried over between reads */
    size_t raw_len;
    int raw_eof;
    int io_errno; /* set when read(2) failed */
} rd_src;

/* Lines out of a source. `buf.data[pos..buf.len)` is read but not yet
 * consumed. */
typedef struct rd_lines {
    rd_src *src;
    wd_buf buf;
    size_t pos;
    int eof;       /* the source is exhausted */
    size_t lineno; /* 1-based number of the line last returned */
    /* Bytes consumed so far: the lines returned with their terminators and
     * a skipped BOM (bytes after conversion when the source converts). */
    unsigned long long consumed;
} rd_lines;

/* Everything one read call needs. */
typedef struct rd_ctx {
    const char *path; /* as the caller named it; used in every message */
    const char *base; /* base name: the records' source */
    char *stem;       /* base name without extension: seed ids (new) */
    const wd_read_opts *opts;
    size_t max_bytes;
    int converting; /* the input is converted from GB18030 */
    wd_record_fn fn;
    wd_diag_fn diag;
    void *ctx;
    wd_error *err;
    wd_strmap ids; /* id -> the line that last used it (size_t), to report repeats */
    wd_buf id;     /* scratch for generated ids */
    size_t delivered;
    int failed;            /* rd_fail filled err: keep its message */
    int stopped;           /* the callback returned non-zero */
    const rd_lines *lines; /* the record reader's lines (for opts->bytes_done), or NULL */
} rd_ctx;

/* --- sources and lines (reader.c) --- */
void rd_src_init_fd(rd_src *s, int fd);
void rd_src_init_mem(rd_src *s, const char *data, size_t len);
/* Start converting from GB18030; WD_EINTERNAL when iconv cannot. */
int rd_src_convert(rd_src *s);
void rd_src_close(rd_src *s); /* does not close fd */

void rd_lines_init(rd_lines *l, rd_src *src);
void rd_lines_free(rd_lines *l);
/* Read until at least `want` unconsumed bytes are buffered or the source
 * ends. WD_OK, WD_ENOMEM or WD_EIO. */
int rd_lines_fill(rd_lines *l, size_t want);
/* Skip a UTF-8 byte order mark at the current position. */
void rd_lines_skip_bom(rd_lines *l);
/* Next line without its terminator ("\n", "\r\n", "\r\r\n"). Returns 1 and sets
 * *line and *len (borrowed until the next call), 0 at the end, or a negative
 * WD_E* code. */
int rd_lines_next(rd_lines *l, const char **line, size_t *len);

/* --- the read context (reader.c) --- */
int rd_ctx_init(rd_ctx *c, const char *path, const wd_read_opts *opts, wd_record_fn fn,
                wd_diag_fn diag, void *ctx, wd_error *err);
void rd_ctx_free(rd_ctx *c);
/* Report a diagnostic. The file and line go to the callback as their own
 * arguments, so the message does not repeat them (the CLI prints
 * "FILE:LINE: message"). Never allocates, so it is safe on out-of-memory
 * paths. */
void rd_diag(rd_ctx *c, int level, size_t line, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Fail the call: fills err and returns code. */
int rd_fail(rd_ctx *c, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The same for a problem at one line: the message starts "FILE:LINE: ". */
int rd_fail_at(rd_ctx *c, size_t line, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Turn what a parser returned into the call's result: WD_OK and failures
 * already explained (rd_fail) pass through; a stop by the callback, out of
 * memory, a read error or an internal error get a message naming the
 * file. `what` names the callback's items ("record", "question"). */
int rd_finish(rd_ctx *c, const rd_src *src, int rc, const char *what);
/* Check a line (or page) for NUL bytes and invalid UTF-8. Returns 1 when
 * clean, else 0 and sets *bad_at (byte offset) and *is_nul. */
int rd_text_ok(const char *s, size_t n, size_t *bad_at, int *is_nul);
/* Report the problem rd_text_ok found, as a skipped record at `line`. */
void rd_diag_bad_text(rd_ctx *c, size_t line, size_t bad_at, int is_nul);
/* Hand one record on. Skips (with a diagnostic) an empty question or an
 * oversize record (id, question, answer, source and date together over
 * max_bytes), fills in a hash id when rec->id is NULL or empty, warns
 * when `check_dup` and the id was already used in this file, and calls the
 * callback. Returns WD_OK, WD_ENOMEM, or the callback's non-zero return. */
int rd_emit(rd_ctx *c, wd_record *rec, size_t qlen, size_t alen, int check_dup);
/* Quote a string for a message: at most `max` bytes, cut at a character
 * boundary, with "..." when cut. */
void rd_clip(char *out, size_t outsz, const char *s, size_t n);

/* --- helpers shared by the parsers --- */
int rd_is_blank(const char *s, size_t n); /* only spaces, tabs, U+3000 */
/* 1 when s[0..n) is a date as YYYY-MM-DD. */
int rd_valid_date(const char *s, size_t n);
/* Trim ASCII white space (for header names). */
void rd_trim(const char **s, size_t *n);
/* Case-insensitive (ASCII) equality of s[0..n) and the C string z. */
int rd_name_eq(const char *s, size_t n, const char *z);
int rd_name_eqn(const char *s, size_t n, const char *z, size_t zn);
/* Does the base name of `name` end in "." + ext (any case)? */
int rd_ext_is(const char *name, const char *ext);

/* --- TSV and CSV records (table.c) --- */

/* One field of the current record: fb.data[off..off+len), NUL-terminated. */
typedef struct rd_field {
    size_t off, len;
} rd_field;

/* Splits lines into TSV or CSV records, one at a time. TSV has no quoting:
 * a record is one line, split on tabs. CSV follows RFC 4180 strictly: a
 * field in double quotes may hold commas, line breaks (kept as "\n") and
 * "" for a quote, so a record can span lines; a quote anywhere else (inside
 * an unquoted field, or text after a closing quote) makes the record
 * `stray` and is kept as text, so the record still ends where its line
 * does. Readers decide what a flagged record means to them. */
typedef struct rd_table {
    rd_lines *l;
    char sep;        /* '\t' or ',' */
    size_t max_span; /* 0, or: a quoted field stops taking lines once the
                        record holds this many bytes (then `stray`) */
    wd_buf fb;       /* the fields of the current record, each NUL-terminated */
    rd_field *f;
    size_t nf, capf;
    /* the current record */
    size_t line;      /* the line it starts on */
    int blank;        /* a blank line, not a record */
    int bad;          /* NUL or invalid UTF-8 somewhere in it ... */
    size_t bad_line;  /* ... first on this line */
    size_t bad_at;    /* ... at this byte of it */
    int bad_nul;      /* ... and it is a NUL byte */
    int nul;          /* a NUL byte anywhere in it */
    int stray;        /* CSV: a quote where RFC 4180 allows none */
    int unterminated; /* CSV: a quoted field ran to the end of the input */
} rd_table;

void rd_table_init(rd_table *t, rd_lines *l, char sep);
void rd_table_free(rd_table *t);
/* Read the next record. 1, 0 at the end of the input, or a WD_E* code. */
int rd_table_next(rd_table *t);
/* Read up to the first non-blank record (the header). 1, 0 when the input
 * holds only blank lines, or a WD_E* code. */
int rd_table_header(rd_table *t);
/* The column of the current record (the header) named `name` (trimmed,
 * ASCII case-insensitive), or -1. */
int rd_table_find(const rd_table *t, const char *name);
/* The same, looking at columns from `from` on (a name given twice). */
int rd_table_find_from(const rd_table *t, const char *name, size_t from);
/* "\"id\", \"category\", \"query1\"": the header's names, for messages. */
void rd_table_list(const rd_table *t, char *out, size_t outsz);
static inline const char *rd_table_field(const rd_table *t, size_t i)
{
    return t->fb.data + t->f[i].off;
}
/* Does this first line name the question column (and the answer column,
 * unless aname is NULL) when split on sep? (used by format detection) */
int rd_table_header_matches(const char *line, size_t len, char sep, const char *qname,
                            const char *aname);

/* --- the parsers (seed.c, jsonl.c, table.c, questions.c) --- */
int rd_read_seed(rd_ctx *c, rd_lines *l);
/* Does text[0..len) (the start of a file, its BOM skipped) look like a seed
 * page: a first non-blank line without a tab (the question), then a
 * non-blank line (its answer)? A blank text does (the reader says it is
 * empty). When not, *why says what is wrong, for a message. */
int rd_seed_shaped(const char *text, size_t len, const char **why);
int rd_read_jsonl(rd_ctx *c, rd_lines *l);
/* Records from TSV (sep '\t') or CSV (sep ','). */
int rd_read_table(rd_ctx *c, rd_lines *l, char sep);
/* Questions, one a line (sep 0) or from the question column of a TSV/CSV
 * table; each goes to fn (wenda/corpus.h, wd_corpus_read_questions). */
int rd_read_questions(rd_ctx *c, rd_lines *l, char sep, const wd_question_opts *opts,
                      wd_question_fn fn);
/* Questions from a query log (WD_FORMAT_QUERY_LOG): each line's "query". */
int rd_read_query_log(rd_ctx *c, rd_lines *l, const wd_question_opts *opts, wd_question_fn fn);

#endif
