/*
 * search.c - from a free-text question to ranked, snippeted hits.
 *
 * The question is analysed in index mode, so a long word brings its
 * sub-words too. Each distinct word becomes a small query: the word in the
 * question field OR the word in the answer field, where the word and its
 * dictionary synonyms form one Xapian SYNONYM so a synonym counts as the word
 * itself. Question particles and function words stay in the query at a lower
 * weight and in the question field only (they never decide a match alone, but
 * separate records whose questions use the same content words; in answers
 * they are everywhere); sub-words count less than whole words. The question's
 * CJK characters and character bigrams are matched against the same n-grams
 * of record questions, so a paraphrase segmented differently still matches.
 * All of it is OR-ed and ranked by BM25 (Xapian's stock weighting, so remote
 * shards can run it); the top of the match set is then re-ranked by how
 * similar each record's question is to the asked one (see below). Ties break
 * by record id so output is deterministic.
 */
#define _GNU_SOURCE /* memmem */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "places.h"
#include "schema.h"
#include "shards.h"
#include "snippet.h"
#include "wenda/bigram.h"
#include "wenda/corpus.h"
#include "wenda/search.h"
#include "xapian_c.h"

/* Ranking knobs, tuned on the development splits (corpus/qrels/dev.tsv and
 * the paraphrase pairs of insurance_zhidao_rank/dev.txt; see BENCHMARKS.md).
 * For tuning runs WENDA_TUNE="qw=1,aw=1,bw=1,k1=1.2,b=0.4,stop=0.5,sub=0.5,
 * rr=0.6,kq=0.5,ra=0.25,sa=0,pm=0.3,px=0.3,nb=10000" overrides them. */
#define DEFAULT_QUESTION_WEIGHT 1.0 /* question-field words */
#define DEFAULT_ANSWER_WEIGHT 1.0   /* answer-field words */
#define DEFAULT_NGRAM_WEIGHT 1.0    /* question-field character n-grams */
#define DEFAULT_K1 1.2
#define DEFAULT_B 0.4
#define STOP_WEIGHT 0.5    /* particles and function words */
#define STOP_ANSWER_WEIGHT 0.0 /* their answer-field share (0: questions only) */
#define SUBWORD_WEIGHT 0.5 /* parts of a longer word */
#define RERANK_MIX 0.6     /* share of question similarity in the final score */
#define QUESTION_KIND_FACTOR 0.5 /* records with no written answer */
#define ANSWER_COVER_MIX 0.25    /* share of answer coverage in the final score */
#define PLACE_MATCH_BOOST 0.3    /* a record naming the asked place (or its province) */
#define PLACE_MISMATCH_CUT 0.3   /* a record naming only other places */
/* Postings the match may read, its leaves taken rarest first: past it the
 * densest leaves are left to the re-ranking (see match_budget). Chosen on the
 * retrieval dev split (budgets 5,000-50,000 all within one question of no
 * budget; 10,000 the best) and the latency at a million records. */
#define MATCH_POSTING_BUDGET 10000

typedef struct tune {
    double qw, aw, bw, k1, b, stop, sub, rr, kq, ra;
    double sa;
    double pm, px;
    double nb;
} tune;

static tune get_tune(void)
{
    tune t = {DEFAULT_QUESTION_WEIGHT, DEFAULT_ANSWER_WEIGHT, DEFAULT_NGRAM_WEIGHT, DEFAULT_K1,
              DEFAULT_B, STOP_WEIGHT, SUBWORD_WEIGHT, RERANK_MIX, QUESTION_KIND_FACTOR,
              ANSWER_COVER_MIX, STOP_ANSWER_WEIGHT, PLACE_MATCH_BOOST, PLACE_MISMATCH_CUT,
              MATCH_POSTING_BUDGET};
    const char *e = getenv("WENDA_TUNE");
    while (e && *e) {
        char key[16];
        double v;
        int n = 0;
        if (sscanf(e, "%15[a-z0-9]=%lf%n", key, &v, &n) != 2)
            break;
        if (!strcmp(key, "qw")) t.qw = v;
        else if (!strcmp(key, "aw")) t.aw = v;
        else if (!strcmp(key, "bw")) t.bw = v;
        else if (!strcmp(key, "k1")) t.k1 = v;
        else if (!strcmp(key, "b")) t.b = v;
        else if (!strcmp(key, "stop")) t.stop = v;
        else if (!strcmp(key, "sub")) t.sub = v;
        else if (!strcmp(key, "rr")) t.rr = v;
        else if (!strcmp(key, "kq")) t.kq = v;
        else if (!strcmp(key, "ra")) t.ra = v;
        else if (!strcmp(key, "sa")) t.sa = v;
        else if (!strcmp(key, "pm")) t.pm = v;
        else if (!strcmp(key, "px")) t.px = v;
        else if (!strcmp(key, "nb")) t.nb = v;
        e += n;
        if (*e == ',')
            e++;
    }
    return t;
}

/* IDF of the terms met while re-ranking, in an open-addressing hash table:
 * one search looks up a few hundred terms, many of them repeatedly, and
 * successive searches share most of them. A single index's searcher keeps
 * the table from one search to the next (its view of the index only changes
 * on reopen, which empties it; so does a change in the document count, and
 * a full table); over shards each search starts afresh, as the shard set
 * may change between searches. */
typedef struct idf_slot {
    char *term;
    uint64_t hash;
    uint32_t df; /* records holding the term */
    double idf;
} idf_slot;

typedef struct idf_cache {
    idf_slot *slots;
    size_t n, cap; /* cap is a power of two */
    double ndocs;
} idf_cache;

static void idf_cache_free(idf_cache *c);
static uint32_t term_stats(xc_db *db, idf_cache *c, const char *prefix, const char *w,
                           size_t len, double *idf);

/* What the re-ranking needs of one record, read and analysed once: its
 * stored fields, its question as collect_qword sees it with each word's
 * IDF, and (when coverage asks for it) its normalised answer. A single
 * index's searcher keeps them from one search to the next, keyed by docid:
 * its view of the index only changes on reopen, which empties the cache, as
 * does a change in the document count or in the analyzer's dictionary
 * layer. Memory is bounded by two generations: when the current one is
 * full it becomes the old one (the previous old one is freed), and a record
 * found in the old one moves back to the current one, so the records that
 * keep coming up stay. Over shards each search starts afresh. */
typedef struct rec_entry {
    uint32_t did;
    int analysed, normalised;
    wd_hit hit; /* id, question, answer, source, date, kind; owned here */
    uint64_t qhash, ahash;
    struct qword *cw; /* the question's words, sub-words and n-grams: one owned
                         block that also holds cidf, chash and their text */
    double *cidf;     /* IDF of each: B for n-grams, S otherwise (0 for sub-words) */
    uint64_t *chash;  /* hash of each word's text (word_hash) */
    size_t ncw;
    wd_placeset places; /* named by the question (once analysed) */
    char *norm; /* the normalised answer (owned), NULL when empty or not yet made */
    size_t nlen;
    size_t bytes; /* about what the entry holds */
} rec_entry;

typedef struct rec_table {
    rec_entry **slots; /* open addressing by docid; cap is a power of two */
    size_t n, cap, bytes;
} rec_table;

typedef struct rec_cache {
    rec_table cur, old; /* the current and the previous generation */
    int layer;          /* the dictionary layer the questions were analysed with */
} rec_cache;

static void rec_cache_free(rec_cache *c);

struct wd_searcher {
    idf_cache idf; /* kept across searches of a single index */
    rec_cache rec; /* likewise */
    xc_db *db;
    wd_analyzer *an;
    const wd_dict *dict;
    wd_shards *shards; /* opened from a shard list or a stub; NULL for one index */
};

