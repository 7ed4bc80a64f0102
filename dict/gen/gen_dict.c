/*
 * gen_dict.c - build-time generator of the built-in dictionaries.
 *
 * Reads the domain lexicon, stop words and synonyms from dict/data/ and,
 * when present, the general word list (jieba's dict.txt: `word freq tag`),
 * normalises every entry with the analyzer's own normaliser (norm.c, same
 * T2S table), and writes a C source file with const data (see gendata.h):
 * the general list as a breadth-first trie over character ids, the other
 * files as normalised word lists, and FNV-1a hashes of the raw files.
 * General-list entries that are not made only of CJK ideographs are left
 * out (the dictionary layer only sees ideographic runs); entries that
 * normalise to the same word (Traditional and Simplified spellings) have
 * their frequencies added.
 *
 * The unknown-word model, when given, is jieba's finalseg HMM: the
 * Python literals of prob_start.py, prob_trans.py and prob_emit.py
 * (`P={'B': -0.26, ...}`, `P={'B': {'E': -0.51, ...}, ...}`,
 * `P={'B': {'\u4e00': -3.65, ...}, ...}`), read here and written as
 * tables of log probabilities over the states B M E S. Emission keys are
 * normalised like the text (a Traditional character's row serves its
 * Simplified form only when that form has no row of its own).
 *
 * Usage: gen_dict OUT.c LEXICON STOPWORDS SYNONYMS GENERAL HMM_START HMM_TRANS HMM_EMIT
 *        (a path of "-" means the file is absent; the HMM is used only when
 *        all three of its files are given)
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uclean.h>

#include "../gendata.h"
#include "../lexparse.h"
#include "../norm.h"
#include "wenda/analyzer.h"

static void die(const char *msg)
{
    fprintf(stderr, "gen_dict: %s\n", msg);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *b = xrealloc(NULL, cap);
    size_t r;
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            b = xrealloc(b, cap *= 2);
    }
    if (ferror(f)) {
        perror(path);
        exit(1);
    }
    fclose(f);
    *len = n;
    return b;
}

/* ---- word lists (lexicon, stop words, synonyms) ---- */

struct list {
    char **w;
    uint32_t *freq;
    size_t n, cap;
};

static void list_add(struct list *l, const char *w, uint32_t freq)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->w = xrealloc(l->w, l->cap * sizeof *l->w);
        l->freq = xrealloc(l->freq, l->cap * sizeof *l->freq);
    }
    l->w[l->n] = w ? strdup(w) : NULL;
    if (w && !l->w[l->n])
        die("out of memory");
    l->freq[l->n++] = freq;
}

static int on_list(void *ctx, const char *const *words, size_t n, uint32_t freq, unsigned line,
                   wd_error *err)
{
    (void)line;
    (void)err;
    struct list *l = ctx;
    for (size_t i = 0; i < n; i++)
        list_add(l, words[i], freq);
    return 0;
}

static int on_group(void *ctx, const char *const *words, size_t n, uint32_t freq, unsigned line,
                    wd_error *err)
{
    on_list(ctx, words, n, freq, line, err);
    list_add(ctx, NULL, 0);
    return 0;
}

/* ---- the general list ---- */

struct gword {
    uint32_t off; /* into cps / ids */
    uint32_t len;
    uint64_t freq;
};

static struct {
    struct gword *w;
    size_t n, cap;
    uint32_t *cps;
    size_t ncps, capcps;
    uint16_t *ids;
    double total;
} G;

