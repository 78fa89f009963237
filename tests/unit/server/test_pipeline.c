/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pipeline (src/server/pipeline.c): direct and relayed shapes, relay
 * chains re-wrapped with their echoes, reply destinations, the stages and
 * their outcomes, filters and their order, and the always-on handlers:
 * server and client identifiers, UseMulticast, rapid commit, unanswered IAs
 * per message type, missing status, the Option Request option.
 */
#include <unistd.h>

#include "fixture.h"

#ifndef PROBE_PLUGIN
#error "PROBE_PLUGIN: the path of the probe plug-in"
#endif

/* ---- shapes and destinations */

/* A direct Solicit gets an Advertise to the client's port, on the interface
 * it came in on; the identifiers come first, client's then ours. */
static void test_direct_solicit(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_ia(f, m, DK_OPT_IA_NA, 0xc43cb2f1);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    assert_int_equal(r->xid, 0xf350d6);
    assert_int_equal(r->opts[0].code, DK_OPT_CLIENTID);
    assert_int_equal(r->opts[1].code, DK_OPT_SERVERID);
    assert_ids(r);
    assert_int_equal(f->tx.dport, 546);
    assert_int_equal(f->tx.ifindex, 2);
    assert_memory_equal(&f->tx.dst, &f->rx.src, 16);
    assert_int_equal(f->res.msg_in, DK_MSG_SOLICIT);
    assert_int_equal(f->res.msg_out, DK_MSG_ADVERTISE);
    assert_false(f->res.use_multicast);
    fx_free(f);
}

/* A two-level chain (the original's vector: a relay whose client side is
 * an LDRA with link-address ::) comes back as two Relay-replies with the
 * same hop counts, links and peers and each relay's Interface-ID, and goes
 * to the relay's port 547. The link is the outer relay's (RFC 6221). */
static void test_relay_chain(void **state)
{
    (void)state;
    struct fx *f = fx_new("<subnet 2001:db8:ffff:1::/64>\n"
                          "  <preference>\n    level 7\n  </preference>\n"
                          "</subnet>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    struct dk_bmsg *ldra = relay(f, m, 0, "::", "fe80::3631:c4ff:fe3c:b2f1");
    add_bytes(f, ldra, DK_OPT_INTERFACE_ID, "Fa2/3", 5);
    struct dk_bmsg *outer = relay(f, ldra, 1, "2001:db8:ffff:1::1", "fe80::3631:c4ff:fe3c:b2f1");
    add_bytes(f, outer, DK_OPT_INTERFACE_ID, "Gi0/0/0", 7);
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, outer), DK_VERDICT_REPLY);
    const struct dk_msg *r = f->reply;
    assert_int_equal(r->type, DK_MSG_RELAY_REPL);
    assert_int_equal(r->hop_count, 1);
    assert_addr(r->link, 16, "2001:db8:ffff:1::1");
    assert_addr(r->peer, 16, "fe80::3631:c4ff:fe3c:b2f1");
    const struct dk_opt *iid = find(r, DK_OPT_INTERFACE_ID);
    assert_non_null(iid);
    assert_int_equal(iid->v[0].n, 7);
    assert_memory_equal(iid->v[0].p, "Gi0/0/0", 7);
    const struct dk_msg *r2 = find(r, DK_OPT_RELAY_MSG)->msg;
    assert_int_equal(r2->type, DK_MSG_RELAY_REPL);
    assert_int_equal(r2->hop_count, 0);
    assert_addr(r2->link, 16, "::");
    iid = find(r2, DK_OPT_INTERFACE_ID);
    assert_non_null(iid);
    assert_memory_equal(iid->v[0].p, "Fa2/3", 5);
    const struct dk_msg *adv = find(r2, DK_OPT_RELAY_MSG)->msg;
    assert_int_equal(adv->type, DK_MSG_ADVERTISE);
    assert_ids(adv);
    /* The link of the outer relay put the client in the subnet. */
    assert_int_equal(find(adv, DK_OPT_PREFERENCE)->v[0].u, 7);
    assert_int_equal(f->tx.dport, 547);
    assert_addr((const uint8_t *)&f->tx.dst, 16, "2001:db8:ffff::1");
    assert_int_equal(f->res.msg_in, DK_MSG_SOLICIT);
    assert_int_equal(f->res.msg_out, DK_MSG_ADVERTISE);
    fx_free(f);
}

/* A relay without a usable link-address anywhere: the link is ::, and a
 * link-local link-address does not count. */
static void test_relay_link_local_link(void **state)
{
    (void)state;
    struct fx *f = fx_new("<subnet ::/0>\n <subnet fe80::/10>\n"
                          "  <preference>\n    level 1\n  </preference>\n"
                          " </subnet>\n <preference>\n  level 2\n </preference>\n</subnet>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    struct dk_bmsg *r = relay(f, m, 0, "fe80::1", "fe80::2");
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    const struct dk_msg *adv = find(f->reply, DK_OPT_RELAY_MSG)->msg;
    assert_int_equal(find(adv, DK_OPT_PREFERENCE)->v[0].u, 2);
    fx_free(f);
}

/* RFC 8357: a relay that sent a Relay Source Port option gets the answer on
 * the port it sent from, and its option back. */
static void test_relay_source_port(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    /* An inner relay that listens on 1547, behind an outer one on 5000. */
    struct dk_bmsg *in = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "::", "fe80::2");
    dk_bopt_set_u(dk_bmsg_add(&f->arena, in, DK_OPT_RELAY_PORT), 0, 0);
    struct dk_bmsg *r = relay(f, in, 1, "2001:db8:1::1", "fe80::2");
    dk_bopt_set_u(dk_bmsg_add(&f->arena, r, DK_OPT_RELAY_PORT), 0, 1547);
    fx_rx_relayed(f);
    f->rx.sport = 5000;
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    assert_int_equal(f->tx.dport, 5000);
    /* Each Relay-reply carries its relay's option back (RFC 8357 §5.2). */
    assert_int_equal(find(f->reply, DK_OPT_RELAY_PORT)->v[0].u, 1547);
    const struct dk_msg *inner = find(f->reply, DK_OPT_RELAY_MSG)->msg;
    assert_int_equal(find(inner, DK_OPT_RELAY_PORT)->v[0].u, 0);
    /* Without the option: 547, whatever port it came from. */
    r = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "2001:db8:1::1", "fe80::2");
    fx_rx_relayed(f);
    f->rx.sport = 5000;
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    assert_int_equal(f->tx.dport, 547);
    assert_null(find(f->reply, DK_OPT_RELAY_PORT));
    fx_free(f);
}

