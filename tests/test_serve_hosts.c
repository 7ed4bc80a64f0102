/*
 * test_serve_hosts.c - who may ask the service (tools/serve/hosts.h), without
 * a daemon: the Host names answered on a loopback, a wildcard and a named
 * listen, --allowed-host (and "*"), the same-origin test, address lists with
 * CIDR blocks, and the client behind trusted proxies in X-Forwarded-For.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hosts.h"

static serve_hosts *hosts(const char *listen, const char *allowed)
{
    serve_hosts *h = NULL;
    assert_int_equal(serve_hosts_new(&h, listen, allowed), 0);
    assert_non_null(h);
    return h;
}

static void test_serve_hosts__loopback_answers_only_loopback_names(void **state)
{
    (void)state;
    serve_hosts *h = hosts("127.0.0.1", NULL);
    const char *yes[] = { "localhost",  "localhost:8080", "LOCALHOST.:8080",
                          "127.0.0.1",  "127.0.0.1:80",   "[::1]",
                          "[::1]:8080", "[0:0::1]:1",     NULL };
    for (const char *const *p = yes; *p; p++)
        if (!serve_host_allowed(h, *p))
            fail_msg("%s refused", *p);
    const char *no[] = { "attacker.example",
                         "attacker.example:8080",
                         "localhost.attacker.example",
                         "127.0.0.2",
                         "127.0.0.1.nip.io",
                         "::1",
                         "[::1",
                         "localhost:",
                         "localhost:80x",
                         "localhost:123456",
                         "local host",
                         "",
                         NULL };
    for (const char *const *p = no; *p; p++)
        if (serve_host_allowed(h, *p))
            fail_msg("%s answered", *p);
    assert_false(serve_host_allowed(h, NULL));
    assert_false(serve_hosts_any(h));
    assert_non_null(strstr(serve_hosts_list(h), "localhost, 127.0.0.1, [::1]"));
    serve_hosts_free(h);
    serve_hosts_free(NULL);
}

static void test_serve_hosts__allowed_host_adds_names_and_star_turns_it_off(void **state)
{
    (void)state;
    serve_hosts *h = hosts("127.0.0.1", " kb.example , kb2.example:8443,[2001:db8::7],10.0.0.5");
    assert_true(serve_host_allowed(h, "kb.example"));
    assert_true(serve_host_allowed(h, "KB.example:8080"));
    assert_true(serve_host_allowed(h, "kb2.example"));
    assert_true(serve_host_allowed(h, "[2001:db8:0::7]:80"));
    assert_true(serve_host_allowed(h, "10.0.0.5:8080"));
    assert_false(serve_host_allowed(h, "kb3.example"));
    serve_hosts_free(h);
    h = hosts("127.0.0.1", "kb.example,*");
    assert_true(serve_hosts_any(h));
    assert_true(serve_host_allowed(h, "anything.example"));
    serve_hosts_free(h);
}

static void test_serve_hosts__a_wildcard_or_named_listen_adds_this_machine(void **state)
{
    (void)state;
    char name[256];
    assert_int_equal(gethostname(name, sizeof name), 0);
    name[sizeof name - 1] = '\0';
    serve_hosts *h = hosts("0.0.0.0", NULL);
    assert_true(serve_host_allowed(h, name));
    assert_true(serve_host_allowed(h, "localhost:8080"));
    assert_true(serve_host_allowed(h, "127.0.0.1"));
    assert_false(serve_host_allowed(h, "attacker.example"));
    serve_hosts_free(h);
    h = hosts("kb.internal", NULL);
    assert_true(serve_host_allowed(h, "kb.internal:8080"));
    assert_true(serve_host_allowed(h, name));
    assert_false(serve_host_allowed(h, "attacker.example"));
    serve_hosts_free(h);
    /* loopback listen: not the machine's name */
    h = hosts("::1", NULL);
    assert_true(serve_host_allowed(h, "[::1]:8080"));
    if (strcmp(name, "localhost") != 0)
        assert_false(serve_host_allowed(h, name));
    serve_hosts_free(h);
}

