/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * <map-e>, <map-t> and <map-rule> (src/config/schema.c) and their INI form
 * [option MapE] / [option MapT] with map-rule-N (src/config/ini.c): the
 * tree they make, the same tree from both syntaxes, and every bad value
 * refused with file:line.
 */
#include "helpers.h"

#define N DK_CONFIG_NESTED
#define I DK_CONFIG_INI

static const struct dk_config_section *nth_child(const struct dk_config_section *s,
                                                 const char *type, size_t nth)
{
    for (size_t i = 0; i < s->nchildren; i++)
        if (strcmp(s->children[i]->type, type) == 0 && nth-- == 0)
            return s->children[i];
    fail_msg("no <%s> number %zu", type, nth);
    return NULL;
}

static const char nested_text[] =
    "workers 10\nexception-window 1.0\nmax-exceptions 10\n"
    "<logging>\n  <syslog>\n    level debug\n  </syslog>\n</logging>\n"
    "<map-e>\n"
    "    <map-rule>\n"
    "        ipv6-prefix 2001:db8:f000::/36\n"
    "        ipv4-prefix 192.0.2.0/24\n"
    "        contiguous-ports 64\n"
    "        sharing-ratio 16\n"
    "        forwarding-mapping yes\n"
    "    </map-rule>\n"
    "    <map-rule>\n"
    "        ipv6-prefix 2001:db8:9500::/40\n"
    "        ipv4-prefix 198.51.100.0/24\n"
    "        contiguous-ports 4\n"
    "        sharing-ratio 256\n"
    "    </map-rule>\n"
    "    br-address 2001:db8::1\n"
    "    br-address 2001:db8::2\n"
    "</map-e>\n"
    "<map-t>\n"
    "    always-send yes\n"
    "    <map-rule>\n"
    "        ipv6-prefix 2001:db8:f000::/36\n"
    "        ipv4-prefix 192.0.2.0/24\n"
    "        contiguous-ports 64\n"
    "        sharing-ratio 16\n"
    "    </map-rule>\n"
    "    default-mapping 2001:db8:0:1::/64\n"
    "</map-t>\n";

/* The same in the INI syntax: a rule on one line, on continuation lines,
 * or as key=value pairs separated by commas. */
static const char ini_text[] =
    "[option MapE]\n"
    "map-rule-1 = ipv6-prefix 2001:db8:f000::/36\n"
    "             ipv4-prefix 192.0.2.0/24\n"
    "             contiguous-ports 64\n"
    "             sharing-ratio 16\n"
    "             forwarding-mapping yes\n"
    "map-rule-2 = ipv6-prefix=2001:db8:9500::/40, ipv4-prefix=198.51.100.0/24,\n"
    "             contiguous-ports=4, sharing_ratio=256\n"
    "br-address-1 = 2001:db8::1\n"
    "br-address-2 = 2001:db8::2\n"
    "\n"
    "[option map-t]\n"
    "always-send = yes\n"
    "map-rule = ipv6-prefix = 2001:db8:f000::/36 ipv4-prefix= 192.0.2.0/24 contiguous-ports =64 "
    "sharing-ratio 16\n"
    "default-mapping = 2001:db8:0:1::/64\n";

static void test_tree(void **state)
{
    (void)state;
    struct dk_config *cfg = parse_ok("m.conf", nested_text, N);
    const struct dk_config_section *root = dk_config_root(cfg);
    const struct dk_config_section *e = nth_child(root, "map-e", 0),
                                   *t = nth_child(root, "map-t", 0);
    assert_int_equal(e->nchildren, 2);
    const struct dk_config_section *r = nth_child(e, "map-rule", 0);
    assert_int_equal(r->line, 10);
    assert_int_equal(dk_config_get(r, "ipv6-prefix")->v.prefix.len, 36);
    const struct dk_config_value *v4 = dk_config_get(r, "ipv4-prefix");
    assert_int_equal(v4->type, DK_CFG_PREFIX4);
    assert_int_equal(v4->v.prefix.len, 24);
    static const uint8_t net[4] = {192, 0, 2, 0};
    assert_memory_equal(v4->v.prefix.addr, net, 4);
    assert_int_equal(dk_config_get(r, "contiguous-ports")->v.u, 64);
    assert_int_equal(dk_config_get(r, "sharing-ratio")->v.u, 16);
    assert_true(dk_config_get(r, "forwarding-mapping")->v.b);
    /* forwarding-mapping defaults to no, as in dhcpkit 1.x. */
    assert_false(dk_config_get(nth_child(e, "map-rule", 1), "forwarding-mapping")->v.b);
    assert_int_equal(dk_config_count(e, "br-address"), 2);
    assert_false(dk_config_get(e, "always-send")->v.b);
    assert_true(dk_config_get(t, "always-send")->v.b);
    assert_int_equal(dk_config_get(t, "default-mapping")->v.prefix.len, 64);
    dk_config_free(cfg);
}

