/*
 * dbwriter.h - private to indexer/: the writer of one database.
 *
 * A wd_dbwriter owns one writable Xapian database in a folder its caller
 * has claimed (folder.h): it writes built documents in batch transactions,
 * stores a checkpoint with every commit, deletes by id, and at close
 * finishes a new index (compacts and installs it, or syncs it). It also
 * holds a builder, for the thread that writes: the calling thread of a
 * serial writer, the writer thread of a pipeline. Every writing mode ends
 * here: serial (the front calls it directly), the pipeline (its writer
 * thread), parts (one per shard or bulk part).
 *
 * A failure that loses records the caller has already been told were taken
 * (a chunk written by another thread, a commit) is sticky: every later
 * call returns it.
 *
 * Thread safety: one thread at a time; the pipeline hands it between the
 * calling thread and its writer thread (pipeline.h says when).
 */
#ifndef WENDA_INDEXER_DBWRITER_H
#define WENDA_INDEXER_DBWRITER_H

#include <stddef.h>
#include <time.h>

#include "document.h"
#include "wenda/index.h"

/* A batch is also committed once it holds this much record text, so memory
 * stays bounded whatever the records' size (Xapian buffers a batch's
 * postings in memory: about 7 bytes per byte of text). The parts of a bulk
 * build or a sharded index share it. */
#define WD_BATCH_BYTES (32u << 20)

/* A failure that stays: the first one is kept and returned again. */
typedef struct wd_sticky {
    int rc;
    wd_error err;
} wd_sticky;

/* Keep rc (when it is the first failure) and return it. err may be NULL. */
static inline int wd_sticky_set(wd_sticky *s, int rc, const wd_error *err)
{
    if (rc != WD_OK && s->rc == WD_OK) {
        s->rc = rc;
        if (err)
            s->err = *err;
        else
            wd_error_set(&s->err, rc, "index", "%s", wd_code_name(rc));
    }
    return rc;
}

/* The kept failure (copied into err), or WD_OK. */
static inline int wd_sticky_get(const wd_sticky *s, wd_error *err)
{
    if (s->rc != WD_OK && err)
        *err = s->err;
    return s->rc;
}

/* This thread's CPU time in seconds (wd_index_opts.profile). */
static inline double wd_thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct wd_dbwriter wd_dbwriter;

/* Open (creating if needed) the database in `path`, a folder the caller has
 * claimed, with opts' batch size, analysis and overwrite (jobs, bulk and
 * shards are the front's). `db_flags` (XC_DB_NO_SYNC) marks a scratch
 * database, the part of a bulk build: neither synced nor compacted at
 * close. An index with documents is written in its own schema; an empty
 * one is written without an fsync per batch and compacted at close.
 * `dict` is borrowed. *out is new, NULL on failure: WD_ELOCKED (another
 * writer, not wenda), WD_EINVAL (a schema this wenda does not know),
 * WD_EIO, WD_ECORRUPT. */
int wd_dbwriter_open(wd_dbwriter **out, const char *path, const wd_dict *dict,
                     const wd_index_opts *opts, int db_flags, wd_error *err);

/* 1 when the database held no documents at open. */
int wd_dbwriter_is_fresh(const wd_dbwriter *w);
/* 1 when it mines the word associations of the records it writes (a new
 * index: they are stored at its last commit, or by wd_dbwriter_adopt; an
 * index updated keeps the ones it has, until `wenda reindex`). */
int wd_dbwriter_mining(const wd_dbwriter *w);
/* A bulk build's part hands what it mined to the main writer. */
void wd_dbwriter_pass_miner(wd_dbwriter *from, wd_dbwriter *to);
/* How this index's documents are built (borrowed), for other threads'
 * builders. */
const wd_build_opts *wd_dbwriter_build_opts(const wd_dbwriter *w);
/* The builder of the thread that writes (borrowed). */
wd_builder *wd_dbwriter_builder(wd_dbwriter *w);
/* Borrowed; the pipeline adds its threads' CPU times. */
wd_index_stats *wd_dbwriter_stats(wd_dbwriter *w);
/* Commit when this much record text is pending (default WD_BATCH_BYTES). */
void wd_dbwriter_set_batch_bytes(wd_dbwriter *w, size_t bytes);

/* Keep a failure that lost records (sticky); returns rc. */
int wd_dbwriter_fail(wd_dbwriter *w, int rc, const wd_error *err);
/* The kept failure, or WD_OK. */
int wd_dbwriter_failed(const wd_dbwriter *w, wd_error *err);

/* Add or replace one built document (doc is borrowed); commits when the
 * batch is full. words[0..wlen) are the record's words its builder
 * collected (wd_builder.words; NULL: none), which a new index's writer
 * mines for word associations (assoc_mine.h). */
int wd_dbwriter_write(wd_dbwriter *w, const wd_record *rec, xc_doc *doc, const char *words,
                      size_t wlen, wd_error *err);
/* Build a checked record with the writer's builder and write it. */
int wd_dbwriter_add(wd_dbwriter *w, const wd_record *rec, wd_error *err);
/* Delete a record by id; *found (if given) is 1 when it existed. */
int wd_dbwriter_delete(wd_dbwriter *w, const char *id, int *found, wd_error *err);
/* Commit what is pending now (a failure is sticky). */
int wd_dbwriter_commit(wd_dbwriter *w, wd_error *err);

/* The end of a bulk build: this writer's (empty) database is closed, the
 * database at `built` gets the checkpoint (one commit, `last_id`), schema,
 * dictionary and the associations mined (the parts' passed to this one),
 * and is committed. The caller installs it; then abandons
 * this writer. */
int wd_dbwriter_adopt(wd_dbwriter *w, const char *built, const char *last_id, wd_error *err);

/* Commit what is pending, finish a new index (compact it and install the
 * result; or sync it) and free. Freed even on error. NULL is a no-op. */
int wd_dbwriter_close(wd_dbwriter *w, wd_error *err);
/* Free without committing the pending batch (what was committed stays).
 * NULL is a no-op. */
void wd_dbwriter_abandon(wd_dbwriter *w);

#endif
