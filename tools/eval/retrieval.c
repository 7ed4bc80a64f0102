/*
 * retrieval.c - the retrieval part of `wenda eval`: the insurance corpus
 * indexed by every system, its paraphrased test questions asked.
 *
 * The gold records of a test question are the corpus records whose answer
 * is byte-identical to the test answer (any one of them counts as the hit);
 * its rank is the first such record among the top 10. The development
 * split (for tuning; see eval.h) is asked against the same index, with the
 * same metrics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "grow.h"
#include "metrics.h"

#define RETRIEVAL_DIR "insurance-zhidao-faq/Insurance_zhidao_test"
#define RETRIEVAL_DEV "insurance-zhidao-faq/insurance_zhidao_rank/dev.txt"

/* One set of questions asked against the retrieval index: each question
 * with the corpus records that count as its answer, and per system the rank
 * of the first of them in the top 10 (0 = not there). */
typedef struct qset {
    char **q; /* new */
    size_t **gold;
    size_t *ngold;
    size_t n, cap;
    uint32_t *ranks[WD_EVAL_NSYS];
    int oom;
} qset;

static void qset_free(qset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        wd_free(s->q[i]);
        wd_free(s->gold[i]);
    }
    wd_free(s->q);
    wd_free(s->gold);
    wd_free(s->ngold);
    for (size_t k = 0; k < WD_EVAL_NSYS; k++)
        wd_free(s->ranks[k]);
    memset(s, 0, sizeof *s);
}

/* Add a question whose gold records are those whose answer is `answer`;
 * returns the number of gold records found (0 is recorded as a miss). */
static size_t qset_add(qset *s, const ev_recs *kb, const char *question, const char *answer)
{
    if (s->oom)
        return 0;
    /* q, gold and ngold share cap (parallel arrays, see grow.h). */
    size_t cap = s->cap, cap_g = s->cap, cap_ng = s->cap;
    if (WD_GROW(s->q, cap, s->n + 1, 128) != WD_OK ||
        WD_GROW(s->gold, cap_g, s->n + 1, 128) != WD_OK ||
        WD_GROW(s->ngold, cap_ng, s->n + 1, 128) != WD_OK) {
        s->oom = 1;
        return 0;
    }
    s->cap = cap;
    size_t i = s->n;
    s->q[i] = wd_strdup(question);
    s->gold[i] = NULL;
    s->ngold[i] = 0;
    if (!s->q[i]) {
        s->oom = 1;
        return 0;
    }
    s->n++;
    size_t gcap = 0;
    for (size_t j = 0; j < kb->n; j++) {
        if (strcmp(kb->r[j].answer, answer) != 0)
            continue;
        if (WD_GROW(s->gold[i], gcap, s->ngold[i] + 1, 1) != WD_OK) {
            s->oom = 1;
            return 0;
        }
        s->gold[i][s->ngold[i]++] = j;
    }
    return s->ngold[i];
}

static int qset_alloc_ranks(qset *s)
{
    for (size_t k = 0; k < WD_EVAL_NSYS; k++)
        if (!(s->ranks[k] = wd_calloc(s->n ? s->n : 1, sizeof *s->ranks[k])))
            return WD_ENOMEM;
    return WD_OK;
}

/* The corpus record whose question is q (the first), or -1. */
static long find_question(const ev_recs *kb, const char *q)
{
    for (size_t j = 0; j < kb->n; j++)
        if (strcmp(kb->r[j].question, q) == 0)
            return (long)j;
    return -1;
}

/* The development questions: label-1 pairs "q1[SEP]q2<TAB>1" of which
 * exactly one side is a corpus question; the other side is asked. */
static int read_dev_pairs(ev_ctx *c, const char *path, const ev_recs *kb, const ev_recs *test,
                          qset *dev, size_t *excluded, wd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return wd_error_set(err, WD_EIO, "eval", "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *tab = strrchr(line, '\t');
        char *sep = strstr(line, "[SEP]");
        if (!tab || !sep || sep > tab) {
            ev_note(c, "retrieval: %s:%zu: not 'q1[SEP]q2<TAB>label'; skipped", path, lineno);
            continue;
        }
        if (strcmp(tab + 1, "1") != 0)
            continue;
        *tab = '\0';
        *sep = '\0';
        const char *a = line, *b = sep + 5;
        long ia = find_question(kb, a), ib = find_question(kb, b);
        if ((ia >= 0) == (ib >= 0)) {
            (*excluded)++;
            continue;
        }
        const char *asked = ia >= 0 ? b : a;
        long known = ia >= 0 ? ia : ib;
        if (find_question(test, asked) >= 0) {
            (*excluded)++;
            continue;
        }
        qset_add(dev, kb, asked, kb->r[known].answer);
    }
    int bad = ferror(f);
    free(line);
    fclose(f);
    if (bad)
        return wd_error_set(err, WD_EIO, "eval", "%s: read error", path);
    return dev->oom ? wd_error_set(err, WD_ENOMEM, "eval", "out of memory") : WD_OK;
}

