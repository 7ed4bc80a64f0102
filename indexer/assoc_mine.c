/*
 * assoc_mine.c - word associations mined from the records an index is built
 * from (assoc_mine.h): counting while the records are written, scoring and
 * keeping the strongest at the end.
 *
 * Words get small integer ids in a capped vocabulary (the one string map);
 * pairs of ids are counted in open-addressing tables of 64-bit keys that,
 * once at their cap, drop every pair seen no more than a rising floor (lossy
 * counting). A record's question words against its answer words feed the
 * translation table; a record whose answer (byte for byte) an earlier one
 * had pairs its question's words with the first such record's (the same
 * answer table). Short forms are looked for at the end, among the
 * vocabulary's words, and compared by their translation contexts.
 */
#include "assoc_mine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hash.h"
#include "knobs.h"
#include "strmap.h"
#include "wenda/analyzer.h"

/* Distinct words counted at most (of questions and answers; with the words
 * of the lists runs are read from, RUN_VOCAB_MAX); pairs a table holds at
 * most. */
#define VOCAB_MAX (1u << 18)
#define RUN_VOCAB_MAX (1u << 19)
#define PAIRS_MAX (1u << 21)
/* Question word ids kept for the same-answer grouping at most. */
#define POOL_MAX (1u << 23)
/* The longest word whose short forms are looked for, in characters. */
#define SHORT_FROM_MAX 6
/* Runs of words a long form over several words spans: 2 to RUN_WORDS words;
 * distinct runs counted at most (a run table's cap). */
#define RUN_WORDS 4
#define RUNS_MAX (1u << 19)
/* Long forms kept per short form at most (of the k kept per word). */
#define LONG_PER_SHORT 2

enum { KIND_T = 0, KIND_A = 1, KIND_S = 2, KIND_L = 3, NKINDS = 4 };
static const char KIND_CHAR[NKINDS] = { 't', 'a', 's', 'l' };

/* A table of 64-bit keys (0: empty) to counts; a run table also keeps each
 * key's words (RUN_WORDS ids a slot, unused ones UINT32_MAX). */
typedef struct pairtab {
    uint64_t *keys;
    uint32_t *cnt;
    uint32_t *ids; /* run tables only: cap x RUN_WORDS */
    size_t cap, n, max;
    uint32_t floor; /* pairs counted no more than this were dropped */
    int runs;       /* 1: a run table */
} pairtab;

typedef struct knobs {
    double least[NKINDS]; /* least weight of each kind; <= 0: not mined */
    unsigned keep;        /* associations kept per word */
    unsigned min_count;   /* least co-occurrences of a pair */
    double cohesion;      /* least cohesion of a long form's words (run_cohesion) */
} knobs;

struct wd_assoc_miner {
    knobs k;
    const wd_dict *dict; /* borrowed (may be NULL): the lexicons' words */
    double unlisted;     /* what wd_dict_general_logp gives a word it lacks */
    wd_strmap vocab;     /* word -> uint32_t id */
    const char **word;
    uint32_t *dfq, *dfa, *grp; /* per id: questions, answers, same-answer questions */
    uint32_t *occ;             /* per id: places in the lists runs are read from */
    uint64_t places;           /* places of words in those lists, in all */
    size_t nw, cap;
    uint64_t records;
    pairtab trans, same;
    pairtab groups; /* answer hash -> pool offset + 1 */
    uint32_t *pool; /* n | GROUPED, then n ids, per grouped question */
    size_t npool, cappool;
    pairtab runs; /* runs of 2 to RUN_WORDS adjacent words -> occurrences */
    int oom;
};

#define GROUPED 0x80000000u

static void set_knob(void *ctx, const char *key, double v)
{
    knobs *k = ctx;
    if (strcmp(key, "t") == 0)
        k->least[KIND_T] = v;
    else if (strcmp(key, "a") == 0)
        k->least[KIND_A] = v;
    else if (strcmp(key, "s") == 0)
        k->least[KIND_S] = v;
    else if (strcmp(key, "l") == 0)
        k->least[KIND_L] = v;
    else if (strcmp(key, "k") == 0 && v >= 1 && v <= 64)
        k->keep = (unsigned)v;
    else if (strcmp(key, "c") == 0 && v >= 1)
        k->min_count = (unsigned)v;
    else if (strcmp(key, "h") == 0)
        k->cohesion = v;
}

static knobs knobs_load(void)
{
    /* long forms over several words (l) are not mined as shipped: measured
     * on the dev splits they moved one question each of law and insurance
     * for 13-20 % more indexing CPU (BENCHMARKS.md); l=0.3 mines them */
    knobs k = { { 0.35, 0.2, 0.3, 0 }, 5, 3, 0.3 };
    wd_knobs_each(getenv("WENDA_ASSOC"), set_knob, &k);
    return k;
}

/* ---- pair tables ------------------------------------------------------------------ */

