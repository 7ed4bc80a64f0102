/*
 * jsonl.c - the JSON Lines reader: one object per line,
 *   {"id"?: str, "question": str, "answer": str, "source"?: str,
 *    "date"?: "YYYY-MM-DD", "kind"?: "qa" | "question"}
 * and blank lines skipped; any other key whose value is a string or a number
 * is kept as an extra field of the record (wd_field: filterable, counted as
 * a facet; "field.NAME" keys, as `wenda export` writes them, as NAME), up
 * to WD_RECORD_MAX_FIELDS; other values are ignored. The file is streamed
 * line by line (jansson parses one line at a time), so its size does not
 * matter. A line that is not valid JSON, not an object, lacks the question
 * or answer, or has a field of the wrong type is skipped with a diagnostic
 * naming the line; the read goes on. A record without an id gets the hash
 * id; an id used twice in the file is reported (the index keeps the later
 * record, so it is still passed on).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"
#include "wenda/record.h"

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

/* Fetch an optional (or required) string field. Returns 1 and sets
 * *s and *n when present, 0 when absent (after a diagnostic if required), -1
 * after a diagnostic when it has the wrong type. */
static int str_field(rd_ctx *c, size_t line, json_t *obj, const char *name, int required,
                     const char **s, size_t *n)
{
    json_t *v = json_object_get(obj, name);
    if (!v || (!required && json_is_null(v))) {
        if (required)
            rd_diag(c, WD_DIAG_SKIP, line, WD_EFORMAT, "no \"%s\" field; the record was skipped",
                    name);
        return 0;
    }
    if (!json_is_string(v)) {
        rd_diag(c, WD_DIAG_SKIP, line, WD_EFORMAT,
                "\"%s\" is %s, not a string; the record was skipped", name, json_type_name(v));
        return -1;
    }
    *s = json_string_value(v);
    *n = json_string_length(v);
    return 1;
}

/* The object's other keys with a string or number value, as extra fields
 * (numbers written into numbers[i]); returns how many. */
static size_t extra_fields(rd_ctx *c, size_t line, json_t *obj, wd_field *fields,
                           char numbers[][32])
{
    static const char *const own[] = { "id", "question", "answer", "source", "date", "kind" };
    const char *key;
    json_t *v;
    size_t n = 0;
    int dropped = 0;
    json_object_foreach(obj, key, v)
    {
        int mine = 0;
        for (size_t i = 0; i < sizeof own / sizeof *own; i++)
            mine |= strcmp(key, own[i]) == 0;
        size_t pre = sizeof WD_FIELD_KEY_PREFIX - 1;
        const char *name = strncmp(key, WD_FIELD_KEY_PREFIX, pre) == 0 ? key + pre : key;
        if (mine || !wd_field_name_ok(name, strlen(name)) ||
            !(json_is_string(v) || json_is_number(v)))
            continue;
        if (n == WD_RECORD_MAX_FIELDS) {
            dropped++;
            continue;
        }
        const char *value = json_string_value(v);
        if (json_is_integer(v)) {
            snprintf(numbers[n], sizeof numbers[n], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            value = numbers[n];
        } else if (json_is_real(v)) {
            snprintf(numbers[n], sizeof numbers[n], "%.17g", json_real_value(v));
            value = numbers[n];
        }
        fields[n++] = (wd_field){ name, value };
    }
    if (dropped)
        rd_diag(c, WD_DIAG_WARNING, line, WD_EFORMAT, "%d fields past the first %d were left out",
                dropped, WD_RECORD_MAX_FIELDS);
    return n;
}

/* One non-blank line. Returns WD_OK (delivered or skipped), WD_ENOMEM, or
 * the callback's return. */
static int jsonl_line(rd_ctx *c, const char *text, size_t len, size_t line)
{
    json_error_t jerr;
    json_t *obj = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    if (!obj) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return WD_ENOMEM;
        rd_diag(c, WD_DIAG_SKIP, line, WD_EFORMAT,
                "not valid JSON (%s at column %d); the record was skipped", jerr.text, jerr.column);
        return WD_OK;
    }
    int rc = WD_OK;
    if (!json_is_object(obj)) {
        rd_diag(c, WD_DIAG_SKIP, line, WD_EFORMAT, "%s, not a JSON object; the record was skipped",
                json_type_name(obj));
        goto done;
    }
    const char *q = NULL, *a = NULL, *id = NULL, *src = NULL, *date = NULL, *kind = NULL;
    size_t qn = 0, an = 0, idn = 0, srcn = 0, daten = 0, kindn = 0;
    if (str_field(c, line, obj, "question", 1, &q, &qn) != 1 ||
        str_field(c, line, obj, "answer", 1, &a, &an) != 1 ||
        str_field(c, line, obj, "id", 0, &id, &idn) < 0 ||
        str_field(c, line, obj, "source", 0, &src, &srcn) < 0 ||
        str_field(c, line, obj, "date", 0, &date, &daten) < 0 ||
        str_field(c, line, obj, "kind", 0, &kind, &kindn) < 0)
        goto done;
    /* jansson accepts "\u0000" only with JSON_ALLOW_NUL, which we do not
     * pass, so strings here have no NUL bytes and strlen agrees with the
     * lengths. */
    int k = WD_KIND_QA;
    if (kind && (k = wd_record_kind_from_name(kind)) < 0) {
        rd_diag(c, WD_DIAG_SKIP, line, WD_EFORMAT,
                "\"kind\" must be \"qa\" or \"question\"; the record was skipped");
        goto done;
    }
    if (date && !rd_valid_date(date, daten)) {
        char shown[64];
        rd_clip(shown, sizeof shown, date, daten);
        rd_diag(c, WD_DIAG_WARNING, line, WD_EFORMAT,
                "date \"%s\" is not YYYY-MM-DD; the record is kept without a date", shown);
        date = NULL;
    }
    if (src && !src[0])
        src = NULL;
    wd_field fields[WD_RECORD_MAX_FIELDS];
    char numbers[WD_RECORD_MAX_FIELDS][32];
    size_t nf = extra_fields(c, line, obj, fields, numbers);
    wd_record rec = { id, q, a, src, date, k, line, nf ? fields : NULL, nf };
    rc = rd_emit(c, &rec, qn, an, 1);
done:
    json_decref(obj);
    return rc;
}

int rd_read_jsonl(rd_ctx *c, rd_lines *l)
{
    const char *text;
    size_t len;
    int r, first = 1, any = 0;
    while ((r = rd_lines_next(l, &text, &len)) == 1) {
        size_t line = l->lineno;
        if (rd_is_blank(text, len))
            continue;
        any = 1;
        size_t bad;
        int is_nul;
        if (!rd_text_ok(text, len, &bad, &is_nul)) {
            rd_diag_bad_text(c, line, bad, is_nul);
            first = 0;
            continue;
        }
        if (first) {
            first = 0;
            const char *t = text;
            size_t n = len;
            rd_trim(&t, &n);
            /* A JSON array (a .json file) would otherwise give one
             * "not valid JSON" per line; say what is wrong once. */
            if (n && t[0] == '[')
                return rd_fail(c, WD_EFORMAT,
                               "line %zu starts a JSON array; this reader wants JSON Lines (one "
                               "object per line)",
                               line);
        }
        int rc = jsonl_line(c, text, len, line);
        if (rc != WD_OK)
            return rc;
    }
    if (r < 0)
        return r;
    if (!any)
        rd_diag(c, WD_DIAG_WARNING, 0, WD_EFORMAT, "empty file");
    return WD_OK;
}
