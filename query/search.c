/*
 * search.c - the searcher (searcher.h): opening an index and keeping what it
 * learns about it, and the search itself, which reads as its pipeline:
 * analyse the question, match it, re-rank the top of the match, make the
 * page of hits.
 *
 * The question is analysed once (analysis.h) in index mode, so a long word
 * brings its sub-words. Each distinct word becomes a small query: the word
 * in the question field OR the word in the answer field, the word and its
 * dictionary synonyms one Xapian SYNONYM; particles stay in the query at a
 * lower weight and in the question field only, sub-words count less, and
 * the question's CJK characters and bigrams match the same n-grams of
 * record questions (match.c). Xapian's BM25 ranks the match; its top is
 * re-ranked by how similar each record's question is to the asked one, how
 * much of the question its answer holds, and the places both name
 * (rerank.c). Ties break by record id so output is deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "facets.h"
#include "filter.h"
#include "fold.h"
#include "schema.h"
#include "searcher.h"
#include "wenda/coverage.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- the searcher ------------------------------------------------------------ */

/* The index folder's calibration when it has one fitted for this model,
 * else the built-in one (a shard list or remote shards have no folder). */
static void calibration_of(wd_searcher *s, const char *path)
{
    wd_calibration_builtin(&s->cal);
    if (strchr(path, ',') || strncmp(path, "tcp://", 6) == 0)
        return;
    size_t n = strlen(path) + sizeof WD_CALIBRATION_FILE + 2;
    char *file = wd_malloc(n);
    if (!file)
        return;
    snprintf(file, n, "%s/%s", path, WD_CALIBRATION_FILE);
    wd_calibration cal;
    if (wd_calibration_read(file, &cal, NULL) == WD_OK)
        s->cal = cal;
    wd_free(file);
}

/* Say what is wrong with the index at a local path and what to do, where
 * Xapian's message does not: damage (the table, and the way out), a new
 * index left half moved into place, a file given for a folder. */
static int explain_open_error(const char *path, int rc, wd_error *err)
{
    struct stat st;
    if (strchr(path, ',') || strncmp(path, "tcp://", 6) == 0 || stat(path, &st) != 0)
        return rc;
    char msg[WD_ERROR_MESSAGE_MAX], origin[WD_ERROR_ORIGIN_MAX];
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(origin, sizeof origin, "%s", err->origin);
    if (S_ISREG(st.st_mode) && rc != WD_ECORRUPT) {
        xc_stub stub;
        int known = xc_stub_read(path, &stub, NULL) == WD_OK && !stub.unknown && stub.n > 0;
        xc_stub_clear(&stub);
        if (!known)
            return wd_error_set(err, WD_EIO, "search",
                                "%s: is a file, not an index: --index wants the index's folder "
                                "(or a stub file listing shards, one `auto PATH` or `remote "
                                "HOST:PORT` a line)",
                                path);
        return rc;
    }
    if (rc != WD_ECORRUPT || !S_ISDIR(st.st_mode))
        return rc;
    if (strstr(msg, "not its version file"))
        return wd_error_set(err, WD_ECORRUPT, origin,
                            "%s; either a new index was being moved into place when its `wenda "
                            "index` stopped (the next `wenda index --index %s` finishes the move), "
                            "or the index is damaged (rebuild it with `wenda index --overwrite "
                            "--index %s FILES...`)",
                            msg, path, path);
    if (strstr(msg, "the index is damaged")) /* the shim said so: add the way out */
        return wd_error_set(err, WD_ECORRUPT, origin,
                            "%s; rebuild it with `wenda index --overwrite --index %s FILES...`",
                            msg, path);
    return wd_error_set(err, WD_ECORRUPT, origin,
                        "%s%s%s; the index is damaged: `xapian-check %s` names what is wrong; "
                        "rebuild it with `wenda index --overwrite --index %s FILES...`",
                        strstr(msg, path) ? "" : path, strstr(msg, path) ? "" : ": ", msg, path,
                        path);
}

/* An index written in a schema newer than this wenda's may store what it
 * cannot read right (a schema only ever grows): refused, not searched
 * wrongly. An older or unnamed schema is read as it is. */
static int check_schema(wd_searcher *s, const char *path, wd_error *err)
{
    char *v = NULL;
    int rc = xc_db_get_metadata(s->db, WD_META_SCHEMA, &v, err);
    if (rc == WD_OK && atoi(v) > atoi(WD_SCHEMA_VERSION))
        rc = wd_error_set(err, WD_EINVAL, "search",
                          "%s: written in index schema %s by a newer wenda (this one reads up to "
                          "schema %s); search it with that wenda, or rebuild it with `wenda index "
                          "--overwrite --index %s FILES...`",
                          path, v, WD_SCHEMA_VERSION, path);
    wd_free(v);
    return rc;
}