static uint64_t pair_key(uint32_t u, uint32_t v)
{
    return ((uint64_t)(u + 1) << 32) | (uint64_t)(v + 1);
}

static size_t slot_of(uint64_t key, size_t cap)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (cap - 1);
}

static int pt_rehash(pairtab *t, size_t cap)
{
    uint64_t *keys = wd_calloc(cap, sizeof *keys);
    uint32_t *cnt = wd_calloc(cap, sizeof *cnt);
    uint32_t *ids = t->runs ? wd_malloc(cap * RUN_WORDS * sizeof *ids) : NULL;
    if (!keys || !cnt || (t->runs && !ids)) {
        wd_free(keys);
        wd_free(cnt);
        wd_free(ids);
        return WD_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->keys[i] || t->cnt[i] <= t->floor)
            continue;
        size_t j = slot_of(t->keys[i], cap);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = t->keys[i];
        cnt[j] = t->cnt[i];
        if (ids)
            memcpy(ids + j * RUN_WORDS, t->ids + i * RUN_WORDS, RUN_WORDS * sizeof *ids);
        n++;
    }
    wd_free(t->keys);
    wd_free(t->cnt);
    wd_free(t->ids);
    t->keys = keys;
    t->cnt = cnt;
    t->ids = ids;
    t->cap = cap;
    t->n = n;
    return WD_OK;
}

/* The slot of key (added with count 0 when absent: *added set), or
 * SIZE_MAX when the table is at its cap and full of pairs above the floor,
 * or out of memory. */
static size_t pt_index(pairtab *t, uint64_t key, int *added)
{
    if ((t->n + 1) * 4 > t->cap * 3) {
        if (t->cap < t->max) {
            if (pt_rehash(t, t->cap ? t->cap * 2 : 4096) != WD_OK)
                return SIZE_MAX;
        } else {
            /* At the cap: drop the rarest pairs until three fifths are free
                 * (fewer rounds of this than of a smaller cut). */
            do {
                t->floor++;
                if (pt_rehash(t, t->cap) != WD_OK)
                    return SIZE_MAX;
            } while (t->n * 5 > t->cap * 2 && t->floor < UINT32_MAX - 1);
            if ((t->n + 1) * 4 > t->cap * 3)
                return SIZE_MAX;
        }
    }
    size_t j = slot_of(key, t->cap);
    while (t->keys[j] && t->keys[j] != key)
        j = (j + 1) & (t->cap - 1);
    *added = !t->keys[j];
    if (*added) {
        t->keys[j] = key;
        t->cnt[j] = 0;
        t->n++;
    }
    return j;
}

/* The count of key (added at 0 when absent), or NULL (pt_index). */
static uint32_t *pt_slot(pairtab *t, uint64_t key)
{
    int added = 0;
    size_t j = pt_index(t, key, &added);
    return j == SIZE_MAX ? NULL : &t->cnt[j];
}

static void pt_add(wd_assoc_miner *m, pairtab *t, uint64_t key, uint32_t by)
{
    uint32_t *c = pt_slot(t, key);
    if (!c) {
        m->oom = 1;
        return;
    }
    *c += by;
}

static uint32_t pt_get(const pairtab *t, uint64_t key)
{
    if (!t->cap)
        return 0;
    size_t j = slot_of(key, t->cap);
    while (t->keys[j]) {
        if (t->keys[j] == key)
            return t->cnt[j];
        j = (j + 1) & (t->cap - 1);
    }
    return 0;
}

static void pt_free(pairtab *t)
{
    wd_free(t->keys);
    wd_free(t->cnt);
    wd_free(t->ids);
    memset(t, 0, sizeof *t);
}

/* ---- the miner -------------------------------------------------------------------- */

int wd_assoc_miner_new(wd_assoc_miner **out, const wd_dict *dict)
{
    *out = wd_calloc(1, sizeof **out);
    if (!*out)
        return WD_ENOMEM;
    wd_assoc_miner *m = *out;
    m->k = knobs_load();
    m->dict = dict;
    m->unlisted = wd_dict_general_logp(dict, "", 0);
    m->vocab = (wd_strmap)WD_STRMAP_INIT(sizeof(uint32_t));
    m->trans.max = PAIRS_MAX;
    m->same.max = PAIRS_MAX / 4;
    m->runs.max = RUNS_MAX;
    m->runs.runs = 1;
    m->groups.max = SIZE_MAX / 2; /* bounded by the pool instead */
    return WD_OK;
}

void wd_assoc_miner_free(wd_assoc_miner *m)
{
    if (!m)
        return;
    wd_strmap_clear(&m->vocab);
    for (size_t i = 0; i < m->nw; i++)
        wd_free((char *)m->word[i]);
    wd_free(m->word);
    wd_free(m->dfq);
    wd_free(m->dfa);
    wd_free(m->grp);
    wd_free(m->occ);
    pt_free(&m->trans);
    pt_free(&m->same);
    pt_free(&m->groups);
    pt_free(&m->runs);
    wd_free(m->pool);
    wd_free(m);
}