/* RFC 4994: the options an Echo Request asks for, if the relay sent them;
 * never one it did not send, never one a Relay-reply may not hold. */
static void test_relay_echo_request(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *r = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "2001:db8:1::1", "fe80::2");
    static const uint8_t rid[] = {0, 0, 0x9d, 0x10, 1, 2, 3};
    struct dk_bopt *o = dk_bmsg_add(&f->arena, r, DK_OPT_REMOTE_ID);
    dk_bopt_set_u(o, 0, 40208);
    dk_bopt_set_ref(o, 1, rid + 4, 3);
    static const uint8_t ero[] = {0, 37, 0, 38, 0, 66, 0x12, 0x34};
    add_bytes(f, r, DK_OPT_ERO, ero, sizeof(ero));
    uint8_t unknown[2] = {0xab, 0xcd};
    struct dk_bopt *u = dk_bmsg_add(&f->arena, r, 0x1234);
    dk_bopt_set_ref(u, 0, unknown, 2);
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    const struct dk_opt *e = find(f->reply, DK_OPT_REMOTE_ID);
    assert_non_null(e);
    assert_int_equal(e->v[0].u, 40208);
    assert_int_equal(e->v[1].n, 3);
    assert_null(find(f->reply, DK_OPT_SUBSCRIBER_ID)); /* asked for, not sent */
    assert_null(find(f->reply, DK_OPT_ERO));
    assert_non_null(find(f->reply, 0x1234)); /* unknown to us: echoed as it came */
    fx_free(f);
}

/* A reply that does not fit the engine's buffer is a handling error and
 * nothing is sent. */
static void test_reply_too_big(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    struct dk_msg *dm;
    assert_int_equal(dk_bmsg_finish(&f->arena, m, &dm), 0);
    struct dk_wbuf w;
    dk_wbuf_init(&w, f->req, sizeof(f->req));
    assert_int_equal(dk_msg_encode(&w, dm), 0);
    fx_rx_direct(f);
    f->rx.data = f->req;
    f->rx.len = w.len;
    uint8_t small[20];
    struct dk_tx tx = {.buf = small, .cap = sizeof(small)};
    struct dk_result res;
    dk_pipeline_handle(f->p, f->w, &f->rx, &tx, &res);
    assert_int_equal(res.verdict, DK_VERDICT_HANDLING_ERROR);
    assert_int_equal(tx.len, 0);
    assert_true(fx_logged(f, "could not be built"));
    fx_free(f);
}

/* Every reply is validated before it is sent: one a handler broke is a
 * handling error, logged, and nothing goes out. */