static void test_serve_hosts__same_origin(void **state)
{
    (void)state;
    assert_true(serve_origin_same("http://127.0.0.1:8080", "127.0.0.1:8080"));
    assert_true(serve_origin_same("https://KB.example", "kb.example"));
    assert_false(serve_origin_same("http://127.0.0.1:8081", "127.0.0.1:8080"));
    assert_false(serve_origin_same("https://attacker.example", "127.0.0.1:8080"));
    assert_false(serve_origin_same("null", "127.0.0.1:8080"));
    assert_false(serve_origin_same("file://127.0.0.1:8080", "127.0.0.1:8080"));
    assert_false(serve_origin_same("http://", ""));
    assert_false(serve_origin_same(NULL, "x"));
    assert_false(serve_origin_same("http://x", NULL));
}

static void test_serve_hosts__address_lists(void **state)
{
    (void)state;
    const char *list = "127.0.0.1, 10.0.0.0/8,fd00::/8, 192.168.1.0/24";
    assert_true(serve_addr_in(list, "127.0.0.1"));
    assert_true(serve_addr_in(list, "10.200.3.4"));
    assert_true(serve_addr_in(list, "192.168.1.77"));
    assert_true(serve_addr_in(list, "fd12::1"));
    assert_true(serve_addr_in(list, "::ffff:10.1.1.1")); /* IPv4-mapped */
    assert_false(serve_addr_in(list, "127.0.0.2"));
    assert_false(serve_addr_in(list, "192.168.2.1"));
    assert_false(serve_addr_in(list, "fe80::1"));
    assert_false(serve_addr_in(list, "not-an-address"));
    assert_false(serve_addr_in(NULL, "127.0.0.1"));
    assert_false(serve_addr_in("", "127.0.0.1"));
    assert_true(serve_addr_in("0.0.0.0/0", "203.0.113.9"));
    assert_false(serve_addr_in("0.0.0.0/0", "2001:db8::1"));
    char why[256];
    assert_int_equal(serve_addr_list_check(list, why, sizeof why), 0);
    assert_int_equal(serve_addr_list_check("10.0.0.0/33", why, sizeof why), -1);
    assert_non_null(strstr(why, "'10.0.0.0/33' is not an address"));
    assert_int_equal(serve_addr_list_check("127.0.0.1,proxy.internal", why, sizeof why), -1);
    assert_non_null(strstr(why, "proxy.internal"));
}

static void test_serve_hosts__forwarded_client(void **state)
{
    (void)state;
    char c[64];
    const char *trusted = "127.0.0.1,10.0.0.0/8";
    serve_forwarded_client("203.0.113.7", trusted, "127.0.0.1", c, sizeof c);
    assert_string_equal(c, "203.0.113.7");
    /* from the right, past trusted hops; a spoofed left part is ignored */
    serve_forwarded_client("1.2.3.4, 203.0.113.7, 10.1.1.1", trusted, "127.0.0.1", c, sizeof c);
    assert_string_equal(c, "203.0.113.7");
    /* all trusted: the leftmost */
    serve_forwarded_client("10.9.9.9, 10.1.1.1", trusted, "127.0.0.1", c, sizeof c);
    assert_string_equal(c, "10.9.9.9");
    /* garbage stops the walk at the last trusted hop */
    serve_forwarded_client("203.0.113.7, evil, 10.1.1.1", trusted, "127.0.0.1", c, sizeof c);
    assert_string_equal(c, "10.1.1.1");
    serve_forwarded_client("unknown", trusted, "127.0.0.1", c, sizeof c);
    assert_string_equal(c, "127.0.0.1");
    /* a peer that is not trusted is the client, whatever it says */
    serve_forwarded_client("203.0.113.7", trusted, "198.51.100.2", c, sizeof c);
    assert_string_equal(c, "198.51.100.2");
    serve_forwarded_client(NULL, trusted, "127.0.0.1", c, sizeof c);
    assert_string_equal(c, "127.0.0.1");
    serve_forwarded_client("", NULL, "127.0.0.1", c, sizeof c);
    assert_string_equal(c, "127.0.0.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve_hosts__loopback_answers_only_loopback_names),
        cmocka_unit_test(test_serve_hosts__allowed_host_adds_names_and_star_turns_it_off),
        cmocka_unit_test(test_serve_hosts__a_wildcard_or_named_listen_adds_this_machine),
        cmocka_unit_test(test_serve_hosts__same_origin),
        cmocka_unit_test(test_serve_hosts__address_lists),
        cmocka_unit_test(test_serve_hosts__forwarded_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
