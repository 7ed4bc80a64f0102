/*
 * corpus.c - the public entry points of the corpus readers. A read opens
 * the file (or wraps the caller's buffer), sets up GB18030 conversion when
 * opts->encoding asks for it, looks at the first 256 KiB to refuse files
 * that are plainly in another encoding (a GBK file read as UTF-8 would
 * otherwise produce one "invalid UTF-8" diagnostic per line and no
 * records), picks the format (the first line, then the extension), and
 * hands the stream to the seed, JSONL or TSV/CSV parser.
 *
 * A question list is opened the same way (a path, "-" for standard input,
 * or a buffer) but streamed from its first line on: no sniffing of 256 KiB
 * ahead, so questions piped in one at a time are handed on as they come,
 * and no encoding refusal, since each line is judged on its own. The
 * extension, then the first line, pick lines, TSV or CSV (questions.c).
 *
 * Whole-file failures fill `err`; everything that only spoils one record
 * goes to the diagnostic callback and the read continues.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader.h"

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

int wd_corpus_format_from_name(const char *s)
{
    if (!s)
        return -1;
    size_t n = strlen(s);
    if (rd_name_eq(s, n, "auto"))
        return WD_FORMAT_AUTO;
    if (rd_name_eq(s, n, "seed"))
        return WD_FORMAT_SEED;
    if (rd_name_eq(s, n, "jsonl") || rd_name_eq(s, n, "ndjson") || rd_name_eq(s, n, "json"))
        return WD_FORMAT_JSONL;
    if (rd_name_eq(s, n, "tsv"))
        return WD_FORMAT_TSV;
    if (rd_name_eq(s, n, "csv"))
        return WD_FORMAT_CSV;
    return -1;
}

const char *wd_corpus_kind_name(int kind)
{
    return wd_record_kind_name(kind);
}

int wd_corpus_kind_from_name(const char *s)
{
    return wd_record_kind_from_name(s);
}

/* 0 = UTF-8 as is, 1 = convert from GB18030, -1 = unknown. */
static int encoding_kind(const char *enc)
{
    if (!enc || !enc[0])
        return 0;
    /* Compare ignoring case, '-' and '_' so "UTF-8", "utf8", "GB_2312" all work. */
    char norm[32];
    size_t k = 0;
    for (const char *p = enc; *p; p++) {
        if (*p == '-' || *p == '_')
            continue;
        if (k + 1 >= sizeof norm)
            return -1;
        norm[k++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + ('a' - 'A')) : *p;
    }
    norm[k] = '\0';
    if (strcmp(norm, "utf8") == 0)
        return 0;
    /* GB18030 is a superset of GBK and GB2312, so one decoder reads all. */
    if (strcmp(norm, "gb18030") == 0 || strcmp(norm, "gbk") == 0 || strcmp(norm, "gb2312") == 0 ||
        strcmp(norm, "cp936") == 0)
        return 1;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Format detection                                                    */
/* ------------------------------------------------------------------ */

/* The length of the first line of text[0..len), without its terminator. */
static size_t first_line(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    if (nl)
        len = (size_t)(nl - text);
    if (len && text[len - 1] == '\r')
        len--;
    return len;
}

static int detect(const char *name, const char *line, size_t len, const char *qname,
                  const char *aname)
{
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    len = first_line(line, len);
    /* A header naming the columns wins over the extension: the public
     * insurance corpus is a .txt file with a question<TAB>answer header. */
    if (memchr(line, '\t', len) && rd_table_header_matches(line, len, '\t', qname, aname))
        return WD_FORMAT_TSV;
    if (memchr(line, ',', len) && rd_table_header_matches(line, len, ',', qname, aname))
        return WD_FORMAT_CSV;
    if (rd_ext_is(name, "jsonl") || rd_ext_is(name, "json") || rd_ext_is(name, "ndjson"))
        return WD_FORMAT_JSONL;
    /* A .tsv/.csv whose header lacks the columns still goes to the table
     * reader, which explains which columns it found. */
    if (rd_ext_is(name, "tsv"))
        return WD_FORMAT_TSV;
    if (rd_ext_is(name, "csv"))
        return WD_FORMAT_CSV;
    /* A file of another name is not taken for a seed page on trust (a
     * README, a password file): read it with --input-format. */
    return rd_ext_is(name, "txt") ? WD_FORMAT_SEED : WD_FORMAT_NONE;
}

#define FORCE_HINT                                                                                 \
    "it was skipped (to read it anyway, say which format it is in: --input-format "                \
    "seed|jsonl|tsv|csv)"

/* A file AUTO cannot read as a knowledge base: fails the read with
 * WD_EFORMAT, saying which format was expected and how to force one;
 * WD_OK when it can be read. */
static int check_detected(rd_ctx *c, int fmt, const char *head, size_t len, int eof)
{
    if (fmt == WD_FORMAT_NONE && (len > 0 || !eof))
        return rd_fail(c, WD_EFORMAT,
                       "not a knowledge-base file: its name does not end in .txt, .jsonl, .json, "
                       ".ndjson, .tsv or .csv and its first line is no header naming question "
                       "and answer columns; " FORCE_HINT);
    const char *why;
    if (fmt == WD_FORMAT_SEED && !rd_seed_shaped(head, len, &why))
        return rd_fail(c, WD_EFORMAT,
                       "a .txt file that is not a seed page (a question on its first line, then "
                       "its answer): %s; " FORCE_HINT,
                       why);
    return WD_OK;
}

int wd_corpus_detect_format(const char *name, const char *first_line, size_t len)
{
    return detect(name ? name : "", first_line ? first_line : "", first_line ? len : 0, "question",
                  "answer");
}

/* ------------------------------------------------------------------ */
/* Encoding sniffing                                                   */
/* ------------------------------------------------------------------ */

/* Does text[0..n) convert from GB18030 without a single bad sequence? */
static int gb18030_clean(const char *text, size_t n, int at_eof)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return 0;
    char *in = (char *)text;
    size_t inleft = n;
    char out[4096];
    int clean = 1;
    while (inleft > 0) {
        char *o = out;
        size_t oleft = sizeof out;
        if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        /* EINVAL: the sample ends inside a character, which only matters
         * when it is the real end of the file. */
        clean = errno == EINVAL && !at_eof;
        break;
    }
    iconv_close(cd);
    return clean;
}

