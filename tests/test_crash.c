/*
 * test_crash.c - crash safety of `wenda index`, on the real binary:
 *
 *  - kill -9 at random points while it indexes a generated corpus (a few
 *    thousand JSONL records, small batches), then check that the index
 *    passes xapian-check, that `wenda info --json` reports documents ==
 *    checkpoint.documents, and that the ids present are exactly the prefix
 *    of the input up to checkpoint.last_id (fresh index) or a prefix of the
 *    input (index re-used across kills); a re-run then completes it;
 *  - a second writer is refused with "index is locked by another wenda
 *    index (pid N)" and exit 3, and the index stays whole; after the
 *    holder is killed its stale lock file does not block the next writer;
 *  - a full disk (RLIMIT_FSIZE) gives a clear error and exit 3, and the
 *    index keeps its last committed state.
 *
 * The random seed is printed (and taken from $WENDA_CRASH_SEED when set),
 * the number of kills from $WENDA_CRASH_KILLS (default 22). Ids are looked
 * up through the Xapian shim (the "Q<id>" unique terms). Skips (77)
 * when xapian-check is not installed.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "schema.h"
#include "wenda/error.h"
#include "xapian_c.h"

#define N_RECORDS 3000
#define BATCH "40"

static char dir[64];
static char corpus[128];

/* ---- processes ------------------------------------------------------------ */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Run a program (NULL: wenda) with args to completion; file_limit > 0 sets
 * RLIMIT_FSIZE in the child (a full disk). */
static th_run run_args(const char *prog, const char *const *args, unsigned long file_limit)
{
    th_cmd cmd = { .prog = prog, .args = args, .file_limit = file_limit };
    return th_exec(&cmd);
}

/* Start `wenda ARGS` with stdout and stderr to the files out and err. */
static pid_t spawn(const char *const *args, const char *out, const char *err)
{
    th_cmd cmd = { .args = args };
    return th_spawn(&cmd, out, err);
}

static int have_xapian_check(void)
{
    return system("command -v xapian-check >/dev/null 2>&1") == 0;
}

/* ---- the corpus ------------------------------------------------------------ */

static void make_id(char *out, size_t n, long i)
{
    snprintf(out, n, "r%05ld", i);
}

static void write_corpus(const char *path, long n, int answer_repeat)
{
    static const char *const words[] = { "医保", "报销",     "异地就医", "低保户",
                                         "门诊", "住院",     "灵活就业", "个人账户",
                                         "缴费", "大病保险", "药品",     "社保卡" };
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (long i = 1; i <= n; i++) {
        char id[16];
        make_id(id, sizeof id, i);
        fprintf(fp, "{\"id\":\"%s\",\"question\":\"%s%s怎么办理%ld\",\"answer\":\"", id,
                words[i % 12], words[(i / 12) % 12], i);
        for (int k = 0; k < answer_repeat; k++)
            fprintf(fp, "第%d条：%s需要携带%s到窗口办理，%s按规定比例支付。", k,
                    words[(i + k) % 12], words[(i + 3 * k) % 12], words[(i + 5) % 12]);
        fprintf(fp, "\"}\n");
    }
    fclose(fp);
}

/* ---- checks ----------------------------------------------------------------- */

static int is_index(const char *index)
{
    char p[256];
    snprintf(p, sizeof p, "%s/iamglass", index);
    return access(p, F_OK) == 0;
}

static void assert_xapian_check(const char *index)
{
    const char *args[] = { index, NULL };
    th_run r = run_args("xapian-check", args, 0);
    if (r.status != 0)
        fail_msg("xapian-check %s failed (%d): %s%s", index, r.status, r.out, r.err);
    th_run_free(&r);
}

typedef struct state {
    long documents;
    long cp_commit;
    long cp_documents;
    char cp_last_id[64];
} ixstate;

