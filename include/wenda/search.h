/*
 * wenda/search.h - asking questions of a wenda index.
 *
 * A searcher holds one read-only view of an index and a per-thread analyzer
 * over a shared dictionary. wd_search analyses the question with the same
 * analyzer the indexer used, builds a ranked query (question field weighted
 * above the answer, question particles optional, synonyms from the
 * dictionary), runs BM25 and cuts a highlighted snippet for every hit
 * (or for the first opts.snippets).
 *
 * Thread safety: one searcher per thread (Xapian readers are not shared);
 * the wd_dict may be shared. Results are plain values owned by the caller.
 */
#ifndef WENDA_SEARCH_H
#define WENDA_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/buf.h"
#include "wenda/record.h"
#include "wenda/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wd_searcher wd_searcher;

typedef struct wd_search_opts {
    uint32_t n;              /* hits wanted; 0 = 10 */
    uint32_t offset;         /* skip this many first */
    const char *source;      /* only records whose source starts with this, or matches it as
                                a glob when it holds '*' (NULL = all) */
    int explain;             /* fill wd_hit.explain */
    double question_weight;  /* weight of the question field; 0 = default */
    double k1, b;            /* BM25 parameters; negative = defaults */
    uint32_t snippet_chars;  /* target snippet length in code points; 0 = 120 */
    int no_dictionary_layer; /* 1: analyse the question with the dictionary layer off
                                (for an index built with that option) */
    /* Shard lists (see wd_searcher_open): */
    int allow_partial;   /* 1: when shards do not answer, search the others and mark
                          the results partial; 0: fail with WD_ENETWORK */
    unsigned timeout_ms; /* connect and reply timeout of remote shards; 0 =
                          $WENDA_REMOTE_TIMEOUT_MS, else 10000 */
    /* wd_searcher_open_with: memory (MB) for the records its searches read
     * and analysed, kept for the next ones (an index's, not a shard list's);
     * 0 = WD_RECORD_CACHE_MB */
    uint32_t record_cache_mb;
    uint32_t snippets;     /* how many of the top hits get a snippet; 0 = all. The
                            others have snippet "" and no highlights (cutting one
                            analyses the record's whole answer) */
    double min_confidence; /* wd_results.answered: a hit at or above it; < 0 = the
                              calibration's covered threshold (wd_searcher_calibration) */
    int features;          /* fill wd_hit.features (what the confidence was computed from) */
    /* Filters (with source above); NULL = any. The date bounds are
     * YYYY-MM-DD, inclusive; a record without a date is outside any range. */
    const char *kind; /* "qa" or "question" */
    const char *date_from;
    const char *date_to;
    int sort_date;             /* 1: the ranked matches newest first (undated last), else by
                           relevance */
    const char *facets;        /* comma-separated facet names: source, kind, year, or an extra
                           field's name: count the values over the whole match
                           (wd_results.facets) */
    int distinct;              /* 1: records whose question and answer are the same or nearly the
                           same as a better-ranked one's are folded into its hit
                           (wd_hit.more) instead of taking a place of their own */
    const char *const *fields; /* "NAME=VALUE" each: only records whose extra field NAME
                                  is VALUE (all of them); n_fields of them */
    size_t n_fields;
} wd_search_opts;

/* The record cache's default memory (MB): a base of a few thousand records
 * fits whole (an insurance record read, analysed and with its answer's
 * views holds about 7 KB). */
#define WD_RECORD_CACHE_MB 64

/* The facets a search can count besides the index's extra fields. */
#define WD_FACET_NAMES "source,kind,year"
/* Values listed a facet at most, most frequent first. */
#define WD_FACET_MAX_VALUES 100

typedef struct wd_facet_value {
    char *value; /* new */
    uint32_t count;
} wd_facet_value;

typedef struct wd_facet {
    char *name; /* new */
    wd_facet_value *values;
    size_t n_values;
} wd_facet;

#define WD_SEARCH_OPTS_INIT                                                                        \
    {                                                                                              \
        10, 0, NULL, 0, 0.0, -1.0, -1.0, 0, 0, 0, 0, 0, 0, -1.0, 0, NULL, NULL, NULL, 0, NULL, 0,  \
            NULL, 0                                                                                \
    }

