/*
 * dict_synonym.c - `wenda dict synonym add|remove|list`: the synonym groups
 * of the user's overlay (synonyms.txt in the overlay folder), which add to
 * the built-in groups.
 *
 * A group makes no word and leaves the dictionary version as it is: each
 * member is matched as the words the analyzer splits it into (in sequence),
 * which are the terms an index already holds for it. So a group applies to
 * every existing index at once, with no re-index, and a running `wenda
 * serve` picks it up as it picks up index changes.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dict_synonym.h"
#include "overlay.h"
#include "wenda/buf.h"

#define SYN_FILE "synonyms.txt"
#define MAX_MEMBERS 256

/* One line of synonyms.txt split into its words (a group), or not a group
 * (blank or a comment: n == 0). */
typedef struct group_line {
    char buf[4096];
    const char *w[MAX_MEMBERS];
    size_t n;
} group_line;

/* Split line[0..len) (without its line end); 0 when the line is too long
 * to be a group this command writes (it is kept as it is). */
static int split_line(const char *line, size_t len, group_line *g)
{
    g->n = 0;
    if (len >= sizeof g->buf)
        return 0;
    memcpy(g->buf, line, len);
    g->buf[len] = '\0';
    char *p = g->buf;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '#' || *p == '\0' || *p == '\r')
        return 1;
    for (char *tok = strtok(p, " \t\r"); tok && g->n < MAX_MEMBERS; tok = strtok(NULL, " \t\r"))
        g->w[g->n++] = tok;
    return 1;
}

static long member_of(const group_line *g, const char *word)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->w[i], word) == 0)
            return (long)i;
    return -1;
}

static void put_group(wd_buf *out, const char *const *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            wd_buf_putc(out, ' ');
        wd_buf_puts(out, w[i]);
    }
    wd_buf_putc(out, '\n');
}

/* Walk text line by line: fn sees each line (without its end) and its
 * split; it appends what stays to out. */
typedef void (*line_fn)(void *ctx, const char *line, size_t len, group_line *g, wd_buf *out);

static void each_line(const char *text, size_t len, line_fn fn, void *ctx, wd_buf *out)
{
    group_line *g = wd_malloc(sizeof *g);
    if (!g) {
        out->oom = 1;
        return;
    }
    for (size_t p = 0; p < len;) {
        const char *nl = memchr(text + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - text) : len;
        if (split_line(text + p, e - p, g)) {
            fn(ctx, text + p, e - p, g, out);
        } else {
            wd_buf_append(out, text + p, e - p);
            wd_buf_putc(out, '\n');
        }
        p = e + 1;
    }
    wd_free(g);
}

