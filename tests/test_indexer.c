/* test_indexer.c - the index writer: add, replace, delete, batches, lock. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis.h"
#include "helpers.h"
#include "schema.h"
#include "wenda/index.h"
#include "wenda/search.h"
#include "xapian_c.h"

typedef struct fx {
    char dir[64];
    wd_dict *dict;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (th_tmpdir(f->dir, sizeof f->dir, "idx") != 0)
        return -1;
    if (wd_dict_load(&f->dict, NULL, NULL) != WD_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    th_rmtree(f->dir);
    wd_dict_free(f->dict);
    free(f);
    return 0;
}

static wd_record rec(const char *id, const char *q, const char *a)
{
    wd_record r = { id, q, a, "test.jsonl", NULL, WD_KIND_QA, 1, NULL, 0 };
    return r;
}

static uint32_t doccount(const char *dir)
{
    xc_db *db = NULL;
    uint32_t n = 0;
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_db_doccount(db, &n, NULL), WD_OK);
    xc_db_close(db);
    return n;
}

static void test_indexer__add_replace_delete(void **state)
{
    fx *f = *state;
    wd_index_writer *w = NULL;
    wd_error err;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, &err), WD_OK);
    wd_record a = rec("a", "低保户要交医保吗", "一般由政府代缴。");
    wd_record b = rec("b", "异地就医怎么报销", "先备案再结算。");
    assert_int_equal(wd_index_writer_add(w, &a, &err), WD_OK);
    assert_int_equal(wd_index_writer_add(w, &b, &err), WD_OK);
    wd_record a2 = rec("a", "低保户要交医保吗", "各地政策不同。");
    assert_int_equal(wd_index_writer_add(w, &a2, &err), WD_OK);
    const wd_index_stats *st = wd_index_writer_stats(w);
    assert_int_equal(st->added, 2);
    assert_int_equal(st->replaced, 1);
    int found = 0;
    assert_int_equal(wd_index_writer_delete(w, "b", &found, &err), WD_OK);
    assert_int_equal(found, 1);
    assert_int_equal(wd_index_writer_delete(w, "zz", &found, &err), WD_OK);
    assert_int_equal(found, 0);
    assert_int_equal(wd_index_writer_close(w, &err), WD_OK);
    assert_int_equal(doccount(f->dir), 1);

    /* The stored record is the replacement, byte for byte. */
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, f->dir, f->dict, &err), WD_OK);
    wd_hit *h = NULL;
    assert_int_equal(wd_searcher_get(s, "a", &h, &err), WD_OK);
    assert_string_equal(h->answer, "各地政策不同。");
    wd_hit_free(h);
    wd_free(h);
    assert_int_equal(wd_searcher_get(s, "b", &h, &err), WD_ENOTFOUND);
    assert_null(h);
    wd_searcher_close(s);
}

static void test_indexer__batches_commit_and_checkpoint(void **state)
{
    fx *f = *state;
    wd_index_writer *w = NULL;
    wd_index_opts o = WD_INDEX_OPTS_INIT;
    o.batch_size = 3;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, &o, NULL), WD_OK);
    char id[16];
    for (int i = 0; i < 7; i++) {
        snprintf(id, sizeof id, "r%d", i);
        wd_record r = rec(id, "医保卡丢了怎么办", "去医保局补办。");
        assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    }
    /* Two full batches are committed; the seventh record is pending. */
    assert_int_equal(wd_index_writer_stats(w)->commits, 2);
    assert_int_equal(doccount(f->dir), 6);
    wd_index_writer_abandon(w);

    xc_db *db = NULL;
    char *cp = NULL;
    assert_int_equal(xc_db_open(&db, f->dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_db_get_metadata(db, WD_META_CHECKPOINT, &cp, NULL), WD_OK);
    assert_non_null(strstr(cp, "\"documents\":6"));
    wd_free(cp);
    assert_int_equal(xc_db_get_metadata(db, WD_META_DICT, &cp, NULL), WD_OK);
    assert_string_equal(cp, wd_dict_version(f->dict));
    wd_free(cp);
    xc_db_close(db);
}

