/*
 * rank_main.c - `wenda-rank`: fit the learned ranking's model (query/rank.h)
 * on the development splits of the answer-confidence sets.
 *
 *   wenda-rank fit [-o query/rank_model.c] [--l2 X] [--near N] [COMMON]
 *
 * Each answerable dev question of each base (corpus/qrels/confidence) is
 * asked with the model off (the hand-set mix orders the candidates); the
 * top WD_RERANK_DEPTH candidates give their ranking features. The fit is
 * pairwise: for every record that answers and every record that does not,
 * both among the first N of the hand-set order (--near, default all of
 * them: 10 or 20 made the insurance dev figures worse), the difference of their standardised
 * features is a row labelled 1 (and its negation one labelled 0), so a
 * logistic regression learns weights under which answering records score
 * higher. Each question weighs the same, and each base the same whatever
 * its number of questions. Only dev splits are read; the test splits stay
 * for `wenda eval`. The first-place accuracy and MRR of the dev questions
 * under the hand-set mix and the fitted model are printed beside each
 * other.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confsets.h"
#include "grow.h"
#include "logistic.h"
#include "wenda/search.h"

#define NF WD_HIT_NRANK_FEATURES
#define DEPTH 50 /* the candidates the re-ranking orders (WD_RERANK_DEPTH) */

/* One candidate of one question. */
typedef struct cand {
    double x[NF];
    int y;      /* the record answers */
    size_t q;   /* its question (0, 1, ... over the run) */
    int base;   /* its base */
    int placed; /* its place in the hand-set order, 0-based */
} cand;

typedef struct cands {
    cand *c;
    size_t n, cap, nq;
} cands;

static void usage(FILE *to)
{
    fprintf(to, "usage: wenda-rank fit [-o FILE] [--l2 X] [--near N] [--data DIR] [--qrels DIR]\n"
                "                      [--seeds DIR] [--law FILE] [--tmp DIR] [--bases a,b]\n"
                "                      [--rows FILE | --from FILE]\n"
                "  (default bases: seeds,insurance,law; output: query/rank_model.c;\n"
                "   --rows keeps the candidates asked, --from fits on kept ones without asking)\n");
}

static void on_note(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "wenda-rank: %s\n", message);
}

/* Every answerable dev question of one base, with the model off. */
static int collect(ev_ctx *c, int bi, cands *out, wd_error *err)
{
    const ev_conf_base_spec *spec = &ev_conf_bases[bi];
    ev_conf_set set;
    ev_conf_base b;
    int open = 0;
    int rc = ev_conf_open_split(c, bi, "dev", &set, &b, &open, err);
    if (rc != WD_OK || !open)
        return rc;
    size_t asked = 0;
    for (size_t i = 0; rc == WD_OK && i < set.n; i++) {
        const ev_conf_q *q = &set.q[i];
        if (ev_conf_expected(&b, q) == WD_UNCOVERED)
            continue;
        wd_results *r = NULL;
        rc = ev_conf_candidates(&b, q->text, DEPTH, &r, err);
        for (size_t h = 0; rc == WD_OK && h < r->n_hits; h++) {
            if (WD_GROW(out->c, out->cap, out->n + 1, 1024) != WD_OK) {
                rc = wd_error_set(err, WD_ENOMEM, "rank", "out of memory");
                break;
            }
            cand *k = &out->c[out->n++];
            memcpy(k->x, r->hits[h].rank_features, sizeof k->x);
            k->y = ev_conf_answers(q, r->hits[h].id);
            k->q = out->nq;
            k->base = bi;
            k->placed = (int)h;
        }
        wd_results_free(r);
        out->nq++;
        asked++;
    }
    ev_note(c, "%s dev: %zu answerable questions, %zu candidates so far", spec->name, asked,
            out->n);
    ev_conf_base_free(&b);
    ev_conf_set_free(&set);
    return rc;
}

