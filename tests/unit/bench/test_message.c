/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-bench: what it sends and how it judges what comes back
 * (tools/bench/message.c). Every message is built, decoded again with
 * libdhcpkit and checked option by option; answers are written here by
 * hand (a Relay-reply around an Advertise) and judged, whole and damaged.
 */
#include <dhcpkit/message.h>
#include <dhcpkit/validate.h>

#include "helpers.h"

static uint8_t mem[1 << 18];
static struct dk_arena ar;
static uint8_t wire[BK_MSG_MAX];
static struct bk_conf c;

static int setup(void **state)
{
    (void)state;
    dk_arena_init(&ar, mem, sizeof(mem));
    bk_conf_defaults(&c);
    c.clients = 100;
    c.ia_na = c.ia_pd = true;
    return 0;
}

static const struct dk_opt *ia_child(const struct dk_opt *ia, unsigned code)
{
    return dk_opt_find(ia->opts, ia->nopts, code);
}

static void test_relayed_solicit(void **state)
{
    (void)state;
    c.relayed = true;
    c.interface_id = true;
    c.remote_en = 4491;
    addr6("2001:db8:2::1", &c.link);
    struct bk_req r = {.type = DK_MSG_SOLICIT, .xid = 0x123456, .client = 42, .rapid_commit = true};
    size_t len = bk_build(&c, &r, wire, sizeof(wire));
    assert_true(len > 0);
    struct dk_msg *m;
    dk_arena_reset(&ar);
    assert_int_equal(dk_msg_decode(wire, len, &ar, &m, NULL), 0);
    assert_int_equal(m->type, DK_MSG_RELAY_FORW);
    assert_int_equal(m->hop_count, 0);
    assert_memory_equal(m->link, &c.link, 16);
    /* The peer-address is the client's own: fe80::42. */
    uint8_t peer[16];
    addr6("fe80::2a", peer);
    assert_memory_equal(m->peer, peer, 16);
    const struct dk_opt *o = dk_msg_find(m, DK_OPT_REMOTE_ID);
    assert_non_null(o);
    static const uint8_t rid[] = {0, 0, 0x11, 0x8b, 0x0a, 0, 0, 0, 0, 42};
    assert_int_equal(o->len, sizeof(rid));
    assert_memory_equal(o->body, rid, sizeof(rid));
    o = dk_msg_find(m, DK_OPT_INTERFACE_ID);
    assert_non_null(o);
    assert_int_equal(o->len, 8);
    assert_memory_equal(o->body, "bench-42", 8);
    size_t nrel;
    const struct dk_msg *in = dk_msg_inner(m, &nrel);
    assert_int_equal(nrel, 1);
    assert_int_equal(in->type, DK_MSG_SOLICIT);
    assert_int_equal(in->xid, 0x123456);
    o = dk_msg_find(in, DK_OPT_CLIENTID);
    assert_non_null(o);
    assert_int_equal(bk_duid_index(&c, o->v[0].p, o->v[0].n), 42);
    assert_non_null(dk_msg_find(in, DK_OPT_RAPID_COMMIT));
    assert_non_null(dk_msg_find(in, DK_OPT_ELAPSED_TIME));
    assert_null(dk_msg_find(in, DK_OPT_SERVERID));
    o = dk_msg_find(in, DK_OPT_IA_NA);
    assert_non_null(o);
    assert_int_equal(o->nopts, 0);
    o = dk_msg_find(in, DK_OPT_IA_PD);
    assert_non_null(o);
    assert_int_equal(o->nopts, 0);
    /* The relay options stay outside, the client's inside. */
    assert_null(dk_msg_find(in, DK_OPT_REMOTE_ID));
    assert_null(dk_msg_find(m, DK_OPT_CLIENTID));
    /* The containment validator agrees. */
    struct dk_diag vd;
    assert_int_equal(dk_msg_validate(m, &vd), 0);
    /* Every shorter buffer: nothing. */
    for (size_t cap = 0; cap < len; cap++)
        assert_int_equal(bk_build(&c, &r, wire, cap), 0);
}

