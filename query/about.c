/*
 * about.c - what a knowledge base is (wd_searcher_about): the title,
 * description and example questions `wenda index` kept in the index's
 * metadata, and, when it kept no examples, examples derived from the base
 * itself.
 *
 * A derived example is a question the base answers about what its
 * questions talk about most: the question-field words held by the most
 * records (stop words, numbers and single characters left out) are taken
 * in that order, each is asked as a question, and the best record's
 * question (if short enough to read at a glance) becomes an example. So a
 * law base shows law questions and an insurance base insurance questions,
 * with nothing written into the page.
 */
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "searcher.h"
#include "wenda/buf.h"

/* Words considered, the most widely held first. */
#define TOP_WORDS 12
/* An example longer than this (code points) is passed over. */
#define EXAMPLE_MAX_CHARS 32

typedef struct top_word {
    char *word;
    uint32_t df;
} top_word;

typedef struct top_ctx {
    const wd_dict *dict;
    top_word top[TOP_WORDS];
    size_t n;
    int oom;
} top_ctx;

/* A word worth asking about: two or more characters, none of them ASCII
 * (numbers, Latin fragments), not a stop word. */
static int askable(const wd_dict *dict, const char *w, size_t len)
{
    size_t cps = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x80)
            return 0;
        cps += (c & 0xC0) != 0x80;
    }
    return cps >= 2 && !wd_dict_is_stopword(dict, w, len);
}

static int top_term(void *vctx, const char *term, size_t len, uint32_t termfreq)
{
    top_ctx *c = vctx;
    const char *w = term + 1; /* past WD_PREFIX_QUESTION */
    size_t wl = len - 1;
    if (len < 2 || !askable(c->dict, w, wl))
        return 0;
    if (c->n == TOP_WORDS && c->top[TOP_WORDS - 1].df >= termfreq)
        return 0;
    size_t at = c->n < TOP_WORDS ? c->n++ : TOP_WORDS - 1;
    wd_free(c->top[at].word);
    if (!(c->top[at].word = wd_strndup(w, wl))) {
        c->oom = 1;
        return WD_ENOMEM;
    }
    c->top[at].df = termfreq;
    /* Keep the list sorted by df, most first (ties: the earlier term). */
    while (at > 0 && c->top[at - 1].df < c->top[at].df) {
        top_word t = c->top[at - 1];
        c->top[at - 1] = c->top[at];
        c->top[at] = t;
        at--;
    }
    return 0;
}

static size_t code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int has_example(const wd_index_about *a, const char *q)
{
    for (size_t i = 0; i < a->n_examples; i++)
        if (strcmp(a->examples[i], q) == 0)
            return 1;
    return 0;
}

static int add_example(wd_index_about *a, const char *q, size_t len)
{
    char **e = wd_realloc(a->examples, (a->n_examples + 1) * sizeof *e);
    if (!e)
        return WD_ENOMEM;
    a->examples = e;
    if (!(e[a->n_examples] = wd_strndup(q, len)))
        return WD_ENOMEM;
    a->n_examples++;
    return WD_OK;
}

static int derive_examples(wd_searcher *s, wd_index_about *out, wd_error *err)
{
    top_ctx c = { .dict = s->dict };
    int rc = xc_db_allterms(s->db, WD_PREFIX_QUESTION, top_term, &c, err);
    if (c.oom)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    for (size_t i = 0; rc == WD_OK && i < c.n && out->n_examples < WD_ABOUT_EXAMPLES; i++) {
        wd_search_opts o = WD_SEARCH_OPTS_INIT;
        o.n = 5;
        o.snippets = 1;
        wd_results *r = NULL;
        rc = wd_search(s, c.top[i].word, strlen(c.top[i].word), &o, &r, err);
        for (size_t k = 0; rc == WD_OK && k < r->n_hits; k++) {
            const wd_hit *h = &r->hits[k];
            if (h->kind != WD_KIND_QA || code_points(h->question) > EXAMPLE_MAX_CHARS ||
                has_example(out, h->question))
                continue;
            if (add_example(out, h->question, strlen(h->question)) != WD_OK)
                rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
            break;
        }
        wd_results_free(r);
    }
    for (size_t i = 0; i < c.n; i++)
        wd_free(c.top[i].word);
    out->derived = 1;
    return rc;
}

/* The examples kept at index time: one a line, blank lines skipped. */
static int split_examples(wd_index_about *out, const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        size_t m = n;
        while (m && (p[m - 1] == '\r' || p[m - 1] == ' ' || p[m - 1] == '\t'))
            m--;
        if (m && add_example(out, p, m) != WD_OK)
            return WD_ENOMEM;
        p += n;
        if (*p)
            p++;
    }
    return WD_OK;
}

int wd_searcher_about(wd_searcher *s, wd_index_about *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    char *examples = NULL;
    int rc = xc_db_get_metadata(s->db, WD_META_TITLE, &out->title, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_DESCRIPTION, &out->description, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_FIELDS, &out->fields, err);
    if (rc == WD_OK)
        rc = xc_db_get_metadata(s->db, WD_META_EXAMPLES, &examples, err);
    if (rc == WD_OK && split_examples(out, examples) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    wd_free(examples);
    if (rc == WD_OK && out->n_examples == 0)
        rc = derive_examples(s, out, err);
    if (rc != WD_OK)
        wd_index_about_clear(out);
    return rc;
}

void wd_index_about_clear(wd_index_about *about)
{
    if (!about)
        return;
    wd_free(about->title);
    wd_free(about->description);
    wd_free(about->fields);
    for (size_t i = 0; i < about->n_examples; i++)
        wd_free(about->examples[i]);
    wd_free(about->examples);
    memset(about, 0, sizeof *about);
}