static int on_general(void *ctx, const char *const *words, size_t n, uint32_t freq, unsigned line,
                      wd_error *err)
{
    (void)ctx;
    (void)n;
    (void)line;
    (void)err;
    const char *s = words[0];
    size_t len = strlen(s);
    G.total += freq;
    uint32_t buf[WD_MAX_WORD_BYTES];
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t l = wd_utf8_decode(s + i, len - i, &c);
        if (!l || !wd_is_ideo(c))
            return 0;
        buf[k++] = c;
        i += l;
    }
    if (k == 0 || freq == 0)
        return 0;
    if (G.n == G.cap) {
        G.cap = G.cap ? G.cap * 2 : 1 << 16;
        G.w = xrealloc(G.w, G.cap * sizeof *G.w);
    }
    if (G.ncps + k > G.capcps) {
        G.capcps = G.capcps ? G.capcps * 2 : 1 << 20;
        G.cps = xrealloc(G.cps, G.capcps * sizeof *G.cps);
    }
    memcpy(G.cps + G.ncps, buf, k * sizeof *buf);
    G.w[G.n].off = (uint32_t)G.ncps;
    G.w[G.n].len = (uint32_t)k;
    G.w[G.n].freq = freq;
    G.n++;
    G.ncps += k;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static struct {
    double *weight; /* per index of chars */
    const uint32_t *chars;
} W;

static int cmp_weight(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (W.weight[x] != W.weight[y])
        return W.weight[x] > W.weight[y] ? -1 : 1;
    return (W.chars[x] > W.chars[y]) - (W.chars[x] < W.chars[y]);
}

static int cmp_gword(const void *a, const void *b)
{
    const struct gword *x = a, *y = b;
    uint32_t n = x->len < y->len ? x->len : y->len;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t p = G.ids[x->off + i], q = G.ids[y->off + i];
        if (p != q)
            return p < q ? -1 : 1;
    }
    return (x->len > y->len) - (x->len < y->len);
}

/* ---- the trie ---- */

static struct {
    uint16_t *label;
    uint32_t *parent;
    float *logf;
    size_t n, cap;
} T;

static uint32_t node_new(uint16_t label, uint32_t parent)
{
    if (T.n == T.cap) {
        T.cap = T.cap ? T.cap * 2 : 1 << 16;
        T.label = xrealloc(T.label, T.cap * sizeof *T.label);
        T.parent = xrealloc(T.parent, T.cap * sizeof *T.parent);
        T.logf = xrealloc(T.logf, T.cap * sizeof *T.logf);
    }
    T.label[T.n] = label;
    T.parent[T.n] = parent;
    T.logf[T.n] = -1.0f;
    return (uint32_t)T.n++;
}

/* ---- the unknown-word HMM (jieba finalseg) ---- */

/* A missing start, transition or emission probability (jieba's
 * MIN_FLOAT, -3.14e100): small enough that no path with it wins while
 * another exists, large enough that sums stay exact in a double. */
#define HMM_NEVER (-1e5)

static struct {
    double start[4];
    double trans[4][4];
    /* emission log probabilities per BMP ideograph, HMM_NEVER-less
     * cells mark "no value"; own[] tells the cell came from the
     * character itself rather than from its Traditional spelling */
    float (*emit)[4];
    uint8_t (*own)[4];
} H;

static int hmm_state(const char *s, size_t n)
{
    static const char names[] = "BMES";
    if (n != 1)
        return -1;
    const char *p = strchr(names, s[0]);
    return p && s[0] ? (int)(p - names) : -1;
}

struct pyparse {
    const char *p, *start, *end, *path;
    int which; /* 0 start, 1 trans, 2 emit */
    wd_norm *nm;
    wd_ntext nt;
};

static _Noreturn void py_die(struct pyparse *P, const char *what)
{
    fprintf(stderr, "gen_dict: %s: %s at byte %ld\n", P->path, what, (long)(P->p - P->start));
    exit(1);
}

static void py_ws(struct pyparse *P)
{
    while (P->p < P->end && isspace((unsigned char)*P->p))
        P->p++;
}

