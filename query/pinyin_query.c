/*
 * pinyin_query.c - a question typed in pinyin read as the Chinese it spells
 * (pinyin_query.h).
 *
 * Only letters that read as tone-less pinyin count (whole syllables, or
 * initials only: wd_pinyin_is_pinyin), so an English word is left alone.
 * The letters and Chinese characters of the question, spaces and
 * punctuation left out, are matched against every stored question; each
 * question votes for the stretch it matched, and the reading is the stretch
 * with the most votes, a word of general Chinese (wd_dict_general_logp
 * knows it) counting NONWORD_ODDS times a fragment of one (a tie goes to
 * the first in index order). When the question
 * as a whole spells nothing, each run of letters is read alone and the
 * Chinese around it kept.
 */
#include "pinyin_query.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "grow.h"
#include "searcher.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"
#include "wenda/pinyin.h"

#define PYQ_BUDGET 4096 /* matcher steps per question and start */
#define PYQ_MAX_TYPED 64
#define NONWORD_ODDS 100 /* a general-Chinese word's vote against a fragment's */

typedef struct wd_pyq {
    wd_pinyin *py;
    char **norm;          /* per question: normalised text */
    wd_pinyin_text *text; /* per question: its sounds, one position a code point of norm */
    size_t n, cap_norm, cap_text;
    wd_analyzer *an; /* while building */
    wd_error *err;   /* likewise */
} wd_pyq;

struct wd_sounds {
    pthread_mutex_t build; /* held while the table is made */
    pthread_mutex_t read;  /* held while py looks readings up (it caches them) */
    wd_pyq *table;         /* NULL until the first pinyin question */
    atomic_int refs;
};

static void pyq_free(wd_pyq *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        wd_free(t->norm[i]);
        wd_pinyin_text_free(&t->text[i]);
    }
    wd_free(t->norm);
    wd_free(t->text);
    wd_pinyin_free(t->py);
    wd_free(t);
}

static int add_question(void *ctx, const wd_record *rec)
{
    wd_pyq *t = ctx;
    if (!rec)
        return 0;
    if (WD_GROW(t->norm, t->cap_norm, t->n + 1, 256) != WD_OK ||
        WD_GROW(t->text, t->cap_text, t->n + 1, 256) != WD_OK)
        return WD_ENOMEM;
    char *norm = NULL;
    size_t len = 0;
    int rc = wd_normalize(t->an, rec->question, strlen(rec->question), &norm, &len, t->err);
    if (rc != WD_OK)
        return rc;
    if (wd_pinyin_text_set(&t->text[t->n], t->py, norm, len, NULL, 0) != WD_OK) {
        wd_free(norm);
        return WD_ENOMEM;
    }
    t->norm[t->n++] = norm;
    return 0;
}

static int table_build(wd_pyq **out, xc_db *db, wd_analyzer *an, wd_error *err)
{
    wd_pyq *t = wd_calloc(1, sizeof *t);
    if (!t)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    t->an = an;
    t->err = err;
    int rc = wd_pinyin_new(&t->py, err);
    if (rc == WD_OK)
        rc = wd_db_each_record(db, add_question, t, err);
    if (rc == WD_ENOMEM)
        wd_error_set(err, rc, "search", "out of memory");
    if (rc != WD_OK) {
        pyq_free(t);
        return rc;
    }
    t->an = NULL;
    t->err = NULL;
    *out = t;
    return WD_OK;
}

/* Bytes of code points [start, end) of s. */
static void span_of(const char *s, size_t start, size_t end, size_t *b0, size_t *b1)
{
    size_t cp = 0, off = 0, n = strlen(s);
    *b0 = *b1 = n;
    while (off <= n) {
        if (cp == start)
            *b0 = off;
        if (cp == end) {
            *b1 = off;
            return;
        }
        if (off == n)
            return;
        uint32_t c;
        size_t l = wd_utf8_decode(s + off, n - off, &c);
        off += l ? l : 1;
        cp++;
    }
}