static void test_indexer__second_writer_is_told_the_pid(void **state)
{
    fx *f = *state;
    wd_index_writer *w1 = NULL, *w2 = NULL;
    wd_error err;
    assert_int_equal(wd_index_writer_open(&w1, f->dir, f->dict, NULL, &err), WD_OK);
    wd_error_clear(&err);
    assert_int_equal(wd_index_writer_open(&w2, f->dir, f->dict, NULL, &err), WD_ELOCKED);
    assert_null(w2);
    char pid[32];
    snprintf(pid, sizeof pid, "(pid %ld)", (long)getpid());
    assert_non_null(strstr(err.message, "locked by another wenda index"));
    assert_non_null(strstr(err.message, pid));
    assert_int_equal(wd_index_writer_close(w1, &err), WD_OK);
    assert_int_equal(wd_index_writer_open(&w2, f->dir, f->dict, NULL, &err), WD_OK);
    assert_int_equal(wd_index_writer_close(w2, &err), WD_OK);
}

static void test_indexer__bad_arguments(void **state)
{
    fx *f = *state;
    wd_index_writer *w = (wd_index_writer *)1;
    wd_error err;
    assert_int_equal(wd_index_writer_open(&w, NULL, f->dict, NULL, &err), WD_EINVAL);
    assert_null(w);
    assert_int_equal(wd_index_writer_open(&w, "/proc/no/such/place", f->dict, NULL, &err), WD_EIO);
    assert_null(w);
    assert_non_null(strstr(err.message, "/proc/no"));
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, &err), WD_OK);
    wd_record r = rec("", "x", "y");
    assert_int_equal(wd_index_writer_add(w, &r, &err), WD_EINVAL);
    assert_int_equal(wd_index_writer_close(w, &err), WD_OK);
    assert_int_equal(wd_index_writer_close(NULL, &err), WD_OK);
    wd_index_writer_abandon(NULL);
}

static void test_indexer__long_id_and_long_words_are_safe(void **state)
{
    fx *f = *state;
    char id[600], text[5000];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    memset(text, 'a', sizeof text - 1); /* one 5000-letter "word" */
    text[sizeof text - 1] = '\0';
    wd_index_writer *w = NULL;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, NULL), WD_OK);
    wd_record r = rec(id, text, text);
    assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    assert_int_equal(wd_index_writer_stats(w)->replaced, 1);
    assert_int_equal(wd_index_writer_close(w, NULL), WD_OK);
    assert_int_equal(doccount(f->dir), 1);
}

static int has_term(const char *dir, const char *term)
{
    xc_db *db = NULL;
    int yes = 0;
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_db_term_exists(db, term, &yes, NULL), WD_OK);
    xc_db_close(db);
    return yes;
}

static char *schema_of(const char *dir)
{
    xc_db *db = NULL;
    char *v = NULL;
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_db_get_metadata(db, WD_META_SCHEMA, &v, NULL), WD_OK);
    xc_db_close(db);
    return v;
}

static void assert_answer(const char *dir, const wd_dict *dict, const char *id, const char *answer)
{
    wd_searcher *s = NULL;
    wd_hit *h = NULL;
    assert_int_equal(wd_searcher_open(&s, dir, dict, NULL), WD_OK);
    assert_int_equal(wd_searcher_get(s, id, &h, NULL), answer ? WD_OK : WD_ENOTFOUND);
    if (answer) {
        assert_string_equal(h->id, id);
        assert_string_equal(h->answer, answer);
    }
    wd_hit_free(h);
    wd_free(h);
    wd_searcher_close(s);
}

/* Add a document by hand, as another writer (or an older wenda) would have:
 * the unique term, the id in value 0 and the stored record; then set the
 * schema (if given) and commit. */
