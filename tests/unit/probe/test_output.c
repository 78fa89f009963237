/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-probe: checking and judging answers (tools/probe/output.c).
 * Answers are built with libdhcpkit, then damaged where a case needs it.
 */
#include <dhcpkit/validate.h>

#include "helpers.h"

static uint8_t mem[1 << 20], rmem[1 << 20];
static struct dk_arena ar, rx;
static uint8_t wire[4096];
static size_t wlen;
static const uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 1, 2};
static const uint8_t sid[] = {0, 3, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
static uint8_t peer[16], x[16], p56[16];

static int setup(void **state)
{
    (void)state;
    dk_arena_init(&ar, mem, sizeof(mem));
    dk_arena_init(&rx, rmem, sizeof(rmem));
    addr6("fe80::2", peer);
    addr6("2001:db8:1::100", x);
    addr6("2001:db8:100::", p56);
    return 0;
}

enum {
    WITH_CID = 1,
    WITH_SID = 2,
    WITH_LEASES = 4,
    NA_NOBINDING = 8,
    TOP_STATUS = 16,
    PREF255 = 32,
    WITHDRAWN = 64,
    ADDR_STATUS = 128
};

/* A server message of type with the parts asked for. */
static struct dk_bmsg *answer(uint8_t type, uint32_t xid, unsigned parts)
{
    struct dk_bmsg *m = dk_bmsg_new(&ar, type);
    struct dk_bopt *o;
    m->xid = xid;
    if (parts & WITH_CID) {
        o = dk_bmsg_add(&ar, m, DK_OPT_CLIENTID);
        dk_bopt_set_ref(o, 0, duid, sizeof(duid));
    }
    if (parts & WITH_SID) {
        o = dk_bmsg_add(&ar, m, DK_OPT_SERVERID);
        dk_bopt_set_ref(o, 0, sid, sizeof(sid));
    }
    if (parts & PREF255) {
        o = dk_bmsg_add(&ar, m, DK_OPT_PREFERENCE);
        dk_bopt_set_u(o, 0, 255);
    }
    if (parts & TOP_STATUS)
        dk_bmsg_append(m, dk_bopt_status(&ar, DK_STATUS_NOT_ON_LINK, "not on link"));
    if (parts & (WITH_LEASES | WITHDRAWN | ADDR_STATUS)) {
        struct dk_bopt *na = dk_bmsg_add(&ar, m, DK_OPT_IA_NA);
        dk_bopt_set_u(na, 0, 1);
        o = dk_bopt_add(&ar, na, DK_OPT_IAADDR);
        dk_bopt_set_ref(o, 0, x, 16);
        dk_bopt_set_u(o, 1, parts & WITHDRAWN ? 0 : 100);
        dk_bopt_set_u(o, 2, parts & WITHDRAWN ? 0 : 200);
        if (parts & ADDR_STATUS)
            dk_bopt_append(o, dk_bopt_status(&ar, DK_STATUS_NOT_ON_LINK, ""));
        struct dk_bopt *pd = dk_bmsg_add(&ar, m, DK_OPT_IA_PD);
        dk_bopt_set_u(pd, 0, 2);
        o = dk_bopt_add(&ar, pd, DK_OPT_IAPREFIX);
        dk_bopt_set_u(o, 0, parts & WITHDRAWN ? 0 : 100);
        dk_bopt_set_u(o, 1, parts & WITHDRAWN ? 0 : 300);
        dk_bopt_set_ref(o, 2, p56, 16);
        o->o.v[2].u = 56;
    }
    if (parts & NA_NOBINDING) {
        struct dk_bopt *na = dk_bmsg_add(&ar, m, DK_OPT_IA_NA);
        dk_bopt_set_u(na, 0, 9);
        dk_bopt_append(na, dk_bopt_status(&ar, DK_STATUS_NO_BINDING, "no binding"));
    }
    return m;
}

static struct dk_bmsg *relay_reply(struct dk_bmsg *inner, const uint8_t *to)
{
    struct dk_bmsg *m = dk_bmsg_new(&ar, DK_MSG_RELAY_REPL);
    memcpy(m->peer, to, 16);
    struct dk_bopt *o = dk_bmsg_add(&ar, m, DK_OPT_RELAY_MSG);
    o->msg = inner;
    return m;
}

static void encode(const struct dk_bmsg *m)
{
    struct dk_msg *msg;
    struct dk_wbuf w;
    assert_int_equal(dk_bmsg_finish(&ar, m, &msg), 0);
    dk_wbuf_init(&w, wire, sizeof(wire));
    assert_int_equal(dk_msg_encode(&w, msg), 0);
    wlen = w.len;
}

static struct probe_expect expect(bool relay, uint8_t type)
{
    struct probe_expect e = {
        .relay = relay, .xid = 0x1234, .sent_type = type, .duid = duid, .duidlen = sizeof(duid)};
    memcpy(e.peer, peer, 16);
    return e;
}

static enum probe_rx check(const struct probe_expect *e, const struct dk_msg **inner)
{
    const struct dk_msg *outer, *in = NULL;
    char why[512];
    enum probe_rx r = probe_check_answer(e, wire, wlen, &rx, &outer, &in, why, sizeof(why));
    if (r != PROBE_RX_FINAL)
        assert_true(why[0] != 0);
    if (inner)
        *inner = in;
    return r;
}

static void direct_answers(void **state)
{
    (void)state;
    struct probe_expect e = expect(false, DK_MSG_SOLICIT);
    const struct dk_msg *in;
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITH_LEASES));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(in->type, DK_MSG_REPLY);
    encode(answer(DK_MSG_ADVERTISE, 0x1234, WITH_CID | WITH_SID));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(in->type, DK_MSG_ADVERTISE);
    /* Another transaction: not ours. */
    encode(answer(DK_MSG_REPLY, 0x1235, WITH_CID | WITH_SID));
    assert_int_equal(check(&e, NULL), PROBE_RX_IGNORE);
    /* A client message (our own, looped back): not an answer. */
    encode(answer(DK_MSG_SOLICIT, 0x1234, WITH_CID));
    assert_int_equal(check(&e, NULL), PROBE_RX_IGNORE);
    /* A Relay-reply when we are a client: not for us. */
    encode(relay_reply(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID), peer));
    assert_int_equal(check(&e, NULL), PROBE_RX_IGNORE);
    /* RFC 8415 §16.10: no Server Identifier, no or another Client Identifier. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID));
    assert_int_equal(check(&e, NULL), PROBE_RX_MALFORMED);
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_SID));
    assert_int_equal(check(&e, NULL), PROBE_RX_MALFORMED);
    struct probe_expect other = e;
    other.duid = sid;
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID));
    assert_int_equal(check(&other, NULL), PROBE_RX_MALFORMED);
    /* Containment: two Server Identifiers. */
    struct dk_bmsg *two = answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID);
    struct dk_bopt *o = dk_bmsg_add(&ar, two, DK_OPT_SERVERID);
    dk_bopt_set_ref(o, 0, sid, sizeof(sid));
    encode(two);
    assert_int_equal(check(&e, NULL), PROBE_RX_MALFORMED);
    /* Every truncation of a good answer is malformed, never a crash. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITH_LEASES));
    size_t full = wlen;
    for (wlen = 0; wlen < full; wlen++) {
        /* Cut after the Server Identifier (4 + 14 + 14 octets) or after the
         * IA_NA (+ 4 + 12 + 4 + 24): a shorter but whole answer. */
        enum probe_rx want = wlen == 32 || wlen == 76 ? PROBE_RX_FINAL : PROBE_RX_MALFORMED;
        assert_int_equal(check(&e, NULL), want);
    }
    /* An option length one too long. */
    wlen = full;
    wire[4 + 3]++; /* the first option's length, low octet */
    assert_int_equal(check(&e, NULL), PROBE_RX_MALFORMED);
}