/* Refuse a file that is plainly not UTF-8. The sample is the head of the
 * file; a damaged line or two in a UTF-8 file is left to the per-record
 * check, but when at least half of the lines with non-ASCII bytes are not
 * UTF-8 and the sample reads cleanly as GB18030, it is a GBK file. */
static int sniff_encoding(rd_ctx *c, const char *text, size_t n, int at_eof)
{
    if (n >= 2 && ((unsigned char)text[0] == 0xFF && (unsigned char)text[1] == 0xFE))
        return rd_fail(c, WD_EENCODING,
                       "looks like UTF-16 (it starts with a UTF-16 byte order "
                       "mark); save it as UTF-8");
    if (n >= 2 && ((unsigned char)text[0] == 0xFE && (unsigned char)text[1] == 0xFF))
        return rd_fail(c, WD_EENCODING,
                       "looks like UTF-16 (it starts with a UTF-16 byte order "
                       "mark); save it as UTF-8");
    if (!at_eof) {
        /* Judge whole lines only. */
        const char *p = text + n;
        while (p > text && p[-1] != '\n')
            p--;
        if (p > text)
            n = (size_t)(p - text);
    }
    size_t lines_nonascii = 0, lines_bad = 0, nuls = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && text[i] != '\n') {
            if (text[i] == '\0')
                nuls++;
            continue;
        }
        const char *s = text + start;
        size_t len = i - start;
        int nonascii = 0;
        for (size_t k = 0; k < len; k++)
            if ((unsigned char)s[k] >= 0x80) {
                nonascii = 1;
                break;
            }
        if (nonascii) {
            lines_nonascii++;
            if (!wd_utf8_valid(s, len, NULL))
                lines_bad++;
        }
        start = i + 1;
    }
    if (n >= 16 && nuls * 4 >= n)
        return rd_fail(c, WD_EENCODING,
                       "a quarter of its bytes are NUL: looks like UTF-16 or a binary file; save "
                       "it as UTF-8");
    if (lines_bad > 0 && lines_bad * 2 >= lines_nonascii && gb18030_clean(text, n, at_eof))
        return rd_fail(c, WD_EENCODING,
                       "looks like GBK/GB18030; pass --encoding gb18030 (%zu of the first %zu "
                       "lines with non-ASCII text are not valid UTF-8)",
                       lines_bad, lines_nonascii);
    return WD_OK;
}

