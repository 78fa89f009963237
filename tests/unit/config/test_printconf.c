/* SPDX-License-Identifier: GPL-3.0-or-later */
/* printconf (src/config/printconf.c): printed configs parse to equal trees. */
#include "helpers.h"

#include "config_fuzz.h"

/* Section types seen in the trees that went round. */
static const struct dk_config_section_def *seen[128];
static size_t nseen;

static void mark_seen(const struct dk_config_section *s)
{
    size_t i;
    for (i = 0; i < nseen && seen[i] != s->def; i++)
        ;
    if (i == nseen && nseen < 128)
        seen[nseen++] = s->def;
    for (size_t c = 0; c < s->nchildren; c++)
        mark_seen(s->children[c]);
}

/* Prints cfg, parses the text under the same name, compares; for a nested
 * tree also prints the result again and compares the texts. */
static void round_trip(const struct dk_config *cfg, unsigned flags)
{
    char *text = print_str(cfg, flags);
    struct dk_config_errors errs;
    struct dk_config *again = parse_as(dk_config_name(cfg), text, DK_CONFIG_NESTED, &errs);
    if (!again)
        fail_msg("printed config refused:\n%s\n--- printed ---\n%s", errors_text(&errs), text);
    char why[512];
    if (dk_config_diff(cfg, again, why, sizeof(why)) != 0)
        fail_msg("round trip changed %s: %s\n--- printed ---\n%s", dk_config_name(cfg), why, text);
    assert_int_equal(dk_config_syntax(again), DK_CONFIG_NESTED);
    if (dk_config_syntax(cfg) == DK_CONFIG_NESTED) {
        /* Printing is stable: the same tree prints the same text. */
        char *text2 = print_str(again, flags);
        assert_string_equal(text, text2);
        free(text2);
    } else {
        round_trip(again, flags);
    }
    mark_seen(dk_config_root(cfg));
    free(text);
    dk_config_free(again);
    dk_config_errors_clear(&errs);
}

static void round_trip_file(const char *path)
{
    struct dk_config *cfg = load_ok(path);
    round_trip(cfg, 0);
    round_trip(cfg, DK_CONFIG_PRINT_DEFAULTS);
    dk_config_free(cfg);
}

static void round_trip_text(const char *name, const char *text)
{
    struct dk_config *cfg = parse_ok(name, text, DK_CONFIG_AUTO);
    round_trip(cfg, 0);
    round_trip(cfg, DK_CONFIG_PRINT_DEFAULTS);
    dk_config_free(cfg);
}

static void test_examples(void **state)
{
    (void)state;
    round_trip_file(EXAMPLES_DIR "/ipv6-dhcpd-talk.ini");
    round_trip_file(EXAMPLES_DIR "/ipv6-dhcpd-talk.conf");
    round_trip_file(EXAMPLES_DIR "/static-assignment.conf");
    round_trip_file(EXAMPLES_DIR "/all-sections.conf");
}

/* The exact text for the talk's INI file: the 0.x defaults that differ
 * from the nested ones are written out. */