static void add_raw(const char *dir, const char *term, const char *id, const char *data,
                    const char *schema)
{
    xc_db *db = NULL;
    xc_doc *d = NULL;
    assert_int_equal(xc_db_open(&db, dir, XC_DB_CREATE_OR_OPEN, NULL), WD_OK);
    assert_int_equal(xc_doc_new(&d, NULL), WD_OK);
    assert_int_equal(xc_doc_add_boolean_term(d, term, NULL), WD_OK);
    assert_int_equal(xc_doc_set_value(d, WD_VALUE_ID, id, strlen(id), NULL), WD_OK);
    assert_int_equal(xc_doc_set_data(d, data, strlen(data), NULL), WD_OK);
    assert_int_equal(xc_db_add(db, d, NULL, NULL), WD_OK);
    if (schema)
        assert_int_equal(xc_db_set_metadata(db, WD_META_SCHEMA, schema, NULL), WD_OK);
    assert_int_equal(xc_db_commit(db, NULL), WD_OK);
    xc_doc_free(d);
    xc_db_close(db);
}

/* Index one record whose id is already in the index: it must replace. */
static void replace_one(const char *dir, const wd_dict *dict, const char *id, const char *q,
                        const char *a)
{
    wd_index_writer *w = NULL;
    assert_int_equal(wd_index_writer_open(&w, dir, dict, NULL, NULL), WD_OK);
    wd_record r = rec(id, q, a);
    assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    assert_int_equal(wd_index_writer_stats(w)->replaced, 1);
    assert_int_equal(wd_index_writer_close(w, NULL), WD_OK);
}

/* Schema 2: an id over 16 bytes is stored as an 18-byte hash term, and the
 * id in value 0 tells apart two ids that share it: replacing or deleting
 * one leaves the other alone. (The collision is made by hand: a document
 * carrying the same hash term for another id.) */
static void test_indexer__long_ids_are_hashed_and_told_apart(void **state)
{
    fx *f = *state;
    const char *id = "DLC/上海地方法规/上海口岸服务条例(2020-05-14)#第一条";
    char verbatim[256], hashed[WD_KEY_TERM_SIZE];
    snprintf(verbatim, sizeof verbatim, "%s%s", WD_PREFIX_ID, id);
    wd_key_term(hashed, WD_PREFIX_ID, id, WD_ID_VERBATIM);
    assert_int_equal(strlen(hashed), 18);
    assert_int_equal(hashed[1], '#');

    wd_index_writer *w = NULL;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, NULL), WD_OK);
    wd_record r = rec(id, "上海口岸服务条例 第一条", "为了规范口岸开放。");
    wd_record s16 = rec("0123456789abcdef", "短的编号", "十六个字节的编号照原样存。");
    assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    assert_int_equal(wd_index_writer_add(w, &s16, NULL), WD_OK);
    assert_int_equal(wd_index_writer_close(w, NULL), WD_OK);
    char *v = schema_of(f->dir);
    assert_string_equal(v, WD_SCHEMA_VERSION);
    wd_free(v);
    assert_true(has_term(f->dir, hashed));
    assert_false(has_term(f->dir, verbatim));
    assert_true(has_term(f->dir, "Q0123456789abcdef"));
    assert_answer(f->dir, f->dict, id, "为了规范口岸开放。");

    /* another id under the same hash term */
    add_raw(f->dir, hashed, "other",
            "{\"id\":\"other\",\"question\":\"别的条文\",\"answer\":\"不该被动。\","
            "\"kind\":\"qa\",\"source\":\"x.md\"}",
            NULL);
    assert_int_equal(doccount(f->dir), 3);

    replace_one(f->dir, f->dict, id, "上海口岸服务条例 第一条", "修改后的条文。");
    assert_int_equal(doccount(f->dir), 3);
    assert_answer(f->dir, f->dict, id, "修改后的条文。");
    assert_answer(f->dir, f->dict, "other", NULL); /* not this hash's id: no fallback by term */

    int found = 0;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, NULL), WD_OK);
    assert_int_equal(wd_index_writer_delete(w, id, &found, NULL), WD_OK);
    assert_int_equal(found, 1);
    assert_int_equal(wd_index_writer_delete(w, id, &found, NULL), WD_OK);
    assert_int_equal(found, 0);
    assert_int_equal(wd_index_writer_close(w, NULL), WD_OK);
    assert_int_equal(doccount(f->dir), 2);
    assert_true(has_term(f->dir, hashed)); /* still the other id's */
    assert_answer(f->dir, f->dict, id, NULL);
}

