/*
 * test_shards.c - a searcher's shard list (query/shards.h), through that
 * API only: what wd_shards_parse makes of a plain index, a comma list, a
 * Xapian stub file (auto/glass paths relative and absolute, remote
 * host:port, comments, nested stubs, lines it leaves to Xapian) and a
 * folder holding a stub; then opening a list of two real local shards and a
 * dead remote one (a loopback port nothing listens on, so the connection is
 * refused at once), strictly and with allow_partial, and what prepare and
 * recover do afterwards; a remote that hangs (a loopback port that listens
 * but never answers) and the shard watch (shardwatch.h) every list shares.
 * The live remote cases (xapian-tcpsrv) are in test_shards.sh and
 * test_shards_partial.sh.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "shards.h"
#include "shardwatch.h"
#include "xapian_c.h"

#define TIMEOUT_MS 3000

static char g_dir[64];
static char g_a[128], g_b[128]; /* two small indexes: 2 and 3 documents */
static char g_dead[64];         /* tcp://127.0.0.1:PORT, nothing listening */
static char g_hung[64];         /* tcp://127.0.0.1:PORT, listening, never answering */
static int g_hung_fd = -1;

/* A loopback port nothing listens on: bound, then let go. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

static int setup_all(void **state)
{
    (void)state;
    if (th_tmpdir(g_dir, sizeof g_dir, "shards") != 0)
        return -1;
    snprintf(g_a, sizeof g_a, "%s/a", g_dir);
    snprintf(g_b, sizeof g_b, "%s/b", g_dir);
    wd_dict *dict = NULL;
    if (wd_dict_load(&dict, NULL, NULL) != WD_OK)
        return -1;
    const wd_record a[] = {
        { .id = "a1", .question = "低保户要交医保吗", .answer = "医疗救助资助。", .source = "a" },
        { .id = "a2", .question = "新生儿医保在哪里办", .answer = "户籍地办理。", .source = "a" },
    };
    const wd_record b[] = {
        { .id = "b1", .question = "异地就医怎么报销", .answer = "先备案。", .source = "b" },
        { .id = "b2", .question = "医保卡丢了怎么办", .answer = "补办。", .source = "b" },
        { .id = "b3", .question = "灵活就业怎么交医保", .answer = "按月缴费。", .source = "b" },
    };
    int rc = th_index_records(g_a, dict, a, 2, NULL);
    if (rc == WD_OK)
        rc = th_index_records(g_b, dict, b, 3, NULL);
    wd_dict_free(dict);
    int port = free_port();
    if (rc != WD_OK || port <= 0)
        return -1;
    snprintf(g_dead, sizeof g_dead, "tcp://127.0.0.1:%d", port);
    /* A server that hangs: the kernel accepts connections for it, nobody
     * ever reads them (as a shard's server stopped with SIGSTOP). */
    g_hung_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (g_hung_fd < 0 || bind(g_hung_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(g_hung_fd, 64) != 0 || getsockname(g_hung_fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    snprintf(g_hung, sizeof g_hung, "tcp://127.0.0.1:%d", ntohs(sa.sin_port));
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    th_rmtree(g_dir);
    if (g_hung_fd >= 0)
        close(g_hung_fd);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------- */

/* A file under the test's folder with this content; its path in out. */
static const char *put(char *out, size_t cap, const char *name, const char *text)
{
    th_write_text(th_path(out, cap, g_dir, name), text);
    return out;
}

/* wd_shards_parse, expecting WD_OK. */
static wd_shards *parse(const char *path)
{
    wd_shards *sh = (wd_shards *)&sh;
    wd_error err;
    wd_error_clear(&err);
    int rc = wd_shards_parse(&sh, path, &err);
    if (rc != WD_OK)
        fail_msg("parse %s: %d %s", path, rc, err.message);
    return sh;
}

static uint32_t doccount(xc_db *db)
{
    uint32_t n = 0;
    assert_int_equal(xc_db_doccount(db, &n, NULL), WD_OK);
    return n;
}

/* Parse and open strictly: the number of documents of the whole list. */
static uint32_t open_count(const char *path)
{
    wd_shards *sh = parse(path);
    if (!sh)
        fail_msg("%s is not a shard list", path);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    if (wd_shards_open(sh, &db, TIMEOUT_MS, 0, &err) != WD_OK)
        fail_msg("open %s: %s", path, err.message);
    uint32_t n = doccount(db);
    const char *const *missing = NULL;
    assert_int_equal(wd_shards_missing(sh, &missing), 0);
    xc_db_close(db);
    wd_shards_free(sh);
    return n;
}

/* The missing shards, comma-joined. */
static const char *missing_of(const wd_shards *sh)
{
    static char buf[256];
    const char *const *m = NULL;
    size_t n = wd_shards_missing(sh, &m);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, m[i]);
    }
    return buf;
}

/* ---- parsing ------------------------------------------------------------------- */

static void test_shards__a_plain_index_is_no_list(void **state)
{
    (void)state;
    assert_null(parse(g_a));
    /* A path with nothing there is left to Xapian to report. */
    char p[160];
    assert_null(parse(th_path(p, sizeof p, g_dir, "no-such-index")));
    /* A stray XAPIANDB inside a database does not make it a stub. */
    char c[160], stray[160];
    th_path(c, sizeof c, g_dir, "c");
    wd_dict *dict = NULL;
    assert_int_equal(wd_dict_load(&dict, NULL, NULL), WD_OK);
    const wd_record r = { .id = "c1", .question = "医保怎么交", .answer = "按年。" };
    assert_int_equal(th_index_records(c, dict, &r, 1, NULL), WD_OK);
    wd_dict_free(dict);
    th_write_text(th_path(stray, sizeof stray, c, "XAPIANDB"), "auto ../a\n");
    assert_null(parse(c));
}

static void test_shards__a_comma_list_of_two_indexes(void **state)
{
    (void)state;
    char list[512];
    snprintf(list, sizeof list, "%s,%s", g_a, g_b);
    wd_shards *sh = parse(list);
    assert_non_null(sh);
    wd_shards_free(sh);
    assert_int_equal(open_count(list), 5);
    /* Empty elements are skipped. */
    snprintf(list, sizeof list, ",%s,,%s,", g_a, g_b);
    assert_int_equal(open_count(list), 5);
    /* One remote alone is a list too (its own timeout, its own name). */
    sh = parse(g_dead);
    assert_non_null(sh);
    wd_shards_free(sh);
}

static void test_shards__an_empty_list_is_einval(void **state)
{
    (void)state;
    const char *lists[] = { ",", ",,," };
    for (size_t i = 0; i < 2; i++) {
        wd_shards *sh = (wd_shards *)&sh;
        wd_error err;
        wd_error_clear(&err);
        assert_int_equal(wd_shards_parse(&sh, lists[i], &err), WD_EINVAL);
        assert_null(sh);
        assert_int_equal(err.code, WD_EINVAL);
        assert_non_null(strstr(err.message, "empty shard list"));
    }
    /* A stub with nothing but comments is an empty list too. */
    char p[160];
    put(p, sizeof p, "empty.stub", "# no shards yet\n\n");
    wd_shards *sh = (wd_shards *)&sh;
    wd_error err;
    assert_int_equal(wd_shards_parse(&sh, p, &err), WD_EINVAL);
    assert_null(sh);
}

/* auto and glass lines, relative to the stub's folder or absolute;
 * comments, blank lines and CRLF line ends. */
static void test_shards__a_stub_file_lists_relative_and_absolute_paths(void **state)
{
    (void)state;
    char text[512], p[160];
    snprintf(text, sizeof text,
             "# two shards\n"
             "\n"
             "auto a\r\n"
             "# the other one by its full path\n"
             "glass %s\n",
             g_b);
    put(p, sizeof p, "two.stub", text);
    assert_int_equal(open_count(p), 5);
    /* Relative to the stub's own folder, not to the working directory. */
    put(p, sizeof p, "stubs/one.stub", "auto ../b\n");
    assert_int_equal(open_count(p), 3);
}

/* `remote HOST:PORT` is the remote shard tcp://HOST:PORT. */
static void test_shards__a_stub_remote_line_is_a_tcp_shard(void **state)
{
    (void)state;
    char text[256], p[160];
    snprintf(text, sizeof text, "auto a\nremote %s\n", g_dead + strlen("tcp://"));
    put(p, sizeof p, "remote.stub", text);
    wd_shards *sh = parse(p);
    assert_non_null(sh);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_open(sh, &db, TIMEOUT_MS, 1, &err), WD_OK);
    assert_string_equal(missing_of(sh), g_dead);
    assert_int_equal(doccount(db), 2);
    xc_db_close(db);
    wd_shards_free(sh);
}

