/*
 * shards.c - a searcher's shard list: parsing it (comma lists and Xapian
 * stub files), opening it with a remote timeout, and coping with shards that
 * stop answering.
 *
 * Xapian combines the shards of one database, so a remote shard that dies
 * makes every search over the database fail with a NetworkError that does
 * not say which shard it was. When that happens each shard is opened alone,
 * all at once on short-lived threads (so finding the dead ones costs one
 * timeout, not one per shard), and the searcher either reports the dead
 * shards by name or, when the caller allows partial results, reopens over
 * the live ones. Stub files are read by the shim's reader (xc_stub_read)
 * rather than by Xapian's, so that their remote shards get our timeout
 * (Xapian's stub reader uses its own 10 s default) and can be named; a stub
 * with lines the list cannot express (a `remote :PROGRAM`, `inmemory`) is
 * left to Xapian as a whole.
 */
#define _DEFAULT_SOURCE
#include "shards.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wenda/buf.h"

#define RETRY_INTERVAL_MS 1000.0 /* while partial: how often to try the missing shards */

struct wd_shards {
    char **spec; /* paths and tcp://HOST:PORT remotes, in list order */
    size_t n, cap;
    unsigned char *dead; /* 1: left out of the open database */
    size_t n_dead;
    const char **missing; /* the dead specs, for wd_shards_missing */
    unsigned timeout;     /* the open database's (effective) timeout */
    int need_full;        /* the open database is not the whole, healthy list */
    int stale;            /* the open database does not match `dead` */
    wd_error first_why;   /* why a shard marked dead before a probe failed */
    double last_try;      /* when the missing shards were last tried (ms) */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

unsigned wd_shards_timeout(unsigned requested)
{
    if (requested)
        return requested;
    const char *env = getenv("WENDA_REMOTE_TIMEOUT_MS");
    return env && *env ? (unsigned)strtoul(env, NULL, 10) : 0;
}

void wd_shards_free(wd_shards *sh)
{
    if (!sh)
        return;
    for (size_t i = 0; i < sh->n; i++)
        wd_free(sh->spec[i]);
    wd_free(sh->spec);
    wd_free(sh->dead);
    wd_free(sh->missing);
    wd_free(sh);
}

static int add_spec(wd_shards *sh, const char *s, size_t len)
{
    if (sh->n == sh->cap) {
        size_t cap = sh->cap ? sh->cap * 2 : 8;
        char **p = wd_realloc(sh->spec, cap * sizeof *p);
        if (!p)
            return WD_ENOMEM;
        sh->spec = p;
        sh->cap = cap;
    }
    char *copy = wd_strndup(s, len);
    if (!copy)
        return WD_ENOMEM;
    sh->spec[sh->n++] = copy;
    return WD_OK;
}

/* One element of a list: a remote, a database, or a stub, whose shards the
 * shim reads (*unknown = 1 when the stub has a line the list cannot
 * express). */
static int add_entry(wd_shards *sh, const char *s, size_t len, int *unknown)
{
    if (len >= 6 && memcmp(s, "tcp://", 6) == 0)
        return add_spec(sh, s, len);
    char *path = wd_strndup(s, len);
    if (!path)
        return WD_ENOMEM;
    int rc = WD_OK;
    if (!xc_path_is_stub(path)) {
        rc = add_spec(sh, s, len);
    } else {
        xc_stub st;
        rc = xc_stub_read(path, &st, NULL);
        if (rc == WD_ENOTFOUND) /* gone since: let Xapian report it */
            rc = (*unknown = 1, WD_OK);
        else if (rc == WD_OK && st.unknown)
            *unknown = 1;
        for (size_t i = 0; rc == WD_OK && i < st.n; i++)
            rc = add_spec(sh, st.shards[i], strlen(st.shards[i]));
        xc_stub_clear(&st);
    }
    wd_free(path);
    return rc;
}

int wd_shards_parse(wd_shards **out, const char *path, wd_error *err)
{
    *out = NULL;
    int list = strchr(path, ',') != NULL;
    if (!list && strncmp(path, "tcp://", 6) != 0 && !xc_path_is_stub(path))
        return WD_OK; /* one database: Xapian opens it as it is */
    wd_shards *sh = wd_calloc(1, sizeof *sh);
    if (!sh)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    int rc = WD_OK, unknown = 0;
    for (const char *p = path; rc == WD_OK && *p;) {
        size_t n = strcspn(p, ",");
        if (n)
            rc = add_entry(sh, p, n, &unknown);
        p += n;
        if (*p == ',')
            p++;
    }
    if (rc == WD_OK && !unknown && sh->n == 0)
        rc = wd_error_set(err, WD_EINVAL, "search", "empty shard list '%s'", path);
    else if (rc == WD_ENOMEM)
        wd_error_set(err, rc, "search", "out of memory");
    if (rc == WD_OK && !unknown) {
        sh->dead = wd_calloc(sh->n, 1);
        sh->missing = wd_calloc(sh->n, sizeof *sh->missing);
        if (!sh->dead || !sh->missing)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    if (rc != WD_OK || unknown) {
        wd_shards_free(sh);
        return rc;
    }
    *out = sh;
    return WD_OK;
}

size_t wd_shards_missing(const wd_shards *sh, const char *const **out)
{
    size_t k = 0;
    for (size_t i = 0; sh && i < sh->n; i++)
        if (sh->dead[i])
            sh->missing[k++] = sh->spec[i];
    *out = sh ? sh->missing : NULL;
    return k;
}

/* Open the shards not marked dead into *db (replacing it on success). */
static int open_live(wd_shards *sh, xc_db **db, unsigned timeout, wd_error *err)
{
    const char **paths = wd_calloc(sh->n, sizeof *paths);
    if (!paths)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < sh->n; i++)
        if (!sh->dead[i])
            paths[k++] = sh->spec[i];
    xc_db *fresh = NULL;
    int rc = xc_db_open_shards(&fresh, paths, k, timeout, err);
    wd_free(paths);
    if (rc == WD_OK) {
        xc_db_close(*db);
        *db = fresh;
        sh->timeout = timeout;
        sh->stale = 0;
    }
    return rc;
}

/* ---- probing ----------------------------------------------------------------
 */

typedef struct probe {
    const char *spec;
    unsigned timeout;
    int rc;
    wd_error err;
    pthread_t thread;
    int started;
} probe;

static void *probe_run(void *arg)
{
    probe *p = arg;
    xc_db *db = NULL;
    wd_error_clear(&p->err);
    p->rc = xc_db_open_shards(&db, &p->spec, 1, p->timeout, &p->err);
    xc_db_close(db);
    return NULL;
}

/* Open each shard with want[i] alone, all at the same time; mark the ones
 * that fail dead (and the others alive). *why gets the first failure. */
static int probe_shards(wd_shards *sh, const unsigned char *want, unsigned timeout, wd_error *why)
{
    probe *p = wd_calloc(sh->n, sizeof *p);
    if (!p)
        return WD_ENOMEM;
    for (size_t i = 0; i < sh->n; i++) {
        if (!want[i])
            continue;
        p[i].spec = sh->spec[i];
        p[i].timeout = timeout;
        p[i].started = pthread_create(&p[i].thread, NULL, probe_run, &p[i]) == 0;
        if (!p[i].started)
            probe_run(&p[i]); /* no thread to be had: probe in line */
    }
    int first = 1;
    for (size_t i = 0; i < sh->n; i++) {
        if (!want[i])
            continue;
        if (p[i].started)
            pthread_join(p[i].thread, NULL);
        if (sh->dead[i] != (p[i].rc != WD_OK))
            sh->stale = 1;
        sh->dead[i] = p[i].rc != WD_OK;
        if (p[i].rc != WD_OK && first) {
            *why = p[i].err;
            first = 0;
        }
    }
    sh->n_dead = 0;
    for (size_t i = 0; i < sh->n; i++)
        sh->n_dead += sh->dead[i];
    wd_free(p);
    return WD_OK;
}

/* WD_ENETWORK naming the dead shards, with the first one's reason. */
static int dead_error(const wd_shards *sh, const wd_error *why, wd_error *err)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%zu of %zu shards %s not answering: ", sh->n_dead, sh->n,
                  sh->n_dead == 1 ? "is" : "are");
    const char *sep = "";
    for (size_t i = 0; i < sh->n; i++)
        if (sh->dead[i]) {
            wd_buf_printf(&b, "%s%s", sep, sh->spec[i]);
            sep = ", ";
        }
    wd_buf_printf(&b,
                  " (%s); restart the shard's server or take it out of the shard list, "
                  "or allow partial results (--allow-partial)",
                  why && why->message[0] ? why->message : "no answer");
    int rc = wd_error_set(err, WD_ENETWORK, "search:shards", "%s",
                          b.oom ? "shards not answering" : b.data);
    wd_buf_free(&b);
    return rc;
}

