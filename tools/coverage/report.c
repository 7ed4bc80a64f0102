/*
 * report.c - the summary of a `wenda coverage` run: grouping of the
 * uncovered questions, and the text, JSON and HTML renderings.
 *
 * Grouping is greedy: each question to write (uncovered or partial) joins
 * the group whose first member asks the same question most surely (the
 * same-question confidence, at WD_SAME_QUESTION_AT or above), else it
 * starts a group. While there are few groups every one is compared; past
 * that the candidates are found through the heaviest words of each group's
 * first member, so a run with many gaps does not compare every pair.
 *
 * The grouping index (word -> groups) belongs to its summary, so summaries
 * on different threads (the service answers requests in parallel) do not
 * share anything.
 *
 * The HTML page has no external resources: the verdict chart and the
 * histogram are inline SVG, the table sorts with a few lines of inline
 * script, and everything else is CSS in the page.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grow.h"
#include "report.h"

/* ---- grouping --------------------------------------------------------------- */

#define GROUP_KEYS 3
#define GROUP_CANDIDATES 64
#define GROUP_ALL 256 /* groups all compared with a new question */

/* Inverted list: word -> the groups whose leader has it among its keys
 * (cov_summary.keys, a string map of these). */
typedef struct klist {
    size_t *g;
    size_t n, cap;
} klist;

static void keys_free(cov_summary *s)
{
    size_t pos = 0;
    void *v;
    while (wd_strmap_next(&s->keys, &pos, NULL, NULL, &v))
        wd_free(((klist *)v)->g);
    wd_strmap_clear(&s->keys);
}

static int group_push(cov_group *g, const char *q, size_t len, const char *file, size_t line,
                      double conf, int verdict)
{
    if (WD_GROW(g->m, g->cap, g->n + 1, 4) != WD_OK)
        return WD_ENOMEM;
    char *copy = wd_strndup(q, len);
    if (!copy)
        return WD_ENOMEM;
    g->m[g->n++] = (cov_member){ copy, line, file, conf, verdict };
    return WD_OK;
}

int cov_summary_add_uncovered_take(cov_summary *s, wd_sim_text *t, const char *q, size_t len,
                                   const char *file, size_t line, double confidence, int verdict,
                                   double join_at, wd_error *err)
{
    int rc = WD_OK;
    if (!t)
        return wd_error_set(err, WD_EINVAL, "coverage", "no analysed question to group");
    const char *keys[GROUP_KEYS];
    size_t nk = wd_sim_text_keys(t, keys, GROUP_KEYS);
    long best = -1;
    double best_score = join_at;
    size_t seen = 0;
    /* While there are few groups every one is a candidate (a paraphrase may
     * share no heavy word with its group); past that, the groups that share
     * one of its heaviest words. */
    for (size_t i = 0; s->ngroups <= GROUP_ALL && i < s->ngroups; i++) {
        double sc = wd_sim_score(t, s->groups[i].leader);
        if (sc >= best_score) {
            best_score = sc;
            best = (long)i;
        }
    }
    for (size_t k = 0; s->ngroups > GROUP_ALL && k < nk && seen < GROUP_CANDIDATES; k++) {
        const klist *l = wd_strmap_get(&s->keys, keys[k], strlen(keys[k]));
        for (size_t i = 0; l && i < l->n && seen < GROUP_CANDIDATES; i++, seen++) {
            double sc = wd_sim_score(t, s->groups[l->g[i]].leader);
            if (sc >= best_score) {
                best_score = sc;
                best = (long)l->g[i];
            }
        }
    }
    if (best >= 0) {
        wd_sim_text_free(t);
        rc = group_push(&s->groups[best], q, len, file, line, confidence, verdict);
        return rc == WD_OK ? WD_OK : wd_error_set(err, rc, "coverage", "out of memory");
    }
    if (WD_GROW(s->groups, s->gcap, s->ngroups + 1, 16) != WD_OK) {
        wd_sim_text_free(t);
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    }
    cov_group *g = &s->groups[s->ngroups];
    memset(g, 0, sizeof *g);
    g->leader = t;
    s->ngroups++;
    if (group_push(g, q, len, file, line, confidence, verdict) != WD_OK)
        return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
    for (size_t k = 0; k < nk; k++) {
        if (!s->keys.vsize)
            s->keys = (wd_strmap)WD_STRMAP_INIT(sizeof(klist));
        klist *l = wd_strmap_put(&s->keys, keys[k], strlen(keys[k]), NULL);
        if (!l || WD_GROW(l->g, l->cap, l->n + 1, 4) != WD_OK)
            return wd_error_set(err, WD_ENOMEM, "coverage", "out of memory");
        l->g[l->n++] = s->ngroups - 1;
    }
    return WD_OK;
}

