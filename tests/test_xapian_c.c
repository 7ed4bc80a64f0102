/*
 * test_xapian_c.c - cmocka suite for the Xapian shim (xapian-c/).
 *
 * Every test works on fresh databases in its own mkdtemp() directory under
 * /tmp, removed again in the teardown. The tests pin the behaviour callers
 * rely on: what is stored comes back, operators rank as documented, and each
 * failure arrives as the documented WD_E* code with a useful message and
 * *out == NULL, never as a crash or an exception.
 */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "xapian_c.h"

/* ---- fixture ------------------------------------------------------------- */

struct fixture {
    char dir[64];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (th_tmpdir(f->dir, sizeof f->dir, "xapian-c") != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    wd_alloc_set_fail_hook(NULL, NULL);
    th_rmtree(f->dir);
    free(f);
    return 0;
}

/* A path inside the test's directory (static buffers, rotated, so a test can
 * hold a few at once). */
static const char *in_dir(void **state, const char *name)
{
    static char bufs[4][256];
    static int next;
    struct fixture *f = *state;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", f->dir, name);
    return b;
}

/* ---- helpers ------------------------------------------------------------- */

static xc_db *open_db(const char *path, int mode)
{
    wd_error err = { 0 };
    xc_db *db = NULL;
    int rc = xc_db_open(&db, path, mode, &err);
    if (rc != WD_OK)
        fail_msg("xc_db_open(%s): %d %s %s", path, rc, err.origin, err.message);
    return db;
}

/* A document whose space-separated words become positional postings 1..n. */
static xc_doc *doc_of_words(const char *words)
{
    wd_error err = { 0 };
    xc_doc *doc = NULL;
    assert_int_equal(xc_doc_new(&doc, &err), WD_OK);
    uint32_t pos = 1;
    const char *p = words;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n)
            assert_int_equal(xc_doc_add_posting(doc, p, n, pos++, 1, &err), WD_OK);
        p += n;
        p += strspn(p, " ");
    }
    return doc;
}

static xc_docid add_words(xc_db *db, const char *words)
{
    wd_error err = { 0 };
    xc_doc *doc = doc_of_words(words);
    xc_docid id = 0;
    assert_int_equal(xc_db_add(db, doc, &id, &err), WD_OK);
    xc_doc_free(doc);
    return id;
}

static xc_query *term(const char *t)
{
    wd_error err = { 0 };
    xc_query *q = NULL;
    assert_int_equal(xc_query_term(&q, t, strlen(t), 1, 0, &err), WD_OK);
    return q;
}

static xc_query *combine2(int op, xc_query *a, xc_query *b, unsigned window)
{
    wd_error err = { 0 };
    xc_query *subs[2] = { a, b };
    xc_query *q = NULL;
    assert_int_equal(xc_query_combine(&q, op, subs, 2, window, &err), WD_OK);
    return q;
}

/* Run `q` on `db`; returns the mset (caller frees). */
static xc_mset *search(xc_db *db, const xc_query *q)
{
    wd_error err = { 0 };
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    assert_int_equal(xc_enquire_new(&e, db, &err), WD_OK);
    assert_int_equal(xc_enquire_set_query(e, q, &err), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 0, 100, 0, &m, &err), WD_OK);
    xc_enquire_free(e);
    return m;
}

/* Docids of the hits of `q`, in rank order, written as "1,3,2". */
static const char *hits(xc_db *db, const xc_query *q)
{
    static char buf[256];
    xc_mset *m = search(db, q);
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < xc_mset_size(m); i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%u", i ? "," : "",
                                 (unsigned)xc_mset_docid(m, i));
    xc_mset_free(m);
    return buf;
}

struct seen {
    char terms[32][64];
    uint32_t freqs[32];
    int n;
    int stop_after; /* 0 = never */
};

static int collect(void *ctx, const char *t, size_t len, uint32_t freq)
{
    struct seen *s = ctx;
    if (s->n < 32) {
        snprintf(s->terms[s->n], sizeof s->terms[0], "%.*s", (int)len, t);
        s->freqs[s->n] = freq;
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after ? 42 : 0;
}

/* ---- databases ----------------------------------------------------------- */

static void test_xapian_c__create_open_commit_reopen(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE);
    assert_true(xc_db_is_writable(w));
    add_words(w, "hello world");
    assert_int_equal(xc_db_commit(w, &err), WD_OK);

    xc_db *r = open_db(path, XC_DB_READ);
    assert_false(xc_db_is_writable(r));
    uint32_t count = 0;
    assert_int_equal(xc_db_doccount(r, &count, &err), WD_OK);
    assert_int_equal(count, 1);

    add_words(w, "hello again");
    assert_int_equal(xc_db_commit(w, &err), WD_OK);
    int changed = -1;
    assert_int_equal(xc_db_reopen(r, &changed, &err), WD_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(xc_db_doccount(r, &count, &err), WD_OK);
    assert_int_equal(count, 2);
    assert_int_equal(xc_db_reopen(r, &changed, &err), WD_OK);
    assert_int_equal(changed, 0);

    xc_docid last = 0;
    assert_int_equal(xc_db_lastdocid(r, &last, &err), WD_OK);
    assert_int_equal(last, 2);
    uint32_t tf = 0;
    assert_int_equal(xc_db_termfreq(r, "hello", &tf, &err), WD_OK);
    assert_int_equal(tf, 2);
    int exists = -1;
    assert_int_equal(xc_db_term_exists(r, "again", &exists, &err), WD_OK);
    assert_int_equal(exists, 1);
    assert_int_equal(xc_db_term_exists(r, "nowhere", &exists, &err), WD_OK);
    assert_int_equal(exists, 0);
    double avlen = 0;
    assert_int_equal(xc_db_avlength(r, &avlen, &err), WD_OK);
    assert_true(avlen > 1.99 && avlen < 2.01);

    /* A reader cannot write. */
    assert_int_equal(xc_db_commit(r, &err), WD_EINVAL);
    xc_doc *doc = doc_of_words("x");
    xc_docid id = 99;
    assert_int_equal(xc_db_add(r, doc, &id, &err), WD_EINVAL);
    assert_int_equal(id, 0);
    xc_doc_free(doc);
    xc_db_close(r);
    xc_db_close(w);

    /* Reopen for writing; CREATE on an existing database fails cleanly. */
    w = open_db(path, XC_DB_OPEN);
    assert_int_equal(xc_db_doccount(w, &count, &err), WD_OK);
    assert_int_equal(count, 2);
    xc_db_close(w);
    xc_db *again = (xc_db *)1;
    int rc = xc_db_open(&again, path, XC_DB_CREATE, &err);
    assert_int_not_equal(rc, WD_OK);
    assert_int_equal(err.code, rc);
    assert_null(again);
    assert_int_equal(xc_db_open(&again, path, 77, &err), WD_EINVAL);
    assert_null(again);
    /* CREATE_OR_OVERWRITE starts from scratch. */
    w = open_db(path, XC_DB_CREATE_OR_OVERWRITE);
    assert_int_equal(xc_db_doccount(w, &count, &err), WD_OK);
    assert_int_equal(count, 0);
    xc_db_close(w);
}

static void test_xapian_c__missing_path_is_not_found(void **state)
{
    const char *path = in_dir(state, "no-such-db");
    wd_error err = { 0 };
    xc_db *db = (xc_db *)1;
    assert_int_equal(xc_db_open(&db, path, XC_DB_READ, &err), WD_ENOTFOUND);
    assert_null(db);
    assert_int_equal(err.code, WD_ENOTFOUND);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(strncmp(err.origin, "xapian:", 7), 0);

    db = (xc_db *)1;
    assert_int_equal(xc_db_open(&db, path, XC_DB_OPEN, &err), WD_ENOTFOUND);
    assert_null(db);
    assert_non_null(strstr(err.message, path));
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0); /* OPEN did not create it */

    /* One missing shard fails the whole set. */
    const char *good = in_dir(state, "good");
    xc_db_close(open_db(good, XC_DB_CREATE));
    const char *paths[2] = { good, path };
    db = (xc_db *)1;
    assert_int_equal(xc_db_open_shards(&db, paths, 2, 0, &err), WD_ENOTFOUND);
    assert_null(db);
    assert_non_null(strstr(err.message, path));
}

static void test_xapian_c__stub_file_opens_for_reading(void **state)
{
    const char *path = in_dir(state, "db");
    const char *stub = in_dir(state, "db.stub");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE);
    add_words(w, "stubbed");
    xc_db_close(w);
    FILE *fp = fopen(stub, "w");
    assert_non_null(fp);
    fprintf(fp, "auto db\n"); /* relative to the stub's directory */
    fclose(fp);
    xc_db *r = open_db(stub, XC_DB_READ);
    uint32_t count = 0;
    assert_int_equal(xc_db_doccount(r, &count, &err), WD_OK);
    assert_int_equal(count, 1);
    xc_db_close(r);
}

static void test_xapian_c__second_writer_is_locked(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE_OR_OPEN);
    xc_db *w2 = (xc_db *)1;
    assert_int_equal(xc_db_open(&w2, path, XC_DB_CREATE_OR_OPEN, &err), WD_ELOCKED);
    assert_null(w2);
    assert_string_equal(err.origin, "xapian:DatabaseLockError");
    assert_true(strlen(err.message) > 0);
    /* Readers are not blocked by the writer. */
    xc_db *r = open_db(path, XC_DB_READ);
    xc_db_close(r);
    /* Closing releases the lock. */
    xc_db_close(w);
    w2 = open_db(path, XC_DB_OPEN);
    xc_db_close(w2);
}

