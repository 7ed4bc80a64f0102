/*
 * assoc.c - the stored word associations of an index read into a table
 * (assoc.h): one copy of the text, cut into NUL-terminated words, and a map
 * from each word to its run of entries; and a searcher's table, read from
 * its index on first use, as the match and `wenda dict assoc list` ask it.
 */
#include "assoc.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "schema.h"
#include "searcher.h"

#define ASSOC_HEADER "wenda-assoc 1\n"

char *wd_assoc_other_shown(const char *other)
{
    char *v = wd_strdup(other), *to = v;
    for (const char *p = other; v && *p; p++)
        if (*p != ' ')
            *to++ = *p;
    if (v)
        *to = '\0';
    return v;
}

/* Whether the overlay took the pair out; a long form by its words joined. */
static int removed(const wd_dict *d, const char *w, size_t wl, const char *o, size_t ol)
{
    if (!memchr(o, ' ', ol))
        return wd_dict_assoc_removed(d, w, wl, o, ol);
    char *shown = wd_assoc_other_shown(o);
    int r = shown && wd_dict_assoc_removed(d, w, wl, shown, strlen(shown));
    wd_free(shown);
    return r;
}

int wd_assoc_parse(wd_assoc *a, const char *text, size_t len, const wd_dict *d)
{
    wd_assoc_free(a);
    a->words = (wd_strmap)WD_STRMAP_INIT(2 * sizeof(size_t)); /* a zeroed table too */
    size_t hl = strlen(ASSOC_HEADER);
    if (len < hl || memcmp(text, ASSOC_HEADER, hl) != 0)
        return WD_OK; /* none, or a form this wenda does not read */
    if (!(a->text = wd_strndup(text, len)))
        return WD_ENOMEM;
    size_t cap = 0;
    char *p = a->text + hl, *end = a->text + len;
    const char *cur = NULL; /* the word whose run is being read */
    size_t curlen = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        *eol = '\0';
        char *f[4];
        size_t nf = 0;
        for (char *q = p; nf < 4;) {
            f[nf++] = q;
            char *tab = strchr(q, '\t');
            if (!tab)
                break;
            *tab = '\0';
            q = tab + 1;
        }
        char *wend = NULL;
        double w = nf == 4 ? strtod(f[3], &wend) : 0;
        size_t wl = nf == 4 ? strlen(f[0]) : 0, ol = nf == 4 ? strlen(f[1]) : 0;
        p = eol + 1;
        if (nf != 4 || !wl || !ol || strlen(f[2]) != 1 || !wend || *wend || !(w > 0 && w <= 1))
            continue;
        if (d && removed(d, f[0], wl, f[1], ol))
            continue;
        if (WD_GROW(a->e, cap, a->n + 1, 256) != WD_OK) {
            wd_assoc_free(a);
            return WD_ENOMEM;
        }
        if (!cur || curlen != wl || memcmp(cur, f[0], wl) != 0) {
            int added = 0;
            size_t *run = wd_strmap_put(&a->words, f[0], wl, &added);
            if (!run) {
                wd_assoc_free(a);
                return WD_ENOMEM;
            }
            if (!added) /* a word's lines are together; a second run is passed over */
                continue;
            run[0] = a->n;
            cur = f[0];
            curlen = wl;
        }
        size_t *run = wd_strmap_get(&a->words, f[0], wl);
        run[1]++;
        a->e[a->n++] = (wd_assoc_entry){ f[1], w, f[2][0] };
    }
    return WD_OK;
}

size_t wd_assoc_of(const wd_assoc *a, const char *word, size_t len, const wd_assoc_entry **out)
{
    *out = NULL;
    const size_t *run = a->n ? wd_strmap_get(&a->words, word, len) : NULL;
    if (!run || !run[1])
        return 0;
    *out = a->e + run[0];
    return run[1];
}

void wd_assoc_free(wd_assoc *a)
{
    wd_strmap_clear(&a->words);
    wd_free(a->e);
    wd_free(a->text);
    a->e = NULL;
    a->n = 0;
    a->text = NULL;
}

/* ---- a searcher's associations --------------------------------------------- */

int wd_searcher_assoc(wd_searcher *s, const wd_assoc **out, wd_error *err)
{
    *out = &s->assoc;
    if (s->assoc_read)
        return WD_OK;
    char *text = NULL;
    int rc = xc_db_get_metadata(s->db, WD_META_ASSOC, &text, err);
    if (rc == WD_OK && wd_assoc_parse(&s->assoc, text, strlen(text), s->dict) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    wd_free(text);
    s->assoc_read = rc == WD_OK;
    return rc;
}

const char *wd_association_kind_name(char kind)
{
    switch (kind) {
    case 't': return "translation";
    case 'a': return "same answer";
    case 's': return "short form";
    case 'l': return "long form";
    default: return "other";
    }
}

void wd_associations_free(wd_association *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        wd_free(a[i].word);
        wd_free(a[i].other);
    }
    wd_free(a);
}

int wd_searcher_associations(wd_searcher *s, const char *word, size_t len, wd_association **out,
                             size_t *n, wd_error *err)
{
    *out = NULL;
    *n = 0;
    const wd_assoc *a = NULL;
    char *norm = NULL;
    int rc = wd_searcher_assoc(s, &a, err);
    if (rc == WD_OK)
        rc = wd_normalize(s->an, word, len, &norm, NULL, err);
    const wd_assoc_entry *e = NULL;
    size_t ne = rc == WD_OK ? wd_assoc_of(a, norm, strlen(norm), &e) : 0;
    wd_association *v = ne ? wd_calloc(ne, sizeof *v) : NULL;
    if (ne && !v)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    for (size_t i = 0; v && i < ne; i++) {
        v[i] = (wd_association){ wd_strdup(norm), wd_assoc_other_shown(e[i].other), e[i].kind,
                                 e[i].weight, 0 };
        if (!v[i].word || !v[i].other)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    wd_free(norm);
    if (rc != WD_OK) {
        wd_associations_free(v, ne);
        return rc;
    }
    *out = v;
    *n = ne;
    return WD_OK;
}
