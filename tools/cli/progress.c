/*
 * progress.c - the progress report of long commands (progress.h): a bar
 * rewritten in place on a terminal, plain lines every CLI_PROGRESS_LINE_S
 * seconds elsewhere, each with the share done, the rate and the time left.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

int cli_progress_mode(const char *opt, int quiet)
{
    if (!opt || strcmp(opt, "auto") == 0) {
        if (quiet)
            return CLI_PROGRESS_NONE;
        return isatty(STDERR_FILENO) ? CLI_PROGRESS_BAR : CLI_PROGRESS_LINES_AUTO;
    }
    if (strcmp(opt, "bar") == 0)
        return quiet ? CLI_PROGRESS_NONE : CLI_PROGRESS_BAR;
    if (strcmp(opt, "lines") == 0)
        return quiet ? CLI_PROGRESS_NONE : CLI_PROGRESS_LINES;
    if (strcmp(opt, "none") == 0)
        return CLI_PROGRESS_NONE;
    return -1;
}

void cli_progress_start(cli_progress *p, int mode, const char *cmd, const char *what,
                        const char *items, uint64_t total, int bytes)
{
    memset(p, 0, sizeof *p);
    p->mode = mode;
    p->cmd = cmd;
    p->what = what;
    p->items = items;
    p->total = total;
    p->bytes = bytes;
    p->t0 = p->last = cli_now_ms();
}

/* "1:02:03" or "2:03" */
static void put_time(char *out, size_t cap, double s)
{
    unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;
    if (t >= 3600)
        snprintf(out, cap, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, cap, "%lu:%02lu", t / 60, t % 60);
}

/* "512 B", "3.7 kB", "3.7 MB", "1.2 GB" */
static void put_size(char *out, size_t cap, double b)
{
    if (b < 1e3)
        snprintf(out, cap, "%.0f B", b);
    else if (b < 1e6)
        snprintf(out, cap, "%.1f kB", b / 1e3);
    else if (b < 1e9)
        snprintf(out, cap, "%.1f MB", b / 1e6);
    else
        snprintf(out, cap, "%.1f GB", b / 1e9);
}

void cli_progress_update(cli_progress *p, uint64_t done, uint64_t items, int final)
{
    if (p->mode == CLI_PROGRESS_NONE)
        return;
    double now = cli_now_ms();
    double gap = p->mode == CLI_PROGRESS_BAR ? 100 : CLI_PROGRESS_LINE_S * 1e3;
    if (!final && now - p->last < gap)
        return;
    if (final && p->mode == CLI_PROGRESS_LINES_AUTO && !p->printed)
        return;
    p->printed++;
    p->last = now;
    double secs = (now - p->t0) / 1e3;
    char line[256], when[32];
    size_t n = 0;
    if (p->total) {
        double f = done >= p->total || final ? 1.0 : (double)done / (double)p->total;
        n += (size_t)snprintf(line + n, sizeof line - n, "%s: %3.0f%%", p->what, 100 * f);
        if (p->bytes) {
            char size[32];
            put_size(size, sizeof size, (double)p->total);
            n += (size_t)snprintf(line + n, sizeof line - n, " of %s, %llu %s", size,
                                  (unsigned long long)items, p->items);
        } else {
            n +=
                (size_t)snprintf(line + n, sizeof line - n, ", %llu of %llu %s",
                                 (unsigned long long)items, (unsigned long long)p->total, p->items);
        }
    } else {
        n += (size_t)snprintf(line + n, sizeof line - n, "%s: %llu %s", p->what,
                              (unsigned long long)items, p->items);
    }
    if (secs > 0)
        n += (size_t)snprintf(line + n, sizeof line - n, ", %.0f %s/s", (double)items / secs,
                              p->items);
    if (final) {
        put_time(when, sizeof when, secs);
        n += (size_t)snprintf(line + n, sizeof line - n, ", done in %s", when);
    } else if (p->total && done > 0 && done < p->total && secs > 1) {
        double f = (double)done / (double)p->total;
        put_time(when, sizeof when, secs * (1 - f) / f);
        n += (size_t)snprintf(line + n, sizeof line - n, ", %s left", when);
    }
    if (p->mode == CLI_PROGRESS_BAR) {
        fprintf(stderr, "\r\033[K%s", line);
        p->on_line = !final;
        if (final)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "wenda: %s: %s\n", p->cmd, line);
    }
    fflush(stderr);
}

void cli_progress_clear(cli_progress *p)
{
    if (p->mode == CLI_PROGRESS_BAR && p->on_line) {
        fputs("\r\033[K", stderr);
        p->on_line = 0;
    }
}
