/*
 * fuzz_query.c - query analysis end to end: arbitrary bytes as a question
 * against a small index of the bundled seed pages (built once in a temp
 * directory): analysis, query building with synonyms and particles, BM25,
 * snippets with highlights, explain output and the JSON writer. The first
 * byte picks a few options (explain, hit count, snippet length) so those
 * paths are reached too.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "wenda/index.h"
#include "wenda/search.h"

static wd_dict *dict;
static wd_searcher *searcher;
static char dir[64];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void cleanup(void)
{
    wd_searcher_close(searcher);
    searcher = NULL;
    if (dir[0])
        nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static int add(void *ctx, const wd_record *rec)
{
    wd_error err;
    return wd_index_writer_add(ctx, rec, &err);
}

static void die(const char *what, const wd_error *err)
{
    fprintf(stderr, "fuzz_query: %s: %s\n", what, err->message);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    wd_error err;
    if (wd_dict_load(&dict, NULL, &err) != WD_OK)
        die("dict", &err);
    strcpy(dir, "/tmp/wenda-fuzz-query-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    atexit(cleanup);
    wd_index_writer *w = NULL;
    if (wd_index_writer_open(&w, dir, dict, NULL, &err) != WD_OK)
        die("index", &err);
    const char *seeds = WD_SOURCE_DIR "/corpus/seeds";
    DIR *d = opendir(seeds);
    if (!d)
        abort();
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", seeds, e->d_name);
        if (wd_corpus_read_file(p, NULL, add, NULL, w, &err) != WD_OK)
            die(p, &err);
    }
    closedir(d);
    if (wd_index_writer_close(w, &err) != WD_OK)
        die("commit", &err);
    if (wd_searcher_open(&searcher, dir, dict, &err) != WD_OK)
        die("open", &err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!searcher)
        LLVMFuzzerInitialize(NULL, NULL);
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    if (size > 0) {
        uint8_t f = data[0];
        o.explain = f & 1;
        o.n = (f >> 1) & 7;
        o.offset = (f >> 4) & 1;
        o.snippet_chars = (f & 0x20) ? 8 : 0;
        o.no_dictionary_layer = (f >> 6) & 1;
        data++;
        size--;
    }
    wd_results *r = NULL;
    wd_error err;
    int rc = wd_search(searcher, (const char *)data, size, &o, &r, &err);
    /* Any bytes are a question: invalid UTF-8 is skipped by the analyzer,
     * an empty question gives no hits. */
    if (rc != WD_OK)
        die("search", &err);
    for (size_t i = 0; i < r->n_hits; i++) {
        const wd_hit *h = &r->hits[i];
        FZ_CHECK(h->id && h->question && h->snippet);
        size_t chars = wd_utf8_count(h->snippet, strlen(h->snippet));
        FZ_CHECK(wd_utf8_valid(h->snippet, strlen(h->snippet), NULL));
        for (size_t k = 0; k < h->n_highlights; k++)
            FZ_CHECK(h->highlights[k][0] < h->highlights[k][1] && h->highlights[k][1] <= chars);
    }
    wd_buf b = WD_BUF_INIT;
    FZ_CHECK(wd_results_to_json(r, 1, &b) == WD_OK);
    FZ_CHECK(wd_utf8_valid(b.data, b.len, NULL));
    wd_buf_free(&b);
    wd_results_free(r);
    return 0;
}
