/*
 * querylog.c - the query log (see querylog.h): one JSON line per search,
 * formatted by the request's thread, appended with one write(2) under a
 * mutex that guards the descriptor against a reopen on SIGHUP.
 */
#define _DEFAULT_SOURCE
#include "querylog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "wenda/buf.h"

struct querylog {
    char *path;
    pthread_mutex_t mu; /* guards fd and failing */
    int fd;
    int failing; /* the last write failed (said on stderr once) */
    atomic_ullong lines, errors;
};

static int open_fd(const char *path, int *fd, wd_error *err)
{
    *fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (*fd < 0)
        return wd_error_set(err, WD_EIO, "serve", "%s: cannot open the query log: %s", path,
                            strerror(errno));
    return WD_OK;
}

int querylog_open(querylog **out, const char *path, wd_error *err)
{
    *out = NULL;
    querylog *l = wd_calloc(1, sizeof *l);
    if (!l || !(l->path = wd_strdup(path))) {
        wd_free(l);
        return wd_error_set(err, WD_ENOMEM, "serve", "out of memory");
    }
    int rc = open_fd(path, &l->fd, err);
    if (rc != WD_OK) {
        wd_free(l->path);
        wd_free(l);
        return rc;
    }
    pthread_mutex_init(&l->mu, NULL);
    atomic_init(&l->lines, 0);
    atomic_init(&l->errors, 0);
    *out = l;
    return WD_OK;
}

void querylog_close(querylog *l)
{
    if (!l)
        return;
    close(l->fd);
    pthread_mutex_destroy(&l->mu);
    wd_free(l->path);
    wd_free(l);
}

int querylog_reopen(querylog *l, wd_error *err)
{
    int fd;
    int rc = open_fd(l->path, &fd, err);
    if (rc != WD_OK)
        return rc;
    pthread_mutex_lock(&l->mu);
    int old = l->fd;
    l->fd = fd;
    pthread_mutex_unlock(&l->mu);
    close(old);
    return WD_OK;
}

const char *querylog_path(const querylog *l)
{
    return l->path;
}

querylog_stats querylog_get_stats(querylog *l)
{
    querylog_stats s = { 0, 0 };
    if (l) {
        s.lines = atomic_load(&l->lines);
        s.errors = atomic_load(&l->errors);
    }
    return s;
}

static void format_line(wd_buf *b, const querylog_entry *e)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    wd_buf_printf(b, "{\"time\":\"%s.%03ldZ\",\"query\":", when, ts.tv_nsec / 1000000L);
    wd_buf_json_string(b, e->query, e->len);
    wd_buf_printf(b, ",\"hits\":%u,\"top\":", e->total);
    if (e->top) {
        wd_buf_json_string(b, e->top, strlen(e->top));
        wd_buf_printf(b, ",\"confidence\":%.4f", e->confidence);
    } else {
        wd_buf_puts(b, "null,\"confidence\":null");
    }
    wd_buf_printf(b, ",\"answered\":%s,\"ms\":%.3f,\"cached\":%s", e->answered ? "true" : "false",
                  e->ms, e->cached ? "true" : "false");
    if (e->offset)
        wd_buf_printf(b, ",\"offset\":%u", e->offset);
    if (e->client) {
        wd_buf_puts(b, ",\"client\":");
        wd_buf_json_string(b, e->client, strlen(e->client));
    }
    wd_buf_puts(b, "}\n");
}

void querylog_write(querylog *l, const querylog_entry *e)
{
    wd_buf b = WD_BUF_INIT;
    format_line(&b, e);
    int ok = !b.oom;
    pthread_mutex_lock(&l->mu);
    if (ok) {
        size_t done = 0;
        while (done < b.len) {
            ssize_t n = write(l->fd, b.data + done, b.len - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            done += (size_t)n;
        }
        ok = done == b.len;
    }
    int say = !ok && !l->failing;
    int e_no = errno, oom = b.oom;
    l->failing = !ok;
    pthread_mutex_unlock(&l->mu);
    wd_buf_free(&b);
    atomic_fetch_add(ok ? &l->lines : &l->errors, 1);
    if (say)
        serve_logf("%s: cannot write the query log: %s; searches go on unlogged until it can "
                   "be written",
                   l->path, oom ? "out of memory" : strerror(e_no));
}

/* A note: the fixed part, then the top hit's id and its NUL (none without
 * a hit). */
typedef struct note_head {
    double confidence;
    uint32_t total;
    uint8_t answered, has_top;
} note_head;

void querylog_note(wd_buf *b, const querylog_entry *e)
{
    note_head h;
    memset(&h, 0, sizeof h);
    h.confidence = e->confidence;
    h.total = e->total;
    h.answered = e->answered != 0;
    h.has_top = e->top != NULL;
    wd_buf_append(b, (const char *)&h, sizeof h);
    if (e->top)
        wd_buf_append(b, e->top, strlen(e->top) + 1);
}

void querylog_from_note(querylog_entry *e, const char *note, size_t len)
{
    note_head h;
    if (len < sizeof h)
        return;
    memcpy(&h, note, sizeof h);
    if (h.has_top ? len == sizeof h || note[len - 1] != '\0' : len != sizeof h)
        return;
    e->confidence = h.confidence;
    e->total = h.total;
    e->answered = h.answered;
    e->top = h.has_top ? note + sizeof h : NULL;
}