int wd_searcher_open_with(wd_searcher **out, const char *path, const wd_dict *dict,
                          const wd_search_opts *opts, wd_error *err)
{
    *out = NULL;
    if (!path || !*path || !dict)
        return wd_error_set(err, WD_EINVAL, "search", "no index path given");
    wd_searcher *s = wd_calloc(1, sizeof *s);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    s->dict = dict;
    s->tuning = wd_tuning_load();
    calibration_of(s, path);
    s->stats = (wd_termstats)WD_TERMSTATS_INIT;
    s->recs.budget = opts ? (size_t)opts->record_cache_mb << 20 : 0;
    /* A shard list or a stub is kept, so dead shards can be named and left out. */
    int rc = wd_shards_parse(&s->shards, path, err);
    if (rc == WD_OK && s->shards)
        rc = wd_shards_open(s->shards, &s->db, opts ? opts->timeout_ms : 0,
                            opts ? opts->allow_partial : 0, err);
    else if (rc == WD_OK && (rc = xc_db_check_files(path, err)) == WD_OK)
        rc = xc_db_open(&s->db, path, XC_DB_READ, err);
    if (rc != WD_OK)
        rc = explain_open_error(path, rc, err);
    if (rc == WD_OK)
        rc = check_schema(s, path, err);
    if (rc == WD_OK)
        rc = wd_analyzer_new(&s->an, dict, err);
    if (rc == WD_OK)
        rc = wd_sounds_new(&s->sounds, err);
    if (rc != WD_OK) {
        wd_searcher_close(s);
        return rc;
    }
    *out = s;
    return WD_OK;
}

void wd_searcher_record_cache_stats(const wd_searcher *s, wd_record_cache_stats *out)
{
    const wd_reccache *c = &s->recs;
    *out = (wd_record_cache_stats){ c->hits, c->misses, c->cur.n + c->old.n,
                                    c->cur.bytes + c->old.bytes };
}

int wd_searcher_open(wd_searcher **out, const char *path, const wd_dict *dict, wd_error *err)
{
    return wd_searcher_open_with(out, path, dict, NULL, err);
}

void wd_searcher_close(wd_searcher *s)
{
    if (!s)
        return;
    xc_db_close(s->db);
    wd_termstats_free(&s->stats);
    wd_reccache_free(&s->recs);
    wd_sounds_release(s->sounds);
    wd_assoc_free(&s->assoc);
    wd_analyzer_free(s->an);
    wd_shards_free(s->shards);
    wd_free(s);
}

int wd_searcher_reopen(wd_searcher *s, wd_error *err)
{
    wd_termstats_free(&s->stats);
    wd_reccache_free(&s->recs);
    wd_assoc_free(&s->assoc);
    s->assoc_read = 0;
    /* A table made or shared for the revision open until now is no good for
     * the next: a new holder of its own (on failure, the old one is kept
     * and the reopen fails). */
    wd_sounds *own = NULL;
    int rc = wd_sounds_new(&own, err);
    if (rc != WD_OK)
        return rc;
    wd_sounds_release(s->sounds);
    s->sounds = own;
    return xc_db_reopen(s->db, NULL, err);
}

int wd_searcher_run(wd_searcher *s, const wd_search_opts *opts, wd_searcher_fn fn, void *ctx,
                    wd_error *err)
{
    if (!s->shards)
        return fn(s, ctx, err);
    unsigned timeout = opts ? opts->timeout_ms : 0;
    int partial_ok = opts ? opts->allow_partial : 0;
    int rc = wd_shards_prepare(s->shards, &s->db, timeout, partial_ok, err);
    if (rc == WD_OK)
        rc = fn(s, ctx, err);
    if (rc == WD_ENETWORK) {
        wd_error cause;
        wd_error_clear(&cause);
        if (err)
            cause = *err;
        rc = wd_shards_recover(s->shards, &s->db, timeout, partial_ok, &cause, err);
        if (rc == WD_OK)
            rc = fn(s, ctx, err);
    }
    return rc;
}

/* ---- a question's trip: the stages kept here ------------------------------------ */

