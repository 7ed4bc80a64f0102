/*
 * pairs.c - the same-question evaluation (see pairs.h) and the fit that
 * calibrates the coverage confidence.
 *
 * Reading: tianchi is CSV with a header (query1, query2, label); lcqmc is
 * q1 TAB q2 TAB label; insurance-zhidao rank is q1 [SEP] q2 TAB label;
 * kuake-qqr is a JSON array of {query1, query2, label}, label "2" = same.
 *
 * Every set is its own small knowledge base: the scorer learns document
 * frequencies from the set's distinct questions before scoring, as
 * coverage takes them from the index it checks.
 *
 * The fit: an L2-regularised (1e-3) logistic regression of the label on
 * the WD_SIM_NFEATURES features by Newton's method, over the three tuning
 * sets pooled with each set weighted equally (so lcqmc's 8,802 pairs do not
 * drown zhidao's 1,000). The same-question threshold is then the threshold (0.05..0.95 by
 * 0.01) with the best mean F1 over the tuning sets (WD_SAME_QUESTION_AT).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "logit.h"
#include "metrics.h"
#include "pairs.h"
#include "wenda/buf.h"

typedef struct pair {
    char *a, *b;
    int label;
} pair;

typedef struct pairs {
    pair *p;
    size_t n, cap;
    size_t skipped;
} pairs;

static void pairs_free(pairs *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        wd_free(ps->p[i].a);
        wd_free(ps->p[i].b);
    }
    wd_free(ps->p);
    memset(ps, 0, sizeof *ps);
}

static int pairs_add(pairs *ps, const char *a, size_t alen, const char *b, size_t blen, int label)
{
    if (WD_GROW(ps->p, ps->cap, ps->n + 1, 1024) != WD_OK)
        return WD_ENOMEM;
    pair *p = &ps->p[ps->n];
    p->a = wd_strndup(a, alen);
    p->b = wd_strndup(b, blen);
    p->label = label;
    if (!p->a || !p->b) {
        wd_free(p->a);
        wd_free(p->b);
        return WD_ENOMEM;
    }
    ps->n++;
    return WD_OK;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    wd_buf b = WD_BUF_INIT;
    int rc = wd_buf_read_stream(&b, f);
    fclose(f);
    if (rc != WD_OK) {
        wd_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return wd_buf_detach(&b);
}

/* Split one CSV line (no embedded newlines in these files) into up to
 * `max` fields, unquoting in place. Returns the number of fields, -1 when
 * a quote is malformed. */
static int csv_split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return n;
        if (*p == '"') {
            char *w = ++p, *start = p;
            for (;;) {
                if (!*p)
                    return -1;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            *w = '\0';
            f[n++] = start;
            if (*p == ',') {
                p++;
                continue;
            }
            return *p ? -1 : n;
        }
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            return n;
        *c = '\0';
        p = c + 1;
    }
}

enum set_format { SF_TIANCHI, SF_LCQMC, SF_ZHIDAO, SF_KUAKE };

static int read_lines(char *data, int fmt, pairs *ps)
{
    int first = 1;
    for (char *line = data; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        int rc = WD_OK;
        if (fmt == SF_TIANCHI) {
            char *f[5];
            if (first) {
                first = 0;
            } else if (csv_split(line, f, 5) == 5 && (f[4][0] == '0' || f[4][0] == '1')) {
                rc = pairs_add(ps, f[2], strlen(f[2]), f[3], strlen(f[3]), f[4][0] == '1');
            } else if (len) {
                ps->skipped++;
            }
        } else {
            char *tab = strrchr(line, '\t');
            char *a = line, *b = NULL;
            if (tab) {
                *tab = '\0';
                if (fmt == SF_LCQMC) {
                    char *t2 = strchr(line, '\t');
                    if (t2) {
                        *t2 = '\0';
                        b = t2 + 1;
                    }
                } else {
                    char *sep = strstr(line, "[SEP]");
                    if (sep) {
                        *sep = '\0';
                        b = sep + 5;
                    }
                }
            }
            if (b && (tab[1] == '0' || tab[1] == '1'))
                rc = pairs_add(ps, a, strlen(a), b, strlen(b), tab[1] == '1');
            else if (len)
                ps->skipped++;
        }
        if (rc != WD_OK)
            return rc;
        line = nl ? nl + 1 : NULL;
    }
    return WD_OK;
}

