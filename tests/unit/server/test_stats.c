/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The daemon's statistics (src/server/stats.c): sums, categories, output. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"

static struct dk_config *parse(const char *text)
{
    struct dk_config *cfg = NULL;
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    int rc = dk_config_parse_buffer("test.conf", text, strlen(text), DK_CONFIG_NESTED, &cfg, &errs);
    if (rc != 0)
        dk_config_errors_print(&errs, stderr);
    dk_config_errors_clear(&errs);
    assert_int_equal(rc, 0);
    return cfg;
}

static const char cats_conf[] = "<statistics>\n"
                                "    interface eth0\n"
                                "    subnet 2001:db8:1::/48\n"
                                "    relay 2001:db8:ff::2\n"
                                "</statistics>\n";

static struct in6_addr a6(const char *s)
{
    struct in6_addr a;
    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return a;
}

/* A Relay-forward of hop 0 with link and peer, around inner[0..n). */
static size_t relay(uint8_t *out, const char *link, const uint8_t *inner, size_t n)
{
    struct in6_addr l = a6(link), p = a6("fe80::99");
    out[0] = 12;
    out[1] = 0;
    memcpy(out + 2, &l, 16);
    memcpy(out + 18, &p, 16);
    out[34] = 0;
    out[35] = 9;
    out[36] = (uint8_t)(n >> 8);
    out[37] = (uint8_t)n;
    memcpy(out + 38, inner, n);
    return 38 + n;
}

static const uint8_t solicit[] = {1, 0x12, 0x34, 0x56, 0, 8, 0, 2, 0, 0};

static void test_totals(void **state)
{
    (void)state;
    struct dk_counters c;
    memset(&c, 0, sizeof(c));
    dk__count(&c.incoming_packets);
    dk__count(&c.incoming_packets);
    dk__count(&c.rate_limited);
    dk__count(&c.messages_in[1]);
    struct dk_totals t = {0}, u = {0};
    dk__totals_add(&t, &c);
    dk__totals_add(&t, &c);
    assert_int_equal(t.incoming_packets, 4);
    assert_int_equal(t.rate_limited, 2);
    assert_int_equal(t.messages_in[1], 2);
    u.outgoing_packets = 7;
    dk__totals_merge(&t, &u);
    assert_int_equal(t.outgoing_packets, 7);
    assert_int_equal(t.incoming_packets, 4);
}

static void test_match(void **state)
{
    (void)state;
    struct dk_config *cfg = parse(cats_conf);
    struct dk_stats_cats *c = dk__stats_cats_new(dk_config_root(cfg), 2);
    assert_non_null(c);
    assert_int_equal(c->ncat, 3);
    size_t idx[8];
    struct in6_addr src = a6("fe80::2"), link = a6("2001:db8:1::1");

    /* A direct client on eth0 in 2001:db8:1::/48: interface and subnet. */
    struct dk_stats_key k = {
        .ifname = "eth0", .src = &src, .link = &link, .data = solicit, .len = sizeof(solicit)};
    assert_int_equal(dk__stats_cats_match(c, &k, idx, 8), 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);

    /* The same on eth1 outside the subnet: nothing. */
    struct in6_addr other = a6("2001:db8:9::1");
    k.ifname = "eth1";
    k.link = &other;
    assert_int_equal(dk__stats_cats_match(c, &k, idx, 8), 0);

    /* Relayed by 2001:db8:ff::2 for link 2001:db8:1:5::1: subnet, relay. */
    uint8_t buf[256], buf2[512];
    size_t n = relay(buf, "2001:db8:1:5::1", solicit, sizeof(solicit));
    struct in6_addr rsrc = a6("2001:db8:ff::2");
    k.src = &rsrc;
    k.data = buf;
    k.len = n;
    assert_int_equal(dk__stats_cats_match(c, &k, idx, 8), 2);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 2);

    /* A lightweight relay (link ::) inside a relay: the client's link is
     * the outer relay's (RFC 6221), 2001:db8:ff::2, outside the subnet; the
     * relay matches by that link-address, whoever sent the datagram. */
    n = relay(buf, "::", solicit, sizeof(solicit));
    size_t n2 = relay(buf2, "2001:db8:ff::2", buf, n);
    struct in6_addr someone = a6("2001:db8:77::7");
    k.src = &someone;
    k.data = buf2;
    k.len = n2;
    k.link = &other;
    assert_int_equal(dk__stats_cats_match(c, &k, idx, 8), 1);
    assert_int_equal(idx[0], 2);

    /* Truncated relay headers are only not walked. */
    for (size_t cut = 0; cut < n2; cut++) {
        k.len = cut;
        assert_true(dk__stats_cats_match(c, &k, idx, 8) <= 2);
    }
    dk__stats_cats_free(c);
    dk_config_free(cfg);
}

