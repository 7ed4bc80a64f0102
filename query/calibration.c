/*
 * calibration.c - the thresholds the answer confidence is judged at
 * (wenda/search.h): the built-in ones, fitting them to a base's labelled
 * questions, and keeping them in a small JSON file (the index folder's
 * WD_CALIBRATION_FILE, or one the user names).
 *
 * A fitted calibration names the confidence model it was fitted for (a
 * hash of the model's coefficients): a wenda whose model changed does not
 * apply thresholds that were right for another one.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "confidence.h"
#include "hash.h"
#include "searcher.h"
#include "wenda/coverage.h"

const char *wd_confidence_model(void)
{
    static char id[24];
    if (!id[0]) { /* a benign race: every thread writes the same bytes */
        uint64_t h = wd_fnv1a64(wd_conf_mean, sizeof wd_conf_mean, WD_FNV_OFFSET);
        h = wd_fnv1a64(wd_conf_scale, sizeof wd_conf_scale, h);
        h = wd_fnv1a64(wd_conf_coef, sizeof wd_conf_coef, h);
        snprintf(id, sizeof id, "c%d-%08llx", WD_CONF_NFEATURES,
                 (unsigned long long)(h & 0xffffffffULL));
    }
    return id;
}

void wd_calibration_builtin(wd_calibration *out)
{
    memset(out, 0, sizeof *out);
    out->covered_at = wd_conf_covered_at;
    out->partial_at = wd_conf_partial_at;
    snprintf(out->model, sizeof out->model, "%s", wd_confidence_model());
}

int wd_calibration_read(const char *file, wd_calibration *out, wd_error *err)
{
    wd_calibration_builtin(out);
    json_error_t je;
    FILE *f = fopen(file, "rb");
    if (!f)
        return wd_error_set(err, WD_ENOTFOUND, "calibration", "%s: no calibration file", file);
    json_t *o = json_loadf(f, 0, &je);
    fclose(f);
    double cov = 0, par = 0, acc = 0, auc = 0;
    const char *model = NULL, *when = NULL;
    json_int_t n = 0;
    if (!o ||
        json_unpack_ex(o, &je, 0, "{s:F, s:F, s:s, s?s, s?I, s?F, s?F}", "covered_at", &cov,
                       "partial_at", &par, "model", &model, "fitted_at", &when, "questions", &n,
                       "accuracy", &acc, "auc", &auc) != 0 ||
        cov < 0 || cov > 1 || par < 0 || par > cov) {
        json_decref(o);
        return wd_error_set(err, WD_EFORMAT, "calibration",
                            "%s: not a calibration file (%s); fit one with wenda coverage "
                            "--calibrate",
                            file, je.text[0] ? je.text : "thresholds out of range");
    }
    if (strcmp(model, wd_confidence_model()) != 0) {
        int rc = wd_error_set(err, WD_EINVAL, "calibration",
                              "%s: fitted for another confidence model (%s, this wenda has %s); "
                              "refit it with wenda coverage --calibrate",
                              file, model, wd_confidence_model());
        json_decref(o);
        return rc;
    }
    out->covered_at = cov;
    out->partial_at = par;
    out->fitted = 1;
    snprintf(out->fitted_at, sizeof out->fitted_at, "%s", when ? when : "");
    out->questions = n > 0 ? (unsigned)n : 0;
    out->accuracy = acc;
    out->auc = auc;
    json_decref(o);
    return WD_OK;
}

int wd_calibration_to_json(const wd_calibration *cal, wd_buf *out)
{
    json_t *o = json_pack("{s:f, s:f, s:s, s:s, s:I, s:f, s:f}", "covered_at", cal->covered_at,
                          "partial_at", cal->partial_at, "model", cal->model, "fitted_at",
                          cal->fitted_at, "questions", (json_int_t)cal->questions, "accuracy",
                          cal->accuracy, "auc", cal->auc);
    char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(o);
    int rc = text ? wd_buf_puts(out, text) : WD_ENOMEM;
    if (rc == WD_OK)
        rc = wd_buf_putc(out, '\n');
    free(text);
    return rc;
}

