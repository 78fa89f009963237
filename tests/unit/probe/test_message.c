/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-probe: building what it sends (tools/probe/message.c). Every
 * message is built from a command line, encoded, decoded again with
 * libdhcpkit and checked field by field: each option lands where it belongs.
 */
#include <dhcpkit/validate.h>

#include "helpers.h"

static struct probe_args a;
static uint8_t mem[1 << 20], mem2[1 << 20];
static struct dk_arena ar, ar2;
static uint8_t wire[65536];
static const uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 1, 2};

static int setup(void **state)
{
    (void)state;
    dk_arena_init(&ar, mem, sizeof(mem));
    dk_arena_init(&ar2, mem2, sizeof(mem2));
    return 0;
}

/* Builds (and with --relay wraps) the message, encodes it, decodes it. */
static struct dk_msg *build(uint8_t type, uint32_t xid, uint16_t elapsed, const struct dk_msg *adv)
{
    struct dk_bmsg *m;
    struct dk_msg *out;
    struct dk_diag d;
    size_t len;
    uint8_t peer[16];
    addr6("fe80::2", peer);
    assert_int_equal(probe_build_client(&ar, &a, type, xid, elapsed, duid, sizeof(duid), adv, &m),
                     0);
    if (a.relay)
        assert_int_equal(probe_wrap_relay(&ar, &a, peer, m, &m), 0);
    int err = probe_encode(&ar, m, wire, sizeof(wire), &len, &d);
    if (err)
        fail_msg("encode: %s %s", dk_strerror(err), d.text);
    assert_int_equal(dk_msg_decode(wire, len, &ar2, &out, &d), 0);
    assert_int_equal(dk_msg_validate(out, &d), 0);
    return out;
}

static void relayed_solicit_every_option(void **state)
{
    (void)state;
    uint8_t x[16];
    assert_int_equal(
        parse(&a, "-i", "c0", "--relay", "2001:db8:2::1", "--interface-id-str", "eth1/0/1",
              "--remote-id-str", "9:cpe-1", "--subscriber-id", "abcd", "--linklayer-id",
              "1:020000000102", "--ia-na", "5", "--ia-pd", "7", "--ia-pd", "8", "--address",
              "2001:db8:1::100", "--prefix", "2001:db8:100::/56", "--oro", "23,56", "--option",
              "16:0000002a0003666f6f", "--option", "65000:beef", "--rapid-commit", "solicit", NULL),
        PROBE_ARGS_OK);
    struct dk_msg *m = build(DK_MSG_SOLICIT, 0xabcdef, 0, NULL);
    /* The Relay-forward (RFC 8415 §9, §19.1.1). */
    assert_int_equal(m->type, DK_MSG_RELAY_FORW);
    assert_int_equal(m->hop_count, 0);
    addr6("2001:db8:2::1", x);
    assert_memory_equal(m->link, x, 16);
    addr6("fe80::2", x);
    assert_memory_equal(m->peer, x, 16);
    assert_bytes(&must_find(m, NULL, DK_OPT_INTERFACE_ID)->v[0], "eth1/0/1", 8);
    const struct dk_opt *rid = must_find(m, NULL, DK_OPT_REMOTE_ID);
    assert_int_equal(rid->v[0].u, 9);
    assert_bytes(&rid->v[1], "cpe-1", 5);
    assert_bytes(&must_find(m, NULL, DK_OPT_SUBSCRIBER_ID)->v[0], "\xab\xcd", 2);
    const struct dk_opt *ll = must_find(m, NULL, DK_OPT_CLIENT_LINKLAYER_ADDR);
    assert_int_equal(ll->v[0].u, 1);
    assert_bytes(&ll->v[1], "\x02\x00\x00\x00\x01\x02", 6);
    /* Nothing of the client's leaks into the relay's options. */
    assert_null(dk_msg_find(m, DK_OPT_CLIENTID));
    assert_null(dk_msg_find(m, 65000));

    /* The Solicit inside. */
    size_t nrelays;
    const struct dk_msg *c = dk_msg_inner(m, &nrelays);
    assert_int_equal(nrelays, 1);
    assert_int_equal(c->type, DK_MSG_SOLICIT);
    assert_int_equal(c->xid, 0xabcdef);
    assert_bytes(&must_find(c, NULL, DK_OPT_CLIENTID)->v[0], duid, sizeof(duid));
    assert_null(dk_msg_find(c, DK_OPT_SERVERID));
    assert_int_equal(must_find(c, NULL, DK_OPT_ELAPSED_TIME)->v[0].u, 0);
    must_find(c, NULL, DK_OPT_RAPID_COMMIT);
    const struct dk_opt *na = must_find(c, NULL, DK_OPT_IA_NA);
    assert_int_equal(na->v[0].u, 5);
    assert_int_equal(na->v[1].u, 0);
    assert_int_equal(na->v[2].u, 0);
    const struct dk_opt *ia = must_find(NULL, na, DK_OPT_IAADDR);
    addr6("2001:db8:1::100", x);
    assert_bytes(&ia->v[0], x, 16);
    assert_int_equal(ia->v[1].u, 0); /* RFC 8415 §21.6: lifetimes 0 from a client */
    assert_int_equal(ia->v[2].u, 0);
    /* Two IA_PDs; the first holds the prefix, the second nothing. */
    size_t npd = 0;
    for (size_t i = 0; i < c->nopts; i++) {
        const struct dk_opt *o = &c->opts[i];
        if (o->code != DK_OPT_IA_PD)
            continue;
        assert_int_equal(o->v[0].u, npd ? 8 : 7);
        if (npd++) {
            assert_int_equal(o->nopts, 0);
            continue;
        }
        const struct dk_opt *p = must_find(NULL, o, DK_OPT_IAPREFIX);
        addr6("2001:db8:100::", x);
        assert_bytes(&p->v[2], x, 16);
        assert_int_equal(p->v[2].u, 56);
        assert_int_equal(p->v[0].u, 0);
        assert_int_equal(p->v[1].u, 0);
    }
    assert_int_equal(npd, 2);
    assert_bytes(&must_find(c, NULL, DK_OPT_ORO)->v[0], "\x00\x17\x00\x38\x00\x52", 6);
    const struct dk_opt *vc = must_find(c, NULL, DK_OPT_VENDOR_CLASS);
    assert_int_equal(vc->v[0].u, 42);
    assert_bytes(&must_find(c, NULL, 65000)->v[0], "\xbe\xef", 2);
    assert_null(dk_msg_find(c, DK_OPT_INTERFACE_ID));
}