static void test_talk_printed(void **state)
{
    (void)state;
    struct dk_config *cfg = load_ok(EXAMPLES_DIR "/ipv6-dhcpd-talk.ini");
    char *text = print_str(cfg, 0);
    static const char expected[] = "workers 10\n"
                                   "exception-window 1.0\n"
                                   "max-exceptions 10\n"
                                   "\n"
                                   "<logging>\n"
                                   "    <syslog>\n"
                                   "        level debug\n"
                                   "    </syslog>\n"
                                   "</logging>\n"
                                   "\n"
                                   "<listen-unicast all>\n"
                                   "    interface eth1\n"
                                   "</listen-unicast>\n"
                                   "\n"
                                   "<preference>\n"
                                   "    level 255\n"
                                   "</preference>\n"
                                   "\n"
                                   "<subnet 2001:9e0:abc::/64>\n"
                                   "    <static-csv assignments.csv>\n"
                                   "        address-preferred-lifetime 3600\n"
                                   "        address-valid-lifetime 7200\n"
                                   "        prefix-preferred-lifetime 43200\n"
                                   "        prefix-valid-lifetime 86400\n"
                                   "    </static-csv>\n"
                                   "</subnet>\n"
                                   "\n"
                                   "<recursive-name-servers>\n"
                                   "    address 2001:9e0:4:32::3\n"
                                   "    address 2001:9e0:1:101::3\n"
                                   "</recursive-name-servers>\n"
                                   "\n"
                                   "<ntp-servers>\n"
                                   "    server-address 2001:9e0:4:32::250\n"
                                   "</ntp-servers>\n";
    const char *body = strchr(text, '\n');
    assert_non_null(body);
    assert_true(strncmp(text, "# dhcpkit configuration, read from ", 35) == 0);
    assert_non_null(strstr(text, "ipv6-dhcpd-talk.ini (INI syntax)\n"));
    assert_string_equal(body + 1, expected);
    free(text);

    /* With the defaults: everything, as key value lines. */
    text = print_str(cfg, DK_CONFIG_PRINT_DEFAULTS);
    assert_non_null(strstr(text, "\nuser nobody\n"));
    assert_non_null(strstr(text, "\n    always-send no\n"));
    assert_non_null(strstr(text, "\n        facility daemon\n"));
    free(text);
    dk_config_free(cfg);
}

/* Small configs for the sections and keys the examples leave out, and
 * values that need quotes. */
static void test_every_section_type(void **state)
{
    (void)state;
    round_trip_text("a.conf", "<duid-ll>\nhardware-type 1\nlink-layer-address 0a0b0c0d0e0f\n"
                              "</duid-ll>\n");
    round_trip_text("b.conf", "<duid-en>\nenterprise-number 40208\nidentifier "
                              "12:34:56:78:90:ab:cd:ef\n</duid-en>\n");
    round_trip_text("c.ini", "[server]\nduid = 000100011d1d6071002436ef1d89\n"
                             "message-handler = dump_requests\n[logging]\nfacility = local1\n"
                             "[interface eth0]\nmulticast = yes\nlisten-to-self = yes\n"
                             "link-local-addresses = fe80::1\n"
                             "global-unicast-addresses = 2001:db8::1\n"
                             "[interface *]\nmulticast = yes\n"
                             "[option IAPDTimingLimits]\nfactor-t1 = NONE\n"
                             "[option UnansweredIAPD]\nauthoritative = yes\n"
                             "[option CSVBasedFixedAssignment 2001:db8::/64]\n"
                             "assignments-file = a b.csv\nadditional-prefixes = 2001:db8:1::/64\n");
    round_trip_text("d.conf", "<plugin \"my plugin.so\">\n"
                              "  hash \"a#b\"\n"
                              "  comment \"a # b\"\n"
                              "  eq \"=x\"\n"
                              "  spaced \"  both ends  \"\n"
                              "  quote \"\\\"q\\\"\"\n"
                              "  back a\\b\n"
                              "  inner a \"b\" c\n"
                              "  utf8 ünïcødé\n"
                              "</plugin>\n"
                              "<static-csv \"dir/\" />\n"
                              "<static-sqlite \"a>b\" />\n"
                              "<static-lmdb \"#x\" />\n"
                              "<marked-with \"two words\">\n"
                              "  <copy-remote-id />\n"
                              "</marked-with>\n");
    round_trip_text("e.conf", "");
    round_trip_text("f.ini",
                    "[option MapE]\n"
                    "map-rule-1 = ipv6-prefix 2001:db8:f000::/36 ipv4-prefix 192.0.2.0/24\n"
                    "  contiguous-ports 64 sharing-ratio 16 forwarding-mapping yes\n"
                    "br-address-1 = 2001:db8::1\n"
                    "[option MapT]\n"
                    "map-rule-1 = ipv6-prefix=2001:db8:9500::/40, "
                    "ipv4-prefix=198.51.100.0/24, contiguous-ports=4, sharing-ratio=256\n"
                    "dmr-prefix = 2001:db8:0:1::/64\n");
    round_trip_text("g.conf", "<listen-tcp 2001:db8::1>\n  max-connections 4\n"
                              "  allow-from 2001:db8::/32\n  allow-from 2001:db8:1::/48\n"
                              "  idle-timeout 5\n  mark lq\n</listen-tcp>\n"
                              "<listen-tcp>\n  address ::\n</listen-tcp>\n");
    round_trip_text("f.conf", "<looking-glass \"lg dir/x.db\">\n  keep 5\n  max-age 2d\n"
                              "  queue 1024\n  server-name \"dhcp 1\"\n</looking-glass>\n");
    round_trip_text("g.conf", "<leasequery>\n  allow-from 2001:db8:ffff::/48\n"
                              "  sensitive-option 23\n  <lq-sqlite \"lq dir/leases.db\" />\n"
                              "</leasequery>\n");
    round_trip_text("g.ini", "[option Leasequery]\nallow-from = 2001:db8:ffff::/48 ::1/128\n"
                             "sensitive-option = dns-servers\nstore = leases.db\n");

    /* Every section type went round at least once. */
    size_t n;
    const struct dk_config_section_def *defs = dk_config_schema(&n);
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < nseen && seen[j] != &defs[i]; j++)
            ;
        if (j == nseen)
            fail_msg("section type <%s> never went round", defs[i].name);
    }
}

