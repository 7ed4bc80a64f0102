/*
 * json.c - the stable JSON forms of results, hits and errors that the CLI
 * and the service both print. UTF-8 is written as is (no \u escapes).
 *
 * The JSON is written straight into the caller's buffer, member by member,
 * byte for byte the compact dump of the jansson tree this format was first
 * made with (JSON_COMPACT, JSON_REAL_PRECISION(10)), so that the output of
 * every version reads the same: members in the order below, strings through
 * wd_buf_json_string, a real as jansson prints it ("%.10g" with ".0" added to
 * a whole number and the exponent's '+' and leading zeros dropped: 1.0,
 * 0.0001, 5e-6). What that tree left out is left out here too: a member whose
 * string is NULL or not UTF-8 or whose number is not finite, and an element
 * of "explain" or "associations" holding one.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "wenda/record.h"
#include "wenda/search.h"

/* ---- the writer ------------------------------------------------------------------ */

/* A string JSON can hold: NULL and bytes that are not UTF-8 cannot. */
static int text_ok(const char *s)
{
    return s && wd_utf8_valid(s, strlen(s), NULL);
}

/* The comma before a member or element: none first in its object or array. */
static void sep(wd_buf *b)
{
    if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[')
        wd_buf_putc(b, ',');
}

/* A member's name: k is a name of this format (ASCII, nothing to escape). */
static void name(wd_buf *b, const char *k)
{
    sep(b);
    wd_buf_putc(b, '"');
    wd_buf_puts(b, k);
    wd_buf_append(b, "\":", 2);
}

/* A member's name from data (a field's, a facet's): checked by the caller. */
static void data_name(wd_buf *b, const char *k)
{
    sep(b);
    wd_buf_json_string(b, k, strlen(k));
    wd_buf_putc(b, ':');
}

static void string(wd_buf *b, const char *s)
{
    wd_buf_json_string(b, s, strlen(s));
}

static void integer(wd_buf *b, long long v)
{
    char d[24];
    size_t n = sizeof d;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        d[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        d[--n] = '-';
    wd_buf_append(b, d + n, sizeof d - n);
}

/* x as jansson's dump prints a real with precision 10: "%.10g", ".0" after a
 * number with neither '.' nor 'e', no '+' or leading zeros in the exponent. */
static void real_printf(wd_buf *b, double x)
{
    char s[40];
    int n = snprintf(s, sizeof s, "%.10g", x);
    if (n < 0 || (size_t)n >= sizeof s - 2) { /* "%.10g" needs 17 at most: never */
        b->oom = 1;
        return;
    }
    /* A program embedding the library may have set LC_NUMERIC: JSON's point
     * is '.' (the locale's first byte, as "1." of "%#.0f" shows it). */
    char point[4];
    snprintf(point, sizeof point, "%#.0f", 1.0);
    char *at = point[1] && point[1] != '.' ? strchr(s, point[1]) : NULL;
    if (at)
        *at = '.';
    char *e = strchr(s, 'e');
    if (!e && !strchr(s, '.')) {
        memcpy(s + n, ".0", 3);
        n += 2;
    } else if (e) {
        char *from = e + 1, *to = e + 1;
        if (*from == '-')
            *to++ = *from++;
        else if (*from == '+')
            from++;
        while (*from == '0' && from[1])
            from++;
        memmove(to, from, strlen(from) + 1);
        n = (int)strlen(s);
    }
    wd_buf_append(b, s, (size_t)n);
}

static const double unit_of[] = { 1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6 };

/* v rounded to `places` decimals, as this format always rounds. */
static double rounded(double v, int places)
{
    return round(v / unit_of[places]) * unit_of[places];
}

/* rounded(v, places), printed as real_printf prints it. Written from the
 * integer round(v / unit) when it has at most 9 digits: the rounded double
 * is then within a few units in its last place of that integer's decimal,
 * which has fewer significant digits than the 10 printed, so "%.10g" shows
 * exactly its digits; larger ones go through snprintf. v must be finite
 * once rounded. */
static void real(wd_buf *b, double v, int places)
{
    double q = round(v / unit_of[places]), x = q * unit_of[places];
    if (fabs(q) >= 1e9) {
        real_printf(b, x);
        return;
    }
    char digits[12], d[48];
    int nd = 0;
    size_t n = 0;
    for (unsigned long k = (unsigned long)fabs(q); k || !nd; k /= 10)
        digits[nd++] = (char)('0' + k % 10); /* least significant first */
    if (signbit(x))
        d[n++] = '-';
    int exp10 = nd - 1 - places, low = 0; /* low: the lowest digit that is not 0 */
    while (low < nd - 1 && digits[low] == '0')
        low++;
    if (nd == 1 && digits[0] == '0') {
        memcpy(d + n, "0.0", 3);
        n += 3;
    } else if (exp10 < -4) { /* d.ddde-X */
        d[n++] = digits[nd - 1];
        if (low < nd - 1)
            d[n++] = '.';
        for (int i = nd - 2; i >= low; i--)
            d[n++] = digits[i];
        d[n++] = 'e';
        d[n++] = '-';
        if (-exp10 >= 10)
            d[n++] = (char)('0' + -exp10 / 10);
        d[n++] = (char)('0' + -exp10 % 10);
    } else { /* the whole part, '.', the decimals to the last that is not 0 (or one 0) */
        if (nd <= places)
            d[n++] = '0';
        for (int i = nd - 1; i >= places; i--)
            d[n++] = digits[i];
        d[n++] = '.';
        if (low >= places)
            d[n++] = '0';
        for (int i = places - 1; i >= low; i--)
            d[n++] = i < nd ? digits[i] : '0';
    }
    wd_buf_append(b, d, n);
}

static void put_str(wd_buf *b, const char *k, const char *s)
{
    if (!text_ok(s))
        return;
    name(b, k);
    string(b, s);
}

static void put_int(wd_buf *b, const char *k, long long v)
{
    name(b, k);
    integer(b, v);
}

/* A number that is not finite is no member. */
static void put_real(wd_buf *b, const char *k, double v, int places)
{
    if (!isfinite(rounded(v, places)))
        return;
    name(b, k);
    real(b, v, places);
}

static void put_bool(wd_buf *b, const char *k, int v)
{
    name(b, k);
    wd_buf_puts(b, v ? "true" : "false");
}

/* ---- the forms ------------------------------------------------------------------- */

/* A record's extra fields. A name given twice keeps its first place and its
 * last value, as a JSON object set twice does. */
static void fields_json(wd_buf *b, const wd_field *f, size_t n)
{
    name(b, "fields");
    wd_buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (!text_ok(f[i].name) || !text_ok(f[i].value))
            continue;
        int earlier = 0;
        for (size_t j = 0; j < i && !earlier; j++)
            earlier =
                text_ok(f[j].name) && text_ok(f[j].value) && strcmp(f[j].name, f[i].name) == 0;
        if (earlier)
            continue;
        size_t last = i;
        for (size_t j = i + 1; j < n; j++)
            if (text_ok(f[j].name) && text_ok(f[j].value) && strcmp(f[j].name, f[i].name) == 0)
                last = j;
        data_name(b, f[i].name);
        string(b, f[last].value);
    }
    wd_buf_putc(b, '}');
}

static void hit_json(wd_buf *b, const wd_hit *h, int full)
{
    wd_buf_putc(b, '{');
    put_int(b, "rank", h->rank);
    put_str(b, "id", h->id);
    put_str(b, "question", h->question);
    put_str(b, "kind", wd_record_kind_name(h->kind));
    put_real(b, "score", h->score, 6);
    put_real(b, "confidence", h->confidence, 4);
    put_str(b, "snippet", h->snippet ? h->snippet : "");
    name(b, "highlights");
    wd_buf_putc(b, '[');
    for (size_t i = 0; i < h->n_highlights; i++) {
        sep(b);
        wd_buf_putc(b, '[');
        integer(b, (long long)h->highlights[i][0]);
        wd_buf_putc(b, ',');
        integer(b, (long long)h->highlights[i][1]);
        wd_buf_putc(b, ']');
    }
    wd_buf_putc(b, ']');
    put_str(b, "source", h->source ? h->source : "");
    if (h->date)
        put_str(b, "date", h->date);
    if (full)
        put_str(b, "answer", h->answer ? h->answer : "");
    if (h->features) {
        name(b, "features");
        wd_buf_putc(b, '{');
        for (int i = 0; i < WD_HIT_NFEATURES; i++) {
            const char *k = wd_hit_feature_name(i);
            if (k && text_ok(k))
                put_real(b, k, h->features[i], 6);
        }
        wd_buf_putc(b, '}');
    }
    if (h->n_fields)
        fields_json(b, h->fields, h->n_fields);
    if (h->n_more) {
        name(b, "more_like_this");
        wd_buf_putc(b, '[');
        for (size_t i = 0; i < h->n_more; i++)
            if (text_ok(h->more[i])) {
                sep(b);
                string(b, h->more[i]);
            }
        wd_buf_putc(b, ']');
    }
    if (h->n_explain) {
        name(b, "explain");
        wd_buf_putc(b, '[');
        for (size_t i = 0; i < h->n_explain; i++) {
            const wd_term_weight *t = &h->explain[i];
            if (!text_ok(t->term) || !isfinite(rounded(t->weight, 6)))
                continue;
            sep(b);
            wd_buf_putc(b, '{');
            put_str(b, "term", t->term);
            put_real(b, "weight", t->weight, 6);
            wd_buf_putc(b, '}');
        }
        wd_buf_putc(b, ']');
    }
    wd_buf_putc(b, '}');
}

int wd_hit_to_json(const wd_hit *h, int full, wd_buf *out)
{
    hit_json(out, h, full);
    return out->oom ? WD_ENOMEM : WD_OK;
}

static int assoc_ok(const wd_association *a)
{
    return text_ok(a->word) && text_ok(a->other) && text_ok(wd_association_kind_name(a->kind)) &&
           isfinite(rounded(a->weight, 4)) && isfinite(rounded(a->scale, 4));
}

int wd_results_to_json(const wd_results *r, int full, wd_buf *out)
{
    wd_buf *b = out;
    wd_buf_putc(b, '{');
    put_str(b, "query", r->query ? r->query : "");
    if (r->read_as)
        put_str(b, "read_as", r->read_as);
    put_real(b, "took_ms", r->took_ms, 3);
    put_int(b, "total", r->total);
    put_bool(b, "answered", r->answered);
    put_real(b, "min_confidence", r->min_confidence, 4);
    name(b, "hits");
    wd_buf_putc(b, '[');
    for (size_t i = 0; i < r->n_hits; i++) {
        sep(b);
        hit_json(b, &r->hits[i], full);
    }
    wd_buf_putc(b, ']');
    if (r->parsed)
        put_str(b, "parsed", r->parsed);
    if (r->n_assoc) {
        name(b, "associations");
        wd_buf_putc(b, '[');
        for (size_t i = 0; i < r->n_assoc; i++) {
            const wd_association *a = &r->assoc[i];
            if (!assoc_ok(a))
                continue;
            sep(b);
            wd_buf_putc(b, '{');
            put_str(b, "word", a->word);
            put_str(b, "associated", a->other);
            put_str(b, "kind", wd_association_kind_name(a->kind));
            put_real(b, "weight", a->weight, 4);
            put_real(b, "scale", a->scale, 4);
            wd_buf_putc(b, '}');
        }
        wd_buf_putc(b, ']');
    }
    if (r->trimmed)
        put_bool(b, "trimmed", 1);
    if (r->partial) {
        put_bool(b, "partial", 1);
        name(b, "missing_shards");
        wd_buf_putc(b, '[');
        for (size_t i = 0; i < r->n_missing; i++)
            if (text_ok(r->missing_shards[i])) {
                sep(b);
                string(b, r->missing_shards[i]);
            }
        wd_buf_putc(b, ']');
    }
    if (r->facets) {
        /* Facet names and each facet's values are distinct (facets.c). */
        name(b, "facets");
        wd_buf_putc(b, '{');
        for (size_t i = 0; i < r->n_facets; i++) {
            const wd_facet *f = &r->facets[i];
            if (!text_ok(f->name))
                continue;
            data_name(b, f->name);
            wd_buf_putc(b, '{');
            for (size_t k = 0; k < f->n_values; k++) {
                if (!text_ok(f->values[k].value))
                    continue;
                data_name(b, f->values[k].value);
                integer(b, f->values[k].count);
            }
            wd_buf_putc(b, '}');
        }
        wd_buf_putc(b, '}');
    }
    wd_buf_putc(b, '}');
    return b->oom ? WD_ENOMEM : WD_OK;
}

int wd_error_to_json(const wd_error *err, wd_buf *out)
{
    wd_buf_puts(out, "{\"error\":{");
    put_str(out, "code", wd_code_name(err->code));
    /* A message quoting bad input (a path, a line) must still print: bytes
     * that are not UTF-8 are shown as '?'. */
    char msg[sizeof err->message];
    memcpy(msg, err->message, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    wd_utf8_scrub(msg);
    put_str(out, "message", msg);
    wd_buf_puts(out, "}}");
    return out->oom ? WD_ENOMEM : WD_OK;
}