typedef struct vote {
    char *text;
    size_t count;
} vote;

/* The stretch of stored question that typed[0..len) (letters and Han
 * characters) matches most often, appended to out; 0 when none. */
static int read_as(wd_sounds *snd, const wd_dict *dict, const char *typed, size_t len, wd_buf *out)
{
    wd_pyq *t = snd->table;
    wd_pinyin_text tt;
    pthread_mutex_lock(&snd->read);
    int rc = wd_pinyin_text_set(&tt, t->py, typed, len, NULL, 0);
    pthread_mutex_unlock(&snd->read);
    if (rc != WD_OK) {
        out->oom = 1;
        return 0;
    }
    vote *votes = NULL;
    size_t nv = 0, cap = 0, best = 0;
    for (size_t qi = 0; qi < t->n && !out->oom; qi++) {
        size_t start, end, b0, b1;
        if (!wd_pinyin_find(&t->text[qi], &tt, 0, PYQ_BUDGET, &start, &end))
            continue;
        span_of(t->norm[qi], start, end, &b0, &b1);
        size_t k = 0;
        while (k < nv && !(strlen(votes[k].text) == b1 - b0 &&
                           memcmp(votes[k].text, t->norm[qi] + b0, b1 - b0) == 0))
            k++;
        if (k == nv) {
            char *s = wd_strndup(t->norm[qi] + b0, b1 - b0);
            if (!s || WD_GROW(votes, cap, nv + 1, 16) != WD_OK) {
                wd_free(s);
                out->oom = 1;
                break;
            }
            votes[nv++] = (vote){ s, 0 };
        }
        votes[k].count++;
    }
    /* Most voted, where a stretch that is a word of general Chinese counts
     * NONWORD_ODDS times one that is not: so 刑法 rather than the 性法 of every
     * 地方性法规 of a law base, while among words (异地, 一定) or among phrases
     * (医保报销, 友邦保险) the base's own votes decide. */
    double floor = wd_dict_general_logp(dict, "", 0), top = -1;
    for (size_t k = 0; k < nv; k++) {
        const char *w = votes[k].text;
        int word = wd_dict_general_logp(dict, w, strlen(w)) > floor + 1e-9;
        double v = (double)votes[k].count * (word ? NONWORD_ODDS : 1);
        if (v > top) {
            top = v;
            best = k;
        }
    }
    int found = nv > 0 && !out->oom;
    if (found)
        wd_buf_puts(out, votes[best].text);
    for (size_t k = 0; k < nv; k++)
        wd_free(votes[k].text);
    wd_free(votes);
    wd_pinyin_text_free(&tt);
    return found;
}

static int is_letter(uint32_t c)
{
    return c >= 'a' && c <= 'z';
}

/* 1 when the text as typed holds a Latin letter, ASCII or full-width (Ａ-Ｚ,
 * ａ-ｚ: UTF-8 EF BC A1-BA, EF BD 81-9A), the only text that can read as
 * pinyin: every other question leaves without being normalised again. */
static int has_letter(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            return 1;
        if (c == 0xEF && i + 2 < n) {
            unsigned char b = (unsigned char)s[i + 1], d = (unsigned char)s[i + 2];
            if ((b == 0xBC && d >= 0xA1 && d <= 0xBA) || (b == 0xBD && d >= 0x81 && d <= 0x9A))
                return 1;
        }
    }
    return 0;
}

int wd_sounds_new(wd_sounds **out, wd_error *err)
{
    wd_sounds *snd = wd_calloc(1, sizeof *snd);
    if (!snd)
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    pthread_mutex_init(&snd->build, NULL);
    pthread_mutex_init(&snd->read, NULL);
    atomic_init(&snd->refs, 1);
    *out = snd;
    return WD_OK;
}

size_t wd_sounds_questions(wd_sounds *snd)
{
    pthread_mutex_lock(&snd->build);
    size_t n = snd->table ? snd->table->n : 0;
    pthread_mutex_unlock(&snd->build);
    return n;
}