int wd_searcher_open_with(wd_searcher **out, const char *path, const wd_dict *dict,
                          const wd_search_opts *opts, wd_error *err)
{
    *out = NULL;
    if (!path || !*path || !dict)
        return wd_error_set(err, WD_EINVAL, "search", "no index path given");
    wd_searcher *s = wd_calloc(1, sizeof *s);
    if (!s)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    s->dict = dict;
    /* A shard list or a stub is kept, so dead shards can be named and left out. */
    int rc = wd_shards_parse(&s->shards, path, err);
    if (rc == WD_OK && s->shards)
        rc = wd_shards_open(s->shards, &s->db, opts ? opts->timeout_ms : 0,
                            opts ? opts->allow_partial : 0, err);
    else if (rc == WD_OK)
        rc = xc_db_open(&s->db, path, XC_DB_READ, err);
    if (rc == WD_OK)
        rc = wd_analyzer_new(&s->an, dict, err);
    if (rc != WD_OK) {
        wd_searcher_close(s);
        return rc;
    }
    *out = s;
    return WD_OK;
}

int wd_searcher_open(wd_searcher **out, const char *path, const wd_dict *dict, wd_error *err)
{
    return wd_searcher_open_with(out, path, dict, NULL, err);
}

void wd_searcher_close(wd_searcher *s)
{
    if (!s)
        return;
    xc_db_close(s->db);
    idf_cache_free(&s->idf);
    rec_cache_free(&s->rec);
    wd_analyzer_free(s->an);
    wd_shards_free(s->shards);
    wd_free(s);
}

int wd_searcher_reopen(wd_searcher *s, wd_error *err)
{
    idf_cache_free(&s->idf);
    rec_cache_free(&s->rec);
    return xc_db_reopen(s->db, NULL, err);
}

/* ---- query building ------------------------------------------------------ */

enum qkind { QK_WORD = 0, QK_SUBWORD = 1, QK_STOP = 2, QK_BIGRAM = 3 };

typedef struct qword {
    char *text;
    size_t len;
    int kind; /* enum qkind; a word seen as several kinds keeps the strongest */
    uint32_t wqf;
    uint32_t pos;
    /* its dictionary synonyms (none for an n-gram), looked up once per
     * search for the highlighting, the match and the re-ranking */
    const char *const *syns;
    size_t nsyn;
} qword;

/* Synonyms a word's query leaf takes at most (field_query's SYNONYM). */
#define MAX_LEAF_SYNONYMS 32

static size_t leaf_synonyms(const qword *w)
{
    return w->nsyn > MAX_LEAF_SYNONYMS ? MAX_LEAF_SYNONYMS : w->nsyn;
}

typedef struct qwords {
    qword *w;
    size_t n, cap;
    size_t content; /* whole words that are not particles */
    int oom;
    wd_bigrams bg;
} qwords;

static int add_qword(qwords *q, const char *text, size_t len, int kind, uint32_t pos)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->w[i].len == len && q->w[i].kind / 3 == kind / 3 &&
            memcmp(q->w[i].text, text, len) == 0) {
            q->w[i].wqf++;
            if (kind < q->w[i].kind) /* word beats sub-word beats particle */
                q->w[i].kind = kind;
            return 0;
        }
    }
    if (len + 2 > XC_MAX_TERM_BYTES)
        return 0;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        qword *w = wd_realloc(q->w, cap * sizeof *w);
        if (!w) {
            q->oom = 1;
            return WD_ENOMEM;
        }
        q->w = w;
        q->cap = cap;
    }
    char *copy = wd_strndup(text, len);
    if (!copy) {
        q->oom = 1;
        return WD_ENOMEM;
    }
    q->w[q->n++] = (qword){ copy, len, kind, 1, pos, NULL, 0 };
    return 0;
}

static int collect_bigram(void *vctx, const char *bg, size_t len, uint32_t pos)
{
    return add_qword(vctx, bg, len, QK_BIGRAM, pos + 1);
}

static int collect_qword(void *vctx, const wd_token *t)
{
    qwords *q = vctx;
    int kind = (t->flags & WD_TOKEN_STOP)      ? QK_STOP
               : (t->flags & WD_TOKEN_SUBWORD) ? QK_SUBWORD
                                               : QK_WORD;
    if (kind == QK_WORD)
        q->content++;
    int rc = add_qword(q, t->text, t->len, kind, t->position + 1);
    if (rc == 0)
        rc = wd_bigrams_feed(&q->bg, t, collect_bigram, q);
    return rc;
}

static void qwords_free(qwords *q)
{
    for (size_t i = 0; i < q->n; i++)
        wd_free(q->w[i].text);
    wd_free(q->w);
}

/* SYNONYM(prefix+word, prefix+syn...) for one field. */
static int field_query(xc_query **out, const char *prefix, const qword *w,
                       const char *const *syns, size_t nsyn, wd_error *err)
{
    xc_query *leaves[MAX_LEAF_SYNONYMS + 1];
    size_t n = 0;
    int rc = WD_OK;
    wd_buf term = WD_BUF_INIT;
    *out = NULL;
    for (size_t i = 0; i <= nsyn && n <= MAX_LEAF_SYNONYMS && rc == WD_OK; i++) {
        const char *word = i == 0 ? w->text : syns[i - 1];
        size_t len = i == 0 ? w->len : strlen(word);
        wd_buf_reset(&term);
        wd_buf_puts(&term, prefix);
        wd_buf_append(&term, word, len);
        if (term.oom) {
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
            break;
        }
        if (term.len > XC_MAX_TERM_BYTES)
            continue;
        rc = xc_query_term(&leaves[n], term.data, term.len, w->wqf, w->pos, err);
        if (rc == WD_OK)
            n++;
    }
    if (rc == WD_OK)
        rc = n == 1 ? xc_query_combine(out, XC_OP_OR, leaves, 1, 0, err)
                    : xc_query_combine(out, XC_OP_SYNONYM, leaves, n, 0, err);
    for (size_t i = 0; i < n; i++)
        xc_query_free(leaves[i]);
    wd_buf_free(&term);
    return rc;
}

/* The query of one word (or n-gram): its question-field leaf when use_q, OR
 * its answer-field leaf when ascale > 0 (an n-gram has only the first). */
static int word_query(xc_query **out, const qword *w, const tune *t, double scale, int use_q,
                      double ascale, wd_error *err)
{
    *out = NULL;
    if (w->kind == QK_BIGRAM) {
        wd_buf term = WD_BUF_INIT;
        wd_buf_puts(&term, WD_PREFIX_BIGRAM);
        wd_buf_append(&term, w->text, w->len);
        xc_query *leaf = NULL;
        int rc = term.oom ? wd_error_set(err, WD_ENOMEM, "search", "out of memory")
                          : xc_query_term(&leaf, term.data, term.len, w->wqf, w->pos, err);
        if (rc == WD_OK)
            rc = xc_query_scale(out, leaf, t->bw * scale, err);
        xc_query_free(leaf);
        wd_buf_free(&term);
        return rc;
    }
    const char *const *syns = w->syns;
    size_t nsyn = leaf_synonyms(w);
    xc_query *q = NULL, *a = NULL, *qs = NULL, *as = NULL;
    int rc = WD_OK;
    if (use_q)
        rc = field_query(&q, WD_PREFIX_QUESTION, w, syns, nsyn, err);
    if (rc == WD_OK && use_q)
        rc = xc_query_scale(&qs, q, t->qw * scale, err);
    if (rc == WD_OK && ascale > 0)
        rc = field_query(&a, "", w, syns, nsyn, err);
    if (rc == WD_OK && ascale > 0)
        rc = xc_query_scale(&as, a, t->aw * scale * ascale, err);
    if (rc == WD_OK) {
        if (qs && as) {
            xc_query *pair[2] = {qs, as};
            rc = xc_query_combine(out, XC_OP_OR, pair, 2, 0, err);
        } else if (qs) { /* the one field left */
            *out = qs;
            qs = NULL;
        } else {
            *out = as;
            as = NULL;
        }
    }
    xc_query_free(q);
    xc_query_free(a);
    xc_query_free(qs);
    xc_query_free(as);
    return rc;
}

