/*
 * cmd_ask.c - `wenda ask`: answer a question (or one question a line from
 * stdin) with ranked records and highlighted snippets.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "schema.h"
#include "width.h"
#include "commands.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/search.h"

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* Text from the index (a record's question, answer, id, source) goes into
 * the output through wd_buf_visible: control characters are shown as
 * escapes, never acted on by the terminal. */
static void put_visible(wd_buf *o, const char *s)
{
    wd_buf_visible(o, s, strlen(s));
}

/* s with the code-point ranges in hl set in bold (colour) or plain. With
 * cols (a terminal's width), a line that would pass it goes on on the next
 * line at `indent` columns, where it started, not at the screen's edge. */
static void put_highlighted(wd_buf *o, const char *s, size_t (*hl)[2], size_t nhl, int color,
                            size_t indent, size_t cols)
{
    size_t cp = 0, h = 0, col = indent;
    int on = 0;
    if (cols && cols < indent + 10)
        cols = 0; /* too narrow to wrap usefully */
    for (const char *p = s; *p;) {
        if (color) {
            if (on && h < nhl && cp >= hl[h][1]) {
                wd_buf_puts(o, RESET);
                on = 0;
                h++;
            }
            if (!on && h < nhl && cp >= hl[h][0] && cp < hl[h][1]) {
                wd_buf_puts(o, BOLD);
                on = 1;
            }
        }
        size_t l = 1;
        while (p[l] && (((unsigned char)p[l]) & 0xC0) == 0x80)
            l++;
        size_t at = o->len;
        wd_buf_visible(o, p, l);
        if (cols && !o->oom) {
            size_t w = cli_width(o->data + at, o->len - at);
            if (col + w > cols) {
                char shown[16];
                size_t n = o->len - at < sizeof shown ? o->len - at : 0;
                memcpy(shown, o->data + at, n);
                o->len = at;
                wd_buf_putc(o, '\n');
                for (size_t k = 0; k < indent; k++)
                    wd_buf_putc(o, ' ');
                col = indent;
                if (!(n == 1 && shown[0] == ' ')) /* a space at the break is the break */
                    wd_buf_append(o, shown, n);
                else
                    w = 0;
            }
            col += w;
        }
        p += l;
        cp++;
    }
    if (on)
        wd_buf_puts(o, RESET);
}

/* The field a matched term is in, by its index prefix (schema.h), and the
 * word without it: question (S), bigram (XB: the question's characters and
 * character pairs), source (XS), kind (K), id (Q); no prefix, the answer
 * (the analyzer lower-cases, so a word never starts with A-Z). */
static const char *explain_field(const char **term)
{
    static const struct {
        const char *prefix, *field;
    } FIELDS[] = { { WD_PREFIX_BIGRAM, "bigram" },
                   { WD_PREFIX_SOURCE, "source" },
                   { WD_PREFIX_QUESTION, "question" },
                   { WD_PREFIX_KIND, "kind" },
                   { WD_PREFIX_ID, "id" } };
    for (size_t i = 0; i < sizeof FIELDS / sizeof *FIELDS; i++) {
        size_t n = strlen(FIELDS[i].prefix);
        if (strncmp(*term, FIELDS[i].prefix, n) == 0) {
            *term += n;
            return FIELDS[i].field;
        }
    }
    return "answer";
}

