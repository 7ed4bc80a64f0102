/*
 * indexer.c - records -> analysed terms -> Xapian documents.
 *
 * Each record becomes one document: the question analysed into "S"-prefixed
 * positional terms, the answer into unprefixed positional terms (index mode,
 * so sub-words of long words sit at the word's position), boolean terms for
 * kind and source, the question's CJK character bigrams ("XB", no positions),
 * the id as unique term and value, and the record itself as JSON data for
 * display. Adding a record whose id exists replaces it.
 *
 * Writes are committed in batches. Every commit also stores a checkpoint in
 * the metadata (commit count, documents, last id), so after a crash the index
 * says exactly how far it got. Next to Xapian's own lock we hold an flock on
 * DIR/wenda.lock containing our pid: Xapian's lock cannot say who holds it.
 *
 * Parallel indexing (opts.jobs > 1): analysis and document building run on
 * a pool of jobs - 1 worker threads, each with its own analyzer.
 * wd_index_writer_add only copies the record into the current chunk; a full
 * chunk goes to the pool and to the writer thread, the only one that
 * touches the database while chunks are in flight, which writes the oldest
 * finished chunk in input order while the workers build the next. Writing
 * is the larger part of the work (about 57 % of it on the law corpus), so
 * the writer must not share its core with a full set of workers, nor wait
 * for the reading thread; when the chunk it needs is not built yet it
 * builds too, rather than wait. So documents reach Xapian in exactly the
 * order they were added, a batch commit covers a prefix of the input, and the
 * checkpoint describes exactly what is committed, as in the serial path.
 * Deleting and committing first write everything pending. At most
 * MAX_IN_FLIGHT chunks plus the one being filled are in memory, and Xapian
 * holds at most one batch, so memory does not grow with the corpus.
 *
 * When the index held no documents at open, a record whose id has not been
 * seen in this run cannot replace anything, so it is added without the
 * unique-term look-up (a set of 64-bit id hashes remembers what was added;
 * a hash collision only falls back to replacing, which is always correct).
 * Such a new index is also written without an fsync per batch (a killed run
 * keeps every commit all the same), and at close it is compacted (B-tree
 * blocks packed full: about 30 % smaller) and the result, synced, replaces
 * it; a crash while the tables are moved is finished by the next writer.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "wenda/bigram.h"
#include "wenda/buf.h"
#include "wenda/index.h"
#include "xapian_c.h"

/* A chunk is handed to the workers when it has this many records or this
 * much text, whichever comes first. */
#define CHUNK_RECORDS 512
#define CHUNK_BYTES (4u << 20)
/* Chunks submitted but not yet written (one is written while the next ones
 * are built). */
#define MAX_IN_FLIGHT 3
/* Records a worker claims at a time. */
#define CLAIM 8
#define MAX_JOBS 64
/* A batch is also committed once it holds this much record text, so memory
 * stays bounded whatever the records' size (Xapian buffers a batch's
 * postings in memory: about 7 bytes per byte of text). The parts of a bulk
 * build or a sharded index share it. */
#define BATCH_BYTES (32u << 20)

/* One record of a chunk: an owned copy, then the document built from it. */
typedef struct job {
    wd_record rec; /* strings point into mem */
    char *mem;
    xc_doc *doc;
} job;

typedef struct chunk {
    job *jobs;
    size_t n, cap;
    size_t bytes;
    size_t next; /* next job to claim (pool lock) */
    size_t done; /* jobs finished (pool lock) */
    int rc;      /* first failure building a document (pool lock) */
    size_t err_at;
    wd_error err;
    struct chunk *qnext; /* in the pool's queue of chunks with unclaimed jobs */
} chunk;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a chunk was queued, or stop */
    pthread_cond_t done;  /* a chunk was finished */
    pthread_cond_t wake;  /* for the writer thread: a chunk in flight, or stop */
    pthread_cond_t space; /* for the caller: the writer took a chunk off the list */
    chunk *head, *tail;
    int stop;
    unsigned n;
    pthread_t threads[MAX_JOBS];
    struct wd_index_writer *w;
    /* the writer thread */
    pthread_t writer;
    int has_writer;
    int wstop; /* finish what is in flight and exit */
    int wdrop; /* drop what is in flight instead of writing it */
    int wrc;   /* its first failure */
    wd_error werr;
} pool;

/* A set of 64-bit id hashes (open addressing, 0 = empty). */
typedef struct idset {
    uint64_t *slots;
    size_t cap, n;
} idset;

/* What a thread needs to turn records into documents. */
typedef struct builder {
    wd_analyzer *an;
    wd_buf term;               /* a whole term */
    wd_buf key;                /* the record's JSON */
    char kt[WD_KEY_TERM_SIZE]; /* a key term */
    size_t id_verbatim;        /* WD_ID_VERBATIM, or schema 1's */
    int answer_positions;
} builder;

struct wd_index_writer {
    xc_db *db;
    const wd_dict *dict;
    int dictionary_layer;
    builder b; /* the calling thread's builder (serial path) */
    uint32_t batch_size;
    uint32_t pending;
    size_t batch_bytes;   /* commit when this much text is pending */
    size_t pending_bytes; /* text of the documents added since the last commit */
    int in_txn;           /* a batch transaction is open */
    wd_index_stats stats;
    int lock_fd;
    char *lock_path;
    char *last_id;
    /* parallel path */
    pool *pool;
    chunk *fill;                  /* being filled by add() */
    chunk *flight[MAX_IN_FLIGHT]; /* submitted, oldest first (pool lock) */
    size_t n_flight;
    int rc; /* sticky: a failure while writing pending chunks */
    wd_error err;
    /* fresh-index fast path */
    int fresh;
    idset seen;
    int profile;        /* wd_index_opts.profile */
    size_t id_verbatim; /* the index's schema (schema.h): WD_ID_VERBATIM, or schema 1's */
    int answer_positions;
    /* several databases (multi = MULTI_BULK or MULTI_SHARDS) */
    int multi;
    struct part *parts;
    unsigned n_parts;
    unsigned bulk_parts;
    char *path;
    char *build_dir;
    int unsynced; /* commits made without fsync: sync the files at close */
    int scratch;  /* a part of a bulk build: neither synced nor compacted at close */
};

