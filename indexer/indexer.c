/*
 * indexer.c - records -> analysed terms -> Xapian documents.
 *
 * Each record becomes one document: the question analysed into "S"-prefixed
 * positional terms, the answer into unprefixed positional terms (index mode,
 * so sub-words of long words sit at the word's position), boolean terms for
 * kind and source, the id as unique term and value, and the record itself as
 * JSON data for display. Adding a record whose id exists replaces it.
 *
 * Writes are committed in batches. Every commit also stores a checkpoint in
 * the metadata (commit count, documents, last id), so after a crash the index
 * says exactly how far it got. Next to Xapian's own lock we hold an flock on
 * DIR/wenda.lock containing our pid: Xapian's lock cannot say who holds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "wenda/buf.h"
#include "wenda/index.h"
#include "xapian_c.h"

struct wd_index_writer {
    xc_db *db;
    wd_analyzer *an;
    const wd_dict *dict;
    uint32_t batch_size;
    uint32_t pending;
    int in_txn; /* a batch transaction is open */
    wd_index_stats stats;
    int lock_fd;
    char *lock_path;
    char *last_id;
    wd_buf term; /* scratch for building terms */
};

/* mkdir -p */
static int make_dirs(const char *path, wd_error *err)
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

static int take_lock(wd_index_writer *w, const char *path, wd_error *err)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s/wenda.lock", path);
    if (b.oom)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    w->lock_path = wd_buf_detach(&b);
    int fd = open(w->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return wd_error_set(err, WD_EIO, "index", "%s: cannot open lock file: %s", w->lock_path,
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
                            path, pid[0] ? pid : "unknown");
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        close(fd);
        return wd_error_set(err, WD_EIO, "index", "%s: cannot write lock file: %s", w->lock_path,
                            strerror(errno));
    }
    w->lock_fd = fd;
    return WD_OK;
}

static void release_lock(wd_index_writer *w)
{
    if (w->lock_fd >= 0) {
        /* Empty the pid before unlocking so a stale pid is never reported. */
        if (ftruncate(w->lock_fd, 0) != 0) {
            /* nothing useful to do: the flock is what guards the index */
        }
        flock(w->lock_fd, LOCK_UN);
        close(w->lock_fd);
        w->lock_fd = -1;
    }
}

static void writer_free(wd_index_writer *w)
{
    if (!w)
        return;
    if (w->in_txn)
        xc_db_cancel_transaction(w->db, NULL);
    xc_db_close(w->db);
    release_lock(w);
    wd_analyzer_free(w->an);
    wd_free(w->lock_path);
    wd_free(w->last_id);
    wd_buf_free(&w->term);
    wd_free(w);
}

int wd_index_writer_open(wd_index_writer **out, const char *path, const wd_dict *dict,
                         const wd_index_opts *opts, wd_error *err)
{
    *out = NULL;
    if (!path || !*path || !dict)
        return wd_error_set(err, WD_EINVAL, "index", "no index path given");
    wd_index_writer *w = wd_calloc(1, sizeof *w);
    if (!w)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    w->lock_fd = -1;
    w->dict = dict;
    w->batch_size = opts && opts->batch_size ? opts->batch_size : WD_DEFAULT_BATCH_SIZE;
    int rc = make_dirs(path, err);
    if (rc == WD_OK)
        rc = take_lock(w, path, err);
    if (rc == WD_OK) {
        int mode = opts && opts->overwrite ? XC_DB_CREATE_OR_OVERWRITE : XC_DB_CREATE_OR_OPEN;
        rc = xc_db_open(&w->db, path, mode, err);
        if (rc == WD_ELOCKED)
            wd_error_set(err, WD_ELOCKED, "index",
                         "%s: index is locked by another writer (not wenda); wait for it to finish",
                         path);
    }
    if (rc == WD_OK)
        rc = wd_analyzer_new(&w->an, dict, err);
    if (rc != WD_OK) {
        writer_free(w);
        return rc;
    }
    *out = w;
    return WD_OK;
}

/* Build prefix+key, hashing keys too long for a Xapian term. */
static const char *key_term(wd_index_writer *w, const char *prefix, const char *key)
{
    wd_buf_reset(&w->term);
    size_t n = strlen(key);
    if (n <= WD_MAX_KEY_TERM)
        wd_buf_printf(&w->term, "%s%s", prefix, key);
    else
        wd_buf_printf(&w->term, "%s#%016llx", prefix,
                      (unsigned long long)wd_fnv1a64(key, n, WD_FNV_OFFSET));
    return w->term.oom ? NULL : w->term.data;
}

struct posting_ctx {
    xc_doc *doc;
    const char *prefix;
    size_t plen;
    wd_buf *term;
    wd_error *err;
};

static int add_token(void *vctx, const wd_token *t)
{
    struct posting_ctx *c = vctx;
    if (t->len == 0 || c->plen + t->len > XC_MAX_TERM_BYTES)
        return 0; /* the analyzer caps words; this is a last guard */
    wd_buf_reset(c->term);
    wd_buf_append(c->term, c->prefix, c->plen);
    wd_buf_append(c->term, t->text, t->len);
    if (c->term->oom)
        return wd_error_set(c->err, WD_ENOMEM, "index", "out of memory");
    return xc_doc_add_posting(c->doc, c->term->data, c->term->len, t->position + 1, 1, c->err);
}

static int index_field(wd_index_writer *w, xc_doc *doc, const char *prefix, const char *text,
                       wd_error *err)
{
    wd_buf term = WD_BUF_INIT;
    struct posting_ctx c = {doc, prefix, strlen(prefix), &term, err};
    int rc = wd_analyze(w->an, WD_ANALYZE_INDEX, text, strlen(text), add_token, &c, err);
    wd_buf_free(&term);
    return rc;
}