static void test_invalid_reply_not_sent(void **state)
{
    (void)state;
    struct fx *f = fx_new("<plugin " PROBE_PLUGIN ">\n add-invalid yes\n</plugin>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_HANDLING_ERROR);
    assert_true(fx_logged(f, "the reply to a SOLICIT is not valid"));
    fx_free(f);
}

/* ---- UseMulticast */

/* RFC 8415 §18.4: a client that unicasts without having been told it may
 * gets a Reply with UseMulticast, its Client Identifier, ours, nothing else. */
static void test_unicast_refused(void **state)
{
    (void)state;
    struct fx *f = fx_new("<recursive-name-servers>\n always-send yes\n address 2001:db8::53\n"
                          "</recursive-name-servers>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    fx_rx_direct(f);
    f->rx.multicast = false;
    addr("2001:db8::53", (uint8_t *)&f->rx.dst);
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    const struct dk_msg *r = f->reply;
    assert_int_equal(r->type, DK_MSG_REPLY);
    assert_int_equal(r->nopts, 3);
    assert_ids(r);
    assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_USE_MULTICAST);
    assert_true(f->res.use_multicast);
    fx_free(f);
}

/* With server-unicast, the same request is answered, and the answers tell
 * the client where to unicast. */
static void test_unicast_allowed(void **state)
{
    (void)state;
    struct fx *f = fx_new("<server-unicast>\n address 2001:db8::53\n</server-unicast>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    fx_rx_direct(f);
    f->rx.multicast = false;
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    assert_false(f->res.use_multicast);
    assert_null(find(f->reply, DK_OPT_STATUS_CODE));
    const struct dk_opt *u = find(f->reply, DK_OPT_UNICAST);
    assert_non_null(u);
    assert_addr(u->v[0].p, u->v[0].n, "2001:db8::53");
    fx_free(f);
}

/* Relays always unicast to us: no UseMulticast for relayed requests. */
static void test_unicast_relayed(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *r = relay(f, req_new(f, DK_MSG_REQUEST), 0, "2001:db8:1::1", "fe80::2");
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    assert_false(f->res.use_multicast);
    const struct dk_msg *reply = find(f->reply, DK_OPT_RELAY_MSG)->msg;
    assert_int_equal(reply->type, DK_MSG_REPLY);
    assert_null(find(reply, DK_OPT_STATUS_CODE));
    fx_free(f);
}

/* ---- Information-request */

/* A Leasequery by client-id (RFC 5007 §4.1.2.1) from requestor DUID-LL 01. */
static struct dk_bmsg *leasequery(struct fx *f)
{
    static const uint8_t me[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 1};
    static const uint8_t them[] = {0, 3, 0, 1, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    static const uint8_t zero[16];
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, DK_MSG_LEASEQUERY);
    m->xid = 0x010203;
    dk_bopt_set_ref(dk_bmsg_add(&f->arena, m, DK_OPT_CLIENTID), 0, me, sizeof(me));
    struct dk_bopt *q = dk_bmsg_add(&f->arena, m, DK_OPT_LQ_QUERY);
    dk_bopt_set_u(q, 0, 2);
    dk_bopt_set_ref(q, 1, zero, 16);
    dk_bopt_set_ref(dk_bopt_add(&f->arena, q, DK_OPT_CLIENTID), 0, them, sizeof(them));
    return m;
}

/* What tcp.c hands over: the peer, nothing of a link (pipeline.h). */
static void rx_tcp(struct fx *f)
{
    memset(&f->rx, 0, sizeof(f->rx));
    addr("2001:db8:ffff::9", (uint8_t *)&f->rx.src);
    f->rx.sport = 40000;
    f->rx.tcp = true;
}

/* Only a leasequery handler answers a Leasequery: without one it gets no
 * reply, by UDP or over TCP; with one, a Leasequery-reply by UDP even
 * unicast (not a client's message, RFC 5007 §4.1: no UseMulticast); the
 * marks of <listen-tcp> apply over TCP only. */
static void test_leasequery_reply(void **state)
{
    (void)state;
    struct fx *f = fx_new("<listen-tcp ::/>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, leasequery(f)), DK_VERDICT_DO_NOT_RESPOND);
    assert_string_equal(f->res.why, "no leasequery handler");
    rx_tcp(f);
    assert_int_equal(fx_send(f, leasequery(f)), DK_VERDICT_DO_NOT_RESPOND);
    assert_null(f->res.stream);
    fx_free(f);

    char dir[] = "/tmp/dk-pipeline-lq-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char conf[512];
    snprintf(conf, sizeof(conf),
             "<listen-tcp ::>\n mark lq\n</listen-tcp>\n"
             "<marked-with lq>\n <ignore-request>\n  message-type leasequery\n"
             " </ignore-request>\n</marked-with>\n"
             "<leasequery>\n allow-from ::/0\n <lq-sqlite %s/lq.db/>\n</leasequery>\n",
             dir);
    f = fx_new(conf);
    fx_rx_direct(f);
    f->rx.multicast = false;
    addr("2001:db8:1::1", (uint8_t *)&f->rx.dst);
    assert_int_equal(fx_send(f, leasequery(f)), DK_VERDICT_REPLY);
    assert_int_equal(f->reply->type, DK_MSG_LEASEQUERY_REPLY);
    assert_int_equal(f->reply->xid, 0x010203);
    assert_non_null(find(f->reply, DK_OPT_SERVERID));
    assert_non_null(find(f->reply, DK_OPT_CLIENTID));
    const struct dk_opt *st = find(f->reply, DK_OPT_STATUS_CODE);
    assert_true(!st || st->v[0].u != DK_STATUS_USE_MULTICAST);
    rx_tcp(f);
    assert_int_equal(fx_send(f, leasequery(f)), DK_VERDICT_DO_NOT_RESPOND);
    assert_string_equal(f->res.why, "ignore-request");
    assert_null(f->res.stream);
    fx_free(f);
    char path[128];
    for (const char *sfx = ""; sfx; sfx = *sfx ? (sfx[1] == 'w' ? "-shm" : NULL) : "-wal") {
        snprintf(path, sizeof(path), "%s/lq.db%s", dir, sfx);
        unlink(path);
    }
    rmdir(dir);
}

static void test_information_request(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    struct dk_bmsg *m = req_new(f, DK_MSG_INFORMATION_REQUEST);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_REPLY);
    assert_ids(r);
    /* RFC 8415 §18.3.6: without a Client Identifier, the Reply has none. */
    m = dk_bmsg_new(&f->arena, DK_MSG_INFORMATION_REQUEST);
    dk_bopt_set_u(dk_bmsg_add(&f->arena, m, DK_OPT_ELAPSED_TIME), 0, 0);
    r = fx_ask(f, m);
    assert_null(find(r, DK_OPT_CLIENTID));
    assert_non_null(find(r, DK_OPT_SERVERID));
    fx_free(f);
}

/* ---- rapid commit (RFC 8415 §18.3.1) */

static struct dk_bmsg *rapid_solicit(struct fx *f, bool with_ia)
{
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    dk_bmsg_add(&f->arena, m, DK_OPT_RAPID_COMMIT);
    if (with_ia)
        req_ia(f, m, DK_OPT_IA_NA, 9);
    return m;
}

static void test_rapid_commit_off(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    const struct dk_msg *r = fx_ask(f, rapid_solicit(f, false));
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    assert_null(find(r, DK_OPT_RAPID_COMMIT));
    fx_free(f);
}

static void test_rapid_commit_on(void **state)
{
    (void)state;
    struct fx *f = fx_new("allow-rapid-commit yes\n"
                          "<plugin " PROBE_PLUGIN ">\n assign-address 2001:db8:1::9\n</plugin>\n");
    const struct dk_msg *r = fx_ask(f, rapid_solicit(f, true));
    assert_int_equal(r->type, DK_MSG_REPLY);
    assert_non_null(find(r, DK_OPT_RAPID_COMMIT));
    assert_ids(r);
    /* A Solicit without Rapid Commit still gets an Advertise. */
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_ia(f, m, DK_OPT_IA_NA, 9);
    r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    fx_free(f);
}

/* Without rapid-commit-rejections a refused IA means an Advertise. */
static void test_rapid_commit_rejections(void **state)
{
    (void)state;
    struct fx *f = fx_new("allow-rapid-commit yes\n");
    const struct dk_msg *r = fx_ask(f, rapid_solicit(f, true));
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    fx_free(f);
    f = fx_new("allow-rapid-commit yes\nrapid-commit-rejections yes\n");
    r = fx_ask(f, rapid_solicit(f, true));
    assert_int_equal(r->type, DK_MSG_REPLY);
    assert_non_null(find(r, DK_OPT_RAPID_COMMIT));
    const struct dk_opt *ia = find(r, DK_OPT_IA_NA);
    assert_int_equal(status_of(ia->opts, ia->nopts), DK_STATUS_NO_ADDRS_AVAIL);
    fx_free(f);
}

/* ---- unanswered IAs (RFC 8415 §18.3) */

static const struct dk_msg *ask_with_ias(struct fx *f, uint8_t type)
{
    struct dk_bmsg *m = req_new(f, type);
    struct dk_bopt *na = req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia_addr(f, na, "2001:db8:1::5", 100, 200);
    req_ia_addr(f, na, "2001:db8:1::6", 100, 200);
    struct dk_bopt *pd = req_ia(f, m, DK_OPT_IA_PD, 2);
    req_ia_prefix(f, pd, "2001:db8:100::", 56, 100, 200);
    req_ia(f, m, DK_OPT_IA_TA, 3);
    return fx_ask(f, m);
}

static void test_unanswered_solicit_request(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    for (int i = 0; i < 2; i++) {
        const struct dk_msg *r = ask_with_ias(f, i ? DK_MSG_REQUEST : DK_MSG_SOLICIT);
        const struct dk_opt *na = find(r, DK_OPT_IA_NA), *pd = find(r, DK_OPT_IA_PD);
        const struct dk_opt *ta = find(r, DK_OPT_IA_TA);
        assert_int_equal(na->v[0].u, 1);
        assert_int_equal(na->v[1].u, 0);
        assert_int_equal(na->v[2].u, 0);
        assert_int_equal(na->nopts, 1); /* the status only, no addresses */
        assert_int_equal(status_of(na->opts, na->nopts), DK_STATUS_NO_ADDRS_AVAIL);
        assert_int_equal(pd->v[0].u, 2);
        assert_int_equal(pd->nopts, 1);
        assert_int_equal(status_of(pd->opts, pd->nopts), DK_STATUS_NO_PREFIX_AVAIL);
        assert_int_equal(ta->v[0].u, 3);
        assert_int_equal(status_of(ta->opts, ta->nopts), DK_STATUS_NO_ADDRS_AVAIL);
        assert_null(find(r, DK_OPT_STATUS_CODE));
    }
    fx_free(f);
}

static void test_unanswered_renew(void **state)
{
    (void)state;
    /* Not authoritative (the default): NoBinding. */
    struct fx *f = fx_new("");
    const struct dk_msg *r = ask_with_ias(f, DK_MSG_RENEW);
    const struct dk_opt *na = find(r, DK_OPT_IA_NA), *pd = find(r, DK_OPT_IA_PD);
    assert_int_equal(status_of(na->opts, na->nopts), DK_STATUS_NO_BINDING);
    assert_null(dk_opt_find(na->opts, na->nopts, DK_OPT_IAADDR));
    assert_int_equal(status_of(pd->opts, pd->nopts), DK_STATUS_NO_BINDING);
    fx_free(f);
    /* Authoritative: every address and prefix withdrawn (lifetimes 0); an
     * IA that held none gets NoBinding. */
    f = fx_new("<unanswered-ia>\n authoritative yes\n</unanswered-ia>\n"
               "<unanswered-iapd>\n authoritative yes\n</unanswered-iapd>\n");
    r = ask_with_ias(f, DK_MSG_RENEW);
    na = find(r, DK_OPT_IA_NA);
    pd = find(r, DK_OPT_IA_PD);
    assert_int_equal(na->nopts, 2);
    assert_addr(na->opts[0].v[0].p, na->opts[0].v[0].n, "2001:db8:1::5");
    assert_addr(na->opts[1].v[0].p, na->opts[1].v[0].n, "2001:db8:1::6");
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(na->opts[i].v[1].u, 0);
        assert_int_equal(na->opts[i].v[2].u, 0);
    }
    assert_int_equal(pd->nopts, 1);
    assert_int_equal(pd->opts[0].code, DK_OPT_IAPREFIX);
    assert_int_equal(pd->opts[0].v[0].u, 0);
    assert_int_equal(pd->opts[0].v[1].u, 0);
    assert_int_equal(pd->opts[0].v[2].u, 56);
    assert_addr(pd->opts[0].v[2].p, pd->opts[0].v[2].n, "2001:db8:100::");
    const struct dk_opt *ta = find(r, DK_OPT_IA_TA);
    assert_int_equal(status_of(ta->opts, ta->nopts), DK_STATUS_NO_BINDING);
    fx_free(f);
}

static void test_unanswered_rebind(void **state)
{
    (void)state;
    /* Not authoritative and nothing answered: no Reply (RFC 8415 §18.3.5). */
    struct fx *f = fx_new("");
    struct dk_bmsg *m = req_new(f, DK_MSG_REBIND);
    struct dk_bopt *na = req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia_addr(f, na, "2001:db8:1::5", 100, 200);
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, m), DK_VERDICT_DO_NOT_RESPOND);
    fx_free(f);
    /* Not authoritative, one IA answered: the Reply holds only that one. */
    f = fx_new("<plugin " PROBE_PLUGIN ">\n assign-prefix 2001:db8:200::/48\n</plugin>\n");
    m = req_new(f, DK_MSG_REBIND);
    na = req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia_addr(f, na, "2001:db8:1::5", 100, 200);
    req_ia(f, m, DK_OPT_IA_PD, 2);
    const struct dk_msg *r = fx_ask(f, m);
    assert_null(find(r, DK_OPT_IA_NA));
    assert_non_null(find(r, DK_OPT_IA_PD));
    fx_free(f);
    /* Authoritative: withdrawn. */
    f = fx_new("<unanswered-ia>\n authoritative yes\n</unanswered-ia>\n");
    m = req_new(f, DK_MSG_REBIND);
    na = req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia_addr(f, na, "2001:db8:1::5", 100, 200);
    r = fx_ask(f, m);
    const struct dk_opt *ia = find(r, DK_OPT_IA_NA);
    assert_int_equal(ia->nopts, 1);
    assert_int_equal(ia->opts[0].v[1].u, 0);
    assert_int_equal(ia->opts[0].v[2].u, 0);
    fx_free(f);
}