static void test_xapian_c__shards_combine(void **state)
{
    const char *a = in_dir(state, "a");
    const char *b = in_dir(state, "b");
    wd_error err = { 0 };
    xc_db *w = open_db(a, XC_DB_CREATE);
    add_words(w, "alpha common");
    add_words(w, "alpha");
    xc_db_close(w);
    w = open_db(b, XC_DB_CREATE);
    add_words(w, "beta common");
    xc_db_close(w);

    const char *paths[2] = { a, b };
    xc_db *db = NULL;
    assert_int_equal(xc_db_open_shards(&db, paths, 2, 0, &err), WD_OK);
    uint32_t count = 0, tf = 0;
    assert_int_equal(xc_db_doccount(db, &count, &err), WD_OK);
    assert_int_equal(count, 3);
    assert_int_equal(xc_db_termfreq(db, "common", &tf, &err), WD_OK);
    assert_int_equal(tf, 2);
    assert_false(xc_db_is_writable(db));
    xc_db_close(db);

    db = (xc_db *)1;
    assert_int_equal(xc_db_open_shards(&db, paths, 0, 0, &err), WD_EINVAL);
    assert_null(db);
}

static void test_xapian_c__metadata_round_trip(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE);
    assert_int_equal(xc_db_set_metadata(w, "wenda.schema", "3", &err), WD_OK);
    assert_int_equal(xc_db_set_metadata(w, "wenda.分词", "词典 v1", &err), WD_OK);
    assert_int_equal(xc_db_set_metadata(w, "", "x", &err), WD_EINVAL);
    assert_int_equal(xc_db_commit(w, &err), WD_OK);
    xc_db_close(w);

    xc_db *r = open_db(path, XC_DB_READ);
    char *v = NULL;
    assert_int_equal(xc_db_get_metadata(r, "wenda.schema", &v, &err), WD_OK);
    assert_string_equal(v, "3");
    wd_free(v);
    assert_int_equal(xc_db_get_metadata(r, "wenda.分词", &v, &err), WD_OK);
    assert_string_equal(v, "词典 v1");
    wd_free(v);
    assert_int_equal(xc_db_get_metadata(r, "unset", &v, &err), WD_OK);
    assert_string_equal(v, "");
    wd_free(v);
    assert_int_equal(xc_db_set_metadata(r, "k", "v", &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "read-only"));
    xc_db_close(r);
}

/* ---- documents ----------------------------------------------------------- */

static void test_xapian_c__values_and_data_round_trip(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    static const char data[] = "{\"q\":\"怎么办\"}\0tail";
    static const char value[] = { '\x00', '\x01', '\xff', 'v' };
    xc_db *w = open_db(path, XC_DB_CREATE);
    xc_doc *doc = doc_of_words("x y");
    assert_int_equal(xc_doc_set_data(doc, data, sizeof data - 1, &err), WD_OK);
    assert_int_equal(xc_doc_set_value(doc, 3, value, sizeof value, &err), WD_OK);
    assert_int_equal(xc_doc_add_term(doc, "y", 1, 2, &err), WD_OK);
    xc_docid id = 0;
    assert_int_equal(xc_db_add(w, doc, &id, &err), WD_OK);
    assert_int_equal(id, 1);
    xc_doc_free(doc);
    assert_int_equal(xc_db_commit(w, &err), WD_OK);
    xc_db_close(w);

    xc_db *r = open_db(path, XC_DB_READ);
    assert_int_equal(xc_db_get_document(r, id, &doc, &err), WD_OK);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(xc_doc_get_data(doc, &out, &len, &err), WD_OK);
    assert_int_equal(len, sizeof data - 1);
    assert_memory_equal(out, data, len);
    assert_int_equal(out[len], '\0');
    wd_free(out);
    assert_int_equal(xc_doc_get_value(doc, 3, &out, &len, &err), WD_OK);
    assert_int_equal(len, sizeof value);
    assert_memory_equal(out, value, len);
    wd_free(out);
    assert_int_equal(xc_doc_get_value(doc, 4, &out, &len, &err), WD_OK);
    assert_int_equal(len, 0);
    wd_free(out);

    uint32_t tc = 0;
    assert_int_equal(xc_doc_termcount(doc, &tc, &err), WD_OK);
    assert_int_equal(tc, 2);
    struct seen s = { 0 };
    assert_int_equal(xc_doc_terms(doc, collect, &s, &err), WD_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.terms[0], "x");
    assert_int_equal(s.freqs[0], 1);
    assert_string_equal(s.terms[1], "y");
    assert_int_equal(s.freqs[1], 3); /* posting wdf 1 + add_term 2 */
    xc_doc_free(doc);

    /* The same data through a search hit. */
    xc_query *q = term("x");
    xc_mset *m = search(r, q);
    assert_int_equal(xc_mset_size(m), 1);
    assert_int_equal(xc_mset_data(m, 0, &out, &len, &err), WD_OK);
    assert_int_equal(len, sizeof data - 1);
    assert_memory_equal(out, data, len);
    wd_free(out);
    assert_int_equal(xc_mset_document(m, 0, &doc, &err), WD_OK);
    assert_int_equal(xc_doc_get_value(doc, 3, &out, &len, &err), WD_OK);
    assert_memory_equal(out, value, sizeof value);
    wd_free(out);
    xc_doc_free(doc);
    /* A hit's value without its document: empty for a slot it has none in. */
    assert_int_equal(xc_mset_value(m, 0, 3, &out, &len, &err), WD_OK);
    assert_int_equal(len, sizeof value);
    assert_memory_equal(out, value, len);
    wd_free(out);
    assert_int_equal(xc_mset_value(m, 0, 4, &out, &len, &err), WD_OK);
    assert_int_equal(len, 0);
    assert_string_equal(out, "");
    wd_free(out);
    out = (char *)1;
    assert_int_equal(xc_mset_value(m, 5, 3, &out, &len, &err), WD_EINVAL);
    assert_null(out);
    assert_int_equal(xc_mset_value(m, 0, 3, NULL, &len, &err), WD_EINVAL);
    out = (char *)1;
    assert_int_equal(xc_mset_data(m, 5, &out, &len, &err), WD_EINVAL);
    assert_null(out);
    doc = (xc_doc *)1;
    assert_int_equal(xc_mset_document(m, 5, &doc, &err), WD_EINVAL);
    assert_null(doc);
    xc_mset_free(m);
    xc_query_free(q);

    doc = (xc_doc *)1;
    assert_int_equal(xc_db_get_document(r, 42, &doc, &err), WD_ENOTFOUND);
    assert_null(doc);
    assert_string_equal(err.origin, "xapian:DocNotFoundError");
    xc_db_close(r);
}

static void test_xapian_c__long_term_refused_up_front(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    char big[247];
    memset(big, 'k', sizeof big);
    big[246] = '\0';
    char ok[246];
    memset(ok, 'o', sizeof ok);
    ok[245] = '\0';

    xc_db *w = open_db(path, XC_DB_CREATE);
    xc_doc *doc = doc_of_words("fine");
    assert_int_equal(xc_doc_add_posting(doc, big, 246, 2, 1, &err), WD_EINVAL);
    /* Refused by the shim itself, not by a Xapian exception. */
    assert_string_equal(err.origin, "xapian-c");
    assert_non_null(strstr(err.message, "246"));
    assert_non_null(strstr(err.message, "kkkkkkkk"));
    assert_int_equal(xc_doc_add_term(doc, big, 246, 1, &err), WD_EINVAL);
    assert_int_equal(xc_doc_add_boolean_term(doc, big, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "246"));
    assert_int_equal(xc_doc_add_term(doc, "", 0, 1, &err), WD_EINVAL);
    assert_int_equal(xc_doc_add_boolean_term(doc, "", &err), WD_EINVAL);
    /* The longest legal term is fine, with a position too. */
    assert_int_equal(xc_doc_add_posting(doc, ok, 245, 3, 1, &err), WD_OK);
    assert_int_equal(xc_doc_add_boolean_term(doc, ok, &err), WD_OK);

    int replaced = -1;
    xc_docid id = 99;
    assert_int_equal(xc_db_replace(w, big, doc, &id, &replaced, &err), WD_EINVAL);
    assert_int_equal(id, 0);
    assert_int_equal(replaced, 0);
    uint32_t deleted = 99;
    assert_int_equal(xc_db_delete(w, big, &deleted, &err), WD_EINVAL);
    assert_int_equal(deleted, 0);
    assert_int_equal(xc_db_delete(w, "", &deleted, &err), WD_EINVAL);

    /* The batch survives the refusals. */
    assert_int_equal(xc_db_add(w, doc, &id, &err), WD_OK);
    xc_doc_free(doc);
    add_words(w, "another one");
    assert_int_equal(xc_db_commit(w, &err), WD_OK);
    xc_db_close(w);

    xc_db *r = open_db(path, XC_DB_READ);
    uint32_t count = 0;
    assert_int_equal(xc_db_doccount(r, &count, &err), WD_OK);
    assert_int_equal(count, 2);
    assert_int_equal(xc_db_find(r, ok, &id, &err), WD_OK);
    assert_int_equal(id, 1);
    xc_db_close(r);
}