static void test_shards__stubs_may_list_stubs(void **state)
{
    (void)state;
    char inner[160], outer[160], text[256];
    put(inner, sizeof inner, "nest/inner.stub", "auto ../b\n");
    snprintf(text, sizeof text, "auto ../../a\nauto %s\n", inner);
    put(outer, sizeof outer, "nest/deeper/outer.stub", text);
    /* outer -> a, inner -> b; a relative path in inner is inner's. */
    assert_int_equal(open_count(outer), 5);
    /* A list naming a stub expands it in place. */
    char list[512];
    snprintf(list, sizeof list, "%s,%s", outer, g_a);
    assert_int_equal(open_count(list), 7);
    /* A stub that lists itself ends (left to Xapian) rather than looping. */
    char self[160];
    th_path(self, sizeof self, g_dir, "self.stub");
    snprintf(text, sizeof text, "auto %s\n", self);
    th_write_text(self, text);
    assert_null(parse(self));
}

/* A stub with a line the list cannot express is left whole to Xapian. */
static void test_shards__lines_it_cannot_express_are_left_to_xapian(void **state)
{
    (void)state;
    const char *stubs[] = {
        "auto a\nremote :xapian-progsrv a\n", /* a remote program */
        "inmemory\n",
        "auto a\ninmemory\n",
        "chert a\n",          /* a backend it does not know */
        "auto \n",            /* no path */
        "remote 127.0.0.1\n", /* no port */
        "remote 127.0.0.1:\n",
    };
    char p[160];
    put(p, sizeof p, "odd.stub", "auto a\n"); /* the same stub without the odd line */
    wd_shards *sh = parse(p);
    assert_non_null(sh);
    wd_shards_free(sh);
    for (size_t i = 0; i < sizeof stubs / sizeof *stubs; i++) {
        put(p, sizeof p, "odd.stub", stubs[i]);
        if (parse(p) != NULL)
            fail_msg("stub %zu (%s) made a list", i, stubs[i]);
    }
}