/* A leaf of the match: one word (with its synonyms) in one field, or one
 * character n-gram. Its cost is the postings the match reads for it. */
enum { LEAF_QUESTION = 1, LEAF_ANSWER = 2 };

typedef struct leaf_cost {
    size_t i;  /* index in the qwords */
    int field; /* LEAF_QUESTION (n-grams too) or LEAF_ANSWER */
    double df; /* summed over the word and its synonyms */
} leaf_cost;

static int leaf_cost_cmp(const void *a, const void *b)
{
    const leaf_cost *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? -1 : 1;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return x->field - y->field;
}

/* The match reads every posting of every term it ORs. At a million records
 * the common characters and words of a question (法, 国, 规定, 应当) each sit
 * in a fifth of all records or more: one question came to some 660,000
 * postings, nearly all of a search's time, while such terms add next to
 * nothing to BM25. So the leaves are taken rarest first until their posting
 * lists sum to the budget (the rarest leaf that matches always); the densest
 * ones stay out of the match but not out of the ranking, whose question
 * similarity still counts every word and n-gram of the question. ascale[i]
 * < 0: word i is not in the query, 0: no answer-field leaf. skip[i] gets the
 * LEAF_* bits of the leaves left out. The frequencies go into the IDF table
 * the re-ranking reads. */
static void match_budget(wd_searcher *s, idf_cache *ic, const qwords *qw, const double *ascale,
                         double budget, unsigned char *skip)
{
    if (budget <= 0 || qw->n == 0)
        return;
    leaf_cost *c = wd_calloc(qw->n * 2, sizeof *c);
    if (!c)
        return; /* no budget is the full query, never a wrong one */
    size_t nl = 0;
    double total = 0;
    for (size_t i = 0; i < qw->n; i++) {
        const qword *w = &qw->w[i];
        if (ascale[i] < 0)
            continue; /* not in the query at all */
        size_t nsyn = leaf_synonyms(w);
        for (int f = LEAF_QUESTION; f <= LEAF_ANSWER; f++) {
            if (f == LEAF_ANSWER && ascale[i] <= 0)
                break;
            const char *prefix = w->kind == QK_BIGRAM  ? WD_PREFIX_BIGRAM
                                 : f == LEAF_QUESTION ? WD_PREFIX_QUESTION
                                                      : "";
            double idf, df = term_stats(s->db, ic, prefix, w->text, w->len, &idf);
            for (size_t k = 0; k < nsyn; k++)
                df += term_stats(s->db, ic, prefix, w->syns[k], strlen(w->syns[k]), &idf);
            c[nl] = (leaf_cost){i, f, df};
            total += c[nl++].df;
        }
    }
    if (total > budget && nl > 1) {
        qsort(c, nl, sizeof *c, leaf_cost_cmp);
        double sum = 0;
        int kept = 0; /* a leaf that matches something */
        for (size_t k = 0; k < nl; k++) {
            sum += c[k].df;
            if (sum > budget && kept)
                skip[c[k].i] |= (unsigned char)c[k].field;
            else if (c[k].df > 0)
                kept = 1;
        }
    }
    wd_free(c);
}

static int build_query(wd_searcher *s, idf_cache *ic, const qwords *qw,
                       const wd_search_opts *o, const tune *t, xc_query **out, wd_error *err)
{
    *out = NULL;
    size_t n = qw->n ? qw->n : 1;
    xc_query **parts = wd_calloc(n, sizeof *parts);
    unsigned char *skip = wd_calloc(n, 1);
    double *scales = wd_calloc(n * 2, sizeof *scales);
    if (!parts || !skip || !scales) {
        wd_free(parts);
        wd_free(skip);
        wd_free(scales);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    double *ascales = scales + n;
    for (size_t i = 0; i < qw->n; i++) {
        /* When the question is nothing but particles, they are all it has. */
        scales[i] = !qw->content                   ? 1.0
                    : qw->w[i].kind == QK_STOP    ? t->stop
                    : qw->w[i].kind == QK_SUBWORD ? t->sub
                                                  : 1.0;
        /* A particle says little about an answer: looked up in questions only
         * (an answer-field posting list of 的 holds nearly every record); an
         * n-gram is a question-field term. */
        ascales[i] = scales[i] <= 0                              ? -1
                     : qw->w[i].kind == QK_BIGRAM              ? 0
                     : qw->content && qw->w[i].kind == QK_STOP ? t->sa
                                                               : 1.0;
    }
    match_budget(s, ic, qw, ascales, t->nb, skip);
    size_t np = 0;
    int rc = WD_OK;
    for (size_t i = 0; i < qw->n && rc == WD_OK; i++) {
        int use_q = !(skip[i] & LEAF_QUESTION);
        double as = skip[i] & LEAF_ANSWER ? 0 : ascales[i];
        if (scales[i] <= 0 || (!use_q && as <= 0))
            continue;
        rc = word_query(&parts[np], &qw->w[i], t, scales[i], use_q, as, err);
        if (rc == WD_OK)
            np++;
    }
    xc_query *all = NULL;
    if (rc == WD_OK)
        rc = xc_query_combine(&all, XC_OP_OR, parts, np, 0, err);
    for (size_t i = 0; i < np; i++)
        xc_query_free(parts[i]);
    wd_free(parts);
    wd_free(skip);
    wd_free(scales);
    if (rc == WD_OK && o->source && *o->source && !xc_query_is_empty(all)) {
        char tb[WD_KEY_TERM_SIZE];
        wd_key_term(tb, WD_PREFIX_SOURCE, o->source, WD_MAX_KEY_TERM);
        xc_query *f = NULL, *filtered = NULL;
        rc = xc_query_term(&f, tb, strlen(tb), 1, 0, err);
        if (rc == WD_OK) {
            xc_query *pair[2] = {all, f};
            rc = xc_query_combine(&filtered, XC_OP_FILTER, pair, 2, 0, err);
        }
        xc_query_free(f);
        xc_query_free(all);
        all = filtered;
    }
    if (rc != WD_OK) {
        xc_query_free(all);
        return rc;
    }
    *out = all;
    return WD_OK;
}

/* ---- hits ---------------------------------------------------------------- */

static char *json_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? wd_strdup(v) : NULL;
}

/* One JSON string at *p (just past its opening quote) as a new C string;
 * NULL when it holds an escape this fast path leaves to jansson (\u) or
 * ends early. */
static char *fast_string(const char **p, const char *end)
{
    const char *q = *p;
    size_t n = 0;
    while (q < end && *q != '"') {
        if ((unsigned char)*q < 0x20)
            return NULL; /* not JSON: jansson says so */
        if (*q == '\\') {
            if (q + 1 >= end || q[1] == 'u')
                return NULL;
            q++;
        }
        q++;
        n++;
    }
    if (q >= end)
        return NULL;
    char *out = wd_malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (q = *p; *q != '"'; q++) {
        if (*q != '\\') {
            *o++ = *q;
            continue;
        }
        switch (*++q) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case '"': case '\\': case '/': *o++ = *q; break;
        default: wd_free(out); return NULL;
        }
    }
    *o = '\0';
    *p = q + 1;
    return out;
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* The stored record is a flat object of strings written by the indexer:
 * read it without building a jansson tree (the re-ranking reads 50 of them
 * per search). 0 when the data is anything else (then jansson reads it, and
 * says what is wrong if it is not JSON). */