int cov_summary_count(cov_summary *s, const char *q, size_t len, const char *file, size_t line,
                      wd_coverage *c, wd_error *err)
{
    s->questions++;
    s->count[c->verdict]++;
    int bin = (int)(c->confidence * COV_HIST_BINS);
    s->hist[bin < 0 ? 0 : bin >= COV_HIST_BINS ? COV_HIST_BINS - 1 : bin]++;
    if (c->verdict == WD_COVERED)
        return WD_OK;
    wd_sim_text *t = c->asked;
    c->asked = NULL;
    return cov_summary_add_uncovered_take(s, t, q, len, file, line, c->confidence, c->verdict,
                                          WD_SAME_QUESTION_AT, err);
}

static int cmp_group(const void *a, const void *b)
{
    const cov_group *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return 0;
}

void cov_summary_sort(cov_summary *s)
{
    /* Groups were made in input order; a stable sort by size keeps it for ties. */
    for (size_t i = 1; i < s->ngroups; i++) {
        cov_group g = s->groups[i];
        size_t j = i;
        while (j > 0 && cmp_group(&s->groups[j - 1], &g) > 0) {
            s->groups[j] = s->groups[j - 1];
            j--;
        }
        s->groups[j] = g;
    }
    /* The index points at group numbers that moved: questions added after
     * this start groups of their own. */
    keys_free(s);
}

void cov_summary_clear(cov_summary *s)
{
    for (size_t i = 0; i < s->ngroups; i++) {
        for (size_t k = 0; k < s->groups[i].n; k++)
            wd_free(s->groups[i].m[k].question);
        wd_free(s->groups[i].m);
        wd_sim_text_free(s->groups[i].leader);
    }
    wd_free(s->groups);
    s->groups = NULL;
    s->ngroups = s->gcap = 0;
    keys_free(s);
}

double cov_share(const cov_summary *s, int v)
{
    return s->questions ? (double)s->count[v] / (double)s->questions : 0.0;
}

/* ---- text and JSON -------------------------------------------------------------- */

void cov_summary_text(const cov_summary *s, FILE *to, const char *p)
{
    fprintf(
        to, "%s%zu questions: %zu covered (%.1f%%), %zu partial (%.1f%%), %zu uncovered (%.1f%%)",
        p, s->questions, s->count[WD_COVERED], 100 * cov_share(s, WD_COVERED), s->count[WD_PARTIAL],
        100 * cov_share(s, WD_PARTIAL), s->count[WD_UNCOVERED], 100 * cov_share(s, WD_UNCOVERED));
    if (s->skipped)
        fprintf(to, "; %zu malformed lines skipped", s->skipped);
    fprintf(to, "\n%sthresholds: covered at %.2f, partial at %.2f", p, s->covered_at,
            s->partial_at);
    if (s->min_coverage >= 0)
        fprintf(to, "; minimum covered share %.2f: %s", s->min_coverage,
                cov_share(s, WD_COVERED) >= s->min_coverage ? "met" : "NOT met");
    fprintf(to, "\n");
    if (!s->ngroups)
        return;
    fprintf(to,
            "%s\n%sgaps to write (%zu uncovered and %zu partial questions in %zu groups, largest "
            "first):\n",
            p, p, s->count[WD_UNCOVERED], s->count[WD_PARTIAL], s->ngroups);
    for (size_t i = 0; i < s->ngroups; i++) {
        const cov_group *g = &s->groups[i];
        for (size_t k = 0; k < g->n; k++) {
            if (k == 0)
                fprintf(to, "%s%4zu. (%zu) ", p, i + 1, g->n);
            else
                fprintf(to, "%s            ", p);
            wd_buf q = WD_BUF_INIT; /* control characters escaped */
            wd_buf_visible(&q, g->m[k].question, strlen(g->m[k].question));
            fprintf(to, "%s%s\n", q.data ? q.data : "",
                    g->m[k].verdict == WD_PARTIAL ? "  (partial)" : "");
            wd_buf_free(&q);
        }
    }
}

