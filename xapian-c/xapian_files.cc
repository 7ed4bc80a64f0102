/*
 * xapian_files.cc - a Xapian database's files on disk: the part of the shim
 * that knows Xapian's layout rather than its API (xapian_c.h, "a database's
 * files").
 *
 * A glass database is a folder holding one file per table and the version
 * file iamglass, which Xapian writes last when it creates a database, so
 * tables without it are the leftovers of an interrupted create. A stub
 * database is a text file (or a folder's XAPIANDB) listing databases one
 * per line: `auto PATH` or `glass PATH` (relative paths are relative to the
 * stub's folder) and `remote HOST:PORT`, among backends we do not use. The
 * functions here size, sync, remove and install databases and read and
 * write stubs, with plain POSIX calls: none opens a database. Installing a
 * built database over another moves the tables one by one behind a list of
 * them (wenda.ready), so that a crash in between can be finished.
 *
 * Every extern "C" function catches everything (std::bad_alloc from the
 * strings and vectors used here) and hands it to xc_fail, the shim's one
 * translator; the predicates, which have no error to fill, answer 0.
 */
#include "xapian_c.h"
#include "xc_private.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace
{

const char *const TABLES[] = { "postlist.glass", "termlist.glass", "position.glass",
                               "docdata.glass",  "spelling.glass", "synonym.glass" };
const size_t N_TABLES = sizeof TABLES / sizeof *TABLES;
const char VERSION_FILE[] = "iamglass";
/* Xapian's lock file, in a database that was opened for writing. */
const char LOCK_FILE[] = "flintlock";
const char STUB_FILE[] = "XAPIANDB";
/* The list of an install under way, in the source folder. */
const char READY_FILE[] = "wenda.ready";
/* Stubs listing stubs: deeper ones are left to Xapian. */
const int MAX_STUB_DEPTH = 4;
/* A stub line this long is not one we wrote or can read. */
const size_t MAX_STUB_LINE = 4096;

std::string join(const char *dir, const char *name)
{
    std::string s(dir);
    s += '/';
    s += name;
    return s;
}

bool exists(const std::string &path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

bool is_file(const std::string &path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string &path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_remote(const char *spec)
{
    return strncmp(spec, "tcp://", 6) == 0;
}

int io_error(wd_error *err, const std::string &path, const char *what)
{
    int e = errno;
    return wd_error_set(err, WD_EIO, XC_ORIGIN, "%s: %s: %s", path.c_str(), what, strerror(e));
}

/* fsync a file or folder; a missing one is fine. */
int sync_path(const std::string &path, wd_error *err)
{
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? WD_OK : io_error(err, path, "cannot open");
    int rc = fsync(fd) == 0 ? WD_OK : io_error(err, path, "cannot sync");
    close(fd);
    return rc;
}

/* The stub file behind `path` ("" when path is no stub): the file itself,
 * or a folder's XAPIANDB when the folder holds no database (Xapian's
 * order). */
std::string stub_file_of(const std::string &path)
{
    if (is_file(path))
        return path;
    if (!is_dir(path) || is_file(join(path.c_str(), VERSION_FILE)))
        return std::string();
    std::string stub = join(path.c_str(), STUB_FILE);
    return is_file(stub) ? stub : std::string();
}

/* Read one stub file's lines into shards, expanding nested stubs. `lines`
 * (may be NULL) counts this file's database lines, all of them even after
 * an unknown one. */
void read_stub(const std::string &file, int depth, std::vector<std::string> &shards, size_t *lines,
               bool &unknown)
{
    FILE *f = fopen(file.c_str(), "r");
    if (!f) {
        unknown = true; /* let Xapian report it */
        return;
    }
    size_t slash = file.rfind('/');
    std::string dir = slash == std::string::npos ? std::string() : file.substr(0, slash + 1);
    std::vector<char> buf(MAX_STUB_LINE);
    char *line = buf.data();
    try {
        while ((!unknown || lines) && fgets(line, (int)MAX_STUB_LINE, f)) {
            size_t len = strlen(line);
            if (len == MAX_STUB_LINE - 1 && line[len - 1] != '\n') {
                unknown = true;
                if (!lines)
                    break;
                int c;
                while ((c = fgetc(f)) != EOF && c != '\n') {
                }
                ++*lines;
                continue;
            }
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                line[--len] = '\0';
            if (len == 0 || line[0] == '#')
                continue;
            if (lines)
                ++*lines;
            if (unknown)
                continue; /* only counting now */
            char *arg = strchr(line, ' ');
            if (!arg) {
                unknown = true;
                continue;
            }
            *arg++ = '\0';
            std::string spec;
            const char *colon = strrchr(arg, ':'), *bracket = strrchr(arg, ']');
            if (strcmp(line, "auto") == 0 || strcmp(line, "glass") == 0) {
                if (!*arg) {
                    unknown = true;
                    continue;
                }
                spec = arg[0] == '/' ? std::string(arg) : dir + arg;
            } else if (strcmp(line, "remote") == 0 && arg[0] != ':' && colon && colon[1] != '\0' &&
                       (!bracket || bracket < colon)) {
                spec = std::string("tcp://") + arg;
            } else {
                unknown = true; /* remote :PROGRAM, inmemory, chert, ... */
                continue;
            }
            std::string nested = is_remote(spec.c_str()) ? std::string() : stub_file_of(spec);
            if (nested.empty())
                shards.push_back(spec);
            else if (depth + 1 < MAX_STUB_DEPTH)
                read_stub(nested, depth + 1, shards, nullptr, unknown);
            else
                unknown = true;
        }
    } catch (...) {
        fclose(f);
        throw;
    }
    fclose(f);
}

/* The bytes of the database files in `dir` (0 for none). */
uint64_t tables_size(const char *dir)
{
    uint64_t total = 0;
    for (size_t i = 0; i <= N_TABLES; i++) {
        struct stat st;
        if (stat(join(dir, i < N_TABLES ? TABLES[i] : VERSION_FILE).c_str(), &st) == 0)
            total += (uint64_t)st.st_size;
    }
    return total;
}

/* Write src/wenda.ready, the list of src's tables (have[i] set for each),
 * under a temporary name and renamed: a crash while writing must not
 * leave a short list that recovery would trust. */
int write_ready(const std::string &src, bool *have, wd_error *err)
{
    std::string ready = join(src.c_str(), READY_FILE);
    std::string tmp = ready + ".tmp";
    FILE *f = fopen(tmp.c_str(), "w");
    for (size_t i = 0; f && i < N_TABLES; i++)
        if (exists(join(src.c_str(), TABLES[i]))) {
            fprintf(f, "%s\n", TABLES[i]);
            have[i] = true;
        }
    int rc = WD_OK;
    if (!f || fflush(f) != 0 || fsync(fileno(f)) != 0)
        rc = io_error(err, tmp, "cannot write");
    if (f)
        fclose(f);
    if (rc == WD_OK && rename(tmp.c_str(), ready.c_str()) != 0)
        rc = io_error(err, ready, "cannot write");
    return rc == WD_OK ? sync_path(src, err) : rc;
}

/* Read the list written by write_ready. */
int read_ready(const std::string &src, bool *have, wd_error *err)
{
    std::string ready = join(src.c_str(), READY_FILE);
    FILE *f = fopen(ready.c_str(), "r");
    if (!f)
        return io_error(err, ready, "cannot read");
    char line[64];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        for (size_t i = 0; i < N_TABLES; i++)
            if (!strcmp(line, TABLES[i]))
                have[i] = true;
    }
    fclose(f);
    return WD_OK;
}

/* Remove an installed source folder: the list last, so that a crash
 * before finds the install finished. Left when it holds anything else. */
void remove_source(const std::string &src)
{
    unlink(join(src.c_str(), LOCK_FILE).c_str());
    unlink(join(src.c_str(), READY_FILE).c_str());
    rmdir(src.c_str());
}

/* Move the tables listed in `have` from src to dest, the version file
 * last (dest's own removed first), sync dest, then drop the list and the
 * emptied src. A listed table already gone from src was moved before a
 * crash. */
int move_tables(const std::string &src, const std::string &dest, const bool *have, wd_error *err)
{
    unlink(join(dest.c_str(), VERSION_FILE).c_str());
    for (size_t i = 0; i <= N_TABLES; i++) {
        const char *name = i < N_TABLES ? TABLES[i] : VERSION_FILE;
        std::string from = join(src.c_str(), name), to = join(dest.c_str(), name);
        if (i < N_TABLES && !have[i])
            unlink(to.c_str()); /* a table the new database does not have */
        else if (exists(from) && rename(from.c_str(), to.c_str()) != 0)
            return io_error(err, to, "cannot move the built database into place");
    }
    int rc = sync_path(dest, err);
    if (rc == WD_OK)
        remove_source(src);
    return rc;
}

/* A new, NUL-terminated wd_malloc'ed copy. */
char *copy_out(const std::string &s)
{
    char *d = wd_strndup(s.data(), s.size());
    if (!d)
        throw std::bad_alloc();
    return d;
}

/* Tables without a version file: 0 none, 1 only empty ones (what a create
 * stopped before its version file leaves), 2 one with content (what a
 * damaged or half-installed database leaves). */
int orphan_tables(const char *dir)
{
    struct stat st;
    if (stat(join(dir, VERSION_FILE).c_str(), &st) == 0 || errno != ENOENT)
        return 0;
    int found = 0;
    for (size_t i = 0; i < N_TABLES; i++)
        if (stat(join(dir, TABLES[i]).c_str(), &st) == 0)
            found = st.st_size > 0 ? 2 : found > 0 ? found : 1;
    return found;
}

} // namespace

extern "C" {

int xc_dir_has_db(const char *dir)
{
    try {
        return dir && *dir && exists(join(dir, VERSION_FILE)) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

int xc_db_file_stamp(const char *dir, xc_db_stamp *out)
{
    std::memset(out, 0, sizeof *out);
    try {
        struct stat st;
        if (!dir || !*dir || stat(join(dir, VERSION_FILE).c_str(), &st) != 0)
            return 0;
        out->ino = (unsigned long long)st.st_ino;
        out->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        out->size = (long long)st.st_size;
        return 1;
    } catch (...) {
        return 0;
    }
}

int xc_dir_has_interrupted_create(const char *dir)
{
    try {
        return dir && *dir && orphan_tables(dir) == 1 ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

int xc_db_check_files(const char *dir, wd_error *err)
{
    if (!dir || !*dir || !is_dir(dir) || !stub_file_of(dir).empty())
        return WD_OK;
    try {
        if (orphan_tables(dir) == 2)
            return wd_error_set(err, WD_ECORRUPT, XC_ORIGIN,
                                "%s: holds a database's tables but not its version file (%s)", dir,
                                VERSION_FILE);
        if (!exists(join(dir, VERSION_FILE)))
            return WD_OK;
        /* The two tables every glass database has from its creation on. */
        for (const char *t : { "postlist.glass", "termlist.glass" })
            if (!exists(join(dir, t)))
                return wd_error_set(err, WD_ECORRUPT, XC_ORIGIN,
                                    "%s: the database's table %s is missing", dir, t);
        return WD_OK;
    } catch (...) {
        return xc_fail(err, dir);
    }
}

int xc_path_is_stub(const char *path)
{
    try {
        return path && *path && !stub_file_of(path).empty() ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

int xc_db_sync_files(const char *dir, wd_error *err)
{
    if (!dir || !*dir)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "database path is empty");
    try {
        int rc = WD_OK;
        for (size_t i = 0; rc == WD_OK && i <= N_TABLES; i++)
            rc = sync_path(join(dir, i < N_TABLES ? TABLES[i] : VERSION_FILE), err);
        return rc == WD_OK ? sync_path(dir, err) : rc;
    } catch (...) {
        return xc_fail(err, dir);
    }
}

int xc_db_remove_files(const char *dir, wd_error *err)
{
    if (!dir || !*dir)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "database path is empty");
    try {
        /* The version file first: a crash in between leaves what an
         * interrupted create leaves, which the next writer recognises. */
        unlink(join(dir, VERSION_FILE).c_str());
        for (size_t i = 0; i < N_TABLES; i++)
            unlink(join(dir, TABLES[i]).c_str());
        return WD_OK;
    } catch (...) {
        return xc_fail(err, dir);
    }
}

int xc_db_disk_size(const char *path, uint64_t *out, wd_error *err)
{
    if (!out)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "out is NULL");
    *out = 0;
    if (!path || !*path)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "database path is empty");
    if (is_remote(path))
        return WD_OK;
    try {
        struct stat st;
        if (stat(path, &st) != 0) {
            int e = errno;
            return wd_error_set(err, e == ENOENT ? WD_ENOTFOUND : WD_EIO, XC_ORIGIN, "%s: %s", path,
                                strerror(e));
        }
        std::string stub = stub_file_of(path);
        if (stub.empty()) {
            *out = tables_size(path);
            return WD_OK;
        }
        std::vector<std::string> shards;
        bool unknown = false;
        read_stub(stub, 0, shards, nullptr, unknown);
        if (unknown) {
            *out = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
            return WD_OK;
        }
        uint64_t total = 0;
        for (const std::string &s : shards)
            if (!is_remote(s.c_str()))
                total += tables_size(s.c_str());
        *out = total;
        return WD_OK;
    } catch (...) {
        return xc_fail(err, path);
    }
}

int xc_db_install(const char *src, const char *dest, wd_error *err)
{
    if (!src || !*src || !dest || !*dest)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "database path is empty");
    try {
        if (!exists(join(src, VERSION_FILE)))
            return wd_error_set(err, WD_EINTERNAL, XC_ORIGIN, "%s: no database to install", src);
        bool have[N_TABLES] = {};
        int rc = write_ready(src, have, err);
        return rc == WD_OK ? move_tables(src, dest, have, err) : rc;
    } catch (...) {
        return xc_fail(err, src);
    }
}

int xc_db_install_pending(const char *src)
{
    try {
        return src && *src && exists(join(src, READY_FILE)) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

int xc_db_install_recover(const char *src, const char *dest, int *finished, wd_error *err)
{
    if (finished)
        *finished = 0;
    if (!src || !*src || !dest || !*dest)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "database path is empty");
    try {
        if (!exists(join(src, READY_FILE)))
            return WD_OK; /* no install under way */
        if (finished)
            *finished = 1;
        bool have[N_TABLES] = {};
        int rc = WD_OK;
        if (!exists(join(src, VERSION_FILE))) {
            /* The version file moves last: the move had finished. */
            remove_source(src);
        } else {
            rc = read_ready(src, have, err);
            if (rc == WD_OK)
                rc = move_tables(src, dest, have, err);
        }
        return rc;
    } catch (...) {
        return xc_fail(err, src);
    }
}

void xc_stub_clear(xc_stub *stub)
{
    if (!stub)
        return;
    for (size_t i = 0; i < stub->n; i++)
        wd_free(stub->shards[i]);
    wd_free(stub->shards);
    memset(stub, 0, sizeof *stub);
}

int xc_stub_read(const char *path, xc_stub *out, wd_error *err)
{
    if (!out)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "out is NULL");
    memset(out, 0, sizeof *out);
    if (!path || !*path)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "stub path is empty");
    try {
        /* A folder's XAPIANDB is read even beside a database: the writer
         * asks what a folder's stub lists, whatever else is there. */
        std::string file = is_dir(path) ? join(path, STUB_FILE) : std::string(path);
        if (!exists(file))
            return wd_error_set(err, WD_ENOTFOUND, XC_ORIGIN, "%s: no such stub", file.c_str());
        std::vector<std::string> shards;
        bool unknown = false;
        read_stub(file, 0, shards, &out->lines, unknown);
        out->unknown = unknown;
        if (unknown || shards.empty())
            return WD_OK;
        out->shards = (char **)wd_calloc(shards.size(), sizeof *out->shards);
        if (!out->shards)
            throw std::bad_alloc();
        for (const std::string &s : shards)
            out->shards[out->n++] = copy_out(s);
        return WD_OK;
    } catch (...) {
        xc_stub_clear(out);
        return xc_fail(err, path);
    }
}

int xc_stub_write(const char *dir, const char *comment, const char *const *shards, size_t n,
                  wd_error *err)
{
    if (!dir || !*dir)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "stub folder is empty");
    if (n && !shards)
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "shards is NULL");
    if (comment && strpbrk(comment, "\r\n"))
        return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "the stub's comment has a line break");
    for (size_t i = 0; i < n; i++)
        if (!shards[i] || !*shards[i] || strpbrk(shards[i], "\r\n") ||
            (is_remote(shards[i]) && !shards[i][6]))
            return wd_error_set(err, WD_EINVAL, XC_ORIGIN, "shard %zu is empty or has a line break",
                                i);
    try {
        std::string stub = join(dir, STUB_FILE), tmp = stub + ".tmp";
        FILE *f = fopen(tmp.c_str(), "w");
        if (!f)
            return io_error(err, dir, "cannot write the shard list");
        if (comment)
            fprintf(f, "# %s\n", comment);
        for (size_t i = 0; i < n; i++) {
            if (is_remote(shards[i]))
                fprintf(f, "remote %s\n", shards[i] + 6);
            else
                fprintf(f, "auto %s\n", shards[i]);
        }
        if (fclose(f) != 0 || rename(tmp.c_str(), stub.c_str()) != 0)
            return io_error(err, dir, "cannot write the shard list");
        return WD_OK;
    } catch (...) {
        return xc_fail(err, dir);
    }
}

} /* extern "C" */
