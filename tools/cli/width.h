/* width.h - private: how many terminal columns text takes, for output in
 * aligned columns (a CJK character takes two). */
#ifndef WENDA_CLI_WIDTH_H
#define WENDA_CLI_WIDTH_H

#include <stddef.h>

#include "wenda/buf.h"

/* Columns of the UTF-8 text s[0..len): East Asian wide and full-width
 * characters 2, combining marks and zero-width characters 0, others 1
 * (invalid bytes 1 each). */
size_t cli_width(const char *s, size_t len);

/* Append s[0..len) to b, then spaces up to `cols` columns (none when the
 * text is wider). */
void cli_pad(wd_buf *b, const char *s, size_t len, size_t cols);

/* The columns of the terminal `fd` is (its window size, else $COLUMNS, else
 * 80), or 0 when fd is no terminal: output that is not for a screen is not
 * wrapped. */
size_t cli_term_columns(int fd);

#endif
