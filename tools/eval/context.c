/*
 * context.c - what every part of the evaluation uses of the run's context
 * (eval_internal.h): notes, paths, the temporary directory, the clock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "eval_internal.h"

void ev_note(ev_ctx *c, const char *fmt, ...)
{
    if (!c->o->note)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->o->note(c->o->note_ctx, msg);
}

char *ev_path(const char *dir, const char *rel)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s/%s", dir, rel);
    if (b.oom) {
        wd_buf_free(&b);
        return NULL;
    }
    return wd_buf_detach(&b);
}

int ev_exists(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0;
}

double ev_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void ev_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char *p = ev_path(path, e->d_name);
                if (p)
                    ev_rmtree(p);
                wd_free(p);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

int ev_tmp(ev_ctx *c, wd_error *err)
{
    if (c->tmp)
        return WD_OK;
    const char *parent = c->o->tmp_dir;
    if (!parent || !*parent)
        parent = getenv("TMPDIR");
    if (!parent || !*parent)
        parent = "/tmp";
    char *t = ev_path(parent, "wenda-eval-XXXXXX");
    if (!t)
        return wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    if (!mkdtemp(t)) {
        int e = errno;
        wd_free(t);
        return wd_error_set(err, WD_EIO, "eval", "%s: cannot make a temporary folder: %s", parent,
                            strerror(e));
    }
    c->tmp = t;
    return WD_OK;
}

/* "missing: A, B" for the paths that do not exist; returns how many. */
int ev_missing(char *note, size_t cap, const char *const *paths, size_t n)
{
    int k = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev_exists(paths[i]))
            continue;
        k++;
        if (used + 1 >= cap)
            continue; /* the note is full; the count goes on */
        int w = snprintf(note + used, cap - used, "%s%s",
                         k > 1 ? ", " : "missing: ", paths[i] ? paths[i] : "(out of memory)");
        if (w > 0)
            used += (size_t)w < cap - used ? (size_t)w : cap - used - 1;
    }
    return k;
}
