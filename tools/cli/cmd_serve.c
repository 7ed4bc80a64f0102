/*
 * cmd_serve.c - `wenda serve`: the HTTP service (search page, JSON API,
 * metrics) over an index; see tools/serve/.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../serve/serve.h"
#include "cli.h"
#include "commands.h"

_Static_assert(WD_RECORD_CACHE_MB == 64, "the help of --record-cache-mb says 64");
/* The record caches' memory in all when --record-cache-mb is not given: a
 * searcher's default for each worker, up to this much. */
#define RECORD_CACHES_MAX_MB 512

/* Each worker's share of the record caches' memory (--record-cache-mb, 0
 * when not given), at least 1 MB. */
static unsigned long worker_record_cache_mb(unsigned long given, unsigned long threads)
{
    unsigned long share = (given ? given : RECORD_CACHES_MAX_MB) / threads;
    if (!given && share > WD_RECORD_CACHE_MB)
        share = WD_RECORD_CACHE_MB;
    return share ? share : 1;
}

static const cli_opt serve_opts[] = {
    { "index", 0, 1, "DIR",
      "index to serve (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "listen", 0, 1, "HOST:PORT",
      "address to listen on (default 127.0.0.1:8080; port 0 = any free port)" },
    { "threads", 0, 1, "N", "worker threads (default: the number of CPUs)" },
    { "cors", 0, 1, "ORIGINS",
      "comma-separated origins allowed to call the API from a browser, "
      "or * for any (default: none)" },
    { "max-body", 0, 1, "BYTES", "largest POST body accepted (default 1048576)" },
    { "reload-ms", 0, 1, "MS", "how often to look for a changed index (default 500)" },
    { "drain-ms", 0, 1, "MS",
      "on SIGTERM, how long to wait for requests in flight (default 10000)" },
    { "dict", 0, 1, "DIR",
      "dictionary directory, watched for changes (default: $WENDA_DICT, else built-in + the "
      "user overlay)" },
    { "allow-partial", 0, 0, NULL,
      "over shards: when some do not answer, answer from the others (marked partial)" },
    { "calibration", 0, 1, "FILE",
      "judge answers by these thresholds (wenda coverage --calibrate; default: the index "
      "folder's, else built-in)" },
    { "timeout", 0, 1, "MS",
      "connect and reply timeout of remote shards (default: $WENDA_REMOTE_TIMEOUT_MS or 10000)" },
    { "max-header", 0, 1, "BYTES",
      "room for a request line and its headers; more is refused with 414 or 431 "
      "(default 16384)" },
    { "client-timeout", 0, 1, "S",
      "close a connection idle this long, and one whose body has not arrived this long after "
      "its headers (default 10; 0 = never)" },
    { "header-timeout", 0, 1, "S",
      "close a connection whose request headers have not all arrived this long after it opened "
      "or after the previous answer (default 10; 0 = never)" },
    { "max-connections", 0, 1, "N",
      "open connections at most; more wait in the listen backlog (default 256)" },
    { "max-per-ip", 0, 1, "N",
      "open connections from one address at most, more are closed at once; behind a "
      "--trusted-proxy, requests in flight of one client, more get 429 (default 64; 0 = no "
      "limit)" },
    { "trusted-proxy", 0, 1, "ADDRS",
      "comma-separated addresses or blocks (10.0.0.0/8) of reverse proxies: their connections "
      "are not limited by --max-per-ip, their X-Forwarded-For names the client (default: none)" },
    { "allowed-host", 0, 1, "NAMES",
      "comma-separated Host names to answer to besides the listen address's (loopback names, "
      "or this machine's names and addresses); * = any (default: none)" },
    { "request-timeout", 0, 1, "MS",
      "time limit of a coverage request; past it the answer is 503 \"timeout\" (default "
      "30000; 0 = none)" },
    { "cache-mb", 0, 1, "MB",
      "memory for answers to repeated searches, kept until the index changes (default 32; 0 = "
      "no cache)" },
    { "record-cache-mb", 0, 1, "MB",
      "memory for the records the searches read and analysed, kept for the next searches, "
      "shared out among the worker threads, each of which keeps its own (default 64 a "
      "thread, at most 512 in all; a base of a few thousand records fits in 64)" },
    { "query-log", 0, 1, "FILE",
      "append one JSON line per search to FILE (time, query, hits, top id, confidence, ms); "
      "SIGHUP opens it anew after a rotation" },
    { "query-log-clients", 0, 0, NULL,
      "the query log names each search's client address too (default: it does not)" },
    { "api-key-file", 0, 1, "FILE",
      "turn on the write API (POST /api/records, DELETE /api/records/ID) for requests with "
      "Authorization: Bearer KEY, KEY the first line of FILE (16 to 512 visible characters)" },
    { "read-key-file", 0, 1, "FILE",
      "the API's reads (search, suggest, record, coverage) need this key or the write key "
      "(default: reads are open)" },
    { NULL, 0, 0, NULL, NULL }
};