int wd_calibration_write(const char *file, const wd_calibration *cal, wd_error *err)
{
    wd_buf text = WD_BUF_INIT, tmp = WD_BUF_INIT;
    wd_buf_printf(&tmp, "%s.tmp", file);
    if (wd_calibration_to_json(cal, &text) != WD_OK || tmp.oom) {
        wd_buf_free(&text);
        wd_buf_free(&tmp);
        return wd_error_set(err, WD_ENOMEM, "calibration", "out of memory");
    }
    int rc = WD_OK;
    FILE *f = fopen(tmp.data, "w");
    if (!f)
        rc = wd_error_set(err, WD_EIO, "calibration", "%s: cannot write", tmp.data);
    if (rc == WD_OK && (fwrite(text.data, 1, text.len, f) != text.len || fflush(f) != 0))
        rc = wd_error_set(err, WD_EIO, "calibration", "%s: cannot write", tmp.data);
    if (f && fclose(f) != 0 && rc == WD_OK)
        rc = wd_error_set(err, WD_EIO, "calibration", "%s: cannot write", tmp.data);
    if (rc == WD_OK && rename(tmp.data, file) != 0)
        rc = wd_error_set(err, WD_EIO, "calibration", "%s: cannot write", file);
    if (rc != WD_OK && f)
        remove(tmp.data);
    wd_buf_free(&text);
    wd_buf_free(&tmp);
    return rc;
}

typedef struct labelled {
    double c;
    int y;
} labelled;

static int by_c(const void *a, const void *b)
{
    double x = ((const labelled *)a)->c, y = ((const labelled *)b)->c;
    return x < y ? -1 : x > y;
}

int wd_calibration_fit(const double *confidence, const int *answered, size_t n, wd_calibration *out,
                       wd_error *err)
{
    wd_calibration_builtin(out);
    labelled *v = wd_malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return wd_error_set(err, WD_ENOMEM, "calibration", "out of memory");
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = (labelled){ confidence[i], answered[i] != 0 };
        pos += v[i].y;
    }
    if (pos == 0 || pos == n) {
        wd_free(v);
        return wd_error_set(err, WD_EINVAL, "calibration",
                            "the labelled questions must include both covered and uncovered ones "
                            "(%zu of %zu are covered)",
                            pos, n);
    }
    qsort(v, n, sizeof *v, by_c);
    /* A threshold at boundary j (between distinct confidences) covers
     * v[j..n): right = the uncovered ones below it + the covered ones from
     * it. Of the boundaries with the most right, the middle one. */
    size_t *at = wd_malloc((n + 1) * sizeof *at), nat = 0, best = 0, right = pos;
    double rank_sum = 0;
    if (!at) {
        wd_free(v);
        return wd_error_set(err, WD_ENOMEM, "calibration", "out of memory");
    }
    at[nat++] = 0;
    best = right;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].c == v[i].c)
            j++;
        for (size_t k = i; k < j; k++) {
            right = v[k].y ? right - 1 : right + 1;
            if (v[k].y)
                rank_sum += (double)(i + j + 1) / 2.0; /* mid-rank of the ties, 1-based */
        }
        if (right > best) {
            best = right;
            nat = 0;
        }
        if (right == best)
            at[nat++] = j;
        i = j;
    }
    size_t j = at[nat / 2];
    wd_free(at);
    double below = j ? v[j - 1].c : 0, above = j < n ? v[j].c : 1;
    out->covered_at = j == 0 ? below : (below + above) / 2;
    out->partial_at = out->covered_at * WD_PARTIAL_SHARE;
    out->accuracy = (double)best / (double)n;
    double neg = (double)(n - pos);
    out->auc = (rank_sum - (double)pos * ((double)pos + 1) / 2) / ((double)pos * neg);
    out->fitted = 1;
    out->questions = (unsigned)n;
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(out->fitted_at, sizeof out->fitted_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    wd_free(v);
    return WD_OK;
}

const wd_calibration *wd_searcher_calibration(const wd_searcher *s)
{
    return &s->cal;
}

void wd_searcher_set_calibration(wd_searcher *s, const wd_calibration *cal)
{
    s->cal = *cal;
}