enum { MULTI_NONE = 0, MULTI_BULK = 1, MULTI_SHARDS = 2 };

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

/* This thread's CPU time in seconds (wd_index_opts.profile). */
static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- id set ---------------------------------------------------------------- */

static uint64_t id_hash(const char *id)
{
    uint64_t h = wd_fnv1a64(id, strlen(id), WD_FNV_OFFSET);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

/* 1 when h was already in the set (or the set cannot grow: then the caller
 * replaces, which is always correct). */
static int idset_insert(idset *s, uint64_t h)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        uint64_t *slots = wd_calloc(cap, sizeof *slots);
        if (!slots)
            return 1;
        for (size_t i = 0; i < s->cap; i++) {
            uint64_t v = s->slots[i];
            if (!v)
                continue;
            size_t j = (size_t)v & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = v;
        }
        wd_free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    size_t j = (size_t)h & (s->cap - 1);
    while (s->slots[j]) {
        if (s->slots[j] == h)
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = h;
    s->n++;
    return 0;
}

/* ---- documents --------------------------------------------------------------- */

static int builder_init(builder *b, const wd_dict *dict, int dictionary_layer, int answer_positions,
                        size_t id_verbatim, wd_error *err)
{
    memset(b, 0, sizeof *b);
    b->answer_positions = answer_positions;
    b->id_verbatim = id_verbatim;
    int rc = wd_analyzer_new(&b->an, dict, err);
    if (rc == WD_OK)
        wd_analyzer_set_dictionary_layer(b->an, dictionary_layer);
    return rc;
}

static void builder_free(builder *b)
{
    wd_analyzer_free(b->an);
    wd_buf_free(&b->term);
    wd_buf_free(&b->key);
    memset(b, 0, sizeof *b);
}

struct posting_ctx {
    xc_doc *doc;
    const char *prefix;
    size_t plen;
    wd_buf *term;
    wd_error *err;
    wd_bigrams *bg; /* question field: also its CJK bigrams (schema.h) */
    int positions;
};

static int add_bigram(void *vctx, const char *bg, size_t len, uint32_t pos)
{
    (void)pos;
    struct posting_ctx *c = vctx;
    wd_buf_reset(c->term);
    wd_buf_puts(c->term, WD_PREFIX_BIGRAM);
    wd_buf_append(c->term, bg, len);
    if (c->term->oom)
        return wd_error_set(c->err, WD_ENOMEM, "index", "out of memory");
    return xc_doc_add_term(c->doc, c->term->data, c->term->len, 1, c->err);
}

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
    int rc = c->positions ? xc_doc_add_posting(c->doc, c->term->data, c->term->len, t->position + 1,
                                               1, c->err)
                          : xc_doc_add_term(c->doc, c->term->data, c->term->len, 1, c->err);
    if (rc == WD_OK && c->bg)
        rc = wd_bigrams_feed(c->bg, t, add_bigram, c);
    return rc;
}

static int index_field(builder *b, xc_doc *doc, const char *prefix, const char *text, int bigrams,
                       wd_error *err)
{
    wd_bigrams bg = WD_BIGRAMS_INIT;
    struct posting_ctx c = { doc,
                             prefix,
                             strlen(prefix),
                             &b->term,
                             err,
                             bigrams ? &bg : NULL,
                             bigrams || b->answer_positions };
    return wd_analyze(b->an, WD_ANALYZE_INDEX, text, strlen(text), add_token, &c, err);
}

/* Append s (valid UTF-8: wd_index_writer_add checks) as a JSON string, byte
 * for byte what jansson's compact dump writes (so stored records do not
 * depend on which wrote them): `"` and `\\` escaped, \b \f \n \r \t, other
 * control characters as \u00XX, everything else (UTF-8 included) as is. */
static void json_put_string(wd_buf *b, const char *s)
{
    wd_buf_reserve(b, strlen(s) + 2);
    wd_buf_putc(b, '"');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        wd_buf_append(b, run, (size_t)(p - run));
        run = p + 1;
        char esc[8];
        switch (c) {
        case '"': wd_buf_puts(b, "\\\""); break;
        case '\\': wd_buf_puts(b, "\\\\"); break;
        case '\b': wd_buf_puts(b, "\\b"); break;
        case '\f': wd_buf_puts(b, "\\f"); break;
        case '\n': wd_buf_puts(b, "\\n"); break;
        case '\r': wd_buf_puts(b, "\\r"); break;
        case '\t': wd_buf_puts(b, "\\t"); break;
        default: snprintf(esc, sizeof esc, "\\u%04X", c); wd_buf_puts(b, esc);
        }
    }
    wd_buf_append(b, run, strlen(run));
    wd_buf_putc(b, '"');
}

/* The stored record into b: a flat JSON object, keys in this order (what
 * query/ reads). Written directly, without building a jansson tree: this
 * runs once per record. */
static int record_json(wd_buf *b, const wd_record *rec, wd_error *err)
{
    static const char *const names[] = { "id", "question", "answer", "kind", "source", "date" };
    const char *const vals[] = { rec->id,
                                 rec->question,
                                 rec->answer ? rec->answer : "",
                                 wd_corpus_kind_name(rec->kind),
                                 rec->source ? rec->source : "",
                                 rec->date };
    wd_buf_reset(b);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!vals[i])
            continue; /* only the date is optional */
        wd_buf_puts(b, i ? ",\"" : "{\"");
        wd_buf_puts(b, names[i]);
        wd_buf_puts(b, "\":");
        json_put_string(b, vals[i]);
    }
    wd_buf_putc(b, '}');
    return b->oom ? wd_error_set(err, WD_ENOMEM, "index", "out of memory") : WD_OK;
}

