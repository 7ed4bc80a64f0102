/*
 * xapian_c.cc - the Xapian shim: a plain C API (xapian_c.h) over libxapian
 * 1.4 (Debian's 1.4.22), and the only C++ in the tree.
 *
 * Each C handle (xc_db, xc_doc, xc_query, xc_enquire, xc_mset) is a small
 * C++ struct holding Xapian's own refcounted handle objects. The structs are
 * allocated with wd_malloc and built with placement new, so the test
 * failure hook reaches them and callers could free them the same way as any
 * other wenda allocation; strings handed back to C are wd_malloc'ed too.
 * Xapian's internals allocate with operator new, which we cannot hook, but
 * std::bad_alloc from there is translated like everything else.
 *
 * Every extern "C" function body is wrapped in try/catch(...) and hands the
 * exception to xc_fail(), the single translator from Xapian's exception
 * hierarchy to WD_E* codes, so no exception ever unwinds into C. Inputs that
 * Xapian would only reject later (terms too long for glass, empty terms) are
 * refused up front, so a batch of documents is never lost at commit time.
 */
#include "xapian_c.h"
#include "xc_private.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
/* Debian's libxapian 1.4.22 frees an object of its own, inside
 * Database::check (xc_db_check), with the size of another type: ASan's
 * new/delete size check would stop every sanitized program that checks an
 * index. Only that check is turned off (ASAN_OPTIONS still overrides). */
extern "C" const char *__asan_default_options(void);
extern "C" const char *__asan_default_options(void)
{
    return "new_delete_type_mismatch=0";
}
#endif

/* ---- handle structs ------------------------------------------------------ */

struct xc_db {
    /* Reads go through `db`; for a writable database it shares its internals
     * with `wdb`, so both see the same pending changes. */
    Xapian::Database db;
    Xapian::WritableDatabase wdb;
    bool writable = false;
    std::string path; /* a writable database's folder */
};

struct xc_doc {
    Xapian::Document doc;
    /* Where the next xc_doc_index_text_ngram call continues, so that several
     * fields indexed into one document do not overlap in position space. */
    Xapian::termpos termpos = 0;
};

struct xc_query {
    Xapian::Query q;
};

struct xc_enquire {
    explicit xc_enquire(const Xapian::Database &d) : db(d), enq(d) {}
    Xapian::Database db; /* for termfreqs in xc_enquire_matching_terms */
    /* xc_enquire_add_facet's counters; outlive enq, which uses them */
    struct facet {
        unsigned slot;
        std::string field; /* "" for the whole value */
        std::unique_ptr<Xapian::ValueCountMatchSpy> values;
        std::unique_ptr<Xapian::MatchSpy> fields; /* a FieldCountSpy */
    };
    std::vector<facet> facets;
    Xapian::Enquire enq;
};

struct xc_mset {
    Xapian::MSet m;
};

namespace
{

const char *const SHIM = XC_ORIGIN;
const unsigned DEFAULT_REMOTE_TIMEOUT_MS = 10000;

/* Handle allocation through wd_malloc. A NULL from wd_malloc becomes
 * std::bad_alloc so that it reaches the translator like any other
 * allocation failure. */
template <class T, class... Args> T *xc_new(Args &&...args)
{
    void *mem = wd_malloc(sizeof(T));
    if (!mem)
        throw std::bad_alloc();
    try {
        return new (mem) T(std::forward<Args>(args)...);
    } catch (...) {
        wd_free(mem);
        throw;
    }
}

template <class T> void xc_delete(T *p) noexcept
{
    if (p) {
        p->~T();
        wd_free(p);
    }
}

struct xc_deleter {
    template <class T> void operator()(T *p) const noexcept
    {
        xc_delete(p);
    }
};
template <class T> using xc_ptr = std::unique_ptr<T, xc_deleter>;

/* A std::string copied into a new wd_malloc'ed, NUL-terminated buffer. */
char *xc_strdup(const std::string &s, size_t *len)
{
    char *d = wd_strndup(s.data(), s.size());
    if (!d)
        throw std::bad_alloc();
    if (len)
        *len = s.size();
    return d;
}

/* Fill err from a Xapian::Error. `what` (may be NULL) names the object the
 * call was about, typically a path, and prefixes the message. */
int xc_set(wd_error *err, int code, const Xapian::Error &e, const char *what,
           int errno_then) noexcept
{
    /* Only snprintf below: we may be reporting an allocation failure. */
    char origin[WD_ERROR_ORIGIN_MAX];
    const char *type = e.get_type();
    snprintf(origin, sizeof origin, "xapian:%s", type ? type : "Error");
    const std::string &ctx = e.get_context();
    const char *syserr = nullptr;
    try {
        /* Built lazily from errno by Xapian, so it may allocate. */
        syserr = e.get_error_string();
    } catch (...) {
    }
    /* Some of 1.4's messages for a failed write drop the system's reason
     * ("Failed to create iamglass file"): the errno of the failed call is
     * still there when the exception reaches us. */
    if (!syserr && code == WD_EIO &&
        (errno_then == ENOSPC || errno_then == EDQUOT || errno_then == EFBIG || errno_then == EIO ||
         errno_then == EROFS))
        syserr = strerror(errno_then);
    /* Damage found while reading: say it is damage, and how to see more. */
    const char *hint = code == WD_ECORRUPT && strcmp(origin, "xapian:DatabaseCorruptError") == 0
                           ? "; the index is damaged: xapian-check on its folder names the table"
                           : "";
    return wd_error_set(err, code, origin, "%s%s%s%s%s%s%s%s%s%s", what ? what : "",
                        what ? ": " : "", e.get_msg().c_str(),
                        ctx.empty() ? "" : " (context: ", ctx.c_str(), ctx.empty() ? "" : ")",
                        syserr ? " (" : "", syserr ? syserr : "", syserr ? ")" : "", hint);
}

} // namespace

/* The translator (xc_private.h). Most derived types first, since the
 * handlers are tried in order. */