static void test_unanswered_release_decline(void **state)
{
    (void)state;
    struct fx *f = fx_new("<recursive-name-servers>\n always-send yes\n address 2001:db8::53\n"
                          "</recursive-name-servers>\n");
    for (int i = 0; i < 2; i++) {
        const struct dk_msg *r = ask_with_ias(f, i ? DK_MSG_DECLINE : DK_MSG_RELEASE);
        const struct dk_opt *na = find(r, DK_OPT_IA_NA), *pd = find(r, DK_OPT_IA_PD);
        assert_int_equal(status_of(na->opts, na->nopts), DK_STATUS_NO_BINDING);
        assert_int_equal(na->nopts, 1);
        assert_int_equal(status_of(pd->opts, pd->nopts), DK_STATUS_NO_BINDING);
        /* RFC 8415 §18.3.7, §18.3.8: Success for the message. */
        assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_SUCCESS);
        /* No configuration in these answers. */
        assert_null(find(r, DK_OPT_DNS_SERVERS));
    }
    fx_free(f);
}

static struct dk_bmsg *confirm(struct fx *f, bool with_address)
{
    struct dk_bmsg *m = req_new(f, DK_MSG_CONFIRM);
    struct dk_bopt *na = req_ia(f, m, DK_OPT_IA_NA, 1);
    if (with_address)
        req_ia_addr(f, na, "2001:db8:1::5", 0, 0);
    return m;
}