/* --encoding gb18030 on a file that is in fact UTF-8 would garble every
 * non-ASCII character without any error, so look at the raw head first
 * and warn when it is non-ASCII and valid UTF-8 (which GBK text almost
 * never is). */
static void warn_if_utf8(rd_ctx *c, const rd_src *src)
{
    char head[16384];
    size_t n;
    if (src->fd >= 0) {
        ssize_t r = pread(src->fd, head, sizeof head, 0); /* leaves the offset alone */
        if (r <= 0)
            return;
        n = (size_t)r;
    } else {
        n = src->mem_len < sizeof head ? src->mem_len : sizeof head;
        memcpy(head, src->mem, n);
    }
    int nonascii = 0;
    for (size_t i = 0; i < n && !nonascii; i++)
        nonascii = (unsigned char)head[i] >= 0x80;
    size_t bad = 0;
    /* A character cut by the end of the sample does not count. */
    if (nonascii && (wd_utf8_valid(head, n, &bad) || (n == sizeof head && bad + 4 > n)))
        rd_diag(c, WD_DIAG_WARNING, 0, WD_EENCODING,
                "is valid UTF-8, but --encoding gb18030 was given: its text will be garbled; "
                "leave --encoding out for UTF-8 files");
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

static int read_src(rd_ctx *c, rd_src *src, int convert)
{
    const wd_read_opts *o = c->opts;
    rd_lines l;
    rd_lines_init(&l, src);
    c->lines = &l;
    int rc = WD_OK;
    if (convert) {
        warn_if_utf8(c, src);
        if ((rc = rd_src_convert(src)) != WD_OK)
            goto out;
        c->converting = 1;
    }
    if ((rc = rd_lines_fill(&l, RD_SNIFF_BYTES)) != WD_OK)
        goto out;
    const char *head = l.buf.data ? l.buf.data : "";
    if (!convert && (rc = sniff_encoding(c, head, l.buf.len, l.eof)) != WD_OK)
        goto out;
    rd_lines_skip_bom(&l);

    int fmt = o->format;
    if (fmt == WD_FORMAT_AUTO) {
        fmt = detect(c->path, head + l.pos, l.buf.len - l.pos,
                     o->question_column ? o->question_column : "question",
                     o->answer_column ? o->answer_column : "answer");
        if ((rc = check_detected(c, fmt, head + l.pos, l.buf.len - l.pos, l.eof)) != WD_OK)
            goto out;
        if (fmt == WD_FORMAT_NONE) /* an empty file: the seed reader says so */
            fmt = WD_FORMAT_SEED;
    }
    switch (fmt) {
    case WD_FORMAT_SEED: rc = rd_read_seed(c, &l); break;
    case WD_FORMAT_JSONL: rc = rd_read_jsonl(c, &l); break;
    case WD_FORMAT_TSV: rc = rd_read_table(c, &l, '\t'); break;
    case WD_FORMAT_CSV: rc = rd_read_table(c, &l, ','); break;
    default: rc = WD_EINTERNAL; break;
    }
out:
    c->lines = NULL;
    rd_lines_free(&l);
    rd_src_close(src);
    return rd_finish(c, src, rc, "record");
}

/* Open a file for reading: WD_ENOTFOUND or WD_EIO (a directory, no
 * permission) with a message naming it. */
static int open_input(const char *path, int *fd, wd_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return wd_error_set(err, WD_ENOTFOUND, RD_ORIGIN, "%s: no such file", path);
        return wd_error_set(err, WD_EIO, RD_ORIGIN, "%s: %s", path, strerror(errno));
    }
    struct stat st;
    int st_rc = fstat(*fd, &st);
    if (st_rc != 0 || S_ISDIR(st.st_mode)) {
        int e = st_rc != 0 ? errno : EISDIR;
        close(*fd);
        *fd = -1;
        return wd_error_set(err, WD_EIO, RD_ORIGIN, "%s: %s", path, strerror(e));
    }
    return WD_OK;
}

