/*
 * xapian_c.h - a plain C API over libxapian 1.4 (Debian's 1.4.22).
 *
 * This is the only door to Xapian: no Xapian type appears outside
 * xapian-c/. Every entry point catches every exception and turns it into a
 * WD_E* code plus a message in the caller's wd_error (origin
 * "xapian:<ExceptionType>"); nothing ever throws into C. Functions that
 * cannot fail return plain values.
 *
 * Ownership: objects returned through `T **out` are new (caller frees with
 * the matching _free/_close); `*out` is set to NULL on failure. Strings
 * returned through `char **out` are new (wd_free). Every _free(NULL) and
 * _close(NULL) is a no-op.
 *
 * Thread safety: one xc_db per thread. Objects derived from a database
 * (enquire, mset, documents read from it) belong to that database's thread.
 * Queries are immutable values and may be shared.
 */
#ifndef WENDA_XAPIAN_C_H
#define WENDA_XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Xapian refuses terms longer than this many bytes (the limit is 245 for
 * glass); the shim refuses them up front with WD_EINVAL so a batch is never
 * lost to a late exception. */
#define XC_MAX_TERM_BYTES 245

typedef uint32_t xc_docid;

typedef struct xc_db xc_db;
typedef struct xc_doc xc_doc;
typedef struct xc_query xc_query;
typedef struct xc_enquire xc_enquire;
typedef struct xc_mset xc_mset;

/* ---- databases ---------------------------------------------------------- */

enum xc_open_mode {
    XC_DB_READ = 0,           /* read-only; path may be a stub file or dir */
    XC_DB_CREATE_OR_OPEN = 1, /* writable */
    XC_DB_CREATE = 2,         /* writable; fails if it exists */
    XC_DB_CREATE_OR_OVERWRITE = 3,
    XC_DB_OPEN = 4 /* writable; fails if missing */
};

/* A flag or-ed into a writable mode: commits are not fsynced (a killed
 * process still leaves every commit on disk; a power failure may not). */
#define XC_DB_NO_SYNC 0x100
#define XC_DB_MODE_MASK 0xff

/* Open a database. `path` is a directory, a stub database file, or (read
 * mode only) a "tcp://host:port" remote. WD_ENOTFOUND when missing in READ
 * or OPEN mode, WD_ELOCKED when another writer holds the lock, WD_ECORRUPT,
 * WD_EIO. */
int xc_db_open(xc_db **out, const char *path, int mode, wd_error *err);
/* Open a read-only database combining several shards (local paths or
 * tcp://host:port remotes), with a remote timeout in milliseconds (0 = Xapian's
 * default). */
int xc_db_open_shards(xc_db **out, const char *const *paths, size_t n, unsigned timeout_ms,
                      wd_error *err);
void xc_db_close(xc_db *db); /* a writable db is committed by Xapian on close;
                                call xc_db_commit yourself to see errors */
int xc_db_is_writable(const xc_db *db);

/* What the process does when libxapian fails where no handler can catch
 * it: 1.4 lets a few write errors (a full disk while a commit merges
 * postings) escape through a noexcept frame of its own, which calls
 * std::terminate. xc_set_fatal_handler installs a terminate handler that
 * removes the temporary files of the writable databases open, translates
 * the exception as every entry point does (err) and calls fn, which should
 * report it and exit (_exit: other threads are still running); should fn
 * return (or be NULL), the message is printed and the process aborts. On
 * disk the databases are as a killed process leaves them: each at its last
 * commit. Call it once, before writing. */
typedef void (*xc_fatal_fn)(const wd_error *err);
void xc_set_fatal_handler(xc_fatal_fn fn);

int xc_db_commit(xc_db *db, wd_error *err);
/* A flushed transaction: commit_transaction commits to disk;
 * cancel_transaction (or closing the database with one open) drops every
 * change made since begin_transaction. */
int xc_db_begin_transaction(xc_db *db, wd_error *err);
int xc_db_commit_transaction(xc_db *db, wd_error *err);
int xc_db_cancel_transaction(xc_db *db, wd_error *err);
/* Reader: pick up the latest committed revision. Sets *changed (if given) to
 * 1 when something new was seen. */