/* `wenda info --json`: documents and the checkpoint. */
static ixstate info(const char *index)
{
    ixstate s;
    memset(&s, 0, sizeof s);
    const char *args[] = { "info", "--json", "--index", index, NULL };
    th_run r = run_args(NULL, args, 0);
    if (r.status != 0)
        fail_msg("wenda info exited %d: %s", r.status, r.err);
    json_t *j = th_json(r.out);
    s.documents = (long)json_integer_value(json_object_get(j, "documents"));
    json_t *cp = json_object_get(j, "checkpoint");
    if (json_is_object(cp)) {
        s.cp_commit = (long)json_integer_value(json_object_get(cp, "commit"));
        s.cp_documents = (long)json_integer_value(json_object_get(cp, "documents"));
        const char *l = json_string_value(json_object_get(cp, "last_id"));
        snprintf(s.cp_last_id, sizeof s.cp_last_id, "%s", l ? l : "");
    } else {
        s.cp_documents = -1;
    }
    json_decref(j);
    th_run_free(&r);
    return s;
}

/* The ids present must be exactly r00001..r<prefix> (none missing, none
 * beyond). Looks up every id of the input (and one past it). */
static long assert_id_prefix(const char *index, long n)
{
    xc_db *db = NULL;
    wd_error err;
    if (xc_db_open(&db, index, XC_DB_READ, &err) != WD_OK)
        fail_msg("open %s: %s", index, err.message);
    long prefix = 0;
    for (long i = 1; i <= n + 1; i++) {
        char term[32];
        snprintf(term, sizeof term, "%sr%05ld", WD_PREFIX_ID, i);
        int exists = 0;
        assert_int_equal(xc_db_term_exists(db, term, &exists, &err), WD_OK);
        if (exists) {
            if (prefix != i - 1)
                fail_msg("r%05ld present but r%05ld missing", i, prefix + 1);
            prefix = i;
        }
    }
    xc_db_close(db);
    return prefix;
}

/* Everything a killed run must leave behind. `fresh`: the index was empty
 * before this run, so the prefix ends exactly at the checkpoint's last id. */
static long check_after_kill(const char *index, int fresh, long batch)
{
    if (!is_index(index))
        return 0; /* killed before the database was created */
    assert_xapian_check(index);
    ixstate s = info(index);
    if (s.cp_documents < 0) {
        /* Created but nothing committed yet. */
        assert_int_equal(s.documents, 0);
        return 0;
    }
    assert_int_equal(s.documents, s.cp_documents);
    long prefix = assert_id_prefix(index, N_RECORDS);
    assert_int_equal(prefix, s.documents);
    if (fresh) {
        char want[16] = "";
        if (prefix)
            make_id(want, sizeof want, prefix);
        assert_string_equal(s.cp_last_id, want);
        /* Whole batches only, bar the final partial batch at close. */
        if (prefix != N_RECORDS)
            assert_int_equal(prefix, s.cp_commit * batch);
    }
    return prefix;
}

static void assert_complete(const char *index)
{
    const char *args[] = {
        "index", "--quiet", "--batch-size", BATCH, "--index", index, corpus, NULL
    };
    th_run r = run_args(NULL, args, 0);
    if (r.status != 0)
        fail_msg("re-run exited %d: %s", r.status, r.err);
    th_run_free(&r);
    assert_xapian_check(index);
    ixstate s = info(index);
    assert_int_equal(s.documents, N_RECORDS);
    assert_int_equal(s.cp_documents, N_RECORDS);
    assert_int_equal(assert_id_prefix(index, N_RECORDS), N_RECORDS);
}

