/*
 * cli.c - option parsing, diagnostics and the shared defaults of the
 * `wenda` command line. Diagnostics go to stderr as `wenda: CMD: message`;
 * under --json an error is one {"error": ...} object on stderr instead.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "closest.h"
#include "wenda/buf.h"
#include "wenda/search.h"
#include "xapian_c.h"

static int opt_count(const cli_cmd *cmd)
{
    int n = 0;
    while (cmd->opts && cmd->opts[n].name)
        n++;
    return n;
}

static int find_long(const cli_cmd *cmd, const char *name, size_t len)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return i;
    return -1;
}

static int find_short(const cli_cmd *cmd, char c)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
        if (cmd->opts[i].short_name == c)
            return i;
    return -1;
}

int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_args *out)
{
    int n = opt_count(cmd);
    memset(out, 0, sizeof *out);
    out->values = calloc((size_t)n + 1, sizeof *out->values);
    out->counts = calloc((size_t)n + 1, sizeof *out->counts);
    out->pos = calloc((size_t)argc + 1, sizeof *out->pos);
    if (!out->values || !out->counts || !out->pos) {
        cli_args_free(out);
        cli_diag(cmd->name, "out of memory");
        return EXIT_INTERNAL;
    }
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            out->pos[out->npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            out->help = 1;
            continue;
        }
        int idx;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            idx = find_long(cmd, a + 2, len);
            if (idx < 0) {
                const char *names[65];
                size_t nn = 0;
                for (int k = 0; cmd->opts && cmd->opts[k].name && nn < 64; k++)
                    names[nn++] = cmd->opts[k].name;
                names[nn++] = "help";
                const char *near = cli_closest(a + 2, len, names, nn);
                cli_args_free(out);
                if (near)
                    return cli_usage_error(cmd, "unknown option '%.*s'; did you mean '--%s'?",
                                           (int)len + 2, a, near);
                return cli_usage_error(cmd, "unknown option '%.*s'", (int)len + 2, a);
            }
            if (eq) {
                if (!cmd->opts[idx].has_arg) {
                    cli_args_free(out);
                    return cli_usage_error(cmd, "option '--%s' takes no value",
                                           cmd->opts[idx].name);
                }
                val = eq + 1;
            }
        } else {
            idx = find_short(cmd, a[1]);
            if (idx < 0) {
                cli_args_free(out);
                return cli_usage_error(cmd, "unknown option '-%c'", a[1]);
            }
            if (a[2]) {
                if (!cmd->opts[idx].has_arg) {
                    cli_args_free(out);
                    return cli_usage_error(cmd, "option '-%c' takes no value", a[1]);
                }
                val = a + 2;
            }
        }
        if (cmd->opts[idx].has_arg && !val) {
            if (i + 1 >= argc) {
                cli_args_free(out);
                return cli_usage_error(cmd, "option '--%s' needs a value (%s)", cmd->opts[idx].name,
                                       cmd->opts[idx].arg_name ? cmd->opts[idx].arg_name : "VALUE");
            }
            val = argv[++i];
        }
        out->values[idx] = val ? val : "";
        out->counts[idx]++;
    }
    return 0;
}

void cli_args_free(cli_args *a)
{
    free(a->values);
    free(a->counts);
    free(a->pos);
    memset(a, 0, sizeof *a);
}

const char *cli_value(const cli_cmd *cmd, const cli_args *a, const char *name)
{
    int i = find_long(cmd, name, strlen(name));
    return i >= 0 ? a->values[i] : NULL;
}

int cli_flag(const cli_cmd *cmd, const cli_args *a, const char *name)
{
    int i = find_long(cmd, name, strlen(name));
    return i >= 0 && a->counts[i] > 0;
}

int cli_uint_in(const cli_cmd *cmd, const cli_args *a, const char *name, unsigned long dflt,
                unsigned long min, unsigned long max, unsigned long *out)
{
    const char *v = cli_value(cmd, a, name);
    *out = dflt;
    if (!v)
        return 0;
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (!*v || *end || errno || v[0] == '-' || x < min || x > max) {
        /* Name the option as it may have been typed: "-n/--num". */
        int i = find_long(cmd, name, strlen(name));
        char shown[80];
        if (i >= 0 && cmd->opts[i].short_name)
            snprintf(shown, sizeof shown, "-%c/--%s", cmd->opts[i].short_name, name);
        else
            snprintf(shown, sizeof shown, "--%s", name);
        cli_usage_error(cmd, "%s wants a whole number from %lu to %lu, not '%s'", shown, min, max,
                        v);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_uint(const cli_cmd *cmd, const cli_args *a, const char *name, unsigned long dflt,
             unsigned long max, unsigned long *out)
{
    return cli_uint_in(cmd, a, name, dflt, 0, max, out);
}