int xc_db_reopen(xc_db *db, int *changed, wd_error *err);

int xc_db_doccount(xc_db *db, uint32_t *out, wd_error *err);
int xc_db_lastdocid(xc_db *db, xc_docid *out, wd_error *err);
/* Number of distinct terms (walks the term list; for `wenda info`). */
int xc_db_termcount(xc_db *db, uint64_t *out, wd_error *err);
int xc_db_termfreq(xc_db *db, const char *term, uint32_t *out, wd_error *err);
int xc_db_avlength(xc_db *db, double *out, wd_error *err);
int xc_db_term_exists(xc_db *db, const char *term, int *out, wd_error *err);

/* Metadata. get: *out is new ("" when the key is unset). */
int xc_db_get_metadata(xc_db *db, const char *key, char **out, wd_error *err);
int xc_db_set_metadata(xc_db *db, const char *key, const char *value, wd_error *err);

/* Replace the document indexed by `unique_term` (add when there is none).
 * *docid (if given) receives its docid; *replaced (if given) is 1 when a
 * document with that term already existed. */
int xc_db_replace(xc_db *db, const char *unique_term, const xc_doc *doc, xc_docid *docid,
                  int *replaced, wd_error *err);
int xc_db_add(xc_db *db, const xc_doc *doc, xc_docid *docid, wd_error *err);
/* Delete documents indexed by `unique_term`; *deleted (if given) is the count
 * removed (0 when none). */
int xc_db_delete(xc_db *db, const char *unique_term, uint32_t *deleted, wd_error *err);
/* Find the (first) docid indexed by a term; WD_ENOTFOUND when none. */
int xc_db_find(xc_db *db, const char *term, xc_docid *out, wd_error *err);
int xc_db_get_document(xc_db *db, xc_docid docid, xc_doc **out, wd_error *err);
/* Keyed forms, for a unique term that several keys may share (a hashed
 * id): a document is the term's only when its value in `slot` is the key.
 * find: the first such docid, WD_ENOTFOUND when none. replace: the key is
 * the document's own value in `slot`; replaces the first such document
 * (deleting any others) or adds it; the term is added to it if missing.
 * delete: removes every such document. */
int xc_db_find_keyed(xc_db *db, const char *term, unsigned slot, const char *key, size_t keylen,
                     xc_docid *out, wd_error *err);
int xc_db_replace_keyed(xc_db *db, const char *term, unsigned slot, const xc_doc *doc,
                        xc_docid *docid, int *replaced, wd_error *err);
int xc_db_delete_keyed(xc_db *db, const char *term, unsigned slot, const char *key, size_t keylen,
                       uint32_t *deleted, wd_error *err);

/* Iterate all terms starting with `prefix` in sorted order; the callback's
 * non-zero return stops the walk and is returned. */
typedef int (*xc_term_cb)(void *ctx, const char *term, size_t len, uint32_t termfreq);
int xc_db_allterms(xc_db *db, const char *prefix, xc_term_cb cb, void *ctx, wd_error *err);

/* Check every table of the database in folder `dir` (Xapian's own check,
 * as xapian-check does: it reads the whole database). WD_ECORRUPT naming
 * the damaged table; WD_OK also when `dir` holds no database. */
int xc_db_check(const char *dir, wd_error *err);

/* Compact (merge) `src` databases into a new database at `dest`. */
int xc_compact(const char *const *srcs, size_t n, const char *dest, wd_error *err);

/* ---- a database's files --------------------------------------------------
 *
 * What the rest of wenda needs to do with databases on disk, so that only
 * the shim knows Xapian's layout (a glass database is a folder of table
 * files and a version file written last; a stub is a text file listing
 * databases, one per line, or a folder holding one as XAPIANDB). These
 * functions touch files only; none opens a database. Paths are local
 * folders or files unless said otherwise. */

/* 1 when the folder holds a database (its version file), else 0. */
int xc_dir_has_db(const char *dir);
/* 1 when the folder holds what a process killed while Xapian created a
 * database leaves: empty tables but no version file. There is no database
 * to keep, and Xapian refuses to open or create one over them (open with
 * XC_DB_CREATE_OR_OVERWRITE). Tables with content are not that (see
 * xc_db_check_files). Else 0. */
