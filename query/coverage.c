/*
 * coverage.c - the verdict on one question: is it covered by the index?
 *
 * BM25 (wd_search) only proposes candidates; it cannot say whether a
 * record answers the question, because its scores depend on the question's
 * length and the corpus. Each candidate is therefore re-scored with the
 * calibrated same-question confidence (similarity.c) of the asked question
 * against the record's question. The record's answer is the second
 * signal: when its snippet (the passage BM25 liked best) accounts for the
 * asked words, the confidence moves toward 1 by ANSWER_WEIGHT times that
 * share of the gap the question match leaves (p + (1 - p) * w * a). A
 * knowledge-base question worded unlike the asked one ("特困人员交医保吗"
 * against "低保人员需要交医保吗") is still covered when its answer speaks to
 * the question; an answer alone (p = 0) reaches at most ANSWER_WEIGHT.
 * Snippets are cut only for the candidates the search ranks first (it ranks
 * by question similarity too, so the best is among them for about 49
 * questions in 50) and for a best found further down.
 */
#include <string.h>

#include "wenda/corpus.h"
#include "wenda/coverage.h"

#define DEFAULT_CANDIDATES 8
/* Chosen with the thresholds (coverage.h) on the domain development split. */
#define ANSWER_WEIGHT 0.6
/* Candidates the search cuts a snippet for (the rest are fetched again only
 * when picked): cutting one analyses the record's whole answer, which was
 * most of the cost of a check. */
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
    memset(c, 0, sizeof *c);
}

/* The answer's share of the asked question's weight, via the features of
 * (asked, snippet): cov_a is how much of `asked` the snippet accounts for. */
