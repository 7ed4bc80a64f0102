/*
 * faultfs.c - a fault injector for the file system, loaded with LD_PRELOAD:
 * it counts the calls that write to files under one folder and makes the
 * Nth of them fail with ENOSPC, as a full disk does, so a test can sweep N
 * over a whole run and meet the disk filling up in every phase of it
 * (a batch flushed, a commit, compaction, the final move of the tables).
 *
 * Counted calls, on a file under $WD_FAULT_PATH only (a descriptor's path is
 * read from /proc/self/fd): write, pwrite, pwrite64, writev, pwritev, fsync,
 * fdatasync (a delayed allocation fails there), and rename and mkdir by
 * their target (a new directory entry can need a block). Everything else,
 * and every call on other files (the program's stdout and stderr, its
 * input), goes through untouched.
 *
 * The environment:
 *   WD_FAULT_PATH   the folder (a path prefix) whose files are counted;
 *                   unset: nothing is counted or failed
 *   WD_FAULT_AT     N >= 1: the Nth counted call fails with ENOSPC, and
 *                   (a disk that stays full) every one after it; 0 or
 *                   unset: none fails (to count a whole run)
 *   WD_FAULT_ONCE   1: only the Nth fails (space freed at once after)
 *   WD_FAULT_COUNT  a file that gets the number of counted calls, and the
 *                   kind of the first failed one, when the process exits
 *
 * The count is shared by every thread of the process. Used by
 * tests/test_crash.c and tools/faultsweep.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *watched; /* WD_FAULT_PATH, NULL: off */
static size_t watched_len;
static unsigned long fail_at; /* 0: never */
static int fail_once;
static atomic_ulong calls;
static atomic_int failed_kind = -1; /* the first failed call's kind */

enum kind { K_WRITE, K_PWRITE, K_WRITEV, K_FSYNC, K_RENAME, K_MKDIR, K_COUNT };
static const char *const kind_names[K_COUNT] = { "write", "pwrite", "writev",
                                                 "fsync", "rename", "mkdir" };

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_mkdir)(const char *, mode_t);

/* POSIX's way to store dlsym's answer in a function pointer. */
#define RESOLVE(name) (*(void **)&real_##name = dlsym(RTLD_NEXT, #name))

__attribute__((constructor)) static void faultfs_init(void)
{
    RESOLVE(write);
    RESOLVE(pwrite);
    RESOLVE(pwrite64);
    RESOLVE(writev);
    RESOLVE(pwritev);
    RESOLVE(fsync);
    RESOLVE(fdatasync);
    RESOLVE(rename);
    RESOLVE(mkdir);
    const char *p = getenv("WD_FAULT_PATH");
    if (p && *p) {
        watched = p;
        watched_len = strlen(p);
    }
    const char *at = getenv("WD_FAULT_AT");
    fail_at = at ? strtoul(at, NULL, 10) : 0;
    const char *once = getenv("WD_FAULT_ONCE");
    fail_once = once && strcmp(once, "1") == 0;
}

__attribute__((destructor)) static void faultfs_report(void)
{
    const char *file = getenv("WD_FAULT_COUNT");
    if (!file || !*file || !real_write)
        return;
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char line[96];
    int k = atomic_load(&failed_kind);
    int n = snprintf(line, sizeof line, "%lu %s\n", (unsigned long)atomic_load(&calls),
                     k >= 0 ? kind_names[k] : "-");
    if (n > 0)
        real_write(fd, line, (size_t)n);
    close(fd);
}

static int under_watch(const char *path)
{
    return path && strncmp(path, watched, watched_len) == 0 &&
           (path[watched_len] == '/' || path[watched_len] == '\0');
}

static int fd_under_watch(int fd)
{
    if (fd < 0)
        return 0;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return under_watch(path);
}

/* 1 when this call is to fail (errno set to ENOSPC). */
static int inject(int watched_call, enum kind kind)
{
    if (!watched || !watched_call)
        return 0;
    unsigned long n = atomic_fetch_add(&calls, 1) + 1;
    if (!fail_at || n < fail_at || (fail_once && n != fail_at))
        return 0;
    int none = -1;
    atomic_compare_exchange_strong(&failed_kind, &none, (int)kind);
    errno = ENOSPC;
    return 1;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    if (inject(watched && fd_under_watch(fd), K_WRITE))
        return -1;
    return real_write(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    if (inject(watched && fd_under_watch(fd), K_PWRITE))
        return -1;
    return real_pwrite(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    if (inject(watched && fd_under_watch(fd), K_PWRITE))
        return -1;
    return real_pwrite64(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    if (inject(watched && fd_under_watch(fd), K_WRITEV))
        return -1;
    return real_writev(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
    if (inject(watched && fd_under_watch(fd), K_WRITEV))
        return -1;
    return real_pwritev(fd, iov, n, off);
}

int fsync(int fd)
{
    if (inject(watched && fd_under_watch(fd), K_FSYNC))
        return -1;
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    if (inject(watched && fd_under_watch(fd), K_FSYNC))
        return -1;
    return real_fdatasync(fd);
}

int rename(const char *from, const char *to)
{
    if (inject(under_watch(to), K_RENAME))
        return -1;
    return real_rename(from, to);
}

int mkdir(const char *path, mode_t mode)
{
    if (inject(under_watch(path), K_MKDIR))
        return -1;
    return real_mkdir(path, mode);
}