int cli_begin(const cli_cmd *cmd, int argc, char **argv, cli_args *a, int *ex)
{
    *ex = cli_parse(cmd, argc, argv, a);
    if (*ex)
        return 1;
    if (a->help) {
        cli_help(cmd, stdout);
        cli_args_free(a);
        return 1;
    }
    return 0;
}

void cli_help(const cli_cmd *cmd, FILE *to)
{
    fprintf(to, "usage: wenda %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
    if (cmd->description)
        fprintf(to, "\n%s\n", cmd->description);
    fprintf(to, "\noptions:\n");
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        char left[64];
        const cli_opt *o = &cmd->opts[i];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->has_arg ? " " : "", o->has_arg ? o->arg_name : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->has_arg ? " " : "",
                     o->has_arg ? o->arg_name : "");
        fprintf(to, "  %-28s %s\n", left, o->help);
    }
    fprintf(to, "  %-28s %s\n", "-h, --help", "show this help");
}

void cli_diag(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "wenda: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const cli_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "wenda: %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: wenda %s %s\nTry 'wenda %s --help' for more.\n", cmd->name,
            cmd->usage, cmd->name);
    return EXIT_USAGE;
}

int cli_exit_code(int code)
{
    switch (code) {
    case WD_OK: return EXIT_OK;
    case WD_ENOMEM:
    case WD_EINTERNAL: return EXIT_INTERNAL;
    default: return EXIT_DATA;
    }
}

int cli_fail(const char *cmd, const wd_error *err, int json)
{
    if (json) {
        wd_buf b = WD_BUF_INIT;
        wd_error_to_json(err, &b);
        fprintf(stderr, "%s\n", b.data ? b.data : "");
        wd_buf_free(&b);
    } else {
        cli_diag(cmd, "%s", err->message[0] ? err->message : wd_code_name(err->code));
    }
    return cli_exit_code(err->code);
}

const char *cli_index_path(const char *opt)
{
    static char buf[4096];
    if (opt && *opt)
        return opt;
    const char *env = getenv("WENDA_INDEX");
    if (env && *env)
        return env;
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg) {
        snprintf(buf, sizeof buf, "%s/wenda/index", xdg);
        return buf;
    }
    const char *home = getenv("HOME");
    snprintf(buf, sizeof buf, "%s/.local/share/wenda/index", home && *home ? home : ".");
    return buf;
}

int cli_index_exists(const char *path)
{
    if (strncmp(path, "tcp://", 6) == 0 || strchr(path, ','))
        return 1; /* remote or shard lists: let Xapian say */
    /* A database folder, or a stub: a file, or a folder listing shards;
     * or what is left of a database (damaged, or half installed): opening
     * it says what is wrong. */
    return xc_dir_has_db(path) || xc_path_is_stub(path) || xc_db_check_files(path, NULL) != WD_OK;
}

int cli_no_index(const char *cmd, const char *path, int json)
{
    wd_error err;
    const char *corpus = WD_SOURCE_DIR "/corpus/seeds";
    struct stat st;
    int have = stat(corpus, &st) == 0;
    wd_error_set(&err, WD_ENOTFOUND, "cli",
                 "no index at %s; build one with: wenda index --index %s %s", path, path,
                 have ? corpus : "FILES...");
    return cli_fail(cmd, &err, json);
}