static json_t *verdict_json(const cov_summary *s, int v)
{
    return json_pack("{s:I,s:f}", "count", (json_int_t)s->count[v], "share",
                     round(cov_share(s, v) * 1e6) / 1e6);
}

int cov_summary_json(const cov_summary *s, wd_buf *out)
{
    json_t *groups = json_array();
    for (size_t i = 0; groups && i < s->ngroups; i++) {
        const cov_group *g = &s->groups[i];
        json_t *qs = json_array(), *partial = json_array();
        for (size_t k = 0; qs && k < g->n; k++) {
            json_t *q = json_stringn_nocheck(g->m[k].question, strlen(g->m[k].question));
            json_array_append_new(qs, q);
            if (g->m[k].verdict == WD_PARTIAL)
                json_array_append_new(partial, json_integer((json_int_t)k));
        }
        json_array_append_new(groups, json_pack("{s:I,s:o,s:o}", "size", (json_int_t)g->n,
                                                "questions", qs, "partial", partial));
    }
    json_t *hist = json_array();
    for (int b = 0; hist && b < COV_HIST_BINS; b++)
        json_array_append_new(hist, json_integer((json_int_t)s->hist[b]));
    json_t *sum = json_pack(
        "{s:I,s:o,s:o,s:o,s:I,s:f,s:f,s:o,s:o,s:f}", "questions", (json_int_t)s->questions,
        "covered", verdict_json(s, WD_COVERED), "partial", verdict_json(s, WD_PARTIAL), "uncovered",
        verdict_json(s, WD_UNCOVERED), "skipped", (json_int_t)s->skipped, "covered_at",
        s->covered_at, "partial_at", s->partial_at, "histogram", hist, "uncovered_groups", groups,
        "seconds", round(s->seconds * 1e3) / 1e3);
    if (!sum)
        return WD_ENOMEM;
    if (s->min_coverage >= 0) {
        json_object_set_new(sum, "min_coverage", json_real(s->min_coverage));
        json_object_set_new(sum, "min_coverage_met",
                            json_boolean(cov_share(s, WD_COVERED) >= s->min_coverage));
    }
    json_t *o = json_pack("{s:o}", "summary", sum);
    char *str = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(o);
    if (!str)
        return WD_ENOMEM;
    int rc = wd_buf_puts(out, str);
    free(str);
    return rc;
}

static void hit_json(wd_buf *b, const wd_hit *h)
{
    if (!h)
        wd_buf_puts(b, "null");
    else if (wd_hit_to_json(h, 0, b) != WD_OK)
        b->oom = 1;
}

int cov_line_json(wd_buf *b, const char *q, size_t qlen, size_t line, size_t asked,
                  const wd_coverage *c)
{
    wd_buf_puts(b, "{\"question\":");
    wd_buf_json_string(b, q, qlen);
    wd_buf_printf(b,
                  ",\"verdict\":\"%s\",\"confidence\":%.4f,\"best\":", wd_verdict_name(c->verdict),
                  c->confidence);
    hit_json(b, c->best);
    wd_buf_puts(b, ",\"runner_up\":");
    hit_json(b, c->runner_up);
    wd_buf_printf(b, ",\"line\":%zu", line);
    if (asked)
        wd_buf_printf(b, ",\"asked\":%zu", asked);
    wd_buf_puts(b, "}\n");
    return b->oom ? WD_ENOMEM : WD_OK;
}

/* ---- HTML ------------------------------------------------------------------------ */

