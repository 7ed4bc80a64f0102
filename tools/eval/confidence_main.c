/*
 * confidence_main.c - `wenda-confidence`: fit the answer confidence's model
 * on the development splits of the answer-confidence sets, or dump the rows
 * it is fitted on.
 *
 *   wenda-confidence fit [-o query/confidence_model.c]   fit and write the model
 *   wenda-confidence dump [--split dev|test] > rows.tsv   the rows, for reading errors
 *
 * A row is one of the first K candidates (8: those coverage judges) the
 * searcher gives a question, its features (wd_search_opts.features) and
 * whether the record answers the question. The model is a logistic
 * regression over standardised features with a small L2 penalty; each
 * knowledge base weighs the same in the fit whatever its number of rows,
 * so that no base's style dominates. Only dev splits are read for fitting:
 * the test splits stay for `wenda eval --only confidence`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "confsets.h"
#include "grow.h"
#include "logistic.h"
#include "wenda/coverage.h"

#define K WD_JUDGED /* the candidates coverage judges */

typedef struct rows {
    double *x;
    int *y;
    int *base;
    size_t *q;       /* the question a row belongs to (0, 1, ... over the run) */
    int *answerable; /* its question is answered by the base */
    size_t n, cap, ycap, bcap, qcap, acap;
    size_t nq; /* questions */
} rows;

static void usage(FILE *to)
{
    fprintf(to, "usage: wenda-confidence fit [-o FILE] [--l2 X] [COMMON]\n"
                "       wenda-confidence dump [--split dev|test] [COMMON]\n"
                "COMMON: [--data DIR] [--qrels DIR] [--seeds DIR] [--law FILE] [--tmp DIR]\n"
                "        [--bases a,b] (default: seeds,insurance,law)\n");
}

static void on_note(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "wenda-confidence: %s\n", message);
}

static int add_row(rows *r, const double *f, int y, int base, int answerable)
{
    if (WD_GROW(r->x, r->cap, (r->n + 1) * WD_HIT_NFEATURES, 1024) != WD_OK ||
        WD_GROW(r->y, r->ycap, r->n + 1, 256) != WD_OK ||
        WD_GROW(r->base, r->bcap, r->n + 1, 256) != WD_OK ||
        WD_GROW(r->q, r->qcap, r->n + 1, 256) != WD_OK ||
        WD_GROW(r->answerable, r->acap, r->n + 1, 256) != WD_OK)
        return WD_ENOMEM;
    memcpy(r->x + r->n * WD_HIT_NFEATURES, f, WD_HIT_NFEATURES * sizeof *f);
    r->y[r->n] = y;
    r->base[r->n] = base;
    r->q[r->n] = r->nq;
    r->answerable[r->n] = answerable;
    r->n++;
    return WD_OK;
}

static void rows_free(rows *r)
{
    wd_free(r->x);
    wd_free(r->y);
    wd_free(r->base);
    wd_free(r->q);
    wd_free(r->answerable);
    memset(r, 0, sizeof *r);
}

/* Every row of one split of one base; with dump, printed as TSV too. */
static int collect(ev_ctx *c, int bi, const char *split, rows *out, FILE *dump, wd_error *err)
{
    const ev_conf_base_spec *spec = &ev_conf_bases[bi];
    ev_conf_set set;
    ev_conf_base b;
    int open = 0;
    int rc = ev_conf_open_split(c, bi, split, &set, &b, &open, err);
    if (rc != WD_OK || !open)
        return rc;
    for (size_t i = 0; rc == WD_OK && i < set.n; i++) {
        const ev_conf_q *q = &set.q[i];
        wd_results *r = NULL;
        rc = ev_conf_candidates(&b, q->text, K, &r, err);
        int answerable = ev_conf_expected(&b, q) != WD_UNCOVERED;
        for (size_t h = 0; rc == WD_OK && h < r->n_hits; h++) {
            const wd_hit *hit = &r->hits[h];
            int y = ev_conf_answers(q, hit->id);
            rc = add_row(out, hit->features, y, bi, answerable);
            if (rc != WD_OK) {
                wd_error_set(err, rc, "confidence", "out of memory");
                break;
            }
            if (dump) {
                fprintf(dump, "%s\t%s\t%zu\t%s\t%s\t%zu\t%d\t%.4f", spec->name, split, q->line,
                        wd_verdict_name(ev_conf_expected(&b, q)), hit->id, h + 1, y,
                        hit->confidence);
                for (int k = 0; k < WD_HIT_NFEATURES; k++)
                    fprintf(dump, "\t%.5g", hit->features[k]);
                fprintf(dump, "\t%s\t%s\n", q->text, hit->question);
            }
        }
        wd_results_free(r);
        out->nq++;
    }
    ev_note(c, "%s %s: %zu questions, %zu rows so far", spec->name, split, set.n, out->n);
    ev_conf_base_free(&b);
    ev_conf_set_free(&set);
    return rc;
}

