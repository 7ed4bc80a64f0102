/*
 * hosts.c - the Host names the service answers to, the same-origin test
 * and the client address behind trusted proxies (hosts.h).
 *
 * Names are kept normalised: lower case, without a trailing dot, IPv6
 * addresses in inet_ntop's form without brackets, and a Host header is
 * normalised the same way before it is compared, so "LOCALHOST.:8080",
 * "[0:0::1]" and "127.0.0.1" all find their entry. The port is not
 * compared: what DNS rebinding changes is the name.
 */
#define _DEFAULT_SOURCE
#include "hosts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "uri.h"
#include "wenda/buf.h"
#include "wenda/error.h"

#define NAME_MAX_BYTES 256

struct serve_hosts {
    wd_buf names; /* "\0name\0name\0...": each name NUL-terminated, after a leading NUL */
    wd_buf list;  /* the same, comma-separated, for messages */
    int any;
};

/* ---- names ------------------------------------------------------------------- */

/* An IPv6 literal (no brackets) in inet_ntop's form; 0 when it is none. */
static int norm_v6(const char *s, size_t n, char *out, size_t cap)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    struct in6_addr a;
    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return inet_pton(AF_INET6, tmp, &a) == 1 && inet_ntop(AF_INET6, &a, out, (socklen_t)cap);
}

/* The name of a Host value or list entry, normalised into out; 0 when it
 * is malformed. A port, if any, must be digits; it is dropped. */
static int norm_host(const char *s, size_t n, char *out, size_t cap)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    const char *name = s, *port = NULL;
    size_t nlen = n;
    if (n && s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (!rb)
            return 0;
        name = s + 1;
        nlen = (size_t)(rb - s - 1);
        size_t rest = n - (size_t)(rb + 1 - s);
        if (rest && rb[1] != ':')
            return 0;
        port = rest ? rb + 2 : NULL;
        if (!norm_v6(name, nlen, out, cap))
            return 0;
    } else {
        const char *colon = memchr(s, ':', n);
        if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)))
            return norm_v6(s, n, out, cap); /* a bare IPv6 address (lists only) */
        if (colon) {
            nlen = (size_t)(colon - s);
            port = colon + 1;
        }
        if (nlen && name[nlen - 1] == '.')
            nlen--;
        if (nlen == 0 || nlen >= cap || nlen > NAME_MAX_BYTES)
            return 0;
        for (size_t i = 0; i < nlen; i++) {
            unsigned char ch = (unsigned char)name[i];
            if (!isalnum(ch) && ch != '-' && ch != '.' && ch != '_')
                return 0;
            out[i] = (char)tolower(ch);
        }
        out[nlen] = '\0';
    }
    if (port) {
        size_t plen = n - (size_t)(port - s);
        if (plen == 0 || plen > 5)
            return 0;
        for (size_t i = 0; i < plen; i++)
            if (!isdigit((unsigned char)port[i]))
                return 0;
    }
    return 1;
}

static int has_name(const serve_hosts *h, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i + 1 < h->names.len;) {
        const char *e = h->names.data + i + 1;
        size_t el = strlen(e);
        if (el == len && memcmp(e, name, len) == 0)
            return 1;
        i += el + 1;
    }
    return 0;
}

static void add_name(serve_hosts *h, const char *s, size_t n)
{
    char norm[NAME_MAX_BYTES + 1];
    if (!norm_host(s, n, norm, sizeof norm) || has_name(h, norm))
        return;
    if (h->names.len == 0)
        wd_buf_putc(&h->names, '\0');
    wd_buf_append(&h->names, norm, strlen(norm));
    wd_buf_putc(&h->names, '\0');
    if (h->list.len)
        wd_buf_puts(&h->list, ", ");
    wd_buf_puts(&h->list, strchr(norm, ':') ? "[" : "");
    wd_buf_puts(&h->list, norm);
    wd_buf_puts(&h->list, strchr(norm, ':') ? "]" : "");
}

static void add_text(serve_hosts *h, const char *s)
{
    add_name(h, s, strlen(s));
}

static int is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (strcasecmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* This machine's host name, canonical name and interface addresses. */
static void add_system_names(serve_hosts *h)
{
    char name[NAME_MAX_BYTES + 1];
    if (gethostname(name, sizeof name) == 0) {
        name[sizeof name - 1] = '\0';
        add_text(h, name);
        struct addrinfo hints, *res = NULL;
        memset(&hints, 0, sizeof hints);
        hints.ai_flags = AI_CANONNAME;
        if (getaddrinfo(name, NULL, &hints, &res) == 0) {
            if (res && res->ai_canonname)
                add_text(h, res->ai_canonname);
            freeaddrinfo(res);
        }
    }
    struct ifaddrs *ifs = NULL;
    if (getifaddrs(&ifs) != 0)
        return;
    for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
        char a[INET6_ADDRSTRLEN];
        if (!i->ifa_addr)
            continue;
        serve_addr_text(i->ifa_addr, a, sizeof a);
        if (*a)
            add_text(h, a);
    }
    freeifaddrs(ifs);
}

/* An --allowed-host entry: a name, or * for any. */
static int allowed_entry(const char *s, size_t len, void *ctx)
{
    serve_hosts *h = ctx;
    if (len == 1 && *s == '*')
        h->any = 1;
    else
        add_name(h, s, len);
    return 0;
}