static void print_hit(const wd_hit *h, int color, int full, int explain, int closest)
{
    const char *on = color ? (closest ? DIM : BOLD) : "", *off = color ? RESET : "";
    wd_buf o = WD_BUF_INIT;
    wd_buf_printf(&o, "%s%u.%s %s", on, h->rank, off, on);
    put_visible(&o, h->question);
    wd_buf_puts(&o, off);
    if (h->kind == WD_KIND_QUESTION)
        wd_buf_puts(&o, "  (question only, no answer written)");
    wd_buf_puts(&o, "\n   ");
    put_highlighted(&o, h->snippet, h->highlights, h->n_highlights, color && !closest, 3,
                    cli_term_columns(STDOUT_FILENO));
    wd_buf_printf(&o, "\n   %s", color ? DIM : "");
    put_visible(&o, h->id);
    wd_buf_printf(&o, "  confidence %.2f  ", h->confidence);
    put_visible(&o, h->source);
    if (h->date) {
        wd_buf_puts(&o, "  ");
        put_visible(&o, h->date);
    }
    wd_buf_printf(&o, "%s\n", off);
    if (h->n_more) {
        wd_buf_printf(&o, "   %s%zu more like this:", color ? DIM : "", h->n_more);
        for (size_t k = 0; k < h->n_more; k++) {
            wd_buf_puts(&o, " ");
            put_visible(&o, h->more[k]);
        }
        wd_buf_printf(&o, "%s\n", off);
    }
    for (size_t k = 0; explain && k < h->n_explain; k++) {
        if (!(h->explain[k].weight > 0))
            continue; /* matched, but weighed nothing: not what ranked it */
        const char *term = h->explain[k].term, *field = explain_field(&term);
        wd_buf o_term = WD_BUF_INIT;
        put_visible(&o_term, term);
        wd_buf_puts(&o, "     ");
        cli_pad(&o, o_term.data ? o_term.data : "", o_term.len, 20);
        wd_buf_printf(&o, " %-9s %.4f\n", field, h->explain[k].weight);
        wd_buf_free(&o_term);
    }
    if (explain && h->features) {
        wd_buf_puts(&o, "     confidence from:");
        for (int k = 0; k < WD_HIT_NFEATURES; k++)
            wd_buf_printf(&o, "%s %s %.3f", k ? "," : "", wd_hit_feature_name(k), h->features[k]);
        wd_buf_puts(&o, "\n");
    }
    if (full) {
        wd_buf_puts(&o, "\n");
        put_visible(&o, h->answer);
        wd_buf_puts(&o, "\n");
    }
    wd_buf_puts(&o, "\n");
    if (!o.oom)
        fwrite(o.data, 1, o.len, stdout);
    wd_buf_free(&o);
}

/* Answered: the hits, confident ones first as ranked. Not answered: says so
 * plainly, then shows the closest records as such (dimmed on a TTY). A long
 * question says it was trimmed, one read as pinyin what it was read as. */
static void print_human(const wd_results *r, int color, int full, int explain)
{
    if (r->read_as) {
        printf("%s按拼音 ", color ? DIM : "");
        cli_put_visible(stdout, r->query);
        printf(" 查: ");
        cli_put_visible(stdout, r->read_as);
        printf("%s\n\n", color ? RESET : "");
    }
    if (r->trimmed)
        printf("%sA long question: searched for its most informative words only.%s\n\n",
               color ? DIM : "", color ? RESET : "");
    if (explain && r->n_assoc) {
        printf("associations used (mined weight, weight in the query):\n");
        for (size_t i = 0; i < r->n_assoc; i++) {
            const wd_association *as = &r->assoc[i];
            printf("  ");
            cli_put_visible(stdout, as->word);
            printf(" -> ");
            cli_put_visible(stdout, as->other);
            printf("  %.3f  %.3f  %s\n", as->weight, as->scale, wd_association_kind_name(as->kind));
        }
        printf("\n");
    }
    if (r->n_hits == 0) {
        printf("no record matches: ");
        cli_put_visible(stdout, r->query);
        printf("\n");
        return;
    }
    double best = 0;
    for (size_t i = 0; i < r->n_hits; i++)
        if (r->hits[i].confidence > best)
            best = r->hits[i].confidence;
    if (!r->answered)
        printf("%sNo record answers this confidently%s (best confidence %.2f, below %.2f). "
               "The closest records:\n\n",
               color ? BOLD : "", color ? RESET : "", best, r->min_confidence);
    for (size_t i = 0; i < r->n_hits; i++)
        print_hit(&r->hits[i], color, full, explain, !r->answered);
    printf("%s%zu record%s, %.1f ms%s\n", color ? DIM : "", r->n_hits, r->n_hits == 1 ? "" : "s",
           r->took_ms, color ? RESET : "");
    for (size_t i = 0; i < r->n_facets; i++) {
        wd_buf o = WD_BUF_INIT;
        wd_buf_printf(&o, "%s:", r->facets[i].name);
        for (size_t k = 0; k < r->facets[i].n_values; k++) {
            wd_buf_puts(&o, k ? ", " : " ");
            put_visible(&o, r->facets[i].values[k].value);
            wd_buf_printf(&o, " %u", r->facets[i].values[k].count);
        }
        if (!o.oom)
            printf("%.*s\n", (int)o.len, o.data);
        wd_buf_free(&o);
    }
}

