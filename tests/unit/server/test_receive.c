/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The receive rules of RFC 8415 §16 (src/server/receive.c) and the other
 * reasons the pipeline refuses a datagram before any handler sees it: one
 * test per rule, each also showing that the same message without the fault
 * is answered. The README's table of rules names these tests.
 */
#include "fixture.h"

/* Faults a test puts into an otherwise valid client message. */
#define NO_CLIENT_ID    0x1u
#define NO_SERVER_ID    0x2u
#define OUR_SERVER_ID   0x4u
#define OTHER_SERVER_ID 0x8u
#define WITH_IA         0x10u

static struct dk_bmsg *client_msg(struct fx *f, uint8_t type, unsigned faults)
{
    struct dk_bmsg *m = req_new(f, type);
    if (faults & NO_CLIENT_ID)
        dk_bmsg_remove(m, dk_bmsg_find(m, DK_OPT_CLIENTID));
    if (faults & (NO_SERVER_ID | OUR_SERVER_ID | OTHER_SERVER_ID)) {
        struct dk_bopt *s = dk_bmsg_find(m, DK_OPT_SERVERID);
        if (s)
            dk_bmsg_remove(m, s);
    }
    if (faults & (OUR_SERVER_ID | OTHER_SERVER_ID)) {
        struct dk_bopt *s = dk_bmsg_add(&f->arena, m, DK_OPT_SERVERID);
        if (faults & OUR_SERVER_ID)
            dk_bopt_set_ref(s, 0, server_duid, sizeof(server_duid));
        else
            dk_bopt_set_ref(s, 0, other_duid, sizeof(other_duid));
    }
    if (faults & WITH_IA)
        req_ia(f, m, DK_OPT_IA_NA, 1);
    return m;
}

/* The verdict for a client message with these faults, sent directly and
 * through a relay (both must agree). */
static enum dk_verdict verdict(uint8_t type, unsigned faults)
{
    struct fx *f = fx_new("");
    fx_rx_direct(f);
    enum dk_verdict direct = fx_send(f, client_msg(f, type, faults));
    fx_rx_relayed(f);
    enum dk_verdict relayed =
        fx_send(f, relay(f, client_msg(f, type, faults), 0, "2001:db8:1::1", "fe80::1"));
    assert_int_equal(direct, relayed);
    fx_free(f);
    return direct;
}

/* The same message without the fault is answered. */
static void answered(uint8_t type, unsigned faults)
{
    assert_int_equal(verdict(type, faults), DK_VERDICT_REPLY);
}

/* ---- RFC 8415 §16.2 Solicit */

static void test_rule_solicit_without_client_id(void **state)
{
    (void)state;
    assert_int_equal(verdict(DK_MSG_SOLICIT, NO_CLIENT_ID), DK_VERDICT_UNPARSABLE);
    answered(DK_MSG_SOLICIT, 0);
}

static void test_rule_solicit_with_other_server_id(void **state)
{
    (void)state;
    assert_int_equal(verdict(DK_MSG_SOLICIT, OTHER_SERVER_ID), DK_VERDICT_FOR_OTHER_SERVER);
}

static void test_rule_solicit_with_our_server_id(void **state)
{
    (void)state;
    assert_int_equal(verdict(DK_MSG_SOLICIT, OUR_SERVER_ID), DK_VERDICT_UNPARSABLE);
}

/* ---- §16.4 Request, §16.6 Renew, §16.8 Decline, §16.9 Release */

#define NEEDS_OUR_SERVER_ID(name, type)                                                            \
    static void test_rule_##name##_without_server_id(void **state)                                 \
    {                                                                                              \
        (void)state;                                                                               \
        assert_int_equal(verdict(type, NO_SERVER_ID), DK_VERDICT_UNPARSABLE);                      \
        answered(type, OUR_SERVER_ID);                                                             \
    }                                                                                              \
    static void test_rule_##name##_with_other_server_id(void **state)                              \
    {                                                                                              \
        (void)state;                                                                               \
        assert_int_equal(verdict(type, OTHER_SERVER_ID), DK_VERDICT_FOR_OTHER_SERVER);             \
    }                                                                                              \
    static void test_rule_##name##_without_client_id(void **state)                                 \
    {                                                                                              \
        (void)state;                                                                               \
        assert_int_equal(verdict(type, NO_CLIENT_ID), DK_VERDICT_UNPARSABLE);                      \
    }