/* First-place accuracy and MRR@10 per base when the candidates are ordered
 * by p (the hand-set order when p is NULL); means over the bases. */
static void measure(const cands *k, const double *p, double *p1, double *mrr)
{
    double s1[EV_CONF_NBASES] = { 0 }, sm[EV_CONF_NBASES] = { 0 }, n[EV_CONF_NBASES] = { 0 };
    for (size_t a = 0; a < k->n;) {
        size_t b = a;
        while (b < k->n && k->c[b].q == k->c[a].q)
            b++;
        int any = 0;
        for (size_t i = a; i < b; i++)
            any |= k->c[i].y;
        if (any) {
            /* The rank of the first answering record: 1 + the candidates above it. */
            size_t best = (size_t)-1;
            for (size_t i = a; i < b; i++) {
                if (!k->c[i].y)
                    continue;
                size_t above = 0;
                for (size_t j = a; j < b; j++) {
                    double pj = p ? p[j] : -k->c[j].placed, pi = p ? p[i] : -k->c[i].placed;
                    above += j != i && (pj > pi || (pj == pi && j < i));
                }
                if (above < best)
                    best = above;
            }
            int base = k->c[a].base;
            s1[base] += best == 0;
            sm[base] += best < 10 ? 1.0 / (double)(best + 1) : 0;
        }
        n[k->c[a].base]++;
        a = b;
    }
    int nb = 0;
    *p1 = *mrr = 0;
    for (int b = 0; b < EV_CONF_NBASES; b++)
        if (n[b] > 0) {
            *p1 += s1[b] / n[b];
            *mrr += sm[b] / n[b];
            nb++;
        }
    if (nb) {
        *p1 /= nb;
        *mrr /= nb;
    }
}

static int write_model(const char *path, const double *mean, const double *scale,
                       const double *coef, size_t rows, size_t nq, double l2, int near,
                       const char *bases)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f,
            "/*\n * rank_model.c - GENERATED by `wenda-rank fit` (tools/eval/rank_main.c);\n"
            " * do not edit: rerun\n *\n"
            " *     build/tools/wenda-rank fit --bases %s --l2 %g --near %d -o query/rank_model.c\n"
            " *\n"
            " * The learned ranking's model (rank.h): each feature's mean and scale, and the\n"
            " * weights over the standardised features, the intercept last. Fitted pairwise on\n"
            " * the answerable dev questions of corpus/qrels/confidence (%zu questions, %zu\n"
            " * pairs), each question and each base weighing the same.\n */\n",
            bases, l2, near, nq, rows);
    fprintf(f, "#include \"rank.h\"\n\n");
    wd_model_write_array(f, "wd_rank_mean", "WD_RANK_NFEATURES", mean, NF,
                         wd_hit_rank_feature_name);
    wd_model_write_array(f, "wd_rank_scale", "WD_RANK_NFEATURES", scale, NF,
                         wd_hit_rank_feature_name);
    wd_model_write_array(f, "wd_rank_coef", "WD_RANK_NFEATURES + 1", coef, NF + 1,
                         wd_hit_rank_feature_name);
    return f == stdout ? 0 : fclose(f);
}

/* The candidates as TSV (question, base, place, answers, features), to fit
 * again without asking (--rows FILE writes them, --from FILE reads them). */
static int save_rows(const cands *k, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (size_t i = 0; i < k->n; i++) {
        const cand *c = &k->c[i];
        fprintf(f, "%zu\t%d\t%d\t%d", c->q, c->base, c->placed, c->y);
        for (int x = 0; x < NF; x++)
            fprintf(f, "\t%.17g", c->x[x]);
        fputc('\n', f);
    }
    return fclose(f);
}

