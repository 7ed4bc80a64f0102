/*
 * snippet.c - choose and cut the passage of an answer that best matches a
 * question, and mark the matched words in it.
 *
 * The text is normalised with the same analyzer as everything else (so a
 * Traditional answer highlights a Simplified question's words) but not
 * segmented: segmenting every hit's answer cost more than the search itself.
 * A caller that keeps the normalised text and its map (wd_normalize_spans:
 * the record cache does, for the re-ranking) passes them in
 * (wd_snippet_make_from) rather than have the text normalised again.
 * A match is an occurrence of a query word in the normalised text; the
 * original byte span it came from becomes a highlight range. The text is divided into
 * units at sentence and clause ends; the window of consecutive units of about
 * the target length that covers the most query weight (each word counted
 * once, a little extra for repeats) wins, earliest on ties. Highlight offsets
 * are counted in code points of the final snippet, after white space runs
 * are folded and ellipses added.
 */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "snippet.h"
#include "wenda/buf.h"

int wd_termset_add(wd_termset *ts, const char *word, size_t len, double weight)
{
    long i = wd_termset_find(ts, word, len);
    if (i >= 0) {
        if (weight > ts->weights[i])
            ts->weights[i] = weight;
        return WD_OK;
    }
    /* words, lens and weights share cap (parallel arrays, see grow.h). */
    size_t cap = ts->cap, cap_l = ts->cap, cap_w = ts->cap;
    if (WD_GROW(ts->words, cap, ts->n + 1, 16) != WD_OK ||
        WD_GROW(ts->lens, cap_l, ts->n + 1, 16) != WD_OK ||
        WD_GROW(ts->weights, cap_w, ts->n + 1, 16) != WD_OK)
        return WD_ENOMEM;
    ts->cap = cap;
    char *c = wd_strndup(word, len);
    if (!c)
        return WD_ENOMEM;
    ts->words[ts->n] = c;
    ts->lens[ts->n] = len;
    ts->weights[ts->n] = weight;
    ts->n++;
    return WD_OK;
}

long wd_termset_find(const wd_termset *ts, const char *word, size_t len)
{
    for (size_t i = 0; i < ts->n; i++)
        if (ts->lens[i] == len && memcmp(ts->words[i], word, len) == 0)
            return (long)i;
    return -1;
}

void wd_termset_free(wd_termset *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        wd_free(ts->words[i]);
    wd_free(ts->words);
    wd_free(ts->lens);
    wd_free(ts->weights);
    memset(ts, 0, sizeof *ts);
}

typedef struct match {
    size_t start, end;
    long word;
} match;

struct collect {
    match *m;
    size_t n, cap;
};

static int push_match(struct collect *c, size_t start, size_t end, long word)
{
    if (WD_GROW(c->m, c->cap, c->n + 1, 32) != WD_OK)
        return WD_ENOMEM;
    c->m[c->n++] = (match){ start, end, word };
    return WD_OK;
}

static int is_alnum_cp(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A word of the termset as code points: cps[at, at + len) of the block. */
typedef struct word_cps {
    uint32_t first; /* its first code point */
    size_t word, at, len;
} word_cps;

static int word_cps_cmp(const void *a, const void *b)
{
    const word_cps *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->word < y->word ? -1 : x->word > y->word;
}

/* Find the words of ts in the normalised text: a CJK word matches anywhere
 * (医保 inside 医保卡 is still the asked word), a Latin or digit word only
 * between non-alphanumerics. Matches come out in text order, the longest
 * word at each start. The words are sorted by their first code point, so a
 * text position reads only the words that can start there, and a bit per
 * first code point (modulo 4096) passes over most positions at once. */
static int find_matches(const uint32_t *cps, const uint32_t *spans, size_t n, const wd_termset *ts,
                        struct collect *c)
{
    size_t total = 0, nf = 0;
    for (size_t i = 0; i < ts->n; i++)
        total += ts->lens[i];
    uint32_t *block = wd_malloc((total + 1) * sizeof *block);
    word_cps *w = wd_malloc((ts->n ? ts->n : 1) * sizeof *w);
    if (!block || !w) {
        wd_free(block);
        wd_free(w);
        return WD_ENOMEM;
    }
    uint64_t firsts[64] = { 0 };
    for (size_t i = 0, at = 0; i < ts->n; i++) {
        size_t len = 0;
        for (size_t b = 0; b < ts->lens[i];) {
            uint32_t cp;
            size_t l = wd_utf8_decode(ts->words[i] + b, ts->lens[i] - b, &cp);
            if (!l)
                break;
            block[at + len++] = cp;
            b += l;
        }
        if (len) {
            w[nf++] = (word_cps){ block[at], i, at, len };
            firsts[(block[at] >> 6) & 63] |= 1ull << (block[at] & 63);
        }
        at += len;
    }
    qsort(w, nf, sizeof *w, word_cps_cmp);
    int rc = WD_OK;
    for (size_t k = 0; rc == WD_OK && nf && k < n; k++) {
        if (!((firsts[(cps[k] >> 6) & 63] >> (cps[k] & 63)) & 1))
            continue;
        /* The first word starting with cps[k]. */
        size_t lo = 0, hi = nf;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w[mid].first < cps[k])
                lo = mid + 1;
            else
                hi = mid;
        }
        long best = -1;
        size_t best_len = 0;
        for (size_t f = lo; f < nf && w[f].first == cps[k]; f++) {
            const uint32_t *wc = block + w[f].at;
            size_t wl = w[f].len;
            if (wl <= best_len || k + wl > n || memcmp(cps + k, wc, wl * sizeof *cps) != 0)
                continue;
            if (is_alnum_cp(wc[0]) && k > 0 && is_alnum_cp(cps[k - 1]))
                continue;
            if (is_alnum_cp(wc[wl - 1]) && k + wl < n && is_alnum_cp(cps[k + wl]))
                continue;
            best = (long)w[f].word;
            best_len = wl;
        }
        if (best >= 0)
            rc = push_match(c, spans[2 * k], spans[2 * (k + best_len - 1) + 1], best);
    }
    wd_free(block);
    wd_free(w);
    return rc;
}