struct cov_html {
    wd_buf rows;
    size_t nrows, max_rows, dropped;
};

int cov_html_new(cov_html **out, size_t max_rows)
{
    *out = wd_calloc(1, sizeof **out);
    if (!*out)
        return WD_ENOMEM;
    (*out)->max_rows = max_rows;
    return WD_OK;
}

void cov_html_free(cov_html *h)
{
    if (!h)
        return;
    wd_buf_free(&h->rows);
    wd_free(h);
}

void cov_html_escape(wd_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': wd_buf_puts(b, "&lt;"); break;
        case '>': wd_buf_puts(b, "&gt;"); break;
        case '&': wd_buf_puts(b, "&amp;"); break;
        case '"': wd_buf_puts(b, "&quot;"); break;
        case '\'': wd_buf_puts(b, "&#39;"); break;
        default: wd_buf_putc(b, s[i]);
        }
    }
}

static void esc(wd_buf *b, const char *s)
{
    cov_html_escape(b, s ? s : "", s ? strlen(s) : 0);
}

static void hit_cell(wd_buf *b, const wd_hit *h, double conf, int snippet)
{
    if (!h) {
        wd_buf_puts(b, "<td class=none>—</td>");
        return;
    }
    wd_buf_printf(b, "<td data-v=\"%.4f\"><div class=q>", conf);
    esc(b, h->question);
    wd_buf_printf(b, "</div><div class=meta>%s · %.2f", h->kind == 1 ? "question only" : "qa",
                  conf);
    wd_buf_puts(b, " · ");
    esc(b, h->id);
    wd_buf_puts(b, "</div>");
    if (snippet) {
        wd_buf_puts(b, "<div class=snip>");
        esc(b, h->snippet);
        wd_buf_puts(b, "</div>");
    }
    wd_buf_puts(b, "</td>");
}

void cov_html_row(cov_html *h, size_t line, const char *q, size_t qlen, const wd_coverage *c)
{
    if (h->nrows >= h->max_rows) {
        h->dropped++;
        return;
    }
    h->nrows++;
    wd_buf *b = &h->rows;
    const char *v = wd_verdict_name(c->verdict);
    wd_buf_printf(b, "<tr class=%s><td data-v=\"%zu\">%zu</td><td>", v, line, line);
    cov_html_escape(b, q, qlen);
    wd_buf_printf(b,
                  "</td><td data-v=\"%d\"><span class=\"tag %s\">%s</span></td>"
                  "<td data-v=\"%.4f\">%.2f</td>",
                  c->verdict, v, v, c->confidence, c->confidence);
    hit_cell(b, c->best, c->best_confidence, 1);
    hit_cell(b, c->runner_up, c->runner_up_confidence, 0);
    wd_buf_puts(b, "</tr>\n");
}

static const char *const COLOR[3] = { "#c0392b", "#e69a17", "#2e8b57" };

static void verdict_chart(wd_buf *b, const cov_summary *s)
{
    /* One stacked bar and a legend. */
    const int W = 560;
    wd_buf_printf(b,
                  "<svg class=chart width=\"%d\" height=\"70\" viewBox=\"0 0 %d 70\" "
                  "role=\"img\" aria-label=\"verdicts\">",
                  W, W);
    double x = 0;
    const int order[3] = { WD_COVERED, WD_PARTIAL, WD_UNCOVERED };
    for (int i = 0; i < 3; i++) {
        int v = order[i];
        double w = s->questions ? (double)W * (double)s->count[v] / (double)s->questions : 0;
        if (w > 0)
            wd_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"28\" fill=\"%s\">"
                          "<title>%s: %zu</title></rect>",
                          x, w, COLOR[v], wd_verdict_name(v), s->count[v]);
        x += w;
        wd_buf_printf(b,
                      "<rect x=\"%d\" y=\"44\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                      "<text x=\"%d\" y=\"55\">%s %zu (%.1f%%)</text>",
                      i * 190, COLOR[v], i * 190 + 17, wd_verdict_name(v), s->count[v],
                      100 * cov_share(s, v));
    }
    wd_buf_puts(b, "</svg>");
}

