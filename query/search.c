/*
 * search.c - from a free-text question to ranked, snippeted hits.
 *
 * The question is analysed in index mode, so a long word brings its
 * sub-words too. Each distinct word becomes a small query: the word in the
 * question field (scaled up) OR the word in the answer field, where the word
 * and its dictionary synonyms form one Xapian SYNONYM so a synonym counts as
 * the word itself. Question particles and function words stay in the query at
 * a low weight (they never decide a match, but break ties between records
 * that use the same content words); sub-words count less than whole words.
 * All of it is OR-ed and ranked by BM25; ties break by record id so output
 * is deterministic.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "schema.h"
#include "snippet.h"
#include "wenda/corpus.h"
#include "wenda/search.h"
#include "xapian_c.h"

#define DEFAULT_QUESTION_WEIGHT 2.0
#define DEFAULT_K1 1.2
#define DEFAULT_B 0.75
#define STOP_WEIGHT 0.2
#define SUBWORD_WEIGHT 0.5

struct wd_searcher {
    xc_db *db;
    wd_analyzer *an;
    const wd_dict *dict;
};

int wd_searcher_open(wd_searcher **out, const char *path, const wd_dict *dict, wd_error *err)
{
    *out = NULL;
    if (!path || !*path || !dict)
        return wd_error_set(err, WD_EINVAL, "search", "no index path given");
    wd_searcher *s = wd_calloc(1, sizeof *s);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    s->dict = dict;
    int rc = xc_db_open(&s->db, path, XC_DB_READ, err);
    if (rc == WD_OK)
        rc = wd_analyzer_new(&s->an, dict, err);
    if (rc != WD_OK) {
        wd_searcher_close(s);
        return rc;
    }
    *out = s;
    return WD_OK;
}

void wd_searcher_close(wd_searcher *s)
{
    if (!s)
        return;
    xc_db_close(s->db);
    wd_analyzer_free(s->an);
    wd_free(s);
}

int wd_searcher_reopen(wd_searcher *s, wd_error *err) { return xc_db_reopen(s->db, NULL, err); }

/* ---- query building ------------------------------------------------------ */

typedef struct qword {
    char *text;
    size_t len;
    double weight; /* 1 whole word, SUBWORD_WEIGHT sub-word, STOP_WEIGHT particle */
    uint32_t wqf;
    uint32_t pos;
} qword;

typedef struct qwords {
    qword *w;
    size_t n, cap;
    size_t content; /* words that are not particles */
    int oom;
} qwords;

static int collect_qword(void *vctx, const wd_token *t)
{
    qwords *q = vctx;
    double weight = (t->flags & WD_TOKEN_STOP)      ? STOP_WEIGHT
                    : (t->flags & WD_TOKEN_SUBWORD) ? SUBWORD_WEIGHT
                                                    : 1.0;
    for (size_t i = 0; i < q->n; i++) {
        if (q->w[i].len == t->len && memcmp(q->w[i].text, t->text, t->len) == 0) {
            q->w[i].wqf++;
            if (weight > q->w[i].weight)
                q->w[i].weight = weight;
            return 0;
        }
    }
    if (t->len + 1 > XC_MAX_TERM_BYTES)
        return 0;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        qword *w = wd_realloc(q->w, cap * sizeof *w);
        if (!w) {
            q->oom = 1;
            return WD_ENOMEM;
        }
        q->w = w;
        q->cap = cap;
    }
    char *text = wd_strndup(t->text, t->len);
    if (!text) {
        q->oom = 1;
        return WD_ENOMEM;
    }
    q->w[q->n++] = (qword){text, t->len, weight, 1, t->position + 1};
    if (!(t->flags & (WD_TOKEN_STOP | WD_TOKEN_SUBWORD)))
        q->content++;
    return 0;
}

static void qwords_free(qwords *q)
{
    for (size_t i = 0; i < q->n; i++)
        wd_free(q->w[i].text);
    wd_free(q->w);
}