/* ---- setup --------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    if (th_tmpdir(dir, sizeof dir, "crash") != 0)
        return -1;
    snprintf(corpus, sizeof corpus, "%s/corpus.jsonl", dir);
    write_corpus(corpus, N_RECORDS, 3);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    th_rmtree(dir);
    return 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_crash__kill9_at_random_points_leaves_committed_batches(void **state)
{
    (void)state;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    const char *e = getenv("WENDA_CRASH_SEED");
    if (e && *e)
        seed = (unsigned)strtoul(e, NULL, 10);
    int kills = 22;
    if ((e = getenv("WENDA_CRASH_KILLS")) && *e)
        kills = atoi(e);
    print_message("[ crash ] seed %u (rerun with WENDA_CRASH_SEED=%u), %d kills\n", seed, seed,
                  kills);
    srand(seed);

    char index[128];
    snprintf(index, sizeof index, "%s/kill-index", dir);
    /* How long does a whole run take? Kills land anywhere in it. */
    double t0 = now_ms();
    assert_complete(index);
    double full = now_ms() - t0;
    print_message("[ crash ] a full run of %d records takes %.0f ms\n", N_RECORDS, full);

    char out[128], err[128];
    snprintf(out, sizeof out, "%s/kill.out", dir);
    snprintf(err, sizeof err, "%s/kill.err", dir);
    long batch = atol(BATCH);
    int done = 0, landed_mid = 0, runs = 0;
    /* Keep going until `kills` runs were really killed (a run may finish
     * before its kill lands); give up after twice as many runs. */
    for (int k = 0; done < kills && k < 2 * kills; k++) {
        /* Even runs start from an empty index (the exact checkpoint
         * checks), odd runs re-index over the previous state. */
        int fresh = k % 2 == 0;
        if (fresh)
            th_rmtree(index);
        const char *args[] = { "index",   "--quiet", "--batch-size", BATCH,
                               "--index", index,     corpus,         NULL };
        long delay_us = (long)((double)rand() / RAND_MAX * full * 0.9 * 1000.0);
        pid_t pid = spawn(args, out, err);
        usleep((useconds_t)delay_us);
        kill(pid, SIGKILL);
        int st = th_wait(pid);
        runs++;
        long prefix = check_after_kill(index, fresh, batch);
        print_message("[ crash ] run %d, kill after %ld ms (%s): status %d, %ld records "
                      "committed\n",
                      k + 1, delay_us / 1000, fresh ? "fresh" : "re-index", st, prefix);
        if (st == 128 + SIGKILL)
            done++;
        else
            assert_int_equal(st, 0);
        if (prefix > 0 && prefix < N_RECORDS)
            landed_mid++;
        /* Every few runs, check that a re-run completes the index. */
        if (k % 6 == 5)
            assert_complete(index);
    }
    print_message("[ crash ] %d kills in %d runs (the rest had finished), %d left a partial "
                  "index\n",
                  done, runs, landed_mid);
    assert_true(done >= kills);
    assert_true(landed_mid >= kills / 4);
    assert_complete(index);
}

/* Wait until the writer has written its pid into the lock file. */
static void wait_for_lock(const char *index, pid_t pid)
{
    char p[256], want[32];
    snprintf(p, sizeof p, "%s/wenda.lock", index);
    snprintf(want, sizeof want, "%ld\n", (long)pid);
    for (int i = 0; i < 2000; i++) {
        char *s = th_slurp(p, NULL);
        int ok = strcmp(s, want) == 0;
        free(s);
        if (ok)
            return;
        usleep(5000);
    }
    fail_msg("the writer never took %s", p);
}

static void test_crash__second_writer_is_told_the_pid_and_exits_3(void **state)
{
    (void)state;
    char index[128], out[128], err[128], msg[128];
    snprintf(index, sizeof index, "%s/lock-index", dir);
    snprintf(out, sizeof out, "%s/lock.out", dir);
    snprintf(err, sizeof err, "%s/lock.err", dir);
    th_rmtree(index);
    const char *args[] = {
        "index", "--quiet", "--batch-size", "1", "--index", index, corpus, NULL
    };
    pid_t holder = spawn(args, out, err);
    wait_for_lock(index, holder);

    const char *args2[] = { "index", "--quiet", "--index", index, corpus, NULL };
    th_run r = run_args(NULL, args2, 0);
    snprintf(msg, sizeof msg, "index is locked by another wenda index (pid %ld)", (long)holder);
    if (!strstr(r.err, msg))
        fail_msg("second writer said: %s", r.err);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    th_run_free(&r);

    /* The same through --json: the error object, code "locked". */
    const char *args3[] = { "index", "--json", "--index", index, corpus, NULL };
    r = run_args(NULL, args3, 0);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "\"locked\""));
    assert_non_null(strstr(r.err, msg));
    th_run_free(&r);

    /* The holder dies without cleaning up: its pid stays in the file, but
     * the flock went with it, so the next writer goes ahead. */
    kill(holder, SIGKILL);
    th_wait(holder);
    check_after_kill(index, 1, 1);
    assert_complete(index);
}

