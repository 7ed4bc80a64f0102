/*
 * auth.h - private: the service's keys, kept free of libmicrohttpd (like
 * hosts.h) so that tests can drive them without a daemon.
 *
 * --api-key-file FILE turns the write API on (POST /api/records, DELETE
 * /api/records/{id}) and every write then needs `Authorization: Bearer KEY`
 * with that key, from any address, loopback included. --read-key-file FILE
 * guards the API's reads too (search, suggest, record, coverage): they then
 * need the read key or the write key (which may do everything). Without a
 * read key the reads are open, as they always were.
 *
 * A key file holds the key on its first line; spaces and the line end
 * around it are ignored. A key is 16 to 512 visible ASCII characters (what
 * a header carries without escaping): `openssl rand -hex 32` makes one.
 *
 * Keys are compared in constant time: how long a comparison takes depends
 * on the key's length only, never on how much of a guess is right.
 *
 * Thread safety: a serve_keys is read-only once loaded.
 */
#ifndef WENDA_SERVE_AUTH_H
#define WENDA_SERVE_AUTH_H

#include <stddef.h>

#define SERVE_KEY_MIN 16
#define SERVE_KEY_MAX 512

typedef struct serve_keys serve_keys;

/* What a request's credentials allow. */
enum serve_access { SERVE_ACCESS_NONE = 0, SERVE_ACCESS_READ = 1, SERVE_ACCESS_WRITE = 2 };

/* Load the keys from their files (either may be NULL). *out is new, NULL on
 * failure, with the reason in why: a file that cannot be read, holds no key,
 * a key too short or too long or with other characters, the same key in
 * both files. *loose is set to 1 when a key file may be read by other users
 * (group or world permissions): worth a warning. */
int serve_keys_load(serve_keys **out, const char *write_file, const char *read_file, int *loose,
                    char *why, size_t why_len);
void serve_keys_free(serve_keys *k);

/* Whether the write API is on (a write key), and whether reads need a key. */
int serve_keys_writes(const serve_keys *k);
int serve_keys_guards_reads(const serve_keys *k);

/* What the Authorization header's value (NULL when absent) allows:
 * "Bearer KEY" (the scheme in any case, spaces around the key ignored)
 * with the write key gives SERVE_ACCESS_WRITE, with the read key
 * SERVE_ACCESS_READ, anything else SERVE_ACCESS_NONE. k may be NULL (no
 * keys: SERVE_ACCESS_NONE). */
enum serve_access serve_keys_check(const serve_keys *k, const char *authorization);

/* Constant-time equality of a guess and a secret: the time depends on
 * secret_len only. */
int serve_key_equal(const char *guess, size_t guess_len, const char *secret, size_t secret_len);

#endif
