/*
 * table.c - TSV and CSV: the record splitter every table reader uses
 * (rd_table: records, header look-up) and the record reader over it.
 *
 * The splitter: TSV splits a line on tabs with no quoting at all, so a
 * field can hold any character but a tab or a newline. CSV follows RFC
 * 4180: a field in double quotes may hold commas, newlines and "" for a
 * quote; a record can therefore span several lines, and its line number is
 * the line it starts on. Line breaks inside a quoted field are kept as
 * "\n" (a CR before them belongs to the line terminator). The rule is
 * strict: a quote inside an unquoted field or text after a closing quote
 * flags the record (`stray`) instead of being taken as text, because such
 * a row was written by hand or cut badly and its fields are a guess; the
 * flagged record still ends with its line, so one stray quote spoils one
 * row, not the rest of the file.
 *
 * The record reader wants a header line naming a question and an answer
 * column (case-insensitive, trimmed; the names can be changed with
 * opts->question_column / answer_column / id_column) and streams the rows
 * after it; "source" and "date" columns (or the ones named) give the
 * record's source and date, and a question may be made of several columns
 * ("title,ask": joined with a space). A header without the needed columns fails the call (nothing in
 * the file can be read, and the message lists the columns found and the
 * option to use); a row with the wrong number of fields, broken quoting or
 * an empty question is skipped with a diagnostic and the read goes on.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grow.h"
#include "reader.h"

/* ------------------------------------------------------------------ */
/* The splitter                                                        */
/* ------------------------------------------------------------------ */

void rd_table_init(rd_table *t, rd_lines *l, char sep)
{
    memset(t, 0, sizeof *t);
    t->l = l;
    t->sep = sep;
}

void rd_table_free(rd_table *t)
{
    wd_buf_free(&t->fb);
    wd_free(t->f);
    t->f = NULL;
    t->nf = t->capf = 0;
}

static int field_end(rd_table *t, size_t start)
{
    if (WD_GROW(t->f, t->capf, t->nf + 1, 16) != WD_OK)
        return WD_ENOMEM;
    t->f[t->nf].off = start;
    t->f[t->nf].len = t->fb.len - start;
    t->nf++;
    /* NUL-terminate so the record can hand out C strings without copies. */
    if (wd_buf_putc(&t->fb, '\0') != WD_OK)
        return WD_ENOMEM;
    return WD_OK;
}

static void check_text(rd_table *t, const char *s, size_t n)
{
    size_t at;
    int nul;
    if (!t->nul && memchr(s, '\0', n))
        t->nul = 1;
    if (!t->bad && !rd_text_ok(s, n, &at, &nul)) {
        t->bad = 1;
        t->bad_line = t->l->lineno;
        t->bad_at = at;
        t->bad_nul = nul;
    }
}

