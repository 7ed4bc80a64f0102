/*
 * serve_harness.h - the test harness of `wenda serve`, shared by the suites
 * that run the real service (test_serve, test_serve_write): start it on
 * loopback port 0 and read the port back from its first line, wait on
 * /healthz with a deadline, make requests over raw sockets (so malformed
 * escapes and invalid UTF-8 reach the server exactly as written) and stop
 * it with SIGTERM. A server a failing test leaves running is killed when
 * the suite exits.
 *
 * Include after <cmocka.h> and helpers.h.
 */
#ifndef WENDA_TESTS_SERVE_HARNESS_H
#define WENDA_TESTS_SERVE_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct srv {
    pid_t pid;
    int port;
    int out_fd;
} srv;

typedef struct resp {
    int status;
    char *head; /* status line and headers */
    char *body;
    size_t body_len;
} resp;

double now_s(void);
void sleep_ms(int ms);
/* A connection to 127.0.0.1:port; -1 when refused. */
int connect_to(int port);
/* A connection to 127.0.0.1:port from the loopback address `src`
 * ("127.0.0.2": another client, as far as the server can tell). */
int connect_from(int port, const char *src);
/* 1 when the server has closed fd (without an answer), 0 when it is open
 * and silent, -1 when it answered. Does not wait. */
int closed_now(int fd);
void send_all(int fd, const char *p, size_t n);
/* Read an answer until the server closes the connection. */
resp read_resp(int fd);
/* One request on a fresh connection; `extra` adds header lines ("Name:
 * value\r\n" each); a body (when not NULL) is sent with its Content-Length. */
resp http(int port, const char *method, const char *target, const char *extra, const char *body,
          size_t body_len);
resp get(int port, const char *target);
void resp_free(resp *r);
/* Whether the head holds `line` (case-insensitive). */
int has_header(const resp *r, const char *line);
/* An error response: the status and {"error": {"code": code, "message": str}};
 * frees r. */
void assert_error(resp r, int status, const char *code);
/* Run wenda to completion, its output left unread; returns its exit status. */
int wenda_run(const char *const *args);
/* Start wenda without waiting for it, its output discarded. */
pid_t wenda_spawn(const char *const *args);
/* Start `wenda serve --index INDEX --listen 127.0.0.1:0 --reload-ms 100
 * EXTRA...` (extra NULL-terminated, may be NULL) and wait until it answers. */
srv serve_start(const char *index, const char *const *extra);
/* SIGTERM and wait; returns the exit status. */
int serve_stop(srv *s);

#endif