/* Both syntaxes make the same tree. */
static void test_ini_same_tree(void **state)
{
    (void)state;
    struct dk_config *a = parse_ok("m.conf", nested_text, N);
    struct dk_config *b = parse_ok("m.ini", ini_text, I);
    char why[512];
    if (dk_config_diff(a, b, why, sizeof(why)) != 0)
        fail_msg("the trees differ: %s", why);
    /* A rule of the INI file is at the line of its key. */
    const struct dk_config_section *e = nth_child(dk_config_root(b), "map-e", 0);
    assert_int_equal(nth_child(e, "map-rule", 1)->line, 7);
    dk_config_free(a);
    dk_config_free(b);
    /* dmr-prefix is another name for default-mapping. */
    a = parse_ok("d.conf",
                 "<map-t>\n<map-rule>\nipv6-prefix 2001:db8::/40\nipv4-prefix 192.0.2.0/24\n"
                 "contiguous-ports 1\nsharing-ratio 1\n</map-rule>\ndmr-prefix 64:ff9b::/96\n"
                 "</map-t>\n",
                 N);
    assert_int_equal(
        dk_config_get(nth_child(dk_config_root(a), "map-t", 0), "dmr-prefix")->v.prefix.len, 96);
    dk_config_free(a);
}

/* A <map-rule> with one line replaced: "%s" is where the line goes. */
static void rule_refused(const char *bad_line, const char *line_prefix, const char *fragment)
{
    const char *lines[5] = {
        "ipv6-prefix 2001:db8:f000::/36",
        "ipv4-prefix 192.0.2.0/24",
        "contiguous-ports 64",
        "sharing-ratio 16",
        "forwarding-mapping no",
    };
    char text[1024];
    size_t key = strcspn(bad_line, " ");
    int used = snprintf(text, sizeof(text), "<map-e>\n  br-address 2001:db8::1\n  <map-rule>\n");
    for (size_t i = 0; i < 5; i++) {
        const char *l = strncmp(lines[i], bad_line, key) == 0 ? bad_line : lines[i];
        used += snprintf(text + used, sizeof(text) - (size_t)used, "    %s\n", l);
    }
    snprintf(text + used, sizeof(text) - (size_t)used, "  </map-rule>\n</map-e>\n");
    refused_once("r.conf", text, N, line_prefix, fragment);
}

