/*
 * wenda/index.h - writing records into a wenda index (a Xapian database).
 *
 * A writer analyses each record's question and answer with the shared
 * analyzer and stores them as separate positional fields, plus the record
 * itself for display. The record id is the unique key: adding a record whose
 * id is already in the index replaces it. Records are committed in batches;
 * an interrupted run keeps every batch already committed, and each commit
 * records a checkpoint in the index metadata.
 *
 * Locking: one writer per index. Besides Xapian's own lock the writer keeps
 * DIR/wenda.lock holding its pid, so a second writer is told who holds it.
 *
 * Thread safety: a writer belongs to one thread.
 */
#ifndef WENDA_INDEX_H
#define WENDA_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/corpus.h"
#include "wenda/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wd_index_writer wd_index_writer;

typedef struct wd_index_opts {
    uint32_t batch_size; /* records per commit; 0 = WD_DEFAULT_BATCH_SIZE */
    int overwrite;       /* 1: start from an empty index */
} wd_index_opts;

#define WD_DEFAULT_BATCH_SIZE 1000
#define WD_INDEX_OPTS_INIT {0, 0}

typedef struct wd_index_stats {
    uint64_t added;    /* new records */
    uint64_t replaced; /* records whose id was already indexed */
    uint64_t deleted;
    uint64_t commits;
} wd_index_stats;

/* Open (creating if needed) the index at `path` for writing. `dict` is
 * borrowed and must outlive the writer. *out is new, NULL on failure:
 * WD_ELOCKED ("index is locked by another wenda index (pid N)"), WD_EIO,
 * WD_ECORRUPT. */
int wd_index_writer_open(wd_index_writer **out, const char *path, const wd_dict *dict,
                         const wd_index_opts *opts, wd_error *err);
/* Add or replace one record. Commits when a batch is full. */
int wd_index_writer_add(wd_index_writer *w, const wd_record *rec, wd_error *err);
/* Delete a record by id; *found (if given) is 1 when it existed. */
int wd_index_writer_delete(wd_index_writer *w, const char *id, int *found, wd_error *err);
/* Commit what is pending now. */
int wd_index_writer_commit(wd_index_writer *w, wd_error *err);
/* Borrowed; counts so far. */
const wd_index_stats *wd_index_writer_stats(const wd_index_writer *w);
/* Commit, release the lock and free. The writer is freed even on error. */
int wd_index_writer_close(wd_index_writer *w, wd_error *err);
/* Free without committing the pending batch (what was committed stays). */
void wd_index_writer_abandon(wd_index_writer *w);

#ifdef __cplusplus
}
#endif
#endif