static void histogram(wd_buf *b, const cov_summary *s)
{
    const int W = 560, H = 150, bw = W / COV_HIST_BINS;
    size_t max = 1;
    for (int i = 0; i < COV_HIST_BINS; i++)
        if (s->hist[i] > max)
            max = s->hist[i];
    wd_buf_printf(b,
                  "<svg class=chart width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                  "role=\"img\" aria-label=\"confidence histogram\">",
                  W, H + 36, W, H + 36);
    for (int i = 0; i < COV_HIST_BINS; i++) {
        double lo = (double)i / COV_HIST_BINS;
        int v = lo >= s->covered_at ? WD_COVERED : lo >= s->partial_at ? WD_PARTIAL : WD_UNCOVERED;
        double h = (double)H * (double)s->hist[i] / (double)max;
        wd_buf_printf(b,
                      "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
                      "<title>%.2f–%.2f: %zu</title></rect>",
                      i * bw + 1, H - h, bw - 2, h, COLOR[v], lo, lo + 1.0 / COV_HIST_BINS,
                      s->hist[i]);
    }
    for (int i = 0; i <= 4; i++)
        wd_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.2f</text>",
                      i * W / 4 == W ? W - 12 : (i == 0 ? 12 : i * W / 4), H + 16, i / 4.0);
    wd_buf_printf(b,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" stroke=\"#333\" "
                  "stroke-dasharray=\"4 3\"/>"
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" stroke=\"#333\" "
                  "stroke-dasharray=\"2 3\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
                  "confidence</text></svg>",
                  s->covered_at * W, s->covered_at * W, H, s->partial_at * W, s->partial_at * W, H,
                  W / 2, H + 32);
}

