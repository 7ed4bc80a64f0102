/*
 * segment.c - segmentation F1 of the analyzer (query mode) against gold
 * segmentations, the SIGHAN 2005 way: a word is a [start, end) span of
 * character offsets, and a predicted word is correct when the gold has a
 * word with exactly that span.
 *
 * Offsets count the code points of the sentence with all whitespace removed
 * (ASCII blanks, U+00A0, U+3000, U+FEFF and the other Unicode spaces), so
 * the gold file's separators and any blanks in the raw text do not matter.
 * The raw text is checked against the gold words joined: a sentence where
 * they differ is skipped and counted.
 *
 * Punctuation: the analyzer never emits punctuation or symbols, so gold
 * words made only of punctuation or symbol characters (the table in
 * is_punct_or_symbol: ASCII and Latin-1 punctuation and symbols, General
 * Punctuation, currency, arrows, mathematical and technical symbols, box
 * drawing, shapes, dingbats, CJK Symbols and Punctuation except its letters
 * and numerals (々 〆 〇 and the Hangzhou numerals), CJK compatibility,
 * small and full-width forms, emoji) are left out of the gold list. Every
 * analyzer token is a predicted word. Both rules are the same for every
 * system. A gold word that mixes punctuation with letters or digits (PKU's
 * "１７％") stays, and the analyzer, which drops the "％", misses it.
 *
 * OOV recall is the recall over gold words that are not in the set's
 * training vocabulary (SIGHAN's *_training_words.utf8; the words of the
 * AMTTL training split). Those vocabularies are used only to classify gold
 * words here, never as a lexicon.
 */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "grow.h"
#include "metrics.h"
#include "strmap.h"
#include "wenda/buf.h"

enum { TEXT_PLAIN = 0, TEXT_BMES = 1 };
enum { VOCAB_WORDLIST = 0, VOCAB_SEGMENTED = 1 };

static const struct seg_source {
    const char *name;
    const char *about;
    const char *text;
    int text_format;
    const char *gold;
    const char *vocab;
    int vocab_format;
} sources[WD_EVAL_NSEGSETS] = {
    { "pku", "SIGHAN 2005 PKU test (news)", "sighan2005-icwb2/testing/pku_test.utf8", TEXT_PLAIN,
      "sighan2005-icwb2/gold/pku_test_gold.utf8", "sighan2005-icwb2/gold/pku_training_words.utf8",
      VOCAB_WORDLIST },
    { "msr", "SIGHAN 2005 MSR test (news)", "sighan2005-icwb2/testing/msr_test.utf8", TEXT_PLAIN,
      "sighan2005-icwb2/gold/msr_test_gold.utf8", "sighan2005-icwb2/gold/msr_training_words.utf8",
      VOCAB_WORDLIST },
    { "medical", "AMTTL medical forum test (patient questions)",
      "amttl-medical-forum-cws/forum_test.txt", TEXT_BMES,
      "amttl-medical-forum-cws/forum_test.seg.txt", "amttl-medical-forum-cws/forum_train.seg.txt",
      VOCAB_SEGMENTED },
};

/* ---- characters ------------------------------------------------------------------- */