int xc_fail(wd_error *err, const char *what) noexcept
{
    int e0 = errno;
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return xc_set(err, WD_ELOCKED, e, what, e0);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return xc_set(err, WD_EMODIFIED, e, what, e0);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return xc_set(err, WD_ENOTFOUND, e, what, e0);
    } catch (const Xapian::DatabaseVersionError &e) {
        /* A DatabaseOpeningError, but the path exists: wrong format. */
        return xc_set(err, WD_ECORRUPT, e, what, e0);
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* 1.4.22 reports missing paths (also inside stubs) as
         * DatabaseNotFoundError; should some path still throw the plain
         * opening error for ENOENT, it is "not found" too. Anything else (a
         * file that is neither a database nor a stub) is an I/O error. */
        bool missing = false;
        try { /* 1.4.22 has no public errno accessor; compare its text. */
            const char *s = e.get_error_string();
            missing = s && strcmp(s, strerror(ENOENT)) == 0;
        } catch (...) {
        }
        return xc_set(err, missing ? WD_ENOTFOUND : WD_EIO, e, what, e0);
    } catch (const Xapian::DocNotFoundError &e) {
        return xc_set(err, WD_ENOTFOUND, e, what, e0);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return xc_set(err, WD_ECORRUPT, e, what, e0);
    } catch (const Xapian::DatabaseError &e) {
        return xc_set(err, WD_EIO, e, what, e0);
    } catch (const Xapian::NetworkError &e) { /* includes NetworkTimeoutError */
        return xc_set(err, WD_ENETWORK, e, what, e0);
    } catch (const Xapian::InvalidArgumentError &e) {
        return xc_set(err, WD_EINVAL, e, what, e0);
    } catch (const Xapian::InvalidOperationError &e) {
        return xc_set(err, WD_EINVAL, e, what, e0);
    } catch (const Xapian::QueryParserError &e) {
        return xc_set(err, WD_EINVAL, e, what, e0);
    } catch (const Xapian::Error &e) {
        return xc_set(err, WD_ERROR, e, what, e0);
    } catch (const std::bad_alloc &) {
        return wd_error_set(err, WD_ENOMEM, "xapian:bad_alloc", "%s%sout of memory",
                            what ? what : "", what ? ": " : "");
    } catch (const std::exception &e) {
        return wd_error_set(err, WD_ERROR, "xapian:std::exception", "%s%s%s", what ? what : "",
                            what ? ": " : "", e.what());
    } catch (...) {
        return wd_error_set(err, WD_EINTERNAL, "xapian:unknown",
                            "%s%sunknown C++ exception in the Xapian shim", what ? what : "",
                            what ? ": " : "");
    }
}

/* Run f (which returns a status) with whatever it throws turned into err
 * (xc_fail, naming `what`: the path, key or term the call was about, or
 * nothing): the body of every shim call that only needs that. */
template <class F> static int xc_guard(wd_error *err, const char *what, F f) noexcept
{
    try {
        return f();
    } catch (...) {
        return xc_fail(err, what);
    }
}

template <class F> static int xc_guard(wd_error *err, F f) noexcept
{
    return xc_guard(err, nullptr, f);
}

namespace
{

/* ---- the writers open in this process ----------------------------------
 *
 * A commit that fails part-way leaves Xapian's temporary version file
 * (v.tmp) in the database folder, and a few write failures inside
 * libxapian 1.4 (a full disk while a commit merges postings) escape through
 * a noexcept frame of the library itself, where no handler of ours can see
 * them: the runtime calls std::terminate. So the folders of the writable
 * databases open are listed here; closing one removes its leftover, and the
 * terminate handler installed by xc_set_fatal_handler removes them all,
 * reports the error through the program's handler and lets it exit. What is
 * on disk is then what a killed process leaves: the last commit. */

const char TMP_VERSION_FILE[] = "v.tmp";
const size_t MAX_WRITERS = 64;
std::mutex writers_mu;
char *writers[MAX_WRITERS]; /* wd_malloc'ed folder paths */
xc_fatal_fn fatal_handler;

void writers_add(const std::string &path) noexcept
{
    std::lock_guard<std::mutex> lock(writers_mu);
    for (char *&slot : writers)
        if (!slot) {
            slot = wd_strndup(path.data(), path.size());
            return;
        }
}

void remove_tmp_version(const char *dir) noexcept
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s/%s", dir, TMP_VERSION_FILE) < (int)sizeof p)
        unlink(p);
}

void writers_remove(const std::string &path) noexcept
{
    std::lock_guard<std::mutex> lock(writers_mu);
    for (char *&slot : writers)
        if (slot && path == slot) {
            wd_free(slot);
            slot = nullptr;
            return;
        }
}

bool is_write_errno(int e) noexcept
{
    return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EIO || e == EROFS;
}

[[noreturn]] void on_terminate() noexcept
{
    int e0 = errno;
    wd_error err;
    wd_error_clear(&err);
    std::exception_ptr e = std::current_exception();
    if (e) {
        try {
            std::rethrow_exception(e);
        } catch (...) {
            xc_fail(&err);
        }
    } else if (is_write_errno(e0)) {
        /* 1.4 also terminates without an exception in flight after some
         * failed writes; the failed call's errno is still there. */
        wd_error_set(&err, WD_EIO, "xapian:DatabaseError", "a write failed inside libxapian (%s)",
                     strerror(e0));
    } else {
        wd_error_set(&err, WD_EINTERNAL, XC_ORIGIN, "libxapian called std::terminate (%s)",
                     strerror(e0));
    }
    /* Dying: take the list without waiting for a thread that holds it. */
    if (writers_mu.try_lock()) {
        for (char *slot : writers)
            if (slot)
                remove_tmp_version(slot);
        writers_mu.unlock();
    }
    if (fatal_handler)
        fatal_handler(&err);
    fprintf(stderr, "%s: %s\n", err.origin, err.message);
    std::abort();
}

} // namespace

void xc_set_fatal_handler(xc_fatal_fn fn)
{
    fatal_handler = fn;
    std::set_terminate(on_terminate);
}

