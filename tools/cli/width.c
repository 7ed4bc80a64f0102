/*
 * width.c - display width of text (width.h), after Unicode's East Asian
 * Width: the wide and full-width blocks take two columns.
 */
#include "width.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
           (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

static int zero(uint32_t c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0x2060 ||
           c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F);
}

size_t cli_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t l = wd_utf8_decode(s + i, len - i, &c);
        if (!l) {
            w++;
            i++;
            continue;
        }
        w += zero(c) ? 0 : wide(c) ? 2 : 1;
        i += l;
    }
    return w;
}

size_t cli_term_columns(int fd)
{
    if (!isatty(fd))
        return 0;
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *env = getenv("COLUMNS");
    long c = env ? strtol(env, NULL, 10) : 0;
    return c > 0 && c < 10000 ? (size_t)c : 80;
}

void cli_pad(wd_buf *b, const char *s, size_t len, size_t cols)
{
    wd_buf_append(b, s, len);
    for (size_t w = cli_width(s, len); w < cols; w++)
        wd_buf_putc(b, ' ');
}
