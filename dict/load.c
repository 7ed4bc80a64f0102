/*
 * load.c - loading the dictionaries (wd_dict_load); dict.c answers what is
 * asked of a loaded one.
 *
 * The general word list is compiled into the library as a trie of const
 * data (gendata.h) and is never loaded. What is loaded goes into one hash
 * table (strtab.h): the domain lexicon (built in, or the directory's
 * lexicon.txt), the user overlay (user.txt), every proper prefix of those
 * words (so the segmenter can stop probing early), the stop words and the
 * synonym groups; built-in lists are already normalised by the generator,
 * files are normalised here with the analyzer's normaliser. Only a
 * directory's files need ICU at load time.
 *
 * Synonym groups change no segmentation and so are not part of the
 * version: a member is never made a word. A member the analyzer splits
 * (醉酒驾驶 -> 醉酒 驾驶) is kept with its parts, which the query side
 * matches as all of them, so a group added after an index was built applies
 * to it at once. A directory's synonyms.txt adds to the built-in groups.
 * Its assoc-removed.txt lists word associations (of an index, query/assoc.h)
 * never to be used; they change no segmentation either.
 *
 * Weights. The segmenter scores a word by log(freq / total) like jieba.
 * A domain or user word gets the largest of: its own frequency from the
 * file (WD_DOMAIN_FLOOR when the line has none), the general list's
 * frequency for it, and the score of the best split of the word into
 * general-list words and single characters plus WD_DOMAIN_MARGIN - so a
 * domain word always beats the general list's segmentation of the same
 * span, while its competition with neighbouring words stays governed by
 * the frequencies the lexicon gives.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unicode/uvernum.h>

#include "dict_internal.h"
#include "grow.h"
#include "lexparse.h"
#include "norm.h"

/* Bump when the analyzer's output changes for the same dictionaries.
 * 2: the unknown-word HMM, the long-word penalty, number/unit/percent
 * rules, letterlike symbols dropped. 3: number ranges and dates. 4: the
 * canonical forms of numbers, amounts and durations (numbers.c). */
#define WD_ANALYZER_REV 4
/* Frequency total used when the library was built without a general list. */
#define WD_MIN_TOTAL 1e7

struct loader {
    wd_dict *d;
    int src; /* WD_SRC_DOMAIN or WD_SRC_USER while reading words */
    wd_norm nm;
    int nm_ready;
    uint32_t *gmem; /* synonym groups: entry indices, UINT32_MAX ends a group */
    size_t ngmem, capgmem;
    uint64_t h;  /* version hash */
    uint64_t uh; /* hash of the user words read (their words and frequencies) */
    size_t nuser;
    size_t capunassoc;
};

static int oom(wd_error *err)
{
    return wd_error_set(err, WD_ENOMEM, "dict", "out of memory");
}

static void vmix(struct loader *L, const char *tag, uint64_t v)
{
    L->h = wd_fnv(L->h, tag, strlen(tag) + 1);
    L->h = wd_fnv(L->h, &v, sizeof v);
}

static int add_word(struct loader *L, const char *w, size_t len, uint32_t freq, int src,
                    wd_error *err)
{
    wd_dict *d = L->d;
    uint64_t h = WD_FNV_INIT;
    size_t i = 0, idx = 0;
    uint32_t ncp = 0;
    while (i < len) {
        uint32_t c;
        size_t l = wd_utf8_decode(w + i, len - i, &c);
        if (!l)
            l = 1;
        h = wd_fnv(h, w + i, l);
        i += l;
        ncp++;
        if (wd_strtab_put(&d->tab, w, i, h, &idx) != WD_OK)
            return oom(err);
        if (i < len)
            d->tab.ent[idx].flags |= WD_ENT_PREFIX;
    }
    if (!len)
        return WD_OK;
    wd_strent *e = &d->tab.ent[idx];
    e->flags |= WD_ENT_WORD;
    if (src > e->src)
        e->src = (uint8_t)src;
    if (freq > e->given)
        e->given = freq;
    if (ncp > d->maxlen)
        d->maxlen = ncp;
    d->has_words = 1;
    return WD_OK;
}

