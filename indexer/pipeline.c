/*
 * pipeline.c - worker threads build documents, one writer thread writes
 * them in input order (pipeline.h).
 *
 * Analysis and document building run on a pool of worker threads, each
 * with its own builder. wd_pipeline_add only copies the record into the
 * current chunk; a full chunk goes to the pool and to the writer thread,
 * the only one that touches the database while chunks are in flight, which
 * writes the oldest finished chunk in input order while the workers build
 * the next. Writing is the larger part of the work (about 57 % of it on
 * the law corpus), so the writer must not share its core with a full set of
 * workers, nor wait for the reading thread; when the chunk it needs is not
 * built yet it builds too, rather than wait. So documents reach Xapian in
 * exactly the order they were added, a batch commit covers a prefix of the
 * input, and the checkpoint describes exactly what is committed, as in the
 * serial path. At most MAX_IN_FLIGHT chunks plus the one being filled are
 * in memory, and Xapian holds at most one batch, so memory does not grow
 * with the corpus.
 */
#include "pipeline.h"

#include <pthread.h>
#include <string.h>

#include "chunk.h"

/* Chunks submitted but not yet written (one is written while the next ones
 * are built). */
#define MAX_IN_FLIGHT 3
/* Records a worker claims at a time. */
#define CLAIM 8

struct wd_pipeline {
    wd_dbwriter *db;       /* borrowed */
    wd_index_stats *stats; /* db's */
    int profile;
    int mining; /* the writer mines associations: the workers pass it each record's words */
    pthread_mutex_t mu;
    pthread_cond_t work;   /* a chunk was queued, or stop */
    pthread_cond_t done;   /* a chunk was finished */
    pthread_cond_t wake;   /* for the writer thread: a chunk in flight, or stop */
    pthread_cond_t space;  /* for the caller: the writer took a chunk off the list */
    wd_chunk *head, *tail; /* chunks with unclaimed jobs */
    int stop;
    unsigned n;
    pthread_t threads[WD_MAX_JOBS];
    /* the writer thread */
    pthread_t writer;
    int has_writer;
    int wstop; /* finish what is in flight and exit */
    int wdrop; /* drop what is in flight instead of writing it */
    int wrc;   /* its first failure */
    wd_error werr;
    /* chunks */
    wd_chunk *fill;                  /* being filled by add() (the calling thread's) */
    wd_chunk *flight[MAX_IN_FLIGHT]; /* submitted, oldest first (under mu) */
    size_t n_flight;
};

/* Claim the next few jobs of the oldest chunk with unclaimed ones and build
 * them (called and returning with p->mu held; unlocked while building).
 * 0 when there was nothing to claim. */
static int build_some(wd_pipeline *p, wd_builder *b, int brc, wd_error *err)
{
    wd_chunk *c = p->head;
    if (!c)
        return 0;
    size_t from = c->next, to = from + CLAIM < c->n ? from + CLAIM : c->n;
    c->next = to;
    if (to == c->n) {
        p->head = c->qnext;
        if (!p->head)
            p->tail = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    int rc = brc;
    size_t at = from;
    double t0 = p->profile ? wd_thread_cpu_s() : 0;
    for (size_t i = from; rc == WD_OK && i < to; i++) {
        at = i;
        if (c->rc == WD_OK) /* racy read: only skips work after a failure */
            rc = wd_builder_build(b, &c->jobs[i].rec, &c->jobs[i].doc, err);
        if (rc == WD_OK && c->rc == WD_OK && p->mining) {
            wd_job *j = &c->jobs[i];
            if (!(j->words = wd_malloc(b->words.len ? b->words.len : 1)))
                rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
            else if (b->words.len)
                memcpy(j->words, b->words.data, j->wlen = b->words.len);
        }
    }
    double t1 = p->profile ? wd_thread_cpu_s() : 0;
    pthread_mutex_lock(&p->mu);
    p->stats->analysis_cpu_s += t1 - t0;
    if (rc != WD_OK && (c->rc == WD_OK || at < c->err_at)) {
        c->rc = rc;
        c->err_at = at;
        c->err = *err;
    }
    c->done += to - from;
    if (c->done == c->n)
        pthread_cond_broadcast(&p->done);
    return 1;
}

static void *worker_main(void *arg)
{
    wd_pipeline *p = arg;
    wd_builder b;
    wd_error err;
    wd_error_clear(&err);
    int brc = wd_builder_init(&b, wd_dbwriter_build_opts(p->db), &err);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->head)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        build_some(p, &b, brc, &err);
    }
    pthread_mutex_unlock(&p->mu);
    wd_builder_clear(&b);
    return NULL;
}

/* Write the documents of a built chunk in order (the writer thread). */
static int write_chunk(wd_pipeline *p, wd_chunk *c, wd_error *err)
{
    int rc = WD_OK;
    size_t upto = c->rc == WD_OK ? c->n : c->err_at;
    double t0 = p->profile ? wd_thread_cpu_s() : 0;
    for (size_t i = 0; rc == WD_OK && i < upto; i++) {
        wd_job *j = &c->jobs[i];
        rc = wd_dbwriter_write(p->db, &j->rec, j->doc, j->words, j->wlen, err);
        xc_doc_free(j->doc);
        j->doc = NULL;
        wd_free(j->words);
        j->words = NULL;
    }
    if (p->profile)
        p->stats->write_cpu_s += wd_thread_cpu_s() - t0;
    if (rc == WD_OK && c->rc != WD_OK) {
        rc = c->rc;
        if (err)
            *err = c->err;
    }
    return rc;
}

