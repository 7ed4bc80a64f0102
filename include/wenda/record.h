/*
 * wenda/record.h - the Q&A record and its stored form.
 *
 * A record is what the corpus readers produce, what the index writer
 * stores and what a search returns. Inside an index each record is kept as
 * its stored form: one flat JSON object of strings, keys in the order id,
 * question, answer, kind, source, date (date left out when unknown), then
 * each extra field as "field.NAME" (WD_FIELD_KEY_PREFIX), UTF-8
 * written as is, `"` `\` and control characters escaped the way jansson's
 * compact dump writes them. This header is the one codec of that form: the
 * indexer encodes with it, the searcher and every reader of stored records
 * decode with it.
 *
 * Thread safety: the functions keep no state.
 */
#ifndef WENDA_RECORD_H
#define WENDA_RECORD_H

#include <stddef.h>

#include "wenda/buf.h"
#include "wenda/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum wd_record_kind {
    WD_KIND_QA = 0,      /* question with an answer */
    WD_KIND_QUESTION = 1 /* a known question with only the asker's description */
};

/* An extra field of a record: a JSON Lines key beyond the record's own, or
 * a TSV/CSV column named with --field-column (department, hospital, ...).
 * Records can be filtered by it and its values counted as a facet. */
typedef struct wd_field {
    const char *name;  /* WD_FIELD_NAME_MAX bytes at most; no '=' ',' or control characters */
    const char *value; /* UTF-8 */
} wd_field;

#define WD_FIELD_KEY_PREFIX "field."
#define WD_FIELD_NAME_MAX 64
#define WD_RECORD_MAX_FIELDS 32

/* 1 when name (len bytes) may name a field: 1 to WD_FIELD_NAME_MAX bytes, no
 * '=', ',', '*', space or control character, and not one of the record's
 * own keys (id, question, answer, kind, source, date, line). */
int wd_field_name_ok(const char *name, size_t len);

typedef struct wd_record {
    const char *id;         /* stable id: seed "<stem>#<n>", JSONL "id", TSV/CSV id column,
                             else "h" + 16 hex digits of a hash of question and answer */
    const char *question;   /* exactly as in the source */
    const char *answer;     /* exactly as in the source; for kind question, the description */
    const char *source;     /* the file's base name */
    const char *date;       /* "YYYY-MM-DD" or NULL */
    int kind;               /* enum wd_record_kind */
    size_t line;            /* 1-based line where the record starts (0 when not from a file) */
    const wd_field *fields; /* extra fields, n_fields of them (at most WD_RECORD_MAX_FIELDS) */
    size_t n_fields;
} wd_record;

/* A record passed to a callback: the record and its strings are borrowed
 * for the duration of the call. Non-zero return stops the caller's walk and
 * is returned by it. */
typedef int (*wd_record_fn)(void *ctx, const wd_record *rec);

/* "qa" | "question"; "unknown" for anything else. */
const char *wd_record_kind_name(int kind);
/* Parse "qa" | "question"; -1 when unknown. */
int wd_record_kind_from_name(const char *s);

/* Append the stored form of rec to out. id and question must be set; a NULL
 * answer or source is stored as "", a NULL date is left out. The strings
 * must be valid UTF-8 (not checked here). WD_OK, or WD_ENOMEM (out->oom). */
int wd_record_encode(const wd_record *rec, wd_buf *out);

/* Decode a stored form. On success *out points into *mem (new, one block:
 * wd_free it when done with the record, fields included); out->line is 0; a missing answer
 * or source reads as "", a missing date as NULL, a kind other than
 * "question" as WD_KIND_QA. WD_ECORRUPT (with a message that says to
 * re-index) when the data is not a flat JSON object of strings with at least
 * an id and a question; WD_ENOMEM. *mem is NULL on failure. */
int wd_record_decode(const char *data, size_t len, wd_record *out, char **mem, wd_error *err);

#ifdef __cplusplus
}
#endif
#endif
