/*
 * coverage.c - the verdict on one question: is it covered by the index?
 *
 * BM25 only proposes candidates; it cannot say whether a record answers the
 * question, because its scores depend on the question's length and the
 * corpus. The searcher's candidates (one run of its pipeline: searcher.h)
 * are therefore re-scored with the calibrated same-question confidence
 * (similarity.c) of the asked question against each record's question, both
 * as the run and the record cache already analysed them. The record's
 * answer is the second signal: when its snippet (the passage the search
 * cuts around the asked words) accounts for the asked words, the confidence
 * moves toward 1 by ANSWER_WEIGHT times that share of the gap the question
 * match leaves (p + (1 - p) * w * a). A knowledge-base question worded
 * unlike the asked one ("特困人员交医保吗" against "低保人员需要交医保吗") is
 * still covered when its answer speaks to the question; an answer alone
 * (p = 0) reaches at most ANSWER_WEIGHT. Snippets are cut for the
 * candidates the search ranks first (it ranks by question similarity too,
 * so the best is among them for about 49 questions in 50) and for a best
 * found further down.
 */
#include <string.h>

#include "schema.h"
#include "searcher.h"

#define DEFAULT_CANDIDATES 8
/* Chosen with the thresholds (coverage.h) on the domain development split. */
#define ANSWER_WEIGHT 0.6
/* Candidates that get a snippet up front (the rest only when picked):
 * cutting one normalises the record's whole answer, which was most of the
 * cost of a check. */
#define SNIPPETED 2

const char *wd_verdict_name(int v)
{
    switch (v) {
    case WD_UNCOVERED: return "uncovered";
    case WD_PARTIAL: return "partial";
    case WD_COVERED: return "covered";
    default: return "?";
    }
}

void wd_coverage_clear(wd_coverage *c)
{
    if (!c)
        return;
    wd_hit_free(c->best);
    wd_free(c->best);
    wd_hit_free(c->runner_up);
    wd_free(c->runner_up);
    wd_sim_text_free(c->asked);
    memset(c, 0, sizeof *c);
}

/* ---- the same-question views the run holds ----------------------------------------- */

/* The confidence's IDF of a word: the smoothed IDF of its question-field
 * frequency, from the searcher's statistics table. */
static double question_idf(void *ctx, const char *w, size_t len)
{
    wd_run *r = ctx;
    return wd_idf_smoothed(r->stats->ndocs,
                           wd_termstats_df(r->stats, r->s->db, WD_PREFIX_QUESTION, w, len));
}

static int asked_view(wd_run *r, wd_error *err)
{
    if (r->asked)
        return WD_OK;
    return wd_sim_text_build(&r->q, r->s->dict, question_idf, r, &r->asked, err);
}

/* Candidate i's question as the confidence sees it, made once per record
 * and kept in the record cache. A twin (a record with the same question)
 * has the same view, from the record that was analysed. */
static const wd_sim_text *cand_view(wd_run *r, uint32_t i, wd_error *err)
{
    wd_rec *rec = r->c[i].rec;
    for (uint32_t k = 0; !rec->analysed && k < r->nc; k++)
        if (r->c[k].rec->analysed && r->c[k].rec->qhash == rec->qhash &&
            strcmp(r->c[k].rec->rec.question, rec->rec.question) == 0)
            rec = r->c[k].rec;
    if (!rec->analysed) {
        wd_error_set(err, WD_EINTERNAL, "coverage", "a candidate's question was not analysed");
        return NULL;
    }
    if (!rec->sim) {
        if (wd_sim_text_build(&rec->q, r->s->dict, question_idf, r, &rec->sim, err) != WD_OK)
            return NULL;
        wd_reccache_charge(r->recs, rec, wd_sim_text_bytes(rec->sim));
    }
    return rec->sim;
}

/* ---- the verdict ----------------------------------------------------------------- */

/* Best and runner-up by confidence: a record with an answer that reaches
 * covered_at wins over a question-only one. */
static void pick(const wd_hit *hits, size_t n, const double *conf, double covered_at, long *best,
                 long *second)
{
    *best = *second = -1;
    for (size_t i = 0; i < n; i++)
        if (hits[i].kind == WD_KIND_QA && conf[i] >= covered_at &&
            (*best < 0 || conf[i] > conf[*best]))
            *best = (long)i;
    if (*best < 0)
        for (size_t i = 0; i < n; i++)
            if (*best < 0 || conf[i] > conf[*best])
                *best = (long)i;
    for (size_t i = 0; i < n; i++)
        if ((long)i != *best && (*second < 0 || conf[i] > conf[*second]))
            *second = (long)i;
}

static wd_hit *take_hit(wd_hit *h)
{
    wd_hit *copy = wd_malloc(sizeof *copy);
    if (!copy)
        return NULL;
    *copy = *h;
    memset(h, 0, sizeof *h);
    return copy;
}

typedef struct check {
    const char *question;
    size_t len;
    const wd_coverage_opts *o;
    const wd_search_opts *so;
    wd_coverage *out;
} check;

/* The confidence of a record: its question's match p, nudged by the share a
 * of the asked question its snippet's passage accounts for. */
static double confidence(double p, double a)
{
    return p + (1.0 - p) * ANSWER_WEIGHT * a;
}

/* The hit of candidate i, with its snippet cut (twin: copied from an
 * earlier snippeted hit with the same question and answer), and the
 * answer's share of the asked question. */
