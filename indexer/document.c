/*
 * document.c - records -> analysed terms -> Xapian documents.
 *
 * Each record becomes one document (common/schema.h): the question analysed
 * into "S"-prefixed terms, the answer into unprefixed terms (index mode, so
 * sub-words of long words are terms too, at the word's position where
 * positions are kept), neither with positions (no query reads them; the
 * answer's only with wd_build_opts.answer_positions), boolean terms for kind and
 * source, the question's CJK character unigrams and bigrams ("XB", no
 * positions), the id as unique term and value, the question's analysis as
 * the searcher's re-ranking reads it (query/analysis.h's stored form, made
 * in the same pass of the analyzer as its postings), and the record itself
 * as its stored form (wenda/record.h) for display. Building touches no
 * database: it runs on whichever thread has the builder, and the database
 * writer adds the result.
 */
#include "document.h"

#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "wenda/bigram.h"

int wd_builder_init(wd_builder *b, const wd_build_opts *opts, wd_error *err)
{
    memset(b, 0, sizeof *b);
    b->answer_positions = opts->answer_positions;
    b->id_verbatim = opts->id_verbatim;
    int rc = wd_analyzer_new(&b->an, opts->dict, err);
    if (rc == WD_OK)
        wd_analyzer_set_dictionary_layer(b->an, opts->dictionary_layer);
    if (rc == WD_OK)
        b->stamp = wd_qtext_stamp(wd_dict_version(opts->dict), opts->dictionary_layer);
    return rc;
}

void wd_builder_clear(wd_builder *b)
{
    wd_analyzer_free(b->an);
    wd_buf_free(&b->term);
    wd_buf_free(&b->record);
    wd_buf_free(&b->stored);
    wd_buf_free(&b->words);
    memset(b, 0, sizeof *b);
}

struct posting_ctx {
    xc_doc *doc;
    const char *prefix;
    size_t plen;
    wd_buf *term;
    wd_error *err;
    wd_bigrams *bg; /* question field: also its CJK bigrams (schema.h) */
    int positions;
    wd_buf *words; /* the whole words, for the association miner */
    size_t nwords;
};

/* Words of an answer passed to the miner at most (it counts the first
 * WD_ASSOC_AWORDS distinct ones worth it). */
#define MINED_ANSWER_WORDS 128

static void note_word(struct posting_ctx *c, const wd_token *t)
{
    if (!c->words || (t->flags & (WD_TOKEN_SUBWORD | WD_TOKEN_STOP)) ||
        c->nwords >= MINED_ANSWER_WORDS)
        return;
    wd_buf_append(c->words, t->text, t->len);
    wd_buf_putc(c->words, '\0');
    c->nwords++;
}

static int add_bigram(void *vctx, const char *bg, size_t len, uint32_t pos)
{
    (void)pos;
    struct posting_ctx *c = vctx;
    wd_buf_reset(c->term);
    wd_buf_puts(c->term, WD_PREFIX_BIGRAM);
    wd_buf_append(c->term, bg, len);
    if (c->term->oom)
        return wd_error_set(c->err, WD_ENOMEM, "index", "out of memory");
    return xc_doc_add_term(c->doc, c->term->data, c->term->len, 1, c->err);
}

static int add_token(void *vctx, const wd_token *t)
{
    struct posting_ctx *c = vctx;
    if (t->len == 0 || c->plen + t->len > XC_MAX_TERM_BYTES)
        return 0; /* the analyzer caps words; this is a last guard */
    wd_buf_reset(c->term);
    wd_buf_append(c->term, c->prefix, c->plen);
    wd_buf_append(c->term, t->text, t->len);
    if (c->term->oom)
        return wd_error_set(c->err, WD_ENOMEM, "index", "out of memory");
    note_word(c, t);
    int rc = c->positions ? xc_doc_add_posting(c->doc, c->term->data, c->term->len, t->position + 1,
                                               1, c->err)
                          : xc_doc_add_term(c->doc, c->term->data, c->term->len, 1, c->err);
    if (rc == WD_OK && c->bg)
        rc = wd_bigrams_feed(c->bg, t, add_bigram, c);
    return rc;
}

/* The question: its terms and CJK bigrams, and its analysis in the stored
 * form (in b->stored), from one pass of the analyzer. Its terms carry no
 * positions (schema 5): the match reads none (match.c). */
static int index_question(wd_builder *b, xc_doc *doc, const char *text, wd_error *err)
{
    wd_bigrams bg = WD_BIGRAMS_INIT;
    struct posting_ctx c = {
        doc, WD_PREFIX_QUESTION, strlen(WD_PREFIX_QUESTION), &b->term, err, &bg, 0, &b->words, 0
    };
    wd_buf_reset(&b->stored);
    wd_buf_reset(&b->words);
    int rc = wd_qtext_store(b->an, text, strlen(text), add_token, &c, b->stamp, &b->stored, err);
    if (rc == WD_OK && b->stored.len)
        rc = xc_doc_set_value(doc, WD_VALUE_QUESTION, b->stored.data, b->stored.len, err);
    return rc;
}

static int index_field(wd_builder *b, xc_doc *doc, const char *prefix, const char *text,
                       wd_error *err)
{
    struct posting_ctx c = { doc, prefix, strlen(prefix),      &b->term,
                             err, NULL,   b->answer_positions, &b->words,
                             0 };
    return wd_analyze(b->an, WD_ANALYZE_INDEX, text, strlen(text), add_token, &c, err);
}

/* What filters, facets and the date sort read (schema 3): the date, the
 * source and the kind as values. */
