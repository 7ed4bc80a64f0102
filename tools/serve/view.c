/*
 * view.c - keeping the service's readers in step with the index on disk
 * (see view.h). The reloader compares a cheap signature of the index (the
 * directory's identity and Xapian's version file) every reload_ms; building
 * the suggestion index for a new revision happens on the reloader thread, so
 * requests never wait for it.
 *
 * The same loop watches the dictionary folder (the files a wd_dict is
 * loaded from): when one of them changed (`wenda dict synonym add`, `dict
 * add`, an edit), the dictionary is loaded anew and published with a new
 * generation, so workers reopen with it and the answer cache is emptied.
 * A dictionary is shared by reference: the searchers and analyzers made
 * over one keep it alive until they are replaced.
 */
#define _DEFAULT_SOURCE
#include "view.h"
#include "xapian_c.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wenda/buf.h"

#define RETRY_DEADLINE_MS 5000.0

/* A dictionary shared by the view, its workers' searchers and analyzers and
 * the write API's writers; freed (when it was loaded by the view) with its
 * last reference. */
struct view_dict {
    atomic_int refs;
    const wd_dict *d;
    wd_dict *owned;
};

/* The files of a dictionary folder wd_dict_load reads. */
static const char *const DICT_FILES[] = { "lexicon.txt", "stopwords.txt", "synonyms.txt",
                                          "user.txt", WD_DICT_ASSOC_REMOVED };
#define NDICT_FILES (sizeof DICT_FILES / sizeof *DICT_FILES)

typedef struct dsig {
    int dir;
    struct {
        ino_t ino;
        long long mtime_ns, size;
    } f[NDICT_FILES];
} dsig;

typedef struct sig {
    int exists;
    dev_t dev;
    ino_t ino;
    ino_t vino;
    long long vmtime_ns;
    long long vsize;
    long long mtime_ns;
} sig;

struct view_worker {
    view_shared *owner;
    wd_searcher *s;
    wd_analyzer *an;
    view_dict *dict; /* what s and an were made over */
    unsigned gen;    /* generation s was opened at */
    view_worker *next;
    /* Its record caches' figures: of the searchers it closed (its thread
     * only), and all told as of its last request (read by /metrics). */
    uint64_t closed_hits, closed_misses;
    atomic_ullong hits, misses;
    atomic_size_t records, bytes;
};

struct view_shared {
    char *path;
    view_dict *dict; /* the dictionary in force (guarded by mu) */
    char *dict_dir;  /* the folder it is reloaded from when its files change; NULL: never */
    dsig dlast;
    char dict_err[WD_ERROR_MESSAGE_MAX];
    unsigned reload_ms;
    pthread_mutex_t mu; /* guards snap, workers, stop, last_err, poke, passes */
    pthread_cond_t cv;
    pthread_cond_t passed;  /* a look at the index ended (view_reload_now waits on it) */
    int poke;               /* look now, and load even when the index looks the same */
    uint64_t started, done; /* the reloader's looks at the index */
    pthread_t reloader;
    int reloader_started;
    int stop;
    view_snap *snap;
    atomic_uint gen;
    _Atomic double last_reload;
    atomic_ullong reloads, failures;
    view_worker *workers;
    wd_analyzer *an; /* the reloader's */
    sig last;
    char last_err[WD_ERROR_MESSAGE_MAX];
    int has_cal; /* judge by cal (--calibration FILE) rather than the index's */
    wd_calibration cal;
};

