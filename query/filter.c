/*
 * filter.c - the filters of a search (wd_search_opts: source, kind, date
 * range) as one boolean Xapian query the match is filtered by, and the date
 * sort of the ranked matches.
 *
 * A source filter is a prefix, or a glob when it holds '*': the index's
 * source terms (XS + source) that start with its literal head are listed
 * and those it matches are OR-ed (a source over WD_MAX_KEY_TERM bytes is
 * indexed by a hash and can only be named whole). The kind is its K term;
 * the date range a range over the date value (YYYY-MM-DD compares as text),
 * which indexes written before schema 3 lack, so asking them for one is an
 * error that says to rebuild rather than an empty answer.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confidence.h"
#include "filter.h"
#include "schema.h"

/* Sources a filter may name at most (the OR of their terms). */
#define MAX_SOURCES 10000

int wd_filter_date_ok(const char *d)
{
    static const char shape[] = "dddd-dd-dd";
    if (!d || strlen(d) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? (d[i] < '0' || d[i] > '9') : d[i] != shape[i])
            return 0;
    int month = (d[5] - '0') * 10 + (d[6] - '0');
    int day = (d[8] - '0') * 10 + (d[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

typedef struct source_ctx {
    const char *pattern; /* the glob, or NULL for a prefix */
    xc_query **terms;
    size_t n;
    int rc;
} source_ctx;

static int source_term(void *vctx, const char *term, size_t len, uint32_t tf)
{
    (void)tf;
    source_ctx *c = vctx;
    if (c->pattern) {
        char *src = wd_strndup(term + strlen(WD_PREFIX_SOURCE), len - strlen(WD_PREFIX_SOURCE));
        if (!src)
            return c->rc = WD_ENOMEM;
        int match = fnmatch(c->pattern, src, 0) == 0;
        wd_free(src);
        if (!match)
            return 0;
    }
    if (c->n == MAX_SOURCES)
        return c->rc = WD_ESTOP;
    int rc = xc_query_term(&c->terms[c->n], term, len, 1, 0, NULL);
    if (rc != WD_OK)
        return c->rc = rc;
    c->n++;
    return 0;
}

/* OR of the source terms the filter names (nothing matches when none). */
static int source_query(wd_run *r, xc_query **out, wd_error *err)
{
    const char *f = r->o.source;
    size_t head = strcspn(f, "*?[");
    source_ctx c = { f[head] ? f : NULL, wd_calloc(MAX_SOURCES, sizeof(xc_query *)), 0, WD_OK };
    wd_buf prefix = WD_BUF_INIT;
    wd_buf_puts(&prefix, WD_PREFIX_SOURCE);
    wd_buf_append(&prefix, f, head);
    int rc = !c.terms || prefix.oom ? wd_error_set(err, WD_ENOMEM, "search", "out of memory")
                                    : xc_db_allterms(r->s->db, prefix.data, source_term, &c, err);
    if (c.rc == WD_ESTOP)
        rc = wd_error_set(err, WD_EINVAL, "search",
                          "source filter '%s' names more than %d sources; name fewer", f,
                          MAX_SOURCES);
    else if (c.rc != WD_OK)
        rc = wd_error_set(err, c.rc, "search", "out of memory");
    if (rc == WD_OK && c.n == 0) /* no such source: a term no document holds */
        rc = xc_query_term(&c.terms[c.n++], WD_PREFIX_SOURCE "#none", 7, 1, 0, err);
    if (rc == WD_OK)
        rc = xc_query_combine(out, XC_OP_OR, c.terms, c.n, 0, err);
    for (size_t i = 0; i < c.n; i++)
        xc_query_free(c.terms[i]);
    wd_free(c.terms);
    wd_buf_free(&prefix);
    return rc;
}

/* The index's schema holds the values date ranges, the date sort and
 * facets read (schema 3). */
int wd_filter_need_values(wd_run *r, const char *what, wd_error *err)
{
    char *v = NULL;
    int rc = xc_db_get_metadata(r->s->db, WD_META_SCHEMA, &v, err);
    if (rc == WD_OK && (!*v || strcmp(v, "3") < 0))
        rc = wd_error_set(err, WD_EINVAL, "search",
                          "%s needs an index written by this wenda (index schema 3; this one is "
                          "schema %s): rebuild it with `wenda index --overwrite --index DIR "
                          "FILES...`",
                          what, *v ? v : "1");
    wd_free(v);
    return rc;
}

int wd_filter_need_field(wd_run *r, const char *name, wd_error *err)
{
    char *list = NULL;
    int rc = xc_db_get_metadata(r->s->db, WD_META_FIELDS, &list, err);
    if (rc != WD_OK)
        return rc;
    int found = 0;
    size_t len = strlen(name);
    for (const char *p = list; *p && !found;) {
        size_t n = strcspn(p, ",");
        found = n == len && memcmp(p, name, n) == 0;
        p += n + (p[n] == ',');
    }
    if (!found)
        rc = wd_error_set(err, WD_EINVAL, "search",
                          "the index has no extra field '%s' (%s%s); fields come from JSON Lines "
                          "keys and from --field-column",
                          name, *list ? "it has: " : "it has none", list);
    wd_free(list);
    return rc;
}

int wd_filter_check(wd_run *r, wd_error *err)
{
    const wd_search_opts *o = &r->o;
    int rc = WD_OK;
    for (size_t i = 0; i < o->n_fields; i++) {
        char name[WD_FIELD_NAME_MAX + 1];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(o->fields[i], "="), o->fields[i]);
        if ((rc = wd_filter_need_field(r, name, err)) != WD_OK)
            return rc;
    }
    if (o->date_from || o->date_to)
        return wd_filter_need_values(r, "a date range", err);
    if (o->sort_date)
        return wd_filter_need_values(r, "the date sort", err);
    return WD_OK;
}

int wd_filter_apply(wd_run *r, xc_query **q, wd_error *err)
{
    const wd_search_opts *o = &r->o;
    xc_query *parts[4 + WD_MAX_FIELD_FILTERS] = { NULL };
    size_t n = 0;
    int rc = WD_OK;
    for (size_t i = 0; rc == WD_OK && i < o->n_fields && i < WD_MAX_FIELD_FILTERS; i++) {
        char t[WD_KEY_TERM_SIZE];
        wd_key_term(t, WD_PREFIX_FIELD, o->fields[i], WD_MAX_KEY_TERM);
        rc = xc_query_term(&parts[n++], t, strlen(t), 1, 0, err);
    }
    if (o->source && *o->source)
        rc = source_query(r, &parts[n++], err);
    if (rc == WD_OK && o->kind) {
        char t[WD_KEY_TERM_SIZE];
        wd_key_term(t, WD_PREFIX_KIND, o->kind, WD_MAX_KEY_TERM);
        rc = xc_query_term(&parts[n++], t, strlen(t), 1, 0, err);
    }
    if (rc == WD_OK && (o->date_from || o->date_to))
        rc = xc_query_value_range(&parts[n++], WD_VALUE_DATE, o->date_from, o->date_to, err);
    if (rc == WD_OK && n) {
        xc_query *all = NULL, *filtered = NULL;
        rc = xc_query_combine(&all, XC_OP_AND, parts, n, 0, err);
        if (rc == WD_OK) {
            xc_query *pair[2] = { *q, all };
            rc = xc_query_combine(&filtered, XC_OP_FILTER, pair, 2, 0, err);
        }
        xc_query_free(all);
        if (rc == WD_OK) {
            xc_query_free(*q);
            *q = filtered;
        }
    }
    for (size_t i = 0; i < n; i++)
        xc_query_free(parts[i]);
    return rc;
}

/* Newest first; undated last; the ranking's order among equals. */
static int by_date(const void *a, const void *b)
{
    const wd_cand *x = a, *y = b;
    const char *dx = x->rec->rec.date, *dy = y->rec->rec.date;
    int c = dx && dy ? strcmp(dy, dx) : (dx ? -1 : 0) - (dy ? -1 : 0);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

int wd_filter_sort_date(wd_run *r, wd_error *err)
{
    /* Each confidence is judged before the candidates move, and kept in
     * the candidate. */
    for (uint32_t i = 0; i < r->nc; i++) {
        double c;
        int rc = wd_conf_of(r, i, &c, err);
        if (rc != WD_OK)
            return rc;
        r->c[i].order = i;
    }
    if (r->nc)
        qsort(r->c, r->nc, sizeof *r->c, by_date);
    wd_run_moved(r);
    return WD_OK;
}
