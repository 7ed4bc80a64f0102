/*
 * reccache.c - the record cache (reccache.h): two generations of
 * open-addressing tables keyed by docid.
 */
#include <string.h>

#include "hash.h"
#include "reccache.h"
#include "schema.h"
#include "wenda/search.h"

#define REC_MIN_BYTES 2048 /* a generation holds at most a record per this much of it */
#define REC_MALLOC_COST 24 /* about what an allocation costs beyond its size */

static void rec_free(wd_rec *r)
{
    if (!r)
        return;
    if (r->norm != r->rec.answer) /* else it shares the answer's bytes, in mem */
        wd_free(r->norm);
    wd_free(r->spans);
    wd_free(r->mem);
    wd_qtext_free(&r->q);
    wd_free(r->idf);
    wd_sim_text_free(r->sim);
    wd_sim_text_free(r->asim);
    wd_free(r);
}

/* A slot of the old generation whose entry moved to the current one (Xapian
 * docids start at 1, so its docid 0 matches nothing and probing goes on). */
static wd_rec moved;

static void table_free(wd_rectable *t)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i] != &moved)
            rec_free(t->slots[i]);
    wd_free(t->slots);
    memset(t, 0, sizeof *t);
}

void wd_reccache_free(wd_reccache *c)
{
    table_free(&c->cur);
    table_free(&c->old);
    c->layer = 0;
    c->stamped = 0;
}

void wd_reccache_tidy(wd_reccache *c)
{
    size_t half = (c->budget ? c->budget : (size_t)WD_RECORD_CACHE_MB << 20) / 2;
    if (c->cur.n < half / REC_MIN_BYTES && c->cur.bytes < half)
        return;
    table_free(&c->old);
    c->old = c->cur;
    memset(&c->cur, 0, sizeof c->cur);
}

static size_t slot_of(const wd_rectable *t, uint32_t did)
{
    size_t j = (did * 2654435761u) & (t->cap - 1);
    while (t->slots[j] && t->slots[j]->did != did)
        j = (j + 1) & (t->cap - 1);
    return j;
}

static int table_grow(wd_rectable *t)
{
    wd_rectable bigger = *t;
    bigger.cap = t->cap ? t->cap * 2 : 64;
    bigger.slots = wd_calloc(bigger.cap, sizeof *bigger.slots);
    if (!bigger.slots)
        return WD_ENOMEM;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i])
            bigger.slots[slot_of(&bigger, t->slots[i]->did)] = t->slots[i];
    wd_free(t->slots);
    *t = bigger;
    return WD_OK;
}

/* What wd_rec_same_question and wd_rec_same_answer compare first: the hash
 * of a short text, else of its length and its first and last 64 bytes
 * (equal texts have equal prints; the comparison after a match decides). An
 * answer of a few kilobytes is not hashed whole for it. */
static uint64_t text_print(const char *s, size_t len)
{
    if (len <= 128)
        return wd_hash_bytes(s, len);
    uint64_t h = wd_fnv1a64(s, 64, WD_FNV_OFFSET);
    h = wd_fnv1a64(s + len - 64, 64, h);
    return wd_fnv1a64(&len, sizeof len, h);
}

static int decode(wd_rec **out, uint32_t did, wd_rec_data_fn get_data, void *ctx, wd_error *err)
{
    wd_rec *r = wd_calloc(1, sizeof *r);
    if (!r)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    char *data = NULL;
    size_t dlen = 0;
    int rc = get_data(ctx, &data, &dlen, err);
    if (rc == WD_OK)
        rc = wd_record_decode(data, dlen, &r->rec, &r->mem, err);
    wd_free(data);
    if (rc != WD_OK) {
        rec_free(r);
        return rc;
    }
    r->did = did;
    size_t ql = strlen(r->rec.question), al = strlen(r->rec.answer);
    r->qhash = text_print(r->rec.question, ql);
    r->ahash = text_print(r->rec.answer, al);
    r->bytes = sizeof *r + dlen + 2 * REC_MALLOC_COST;
    *out = r;
    return WD_OK;
}

int wd_reccache_get(wd_reccache *c, uint32_t did, wd_rec_data_fn get_data, void *ctx, wd_rec **out,
                    wd_error *err)
{
    *out = NULL;
    wd_rectable *t = &c->cur;
    if (t->cap) {
        wd_rec *r = t->slots[slot_of(t, did)];
        if (r) {
            c->hits++;
            *out = r;
            return WD_OK;
        }
    }
    if ((t->n + 1) * 2 > t->cap && table_grow(t) != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    wd_rec *r = NULL;
    if (c->old.cap) {
        size_t j = slot_of(&c->old, did);
        if ((r = c->old.slots[j])) {
            c->old.slots[j] = &moved;
            c->old.n--;
            c->old.bytes -= r->bytes;
            c->hits++;
        }
    }
    if (!r) {
        int rc = decode(&r, did, get_data, ctx, err);
        if (rc != WD_OK)
            return rc;
        c->misses++;
    }
    t->slots[slot_of(t, did)] = r;
    t->n++;
    t->bytes += r->bytes;
    *out = r;
    return WD_OK;
}

void wd_reccache_charge(wd_reccache *c, wd_rec *r, size_t bytes)
{
    r->bytes += bytes + REC_MALLOC_COST;
    c->cur.bytes += bytes + REC_MALLOC_COST;
}

int wd_reccache_stored_question(wd_rec *r, const xc_mset *m, uint32_t i, uint64_t stamp,
                                size_t *bytes, wd_error *err)
{
    char *v = NULL;
    size_t vlen = 0;
    int rc = xc_mset_value(m, i, WD_VALUE_QUESTION, &v, &vlen, err);
    if (rc != WD_OK)
        return rc;
    const char *question = r->rec.question;
    rc = wd_qtext_decode(v, vlen, question, strlen(question), stamp, &r->q, bytes);
    wd_free(v);
    if (rc == WD_ENOMEM)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    /* A stored form cut short is no reason to fail a search: the question
     * can still be analysed. */
    return rc == WD_OK ? WD_OK : WD_ENOTFOUND;
}

const char *wd_rec_answer_norm(wd_reccache *c, wd_analyzer *an, wd_rec *rec, size_t *len)
{
    const char *answer = rec->rec.answer;
    if (!*answer)
        return NULL;
    if (!rec->normalised) {
        size_t alen = strlen(answer);
        if (wd_normalize_spans(an, answer, alen, &rec->norm, &rec->nlen, &rec->spans, &rec->nspans,
                               NULL) != WD_OK)
            return NULL;
        rec->normalised = 1;
        if (!rec->spans && rec->nlen == alen && memcmp(rec->norm, answer, alen) == 0) {
            wd_free(rec->norm); /* the answer says it as it is: share its bytes */
            rec->norm = (char *)answer;
        } else {
            wd_reccache_charge(c, rec, rec->nlen + 1);
        }
        if (rec->spans)
            wd_reccache_charge(c, rec, rec->nspans * 2 * sizeof *rec->spans);
    }
    *len = rec->nlen;
    return rec->norm;
}
