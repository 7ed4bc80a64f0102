/*
 * log.c - the service's lines on stderr (log.h).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void serve_logf(const char *fmt, ...)
{
    va_list ap;
    fputs("wenda: serve: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