/* The whole document of a record, unique id term included. *out is new. */
static int build_doc(builder *b, const wd_record *rec, xc_doc **out, wd_error *err)
{
    *out = NULL;
    xc_doc *doc = NULL;
    int rc = xc_doc_new(&doc, err);
    if (rc == WD_OK)
        rc = index_field(b, doc, WD_PREFIX_QUESTION, rec->question, 1, err);
    if (rc == WD_OK && rec->answer)
        rc = index_field(b, doc, "", rec->answer, 0, err);
    if (rc == WD_OK)
        rc = xc_doc_add_boolean_term(
            doc,
            wd_key_term(b->kt, WD_PREFIX_KIND, wd_corpus_kind_name(rec->kind), WD_MAX_KEY_TERM),
            err);
    if (rc == WD_OK && rec->source && *rec->source)
        rc = xc_doc_add_boolean_term(
            doc, wd_key_term(b->kt, WD_PREFIX_SOURCE, rec->source, WD_MAX_KEY_TERM), err);
    if (rc == WD_OK)
        rc = xc_doc_add_boolean_term(doc, wd_key_term(b->kt, WD_PREFIX_ID, rec->id, b->id_verbatim),
                                     err);
    if (rc == WD_OK)
        rc = xc_doc_set_value(doc, WD_VALUE_ID, rec->id, strlen(rec->id), err);
    if (rc == WD_OK)
        rc = record_json(&b->key, rec, err);
    if (rc == WD_OK)
        rc = xc_doc_set_data(doc, b->key.data, b->key.len, err);
    if (rc != WD_OK) {
        xc_doc_free(doc);
        return rc;
    }
    *out = doc;
    return WD_OK;
}

static int write_checkpoint(wd_index_writer *w, wd_error *err)
{
    uint32_t docs = 0;
    int rc = xc_db_doccount(w->db, &docs, err);
    if (rc != WD_OK)
        return rc;
    json_t *o = json_pack("{s:I, s:I, s:s}", "commit", (json_int_t)(w->stats.commits + 1),
                          "documents", (json_int_t)docs, "last_id", w->last_id ? w->last_id : "");
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    rc = xc_db_set_metadata(w->db, WD_META_CHECKPOINT, s, err);
    free(s);
    if (rc == WD_OK)
        rc = xc_db_set_metadata(w->db, WD_META_SCHEMA,
                                w->id_verbatim == WD_ID_VERBATIM_V1 ? "1" : WD_SCHEMA_VERSION, err);
    if (rc == WD_OK)
        rc = xc_db_set_metadata(w->db, WD_META_DICT, wd_dict_version(w->dict), err);
    return rc;
}

/* ---- chunks and the worker pool --------------------------------------------- */

static void chunk_free(chunk *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        wd_free(c->jobs[i].mem);
        xc_doc_free(c->jobs[i].doc);
    }
    wd_free(c->jobs);
    wd_free(c);
}

static const char *copy_str(char **p, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *r = *p;
    *p += n;
    return r;
}

/* Append an owned copy of rec. */
static int chunk_add(chunk *c, const wd_record *rec, wd_error *err)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        job *j = wd_realloc(c->jobs, cap * sizeof *j);
        if (!j)
            return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        c->jobs = j;
        c->cap = cap;
    }
    size_t n = 0;
    const char *const s[] = { rec->id, rec->question, rec->answer, rec->source, rec->date };
    for (size_t i = 0; i < 5; i++)
        n += s[i] ? strlen(s[i]) + 1 : 0;
    job *j = &c->jobs[c->n];
    memset(j, 0, sizeof *j);
    j->mem = wd_malloc(n);
    if (!j->mem)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    char *p = j->mem;
    j->rec = *rec;
    j->rec.id = copy_str(&p, rec->id);
    j->rec.question = copy_str(&p, rec->question);
    j->rec.answer = copy_str(&p, rec->answer);
    j->rec.source = copy_str(&p, rec->source);
    j->rec.date = copy_str(&p, rec->date);
    c->n++;
    c->bytes += n;
    return WD_OK;
}

/* Claim the next few jobs of the oldest chunk with unclaimed ones and build
 * them (called and returning with p->mu held; unlocked while building).
 * 0 when there was nothing to claim. */
static int pool_build_some(pool *p, builder *b, int brc, wd_error *err)
{
    chunk *c = p->head;
    if (!c)
        return 0;
    size_t from = c->next, to = from + CLAIM < c->n ? from + CLAIM : c->n;
    c->next = to;
    if (to == c->n) {
        p->head = c->qnext;
        if (!p->head)
            p->tail = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    int rc = brc;
    size_t at = from;
    double t0 = p->w->profile ? thread_cpu_s() : 0;
    for (size_t i = from; rc == WD_OK && i < to; i++) {
        at = i;
        if (c->rc == WD_OK) /* racy read: only skips work after a failure */
            rc = build_doc(b, &c->jobs[i].rec, &c->jobs[i].doc, err);
    }
    double t1 = p->w->profile ? thread_cpu_s() : 0;
    pthread_mutex_lock(&p->mu);
    p->w->stats.analysis_cpu_s += t1 - t0;
    if (rc != WD_OK && (c->rc == WD_OK || at < c->err_at)) {
        c->rc = rc;
        c->err_at = at;
        c->err = *err;
    }
    c->done += to - from;
    if (c->done == c->n)
        pthread_cond_broadcast(&p->done);
    return 1;
}

static void *worker_main(void *arg)
{
    pool *p = arg;
    builder b;
    wd_error err;
    wd_error_clear(&err);
    int brc = builder_init(&b, p->w->dict, p->w->dictionary_layer, p->w->answer_positions,
                           p->w->id_verbatim, &err);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->head)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        pool_build_some(p, &b, brc, &err);
    }
    pthread_mutex_unlock(&p->mu);
    builder_free(&b);
    return NULL;
}

static void pool_stop(pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->space);
    wd_free(p);
}

static void *writer_main(void *arg);
static void writer_stop(pool *p, int drop);

static int pool_start(wd_index_writer *w, unsigned jobs, wd_error *err)
{
    pool *p = wd_calloc(1, sizeof *p);
    if (!p)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    p->w = w;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->space, NULL);
    int ok = pthread_create(&p->writer, NULL, writer_main, p) == 0;
    p->has_writer = ok;
    for (unsigned i = 0; ok && i < jobs; i++) {
        ok = pthread_create(&p->threads[i], NULL, worker_main, p) == 0;
        p->n += ok;
    }
    if (!ok) {
        writer_stop(p, 1);
        pool_stop(p);
        return wd_error_set(err, WD_ERROR, "index", "cannot start an indexing thread");
    }
    w->pool = p;
    return WD_OK;
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

static int commit_now(wd_index_writer *w, wd_error *err)
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
        w->pending_bytes = 0;
    }
    return rc;
}

