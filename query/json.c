/*
 * json.c - the stable JSON forms of results, hits and errors that the CLI
 * and the service both print. UTF-8 is written as is (no \u escapes).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wenda/record.h"
#include "wenda/search.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

static double round_to(double x, double unit)
{
    return round(x / unit) * unit;
}

static json_t *hit_json(const wd_hit *h, int full)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "rank", json_integer(h->rank));
    json_object_set_new(o, "id", json_string(h->id));
    json_object_set_new(o, "question", json_string(h->question));
    json_object_set_new(o, "kind", json_string(wd_record_kind_name(h->kind)));
    json_object_set_new(o, "score", json_real(round_to(h->score, 1e-6)));
    json_object_set_new(o, "confidence", json_real(round_to(h->confidence, 1e-4)));
    json_object_set_new(o, "snippet", json_string(h->snippet ? h->snippet : ""));
    json_t *hl = json_array();
    for (size_t i = 0; i < h->n_highlights; i++)
        json_array_append_new(hl, json_pack("[I,I]", (json_int_t)h->highlights[i][0],
                                            (json_int_t)h->highlights[i][1]));
    json_object_set_new(o, "highlights", hl);
    json_object_set_new(o, "source", json_string(h->source ? h->source : ""));
    if (h->date)
        json_object_set_new(o, "date", json_string(h->date));
    if (full)
        json_object_set_new(o, "answer", json_string(h->answer ? h->answer : ""));
    if (h->features) {
        json_t *fs = json_object();
        for (int i = 0; i < WD_HIT_NFEATURES; i++)
            json_object_set_new(fs, wd_hit_feature_name(i),
                                json_real(round_to(h->features[i], 1e-6)));
        json_object_set_new(o, "features", fs);
    }
    if (h->n_fields) {
        json_t *fs = json_object();
        for (size_t i = 0; i < h->n_fields; i++)
            json_object_set_new(fs, h->fields[i].name, json_string(h->fields[i].value));
        json_object_set_new(o, "fields", fs);
    }
    if (h->n_more) {
        json_t *more = json_array();
        for (size_t i = 0; i < h->n_more; i++)
            json_array_append_new(more, json_string(h->more[i]));
        json_object_set_new(o, "more_like_this", more);
    }
    if (h->n_explain) {
        json_t *ex = json_array();
        for (size_t i = 0; i < h->n_explain; i++)
            json_array_append_new(ex, json_pack("{s:s,s:f}", "term", h->explain[i].term, "weight",
                                                round_to(h->explain[i].weight, 1e-6)));
        json_object_set_new(o, "explain", ex);
    }
    return o;
}

static int dump_into(json_t *o, wd_buf *out)
{
    if (!o)
        return WD_ENOMEM;
    char *s = json_dumps(o, DUMP_FLAGS);
    json_decref(o);
    if (!s)
        return WD_ENOMEM;
    int rc = wd_buf_puts(out, s);
    free(s);
    return rc;
}

int wd_hit_to_json(const wd_hit *h, int full, wd_buf *out)
{
    return dump_into(hit_json(h, full), out);
}

int wd_results_to_json(const wd_results *r, int full, wd_buf *out)
{
    json_t *o = json_object();
    if (!o)
        return WD_ENOMEM;
    json_object_set_new(o, "query", json_string(r->query ? r->query : ""));
    if (r->read_as)
        json_object_set_new(o, "read_as", json_string(r->read_as));
    json_object_set_new(o, "took_ms", json_real(round_to(r->took_ms, 1e-3)));
    json_object_set_new(o, "total", json_integer(r->total));
    json_object_set_new(o, "answered", json_boolean(r->answered));
    json_object_set_new(o, "min_confidence", json_real(round_to(r->min_confidence, 1e-4)));
    json_t *hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++)
        json_array_append_new(hits, hit_json(&r->hits[i], full));
    json_object_set_new(o, "hits", hits);
    if (r->parsed)
        json_object_set_new(o, "parsed", json_string(r->parsed));
    if (r->n_assoc) {
        json_t *as = json_array();
        for (size_t i = 0; i < r->n_assoc; i++)
            json_array_append_new(as, json_pack("{s:s,s:s,s:s,s:f,s:f}", "word", r->assoc[i].word,
                                                "associated", r->assoc[i].other, "kind",
                                                wd_association_kind_name(r->assoc[i].kind),
                                                "weight", round_to(r->assoc[i].weight, 1e-4),
                                                "scale", round_to(r->assoc[i].scale, 1e-4)));
        json_object_set_new(o, "associations", as);
    }
    if (r->trimmed)
        json_object_set_new(o, "trimmed", json_true());
    if (r->partial) {
        json_object_set_new(o, "partial", json_true());
        json_t *miss = json_array();
        for (size_t i = 0; i < r->n_missing; i++)
            json_array_append_new(miss, json_string(r->missing_shards[i]));
        json_object_set_new(o, "missing_shards", miss);
    }
    if (r->facets) {
        json_t *fs = json_object();
        for (size_t i = 0; i < r->n_facets; i++) {
            json_t *vs = json_object();
            for (size_t k = 0; k < r->facets[i].n_values; k++)
                json_object_set_new(vs, r->facets[i].values[k].value,
                                    json_integer(r->facets[i].values[k].count));
            json_object_set_new(fs, r->facets[i].name, vs);
        }
        json_object_set_new(o, "facets", fs);
    }
    return dump_into(o, out);
}

int wd_error_to_json(const wd_error *err, wd_buf *out)
{
    /* A message quoting bad input (a path, a line) or cut inside a character
     * must still print: bytes that are not UTF-8 are shown as '?'. */
    char msg[sizeof err->message];
    memcpy(msg, err->message, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    wd_utf8_scrub(msg);
    return dump_into(
        json_pack("{s:{s:s,s:s}}", "error", "code", wd_code_name(err->code), "message", msg), out);
}
