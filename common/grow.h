/*
 * grow.h - the one way an array grows in this tree.
 *
 * wd_grow makes room for `need` elements of `size` bytes in the array at
 * *arr (capacity *cap, in elements), doubling from at least `min` so that
 * appending n elements one by one costs O(n). On failure the array is left
 * as it was (still owned by the caller) and WD_ENOMEM is returned.
 *
 *     if (WD_GROW(v->items, v->cap, v->n + 1, 16) != WD_OK)
 *         return WD_ENOMEM;
 *     v->items[v->n++] = x;
 *
 * Parallel arrays that share one capacity grow each from a copy of it: the
 * new capacity depends only on the old one, need and min, so the copies
 * agree, and the shared one is set only when every array has grown.
 *
 *     size_t cap = v->cap, cap_b = v->cap;
 *     if (WD_GROW(v->a, cap, v->n + 1, 16) != WD_OK ||
 *         WD_GROW(v->b, cap_b, v->n + 1, 16) != WD_OK)
 *         return WD_ENOMEM;
 *     v->cap = cap;
 */
#ifndef WENDA_GROW_H
#define WENDA_GROW_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/error.h"

static inline int wd_grow(void **arr, size_t *cap, size_t need, size_t size, size_t min)
{
    if (need <= *cap)
        return WD_OK;
    size_t n = *cap ? *cap : (min ? min : 1);
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return WD_ENOMEM;
        n *= 2;
    }
    if (size && n > SIZE_MAX / size)
        return WD_ENOMEM;
    void *p = wd_realloc(*arr, n * size);
    if (!p)
        return WD_ENOMEM;
    *arr = p;
    *cap = n;
    return WD_OK;
}

/* wd_grow for an array lvalue and its capacity lvalue. */
#define WD_GROW(arr, cap, need, min) wd_grow((void **)&(arr), &(cap), (need), sizeof *(arr), (min))

#endif
