/*
 * dict_words.c - `wenda dict list` and `wenda dict remove`: the lexicon
 * words in force, and taking a word out of the user's overlay (user.txt).
 *
 * Unlike a synonym group, a word changes how text is segmented: removing
 * one changes the dictionary version, and `wenda info` then says the index
 * was built with another dictionary (`wenda reindex` rebuilds it).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dict_words.h"
#include "overlay.h"
#include "width.h"
#include "wenda/buf.h"

typedef struct word_row {
    const char *w;
    size_t len;
    int source;
    uint32_t freq;
} word_row;

typedef struct list_ctx {
    int want; /* a source, or -1 for all */
    word_row *rows;
    size_t n, cap;
    int oom;
} list_ctx;

static int collect(void *vctx, const char *word, size_t len, int source, uint32_t freq)
{
    list_ctx *c = vctx;
    if (c->want >= 0 && source != c->want)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        word_row *r = wd_realloc(c->rows, cap * sizeof *r);
        if (!r) {
            c->oom = 1;
            return 1;
        }
        c->rows = r;
        c->cap = cap;
    }
    c->rows[c->n++] = (word_row){ word, len, source, freq };
    return 0;
}

static int by_word(const void *a, const void *b)
{
    const word_row *x = a, *y = b;
    size_t m = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->w, y->w, m);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

int dict_list(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos != 1)
        return cli_usage_error(cmd, "list takes no argument (--source user|domain chooses)");
    const char *src = cli_value(cmd, a, "source");
    int want = -1;
    if (src && strcmp(src, "user") == 0)
        want = WD_SRC_USER;
    else if (src && strcmp(src, "domain") == 0)
        want = WD_SRC_DOMAIN;
    else if (src)
        return cli_usage_error(cmd, "--source wants user or domain, not '%s'", src);
    wd_dict *d = NULL;
    int ex = cli_load_dict(cmd->name, cli_value(cmd, a, "dict"), json, &d);
    if (ex)
        return ex;
    list_ctx c = { want, NULL, 0, 0, 0 };
    wd_dict_each_word(d, collect, &c);
    if (c.oom) {
        cli_diag(cmd->name, "out of memory");
        ex = EXIT_INTERNAL;
    } else {
        if (c.n)
            qsort(c.rows, c.n, sizeof *c.rows, by_word);
        json_t *arr = json ? json_array() : NULL;
        wd_buf row = WD_BUF_INIT;
        for (size_t i = 0; i < c.n; i++) {
            const word_row *r = &c.rows[i];
            const char *name = wd_token_source_name(r->source);
            if (arr) {
                json_array_append_new(arr, json_pack("{s:s%,s:s,s:I}", "word", r->w, r->len,
                                                     "source", name, "freq", (json_int_t)r->freq));
                continue;
            }
            wd_buf_reset(&row);
            cli_pad(&row, r->w, r->len, 16);
            wd_buf_printf(&row, " %s", name);
            if (r->freq)
                wd_buf_printf(&row, " %lu", (unsigned long)r->freq);
            wd_buf_putc(&row, '\n');
            if (!row.oom)
                fwrite(row.data, 1, row.len, stdout);
        }
        wd_buf_free(&row);
        if (arr) {
            json_t *o = json_pack("{s:s,s:o}", "dict_version", wd_dict_version(d), "words", arr);
            cli_print_json(o);
        }
    }
    wd_free(c.rows);
    wd_dict_free(d);
    return ex;
}

/* Is `line` (without its end) an entry of `word`: its first field? */
static int entry_of(const char *line, size_t len, const char *word)
{
    size_t i = 0, wl = strlen(word);
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return len - i >= wl && memcmp(line + i, word, wl) == 0 &&
           (i + wl == len || line[i + wl] == ' ' || line[i + wl] == '\t' || line[i + wl] == '\r');
}

int dict_remove(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos != 2)
        return cli_usage_error(cmd, "remove wants one WORD");
    const char *word = a->pos[1];
    char path[4200], *text = NULL;
    size_t len = 0, removed = 0;
    int ex = overlay_read(cmd->name, "user.txt", &text, &len, path, sizeof path);
    if (ex)
        return ex;
    wd_buf out = WD_BUF_INIT;
    for (size_t p = 0; p < len;) {
        const char *nl = memchr(text + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - text) : len;
        if (entry_of(text + p, e - p, word)) {
            removed++;
        } else {
            wd_buf_append(&out, text + p, e - p);
            wd_buf_putc(&out, '\n');
        }
        p = e + 1;
    }
    if (out.oom)
        ex = EXIT_INTERNAL;
    else if (removed)
        ex = overlay_write(cmd->name, "user.txt", out.data ? out.data : "", out.len);
    wd_buf_free(&out);
    wd_free(text);
    if (ex)
        return ex;
    wd_dict *d = NULL;
    if ((ex = cli_load_dict(cmd->name, cli_user_dict_dir(), json, &d)) != 0)
        return ex;
    if (!removed) {
        long in_lexicon = 0;
        wd_dict *b = NULL;
        if (wd_dict_load(&b, NULL, NULL) == WD_OK) {
            list_ctx c = { WD_SRC_DOMAIN, NULL, 0, 0, 0 };
            wd_dict_each_word(b, collect, &c);
            for (size_t i = 0; i < c.n && !in_lexicon; i++)
                in_lexicon =
                    c.rows[i].len == strlen(word) && !memcmp(c.rows[i].w, word, c.rows[i].len);
            wd_free(c.rows);
        }
        wd_dict_free(b);
        if (in_lexicon)
            cli_diag(cmd->name,
                     "%s is a word of the built-in domain lexicon, not of %s; the overlay "
                     "cannot remove it",
                     word, path);
        else
            cli_diag(cmd->name, "%s is not in %s", word, path);
        wd_dict_free(d);
        return EXIT_NEGATIVE;
    }
    if (json) {
        json_t *o = json_pack("{s:s,s:s,s:s}", "removed", word, "file", path, "dict_version",
                              wd_dict_version(d));
        cli_print_json(o);
    } else {
        printf("removed %s from %s (dictionary %s); `wenda reindex` applies it to existing "
               "indexes\n",
               word, path, wd_dict_version(d));
    }
    wd_dict_free(d);
    return EXIT_OK;
}
