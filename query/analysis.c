/*
 * analysis.c - a question analysed once (analysis.h): one pass of the
 * analyzer in index mode gives the words, sub-words and particles, the CJK
 * n-grams (wenda/bigram.h, as the indexer makes them) and the normalised
 * text; the places come from the words. A long question is trimmed to its
 * most informative words (wd_qtext_trim), so that what every later stage
 * does with it is bounded. The stored form of an analysis (what the indexer
 * keeps of each record's question, and the searcher reads back) is here too,
 * beside the structure it writes.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "grow.h"
#include "hash.h"
#include "strmap.h"
#include "xapian_c.h"

/* Entries a text has before they are indexed by a map: most questions have
 * fewer, and a look through them costs less than the map. */
#define ENTRIES_SCANNED 128
/* Bits of the filter of the scanned entries' hashes (a power of two). */
#define ENTRY_FILTER_BITS 2048

/* A text being analysed, with its entries indexed by kind class and text
 * (a question of thousands of words is analysed in linear time). */
typedef struct analysing {
    wd_qtext *q;
    wd_strmap index; /* "\0" or "\1" (n-gram) + text -> size_t entry */
    int words_only;  /* only the words and particles (a long question's first look) */
    /* A replay (wd_qtext_decode): q->w has room for all its entries, the
     * tokens' texts are borrowed (spans of the stored form or of the
     * normalised text, which outlive it) and the n-grams' copied here, into
     * room made for all of them: no allocation per entry (the caller packs
     * the analysis). NULL: each text is an allocation of its own. */
    char *texts;
    size_t ntexts, texts_cap; /* bytes used and made room for */
    /* A bit per kind class and hash of the entries while they are scanned:
     * most texts are new, and a clear bit says so without the scan. */
    uint64_t seen[ENTRY_FILTER_BITS / 64];
} analysing;

/* The word of a->seen, and its bit, of text (hash) as kind: a two-character
 * word and its bigram, same text but two entries, have bits apart. */
static uint64_t *seen_word(analysing *a, uint64_t hash, int kind, uint64_t *bit)
{
    size_t b =
        (size_t)(hash >> 32 ^ (kind == WD_QK_NGRAM ? 0x9E3779B9u : 0)) & (ENTRY_FILTER_BITS - 1);
    *bit = (uint64_t)1 << (b % 64);
    return &a->seen[b / 64];
}

/* The map key of text as kind: a class byte ("\0", or "\1" for n-grams)
 * and the text. */
static size_t entry_key(char *key, const char *text, size_t len, int kind)
{
    key[0] = kind == WD_QK_NGRAM;
    memcpy(key + 1, text, len);
    return len + 1;
}

/* The entry of text as kind (0: none yet, else its index + 1), and where
 * the map keeps it when there is a map. */
static size_t find_entry(analysing *a, const char *text, size_t len, int kind, uint64_t hash,
                         size_t **slot)
{
    wd_qtext *q = a->q;
    *slot = NULL;
    if (q->n < ENTRIES_SCANNED) {
        uint64_t bit;
        if (!(*seen_word(a, hash, kind, &bit) & bit))
            return 0;
        for (size_t i = 0; i < q->n; i++) {
            const wd_qword *w = &q->w[i];
            if (w->hash == hash && w->len == len &&
                (w->kind == WD_QK_NGRAM) == (kind == WD_QK_NGRAM) &&
                memcmp(w->text, text, len) == 0)
                return i + 1;
        }
        return 0;
    }
    char key[XC_MAX_TERM_BYTES];
    int added = 0;
    if (q->n == ENTRIES_SCANNED && a->index.n == 0) /* the map takes over */
        for (size_t i = 0; i < q->n; i++) {
            const wd_qword *w = &q->w[i];
            size_t *at =
                wd_strmap_put(&a->index, key, entry_key(key, w->text, w->len, w->kind), &added);
            if (!at) {
                q->oom = 1;
                return 0;
            }
            *at = i;
        }
    *slot = wd_strmap_put(&a->index, key, entry_key(key, text, len, kind), &added);
    if (!*slot)
        q->oom = 1;
    return *slot && !added ? **slot + 1 : 0;
}

/* Add an occurrence of text as kind; words, sub-words and particles of the
 * same text are one entry, n-grams another. Returns the entry, or -1 (a
 * text too long to be a term is left out; out of memory sets q->oom). */