static const cli_opt ask_opts[] = {
    { "index", 0, 1, "DIR", "index to ask (default: $WENDA_INDEX or ~/.local/share/wenda/index)" },
    { "num", 'n', 1, "N", "number of answers, 1 to 1000 (default 5)" },
    { "offset", 0, 1, "K", "skip the first K answers" },
    { "source", 0, 1, "S",
      "only records whose source starts with S, or matches S as a glob when it holds *" },
    { "kind", 0, 1, "K", "only records of kind K: qa or question" },
    { "field", 0, 1, "NAME=VALUE", "only records whose extra field NAME is VALUE" },
    { "date-from", 0, 1, "DATE", "only records dated DATE (YYYY-MM-DD) or later" },
    { "date-to", 0, 1, "DATE", "only records dated DATE (YYYY-MM-DD) or earlier" },
    { "sort", 0, 1, "BY", "relevance (default) or date: the best matches newest first" },
    { "facets", 0, 1, "LIST",
      "count the matching records by source, kind, year and/or extra fields (comma-separated)" },
    { "no-distinct", 0, 0, NULL,
      "show records with the same (or nearly the same) question and answer each in its own "
      "place, instead of once with the others' ids" },
    { "json", 0, 0, NULL, "print one JSON object per question" },
    { "full", 0, 0, NULL, "include each record's whole answer" },
    { "explain", 0, 0, NULL,
      "show the matched terms and their weights, and the word associations used" },
    { "min-confidence", 0, 1, "P",
      "answered when a record reaches confidence P (default: the calibration's covered "
      "threshold)" },
    { "calibration", 0, 1, "FILE", "thresholds fitted by wenda coverage --calibrate" },
    { "color", 0, 1, "WHEN", "auto (default), always or never" },
    { "dict", 0, 1, "DIR", "dictionary directory (default: $WENDA_DICT or built-in)" },
    { "allow-partial", 0, 0, NULL,
      "over shards: when some do not answer, answer from the others (marked partial)" },
    { "timeout", 0, 1, "MS",
      "connect and reply timeout of remote shards (default: $WENDA_REMOTE_TIMEOUT_MS or 10000)" },
    { NULL, 0, 0, NULL, NULL }
};

/* A line of `ask -` that gets no answer: with --json its own line on stdout,
 * {"error": {"code", "message"}, "line": N}, so that every input line has
 * one output line; else a message on stderr. Returns the exit code it
 * maps to. */
static int line_fail(const char *cmd, size_t line, const wd_error *err, int json)
{
    if (json) {
        wd_buf b = WD_BUF_INIT;
        wd_error_to_json(err, &b);
        if (!b.oom && b.len && b.data[b.len - 1] == '}') {
            b.len--;
            wd_buf_printf(&b, ",\"line\":%zu}", line);
        }
        if (!b.oom) {
            fwrite(b.data, 1, b.len, stdout);
            fputc('\n', stdout);
            fflush(stdout);
        }
        wd_buf_free(&b);
    }
    cli_diag(cmd, "stdin:%zu: %s; the line was skipped", line,
             err->message[0] ? err->message : wd_code_name(err->code));
    return cli_exit_code(err->code);
}

/* Ask one question; line > 0: line `line` of `ask -` (its JSON carries
 * "line", and a failure is that line's answer, not the run's end). */
