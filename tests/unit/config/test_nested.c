/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The nested syntax (src/config/nested.c) and the checks of the tree. */
#include "helpers.h"

#define N DK_CONFIG_NESTED

/* dhcpkit 1.x's own docs example closes <subnet> with </subnet-group>. */
static void test_docs_example_mismatch(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    dk_config_errors_init(&errs);
    assert_int_equal(
        dk_config_parse_file(DATA_DIR "/docs-example.conf", DK_CONFIG_AUTO, &cfg, &errs),
        DK_EINVAL);
    assert_null(cfg);
    /* One error, at the closing tag, naming the line of the opening one. */
    if (errs.n != 1)
        fail_msg("expected one error:\n%s", errors_text(&errs));
    assert_error(&errs, DATA_DIR "/docs-example.conf:28: ", "</subnet-group>", "<subnet>",
                 "line 26", NULL);
    assert_int_equal(errs.v[0].line, 28);
    dk_config_errors_clear(&errs);
}

/* The same example with the tag fixed: the tree it describes. */
static void test_docs_example_fixed(void **state)
{
    (void)state;
    FILE *f = fopen(DATA_DIR "/docs-example.conf", "r");
    assert_non_null(f);
    char text[4096];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = 0;
    char *p = strstr(text, "    </subnet-group>");
    assert_non_null(p);
    memcpy(p, "    </subnet>      ", strlen("    </subnet-group>"));

    struct dk_config *cfg = parse_ok("docs.conf", text, DK_CONFIG_AUTO);
    const struct dk_config_section *root = dk_config_root(cfg);
    assert_int_equal(dk_config_syntax(cfg), DK_CONFIG_NESTED);
    assert_string_equal(dk_config_get(root, "user")->v.s, "demo");
    assert_string_equal(dk_config_get(root, "group")->v.s, "nogroup");
    assert_int_equal(root->nchildren, 3);
    const struct dk_config_section *logging = child(root, 0, "logging");
    assert_string_equal(dk_config_get(child(logging, 0, "console"), "level")->v.s, "debug-packets");
    assert_string_equal(dk_config_get(child(logging, 1, "syslog"), "level")->v.s, "info");
    const struct dk_config_section *lu = child(root, 1, "listen-unicast");
    assert_string_equal(lu->arg.text, "2001:db8::1");
    assert_string_equal(dk_config_get(lu, "interface")->v.s, "en0");
    const struct dk_config_section *outer = child(root, 2, "subnet");
    assert_int_equal(outer->arg.v.prefix.len, 48);
    assert_int_equal(outer->line, 24);
    const struct dk_config_section *inner = child(outer, 0, "subnet");
    assert_int_equal(inner->arg.v.prefix.len, 64);
    assert_ptr_equal(inner->parent, outer);
    assert_int_equal(child(inner, 0, "ignore-request")->nsettings, 0);
    const struct dk_config_section *csv = child(outer, 1, "static-csv");
    assert_string_equal(csv->arg.text, "static.csv");
    assert_int_equal(csv->line, 31);
    dk_config_free(cfg);
}

static void test_error_kinds(void **state)
{
    (void)state;
    refused_once("t.conf", "<logging>\n  <console>\n    colour yes\n  </console>\n</logging>\n", N,
                 "t.conf:3: ", "unknown key 'colour' in <console>");
    refused_once("t.conf", "user x\nfrobnicate 1\n", N, "t.conf:2: ", "unknown key 'frobnicate'");
    refused_once("t.conf", "\nallow-rapid-commit often\n", N,
                 "t.conf:2: ", "bad value 'often' for allow-rapid-commit");
    refused_once("t.conf", "<preference>\n  level 256\n</preference>\n", N,
                 "t.conf:2: ", "from 0 to 255");
    refused_once("t.conf", "<sol-max-rt>\n  limit 59\n</sol-max-rt>\n", N,
                 "t.conf:2: ", "from 60 to 86400");
    refused_once("t.conf", "workers 0\n", N, "t.conf:1: ", "from 1 to 1024");
    refused_once("t.conf", "\n\n\n<frobnicate x>\n  a b\n  <preference/>\n</frobnicate>\n", N,
                 "t.conf:4: ", "unknown section <frobnicate>");
    refused_once("t.conf", "<subnet 2001:db8::/32>\n  <preference>\n    level 1\n  </preference>\n",
                 N, "t.conf:1: ", "<subnet> is not closed");
    refused_once("t.conf", "<preference>\n  level 1\n  level 2\n</preference>\n", N,
                 "t.conf:3: ", "duplicate key 'level' in <preference> (the first is at line 2)");
    refused_once("t.conf", "user a\nuser b\n", N, "t.conf:2: ", "duplicate key 'user'");
    refused_once("t.conf", "<preference>\n</preference>\n", N,
                 "t.conf:1: ", "<preference> needs 'level'");
    refused_once("t.conf", "<ntp-servers>\n  always-send yes\n</ntp-servers>\n", N, "t.conf:1: ",
                 "needs at least one of 'server-address', 'multicast-address', 'server-fqdn'");
}