static void test_confirm(void **state)
{
    (void)state;
    /* No addresses at all: no reply (RFC 8415 §18.3.3). */
    struct fx *f = fx_new("<unanswered-ia>\n authoritative yes\n</unanswered-ia>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, confirm(f, false)), DK_VERDICT_DO_NOT_RESPOND);
    /* Nobody confirmed, authoritative: NotOnLink for the message. */
    const struct dk_msg *r = fx_ask(f, confirm(f, true));
    assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_NOT_ON_LINK);
    assert_null(find(r, DK_OPT_IA_NA));
    fx_free(f);
    /* Not authoritative: it cannot tell, so it says nothing. */
    f = fx_new("");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, confirm(f, true)), DK_VERDICT_DO_NOT_RESPOND);
    fx_free(f);
    /* A handler confirmed: Success. */
    f = fx_new("<plugin " PROBE_PLUGIN ">\n confirm yes\n</plugin>\n");
    r = fx_ask(f, confirm(f, true));
    assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_SUCCESS);
    assert_ids(r);
    fx_free(f);
}

/* An IA a handler answered is left alone by the cleanup. */
static void test_answered_ia(void **state)
{
    (void)state;
    struct fx *f = fx_new("<plugin " PROBE_PLUGIN ">\n assign-address 2001:db8:1::9\n"
                          " t1 100\n t2 160\n</plugin>\n");
    const struct dk_msg *r = ask_with_ias(f, DK_MSG_REQUEST);
    const struct dk_opt *na = find(r, DK_OPT_IA_NA);
    assert_int_equal(na->v[1].u, 100);
    assert_int_equal(na->v[2].u, 160);
    assert_int_equal(na->nopts, 1);
    assert_int_equal(na->opts[0].code, DK_OPT_IAADDR);
    assert_addr(na->opts[0].v[0].p, 16, "2001:db8:1::9");
    assert_int_equal(na->opts[0].v[1].u, 3600);
    assert_int_equal(na->opts[0].v[2].u, 7200);
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD);
    assert_int_equal(status_of(pd->opts, pd->nopts), DK_STATUS_NO_PREFIX_AVAIL);
    assert_int_equal(count(r, DK_OPT_IA_NA), 1);
    fx_free(f);
}

/* ---- outcomes of hooks */

static enum dk_verdict probe_result(const char *result, const char *stage)
{
    char conf[256];
    snprintf(conf, sizeof(conf), "<plugin %s>\n result %s\n stage %s\n</plugin>\n", PROBE_PLUGIN,
             result, stage);
    struct fx *f = fx_new(conf);
    fx_rx_direct(f);
    enum dk_verdict v = fx_send(f, req_new(f, DK_MSG_SOLICIT));
    fx_free(f);
    return v;
}

