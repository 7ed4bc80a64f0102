/*
 * confsets.c - the answer confidence measured on the answer-confidence
 * sets (corpus/qrels/confidence/<base>/{dev,test}.tsv), and the rows its
 * model is fitted on.
 *
 * For each knowledge base (the seed pages, the insurance Q&A, the law
 * corpus) the records are read, the held-out ones (FNV-1a 64 of the id, 0
 * modulo the base's number) are left out, and the rest is indexed; every
 * question of a split is then judged by `wenda coverage`'s check at the
 * default thresholds and scored:
 *
 *   strict accuracy   an answerable question must come out covered (partial
 *                     when every kept record that answers it is of kind
 *                     question), an unanswerable one uncovered
 *   AUC               of the confidence, answerable against unanswerable
 *   reliability       ten bins of equal count: the mean confidence against
 *                     the share of questions whose best record answers them;
 *                     the expected calibration error (ECE) and Brier score
 *   baseline          the best n-gram BM25 score (question and answer, as
 *                     the ngram-qa system) with the single threshold that
 *                     does best on the split itself: an oracle, generous to
 *                     it
 *
 * The same runs, with every candidate's features (wd_search_opts.features),
 * give the rows `wenda-confidence fit` fits the model on (dev splits only).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "confsets.h"
#include "grow.h"
#include "hash.h"
#include "strmap.h"
#include "wenda/coverage.h"
#include "wenda/search.h"

const ev_conf_base_spec ev_conf_bases[EV_CONF_NBASES] = {
    { "seeds", 5 },
    { "insurance", 10 },
    { "law", 20 },
};

/* ---- the questions ----------------------------------------------------------------- */

static void cq_free(ev_conf_q *q)
{
    wd_free(q->text);
    for (size_t i = 0; i < q->nids; i++)
        wd_free(q->ids[i]);
    wd_free(q->ids);
    memset(q, 0, sizeof *q);
}

void ev_conf_set_free(ev_conf_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        cq_free(&s->q[i]);
    wd_free(s->q);
    memset(s, 0, sizeof *s);
}

/* A data file's lines, read once per resolution run. */
typedef struct lines {
    char *data;
    char **line; /* line[k] is line k + 1, NUL-terminated (the newline cut) */
    size_t n, cap;
} lines;

static void lines_free(void *v)
{
    lines *l = v;
    wd_free(l->data);
    wd_free(l->line);
}

static int lines_read(const char *path, lines *l)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return WD_ENOTFOUND;
    wd_buf b = WD_BUF_INIT;
    int rc = wd_buf_read_stream(&b, f);
    fclose(f);
    if (rc != WD_OK) {
        wd_buf_free(&b);
        return rc;
    }
    l->data = wd_buf_detach(&b);
    for (char *p = l->data; p && *p;) {
        char *nl = strchr(p, '\n');
        if (WD_GROW(l->line, l->cap, l->n + 1, 1024) != WD_OK)
            return WD_ENOMEM;
        l->line[l->n++] = p;
        if (!nl)
            break;
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        *nl = '\0';
        p = nl + 1;
    }
    return WD_OK;
}

/* The text a reference `@path:line:field` names, new; NULL with a message
 * in err when it does not resolve. */