static void test_output(void **state)
{
    (void)state;
    struct dk_config *cfg = parse(cats_conf);
    struct dk_stats_cats *c = dk__stats_cats_new(dk_config_root(cfg), 1);
    dk__count(&c->counters[0].incoming_packets); /* slot 0, eth0 */
    struct dk_totals g = {0};
    g.incoming_packets = 3;
    g.messages_in[11] = 3;
    g.messages_out[7] = 2;
    struct dk_stats_listener ls[1] = {{.name = "ff02::1:2%eth\"0", .kernel_drops = 5}};

    char *j = dk__stats_json(&g, 5, c, ls, 1);
    assert_non_null(j);
    assert_non_null(strstr(j, "{\"global\": {\"incoming_packets\": 3, \"outgoing_packets\": 0,"));
    assert_non_null(strstr(j, "\"kernel_drops\": 5"));
    assert_non_null(strstr(j, "\"information_request\": 3"));
    assert_non_null(strstr(j, "\"reply\": 2"));
    assert_non_null(strstr(j, "\"interfaces\": {\"eth0\": {\"incoming_packets\": 1,"));
    assert_non_null(strstr(j, "\"subnets\": {\"2001:db8:1::/48\": {"));
    assert_non_null(strstr(j, "\"relays\": {\"2001:db8:ff::2\": {"));
    /* Names are escaped as JSON strings. */
    assert_non_null(strstr(j, "\"ff02::1:2%eth\\\"0\": {\"kernel_drops\": 5}"));
    free(j);

    char *t = dk__stats_text(&g, 5, c, ls, 1);
    assert_non_null(t);
    assert_memory_equal(t, "Global\n- Packets\n  - Incoming packets: 3\n", 41);
    assert_non_null(strstr(t, "  - InformationRequest: 3\n"));
    assert_non_null(strstr(t, "\nInterface eth0\n- Packets\n  - Incoming packets: 1\n"));
    assert_non_null(strstr(t, "\nSubnet 2001:db8:1::/48\n"));
    assert_non_null(strstr(t, "\nRelay 2001:db8:ff::2\n"));
    assert_int_not_equal(t[strlen(t) - 1], '\n');
    free(t);
    dk__stats_cats_free(c);
    dk_config_free(cfg);
}

static void test_carry(void **state)
{
    (void)state;
    struct dk_config *a = parse(cats_conf);
    struct dk_config *b = parse("<statistics>\n    relay 2001:db8:ff::2\n"
                                "    interface eth1\n</statistics>\n");
    struct dk_stats_cats *old = dk__stats_cats_new(dk_config_root(a), 2);
    struct dk_stats_cats *nw = dk__stats_cats_new(dk_config_root(b), 3);
    dk__count(&old->counters[0 * old->ncat + 2].incoming_packets); /* relay, slot 0 */
    dk__count(&old->counters[1 * old->ncat + 2].incoming_packets); /* relay, slot 1 */
    dk__count(&old->counters[0 * old->ncat + 0].incoming_packets); /* eth0: gone */
    dk__stats_cats_carry(nw, old);
    struct dk_totals t;
    /* nw: interface eth1 (0), relay (1) */
    dk__stats_cats_total(nw, 0, &t);
    assert_int_equal(t.incoming_packets, 0);
    dk__stats_cats_total(nw, 1, &t);
    assert_int_equal(t.incoming_packets, 2);
    dk__stats_cats_free(old);
    dk__stats_cats_free(nw);
    dk_config_free(a);
    dk_config_free(b);
}

static void test_no_categories(void **state)
{
    (void)state;
    struct dk_stats_cats *c = dk__stats_cats_new(NULL, 4);
    assert_non_null(c);
    assert_int_equal(c->ncat, 0);
    struct dk_totals g = {0};
    char *j = dk__stats_json(&g, 0, c, NULL, 0);
    assert_non_null(strstr(j, "\"interfaces\": {}, \"subnets\": {}, \"relays\": {}, "
                              "\"listeners\": {}}"));
    free(j);
    dk__stats_cats_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals),        cmocka_unit_test(test_match),
        cmocka_unit_test(test_output),        cmocka_unit_test(test_carry),
        cmocka_unit_test(test_no_categories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
