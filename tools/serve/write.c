/*
 * write.c - the service's write API (see write.h): a body read as records
 * by the JSON Lines reader of `wenda index` (a JSON object or array is
 * first turned into lines of its own), checked whole, then written through
 * the index writer under the index's lock and committed once.
 */
#define _DEFAULT_SOURCE
#include "write.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "uri.h"
#include "wenda/corpus.h"
#include "wenda/index.h"
#include "xapian_c.h"

/* How long a write waits for a `wenda index` that holds the index's lock
 * before it answers 503 "busy". */
#define LOCK_WAIT_MS 1000
#define LOCK_NAP_MS 50
#define MAX_WARNINGS 20

struct serve_writer {
    const char *path;
    view_shared *view;  /* also the dictionary in force, taken for each write */
    pthread_mutex_t mu; /* one request writes at a time */
};

int serve_writer_new(serve_writer **out, const char *path, view_shared *view)
{
    *out = wd_calloc(1, sizeof **out);
    if (!*out)
        return WD_ENOMEM;
    (*out)->path = path;
    (*out)->view = view;
    pthread_mutex_init(&(*out)->mu, NULL);
    return WD_OK;
}

void serve_writer_free(serve_writer *w)
{
    if (!w)
        return;
    pthread_mutex_destroy(&w->mu);
    wd_free(w);
}

static void answer_error(write_answer *a, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void answer_error(write_answer *a, unsigned status, const char *code, const char *fmt, ...)
{
    a->status = status;
    a->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
}

/* ---- which indexes take writes ----------------------------------------------- */

/* Whether a stub folder lists exactly its own shards, DIR/shard-1 ... N,
 * as `wenda index --shards N` writes it. */
static int own_shards(const char *dir, const xc_stub *st)
{
    if (st->unknown || st->n == 0 || st->n != st->lines)
        return 0;
    char real_dir[4096];
    if (!realpath(dir, real_dir))
        return 0;
    for (size_t i = 0; i < st->n; i++) {
        char want[4200], real[4096];
        snprintf(want, sizeof want, "%s/shard-%zu", real_dir, i + 1);
        if (!realpath(st->shards[i], real) || strcmp(real, want) != 0)
            return 0;
    }
    return 1;
}

/* 0 when the index at path may be written here (one database, a sharded
 * index, or nothing yet), else 409 with the reason. */
static int refuse_shard_list(const char *path, write_answer *a)
{
    const char *what = NULL;
    struct stat st;
    xc_stub stub;
    if (strchr(path, ',') || strncmp(path, "tcp://", 6) == 0) {
        what = "a shard list";
    } else if (stat(path, &st) != 0) {
        return 0; /* a new index */
    } else if (!S_ISDIR(st.st_mode)) {
        what = "a stub file listing databases";
    } else if (xc_stub_read(path, &stub, NULL) == WD_OK) {
        if (!own_shards(path, &stub))
            what = "a stub listing databases elsewhere or remote shards";
        xc_stub_clear(&stub);
    }
    if (!what)
        return 0;
    answer_error(a, 409, "not_writable",
                 "this service reads %s (%s), not an index of its own: its records cannot be "
                 "routed from here; write to each shard's own index with wenda index, or serve "
                 "a single or sharded index to write through the API",
                 what, path);
    return 409;
}

/* ---- reading the body ------------------------------------------------------------ */

typedef struct body_check {
    size_t records;
    int bad;             /* a record would be skipped */
    char first_bad[768]; /* ... the first, as "line N: why" */
    json_t *warnings;    /* strings */
    const char *unit;    /* "line" (JSON Lines) or "element" (an array) */
} body_check;

static int count_record(void *ctx, const wd_record *rec)
{
    (void)rec;
    ((body_check *)ctx)->records++;
    return 0;
}

static void on_diag(void *ctx, int level, const char *file, size_t line, int code,
                    const char *message)
{
    (void)file;
    (void)code;
    body_check *bc = ctx;
    char text[768];
    snprintf(text, sizeof text, "%s %zu: %s", bc->unit, line, message);
    if (level == WD_DIAG_WARNING) {
        if (json_array_size(bc->warnings) < MAX_WARNINGS)
            json_array_append_new(bc->warnings, json_string(text));
        return;
    }
    if (!bc->bad) {
        /* Nothing is written: "the record was skipped" would be wrong here. */
        char *tail = strstr(text, "; the record was skipped");
        if (tail)
            *tail = '\0';
        snprintf(bc->first_bad, sizeof bc->first_bad, "%s", text);
    }
    bc->bad++;
}

/* The body as JSON Lines: as it is, unless it is one JSON object (which may
 * span lines) or an array of them, which are written one a line. 0, or the
 * status of an answer given. */
static int as_lines(const char *body, size_t len, wd_buf *lines, const char **unit, write_answer *a)
{
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
        i++;
    *unit = "line";
    if (i == len) {
        answer_error(a, 400, "bad_record",
                     "the body holds no record: send a JSON object, an array of them or JSON "
                     "Lines, each with at least \"question\" and \"answer\"");
        return 400;
    }
    if (body[i] != '[' && body[i] != '{')
        return 0; /* JSON Lines, or not JSON: the reader says which line */
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, 0, &jerr);
    if (!doc && body[i] == '{')
        return 0; /* more than one object: JSON Lines */
    if (!doc) {
        answer_error(a, 400, "bad_record", "the body is not valid JSON: %s (line %d, column %d)",
                     jerr.text, jerr.line, jerr.column);
        return 400;
    }
    int rc = 0;
    if (json_is_object(doc)) {
        char *s = json_dumps(doc, JSON_COMPACT);
        wd_buf_puts(lines, s ? s : "");
        wd_buf_putc(lines, '\n');
        if (!s)
            lines->oom = 1;
        free(s);
    } else {
        *unit = "element";
        size_t k;
        json_t *v;
        json_array_foreach(doc, k, v)
        {
            if (!json_is_object(v)) {
                answer_error(a, 400, "bad_record", "element %zu of the array is not a JSON object",
                             k + 1);
                rc = 400;
                break;
            }
            char *s = json_dumps(v, JSON_COMPACT);
            wd_buf_puts(lines, s ? s : "");
            wd_buf_putc(lines, '\n');
            if (!s)
                lines->oom = 1;
            free(s);
        }
        if (!rc && k == 0) {
            answer_error(a, 400, "bad_record", "the array holds no record");
            rc = 400;
        }
    }
    json_decref(doc);
    if (!rc && lines->oom) {
        answer_error(a, 500, "internal", "out of memory");
        rc = 500;
    }
    return rc;
}

