/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rate-limit (src/handlers/rate_limit.c): burst, then one message per
 * per/rate; keys; workers in parallel share one lock-free table.
 */
#include <pthread.h>

#include "fixture.h"

/* Sends a Solicit from the client with this DUID's last octet. */
static enum dk_verdict from(struct fx *f, uint8_t who)
{
    static uint8_t duids[256][10];
    memcpy(duids[who], client_duid, sizeof(client_duid));
    duids[who][9] = who;
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    dk_bmsg_find(m, DK_OPT_CLIENTID)->o.v[0].p = duids[who];
    fx_rx_direct(f);
    return fx_send(f, m);
}

static void test_defaults(void **state)
{
    (void)state;
    /* 5 per 30 s, burst 5: T = 6 s. */
    struct fx *f = fx_new("<rate-limit/>\n");
    for (int i = 0; i < 5; i++)
        assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_RATE_LIMITED);
    assert_string_equal(f->res.why, "rate-limit");
    assert_int_equal(from(f, 2), DK_VERDICT_REPLY); /* another client */
    f->now += 5999;
    assert_int_equal(from(f, 1), DK_VERDICT_RATE_LIMITED);
    f->now += 1;
    assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_RATE_LIMITED);
    /* After a quiet minute, a whole burst again (never more). */
    f->now += 60000;
    for (int i = 0; i < 5; i++)
        assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_RATE_LIMITED);
    fx_free(f);
}

static void test_burst(void **state)
{
    (void)state;
    struct fx *f = fx_new("<rate-limit>\n rate 10\n per 10\n burst 2\n</rate-limit>\n");
    assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_RATE_LIMITED);
    f->now += 1000;
    assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_RATE_LIMITED);
    fx_free(f);
}

/* key remote-id: clients behind one Remote-ID share a bucket; without a
 * Remote-ID, the DUID is the key. */
static void test_key_remote_id(void **state)
{
    (void)state;
    struct fx *f = fx_new("<rate-limit>\n key remote-id\n rate 2\n per 60\n</rate-limit>\n");
    static const uint8_t rid[] = {'p', 'o', 'r', 't', '1'};
    for (int i = 0; i < 3; i++) {
        struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
        static uint8_t duid[3][10];
        memcpy(duid[i], client_duid, 10);
        duid[i][9] = (uint8_t)(0x40 + i);
        dk_bmsg_find(m, DK_OPT_CLIENTID)->o.v[0].p = duid[i];
        struct dk_bmsg *r = relay(f, m, 0, "2001:db8:1::1", "fe80::1");
        struct dk_bopt *o = dk_bmsg_add(&f->arena, r, DK_OPT_REMOTE_ID);
        dk_bopt_set_u(o, 0, 40208);
        dk_bopt_set_ref(o, 1, rid, sizeof(rid));
        fx_rx_relayed(f);
        assert_int_equal(fx_send(f, r), i < 2 ? DK_VERDICT_REPLY : DK_VERDICT_RATE_LIMITED);
    }
    /* Direct clients have no Remote-ID: each DUID its own bucket. */
    assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 2), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 1), DK_VERDICT_RATE_LIMITED);
    fx_free(f);
}

/* key interface-id: direct clients carry the interface name (the
 * pipeline's own relay), so one interface is one bucket. */
static void test_key_interface_id(void **state)
{
    (void)state;
    struct fx *f = fx_new("<rate-limit>\n key interface-id\n rate 2\n per 60\n</rate-limit>\n");
    assert_int_equal(from(f, 1), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 2), DK_VERDICT_REPLY);
    assert_int_equal(from(f, 3), DK_VERDICT_RATE_LIMITED);
    fx_free(f);
}

/* Workers in parallel, clock frozen: exactly `burst` messages pass in all,
 * however the compare-and-swaps interleave. */
struct hammer {
    struct fx *f;
    struct dk_worker *w;
    int passed;
    uint8_t req[512];
    size_t len;
};

static void *hammer(void *arg)
{
    struct hammer *h = arg;
    uint8_t out[1024];
    for (int i = 0; i < 2000; i++) {
        struct dk_rx rx = h->f->rx;
        rx.data = h->req;
        rx.len = h->len;
        struct dk_tx tx = {.buf = out, .cap = sizeof(out)};
        struct dk_result res;
        dk_pipeline_handle(h->f->p, h->w, &rx, &tx, &res);
        if (res.verdict == DK_VERDICT_REPLY)
            h->passed++;
        else if (res.verdict != DK_VERDICT_RATE_LIMITED)
            h->passed = -1000000;
    }
    return NULL;
}

static void test_parallel_workers(void **state)
{
    (void)state;
    struct fx *f = fx_new("<rate-limit>\n rate 50\n per 60\n burst 37\n</rate-limit>\n");
    assert_int_equal(from(f, 7), DK_VERDICT_REPLY); /* f->req holds client 7's Solicit */
    enum { N = 4 };
    struct hammer h[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        h[i] = (struct hammer){.f = f, .w = dk_worker_new()};
        assert_non_null(h[i].w);
        memcpy(h[i].req, f->req, f->reqlen);
        h[i].len = f->reqlen;
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &h[i]), 0);
    int passed = 1;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        passed += h[i].passed;
        dk_worker_free(h[i].w);
    }
    assert_int_equal(passed, 37);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),         cmocka_unit_test(test_burst),
        cmocka_unit_test(test_key_remote_id),    cmocka_unit_test(test_key_interface_id),
        cmocka_unit_test(test_parallel_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