static _Thread_local view_worker *tl_worker;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static sig signature(const char *path)
{
    sig g;
    memset(&g, 0, sizeof g);
    if (strchr(path, ',') || strncmp(path, "tcp://", 6) == 0) {
        g.exists = 1; /* a shard list: loaded once; its searchers reopen on their own */
        return g;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return g;
    g.exists = 1;
    g.dev = st.st_dev;
    g.ino = st.st_ino;
    g.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    xc_db_stamp stamp;
    if (S_ISDIR(st.st_mode) && xc_db_file_stamp(path, &stamp)) {
        g.vino = stamp.ino;
        g.vmtime_ns = stamp.mtime_ns;
        g.vsize = stamp.size;
    }
    return g;
}

static dsig dict_signature(const char *dir)
{
    dsig g;
    memset(&g, 0, sizeof g);
    struct stat st;
    g.dir = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    for (size_t i = 0; g.dir && i < NDICT_FILES; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, DICT_FILES[i]);
        if (stat(path, &st) != 0)
            continue;
        g.f[i].ino = st.st_ino;
        g.f[i].mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        g.f[i].size = (long long)st.st_size;
    }
    return g;
}

static view_dict *vdict_new(const wd_dict *d, wd_dict *owned)
{
    view_dict *vd = wd_calloc(1, sizeof *vd);
    if (!vd)
        return NULL;
    atomic_init(&vd->refs, 1);
    vd->d = d;
    vd->owned = owned;
    return vd;
}

void view_dict_release(view_dict *vd)
{
    if (vd && atomic_fetch_sub(&vd->refs, 1) == 1) {
        wd_dict_free(vd->owned);
        wd_free(vd);
    }
}

const wd_dict *view_dict_get(const view_dict *vd)
{
    return vd->d;
}

view_dict *view_dict_acquire(view_shared *v)
{
    pthread_mutex_lock(&v->mu);
    view_dict *vd = v->dict;
    atomic_fetch_add(&vd->refs, 1);
    pthread_mutex_unlock(&v->mu);
    return vd;
}

/* Load the dictionary folder anew and put it in force (the reloader's
 * analyzer too). The last one stays when it cannot be loaded. */
static int reload_dict(view_shared *v, wd_error *err)
{
    struct stat st;
    int have = stat(v->dict_dir, &st) == 0 && S_ISDIR(st.st_mode);
    wd_dict *d = NULL;
    wd_analyzer *an = NULL;
    int rc = wd_dict_load(&d, have ? v->dict_dir : NULL, err);
    if (rc == WD_OK)
        rc = wd_analyzer_new(&an, d, err);
    view_dict *vd = rc == WD_OK ? vdict_new(d, d) : NULL;
    if (rc == WD_OK && !vd)
        rc = wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    if (rc != WD_OK) {
        wd_analyzer_free(an);
        wd_dict_free(d);
        return rc;
    }
    pthread_mutex_lock(&v->mu);
    view_dict *old = v->dict;
    v->dict = vd;
    pthread_mutex_unlock(&v->mu);
    view_dict_release(old);
    wd_analyzer_free(v->an);
    v->an = an;
    return WD_OK;
}

static int sig_equal(const sig *a, const sig *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->vino == b->vino &&
           a->vmtime_ns == b->vmtime_ns && a->vsize == b->vsize && a->mtime_ns == b->mtime_ns;
}

void view_release(view_snap *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
        sg_index_free(s->suggest);
        wd_sounds_release(s->sounds);
        wd_index_about_clear(&s->about);
        wd_free(s);
    }
}

view_snap *view_acquire(view_shared *v)
{
    pthread_mutex_lock(&v->mu);
    view_snap *s = v->snap;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&v->mu);
    return s;
}