static int add_filter_values(xc_doc *doc, const wd_record *rec, wd_error *err)
{
    int rc = WD_OK;
    if (rec->date && *rec->date)
        rc = xc_doc_set_value(doc, WD_VALUE_DATE, rec->date, strlen(rec->date), err);
    if (rc == WD_OK && rec->source && *rec->source)
        rc = xc_doc_set_value(doc, WD_VALUE_SOURCE, rec->source, strlen(rec->source), err);
    const char *kind = wd_corpus_kind_name(rec->kind);
    if (rc == WD_OK)
        rc = xc_doc_set_value(doc, WD_VALUE_KIND, kind, strlen(kind), err);
    return rc;
}

/* The extra fields (schema 3): a boolean term for each NAME=VALUE (filters)
 * and all of them in one value, NAME NUL VALUE NUL each (facets). */
static int add_fields(wd_builder *b, xc_doc *doc, const wd_record *rec, wd_error *err)
{
    if (!rec->n_fields)
        return WD_OK;
    int rc = WD_OK;
    wd_buf *v = &b->term;
    wd_buf_reset(v);
    for (size_t i = 0; i < rec->n_fields && rc == WD_OK; i++) {
        const wd_field *f = &rec->fields[i];
        size_t at = v->len;
        wd_buf_puts(v, f->name);
        wd_buf_putc(v, '=');
        wd_buf_puts(v, f->value);
        if (v->oom)
            return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        char *key = wd_strndup(v->data + at, v->len - at);
        if (!key)
            return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        rc = xc_doc_add_boolean_term(
            doc, wd_key_term(b->key_term, WD_PREFIX_FIELD, key, WD_MAX_KEY_TERM), err);
        wd_free(key);
        v->data[at + strlen(f->name)] = '\0'; /* NAME NUL VALUE NUL */
        wd_buf_putc(v, '\0');
    }
    if (rc == WD_OK && v->oom)
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK)
        rc = xc_doc_set_value(doc, WD_VALUE_FIELDS, v->data, v->len, err);
    wd_buf_reset(v);
    return rc;
}

int wd_builder_build(wd_builder *b, const wd_record *rec, xc_doc **out, wd_error *err)
{
    *out = NULL;
    char *kt = b->key_term;
    xc_doc *doc = NULL;
    int rc = xc_doc_new(&doc, err);
    if (rc == WD_OK)
        rc = index_question(b, doc, rec->question, err);
    wd_buf_putc(&b->words, '\0'); /* the question's words end */
    if (rc == WD_OK && b->words.oom)
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK && rec->answer)
        rc = index_field(b, doc, "", rec->answer, err);
    if (rc == WD_OK)
        rc = xc_doc_add_boolean_term(
            doc, wd_key_term(kt, WD_PREFIX_KIND, wd_corpus_kind_name(rec->kind), WD_MAX_KEY_TERM),
            err);
    if (rc == WD_OK && rec->source && *rec->source)
        rc = xc_doc_add_boolean_term(
            doc, wd_key_term(kt, WD_PREFIX_SOURCE, rec->source, WD_MAX_KEY_TERM), err);
    if (rc == WD_OK)
        rc = xc_doc_add_boolean_term(doc, wd_key_term(kt, WD_PREFIX_ID, rec->id, b->id_verbatim),
                                     err);
    if (rc == WD_OK)
        rc = xc_doc_set_value(doc, WD_VALUE_ID, rec->id, strlen(rec->id), err);
    if (rc == WD_OK)
        rc = add_filter_values(doc, rec, err);
    if (rc == WD_OK)
        rc = add_fields(b, doc, rec, err);
    if (rc == WD_OK)
        wd_buf_reset(&b->record);
    if (rc == WD_OK && wd_record_encode(rec, &b->record) != WD_OK)
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc == WD_OK)
        rc = xc_doc_set_data(doc, b->record.data, b->record.len, err);
    if (rc == WD_OK && b->words.oom)
        rc = wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    if (rc != WD_OK) {
        xc_doc_free(doc);
        return rc;
    }
    *out = doc;
    return WD_OK;
}

/* The corpus readers skip records that are not UTF-8; this guards the
 * library API. */
int wd_record_check(const wd_record *rec, wd_error *err)
{
    if (!rec || !rec->id || !*rec->id || !rec->question)
        return wd_error_set(err, WD_EINVAL, "index", "record without id or question");
    static const char *const names[] = { "id", "question", "answer", "source", "date" };
    const char *const vals[] = { rec->id, rec->question, rec->answer, rec->source, rec->date };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (vals[i] && !wd_utf8_valid(vals[i], strlen(vals[i]), NULL))
            return wd_error_set(err, WD_EINVAL, "index", "record %s: its %s is not valid UTF-8",
                                i ? rec->id : "?", names[i]);
    if (rec->n_fields > WD_RECORD_MAX_FIELDS)
        return wd_error_set(err, WD_EINVAL, "index", "record %s: more than %d fields", rec->id,
                            WD_RECORD_MAX_FIELDS);
    for (size_t i = 0; i < rec->n_fields; i++) {
        const wd_field *f = &rec->fields[i];
        if (!f->name || !wd_field_name_ok(f->name, strlen(f->name)) || !f->value ||
            !wd_utf8_valid(f->value, strlen(f->value), NULL))
            return wd_error_set(err, WD_EINVAL, "index",
                                "record %s: field %zu has a name that cannot name a field or a "
                                "value that is not UTF-8",
                                rec->id, i + 1);
    }
    return WD_OK;
}
