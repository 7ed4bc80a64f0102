/*
 * parts.c - several databases written at once: the shards of a sharded
 * index (DIR/shard-1 ... DIR/shard-N, listed by a stub in DIR), or the parts
 * of a bulk build (DIR/.wenda-build/part-1 ... part-N, compacted into DIR
 * at close).
 *
 * Each database has a serial writer of its own driven by one thread, so
 * Xapian's writing - the larger part of the work - runs on every core. The
 * calling thread only copies records into per-part chunks and hands a full
 * one to its part's thread, waiting when that part is PART_QUEUE chunks
 * behind. The parts of a bulk build are scratch databases (a killed build
 * keeps nothing): written without fsync, and compacted together into the
 * build folder's merged database, which gets the checkpoint of the whole
 * and is installed over DIR's empty one.
 */
#include "parts.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
#include "folder.h"
#include "hash.h"
#include "wenda/index.h"
#include "xapian_c.h"

#define PART_QUEUE 2 /* chunks queued per part before add() waits */

/* The shard (or bulk part) a record goes to: by its id, so that a record
 * and every later version of it meet in the same one. */
uint32_t wd_index_shard_of(const char *id, uint32_t n)
{
    return n ? (uint32_t)(wd_fnv1a64(id, strlen(id), WD_FNV_OFFSET) % n) : 0;
}

typedef struct part {
    wd_folder *folder; /* claimed */
    wd_dbwriter *db;   /* serial writer, used by the part's thread */
    pthread_t th;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    wd_chunk *head, *tail;
    size_t queued;
    int busy, stop;
    int rc; /* sticky failure of this part */
    wd_error err;
    wd_chunk *fill;
} part;

struct wd_parts {
    part *parts;
    unsigned n;
    wd_sticky failed;
    wd_index_stats stats;
    /* a bulk build */
    wd_dbwriter *main; /* borrowed */
    char *dir;
    char *build_dir;
    char *last_id;
};

/* ---- one part ----------------------------------------------------------------- */

static void *part_main(void *arg)
{
    part *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        if (!p->head)
            break;
        wd_chunk *c = p->head;
        p->head = c->qnext;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        p->busy = 1;
        int rc = p->rc;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        wd_error err;
        wd_error_clear(&err);
        for (size_t i = 0; rc == WD_OK && i < c->n; i++)
            rc = wd_dbwriter_add(p->db, &c->jobs[i].rec, &err);
        wd_chunk_free(c);
        pthread_mutex_lock(&p->mu);
        if (rc != WD_OK && p->rc == WD_OK) {
            p->rc = rc;
            p->err = err;
        }
        p->busy = 0;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Claim the part's folder, open its writer and start its thread. */
static int part_start(part *p, const char *path, const wd_dict *dict, const wd_index_opts *opts,
                      int db_flags, size_t batch_bytes, wd_error *err)
{
    int rc = wd_folder_claim(&p->folder, path, err);
    if (rc == WD_OK)
        rc = wd_dbwriter_open(&p->db, path, dict, opts, db_flags, err);
    if (rc != WD_OK)
        return rc;
    wd_dbwriter_set_batch_bytes(p->db, batch_bytes);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->th, NULL, part_main, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        return wd_error_set(err, WD_ERROR, "index", "cannot start an indexing thread");
    }
    p->started = 1;
    return WD_OK;
}

