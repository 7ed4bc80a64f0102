/*
 * dbwriter.c - the writer of one database: batches, checkpoints, deletes
 * and the new-index path.
 *
 * Every batch runs inside a transaction, so a batch that is not committed
 * never reaches the disk, even when the writer is abandoned. A batch is
 * committed when it holds batch_size records or WD_BATCH_BYTES of text, and
 * every commit also stores a checkpoint in the metadata (commit count,
 * documents, last id), so after a crash the index says exactly how far it
 * got.
 *
 * When the index held no documents at open, a record whose id has not been
 * seen in this run cannot replace anything, so it is added without the
 * unique-term look-up (a set of 64-bit id hashes remembers what was added;
 * a hash collision only falls back to replacing, which is always correct).
 * Such a new index is also written without an fsync per batch (a killed run
 * keeps every commit all the same), and at close it is compacted (B-tree
 * blocks packed full: about 30 % smaller) and the result, synced, replaces
 * it through the build folder (folder.h); a crash while the tables are
 * moved is finished by the next writer's claim.
 */
#include "dbwriter.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc_mine.h"
#include "folder.h"
#include "schema.h"

/* A set of 64-bit id hashes (open addressing, 0 = empty). */
typedef struct idset {
    uint64_t *slots;
    size_t cap, n;
} idset;

struct wd_dbwriter {
    xc_db *db;
    char *path;
    wd_build_opts bo;
    wd_builder b; /* the writing thread's */
    uint32_t batch_size;
    uint32_t pending;
    size_t batch_bytes;   /* commit when this much text is pending */
    size_t pending_bytes; /* text of the documents added since the last commit */
    int in_txn;           /* a batch transaction is open */
    wd_index_stats stats;
    char *last_id;
    wd_sticky failed;
    int profile;        /* wd_index_opts.profile */
    int fresh;          /* no documents at open: the new-index path */
    idset seen;         /* (fresh) the ids added */
    int unsynced;       /* commits made without fsync: sync the files at close */
    char *live;         /* a rebuild (--overwrite of an index): the folder whose index this
                     one, written in DIR/.wenda-rebuild, replaces at close */
    int scratch;        /* a part of a bulk build: neither synced nor compacted at close */
    const char *schema; /* the schema it writes: WD_SCHEMA_VERSION, or an older index's own */
    char *about[3];     /* wd_index_opts' title, description, examples (NULL: left as they are) */
    wd_buf fields;      /* the extra fields' names the index holds, ",a,b," (WD_META_FIELDS) */
    int fields_changed;
    wd_assoc_miner *miner; /* (fresh) the word associations of the records written */
};

/* Extra field names an index lists at most (more are indexed, not listed). */
#define MAX_LISTED_FIELDS 256

static const char *const about_keys[3] = { WD_META_TITLE, WD_META_DESCRIPTION, WD_META_EXAMPLES };

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

/* ---- batches ----------------------------------------------------------------- */

/* The checkpoint of commit number `commit` (1-based), with the schema and
 * the dictionary the documents were built with. */
static int write_checkpoint(wd_dbwriter *w, uint64_t commit, const char *last_id, wd_error *err)
{
    uint32_t docs = 0;
    int rc = xc_db_doccount(w->db, &docs, err);
    if (rc != WD_OK)
        return rc;
    json_t *o = json_pack("{s:I, s:I, s:s}", "commit", (json_int_t)commit, "documents",
                          (json_int_t)docs, "last_id", last_id ? last_id : "");
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    rc = xc_db_set_metadata(w->db, WD_META_CHECKPOINT, s, err);
    free(s);
    if (rc == WD_OK)
        rc = xc_db_set_metadata(w->db, WD_META_SCHEMA, w->schema, err);
    if (rc == WD_OK)
        rc = xc_db_set_metadata(w->db, WD_META_DICT, wd_dict_version(w->bo.dict), err);
    for (int i = 0; i < 3 && rc == WD_OK; i++)
        if (w->about[i])
            rc = xc_db_set_metadata(w->db, about_keys[i], w->about[i], err);
    if (rc == WD_OK && w->fields_changed) {
        /* Stored without the list's outer commas. */
        char *list = w->fields.len > 2 ? wd_strndup(w->fields.data + 1, w->fields.len - 2) : NULL;
        if (w->fields.len > 2 && !list)
            return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        rc = xc_db_set_metadata(w->db, WD_META_FIELDS, list ? list : "", err);
        wd_free(list);
        if (rc == WD_OK)
            w->fields_changed = 0;
    }
    return rc;
}

