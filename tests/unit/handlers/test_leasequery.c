/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * leasequery (src/handlers/leasequery.c, lq_store.c): leases recorded from
 * the Replies static-csv gives (through the handler's own analyse-post
 * hook and writer thread, then read by a new pipeline on the same file: the
 * records survive a restart), queries of each type, sensitive options left
 * out, Release and expiry, the ACL (nobody without allow-from), the bulk
 * types refused over UDP, and the bulk stream over TCP: N clients give a
 * LEASEQUERY-REPLY, N-1 LEASEQUERY-DATA and a LEASEQUERY-DONE (one client:
 * the DONE alone; none: the REPLY alone), it outlives the pipeline that
 * made it, and 20000 clients take no more memory than a few.
 */
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include "../../../src/handlers/lq_store.h"
#include "fixture.h"

static char dir[64], dbpath[96], csvpath[96];

static int setup_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/dk-lq-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(dbpath, sizeof(dbpath), "%s/leases.db", dir);
    snprintf(csvpath, sizeof(csvpath), "%s/a.csv", dir);
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    char p[128];
    static const char *const ends[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", dbpath, ends[i]);
        unlink(p);
    }
    unlink(csvpath);
    rmdir(dir);
    return 0;
}

static void write_csv(const char *text)
{
    FILE *fp = fopen(csvpath, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* The leasequery section (allow-from the relays' /48 unless allow is
 * given), static-csv with lifetimes extra, and the DNS (23) and domain
 * list (24) options, 23 sensitive. */
static struct fx *fx_lq(const char *allow, const char *extra)
{
    char conf[1024];
    snprintf(conf, sizeof(conf),
             "<leasequery>\n%s sensitive-option 23\n <lq-sqlite %s/>\n</leasequery>\n"
             "<recursive-name-servers>\n address 2001:db8::53\n</recursive-name-servers>\n"
             "<domain-search-list>\n domain-name example.com\n</domain-search-list>\n"
             "<static-csv %s>\n%s</static-csv>\n",
             allow ? allow : " allow-from 2001:db8:ffff::/48\n", dbpath, csvpath,
             extra ? extra : "");
    return fx_new(conf);
}

static const uint8_t relay_duid[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x0a};
static const uint8_t cust[] = {'C', 'U', 'S', 'T', '1'};

/* A client DUID-LL ending in n (n 0: the fixture's client). */
static const uint8_t *duid_of(struct fx *f, unsigned n)
{
    if (n == 0)
        return client_duid;
    uint8_t *d = dk_arena_alloc(&f->arena, sizeof(client_duid));
    memcpy(d, client_duid, sizeof(client_duid));
    d[sizeof(client_duid) - 1] = (uint8_t)n;
    return d;
}

/* A Request of client n for an IA_NA and an IA_PD (or Release of what it
 * has), relayed by a relay on link with Relay-ID relay_duid and Remote-ID
 * 3561:CUST1. */
static void relayed(struct fx *f, uint8_t type, unsigned n, const char *link)
{
    struct dk_bmsg *m = req_new(f, type);
    dk_bopt_set_ref(dk_bmsg_find(m, DK_OPT_CLIENTID), 0, duid_of(f, n), sizeof(client_duid));
    struct dk_bopt *na = req_ia(f, m, DK_OPT_IA_NA, 1);
    struct dk_bopt *pd = req_ia(f, m, DK_OPT_IA_PD, 2);
    if (type == DK_MSG_RELEASE) {
        req_ia_addr(f, na, "2001:db8:1::100", 0, 0);
        req_ia_prefix(f, pd, "2001:db8:100::", 56, 0, 0);
    }
    struct dk_bmsg *r = relay(f, m, 0, link, "fe80::2");
    add_bytes(f, r, DK_OPT_RELAY_ID, relay_duid, sizeof(relay_duid));
    struct dk_bopt *o = dk_bmsg_add(&f->arena, r, DK_OPT_REMOTE_ID);
    dk_bopt_set_u(o, 0, 3561);
    dk_bopt_set_ref(o, 1, cust, sizeof(cust));
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    assert_int_equal(f->reply->type, DK_MSG_RELAY_REPL);
}

/* A Leasequery of type; key: the address (type 1) or bytes of the key
 * option; link; with an ORO for OPTION_LQ_RELAY_DATA if relay_data. */
static struct dk_bmsg *lq_new(struct fx *f, unsigned type, const char *link, const void *key,
                              size_t keylen, bool relay_data)
{
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, DK_MSG_LEASEQUERY);
    m->xid = 0x4c5100;
    struct dk_bopt *o = dk_bmsg_add(&f->arena, m, DK_OPT_CLIENTID);
    dk_bopt_set_ref(o, 0, relay_duid, sizeof(relay_duid));
    struct dk_bopt *q = dk_bmsg_add(&f->arena, m, DK_OPT_LQ_QUERY);
    dk_bopt_set_u(q, 0, type);
    uint8_t *l = dk_arena_alloc(&f->arena, 16);
    addr(link, l);
    dk_bopt_set_ref(q, 1, l, 16);
    if (key && type == DK_LQ_QUERY_BY_ADDRESS) {
        o = dk_bopt_add(&f->arena, q, DK_OPT_IAADDR);
        uint8_t *a = dk_arena_alloc(&f->arena, 16);
        addr(key, a);
        dk_bopt_set_ref(o, 0, a, 16);
    } else if (key && type == DK_LQ_QUERY_BY_REMOTE_ID) {
        o = dk_bopt_add(&f->arena, q, DK_OPT_REMOTE_ID);
        dk_bopt_set_u(o, 0, 3561);
        dk_bopt_set_ref(o, 1, key, keylen);
    } else if (key) {
        o = dk_bopt_add(&f->arena, q,
                        type == DK_LQ_QUERY_BY_CLIENTID ? DK_OPT_CLIENTID : DK_OPT_RELAY_ID);
        dk_bopt_set_ref(o, 0, key, keylen);
    }
    if (relay_data) {
        o = dk_bopt_add(&f->arena, q, DK_OPT_ORO);
        static const uint8_t oro[] = {0, DK_OPT_LQ_RELAY_DATA};
        dk_bopt_set_ref(o, 0, oro, sizeof(oro));
    }
    return m;
}

/* Sends a Leasequery from the requestor at from (over TCP if tcp); returns
 * the LEASEQUERY-REPLY. */
static const struct dk_msg *ask(struct fx *f, const struct dk_bmsg *m, const char *from, bool tcp)
{
    fx_rx_direct(f);
    addr(from, (uint8_t *)&f->rx.src);
    f->rx.multicast = false;
    f->rx.tcp = tcp;
    enum dk_verdict v = fx_send(f, m);
    if (v != DK_VERDICT_REPLY)
        fail_msg("no reply: verdict %d (%s)", (int)v, f->res.why ? f->res.why : "?");
    assert_int_equal(f->reply->type, DK_MSG_LEASEQUERY_REPLY);
    assert_int_equal(f->reply->xid, 0x4c5100);
    return f->reply;
}

#define REQUESTOR "2001:db8:ffff::9"

static uint16_t reply_status(const struct dk_msg *r)
{
    const struct dk_opt *st = find(r, DK_OPT_STATUS_CODE);
    return st ? (uint16_t)st->v[0].u : DK_STATUS_SUCCESS;
}

static const char rows[] = "id,address,prefix\n"
                           "duid:00:03:00:01:34:31:c4:3c:b2:f1,2001:db8:1::100,2001:db8:100::/56\n";

/* Records the fixture's client through one pipeline (a Request on link
 * 2001:db8:2::1, then a message of type2 on link2 if type2), then returns a
 * new one on the same file (a restart: what is found was persisted). */
static struct fx *recorded_then(const char *extra, uint8_t type2, const char *link2)
{
    write_csv(rows);
    struct fx *f = fx_lq(NULL, extra);
    relayed(f, DK_MSG_REQUEST, 0, "2001:db8:2::1");
    if (type2)
        relayed(f, type2, 0, link2);
    fx_free(f); /* joins the writer, which writes what is queued */
    return fx_lq(NULL, extra);
}

static struct fx *recorded(const char *extra)
{
    return recorded_then(extra, 0, NULL);
}

/* Asks for the fixture's client by client-id on link. */
static const struct dk_msg *by_client_id(struct fx *f, const char *link)
{
    return ask(f, lq_new(f, DK_LQ_QUERY_BY_CLIENTID, link, client_duid, sizeof(client_duid), false),
               REQUESTOR, false);
}

static void test_by_address_and_client_id(void **state)
{
    (void)state;
    struct fx *f = recorded(NULL);
    const struct dk_msg *r = ask(
        f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", "2001:db8:1::100", 0, false), REQUESTOR, false);
    assert_int_equal(reply_status(r), DK_STATUS_SUCCESS);
    const struct dk_opt *cd = find(r, DK_OPT_CLIENT_DATA);
    assert_non_null(cd);
    const struct dk_opt *cid = dk_opt_find(cd->opts, cd->nopts, DK_OPT_CLIENTID);
    assert_non_null(cid);
    assert_memory_equal(cid->v[0].p, client_duid, sizeof(client_duid));
    const struct dk_opt *a = dk_opt_find(cd->opts, cd->nopts, DK_OPT_IAADDR);
    const struct dk_opt *p = dk_opt_find(cd->opts, cd->nopts, DK_OPT_IAPREFIX);
    assert_non_null(a);
    assert_non_null(p);
    assert_addr(a->v[0].p, a->v[0].n, "2001:db8:1::100");
    assert_addr(p->v[2].p, p->v[2].n, "2001:db8:100::");
    assert_int_equal(p->v[2].u, 56);
    /* What is left of 7d/30d. */
    assert_true(a->v[2].u <= 2592000 && a->v[2].u > 2592000 - 60);
    assert_true(p->v[0].u <= 604800 && p->v[0].u > 604800 - 60);
    const struct dk_opt *clt = dk_opt_find(cd->opts, cd->nopts, DK_OPT_CLT_TIME);
    assert_non_null(clt);
    assert_true(clt->v[0].u < 60);
    /* The other options the client got, but the sensitive one. */
    assert_non_null(dk_opt_find(cd->opts, cd->nopts, DK_OPT_DOMAIN_LIST));
    assert_null(dk_opt_find(cd->opts, cd->nopts, DK_OPT_DNS_SERVERS));
    assert_null(find(r, DK_OPT_LQ_RELAY_DATA)); /* not asked for */

    /* An address inside the delegated prefix. */
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", "2001:db8:100:ff::1", 0, false), REQUESTOR,
            false);
    assert_non_null(find(r, DK_OPT_CLIENT_DATA));
    /* ... and one outside it, or on another link: nothing. */
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", "2001:db8:101::1", 0, false), REQUESTOR,
            false);
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    assert_int_equal(reply_status(r), DK_STATUS_SUCCESS);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "2001:db8:3::1", "2001:db8:1::100", 0, false),
            REQUESTOR, false);
    assert_null(find(r, DK_OPT_CLIENT_DATA));

    /* By client-id, with the relay data asked for: the relay chain without
     * the client's message (RFC 5007 §4.1.2.4). */
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_CLIENTID, "::", client_duid, sizeof(client_duid), true),
            REQUESTOR, false);
    cd = find(r, DK_OPT_CLIENT_DATA);
    assert_non_null(cd);
    assert_non_null(dk_opt_find(cd->opts, cd->nopts, DK_OPT_IAPREFIX));
    const struct dk_opt *rd = find(r, DK_OPT_LQ_RELAY_DATA);
    assert_non_null(rd);
    assert_non_null(rd->msg);
    assert_int_equal(rd->msg->type, DK_MSG_RELAY_FORW);
    /* peer-address: where the server got the Relay-forward from. */
    assert_addr(rd->v[0].p, rd->v[0].n, "2001:db8:ffff::1");
    assert_addr(rd->msg->link, 16, "2001:db8:2::1");
    assert_non_null(dk_msg_find(rd->msg, DK_OPT_REMOTE_ID));
    assert_null(dk_msg_find(rd->msg, DK_OPT_RELAY_MSG));
    /* Another DUID: nothing. */
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_CLIENTID, "::", relay_duid, sizeof(relay_duid), false),
            REQUESTOR, false);
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    fx_free(f);
    remove_dir(NULL);
}

