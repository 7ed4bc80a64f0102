/*
 * error.c - the wd_error record, code names, and the allocation functions
 * with their failure-injection hook. Everything in wenda allocates through
 * wd_malloc and friends so tests can make any allocation fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wenda/error.h"

static wd_alloc_fail_fn fail_hook;
static void *fail_ctx;

void wd_alloc_set_fail_hook(wd_alloc_fail_fn fail, void *ctx)
{
    fail_hook = fail;
    fail_ctx = ctx;
}

void *wd_malloc(size_t n)
{
    if (fail_hook && fail_hook(fail_ctx, n))
        return NULL;
    return malloc(n ? n : 1);
}

void *wd_calloc(size_t count, size_t size)
{
    if (fail_hook && fail_hook(fail_ctx, count * size))
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *wd_realloc(void *p, size_t n)
{
    if (fail_hook && fail_hook(fail_ctx, n))
        return NULL;
    return realloc(p, n ? n : 1);
}

void wd_free(void *p)
{
    free(p);
}

char *wd_strndup(const char *s, size_t n)
{
    char *d = wd_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *wd_strdup(const char *s)
{
    return s ? wd_strndup(s, strlen(s)) : NULL;
}

int wd_error_setv(wd_error *err, int code, const char *origin, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->origin, sizeof err->origin, "%s", origin ? origin : "");
    if (fmt)
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    else
        err->message[0] = '\0';
    return code;
}

int wd_error_set(wd_error *err, int code, const char *origin, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wd_error_setv(err, code, origin, fmt, ap);
    va_end(ap);
    return code;
}

void wd_error_clear(wd_error *err)
{
    if (!err)
        return;
    err->code = WD_OK;
    err->origin[0] = '\0';
    err->message[0] = '\0';
}

const char *wd_code_name(int code)
{
    switch (code) {
    case WD_OK: return "ok";
    case WD_ENOMEM: return "nomem";
    case WD_EINVAL: return "invalid";
    case WD_ENOTFOUND: return "not_found";
    case WD_ELOCKED: return "locked";
    case WD_EMODIFIED: return "modified";
    case WD_ECORRUPT: return "corrupt";
    case WD_EIO: return "io";
    case WD_EENCODING: return "encoding";
    case WD_EFORMAT: return "format";
    case WD_ESTOP: return "stopped";
    case WD_ENETWORK: return "network";
    case WD_EINTERNAL: return "internal";
    default: return "error";
    }
}
