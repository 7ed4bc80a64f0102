/*
 * querylog.h - private: the query log of `wenda serve --query-log FILE`.
 *
 * One JSON Lines record per search answered (GET /api/search with status
 * 200), appended to FILE:
 *
 *   {"time":"2026-12-07T08:15:02.123Z","query":"...","hits":12,
 *    "top":"ID"|null,"confidence":0.8312|null,"answered":true,
 *    "ms":3.1,"cached":false[,"offset":10][,"client":"ADDR"]}
 *
 * time is UTC with milliseconds; hits the index's estimate of the records
 * matching (wd_results.total); top and confidence the first hit's (null
 * when there is none); ms the time from the request's headers to its
 * answer; offset only when a later page was asked for; client only with
 * --query-log-clients. `wenda coverage --from-log` reads it back
 * (corpus/questions.c, WD_FORMAT_QUERY_LOG).
 *
 * Each line is formatted by the request's thread and written whole with one
 * write(2) on a descriptor opened O_APPEND, under a mutex that only guards
 * the descriptor against querylog_reopen: the log stays line-whole when
 * several threads (or processes) append, and a request waits at most for
 * one write. querylog_reopen (SIGHUP, after logrotate moved the file) opens
 * FILE anew; until it succeeds the old descriptor stays in use.
 *
 * Thread safety: every function but open and close may be called from any
 * thread.
 */
#ifndef WENDA_SERVE_QUERYLOG_H
#define WENDA_SERVE_QUERYLOG_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/buf.h"
#include "wenda/error.h"

typedef struct querylog querylog;

/* What one search answered. Strings are borrowed. */
typedef struct querylog_entry {
    const char *query; /* valid UTF-8 */
    size_t len;
    uint32_t offset;
    uint32_t total;     /* wd_results.total */
    const char *top;    /* the first hit's id; NULL: no hit */
    double confidence;  /* the first hit's */
    int answered;       /* wd_results.answered */
    double ms;          /* latency */
    int cached;         /* answered from the search cache */
    const char *client; /* NULL: not logged */
} querylog_entry;

typedef struct querylog_stats {
    uint64_t lines;  /* written */
    uint64_t errors; /* lines that could not be written */
} querylog_stats;

/* Open (create, append to) path. *out is new, NULL on failure: WD_EIO with
 * the system's reason ("FILE: cannot open the query log: ..."). */
int querylog_open(querylog **out, const char *path, wd_error *err);
/* Close; NULL is a no-op. */
void querylog_close(querylog *l);
/* Open the file anew (after a rotation). WD_EIO when it cannot be opened:
 * the previous file stays in use. */
int querylog_reopen(querylog *l, wd_error *err);
/* Append one line. A failed write (a full disk) is counted and said once on
 * stderr until a write succeeds again; the request is answered regardless. */
void querylog_write(querylog *l, const querylog_entry *e);
/* What a line says of the answer (total, top, confidence, answered) as a
 * note kept beside a cached answer (rcache.h), appended to b; and read
 * back into *e from such a note (e->top then points into note), so that an
 * answer from the cache is logged like the search that made it without
 * parsing it again. A note of another length leaves *e as it was. */
void querylog_note(wd_buf *b, const querylog_entry *e);
void querylog_from_note(querylog_entry *e, const char *note, size_t len);
querylog_stats querylog_get_stats(querylog *l);
const char *querylog_path(const querylog *l);

#endif
