/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-bench: client identities and what their rows assign
 * (tools/bench/clients.c), the static-csv table and the Kea reservations.
 */
#include "helpers.h"

static void test_duid(void **state)
{
    (void)state;
    struct bk_conf c;
    bk_conf_defaults(&c);
    c.clients = 0x1000000;
    c.seed = 7;
    uint8_t d[BK_DUID_LEN];
    bk_duid(&c, 0x00abcdef, d);
    static const uint8_t want[] = {0, 3, 0, 1, 2, 7, 0, 0xab, 0xcd, 0xef};
    assert_memory_equal(d, want, sizeof(want));
    assert_int_equal(bk_duid_index(&c, d, sizeof(d)), 0xabcdef);
    /* Another seed, another length, an index beyond the clients: not ours. */
    c.seed = 8;
    assert_int_equal(bk_duid_index(&c, d, sizeof(d)), -1);
    c.seed = 7;
    assert_int_equal(bk_duid_index(&c, d, sizeof(d) - 1), -1);
    c.clients = 0xabcdef;
    assert_int_equal(bk_duid_index(&c, d, sizeof(d)), -1);
    /* Distinct clients, distinct DUIDs. */
    uint8_t e[BK_DUID_LEN];
    bk_duid(&c, 1, d);
    bk_duid(&c, 2, e);
    assert_memory_not_equal(d, e, sizeof(d));
}

static void test_remote_and_interface_id(void **state)
{
    (void)state;
    struct bk_conf c;
    bk_conf_defaults(&c);
    c.seed = 2;
    uint8_t r[BK_RID_LEN];
    bk_remote_id(&c, 0x01020304, r);
    static const uint8_t want[] = {0x0a, 2, 1, 2, 3, 4};
    assert_memory_equal(r, want, sizeof(want));
    uint8_t ifid[BK_IFID_MAX];
    size_t n = bk_interface_id(42, ifid);
    assert_int_equal(n, 8);
    assert_memory_equal(ifid, "bench-42", 8);
    n = bk_interface_id(4294967295u, ifid);
    assert_int_equal(n, 16);
    assert_memory_equal(ifid, "bench-4294967295", 16);
}

static void test_address_prefix(void **state)
{
    (void)state;
    struct bk_conf c;
    bk_conf_defaults(&c);
    char b[INET6_ADDRSTRLEN];
    struct in6_addr a;
    bk_address(&c, 0, &a);
    assert_string_equal(ntop6(&a, b), "2001:db8:1::1");
    bk_address(&c, 65535, &a);
    assert_string_equal(ntop6(&a, b), "2001:db8:1::1:0");
    bk_prefix(&c, 0, &a);
    assert_string_equal(ntop6(&a, b), "2001:db8:8000::");
    bk_prefix(&c, 1, &a);
    assert_string_equal(ntop6(&a, b), "2001:db8:8000:100::");
    bk_prefix(&c, 0x12345, &a);
    assert_string_equal(ntop6(&a, b), "2001:db8:8123:4500::");
    /* A carry from the low into the high half. */
    addr6("2001:db8:0:1:ffff:ffff:ffff:ffff", &c.na_base);
    bk_address(&c, 1, &a);
    assert_string_equal(ntop6(&a, b), "2001:db8:0:2::1");
    /* /64 prefixes: i lands in the high half. */
    c.pd_len = 64;
    bk_prefix(&c, 3, &a);
    assert_string_equal(ntop6(&a, b), "2001:db8:8000:3::");
    /* How many fit: 2^(56 - 33) /56 in the /33. */
    c.pd_len = 56;
    c.clients = 1u << 23;
    assert_true(bk_prefixes_fit(&c));
    c.clients++;
    assert_false(bk_prefixes_fit(&c));
    c.pd_base_len = 60;
    assert_false(bk_prefixes_fit(&c));
}

static char *write_with(int (*fn)(const struct bk_conf *, FILE *), const struct bk_conf *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(fn(c, f), 0);
    fclose(f);
    return buf;
}

static void test_csv(void **state)
{
    (void)state;
    struct bk_conf c;
    bk_conf_defaults(&c);
    c.clients = 3;
    c.ia_na = c.ia_pd = true;
    char *s = write_with(bk_csv_write, &c);
    assert_string_equal(s, "id,address,prefix\n"
                           "duid:00030001020000000000,2001:db8:1::1,2001:db8:8000::/56\n"
                           "duid:00030001020000000001,2001:db8:1::2,2001:db8:8000:100::/56\n"
                           "duid:00030001020000000002,2001:db8:1::3,2001:db8:8000:200::/56\n");
    free(s);
    /* Relayed: keyed by Remote-ID; only the IA asked for. */
    c.relayed = true;
    c.remote_en = 4491;
    c.seed = 3;
    c.ia_na = false;
    c.clients = 2;
    s = write_with(bk_csv_write, &c);
    assert_string_equal(s, "id,address,prefix\n"
                           "remote-id:4491:0a0300000000,,2001:db8:8000::/56\n"
                           "remote-id:4491:0a0300000001,,2001:db8:8000:100::/56\n");
    free(s);
    c.ia_na = true;
    c.ia_pd = false;
    c.clients = 1;
    s = write_with(bk_csv_write, &c);
    assert_string_equal(s, "id,address,prefix\nremote-id:4491:0a0300000000,2001:db8:1::1,\n");
    free(s);
}

static void test_kea(void **state)
{
    (void)state;
    struct bk_conf c;
    bk_conf_defaults(&c);
    c.clients = 2;
    c.ia_na = c.ia_pd = true;
    char *s = write_with(bk_kea_write, &c);
    assert_string_equal(s, "[\n"
                           "{\"duid\":\"00:03:00:01:02:00:00:00:00:00\","
                           "\"ip-addresses\":[\"2001:db8:1::1\"],"
                           "\"prefixes\":[\"2001:db8:8000::/56\"]},\n"
                           "{\"duid\":\"00:03:00:01:02:00:00:00:00:01\","
                           "\"ip-addresses\":[\"2001:db8:1::2\"],"
                           "\"prefixes\":[\"2001:db8:8000:100::/56\"]}\n"
                           "]\n");
    free(s);
    c.relayed = true;
    c.ia_na = false;
    c.clients = 1;
    s = write_with(bk_kea_write, &c);
    assert_string_equal(s, "[\n{\"hw-address\":\"0a:00:00:00:00:00\","
                           "\"prefixes\":[\"2001:db8:8000::/56\"]}\n]\n");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duid),
        cmocka_unit_test(test_remote_and_interface_id),
        cmocka_unit_test(test_address_prefix),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_kea),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