static int load_rows(cands *k, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    cand c;
    int rc = 0;
    while (fscanf(f, "%zu %d %d %d", &c.q, &c.base, &c.placed, &c.y) == 4) {
        for (int x = 0; x < NF && rc == 0; x++)
            rc = fscanf(f, "%lf", &c.x[x]) == 1 ? 0 : -1;
        if (rc != 0 || c.base < 0 || c.base >= EV_CONF_NBASES ||
            WD_GROW(k->c, k->cap, k->n + 1, 1024) != WD_OK) {
            rc = -1;
            break;
        }
        if (k->n == 0 || k->c[k->n - 1].q != c.q)
            k->nq++;
        k->c[k->n++] = c;
    }
    if (!feof(f))
        rc = -1;
    fclose(f);
    return rc;
}

static int fit(ev_ctx *c, const unsigned *use, const char *out, double l2, int near,
               const char *bases, const char *rows_to, const char *rows_from, wd_error *err)
{
    cands k = { 0 };
    int rc = WD_OK;
    if (rows_from && load_rows(&k, rows_from) != 0)
        rc =
            wd_error_set(err, WD_EFORMAT, "rank", "%s: not a file of rows --rows wrote", rows_from);
    for (int b = 0; !rows_from && rc == WD_OK && b < EV_CONF_NBASES; b++)
        if (use[b])
            rc = collect(c, b, &k, err);
    if (rc == WD_OK && rows_to && save_rows(&k, rows_to) != 0)
        rc = wd_error_set(err, WD_EIO, "rank", "%s: cannot write", rows_to);
    if (rc == WD_OK && k.n == 0)
        rc = wd_error_set(err, WD_ENOTFOUND, "rank", "no dev questions to fit on");
    double mean[NF], scale[NF];
    double *z = NULL, *w = NULL, *p = NULL;
    int *y = NULL;
    size_t rows = 0, cap = 0, wcap = 0, ycap = 0;
    if (rc != WD_OK)
        goto done;
    {
        double *x = wd_malloc(k.n * NF * sizeof *x);
        if (!x) {
            rc = wd_error_set(err, WD_ENOMEM, "rank", "out of memory");
            goto done;
        }
        for (size_t i = 0; i < k.n; i++)
            memcpy(x + i * NF, k.c[i].x, sizeof k.c[i].x);
        wd_model_standardise(x, k.n, NF, mean, scale);
        for (size_t i = 0; i < k.n; i++)
            memcpy(k.c[i].x, x + i * NF, sizeof k.c[i].x);
        wd_free(x);
    }
    /* Questions per base, for the weights. */
    size_t per[EV_CONF_NBASES] = { 0 };
    int nb = 0;
    for (size_t a = 0; a < k.n; a++)
        if (a == 0 || k.c[a].q != k.c[a - 1].q)
            per[k.c[a].base]++;
    for (int b = 0; b < EV_CONF_NBASES; b++)
        nb += per[b] > 0;
    for (size_t a = 0; rc == WD_OK && a < k.n;) {
        size_t e = a, pos = 0, neg = 0;
        while (e < k.n && k.c[e].q == k.c[a].q)
            e++;
        for (size_t i = a; i < e; i++) {
            pos += k.c[i].y && k.c[i].placed < near;
            neg += !k.c[i].y && k.c[i].placed < near;
        }
        double qw = pos && neg
                        ? 1.0 / ((double)nb * (double)per[k.c[a].base] * (double)pos * (double)neg)
                        : 0;
        for (size_t i = a; rc == WD_OK && qw > 0 && i < e; i++)
            for (size_t j = a; rc == WD_OK && k.c[i].y && k.c[i].placed < near && j < e; j++) {
                if (k.c[j].y || k.c[j].placed >= near)
                    continue;
                if (WD_GROW(z, cap, (rows + 2) * NF, 4096) != WD_OK ||
                    WD_GROW(w, wcap, rows + 2, 1024) != WD_OK ||
                    WD_GROW(y, ycap, rows + 2, 1024) != WD_OK) {
                    rc = wd_error_set(err, WD_ENOMEM, "rank", "out of memory");
                    break;
                }
                for (int f = 0; f < NF; f++) {
                    z[rows * NF + f] = k.c[i].x[f] - k.c[j].x[f];
                    z[(rows + 1) * NF + f] = k.c[j].x[f] - k.c[i].x[f];
                }
                y[rows] = 1;
                y[rows + 1] = 0;
                w[rows] = w[rows + 1] = qw;
                rows += 2;
            }
        a = e;
    }
    if (rc != WD_OK)
        goto done;
    /* Weights summing to the rows, as the fit's penalty expects. */
    double sum = 0;
    for (size_t i = 0; i < rows; i++)
        sum += w[i];
    for (size_t i = 0; i < rows; i++)
        w[i] *= (double)rows / sum;
    double coef[NF + 1];
    if (wd_logistic_fit(z, y, w, rows, NF, l2, coef) != 0) {
        rc = wd_error_set(err, WD_ERROR, "rank", "the fit did not converge");
        goto done;
    }
    coef[NF] = 0; /* the order is all that matters; mirrored rows make it ~0 anyway */
    if (!(p = wd_malloc(k.n * sizeof *p))) {
        rc = wd_error_set(err, WD_ENOMEM, "rank", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < k.n; i++)
        p[i] = wd_logistic_predict(k.c[i].x, NF, coef);
    double h1, hm, l1, lm;
    measure(&k, NULL, &h1, &hm);
    measure(&k, p, &l1, &lm);
    fprintf(stderr,
            "%zu questions, %zu pairs; mean over bases: first place %.3f -> %.3f, "
            "MRR@10 %.3f -> %.3f (hand-set -> fitted, on the rows it was fitted to)\n",
            k.nq, rows / 2, h1, l1, hm, lm);
    for (int f = 0; f <= NF; f++)
        fprintf(stderr, "  %-18s %+.4f\n", f < NF ? wd_hit_rank_feature_name(f) : "intercept",
                coef[f]);
    if (write_model(out, mean, scale, coef, rows / 2, k.nq, l2, near, bases) != 0)
        rc = wd_error_set(err, WD_EIO, "rank", "%s: cannot write", out);
done:
    wd_free(z);
    wd_free(w);
    wd_free(y);
    wd_free(p);
    wd_free(k.c);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "fit") != 0) {
        usage(stderr);
        return 2;
    }
    ev_conf_tool t;
    ev_conf_tool_init(&t, WD_SOURCE_DIR, WD_SOURCE_DIR "/query/rank_model.c", on_note);
    const char *rows_to = NULL, *rows_from = NULL;
    int near = DEPTH;
    for (int i = 2; i < argc; i++) {
        if (ev_conf_tool_opt(&t, argc, argv, &i))
            continue;
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v && !strcmp(argv[i], "--rows"))
            rows_to = v;
        else if (v && !strcmp(argv[i], "--from"))
            rows_from = v;
        else if (v && !strcmp(argv[i], "--near"))
            near = atoi(v);
        else {
            usage(stderr);
            return 2;
        }
        i++;
    }
    /* The candidates in the hand-set order: the model being fitted is off. */
    char tune[512];
    const char *was = getenv("WENDA_TUNE");
    snprintf(tune, sizeof tune, "%s%slr=0", was ? was : "", was && *was ? "," : "");
    setenv("WENDA_TUNE", tune, 1);
    wd_dict *dict = NULL;
    wd_error err;
    wd_error_clear(&err);
    ev_ctx c;
    if (ev_conf_tool_start(&t, &dict, &c, &err) != WD_OK) {
        fprintf(stderr, "wenda-rank: %s\n", err.message);
        return 3;
    }
    int rc = fit(&c, t.use, t.out, t.l2, near, t.bases, rows_to, rows_from, &err);
    ev_conf_tool_end(&c, dict);
    if (rc != WD_OK)
        fprintf(stderr, "wenda-rank: %s\n", err.message);
    return rc == WD_OK ? 0 : 3;
}