typedef struct wd_term_weight {
    char *term;    /* new; with its field prefix, e.g. "S医保" */
    double weight; /* the most the term adds to any record's BM25 weight in this
                      match (Xapian's bound: the same for every hit; over a sharded
                      index Xapian 1.4 sums the shards' bounds) */
} wd_term_weight;

typedef struct wd_hit {
    uint32_t rank;  /* 1-based, including the offset */
    char *id;       /* all strings new, owned by the results */
    char *question; /* exactly as in the source */
    char *answer;   /* exactly as in the source */
    char *source;
    char *date;        /* NULL when unknown */
    int kind;          /* enum wd_record_kind */
    double score;      /* the ranking's score: orders hits, means nothing alone */
    double confidence; /* the estimated probability that the record answers the question,
                          the same on any knowledge base (see wd_searcher_calibration) */
    char *snippet;
    size_t (*highlights)[2]; /* [start, end) code-point offsets into snippet */
    size_t n_highlights;
    wd_term_weight *explain; /* with opts.explain: the matched terms */
    size_t n_explain;
    double *features; /* with opts.features: WD_HIT_NFEATURES numbers (new), named by
                         wd_hit_feature_name; NULL otherwise */
    char **more;      /* with opts.distinct: the ids of the records folded into this one
                         (the same or nearly the same question and answer), new */
    size_t n_more;
    wd_field *fields; /* the record's extra fields (names and values new) */
    size_t n_fields;
    double *rank_features; /* with opts.features: the ranking's WD_HIT_NRANK_FEATURES
                              numbers (new), named by wd_hit_rank_feature_name */
} wd_hit;

/* The features of a hit's confidence, and their names. */
#define WD_HIT_NFEATURES 20
const char *wd_hit_feature_name(int i);
/* The features the ranking ordered the hits by, and their names. */
#define WD_HIT_NRANK_FEATURES 20
const char *wd_hit_rank_feature_name(int i);

/* The candidates whose confidence decides whether a question is answered
 * (wd_results.answered besides the page's hits, and coverage's verdict):
 * the first WD_JUDGED of the ranking, whatever page was asked for. */
#define WD_JUDGED 8

/* A word association: mined from the index's records when it was built
 * (a word of questions and a word their answers use, words of questions
 * that share an answer, a short and a long form), used at search time as a
 * weaker stand-in for the asked word. */
typedef struct wd_association {
    char *word;    /* the asked word, normalised (new) */
    char *other;   /* the word associated with it (new) */
    char kind;     /* 't' translation (question word -> answer word), 'a' same answer,
                      's' short or long form, 'l' the long form of a short form over
                      several words (other: those words, joined) */
    double weight; /* how strong the association is, (0, 1] */
    double scale;  /* in a search: the weight its query leaf had (never above the
                      asked word's own); 0 in a listing */
} wd_association;

/* The name of an association's kind ("translation", "same answer", "short form",
 * "long form"). */
const char *wd_association_kind_name(char kind);
/* Free what each of a[0..n) holds and a itself. NULL is a no-op. */
void wd_associations_free(wd_association *a, size_t n);

typedef struct wd_results {
    char *query;
    double took_ms;
    uint32_t total;        /* Xapian's estimate of the records matching any word of the question
                       (a lower bound past the first hundred; not a count of answers) */
    int answered;          /* 1: a hit on the page or one of the first WD_JUDGED candidates
                              reaches opts.min_confidence */
    double min_confidence; /* the threshold answered was judged at */
    wd_hit *hits;
    size_t n_hits;
    char *parsed; /* with opts.explain: the query as Xapian sees it */
    /* With opts.allow_partial: 1 when some shards did not answer and the
     * hits come from the others only; missing_shards names them (new). */
    int partial;
    char **missing_shards;
    size_t n_missing;
    /* 1 when the question was too long to search for whole: it was searched
     * for by its most informative words (at most 64 distinct words, read
     * from its first 64 KiB), and the hits and confidences are for those. */
    int trimmed;
    /* When the question's letters read as pinyin and the text as typed
     * found no answer: the Chinese they were read as (yidijiuyi: 异地就医),
     * which the hits are for (new); NULL when searched as typed. */
    char *read_as;
    /* With opts.facets: each facet asked for, in the order asked. */
    wd_facet *facets;
    size_t n_facets;
    /* With opts.explain: the word associations the search used (new). */
    wd_association *assoc;
    size_t n_assoc;
} wd_results;