uint64_t wd_assoc_miner_records(const wd_assoc_miner *m)
{
    return m ? m->records : 0;
}

/* A word worth associating: two characters or more, not only digits,
 * Latin letters or symbols of ASCII (numbers and codes match as they are). */
static int worth(const char *w, size_t len)
{
    if (wd_utf8_count(w, len) < 2)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)w[i] >= 0x80)
            return 1;
    return 0;
}

/* The id of word (added when new and the vocabulary holds fewer than max
 * words), or -1. */
static long word_id_upto(wd_assoc_miner *m, const char *w, size_t len, size_t max)
{
    if (m->nw >= max) {
        uint32_t *id = wd_strmap_get(&m->vocab, w, len);
        return id ? (long)*id : -1;
    }
    int added = 0;
    uint32_t *id = wd_strmap_put(&m->vocab, w, len, &added);
    if (!id) {
        m->oom = 1;
        return -1;
    }
    if (!added)
        return (long)*id;
    size_t cap = m->cap, c2 = m->cap, c3 = m->cap, c4 = m->cap, c5 = m->cap;
    if (WD_GROW(m->word, cap, m->nw + 1, 1024) != WD_OK ||
        WD_GROW(m->dfq, c2, m->nw + 1, 1024) != WD_OK ||
        WD_GROW(m->dfa, c3, m->nw + 1, 1024) != WD_OK ||
        WD_GROW(m->grp, c4, m->nw + 1, 1024) != WD_OK ||
        WD_GROW(m->occ, c5, m->nw + 1, 1024) != WD_OK) {
        m->oom = 1;
        return -1;
    }
    m->cap = cap;
    if (!(m->word[m->nw] = wd_strndup(w, len))) {
        m->oom = 1;
        return -1;
    }
    m->dfq[m->nw] = m->dfa[m->nw] = m->grp[m->nw] = m->occ[m->nw] = 0;
    *id = (uint32_t)m->nw;
    return (long)m->nw++;
}

static long word_id(wd_assoc_miner *m, const char *w, size_t len)
{
    return word_id_upto(m, w, len, VOCAB_MAX);
}

/* The distinct ids of a list of words (up to max), from *p; *p is left after
 * the list's end (its empty string) or at end. */
static size_t read_ids(wd_assoc_miner *m, const char **p, const char *end, uint32_t *ids,
                       size_t max)
{
    size_t n = 0;
    while (*p < end) {
        const char *w = *p;
        size_t len = strnlen(w, (size_t)(end - w));
        *p = w + len + 1;
        if (len == 0)
            break;
        if (n >= max || !worth(w, len))
            continue;
        long id = word_id(m, w, len);
        if (id < 0)
            continue;
        int dup = 0;
        for (size_t i = 0; i < n && !dup; i++)
            dup = ids[i] == (uint32_t)id;
        if (!dup)
            ids[n++] = (uint32_t)id;
    }
    return n;
}

/* The same-answer pairs: qa (this question's ids) against the question
 * kept for the answer's first record; or this question kept as that. */
static void feed_same(wd_assoc_miner *m, const uint32_t *q, size_t nq, const char *answer,
                      size_t alen)
{
    uint64_t h = wd_hash_bytes(answer, alen) | 1;
    uint32_t off1 = pt_get(&m->groups, h);
    if (!off1) {
        if (m->npool + nq + 1 > POOL_MAX)
            return;
        if (WD_GROW(m->pool, m->cappool, m->npool + nq + 1, 4096) != WD_OK) {
            m->oom = 1;
            return;
        }
        uint32_t at = (uint32_t)m->npool;
        m->pool[m->npool++] = (uint32_t)nq;
        memcpy(m->pool + m->npool, q, nq * sizeof *q);
        m->npool += nq;
        pt_add(m, &m->groups, h, at + 1);
        return;
    }
    uint32_t *first = m->pool + off1 - 1;
    size_t nf = first[0] & ~GROUPED;
    const uint32_t *f = first + 1;
    if (!(first[0] & GROUPED)) {
        first[0] |= GROUPED;
        for (size_t i = 0; i < nf; i++)
            m->grp[f[i]]++;
    }
    for (size_t i = 0; i < nq; i++)
        m->grp[q[i]]++;
    for (size_t i = 0; i < nq; i++) {
        int in_first = 0;
        for (size_t k = 0; k < nf && !in_first; k++)
            in_first = f[k] == q[i];
        if (in_first)
            continue;
        for (size_t k = 0; k < nf; k++) {
            int in_q = 0;
            for (size_t j = 0; j < nq && !in_q; j++)
                in_q = q[j] == f[k];
            if (in_q)
                continue;
            pt_add(m, &m->same, pair_key(q[i], f[k]), 1);
            pt_add(m, &m->same, pair_key(f[k], q[i]), 1);
        }
    }
}