static void test_hook_outcomes(void **state)
{
    (void)state;
    assert_int_equal(probe_result("continue", "pre"), DK_VERDICT_REPLY);
    assert_int_equal(probe_result("ignore", "pre"), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(probe_result("not-allowed", "pre"), DK_VERDICT_NOT_ALLOWED);
    assert_int_equal(probe_result("rate-limited", "pre"), DK_VERDICT_RATE_LIMITED);
    assert_int_equal(probe_result("other-server", "pre"), DK_VERDICT_FOR_OTHER_SERVER);
    assert_int_equal(probe_result("fail", "pre"), DK_VERDICT_HANDLING_ERROR);
    assert_int_equal(probe_result("negative", "handle"), DK_VERDICT_HANDLING_ERROR);
    assert_int_equal(probe_result("bogus", "post"), DK_VERDICT_HANDLING_ERROR);
    assert_int_equal(probe_result("ignore", "handle"), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(probe_result("ignore", "post"), DK_VERDICT_DO_NOT_RESPOND);
    /* The analyse stages only look: their results change nothing. */
    assert_int_equal(probe_result("ignore", "analyse-pre"), DK_VERDICT_REPLY);
    assert_int_equal(probe_result("fail", "analyse-post"), DK_VERDICT_REPLY);
}

/* A status outcome is a bare Reply: identifiers and the status. */
static void test_hook_status(void **state)
{
    (void)state;
    struct fx *f = fx_new("<plugin " PROBE_PLUGIN ">\n result status\n stage handle\n</plugin>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_REPLY);
    assert_int_equal(r->nopts, 3);
    assert_ids(r);
    assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_UNSPEC_FAIL);
    assert_false(f->res.use_multicast);
    fx_free(f);
}

/* A status outcome to a relayed request still echoes the Interface-ID. */
static void test_hook_status_relayed(void **state)
{
    (void)state;
    struct fx *f = fx_new("<plugin " PROBE_PLUGIN ">\n result status\n</plugin>\n");
    struct dk_bmsg *r = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "2001:db8:1::1", "fe80::2");
    add_bytes(f, r, DK_OPT_INTERFACE_ID, "port1", 5);
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    assert_non_null(find(f->reply, DK_OPT_INTERFACE_ID));
    const struct dk_msg *in = find(f->reply, DK_OPT_RELAY_MSG)->msg;
    assert_int_equal(status_of(in->opts, in->nopts), DK_STATUS_UNSPEC_FAIL);
    fx_free(f);
}

/* ---- filters */

/* Handlers of inner filters run first, then outer, then the top level: the
 * first single value wins, lists merge in that order without repeats. */
static void test_filter_order(void **state)
{
    (void)state;
    struct fx *f = fx_new("<preference>\n level 30\n</preference>\n"
                          "<recursive-name-servers>\n address 2001:db8::3\n"
                          " address 2001:db8::1\n</recursive-name-servers>\n"
                          "<subnet 2001:db8::/32>\n"
                          " <preference>\n  level 20\n </preference>\n"
                          " <recursive-name-servers>\n  address 2001:db8::2\n"
                          " </recursive-name-servers>\n"
                          " <subnet 2001:db8:1::/48>\n"
                          "  <preference>\n   level 10\n  </preference>\n"
                          "  <recursive-name-servers>\n   address 2001:db8::1\n"
                          "  </recursive-name-servers>\n"
                          " </subnet>\n"
                          "</subnet>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    const struct dk_msg *r = fx_ask(f, m); /* link 2001:db8:1::1 */
    assert_int_equal(find(r, DK_OPT_PREFERENCE)->v[0].u, 10);
    assert_int_equal(count(r, DK_OPT_PREFERENCE), 1);
    const struct dk_opt *dns = find(r, DK_OPT_DNS_SERVERS);
    assert_int_equal(count(r, DK_OPT_DNS_SERVERS), 1);
    assert_int_equal(dns->v[0].n, 48);
    assert_addr(dns->v[0].p, 16, "2001:db8::1");
    assert_addr(dns->v[0].p + 16, 16, "2001:db8::2");
    assert_addr(dns->v[0].p + 32, 16, "2001:db8::3");
    /* Another link: only the outer subnet and the top level. */
    fx_rx_direct(f);
    addr("2001:db8:2::1", (uint8_t *)&f->rx.link_address);
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    assert_int_equal(find(f->reply, DK_OPT_PREFERENCE)->v[0].u, 20);
    assert_int_equal(find(f->reply, DK_OPT_DNS_SERVERS)->v[0].n, 48);
    /* Outside: the top level only. */
    fx_rx_direct(f);
    addr("2001:db9::1", (uint8_t *)&f->rx.link_address);
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    assert_int_equal(find(f->reply, DK_OPT_PREFERENCE)->v[0].u, 30);
    dns = find(f->reply, DK_OPT_DNS_SERVERS);
    assert_int_equal(dns->v[0].n, 32);
    assert_addr(dns->v[0].p, 16, "2001:db8::3");
    fx_free(f);
}

/* Sub-filters run before their parent's own handlers even when written
 * after them; sibling filters in config order. */
static void test_filter_order_written_after(void **state)
{
    (void)state;
    struct fx *f = fx_new("<subnet ::/0>\n"
                          " <preference>\n  level 1\n </preference>\n"
                          " <subnet-group>\n  prefix 2001:db9::/32\n  prefix 2001:db8::/32\n"
                          "  <preference>\n   level 2\n  </preference>\n </subnet-group>\n"
                          " <subnet 2001:db8::/32>\n"
                          "  <preference>\n   level 3\n  </preference>\n </subnet>\n"
                          "</subnet>\n");
    const struct dk_msg *r = fx_ask(f, req_new(f, DK_MSG_SOLICIT));
    assert_int_equal(find(r, DK_OPT_PREFERENCE)->v[0].u, 2);
    fx_free(f);
}

static void test_filter_marked_with(void **state)
{
    (void)state;
    const char *conf = "<listen-interface eth0>\n mark fast\n mark cpe\n</listen-interface>\n"
                       "<listen-interface */>\n"
                       "<marked-with cpe>\n <preference>\n  level 5\n </preference>\n"
                       "</marked-with>\n"
                       "<marked-with unmarked>\n <preference>\n  level 6\n </preference>\n"
                       "</marked-with>\n";
    struct fx *f = fx_new(conf);
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(find(r, DK_OPT_PREFERENCE)->v[0].u, 5);
    /* Another interface: listen-interface * with its default mark. */
    fx_rx_direct(f);
    f->rx.ifname = "eth9";
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    assert_int_equal(find(f->reply, DK_OPT_PREFERENCE)->v[0].u, 6);
    fx_free(f);
    /* Unicast to a listen-unicast address: its marks. */
    f = fx_new("<listen-unicast 2001:db8::53>\n mark relayed\n</listen-unicast>\n"
               "<marked-with relayed>\n <preference>\n  level 7\n </preference>\n"
               "</marked-with>\n");
    struct dk_bmsg *rl = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "2001:db8:1::1", "fe80::2");
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, rl), DK_VERDICT_REPLY);
    const struct dk_msg *adv = find(f->reply, DK_OPT_RELAY_MSG)->msg;
    assert_int_equal(find(adv, DK_OPT_PREFERENCE)->v[0].u, 7);
    fx_free(f);
}

