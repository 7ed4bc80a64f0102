/*
 * facets.c - facet counts (wd_search_opts.facets): Xapian counts the value
 * of each facet's slot (schema.h: source, kind, date) over every record the
 * match holds, filters applied, while it matches; the year facet adds up
 * the dates by their first four characters, and an extra field's facet
 * counts that field's values in the slot that holds them all. The whole match is looked at,
 * not just its top, so the counts are those of the matching set (whose size
 * the posting budget of match.c bounds).
 */
#include <stdlib.h>
#include <string.h>

#include "facets.h"
#include "filter.h"
#include "schema.h"

typedef struct facet_def {
    const char *name;
    unsigned slot;
    size_t cut;        /* count values by their first `cut` bytes (0: whole) */
    const char *field; /* an extra field's name (slot WD_VALUE_FIELDS), else NULL */
} facet_def;

static const facet_def defs[] = {
    { "source", WD_VALUE_SOURCE, 0, NULL },
    { "kind", WD_VALUE_KIND, 0, NULL },
    { "year", WD_VALUE_DATE, 4, NULL },
};
#define NDEFS (sizeof defs / sizeof *defs)

/* Values a slot's counter hands over at most (a year facet adds up dates). */
#define MAX_RAW_VALUES 100000

/* The facet a name asks for: one of defs, or an extra field (into *own,
 * its name into buf). NULL when the name can be neither. */
static const facet_def *facet_def_of(const char *name, size_t len, facet_def *own, char *buf)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (strlen(defs[i].name) == len && memcmp(defs[i].name, name, len) == 0)
            return &defs[i];
    if (!wd_field_name_ok(name, len))
        return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    *own = (facet_def){ buf, WD_VALUE_FIELDS, 0, buf };
    return own;
}

int wd_facet_known(const char *name, size_t len)
{
    facet_def own;
    char buf[WD_FIELD_NAME_MAX + 1];
    return facet_def_of(name, len, &own, buf) != NULL;
}

/* Each name of a comma-separated list; fn's non-zero return stops. */
static int each_name(const char *list, int (*fn)(void *, const char *, size_t), void *ctx)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        int rc = n ? fn(ctx, p, n) : 0;
        if (rc)
            return rc;
        p += n;
        if (*p)
            p++;
    }
    return 0;
}

/* The facet a name asks for, or NULL with the error that names the ones
 * there are. */
static const facet_def *facet_named(const char *name, size_t len, facet_def *own, char *buf,
                                    wd_error *err)
{
    const facet_def *d = facet_def_of(name, len, own, buf);
    if (!d)
        wd_error_set(err, WD_EINVAL, "search",
                     "facets: no facet '%.*s' (there are source, kind, year and the index's extra "
                     "fields)",
                     (int)(len > 64 ? 64 : len), name);
    return d;
}

typedef struct prep_ctx {
    wd_run *r;
    wd_error *err;
    unsigned added; /* bit per slot */
} prep_ctx;

static int prepare_one(void *vctx, const char *name, size_t len)
{
    prep_ctx *c = vctx;
    facet_def own;
    char buf[WD_FIELD_NAME_MAX + 1];
    const facet_def *d = facet_named(name, len, &own, buf, c->err);
    if (!d)
        return c->err && c->err->code ? c->err->code : WD_EINVAL;
    if (d->field) {
        int rc = wd_filter_need_field(c->r, d->field, c->err);
        if (rc != WD_OK)
            return rc;
        /* named twice: counted once */
        for (const char *p = c->r->o.facets; p < name;) {
            size_t n = strcspn(p, ",");
            if (n == len && memcmp(p, name, len) == 0)
                return WD_OK;
            p += n + (p[n] == ',');
        }
        return xc_enquire_add_facet(c->r->e, d->slot, d->field, c->err);
    }
    if (c->added & (1u << d->slot))
        return WD_OK;
    c->added |= 1u << d->slot;
    return xc_enquire_add_facet(c->r->e, d->slot, NULL, c->err);
}