namespace
{

int xc_einval(wd_error *err, const char *msg)
{
    return wd_error_set(err, WD_EINVAL, SHIM, "%s", msg);
}

/* Refuse what glass would reject later: empty terms (Xapian reads "" as
 * "every document" in several places) and terms over the key size limit,
 * which Xapian 1.4.22 only reports when the document reaches the database.
 * The message shows the term's first bytes, cut at a UTF-8 boundary so the
 * message stays valid UTF-8. */
int xc_check_term(const char *term, size_t len, const char *role, wd_error *err)
{
    if (!term)
        return wd_error_set(err, WD_EINVAL, SHIM, "%s is NULL", role);
    if (len == 0)
        return wd_error_set(err, WD_EINVAL, SHIM, "%s is empty", role);
    if (len > XC_MAX_TERM_BYTES) {
        size_t show = 24;
        while (show > 0 && ((unsigned char)term[show] & 0xC0) == 0x80)
            show--;
        return wd_error_set(err, WD_EINVAL, SHIM,
                            "%s \"%.*s...\" is %zu bytes long; the limit is %d bytes", role,
                            (int)show, term, len, XC_MAX_TERM_BYTES);
    }
    return WD_OK;
}

int xc_need_writable(const xc_db *db, wd_error *err)
{
    if (!db)
        return xc_einval(err, "database is NULL");
    if (!db->writable)
        return xc_einval(err, "database is open read-only");
    return WD_OK;
}

/* "tcp://host:port" -> host, port. Returns false when `path` is not a tcp
 * URL at all; throws InvalidArgumentError when it is one but malformed. */
bool xc_parse_tcp(const char *path, std::string &host, unsigned &port)
{
    static const char scheme[] = "tcp://";
    if (strncmp(path, scheme, sizeof scheme - 1) != 0)
        return false;
    std::string rest(path + sizeof scheme - 1);
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
        throw Xapian::InvalidArgumentError(std::string("expected tcp://host:port, got ") + path);
    host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') /* [::1]:port */
        host = host.substr(1, host.size() - 2);
    const char *p = rest.c_str() + colon + 1;
    char *end = nullptr;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (errno || *end || v == 0 || v > 65535 || !isdigit((unsigned char)*p))
        throw Xapian::InvalidArgumentError(std::string("bad port in ") + path);
    port = (unsigned)v;
    return true;
}

Xapian::Database xc_open_reader(const char *path, unsigned timeout_ms)
{
    std::string host;
    unsigned port = 0;
    if (xc_parse_tcp(path, host, port))
        return Xapian::Remote::open(host, port, timeout_ms, timeout_ms);
    return Xapian::Database(path);
}

const xc_doc *xc_check_doc(const xc_doc *doc, wd_error *err)
{
    if (!doc)
        xc_einval(err, "document is NULL");
    return doc;
}

} // namespace

extern "C" {

/* ---- databases ----------------------------------------------------------- */

int xc_db_open(xc_db **out, const char *path, int mode, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!path || !*path)
        return xc_einval(err, "database path is empty");
    try {
        int action;
        int flags = mode & ~XC_DB_MODE_MASK;
        if (flags & ~XC_DB_NO_SYNC)
            return wd_error_set(err, WD_EINVAL, SHIM, "unknown open flags %#x", flags);
        mode &= XC_DB_MODE_MASK;
        if (flags && mode == XC_DB_READ)
            return wd_error_set(err, WD_EINVAL, SHIM, "open flags are for writable databases");
        switch (mode) {
        case XC_DB_READ: action = -1; break;
        case XC_DB_CREATE_OR_OPEN: action = Xapian::DB_CREATE_OR_OPEN; break;
        case XC_DB_CREATE: action = Xapian::DB_CREATE; break;
        case XC_DB_CREATE_OR_OVERWRITE: action = Xapian::DB_CREATE_OR_OVERWRITE; break;
        case XC_DB_OPEN: action = Xapian::DB_OPEN; break;
        default: return wd_error_set(err, WD_EINVAL, SHIM, "unknown open mode %d", mode);
        }
        /* Allocate the handle before touching the disk, so an allocation
         * failure cannot leave a half-created database behind. */
        xc_ptr<xc_db> h(xc_new<xc_db>());
        if (action < 0) {
            h->db = xc_open_reader(path, DEFAULT_REMOTE_TIMEOUT_MS);
        } else {
            std::string host;
            unsigned port;
            if (xc_parse_tcp(path, host, port))
                return wd_error_set(err, WD_EINVAL, SHIM,
                                    "%s: remote databases can only be opened for reading", path);
            if (flags & XC_DB_NO_SYNC)
                action |= Xapian::DB_NO_SYNC;
            h->wdb = Xapian::WritableDatabase(path, action);
            h->db = h->wdb;
            h->writable = true;
            h->path = path;
            writers_add(h->path);
        }
        *out = h.release();
        return WD_OK;
    } catch (...) {
        int rc = xc_fail(err, path);
        /* A create that failed part-way leaves Xapian's temporary version
         * file (the lock was ours: nobody else is writing it). */
        if (rc != WD_ELOCKED && (mode & XC_DB_MODE_MASK) != XC_DB_READ &&
            strncmp(path, "tcp://", 6) != 0)
            remove_tmp_version(path);
        return rc;
    }
}

int xc_db_open_shards(xc_db **out, const char *const *paths, size_t n, unsigned timeout_ms,
                      wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!paths || n == 0)
        return xc_einval(err, "no shards given");
    if (timeout_ms == 0)
        timeout_ms = DEFAULT_REMOTE_TIMEOUT_MS;
    const char *current = nullptr;
    try {
        xc_ptr<xc_db> h(xc_new<xc_db>());
        for (size_t i = 0; i < n; i++) {
            current = paths[i];
            if (!current || !*current)
                return wd_error_set(err, WD_EINVAL, SHIM, "shard %zu has an empty path", i);
            h->db.add_database(xc_open_reader(current, timeout_ms));
        }
        *out = h.release();
        return WD_OK;
    } catch (...) {
        return xc_fail(err, current);
    }
}

void xc_db_close(xc_db *db)
{
    if (!db)
        return;
    try {
        /* Close a writer explicitly so its lock is released now, even when
         * an enquire or document still holds a reference to the database.
         * close() commits; its errors cannot be reported from here (the
         * header tells callers to commit first). */
        if (db->writable)
            db->wdb.close();
    } catch (...) {
    }
    std::string path;
    if (db->writable)
        std::swap(path, db->path);
    xc_delete(db);
    if (!path.empty()) {
        /* Only a failed commit leaves it, and the lock was ours. */
        remove_tmp_version(path.c_str());
        writers_remove(path);
    }
}

int xc_db_is_writable(const xc_db *db)
{
    return db && db->writable ? 1 : 0;
}

int xc_db_commit(xc_db *db, wd_error *err)
{
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    return xc_guard(err, [&]() -> int {
        db->wdb.commit();
        return WD_OK;
    });
}

/* Transactions are how a writer keeps a half-built batch from reaching disk:
 * a WritableDatabase destroyed or closed with a transaction open drops it,
 * where without one Xapian would commit pending changes on close. */
int xc_db_begin_transaction(xc_db *db, wd_error *err)
{
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    return xc_guard(err, [&]() -> int {
        db->wdb.begin_transaction(true);
        return WD_OK;
    });
}

int xc_db_commit_transaction(xc_db *db, wd_error *err)
{
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    return xc_guard(err, [&]() -> int {
        db->wdb.commit_transaction();
        return WD_OK;
    });
}