static void test_direct_request(void **state)
{
    (void)state;
    c.relayed = false;
    static const uint8_t sid[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 1};
    struct bk_req r = {.type = DK_MSG_REQUEST,
                       .xid = 7,
                       .client = 3,
                       .elapsed = 150,
                       .server_id = sid,
                       .server_id_len = sizeof(sid),
                       .has_lease = true,
                       .plen = 56};
    bk_address(&c, 3, &r.addr);
    bk_prefix(&c, 3, &r.prefix);
    size_t len = bk_build(&c, &r, wire, sizeof(wire));
    assert_true(len > 0);
    struct dk_msg *m;
    dk_arena_reset(&ar);
    assert_int_equal(dk_msg_decode(wire, len, &ar, &m, NULL), 0);
    assert_int_equal(m->type, DK_MSG_REQUEST);
    assert_int_equal(m->xid, 7);
    const struct dk_opt *o = dk_msg_find(m, DK_OPT_SERVERID);
    assert_non_null(o);
    assert_memory_equal(o->v[0].p, sid, sizeof(sid));
    assert_int_equal(dk_msg_find(m, DK_OPT_ELAPSED_TIME)->v[0].u, 150);
    assert_null(dk_msg_find(m, DK_OPT_RAPID_COMMIT));
    o = ia_child(dk_msg_find(m, DK_OPT_IA_NA), DK_OPT_IAADDR);
    assert_non_null(o);
    assert_memory_equal(o->v[0].p, &r.addr, 16);
    o = ia_child(dk_msg_find(m, DK_OPT_IA_PD), DK_OPT_IAPREFIX);
    assert_non_null(o);
    assert_int_equal(o->v[2].u, 56);
    assert_memory_equal(o->v[2].p, &r.prefix, 16);
    struct dk_diag vd;
    assert_int_equal(dk_msg_validate(m, &vd), 0);
    /* Only IA_PD when only that is asked for. */
    c.ia_na = false;
    len = bk_build(&c, &r, wire, sizeof(wire));
    dk_arena_reset(&ar);
    assert_int_equal(dk_msg_decode(wire, len, &ar, &m, NULL), 0);
    assert_null(dk_msg_find(m, DK_OPT_IA_NA));
    assert_non_null(dk_msg_find(m, DK_OPT_IA_PD));
}

/* What a server answers: a Relay-reply around an Advertise for client i
 * with address/prefix (NULL: the IA carries status instead). */
struct ans {
    uint8_t type;
    uint32_t xid, client;
    const char *addr, *prefix;
    uint16_t ia_status;
    bool no_sid;
};
static size_t answer(const struct ans *a, uint8_t *out, size_t cap)
{
    struct dk_wbuf w;
    dk_wbuf_init(&w, out, cap);
    dk_wbuf_u8(&w, DK_MSG_RELAY_REPL);
    dk_wbuf_u8(&w, 0);
    uint8_t z[16] = {0};
    dk_wbuf_put(&w, z, 16);
    dk_wbuf_put(&w, z, 16);
    size_t rm = dk_wbuf_opt_begin(&w, DK_OPT_RELAY_MSG);
    dk_wbuf_u8(&w, a->type);
    dk_wbuf_u24(&w, a->xid);
    uint8_t duid[BK_DUID_LEN];
    bk_duid(&c, a->client, duid);
    size_t s = dk_wbuf_opt_begin(&w, DK_OPT_CLIENTID);
    dk_wbuf_put(&w, duid, sizeof(duid));
    dk_wbuf_opt_end(&w, s);
    if (!a->no_sid) {
        static const uint8_t sid[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 1};
        s = dk_wbuf_opt_begin(&w, DK_OPT_SERVERID);
        dk_wbuf_put(&w, sid, sizeof(sid));
        dk_wbuf_opt_end(&w, s);
    }
    s = dk_wbuf_opt_begin(&w, DK_OPT_IA_NA);
    dk_wbuf_u32(&w, 1);
    dk_wbuf_u32(&w, 100);
    dk_wbuf_u32(&w, 200);
    if (a->addr) {
        uint8_t x[16];
        addr6(a->addr, x);
        size_t t = dk_wbuf_opt_begin(&w, DK_OPT_IAADDR);
        dk_wbuf_put(&w, x, 16);
        dk_wbuf_u32(&w, 300);
        dk_wbuf_u32(&w, 600);
        dk_wbuf_opt_end(&w, t);
    } else {
        size_t t = dk_wbuf_opt_begin(&w, DK_OPT_STATUS_CODE);
        dk_wbuf_u16(&w, a->ia_status);
        dk_wbuf_opt_end(&w, t);
    }
    dk_wbuf_opt_end(&w, s);
    s = dk_wbuf_opt_begin(&w, DK_OPT_IA_PD);
    dk_wbuf_u32(&w, 2);
    dk_wbuf_u32(&w, 100);
    dk_wbuf_u32(&w, 200);
    if (a->prefix) {
        uint8_t x[16];
        addr6(a->prefix, x);
        size_t t = dk_wbuf_opt_begin(&w, DK_OPT_IAPREFIX);
        dk_wbuf_u32(&w, 300);
        dk_wbuf_u32(&w, 600);
        dk_wbuf_u8(&w, 56);
        dk_wbuf_put(&w, x, 16);
        dk_wbuf_opt_end(&w, t);
    }
    dk_wbuf_opt_end(&w, s);
    dk_wbuf_opt_end(&w, rm);
    assert_int_equal(w.err, 0);
    return w.len;
}