static void test_xapian_c__replace_by_unique_term(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE);
    add_words(w, "unrelated");

    xc_doc *doc = doc_of_words("first version");
    assert_int_equal(xc_doc_add_boolean_term(doc, "Qfaq-7", &err), WD_OK);
    xc_docid id1 = 0, id2 = 0, id3 = 0;
    int replaced = -1;
    assert_int_equal(xc_db_replace(w, "Qfaq-7", doc, &id1, &replaced, &err), WD_OK);
    assert_int_equal(replaced, 0);
    xc_doc_free(doc);

    /* Replacing inside the same uncommitted batch sees the first one. */
    doc = doc_of_words("second version");
    assert_int_equal(xc_doc_add_boolean_term(doc, "Qfaq-7", &err), WD_OK);
    assert_int_equal(xc_db_replace(w, "Qfaq-7", doc, &id2, &replaced, &err), WD_OK);
    assert_int_equal(replaced, 1);
    assert_int_equal(id2, id1);
    xc_doc_free(doc);
    assert_int_equal(xc_db_commit(w, &err), WD_OK);

    /* A document that lacks its unique term still gets found next time. */
    doc = doc_of_words("third version");
    assert_int_equal(xc_db_replace(w, "Qfaq-7", doc, &id3, &replaced, &err), WD_OK);
    assert_int_equal(replaced, 1);
    assert_int_equal(id3, id1);
    xc_doc_free(doc);
    doc = doc_of_words("fourth version");
    assert_int_equal(xc_db_replace(w, "Qfaq-7", doc, NULL, &replaced, &err), WD_OK);
    assert_int_equal(replaced, 1);
    xc_doc_free(doc);
    assert_int_equal(xc_db_commit(w, &err), WD_OK);

    uint32_t count = 0, tf = 0;
    assert_int_equal(xc_db_doccount(w, &count, &err), WD_OK);
    assert_int_equal(count, 2);
    assert_int_equal(xc_db_termfreq(w, "Qfaq-7", &tf, &err), WD_OK);
    assert_int_equal(tf, 1);
    xc_docid found = 0;
    assert_int_equal(xc_db_find(w, "Qfaq-7", &found, &err), WD_OK);
    assert_int_equal(found, id1);
    assert_int_equal(xc_db_termfreq(w, "first", &tf, &err), WD_OK);
    assert_int_equal(tf, 0);
    assert_int_equal(xc_db_termfreq(w, "fourth", &tf, &err), WD_OK);
    assert_int_equal(tf, 1);
    assert_int_equal(xc_db_find(w, "Qnobody", &found, &err), WD_ENOTFOUND);
    assert_int_equal(found, 0);
    assert_int_equal(xc_db_find(w, "", &found, &err), WD_EINVAL);
    xc_db_close(w);
}

static void test_xapian_c__delete_reports_count(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE);
    for (int i = 0; i < 3; i++) {
        xc_doc *doc = doc_of_words("body");
        assert_int_equal(xc_doc_add_boolean_term(doc, i < 2 ? "Sold" : "Snew", &err), WD_OK);
        assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
        xc_doc_free(doc);
    }
    uint32_t deleted = 0, count = 0;
    assert_int_equal(xc_db_delete(w, "Sold", &deleted, &err), WD_OK);
    assert_int_equal(deleted, 2);
    assert_int_equal(xc_db_delete(w, "Sold", &deleted, &err), WD_OK);
    assert_int_equal(deleted, 0);
    assert_int_equal(xc_db_delete(w, "Smissing", NULL, &err), WD_OK);
    assert_int_equal(xc_db_commit(w, &err), WD_OK);
    assert_int_equal(xc_db_doccount(w, &count, &err), WD_OK);
    assert_int_equal(count, 1);
    xc_db_close(w);
}

static void test_xapian_c__allterms_with_prefix(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE);
    add_words(w, "Afoo Abar Bbaz");
    add_words(w, "Afoo");
    assert_int_equal(xc_db_commit(w, &err), WD_OK);

    struct seen s = { 0 };
    assert_int_equal(xc_db_allterms(w, "A", collect, &s, &err), WD_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.terms[0], "Abar");
    assert_int_equal(s.freqs[0], 1);
    assert_string_equal(s.terms[1], "Afoo");
    assert_int_equal(s.freqs[1], 2);

    struct seen all = { 0 };
    assert_int_equal(xc_db_allterms(w, NULL, collect, &all, &err), WD_OK);
    assert_int_equal(all.n, 3);
    uint64_t tc = 0;
    assert_int_equal(xc_db_termcount(w, &tc, &err), WD_OK);
    assert_int_equal(tc, 3);

    /* The callback's non-zero return stops the walk and comes back. */
    struct seen stop = { .stop_after = 1 };
    assert_int_equal(xc_db_allterms(w, "", collect, &stop, &err), 42);
    assert_int_equal(stop.n, 1);
    xc_db_close(w);
}

/* ---- queries and ranking ------------------------------------------------- */

static void test_xapian_c__phrase_uses_positions(void **state)
{
    xc_db *w = open_db(in_dir(state, "db"), XC_DB_CREATE);
    add_words(w, "如何 申请 护照"); /* 1 */
    add_words(w, "护照 如何 申请"); /* 2 */
    add_words(w, "如何 尽快 申请"); /* 3 */
    xc_query *a = term("如何"), *b = term("申请");
    xc_query *phrase = combine2(XC_OP_PHRASE, a, b, 0);
    assert_string_equal(hits(w, phrase), "1,2");
    xc_query *c = term("护照");
    xc_query *p2 = combine2(XC_OP_PHRASE, b, c, 0);
    assert_string_equal(hits(w, p2), "1");
    /* NEAR within a window of 3 also takes the gapped one. */
    xc_query *near = combine2(XC_OP_NEAR, a, b, 3);
    assert_string_equal(hits(w, near), "1,2,3");
    xc_query *wide = combine2(XC_OP_PHRASE, a, b, 3);
    assert_string_equal(hits(w, wide), "1,2,3");
    xc_query_free(a);
    xc_query_free(b);
    xc_query_free(c);
    xc_query_free(phrase);
    xc_query_free(p2);
    xc_query_free(near);
    xc_query_free(wide);
    xc_db_close(w);
}

static void test_xapian_c__boolean_filter(void **state)
{
    wd_error err = { 0 };
    xc_db *w = open_db(in_dir(state, "db"), XC_DB_CREATE);
    const char *cats[3] = { "XCvisa", "XCtax", "XCvisa" };
    for (int i = 0; i < 3; i++) {
        xc_doc *doc = doc_of_words(i == 1 ? "passport tax" : "passport");
        assert_int_equal(xc_doc_add_boolean_term(doc, cats[i], &err), WD_OK);
        assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
        xc_doc_free(doc);
    }
    xc_query *p = term("passport"), *visa = term("XCvisa"), *tax = term("XCtax");
    xc_query *f = combine2(XC_OP_FILTER, p, visa, 0);
    assert_string_equal(hits(w, f), "1,3");
    /* A boolean term adds no weight: the filtered weights are the plain ones. */
    xc_mset *m1 = search(w, f), *m2 = search(w, p);
    assert_true(xc_mset_weight(m1, 0) > 0);
    assert_true(xc_mset_weight(m1, 0) == xc_mset_weight(m2, 1) ||
                xc_mset_weight(m1, 0) == xc_mset_weight(m2, 0));
    xc_mset_free(m1);
    xc_mset_free(m2);

    xc_query *all = NULL;
    assert_int_equal(xc_query_match_all(&all, &err), WD_OK);
    xc_query *only_tax = combine2(XC_OP_FILTER, all, tax, 0);
    assert_string_equal(hits(w, only_tax), "2");
    xc_query *not_tax = combine2(XC_OP_AND_NOT, p, tax, 0);
    assert_string_equal(hits(w, not_tax), "1,3");
    xc_query_free(p);
    xc_query_free(visa);
    xc_query_free(tax);
    xc_query_free(f);
    xc_query_free(all);
    xc_query_free(only_tax);
    xc_query_free(not_tax);
    xc_db_close(w);
}

static int count_facet(void *ctx, const char *value, size_t len, uint32_t count)
{
    char *out = ctx;
    size_t at = strlen(out);
    snprintf(out + at, 256 - at, "%s%.*s=%u", at ? "," : "", (int)len, value, count);
    return 0;
}

/* Value ranges (inclusive, open at either end; documents without the value
 * are outside) and facet counts over the whole match. */
static void test_xapian_c__value_range_and_facets(void **state)
{
    wd_error err = { 0 };
    xc_db *w = open_db(in_dir(state, "db"), XC_DB_CREATE);
    const char *dates[4] = { "2011-05-01", "2019-03-01", NULL, "2021-01-01" };
    const char *src[4] = { "a.md", "b.md", "a.md", "a.md" };
    for (int i = 0; i < 4; i++) {
        xc_doc *doc = doc_of_words("passport");
        if (dates[i])
            assert_int_equal(xc_doc_set_value(doc, 1, dates[i], 10, &err), WD_OK);
        assert_int_equal(xc_doc_set_value(doc, 2, src[i], 4, &err), WD_OK);
        static const char *const fields[4] = { "dept\0内科\0x\0y\0", "dept\0外科\0", "x\0dept\0",
                                               "dept\0内科\0" };
        static const size_t flen[4] = { 16, 12, 7, 12 };
        assert_int_equal(xc_doc_set_value(doc, 3, fields[i], flen[i], &err), WD_OK);
        assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
        xc_doc_free(doc);
    }
    xc_query *p = term("passport"), *r = NULL;
    assert_int_equal(xc_query_value_range(&r, 1, "2019-03-01", "2021-01-01", &err), WD_OK);
    xc_query *f = combine2(XC_OP_FILTER, p, r, 0);
    assert_string_equal(hits(w, f), "2,4");
    xc_query_free(r);
    xc_query_free(f);
    assert_int_equal(xc_query_value_range(&r, 1, NULL, "2019-12-31", &err), WD_OK);
    f = combine2(XC_OP_FILTER, p, r, 0);
    assert_string_equal(hits(w, f), "1,2");
    xc_query_free(r);
    xc_query_free(f);
    assert_int_equal(xc_query_value_range(&r, 1, NULL, NULL, &err), WD_OK);
    f = combine2(XC_OP_FILTER, p, r, 0);
    assert_string_equal(hits(w, f), "1,2,4");
    xc_query_free(r);
    xc_query_free(f);

    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    assert_int_equal(xc_enquire_new(&e, w, &err), WD_OK);
    assert_int_equal(xc_enquire_set_query(e, p, &err), WD_OK);
    assert_int_equal(xc_enquire_add_facet(e, 2, NULL, &err), WD_OK);
    assert_int_equal(xc_enquire_add_facet(e, 3, "dept", &err), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 0, 1, 4, &m, &err), WD_OK); /* a page of one */
    char out[256] = "";
    assert_int_equal(xc_enquire_facet_each(e, 2, NULL, 10, count_facet, out, &err), WD_OK);
    assert_string_equal(out, "a.md=3,b.md=1");
    out[0] = '\0';
    assert_int_equal(xc_enquire_facet_each(e, 3, "dept", 10, count_facet, out, &err), WD_OK);
    assert_string_equal(out, "内科=2,外科=1");
    assert_int_equal(xc_enquire_facet_each(e, 5, NULL, 10, count_facet, out, &err), WD_EINVAL);
    assert_int_equal(xc_enquire_facet_each(e, 3, "other", 10, count_facet, out, &err), WD_EINVAL);
    assert_int_equal(xc_enquire_add_facet(NULL, 2, NULL, &err), WD_EINVAL);
    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(p);
    xc_db_close(w);
}