int xc_dir_has_interrupted_create(const char *dir);
/* Check what a folder holds without opening it: WD_OK for a database whose
 * version file and lasting tables (postlist, termlist) are there, for a
 * folder with no database (nothing, or only the empty tables of an
 * interrupted create), for a stub or a path that is no folder. WD_ECORRUPT,
 * naming what is missing, for tables with content but no version file (a
 * database damaged, or left half installed by xc_db_install) and for a
 * version file whose postlist or termlist table is missing. */
int xc_db_check_files(const char *dir, wd_error *err);
/* What the files say of a database's committed revision, for watching an
 * index without opening it: its version file's identity, which every commit
 * and every replacement of the database changes. */
typedef struct xc_db_stamp {
    unsigned long long ino;
    long long mtime_ns;
    long long size;
} xc_db_stamp;
/* 1 and *out filled when the folder holds a database, else 0 (*out zeroed). */
int xc_db_file_stamp(const char *dir, xc_db_stamp *out);

/* 1 when `path` is a stub as Xapian would read it: a regular file, or a
 * folder that holds XAPIANDB and no database. Else 0. */
int xc_path_is_stub(const char *path);

/* Make the database in `dir` durable: fsync its tables, version file and
 * folder (for a database written with XC_DB_NO_SYNC). Missing tables are
 * fine. WD_EIO. */
int xc_db_sync_files(const char *dir, wd_error *err);
/* Remove the database in `dir` (its version file first, then its tables),
 * leaving the folder and any other files. Best effort: a file that cannot
 * be removed is left. */
int xc_db_remove_files(const char *dir, wd_error *err);
/* The bytes on disk of the database at `path`: a database folder, or a stub
 * (file or folder), whose local shards are summed (nested stubs included;
 * remote shards count 0). A tcp://HOST:PORT remote is 0; a stub with lines
 * xc_stub_read cannot express counts its own size. WD_ENOTFOUND when `path`
 * does not exist. */
int xc_db_disk_size(const char *path, uint64_t *out, wd_error *err);

/* Install the database built in folder `src` over the one in `dest` (which
 * may have none), table by table, crash-safely: first a list of src's
 * tables (src/wenda.ready, synced), then dest's version file is removed,
 * the tables are moved (dest's tables that src lacks removed) and src's
 * version file comes last, so in between there is no database in dest
 * rather than a mixed one. Then dest is synced and src, empty, removed.
 * src must be on dest's file system and hold a complete database
 * (WD_EINTERNAL otherwise); WD_EIO. A crash in between is finished by
 * xc_db_install_recover. */
int xc_db_install(const char *src, const char *dest, wd_error *err);
/* Finish an install from `src` to `dest` that a crash interrupted: when src
 * holds the list of an install under way, move what is left and remove src
 * (*finished = 1); else do nothing (*finished = 0). `finished` may be NULL.
 * WD_EIO. */
int xc_db_install_recover(const char *src, const char *dest, int *finished, wd_error *err);
/* 1 when `src` holds the list of an install under way (xc_db_install
 * began moving from it), else 0. */
int xc_db_install_pending(const char *src);

/* A stub's shards, in order. */
typedef struct xc_stub {
    /* New: n local paths (relative ones resolved against the stub's folder)
     * and tcp://HOST:PORT remotes (a line `remote HOST:PORT`), nested stubs
     * expanded. */
    char **shards;
    size_t n;
    /* The database lines of the stub file itself, before nested stubs are
     * expanded (counted even when unknown). */
    size_t lines;
    /* 1: a line the list cannot express (`remote :PROGRAM`, `inmemory`,
     * another backend, a binary file such as a single-file database, stubs
     * nested over 4 deep, an unreadable stub): shards is then empty, and
     * only Xapian can open the stub (xc_db_open). */
    int unknown;
} xc_stub;

/* Read the stub `path` (a stub file, or a folder holding XAPIANDB) into
 * *out, which xc_stub_clear frees; *out is empty on failure. WD_ENOTFOUND
 * when there is no such file. */
