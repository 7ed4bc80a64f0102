/*
 * serve.h - private: the HTTP service behind `wenda serve`.
 *
 * A libmicrohttpd daemon with a pool of worker threads; each worker keeps
 * its own wd_searcher (Xapian readers are per thread) over one shared
 * wd_dict. A reloader thread watches the index on disk (and the dictionary
 * folder) and publishes a new generation whenever it changes (a commit, a
 * re-built index swapped in, a dictionary file edited);
 * workers reopen on the next request, and a search that meets a moving
 * database reopens and retries instead of failing.
 */
#ifndef WENDA_SERVE_H
#define WENDA_SERVE_H

#include <stddef.h>

#include "wenda/analyzer.h"
#include "wenda/search.h"

typedef struct serve_config {
    const char *index_path;      /* borrowed */
    const char *listen;          /* "HOST:PORT", "[V6]:PORT"; port 0 = any free port */
    unsigned threads;            /* worker threads, >= 1 */
    const char *cors;            /* comma-separated allowed origins, "*" = any; NULL = none */
    size_t max_body;             /* bytes of a POST body; larger = 413 */
    unsigned reload_ms;          /* how often the reloader looks at the index */
    unsigned drain_ms;           /* on SIGTERM: how long to wait for requests in flight */
    const wd_dict *dict;         /* borrowed, shared by every worker */
    int allow_partial;           /* shard lists: answer from the live shards, marked partial */
    unsigned timeout_ms;         /* remote shard timeout; 0 = $WENDA_REMOTE_TIMEOUT_MS or 10000 */
    size_t max_header;           /* bytes of a connection's request line + headers (libmicrohttpd's
                                memory pool); more = 414/431 from libmicrohttpd */
    unsigned client_timeout_s;   /* idle connection closed after this; a body must arrive
                                  within it; 0 = never */
    unsigned header_timeout_s;   /* a request's headers must arrive within this of the
                                    connection's start or the previous answer; 0 = never */
    unsigned max_connections;    /* open connections at most (more wait in the backlog) */
    unsigned max_per_ip;         /* open connections from one address, requests in flight of
                                    one client behind a trusted proxy; 0 = no limit */
    const char *trusted_proxy;   /* addresses/CIDRs whose X-Forwarded-For is believed (and
                                    which the per-address limit spares); NULL = none */
    const char *allowed_host;    /* Host names served besides the listen address's; "*" = any */
    unsigned request_timeout_ms; /* coverage: stop (503 "timeout") past this; 0 = none */
    size_t cache_bytes;          /* search answers kept per index generation (rcache.h); 0 = none */
    unsigned record_cache_mb;    /* each worker searcher's record cache (wd_search_opts) */
    const wd_calibration *calibration; /* judge by this (NULL: the index folder's, else built-in) */
    const char *dict_dir;      /* the folder dict came from, watched: a change of its files is
                             picked up without a restart; NULL: dict is kept as it is */
    const char *query_log;     /* JSON Lines of the searches (querylog.h); NULL = none */
    int query_log_clients;     /* the query log names each search's client */
    const char *api_key_file;  /* the write API's key (auth.h); NULL = no write API */
    const char *read_key_file; /* a key the API's reads need too; NULL = reads are open */
} serve_config;

/* Run until SIGTERM or SIGINT, then drain and return. With a query log,
 * SIGHUP opens its file anew (after logrotate moved it). Prints the address
 * it listens on to stdout ("wenda serve: listening on http://H:P/") once
 * ready. Returns 0 after a clean stop, or a CLI exit code (3 when the
 * address cannot be bound, 4 internal) with a message on stderr. */
int serve_run(const serve_config *cfg);

/* Parse "HOST:PORT" / "[V6]:PORT" / ":PORT" / "PORT"; 0 or -1 (bad). host
 * receives "127.0.0.1" when none is given. */
int serve_parse_listen(const char *s, char *host, size_t host_len, unsigned *port);

#endif
