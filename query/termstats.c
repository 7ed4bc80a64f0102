/*
 * termstats.c - the term statistics table (termstats.h) and the IDF
 * definitions. Looking a term up is a B-tree read (a round trip per shard
 * over remote shards), while one search asks for a few hundred terms, most
 * of them again and again across searches: hence the table.
 */
#include <math.h>
#include <string.h>

#include "hash.h"
#include "termstats.h"

/* The table's entry of prefix + word, looked up in the index the first
 * time; *df gets its documents. NULL when it is not remembered (too long to
 * be a term, a lost shard, out of memory): *df is answered all the same. */
static wd_termstat *entry(wd_termstats *t, xc_db *db, const char *prefix, const char *word,
                          size_t len, uint64_t hash, uint32_t *df)
{
    *df = 0;
    /* The table's key is the word, a NUL, then the prefix (its tag): it
     * starts with the word, whose hash the caller has, and no two (prefix,
     * word) pairs share one (the last NUL ends the word). Most look-ups are
     * answered here, without joining the term at all. */
    char tag[XC_MAX_TERM_BYTES + 2];
    size_t pl = 0;
    tag[0] = '\0';
    for (; prefix[pl]; pl++) { /* a prefix is a byte or two: no call to copy it */
        if (pl + len >= XC_MAX_TERM_BYTES)
            return NULL; /* too long to be a term */
        tag[1 + pl] = prefix[pl];
    }
    if (pl + len > XC_MAX_TERM_BYTES)
        return NULL;
    wd_termstat *seen = wd_strmap_get_cat(&t->df, word, len, hash, tag, pl + 1);
    if (seen) {
        *df = seen->df;
        return seen;
    }
    if (t->lost.code)
        return NULL; /* a shard stopped answering: no more waiting on it */
    char term[XC_MAX_TERM_BYTES + 1];
    memcpy(term, prefix, pl);
    memcpy(term + pl, word, len);
    term[pl + len] = '\0';
    wd_error err;
    wd_error_clear(&err);
    if (xc_db_termfreq(db, term, df, &err) != WD_OK) {
        if (err.code == WD_ENETWORK) {
            t->lost = err;
            return NULL; /* not remembered: the term is unknown, not absent */
        }
        *df = 0;
    }
    char key[XC_MAX_TERM_BYTES + 2];
    memcpy(key, word, len);
    memcpy(key + len, tag, pl + 1);
    wd_termstat *slot = wd_strmap_put(&t->df, key, len + pl + 1, NULL);
    if (slot) /* out of memory: answered, not remembered */
        slot->df = *df;
    return slot;
}

uint32_t wd_termstats_df_hashed(wd_termstats *t, xc_db *db, const char *prefix, const char *word,
                                size_t len, uint64_t hash)
{
    uint32_t df;
    entry(t, db, prefix, word, len, hash, &df);
    return df;
}

double wd_termstats_idf_bm25(wd_termstats *t, xc_db *db, const char *prefix, const char *word,
                             size_t len, uint64_t hash)
{
    uint32_t df;
    wd_termstat *e = entry(t, db, prefix, word, len, hash, &df);
    if (!e)
        return wd_idf_bm25(t->ndocs, df);
    if (!e->has_bm25) { /* the table is emptied when ndocs changes */
        e->bm25 = wd_idf_bm25(t->ndocs, df);
        e->has_bm25 = 1;
    }
    return e->bm25;
}

uint32_t wd_termstats_df(wd_termstats *t, xc_db *db, const char *prefix, const char *word,
                         size_t len)
{
    return wd_termstats_df_hashed(t, db, prefix, word, len, wd_hash_bytes(word, len));
}

int wd_termstats_check(const wd_termstats *t, wd_error *err)
{
    if (!t->lost.code)
        return WD_OK;
    if (err)
        *err = t->lost;
    return t->lost.code;
}

void wd_termstats_reset(wd_termstats *t, double ndocs)
{
    wd_strmap_clear(&t->df);
    t->ndocs = ndocs;
    wd_error_clear(&t->lost);
}

void wd_termstats_free(wd_termstats *t)
{
    wd_termstats_reset(t, 0);
}

double wd_idf_bm25(double ndocs, uint32_t df)
{
    double idf = log((ndocs - df + 0.5) / (df + 0.5));
    return idf < 0.1 ? 0.1 : idf;
}

double wd_idf_smoothed(double ndocs, uint32_t df)
{
    double idf = log((ndocs + 1.0) / (df + 0.5));
    return idf < 0.1 ? 0.1 : idf;
}