/* `by` more places run ids[0..n) occurs. */
static void count_run(wd_assoc_miner *m, const uint32_t *ids, size_t n, uint32_t by)
{
    int added = 0;
    size_t j = pt_index(&m->runs, wd_hash_bytes(ids, n * sizeof *ids) | 1, &added);
    if (j == SIZE_MAX) {
        m->oom = 1;
        return;
    }
    if (added)
        for (size_t k = 0; k < RUN_WORDS; k++)
            m->runs.ids[j * RUN_WORDS + k] = k < n ? ids[k] : UINT32_MAX;
    m->runs.cnt[j] += by;
}

/* The words of the run in slot j of a run table, and their number. */
static const uint32_t *run_words(const pairtab *t, size_t j, size_t *n)
{
    const uint32_t *ids = t->ids + j * RUN_WORDS;
    for (*n = 0; *n < RUN_WORDS && ids[*n] != UINT32_MAX;)
        ++*n;
    return ids;
}

/* The runs of 2 to RUN_WORDS adjacent words of one list (from *p to its
 * empty string, *p left after it): the long forms a short form may stand
 * for. Every word of the list is read (a term is often deep in an answer),
 * after the record's counted words have their ids; a word not worth
 * associating, or one the full vocabulary has no room for, breaks runs. */
static void feed_runs(wd_assoc_miner *m, const char **p, const char *end)
{
    uint32_t win[RUN_WORDS];
    size_t nwin = 0;
    while (*p < end && !m->oom) {
        const char *w = *p;
        size_t len = strnlen(w, (size_t)(end - w));
        *p = w + len + 1;
        if (len == 0)
            break;
        long id = worth(w, len) ? word_id_upto(m, w, len, RUN_VOCAB_MAX) : -1;
        if (id < 0) {
            nwin = 0;
            continue;
        }
        if (nwin == RUN_WORDS) {
            memmove(win, win + 1, (RUN_WORDS - 1) * sizeof *win);
            nwin--;
        }
        win[nwin++] = (uint32_t)id;
        m->occ[id]++;
        m->places++;
        for (size_t k = 2; k <= nwin; k++) /* the runs ending at this word */
            count_run(m, win + nwin - k, k, 1);
    }
}

void wd_assoc_miner_feed(wd_assoc_miner *m, const char *words, size_t len, const char *answer,
                         size_t alen)
{
    if (!m || m->oom)
        return;
    const char *p = words, *end = words + len;
    uint32_t q[WD_ASSOC_QWORDS], a[WD_ASSOC_AWORDS];
    size_t nq = read_ids(m, &p, end, q, WD_ASSOC_QWORDS);
    size_t na = read_ids(m, &p, end, a, WD_ASSOC_AWORDS);
    m->records++;
    for (size_t i = 0; i < nq; i++)
        m->dfq[q[i]]++;
    for (size_t i = 0; i < na; i++)
        m->dfa[a[i]]++;
    if (m->k.least[KIND_T] > 0 || m->k.least[KIND_S] > 0)
        for (size_t i = 0; i < nq; i++)
            for (size_t k = 0; k < na; k++)
                if (q[i] != a[k])
                    pt_add(m, &m->trans, pair_key(q[i], a[k]), 1);
    if (m->k.least[KIND_A] > 0 && nq && answer && alen)
        feed_same(m, q, nq, answer, alen);
    if (m->k.least[KIND_L] > 0) {
        p = words;
        feed_runs(m, &p, end); /* the question's */
        feed_runs(m, &p, end); /* the answer's */
    }
}

/* ---- merging the parts of a bulk build -------------------------------------------- */

/* src's id -> dst's id (added), or -1. */
static long map_id(wd_assoc_miner *dst, const wd_assoc_miner *src, uint32_t id)
{
    const char *w = src->word[id];
    /* past VOCAB_MAX only the words of runs, when they are mined */
    return word_id_upto(dst, w, strlen(w), dst->k.least[KIND_L] > 0 ? RUN_VOCAB_MAX : VOCAB_MAX);
}

/* from's pairs into to, src's word ids mapped to dst's by remap (-1: not
 * kept). */
static void merge_table(wd_assoc_miner *dst, pairtab *to, const long *remap, const pairtab *from)
{
    for (size_t i = 0; i < from->cap && !dst->oom; i++) {
        if (!from->keys[i])
            continue;
        long u = remap[(uint32_t)(from->keys[i] >> 32) - 1];
        long v = remap[(uint32_t)(from->keys[i] & 0xFFFFFFFFu) - 1];
        if (u >= 0 && v >= 0)
            pt_add(dst, to, pair_key((uint32_t)u, (uint32_t)v), from->cnt[i]);
    }
}