/* Open the index at `path` read-only. `dict` is borrowed and must outlive
 * the searcher. *out is new, NULL on failure: WD_ENOTFOUND when there is no
 * index at path, WD_ECORRUPT, WD_EIO, WD_ENETWORK when a remote shard does
 * not answer (the message names it).
 *
 * `path` may be a shard list: comma-separated index directories, stub
 * database files and tcp://HOST:PORT remotes (xapian-tcpsrv), or a Xapian
 * stub database file listing them (lines `auto PATH`, `glass PATH`,
 * `remote HOST:PORT`; relative paths are relative to the stub's directory).
 * Xapian combines the shards, so ranking statistics are global. The searcher
 * keeps the list: when a search meets a shard that does not answer, it finds
 * which shards do (each opened alone, with the timeout) and either fails
 * with WD_ENETWORK naming the dead ones or, with opts.allow_partial,
 * searches the live ones and marks the results partial. Later searches try
 * the whole list again (at most once a second while a shard is down), so a
 * shard that comes back is used again. */
int wd_searcher_open(wd_searcher **out, const char *path, const wd_dict *dict, wd_error *err);
/* The same, with opts->timeout_ms for remote shards, with
 * opts->allow_partial a shard list opens when at least one shard answers,
 * and with opts->record_cache_mb for the record cache.
 * opts may be NULL (= wd_searcher_open). */
int wd_searcher_open_with(wd_searcher **out, const char *path, const wd_dict *dict,
                          const wd_search_opts *opts, wd_error *err);
void wd_searcher_close(wd_searcher *s);
/* Pick up changes committed since the searcher opened. */
int wd_searcher_reopen(wd_searcher *s, wd_error *err);

/* Ask. *out is new (wd_results_free), NULL on failure. WD_EINVAL for a
 * bad filter (a date not YYYY-MM-DD, an unknown kind or facet), and for a
 * date range, the date sort or facets on an index written before they
 * existed (schema 2: the message says to rebuild it). An empty question
 * (or one of only punctuation) is not an error: it gives no hits. A long
 * question is not refused either: it is trimmed (wd_results.trimmed), so
 * that what a search costs is bounded whatever its length. */
int wd_search(wd_searcher *s, const char *question, size_t len, const wd_search_opts *opts,
              wd_results **out, wd_error *err);
void wd_results_free(wd_results *r);
/* Check a search's filter and facet options without an index: WD_EINVAL
 * with a message naming the option (kind, date_from, date_to, facets) and
 * what it wants. wd_search checks the same. */
int wd_search_opts_check(const wd_search_opts *o, wd_error *err);

/* Fetch one record by id into a one-hit result (snippet = start of the
 * answer). *out is new, NULL on failure: release it with wd_hit_free(h) and
 * then wd_free(h). WD_ENOTFOUND when there is no such record. */
int wd_searcher_get(wd_searcher *s, const char *id, wd_hit **out, wd_error *err);
/* The word associations of `word` (normalised here) the index stores, the
 * strongest first, without those the dictionary overlay took out: *out is
 * new (free with wd_associations_free; NULL when none), *n their count. An
 * index without associations (built by an older wenda) has none. WD_ENOMEM,
 * or the index's error. */
int wd_searcher_associations(wd_searcher *s, const char *word, size_t len, wd_association **out,
                             size_t *n, wd_error *err);
/* Release what a hit owns (its strings and arrays), not the wd_hit itself,
 * which may sit inside a wd_results. NULL is a no-op. */
void wd_hit_free(wd_hit *h);

