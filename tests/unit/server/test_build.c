/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * src/wire/build.c (messages under construction) and src/wire/bundle.c (the
 * bundle and handler-argument helpers of libdhcpkit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dhcpkit/build.h>
#include <dhcpkit/bundle.h>
#include <dhcpkit/handler.h>
#include <dhcpkit/validate.h>

static uint8_t mem[1 << 20];
static struct dk_arena arena;

static int setup(void **state)
{
    (void)state;
    dk_arena_init(&arena, mem, sizeof(mem));
    return 0;
}

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *h; h++) {
        if (*h == ' ')
            continue;
        unsigned v;
        char c[2] = {*h, 0};
        assert_int_equal(sscanf(c, "%1x", &v), 1);
        if (hi < 0) {
            hi = (int)v;
            continue;
        }
        assert_true(n < cap);
        out[n++] = (uint8_t)(hi << 4 | (int)v);
        hi = -1;
    }
    assert_int_equal(hi, -1);
    return n;
}

static size_t encode(const struct dk_bmsg *m, uint8_t *out, size_t cap)
{
    struct dk_msg *dm;
    assert_int_equal(dk_bmsg_finish(&arena, m, &dm), 0);
    struct dk_wbuf w;
    dk_wbuf_init(&w, out, cap);
    assert_int_equal(dk_msg_encode(&w, dm), 0);
    return w.len;
}

static const uint8_t duid[] = {0x00, 0x03, 0x00, 0x01, 0x34, 0x31, 0xc4, 0x3c, 0xb2, 0xf1};

/* A reply built node by node encodes to the octets RFC 8415 §21 gives. */
static void test_build_encode(void **state)
{
    (void)state;
    struct dk_bmsg *m = dk_bmsg_new(&arena, DK_MSG_REPLY);
    m->xid = 0x010203;
    struct dk_bopt *ia = dk_bmsg_add(&arena, m, DK_OPT_IA_NA);
    dk_bopt_set_u(ia, 0, 0x41424344);
    dk_bopt_set_u(ia, 1, 41);
    dk_bopt_set_u(ia, 2, 42);
    struct dk_bopt *st = dk_bopt_status(&arena, DK_STATUS_NO_ADDRS_AVAIL, "no");
    dk_bopt_append(ia, st);
    struct dk_bopt *cid = dk_bopt_new(&arena, DK_SPACE_DHCPV6, DK_OPT_CLIENTID);
    dk_bopt_set_ref(cid, 0, duid, sizeof(duid));
    dk_bmsg_prepend(m, cid);
    uint8_t out[256], want[256];
    size_t n = encode(m, out, sizeof(out));
    size_t wn = unhex("07010203"
                      "0001000a00030001 3431c43cb2f1"
                      "00030014 41424344 00000029 0000002a 000d0004 0002 6e6f",
                      want, sizeof(want));
    assert_int_equal(n, wn);
    assert_memory_equal(out, want, n);
}

/* find, next_same and remove keep the list in order; a removed node is
 * gone from the octets. */
static void test_build_find_remove(void **state)
{
    (void)state;
    struct dk_bmsg *m = dk_bmsg_new(&arena, DK_MSG_ADVERTISE);
    struct dk_bopt *a = dk_bmsg_add(&arena, m, DK_OPT_PREFERENCE);
    struct dk_bopt *b = dk_bmsg_add(&arena, m, DK_OPT_VENDOR_OPTS);
    struct dk_bopt *c = dk_bmsg_add(&arena, m, DK_OPT_VENDOR_OPTS);
    dk_bopt_set_u(b, 0, 1);
    dk_bopt_set_u(c, 0, 2);
    assert_ptr_equal(dk_bmsg_find(m, DK_OPT_VENDOR_OPTS), b);
    assert_ptr_equal(dk_bopt_next_same(b), c);
    assert_null(dk_bopt_next_same(c));
    assert_null(dk_bmsg_find(m, DK_OPT_DNS_SERVERS));
    assert_true(dk_bmsg_remove(m, b));
    assert_false(dk_bmsg_remove(m, b));
    assert_ptr_equal(m->opts, a);
    assert_ptr_equal(a->next, c);
    uint8_t out[64], want[64];
    size_t n = encode(m, out, sizeof(out));
    size_t wn = unhex("02000000 00070001 00 00110004 00000002", want, sizeof(want));
    assert_int_equal(n, wn);
    assert_memory_equal(out, want, n);
}

/* Children take the space their parent's definition gives: vendor
 * sub-options are opaque, NTP sub-options are known. */
