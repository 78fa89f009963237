/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The INI syntax of dhcpkit 0.x (src/config/ini.c) mapped onto the tree. */
#include "helpers.h"

#define I DK_CONFIG_INI

/* The talk's configuration, as written (xyz -> abc). */
static void test_talk_example(void **state)
{
    (void)state;
    struct dk_config *cfg = load_ok(EXAMPLES_DIR "/ipv6-dhcpd-talk.ini");
    const struct dk_config_section *root = dk_config_root(cfg);
    assert_int_equal(dk_config_syntax(cfg), DK_CONFIG_INI);
    assert_int_equal(root->nchildren, 6);

    /* 0.x always logged to syslog, everything. */
    const struct dk_config_section *syslog = child(child(root, 0, "logging"), 0, "syslog");
    assert_string_equal(dk_config_get(syslog, "level")->v.s, "debug");
    assert_string_equal(dk_config_get(syslog, "facility")->v.s, "daemon");

    /* [interface eth1] global-unicast-addresses = all, multicast = no */
    const struct dk_config_section *lu = child(root, 1, "listen-unicast");
    assert_string_equal(lu->arg.word, "all");
    assert_string_equal(dk_config_get(lu, "interface")->v.s, "eth1");
    assert_int_equal(lu->line, 5);

    /* [option preference] */
    const struct dk_config_section *pref = child(root, 2, "preference");
    assert_int_equal(get_u(pref, "level"), 255);
    assert_int_equal(pref->settings[0].line, 10);

    /* [option CSV-Based-fixed-assignment 2001:9e0:abc::/64] */
    const struct dk_config_section *subnet = child(root, 3, "subnet");
    static const uint8_t p[16] = {0x20, 0x01, 0x09, 0xe0, 0x0a, 0xbc};
    assert_memory_equal(subnet->arg.v.prefix.addr, p, 16);
    assert_int_equal(subnet->arg.v.prefix.len, 64);
    const struct dk_config_section *csv = child(subnet, 0, "static-csv");
    assert_string_equal(csv->arg.text, "assignments.csv");
    /* relative to the folder of the configuration */
    assert_string_equal(csv->arg.v.s, EXAMPLES_DIR "/assignments.csv");
    assert_int_equal(get_u(csv, "address-preferred-lifetime"), 3600);
    assert_int_equal(get_u(csv, "address-valid-lifetime"), 7200);
    assert_int_equal(get_u(csv, "prefix-preferred-lifetime"), 43200);
    assert_int_equal(get_u(csv, "prefix-valid-lifetime"), 86400);
    FILE *f = fopen(csv->arg.v.s, "r");
    assert_non_null(f); /* the example has its assignments beside it */
    fclose(f);

    /* [option RecursiveNameServers], in order */
    const struct dk_config_section *rns = child(root, 4, "recursive-name-servers");
    assert_int_equal(dk_config_count(rns, "address"), 2);
    assert_string_equal(dk_config_nth(rns, "address", 0)->text, "2001:9e0:4:32::3");
    assert_string_equal(dk_config_nth(rns, "address", 1)->text, "2001:9e0:1:101::3");
    assert_false(dk_config_get(rns, "always-send")->v.b);

    /* [option NTPServers] */
    const struct dk_config_section *ntp = child(root, 5, "ntp-servers");
    assert_int_equal(dk_config_count(ntp, "server-address"), 1);
    assert_int_equal(dk_config_count(ntp, "server-fqdn"), 0);

    /* The [server] defaults of 0.x. */
    assert_int_equal(get_u(root, "workers"), 10);
    assert_true(dk_config_get(root, "exception-window")->v.d == 1.0);
    assert_int_equal(get_u(root, "max-exceptions"), 10);
    assert_string_equal(dk_config_get(root, "user")->v.s, "nobody");
    dk_config_free(cfg);
}

/* The same configuration in both syntaxes gives equal trees; a different
 * one does not. */
