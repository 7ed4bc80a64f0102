/*
 * folder.c - an index folder on disk: claiming it for a writer (mkdir -p,
 * the lock file, finishing an install a crash interrupted) and the build
 * folder where new databases are made before they are installed.
 *
 * Next to Xapian's own lock a writer holds an flock on DIR/wenda.lock
 * containing its pid, so that a second writer is told who holds the index
 * (Xapian's lock cannot say). A new index is compacted into
 * DIR/.wenda-build/merged and moved over DIR's tables by the shim, with a
 * list that lets the next writer finish the move after a crash; the claim
 * does that before anything else touches the folder.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "folder.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wenda/buf.h"
#include "wenda/index.h"
#include "xapian_c.h"

struct wd_folder {
    int fd;
    char *lock_path;
};

int wd_folder_make(const char *path, wd_error *err)
{
    char *p = wd_strdup(path);
    if (!p)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                int rc = wd_error_set(err, WD_EIO, "index", "%s: cannot create directory: %s", p,
                                      strerror(e));
                wd_free(p);
                return rc;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    wd_free(p);
    return WD_OK;
}

static int remove_one(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(fpath);
    return 0;
}

void wd_folder_remove(const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0)
        nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *wd_folder_join(const char *dir, const char *name)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s/%s", dir, name);
    return b.oom ? (wd_buf_free(&b), NULL) : wd_buf_detach(&b);
}

int wd_folder_install(const char *dir, const char *build_dir, int *begun, wd_error *err)
{
    *begun = 0;
    char *merged = wd_folder_join(build_dir, WD_FOLDER_MERGED);
    if (!merged)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    int rc = xc_db_install(merged, dir, err);
    if (rc != WD_OK && !xc_dir_has_db(dir)) {
        /* The move had begun: try once more to finish it (a failure that
         * passed, such as space freed meanwhile), else leave it to the next
         * writer's claim and say so. */
        wd_error again;
        wd_error_clear(&again);
        if (xc_db_install_recover(merged, dir, NULL, &again) == WD_OK && xc_dir_has_db(dir)) {
            rc = WD_OK;
        } else {
            *begun = 1;
            char msg[WD_ERROR_MESSAGE_MAX];
            snprintf(msg, sizeof msg, "%s", err->message);
            wd_error_set(err, rc, WD_FOLDER_HALF_INSTALLED,
                         "%s; the new index is half moved into place: the next `wenda index "
                         "--index %s` finishes the move (until then the index cannot be read)",
                         msg, dir);
        }
    }
    if (!*begun)
        wd_folder_remove(build_dir);
    wd_free(merged);
    return rc;
}

/* A build that a crash interrupted while its database was being installed:
 * finish it. Any other build folder is what a killed run left (we hold the
 * lock): drop it. */
static int recover_install(const char *dir, wd_error *err)
{
    char *build_dir = wd_folder_join(dir, WD_FOLDER_BUILD);
    char *merged = build_dir ? wd_folder_join(build_dir, WD_FOLDER_MERGED) : NULL;
    char *rebuild = wd_folder_join(dir, WD_FOLDER_REBUILD);
    int rc = merged && rebuild ? xc_db_install_recover(merged, dir, NULL, err)
                               : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK) {
        wd_folder_remove(build_dir);
        wd_folder_remove(rebuild); /* a rebuild a killed run left: the old index stays */
    }
    wd_free(rebuild);
    wd_free(build_dir);
    wd_free(merged);
    return rc;
}