/* Requestors outside allow-from, and everyone without allow-from. */
static void test_acl(void **state)
{
    (void)state;
    struct fx *f = recorded(NULL);
    const struct dk_msg *r =
        ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", "2001:db8:1::100", 0, false),
            "2001:db8:fffe::9", false);
    assert_int_equal(reply_status(r), DK_STATUS_NOT_ALLOWED);
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    fx_free(f);

    f = fx_lq("", NULL);
    assert_true(fx_logged(f, "leasequery is refused to everyone until allow-from is set"));
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", "2001:db8:1::100", 0, false), REQUESTOR,
            false);
    assert_int_equal(reply_status(r), DK_STATUS_NOT_ALLOWED);
    fx_free(f);
    remove_dir(NULL);
}

/* RFC 5460 §5.1: relay-id, link-address and remote-id only over TCP;
 * unknown types and queries without their key are refused. */
static void test_refusals(void **state)
{
    (void)state;
    struct fx *f = recorded(NULL);
    const struct dk_msg *r;
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_RELAY_ID, "::", relay_duid, sizeof(relay_duid), false),
            REQUESTOR, false);
    assert_int_equal(reply_status(r), DK_STATUS_NOT_ALLOWED);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_LINK_ADDRESS, "2001:db8:2::1", NULL, 0, false), REQUESTOR,
            false);
    assert_int_equal(reply_status(r), DK_STATUS_NOT_ALLOWED);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_REMOTE_ID, "::", cust, sizeof(cust), false), REQUESTOR,
            false);
    assert_int_equal(reply_status(r), DK_STATUS_NOT_ALLOWED);
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    r = ask(f, lq_new(f, 9, "::", NULL, 0, false), REQUESTOR, false);
    assert_int_equal(reply_status(r), DK_STATUS_UNKNOWN_QUERY_TYPE);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", NULL, 0, false), REQUESTOR, false);
    assert_int_equal(reply_status(r), DK_STATUS_MALFORMED_QUERY);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_CLIENTID, "::", NULL, 0, false), REQUESTOR, false);
    assert_int_equal(reply_status(r), DK_STATUS_MALFORMED_QUERY);
    fx_free(f);
    remove_dir(NULL);
}