/* Build and publish a snapshot of the index as it is now. */
static int load(view_shared *v, const sig *now, wd_error *err)
{
    view_snap *s = wd_calloc(1, sizeof *s);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    /* One searcher of the reloader's reads the revision for the suggestions
     * and what the page shows about the base. */
    wd_searcher *ws = NULL;
    view_dict *vd = view_dict_acquire(v);
    int rc = wd_sounds_new(&s->sounds, err);
    if (rc == WD_OK)
        rc = wd_searcher_open(&ws, v->path, vd->d, err);
    if (rc == WD_OK)
        rc = sg_index_build(&s->suggest, ws, v->an, &s->documents, err);
    /* the about: not worth failing a load for */
    if (rc == WD_OK && wd_searcher_about(ws, &s->about, NULL) != WD_OK)
        memset(&s->about, 0, sizeof s->about);
    wd_searcher_close(ws);
    view_dict_release(vd);
    if (rc != WD_OK) {
        wd_sounds_release(s->sounds);
        wd_free(s);
        return rc;
    }
    atomic_init(&s->refs, 1);
    s->watched = now->vino != 0; /* one database, whose commits its stamp shows */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    pthread_mutex_lock(&v->mu);
    view_snap *old = v->snap;
    s->generation = atomic_load(&v->gen) + 1;
    v->snap = s;
    atomic_store(&v->gen, s->generation);
    pthread_mutex_unlock(&v->mu);
    view_release(old);
    atomic_store(&v->last_reload, ts.tv_sec + ts.tv_nsec / 1e9);
    atomic_fetch_add(&v->reloads, 1);
    return WD_OK;
}

static void *reloader(void *arg)
{
    view_shared *v = arg;
    pthread_mutex_lock(&v->mu);
    while (!v->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)(v->reload_ms % 1000) * 1000000L;
        until.tv_sec += v->reload_ms / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        if (!v->poke)
            pthread_cond_timedwait(&v->cv, &v->mu, &until);
        if (v->stop)
            break;
        int forced = v->poke;
        v->poke = 0;
        uint64_t pass = ++v->started;
        pthread_mutex_unlock(&v->mu);
        int dict_changed = 0;
        if (v->dict_dir) {
            dsig dn = dict_signature(v->dict_dir);
            if (memcmp(&dn, &v->dlast, sizeof dn) != 0) {
                wd_error derr;
                wd_error_clear(&derr);
                v->dlast = dn; /* a bad file is tried again when it changes again */
                if (reload_dict(v, &derr) == WD_OK) {
                    dict_changed = 1;
                    v->dict_err[0] = '\0';
                    fprintf(stderr, "wenda: serve: dictionary %s reloaded (version %s)\n",
                            v->dict_dir, wd_dict_version(v->dict->d));
                } else if (strcmp(derr.message, v->dict_err) != 0) {
                    atomic_fetch_add(&v->failures, 1);
                    fprintf(stderr,
                            "wenda: serve: reloading the dictionary %s: %s; still using the "
                            "last one\n",
                            v->dict_dir, derr.message);
                    snprintf(v->dict_err, sizeof v->dict_err, "%s", derr.message);
                }
            }
        }
        sig now = signature(v->path);
        if ((dict_changed || forced || !sig_equal(&now, &v->last)) && now.exists) {
            wd_error err;
            wd_error_clear(&err);
            if (load(v, &now, &err) == WD_OK) {
                v->last = now;
                pthread_mutex_lock(&v->mu);
                v->last_err[0] = '\0';
                pthread_mutex_unlock(&v->mu);
            } else {
                atomic_fetch_add(&v->failures, 1);
                /* Mid-rewrite states come and go; say so once per distinct problem. */
                if (strcmp(err.message, v->last_err) != 0) {
                    fprintf(stderr,
                            "wenda: serve: reloading %s: %s; still serving the last "
                            "good view, will retry\n",
                            v->path, err.message);
                    pthread_mutex_lock(&v->mu);
                    snprintf(v->last_err, sizeof v->last_err, "%s", err.message);
                    pthread_mutex_unlock(&v->mu);
                }
            }
        }
        pthread_mutex_lock(&v->mu);
        v->done = pass;
        pthread_cond_broadcast(&v->passed);
    }
    v->done = UINT64_MAX; /* stopped: nobody waits any more */
    pthread_cond_broadcast(&v->passed);
    pthread_mutex_unlock(&v->mu);
    return NULL;
}