static int add_stop(struct loader *L, const char *w, size_t len, wd_error *err)
{
    size_t idx;
    if (wd_strtab_put(&L->d->tab, w, len, wd_fnv(WD_FNV_INIT, w, len), &idx) != WD_OK)
        return oom(err);
    L->d->tab.ent[idx].flags |= WD_ENT_STOP;
    return WD_OK;
}

static int gpush(struct loader *L, uint32_t v)
{
    if (WD_GROW(L->gmem, L->capgmem, L->ngmem + 1, 64) != WD_OK)
        return WD_ENOMEM;
    L->gmem[L->ngmem++] = v;
    return WD_OK;
}

static int all_ideo(const char *w, size_t len, size_t *ncp)
{
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t c;
        size_t l = wd_utf8_decode(w + i, len - i, &c);
        if (!l || !wd_is_ideo(c))
            return 0;
        i += l;
        n++;
    }
    *ncp = n;
    return n > 0;
}

/* A synonym group. Its members are not made words: the index holds each
 * as the analyzer splits it (find_parts). */
static int add_group(struct loader *L, const char *const *w, size_t n, wd_error *err)
{
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(w[k]), idx;
        if (wd_strtab_put(&L->d->tab, w[k], len, wd_fnv(WD_FNV_INIT, w[k], len), &idx) != WD_OK)
            return oom(err);
        L->d->tab.ent[idx].flags |= WD_ENT_SYN;
        if (gpush(L, (uint32_t)idx) != WD_OK)
            return oom(err);
    }
    return gpush(L, UINT32_MAX) == WD_OK ? WD_OK : oom(err);
}

static int on_words(void *ctx, const char *const *w, size_t n, uint32_t freq, unsigned line,
                    wd_error *err)
{
    (void)n;
    (void)line;
    struct loader *L = ctx;
    if (L->src == WD_SRC_USER) {
        L->uh = wd_fnv(L->uh, w[0], strlen(w[0]) + 1);
        L->uh = wd_fnv(L->uh, &freq, sizeof freq);
        L->nuser++;
    }
    return add_word(L, w[0], strlen(w[0]), freq, L->src, err);
}

static int on_stop(void *ctx, const char *const *w, size_t n, uint32_t freq, unsigned line,
                   wd_error *err)
{
    (void)n;
    (void)freq;
    (void)line;
    return add_stop(ctx, w[0], strlen(w[0]), err);
}

static int on_syn(void *ctx, const char *const *w, size_t n, uint32_t freq, unsigned line,
                  wd_error *err)
{
    (void)freq;
    (void)line;
    return add_group(ctx, w, n, err);
}

static int on_unassoc(void *ctx, const char *const *w, size_t n, uint32_t freq, unsigned line,
                      wd_error *err)
{
    (void)freq;
    (void)line;
    struct loader *L = ctx;
    wd_dict *d = L->d;
    for (size_t i = 1; i < n; i++) {
        if (WD_GROW(d->unassoc, L->capunassoc, d->nunassoc + 1, 16) != WD_OK)
            return oom(err);
        d->unassoc[d->nunassoc++] = wd_dict_pair_hash(w[0], strlen(w[0]), w[i], strlen(w[i]));
    }
    return WD_OK;
}

/* Read dir/name. Returns WD_OK (file in *b), 1 when absent, or an error. */
static int read_file(const char *dir, const char *name, wd_buf *path, wd_buf *b, wd_error *err)
{
    wd_buf_reset(path);
    wd_buf_printf(path, "%s/%s", dir, name);
    if (path->oom)
        return oom(err);
    FILE *f = fopen(path->data, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 1;
        return wd_error_set(err, WD_EIO, "dict", "%s: %s", path->data, strerror(errno));
    }
    int rc = wd_buf_read_stream(b, f);
    fclose(f);
    if (rc == WD_EIO)
        return wd_error_set(err, WD_EIO, "dict", "%s: read error", path->data);
    return rc == WD_OK ? WD_OK : oom(err);
}

