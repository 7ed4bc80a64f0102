/*
 * logistic.c - weighted L2-penalised logistic regression by Newton's method
 * (logistic.h). The models are small (tens of features, tens of thousands of
 * rows), so the Hessian is formed in full and solved by Gaussian elimination
 * with partial pivoting.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "logistic.h"
#include "logit.h"
#include "wenda/error.h"

/* Solve A x = b in place (A is n x n, row-major). -1 when singular. */
static int solve(double *A, double *b, double *x, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabs(A[r * n + c]) > fabs(A[piv * n + c]))
                piv = r;
        if (fabs(A[piv * n + c]) < 1e-12)
            return -1;
        for (size_t k = 0; k < n; k++) {
            double t = A[c * n + k];
            A[c * n + k] = A[piv * n + k];
            A[piv * n + k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (size_t r = c + 1; r < n; r++) {
            double m = A[r * n + c] / A[c * n + c];
            for (size_t k = c; k < n; k++)
                A[r * n + k] -= m * A[c * n + k];
            b[r] -= m * b[c];
        }
    }
    for (size_t r = n; r-- > 0;) {
        double s = b[r];
        for (size_t k = r + 1; k < n; k++)
            s -= A[r * n + k] * x[k];
        x[r] = s / A[r * n + r];
    }
    return 0;
}

double wd_logistic_predict(const double *row, size_t k, const double *coef)
{
    return wd_logistic(row, k, NULL, NULL, coef);
}

int wd_logistic_fit(const double *x, const int *y, const double *w, size_t n, size_t k, double l2,
                    double *coef)
{
    size_t np = k + 1;
    double *H = wd_malloc(np * np * sizeof *H), *g = wd_malloc(np * sizeof *g),
           *step = wd_malloc(np * sizeof *step), *row = wd_malloc(np * sizeof *row);
    int rc = H && g && step && row ? 0 : -1;
    memset(coef, 0, np * sizeof *coef);
    for (int it = 0; rc == 0 && it < 100; it++) {
        memset(H, 0, np * np * sizeof *H);
        memset(g, 0, np * sizeof *g);
        memset(step, 0, np * sizeof *step);
        for (size_t i = 0; i < n; i++) {
            memcpy(row, x + i * k, k * sizeof *row);
            row[k] = 1.0;
            double p = wd_logistic_predict(row, k, coef);
            double wi = w ? w[i] : 1.0;
            for (size_t a = 0; a < np; a++) {
                g[a] += wi * (y[i] - p) * row[a];
                for (size_t b = 0; b < np; b++)
                    H[a * np + b] += wi * p * (1 - p) * row[a] * row[b];
            }
        }
        for (size_t a = 0; a < k; a++) {
            g[a] -= l2 * coef[a];
            H[a * np + a] += l2;
        }
        if (solve(H, g, step, np) != 0) {
            rc = -1;
            break;
        }
        double delta = 0;
        for (size_t a = 0; a < np; a++) {
            coef[a] += step[a];
            delta += fabs(step[a]);
        }
        if (delta < 1e-9)
            break;
    }
    wd_free(H);
    wd_free(g);
    wd_free(step);
    wd_free(row);
    return rc;
}

void wd_model_standardise(double *x, size_t n, size_t k, double *mean, double *scale)
{
    for (size_t c = 0; c < k; c++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < n; i++)
            m += x[i * k + c] / (double)n;
        for (size_t i = 0; i < n; i++)
            v += (x[i * k + c] - m) * (x[i * k + c] - m) / (double)n;
        mean[c] = m;
        scale[c] = v > 1e-12 ? sqrt(v) : 1.0;
        for (size_t i = 0; i < n; i++)
            x[i * k + c] = (x[i * k + c] - m) / scale[c];
    }
}

void wd_model_write_array(FILE *f, const char *name, const char *size, const double *v, size_t n,
                          const char *(*names)(int i))
{
    fprintf(f, "const double %s[%s] = {\n", name, size);
    int w = 0;
    for (size_t i = 0; i < n; i++) {
        char s[32];
        int l = snprintf(s, sizeof s, "%.8g,", v[i]);
        w = l > w ? l : w;
    }
    for (size_t i = 0; i < n; i++) {
        char s[32];
        snprintf(s, sizeof s, "%.8g,", v[i]);
        const char *nm = names(i);
        fprintf(f, "    %-*s /* %s */\n", w, s, nm && strcmp(nm, "?") != 0 ? nm : "intercept");
    }
    fprintf(f, "};\n\n");
}
