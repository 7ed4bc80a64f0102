/*
 * report.c - the two renderings of an evaluation report: plain-text tables
 * (one a part, a row a figure, the systems side by side in columns, "n/a"
 * where a system has no such figure, and the notes of skipped parts), and
 * one JSON document holding every figure of the run.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

/* ---- tables ---------------------------------------------------------------------------- */

static void header(FILE *to, const char *first)
{
    fprintf(to, "  %-26s", first);
    for (int s = 0; s < WD_EVAL_NSYS; s++)
        fprintf(to, " %9s", wd_eval_system_name(s));
    fputc('\n', to);
}

/* A row of values taken from an array of structs, `stride` bytes apart. */
static void row(FILE *to, const char *label, const char *fmt, const void *base, size_t stride,
                size_t offset, int nsys)
{
    fprintf(to, "  %-26s", label);
    for (int s = 0; s < WD_EVAL_NSYS; s++) {
        if (s >= nsys) {
            fprintf(to, " %9s", "n/a");
            continue;
        }
        double v;
        memcpy(&v, (const char *)base + (size_t)s * stride + offset, sizeof v);
        fprintf(to, " ");
        fprintf(to, fmt, v);
    }
    fputc('\n', to);
}

static void print_rank_rows(const wd_eval_rank_scores *s, FILE *to)
{
    header(to, "");
    row(to, "R@1", "%9.3f", s, sizeof *s, offsetof(wd_eval_rank_scores, r1), WD_EVAL_NSYS);
    row(to, "R@3", "%9.3f", s, sizeof *s, offsetof(wd_eval_rank_scores, r3), WD_EVAL_NSYS);
    row(to, "R@10", "%9.3f", s, sizeof *s, offsetof(wd_eval_rank_scores, r10), WD_EVAL_NSYS);
    row(to, "MRR@10", "%9.3f", s, sizeof *s, offsetof(wd_eval_rank_scores, mrr10), WD_EVAL_NSYS);
}

static void print_retrieval(const wd_eval_retrieval *r, FILE *to)
{
    fprintf(to, "Answer retrieval: insurance-zhidao-faq test\n");
    if (!r->ran) {
        fprintf(to, "  skipped: %s\n\n", r->note);
        return;
    }
    fprintf(to, "  %zu corpus records, %zu questions (%zu without a gold record)\n",
            r->corpus_records, r->questions, r->questions_without_gold);
    const wd_eval_rank_scores *s = r->sys;
    print_rank_rows(s, to);
    row(to, "index (s)", "%9.2f", s, sizeof *s, offsetof(wd_eval_rank_scores, index_s),
        WD_EVAL_NSYS);
    row(to, "query (ms, mean)", "%9.2f", s, sizeof *s, offsetof(wd_eval_rank_scores, query_ms),
        WD_EVAL_NSYS);
    if (r->dev_ran) {
        fprintf(to,
                "  dev (tuning): %zu paraphrases from insurance_zhidao_rank/dev.txt "
                "(%zu pairs left out)\n",
                r->dev_questions, r->dev_excluded);
        print_rank_rows(r->dev, to);
    } else if (r->dev_note[0]) {
        fprintf(to, "  dev (tuning): skipped: %s\n", r->dev_note);
    }
    fputc('\n', to);
}

