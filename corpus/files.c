/*
 * files.c - which files the paths a user names stand for: the folder walk
 * behind `wenda index PATH...` (wd_corpus_files in wenda/corpus.h).
 *
 * A named file is taken as it is. A named folder is walked in two passes.
 * The first reads the folder's own entries (name order, recursively,
 * hidden ones left out) without following any symbolic link: every link
 * met is queued. The second takes the queued links in order: a link whose
 * file or folder is already taken is left out (so a file is read once,
 * under its own path, however many links lead to it), a link back to a
 * folder that holds it is a loop and left out, and a link whose target
 * lies outside the named folder (by real path) is followed only with
 * WD_FILES_FOLLOW_LINKS; a folder reached through a link is walked the
 * same way, its own links queued behind the others. Identity is the
 * (device, inode) pair, kept for every file and folder taken during the
 * whole life of the list, so overlapping paths (`kb kb/sub`) and hard
 * links are read once too. Every link left out goes to the diagnostic
 * callback with the reason and what to do, as does a folder or entry that
 * cannot be read.
 *
 * A folder's regular file whose name is of no input format (README.md, a
 * picture) is reported (WD_DIAG_ERROR, code WD_EFORMAT) and not taken,
 * unless WD_FILES_ANY_NAME says the caller names the format.
 *
 * Nothing is held open while walking (a folder's names are read, sorted,
 * and the folder closed before descending), and the walk's depth is the
 * depth of real folders: a loop cannot make it grow.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grow.h"
#include "reader.h"

struct wd_corpus_files {
    unsigned flags;
    wd_diag_fn diag;
    void *ctx;
    wd_buf names;  /* every path kept, NUL-terminated, one after the other */
    size_t *files; /* offsets in names of the files taken, in order */
    size_t n, cap;
    wd_strmap seen; /* (device, inode) -> offset in names + 1 of where it was taken */
    /* The links queued by the walk of the current named folder. */
    size_t *links; /* offsets in names */
    size_t nlinks, caplinks;
    char root[PATH_MAX]; /* the real path of the current named folder */
};

static const char *name_at(const wd_corpus_files *f, size_t off)
{
    return f->names.data + off;
}

/* Keep a path; its offset in *off. */
static int keep(wd_corpus_files *f, const char *path, size_t *off)
{
    *off = f->names.len;
    if (wd_buf_append(&f->names, path, strlen(path) + 1) != WD_OK)
        return WD_ENOMEM;
    return WD_OK;
}

