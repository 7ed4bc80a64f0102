/*
 * coverage.c - the verdict on one question: is it covered by the index?
 *
 * The searcher's candidates (one run of its pipeline, searcher.h) each have
 * an answer confidence (confidence.h): the estimated probability that the
 * record answers the question. The most confident candidate decides: a
 * record with an answer at or above covered_at covers the question; a
 * question-only record (a known question without an answer) at that level,
 * or any record between partial_at and covered_at, makes it partial; below
 * that it is uncovered. The best and the runner-up get their snippets.
 */
#include <string.h>

#include "confidence.h"
#include "searcher.h"

#define DEFAULT_CANDIDATES WD_JUDGED

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

/* Best and runner-up by confidence: a record with an answer that reaches
 * covered_at wins over a question-only one. */
static void pick(const wd_run *r, size_t n, const double *conf, double covered_at, long *best,
                 long *second)
{
    *best = *second = -1;
    for (size_t i = 0; i < n; i++)
        if (r->c[wd_run_judged(r, (uint32_t)i)].rec->rec.kind == WD_KIND_QA &&
            conf[i] >= covered_at && (*best < 0 || conf[i] > conf[*best]))
            *best = (long)i;
    if (*best < 0)
        for (size_t i = 0; i < n; i++)
            if (*best < 0 || conf[i] > conf[*best])
                *best = (long)i;
    for (size_t i = 0; i < n; i++)
        if ((long)i != *best && (*second < 0 || conf[i] > conf[*second]))
            *second = (long)i;
}

/* Candidate i as a hit of its own (rank 1 or 2), with its snippet. */
static int take(wd_run *r, long i, uint32_t rank, wd_hit **out, wd_error *err)
{
    wd_hit *h = wd_calloc(1, sizeof *h);
    if (!h)
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    int rc = wd_run_hit(r, (uint32_t)i, h, err);
    if (rc == WD_OK)
        rc = wd_run_snippet(r, (uint32_t)i, h, NULL, err);
    if (rc != WD_OK) {
        wd_hit_free(h);
        wd_free(h);
        return rc;
    }
    h->rank = rank;
    *out = h;
    return WD_OK;
}

typedef struct check {
    const char *question;
    size_t len;
    const wd_coverage_opts *o;
    const wd_search_opts *so;
    wd_coverage *out;
} check;

static int check_once(wd_searcher *s, void *vctx, wd_error *err)
{
    check *ck = vctx;
    const wd_coverage_opts *o = ck->o;
    wd_coverage *out = ck->out;
    double covered_at = o->covered_at >= 0 ? o->covered_at : s->cal.covered_at;
    double partial_at = o->partial_at >= 0 ? o->partial_at : s->cal.partial_at;
    wd_run r;
    wd_run_begin(&r, s, ck->so);
    int rc = wd_run_analyse(&r, ck->question, ck->len, err);
    if (rc == WD_OK && r.q.n)
        rc = wd_run_match(&r, r.o.n > WD_RERANK_DEPTH ? r.o.n : WD_RERANK_DEPTH, err);
    if (rc == WD_OK && r.m)
        rc = wd_run_rerank(&r, err);
    size_t n = r.m ? (r.nc < r.o.n ? r.nc : r.o.n) : 0;
    double *conf = wd_calloc(n ? n : 1, sizeof *conf);
    if (rc == WD_OK && !conf)
        rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    /* The candidates in the order the confidence reads them (searcher.h). */
    for (size_t i = 0; rc == WD_OK && i < n; i++)
        rc = wd_conf_of(&r, wd_run_judged(&r, (uint32_t)i), &conf[i], err);
    long best = -1, second = -1;
    if (rc == WD_OK && n)
        pick(&r, n, conf, covered_at, &best, &second);
    if (rc == WD_OK && n) {
        out->confidence = out->best_confidence = conf[best];
        int qa = r.c[wd_run_judged(&r, (uint32_t)best)].rec->rec.kind == WD_KIND_QA;
        out->verdict = conf[best] >= covered_at   ? (qa ? WD_COVERED : WD_PARTIAL)
                       : conf[best] >= partial_at ? WD_PARTIAL
                                                  : WD_UNCOVERED;
        rc = take(&r, wd_run_judged(&r, (uint32_t)best), 1, &out->best, err);
        if (rc == WD_OK && second >= 0) {
            out->runner_up_confidence = conf[second];
            rc = take(&r, wd_run_judged(&r, (uint32_t)second), 2, &out->runner_up, err);
        }
    }
    /* The asked question's view goes to the caller (grouping the gaps). */
    if (rc == WD_OK && !wd_conf_asked(&r, err))
        rc = err && err->code ? err->code : WD_ENOMEM;
    if (rc == WD_OK)
        rc = wd_termstats_check(r.stats, err);
    if (rc == WD_OK) {
        out->asked = r.asked;
        r.asked = NULL;
    }
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
    check ck = { question, len, &o, &so, out };
    return wd_searcher_run(s, &so, check_once, &ck, err);
}