/* An index an older wenda wrote (schema 1: ids of up to 200 bytes
 * verbatim) keeps working: its ids are found, a writer updates it in its
 * own schema instead of adding duplicates, and a schema this wenda does
 * not know is refused with the way out. */
static void test_indexer__schema_1_index_keeps_its_id_terms(void **state)
{
    fx *f = *state;
    const char *id = "DLC/法律/中华人民共和国社会保险法#第二十三条";
    char verbatim[256];
    snprintf(verbatim, sizeof verbatim, "%s%s", WD_PREFIX_ID, id);
    char data[512];
    snprintf(data, sizeof data,
             "{\"id\":\"%s\",\"question\":\"社会保险法 第二十三条\",\"answer\":\"旧的条文。\","
             "\"kind\":\"qa\",\"source\":\"law.md\"}",
             id);
    add_raw(f->dir, verbatim, id, data, "1");
    assert_answer(f->dir, f->dict, id, "旧的条文。");

    replace_one(f->dir, f->dict, id, "社会保险法 第二十三条", "新的条文。");
    assert_int_equal(doccount(f->dir), 1);
    assert_true(has_term(f->dir, verbatim));
    char *v = schema_of(f->dir);
    assert_string_equal(v, "1");
    wd_free(v);
    assert_answer(f->dir, f->dict, id, "新的条文。");

    /* Schema 2 (before the filter values) is updated in its own schema too. */
    xc_db *db = NULL;
    assert_int_equal(xc_db_open(&db, f->dir, XC_DB_OPEN, NULL), WD_OK);
    assert_int_equal(xc_db_set_metadata(db, WD_META_SCHEMA, "2", NULL), WD_OK);
    assert_int_equal(xc_db_commit(db, NULL), WD_OK);
    xc_db_close(db);
    wd_index_writer *w2 = NULL;
    assert_int_equal(wd_index_writer_open(&w2, f->dir, f->dict, NULL, NULL), WD_OK);
    wd_record r2 = rec("s2", "另一条", "schema 2 的新记录。");
    assert_int_equal(wd_index_writer_add(w2, &r2, NULL), WD_OK);
    assert_int_equal(wd_index_writer_close(w2, NULL), WD_OK);
    v = schema_of(f->dir);
    assert_string_equal(v, "2");
    wd_free(v);

    assert_int_equal(xc_db_open(&db, f->dir, XC_DB_OPEN, NULL), WD_OK);
    assert_int_equal(xc_db_set_metadata(db, WD_META_SCHEMA, "9", NULL), WD_OK);
    assert_int_equal(xc_db_commit(db, NULL), WD_OK);
    xc_db_close(db);
    wd_error err;
    wd_index_writer *w = NULL;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, &err), WD_EINVAL);
    assert_null(w);
    assert_non_null(strstr(err.message, "schema 9"));
    assert_non_null(strstr(err.message, "--overwrite"));
    /* Nor is it searched: a newer schema may store what this wenda reads wrong. */
    wd_searcher *s = NULL;
    assert_int_equal(wd_searcher_open(&s, f->dir, f->dict, &err), WD_EINVAL);
    assert_null(s);
    assert_non_null(strstr(err.message, "schema 9"));
    assert_non_null(strstr(err.message, "newer wenda"));
}

/* The value in `slot` of the document indexed by `term` (new). */
static char *value_of(const char *dir, const char *term, unsigned slot, size_t *len)
{
    xc_db *db = NULL;
    xc_docid did = 0;
    xc_doc *doc = NULL;
    char *v = NULL;
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_db_find(db, term, &did, NULL), WD_OK);
    assert_int_equal(xc_db_get_document(db, did, &doc, NULL), WD_OK);
    assert_int_equal(xc_doc_get_value(doc, slot, &v, len, NULL), WD_OK);
    xc_doc_free(doc);
    xc_db_close(db);
    return v;
}