static void print_split(const wd_eval_split *sp, FILE *to)
{
    if (!sp->ran) {
        fprintf(to, "  %s: skipped: %s\n", sp->name, sp->note);
        return;
    }
    fprintf(to, "  %s: %zu questions: %zu answerable (%zu with a grade-2 answer), %zu unanswerable",
            sp->name, sp->questions, sp->answerable, sp->with_answer, sp->unanswerable);
    if (sp->bad_lines)
        fprintf(to, "; %zu bad lines skipped", sp->bad_lines);
    if (sp->unknown_ids)
        fprintf(to, "; %zu judged ids not in the corpus", sp->unknown_ids);
    fputc('\n', to);
    header(to, "");
    const wd_eval_graded_scores *s = sp->sys;
    size_t z = sizeof *s;
    row(to, "nDCG@5", "%9.3f", s, z, offsetof(wd_eval_graded_scores, ndcg5), WD_EVAL_NSYS);
    row(to, "MRR@10 (grade 2)", "%9.3f", s, z, offsetof(wd_eval_graded_scores, mrr10),
        WD_EVAL_NSYS);
    row(to, "P@1 (grade 2)", "%9.3f", s, z, offsetof(wd_eval_graded_scores, p1), WD_EVAL_NSYS);
    row(to, "R@5 (grade 2)", "%9.3f", s, z, offsetof(wd_eval_graded_scores, r5), WD_EVAL_NSYS);
    row(to, "top score, answerable", "%9.2f", s, z,
        offsetof(wd_eval_graded_scores, answerable_top_score), WD_EVAL_NSYS);
    if (sp->unanswerable) {
        row(to, "top score, unanswerable", "%9.2f", s, z,
            offsetof(wd_eval_graded_scores, unanswerable_top_score), WD_EVAL_NSYS);
        row(to, "no hit, unanswerable", "%9.3f", s, z,
            offsetof(wd_eval_graded_scores, unanswerable_no_hit), WD_EVAL_NSYS);
    }
    row(to, "query (ms, mean)", "%9.2f", s, z, offsetof(wd_eval_graded_scores, query_ms),
        WD_EVAL_NSYS);
    const wd_eval_cov_scores *cv = sp->cov;
    size_t cz = sizeof *cv;
    row(to, "coverage verdicts right", "%9.3f", cv, cz, offsetof(wd_eval_cov_scores, accuracy),
        WD_EVAL_NSEGSYS);
    row(to, "  answered: covered", "%9.3f", cv, cz, offsetof(wd_eval_cov_scores, answered_covered),
        WD_EVAL_NSEGSYS);
    if (sp->unanswerable)
        row(to, "  unanswered: uncovered", "%9.3f", cv, cz,
            offsetof(wd_eval_cov_scores, unanswered_uncovered), WD_EVAL_NSEGSYS);
}

static void print_domain(const wd_eval_domain *d, FILE *to)
{
    fprintf(to, "Domain questions over the seed corpus\n");
    if (!d->ran) {
        fprintf(to, "  skipped: %s\n\n", d->note);
        return;
    }
    fprintf(to, "  %zu corpus records; top scores are on each system's own scale\n",
            d->corpus_records);
    for (int i = 0; i < 2; i++)
        print_split(&d->split[i], to);
    fputc('\n', to);
}

static void print_segmentation(const wd_eval_segmentation *g, FILE *to)
{
    fprintf(to, "Segmentation (analyzer in query mode; word spans; punctuation-only gold words "
                "left out)\n");
    if (!g->ran) {
        fprintf(to, "  skipped: %s\n\n", g->note);
        return;
    }
    for (int i = 0; i < WD_EVAL_NSEGSETS; i++) {
        const wd_eval_seg_set *st = &g->set[i];
        if (!st->ran) {
            fprintf(to, "  %s: skipped: %s\n", st->name, st->note);
            continue;
        }
        fprintf(to, "  %s: %s, %zu sentences, %zu gold words (%zu punctuation left out", st->name,
                st->about, st->sentences, st->gold_words, st->punct_words);
        if (st->have_oov)
            fprintf(to, ", %zu OOV", st->oov_words);
        fprintf(to, ")");
        if (st->mismatched)
            fprintf(to, "; %zu sentences skipped (text and gold differ)", st->mismatched);
        fputc('\n', to);
        header(to, "");
        const wd_eval_seg_scores *s = st->sys;
        size_t z = sizeof *s;
        row(to, "precision", "%9.3f", s, z, offsetof(wd_eval_seg_scores, precision),
            WD_EVAL_NSEGSYS);
        row(to, "recall", "%9.3f", s, z, offsetof(wd_eval_seg_scores, recall), WD_EVAL_NSEGSYS);
        row(to, "F1", "%9.3f", s, z, offsetof(wd_eval_seg_scores, f1), WD_EVAL_NSEGSYS);
        if (st->have_oov)
            row(to, "OOV recall", "%9.3f", s, z, offsetof(wd_eval_seg_scores, oov_recall),
                WD_EVAL_NSEGSYS);
    }
    fputc('\n', to);
}

/* ---- the answer confidence ------------------------------------------------------------ */

