/*
 * wenda/error.h - return codes, the caller-owned error record, and the
 * allocation hooks every wenda module allocates through.
 *
 * Every fallible wenda function returns an int: WD_OK (0) or one of the
 * small negative WD_E* codes below, and takes a caller-owned `wd_error *err`
 * as its last parameter (which may be NULL when the caller does not want the
 * details). On failure the function fills `err` with the code, an origin
 * (the layer that failed, e.g. "xapian:DatabaseLockError", "icu", "corpus")
 * and a human-readable message.
 *
 * Thread safety: wd_error is a plain value; use one per thread.
 */
#ifndef WENDA_ERROR_H
#define WENDA_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum wd_code {
    WD_OK = 0,
    WD_ERROR = -1,     /* generic failure */
    WD_ENOMEM = -2,    /* out of memory */
    WD_EINVAL = -3,    /* invalid argument or usage */
    WD_ENOTFOUND = -4, /* index, record, file or key not found */
    WD_ELOCKED = -5,   /* index locked by another writer */
    WD_EMODIFIED = -6, /* database modified under a reader: reopen and retry */
    WD_ECORRUPT = -7,  /* index or data corrupt */
    WD_EIO = -8,       /* I/O error (read, write, disk full) */
    WD_EENCODING = -9, /* input not in the expected encoding */
    WD_EFORMAT = -10,  /* malformed input (bad line, bad JSON, bad header) */
    WD_ESTOP = -11,    /* a callback asked to stop; passed up unchanged */
    WD_ENETWORK = -12, /* remote backend unreachable or timed out */
    WD_EINTERNAL = -13 /* bug: an invariant did not hold */
};

#define WD_ERROR_ORIGIN_MAX 64
#define WD_ERROR_MESSAGE_MAX 1024

typedef struct wd_error {
    int code;
    char origin[WD_ERROR_ORIGIN_MAX];
    char message[WD_ERROR_MESSAGE_MAX];
} wd_error;

/* Fill `err` (if not NULL) and return `code`, so callers can write
 * `return wd_error_set(err, WD_EINVAL, "corpus", "bad %s", x);`. */
int wd_error_set(wd_error *err, int code, const char *origin, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
int wd_error_setv(wd_error *err, int code, const char *origin, const char *fmt, va_list ap);

/* Reset to WD_OK with empty origin and message. NULL is a no-op. */
void wd_error_clear(wd_error *err);

/* A short stable name for a code: "ok", "nomem", "invalid", "not_found",
 * "locked", "modified", "corrupt", "io", "encoding", "format", "stopped",
 * "network", "internal", "error". Used as the JSON error "code". */
const char *wd_code_name(int code);

/* Allocation. Every wenda allocation goes through these so that tests can
 * inject failures. wd_free(NULL) is a no-op. wd_malloc(0) returns a valid
 * unique pointer. */
void *wd_malloc(size_t n);
void *wd_calloc(size_t count, size_t size);
void *wd_realloc(void *p, size_t n);
void wd_free(void *p);
char *wd_strdup(const char *s);
char *wd_strndup(const char *s, size_t n);

/* Test hook: when set, `fail(ctx, n)` is asked before each allocation and a
 * non-zero answer makes that allocation fail. Pass NULL to restore. Not
 * thread safe: set it before starting threads. */
typedef int (*wd_alloc_fail_fn)(void *ctx, size_t n);
void wd_alloc_set_fail_hook(wd_alloc_fail_fn fail, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
