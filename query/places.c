/*
 * places.c - which places a question names and whether two questions name
 * compatible ones (see places.h). The generated table is sorted once into
 * an index by word, then looked up by binary search; a place is identified
 * by its short form, so 石家庄 and 石家庄市 are the same place.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "places.h"

static uint16_t *by_word; /* indexes into wd_place_table, sorted by word */
static size_t n_sorted;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static uint16_t sorted_storage[4096];

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(wd_place_table[*(const uint16_t *)a].word,
                  wd_place_table[*(const uint16_t *)b].word);
}

static void build(void)
{
    size_t n = wd_place_count < 4096 ? wd_place_count : 4096;
    for (size_t i = 0; i < n; i++)
        sorted_storage[i] = (uint16_t)i;
    qsort(sorted_storage, n, sizeof *sorted_storage, cmp_entry);
    by_word = sorted_storage;
    n_sorted = n;
}

int wd_place_find(const char *word, size_t len)
{
    pthread_once(&once, build);
    size_t lo = 0, hi = n_sorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *w = wd_place_table[by_word[mid]].word;
        int c = strncmp(w, word, len);
        if (c == 0 && w[len] != '\0')
            c = 1; /* w is longer: it sorts after word */
        if (c == 0)
            return by_word[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int same_place(int a, int b)
{
    return strcmp(wd_place_table[a].place, wd_place_table[b].place) == 0;
}

static int is_province(int a)
{
    return strcmp(wd_place_table[a].place, wd_place_table[a].province) == 0;
}

/* A province the set also names a city of says nothing more (广东肇庆 is
 * about 肇庆), so a set keeps its most specific places only. */
void wd_placeset_add(wd_placeset *s, int id)
{
    if (id < 0 || (size_t)id >= wd_place_count)
        return;
    const char *place = wd_place_table[id].place, *province = wd_place_table[id].province;
    unsigned n = 0;
    for (unsigned i = 0; i < s->n; i++) {
        int m = s->id[i];
        if (same_place(m, id))
            return;
        if (is_province(id) && strcmp(wd_place_table[m].province, place) == 0)
            return; /* a city of it is there already */
        if (!is_province(id) && is_province(m) && strcmp(wd_place_table[m].place, province) == 0)
            continue; /* its province: dropped */
        s->id[n++] = s->id[i];
    }
    s->n = n;
    if (s->n < WD_PLACES_MAX)
        s->id[s->n++] = (uint16_t)id;
}

/* a is b, or one is the other's province. */
static int related(int a, int b)
{
    const wd_place_entry *x = &wd_place_table[a], *y = &wd_place_table[b];
    return strcmp(x->place, y->place) == 0 || strcmp(x->province, y->place) == 0 ||
           strcmp(y->province, x->place) == 0;
}

int wd_placeset_relation(const wd_placeset *a, const wd_placeset *b)
{
    if (!a->n || !b->n)
        return 0;
    for (unsigned i = 0; i < a->n; i++)
        for (unsigned k = 0; k < b->n; k++)
            if (related(a->id[i], b->id[k]))
                return 1;
    return -1;
}
