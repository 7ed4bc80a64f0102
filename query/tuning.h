/*
 * tuning.h - private to query/: the ranking's tuned values, by name.
 *
 * Every number the match and the re-ranking weigh things by is here, with
 * what it means; the values shipped were tuned on the development splits
 * (corpus/qrels/dev.tsv and the paraphrase pairs of
 * insurance_zhidao_rank/dev.txt; BENCHMARKS.md has the runs). For tuning
 * runs the environment variable WENDA_TUNE overrides them, read once when a
 * searcher opens: "name=value,..." with the short names below, e.g.
 * WENDA_TUNE="rr=0.5,nb=0".
 */
#ifndef WENDA_QUERY_TUNING_H
#define WENDA_QUERY_TUNING_H

typedef struct wd_tuning {
    /* the match (Xapian BM25 over the OR of every word and n-gram) */
    double question_weight;  /* qw: a word in a record's question */
    double answer_weight;    /* aw: a word in a record's answer */
    double ngram_weight;     /* bw: a character or bigram of a record's question */
    double unigram_weight;   /* ug: a character n-gram, times bw (0: characters not matched) */
    double covered_unigrams; /* uc: 1 a character the question also asks as a word of its
                                own is matched as an n-gram too; 0 not */
    double spanning_bigrams; /* xb: 1 a bigram spanning two of the question's words is
                                matched; 0 only bigrams inside a word */
    double bm25_k1;          /* k1 */
    double bm25_b;           /* b */
    double particle_weight;  /* stop: particles and function words (吗 的 怎么) */
    double particle_answer_weight; /* sa: their answer-field share (0: questions only) */
    double subword_weight;         /* sub: the parts of a longer word */
    /* nb: postings of the leaves that decide the match, rarest first (0: all
     * decide); nw: at most this many of the rest weigh what those match, rarest
     * first (0: all of them) */
    double posting_budget;
    double weighing_leaves;
    /* ns: on a smaller base the budget is this share of its records (never
     * below match.c's MIN_BUDGET; 0: nb whatever the base) */
    double posting_budget_share;
    /* the re-ranking of the top of the match */
    double question_similarity_share; /* rr: of the final score; BM25 takes the rest */
    double answer_cover_share;        /* ra: how much of the question the answer holds */
    double question_only_factor;      /* kq: a record with no written answer */
    double place_match_boost;         /* pm: the record names the asked place or its province */
    double place_mismatch_cut;        /* px: the record names only other places */
    double learned_ranking;   /* lr: 1 the fitted model orders the candidates (rank.h); 0 the
                               hand-set mix of the shares above */
    double assoc_weight;      /* as: a word association's query leaf, times its mined weight,
                               of the asked word's own (0: associations not used) */
    double assoc_per_word;    /* ap: associations of one asked word used at most */
    double assoc_long_weight; /* al: the same for a short form's long form over several
                                 words (kind 'l', an AND of its words, over the sum of
                                 their IDFs), its own knob (0: not used) */
    double assoc_budget;      /* ab: postings the associations may read beyond what the
                               question's own leaves left of the budget, as its share */
    double learned_depth;     /* ld: the model orders the mix's first this many; the others
                               follow them in the mix's order (each costs the text
                               features of wd_conf_match) */
} wd_tuning;

/* The shipped values, with $WENDA_TUNE applied (unknown names are ignored,
 * parsing stops at the first malformed pair). */
wd_tuning wd_tuning_load(void);

#endif