/* A folder with a stub (XAPIANDB) and no database is read as that stub. */
static void test_shards__a_folder_holding_a_stub(void **state)
{
    (void)state;
    char dir[160], stub[200], text[256];
    th_path(dir, sizeof dir, g_dir, "sharded");
    snprintf(text, sizeof text, "auto ../a\nauto %s\n", g_b);
    th_write_text(th_path(stub, sizeof stub, dir, "XAPIANDB"), text);
    assert_int_equal(open_count(dir), 5);
}

/* ---- opening, and a shard that does not answer ------------------------------------- */

static void test_shards__a_dead_remote_fails_strictly_naming_it(void **state)
{
    (void)state;
    char list[512];
    snprintf(list, sizeof list, "%s,%s,%s", g_a, g_dead, g_b);
    wd_shards *sh = parse(list);
    assert_non_null(sh);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_open(sh, &db, TIMEOUT_MS, 0, &err), WD_ENETWORK);
    assert_null(db);
    assert_int_equal(err.code, WD_ENETWORK);
    assert_non_null(strstr(err.message, g_dead));
    assert_non_null(strstr(err.message, "1 of 3 shards"));
    assert_null(strstr(err.message, g_a)); /* the live ones are not blamed */
    assert_string_equal(missing_of(sh), g_dead);
    wd_shards_free(sh);
}

