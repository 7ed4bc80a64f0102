/*
 * auth.c - the service's keys (see auth.h): reading the key files, telling
 * which key a request's Authorization header carries, in constant time.
 */
#define _DEFAULT_SOURCE
#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "wenda/error.h"

struct serve_keys {
    char write_key[SERVE_KEY_MAX + 1]; /* "" = no write API */
    size_t write_len;
    char read_key[SERVE_KEY_MAX + 1]; /* "" = reads are open */
    size_t read_len;
};

int serve_key_equal(const char *guess, size_t guess_len, const char *secret, size_t secret_len)
{
    /* Every byte of the secret is looked at whatever the guess holds; a
     * guess shorter than the secret is compared against zero bytes. */
    volatile unsigned char diff = guess_len != secret_len;
    for (size_t i = 0; i < secret_len; i++) {
        unsigned char g = i < guess_len ? (unsigned char)guess[i] : 0;
        diff |= (unsigned char)(g ^ (unsigned char)secret[i]);
    }
    return diff == 0;
}

/* Read the key of one file into key (SERVE_KEY_MAX + 1 bytes). */
static int read_key(const char *file, const char *opt, char *key, size_t *len, int *loose,
                    char *why, size_t why_len)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        snprintf(why, why_len, "%s %s: cannot read it: %s", opt, file, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
        *loose = 1;
    char line[SERVE_KEY_MAX + 64];
    int got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    const char *s = got ? line : "";
    size_t n = strcspn(s, "\r\n");
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x21 || s[i] > 0x7e) {
            snprintf(why, why_len,
                     "%s %s: the key holds a character other than visible ASCII (byte %zu); make "
                     "one with: openssl rand -hex 32",
                     opt, file, i + 1);
            return -1;
        }
    if (n < SERVE_KEY_MIN || n > SERVE_KEY_MAX) {
        snprintf(why, why_len,
                 "%s %s: %s (a key is %d to %d characters on the first line; make one with: "
                 "openssl rand -hex 32)",
                 opt, file,
                 n ? (n < SERVE_KEY_MIN ? "the key is too short" : "the key is too long")
                   : "the file holds no key",
                 SERVE_KEY_MIN, SERVE_KEY_MAX);
        return -1;
    }
    memcpy(key, s, n);
    key[n] = '\0';
    *len = n;
    return 0;
}

int serve_keys_load(serve_keys **out, const char *write_file, const char *read_file, int *loose,
                    char *why, size_t why_len)
{
    *out = NULL;
    *loose = 0;
    serve_keys *k = wd_calloc(1, sizeof *k);
    if (!k) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    if ((write_file && read_key(write_file, "--api-key-file", k->write_key, &k->write_len, loose,
                                why, why_len) != 0) ||
        (read_file && read_key(read_file, "--read-key-file", k->read_key, &k->read_len, loose, why,
                               why_len) != 0)) {
        serve_keys_free(k);
        return -1;
    }
    if (k->write_len && k->write_len == k->read_len &&
        memcmp(k->write_key, k->read_key, k->write_len) == 0) {
        snprintf(why, why_len,
                 "--api-key-file and --read-key-file hold the same key; a read key must differ "
                 "from the write key");
        serve_keys_free(k);
        return -1;
    }
    *out = k;
    return 0;
}

void serve_keys_free(serve_keys *k)
{
    if (!k)
        return;
    explicit_bzero(k, sizeof *k); /* the keys do not outlive their use in freed memory */
    wd_free(k);
}

int serve_keys_writes(const serve_keys *k)
{
    return k && k->write_len > 0;
}

int serve_keys_guards_reads(const serve_keys *k)
{
    return k && k->read_len > 0;
}

enum serve_access serve_keys_check(const serve_keys *k, const char *authorization)
{
    if (!k || !authorization)
        return SERVE_ACCESS_NONE;
    const char *s = authorization;
    while (*s == ' ' || *s == '\t')
        s++;
    if (strncasecmp(s, "Bearer", 6) != 0 || (s[6] != ' ' && s[6] != '\t'))
        return SERVE_ACCESS_NONE;
    s += 6;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    /* Both keys are always compared, so which one matched takes no time to tell. */
    int w = k->write_len && serve_key_equal(s, n, k->write_key, k->write_len);
    int r = k->read_len && serve_key_equal(s, n, k->read_key, k->read_len);
    return w ? SERVE_ACCESS_WRITE : r ? SERVE_ACCESS_READ : SERVE_ACCESS_NONE;
}