static void print_confidence(const wd_eval_confidence *c, FILE *to)
{
    fprintf(to,
            "\nAnswer confidence (corpus/qrels/confidence; held-out records left out of the "
            "index; verdicts at covered %.2f, partial %.2f)\n",
            c->covered_at, c->partial_at);
    fprintf(to, "| base | split | questions | answerable | unanswerable (near) | strict accuracy | "
                "answerable right | unanswerable right | AUC | ECE | Brier | n-gram oracle acc. | "
                "n-gram AUC |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int b = 0; b < 3; b++) {
        const wd_eval_conf_base *cb = &c->base[b];
        if (!cb->ran) {
            fprintf(to, "| %s | skipped: %s |||||||||||\n", cb->name, cb->note);
            continue;
        }
        for (int k = 0; k < 2; k++) {
            const wd_eval_conf_split *s = &cb->split[k];
            if (!s->ran)
                continue;
            fprintf(to,
                    "| %s | %s | %zu | %zu | %zu (%zu) | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | "
                    "%.3f | %.3f |\n",
                    cb->name, s->name, s->questions, s->answerable, s->unanswerable, s->near,
                    s->accuracy, s->answered_covered, s->unanswered_uncovered, s->auc, s->ece,
                    s->brier, s->base_accuracy, s->base_auc);
        }
    }
    fprintf(to, "Reliability (ten bins of equal count: mean confidence -> share whose best record "
                "answers)\n");
    for (int b = 0; b < 3; b++)
        for (int k = 0; c->base[b].ran && k < 2; k++) {
            const wd_eval_conf_split *s = &c->base[b].split[k];
            if (!s->ran)
                continue;
            fprintf(to, "  %-9s %-4s", c->base[b].name, s->name);
            for (int i = 0; i < WD_EVAL_CONF_BINS; i++)
                fprintf(to, " %.2f->%.2f", s->bin_pred[i], s->bin_obs[i]);
            fputc('\n', to);
        }
}

void wd_eval_print_table(const wd_eval_report *r, FILE *to)
{
    fprintf(to, "wenda eval, %s, dictionary %s, %.1f s\n", r->date, r->dict_version, r->seconds);
    fprintf(to, "systems:\n");
    for (int s = 0; s < WD_EVAL_NSYS; s++)
        fprintf(to, "  %-9s %s\n", wd_eval_system_name(s), wd_eval_system_about(s));
    fputc('\n', to);
    if (r->parts & WD_EVAL_RETRIEVAL)
        print_retrieval(&r->retrieval, to);
    if (r->parts & WD_EVAL_DOMAIN)
        print_domain(&r->domain, to);
    if (r->parts & WD_EVAL_SEGMENTATION)
        print_segmentation(&r->segmentation, to);
    if (r->parts & WD_EVAL_PAIRS) {
        fprintf(to, "\nSame-question pairs (the same-question confidence that groups coverage "
                    "gaps; AUC and F1 at its threshold)\n");
        wd_eval_pairs_print(&r->pairs, to);
    }
    if (r->parts & WD_EVAL_CONFIDENCE)
        print_confidence(&r->confidence, to);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static json_t *skipped(const char *note)
{
    return json_pack("{s:s, s:s}", "status", "skipped", "note", note);
}

static json_t *confidence_json(const wd_eval_confidence *c)
{
    json_t *bases = json_object();
    for (int b = 0; b < 3; b++) {
        const wd_eval_conf_base *cb = &c->base[b];
        if (!cb->ran) {
            json_object_set_new(bases, cb->name, skipped(cb->note));
            continue;
        }
        json_t *o = json_pack("{s:I, s:I}", "records", (json_int_t)cb->records, "held_out",
                              (json_int_t)cb->held_out);
        for (int k = 0; k < 2; k++) {
            const wd_eval_conf_split *s = &cb->split[k];
            if (!s->ran)
                continue;
            json_t *bins = json_array();
            for (int i = 0; i < WD_EVAL_CONF_BINS; i++)
                json_array_append_new(bins, json_pack("{s:I, s:f, s:f}", "n",
                                                      (json_int_t)s->bin_n[i], "predicted",
                                                      s->bin_pred[i], "observed", s->bin_obs[i]));
            json_object_set_new(
                o, s->name,
                json_pack(
                    "{s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:o, s:{s:f, s:f, "
                    "s:f}, s:f}",
                    "questions", (json_int_t)s->questions, "answerable", (json_int_t)s->answerable,
                    "unanswerable", (json_int_t)s->unanswerable, "near", (json_int_t)s->near, "far",
                    (json_int_t)s->far, "accuracy", s->accuracy, "answered_covered",
                    s->answered_covered, "unanswered_uncovered", s->unanswered_uncovered, "auc",
                    s->auc, "ece", s->ece, "brier", s->brier, "reliability", bins, "ngram_oracle",
                    "accuracy", s->base_accuracy, "auc", s->base_auc, "threshold",
                    s->base_threshold, "query_ms", s->query_ms));
        }
        json_object_set_new(bases, cb->name, o);
    }
    return json_pack("{s:f, s:f, s:o}", "covered_at", c->covered_at, "partial_at", c->partial_at,
                     "bases", bases);
}

static json_t *rank_json(const wd_eval_rank_scores *x)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "r_at_1", x->r1, "r_at_3", x->r3, "r_at_10",
                     x->r10, "mrr_at_10", x->mrr10, "index_seconds", x->index_s, "query_ms",
                     x->query_ms);
}