static double answer_support(wd_sim *sim, const wd_sim_text *asked, const char *snippet,
                             wd_error *err, int *rc)
{
    if (!snippet || !*snippet)
        return 0;
    wd_sim_text *t = NULL;
    *rc = wd_sim_text_new(sim, snippet, strlen(snippet), &t, err);
    if (*rc != WD_OK)
        return 0;
    double f[WD_SIM_NFEATURES];
    wd_sim_score_features(asked, t, f);
    wd_sim_text_free(t);
    return f[0];
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

/* Best and runner-up by confidence: a record with an answer that reaches
 * covered_at wins over a question-only one. */
static void pick(const wd_results *r, const double *conf, double covered_at, long *best,
                 long *second)
{
    *best = *second = -1;
    for (size_t i = 0; i < r->n_hits; i++)
        if (r->hits[i].kind == WD_KIND_QA && conf[i] >= covered_at &&
            (*best < 0 || conf[i] > conf[*best]))
            *best = (long)i;
    if (*best < 0)
        for (size_t i = 0; i < r->n_hits; i++)
            if (*best < 0 || conf[i] > conf[*best])
                *best = (long)i;
    for (size_t i = 0; i < r->n_hits; i++)
        if ((long)i != *best && (*second < 0 || conf[i] > conf[*second]))
            *second = (long)i;
}

/* Cut the snippet of hit h (found at 1-based search rank h->rank) by asking
 * for that one hit again, with its snippet. The search is deterministic
 * (ties broken by id), so the hit at that rank is the same record; if the
 * index changed meanwhile and it is not, h keeps its empty snippet. */
static int fetch_snippet(wd_searcher *s, const char *q, size_t len, const wd_search_opts *base,
                         wd_hit *h, wd_error *err)
{
    wd_search_opts so = *base;
    so.offset = h->rank - 1;
    so.n = 1;
    so.snippets = 0;
    wd_results *r = NULL;
    int rc = wd_search(s, q, len, &so, &r, err);
    if (rc != WD_OK)
        return rc;
    if (r->n_hits == 1 && strcmp(r->hits[0].id, h->id) == 0) {
        wd_free(h->snippet);
        wd_free(h->highlights);
        h->snippet = r->hits[0].snippet;
        h->highlights = r->hits[0].highlights;
        h->n_highlights = r->hits[0].n_highlights;
        r->hits[0].snippet = NULL;
        r->hits[0].highlights = NULL;
        r->hits[0].n_highlights = 0;
    }
    wd_results_free(r);
    return WD_OK;
}

int wd_coverage_check(wd_searcher *s, wd_sim *sim, const char *question, size_t len,
                      const wd_coverage_opts *opts, wd_coverage *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    wd_coverage_opts o = opts ? *opts : (wd_coverage_opts)WD_COVERAGE_OPTS_INIT;
    double covered_at = o.covered_at >= 0 ? o.covered_at : WD_COVERED_AT;
    double partial_at = o.partial_at >= 0 ? o.partial_at : WD_PARTIAL_AT;
    wd_search_opts so = o.search ? *o.search : (wd_search_opts)WD_SEARCH_OPTS_INIT;
    so.n = o.candidates ? o.candidates : DEFAULT_CANDIDATES;
    so.offset = 0;
    so.snippet_chars = o.snippet_chars;
    so.snippets = SNIPPETED;
    wd_results *r = NULL;
    int rc = wd_search(s, question, len, &so, &r, err);
    if (rc != WD_OK)
        return rc;
    wd_sim_text *asked = NULL;
    double *conf = NULL, *qconf = NULL;
    if (r->n_hits) {
        rc = wd_sim_text_new(sim, question, len, &asked, err);
        conf = wd_calloc(2 * r->n_hits, sizeof *conf);
        qconf = conf + r->n_hits;
        if (rc == WD_OK && !conf)
            rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    }
    for (size_t i = 0; rc == WD_OK && i < r->n_hits; i++) {
        const wd_hit *h = &r->hits[i];
        wd_sim_text *t = NULL;
        rc = wd_sim_text_new(sim, h->question, strlen(h->question), &t, err);
        if (rc != WD_OK)
            break;
        double p = qconf[i] = wd_sim_score(asked, t);
        wd_sim_text_free(t);
        double a = answer_support(sim, asked, h->snippet, err, &rc);
        conf[i] = p + (1.0 - p) * ANSWER_WEIGHT * a;
    }
    long best = -1, second = -1;
    /* A candidate without a snippet counts without its answer's support.
     * When the best is one, cut its snippet, add the support and pick
     * again (each round cuts one, so this ends). The runner-up keeps what
     * the search gave it: it is beyond the snippeted top in about two
     * questions of three, and a search per question to cut its snippet
     * would cost more than the snippets saved. */
    for (int round = 0; rc == WD_OK && r->n_hits && round < 4; round++) {
        pick(r, conf, covered_at, &best, &second);
        if (best < SNIPPETED || *r->hits[best].snippet)
            break;
        rc = fetch_snippet(s, question, len, &so, &r->hits[best], err);
        if (rc != WD_OK || !*r->hits[best].snippet)
            break;
        double p = qconf[best];
        double a = answer_support(sim, asked, r->hits[best].snippet, err, &rc);
        conf[best] = p + (1.0 - p) * ANSWER_WEIGHT * a;
    }
    if (rc == WD_OK && r->n_hits)
        pick(r, conf, covered_at, &best, &second);
    if (rc == WD_OK && r->n_hits) {
        out->confidence = out->best_confidence = conf[best];
        int qa = r->hits[best].kind == WD_KIND_QA;
        out->verdict = conf[best] >= covered_at ? (qa ? WD_COVERED : WD_PARTIAL)
                       : conf[best] >= partial_at ? WD_PARTIAL
                                                  : WD_UNCOVERED;
        out->best = take_hit(&r->hits[best]);
        if (!out->best)
            rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
        if (rc == WD_OK && second >= 0) {
            out->runner_up_confidence = conf[second];
            out->runner_up = take_hit(&r->hits[second]);
            if (!out->runner_up)
                rc = wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
        }
        if (out->best)
            out->best->rank = 1;
        if (out->runner_up)
            out->runner_up->rank = 2;
    }
    wd_free(conf);
    wd_sim_text_free(asked);
    wd_results_free(r);
    if (rc != WD_OK)
        wd_coverage_clear(out);
    return rc;
}