/* <leasequery> needs its store; <lq-sqlite> lives only inside it. */
static void test_leasequery_store(void **state)
{
    (void)state;
    refused_once("t.conf", "<subnet 2001:db8::/32>\n  <leasequery/>\n</subnet>\n", N,
                 "t.conf:2: ", "<leasequery> needs its store");
    refused_once("t.conf", "<lq-sqlite x.db/>\n", N, "t.conf:1: ", "only inside <leasequery>");
}

/* listen-tcp: the argument or the original's 'address' key, not both. */
static void test_listen_tcp(void **state)
{
    (void)state;
    refused_once("t.conf", "<listen-tcp/>\n", N, "t.conf:1: ",
                 "<listen-tcp> needs an address: as its argument or 'address', not both");
    refused_once("t.conf", "<listen-tcp ::>\n  address ::\n</listen-tcp>\n", N, "t.conf:1: ",
                 "<listen-tcp> needs an address: as its argument or 'address', not both");
    refused_once("t.conf", "<listen-tcp ff02::1:2/>\n", N,
                 "t.conf:1: ", "<listen-tcp> needs a unicast address or ::");
    refused_once("t.conf", "<listen-tcp ::>\n  max-connections 0\n</listen-tcp>\n", N,
                 "t.conf:2: ", "max-connections");
}

static void test_placement(void **state)
{
    (void)state;
    refused_once("t.conf", "<console/>\n", N, "t.conf:1: ", "only inside <logging>");
    refused_once("t.conf", "<subnet ::/0>\n  <listen-interface eth0/>\n</subnet>\n", N,
                 "t.conf:2: ", "<listen-interface> is not allowed inside <subnet>");
    refused_once("t.conf", "<preference>\n  level 1\n  <copy-remote-id/>\n</preference>\n", N,
                 "t.conf:3: ", "not allowed inside <preference>");
    refused_once("t.conf", "<logging/>\n<logging/>\n", N,
                 "t.conf:2: ", "only one <logging> is allowed (the first is at line 1)");
    refused_once("t.conf",
                 "<duid-ll>\n hardware-type 1\n link-layer-address 0a0b0c0d0e0f\n</duid-ll>\n"
                 "<duid-en>\n enterprise-number 1\n identifier 01\n</duid-en>\n",
                 N, "t.conf:5: ", "only one of them");
    refused_once("t.conf", "<subnet/>\n", N, "t.conf:1: ", "<subnet> needs an argument");
    refused_once("t.conf", "<preference 5>\n level 1\n</preference>\n", N,
                 "t.conf:1: ", "<preference> takes no argument");
    refused_once("t.conf", "<subnet 2001:db8::1/32/>\n", N, "t.conf:1: ", "host bits");
    refused_once("t.conf",
                 "<duid-ll client-id>\n hardware-type 1\n link-layer-address 01\n"
                 "</duid-ll>\n",
                 N, "t.conf:1: ", "must be one of server-id");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    refused_once("t.conf", "user x\n</subnet>\n", N, "t.conf:2: ", "closes no open section");
    refused_once("t.conf", "<copy-remote-id/> level 1\n", N, "t.conf:1: ", "text after '>'");
    refused_once("t.conf", "<subnet 2001:db8::/32\n</subnet>\n", N, "t.conf:1: ", "missing '>'");
    refused_once("t.conf", "%include other.conf\n", N, "t.conf:1: ", "not supported");
    refused_once("t.conf", "user \"abc\n", N, "t.conf:1: ", "bad quoted value");
    refused_once("t.conf", "user \"abc\" extra\n", N, "t.conf:1: ", "bad quoted value");
    refused_once("t.conf", "user\n", N, "t.conf:1: ", "'user' needs a value");
    refused_once("t.conf", "= x\n", N, "t.conf:1: ", "missing key");
    refused_once("t.conf", "<>\n", N, "t.conf:1: ", "missing section type");
    refused_once("t.conf", "user a\x01 b\n", N, "t.conf:1: ", "control character 0x01");
    refused_once("t.conf", "user \xff\n", N, "t.conf:1: ", "invalid UTF-8");
    refused_once("t.conf", "user \xed\xa0\x80\n", N, "t.conf:1: ", "invalid UTF-8");

    /* A NUL octet. */
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    dk_config_errors_init(&errs);
    assert_int_equal(dk_config_parse_buffer("t.conf", "user a\0b\n", 9, N, &cfg, &errs), DK_EINVAL);
    assert_error(&errs, "t.conf:1: ", "control character 0x00", NULL);
    dk_config_errors_clear(&errs);

    /* A line over the limit. */
    size_t big = DK_CONFIG_MAX_LINE + 10;
    char *text = malloc(big + 16);
    assert_non_null(text);
    memcpy(text, "user x\nuser ", 12);
    memset(text + 12, 'a', big);
    strcpy(text + 12 + big, "\n");
    refused_once("t.conf", text, N, "t.conf:2: ", "line longer than");
    free(text);
}

