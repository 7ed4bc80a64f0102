/*
 * shards.c - a searcher's shard list: parsing it (comma lists and Xapian
 * stub files), opening it with a remote timeout, and coping with shards that
 * stop answering.
 *
 * Xapian combines the shards of one database, so a remote shard that hangs
 * makes a search over the database fail, after the remote timeout, with a
 * NetworkError whose context names the shard (an open names it too). That
 * shard is marked down in the process's shard watch (shardwatch.h; a
 * connection that broke at once, as when a shard's server restarts, is
 * opened afresh instead: that costs no wait), and from
 * then on every searcher leaves it out when the caller allows partial
 * results, or fails at once naming it, until the watch's own thread sees it
 * answer again; a searcher never probes a shard from its caller's thread. So
 * a shard that stops answering costs the requests that meet it one timeout,
 * and the requests after them none. Only a failure that names no shard (it
 * should not happen) makes every remote of the list suspect at once: they
 * are marked down and the watch brings back, within a round, those that
 * answer. Stub files are read by the shim's reader (xc_stub_read) rather
 * than by Xapian's, so that their remote shards get our timeout (Xapian's
 * stub reader uses its own 10 s default) and can be named; a stub with lines
 * the list cannot express (a `remote :PROGRAM`, `inmemory`) is left to
 * Xapian as a whole.
 */
#define _DEFAULT_SOURCE
#include "shards.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shardwatch.h"
#include "wenda/buf.h"

struct wd_shards {
    char **spec; /* paths and tcp://HOST:PORT remotes, in list order */
    size_t n, cap;
    unsigned char *dead; /* 1: left out of the open database */
    size_t n_dead;
    const char **missing; /* the dead specs, for wd_shards_missing */
    unsigned timeout;     /* the open database's (effective) timeout */
    int need_full;        /* the open database is not the whole, healthy list */
    int stale;            /* the open database does not match `dead` */
    wd_error why;         /* why the first dead shard is dead */
    unsigned seen;        /* the shard watch's generation `dead` was read at */
};

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

/* ---- which shards are dead ------------------------------------------------------
 */

static void count_dead(wd_shards *sh)
{
    sh->n_dead = 0;
    for (size_t i = 0; i < sh->n; i++)
        sh->n_dead += sh->dead[i];
}

/* Take the shard watch's word on every shard of the list. */
static void sync_dead(wd_shards *sh)
{
    sh->seen = wd_shardwatch_generation();
    int first = 1;
    wd_error_clear(&sh->why);
    for (size_t i = 0; i < sh->n; i++) {
        wd_error why;
        int down = wd_shardwatch_is_down(sh->spec[i], &why);
        if (down && first) {
            sh->why = why;
            first = 0;
        }
        if (sh->dead[i] != down)
            sh->stale = 1;
        sh->dead[i] = (unsigned char)down;
    }
    count_dead(sh);
}

/* Mark shard i down, for this list and for every other searcher. */
static void mark_dead(wd_shards *sh, size_t i, unsigned timeout, const wd_error *why)
{
    if (!sh->dead[i]) {
        sh->dead[i] = 1;
        sh->stale = 1;
        if (sh->n_dead++ == 0)
            sh->why = *why;
    }
    wd_shardwatch_down(sh->spec[i], timeout, why);
}

/* The shard a network failure names: its open ("SPEC: ...") or the remote
 * connection's context ("remote:tcp(HOST:PORT)"). -1 when none does. */
static long culprit(const wd_shards *sh, const char *msg)
{
    for (size_t i = 0; i < sh->n; i++) {
        size_t len = strlen(sh->spec[i]);
        if (strncmp(msg, sh->spec[i], len) == 0 && msg[len] == ':' && msg[len + 1] == ' ')
            return (long)i;
    }
    for (const char *p = strstr(msg, "remote:tcp("); p; p = strstr(p + 1, "remote:tcp(")) {
        const char *hp = p + strlen("remote:tcp(");
        size_t hlen = strcspn(hp, ")");
        for (size_t i = 0; i < sh->n; i++) {
            const char *s = sh->spec[i];
            if (strncmp(s, "tcp://", 6) == 0 && strlen(s + 6) == hlen &&
                memcmp(s + 6, hp, hlen) == 0)
                return (long)i;
        }
    }
    return -1;
}

/* After a network failure: mark the shard it names down; when it names
 * none, every remote shard of the list (the watch brings back within a
 * round those that answer). */
static void blame(wd_shards *sh, unsigned timeout, const wd_error *cause)
{
    long i = culprit(sh, cause->message);
    if (i >= 0) {
        mark_dead(sh, (size_t)i, timeout, cause);
        return;
    }
    for (size_t k = 0; k < sh->n; k++)
        if (strncmp(sh->spec[k], "tcp://", 6) == 0)
            mark_dead(sh, k, timeout, cause);
}

/* WD_ENETWORK naming the dead shards, with the first one's reason. */
static int dead_error(const wd_shards *sh, wd_error *err)
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
                  sh->why.message[0] ? sh->why.message : "no answer");
    int rc = wd_error_set(err, WD_ENETWORK, "search:shards", "%s",
                          b.oom ? "shards not answering" : b.data);
    wd_buf_free(&b);
    return rc;
}

/* Open the shards not known dead; a shard that does not answer is marked
 * dead and, with allow_partial, the rest opened once more. */
static int open_known(wd_shards *sh, xc_db **db, unsigned timeout, int allow_partial, wd_error *err)
{
    for (int round = 0;; round++) {
        sh->need_full = sh->n_dead > 0;
        if (sh->n_dead && (!allow_partial || sh->n_dead == sh->n))
            return dead_error(sh, err);
        wd_error cause;
        wd_error_clear(&cause);
        int rc = open_live(sh, db, timeout, &cause);
        if (rc == WD_OK)
            return WD_OK;
        if (rc != WD_ENETWORK) {
            if (err)
                *err = cause;
            return rc;
        }
        blame(sh, timeout, &cause);
        if (round > 0) /* a second shard hung meanwhile: no third wait */
            return dead_error(sh, err);
    }
}

int wd_shards_open(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial, wd_error *err)
{
    unsigned timeout = wd_shards_timeout(timeout_ms);
    sh->stale = 1;
    sync_dead(sh);
    return open_known(sh, db, timeout, allow_partial, err);
}

int wd_shards_prepare(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial,
                      wd_error *err)
{
    unsigned timeout = wd_shards_timeout(timeout_ms);
    if (timeout != sh->timeout)
        return wd_shards_open(sh, db, timeout, allow_partial, err);
    if (wd_shardwatch_generation() != sh->seen)
        sync_dead(sh); /* a shard went down or came back */
    if (!sh->stale && !sh->need_full && *db)
        return WD_OK;
    if (!sh->stale && *db && sh->n_dead && allow_partial && sh->n_dead < sh->n)
        return WD_OK; /* the open database already is the live shards */
    return open_known(sh, db, timeout, allow_partial, err);
}

/* A failure that waited out the remote timeout (rather than a connection
 * that broke at once, refused or reset, which a fresh open settles fast). */
static int timed_out(const wd_error *cause)
{
    return strstr(cause->origin, "Timeout") || strstr(cause->message, "Timeout expired");
}

int wd_shards_recover(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial,
                      const wd_error *cause, wd_error *err)
{
    unsigned timeout = wd_shards_timeout(timeout_ms);
    sync_dead(sh);
    if (timed_out(cause))
        blame(sh, timeout, cause); /* another try would wait as long again */
    else
        sh->stale = 1; /* reopen: a server that restarted answers a fresh connection */
    return open_known(sh, db, timeout, allow_partial, err);
}
