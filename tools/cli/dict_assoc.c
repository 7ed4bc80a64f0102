/*
 * dict_assoc.c - `wenda dict assoc list|remove`: the word associations an
 * index stores (mined from its records when it was built), and taking a
 * wrong one out.
 *
 *   wenda dict assoc list WORD [--index DIR] [--json]   WORD's associations
 *   wenda dict assoc remove WORD OTHER                 never use this pair
 *
 * A removal is a line "WORD OTHER" of assoc-removed.txt in the overlay
 * folder, replaced whole (written beside it, then renamed over it). A
 * searcher leaves the pair out when it opens, so it applies at once, to
 * every index, with no re-index; a running `wenda serve` picks it up as it
 * picks up any change of the overlay folder.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dict_assoc.h"
#include "overlay.h"
#include "width.h"
#include "wenda/buf.h"
#include "wenda/search.h"

static int assoc_list(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos != 3)
        return cli_usage_error(cmd, "assoc list wants one WORD");
    wd_dict *dict = NULL;
    wd_searcher *s = NULL;
    const char *path = NULL;
    int ex = cli_open_searcher(cmd, a, json, &dict, &s, &path);
    if (ex)
        return ex;
    wd_association *v = NULL;
    size_t n = 0;
    wd_error err;
    wd_error_clear(&err);
    const char *word = a->pos[2];
    if (wd_searcher_associations(s, word, strlen(word), &v, &n, &err) != WD_OK) {
        ex = cli_fail(cmd->name, &err, json);
    } else if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:s,s:f,s:s}", "word", v[i].other, "weight",
                                                 v[i].weight, "kind",
                                                 wd_association_kind_name(v[i].kind)));
        cli_print_json(json_pack("{s:s,s:o}", "word", word, "associations", arr));
    } else {
        for (size_t i = 0; i < n; i++) {
            wd_buf row = WD_BUF_INIT;
            cli_pad(&row, v[i].other, strlen(v[i].other), 16);
            wd_buf_printf(&row, " %.3f  %s\n", v[i].weight, wd_association_kind_name(v[i].kind));
            if (!row.oom)
                fwrite(row.data, 1, row.len, stdout);
            wd_buf_free(&row);
        }
    }
    if (!ex && !n) {
        cli_diag(cmd->name, "%s has no associations in %s", word, path);
        ex = EXIT_NEGATIVE;
    }
    wd_associations_free(v, n);
    wd_searcher_close(s);
    wd_dict_free(dict);
    return ex;
}

/* 1 when line[0..len) is the pair a, b (either way round). */
static int is_pair(const char *line, size_t len, const char *a, const char *b)
{
    char buf[2 * WD_MAX_WORD_BYTES + 8];
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, line, len);
    buf[len] = '\0';
    char *save = NULL, *x = strtok_r(buf, " \t\r", &save), *y = strtok_r(NULL, " \t\r", &save);
    return x && y && !strtok_r(NULL, " \t\r", &save) &&
           ((strcmp(x, a) == 0 && strcmp(y, b) == 0) || (strcmp(x, b) == 0 && strcmp(y, a) == 0));
}

static int assoc_remove(const cli_cmd *cmd, const cli_args *a, int json)
{
    if (a->npos != 4)
        return cli_usage_error(cmd, "assoc remove wants WORD and OTHER");
    const char *w = a->pos[2], *o = a->pos[3];
    for (int i = 2; i < 4; i++)
        if (!overlay_word_ok(a->pos[i]))
            return cli_usage_error(cmd,
                                   "'%s' is not a word: one run of characters, no spaces or "
                                   "'#', at most %d bytes of UTF-8",
                                   a->pos[i], WD_MAX_WORD_BYTES);
    if (strcmp(w, o) == 0)
        return cli_usage_error(cmd, "WORD and OTHER are the same word");
    char path[4200], *old = NULL;
    size_t oldlen = 0;
    int ex = overlay_read(cmd->name, WD_DICT_ASSOC_REMOVED, &old, &oldlen, path, sizeof path);
    if (ex)
        return ex;
    int already = 0;
    for (size_t p = 0; p < oldlen && !already;) {
        const char *nl = memchr(old + p, '\n', oldlen - p);
        size_t e = nl ? (size_t)(nl - old) : oldlen;
        already = is_pair(old + p, e - p, w, o);
        p = e + 1;
    }
    if (!already) {
        wd_buf out = WD_BUF_INIT;
        wd_buf_append(&out, old, oldlen);
        if (oldlen && old[oldlen - 1] != '\n')
            wd_buf_putc(&out, '\n');
        wd_buf_printf(&out, "%s %s\n", w, o);
        ex = out.oom ? EXIT_INTERNAL
                     : overlay_write(cmd->name, WD_DICT_ASSOC_REMOVED, out.data, out.len);
        wd_buf_free(&out);
        /* Load it back: a line the loader refuses must be caught now. */
        wd_dict *d = NULL;
        if (!ex && (ex = cli_load_dict(cmd->name, cli_user_dict_dir(), json, &d)) != 0)
            overlay_write(cmd->name, WD_DICT_ASSOC_REMOVED, old, oldlen); /* as it was */
        wd_dict_free(d);
    }
    wd_free(old);
    if (ex)
        return ex;
    if (json)
        cli_print_json(json_pack("{s:s,s:s,s:s,s:b}", "word", w, "removed", o, "file", path,
                                 "already", already));
    else if (already)
        printf("%s and %s are already taken out in %s\n", w, o, path);
    else
        printf("%s and %s are no longer associated (%s); searches leave the pair out at once, "
               "no re-index needed\n",
               w, o, path);
    return EXIT_OK;
}

int dict_assoc(const cli_cmd *cmd, const cli_args *a, int json)
{
    const char *verb = a->npos >= 2 ? a->pos[1] : "";
    if (strcmp(verb, "list") == 0)
        return assoc_list(cmd, a, json);
    if (strcmp(verb, "remove") == 0)
        return assoc_remove(cmd, a, json);
    return cli_usage_error(cmd, "assoc wants list or remove");
}
