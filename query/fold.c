/*
 * fold.c - duplicates folded (fold.h). A knowledge base often holds one
 * answer twice: the same article in two editions of a regulation, a FAQ
 * pasted into two files. Such records would fill the first places with one
 * answer; folded, the best-ranked one is shown and the others are listed as
 * "more like this".
 *
 * Two candidates are one when their question and answer texts are equal,
 * or when the same-question confidence of their questions (similarity.c's
 * wd_sim_score, over the views the confidence stage keeps in the record
 * cache) reaches WD_FOLD_SAME_AT and their normalised answers' character
 * bigrams overlap (similarity.c's Dice, wd_sim_dice) to WD_FOLD_ANSWER_AT:
 * one answer with a word changed, as between two editions of a law. Candidates are taken
 * in ranked order, each compared with those kept before it, until the page
 * asked for is full; the confidence of each one kept is judged at its
 * ranked place (wd_conf_of), so folding moves hits up without changing what
 * they are worth. A candidate whose texts and kind repeat an earlier one's
 * folds where that one did (it would be compared with the same results),
 * so a base that holds an answer many times compares it once.
 */
#include <stdint.h>
#include <string.h>

#include "confidence.h"
#include "fold.h"

#define NOT_FOLDED UINT32_MAX

static int same_text(const wd_rec *a, const wd_rec *b)
{
    return wd_rec_same_question(a, b) && wd_rec_same_answer(a, b);
}

/* Candidate i's answer as characters and bigrams (made once a fold,
 * views[i]); NULL for an empty answer, *rc set when out of memory. */
static const wd_sim_text *answer_view(wd_run *r, uint32_t i, wd_sim_text **views, int *rc)
{
    if (!views[i]) {
        size_t len = 0;
        const char *norm = wd_rec_answer_norm(r->recs, r->s->an, r->c[i].rec, &len);
        if (norm && wd_sim_text_from_norm(norm, len, &views[i]) != WD_OK)
            *rc = WD_ENOMEM;
    }
    return views[i];
}

/* Whether candidates a and b (both judged) are one record. */
static int alike(wd_run *r, uint32_t a, uint32_t b, wd_sim_text **views, int *rc)
{
    const wd_rec *x = r->c[a].rec, *y = r->c[b].rec;
    if (same_text(x, y))
        return 1;
    if (x->rec.kind != y->rec.kind)
        return 0;
    /* The confidence's views of the two questions (made when each was judged). */
    const wd_sim_text *qx = wd_conf_question(r, a, NULL), *qy = wd_conf_question(r, b, NULL);
    if (!qx || !qy || wd_sim_score(qx, qy) < WD_FOLD_SAME_AT)
        return 0;
    const wd_sim_text *ax = answer_view(r, a, views, rc), *ay = answer_view(r, b, views, rc);
    if (!ax || !ay) /* an empty answer is like only another empty one */
        return !ax && !ay && !*x->rec.answer && !*y->rec.answer;
    return wd_sim_dice(ax, ay) >= WD_FOLD_ANSWER_AT;
}

int wd_fold(wd_run *r, wd_error *err)
{
    uint32_t want = r->o.offset + r->o.n;
    uint32_t *into = wd_malloc((r->nc ? r->nc : 1) * sizeof *into);
    uint32_t *slot = wd_malloc((r->nc ? r->nc : 1) * sizeof *slot); /* a kept one's place */
    uint32_t *kept = wd_malloc((r->nc ? r->nc : 1) * sizeof *kept);
    wd_cand *moved = wd_malloc((r->nc ? r->nc : 1) * sizeof *moved);
    wd_sim_text **views = wd_calloc(r->nc ? r->nc : 1, sizeof *views);
    if (!into || !slot || !kept || !moved || !views) {
        wd_free(into);
        wd_free(slot);
        wd_free(kept);
        wd_free(moved);
        wd_free(views);
        return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
    }
    uint32_t nk = 0;
    int rc = WD_OK;
    for (uint32_t i = 0; i < r->nc && rc == WD_OK; i++) {
        into[i] = slot[i] = NOT_FOLDED;
        int judged = nk < want; /* still filling the page: compare fully */
        int repeat = 0;
        /* Judged, so was every candidate before it. */
        for (uint32_t j = 0; judged && j < i && !repeat; j++)
            if (same_text(r->c[j].rec, r->c[i].rec) &&
                r->c[j].rec->rec.kind == r->c[i].rec->rec.kind) {
                into[i] = into[j] != NOT_FOLDED ? into[j] : slot[j];
                repeat = 1;
            }
        for (uint32_t k = 0; !repeat && rc == WD_OK && k < nk && into[i] == NOT_FOLDED; k++)
            if (judged ? alike(r, kept[k], i, views, &rc)
                       : same_text(r->c[kept[k]].rec, r->c[i].rec))
                into[i] = k;
        if (rc == WD_OK && into[i] == NOT_FOLDED) {
            double c;
            if (judged)
                rc = wd_conf_of(r, i, &c, err);
            slot[i] = nk;
            kept[nk++] = i;
        }
        if (rc == WD_ENOMEM)
            wd_error_set(err, rc, "search", "out of memory");
    }
    if (rc == WD_OK) {
        /* Kept ones first, in order; then the folded ones, each pointing at
         * the new index of the one it folds into (kept k is at index k). */
        uint32_t at = 0;
        for (uint32_t k = 0; k < nk; k++)
            moved[at++] = r->c[kept[k]];
        uint32_t *folded = wd_malloc((r->nc ? r->nc : 1) * sizeof *folded);
        if (!folded)
            rc = wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        for (uint32_t i = 0; folded && i < r->nc; i++)
            if (into[i] != NOT_FOLDED) {
                folded[at] = into[i];
                moved[at++] = r->c[i];
            }
        if (folded) {
            for (uint32_t k = 0; k < nk; k++)
                folded[k] = NOT_FOLDED;
            memcpy(r->c, moved, r->nc * sizeof *r->c);
            wd_run_moved(r);
            wd_free(r->folded_into);
            r->folded_into = folded;
            r->nkept = nk;
        }
    }
    for (uint32_t i = 0; i < r->nc; i++)
        wd_sim_text_free(views[i]);
    wd_free(views);
    wd_free(into);
    wd_free(slot);
    wd_free(kept);
    wd_free(moved);
    return rc;
}

int wd_fold_ids(wd_run *r, uint32_t i, wd_hit *h, wd_error *err)
{
    for (uint32_t j = r->nkept; r->folded_into && j < r->nc; j++) {
        if (r->folded_into[j] != i)
            continue;
        char **more = wd_realloc(h->more, (h->n_more + 1) * sizeof *more);
        if (!more)
            return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        h->more = more;
        if (!(more[h->n_more] = wd_strdup(r->c[j].rec->rec.id)))
            return wd_error_set(err, WD_ENOMEM, "search", "out of memory");
        h->n_more++;
    }
    return WD_OK;
}