static char *resolve(wd_strmap *files, const char *data, const char *ref, wd_error *err)
{
    const char *c1 = strchr(ref + 1, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2) {
        wd_error_set(err, WD_EFORMAT, "eval", "bad reference '%s'", ref);
        return NULL;
    }
    size_t lineno = strtoul(c1 + 1, NULL, 10);
    const char *field = c2 + 1;
    char *rel = wd_strndup(ref + 1, (size_t)(c1 - ref - 1));
    char *path = rel ? ev_path(data, rel) : NULL;
    wd_free(rel);
    if (!path) {
        wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        return NULL;
    }
    int added = 0;
    lines *l = wd_strmap_put(files, path, strlen(path), &added);
    int rc = !l ? WD_ENOMEM : added ? lines_read(path, l) : WD_OK;
    wd_free(path);
    if (rc != WD_OK || !l || lineno < 1 || lineno > l->n) {
        wd_error_set(err, rc == WD_ENOMEM ? WD_ENOMEM : WD_ENOTFOUND, "eval",
                     "reference '%s' does not resolve", ref);
        return NULL;
    }
    const char *text = l->line[lineno - 1];
    size_t len = 0;
    if (!strcmp(field, "q1") || !strcmp(field, "q2")) {
        /* q1[SEP]q2<TAB>label */
        const char *sep = strstr(text, "[SEP]");
        const char *tab = strchr(text, '\t');
        if (!sep || (tab && tab < sep)) {
            wd_error_set(err, WD_EFORMAT, "eval", "reference '%s': not a pair line", ref);
            return NULL;
        }
        if (field[1] == '1') {
            len = (size_t)(sep - text);
        } else {
            text = sep + 5;
            len = tab ? (size_t)(tab - text) : strlen(text);
        }
    } else {
        /* a TSV column named by the header line */
        const char *h = l->line[0];
        int col = 0, found = -1;
        for (const char *p = h;; col++) {
            const char *e = strchr(p, '\t');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n == strlen(field) && !strncmp(p, field, n))
                found = col;
            if (!e || found >= 0)
                break;
            p = e + 1;
        }
        for (int k = 0; found >= 0 && k < found && text; k++) {
            text = strchr(text, '\t');
            if (text)
                text++;
        }
        if (found < 0 || !text) {
            wd_error_set(err, WD_EFORMAT, "eval", "reference '%s': no such column", ref);
            return NULL;
        }
        const char *e = strchr(text, '\t');
        len = e ? (size_t)(e - text) : strlen(text);
    }
    char *out = wd_strndup(text, len);
    if (!out)
        wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    return out;
}

int ev_conf_set_read(const char *path, const char *data, ev_conf_set *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    lines l = { 0 };
    int rc = lines_read(path, &l);
    if (rc != WD_OK) {
        lines_free(&l);
        return wd_error_set(err, rc, "eval", "%s: cannot read", path);
    }
    wd_strmap files = WD_STRMAP_INIT(sizeof(lines));
    for (size_t k = 0; rc == WD_OK && k < l.n; k++) {
        char *line = l.line[k];
        if (!*line || *line == '#')
            continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2) {
            rc = wd_error_set(err, WD_EFORMAT, "eval", "%s:%zu: not question<TAB>answers<TAB>class",
                              path, k + 1);
            break;
        }
        *t1 = *t2 = '\0';
        const char *cls = t2 + 1;
        int c = !strcmp(cls, "in")     ? EV_CONF_IN
                : !strcmp(cls, "near") ? EV_CONF_NEAR
                : !strcmp(cls, "far")  ? EV_CONF_FAR
                                       : -1;
        if (c < 0) {
            rc = wd_error_set(err, WD_EFORMAT, "eval", "%s:%zu: class '%s' is not in, near or far",
                              path, k + 1, cls);
            break;
        }
        if (WD_GROW(out->q, out->cap, out->n + 1, 256) != WD_OK) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        ev_conf_q *q = &out->q[out->n];
        memset(q, 0, sizeof *q);
        q->cls = c;
        q->line = k + 1;
        q->text = line[0] == '@' ? resolve(&files, data, line, err) : wd_strdup(line);
        if (!q->text) {
            rc = err && err->code ? err->code : WD_ENOMEM;
            if (rc == WD_ENOTFOUND)
                out->unresolved = 1;
            break;
        }
        out->n++;
        size_t cap = 0;
        for (char *p = t1 + 1; *p;) {
            size_t n = strcspn(p, ",");
            if (n && (WD_GROW(q->ids, cap, q->nids + 1, 4) != WD_OK ||
                      !(q->ids[q->nids++] = wd_strndup(p, n)))) {
                rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
                break;
            }
            p += n;
            if (*p == ',')
                p++;
        }
    }
    size_t pos = 0;
    void *v;
    while (wd_strmap_next(&files, &pos, NULL, NULL, &v))
        lines_free(v);
    wd_strmap_clear(&files);
    lines_free(&l);
    if (rc != WD_OK)
        ev_conf_set_free(out);
    return rc;
}