/* Code points that end a unit: sentence ends, clause ends, line breaks. */
static int is_unit_end(uint32_t cp)
{
    switch (cp) {
    case 0x3002: /* 。 */
    case 0xFF01: /* ！ */
    case 0xFF1F: /* ？ */
    case 0xFF1B: /* ； */
    case 0xFF0C: /* ， */
    case 0x3001: /* 、 */
    case 0xFF1A: /* ： */
    case '!':
    case '?':
    case ';':
    case ',':
    case ':':
    case '\n': return 1;
    default: return 0;
    }
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xA0 ||
           cp == 0x2022 /* • bullets of the seed pages read as spaces */;
}

/* wd_utf8_decode with its common cases in line: ASCII and the three-byte
 * characters of Chinese text (every code point of a text is decoded once or
 * twice for a snippet). */
static inline size_t decode(const char *s, size_t n, uint32_t *cp)
{
    if ((unsigned char)*s < 0x80) {
        *cp = (unsigned char)*s;
        return 1;
    }
    size_t l = wd_utf8_decode3(s, n, cp);
    return l ? l : wd_utf8_decode(s, n, cp);
}

/* Decode one code point; invalid bytes count as one code point U+FFFD. */
static size_t next_cp(const char *s, size_t n, uint32_t *cp)
{
    size_t l = decode(s, n, cp);
    if (!l) {
        *cp = 0xFFFD;
        l = 1;
    }
    return l;
}

int wd_snippet_make(wd_analyzer *an, const char *text, size_t len, const wd_termset *ts,
                    size_t target_chars, char **snippet, size_t (**highlights)[2], size_t *n_hl,
                    wd_error *err)
{
    return wd_snippet_make_norm(an, text, len, ts, target_chars, snippet, highlights, n_hl, NULL,
                                NULL, err);
}

int wd_snippet_make_norm(wd_analyzer *an, const char *text, size_t len, const wd_termset *ts,
                         size_t target_chars, char **snippet, size_t (**highlights)[2],
                         size_t *n_hl, uint32_t **pass, size_t *n_pass, wd_error *err)
{
    *snippet = NULL;
    *highlights = NULL;
    *n_hl = 0;
    if (pass) {
        *pass = NULL;
        *n_pass = 0;
    }
    char *norm = NULL;
    uint32_t *spans = NULL;
    size_t nlen = 0, nspans = 0;
    int rc = wd_normalize_spans(an, text, len, &norm, &nlen, &spans, &nspans, err);
    if (rc == WD_OK)
        rc = wd_snippet_make_from(text, len, norm, nlen, spans, nspans, ts, target_chars, snippet,
                                  highlights, n_hl, pass, n_pass, err);
    wd_free(norm);
    wd_free(spans);
    return rc;
}

/* The normalised code points of norm[0..nlen) and, 2 for each, the bytes of
 * text each came from: spans itself when given (borrowed, *own NULL), else
 * the k-th code point of text for the k-th of norm (*own, new). */