/* Quoted values print quoted again. */
static void test_quoting(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok(
        "q.conf", "<plugin \"a b.so\">\nk \"x # y\"\nj \" lead\"\n</plugin>\n", DK_CONFIG_NESTED);
    char *text = print_str(cfg, 0);
    assert_non_null(strstr(text, "<plugin \"a b.so\">\n"));
    assert_non_null(strstr(text, "    k \"x # y\"\n"));
    assert_non_null(strstr(text, "    j \" lead\"\n"));
    free(text);
    dk_config_free(cfg);
}

/* The fuzz entry accepts the examples and every truncation of them, and
 * breaks no invariant on them (it aborts if one breaks). */
static void test_fuzz_entry(void **state)
{
    (void)state;
    static const char *const files[] = {
        EXAMPLES_DIR "/ipv6-dhcpd-talk.ini",    EXAMPLES_DIR "/ipv6-dhcpd-talk.conf",
        EXAMPLES_DIR "/static-assignment.conf", EXAMPLES_DIR "/all-sections.conf",
        DATA_DIR "/docs-example.conf",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        FILE *f = fopen(files[i], "rb");
        assert_non_null(f);
        static uint8_t buf[16384];
        size_t len = fread(buf + 1, 1, sizeof(buf) - 1, f);
        fclose(f);
        for (uint8_t syn = 0; syn < 3; syn++) {
            buf[0] = syn;
            for (size_t cut = 0; cut <= len; cut++)
                assert_int_equal(dk__config_fuzz_one(buf, cut + 1), 0);
        }
        /* One octet changed at a time, to a few troublesome values. */
        static const uint8_t subst[] = {0, '<', '>', '/', '"', '[', '=', '#', 0xff};
        buf[0] = 0;
        for (size_t at = 1; at <= len; at += 7) {
            uint8_t was = buf[at];
            for (size_t s = 0; s < sizeof(subst); s++) {
                buf[at] = subst[s];
                assert_int_equal(dk__config_fuzz_one(buf, len + 1), 0);
            }
            buf[at] = was;
        }
    }
    assert_int_equal(dk__config_fuzz_one(NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),           cmocka_unit_test(test_talk_printed),
        cmocka_unit_test(test_every_section_type), cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_fuzz_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
