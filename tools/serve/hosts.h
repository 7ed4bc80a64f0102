/*
 * hosts.h - private: who may ask the service, kept free of libmicrohttpd
 * (like params.h) so that tests and tests/fuzz/fuzz_http.c can drive it:
 * the Host names it answers to (against DNS rebinding), whether an Origin
 * is the page's own, and which address a request comes from when a trusted
 * reverse proxy forwarded it (X-Forwarded-For).
 *
 * Lists given on the command line (--allowed-host, --trusted-proxy) are
 * comma-separated; entries are trimmed of spaces.
 */
#ifndef WENDA_SERVE_HOSTS_H
#define WENDA_SERVE_HOSTS_H

#include <stddef.h>
#include <sys/socket.h>

/* The Host names the service answers to. */
typedef struct serve_hosts serve_hosts;

/* The names for a service listening on `listen_host` (as --listen gives it:
 * "127.0.0.1", "::1", "0.0.0.0", "::", "kb.internal", "192.168.1.5"):
 *  - always localhost, 127.0.0.1 and [::1], and the listen host itself;
 *  - for a wildcard or a non-loopback listen, also this machine's host name
 *    (and its canonical name) and the addresses of its interfaces;
 *  - plus the comma-separated `allowed` list (--allowed-host; may be NULL),
 *    where "*" turns the check off.
 * A Host header matches with any port or none. *out is new (NULL on
 * failure: out of memory). */
int serve_hosts_new(serve_hosts **out, const char *listen_host, const char *allowed);
void serve_hosts_free(serve_hosts *h);
/* 1 when the check is off ("*"). */
int serve_hosts_any(const serve_hosts *h);
/* 1 when the Host header value `host` ("name", "name:port", "[v6]:port")
 * names this service; 0 for any other name, or a malformed or empty one. */
int serve_host_allowed(const serve_hosts *h, const char *host);
/* The names, comma-separated, for a message (borrowed). */
const char *serve_hosts_list(const serve_hosts *h);

/* 1 when `origin` ("http://name:port", "https://name") is the origin of
 * the page served at Host `host`: the same authority (name and port,
 * compared case-insensitively), over http or https. "null" and any other
 * scheme are never the same. */
int serve_origin_same(const char *origin, const char *host);

/* The textual address of sa ("192.0.2.1", "2001:db8::1"; an IPv4-mapped
 * IPv6 address is written as IPv4). "" when it is neither family. */
void serve_addr_text(const struct sockaddr *sa, char *out, size_t cap);
/* 1 when the address text `addr` is on the comma-separated list of
 * addresses and CIDR blocks `list` ("127.0.0.1,10.0.0.0/8,fd00::/8").
 * 0 when either is NULL or `addr` is not an address. */
int serve_addr_in(const char *list, const char *addr);
/* Whether every entry of a --trusted-proxy list is an address or a CIDR
 * block; -1 with the bad entry named in why. */
int serve_addr_list_check(const char *list, char *why, size_t why_len);
/* The client behind trusted proxies: X-Forwarded-For `xff` read from the
 * right, skipping the addresses on `trusted`; the first one that is not
 * (or the leftmost, when all are). `peer` (the connection's address) is
 * the answer when it is not trusted itself, when xff is NULL or empty, or
 * when an entry is not an address. */
void serve_forwarded_client(const char *xff, const char *trusted, const char *peer, char *out,
                            size_t cap);

#endif