static void report(wd_corpus_files *f, int level, const char *path, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void report(wd_corpus_files *f, int level, const char *path, int code, const char *fmt, ...)
{
    if (!f->diag)
        return;
    /* File names are bytes: one in another encoding (a GBK name) must
     * not make the diagnostic invalid UTF-8. */
    char msg[WD_ERROR_MESSAGE_MAX], file[PATH_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(file, sizeof file, "%s", path);
    wd_utf8_scrub(msg);
    wd_utf8_scrub(file);
    f->diag(f->ctx, level, file, 0, code, msg);
}

static int corpus_ext(const char *name)
{
    static const char *const exts[] = { "txt", "jsonl", "json", "ndjson", "tsv", "csv" };
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 0;
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (strcmp(dot + 1, exts[i]) == 0)
            return 1;
    return 0;
}

/* Where the file or folder with this identity was taken (borrowed), or
 * NULL when it was not. With `take`, it is taken now under `path_off`.
 * WD_ENOMEM leaves *where NULL and returns the code. */
static int seen(wd_corpus_files *f, const struct stat *st, int take, size_t path_off,
                const char **where)
{
    unsigned char key[sizeof st->st_dev + sizeof st->st_ino];
    memcpy(key, &st->st_dev, sizeof st->st_dev);
    memcpy(key + sizeof st->st_dev, &st->st_ino, sizeof st->st_ino);
    *where = NULL;
    size_t *v = wd_strmap_get(&f->seen, (const char *)key, sizeof key);
    if (v) {
        *where = name_at(f, *v - 1);
        return WD_OK;
    }
    if (!take)
        return WD_OK;
    v = wd_strmap_put(&f->seen, (const char *)key, sizeof key, NULL);
    if (!v)
        return WD_ENOMEM;
    *v = path_off + 1;
    return WD_OK;
}

static int add_file(wd_corpus_files *f, size_t off)
{
    if (WD_GROW(f->files, f->cap, f->n + 1, 64) != WD_OK)
        return WD_ENOMEM;
    f->files[f->n++] = off;
    return WD_OK;
}

/* A regular file found at path (kept at off): taken unless already. */
static int take_file(wd_corpus_files *f, const char *path, size_t off, const struct stat *st)
{
    const char *where;
    int rc = seen(f, st, 1, off, &where);
    if (rc != WD_OK)
        return rc;
    if (where) {
        report(f, WD_DIAG_WARNING, path, WD_EINVAL, "the same file as %s, which is read; left out",
               where);
        return WD_OK;
    }
    return add_file(f, off);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wd_free(v[i]);
    wd_free(v);
}

/* The entries of a folder, "dir/name" each (new), sorted, hidden ones left
 * out; the folder is closed on return. WD_EIO (errno in *e), WD_ENOMEM. */
static int list_dir(const char *dir, char ***out, size_t *nout, int *e)
{
    *out = NULL;
    *nout = 0;
    DIR *d = opendir(dir);
    if (!d) {
        *e = errno;
        return WD_EIO;
    }
    char **v = NULL;
    size_t n = 0, cap = 0;
    int rc = WD_OK;
    wd_buf p = WD_BUF_INIT;
    struct dirent *de;
    for (;;) {
        errno = 0;
        if (!(de = readdir(d))) {
            if (errno) {
                *e = errno;
                rc = WD_EIO;
            }
            break;
        }
        if (de->d_name[0] == '.')
            continue;
        wd_buf_reset(&p);
        wd_buf_printf(&p, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
                      de->d_name);
        char *s = p.oom ? NULL : wd_strdup(p.data);
        if (!s || WD_GROW(v, cap, n + 1, 16) != WD_OK) {
            wd_free(s);
            rc = WD_ENOMEM;
            break;
        }
        v[n++] = s;
    }
    closedir(d);
    wd_buf_free(&p);
    if (rc != WD_OK) {
        free_names(v, n);
        return rc;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    *nout = n;
    return WD_OK;
}

/* The first pass over a folder already taken: its files and folders,
 * links queued. A folder the user named must be readable (else err); below
 * it, one that is not is reported and passed over. */
static int walk(wd_corpus_files *f, const char *dir, int named, wd_error *err)
{
    char **names;
    size_t n;
    int e = 0;
    int rc = list_dir(dir, &names, &n, &e);
    if (rc == WD_EIO && named)
        return wd_error_set(err, WD_EIO, RD_ORIGIN, "%s: cannot read the folder: %s", dir,
                            strerror(e));
    if (rc == WD_EIO) {
        report(f, WD_DIAG_ERROR, dir, WD_EIO, "cannot read the folder: %s; its files were left out",
               strerror(e));
        return WD_OK;
    }
    for (size_t i = 0; rc == WD_OK && i < n; i++) {
        const char *path = names[i];
        struct stat st;
        if (lstat(path, &st) != 0) {
            report(f, WD_DIAG_ERROR, path, WD_EIO, "cannot read: %s; left out", strerror(errno));
            continue;
        }
        size_t off;
        if (S_ISLNK(st.st_mode)) {
            if ((rc = keep(f, path, &off)) == WD_OK &&
                WD_GROW(f->links, f->caplinks, f->nlinks + 1, 16) != WD_OK)
                rc = WD_ENOMEM;
            if (rc == WD_OK)
                f->links[f->nlinks++] = off;
        } else if (S_ISDIR(st.st_mode)) {
            const char *where;
            if ((rc = keep(f, path, &off)) == WD_OK &&
                (rc = seen(f, &st, 1, off, &where)) == WD_OK) {
                if (where)
                    report(f, WD_DIAG_WARNING, path, WD_EINVAL,
                           "the same folder as %s, which is read; left out", where);
                else
                    rc = walk(f, path, 0, NULL);
            }
        } else if (corpus_ext(path) || (f->flags & WD_FILES_ANY_NAME)) {
            if (!S_ISREG(st.st_mode))
                report(f, WD_DIAG_WARNING, path, WD_EINVAL,
                       "not a regular file (a pipe, socket or device); left out");
            else if ((rc = keep(f, path, &off)) == WD_OK)
                rc = take_file(f, path, off, &st);
        } else if (S_ISREG(st.st_mode)) {
            report(f, WD_DIAG_ERROR, path, WD_EFORMAT,
                   "no input format by its name (.txt, .jsonl, .json, .ndjson, .tsv or .csv); "
                   "not read: --input-format seed|jsonl|tsv|csv reads every file of the "
                   "folder as that format");
        }
    }
    free_names(names, n);
    return rc;
}

/* The folder that holds `path` (its real path) into out. */
static int parent_real(const char *path, char out[PATH_MAX])
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return -1;
    return realpath(dir, out) ? 0 : -1;
}

/* Is the real path `p` the folder `dir` or inside it? */
static int inside(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return 1;
    return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* The second pass: one queued link. */
static int follow(wd_corpus_files *f, size_t link_off)
{
    char path[PATH_MAX + 1];
    snprintf(path, sizeof path, "%s", name_at(f, link_off)); /* names may move */
    struct stat st;
    char real[PATH_MAX];
    if (stat(path, &st) != 0 || !realpath(path, real)) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            report(f, WD_DIAG_WARNING, path, WD_ENOTFOUND,
                   "a symbolic link to nothing (its target does not exist); left out");
        else if (e == ELOOP)
            report(f, WD_DIAG_WARNING, path, WD_EINVAL,
                   "a symbolic link that leads back to itself; left out");
        else
            report(f, WD_DIAG_ERROR, path, WD_EIO, "cannot follow the symbolic link: %s; left out",
                   strerror(e));
        return WD_OK;
    }
    int is_dir = S_ISDIR(st.st_mode);
    if (!is_dir && !corpus_ext(path) && !(f->flags & WD_FILES_ANY_NAME))
        return WD_OK; /* not a corpus file by its name: a link is not reported */
    if (!is_dir && !S_ISREG(st.st_mode)) {
        report(f, WD_DIAG_WARNING, path, WD_EINVAL,
               "a link to something that is not a regular file (a pipe, socket or device); left "
               "out");
        return WD_OK;
    }
    char holder[PATH_MAX];
    if (is_dir && parent_real(path, holder) == 0 && inside(holder, real)) {
        report(f, WD_DIAG_WARNING, path, WD_EINVAL,
               "a symbolic link back to %s, a folder that holds it (a loop); left out", real);
        return WD_OK;
    }
    const char *where;
    int rc = seen(f, &st, 0, 0, &where);
    if (rc != WD_OK)
        return rc;
    if (where) {
        report(f, WD_DIAG_WARNING, path, WD_EINVAL,
               "a symbolic link to %s, which is read; left out", where);
        return WD_OK;
    }
    if (!(f->flags & WD_FILES_FOLLOW_LINKS) && !inside(real, f->root)) {
        report(f, WD_DIAG_WARNING, path, WD_EINVAL,
               "a symbolic link out of the folder being read (to %s); left out (pass "
               "--follow-links to read what links lead to)",
               real);
        return WD_OK;
    }
    if (!is_dir)
        return take_file(f, path, link_off, &st);
    if ((rc = seen(f, &st, 1, link_off, &where)) != WD_OK)
        return rc;
    return walk(f, path, 0, NULL);
}

int wd_corpus_files_new(wd_corpus_files **out, unsigned flags, wd_diag_fn diag, void *ctx,
                        wd_error *err)
{
    if (!out)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN, "wd_corpus_files_new: out is NULL");
    *out = wd_calloc(1, sizeof **out);
    if (!*out)
        return wd_error_set(err, WD_ENOMEM, RD_ORIGIN, "out of memory");
    (*out)->flags = flags;
    (*out)->diag = diag;
    (*out)->ctx = ctx;
    (*out)->seen = (wd_strmap)WD_STRMAP_INIT(sizeof(size_t));
    return WD_OK;
}

void wd_corpus_files_free(wd_corpus_files *f)
{
    if (!f)
        return;
    wd_buf_free(&f->names);
    wd_free(f->files);
    wd_free(f->links);
    wd_strmap_clear(&f->seen);
    wd_free(f);
}

static int add_folder(wd_corpus_files *f, const char *path, size_t off, const struct stat *st,
                      wd_error *err)
{
    if (!realpath(path, f->root))
        return wd_error_set(err, WD_EIO, RD_ORIGIN, "%s: %s", path, strerror(errno));
    const char *where;
    int rc = seen(f, st, 1, off, &where);
    if (rc != WD_OK)
        return rc;
    if (where) {
        report(f, WD_DIAG_WARNING, path, WD_EINVAL,
               "the same folder as %s, which is read; left out", where);
        return WD_OK;
    }
    f->nlinks = 0;
    rc = walk(f, path, 1, err);
    for (size_t i = 0; rc == WD_OK && i < f->nlinks; i++)
        rc = follow(f, f->links[i]);
    return rc;
}

int wd_corpus_files_add(wd_corpus_files *f, const char *path, wd_error *err)
{
    wd_error_clear(err);
    if (!f || !path || !*path)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN, "no file or folder name given");
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return wd_error_set(err, WD_ENOTFOUND, RD_ORIGIN, "%s: no such file or folder", path);
        return wd_error_set(err, WD_EIO, RD_ORIGIN, "%s: %s", path, strerror(e));
    }
    size_t off;
    int rc = keep(f, path, &off);
    if (rc == WD_OK) {
        if (S_ISDIR(st.st_mode))
            rc = add_folder(f, path, off, &st, err);
        else if (S_ISREG(st.st_mode))
            rc = take_file(f, path, off, &st);
        else
            rc = add_file(f, off); /* a pipe the user named (<(...)): read as it comes */
    }
    if (rc == WD_ENOMEM)
        return wd_error_set(err, WD_ENOMEM, RD_ORIGIN, "%s: out of memory", path);
    return rc;
}

size_t wd_corpus_files_count(const wd_corpus_files *f)
{
    return f ? f->n : 0;
}

const char *wd_corpus_files_path(const wd_corpus_files *f, size_t i)
{
    return f && i < f->n ? name_at(f, f->files[i]) : NULL;
}
