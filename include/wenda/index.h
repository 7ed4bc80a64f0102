/*
 * wenda/index.h - writing records into a wenda index (a Xapian database).
 *
 * A writer analyses each record's question and answer with the shared
 * analyzer and stores them as separate fields (no word positions), plus the record
 * itself for display. The record id is the unique key: adding a record whose
 * id is already in the index replaces it. Records are committed in batches;
 * an interrupted run keeps every batch already committed, and each commit
 * records a checkpoint in the index metadata.
 *
 * Locking: one writer per index. Besides Xapian's own lock the writer keeps
 * DIR/wenda.lock holding its pid, so a second writer is told who holds it.
 *
 * Thread safety: a writer belongs to one thread (it may run worker threads
 * of its own, see wd_index_opts.jobs).
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
    uint32_t batch_size;     /* records per commit; 0 = WD_DEFAULT_BATCH_SIZE */
    int overwrite;           /* 1: start from an empty index */
    int no_dictionary_layer; /* 1: analyse with the dictionary layer off (ICU words only;
                                the evaluation's baseline); search such an index with
                                wd_search_opts.no_dictionary_layer = 1 */
    unsigned jobs;           /* busy threads; 0 or 1 = the calling thread does
                            everything, N > 1 = one writer thread (which also
                            analyses when it would wait) and N - 1 worker
                            threads analysing, while the calling thread only
                            reads input; wd_index_default_jobs() = one per
                            core. Documents are still written and committed in
                            input order. */
    int answer_positions;    /* 1: store word positions of the answer field too
                             (nothing queries them; the question field
                             has none since schema 5). Off: about a quarter smaller
                             and faster. */
    int bulk;                /* 1 (with jobs > 1, on an empty index): each job
                            writes a part of its own in DIR/.wenda-build and the
                            parts are merged (compacted) into DIR at close. The
                            fastest way to build a large index, and compact; but
                            a run killed before close keeps nothing (the
                            checkpoint says 0 documents). Ignored on an index
                            that has documents. */
    uint32_t shards;         /* N > 0: a sharded index: DIR/shard-1 ... DIR/shard-N
                            listed by the stub DIR/XAPIANDB, a record going to
                            shard wd_index_shard_of(id, N) + 1, one writer
                            thread per shard. 0: sharded if DIR/XAPIANDB lists
                            shards (so re-indexing routes the same way), else
                            one database. Each shard keeps its own checkpoint. */
    int profile;             /* 1: measure the CPU time spent analysing records and
                            writing them to Xapian (wd_index_stats); costs a
                            clock read or three per record, about 1 %. */
    /* What the base is, shown by the service's page (wd_searcher_about):
     * kept in the index's metadata at every commit when not NULL (an empty
     * string clears it). examples: example questions, one a line. */
    const char *title;
    const char *description;
    const char *examples;
} wd_index_opts;

#define WD_DEFAULT_BATCH_SIZE 1000
#define WD_INDEX_OPTS_INIT                                                                         \
    {                                                                                              \
        0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL                                                   \
    }

/* The shard (0-based) of a record id among n: FNV-1a 64 of the id's bytes
 * modulo n. Stable across versions and machines. */
uint32_t wd_index_shard_of(const char *id, uint32_t n);

/* The number of online cores (at least 1): the CLI's default for jobs. */
unsigned wd_index_default_jobs(void);

typedef struct wd_index_stats {
    uint64_t added;    /* new records */
    uint64_t replaced; /* records whose id was already indexed */
    uint64_t deleted;
    uint64_t commits;
    /* With wd_index_opts.profile, CPU seconds summed over the threads:
     * turning records into documents (analysis), and adding them to Xapian
     * and committing (write). The final merge or compaction is in neither:
     * it runs in wd_index_writer_close. */
    double analysis_cpu_s;
    double write_cpu_s;
} wd_index_stats;

/* Open (creating if needed) the index at `path` for writing. `dict` is
 * borrowed and must outlive the writer. *out is new, NULL on failure:
 * WD_ELOCKED ("index is locked by another wenda index (pid N)"), WD_EIO,
 * WD_ECORRUPT. */
int wd_index_writer_open(wd_index_writer **out, const char *path, const wd_dict *dict,
                         const wd_index_opts *opts, wd_error *err);
/* Add or replace one record. Commits when a batch is full. With jobs > 1
 * the record is copied and queued; a failure to write it (I/O, disk full)
 * is returned by a later call (add, delete, commit or close), and every
 * later call returns it too. Records are validated here (WD_EINVAL for one
 * without id or question, which the caller may skip). */
int wd_index_writer_add(wd_index_writer *w, const wd_record *rec, wd_error *err);
/* Delete a record by id; *found (if given) is 1 when it existed. */
int wd_index_writer_delete(wd_index_writer *w, const char *id, int *found, wd_error *err);
/* Write and commit what is pending now. */
int wd_index_writer_commit(wd_index_writer *w, wd_error *err);
/* Borrowed; counts of what was written so far (with jobs > 1 queued
 * records are counted once written: after commit or close). */
const wd_index_stats *wd_index_writer_stats(const wd_index_writer *w);
/* Commit, release the lock and free. The writer is freed even on error. */
int wd_index_writer_close(wd_index_writer *w, wd_error *err);
/* Keep a file of wenda's in the index folder `path` beside its databases
 * (e.g. the calibration, WD_CALIBRATION_FILE of wenda/search.h): data is
 * written under a temporary name, synced and renamed to `name`, while the
 * index's lock is held, so no writer runs meanwhile. WD_ENOTFOUND when path
 * holds no index (a shard list or a remote shard is not a folder: keep the
 * file elsewhere), WD_ELOCKED (a writer holds it: "index is locked by another
 * wenda index (pid N)"), WD_EIO (a read-only folder, a full disk). */
int wd_index_store_file(const char *path, const char *name, const char *data, size_t len,
                        wd_error *err);

/* For a process that must exit at once while it writes the index at `path`
 * (a fatal error reported from another thread): remove what the writer
 * builds beside the index (a bulk build's parts, a --overwrite rebuild),
 * unless a new index is being moved into place from there, which the next
 * writer finishes. The index itself is left as the last commit left it.
 * Not thread-safe against a writer that goes on. */
void wd_index_drop_scratch(const char *path);

/* Free without committing the pending batch (what was committed stays). */
void wd_index_writer_abandon(wd_index_writer *w);

#ifdef __cplusplus
}
#endif
#endif