/* ---- writing ------------------------------------------------------------------------ */

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* The index writer, once the index's lock is free (waiting LOCK_WAIT_MS for
 * it); NULL after an answer was given. */
/* A writer with the dictionary in force, *vd its reference (release it
 * after the writer is closed; NULL when none was taken). */
static wd_index_writer *open_writer(serve_writer *w, write_answer *a, view_dict **vd)
{
    *vd = view_dict_acquire(w->view);
    wd_index_opts o = WD_INDEX_OPTS_INIT;
    o.batch_size = UINT32_MAX; /* one commit, at the end of the request */
    wd_index_writer *iw = NULL;
    wd_error err;
    wd_error_clear(&err);
    int rc;
    for (unsigned waited = 0;; waited += LOCK_NAP_MS) {
        rc = wd_index_writer_open(&iw, w->path, view_dict_get(*vd), &o, &err);
        if (rc != WD_ELOCKED || waited >= LOCK_WAIT_MS)
            break;
        sleep_ms(LOCK_NAP_MS);
    }
    if (rc == WD_OK)
        return iw;
    if (rc == WD_ELOCKED)
        answer_error(a, 503, "busy", "%s; nothing was written, try again when it is done",
                     err.message);
    else if (rc == WD_ENOMEM)
        answer_error(a, 500, "internal", "out of memory");
    else
        answer_error(a, 500, "write_failed", "cannot write the index: %s; nothing was written",
                     err.message);
    return NULL;
}

typedef struct adding {
    wd_index_writer *iw;
    wd_error err;
    int rc;
} adding;

static int add_record(void *ctx, const wd_record *rec)
{
    adding *ad = ctx;
    ad->rc = wd_index_writer_add(ad->iw, rec, &ad->err);
    return ad->rc != WD_OK ? WD_ESTOP : 0;
}