/* Every error of a file, in line order; no tree. */
static void test_all_errors_reported(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    static const char text[] = "<preference>\n"            /* 1: needs level (found at the end) */
                               "</preference>\n"           /* 2 */
                               "bogus 1\n"                 /* 3 */
                               "<subnet 2001:db8::1/32>\n" /* 4: host bits */
                               "  <sol-max-rt>\n"          /* 5 */
                               "    limit 1\n"             /* 6 */
                               "  </sol-max-rt>\n"         /* 7 */
                               "</subnet>\n"               /* 8 */
                               "workers many\n";           /* 9 */
    assert_null(parse_as("t.conf", text, N, &errs));
    if (errs.n != 5)
        fail_msg("expected five errors:\n%s", errors_text(&errs));
    static const unsigned lines[] = {1, 3, 4, 6, 9};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(errs.v[i].line, lines[i]);
    assert_error(&errs, "t.conf:9: ", "workers", NULL);
    dk_config_errors_clear(&errs);
}

static void test_error_cap(void **state)
{
    (void)state;
    char *text = malloc(150 * 16);
    assert_non_null(text);
    text[0] = 0;
    for (int i = 0; i < 150; i++)
        strcat(text, "nonsense 1\n");
    struct dk_config_errors errs;
    assert_null(parse_as("t.conf", text, N, &errs));
    assert_int_equal(errs.n, DK_CONFIG_MAX_ERRORS);
    assert_int_equal(errs.dropped, 150 - DK_CONFIG_MAX_ERRORS);
    assert_int_equal(errs.v[99].line, 100);
    /* printing says how many were left out */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    dk_config_errors_print(&errs, f);
    fclose(f);
    assert_non_null(strstr(out, "... and 50 more errors"));
    free(out);
    dk_config_errors_clear(&errs);
    free(text);
}

static char *nest(int depth)
{
    char *text = malloc((size_t)depth * 64 + 64);
    assert_non_null(text);
    text[0] = 0;
    for (int i = 0; i < depth; i++)
        strcat(text, "<subnet 2001:db8::/32>\n");
    strcat(text, "<copy-remote-id/>\n");
    for (int i = 0; i < depth; i++)
        strcat(text, "</subnet>\n");
    return text;
}

static void test_depth(void **state)
{
    (void)state;
    char *ok = nest(DK_CONFIG_MAX_DEPTH);
    struct dk_config *cfg = parse_ok("t.conf", ok, N);
    const struct dk_config_section *s = dk_config_root(cfg);
    for (int i = 0; i < DK_CONFIG_MAX_DEPTH; i++)
        s = child(s, 0, "subnet");
    child(s, 0, "copy-remote-id");
    dk_config_free(cfg);
    free(ok);

    char *deep = nest(DK_CONFIG_MAX_DEPTH + 5);
    refused_once("t.conf", deep, N, "t.conf:33: ", "nested deeper than 32");
    free(deep);

    /* Very deep and unclosed: still one error for the depth, then the
     * unclosed ones; no crash. */
    char *many = malloc(100000);
    assert_non_null(many);
    many[0] = 0;
    for (int i = 0; i < 4000; i++)
        strcat(many, "<subnet ::/0>\n");
    struct dk_config_errors errs;
    assert_null(parse_as("t.conf", many, N, &errs));
    assert_error(&errs, "t.conf:33: ", "nested deeper", NULL);
    assert_error(&errs, "t.conf:1: ", "<subnet> is not closed", NULL);
    dk_config_errors_clear(&errs);
    free(many);
}

