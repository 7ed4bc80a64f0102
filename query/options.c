/*
 * options.c - a search's options checked before it runs
 * (wd_search_opts_check, wenda/search.h): each value on its own, so the
 * CLI and the service can refuse a bad one with a usage error; what needs
 * the index (an extra field it lists, the values of schema 3) is the
 * filters' check (filter.c), once the index is open.
 */
#include <string.h>

#include "facets.h"
#include "filter.h"
#include "wenda/record.h"
#include "wenda/search.h"

int wd_search_opts_check(const wd_search_opts *o, wd_error *err)
{
    if (o->kind && wd_record_kind_from_name(o->kind) < 0)
        return wd_error_set(err, WD_EINVAL, "search", "kind wants qa or question, not '%s'",
                            o->kind);
    if (o->date_from && !wd_filter_date_ok(o->date_from))
        return wd_error_set(err, WD_EINVAL, "search",
                            "date_from wants a date as YYYY-MM-DD, not '%s'", o->date_from);
    if (o->date_to && !wd_filter_date_ok(o->date_to))
        return wd_error_set(err, WD_EINVAL, "search",
                            "date_to wants a date as YYYY-MM-DD, not '%s'", o->date_to);
    for (const char *p = o->facets; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n && !wd_facet_known(p, n))
            return wd_error_set(err, WD_EINVAL, "search",
                                "facets: no facet '%.*s' (there are source, kind, year and the "
                                "index's extra fields)",
                                (int)(n > 64 ? 64 : n), p);
        p += n + (p[n] == ',');
    }
    if (o->n_fields > WD_MAX_FIELD_FILTERS)
        return wd_error_set(err, WD_EINVAL, "search", "more than %d field filters",
                            WD_MAX_FIELD_FILTERS);
    for (size_t i = 0; i < o->n_fields; i++) {
        const char *f = o->fields[i];
        size_t n = f ? strcspn(f, "=") : 0;
        if (!f || !f[n] || !wd_field_name_ok(f, n))
            return wd_error_set(
                err, WD_EINVAL, "search",
                "field wants NAME=VALUE with the name of an extra field, not '%.64s'", f ? f : "");
    }
    return WD_OK;
}