int rd_table_next(rd_table *t)
{
    const char *s;
    size_t n;
    int r = rd_lines_next(t->l, &s, &n);
    if (r <= 0)
        return r;
    wd_buf_reset(&t->fb);
    t->nf = 0;
    t->line = t->l->lineno;
    t->bad = 0;
    t->nul = 0;
    t->stray = 0;
    t->unterminated = 0;
    t->blank = rd_is_blank(s, n);
    if (t->blank)
        return 1;
    check_text(t, s, n);

    if (t->sep == '\t') {
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i < n && s[i] != '\t')
                continue;
            size_t fstart = t->fb.len;
            wd_buf_append(&t->fb, s + start, i - start);
            if (field_end(t, fstart) != WD_OK)
                return WD_ENOMEM;
            start = i + 1;
        }
        return t->fb.oom ? WD_ENOMEM : 1;
    }

    enum { F_START, F_PLAIN, F_QUOTED, F_QUOTE_SEEN } st = F_START;
    size_t fstart = 0;
    for (;;) {
        for (size_t i = 0; i < n; i++) {
            char ch = s[i];
            switch (st) {
            case F_START:
                fstart = t->fb.len;
                if (ch == '"') {
                    st = F_QUOTED;
                } else if (ch == ',') {
                    if (field_end(t, fstart) != WD_OK)
                        return WD_ENOMEM;
                } else {
                    wd_buf_putc(&t->fb, ch);
                    st = F_PLAIN;
                }
                break;
            case F_PLAIN:
                if (ch == ',') {
                    if (field_end(t, fstart) != WD_OK)
                        return WD_ENOMEM;
                    st = F_START;
                } else {
                    if (ch == '"')
                        t->stray = 1; /* a quote inside an unquoted field */
                    wd_buf_putc(&t->fb, ch);
                }
                break;
            case F_QUOTED:
                if (ch == '"')
                    st = F_QUOTE_SEEN;
                else
                    wd_buf_putc(&t->fb, ch);
                break;
            case F_QUOTE_SEEN:
                if (ch == '"') {
                    wd_buf_putc(&t->fb, '"');
                    st = F_QUOTED;
                } else if (ch == ',') {
                    if (field_end(t, fstart) != WD_OK)
                        return WD_ENOMEM;
                    st = F_START;
                } else {
                    t->stray = 1; /* text after a closing quote */
                    wd_buf_putc(&t->fb, ch);
                    st = F_PLAIN;
                }
                break;
            }
        }
        if (t->fb.oom)
            return WD_ENOMEM;
        if (st != F_QUOTED)
            break;
        /* A quote left open this long is more likely a stray one than a
         * field: end the record here so the lines after it are read. */
        if (t->max_span && t->fb.len >= t->max_span) {
            t->stray = 1;
            break;
        }
        /* A line break inside quotes belongs to the field. */
        r = rd_lines_next(t->l, &s, &n);
        if (r < 0)
            return r;
        if (r == 0) {
            t->unterminated = 1;
            break;
        }
        wd_buf_putc(&t->fb, '\n');
        check_text(t, s, n);
    }
    if (st == F_START)
        fstart = t->fb.len;
    if (field_end(t, fstart) != WD_OK)
        return WD_ENOMEM;
    return 1;
}

int rd_table_header(rd_table *t)
{
    int r;
    while ((r = rd_table_next(t)) == 1 && t->blank)
        ;
    return r;
}

int rd_table_find(const rd_table *t, const char *name)
{
    return rd_table_find_from(t, name, 0);
}

int rd_table_find_from(const rd_table *t, const char *name, size_t from)
{
    const char *want = name;
    size_t wn = strlen(name);
    rd_trim(&want, &wn);
    for (size_t i = from; i < t->nf; i++) {
        const char *s = rd_table_field(t, i);
        size_t n = t->f[i].len;
        rd_trim(&s, &n);
        if (rd_name_eqn(s, n, want, wn))
            return (int)i;
    }
    return -1;
}

void rd_table_list(const rd_table *t, char *out, size_t outsz)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->nf && k + 8 < outsz; i++) {
        const char *s = rd_table_field(t, i);
        size_t n = t->f[i].len;
        rd_trim(&s, &n);
        char name[48];
        rd_clip(name, sizeof name, s, n);
        int w = snprintf(out + k, outsz - k, "%s\"%s\"", i ? ", " : "", name);
        if (w < 0 || (size_t)w >= outsz - k) {
            out[k] = '\0';
            break;
        }
        k += (size_t)w;
    }
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* The columns a table's records are read from. */
#define MAX_QUESTION_COLUMNS 8
typedef struct table_cols {
    int q[MAX_QUESTION_COLUMNS]; /* the question: one column, or several joined */
    size_t nq;
    int a, id, src, date;        /* -1: none */
    int f[WD_RECORD_MAX_FIELDS]; /* the extra fields' columns (--field-column) */
    char fname[WD_RECORD_MAX_FIELDS][WD_FIELD_NAME_MAX + 1];
    size_t nf;
} table_cols;