/* How many dev questions are right (the mean over the bases) when a
 * question counts as answered at `at`, and the threshold that would get the
 * most right (*best_at, the middle of the best plateau): a question is
 * answered when its most confident candidate reaches the threshold. */
static double dev_accuracy(const rows *r, const double *p, double at, double *best_at)
{
    double *best = wd_calloc(r->nq ? r->nq : 1, sizeof *best);
    int *qb = wd_calloc(r->nq ? r->nq : 1, sizeof *qb),
        *qa = wd_calloc(r->nq ? r->nq : 1, sizeof *qa);
    double at_acc = 0;
    *best_at = at;
    if (!best || !qb || !qa)
        goto out;
    for (size_t i = 0; i < r->n; i++) {
        if (p[i] > best[r->q[i]])
            best[r->q[i]] = p[i];
        qb[r->q[i]] = r->base[i];
        qa[r->q[i]] = r->answerable[i];
    }
    double top = -1, lo = 0, hi = 0;
    for (int k = 1; k <= 100; k++) {
        double cand = k < 100 ? k / 100.0 : at, right[EV_CONF_NBASES] = { 0 },
               n[EV_CONF_NBASES] = { 0 }, mean = 0;
        int nb = 0;
        for (size_t q = 0; q < r->nq; q++) {
            n[qb[q]]++;
            right[qb[q]] += (best[q] >= cand) == (qa[q] != 0);
        }
        for (int b = 0; b < EV_CONF_NBASES; b++)
            if (n[b] > 0) {
                mean += right[b] / n[b];
                nb++;
            }
        mean = nb ? mean / nb : 0;
        if (k == 100) {
            at_acc = mean;
            break;
        }
        if (mean > top + 1e-12) {
            top = mean;
            lo = hi = cand;
        } else if (mean > top - 1e-12 && hi == cand - 0.01) {
            hi = cand;
        }
    }
    *best_at = (lo + hi) / 2;
out:
    wd_free(best);
    wd_free(qb);
    wd_free(qa);
    return at_acc;
}

static int write_model(const char *path, const double *mean, const double *scale,
                       const double *coef, const rows *r, double l2, const char *bases,
                       double covered_at, double dev_acc)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f)
        return -1;
    size_t pos = 0, nb[EV_CONF_NBASES] = { 0 };
    for (size_t i = 0; i < r->n; i++) {
        pos += r->y[i] != 0;
        nb[r->base[i]]++;
    }
    fprintf(f,
            "/*\n * confidence_model.c - GENERATED by `wenda-confidence fit` "
            "(tools/eval/confidence_main.c);\n * do not edit: rerun\n *\n"
            " *     build/tools/wenda-confidence fit --bases %s -o query/confidence_model.c\n *\n"
            " * The answer confidence's logistic model (confidence.h): each feature's mean and\n"
            " * scale, and the weights over the standardised features, the intercept last.\n"
            " * Fitted on the dev splits of corpus/qrels/confidence: %zu rows (the first %d\n"
            " * candidates of each question; %zu answer), seeds %zu, insurance %zu, law %zu,\n"
            " * each base weighing the same; L2 penalty %g.\n */\n",
            bases, r->n, K, pos, nb[0], nb[1], nb[2], l2);
    fprintf(f, "#include \"confidence.h\"\n\n");
    wd_model_write_array(f, "wd_conf_mean", "WD_CONF_NFEATURES", mean, WD_HIT_NFEATURES,
                         wd_hit_feature_name);
    wd_model_write_array(f, "wd_conf_scale", "WD_CONF_NFEATURES", scale, WD_HIT_NFEATURES,
                         wd_hit_feature_name);
    wd_model_write_array(f, "wd_conf_coef", "WD_CONF_NFEATURES + 1", coef, WD_HIT_NFEATURES + 1,
                         wd_hit_feature_name);
    fprintf(f,
            "/* The built-in thresholds: covered where the most dev questions come out\n"
            " * right, on average over the bases (%.3f; a question is answered when its\n"
            " * most confident candidate reaches it); partial from 0.7 of it. A record's\n"
            " * confidence is the probability that it answers; several records can, so\n"
            " * the question is answered more often than its best record's confidence says\n"
            " * and the threshold sits below even odds. */\n"
            "const double wd_conf_covered_at = %.2f;\nconst double wd_conf_partial_at = %.2f;\n",
            dev_acc, covered_at, covered_at * WD_PARTIAL_SHARE);
    return f == stdout ? 0 : fclose(f);
}

