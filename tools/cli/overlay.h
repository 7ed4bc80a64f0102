/* overlay.h - private: the user's dictionary overlay (user.txt in
 * $WENDA_DICT, else the default overlay folder), which `wenda dict add`
 * and `wenda dict discover --add` append to. */
#ifndef WENDA_CLI_OVERLAY_H
#define WENDA_CLI_OVERLAY_H

#include <stddef.h>

/* Append words (freqs[i] 0: the default frequency; freqs may be NULL) to
 * user.txt, creating the folder. path receives the file's path. Prints the
 * reason as `wenda: CMD: ...` and returns EXIT_DATA when it cannot be
 * written; 0 on success. Words must already be checked (overlay_word_ok). */
int overlay_append(const char *cmd, const char *const *words, const unsigned long *freqs, size_t n,
                   char *path, size_t pathcap);

/* 1 when word can be a line of user.txt: one run of valid UTF-8 without
 * spaces or '#', at most WD_MAX_WORD_BYTES bytes. */
int overlay_word_ok(const char *word);

#endif