typedef struct wd_index_info {
    uint32_t documents;
    uint64_t terms;
    uint64_t size_bytes; /* on disk */
    char *dict_version;  /* the dictionary that built it (new; may be "") */
    char *schema;        /* new */
    char *checkpoint;    /* new; the last committed checkpoint */
    double avg_length;
    int stored_analyses; /* 1: the index stores its questions' analyses (schema 4), made with
                            the searcher's dictionary, and searches read them; 0: searches
                            analyse each candidate's question (slower; re-index to store them) */
} wd_index_info;

int wd_searcher_info(wd_searcher *s, const char *path, wd_index_info *out, wd_error *err);
void wd_index_info_clear(wd_index_info *info);

/* What a knowledge base is, for a page that searches it: its title,
 * description and example questions as `wenda index --title --description
 * --examples` kept them in the index; examples the index does not keep are
 * derived from its own questions (the best record for each of the words
 * its questions use most), so that a page shows questions the base answers. */
typedef struct wd_index_about {
    char *title;       /* new; "" when not set */
    char *description; /* new; "" when not set */
    char **examples;   /* new; n_examples questions */
    size_t n_examples;
    int derived;  /* 1: the examples were derived, not set at index time */
    char *fields; /* new; the records' extra fields' names, comma-separated ("" for none) */
} wd_index_about;

/* At most this many examples are derived. */
#define WD_ABOUT_EXAMPLES 3

/* Fill *out (cleared first). WD_ENOMEM, or the index's errors. Reads every
 * question-field term of the index once when it must derive examples. */
int wd_searcher_about(wd_searcher *s, wd_index_about *out, wd_error *err);
void wd_index_about_clear(wd_index_about *about);

/* Walk every record stored in the index at `path`, in index order, through
 * its own read-only view (no searcher is touched, so any thread may call it
 * while searchers are in use; it is not thread safe with itself only in the
 * sense that `fn` runs on the calling thread). Each record and its strings
 * are borrowed for the duration of the call (line is 0). If a writer commits
 * during the walk, `fn` is called once with rec == NULL, meaning "forget the
 * records seen so far: the walk starts over on the new revision". *count (if
 * given) is the number of records passed in the last (complete) walk.
 * Errors: WD_ENOTFOUND (no index), WD_ECORRUPT (a document is not a wenda
 * record), WD_EMODIFIED (still changing after several attempts), WD_EIO,
 * or fn's non-zero return, passed up. */
int wd_index_each_record(const char *path, wd_record_fn fn, void *ctx, uint32_t *count,
                         wd_error *err);
/* The same walk through searcher s's open index (reopened on a commit
 * under the walk, as a search would be): for a caller that holds a
 * searcher anyway, one open index instead of two. Like a search, not
 * while another thread uses s. */
int wd_searcher_each_record(wd_searcher *s, wd_record_fn fn, void *ctx, uint32_t *count,
                            wd_error *err);

/* ---- the answer confidence's thresholds -------------------------------------- */

/* A hit's confidence is the estimated probability that its record answers
 * the question, the same on any knowledge base; a calibration says where
 * to draw the lines: a record at or above covered_at answers the question
 * (wd_results.answered, coverage's `covered`), one from partial_at may.
 * The built-in thresholds were chosen on the development splits of three
 * knowledge bases; a base's own labelled questions can set its own
 * (`wenda coverage --calibrate`), kept in the index folder
 * (WD_CALIBRATION_FILE) or in a file of the user's. */
typedef struct wd_calibration {
    double covered_at;
    double partial_at;
    int fitted;         /* 0: the built-in thresholds; 1: fitted to labelled questions */
    char fitted_at[24]; /* when (UTC, ISO 8601; fitted only) */
    unsigned questions; /* how many labelled questions (fitted only) */
    double accuracy;    /* of the verdicts on them at these thresholds */
    double auc;         /* of the confidence on them, answered against not */
    char model[24];     /* the confidence model they were fitted for */
} wd_calibration;

/* The partial band of a calibration: from this share of covered_at up to
 * it (a record that may answer: shown, not trusted). */
#define WD_PARTIAL_SHARE 0.7
#define WD_CALIBRATION_FILE "wenda.calibration"