static void test_xapian_c__operators_rank_as_expected(void **state)
{
    wd_error err = { 0 };
    xc_db *w = open_db(in_dir(state, "db"), XC_DB_CREATE);
    add_words(w, "apple");        /* 1 */
    add_words(w, "apple banana"); /* 2 */
    add_words(w, "banana");       /* 3 */
    add_words(w, "cherry");       /* 4 */
    xc_query *a = term("apple"), *b = term("banana");

    xc_query *or_q = combine2(XC_OP_OR, a, b, 0);
    assert_string_equal(hits(w, or_q), "2,1,3");
    xc_query *and_q = combine2(XC_OP_AND, a, b, 0);
    assert_string_equal(hits(w, and_q), "2");
    xc_query *maybe = combine2(XC_OP_AND_MAYBE, a, b, 0);
    assert_string_equal(hits(w, maybe), "2,1");
    xc_query *max = combine2(XC_OP_MAX, a, b, 0);
    assert_string_equal(hits(w, max), "1,3,2"); /* shorter docs win one term */
    xc_query *elite = combine2(XC_OP_ELITE_SET, a, b, 0);
    assert_string_equal(hits(w, elite), "2,1,3");

    /* A synonym group counts as one term: doc 2 holds it twice, in a doc
     * twice as long, so it stops winning outright as OR let it. */
    xc_query *syn = combine2(XC_OP_SYNONYM, a, b, 0);
    xc_mset *ms = search(w, syn), *mo = search(w, or_q);
    assert_int_equal(xc_mset_size(ms), 3);
    assert_true(xc_mset_weight(ms, 0) < xc_mset_weight(mo, 0));
    xc_mset_free(ms);
    xc_mset_free(mo);

    /* Scaling one side tenfold puts its single-term document on top. */
    xc_query *a10 = NULL, *b10 = NULL, *a0 = NULL;
    assert_int_equal(xc_query_scale(&a10, a, 10.0, &err), WD_OK);
    assert_int_equal(xc_query_scale(&b10, b, 10.0, &err), WD_OK);
    assert_int_equal(xc_query_scale(&a0, a, 0.0, &err), WD_OK);
    xc_query *favour_a = combine2(XC_OP_OR, a10, b, 0);
    xc_query *favour_b = combine2(XC_OP_OR, a, b10, 0);
    assert_string_equal(hits(w, favour_a), "1,2,3");
    assert_string_equal(hits(w, favour_b), "3,2,1");
    xc_mset *m10 = search(w, a10), *m1 = search(w, a), *m0 = search(w, a0);
    assert_true(xc_mset_weight(m10, 0) > 9.99 * xc_mset_weight(m1, 0));
    assert_true(xc_mset_weight(m10, 0) < 10.01 * xc_mset_weight(m1, 0));
    assert_int_equal(xc_mset_size(m0), 2); /* still matches, weightless */
    assert_true(xc_mset_weight(m0, 0) == 0.0);
    xc_mset_free(m10);
    xc_mset_free(m1);
    xc_mset_free(m0);
    xc_query *bad = (xc_query *)1;
    assert_int_equal(xc_query_scale(&bad, a, -1.0, &err), WD_EINVAL);
    assert_null(bad);

    char *desc = NULL;
    assert_int_equal(xc_query_describe(favour_a, &desc, &err), WD_OK);
    assert_non_null(strstr(desc, "apple"));
    assert_non_null(strstr(desc, "banana"));
    wd_free(desc);

    /* Empty combinations match nothing. */
    xc_query *empty = NULL;
    assert_int_equal(xc_query_combine(&empty, XC_OP_OR, NULL, 0, 0, &err), WD_OK);
    assert_true(xc_query_is_empty(empty));
    assert_false(xc_query_is_empty(or_q));
    assert_string_equal(hits(w, empty), "");
    xc_query_free(empty);

    xc_query *subs[2] = { a, NULL };
    xc_query *q = (xc_query *)1;
    assert_int_equal(xc_query_combine(&q, XC_OP_OR, subs, 2, 0, &err), WD_EINVAL);
    assert_null(q);
    q = (xc_query *)1;
    assert_int_equal(xc_query_combine(&q, 99, subs, 1, 0, &err), WD_EINVAL);
    assert_null(q);
    q = (xc_query *)1;
    assert_int_equal(xc_query_term(&q, "", 0, 1, 0, &err), WD_EINVAL);
    assert_null(q);
    q = (xc_query *)1;
    assert_int_equal(xc_query_term(&q, "x", 1, 0, 0, &err), WD_EINVAL);
    assert_null(q);

    xc_query *all[] = {
        a, b, or_q, and_q, maybe, max, elite, syn, a10, b10, a0, favour_a, favour_b
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        xc_query_free(all[i]);
    xc_db_close(w);
}

static void test_xapian_c__bm25_parameters_change_scores(void **state)
{
    wd_error err = { 0 };
    xc_db *w = open_db(in_dir(state, "db"), XC_DB_CREATE);
    add_words(w, "apple");                    /* 1: short */
    add_words(w, "apple pear plum fig kiwi"); /* 2: long */
    add_words(w, "other");
    xc_query *a = term("apple");
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    assert_int_equal(xc_enquire_new(&e, w, &err), WD_OK);
    assert_int_equal(xc_enquire_set_query(e, a, &err), WD_OK);

    /* Default b = 0.5: the shorter document scores higher. */
    assert_int_equal(xc_enquire_mset(e, 0, 10, 0, &m, &err), WD_OK);
    assert_int_equal(xc_mset_size(m), 2);
    assert_int_equal(xc_mset_docid(m, 0), 1);
    double w_short = xc_mset_weight(m, 0), w_long = xc_mset_weight(m, 1);
    assert_true(w_short > w_long);
    assert_true(xc_mset_max_possible(m) >= w_short);
    xc_mset_free(m);

    /* b = 0 ignores length: both weigh the same. */
    assert_int_equal(xc_enquire_set_bm25(e, 1, 0, 1, 0, 0.5, &err), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 0, 10, 0, &m, &err), WD_OK);
    assert_true(xc_mset_weight(m, 0) == xc_mset_weight(m, 1));
    assert_true(xc_mset_weight(m, 0) != w_short);
    xc_mset_free(m);

    /* A bigger k1 with full length normalisation widens the gap. */
    assert_int_equal(xc_enquire_set_bm25(e, 2, 0, 1, 1, 0.5, &err), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 0, 10, 0, &m, &err), WD_OK);
    assert_true(xc_mset_weight(m, 0) / xc_mset_weight(m, 1) > w_short / w_long);
    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(a);
    xc_db_close(w);
}

static void test_xapian_c__tiebreak_by_value(void **state)
{
    wd_error err = { 0 };
    xc_db *w = open_db(in_dir(state, "db"), XC_DB_CREATE);
    const char *keys[3] = { "c", "a", "b" };
    for (int i = 0; i < 3; i++) {
        xc_doc *doc = doc_of_words("same");
        assert_int_equal(xc_doc_set_value(doc, 1, keys[i], 1, &err), WD_OK);
        assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
        xc_doc_free(doc);
    }
    xc_query *q = term("same");
    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    assert_int_equal(xc_enquire_new(&e, w, &err), WD_OK);
    assert_int_equal(xc_enquire_set_query(e, q, &err), WD_OK);
    assert_int_equal(xc_enquire_set_tiebreak_value(e, 1, &err), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 0, 10, 0, &m, &err), WD_OK);
    assert_int_equal(xc_mset_docid(m, 0), 2);
    assert_int_equal(xc_mset_docid(m, 1), 3);
    assert_int_equal(xc_mset_docid(m, 2), 1);
    xc_mset_free(m);
    assert_int_equal(xc_enquire_set_tiebreak_value(e, -1, &err), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 1, 10, 0, &m, &err), WD_OK); /* from the 2nd */
    assert_int_equal(xc_mset_size(m), 2);
    assert_int_equal(xc_mset_docid(m, 0), 2);
    assert_int_equal(xc_mset_docid(m, 1), 3);
    assert_int_equal(xc_mset_docid(m, 2), 0); /* out of range */
    xc_mset_free(m);
    assert_int_equal(xc_enquire_set_tiebreak_value(e, -2, &err), WD_EINVAL);
    xc_enquire_free(e);
    xc_query_free(q);
    xc_db_close(w);
}