/* A Release ends the leases; a lease whose valid lifetime ended is not
 * found. */
static void test_release_and_expiry(void **state)
{
    (void)state;
    struct fx *f = recorded_then(NULL, DK_MSG_RELEASE, "2001:db8:2::1");
    const struct dk_msg *r = by_client_id(f, "::");
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    fx_free(f);
    remove_dir(NULL);
    setup_dir(NULL);

    /* Times are whole seconds: 3 s leave room for a slow (sanitizer) run
     * between the Reply and the first query. */
    static const char *const lifetimes =
        " address-preferred-lifetime 3\n address-valid-lifetime 3\n"
        " prefix-preferred-lifetime 3\n prefix-valid-lifetime 3\n";
    f = recorded(lifetimes);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", "2001:db8:1::100", 0, false), REQUESTOR,
            false);
    assert_non_null(find(r, DK_OPT_CLIENT_DATA));
    sleep(4);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_ADDRESS, "::", "2001:db8:1::100", 0, false), REQUESTOR,
            false);
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    fx_free(f);
    remove_dir(NULL);
}

/* RFC 5007 §4.3.3: a client-id on two links, asked for with link-address
 * ::, gets the links; with a link, its data there. */
static void test_client_link(void **state)
{
    (void)state;
    struct fx *f = recorded_then(NULL, DK_MSG_REQUEST, "2001:db8:3::1");
    const struct dk_msg *r = by_client_id(f, "::");
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    const struct dk_opt *cl = find(r, DK_OPT_LQ_CLIENT_LINK);
    assert_non_null(cl);
    assert_int_equal(cl->v[0].n, 32);
    r = by_client_id(f, "2001:db8:3::1");
    assert_non_null(find(r, DK_OPT_CLIENT_DATA));
    assert_null(find(r, DK_OPT_LQ_CLIENT_LINK));
    fx_free(f);
    remove_dir(NULL);
}