int xc_db_cancel_transaction(xc_db *db, wd_error *err)
{
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    return xc_guard(err, [&]() -> int {
        db->wdb.cancel_transaction();
        return WD_OK;
    });
}

int xc_db_reopen(xc_db *db, int *changed, wd_error *err)
{
    if (changed)
        *changed = 0;
    if (!db)
        return xc_einval(err, "database is NULL");
    return xc_guard(err, [&]() -> int {
        bool c = db->db.reopen();
        if (changed)
            *changed = c ? 1 : 0;
        return WD_OK;
    });
}

int xc_db_doccount(xc_db *db, uint32_t *out, wd_error *err)
{
    if (!db || !out)
        return xc_einval(err, "database or out is NULL");
    return xc_guard(err, [&]() -> int {
        *out = db->db.get_doccount();
        return WD_OK;
    });
}

int xc_db_lastdocid(xc_db *db, xc_docid *out, wd_error *err)
{
    if (!db || !out)
        return xc_einval(err, "database or out is NULL");
    return xc_guard(err, [&]() -> int {
        *out = db->db.get_lastdocid();
        return WD_OK;
    });
}

int xc_db_termcount(xc_db *db, uint64_t *out, wd_error *err)
{
    if (!db || !out)
        return xc_einval(err, "database or out is NULL");
    return xc_guard(err, [&]() -> int {
        uint64_t n = 0;
        for (auto it = db->db.allterms_begin(); it != db->db.allterms_end(); ++it)
            n++;
        *out = n;
        return WD_OK;
    });
}

int xc_db_termfreq(xc_db *db, const char *term, uint32_t *out, wd_error *err)
{
    if (!db || !term || !out)
        return xc_einval(err, "database, term or out is NULL");
    return xc_guard(err, [&]() -> int {
        /* Xapian gives the document count for "", which is no term's. */
        *out = *term ? db->db.get_termfreq(term) : 0;
        return WD_OK;
    });
}

int xc_db_avlength(xc_db *db, double *out, wd_error *err)
{
    if (!db || !out)
        return xc_einval(err, "database or out is NULL");
    return xc_guard(err, [&]() -> int {
        *out = db->db.get_avlength();
        return WD_OK;
    });
}

int xc_db_term_exists(xc_db *db, const char *term, int *out, wd_error *err)
{
    if (!db || !term || !out)
        return xc_einval(err, "database, term or out is NULL");
    return xc_guard(err, [&]() -> int {
        /* Xapian answers "is the database non-empty" for "", which is never
         * what a caller asking about a term means. */
        *out = *term ? (db->db.term_exists(term) ? 1 : 0) : 0;
        return WD_OK;
    });
}

int xc_db_get_metadata(xc_db *db, const char *key, char **out, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!db || !key)
        return xc_einval(err, "database or key is NULL");
    return xc_guard(err, key, [&]() -> int {
        *out = xc_strdup(db->db.get_metadata(key), nullptr);
        return WD_OK;
    });
}

int xc_db_set_metadata(xc_db *db, const char *key, const char *value, wd_error *err)
{
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    if (!key || !value)
        return xc_einval(err, "metadata key or value is NULL");
    if (!*key)
        return xc_einval(err, "metadata key is empty");
    return xc_guard(err, key, [&]() -> int {
        db->wdb.set_metadata(key, value);
        return WD_OK;
    });
}

/* The checks of a replace (outputs zeroed first). */
static int xc_replace_check(xc_db *db, const char *term, const xc_doc *doc, xc_docid *docid,
                            int *replaced, wd_error *err)
{
    if (docid)
        *docid = 0;
    if (replaced)
        *replaced = 0;
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    if (!xc_check_doc(doc, err))
        return WD_EINVAL;
    if (!term)
        return xc_einval(err, "unique term is NULL");
    return xc_check_term(term, strlen(term), "unique term", err);
}

/* The caller's document (shared), carrying `term`: replace_document() finds
 * the old document by this term but does not add it to the new one; without
 * it the next replace would find nothing and the id would silently get
 * duplicates. So make sure the document carries it (wdf 0, like a boolean
 * term). */
static Xapian::Document xc_with_term(const xc_doc *doc, const std::string &term)
{
    Xapian::Document d = doc->doc;
    Xapian::TermIterator t = d.termlist_begin();
    t.skip_to(term);
    if (t == d.termlist_end() || *t != term)
        d.add_boolean_term(term);
    return d;
}

int xc_db_replace(xc_db *db, const char *unique_term, const xc_doc *doc, xc_docid *docid,
                  int *replaced, wd_error *err)
{
    int rc = xc_replace_check(db, unique_term, doc, docid, replaced, err);
    if (rc)
        return rc;
    return xc_guard(err, unique_term, [&]() -> int {
        std::string term(unique_term);
        Xapian::Document d = xc_with_term(doc, term);
        bool existed = db->wdb.term_exists(term);
        Xapian::docid id = db->wdb.replace_document(term, d);
        if (docid)
            *docid = id;
        if (replaced)
            *replaced = existed ? 1 : 0;
        return WD_OK;
    });
}

int xc_db_add(xc_db *db, const xc_doc *doc, xc_docid *docid, wd_error *err)
{
    if (docid)
        *docid = 0;
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    if (!xc_check_doc(doc, err))
        return WD_EINVAL;
    return xc_guard(err, [&]() -> int {
        Xapian::docid id = db->wdb.add_document(doc->doc);
        if (docid)
            *docid = id;
        return WD_OK;
    });
}

int xc_db_delete(xc_db *db, const char *unique_term, uint32_t *deleted, wd_error *err)
{
    if (deleted)
        *deleted = 0;
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    if (!unique_term)
        return xc_einval(err, "unique term is NULL");
    /* An empty term would mean "every document" to Xapian. */
    if ((rc = xc_check_term(unique_term, strlen(unique_term), "unique term", err)))
        return rc;
    return xc_guard(err, unique_term, [&]() -> int {
        /* The writer's termfreq includes its uncommitted changes, so this
         * is exactly what delete_document() is about to remove. */
        Xapian::doccount n = db->wdb.get_termfreq(unique_term);
        if (n)
            db->wdb.delete_document(unique_term);
        if (deleted)
            *deleted = n;
        return WD_OK;
    });
}