static void test_crash__full_disk_keeps_last_commit_and_exits_3(void **state)
{
    (void)state;
    char index[128], small[128], big[128];
    snprintf(index, sizeof index, "%s/full-index", dir);
    snprintf(small, sizeof small, "%s/small.jsonl", dir);
    snprintf(big, sizeof big, "%s/big.jsonl", dir);
    th_rmtree(index);
    write_corpus(small, 200, 1);
    const char *args[] = { "index", "--quiet", "--index", index, small, NULL };
    th_run r = run_args(NULL, args, 0);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    ixstate before = info(index);
    assert_int_equal(before.documents, 200);

    /* Records with long answers, so the tables outgrow the limit fast. */
    write_corpus(big, 3000, 40);
    const char *args2[] = { "index", "--batch-size", "500", "--index", index, big, NULL };
    r = run_args(NULL, args2, 256u << 10); /* no file may grow past 256 KiB */
    print_message("[ crash ] full disk: exit %d, stderr: %s", r.status, r.err);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "wenda: index: "));
    if (!strstr(r.err, "File too large") && !strstr(r.err, "No space"))
        fail_msg("no clear disk-full message: %s", r.err);
    char want[256];
    snprintf(want, sizeof want, "wenda: index: cannot write the index %s (is the disk full?)",
             index);
    if (!strstr(r.err, want) || !strstr(r.err, "the index keeps its last commit"))
        fail_msg("no clear disk-full message: %s", r.err);
    th_run_free(&r);

    /* The index is whole and holds a committed state. Both corpora use
     * the ids r00001..: either the 200 first records, or whole batches of
     * 500 of the big corpus committed before the limit was hit. */
    assert_xapian_check(index);
    ixstate after = info(index);
    print_message("[ crash ] full disk: %ld documents kept (checkpoint %ld)\n", after.documents,
                  after.cp_documents);
    assert_int_equal(after.documents, after.cp_documents);
    assert_true(after.documents == 200 || after.documents % 500 == 0);
    assert_int_equal(assert_id_prefix(index, 3000), after.documents);
    /* And without the limit the same command completes. */
    r = run_args(NULL, args2, 0);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    assert_int_equal(info(index).documents, 3000);
}

/* ---- a full disk in every phase: the fault injector --------------------------
 *
 * tests/faultfs.c, preloaded, makes the Nth write (write, pwrite, fsync,
 * rename, mkdir) under the run's folder fail with ENOSPC, and every one
 * after it, as a disk that filled up does. A counting run says how many
 * there are; the sweep then fails runs at points spread over all of them:
 * batch flushes and commits, the compaction of the new index, and the final
 * move of its tables. */

#ifndef WD_FAULTFS
#error "WD_FAULTFS must name the fault injector (tests/CMakeLists.txt)"
#endif

/* The child's environment: the injector, and ASan told that it is not
 * first in the library list; LeakSanitizer skips libxapian's own leak on a
 * failed commit (tests/data/lsan-xapian.supp). */
static th_run run_faulty(const char *const *args, const char *root, unsigned long at,
                         const char *count_file)
{
    char e_path[192], e_at[64], e_count[192];
    snprintf(e_path, sizeof e_path, "WD_FAULT_PATH=%s", root);
    snprintf(e_at, sizeof e_at, "WD_FAULT_AT=%lu", at);
    snprintf(e_count, sizeof e_count, "WD_FAULT_COUNT=%s", count_file ? count_file : "");
    const char *env[] = { "LD_PRELOAD=" WD_FAULTFS,
                          e_path,
                          e_at,
                          e_count,
                          "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1",
                          "LSAN_OPTIONS=suppressions=" WD_TEST_DATA "/lsan-xapian.supp",
                          NULL };
    th_cmd cmd = { .args = args, .env = env };
    return th_exec(&cmd);
}

static int has_file(const char *index, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", index, name);
    return access(p, F_OK) == 0;
}

/* What a run that failed on a full disk must leave: exit 3 with the
 * system's message; no temporary file; the index at a committed state that
 * checks clean, or (the move of a new index had begun) a message saying the
 * next `wenda index` finishes it, which it does. Returns 1 in that case. */