/* src's runs into dst's, their words mapped by remap. */
static void merge_runs(wd_assoc_miner *dst, const long *remap, const pairtab *from)
{
    for (size_t i = 0; i < from->cap && !dst->oom; i++) {
        if (!from->keys[i])
            continue;
        size_t n, k = 0;
        const uint32_t *words = run_words(from, i, &n);
        uint32_t ids[RUN_WORDS];
        for (long id; k < n && (id = remap[words[k]]) >= 0; k++)
            ids[k] = (uint32_t)id;
        if (k == n) /* else a word dst does not count */
            count_run(dst, ids, n, from->cnt[i]);
    }
}

void wd_assoc_miner_take(wd_assoc_miner *dst, wd_assoc_miner *src)
{
    if (!dst || !src)
        return;
    if (src->oom)
        dst->oom = 1;
    /* each of src's words looked up in dst once, for its counts and pairs */
    long *remap = wd_malloc((src->nw ? src->nw : 1) * sizeof *remap);
    if (!remap)
        dst->oom = 1;
    for (size_t i = 0; remap && i < src->nw && !dst->oom; i++) {
        long id = remap[i] = map_id(dst, src, (uint32_t)i);
        if (id < 0)
            continue;
        dst->dfq[id] += src->dfq[i];
        dst->dfa[id] += src->dfa[i];
        dst->grp[id] += src->grp[i];
        dst->occ[id] += src->occ[i];
    }
    if (remap && !dst->oom) {
        merge_table(dst, &dst->trans, remap, &src->trans);
        /* Records that share an answer across parts are not paired: the
         * parts are cut by id, and an answer's records mostly share their
         * source. */
        merge_table(dst, &dst->same, remap, &src->same);
        merge_runs(dst, remap, &src->runs);
    }
    wd_free(remap);
    dst->records += src->records;
    dst->places += src->places;
    wd_assoc_miner_free(src);
}

/* ---- scoring ---------------------------------------------------------------------- */

typedef struct cand {
    uint32_t u, v;
    float w;
    int kind;
} cand;

typedef struct cands {
    cand *c;
    size_t n, cap;
} cands;

static void cand_add(wd_assoc_miner *m, cands *cs, uint32_t u, uint32_t v, double w, int kind)
{
    if (WD_GROW(cs->c, cs->cap, cs->n + 1, 1024) != WD_OK) {
        m->oom = 1;
        return;
    }
    cs->c[cs->n++] = (cand){ u, v, (float)(w > 1 ? 1 : w), kind };
}

/* One word holds the other: the index already matches them (sub-words). */
static int nested(const wd_assoc_miner *m, uint32_t u, uint32_t v)
{
    return strstr(m->word[u], m->word[v]) || strstr(m->word[v], m->word[u]);
}

static void score_translation(wd_assoc_miner *m, cands *cs)
{
    double n = (double)m->records, least = m->k.least[KIND_T];
    if (least <= 0)
        return;
    for (size_t i = 0; i < m->trans.cap; i++) {
        uint32_t c = m->trans.cnt[i];
        if (!m->trans.keys[i] || c < m->k.min_count || (double)c >= n)
            continue;
        uint32_t u = (uint32_t)(m->trans.keys[i] >> 32) - 1;
        uint32_t v = (uint32_t)(m->trans.keys[i] & 0xFFFFFFFFu) - 1;
        double pmi = log((double)c * n / ((double)m->dfq[u] * (double)m->dfa[v]));
        double npmi = pmi / -log((double)c / n);
        if (npmi >= least && !nested(m, u, v))
            cand_add(m, cs, u, v, npmi, KIND_T);
    }
}

static void score_same(wd_assoc_miner *m, cands *cs)
{
    double least = m->k.least[KIND_A];
    if (least <= 0)
        return;
    for (size_t i = 0; i < m->same.cap; i++) {
        uint32_t c = m->same.cnt[i];
        if (!m->same.keys[i] || c < 2)
            continue;
        uint32_t u = (uint32_t)(m->same.keys[i] >> 32) - 1;
        uint32_t v = (uint32_t)(m->same.keys[i] & 0xFFFFFFFFu) - 1;
        double w = c / sqrt((double)m->grp[u] * (double)m->grp[v]);
        if (w >= least && !nested(m, u, v))
            cand_add(m, cs, u, v, w, KIND_A);
    }
}

/* Each word's contexts: the words it was counted with in the translation
 * table (either side), sorted by id, as rows of one array. */
typedef struct ctxrow {
    uint32_t other, cnt;
} ctxrow;

typedef struct contexts {
    size_t *start; /* nw + 1 */
    ctxrow *e;
    double *norm; /* per word: the length of its row */
} contexts;

static int ctxrow_cmp(const void *a, const void *b)
{
    const ctxrow *x = a, *y = b;
    return x->other < y->other ? -1 : x->other > y->other;
}