/* Queue the part's filled chunk (waits while the part is PART_QUEUE behind). */
static int part_submit(part *p)
{
    wd_chunk *c = p->fill;
    if (!c || c->n == 0)
        return WD_OK;
    p->fill = NULL;
    pthread_mutex_lock(&p->mu);
    while (p->queued >= PART_QUEUE && p->rc == WD_OK)
        pthread_cond_wait(&p->cv, &p->mu);
    wd_chunk_push(&p->head, &p->tail, c);
    p->queued++;
    int rc = p->rc;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Submit and wait until the part has written everything queued; its
 * writer may then be used by the calling thread until more is queued. */
static int part_drain(part *p, wd_error *err)
{
    part_submit(p);
    pthread_mutex_lock(&p->mu);
    while (p->queued || p->busy)
        pthread_cond_wait(&p->cv, &p->mu);
    int rc = p->rc;
    if (rc != WD_OK && err)
        *err = p->err;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static void part_stop(part *p)
{
    if (!p->started)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->th, NULL);
    p->started = 0;
    while (p->head) {
        wd_chunk *c = p->head;
        p->head = c->qnext;
        wd_chunk_free(c);
    }
    wd_chunk_free(p->fill);
    p->fill = NULL;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}

/* ---- all parts ------------------------------------------------------------------ */

/* Open the parts DIR/<fmt % i> and start their threads. */
static int parts_start(wd_parts *ps, const char *dir, const char *fmt, unsigned n,
                       const wd_dict *dict, const wd_index_opts *opts, int overwrite, wd_error *err)
{
    if (!(ps->parts = wd_calloc(n, sizeof *ps->parts)))
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    ps->n = n;
    wd_index_opts so = WD_INDEX_OPTS_INIT;
    so.batch_size = opts && opts->batch_size ? opts->batch_size : WD_DEFAULT_BATCH_SIZE;
    so.overwrite = overwrite;
    so.no_dictionary_layer = opts && opts->no_dictionary_layer;
    so.answer_positions = opts && opts->answer_positions;
    so.profile = opts && opts->profile;
    /* The parts of a bulk build are scratch databases (a killed build
     * keeps nothing): no fsync per commit. */
    int db_flags = ps->build_dir ? XC_DB_NO_SYNC : 0;
    size_t batch_bytes = WD_BATCH_BYTES / n > (1u << 20) ? WD_BATCH_BYTES / n : (1u << 20);
    int rc = WD_OK;
    for (unsigned i = 0; rc == WD_OK && i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, fmt, i + 1);
        char *path = wd_folder_join(dir, name);
        rc = path ? part_start(&ps->parts[i], path, dict, &so, db_flags, batch_bytes, err)
                  : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        wd_free(path);
    }
    return rc;
}

static int parts_drain(wd_parts *ps, wd_error *err)
{
    int rc = WD_OK;
    for (unsigned i = 0; i < ps->n; i++) {
        int r = part_drain(&ps->parts[i], err);
        if (rc == WD_OK)
            rc = r;
    }
    return wd_sticky_set(&ps->failed, rc, err);
}

static void sum_stats(wd_parts *ps)
{
    wd_index_stats s = { 0 };
    for (unsigned i = 0; i < ps->n; i++) {
        if (!ps->parts[i].db)
            continue;
        const wd_index_stats *p = wd_dbwriter_stats(ps->parts[i].db);
        s.added += p->added;
        s.replaced += p->replaced;
        s.commits += p->commits;
        s.analysis_cpu_s += p->analysis_cpu_s;
        s.write_cpu_s += p->write_cpu_s;
    }
    s.deleted = ps->stats.deleted;
    ps->stats = s;
}

/* Stop the threads; close (ok) or abandon every part writer. */
static int parts_stop(wd_parts *ps, int ok, wd_error *err)
{
    int rc = WD_OK;
    for (unsigned i = 0; i < ps->n; i++)
        part_stop(&ps->parts[i]);
    if (ok)
        sum_stats(ps);
    for (unsigned i = 0; i < ps->n; i++) {
        part *p = &ps->parts[i];
        if (ok && ps->main && p->db) /* a bulk build's associations are mined over all parts */
            wd_dbwriter_pass_miner(p->db, ps->main);
        if (ok && rc == WD_OK)
            rc = wd_dbwriter_close(p->db, err);
        else
            wd_dbwriter_abandon(p->db);
        p->db = NULL;
        wd_folder_release(p->folder);
        p->folder = NULL;
    }
    wd_free(ps->parts);
    ps->parts = NULL;
    ps->n = 0;
    return rc;
}