static void test_talk_equal_to_nested(void **state)
{
    (void)state;
    struct dk_config *ini = load_ok(EXAMPLES_DIR "/ipv6-dhcpd-talk.ini");
    struct dk_config *nested = load_ok(EXAMPLES_DIR "/ipv6-dhcpd-talk.conf");
    char why[512];
    if (dk_config_diff(ini, nested, why, sizeof(why)) != 0)
        fail_msg("different: %s", why);
    assert_true(dk_config_equal(nested, ini));

    /* Without the 0.x defaults spelled out, the nested file means something
     * else, and the diff says what. */
    FILE *f = fopen(EXAMPLES_DIR "/ipv6-dhcpd-talk.conf", "r");
    assert_non_null(f);
    char text[8192];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = 0;
    char *w = strstr(text, "workers 10\n");
    assert_non_null(w);
    memcpy(w, "#orkers", 7);
    struct dk_config *other = parse_ok(EXAMPLES_DIR "/other.conf", text, DK_CONFIG_NESTED);
    assert_int_equal(dk_config_diff(ini, other, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "workers"));
    assert_false(dk_config_equal(ini, other));
    dk_config_free(other);

    memcpy(w, "workers", 7);
    char *addr = strstr(text, "2001:9e0:4:32::250");
    assert_non_null(addr);
    addr[strlen("2001:9e0:4:32::25")] = '1';
    other = parse_ok(EXAMPLES_DIR "/other.conf", text, DK_CONFIG_NESTED);
    assert_int_equal(dk_config_diff(ini, other, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "<ntp-servers>: server-address"));
    dk_config_free(other);

    dk_config_free(ini);
    dk_config_free(nested);
}

/* Section and key spellings of the original's files are the same thing. */
static void test_spellings(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "[option CSV-Based-fixed-assignment 2001:db8::/64]\nassignments-file = a.csv\n"
        "[option RecursiveNameServers]\nserver-address-1 = 2001:db8::53\n"
        "[option sol-max-rt]\nsol-max-rt = 3600\n",
        "[option CSVBasedFixedAssignment 2001:db8::/64]\nAssignments_File = a.csv\n"
        "[OPTION recursive_name_servers]\nSERVER_ADDRESS_7: 2001:DB8::53\n"
        "[Option SolMaxRT]\nSOL_MAX_RT = 1h\n",
        "# leading comment\n; another\n\n"
        "[option csv_based_fixed_assignment 2001:db8:0::/64]\n  assignments-file=a.csv\n"
        "[option Recursive-Name-Servers]\ndns-servers = 2001:db8::53\n"
        "[option solmaxrt]\nsol_max_rt = 60m ; an hour\n",
    };
    struct dk_config *first = parse_ok("a.ini", texts[0], DK_CONFIG_AUTO);
    for (size_t i = 1; i < 3; i++) {
        struct dk_config *cfg = parse_ok("b.ini", texts[i], DK_CONFIG_AUTO);
        char why[512];
        if (dk_config_diff(first, cfg, why, sizeof(why)))
            fail_msg("spelling %zu differs: %s", i, why);
        dk_config_free(cfg);
    }
    dk_config_free(first);
}

