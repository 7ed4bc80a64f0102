/*
 * eval.c - the runner of `wenda eval`: makes the temporary directory, runs
 * the parts asked for (retrieval and domain here, segmentation in
 * segment.c), and removes what it made. Each part first checks that its
 * data is present and otherwise records a note and returns: a missing data
 * set is not an error. Every figure goes through metrics.h, for every
 * system alike.
 *
 * Retrieval: the gold records of a test question are the corpus records
 * whose answer is byte-identical to the test answer (any one of them counts
 * as the hit); its rank is the first such record among the top 10. The
 * development split (for tuning; see eval.h) is asked against the same
 * index, with the same metrics.
 *
 * Domain: grades come from the qrels; "answerable" = at least one judged
 * record with grade >= 1. nDCG@5 (gains 2^g - 1, log2 discount, ideal from
 * the judged list) averages over the answerable questions. MRR@10, P@1 and
 * R@5 count grade-2 records (answers) only and average over the questions
 * that have one. The unanswerable questions are reported by the score of
 * their top hit (and the share with no hit), next to the same figure for
 * the answerable ones: calibrating a confidence bar is a later issue.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "eval_internal.h"
#include "grow.h"
#include "metrics.h"
#include "qrels.h"
#include "wenda/buf.h"

/* ---- names ------------------------------------------------------------------------ */

const char *wd_eval_system_name(int sys)
{
    switch (sys) {
    case WD_EVAL_SYS_WENDA: return "wenda";
    case WD_EVAL_SYS_ICU: return "icu";
    case WD_EVAL_SYS_NGRAM_Q: return "ngram-q";
    case WD_EVAL_SYS_NGRAM_QA: return "ngram-qa";
    default: return "unknown";
    }
}

const char *wd_eval_system_about(int sys)
{
    switch (sys) {
    case WD_EVAL_SYS_WENDA: return "wenda as shipped: ICU words merged by the dictionary layer";
    case WD_EVAL_SYS_ICU:
        return "wenda's indexer and searcher with the dictionary layer off (ICU words only)";
    case WD_EVAL_SYS_NGRAM_Q:
        return "Xapian CJK n-grams of the question; query n-grams OR-ed; BM25 defaults";
    case WD_EVAL_SYS_NGRAM_QA: return "the same over the question (wdf x2) plus the answer";
    default: return "";
    }
}

unsigned wd_eval_parts_from_names(const char *s)
{
    unsigned parts = 0;
    if (!s || !*s)
        return 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 9 && strncmp(s, "retrieval", n) == 0)
            parts |= WD_EVAL_RETRIEVAL;
        else if (n == 6 && strncmp(s, "domain", n) == 0)
            parts |= WD_EVAL_DOMAIN;
        else if (n == 12 && strncmp(s, "segmentation", n) == 0)
            parts |= WD_EVAL_SEGMENTATION;
        else if (n == 5 && strncmp(s, "pairs", n) == 0)
            parts |= WD_EVAL_PAIRS;
        else if (n == 10 && strncmp(s, "confidence", n) == 0)
            parts |= WD_EVAL_CONFIDENCE;
        else if (n == 3 && strncmp(s, "all", n) == 0)
            parts |= WD_EVAL_ALL;
        else
            return 0;
        s += n;
        if (*s == ',')
            s++;
    }
    return parts;
}

/* ---- helpers ----------------------------------------------------------------------- */

void ev_note(ev_ctx *c, const char *fmt, ...)
{
    if (!c->o->note)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->o->note(c->o->note_ctx, msg);
}

char *ev_path(const char *dir, const char *rel)
{
    wd_buf b = WD_BUF_INIT;
    wd_buf_printf(&b, "%s/%s", dir, rel);
    if (b.oom) {
        wd_buf_free(&b);
        return NULL;
    }
    return wd_buf_detach(&b);
}

int ev_exists(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0;
}

double ev_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void ev_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char *p = ev_path(path, e->d_name);
                if (p)
                    ev_rmtree(p);
                wd_free(p);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