/* Load one file of the directory if present. *found tells. */
static int load_file(struct loader *L, const char *dir, const char *name, int kind, wd_lex_fn fn,
                     int *found, wd_error *err)
{
    /* synonyms change no segmentation: not part of the version; the user's
     * words count by their entries (an emptied user.txt is as none) */
    int versioned = kind != WD_LEX_SYN && L->src != WD_SRC_USER;
    wd_buf path = WD_BUF_INIT, text = WD_BUF_INIT;
    *found = 0;
    int rc = dir ? read_file(dir, name, &path, &text, err) : 1;
    if (rc == 1) {
        rc = WD_OK;
    } else if (rc == WD_OK) {
        *found = 1;
        if (!L->nm_ready) {
            rc = wd_norm_init(&L->nm, err);
            L->nm_ready = rc == WD_OK;
        }
        if (rc == WD_OK) {
            if (versioned)
                vmix(L, name, wd_fnv(WD_FNV_INIT, text.data, text.len));
            rc = wd_lex_parse(kind, path.data, text.data, text.len, &L->nm, fn, L, err);
        }
    }
    wd_buf_free(&path);
    wd_buf_free(&text);
    return rc;
}

/* Best score of a split of cps[0..m) into >= 2 pieces (general-list words
 * and single characters), in the segmenter's units: sum of logf - logtotal
 * over pieces, plus logtotal once (so it compares with a word's logf). */
static double best_split(const uint32_t *cps, size_t m, double lt)
{
    double best[WD_MAX_WORD_BYTES + 1];
    if (m < 2 || m > WD_MAX_WORD_BYTES)
        return -HUGE_VAL;
    best[m] = 0;
    for (size_t i = m; i-- > 0;) {
        uint32_t v = wd_gd_charid(cps[i]);
        double b = (v && wd_gd_logf[v] >= 0 ? wd_gd_logf[v] : 0.0) - lt + best[i + 1];
        for (size_t j = i + 1; v && j < m; j++) {
            uint32_t id = wd_gd_charid(cps[j]);
            v = id ? wd_gd_child(v, id) : 0;
            if (!v || (i == 0 && j + 1 == m))
                break;
            if (wd_gd_logf[v] >= 0 && wd_gd_logf[v] - lt + best[j + 1] > b)
                b = wd_gd_logf[v] - lt + best[j + 1];
        }
        best[i] = b;
    }
    return best[0] + lt;
}