#define NCLIENTS 40

/* Pulls a stream to its end: how many LEASEQUERY-DATA came (each with its
 * Client Data, the query's xid), and the DONE last; marks the DUIDs seen. */
static size_t pull(struct dk_msg_stream *s, bool seen[NCLIENTS + 1])
{
    static uint8_t buf[65535];
    uint8_t mem[1 << 16];
    struct dk_arena a;
    size_t ndata = 0;
    bool done = false;
    for (int n; (n = s->next(s, buf, sizeof(buf))) != 0;) {
        assert_true(n > 0);
        assert_false(done);
        dk_arena_init(&a, mem, sizeof(mem));
        struct dk_msg *m;
        assert_int_equal(dk_msg_decode(buf, (size_t)n, &a, &m, NULL), 0);
        assert_int_equal(dk_msg_validate(m, NULL), 0);
        assert_int_equal(m->xid, 0x4c5100);
        if (m->type == DK_MSG_LEASEQUERY_DONE) {
            done = true;
            continue;
        }
        assert_int_equal(m->type, DK_MSG_LEASEQUERY_DATA);
        const struct dk_opt *cd = dk_msg_find(m, DK_OPT_CLIENT_DATA);
        assert_non_null(cd);
        const struct dk_opt *cid = dk_opt_find(cd->opts, cd->nopts, DK_OPT_CLIENTID);
        assert_non_null(cid);
        seen[cid->v[0].p[cid->v[0].n - 1]] = true;
        assert_non_null(dk_opt_find(cd->opts, cd->nopts, DK_OPT_IAPREFIX));
        ndata++;
    }
    assert_true(done);
    s->close(s);
    return ndata;
}