static int check_args(const char *path, const wd_read_opts *opts, int *convert, wd_error *err)
{
    wd_error_clear(err);
    if (!path)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN, "no file name given");
    if (opts->format == WD_FORMAT_LINES)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN,
                            "%s: one question a line is a question list, not a knowledge base "
                            "(use seed, jsonl, tsv or csv)",
                            path);
    if (opts->format < WD_FORMAT_AUTO || opts->format > WD_FORMAT_CSV)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN, "%s: unknown input format %d", path,
                            opts->format);
    *convert = encoding_kind(opts->encoding);
    if (*convert < 0)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN,
                            "unknown encoding \"%.64s\"; use utf-8 or gb18030 (also gbk, gb2312)",
                            opts->encoding);
    return WD_OK;
}

int wd_corpus_read_file(const char *path, const wd_read_opts *opts, wd_record_fn fn,
                        wd_diag_fn diag, void *ctx, wd_error *err)
{
    static const wd_read_opts defaults = WD_READ_OPTS_INIT;
    if (!opts)
        opts = &defaults;
    int convert = 0;
    int rc = check_args(path, opts, &convert, err);
    if (rc != WD_OK)
        return rc;
    int fd;
    if ((rc = open_input(path, &fd, err)) != WD_OK)
        return rc;
    rd_ctx c;
    if ((rc = rd_ctx_init(&c, path, opts, fn, diag, ctx, err)) == WD_OK) {
        rd_src src;
        rd_src_init_fd(&src, fd);
        rc = read_src(&c, &src, convert);
    }
    rd_ctx_free(&c);
    close(fd);
    return rc;
}

int wd_corpus_read_buffer(const char *name, const char *data, size_t len, const wd_read_opts *opts,
                          wd_record_fn fn, wd_diag_fn diag, void *ctx, wd_error *err)
{
    static const wd_read_opts defaults = WD_READ_OPTS_INIT;
    if (!opts)
        opts = &defaults;
    int convert = 0;
    int rc = check_args(name, opts, &convert, err);
    if (rc != WD_OK)
        return rc;
    if (!data && len)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN, "%s: no data", name);
    rd_ctx c;
    if ((rc = rd_ctx_init(&c, name, opts, fn, diag, ctx, err)) == WD_OK) {
        rd_src src;
        rd_src_init_mem(&src, data ? data : "", len);
        rc = read_src(&c, &src, convert);
    }
    rd_ctx_free(&c);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Question lists                                                      */
/* ------------------------------------------------------------------ */

/* Extension first (a .csv is CSV whatever its first line says), then a
 * first line naming the question column, else one question a line. */
static int detect_questions(const char *name, const char *line, size_t len, const char *qname)
{
    if (rd_ext_is(name, "csv"))
        return WD_FORMAT_CSV;
    if (rd_ext_is(name, "tsv") || rd_ext_is(name, "tab"))
        return WD_FORMAT_TSV;
    len = first_line(line, len);
    if (memchr(line, '\t', len) && rd_table_header_matches(line, len, '\t', qname, NULL))
        return WD_FORMAT_TSV;
    if (memchr(line, ',', len) && rd_table_header_matches(line, len, ',', qname, NULL))
        return WD_FORMAT_CSV;
    return WD_FORMAT_LINES;
}

/* Buffer the first line (or the whole input when it has no line break):
 * all that detection and the BOM need, without waiting for more. */