static int code_points(const char *text, size_t len, const char *norm, size_t nlen,
                       const uint32_t *spans, size_t nspans, uint32_t **cps, size_t *n,
                       const uint32_t **sp, uint32_t **own)
{
    *n = 0;
    *own = NULL;
    *sp = spans;
    if (!(*cps = wd_malloc((nlen + 1) * sizeof **cps)))
        return WD_ENOMEM;
    if (!spans && !(*own = wd_malloc(2 * (nlen + 1) * sizeof **own)))
        return WD_ENOMEM;
    uint32_t *c = *cps, *o = *own;
    size_t k = 0;
    for (size_t q = 0, p = 0; q < nlen; k++) {
        size_t l = decode(norm + q, nlen - q, &c[k]);
        if (!l)
            return WD_EINVAL;
        q += l;
        if (spans)
            continue;
        uint32_t t;
        size_t tl = norm == text ? l : p < len ? decode(text + p, len - p, &t) : 0;
        if (!tl)
            return WD_EINVAL;
        o[2 * k] = (uint32_t)p;
        o[2 * k + 1] = (uint32_t)(p + tl);
        p += tl;
    }
    if (spans && k != nspans)
        return WD_EINVAL;
    *n = k;
    if (!spans)
        *sp = o;
    return WD_OK;
}

