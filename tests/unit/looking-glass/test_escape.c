/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-looking-glass (tools/looking-glass): the escaping of wire
 * strings for HTML text and attributes, JSON, URLs and Prometheus labels;
 * UTF-8 validation; search terms to stored ids; stats-json to Prometheus;
 * the allow-list's prefix match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "escape.h"
#include "lg.h"

typedef void (*esc_fn)(struct lg_sb *, const char *, size_t);

static void expect(esc_fn f, const char *in, size_t n, const char *want)
{
    struct lg_sb b = {0};
    f(&b, in, n);
    assert_false(b.err);
    assert_string_equal(b.p ? b.p : "", want);
    lg_sb_free(&b);
}

static void html(const char *in, const char *want)
{
    expect(lg_html, in, (size_t)-1, want);
}

static void test_html(void **state)
{
    (void)state;
    html("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    /* Attribute contexts, double and single quoted, and the backtick. */
    html("\"onerror=alert(1)", "&quot;onerror=alert(1)");
    html("' onfocus='x'", "&#39; onfocus=&#39;x&#39;");
    html("`x`", "&#96;x&#96;");
    html("</textarea>&amp;", "&lt;/textarea&gt;&amp;amp;");
    /* Invalid UTF-8 and control characters become U+FFFD; valid UTF-8,
     * tab and newline stay. */
    html("a\xff\xfe"
         "b",
         "a\xef\xbf\xbd\xef\xbf\xbd"
         "b");
    html("\x01\x7f", "\xef\xbf\xbd\xef\xbf\xbd");
    html("caf\xc3\xa9\t\n", "caf\xc3\xa9\t\n");
    html("\xc0\xbc", "\xef\xbf\xbd\xef\xbf\xbd");                 /* overlong '<' */
    html("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
    html("\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");                 /* truncated */
    /* A NUL inside a counted string. */
    expect(lg_html, "a\0<", 3, "a\xef\xbf\xbd&lt;");
}

static void json(const char *in, const char *want)
{
    expect(lg_json_str, in, (size_t)-1, want);
}

static void test_json_str(void **state)
{
    (void)state;
    json("a\"b\\c", "\"a\\\"b\\\\c\"");
    json("</script><!--", "\"\\u003c/script\\u003e\\u003c!--\"");
    json("&", "\"\\u0026\"");
    json("\n\x01\x7f", "\"\\u000a\\u0001\\u007f\"");
    json("\xff"
         "x",
         "\"\\ufffdx\"");
    json("\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"");
    json("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
    json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* above U+10FFFF */
}

static void raw(const char *in, const char *want)
{
    struct lg_sb b = {0};
    lg_json_raw(&b, in);
    assert_string_equal(b.p, want);
    lg_sb_free(&b);
}

static void test_json_raw(void **state)
{
    (void)state;
    raw(NULL, "null");
    raw("{\"domain_name\": \"<b>.\"}", "{\"domain_name\": \"\\u003cb\\u003e.\"}");
    raw("[\"a&b\", 1]", "[\"a\\u0026b\", 1]");
    raw("\"\xff\"", "\"\\ufffd\"");
}

static void test_url_and_prom(void **state)
{
    (void)state;
    struct lg_sb b = {0};
    lg_url(&b, "remote-id:3561:ab/\"<> ?&#%");
    assert_string_equal(b.p, "remote-id:3561:ab%2F%22%3C%3E%20%3F%26%23%25");
    lg_sb_free(&b);
    lg_prom_label(&b, "eth\"0\\\n\xff");
    assert_string_equal(b.p, "eth\\\"0\\\\\\n\xef\xbf\xbd");
    lg_sb_free(&b);
}

static void test_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(lg_utf8_len((const unsigned char *)"a", 1), 1);
    assert_int_equal(lg_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
    assert_int_equal(lg_utf8_len((const unsigned char *)"\xc3\xa9", 1), 0);
    assert_int_equal(lg_utf8_len((const unsigned char *)"\xe0\x80\x80", 3), 0);
    assert_int_equal(lg_utf8_len((const unsigned char *)"\xf0\x90\x80\x80", 4), 4);
    assert_int_equal(lg_utf8_len((const unsigned char *)"\x80", 1), 0);
}

static void norm(const char *q, int rc, const char *want, enum lg_qkind wkind)
{
    char out[2200];
    enum lg_qkind kind;
    assert_int_equal(lg_normalise(q, out, sizeof(out), &kind), rc);
    if (rc == 0) {
        assert_string_equal(out, want);
        assert_int_equal(kind, wkind);
    }
}

static void test_normalise(void **state)
{
    (void)state;
    norm("remote-id-str:3561:CUST1", 0, "remote-id:3561:4355535431", LG_Q_ID);
    norm("  remote-id:3561:43:55:53:54:31 ", 0, "remote-id:3561:4355535431", LG_Q_ID);
    norm("interface-id-str:eth0", 0, "interface-id:65746830", LG_Q_ID);
    norm("subscriber-id-str:x", 0, "subscriber-id:78", LG_Q_ID);
    norm("duid:00:03:00:01:02:00:00:00:00:01", 0, "duid:00030001020000000001", LG_Q_ID);
    norm("000300010200000000AB", 0, "duid:000300010200000000ab", LG_Q_ID);
    norm("2001:DB8::0:1", 0, "2001:db8::1", LG_Q_LEASE);
    norm("2001:db8:c57:100:0::/56", 0, "2001:db8:c57:100::/56", LG_Q_LEASE);
    norm("2001:db8::/129", -1, NULL, LG_Q_ID);
    norm("<script>", -1, NULL, LG_Q_ID);
    norm("", -1, NULL, LG_Q_ID);
}

static void friendly(const char *key, const char *want)
{
    struct lg_sb b = {0};
    lg_friendly(key, &b);
    assert_string_equal(b.p, want);
    lg_sb_free(&b);
}

static void test_friendly(void **state)
{
    (void)state;
    friendly("remote-id:3561:4355535431", "remote-id-str:3561:CUST1");
    friendly("interface-id:3c623e", "interface-id-str:<b>"); /* escaped where shown */
    friendly("subscriber-id:fffe", "subscriber-id:fffe");    /* not printable */
    friendly("duid:0003000101", "duid:0003000101");
    friendly("remote-id:3561:4", "remote-id:3561:4");
}

static void test_prometheus(void **state)
{
    (void)state;
    const char *json =
        "{\"global\": {\"incoming_packets\": 7, \"messages_in\": {\"solicit\": 3,"
        " \"information_request\": 1}, \"kernel_drops\": 0},"
        " \"interfaces\": {\"e\\\"th0\": {\"incoming_packets\": 2, \"messages_out\":"
        " {\"advertise\": 2}}}, \"listeners\": {\"ff02::1:2%eth0\": {\"kernel_drops\": 5}},"
        " \"bogus\": {\"x\": {\"y\": 1}}}";
    struct lg_sb b = {0};
    assert_int_equal(lg_stats_to_prometheus(json, &b), 7);
    const char *want = "# TYPE dhcpkit_incoming_packets_total counter\n"
                       "dhcpkit_incoming_packets_total 7\n"
                       "dhcpkit_incoming_packets_total{interface=\"e\\\"th0\"} 2\n"
                       "# TYPE dhcpkit_kernel_drops_total counter\n"
                       "dhcpkit_kernel_drops_total 0\n"
                       "dhcpkit_kernel_drops_total{listener=\"ff02::1:2%eth0\"} 5\n"
                       "# TYPE dhcpkit_messages_in_total counter\n"
                       "dhcpkit_messages_in_total{type=\"SOLICIT\"} 3\n"
                       "dhcpkit_messages_in_total{type=\"INFORMATION-REQUEST\"} 1\n"
                       "# TYPE dhcpkit_messages_out_total counter\n"
                       "dhcpkit_messages_out_total{interface=\"e\\\"th0\",type=\"ADVERTISE\"} 2\n";
    assert_string_equal(b.p, want);
    lg_sb_free(&b);
    /* Broken JSON: what came before the break, never a crash. */
    assert_int_equal(lg_stats_to_prometheus("{\"global\": {\"a\": 1, \"b\": ", &b), 1);
    lg_sb_free(&b);
    assert_int_equal(lg_stats_to_prometheus("{{{{{{{{{{{{{{{{", &b), 0);
    lg_sb_free(&b);
}

static void test_access(void **state)
{
    (void)state;
    uint8_t p[16], a[16];
    unsigned len;
    assert_int_equal(lg_parse_prefix("2001:db8::/32", p, &len), 0);
    assert_int_equal(len, 32);
    assert_int_equal(lg_parse_prefix("2001:db8:1::5", a, &len), 0);
    assert_int_equal(len, 128);
    assert_true(lg_in_prefix(a, p, 32));
    assert_int_equal(lg_parse_prefix("2001:db9::1", a, &len), 0);
    assert_false(lg_in_prefix(a, p, 32));
    assert_int_equal(lg_parse_prefix("2001:db8::/33x", p, &len), -1);
    assert_true(lg_const_eq("noc", "noc"));
    assert_false(lg_const_eq("noc", "nod"));
    assert_false(lg_const_eq("noc", "no"));
    assert_false(lg_const_eq("", "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html),     cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_json_raw), cmocka_unit_test(test_url_and_prom),
        cmocka_unit_test(test_utf8_len), cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_friendly), cmocka_unit_test(test_prometheus),
        cmocka_unit_test(test_access),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
