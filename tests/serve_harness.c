/*
 * serve_harness.c - the test harness of `wenda serve` (serve_harness.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "serve_harness.h"

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A connection to 127.0.0.1:port from the loopback address `src`
 * ("127.0.0.2": another client, as far as the server can tell). */
int connect_from(int port, const char *src)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, src, &a.sin_addr);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* 1 when the server has closed fd (without an answer), 0 when it is open
 * and silent, -1 when it answered. Does not wait. */
int closed_now(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 0) <= 0)
        return 0;
    char b[64];
    ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT);
    return n <= 0 ? 1 : -1;
}

void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

resp read_resp(int fd)
{
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    ssize_t n;
    while ((n = recv(fd, b + len, cap - len - 1, 0)) > 0) {
        len += (size_t)n;
        if (cap - len < 2) {
            cap *= 2;
            b = realloc(b, cap);
        }
    }
    b[len] = '\0';
    resp r = { 0, NULL, NULL, 0 };
    char *sep = strstr(b, "\r\n\r\n");
    if (sscanf(b, "HTTP/1.%*d %d", &r.status) != 1)
        r.status = -1;
    if (sep) {
        r.head = strndup(b, (size_t)(sep - b));
        r.body_len = len - (size_t)(sep + 4 - b);
        r.body = malloc(r.body_len + 1);
        memcpy(r.body, sep + 4, r.body_len);
        r.body[r.body_len] = '\0';
    } else {
        r.head = strdup(b);
        r.body = strdup("");
    }
    free(b);
    return r;
}

/* One request on a fresh connection; `extra` adds header lines. */
resp http(int port, const char *method, const char *target, const char *extra, const char *body,
          size_t body_len)
{
    int fd = connect_to(port);
    if (fd < 0)
        return (resp){ -1, strdup(""), strdup(""), 0 };
    size_t cap = strlen(target) + (extra ? strlen(extra) : 0) + 512;
    char *head = malloc(cap);
    int n = snprintf(head, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s",
                     method, target, port, extra ? extra : "");
    if (body)
        n += snprintf(head + n, cap - (size_t)n, "Content-Length: %zu\r\n", body_len);
    n += snprintf(head + n, cap - (size_t)n, "\r\n");
    send_all(fd, head, (size_t)n);
    free(head);
    if (body)
        send_all(fd, body, body_len);
    resp r = read_resp(fd);
    close(fd);
    return r;
}

resp get(int port, const char *target)
{
    return http(port, "GET", target, NULL, NULL, 0);
}

void resp_free(resp *r)
{
    free(r->head);
    free(r->body);
}

int has_header(const resp *r, const char *line)
{
    return strcasestr(r->head, line) != NULL;
}

/* An error response: the status and {"error": {"code": code, "message": str}}. */
void assert_error(resp r, int status, const char *code)
{
    if (r.status != status)
        fail_msg("wanted %d, got %d: %s", status, r.status, r.body);
    json_t *j = th_json(r.body);
    json_t *e = json_object_get(j, "error");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    assert_true(json_string_length(json_object_get(e, "message")) > 0);
    assert_true(has_header(&r, "Content-Type: application/json"));
    json_decref(j);
    resp_free(&r);
}

/* Run wenda to completion, its output left unread; returns its exit status. */
int wenda_run(const char *const *args)
{
    th_run r = th_wenda_argv(NULL, NULL, args);
    int st = r.status;
    th_run_free(&r);
    return st;
}

/* Start wenda without waiting for it, its output discarded. */
pid_t wenda_spawn(const char *const *args)
{
    th_cmd cmd = { .args = args };
    return th_spawn(&cmd, NULL, NULL);
}

/* Servers started and not yet stopped: a test that fails half-way leaves
 * its server running, and a server that outlives this process would keep
 * CTest waiting on the output pipe it inherited. */
#define MAX_LIVE 16
static pid_t live[MAX_LIVE];

static void kill_live(void)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] > 0) {
            kill(live[i], SIGKILL);
            waitpid(live[i], NULL, 0);
            live[i] = 0;
        }
}

static void track_live(pid_t pid, int add)
{
    static int registered;
    if (!registered) {
        atexit(kill_live);
        registered = 1;
    }
    for (int i = 0; i < MAX_LIVE; i++)
        if (add ? live[i] == 0 : live[i] == pid) {
            live[i] = add ? pid : 0;
            return;
        }
}

srv serve_start(const char *index, const char *const *extra)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    const char *argv[32];
    int argc = 0;
    argv[argc++] = th_wenda_bin();
    argv[argc++] = "serve";
    argv[argc++] = "--index";
    argv[argc++] = index;
    argv[argc++] = "--listen";
    argv[argc++] = "127.0.0.1:0";
    argv[argc++] = "--reload-ms";
    argv[argc++] = "100";
    for (; extra && *extra && argc < 31; extra++)
        argv[argc++] = *extra;
    argv[argc] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        unsetenv("WENDA_DICT");
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    track_live(pid, 1);
    srv s = { pid, 0, out[0] };
    /* The first line names the address: "... listening on http://127.0.0.1:PORT/ ...". */
    char line[512];
    size_t len = 0;
    double deadline = now_s() + 30;
    while (len < sizeof line - 1 && now_s() < deadline) {
        struct pollfd p = { out[0], POLLIN, 0 };
        if (poll(&p, 1, 200) <= 0)
            continue;
        ssize_t n = read(out[0], line + len, 1);
        if (n <= 0)
            break;
        if (line[len++] == '\n')
            break;
    }
    line[len] = '\0';
    const char *at = strstr(line, "127.0.0.1:");
    if (!at)
        fail_msg("wenda serve did not say where it listens: '%s'", line);
    s.port = atoi(at + strlen("127.0.0.1:"));
    assert_true(s.port > 0);
    /* Wait for /healthz to answer (any status) with a deadline. */
    deadline = now_s() + 30;
    for (;;) {
        resp r = get(s.port, "/healthz");
        int st = r.status;
        resp_free(&r);
        if (st > 0)
            break;
        if (now_s() > deadline)
            fail_msg("/healthz did not answer within 30 s");
        sleep_ms(20);
    }
    return s;
}

/* SIGTERM and wait; returns the exit status. */
int serve_stop(srv *s)
{
    kill(s->pid, SIGTERM);
    int st;
    waitpid(s->pid, &st, 0);
    track_live(s->pid, 0);
    close(s->out_fd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