NEEDS_OUR_SERVER_ID(request, DK_MSG_REQUEST)
NEEDS_OUR_SERVER_ID(renew, DK_MSG_RENEW)
NEEDS_OUR_SERVER_ID(decline, DK_MSG_DECLINE)
NEEDS_OUR_SERVER_ID(release, DK_MSG_RELEASE)

/* ---- §16.5 Confirm, §16.7 Rebind: no Server Identifier at all */

#define NO_SERVER_ID_ALLOWED(name, type)                                                           \
    static void test_rule_##name##_without_client_id(void **state)                                 \
    {                                                                                              \
        (void)state;                                                                               \
        assert_int_equal(verdict(type, NO_CLIENT_ID | WITH_IA), DK_VERDICT_UNPARSABLE);            \
    }                                                                                              \
    static void test_rule_##name##_with_other_server_id(void **state)                              \
    {                                                                                              \
        (void)state;                                                                               \
        assert_int_equal(verdict(type, OTHER_SERVER_ID | WITH_IA), DK_VERDICT_FOR_OTHER_SERVER);   \
    }                                                                                              \
    static void test_rule_##name##_with_our_server_id(void **state)                                \
    {                                                                                              \
        (void)state;                                                                               \
        assert_int_equal(verdict(type, OUR_SERVER_ID | WITH_IA), DK_VERDICT_UNPARSABLE);           \
    }

NO_SERVER_ID_ALLOWED(confirm, DK_MSG_CONFIRM)
NO_SERVER_ID_ALLOWED(rebind, DK_MSG_REBIND)

/* A valid Rebind without any IA is answered (Reply with the identifiers). */
static void test_rule_rebind_valid(void **state)
{
    (void)state;
    answered(DK_MSG_REBIND, 0);
}

/* ---- §16.12 Information-request */

static void test_rule_information_request_with_other_server_id(void **state)
{
    (void)state;
    assert_int_equal(verdict(DK_MSG_INFORMATION_REQUEST, OTHER_SERVER_ID),
                     DK_VERDICT_FOR_OTHER_SERVER);
}

/* Ours is fine: the client answers a Reconfigure (§18.2.6). */
static void test_rule_information_request_with_our_server_id(void **state)
{
    (void)state;
    answered(DK_MSG_INFORMATION_REQUEST, OUR_SERVER_ID);
}

static void test_rule_information_request_with_ia(void **state)
{
    (void)state;
    assert_int_equal(verdict(DK_MSG_INFORMATION_REQUEST, WITH_IA), DK_VERDICT_UNPARSABLE);
    answered(DK_MSG_INFORMATION_REQUEST, 0);
}

/* ---- messages a server must not accept (§16.3, §16.10, §16.11, §19.2) */

/* A server message, as if a client (or a relay) had sent it. */
static enum dk_verdict server_msg(uint8_t type)
{
    struct fx *f = fx_new("");
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, type);
    m->xid = 1;
    if (type != DK_MSG_RELAY_REPL) {
        struct dk_bopt *o = dk_bmsg_add(&f->arena, m, DK_OPT_CLIENTID);
        dk_bopt_set_ref(o, 0, client_duid, sizeof(client_duid));
        o = dk_bmsg_add(&f->arena, m, DK_OPT_SERVERID);
        dk_bopt_set_ref(o, 0, other_duid, sizeof(other_duid));
    } else {
        struct dk_bopt *o = dk_bmsg_add(&f->arena, m, DK_OPT_RELAY_MSG);
        o->msg = req_new(f, DK_MSG_SOLICIT);
    }
    fx_rx_direct(f);
    enum dk_verdict v = fx_send(f, m);
    fx_free(f);
    return v;
}

static void test_rule_advertise_not_allowed(void **state)
{
    (void)state;
    assert_int_equal(server_msg(DK_MSG_ADVERTISE), DK_VERDICT_NOT_ALLOWED);
}

static void test_rule_reply_not_allowed(void **state)
{
    (void)state;
    assert_int_equal(server_msg(DK_MSG_REPLY), DK_VERDICT_NOT_ALLOWED);
}

static void test_rule_reconfigure_not_allowed(void **state)
{
    (void)state;
    assert_int_equal(server_msg(DK_MSG_RECONFIGURE), DK_VERDICT_NOT_ALLOWED);
}