void wd_sounds_release(wd_sounds *snd)
{
    if (!snd || atomic_fetch_sub(&snd->refs, 1) != 1)
        return;
    pyq_free(snd->table);
    pthread_mutex_destroy(&snd->build);
    pthread_mutex_destroy(&snd->read);
    wd_free(snd);
}

void wd_searcher_share_sounds(wd_searcher *s, wd_sounds *shared)
{
    if (!shared || shared == s->sounds)
        return;
    atomic_fetch_add(&shared->refs, 1);
    wd_sounds_release(s->sounds);
    s->sounds = shared;
}

/* The holder's table, made from db by the first caller (the others wait
 * for it). */
static int table_of(wd_sounds *snd, xc_db *db, wd_analyzer *an, wd_error *err)
{
    pthread_mutex_lock(&snd->build);
    int rc = snd->table ? WD_OK : table_build(&snd->table, db, an, err);
    pthread_mutex_unlock(&snd->build);
    return rc;
}

int wd_pinyin_query_read(wd_sounds *snd, xc_db *db, wd_analyzer *an, const wd_dict *dict,
                         const char *question, size_t len, char **out, wd_error *err)
{
    *out = NULL;
    if (!has_letter(question, len))
        return WD_OK;
    char *norm = NULL;
    size_t nlen = 0;
    int rc = wd_normalize(an, question, len, &norm, &nlen, err);
    if (rc != WD_OK)
        return rc;
    /* Every run of letters must read as pinyin, and there must be one. A
     * letter alone is a name or an abbreviation (A股, B超, X光, 哆啦A保),
     * not pinyin, as in the suggestions. */
    int runs = 0, ok = 1;
    size_t cps = 0;
    for (size_t i = 0; i < nlen && ok;) {
        if (!is_letter((unsigned char)norm[i])) {
            cps += (((unsigned char)norm[i]) & 0xC0) != 0x80;
            i++;
            continue;
        }
        size_t j = i;
        while (j < nlen && is_letter((unsigned char)norm[j]))
            j++;
        ok = j - i >= 2 && wd_pinyin_is_pinyin(norm + i, j - i);
        runs++;
        cps += j - i;
        i = j;
    }
    if (!ok || !runs || cps > PYQ_MAX_TYPED) {
        wd_free(norm);
        return WD_OK;
    }
    if ((rc = table_of(snd, db, an, err)) != WD_OK) {
        wd_free(norm);
        return rc;
    }
    wd_pyq *t = snd->table;
    /* The question's letters and Han characters, the rest left out. */
    wd_buf typed = WD_BUF_INIT, res = WD_BUF_INIT;
    pthread_mutex_lock(&snd->read);
    for (size_t i = 0; i < nlen;) {
        uint32_t c;
        size_t l = wd_utf8_decode(norm + i, nlen - i, &c);
        l = l ? l : 1;
        if (is_letter(c) || (c >= 0x80 && wd_pinyin_readings(t->py, c)))
            wd_buf_append(&typed, norm + i, l);
        i += l;
    }
    pthread_mutex_unlock(&snd->read);
    int found = typed.len > 0 && read_as(snd, dict, typed.data, typed.len, &res);
    if (!found && !res.oom && runs > 1) {
        /* Each run of letters alone, the rest kept as typed. */
        wd_buf_reset(&res);
        for (size_t i = 0; i < nlen && !res.oom;) {
            if (!is_letter((unsigned char)norm[i])) {
                wd_buf_putc(&res, norm[i++]);
                continue;
            }
            size_t j = i;
            while (j < nlen && is_letter((unsigned char)norm[j]))
                j++;
            if (read_as(snd, dict, norm + i, j - i, &res))
                found = 1;
            else
                wd_buf_append(&res, norm + i, j - i);
            i = j;
        }
    }
    wd_free(norm);
    wd_buf_free(&typed);
    if (res.oom) {
        wd_buf_free(&res);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    if (found && res.len)
        *out = wd_buf_detach(&res);
    else
        wd_buf_free(&res);
    return WD_OK;
}