/* ---- the knowledge bases ----------------------------------------------------------- */

int ev_conf_held_out(const char *id, unsigned mod)
{
    return mod && wd_hash_bytes(id, strlen(id)) % mod == 0;
}

/* The law corpus as JSON Lines: opts->law_jsonl, $WENDA_LAW_JSONL, or made
 * by tools/lawcorpus into the run's temporary folder. NULL (with a note)
 * when none can be had. */
static char *law_jsonl(ev_ctx *c, wd_error *err)
{
    const char *given =
        c->o->law_jsonl && *c->o->law_jsonl ? c->o->law_jsonl : getenv("WENDA_LAW_JSONL");
    if (given && *given)
        return ev_exists(given) ? wd_strdup(given) : NULL;
    char *root = ev_path(c->o->data_dir, "lawrefbook-laws");
    char *tool = c->o->tools_dir ? ev_path(c->o->tools_dir, "lawcorpus") : NULL;
    char *out = NULL;
    if (root && tool && ev_exists(root) && ev_exists(tool) && ev_tmp(c, err) == WD_OK) {
        out = ev_path(c->tmp, "law.jsonl");
        wd_buf cmd = WD_BUF_INIT;
        wd_buf_printf(&cmd, "python3 '%s' --root '%s' -o '%s'", tool, root, out ? out : "");
        ev_note(c, "confidence: making the law corpus with %s", tool);
        if (!out || cmd.oom || system(cmd.data) != 0 || !ev_exists(out)) {
            wd_free(out);
            out = NULL;
        }
        wd_buf_free(&cmd);
    }
    wd_free(root);
    wd_free(tool);
    return out;
}

/* The records of a base (all of them, held-out ones included). WD_ENOTFOUND
 * (with a note in *note) when its data is absent. */
static int base_records(ev_ctx *c, const char *name, ev_recs *rs, char *note, size_t cap,
                        wd_error *err)
{
    if (!strcmp(name, "seeds")) {
        if (!ev_exists(c->o->seeds_dir)) {
            snprintf(note, cap, "%s absent", c->o->seeds_dir);
            return WD_ENOTFOUND;
        }
        return ev_recs_read_dir(c, rs, c->o->seeds_dir, err);
    }
    if (!strcmp(name, "insurance")) {
        char *p = ev_path(c->o->data_dir, "insurance-zhidao-faq/Insurance_zhidao_test/corpus.txt");
        int rc = !p              ? wd_error_set(err, WD_ENOMEM, "eval", "out of memory")
                 : !ev_exists(p) ? WD_ENOTFOUND
                                 : ev_recs_read_file(c, rs, p, err);
        if (rc == WD_ENOTFOUND)
            snprintf(note, cap, "%s absent", p ? p : "insurance corpus");
        wd_free(p);
        return rc;
    }
    char *p = law_jsonl(c, err);
    if (!p) {
        snprintf(note, cap,
                 "no law corpus (DATA/lawrefbook-laws and python3 tools/lawcorpus, or "
                 "--law FILE / $WENDA_LAW_JSONL)");
        return WD_ENOTFOUND;
    }
    int rc = ev_recs_read_file(c, rs, p, err);
    wd_free(p);
    return rc;
}

/* ---- the runs ------------------------------------------------------------------------ */