static void test_rule_errors(void **state)
{
    (void)state;
    /* Lines 4..8 hold ipv6-prefix, ipv4-prefix, contiguous-ports,
     * sharing-ratio, forwarding-mapping. */
    rule_refused("sharing-ratio 3", "r.conf:7: ", "must be a power of two");
    rule_refused("sharing-ratio 0", "r.conf:7: ", "from 1 to 65536");
    rule_refused("sharing-ratio 131072", "r.conf:7: ", "from 1 to 65536");
    rule_refused("contiguous-ports 48", "r.conf:6: ", "must be a power of two");
    rule_refused("contiguous-ports many", "r.conf:6: ", "bad value 'many' for contiguous-ports");
    rule_refused("ipv4-prefix 192.0.2.1/24", "r.conf:5: ", "host bits set");
    rule_refused("ipv4-prefix 192.0.2.0/33", "r.conf:5: ", "not an IPv4 prefix");
    rule_refused("ipv4-prefix 2001:db8::/32", "r.conf:5: ", "not an IPv4 prefix");
    rule_refused("ipv4-prefix 192.0.2/24", "r.conf:5: ", "not an IPv4 prefix");
    rule_refused("ipv6-prefix 192.0.2.0/24", "r.conf:4: ", "not an IPv6 prefix");
    rule_refused("ipv6-prefix 2001:db8:f000::1/36", "r.conf:4: ", "host bits set");
    rule_refused("forwarding-mapping maybe", "r.conf:8: ", "bad value 'maybe'");
    /* RFC 7597 §5.1: a (offset) + k (PSID) + m (contiguous) = 16 bits. */
    rule_refused("sharing-ratio 2048",
                 "r.conf:7: ", "sharing-ratio 2048 with contiguous-ports 64 needs 17 port bits");
    /* RFC 7597 §5.2: /36 + 8 + 4 = 48 fits; /60 + 12 does not. */
    rule_refused("ipv6-prefix 2001:db8::/60", "r.conf:4: ",
                 "ipv6-prefix /60 with 12 EA-bits (32 - 24 IPv4 prefix bits + 4 PSID bits)");
    /* /52 + 12 = 64 is the longest that fits. */
    struct dk_config *cfg =
        parse_ok("ok.conf",
                 "<map-e>\nbr-address 2001:db8::1\n<map-rule>\n"
                 "ipv6-prefix 2001:db8::/52\nipv4-prefix 192.0.2.0/24\n"
                 "contiguous-ports 64\nsharing-ratio 16\n</map-rule>\n</map-e>\n",
                 N);
    dk_config_free(cfg);
    /* A missing key: at the <map-rule> line. */
    refused_once("r.conf",
                 "<map-t>\n  default-mapping 2001:db8::/64\n  <map-rule>\n"
                 "    ipv6-prefix 2001:db8::/40\n    ipv4-prefix 192.0.2.0/24\n"
                 "    contiguous-ports 4\n  </map-rule>\n</map-t>\n",
                 N, "r.conf:3: ", "<map-rule> needs 'sharing-ratio'");
    refused_once("r.conf", "<map-rule>\n  ipv6-prefix 2001:db8::/40\n</map-rule>\n", N,
                 "r.conf:1: ", "only inside <map-e> or <map-t>");
    refused_once("r.conf", "<subnet 2001:db8::/32>\n<map-rule/>\n</subnet>\n", N,
                 "r.conf:2: ", "<map-rule> is not allowed inside <subnet>");
}

static const char rule[] = "  <map-rule>\n    ipv6-prefix 2001:db8::/40\n    ipv4-prefix "
                           "192.0.2.0/24\n    contiguous-ports 4\n    sharing-ratio 256\n"
                           "  </map-rule>\n";

static void test_container_errors(void **state)
{
    (void)state;
    char text[2048];
    refused_once("c.conf", "<map-e>\n  br-address 2001:db8::1\n</map-e>\n", N,
                 "c.conf:1: ", "<map-e> needs at least one <map-rule>");
    snprintf(text, sizeof(text), "<map-e>\n%s</map-e>\n", rule);
    refused_once("c.conf", text, N, "c.conf:1: ", "<map-e> needs 'br-address'");
    snprintf(text, sizeof(text), "<map-e>\n%s  br-address ff02::1\n</map-e>\n", rule);
    refused_once("c.conf", text, N, "c.conf:8: ", "must be a unicast address");
    snprintf(text, sizeof(text),
             "<map-e>\n%s  br-address 2001:db8::1\n  br-address 2001:db8::2\n"
             "  br-address 2001:db8:0::1\n</map-e>\n",
             rule);
    refused_once("c.conf", text, N,
                 "c.conf:10: ", "br-address 2001:db8:0::1 is given twice (first at line 8)");
    refused_once("c.conf", "<map-t>\n  default-mapping 2001:db8::/64\n</map-t>\n", N,
                 "c.conf:1: ", "<map-t> needs at least one <map-rule>");
    snprintf(text, sizeof(text), "<map-t>\n%s</map-t>\n", rule);
    refused_once("c.conf", text, N,
                 "c.conf:1: ", "needs at least one of 'default-mapping', 'dmr-prefix'");
    /* RFC 6052 §2.2 lengths only. */
    snprintf(text, sizeof(text), "<map-t>\n%s  default-mapping 2001:db8::/60\n</map-t>\n", rule);
    refused_once("c.conf", text, N, "c.conf:8: ",
                 "default-mapping /60: a DMR prefix is /32, /40, /48, /56, /64 or /96");
    snprintf(text, sizeof(text),
             "<map-t>\n%s  default-mapping 2001:db8::/64\n  dmr-prefix 64:ff9b::/96\n</map-t>\n",
             rule);
    refused_once("c.conf", text, N, "c.conf:9: ", "default-mapping and dmr-prefix");
    snprintf(text, sizeof(text),
             "<map-t>\n%s  br-address 2001:db8::1\n  dmr-prefix 64:ff9b::/96\n</map-t>\n", rule);
    refused_once("c.conf", text, N, "c.conf:8: ", "unknown key 'br-address' in <map-t>");
    /* More rules than a reply carries. */
    size_t used = (size_t)snprintf(text, sizeof(text), "<map-t>\n  dmr-prefix 64:ff9b::/96\n");
    static char big[65536];
    memcpy(big, text, used);
    for (int i = 0; i <= DK_CONFIG_MAP_MAX_RULES; i++) {
        memcpy(big + used, rule, sizeof(rule) - 1);
        used += sizeof(rule) - 1;
    }
    snprintf(big + used, sizeof(big) - used, "</map-t>\n");
    refused_once("c.conf", big, N, "c.conf:1: ", "has 65 <map-rule> sections; at most 64");
}