int wd_facets_prepare(wd_run *r, wd_error *err)
{
    int rc = wd_filter_need_values(r, "facets", err);
    prep_ctx c = { r, err, 0 };
    return rc == WD_OK ? each_name(r->o.facets, prepare_one, &c) : rc;
}

typedef struct collect_ctx {
    const facet_def *d;
    wd_facet *f;
    int oom;
} collect_ctx;

static int add_count(void *vctx, const char *value, size_t len, uint32_t count)
{
    collect_ctx *c = vctx;
    wd_facet *f = c->f;
    if (c->d->cut && len > c->d->cut)
        len = c->d->cut;
    for (size_t i = 0; c->d->cut && i < f->n_values; i++)
        if (strlen(f->values[i].value) == len && memcmp(f->values[i].value, value, len) == 0) {
            f->values[i].count += count;
            return 0;
        }
    wd_facet_value *v = wd_realloc(f->values, (f->n_values + 1) * sizeof *v);
    if (!v)
        return c->oom = WD_ENOMEM;
    f->values = v;
    if (!(v[f->n_values].value = wd_strndup(value, len)))
        return c->oom = WD_ENOMEM;
    v[f->n_values++].count = count;
    return 0;
}

/* Most first, then by value. */
static int by_count(const void *a, const void *b)
{
    const wd_facet_value *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

typedef struct collect_all {
    wd_run *r;
    wd_results *res;
    wd_error *err;
} collect_all;

static int collect_one(void *vctx, const char *name, size_t len)
{
    collect_all *a = vctx;
    facet_def own;
    char buf[WD_FIELD_NAME_MAX + 1];
    const facet_def *d = facet_named(name, len, &own, buf, a->err);
    if (!d)
        return a->err && a->err->code ? a->err->code : WD_EINVAL;
    for (size_t i = 0; i < a->res->n_facets; i++)
        if (strcmp(a->res->facets[i].name, d->name) == 0)
            return WD_OK; /* named twice */
    wd_facet *fs = wd_realloc(a->res->facets, (a->res->n_facets + 1) * sizeof *fs);
    if (!fs)
        return wd_error_set(a->err, WD_ENOMEM, "search", "out of memory");
    a->res->facets = fs;
    wd_facet *f = &fs[a->res->n_facets];
    memset(f, 0, sizeof *f);
    if (!(f->name = wd_strdup(d->name)))
        return wd_error_set(a->err, WD_ENOMEM, "search", "out of memory");
    a->res->n_facets++;
    collect_ctx c = { d, f, 0 };
    /* No match (a question of no words): every count is 0. */
    int rc = !a->r->e ? WD_OK
                      : xc_enquire_facet_each(a->r->e, d->slot, d->field,
                                              d->cut ? MAX_RAW_VALUES : WD_FACET_MAX_VALUES,
                                              add_count, &c, a->err);
    if (c.oom)
        return wd_error_set(a->err, WD_ENOMEM, "search", "out of memory");
    if (rc != WD_OK)
        return rc;
    if (f->n_values)
        qsort(f->values, f->n_values, sizeof *f->values, by_count);
    for (size_t i = WD_FACET_MAX_VALUES; i < f->n_values; i++)
        wd_free(f->values[i].value);
    if (f->n_values > WD_FACET_MAX_VALUES)
        f->n_values = WD_FACET_MAX_VALUES;
    return WD_OK;
}

int wd_facets_collect(wd_run *r, wd_results *res, wd_error *err)
{
    if (!r->o.facets)
        return WD_OK;
    collect_all a = { r, res, err };
    return each_name(r->o.facets, collect_one, &a);
}

void wd_facets_free(wd_facet *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < f[i].n_values; k++)
            wd_free(f[i].values[k].value);
        wd_free(f[i].values);
        wd_free(f[i].name);
    }
    wd_free(f);
}