static int qset_ask(ev_sys *sys, int s, const ev_recs *kb, qset *qs, double *ms, wd_error *err)
{
    int rc = WD_OK;
    double t0 = ev_now_ms();
    for (size_t i = 0; rc == WD_OK && i < qs->n; i++) {
        ev_hits h;
        rc = ev_sys_ask(sys, qs->q[i], &h, err);
        for (size_t k = 0; rc == WD_OK && k < h.n && !qs->ranks[s][i]; k++)
            for (size_t g = 0; g < qs->ngold[i]; g++)
                if (strcmp(h.id[k], kb->r[qs->gold[i][g]].id) == 0) {
                    qs->ranks[s][i] = (uint32_t)(k + 1);
                    break;
                }
        ev_hits_clear(&h);
    }
    if (ms)
        *ms = qs->n ? (ev_now_ms() - t0) / (double)qs->n : 0;
    return rc;
}

static void rank_scores(wd_eval_rank_scores *r, const uint32_t *ranks, size_t n)
{
    r->r1 = wd_metric_recall_at(ranks, n, 1);
    r->r3 = wd_metric_recall_at(ranks, n, 3);
    r->r10 = wd_metric_recall_at(ranks, n, 10);
    r->mrr10 = wd_metric_mrr_at(ranks, n, 10);
}

int ev_run_retrieval(ev_ctx *c, wd_eval_retrieval *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    char *corpus = ev_path(c->o->data_dir, RETRIEVAL_DIR "/corpus.txt");
    char *test = ev_path(c->o->data_dir, RETRIEVAL_DIR "/test.txt");
    char *devpath = ev_path(c->o->data_dir, RETRIEVAL_DEV);
    const char *need[] = { corpus, test };
    ev_recs kb = { 0 }, qs = { 0 };
    qset tq = { 0 }, dq = { 0 };
    int rc = WD_OK;
    if (!corpus || !test || !devpath) {
        rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        goto done;
    }
    if (ev_missing(out->note, sizeof out->note, need, 2)) {
        ev_note(c, "retrieval: skipped (%s)", out->note);
        goto done;
    }
    rc = ev_recs_read_file(c, &kb, corpus, err);
    if (rc == WD_OK)
        rc = ev_recs_read_file(c, &qs, test, err);
    if (rc != WD_OK)
        goto done;
    out->corpus_records = kb.n;
    out->questions = qs.n;
    /* Gold: every corpus record whose answer is the test answer, byte for byte. */
    for (size_t i = 0; i < qs.n; i++)
        if (qset_add(&tq, &kb, qs.r[i].question, qs.r[i].answer) == 0)
            out->questions_without_gold++;
    if (tq.oom || qset_alloc_ranks(&tq) != WD_OK) {
        rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        goto done;
    }
    if (out->questions_without_gold)
        ev_note(c, "retrieval: %zu test answers match no corpus record; they count as misses",
                out->questions_without_gold);
    const char *dneed[] = { devpath };
    if (!ev_missing(out->dev_note, sizeof out->dev_note, dneed, 1)) {
        rc = read_dev_pairs(c, devpath, &kb, &qs, &dq, &out->dev_excluded, err);
        if (rc == WD_OK && qset_alloc_ranks(&dq) != WD_OK)
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
        if (rc != WD_OK)
            goto done;
        out->dev_questions = dq.n;
    } else {
        ev_note(c, "retrieval: development split skipped (%s)", out->dev_note);
    }
    for (int s = 0; rc == WD_OK && s < WD_EVAL_NSYS; s++) {
        ev_sys *sys = NULL;
        rc = ev_sys_build(&sys, c, s, "retrieval", &kb, &out->sys[s].index_s, err);
        if (rc == WD_OK)
            rc = qset_ask(sys, s, &kb, &tq, &out->sys[s].query_ms, err);
        if (rc == WD_OK && dq.n)
            rc = qset_ask(sys, s, &kb, &dq, &out->dev[s].query_ms, err);
        ev_sys_free(sys);
        rank_scores(&out->sys[s], tq.ranks[s], tq.n);
        if (dq.n) {
            rank_scores(&out->dev[s], dq.ranks[s], dq.n);
            out->dev[s].index_s = out->sys[s].index_s;
        }
    }
    if (rc == WD_OK) {
        out->ran = 1;
        out->dev_ran = dq.n > 0;
    }
done:
    qset_free(&tq);
    qset_free(&dq);
    ev_recs_free(&kb);
    ev_recs_free(&qs);
    wd_free(corpus);
    wd_free(test);
    wd_free(devpath);
    return rc;
}
