/* overlay.h - private: the user's dictionary overlay (user.txt and
 * synonyms.txt in $WENDA_DICT, else the default overlay folder), which
 * `wenda dict add`, `remove`, `synonym` and `discover --add` edit. */
#ifndef WENDA_CLI_OVERLAY_H
#define WENDA_CLI_OVERLAY_H

#include <stddef.h>

/* Append words (freqs[i] 0: the default frequency; freqs may be NULL) to
 * user.txt, creating the folder. path receives the file's path. Prints the
 * reason as `wenda: CMD: ...` and returns EXIT_DATA when it cannot be
 * written; 0 on success. Words must already be checked (overlay_word_ok). */
int overlay_append(const char *cmd, const char *const *words, const unsigned long *freqs, size_t n,
                   char *path, size_t pathcap);

/* The path of the overlay's file `name` (user.txt, synonyms.txt) into path. */
void overlay_path(const char *name, char *path, size_t pathcap);

/* The overlay's file `name` into *text (new, NUL-terminated; "" when the
 * file does not exist yet) and its path into path. Prints the reason and
 * returns EXIT_DATA when it cannot be read; 0 on success. */
int overlay_read(const char *cmd, const char *name, char **text, size_t *len, char *path,
                 size_t pathcap);

/* Replace the overlay's file `name` by text[0..len) as a whole (written
 * beside it, then renamed over it), creating the folder. Prints the reason
 * and returns EXIT_DATA when it cannot be written; 0 on success. */
int overlay_write(const char *cmd, const char *name, const char *text, size_t len);

/* 1 when word can be a line of user.txt: one run of valid UTF-8 without
 * spaces or '#', at most WD_MAX_WORD_BYTES bytes. */
int overlay_word_ok(const char *word);

#endif
