/*
 * analysis.c - a question analysed once (analysis.h): one pass of the
 * analyzer in index mode gives the words, sub-words and particles, the CJK
 * n-grams (wenda/bigram.h, as the indexer makes them) and the normalised
 * text; the places come from the words. A long question is trimmed to its
 * most informative words (wd_qtext_trim), so that what every later stage
 * does with it is bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "grow.h"
#include "hash.h"
#include "strmap.h"
#include "xapian_c.h"

/* A text being analysed, with its entries indexed by kind class and text
 * (a question of thousands of words is analysed in linear time). */
typedef struct analysing {
    wd_qtext *q;
    wd_strmap index; /* "\0" or "\1" (n-gram) + text -> size_t entry */
    int words_only;  /* only the words and particles (a long question's first look) */
} analysing;

/* Add an occurrence of text as kind; words, sub-words and particles of the
 * same text are one entry, n-grams another. Returns the entry, or -1 (a
 * text too long to be a term is left out; out of memory sets q->oom). */
static long add_word(analysing *a, const char *text, size_t len, int kind, uint32_t pos)
{
    wd_qtext *q = a->q;
    if (len + 2 > XC_MAX_TERM_BYTES)
        return -1;
    char key[XC_MAX_TERM_BYTES];
    key[0] = kind == WD_QK_NGRAM;
    memcpy(key + 1, text, len);
    int added = 0;
    size_t *at = wd_strmap_put(&a->index, key, len + 1, &added);
    if (!at) {
        q->oom = 1;
        return -1;
    }
    if (!added) {
        wd_qword *w = &q->w[*at];
        w->wqf++;
        if (kind < w->kind)
            w->kind = kind;
        return (long)*at;
    }
    char *copy = wd_strndup(text, len);
    if (!copy || WD_GROW(q->w, q->cap, q->n + 1, 16) != WD_OK) {
        wd_free(copy);
        q->oom = 1;
        return -1;
    }
    q->w[q->n] = (wd_qword){ copy, len,  kind, 1, pos, wd_hash_bytes(text, len), WD_QW_NOT_PRIMARY,
                             0,    NULL, 0 };
    *at = q->n;
    return (long)q->n++;
}

static int add_ngram(void *vctx, const char *text, size_t len, uint32_t pos)
{
    analysing *a = vctx;
    add_word(a, text, len, WD_QK_NGRAM, pos + 1);
    return a->q->oom ? WD_ENOMEM : 0;
}

static int add_token(void *vctx, const wd_token *t)
{
    analysing *a = vctx;
    wd_qtext *q = a->q;
    if (a->words_only && (t->flags & WD_TOKEN_SUBWORD))
        return 0;
    int kind = (t->flags & WD_TOKEN_STOP)      ? WD_QK_STOP
               : (t->flags & WD_TOKEN_SUBWORD) ? WD_QK_SUBWORD
                                               : WD_QK_WORD;
    if (kind == WD_QK_WORD)
        q->content++;
    long i = add_word(a, t->text, t->len, kind, t->position + 1);
    if (i >= 0 && !(t->flags & WD_TOKEN_SUBWORD) && q->w[i].primary == WD_QW_NOT_PRIMARY) {
        q->w[i].primary = q->nprimary++;
        q->w[i].primary_stop = (t->flags & WD_TOKEN_STOP) != 0;
    }
    if (q->oom)
        return WD_ENOMEM;
    return a->words_only ? 0 : wd_bigrams_feed(&q->bg, t, add_ngram, a);
}

static int analyse(wd_qtext *q, wd_analyzer *an, const char *text, size_t len, int words_only,
                   wd_error *err)
{
    memset(q, 0, sizeof *q);
    analysing a = { q, WD_STRMAP_INIT(sizeof(size_t)), words_only };
    wd_buf norm = WD_BUF_INIT;
    int rc = wd_analyze_norm(an, WD_ANALYZE_INDEX, text, len, add_token, &a, &norm, err);
    wd_strmap_clear(&a.index);
    q->nlen = norm.len;
    q->norm = wd_buf_detach(&norm);
    if (q->oom || !q->norm)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (rc != WD_OK) {
        wd_qtext_free(q);
        return rc;
    }
    for (size_t i = 0; i < q->n; i++)
        if (q->w[i].kind == WD_QK_WORD || q->w[i].kind == WD_QK_SUBWORD)
            wd_placeset_add(&q->places, wd_place_find(q->w[i].text, q->w[i].len));
    return WD_OK;
}

int wd_qtext_analyse(wd_qtext *q, wd_analyzer *an, const char *text, size_t len, wd_error *err)
{
    return analyse(q, an, text, len, 0, err);
}

/* ---- a long question trimmed ------------------------------------------------------ */

typedef struct ranked {
    size_t i;      /* entry of q */
    int stop;      /* a particle: after every other word */
    uint32_t wqf;  /* occurrences in the question */
    double weight; /* the caller's informativeness (0 before it is asked) */
} ranked;

static int by_count(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->stop != y->stop)
        return x->stop - y->stop;
    if (x->wqf != y->wqf)
        return x->wqf > y->wqf ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int by_weight(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->stop != y->stop)
        return x->stop - y->stop;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return by_count(a, b);
}