/* Schema 4: a document stores its question analysed as a searcher with
 * the same dictionary analyses it, stamped with that dictionary and its
 * layer. An index of schema 3 updated by this wenda becomes the current
 * schema; its older documents have no analysis (searches analyse their
 * questions). */
static void test_indexer__documents_store_their_questions_analysed(void **state)
{
    fx *f = *state;
    add_raw(f->dir, "Qold", "old",
            "{\"id\":\"old\",\"question\":\"灵活就业医保怎么交\",\"answer\":\"按月缴费。\","
            "\"kind\":\"qa\",\"source\":\"x.md\"}",
            "3");
    wd_index_writer *w = NULL;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, NULL), WD_OK);
    const char *question = "2025广东肇庆低保户要交城乡居民医保吗？";
    wd_record r = rec("new", question, "多数地区全额代缴。");
    assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    assert_int_equal(wd_index_writer_close(w, NULL), WD_OK);
    char *v = schema_of(f->dir);
    assert_string_equal(v, WD_SCHEMA_VERSION);
    wd_free(v);

    size_t len = 0;
    v = value_of(f->dir, "Qnew", WD_VALUE_QUESTION, &len);
    wd_analyzer *an = NULL;
    assert_int_equal(wd_analyzer_new(&an, f->dict, NULL), WD_OK);
    wd_qtext want, got;
    assert_int_equal(wd_qtext_analyse(&want, an, question, strlen(question), NULL), WD_OK);
    uint64_t stamp = wd_qtext_stamp(wd_dict_version(f->dict), 1);
    assert_int_equal(wd_qtext_decode(v, len, question, strlen(question), stamp, &got, NULL), WD_OK);
    assert_int_equal(got.n, want.n);
    assert_true(got.n > 10);
    for (size_t i = 0; i < want.n; i++) {
        assert_string_equal(got.w[i].text, want.w[i].text);
        assert_int_equal(got.w[i].kind, want.w[i].kind);
    }
    assert_int_equal(got.places.n, 1); /* 肇庆, which names its province too */
    assert_string_equal(got.norm, want.norm);
    wd_qtext_free(&got);
    wd_qtext_free(&want);
    /* Not for a searcher with the dictionary layer off. */
    assert_int_equal(wd_qtext_decode(v, len, question, strlen(question),
                                     wd_qtext_stamp(wd_dict_version(f->dict), 0), &got, NULL),
                     WD_ENOTFOUND);
    wd_free(v);
    wd_analyzer_free(an);

    v = value_of(f->dir, "Qold", WD_VALUE_QUESTION, &len);
    assert_int_equal(len, 0);
    wd_free(v);
    /* Both read, the new one found by a search. */
    assert_answer(f->dir, f->dict, "old", "按月缴费。");
    wd_searcher *s = NULL;
    wd_results *res = NULL;
    assert_int_equal(wd_searcher_open(&s, f->dir, f->dict, NULL), WD_OK);
    assert_int_equal(
        wd_search(s, "肇庆低保户交医保吗", strlen("肇庆低保户交医保吗"), NULL, &res, NULL), WD_OK);
    assert_true(res->n_hits >= 1);
    assert_string_equal(res->hits[0].id, "new");
    wd_results_free(res);
    wd_searcher_close(s);
}

/* Whether a phrase of two terms, in that order, matches a document of the
 * index at dir. */
static int phrase_matches(const char *dir, const char *t1, const char *t2)
{
    xc_db *db = NULL;
    xc_query *leaf[2] = { NULL, NULL }, *q = NULL;
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    assert_int_equal(xc_db_open(&db, dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_query_term(&leaf[0], t1, strlen(t1), 1, 1, NULL), WD_OK);
    assert_int_equal(xc_query_term(&leaf[1], t2, strlen(t2), 1, 2, NULL), WD_OK);
    assert_int_equal(xc_query_combine(&q, XC_OP_PHRASE, leaf, 2, 0, NULL), WD_OK);
    assert_int_equal(xc_enquire_new(&e, db, NULL), WD_OK);
    assert_int_equal(xc_enquire_set_query(e, q, NULL), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 0, 10, 0, &m, NULL), WD_OK);
    int n = (int)xc_mset_size(m);
    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(q);
    xc_query_free(leaf[0]);
    xc_query_free(leaf[1]);
    xc_db_close(db);
    return n > 0;
}

