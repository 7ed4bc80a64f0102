/*
 * logistic.h - private to tools/: fitting a weighted logistic regression
 * with an L2 penalty (Newton's method), for the models wenda freezes into
 * its source: the same-question confidence (pairs.c) and the answer
 * confidence (confidence.c).
 */
#ifndef WENDA_EVAL_LOGISTIC_H
#define WENDA_EVAL_LOGISTIC_H

#include <stddef.h>
#include <stdio.h>

/* Fit coef[0..k] (k weights, the intercept last) to rows x[i*k .. i*k+k)
 * with labels y[i] in {0, 1} and weights w[i] (NULL: 1), penalising the
 * weights (not the intercept) by l2 * |coef|^2 / 2. Returns 0, or -1 when
 * out of memory or the Hessian is singular (coef then holds the last
 * iterate). */
int wd_logistic_fit(const double *x, const int *y, const double *w, size_t n, size_t k, double l2,
                    double *coef);
/* The probability the model gives a row. */
double wd_logistic_predict(const double *row, size_t k, const double *coef);

/* Standardise rows x[i*k .. i*k+k) in place: each column less its mean,
 * over its standard deviation (1 for a constant column); the means and
 * scales are written to mean[k] and scale[k]. */
void wd_model_standardise(double *x, size_t n, size_t k, double *mean, double *scale);

/* Write `const double NAME[SIZE] = { ... };` with one value a line and each
 * line's name (name(i), "intercept" past the names) as an aligned comment,
 * as .clang-format lays such a table out: how the generated models are
 * written. */
void wd_model_write_array(FILE *f, const char *name, const char *size, const double *v, size_t n,
                          const char *(*names)(int i));

#endif