static void test_section_limit(void **state)
{
    (void)state;
    size_t n = DK_CONFIG_MAX_SECTIONS + 5;
    char *text = malloc(n * 20 + 1);
    assert_non_null(text);
    char *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "<copy-remote-id/>\n");
    struct dk_config_errors errs;
    assert_null(parse_as("t.conf", text, N, &errs));
    assert_int_equal(errs.n, 1);
    assert_error(&errs, "t.conf:10001: ", "more than 10000 sections", NULL);
    dk_config_errors_clear(&errs);
    free(text);
}

/* Spellings the tokenizer accepts. */
static void test_lexical(void **state)
{
    (void)state;
    static const char text[] = "\xef\xbb\xbf# a comment\r\n"
                               "USER = \"a # b\"   # comment\r\n"
                               "Group=staff\r\n"
                               "   \t\r\n"
                               "<Subnet \"2001:db8::/32\">\r\n"
                               "\t<STATIC-CSV \"my assignments.csv\"/>\r\n"
                               "    <preference>  # the level\r\n"
                               "        Level 7   # a comment\r\n"
                               "    </PREFERENCE>\r\n"
                               "</subnet >\r\n"
                               "<plugin \"x.so\">\n"
                               "   escaped \"a\\\"b\\\\c\"\n"
                               "</plugin>";
    struct dk_config_errors errs;
    struct dk_config *cfg = parse_as("t.conf", text, DK_CONFIG_AUTO, &errs);
    if (!cfg)
        fail_msg("refused:\n%s", errors_text(&errs));
    const struct dk_config_section *root = dk_config_root(cfg);
    assert_string_equal(dk_config_get(root, "user")->v.s, "a # b");
    assert_string_equal(dk_config_get(root, "group")->v.s, "staff");
    const struct dk_config_section *subnet = child(root, 0, "subnet");
    assert_int_equal(subnet->line, 5);
    assert_string_equal(child(subnet, 0, "static-csv")->arg.text, "my assignments.csv");
    assert_int_equal(get_u(child(subnet, 1, "preference"), "level"), 7);
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);

    /* '#' not after a blank is part of the value: "7#x" is no number. */
    refused_once("t.conf", "<preference>\n  level 7#x\n</preference>\n", N,
                 "t.conf:2: ", "bad value '7#x'");
    cfg = parse_ok("t.conf", "<plugin x.so>\n   escaped \"a\\\"b\\\\c\"\n</plugin>\n", N);
    const struct dk_config_section *plugin = child(dk_config_root(cfg), 0, "plugin");
    assert_string_equal(dk_config_get(plugin, "escaped")->text, "a\"b\\c");
    dk_config_free(cfg);
}