static int contexts_make(const wd_assoc_miner *m, contexts *cx)
{
    cx->start = wd_calloc(m->nw + 1, sizeof *cx->start);
    size_t total = 0;
    for (size_t i = 0; cx->start && i < m->trans.cap; i++)
        if (m->trans.keys[i] && m->trans.cnt[i] >= 2) {
            cx->start[(m->trans.keys[i] >> 32) - 1]++;
            cx->start[(m->trans.keys[i] & 0xFFFFFFFFu) - 1]++;
            total += 2;
        }
    cx->e = cx->start ? wd_malloc((total ? total : 1) * sizeof *cx->e) : NULL;
    if (!cx->e)
        return WD_ENOMEM;
    size_t at = 0;
    for (size_t w = 0; w <= m->nw; w++) { /* counts -> starts */
        size_t c = cx->start[w];
        cx->start[w] = at;
        at += c;
    }
    size_t *fill = wd_calloc(m->nw + 1, sizeof *fill);
    if (!fill)
        return WD_ENOMEM;
    for (size_t i = 0; i < m->trans.cap; i++) {
        if (!m->trans.keys[i] || m->trans.cnt[i] < 2)
            continue;
        uint32_t u = (uint32_t)(m->trans.keys[i] >> 32) - 1;
        uint32_t v = (uint32_t)(m->trans.keys[i] & 0xFFFFFFFFu) - 1;
        cx->e[cx->start[u] + fill[u]++] = (ctxrow){ v, m->trans.cnt[i] };
        cx->e[cx->start[v] + fill[v]++] = (ctxrow){ u, m->trans.cnt[i] };
    }
    wd_free(fill);
    if (!(cx->norm = wd_calloc(m->nw + 1, sizeof *cx->norm)))
        return WD_ENOMEM;
    for (size_t w = 0; w < m->nw; w++) {
        size_t n = cx->start[w + 1] - cx->start[w];
        if (n > 1)
            qsort(cx->e + cx->start[w], n, sizeof *cx->e, ctxrow_cmp);
        double s = 0;
        for (size_t k = cx->start[w]; k < cx->start[w + 1]; k++)
            s += (double)cx->e[k].cnt * cx->e[k].cnt;
        cx->norm[w] = sqrt(s);
    }
    return WD_OK;
}

static double cosine(const contexts *cx, uint32_t a, uint32_t b)
{
    const ctxrow *x = cx->e + cx->start[a], *xe = cx->e + cx->start[a + 1];
    const ctxrow *y = cx->e + cx->start[b], *ye = cx->e + cx->start[b + 1];
    double dot = 0, nx = cx->norm[a], ny = cx->norm[b];
    if (!(nx > 0) || !(ny > 0))
        return 0;
    while (x < xe && y < ye) {
        if (x->other == y->other)
            dot += (double)(x++)->cnt * (y++)->cnt;
        else if (x->other < y->other)
            x++;
        else
            y++;
    }
    return dot / (nx * ny);
}

/* The short forms of word l: its first character and one or more of the
 * others, in order, not all of them and not a run (a run is a sub-word). */
static void short_forms(wd_assoc_miner *m, cands *cs, const contexts *cx, uint32_t l)
{
    const char *w = m->word[l];
    size_t len = strlen(w), at[SHORT_FROM_MAX + 1], n = 0;
    for (size_t p = 0; p < len && n <= SHORT_FROM_MAX;) {
        uint32_t cp;
        at[n++] = p;
        p += wd_utf8_decode(w + p, len - p, &cp);
    }
    if (n < 3 || n > SHORT_FROM_MAX)
        return;
    at[n] = len;
    unsigned min = m->k.min_count;
    for (unsigned mask = 1; mask < (1u << (n - 1)) - 1; mask++) {
        /* mask: which of characters 1 .. n-1 the short form keeps */
        if ((mask & (mask + 1)) == 0)
            continue; /* 1, 3, 7, ...: a prefix */
        char s[SHORT_FROM_MAX * 4 + 1];
        size_t sl = 0;
        memcpy(s, w, at[1]);
        sl = at[1];
        for (size_t i = 1; i < n; i++)
            if (mask & (1u << (i - 1))) {
                memcpy(s + sl, w + at[i], at[i + 1] - at[i]);
                sl += at[i + 1] - at[i];
            }
        uint32_t *sid = wd_strmap_get(&m->vocab, s, sl);
        if (!sid || m->dfq[*sid] + m->dfa[*sid] < min)
            continue;
        double c = cosine(cx, l, *sid);
        if (c >= m->k.least[KIND_S]) {
            cand_add(m, cs, *sid, l, c, KIND_S);
            cand_add(m, cs, l, *sid, c, KIND_S);
        }
    }
}