/* A string literal '...' or "..." with \uXXXX escapes, as UTF-8 in buf. */
static size_t py_string(struct pyparse *P, char *buf, size_t cap)
{
    py_ws(P);
    if (P->p >= P->end || (*P->p != '\'' && *P->p != '"'))
        py_die(P, "string expected");
    char q = *P->p++;
    size_t n = 0;
    while (P->p < P->end && *P->p != q) {
        uint32_t c = 0;
        if (*P->p == '\\' && P->p + 6 <= P->end && P->p[1] == 'u') {
            char hex[5] = { P->p[2], P->p[3], P->p[4], P->p[5], 0 };
            char *e;
            c = (uint32_t)strtoul(hex, &e, 16);
            if (*e)
                py_die(P, "bad \\u escape");
            P->p += 6;
        } else if (*P->p == '\\') {
            py_die(P, "unsupported escape");
        } else {
            size_t l = wd_utf8_decode(P->p, (size_t)(P->end - P->p), &c);
            if (!l)
                py_die(P, "invalid UTF-8");
            P->p += l;
        }
        if (n + 4 >= cap)
            py_die(P, "string too long");
        n += wd_utf8_encode(c, buf + n);
    }
    if (P->p >= P->end)
        py_die(P, "unterminated string");
    P->p++;
    buf[n] = 0;
    return n;
}

static void py_expect(struct pyparse *P, char c)
{
    py_ws(P);
    if (P->p >= P->end || *P->p != c) {
        char m[32];
        snprintf(m, sizeof m, "'%c' expected", c);
        py_die(P, m);
    }
    P->p++;
}

static void hmm_value(struct pyparse *P, int s1, const char *k2, size_t n2, double v)
{
    if (v < HMM_NEVER)
        v = HMM_NEVER;
    if (P->which == 0) {
        H.start[s1] = v;
    } else if (P->which == 1) {
        int s2 = hmm_state(k2, n2);
        if (s2 < 0)
            py_die(P, "state B, M, E or S expected");
        H.trans[s1][s2] = v;
    } else {
        wd_error err = { 0, "", "" };
        if (wd_norm_text(P->nm, k2, n2, &P->nt, &err) != WD_OK)
            py_die(P, err.message);
        uint32_t raw;
        if (wd_utf8_decode(k2, n2, &raw) != n2 || P->nt.n != 1)
            return; /* not one character, or one that normalises away */
        uint32_t c = P->nt.cp[0];
        if (!wd_is_ideo(c) || c < WD_GD_BMP_LO || c >= WD_GD_BMP_HI)
            return; /* the model is only asked about ideographs */
        int own = c == raw;
        if (H.own[c - WD_GD_BMP_LO][s1] && !own)
            return;
        H.emit[c - WD_GD_BMP_LO][s1] = (float)v;
        H.own[c - WD_GD_BMP_LO][s1] = (uint8_t)(own ? 1 : 2);
    }
}

static double py_number(struct pyparse *P)
{
    py_ws(P);
    char *e;
    double v = strtod(P->p, &e);
    if (e == P->p)
        py_die(P, "number expected");
    P->p = e;
    return v;
}

/* P={STATE: NUMBER | {KEY: NUMBER, ...}, ...} */
static void hmm_parse(int which, const char *path, const char *text, size_t len, wd_norm *nm)
{
    struct pyparse P = { text, text, text + len, path, which, nm, { 0 } };
    const char *at = NULL;
    for (const char *q = text; q + 2 <= text + len; q++)
        if (q[0] == 'P' && q[1] == '=' && (q == text || q[-1] == '\n'))
            at = q;
    if (!at)
        py_die(&P, "no 'P=' line");
    P.p = at + 2;
    py_expect(&P, '{');
    for (;;) {
        char k1[16], k2[64];
        py_ws(&P);
        if (P.p < P.end && *P.p == '}')
            break;
        size_t n1 = py_string(&P, k1, sizeof k1);
        int s1 = hmm_state(k1, n1);
        if (s1 < 0)
            py_die(&P, "state B, M, E or S expected");
        py_expect(&P, ':');
        if (which == 0) {
            hmm_value(&P, s1, NULL, 0, py_number(&P));
        } else {
            py_expect(&P, '{');
            for (;;) {
                py_ws(&P);
                if (P.p < P.end && *P.p == '}')
                    break;
                size_t n2 = py_string(&P, k2, sizeof k2);
                py_expect(&P, ':');
                hmm_value(&P, s1, k2, n2, py_number(&P));
                py_ws(&P);
                if (P.p < P.end && *P.p == ',')
                    P.p++;
            }
            P.p++;
        }
        py_ws(&P);
        if (P.p < P.end && *P.p == ',')
            P.p++;
    }
    wd_ntext_free(&P.nt);
}

