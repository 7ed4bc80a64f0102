/*
 * ask.c - the smallest program on libwenda: answer one question from an
 * index with the built-in dictionaries.
 *
 *   cc ask.c $(pkg-config --cflags --libs wenda) -o ask
 *   ./ask ~/.local/share/wenda/index 低保户要交医保吗
 *
 * Everything it gets back is owned by it and freed at the end; every call
 * reports failure through a wd_error.
 */
#include <stdio.h>
#include <string.h>

#include <wenda/analyzer.h>
#include <wenda/search.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s INDEX QUESTION\n", argv[0]);
        return 2;
    }
    wd_error err;
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    wd_results *r = NULL;
    int rc = wd_dict_load(&dict, NULL, &err); /* the built-in dictionaries */
    if (rc == WD_OK)
        rc = wd_searcher_open(&s, argv[1], dict, &err);
    if (rc == WD_OK) {
        wd_search_opts opts = WD_SEARCH_OPTS_INIT;
        opts.n = 3;
        rc = wd_search(s, argv[2], strlen(argv[2]), &opts, &r, &err);
    }
    if (rc != WD_OK) {
        fprintf(stderr, "ask: %s (%s)\n", err.message, wd_code_name(rc));
    } else {
        for (size_t i = 0; i < r->n_hits; i++)
            printf("%u. %s\n   %s\n", r->hits[i].rank, r->hits[i].question, r->hits[i].snippet);
        if (r->n_hits == 0)
            printf("no answer found\n");
    }
    wd_results_free(r);
    wd_searcher_close(s);
    wd_dict_free(dict);
    return rc == WD_OK ? 0 : 1;
}
