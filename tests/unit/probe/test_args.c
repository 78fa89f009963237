/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ipv6-dhcp-probe: the command line (tools/probe/args.c). */
#include "helpers.h"

static struct probe_args a;

static void every_option(void **state)
{
    (void)state;
    uint8_t x[16];
    assert_int_equal(parse(&a, "-i", "eth0", "-s", "2001:db8::547", "--relay", "2001:db8:2::1",
                           "--interface-id", "01:02:0a", "--remote-id", "9:6370652d31",
                           "--subscriber-id", "abcd", "--linklayer-id", "1:02:00:00:00:01:02",
                           "--duid", "000300010200000001ff", "--ia-na", "5", "--ia-na", "6",
                           "--ia-pd", "4294967295", "--address", "2001:db8:1::100", "--prefix",
                           "2001:db8:100::/56", "--oro", "23,24,56", "--option",
                           "16:0000002a0003666f6f", "--option", "20:", "--rapid-commit", "--json",
                           "--timeout", "2.5", "-v", "solicit", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(a.cmd, PROBE_SOLICIT);
    assert_int_equal(a.msg_type, DK_MSG_SOLICIT);
    assert_string_equal(a.ifname, "eth0");
    assert_true(a.has_server);
    addr6("2001:db8::547", x);
    assert_memory_equal(a.server, x, 16);
    assert_true(a.relay);
    addr6("2001:db8:2::1", x);
    assert_memory_equal(a.link_addr, x, 16);
    assert_int_equal(a.interface_id.n, 3);
    assert_memory_equal(a.interface_id.b, "\x01\x02\x0a", 3);
    assert_true(a.has_remote_id);
    assert_int_equal(a.remote_en, 9);
    assert_int_equal(a.remote_id.n, 5);
    assert_memory_equal(a.remote_id.b, "cpe-1", 5);
    assert_int_equal(a.subscriber_id.n, 2);
    assert_memory_equal(a.subscriber_id.b, "\xab\xcd", 2);
    assert_true(a.has_linklayer);
    assert_int_equal(a.linklayer_type, 1);
    assert_int_equal(a.linklayer_addr.n, 6);
    assert_memory_equal(a.linklayer_addr.b, "\x02\x00\x00\x00\x01\x02", 6);
    assert_int_equal(a.duid.n, 10);
    assert_memory_equal(a.duid.b, "\x00\x03\x00\x01\x02\x00\x00\x00\x01\xff", 10);
    assert_int_equal(a.n_ia_na, 2);
    assert_int_equal(a.ia_na[0], 5);
    assert_int_equal(a.ia_na[1], 6);
    assert_int_equal(a.n_ia_pd, 1);
    assert_int_equal(a.ia_pd[0], 4294967295u);
    assert_int_equal(a.naddrs, 1);
    addr6("2001:db8:1::100", x);
    assert_memory_equal(a.addrs[0], x, 16);
    assert_int_equal(a.nprefixes, 1);
    addr6("2001:db8:100::", x);
    assert_memory_equal(a.prefixes[0].p, x, 16);
    assert_int_equal(a.prefixes[0].len, 56);
    /* --oro as given, SOL_MAX_RT added (RFC 8415 §18.2.1). */
    assert_int_equal(a.noro, 4);
    assert_int_equal(a.oro[0], 23);
    assert_int_equal(a.oro[1], 24);
    assert_int_equal(a.oro[2], 56);
    assert_int_equal(a.oro[3], 82);
    assert_int_equal(a.nextra, 2);
    assert_int_equal(a.extra[0].code, 16);
    assert_int_equal(a.extra[0].data.n, 9);
    assert_int_equal(a.extra[1].code, 20);
    assert_int_equal(a.extra[1].data.n, 0);
    assert_true(a.rapid_commit);
    assert_true(a.json);
    assert_true(a.verbose);
    assert_true(a.timeout > 2.49 && a.timeout < 2.51);
}

static void string_forms_and_equals(void **state)
{
    (void)state;
    assert_int_equal(parse(&a, "--interface=c0", "--relay=2001:db8:2::1",
                           "--interface-id-str=eth1/0/1", "--remote-id-str=3561:cpe 1:x",
                           "--subscriber-id-str", "subscr-42", "--server-duid",
                           "00:01:00:01:32:9c:f0:15:9e:95:52:52:b6:78", "--address",
                           "2001:db8:1::100", "renew", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(a.cmd, PROBE_RENEW);
    assert_int_equal(a.msg_type, DK_MSG_RENEW);
    assert_int_equal(a.interface_id.n, 8);
    assert_memory_equal(a.interface_id.b, "eth1/0/1", 8);
    assert_int_equal(a.remote_en, 3561);
    assert_int_equal(a.remote_id.n, 7);
    assert_memory_equal(a.remote_id.b, "cpe 1:x", 7);
    assert_int_equal(a.subscriber_id.n, 9);
    assert_memory_equal(a.subscriber_id.b, "subscr-42", 9);
    assert_int_equal(a.server_duid.n, 14);
    /* --address alone: one IA_NA with the default IAID holds it. */
    assert_int_equal(a.n_ia_na, 1);
    assert_int_equal(a.ia_na[0], PROBE_DEFAULT_IAID);
    assert_int_equal(a.n_ia_pd, 0);
    assert_true(a.timeout == PROBE_DEFAULT_TIMEOUT);
}

static void defaults_per_message(void **state)
{
    (void)state;
    /* A bare Solicit asks for one address and for DNS; SOL_MAX_RT always. */
    assert_int_equal(parse(&a, "-i", "c0", "solicit", NULL), PROBE_ARGS_OK);
    assert_int_equal(a.n_ia_na, 1);
    assert_int_equal(a.n_ia_pd, 0);
    assert_int_equal(a.noro, 3);
    assert_int_equal(a.oro[0], DK_OPT_DNS_SERVERS);
    assert_int_equal(a.oro[1], DK_OPT_DOMAIN_LIST);
    assert_int_equal(a.oro[2], DK_OPT_SOL_MAX_RT);
    assert_false(a.relay);
    /* --ia-pd alone: no IA_NA added. */
    assert_int_equal(parse(&a, "-i", "c0", "--ia-pd", "3", "solicit", NULL), PROBE_ARGS_OK);
    assert_int_equal(a.n_ia_na, 0);
    assert_int_equal(a.n_ia_pd, 1);
    /* Information-request: Information Refresh Time and INF_MAX_RT (§18.2.6). */
    assert_int_equal(parse(&a, "-i", "c0", "information-request", NULL), PROBE_ARGS_OK);
    assert_int_equal(a.msg_type, DK_MSG_INFORMATION_REQUEST);
    assert_int_equal(a.n_ia_na + a.n_ia_pd, 0);
    assert_int_equal(a.noro, 4);
    assert_int_equal(a.oro[2], DK_OPT_INFORMATION_REFRESH_TIME);
    assert_int_equal(a.oro[3], DK_OPT_INF_MAX_RT);
    /* --oro naming a mandatory code does not repeat it. */
    assert_int_equal(parse(&a, "-i", "c0", "--oro", "83", "information-request", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(a.noro, 2);
    assert_int_equal(a.oro[0], 83);
    assert_int_equal(a.oro[1], 32);
    /* Confirm: no ORO unless asked. */
    assert_int_equal(parse(&a, "-i", "c0", "--address", "2001:db8:1::1", "confirm", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(a.msg_type, DK_MSG_CONFIRM);
    assert_int_equal(a.noro, 0);
    /* --prefix alone: one IA_PD. */
    assert_int_equal(parse(&a, "-i", "c0", "--prefix", "2001:db8::/48", "rebind", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(a.msg_type, DK_MSG_REBIND);
    assert_int_equal(a.n_ia_pd, 1);
    assert_int_equal(a.n_ia_na, 0);
    assert_int_equal(parse(&a, "-s", "2001:db8::1", "--server-duid", "000300010200000001ff",
                           "--prefix", "2001:db8::/48", "release", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(a.msg_type, DK_MSG_RELEASE);
    assert_int_equal(parse(&a, "-i", "c0", "--server-duid", "000300010200000001ff", "--address",
                           "2001:db8::1", "decline", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(a.msg_type, DK_MSG_DECLINE);
    assert_int_equal(parse(&a, "-h", NULL), PROBE_ARGS_HELP);
    assert_int_equal(parse(&a, "solicit", "--help", NULL), PROBE_ARGS_HELP);
}

#define SD "--server-duid", "000300010200000001ff"

static void usage_errors(void **state)
{
    (void)state;
    const char *bad[][16] = {
        {"-i", "c0"},                            /* no MESSAGE */
        {"-i", "c0", "solicit", "renew"},        /* two */
        {"-i", "c0", "discover"},                /* unknown MESSAGE */
        {"-i", "c0", "--frobnicate", "solicit"}, /* unknown option */
        {"-i", "c0", "solicit", "--timeout"},    /* no value */
        {"-i", "c0", "--json=yes", "solicit"},   /* a flag with a value */
        {"solicit"},                             /* nowhere to send */
        {"-s", "fe80::1", "solicit"},            /* link-local without -i */
        {"-s", "ff02::1:2", "solicit"},          /* multicast without -i */
        {"-s", "2001:db8::zz", "-i", "c0", "solicit"},
        {"-i", "c0", "--relay", "nope", "solicit"},
        {"-i", "c0", "--interface-id", "abc", "--relay", "::", "solicit"}, /* odd hex */
        {"-i", "c0", "--interface-id", "xy", "--relay", "::", "solicit"},
        {"-i", "c0", "--interface-id", "01", "solicit"},     /* relay option, no --relay */
        {"-i", "c0", "--remote-id-str", "9:a", "solicit"},   /* same */
        {"-i", "c0", "--subscriber-id", "01", "solicit"},    /* same */
        {"-i", "c0", "--linklayer-id", "1:0102", "solicit"}, /* same */
        {"-i", "c0", "--relay", "::", "--interface-id", "01", "--interface-id-str", "a", "solicit"},
        {"-i", "c0", "--relay", "::", "--remote-id", "x:01", "solicit"},
        {"-i", "c0", "--relay", "::", "--remote-id", "4294967296:01", "solicit"},
        {"-i", "c0", "--relay", "::", "--remote-id", "9", "solicit"},
        {"-i", "c0", "--relay", "::", "--linklayer-id", "65536:01", "solicit"},
        {"-i", "c0", "--duid", "0003", "solicit"},         /* DUID of 2 octets */
        {"-i", "c0", "--duid", "000100010000", "solicit"}, /* too short for a DUID-LLT */
        {"-i", "c0", "--ia-na", "4294967296", "solicit"},
        {"-i", "c0", "--ia-na", "-1", "solicit"},
        {"-i", "c0", "--ia-na", "1", "--ia-na", "1", "solicit"}, /* IAID twice */
        {"-i", "c0", "--address", "2001:db8::/64", "solicit"},
        {"-i", "c0", "--prefix", "2001:db8::1/64", "solicit"}, /* host bits */
        {"-i", "c0", "--prefix", "2001:db8::/129", "solicit"},
        {"-i", "c0", "--prefix", "2001:db8::", "solicit"},
        {"-i", "c0", "--oro", "0", "solicit"},
        {"-i", "c0", "--oro", "23,,24", "solicit"},
        {"-i", "c0", "--oro", "23,", "solicit"},
        {"-i", "c0", "--oro", "65536", "solicit"},
        {"-i", "c0", "--option", "0:00", "solicit"},
        {"-i", "c0", "--option", "16", "solicit"},
        {"-i", "c0", "--option", "16:0g", "solicit"},
        {"-i", "c0", "--timeout", "0", "solicit"},
        {"-i", "c0", "--timeout", "1x", "solicit"},
        {"-i", "c0", "--timeout", "nan", "solicit"},
        {"-i", "c0", "--timeout", "86401", "solicit"},
        {"-i", "c0", "--rapid-commit", SD, "--address", "2001:db8::1", "renew"},
        {"-i", "c0", "--address", "2001:db8::1", "renew"},   /* no --server-duid */
        {"-i", "c0", "--address", "2001:db8::1", "release"}, /* same */
        {"-i", "c0", "--address", "2001:db8::1", "decline"}, /* same */
        {"-i", "c0", SD, "solicit"},                         /* a Solicit never names one */
        {"-i", "c0", SD, "--address", "2001:db8::1", "confirm"},
        {"-i", "c0", SD, "--address", "2001:db8::1", "rebind"},
        {"-i", "c0", "--ia-na", "1", "information-request"},
        {"-i", "c0", "--address", "2001:db8::1", "information-request"},
        {"-i", "c0", "confirm"}, /* nothing held */
        {"-i", "c0", "--address", "2001:db8::1", "--prefix", "2001:db8::/48", "confirm"},
        {"-i", "c0", SD, "--address", "2001:db8::1", "--ia-pd", "1", "decline"},
        {"-i", "c0", SD, "release"},
        {"-i", "c0", SD, "--ia-na", "1", "release"}, /* an IA but nothing in it */
        {"-i", "c0", "rebind"},
        {"-i", "c0", SD, "renew"},
        {"-i", "abcdefghijklmnopq", "solicit"}, /* too long for an interface name */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *argv[MAX_ARGV] = {"ipv6-dhcp-probe"};
        int argc = 1;
        char err[512];
        for (size_t k = 0; k < 16 && bad[i][k]; k++)
            argv[argc++] = (char *)(uintptr_t)bad[i][k];
        int rc = probe_args_parse(argc, argv, &a, err, sizeof(err));
        if (rc != PROBE_ARGS_USAGE)
            fail_msg("case %zu (%s %s %s ...) accepted", i, argv[1], argc > 2 ? argv[2] : "",
                     argc > 3 ? argv[3] : "");
        assert_true(err[0] != 0);
    }
}

/* The DUID forms of dhcpkit 0.x's test tools, and hex. */
static void duid_forms(void **state)
{
    (void)state;
    struct probe_bytes b;
    assert_true(probe_parse_duid("linklayer:1:0a0b0c0d0e0f", &b));
    assert_int_equal(b.n, 10);
    assert_memory_equal(b.b, "\x00\x03\x00\x01\x0a\x0b\x0c\x0d\x0e\x0f", 10);
    assert_true(probe_parse_duid("linklayer-time:1:1234:0a0b0c0d0e0f", &b));
    assert_int_equal(b.n, 14);
    assert_memory_equal(b.b, "\x00\x01\x00\x01\x00\x00\x04\xd2\x0a\x0b", 10);
    assert_true(probe_parse_duid("enterprise:40208:0x0102", &b));
    assert_int_equal(b.n, 8);
    assert_memory_equal(b.b, "\x00\x02\x00\x00\x9d\x10\x01\x02", 8);
    assert_true(probe_parse_duid("enterprise:9:ab", &b));
    assert_int_equal(b.n, 8);
    assert_memory_equal(b.b, "\x00\x02\x00\x00\x00\x09" "ab", 8);
    assert_true(probe_parse_duid("00:03:00:01:02:03", &b));
    assert_int_equal(b.n, 6);
    assert_true(b.set);
    /* Refused: a missing part, a hardware type past 16 bits, too short or
     * too long, not hex. */
    assert_false(probe_parse_duid("linklayer:1", &b));
    assert_false(probe_parse_duid("linklayer:65536:0a", &b));
    assert_false(probe_parse_duid("linklayer-time:1:0a0b", &b));
    assert_false(probe_parse_duid("enterprise::ab", &b));
    assert_false(probe_parse_duid("enterprise:9:0xzz", &b));
    assert_false(probe_parse_duid("0003", &b));
    assert_false(b.set);
    char big[2 * 131 + 1];
    memset(big, 'a', 2 * 131);
    big[2 * 131] = 0;
    assert_false(probe_parse_duid(big, &b));
    big[2 * 130] = 0;
    assert_true(probe_parse_duid(big, &b));
    assert_int_equal(b.n, 130);
    uint32_t en;
    assert_true(probe_parse_number_hex("9:6370", UINT32_MAX, &en, &b));
    assert_int_equal(en, 9);
    assert_int_equal(b.n, 2);
    assert_false(probe_parse_number_hex("70000:00", 65535, &en, &b));
}

static void hex_forms(void **state)
{
    (void)state;
    struct probe_bytes b;
    assert_true(probe_parse_hex("0a0B", &b));
    assert_int_equal(b.n, 2);
    assert_memory_equal(b.b, "\x0a\x0b", 2);
    assert_true(probe_parse_hex("0a:0b 0c-0d", &b));
    assert_int_equal(b.n, 4);
    assert_false(probe_parse_hex("", &b));
    assert_false(probe_parse_hex("0", &b));
    assert_false(probe_parse_hex("0:a", &b));
    /* Bounded: PROBE_MAX_BYTES octets and no more. */
    char *big = malloc(2 * PROBE_MAX_BYTES + 3);
    memset(big, 'a', 2 * PROBE_MAX_BYTES);
    big[2 * PROBE_MAX_BYTES] = 0;
    assert_true(probe_parse_hex(big, &b));
    assert_int_equal(b.n, PROBE_MAX_BYTES);
    strcpy(big + 2 * PROBE_MAX_BYTES, "aa");
    assert_false(probe_parse_hex(big, &b));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_option),
        cmocka_unit_test(string_forms_and_equals),
        cmocka_unit_test(defaults_per_message),
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(hex_forms),
        cmocka_unit_test(duid_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
