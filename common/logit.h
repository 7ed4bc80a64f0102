/*
 * logit.h - the one definition of applying a fitted logistic model, for
 * every model wenda freezes into its source (the same-question confidence,
 * the answer confidence, the learned ranking) and the tools that fit them.
 */
#ifndef WENDA_COMMON_LOGIT_H
#define WENDA_COMMON_LOGIT_H

#include <math.h>
#include <stddef.h>

/* The probability the model gives features f[0..k): coef holds k weights
 * and the intercept last; with mean and scale (both or neither) the
 * weights are over the standardised features (f - mean) / scale. */
static inline double wd_logistic(const double *f, size_t k, const double *mean, const double *scale,
                                 const double *coef)
{
    double z = coef[k];
    for (size_t j = 0; j < k; j++)
        z += mean ? coef[j] * (f[j] - mean[j]) / scale[j] : coef[j] * f[j];
    return 1.0 / (1.0 + exp(-z));
}

#endif