static void test_build_kid_space(void **state)
{
    (void)state;
    struct dk_bopt *v = dk_bopt_new(&arena, DK_SPACE_DHCPV6, DK_OPT_VENDOR_OPTS);
    struct dk_bopt *k = dk_bopt_add(&arena, v, 1);
    assert_int_equal(k->o.space, DK_SPACE_VENDOR);
    struct dk_bopt *t = dk_bopt_new(&arena, DK_SPACE_DHCPV6, DK_OPT_NTP_SERVER);
    struct dk_bopt *s = dk_bopt_add(&arena, t, DK_NTP_SUBOPTION_SRV_FQDN);
    assert_int_equal(s->o.space, DK_SPACE_NTP);
    assert_non_null(s->o.def);
    struct dk_bopt *ia = dk_bopt_new(&arena, DK_SPACE_DHCPV6, DK_OPT_IA_PD);
    assert_int_equal(dk_bopt_add(&arena, ia, DK_OPT_IAPREFIX)->o.space, DK_SPACE_DHCPV6);
    assert_ptr_equal(dk_bopt_find(t, DK_NTP_SUBOPTION_SRV_FQDN), s);
    assert_true(dk_bopt_remove(t, s));
    assert_null(t->kids);
}

/* A decoded message copied into a tree encodes to the same octets. */
static void test_build_from_msg_round_trip(void **state)
{
    (void)state;
    /* The original's two-level relay vector (V5). */
    static const char *v5 = "0c0120010db8ffff00010000000000000001fe800000000000003631c4fffe3c"
                            "b2f1000900c20c0000000000000000000000000000000000fe80000000000000"
                            "3631c4fffe3cb2f10009007901f350d60008000200000001000a000300013431"
                            "c43cb2f1000e00000003000cc43cb2f1000000000000000000190029c43cb2f1"
                            "0000000000000000001a00190000000000000000000000000000000000000000"
                            "0000000000001400000006001000170038001f00190003001100520053001000"
                            "0400000368001200054661322f330025001600000009020023000001000a0003"
                            "000100211c7d486e001200074769302f302f3000250016000000090200000000"
                            "00000a0003000124e9b36e8100";
    uint8_t in[512], out[512];
    size_t n = unhex(v5, in, sizeof(in));
    struct dk_msg *m;
    assert_int_equal(dk_msg_decode(in, n, &arena, &m, NULL), 0);
    struct dk_bmsg *b = dk_bmsg_from_msg(&arena, m);
    assert_non_null(b);
    assert_int_equal(encode(b, out, sizeof(out)), n);
    assert_memory_equal(out, in, n);
}

/* set_copy copies; append_bytes concatenates into a new copy and refuses
 * more than an option can hold. */
static void test_build_bytes(void **state)
{
    (void)state;
    uint8_t src[4] = {1, 2, 3, 4};
    struct dk_bopt *o = dk_bopt_new(&arena, DK_SPACE_DHCPV6, DK_OPT_INTERFACE_ID);
    assert_int_equal(dk_bopt_set_copy(&arena, o, 0, src, 4), 0);
    src[0] = 9;
    assert_int_equal(o->o.v[0].p[0], 1);
    assert_int_equal(dk_bopt_append_bytes(&arena, o, 0, src, 2), 0);
    assert_int_equal(o->o.v[0].n, 6);
    static const uint8_t want[] = {1, 2, 3, 4, 9, 2};
    assert_memory_equal(o->o.v[0].p, want, 6);
    static uint8_t big[65536];
    assert_int_equal(dk_bopt_append_bytes(&arena, o, 0, big, 65530), DK_ELENGTH);
    assert_int_equal(dk_bopt_append_bytes(&arena, o, 0, big, 65529), 0);
    assert_int_equal(dk_bopt_set_copy(&arena, o, 0, big, 65536), DK_ELENGTH);
    assert_int_equal(dk_bopt_set_copy(&arena, o, DK_MAX_FIELDS, big, 1), DK_EINVAL);
}

/* A Relay Message option without its message, and a tree deeper than
 * DK_BUILD_MAX_DEPTH, are refused by finish. */
