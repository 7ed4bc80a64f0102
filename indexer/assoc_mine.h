/*
 * assoc_mine.h - private to indexer/: word associations mined from the records
 * being indexed (no outside model), stored with the index.
 *
 * Every record written by a run that builds an index from empty is fed to
 * a miner: the whole words (not particles, not sub-words) of its analysed
 * question and of its analysed answer. At the end the miner keeps, for each
 * word, its few strongest associations, each weighted in (0, 1] and marked
 * with how it was found:
 *
 *   t  translation: a question word and an answer word that go together far
 *      more often than chance (normalised pointwise mutual information over
 *      the records' question-word x answer-word pairs, the question-answer
 *      archive retrieval of Jeon, Croft and Lee, and Xue, Jeon and Croft);
 *   a  same answer: words of two questions that share an answer, each in one
 *      of them only (two ways to ask the same thing);
 *   s  short form: a word whose characters are an ordered, non-contiguous
 *      subsequence of a longer word's (消协 of 消费者协会, 高校 of 高等院校),
 *      the two used in like contexts (the cosine of their translation rows).
 *      Contiguous parts are left out: the index already holds them as the
 *      long word's sub-words.
 *   l  long form over several words: a short form (2 or 3 characters) of a
 *      run of 2 to 4 adjacent words of the base, the analyzer splitting the
 *      long form (醉驾 of 醉酒 驾驶, 农保 of 农村 社会 养老保险): its first
 *      character the run's first, each other one from a word of its own (the
 *      first character of a word between, at most one; the first, middle or
 *      last of the run's last word). Runs of words that belong together (the
 *      normalised PMI of the run against its words, least `h`) seen at least
 *      `c` times give them; the plain form of two words (each one's first
 *      character) is taken as users coin it, even when the base never says
 *      it, the others only when the base says the word. A short form's long
 *      forms are weighed by their share of the runs giving it times how much
 *      more often the base says the long form than the short form is said as
 *      a word of its own (by the base, and by general Chinese, dict's general
 *      word list, in a text of the base's size). Stored one way (short ->
 *      long), OTHER the run's words joined by spaces; at most two long forms
 *      a short form. Runs are read from all the words the document builder
 *      passes (up to 128 of an answer), so the vocabulary holds those too.
 *
 * The result is text (query/assoc.h reads it), stored in the index's
 * metadata under WD_META_ASSOC at the run's last commit:
 *
 *   wenda-assoc 1
 *   WORD<TAB>OTHER<TAB>KIND<TAB>WEIGHT      (one a line; WEIGHT 0.001 .. 1)
 *
 * Memory is bounded: the vocabulary is capped (later new words are not
 * counted), each record gives at most WD_ASSOC_QWORDS x WD_ASSOC_AWORDS
 * pairs, and the pair tables drop their rarest pairs when full (lossy
 * counting), so a strong pair survives and a table never grows past its
 * cap. Runs of words are counted in a table of their own, capped and
 * pruned the same way.
 *
 * Development knob: WENDA_ASSOC="t=0.3,a=0.2,s=0.3,l=0.3,k=5,c=3,h=0.5" sets
 * each kind's least weight (0 or less: the kind is not mined), the
 * associations kept per word, the least co-occurrence count and the least
 * cohesion of a long form's words; read when a miner is made.
 *
 * Thread safety: a miner belongs to one thread (the writer's).
 */
#ifndef WENDA_INDEXER_ASSOC_MINE_H
#define WENDA_INDEXER_ASSOC_MINE_H

#include <stddef.h>
#include <stdint.h>

#include "wenda/analyzer.h"
#include "wenda/buf.h"
#include "wenda/error.h"

/* Words of a question and of an answer a record contributes at most. */
#define WD_ASSOC_QWORDS 12
#define WD_ASSOC_AWORDS 16

typedef struct wd_assoc_miner wd_assoc_miner;

/* *out is new (NULL when out of memory: WD_ENOMEM). dict (borrowed, may be
 * NULL) is the dictionary the records are analysed with: its general word
 * list says how often general Chinese uses a short form as a word of its
 * own, which weighs against a long form (kind l). */
int wd_assoc_miner_new(wd_assoc_miner **out, const wd_dict *dict);
void wd_assoc_miner_free(wd_assoc_miner *m);

/* One record: words[0..len) is its question's words then its answer's, each
 * NUL-terminated, the two lists separated by an empty string (what the
 * document builder collects, document.h); answer[0..alen) its answer as
 * stored (records with the same answer are grouped by it). Out of memory
 * stops the mining (the index is written all the same, without
 * associations). */
void wd_assoc_miner_feed(wd_assoc_miner *m, const char *words, size_t len, const char *answer,
                         size_t alen);
/* Add src's counts to dst (the parts of a bulk build) and free src. */
void wd_assoc_miner_take(wd_assoc_miner *dst, wd_assoc_miner *src);
/* Records fed so far. */
uint64_t wd_assoc_miner_records(const wd_assoc_miner *m);
/* The associations in their stored form into out (reset first); nothing
 * when there are none or mining ran out of memory. WD_ENOMEM. */
int wd_assoc_miner_finish(wd_assoc_miner *m, wd_buf *out);

#endif