/* Write one built document (the database thread only). */
static int write_doc(wd_index_writer *w, const wd_record *rec, xc_doc *doc, wd_error *err)
{
    int replaced = 0;
    int rc = ensure_txn(w, err);
    if (rc != WD_OK)
        return rc;
    if (w->fresh && !idset_insert(&w->seen, id_hash(rec->id))) {
        rc = xc_db_add(w->db, doc, NULL, err);
    } else {
        char t[WD_KEY_TERM_SIZE];
        rc = xc_db_replace_keyed(w->db, wd_key_term(t, WD_PREFIX_ID, rec->id, w->id_verbatim),
                                 WD_VALUE_ID, doc, NULL, &replaced, err);
    }
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
    w->pending_bytes += strlen(rec->question) + (rec->answer ? strlen(rec->answer) : 0);
    if (++w->pending >= w->batch_size || w->pending_bytes >= w->batch_bytes)
        return commit_now(w, err);
    return WD_OK;
}

static int sticky(wd_index_writer *w, int rc, const wd_error *err)
{
    if (rc != WD_OK && w->rc == WD_OK) {
        w->rc = rc;
        if (err)
            w->err = *err;
        else
            wd_error_set(&w->err, rc, "index", "%s", wd_code_name(rc));
    }
    return rc;
}

static int fail_sticky(wd_index_writer *w, wd_error *err)
{
    if (err)
        *err = w->err;
    return w->rc;
}

/* Write the documents of a built chunk in order (the writer thread). */
static int write_chunk(wd_index_writer *w, chunk *c, wd_error *err)
{
    int rc = WD_OK;
    size_t upto = c->rc == WD_OK ? c->n : c->err_at;
    double t0 = w->profile ? thread_cpu_s() : 0;
    for (size_t i = 0; rc == WD_OK && i < upto; i++) {
        rc = write_doc(w, &c->jobs[i].rec, c->jobs[i].doc, err);
        xc_doc_free(c->jobs[i].doc);
        c->jobs[i].doc = NULL;
    }
    if (w->profile)
        w->stats.write_cpu_s += thread_cpu_s() - t0;
    if (rc == WD_OK && c->rc != WD_OK) {
        rc = c->rc;
        if (err)
            *err = c->err;
    }
    return rc;
}

/* The writer thread: the only one that touches the database while chunks
 * are in flight. It takes the oldest chunk, builds it too while it is not
 * built yet (rather than wait), writes it and frees it. After a failure
 * (kept for the caller) or when told to drop, chunks are freed unwritten. So
 * the reading thread, the workers and the writer all run at once, and the
 * writer - the larger part of the work - never waits for the reader. */
static void *writer_main(void *arg)
{
    pool *p = arg;
    wd_index_writer *w = p->w;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->wstop && w->n_flight == 0)
            pthread_cond_wait(&p->wake, &p->mu);
        if (w->n_flight == 0)
            break;
        chunk *c = w->flight[0];
        while (c->done < c->n) {
            wd_error berr;
            wd_error_clear(&berr);
            if (!pool_build_some(p, &w->b, WD_OK, &berr))
                pthread_cond_wait(&p->done, &p->mu);
        }
        if (p->wrc == WD_OK && !p->wdrop) {
            pthread_mutex_unlock(&p->mu);
            wd_error err;
            wd_error_clear(&err);
            int rc = write_chunk(w, c, &err);
            pthread_mutex_lock(&p->mu);
            if (rc != WD_OK && p->wrc == WD_OK) {
                p->wrc = rc;
                p->werr = err;
            }
        }
        memmove(w->flight, w->flight + 1, (w->n_flight - 1) * sizeof *w->flight);
        w->n_flight--;
        pthread_cond_broadcast(&p->space);
        pthread_mutex_unlock(&p->mu);
        chunk_free(c);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Stop the writer thread: after writing what is in flight, or (drop)
 * dropping it. */
static void writer_stop(pool *p, int drop)
{
    if (!p || !p->has_writer)
        return;
    pthread_mutex_lock(&p->mu);
    p->wstop = 1;
    p->wdrop = p->wdrop || drop;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->writer, NULL);
    p->has_writer = 0;
}

/* Hand the chunk being filled to the workers and the writer; wait while
 * MAX_IN_FLIGHT are in flight. Passes up a failure of the writer. */
/* Append a chunk to a queue (head, tail), under the queue's lock. */
static void chunk_push(chunk **head, chunk **tail, chunk *c)
{
    c->qnext = NULL;
    if (*tail)
        (*tail)->qnext = c;
    else
        *head = c;
    *tail = c;
}

static int submit_fill(wd_index_writer *w, wd_error *err)
{
    chunk *c = w->fill;
    pool *p = w->pool;
    pthread_mutex_lock(&p->mu);
    if (c && c->n) {
        w->fill = NULL;
        chunk_push(&p->head, &p->tail, c);
        pthread_cond_broadcast(&p->work);
        while (w->n_flight >= MAX_IN_FLIGHT)
            pthread_cond_wait(&p->space, &p->mu);
        w->flight[w->n_flight++] = c;
        pthread_cond_broadcast(&p->wake);
    }
    int rc = p->wrc;
    if (rc != WD_OK && err)
        *err = p->werr;
    pthread_mutex_unlock(&p->mu);
    return sticky(w, rc, err);
}

/* Write everything added so far (not committed yet); then the writer
 * thread is idle and the calling thread may use the database. */
static int drain(wd_index_writer *w, wd_error *err)
{
    if (w->rc != WD_OK)
        return fail_sticky(w, err);
    if (!w->pool)
        return WD_OK;
    int rc = submit_fill(w, err);
    if (rc != WD_OK)
        return rc;
    pool *p = w->pool;
    pthread_mutex_lock(&p->mu);
    while (w->n_flight)
        pthread_cond_wait(&p->space, &p->mu);
    rc = p->wrc;
    if (rc != WD_OK && err)
        *err = p->werr;
    pthread_mutex_unlock(&p->mu);
    return sticky(w, rc, err);
}

/* Drop what is not written yet (the threads are stopped first). */
static void drop_pending(wd_index_writer *w)
{
    writer_stop(w->pool, 1);
    pool_stop(w->pool);
    w->pool = NULL;
    for (size_t i = 0; i < w->n_flight; i++)
        chunk_free(w->flight[i]);
    w->n_flight = 0;
    chunk_free(w->fill);
    w->fill = NULL;
}