static void test_filter_elapsed_time(void **state)
{
    (void)state;
    struct fx *f = fx_new("<elapsed-time>\n more-than 10\n less-than 1m\n"
                          " <preference>\n  level 9\n </preference>\n</elapsed-time>\n");
    static const struct {
        uint32_t cs;
        bool match;
    } cases[] = {{0, false}, {1000, false}, {1001, true}, {5999, true}, {6000, false}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
        dk_bmsg_find(m, DK_OPT_ELAPSED_TIME)->o.v[0].u = cases[i].cs;
        const struct dk_msg *r = fx_ask(f, m);
        assert_int_equal(find(r, DK_OPT_PREFERENCE) != NULL, cases[i].match);
    }
    fx_free(f);
}

/* ---- the Option Request option */

static void test_oro(void **state)
{
    (void)state;
    struct fx *f = fx_new("<recursive-name-servers>\n address 2001:db8::53\n"
                          "</recursive-name-servers>\n"
                          "<sntp-servers>\n always-send yes\n address 2001:db8::123\n"
                          "</sntp-servers>\n"
                          "<sol-max-rt>\n limit 3600\n</sol-max-rt>\n");
    /* Asked for 82 only: DNS left out, SNTP always sent. */
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_oro(f, m, 1, DK_OPT_SOL_MAX_RT);
    const struct dk_msg *r = fx_ask(f, m);
    assert_null(find(r, DK_OPT_DNS_SERVERS));
    assert_non_null(find(r, DK_OPT_SNTP_SERVERS));
    assert_int_equal(find(r, DK_OPT_SOL_MAX_RT)->v[0].u, 3600);
    /* Asked for 23: there. */
    m = req_new(f, DK_MSG_SOLICIT);
    req_oro(f, m, 2, DK_OPT_DNS_SERVERS, DK_OPT_SOL_MAX_RT);
    r = fx_ask(f, m);
    assert_non_null(find(r, DK_OPT_DNS_SERVERS));
    /* No ORO: everything (as dhcpkit). */
    r = fx_ask(f, req_new(f, DK_MSG_SOLICIT));
    assert_non_null(find(r, DK_OPT_DNS_SERVERS));
    assert_non_null(find(r, DK_OPT_SOL_MAX_RT));
    fx_free(f);
}

