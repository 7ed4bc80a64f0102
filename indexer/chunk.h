/*
 * chunk.h - private to indexer/: a chunk of records copied for other
 * threads.
 *
 * With threads, wd_index_writer_add only copies the record into the chunk
 * being filled and returns; a full chunk is handed on whole (to the
 * pipeline's workers and writer, or to a part's thread), so records cross
 * threads a few hundred at a time and in input order.
 *
 * Thread safety: a chunk belongs to one thread at a time; the fields marked
 * "pipeline" are the pipeline's, under its lock.
 */
#ifndef WENDA_INDEXER_CHUNK_H
#define WENDA_INDEXER_CHUNK_H

#include <stddef.h>

#include "wenda/corpus.h"
#include "wenda/error.h"
#include "xapian_c.h"

/* A chunk is handed on when it has this many records or this much text,
 * whichever comes first. */
#define WD_CHUNK_RECORDS 512
#define WD_CHUNK_BYTES (4u << 20)

/* One record of a chunk: a copy, then the document built from it. */
typedef struct wd_job {
    wd_record rec; /* strings point into mem */
    char *mem;
    xc_doc *doc;
    char *words; /* the builder's words for the association miner (new), when it mines */
    size_t wlen;
} wd_job;

typedef struct wd_chunk {
    wd_job *jobs;
    size_t n, cap;
    size_t bytes;
    struct wd_chunk *qnext; /* in a queue of chunks */
    /* pipeline */
    size_t next; /* next job to claim */
    size_t done; /* jobs finished */
    int rc;      /* first failure building a document */
    size_t err_at;
    wd_error err;
} wd_chunk;

/* Append a copy of rec to *c, making the chunk when *c is NULL. */
int wd_chunk_add(wd_chunk **c, const wd_record *rec, wd_error *err);
/* 1 when the chunk is to be handed on. */
int wd_chunk_full(const wd_chunk *c);
/* Append c to the queue (head, tail). */
void wd_chunk_push(wd_chunk **head, wd_chunk **tail, wd_chunk *c);
/* Free the chunk, its copies and any documents in it. NULL is a no-op. */
void wd_chunk_free(wd_chunk *c);

#endif