static const char *judge(const struct ans *a, uint32_t xid, int *parse)
{
    uint8_t buf[512];
    size_t len = answer(a, buf, sizeof(buf));
    struct bk_reply rep;
    *parse = bk_parse(&c, buf, len, &ar, &rep);
    if (*parse)
        return "unparsed";
    struct bk_req r = {.type = DK_MSG_SOLICIT, .xid = xid, .client = rep.client};
    return bk_judge(&c, &r, &rep, DK_MSG_ADVERTISE);
}

static void test_judge(void **state)
{
    (void)state;
    c.relayed = true;
    c.ia_na = c.ia_pd = true;
    c.check_assignments = true;
    int p;
    /* Client 5's row: 2001:db8:1::6 and 2001:db8:8000:500::/56. */
    struct ans a = {DK_MSG_ADVERTISE,      0xabcdef, 5,    "2001:db8:1::6",
                    "2001:db8:8000:500::", 0,        false};
    assert_null(judge(&a, 0xabcdef, &p));
    assert_int_equal(p, BK_PARSE_OK);
    assert_string_equal(judge(&a, 0xabcdee, &p), "an answer with another transaction id");
    a.type = DK_MSG_REPLY;
    assert_string_equal(judge(&a, 0xabcdef, &p), "an answer of the wrong message type");
    a.type = DK_MSG_ADVERTISE;
    a.prefix = "2001:db8:8000:600::";
    assert_string_equal(judge(&a, 0xabcdef, &p), "a prefix other than the client's row");
    c.check_assignments = false;
    assert_null(judge(&a, 0xabcdef, &p));
    c.check_assignments = true;
    a.prefix = NULL;
    assert_string_equal(judge(&a, 0xabcdef, &p), "no prefix in IA_PD");
    c.ia_pd = false;
    assert_null(judge(&a, 0xabcdef, &p));
    c.ia_pd = true;
    a.prefix = "2001:db8:8000:500::";
    a.addr = "2001:db8:1::7";
    assert_string_equal(judge(&a, 0xabcdef, &p), "an address other than the client's row");
    a.addr = NULL;
    a.ia_status = DK_STATUS_NO_ADDRS_AVAIL;
    assert_string_equal(judge(&a, 0xabcdef, &p), "an IA with an error status");
    a.addr = "2001:db8:1::6";
    a.no_sid = true;
    assert_string_equal(judge(&a, 0xabcdef, &p), "no Server Identifier");
    a.no_sid = false;
    /* Another client set's DUID, a client beyond the count: not ours. */
    a.client = 100;
    judge(&a, 0xabcdef, &p);
    assert_int_equal(p, BK_PARSE_NOT_OURS);
    /* Every truncation: malformed (or, cut at the relay header, not ours). */
    a.client = 5;
    uint8_t buf[512];
    size_t len = answer(&a, buf, sizeof(buf));
    struct bk_reply rep;
    for (size_t n = 0; n < len; n++)
        assert_int_not_equal(bk_parse(&c, buf, n, &ar, &rep), BK_PARSE_OK);
    assert_int_equal(bk_parse(&c, buf, len, &ar, &rep), BK_PARSE_OK);
    assert_int_equal(rep.client, 5);
    assert_true(rep.has_addr && rep.has_prefix);
    assert_int_equal(rep.plen, 56);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_relayed_solicit, setup),
        cmocka_unit_test_setup(test_direct_request, setup),
        cmocka_unit_test_setup(test_judge, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