int wd_snippet_make_from(const char *text, size_t len, const char *normtext, size_t nlen,
                         const uint32_t *spans, size_t nspans, const wd_termset *ts,
                         size_t target_chars, char **snippet, size_t (**highlights)[2],
                         size_t *n_hl, uint32_t **pass, size_t *n_pass, wd_error *err)
{
    *snippet = NULL;
    *highlights = NULL;
    *n_hl = 0;
    if (pass) {
        *pass = NULL;
        *n_pass = 0;
    }
    if (!text)
        return wd_error_set(err, WD_EINVAL, "snippet", "wd_snippet_make_from: NULL text");
    if (target_chars == 0)
        target_chars = 120;
    struct collect c = { NULL, 0, 0 };
    uint32_t *norm = NULL, *own = NULL;
    const uint32_t *nsp = NULL;
    size_t nn = 0;
    int rc = code_points(text, len, normtext, nlen, spans, nspans, &norm, &nn, &nsp, &own);
    if (rc == WD_OK)
        rc = find_matches(norm, nsp, nn, ts, &c);
    if (rc != WD_OK) {
        wd_free(c.m);
        wd_free(norm);
        wd_free(own);
        return rc == WD_ENOMEM
                   ? wd_error_set(err, rc, "snippet", "out of memory")
                   : wd_error_set(err, rc, "snippet", "the normalised text does not fit its map");
    }

    /* Units: [ustart[i], ustart[i+1]) with their code-point lengths. */
    size_t cap_start = 0, cap_cps = 0, nu = 0;
    size_t *ustart = NULL, *ucps = NULL;
    size_t *seen = NULL;
    if (WD_GROW(ustart, cap_start, 1, 64) != WD_OK || WD_GROW(ucps, cap_cps, 1, 64) != WD_OK)
        goto oom;
    ustart[0] = 0;
    ucps[0] = 0;
    nu = 1;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t l = next_cp(text + i, len - i, &cp);
        ucps[nu - 1]++;
        i += l;
        if (is_unit_end(cp) && i < len) {
            if (WD_GROW(ustart, cap_start, nu + 1, 64) != WD_OK ||
                WD_GROW(ucps, cap_cps, nu + 1, 64) != WD_OK)
                goto oom;
            ustart[nu] = i;
            ucps[nu] = 0;
            nu++;
        }
    }

    /* Slide a window of units; score = distinct words' weight + 0.1 per repeat.
     * Both ends only move forward (a window of several units fits the
     * target, so the next one starting a unit later holds the rest of it),
     * and the matches, in text order, are read from the first at or after
     * the window's start: each match is read once per window it can fall
     * in, not once per window. seen[w] = s + 1 marks word w as counted in
     * window s. */
    size_t best_s = 0, best_e = nu; /* units [best_s, best_e) */
    double best = -1.0;
    size_t nwords = ts->n ? ts->n : 1;
    seen = wd_calloc(nwords, sizeof *seen);
    if (!seen)
        goto oom;
    size_t e = 0, cps = 0, first = 0;
    for (size_t s = 0; s < nu; s++) {
        if (e <= s) {
            e = s;
            cps = 0;
        } else {
            cps -= ucps[s - 1];
        }
        while (e < nu && (cps == 0 || cps + ucps[e] <= target_chars)) {
            cps += ucps[e];
            e++;
        }
        size_t ws = ustart[s], we = e < nu ? ustart[e] : len;
        while (first < c.n && c.m[first].start < ws)
            first++;
        double score = 0;
        for (size_t k = first; k < c.n && c.m[k].start < we; k++) {
            if (c.m[k].end > we)
                continue;
            if (seen[c.m[k].word] != s + 1) {
                seen[c.m[k].word] = s + 1;
                score += ts->weights[c.m[k].word];
            } else {
                score += 0.1 * ts->weights[c.m[k].word];
            }
        }
        if (score > best + 1e-9) {
            best = score;
            best_s = s;
            best_e = e;
        }
        if (e >= nu && s > 0 && score <= 0)
            break;
    }
    size_t ws = ustart[best_s], we = best_e < nu ? ustart[best_e] : len;

    /* A single unit far longer than the target: cut it around its first match. */
    size_t wcps = 0;
    for (size_t u = best_s; u < best_e; u++)
        wcps += ucps[u];
    if (wcps > target_chars + target_chars / 3) {
        size_t first = ws;
        for (size_t k = 0; k < c.n; k++)
            if (c.m[k].start >= ws && c.m[k].end <= we) {
                first = c.m[k].start;
                break;
            }
        /* Start up to a quarter of the target before the first match. */
        size_t back = target_chars / 4, p = first;
        while (p > ws && back > 0) {
            p--;
            while (p > ws && (((unsigned char)text[p]) & 0xC0) == 0x80)
                p--;
            back--;
        }
        ws = p;
        size_t q = ws, n = 0;
        while (q < we && n < target_chars) {
            uint32_t cp;
            q += next_cp(text + q, we - q, &cp);
            n++;
        }
        we = q;
    }

    /* Copy with folded spaces, mapping each byte to a snippet code point. */
    wd_buf out = WD_BUF_INIT;
    size_t *cp_at = wd_malloc((we - ws + 1) * sizeof *cp_at);
    if (!cp_at)
        goto oom;
    size_t ncp = 0;
    if (ws > 0) {
        wd_buf_puts(&out, "…");
        ncp++;
    }
    /* Bytes copied as they are go out a run at a time: [run, i). */
    int pending_space = 0;
    size_t run = ws;
    for (size_t i = ws; i < we;) {
        uint32_t cp;
        size_t l = next_cp(text + i, we - i, &cp);
        if (is_space(cp)) {
            wd_buf_append(&out, text + run, i - run);
            run = i + l;
            pending_space = ncp > (ws > 0 ? 1u : 0u);
            for (size_t k = 0; k < l; k++)
                cp_at[i - ws + k] = ncp;
        } else {
            if (pending_space) {
                wd_buf_putc(&out, ' ');
                ncp++;
                pending_space = 0;
            }
            for (size_t k = 0; k < l; k++)
                cp_at[i - ws + k] = ncp;
            if (cp == 0xFFFD && l == 1) {
                wd_buf_append(&out, text + run, i - run);
                wd_buf_puts(&out, "\xEF\xBF\xBD");
                run = i + 1;
            }
            ncp++;
        }
        i += l;
    }
    wd_buf_append(&out, text + run, we - run);
    cp_at[we - ws] = ncp;
    if (we < len) {
        wd_buf_puts(&out, "…");
    }

    /* Highlights: matches inside the window, merged. */
    size_t(*hl)[2] = NULL;
    size_t nhl = 0;
    if (c.n) {
        hl = wd_malloc(c.n * sizeof *hl);
        if (!hl) {
            wd_free(cp_at);
            wd_buf_free(&out);
            goto oom;
        }
        for (size_t k = 0; k < c.n; k++) {
            if (c.m[k].start < ws || c.m[k].end > we)
                continue;
            size_t s = cp_at[c.m[k].start - ws], e = cp_at[c.m[k].end - ws];
            if (e <= s)
                continue;
            /* matches arrive in text order, sub-words inside their word */
            if (nhl && s <= hl[nhl - 1][1]) {
                if (e > hl[nhl - 1][1])
                    hl[nhl - 1][1] = e;
                continue;
            }
            hl[nhl][0] = s;
            hl[nhl][1] = e;
            nhl++;
        }
    }
    wd_free(cp_at);
    /* The passage's normalised characters: those whose source lies in it. */
    if (pass && !out.oom) {
        *pass = wd_malloc((nn ? nn : 1) * sizeof **pass);
        for (size_t k = 0; *pass && k < nn; k++)
            if (nsp[2 * k] >= ws && nsp[2 * k + 1] <= we)
                (*pass)[(*n_pass)++] = norm[k];
        if (!*pass)
            out.oom = 1;
    }
    if (out.oom) {
        wd_free(hl);
        wd_buf_free(&out);
        if (pass) {
            wd_free(*pass);
            *pass = NULL;
            *n_pass = 0;
        }
        goto oom;
    }
    *snippet = wd_buf_detach(&out);
    if (!*snippet) {
        wd_free(hl);
        goto oom;
    }
    *highlights = hl;
    *n_hl = nhl;
    rc = WD_OK;
    goto done;
oom:
    rc = wd_error_set(err, WD_ENOMEM, "snippet", "out of memory");
done:
    wd_free(seen);
    wd_free(ustart);
    wd_free(ucps);
    wd_free(c.m);
    wd_free(norm);
    wd_free(own);
    return rc;
}
