/*
 * shards.h - private: a searcher's shard list and what to do when a shard
 * stops answering.
 *
 * A wd_shards remembers the shards of a list (comma-separated paths and
 * tcp://HOST:PORT remotes, or a Xapian stub file), which of them are left
 * out of the open database because they did not answer, and the remote
 * timeout the database was opened with. The functions below replace the
 * searcher's xc_db (*db) as needed; on failure *db is left as it was.
 *
 * Thread safety: one wd_shards per searcher, so one per thread.
 */
#ifndef WENDA_QUERY_SHARDS_H
#define WENDA_QUERY_SHARDS_H

#include <stddef.h>

#include "wenda/error.h"
#include "xapian_c.h"

typedef struct wd_shards wd_shards;

/* Read the shard list of `path`: a comma-separated list, a stub database
 * file, or a directory holding a stub (XAPIANDB) rather than a database.
 * *out is new; it is NULL (with WD_OK) when `path` is one plain index, or a
 * stub with lines the list cannot express (Xapian then opens it itself). */
int wd_shards_parse(wd_shards **out, const char *path, wd_error *err);
void wd_shards_free(wd_shards *sh);

/* The effective remote timeout: `requested`, else $WENDA_REMOTE_TIMEOUT_MS,
 * else 0 (the shim's default). */
unsigned wd_shards_timeout(unsigned requested);

/* Open the whole list into *db. When a shard does not answer: with
 * allow_partial, open the ones that do (WD_ENETWORK when none does);
 * without, WD_ENETWORK naming the dead shards. */
int wd_shards_open(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial,
                   wd_error *err);
/* Before a search: reopen when the timeout changed, and while shards are
 * missing try them again (strict: every time; allow_partial: at most once a
 * second), so a shard that comes back is used again. */
int wd_shards_prepare(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial,
                      wd_error *err);
/* After a search failed with WD_ENETWORK (`cause`): find the shards that
 * answer and reopen over them (allow_partial), or fail naming the others.
 * Returns WD_OK when the search should be run again. */
int wd_shards_recover(wd_shards *sh, xc_db **db, unsigned timeout_ms, int allow_partial,
                      const wd_error *cause, wd_error *err);

/* The shards left out of the open database (borrowed), in list order. */
size_t wd_shards_missing(const wd_shards *sh, const char *const **out);

#endif