static int read_kuake(const char *data, size_t len, pairs *ps, wd_error *err)
{
    json_error_t je;
    json_t *arr = json_loadb(data, len, 0, &je);
    if (!arr || !json_is_array(arr)) {
        json_decref(arr);
        return wd_error_set(err, WD_EFORMAT, "eval", "kuake-qqr: not a JSON array (%s)", je.text);
    }
    size_t i;
    json_t *o;
    int rc = WD_OK;
    json_array_foreach(arr, i, o)
    {
        const char *a = json_string_value(json_object_get(o, "query1"));
        const char *b = json_string_value(json_object_get(o, "query2"));
        const char *l = json_string_value(json_object_get(o, "label"));
        if (!a || !b || !l || l[0] < '0' || l[0] > '2' || l[1]) {
            ps->skipped++;
            continue;
        }
        rc = pairs_add(ps, a, strlen(a), b, strlen(b), l[0] == '2');
        if (rc != WD_OK)
            break;
    }
    json_decref(arr);
    return rc == WD_OK ? WD_OK : wd_error_set(err, rc, "eval", "out of memory");
}

static int cmp_strp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Features of every pair, with the set's own IDF table. */
static int featurize(const wd_dict *dict, const pairs *ps, double *feat, wd_error *err)
{
    wd_sim *sim = NULL;
    int rc = wd_sim_new(&sim, dict, err);
    if (rc != WD_OK)
        return rc;
    char **texts = wd_malloc((2 * ps->n + 1) * sizeof *texts);
    if (!texts) {
        wd_sim_free(sim);
        return wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    }
    for (size_t i = 0; i < ps->n; i++) {
        texts[2 * i] = ps->p[i].a;
        texts[2 * i + 1] = ps->p[i].b;
    }
    qsort(texts, 2 * ps->n, sizeof *texts, cmp_strp);
    for (size_t i = 0; rc == WD_OK && i < 2 * ps->n; i++)
        if (i == 0 || strcmp(texts[i], texts[i - 1]) != 0)
            rc = wd_sim_learn(sim, texts[i], strlen(texts[i]), err);
    wd_free(texts);
    for (size_t i = 0; rc == WD_OK && i < ps->n; i++)
        rc = wd_similarity_features(sim, ps->p[i].a, strlen(ps->p[i].a), ps->p[i].b,
                                    strlen(ps->p[i].b), feat + i * WD_SIM_NFEATURES, err);
    wd_sim_free(sim);
    return rc;
}

/* ---- the fit ---------------------------------------------------------------- */

#define NP (WD_SIM_NFEATURES + 1)