static int ensure_txn(wd_dbwriter *w, wd_error *err)
{
    if (w->in_txn)
        return WD_OK;
    int rc = xc_db_begin_transaction(w->db, err);
    if (rc == WD_OK)
        w->in_txn = 1;
    return rc;
}

static int commit_now(wd_dbwriter *w, wd_error *err)
{
    int rc = ensure_txn(w, err);
    if (rc == WD_OK)
        rc = write_checkpoint(w, w->stats.commits + 1, w->last_id, err);
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

/* Note the names of rec's extra fields in the index's list. */
static void note_fields(wd_dbwriter *w, const wd_record *rec)
{
    for (size_t i = 0; i < rec->n_fields; i++) {
        char key[WD_FIELD_NAME_MAX + 3];
        snprintf(key, sizeof key, ",%s,", rec->fields[i].name);
        size_t listed = 0;
        for (size_t k = 0; k < w->fields.len; k++)
            listed += w->fields.data[k] == ',';
        if ((w->fields.data && strstr(w->fields.data, key)) || listed > MAX_LISTED_FIELDS)
            continue;
        if (!w->fields.len)
            wd_buf_putc(&w->fields, ',');
        wd_buf_puts(&w->fields, key + 1);
        w->fields_changed = 1;
    }
}

int wd_dbwriter_write(wd_dbwriter *w, const wd_record *rec, xc_doc *doc, const char *words,
                      size_t wlen, wd_error *err)
{
    int replaced = 0;
    int rc = ensure_txn(w, err);
    if (rc != WD_OK)
        return rc;
    if (w->fresh && !idset_insert(&w->seen, id_hash(rec->id))) {
        rc = xc_db_add(w->db, doc, NULL, err);
    } else {
        char t[WD_KEY_TERM_SIZE];
        rc = xc_db_replace_keyed(w->db, wd_key_term(t, WD_PREFIX_ID, rec->id, w->bo.id_verbatim),
                                 WD_VALUE_ID, doc, NULL, &replaced, err);
    }
    if (rc != WD_OK)
        return rc;
    note_fields(w, rec);
    if (w->miner && words)
        wd_assoc_miner_feed(w->miner, words, wlen, rec->answer ? rec->answer : "",
                            rec->answer ? strlen(rec->answer) : 0);
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

int wd_dbwriter_add(wd_dbwriter *w, const wd_record *rec, wd_error *err)
{
    if (w->failed.rc != WD_OK)
        return wd_sticky_get(&w->failed, err);
    xc_doc *doc = NULL;
    double t0 = w->profile ? wd_thread_cpu_s() : 0;
    int rc = wd_builder_build(&w->b, rec, &doc, err);
    double t1 = w->profile ? wd_thread_cpu_s() : 0;
    if (rc == WD_OK)
        rc = wd_dbwriter_write(w, rec, doc, w->b.words.data, w->b.words.len, err);
    xc_doc_free(doc);
    if (w->profile) {
        w->stats.analysis_cpu_s += t1 - t0;
        w->stats.write_cpu_s += wd_thread_cpu_s() - t1;
    }
    return rc;
}

int wd_dbwriter_commit(wd_dbwriter *w, wd_error *err)
{
    if (w->failed.rc != WD_OK)
        return wd_sticky_get(&w->failed, err);
    double t0 = w->profile ? wd_thread_cpu_s() : 0;
    int rc = wd_sticky_set(&w->failed, commit_now(w, err), err);
    if (w->profile)
        w->stats.write_cpu_s += wd_thread_cpu_s() - t0;
    return rc;
}

int wd_dbwriter_delete(wd_dbwriter *w, const char *id, int *found, wd_error *err)
{
    if (found)
        *found = 0;
    if (w->failed.rc != WD_OK)
        return wd_sticky_get(&w->failed, err);
    char t[WD_KEY_TERM_SIZE];
    uint32_t n = 0;
    int rc = ensure_txn(w, err);
    if (rc == WD_OK)
        rc = xc_db_delete_keyed(w->db, wd_key_term(t, WD_PREFIX_ID, id, w->bo.id_verbatim),
                                WD_VALUE_ID, id, strlen(id), &n, err);
    if (rc != WD_OK)
        return rc;
    if (found)
        *found = n > 0;
    w->stats.deleted += n;
    if (n && ++w->pending >= w->batch_size)
        return wd_dbwriter_commit(w, err);
    return WD_OK;
}

/* ---- open -------------------------------------------------------------------- */

/* A new index is written in the current schema; one with documents in its
 * own (an older wenda's index keeps its id terms, so its lookups keep
 * working; a schema-2 index's older records lack the values of schema 3),
 * except that schema 3 and 4 become 5: the same terms and values, and the
 * documents added from now on carry their question's analysis and no
 * positions (which no query reads). */
static int read_schema(wd_dbwriter *w, wd_error *err)
{
    char *v = NULL;
    int rc = xc_db_get_metadata(w->db, WD_META_SCHEMA, &v, err);
    if (rc == WD_OK && (!*v || strcmp(v, "1") == 0)) {
        w->bo.id_verbatim = WD_ID_VERBATIM_V1;
        w->schema = "1";
    } else if (rc == WD_OK && strcmp(v, "2") == 0) {
        w->schema = "2"; /* its older records lack the values of schema 3 */
    } else if (rc == WD_OK && strcmp(v, WD_SCHEMA_VERSION) != 0 && strcmp(v, "3") != 0 &&
               strcmp(v, "4") != 0)
        rc = wd_error_set(err, WD_EINVAL, "index",
                          "%s: written in index schema %s, which this wenda does not know "
                          "(it writes schema %s); rebuild the index with --overwrite, or "
                          "update it with the wenda that wrote it",
                          w->path, v, WD_SCHEMA_VERSION);
    wd_free(v);
    return rc;
}

int wd_dbwriter_open(wd_dbwriter **out, const char *path, const wd_dict *dict,
                     const wd_index_opts *opts, int db_flags, wd_error *err)
{
    *out = NULL;
    wd_dbwriter *w = wd_calloc(1, sizeof *w);
    if (!w)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    w->bo.dict = dict;
    w->bo.dictionary_layer = !(opts && opts->no_dictionary_layer);
    w->bo.answer_positions = opts && opts->answer_positions;
    w->bo.id_verbatim = WD_ID_VERBATIM;
    w->schema = WD_SCHEMA_VERSION;
    w->batch_size = opts && opts->batch_size ? opts->batch_size : WD_DEFAULT_BATCH_SIZE;
    w->batch_bytes = WD_BATCH_BYTES;
    w->profile = opts && opts->profile;
    const char *about[3] = { opts ? opts->title : NULL, opts ? opts->description : NULL,
                             opts ? opts->examples : NULL };
    for (int i = 0; i < 3; i++)
        if (about[i] && !(w->about[i] = wd_strdup(about[i]))) {
            wd_dbwriter_abandon(w);
            return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        }
    int rebuild =
        opts && opts->overwrite && (xc_dir_has_db(path) || xc_db_check_files(path, NULL) != WD_OK);
    int rc = (w->path = rebuild ? wd_folder_join(path, WD_FOLDER_REBUILD) : wd_strdup(path)) &&
                     (!rebuild || (w->live = wd_strdup(path)))
                 ? WD_OK
                 : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK && rebuild) {
        /* Readers keep the old index until the new one is moved over it. */
        wd_folder_remove(w->path);
        rc = wd_folder_make(w->path, err);
    }
    wd_error ferr;
    wd_error_clear(&ferr);
    if (rc == WD_OK && !(opts && opts->overwrite) && xc_db_check_files(path, &ferr) != WD_OK) {
        /* Never create a new index over what is left of an old one. */
        char msg[WD_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", ferr.message);
        rc = wd_error_set(err, WD_ECORRUPT, "index",
                          "%s: the index is damaged, and wenda index does not write over it: see "
                          "what is wrong with `xapian-check %s`, or rebuild it with --overwrite "
                          "(what the folder's index holds is replaced)",
                          msg, path);
    }
    if (rc == WD_OK) {
        int mode = (opts && opts->overwrite) || xc_dir_has_interrupted_create(path)
                       ? XC_DB_CREATE_OR_OVERWRITE
                       : XC_DB_CREATE_OR_OPEN;
        rc = xc_db_open(&w->db, w->path, mode | db_flags, err);
        if (rc == WD_ELOCKED)
            wd_error_set(err, WD_ELOCKED, "index",
                         "%s: index is locked by another writer (not wenda); wait for it to finish",
                         path);
    }
    uint32_t docs = 1;
    if (rc == WD_OK)
        rc = xc_db_doccount(w->db, &docs, err);
    w->fresh = docs == 0;
    if (rc == WD_OK && !w->fresh)
        rc = read_schema(w, err);
    if (rc == WD_OK && !w->fresh) { /* the names listed so far */
        char *v = NULL;
        rc = xc_db_get_metadata(w->db, WD_META_FIELDS, &v, err);
        if (rc == WD_OK && *v) {
            wd_buf_putc(&w->fields, ',');
            wd_buf_puts(&w->fields, v);
            wd_buf_putc(&w->fields, ',');
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
        rc = xc_db_open(&w->db, w->path, XC_DB_OPEN | db_flags, err);
        w->unsynced = rc == WD_OK;
    }
    w->scratch = (db_flags & XC_DB_NO_SYNC) && !w->unsynced;
    if (rc == WD_OK && w->fresh && wd_assoc_miner_new(&w->miner, w->bo.dict) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK)
        rc = wd_builder_init(&w->b, &w->bo, err);
    if (rc != WD_OK) {
        wd_dbwriter_abandon(w);
        return rc;
    }
    *out = w;
    return WD_OK;
}

int wd_dbwriter_is_fresh(const wd_dbwriter *w)
{
    return w->fresh;
}

int wd_dbwriter_mining(const wd_dbwriter *w)
{
    return w->miner != NULL;
}

void wd_dbwriter_pass_miner(wd_dbwriter *from, wd_dbwriter *to)
{
    if (to->miner)
        wd_assoc_miner_take(to->miner, from->miner);
    else
        wd_assoc_miner_free(from->miner);
    from->miner = NULL;
}

/* The mined associations into the metadata (in the open batch): what a new
 * index's records hold, stored at its last commit. */
static int store_assoc(wd_dbwriter *w, xc_db *db, wd_error *err)
{
    wd_buf text = WD_BUF_INIT;
    int rc = wd_assoc_miner_finish(w->miner, &text) == WD_OK
                 ? WD_OK
                 : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK && text.len)
        rc = xc_db_set_metadata(db, WD_META_ASSOC, text.data, err);
    wd_buf_free(&text);
    wd_assoc_miner_free(w->miner);
    w->miner = NULL;
    return rc;
}

const wd_build_opts *wd_dbwriter_build_opts(const wd_dbwriter *w)
{
    return &w->bo;
}

wd_builder *wd_dbwriter_builder(wd_dbwriter *w)
{
    return &w->b;
}

wd_index_stats *wd_dbwriter_stats(wd_dbwriter *w)
{
    return &w->stats;
}

void wd_dbwriter_set_batch_bytes(wd_dbwriter *w, size_t bytes)
{
    w->batch_bytes = bytes;
}

int wd_dbwriter_fail(wd_dbwriter *w, int rc, const wd_error *err)
{
    return wd_sticky_set(&w->failed, rc, err);
}

int wd_dbwriter_failed(const wd_dbwriter *w, wd_error *err)
{
    return wd_sticky_get(&w->failed, err);
}

/* ---- close ------------------------------------------------------------------- */

int wd_dbwriter_adopt(wd_dbwriter *w, const char *built, const char *last_id, wd_error *err)
{
    xc_db_close(w->db);
    w->db = NULL;
    int rc = xc_db_open(&w->db, built, XC_DB_OPEN, err);
    if (rc == WD_OK)
        rc = write_checkpoint(w, 1, last_id, err);
    if (rc == WD_OK && w->miner)
        rc = store_assoc(w, w->db, err);
    if (rc == WD_OK)
        rc = xc_db_commit(w->db, err);
    xc_db_close(w->db);
    w->db = NULL;
    return rc;
}

/* A new index written by one writer: every batch is committed (unsynced);
 * compact it into BUILD/merged (synced) and install that. Batch commits
 * leave B-tree blocks part full and old revisions' blocks free: the
 * compacted index is about 30 % smaller, and compacting costs a few
 * percent of the build. Should compacting or the install fail before the
 * move began (a full disk), the index as committed stays, synced. */
static int fresh_finish(wd_dbwriter *w, wd_error *err)
{
    xc_db_close(w->db);
    w->db = NULL;
    const char *dest = w->live ? w->live : w->path; /* the folder readers open */
    char *build_dir = wd_folder_join(dest, WD_FOLDER_BUILD);
    char *merged = build_dir ? wd_folder_join(build_dir, WD_FOLDER_MERGED) : NULL;
    int rc = merged ? WD_OK : wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK) {
        wd_folder_remove(build_dir);
        wd_error cerr;
        wd_error_clear(&cerr);
        const char *src = w->path;
        int begun = 0;
        int built = wd_folder_make(build_dir, &cerr) == WD_OK &&
                    xc_compact(&src, 1, merged, &cerr) == WD_OK;
        rc = built ? wd_folder_install(dest, build_dir, &begun, err) : WD_ERROR;
        if (rc != WD_OK && !begun) {
            /* Not compacted, or not moved: the index as committed stays (a
             * rebuild's is moved over the old one as it is). */
            wd_folder_remove(build_dir);
            rc = xc_db_sync_files(w->path, err);
            if (rc == WD_OK && w->live)
                rc = xc_db_install(w->path, w->live, err);
        }
    }
    wd_free(build_dir);
    wd_free(merged);
    return rc;
}

int wd_dbwriter_close(wd_dbwriter *w, wd_error *err)
{
    if (!w)
        return WD_OK;
    int rc = wd_sticky_get(&w->failed, err);
    int mined = rc == WD_OK && w->miner && !w->scratch && w->stats.added > 0;
    if (mined && (rc = ensure_txn(w, err)) == WD_OK)
        rc = store_assoc(w, w->db, err);
    if (rc == WD_OK && (w->pending || w->stats.commits == 0 || mined))
        rc = commit_now(w, err);
    if (rc == WD_OK && w->fresh && !w->scratch && (w->stats.added > 0 || w->live))
        rc = fresh_finish(w, err);
    else if (rc == WD_OK && w->unsynced)
        rc = xc_db_sync_files(w->path, err);
    wd_dbwriter_abandon(w);
    return rc;
}

void wd_dbwriter_abandon(wd_dbwriter *w)
{
    if (!w)
        return;
    if (w->in_txn)
        xc_db_cancel_transaction(w->db, NULL);
    xc_db_close(w->db);
    if (w->live) /* a rebuild not moved into place (or moved: then empty) */
        wd_folder_remove(w->path);
    wd_builder_clear(&w->b);
    wd_assoc_miner_free(w->miner);
    wd_free(w->live);
    wd_free(w->path);
    for (int i = 0; i < 3; i++)
        wd_free(w->about[i]);
    wd_buf_free(&w->fields);
    wd_free(w->last_id);
    wd_free(w->seen.slots);
    wd_free(w);
}
