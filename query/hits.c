/*
 * hits.c - the last stage of a search (searcher.h): the page of candidates
 * as hits, each a copy of its record with a highlighted snippet of its
 * answer (and, with explain, the terms it matched); and the functions that
 * free results.
 *
 * A snippet analyses nothing: the answer is normalised (by the record
 * cache, which keeps it for the re-ranking too) and the asked question's
 * words are looked for in it (snippet.c). Records whose question
 * and answer repeat an earlier hit's take its snippet.
 */
#include <string.h>

#include "confidence.h"
#include "facets.h"
#include "fold.h"
#include "rank.h"
#include "searcher.h"

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
    wd_free(h->features);
    for (size_t i = 0; i < h->n_more; i++)
        wd_free(h->more[i]);
    wd_free(h->more);
    for (size_t i = 0; i < h->n_fields; i++) {
        wd_free((char *)h->fields[i].name);
        wd_free((char *)h->fields[i].value);
    }
    wd_free(h->fields);
    wd_free(h->rank_features);
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
    wd_free(r->read_as);
    for (size_t i = 0; i < r->n_missing; i++)
        wd_free(r->missing_shards[i]);
    wd_free(r->missing_shards);
    wd_facets_free(r->facets, r->n_facets);
    wd_associations_free(r->assoc, r->n_assoc);
    wd_free(r);
}