static void relayed_answers(void **state)
{
    (void)state;
    struct probe_expect e = expect(true, DK_MSG_SOLICIT);
    const struct dk_msg *in;
    uint8_t elsewhere[16];
    addr6("fe80::99", elsewhere);
    encode(relay_reply(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITH_LEASES), peer));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(in->type, DK_MSG_REPLY); /* unwrapped */
    assert_int_equal(in->xid, 0x1234);
    /* For another peer: not ours. */
    encode(relay_reply(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID), elsewhere));
    assert_int_equal(check(&e, NULL), PROBE_RX_IGNORE);
    /* A bare Reply to a relay: not what a relay gets. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID));
    assert_int_equal(check(&e, NULL), PROBE_RX_IGNORE);
    /* Two relay levels around it: we sent one. */
    encode(relay_reply(relay_reply(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID), peer), peer));
    assert_int_equal(check(&e, NULL), PROBE_RX_MALFORMED);
}

static void verdicts(void **state)
{
    (void)state;
    char s[1024];
    const struct dk_msg *in;
    struct probe_expect e = expect(false, DK_MSG_REQUEST);
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITH_LEASES));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(probe_verdict(in, DK_MSG_REQUEST, s, sizeof(s)), PROBE_EXIT_OK);
    assert_non_null(strstr(s, "address 2001:db8:1::100"));
    assert_non_null(strstr(s, "prefix 2001:db8:100::/56"));
    assert_int_equal(probe_count_leases(in), 2);
    assert_int_equal(probe_preference(in), 0);
    /* An IA with NoBinding beside good leases: an error status. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITH_LEASES | NA_NOBINDING));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(probe_verdict(in, DK_MSG_RENEW, s, sizeof(s)), PROBE_EXIT_STATUS);
    assert_non_null(strstr(s, "NoBinding"));
    /* A status inside an IAADDR. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | ADDR_STATUS));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(probe_verdict(in, DK_MSG_REQUEST, s, sizeof(s)), PROBE_EXIT_STATUS);
    /* A top-level status (a Confirm's NotOnLink). */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | TOP_STATUS));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(probe_verdict(in, DK_MSG_CONFIRM, s, sizeof(s)), PROBE_EXIT_STATUS);
    assert_non_null(strstr(s, "NotOnLink"));
    /* No status: Confirm, Release, Decline and Information-request are answered. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(probe_verdict(in, DK_MSG_CONFIRM, s, sizeof(s)), PROBE_EXIT_OK);
    assert_int_equal(probe_verdict(in, DK_MSG_RELEASE, s, sizeof(s)), PROBE_EXIT_OK);
    assert_int_equal(probe_verdict(in, DK_MSG_DECLINE, s, sizeof(s)), PROBE_EXIT_OK);
    assert_int_equal(probe_verdict(in, DK_MSG_INFORMATION_REQUEST, s, sizeof(s)), PROBE_EXIT_OK);
    /* ... but a Solicit, Request, Renew or Rebind without a lease is not. */
    assert_int_equal(probe_verdict(in, DK_MSG_SOLICIT, s, sizeof(s)), PROBE_EXIT_STATUS);
    assert_int_equal(probe_verdict(in, DK_MSG_REBIND, s, sizeof(s)), PROBE_EXIT_STATUS);
    /* Leases withdrawn (lifetimes 0) are no lease. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITHDRAWN));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(probe_count_leases(in), 0);
    assert_int_equal(probe_verdict(in, DK_MSG_RENEW, s, sizeof(s)), PROBE_EXIT_STATUS);
    /* Preference. */
    encode(answer(DK_MSG_ADVERTISE, 0x1234, WITH_CID | WITH_SID | PREF255));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    assert_int_equal(probe_preference(in), 255);
    /* A tiny summary buffer is never overrun. */
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITH_LEASES | NA_NOBINDING));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    char tiny[8];
    assert_int_equal(probe_verdict(in, DK_MSG_RENEW, tiny, sizeof(tiny)), PROBE_EXIT_STATUS);
    assert_true(strlen(tiny) < sizeof(tiny));
}

