/*
 * eval.c - the runner of `wenda eval`: the parts' names and the run
 * itself: it makes the temporary directory (context.c), runs the
 * parts asked for (retrieval.c, domain.c, segment.c, pairs.c, confsets.c)
 * and removes what it made. Each part first checks that its data is
 * present and otherwise records a note and returns: a missing data set is
 * not an error. Every figure goes through metrics.h, for every system
 * alike.
 */
#include <string.h>
#include <time.h>

#include "eval_internal.h"

/* ---- the parts ------------------------------------------------------------------------ */

unsigned wd_eval_parts_from_names(const char *s)
{
    unsigned parts = 0;
    if (!s || !*s)
        return 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 9 && strncmp(s, "retrieval", n) == 0)
            parts |= WD_EVAL_RETRIEVAL;
        else if (n == 6 && strncmp(s, "domain", n) == 0)
            parts |= WD_EVAL_DOMAIN;
        else if (n == 12 && strncmp(s, "segmentation", n) == 0)
            parts |= WD_EVAL_SEGMENTATION;
        else if (n == 5 && strncmp(s, "pairs", n) == 0)
            parts |= WD_EVAL_PAIRS;
        else if (n == 10 && strncmp(s, "confidence", n) == 0)
            parts |= WD_EVAL_CONFIDENCE;
        else if (n == 3 && strncmp(s, "all", n) == 0)
            parts |= WD_EVAL_ALL;
        else
            return 0;
        s += n;
        if (*s == ',')
            s++;
    }
    return parts;
}
/* ---- the run ----------------------------------------------------------------------------- */

int wd_eval_run(const wd_eval_opts *opts, const wd_dict *dict, wd_eval_report *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    if (!opts || !dict || !opts->data_dir || !opts->seeds_dir || !opts->qrels_dir)
        return wd_error_set(err, WD_EINVAL, "eval", "evaluation without data paths or dictionary");
    ev_ctx c = { opts, dict, NULL, 0 };
    double t0 = ev_now_ms();
    out->parts = opts->parts ? opts->parts : WD_EVAL_ALL;
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(out->date, sizeof out->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(out->dict_version, sizeof out->dict_version, "%s", wd_dict_version(dict));
    int rc = WD_OK;
    if (out->parts & WD_EVAL_RETRIEVAL)
        rc = ev_run_retrieval(&c, &out->retrieval, err);
    if (rc == WD_OK && (out->parts & WD_EVAL_DOMAIN))
        rc = ev_run_domain(&c, &out->domain, err);
    if (rc == WD_OK && (out->parts & WD_EVAL_SEGMENTATION))
        rc = ev_run_segmentation(&c, &out->segmentation, err);
    if (rc == WD_OK && (out->parts & WD_EVAL_PAIRS)) {
        if (opts->note)
            opts->note(opts->note_ctx, "pairs: scoring labelled question pairs");
        rc = wd_eval_pairs(opts->data_dir, dict, 0, &out->pairs, err);
    }
    if (rc == WD_OK && (out->parts & WD_EVAL_CONFIDENCE))
        rc = ev_run_confidence(&c, &out->confidence, err);
    if (c.tmp) {
        ev_rmtree(c.tmp);
        wd_free(c.tmp);
    }
    out->seconds = (ev_now_ms() - t0) / 1e3;
    return rc;
}
