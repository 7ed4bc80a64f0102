/*
 * systems.c - the four systems the evaluation compares, behind one
 * build/ask interface, and the corpus records they index.
 *
 * wenda and icu go through the public indexer and searcher (wd_index_writer,
 * wd_search), icu with the analyzer's dictionary layer switched off on both
 * sides. The n-gram baselines talk to the Xapian shim directly: documents
 * get Xapian's own TermGenerator terms with FLAG_CJK_NGRAM (ngram-q: the
 * question; ngram-qa: the question with wdf increment 2, then the answer),
 * and a question becomes the OR of its own n-gram terms (taken from a
 * scratch document indexed the same way, each with its wdf as wqf) ranked
 * by BM25 with Xapian's default parameters (1, 0, 1, 0.5, 0.5). We OR the
 * terms ourselves because Xapian's QueryParser would AND the n-grams of an
 * unbroken CJK phrase. Every system replaces a record whose id repeats, so
 * all four index the same set of records.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eval_internal.h"
#include "grow.h"
#include "hash.h"
#include "wenda/buf.h"
#include "wenda/coverage.h"
#include "wenda/index.h"
#include "wenda/search.h"
#include "xapian_c.h"

/* ---- names --------------------------------------------------------------------------- */

const char *wd_eval_system_name(int sys)
{
    switch (sys) {
    case WD_EVAL_SYS_WENDA: return "wenda";
    case WD_EVAL_SYS_ICU: return "icu";
    case WD_EVAL_SYS_NGRAM_Q: return "ngram-q";
    case WD_EVAL_SYS_NGRAM_QA: return "ngram-qa";
    default: return "unknown";
    }
}

const char *wd_eval_system_about(int sys)
{
    switch (sys) {
    case WD_EVAL_SYS_WENDA: return "wenda as shipped: ICU words merged by the dictionary layer";
    case WD_EVAL_SYS_ICU:
        return "wenda's indexer and searcher with the dictionary layer off (ICU words only)";
    case WD_EVAL_SYS_NGRAM_Q:
        return "Xapian CJK n-grams of the question; query n-grams OR-ed; BM25 defaults";
    case WD_EVAL_SYS_NGRAM_QA: return "the same over the question (wdf x2) plus the answer";
    default: return "";
    }
}

/* ---- records ------------------------------------------------------------------- */

static void rec_clear(ev_rec *r)
{
    wd_free(r->id);
    wd_free(r->question);
    wd_free(r->answer);
    wd_free(r->source);
    wd_free(r->date);
    memset(r, 0, sizeof *r);
}

void ev_recs_free(ev_recs *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        rec_clear(&rs->r[i]);
    wd_free(rs->r);
    memset(rs, 0, sizeof *rs);
}

struct read_ctx {
    ev_ctx *c;
    ev_recs *rs;
};

static int on_record(void *vctx, const wd_record *rec)
{
    struct read_ctx *rc = vctx;
    ev_recs *rs = rc->rs;
    if (WD_GROW(rs->r, rs->cap, rs->n + 1, 256) != WD_OK)
        return WD_ENOMEM;
    ev_rec *r = &rs->r[rs->n];
    memset(r, 0, sizeof *r);
    r->id = wd_strdup(rec->id);
    r->question = wd_strdup(rec->question);
    r->answer = wd_strdup(rec->answer ? rec->answer : "");
    r->source = wd_strdup(rec->source ? rec->source : "");
    r->date = rec->date ? wd_strdup(rec->date) : NULL;
    r->kind = rec->kind;
    if (!r->id || !r->question || !r->answer || !r->source || (rec->date && !r->date)) {
        rec_clear(r);
        return WD_ENOMEM;
    }
    rs->n++;
    return 0;
}

static void on_diag(void *vctx, int level, const char *file, size_t line, int code,
                    const char *message)
{
    (void)code;
    struct read_ctx *rc = vctx;
    if (level == WD_DIAG_SKIP)
        rc->rs->skipped++;
    if (line)
        ev_note(rc->c, "%s:%zu: %s", file, line, message);
    else
        ev_note(rc->c, "%s: %s", file, message);
}