static int cmd_serve(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    if (a.npos > 0) {
        ex = cli_usage_error(cmd, "unexpected argument '%s'", a.pos[0]);
        cli_args_free(&a);
        return ex;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long threads, max_body, reload_ms, drain_ms, timeout, max_header, client_timeout,
        header_timeout, max_conn, max_per_ip, request_timeout, cache_mb, record_cache_mb;
    if (cli_uint_in(cmd, &a, "threads", ncpu > 0 ? (unsigned long)ncpu : 2, 1, 256, &threads) ||
        cli_uint(cmd, &a, "max-body", 1u << 20, 1ul << 30, &max_body) ||
        cli_uint_in(cmd, &a, "reload-ms", 500, 1, 3600000, &reload_ms) ||
        cli_uint(cmd, &a, "drain-ms", 10000, 3600000, &drain_ms) ||
        cli_uint(cmd, &a, "timeout", 0, 3600000, &timeout) ||
        cli_uint_in(cmd, &a, "max-header", 16384, 4096, 1ul << 20, &max_header) ||
        cli_uint(cmd, &a, "client-timeout", 10, 86400, &client_timeout) ||
        cli_uint(cmd, &a, "header-timeout", 10, 86400, &header_timeout) ||
        cli_uint(cmd, &a, "max-connections", 256, 65536, &max_conn) ||
        cli_uint(cmd, &a, "max-per-ip", 64, 65536, &max_per_ip) ||
        cli_uint(cmd, &a, "request-timeout", 30000, 3600000, &request_timeout) ||
        cli_uint(cmd, &a, "cache-mb", 32, 65536, &cache_mb) ||
        cli_uint_in(cmd, &a, "record-cache-mb", 0, 1, 65536, &record_cache_mb)) {
        cli_args_free(&a);
        return EXIT_USAGE;
    }
    if (max_conn < threads) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "--max-connections (%lu) wants at least --threads (%lu)",
                               max_conn, threads);
    }
    if (cli_flag(cmd, &a, "query-log-clients") && !cli_value(cmd, &a, "query-log")) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "--query-log-clients wants --query-log FILE");
    }
    const char *listen = cli_value(cmd, &a, "listen");
    char host[256];
    unsigned port;
    if (!listen)
        listen = "127.0.0.1:8080";
    if (serve_parse_listen(listen, host, sizeof host, &port) != 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "--listen wants HOST:PORT, [IPV6]:PORT or :PORT, not '%s'",
                               listen);
    }
    wd_dict *dict = NULL;
    ex = cli_load_dict(cmd->name, cli_value(cmd, &a, "dict"), 0, &dict);
    if (ex) {
        cli_args_free(&a);
        return ex;
    }
    wd_calibration cal;
    const char *cal_file = cli_value(cmd, &a, "calibration");
    if (cal_file) {
        wd_error err;
        wd_error_clear(&err);
        if (wd_calibration_read(cal_file, &cal, &err) != WD_OK) {
            ex = cli_fail(cmd->name, &err, 0);
            wd_dict_free(dict);
            cli_args_free(&a);
            return ex;
        }
    }
    /* The dictionary's folder, watched: the overlay's when none is given, even
     * before it exists. */
    const char *dict_dir = cli_value(cmd, &a, "dict");
    if (!dict_dir)
        dict_dir = cli_user_dict_dir();
    serve_config cfg = { cli_index_path(cli_value(cmd, &a, "index")),
                         listen,
                         (unsigned)threads,
                         cli_value(cmd, &a, "cors"),
                         (size_t)max_body,
                         (unsigned)reload_ms,
                         (unsigned)drain_ms,
                         dict,
                         cli_flag(cmd, &a, "allow-partial"),
                         (unsigned)timeout,
                         (size_t)max_header,
                         (unsigned)client_timeout,
                         (unsigned)header_timeout,
                         (unsigned)max_conn,
                         (unsigned)max_per_ip,
                         cli_value(cmd, &a, "trusted-proxy"),
                         cli_value(cmd, &a, "allowed-host"),
                         (unsigned)request_timeout,
                         (size_t)cache_mb << 20,
                         (unsigned)worker_record_cache_mb(record_cache_mb, threads),
                         cal_file ? &cal : NULL,
                         dict_dir,
                         cli_value(cmd, &a, "query-log"),
                         cli_flag(cmd, &a, "query-log-clients"),
                         cli_value(cmd, &a, "api-key-file"),
                         cli_value(cmd, &a, "read-key-file") };
    ex = serve_run(&cfg);
    wd_dict_free(dict);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_serve = {
    "serve",
    "Serve the search page and a JSON API over HTTP.",
    "[--index DIR] [--listen HOST:PORT] [--threads N] [--cors ORIGINS]",
    "Listens on loopback unless told otherwise. Endpoints:\n"
    "  GET  /                       the search page (suggestions, highlighted results)\n"
    "  GET  /api/search?q=&n=&offset=&full=&min_confidence=   the JSON of `wenda ask --json`\n"
    "  GET  /api/suggest?q=&n=      completions from the knowledge base's questions (typed\n"
    "                               as characters, pinyin, initials or a mix)\n"
    "  POST /api/coverage           one question a line in, JSON Lines out\n"
    "  POST /api/records            with --api-key-file: add or replace records (a JSON\n"
    "                               object, an array of them or JSON Lines, the fields\n"
    "                               of wenda index's JSON Lines)\n"
    "  DELETE /api/records/ID       with --api-key-file: delete a record\n"
    "  GET  /healthz                {\"status\": \"ok\", \"documents\": N}, or 503\n"
    "  GET  /metrics                Prometheus text format\n"
    "Errors are {\"error\": {\"code\", \"message\"}} with status 400, 401, 403, 404, 405,\n"
    "409, 411, 413, 429 or 503. Connections are kept alive; a body needs a Content-Length.\n"
    "Only / and the page's files, /api/*, /healthz and /metrics exist (404 otherwise;\n"
    "nothing is read from disk). Limits: --max-body, --max-header (414/431),\n"
    "--header-timeout and --client-timeout (slow clients), --max-connections,\n"
    "--max-per-ip and --request-timeout (a coverage body not answered in time:\n"
    "503 \"timeout\").\n"
    "Only requests whose Host names this service are answered (403 otherwise:\n"
    "on loopback localhost, 127.0.0.1 and [::1]; on 0.0.0.0 or a named address also\n"
    "this machine's names and addresses; more with --allowed-host), and a POST\n"
    "from a page of another origin only when --cors allows it. Behind a reverse\n"
    "proxy, list it in --trusted-proxy and its names in --allowed-host (see\n"
    "docs/deployment.md).\n"
    "Over a shard list, a shard that does not answer gives 503 with code\n"
    "\"shard_unavailable\" and a message naming it; with --allow-partial the other\n"
    "shards answer (200, \"partial\": true, \"missing_shards\": [...]).\n"
    "Over a single local index, answers to repeated searches come from a cache\n"
    "(--cache-mb) that is emptied whenever the index changes.\n"
    "A re-built or updated index, and a changed dictionary (the --dict folder, else\n"
    "the user overlay: wenda dict synonym add, wenda dict add), are picked up without\n"
    "a restart; a missing index is\n"
    "answered with 503 until it appears. SIGTERM or SIGINT stops accepting, finishes\n"
    "the requests in flight and exits 0.\n"
    "Writes need the write key (Authorization: Bearer KEY), from loopback too, and\n"
    "are written through the index writer of wenda index under the index's lock,\n"
    "one request at a time, committed once each; the answer comes when the records\n"
    "are searchable. A shard list is not written (409). See docs/deployment.md.\n"
    "With --query-log FILE every search answered is appended to FILE as one JSON\n"
    "line: {\"time\", \"query\", \"hits\", \"top\", \"confidence\", \"answered\", \"ms\",\n"
    "\"cached\"} (\"offset\" for a later page; \"client\" only with --query-log-clients).\n"
    "SIGHUP opens FILE anew (for logrotate); `wenda coverage --from-log FILE` checks\n"
    "the logged questions, most asked first.",
    serve_opts,
    cmd_serve
};
