/*
 * conns.c - connection limits and read deadlines for the service (conns.h).
 *
 * libmicrohttpd 0.9.75 has an idle timeout and a per-address limit of its
 * own, but a client that sends one header byte every few seconds is never
 * idle, and its per-address limit cannot spare a reverse proxy. So every
 * connection gets a record here (its socket context): its address, the
 * phase of its current request and when that phase began. A deadline
 * thread looks at the records four times a second and shuts down the
 * socket of any connection past its deadline; libmicrohttpd then sees the
 * connection end and closes it as if the client had gone. A record leaves
 * the list (under the lock) when libmicrohttpd reports the connection
 * closed, before it closes the socket, so a shutdown never reaches a
 * socket number that was given to another connection since.
 */
#define _DEFAULT_SOURCE
#include "conns.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "hosts.h"
#include "log.h"
#include "strmap.h"
#include "wenda/buf.h"
#include "wenda/error.h"

#define TICK_MS 250
#define COMPACT_AT 1024 /* rebuild a count map past this many addresses */

enum phase {
    P_IDLE,    /* waiting for a request (since the start or the last answer) */
    P_HEADERS, /* its request line arrived, its headers are coming */
    P_BODY,    /* its body is coming */
    P_BUSY     /* being answered */
};

typedef struct conn {
    int fd;
    char addr[INET6_ADDRSTRLEN];
    char client[INET6_ADDRSTRLEN]; /* a proxied request's client, while counted */
    int exempt;                    /* a trusted proxy */
    int counted;                   /* its request counts in per_client */
    enum phase phase;
    double since;
    enum conns_cut cut;
    struct conn *prev, *next;
} conn;

struct conns {
    conns_config cfg;
    char *trusted;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int started, stop;
    conn *list;
    unsigned open;
    wd_strmap per_addr;   /* address -> unsigned open connections */
    wd_strmap per_client; /* proxied client -> unsigned requests in flight */
    conns_stats st;
    double last_refusal_log;
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- counts ----------------------------------------------------------------- */

static unsigned *count_of(wd_strmap *m, const char *key, int add)
{
    size_t len = strlen(key);
    return add ? wd_strmap_put(m, key, len, NULL) : wd_strmap_get(m, key, len);
}

static void count_down(wd_strmap *m, const char *key)
{
    unsigned *n = count_of(m, key, 0);
    if (n && *n)
        (*n)--;
}

/* The maps keep an entry per address ever seen; past COMPACT_AT, rebuild
 * them from the connections open now. Under the lock. */
static void compact(conns *cs)
{
    if (cs->per_addr.n < COMPACT_AT && cs->per_client.n < COMPACT_AT)
        return;
    wd_strmap a = WD_STRMAP_INIT(sizeof(unsigned)), p = WD_STRMAP_INIT(sizeof(unsigned));
    int ok = 1;
    for (conn *k = cs->list; k && ok; k = k->next) {
        unsigned *n = count_of(&a, k->addr, 1);
        unsigned *m = k->counted ? count_of(&p, k->client, 1) : NULL;
        ok = n && (!k->counted || m);
        if (n)
            (*n)++;
        if (m)
            (*m)++;
    }
    if (!ok) { /* no memory: keep the old maps */
        wd_strmap_clear(&a);
        wd_strmap_clear(&p);
        return;
    }
    wd_strmap_clear(&cs->per_addr);
    wd_strmap_clear(&cs->per_client);
    cs->per_addr = a;
    cs->per_client = p;
}

/* ---- the deadline thread -------------------------------------------------------- */

static void cut(conns *cs, conn *k, double now)
{
    if (k->phase == P_HEADERS) {
        k->cut = CONNS_CUT_HEADERS;
        cs->st.cut_headers++;
        serve_logf("a request from %s sent its headers for longer than %u s (--header-timeout); "
                   "connection closed",
                   k->addr, cs->cfg.header_timeout_s);
    } else if (k->phase == P_BODY) {
        k->cut = CONNS_CUT_BODY;
        cs->st.cut_body++;
        serve_logf("a request body from %s took longer than %u s to arrive (--client-timeout); "
                   "connection closed (408)",
                   k->addr, cs->cfg.body_timeout_s);
    } /* P_IDLE: an idle connection, closed without a word */
    shutdown(k->fd, SHUT_RDWR);
    k->since = now; /* once: libmicrohttpd closes it on its next turn */
    k->phase = P_BUSY;
}

static void *deadlines(void *arg)
{
    conns *cs = arg;
    pthread_mutex_lock(&cs->mu);
    while (!cs->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TICK_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&cs->cv, &cs->mu, &until);
        double now = mono_s();
        for (conn *k = cs->list; k; k = k->next) {
            unsigned limit = k->phase == P_BODY   ? cs->cfg.body_timeout_s
                             : k->phase == P_BUSY ? 0
                                                  : cs->cfg.header_timeout_s;
            if (limit && now - k->since > limit)
                cut(cs, k, now);
        }
        compact(cs);
    }
    pthread_mutex_unlock(&cs->mu);
    return NULL;
}

