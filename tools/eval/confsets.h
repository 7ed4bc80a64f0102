/*
 * confsets.h - private to tools/: the answer-confidence sets
 * (corpus/qrels/confidence/) read, their knowledge bases indexed without the
 * held-out records, and the confidence measured on them (the `confidence`
 * part of `wenda eval`) or its model fitted (`wenda-confidence fit`).
 */
#ifndef WENDA_EVAL_CONFSETS_H
#define WENDA_EVAL_CONFSETS_H

#include <stddef.h>
#include <stdint.h>

#include "eval_internal.h"
#include "strmap.h"
#include "wenda/search.h"

typedef struct ev_conf_base_spec {
    const char *name; /* the folder under corpus/qrels/confidence */
    unsigned mod;     /* held out: FNV-1a 64 of the id modulo this is 0 */
} ev_conf_base_spec;

#define EV_CONF_NBASES 3
extern const ev_conf_base_spec ev_conf_bases[EV_CONF_NBASES];

enum { EV_CONF_IN = 0, EV_CONF_NEAR = 1, EV_CONF_FAR = 2 };

typedef struct ev_conf_q {
    char *text; /* the question (references resolved) */
    char **ids; /* records of the whole base that answer it */
    size_t nids;
    int cls; /* EV_CONF_* */
    size_t line;
} ev_conf_q;

typedef struct ev_conf_set {
    ev_conf_q *q;
    size_t n, cap;
    int unresolved; /* a reference into the data folder did not resolve */
} ev_conf_set;

/* Read one split file; references are resolved under `data`. WD_ENOTFOUND
 * (set->unresolved) when a reference does not resolve, WD_EFORMAT for a bad
 * line. */
int ev_conf_set_read(const char *path, const char *data, ev_conf_set *out, wd_error *err);
void ev_conf_set_free(ev_conf_set *s);

/* 1 when the record id is held out of a base with this modulus. */
int ev_conf_held_out(const char *id, unsigned mod);

/* A base indexed without its held-out records. */
typedef struct ev_conf_base {
    const ev_conf_base_spec *spec;
    ev_sys *wenda;  /* the engine as shipped */
    ev_sys *ngram;  /* the n-gram baseline (ngram-qa), when asked for */
    wd_strmap kind; /* kept record id -> its kind + 1 */
    size_t records, held_out;
} ev_conf_base;

/* WD_ENOTFOUND with a note when the base's data is absent. */
int ev_conf_base_open(ev_ctx *c, const ev_conf_base_spec *spec, int baseline, ev_conf_base *b,
                      char *note, size_t cap, wd_error *err);
void ev_conf_base_free(ev_conf_base *b);

/* The verdict a question must get over the base (enum wd_verdict). */
int ev_conf_expected(const ev_conf_base *b, const ev_conf_q *q);
/* 1 when record id answers question q. */
int ev_conf_answers(const ev_conf_q *q, const char *id);
/* The first k hits of a question, with their confidences' features. */
int ev_conf_candidates(ev_conf_base *b, const char *question, uint32_t k, wd_results **out,
                       wd_error *err);
/* Judge and score one split. */
int ev_conf_score_split(ev_ctx *c, ev_conf_base *b, const ev_conf_set *set, wd_eval_conf_split *o,
                        wd_error *err);

/* ---- the tools that fit models on these sets (wenda-confidence, wenda-rank) ---- */

/* What they share: where the data, sets and seeds are (WD_SOURCE_DIR of the
 * tool, $WENDA_DATA), the bases used (default "seeds,insurance,law"), the
 * -o output, the L2 penalty (default 1). */
typedef struct ev_conf_tool {
    wd_eval_opts o;
    const char *bases;
    const char *out;
    double l2;
    unsigned use[EV_CONF_NBASES]; /* from bases, by ev_conf_tool_start */
    char paths[4][4096];          /* the defaults' storage */
} ev_conf_tool;

void ev_conf_tool_init(ev_conf_tool *t, const char *source_dir, const char *out,
                       wd_eval_note_fn on_note);
/* The shared option at argv[*i] (-o, --data, --qrels, --seeds, --law, --tmp,
 * --bases, --l2), its value taken: 1; 0 when argv[*i] is none of them. */
int ev_conf_tool_opt(ev_conf_tool *t, int argc, char **argv, int *i);
/* The bases asked for, and the dictionary and context to run in (*dict new). */
int ev_conf_tool_start(ev_conf_tool *t, wd_dict **dict, ev_ctx *c, wd_error *err);
/* One split of base bi read and its base opened (without its held-out
 * records): WD_OK with *open set, or WD_OK with *open 0 when the base's data
 * is absent (said by a note; nothing to free), or an error. On *open, free
 * both with ev_conf_set_free and ev_conf_base_free. */
int ev_conf_open_split(ev_ctx *c, int bi, const char *split, ev_conf_set *set, ev_conf_base *b,
                       int *open, wd_error *err);
/* The context's temporary folder removed, the dictionary freed. */
void ev_conf_tool_end(ev_ctx *c, wd_dict *dict);

#endif
