/*
 * records.c - walking every record stored in an index, for callers that
 * build their own in-memory structures over the knowledge base (the
 * service's as-you-type suggestions): through a read-only view of its own,
 * which never disturbs a searcher another thread is using, or through a
 * searcher the caller holds. Either walks documents in docid order, decoding the stored JSON the indexer wrote. A walk that
 * meets a concurrent commit ("database modified") starts again on the new
 * revision, a few times, before giving up with WD_EMODIFIED.
 */
#include <string.h>

#include "searcher.h"
#include "shards.h"
#include "wenda/record.h"
#include "wenda/search.h"
#include "xapian_c.h"

#define WALK_ATTEMPTS 4

typedef struct walk {
    wd_record_fn fn;
    void *ctx;
    uint32_t count;
} walk;

static int visit(xc_db *db, xc_docid did, walk *w, wd_error *err)
{
    xc_doc *doc = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc = xc_db_get_document(db, did, &doc, err);
    if (rc == WD_ENOTFOUND) {
        wd_error_clear(err);
        return WD_OK; /* a deleted record leaves a gap */
    }
    if (rc == WD_OK)
        rc = xc_doc_get_data(doc, &data, &len, err);
    xc_doc_free(doc);
    if (rc != WD_OK)
        return rc;
    wd_record rec;
    char *mem = NULL;
    wd_error derr;
    rc = wd_record_decode(data, len, &rec, &mem, &derr);
    wd_free(data);
    if (rc == WD_ENOMEM)
        return wd_error_set(err, rc, "search", "out of memory");
    if (rc != WD_OK)
        return wd_error_set(err, WD_ECORRUPT, "search",
                            "document %u is not a wenda record; re-index the corpus",
                            (unsigned)did);
    rc = w->fn(w->ctx, &rec);
    wd_free(mem);
    if (rc == 0)
        w->count++;
    return rc;
}

int wd_db_each_record(xc_db *db, wd_record_fn fn, void *ctx, wd_error *err)
{
    walk w = { fn, ctx, 0 };
    xc_docid last = 0;
    int rc = xc_db_lastdocid(db, &last, err);
    for (xc_docid did = 1; rc == WD_OK && did <= last && did != 0; did++)
        rc = visit(db, did, &w, err);
    return rc;
}

/* The walk over an open database: from the start again, on the new
 * revision, when a commit meets it, a few times. */
static int walk_db(xc_db *db, wd_record_fn fn, void *ctx, uint32_t *count, wd_error *err)
{
    int rc = WD_OK;
    for (int attempt = 0; rc == WD_OK && attempt < WALK_ATTEMPTS; attempt++) {
        if (attempt > 0 && (rc = xc_db_reopen(db, NULL, err)) != WD_OK)
            break;
        walk w = { fn, ctx, 0 };
        xc_docid last = 0;
        rc = xc_db_lastdocid(db, &last, err);
        for (xc_docid did = 1; rc == WD_OK && did <= last && did != 0; did++)
            rc = visit(db, did, &w, err);
        if (count)
            *count = w.count;
        /* A commit under the walk: records already passed to fn may be seen
         * again, so the caller must treat a retried walk as starting over. */
        if (rc != WD_EMODIFIED || attempt + 1 == WALK_ATTEMPTS)
            break;
        rc = WD_OK;
        wd_error_clear(err);
        rc = fn(ctx, NULL); /* "start over" */
        if (rc != 0)
            break;
    }
    return rc;
}

int wd_index_each_record(const char *path, wd_record_fn fn, void *ctx, uint32_t *count,
                         wd_error *err)
{
    if (count)
        *count = 0;
    if (!path || !*path || !fn)
        return wd_error_set(err, WD_EINVAL, "search", "no index path or callback given");
    xc_db *db = NULL;
    wd_shards *sh = NULL;
    int rc = wd_shards_parse(&sh, path, err);
    if (rc == WD_OK && sh) /* a shard list: every shard must answer */
        rc = wd_shards_open(sh, &db, 0, 0, err);
    else if (rc == WD_OK)
        rc = xc_db_open(&db, path, XC_DB_READ, err);
    wd_shards_free(sh);
    if (rc == WD_OK)
        rc = walk_db(db, fn, ctx, count, err);
    xc_db_close(db);
    return rc;
}

int wd_searcher_each_record(wd_searcher *s, wd_record_fn fn, void *ctx, uint32_t *count,
                            wd_error *err)
{
    if (count)
        *count = 0;
    if (!fn)
        return wd_error_set(err, WD_EINVAL, "search", "no callback given");
    return walk_db(s->db, fn, ctx, count, err);
}