static int finish(struct loader *L, wd_error *err)
{
    wd_dict *d = L->d;
    wd_strtab *t = &d->tab;
    double lt = d->logtotal;
    size_t extra = 0;
    for (size_t k = 0; k < t->n; k++) {
        wd_strent *e = &t->ent[k];
        if (!(e->flags & WD_ENT_WORD))
            continue;
        const char *w = wd_strtab_key(t, e);
        uint32_t cps[WD_MAX_WORD_BYTES];
        size_t m = 0;
        double lf = log(e->given ? (double)e->given : WD_DOMAIN_FLOOR);
        float g = -1.0f;
        if (all_ideo(w, e->len, &m) && m <= WD_MAX_WORD_BYTES) {
            for (size_t i = 0, p = 0; i < m; i++)
                p += wd_utf8_decode(w + p, e->len - p, &cps[i]);
            g = wd_gd_lookup(cps, m);
            if (g > lf)
                lf = g;
            double s = best_split(cps, m, lt) + WD_DOMAIN_MARGIN;
            if (s > lf)
                lf = s;
        }
        if (g < 0)
            extra++;
        e->logf = (float)lf;
    }
    d->size = wd_gd_nwords + extra;

    /* Synonyms: for every member, the other members of all its groups. */
    size_t npairs = 0, cap = 0;
    for (size_t i = 0; i < L->ngmem; i++) {
        if (L->gmem[i] == UINT32_MAX)
            continue;
        npairs++;
    }
    if (!npairs)
        return WD_OK;
    /* Upper bound of list lengths: sum over members of their group size. */
    size_t gs = 0;
    for (size_t i = 0; i < L->ngmem; i++) {
        if (L->gmem[i] == UINT32_MAX) {
            cap += gs * gs;
            gs = 0;
        } else {
            gs++;
        }
    }
    d->synv = wd_calloc(cap + 1, sizeof *d->synv);
    if (!d->synv)
        return oom(err);
    size_t nv = 0;
    for (size_t k = 0; k < t->n; k++) {
        wd_strent *e = &t->ent[k];
        if (!(e->flags & WD_ENT_SYN))
            continue;
        e->syn_off = (uint32_t)nv;
        size_t gstart = 0;
        for (size_t i = 0; i < L->ngmem; i++) {
            if (L->gmem[i] != UINT32_MAX)
                continue;
            int member = 0;
            for (size_t j = gstart; j < i; j++)
                member |= L->gmem[j] == k;
            for (size_t j = gstart; member && j < i; j++) {
                uint32_t o = L->gmem[j];
                if (o == k)
                    continue;
                const char *w = wd_strtab_key(t, &t->ent[o]);
                int dup = 0;
                for (size_t q = e->syn_off; q < nv && !dup; q++)
                    dup = d->synv[q] == w;
                if (!dup)
                    d->synv[nv++] = w;
            }
            gstart = i + 1;
        }
        e->syn_n = (uint32_t)(nv - e->syn_off);
    }
    return WD_OK;
}

static void filter_set(uint64_t *filter, int *all, const char *key, size_t len)
{
    uint32_t c;
    if (!len || !wd_utf8_decode(key, len, &c) || c >= 0x10000)
        *all = 1;
    else
        filter[c >> 6] |= 1ull << (c & 63);
}

/* The analyzer's filters of tab's keys (wd_dict_may_start). */
static void make_filters(wd_dict *d)
{
    const wd_strtab *t = &d->tab;
    for (size_t k = 0; k < t->n; k++) {
        const wd_strent *e = &t->ent[k];
        const char *key = wd_strtab_key(t, e);
        if (e->flags & (WD_ENT_WORD | WD_ENT_PREFIX))
            filter_set(d->wstart, &d->all_wstart, key, e->len);
        if (e->flags & WD_ENT_STOP)
            filter_set(d->sstart, &d->all_sstart, key, e->len);
    }
}

/* The general trie's child index (wd_dict_child): the children of the
 * one-character nodes (hundreds each for a common character; deeper nodes
 * have one or two) under their parent and label, in a table of at least
 * twice as many slots (0 marks an empty one: no child is the root). */
static int make_kids(wd_dict *d)
{
    size_t n = wd_gd_nchars, slots = 1024;
    if (!wd_gd_has_general || wd_gd_nnodes <= n + 1)
        return WD_OK;
    while (slots < 2 * (size_t)(wd_gd_first[n + 1] - wd_gd_first[1]))
        slots *= 2;
    d->kids = wd_calloc(slots, sizeof *d->kids);
    if (!d->kids)
        return WD_ENOMEM;
    d->kmask = slots - 1;
    for (uint32_t v = 1; v <= n; v++) {
        for (uint32_t c = wd_gd_first[v]; c < wd_gd_first[v + 1]; c++) {
            size_t i = wd_dict_kid_slot(v, wd_gd_label[c]) & d->kmask;
            while (d->kids[i])
                i = (i + 1) & d->kmask;
            d->kids[i] = (uint64_t)v << 48 | (uint64_t)wd_gd_label[c] << 32 | c;
        }
    }
    return WD_OK;
}