static json_t *retrieval_json(const wd_eval_retrieval *r)
{
    if (!r->ran)
        return skipped(r->note);
    json_t *sys = json_object();
    for (int s = 0; s < WD_EVAL_NSYS; s++)
        json_object_set_new(sys, wd_eval_system_name(s), rank_json(&r->sys[s]));
    json_t *dev;
    if (r->dev_ran) {
        json_t *dsys = json_object();
        for (int s = 0; s < WD_EVAL_NSYS; s++)
            json_object_set_new(dsys, wd_eval_system_name(s), rank_json(&r->dev[s]));
        dev = json_pack("{s:s, s:s, s:I, s:I, s:o}", "status", "ok", "data",
                        "insurance-zhidao-faq/insurance_zhidao_rank/dev.txt", "questions",
                        (json_int_t)r->dev_questions, "pairs_left_out", (json_int_t)r->dev_excluded,
                        "systems", dsys);
    } else {
        dev = skipped(r->dev_note[0] ? r->dev_note : "no development questions");
    }
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o}", "status", "ok", "data",
                     "insurance-zhidao-faq/Insurance_zhidao_test", "corpus_records",
                     (json_int_t)r->corpus_records, "questions", (json_int_t)r->questions,
                     "questions_without_gold", (json_int_t)r->questions_without_gold, "systems",
                     sys, "dev", dev);
}

static json_t *split_json(const wd_eval_split *sp)
{
    if (!sp->ran)
        return skipped(sp->note);
    json_t *sys = json_object();
    for (int s = 0; s < WD_EVAL_NSYS; s++) {
        const wd_eval_graded_scores *x = &sp->sys[s];
        json_t *o =
            json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "ndcg_at_5", x->ndcg5, "mrr_at_10",
                      x->mrr10, "p_at_1", x->p1, "r_at_5", x->r5, "answerable_mean_top_score",
                      x->answerable_top_score, "query_ms", x->query_ms);
        if (o && sp->unanswerable) {
            json_object_set_new(o, "unanswerable_mean_top_score",
                                json_real(x->unanswerable_top_score));
            json_object_set_new(o, "unanswerable_no_hit", json_real(x->unanswerable_no_hit));
        }
        if (o && s < WD_EVAL_NSEGSYS) {
            const wd_eval_cov_scores *cv = &sp->cov[s];
            json_object_set_new(
                o, "coverage",
                json_pack("{s:I, s:I, s:f, s:f, s:f}", "scored", (json_int_t)cv->scored, "right",
                          (json_int_t)cv->right, "accuracy", cv->accuracy, "answered_covered",
                          cv->answered_covered, "unanswered_uncovered", cv->unanswered_uncovered));
        }
        json_object_set_new(sys, wd_eval_system_name(s), o);
    }
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "status", "ok", "questions",
                     (json_int_t)sp->questions, "answerable", (json_int_t)sp->answerable,
                     "with_answer", (json_int_t)sp->with_answer, "unanswerable",
                     (json_int_t)sp->unanswerable, "bad_lines", (json_int_t)sp->bad_lines,
                     "unknown_ids", (json_int_t)sp->unknown_ids, "systems", sys);
}

