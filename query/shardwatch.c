/*
 * shardwatch.c - the shards known not to answer and the thread that watches
 * them (shardwatch.h).
 *
 * Every searcher of a service keeps its own Xapian database, so without a
 * shared memory each one would find out for itself that a shard hangs, each
 * paying a timeout, and would then keep trying it from its request thread.
 * Here the process remembers it once: one list of the shards that are down,
 * and one detached thread, started when the first shard goes down, that
 * every WD_SHARDWATCH_INTERVAL_MS starts a probe (a thread opening the shard
 * alone) for each shard that is down and not being probed; a probe that
 * opens its shard marks it up. The list lives as long as the process;
 * shards that come back keep their entry, marked up.
 */
#define _DEFAULT_SOURCE
#include "shardwatch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "xapian_c.h"

typedef struct entry {
    char *spec;
    unsigned timeout; /* probe with this (the last one asked for) */
    int down;
    int probing; /* a probe thread has it */
    wd_error why;
    struct entry *next;
} entry;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static entry *g_list;     /* under g_mu */
static int g_started;     /* under g_mu: the watcher runs */
static atomic_uint g_gen; /* moves on at every change of a `down` */

/* ---- the watcher -------------------------------------------------------------- */

static entry *find(const char *spec)
{
    for (entry *e = g_list; e; e = e->next)
        if (strcmp(e->spec, spec) == 0)
            return e;
    return NULL;
}

/* Open one shard that is down, alone; mark it up when it answers. Each
 * probe has its own thread, so a shard that answers is back at once even
 * while another one's probe waits out its timeout. */
static void *probe_run(void *arg)
{
    entry *e = arg; /* entries are never freed; e->spec never changes */
    pthread_mutex_lock(&g_mu);
    unsigned timeout = e->timeout;
    pthread_mutex_unlock(&g_mu);
    xc_db *db = NULL;
    int rc = xc_db_open_shards(&db, (const char *const *)&e->spec, 1, timeout, NULL);
    xc_db_close(db);
    pthread_mutex_lock(&g_mu);
    e->probing = 0;
    if (rc == WD_OK && e->down) {
        e->down = 0;
        wd_error_clear(&e->why);
        atomic_fetch_add(&g_gen, 1);
    }
    pthread_mutex_unlock(&g_mu);
    return NULL;
}

static int start_detached(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return 0;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int ok = pthread_create(&t, &attr, fn, arg) == 0;
    pthread_attr_destroy(&attr);
    return ok;
}

/* Every WD_SHARDWATCH_INTERVAL_MS (and at once when a shard goes down):
 * a probe for each shard that is down and not being probed already. */
static void *watcher(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_mu);
    for (;;) {
        int any = 0;
        for (entry *e = g_list; e; e = e->next) {
            any |= e->down;
            if (e->down && !e->probing) {
                e->probing = 1;
                if (!start_detached(probe_run, e))
                    e->probing = 0; /* no thread now: the next round */
            }
        }
        if (!any) {
            pthread_cond_wait(&g_cv, &g_mu);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WD_SHARDWATCH_INTERVAL_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&g_cv, &g_mu, &until);
    }
    return NULL;
}

/* ---- the list ---------------------------------------------------------------- */

void wd_shardwatch_down(const char *spec, unsigned timeout_ms, const wd_error *why)
{
    pthread_mutex_lock(&g_mu);
    if (!g_started)
        g_started = start_detached(watcher, NULL);
    entry *e = g_started ? find(spec) : NULL;
    if (g_started && !e && (e = wd_calloc(1, sizeof *e)) != NULL) {
        if ((e->spec = wd_strdup(spec)) != NULL) {
            e->next = g_list;
            g_list = e;
        } else {
            wd_free(e);
            e = NULL;
        }
    }
    if (e) {
        e->timeout = timeout_ms;
        if (!e->down) {
            e->down = 1;
            if (why)
                e->why = *why;
            else
                wd_error_clear(&e->why);
            atomic_fetch_add(&g_gen, 1);
            pthread_cond_signal(&g_cv);
        }
    }
    pthread_mutex_unlock(&g_mu);
}

int wd_shardwatch_is_down(const char *spec, wd_error *why)
{
    pthread_mutex_lock(&g_mu);
    const entry *e = find(spec);
    int down = e && e->down;
    if (down && why)
        *why = e->why;
    pthread_mutex_unlock(&g_mu);
    return down;
}

unsigned wd_shardwatch_generation(void)
{
    return atomic_load(&g_gen);
}