static int load_builtin_words(struct loader *L, wd_error *err)
{
    for (size_t i = 0; i < wd_gd_lex_n; i++) {
        int rc = add_word(L, wd_gd_lex_word[i], strlen(wd_gd_lex_word[i]), wd_gd_lex_freq[i],
                          WD_SRC_DOMAIN, err);
        if (rc != WD_OK)
            return rc;
    }
    vmix(L, "lexicon.txt", wd_gd_hash_lexicon);
    return WD_OK;
}

static int load_builtin_stop(struct loader *L, wd_error *err)
{
    for (size_t i = 0; i < wd_gd_stop_n; i++) {
        int rc = add_stop(L, wd_gd_stop[i], strlen(wd_gd_stop[i]), err);
        if (rc != WD_OK)
            return rc;
    }
    vmix(L, "stopwords.txt", wd_gd_hash_stopwords);
    return WD_OK;
}

static int load_builtin_syn(struct loader *L, wd_error *err)
{
    size_t start = 0;
    for (size_t i = 0; i < wd_gd_syn_n; i++) {
        if (wd_gd_syn[i])
            continue;
        int rc = add_group(L, wd_gd_syn + start, i - start, err);
        if (rc != WD_OK)
            return rc;
        start = i + 1;
    }
    return WD_OK;
}

struct parts_ctx {
    wd_buf *pool; /* the parts, each NUL-terminated */
    uint32_t n;
};

static int on_part(void *vctx, const wd_token *t)
{
    struct parts_ctx *c = vctx;
    if (t->flags & WD_TOKEN_SUBWORD)
        return 0;
    wd_buf_append(c->pool, t->text, t->len);
    wd_buf_putc(c->pool, '\0');
    c->n++;
    return c->pool->oom ? WD_ENOMEM : 0;
}

/* Each synonym member as the analyzer splits it (query mode: the index's
 * words without their sub-words), kept when that is more than one word.
 * A member that is a lexicon word of ideographs only is one word as it
 * stands (a domain or user word beats every split of its own span), so
 * only the others are analysed. */
static int find_parts(wd_dict *d, wd_error *err)
{
    wd_strtab *t = &d->tab;
    wd_analyzer *an = NULL;
    wd_buf pool = WD_BUF_INIT;
    size_t nparted = 0;
    int rc = WD_OK;
    for (size_t k = 0; rc == WD_OK && k < t->n; k++) {
        wd_strent *e = &t->ent[k];
        size_t ncp = 0;
        if (!(e->flags & WD_ENT_SYN))
            continue;
        const char *w = wd_strtab_key(t, e);
        if (all_ideo(w, e->len, &ncp) && (ncp == 1 || (e->flags & WD_ENT_WORD)))
            continue;
        if (!an && (rc = wd_analyzer_new(&an, d, err)) != WD_OK)
            break;
        size_t at = pool.len;
        struct parts_ctx c = { &pool, 0 };
        rc = wd_analyze(an, WD_ANALYZE_QUERY, w, e->len, on_part, &c, err);
        if (rc == WD_ENOMEM || pool.oom) {
            rc = oom(err);
        } else if (rc == WD_OK && c.n >= 2) {
            e->part_off = (uint32_t)at;
            e->part_n = c.n;
            nparted++;
        } else {
            pool.len = at;
        }
    }
    wd_analyzer_free(an);
    if (rc == WD_OK && nparted) {
        size_t np = 0;
        for (size_t k = 0; k < t->n; k++)
            np += t->ent[k].part_n;
        d->partv = wd_calloc(np, sizeof *d->partv);
        d->splitv = wd_calloc(nparted, sizeof *d->splitv);
        d->partpool = wd_buf_detach(&pool);
        if (!d->partv || !d->splitv || !d->partpool)
            rc = oom(err);
        /* part_off becomes the parts' first index in partv */
        for (size_t k = 0, v = 0; rc == WD_OK && k < t->n; k++) {
            wd_strent *e = &t->ent[k];
            if (!e->part_n)
                continue;
            const char *p = d->partpool + e->part_off;
            d->splitv[d->nsplit++] = wd_strtab_key(t, e);
            e->part_off = (uint32_t)v;
            for (uint32_t i = 0; i < e->part_n; i++) {
                d->partv[v++] = p;
                p += strlen(p) + 1;
            }
        }
    }
    wd_buf_free(&pool);
    return rc;
}