void ev_conf_base_free(ev_conf_base *b)
{
    ev_sys_free(b->wenda);
    ev_sys_free(b->ngram);
    wd_strmap_clear(&b->kind);
    memset(b, 0, sizeof *b);
}

int ev_conf_base_open(ev_ctx *c, const ev_conf_base_spec *spec, int baseline, ev_conf_base *b,
                      char *note, size_t cap, wd_error *err)
{
    memset(b, 0, sizeof *b);
    b->spec = spec;
    b->kind = (wd_strmap)WD_STRMAP_INIT(sizeof(int));
    ev_recs all = { 0 }, kept = { 0 };
    int rc = base_records(c, spec->name, &all, note, cap, err);
    for (size_t i = 0; rc == WD_OK && i < all.n; i++) {
        const ev_rec *r = &all.r[i];
        if (ev_conf_held_out(r->id, spec->mod)) {
            b->held_out++;
            continue;
        }
        int *k = wd_strmap_put(&b->kind, r->id, strlen(r->id), NULL);
        if (!k || WD_GROW(kept.r, kept.cap, kept.n + 1, 256) != WD_OK) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            break;
        }
        *k = r->kind + 1;      /* 0 means absent */
        kept.r[kept.n++] = *r; /* borrowed from all */
    }
    b->records = kept.n;
    double s = 0;
    if (rc == WD_OK) {
        ev_note(c, "confidence: %s: indexing %zu records (%zu held out)", spec->name, kept.n,
                b->held_out);
        rc = ev_sys_build(&b->wenda, c, WD_EVAL_SYS_WENDA, spec->name, &kept, &s, err);
    }
    if (rc == WD_OK && baseline)
        rc = ev_sys_build(&b->ngram, c, WD_EVAL_SYS_NGRAM_QA, spec->name, &kept, &s, err);
    wd_free(kept.r); /* the records themselves belong to all */
    ev_recs_free(&all);
    if (rc != WD_OK)
        ev_conf_base_free(b);
    return rc;
}

/* The kind (WD_KIND_*) of a kept record, or -1 when it is not in the index. */
static int kept_kind(const ev_conf_base *b, const char *id)
{
    const int *k = wd_strmap_get(&b->kind, id, strlen(id));
    return k && *k ? *k - 1 : -1;
}

int ev_conf_expected(const ev_conf_base *b, const ev_conf_q *q)
{
    int any = 0, qa = 0;
    for (size_t i = 0; i < q->nids; i++) {
        int k = kept_kind(b, q->ids[i]);
        any |= k >= 0;
        qa |= k == WD_KIND_QA;
    }
    return !any ? WD_UNCOVERED : qa ? WD_COVERED : WD_PARTIAL;
}

int ev_conf_answers(const ev_conf_q *q, const char *id)
{
    for (size_t i = 0; i < q->nids; i++)
        if (!strcmp(q->ids[i], id))
            return 1;
    return 0;
}

int ev_conf_candidates(ev_conf_base *b, const char *question, uint32_t k, wd_results **out,
                       wd_error *err)
{
    wd_search_opts so = WD_SEARCH_OPTS_INIT;
    so.n = k;
    so.features = 1;
    so.snippets = 1;
    return wd_search(ev_sys_searcher(b->wenda), question, strlen(question), &so, out, err);
}

/* ---- metrics --------------------------------------------------------------------------- */

typedef struct scored {
    double p; /* the score */
    int y;    /* the label */
} scored;

static int by_p(const void *a, const void *b)
{
    double x = ((const scored *)a)->p, y = ((const scored *)b)->p;
    return x < y ? -1 : x > y;
}

