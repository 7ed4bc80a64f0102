/*
 * index.c - the index writer's public front (wenda/index.h): it claims the
 * index folder, picks how the index is written and hands every call to
 * that mode.
 *
 *   serial    one database, written by the calling thread (dbwriter.c)
 *   pipeline  one database; worker threads build documents and a writer
 *             thread writes them in input order (pipeline.c, jobs > 1)
 *   shards    DIR/shard-1 ... DIR/shard-N listed by a stub, one writer
 *             thread each (parts.c, opts.shards or a stub in DIR)
 *   bulk      a new index built as one part per job and merged at close
 *             (parts.c, opts.bulk with jobs > 1 on an empty index)
 *
 * The folder is claimed first (folder.c: its lock, and the end of an
 * install a crash interrupted), so the choice between one database and
 * shards is made while no other wenda writer can change it.
 */
#include <string.h>
#include <unistd.h>

#include "dbwriter.h"
#include "document.h"
#include "folder.h"
#include "parts.h"
#include "pipeline.h"
#include "schema.h"
#include "wenda/index.h"

enum mode { MODE_SERIAL, MODE_PIPELINE, MODE_SHARDS, MODE_BULK };

struct wd_index_writer {
    enum mode mode;
    wd_folder *folder;     /* DIR, claimed */
    wd_dbwriter *db;       /* DIR's database: serial, pipeline and bulk */
    wd_pipeline *pipeline; /* pipeline */
    wd_parts *parts;       /* shards and bulk */
};

unsigned wd_index_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > WD_MAX_JOBS ? WD_MAX_JOBS : (unsigned)n;
}

static void writer_free(wd_index_writer *w)
{
    wd_pipeline_stop(w->pipeline);
    wd_parts_abandon(w->parts);
    wd_dbwriter_abandon(w->db);
    wd_folder_release(w->folder);
    wd_free(w);
}

/* One database in DIR, written serially, through a pipeline, or (a new
 * index) as a bulk build. */
static int open_single(wd_index_writer *w, const char *path, const wd_dict *dict,
                       const wd_index_opts *opts, wd_error *err)
{
    unsigned jobs = opts ? opts->jobs : 0;
    if (jobs > WD_MAX_JOBS)
        jobs = WD_MAX_JOBS;
    int rc = wd_dbwriter_open(&w->db, path, dict, opts, 0, err);
    if (rc != WD_OK)
        return rc;
    if (opts && opts->bulk && wd_dbwriter_is_fresh(w->db) && jobs > 1) {
        /* Bulk build of a new index: one part per job, merged at close. */
        w->mode = MODE_BULK;
        return wd_parts_open_bulk(&w->parts, w->db, path, jobs, dict, opts, err);
    }
    if (jobs > 1) {
        /* jobs - 1 workers and the writer thread, which writes (the larger
         * part of the work) and builds documents too whenever it would
         * wait; the calling thread only reads input into chunks. */
        w->mode = MODE_PIPELINE;
        return wd_pipeline_start(&w->pipeline, w->db, jobs - 1, opts->profile, err);
    }
    w->mode = MODE_SERIAL;
    return WD_OK;
}

int wd_index_writer_open(wd_index_writer **out, const char *path, const wd_dict *dict,
                         const wd_index_opts *opts, wd_error *err)
{
    *out = NULL;
    if (!path || !*path || !dict)
        return wd_error_set(err, WD_EINVAL, "index", "no index path given");
    wd_index_writer *w = wd_calloc(1, sizeof *w);
    if (!w)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    int rc = wd_folder_claim(&w->folder, path, err);
    unsigned listed = rc == WD_OK ? wd_parts_listed(path) : 0;
    if (rc == WD_OK && (listed || (opts && opts->shards))) {
        w->mode = MODE_SHARDS;
        rc = wd_parts_open_shards(&w->parts, path, listed, dict, opts, err);
    } else if (rc == WD_OK) {
        rc = open_single(w, path, dict, opts, err);
    }
    if (rc != WD_OK) {
        writer_free(w);
        return rc;
    }
    *out = w;
    return WD_OK;
}

/* Shards and bulk builds write several databases (parts.c). */
static int uses_parts(const wd_index_writer *w)
{
    return w->mode == MODE_SHARDS || w->mode == MODE_BULK;
}

/* Before the calling thread uses DIR's database itself: have the pipeline
 * write everything it holds. */
static int settle(wd_index_writer *w, wd_error *err)
{
    return w->mode == MODE_PIPELINE ? wd_pipeline_drain(w->pipeline, err) : WD_OK;
}

int wd_index_writer_add(wd_index_writer *w, const wd_record *rec, wd_error *err)
{
    int rc = wd_record_check(rec, err);
    if (rc != WD_OK)
        return rc;
    switch (w->mode) {
    case MODE_SERIAL: return wd_dbwriter_add(w->db, rec, err);
    case MODE_PIPELINE: return wd_pipeline_add(w->pipeline, rec, err);
    case MODE_SHARDS:
    case MODE_BULK: return wd_parts_add(w->parts, rec, err);
    }
    return WD_EINTERNAL;
}

int wd_index_writer_delete(wd_index_writer *w, const char *id, int *found, wd_error *err)
{
    if (found)
        *found = 0;
    if (!id || !*id)
        return wd_error_set(err, WD_EINVAL, "index", "empty record id");
    if (uses_parts(w))
        return wd_parts_delete(w->parts, id, found, err);
    int rc = settle(w, err);
    return rc == WD_OK ? wd_dbwriter_delete(w->db, id, found, err) : rc;
}

int wd_index_writer_commit(wd_index_writer *w, wd_error *err)
{
    if (uses_parts(w))
        return wd_parts_commit(w->parts, err);
    int rc = settle(w, err);
    return rc == WD_OK ? wd_dbwriter_commit(w->db, err) : rc;
}

const wd_index_stats *wd_index_writer_stats(const wd_index_writer *w)
{
    return uses_parts(w) ? wd_parts_stats(w->parts) : wd_dbwriter_stats(w->db);
}

int wd_index_writer_close(wd_index_writer *w, wd_error *err)
{
    if (!w)
        return WD_OK;
    int rc;
    if (uses_parts(w)) {
        /* A bulk build ends with DIR's database installed from the parts
         * (its writer only held the empty one meanwhile). */
        rc = wd_parts_close(w->parts, err);
        w->parts = NULL;
    } else {
        rc = settle(w, err);
        wd_pipeline_stop(w->pipeline);
        w->pipeline = NULL;
        if (rc == WD_OK)
            rc = wd_dbwriter_close(w->db, err);
        else
            wd_dbwriter_abandon(w->db);
        w->db = NULL;
    }
    writer_free(w);
    return rc;
}

void wd_index_writer_abandon(wd_index_writer *w)
{
    if (w)
        writer_free(w);
}
