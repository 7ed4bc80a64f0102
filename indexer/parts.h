/*
 * parts.h - private to indexer/: writing several databases at once, the
 * shards of a sharded index or the parts of a bulk build.
 *
 * Records are routed by wd_index_shard_of(id), so a record and every later
 * version of it land in the same database and replacing stays exact. Each
 * database has a serial writer of its own (a claimed folder and a
 * wd_dbwriter) driven by one thread.
 *
 * Thread safety: a wd_parts belongs to the calling thread.
 */
#ifndef WENDA_INDEXER_PARTS_H
#define WENDA_INDEXER_PARTS_H

#include "dbwriter.h"

/* The most shards an index may have. */
#define WD_MAX_SHARDS 256

typedef struct wd_parts wd_parts;

/* The shards listed by the stub in `dir` (one we wrote: DIR/shard-1 ...
 * DIR/shard-N); 0 when there is none. */
unsigned wd_parts_listed(const char *dir);

/* Open the sharded index in `dir` (a folder the caller has claimed) with
 * opts->shards shards, or the `listed` ones when that is 0; writes the stub
 * when the count changes. A single index in dir is refused (WD_EINVAL)
 * unless opts->overwrite, which removes it; so is a different shard count
 * from the listed one. `dict` is borrowed. *out is new, NULL on failure. */
int wd_parts_open_shards(wd_parts **out, const char *dir, unsigned listed, const wd_dict *dict,
                         const wd_index_opts *opts, wd_error *err);
/* Start a bulk build of `n` parts in dir's build folder, merged into the
 * new index `main` (borrowed, fresh: the writer of dir) at close. */
int wd_parts_open_bulk(wd_parts **out, wd_dbwriter *main, const char *dir, unsigned n,
                       const wd_dict *dict, const wd_index_opts *opts, wd_error *err);

/* Route a copy of a checked record to its part. */
int wd_parts_add(wd_parts *ps, const wd_record *rec, wd_error *err);
/* Delete a record from its part, once the part has written what was
 * queued. */
int wd_parts_delete(wd_parts *ps, const char *id, int *found, wd_error *err);
/* Write and commit what is pending in every part. */
int wd_parts_commit(wd_parts *ps, wd_error *err);
/* Borrowed: the parts' counts, summed at each commit. */
const wd_index_stats *wd_parts_stats(const wd_parts *ps);

/* Write and close every part (a bulk build: compact the parts and install
 * the result with `main`), then free. Freed even on error. */
int wd_parts_close(wd_parts *ps, wd_error *err);
/* Stop the threads and abandon every part (a bulk build keeps nothing);
 * free. NULL is a no-op. */
void wd_parts_abandon(wd_parts *ps);

#endif
