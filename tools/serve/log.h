/*
 * log.h - private: the service's lines on stderr.
 */
#ifndef WENDA_SERVE_LOG_H
#define WENDA_SERVE_LOG_H

/* A line on stderr: "wenda: serve: " + the formatted message. */
void serve_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