static void parts_free(wd_parts *ps)
{
    if (ps->build_dir)
        wd_folder_remove(ps->build_dir);
    wd_free(ps->dir);
    wd_free(ps->build_dir);
    wd_free(ps->last_id);
    wd_free(ps);
}

void wd_parts_abandon(wd_parts *ps)
{
    if (!ps)
        return;
    parts_stop(ps, 0, NULL);
    parts_free(ps);
}

/* ---- shards -------------------------------------------------------------------- */

unsigned wd_parts_listed(const char *dir)
{
    xc_stub st;
    if (xc_stub_read(dir, &st, NULL) != WD_OK)
        return 0;
    unsigned n = (unsigned)st.lines;
    xc_stub_clear(&st);
    return n;
}

/* The stub of a sharded index: DIR/shard-1 ... DIR/shard-N. */
static int write_stub(const char *dir, unsigned n, wd_error *err)
{
    char **names = wd_calloc(n, sizeof *names);
    int rc = names ? WD_OK : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    for (unsigned i = 0; rc == WD_OK && i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "shard-%u", i + 1);
        if (!(names[i] = wd_strdup(name)))
            rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK) {
        char comment[96];
        snprintf(comment, sizeof comment,
                 "wenda sharded index: %u shards (records routed by a hash of their id)", n);
        rc = xc_stub_write(dir, comment, (const char *const *)names, n, err);
    }
    for (unsigned i = 0; names && i < n; i++)
        wd_free(names[i]);
    wd_free(names);
    return rc;
}

int wd_parts_open_shards(wd_parts **out, const char *dir, unsigned listed, const wd_dict *dict,
                         const wd_index_opts *opts, wd_error *err)
{
    *out = NULL;
    int overwrite = opts && opts->overwrite;
    unsigned shards = opts ? opts->shards : 0;
    int single = xc_dir_has_db(dir);
    int rc = WD_OK;
    if (single && !overwrite)
        rc = wd_error_set(err, WD_EINVAL, "index",
                          "%s: is a single (unsharded) index; use --overwrite to rebuild it "
                          "with shards",
                          dir);
    else if (listed && shards && shards != listed && !overwrite)
        rc = wd_error_set(err, WD_EINVAL, "index",
                          "%s: has %u shards, not %u; records are routed by shard count, so "
                          "use --overwrite to rebuild it with %u",
                          dir, listed, shards, shards);
    if (rc == WD_OK && single)
        rc = xc_db_remove_files(dir, err);
    unsigned n = shards ? shards : listed;
    if (rc == WD_OK && n > WD_MAX_SHARDS)
        rc = wd_error_set(err, WD_EINVAL, "index", "at most %d shards", WD_MAX_SHARDS);
    if (rc != WD_OK)
        return rc;
    wd_parts *ps = wd_calloc(1, sizeof *ps);
    if (!ps)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    rc = parts_start(ps, dir, "shard-%u", n, dict, opts, overwrite, err);
    if (rc == WD_OK && n != listed)
        rc = write_stub(dir, n, err);
    if (rc != WD_OK) {
        wd_parts_abandon(ps);
        return rc;
    }
    *out = ps;
    return WD_OK;
}

/* ---- bulk builds ---------------------------------------------------------------- */

int wd_parts_open_bulk(wd_parts **out, wd_dbwriter *main, const char *dir, unsigned n,
                       const wd_dict *dict, const wd_index_opts *opts, wd_error *err)
{
    *out = NULL;
    wd_parts *ps = wd_calloc(1, sizeof *ps);
    if (!ps)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    ps->main = main;
    int rc = WD_OK;
    if (!(ps->dir = wd_strdup(dir)) || !(ps->build_dir = wd_folder_join(dir, WD_FOLDER_BUILD)))
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK) {
        wd_folder_remove(ps->build_dir);
        rc = wd_folder_make(ps->build_dir, err);
    }
    if (rc == WD_OK)
        rc = parts_start(ps, ps->build_dir, "part-%u", n, dict, opts, 1, err);
    if (rc != WD_OK) {
        wd_parts_abandon(ps);
        return rc;
    }
    *out = ps;
    return WD_OK;
}