static void direct_messages(void **state)
{
    (void)state;
    uint8_t x[16];
    /* Renew: --server-duid as the Server Identifier, Elapsed Time as given. */
    assert_int_equal(parse(&a, "-i", "c0", "--server-duid", "00010001329cf0159e955252b678",
                           "--address", "2001:db8:1::100", "--prefix", "2001:db8:100::/56", "renew",
                           NULL),
                     PROBE_ARGS_OK);
    struct dk_msg *m = build(DK_MSG_RENEW, 1, 1234, NULL);
    assert_int_equal(m->type, DK_MSG_RENEW);
    assert_bytes(&must_find(m, NULL, DK_OPT_SERVERID)->v[0],
                 "\x00\x01\x00\x01\x32\x9c\xf0\x15\x9e\x95\x52\x52\xb6\x78", 14);
    assert_int_equal(must_find(m, NULL, DK_OPT_ELAPSED_TIME)->v[0].u, 1234);
    assert_null(dk_msg_find(m, DK_OPT_RAPID_COMMIT));
    addr6("2001:db8:1::100", x);
    assert_bytes(&must_find(NULL, must_find(m, NULL, DK_OPT_IA_NA), DK_OPT_IAADDR)->v[0], x, 16);
    must_find(NULL, must_find(m, NULL, DK_OPT_IA_PD), DK_OPT_IAPREFIX);

    /* Confirm: the address, no Server Identifier, no ORO. */
    assert_int_equal(parse(&a, "-i", "c0", "--address", "2001:db8:1::100", "--address",
                           "2001:db8:1::101", "confirm", NULL),
                     PROBE_ARGS_OK);
    m = build(DK_MSG_CONFIRM, 2, 0, NULL);
    assert_int_equal(m->type, DK_MSG_CONFIRM);
    assert_null(dk_msg_find(m, DK_OPT_SERVERID));
    assert_null(dk_msg_find(m, DK_OPT_ORO));
    assert_int_equal(must_find(m, NULL, DK_OPT_IA_NA)->nopts, 2);

    /* Information-request: no IA; ORO with 32 and 83. */
    assert_int_equal(parse(&a, "-i", "c0", "information-request", NULL), PROBE_ARGS_OK);
    m = build(DK_MSG_INFORMATION_REQUEST, 3, 0, NULL);
    assert_null(dk_msg_find(m, DK_OPT_IA_NA));
    assert_null(dk_msg_find(m, DK_OPT_IA_PD));
    assert_bytes(&must_find(m, NULL, DK_OPT_ORO)->v[0], "\x00\x17\x00\x18\x00\x20\x00\x53", 8);

    /* Release and Decline carry the Server Identifier. */
    assert_int_equal(parse(&a, "-i", "c0", "--server-duid", "000300010200000001ff", "--prefix",
                           "2001:db8:100::/56", "release", NULL),
                     PROBE_ARGS_OK);
    m = build(DK_MSG_RELEASE, 4, 0, NULL);
    assert_int_equal(m->type, DK_MSG_RELEASE);
    must_find(m, NULL, DK_OPT_SERVERID);
    must_find(NULL, must_find(m, NULL, DK_OPT_IA_PD), DK_OPT_IAPREFIX);
    assert_null(dk_msg_find(m, DK_OPT_IA_NA));
    assert_int_equal(parse(&a, "-i", "c0", "--server-duid", "000300010200000001ff", "--address",
                           "2001:db8:1::100", "decline", NULL),
                     PROBE_ARGS_OK);
    m = build(DK_MSG_DECLINE, 5, 0, NULL);
    assert_int_equal(m->type, DK_MSG_DECLINE);
    must_find(NULL, must_find(m, NULL, DK_OPT_IA_NA), DK_OPT_IAADDR);
}