/* ROC AUC (ties count half). */
static double auc(scored *s, size_t n)
{
    qsort(s, n, sizeof *s, by_p);
    double pos = 0, neg = 0, sum = 0;
    for (size_t i = 0; i < n; i++)
        s[i].y ? pos++ : neg++;
    if (!pos || !neg)
        return 0;
    /* rank-sum with average ranks for ties */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j].p == s[i].p)
            j++;
        double rank = (double)(i + j + 1) / 2.0; /* 1-based average */
        for (size_t k = i; k < j; k++)
            if (s[k].y)
                sum += rank;
        i = j;
    }
    return (sum - pos * (pos + 1) / 2) / (pos * neg);
}

/* The best accuracy of one threshold (answerable at or above it). */
static double best_threshold(scored *s, size_t n, double *at)
{
    qsort(s, n, sizeof *s, by_p);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += s[i].y != 0;
    /* threshold below s[i]: everything from i up is answerable */
    size_t right = pos, best = right; /* threshold below everything */
    *at = n ? s[0].p : 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j].p == s[i].p)
            j++;
        for (size_t k = i; k < j; k++)
            right += s[k].y ? -1 : 1; /* these become unanswerable */
        if (right > best) {
            best = right;
            *at = j < n ? s[j].p : s[j - 1].p + 1;
        }
        i = j;
    }
    return n ? (double)best / (double)n : 0;
}

static void reliability(scored *s, size_t n, wd_eval_conf_split *o)
{
    qsort(s, n, sizeof *s, by_p);
    double ece = 0, brier = 0;
    for (size_t i = 0; i < n; i++)
        brier += (s[i].p - s[i].y) * (s[i].p - s[i].y);
    for (int b = 0; b < WD_EVAL_CONF_BINS; b++) {
        size_t lo = n * (size_t)b / WD_EVAL_CONF_BINS, hi = n * (size_t)(b + 1) / WD_EVAL_CONF_BINS;
        double p = 0, y = 0;
        for (size_t i = lo; i < hi; i++) {
            p += s[i].p;
            y += s[i].y;
        }
        o->bin_n[b] = hi - lo;
        o->bin_pred[b] = hi > lo ? p / (double)(hi - lo) : 0;
        o->bin_obs[b] = hi > lo ? y / (double)(hi - lo) : 0;
        ece += (double)(hi - lo) * fabs(o->bin_pred[b] - o->bin_obs[b]);
    }
    o->ece = n ? ece / (double)n : 0;
    o->brier = n ? brier / (double)n : 0;
}

int ev_conf_score_split(ev_ctx *c, ev_conf_base *b, const ev_conf_set *set, wd_eval_conf_split *o,
                        wd_error *err)
{
    size_t n = set->n;
    scored *ans = wd_calloc(n ? n : 1, sizeof *ans), *cal = wd_calloc(n ? n : 1, sizeof *cal),
           *base = wd_calloc(n ? n : 1, sizeof *base);
    int rc = ans && cal && base ? WD_OK : wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    size_t right = 0, right_a = 0, right_u = 0;
    double t0 = ev_now_ms();
    for (size_t i = 0; rc == WD_OK && i < n; i++) {
        const ev_conf_q *q = &set->q[i];
        int want = ev_conf_expected(b, q);
        wd_coverage cv;
        wd_coverage_opts co = WD_COVERAGE_OPTS_INIT;
        rc = wd_coverage_check(ev_sys_searcher(b->wenda), q->text, strlen(q->text), &co, &cv, err);
        if (rc != WD_OK)
            break;
        int ok = cv.verdict == want;
        right += ok;
        if (want != WD_UNCOVERED) {
            o->answerable++;
            right_a += ok;
        } else {
            o->unanswerable++;
            right_u += ok;
            o->near += q->cls != EV_CONF_FAR;
            o->far += q->cls == EV_CONF_FAR;
        }
        ans[i] = (scored){ cv.confidence, want != WD_UNCOVERED };
        cal[i] = (scored){ cv.confidence, cv.best && ev_conf_answers(q, cv.best->id) };
        wd_coverage_clear(&cv);
        if (b->ngram) {
            ev_hits h;
            rc = ev_sys_ask(b->ngram, q->text, &h, err);
            base[i] = (scored){ h.n ? h.score[0] : 0, want != WD_UNCOVERED };
            ev_hits_clear(&h);
        }
    }
    if (rc == WD_OK) {
        o->ran = 1;
        o->questions = n;
        o->query_ms = n ? (ev_now_ms() - t0) / (double)n : 0;
        o->accuracy = n ? (double)right / (double)n : 0;
        o->answered_covered = o->answerable ? (double)right_a / (double)o->answerable : 0;
        o->unanswered_uncovered = o->unanswerable ? (double)right_u / (double)o->unanswerable : 0;
        o->auc = auc(ans, n);
        reliability(cal, n, o);
        if (b->ngram) {
            o->base_auc = auc(base, n);
            o->base_accuracy = best_threshold(base, n, &o->base_threshold);
        }
    }
    (void)c;
    wd_free(ans);
    wd_free(cal);
    wd_free(base);
    return rc;
}

