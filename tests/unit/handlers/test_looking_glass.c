/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * looking-glass (src/handlers/looking_glass.c, lg_queue.c): the queue drops
 * and counts when full and never waits, loses and duplicates nothing under
 * concurrent producers; the handler records what the page needs (server
 * name, normalised ids, request and reply JSON, outcome and who decided,
 * leases), keeps `keep` per client and flushes on destroy.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include "../../../src/handlers/lg_queue.h"
#include "fixture.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A full queue refuses at once, counts each refusal, and takes entries again
 * after a pop; order is first in, first out. */
static void test_queue_full_drops_and_counts(void **state)
{
    (void)state;
    struct dk__lgq q;
    assert_int_equal(dk__lgq_init(&q, 3), 0);
    assert_int_equal(dk__lgq_capacity(&q), 4);
    int v[8];
    for (int i = 0; i < 4; i++)
        assert_true(dk__lgq_push(&q, &v[i]));
    uint64_t t0 = now_ns();
    for (int i = 0; i < 1000; i++)
        assert_false(dk__lgq_push(&q, &v[4]));
    /* 1000 refused pushes take microseconds, not a wait. */
    assert_true(now_ns() - t0 < 50000000u);
    assert_int_equal(dk__lgq_dropped(&q), 1000);
    assert_ptr_equal(dk__lgq_pop(&q), &v[0]);
    assert_true(dk__lgq_push(&q, &v[5]));
    assert_false(dk__lgq_push(&q, &v[6]));
    assert_int_equal(dk__lgq_dropped(&q), 1001);
    assert_ptr_equal(dk__lgq_pop(&q), &v[1]);
    assert_ptr_equal(dk__lgq_pop(&q), &v[2]);
    assert_ptr_equal(dk__lgq_pop(&q), &v[3]);
    assert_ptr_equal(dk__lgq_pop(&q), &v[5]);
    assert_null(dk__lgq_pop(&q));
    dk__lgq_clear(&q);
}

#define PRODUCERS 4
#define PER       200000

struct race {
    struct dk__lgq q;
    _Atomic unsigned pushed;
};

struct producer {
    struct race *r;
    int id;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (uintptr_t i = 1; i <= PER; i++)
        if (dk__lgq_push(&p->r->q, (void *)(((uintptr_t)p->id << 32) | i)))
            atomic_fetch_add(&p->r->pushed, 1);
    return NULL;
}

/* Four producers against a slow consumer: every push either lands once or
 * is counted as dropped; the consumer sees each producer's entries in order. */
static void test_queue_concurrent(void **state)
{
    (void)state;
    struct race r = {.pushed = 0};
    assert_int_equal(dk__lgq_init(&r.q, 1024), 0);
    pthread_t t[PRODUCERS];
    struct producer p[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        p[i] = (struct producer){&r, i + 1};
        assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]), 0);
    }
    uintptr_t last[PRODUCERS + 1] = {0};
    unsigned popped = 0;
    int joined = 0;
    for (;;) {
        void *e = dk__lgq_pop(&r.q);
        if (!e) {
            if (joined)
                break;
            /* Join the producers once every push is accounted for. */
            if (atomic_load(&r.pushed) + dk__lgq_dropped(&r.q) == (unsigned)PRODUCERS * PER) {
                for (int i = 0; i < PRODUCERS; i++)
                    pthread_join(t[i], NULL);
                joined = 1;
            }
            continue;
        }
        uintptr_t id = (uintptr_t)e >> 32, seq = (uintptr_t)e & 0xffffffffu;
        assert_true(id >= 1 && id <= PRODUCERS);
        assert_true(seq > last[id]);
        last[id] = seq;
        popped++;
        if ((popped & 1023) == 0) { /* a slow writer */
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL);
        }
    }
    assert_int_equal(popped, atomic_load(&r.pushed));
    assert_int_equal(popped + dk__lgq_dropped(&r.q), (unsigned)PRODUCERS * PER);
    assert_true(dk__lgq_dropped(&r.q) > 0);
    dk__lgq_clear(&r.q);
}

/* ---- the handler */

static char dir[64];
static char dbpath[96];