static int fast_record(wd_hit *h, char **kind, const char *p, size_t len)
{
    const char *end = p + len;
    p = skip_ws(p, end);
    if (p >= end || *p++ != '{')
        return 0;
    p = skip_ws(p, end);
    if (p < end && *p == '}')
        p++;
    else
        for (;;) {
            if (p >= end || *p++ != '"')
                return 0;
            char *key = fast_string(&p, end);
            if (!key)
                return 0;
            p = skip_ws(p, end);
            char *val = NULL;
            if (p < end && *p == ':') {
                p = skip_ws(p + 1, end);
                if (p < end && *p == '"') {
                    p++;
                    val = fast_string(&p, end);
                }
            }
            if (!val) {
                wd_free(key);
                return 0;
            }
            char **slot = !strcmp(key, "id")         ? &h->id
                          : !strcmp(key, "question") ? &h->question
                          : !strcmp(key, "answer")   ? &h->answer
                          : !strcmp(key, "source")   ? &h->source
                          : !strcmp(key, "date")     ? &h->date
                          : !strcmp(key, "kind")     ? kind
                                                     : NULL;
            wd_free(key);
            if (slot) { /* a repeated key: the last one wins, as in jansson */
                wd_free(*slot);
                *slot = val;
            } else {
                wd_free(val);
            }
            p = skip_ws(p, end);
            if (p < end && *p == ',') {
                p = skip_ws(p + 1, end);
                continue;
            }
            if (p < end && *p == '}') {
                p++;
                break;
            }
            return 0;
        }
    return skip_ws(p, end) == end;
}

/* Fill the record fields of a hit from the stored JSON data. */
static int hit_from_data(wd_hit *h, const char *data, size_t len, wd_error *err)
{
    char *fkind = NULL;
    if (fast_record(h, &fkind, data, len)) {
        h->kind = fkind && strcmp(fkind, "question") == 0 ? WD_KIND_QUESTION : WD_KIND_QA;
        wd_free(fkind);
    } else {
        wd_free(fkind);
        wd_free(h->id);
        wd_free(h->question);
        wd_free(h->answer);
        wd_free(h->source);
        wd_free(h->date);
        h->id = h->question = h->answer = h->source = h->date = NULL;
        json_error_t jerr;
        json_t *o = json_loadb(data, len, 0, &jerr);
        if (!o || !json_is_object(o)) {
            json_decref(o);
            return wd_error_set(err, WD_ECORRUPT, "search",
                                "a stored record is not valid JSON (%s); re-index the corpus",
                                jerr.text);
        }
        h->id = json_str(o, "id");
        h->question = json_str(o, "question");
        h->answer = json_str(o, "answer");
        h->source = json_str(o, "source");
        h->date = json_str(o, "date");
        const char *kind = json_string_value(json_object_get(o, "kind"));
        h->kind = kind && strcmp(kind, "question") == 0 ? WD_KIND_QUESTION : WD_KIND_QA;
        json_decref(o);
    }
    if (!h->id || !h->question || !h->answer || !h->source) {
        if (!h->answer)
            h->answer = wd_strdup("");
        if (!h->source)
            h->source = wd_strdup("");
        if (!h->id || !h->question || !h->answer || !h->source)
            return wd_error_set(err, WD_ECORRUPT, "search",
                                "a stored record lacks its id or question; re-index the corpus");
    }
    return WD_OK;
}

void wd_hit_free(wd_hit *h)
{
    if (!h)
        return;
    wd_free(h->id);
    wd_free(h->question);
    wd_free(h->answer);
    wd_free(h->source);
    wd_free(h->date);
    wd_free(h->snippet);
    wd_free(h->highlights);
    for (size_t i = 0; i < h->n_explain; i++)
        wd_free(h->explain[i].term);
    wd_free(h->explain);
    memset(h, 0, sizeof *h);
}

void wd_results_free(wd_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_hits; i++)
        wd_hit_free(&r->hits[i]);
    wd_free(r->hits);
    wd_free(r->query);
    wd_free(r->parsed);
    for (size_t i = 0; i < r->n_missing; i++)
        wd_free(r->missing_shards[i]);
    wd_free(r->missing_shards);
    wd_free(r);
}

static int make_snippet(wd_analyzer *an, wd_hit *h, const wd_termset *ts, uint32_t chars,
                        wd_error *err)
{
    /* The answer, unless it is empty; a question-kind record's description is its answer. */
    const char *text = h->answer && *h->answer ? h->answer : h->question;
    return wd_snippet_make(an, text, strlen(text), ts, chars, &h->snippet, &h->highlights,
                           &h->n_highlights, err);
}

static int copy_snippet(wd_hit *h, const wd_hit *from, wd_error *err)
{
    h->snippet = wd_strdup(from->snippet);
    if (from->n_highlights) {
        h->highlights = wd_malloc(from->n_highlights * sizeof *h->highlights);
        if (h->highlights) {
            memcpy(h->highlights, from->highlights, from->n_highlights * sizeof *h->highlights);
            h->n_highlights = from->n_highlights;
        }
    }
    if (!h->snippet || (from->n_highlights && !h->highlights))
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    return WD_OK;
}

/* A copy of a cached record's fields into a result hit. */
static int copy_record(wd_hit *h, const wd_hit *from, wd_error *err)
{
    memset(h, 0, sizeof *h);
    h->kind = from->kind;
    h->id = wd_strdup(from->id);
    h->question = wd_strdup(from->question);
    h->answer = wd_strdup(from->answer);
    h->source = wd_strdup(from->source);
    h->date = from->date ? wd_strdup(from->date) : NULL;
    if (!h->id || !h->question || !h->answer || !h->source || (from->date && !h->date)) {
        wd_hit_free(h);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    return WD_OK;
}

struct explain_ctx {
    wd_hit *h;
    const xc_mset *m;
    wd_error *err;
};

static int explain_term(void *vctx, const char *term, size_t len, uint32_t tf)
{
    (void)tf;
    struct explain_ctx *c = vctx;
    wd_term_weight *e = wd_realloc(c->h->explain, (c->h->n_explain + 1) * sizeof *e);
    if (!e)
        return WD_ENOMEM;
    c->h->explain = e;
    wd_term_weight *t = &e[c->h->n_explain];
    t->term = wd_strndup(term, len);
    if (!t->term)
        return WD_ENOMEM;
    t->weight = 0;
    xc_mset_termweight(c->m, t->term, &t->weight, NULL);
    c->h->n_explain++;
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- re-ranking ------------------------------------------------------------ *
 *
 * Xapian's BM25 normalises every term by the length of the whole record, so a
 * short question that matches the asked question well can lose to a long
 * answer that mentions its words often. The top of the match set is therefore
 * re-ranked by two more deterministic signals: how similar the record's
 * question is to the asked one, as an IDF-weighted Dice overlap of their words
 * (synonyms count as the word) and of their character n-grams; and how much
 * of the asked question's content the record's answer contains. The final
 * score mixes the BM25 score (scaled to the best one) with both; records that
 * only know a question (no written answer) are scaled down. Policy is set by
 * province and city, so when the asked question names a place, a record whose
 * question names the same place (or its province) is raised and one that names
 * only other places is lowered (places.h); records naming no place keep their
 * score. */

#define RERANK_DEPTH 50

static void idf_cache_free(idf_cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        wd_free(c->slots[i].term);
    wd_free(c->slots);
    memset(c, 0, sizeof *c);
}

#define IDF_CACHE_MAX 65536 /* entries kept across searches */

static int idf_cache_grow(idf_cache *c)
{
    size_t cap = c->cap ? c->cap * 2 : 256;
    idf_slot *slots = wd_calloc(cap, sizeof *slots);
    if (!slots)
        return WD_ENOMEM;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].term)
            continue;
        size_t j = c->slots[i].hash & (cap - 1);
        while (slots[j].term)
            j = (j + 1) & (cap - 1);
        slots[j] = c->slots[i];
    }
    wd_free(c->slots);
    c->slots = slots;
    c->cap = cap;
    return WD_OK;
}