const char *cli_user_dict_dir(void)
{
    static char buf[4096];
    const char *env = getenv("WENDA_DICT");
    if (env && *env)
        return env;
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg)
        snprintf(buf, sizeof buf, "%s/wenda/dict", xdg);
    else {
        const char *home = getenv("HOME");
        snprintf(buf, sizeof buf, "%s/.local/share/wenda/dict", home && *home ? home : ".");
    }
    return buf;
}

int cli_load_dict(const char *cmd, const char *opt, int json, wd_dict **out)
{
    wd_error err;
    wd_error_clear(&err);
    /* --dict, else $WENDA_DICT (wd_dict_load reads it), else the per-user
     * folder that `wenda dict add` writes, when it exists. */
    const char *dir = opt && *opt ? opt : NULL;
    const char *env = getenv("WENDA_DICT");
    struct stat st;
    if (!dir && !(env && *env) && stat(cli_user_dict_dir(), &st) == 0 && S_ISDIR(st.st_mode))
        dir = cli_user_dict_dir();
    int rc = wd_dict_load(out, dir, &err);
    if (rc != WD_OK)
        return cli_fail(cmd, &err, json);
    return 0;
}

int cli_color(const char *when, FILE *stream)
{
    if (!when || strcmp(when, "auto") == 0) {
        const char *nc = getenv("NO_COLOR");
        const char *term = getenv("TERM");
        return isatty(fileno(stream)) && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
    }
    if (strcmp(when, "always") == 0)
        return 1;
    if (strcmp(when, "never") == 0)
        return 0;
    return -1;
}

void cli_put_visible(FILE *to, const char *s)
{
    wd_buf b = WD_BUF_INIT;
    if (wd_buf_visible(&b, s, strlen(s)) == WD_OK)
        fwrite(b.data, 1, b.len, to);
    wd_buf_free(&b);
}

int cli_read_all(FILE *f, char **out, size_t *len)
{
    wd_buf b = WD_BUF_INIT;
    if (wd_buf_read_stream(&b, f) != WD_OK) {
        wd_buf_free(&b);
        return -1;
    }
    *len = b.len;
    *out = wd_buf_detach(&b);
    return *out ? 0 : -1;
}

double cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int cli_prob(const cli_cmd *cmd, const cli_args *a, const char *name, double dflt, double *out)
{
    const char *v = cli_value(cmd, a, name);
    *out = dflt;
    if (!v)
        return 0;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end != v && *end == '%' && end[1] == '\0') {
        x /= 100;
        end++;
    }
    if (end == v || *end || errno || !(x >= 0 && x <= 1)) {
        cli_usage_error(cmd, "--%s wants a probability from 0 to 1 (or 0%%..100%%), not '%s'", name,
                        v);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_calibration(const char *cmd, const char *file, int json, wd_searcher *s)
{
    if (!file)
        return 0;
    wd_calibration cal;
    wd_error err;
    wd_error_clear(&err);
    if (wd_calibration_read(file, &cal, &err) != WD_OK)
        return cli_fail(cmd, &err, json);
    wd_searcher_set_calibration(s, &cal);
    return 0;
}

void cli_print_json(json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    printf("%s\n", s ? s : "{}");
    free(s);
    json_decref(o);
}

int cli_index_and_dict(const cli_cmd *cmd, const cli_args *a, int json, const char **path,
                       wd_dict **dict)
{
    *path = cli_index_path(cli_value(cmd, a, "index"));
    if (!cli_index_exists(*path))
        return cli_no_index(cmd->name, *path, json);
    return cli_load_dict(cmd->name, cli_value(cmd, a, "dict"), json, dict);
}

int cli_open_searcher(const cli_cmd *cmd, const cli_args *a, int json, wd_dict **dict,
                      struct wd_searcher **s, const char **path)
{
    int ex = cli_index_and_dict(cmd, a, json, path, dict);
    if (ex)
        return ex;
    wd_error err;
    wd_error_clear(&err);
    if (wd_searcher_open(s, *path, *dict, &err) != WD_OK) {
        wd_dict_free(*dict);
        *dict = NULL;
        return err.code == WD_ENOTFOUND ? cli_no_index(cmd->name, *path, json)
                                        : cli_fail(cmd->name, &err, json);
    }
    return 0;
}