static int ask_one(const char *cmd, wd_searcher *s, const char *q, size_t len, size_t line,
                   const wd_search_opts *o, int json, int full, int color, wd_buf *out,
                   int *answered)
{
    wd_error err;
    wd_error_clear(&err);
    if (!wd_utf8_valid(q, len, NULL)) {
        wd_error_set(&err, WD_EENCODING, "cli", "the question is not valid UTF-8");
        return line ? line_fail(cmd, line, &err, json) : cli_fail(cmd, &err, json);
    }
    wd_results *r = NULL;
    int rc = wd_search(s, q, len, o, &r, &err);
    if (rc != WD_OK)
        return line ? line_fail(cmd, line, &err, json) : cli_fail(cmd, &err, json);
    *answered = r->answered;
    if (r->partial && !json) {
        wd_buf miss = WD_BUF_INIT;
        for (size_t i = 0; i < r->n_missing; i++)
            wd_buf_printf(&miss, "%s%s", i ? ", " : "", r->missing_shards[i]);
        cli_diag(cmd, "partial results: %zu shard%s did not answer: %s", r->n_missing,
                 r->n_missing == 1 ? "" : "s", miss.data ? miss.data : "");
        wd_buf_free(&miss);
    }
    if (json) {
        wd_buf_reset(out);
        rc = wd_results_to_json(r, full, out);
        if (rc == WD_OK && line && out->len && out->data[out->len - 1] == '}') {
            out->len--;
            rc = wd_buf_printf(out, ",\"line\":%zu}", line);
        }
        if (rc != WD_OK) {
            wd_results_free(r);
            wd_error_set(&err, WD_ENOMEM, "cli", "out of memory");
            return cli_fail(cmd, &err, json);
        }
        fwrite(out->data, 1, out->len, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    } else {
        print_human(r, color, full, o->explain);
    }
    wd_results_free(r);
    return 0;
}

/* Only white space (ASCII, U+3000 and the other spaces the analyzer skips
 * alike): a line that asks nothing. */
static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t l = wd_utf8_decode(s + i, len - i, &cp);
        if (!l ||
            !(cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f' || cp == 0x3000 || cp == 0xA0))
            return 0;
        i += l;
    }
    return 1;
}

static int cmd_ask(const cli_cmd *cmd, int argc, char **argv)
{
    cli_args a;
    int ex;
    if (cli_begin(cmd, argc, argv, &a, &ex))
        return ex;
    int json = cli_flag(cmd, &a, "json");
    int full = cli_flag(cmd, &a, "full");
    unsigned long n, off, timeout;
    double minconf;
    if (cli_uint_in(cmd, &a, "num", 5, 1, 1000, &n) ||
        cli_uint(cmd, &a, "offset", 0, 100000, &off) ||
        cli_uint(cmd, &a, "timeout", 0, 3600000, &timeout) ||
        cli_prob(cmd, &a, "min-confidence", -1, &minconf)) {
        cli_args_free(&a);
        return EXIT_USAGE;
    }
    int color = cli_color(cli_value(cmd, &a, "color"), stdout);
    if (color < 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "--color wants auto, always or never");
    }
    if (a.npos == 0) {
        cli_args_free(&a);
        return cli_usage_error(cmd, "no question given (use - to read questions from stdin)");
    }
    const char *path = NULL;
    wd_dict *dict = NULL;
    if ((ex = cli_index_and_dict(cmd, &a, json, &path, &dict)) != 0) {
        cli_args_free(&a);
        return ex;
    }
    wd_search_opts o = WD_SEARCH_OPTS_INIT;
    o.n = (uint32_t)n;
    o.offset = (uint32_t)off;
    o.source = cli_value(cmd, &a, "source");
    o.kind = cli_value(cmd, &a, "kind");
    o.date_from = cli_value(cmd, &a, "date-from");
    o.date_to = cli_value(cmd, &a, "date-to");
    o.facets = cli_value(cmd, &a, "facets");
    o.distinct = !cli_flag(cmd, &a, "no-distinct");
    const char *field = cli_value(cmd, &a, "field");
    if (field) {
        o.fields = &field;
        o.n_fields = 1;
    }
    const char *sort = cli_value(cmd, &a, "sort");
    if (sort && strcmp(sort, "relevance") != 0 && strcmp(sort, "date") != 0) {
        cli_args_free(&a);
        wd_dict_free(dict);
        return cli_usage_error(cmd, "--sort wants relevance or date, not '%s'", sort);
    }
    o.sort_date = sort && strcmp(sort, "date") == 0;
    wd_error oerr;
    wd_error_clear(&oerr);
    if (wd_search_opts_check(&o, &oerr) != WD_OK) {
        cli_args_free(&a);
        wd_dict_free(dict);
        /* The option as the command line spells it: date_from -> date-from. */
        for (char *c = oerr.message; *c && *c != ' '; c++)
            if (*c == '_')
                *c = '-';
        return cli_usage_error(cmd, "--%s", oerr.message);
    }
    o.explain = cli_flag(cmd, &a, "explain");
    o.features = o.explain; /* and what each hit's confidence was computed from */
    o.allow_partial = cli_flag(cmd, &a, "allow-partial");
    o.timeout_ms = (unsigned)timeout; /* 0: $WENDA_REMOTE_TIMEOUT_MS, else the default */
    o.min_confidence = minconf;       /* < 0: the calibration's */
    wd_error err;
    wd_error_clear(&err);
    wd_searcher *s = NULL;
    int rc = wd_searcher_open_with(&s, path, dict, &o, &err);
    if (rc != WD_OK) {
        ex = rc == WD_ENOTFOUND ? cli_no_index(cmd->name, path, json)
                                : cli_fail(cmd->name, &err, json);
        wd_dict_free(dict);
        cli_args_free(&a);
        return ex;
    }
    ex = cli_calibration(cmd->name, cli_value(cmd, &a, "calibration"), json, s);
    if (ex) {
        wd_searcher_close(s);
        wd_dict_free(dict);
        cli_args_free(&a);
        return ex;
    }
    wd_buf out = WD_BUF_INIT;
    int answered = 0;
    if (a.npos == 1 && strcmp(a.pos[0], "-") == 0) {
        /* One question a line, each answered in its own line (--json): a
         * blank line gets an error line too, but asks nothing, so it does
         * not fail the run. */
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        size_t lineno = 0;
        int worst = 0;
        while ((len = getline(&line, &cap, stdin)) >= 0) {
            lineno++;
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                line[--len] = '\0';
            if (blank(line, (size_t)len)) {
                if (json) {
                    wd_error_set(&err, WD_EFORMAT, "cli", "the line is blank: no question");
                    line_fail(cmd->name, lineno, &err, json);
                }
                continue;
            }
            int e = ask_one(cmd->name, s, line, (size_t)len, lineno, &o, json, full, color, &out,
                            &answered);
            if (e > worst)
                worst = e;
        }
        free(line);
        /* Each line says whether it was answered: the run itself succeeded. */
        ex = worst;
    } else {
        /* Words of an unquoted question are joined with spaces. */
        wd_buf q = WD_BUF_INIT;
        for (int i = 0; i < a.npos; i++) {
            if (i)
                wd_buf_putc(&q, ' ');
            wd_buf_puts(&q, a.pos[i]);
        }
        ex = ask_one(cmd->name, s, q.data, q.len, 0, &o, json, full, color, &out, &answered);
        if (!ex && !answered)
            ex = EXIT_NEGATIVE;
        wd_buf_free(&q);
    }
    wd_buf_free(&out);
    wd_searcher_close(s);
    wd_dict_free(dict);
    cli_args_free(&a);
    return ex;
}

