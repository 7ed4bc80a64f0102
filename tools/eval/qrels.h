/*
 * qrels.h - private to tools/eval: relevance judgements for the domain
 * questions (corpus/qrels/dev.tsv, test.tsv).
 *
 * Format, one question a line, UTF-8 (a BOM and CRLF line ends are fine):
 *
 *     question<TAB>id1:2,id2:1,...
 *
 * Grade 2 = the record answers the question, 1 = related, 0 = judged not
 * relevant. Spaces around items are ignored, and so are empty items (a
 * trailing comma). An empty list (nothing after the TAB) marks a question
 * the corpus cannot answer. Blank lines and lines whose first non-blank
 * character is '#' are comments.
 *
 * A bad line (no TAB, empty question, an item without ":grade", a grade
 * other than 0, 1 or 2, an id judged twice, invalid UTF-8) is skipped and
 * reported through the diagnostic callback as "FILE:LINE: message"; the
 * parse goes on and counts it in bad_lines.
 *
 * Ownership: a wd_qrels and everything in it is new (wd_qrels_free).
 */
#ifndef WENDA_EVAL_QRELS_H
#define WENDA_EVAL_QRELS_H

#include <stddef.h>

#include "wenda/error.h"

typedef struct wd_judgement {
    char *id;
    int grade; /* 0, 1 or 2 */
} wd_judgement;

typedef struct wd_qrel {
    char *question;
    wd_judgement *judged; /* in file order; NULL when n_judged is 0 */
    size_t n_judged;      /* 0 = unanswerable */
    size_t line;          /* 1-based */
} wd_qrel;

typedef struct wd_qrels {
    wd_qrel *q;
    size_t n;
    size_t bad_lines; /* skipped, each reported */
} wd_qrels;

/* `message` is the whole sentence, starting with "FILE:LINE: ". */
typedef void (*wd_qrels_diag_fn)(void *ctx, const char *file, size_t line, const char *message);

/* Parse data[0..len); `name` is the file name used in messages. *out is
 * new, NULL on failure (WD_ENOMEM only: bad lines are not failures). */
int wd_qrels_parse(wd_qrels **out, const char *name, const char *data, size_t len,
                   wd_qrels_diag_fn diag, void *ctx, wd_error *err);
/* Read and parse a file: WD_ENOTFOUND when it does not exist, WD_EIO. */
int wd_qrels_read_file(wd_qrels **out, const char *path, wd_qrels_diag_fn diag, void *ctx,
                       wd_error *err);
void wd_qrels_free(wd_qrels *q);

/* The grade of `id` for this question; 0 when it is not judged. */
int wd_qrel_grade(const wd_qrel *q, const char *id);

#endif