static void test_defaults_nested(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("d.conf",
                                     "<logging>\n<syslog/>\n</logging>\n"
                                     "<listen-interface eth0/>\n"
                                     "<static-csv a.csv/>\n"
                                     "<iana-timing-limits/>\n"
                                     "<rate-limit/>\n",
                                     DK_CONFIG_AUTO);
    const struct dk_config_section *root = dk_config_root(cfg);
    /* dhcpkit 1.x config_schema.xml */
    assert_string_equal(dk_config_get(root, "user")->v.s, "nobody");
    assert_null(dk_config_get(root, "group"));
    assert_null(dk_config_get(root, "workers")); /* the consumer counts CPUs */
    assert_true(dk_config_get(root, "exception-window")->v.d == 10.0);
    assert_int_equal(get_u(root, "max-exceptions"), 5);
    assert_false(dk_config_get(root, "allow-rapid-commit")->v.b);
    assert_string_equal(dk_config_get(root, "pid-file")->v.s, "/var/run/ipv6-dhcpd.pid");
    assert_string_equal(dk_config_get(root, "control-socket")->v.s, "/var/run/ipv6-dhcpd.sock");
    for (size_t i = 0; i < root->nsettings; i++) {
        assert_true(root->settings[i].is_default);
        assert_int_equal(root->settings[i].line, 0);
    }
    const struct dk_config_section *syslog = child(child(root, 0, "logging"), 0, "syslog");
    assert_string_equal(dk_config_get(syslog, "level")->v.s, "warning");
    assert_string_equal(dk_config_get(syslog, "facility")->v.s, "daemon");
    const struct dk_config_section *li = child(root, 1, "listen-interface");
    assert_int_equal(dk_config_count(li, "mark"), 1);
    assert_string_equal(dk_config_get(li, "mark")->v.s, "unmarked");
    assert_false(dk_config_get(li, "listen-to-self")->v.b);
    const struct dk_config_section *csv = child(root, 2, "static-csv");
    assert_int_equal(get_u(csv, "address-preferred-lifetime"), 7 * 86400);
    assert_int_equal(get_u(csv, "address-valid-lifetime"), 30 * 86400);
    assert_int_equal(get_u(csv, "prefix-preferred-lifetime"), 7 * 86400);
    assert_int_equal(get_u(csv, "prefix-valid-lifetime"), 30 * 86400);
    const struct dk_config_section *tl = child(root, 3, "iana-timing-limits");
    assert_int_equal(get_u(tl, "min-t1"), 0);
    assert_int_equal(get_u(tl, "max-t1"), DK_CONFIG_INFINITY);
    assert_string_equal(dk_config_get(tl, "max-t1")->word, "INFINITY");
    assert_true(dk_config_get(tl, "factor-t1")->v.d == 0.5);
    assert_true(dk_config_get(tl, "factor-t2")->v.d == 0.8);
    const struct dk_config_section *rl = child(root, 4, "rate-limit");
    assert_string_equal(dk_config_get(rl, "key")->v.s, "duid");
    assert_int_equal(get_u(rl, "rate"), 5);
    assert_int_equal(get_u(rl, "per"), 30);
    assert_null(dk_config_get(rl, "burst"));
    dk_config_free(cfg);

    /* A given value replaces the default; it is not counted twice. */
    cfg = parse_ok("d.conf", "<listen-interface eth0>\nmark a\nmark b\n</listen-interface>\n", N);
    li = child(dk_config_root(cfg), 0, "listen-interface");
    assert_int_equal(dk_config_count(li, "mark"), 2);
    assert_string_equal(dk_config_nth(li, "mark", 1)->v.s, "b");
    assert_null(dk_config_nth(li, "mark", 2));
    assert_int_equal(li->settings[0].line, 2);
    assert_false(li->settings[0].is_default);
    dk_config_free(cfg);
}

static void test_checks_across_keys(void **state)
{
    (void)state;
    refused_once("t.conf", "<listen-unicast all/>\n", N,
                 "t.conf:1: ", "<listen-unicast all> needs 'interface'");
    refused_once("t.conf", "<listen-unicast fe80::1/>\n", N, "t.conf:1: ", "link-local");
    refused_once("t.conf", "<listen-unicast ::/>\n", N, "t.conf:1: ", "unicast");
    refused_once("t.conf", "<logging>\n<file x.log>\nrotate daily\n</file>\n</logging>\n", N,
                 "t.conf:2: ", "needs 'keep'");
    refused_once("t.conf", "<logging>\n<file x.log>\nrotate size\nkeep 2\n</file>\n</logging>\n", N,
                 "t.conf:2: ", "needs 'size'");
    refused_once("t.conf", "<elapsed-time>\nmore-than 1m\nless-than 60\n</elapsed-time>\n", N,
                 "t.conf:1: ", "more-than must be less than less-than");
    refused_once("t.conf", "<elapsed-time/>\n", N, "t.conf:1: ", "needs at least one of");
    refused_once("t.conf", "<iapd-timing-limits>\nmin-t2 1d\nmax-t2 1h\n</iapd-timing-limits>\n", N,
                 "t.conf:1: ", "min-t2 is more than max-t2");
    refused_once("t.conf", "<static-csv a.csv>\naddress-preferred-lifetime 31d\n</static-csv>\n", N,
                 "t.conf:1: ", "address-preferred-lifetime is more than address-valid");
}

/* <duid-ll> and <duid-ll server-id> are the same section. */
static void test_duid_argument(void **state)
{
    (void)state;
    struct dk_config *a = parse_ok(
        "a.conf", "<duid-ll>\nhardware-type 1\nlink-layer-address 002436ef1d89\n</duid-ll>\n", N);
    struct dk_config *b = parse_ok(
        "b.conf",
        "<duid-ll server-id>\nhardware-type 1\nlink-layer-address 00:24:36:EF:1d:89\n</duid-ll>\n",
        N);
    const struct dk_config_section *d = child(dk_config_root(a), 0, "duid-ll");
    assert_true(d->has_arg);
    assert_string_equal(d->arg.v.s, "server-id");
    const struct dk_config_value *ll = dk_config_get(d, "link-layer-address");
    assert_int_equal(ll->v.bytes.len, 6);
    assert_memory_equal(ll->v.bytes.p, "\x00\x24\x36\xef\x1d\x89", 6);
    assert_true(dk_config_equal(a, b));
    dk_config_free(a);
    dk_config_free(b);
}