int view_shared_new(view_shared **out, const char *path, const wd_dict *dict, const char *dict_dir,
                    unsigned reload_ms, wd_error *err)
{
    *out = NULL;
    view_shared *v = wd_calloc(1, sizeof *v);
    if (!v)
        return wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    v->path = wd_strdup(path);
    v->dict = vdict_new(dict, NULL);
    if (dict_dir) {
        v->dict_dir = wd_strdup(dict_dir);
        if (v->dict_dir)
            v->dlast = dict_signature(dict_dir);
    }
    v->reload_ms = reload_ms ? reload_ms : 500;
    pthread_mutex_init(&v->mu, NULL);
    pthread_cond_init(&v->cv, NULL);
    pthread_cond_init(&v->passed, NULL);
    atomic_init(&v->gen, 0);
    atomic_init(&v->last_reload, 0.0);
    atomic_init(&v->reloads, 0);
    atomic_init(&v->failures, 0);
    int rc = v->path && v->dict && (v->dict_dir || !dict_dir)
                 ? wd_analyzer_new(&v->an, dict, err)
                 : wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    if (rc == WD_OK) {
        sig now = signature(path);
        wd_error lerr;
        wd_error_clear(&lerr);
        if (now.exists && load(v, &now, &lerr) == WD_OK)
            v->last = now;
        else if (now.exists) {
            fprintf(stderr, "wenda: serve: %s: %s; answering 503 until it can be read\n", path,
                    lerr.message);
            snprintf(v->last_err, sizeof v->last_err, "%s", lerr.message);
        }
        if (pthread_create(&v->reloader, NULL, reloader, v) != 0)
            rc = wd_error_set(err, WD_EINTERNAL, "serve", "cannot start the reloader thread");
        else
            v->reloader_started = 1;
    }
    if (rc != WD_OK) {
        view_shared_free(v);
        return rc;
    }
    *out = v;
    return WD_OK;
}

void view_shared_free(view_shared *v)
{
    if (!v)
        return;
    if (v->reloader_started) {
        pthread_mutex_lock(&v->mu);
        v->stop = 1;
        pthread_cond_signal(&v->cv);
        pthread_mutex_unlock(&v->mu);
        pthread_join(v->reloader, NULL);
    }
    for (view_worker *w = v->workers, *next; w; w = next) {
        next = w->next;
        wd_searcher_close(w->s);
        wd_analyzer_free(w->an);
        view_dict_release(w->dict);
        wd_free(w);
    }
    view_release(v->snap);
    wd_analyzer_free(v->an);
    view_dict_release(v->dict);
    wd_free(v->dict_dir);
    pthread_cond_destroy(&v->cv);
    pthread_cond_destroy(&v->passed);
    pthread_mutex_destroy(&v->mu);
    wd_free(v->path);
    wd_free(v);
}

unsigned view_reload_now(view_shared *v)
{
    pthread_mutex_lock(&v->mu);
    /* The next look starts after this call: it sees what was written before. */
    uint64_t want = v->started + 1;
    v->poke = 1;
    pthread_cond_signal(&v->cv);
    while (v->reloader_started && v->done < want)
        pthread_cond_wait(&v->passed, &v->mu);
    pthread_mutex_unlock(&v->mu);
    return atomic_load(&v->gen);
}

double view_last_reload(view_shared *v)
{
    return atomic_load(&v->last_reload);
}
uint64_t view_reloads(view_shared *v)
{
    return atomic_load(&v->reloads);
}
uint64_t view_reload_failures(view_shared *v)
{
    return atomic_load(&v->failures);
}
const char *view_path(const view_shared *v)
{
    return v->path;
}

int view_load_error(view_shared *v, char *out, size_t cap)
{
    pthread_mutex_lock(&v->mu);
    int have = v->last_err[0] != '\0';
    snprintf(out, cap, "%s", v->last_err);
    pthread_mutex_unlock(&v->mu);
    return have;
}