static void test_shards__allow_partial_opens_the_live_shards(void **state)
{
    (void)state;
    char list[512];
    snprintf(list, sizeof list, "%s,%s,%s", g_a, g_dead, g_b);
    wd_shards *sh = parse(list);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_open(sh, &db, TIMEOUT_MS, 1, &err), WD_OK);
    assert_non_null(db);
    assert_int_equal(doccount(db), 5);
    assert_string_equal(missing_of(sh), g_dead);

    /* Before a search with allow_partial: still the live shards. */
    assert_int_equal(wd_shards_prepare(sh, &db, TIMEOUT_MS, 1, &err), WD_OK);
    assert_non_null(db);
    assert_int_equal(doccount(db), 5);
    assert_string_equal(missing_of(sh), g_dead);
    /* Strictly: the dead shard is named at once (the shard watch knows it is
     * down; nobody waits for it); the database is left as it was. */
    xc_db *before = db;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_prepare(sh, &db, TIMEOUT_MS, 0, &err), WD_ENETWORK);
    assert_ptr_equal(db, before);
    assert_non_null(strstr(err.message, g_dead));
    /* After a search failed: recover finds the live shards again ... */
    wd_error cause;
    wd_error_set(&cause, WD_ENETWORK, "xapian:NetworkError", "a shard went away");
    wd_error_clear(&err);
    assert_int_equal(wd_shards_recover(sh, &db, TIMEOUT_MS, 1, &cause, &err), WD_OK);
    assert_int_equal(doccount(db), 5);
    assert_string_equal(missing_of(sh), g_dead);
    /* ... or, strictly, names the dead one. */
    assert_int_equal(wd_shards_recover(sh, &db, TIMEOUT_MS, 0, &cause, &err), WD_ENETWORK);
    assert_non_null(strstr(err.message, g_dead));
    xc_db_close(db);
    wd_shards_free(sh);
}

static void test_shards__every_shard_dead_fails_even_with_allow_partial(void **state)
{
    (void)state;
    char list[256];
    snprintf(list, sizeof list, "%s,%s", g_dead, g_dead);
    wd_shards *sh = parse(list);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_open(sh, &db, TIMEOUT_MS, 1, &err), WD_ENETWORK);
    assert_null(db);
    assert_non_null(strstr(err.message, "2 of 2 shards are not answering"));
    wd_shards_free(sh);
}

/* A healthy list: prepare keeps the database, a new timeout reopens it,
 * recover after a passing failure reopens the whole list. */
static void test_shards__a_healthy_list_through_prepare_and_recover(void **state)
{
    (void)state;
    char list[512];
    snprintf(list, sizeof list, "%s,%s", g_a, g_b);
    wd_shards *sh = parse(list);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_open(sh, &db, TIMEOUT_MS, 0, &err), WD_OK);
    xc_db *first = db;
    assert_int_equal(wd_shards_prepare(sh, &db, TIMEOUT_MS, 0, &err), WD_OK);
    assert_ptr_equal(db, first);
    assert_int_equal(wd_shards_prepare(sh, &db, TIMEOUT_MS + 1, 0, &err), WD_OK);
    assert_non_null(db);
    assert_int_equal(doccount(db), 5);
    wd_error cause;
    wd_error_set(&cause, WD_ENETWORK, "xapian:NetworkError", "passing trouble");
    assert_int_equal(wd_shards_recover(sh, &db, TIMEOUT_MS, 0, &cause, &err), WD_OK);
    assert_int_equal(doccount(db), 5);
    assert_string_equal(missing_of(sh), "");
    xc_db_close(db);
    wd_shards_free(sh);
}