static void test_rule_relay_reply_not_allowed(void **state)
{
    (void)state;
    assert_int_equal(server_msg(DK_MSG_RELAY_REPL), DK_VERDICT_NOT_ALLOWED);
}

/* RFC 5007 §4.2.2, RFC 5460 §5.2: leasequery answers go to requestors. */
static void test_rule_leasequery_answers_not_allowed(void **state)
{
    (void)state;
    assert_int_equal(server_msg(DK_MSG_LEASEQUERY_REPLY), DK_VERDICT_NOT_ALLOWED);
    assert_int_equal(server_msg(DK_MSG_LEASEQUERY_DATA), DK_VERDICT_NOT_ALLOWED);
    struct fx *f = fx_new("");
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, DK_MSG_LEASEQUERY_DONE);
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, m), DK_VERDICT_NOT_ALLOWED);
    fx_free(f);
}

/* A server message relayed towards us: the innermost type decides. */
static void test_rule_relayed_advertise_not_allowed(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, DK_MSG_ADVERTISE);
    struct dk_bopt *o = dk_bmsg_add(&f->arena, m, DK_OPT_CLIENTID);
    dk_bopt_set_ref(o, 0, client_duid, sizeof(client_duid));
    o = dk_bmsg_add(&f->arena, m, DK_OPT_SERVERID);
    dk_bopt_set_ref(o, 0, server_duid, sizeof(server_duid));
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, relay(f, m, 0, "2001:db8:1::1", "fe80::1")),
                     DK_VERDICT_NOT_ALLOWED);
    /* A Relay-reply inside a Relay-forward. */
    struct dk_bmsg *rr = dk_bmsg_new(&f->arena, DK_MSG_RELAY_REPL);
    dk_bmsg_add(&f->arena, rr, DK_OPT_RELAY_MSG)->msg = req_new(f, DK_MSG_SOLICIT);
    assert_int_equal(fx_send(f, relay(f, rr, 1, "2001:db8:1::1", "fe80::1")),
                     DK_VERDICT_NOT_ALLOWED);
    fx_free(f);
}

/* ---- leasequery reaches the handlers only with a Client Identifier and a
 * query (RFC 5007 §4.1.1, §4.3.1), and gets no reply without a handler */

static void test_rule_leasequery_needs_client_id(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    /* RFC 5007 §4.3.1: a Client Identifier and a query, or it is malformed. */
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, DK_MSG_LEASEQUERY);
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, m), DK_VERDICT_UNPARSABLE);
    assert_string_equal(f->res.why, "no Client Identifier");
    struct dk_bopt *id = dk_bmsg_add(&f->arena, m, DK_OPT_CLIENTID);
    dk_bopt_set_ref(id, 0, client_duid, sizeof(client_duid));
    assert_int_equal(fx_send(f, m), DK_VERDICT_UNPARSABLE);
    assert_string_equal(f->res.why, "Leasequery without a query");
    /* A whole one: no leasequery handler, no reply. */
    struct dk_bopt *q = dk_bmsg_add(&f->arena, m, DK_OPT_LQ_QUERY);
    dk_bopt_set_u(q, 0, DK_LQ_QUERY_BY_CLIENTID);
    static const uint8_t zero[16];
    dk_bopt_set_ref(q, 1, zero, 16);
    struct dk_bopt *c = dk_bopt_add(&f->arena, q, DK_OPT_CLIENTID);
    dk_bopt_set_ref(c, 0, client_duid, sizeof(client_duid));
    assert_int_equal(fx_send(f, m), DK_VERDICT_DO_NOT_RESPOND);
    assert_string_equal(f->res.why, "no leasequery handler");
    fx_free(f);
}

/* ---- what we do not serve */

static void test_rule_unknown_type(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    static const uint8_t msg[] = {200, 1, 2, 3, 4, 5};
    memcpy(f->req, msg, sizeof(msg));
    f->reqlen = sizeof(msg);
    fx_rx_direct(f);
    assert_int_equal(fx_send_raw(f), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(f->res.msg_in, 200);
    fx_free(f);
}

/* ---- malformed */

static void test_rule_relay_forward_without_relay_message(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *r = dk_bmsg_new(&f->arena, DK_MSG_RELAY_FORW);
    add_bytes(f, r, DK_OPT_INTERFACE_ID, "x", 1);
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_UNPARSABLE);
    fx_free(f);
}