static json_t *domain_json(const wd_eval_domain *d)
{
    if (!d->ran)
        return skipped(d->note);
    json_t *idx = json_object();
    for (int s = 0; s < WD_EVAL_NSYS; s++)
        json_object_set_new(idx, wd_eval_system_name(s), json_real(d->index_s[s]));
    return json_pack("{s:s, s:I, s:o, s:o, s:o}", "status", "ok", "corpus_records",
                     (json_int_t)d->corpus_records, "index_seconds", idx, "dev",
                     split_json(&d->split[0]), "test", split_json(&d->split[1]));
}

static json_t *segmentation_json(const wd_eval_segmentation *g)
{
    if (!g->ran)
        return skipped(g->note);
    json_t *sets = json_object();
    for (int i = 0; i < WD_EVAL_NSEGSETS; i++) {
        const wd_eval_seg_set *st = &g->set[i];
        if (!st->ran) {
            json_object_set_new(sets, st->name, skipped(st->note));
            continue;
        }
        json_t *sys = json_object();
        for (int s = 0; s < WD_EVAL_NSYS; s++) {
            if (s >= WD_EVAL_NSEGSYS) {
                json_object_set_new(sys, wd_eval_system_name(s), json_null());
                continue;
            }
            const wd_eval_seg_scores *x = &st->sys[s];
            json_t *o =
                json_pack("{s:f, s:f, s:f, s:I, s:I, s:f}", "precision", x->precision, "recall",
                          x->recall, "f1", x->f1, "predicted", (json_int_t)x->predicted, "correct",
                          (json_int_t)x->correct, "seconds", x->seconds);
            if (o && st->have_oov)
                json_object_set_new(o, "oov_recall", json_real(x->oov_recall));
            json_object_set_new(sys, wd_eval_system_name(s), o);
        }
        json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "status", "ok", "about",
                              st->about, "sentences", (json_int_t)st->sentences, "mismatched",
                              (json_int_t)st->mismatched, "gold_words", (json_int_t)st->gold_words,
                              "punctuation_words", (json_int_t)st->punct_words, "systems", sys);
        if (o && st->have_oov)
            json_object_set_new(o, "oov_words", json_integer((json_int_t)st->oov_words));
        json_object_set_new(sets, st->name, o);
    }
    return json_pack("{s:s, s:o}", "status", "ok", "sets", sets);
}

int wd_eval_to_json(const wd_eval_report *r, const char *wenda_version, wd_buf *out)
{
    json_t *systems = json_object();
    for (int s = 0; s < WD_EVAL_NSYS; s++)
        json_object_set_new(systems, wd_eval_system_name(s), json_string(wd_eval_system_about(s)));
    json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:o}", "wenda_version",
                          wenda_version ? wenda_version : "", "date", r->date, "dict_version",
                          r->dict_version, "seconds", r->seconds, "systems", systems);
    if (!o)
        return WD_ENOMEM;
    if (r->parts & WD_EVAL_RETRIEVAL)
        json_object_set_new(o, "retrieval", retrieval_json(&r->retrieval));
    if (r->parts & WD_EVAL_DOMAIN)
        json_object_set_new(o, "domain", domain_json(&r->domain));
    if (r->parts & WD_EVAL_SEGMENTATION)
        json_object_set_new(o, "segmentation", segmentation_json(&r->segmentation));
    if (r->parts & WD_EVAL_PAIRS) {
        json_t *sets = json_array();
        for (int k = 0; k < WD_PAIRS_NSETS; k++) {
            const wd_pairs_set *p = &r->pairs.set[k];
            json_t *js =
                json_pack("{s:s,s:s,s:b}", "set", p->name, "split", p->split, "ran", p->ran);
            if (p->ran) {
                json_object_set_new(js, "pairs", json_integer((json_int_t)p->pairs));
                json_object_set_new(js, "auc", json_real(p->auc));
                json_object_set_new(js, "dice_auc", json_real(p->dice_auc));
                json_object_set_new(js, "f1", json_real(p->f1));
            } else {
                json_object_set_new(js, "note", json_string(p->note));
            }
            json_array_append_new(sets, js);
        }
        json_object_set_new(o, "pairs",
                            json_pack("{s:f,s:o}", "same_at", r->pairs.same_at, "sets", sets));
    }
    if (r->parts & WD_EVAL_CONFIDENCE)
        json_object_set_new(o, "confidence", confidence_json(&r->confidence));
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (!s)
        return WD_ENOMEM;
    int rc = wd_buf_puts(out, s);
    free(s);
    return rc == WD_OK && !out->oom ? WD_OK : WD_ENOMEM;
}