static void test_build_finish_errors(void **state)
{
    (void)state;
    struct dk_msg *out;
    struct dk_bmsg *r = dk_bmsg_new(&arena, DK_MSG_RELAY_REPL);
    dk_bmsg_add(&arena, r, DK_OPT_RELAY_MSG);
    assert_int_equal(dk_bmsg_finish(&arena, r, &out), DK_EINVAL);
    assert_null(out);

    struct dk_bmsg *m = dk_bmsg_new(&arena, DK_MSG_REPLY);
    struct dk_bopt *o = dk_bmsg_add(&arena, m, DK_OPT_IA_NA);
    for (int i = 0; i < DK_BUILD_MAX_DEPTH; i++)
        o = dk_bopt_add(&arena, o, DK_OPT_IA_NA);
    assert_int_equal(dk_bmsg_finish(&arena, m, &out), DK_EDEPTH);
    /* Around the limit: whatever finish accepts, the encoder encodes. */
    int accepted = 0;
    for (int extra = DK_BUILD_MAX_DEPTH - 4; extra <= DK_BUILD_MAX_DEPTH; extra++) {
        m = dk_bmsg_new(&arena, DK_MSG_REPLY);
        o = dk_bmsg_add(&arena, m, DK_OPT_IA_NA);
        for (int i = 0; i < extra; i++)
            o = dk_bopt_add(&arena, o, DK_OPT_IA_NA);
        int rc = dk_bmsg_finish(&arena, m, &out);
        if (rc) {
            assert_int_equal(rc, DK_EDEPTH);
            continue;
        }
        accepted++;
        static uint8_t big[8192];
        struct dk_wbuf w;
        dk_wbuf_init(&w, big, sizeof(big));
        assert_int_equal(dk_msg_encode(&w, out), 0);
    }
    assert_true(accepted >= 2);
}

/* An exhausted arena gives NULL and DK_ENOMEM, never a crash. */
static void test_build_nomem(void **state)
{
    (void)state;
    static uint8_t tiny[sizeof(struct dk_bmsg) + sizeof(struct dk_msg) + 64];
    struct dk_arena a;
    dk_arena_init(&a, tiny, sizeof(tiny));
    struct dk_bmsg *m = dk_bmsg_new(&a, DK_MSG_REPLY);
    assert_non_null(m);
    assert_null(dk_bmsg_add(&a, m, DK_OPT_PREFERENCE));
    assert_null(dk_bopt_status(&a, 0, "x"));
    dk_arena_init(&a, tiny, sizeof(tiny));
    m = dk_bmsg_new(&a, DK_MSG_REPLY);
    struct dk_msg *out;
    assert_int_equal(dk_bmsg_finish(&a, m, &out), 0); /* no options: only the message */
    static uint8_t room[4096];
    dk_arena_init(&a, room, sizeof(room));
    m = dk_bmsg_new(&a, DK_MSG_REPLY);
    for (int i = 0; i < 8; i++)
        assert_non_null(dk_bmsg_add(&a, m, DK_OPT_PREFERENCE));
    a.cap = a.used + 8; /* no room for the arrays */
    assert_int_equal(dk_bmsg_finish(&a, m, &out), DK_ENOMEM);
}

/* ---- bundle.c */

static struct dk_msg *decode_hex(const char *h)
{
    static uint8_t buf[4][512];
    static int i;
    uint8_t *p = buf[i++ % 4];
    size_t n = unhex(h, p, 512);
    struct dk_msg *m;
    assert_int_equal(dk_msg_decode(p, n, &arena, &m, NULL), 0);
    return m;
}

static void test_bundle_requested(void **state)
{
    (void)state;
    struct dk_bundle b = {.arena = &arena};
    /* No ORO: everything counts as requested (as dhcpkit did). */
    b.request = decode_hex("0b000001 00080002 0000");
    assert_true(dk_bundle_requested(&b, DK_OPT_DNS_SERVERS));
    /* ORO 23, 24. */
    b.request = decode_hex("0b000001 00080002 0000 00060004 00170018");
    assert_true(dk_bundle_requested(&b, DK_OPT_DNS_SERVERS));
    assert_true(dk_bundle_requested(&b, DK_OPT_DOMAIN_LIST));
    assert_false(dk_bundle_requested(&b, DK_OPT_SNTP_SERVERS));
    /* An empty ORO requests nothing. */
    b.request = decode_hex("0b000001 00080002 0000 00060000");
    assert_false(dk_bundle_requested(&b, DK_OPT_DNS_SERVERS));
}