static void test_ini_errors(void **state)
{
    (void)state;
    refused_once("e.ini",
                 "[option MapE]\nbr-address-1 = 2001:db8::1\n"
                 "map-rule-1 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24\n"
                 "  contiguous-ports 4 sharing-ratio 100\n",
                 I, "e.ini:3: ", "bad value '100' for sharing-ratio: must be a power of two");
    refused_once(
        "e.ini",
        "[option MapE]\nbr-address-1 = 2001:db8::1\n"
        "map-rule-1 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 sharing-ratio 4\n",
        I, "e.ini:3: ", "map-rule-1 in [option MapE] needs 'contiguous-ports'");
    refused_once("e.ini",
                 "[option MapE]\nbr-address-1 = 2001:db8::1\n"
                 "map-rule-2 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 "
                 "contiguous-ports 64 sharing-ratio 16 colour blue\n",
                 I, "e.ini:3: ", "unknown key 'colour' in map-rule-2");
    refused_once("e.ini",
                 "[option MapE]\nbr-address-1 = 2001:db8::1\n"
                 "map-rule-2 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 "
                 "contiguous-ports 64 sharing-ratio\n",
                 I, "e.ini:3: ", "'sharing-ratio' needs a value in map-rule-2");
    /* Checks across keys: at the line of the rule. */
    refused_once("e.ini",
                 "[option MapT]\ndefault-mapping = 2001:db8::/64\n\n"
                 "map-rule-1 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24\n"
                 "  contiguous-ports 1024 sharing-ratio 256\n",
                 I, "e.ini:4: ", "needs 18 port bits");
    refused_once("e.ini", "[option MapE]\nbr-address-1 = 2001:db8::1\n", I,
                 "e.ini:1: ", "<map-e> needs at least one <map-rule>");
    refused_once("e.ini",
                 "[option MapE]\nmap-rule-1 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 "
                 "contiguous-ports 64 sharing-ratio 16\n",
                 I, "e.ini:1: ", "[option MapE] needs 'br-address'");
    refused_once("e.ini",
                 "[option MapE]\nbr-address = 2001:db8::1\nbr-address-x = 2001:db8::2\n"
                 "map-rule-1 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 "
                 "contiguous-ports 64 sharing-ratio 16\n",
                 I, "e.ini:3: ", "unknown key 'br-address-x'");
    refused_once("e.ini",
                 "[option MapT]\ndefault-mapping = 2001:db8::/63\n"
                 "map-rule-1 = ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 "
                 "contiguous-ports 64 sharing-ratio 16\n",
                 I, "e.ini:2: ", "a DMR prefix is /32, /40, /48, /56, /64 or /96");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),        cmocka_unit_test(test_ini_same_tree),
        cmocka_unit_test(test_rule_errors), cmocka_unit_test(test_container_errors),
        cmocka_unit_test(test_ini_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