int xc_stub_read(const char *path, xc_stub *out, wd_error *err);
void xc_stub_clear(xc_stub *stub);
/* Write dir/XAPIANDB listing `shards` (local paths, relative to dir or
 * absolute, as `auto PATH`; tcp://HOST:PORT remotes as `remote HOST:PORT`),
 * after a `# comment` line when comment is not NULL. Written to a
 * temporary file and renamed, so a reader sees the old list or the new one.
 * WD_EINVAL for an empty shard or a line break; WD_EIO. */
int xc_stub_write(const char *dir, const char *comment, const char *const *shards, size_t n,
                  wd_error *err);

/* ---- documents ---------------------------------------------------------- */

int xc_doc_new(xc_doc **out, wd_error *err);
void xc_doc_free(xc_doc *doc);
/* Add a positional posting (term at pos, wdf += wdfinc). Terms longer than
 * XC_MAX_TERM_BYTES or empty are refused with WD_EINVAL. */
int xc_doc_add_posting(xc_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdfinc,
                       wd_error *err);
int xc_doc_add_term(xc_doc *doc, const char *term, size_t len, uint32_t wdfinc, wd_error *err);
int xc_doc_add_boolean_term(xc_doc *doc, const char *term, wd_error *err);
int xc_doc_set_data(xc_doc *doc, const char *data, size_t len, wd_error *err);
/* *out is new and NUL-terminated; *len (if given) its length. */
int xc_doc_get_data(const xc_doc *doc, char **out, size_t *len, wd_error *err);
int xc_doc_set_value(xc_doc *doc, unsigned slot, const char *value, size_t len, wd_error *err);
int xc_doc_get_value(const xc_doc *doc, unsigned slot, char **out, size_t *len, wd_error *err);
int xc_doc_termcount(const xc_doc *doc, uint32_t *out, wd_error *err);
/* Walk the document's terms (sorted) with their wdf. */
typedef int (*xc_docterm_cb)(void *ctx, const char *term, size_t len, uint32_t wdf);
int xc_doc_terms(const xc_doc *doc, xc_docterm_cb cb, void *ctx, wd_error *err);

/* Index `text` the way Xapian's own TermGenerator does, with
 * FLAG_CJK_NGRAM (the stock baseline of the evaluation): terms get
 * `prefix`, positions continue from the previous call on the same doc, and
 * `wdfinc` is the weight of each posting. */
int xc_doc_index_text_ngram(xc_doc *doc, const char *text, size_t len, const char *prefix,
                            uint32_t wdfinc, wd_error *err);

/* ---- queries ------------------------------------------------------------ */

enum xc_op {
    XC_OP_AND = 0,
    XC_OP_OR = 1,
    XC_OP_AND_NOT = 2,
    XC_OP_AND_MAYBE = 3,
    XC_OP_FILTER = 4,
    XC_OP_NEAR = 5,
    XC_OP_PHRASE = 6,
    XC_OP_SYNONYM = 7,
    XC_OP_ELITE_SET = 8,
    XC_OP_MAX = 9
};

/* A term leaf with within-query frequency `wqf` (>= 1) and query position
 * `pos` (0 = none). */
int xc_query_term(xc_query **out, const char *term, size_t len, uint32_t wqf, uint32_t pos,
                  wd_error *err);
/* Combine `n` subqueries with `op`. `window` is for NEAR/PHRASE (0 = number
 * of subqueries), ignored otherwise. The subqueries are not consumed. n == 0
 * gives the empty query (matches nothing). */
int xc_query_combine(xc_query **out, int op, xc_query *const *subs, size_t n, unsigned window,
                     wd_error *err);
/* Multiply the weights of `q` by `factor` (>= 0). */
int xc_query_scale(xc_query **out, const xc_query *q, double factor, wd_error *err);
/* Query that matches every document (for pure filters). */
int xc_query_match_all(xc_query **out, wd_error *err);
/* Documents whose value in `slot` lies in [lo, hi], compared as bytes; a
 * NULL bound is open (both NULL: every document with a value there). A
 * boolean filter: its weight is 0. */
int xc_query_value_range(xc_query **out, unsigned slot, const char *lo, const char *hi,
                         wd_error *err);