int xc_db_find(xc_db *db, const char *term, xc_docid *out, wd_error *err)
{
    if (out)
        *out = 0;
    if (!db || !term || !out)
        return xc_einval(err, "database, term or out is NULL");
    /* postlist_begin("") walks every document: refuse it. */
    int rc = xc_check_term(term, strlen(term), "term", err);
    if (rc)
        return rc;
    return xc_guard(err, term, [&]() -> int {
        Xapian::PostingIterator it = db->db.postlist_begin(term);
        if (it == db->db.postlist_end(term))
            return wd_error_set(err, WD_ENOTFOUND, SHIM, "no document is indexed by \"%s\"", term);
        *out = *it;
        return WD_OK;
    });
}

/* The documents indexed by `term` whose value in `slot` is `key`, in docid
 * order. A hashed id term is shared by every id with the same hash; the
 * value tells them apart. */
static std::vector<Xapian::docid> xc_keyed_docs(const Xapian::Database &db, const std::string &term,
                                                unsigned slot, const std::string &key)
{
    std::vector<Xapian::docid> ids;
    for (Xapian::PostingIterator it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
        Xapian::Document d = db.get_document(*it, Xapian::DOC_ASSUME_VALID);
        if (d.get_value(slot) == key)
            ids.push_back(*it);
    }
    return ids;
}

int xc_db_find_keyed(xc_db *db, const char *term, unsigned slot, const char *key, size_t keylen,
                     xc_docid *out, wd_error *err)
{
    if (out)
        *out = 0;
    if (!db || !term || !key || !out)
        return xc_einval(err, "database, term, key or out is NULL");
    int rc = xc_check_term(term, strlen(term), "term", err);
    if (rc)
        return rc;
    return xc_guard(err, term, [&]() -> int {
        std::vector<Xapian::docid> ids =
            xc_keyed_docs(db->db, term, slot, std::string(key, keylen));
        if (ids.empty())
            return wd_error_set(err, WD_ENOTFOUND, SHIM, "no document is indexed by \"%s\"", term);
        *out = ids.front();
        return WD_OK;
    });
}

int xc_db_replace_keyed(xc_db *db, const char *term, unsigned slot, const xc_doc *doc,
                        xc_docid *docid, int *replaced, wd_error *err)
{
    int rc = xc_replace_check(db, term, doc, docid, replaced, err);
    if (rc)
        return rc;
    return xc_guard(err, term, [&]() -> int {
        std::string t(term);
        Xapian::Document d = xc_with_term(doc, t);
        std::vector<Xapian::docid> ids = xc_keyed_docs(db->db, t, slot, d.get_value(slot));
        Xapian::docid id;
        if (ids.empty()) {
            id = db->wdb.add_document(d);
        } else {
            id = ids.front();
            db->wdb.replace_document(id, d);
            for (size_t i = 1; i < ids.size(); i++) /* duplicates of the same key */
                db->wdb.delete_document(ids[i]);
        }
        if (docid)
            *docid = id;
        if (replaced)
            *replaced = !ids.empty();
        return WD_OK;
    });
}

int xc_db_delete_keyed(xc_db *db, const char *term, unsigned slot, const char *key, size_t keylen,
                       uint32_t *deleted, wd_error *err)
{
    if (deleted)
        *deleted = 0;
    int rc = xc_need_writable(db, err);
    if (rc)
        return rc;
    if (!term || !key)
        return xc_einval(err, "unique term or key is NULL");
    if ((rc = xc_check_term(term, strlen(term), "unique term", err)))
        return rc;
    return xc_guard(err, term, [&]() -> int {
        std::vector<Xapian::docid> ids =
            xc_keyed_docs(db->db, term, slot, std::string(key, keylen));
        for (Xapian::docid id : ids)
            db->wdb.delete_document(id);
        if (deleted)
            *deleted = (uint32_t)ids.size();
        return WD_OK;
    });
}

int xc_db_get_document(xc_db *db, xc_docid docid, xc_doc **out, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!db)
        return xc_einval(err, "database is NULL");
    return xc_guard(err, [&]() -> int {
        xc_ptr<xc_doc> h(xc_new<xc_doc>());
        h->doc = db->db.get_document(docid);
        *out = h.release();
        return WD_OK;
    });
}

int xc_db_allterms(xc_db *db, const char *prefix, xc_term_cb cb, void *ctx, wd_error *err)
{
    if (!db || !cb)
        return xc_einval(err, "database or callback is NULL");
    return xc_guard(err, [&]() -> int {
        std::string p(prefix ? prefix : "");
        for (auto it = db->db.allterms_begin(p); it != db->db.allterms_end(p); ++it) {
            const std::string &t = *it;
            int rc = cb(ctx, t.data(), t.size(), it.get_termfreq());
            if (rc)
                return rc;
        }
        return WD_OK;
    });
}

int xc_db_check(const char *dir, wd_error *err)
{
    if (!dir || !*dir)
        return xc_einval(err, "database path is empty");
    if (!xc_dir_has_db(dir))
        return WD_OK; /* not a database folder: a stub, a remote, nothing */
    try {
        try {
            Xapian::Database::check(dir, 0, nullptr);
            return WD_OK;
        } catch (const Xapian::DatabaseCorruptError &) {
        } catch (const Xapian::DatabaseError &) {
        }
        /* Damage: check table by table to name the one that holds it. */
        static const char *const tables[] = { "postlist.glass", "termlist.glass", "docdata.glass",
                                              "position.glass", "spelling.glass", "synonym.glass" };
        for (const char *t : tables) {
            std::string file = std::string(dir) + "/" + t;
            if (access(file.c_str(), F_OK) != 0)
                continue;
            try {
                Xapian::Database::check(file, 0, nullptr);
            } catch (const Xapian::Error &e) {
                return wd_error_set(err, WD_ECORRUPT, "xapian:DatabaseCorruptError",
                                    "%s: the index is damaged: its table %s: %s", dir, t,
                                    e.get_msg().c_str());
            }
        }
        Xapian::Database::check(dir, 0, nullptr); /* the tables disagree: say how */
        return WD_OK;
    } catch (...) {
        int rc = xc_fail(err, dir);
        return rc == WD_EIO ? wd_error_set(err, WD_ECORRUPT, err->origin, "%s", err->message) : rc;
    }
}