/* The words a member is matched as, "醉酒 驾驶", or "" when it is one. */
static const char *parts_text(const wd_dict *d, const char *w, char *buf, size_t cap)
{
    const char *const *parts = NULL;
    size_t n = wd_dict_synonym_parts(d, w, strlen(w), &parts);
    buf[0] = '\0';
    for (size_t i = 0, at = 0; i < n && at < cap; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%s%s", i ? " " : "", parts[i]);
    return buf;
}

static json_t *members_json(const wd_dict *d, const char *const *w, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s}", "word", w[i]);
        const char *const *parts = NULL;
        size_t np = wd_dict_synonym_parts(d, w[i], strlen(w[i]), &parts);
        if (np) {
            json_t *pa = json_array();
            for (size_t k = 0; k < np; k++)
                json_array_append_new(pa, json_string(parts[k]));
            json_object_set_new(o, "matched_as", pa);
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

static void print_member(const wd_dict *d, const char *w)
{
    char parts[1024];
    cli_put_visible(stdout, w);
    if (*parts_text(d, w, parts, sizeof parts)) {
        fputs(" (", stdout);
        cli_put_visible(stdout, parts);
        fputc(')', stdout);
    }
}

/* ---- add ------------------------------------------------------------------------ */

typedef struct add_ctx {
    const char *const *words; /* WORD then its synonyms */
    size_t n;
    int found;
    const char *added[MAX_MEMBERS];
    size_t nadded;
} add_ctx;

static void add_line(void *vctx, const char *line, size_t len, group_line *g, wd_buf *out)
{
    add_ctx *c = vctx;
    if (c->found || member_of(g, c->words[0]) < 0) {
        wd_buf_append(out, line, len);
        wd_buf_putc(out, '\n');
        return;
    }
    c->found = 1;
    for (size_t i = 1; i < c->n && g->n < MAX_MEMBERS; i++)
        if (member_of(g, c->words[i]) < 0) {
            g->w[g->n++] = c->words[i];
            c->added[c->nadded++] = c->words[i];
        }
    put_group(out, g->w, g->n);
}

static int syn_add(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos < 4)
        return cli_usage_error(cmd, "synonym add wants WORD and at least one SYNONYM");
    const char *const *words = (const char *const *)a->pos + 2;
    size_t n = (size_t)a->npos - 2;
    if (n > MAX_MEMBERS)
        return cli_usage_error(cmd, "a synonym group holds at most %d words", MAX_MEMBERS);
    for (size_t i = 0; i < n; i++) {
        if (!overlay_word_ok(words[i]))
            return cli_usage_error(cmd,
                                   "'%s' is not a word: one run of characters, no spaces or "
                                   "'#', at most %d bytes of UTF-8",
                                   words[i], WD_MAX_WORD_BYTES);
        for (size_t k = 0; k < i; k++)
            if (strcmp(words[i], words[k]) == 0)
                return cli_usage_error(cmd, "'%s' is given twice", words[i]);
    }
    char path[4200], *old = NULL;
    size_t oldlen = 0;
    int ex = overlay_read(cmd->name, SYN_FILE, &old, &oldlen, path, sizeof path);
    if (ex)
        return ex;
    add_ctx c = { words, n, 0, { 0 }, 0 };
    wd_buf out = WD_BUF_INIT;
    each_line(old, oldlen, add_line, &c, &out);
    if (!c.found) {
        put_group(&out, words, n);
        for (size_t i = 1; i < n; i++)
            c.added[c.nadded++] = words[i];
    }
    if (out.oom)
        ex = EXIT_INTERNAL;
    else if (c.nadded)
        ex = overlay_write(cmd->name, SYN_FILE, out.data, out.len);
    wd_buf_free(&out);
    /* Load it back: a line the loader refuses must be caught now. */
    wd_dict *d = NULL;
    if (!ex && (ex = cli_load_dict(cmd->name, cli_user_dict_dir(), json, &d)) != 0 && c.nadded)
        overlay_write(cmd->name, SYN_FILE, old, oldlen); /* as it was */
    wd_free(old);
    if (ex)
        return ex;
    if (json) {
        json_t *o = json_pack("{s:s,s:o,s:s,s:s}", "word", words[0], "added",
                              members_json(d, c.added, c.nadded), "file", path, "dict_version",
                              wd_dict_version(d));
        cli_print_json(o);
    } else if (!c.nadded) {
        printf("%s already has these synonyms in %s\n", words[0], path);
    } else {
        cli_put_visible(stdout, words[0]);
        fputs(" =", stdout);
        for (size_t i = 0; i < c.nadded; i++) {
            fputc(' ', stdout);
            print_member(d, c.added[i]);
        }
        printf("\nadded to %s; questions use it at once, on existing indexes too (a synonym "
               "needs no re-index)\n",
               path);
    }
    wd_dict_free(d);
    return EXIT_OK;
}

/* ---- remove --------------------------------------------------------------------- */

typedef struct remove_ctx {
    const char *word, *syn; /* syn NULL: the word from every group */
    size_t removed;
} remove_ctx;

static void remove_line(void *vctx, const char *line, size_t len, group_line *g, wd_buf *out)
{
    remove_ctx *c = vctx;
    long iw = member_of(g, c->word);
    long is = c->syn ? member_of(g, c->syn) : iw;
    if (iw < 0 || is < 0) {
        wd_buf_append(out, line, len);
        wd_buf_putc(out, '\n');
        return;
    }
    memmove(&g->w[is], &g->w[is + 1], (g->n - (size_t)is - 1) * sizeof *g->w);
    g->n--;
    c->removed++;
    if (g->n >= 2)
        put_group(out, g->w, g->n);
}

typedef struct builtin_ctx {
    const char *word, *syn;
    int found;
} builtin_ctx;

static int builtin_group(void *vctx, const char *const *w, size_t n, int source)
{
    builtin_ctx *c = vctx;
    int hw = 0, hs = c->syn == NULL;
    for (size_t i = 0; i < n; i++) {
        hw |= strcmp(w[i], c->word) == 0;
        hs |= c->syn && strcmp(w[i], c->syn) == 0;
    }
    c->found |= source == WD_SRC_DOMAIN && hw && hs;
    return 0;
}

static int syn_remove(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos < 3 || a->npos > 4)
        return cli_usage_error(cmd, "synonym remove wants WORD and an optional SYNONYM");
    remove_ctx c = { a->pos[2], a->npos == 4 ? a->pos[3] : NULL, 0 };
    char path[4200], *old = NULL;
    size_t oldlen = 0;
    int ex = overlay_read(cmd->name, SYN_FILE, &old, &oldlen, path, sizeof path);
    if (ex)
        return ex;
    wd_buf out = WD_BUF_INIT;
    each_line(old, oldlen, remove_line, &c, &out);
    if (out.oom)
        ex = EXIT_INTERNAL;
    else if (c.removed)
        ex = overlay_write(cmd->name, SYN_FILE, out.data ? out.data : "", out.len);
    wd_buf_free(&out);
    wd_free(old);
    if (ex)
        return ex;
    if (!c.removed) {
        wd_dict *d = NULL;
        builtin_ctx b = { c.word, c.syn, 0 };
        if (wd_dict_load(&d, NULL, NULL) == WD_OK)
            wd_dict_each_synonym_group(d, builtin_group, &b);
        wd_dict_free(d);
        if (b.found)
            cli_diag(cmd->name,
                     "%s%s%s: a built-in synonym group, not one of %s; the overlay only adds "
                     "groups",
                     c.word, c.syn ? " and " : "", c.syn ? c.syn : "", path);
        else
            cli_diag(cmd->name, "no synonym group in %s holds %s%s%s", path, c.word,
                     c.syn ? " with " : "", c.syn ? c.syn : "");
        return EXIT_NEGATIVE;
    }
    if (json) {
        cli_print_json(json_pack("{s:s,s:s?,s:I,s:s}", "removed", c.word, "from_synonym", c.syn,
                                 "groups", (json_int_t)c.removed, "file", path));
    } else if (c.syn) {
        printf("%s and %s are no longer synonyms in %s\n", c.word, c.syn, path);
    } else {
        printf("removed %s from %zu synonym group%s in %s\n", c.word, c.removed,
               c.removed == 1 ? "" : "s", path);
    }
    return EXIT_OK;
}