static int fill_first_line(rd_lines *l)
{
    int rc = WD_OK;
    while (rc == WD_OK && !l->eof &&
           (l->buf.len == l->pos || !memchr(l->buf.data + l->pos, '\n', l->buf.len - l->pos)))
        rc = rd_lines_fill(l, l->buf.len - l->pos + 1);
    return rc;
}

static int read_questions_src(rd_ctx *c, rd_src *src, const wd_question_opts *o, wd_question_fn fn)
{
    rd_lines l;
    rd_lines_init(&l, src);
    int rc = fill_first_line(&l);
    if (rc == WD_OK) {
        rd_lines_skip_bom(&l);
        int fmt = o->format;
        if (fmt == WD_FORMAT_AUTO)
            fmt = detect_questions(c->path, l.buf.data ? l.buf.data + l.pos : "", l.buf.len - l.pos,
                                   o->question_column ? o->question_column : "question");
        char sep = fmt == WD_FORMAT_TSV ? '\t' : fmt == WD_FORMAT_CSV ? ',' : 0;
        rc = fmt == WD_FORMAT_QUERY_LOG ? rd_read_query_log(c, &l, o, fn)
                                        : rd_read_questions(c, &l, sep, o, fn);
    }
    rd_lines_free(&l);
    rd_src_close(src);
    return rd_finish(c, src, rc, "question");
}

static int check_question_args(const char *path, const wd_question_opts *o, wd_error *err)
{
    wd_error_clear(err);
    if (!path)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN, "no file name given");
    if (o->format != WD_FORMAT_AUTO && o->format != WD_FORMAT_LINES && o->format != WD_FORMAT_TSV &&
        o->format != WD_FORMAT_CSV && o->format != WD_FORMAT_QUERY_LOG)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN,
                            "%s: a question list is auto, lines, tsv, csv or a query log, not "
                            "format %d",
                            path, o->format);
    return WD_OK;
}

int wd_corpus_read_questions(const char *path, const wd_question_opts *opts, wd_question_fn fn,
                             wd_diag_fn diag, void *ctx, wd_error *err)
{
    static const wd_question_opts defaults = WD_QUESTION_OPTS_INIT;
    if (!opts)
        opts = &defaults;
    int rc = check_question_args(path, opts, err);
    if (rc != WD_OK)
        return rc;
    int is_stdin = strcmp(path, "-") == 0;
    /* A static name, so questions queued by the caller may keep it. */
    const char *name = is_stdin ? "stdin" : path;
    int fd = STDIN_FILENO;
    if (!is_stdin && (rc = open_input(path, &fd, err)) != WD_OK)
        return rc;
    static const wd_read_opts ro = WD_READ_OPTS_INIT; /* the context wants one */
    rd_ctx c;
    if ((rc = rd_ctx_init(&c, name, &ro, NULL, diag, ctx, err)) == WD_OK) {
        rd_src src;
        rd_src_init_fd(&src, fd);
        rc = read_questions_src(&c, &src, opts, fn);
    }
    rd_ctx_free(&c);
    if (!is_stdin)
        close(fd);
    return rc;
}

int wd_corpus_read_questions_buffer(const char *name, const char *data, size_t len,
                                    const wd_question_opts *opts, wd_question_fn fn,
                                    wd_diag_fn diag, void *ctx, wd_error *err)
{
    static const wd_question_opts defaults = WD_QUESTION_OPTS_INIT;
    if (!opts)
        opts = &defaults;
    int rc = check_question_args(name, opts, err);
    if (rc != WD_OK)
        return rc;
    if (!data && len)
        return wd_error_set(err, WD_EINVAL, RD_ORIGIN, "%s: no data", name);
    static const wd_read_opts ro = WD_READ_OPTS_INIT; /* the context wants one */
    rd_ctx c;
    if ((rc = rd_ctx_init(&c, name, &ro, NULL, diag, ctx, err)) == WD_OK) {
        rd_src src;
        rd_src_init_mem(&src, data ? data : "", len);
        rc = read_questions_src(&c, &src, opts, fn);
    }
    rd_ctx_free(&c);
    return rc;
}