/* The columns named by --field-column, each an extra field of its name. */
static int field_columns(rd_ctx *c, const rd_table *t, table_cols *cols)
{
    cols->nf = 0;
    const char *list = c->opts->field_columns;
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        const char *name = p;
        size_t len = n;
        rd_trim(&name, &len);
        p += n + (p[n] == ',');
        if (!len)
            continue;
        if (!wd_field_name_ok(name, len))
            return rd_fail(c, WD_EINVAL,
                           "--field-column \"%.*s\" cannot name a field: 1 to %d bytes without "
                           "'=', ',', '*', quotes, spaces or control characters, and not id, "
                           "question, answer, kind, source or date",
                           (int)(len > 80 ? 80 : len), name, WD_FIELD_NAME_MAX);
        if (cols->nf == WD_RECORD_MAX_FIELDS)
            return rd_fail(c, WD_EINVAL, "--field-column names more than %d columns",
                           WD_RECORD_MAX_FIELDS);
        snprintf(cols->fname[cols->nf], sizeof cols->fname[cols->nf], "%.*s", (int)len, name);
        int col = rd_table_find(t, cols->fname[cols->nf]);
        if (col < 0) {
            char found[600];
            rd_table_list(t, found, sizeof found);
            return rd_fail(c, WD_EFORMAT,
                           "the %s header on line %zu has no \"%s\" column (columns found: %s); "
                           "name the columns to use with --field-column",
                           t->sep == '\t' ? "TSV" : "CSV", t->line, cols->fname[cols->nf], found);
        }
        cols->f[cols->nf++] = col;
    }
    return WD_OK;
}

/* Find each column of the comma-separated list `names` (the question
 * columns) into cols->q; the first missing one is *missing (borrowed into
 * buf). */
static int find_question_columns(const rd_table *t, const char *names, table_cols *cols, char *buf,
                                 size_t bufsz)
{
    cols->nq = 0;
    for (const char *p = names; *p;) {
        size_t n = strcspn(p, ",");
        if (cols->nq == MAX_QUESTION_COLUMNS)
            return -2;
        snprintf(buf, bufsz, "%.*s", (int)n, p);
        int col = rd_table_find(t, buf);
        if (col < 0)
            return -1;
        cols->q[cols->nq++] = col;
        p += n + (p[n] == ',');
    }
    return cols->nq ? 0 : -1;
}

static int header(rd_ctx *c, rd_table *t, table_cols *cols)
{
    const wd_read_opts *o = c->opts;
    const char *qnames = o->question_column ? o->question_column : "question";
    const char *aname = o->answer_column ? o->answer_column : "answer";
    const char *idname = o->id_column ? o->id_column : "id";
    const char *srcname = o->source_column ? o->source_column : "source";
    const char *datename = o->date_column ? o->date_column : "date";
    const char *kind = t->sep == '\t' ? "TSV" : "CSV";
    if (t->bad)
        return rd_fail(c, WD_EENCODING,
                       "the header on line %zu has %s at byte %zu; save the file as UTF-8, or "
                       "pass --encoding gb18030 if it is GBK",
                       t->bad_line, t->bad_nul ? "a NUL byte" : "invalid UTF-8", t->bad_at + 1);
    char qname[128];
    int qrc = find_question_columns(t, qnames, cols, qname, sizeof qname);
    if (qrc == -2)
        return rd_fail(c, WD_EFORMAT, "--question-column names more than %d columns",
                       MAX_QUESTION_COLUMNS);
    cols->a = rd_table_find(t, aname);
    cols->id = rd_table_find(t, idname);
    cols->src = rd_table_find(t, srcname);
    cols->date = rd_table_find(t, datename);
    /* Optional columns must be there when named. */
    const char *missing = qrc < 0                             ? qname
                          : cols->a < 0                       ? aname
                          : o->id_column && cols->id < 0      ? idname
                          : o->source_column && cols->src < 0 ? srcname
                          : o->date_column && cols->date < 0  ? datename
                                                              : NULL;
    if (missing) {
        char found[600];
        rd_table_list(t, found, sizeof found);
        const char *opt = qrc < 0                             ? "--question-column"
                          : cols->a < 0                       ? "--answer-column"
                          : o->id_column && cols->id < 0      ? "--id-column"
                          : o->source_column && cols->src < 0 ? "--source-column"
                                                              : "--date-column";
        return rd_fail(c, WD_EFORMAT,
                       "the %s header on line %zu has no \"%s\" column (columns found: %s); "
                       "name the columns to use with %s%s",
                       kind, t->line, missing, found, opt, qrc < 0 ? " and --answer-column" : "");
    }
    /* A name given to two columns leaves the record's text to a guess. */
    const char *const names[] = { aname, idname, srcname, datename };
    const int found_at[] = { cols->a, cols->id, cols->src, cols->date };
    static const char *const opts[] = { "--answer-column", "--id-column", "--source-column",
                                        "--date-column" };
    for (size_t i = 0; i <= 4; i++) {
        const char *name = i == 0 ? NULL : names[i - 1];
        int col = i == 0 ? cols->q[0] : found_at[i - 1];
        if (i == 0) { /* each question column */
            for (size_t k = 0; k < cols->nq; k++) {
                const char *p = qnames;
                for (size_t skip = 0; skip < k; skip++)
                    p += strcspn(p, ",") + 1;
                snprintf(qname, sizeof qname, "%.*s", (int)strcspn(p, ","), p);
                int again = rd_table_find_from(t, qname, (size_t)cols->q[k] + 1);
                if (again >= 0)
                    return rd_fail(c, WD_EFORMAT,
                                   "the %s header on line %zu names the \"%s\" column twice "
                                   "(columns %d and %d); rename one of them, or name the column "
                                   "to read with --question-column",
                                   kind, t->line, qname, cols->q[k] + 1, again + 1);
            }
            continue;
        }
        int again = col < 0 ? -1 : rd_table_find_from(t, name, (size_t)col + 1);
        if (again >= 0)
            return rd_fail(c, WD_EFORMAT,
                           "the %s header on line %zu names the \"%s\" column twice (columns %d "
                           "and %d); rename one of them, or name the column to read with %s",
                           kind, t->line, name, col + 1, again + 1, opts[i - 1]);
    }
    /* Each column read for one thing only. */
    int used[MAX_QUESTION_COLUMNS + 4];
    size_t nused = 0;
    for (size_t k = 0; k < cols->nq; k++)
        used[nused++] = cols->q[k];
    for (size_t i = 0; i < 4; i++)
        if (found_at[i] >= 0)
            used[nused++] = found_at[i];
    for (size_t i = 0; i < nused; i++)
        for (size_t k = i + 1; k < nused; k++)
            if (used[i] == used[k])
                return rd_fail(c, WD_EFORMAT,
                               "the %s header on line %zu: column %d is named for two fields; "
                               "the question, answer, id, source and date columns must be "
                               "different columns (check --question-column, --answer-column, "
                               "--id-column, --source-column and --date-column)",
                               kind, t->line, used[i] + 1);
    return WD_OK;
}