static int fit(ev_ctx *c, const unsigned *use, const char *out, double l2, const char *bases,
               wd_error *err)
{
    rows r = { 0 };
    int rc = WD_OK;
    for (int b = 0; rc == WD_OK && b < EV_CONF_NBASES; b++)
        if (use[b])
            rc = collect(c, b, "dev", &r, NULL, err);
    if (rc != WD_OK || r.n == 0) {
        if (rc == WD_OK)
            rc = wd_error_set(err, WD_ENOTFOUND, "confidence", "no dev rows to fit on");
        goto done;
    }
    double mean[WD_HIT_NFEATURES] = { 0 }, scale[WD_HIT_NFEATURES] = { 0 };
    double *z = wd_malloc(r.n * WD_HIT_NFEATURES * sizeof *z);
    double *w = wd_malloc(r.n * sizeof *w);
    size_t per[EV_CONF_NBASES] = { 0 };
    int nb = 0;
    for (size_t i = 0; i < r.n; i++)
        per[r.base[i]]++;
    for (int b = 0; b < EV_CONF_NBASES; b++)
        nb += per[b] > 0;
    if (!z || !w) {
        wd_free(z);
        wd_free(w);
        rc = wd_error_set(err, WD_ENOMEM, "confidence", "out of memory");
        goto done;
    }
    memcpy(z, r.x, r.n * WD_HIT_NFEATURES * sizeof *z);
    wd_model_standardise(z, r.n, WD_HIT_NFEATURES, mean, scale);
    for (size_t i = 0; i < r.n; i++)
        w[i] = (double)r.n / ((double)nb * (double)per[r.base[i]]);
    double coef[WD_HIT_NFEATURES + 1], dev_acc = 0, covered_at = 0.5, best_at = 0;
    if (wd_logistic_fit(z, r.y, w, r.n, WD_HIT_NFEATURES, l2, coef) != 0)
        rc = wd_error_set(err, WD_ERROR, "confidence", "the fit did not converge");
    for (size_t i = 0; rc == WD_OK && i < r.n; i++) /* the rows' probabilities, into w */
        w[i] = wd_logistic_predict(z + i * WD_HIT_NFEATURES, WD_HIT_NFEATURES, coef);
    if (rc == WD_OK) { /* the best threshold, then how right it is */
        dev_accuracy(&r, w, covered_at, &best_at);
        covered_at = round(best_at * 100) / 100;
        dev_acc = dev_accuracy(&r, w, covered_at, &best_at);
    }
    wd_free(z);
    wd_free(w);
    if (rc == WD_OK)
        fprintf(stderr, "covered at %.2f: %.3f of the dev questions right (mean over bases)\n",
                covered_at, dev_acc);
    if (rc == WD_OK && write_model(out, mean, scale, coef, &r, l2, bases, covered_at, dev_acc) != 0)
        rc = wd_error_set(err, WD_EIO, "confidence", "%s: cannot write", out);
    if (rc == WD_OK)
        for (int k = 0; k <= WD_HIT_NFEATURES; k++)
            fprintf(stderr, "  %-16s %+.4f\n",
                    k < WD_HIT_NFEATURES ? wd_hit_feature_name(k) : "intercept", coef[k]);
done:
    rows_free(&r);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1], *split = "dev";
    ev_conf_tool t;
    ev_conf_tool_init(&t, WD_SOURCE_DIR, WD_SOURCE_DIR "/query/confidence_model.c", on_note);
    for (int i = 2; i < argc; i++) {
        if (ev_conf_tool_opt(&t, argc, argv, &i))
            continue;
        if (!strcmp(argv[i], "--split") && i + 1 < argc) {
            split = argv[++i];
            continue;
        }
        usage(stderr);
        return 2;
    }
    wd_dict *dict = NULL;
    wd_error err;
    wd_error_clear(&err);
    ev_ctx c;
    if (ev_conf_tool_start(&t, &dict, &c, &err) != WD_OK) {
        fprintf(stderr, "wenda-confidence: %s\n", err.message);
        return 3;
    }
    const unsigned *use = t.use;
    const char *out = t.out, *bases = t.bases;
    double l2 = t.l2;
    int rc;
    if (!strcmp(cmd, "fit")) {
        rc = fit(&c, use, out, l2, bases, &err);
    } else if (!strcmp(cmd, "dump")) {
        printf("base\tsplit\tline\texpected\tid\trank\tanswers\tconfidence");
        for (int k = 0; k < WD_HIT_NFEATURES; k++)
            printf("\t%s", wd_hit_feature_name(k));
        printf("\tquestion\trecord\n");
        rows r = { 0 };
        rc = WD_OK;
        for (int b = 0; rc == WD_OK && b < EV_CONF_NBASES; b++)
            if (use[b])
                rc = collect(&c, b, split, &r, stdout, &err);
        rows_free(&r);
    } else {
        usage(stderr);
        rc = WD_EINVAL;
    }
    ev_conf_tool_end(&c, dict);
    if (rc != WD_OK && rc != WD_EINVAL)
        fprintf(stderr, "wenda-confidence: %s\n", err.message);
    return rc == WD_OK ? 0 : rc == WD_EINVAL ? 2 : 3;
}