int ev_recs_read_file(ev_ctx *c, ev_recs *rs, const char *path, wd_error *err)
{
    struct read_ctx rc = { c, rs };
    int rc_ = wd_corpus_read_file(path, NULL, on_record, on_diag, &rc, err);
    if (rc_ == WD_ENOMEM)
        wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    return rc_;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ev_recs_read_dir(ev_ctx *c, ev_recs *rs, const char *dir, wd_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return wd_error_set(err, WD_ENOTFOUND, "eval", "%s: cannot open folder", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = WD_OK;
    struct dirent *e;
    while (rc == WD_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = ev_path(dir, e->d_name);
        struct stat st;
        if (!p) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
            wd_free(p);
            continue;
        }
        if (WD_GROW(names, cap, n + 1, 32) != WD_OK) {
            wd_free(p);
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        names[n++] = p;
    }
    closedir(d);
    if (rc == WD_OK && n)
        qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; rc == WD_OK && i < n; i++)
        rc = ev_recs_read_file(c, rs, names[i], err);
    for (size_t i = 0; i < n; i++)
        wd_free(names[i]);
    wd_free(names);
    return rc;
}

/* ---- systems --------------------------------------------------------------------- */

struct ev_sys {
    int sys;
    char *path;
    /* wenda, icu */
    wd_searcher *searcher;
    /* n-gram baselines */
    xc_db *db;
};

void ev_hits_clear(ev_hits *h)
{
    for (size_t i = 0; i < h->n; i++)
        wd_free(h->id[i]);
    memset(h, 0, sizeof *h);
}

void ev_sys_free(ev_sys *s)
{
    if (!s)
        return;
    wd_searcher_close(s->searcher);
    xc_db_close(s->db);
    if (s->path)
        ev_rmtree(s->path);
    wd_free(s->path);
    wd_free(s);
}

static int build_wenda(ev_sys *s, ev_ctx *c, const ev_recs *rs, wd_error *err)
{
    wd_index_opts io = WD_INDEX_OPTS_INIT;
    io.overwrite = 1;
    io.no_dictionary_layer = s->sys == WD_EVAL_SYS_ICU;
    if (rs->n > 20000) { /* a large base: every core, one part each */
        io.jobs = wd_index_default_jobs();
        io.bulk = io.jobs > 1;
    }
    wd_index_writer *w = NULL;
    int rc = wd_index_writer_open(&w, s->path, c->dict, &io, err);
    for (size_t i = 0; rc == WD_OK && i < rs->n; i++) {
        const ev_rec *r = &rs->r[i];
        wd_record rec = {
            r->id, r->question, r->answer, r->source, r->date, r->kind, i + 1, NULL, 0
        };
        rc = wd_index_writer_add(w, &rec, err);
    }
    if (rc == WD_OK)
        rc = wd_index_writer_close(w, err);
    else
        wd_index_writer_abandon(w);
    if (rc == WD_OK)
        rc = wd_searcher_open(&s->searcher, s->path, c->dict, err);
    return rc;
}

/* The id's unique term, hashed past Xapian's term limit. */
static int id_term(wd_buf *b, const char *id)
{
    wd_buf_reset(b);
    size_t n = strlen(id);
    if (n + 1 <= XC_MAX_TERM_BYTES) {
        wd_buf_putc(b, 'Q');
        wd_buf_append(b, id, n);
    } else {
        uint64_t h = wd_hash_bytes(id, n);
        wd_buf_printf(b, "Q#%016llx", (unsigned long long)h);
    }
    return b->oom ? WD_ENOMEM : WD_OK;
}

static int build_ngram(ev_sys *s, const ev_recs *rs, wd_error *err)
{
    xc_db *db = NULL;
    wd_buf term = WD_BUF_INIT;
    int rc = xc_db_open(&db, s->path, XC_DB_CREATE_OR_OVERWRITE, err);
    for (size_t i = 0; rc == WD_OK && i < rs->n; i++) {
        const ev_rec *r = &rs->r[i];
        xc_doc *doc = NULL;
        rc = xc_doc_new(&doc, err);
        if (rc == WD_OK)
            rc = xc_doc_index_text_ngram(doc, r->question, strlen(r->question), "",
                                         s->sys == WD_EVAL_SYS_NGRAM_QA ? 2 : 1, err);
        if (rc == WD_OK && s->sys == WD_EVAL_SYS_NGRAM_QA)
            rc = xc_doc_index_text_ngram(doc, r->answer, strlen(r->answer), "", 1, err);
        if (rc == WD_OK)
            rc = xc_doc_set_data(doc, r->id, strlen(r->id), err);
        if (rc == WD_OK && id_term(&term, r->id) != WD_OK)
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        if (rc == WD_OK)
            rc = xc_db_replace(db, term.data, doc, NULL, NULL, err);
        xc_doc_free(doc);
    }
    if (rc == WD_OK)
        rc = xc_db_commit(db, err);
    xc_db_close(db);
    wd_buf_free(&term);
    if (rc == WD_OK)
        rc = xc_db_open(&s->db, s->path, XC_DB_READ, err);
    return rc;
}

int ev_sys_build(ev_sys **out, ev_ctx *c, int sys, const char *tag, const ev_recs *rs,
                 double *seconds, wd_error *err)
{
    *out = NULL;
    *seconds = 0;
    int rc = ev_tmp(c, err);
    if (rc != WD_OK)
        return rc;
    ev_sys *s = wd_calloc(1, sizeof *s);
    wd_buf p = WD_BUF_INIT;
    wd_buf_printf(&p, "%s/%s-%s-%u", c->tmp, tag, wd_eval_system_name(sys), ++c->seq);
    if (!s || p.oom) {
        wd_free(s);
        wd_buf_free(&p);
        return wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    }
    s->sys = sys;
    s->path = wd_buf_detach(&p);
    ev_note(c, "%s: indexing %zu records (%s)", tag, rs->n, wd_eval_system_name(sys));
    double t0 = ev_now_ms();
    if (sys == WD_EVAL_SYS_WENDA || sys == WD_EVAL_SYS_ICU)
        rc = build_wenda(s, c, rs, err);
    else
        rc = build_ngram(s, rs, err);
    *seconds = (ev_now_ms() - t0) / 1e3;
    if (rc != WD_OK) {
        ev_sys_free(s);
        return rc;
    }
    *out = s;
    return WD_OK;
}

static int ask_wenda(ev_sys *s, const char *question, ev_hits *out, wd_error *err)
{
    wd_search_opts so = WD_SEARCH_OPTS_INIT;
    so.n = EV_K;
    so.no_dictionary_layer = s->sys == WD_EVAL_SYS_ICU;
    wd_results *r = NULL;
    int rc = wd_search(s->searcher, question, strlen(question), &so, &r, err);
    for (size_t i = 0; rc == WD_OK && i < r->n_hits && out->n < EV_K; i++) {
        char *id = wd_strdup(r->hits[i].id);
        if (!id) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        out->id[out->n] = id;
        out->score[out->n++] = r->hits[i].score;
    }
    wd_results_free(r);
    return rc;
}

struct qterms {
    xc_query **q;
    size_t n, cap;
    wd_error *err;
};

static int add_qterm(void *vctx, const char *term, size_t len, uint32_t wdf)
{
    struct qterms *t = vctx;
    if (WD_GROW(t->q, t->cap, t->n + 1, 32) != WD_OK)
        return wd_error_set(t->err, WD_ENOMEM, "eval", "out of memory");
    int rc = xc_query_term(&t->q[t->n], term, len, wdf ? wdf : 1, 0, t->err);
    if (rc == WD_OK)
        t->n++;
    return rc;
}

static int ask_ngram(ev_sys *s, const char *question, ev_hits *out, wd_error *err)
{
    struct qterms t = { NULL, 0, 0, err };
    xc_doc *scratch = NULL;
    xc_query *q = NULL;
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    int rc = xc_doc_new(&scratch, err);
    if (rc == WD_OK)
        rc = xc_doc_index_text_ngram(scratch, question, strlen(question), "", 1, err);
    if (rc == WD_OK)
        rc = xc_doc_terms(scratch, add_qterm, &t, err);
    if (rc == WD_OK && t.n == 0)
        goto done; /* nothing to look for: no hits */
    if (rc == WD_OK)
        rc = xc_query_combine(&q, XC_OP_OR, t.q, t.n, 0, err);
    if (rc == WD_OK)
        rc = xc_enquire_new(&e, s->db, err);
    if (rc == WD_OK)
        rc = xc_enquire_set_query(e, q, err);
    if (rc == WD_OK)
        rc = xc_enquire_set_bm25(e, 1, 0, 1, 0.5, 0.5, err);
    if (rc == WD_OK)
        rc = xc_enquire_mset(e, 0, EV_K, 0, &m, err);
    for (uint32_t i = 0; rc == WD_OK && i < xc_mset_size(m) && out->n < EV_K; i++) {
        char *id = NULL;
        rc = xc_mset_data(m, i, &id, NULL, err);
        if (rc == WD_OK) {
            out->id[out->n] = id;
            out->score[out->n++] = xc_mset_weight(m, i);
        }
    }
done:
    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(q);
    for (size_t i = 0; i < t.n; i++)
        xc_query_free(t.q[i]);
    wd_free(t.q);
    xc_doc_free(scratch);
    return rc;
}

int ev_sys_ask(ev_sys *s, const char *question, ev_hits *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = s->sys == WD_EVAL_SYS_WENDA || s->sys == WD_EVAL_SYS_ICU
                 ? ask_wenda(s, question, out, err)
                 : ask_ngram(s, question, out, err);
    if (rc != WD_OK)
        ev_hits_clear(out);
    return rc;
}

wd_searcher *ev_sys_searcher(ev_sys *s)
{
    return s ? s->searcher : NULL;
}

int ev_sys_coverage(ev_sys *s, const ev_ctx *c, const char *question, int *verdict, wd_error *err)
{
    *verdict = WD_UNCOVERED;
    if (!s->searcher)
        return wd_error_set(err, WD_EINVAL, "eval", "no coverage for %s",
                            wd_eval_system_name(s->sys));
    (void)c;
    wd_search_opts so = WD_SEARCH_OPTS_INIT;
    so.no_dictionary_layer = s->sys == WD_EVAL_SYS_ICU;
    wd_coverage_opts co = WD_COVERAGE_OPTS_INIT;
    co.search = &so;
    wd_coverage cv;
    int rc = wd_coverage_check(s->searcher, question, strlen(question), &co, &cv, err);
    if (rc == WD_OK)
        *verdict = cv.verdict;
    wd_coverage_clear(&cv);
    return rc;
}
