/*
 * write.h - private: the service's write API (POST /api/records, DELETE
 * /api/records/{id}), kept free of libmicrohttpd: it takes a body or an id
 * and gives the status and JSON to answer with.
 *
 * Records go through the index writer of `wenda index` (wd_index_writer_*),
 * opened for each request and closed at its end, so the index's lock is
 * held only while a request writes: a `wenda index` run meanwhile waits or
 * is told the index is busy, and one running makes a write answer 503
 * "busy". One request writes at a time (a mutex); each commits once, at
 * its end, so readers see a request's records all or none (a sharded
 * index: each shard its part; a body of more than 32 MiB of text may be
 * committed in more than one batch). A sharded index routes each record to
 * the shard its id hashes to, as `wenda index` does. A shard list (comma-
 * separated, a stub file, a folder whose stub lists other databases or
 * remote shards) is never written: 409 "not_writable", saying why.
 *
 * After a commit the view is reloaded (view_reload_now) before the answer
 * is sent, so the records are searchable when the client reads it.
 *
 * Thread safety: any thread; requests are written one at a time.
 */
#ifndef WENDA_SERVE_WRITE_H
#define WENDA_SERVE_WRITE_H

#include <stddef.h>

#include "view.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"

typedef struct serve_writer serve_writer;

/* An answer: status, and for an error its code (NULL on success) and
 * message; on success the JSON in body. */
typedef struct write_answer {
    unsigned status;
    const char *code; /* static */
    char message[1024];
    wd_buf body;
} write_answer;

/* path and view are borrowed and must outlive the writer; each write
 * analyses its records with the view's dictionary in force. *out is new;
 * WD_ENOMEM. */
int serve_writer_new(serve_writer **out, const char *path, view_shared *view);
void serve_writer_free(serve_writer *w);

/* POST /api/records: body is one JSON object, a JSON array of objects, or
 * JSON Lines, each object a record as `wenda index` reads from JSON Lines
 * ({"id"?, "question", "answer", "source"?, "date"?, "kind"?}; unknown
 * fields ignored; without an id, the hash id; without a source, "api").
 * Every record is checked before anything is written: one that `wenda
 * index` would skip fails the whole request (400 "bad_record", naming its
 * line or element). Success: 200 {"records": N, "added": A, "replaced": R,
 * "generation": G, "warnings": [...]}. Free a->body after. */
void serve_writer_post(serve_writer *w, const char *body, size_t len, write_answer *a);
/* DELETE /api/records/{id}: 200 {"deleted": ID, "generation": G}, or 404
 * "not_found" when the index holds no such record. */
void serve_writer_delete(serve_writer *w, const char *id, write_answer *a);

#endif