const cli_cmd cli_cmd_ask = {
    "ask",
    "Answer a question from the index, best answers first.",
    "[--index DIR] [-n N] [--offset K] [--source S] [--kind K] [--field NAME=VALUE] "
    "[--date-from DATE] "
    "[--date-to DATE] [--sort relevance|date] [--facets LIST] [--no-distinct] [--json] [--full] "
    "[--min-confidence "
    "P] "
    "[--calibration FILE] [--allow-partial] [--timeout MS] QUESTION | -",
    "QUESTION is free text such as 低保户要交医保吗. With - questions are read one a line\n"
    "from stdin and answered one a line: with --json one JSON object for every input\n"
    "line, with its \"line\" number, and {\"error\": {...}, \"line\": N} for a line that\n"
    "cannot be asked (invalid UTF-8) or asks nothing (empty or blank).\n"
    "A question of more than 1024 bytes or 64 distinct words is searched for by its 64\n"
    "most informative words; the JSON then says \"trimmed\": true.\n"
    "Pinyin without tones or spaces (yidijiuyi), initials (ybbx) or pinyin mixed\n"
    "with characters (异地jiuyi) is read as the Chinese the base's questions spell\n"
    "with it when the text as typed finds no answer; the output says so (\"按拼音\n"
    "yidi 查: 异地\", in JSON \"read_as\"). Letters that are not all pinyin (search\n"
    "engine, App) are searched as typed.\n"
    "Text from records is printed with control characters escaped (\\x1B); --json\n"
    "keeps it exact.\n"
    "Every hit has a confidence: the estimated probability that its record answers\n"
    "the question, the same on any knowledge base. The question is answered when a\n"
    "record reaches --min-confidence (default: the covered threshold of the calibration\n"
    "in force: --calibration FILE, else the index folder's, else the built-in one; see\n"
    "wenda coverage --calibrate). When nothing does, the closest records are still\n"
    "shown, as such.\n"
    "JSON: {\"query\", \"took_ms\", \"total\", \"answered\", \"min_confidence\", \"hits\":\n"
    "[{\"rank\", \"id\", \"question\", \"kind\", \"score\", \"confidence\", \"snippet\",\n"
    "\"highlights\": [[start, end], ...], \"source\"}]}; highlight offsets count code points\n"
    "of the snippet; total is Xapian's estimate of the records sharing a word with the\n"
    "question (not a count of answers). With --facets the JSON adds \"facets\":\n"
    "{\"source\": {VALUE: count, ...}, ...}, counted over every matching record.\n"
    "Records whose question and answer are the same or nearly the same as a better\n"
    "ranked one's are shown once, with the others' ids (\"more_like_this\": [...]);\n"
    "--no-distinct shows each in its own place.\n"
    "The word associations an index holds (mined from its records when it was built:\n"
    "`wenda dict assoc list WORD`) are not used as shipped; with WENDA_TUNE=as=0.5 a\n"
    "word of the question also matches, more weakly, its associated words, and\n"
    "--explain lists the ones used, with their mined weights and their weights in the\n"
    "query (JSON \"associations\"), besides each hit's matched terms. The long forms\n"
    "of short forms over several words (醉驾: 醉酒驾驶), mined when WENDA_ASSOC=l=0.3\n"
    "is set at index time, are used with WENDA_TUNE=al=0.5.\n"
    "--date-from, --date-to, --sort date and --facets need an index written by this\n"
    "wenda (schema 3; rebuild an older one with wenda index --overwrite).\n"
    "DIR may be a shard list: comma-separated indexes and tcp://HOST:PORT remotes\n"
    "(xapian-tcpsrv), or a Xapian stub file listing them. A shard that does not answer\n"
    "within the timeout is an error naming it (exit 3); with --allow-partial the other\n"
    "shards answer and the JSON adds \"partial\": true, \"missing_shards\": [...].\n"
    "Exit: 0 answered (with -: every line was asked, answered or not; blank lines are\n"
    "skipped); 1 no record answers confidently; 2 usage; 3 no index, unreadable index or\n"
    "calibration, a shard not answering, or (with -) a line that could not be asked.",
    ask_opts,
    cmd_ask
};