static void test_xapian_c__mset_termweight_and_matching_terms(void **state)
{
    wd_error err = { 0 };
    xc_db *w = open_db(in_dir(state, "db"), XC_DB_CREATE);
    add_words(w, "rare common");
    add_words(w, "common");
    add_words(w, "common filler");
    xc_query *r = term("rare"), *c = term("common"), *z = term("zebra");
    xc_query *or2 = combine2(XC_OP_OR, c, r, 0);
    xc_query *subs[3] = { or2, z, r };
    xc_query *q = NULL;
    assert_int_equal(xc_query_combine(&q, XC_OP_OR, subs, 3, 0, &err), WD_OK);

    xc_enquire *e = NULL;
    xc_mset *m = NULL;
    assert_int_equal(xc_enquire_new(&e, w, &err), WD_OK);
    assert_int_equal(xc_enquire_set_query(e, q, &err), WD_OK);
    assert_int_equal(xc_enquire_mset(e, 0, 10, 3, &m, &err), WD_OK);
    assert_int_equal(xc_mset_size(m), 3);
    assert_int_equal(xc_mset_estimated(m), 3);
    assert_true(xc_mset_upper_bound(m) >= 3);
    assert_int_equal(xc_mset_docid(m, 0), 1);

    double wr = 0, wc = 0, wz = -1;
    uint32_t tf = 0;
    assert_int_equal(xc_mset_termweight(m, "rare", &wr, &err), WD_OK);
    assert_int_equal(xc_mset_termweight(m, "common", &wc, &err), WD_OK);
    assert_true(wr > wc); /* rarer term, more weight */
    assert_int_equal(xc_mset_termweight(m, "zebra", &wz, &err), WD_OK);
    assert_true(wz == 0.0);
    assert_int_equal(xc_mset_termfreq(m, "common", &tf, &err), WD_OK);
    assert_int_equal(tf, 3);
    assert_int_equal(xc_mset_termfreq(m, "rare", &tf, &err), WD_OK);
    assert_int_equal(tf, 1);
    /* Not a query term: Xapian has no weight for it. */
    assert_int_equal(xc_mset_termweight(m, "filler", &wz, &err), WD_EINVAL);
    assert_non_null(strstr(err.message, "filler"));

    struct seen s = { 0 };
    assert_int_equal(xc_enquire_matching_terms(e, 1, collect, &s, &err), WD_OK);
    assert_int_equal(s.n, 2); /* sorted, "rare" only once */
    assert_string_equal(s.terms[0], "common");
    assert_int_equal(s.freqs[0], 3);
    assert_string_equal(s.terms[1], "rare");
    assert_int_equal(s.freqs[1], 1);

    xc_mset_free(m);
    xc_enquire_free(e);
    xc_query_free(q);
    xc_query_free(or2);
    xc_query_free(r);
    xc_query_free(c);
    xc_query_free(z);
    xc_db_close(w);
}

static void test_xapian_c__ngram_index_and_parse(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };
    xc_db *w = open_db(path, XC_DB_CREATE);
    xc_doc *doc = NULL;
    assert_int_equal(xc_doc_new(&doc, &err), WD_OK);
    const char *t1 = "如何申请护照";
    const char *t2 = "办理签证 visa";
    assert_int_equal(xc_doc_index_text_ngram(doc, t1, strlen(t1), "", 1, &err), WD_OK);
    assert_int_equal(xc_doc_index_text_ngram(doc, t2, strlen(t2), "", 1, &err), WD_OK);
    assert_int_equal(xc_doc_index_text_ngram(doc, t1, strlen(t1), "T", 2, &err), WD_OK);
    assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
    xc_doc_free(doc);
    assert_int_equal(xc_doc_new(&doc, &err), WD_OK);
    const char *t3 = "明天天气预报";
    assert_int_equal(xc_doc_index_text_ngram(doc, t3, strlen(t3), "", 1, &err), WD_OK);
    assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
    xc_doc_free(doc);
    assert_int_equal(xc_db_commit(w, &err), WD_OK);
    xc_db_close(w);

    xc_db *r = open_db(path, XC_DB_READ);
    uint32_t tf = 0;
    assert_int_equal(xc_db_termfreq(r, "护照", &tf, &err), WD_OK); /* bigram */
    assert_int_equal(tf, 1);
    assert_int_equal(xc_db_termfreq(r, "照", &tf, &err), WD_OK); /* unigram */
    assert_int_equal(tf, 1);
    assert_int_equal(xc_db_termfreq(r, "T护照", &tf, &err), WD_OK);
    assert_int_equal(tf, 1);
    assert_int_equal(xc_db_termfreq(r, "visa", &tf, &err), WD_OK);
    assert_int_equal(tf, 1);

    /* Positions continue across calls: the last character of the first
     * text is directly followed by the first of the second. */
    xc_query *zhao = term("照"), *ban = term("办");
    xc_query *across = combine2(XC_OP_PHRASE, zhao, ban, 0);
    assert_string_equal(hits(r, across), "1");

    xc_query *q = NULL;
    assert_int_equal(xc_query_parse_ngram(&q, r, "申请护照", "", &err), WD_OK);
    assert_false(xc_query_is_empty(q));
    assert_string_equal(hits(r, q), "1");
    xc_query_free(q);
    /* Space-separated spans are ORed (within one span the parser ANDs its
     * n-grams); the shorter document ranks first. */
    assert_int_equal(xc_query_parse_ngram(&q, NULL, "天气 护照", "", &err), WD_OK);
    assert_string_equal(hits(r, q), "2,1");
    xc_query_free(q);
    assert_int_equal(xc_query_parse_ngram(&q, r, "护照", "T", &err), WD_OK);
    char *desc = NULL;
    assert_int_equal(xc_query_describe(q, &desc, &err), WD_OK);
    assert_non_null(strstr(desc, "T护照"));
    wd_free(desc);
    assert_string_equal(hits(r, q), "1");
    xc_query_free(q);
    assert_int_equal(xc_query_parse_ngram(&q, r, "", "", &err), WD_OK);
    assert_true(xc_query_is_empty(q));
    xc_query_free(q);

    xc_query_free(zhao);
    xc_query_free(ban);
    xc_query_free(across);
    xc_db_close(r);
}

static void test_xapian_c__compact_gives_union(void **state)
{
    const char *a = in_dir(state, "a");
    const char *b = in_dir(state, "b");
    const char *dest = in_dir(state, "merged");
    wd_error err = { 0 };
    xc_db *w = open_db(a, XC_DB_CREATE);
    xc_doc *doc = doc_of_words("from a");
    assert_int_equal(xc_doc_add_boolean_term(doc, "Qa1", &err), WD_OK);
    assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
    xc_doc_free(doc);
    add_words(w, "also from a");
    xc_db_close(w);
    w = open_db(b, XC_DB_CREATE);
    doc = doc_of_words("from b");
    assert_int_equal(xc_doc_add_boolean_term(doc, "Qb1", &err), WD_OK);
    assert_int_equal(xc_db_add(w, doc, NULL, &err), WD_OK);
    xc_doc_free(doc);
    xc_db_close(w);

    const char *srcs[2] = { a, b };
    assert_int_equal(xc_compact(srcs, 2, dest, &err), WD_OK);
    xc_db *r = open_db(dest, XC_DB_READ);
    uint32_t count = 0, tf = 0;
    assert_int_equal(xc_db_doccount(r, &count, &err), WD_OK);
    assert_int_equal(count, 3);
    assert_int_equal(xc_db_termfreq(r, "from", &tf, &err), WD_OK);
    assert_int_equal(tf, 3);
    xc_docid id = 0;
    assert_int_equal(xc_db_find(r, "Qa1", &id, &err), WD_OK);
    assert_int_equal(id, 1);
    assert_int_equal(xc_db_find(r, "Qb1", &id, &err), WD_OK);
    assert_int_equal(id, 3);
    xc_db_close(r);

    const char *missing[1] = { in_dir(state, "nope") };
    assert_int_equal(xc_compact(missing, 1, in_dir(state, "out2"), &err), WD_ENOTFOUND);
    assert_non_null(strstr(err.message, "nope"));
    assert_int_equal(xc_compact(srcs, 0, dest, &err), WD_EINVAL);
}

/* ---- remote backend ------------------------------------------------------ */

static void test_xapian_c__remote_errors(void **state)
{
    (void)state;
    wd_error err = { 0 };
    xc_db *db = (xc_db *)1;
    /* Port 1 on loopback: nothing listens, the connection is refused. */
    assert_int_equal(xc_db_open(&db, "tcp://127.0.0.1:1", XC_DB_READ, &err), WD_ENETWORK);
    assert_null(db);
    assert_non_null(strstr(err.origin, "Network"));
    const char *bad[] = { "tcp://nohost", "tcp://host:", "tcp://:80", "tcp://h:99999",
                          "tcp://h:12x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        db = (xc_db *)1;
        assert_int_equal(xc_db_open(&db, bad[i], XC_DB_READ, &err), WD_EINVAL);
        assert_null(db);
    }
    db = (xc_db *)1;
    assert_int_equal(xc_db_open(&db, "tcp://127.0.0.1:1", XC_DB_CREATE_OR_OPEN, &err), WD_EINVAL);
    assert_null(db);
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(s, (struct sockaddr *)&sa, &len) != 0) {
        if (s >= 0)
            close(s);
        return -1;
    }
    close(s);
    return ntohs(sa.sin_port);
}

/* A real remote shard through xapian-tcpsrv (from xapian-tools), combined
 * with a local one. Skipped when the server is not installed. */