/* SYNONYM(prefix+word, prefix+syn...) for one field. */
static int field_query(xc_query **out, const char *prefix, const qword *w,
                       const char *const *syns, size_t nsyn, wd_error *err)
{
    xc_query *leaves[33];
    size_t n = 0;
    int rc = WD_OK;
    wd_buf term = WD_BUF_INIT;
    *out = NULL;
    for (size_t i = 0; i <= nsyn && n < 33 && rc == WD_OK; i++) {
        const char *word = i == 0 ? w->text : syns[i - 1];
        size_t len = i == 0 ? w->len : strlen(word);
        wd_buf_reset(&term);
        wd_buf_puts(&term, prefix);
        wd_buf_append(&term, word, len);
        if (term.oom) {
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
            break;
        }
        if (term.len > XC_MAX_TERM_BYTES)
            continue;
        rc = xc_query_term(&leaves[n], term.data, term.len, w->wqf, w->pos, err);
        if (rc == WD_OK)
            n++;
    }
    if (rc == WD_OK)
        rc = n == 1 ? xc_query_combine(out, XC_OP_OR, leaves, 1, 0, err)
                    : xc_query_combine(out, XC_OP_SYNONYM, leaves, n, 0, err);
    for (size_t i = 0; i < n; i++)
        xc_query_free(leaves[i]);
    wd_buf_free(&term);
    return rc;
}

static int word_query(xc_query **out, const wd_dict *dict, const qword *w, double qweight,
                      double scale, wd_error *err)
{
    const char *const *syns = NULL;
    size_t nsyn = wd_dict_synonyms(dict, w->text, w->len, &syns);
    if (nsyn > 32)
        nsyn = 32;
    xc_query *q = NULL, *a = NULL, *qs = NULL, *both = NULL;
    int rc = field_query(&q, WD_PREFIX_QUESTION, w, syns, nsyn, err);
    if (rc == WD_OK)
        rc = field_query(&a, "", w, syns, nsyn, err);
    if (rc == WD_OK)
        rc = xc_query_scale(&qs, q, qweight, err);
    if (rc == WD_OK) {
        xc_query *pair[2] = {qs, a};
        rc = xc_query_combine(&both, XC_OP_OR, pair, 2, 0, err);
    }
    if (rc == WD_OK && scale != 1.0)
        rc = xc_query_scale(out, both, scale, err);
    else if (rc == WD_OK) {
        *out = both;
        both = NULL;
    }
    xc_query_free(q);
    xc_query_free(a);
    xc_query_free(qs);
    xc_query_free(both);
    return rc;
}

static int build_query(wd_searcher *s, const qwords *qw, const wd_search_opts *o,
                       xc_query **out, wd_error *err)
{
    *out = NULL;
    double qweight = o->question_weight > 0 ? o->question_weight : DEFAULT_QUESTION_WEIGHT;
    xc_query **parts = wd_calloc(qw->n ? qw->n : 1, sizeof *parts);
    if (!parts)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    size_t np = 0;
    int rc = WD_OK;
    for (size_t i = 0; i < qw->n && rc == WD_OK; i++) {
        /* When the question is nothing but particles, they are all it has. */
        double scale = qw->content ? qw->w[i].weight : 1.0;
        rc = word_query(&parts[np], s->dict, &qw->w[i], qweight, scale, err);
        if (rc == WD_OK)
            np++;
    }
    xc_query *all = NULL;
    if (rc == WD_OK)
        rc = xc_query_combine(&all, XC_OP_OR, parts, np, 0, err);
    for (size_t i = 0; i < np; i++)
        xc_query_free(parts[i]);
    wd_free(parts);
    if (rc == WD_OK && o->source && *o->source && !xc_query_is_empty(all)) {
        wd_buf t = WD_BUF_INIT;
        size_t n = strlen(o->source);
        if (n <= WD_MAX_KEY_TERM)
            wd_buf_printf(&t, "%s%s", WD_PREFIX_SOURCE, o->source);
        else
            wd_buf_printf(&t, "%s#%016llx", WD_PREFIX_SOURCE,
                          (unsigned long long)wd_fnv1a64(o->source, n, WD_FNV_OFFSET));
        xc_query *f = NULL, *filtered = NULL;
        rc = t.oom ? wd_error_set(err, WD_ENOMEM, "search", "out of memory")
                   : xc_query_term(&f, t.data, t.len, 1, 0, err);
        if (rc == WD_OK) {
            xc_query *pair[2] = {all, f};
            rc = xc_query_combine(&filtered, XC_OP_FILTER, pair, 2, 0, err);
        }
        xc_query_free(f);
        xc_query_free(all);
        all = filtered;
        wd_buf_free(&t);
    }
    if (rc != WD_OK) {
        xc_query_free(all);
        return rc;
    }
    *out = all;
    return WD_OK;
}

/* ---- hits ---------------------------------------------------------------- */

static char *json_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? wd_strdup(v) : NULL;
}