/* Solve A x = b (NP x NP) by Gaussian elimination with partial pivoting. */
static int solve(double A[NP][NP], double b[NP], double x[NP])
{
    for (int c = 0; c < NP; c++) {
        int piv = c;
        for (int r = c + 1; r < NP; r++)
            if (fabs(A[r][c]) > fabs(A[piv][c]))
                piv = r;
        if (fabs(A[piv][c]) < 1e-12)
            return -1;
        for (int k = 0; k < NP; k++) {
            double t = A[c][k];
            A[c][k] = A[piv][k];
            A[piv][k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (int r = c + 1; r < NP; r++) {
            double m = A[r][c] / A[c][c];
            for (int k = c; k < NP; k++)
                A[r][k] -= m * A[c][k];
            b[r] -= m * b[c];
        }
    }
    for (int r = NP - 1; r >= 0; r--) {
        double s = b[r];
        for (int k = r + 1; k < NP; k++)
            s -= A[r][k] * x[k];
        x[r] = s / A[r][r];
    }
    return 0;
}

static void fit_logistic(const double *feat, const int *label, const double *weight, size_t n,
                         double coef[NP])
{
    const double l2 = 1e-3;
    memset(coef, 0, NP * sizeof *coef);
    for (int it = 0; it < 50; it++) {
        double H[NP][NP] = { { 0 } }, g[NP] = { 0 }, step[NP] = { 0 };
        for (size_t i = 0; i < n; i++) {
            double x[NP];
            memcpy(x, feat + i * WD_SIM_NFEATURES, WD_SIM_NFEATURES * sizeof *x);
            x[NP - 1] = 1.0;
            double p = wd_logistic(x, NP - 1, NULL, NULL, coef);
            double w = weight[i];
            for (int k = 0; k < NP; k++) {
                g[k] += w * (label[i] - p) * x[k];
                for (int m = 0; m < NP; m++)
                    H[k][m] += w * p * (1 - p) * x[k] * x[m];
            }
        }
        for (int k = 0; k < NP - 1; k++) {
            g[k] -= l2 * coef[k];
            H[k][k] += l2;
        }
        if (solve(H, g, step) != 0)
            break;
        double delta = 0;
        for (int k = 0; k < NP; k++) {
            coef[k] += step[k];
            delta += fabs(step[k]);
        }
        if (delta < 1e-8)
            break;
    }
}

/* ---- the run ------------------------------------------------------------------ */

static const struct {
    const char *name, *split, *file;
    int fmt;
} SETS[WD_PAIRS_NSETS] = {
    { "tianchi", "tune", "tianchi-ncov-medical-qpairs/train_20200228.utf8.csv", SF_TIANCHI },
    { "lcqmc", "tune", "lcqmc/dev.txt", SF_LCQMC },
    { "zhidao", "tune", "insurance-zhidao-faq/insurance_zhidao_rank/dev.txt", SF_ZHIDAO },
    { "tianchi", "test", "tianchi-ncov-medical-qpairs/dev_20200228.utf8.csv", SF_TIANCHI },
    { "kuake", "test", "kuake-qqr/KUAKE-QQR_dev.json", SF_KUAKE },
    { "lcqmc", "test", "lcqmc/test.txt", SF_LCQMC },
    { "zhidao", "test", "insurance-zhidao-faq/insurance_zhidao_rank/test.txt", SF_ZHIDAO },
};

typedef struct set_data {
    pairs ps;
    double *feat;
    int *label;
    double *score;
    double *dice;
} set_data;

static void set_data_free(set_data *d)
{
    pairs_free(&d->ps);
    wd_free(d->feat);
    wd_free(d->label);
    wd_free(d->score);
    wd_free(d->dice);
}

static void score_set(set_data *d, const double *coef)
{
    for (size_t i = 0; i < d->ps.n; i++)
        d->score[i] = wd_sim_calibrate(d->feat + i * WD_SIM_NFEATURES, coef);
}

/* The threshold with the best mean F1 over the tuning sets. */
static double same_threshold(set_data *d, const wd_pairs_report *r)
{
    double best = -1, at = WD_SAME_QUESTION_AT;
    for (int k = 5; k <= 95; k++) {
        double t = k / 100.0, f1 = 0;
        int ns = 0;
        for (int s = 0; s < WD_PAIRS_NSETS; s++) {
            if (!r->set[s].ran || strcmp(r->set[s].split, "tune") != 0)
                continue;
            f1 += wd_metric_prf_at_threshold(d[s].score, d[s].label, d[s].ps.n, t).f1;
            ns++;
        }
        if (ns && f1 / ns > best + 1e-9) {
            best = f1 / ns;
            at = t;
        }
    }
    return at;
}

int wd_eval_pairs(const char *data_dir, const wd_dict *dict, int fit, wd_pairs_report *out,
                  wd_error *err)
{
    return wd_eval_pairs_dump(data_dir, dict, fit, NULL, NULL, out, err);
}

int wd_eval_pairs_dump(const char *data_dir, const wd_dict *dict, int fit, const char *dump,
                       FILE *dump_to, wd_pairs_report *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    out->same_at = WD_SAME_QUESTION_AT;
    set_data d[WD_PAIRS_NSETS];
    memset(d, 0, sizeof d);
    int rc = WD_OK;
    for (int s = 0; rc == WD_OK && s < WD_PAIRS_NSETS; s++) {
        wd_pairs_set *o = &out->set[s];
        snprintf(o->name, sizeof o->name, "%s", SETS[s].name);
        snprintf(o->split, sizeof o->split, "%s", SETS[s].split);
        snprintf(o->file, sizeof o->file, "%s", SETS[s].file);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data_dir, SETS[s].file);
        size_t len = 0;
        char *data = slurp(path, &len);
        if (!data) {
            snprintf(o->note, sizeof o->note, "skipped: cannot read %.200s", path);
            continue;
        }
        if (SETS[s].fmt == SF_KUAKE)
            rc = read_kuake(data, len, &d[s].ps, err);
        else if (read_lines(data, SETS[s].fmt, &d[s].ps) != WD_OK)
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        wd_free(data);
        if (rc != WD_OK)
            break;
        size_t n = d[s].ps.n;
        d[s].feat = wd_calloc(n ? n * WD_SIM_NFEATURES : 1, sizeof *d[s].feat);
        d[s].label = wd_calloc(n ? n : 1, sizeof *d[s].label);
        d[s].score = wd_calloc(n ? n : 1, sizeof *d[s].score);
        d[s].dice = wd_calloc(n ? n : 1, sizeof *d[s].dice);
        if (!d[s].feat || !d[s].label || !d[s].score || !d[s].dice) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        rc = featurize(dict, &d[s].ps, d[s].feat, err);
        for (size_t i = 0; i < n; i++) {
            d[s].label[i] = d[s].ps.p[i].label;
            d[s].dice[i] = d[s].feat[i * WD_SIM_NFEATURES + 3];
            o->positives += (size_t)d[s].label[i];
        }
        o->pairs = n;
        o->skipped = d[s].ps.skipped;
        o->ran = n > 0;
    }
    const double *coef = NULL;
    if (rc == WD_OK && fit) {
        size_t total = 0, ntune = 0;
        for (int s = 0; s < WD_PAIRS_NSETS; s++)
            if (out->set[s].ran && strcmp(out->set[s].split, "tune") == 0) {
                total += d[s].ps.n;
                ntune++;
            }
        double *feat = wd_malloc((total + 1) * WD_SIM_NFEATURES * sizeof *feat);
        int *label = wd_malloc((total + 1) * sizeof *label);
        double *weight = wd_malloc((total + 1) * sizeof *weight);
        if (!feat || !label || !weight)
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        size_t at = 0;
        for (int s = 0; rc == WD_OK && s < WD_PAIRS_NSETS; s++) {
            if (!out->set[s].ran || strcmp(out->set[s].split, "tune") != 0)
                continue;
            size_t n = d[s].ps.n;
            memcpy(feat + at * WD_SIM_NFEATURES, d[s].feat, n * WD_SIM_NFEATURES * sizeof *feat);
            memcpy(label + at, d[s].label, n * sizeof *label);
            /* Each set weighs the same, and within a set the two classes
             * weigh the same: the confidence is the probability of "same"
             * at even odds, whatever a corpus's base rate. */
            size_t pos = out->set[s].positives, neg = n - pos;
            for (size_t i = 0; i < n; i++)
                weight[at + i] =
                    (double)total / ((double)ntune * 2.0 * (double)(label[at + i] ? pos : neg));
            at += n;
        }
        if (rc == WD_OK && total) {
            fit_logistic(feat, label, weight, total, out->coef);
            out->fitted = 1;
            coef = out->coef;
        }
        wd_free(feat);
        wd_free(label);
        wd_free(weight);
    }
    for (int s = 0; rc == WD_OK && s < WD_PAIRS_NSETS; s++)
        if (out->set[s].ran)
            score_set(&d[s], coef);
    if (rc == WD_OK && out->fitted) {
        out->fit_same_at = same_threshold(d, out);
        out->same_at = out->fit_same_at;
    }
    for (int s = 0; rc == WD_OK && s < WD_PAIRS_NSETS; s++) {
        wd_pairs_set *o = &out->set[s];
        if (!o->ran)
            continue;
        wd_error e2;
        if (o->positives == 0 || o->positives == o->pairs) {
            snprintf(o->note, sizeof o->note, "only one class: no AUC");
            continue;
        }
        rc = wd_metric_roc_auc(d[s].score, d[s].label, o->pairs, &o->auc, &e2);
        if (rc == WD_OK)
            rc = wd_metric_roc_auc(d[s].dice, d[s].label, o->pairs, &o->dice_auc, &e2);
        wd_prf p = wd_metric_prf_at_threshold(d[s].score, d[s].label, o->pairs, out->same_at);
        o->precision = p.precision;
        o->recall = p.recall;
        o->f1 = p.f1;
        if (rc == WD_OK)
            rc = wd_metric_best_f1(d[s].score, d[s].label, o->pairs, &o->best_threshold, &p, &e2);
        o->best_f1 = p.f1;
        if (rc != WD_OK)
            wd_error_set(err, rc, "eval", "%s", e2.message);
    }
    for (int s = 0; rc == WD_OK && dump && dump_to && s < WD_PAIRS_NSETS; s++) {
        char key[40];
        snprintf(key, sizeof key, "%s/%s", out->set[s].name, out->set[s].split);
        if (strcmp(key, dump) != 0)
            continue;
        for (size_t i = 0; i < d[s].ps.n; i++) {
            fprintf(dump_to, "%d\t%.3f", d[s].label[i], d[s].score[i]);
            for (int k = 0; k < WD_SIM_NFEATURES; k++)
                fprintf(dump_to, "\t%.2f", d[s].feat[i * WD_SIM_NFEATURES + k]);
            fprintf(dump_to, "\t%s\t%s\n", d[s].ps.p[i].a, d[s].ps.p[i].b);
        }
    }
    for (int s = 0; s < WD_PAIRS_NSETS; s++)
        set_data_free(&d[s]);
    return rc;
}

void wd_eval_pairs_print(const wd_pairs_report *r, FILE *to)
{
    fprintf(to,
            "| set | split | pairs | same | AUC | bigram-Dice AUC | P | R | F1 @ %.2f | best F1 "
            "(at) |\n",
            r->same_at);
    fprintf(to, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int s = 0; s < WD_PAIRS_NSETS; s++) {
        const wd_pairs_set *o = &r->set[s];
        if (!o->ran) {
            fprintf(to, "| %s | %s | | | | | | | | %s |\n", o->name, o->split, o->note);
            continue;
        }
        fprintf(to, "| %s | %s | %zu | %zu | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f (%.2f) |\n",
                o->name, o->split, o->pairs, o->positives, o->auc, o->dice_auc, o->precision,
                o->recall, o->f1, o->best_f1, o->best_threshold);
    }
    if (r->fitted) {
        fprintf(to, "\nrefit coefficients (paste into query/similarity.c COEF):\n    ");
        for (int k = 0; k <= WD_SIM_NFEATURES; k++)
            fprintf(to, "%.4f%s", r->coef[k], k < WD_SIM_NFEATURES ? ", " : "\n");
        fprintf(to, "    /* ");
        for (int k = 0; k < WD_SIM_NFEATURES; k++)
            fprintf(to, "%s ", wd_sim_feature_name(k));
        fprintf(to, "intercept */\nsame-question threshold (WD_SAME_QUESTION_AT): %.2f\n",
                r->fit_same_at);
    }
}