/* The built-in thresholds, for the model this library carries. */
void wd_calibration_builtin(wd_calibration *out);
/* The identity of this library's confidence model (what a fitted
 * calibration must have been fitted for). Borrowed, static. */
const char *wd_confidence_model(void);
/* Read a calibration file (JSON). WD_ENOTFOUND, WD_EIO, WD_EFORMAT, or
 * WD_EINVAL when it was fitted for another confidence model (refit it). *out
 * is the built-in calibration on failure. */
int wd_calibration_read(const char *file, wd_calibration *out, wd_error *err);
/* Its file form, appended to out (JSON). WD_ENOMEM. */
int wd_calibration_to_json(const wd_calibration *cal, wd_buf *out);
/* Write one, atomically (a temporary file renamed). WD_EIO. */
int wd_calibration_write(const char *file, const wd_calibration *cal, wd_error *err);
/* Fit thresholds to labelled questions: confidence[i] and whether question
 * i is answered by the base (1) or not (0). covered_at is the threshold
 * with the most questions right (the middle of the best plateau); partial_at
 * is 0.7 of it. Fills accuracy, auc, questions, fitted and fitted_at.
 * WD_EINVAL when there are not both kinds of question. */
int wd_calibration_fit(const double *confidence, const int *answered, size_t n, wd_calibration *out,
                       wd_error *err);

/* The calibration a searcher judges by (borrowed): the index folder's
 * WD_CALIBRATION_FILE when it has one fitted for this model, else the
 * built-in one, until wd_searcher_set_calibration. */
const wd_calibration *wd_searcher_calibration(const wd_searcher *s);
void wd_searcher_set_calibration(wd_searcher *s, const wd_calibration *cal);

/* What a searcher's record cache (wd_search_opts.record_cache_mb) did since
 * the searcher opened: candidate records found in it and records read from
 * the index, and the records and bytes it holds now (none over a shard
 * list, where each search has a cache of its own). */
typedef struct wd_record_cache_stats {
    uint64_t hits, misses;
    size_t records, bytes;
} wd_record_cache_stats;
void wd_searcher_record_cache_stats(const wd_searcher *s, wd_record_cache_stats *out);

/* The sounds of an index's questions, for reading a question typed in
 * pinyin (yibao, ybbx): made from every stored question on the first such
 * question, which on a large base takes a second or more and tens of MB.
 * Each searcher has a holder of its own; searchers over the same revision
 * of one index (a service's worker threads) can share one instead, so that
 * the table is made once and held once. A holder is reference-counted and
 * thread safe. */
typedef struct wd_sounds wd_sounds;
/* An empty holder (*out is new). WD_ENOMEM. */
int wd_sounds_new(wd_sounds **out, wd_error *err);
/* How many questions' sounds it holds: 0 until a pinyin question made the
 * table. */
size_t wd_sounds_questions(wd_sounds *snd);
/* Drop a reference; the last frees the holder and its table. NULL is a
 * no-op. */
void wd_sounds_release(wd_sounds *snd);
/* s reads pinyin questions through shared (taking a reference) instead of
 * its own holder, until it is reopened (wd_searcher_reopen: the index
 * changed, so it has a holder of its own again) or closed. shared must be
 * for the revision of the index s has open. */
void wd_searcher_share_sounds(wd_searcher *s, wd_sounds *shared);

/* JSON rendering shared by the CLI and the service, exactly the stable
 * format of `wenda ask --json`. `full` adds "answer". Appends one line
 * (no trailing newline) to out. A string that is not valid UTF-8 (a hit's
 * field, an explain entry) is left out with its key; facet names and values
 * are written as given (the searcher's are distinct). WD_OK, or WD_ENOMEM
 * with out->oom set and what was appended so far in out (discard it). */
int wd_results_to_json(const wd_results *r, int full, wd_buf *out);
int wd_hit_to_json(const wd_hit *h, int full, wd_buf *out);
/* {"error": {"code": ..., "message": ...}}; bytes of the message that are
 * not UTF-8 print as '?'. WD_OK or WD_ENOMEM, as above. */
int wd_error_to_json(const wd_error *err, wd_buf *out);

#ifdef __cplusplus
}
#endif
#endif
