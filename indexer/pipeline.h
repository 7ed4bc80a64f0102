/*
 * pipeline.h - private to indexer/: parallel analysis in front of one
 * database writer.
 *
 * A pipeline runs worker threads that build documents and a writer thread
 * that writes them, in input order, through a wd_dbwriter it borrows. The
 * calling thread only copies records into chunks (chunk.h). While chunks
 * are in flight only the writer thread touches the dbwriter; after
 * wd_pipeline_drain the calling thread may use it (delete, commit, close)
 * until it adds again. A failure of the writer thread is kept in the
 * dbwriter (sticky) and returned by the next call.
 *
 * Thread safety: the pipeline belongs to the calling thread.
 */
#ifndef WENDA_INDEXER_PIPELINE_H
#define WENDA_INDEXER_PIPELINE_H

#include "dbwriter.h"

/* The most threads a writer runs (and the most a caller may ask for). */
#define WD_MAX_JOBS 64

typedef struct wd_pipeline wd_pipeline;

/* Start `workers` (1 .. WD_MAX_JOBS - 1) worker threads and the writer
 * thread over `db` (borrowed; it must outlive the pipeline). `profile`:
 * measure the threads' CPU time into db's stats. *out is new, NULL on
 * failure. */
int wd_pipeline_start(wd_pipeline **out, wd_dbwriter *db, unsigned workers, int profile,
                      wd_error *err);
/* Queue a copy of a checked record; a full chunk is handed to the threads
 * (waiting while the writer is behind). */
int wd_pipeline_add(wd_pipeline *pl, const wd_record *rec, wd_error *err);
/* Write everything added so far (not committed yet); then the writer
 * thread is idle. */
int wd_pipeline_drain(wd_pipeline *pl, wd_error *err);
/* Stop the threads, dropping what is not written yet, and free. NULL is a
 * no-op. */
void wd_pipeline_stop(wd_pipeline *pl);

#endif