static void test_richer_example(void **state)
{
    (void)state;
    struct dk_config *cfg = load_ok(EXAMPLES_DIR "/static-assignment.conf");
    const struct dk_config_section *root = dk_config_root(cfg);
    assert_int_equal(get_u(root, "workers"), 4);
    child(root, 0, "listen-unicast");
    assert_string_equal(child(root, 1, "listen-interface")->arg.v.s, "en0");
    const struct dk_config_section *stats = child(root, 2, "statistics");
    assert_int_equal(dk_config_count(stats, "subnet"), 1);
    const struct dk_config_section *subnet = child(root, 3, "subnet");
    assert_int_equal(subnet->nchildren, 13);
    const struct dk_config_section *dsl = child(subnet, 6, "domain-search-list");
    assert_true(dk_config_get(dsl, "always-send")->v.b);
    /* "example.香港" goes on the wire as IDNA: example.xn--j6w193g */
    const struct dk_config_value *idn = dk_config_nth(dsl, "domain-name", 1);
    assert_non_null(idn);
    assert_int_equal(idn->v.bytes.len, 21);
    assert_memory_equal(idn->v.bytes.p,
                        "\x07"
                        "example"
                        "\x0b"
                        "xn--j6w193g"
                        "\x00",
                        21);
    assert_string_equal(idn->text, "example.香港");
    const struct dk_config_section *tl = child(subnet, 1, "iana-timing-limits");
    assert_int_equal(get_u(tl, "min-t1"), 1800);
    assert_int_equal(get_u(tl, "max-t2"), 86400);
    const struct dk_config_section *sntp = child(subnet, 10, "sntp-servers");
    assert_memory_equal(dk_config_get(sntp, "address")->v.addr,
                        "\x26\x10\x00\x20\x6f\x15\x00\x15\x00\x00\x00\x00\x00\x00\x00\x27", 16);
    dk_config_free(cfg);
}

static void test_parse_file_errors(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    dk_config_errors_init(&errs);
    assert_int_equal(
        dk_config_parse_file(DATA_DIR "/no-such-file.conf", DK_CONFIG_AUTO, &cfg, &errs),
        DK_EINVAL);
    assert_null(cfg);
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.v[0].line, 0);
    char line[512];
    dk_config_error_format(&errs.v[0], line, sizeof(line));
    assert_non_null(strstr(line, "no-such-file.conf: cannot open"));
    dk_config_errors_clear(&errs);
    dk_config_errors_clear(NULL);
    dk_config_free(NULL);
    /* Bad arguments. */
    assert_int_equal(dk_config_parse_buffer("x", NULL, 1, N, &cfg, NULL), DK_EINVAL);
    assert_int_equal(dk_config_parse_buffer("x", "", 0, (enum dk_config_syntax)7, &cfg, NULL),
                     DK_EINVAL);
    assert_int_equal(dk_config_parse_buffer("x", "", 0, N, NULL, NULL), DK_EINVAL);
    /* An empty file is a valid configuration of defaults; errs may be NULL. */
    assert_int_equal(dk_config_parse_buffer(NULL, NULL, 0, DK_CONFIG_AUTO, &cfg, NULL), 0);
    assert_string_equal(dk_config_name(cfg), "config");
    assert_int_equal(dk_config_root(cfg)->nchildren, 0);
    dk_config_free(cfg);
    assert_int_equal(dk_config_parse_buffer("x", "bogus 1\n", 8, N, &cfg, NULL), DK_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docs_example_mismatch),
        cmocka_unit_test(test_docs_example_fixed),
        cmocka_unit_test(test_error_kinds),
        cmocka_unit_test(test_leasequery_store),
        cmocka_unit_test(test_listen_tcp),
        cmocka_unit_test(test_placement),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_error_cap),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_section_limit),
        cmocka_unit_test(test_lexical),
        cmocka_unit_test(test_defaults_nested),
        cmocka_unit_test(test_checks_across_keys),
        cmocka_unit_test(test_duid_argument),
        cmocka_unit_test(test_richer_example),
        cmocka_unit_test(test_parse_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