/* ---- several databases: the shards of a sharded index, or the parts of a
 * bulk build ---------------------------------------------------------------
 *
 * Records are routed by wd_index_shard_of(id), so a record and every later
 * version of it land in the same database and replacing stays exact. Each
 * database has a serial writer of its own driven by one thread, so Xapian's
 * writing - the larger part of the work - runs on every core. The calling
 * thread only copies records into per-part chunks.
 */

#define PART_QUEUE 2 /* chunks queued per part before add() waits */

typedef struct part {
    wd_index_writer *w; /* serial writer, used by the part's thread */
    pthread_t th;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk *head, *tail;
    size_t queued;
    int busy, stop;
    int rc; /* sticky failure of this part */
    wd_error err;
    chunk *fill;
} part;

uint32_t wd_index_shard_of(const char *id, uint32_t n)
{
    return n ? (uint32_t)(wd_fnv1a64(id, strlen(id), WD_FNV_OFFSET) % n) : 0;
}

static int add_checked(wd_index_writer *w, const wd_record *rec, wd_error *err);

static void *part_main(void *arg)
{
    part *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        if (!p->head)
            break;
        chunk *c = p->head;
        p->head = c->qnext;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        p->busy = 1;
        int rc = p->rc;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        wd_error err;
        wd_error_clear(&err);
        for (size_t i = 0; rc == WD_OK && i < c->n; i++)
            rc = add_checked(p->w, &c->jobs[i].rec, &err);
        chunk_free(c);
        pthread_mutex_lock(&p->mu);
        if (rc != WD_OK && p->rc == WD_OK) {
            p->rc = rc;
            p->err = err;
        }
        p->busy = 0;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Queue the part's filled chunk (waits while the part is PART_QUEUE behind). */
static int part_submit(part *p)
{
    chunk *c = p->fill;
    if (!c || c->n == 0)
        return WD_OK;
    p->fill = NULL;
    pthread_mutex_lock(&p->mu);
    while (p->queued >= PART_QUEUE && p->rc == WD_OK)
        pthread_cond_wait(&p->cv, &p->mu);
    chunk_push(&p->head, &p->tail, c);
    p->queued++;
    int rc = p->rc;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* Submit and wait until the part has written everything queued; its
 * writer may then be used by the calling thread until more is queued. */
static int part_drain(part *p, wd_error *err)
{
    part_submit(p);
    pthread_mutex_lock(&p->mu);
    while (p->queued || p->busy)
        pthread_cond_wait(&p->cv, &p->mu);
    int rc = p->rc;
    if (rc != WD_OK && err)
        *err = p->err;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static void part_stop(part *p)
{
    if (!p->started)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->th, NULL);
    p->started = 0;
    while (p->head) {
        chunk *c = p->head;
        p->head = c->qnext;
        chunk_free(c);
    }
    chunk_free(p->fill);
    p->fill = NULL;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}

/* rm -rf for the build folder (a flat tree of databases). */
static int rm_tree(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(fpath);
    return 0;
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        nftw(path, rm_tree, 16, FTW_DEPTH | FTW_PHYS);
}

static int writer_open(wd_index_writer **out, const char *path, const wd_dict *dict,
                       const wd_index_opts *opts, int db_flags, wd_error *err);

/* Open the part writers (paths[i]) and start their threads. */
static int parts_start(wd_index_writer *w, char **paths, unsigned n, int overwrite, wd_error *err)
{
    w->parts = wd_calloc(n, sizeof *w->parts);
    if (!w->parts)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    w->n_parts = n;
    wd_index_opts so = WD_INDEX_OPTS_INIT;
    so.batch_size = w->batch_size;
    so.overwrite = overwrite;
    so.no_dictionary_layer = !w->dictionary_layer;
    so.answer_positions = w->answer_positions;
    so.profile = w->profile;
    for (unsigned i = 0; i < n; i++) {
        part *p = &w->parts[i];
        /* The parts of a bulk build are scratch databases (a killed build
         * keeps nothing): no fsync per commit. */
        int rc = writer_open(&p->w, paths[i], w->dict, &so,
                             w->multi == MULTI_BULK ? XC_DB_NO_SYNC : 0, err);
        if (rc != WD_OK)
            return rc;
        p->w->batch_bytes = BATCH_BYTES / n > (1u << 20) ? BATCH_BYTES / n : (1u << 20);
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->cv, NULL);
        if (pthread_create(&p->th, NULL, part_main, p) != 0) {
            pthread_mutex_destroy(&p->mu);
            pthread_cond_destroy(&p->cv);
            return wd_error_set(err, WD_ERROR, "index", "cannot start an indexing thread");
        }
        p->started = 1;
    }
    return WD_OK;
}

static int parts_add(wd_index_writer *w, const wd_record *rec, wd_error *err)
{
    part *p = &w->parts[wd_index_shard_of(rec->id, w->n_parts)];
    if (!p->fill && !(p->fill = wd_calloc(1, sizeof *p->fill)))
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    int rc = chunk_add(p->fill, rec, err);
    if (rc == WD_OK && (p->fill->n >= CHUNK_RECORDS || p->fill->bytes >= CHUNK_BYTES))
        rc = part_submit(p);
    if (rc != WD_OK) {
        pthread_mutex_lock(&p->mu);
        if (err && p->rc != WD_OK)
            *err = p->err;
        pthread_mutex_unlock(&p->mu);
        return sticky(w, rc, err);
    }
    char *id = wd_strdup(rec->id);
    if (id) {
        wd_free(w->last_id);
        w->last_id = id;
    }
    return WD_OK;
}

static int parts_drain(wd_index_writer *w, wd_error *err)
{
    int rc = WD_OK;
    for (unsigned i = 0; i < w->n_parts; i++) {
        int r = part_drain(&w->parts[i], err);
        if (rc == WD_OK)
            rc = r;
    }
    return sticky(w, rc, err);
}

static void parts_sum_stats(wd_index_writer *w)
{
    wd_index_stats s = { 0 };
    for (unsigned i = 0; i < w->n_parts; i++) {
        if (!w->parts[i].w)
            continue;
        const wd_index_stats *p = wd_index_writer_stats(w->parts[i].w);
        s.added += p->added;
        s.replaced += p->replaced;
        s.commits += p->commits;
        s.analysis_cpu_s += p->analysis_cpu_s;
        s.write_cpu_s += p->write_cpu_s;
    }
    s.deleted = w->stats.deleted;
    w->stats = s;
}

/* Stop the threads; commit (ok) or abandon every part writer. */
static int parts_close(wd_index_writer *w, int ok, wd_error *err)
{
    int rc = WD_OK;
    for (unsigned i = 0; i < w->n_parts; i++)
        part_stop(&w->parts[i]);
    if (ok)
        parts_sum_stats(w);
    for (unsigned i = 0; i < w->n_parts; i++) {
        part *p = &w->parts[i];
        if (ok && rc == WD_OK) {
            rc = wd_index_writer_close(p->w, err);
        } else {
            wd_index_writer_abandon(p->w);
        }
        p->w = NULL;
    }
    wd_free(w->parts);
    w->parts = NULL;
    w->n_parts = 0;
    return rc;
}

static char *path_join(const char *dir, const char *name)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s/%s", dir, name);
    return b.oom ? (wd_buf_free(&b), NULL) : wd_buf_detach(&b);
}

