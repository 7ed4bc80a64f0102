/*
 * conns.h - private: the service's connections, so that no one client can
 * hold the service: how many connections each address has open (more than
 * --max-per-ip are closed at once), how many requests each client behind a
 * trusted proxy has in flight (more are 429), and the deadlines for a
 * request's headers (--header-timeout, counted from the connection's start
 * or the previous answer) and for its body (--client-timeout, from the end
 * of the headers). A thread of its own closes the connections past their
 * deadline, whether they trickle bytes or send none.
 *
 * Addresses listed in --trusted-proxy are exempt from the connection limit
 * (every client of a reverse proxy shares its address); their requests are
 * counted against the client X-Forwarded-For names instead.
 *
 * Thread safety: every function may be called from any thread.
 */
#ifndef WENDA_SERVE_CONNS_H
#define WENDA_SERVE_CONNS_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

typedef struct conns conns;

typedef struct conns_config {
    unsigned max_per_ip;       /* connections of one address (and requests of one proxied
                                  client); 0 = no limit */
    unsigned header_timeout_s; /* 0 = none */
    unsigned body_timeout_s;   /* 0 = none */
    const char *trusted;       /* --trusted-proxy list, borrowed; NULL = none */
} conns_config;

/* What happened to a connection's request (conns_request_end). */
enum conns_cut { CONNS_NOT_CUT = 0, CONNS_CUT_HEADERS, CONNS_CUT_BODY };

typedef struct conns_stats {
    uint64_t refused;     /* connections closed at once: over --max-per-ip */
    uint64_t limited;     /* proxied requests answered 429: over --max-per-ip */
    uint64_t cut_headers; /* requests whose headers missed their deadline */
    uint64_t cut_body;    /* requests whose body missed its deadline */
    unsigned open;        /* connections open now */
} conns_stats;

/* *out is new; starts the deadline thread. cfg is copied (its strings are
 * borrowed). */
int conns_new(conns **out, const conns_config *cfg);
/* Stop the deadline thread and free. Call after the daemon stopped. */
void conns_free(conns *cs);

/* libmicrohttpd hooks: the accept policy (cls = conns) and
 * MHD_OPTION_NOTIFY_CONNECTION (cls = conns). */
enum MHD_Result conns_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
void conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode code);

/* A request line arrived on c: its headers are on their way. */
void conns_request_line(conns *cs, struct MHD_Connection *c);
/* c's request has its headers; with_body: a body follows (its deadline
 * starts now). Returns 0, or -1 when its client (the connection's address,
 * or X-Forwarded-For's behind a trusted proxy) has --max-per-ip requests in
 * flight already: answer 429. `client` (cap bytes) gets the client's
 * address either way. */
int conns_request_start(conns *cs, struct MHD_Connection *c, int with_body, char *client,
                        size_t cap);
/* The body arrived (or will not be read): no deadline until the answer. */
void conns_body_done(conns *cs, struct MHD_Connection *c);
/* The request is over (answered, cut or dropped); the connection, if kept
 * alive, waits for the next one's headers. Returns what cut it, if a
 * deadline did. */
enum conns_cut conns_request_end(conns *cs, struct MHD_Connection *c);

conns_stats conns_get_stats(conns *cs);

#endif