static int check_full_disk(const th_run *r, const char *index, const char *const *rerun, int bulk,
                           unsigned long at)
{
    if (r->status != 3 || !strstr(r->err, "No space left on device") || strstr(r->err, "terminate"))
        fail_msg("fault at write %lu: exit %d, stderr: %s", at, r->status, r->err);
    if (has_file(index, "v.tmp"))
        fail_msg("fault at write %lu: Xapian's v.tmp left behind", at);
    if (strstr(r->err, "half moved into place")) {
        if (!strstr(r->err, "the next `wenda index --index"))
            fail_msg("fault at write %lu: no way out in: %s", at, r->err);
        const char *iargs[] = { "info", "--index", index, NULL };
        th_run i = run_args(NULL, iargs, 0);
        if (i.status != 3 || !strstr(i.err, "wenda index --index"))
            fail_msg("fault at write %lu: info on a half-installed index exited %d: %s", at,
                     i.status, i.err);
        th_run_free(&i);
        th_run again = run_args(NULL, rerun, 0);
        if (again.status != 0)
            fail_msg("fault at write %lu: the re-run exited %d: %s", at, again.status, again.err);
        th_run_free(&again);
        assert_xapian_check(index);
        assert_false(has_file(index, ".wenda-build"));
        return 1;
    }
    if (has_file(index, ".wenda-build"))
        fail_msg("fault at write %lu: the build folder was left behind", at);
    if (!is_index(index))
        return 0; /* failed while the database was created */
    assert_xapian_check(index);
    ixstate s = info(index);
    if (s.cp_documents < 0) {
        assert_int_equal(s.documents, 0);
        return 0;
    }
    assert_int_equal(s.documents, s.cp_documents);
    if (bulk)
        assert_true(s.documents == 0 || s.documents == N_RECORDS);
    else
        assert_int_equal(s.documents % 500, 0);
    assert_int_equal(assert_id_prefix(index, N_RECORDS), s.documents);
    return 0;
}

static void sweep_full_disk(const char *mode)
{
    char root[128], index[160], count[160];
    snprintf(root, sizeof root, "%s/fault-%s", dir, mode + 2);
    snprintf(index, sizeof index, "%s/idx", root);
    snprintf(count, sizeof count, "%s/count", dir);
    const char *args[] = { "index",   "--quiet", "--jobs", "2", "--batch-size", "500", mode,
                           "--index", index,     corpus,   NULL };
    if (strcmp(mode, "--default") == 0) {
        args[6] = "--quiet"; /* no mode option */
    }
    th_rmtree(root);
    assert_int_equal(mkdir(root, 0777), 0);
    th_run r = run_faulty(args, root, 0, count);
    assert_int_equal(r.status, 0);
    th_run_free(&r);
    char *c = th_slurp(count, NULL);
    unsigned long total = strtoul(c, NULL, 10);
    free(c);
    assert_true(total > 50);
    /* Points spread over the run, the last writes (compaction, the move)
     * one by one, and three that libxapian 1.4.22 once let escape through
     * a noexcept frame of its own (std::terminate, exit 134) in this run. */
    unsigned long points[80];
    size_t np = 0;
    for (unsigned long n = 1; n + 12 < total && np < 40; n += total / 16 + 1)
        points[np++] = n;
    for (unsigned long n = total > 12 ? total - 11 : 1; n <= total && np < 70; n++)
        points[np++] = n;
    if (strcmp(mode, "--default") == 0) {
        points[np++] = 667;
        points[np++] = 865;
        points[np++] = 1084;
    }
    int half = 0;
    for (size_t i = 0; i < np; i++) {
        if (points[i] > total)
            continue;
        th_rmtree(index);
        r = run_faulty(args, root, points[i], NULL);
        half += check_full_disk(&r, index, args, strcmp(mode, "--bulk") == 0, points[i]);
        th_run_free(&r);
    }
    print_message("[ crash ] full disk (%s): %zu runs failed at points over %lu writes, %d "
                  "left the new index half moved and were finished by the next run\n",
                  mode, np, total, half);
    th_rmtree(root);
}

static void test_crash__full_disk_in_any_phase_exits_3_and_keeps_a_commit(void **state)
{
    (void)state;
    sweep_full_disk("--default");
}

static void test_crash__full_disk_in_any_phase_of_a_bulk_build(void **state)
{
    (void)state;
    sweep_full_disk("--bulk");
}

