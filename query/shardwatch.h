/*
 * shardwatch.h - private: the remote shards known not to answer, shared by
 * every searcher of the process, and the background thread that probes them
 * until they answer again.
 *
 * A searcher whose shard did not answer marks it down here. From then on
 * every searcher leaves it out (or, strictly, fails at once naming it)
 * without waiting for it, while the watcher thread opens it alone every
 * WD_SHARDWATCH_INTERVAL_MS. When it answers it is marked up and the
 * generation moves on, which tells the searchers to take the whole list
 * again. Searchers never wait for a probe: only the watcher does.
 *
 * Thread safety: every function may be called from any thread.
 */
#ifndef WENDA_QUERY_SHARDWATCH_H
#define WENDA_QUERY_SHARDWATCH_H

#include <stddef.h>

#include "wenda/error.h"

/* How often the watcher opens a shard that is down. */
#define WD_SHARDWATCH_INTERVAL_MS 500

/* Mark `spec` (a path or tcp://HOST:PORT, copied) down for the reason `why`
 * (may be NULL); the watcher probes it with `timeout_ms` (0 = the shim's
 * default) until it answers. Marking a shard already down keeps its first
 * reason. Starts the watcher on first use; when memory or a thread cannot be
 * had, nothing is remembered (searchers then find the shard out again). */
void wd_shardwatch_down(const char *spec, unsigned timeout_ms, const wd_error *why);

/* 1 when `spec` is down (then *why, when not NULL, gets the reason it went
 * down), else 0. */
int wd_shardwatch_is_down(const char *spec, wd_error *why);

/* Moves on whenever a shard goes down or comes back: a searcher that saw
 * this generation needs to look again only when it changed. */
unsigned wd_shardwatch_generation(void);

#endif
