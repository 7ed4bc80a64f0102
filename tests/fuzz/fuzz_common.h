/*
 * fuzz_common.h - what the libFuzzer targets share: a check that stops the
 * run loudly when an invariant fails (so libFuzzer, or the cmocka regression
 * runner, records the input), and the record/diagnostic checks every corpus
 * reader target applies.
 *
 * Each target defines LLVMFuzzerTestOneInput (and optionally
 * LLVMFuzzerInitialize). Built with clang -fsanitize=fuzzer under
 * WENDA_FUZZ; the same file is also linked with regress_main.c (gcc, cmocka)
 * to replay tests/data/fuzz-regressions/<target>/.
 */
#ifndef WENDA_FUZZ_COMMON_H
#define WENDA_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Every record a reader hands on: non-empty valid UTF-8 question without
 * NUL, valid UTF-8 answer and id, a line number, a known kind. */
static inline int fz_on_record(void *ctx, const wd_record *rec)
{
    size_t *count = ctx;
    FZ_CHECK(rec->id && rec->id[0]);
    FZ_CHECK(rec->question && rec->question[0]);
    FZ_CHECK(rec->answer);
    FZ_CHECK(wd_utf8_valid(rec->question, strlen(rec->question), NULL));
    FZ_CHECK(wd_utf8_valid(rec->answer, strlen(rec->answer), NULL));
    FZ_CHECK(wd_utf8_valid(rec->id, strlen(rec->id), NULL));
    FZ_CHECK(rec->line >= 1);
    FZ_CHECK(rec->kind == WD_KIND_QA || rec->kind == WD_KIND_QUESTION);
    FZ_CHECK(!rec->date || strlen(rec->date) == 10);
    (*count)++;
    return 0;
}

/* Diagnostics: a file name, a valid UTF-8 message, a known level. */
static inline void fz_on_diag(void *ctx, int level, const char *file, size_t line, int code,
                              const char *message)
{
    (void)ctx;
    (void)line;
    FZ_CHECK(level == WD_DIAG_WARNING || level == WD_DIAG_SKIP);
    FZ_CHECK(file && file[0]);
    FZ_CHECK(code < 0);
    FZ_CHECK(message && message[0]);
    FZ_CHECK(wd_utf8_valid(message, strlen(message), NULL));
}

/* Read a buffer as `name` with the given format and encoding; the whole-file
 * error, when there is one, must be a known code with a message naming the
 * file. */
static inline void fz_read(const char *name, const uint8_t *data, size_t size, int format,
                           const char *encoding, size_t max_record_bytes)
{
    wd_read_opts o = WD_READ_OPTS_INIT;
    o.format = format;
    o.encoding = encoding;
    o.max_record_bytes = max_record_bytes;
    wd_error err;
    wd_error_clear(&err);
    size_t count = 0;
    int rc = wd_corpus_read_buffer(name, (const char *)data, size, &o, fz_on_record, fz_on_diag,
                                   &count, &err);
    if (rc != WD_OK) {
        FZ_CHECK(rc == WD_EENCODING || rc == WD_EFORMAT || rc == WD_ENOMEM);
        FZ_CHECK(strncmp(err.message, name, strlen(name)) == 0);
        FZ_CHECK(wd_utf8_valid(err.message, strlen(err.message), NULL));
    }
}

/* Every question a question-list reader hands on: non-empty, valid UTF-8
 * without NUL, within the limit, NUL-terminated at its length, not blank,
 * with a line number; `consumed` never goes back. */
static inline int fz_on_question(void *ctx, const wd_question *q)
{
    unsigned long long *consumed = ctx;
    FZ_CHECK(q->text && q->len > 0 && q->len <= 64);
    FZ_CHECK(strlen(q->text) == q->len);
    FZ_CHECK(wd_utf8_valid(q->text, q->len, NULL));
    FZ_CHECK(strspn(q->text, " \t\r\f\v") < q->len);
    FZ_CHECK(q->file && q->line >= 1);
    FZ_CHECK(q->consumed >= *consumed);
    *consumed = q->consumed;
    return 0;
}

/* Read a buffer as a question list named `name` in `format`, with a
 * 64-byte limit so the limit is reached often. */
static inline void fz_read_questions(const char *name, const uint8_t *data, size_t size, int format)
{
    wd_question_opts o = WD_QUESTION_OPTS_INIT;
    o.format = format;
    o.max_question_bytes = 64;
    wd_error err;
    wd_error_clear(&err);
    unsigned long long consumed = 0;
    int rc = wd_corpus_read_questions_buffer(name, (const char *)data, size, &o, fz_on_question,
                                             fz_on_diag, &consumed, &err);
    FZ_CHECK(consumed <= size);
    if (rc != WD_OK) {
        FZ_CHECK(rc == WD_EFORMAT || rc == WD_ENOMEM);
        FZ_CHECK(strncmp(err.message, name, strlen(name)) == 0);
        FZ_CHECK(wd_utf8_valid(err.message, strlen(err.message), NULL));
    }
}

#endif