/* Parse `text` with Xapian's own QueryParser and FLAG_CJK_NGRAM, default op
 * OR, terms prefixed with `prefix` ("" for none) - the stock baseline. The
 * db gives the parser its statistics (may be NULL). */
int xc_query_parse_ngram(xc_query **out, xc_db *db, const char *text, const char *prefix,
                         wd_error *err);
int xc_query_is_empty(const xc_query *q);
/* Human-readable description (new), for --explain and debugging. */
int xc_query_describe(const xc_query *q, char **out, wd_error *err);
void xc_query_free(xc_query *q);

/* ---- matching ----------------------------------------------------------- */

int xc_enquire_new(xc_enquire **out, xc_db *db, wd_error *err);
void xc_enquire_free(xc_enquire *e);
int xc_enquire_set_query(xc_enquire *e, const xc_query *q, wd_error *err);
/* BM25Weight(k1, k2, k3, b, min_normlen). Xapian's defaults: 1, 0, 1, 0.5, 0.5. */
int xc_enquire_set_bm25(xc_enquire *e, double k1, double k2, double k3, double b,
                        double min_normlen, wd_error *err);
/* Ties by relevance are broken by docid ascending (Xapian's default); this
 * sorts equal weights by value `slot` instead (ascending). -1 = docid. */
int xc_enquire_set_tiebreak_value(xc_enquire *e, int slot, wd_error *err);
/* Run the match: hits first..first+max-1. `check_at_least` makes the
 * estimate exact up to that many (0 = Xapian's default). */
int xc_enquire_mset(xc_enquire *e, uint32_t first, uint32_t max, uint32_t check_at_least,
                    xc_mset **out, wd_error *err);
/* Count the values in `slot` of every document the next match looks at
 * (all of the match when xc_enquire_mset's check_at_least is at least the
 * database's size), for xc_enquire_facet_each. With `field` (not NULL) the
 * slot holds pairs NAME NUL VALUE NUL, and the values of the pairs named
 * `field` are counted (a local database only: remote shards cannot run
 * this counter). */
int xc_enquire_add_facet(xc_enquire *e, unsigned slot, const char *field, wd_error *err);
/* After a match: the `max` most frequent values of a slot (and field) given
 * to xc_enquire_add_facet, most frequent first (ties by value); the callback
 * gets each one and how many documents hold it (non-zero return stops and
 * is returned). WD_EINVAL for one not added. */
typedef int (*xc_facet_cb)(void *ctx, const char *value, size_t len, uint32_t count);
int xc_enquire_facet_each(xc_enquire *e, unsigned slot, const char *field, uint32_t max,
                          xc_facet_cb cb, void *ctx, wd_error *err);
/* Terms of the current query that index document `docid` (sorted,
 * deduplicated); the callback gets each one. */
int xc_enquire_matching_terms(xc_enquire *e, xc_docid docid, xc_term_cb cb, void *ctx,
                              wd_error *err);

void xc_mset_free(xc_mset *m);
uint32_t xc_mset_size(const xc_mset *m);
uint32_t xc_mset_estimated(const xc_mset *m); /* matches estimated */
uint32_t xc_mset_upper_bound(const xc_mset *m);
double xc_mset_max_possible(const xc_mset *m);
xc_docid xc_mset_docid(const xc_mset *m, uint32_t i);
double xc_mset_weight(const xc_mset *m, uint32_t i);
/* The weight a term contributed across the mset's query (Xapian's
 * MSet::get_termweight) and its termfreq. */
int xc_mset_termweight(const xc_mset *m, const char *term, double *out, wd_error *err);
int xc_mset_termfreq(const xc_mset *m, const char *term, uint32_t *out, wd_error *err);
/* Hit i's value in `slot` (new; "" when it has none), read without its
 * stored data. */
int xc_mset_value(const xc_mset *m, uint32_t i, unsigned slot, char **out, size_t *len,
                  wd_error *err);
/* The stored data of hit i (new). */
int xc_mset_data(const xc_mset *m, uint32_t i, char **out, size_t *len, wd_error *err);
int xc_mset_document(const xc_mset *m, uint32_t i, xc_doc **out, wd_error *err);

#ifdef __cplusplus
}
#endif
#endif
