/*
 * cli.h - private: the plumbing every `wenda` subcommand shares: a small
 * option parser, diagnostics in the `wenda: CMD: message` form, exit codes,
 * the default index path and dictionary loading.
 */
#ifndef WENDA_CLI_H
#define WENDA_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "wenda/analyzer.h"
#include "wenda/error.h"

/* Exit codes (see README). */
enum {
    EXIT_OK = 0,
    EXIT_NEGATIVE = 1, /* ran fine, but no hit / below the bar / not found */
    EXIT_USAGE = 2,
    EXIT_DATA = 3, /* index missing, locked, corrupt; unreadable input */
    EXIT_INTERNAL = 4
};

typedef struct cli_opt {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 for none */
    int has_arg;
    const char *arg_name; /* for --help */
    const char *help;
} cli_opt;

typedef struct cli_cmd {
    const char *name;
    const char *summary;
    const char *usage;       /* after "wenda NAME " */
    const char *description; /* paragraph for --help */
    const cli_opt *opts;     /* terminated by a zeroed entry */
    int (*run)(const struct cli_cmd *cmd, int argc, char **argv);
} cli_cmd;

/* Parsed arguments: values by option index, positionals in order. */
typedef struct cli_args {
    const char **values; /* values[i] for opts[i]; "" for flags that are set */
    int *counts;         /* how often opts[i] was given */
    char **pos;
    int npos;
    int help;
} cli_args;

/* Parse argv (argv[0] is the subcommand). Options may follow positionals;
 * "--" ends options; "-" is a positional. On a usage error prints it and
 * returns EXIT_USAGE; on success 0. */
int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_args *out);
void cli_args_free(cli_args *a);
/* A command's start: parse argv into *a; 1 when the command is already done
 * and should return *ex (a usage error was printed, or --help was asked for
 * and shown: *a is then freed), else 0 with *ex = 0 and *a to free. */
int cli_begin(const cli_cmd *cmd, int argc, char **argv, cli_args *a, int *ex);
const char *cli_value(const cli_cmd *cmd, const cli_args *a, const char *name);
int cli_flag(const cli_cmd *cmd, const cli_args *a, const char *name);
/* Parse a non-negative integer option; prints a usage error and returns -1
 * when malformed. Absent: *out = dflt. */
int cli_uint(const cli_cmd *cmd, const cli_args *a, const char *name, unsigned long dflt,
             unsigned long max, unsigned long *out);
/* The same for an option that takes min..max: the usage error states that
 * range, so no other message need say what the option accepts. */
int cli_uint_in(const cli_cmd *cmd, const cli_args *a, const char *name, unsigned long dflt,
                unsigned long min, unsigned long max, unsigned long *out);

void cli_help(const cli_cmd *cmd, FILE *to);
void cli_diag(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int cli_usage_error(const cli_cmd *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Report a library error (as JSON on stderr when json) and return the exit
 * code it maps to. */
int cli_fail(const char *cmd, const wd_error *err, int json);
int cli_exit_code(int wd_code);

/* The index to use: --index, else $WENDA_INDEX, else
 * $XDG_DATA_HOME/wenda/index, else ~/.local/share/wenda/index. Returns a
 * pointer to a static buffer or the option value. */
const char *cli_index_path(const char *opt);
/* Whether an index exists at path (a Xapian directory or stub file). */
int cli_index_exists(const char *path);
/* Print the "no index" error with the command that builds one; returns EXIT_DATA. */
int cli_no_index(const char *cmd, const char *path, int json);

/* The folder of the user's dictionary overlay (user.txt): $WENDA_DICT, else
 * $XDG_DATA_HOME/wenda/dict, else ~/.local/share/wenda/dict. Static buffer. */
const char *cli_user_dict_dir(void);
/* Load dictionaries: --dict, else $WENDA_DICT, else the built-in ones with
 * the user overlay folder when it exists. */
int cli_load_dict(const char *cmd, const char *opt, int json, wd_dict **out);
/* The index of --index (else the default), which must exist, and the
 * dictionary of --dict: *dict is new, *path borrowed. Prints the reason
 * and returns the exit code when it cannot; 0 on success. */
int cli_index_and_dict(const struct cli_cmd *cmd, const struct cli_args *a, int json,
                       const char **path, wd_dict **dict);
/* The same, and the index opened: *s is new too (close s, then free
 * dict). */
struct wd_searcher;
int cli_open_searcher(const struct cli_cmd *cmd, const struct cli_args *a, int json, wd_dict **dict,
                      struct wd_searcher **s, const char **path);

/* Parse a probability option (0..1, or N%); prints a usage error and returns
 * -1 when malformed. Absent: *out = dflt. */
int cli_prob(const struct cli_cmd *cmd, const struct cli_args *a, const char *name, double dflt,
             double *out);
/* With --calibration FILE (file not NULL), judge by its thresholds: reads it
 * and sets it on the searcher. Returns 0, or the exit code after printing
 * why (an unreadable file or one fitted for another model: EXIT_DATA). */
struct wd_searcher;
int cli_calibration(const char *cmd, const char *file, int json, struct wd_searcher *s);

/* Colour: "auto" (TTY and no NO_COLOR), "always", "never". -1 = bad value. */
int cli_color(const char *when, FILE *stream);

/* Write s to `to` for a person to read: text from records and input files
 * goes out through this (wd_buf_visible: control characters shown as
 * escapes, never acted on by the terminal), on a TTY or not. */
void cli_put_visible(FILE *to, const char *s);
/* A command's --json answer: o as one compact line on stdout ("{}" when it
 * cannot be written, as when o is NULL for want of memory); o is released. */
struct json_t;
void cli_print_json(struct json_t *o);

/* Read all of a stream or file ("-" = stdin) into a NUL-terminated buffer. */
int cli_read_all(FILE *f, char **out, size_t *len);

/* Monotonic milliseconds. */
double cli_now_ms(void);

#endif
