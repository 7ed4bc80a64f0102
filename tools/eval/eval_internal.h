/*
 * eval_internal.h - private to tools/eval: what the parts of the evaluation
 * share. The run context (options, dictionary, temporary directory, notes),
 * corpus records held in memory, and one interface over the four systems, so
 * every part asks "build an index of these records with system S" and "top
 * 10 ids and scores for this question" the same way for wenda, icu and the
 * two n-gram baselines.
 */
#ifndef WENDA_EVAL_INTERNAL_H
#define WENDA_EVAL_INTERNAL_H

#include <stddef.h>

#include "eval.h"
#include "wenda/corpus.h"
#include "wenda/search.h"

/* Hits kept per question: every metric cuts at 10 or less. */
#define EV_K 10

typedef struct ev_ctx {
    const wd_eval_opts *o;
    const wd_dict *dict;
    char *tmp; /* the run's temporary directory (new), NULL until made */
    unsigned seq;
} ev_ctx;

void ev_note(ev_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* "DIR/REL" into a new string; NULL when out of memory. */
char *ev_path(const char *dir, const char *rel);
int ev_exists(const char *path);
double ev_now_ms(void);
/* Remove a directory tree (files and folders), best effort. */
void ev_rmtree(const char *path);
/* Make the run's temporary directory if not made yet. */
int ev_tmp(ev_ctx *c, wd_error *err);
/* "missing: A, B" into note for the paths that do not exist (NULL: out of
 * memory); returns how many. */
int ev_missing(char *note, size_t cap, const char *const *paths, size_t n);

/* ---- records ------------------------------------------------------------------- */

typedef struct ev_rec {
    char *id, *question, *answer, *source, *date;
    int kind;
} ev_rec;

typedef struct ev_recs {
    ev_rec *r;
    size_t n, cap;
    size_t skipped; /* records the reader skipped (reported as notes) */
} ev_recs;

/* Append the records of one corpus file (any format wd_corpus_read_file
 * reads; AUTO detection). */
int ev_recs_read_file(ev_ctx *c, ev_recs *rs, const char *path, wd_error *err);
/* Append the records of every regular file in dir (sorted by name, hidden
 * files skipped). */
int ev_recs_read_dir(ev_ctx *c, ev_recs *rs, const char *dir, wd_error *err);
void ev_recs_free(ev_recs *rs);

/* ---- systems ------------------------------------------------------------------- */

typedef struct ev_sys ev_sys;

typedef struct ev_hits {
    char *id[EV_K]; /* new (ev_hits_clear) */
    double score[EV_K];
    size_t n;
} ev_hits;

/* Index the records with system `sys` in a fresh directory under the run's
 * temporary directory. *seconds: the time it took. *out new. */
int ev_sys_build(ev_sys **out, ev_ctx *c, int sys, const char *tag, const ev_recs *rs,
                 double *seconds, wd_error *err);
/* The top EV_K records for a question, best first. */
int ev_sys_ask(ev_sys *s, const char *question, ev_hits *out, wd_error *err);
void ev_hits_clear(ev_hits *h);
/* The coverage verdict (enum wd_verdict) of a question over a wenda or icu
 * system's index; WD_EINVAL for the n-gram systems. */
int ev_sys_coverage(ev_sys *s, const ev_ctx *c, const char *question, int *verdict, wd_error *err);
/* Close the index and remove its directory. NULL is a no-op. */
void ev_sys_free(ev_sys *s);
/* The searcher of a wenda or icu system (borrowed), NULL for the n-gram ones. */
wd_searcher *ev_sys_searcher(ev_sys *s);

/* ---- parts ---------------------------------------------------------------------- */

int ev_run_retrieval(ev_ctx *c, wd_eval_retrieval *out, wd_error *err);
int ev_run_domain(ev_ctx *c, wd_eval_domain *out, wd_error *err);
int ev_run_segmentation(ev_ctx *c, wd_eval_segmentation *out, wd_error *err);
int ev_run_confidence(ev_ctx *c, wd_eval_confidence *out, wd_error *err);

#endif