static void printing(void **state)
{
    (void)state;
    const struct dk_msg *in;
    struct probe_expect e = expect(false, DK_MSG_REQUEST);
    encode(answer(DK_MSG_REPLY, 0x1234, WITH_CID | WITH_SID | WITH_LEASES));
    assert_int_equal(check(&e, &in), PROBE_RX_FINAL);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_int_equal(probe_print(f, in, true), 0);
    assert_int_equal(probe_print(f, in, false), 0);
    fclose(f);
    assert_non_null(strstr(buf, "{\"msg_type\": 7, \"msg_name\": \"REPLY\", \"transaction_id\": "
                                "\"001234\""));
    assert_non_null(strstr(buf, "\"address\": \"2001:db8:1::100\""));
    assert_non_null(strstr(buf, "\nREPLY transaction_id=001234 "));
    free(buf);
}

static void default_duid(void **state)
{
    (void)state;
    uint8_t d[DK_DUID_MAX_LEN];
    /* No interface: the fixed DUID-LL (RFC 8415 §11.4). */
    assert_int_equal(probe_default_duid(NULL, d, sizeof(d)), 10);
    assert_memory_equal(d, "\x00\x03\x00\x01\x02\x00\x00\x00\x00\x01", 10);
    /* lo has no MAC (all zero): the fixed one too. */
    assert_int_equal(probe_default_duid("lo", d, sizeof(d)), 10);
    assert_memory_equal(d, "\x00\x03\x00\x01\x02\x00\x00\x00\x00\x01", 10);
    assert_int_equal(probe_default_duid(NULL, d, 4), 0);
    uint8_t ll[16];
    probe_link_local(NULL, ll);
    assert_memory_equal(ll, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(direct_answers, setup),
        cmocka_unit_test_setup(relayed_answers, setup),
        cmocka_unit_test_setup(verdicts, setup),
        cmocka_unit_test_setup(printing, setup),
        cmocka_unit_test_setup(default_duid, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