/* Find the shards that answer, then reopen over them or fail naming the
 * others. `want` limits the probe (NULL: every shard). */
static int settle(wd_shards *sh, xc_db **db, unsigned timeout, int allow_partial,
                  const unsigned char *want, const wd_error *cause, wd_error *err)
{
    unsigned char *all = NULL;
    if (!want) {
        all = wd_malloc(sh->n);
        if (!all)
            return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        memset(all, 1, sh->n);
        want = all;
    }
    wd_error why = sh->first_why;
    wd_error_clear(&sh->first_why);
    wd_error probed;
    wd_error_clear(&probed);
    int rc = probe_shards(sh, want, timeout, &probed);
    if (!why.message[0])
        why = probed;
    wd_free(all);
    if (rc != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    sh->last_try = now_ms();
    if (sh->n_dead == 0) {
        /* Every shard answers alone: the failure was passing. Try them together
     * once. */
        rc = open_live(sh, db, timeout, err);
        if (rc == WD_OK)
            sh->need_full = 0;
        else if (rc == WD_ENETWORK && cause)
            wd_error_set(err, rc, "search:shards", "%s", cause->message);
        return rc;
    }
    sh->need_full = 1;
    if (!allow_partial || sh->n_dead == sh->n)
        return dead_error(sh, &why, err);
    rc = open_live(sh, db, timeout, err);
    if (rc == WD_ENETWORK) /* another shard died meanwhile: one more round, then
                            give up */
        return dead_error(sh, &why, err);
    return rc;
}

int wd_shards_open(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial, wd_error *err)
{
    unsigned timeout = wd_shards_timeout(timeout_ms);
    memset(sh->dead, 0, sh->n);
    sh->n_dead = 0;
    sh->stale = 1;
    wd_error cause;
    wd_error_clear(&cause);
    int rc = open_live(sh, db, timeout, &cause);
    if (rc == WD_OK) {
        sh->need_full = 0;
        return WD_OK;
    }
    if (rc != WD_ENETWORK) {
        if (err)
            *err = cause;
        return rc;
    }
    /* The shards open in order and the shim's message starts with the one
   * that failed: it is dead, the ones before it answered, and only the
   * ones after it still need a probe (so a hung shard costs one timeout
   * here, not two). */
    unsigned char *want = wd_malloc(sh->n);
    if (!want)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    memset(want, 1, sh->n);
    for (size_t i = 0; i < sh->n; i++) {
        size_t len = strlen(sh->spec[i]);
        if (strncmp(cause.message, sh->spec[i], len) == 0 && cause.message[len] == ':' &&
            cause.message[len + 1] == ' ') {
            memset(want, 0, i + 1);
            sh->dead[i] = 1;
            sh->first_why = cause;
            break;
        }
    }
    rc = settle(sh, db, timeout, allow_partial, want, &cause, err);
    wd_free(want);
    return rc;
}

int wd_shards_prepare(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial,
                      wd_error *err)
{
    unsigned timeout = wd_shards_timeout(timeout_ms);
    if (timeout != sh->timeout)
        return wd_shards_open(sh, db, timeout, allow_partial, err);
    if (!sh->need_full)
        return WD_OK;
    if (sh->n_dead == 0) /* the open database broke, but no shard is known dead */
        return wd_shards_open(sh, db, timeout, allow_partial, err);
    if (allow_partial && *db && now_ms() - sh->last_try < RETRY_INTERVAL_MS)
        return WD_OK; /* keep searching the live shards for now */
    /* Try the missing shards; when they all answer, take the whole list again. */
    unsigned char *want = wd_malloc(sh->n);
    if (!want)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    memcpy(want, sh->dead, sh->n);
    wd_error why;
    wd_error_clear(&why);
    int rc = probe_shards(sh, want, timeout, &why);
    sh->last_try = now_ms();
    wd_free(want);
    if (rc != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (sh->n_dead == 0)
        return wd_shards_open(sh, db, timeout, allow_partial, err);
    if (!allow_partial || sh->n_dead == sh->n)
        return dead_error(sh, &why, err);
    if (!sh->stale && *db)
        return WD_OK; /* the open database already is the live shards */
    rc = open_live(sh, db, timeout, err);
    return rc == WD_ENETWORK ? dead_error(sh, &why, err) : rc;
}

int wd_shards_recover(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial,
                      const wd_error *cause, wd_error *err)
{
    return settle(sh, db, wd_shards_timeout(timeout_ms), allow_partial, NULL, cause, err);
}