static int snippeted(wd_run *r, wd_hit *hits, size_t i, double *support, wd_error *err)
{
    const wd_rec *rec = r->c[i].rec;
    for (size_t k = 0; k < i; k++) {
        const wd_rec *o = r->c[k].rec;
        if (o->ahash == rec->ahash && o->qhash == rec->qhash &&
            strcmp(o->rec.answer, rec->rec.answer) == 0 &&
            strcmp(o->rec.question, rec->rec.question) == 0 && *hits[k].snippet) {
            support[i] = support[k];
            wd_free(hits[i].snippet);
            hits[i].snippet = wd_strdup(hits[k].snippet);
            hits[i].n_highlights = 0;
            if (hits[k].n_highlights) {
                hits[i].highlights = wd_malloc(hits[k].n_highlights * sizeof *hits[k].highlights);
                if (hits[i].highlights) {
                    memcpy(hits[i].highlights, hits[k].highlights,
                           hits[k].n_highlights * sizeof *hits[k].highlights);
                    hits[i].n_highlights = hits[k].n_highlights;
                }
            }
            if (!hits[i].snippet || (hits[k].n_highlights && !hits[i].highlights))
                return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
            return WD_OK;
        }
    }
    wd_sim_text *pass = NULL;
    int rc = wd_run_snippet(r, &hits[i], &pass, err);
    if (rc == WD_OK)
        support[i] = *hits[i].snippet ? wd_sim_cover(r->asked, pass) : 0;
    wd_sim_text_free(pass);
    return rc;
}

static int check_once(wd_searcher *s, void *vctx, wd_error *err)
{
    check *ck = vctx;
    const wd_coverage_opts *o = ck->o;
    wd_coverage *out = ck->out;
    double covered_at = o->covered_at >= 0 ? o->covered_at : WD_COVERED_AT;
    double partial_at = o->partial_at >= 0 ? o->partial_at : WD_PARTIAL_AT;
    wd_run r;
    wd_run_begin(&r, s, ck->so);
    int rc = wd_run_analyse(&r, ck->question, ck->len, err);
    if (rc == WD_OK && r.q.n)
        rc = wd_run_match(&r, r.o.n > WD_RERANK_DEPTH ? r.o.n : WD_RERANK_DEPTH, err);
    if (rc == WD_OK && r.m)
        rc = wd_run_rerank(&r, err);
    size_t n = r.m ? (r.nc < r.o.n ? r.nc : r.o.n) : 0;
    wd_hit *hits = wd_calloc(n ? n : 1, sizeof *hits);
    double *conf = wd_calloc(3 * (n ? n : 1), sizeof *conf), *qconf = conf + n,
           *support = qconf + n;
    if (rc == WD_OK && (!hits || !conf))
        rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    size_t made = 0;
    if (rc == WD_OK)
        rc = asked_view(&r, err);
    for (size_t i = 0; rc == WD_OK && i < n; i++) {
        rc = wd_run_hit(&r, (uint32_t)i, &hits[i], err);
        if (rc != WD_OK)
            break;
        made++;
        const wd_sim_text *view = cand_view(&r, (uint32_t)i, err);
        if (!view) {
            rc = err && err->code ? err->code : WD_ENOMEM;
            break;
        }
        qconf[i] = wd_sim_score(r.asked, view);
        if (i < SNIPPETED)
            rc = snippeted(&r, hits, i, support, err);
        conf[i] = confidence(qconf[i], support[i]);
    }
    long best = -1, second = -1;
    /* A candidate without a snippet counts without its answer's support. When
     * the best is one, cut its snippet, add the support and pick again (each
     * round cuts one, so this ends). The runner-up keeps what it has: it is
     * beyond the snippeted top in about two questions of three. */
    for (int round = 0; rc == WD_OK && n && round < 4; round++) {
        pick(hits, n, conf, covered_at, &best, &second);
        if (best < SNIPPETED || *hits[best].snippet)
            break;
        rc = snippeted(&r, hits, (size_t)best, support, err);
        if (rc != WD_OK || !*hits[best].snippet)
            break;
        conf[best] = confidence(qconf[best], support[best]);
    }
    if (rc == WD_OK && n)
        pick(hits, n, conf, covered_at, &best, &second);
    if (rc == WD_OK && n) {
        out->confidence = out->best_confidence = conf[best];
        int qa = hits[best].kind == WD_KIND_QA;
        out->verdict = conf[best] >= covered_at   ? (qa ? WD_COVERED : WD_PARTIAL)
                       : conf[best] >= partial_at ? WD_PARTIAL
                                                  : WD_UNCOVERED;
        out->best = take_hit(&hits[best]);
        if (!out->best)
            rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
        if (rc == WD_OK && second >= 0) {
            out->runner_up_confidence = conf[second];
            out->runner_up = take_hit(&hits[second]);
            if (!out->runner_up)
                rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
        }
        if (out->best)
            out->best->rank = 1;
        if (out->runner_up)
            out->runner_up->rank = 2;
    }
    /* The asked question's view goes to the caller (grouping the gaps). */
    if (rc == WD_OK) {
        out->asked = r.asked;
        r.asked = NULL;
    }
    for (size_t i = 0; i < made; i++)
        wd_hit_free(&hits[i]);
    wd_free(hits);
    wd_free(conf);
    wd_run_end(&r);
    if (rc != WD_OK)
        wd_coverage_clear(out);
    return rc;
}

int wd_coverage_check(wd_searcher *s, const char *question, size_t len,
                      const wd_coverage_opts *opts, wd_coverage *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    wd_coverage_opts o = opts ? *opts : (wd_coverage_opts)WD_COVERAGE_OPTS_INIT;
    wd_search_opts so = o.search ? *o.search : (wd_search_opts)WD_SEARCH_OPTS_INIT;
    so.n = o.candidates ? o.candidates : DEFAULT_CANDIDATES;
    so.offset = 0;
    so.snippet_chars = o.snippet_chars;
    so.snippets = SNIPPETED;
    check ck = { question, len, &o, &so, out };
    return wd_searcher_run(s, &so, check_once, &ck, err);
}