/* ---- the part ------------------------------------------------------------------------- */

int ev_run_confidence(ev_ctx *c, wd_eval_confidence *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    wd_calibration builtin;
    wd_calibration_builtin(&builtin);
    out->covered_at = builtin.covered_at;
    out->partial_at = builtin.partial_at;
    char *dir = ev_path(c->o->qrels_dir, "confidence");
    if (!dir)
        return wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    int rc = WD_OK;
    static const char *const splits[2] = { "dev", "test" };
    for (int k = 0; rc == WD_OK && k < EV_CONF_NBASES; k++) {
        const ev_conf_base_spec *spec = &ev_conf_bases[k];
        wd_eval_conf_base *ob = &out->base[k];
        snprintf(ob->name, sizeof ob->name, "%s", spec->name);
        ev_conf_set sets[2] = { { 0 } };
        for (int s = 0; rc == WD_OK && s < 2; s++) {
            char rel[64];
            snprintf(rel, sizeof rel, "%s/%s.tsv", spec->name, splits[s]);
            char *p = ev_path(dir, rel);
            if (!p) {
                rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
                break;
            }
            snprintf(ob->split[s].name, sizeof ob->split[s].name, "%s", splits[s]);
            if (!ev_exists(p)) {
                snprintf(ob->note, sizeof ob->note, "%s absent", p);
            } else {
                wd_error e2;
                wd_error_clear(&e2);
                int r = ev_conf_set_read(p, c->o->data_dir, &sets[s], &e2);
                if (r == WD_ENOMEM)
                    rc = wd_error_set(err, r, "eval", "out of memory");
                else if (r != WD_OK && sets[s].unresolved)
                    snprintf(ob->note, sizeof ob->note, "%.400s", e2.message);
                else if (r != WD_OK)
                    rc = (*err = e2, r);
            }
            wd_free(p);
        }
        if (rc == WD_OK && (sets[0].n || sets[1].n)) {
            ev_conf_base b;
            char note[WD_EVAL_NOTE_MAX] = "";
            int r = ev_conf_base_open(c, spec, 1, &b, note, sizeof note, err);
            if (r == WD_ENOTFOUND) {
                snprintf(ob->note, sizeof ob->note, "%s", note);
                wd_error_clear(err);
            } else if (r != WD_OK) {
                rc = r;
            } else {
                ob->ran = 1;
                ob->records = b.records;
                ob->held_out = b.held_out;
                for (int s = 0; rc == WD_OK && s < 2; s++) {
                    if (!sets[s].n)
                        continue;
                    ev_note(c, "confidence: %s: %zu %s questions", spec->name, sets[s].n,
                            splits[s]);
                    rc = ev_conf_score_split(c, &b, &sets[s], &ob->split[s], err);
                }
                ev_conf_base_free(&b);
            }
        }
        if (!ob->ran && ob->note[0])
            ev_note(c, "confidence: %s skipped (%s)", spec->name, ob->note);
        out->ran |= ob->ran;
        ev_conf_set_free(&sets[0]);
        ev_conf_set_free(&sets[1]);
    }
    wd_free(dir);
    return rc;
}