/* A real small file system, where mounting one is allowed (root). */
static void test_crash__full_tmpfs_exits_3_and_keeps_a_commit(void **state)
{
    (void)state;
    char mnt[128], index[160], cmdline[512];
    snprintf(mnt, sizeof mnt, "%s/tmpfs", dir);
    assert_int_equal(mkdir(mnt, 0777), 0);
    snprintf(cmdline, sizeof cmdline, "mount -t tmpfs -o size=1m wenda-test %s 2>/dev/null", mnt);
    if (system(cmdline) != 0) {
        rmdir(mnt);
        print_message("[ crash ] cannot mount a tmpfs here (not root?): skipped\n");
        skip();
    }
    snprintf(index, sizeof index, "%s/idx", mnt);
    const char *modes[] = { "--quiet", "--bulk" };
    for (size_t m = 0; m < 2; m++) {
        th_rmtree(index);
        const char *args[] = { "index",   "--batch-size", "500",  modes[m],
                               "--index", index,          corpus, NULL };
        th_run r = run_faulty(args, "", 0, NULL); /* no fault injected: the leak suppression */
        print_message("[ crash ] 1 MB tmpfs (%s): exit %d, %s", modes[m], r.status, r.err);
        int ok = r.status == 3 && strstr(r.err, "No space left on device") &&
                 !has_file(index, "v.tmp") && !has_file(index, ".wenda-build");
        th_run_free(&r);
        if (ok && is_index(index)) {
            assert_xapian_check(index);
            ixstate s = info(index);
            ok = s.cp_documents < 0 ? s.documents == 0 : s.documents == s.cp_documents;
        }
        if (!ok) {
            snprintf(cmdline, sizeof cmdline, "umount %s", mnt);
            (void)!system(cmdline);
            fail_msg("a full tmpfs (%s) did not end as it must", modes[m]);
        }
    }
    snprintf(cmdline, sizeof cmdline, "umount %s", mnt);
    assert_int_equal(system(cmdline), 0);
    rmdir(mnt);
}

/* ---- a damaged index ---------------------------------------------------------- */

/* Run wenda with args; its exit status must be `status` and stderr hold
 * every one of the NULL-terminated strings that follow. */
static void expect(const char *const *args, int status, ...)
{
    th_run r = run_args(NULL, args, 0);
    if (r.status != status)
        fail_msg("wenda %s exited %d, not %d: %s", args[0], r.status, status, r.err);
    va_list ap;
    va_start(ap, status);
    for (const char *want; (want = va_arg(ap, const char *));)
        if (!strstr(r.err, want))
            fail_msg("wenda %s said: %s (no \"%s\")", args[0], r.err, want);
    va_end(ap);
    th_run_free(&r);
}

static void copy_index(const char *from, const char *to)
{
    char cmdline[512];
    th_rmtree(to);
    snprintf(cmdline, sizeof cmdline, "cp -a %s %s", from, to);
    assert_int_equal(system(cmdline), 0);
}

static void test_crash__damaged_index_is_reported_and_never_overwritten(void **state)
{
    (void)state;
    char base[128], bad[128], file[192], small[128];
    snprintf(base, sizeof base, "%s/damage-base", dir);
    snprintf(bad, sizeof bad, "%s/damage", dir);
    snprintf(small, sizeof small, "%s/damage-small.jsonl", dir);
    write_corpus(small, 20, 1);
    th_rmtree(base);
    const char *build[] = { "index", "--quiet", "--index", base, corpus, NULL };
    expect(build, 0, NULL);
    const char *info_args[] = { "info", "--index", bad, NULL };
    const char *show_args[] = { "show", "--index", bad, "r01000", NULL };
    const char *add_args[] = { "index", "--quiet", "--index", bad, small, NULL };

    /* Blocks of docdata.glass zeroed: info names the table (it checks). */
    copy_index(base, bad);
    FILE *f = fopen(th_path(file, sizeof file, bad, "docdata.glass"), "r+b");
    assert_non_null(f);
    static char zeros[8192 * 40];
    assert_int_equal(fseek(f, 8192L * 20, SEEK_SET), 0);
    fwrite(zeros, 1, sizeof zeros, f);
    fclose(f);
    expect(info_args, 3, "docdata.glass", "damaged", "--overwrite", NULL);

    /* The version file gone: damage, and the tables are not written over. */
    copy_index(base, bad);
    unlink(th_path(file, sizeof file, bad, "iamglass"));
    expect(info_args, 3, "iamglass", "--overwrite", NULL);
    expect(add_args, 3, "iamglass", "damaged", "--overwrite", NULL);
    assert_false(is_index(bad));
    const char *over[] = { "index", "--quiet", "--overwrite", "--index", bad, small, NULL };
    expect(over, 0, NULL);
    assert_int_equal(info(bad).documents, 20);

    /* A table gone. */
    copy_index(base, bad);
    unlink(th_path(file, sizeof file, bad, "postlist.glass"));
    expect(show_args, 3, "postlist.glass", "damaged", "xapian-check", NULL);
    expect(add_args, 3, "postlist.glass", "--overwrite", NULL);

    /* A regular file given as the index. */
    const char *afile[] = { "ask", "--index", small, "医保", NULL };
    expect(afile, 3, "is a file, not an index", NULL);
    th_rmtree(bad);
    th_rmtree(base);
}