/* A remote that hangs costs the open that meets it one timeout; it is then
 * down for every list of the process, which leaves it out (or, strictly,
 * fails at once naming it) until the watch sees it answer. */
static void test_shards__a_hung_remote_is_left_out_by_every_list(void **state)
{
    (void)state;
    char list[512];
    snprintf(list, sizeof list, "%s,%s", g_a, g_hung);
    wd_shards *sh = parse(list);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_open(sh, &db, 300, 1, &err), WD_OK);
    assert_int_equal(doccount(db), 2);
    assert_string_equal(missing_of(sh), g_hung);
    wd_error why;
    wd_error_clear(&why);
    assert_int_equal(wd_shardwatch_is_down(g_hung, &why), 1);
    assert_non_null(strstr(why.message, "Timeout"));
    assert_int_equal(wd_shardwatch_is_down(g_a, NULL), 0);
    xc_db_close(db);
    wd_shards_free(sh);

    /* Another list holding it, strictly: the known-down shard is named
     * without a connection being tried, with the reason it went down. */
    snprintf(list, sizeof list, "%s,%s", g_hung, g_b);
    sh = parse(list);
    db = NULL;
    wd_error_clear(&err);
    assert_int_equal(wd_shards_open(sh, &db, 300, 0, &err), WD_ENETWORK);
    assert_null(db);
    assert_non_null(strstr(err.message, "1 of 2 shards is not answering"));
    assert_non_null(strstr(err.message, g_hung));
    assert_non_null(strstr(err.message, "Timeout"));
    /* With allow_partial, the other shard alone. */
    assert_int_equal(wd_shards_open(sh, &db, 300, 1, &err), WD_OK);
    assert_int_equal(doccount(db), 3);
    assert_string_equal(missing_of(sh), g_hung);
    xc_db_close(db);
    wd_shards_free(sh);
}

/* A search that fails names its remote in the error's context: that shard
 * alone is marked down. */
static void test_shards__a_failed_search_marks_the_shard_it_names(void **state)
{
    (void)state;
    int port = free_port();
    assert_true(port > 0);
    char gone[64], list[512];
    snprintf(gone, sizeof gone, "tcp://127.0.0.1:%d", port);
    snprintf(list, sizeof list, "%s,%s,%s", g_a, gone, g_b);
    wd_shards *sh = parse(list);
    xc_db *db = NULL;
    wd_error err;
    wd_error_clear(&err);
    /* Opened while its server was up, as far as the list knows: simulate
     * with the two local shards, then a search failure naming the remote. */
    char local[512];
    snprintf(local, sizeof local, "%s,%s", g_a, g_b);
    wd_shards *both = parse(local);
    assert_int_equal(wd_shards_open(both, &db, TIMEOUT_MS, 0, &err), WD_OK);
    wd_shards_free(both);
    wd_error cause;
    wd_error_set(&cause, WD_ENETWORK, "xapian:NetworkTimeoutError",
                 "Timeout expired while trying to read (context: remote:tcp(127.0.0.1:%d))", port);
    assert_int_equal(wd_shards_recover(sh, &db, TIMEOUT_MS, 0, &cause, &err), WD_ENETWORK);
    assert_non_null(strstr(err.message, "1 of 3 shards is not answering"));
    assert_non_null(strstr(err.message, gone));
    assert_int_equal(wd_shardwatch_is_down(gone, NULL), 1);
    assert_int_equal(wd_shardwatch_is_down(g_a, NULL), 0);
    assert_int_equal(wd_shardwatch_is_down(g_b, NULL), 0);
    assert_int_equal(wd_shards_recover(sh, &db, TIMEOUT_MS, 1, &cause, &err), WD_OK);
    assert_int_equal(doccount(db), 5);
    assert_string_equal(missing_of(sh), gone);
    xc_db_close(db);
    wd_shards_free(sh);
}