/* A handler that adds an option without asking the ORO is filtered too. */
static void test_oro_filters_plugins(void **state)
{
    (void)state;
    struct fx *f = fx_new("<plugin " PROBE_PLUGIN ">\n add-sntp 2001:db8::123\n</plugin>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_oro(f, m, 1, DK_OPT_DNS_SERVERS);
    const struct dk_msg *r = fx_ask(f, m);
    assert_null(find(r, DK_OPT_SNTP_SERVERS));
    m = req_new(f, DK_MSG_SOLICIT);
    req_oro(f, m, 1, DK_OPT_SNTP_SERVERS);
    r = fx_ask(f, m);
    assert_non_null(find(r, DK_OPT_SNTP_SERVERS));
    fx_free(f);
}

/* ---- lifetimes */

/* The pipeline keeps nothing of the config tree (fx frees it before the
 * first packet; ASan would see a use after free), and a worker serves one
 * pipeline after another (a reload). */
static void test_reload_same_worker(void **state)
{
    (void)state;
    struct fx *f = fx_new("<preference>\n level 1\n</preference>\n"
                          "<plugin " PROBE_PLUGIN "/>\n");
    const struct dk_msg *r = fx_ask(f, req_new(f, DK_MSG_SOLICIT));
    assert_int_equal(find(r, DK_OPT_PREFERENCE)->v[0].u, 1);
    struct dk_config_errors errs;
    struct dk_config *cfg = fx_parse("<preference>\n level 2\n</preference>\n"
                                     "<plugin " PROBE_PLUGIN "/>\n",
                                     &errs);
    assert_non_null(cfg);
    struct dk_pipeline *p2;
    struct dk_pipeline_env env = {fx_log, f, fx_clock, f};
    assert_int_equal(dk_pipeline_new_env(cfg, server_duid, sizeof(server_duid), &env, &p2, &errs),
                     0);
    dk_config_free(cfg);
    dk_pipeline_free(f->p);
    f->p = p2;
    r = fx_ask(f, req_new(f, DK_MSG_SOLICIT));
    assert_int_equal(find(r, DK_OPT_PREFERENCE)->v[0].u, 2);
    dk_config_errors_clear(&errs);
    fx_free(f);
}

/* ---- the examples */

/* The reply to a Solicit (asking for DNS and NTP, with an IA_PD) from a
 * client on 2001:9e0:abc::/64, under examples/NAME; copied to out. */
static size_t talk_reply(const char *name, uint8_t *out, size_t cap)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, name);
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    dk_config_errors_init(&errs);
    if (dk_config_parse_file(path, DK_CONFIG_AUTO, &cfg, &errs) != 0) {
        dk_config_errors_print(&errs, stderr);
        fail_msg("%s was refused", path);
    }
    struct fx *f = calloc(1, sizeof(*f));
    struct dk_pipeline_env env = {fx_log, f, fx_clock, f};
    assert_int_equal(dk_pipeline_new_env(cfg, server_duid, sizeof(server_duid), &env, &f->p, &errs),
                     0);
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);
    f->w = dk_worker_new();
    f->mem = malloc(FX_ARENA);
    dk_arena_init(&f->arena, f->mem, FX_ARENA);
    /* The static-csv section loads the talk's six customers; this direct
     * client has no Remote-ID, so its IA_PD gets NoPrefixAvail below. */
    assert_true(fx_logged(f, "6 assignments loaded, 0 bad rows skipped"));
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_oro(f, m, 2, DK_OPT_DNS_SERVERS, DK_OPT_NTP_SERVER);
    req_ia(f, m, DK_OPT_IA_PD, 0xc43cb2f1);
    fx_rx_direct(f);
    addr("2001:9e0:abc::1", (uint8_t *)&f->rx.link_address);
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    const struct dk_msg *r = f->reply;
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    assert_ids(r);
    assert_int_equal(find(r, DK_OPT_PREFERENCE)->v[0].u, 255);
    const struct dk_opt *dns = find(r, DK_OPT_DNS_SERVERS);
    assert_int_equal(dns->v[0].n, 32);
    assert_addr(dns->v[0].p, 16, "2001:9e0:4:32::3");
    assert_addr(dns->v[0].p + 16, 16, "2001:9e0:1:101::3");
    const struct dk_opt *ntp = find(r, DK_OPT_NTP_SERVER);
    assert_int_equal(ntp->nopts, 1);
    assert_addr(ntp->opts[0].v[0].p, ntp->opts[0].v[0].n, "2001:9e0:4:32::250");
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD);
    assert_int_equal(status_of(pd->opts, pd->nopts), DK_STATUS_NO_PREFIX_AVAIL);
    assert_true(f->tx.len <= cap);
    memcpy(out, f->out, f->tx.len);
    size_t n = f->tx.len;
    fx_free(f);
    return n;
}

/* The talk's configuration builds a pipeline in both syntaxes, and both
 * answer with the same octets. */
static void test_talk_example(void **state)
{
    (void)state;
    uint8_t a[1024], b[1024];
    size_t na = talk_reply("ipv6-dhcpd-talk.ini", a, sizeof(a));
    size_t nb = talk_reply("ipv6-dhcpd-talk.conf", b, sizeof(b));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
}

/* The pipeline needs a DUID of 3 to 130 octets. */
static void test_bad_duid(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg = fx_parse("", &errs);
    struct dk_pipeline *p = (struct dk_pipeline *)&errs;
    assert_int_equal(dk_pipeline_new(cfg, server_duid, 2, &p, &errs), DK_EINVAL);
    assert_null(p);
    assert_int_equal(errs.n, 1);
    assert_int_equal(dk_pipeline_new(NULL, server_duid, sizeof(server_duid), &p, &errs), DK_EINVAL);
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);
    dk_pipeline_free(NULL);
    dk_worker_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_solicit),
        cmocka_unit_test(test_relay_chain),
        cmocka_unit_test(test_relay_link_local_link),
        cmocka_unit_test(test_relay_source_port),
        cmocka_unit_test(test_relay_echo_request),
        cmocka_unit_test(test_reply_too_big),
        cmocka_unit_test(test_invalid_reply_not_sent),
        cmocka_unit_test(test_unicast_refused),
        cmocka_unit_test(test_unicast_allowed),
        cmocka_unit_test(test_unicast_relayed),
        cmocka_unit_test(test_leasequery_reply),
        cmocka_unit_test(test_information_request),
        cmocka_unit_test(test_rapid_commit_off),
        cmocka_unit_test(test_rapid_commit_on),
        cmocka_unit_test(test_rapid_commit_rejections),
        cmocka_unit_test(test_unanswered_solicit_request),
        cmocka_unit_test(test_unanswered_renew),
        cmocka_unit_test(test_unanswered_rebind),
        cmocka_unit_test(test_unanswered_release_decline),
        cmocka_unit_test(test_confirm),
        cmocka_unit_test(test_answered_ia),
        cmocka_unit_test(test_hook_outcomes),
        cmocka_unit_test(test_hook_status),
        cmocka_unit_test(test_hook_status_relayed),
        cmocka_unit_test(test_filter_order),
        cmocka_unit_test(test_filter_order_written_after),
        cmocka_unit_test(test_filter_marked_with),
        cmocka_unit_test(test_filter_elapsed_time),
        cmocka_unit_test(test_oro),
        cmocka_unit_test(test_oro_filters_plugins),
        cmocka_unit_test(test_reload_same_worker),
        cmocka_unit_test(test_talk_example),
        cmocka_unit_test(test_bad_duid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
