/*
 * report.h - private to tools/: what `wenda coverage` accumulates while it
 * streams (counts, a confidence histogram, the uncovered questions and
 * their groups) and the writers of its summary: text, TSV comments, JSON
 * and the self-contained HTML page.
 *
 * Ownership: a cov_summary owns its groups and their strings
 * (cov_summary_clear). The HTML writer keeps at most max_rows table rows
 * (rendered) and says on the page when it cut the table; every uncovered
 * group is listed whatever the cap. Not thread safe: one thread owns a
 * summary (the writer thread of the command, a request of the service);
 * summaries share nothing.
 */
#ifndef WENDA_COVERAGE_REPORT_H
#define WENDA_COVERAGE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "strmap.h"
#include "wenda/buf.h"
#include "wenda/coverage.h"

#define COV_HIST_BINS 20

typedef struct cov_member {
    char *question; /* new, as in the input */
    size_t line;
    const char *file; /* borrowed (argv) */
    double confidence;
    int verdict; /* WD_UNCOVERED or WD_PARTIAL */
} cov_member;

typedef struct cov_group {
    cov_member *m;
    size_t n, cap;
    wd_sim_text *leader; /* the first member, analysed */
} cov_group;

typedef struct cov_summary {
    size_t questions;
    size_t count[3]; /* by enum wd_verdict */
    size_t skipped;  /* malformed input lines */
    size_t hist[COV_HIST_BINS];
    double covered_at, partial_at;
    double min_coverage; /* < 0: not asked */
    double seconds;
    const char *index;
    cov_group *groups; /* largest first after cov_summary_sort */
    size_t ngroups, gcap;
    wd_strmap keys; /* grouping index: a leader's key word -> groups (freed by sort and clear) */
} cov_summary;

/* Count one judged question: its verdict, its confidence in the histogram
 * and, when uncovered or partial (the gaps to write), its group, for which
 * it takes c->asked (the question as the check analysed it; NULL after).
 * WD_ENOMEM. */
int cov_summary_count(cov_summary *s, const char *q, size_t len, const char *file, size_t line,
                      wd_coverage *c, wd_error *err);

/* Add one question to write (verdict WD_UNCOVERED or WD_PARTIAL), analysed
 * as t (taken: freed by the summary, also on failure), to the groups: it
 * joins the group whose first member asks the same question most surely
 * (wd_sim_score at join_at or above: WD_SAME_QUESTION_AT by default), else
 * starts one. WD_ENOMEM; WD_EINVAL when t is NULL. */
int cov_summary_add_uncovered_take(cov_summary *s, wd_sim_text *t, const char *q, size_t len,
                                   const char *file, size_t line, double confidence, int verdict,
                                   double join_at, wd_error *err);

/* Sort the groups: largest first, then by first appearance. Grouping ends
 * here: questions added later start groups of their own. */
void cov_summary_sort(cov_summary *s);
void cov_summary_clear(cov_summary *s);

double cov_share(const cov_summary *s, int verdict);

/* Writers. */
void cov_summary_text(const cov_summary *s, FILE *to, const char *prefix);
int cov_summary_json(const cov_summary *s, wd_buf *out);
/* One question as a JSON line (`wenda coverage --json`, POST /api/coverage):
 * {"question", "verdict", "confidence", "best", "runner_up", "line"} (and
 * "asked": the times a query log holds it, when asked > 0) and a newline;
 * the question's bytes are kept as given. WD_ENOMEM. */
int cov_line_json(wd_buf *b, const char *q, size_t qlen, size_t line, size_t asked,
                  const wd_coverage *c);

typedef struct cov_html cov_html;
int cov_html_new(cov_html **out, size_t max_rows);
void cov_html_free(cov_html *h);
/* One table row (dropped past max_rows, counted). */
void cov_html_row(cov_html *h, size_t line, const char *q, size_t qlen, const wd_coverage *c);
/* The whole page. Returns 0, or -1 when out of memory / write failed. */
int cov_html_write(cov_html *h, const cov_summary *s, FILE *to);

/* Escape for HTML text and attributes. */
void cov_html_escape(wd_buf *b, const char *s, size_t n);

#endif