/* The document frequency of prefix+w and its BM25 IDF, each term looked up
 * in the index once per table (the match's posting budget wants the first,
 * the re-ranking the second, often of the same terms). 0 for a term too long
 * to exist. */
static uint32_t term_stats(xc_db *db, idf_cache *c, const char *prefix, const char *w,
                           size_t len, double *idf)
{
    char term[XC_MAX_TERM_BYTES + 1];
    size_t pl = strlen(prefix);
    *idf = 0;
    if (pl + len > XC_MAX_TERM_BYTES)
        return 0;
    memcpy(term, prefix, pl);
    memcpy(term + pl, w, len);
    term[pl + len] = '\0';
    uint64_t h = wd_fnv1a64(term, pl + len, WD_FNV_OFFSET);
    int cached = (c->n + 1) * 2 <= c->cap || idf_cache_grow(c) == WD_OK;
    size_t j = cached ? h & (c->cap - 1) : 0;
    while (cached && c->slots[j].term) {
        if (c->slots[j].hash == h && strcmp(c->slots[j].term, term) == 0) {
            *idf = c->slots[j].idf;
            return c->slots[j].df;
        }
        j = (j + 1) & (c->cap - 1);
    }
    uint32_t df = 0;
    xc_db_termfreq(db, term, &df, NULL);
    /* BM25's idf, floored so a word in every record still counts a little. */
    *idf = log((c->ndocs - df + 0.5) / (df + 0.5));
    if (*idf < 0.1)
        *idf = 0.1;
    char *copy = cached ? wd_strdup(term) : NULL;
    if (copy) {
        c->slots[j] = (idf_slot){copy, h, df, *idf};
        c->n++;
    }
    return df;
}

static double term_idf(xc_db *db, idf_cache *c, const char *prefix, const char *w, size_t len)
{
    double idf;
    term_stats(db, c, prefix, w, len, &idf);
    return idf;
}


static double kind_weight(int kind, const tune *t)
{
    return kind == QK_STOP ? t->stop : kind == QK_SUBWORD ? t->sub : 1.0;
}

/* ---- the record cache ------------------------------------------------------ */

#define REC_CACHE_MAX 4096          /* records of a generation */
#define REC_CACHE_BYTES (8u << 20)  /* and about this much memory */
#define REC_MALLOC_COST 24          /* about what an allocation costs beyond its size */

static void rec_entry_free(rec_entry *r)
{
    if (!r)
        return;
    wd_hit_free(&r->hit);
    wd_free(r->cw); /* one block with cidf, chash and the words' text */
    wd_free(r->norm);
    wd_free(r);
}

/* A slot of the old generation whose entry moved to the current one (Xapian
 * docids start at 1, so its docid 0 matches nothing and probing goes on). */
static rec_entry rec_moved;

static void rec_table_free(rec_table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i] != &rec_moved)
            rec_entry_free(t->slots[i]);
    wd_free(t->slots);
    memset(t, 0, sizeof *t);
}

static void rec_cache_free(rec_cache *c)
{
    rec_table_free(&c->cur);
    rec_table_free(&c->old);
    c->layer = 0;
}

/* The current generation becomes the old one; the old one is freed. */
static void rec_cache_age(rec_cache *c)
{
    rec_table_free(&c->old);
    c->old = c->cur;
    memset(&c->cur, 0, sizeof c->cur);
}

static size_t rec_slot(const rec_table *t, uint32_t did)
{
    size_t j = (did * 2654435761u) & (t->cap - 1);
    while (t->slots[j] && t->slots[j]->did != did)
        j = (j + 1) & (t->cap - 1);
    return j;
}

static int rec_table_grow(rec_table *t)
{
    rec_table bigger = *t;
    bigger.cap = t->cap ? t->cap * 2 : 64;
    bigger.slots = wd_calloc(bigger.cap, sizeof *bigger.slots);
    if (!bigger.slots)
        return WD_ENOMEM;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i])
            bigger.slots[rec_slot(&bigger, t->slots[i]->did)] = t->slots[i];
    wd_free(t->slots);
    *t = bigger;
    return WD_OK;
}

/* The record of hit i of m, from the cache or read from the index; it ends
 * in the current generation. The entry is borrowed from the cache, valid
 * until the next search ages or empties it. */
static int rec_get(rec_cache *c, const xc_mset *m, uint32_t i, rec_entry **out, wd_error *err)
{
    *out = NULL;
    uint32_t did = xc_mset_docid(m, i);
    rec_table *t = &c->cur;
    if (t->cap) {
        rec_entry *r = t->slots[rec_slot(t, did)];
        if (r) {
            *out = r;
            return WD_OK;
        }
    }
    if ((t->n + 1) * 2 > t->cap && rec_table_grow(t) != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    rec_entry *r = NULL;
    if (c->old.cap) {
        size_t j = rec_slot(&c->old, did);
        if ((r = c->old.slots[j]))
            c->old.slots[j] = &rec_moved;
    }
    if (!r) {
        r = wd_calloc(1, sizeof *r);
        if (!r)
            return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        char *data = NULL;
        size_t dlen = 0;
        int rc = xc_mset_data(m, i, &data, &dlen, err);
        if (rc == WD_OK)
            rc = hit_from_data(&r->hit, data, dlen, err);
        wd_free(data);
        if (rc != WD_OK) {
            rec_entry_free(r);
            return rc;
        }
        r->did = did;
        size_t ql = strlen(r->hit.question), al = strlen(r->hit.answer);
        r->qhash = wd_fnv1a64(r->hit.question, ql, WD_FNV_OFFSET);
        r->ahash = wd_fnv1a64(r->hit.answer, al, WD_FNV_OFFSET);
        r->bytes = sizeof *r + ql + al + strlen(r->hit.id) + strlen(r->hit.source) +
                   (r->hit.date ? strlen(r->hit.date) : 0) + 6 * REC_MALLOC_COST;
    }
    t->slots[rec_slot(t, did)] = r;
    t->n++;
    t->bytes += r->bytes;
    *out = r;
    return WD_OK;
}

/* Words are compared by hash first, then byte for byte. */
static uint64_t word_hash(const char *text, size_t len)
{
    return wd_fnv1a64(text, len, WD_FNV_OFFSET);
}

/* The places named by the words of an analysed question. */
static void places_of(const qwords *w, wd_placeset *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < w->n; i++)
        if (w->w[i].kind == QK_WORD || w->w[i].kind == QK_SUBWORD)
            wd_placeset_add(out, wd_place_find(w->w[i].text, w->w[i].len));
}

/* Analyse a cached record's question once, as question_similarity needs it.
 * Out of memory sets *oom (the search fails) and leaves it to be done again. */
