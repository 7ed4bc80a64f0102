/*
 * document.h - private to indexer/: turning a record into a Xapian document.
 *
 * A builder holds what one thread needs for that (its own analyzer and
 * buffers); every thread that builds documents has one, all made from the
 * same wd_build_opts, so a record becomes the same document whichever thread
 * builds it. The layout of the document is common/schema.h's.
 *
 * Thread safety: a builder belongs to one thread at a time.
 */
#ifndef WENDA_INDEXER_DOCUMENT_H
#define WENDA_INDEXER_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "wenda/analyzer.h"
#include "wenda/buf.h"
#include "wenda/corpus.h"
#include "wenda/error.h"
#include "xapian_c.h"

/* How an index's records become documents. */
typedef struct wd_build_opts {
    const wd_dict *dict;  /* borrowed */
    int dictionary_layer; /* 0: ICU words only (wd_index_opts.no_dictionary_layer) */
    int answer_positions; /* 1: the answer's terms get positions too */
    size_t id_verbatim;   /* the index's schema: WD_ID_VERBATIM, or schema 1's */
} wd_build_opts;

typedef struct wd_builder {
    wd_analyzer *an;
    wd_buf term;    /* a whole term */
    wd_buf record;  /* the record's JSON */
    wd_buf stored;  /* the question's stored analysis */
    wd_buf words;   /* the record's words for the association miner (assoc_mine.h): the question's
                     whole words, an empty string, the answer's (each NUL-terminated) */
    uint64_t stamp; /* of the analyses this builder makes (analysis.h) */
    char key_term[WD_KEY_TERM_SIZE]; /* a key term */
    size_t id_verbatim;
    int answer_positions;
} wd_builder;

/* Set up *b (uninitialised) for `opts`; on failure *b is still safe to
 * clear. */
int wd_builder_init(wd_builder *b, const wd_build_opts *opts, wd_error *err);
void wd_builder_clear(wd_builder *b);

/* The whole document of a record (checked by wd_record_check): the
 * question's terms (no positions) and CJK bigrams, the answer's terms, the kind,
 * source and id terms, the id value, the question's stored analysis and the
 * record as JSON data. *out is new, NULL on failure. b->words gets the
 * record's words for the association miner. */
int wd_builder_build(wd_builder *b, const wd_record *rec, xc_doc **out, wd_error *err);

/* What the writer accepts: an id and a question, and strings that are valid
 * UTF-8 (the stored record is JSON). WD_EINVAL naming the field. */
int wd_record_check(const wd_record *rec, wd_error *err);

#endif