static void test_xapian_c__remote_shard_via_tcpsrv(void **state)
{
    const char *tcpsrv = "/usr/bin/xapian-tcpsrv";
    if (access(tcpsrv, X_OK) != 0)
        skip();
    const char *local = in_dir(state, "local");
    const char *remote = in_dir(state, "remote");
    wd_error err = { 0 };
    xc_db *w = open_db(local, XC_DB_CREATE);
    add_words(w, "shared local");
    xc_db_close(w);
    w = open_db(remote, XC_DB_CREATE);
    add_words(w, "shared remote");
    add_words(w, "shared remote again");
    xc_db_close(w);

    int port = free_port();
    assert_true(port > 0);
    char portstr[16], url[64];
    snprintf(portstr, sizeof portstr, "%d", port);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Its own process group: on SIGTERM xapian-tcpsrv signals its whole
         * group to stop its children, which would include us. */
        setpgid(0, 0);
        int devnull = open("/dev/null", 0);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execl(tcpsrv, "xapian-tcpsrv", "--interface", "127.0.0.1", "--port", portstr, remote,
              (char *)NULL);
        _exit(127);
    }
    xc_db *db = NULL;
    int rc = WD_ENETWORK;
    for (int i = 0; i < 100 && rc == WD_ENETWORK; i++) {
        xc_db_close(db);
        db = NULL;
        rc = xc_db_open(&db, url, XC_DB_READ, &err);
        if (rc == WD_ENETWORK) {
            struct timespec ts = { 0, 50 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
    }
    if (rc == WD_OK) {
        uint32_t count = 0;
        rc = xc_db_doccount(db, &count, &err);
        if (rc == WD_OK && count != 2)
            rc = WD_EINTERNAL;
        xc_db_close(db);
        db = NULL;
    }
    xc_db *shards = NULL;
    uint32_t tf = 0;
    if (rc == WD_OK) {
        const char *paths[2] = { local, url };
        rc = xc_db_open_shards(&shards, paths, 2, 5000, &err);
        if (rc == WD_OK)
            rc = xc_db_termfreq(shards, "shared", &tf, &err);
        xc_db_close(shards);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    if (rc != WD_OK)
        fail_msg("remote: %d %s %s", rc, err.origin, err.message);
    assert_int_equal(tf, 3);
}

/* ---- robustness ---------------------------------------------------------- */

/* ---- a database's files ------------------------------------------------- */

/* A path in the test's folder, in a buffer of the test's own (in_dir's
 * buffers rotate). */
#define PATH_IN(var, name)                                                                         \
    char var[256];                                                                                 \
    snprintf(var, sizeof var, "%s", in_dir(state, name))

static int fail_nth(void *ctx, size_t n);

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A database at `path` holding one document per word of `words`. */
static void make_db(const char *path, const char *words)
{
    xc_db *w = open_db(path, XC_DB_CREATE_OR_OVERWRITE);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", words);
    for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
        add_words(w, t);
    assert_int_equal(xc_db_commit(w, NULL), WD_OK);
    xc_db_close(w);
}

static uint32_t doccount_of(const char *path)
{
    xc_db *r = open_db(path, XC_DB_READ);
    uint32_t n = 0;
    assert_int_equal(xc_db_doccount(r, &n, NULL), WD_OK);
    xc_db_close(r);
    return n;
}

/* The bytes of every regular file directly in `dir` but `except`. */
static uint64_t files_size(const char *dir, const char *except)
{
    char cmd[512], out[64] = "";
    snprintf(cmd, sizeof cmd,
             "find %s -maxdepth 1 -type f ! -name '%s' -printf '%%s\\n' | "
             "awk '{ s += $1 } END { print s + 0 }'",
             dir, except);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, sizeof out, p));
    pclose(p);
    return strtoull(out, NULL, 10);
}

static void test_xapian_c__dir_tells_a_database_from_an_interrupted_create(void **state)
{
    PATH_IN(db, "db");
    PATH_IN(half, "half");
    PATH_IN(empty, "empty");
    PATH_IN(damaged, "damaged");
    char p[320];
    make_db(db, "one two");
    assert_int_equal(mkdir(half, 0777), 0);
    snprintf(p, sizeof p, "%s/postlist.glass", half);
    write_file(p, ""); /* Xapian writes the version file last, the tables' blocks later */
    assert_int_equal(mkdir(empty, 0777), 0);
    /* Tables with content but no version file: damage, not a create. */
    assert_int_equal(mkdir(damaged, 0777), 0);
    snprintf(p, sizeof p, "%s/postlist.glass", damaged);
    write_file(p, "blocks");
    assert_int_equal(xc_dir_has_interrupted_create(damaged), 0);
    wd_error err;
    assert_int_equal(xc_db_check_files(damaged, &err), WD_ECORRUPT);
    assert_non_null(strstr(err.message, "iamglass"));
    assert_int_equal(xc_db_check_files(db, &err), WD_OK);
    assert_int_equal(xc_db_check_files(half, &err), WD_OK);
    assert_int_equal(xc_db_check_files(empty, &err), WD_OK);

    assert_int_equal(xc_dir_has_db(db), 1);
    assert_int_equal(xc_dir_has_interrupted_create(db), 0);
    assert_int_equal(xc_dir_has_db(half), 0);
    assert_int_equal(xc_dir_has_interrupted_create(half), 1);
    assert_int_equal(xc_dir_has_db(empty), 0);
    assert_int_equal(xc_dir_has_interrupted_create(empty), 0);
    assert_int_equal(xc_dir_has_db(in_dir(state, "missing")), 0);
    assert_int_equal(xc_dir_has_interrupted_create(in_dir(state, "missing")), 0);

    /* The leftovers of an interrupted create are overwritten. */
    make_db(half, "three");
    assert_int_equal(doccount_of(half), 1);

    /* A lasting table missing beside the version file: damage, named. */
    PATH_IN(notable, "notable");
    make_db(notable, "four");
    snprintf(p, sizeof p, "%s/termlist.glass", notable);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(xc_db_check_files(notable, &err), WD_ECORRUPT);
    assert_non_null(strstr(err.message, "termlist.glass"));

    /* Syncing keeps the database; removing it leaves the folder and other files. */
    assert_int_equal(xc_db_sync_files(db, NULL), WD_OK);
    snprintf(p, sizeof p, "%s/keep.txt", db);
    write_file(p, "mine");
    assert_int_equal(xc_db_remove_files(db, NULL), WD_OK);
    assert_int_equal(xc_dir_has_db(db), 0);
    assert_int_equal(xc_dir_has_interrupted_create(db), 0);
    assert_true(file_exists(p));
    assert_int_equal(files_size(db, "keep.txt"), 0);
}

static void test_xapian_c__install_replaces_a_database(void **state)
{
    PATH_IN(dest, "dest");
    PATH_IN(src, "src");
    PATH_IN(empty, "empty");
    char p[320];
    wd_error err = { 0 };
    /* dest has positions, src has none: its position table must not survive. */
    make_db(dest, "old");
    {
        xc_db *w = open_db(dest, XC_DB_OPEN);
        add_words(w, "with some positions");
        xc_db_close(w);
    }
    xc_db *w = open_db(src, XC_DB_CREATE);
    for (int i = 0; i < 3; i++) {
        xc_doc *d = NULL;
        assert_int_equal(xc_doc_new(&d, NULL), WD_OK);
        assert_int_equal(xc_doc_add_term(d, "new", 3, 1, NULL), WD_OK);
        assert_int_equal(xc_db_add(w, d, NULL, NULL), WD_OK);
        xc_doc_free(d);
    }
    xc_db_close(w);
    snprintf(p, sizeof p, "%s/position.glass", src);
    int src_positions = file_exists(p);
    snprintf(p, sizeof p, "%s/position.glass", dest);
    assert_true(file_exists(p));

    assert_int_equal(xc_db_install(src, dest, &err), WD_OK);
    assert_int_equal(doccount_of(dest), 3);
    assert_int_equal(file_exists(p), src_positions);
    assert_false(file_exists(src)); /* emptied and removed */
    xc_db *r = open_db(dest, XC_DB_READ);
    uint32_t tf = 0;
    assert_int_equal(xc_db_termfreq(r, "new", &tf, NULL), WD_OK);
    assert_int_equal(tf, 3);
    assert_int_equal(xc_db_termfreq(r, "old", &tf, NULL), WD_OK);
    assert_int_equal(tf, 0);
    xc_db_close(r);

    /* Into a folder with no database, too; a source without one is refused. */
    assert_int_equal(mkdir(empty, 0777), 0);
    make_db(src, "a b");
    assert_int_equal(xc_db_install(src, empty, &err), WD_OK);
    assert_int_equal(doccount_of(empty), 2);
    assert_int_equal(mkdir(src, 0777), 0);
    assert_int_equal(xc_db_install(src, dest, &err), WD_EINTERNAL);
    assert_non_null(strstr(err.message, "no database to install"));
    assert_int_equal(doccount_of(dest), 3);
}

static void test_xapian_c__interrupted_install_is_finished(void **state)
{
    PATH_IN(dest, "dest");
    PATH_IN(src, "src");
    char cmd[1024];
    int finished = -1;
    wd_error err = { 0 };
    make_db(dest, "a");
    make_db(src, "b c d");

    /* No install under way: nothing to do. */
    assert_int_equal(xc_db_install_recover(src, dest, &finished, &err), WD_OK);
    assert_int_equal(finished, 0);
    assert_int_equal(doccount_of(dest), 1);
    assert_int_equal(doccount_of(src), 3);

    /* Killed after the list was written, dest's version file removed and
     * one table moved: dest is no database until the move is finished. */
    snprintf(cmd, sizeof cmd,
             "cd %s && ls *.glass > wenda.ready && rm %s/iamglass && mv postlist.glass %s/", src,
             dest, dest);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(xc_dir_has_db(dest), 0);
    assert_int_equal(xc_db_install_recover(src, dest, &finished, &err), WD_OK);
    assert_int_equal(finished, 1);
    assert_int_equal(doccount_of(dest), 3);
    assert_false(file_exists(src));

    /* Killed after the last move, before the list was removed. */
    make_db(src, "e f");
    PATH_IN(dest2, "dest2");
    assert_int_equal(mkdir(dest2, 0777), 0);
    snprintf(cmd, sizeof cmd, "cd %s && ls *.glass > wenda.ready && mv *.glass iamglass %s/", src,
             dest2);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(xc_db_install_recover(src, dest2, NULL, &err), WD_OK);
    assert_false(file_exists(src));
    assert_int_equal(doccount_of(dest2), 2);
}

