/*
 * domain.c - the domain part of `wenda eval`: the seed corpus indexed by
 * every system, the judged questions of corpus/qrels asked.
 *
 * Grades come from the qrels; "answerable" = at least one judged record
 * with grade >= 1. nDCG@5 (gains 2^g - 1, log2 discount, ideal from the
 * judged list) averages over the answerable questions. MRR@10, P@1 and R@5
 * count grade-2 records (answers) only and average over the questions that
 * have one. The unanswerable questions are reported by the score of their
 * top hit (and the share with no hit), next to the same figure for the
 * answerable ones, and by the coverage verdicts.
 */
#include <string.h>

#include "eval_internal.h"
#include "grow.h"
#include "metrics.h"
#include "qrels.h"

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
    if (ev_missing(out->note, sizeof out->note, need, 1)) {
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