static int load(struct loader *L, const char *dir, wd_error *err)
{
    int rc, found;
    if ((rc = load_file(L, dir, "lexicon.txt", WD_LEX_WORDS, on_words, &found, err)) != WD_OK)
        return rc;
    if (!found && (rc = load_builtin_words(L, err)) != WD_OK)
        return rc;
    if ((rc = load_file(L, dir, "stopwords.txt", WD_LEX_STOP, on_stop, &found, err)) != WD_OK)
        return rc;
    if (!found && (rc = load_builtin_stop(L, err)) != WD_OK)
        return rc;
    /* the built-in groups, then the directory's added to them */
    if ((rc = load_builtin_syn(L, err)) != WD_OK)
        return rc;
    L->d->gbuiltin = L->ngmem;
    if ((rc = load_file(L, dir, "synonyms.txt", WD_LEX_SYN, on_syn, &found, err)) != WD_OK)
        return rc;
    if ((rc = load_file(L, dir, WD_DICT_ASSOC_REMOVED, WD_LEX_SYN, on_unassoc, &found, err)) !=
        WD_OK)
        return rc;
    if (L->d->nunassoc)
        qsort(L->d->unassoc, L->d->nunassoc, sizeof *L->d->unassoc, wd_u64_cmp);
    L->src = WD_SRC_USER;
    L->uh = WD_FNV_INIT;
    if ((rc = load_file(L, dir, "user.txt", WD_LEX_WORDS, on_words, &found, err)) != WD_OK)
        return rc;
    vmix(L, "user.txt", L->nuser ? L->uh : 0);
    if ((rc = finish(L, err)) != WD_OK)
        return rc;
    make_filters(L->d);
    if (make_kids(L->d) != WD_OK)
        return oom(err);
    return find_parts(L->d, err);
}

int wd_dict_load(wd_dict **out, const char *dir, wd_error *err)
{
    if (!out)
        return wd_error_set(err, WD_EINVAL, "dict", "wd_dict_load: out is NULL");
    *out = NULL;
    const char *what = "dictionary directory";
    if (!dir) {
        const char *env = getenv("WENDA_DICT");
        if (env && *env) {
            dir = env;
            what = "WENDA_DICT directory";
        }
    }
    if (dir) {
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            return wd_error_set(err, WD_ENOTFOUND, "dict", "%s '%s' not found", what, dir);
    }
    wd_dict *d = wd_calloc(1, sizeof *d);
    if (!d)
        return oom(err);
    struct loader L;
    memset(&L, 0, sizeof L);
    L.d = d;
    L.src = WD_SRC_DOMAIN;
    L.h = WD_FNV_INIT;
    vmix(&L, "rev", WD_ANALYZER_REV);
    vmix(&L, "icu", U_ICU_VERSION_MAJOR_NUM);
    vmix(&L, "t2s", wd_t2s_hash);
    vmix(&L, "general", wd_gd_has_general ? wd_gd_hash_general : 0);
    vmix(&L, "hmm", wd_gd_has_hmm ? wd_gd_hash_hmm : 0);
    d->logtotal = log(wd_gd_total > WD_MIN_TOTAL ? wd_gd_total : WD_MIN_TOTAL);
    int rc = load(&L, dir, err);
    if (L.nm_ready)
        wd_norm_fini(&L.nm);
    d->gmem = L.gmem; /* the groups, for wd_dict_each_synonym_group */
    d->ngmem = L.ngmem;
    if (rc != WD_OK) {
        wd_dict_free(d);
        return rc;
    }
    snprintf(d->version, sizeof d->version, "d1-%012llx",
             (unsigned long long)(L.h & 0xFFFFFFFFFFFFull));
    *out = d;
    return WD_OK;
}