static int by_entry(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int keep_informative(wd_qtext *q, wd_analyzer *an, wd_qword_weight_fn weight, void *ctx,
                            wd_error *err)
{
    size_t np = 0;
    ranked *r = wd_calloc(q->nprimary ? q->nprimary : 1, sizeof *r);
    if (!r)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    /* Its distinct words (not sub-words or n-grams), in the order the text
     * gives them: entries are made in that order. */
    for (size_t i = 0; i < q->n && np < q->nprimary; i++) {
        const wd_qword *w = &q->w[i];
        if (w->primary == WD_QW_NOT_PRIMARY)
            continue;
        r[np++] = (ranked){ i, w->primary_stop, w->wqf, 0 };
    }
    /* The words the question says most often are asked about (an index
     * lookup each), the most informative of them kept. */
    size_t keep = np;
    if (np > WD_QUESTION_MAX_WORDS) {
        size_t asked = np;
        if (asked > WD_QUESTION_MAX_WORDS * 4) {
            qsort(r, np, sizeof *r, by_count);
            asked = WD_QUESTION_MAX_WORDS * 4;
        }
        for (size_t k = 0; k < asked; k++)
            if (!r[k].stop)
                r[k].weight = weight(ctx, &q->w[r[k].i]);
        qsort(r, asked, sizeof *r, by_weight);
        keep = WD_QUESTION_MAX_WORDS;
    }
    qsort(r, keep, sizeof *r, by_entry);
    /* The words kept, in their order, apart: analysed again as the question. */
    wd_buf text = WD_BUF_INIT;
    for (size_t k = 0; k < keep; k++) {
        if (k)
            wd_buf_putc(&text, ' ');
        wd_buf_append(&text, q->w[r[k].i].text, q->w[r[k].i].len);
    }
    wd_free(r);
    if (text.oom) {
        wd_buf_free(&text);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    wd_qtext trimmed;
    int rc = wd_qtext_analyse(&trimmed, an, text.data ? text.data : "", text.len, err);
    wd_buf_free(&text);
    if (rc != WD_OK)
        return rc;
    wd_qtext_free(q);
    *q = trimmed;
    return WD_OK;
}

int wd_qtext_too_long(const wd_qtext *q)
{
    return q->nprimary > WD_QUESTION_MAX_WORDS || q->n > WD_QUESTION_MAX_TERMS;
}

int wd_qtext_trim(wd_qtext *q, wd_analyzer *an, wd_qword_weight_fn weight, void *ctx, wd_error *err)
{
    return keep_informative(q, an, weight, ctx, err);
}

int wd_qtext_analyse_long(wd_qtext *q, wd_analyzer *an, const char *text, size_t len,
                          wd_qword_weight_fn weight, void *ctx, wd_error *err)
{
    /* Only the words are wanted to choose from (no sub-words or n-grams),
     * and only from the first WD_QUESTION_MAX_BYTES, cut before a code point
     * that would straddle it. */
    if (len > WD_QUESTION_MAX_BYTES) {
        len = WD_QUESTION_MAX_BYTES;
        while (len > 0 && (((unsigned char)text[len]) & 0xC0) == 0x80)
            len--;
    }
    int rc = analyse(q, an, text, len, 1, err);
    if (rc == WD_OK && (rc = keep_informative(q, an, weight, ctx, err)) != WD_OK)
        wd_qtext_free(q);
    return rc;
}

void wd_qtext_synonyms(wd_qtext *q, const wd_dict *d)
{
    for (size_t i = 0; i < q->n; i++)
        if (q->w[i].kind != WD_QK_NGRAM)
            q->w[i].nsyn = wd_dict_synonyms(d, q->w[i].text, q->w[i].len, &q->w[i].syns);
}

int wd_qtext_pack(const wd_qtext *q, wd_qtext *out, size_t *bytes)
{
    size_t text = q->nlen + 1;
    for (size_t i = 0; i < q->n; i++)
        text += q->w[i].len + 1;
    size_t size = q->n * sizeof *q->w + text;
    char *block = wd_malloc(size ? size : 1);
    if (!block)
        return WD_ENOMEM;
    *out = *q;
    out->block = block;
    out->w = (wd_qword *)block;
    out->cap = q->n;
    char *tp = block + q->n * sizeof *q->w;
    for (size_t i = 0; i < q->n; i++) {
        out->w[i] = q->w[i];
        out->w[i].text = memcpy(tp, q->w[i].text, q->w[i].len);
        tp[q->w[i].len] = '\0';
        tp += q->w[i].len + 1;
        out->w[i].syns = NULL;
        out->w[i].nsyn = 0;
    }
    out->norm = memcpy(tp, q->norm ? q->norm : "", q->nlen);
    tp[q->nlen] = '\0';
    if (bytes)
        *bytes = size;
    return WD_OK;
}

void wd_qtext_free(wd_qtext *q)
{
    if (q->block) {
        wd_free(q->block);
    } else {
        for (size_t i = 0; i < q->n; i++)
            wd_free((char *)q->w[i].text);
        wd_free(q->w);
        wd_free(q->norm);
    }
    memset(q, 0, sizeof *q);
}

long wd_qtext_find_word(const wd_qtext *q, const char *text, size_t len, uint64_t hash)
{
    for (size_t i = 0; i < q->n; i++)
        if (q->w[i].kind != WD_QK_NGRAM && q->w[i].hash == hash && q->w[i].len == len &&
            memcmp(q->w[i].text, text, len) == 0)
            return (long)i;
    return -1;
}