void wd_run_begin(wd_run *r, wd_searcher *s, const wd_search_opts *opts)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->o = opts ? *opts : (wd_search_opts)WD_SEARCH_OPTS_INIT;
    if (r->o.n == 0)
        r->o.n = 10;
    if (r->o.n > 10000)
        r->o.n = 10000;
    r->t = s->tuning;
    if (r->o.question_weight > 0)
        r->t.question_weight = r->o.question_weight;
    if (r->o.k1 >= 0)
        r->t.bm25_k1 = r->o.k1;
    if (r->o.b >= 0)
        r->t.bm25_b = r->o.b;
    /* Over shards each question starts afresh: the shard set may change. */
    r->own_stats = (wd_termstats)WD_TERMSTATS_INIT;
    r->stats = s->shards ? &r->own_stats : &s->stats;
    r->recs = s->shards ? &r->own_recs : &s->recs;
}

/* Highlight what the question asked for, synonyms included; particles only
 * when the question has nothing else. */
static int highlights(wd_run *r, wd_error *err)
{
    for (size_t i = 0; i < r->q.n; i++) {
        const wd_qword *w = &r->q.w[i];
        if (w->kind == WD_QK_NGRAM || (r->q.content && w->kind == WD_QK_STOP))
            continue;
        double hw = w->kind == WD_QK_SUBWORD ? 0.5 : 1.0;
        int rc = wd_termset_add(&r->hl, w->text, w->len, hw);
        for (size_t k = 0; rc == WD_OK && k < w->nsyn; k++)
            rc = wd_termset_add(&r->hl, w->syns[k], strlen(w->syns[k]), hw);
        if (rc != WD_OK)
            return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    return WD_OK;
}

/* How informative a word of a long question is: how often the question
 * says it times the confidence's IDF (the smoothed IDF of its question-field
 * frequency). A word only answers hold comes after those, and one no record
 * holds last: it can find nothing. */
static double informativeness(void *ctx, const wd_qword *w)
{
    wd_run *r = ctx;
    uint32_t df = wd_termstats_df(r->stats, r->s->db, WD_PREFIX_QUESTION, w->text, w->len);
    if (df)
        return w->wqf * wd_idf_smoothed(r->stats->ndocs, df);
    return wd_termstats_df(r->stats, r->s->db, "", w->text, w->len) ? 0.0 : -1.0;
}

/* The statistics table and record cache in line with the index: the cached
 * records' analyses and IDFs come from the table and the analyzer, and are
 * dropped together. */
static int fresh_tables(wd_run *r, int layer, wd_error *err)
{
    uint32_t ndocs = 0;
    int rc = xc_db_doccount(r->s->db, &ndocs, err);
    if (rc != WD_OK)
        return rc;
    if (r->stats->ndocs != ndocs || r->stats->df.n >= WD_TERMSTATS_MAX || r->recs->layer != layer) {
        wd_termstats_reset(r->stats, ndocs);
        wd_reccache_free(r->recs);
    } else {
        wd_reccache_tidy(r->recs);
    }
    r->recs->layer = layer;
    return WD_OK;
}

int wd_run_analyse(wd_run *r, const char *question, size_t len, wd_error *err)
{
    wd_searcher *s = r->s;
    int layer = !r->o.no_dictionary_layer;
    wd_analyzer_set_dictionary_layer(s->an, layer);
    int rc;
    if (len > WD_QUESTION_MAX_TEXT) {
        /* A long question is searched for by its most informative words
         * (which the statistics tell). */
        rc = fresh_tables(r, layer, err);
        if (rc == WD_OK)
            rc = wd_qtext_analyse_long(&r->q, s->an, question, len, informativeness, r, err);
        r->trimmed = 1;
    } else {
        rc = wd_qtext_analyse(&r->q, s->an, question, len, err);
        if (rc == WD_OK && r->q.n)
            rc = fresh_tables(r, layer, err);
        if (rc == WD_OK && wd_qtext_too_long(&r->q)) {
            rc = wd_qtext_trim(&r->q, s->an, informativeness, r, err);
            r->trimmed = 1;
        }
    }
    if (rc != WD_OK || r->q.n == 0)
        return rc;
    wd_qtext_synonyms(&r->q, s->dict);
    return highlights(r, err);
}

void wd_run_end(wd_run *r)
{
    wd_free(r->c);
    wd_free(r->folded_into);
    wd_free(r->by_hand);
    wd_free(r->idf);
    wd_free(r->aidf);
    wd_free(r->parsed);
    wd_associations_free(r->used, r->nused);
    for (size_t i = 0; i < r->nlongs; i++)
        wd_free(r->longs[i].text);
    wd_free(r->longs);
    wd_sim_text_free(r->asked);
    wd_termset_free(&r->hl);
    wd_qtext_free(&r->q);
    xc_mset_free(r->m);
    xc_enquire_free(r->e);
    xc_query_free(r->query);
    wd_termstats_free(&r->own_stats);
    /* A search's own cache (over shards) is counted in the searcher's. */
    if (r->recs == &r->own_recs) {
        r->s->recs.hits += r->own_recs.hits;
        r->s->recs.misses += r->own_recs.misses;
    }
    wd_reccache_free(&r->own_recs);
    memset(r, 0, sizeof *r);
}

/* ---- the search ------------------------------------------------------------------ */

typedef struct search_ctx {
    const char *question;
    size_t len;
    const wd_search_opts *opts;
    wd_results *out;
} search_ctx;

/* The question's text searched as it is. */
static int search_text(wd_searcher *s, const char *question, size_t len, const wd_search_opts *opts,
                       wd_results **out, wd_error *err)
{
    wd_results *res = wd_calloc(1, sizeof *res);
    if (!res || !(res->query = wd_strndup(question, len))) {
        wd_free(res);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    wd_run r;
    wd_run_begin(&r, s, opts);
    /* The re-ranking window from the top, then the page is cut from it. */
    uint32_t depth = r.o.offset + r.o.n > WD_RERANK_DEPTH ? r.o.offset + r.o.n : WD_RERANK_DEPTH;
    int rc = wd_search_opts_check(&r.o, err);
    if (rc == WD_OK)
        rc = wd_filter_check(&r, err);
    if (rc == WD_OK)
        rc = wd_run_analyse(&r, question, len, err);
    if (rc == WD_OK && r.q.n)
        rc = wd_run_match(&r, depth, err);
    if (rc == WD_OK && r.m)
        rc = wd_run_rerank(&r, err);
    if (rc == WD_OK && r.m && r.o.sort_date)
        rc = wd_filter_sort_date(&r, err);
    if (rc == WD_OK && r.m && r.o.distinct)
        rc = wd_fold(&r, err);
    if (rc == WD_OK && r.m)
        rc = wd_run_hits(&r, res, err);
    if (rc == WD_OK)
        rc = wd_facets_collect(&r, res, err);
    if (rc == WD_OK)
        rc = wd_termstats_check(r.stats, err);
    if (rc == WD_OK) {
        res->total = r.total;
        res->trimmed = r.trimmed;
        res->parsed = r.parsed;
        r.parsed = NULL;
        res->assoc = r.used;
        res->n_assoc = r.nused;
        r.used = NULL;
        r.nused = 0;
    }
    wd_run_end(&r);
    if (rc != WD_OK) {
        wd_results_free(res);
        return rc;
    }
    *out = res;
    return WD_OK;
}

/* The question as typed; then, when that found no answer and its letters
 * read as pinyin, the Chinese they spell (pinyin_query.h), whose results
 * are taken when they have hits and the typed text had none, or they
 * answer. A question without letters searches exactly as before. */
static int search_once(wd_searcher *s, void *vctx, wd_error *err)
{
    search_ctx *c = vctx;
    int rc = search_text(s, c->question, c->len, c->opts, &c->out, err);
    if (rc != WD_OK || (c->out->n_hits && c->out->answered))
        return rc;
    char *read = NULL;
    wd_results *alt = NULL;
    rc = wd_pinyin_query_read(s->sounds, s->db, s->an, s->dict, c->question, c->len, &read, err);
    if (rc == WD_OK && read)
        rc = search_text(s, read, strlen(read), c->opts, &alt, err);
    if (rc == WD_OK && alt && alt->n_hits && (!c->out->n_hits || alt->answered)) {
        wd_free(alt->query);
        alt->query = c->out->query; /* the question as typed */
        c->out->query = NULL;
        alt->read_as = read;
        read = NULL;
        wd_results_free(c->out);
        c->out = alt;
        alt = NULL;
    }
    wd_free(read);
    wd_results_free(alt);
    if (rc != WD_OK) {
        wd_results_free(c->out);
        c->out = NULL;
    }
    return rc;
}

/* The shards a partial result was made without, into r. */
static int note_missing(wd_searcher *s, wd_results *r, wd_error *err)
{
    const char *const *missing = NULL;
    size_t n = wd_shards_missing(s->shards, &missing);
    if (!n)
        return WD_OK;
    r->missing_shards = wd_calloc(n, sizeof *r->missing_shards);
    for (size_t i = 0; r->missing_shards && i < n; i++)
        if ((r->missing_shards[i] = wd_strdup(missing[i])))
            r->n_missing++;
    if (r->n_missing < n)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    r->partial = 1;
    return WD_OK;
}

int wd_search(wd_searcher *s, const char *question, size_t len, const wd_search_opts *opts,
              wd_results **out, wd_error *err)
{
    *out = NULL;
    double t0 = now_ms();
    search_ctx c = { question, len, opts, NULL };
    int rc = wd_searcher_run(s, opts, search_once, &c, err);
    if (rc == WD_OK && s->shards)
        rc = note_missing(s, c.out, err);
    if (rc != WD_OK) {
        wd_results_free(c.out);
        return rc;
    }
    c.out->took_ms = now_ms() - t0;
    *out = c.out;
    return WD_OK;
}

/* ---- one record by id ------------------------------------------------------------ */

int wd_searcher_get(wd_searcher *s, const char *id, wd_hit **out, wd_error *err)
{
    *out = NULL;
    /* The id's term in the current schema, then (for an index an older
     * wenda wrote) in schema 1, which kept ids of up to 200 bytes verbatim;
     * the id in value 0 confirms the document is this id's. */
    char t[WD_KEY_TERM_SIZE];
    size_t n = strlen(id);
    xc_docid did = 0;
    int rc = xc_db_find_keyed(s->db, wd_key_term(t, WD_PREFIX_ID, id, WD_ID_VERBATIM), WD_VALUE_ID,
                              id, n, &did, err);
    if (rc == WD_ENOTFOUND && n > WD_ID_VERBATIM && n <= WD_ID_VERBATIM_V1)
        rc = xc_db_find_keyed(s->db, wd_key_term(t, WD_PREFIX_ID, id, WD_ID_VERBATIM_V1),
                              WD_VALUE_ID, id, n, &did, err);
    if (rc == WD_ENOTFOUND)
        return wd_error_set(err, WD_ENOTFOUND, "search", "no record with id '%s' in the index", id);
    xc_doc *doc = NULL;
    char *data = NULL, *mem = NULL;
    size_t dlen = 0;
    wd_record rec;
    wd_hit *h = wd_calloc(1, sizeof *h);
    if (!h)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (rc == WD_OK)
        rc = xc_db_get_document(s->db, did, &doc, err);
    if (rc == WD_OK)
        rc = xc_doc_get_data(doc, &data, &dlen, err);
    if (rc == WD_OK)
        rc = wd_record_decode(data, dlen, &rec, &mem, err);
    if (rc == WD_OK)
        rc = wd_hit_from_record(h, &rec, err);
    if (rc == WD_OK) {
        h->rank = 1;
        wd_termset none = { 0 };
        rc = wd_hit_snippet(s->an, h, &none, 0, NULL, err);
    }
    wd_free(mem);
    wd_free(data);
    xc_doc_free(doc);
    if (rc != WD_OK) {
        wd_hit_free(h);
        wd_free(h);
        return rc;
    }
    *out = h;
    return WD_OK;
}

/* ---- info ------------------------------------------------------------------------ */

/* The bytes on disk of the index at path: summed over a comma-separated
 * list; remote shards count 0. */
static uint64_t disk_size(const char *path)
{
    uint64_t total = 0;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ",");
        char *one = wd_strndup(p, n);
        uint64_t size = 0;
        if (one && xc_db_disk_size(one, &size, NULL) == WD_OK)
            total += size;
        wd_free(one);
        p += n;
        if (*p == ',')
            p++;
    }
    return total;
}

int wd_searcher_info(wd_searcher *s, const char *path, wd_index_info *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = xc_db_doccount(s->db, &out->documents, err);
    if (rc == WD_OK)
        rc = xc_db_termcount(s->db, &out->terms, err);
    if (rc == WD_OK)
        rc = xc_db_avlength(s->db, &out->avg_length, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_DICT, &out->dict_version, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_SCHEMA, &out->schema, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_CHECKPOINT, &out->checkpoint, err);
    if (rc != WD_OK) {
        wd_index_info_clear(out);
        return rc;
    }
    out->size_bytes = path ? disk_size(path) : 0;
    out->stored_analyses =
        atoi(out->schema) >= 4 && strcmp(out->dict_version, wd_dict_version(s->dict)) == 0;
    return WD_OK;
}

void wd_index_info_clear(wd_index_info *info)
{
    wd_free(info->dict_version);
    wd_free(info->schema);
    wd_free(info->checkpoint);
    memset(info, 0, sizeof *info);
}