static int score_short(wd_assoc_miner *m, cands *cs)
{
    if (m->k.least[KIND_S] <= 0)
        return WD_OK;
    contexts cx = { NULL, NULL, NULL };
    int rc = contexts_make(m, &cx);
    for (uint32_t l = 0; rc == WD_OK && l < m->nw && !m->oom; l++)
        if (m->dfq[l] + m->dfa[l] >= m->k.min_count)
            short_forms(m, cs, &cx, l);
    wd_free(cx.start);
    wd_free(cx.e);
    wd_free(cx.norm);
    return rc;
}

/* A short form of a run (a long form over several words), with the run's
 * slot in the run table and its count. */
typedef struct abbr {
    char s[3 * 4 + 1]; /* NUL-terminated */
    uint32_t slot, cnt;
} abbr;

typedef struct abbrs {
    abbr *a;
    size_t n, cap;
} abbrs;

/* Byte offsets of the first, middle and last characters of w (the middle
 * one: the start of its second half, 保 of 养老保险); their count (1 to 3,
 * each once). */
static size_t pick_chars(const char *w, size_t *at)
{
    size_t len = strlen(w), starts[64] = { 0 }, n = 0;
    for (size_t p = 0; p < len && n < 64;) {
        uint32_t cp;
        size_t l = wd_utf8_decode(w + p, len - p, &cp);
        starts[n++] = p;
        p += l ? l : 1;
    }
    size_t k = 0;
    at[k++] = 0;
    if (n / 2 > 0 && n / 2 < n - 1)
        at[k++] = starts[n / 2];
    if (n > 1)
        at[k++] = starts[n - 1];
    return k;
}

static size_t char_len(const char *c)
{
    uint32_t cp;
    size_t l = wd_utf8_decode(c, strlen(c), &cp);
    return l ? l : 1;
}

/* A word the base says (in the lists runs are read from). The general word
 * list is not asked: it holds too many everyday words (相信, 到场) that a
 * frequent run happens to give. */
static int known_word(const wd_assoc_miner *m, const char *s, size_t len)
{
    const uint32_t *id = wd_strmap_get(&m->vocab, s, len);
    return id && m->occ[*id] > 0;
}

/* The short forms of the run in slot j: its first word's first character,
 * the first character of at most one word between, and the first, middle or
 * last character of its last word (消协 of 消费者 协会, 醉驾 of 醉酒 驾驶,
 * 高校 of 高等 院校, 农保 of 农村 社会 养老保险), each character from a
 * word of its own; never a run of the text (that is a sub-word or an
 * n-gram of it, matched already). */
static void run_short_forms(wd_assoc_miner *m, abbrs *out, size_t j, wd_buf *text)
{
    size_t n;
    const uint32_t *ids = run_words(&m->runs, j, &n);
    wd_buf_reset(text);
    for (size_t k = 0; k < n; k++)
        wd_buf_puts(text, m->word[ids[k]]);
    if (text->oom) {
        m->oom = 1;
        return;
    }
    const char *first = m->word[ids[0]], *last = m->word[ids[n - 1]];
    size_t at[3], nl = pick_chars(last, at), l0 = char_len(first);
    for (size_t mid = 0; mid < n - 1; mid++) { /* 0: none, else the word between */
        if (!mid && n > 3)
            continue; /* two characters of four words: too loose */
        const char *mw = mid ? m->word[ids[mid]] : NULL;
        size_t lm = mw ? char_len(mw) : 0;
        for (size_t c = 0; c < nl; c++) {
            size_t ll = char_len(last + at[c]);
            abbr a = { .slot = (uint32_t)j, .cnt = m->runs.cnt[j] };
            if (l0 + lm + ll >= sizeof a.s)
                continue;
            memcpy(a.s, first, l0);
            if (mw)
                memcpy(a.s + l0, mw, lm);
            memcpy(a.s + l0 + lm, last + at[c], ll);
            a.s[l0 + lm + ll] = '\0';
            if (strstr(text->data, a.s))
                continue;
            /* The plain form of two words, each one's first character (醉驾
             * of 醉酒 驾驶), is what users coin for a term of their own (the
             * analyzer's word model makes one word of it when typed); the
             * other forms only when the base says the word. */
            int plain = at[c] == 0 && n == 2;
            if (!plain && !known_word(m, a.s, strlen(a.s)))
                continue;
            if (WD_GROW(out->a, out->cap, out->n + 1, 4096) != WD_OK) {
                m->oom = 1;
                return;
            }
            out->a[out->n++] = a;
        }
    }
}

/* How much the run's words belong together: the normalised pointwise
 * mutual information of the run against its words over the places counted
 * (1: the words occur only together, in this run; 0: as often as chance). */
static double run_cohesion(const wd_assoc_miner *m, size_t j)
{
    size_t n;
    const uint32_t *ids = run_words(&m->runs, j, &n);
    double places = (double)m->places, c = m->runs.cnt[j];
    if (!(places > c))
        return 0;
    double pmi = log(c / places);
    for (size_t k = 0; k < n; k++)
        pmi -= log((m->occ[ids[k]] > c ? m->occ[ids[k]] : c) / places);
    return pmi / (-(double)(n - 1) * log(c / places));
}