static void test_xapian_c__stub_read_resolves_paths_and_remotes(void **state)
{
    PATH_IN(dir, "idx");
    char stub[320], want[320];
    xc_stub st;
    wd_error err = { 0 };
    assert_int_equal(mkdir(dir, 0777), 0);
    snprintf(stub, sizeof stub, "%s/XAPIANDB", dir);
    write_file(stub, "# a comment\n"
                     "\n"
                     "auto shard-1\n"
                     "glass /abs/shard\r\n"
                     "remote 127.0.0.1:7000\n"
                     "remote [::1]:7001\n");
    /* A folder holding XAPIANDB and no database, or the file itself. */
    assert_int_equal(xc_path_is_stub(dir), 1);
    assert_int_equal(xc_path_is_stub(stub), 1);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(xc_stub_read(i ? stub : dir, &st, &err), WD_OK);
        assert_int_equal(st.unknown, 0);
        assert_int_equal(st.lines, 4);
        assert_int_equal(st.n, 4);
        snprintf(want, sizeof want, "%s/shard-1", dir);
        assert_string_equal(st.shards[0], want);
        assert_string_equal(st.shards[1], "/abs/shard");
        assert_string_equal(st.shards[2], "tcp://127.0.0.1:7000");
        assert_string_equal(st.shards[3], "tcp://[::1]:7001");
        xc_stub_clear(&st);
        assert_null(st.shards);
        assert_int_equal(st.n, 0);
    }
    /* A stub beside a database is no stub to Xapian. */
    assert_int_equal(unlink(stub), 0);
    make_db(dir, "x");
    write_file(stub, "auto shard-1\n");
    assert_int_equal(xc_path_is_stub(dir), 0);
    assert_int_equal(xc_path_is_stub(in_dir(state, "missing")), 0);
    assert_int_equal(xc_stub_read(in_dir(state, "missing"), &st, &err), WD_ENOTFOUND);
    assert_int_equal(st.n, 0);
    assert_null(st.shards);
}

static void test_xapian_c__stub_read_expands_nested_stubs(void **state)
{
    PATH_IN(top, "top");
    char p[320], want[320];
    xc_stub st;
    /* top lists inner (a folder stub) and c; inner lists a and b. */
    assert_int_equal(mkdir(top, 0777), 0);
    snprintf(p, sizeof p, "%s/inner", top);
    assert_int_equal(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/inner/XAPIANDB", top);
    write_file(p, "auto a\nauto b\n");
    snprintf(p, sizeof p, "%s/XAPIANDB", top);
    write_file(p, "auto inner\nauto c\n");
    assert_int_equal(xc_stub_read(top, &st, NULL), WD_OK);
    assert_int_equal(st.unknown, 0);
    assert_int_equal(st.lines, 2);
    assert_int_equal(st.n, 3);
    snprintf(want, sizeof want, "%s/inner/a", top);
    assert_string_equal(st.shards[0], want);
    snprintf(want, sizeof want, "%s/inner/b", top);
    assert_string_equal(st.shards[1], want);
    snprintf(want, sizeof want, "%s/c", top);
    assert_string_equal(st.shards[2], want);
    xc_stub_clear(&st);

    /* Stub files listing stub files four deep are read; five are Xapian's. */
    for (int depth = 4; depth <= 5; depth++) {
        for (int i = 0; i < depth; i++) {
            char next[32];
            snprintf(p, sizeof p, "%s/s%d-%d.stub", top, depth, i);
            snprintf(next, sizeof next, "auto s%d-%d.stub\n", depth, i + 1);
            write_file(p, i + 1 < depth ? next : "auto leaf\n");
        }
        snprintf(p, sizeof p, "%s/s%d-0.stub", top, depth);
        assert_int_equal(xc_stub_read(p, &st, NULL), WD_OK);
        assert_int_equal(st.unknown, depth == 5);
        assert_int_equal(st.n, depth == 5 ? 0 : 1);
        xc_stub_clear(&st);
    }
}

static void test_xapian_c__stub_read_reports_lines_it_cannot_express(void **state)
{
    static const char *const lines[] = { "remote :xapian-progsrv db\n",
                                         "inmemory x\n",
                                         "chert old\n",
                                         "auto\n",
                                         "auto \n",
                                         "remote host\n",
                                         "remote host:\n",
                                         "remote [::1]\n" };
    PATH_IN(stub, "db.stub");
    xc_stub st;
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        char text[128];
        snprintf(text, sizeof text, "auto a\n%sauto b\n", lines[i]);
        write_file(stub, text);
        assert_int_equal(xc_stub_read(stub, &st, NULL), WD_OK);
        if (!st.unknown)
            fail_msg("not reported: %s", lines[i]);
        assert_int_equal(st.n, 0);
        assert_null(st.shards);
        assert_int_equal(st.lines, 3); /* counted all the same */
        xc_stub_clear(&st);
    }
    /* A binary file, such as a single-file database, is no list either. */
    char bin[5000];
    memset(bin, 'x', sizeof bin - 1);
    bin[sizeof bin - 1] = '\0';
    write_file(stub, bin);
    assert_int_equal(xc_stub_read(stub, &st, NULL), WD_OK);
    assert_int_equal(st.unknown, 1);
    assert_int_equal(st.lines, 1);
    xc_stub_clear(&st);
}

static void test_xapian_c__stub_write_round_trips(void **state)
{
    PATH_IN(dir, "idx");
    const char *const shards[] = { "shard-1", "shard-2", "/abs/x", "tcp://10.0.0.1:7000" };
    char p[320], text[256] = "", want[320];
    wd_error err = { 0 };
    assert_int_equal(mkdir(dir, 0777), 0);
    assert_int_equal(xc_stub_write(dir, "two local shards", shards, 4, &err), WD_OK);
    snprintf(p, sizeof p, "%s/XAPIANDB", dir);
    FILE *fp = fopen(p, "r");
    assert_non_null(fp);
    size_t n = fread(text, 1, sizeof text - 1, fp);
    text[n] = '\0';
    fclose(fp);
    assert_string_equal(text, "# two local shards\n"
                              "auto shard-1\n"
                              "auto shard-2\n"
                              "auto /abs/x\n"
                              "remote 10.0.0.1:7000\n");
    snprintf(p, sizeof p, "%s/XAPIANDB.tmp", dir);
    assert_false(file_exists(p));
    xc_stub st;
    assert_int_equal(xc_stub_read(dir, &st, &err), WD_OK);
    assert_int_equal(st.n, 4);
    snprintf(want, sizeof want, "%s/shard-2", dir);
    assert_string_equal(st.shards[1], want);
    assert_string_equal(st.shards[2], "/abs/x");
    assert_string_equal(st.shards[3], "tcp://10.0.0.1:7000");
    xc_stub_clear(&st);

    /* The stub opens as the union of its shards. */
    make_db(in_dir(state, "idx/shard-1"), "a b");
    make_db(in_dir(state, "idx/shard-2"), "c");
    assert_int_equal(xc_stub_write(dir, NULL, shards, 2, &err), WD_OK);
    assert_int_equal(doccount_of(dir), 3);

    const char *const bad[] = { "ok", "two\nlines" };
    assert_int_equal(xc_stub_write(dir, NULL, bad, 2, &err), WD_EINVAL);
    const char *const empty[] = { "" };
    assert_int_equal(xc_stub_write(dir, NULL, empty, 1, &err), WD_EINVAL);
    assert_int_equal(xc_stub_write(dir, "a\nb", shards, 1, &err), WD_EINVAL);
    assert_int_equal(xc_stub_write(in_dir(state, "missing"), NULL, shards, 1, &err), WD_EIO);
    assert_non_null(strstr(err.message, "cannot write the shard list"));
    assert_int_equal(doccount_of(dir), 3); /* the old list stays */
}

static void test_xapian_c__disk_size_of_single_and_sharded_indexes(void **state)
{
    PATH_IN(one, "one");
    PATH_IN(sh, "sh");
    char p[320];
    uint64_t size = 1;
    wd_error err = { 0 };
    make_db(one, "a b c d e f");
    write_file(in_dir(state, "one/wenda.lock"), "12345\n"); /* not the database's */
    assert_int_equal(xc_db_disk_size(one, &size, &err), WD_OK);
    assert_true(size > 0);
    assert_int_equal(size, files_size(one, "wenda.lock"));

    assert_int_equal(mkdir(sh, 0777), 0);
    make_db(in_dir(state, "sh/shard-1"), "a b c");
    make_db(in_dir(state, "sh/shard-2"), "d e f g");
    const char *const shards[] = { "shard-1", "shard-2", "tcp://127.0.0.1:1" };
    assert_int_equal(xc_stub_write(sh, NULL, shards, 3, &err), WD_OK);
    uint64_t s1 = 0, s2 = 0;
    assert_int_equal(xc_db_disk_size(in_dir(state, "sh/shard-1"), &s1, &err), WD_OK);
    assert_int_equal(xc_db_disk_size(in_dir(state, "sh/shard-2"), &s2, &err), WD_OK);
    assert_int_equal(xc_db_disk_size(sh, &size, &err), WD_OK);
    assert_true(s1 > 0 && s2 > 0);
    assert_int_equal(size, s1 + s2); /* the remote counts 0 */
    snprintf(p, sizeof p, "%s/XAPIANDB", sh);
    assert_int_equal(xc_db_disk_size(p, &size, &err), WD_OK);
    assert_int_equal(size, s1 + s2);

    assert_int_equal(xc_db_disk_size("tcp://127.0.0.1:1", &size, &err), WD_OK);
    assert_int_equal(size, 0);
    size = 1;
    assert_int_equal(xc_db_disk_size(in_dir(state, "missing"), &size, &err), WD_ENOTFOUND);
    assert_int_equal(size, 0);
    assert_int_equal(xc_db_disk_size(NULL, &size, &err), WD_EINVAL);
    assert_int_equal(xc_db_disk_size(one, NULL, &err), WD_EINVAL);
}

