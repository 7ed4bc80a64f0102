/*
 * pinyin_query.h - private to query/: reading a question typed in pinyin
 * (yibao, yidijiuyi, ybbx, 异地jiuyi) as the Chinese it spells.
 *
 * The Chinese comes from the knowledge base itself: the typed text is
 * matched by sound (wenda/pinyin.h, the matcher the service's suggestions
 * use) against every stored question, and the stretch of question text it
 * matches most often is the reading. The questions' sounds are made once,
 * on the first question that needs them, and kept in a holder (wd_sounds,
 * wenda/search.h) that one searcher has alone or several share, until it
 * reopens. Building takes the holder's build lock (a second searcher waits
 * for the table instead of making another); reading takes its read lock
 * only while it looks up characters' readings (the matcher's cache), and
 * matches the questions' sounds without it.
 */
#ifndef WENDA_QUERY_PINYIN_QUERY_H
#define WENDA_QUERY_PINYIN_QUERY_H

#include <stddef.h>

#include "wenda/error.h"
#include "wenda/search.h"
#include "xapian_c.h"

/* The Chinese the question spells: *out is new, or NULL when its letters
 * do not all read as pinyin (an English word, no letters at all) or spell
 * nothing the base's questions hold. snd holds the questions' sounds
 * (made from db on first use); dict's general-language frequencies weigh
 * the readings. WD_ENOMEM, or the errors of reading the records. */
int wd_pinyin_query_read(wd_sounds *snd, xc_db *db, wd_analyzer *an, const wd_dict *dict,
                         const char *question, size_t len, char **out, wd_error *err);

/* Every record of db, in docid order (records.c). */
int wd_db_each_record(xc_db *db, wd_record_fn fn, void *ctx, wd_error *err);

#endif
