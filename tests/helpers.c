/*
 * helpers.c - the fixtures the test suites share (see helpers.h): scratch
 * folders and files, running programs with their outputs captured, JSON
 * parsing, code-point slicing of snippets, and small indexes.
 *
 * Programs run with stdin, stdout and stderr on unlinked temporary files
 * rather than pipes: the parent never has to interleave writing and
 * reading, so any size of input and output is safe, and the files vanish
 * with the last descriptor even when a test fails half-way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "wenda/index.h"

#ifndef WENDA_BIN
#error "WENDA_BIN must name the wenda binary under test (tests/CMakeLists.txt)"
#endif

#define MAX_ARGS 64

/* ---- scratch folders and fixture files -------------------------------------- */

int th_tmpdir(char *out, size_t cap, const char *tag)
{
    int n = snprintf(out, cap, "/tmp/wenda-%s-XXXXXX", tag);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    return mkdtemp(out) ? 0 : -1;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

void th_rmtree(const char *path)
{
    /* Depth first, and without following links out of the tree. */
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *th_path(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        fail_msg("path %s/%s is longer than %zu bytes", dir, name, cap - 1);
    return out;
}

/* mkdir -p of the folders above `path`. */
static void make_parents(const char *path)
{
    char *p = strdup(path);
    assert_non_null(p);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            fail_msg("cannot make %s: %s", p, strerror(errno));
        *s = '/';
    }
    free(p);
}

void th_write_file(const char *path, const char *data, size_t len)
{
    make_parents(path);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        fail_msg("cannot write %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

void th_write_text(const char *path, const char *text)
{
    th_write_file(path, text, strlen(text));
}

/* Everything from fd's current offset to its end, new. */
static char *read_all(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    for (;;) {
        if (cap - n < 2) {
            cap *= 2;
            b = realloc(b, cap);
            assert_non_null(b);
        }
        ssize_t got = read(fd, b + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

char *th_slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (len)
            *len = 0;
        char *e = strdup("");
        assert_non_null(e);
        return e;
    }
    char *b = read_all(fd, len);
    close(fd);
    return b;
}

/* ---- running programs ------------------------------------------------------- */

const char *th_wenda_bin(void)
{
    return WENDA_BIN;
}

/* A new temporary file, already unlinked: only the descriptor holds it. */
static int scratch_fd(void)
{
    char path[] = "/tmp/wenda-run-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        fail_msg("mkstemp: %s", strerror(errno));
    unlink(path);
    return fd;
}

/* In the child: the descriptors, the environment and the limit, then exec.
 * Only async-signal-safe calls and _exit after fork, bar setenv, which is
 * fine in a single-threaded test process. */
static void child(const th_cmd *cmd, const char *const *argv, int in, int out, int err)
{
    if (in < 0)
        in = open(cmd->input_file ? cmd->input_file : "/dev/null", O_RDONLY);
    if (in < 0 || out < 0 || err < 0)
        _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (cmd->index)
        setenv("WENDA_INDEX", cmd->index, 1);
    else
        unsetenv("WENDA_INDEX");
    unsetenv("WENDA_DICT");
    for (const char *const *e = cmd->env; e && *e; e++) {
        char name[128];
        const char *eq = strchr(*e, '=');
        if (eq && (size_t)(eq - *e) < sizeof name) {
            memcpy(name, *e, (size_t)(eq - *e));
            name[eq - *e] = '\0';
            setenv(name, eq + 1, 1);
        }
    }
    if (cmd->file_limit) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { (rlim_t)cmd->file_limit, (rlim_t)cmd->file_limit };
        setrlimit(RLIMIT_FSIZE, &rl);
    }
    execvp(argv[0], (char *const *)argv);
    _exit(127);
}

static void build_argv(const th_cmd *cmd, const char **argv)
{
    size_t n = 0;
    argv[n++] = cmd->prog ? cmd->prog : WENDA_BIN;
    for (const char *const *a = cmd->args; a && *a; a++) {
        if (n == MAX_ARGS - 1)
            fail_msg("more than %d arguments for %s", MAX_ARGS - 2, argv[0]);
        argv[n++] = *a;
    }
    argv[n] = NULL;
}

/* stdin of the child: the input text on a rewound scratch file, or -1 to
 * open input_file (or /dev/null) in the child. */
static int input_fd(const th_cmd *cmd)
{
    if (!cmd->input)
        return -1;
    int fd = scratch_fd();
    size_t len = strlen(cmd->input), done = 0;
    while (done < len) {
        ssize_t w = write(fd, cmd->input + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            fail_msg("cannot write the input: %s", strerror(errno));
        done += (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

th_run th_exec(const th_cmd *cmd)
{
    const char *argv[MAX_ARGS];
    build_argv(cmd, argv);
    int in = input_fd(cmd), out = scratch_fd(), err = scratch_fd();
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0)
        child(cmd, argv, in, out, err);
    if (in >= 0)
        close(in);
    th_run r;
    r.status = th_wait(pid);
    lseek(out, 0, SEEK_SET);
    lseek(err, 0, SEEK_SET);
    r.out = read_all(out, NULL);
    r.err = read_all(err, NULL);
    close(out);
    close(err);
    return r;
}

pid_t th_spawn(const th_cmd *cmd, const char *out, const char *err)
{
    const char *argv[MAX_ARGS];
    build_argv(cmd, argv);
    int in = input_fd(cmd);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        int o = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open("/dev/null", O_WRONLY);
        int e = err ? open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open("/dev/null", O_WRONLY);
        child(cmd, argv, in, o, e);
    }
    if (in >= 0)
        close(in);
    return pid;
}

int th_wait(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            fail_msg("waitpid %ld: %s", (long)pid, strerror(errno));
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

th_run th_wenda_argv(const char *index, const char *input, const char *const *args)
{
    th_cmd cmd = { 0 };
    cmd.args = args;
    cmd.index = index;
    cmd.input = input;
    return th_exec(&cmd);
}

th_run th_wenda(const char *index, const char *input, ...)
{
    const char *args[MAX_ARGS];
    size_t n = 0;
    va_list ap;
    va_start(ap, input);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL) {
        if (n == MAX_ARGS - 2)
            fail_msg("more than %d arguments for wenda", MAX_ARGS - 2);
        args[n++] = a;
    }
    va_end(ap);
    args[n] = NULL;
    return th_wenda_argv(index, input, args);
}

void th_run_free(th_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- JSON output ------------------------------------------------------------ */

json_t *th_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("not JSON (%s): %.300s", e.text, text);
    return j;
}

json_t *th_json_lines(const char *text)
{
    json_t *all = json_array();
    assert_non_null(all);
    size_t line = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        line++;
        if (len > 0) {
            json_error_t e;
            json_t *j = json_loadb(p, len, JSON_DECODE_ANY, &e);
            if (!j)
                fail_msg("line %zu is not JSON (%s): %.*s", line, e.text,
                         (int)(len < 300 ? len : 300), p);
            json_array_append_new(all, j);
        }
        p += len + (end != NULL);
    }
    return all;
}

json_int_t th_json_int(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer here", key);
    return json_integer_value(v);
}

const char *th_json_str(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string here", key);
    return json_string_value(v);
}

/* ---- snippets ---------------------------------------------------------------- */

/* The byte offset of code point `cp` of s (or of its end). */
static size_t cp_offset(const char *s, size_t cp)
{
    size_t b = 0;
    for (size_t k = 0; k < cp && s[b]; k++) {
        b++;
        while ((((unsigned char)s[b]) & 0xC0) == 0x80)
            b++;
    }
    return b;
}

char *th_utf8_slice(const char *s, size_t start, size_t end, char *out, size_t cap)
{
    size_t a = cp_offset(s, start), z = cp_offset(s, end);
    size_t n = z > a ? z - a : 0;
    if (n > cap - 1)
        n = cap - 1;
    memcpy(out, s + a, n);
    out[n] = '\0';
    return out;
}

char *th_highlighted(const char *snippet, const size_t (*hl)[2], size_t n, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < n && used + 1 < cap; k++) {
        if (k)
            out[used++] = '|';
        th_utf8_slice(snippet, hl[k][0], hl[k][1], out + used, cap - used);
        used += strlen(out + used);
    }
    out[used] = '\0';
    return out;
}

/* ---- indexes of fixture corpora --------------------------------------------- */

int th_index_files(const char *index, const char *const *files)
{
    const char *args[MAX_ARGS];
    size_t n = 0;
    args[n++] = "index";
    args[n++] = "--quiet";
    args[n++] = "--index";
    args[n++] = index;
    for (; files && *files; files++) {
        if (n == MAX_ARGS - 2)
            fail_msg("more than %d files to index", MAX_ARGS - 6);
        args[n++] = *files;
    }
    args[n] = NULL;
    th_run r = th_wenda_argv(NULL, NULL, args);
    int st = r.status;
    th_run_free(&r);
    return st;
}

long th_index_documents(const char *index)
{
    th_run r = th_wenda(index, NULL, "info", "--json", NULL);
    if (r.status != 0)
        fail_msg("wenda info exited %d: %s", r.status, r.err);
    json_t *j = th_json(r.out);
    long n = (long)th_json_int(j, "documents");
    json_decref(j);
    th_run_free(&r);
    return n;
}

int th_index_records(const char *dir, const wd_dict *dict, const wd_record *recs, size_t n,
                     wd_error *err)
{
    wd_index_writer *w = NULL;
    int rc = wd_index_writer_open(&w, dir, dict, NULL, err);
    for (size_t i = 0; rc == WD_OK && i < n; i++)
        rc = wd_index_writer_add(w, &recs[i], err);
    if (rc != WD_OK) {
        wd_index_writer_abandon(w);
        return rc;
    }
    return wd_index_writer_close(w, err);
}