static void rec_analyse(wd_searcher *s, rec_table *c, rec_entry *r, idf_cache *ic, int *oom)
{
    if (r->analysed)
        return;
    qwords cw = {0};
    const char *cq = r->hit.question;
    wd_analyze(s->an, WD_ANALYZE_INDEX, cq, strlen(cq), collect_qword, &cw, NULL);
    size_t text = 0;
    for (size_t k = 0; k < cw.n; k++)
        text += cw.w[k].len + 1;
    size_t bytes = cw.n * (sizeof *cw.w + sizeof *r->cidf + sizeof *r->chash) + text;
    char *block = cw.oom ? NULL : wd_malloc(bytes ? bytes : 1);
    if (!block) {
        *oom = 1;
        qwords_free(&cw);
        return;
    }
    r->cw = (qword *)block;
    r->cidf = (double *)(block + cw.n * sizeof *cw.w);
    r->chash = (uint64_t *)(block + cw.n * (sizeof *cw.w + sizeof *r->cidf));
    char *tp = block + cw.n * (sizeof *cw.w + sizeof *r->cidf + sizeof *r->chash);
    for (size_t k = 0; k < cw.n; k++) {
        const qword *w = &cw.w[k];
        r->cw[k] = *w;
        r->cw[k].text = memcpy(tp, w->text, w->len);
        tp[w->len] = '\0';
        tp += w->len + 1;
        r->cidf[k] = w->kind == QK_BIGRAM    ? term_idf(s->db, ic, WD_PREFIX_BIGRAM, w->text, w->len)
                     : w->kind == QK_SUBWORD ? 0
                                             : term_idf(s->db, ic, WD_PREFIX_QUESTION, w->text, w->len);
        r->chash[k] = word_hash(w->text, w->len);
    }
    r->ncw = cw.n;
    places_of(&cw, &r->places);
    r->analysed = 1;
    qwords_free(&cw);
    r->bytes += bytes + REC_MALLOC_COST;
    c->bytes += bytes + REC_MALLOC_COST;
}

/* ---- re-ranking signals ---------------------------------------------------- */

/* What the signals need of the asked question, looked up once per search:
 * each word's IDF (B for n-grams, S otherwise; and in the answer field for
 * coverage), its synonyms, and the question-side sums. */
typedef struct qprep {
    double *sidf, *aidf;
    uint64_t *hash;     /* word_hash of each word */
    const char *const **syns;
    size_t *nsyn;
    uint64_t **syn_hash; /* word_hash of each synonym (for words with synonyms) */
    size_t **syn_len;
    double qwsum, qbsum, atotal;
} qprep;

static void qprep_free(qprep *p, size_t n)
{
    for (size_t i = 0; p->syn_hash && p->syn_len && i < n; i++) {
        wd_free(p->syn_hash[i]);
        wd_free(p->syn_len[i]);
    }
    wd_free(p->syn_hash);
    wd_free(p->syn_len);
    wd_free(p->hash);
    wd_free(p->sidf);
    wd_free(p->aidf);
    wd_free(p->syns);
    wd_free(p->nsyn);
    memset(p, 0, sizeof *p);
}

static int qprep_make(wd_searcher *s, const qwords *qw, idf_cache *ic, const tune *t, qprep *p)
{
    size_t n = qw->n ? qw->n : 1;
    p->sidf = wd_calloc(n, sizeof *p->sidf);
    p->aidf = wd_calloc(n, sizeof *p->aidf);
    p->syns = wd_calloc(n, sizeof *p->syns);
    p->nsyn = wd_calloc(n, sizeof *p->nsyn);
    p->hash = wd_calloc(n, sizeof *p->hash);
    p->syn_hash = wd_calloc(n, sizeof *p->syn_hash);
    p->syn_len = wd_calloc(n, sizeof *p->syn_len);
    if (!p->sidf || !p->aidf || !p->syns || !p->nsyn || !p->hash || !p->syn_hash || !p->syn_len)
        return WD_ENOMEM;
    for (size_t i = 0; i < qw->n; i++) {
        const qword *w = &qw->w[i];
        p->hash[i] = word_hash(w->text, w->len);
        if (w->kind == QK_BIGRAM) {
            p->sidf[i] = term_idf(s->db, ic, WD_PREFIX_BIGRAM, w->text, w->len);
            p->qbsum += p->sidf[i];
            continue;
        }
        if (w->kind == QK_SUBWORD)
            continue;
        p->sidf[i] = term_idf(s->db, ic, WD_PREFIX_QUESTION, w->text, w->len);
        p->qwsum += p->sidf[i] * kind_weight(w->kind, t);
        p->syns[i] = w->syns;
        p->nsyn[i] = w->nsyn;
        if (p->nsyn[i]) {
            p->syn_hash[i] = wd_malloc(p->nsyn[i] * sizeof **p->syn_hash);
            p->syn_len[i] = wd_malloc(p->nsyn[i] * sizeof **p->syn_len);
            if (!p->syn_hash[i] || !p->syn_len[i])
                return WD_ENOMEM;
            for (size_t y = 0; y < p->nsyn[i]; y++) {
                p->syn_len[i][y] = strlen(p->syns[i][y]);
                p->syn_hash[i][y] = word_hash(p->syns[i][y], p->syn_len[i][y]);
            }
        }
        if (w->kind == QK_WORD && t->ra > 0) {
            p->aidf[i] = term_idf(s->db, ic, "", w->text, w->len);
            p->atotal += p->aidf[i];
        }
    }
    return WD_OK;
}

/* The similarity of the asked question (qw) to a record's question. */
static double question_similarity(const qwords *qw, const qprep *p, const rec_entry *r,
                                  const tune *t)
{
    double wcommon = 0, cwsum = 0, bcommon = 0, cbsum = 0;
    const qword *cw = r->cw;
    for (size_t i = 0; i < qw->n; i++) {
        const qword *w = &qw->w[i];
        if (w->kind == QK_BIGRAM) {
            for (size_t k = 0; k < r->ncw; k++)
                if (cw[k].kind == QK_BIGRAM && cw[k].len == w->len && r->chash[k] == p->hash[i] &&
                    memcmp(cw[k].text, w->text, w->len) == 0) {
                    bcommon += p->sidf[i];
                    break;
                }
            continue;
        }
        if (w->kind == QK_SUBWORD)
            continue; /* whole words carry the meaning; sub-words only help match */
        double wt = p->sidf[i] * kind_weight(w->kind, t);
        const char *const *syns = p->syns[i];
        size_t nsyn = p->nsyn[i];
        for (size_t k = 0; k < r->ncw; k++) {
            const qword *c = &cw[k];
            if (c->kind == QK_BIGRAM)
                continue;
            uint64_t h = r->chash[k];
            int same = c->len == w->len && h == p->hash[i] && memcmp(c->text, w->text, w->len) == 0;
            for (size_t y = 0; !same && y < nsyn; y++)
                same = p->syn_len[i][y] == c->len && p->syn_hash[i][y] == h &&
                       memcmp(syns[y], c->text, c->len) == 0;
            if (same) {
                wcommon += wt * (c->kind == QK_SUBWORD ? t->sub : 1.0);
                break;
            }
        }
    }
    for (size_t k = 0; k < r->ncw; k++) {
        const qword *c = &cw[k];
        if (c->kind == QK_BIGRAM)
            cbsum += r->cidf[k];
        else if (c->kind != QK_SUBWORD)
            cwsum += r->cidf[k] * kind_weight(c->kind, t);
    }
    double qwsum = p->qwsum, qbsum = p->qbsum;
    double wd = qwsum + cwsum > 0 ? 2 * wcommon / (qwsum + cwsum) : 0;
    double bd = qbsum + cbsum > 0 ? 2 * bcommon / (qbsum + cbsum) : wd;
    return (wd + bd) / 2;
}

/* How much of the asked question's content (IDF-weighted, synonyms counted)
 * occurs in a record's answer: the normalised answer is searched for each
 * word as a substring, which is cheap next to segmenting it. */
static int contains(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || m > n)
        return m == 0;
    return memmem(hay, n, needle, m) != NULL;
}