int rd_read_table(rd_ctx *c, rd_lines *l, char sep)
{
    rd_table t;
    rd_table_init(&t, l, sep);
    int rc, r;
    table_cols cols;
    size_t ncols = 0;
    wd_buf question = WD_BUF_INIT; /* several question columns, joined */

    if ((r = rd_table_header(&t)) < 0) {
        rc = r;
        goto out;
    }
    if (r == 0) {
        rd_diag(c, WD_DIAG_WARNING, 0, WD_EFORMAT, "empty file");
        rc = WD_OK;
        goto out;
    }
    if ((rc = header(c, &t, &cols)) != WD_OK || (rc = field_columns(c, &t, &cols)) != WD_OK)
        goto out;
    ncols = t.nf;

    while ((r = rd_table_next(&t)) == 1) {
        if (t.blank)
            continue;
        if (t.bad) {
            rd_diag_bad_text(c, t.bad_line, t.bad_at, t.bad_nul);
            continue;
        }
        if (t.unterminated) {
            rd_diag(c, WD_DIAG_SKIP, t.line, WD_EFORMAT,
                    "a quoted field is not closed before the end of the file; the record was "
                    "skipped");
            continue;
        }
        if (t.stray) {
            rd_diag(c, WD_DIAG_SKIP, t.line, WD_EFORMAT,
                    "a quote inside an unquoted field or after a closing quote; the record was "
                    "skipped (put a field that holds quotes in quotes and double each quote "
                    "inside: \"say \"\"hi\"\"\")");
            continue;
        }
        if (t.nf != ncols) {
            rd_diag(c, WD_DIAG_SKIP, t.line, WD_EFORMAT,
                    "%zu fields where the header has %zu; the record was skipped%s", t.nf, ncols,
                    sep == '\t' ? " (TSV has no quoting: a tab inside a field splits it)"
                                : " (quote fields that hold commas)");
            continue;
        }
        const char *q = rd_table_field(&t, (size_t)cols.q[0]);
        size_t qlen = t.f[cols.q[0]].len;
        if (cols.nq > 1) {
            /* The question's parts, in the order named, one space between. */
            wd_buf_reset(&question);
            for (size_t k = 0; k < cols.nq; k++) {
                const char *part = rd_table_field(&t, (size_t)cols.q[k]);
                size_t plen = t.f[cols.q[k]].len;
                rd_trim(&part, &plen);
                if (!plen)
                    continue;
                if (question.len)
                    wd_buf_putc(&question, ' ');
                wd_buf_append(&question, part, plen);
            }
            if (question.oom) {
                rc = WD_ENOMEM;
                goto out;
            }
            q = question.data ? question.data : "";
            qlen = question.len;
        }
        const char *src = cols.src >= 0 ? rd_table_field(&t, (size_t)cols.src) : NULL;
        const char *date = cols.date >= 0 ? rd_table_field(&t, (size_t)cols.date) : NULL;
        if (src && !*src)
            src = NULL; /* the file's name */
        if (date && !*date)
            date = NULL;
        if (date && !rd_valid_date(date, t.f[cols.date].len)) {
            char shown[64];
            rd_clip(shown, sizeof shown, date, t.f[cols.date].len);
            rd_diag(c, WD_DIAG_WARNING, t.line, WD_EFORMAT,
                    "date \"%s\" is not YYYY-MM-DD; the record is kept without a date", shown);
            date = NULL;
        }
        wd_field fields[WD_RECORD_MAX_FIELDS];
        size_t nf = 0;
        for (size_t k = 0; k < cols.nf; k++) {
            const char *v = rd_table_field(&t, (size_t)cols.f[k]);
            if (*v) /* an empty cell: no such field */
                fields[nf++] = (wd_field){ cols.fname[k], v };
        }
        wd_record rec = { cols.id >= 0 ? rd_table_field(&t, (size_t)cols.id) : NULL,
                          q,
                          rd_table_field(&t, (size_t)cols.a),
                          src,
                          date,
                          WD_KIND_QA,
                          t.line,
                          nf ? fields : NULL,
                          nf };
        if ((rc = rd_emit(c, &rec, qlen, t.f[cols.a].len, 1)) != WD_OK)
            goto out;
    }
    rc = r < 0 ? r : WD_OK;
out:
    wd_buf_free(&question);
    rd_table_free(&t);
    return rc;
}