static int setup_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/dk-lg-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(dbpath, sizeof(dbpath), "%s/lg.db", dir);
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    char p[128];
    for (const char *s = ""; s; s = *s ? NULL : "-wal") {
        snprintf(p, sizeof(p), "%s%s", dbpath, s);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s-shm", dbpath);
    unlink(p);
    rmdir(dir);
    return 0;
}

static const uint8_t cust[] = {'C', 'U', 'S', 'T', '<', '1', '>'};

/* A Solicit with IA_PD behind a relay with Remote-ID 3561:"CUST<1>". */
static enum dk_verdict send_relayed(struct fx *f, uint8_t type)
{
    struct dk_bmsg *m = req_new(f, type);
    req_ia(f, m, DK_OPT_IA_PD, 7);
    struct dk_bmsg *r = relay(f, m, 0, "2001:db8:2::1", "fe80::2");
    struct dk_bopt *o = dk_bmsg_add(&f->arena, r, DK_OPT_REMOTE_ID);
    dk_bopt_set_u(o, 0, 3561);
    dk_bopt_set_ref(o, 1, cust, sizeof(cust));
    fx_rx_relayed(f);
    return fx_send(f, r);
}

static sqlite3 *open_db(void)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void test_records(void **state)
{
    (void)state;
    char conf[256];
    snprintf(conf, sizeof(conf),
             "<looking-glass %s>\n keep 3\n server-name srv-a\n</looking-glass>\n", dbpath);
    struct fx *f = fx_new(conf);
    /* Building the pipeline (as ipv6-dhcpd -n does, as root) makes no file:
     * the writer makes it with the first record, as the engine's user. */
    usleep(100000);
    assert_int_equal(access(dbpath, F_OK), -1);
    for (int i = 0; i < 5; i++)
        assert_int_equal(send_relayed(f, DK_MSG_SOLICIT), DK_VERDICT_REPLY);
    fx_free(f); /* joins the writer, which writes what is queued */

    sqlite3 *db = open_db();
    assert_int_equal(scalar(db, "SELECT count(*) FROM tx"), 3); /* keep 3 */
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT server, duid, remote_id, interface_id, outcome,"
                                        " msg_in, msg_out, request, reply, relays, why,"
                                        " link_address FROM tx ORDER BY id DESC LIMIT 1",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "srv-a");
    assert_string_equal((const char *)sqlite3_column_text(s, 1), "duid:000300013431c43cb2f1");
    assert_string_equal((const char *)sqlite3_column_text(s, 2), "remote-id:3561:435553543c313e");
    assert_null(sqlite3_column_text(s, 3));
    assert_string_equal((const char *)sqlite3_column_text(s, 4), "replied");
    assert_string_equal((const char *)sqlite3_column_text(s, 5), "SOLICIT");
    assert_string_equal((const char *)sqlite3_column_text(s, 6), "ADVERTISE");
    assert_non_null(strstr((const char *)sqlite3_column_text(s, 7), "\"msg_name\": \"SOLICIT\""));
    /* No assignments: the IA_PD is answered NoPrefixAvail. */
    assert_non_null(strstr((const char *)sqlite3_column_text(s, 8), "OPTION_IA_PD"));
    assert_non_null(
        strstr((const char *)sqlite3_column_text(s, 9), "\"link_address\": \"2001:db8:2::1\""));
    assert_non_null(strstr((const char *)sqlite3_column_text(s, 9), "OPTION_REMOTE_ID"));
    assert_null(strstr((const char *)sqlite3_column_text(s, 9), "OPTION_RELAY_MSG"));
    assert_null(sqlite3_column_text(s, 10));
    assert_string_equal((const char *)sqlite3_column_text(s, 11), "2001:db8:2::1");
    sqlite3_finalize(s);
    assert_int_equal(scalar(db, "SELECT value FROM meta WHERE key = 'dropped'"), 0);
    sqlite3_close(db);
    remove_dir(NULL);
}

/* A direct client: its Interface-ID is the server's interface name, and the
 * relay chain is the pipeline's own Relay-forward. */