static const char CSS[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
    "margin:24px;color:#222;background:#fff}h1{font-size:22px;margin:0 0 4px}"
    "h2{font-size:17px;margin:28px 0 8px}.sub{color:#666}.charts{display:flex;gap:40px;"
    "flex-wrap:wrap}.chart text{font-size:12px;fill:#333}table{border-collapse:collapse;"
    "width:100%}th,td{border-bottom:1px solid #e3e3e3;padding:6px 8px;text-align:left;"
    "vertical-align:top}th{background:#f4f4f4;cursor:pointer;user-select:none;position:sticky;"
    "top:0}th:after{content:' \\2195';color:#aaa}.tag{padding:1px 7px;border-radius:9px;"
    "color:#fff;font-size:12px}.tag.covered{background:#2e8b57}.tag.partial{background:#e69a17}"
    ".tag.uncovered{background:#c0392b}.meta{color:#777;font-size:12px}.snip{color:#444;"
    "font-size:12.5px;margin-top:2px}.none{color:#bbb}.note{background:#fff6d8;padding:6px 10px;"
    "border-left:3px solid #e69a17}ol.groups li{margin:6px 0}ol.groups ul{margin:2px 0;"
    "color:#555}"
    /* A phone (390 px): the charts scale down, and each question of the table
     * is a card of its cells, the headers a row of sort buttons above. */
    ".charts>div{min-width:0;max-width:100%}.chart{max-width:100%;height:auto}"
    ".tablewrap{overflow-x:auto;max-width:100%}td,li,.sub{overflow-wrap:anywhere}"
    "@media (max-width:600px){body{margin:12px}.charts{gap:16px}"
    "#questions,#questions tbody,#questions tr,#questions td{display:block;width:auto}"
    "#questions thead tr{display:flex;flex-wrap:wrap;gap:4px}#questions th{position:static;"
    "border:1px solid #e3e3e3;border-radius:4px;padding:2px 6px}"
    "#questions tbody tr{border-bottom:1px solid #ccc;padding:8px 0}"
    "#questions td{border:0;padding:2px 0}}";

static const char JS[] =
    "document.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',"
    "function(){var tb=th.closest('table').tBodies[0];var rows=Array.from(tb.rows);"
    "var asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';rows.sort(function(a,b){"
    "var x=a.cells[i],y=b.cells[i];var u=x.dataset.v,w=y.dataset.v;var r;"
    "if(u!==undefined&&w!==undefined){r=parseFloat(u)-parseFloat(w);}else{"
    "r=x.textContent.localeCompare(y.textContent,'zh');}return asc?r:-r;});"
    "rows.forEach(function(r){tb.appendChild(r);});});});";

int cov_html_write(cov_html *h, const cov_summary *s, FILE *to)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                    "<title>wenda coverage</title><style>");
    wd_buf_puts(&b, CSS);
    wd_buf_puts(&b, "</style></head><body>\n<h1>wenda coverage</h1><div class=sub>");
    wd_buf_printf(&b, "%zu questions", s->questions);
    if (s->index) {
        wd_buf_puts(&b, " against ");
        esc(&b, s->index);
    }
    wd_buf_printf(&b, "; covered at confidence ≥ %.2f, partial ≥ %.2f; %.1f s", s->covered_at,
                  s->partial_at, s->seconds);
    if (s->skipped)
        wd_buf_printf(&b, "; %zu malformed input lines skipped", s->skipped);
    wd_buf_puts(&b, "</div>\n");
    if (s->min_coverage >= 0)
        wd_buf_printf(&b, "<p>Covered share %.1f%%, minimum %.1f%%: <b>%s</b></p>",
                      100 * cov_share(s, WD_COVERED), 100 * s->min_coverage,
                      cov_share(s, WD_COVERED) >= s->min_coverage ? "met" : "not met");
    wd_buf_puts(&b, "<div class=charts><div><h2>Verdicts</h2>");
    verdict_chart(&b, s);
    wd_buf_puts(&b, "</div><div><h2>Confidence</h2>");
    histogram(&b, s);
    wd_buf_puts(&b, "</div></div>\n");
    wd_buf_printf(&b, "<h2>Gaps to write: %zu uncovered questions in %zu groups</h2>\n",
                  s->count[WD_UNCOVERED], s->ngroups);
    if (s->ngroups) {
        wd_buf_puts(&b, "<ol class=groups>");
        for (size_t i = 0; i < s->ngroups; i++) {
            const cov_group *g = &s->groups[i];
            wd_buf_printf(&b, "<li><b>%zu ×</b> ", g->n);
            esc(&b, g->m[0].question);
            if (g->n > 1) {
                wd_buf_puts(&b, "<ul>");
                for (size_t k = 1; k < g->n; k++) {
                    wd_buf_puts(&b, "<li>");
                    esc(&b, g->m[k].question);
                    wd_buf_puts(&b, "</li>");
                }
                wd_buf_puts(&b, "</ul>");
            }
            wd_buf_puts(&b, "</li>\n");
        }
        wd_buf_puts(&b, "</ol>\n");
    }
    wd_buf_puts(&b, "<h2>Questions</h2>\n");
    if (h->dropped)
        wd_buf_printf(&b,
                      "<p class=note>The table shows the first %zu of %zu questions; the "
                      "other %zu are counted in the charts and listed in the gaps above when "
                      "uncovered. Use --format jsonl or tsv for all of them.</p>\n",
                      h->nrows, h->nrows + h->dropped, h->dropped);
    wd_buf_puts(&b,
                "<div class=tablewrap><table id=questions><thead><tr><th>line</th><th>question</th>"
                "<th>verdict</th><th>confidence</th><th>best match</th>"
                "<th>runner-up</th></tr></thead><tbody>\n");
    if (b.oom || h->rows.oom) {
        wd_buf_free(&b);
        return -1;
    }
    int ok = fwrite(b.data, 1, b.len, to) == b.len;
    if (h->rows.len)
        ok &= fwrite(h->rows.data, 1, h->rows.len, to) == h->rows.len;
    wd_buf_reset(&b);
    wd_buf_puts(&b, "</tbody></table></div>\n<script>");
    wd_buf_puts(&b, JS);
    wd_buf_puts(&b, "</script>\n</body></html>\n");
    ok &= !b.oom && fwrite(b.data, 1, b.len, to) == b.len;
    wd_buf_free(&b);
    return ok ? 0 : -1;
}
