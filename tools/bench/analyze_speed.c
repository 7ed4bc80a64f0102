/*
 * analyze_speed.c - wenda-analyze-speed, the analyzer's speed and output over
 * a file of texts, one wd_analyze call a text as the indexer makes them (the
 * driver of tools/bench/analyze-speed; not installed).
 *
 *   wenda-analyze-speed [--max-bytes N] MODE FILE
 *
 * FILE holds texts separated by NUL bytes (a record's question, then its
 * answer, ...). MODE:
 *   index, query  analyse every text in that mode with one analyzer and print
 *                 one line: texts, input bytes, tokens, the process CPU
 *                 seconds of the loop and the MB/s of input a CPU second
 *   icu           the same line for ICU's word break iterator alone
 *                 (wd_analyzer_icu_words): the baseline
 *   dump-index, dump-query
 *                 every token of every text (position, byte offsets, flags,
 *                 source, text), the normalised text wd_analyze_norm gives
 *                 and wd_normalize_map's arrays, one line each, so that two
 *                 builds' outputs can be compared byte for byte
 * --max-bytes stops after the texts that fit in N bytes (for profiles).
 * The CPU clock covers the loop only: not the dictionary's load nor reading
 * FILE. Exit 0, 2 on usage, 3 when FILE cannot be read or analysis fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wenda/analyzer.h"
#include "wenda/buf.h"

/* tools/bench/analyze-speed builds this file against an older library too
 * (the old binary of a comparison), one from before wd_analyzer_icu_words. */
#ifdef WD_SPEED_NO_ICU_WORDS
int wd_analyzer_icu_words(wd_analyzer *a, const char *text, size_t len, size_t *nwords,
                          wd_error *err)
{
    (void)a;
    (void)text;
    (void)len;
    *nwords = 0;
    return wd_error_set(err, WD_EINVAL, "bench", "no icu mode in this library");
}
#endif

struct count {
    size_t tokens;
    size_t bytes;
};

static int count_token(void *ctx, const wd_token *t)
{
    struct count *c = ctx;
    c->tokens++;
    c->bytes += t->len;
    return 0;
}

static int dump_token(void *ctx, const wd_token *t)
{
    wd_buf *out = ctx;
    wd_buf_printf(out, "%u\t%zu\t%zu\t%u\t%d\t", t->position, t->start, t->end, t->flags,
                  t->source);
    wd_buf_append(out, t->text, t->len);
    wd_buf_putc(out, '\n');
    return out->oom;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One text in a dump: its tokens, its normalised text, its normalisation
 * map (code point, original start and end, for each normalised code point). */
static int dump_text(wd_analyzer *an, int mode, const char *s, size_t len, wd_buf *out,
                     wd_error *err)
{
    wd_buf norm = WD_BUF_INIT;
    int rc = wd_analyze_norm(an, mode, s, len, dump_token, out, &norm, err);
    if (rc == WD_OK) {
        wd_buf_puts(out, "N\t");
        wd_buf_append(out, norm.data, norm.len);
        wd_buf_puts(out, "\nM");
    }
    wd_buf_free(&norm);
    uint32_t *cps = NULL;
    size_t *starts = NULL, *ends = NULL, n = 0;
    if (rc == WD_OK)
        rc = wd_normalize_map(an, s, len, &cps, &starts, &ends, &n, err);
    for (size_t k = 0; rc == WD_OK && k < n; k++)
        wd_buf_printf(out, " %x:%zu-%zu", cps[k], starts[k], ends[k]);
    wd_buf_puts(out, "\n\n");
    wd_free(cps);
    wd_free(starts);
    wd_free(ends);
    return rc != WD_OK ? rc : out->oom ? WD_ENOMEM : WD_OK;
}

static int usage(void)
{
    fprintf(stderr, "usage: wenda-analyze-speed [--max-bytes N] "
                    "index|query|icu|dump-index|dump-query FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    size_t max_bytes = (size_t)-1;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--max-bytes") == 0) {
        max_bytes = strtoull(argv[i + 1], NULL, 10);
        i += 2;
    }
    if (argc - i != 2)
        return usage();
    const char *ms = argv[i], *path = argv[i + 1];
    int dump = strncmp(ms, "dump-", 5) == 0, icu = strcmp(ms, "icu") == 0;
    const char *m = dump ? ms + 5 : ms;
    int mode = strcmp(m, "index") == 0 ? WD_ANALYZE_INDEX : WD_ANALYZE_QUERY;
    if (!icu && strcmp(m, "index") != 0 && strcmp(m, "query") != 0)
        return usage();

    wd_buf text = WD_BUF_INIT;
    FILE *f = fopen(path, "rb");
    if (!f || wd_buf_read_stream(&text, f) != WD_OK) {
        fprintf(stderr, "wenda-analyze-speed: cannot read %s\n", path);
        if (f)
            fclose(f);
        wd_buf_free(&text);
        return 3;
    }
    fclose(f);

    wd_error err;
    wd_error_clear(&err);
    wd_dict *dict = NULL;
    wd_analyzer *an = NULL;
    int rc = wd_dict_load(&dict, NULL, &err);
    if (rc == WD_OK)
        rc = wd_analyzer_new(&an, dict, &err);
    struct count c = { 0, 0 };
    size_t ntexts = 0, nbytes = 0;
    wd_buf out = WD_BUF_INIT;
    double t0 = cpu_seconds();
    for (size_t p = 0; rc == WD_OK && p < text.len;) {
        const char *s = text.data + p;
        const char *z = memchr(s, '\0', text.len - p);
        size_t len = z ? (size_t)(z - s) : text.len - p;
        if (nbytes + len > max_bytes)
            break;
        if (dump) {
            rc = dump_text(an, mode, s, len, &out, &err);
            if (rc == WD_OK && out.len >= (1u << 20)) {
                fwrite(out.data, 1, out.len, stdout);
                wd_buf_reset(&out);
            }
        } else if (icu) {
            size_t nw = 0;
            rc = wd_analyzer_icu_words(an, s, len, &nw, &err);
            c.tokens += nw;
        } else {
            rc = wd_analyze(an, mode, s, len, count_token, &c, &err);
        }
        ntexts++;
        nbytes += len;
        p += len + 1;
    }
    double cpu = cpu_seconds() - t0;
    if (rc == WD_OK && dump)
        fwrite(out.data, 1, out.len, stdout);
    else if (rc == WD_OK)
        printf("mode=%s texts=%zu bytes=%zu tokens=%zu cpu_s=%.3f mb_s=%.2f\n", ms, ntexts, nbytes,
               c.tokens, cpu, cpu > 0 ? (double)nbytes / 1e6 / cpu : 0.0);
    else
        fprintf(stderr, "wenda-analyze-speed: %s: %s\n", err.origin, err.message);
    wd_buf_free(&out);
    wd_analyzer_free(an);
    wd_dict_free(dict);
    wd_buf_free(&text);
    return rc == WD_OK ? 0 : 3;
}