void serve_writer_post(serve_writer *w, const char *body, size_t len, write_answer *a)
{
    memset(a, 0, sizeof *a);
    wd_buf lines = WD_BUF_INIT;
    body_check bc;
    memset(&bc, 0, sizeof bc);
    bc.warnings = json_array();
    if (!bc.warnings) {
        answer_error(a, 500, "internal", "out of memory");
        return;
    }
    if (as_lines(body, len, &lines, &bc.unit, a)) {
        wd_buf_free(&lines);
        json_decref(bc.warnings);
        return;
    }
    const char *data = lines.len ? lines.data : body;
    size_t dlen = lines.len ? lines.len : len;
    wd_read_opts ro = WD_READ_OPTS_INIT;
    ro.format = WD_FORMAT_JSONL;
    wd_error err;
    wd_error_clear(&err);
    /* Checked whole first, so that a bad record writes nothing. */
    int rc = wd_corpus_read_buffer("api", data, dlen, &ro, count_record, on_diag, &bc, &err);
    if (rc == WD_ENOMEM)
        answer_error(a, 500, "internal", "out of memory");
    else if (rc != WD_OK)
        answer_error(a, 400, "bad_record", "%s; nothing was written", err.message);
    else if (bc.bad)
        answer_error(a, 400, "bad_record", "%s; nothing was written%s", bc.first_bad,
                     bc.bad > 1 ? " (and other records are bad too)" : "");
    else if (bc.records == 0)
        answer_error(a, 400, "bad_record", "the body holds no record");
    if (a->status) {
        wd_buf_free(&lines);
        json_decref(bc.warnings);
        return;
    }

    pthread_mutex_lock(&w->mu);
    view_dict *vd = NULL;
    wd_index_writer *iw = refuse_shard_list(w->path, a) ? NULL : open_writer(w, a, &vd);
    wd_index_stats stats;
    memset(&stats, 0, sizeof stats);
    if (iw) {
        adding ad = { iw, { 0 }, WD_OK };
        wd_error_clear(&ad.err);
        rc = wd_corpus_read_buffer("api", data, dlen, &ro, add_record, NULL, &ad, &err);
        if (ad.rc != WD_OK) {
            rc = ad.rc;
            err = ad.err;
        }
        if (rc == WD_OK)
            rc = wd_index_writer_commit(iw, &err);
        if (rc == WD_OK) {
            stats = *wd_index_writer_stats(iw);
            rc = wd_index_writer_close(iw, &err);
        } else {
            wd_index_writer_abandon(iw); /* the uncommitted batch is dropped */
        }
        if (rc == WD_ENOMEM)
            answer_error(a, 500, "internal", "out of memory");
        else if (rc != WD_OK)
            answer_error(a, 500, "write_failed", "cannot write the index: %s", err.message);
    }
    view_dict_release(vd);
    unsigned gen = a->status ? 0 : view_reload_now(w->view);
    pthread_mutex_unlock(&w->mu);
    if (!a->status) {
        a->status = 200;
        json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:O}", "records", (json_int_t)bc.records, "added",
                              (json_int_t)stats.added, "replaced", (json_int_t)stats.replaced,
                              "generation", (json_int_t)gen, "warnings", bc.warnings);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (s) {
            wd_buf_puts(&a->body, s);
            wd_buf_putc(&a->body, '\n');
        }
        if (!s || a->body.oom) {
            wd_buf_free(&a->body);
            answer_error(a, 500, "internal", "out of memory (the records were written)");
        }
        free(s);
    }
    wd_buf_free(&lines);
    json_decref(bc.warnings);
}

void serve_writer_delete(serve_writer *w, const char *id, write_answer *a)
{
    memset(a, 0, sizeof *a);
    char shown[256]; /* the id as messages quote it */
    uri_excerpt(shown, sizeof shown, id, strlen(id), 200);
    struct stat st;
    pthread_mutex_lock(&w->mu);
    wd_index_writer *iw = NULL;
    view_dict *vd = NULL;
    if (refuse_shard_list(w->path, a)) {
        /* answered */
    } else if (stat(w->path, &st) != 0) {
        answer_error(a, 404, "not_found", "no index at %s yet, so no record '%s' to delete",
                     w->path, shown);
    } else {
        iw = open_writer(w, a, &vd);
    }
    int found = 0;
    if (iw) {
        wd_error err;
        wd_error_clear(&err);
        int rc = wd_index_writer_delete(iw, id, &found, &err);
        if (rc == WD_OK)
            rc = wd_index_writer_close(iw, &err);
        else
            wd_index_writer_abandon(iw);
        if (rc == WD_EINVAL)
            answer_error(a, 400, "bad_parameter", "%s", err.message);
        else if (rc != WD_OK)
            answer_error(a, 500, "write_failed", "cannot write the index: %s", err.message);
        else if (!found)
            answer_error(a, 404, "not_found",
                         "no record with id '%s' in the index; nothing was "
                         "deleted",
                         shown);
    }
    view_dict_release(vd);
    unsigned gen = a->status ? 0 : view_reload_now(w->view);
    pthread_mutex_unlock(&w->mu);
    if (!a->status) {
        a->status = 200;
        wd_buf_puts(&a->body, "{\"deleted\":");
        wd_buf_json_string(&a->body, id, strlen(id));
        wd_buf_printf(&a->body, ",\"generation\":%u}\n", gen);
        if (a->body.oom) {
            wd_buf_free(&a->body);
            answer_error(a, 500, "internal", "out of memory (the record was deleted)");
        }
    }
}