/* Merge the parts into DIR: they are compacted into BUILD/merged, which
 * gets the checkpoint of the whole, then replaces DIR's (empty) database. */
static int bulk_finish(wd_parts *ps, unsigned n, wd_error *err)
{
    int rc = WD_OK;
    char **srcs = wd_calloc(n, sizeof *srcs);
    char *merged = wd_folder_join(ps->build_dir, WD_FOLDER_MERGED);
    if (!srcs || !merged)
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    for (unsigned i = 0; rc == WD_OK && i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "part-%u", i + 1);
        if (!(srcs[i] = wd_folder_join(ps->build_dir, name)))
            rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK)
        rc = xc_compact((const char *const *)srcs, n, merged, err);
    if (rc == WD_OK)
        rc = wd_dbwriter_adopt(ps->main, merged, ps->last_id, err);
    int begun = 0;
    if (rc == WD_OK)
        rc = wd_folder_install(ps->dir, ps->build_dir, &begun, err);
    if (rc == WD_OK)
        ps->stats.commits = 1;
    if (begun) { /* the next writer's claim finishes the move from it */
        wd_free(ps->build_dir);
        ps->build_dir = NULL;
    }
    for (unsigned i = 0; srcs && i < n; i++)
        wd_free(srcs[i]);
    wd_free(srcs);
    wd_free(merged);
    return rc;
}

/* ---- writing -------------------------------------------------------------------- */

int wd_parts_add(wd_parts *ps, const wd_record *rec, wd_error *err)
{
    int rc = wd_sticky_get(&ps->failed, err);
    if (rc != WD_OK)
        return rc;
    part *p = &ps->parts[wd_index_shard_of(rec->id, ps->n)];
    rc = wd_chunk_add(&p->fill, rec, err);
    if (rc == WD_OK && wd_chunk_full(p->fill))
        rc = part_submit(p);
    if (rc != WD_OK) {
        pthread_mutex_lock(&p->mu);
        if (err && p->rc != WD_OK)
            *err = p->err;
        pthread_mutex_unlock(&p->mu);
        return wd_sticky_set(&ps->failed, rc, err);
    }
    if (ps->main) { /* a bulk build's checkpoint names the last record */
        char *id = wd_strdup(rec->id);
        if (id) {
            wd_free(ps->last_id);
            ps->last_id = id;
        }
    }
    return WD_OK;
}

int wd_parts_delete(wd_parts *ps, const char *id, int *found, wd_error *err)
{
    part *p = &ps->parts[wd_index_shard_of(id, ps->n)];
    int rc = part_drain(p, err);
    if (rc == WD_OK)
        rc = wd_dbwriter_delete(p->db, id, found, err);
    if (rc == WD_OK && found && *found)
        ps->stats.deleted++;
    return wd_sticky_set(&ps->failed, rc, err);
}

int wd_parts_commit(wd_parts *ps, wd_error *err)
{
    int rc = parts_drain(ps, err);
    for (unsigned i = 0; rc == WD_OK && i < ps->n; i++)
        rc = wd_dbwriter_commit(ps->parts[i].db, err);
    if (rc == WD_OK)
        sum_stats(ps);
    return wd_sticky_set(&ps->failed, rc, err);
}

const wd_index_stats *wd_parts_stats(const wd_parts *ps)
{
    return &ps->stats;
}

int wd_parts_close(wd_parts *ps, wd_error *err)
{
    unsigned n = ps->n;
    int rc = parts_drain(ps, err);
    rc = parts_stop(ps, rc == WD_OK, err) != WD_OK && rc == WD_OK ? WD_ERROR : rc;
    if (rc == WD_ERROR && err)
        rc = err->code ? err->code : WD_ERROR;
    if (rc == WD_OK && ps->main)
        rc = bulk_finish(ps, n, err);
    parts_free(ps);
    return rc;
}
