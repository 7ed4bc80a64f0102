/*
 * analysis.c - a question analysed once (analysis.h): one pass of the
 * analyzer in index mode gives the words, sub-words and particles, the CJK
 * n-grams (wenda/bigram.h, as the indexer makes them) and the normalised
 * text; the places come from the words.
 */
#include <string.h>

#include "analysis.h"
#include "grow.h"
#include "hash.h"
#include "xapian_c.h"

/* Add an occurrence of text as kind; words, sub-words and particles of the
 * same text are one entry, n-grams another. Returns the entry, or -1 (a
 * text too long to be a term is left out; out of memory sets q->oom). */
static long add_word(wd_qtext *q, const char *text, size_t len, int kind, uint32_t pos)
{
    int ngram = kind == WD_QK_NGRAM;
    for (size_t i = 0; i < q->n; i++) {
        wd_qword *w = &q->w[i];
        if (w->len == len && (w->kind == WD_QK_NGRAM) == ngram && memcmp(w->text, text, len) == 0) {
            w->wqf++;
            if (kind < w->kind)
                w->kind = kind;
            return (long)i;
        }
    }
    if (len + 2 > XC_MAX_TERM_BYTES)
        return -1;
    char *copy = wd_strndup(text, len);
    if (!copy || WD_GROW(q->w, q->cap, q->n + 1, 16) != WD_OK) {
        wd_free(copy);
        q->oom = 1;
        return -1;
    }
    q->w[q->n] = (wd_qword){ copy, len,  kind, 1, pos, wd_hash_bytes(text, len), WD_QW_NOT_PRIMARY,
                             0,    NULL, 0 };
    return (long)q->n++;
}

static int add_ngram(void *vctx, const char *text, size_t len, uint32_t pos)
{
    wd_qtext *q = vctx;
    add_word(q, text, len, WD_QK_NGRAM, pos + 1);
    return q->oom ? WD_ENOMEM : 0;
}

static int add_token(void *vctx, const wd_token *t)
{
    wd_qtext *q = vctx;
    int kind = (t->flags & WD_TOKEN_STOP)      ? WD_QK_STOP
               : (t->flags & WD_TOKEN_SUBWORD) ? WD_QK_SUBWORD
                                               : WD_QK_WORD;
    if (kind == WD_QK_WORD)
        q->content++;
    long i = add_word(q, t->text, t->len, kind, t->position + 1);
    if (i >= 0 && !(t->flags & WD_TOKEN_SUBWORD) && q->w[i].primary == WD_QW_NOT_PRIMARY) {
        q->w[i].primary = q->nprimary++;
        q->w[i].primary_stop = (t->flags & WD_TOKEN_STOP) != 0;
    }
    if (q->oom)
        return WD_ENOMEM;
    return wd_bigrams_feed(&q->bg, t, add_ngram, q);
}

int wd_qtext_analyse(wd_qtext *q, wd_analyzer *an, const char *text, size_t len, wd_error *err)
{
    memset(q, 0, sizeof *q);
    wd_buf norm = WD_BUF_INIT;
    int rc = wd_analyze_norm(an, WD_ANALYZE_INDEX, text, len, add_token, q, &norm, err);
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
