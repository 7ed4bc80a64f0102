/*
 * places.c - which places a question names and whether two questions name
 * compatible ones (see places.h). The generated table is sorted by word
 * and searched in place; a place is identified by its short form, so 石家庄
 * and 石家庄市 are the same place.
 */
#include <pthread.h>
#include <string.h>

#include "places.h"

/* Most words looked up name no place: the first characters of the table's
 * words (those of three bytes, as all Chinese ones are), one bit each, turn
 * them away before the binary search. Made once, on the first look-up. */
static uint64_t first_chars[65536 / 64];
static pthread_once_t first_chars_made = PTHREAD_ONCE_INIT;

/* The code point of the three-byte character s starts with; -1 when it
 * starts with none. */
static long first_char(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len < 3 || (u[0] & 0xF0) != 0xE0 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
        return -1;
    return (long)(u[0] & 0x0F) << 12 | (long)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
}

static void make_first_chars(void)
{
    for (size_t i = 0; i < wd_place_count; i++) {
        const char *w = wd_place_table[i].word;
        long c = first_char(w, strlen(w));
        if (c >= 0)
            first_chars[c / 64] |= (uint64_t)1 << (c % 64);
    }
}

int wd_place_find(const char *word, size_t len)
{
    pthread_once(&first_chars_made, make_first_chars);
    long first = first_char(word, len);
    if (first >= 0 && !(first_chars[first / 64] >> (first % 64) & 1))
        return -1;
    size_t lo = 0, hi = wd_place_count; /* the table is sorted by word (places.cmake) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *w = wd_place_table[mid].word;
        int c = strncmp(w, word, len);
        if (c == 0 && w[len] != '\0')
            c = 1; /* w is longer: it sorts after word */
        if (c == 0)
            return (int)mid;
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