view_worker *view_worker_get(view_shared *v)
{
    if (tl_worker && tl_worker->owner == v)
        return tl_worker;
    view_worker *w = wd_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->owner = v;
    atomic_init(&w->hits, 0);
    atomic_init(&w->misses, 0);
    atomic_init(&w->records, 0);
    atomic_init(&w->bytes, 0);
    w->dict = view_dict_acquire(v);
    if (wd_analyzer_new(&w->an, w->dict->d, NULL) != WD_OK) {
        view_dict_release(w->dict);
        wd_free(w);
        return NULL;
    }
    pthread_mutex_lock(&v->mu);
    w->next = v->workers;
    v->workers = w;
    pthread_mutex_unlock(&v->mu);
    tl_worker = w;
    return w;
}

wd_analyzer *view_worker_analyzer(view_worker *w)
{
    return w->an;
}

/* Open a fresh reader (and analyzer, when the dictionary in force is
 * another); keep the old ones unless the new ones opened. */
static int refresh(view_worker *w, unsigned gen, const wd_search_opts *o, wd_error *err)
{
    wd_searcher *s = NULL;
    wd_analyzer *an = NULL;
    view_dict *vd = view_dict_acquire(w->owner);
    int rc = vd == w->dict ? WD_OK : wd_analyzer_new(&an, vd->d, err);
    if (rc == WD_OK)
        rc = wd_searcher_open_with(&s, w->owner->path, vd->d, o, err);
    if (rc != WD_OK) {
        wd_analyzer_free(an);
        view_dict_release(vd);
        return rc;
    }
    if (w->owner->has_cal)
        wd_searcher_set_calibration(s, &w->owner->cal);
    /* The generation's one table of the questions' sounds, shared by every
     * worker (each would otherwise make its own on its first pinyin
     * question). */
    view_snap *snap = view_acquire(w->owner);
    if (snap && snap->generation == gen)
        wd_searcher_share_sounds(s, snap->sounds);
    view_release(snap);
    if (w->s) {
        wd_record_cache_stats st;
        wd_searcher_record_cache_stats(w->s, &st);
        w->closed_hits += st.hits;
        w->closed_misses += st.misses;
    }
    wd_searcher_close(w->s);
    w->s = s;
    w->gen = gen;
    if (an) {
        wd_analyzer_free(w->an);
        w->an = an;
        view_dict_release(w->dict);
        w->dict = vd;
    } else {
        view_dict_release(vd);
    }
    return WD_OK;
}

static int retryable(int rc)
{
    return rc == WD_EMODIFIED || rc == WD_ECORRUPT || rc == WD_EIO || rc == WD_ENOTFOUND ||
           rc == WD_ERROR;
}

/* The worker's record cache figures as of now, for /metrics. */
static void publish_cache(view_worker *w)
{
    wd_record_cache_stats st = { 0, 0, 0, 0 };
    if (w->s)
        wd_searcher_record_cache_stats(w->s, &st);
    atomic_store(&w->hits, (unsigned long long)(w->closed_hits + st.hits));
    atomic_store(&w->misses, (unsigned long long)(w->closed_misses + st.misses));
    atomic_store(&w->records, st.records);
    atomic_store(&w->bytes, st.bytes);
}

void view_record_cache_stats(view_shared *v, wd_record_cache_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&v->mu);
    for (const view_worker *w = v->workers; w; w = w->next) {
        out->hits += atomic_load(&w->hits);
        out->misses += atomic_load(&w->misses);
        out->records += atomic_load(&w->records);
        out->bytes += atomic_load(&w->bytes);
    }
    pthread_mutex_unlock(&v->mu);
}

/* Run op on the worker's reader, reopening and retrying as view_search says. */
typedef int (*reader_op)(view_worker *w, void *ctx, wd_error *err);