int xc_compact(const char *const *srcs, size_t n, const char *dest, wd_error *err)
{
    if (!srcs || n == 0)
        return xc_einval(err, "no source databases to compact");
    if (!dest || !*dest)
        return xc_einval(err, "compaction destination is empty");
    const char *current = nullptr;
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++) {
            current = srcs[i];
            if (!current || !*current)
                return wd_error_set(err, WD_EINVAL, SHIM, "source %zu has an empty path", i);
            all.add_database(Xapian::Database(current));
        }
        current = dest;
        /* 1.4.22: compact(output, flags = 0, block_size = 0). Flags 0 keeps
         * the default multi-file glass layout and renumbers the docids of
         * later sources past those of earlier ones. */
        all.compact(dest);
        return WD_OK;
    } catch (...) {
        return xc_fail(err, current);
    }
}

/* ---- documents ----------------------------------------------------------- */

int xc_doc_new(xc_doc **out, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    return xc_guard(err, [&]() -> int {
        *out = xc_new<xc_doc>();
        return WD_OK;
    });
}

void xc_doc_free(xc_doc *doc)
{
    xc_delete(doc);
}

int xc_doc_add_posting(xc_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdfinc,
                       wd_error *err)
{
    if (!doc)
        return xc_einval(err, "document is NULL");
    int rc = xc_check_term(term, len, "term", err);
    if (rc)
        return rc;
    return xc_guard(err, [&]() -> int {
        doc->doc.add_posting(std::string(term, len), pos, wdfinc);
        return WD_OK;
    });
}

int xc_doc_add_term(xc_doc *doc, const char *term, size_t len, uint32_t wdfinc, wd_error *err)
{
    if (!doc)
        return xc_einval(err, "document is NULL");
    int rc = xc_check_term(term, len, "term", err);
    if (rc)
        return rc;
    return xc_guard(err, [&]() -> int {
        doc->doc.add_term(std::string(term, len), wdfinc);
        return WD_OK;
    });
}

int xc_doc_add_boolean_term(xc_doc *doc, const char *term, wd_error *err)
{
    if (!doc)
        return xc_einval(err, "document is NULL");
    int rc = xc_check_term(term, term ? strlen(term) : 0, "boolean term", err);
    if (rc)
        return rc;
    return xc_guard(err, [&]() -> int {
        doc->doc.add_boolean_term(term);
        return WD_OK;
    });
}

int xc_doc_set_data(xc_doc *doc, const char *data, size_t len, wd_error *err)
{
    if (!doc || (!data && len))
        return xc_einval(err, "document or data is NULL");
    return xc_guard(err, [&]() -> int {
        doc->doc.set_data(len ? std::string(data, len) : std::string());
        return WD_OK;
    });
}

int xc_doc_get_data(const xc_doc *doc, char **out, size_t *len, wd_error *err)
{
    if (len)
        *len = 0;
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!doc)
        return xc_einval(err, "document is NULL");
    return xc_guard(err, [&]() -> int {
        *out = xc_strdup(doc->doc.get_data(), len);
        return WD_OK;
    });
}

int xc_doc_set_value(xc_doc *doc, unsigned slot, const char *value, size_t len, wd_error *err)
{
    if (!doc || (!value && len))
        return xc_einval(err, "document or value is NULL");
    return xc_guard(err, [&]() -> int {
        /* An empty value removes the slot, as in Xapian. */
        doc->doc.add_value(slot, len ? std::string(value, len) : std::string());
        return WD_OK;
    });
}

int xc_doc_get_value(const xc_doc *doc, unsigned slot, char **out, size_t *len, wd_error *err)
{
    if (len)
        *len = 0;
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!doc)
        return xc_einval(err, "document is NULL");
    return xc_guard(err, [&]() -> int {
        *out = xc_strdup(doc->doc.get_value(slot), len);
        return WD_OK;
    });
}

int xc_doc_termcount(const xc_doc *doc, uint32_t *out, wd_error *err)
{
    if (!doc || !out)
        return xc_einval(err, "document or out is NULL");
    return xc_guard(err, [&]() -> int {
        *out = doc->doc.termlist_count();
        return WD_OK;
    });
}

int xc_doc_terms(const xc_doc *doc, xc_docterm_cb cb, void *ctx, wd_error *err)
{
    if (!doc || !cb)
        return xc_einval(err, "document or callback is NULL");
    return xc_guard(err, [&]() -> int {
        for (auto it = doc->doc.termlist_begin(); it != doc->doc.termlist_end(); ++it) {
            const std::string &t = *it;
            int rc = cb(ctx, t.data(), t.size(), it.get_wdf());
            if (rc)
                return rc;
        }
        return WD_OK;
    });
}

int xc_doc_index_text_ngram(xc_doc *doc, const char *text, size_t len, const char *prefix,
                            uint32_t wdfinc, wd_error *err)
{
    if (!doc || (!text && len))
        return xc_einval(err, "document or text is NULL");
    return xc_guard(err, [&]() -> int {
        /* A fresh TermGenerator per call is cheap; only the position needs
         * to survive between calls, and it lives in the xc_doc. */
        Xapian::TermGenerator tg;
        tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
        tg.set_document(doc->doc); /* shares the document's internals */
        tg.set_termpos(doc->termpos);
        tg.index_text(len ? std::string(text, len) : std::string(), wdfinc, prefix ? prefix : "");
        doc->termpos = tg.get_termpos();
        return WD_OK;
    });
}

/* ---- queries ------------------------------------------------------------- */

int xc_query_term(xc_query **out, const char *term, size_t len, uint32_t wqf, uint32_t pos,
                  wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    /* Query("") is Xapian's MatchAll, not a term: refuse it. A term longer
     * than the limit is allowed here; it simply matches nothing. */
    if (!term || len == 0)
        return xc_einval(err, "query term is empty");
    if (wqf == 0)
        return xc_einval(err, "query term wqf must be >= 1");
    return xc_guard(err, [&]() -> int {
        *out = xc_new<xc_query>(xc_query{ Xapian::Query(std::string(term, len), wqf, pos) });
        return WD_OK;
    });
}