int conns_new(conns **out, const conns_config *cfg)
{
    *out = NULL;
    conns *cs = wd_calloc(1, sizeof *cs);
    if (!cs)
        return WD_ENOMEM;
    cs->cfg = *cfg;
    cs->per_addr = (wd_strmap)WD_STRMAP_INIT(sizeof(unsigned));
    cs->per_client = (wd_strmap)WD_STRMAP_INIT(sizeof(unsigned));
    cs->trusted = wd_strdup(cfg->trusted ? cfg->trusted : "");
    cs->cfg.trusted = cs->trusted;
    cs->last_refusal_log = -1e9;
    pthread_mutex_init(&cs->mu, NULL);
    pthread_cond_init(&cs->cv, NULL);
    if (!cs->trusted || pthread_create(&cs->thread, NULL, deadlines, cs) != 0) {
        conns_free(cs);
        return WD_ENOMEM;
    }
    cs->started = 1;
    *out = cs;
    return WD_OK;
}

void conns_free(conns *cs)
{
    if (!cs)
        return;
    if (cs->started) {
        pthread_mutex_lock(&cs->mu);
        cs->stop = 1;
        pthread_cond_signal(&cs->cv);
        pthread_mutex_unlock(&cs->mu);
        pthread_join(cs->thread, NULL);
    }
    for (conn *k = cs->list, *next; k; k = next) {
        next = k->next;
        wd_free(k);
    }
    wd_strmap_clear(&cs->per_addr);
    wd_strmap_clear(&cs->per_client);
    pthread_cond_destroy(&cs->cv);
    pthread_mutex_destroy(&cs->mu);
    wd_free(cs->trusted);
    wd_free(cs);
}

/* ---- libmicrohttpd's hooks ---------------------------------------------------------- */

/* A connection refused for --max-per-ip: counted, and said once in a while
 * (a flood would fill the log). Under the lock. */
static void refused_locked(conns *cs, const char *addr, unsigned open)
{
    cs->st.refused++;
    double now = mono_s();
    if (now - cs->last_refusal_log > 10) {
        cs->last_refusal_log = now;
        serve_logf("%s has %u connections open (--max-per-ip); closing its new ones "
                   "(%llu so far)",
                   addr, open, (unsigned long long)cs->st.refused);
    }
}

/* The quick refusal, before libmicrohttpd takes the connection on. The pool's
 * threads accept at the same time, so two of them can both see one slot free:
 * conns_notify checks again once the connection is counted. */
enum MHD_Result conns_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    conns *cs = cls;
    (void)addrlen;
    if (!cs->cfg.max_per_ip)
        return MHD_YES;
    char a[INET6_ADDRSTRLEN];
    serve_addr_text(addr, a, sizeof a);
    if (serve_addr_in(cs->trusted, a))
        return MHD_YES;
    pthread_mutex_lock(&cs->mu);
    const unsigned *n = count_of(&cs->per_addr, a, 0);
    int over = n && *n >= cs->cfg.max_per_ip;
    if (over)
        refused_locked(cs, a, *n);
    pthread_mutex_unlock(&cs->mu);
    return over ? MHD_NO : MHD_YES;
}

void conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    conns *cs = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn *k = wd_calloc(1, sizeof *k);
        *socket_context = k;
        if (!k)
            return; /* no memory: this one goes without limits */
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ad =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        k->fd = fd ? fd->connect_fd : -1;
        if (ad && ad->client_addr)
            serve_addr_text(ad->client_addr, k->addr, sizeof k->addr);
        k->exempt = serve_addr_in(cs->trusted, k->addr);
        k->phase = P_IDLE;
        k->since = mono_s();
        pthread_mutex_lock(&cs->mu);
        k->next = cs->list;
        if (cs->list)
            cs->list->prev = k;
        cs->list = k;
        cs->open++;
        unsigned *n = count_of(&cs->per_addr, k->addr, 1);
        if (n)
            (*n)++;
        /* the one of two concurrent accepts that took the last slot twice */
        int over = n && !k->exempt && cs->cfg.max_per_ip && *n > cs->cfg.max_per_ip;
        if (over)
            refused_locked(cs, k->addr, *n - 1);
        pthread_mutex_unlock(&cs->mu);
        if (over && k->fd >= 0)
            shutdown(k->fd, SHUT_RDWR); /* closed as if the client had gone */
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn *k = *socket_context;
        *socket_context = NULL;
        if (!k)
            return;
        pthread_mutex_lock(&cs->mu);
        if (k->prev)
            k->prev->next = k->next;
        else
            cs->list = k->next;
        if (k->next)
            k->next->prev = k->prev;
        cs->open--;
        count_down(&cs->per_addr, k->addr);
        if (k->counted)
            count_down(&cs->per_client, k->client);
        pthread_mutex_unlock(&cs->mu);
        wd_free(k);
    }
}

/* ---- a request's phases --------------------------------------------------------------- */

static conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

void conns_request_line(conns *cs, struct MHD_Connection *c)
{
    conn *k = conn_of(c);
    if (!k)
        return;
    pthread_mutex_lock(&cs->mu);
    if (k->phase == P_IDLE)
        k->phase = P_HEADERS;
    pthread_mutex_unlock(&cs->mu);
}

int conns_request_start(conns *cs, struct MHD_Connection *c, int with_body, char *client,
                        size_t cap)
{
    conn *k = conn_of(c);
    if (!k) {
        snprintf(client, cap, "?");
        return 0;
    }
    const char *xff =
        k->exempt ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For") : NULL;
    serve_forwarded_client(xff, cs->trusted, k->addr, client, cap);
    int rc = 0;
    pthread_mutex_lock(&cs->mu);
    k->phase = with_body ? P_BODY : P_BUSY;
    k->since = mono_s();
    if (k->exempt && cs->cfg.max_per_ip && !k->counted) {
        unsigned *n = count_of(&cs->per_client, client, 1);
        if (n && *n >= cs->cfg.max_per_ip) {
            cs->st.limited++;
            rc = -1;
        } else if (n) {
            (*n)++;
            k->counted = 1;
            snprintf(k->client, sizeof k->client, "%s", client);
        }
    }
    pthread_mutex_unlock(&cs->mu);
    return rc;
}

void conns_body_done(conns *cs, struct MHD_Connection *c)
{
    conn *k = conn_of(c);
    if (!k)
        return;
    pthread_mutex_lock(&cs->mu);
    if (k->phase == P_BODY)
        k->phase = P_BUSY;
    pthread_mutex_unlock(&cs->mu);
}

enum conns_cut conns_request_end(conns *cs, struct MHD_Connection *c)
{
    conn *k = conn_of(c);
    if (!k)
        return CONNS_NOT_CUT;
    pthread_mutex_lock(&cs->mu);
    enum conns_cut was = k->cut;
    if (k->counted)
        count_down(&cs->per_client, k->client);
    k->counted = 0;
    if (!was) {
        k->phase = P_IDLE;
        k->since = mono_s();
    }
    pthread_mutex_unlock(&cs->mu);
    return was;
}

conns_stats conns_get_stats(conns *cs)
{
    pthread_mutex_lock(&cs->mu);
    conns_stats s = cs->st;
    s.open = cs->open;
    pthread_mutex_unlock(&cs->mu);
    return s;
}