/* Fill the record fields of a hit from the stored JSON data. */
static int hit_from_data(wd_hit *h, const char *data, size_t len, wd_error *err)
{
    json_error_t jerr;
    json_t *o = json_loadb(data, len, 0, &jerr);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return wd_error_set(err, WD_ECORRUPT, "search",
                            "a stored record is not valid JSON (%s); re-index the corpus",
                            jerr.text);
    }
    h->id = json_str(o, "id");
    h->question = json_str(o, "question");
    h->answer = json_str(o, "answer");
    h->source = json_str(o, "source");
    h->date = json_str(o, "date");
    const char *kind = json_string_value(json_object_get(o, "kind"));
    h->kind = kind && strcmp(kind, "question") == 0 ? WD_KIND_QUESTION : WD_KIND_QA;
    json_decref(o);
    if (!h->id || !h->question || !h->answer || !h->source) {
        if (!h->answer)
            h->answer = wd_strdup("");
        if (!h->source)
            h->source = wd_strdup("");
        if (!h->id || !h->question || !h->answer || !h->source)
            return wd_error_set(err, WD_ECORRUPT, "search",
                                "a stored record lacks its id or question; re-index the corpus");
    }
    return WD_OK;
}

void wd_hit_free(wd_hit *h)
{
    if (!h)
        return;
    wd_free(h->id);
    wd_free(h->question);
    wd_free(h->answer);
    wd_free(h->source);
    wd_free(h->date);
    wd_free(h->snippet);
    wd_free(h->highlights);
    for (size_t i = 0; i < h->n_explain; i++)
        wd_free(h->explain[i].term);
    wd_free(h->explain);
    memset(h, 0, sizeof *h);
}

void wd_results_free(wd_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_hits; i++)
        wd_hit_free(&r->hits[i]);
    wd_free(r->hits);
    wd_free(r->query);
    wd_free(r->parsed);
    wd_free(r);
}

static int make_snippet(wd_analyzer *an, wd_hit *h, const wd_termset *ts, uint32_t chars,
                        wd_error *err)
{
    /* The answer, unless it is empty; a question-kind record's description is its answer. */
    const char *text = h->answer && *h->answer ? h->answer : h->question;
    return wd_snippet_make(an, text, strlen(text), ts, chars, &h->snippet, &h->highlights,
                           &h->n_highlights, err);
}

struct explain_ctx {
    wd_hit *h;
    const xc_mset *m;
    wd_error *err;
};