static int with_reader(view_worker *w, const wd_search_opts *o, reader_op op, void *ctx,
                       wd_error *err)
{
    double t0 = now_ms();
    for (unsigned attempt = 0;; attempt++) {
        unsigned gen = atomic_load(&w->owner->gen);
        if (gen == 0 && !w->s) {
            /* Something is there that would not load (damage, a file):
             * the searcher's error says what. */
            if (signature(w->owner->path).exists && refresh(w, gen, o, err) != WD_OK)
                return err->code;
            if (!w->s)
                return wd_error_set(err, WD_ENOTFOUND, "serve",
                                    "no index at %s yet; build one with: wenda index --index %s "
                                    "FILES...",
                                    w->owner->path, w->owner->path);
        }
        if (!w->s || w->gen != gen) {
            int rc = refresh(w, gen, o, err);
            if (rc != WD_OK && !w->s) {
                if (!retryable(rc) || now_ms() - t0 > RETRY_DEADLINE_MS)
                    return rc;
                sleep_ms(attempt < 5 ? 2 : 20);
                continue;
            }
        }
        int rc = op(w, ctx, err);
        publish_cache(w);
        if (rc == WD_OK || !retryable(rc) || now_ms() - t0 > RETRY_DEADLINE_MS)
            return rc;
        /* The database moved under the reader: a reopen is enough for a
         * commit; a rewritten index needs a fresh open. */
        if (rc != WD_EMODIFIED || wd_searcher_reopen(w->s, NULL) != WD_OK)
            if (refresh(w, gen, o, NULL) != WD_OK)
                sleep_ms(attempt < 5 ? 2 : 20);
    }
}

typedef struct search_ctx {
    const char *q;
    size_t len;
    const wd_search_opts *o;
    wd_results **out;
} search_ctx;

static int search_op(view_worker *w, void *vctx, wd_error *err)
{
    search_ctx *c = vctx;
    return wd_search(w->s, c->q, c->len, c->o, c->out, err);
}

int view_search(view_worker *w, const char *q, size_t len, const wd_search_opts *o,
                wd_results **out, wd_error *err)
{
    *out = NULL;
    search_ctx c = { q, len, o, out };
    return with_reader(w, o, search_op, &c, err);
}

typedef struct get_ctx {
    const char *id;
    wd_hit **out;
} get_ctx;

static int get_op(view_worker *w, void *vctx, wd_error *err)
{
    get_ctx *c = vctx;
    if (*c->out) {
        wd_hit_free(*c->out);
        wd_free(*c->out);
        *c->out = NULL;
    }
    return wd_searcher_get(w->s, c->id, c->out, err);
}

int view_get(view_worker *w, const char *id, const wd_search_opts *o, wd_hit **out, wd_error *err)
{
    *out = NULL;
    get_ctx c = { id, out };
    return with_reader(w, o, get_op, &c, err);
}

typedef struct coverage_ctx {
    const char *q;
    size_t len;
    const wd_coverage_opts *o;
    wd_coverage *out;
} coverage_ctx;

static int coverage_op(view_worker *w, void *vctx, wd_error *err)
{
    coverage_ctx *c = vctx;
    wd_coverage_clear(c->out);
    return wd_coverage_check(w->s, c->q, c->len, c->o, c->out, err);
}

void view_set_calibration(view_shared *v, const wd_calibration *cal)
{
    v->cal = *cal;
    v->has_cal = 1;
}

static int calibration_op(view_worker *w, void *vctx, wd_error *err)
{
    (void)err;
    *(wd_calibration *)vctx = *wd_searcher_calibration(w->s);
    return WD_OK;
}

int view_calibration(view_worker *w, const wd_search_opts *o, wd_calibration *out, wd_error *err)
{
    wd_calibration_builtin(out);
    return with_reader(w, o, calibration_op, out, err);
}

int view_coverage(view_worker *w, const char *q, size_t len, const wd_coverage_opts *o,
                  wd_coverage *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    coverage_ctx c = { q, len, o, out };
    return with_reader(w, o ? o->search : NULL, coverage_op, &c, err);
}