/* Move the database BUILD/merged over DIR (xc_db_install), then drop the
 * build folder. */
static int install_merged(const char *dir, const char *build_dir, wd_error *err)
{
    char *merged = path_join(build_dir, "merged");
    int rc = merged ? xc_db_install(merged, dir, err)
                    : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK)
        remove_tree(build_dir);
    wd_free(merged);
    return rc;
}

/* A build that a crash interrupted while its database was being installed:
 * finish it. Any other build folder is what a killed run left (we hold the
 * lock): drop it. */
static int recover_install(const char *dir, wd_error *err)
{
    char *build_dir = path_join(dir, ".wenda-build");
    char *merged = build_dir ? path_join(build_dir, "merged") : NULL;
    int rc = merged ? xc_db_install_recover(merged, dir, NULL, err)
                    : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK)
        remove_tree(build_dir);
    wd_free(build_dir);
    wd_free(merged);
    return rc;
}

/* Bulk build: merge the parts into DIR. The parts are compacted into
 * BUILD/merged, which gets the checkpoint, then replaces DIR's (empty)
 * database. */
static int bulk_finish(wd_index_writer *w, wd_error *err)
{
    int rc = WD_OK;
    char **srcs = wd_calloc(w->bulk_parts, sizeof *srcs);
    char *merged = path_join(w->build_dir, "merged");
    if (!srcs || !merged)
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    for (unsigned i = 0; rc == WD_OK && i < w->bulk_parts; i++) {
        char name[32];
        snprintf(name, sizeof name, "part-%u", i + 1);
        if (!(srcs[i] = path_join(w->build_dir, name)))
            rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK)
        rc = xc_compact((const char *const *)srcs, w->bulk_parts, merged, err);
    if (rc == WD_OK) {
        /* The checkpoint, schema and dictionary of the whole. */
        xc_db *main = w->db;
        w->db = NULL;
        xc_db_close(main);
        rc = xc_db_open(&w->db, merged, XC_DB_OPEN, err);
        if (rc == WD_OK) {
            w->stats.commits = 0;
            rc = write_checkpoint(w, err);
        }
        if (rc == WD_OK)
            rc = xc_db_commit(w->db, err);
        xc_db_close(w->db);
        w->db = NULL;
    }
    if (rc == WD_OK)
        rc = install_merged(w->path, w->build_dir, err);
    if (rc == WD_OK)
        w->stats.commits = 1;
    for (unsigned i = 0; srcs && i < w->bulk_parts; i++)
        wd_free(srcs[i]);
    wd_free(srcs);
    wd_free(merged);
    remove_tree(w->build_dir);
    return rc;
}

/* A new index written by one writer: every batch is committed (unsynced);
 * compact it into BUILD/merged (synced) and move that into place. Batch
 * commits leave B-tree blocks part full and old revisions' blocks free:
 * the compacted index is about 30 % smaller, and compacting costs a few
 * percent of the build. Should compacting fail (a full disk), the index as
 * committed stays, synced. */
static int fresh_finish(wd_index_writer *w, wd_error *err)
{
    xc_db_close(w->db);
    w->db = NULL;
    char *build_dir = path_join(w->path, ".wenda-build");
    char *merged = build_dir ? path_join(build_dir, "merged") : NULL;
    int rc = merged ? WD_OK : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK) {
        remove_tree(build_dir);
        wd_error cerr;
        wd_error_clear(&cerr);
        const char *src = w->path;
        if (make_dirs(build_dir, &cerr) == WD_OK && xc_compact(&src, 1, merged, &cerr) == WD_OK) {
            rc = install_merged(w->path, build_dir, err);
        } else {
            remove_tree(build_dir);
            rc = xc_db_sync_files(w->path, err);
        }
    }
    wd_free(build_dir);
    wd_free(merged);
    return rc;
}

static void writer_free(wd_index_writer *w)
{
    if (!w)
        return;
    drop_pending(w);
    if (w->parts)
        parts_close(w, 0, NULL);
    if (w->multi == MULTI_BULK && w->build_dir)
        remove_tree(w->build_dir);
    wd_free(w->path);
    wd_free(w->build_dir);
    if (w->in_txn)
        xc_db_cancel_transaction(w->db, NULL);
    xc_db_close(w->db);
    release_lock(w);
    builder_free(&w->b);
    wd_free(w->lock_path);
    wd_free(w->last_id);
    wd_free(w->seen.slots);
    wd_free(w);
}

unsigned wd_index_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

/* Shards listed by DIR's stub, one we wrote: 0 when there is none. */
static unsigned stub_shards(const char *path)
{
    xc_stub st;
    if (xc_stub_read(path, &st, NULL) != WD_OK)
        return 0;
    unsigned n = (unsigned)st.lines;
    xc_stub_clear(&st);
    return n;
}

static int write_stub(const char *path, unsigned n, wd_error *err)
{
    char **names = wd_calloc(n, sizeof *names);
    int rc = names ? WD_OK : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    for (unsigned i = 0; rc == WD_OK && i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "shard-%u", i + 1);
        if (!(names[i] = wd_strdup(name)))
            rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK) {
        char comment[96];
        snprintf(comment, sizeof comment,
                 "wenda sharded index: %u shards (records routed by a hash of their id)", n);
        rc = xc_stub_write(path, comment, (const char *const *)names, n, err);
    }
    for (unsigned i = 0; names && i < n; i++)
        wd_free(names[i]);
    wd_free(names);
    return rc;
}