static int explain_term(void *vctx, const char *term, size_t len, uint32_t tf)
{
    (void)tf;
    struct explain_ctx *c = vctx;
    wd_term_weight *e = wd_realloc(c->h->explain, (c->h->n_explain + 1) * sizeof *e);
    if (!e)
        return WD_ENOMEM;
    c->h->explain = e;
    wd_term_weight *t = &e[c->h->n_explain];
    t->term = wd_strndup(term, len);
    if (!t->term)
        return WD_ENOMEM;
    t->weight = 0;
    xc_mset_termweight(c->m, t->term, &t->weight, NULL);
    c->h->n_explain++;
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int wd_search(wd_searcher *s, const char *question, size_t len, const wd_search_opts *opts,
              wd_results **out, wd_error *err)
{
    *out = NULL;
    double t0 = now_ms();
    wd_search_opts o = opts ? *opts : (wd_search_opts)WD_SEARCH_OPTS_INIT;
    if (o.n == 0)
        o.n = 10;
    if (o.n > 10000)
        o.n = 10000;
    wd_results *r = wd_calloc(1, sizeof *r);
    if (!r)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    r->query = wd_strndup(question, len);
    if (!r->query) {
        wd_results_free(r);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }

    qwords qw = {0};
    wd_termset ts = {0};
    xc_query *q = NULL;
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    int rc = wd_analyze(s->an, WD_ANALYZE_INDEX, question, len, collect_qword, &qw, err);
    if (qw.oom)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    /* Highlight what the question asked for, synonyms included; particles
     * only when the question has nothing else. */
    for (size_t i = 0; rc == WD_OK && i < qw.n; i++) {
        if (qw.content && qw.w[i].weight == STOP_WEIGHT)
            continue;
        rc = wd_termset_add(&ts, qw.w[i].text, qw.w[i].len, qw.w[i].weight);
        const char *const *syns = NULL;
        size_t nsyn = wd_dict_synonyms(s->dict, qw.w[i].text, qw.w[i].len, &syns);
        for (size_t k = 0; rc == WD_OK && k < nsyn; k++)
            rc = wd_termset_add(&ts, syns[k], strlen(syns[k]), qw.w[i].weight);
        if (rc == WD_ENOMEM)
            wd_error_set(err, rc, "search", "out of memory");
    }
    if (rc == WD_OK && qw.n > 0) {
        rc = build_query(s, &qw, &o, &q, err);
        if (rc == WD_OK && o.explain)
            rc = xc_query_describe(q, &r->parsed, err);
        if (rc == WD_OK)
            rc = xc_enquire_new(&e, s->db, err);
        if (rc == WD_OK)
            rc = xc_enquire_set_query(e, q, err);
        if (rc == WD_OK)
            rc = xc_enquire_set_bm25(e, o.k1 >= 0 ? o.k1 : DEFAULT_K1, 0, 1,
                                     o.b >= 0 ? o.b : DEFAULT_B, 0.5, err);
        if (rc == WD_OK)
            rc = xc_enquire_set_tiebreak_value(e, WD_VALUE_ID, err);
        if (rc == WD_OK)
            rc = xc_enquire_mset(e, o.offset, o.n, 0, &m, err);
    }
    if (rc == WD_OK && m) {
        uint32_t n = xc_mset_size(m);
        r->total = xc_mset_estimated(m);
        r->hits = wd_calloc(n ? n : 1, sizeof *r->hits);
        if (!r->hits)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        for (uint32_t i = 0; rc == WD_OK && i < n; i++) {
            wd_hit *h = &r->hits[i];
            r->n_hits++;
            h->rank = o.offset + i + 1;
            h->score = xc_mset_weight(m, i);
            char *data = NULL;
            size_t dlen = 0;
            rc = xc_mset_data(m, i, &data, &dlen, err);
            if (rc == WD_OK)
                rc = hit_from_data(h, data, dlen, err);
            wd_free(data);
            if (rc == WD_OK)
                rc = make_snippet(s->an, h, &ts, o.snippet_chars, err);
            if (rc == WD_OK && o.explain) {
                struct explain_ctx c = {h, m, err};
                rc = xc_enquire_matching_terms(e, xc_mset_docid(m, i), explain_term, &c, err);
                if (rc == WD_ENOMEM)
                    wd_error_set(err, rc, "search", "out of memory");
            }
        }
    }
    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(q);
    qwords_free(&qw);
    wd_termset_free(&ts);
    if (rc != WD_OK) {
        wd_results_free(r);
        return rc;
    }
    r->took_ms = now_ms() - t0;
    *out = r;
    return WD_OK;
}

int wd_searcher_get(wd_searcher *s, const char *id, wd_hit **out, wd_error *err)
{
    *out = NULL;
    wd_buf t = WD_BUF_INIT;
    size_t n = strlen(id);
    if (n <= WD_MAX_KEY_TERM)
        wd_buf_printf(&t, "%s%s", WD_PREFIX_ID, id);
    else
        wd_buf_printf(&t, "%s#%016llx", WD_PREFIX_ID,
                      (unsigned long long)wd_fnv1a64(id, n, WD_FNV_OFFSET));
    if (t.oom)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    xc_docid did = 0;
    int rc = xc_db_find(s->db, t.data, &did, err);
    wd_buf_free(&t);
    if (rc == WD_ENOTFOUND)
        return wd_error_set(err, WD_ENOTFOUND, "search", "no record with id '%s' in the index",
                            id);
    xc_doc *doc = NULL;
    char *data = NULL;
    size_t dlen = 0;
    wd_hit *h = wd_calloc(1, sizeof *h);
    if (!h)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (rc == WD_OK)
        rc = xc_db_get_document(s->db, did, &doc, err);
    if (rc == WD_OK)
        rc = xc_doc_get_data(doc, &data, &dlen, err);
    if (rc == WD_OK)
        rc = hit_from_data(h, data, dlen, err);
    if (rc == WD_OK) {
        h->rank = 1;
        wd_termset empty = {0};
        rc = make_snippet(s->an, h, &empty, 0, err);
    }
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

/* ---- info ------------------------------------------------------------------ */

static uint64_t dir_size(const char *path)
{
    /* Xapian's glass files sit flat in the index directory. */
    uint64_t total = 0;
    static const char *const files[] = {"docdata.glass", "postlist.glass", "position.glass",
                                        "termlist.glass", "spelling.glass", "synonym.glass",
                                        "iamglass"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", path, files[i]);
        if (stat(p, &st) == 0)
            total += (uint64_t)st.st_size;
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
    out->size_bytes = path ? dir_size(path) : 0;
    return WD_OK;
}

void wd_index_info_clear(wd_index_info *info)
{
    wd_free(info->dict_version);
    wd_free(info->schema);
    wd_free(info->checkpoint);
    memset(info, 0, sizeof *info);
}