static void test_lists_and_order(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("l.ini",
                                     "[option RecursiveNameServers]\n"
                                     "server-address-2 = 2001:db8::2\n"
                                     "dns-servers = 2001:db8::3, 2001:db8::4\t2001:db8::5\n"
                                     "server-address-1 = 2001:db8::1\n"
                                     "[option DomainSearchList]\n"
                                     "domain-names = example.com example.net\n"
                                     "    example.org\n" /* a continuation line */
                                     "domain-name-1 = example.nl\n"
                                     "[option NTPServers]\n"
                                     "server-fqdn = ntp.example.com\n"
                                     "multicast-address-3 = ff05::101\n"
                                     "server-address = 2001:db8::123\n",
                                     I);
    const struct dk_config_section *root = dk_config_root(cfg);
    const struct dk_config_section *rns = child(root, 1, "recursive-name-servers");
    static const char *const order[] = {"2001:db8::2", "2001:db8::3", "2001:db8::4", "2001:db8::5",
                                        "2001:db8::1"};
    assert_int_equal(dk_config_count(rns, "address"), 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(dk_config_nth(rns, "address", i)->text, order[i]);
    const struct dk_config_section *dsl = child(root, 2, "domain-search-list");
    assert_int_equal(dk_config_count(dsl, "domain-name"), 4);
    assert_string_equal(dk_config_nth(dsl, "domain-name", 2)->text, "example.org");
    assert_string_equal(dk_config_nth(dsl, "domain-name", 3)->text, "example.nl");
    const struct dk_config_section *ntp = child(root, 3, "ntp-servers");
    assert_int_equal(dk_config_count(ntp, "server-fqdn"), 1);
    assert_int_equal(dk_config_count(ntp, "multicast-address"), 1);
    assert_int_equal(dk_config_count(ntp, "server-address"), 1);
    dk_config_free(cfg);
}

static void test_server_section(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("s.ini",
                                     "[server]\n"
                                     "duid = 000300010a0b0c0d0e0f\n"
                                     "message-handler = dump_requests\n"
                                     "user = dhcpd\n"
                                     "group =\n"
                                     "exception_window = 2.5\n"
                                     "max-exceptions = 3\n"
                                     "threads = 4\n"
                                     "allow-rapid-commit = yes\n",
                                     I);
    const struct dk_config_section *root = dk_config_root(cfg);
    assert_int_equal(get_u(root, "workers"), 4);
    assert_true(dk_config_get(root, "exception-window")->v.d == 2.5);
    assert_int_equal(get_u(root, "max-exceptions"), 3);
    assert_string_equal(dk_config_get(root, "user")->v.s, "dhcpd");
    assert_null(dk_config_get(root, "group")); /* empty is "not set" */
    assert_true(dk_config_get(root, "allow-rapid-commit")->v.b);
    child(root, 0, "logging");
    const struct dk_config_section *duid = child(root, 1, "duid-ll");
    assert_int_equal(get_u(duid, "hardware-type"), 1);
    assert_string_equal(dk_config_get(duid, "link-layer-address")->text, "0a0b0c0d0e0f");
    assert_int_equal(child(root, 2, "dump-requests")->line, 3);
    dk_config_free(cfg);

    /* DUID-LLT: the time counts from 2000-01-01. 0x1d1d6071 = 488464497. */
    cfg = parse_ok("s.ini", "[server]\nduid = 000100011d1d6071002436ef1d89\n", I);
    duid = child(dk_config_root(cfg), 1, "duid-llt");
    assert_int_equal(dk_config_get(duid, "timestamp")->v.t, 946684800 + 488464497);
    assert_string_equal(dk_config_get(duid, "timestamp")->text, "2015-06-24T12:34:57Z");
    dk_config_free(cfg);
    cfg = parse_ok("s.ini", "[server]\nduid = 00020000009d0102\n", I);
    duid = child(dk_config_root(cfg), 1, "duid-en");
    assert_int_equal(get_u(duid, "enterprise-number"), 157);
    assert_int_equal(dk_config_get(duid, "identifier")->v.bytes.len, 2);
    dk_config_free(cfg);
    cfg = parse_ok("s.ini", "[server]\nduid = auto\nmessage-handler = standard\n", I);
    assert_int_equal(dk_config_root(cfg)->nchildren, 1);
    dk_config_free(cfg);

    refused_once("s.ini", "[server]\nduid = 000300\n", I, "s.ini:2: ", "not a valid DUID");
    refused_once("s.ini", "[server]\nduid = 00zz\n", I, "s.ini:2: ", "hexadecimal");
    refused_once("s.ini", "[server]\nduid = 0004000102030405060708090a0b0c0d0e0f\n", I,
                 "s.ini:2: ", "DUID type 4");
    refused_once("s.ini", "[server]\n\nmessage-handler = my.module\n", I,
                 "s.ini:3: ", "must be standard or dump_requests");
    refused_once("s.ini", "[server]\nthreads = 0\n", I, "s.ini:2: ", "bad value '0' for threads");
    refused_once("s.ini", "[server]\nlisten = all\n", I,
                 "s.ini:2: ", "unknown key 'listen' in [server]");
}

static void test_logging_section(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("l.ini", "[logging]\nfacility = LOCAL3\n", I);
    const struct dk_config_section *syslog =
        child(child(dk_config_root(cfg), 0, "logging"), 0, "syslog");
    assert_string_equal(dk_config_get(syslog, "facility")->v.s, "local3");
    assert_int_equal(syslog->line, 1);
    dk_config_free(cfg);
    refused_once("l.ini", "[logging]\nfacility = nowhere\n", I,
                 "l.ini:2: ", "bad value 'nowhere' for facility");
    refused_once("l.ini", "[logging]\nlevel = debug\n", I, "l.ini:2: ", "unknown key 'level'");
}

static void test_interface_section(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("i.ini",
                                     "[interface eth0]\n"
                                     "multicast = yes\n"
                                     "listen-to-self = yes\n"
                                     "link-local-addresses = fe80::1\n"
                                     "global-unicast-addresses = 2001:db8::1 2001:db8::2\n"
                                     "[interface *]\n"
                                     "multicast = on\n"
                                     "[interface eth1]\n"
                                     "link-local-addresses = fe80::5\n"
                                     "global-unicast-addresses = auto\n"
                                     "[interface eth2]\n"
                                     "multicast = no\n",
                                     I);
    const struct dk_config_section *root = dk_config_root(cfg);
    assert_int_equal(root->nchildren, 7);
    const struct dk_config_section *li = child(root, 1, "listen-interface");
    assert_string_equal(li->arg.v.s, "eth0");
    assert_true(dk_config_get(li, "listen-to-self")->v.b);
    assert_string_equal(dk_config_get(li, "reply-from")->text, "fe80::1");
    for (size_t i = 2; i < 4; i++) {
        const struct dk_config_section *lu = child(root, i, "listen-unicast");
        assert_string_equal(dk_config_get(lu, "interface")->v.s, "eth0");
    }
    assert_string_equal(child(root, 3, "listen-unicast")->arg.text, "2001:db8::2");
    assert_string_equal(child(root, 4, "listen-interface")->arg.word, "*");
    const struct dk_config_section *ll = child(root, 5, "listen-unicast");
    assert_string_equal(ll->arg.text, "fe80::5");
    assert_string_equal(dk_config_get(ll, "interface")->v.s, "eth1");
    assert_string_equal(child(root, 6, "listen-unicast")->arg.word, "auto");
    dk_config_free(cfg);

    refused_once("i.ini", "[interface]\nmulticast = yes\n", I, "i.ini:1: ", "needs an interface");
    refused_once("i.ini", "[interface eth0]\nmulticast = perhaps\n", I,
                 "i.ini:2: ", "bad value 'perhaps' for multicast");
    refused_once("i.ini", "[interface eth0]\nmulticast = yes\nlink-local-addresses = 2001:db8::1\n",
                 I, "i.ini:3: ", "link-local");
    refused_once("i.ini", "[interface eth0]\nglobal-unicast-addresses = fe80::1\n", I,
                 "i.ini:2: ", "is link-local");
    refused_once("i.ini", "[interface eth0]\nlink-local-addresses = 2001:db8::1\n", I,
                 "i.ini:2: ", "link-local-addresses: 2001:db8::1 is not link-local");
    refused_once("i.ini", "[interface eth0]\nglobal-unicast-addresses = 2001:db8::zz\n", I,
                 "i.ini:2: ", "not an IPv6 address");
    refused_once("i.ini", "[interface *]\nglobal-unicast-addresses = 2001:db8::1\n", I,
                 "i.ini:2: ", "[interface *] cannot list addresses");
    refused_once("i.ini", "[interface eth0]\nlink-local-addresses = all\n", I,
                 "i.ini:2: ", "only supported with multicast = yes");
    refused_once("i.ini", "[interface eth0]\nmtu = 1500\n", I,
                 "i.ini:2: ", "unknown key 'mtu' in [interface eth0]");
    refused_once("i.ini", "[interface this-name-is-far-too-long]\n", I,
                 "i.ini:1: ", "at most 15 characters");
}

static void test_fixed_assignments(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("conf/f.ini",
                                     "[option CSVBasedFixedAssignment 2001:db8:1::/64]\n"
                                     "assignments-file = /etc/a.csv\n"
                                     "additional-prefixes = 2001:db8:2::/64, 2001:db8:3::/64\n"
                                     "address-preferred-lifetime = 1h\n"
                                     "prefix-valid-lifetime = 2d\n"
                                     "[option SqliteBasedFixedAssignment 2001:db8:4::/64]\n"
                                     "assignments-file = b.sqlite\n"
                                     "[option LMDBBasedFixedAssignment 2001:db8:5::/64]\n"
                                     "assignments-file = c.lmdb\n"
                                     "[option ShelfBasedFixedAssignment 2001:db8:6::/64]\n"
                                     "assignments-file = d.lmdb\n",
                                     I);
    const struct dk_config_section *root = dk_config_root(cfg);
    const struct dk_config_section *group = child(root, 1, "subnet-group");
    assert_int_equal(dk_config_count(group, "prefix"), 3);
    assert_string_equal(dk_config_nth(group, "prefix", 0)->text, "2001:db8:1::/64");
    assert_string_equal(dk_config_nth(group, "prefix", 2)->text, "2001:db8:3::/64");
    const struct dk_config_section *csv = child(group, 0, "static-csv");
    assert_string_equal(csv->arg.v.s, "/etc/a.csv");
    assert_int_equal(get_u(csv, "address-preferred-lifetime"), 3600);
    assert_int_equal(get_u(csv, "address-valid-lifetime"), 7200);
    assert_int_equal(get_u(csv, "prefix-valid-lifetime"), 2 * 86400);
    const struct dk_config_section *sq = child(child(root, 2, "subnet"), 0, "static-sqlite");
    assert_string_equal(sq->arg.v.s, "conf/b.sqlite");
    child(child(root, 3, "subnet"), 0, "static-lmdb");
    child(child(root, 4, "subnet"), 0, "static-lmdb");
    dk_config_free(cfg);

    refused_once("f.ini", "[option CSVBasedFixedAssignment 2001:db8::/64]\n", I,
                 "f.ini:1: ", "needs 'assignments-file'");
    refused_once("f.ini", "[option CSVBasedFixedAssignment]\nassignments-file = a.csv\n", I,
                 "f.ini:1: ", "needs the prefix of the link");
    refused_once("f.ini", "[option CSVBasedFixedAssignment 2001:db8::1/64]\nassignments-file = a\n",
                 I, "f.ini:1: ", "host bits");
    refused_once("f.ini",
                 "[option CSVBasedFixedAssignment 2001:db8::/64]\nassignments-file = a.csv\n"
                 "address-valid-lifetime = soon\n",
                 I, "f.ini:3: ", "bad value 'soon' for address-valid-lifetime");
    refused_once("f.ini",
                 "[option CSVBasedFixedAssignment 2001:db8::/64]\nassignments-file = a.csv\n"
                 "[option CSV-Based-Fixed-Assignment 2001:db8::/64]\nassignments-file = b.csv\n",
                 I, "f.ini:3: ", "duplicate section");
}

static void test_other_handlers(void **state)
{
    (void)state;
    struct dk_config *cfg =
        parse_ok("o.ini",
                 "[option SNTPServers]\nserver-address-1 = 2001:db8::1\n"
                 "[option SIPServersAddressList]\nserver-address-1 = 2001:db8::2\n"
                 "[option SIPServersDomainNameList]\ndomain-name-1 = sip.example\n"
                 "[option InfMaxRT]\ninf-max-rt = 7200\n"
                 "[option ServerUnicast]\nserver-address = 2001:db8::3\n"
                 "[option IANATimingLimits]\nmin-t1 = 600\nfactor-t2 = NONE\n"
                 "[option IAPDTimingLimits]\nmax-t2 = 1d\n"
                 "[option UnansweredIA]\nauthoritative = yes\n"
                 "[option UnansweredIAPD]\n"
                 "[option Preference]\nlevel = 0\n"
                 "[option NTPServers]\nserver-fqdn-1 = ntp.example\n"
                 "always-send = yes\n",
                 I);
    const struct dk_config_section *root = dk_config_root(cfg);
    assert_string_equal(dk_config_get(child(root, 1, "sntp-servers"), "address")->text,
                        "2001:db8::1");
    assert_string_equal(dk_config_get(child(root, 2, "sip-server-addresses"), "address")->text,
                        "2001:db8::2");
    assert_string_equal(dk_config_get(child(root, 3, "sip-server-names"), "domain-name")->text,
                        "sip.example");
    assert_int_equal(get_u(child(root, 4, "inf-max-rt"), "limit"), 7200);
    assert_string_equal(dk_config_get(child(root, 5, "server-unicast"), "address")->text,
                        "2001:db8::3");
    const struct dk_config_section *tl = child(root, 6, "iana-timing-limits");
    assert_int_equal(get_u(tl, "min-t1"), 600);
    assert_string_equal(dk_config_get(tl, "factor-t2")->word, "NONE");
    assert_true(dk_config_get(tl, "factor-t1")->v.d == 0.5);
    assert_int_equal(get_u(child(root, 7, "iapd-timing-limits"), "max-t2"), 86400);
    assert_true(dk_config_get(child(root, 8, "unanswered-ia"), "authoritative")->v.b);
    assert_false(dk_config_get(child(root, 9, "unanswered-iapd"), "authoritative")->v.b);
    /* A key of the section under its own name works as well. */
    assert_int_equal(get_u(child(root, 10, "preference"), "level"), 0);
    assert_true(dk_config_get(child(root, 11, "ntp-servers"), "always-send")->v.b);
    dk_config_free(cfg);
}

/* The handlers dhcpkit 0.x did not have, in INI spelling, give the same tree
 * as their nested spelling; an argument goes where the section takes one. */
static void test_handlers_new_in_1x(void **state)
{
    (void)state;
    struct dk_config *ini = parse_ok("n.ini",
                                     "[option AFTRName]\nfqdn = aftr.example.\n"
                                     "[option InformationRefreshTime]\nrefresh-time = 1h\n"
                                     "[option VendorSpecificInformation 3561]\n"
                                     "option = 1 68747470\n"
                                     "[option IgnoreRequest]\nmessage-type = confirm\n"
                                     "[option Rate-Limit]\nkey = remote-id\nrate = 10\n"
                                     "[option CopyRemoteId]\n[option copy_subscriber_id]\n"
                                     "[option CopyLinklayerId]\n"
                                     "[option DumpRequests]\nformat = text\n",
                                     I);
    struct dk_config *nested =
        parse_ok("n.conf",
                 "<logging>\n<syslog>\nlevel debug\n</syslog>\n</logging>\n"
                 "user nobody\nworkers 10\nexception-window 1.0\nmax-exceptions 10\n"
                 "<aftr-name>\nfqdn aftr.example.\n</aftr-name>\n"
                 "<information-refresh-time>\nrefresh-time 1h\n</information-refresh-time>\n"
                 "<vendor-specific-information 3561>\noption 1 68747470\n"
                 "</vendor-specific-information>\n"
                 "<ignore-request>\nmessage-type confirm\n</ignore-request>\n"
                 "<rate-limit>\nkey remote-id\nrate 10\n</rate-limit>\n"
                 "<copy-remote-id/>\n<copy-subscriber-id/>\n<copy-linklayer-id/>\n"
                 "<dump-requests>\nformat text\n</dump-requests>\n",
                 DK_CONFIG_NESTED);
    char why[512];
    if (dk_config_diff(ini, nested, why, sizeof(why)) != 0)
        fail_msg("different: %s", why);
    dk_config_free(ini);
    dk_config_free(nested);

    /* A section without an argument still refuses one; one that needs it says so. */
    refused_once("e.ini", "[option CopyRemoteId 12]\n", I, "e.ini:1:", "takes no argument");
    refused_once("e.ini", "[option VendorSpecificInformation]\noption = 1 00\n", I,
                 "e.ini:1:", "enterprise number");
}

static void test_errors(void **state)
{
    (void)state;
    refused_once("e.ini", "[server]\n[frobnicate]\nx = 1\n", I,
                 "e.ini:2: ", "unknown section [frobnicate]");
    refused_once("e.ini", "[option Frobnicator]\n", I,
                 "e.ini:1: ", "unknown option handler 'Frobnicator'");
    refused_once("e.ini", "[option]\n", I, "e.ini:1: ", "needs a handler name");
    refused_once("e.ini", "[option Preference]\npreference = 255\ncolour = red\n", I,
                 "e.ini:3: ", "unknown key 'colour' in [option Preference]");
    refused_once("e.ini", "[option Preference]\npreference = 256\n", I, "e.ini:2: ",
                 "bad value '256' for preference: must be a whole number from 0 to 255");
    refused_once("e.ini", "[option Preference]\n\n", I,
                 "e.ini:1: ", "[option Preference] needs 'preference'");
    refused_once("e.ini", "[option Preference 5]\npreference = 1\n", I,
                 "e.ini:1: ", "takes no argument");
    refused_once("e.ini", "[option NTPServers]\n", I, "e.ini:1: ",
                 "needs at least one of 'server-address', 'multicast-address', 'server-fqdn'");
    refused_once("e.ini", "[option Preference]\npreference = 1\nPreference = 2\n", I, "e.ini:3: ",
                 "duplicate key 'preference' in [option Preference] (the first is at line 2)");
    refused_once("e.ini", "[server]\nuser = a\n[server]\n", I,
                 "e.ini:3: ", "duplicate section [server] (the first is at line 1)");
    refused_once("e.ini", "[server\nuser = a\n", I, "e.ini:1: ", "missing ']'");
    refused_once("e.ini", "[]\n", I, "e.ini:1: ", "empty section name");
    refused_once("e.ini", "[server]\njust words\n", I, "e.ini:2: ", "expected 'key = value'");
    refused_once("e.ini", "[server]\n= value\n", I, "e.ini:2: ", "missing key");
    refused_once("e.ini", "user = a\n[server]\n", I, "e.ini:1: ", "outside any [section]");
    refused_once("e.ini", "[option SolMaxRT]\nsol-max-rt = 10\n", I,
                 "e.ini:2: ", "from 60 to 86400");
    refused_once("e.ini", "[option ServerUnicast]\nserver-address = ff02::1:2\n", I,
                 "e.ini:2: ", "must be a unicast address");

    /* Every error of the file, each at its line. */
    struct dk_config_errors errs;
    assert_null(parse_as("e.ini",
                         "[server]\nthreads = x\n[option Preference]\npreference = -1\n"
                         "[bogus]\n[option NTPServers]\nserver-fqdn = a..b\n",
                         I, &errs));
    assert_int_equal(errs.n, 4);
    assert_error(&errs, "e.ini:2: ", "threads", NULL);
    assert_error(&errs, "e.ini:4: ", "preference", NULL);
    assert_error(&errs, "e.ini:5: ", "unknown section [bogus]", NULL);
    assert_error(&errs, "e.ini:7: ", "empty label", NULL);
    dk_config_errors_clear(&errs);
}

/* Detection by the first significant line, and explicit overrides. */
static void test_detection(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("d", "\n  # comment\n; comment\n  [server]\nuser = x\n", 0);
    assert_int_equal(dk_config_syntax(cfg), DK_CONFIG_INI);
    dk_config_free(cfg);
    cfg = parse_ok("d", "# [server]\nuser x\n", 0);
    assert_int_equal(dk_config_syntax(cfg), DK_CONFIG_NESTED);
    dk_config_free(cfg);
    /* An INI file read as nested, and the other way round. */
    refused_once("d", "[server]\n", DK_CONFIG_NESTED, "d:1: ", "unknown key '[server]'");
    refused_once("d", "user x\n", I, "d:1: ", "expected 'key = value'");
}

/* The defaults differ per syntax: an INI file gets those of 0.x. */
static void test_defaults_per_syntax(void **state)
{
    (void)state;
    static const char ini[] = "[server]\n[option CSVBasedFixedAssignment ::/0]\n"
                              "assignments-file = a.csv\n";
    static const char nested[] = "<subnet ::/0>\n<static-csv a.csv/>\n</subnet>\n";
    struct dk_config *a = parse_ok("a", ini, I);
    struct dk_config *b = parse_ok("b", nested, DK_CONFIG_NESTED);
    const struct dk_config_section *ra = dk_config_root(a), *rb = dk_config_root(b);
    assert_int_equal(get_u(ra, "workers"), 10);
    assert_null(dk_config_get(rb, "workers"));
    assert_true(dk_config_get(ra, "exception-window")->v.d == 1.0);
    assert_true(dk_config_get(rb, "exception-window")->v.d == 10.0);
    assert_int_equal(get_u(ra, "max-exceptions"), 10);
    assert_int_equal(get_u(rb, "max-exceptions"), 5);
    const struct dk_config_section *ca = child(child(ra, 1, "subnet"), 0, "static-csv");
    const struct dk_config_section *cb = child(child(rb, 0, "subnet"), 0, "static-csv");
    assert_int_equal(get_u(ca, "prefix-preferred-lifetime"), 43200);
    assert_int_equal(get_u(cb, "prefix-preferred-lifetime"), 7 * 86400);
    /* Same in both: */
    assert_string_equal(dk_config_get(ra, "user")->v.s, "nobody");
    assert_string_equal(dk_config_get(rb, "user")->v.s, "nobody");
    assert_false(dk_config_equal(a, b));
    dk_config_free(a);
    dk_config_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_talk_example),
        cmocka_unit_test(test_talk_equal_to_nested),
        cmocka_unit_test(test_spellings),
        cmocka_unit_test(test_lists_and_order),
        cmocka_unit_test(test_server_section),
        cmocka_unit_test(test_logging_section),
        cmocka_unit_test(test_interface_section),
        cmocka_unit_test(test_fixed_assignments),
        cmocka_unit_test(test_other_handlers),
        cmocka_unit_test(test_handlers_new_in_1x),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_detection),
        cmocka_unit_test(test_defaults_per_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