static int is_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static int is_punct_or_symbol(uint32_t c)
{
    if (c < 0x80)
        return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
               (c >= 0x7B && c <= 0x7E);
    if (c <= 0xFF)
        return (c >= 0xA1 && c <= 0xA9) || (c >= 0xAB && c <= 0xB1) || c == 0xB4 ||
               (c >= 0xB6 && c <= 0xB8) || c == 0xBB || c == 0xBF || c == 0xD7 || c == 0xF7;
    if (c >= 0x2010 && c <= 0x2027)
        return 1; /* dashes, quotes, bullets, ellipsis */
    if (c >= 0x2030 && c <= 0x205E)
        return 1; /* per mille, primes, ... */
    if (c >= 0x20A0 && c <= 0x20CF)
        return 1; /* currency */
    if (c == 0x2100 || c == 0x2101 || c == 0x2103 || c == 0x2105 || c == 0x2109 || c == 0x2116 ||
        c == 0x2117 || c == 0x2121 || c == 0x2122)
        return 1; /* ℃ ℉ № ™ and friends */
    if (c >= 0x2190 && c <= 0x245F)
        return 1; /* arrows, mathematical operators, technical, control pictures, OCR */
    if (c >= 0x2500 && c <= 0x2775)
        return 1; /* box drawing, blocks, shapes, symbols, dingbats */
    if (c >= 0x2794 && c <= 0x2BFF)
        return 1;
    if (c >= 0x3001 && c <= 0x303F)
        return !(c >= 0x3005 && c <= 0x3007) && !(c >= 0x3021 && c <= 0x3029) &&
               !(c >= 0x3031 && c <= 0x3035) && !(c >= 0x3038 && c <= 0x303C);
    if ((c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6B))
        return 1;
    if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
        (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
        (c >= 0xFFE0 && c <= 0xFFEE))
        return 1;
    if (c >= 0x1F000 && c <= 0x1FAFF)
        return 1; /* emoji and other pictographs */
    return 0;
}

/* Decode one code point; an invalid byte counts as one character. */
static size_t next_cp(const char *s, size_t n, uint32_t *cp)
{
    size_t l = wd_utf8_decode(s, n, cp);
    if (l == 0) {
        *cp = 0xFFFD;
        l = 1;
    }
    return l;
}

/* ---- files --------------------------------------------------------------------------- */

static int slurp(const char *path, wd_buf *b, wd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return wd_error_set(err, WD_EIO, "eval", "%s: cannot open", path);
    int rc = wd_buf_read_stream(b, f);
    fclose(f);
    if (rc == WD_EIO)
        return wd_error_set(err, WD_EIO, "eval", "%s: read error", path);
    return rc == WD_OK ? WD_OK : wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
}

/* Lines of a buffer, CR and LF stripped, NUL-terminated in place. */
typedef struct lines {
    char **l;
    size_t n, cap;
} lines;

static int lines_split(lines *ls, char *data, size_t len)
{
    char *s = data, *end = data + len;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (s < end) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        char *e = nl ? nl : end;
        char *next = nl ? nl + 1 : end;
        if (e > s && e[-1] == '\r')
            e--;
        *e = '\0';
        if (WD_GROW(ls->l, ls->cap, ls->n + 1, 1024) != WD_OK)
            return WD_ENOMEM;
        ls->l[ls->n++] = s;
        s = next;
    }
    return WD_OK;
}

/* BMES files (one "char<TAB>tag" a line, blank lines between sentences):
 * rebuild each sentence's text in `text`, one sentence a line. */
static int bmes_text(const lines *in, wd_buf *text)
{
    int open = 0;
    for (size_t i = 0; i < in->n; i++) {
        const char *l = in->l[i];
        size_t n = strcspn(l, "\t");
        int blank = 1;
        for (size_t k = 0; l[k]; k++)
            if (l[k] != ' ' && l[k] != '\t')
                blank = 0;
        if (blank) {
            if (open)
                wd_buf_putc(text, '\n');
            open = 0;
            continue;
        }
        wd_buf_append(text, l, n);
        open = 1;
    }
    if (open)
        wd_buf_putc(text, '\n');
    return text->oom ? WD_ENOMEM : WD_OK;
}

/* ---- the vocabulary (for OOV recall only) ---------------------------------------------------- */

/* Every whitespace-separated word of every line, into a set of words (a
 * string map with no values). */
static int vocab_load(wd_strmap *v, const lines *ls)
{
    for (size_t i = 0; i < ls->n; i++) {
        const char *s = ls->l[i];
        size_t n = strlen(s);
        for (size_t p = 0; p < n;) {
            uint32_t cp;
            size_t l = next_cp(s + p, n - p, &cp);
            if (is_space(cp)) {
                p += l;
                continue;
            }
            size_t start = p;
            while (p < n) {
                l = next_cp(s + p, n - p, &cp);
                if (is_space(cp))
                    break;
                p += l;
            }
            if (!wd_strmap_put(v, s + start, p - start, NULL))
                return WD_ENOMEM;
        }
    }
    return WD_OK;
}

