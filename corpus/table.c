/*
 * table.c - the TSV and CSV readers. Both want a header line naming a
 * question and an answer column (case-insensitive, trimmed; the names can
 * be changed with opts->question_column / answer_column / id_column) and
 * stream the rows after it. TSV splits on tabs with no quoting at all, so
 * a field can hold any character but a tab or a newline. CSV follows RFC
 * 4180: a field in double quotes may hold commas, newlines and "" for a
 * quote; a record can therefore span several lines, and its line number is
 * the line it starts on. Line breaks inside a quoted field are kept as
 * "\n" (a CR before them belongs to the line terminator).
 *
 * A header without the needed columns fails the call (nothing in the file
 * can be read, and the message lists the columns found and the option to
 * use); a row with the wrong number of fields or an empty question is
 * skipped with a diagnostic and the read goes on.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"

typedef struct table {
    rd_ctx *c;
    rd_lines *l;
    char sep;
    wd_buf fb;   /* the fields of the current record, each NUL-terminated */
    size_t *off; /* start of each field in fb */
    size_t *len; /* length of each field */
    size_t nf, capf;
    /* the current record */
    size_t line;     /* its first line */
    int blank;       /* a blank line, not a record */
    int bad;         /* NUL or invalid UTF-8 somewhere in it */
    size_t bad_line; /* ... on this line */
    size_t bad_at;   /* ... at this byte */
    int bad_nul;
    int unterminated; /* a quoted field ran to the end of the file */
} table;

static int field_end(table *t, size_t start)
{
    if (t->nf == t->capf) {
        size_t ncap = t->capf ? t->capf * 2 : 16;
        size_t *off = wd_realloc(t->off, ncap * sizeof *off);
        if (!off)
            return WD_ENOMEM;
        t->off = off;
        size_t *len = wd_realloc(t->len, ncap * sizeof *len);
        if (!len)
            return WD_ENOMEM;
        t->len = len;
        t->capf = ncap;
    }
    t->off[t->nf] = start;
    t->len[t->nf] = t->fb.len - start;
    t->nf++;
    /* NUL-terminate so the record can hand out C strings without copies. */
    if (wd_buf_putc(&t->fb, '\0') != WD_OK)
        return WD_ENOMEM;
    return WD_OK;
}

static void check_text(table *t, const char *s, size_t n)
{
    size_t at;
    int nul;
    if (!t->bad && !rd_text_ok(s, n, &at, &nul)) {
        t->bad = 1;
        t->bad_line = t->l->lineno;
        t->bad_at = at;
        t->bad_nul = nul;
    }
}

/* Read the next record into the fields. Returns 1, 0 at the end, or a
 * WD_E* code. */
static int read_record(table *t)
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

    /* RFC 4180, leniently: a quote inside an unquoted field, or text after
     * a closing quote, is kept as it is rather than failing the row. */
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

static int find_column(table *t, const char *name)
{
    const char *want = name;
    size_t wn = strlen(name);
    rd_trim(&want, &wn);
    for (size_t i = 0; i < t->nf; i++) {
        const char *s = t->fb.data + t->off[i];
        size_t n = t->len[i];
        rd_trim(&s, &n);
        if (rd_name_eqn(s, n, want, wn))
            return (int)i;
    }
    return -1;
}

/* "id, category, query1" for the message about a header that does not
 * name the needed columns. */
static void list_columns(table *t, char *out, size_t outsz)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->nf && k + 8 < outsz; i++) {
        const char *s = t->fb.data + t->off[i];
        size_t n = t->len[i];
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

static int header(table *t, int *qcol, int *acol, int *idcol)
{
    rd_ctx *c = t->c;
    const wd_read_opts *o = c->opts;
    const char *qname = o->question_column ? o->question_column : "question";
    const char *aname = o->answer_column ? o->answer_column : "answer";
    const char *idname = o->id_column ? o->id_column : "id";
    if (t->bad)
        return rd_fail(c, WD_EENCODING,
                       "the header on line %zu has %s at byte %zu; save the file as UTF-8, or "
                       "pass --encoding gb18030 if it is GBK",
                       t->bad_line, t->bad_nul ? "a NUL byte" : "invalid UTF-8", t->bad_at + 1);
    *qcol = find_column(t, qname);
    *acol = find_column(t, aname);
    *idcol = find_column(t, idname);
    if (*qcol < 0 || *acol < 0 || (o->id_column && *idcol < 0)) {
        char found[600];
        list_columns(t, found, sizeof found);
        const char *missing = *qcol < 0 ? qname : *acol < 0 ? aname : idname;
        const char *opt = *qcol < 0 ? "--question-column" : *acol < 0 ? "--answer-column"
                                                                      : "--id-column";
        return rd_fail(c, WD_EFORMAT,
                       "the %s header on line %zu has no \"%s\" column (columns found: %s); "
                       "name the columns to use with %s%s",
                       t->sep == '\t' ? "TSV" : "CSV", t->line, missing, found, opt,
                       *qcol < 0 ? " and --answer-column" : "");
    }
    return WD_OK;
}

int rd_read_table(rd_ctx *c, rd_lines *l, char sep)
{
    table t;
    memset(&t, 0, sizeof t);
    t.c = c;
    t.l = l;
    t.sep = sep;
    int rc, r, qcol = -1, acol = -1, idcol = -1;
    size_t ncols = 0;

    /* The header is the first non-blank line. */
    while ((r = read_record(&t)) == 1 && t.blank)
        ;
    if (r < 0) {
        rc = r;
        goto out;
    }
    if (r == 0) {
        rd_diag(c, WD_DIAG_WARNING, 0, WD_EFORMAT, "empty file");
        rc = WD_OK;
        goto out;
    }
    if ((rc = header(&t, &qcol, &acol, &idcol)) != WD_OK)
        goto out;
    ncols = t.nf;

    while ((r = read_record(&t)) == 1) {
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
        if (t.nf != ncols) {
            rd_diag(c, WD_DIAG_SKIP, t.line, WD_EFORMAT,
                    "%zu fields where the header has %zu; the record was skipped%s", t.nf, ncols,
                    sep == '\t' ? " (TSV has no quoting: a tab inside a field splits it)"
                                : " (quote fields that hold commas)");
            continue;
        }
        wd_record rec = {idcol >= 0 ? t.fb.data + t.off[idcol] : NULL,
                         t.fb.data + t.off[qcol],
                         t.fb.data + t.off[acol],
                         NULL,
                         NULL,
                         WD_KIND_QA,
                         t.line};
        if ((rc = rd_emit(c, &rec, t.len[qcol], t.len[acol], 1)) != WD_OK)
            goto out;
    }
    rc = r < 0 ? r : WD_OK;
out:
    wd_buf_free(&t.fb);
    wd_free(t.off);
    wd_free(t.len);
    return rc;
}

/* Split one line into fields for format detection; quoted CSV fields are
 * unwrapped (a "" inside stays doubled: header names do not have quotes). */
int rd_table_header_matches(const char *line, size_t len, char sep, const char *qname,
                            const char *aname)
{
    int have_q = 0, have_a = 0;
    size_t i = 0, qn = strlen(qname), an = strlen(aname);
    rd_trim(&qname, &qn);
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
        if (rd_name_eqn(fs, fn, aname, an))
            have_a = 1;
        if (i >= len)
            break;
        i++; /* the separator */
    }
    return have_q && have_a;
}