/* Bulk over TCP by relay-id, link-address and remote-id: N clients give
 * the REPLY with the first, N-1 DATA and DONE; the stream keeps working
 * after the pipeline that made it is gone (a reload). One client: a stream
 * of the DONE alone; none: a REPLY without Client Data and no stream. */
static void test_bulk_stream(void **state)
{
    (void)state;
    char csv[8192];
    size_t o = (size_t)snprintf(csv, sizeof(csv), "id,address,prefix\n");
    for (unsigned i = 1; i <= NCLIENTS; i++)
        o += (size_t)snprintf(csv + o, sizeof(csv) - o,
                              "duid:00:03:00:01:34:31:c4:3c:b2:%02x,,2001:db8:%x00::/56\n", i, i);
    write_csv(csv);
    struct fx *f = fx_lq(NULL, NULL);
    for (unsigned i = 1; i <= NCLIENTS; i++) {
        relayed(f, DK_MSG_REQUEST, i, "2001:db8:2::1");
        dk_arena_init(&f->arena, f->mem, FX_ARENA);
    }
    fx_free(f);
    for (int type = DK_LQ_QUERY_BY_RELAY_ID; type <= DK_LQ_QUERY_BY_REMOTE_ID; type++) {
        f = fx_lq(NULL, NULL);
        const void *key = type == DK_LQ_QUERY_BY_RELAY_ID    ? (const void *)relay_duid
                          : type == DK_LQ_QUERY_BY_REMOTE_ID ? (const void *)cust
                                                             : NULL;
        size_t keylen = type == DK_LQ_QUERY_BY_RELAY_ID    ? sizeof(relay_duid)
                        : type == DK_LQ_QUERY_BY_REMOTE_ID ? sizeof(cust)
                                                           : 0;
        const char *link = type == DK_LQ_QUERY_BY_LINK_ADDRESS ? "2001:db8:2::1" : "::";
        const struct dk_msg *r =
            ask(f, lq_new(f, (unsigned)type, link, key, keylen, true), REQUESTOR, true);
        assert_int_equal(reply_status(r), DK_STATUS_SUCCESS);
        const struct dk_opt *cd = find(r, DK_OPT_CLIENT_DATA);
        assert_non_null(cd);
        /* Bulk: the relay data inside the Client Data. */
        assert_non_null(dk_opt_find(cd->opts, cd->nopts, DK_OPT_LQ_RELAY_DATA));
        bool seen[NCLIENTS + 1] = {false};
        const struct dk_opt *cid = dk_opt_find(cd->opts, cd->nopts, DK_OPT_CLIENTID);
        seen[cid->v[0].p[cid->v[0].n - 1]] = true;
        struct dk_msg_stream *s = f->res.stream;
        assert_non_null(s);
        fx_free(f); /* the instance goes; the stream stays usable */
        assert_int_equal(pull(s, seen), NCLIENTS - 1);
        for (unsigned i = 1; i <= NCLIENTS; i++)
            assert_true(seen[i]);
    }

    /* None: no Client Data, no stream. One: a stream of the DONE alone. */
    f = fx_lq(NULL, NULL);
    const struct dk_msg *r =
        ask(f, lq_new(f, DK_LQ_QUERY_BY_LINK_ADDRESS, "2001:db8:9::1", NULL, 0, false), REQUESTOR,
            true);
    assert_null(find(r, DK_OPT_CLIENT_DATA));
    assert_null(f->res.stream);
    r = ask(f, lq_new(f, DK_LQ_QUERY_BY_CLIENTID, "::", duid_of(f, 7), sizeof(client_duid), false),
            REQUESTOR, true);
    assert_non_null(find(r, DK_OPT_CLIENT_DATA));
    assert_non_null(f->res.stream);
    bool seen[NCLIENTS + 1] = {false};
    assert_int_equal(pull(f->res.stream, seen), 0);
    fx_free(f);
    remove_dir(NULL);
}

#define NBIG 20000

/* Bounded: a store of NBIG clients of one relay (written through the
 * store's own API, as the writer thread does), pulled to its end: the heap
 * in use never grows by more than 1 MiB above what it was when the stream
 * was handed over (SQLite's page cache of a reader is 256 KiB; holding the
 * clients would take several MiB). */