/* ---- one sentence ------------------------------------------------------------------------ */

typedef struct spans {
    wd_span *s;
    unsigned char *oov; /* gold only */
    size_t n, cap;
} spans;

/* s and oov (gold only) share cap (parallel arrays, see grow.h). */
static int spans_push(spans *sp, size_t start, size_t end, int with_oov, int oov)
{
    size_t cap = sp->cap, cap_oov = sp->cap;
    if (WD_GROW(sp->s, cap, sp->n + 1, 64) != WD_OK ||
        (with_oov && WD_GROW(sp->oov, cap_oov, sp->n + 1, 64) != WD_OK))
        return WD_ENOMEM;
    sp->cap = cap;
    sp->s[sp->n] = (wd_span){ start, end };
    if (with_oov)
        sp->oov[sp->n] = (unsigned char)oov;
    sp->n++;
    return WD_OK;
}

static void spans_free(spans *sp)
{
    wd_free(sp->s);
    wd_free(sp->oov);
    memset(sp, 0, sizeof *sp);
}

typedef struct sentence {
    wd_buf gold_chars; /* the gold words joined, no whitespace */
    wd_buf text_chars; /* the raw text without whitespace */
    spans gold;
    spans pred;
    size_t *char_at; /* byte offset in text -> characters (non-space) before it */
    size_t char_cap;
    unsigned char *matched;
    size_t matched_cap;
    size_t punct;
} sentence;

/* Gold words -> spans (punctuation-only words left out, counted). */
static int gold_spans(sentence *st, const char *line, const wd_strmap *v)
{
    size_t n = strlen(line), chars = 0;
    st->gold.n = 0;
    st->punct = 0;
    wd_buf_reset(&st->gold_chars);
    for (size_t p = 0; p < n;) {
        uint32_t cp;
        size_t l = next_cp(line + p, n - p, &cp);
        if (is_space(cp)) {
            p += l;
            continue;
        }
        size_t start = p, first = chars;
        int punct = 1;
        while (p < n) {
            l = next_cp(line + p, n - p, &cp);
            if (is_space(cp))
                break;
            if (!is_punct_or_symbol(cp))
                punct = 0;
            wd_buf_append(&st->gold_chars, line + p, l);
            chars++;
            p += l;
        }
        if (punct) {
            st->punct++;
            continue;
        }
        int oov = v->n && !wd_strmap_get(v, line + start, p - start);
        if (spans_push(&st->gold, first, chars, 1, oov) != WD_OK)
            return WD_ENOMEM;
    }
    return st->gold_chars.oom ? WD_ENOMEM : WD_OK;
}

/* The byte -> character map of the raw text, and the text without spaces. */
static int text_map(sentence *st, const char *text, size_t n)
{
    if (WD_GROW(st->char_at, st->char_cap, n + 1, 1) != WD_OK)
        return WD_ENOMEM;
    wd_buf_reset(&st->text_chars);
    size_t chars = 0;
    for (size_t p = 0; p < n;) {
        uint32_t cp;
        size_t l = next_cp(text + p, n - p, &cp);
        for (size_t k = 0; k < l; k++)
            st->char_at[p + k] = chars;
        if (!is_space(cp)) {
            wd_buf_append(&st->text_chars, text + p, l);
            chars++;
        }
        p += l;
    }
    st->char_at[n] = chars;
    return st->text_chars.oom ? WD_ENOMEM : WD_OK;
}

struct tok_ctx {
    sentence *st;
    size_t len;
};