int ev_tmp(ev_ctx *c, wd_error *err)
{
    if (c->tmp)
        return WD_OK;
    const char *parent = c->o->tmp_dir;
    if (!parent || !*parent)
        parent = getenv("TMPDIR");
    if (!parent || !*parent)
        parent = "/tmp";
    char *t = ev_path(parent, "wenda-eval-XXXXXX");
    if (!t)
        return wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
    if (!mkdtemp(t)) {
        int e = errno;
        wd_free(t);
        return wd_error_set(err, WD_EIO, "eval", "%s: cannot make a temporary folder: %s", parent,
                            strerror(e));
    }
    c->tmp = t;
    return WD_OK;
}

/* "missing: A, B" for the paths that do not exist; returns how many. */
static int missing(char *note, size_t cap, const char *const *paths, size_t n)
{
    int k = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev_exists(paths[i]))
            continue;
        k++;
        if (used + 1 >= cap)
            continue; /* the note is full; the count goes on */
        int w = snprintf(note + used, cap - used, "%s%s",
                         k > 1 ? ", " : "missing: ", paths[i] ? paths[i] : "(out of memory)");
        if (w > 0)
            used += (size_t)w < cap - used ? (size_t)w : cap - used - 1;
    }
    return k;
}

/* ---- retrieval ---------------------------------------------------------------------- */

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
    if (missing(out->note, sizeof out->note, need, 2)) {
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
    if (!missing(out->dev_note, sizeof out->dev_note, dneed, 1)) {
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

/* ---- domain -------------------------------------------------------------------------- */

struct qrels_diag {
    ev_ctx *c;
};

static void on_qrels_diag(void *ctx, const char *file, size_t line, const char *message)
{
    (void)file;
    (void)line;
    struct qrels_diag *d = ctx;
    ev_note(d->c, "%s", message);
}

/* The kind of the corpus record with this id, or -1 when there is none. */
static int kind_of(const ev_recs *kb, const char *id)
{
    for (size_t i = 0; i < kb->n; i++)
        if (strcmp(kb->r[i].id, id) == 0)
            return kb->r[i].kind;
    return -1;
}

static int in_corpus(const ev_recs *kb, const char *id)
{
    return kind_of(kb, id) >= 0;
}

/* Score one split of qrels with the systems built over the seed corpus. */
/* The verdict each judged question should get (see wd_eval_cov_scores), or
 * -1 when it is not scored. */
static int expected_verdict(const ev_recs *kb, const wd_qrel *q)
{
    int related = 0, answered = 0, qa = 0;
    for (size_t j = 0; j < q->n_judged; j++) {
        if (q->judged[j].grade >= 1)
            related = 1;
        int kind = kind_of(kb, q->judged[j].id);
        if (q->judged[j].grade >= 2 && kind >= 0) {
            answered = 1;
            qa |= kind == WD_KIND_QA;
        }
    }
    if (!related)
        return WD_UNCOVERED;
    if (!answered)
        return -1; /* only related records, or answers not in the corpus */
    return qa ? WD_COVERED : WD_PARTIAL;
}

static int score_coverage(ev_ctx *c, ev_sys *sys, const ev_recs *kb, const wd_qrels *qr,
                          wd_eval_cov_scores *out, wd_error *err)
{
    size_t answered = 0, answered_right = 0, unanswered = 0, unanswered_right = 0;
    int rc = WD_OK;
    for (size_t i = 0; rc == WD_OK && i < qr->n; i++) {
        int want = expected_verdict(kb, &qr->q[i]);
        if (want < 0)
            continue;
        int got = WD_UNCOVERED;
        rc = ev_sys_coverage(sys, c, qr->q[i].question, &got, err);
        if (rc != WD_OK)
            break;
        if (want == WD_UNCOVERED) {
            unanswered++;
            unanswered_right += got == want;
        } else {
            answered++;
            answered_right += got == want;
        }
    }
    out->scored = answered + unanswered;
    out->right = answered_right + unanswered_right;
    out->accuracy = out->scored ? (double)out->right / (double)out->scored : 0;
    out->answered_covered = answered ? (double)answered_right / (double)answered : 0;
    out->unanswered_uncovered = unanswered ? (double)unanswered_right / (double)unanswered : 0;
    return rc;
}

static int run_split(ev_ctx *c, ev_sys *const *sys, const ev_recs *kb, const char *path,
                     wd_eval_split *out, wd_error *err)
{
    wd_qrels *qr = NULL;
    struct qrels_diag d = { c };
    int rc = wd_qrels_read_file(&qr, path, on_qrels_diag, &d, err);
    if (rc != WD_OK)
        return rc;
    out->questions = qr->n;
    out->bad_lines = qr->bad_lines;
    int *judged = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < qr->n; i++) {
        const wd_qrel *q = &qr->q[i];
        for (size_t j = 0; j < q->n_judged; j++)
            if (!in_corpus(kb, q->judged[j].id)) {
                out->unknown_ids++;
                ev_note(c, "%s:%zu: record '%s' is not in the corpus", path, q->line,
                        q->judged[j].id);
            }
    }
    for (int s = 0; rc == WD_OK && s < WD_EVAL_NSYS; s++) {
        wd_eval_graded_scores *g = &out->sys[s];
        size_t answerable = 0, with_answer = 0, unanswerable = 0, nohit = 0;
        double t0 = ev_now_ms();
        for (size_t i = 0; rc == WD_OK && i < qr->n; i++) {
            const wd_qrel *q = &qr->q[i];
            if (WD_GROW(judged, cap, q->n_judged, 1) != WD_OK) {
                rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
                break;
            }
            for (size_t j = 0; j < q->n_judged; j++)
                judged[j] = q->judged[j].grade;
            ev_hits h;
            rc = ev_sys_ask(sys[s], q->question, &h, err);
            if (rc != WD_OK)
                break;
            int grades[EV_K];
            for (size_t k = 0; k < h.n; k++)
                grades[k] = wd_qrel_grade(q, h.id[k]);
            double top = h.n ? h.score[0] : 0.0;
            size_t relevant = wd_metric_count_graded(judged, q->n_judged, 1);
            size_t answers = wd_metric_count_graded(judged, q->n_judged, 2);
            if (relevant == 0) {
                unanswerable++;
                g->unanswerable_top_score += top;
                nohit += h.n == 0;
            } else {
                answerable++;
                g->answerable_top_score += top;
                g->ndcg5 += wd_metric_ndcg_at(grades, h.n, judged, q->n_judged, 5);
                if (answers) {
                    with_answer++;
                    g->mrr10 += wd_metric_rr_at(grades, h.n, 2, 10);
                    g->p1 += wd_metric_precision_at(grades, h.n, 2, 1);
                    g->r5 += wd_metric_recall_graded_at(grades, h.n, 2, answers, 5);
                }
            }
            ev_hits_clear(&h);
        }
        if (rc != WD_OK)
            break;
        if (qr->n)
            g->query_ms = (ev_now_ms() - t0) / (double)qr->n;
        if (s < WD_EVAL_NSEGSYS)
            rc = score_coverage(c, sys[s], kb, qr, &out->cov[s], err);
        if (answerable) {
            g->ndcg5 /= (double)answerable;
            g->answerable_top_score /= (double)answerable;
        }
        if (with_answer) {
            g->mrr10 /= (double)with_answer;
            g->p1 /= (double)with_answer;
            g->r5 /= (double)with_answer;
        }
        if (unanswerable) {
            g->unanswerable_top_score /= (double)unanswerable;
            g->unanswerable_no_hit = (double)nohit / (double)unanswerable;
        }
        out->answerable = answerable;
        out->with_answer = with_answer;
        out->unanswerable = unanswerable;
    }
    wd_free(judged);
    wd_qrels_free(qr);
    if (rc == WD_OK)
        out->ran = 1;
    return rc;
}

int ev_run_domain(ev_ctx *c, wd_eval_domain *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    static const char *const splits[2] = { "dev", "test" };
    char *qpath[2] = { NULL, NULL };
    ev_sys *sys[WD_EVAL_NSYS] = { 0 };
    ev_recs kb = { 0 };
    int rc = WD_OK, any = 0;
    for (int i = 0; i < 2; i++) {
        snprintf(out->split[i].name, sizeof out->split[i].name, "%s", splits[i]);
        wd_buf b = WD_BUF_INIT;
        wd_buf_printf(&b, "%s.tsv", splits[i]);
        qpath[i] = b.oom ? NULL : ev_path(c->o->qrels_dir, b.data);
        wd_buf_free(&b);
        if (!qpath[i]) {
            rc = wd_error_set(err, WD_ENOMEM, "eval", "out of memory");
            goto done;
        }
        if (ev_exists(qpath[i]))
            any = 1;
        else
            snprintf(out->split[i].note, sizeof out->split[i].note, "missing: %s", qpath[i]);
    }
    const char *need[] = { c->o->seeds_dir };
    if (missing(out->note, sizeof out->note, need, 1)) {
        ev_note(c, "domain: skipped (%s)", out->note);
        goto done;
    }
    if (!any) {
        snprintf(out->note, sizeof out->note, "missing: %s and %s", qpath[0], qpath[1]);
        ev_note(c, "domain: skipped (%s)", out->note);
        goto done;
    }
    rc = ev_recs_read_dir(c, &kb, c->o->seeds_dir, err);
    if (rc != WD_OK)
        goto done;
    out->corpus_records = kb.n;
    for (int s = 0; rc == WD_OK && s < WD_EVAL_NSYS; s++)
        rc = ev_sys_build(&sys[s], c, s, "domain", &kb, &out->index_s[s], err);
    for (int i = 0; rc == WD_OK && i < 2; i++) {
        if (!ev_exists(qpath[i])) {
            ev_note(c, "domain: %s split skipped (%s)", splits[i], out->split[i].note);
            continue;
        }
        ev_note(c, "domain: asking the %s questions", splits[i]);
        rc = run_split(c, sys, &kb, qpath[i], &out->split[i], err);
    }
    if (rc == WD_OK)
        out->ran = 1;
done:
    for (int s = 0; s < WD_EVAL_NSYS; s++)
        ev_sys_free(sys[s]);
    ev_recs_free(&kb);
    wd_free(qpath[0]);
    wd_free(qpath[1]);
    return rc;
}

/* ---- the run ----------------------------------------------------------------------------- */

int wd_eval_run(const wd_eval_opts *opts, const wd_dict *dict, wd_eval_report *out, wd_error *err)
{
    memset(out, 0, sizeof *out);
    if (!opts || !dict || !opts->data_dir || !opts->seeds_dir || !opts->qrels_dir)
        return wd_error_set(err, WD_EINVAL, "eval", "evaluation without data paths or dictionary");
    ev_ctx c = { opts, dict, NULL, 0 };
    double t0 = ev_now_ms();
    out->parts = opts->parts ? opts->parts : WD_EVAL_ALL;
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(out->date, sizeof out->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(out->dict_version, sizeof out->dict_version, "%s", wd_dict_version(dict));
    int rc = WD_OK;
    if (out->parts & WD_EVAL_RETRIEVAL)
        rc = ev_run_retrieval(&c, &out->retrieval, err);
    if (rc == WD_OK && (out->parts & WD_EVAL_DOMAIN))
        rc = ev_run_domain(&c, &out->domain, err);
    if (rc == WD_OK && (out->parts & WD_EVAL_SEGMENTATION))
        rc = ev_run_segmentation(&c, &out->segmentation, err);
    if (rc == WD_OK && (out->parts & WD_EVAL_PAIRS)) {
        if (opts->note)
            opts->note(opts->note_ctx, "pairs: scoring labelled question pairs");
        rc = wd_eval_pairs(opts->data_dir, dict, 0, &out->pairs, err);
    }
    if (rc == WD_OK && (out->parts & WD_EVAL_CONFIDENCE))
        rc = ev_run_confidence(&c, &out->confidence, err);
    if (c.tmp) {
        ev_rmtree(c.tmp);
        wd_free(c.tmp);
    }
    out->seconds = (ev_now_ms() - t0) / 1e3;
    return rc;
}