static char *record_json(const wd_record *rec)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "id", json_string(rec->id));
    json_object_set_new(o, "question", json_string(rec->question));
    json_object_set_new(o, "answer", json_string(rec->answer ? rec->answer : ""));
    json_object_set_new(o, "kind", json_string(wd_corpus_kind_name(rec->kind)));
    json_object_set_new(o, "source", json_string(rec->source ? rec->source : ""));
    if (rec->date)
        json_object_set_new(o, "date", json_string(rec->date));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s; /* jansson's allocator: free() */
}

static int write_checkpoint(wd_index_writer *w, wd_error *err)
{
    uint32_t docs = 0;
    int rc = xc_db_doccount(w->db, &docs, err);
    if (rc != WD_OK)
        return rc;
    json_t *o = json_pack("{s:I, s:I, s:s}", "commit", (json_int_t)(w->stats.commits + 1),
                          "documents", (json_int_t)docs, "last_id",
                          w->last_id ? w->last_id : "");
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    rc = xc_db_set_metadata(w->db, WD_META_CHECKPOINT, s, err);
    free(s);
    if (rc == WD_OK)
        rc = xc_db_set_metadata(w->db, WD_META_SCHEMA, WD_SCHEMA_VERSION, err);
    if (rc == WD_OK)
        rc = xc_db_set_metadata(w->db, WD_META_DICT, wd_dict_version(w->dict), err);
    return rc;
}

/* Every batch runs inside a transaction, so a batch that is not committed
 * never reaches the disk, even when the writer is abandoned. */
static int ensure_txn(wd_index_writer *w, wd_error *err)
{
    if (w->in_txn)
        return WD_OK;
    int rc = xc_db_begin_transaction(w->db, err);
    if (rc == WD_OK)
        w->in_txn = 1;
    return rc;
}

int wd_index_writer_commit(wd_index_writer *w, wd_error *err)
{
    int rc = ensure_txn(w, err);
    if (rc == WD_OK)
        rc = write_checkpoint(w, err);
    if (rc == WD_OK)
        rc = xc_db_commit_transaction(w->db, err);
    w->in_txn = 0; /* committed, or dropped by the failure */
    if (rc == WD_OK) {
        w->stats.commits++;
        w->pending = 0;
    }
    return rc;
}

int wd_index_writer_add(wd_index_writer *w, const wd_record *rec, wd_error *err)
{
    if (!rec || !rec->id || !*rec->id || !rec->question)
        return wd_error_set(err, WD_EINVAL, "index", "record without id or question");
    xc_doc *doc = NULL;
    char *data = NULL;
    int replaced = 0;
    int rc = ensure_txn(w, err);
    if (rc == WD_OK)
        rc = xc_doc_new(&doc, err);
    if (rc == WD_OK)
        rc = index_field(w, doc, WD_PREFIX_QUESTION, rec->question, err);
    if (rc == WD_OK && rec->answer)
        rc = index_field(w, doc, "", rec->answer, err);
    if (rc == WD_OK) {
        const char *t = key_term(w, WD_PREFIX_KIND, wd_corpus_kind_name(rec->kind));
        rc = t ? xc_doc_add_boolean_term(doc, t, err)
               : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK && rec->source && *rec->source) {
        const char *t = key_term(w, WD_PREFIX_SOURCE, rec->source);
        rc = t ? xc_doc_add_boolean_term(doc, t, err)
               : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK)
        rc = xc_doc_set_value(doc, WD_VALUE_ID, rec->id, strlen(rec->id), err);
    if (rc == WD_OK) {
        data = record_json(rec);
        rc = data ? xc_doc_set_data(doc, data, strlen(data), err)
                  : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK) {
        const char *t = key_term(w, WD_PREFIX_ID, rec->id);
        rc = t ? xc_db_replace(w->db, t, doc, NULL, &replaced, err)
               : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    free(data);
    xc_doc_free(doc);
    if (rc != WD_OK)
        return rc;
    if (replaced)
        w->stats.replaced++;
    else
        w->stats.added++;
    char *id = wd_strdup(rec->id);
    if (id) {
        wd_free(w->last_id);
        w->last_id = id;
    }
    if (++w->pending >= w->batch_size)
        return wd_index_writer_commit(w, err);
    return WD_OK;
}

int wd_index_writer_delete(wd_index_writer *w, const char *id, int *found, wd_error *err)
{
    if (found)
        *found = 0;
    if (!id || !*id)
        return wd_error_set(err, WD_EINVAL, "index", "empty record id");
    const char *t = key_term(w, WD_PREFIX_ID, id);
    if (!t)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    uint32_t n = 0;
    int rc = ensure_txn(w, err);
    if (rc == WD_OK)
        rc = xc_db_delete(w->db, t, &n, err);
    if (rc != WD_OK)
        return rc;
    if (found)
        *found = n > 0;
    w->stats.deleted += n;
    if (n && ++w->pending >= w->batch_size)
        return wd_index_writer_commit(w, err);
    return WD_OK;
}

const wd_index_stats *wd_index_writer_stats(const wd_index_writer *w) { return &w->stats; }

int wd_index_writer_close(wd_index_writer *w, wd_error *err)
{
    if (!w)
        return WD_OK;
    int rc = WD_OK;
    if (w->pending || w->stats.commits == 0)
        rc = wd_index_writer_commit(w, err);
    writer_free(w);
    return rc;
}

void wd_index_writer_abandon(wd_index_writer *w) { writer_free(w); }
