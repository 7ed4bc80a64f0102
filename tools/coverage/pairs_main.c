/*
 * pairs_main.c - `wenda-pairs`: the same-question evaluation on its own,
 * and the command that refits the coverage confidence.
 *
 *   wenda-pairs [--fit] [--dump NAME/SPLIT] [DATA_DIR]
 *                                      DATA_DIR defaults to ../shared/data
 *
 * Prints the Markdown table of tools/eval/pairs.c; with --fit also the
 * refit coefficients and thresholds to paste into query/similarity.c and
 * include/wenda/coverage.h; with --dump (e.g. kuake/test) every pair of that
 * set to stderr: label, confidence, features, the two questions, tab-
 * separated. Exit 0, 2 on usage errors, 3 on unreadable data, 4 on internal
 * errors.
 */
#include <stdio.h>
#include <string.h>

#include "pairs.h"

int main(int argc, char **argv)
{
    int fit = 0;
    const char *dir = WD_SOURCE_DIR "/../shared/data", *dump = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fit") == 0) {
            fit = 1;
        } else if (strcmp(argv[i], "--dump") == 0) {
            if (++i == argc || !strchr(argv[i], '/')) {
                fprintf(stderr, "wenda-pairs: --dump wants NAME/SPLIT, e.g. kuake/test\n");
                return 2;
            }
            dump = argv[i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: wenda-pairs [--fit] [--dump NAME/SPLIT] [DATA_DIR]\n");
            return 0;
        } else {
            dir = argv[i];
        }
    }
    wd_error err;
    wd_error_clear(&err);
    wd_dict *dict = NULL;
    if (wd_dict_load(&dict, NULL, &err) != WD_OK) {
        fprintf(stderr, "wenda-pairs: %s\n", err.message);
        return 3;
    }
    wd_pairs_report r;
    int rc = wd_eval_pairs_dump(dir, dict, fit, dump, stderr, &r, &err);
    wd_dict_free(dict);
    if (rc != WD_OK) {
        fprintf(stderr, "wenda-pairs: %s\n", err.message);
        return rc == WD_ENOMEM ? 4 : 3;
    }
    wd_eval_pairs_print(&r, stdout);
    return 0;
}