/* A Request takes the Advertise's Server Identifier and offered leases. */
static void request_from_advertise(void **state)
{
    (void)state;
    uint8_t x[16], p[16];
    static const uint8_t sid[] = {0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    static uint8_t amem[1 << 16], abuf[1024];
    struct dk_arena aa;
    dk_arena_init(&aa, amem, sizeof(amem));
    struct dk_bmsg *adv = dk_bmsg_new(&aa, DK_MSG_ADVERTISE);
    struct dk_bopt *o = dk_bmsg_add(&aa, adv, DK_OPT_CLIENTID);
    dk_bopt_set_ref(o, 0, duid, sizeof(duid));
    o = dk_bmsg_add(&aa, adv, DK_OPT_SERVERID);
    dk_bopt_set_ref(o, 0, sid, sizeof(sid));
    struct dk_bopt *na = dk_bmsg_add(&aa, adv, DK_OPT_IA_NA);
    dk_bopt_set_u(na, 0, 1);
    o = dk_bopt_add(&aa, na, DK_OPT_IAADDR);
    addr6("2001:db8:1::abc", x);
    dk_bopt_set_ref(o, 0, x, 16);
    dk_bopt_set_u(o, 1, 100);
    dk_bopt_set_u(o, 2, 200);
    struct dk_bopt *pd = dk_bmsg_add(&aa, adv, DK_OPT_IA_PD);
    dk_bopt_set_u(pd, 0, 2);
    o = dk_bopt_add(&aa, pd, DK_OPT_IAPREFIX);
    addr6("2001:db8:400::", p);
    dk_bopt_set_u(o, 0, 100);
    dk_bopt_set_u(o, 1, 200);
    dk_bopt_set_ref(o, 2, p, 16);
    o->o.v[2].u = 56;
    struct dk_diag d;
    size_t len;
    struct dk_msg *advm;
    assert_int_equal(probe_encode(&aa, adv, abuf, sizeof(abuf), &len, &d), 0);
    assert_int_equal(dk_msg_decode(abuf, len, &aa, &advm, &d), 0);

    assert_int_equal(parse(&a, "-i", "c0", "--ia-na", "1", "--ia-pd", "2", "--address",
                           "2001:db8:1::999", "solicit", NULL),
                     PROBE_ARGS_OK);
    struct dk_msg *m = build(DK_MSG_REQUEST, 0x123456, 0, advm);
    assert_int_equal(m->type, DK_MSG_REQUEST);
    assert_int_equal(m->xid, 0x123456);
    assert_bytes(&must_find(m, NULL, DK_OPT_SERVERID)->v[0], sid, sizeof(sid));
    assert_null(dk_msg_find(m, DK_OPT_RAPID_COMMIT));
    const struct dk_opt *ia = must_find(m, NULL, DK_OPT_IA_NA);
    assert_int_equal(ia->nopts, 1); /* the offer replaces the hint */
    assert_bytes(&ia->opts[0].v[0], x, 16);
    assert_int_equal(ia->opts[0].v[2].u, 0);
    ia = must_find(m, NULL, DK_OPT_IA_PD);
    assert_int_equal(ia->nopts, 1);
    assert_bytes(&ia->opts[0].v[2], p, 16);
    assert_int_equal(ia->opts[0].v[2].u, 56);
}

static void options_that_do_not_fit(void **state)
{
    (void)state;
    struct dk_bmsg *m;
    struct dk_diag d;
    size_t len;
    /* An Elapsed Time of 1 octet does not decode as one (RFC 8415 §21.9). */
    assert_int_equal(parse(&a, "-i", "c0", "--option", "8:00", "solicit", NULL), PROBE_ARGS_OK);
    assert_int_equal(
        probe_build_client(&ar, &a, DK_MSG_SOLICIT, 1, 0, duid, sizeof(duid), NULL, &m), DK_EINVAL);
    /* A second Client Identifier breaks the containment rules. */
    assert_int_equal(parse(&a, "-i", "c0", "--option", "1:000300010200000001ff", "solicit", NULL),
                     PROBE_ARGS_OK);
    assert_int_equal(
        probe_build_client(&ar, &a, DK_MSG_SOLICIT, 1, 0, duid, sizeof(duid), NULL, &m), 0);
    assert_int_not_equal(probe_encode(&ar, m, wire, sizeof(wire), &len, &d), 0);
    assert_true(d.text[0] != 0);
    /* An output buffer too small fails cleanly. */
    assert_int_equal(parse(&a, "-i", "c0", "solicit", NULL), PROBE_ARGS_OK);
    assert_int_equal(
        probe_build_client(&ar, &a, DK_MSG_SOLICIT, 1, 0, duid, sizeof(duid), NULL, &m), 0);
    assert_int_not_equal(probe_encode(&ar, m, wire, 20, &len, &d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(relayed_solicit_every_option, setup),
        cmocka_unit_test_setup(direct_messages, setup),
        cmocka_unit_test_setup(request_from_advertise, setup),
        cmocka_unit_test_setup(options_that_do_not_fit, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
