/*
 * view.h - private: the service's view of the index, kept fresh.
 *
 * One view_shared per server: the index path, the shared dictionary, and a
 * reloader thread that looks at the index on disk every reload_ms and, when
 * it changed (a commit bumps Xapian's version file; a re-built index swapped
 * into place changes the directory itself), builds the suggestion index for
 * the new revision and publishes it as a new generation.
 *
 * One view_worker per serving thread, found through a thread-local pointer:
 * its own wd_searcher and analyzer (over the dictionary in force, which the
 * reloader also keeps fresh). A worker reopens when the generation moved on, and a search that meets a database changing under it (modified,
 * or files rewritten by `wenda index --overwrite`) reopens and retries for a
 * few seconds instead of failing, keeping the last good reader meanwhile.
 */
#ifndef WENDA_SERVE_VIEW_H
#define WENDA_SERVE_VIEW_H

#include <stdatomic.h>
#include <stdint.h>

#include "suggest.h"
#include "wenda/coverage.h"
#include "wenda/search.h"

typedef struct view_shared view_shared;
typedef struct view_worker view_worker;
typedef struct view_dict view_dict;

/* The dictionary in force (reloaded when its folder changes), as a
 * reference held while it is used (view_dict_release it): the write API
 * analyses records with the dictionary the searches use. Any thread. */
view_dict *view_dict_acquire(view_shared *v);
const wd_dict *view_dict_get(const view_dict *vd);
void view_dict_release(view_dict *vd);

typedef struct view_snap {
    sg_index *suggest;
    uint32_t documents;
    unsigned generation;
    int watched;          /* the reloader sees every change of this index (one local database; not a
                    shard list or a sharded index, whose shards change unseen) */
    wd_index_about about; /* title, description and examples (wd_searcher_about); empty
                             when they could not be read */
    wd_sounds *sounds;    /* the questions' sounds, made on the first pinyin question of any
                             worker of this generation and shared by all of them */
    atomic_int refs;
} view_snap;

/* Load the index once (a missing index is not an error: the view stays
 * empty until one appears) and start the reloader. dict (borrowed) is the
 * dictionary to start with; with dict_dir (not NULL), the folder it came
 * from, whose files the reloader watches too: a change loads the
 * dictionary anew and publishes a new generation (a folder that does not
 * exist yet means the built-in dictionary until it appears). *out is new. */
int view_shared_new(view_shared **out, const char *path, const wd_dict *dict, const char *dict_dir,
                    unsigned reload_ms, wd_error *err);
/* Stop the reloader and free every worker. Call after the HTTP daemon has
 * stopped (no thread may use a worker any more). */
void view_shared_free(view_shared *v);

/* The current snapshot (new reference; view_release it), or NULL while there
 * is no index. Any thread. */
view_snap *view_acquire(view_shared *v);
void view_release(view_snap *s);
/* The index was written by this process (the write API): have the
 * reloader load it now, even where it cannot see the change (a sharded
 * index), and wait until it has. Returns the generation served after. */
unsigned view_reload_now(view_shared *v);
/* Seconds since the epoch of the last successful (re)load; 0 = never. */
double view_last_reload(view_shared *v);
uint64_t view_reloads(view_shared *v);
uint64_t view_reload_failures(view_shared *v);
/* The workers' record caches summed (wd_searcher_record_cache_stats): hits
 * and misses since the service started, what they hold now. */
void view_record_cache_stats(view_shared *v, wd_record_cache_stats *out);
/* Why the index on disk could not be loaded, the last time it was tried
 * (at start or by the reloader): 1 and the message in out, or 0 when the
 * last load succeeded or there is no index to load. */
int view_load_error(view_shared *v, char *out, size_t cap);
const char *view_path(const view_shared *v);

/* The calling thread's worker (created on first use; NULL when out of
 * memory). Borrowed; freed by view_shared_free. */
view_worker *view_worker_get(view_shared *v);
wd_analyzer *view_worker_analyzer(view_worker *w);
/* wd_search with reopen-and-retry. WD_ENOTFOUND when there is no index. */
int view_search(view_worker *w, const char *q, size_t len, const wd_search_opts *o,
                wd_results **out, wd_error *err);
/* Judge by cal (copied) rather than by the calibration each index folder
 * has (--calibration FILE). Call before serving. */
void view_set_calibration(view_shared *v, const wd_calibration *cal);
/* The calibration the worker's searcher judges by (opening it if needed,
 * with o's timeout and allow_partial, as the searches after it will). */
int view_calibration(view_worker *w, const wd_search_opts *o, wd_calibration *out, wd_error *err);

/* wd_coverage_check the same way, through the worker's searcher (which
 * scores with the statistics of the index revision it sees, over a shard
 * list too). *out as wd_coverage_check's. */
/* The whole record with this id (wd_searcher_get): WD_ENOTFOUND when the
 * index holds none. *out is new (wd_hit_free, then wd_free). */
int view_get(view_worker *w, const char *id, const wd_search_opts *o, wd_hit **out, wd_error *err);
int view_coverage(view_worker *w, const char *q, size_t len, const wd_coverage_opts *o,
                  wd_coverage *out, wd_error *err);

#endif