/* ---- list ----------------------------------------------------------------------- */

typedef struct list_ctx {
    const wd_dict *d;
    const char *word; /* normalised; NULL: every group */
    json_t *arr;
    size_t shown;
} list_ctx;

static int list_group(void *vctx, const char *const *w, size_t n, int source)
{
    list_ctx *c = vctx;
    int hit = c->word == NULL;
    for (size_t i = 0; !hit && i < n; i++)
        hit = strcmp(w[i], c->word) == 0;
    if (!hit)
        return 0;
    c->shown++;
    const char *src = source == WD_SRC_USER ? "user" : "built-in";
    if (c->arr) {
        json_array_append_new(
            c->arr, json_pack("{s:s,s:o}", "source", src, "members", members_json(c->d, w, n)));
        return 0;
    }
    printf("%-9s", src);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', stdout);
        print_member(c->d, w[i]);
    }
    fputc('\n', stdout);
    return 0;
}

static int syn_list(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos > 3)
        return cli_usage_error(cmd, "synonym list wants at most one WORD");
    wd_dict *d = NULL;
    int ex = cli_load_dict(cmd->name, cli_value(cmd, a, "dict"), json, &d);
    if (ex)
        return ex;
    char *norm = NULL;
    wd_analyzer *an = NULL;
    wd_error err;
    wd_error_clear(&err);
    if (a->npos == 3) {
        const char *w = a->pos[2];
        if (wd_analyzer_new(&an, d, &err) != WD_OK ||
            wd_normalize(an, w, strlen(w), &norm, NULL, &err) != WD_OK) {
            ex = cli_fail(cmd->name, &err, json);
            wd_analyzer_free(an);
            wd_dict_free(d);
            return ex;
        }
    }
    list_ctx c = { d, norm, json ? json_array() : NULL, 0 };
    wd_dict_each_synonym_group(d, list_group, &c);
    if (json)
        cli_print_json(json_pack("{s:o}", "groups", c.arr));
    if (norm && !c.shown) {
        cli_diag(cmd->name, "no synonym group holds %s", norm);
        ex = EXIT_NEGATIVE;
    }
    wd_free(norm);
    wd_analyzer_free(an);
    wd_dict_free(d);
    return ex;
}

int dict_synonym(const cli_cmd *cmd, const cli_args *a, int json)
{
    const char *verb = a->npos >= 2 ? a->pos[1] : "";
    if (strcmp(verb, "add") == 0)
        return syn_add(cmd, a, json);
    if (strcmp(verb, "remove") == 0)
        return syn_remove(cmd, a, json);
    if (strcmp(verb, "list") == 0)
        return syn_list(cmd, a, json);
    return cli_usage_error(cmd, "synonym wants add, remove or list");
}