/* Octets that do not decode, at every length of a valid Solicit. */
static void test_rule_truncated(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_REPLY);
    size_t full = f->reqlen;
    for (size_t n = 0; n < full; n++) {
        f->reqlen = n;
        enum dk_verdict v = fx_send_raw(f);
        assert_int_equal(v, DK_VERDICT_UNPARSABLE);
        /* Cut at an option boundary it decodes, and is refused for what is
         * missing: after the header (no Client Identifier, §16.2) and after
         * the 14-octet Client Identifier (no Elapsed Time, App. B). */
        assert_int_equal(f->res.msg_in, n == 4 || n == 18 ? DK_MSG_SOLICIT : 0);
    }
    f->rx.data = NULL;
    f->rx.len = 0;
    f->tx = (struct dk_tx){.buf = f->out, .cap = sizeof(f->out)};
    dk_pipeline_handle(f->p, f->w, &f->rx, &f->tx, &f->res);
    assert_int_equal(f->res.verdict, DK_VERDICT_UNPARSABLE);
    assert_int_equal(f->res.msg_in, 0);
    fx_free(f);
}

/* A message that decodes but breaks the containment rules (two Client
 * Identifiers, RFC 8415 App. B). */
static void test_rule_containment(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    add_bytes(f, m, DK_OPT_CLIENTID, client_duid, sizeof(client_duid));
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, m), DK_VERDICT_UNPARSABLE);
    fx_free(f);
}

/* RFC 8415 §7.6: 32 relays are served, a 33rd is refused by structure. */
static void test_rule_relay_depth(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    for (int i = 0; i < DK_HOP_COUNT_LIMIT; i++)
        m = relay(f, m, (uint8_t)i, "2001:db8:1::1", "fe80::1");
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    /* 32 Relay-replies around the Advertise. */
    const struct dk_msg *r = f->reply;
    for (int i = 0; i < DK_HOP_COUNT_LIMIT; i++) {
        assert_int_equal(r->type, DK_MSG_RELAY_REPL);
        assert_int_equal(r->hop_count, DK_HOP_COUNT_LIMIT - 1 - i);
        r = find(r, DK_OPT_RELAY_MSG)->msg;
    }
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    m = relay(f, m, 32, "2001:db8:1::1", "fe80::1");
    assert_int_equal(fx_send(f, m), DK_VERDICT_UNPARSABLE);
    fx_free(f);
}

/* DK_BUNDLE_MAX_IAS IAs are answered, one more is refused. */
static void test_rule_too_many_ias(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    for (uint32_t i = 0; i < DK_BUNDLE_MAX_IAS; i++)
        req_ia(f, m, DK_OPT_IA_NA, i);
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    assert_int_equal(count(f->reply, DK_OPT_IA_NA), DK_BUNDLE_MAX_IAS);
    req_ia(f, m, DK_OPT_IA_PD, 0);
    assert_int_equal(fx_send(f, m), DK_VERDICT_UNPARSABLE);
    fx_free(f);
}

int main(void)
{
#define T(name) cmocka_unit_test(test_rule_##name)
    const struct CMUnitTest tests[] = {
        T(solicit_without_client_id),
        T(solicit_with_other_server_id),
        T(solicit_with_our_server_id),
        T(request_without_server_id),
        T(request_with_other_server_id),
        T(request_without_client_id),
        T(renew_without_server_id),
        T(renew_with_other_server_id),
        T(renew_without_client_id),
        T(decline_without_server_id),
        T(decline_with_other_server_id),
        T(decline_without_client_id),
        T(release_without_server_id),
        T(release_with_other_server_id),
        T(release_without_client_id),
        T(confirm_without_client_id),
        T(confirm_with_other_server_id),
        T(confirm_with_our_server_id),
        T(rebind_without_client_id),
        T(rebind_with_other_server_id),
        T(rebind_with_our_server_id),
        T(rebind_valid),
        T(information_request_with_other_server_id),
        T(information_request_with_our_server_id),
        T(information_request_with_ia),
        T(advertise_not_allowed),
        T(reply_not_allowed),
        T(reconfigure_not_allowed),
        T(relay_reply_not_allowed),
        T(leasequery_answers_not_allowed),
        T(relayed_advertise_not_allowed),
        T(leasequery_needs_client_id),
        T(unknown_type),
        T(relay_forward_without_relay_message),
        T(truncated),
        T(containment),
        T(relay_depth),
        T(too_many_ias),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