static int open_parts(wd_index_writer *w, const char *dir, const char *fmt, unsigned n,
                      int overwrite, wd_error *err)
{
    char **paths = wd_calloc(n, sizeof *paths);
    int rc = paths ? WD_OK : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    for (unsigned i = 0; rc == WD_OK && i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, fmt, i + 1);
        if (!(paths[i] = path_join(dir, name)))
            rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    if (rc == WD_OK)
        rc = parts_start(w, paths, n, overwrite, err);
    for (unsigned i = 0; paths && i < n; i++)
        wd_free(paths[i]);
    wd_free(paths);
    return rc;
}

int wd_index_writer_open(wd_index_writer **out, const char *path, const wd_dict *dict,
                         const wd_index_opts *opts, wd_error *err)
{
    return writer_open(out, path, dict, opts, 0, err);
}

static int writer_open(wd_index_writer **out, const char *path, const wd_dict *dict,
                       const wd_index_opts *opts, int db_flags, wd_error *err)
{
    *out = NULL;
    if (!path || !*path || !dict)
        return wd_error_set(err, WD_EINVAL, "index", "no index path given");
    wd_index_writer *w = wd_calloc(1, sizeof *w);
    if (!w)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    w->lock_fd = -1;
    w->dict = dict;
    w->id_verbatim = WD_ID_VERBATIM;
    w->batch_size = opts && opts->batch_size ? opts->batch_size : WD_DEFAULT_BATCH_SIZE;
    w->batch_bytes = BATCH_BYTES;
    w->dictionary_layer = !(opts && opts->no_dictionary_layer);
    w->answer_positions = opts && opts->answer_positions;
    w->profile = opts && opts->profile;
    unsigned jobs = opts ? opts->jobs : 0;
    if (jobs > MAX_JOBS)
        jobs = MAX_JOBS;
    int overwrite = opts && opts->overwrite;
    unsigned shards = opts ? opts->shards : 0;
    int rc = make_dirs(path, err);
    if (rc == WD_OK && !(w->path = wd_strdup(path)))
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK)
        rc = take_lock(w, path, err);
    if (rc == WD_OK)
        rc = recover_install(path, err);
    unsigned have = rc == WD_OK ? stub_shards(path) : 0;
    if (rc == WD_OK && (have || shards)) {
        /* A sharded index: DIR's stub lists DIR/shard-1 ... DIR/shard-N. */
        int single = xc_dir_has_db(path);
        if (single && !overwrite)
            rc = wd_error_set(err, WD_EINVAL, "index",
                              "%s: is a single (unsharded) index; use --overwrite to rebuild it "
                              "with shards",
                              path);
        else if (have && shards && shards != have && !overwrite)
            rc = wd_error_set(err, WD_EINVAL, "index",
                              "%s: has %u shards, not %u; records are routed by shard count, so "
                              "use --overwrite to rebuild it with %u",
                              path, have, shards, shards);
        if (rc == WD_OK && single)
            rc = xc_db_remove_files(path, err);
        unsigned n = shards ? shards : have;
        if (rc == WD_OK && n > MAX_JOBS * 4)
            rc = wd_error_set(err, WD_EINVAL, "index", "at most %d shards", MAX_JOBS * 4);
        if (rc == WD_OK) {
            w->multi = MULTI_SHARDS;
            rc = open_parts(w, path, "shard-%u", n, overwrite, err);
        }
        if (rc == WD_OK && n != have)
            rc = write_stub(path, n, err);
        if (rc != WD_OK) {
            writer_free(w);
            return rc;
        }
        *out = w;
        return WD_OK;
    }
    if (rc == WD_OK) {
        int mode = overwrite || xc_dir_has_interrupted_create(path) ? XC_DB_CREATE_OR_OVERWRITE
                                                                    : XC_DB_CREATE_OR_OPEN;
        rc = xc_db_open(&w->db, path, mode | db_flags, err);
        if (rc == WD_ELOCKED)
            wd_error_set(err, WD_ELOCKED, "index",
                         "%s: index is locked by another writer (not wenda); wait for it to finish",
                         path);
    }
    uint32_t docs = 1;
    if (rc == WD_OK)
        rc = xc_db_doccount(w->db, &docs, err);
    w->fresh = docs == 0;
    /* A new index is written in the current schema; one with documents in
     * its own (an older wenda's index keeps its id terms, so its lookups
     * keep working). */
    if (rc == WD_OK && !w->fresh) {
        char *v = NULL;
        rc = xc_db_get_metadata(w->db, WD_META_SCHEMA, &v, err);
        if (rc == WD_OK && (!*v || strcmp(v, "1") == 0))
            w->id_verbatim = WD_ID_VERBATIM_V1;
        else if (rc == WD_OK && strcmp(v, WD_SCHEMA_VERSION) != 0) {
            rc = wd_error_set(err, WD_EINVAL, "index",
                              "%s: written in index schema %s, which this wenda does not know "
                              "(it writes schema %s); rebuild the index with --overwrite, or "
                              "update it with the wenda that wrote it",
                              path, v, WD_SCHEMA_VERSION);
        }
        wd_free(v);
    }
    if (rc == WD_OK && w->fresh && !(db_flags & XC_DB_NO_SYNC)) {
        /* A new index: its batch commits need not reach the disk one by
         * one (a killed run still keeps them all; only a power failure
         * during this first build could lose them), so reopen it without
         * fsync and sync the files once at close. */
        xc_db_close(w->db);
        w->db = NULL;
        db_flags |= XC_DB_NO_SYNC;
        rc = xc_db_open(&w->db, path, XC_DB_OPEN | db_flags, err);
        w->unsynced = rc == WD_OK;
    }
    w->scratch = (db_flags & XC_DB_NO_SYNC) && !w->unsynced;
    if (rc == WD_OK)
        rc = builder_init(&w->b, dict, w->dictionary_layer, w->answer_positions, w->id_verbatim,
                          err);
    if (rc == WD_OK && opts && opts->bulk && w->fresh && jobs > 1) {
        /* Bulk build of a new index: one part per job, merged at close. */
        w->multi = MULTI_BULK;
        w->bulk_parts = jobs;
        if (!(w->build_dir = path_join(path, ".wenda-build")))
            rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        if (rc == WD_OK) {
            remove_tree(w->build_dir);
            rc = make_dirs(w->build_dir, err);
        }
        if (rc == WD_OK)
            rc = open_parts(w, w->build_dir, "part-%u", jobs, 1, err);
    } else if (rc == WD_OK && jobs > 1) {
        /* jobs - 1 workers and the writer thread, which writes (the larger
         * part of the work) and builds documents too whenever it would
         * wait; the calling thread only reads input into chunks. */
        rc = pool_start(w, jobs - 1, err);
    }
    if (rc != WD_OK) {
        writer_free(w);
        return rc;
    }
    *out = w;
    return WD_OK;
}