static long add_word(analysing *a, const char *text, size_t len, int kind, uint32_t pos)
{
    wd_qtext *q = a->q;
    if (len + 2 > XC_MAX_TERM_BYTES)
        return -1;
    uint64_t hash = wd_hash_bytes(text, len);
    size_t *slot = NULL;
    size_t found = find_entry(a, text, len, kind, hash, &slot);
    if (q->oom)
        return -1;
    if (found) {
        wd_qword *w = &q->w[found - 1];
        w->wqf++;
        if (kind < w->kind)
            w->kind = kind;
        return (long)found - 1;
    }
    char *copy;
    if (a->texts) { /* a replay: room made for every entry and n-gram */
        if (q->n == q->cap) {
            q->oom = 1;
            return -1;
        }
        if (kind == WD_QK_NGRAM) {                /* a bigram is made in wd_bigrams_feed's buffer */
            if (len > a->texts_cap - a->ntexts) { /* n-grams longer than room was made for */
                q->oom = 1;
                return -1;
            }
            copy = a->texts + a->ntexts;
            memcpy(copy, text, len);
            a->ntexts += len;
        } else {
            copy = (char *)text;
        }
    } else {
        copy = wd_strndup(text, len);
        if (!copy || WD_GROW(q->w, q->cap, q->n + 1, 16) != WD_OK) {
            wd_free(copy);
            q->oom = 1;
            return -1;
        }
    }
    q->w[q->n] = (wd_qword){ copy, len, kind, 1, pos, hash, WD_QW_NOT_PRIMARY, 0, NULL, 0 };
    if (slot)
        *slot = q->n;
    uint64_t bit;
    *seen_word(a, hash, kind, &bit) |= bit;
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
    /* A canonical form of a number (三十岁 -> 30岁) is a word to match by
     * (both sides have it), though not one more content word. */
    int kind = (t->flags & WD_TOKEN_STOP)        ? WD_QK_STOP
               : (t->flags & WD_TOKEN_CANONICAL) ? WD_QK_WORD
               : (t->flags & WD_TOKEN_SUBWORD)   ? WD_QK_SUBWORD
                                                 : WD_QK_WORD;
    if (kind == WD_QK_WORD && !(t->flags & WD_TOKEN_CANONICAL))
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

/* The end of an analysis (or of a stored one's replay): the places from
 * the words; on failure q is freed. */
static int finish(wd_qtext *q, analysing *a, int rc, wd_error *err)
{
    wd_strmap_clear(&a->index);
    if (q->oom || (rc == WD_OK && !q->norm))
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (rc != WD_OK) {
        if (a->texts) /* the replay's room holds it all */
            memset(q, 0, sizeof *q);
        else
            wd_qtext_free(q);
        return rc;
    }
    for (size_t i = 0; i < q->n; i++)
        if (q->w[i].kind == WD_QK_WORD || q->w[i].kind == WD_QK_SUBWORD)
            wd_placeset_add(&q->places, wd_place_find(q->w[i].text, q->w[i].len));
    return WD_OK;
}

static int analyse(wd_qtext *q, wd_analyzer *an, const char *text, size_t len, int words_only,
                   wd_error *err)
{
    memset(q, 0, sizeof *q);
    analysing a = { .q = q, .index = WD_STRMAP_INIT(sizeof(size_t)), .words_only = words_only };
    wd_buf norm = WD_BUF_INIT;
    int rc = wd_analyze_norm(an, WD_ANALYZE_INDEX, text, len, add_token, &a, &norm, err);
    q->nlen = norm.len;
    q->norm = wd_buf_detach(&norm);
    return finish(q, &a, rc, err);
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

/* ---- the stored form ------------------------------------------------------------------ */

/* What the analyzer said of a question, so that its analysis can be made
 * again without it: the tokens, in order, each as flags (sub-word,
 * particle, CJK; whether it starts where the previous word ended, which
 * decides the n-grams; whether its position is the previous token's or the
 * next), its position otherwise, and its text as a span of the normalised
 * text. Replaying them through add_token gives the very entries, n-grams
 * and counts the analysis gave, at a fraction of the size of the entries
 * (a question's n-grams are most of them) and of the cost of analysing.
 *
 * The form: 'B' (the form and its version: bump it when the form, or what
 * the analyzer makes of a text without a change in the dictionaries,
 * changes); the stamp (8 bytes, little-endian); varints: the tokens, then 0
 * when the normalised text is the question as written, else its length + 1
 * and its bytes; then each token: flags, its position's change from the
 * previous token's (unless a flag gives it), and its text: a word's offset
 * from where the previous word's text ended (unless TK_HERE: there), a
 * sub-word's offset in the normalised text, then its length; a canonical
 * form (TK_OWN), no text of the question, gives its length and bytes. */
#define STORED_FORM 'C'
#define TK_SUBWORD 1u
#define TK_STOP 2u
#define TK_CJK 4u
#define TK_ADJACENT 8u  /* starts where the previous word ended */
#define TK_POS_SAME 16u /* at the previous token's position */
#define TK_POS_NEXT 32u /* at the next one */
#define TK_HERE 64u     /* a word whose text follows the previous word's */
/* A canonical form of a number (WD_TOKEN_CANONICAL), no text of the
 * question: its length and bytes follow. */
#define TK_OWN 128u

uint64_t wd_qtext_stamp(const char *dict_version, int layer)
{
    const unsigned char head[2] = { STORED_FORM, layer ? 1 : 0 };
    uint64_t h = wd_fnv1a64(head, sizeof head, WD_FNV_OFFSET);
    return wd_fnv1a64(dict_version, strlen(dict_version), h);
}

static void put_varint(wd_buf *out, uint64_t v)
{
    unsigned char b[10];
    size_t n = 0;
    do {
        b[n] = v & 0x7f;
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    wd_buf_append(out, b, n);
}

/* A token as the analyzer gave it; its text is kept in storing.texts. */
typedef struct kept_token {
    size_t text, len; /* in storing.texts */
    size_t start, end;
    uint32_t position;
    unsigned flags;
} kept_token;

typedef struct storing {
    wd_token_fn tap;
    void *tap_ctx;
    kept_token *t;
    size_t n, cap;
    wd_buf texts;
} storing;

static int keep_token(void *vctx, const wd_token *t)
{
    storing *st = vctx;
    int rc = st->tap(st->tap_ctx, t);
    if (rc)
        return rc;
    if (WD_GROW(st->t, st->cap, st->n + 1, 16) != WD_OK)
        return WD_ENOMEM;
    st->t[st->n++] = (kept_token){ st->texts.len, t->len, t->start, t->end, t->position, t->flags };
    wd_buf_append(&st->texts, t->text, t->len);
    return st->texts.oom ? WD_ENOMEM : 0;
}

/* The tokens' stored form after `out`'s header; 0 when some token's text
 * is not in the normalised text (nothing is then stored). */
static int put_tokens(const storing *st, const char *norm, size_t nlen, wd_buf *out)
{
    size_t cursor = 0, word = 0, word_end = 0, prev_end = 0;
    uint32_t pos = 0;
    for (size_t i = 0; i < st->n; i++) {
        const kept_token *k = &st->t[i];
        const char *text = st->texts.data + k->text;
        unsigned flags = 0;
        if (k->flags & WD_TOKEN_SUBWORD)
            flags |= TK_SUBWORD;
        if (k->flags & WD_TOKEN_STOP)
            flags |= TK_STOP;
        if (k->flags & WD_TOKEN_CJK)
            flags |= TK_CJK;
        if (i && k->position == pos)
            flags |= TK_POS_SAME;
        else if (i && k->position == pos + 1)
            flags |= TK_POS_NEXT;
        else if (i && k->position < pos)
            return 0;
        const char *at = NULL;
        if (k->flags & WD_TOKEN_CANONICAL) {
            flags |= TK_OWN;
        } else if (flags & TK_SUBWORD) {
            /* within its word, else anywhere */
            at = k->len == 0       ? norm + word
                 : word < word_end ? memmem(norm + word, word_end - word, text, k->len)
                                   : NULL;
            if (!at)
                at = memmem(norm, nlen, text, k->len);
        } else {
            at = k->len == 0     ? norm + cursor
                 : cursor < nlen ? memmem(norm + cursor, nlen - cursor, text, k->len)
                                 : NULL;
            if (i && k->start == prev_end)
                flags |= TK_ADJACENT;
            if (at == norm + cursor)
                flags |= TK_HERE;
        }
        if (!at && !(flags & TK_OWN))
            return 0;
        size_t off = at ? (size_t)(at - norm) : 0;
        put_varint(out, flags);
        if (i && !(flags & (TK_POS_SAME | TK_POS_NEXT)))
            put_varint(out, k->position - pos);
        else if (!i)
            put_varint(out, k->position);
        if (flags & TK_OWN) {
            put_varint(out, k->len);
            wd_buf_append(out, text, k->len);
            pos = k->position;
            continue;
        }
        if (flags & TK_SUBWORD) {
            put_varint(out, off);
        } else {
            if (!(flags & TK_HERE))
                put_varint(out, off - cursor);
            word = off;
            cursor = word_end = off + k->len;
            prev_end = k->end;
        }
        put_varint(out, k->len);
        pos = k->position;
    }
    return 1;
}

int wd_qtext_store(wd_analyzer *an, const char *text, size_t len, wd_token_fn tap, void *ctx,
                   uint64_t stamp, wd_buf *out, wd_error *err)
{
    storing st = { tap, ctx, NULL, 0, 0, WD_BUF_INIT };
    wd_buf norm = WD_BUF_INIT;
    int rc = wd_analyze_norm(an, WD_ANALYZE_INDEX, text, len, keep_token, &st, &norm, err);
    if (rc == WD_ENOMEM || (rc == WD_OK && (norm.oom || st.texts.oom)))
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK) {
        size_t at = out->len;
        unsigned char head[9] = { STORED_FORM };
        for (int k = 0; k < 8; k++)
            head[1 + k] = (unsigned char)(stamp >> (8 * k));
        wd_buf_append(out, head, sizeof head);
        put_varint(out, st.n);
        const char *nt = norm.data ? norm.data : "";
        if (norm.len == len && memcmp(nt, text, len) == 0) {
            put_varint(out, 0);
        } else {
            put_varint(out, norm.len + 1);
            wd_buf_append(out, nt, norm.len);
        }
        if (!put_tokens(&st, nt, norm.len, out))
            out->len = at; /* not storable: searches analyse this question */
        if (out->oom)
            rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    }
    wd_buf_free(&norm);
    wd_buf_free(&st.texts);
    wd_free(st.t);
    return rc;
}

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

static uint64_t get_varint(reader *r)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            break;
        unsigned char b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = 1;
    return 0;
}

/* A length or offset that must be at most `room`. */
static size_t get_size(reader *r, size_t room)
{
    uint64_t v = get_varint(r);
    if (v > room)
        r->bad = 1;
    return r->bad ? 0 : (size_t)v;
}

/* The stored tokens (r at the first) read over norm into t[0..ntok): their
 * texts are spans of norm (or of the stored form, for a canonical form). */
static int read_tokens(reader *r, size_t ntok, const char *norm, size_t nlen, wd_token *t)
{
    size_t cursor = 0, prev_end = 0;
    uint32_t pos = 0;
    for (size_t i = 0; i < ntok; i++) {
        unsigned flags = (unsigned)get_varint(r);
        wd_token *k = &t[i];
        memset(k, 0, sizeof *k);
        k->flags = (flags & TK_SUBWORD ? WD_TOKEN_SUBWORD : 0) |
                   (flags & TK_STOP ? WD_TOKEN_STOP : 0) | (flags & TK_CJK ? WD_TOKEN_CJK : 0);
        if (!i)
            pos = (uint32_t)get_varint(r);
        else if (flags & TK_POS_NEXT)
            pos++;
        else if (!(flags & TK_POS_SAME))
            pos += (uint32_t)get_varint(r);
        k->position = pos;
        if (flags & TK_OWN) {
            k->flags |= WD_TOKEN_SUBWORD | WD_TOKEN_CANONICAL;
            k->len = get_size(r, (size_t)(r->end - r->p));
            if (r->bad)
                return WD_ECORRUPT;
            k->text = (const char *)r->p;
            r->p += k->len;
            continue;
        }
        size_t off;
        if (flags & TK_SUBWORD)
            off = get_size(r, nlen);
        else
            off = cursor + (flags & TK_HERE ? 0 : get_size(r, nlen - cursor));
        k->len = get_size(r, nlen - off);
        if (r->bad)
            return WD_ECORRUPT;
        k->text = norm + off;
        if (!(flags & TK_SUBWORD)) {
            /* Offsets that tell the n-grams where a run of words breaks. */
            k->start = flags & TK_ADJACENT ? prev_end : prev_end + 1;
            k->end = prev_end = k->start + 1;
            cursor = off + k->len;
        }
    }
    return r->p == r->end ? WD_OK : WD_ECORRUPT;
}

/* Tokens a replay keeps on the stack (a question has about a dozen; more
 * take one allocation of their own). */
#define REPLAY_TOKENS 64

/* Replay the tokens t[0..ntok) over norm into *q, as add_token makes an
 * analysis, in one allocation: room for every entry they can make and the
 * n-grams' texts (a token is an entry; each character of a CJK word, up to
 * 4 bytes, is one more, and the bigram it ends one more, up to 8 bytes). The
 * words' texts do not overlap in norm, so the room is at most linear in the
 * stored form, whatever it says. The texts are not NUL-terminated until
 * the caller packs q (wd_qtext_pack); norm is borrowed too. So *q owns
 * nothing but q->w (the room: wd_free it); never wd_qtext_free it. */
static int replay(const wd_token *t, size_t ntok, const char *norm, size_t nlen, wd_qtext *q)
{
    size_t nent = ntok, ntext = 0;
    for (size_t i = 0; i < ntok; i++)
        if ((t[i].flags & WD_TOKEN_CJK) && !(t[i].flags & WD_TOKEN_SUBWORD)) {
            nent += 2 * t[i].len;
            ntext += 8 * t[i].len;
        }
    char *room = wd_malloc(nent * sizeof *q->w + ntext + 1);
    if (!room)
        return WD_ENOMEM;
    memset(q, 0, sizeof *q);
    q->w = (wd_qword *)(void *)room;
    q->cap = nent;
    analysing a = { .q = q,
                    .index = WD_STRMAP_INIT(sizeof(size_t)),
                    .texts = room + nent * sizeof *q->w,
                    .texts_cap = ntext };
    int rc = WD_OK;
    for (size_t i = 0; rc == WD_OK && i < ntok; i++)
        if ((rc = add_token(&a, &t[i])) != WD_OK)
            rc = rc == WD_ENOMEM ? WD_ENOMEM : WD_ECORRUPT;
    q->norm = (char *)norm;
    q->nlen = nlen;
    rc = finish(q, &a, rc, NULL);
    if (rc != WD_OK)
        wd_free(room);
    return rc;
}

int wd_qtext_decode(const char *data, size_t dlen, const char *text, size_t len, uint64_t stamp,
                    wd_qtext *out, size_t *bytes)
{
    memset(out, 0, sizeof *out);
    const unsigned char *d = (const unsigned char *)data;
    if (dlen < 9 || d[0] != STORED_FORM)
        return WD_ENOTFOUND;
    uint64_t st = 0;
    for (int k = 0; k < 8; k++)
        st |= (uint64_t)d[1 + k] << (8 * k);
    if (st != stamp)
        return WD_ENOTFOUND;
    reader r = { d + 9, d + dlen, 0 };
    /* Each token takes at least 2 bytes: flags and length. */
    size_t ntok = get_size(&r, (size_t)(r.end - r.p) / 2);
    size_t nl = get_size(&r, (size_t)(r.end - r.p) + 1);
    if (r.bad)
        return WD_ECORRUPT;
    if (!nl && !text)
        return WD_ENOTFOUND;
    const char *norm = nl ? (const char *)r.p : text;
    size_t nlen = nl ? nl - 1 : len;
    if (nl)
        r.p += nlen;
    wd_token few[REPLAY_TOKENS];
    wd_token *t = ntok <= REPLAY_TOKENS ? few : wd_malloc(ntok * sizeof *t);
    if (!t)
        return WD_ENOMEM;
    int rc = read_tokens(&r, ntok, norm, nlen, t);
    wd_qtext q;
    if (rc == WD_OK && (rc = replay(t, ntok, norm, nlen, &q)) == WD_OK) {
        rc = wd_qtext_pack(&q, out, bytes) == WD_OK ? WD_OK : WD_ENOMEM;
        wd_free(q.w); /* the replay's room */
    }
    if (t != few)
        wd_free(t);
    if (rc != WD_OK)
        memset(out, 0, sizeof *out);
    return rc;
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