/* Schema 5: a question's terms carry no positions, which no query reads
 * (the match asks a split synonym as all its words, not their phrase). An
 * index without positions answers a phrase as the AND of its words (Xapian
 * 1.4), so two words of the question in the wrong order still find it; with
 * positions they would not. An index of schema 4 updated by this wenda
 * becomes schema 5. */
static void test_indexer__question_terms_carry_no_positions(void **state)
{
    fx *f = *state;
    add_raw(f->dir, "Qold", "old",
            "{\"id\":\"old\",\"question\":\"灵活就业医保怎么交\",\"answer\":\"按月缴费。\","
            "\"kind\":\"qa\",\"source\":\"x.md\"}",
            "4");
    wd_index_writer *w = NULL;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, NULL), WD_OK);
    wd_record r = rec("new", "医保卡丢了怎么办", "去医保局补办。");
    assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    assert_int_equal(wd_index_writer_close(w, NULL), WD_OK);
    char *v = schema_of(f->dir);
    assert_string_equal(v, "5");
    wd_free(v);
    assert_true(has_term(f->dir, "S医保卡"));
    assert_true(has_term(f->dir, "S丢"));
    assert_true(phrase_matches(f->dir, "S丢", "S医保卡"));
    assert_answer(f->dir, f->dict, "old", "按月缴费。");
}

static int exists(const char *dir, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

static void add_some(const char *dir, const wd_dict *dict, int from, int n, unsigned jobs)
{
    wd_index_writer *w = NULL;
    wd_index_opts o = WD_INDEX_OPTS_INIT;
    o.batch_size = 5;
    o.jobs = jobs;
    assert_int_equal(wd_index_writer_open(&w, dir, dict, &o, NULL), WD_OK);
    char id[16];
    for (int i = from; i < from + n; i++) {
        snprintf(id, sizeof id, "r%d", i);
        wd_record r = rec(id, "医保卡丢了怎么办", "去医保局补办。");
        assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    }
    assert_int_equal(wd_index_writer_close(w, NULL), WD_OK);
}

/* The stored record is written without jansson: the same JSON, escapes
 * included, and a string that is not UTF-8 is refused. */
static void test_indexer__stored_record_escapes_and_utf8(void **state)
{
    fx *f = *state;
    wd_index_writer *w = NULL;
    wd_error err;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, &err), WD_OK);
    wd_record r = rec("q\"\\1", "问\x01题\t\"x\"", "答\n案\\");
    r.date = "2024-01-02";
    assert_int_equal(wd_index_writer_add(w, &r, &err), WD_OK);
    wd_record bad = rec("bad", "\xff\xfe", "x");
    assert_int_equal(wd_index_writer_add(w, &bad, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_int_equal(wd_index_writer_close(w, &err), WD_OK);
    xc_db *db = NULL;
    xc_doc *doc = NULL;
    xc_docid did = 0;
    char *data = NULL;
    assert_int_equal(xc_db_open(&db, f->dir, XC_DB_READ, NULL), WD_OK);
    assert_int_equal(xc_db_find(db, "Qq\"\\1", &did, NULL), WD_OK);
    assert_int_equal(xc_db_get_document(db, did, &doc, NULL), WD_OK);
    assert_int_equal(xc_doc_get_data(doc, &data, NULL, NULL), WD_OK);
    assert_string_equal(data, "{\"id\":\"q\\\"\\\\1\",\"question\":\"问\\u0001题\\t\\\"x\\\"\","
                              "\"answer\":\"答\\n案\\\\\",\"kind\":\"qa\",\"source\":"
                              "\"test.jsonl\",\"date\":\"2024-01-02\"}");
    wd_free(data);
    xc_doc_free(doc);
    xc_db_close(db);
    /* With worker threads the record is refused at once too. */
    wd_index_opts o = WD_INDEX_OPTS_INIT;
    o.jobs = 2;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, &o, &err), WD_OK);
    assert_int_equal(wd_index_writer_add(w, &bad, &err), WD_EINVAL);
    assert_int_equal(wd_index_writer_add(w, &r, &err), WD_OK);
    assert_int_equal(wd_index_writer_close(w, &err), WD_OK);
    assert_int_equal(doccount(f->dir), 1);
}