static void test_direct(void **state)
{
    (void)state;
    char conf[256];
    snprintf(conf, sizeof(conf), "<looking-glass %s/>\n", dbpath);
    struct fx *f = fx_new(conf);
    struct dk_bmsg *m = req_new(f, DK_MSG_INFORMATION_REQUEST);
    fx_ask(f, m);
    fx_free(f);
    sqlite3 *db = open_db();
    assert_int_equal(scalar(db, "SELECT count(*) FROM tx WHERE interface_id ="
                                " 'interface-id:65746830' AND msg_in = 'INFORMATION-REQUEST'"
                                " AND msg_out = 'REPLY' AND link_address = '2001:db8:1::1'"
                                " AND relays LIKE '[{\"hop_count\": 0, \"own\": true,%'"
                                " AND request LIKE '{\"msg_type\": 11,%'"),
                     1);
    sqlite3_close(db);
    remove_dir(NULL);
}

/* A request another handler drops is recorded with the outcome and the
 * handler that decided (bundle->why). */
static void test_dropped_recorded(void **state)
{
    (void)state;
    char conf[256];
    snprintf(conf, sizeof(conf), "<looking-glass %s/>\n<ignore-request/>\n", dbpath);
    struct fx *f = fx_new(conf);
    assert_int_equal(send_relayed(f, DK_MSG_SOLICIT), DK_VERDICT_DO_NOT_RESPOND);
    fx_free(f);
    sqlite3 *db = open_db();
    assert_int_equal(scalar(db,
                            "SELECT count(*) FROM tx WHERE outcome = 'dropped: ignored' AND why ="
                            " 'ignore-request' AND reply IS NULL AND msg_out IS NULL"),
                     1);
    sqlite3_close(db);
    remove_dir(NULL);
}

/* Requests the pipeline drops itself (RFC 8415 §16 receive rules, the
 * containment table) are recorded with the rule, when they name a client;
 * a datagram that does not decode is not. */
static void test_receive_rule_drops_recorded(void **state)
{
    (void)state;
    char conf[256];
    snprintf(conf, sizeof(conf), "<looking-glass %s/>\n", dbpath);
    struct fx *f = fx_new(conf);
    /* §16.4: a Request without a Server Identifier. */
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, DK_MSG_REQUEST);
    struct dk_bopt *o = dk_bmsg_add(&f->arena, m, DK_OPT_CLIENTID);
    dk_bopt_set_ref(o, 0, client_duid, sizeof(client_duid));
    o = dk_bmsg_add(&f->arena, m, DK_OPT_ELAPSED_TIME);
    dk_bopt_set_u(o, 0, 0);
    assert_int_equal(fx_send(f, m), DK_VERDICT_UNPARSABLE);
    /* §16.2: a Solicit for another server, relayed. */
    m = req_new(f, DK_MSG_SOLICIT);
    o = dk_bmsg_add(&f->arena, m, DK_OPT_SERVERID);
    dk_bopt_set_ref(o, 0, cust, sizeof(cust));
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, relay(f, m, 0, "2001:db8:2::1", "fe80::2")),
                     DK_VERDICT_FOR_OTHER_SERVER);
    /* The containment table: two Elapsed Time options. */
    m = req_new(f, DK_MSG_SOLICIT);
    o = dk_bmsg_add(&f->arena, m, DK_OPT_ELAPSED_TIME);
    dk_bopt_set_u(o, 0, 0);
    assert_int_equal(fx_send(f, relay(f, m, 0, "2001:db8:2::1", "fe80::2")),
                     DK_VERDICT_UNPARSABLE);
    /* Nothing decodes: not recorded. */
    static const uint8_t junk[] = {1, 0, 0};
    memcpy(f->req, junk, sizeof(junk));
    f->reqlen = sizeof(junk);
    assert_int_equal(fx_send_raw(f), DK_VERDICT_UNPARSABLE);
    fx_free(f);

    sqlite3 *db = open_db();
    assert_int_equal(scalar(db, "SELECT count(*) FROM tx"), 3);
    assert_int_equal(scalar(db, "SELECT count(*) FROM tx WHERE outcome = 'dropped: invalid'"
                                " AND why = 'no Server Identifier' AND msg_in = 'REQUEST'"
                                " AND duid = 'duid:000300013431c43cb2f1' AND reply IS NULL"),
                     1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM tx WHERE outcome ="
                                " 'dropped: for another server' AND why = 'Server Identifier of"
                                " another server' AND remote_id IS NULL"
                                " AND link_address = '2001:db8:2::1'"),
                     1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM tx WHERE outcome = 'dropped: invalid'"
                                " AND why = 'validation failed' AND msg_in = 'SOLICIT'"),
                     1);
    sqlite3_close(db);
    remove_dir(NULL);
}