/* The writer thread: the only one that touches the database while chunks
 * are in flight. It takes the oldest chunk, builds it too while it is not
 * built yet (rather than wait), writes it and frees it. After a failure
 * (kept for the caller) or when told to drop, chunks are freed unwritten. So
 * the reading thread, the workers and the writer all run at once, and the
 * writer - the larger part of the work - never waits for the reader. */
static void *writer_main(void *arg)
{
    wd_pipeline *p = arg;
    wd_builder *b = wd_dbwriter_builder(p->db);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->wstop && p->n_flight == 0)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->n_flight == 0)
            break;
        wd_chunk *c = p->flight[0];
        while (c->done < c->n) {
            wd_error berr;
            wd_error_clear(&berr);
            if (!build_some(p, b, WD_OK, &berr))
                pthread_cond_wait(&p->done, &p->mu);
        }
        if (p->wrc == WD_OK && !p->wdrop) {
            pthread_mutex_unlock(&p->mu);
            wd_error err;
            wd_error_clear(&err);
            int rc = write_chunk(p, c, &err);
            pthread_mutex_lock(&p->mu);
            if (rc != WD_OK && p->wrc == WD_OK) {
                p->wrc = rc;
                p->werr = err;
            }
        }
        memmove(p->flight, p->flight + 1, (p->n_flight - 1) * sizeof *p->flight);
        p->n_flight--;
        pthread_cond_broadcast(&p->space);
        pthread_mutex_unlock(&p->mu);
        wd_chunk_free(c);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Stop the writer thread: after writing what is in flight, or (drop)
 * dropping it. */
static void writer_stop(wd_pipeline *p, int drop)
{
    if (!p->has_writer)
        return;
    pthread_mutex_lock(&p->mu);
    p->wstop = 1;
    p->wdrop = p->wdrop || drop;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->writer, NULL);
    p->has_writer = 0;
}

static void workers_stop(wd_pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n; i++)
        pthread_join(p->threads[i], NULL);
    p->n = 0;
}

void wd_pipeline_stop(wd_pipeline *p)
{
    if (!p)
        return;
    writer_stop(p, 1);
    workers_stop(p);
    for (size_t i = 0; i < p->n_flight; i++)
        wd_chunk_free(p->flight[i]);
    wd_chunk_free(p->fill);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->space);
    wd_free(p);
}

int wd_pipeline_start(wd_pipeline **out, wd_dbwriter *db, unsigned workers, int profile,
                      wd_error *err)
{
    *out = NULL;
    wd_pipeline *p = wd_calloc(1, sizeof *p);
    if (!p)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    p->db = db;
    p->stats = wd_dbwriter_stats(db);
    p->profile = profile;
    p->mining = wd_dbwriter_mining(db);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->space, NULL);
    int ok = pthread_create(&p->writer, NULL, writer_main, p) == 0;
    p->has_writer = ok;
    for (unsigned i = 0; ok && i < workers && i < WD_MAX_JOBS; i++) {
        ok = pthread_create(&p->threads[i], NULL, worker_main, p) == 0;
        p->n += ok;
    }
    if (!ok) {
        wd_pipeline_stop(p);
        return wd_error_set(err, WD_ERROR, "index", "cannot start an indexing thread");
    }
    *out = p;
    return WD_OK;
}

/* Hand the chunk being filled to the workers and the writer; wait while
 * MAX_IN_FLIGHT are in flight. Passes up a failure of the writer. */
static int submit_fill(wd_pipeline *p, wd_error *err)
{
    wd_chunk *c = p->fill;
    pthread_mutex_lock(&p->mu);
    if (c && c->n) {
        p->fill = NULL;
        wd_chunk_push(&p->head, &p->tail, c);
        pthread_cond_broadcast(&p->work);
        while (p->n_flight >= MAX_IN_FLIGHT)
            pthread_cond_wait(&p->space, &p->mu);
        p->flight[p->n_flight++] = c;
        pthread_cond_broadcast(&p->wake);
    }
    int rc = p->wrc;
    if (rc != WD_OK && err)
        *err = p->werr;
    pthread_mutex_unlock(&p->mu);
    return wd_dbwriter_fail(p->db, rc, err);
}

int wd_pipeline_add(wd_pipeline *p, const wd_record *rec, wd_error *err)
{
    int rc = wd_dbwriter_failed(p->db, err);
    if (rc != WD_OK)
        return rc;
    rc = wd_chunk_add(&p->fill, rec, err);
    if (rc == WD_OK && wd_chunk_full(p->fill))
        rc = submit_fill(p, err);
    return rc;
}

int wd_pipeline_drain(wd_pipeline *p, wd_error *err)
{
    int rc = wd_dbwriter_failed(p->db, err);
    if (rc != WD_OK)
        return rc;
    rc = submit_fill(p, err);
    if (rc != WD_OK)
        return rc;
    pthread_mutex_lock(&p->mu);
    while (p->n_flight)
        pthread_cond_wait(&p->space, &p->mu);
    rc = p->wrc;
    if (rc != WD_OK && err)
        *err = p->werr;
    pthread_mutex_unlock(&p->mu);
    return wd_dbwriter_fail(p->db, rc, err);
}