/* A new index is compacted into place at close; later runs add to it. */
static void test_indexer__new_index_is_compacted_at_close(void **state)
{
    fx *f = *state;
    add_some(f->dir, f->dict, 0, 23, 2);
    assert_int_equal(doccount(f->dir), 23);
    assert_false(exists(f->dir, ".wenda-build"));
    add_some(f->dir, f->dict, 20, 10, 1); /* 3 replaced, 7 added */
    assert_int_equal(doccount(f->dir), 30);
    assert_false(exists(f->dir, ".wenda-build"));
}

/* A crash while the compacted tables were being moved into place: the next
 * writer finishes the move. */
static void test_indexer__interrupted_move_is_finished(void **state)
{
    fx *f = *state;
    add_some(f->dir, f->dict, 0, 12, 1);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir -p .wenda-build && xapian-compact -q . .wenda-build/merged "
             ">/dev/null 2>&1 && cd .wenda-build/merged && ls *.glass > wenda.ready && "
             "rm ../../iamglass && mv postlist.glass ../..",
             f->dir);
    if (system(cmd) != 0)
        skip(); /* no xapian-compact */
    assert_false(exists(f->dir, "iamglass"));
    add_some(f->dir, f->dict, 12, 3, 1);
    assert_int_equal(doccount(f->dir), 15);
    assert_false(exists(f->dir, ".wenda-build"));
}

/* A run killed while Xapian created the database leaves tables without
 * iamglass; the next run starts afresh instead of failing. */
static void test_indexer__interrupted_create_starts_afresh(void **state)
{
    fx *f = *state;
    char p[256];
    snprintf(p, sizeof p, "%s/postlist.glass", f->dir);
    FILE *fp = fopen(p, "w"); /* a create stopped before its version file: empty tables */
    assert_non_null(fp);
    fclose(fp);
    add_some(f->dir, f->dict, 0, 4, 1);
    assert_int_equal(doccount(f->dir), 4);
}

static void test_indexer__tables_without_version_file_are_not_written_over(void **state)
{
    fx *f = *state;
    add_some(f->dir, f->dict, 0, 4, 1);
    char p[256];
    snprintf(p, sizeof p, "%s/iamglass", f->dir);
    assert_int_equal(unlink(p), 0);
    wd_error err;
    wd_index_writer *w = NULL;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, NULL, &err), WD_ECORRUPT);
    assert_null(w);
    assert_non_null(strstr(err.message, "iamglass"));
    assert_non_null(strstr(err.message, "--overwrite"));
    assert_false(exists(f->dir, "iamglass"));
    /* --overwrite replaces what is there. */
    wd_index_opts o = WD_INDEX_OPTS_INIT;
    o.overwrite = 1;
    assert_int_equal(wd_index_writer_open(&w, f->dir, f->dict, &o, &err), WD_OK);
    wd_record r = rec("x1", "医保卡丢了怎么办", "去医保局补办。");
    assert_int_equal(wd_index_writer_add(w, &r, NULL), WD_OK);
    assert_int_equal(wd_index_writer_close(w, &err), WD_OK);
    assert_int_equal(doccount(f->dir), 1);
    assert_false(exists(f->dir, ".wenda-rebuild"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_indexer__add_replace_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer__batches_commit_and_checkpoint, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__second_writer_is_told_the_pid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer__long_id_and_long_words_are_safe, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__long_ids_are_hashed_and_told_apart, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__documents_store_their_questions_analysed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer__schema_1_index_keeps_its_id_terms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__question_terms_carry_no_positions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__stored_record_escapes_and_utf8, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__new_index_is_compacted_at_close, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__interrupted_move_is_finished, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indexer__interrupted_create_starts_afresh, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_indexer__tables_without_version_file_are_not_written_over, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