int xc_query_combine(xc_query **out, int op, xc_query *const *subs, size_t n, unsigned window,
                     wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (n && !subs)
        return xc_einval(err, "subqueries are NULL");
    Xapian::Query::op xop;
    bool windowed = false;
    switch (op) {
    case XC_OP_AND: xop = Xapian::Query::OP_AND; break;
    case XC_OP_OR: xop = Xapian::Query::OP_OR; break;
    case XC_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
    case XC_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
    case XC_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
    case XC_OP_NEAR:
        xop = Xapian::Query::OP_NEAR;
        windowed = true;
        break;
    case XC_OP_PHRASE:
        xop = Xapian::Query::OP_PHRASE;
        windowed = true;
        break;
    case XC_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
    case XC_OP_ELITE_SET: xop = Xapian::Query::OP_ELITE_SET; break;
    case XC_OP_MAX: xop = Xapian::Query::OP_MAX; break;
    default: return wd_error_set(err, WD_EINVAL, SHIM, "unknown query operator %d", op);
    }
    for (size_t i = 0; i < n; i++)
        if (!subs[i])
            return wd_error_set(err, WD_EINVAL, SHIM, "subquery %zu is NULL", i);
    return xc_guard(err, [&]() -> int {
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            v.push_back(subs[i]->q);
        Xapian::Query q;
        if (n)
            q = Xapian::Query(xop, v.begin(), v.end(), windowed ? window : 0);
        *out = xc_new<xc_query>(xc_query{ std::move(q) });
        return WD_OK;
    });
}

int xc_query_scale(xc_query **out, const xc_query *q, double factor, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!q)
        return xc_einval(err, "query is NULL");
    if (!(factor >= 0) || std::isinf(factor))
        return wd_error_set(err, WD_EINVAL, SHIM, "scale factor %g is not a finite number >= 0",
                            factor);
    return xc_guard(err, [&]() -> int {
        *out = xc_new<xc_query>(
            xc_query{ Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor) });
        return WD_OK;
    });
}

int xc_query_match_all(xc_query **out, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    return xc_guard(err, [&]() -> int {
        *out = xc_new<xc_query>(xc_query{ Xapian::Query::MatchAll });
        return WD_OK;
    });
}

int xc_query_parse_ngram(xc_query **out, xc_db *db, const char *text, const char *prefix,
                         wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!text)
        return xc_einval(err, "query text is NULL");
    return xc_guard(err, [&]() -> int {
        xc_ptr<xc_query> h(xc_new<xc_query>());
        Xapian::QueryParser qp;
        if (db)
            qp.set_database(db->db);
        qp.set_default_op(Xapian::Query::OP_OR);
        h->q = qp.parse_query(
            text, Xapian::QueryParser::FLAG_CJK_NGRAM | Xapian::QueryParser::FLAG_DEFAULT,
            prefix ? prefix : "");
        *out = h.release();
        return WD_OK;
    });
}

int xc_query_is_empty(const xc_query *q)
{
    try {
        return !q || q->q.empty() ? 1 : 0;
    } catch (...) {
        return 1;
    }
}

int xc_query_describe(const xc_query *q, char **out, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!q)
        return xc_einval(err, "query is NULL");
    return xc_guard(err, [&]() -> int {
        *out = xc_strdup(q->q.get_description(), nullptr);
        return WD_OK;
    });
}

void xc_query_free(xc_query *q)
{
    xc_delete(q);
}

/* ---- matching ------------------------------------------------------------ */

int xc_enquire_new(xc_enquire **out, xc_db *db, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!db)
        return xc_einval(err, "database is NULL");
    return xc_guard(err, [&]() -> int {
        *out = xc_new<xc_enquire>(db->db);
        return WD_OK;
    });
}

int xc_query_value_range(xc_query **out, unsigned slot, const char *lo, const char *hi,
                         wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    return xc_guard(err, [&]() -> int {
        Xapian::Query q;
        if (lo && hi)
            q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
        else if (lo)
            q = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
        else if (hi)
            q = Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
        else
            q = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, std::string(1, '\0'));
        *out = xc_new<xc_query>(xc_query{ q });
        return WD_OK;
    });
}

namespace
{
/* Counts the values of one field in a slot of NAME NUL VALUE NUL pairs. */
class FieldCountSpy : public Xapian::MatchSpy
{
  public:
    FieldCountSpy(unsigned slot, const std::string &name) : slot_(slot), name_(name) {}
    void operator()(const Xapian::Document &doc, double) override
    {
        std::string v = doc.get_value(slot_);
        size_t p = 0;
        while (p < v.size()) {
            size_t a = v.find('\0', p);
            if (a == std::string::npos)
                break;
            size_t b = v.find('\0', a + 1);
            if (b == std::string::npos)
                b = v.size();
            if (a - p == name_.size() && v.compare(p, a - p, name_) == 0)
                counts[v.substr(a + 1, b - a - 1)]++;
            p = b + 1;
        }
    }
    std::map<std::string, uint32_t> counts;

  private:
    unsigned slot_;
    std::string name_;
};
} // namespace

int xc_enquire_add_facet(xc_enquire *e, unsigned slot, const char *field, wd_error *err)
{
    if (!e)
        return xc_einval(err, "enquire is NULL");
    return xc_guard(err, [&]() -> int {
        xc_enquire::facet f;
        f.slot = slot;
        f.field = field ? field : "";
        if (field) {
            f.fields.reset(new FieldCountSpy(slot, f.field));
            e->enq.add_matchspy(f.fields.get());
        } else {
            f.values.reset(new Xapian::ValueCountMatchSpy(slot));
            e->enq.add_matchspy(f.values.get());
        }
        e->facets.push_back(std::move(f));
        return WD_OK;
    });
}

int xc_enquire_facet_each(xc_enquire *e, unsigned slot, const char *field, uint32_t max,
                          xc_facet_cb cb, void *ctx, wd_error *err)
{
    if (!e || !cb)
        return xc_einval(err, "enquire or callback is NULL");
    return xc_guard(err, [&]() -> int {
        std::string want = field ? field : "";
        for (auto &f : e->facets) {
            if (f.slot != slot || f.field != want)
                continue;
            if (f.values) {
                for (auto it = f.values->top_values_begin(max); it != f.values->top_values_end(max);
                     ++it) {
                    std::string v = *it;
                    int rc = cb(ctx, v.data(), v.size(), it.get_termfreq());
                    if (rc != 0)
                        return rc;
                }
                return WD_OK;
            }
            auto *spy = static_cast<FieldCountSpy *>(f.fields.get());
            std::vector<std::pair<std::string, uint32_t>> top(spy->counts.begin(),
                                                              spy->counts.end());
            std::stable_sort(
                top.begin(), top.end(),
                [](const std::pair<std::string, uint32_t> &a,
                   const std::pair<std::string, uint32_t> &b) { return a.second > b.second; });
            for (size_t i = 0; i < top.size() && i < max; i++) {
                int rc = cb(ctx, top[i].first.data(), top[i].first.size(), top[i].second);
                if (rc != 0)
                    return rc;
            }
            return WD_OK;
        }
        return xc_einval(err, "no facet was added for this slot");
    });
}

void xc_enquire_free(xc_enquire *e)
{
    xc_delete(e);
}