/* ---- the tools that fit models on these sets --------------------------------------- */

void ev_conf_tool_init(ev_conf_tool *t, const char *source_dir, const char *out,
                       wd_eval_note_fn on_note)
{
    memset(t, 0, sizeof *t);
    static const char *const rel[4] = { "../shared/data", "corpus/seeds", "corpus/qrels", "tools" };
    for (int k = 0; k < 4; k++)
        snprintf(t->paths[k], sizeof t->paths[k], "%s/%s", source_dir, rel[k]);
    t->o.data_dir = getenv("WENDA_DATA") ? getenv("WENDA_DATA") : t->paths[0];
    t->o.seeds_dir = t->paths[1];
    t->o.qrels_dir = t->paths[2];
    t->o.note = on_note;
    t->o.tools_dir = t->paths[3];
    t->bases = "seeds,insurance,law";
    t->out = out;
    t->l2 = 1.0;
}

int ev_conf_tool_opt(ev_conf_tool *t, int argc, char **argv, int *i)
{
    static const char *const names[] = { "-o",    "--data", "--qrels", "--seeds",
                                         "--law", "--tmp",  "--bases", "--l2" };
    const char **dst[] = { &t->out,         &t->o.data_dir, &t->o.qrels_dir, &t->o.seeds_dir,
                           &t->o.law_jsonl, &t->o.tmp_dir,  &t->bases,       NULL };
    if (*i + 1 >= argc)
        return 0;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        if (strcmp(argv[*i], names[k]) != 0)
            continue;
        const char *v = argv[++*i];
        if (dst[k])
            *dst[k] = v;
        else
            t->l2 = atof(v);
        return 1;
    }
    return 0;
}

int ev_conf_tool_start(ev_conf_tool *t, wd_dict **dict, ev_ctx *c, wd_error *err)
{
    for (int b = 0; b < EV_CONF_NBASES; b++)
        t->use[b] = strstr(t->bases, ev_conf_bases[b].name) != NULL;
    int rc = wd_dict_load(dict, NULL, err);
    if (rc != WD_OK)
        return rc;
    *c = (ev_ctx){ &t->o, *dict, NULL, 0 };
    return WD_OK;
}

void ev_conf_tool_end(ev_ctx *c, wd_dict *dict)
{
    if (c->tmp) {
        ev_rmtree(c->tmp);
        wd_free(c->tmp);
        c->tmp = NULL;
    }
    wd_dict_free(dict);
}

int ev_conf_open_split(ev_ctx *c, int bi, const char *split, ev_conf_set *set, ev_conf_base *b,
                       int *open, wd_error *err)
{
    const ev_conf_base_spec *spec = &ev_conf_bases[bi];
    *open = 0;
    memset(set, 0, sizeof *set);
    char rel[96];
    snprintf(rel, sizeof rel, "confidence/%s/%s.tsv", spec->name, split);
    char *path = ev_path(c->o->qrels_dir, rel);
    int rc = path ? ev_conf_set_read(path, c->o->data_dir, set, err)
                  : wd_error_set(err, WD_ENOMEM, "confidence", "out of memory");
    wd_free(path);
    if (rc != WD_OK)
        return rc;
    char note[WD_EVAL_NOTE_MAX] = "";
    rc = ev_conf_base_open(c, spec, 0, b, note, sizeof note, err);
    if (rc == WD_ENOTFOUND) {
        ev_note(c, "%s skipped: %s", spec->name, note);
        ev_conf_set_free(set);
        wd_error_clear(err);
        return WD_OK;
    }
    if (rc != WD_OK) {
        ev_conf_set_free(set);
        return rc;
    }
    *open = 1;
    return WD_OK;
}