static int abbr_cmp(const void *x, const void *y)
{
    const abbr *a = x, *b = y;
    int c = strcmp(a->s, b->s);
    if (c)
        return c;
    return a->cnt != b->cnt ? (a->cnt > b->cnt ? -1 : 1)
                            : (a->slot > b->slot) - (a->slot < b->slot);
}

/* Long forms over several words: each run seen at least min_count times
 * whose words belong together gives its short forms; a short form's long
 * forms are weighed by their share of the runs that give it, times how much
 * more often the base says the long form than the short form is said as a
 * word of its own (c / (c + said)): a short form used as a word of its own
 * (单个, 工资) is no stand-in for a run that happens to give it, and one
 * nobody writes but users type (醉驾) stands for its dominant long form. */
static int score_long(wd_assoc_miner *m, cands *cs)
{
    double least = m->k.least[KIND_L];
    if (least <= 0)
        return WD_OK;
    abbrs as = { NULL, 0, 0 };
    wd_buf text = WD_BUF_INIT;
    for (size_t j = 0; j < m->runs.cap && !m->oom; j++)
        if (m->runs.keys[j] && m->runs.cnt[j] >= m->k.min_count &&
            run_cohesion(m, j) >= m->k.cohesion)
            run_short_forms(m, &as, j, &text);
    wd_buf_free(&text);
    if (as.n)
        qsort(as.a, as.n, sizeof *as.a, abbr_cmp);
    for (size_t i = 0; i < as.n && !m->oom;) {
        size_t e = i;
        double total = 0;
        while (e < as.n && strcmp(as.a[e].s, as.a[i].s) == 0)
            total += as.a[e++].cnt;
        size_t sl = strlen(as.a[i].s);
        const uint32_t *sid = wd_strmap_get(&m->vocab, as.a[i].s, sl);
        /* how often the short form is said as a word of its own: by the
         * base, and by general Chinese in a text of the base's size */
        double said = sid ? (double)m->occ[*sid] : 0;
        double logp = m->dict ? wd_dict_general_logp(m->dict, as.a[i].s, sl) : m->unlisted;
        if (logp > m->unlisted)
            said += exp(logp) * (double)m->places;
        for (size_t k = i; k < e && k < i + LONG_PER_SHORT; k++) {
            double c = as.a[k].cnt, w = c / total * (c / (c + said));
            if (w < least)
                break;
            long id = sid ? (long)*sid : word_id_upto(m, as.a[i].s, sl, SIZE_MAX);
            if (id >= 0)
                cand_add(m, cs, (uint32_t)id, as.a[k].slot, w, KIND_L);
        }
        i = e;
    }
    wd_free(as.a);
    return m->oom ? WD_ENOMEM : WD_OK;
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->u != y->u)
        return x->u < y->u ? -1 : 1;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->kind - y->kind;
}

int wd_assoc_miner_finish(wd_assoc_miner *m, wd_buf *out)
{
    wd_buf_reset(out);
    if (!m || m->oom || m->records == 0)
        return WD_OK;
    cands cs = { NULL, 0, 0 };
    score_translation(m, &cs);
    score_same(m, &cs);
    if (score_short(m, &cs) != WD_OK || score_long(m, &cs) != WD_OK)
        m->oom = 1;
    if (m->oom) {
        wd_free(cs.c);
        return WD_OK; /* no associations, rather than some */
    }
    if (cs.n)
        qsort(cs.c, cs.n, sizeof *cs.c, cand_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < cs.n; i++) {
        const cand *c = &cs.c[i];
        if (i == 0 || c->u != cs.c[i - 1].u)
            kept = 0;
        if (kept >= m->k.keep || c->w < 0.0005f)
            continue;
        int dup = 0; /* the same pair by another kind, weaker */
        for (size_t j = i; j-- > 0 && cs.c[j].u == c->u && !dup;)
            dup = cs.c[j].v == c->v && (cs.c[j].kind == KIND_L) == (c->kind == KIND_L);
        if (dup)
            continue;
        if (!out->len)
            wd_buf_puts(out, "wenda-assoc 1\n");
        wd_buf_printf(out, "%s\t", m->word[c->u]);
        if (c->kind == KIND_L) { /* v: a run's slot; its words joined by spaces */
            size_t n;
            const uint32_t *ids = run_words(&m->runs, c->v, &n);
            for (size_t k = 0; k < n; k++)
                wd_buf_printf(out, "%s%s", k ? " " : "", m->word[ids[k]]);
        } else
            wd_buf_puts(out, m->word[c->v]);
        wd_buf_printf(out, "\t%c\t%.3f\n", KIND_CHAR[c->kind], (double)c->w);
        kept++;
    }
    wd_free(cs.c);
    return out->oom ? WD_ENOMEM : WD_OK;
}
