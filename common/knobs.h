/*
 * knobs.h - reading a development knob list from the environment:
 * "key=value,key=value" (keys of lower-case letters and digits, values
 * numbers), as WENDA_TUNE and WENDA_ASSOC take it. Reading stops at the
 * first item that is not key=value.
 */
#ifndef WENDA_COMMON_KNOBS_H
#define WENDA_COMMON_KNOBS_H

#include <stdio.h>

/* fn(ctx, key, value) for each item of s (NULL: none). */
static inline void wd_knobs_each(const char *s, void (*fn)(void *ctx, const char *key, double v),
                                 void *ctx)
{
    while (s && *s) {
        char key[16];
        double v;
        int n = 0;
        if (sscanf(s, "%15[a-z0-9]=%lf%n", key, &v, &n) != 2)
            break;
        fn(ctx, key, v);
        s += n;
        if (*s == ',')
            s++;
    }
}

#endif
