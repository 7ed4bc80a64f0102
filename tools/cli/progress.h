/* progress.h - private: the progress report of long commands (index,
 * reindex, coverage) on stderr.
 *
 * On a terminal, one line rewritten in place about ten times a second: the
 * share done (of the input's bytes, or of the records), the rate and the
 * time left. When stderr is not a terminal (cron, CI, a log file), a plain
 * line every 10 seconds, and one at the end, so a log shows how far a long
 * run got (a run shorter than that prints none). `--progress=bar|lines|none`
 * chooses (lines: one at the end in any case); `--quiet` is none. */
#ifndef WENDA_CLI_PROGRESS_H
#define WENDA_CLI_PROGRESS_H

#include <stdint.h>

enum {
    CLI_PROGRESS_NONE = 0,
    CLI_PROGRESS_BAR = 1,
    CLI_PROGRESS_LINES = 2,     /* asked for: a line every CLI_PROGRESS_LINE_S, one at the end */
    CLI_PROGRESS_LINES_AUTO = 3 /* not a terminal: the same, but a run too short to print a
                                   line ends silently too */
};

/* Seconds between two lines in CLI_PROGRESS_LINES mode. */
#define CLI_PROGRESS_LINE_S 10.0

typedef struct cli_progress {
    int mode;          /* CLI_PROGRESS_* */
    const char *cmd;   /* lines are `wenda: CMD: ...` */
    const char *what;  /* "indexing", "reindexing", "checking" */
    const char *items; /* what is counted: "records", "questions" */
    uint64_t total;    /* of done's unit; 0: unknown (no share, no time left) */
    int bytes;         /* done and total are bytes (shown in MB) */
    double t0, last;
    int on_line; /* a bar is on the terminal's line */
    int printed; /* lines printed */
} cli_progress;

/* The mode from --progress's value (NULL or "auto": a bar on a terminal,
 * else lines), with --quiet or --json meaning none. -1 for a bad value. */
int cli_progress_mode(const char *opt, int quiet);

void cli_progress_start(cli_progress *p, int mode, const char *cmd, const char *what,
                        const char *items, uint64_t total, int bytes);
/* done of total so far, and items counted; shown when it is time to (or
 * always when final, which ends the report). */
void cli_progress_update(cli_progress *p, uint64_t done, uint64_t items, int final);
/* Take the bar off the line before a diagnostic is printed. */
void cli_progress_clear(cli_progress *p);

#endif