static int take_lock(wd_folder *f, const char *dir, wd_error *err)
{
    if (!(f->lock_path = wd_folder_join(dir, "wenda.lock")))
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    int fd = open(f->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return wd_error_set(err, WD_EIO, "index", "%s: cannot open lock file: %s", f->lock_path,
                            strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        if (n > 0)
            pid[n] = '\0';
        pid[strcspn(pid, "\r\n")] = '\0';
        close(fd);
        return wd_error_set(err, WD_ELOCKED, "index",
                            "%s: index is locked by another wenda index (pid %s); wait for it to "
                            "finish or stop it",
                            dir, pid[0] ? pid : "unknown");
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        close(fd);
        return wd_error_set(err, WD_EIO, "index", "%s: cannot write lock file: %s", f->lock_path,
                            strerror(errno));
    }
    f->fd = fd;
    return WD_OK;
}

int wd_folder_claim(wd_folder **out, const char *dir, wd_error *err)
{
    *out = NULL;
    wd_folder *f = wd_calloc(1, sizeof *f);
    if (!f)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    f->fd = -1;
    int rc = wd_folder_make(dir, err);
    if (rc == WD_OK)
        rc = take_lock(f, dir, err);
    if (rc == WD_OK)
        rc = recover_install(dir, err);
    if (rc != WD_OK) {
        wd_folder_release(f);
        return rc;
    }
    *out = f;
    return WD_OK;
}

void wd_folder_release(wd_folder *f)
{
    if (!f)
        return;
    if (f->fd >= 0) {
        /* Empty the pid before unlocking so a stale pid is never reported. */
        if (ftruncate(f->fd, 0) != 0) {
            /* nothing useful to do: the flock is what guards the index */
        }
        flock(f->fd, LOCK_UN);
        close(f->fd);
    }
    wd_free(f->lock_path);
    wd_free(f);
}

int wd_index_store_file(const char *path, const char *name, const char *data, size_t len,
                        wd_error *err)
{
    if (!path || !*path || !name || !*name || strchr(name, '/'))
        return wd_error_set(err, WD_EINVAL, "index", "no index folder or file name given");
    struct stat st;
    if (strchr(path, ',') || stat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
        !(xc_dir_has_db(path) || xc_path_is_stub(path)))
        return wd_error_set(err, WD_ENOTFOUND, "index",
                            "%s: not an index folder (a shard list or a remote shard has no "
                            "folder to keep %s in)",
                            path, name);
    wd_folder *f = NULL;
    int rc = wd_folder_claim(&f, path, err);
    char *file = rc == WD_OK ? wd_folder_join(path, name) : NULL;
    wd_buf tmp = WD_BUF_INIT;
    if (rc == WD_OK && file)
        wd_buf_printf(&tmp, "%s.tmp", file);
    if (rc == WD_OK && (!file || tmp.oom))
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    int fd = rc == WD_OK ? open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    if (rc == WD_OK && fd < 0)
        rc = wd_error_set(err, WD_EIO, "index", "%s: cannot write: %s", tmp.data, strerror(errno));
    for (size_t done = 0; rc == WD_OK && done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = wd_error_set(err, WD_EIO, "index", "%s: cannot write: %s", tmp.data,
                              strerror(errno));
        else
            done += (size_t)n;
    }
    if (rc == WD_OK && fsync(fd) != 0)
        rc = wd_error_set(err, WD_EIO, "index", "%s: cannot sync: %s", tmp.data, strerror(errno));
    if (fd >= 0 && close(fd) != 0 && rc == WD_OK)
        rc = wd_error_set(err, WD_EIO, "index", "%s: cannot write: %s", tmp.data, strerror(errno));
    if (rc == WD_OK && rename(tmp.data, file) != 0)
        rc = wd_error_set(err, WD_EIO, "index", "%s: cannot write: %s", file, strerror(errno));
    if (rc != WD_OK && fd >= 0)
        unlink(tmp.data);
    wd_buf_free(&tmp);
    wd_free(file);
    wd_folder_release(f);
    return rc;
}

void wd_index_drop_scratch(const char *path)
{
    if (!path || !*path)
        return;
    char *build_dir = wd_folder_join(path, WD_FOLDER_BUILD);
    char *merged = build_dir ? wd_folder_join(build_dir, WD_FOLDER_MERGED) : NULL;
    char *rebuild = wd_folder_join(path, WD_FOLDER_REBUILD);
    if (merged && !xc_db_install_pending(merged))
        wd_folder_remove(build_dir);
    if (rebuild)
        wd_folder_remove(rebuild);
    wd_free(build_dir);
    wd_free(merged);
    wd_free(rebuild);
}