static void test_stream_bounded(void **state)
{
    (void)state;
    char err[256];
    struct dk__lqs *w;
    assert_int_equal(dk__lqs_open(dbpath, true, &w, err, sizeof(err)), 0);
    dk__lqs_begin(w);
    for (unsigned i = 0; i < NBIG; i++) {
        uint8_t duid[10] = {0, 3, 0, 1, 2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i};
        struct dk__lq_lease l = {.plen = 56, .prefix = true, .pref = 3600, .valid = 7200};
        l.addr[0] = 0x20;
        l.addr[1] = 0x01;
        l.addr[2] = 0x0d;
        l.addr[3] = 0xb8;
        l.addr[4] = (uint8_t)(i >> 8);
        l.addr[5] = (uint8_t)i;
        struct dk__lq_id id = {DK_OPT_RELAY_ID, relay_duid, sizeof(relay_duid)};
        struct dk__lq_update u = {.duid = duid,
                                  .duid_len = sizeof(duid),
                                  .now = time(NULL),
                                  .leases = &l,
                                  .nleases = 1,
                                  .ids = &id,
                                  .nids = 1};
        addr("2001:db8:2::1", u.link);
        assert_int_equal(dk__lqs_apply(w, &u), 0);
    }
    dk__lqs_commit(w);
    dk__lqs_close(w);

    write_csv(rows);
    struct fx *f = fx_lq(NULL, NULL);
    const struct dk_msg *r =
        ask(f, lq_new(f, DK_LQ_QUERY_BY_RELAY_ID, "::", relay_duid, sizeof(relay_duid), false),
            REQUESTOR, true);
    assert_non_null(find(r, DK_OPT_CLIENT_DATA));
    struct dk_msg_stream *s = f->res.stream;
    assert_non_null(s);
    /* The pipeline goes first (its writer thread's page cache would count). */
    fx_free(f);
    static uint8_t buf[65535];
    size_t base = mallinfo2().uordblks, peak = base, ndata = 0;
    for (int n; (n = s->next(s, buf, sizeof(buf))) > 0;) {
        ndata += buf[0] == DK_MSG_LEASEQUERY_DATA;
        size_t now = mallinfo2().uordblks;
        peak = now > peak ? now : peak;
    }
    s->close(s);
    assert_int_equal(ndata, NBIG - 1);
    assert_true(peak - base < ((size_t)1 << 20));
    remove_dir(NULL);
}

/* Both syntaxes; <leasequery> needs its store. */
static void test_config(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg =
        fx_parse("[option Leasequery]\nallow-from = 2001:db8:ffff::/48 2001:db8:fffe::/48\n"
                 "sensitive-option = 23 sip-server-d\nstore = /var/lib/dhcpkit/leases.sqlite\n",
                 &errs);
    assert_non_null(cfg);
    const struct dk_config_section *root = dk_config_root(cfg), *lq = NULL;
    for (size_t i = 0; i < root->nchildren; i++)
        if (strcmp(root->children[i]->type, "leasequery") == 0)
            lq = root->children[i];
    assert_non_null(lq);
    assert_int_equal(dk_config_count(lq, "allow-from"), 2);
    assert_int_equal(dk_config_count(lq, "sensitive-option"), 2);
    assert_int_equal(lq->nchildren, 1);
    assert_string_equal(lq->children[0]->type, "lq-sqlite");
    assert_string_equal(lq->children[0]->arg.v.s, "/var/lib/dhcpkit/leases.sqlite");
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);

    /* An unknown option name is refused when the pipeline is built. */
    char conf[256];
    snprintf(conf, sizeof(conf),
             "<leasequery>\n sensitive-option no-such-option\n <lq-sqlite %s/>\n</leasequery>\n",
             dbpath);
    assert_null(fx_try(conf, &errs));
    assert_true(errs.n > 0);
    dk_config_errors_clear(&errs);
    remove_dir(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_by_address_and_client_id, setup_dir),
        cmocka_unit_test_setup(test_acl, setup_dir),
        cmocka_unit_test_setup(test_refusals, setup_dir),
        cmocka_unit_test_setup(test_release_and_expiry, setup_dir),
        cmocka_unit_test_setup(test_client_link, setup_dir),
        cmocka_unit_test_setup(test_bulk_stream, setup_dir),
        cmocka_unit_test_setup(test_stream_bounded, setup_dir),
        cmocka_unit_test_setup(test_config, setup_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
