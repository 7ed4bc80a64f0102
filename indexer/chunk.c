/*
 * chunk.c - chunks of record copies, handed between threads (chunk.h).
 *
 * Each record is copied into one allocation of its own (the strings back to
 * back), so a chunk costs one allocation per record and frees as quickly.
 */
#include "chunk.h"

#include <string.h>

static const char *copy_str(char **p, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *r = *p;
    *p += n;
    return r;
}

int wd_chunk_add(wd_chunk **cp, const wd_record *rec, wd_error *err)
{
    if (!*cp && !(*cp = wd_calloc(1, sizeof **cp)))
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    wd_chunk *c = *cp;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        wd_job *j = wd_realloc(c->jobs, cap * sizeof *j);
        if (!j)
            return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
        c->jobs = j;
        c->cap = cap;
    }
    /* The extra fields' array first (aligned), then every string. */
    size_t n = rec->n_fields * sizeof(wd_field);
    const char *const s[] = { rec->id, rec->question, rec->answer, rec->source, rec->date };
    for (size_t i = 0; i < 5; i++)
        n += s[i] ? strlen(s[i]) + 1 : 0;
    for (size_t i = 0; i < rec->n_fields; i++)
        n += strlen(rec->fields[i].name) + strlen(rec->fields[i].value) + 2;
    wd_job *j = &c->jobs[c->n];
    memset(j, 0, sizeof *j);
    j->mem = wd_malloc(n ? n : 1);
    if (!j->mem)
        return wd_error_set(err, WD_ENOMEM, "index", "out of memory");
    wd_field *fields = rec->n_fields ? (wd_field *)(void *)j->mem : NULL;
    char *p = j->mem + rec->n_fields * sizeof(wd_field);
    j->rec = *rec;
    for (size_t i = 0; i < rec->n_fields; i++) {
        fields[i].name = copy_str(&p, rec->fields[i].name);
        fields[i].value = copy_str(&p, rec->fields[i].value);
    }
    j->rec.fields = fields;
    j->rec.id = copy_str(&p, rec->id);
    j->rec.question = copy_str(&p, rec->question);
    j->rec.answer = copy_str(&p, rec->answer);
    j->rec.source = copy_str(&p, rec->source);
    j->rec.date = copy_str(&p, rec->date);
    c->n++;
    c->bytes += n;
    return WD_OK;
}

int wd_chunk_full(const wd_chunk *c)
{
    return c->n >= WD_CHUNK_RECORDS || c->bytes >= WD_CHUNK_BYTES;
}

void wd_chunk_push(wd_chunk **head, wd_chunk **tail, wd_chunk *c)
{
    c->qnext = NULL;
    if (*tail)
        (*tail)->qnext = c;
    else
        *head = c;
    *tail = c;
}

void wd_chunk_free(wd_chunk *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        wd_free(c->jobs[i].mem);
        xc_doc_free(c->jobs[i].doc);
        wd_free(c->jobs[i].words);
    }
    wd_free(c->jobs);
    wd_free(c);
}
