/*
 * helpers.h - fixtures shared by the test suites: scratch folders, fixture
 * files, running the real `wenda` binary (or another program) with
 * arguments and stdin, parsing its JSON and JSON Lines output, and building
 * small indexes of fixture corpora.
 *
 * Every helper that can go wrong fails the calling test through cmocka
 * (fail_msg, assert_*), except th_tmpdir and the th_index_* builders, which
 * return a code so that setup functions can return -1 instead. Strings
 * returned as *new* are the caller's to free(); th_run's fields are freed
 * with th_run_free.
 *
 * Include after <cmocka.h> (which needs <setjmp.h>, <stdarg.h>, <stddef.h>
 * and <stdint.h> before it).
 */
#ifndef WENDA_TESTS_HELPERS_H
#define WENDA_TESTS_HELPERS_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "wenda/analyzer.h"
#include "wenda/corpus.h"
#include "wenda/error.h"

#if defined(__GNUC__)
#define TH_SENTINEL __attribute__((sentinel))
#else
#define TH_SENTINEL
#endif

/* ---- scratch folders and fixture files -------------------------------------- */

/* Make a new, empty folder /tmp/wenda-<tag>-XXXXXX and write its path into
 * out (cap bytes). Returns 0, or -1 when it cannot be made or the path does
 * not fit (for setup functions, which report failure by returning -1). */
int th_tmpdir(char *out, size_t cap, const char *tag);

/* Remove `path` and everything under it (symbolic links are removed, not
 * followed). A path that does not exist is not an error. */
void th_rmtree(const char *path);

/* Write "dir/name" into out (cap bytes) and return out; fails the test
 * when it does not fit. */
char *th_path(char *out, size_t cap, const char *dir, const char *name);

/* Create or truncate `path` with `len` bytes of `data`, making its parent
 * folders first (mkdir -p). Fails the test when it cannot. */
void th_write_file(const char *path, const char *data, size_t len);

/* th_write_file of a NUL-terminated text. */
void th_write_text(const char *path, const char *text);

/* The whole content of a file, *new*, NUL-terminated (it may hold other NUL
 * bytes: *len, when not NULL, gets its length). A file that cannot be read
 * gives a new "" (len 0): a test asserting on it fails on its own terms. */
char *th_slurp(const char *path, size_t *len);

/* ---- running programs ------------------------------------------------------- */

/* What a finished program left: stdout and stderr (*new*, NUL-terminated,
 * any size), and its exit code, or 128 + the signal that ended it. */
typedef struct th_run {
    char *out;
    char *err;
    int status;
} th_run;

/* One command to run. Zero-initialise and set what you need. */
typedef struct th_cmd {
    const char *prog;         /* NULL: the wenda binary under test; else a path, or a name
                                 looked up on PATH (xapian-check) */
    const char *const *args;  /* arguments after the program name, NULL-terminated (at most
                                 62); NULL: none */
    const char *index;        /* WENDA_INDEX of the child; NULL: unset */
    const char *input;        /* stdin text; NULL: input_file */
    const char *input_file;   /* stdin read from this file; NULL (and no input): /dev/null */
    unsigned long file_limit; /* > 0: RLIMIT_FSIZE of the child in bytes, with SIGXFSZ
                                 ignored so that writes past it fail with EFBIG (a full
                                 disk); 0: no limit */
    const char *const *env;   /* NAME=VALUE settings added to the child's environment,
                                 NULL-terminated; NULL: none */
} th_cmd;

/* The wenda binary the suite was built with (WENDA_BIN). */
const char *th_wenda_bin(void);

/* Run `cmd` to completion. stdin, stdout and stderr are unlinked temporary
 * files, so neither side can block on a full pipe and outputs may be large.
 * WENDA_DICT is unset in the child (the built-in dictionary). */
th_run th_exec(const th_cmd *cmd);

/* Start `cmd` without waiting for it: stdout goes to the file `out` and
 * stderr to `err` (created or truncated; NULL: /dev/null). Returns the
 * child's pid, for th_wait (and kill). */
pid_t th_spawn(const th_cmd *cmd, const char *out, const char *err);

/* Wait for a child of th_spawn: its exit code, or 128 + the signal that
 * ended it. */
int th_wait(pid_t pid);

/* Run wenda with the NULL-terminated arguments that follow `input`:
 * WENDA_INDEX = index (NULL: unset), stdin = input (NULL: empty). */
th_run th_wenda(const char *index, const char *input, ...) TH_SENTINEL;

/* The same with the arguments as a NULL-terminated array. */
th_run th_wenda_argv(const char *index, const char *input, const char *const *args);

/* Free a th_run's outputs (the struct itself is the caller's). */
void th_run_free(th_run *r);

/* ---- JSON output ------------------------------------------------------------ */

/* Parse one JSON document (any value), *new* (json_decref); fails the test,
 * quoting the text, when it is not JSON. */
json_t *th_json(const char *text);

/* Parse JSON Lines: an array (*new*) of the value of each non-empty line,
 * in order; fails the test, naming the line, when one is not JSON. */
json_t *th_json_lines(const char *text);

/* The integer at `key` of a JSON object; fails the test when the key is
 * missing or not an integer. */
json_int_t th_json_int(const json_t *obj, const char *key);

/* The string at `key` of a JSON object (borrowed from obj); fails the test
 * when the key is missing or not a string. */
const char *th_json_str(const json_t *obj, const char *key);

/* ---- snippets ---------------------------------------------------------------- */

/* Write the code points [start, end) of the UTF-8 text s into out (cap
 * bytes, NUL-terminated; cut short when it does not fit) and return out. */
char *th_utf8_slice(const char *s, size_t start, size_t end, char *out, size_t cap);

/* The highlighted pieces of a snippet ([start, end) code-point ranges),
 * joined by '|', into out (cap bytes); returns out. */
char *th_highlighted(const char *snippet, const size_t (*hl)[2], size_t n, char *out, size_t cap);

/* ---- indexes of fixture corpora --------------------------------------------- */

/* `wenda index --quiet --index INDEX FILE...` (files NULL-terminated):
 * returns its exit status, its output left unread. */
int th_index_files(const char *index, const char *const *files);

/* The number of documents `wenda info --json` reports for `index`; fails
 * the test when it does not exit 0. */
long th_index_documents(const char *index);

/* Build (or add to) the index at `dir` from n records with the library's
 * writer (default options, `dict` borrowed). Returns WD_OK or the writer's
 * error code, with err filled. */
int th_index_records(const char *dir, const wd_dict *dict, const wd_record *recs, size_t n,
                     wd_error *err);

#endif