static void test_bundle_ia_and_marks(void **state)
{
    (void)state;
    struct dk_bundle b = {.arena = &arena};
    b.request = decode_hex("03000001 00030028 00000007 00000000 00000000"
                           " 00050018 20010db8000000000000000000000001 00000000 00000000"
                           " 0019000c 00000007 00000000 00000000");
    b.ias[0].opt = &b.request->opts[0];
    b.ias[1].opt = &b.request->opts[1];
    b.nias = 2;
    /* No response yet: nothing can be added. */
    assert_null(dk_bundle_response_ia(&b, b.ias[0].opt));
    assert_null(dk_bundle_add(&b, DK_OPT_PREFERENCE, 0));
    b.response = dk_bmsg_new(&arena, DK_MSG_REPLY);
    struct dk_bopt *na = dk_bundle_response_ia(&b, b.ias[0].opt);
    struct dk_bopt *pd = dk_bundle_response_ia(&b, b.ias[1].opt);
    assert_non_null(na);
    assert_non_null(pd);
    assert_ptr_not_equal(na, pd); /* same IAID, another IA type */
    assert_int_equal(na->o.code, DK_OPT_IA_NA);
    assert_int_equal(na->o.v[0].u, 7);
    assert_ptr_equal(dk_bundle_response_ia(&b, b.ias[0].opt), na);
    assert_true(dk_bundle_set_handled(&b, b.ias[1].opt));
    assert_false(b.ias[0].handled);
    assert_true(b.ias[1].handled);
    struct dk_opt other = {0};
    assert_false(dk_bundle_set_handled(&b, &other));
    struct dk_bopt *p = dk_bundle_add(&b, DK_OPT_PREFERENCE, DK_BOPT_ALWAYS);
    assert_int_equal(p->flags, DK_BOPT_ALWAYS);

    b.marks[0] = "a";
    b.marks[1] = "bb";
    b.nmarks = 2;
    assert_true(dk_bundle_has_mark(&b, "bb"));
    assert_false(dk_bundle_has_mark(&b, "b"));

    assert_int_equal(dk_bundle_reply_status(&b, DK_STATUS_USE_MULTICAST, "x"), DK_REPLY_STATUS);
    assert_int_equal(b.action, DK_REPLY_STATUS);
    assert_int_equal(b.status, DK_STATUS_USE_MULTICAST);
}

/* The relay closest to the client is the last of the chain. */
static void test_bundle_client_relay_opt(void **state)
{
    (void)state;
    struct dk_bundle b = {.arena = &arena};
    assert_null(dk_bundle_client_relay_opt(&b, DK_OPT_INTERFACE_ID));
    b.relay_in[0] = decode_hex("0c00 00000000000000000000000000000000"
                               " 00000000000000000000000000000000 00120001 41");
    b.relay_in[1] = decode_hex("0c00 00000000000000000000000000000000"
                               " 00000000000000000000000000000000 00120001 42");
    b.nrelays = 2;
    const struct dk_opt *o = dk_bundle_client_relay_opt(&b, DK_OPT_INTERFACE_ID);
    assert_non_null(o);
    assert_int_equal(o->v[0].p[0], 'B');
    assert_null(dk_bundle_client_relay_opt(&b, DK_OPT_REMOTE_ID));
}

static char logged[1100];
static int logged_level;

static void catch_log(void *ctx, int level, const char *msg)
{
    (void)ctx;
    logged_level = level;
    snprintf(logged, sizeof(logged), "%s", msg);
}

static void test_bundle_log(void **state)
{
    (void)state;
    struct dk_bundle b = {.log = {catch_log, NULL}};
    dk_bundle_logf(&b, DK_LOGLEVEL_WARNING, "%s %d", "x", 5);
    assert_string_equal(logged, "x 5");
    assert_int_equal(logged_level, DK_LOGLEVEL_WARNING);
    struct dk_bundle quiet = {0};
    dk_bundle_logf(&quiet, DK_LOGLEVEL_ERROR, "nowhere"); /* no callback: no crash */
}

static void test_handler_args(void **state)
{
    (void)state;
    struct dk_config_value v1 = {.type = DK_CFG_UINT, .v.u = 1};
    struct dk_config_value v2 = {.type = DK_CFG_UINT, .v.u = 2};
    struct dk_config_value v3 = {.type = DK_CFG_UINT, .v.u = 3};
    struct dk_handler_value vals[] = {{"a", &v1}, {"b", &v2}, {"a", &v3}};
    struct dk_handler_args a = {.values = vals, .nvalues = 3};
    assert_ptr_equal(dk_handler_get(&a, "a"), &v1);
    assert_ptr_equal(dk_handler_nth(&a, "a", 1), &v3);
    assert_null(dk_handler_nth(&a, "a", 2));
    assert_int_equal(dk_handler_count(&a, "a"), 2);
    assert_int_equal(dk_handler_count(&a, "c"), 0);
    assert_null(dk_handler_get(&a, "c"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_build_encode, setup),
        cmocka_unit_test_setup(test_build_find_remove, setup),
        cmocka_unit_test_setup(test_build_kid_space, setup),
        cmocka_unit_test_setup(test_build_from_msg_round_trip, setup),
        cmocka_unit_test_setup(test_build_bytes, setup),
        cmocka_unit_test_setup(test_build_finish_errors, setup),
        cmocka_unit_test_setup(test_build_nomem, setup),
        cmocka_unit_test_setup(test_bundle_requested, setup),
        cmocka_unit_test_setup(test_bundle_ia_and_marks, setup),
        cmocka_unit_test_setup(test_bundle_client_relay_opt, setup),
        cmocka_unit_test_setup(test_bundle_log, setup),
        cmocka_unit_test_setup(test_handler_args, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
