/*
 * facets.h - private to query/: the facet counts of a search (facets.c):
 * how many records of the whole match hold each source, kind or year.
 */
#ifndef WENDA_QUERY_FACETS_H
#define WENDA_QUERY_FACETS_H

#include "searcher.h"

/* 1 when `name` (len bytes) is a facet a search can count. */
int wd_facet_known(const char *name, size_t len);
/* Check the run's facet names (WD_EINVAL naming an unknown one, or an index
 * too old for facets) and have the match count them (r->e exists). */
int wd_facets_prepare(wd_run *r, wd_error *err);
/* After the match: each facet asked for into res->facets. */
int wd_facets_collect(wd_run *r, wd_results *res, wd_error *err);
void wd_facets_free(wd_facet *f, size_t n);

#endif