int serve_hosts_new(serve_hosts **out, const char *listen_host, const char *allowed)
{
    *out = NULL;
    serve_hosts *h = wd_calloc(1, sizeof *h);
    if (!h)
        return WD_ENOMEM;
    h->names = (wd_buf)WD_BUF_INIT;
    h->list = (wd_buf)WD_BUF_INIT;
    add_text(h, "localhost");
    add_text(h, "127.0.0.1");
    add_text(h, "::1");
    const char *lh = listen_host ? listen_host : "";
    int wildcard = !*lh || strcmp(lh, "0.0.0.0") == 0 || strcmp(lh, "::") == 0;
    if (!wildcard)
        add_text(h, lh);
    if (wildcard || !is_loopback(lh))
        add_system_names(h);
    uri_list_each(allowed, allowed_entry, h);
    if (h->names.oom || h->list.oom) {
        serve_hosts_free(h);
        return WD_ENOMEM;
    }
    *out = h;
    return WD_OK;
}

void serve_hosts_free(serve_hosts *h)
{
    if (!h)
        return;
    wd_buf_free(&h->names);
    wd_buf_free(&h->list);
    wd_free(h);
}

int serve_hosts_any(const serve_hosts *h)
{
    return h->any;
}

int serve_host_allowed(const serve_hosts *h, const char *host)
{
    if (h->any)
        return 1;
    char norm[NAME_MAX_BYTES + 1];
    if (!host || !*host)
        return 0;
    if (host[0] != '[' && strchr(host, ':') != strrchr(host, ':'))
        return 0; /* an IPv6 address in a Host header is bracketed */
    return norm_host(host, strlen(host), norm, sizeof norm) && has_name(h, norm);
}

const char *serve_hosts_list(const serve_hosts *h)
{
    return h->list.data ? h->list.data : "";
}

int serve_origin_same(const char *origin, const char *host)
{
    if (!origin || !host || !*host)
        return 0;
    const char *auth;
    if (strncasecmp(origin, "http://", 7) == 0)
        auth = origin + 7;
    else if (strncasecmp(origin, "https://", 8) == 0)
        auth = origin + 8;
    else
        return 0;
    return *auth && strcasecmp(auth, host) == 0;
}

/* ---- addresses --------------------------------------------------------------- */

void serve_addr_text(const struct sockaddr *sa, char *out, size_t cap)
{
    out[0] = '\0';
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            inet_ntop(AF_INET, a->s6_addr + 12, out, (socklen_t)cap);
        else
            inet_ntop(AF_INET6, a, out, (socklen_t)cap);
    }
}

/* An address as 16 bytes (IPv4 as IPv4-mapped IPv6) and its family's bit
 * offset (96 for IPv4); 0 when s[0..n) is no address. */
static int parse_addr(const char *s, size_t n, unsigned char out[16], unsigned *base)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, tmp, &a4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &a4, 4);
        *base = 96;
        return 1;
    }
    if (inet_pton(AF_INET6, tmp, &a6) == 1) {
        memcpy(out, &a6, 16);
        *base = IN6_IS_ADDR_V4MAPPED(&a6) ? 96 : 0;
        return 1;
    }
    return 0;
}

/* One list entry: an address or a CIDR block; 0 when malformed. */
static int parse_block(const char *s, size_t n, unsigned char net[16], unsigned *bits)
{
    const char *slash = memchr(s, '/', n);
    unsigned base;
    if (!parse_addr(s, slash ? (size_t)(slash - s) : n, net, &base))
        return 0;
    *bits = 128;
    if (slash) {
        size_t dl = n - (size_t)(slash + 1 - s);
        unsigned v = 0;
        if (dl == 0 || dl > 3)
            return 0;
        for (size_t i = 0; i < dl; i++) {
            if (!isdigit((unsigned char)slash[1 + i]))
                return 0;
            v = v * 10 + (unsigned)(slash[1 + i] - '0');
        }
        if (v > 128 - base)
            return 0;
        *bits = base + v;
    }
    return 1;
}

static int in_block(const unsigned char a[16], const unsigned char net[16], unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, net, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[full] & mask) == (net[full] & mask);
}

static int match_entry(const char *s, size_t n, void *ctx)
{
    unsigned char net[16];
    unsigned bits;
    return parse_block(s, n, net, &bits) && in_block(ctx, net, bits);
}

int serve_addr_in(const char *list, const char *addr)
{
    unsigned char a[16];
    unsigned base;
    if (!list || !addr || !parse_addr(addr, strlen(addr), a, &base))
        return 0;
    return uri_list_each(list, match_entry, a);
}

typedef struct check_ctx {
    char *why;
    size_t why_len;
} check_ctx;

static int check_entry(const char *s, size_t n, void *ctx)
{
    check_ctx *c = ctx;
    unsigned char net[16];
    unsigned bits;
    if (parse_block(s, n, net, &bits))
        return 0;
    char ex[128];
    uri_excerpt(ex, sizeof ex, s, n, 100);
    snprintf(c->why, c->why_len, "'%s' is not an address or an address block such as 10.0.0.0/8",
             ex);
    return -1;
}

int serve_addr_list_check(const char *list, char *why, size_t why_len)
{
    check_ctx c = { why, why_len };
    return uri_list_each(list, check_entry, &c);
}

void serve_forwarded_client(const char *xff, const char *trusted, const char *peer, char *out,
                            size_t cap)
{
    snprintf(out, cap, "%s", peer ? peer : "");
    if (!xff || !*xff || !serve_addr_in(trusted, peer))
        return;
    /* From the right: each hop appended the address it received from. */
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        const char *s = xff + start;
        size_t n = end - start;
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        unsigned char a[16];
        unsigned base;
        if (!parse_addr(s, n, a, &base))
            return; /* not an address: keep the last trusted hop */
        snprintf(out, cap, "%.*s", (int)n, s);
        if (!uri_list_each(trusted, match_entry, a))
            return; /* the first address that is not a trusted proxy */
        end = start ? start - 1 : 0;
    }
}