int wd_hit_from_record(wd_hit *h, const wd_record *rec, wd_error *err)
{
    memset(h, 0, sizeof *h);
    h->kind = rec->kind;
    h->id = wd_strdup(rec->id);
    h->question = wd_strdup(rec->question);
    h->answer = wd_strdup(rec->answer);
    h->source = wd_strdup(rec->source);
    h->date = rec->date ? wd_strdup(rec->date) : NULL;
    int ok = h->id && h->question && h->answer && h->source && (!rec->date || h->date);
    if (ok && rec->n_fields) {
        ok = (h->fields = wd_calloc(rec->n_fields, sizeof *h->fields)) != NULL;
        for (size_t i = 0; ok && i < rec->n_fields; i++) {
            h->fields[i].name = wd_strdup(rec->fields[i].name);
            h->fields[i].value = wd_strdup(rec->fields[i].value);
            h->n_fields++;
            ok = h->fields[i].name && h->fields[i].value;
        }
    }
    if (!ok) {
        wd_hit_free(h);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    return WD_OK;
}

/* h's snippet cut from its answer as the record cache normalised it (rec
 * given: norm and its map), else normalised here (an). */
static int cut(wd_analyzer *an, wd_reccache *recs, wd_rec *rec, wd_hit *h, const wd_termset *hl,
               uint32_t chars, wd_sim_text **pass, wd_error *err)
{
    /* The answer, unless it is empty; a question-kind record's description is its answer. */
    const char *text = h->answer && *h->answer ? h->answer : h->question;
    size_t len = strlen(text), nlen = 0;
    const char *norm = rec && text == h->answer ? wd_rec_answer_norm(recs, an, rec, &nlen) : NULL;
    uint32_t *cps = NULL;
    size_t ncps = 0;
    wd_free(h->snippet);
    wd_free(h->highlights);
    h->snippet = NULL;
    h->highlights = NULL;
    h->n_highlights = 0;
    /* h's answer is a copy of rec's, so rec's map fits it. */
    int rc = norm ? wd_snippet_make_from(text, len, norm, nlen, rec->spans, rec->nspans, hl, chars,
                                         &h->snippet, &h->highlights, &h->n_highlights,
                                         pass ? &cps : NULL, &ncps, err)
                  : wd_snippet_make_norm(an, text, len, hl, chars, &h->snippet, &h->highlights,
                                         &h->n_highlights, pass ? &cps : NULL, &ncps, err);
    if (rc == WD_OK && pass && wd_sim_text_from_chars(cps, ncps, pass) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    wd_free(cps);
    return rc;
}

int wd_hit_snippet(wd_analyzer *an, wd_hit *h, const wd_termset *hl, uint32_t chars,
                   wd_sim_text **pass, wd_error *err)
{
    return cut(an, NULL, NULL, h, hl, chars, pass, err);
}

static int copy_snippet(wd_hit *h, const wd_hit *from, wd_error *err)
{
    wd_free(h->snippet);
    h->snippet = wd_strdup(from->snippet);
    if (from->n_highlights) {
        h->highlights = wd_malloc(from->n_highlights * sizeof *h->highlights);
        if (h->highlights) {
            memcpy(h->highlights, from->highlights, from->n_highlights * sizeof *h->highlights);
            h->n_highlights = from->n_highlights;
        }
    }
    if (!h->snippet || (from->n_highlights && !h->highlights))
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    return WD_OK;
}

const char *wd_hit_feature_name(int i)
{
    return wd_conf_feature_name(i);
}

const char *wd_hit_rank_feature_name(int i)
{
    return wd_rank_feature_name(i);
}

int wd_run_hit(wd_run *r, uint32_t i, wd_hit *h, wd_error *err)
{
    const wd_cand *c = &r->c[i];
    int rc = wd_hit_from_record(h, &c->rec->rec, err);
    if (rc != WD_OK)
        return rc;
    h->rank = i + 1;
    h->score = r->t.question_similarity_share > 0 || r->t.learned_ranking > 0 ? c->score : c->bm25;
    if (r->o.features) {
        /* The features as well: the searcher's caller asked for them. */
        double f[WD_CONF_NFEATURES];
        rc = wd_conf_features(r, i, f, err);
        if (rc == WD_OK && !(h->features = wd_malloc(sizeof f)))
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        if (rc == WD_OK) {
            memcpy(h->features, f, sizeof f);
            h->confidence = r->c[i].conf = wd_conf_predict(f, NULL);
        }
        double rf[WD_RANK_NFEATURES];
        if (rc == WD_OK)
            rc = wd_rank_features(r, i, rf, err);
        if (rc == WD_OK && !(h->rank_features = wd_malloc(sizeof rf)))
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        if (rc == WD_OK)
            memcpy(h->rank_features, rf, sizeof rf);
    } else {
        rc = wd_conf_of(r, i, &h->confidence, err);
    }
    if (rc == WD_OK && !(h->snippet = wd_strdup("")))
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (rc != WD_OK)
        wd_hit_free(h);
    return rc;
}

int wd_run_snippet(wd_run *r, uint32_t i, wd_hit *h, wd_sim_text **pass, wd_error *err)
{
    return cut(r->s->an, r->recs, r->c[i].rec, h, &r->hl, r->o.snippet_chars, pass, err);
}

struct explain_ctx {
    wd_hit *h;
    const xc_mset *m;
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

/* A hit of the page i earlier with the same question and answer, whose
 * snippet is this one's (the same text cuts the same snippet). */
static const wd_hit *twin_of(const wd_run *r, const wd_results *res, size_t i)
{
    const wd_rec *rec = r->c[r->o.offset + i].rec;
    for (size_t k = 0; k < i; k++) {
        const wd_rec *o = r->c[r->o.offset + k].rec;
        if (wd_rec_same_answer(o, rec) && wd_rec_same_question(o, rec))
            return &res->hits[k];
    }
    return NULL;
}

/* Whether the question is answered: a candidate among the first
 * WD_JUDGED (those coverage judges) or on the page reaches min_confidence. */
static int answered(wd_run *r, const wd_results *res, int *out, wd_error *err)
{
    *out = 0;
    for (size_t i = 0; i < res->n_hits && !*out; i++)
        *out = res->hits[i].confidence >= res->min_confidence;
    for (uint32_t i = 0; i < r->nc && i < WD_JUDGED && !*out; i++) {
        double c;
        int rc = wd_conf_of(r, wd_run_judged(r, i), &c, err);
        if (rc != WD_OK)
            return rc;
        *out = c >= res->min_confidence;
    }
    return WD_OK;
}

int wd_run_hits(wd_run *r, wd_results *res, wd_error *err)
{
    uint32_t shown = r->o.distinct ? r->nkept : r->nc; /* folded ones are not (fold.c) */
    uint32_t n = shown > r->o.offset ? shown - r->o.offset : 0;
    if (n > r->o.n)
        n = r->o.n;
    res->min_confidence = r->o.min_confidence >= 0 ? r->o.min_confidence : r->s->cal.covered_at;
    res->hits = wd_calloc(n ? n : 1, sizeof *res->hits);
    if (!res->hits)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    int rc = WD_OK;
    for (uint32_t i = 0; rc == WD_OK && i < n; i++) {
        wd_hit *h = &res->hits[i];
        rc = wd_run_hit(r, r->o.offset + i, h, err);
        if (rc != WD_OK)
            break;
        res->n_hits++;
        /* Only the first o.snippets hits get a snippet (0: all). */
        if (!r->o.snippets || i < r->o.snippets) {
            const wd_hit *twin = twin_of(r, res, i);
            rc = twin ? copy_snippet(h, twin, err)
                      : wd_run_snippet(r, r->o.offset + i, h, NULL, err);
        }
        if (rc == WD_OK && r->o.distinct)
            rc = wd_fold_ids(r, r->o.offset + i, h, err);
        if (rc == WD_OK && r->o.explain) {
            struct explain_ctx ec = { h, r->m };
            xc_docid did = xc_mset_docid(r->m, r->c[r->o.offset + i].mset_index);
            rc = xc_enquire_matching_terms(r->e, did, explain_term, &ec, err);
            if (rc == WD_ENOMEM)
                wd_error_set(err, rc, "search", "out of memory");
        }
    }
    if (rc == WD_OK)
        rc = answered(r, res, &res->answered, err);
    return rc;
}
