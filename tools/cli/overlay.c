/*
 * overlay.c - the files of the user's dictionary overlay (overlay.h):
 * appending words, reading a file and replacing it whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
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

void overlay_path(const char *name, char *path, size_t pathcap)
{
    snprintf(path, pathcap, "%s/%s", cli_user_dict_dir(), name);
}

int overlay_read(const char *cmd, const char *name, char **text, size_t *len, char *path,
                 size_t pathcap)
{
    *text = NULL;
    *len = 0;
    overlay_path(name, path, pathcap);
    FILE *f = fopen(path, "rb");
    if (!f && errno == ENOENT) {
        *text = wd_strdup("");
        return *text ? 0 : EXIT_INTERNAL;
    }
    wd_buf b = WD_BUF_INIT;
    if (!f || wd_buf_read_stream(&b, f) != WD_OK) {
        cli_diag(cmd, "%s: cannot read: %s", path, strerror(errno));
        if (f)
            fclose(f);
        wd_buf_free(&b);
        return EXIT_DATA;
    }
    fclose(f);
    *len = b.len;
    *text = b.len ? wd_buf_detach(&b) : wd_strdup("");
    wd_buf_free(&b);
    return *text ? 0 : EXIT_INTERNAL;
}

int overlay_write(const char *cmd, const char *name, const char *text, size_t len)
{
    const char *dir = cli_user_dict_dir();
    char path[4200], tmp[4300];
    overlay_path(name, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    if (mkdirs(dir) != 0) {
        cli_diag(cmd, "%s: cannot create the folder: %s", dir, strerror(errno));
        return EXIT_DATA;
    }
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        cli_diag(cmd, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        return EXIT_DATA;
    }
    return 0;
}
