/*
 * overlay.c - appending words to the user's dictionary overlay (overlay.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "overlay.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"

static int mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int overlay_word_ok(const char *word)
{
    size_t len = strlen(word);
    return len && len <= WD_MAX_WORD_BYTES && wd_utf8_valid(word, len, NULL) &&
           !strpbrk(word, " \t\r\n#");
}

int overlay_append(const char *cmd, const char *const *words, const unsigned long *freqs, size_t n,
                   char *path, size_t pathcap)
{
    const char *dir = cli_user_dict_dir();
    snprintf(path, pathcap, "%s/user.txt", dir);
    if (mkdirs(dir) != 0) {
        cli_diag(cmd, "%s: cannot create the folder: %s", dir, strerror(errno));
        return EXIT_DATA;
    }
    FILE *f = fopen(path, "a");
    if (!f) {
        cli_diag(cmd, "%s: cannot write: %s", path, strerror(errno));
        return EXIT_DATA;
    }
    for (size_t i = 0; i < n; i++) {
        if (freqs && freqs[i])
            fprintf(f, "%s %lu\n", words[i], freqs[i]);
        else
            fprintf(f, "%s\n", words[i]);
    }
    if (fclose(f) != 0) {
        cli_diag(cmd, "%s: cannot write: %s", path, strerror(errno));
        return EXIT_DATA;
    }
    return 0;
}