/* ---- --overwrite of an index being read ----------------------------------------- */

/* The documents a reader opening `index` now sees; -1 when it cannot open. */
static long reader_documents(const char *index)
{
    xc_db *db = NULL;
    uint32_t n = 0;
    int rc = xc_db_open(&db, index, XC_DB_READ, NULL);
    if (rc == WD_OK)
        rc = xc_db_doccount(db, &n, NULL);
    xc_db_close(db);
    return rc == WD_OK ? (long)n : -1;
}

static void test_crash__overwrite_is_built_beside_and_swapped_in_whole(void **state)
{
    (void)state;
    char index[128], small[128], out[128], err[128];
    snprintf(index, sizeof index, "%s/swap-index", dir);
    snprintf(small, sizeof small, "%s/swap-small.jsonl", dir);
    snprintf(out, sizeof out, "%s/swap.out", dir);
    snprintf(err, sizeof err, "%s/swap.err", dir);
    write_corpus(small, 200, 1);
    th_rmtree(index);
    const char *first[] = { "index", "--quiet", "--index", index, small, NULL };
    expect(first, 0, NULL);

    /* Rebuild it from the 3,000 records in small batches while reading it:
     * every reader sees the 200 records or the 3,000, never a part. */
    const char *args[] = { "index", "--quiet", "--overwrite", "--batch-size", "100", "--index",
                           index,   corpus,    NULL };
    pid_t pid = spawn(args, out, err);
    long reads = 0, old_seen = 0, new_seen = 0, closed = 0;
    int st = -1;
    for (;;) {
        long n = reader_documents(index);
        reads++;
        if (n == 200)
            old_seen++;
        else if (n == N_RECORDS)
            new_seen++;
        else if (n < 0)
            closed++; /* the few renames of the swap itself */
        else
            fail_msg("a reader saw %ld documents while --overwrite rebuilt the index", n);
        if (waitpid(pid, &st, WNOHANG) == pid)
            break;
    }
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    print_message("[ crash ] --overwrite under %ld reads: %ld saw the old index, %ld the new one, "
                  "%ld met the swap\n",
                  reads, old_seen, new_seen, closed);
    assert_true(old_seen > 0);
    assert_int_equal(reader_documents(index), N_RECORDS);
    assert_false(has_file(index, ".wenda-rebuild"));
    assert_xapian_check(index);

    /* A rebuild killed half-way leaves the old index as it was. */
    pid = spawn(args, out, err);
    usleep(300 * 1000);
    kill(pid, SIGKILL);
    th_wait(pid);
    assert_int_equal(reader_documents(index), N_RECORDS);
    expect(first, 0, NULL); /* the next writer drops the leftover */
    assert_false(has_file(index, ".wenda-rebuild"));
    th_rmtree(index);
}

int main(void)
{
    if (!have_xapian_check()) {
        fprintf(stderr, "test_crash: xapian-check not found (Debian xapian-tools); skipped\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash__kill9_at_random_points_leaves_committed_batches),
        cmocka_unit_test(test_crash__second_writer_is_told_the_pid_and_exits_3),
        cmocka_unit_test(test_crash__full_disk_keeps_last_commit_and_exits_3),
        cmocka_unit_test(test_crash__full_disk_in_any_phase_exits_3_and_keeps_a_commit),
        cmocka_unit_test(test_crash__full_disk_in_any_phase_of_a_bulk_build),
        cmocka_unit_test(test_crash__full_tmpfs_exits_3_and_keeps_a_commit),
        cmocka_unit_test(test_crash__damaged_index_is_reported_and_never_overwritten),
        cmocka_unit_test(test_crash__overwrite_is_built_beside_and_swapped_in_whole),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
