/*
 * filter.h - private to query/: a search's filters (source prefix or glob,
 * kind, date range) as a boolean filter of its match, and the date sort of
 * its ranked matches (filter.c).
 */
#ifndef WENDA_QUERY_FILTER_H
#define WENDA_QUERY_FILTER_H

#include "searcher.h"

/* Field filters a search takes at most. */
#define WD_MAX_FIELD_FILTERS 16

/* 1 when d is a date as YYYY-MM-DD (month 1-12, day 1-31). */
int wd_filter_date_ok(const char *d);
/* Check what the run's filter options need of the index (its options were
 * checked on their own by wd_search_opts_check, options.c): WD_EINVAL
 * naming an extra field it does not list, or an index too old for a date
 * range or the date sort. */
int wd_filter_check(wd_run *r, wd_error *err);
/* WD_EINVAL (saying to rebuild) unless the index holds the values of
 * schema 3; `what` names what needs them. */
int wd_filter_need_values(wd_run *r, const char *what, wd_error *err);
/* WD_EINVAL unless the index lists an extra field of this name
 * (WD_META_FIELDS), naming the ones it has. */
int wd_filter_need_field(wd_run *r, const char *name, wd_error *err);
/* Filter *q (replaced) by the run's filters; unchanged when it has none. */
int wd_filter_apply(wd_run *r, xc_query **q, wd_error *err);
/* Reorder the candidates newest first (undated last, the ranking's order
 * among equals), each keeping the confidence of its ranked place. */
int wd_filter_sort_date(wd_run *r, wd_error *err);

#endif