/* Format detection looks at one line before any reader runs, so it splits
 * the line in place rather than through rd_table (which buffers): quoted
 * CSV fields are unwrapped (a "" inside stays doubled: header names do not
 * have quotes). The reader the file then goes to applies the full rules. */
int rd_table_header_matches(const char *line, size_t len, char sep, const char *qname,
                            const char *aname)
{
    int have_q = 0, have_a = aname == NULL;
    /* Of a list of question columns ("title,ask"), the first. */
    size_t i = 0, qn = strcspn(qname, ","), an = aname ? strlen(aname) : 0;
    rd_trim(&qname, &qn);
    if (aname)
        rd_trim(&aname, &an);
    for (;;) {
        size_t start = i;
        const char *fs;
        size_t fn;
        const char *p = line + i;
        size_t rest = len - i;
        rd_trim(&p, &rest);
        if (sep == ',' && rest && *p == '"') {
            size_t j = (size_t)(p - line) + 1;
            while (j < len) {
                if (line[j] == '"') {
                    if (j + 1 < len && line[j + 1] == '"') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j++;
            }
            fs = p + 1;
            fn = j - (size_t)(p + 1 - line);
            i = j < len ? j + 1 : len;
            /* Only white space may follow a closing quote in a header; a
             * JSON line such as {"question": "..."} must not pass. */
            while (i < len && line[i] != sep) {
                if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
                    return 0;
                i++;
            }
        } else {
            while (i < len && line[i] != sep)
                i++;
            fs = line + start;
            fn = i - start;
        }
        rd_trim(&fs, &fn);
        if (rd_name_eqn(fs, fn, qname, qn))
            have_q = 1;
        if (aname && rd_name_eqn(fs, fn, aname, an))
            have_a = 1;
        if (i >= len)
            break;
        i++; /* the separator */
    }
    return have_q && have_a;
}