/* A queue of 16 filled faster than the writer drains it: the pipeline
 * answers every request, and what did not fit is counted. */
static void test_full_queue_never_blocks_replies(void **state)
{
    (void)state;
    char conf[256];
    snprintf(conf, sizeof(conf), "<looking-glass %s>\n queue 16\n keep 10000\n</looking-glass>\n",
             dbpath);
    struct fx *f = fx_new(conf);
    for (int i = 0; i < 3000; i++) {
        assert_int_equal(send_relayed(f, DK_MSG_SOLICIT), DK_VERDICT_REPLY);
        dk_arena_init(&f->arena, f->mem, FX_ARENA);
    }
    fx_free(f);
    sqlite3 *db = open_db();
    long long rows = scalar(db, "SELECT count(*) FROM tx");
    long long dropped = scalar(db, "SELECT value FROM meta WHERE key = 'dropped'");
    assert_int_equal(rows + dropped, 3000);
    assert_true(dropped > 0);
    sqlite3_close(db);
    remove_dir(NULL);
}

/* A file that cannot be made is refused when the pipeline is built. */
static void test_bad_file(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct fx *f = fx_try("<looking-glass /nonexistent-dir/x/lg.db/>\n", &errs);
    assert_null(f);
    assert_true(errs.n > 0);
    dk_config_errors_clear(&errs);
}

static const struct dk_config_section *lg_section(const struct dk_config *cfg)
{
    const struct dk_config_section *root = dk_config_root(cfg);
    for (size_t i = 0; i < root->nchildren; i++)
        if (strcmp(root->children[i]->type, "looking-glass") == 0)
            return root->children[i];
    fail_msg("no <looking-glass>");
    return NULL;
}

/* The keys and their defaults, in both syntaxes. */
static void test_config(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg = fx_parse("<looking-glass /var/lib/dhcpkit/lg.db/>\n", &errs);
    assert_non_null(cfg);
    const struct dk_config_section *s = lg_section(cfg);
    assert_int_equal(dk_config_get(s, "keep")->v.u, 20);
    assert_int_equal(dk_config_get(s, "max-age")->v.u, 7 * 86400);
    assert_int_equal(dk_config_get(s, "queue")->v.u, 65536);
    assert_null(dk_config_get(s, "server-name"));
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);

    cfg = fx_parse("[option LookingGlass /var/lib/dhcpkit/lg.db]\nkeep = 5\nmax-age = 2d\n"
                   "queue = 1024\nserver-name = dhcp-1\n",
                   &errs);
    assert_non_null(cfg);
    s = lg_section(cfg);
    assert_string_equal(s->arg.v.s, "/var/lib/dhcpkit/lg.db");
    assert_int_equal(dk_config_get(s, "keep")->v.u, 5);
    assert_int_equal(dk_config_get(s, "max-age")->v.u, 2 * 86400);
    assert_int_equal(dk_config_get(s, "queue")->v.u, 1024);
    assert_string_equal(dk_config_get(s, "server-name")->v.s, "dhcp-1");
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);

    /* Out of range: refused with its line. */
    dk_config_errors_init(&errs);
    cfg = NULL;
    const char *bad = "<looking-glass /x.db>\n keep 0\n</looking-glass>\n";
    assert_int_not_equal(
        dk_config_parse_buffer("/test/dhcpd.conf", bad, strlen(bad), DK_CONFIG_AUTO, &cfg, &errs),
        0);
    assert_null(cfg);
    assert_non_null(strstr(errs.v[0].message, "keep"));
    dk_config_errors_clear(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_full_drops_and_counts),
        cmocka_unit_test(test_queue_concurrent),
        cmocka_unit_test_setup(test_records, setup_dir),
        cmocka_unit_test_setup(test_dropped_recorded, setup_dir),
        cmocka_unit_test_setup(test_receive_rule_drops_recorded, setup_dir),
        cmocka_unit_test_setup(test_direct, setup_dir),
        cmocka_unit_test_setup(test_full_queue_never_blocks_replies, setup_dir),
        cmocka_unit_test(test_bad_file),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