static double answer_coverage(wd_searcher *s, rec_table *c, const qwords *qw, const qprep *p,
                              rec_entry *r)
{
    const char *answer = r->hit.answer;
    if (!*answer)
        return 0;
    if (!r->normalised) { /* kept once made; a failure is tried again next time */
        if (wd_normalize(s->an, answer, strlen(answer), &r->norm, &r->nlen, NULL) != WD_OK) {
            wd_free(r->norm);
            r->norm = NULL;
            return 0;
        }
        r->normalised = 1;
        r->bytes += r->nlen + REC_MALLOC_COST;
        c->bytes += r->nlen + REC_MALLOC_COST;
    }
    if (!r->norm)
        return 0;
    double found = 0;
    for (size_t i = 0; i < qw->n; i++) {
        const qword *w = &qw->w[i];
        if (w->kind != QK_WORD)
            continue;
        int hit = contains(r->norm, r->nlen, w->text, w->len);
        const char *const *syns = p->syns[i];
        size_t nsyn = hit ? 0 : p->nsyn[i];
        for (size_t y = 0; !hit && y < nsyn; y++)
            hit = contains(r->norm, r->nlen, syns[y], strlen(syns[y]));
        if (hit)
            found += p->aidf[i];
    }
    return p->atotal > 0 ? found / p->atotal : 0;
}

typedef struct cand {
    uint32_t mset_index;
    double bm25, sim, score;
    double cover; /* answer coverage before the (1 - sim) factor */
    rec_entry *rec; /* borrowed from the record cache */
} cand;

/* An earlier candidate with the same question (which_q) or answer text:
 * corpora repeat questions and answers (FAQ variants, records imported
 * twice), and both re-ranking signals depend on nothing but the text, so
 * they are computed once per distinct text. NULL when there is none. */
static const cand *same_text(const cand *cands, uint32_t n, const cand *c, int which_q)
{
    const rec_entry *r = c->rec;
    for (uint32_t i = 0; i < n; i++) {
        const rec_entry *o = cands[i].rec;
        if (which_q ? o->qhash == r->qhash && strcmp(o->hit.question, r->hit.question) == 0
                    : o->ahash == r->ahash && strcmp(o->hit.answer, r->hit.answer) == 0)
            return &cands[i];
    }
    return NULL;
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->rec->hit.id, y->rec->hit.id);
}

static int search_once(wd_searcher *s, const char *question, size_t len,
                       const wd_search_opts *opts, wd_results **out, wd_error *err)
{
    *out = NULL;
    double t0 = now_ms();
    wd_search_opts o = opts ? *opts : (wd_search_opts)WD_SEARCH_OPTS_INIT;
    if (o.n == 0)
        o.n = 10;
    if (o.n > 10000)
        o.n = 10000;
    wd_results *r = wd_calloc(1, sizeof *r);
    if (!r)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    r->query = wd_strndup(question, len);
    if (!r->query) {
        wd_results_free(r);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }

    qwords qw = {0};
    wd_termset ts = {0};
    tune tn = get_tune();
    if (o.question_weight > 0)
        tn.qw = o.question_weight;
    if (o.k1 >= 0)
        tn.k1 = o.k1;
    if (o.b >= 0)
        tn.b = o.b;
    xc_query *q = NULL;
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    wd_analyzer_set_dictionary_layer(s->an, !o.no_dictionary_layer);
    int rc = wd_analyze(s->an, WD_ANALYZE_INDEX, question, len, collect_qword, &qw, err);
    if (qw.oom)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    for (size_t i = 0; rc == WD_OK && i < qw.n; i++)
        if (qw.w[i].kind != QK_BIGRAM)
            qw.w[i].nsyn = wd_dict_synonyms(s->dict, qw.w[i].text, qw.w[i].len, &qw.w[i].syns);
    /* Highlight what the question asked for, synonyms included; particles
     * only when the question has nothing else. */
    for (size_t i = 0; rc == WD_OK && i < qw.n; i++) {
        const qword *w = &qw.w[i];
        if (w->kind == QK_BIGRAM || (qw.content && w->kind == QK_STOP))
            continue;
        double hw = w->kind == QK_SUBWORD ? SUBWORD_WEIGHT : 1.0;
        rc = wd_termset_add(&ts, w->text, w->len, hw);
        for (size_t k = 0; rc == WD_OK && k < w->nsyn; k++)
            rc = wd_termset_add(&ts, w->syns[k], strlen(w->syns[k]), hw);
        if (rc == WD_ENOMEM)
            wd_error_set(err, rc, "search", "out of memory");
    }
    idf_cache local = {0};
    rec_cache rlocal = {0};
    idf_cache *icp = s->shards ? &local : &s->idf;
    rec_cache *rcp = s->shards ? &rlocal : &s->rec;
    uint32_t ndocs = 0;
    if (rc == WD_OK && qw.n > 0)
        rc = xc_db_doccount(s->db, &ndocs, err);
    if (rc == WD_OK && qw.n > 0) {
        /* The cached records' IDFs come from the IDF table: they go together. */
        if (icp->ndocs != ndocs || icp->n >= IDF_CACHE_MAX ||
            rcp->layer != !o.no_dictionary_layer) {
            idf_cache_free(icp);
            rec_cache_free(rcp);
        } else if (rcp->cur.n >= REC_CACHE_MAX || rcp->cur.bytes >= REC_CACHE_BYTES) {
            rec_cache_age(rcp);
        }
        icp->ndocs = ndocs;
        rcp->layer = !o.no_dictionary_layer;
        rc = build_query(s, icp, &qw, &o, &tn, &q, err);
        if (rc == WD_OK && o.explain)
            rc = xc_query_describe(q, &r->parsed, err);
        if (rc == WD_OK)
            rc = xc_enquire_new(&e, s->db, err);
        if (rc == WD_OK)
            rc = xc_enquire_set_query(e, q, err);
        if (rc == WD_OK)
            rc = xc_enquire_set_bm25(e, tn.k1, 0, 1, tn.b, 0.5, err);
        if (rc == WD_OK)
            rc = xc_enquire_set_tiebreak_value(e, WD_VALUE_ID, err);
        /* Fetch the re-ranking window from the top, then cut the page. */
        uint32_t depth = o.offset + o.n > RERANK_DEPTH ? o.offset + o.n : RERANK_DEPTH;
        if (rc == WD_OK)
            rc = xc_enquire_mset(e, 0, depth, 0, &m, err);
    }
    cand *cands = NULL;
    uint32_t nc = 0;
    qprep prep = {0};
    if (rc == WD_OK && m) {
        nc = xc_mset_size(m);
        r->total = xc_mset_estimated(m);
        cands = wd_calloc(nc ? nc : 1, sizeof *cands);
        if (!cands)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        if (rc == WD_OK && qprep_make(s, &qw, icp, &tn, &prep) != WD_OK)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        double top = nc ? xc_mset_weight(m, 0) : 1;
        if (top <= 0)
            top = 1;
        int oom = 0;
        wd_placeset qplaces;
        places_of(&qw, &qplaces);
        for (uint32_t i = 0; rc == WD_OK && i < nc; i++) {
            cand *c = &cands[i];
            c->mset_index = i;
            c->bm25 = xc_mset_weight(m, i);
            rc = rec_get(rcp, m, i, &c->rec, err);
            if (rc == WD_OK) {
                const cand *sq = same_text(cands, i, c, 1);
                const cand *sa = tn.ra > 0 ? same_text(cands, i, c, 0) : NULL;
                /* The record whose question was analysed: a twin's is not. */
                const rec_entry *qrec = sq ? sq->rec : c->rec;
                if (sq) {
                    c->sim = sq->sim;
                } else {
                    rec_analyse(s, &rcp->cur, c->rec, icp, &oom);
                    c->sim = question_similarity(&qw, &prep, c->rec, &tn);
                }
                c->cover = sa ? sa->cover
                           : tn.ra > 0 ? answer_coverage(s, &rcp->cur, &qw, &prep, c->rec) : 0;
                /* The answer's coverage matters where the questions differ. */
                double ac = c->cover * (1 - c->sim);
                c->score = (1 - tn.rr - tn.ra) * c->bm25 / top + tn.rr * c->sim + tn.ra * ac;
                /* A record that only knows the question answers less than one that answers it. */
                if (c->rec->hit.kind == WD_KIND_QUESTION)
                    c->score *= tn.kq;
                /* Policy differs by place: an answer for another city does not answer. */
                int rel = wd_placeset_relation(&qplaces, &qrec->places);
                if (rel > 0)
                    c->score *= 1 + tn.pm;
                else if (rel < 0)
                    c->score *= 1 - tn.px;
            }
        }
        if (rc == WD_OK && oom)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        if (rc == WD_OK && tn.rr > 0)
            qsort(cands, nc, sizeof *cands, cand_cmp);
    }
    if (rc == WD_OK && m) {
        uint32_t n = nc > o.offset ? nc - o.offset : 0;
        if (n > o.n)
            n = o.n;
        r->hits = wd_calloc(n ? n : 1, sizeof *r->hits);
        if (!r->hits)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        for (uint32_t i = 0; rc == WD_OK && i < n; i++) {
            cand *c = &cands[o.offset + i];
            wd_hit *h = &r->hits[i];
            rc = copy_record(h, &c->rec->hit, err); /* the results own a copy */
            if (rc != WD_OK)
                break;
            r->n_hits++;
            h->rank = o.offset + i + 1;
            h->score = tn.rr > 0 ? c->score : c->bm25;
            const wd_hit *twin = NULL;
            for (uint32_t k = 0; k < i && !twin && (!o.snippets || i < o.snippets); k++)
                if (cands[o.offset + k].rec->ahash == c->rec->ahash &&
                    cands[o.offset + k].rec->qhash == c->rec->qhash &&
                    strcmp(r->hits[k].answer, h->answer) == 0 &&
                    strcmp(r->hits[k].question, h->question) == 0)
                    twin = &r->hits[k];
            if (twin)
                rc = copy_snippet(h, twin, err); /* the same text cuts the same snippet */
            else if (!o.snippets || i < o.snippets)
                rc = make_snippet(s->an, h, &ts, o.snippet_chars, err);
            else if (!(h->snippet = wd_strdup("")))
                rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
            if (rc == WD_OK && o.explain) {
                struct explain_ctx ec = {h, m, err};
                rc = xc_enquire_matching_terms(e, xc_mset_docid(m, c->mset_index), explain_term,
                                               &ec, err);
                if (rc == WD_ENOMEM)
                    wd_error_set(err, rc, "search", "out of memory");
            }
        }
    }
    wd_free(cands);
    qprep_free(&prep, qw.n);
    idf_cache_free(&local);
    rec_cache_free(&rlocal);
    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(q);
    qwords_free(&qw);
    wd_termset_free(&ts);
    if (rc != WD_OK) {
        wd_results_free(r);
        return rc;
    }
    r->took_ms = now_ms() - t0;
    *out = r;
    return WD_OK;
}