int wd_index_writer_commit(wd_index_writer *w, wd_error *err)
{
    if (w->multi) {
        int rc = parts_drain(w, err);
        for (unsigned i = 0; rc == WD_OK && i < w->n_parts; i++)
            rc = wd_index_writer_commit(w->parts[i].w, err);
        if (rc == WD_OK)
            parts_sum_stats(w);
        return sticky(w, rc, err);
    }
    int rc = drain(w, err);
    double t0 = w->profile ? thread_cpu_s() : 0;
    if (rc == WD_OK)
        rc = sticky(w, commit_now(w, err), err);
    if (w->profile)
        w->stats.write_cpu_s += thread_cpu_s() - t0;
    return rc;
}

/* The stored record is JSON: its strings must be UTF-8 (the corpus readers
 * skip records that are not; this guards the library API). */
static int check_utf8(const wd_record *rec, wd_error *err)
{
    static const char *const names[] = { "id", "question", "answer", "source", "date" };
    const char *const vals[] = { rec->id, rec->question, rec->answer, rec->source, rec->date };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (vals[i] && !wd_utf8_valid(vals[i], strlen(vals[i]), NULL))
            return wd_error_set(err, WD_EINVAL, "index", "record %s: its %s is not valid UTF-8",
                                i ? rec->id : "?", names[i]);
    return WD_OK;
}

int wd_index_writer_add(wd_index_writer *w, const wd_record *rec, wd_error *err)
{
    if (!rec || !rec->id || !*rec->id || !rec->question)
        return wd_error_set(err, WD_EINVAL, "index", "record without id or question");
    int vrc = check_utf8(rec, err);
    if (vrc != WD_OK)
        return vrc;
    return add_checked(w, rec, err);
}

/* wd_index_writer_add for a record already checked (the parts of a bulk or
 * sharded writer get records their parent checked). */
static int add_checked(wd_index_writer *w, const wd_record *rec, wd_error *err)
{
    if (w->rc != WD_OK)
        return fail_sticky(w, err);
    if (w->multi)
        return parts_add(w, rec, err);
    if (!w->pool) {
        xc_doc *doc = NULL;
        double t0 = w->profile ? thread_cpu_s() : 0;
        int rc = build_doc(&w->b, rec, &doc, err);
        double t1 = w->profile ? thread_cpu_s() : 0;
        if (rc == WD_OK)
            rc = write_doc(w, rec, doc, err);
        xc_doc_free(doc);
        if (w->profile) {
            w->stats.analysis_cpu_s += t1 - t0;
            w->stats.write_cpu_s += thread_cpu_s() - t1;
        }
        return rc;
    }
    if (!w->fill && !(w->fill = wd_calloc(1, sizeof *w->fill)))
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    int rc = chunk_add(w->fill, rec, err);
    if (rc == WD_OK && (w->fill->n >= CHUNK_RECORDS || w->fill->bytes >= CHUNK_BYTES))
        rc = submit_fill(w, err);
    return rc;
}

int wd_index_writer_delete(wd_index_writer *w, const char *id, int *found, wd_error *err)
{
    if (found)
        *found = 0;
    if (!id || !*id)
        return wd_error_set(err, WD_EINVAL, "index", "empty record id");
    if (w->multi) {
        /* The part that holds the id, once it has written what was queued. */
        part *p = &w->parts[wd_index_shard_of(id, w->n_parts)];
        int rc = part_drain(p, err);
        if (rc == WD_OK)
            rc = wd_index_writer_delete(p->w, id, found, err);
        if (rc == WD_OK && found && *found)
            w->stats.deleted++;
        return sticky(w, rc, err);
    }
    int rc = drain(w, err);
    if (rc != WD_OK)
        return rc;
    char t[WD_KEY_TERM_SIZE];
    uint32_t n = 0;
    rc = ensure_txn(w, err);
    if (rc == WD_OK)
        rc = xc_db_delete_keyed(w->db, wd_key_term(t, WD_PREFIX_ID, id, w->id_verbatim),
                                WD_VALUE_ID, id, strlen(id), &n, err);
    if (rc != WD_OK)
        return rc;
    if (found)
        *found = n > 0;
    w->stats.deleted += n;
    if (n && ++w->pending >= w->batch_size)
        return wd_index_writer_commit(w, err);
    return WD_OK;
}

const wd_index_stats *wd_index_writer_stats(const wd_index_writer *w)
{
    return &w->stats;
}

int wd_index_writer_close(wd_index_writer *w, wd_error *err)
{
    if (!w)
        return WD_OK;
    if (w->multi) {
        int rc = parts_drain(w, err);
        rc = parts_close(w, rc == WD_OK, err) != WD_OK && rc == WD_OK ? WD_ERROR : rc;
        if (rc == WD_ERROR && err)
            rc = err->code ? err->code : WD_ERROR;
        if (rc == WD_OK && w->multi == MULTI_BULK)
            rc = bulk_finish(w, err);
        writer_free(w);
        return rc;
    }
    int rc = drain(w, err);
    if (rc == WD_OK && (w->pending || w->stats.commits == 0))
        rc = commit_now(w, err);
    if (rc == WD_OK && w->fresh && !w->scratch && w->stats.added > 0)
        rc = fresh_finish(w, err);
    else if (rc == WD_OK && w->unsynced)
        rc = xc_db_sync_files(w->path, err);
    writer_free(w);
    return rc;
}

void wd_index_writer_abandon(wd_index_writer *w)
{
    writer_free(w);
}