/* A shard the watch's thread sees answer again is taken back by the next
 * prepare, without the caller probing anything. */
static void test_shards__the_watch_brings_a_shard_back(void **state)
{
    (void)state;
    char list[512];
    snprintf(list, sizeof list, "%s,%s", g_a, g_b);
    wd_shards *sh = parse(list);
    xc_db *db = NULL;
    wd_error err, why;
    wd_error_clear(&err);
    wd_error_set(&why, WD_ENETWORK, "test", "went away for a while");
    /* Read before the shard is marked down: the watch's thread may bring it
     * back before the next line runs, and the generation must show that. */
    unsigned gen = wd_shardwatch_generation();
    wd_shardwatch_down(g_b, TIMEOUT_MS, &why);
    assert_int_equal(wd_shards_open(sh, &db, TIMEOUT_MS, 1, &err), WD_OK);
    /* Left out while down, unless the watch's thread (running since an
     * earlier test) already probed it back between the two calls. */
    int n = doccount(db);
    assert_true(n == 2 || n == 5);
    assert_string_equal(missing_of(sh), n == 2 ? g_b : "");
    /* The watch opens the local shard fine and marks it up (within a round
     * or two; the loop is a hang guard). */
    for (int i = 0; i < 600 && wd_shardwatch_is_down(g_b, NULL); i++)
        nanosleep(&(struct timespec){ 0, 50 * 1000000L }, NULL);
    assert_int_equal(wd_shardwatch_is_down(g_b, NULL), 0);
    assert_true(wd_shardwatch_generation() != gen);
    assert_int_equal(wd_shards_prepare(sh, &db, TIMEOUT_MS, 1, &err), WD_OK);
    assert_int_equal(doccount(db), 5);
    assert_string_equal(missing_of(sh), "");
    xc_db_close(db);
    wd_shards_free(sh);
}

static void test_shards__timeout_and_freeing(void **state)
{
    (void)state;
    unsetenv("WENDA_REMOTE_TIMEOUT_MS");
    assert_int_equal(wd_shards_timeout(1500), 1500);
    assert_int_equal(wd_shards_timeout(0), 0);
    setenv("WENDA_REMOTE_TIMEOUT_MS", "2500", 1);
    assert_int_equal(wd_shards_timeout(0), 2500);
    assert_int_equal(wd_shards_timeout(700), 700); /* the caller's wins */
    unsetenv("WENDA_REMOTE_TIMEOUT_MS");
    wd_shards_free(NULL);
    const char *const *m = (const char *const *)&m;
    assert_int_equal(wd_shards_missing(NULL, &m), 0);
    assert_null(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shards__a_plain_index_is_no_list),
        cmocka_unit_test(test_shards__a_comma_list_of_two_indexes),
        cmocka_unit_test(test_shards__an_empty_list_is_einval),
        cmocka_unit_test(test_shards__a_stub_file_lists_relative_and_absolute_paths),
        cmocka_unit_test(test_shards__a_stub_remote_line_is_a_tcp_shard),
        cmocka_unit_test(test_shards__stubs_may_list_stubs),
        cmocka_unit_test(test_shards__lines_it_cannot_express_are_left_to_xapian),
        cmocka_unit_test(test_shards__a_folder_holding_a_stub),
        cmocka_unit_test(test_shards__a_dead_remote_fails_strictly_naming_it),
        cmocka_unit_test(test_shards__allow_partial_opens_the_live_shards),
        cmocka_unit_test(test_shards__every_shard_dead_fails_even_with_allow_partial),
        cmocka_unit_test(test_shards__a_healthy_list_through_prepare_and_recover),
        cmocka_unit_test(test_shards__a_hung_remote_is_left_out_by_every_list),
        cmocka_unit_test(test_shards__a_failed_search_marks_the_shard_it_names),
        cmocka_unit_test(test_shards__the_watch_brings_a_shard_back),
        cmocka_unit_test(test_shards__timeout_and_freeing),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