/* Over a shard list: bring the database in line with the options (missing
 * shards tried again), search, and when a shard stops answering find out
 * which, then fail naming it or (allow_partial) search the others. */
int wd_search(wd_searcher *s, const char *question, size_t len, const wd_search_opts *opts,
              wd_results **out, wd_error *err)
{
    *out = NULL;
    if (!s->shards)
        return search_once(s, question, len, opts, out, err);
    double t0 = now_ms();
    unsigned timeout = opts ? opts->timeout_ms : 0;
    int partial_ok = opts ? opts->allow_partial : 0;
    int rc = wd_shards_prepare(s->shards, &s->db, timeout, partial_ok, err);
    if (rc == WD_OK)
        rc = search_once(s, question, len, opts, out, err);
    if (rc == WD_ENETWORK) {
        wd_error cause;
        wd_error_clear(&cause);
        if (err)
            cause = *err;
        rc = wd_shards_recover(s->shards, &s->db, timeout, partial_ok, &cause, err);
        if (rc == WD_OK)
            rc = search_once(s, question, len, opts, out, err);
    }
    if (rc != WD_OK)
        return rc;
    wd_results *r = *out;
    const char *const *missing = NULL;
    size_t n = wd_shards_missing(s->shards, &missing);
    if (n) {
        r->missing_shards = wd_calloc(n, sizeof *r->missing_shards);
        for (size_t i = 0; r->missing_shards && i < n; i++)
            if ((r->missing_shards[i] = wd_strdup(missing[i])))
                r->n_missing++;
        if (r->n_missing < n) {
            wd_results_free(r);
            *out = NULL;
            return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        }
        r->partial = 1;
    }
    r->took_ms = now_ms() - t0;
    return WD_OK;
}

int wd_searcher_get(wd_searcher *s, const char *id, wd_hit **out, wd_error *err)
{
    *out = NULL;
    /* The id's term in the current schema, then (for an index an older
     * wenda wrote) in schema 1, which kept ids of up to 200 bytes verbatim;
     * the id in value 0 confirms the document is this id's. */
    char t[WD_KEY_TERM_SIZE];
    size_t n = strlen(id);
    xc_docid did = 0;
    int rc = xc_db_find_keyed(s->db, wd_key_term(t, WD_PREFIX_ID, id, WD_ID_VERBATIM), WD_VALUE_ID,
                              id, n, &did, err);
    if (rc == WD_ENOTFOUND && n > WD_ID_VERBATIM && n <= WD_ID_VERBATIM_V1)
        rc = xc_db_find_keyed(s->db, wd_key_term(t, WD_PREFIX_ID, id, WD_ID_VERBATIM_V1),
                              WD_VALUE_ID, id, n, &did, err);
    if (rc == WD_ENOTFOUND)
        return wd_error_set(err, WD_ENOTFOUND, "search", "no record with id '%s' in the index",
                            id);
    xc_doc *doc = NULL;
    char *data = NULL;
    size_t dlen = 0;
    wd_hit *h = wd_calloc(1, sizeof *h);
    if (!h)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    if (rc == WD_OK)
        rc = xc_db_get_document(s->db, did, &doc, err);
    if (rc == WD_OK)
        rc = xc_doc_get_data(doc, &data, &dlen, err);
    if (rc == WD_OK)
        rc = hit_from_data(h, data, dlen, err);
    if (rc == WD_OK) {
        h->rank = 1;
        wd_termset empty = {0};
        rc = make_snippet(s->an, h, &empty, 0, err);
    }
    wd_free(data);
    xc_doc_free(doc);
    if (rc != WD_OK) {
        wd_hit_free(h);
        wd_free(h);
        return rc;
    }
    *out = h;
    return WD_OK;
}

/* ---- info ------------------------------------------------------------------ */

static uint64_t dir_size(const char *path)
{
    /* Xapian's glass files sit flat in the index directory. */
    uint64_t total = 0;
    static const char *const files[] = {"docdata.glass", "postlist.glass", "position.glass",
                                        "termlist.glass", "spelling.glass", "synonym.glass",
                                        "iamglass"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", path, files[i]);
        if (stat(p, &st) == 0)
            total += (uint64_t)st.st_size;
    }
    return total;
}

int wd_searcher_info(wd_searcher *s, const char *path, wd_index_info *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = xc_db_doccount(s->db, &out->documents, err);
    if (rc == WD_OK)
        rc = xc_db_termcount(s->db, &out->terms, err);
    if (rc == WD_OK)
        rc = xc_db_avlength(s->db, &out->avg_length, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_DICT, &out->dict_version, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_SCHEMA, &out->schema, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_CHECKPOINT, &out->checkpoint, err);
    if (rc != WD_OK) {
        wd_index_info_clear(out);
        return rc;
    }
    out->size_bytes = path ? dir_size(path) : 0;
    return WD_OK;
}

void wd_index_info_clear(wd_index_info *info)
{
    wd_free(info->dict_version);
    wd_free(info->schema);
    wd_free(info->checkpoint);
    memset(info, 0, sizeof *info);
}