int xc_enquire_set_query(xc_enquire *e, const xc_query *q, wd_error *err)
{
    if (!e || !q)
        return xc_einval(err, "enquire or query is NULL");
    return xc_guard(err, [&]() -> int {
        e->enq.set_query(q->q);
        return WD_OK;
    });
}

int xc_enquire_set_bm25(xc_enquire *e, double k1, double k2, double k3, double b,
                        double min_normlen, wd_error *err)
{
    if (!e)
        return xc_einval(err, "enquire is NULL");
    return xc_guard(err, [&]() -> int {
        e->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return WD_OK;
    });
}

int xc_enquire_set_tiebreak_value(xc_enquire *e, int slot, wd_error *err)
{
    if (!e)
        return xc_einval(err, "enquire is NULL");
    if (slot < -1)
        return wd_error_set(err, WD_EINVAL, SHIM, "bad value slot %d for tie-breaking", slot);
    return xc_guard(err, [&]() -> int {
        if (slot == -1)
            e->enq.set_sort_by_relevance();
        else /* reverse = false: ascending since Xapian 1.2.17 */
            e->enq.set_sort_by_relevance_then_value((Xapian::valueno)slot, false);
        return WD_OK;
    });
}

int xc_enquire_mset(xc_enquire *e, uint32_t first, uint32_t max, uint32_t check_at_least,
                    xc_mset **out, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!e)
        return xc_einval(err, "enquire is NULL");
    return xc_guard(err, [&]() -> int {
        xc_ptr<xc_mset> h(xc_new<xc_mset>());
        h->m = e->enq.get_mset(first, max, check_at_least);
        *out = h.release();
        return WD_OK;
    });
}

int xc_enquire_matching_terms(xc_enquire *e, xc_docid docid, xc_term_cb cb, void *ctx,
                              wd_error *err)
{
    if (!e || !cb)
        return xc_einval(err, "enquire or callback is NULL");
    return xc_guard(err, [&]() -> int {
        /* Xapian yields them in query order; the header promises sorted and
         * deduplicated. */
        std::vector<std::string> terms(e->enq.get_matching_terms_begin(docid),
                                       e->enq.get_matching_terms_end(docid));
        std::sort(terms.begin(), terms.end());
        terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
        for (const std::string &t : terms) {
            int rc = cb(ctx, t.data(), t.size(), e->db.get_termfreq(t));
            if (rc)
                return rc;
        }
        return WD_OK;
    });
}

void xc_mset_free(xc_mset *m)
{
    xc_delete(m);
}

/* The plain getters cannot report errors; they answer 0 on a NULL handle,
 * an index out of range, or (never expected) an exception. */
uint32_t xc_mset_size(const xc_mset *m)
{
    try {
        return m ? m->m.size() : 0;
    } catch (...) {
        return 0;
    }
}

uint32_t xc_mset_estimated(const xc_mset *m)
{
    try {
        return m ? m->m.get_matches_estimated() : 0;
    } catch (...) {
        return 0;
    }
}

uint32_t xc_mset_upper_bound(const xc_mset *m)
{
    try {
        return m ? m->m.get_matches_upper_bound() : 0;
    } catch (...) {
        return 0;
    }
}

double xc_mset_max_possible(const xc_mset *m)
{
    try {
        return m ? m->m.get_max_possible() : 0.0;
    } catch (...) {
        return 0.0;
    }
}

xc_docid xc_mset_docid(const xc_mset *m, uint32_t i)
{
    try {
        if (!m || i >= m->m.size())
            return 0;
        return *m->m[i];
    } catch (...) {
        return 0;
    }
}

double xc_mset_weight(const xc_mset *m, uint32_t i)
{
    try {
        if (!m || i >= m->m.size())
            return 0.0;
        return m->m[i].get_weight();
    } catch (...) {
        return 0.0;
    }
}

int xc_mset_termweight(const xc_mset *m, const char *term, double *out, wd_error *err)
{
    if (!m || !term || !out)
        return xc_einval(err, "mset, term or out is NULL");
    return xc_guard(err, term, [&]() -> int {
        /* Xapian throws InvalidArgumentError for a term not in the query. */
        *out = m->m.get_termweight(term);
        return WD_OK;
    });
}

int xc_mset_termfreq(const xc_mset *m, const char *term, uint32_t *out, wd_error *err)
{
    if (!m || !term || !out)
        return xc_einval(err, "mset, term or out is NULL");
    return xc_guard(err, term, [&]() -> int {
        *out = m->m.get_termfreq(term);
        return WD_OK;
    });
}

/* A string of hit i's document (what `get` reads of it), copied into *out
 * (a template: C++ linkage inside the extern "C" block). */
extern "C++" {
template <typename Get>
static int mset_hit_string(const xc_mset *m, uint32_t i, char **out, size_t *len, wd_error *err,
                           Get get)
{
    if (len)
        *len = 0;
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!m)
        return xc_einval(err, "mset is NULL");
    return xc_guard(err, [&]() -> int {
        if (i >= m->m.size())
            return wd_error_set(err, WD_EINVAL, SHIM, "hit %u out of range (mset has %u)",
                                (unsigned)i, (unsigned)m->m.size());
        *out = xc_strdup(get(m->m[i].get_document()), len);
        return WD_OK;
    });
}
}

int xc_mset_value(const xc_mset *m, uint32_t i, unsigned slot, char **out, size_t *len,
                  wd_error *err)
{
    return mset_hit_string(m, i, out, len, err,
                           [slot](const Xapian::Document &d) { return d.get_value(slot); });
}

int xc_mset_data(const xc_mset *m, uint32_t i, char **out, size_t *len, wd_error *err)
{
    return mset_hit_string(m, i, out, len, err,
                           [](const Xapian::Document &d) { return d.get_data(); });
}

int xc_mset_document(const xc_mset *m, uint32_t i, xc_doc **out, wd_error *err)
{
    if (!out)
        return xc_einval(err, "out is NULL");
    *out = nullptr;
    if (!m)
        return xc_einval(err, "mset is NULL");
    return xc_guard(err, [&]() -> int {
        if (i >= m->m.size())
            return wd_error_set(err, WD_EINVAL, SHIM, "hit %u out of range (mset has %u)",
                                (unsigned)i, (unsigned)m->m.size());
        xc_ptr<xc_doc> h(xc_new<xc_doc>());
        h->doc = m->m[i].get_document();
        *out = h.release();
        return WD_OK;
    });
}

} /* extern "C" */