/* ---- output ---- */

static void put_cstr(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7F || *p == '"' || *p == '\\' || *p == '?')
            fprintf(o, "\\%03o", *p);
        else
            fputc(*p, o);
    }
    fputc('"', o);
}

static void put_words(FILE *o, const char *type, const char *name, const char *count,
                      const struct list *l)
{
    fprintf(o, "const size_t %s = %zu;\n", count, l->n);
    fprintf(o, "const %s %s[] = {\n", type, name);
    for (size_t i = 0; i < l->n; i++) {
        fputs("    ", o);
        if (l->w[i])
            put_cstr(o, l->w[i]);
        else
            fputs("NULL", o);
        fputs(",\n", o);
    }
    if (!l->n)
        fputs("    NULL,\n", o);
    fputs("};\n", o);
}

static uint64_t hash_file(const char *path, size_t *len, char **text)
{
    *text = NULL;
    *len = 0;
    if (!strcmp(path, "-"))
        return WD_FNV_INIT;
    *text = read_file(path, len);
    return wd_fnv(WD_FNV_INIT, *text, *len);
}

static void parse(int kind, const char *path, const char *text, size_t len, wd_norm *nm,
                  wd_lex_fn fn, void *ctx)
{
    wd_error err = { 0, "", "" };
    if (!text)
        return;
    if (wd_lex_parse(kind, path, text, len, nm, fn, ctx, &err) != WD_OK) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: gen_dict OUT.c LEXICON STOPWORDS SYNONYMS GENERAL "
                        "HMM_START HMM_TRANS HMM_EMIT\n");
        return 2;
    }
    wd_norm nm;
    wd_error err = { 0, "", "" };
    if (wd_norm_init(&nm, &err) != WD_OK)
        die(err.message);

    struct list lex = { 0 }, stop = { 0 }, syn = { 0 };
    char *text[4];
    size_t len[4];
    uint64_t h_lex = hash_file(argv[2], &len[0], &text[0]);
    uint64_t h_stop = hash_file(argv[3], &len[1], &text[1]);
    uint64_t h_syn = hash_file(argv[4], &len[2], &text[2]);
    uint64_t h_gen = hash_file(argv[5], &len[3], &text[3]);
    parse(WD_LEX_WORDS, argv[2], text[0], len[0], &nm, on_list, &lex);
    parse(WD_LEX_STOP, argv[3], text[1], len[1], &nm, on_list, &stop);
    parse(WD_LEX_SYN, argv[4], text[2], len[2], &nm, on_group, &syn);
    parse(WD_LEX_WORDS, argv[5], text[3], len[3], &nm, on_general, NULL);
    for (int i = 0; i < 4; i++)
        free(text[i]);

    /* The HMM: all three files or none. Its hash covers the three. */
    int has_hmm = strcmp(argv[6], "-") && strcmp(argv[7], "-") && strcmp(argv[8], "-");
    uint64_t h_hmm = WD_FNV_INIT;
    H.emit = xrealloc(NULL, (WD_GD_BMP_HI - WD_GD_BMP_LO) * sizeof *H.emit);
    H.own = xrealloc(NULL, (WD_GD_BMP_HI - WD_GD_BMP_LO) * sizeof *H.own);
    memset(H.own, 0, (WD_GD_BMP_HI - WD_GD_BMP_LO) * sizeof *H.own);
    for (int i = 0; i < 4; i++) {
        H.start[i] = HMM_NEVER;
        for (int j = 0; j < 4; j++)
            H.trans[i][j] = HMM_NEVER;
    }
    for (int i = 0; has_hmm && i < 3; i++) {
        size_t n;
        char *t = read_file(argv[6 + i], &n);
        h_hmm = wd_fnv(h_hmm, t, n);
        hmm_parse(i, argv[6 + i], t, n, &nm);
        free(t);
    }
    wd_norm_fini(&nm);
    u_cleanup();

    /* Character ids, most frequent first, so that the children lists of
     * the hot characters (searched for every character of the text) lie
     * together at the start of the label array. */
    uint32_t *chars = xrealloc(NULL, (G.ncps + 1) * sizeof *chars);
    memcpy(chars, G.cps, G.ncps * sizeof *chars);
    qsort(chars, G.ncps, sizeof *chars, cmp_u32);
    size_t nchars = 0;
    for (size_t i = 0; i < G.ncps; i++)
        if (!nchars || chars[nchars - 1] != chars[i])
            chars[nchars++] = chars[i];
    if (nchars > 0xFFFF)
        die("more than 65535 distinct characters in the general list");
    W.weight = xrealloc(NULL, (nchars + 1) * sizeof *W.weight);
    W.chars = chars;
    memset(W.weight, 0, (nchars + 1) * sizeof *W.weight);
    for (size_t w = 0; w < G.n; w++)
        for (uint32_t k = 0; k < G.w[w].len; k++) {
            uint32_t *p = bsearch(&G.cps[G.w[w].off + k], chars, nchars, sizeof *chars, cmp_u32);
            W.weight[p - chars] += (double)G.w[w].freq;
        }
    uint32_t *ord = xrealloc(NULL, (nchars + 1) * sizeof *ord);
    uint16_t *idof = xrealloc(NULL, (nchars + 1) * sizeof *idof);
    for (size_t i = 0; i < nchars; i++)
        ord[i] = (uint32_t)i;
    qsort(ord, nchars, sizeof *ord, cmp_weight);
    for (size_t r = 0; r < nchars; r++)
        idof[ord[r]] = (uint16_t)(r + 1);
    static uint16_t bmpid[WD_GD_BMP_HI - WD_GD_BMP_LO];
    size_t nx = 0;
    uint32_t *xcp = xrealloc(NULL, (nchars + 1) * sizeof *xcp);
    uint16_t *xid = xrealloc(NULL, (nchars + 1) * sizeof *xid);
    for (size_t i = 0; i < nchars; i++) {
        if (chars[i] >= WD_GD_BMP_LO && chars[i] < WD_GD_BMP_HI) {
            bmpid[chars[i] - WD_GD_BMP_LO] = idof[i];
        } else {
            xcp[nx] = chars[i];
            xid[nx++] = idof[i];
        }
    }
    G.ids = xrealloc(NULL, (G.ncps + 1) * sizeof *G.ids);
    for (size_t i = 0; i < G.ncps; i++) {
        uint32_t *p = bsearch(&G.cps[i], chars, nchars, sizeof *chars, cmp_u32);
        G.ids[i] = idof[p - chars];
    }

    /* Sort, merge duplicates. */
    qsort(G.w, G.n, sizeof *G.w, cmp_gword);
    size_t nw = 0;
    uint32_t maxlen = 0;
    for (size_t i = 0; i < G.n; i++) {
        if (nw && cmp_gword(&G.w[nw - 1], &G.w[i]) == 0) {
            G.w[nw - 1].freq += G.w[i].freq;
            continue;
        }
        G.w[nw++] = G.w[i];
        if (G.w[i].len > maxlen)
            maxlen = G.w[i].len;
    }

    /* Breadth-first trie (see gendata.h). */
    node_new(0, 0);
    for (size_t i = 0; i < nchars; i++)
        node_new((uint16_t)(i + 1), 0);
    free(ord);
    free(idof);
    free(W.weight);
    uint32_t *cur = xrealloc(NULL, (nw + 1) * sizeof *cur);
    for (size_t w = 0; w < nw; w++) {
        cur[w] = G.ids[G.w[w].off];
        if (G.w[w].len == 1)
            T.logf[cur[w]] = (float)log((double)G.w[w].freq);
    }
    for (uint32_t d = 2; d <= maxlen; d++) {
        uint32_t pp = UINT32_MAX, node = 0;
        uint16_t pl = 0;
        for (size_t w = 0; w < nw; w++) {
            if (G.w[w].len < d)
                continue;
            uint16_t lab = G.ids[G.w[w].off + d - 1];
            if (cur[w] != pp || lab != pl) {
                if (pp != UINT32_MAX && cur[w] < pp)
                    die("internal: trie parents out of order");
                pp = cur[w];
                pl = lab;
                node = node_new(lab, pp);
            }
            cur[w] = node;
            if (G.w[w].len == d)
                T.logf[node] = (float)log((double)G.w[w].freq);
        }
    }
    uint32_t *first = xrealloc(NULL, (T.n + 1) * sizeof *first);
    memset(first, 0, (T.n + 1) * sizeof *first);
    for (size_t v = 1; v < T.n; v++)
        first[T.parent[v] + 1]++;
    first[0] = 1;
    for (size_t v = 1; v <= T.n; v++)
        first[v] += first[v - 1];

    FILE *o = fopen(argv[1], "w");
    if (!o) {
        perror(argv[1]);
        return 1;
    }
    int has_general = strcmp(argv[5], "-") != 0;
    fprintf(o,
            "/* Generated by dict/gen/gen_dict.c. Do not edit.\n"
            " * general list: %s (%zu words, %zu nodes, %zu characters)\n"
            " * lexicon: %zu entries, stop words: %zu, synonym entries: %zu */\n",
            has_general ? argv[5] : "none", nw, T.n, nchars, lex.n, stop.n, syn.n);
    fprintf(o, "#include \"gendata.h\"\n\n");
    fprintf(o, "const int wd_gd_has_general = %d;\n", has_general);
    fprintf(o, "const uint64_t wd_gd_hash_general = 0x%016llxull;\n", (unsigned long long)h_gen);
    fprintf(o, "const uint64_t wd_gd_hash_lexicon = 0x%016llxull;\n", (unsigned long long)h_lex);
    fprintf(o, "const uint64_t wd_gd_hash_stopwords = 0x%016llxull;\n", (unsigned long long)h_stop);
    fprintf(o, "const uint64_t wd_gd_hash_synonyms = 0x%016llxull;\n\n", (unsigned long long)h_syn);
    put_words(o, "char *const", "wd_gd_lex_word", "wd_gd_lex_n", &lex);
    fprintf(o, "const uint32_t wd_gd_lex_freq[] = {");
    for (size_t i = 0; i < lex.n; i++)
        fprintf(o, "%s%u,", i % 16 ? "" : "\n    ", lex.freq[i]);
    fprintf(o, "%s\n};\n\n", lex.n ? "" : "0");
    put_words(o, "char *const", "wd_gd_stop", "wd_gd_stop_n", &stop);
    put_words(o, "char *const", "wd_gd_syn", "wd_gd_syn_n", &syn);

    /* HMM rows: row 0 is for a character the model does not know: it
     * can only be a word by itself (state S), never glued to others. */
    static uint16_t hrow[WD_GD_BMP_HI - WD_GD_BMP_LO];
    size_t nrows = 1;
    fprintf(o, "\nconst int wd_gd_has_hmm = %d;\n", has_hmm);
    fprintf(o, "const uint64_t wd_gd_hash_hmm = 0x%016llxull;\n", (unsigned long long)h_hmm);
    fprintf(o, "const double wd_gd_hmm_start[4] = {%.17g, %.17g, %.17g, %.17g};\n", H.start[0],
            H.start[1], H.start[2], H.start[3]);
    fprintf(o, "const double wd_gd_hmm_trans[4][4] = {");
    for (int i = 0; i < 4; i++)
        fprintf(o, "\n    {%.17g, %.17g, %.17g, %.17g},", H.trans[i][0], H.trans[i][1],
                H.trans[i][2], H.trans[i][3]);
    fprintf(o, "\n};\nconst float wd_gd_hmm_emit[][4] = {\n    {%.6ef, %.6ef, %.6ef, 0},",
            HMM_NEVER, HMM_NEVER, HMM_NEVER);
    for (size_t i = 0; has_hmm && i < WD_GD_BMP_HI - WD_GD_BMP_LO; i++) {
        if (!(H.own[i][0] | H.own[i][1] | H.own[i][2] | H.own[i][3]))
            continue;
        if (nrows > 0xFFFF)
            die("too many HMM emission rows");
        hrow[i] = (uint16_t)nrows++;
        fputs("\n    {", o);
        for (int k = 0; k < 4; k++)
            fprintf(o, "%s%.6ef", k ? ", " : "", H.own[i][k] ? (double)H.emit[i][k] : HMM_NEVER);
        fputs("},", o);
    }
    fputs("\n};\n", o);
    fprintf(o, "const uint16_t wd_gd_hmm_row[WD_GD_BMP_HI - WD_GD_BMP_LO] = {");
    for (size_t i = 0; i < WD_GD_BMP_HI - WD_GD_BMP_LO; i++)
        fprintf(o, "%s%u,", i % 16 ? "" : "\n", hrow[i]);
    fprintf(o, "\n};\n");
    free(H.emit);
    free(H.own);

    fprintf(o, "\nconst uint32_t wd_gd_nnodes = %zu;\n", T.n);
    fprintf(o, "const uint32_t wd_gd_nchars = %zu;\n", nchars);
    fprintf(o, "const uint32_t wd_gd_nwords = %zu;\n", nw);
    fprintf(o, "const double wd_gd_total = %.1f;\n", G.total > 0 ? G.total : 1.0);
    fprintf(o, "const uint32_t wd_gd_nx = %zu;\n", nx);
    fprintf(o, "const uint32_t wd_gd_xcp[] = {");
    for (size_t i = 0; i < nx; i++)
        fprintf(o, "%s%u,", i % 12 ? "" : "\n", xcp[i]);
    fprintf(o, "%s\n};\nconst uint16_t wd_gd_xid[] = {", nx ? "" : "0");
    for (size_t i = 0; i < nx; i++)
        fprintf(o, "%s%u,", i % 16 ? "" : "\n", xid[i]);
    fprintf(o, "%s\n};\n", nx ? "" : "0");
    fprintf(o, "const uint16_t wd_gd_bmpid[WD_GD_BMP_HI - WD_GD_BMP_LO] = {");
    for (size_t i = 0; i < WD_GD_BMP_HI - WD_GD_BMP_LO; i++)
        fprintf(o, "%s%u,", i % 16 ? "" : "\n", bmpid[i]);
    fprintf(o, "\n};\nconst uint16_t wd_gd_label[] = {");
    for (size_t i = 0; i < T.n; i++)
        fprintf(o, "%s%u,", i % 16 ? "" : "\n", T.label[i]);
    fprintf(o, "\n};\nconst uint32_t wd_gd_first[] = {");
    for (size_t i = 0; i <= T.n; i++)
        fprintf(o, "%s%u,", i % 12 ? "" : "\n", first[i]);
    fprintf(o, "\n};\nconst float wd_gd_logf[] = {");
    for (size_t i = 0; i < T.n; i++) {
        if (T.logf[i] < 0)
            fprintf(o, "%s-1,", i % 12 ? "" : "\n");
        else
            fprintf(o, "%s%.5ff,", i % 12 ? "" : "\n", (double)T.logf[i]);
    }
    fprintf(o, "\n};\n");
    if (fclose(o) != 0) {
        perror(argv[1]);
        return 1;
    }
    fprintf(stderr,
            "gen_dict: general list %zu words, %zu trie nodes, %zu characters; "
            "lexicon %zu, stop words %zu; HMM %s (%zu emission rows)\n",
            nw, T.n, nchars, lex.n, stop.n, has_hmm ? "yes" : "none", nrows - 1);

    for (size_t i = 0; i < lex.n; i++)
        free(lex.w[i]);
    for (size_t i = 0; i < stop.n; i++)
        free(stop.w[i]);
    for (size_t i = 0; i < syn.n; i++)
        free(syn.w[i]);
    free(lex.w), free(lex.freq), free(stop.w), free(stop.freq), free(syn.w), free(syn.freq);
    free(G.w), free(G.cps), free(G.ids), free(chars), free(xcp), free(xid), free(cur), free(first);
    free(T.label), free(T.parent), free(T.logf);
    return 0;
}