static void test_xapian_c__file_functions_fail_cleanly(void **state)
{
    PATH_IN(dir, "idx");
    wd_error err = { 0 };
    xc_stub st;
    assert_int_equal(xc_dir_has_db(NULL), 0);
    assert_int_equal(xc_dir_has_interrupted_create(""), 0);
    assert_int_equal(xc_path_is_stub(NULL), 0);
    assert_int_equal(xc_db_sync_files(NULL, &err), WD_EINVAL);
    assert_int_equal(xc_db_remove_files("", &err), WD_EINVAL);
    assert_int_equal(xc_db_install(NULL, "x", &err), WD_EINVAL);
    assert_int_equal(xc_db_install_recover("x", NULL, NULL, &err), WD_EINVAL);
    assert_int_equal(xc_stub_read(NULL, &st, &err), WD_EINVAL);
    assert_int_equal(xc_stub_read("x", NULL, &err), WD_EINVAL);
    assert_int_equal(xc_stub_write(NULL, NULL, NULL, 0, &err), WD_EINVAL);
    xc_stub_clear(NULL);

    /* Every allocation of reading a stub in turn: a clean WD_ENOMEM and an
     * empty list, until the run that succeeds. */
    assert_int_equal(mkdir(dir, 0777), 0);
    const char *const shards[] = { "shard-1", "shard-2" };
    assert_int_equal(xc_stub_write(dir, NULL, shards, 2, &err), WD_OK);
    int rc = WD_ENOMEM;
    for (long nth = 0; nth < 16 && rc != WD_OK; nth++) {
        long left = nth;
        wd_alloc_set_fail_hook(fail_nth, &left);
        rc = xc_stub_read(dir, &st, &err);
        wd_alloc_set_fail_hook(NULL, NULL);
        if (rc != WD_OK) {
            assert_int_equal(rc, WD_ENOMEM);
            assert_int_equal(err.code, WD_ENOMEM);
            assert_null(st.shards);
            assert_int_equal(st.n, 0);
        }
    }
    assert_int_equal(rc, WD_OK);
    assert_int_equal(st.n, 2);
    xc_stub_clear(&st);
}

static void test_xapian_c__free_null_is_noop(void **state)
{
    (void)state;
    xc_db_close(NULL);
    xc_doc_free(NULL);
    xc_query_free(NULL);
    xc_enquire_free(NULL);
    xc_mset_free(NULL);
    assert_int_equal(xc_db_is_writable(NULL), 0);
    assert_int_equal(xc_query_is_empty(NULL), 1);
    assert_int_equal(xc_mset_size(NULL), 0);
    assert_int_equal(xc_mset_estimated(NULL), 0);
    assert_int_equal(xc_mset_upper_bound(NULL), 0);
    assert_true(xc_mset_max_possible(NULL) == 0.0);
    assert_int_equal(xc_mset_docid(NULL, 0), 0);
    assert_true(xc_mset_weight(NULL, 0) == 0.0);
}

static void test_xapian_c__null_arguments_are_einval(void **state)
{
    (void)state;
    wd_error err = { 0 };
    uint32_t u = 0;
    xc_docid id = 0;
    xc_db *db = (xc_db *)1;
    assert_int_equal(xc_db_open(&db, NULL, XC_DB_READ, &err), WD_EINVAL);
    assert_null(db);
    assert_int_equal(xc_db_open(NULL, "x", XC_DB_READ, &err), WD_EINVAL);
    assert_int_equal(xc_db_commit(NULL, &err), WD_EINVAL);
    assert_int_equal(xc_db_reopen(NULL, NULL, &err), WD_EINVAL);
    assert_int_equal(xc_db_doccount(NULL, &u, &err), WD_EINVAL);
    assert_int_equal(xc_db_find(NULL, "x", &id, &err), WD_EINVAL);
    assert_int_equal(xc_db_allterms(NULL, "", collect, NULL, &err), WD_EINVAL);
    assert_int_equal(xc_db_replace(NULL, "Q", NULL, NULL, NULL, &err), WD_EINVAL);
    assert_int_equal(xc_db_delete(NULL, "Q", NULL, &err), WD_EINVAL);
    xc_doc *doc = (xc_doc *)1;
    assert_int_equal(xc_db_get_document(NULL, 1, &doc, &err), WD_EINVAL);
    assert_null(doc);
    assert_int_equal(xc_doc_add_posting(NULL, "x", 1, 1, 1, &err), WD_EINVAL);
    assert_int_equal(xc_doc_set_data(NULL, "x", 1, &err), WD_EINVAL);
    char *s = (char *)1;
    assert_int_equal(xc_doc_get_data(NULL, &s, NULL, &err), WD_EINVAL);
    assert_null(s);
    assert_int_equal(xc_doc_index_text_ngram(NULL, "x", 1, "", 1, &err), WD_EINVAL);
    xc_enquire *e = (xc_enquire *)1;
    assert_int_equal(xc_enquire_new(&e, NULL, &err), WD_EINVAL);
    assert_null(e);
    xc_mset *m = (xc_mset *)1;
    assert_int_equal(xc_enquire_mset(NULL, 0, 10, 0, &m, &err), WD_EINVAL);
    assert_null(m);
    xc_query *q = (xc_query *)1;
    assert_int_equal(xc_query_parse_ngram(&q, NULL, NULL, "", &err), WD_EINVAL);
    assert_null(q);
    assert_int_equal(xc_query_describe(NULL, &s, &err), WD_EINVAL);
    /* err may be NULL. */
    assert_int_equal(xc_db_commit(NULL, NULL), WD_EINVAL);
}

static int fail_all(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return 1;
}

/* Fail exactly the allocation whose number is *ctx (counting from 0). */
static int fail_nth(void *ctx, size_t n)
{
    (void)n;
    long *left = ctx;
    return (*left)-- == 0;
}

static void test_xapian_c__allocation_failure_is_enomem(void **state)
{
    const char *path = in_dir(state, "db");
    wd_error err = { 0 };

    wd_alloc_set_fail_hook(fail_all, NULL);
    xc_doc *doc = (xc_doc *)1;
    assert_int_equal(xc_doc_new(&doc, &err), WD_ENOMEM);
    assert_null(doc);
    assert_int_equal(err.code, WD_ENOMEM);
    xc_query *q = (xc_query *)1;
    assert_int_equal(xc_query_term(&q, "x", 1, 1, 0, &err), WD_ENOMEM);
    assert_null(q);
    xc_db *db = (xc_db *)1;
    assert_int_equal(xc_db_open(&db, path, XC_DB_CREATE, &err), WD_ENOMEM);
    assert_null(db);
    wd_alloc_set_fail_hook(NULL, NULL);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0); /* nothing created on disk */

    /* Every allocation of a small workflow in turn: each failure is a clean
     * WD_ENOMEM, and the run with no failure succeeds. */
    int saw_success = 0;
    for (long nth = 0; nth < 64 && !saw_success; nth++) {
        long left = nth;
        xc_db *w = NULL;
        xc_doc *d = NULL;
        xc_query *t = NULL;
        xc_enquire *e = NULL;
        xc_mset *m = NULL;
        char *data = NULL;
        wd_alloc_set_fail_hook(fail_nth, &left);
        int rc = xc_db_open(&w, path, XC_DB_CREATE_OR_OVERWRITE, &err);
        if (!rc)
            rc = xc_doc_new(&d, &err);
        if (!rc)
            rc = xc_doc_add_posting(d, "word", 4, 1, 1, &err);
        if (!rc)
            rc = xc_doc_set_data(d, "payload", 7, &err);
        if (!rc)
            rc = xc_db_add(w, d, NULL, &err);
        if (!rc)
            rc = xc_query_term(&t, "word", 4, 1, 0, &err);
        if (!rc)
            rc = xc_enquire_new(&e, w, &err);
        if (!rc)
            rc = xc_enquire_set_query(e, t, &err);
        if (!rc)
            rc = xc_enquire_mset(e, 0, 10, 0, &m, &err);
        if (!rc)
            rc = xc_mset_data(m, 0, &data, NULL, &err);
        wd_alloc_set_fail_hook(NULL, NULL);
        if (rc) {
            assert_int_equal(rc, WD_ENOMEM);
            assert_int_equal(err.code, WD_ENOMEM);
        } else {
            assert_string_equal(data, "payload");
            saw_success = 1;
        }
        wd_free(data);
        xc_mset_free(m);
        xc_enquire_free(e);
        xc_query_free(t);
        xc_doc_free(d);
        xc_db_close(w);
    }
    assert_true(saw_success);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_xapian_c__##name, setup, teardown)
        T(create_open_commit_reopen),
        T(missing_path_is_not_found),
        T(stub_file_opens_for_reading),
        T(second_writer_is_locked),
        T(shards_combine),
        T(metadata_round_trip),
        T(values_and_data_round_trip),
        T(long_term_refused_up_front),
        T(replace_by_unique_term),
        T(delete_reports_count),
        T(allterms_with_prefix),
        T(phrase_uses_positions),
        T(boolean_filter),
        T(value_range_and_facets),
        T(operators_rank_as_expected),
        T(bm25_parameters_change_scores),
        T(tiebreak_by_value),
        T(mset_termweight_and_matching_terms),
        T(ngram_index_and_parse),
        T(compact_gives_union),
        T(remote_errors),
        T(remote_shard_via_tcpsrv),
        T(dir_tells_a_database_from_an_interrupted_create),
        T(install_replaces_a_database),
        T(interrupted_install_is_finished),
        T(stub_read_resolves_paths_and_remotes),
        T(stub_read_expands_nested_stubs),
        T(stub_read_reports_lines_it_cannot_express),
        T(stub_write_round_trips),
        T(disk_size_of_single_and_sharded_indexes),
        T(file_functions_fail_cleanly),
        T(free_null_is_noop),
        T(null_arguments_are_einval),
        T(allocation_failure_is_enomem),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
