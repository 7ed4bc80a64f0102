/*
 * pairs_main.c - `wenda-pairs`: the same-question evaluation on its own,
 * and the command that refits the coverage confidence.
 *
 *   wenda-pairs [--fit] [DATA_DIR]     DATA_DIR defaults to ../shared/data
 *
 * Prints the Markdown table of tools/eval/pairs.c; with --fit also the
 * refit coefficients and thresholds to paste into query/similarity.c and
 * include/wenda/coverage.h. Exit 0, 3 on unreadable data, 4 on internal
 * errors.
 */
#include <stdio.h>
#include <string.h>

#include "pairs.h"

int main(int argc, char **argv)
{
    int fit = 0;
    const char *dir = WD_SOURCE_DIR "/../shared/data";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fit") == 0)
            fit = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: wenda-pairs [--fit] [DATA_DIR]\n");
            return 0;
        } else
            dir = argv[i];
    }
    wd_error err;
    wd_error_clear(&err);
    wd_dict *dict = NULL;
    if (wd_dict_load(&dict, NULL, &err) != WD_OK) {
        fprintf(stderr, "wenda-pairs: %s\n", err.message);
        return 3;
    }
    wd_pairs_report r;
    int rc = wd_eval_pairs(dir, dict, fit, &r, &err);
    wd_dict_free(dict);
    if (rc != WD_OK) {
        fprintf(stderr, "wenda-pairs: %s\n", err.message);
        return rc == WD_ENOMEM ? 4 : 3;
    }
    wd_eval_pairs_print(&r, stdout);
    return 0;
}