static int on_token(void *vctx, const wd_token *t)
{
    struct tok_ctx *c = vctx;
    if (t->flags & WD_TOKEN_SUBWORD)
        return 0; /* query mode has none; a sub-word is not a segmentation */
    if (t->start >= t->end || t->end > c->len)
        return 0;
    size_t s = c->st->char_at[t->start], e = c->st->char_at[t->end];
    if (s >= e)
        return 0;
    return spans_push(&c->st->pred, s, e, 0, 0);
}

static int span_order(const void *a, const void *b)
{
    const wd_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* ---- one set ----------------------------------------------------------------------------- */

static int run_set(ev_ctx *c, const struct seg_source *src, wd_analyzer *const *an,
                   wd_eval_seg_set *out, wd_error *err)
{
    char *tpath = ev_path(c->o->data_dir, src->text);
    char *gpath = ev_path(c->o->data_dir, src->gold);
    char *vpath = ev_path(c->o->data_dir, src->vocab);
    wd_buf tbuf = WD_BUF_INIT, gbuf = WD_BUF_INIT, vbuf = WD_BUF_INIT, bmes = WD_BUF_INIT;
    lines tl = { 0 }, gl = { 0 }, vl = { 0 }, raw = { 0 };
    wd_strmap v = WD_STRMAP_INIT(0);
    sentence st;
    memset(&st, 0, sizeof st);
    int rc = WD_OK;
    snprintf(out->name, sizeof out->name, "%s", src->name);
    snprintf(out->about, sizeof out->about, "%s", src->about);
    if (!tpath || !gpath || !vpath) {
        rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        goto done;
    }
    if (!ev_exists(tpath) || !ev_exists(gpath)) {
        snprintf(out->note, sizeof out->note, "missing: %s", ev_exists(tpath) ? gpath : tpath);
        ev_note(c, "segmentation: %s skipped (%s)", src->name, out->note);
        goto done;
    }
    rc = slurp(tpath, &tbuf, err);
    if (rc == WD_OK)
        rc = slurp(gpath, &gbuf, err);
    if (rc != WD_OK)
        goto done;
    if (src->text_format == TEXT_BMES) {
        if (lines_split(&raw, tbuf.data, tbuf.len) != WD_OK || bmes_text(&raw, &bmes) != WD_OK ||
            lines_split(&tl, bmes.data ? bmes.data : (char *)"", bmes.len) != WD_OK) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            goto done;
        }
    } else if (lines_split(&tl, tbuf.data, tbuf.len) != WD_OK) {
        rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        goto done;
    }
    if (lines_split(&gl, gbuf.data, gbuf.len) != WD_OK) {
        rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        goto done;
    }
    if (ev_exists(vpath)) {
        rc = slurp(vpath, &vbuf, err);
        if (rc == WD_OK &&
            (lines_split(&vl, vbuf.data, vbuf.len) != WD_OK || vocab_load(&v, &vl) != WD_OK))
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        if (rc != WD_OK)
            goto done;
        out->have_oov = 1;
    }
    /* Trailing empty lines on either side do not pair up. */
    while (tl.n && !tl.l[tl.n - 1][0])
        tl.n--;
    while (gl.n && !gl.l[gl.n - 1][0])
        gl.n--;
    if (tl.n != gl.n)
        ev_note(c, "segmentation: %s: %zu text lines but %zu gold lines; scoring the first %zu",
                src->name, tl.n, gl.n, tl.n < gl.n ? tl.n : gl.n);
    size_t n = tl.n < gl.n ? tl.n : gl.n;
    ev_note(c, "segmentation: %s (%zu sentences)", src->name, n);
    for (size_t i = 0; rc == WD_OK && i < n; i++) {
        const char *text = tl.l[i];
        size_t len = strlen(text);
        if (gold_spans(&st, gl.l[i], &v) != WD_OK || text_map(&st, text, len) != WD_OK) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        if (st.gold_chars.len != st.text_chars.len ||
            (st.gold_chars.len &&
             memcmp(st.gold_chars.data, st.text_chars.data, st.gold_chars.len) != 0)) {
            out->mismatched++;
            continue;
        }
        if (st.gold_chars.len == 0)
            continue; /* blank on both sides */
        out->sentences++;
        out->gold_words += st.gold.n;
        out->punct_words += st.punct;
        for (size_t g = 0; g < st.gold.n; g++)
            out->oov_words += st.gold.oov[g];
        if (WD_GROW(st.matched, st.matched_cap, st.gold.n, 1) != WD_OK) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        for (int s = 0; rc == WD_OK && s < WD_EVAL_NSEGSYS; s++) {
            double t0 = ev_now_ms();
            st.pred.n = 0;
            struct tok_ctx tc = { &st, len };
            rc = wd_analyze(an[s], WD_ANALYZE_QUERY, text, len, on_token, &tc, err);
            if (rc == WD_ENOMEM)
                wd_error_set(err, rc, "eval", "out of memory");
            if (rc != WD_OK)
                break;
            for (size_t k = 1; k < st.pred.n; k++)
                if (span_order(&st.pred.s[k - 1], &st.pred.s[k]) > 0) {
                    qsort(st.pred.s, st.pred.n, sizeof *st.pred.s, span_order);
                    break;
                }
            wd_eval_seg_scores *sc = &out->sys[s];
            sc->predicted += st.pred.n;
            sc->correct +=
                wd_metric_span_matches(st.gold.s, st.gold.n, st.pred.s, st.pred.n, st.matched);
            for (size_t g = 0; g < st.gold.n; g++)
                sc->oov_correct += st.matched[g] && st.gold.oov[g];
            sc->seconds += (ev_now_ms() - t0) / 1e3;
        }
    }
    if (rc == WD_OK) {
        if (out->mismatched)
            ev_note(c, "segmentation: %s: %zu sentences skipped: text and gold differ", src->name,
                    out->mismatched);
        for (int s = 0; s < WD_EVAL_NSEGSYS; s++) {
            wd_eval_seg_scores *sc = &out->sys[s];
            wd_prf p = wd_metric_prf(sc->correct, sc->predicted, out->gold_words);
            sc->precision = p.precision;
            sc->recall = p.recall;
            sc->f1 = p.f1;
            sc->oov_recall =
                out->oov_words ? (double)sc->oov_correct / (double)out->oov_words : 0.0;
        }
        out->ran = 1;
    }
done:
    wd_free(st.char_at);
    wd_free(st.matched);
    wd_buf_free(&st.gold_chars);
    wd_buf_free(&st.text_chars);
    spans_free(&st.gold);
    spans_free(&st.pred);
    wd_strmap_clear(&v);
    wd_free(tl.l);
    wd_free(gl.l);
    wd_free(vl.l);
    wd_free(raw.l);
    wd_buf_free(&tbuf);
    wd_buf_free(&gbuf);
    wd_buf_free(&vbuf);
    wd_buf_free(&bmes);
    wd_free(tpath);
    wd_free(gpath);
    wd_free(vpath);
    return rc;
}

int ev_run_segmentation(ev_ctx *c, wd_eval_segmentation *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    wd_analyzer *an[WD_EVAL_NSEGSYS] = { NULL, NULL };
    int rc = wd_analyzer_new(&an[WD_EVAL_SYS_WENDA], c->dict, err);
    if (rc == WD_OK)
        rc = wd_analyzer_new(&an[WD_EVAL_SYS_ICU], c->dict, err);
    if (rc == WD_OK)
        wd_analyzer_set_dictionary_layer(an[WD_EVAL_SYS_ICU], 0);
    for (int i = 0; rc == WD_OK && i < WD_EVAL_NSEGSETS; i++) {
        rc = run_set(c, &sources[i], an, &out->set[i], err);
        if (out->set[i].ran)
            out->ran = 1;
    }
    if (rc == WD_OK && !out->ran) {
        snprintf(out->note, sizeof out->note, "no segmentation data under %s", c->o->data_dir);
        ev_note(c, "segmentation: skipped (%s)", out->note);
    }
    wd_analyzer_free(an[0]);
    wd_analyzer_free(an[1]);
    return rc;
}
