/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ipv6-dhcp-probe: RFC 8415 §15 retransmission timing (tools/probe/exchange.c). */
#include "helpers.h"

static void parameters(void **state)
{
    (void)state;
    /* RFC 8415 §7.6. */
    static const struct {
        uint8_t type;
        double irt, mrt, mrd;
        unsigned mrc;
    } want[] = {
        {DK_MSG_SOLICIT, 1, 3600, 0, 0}, {DK_MSG_REQUEST, 1, 30, 0, 10},
        {DK_MSG_CONFIRM, 1, 4, 10, 0},   {DK_MSG_RENEW, 10, 600, 0, 0},
        {DK_MSG_REBIND, 10, 600, 0, 0},  {DK_MSG_RELEASE, 1, 0, 0, 4},
        {DK_MSG_DECLINE, 1, 0, 0, 4},    {DK_MSG_INFORMATION_REQUEST, 1, 3600, 0, 0},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct probe_rt p;
        probe_rt_params(want[i].type, &p);
        assert_true(p.irt == want[i].irt);
        assert_true(p.mrt == want[i].mrt);
        assert_true(p.mrd == want[i].mrd);
        assert_int_equal(p.mrc, want[i].mrc);
    }
}

static void first_rt(void **state)
{
    (void)state;
    struct probe_rt p;
    probe_rt_params(DK_MSG_REQUEST, &p);
    assert_true(probe_rt_next(&p, DK_MSG_REQUEST, 0, -0.1) > 0.899);
    assert_true(probe_rt_next(&p, DK_MSG_REQUEST, 0, -0.1) < 0.901);
    assert_true(probe_rt_next(&p, DK_MSG_REQUEST, 0, 0.1) > 1.099);
    /* Out-of-range jitter is clamped to ±10 %. */
    assert_true(probe_rt_next(&p, DK_MSG_REQUEST, 0, 5) < 1.101);
    assert_true(probe_rt_next(&p, DK_MSG_REQUEST, 0, -5) > 0.899);
    /* RFC 8415 §18.2.1: the first RT of a Solicit is strictly more than IRT. */
    probe_rt_params(DK_MSG_SOLICIT, &p);
    for (double r = -0.1; r <= 0.1; r += 0.01)
        assert_true(probe_rt_next(&p, DK_MSG_SOLICIT, 0, r) > 1.0);
    assert_true(probe_rt_next(&p, DK_MSG_SOLICIT, 0, 0) > 1.0);
    /* Renew starts at 10 s. */
    probe_rt_params(DK_MSG_RENEW, &p);
    assert_true(probe_rt_next(&p, DK_MSG_RENEW, 0, 0) == 10);
}

static void doubling_and_cap(void **state)
{
    (void)state;
    struct probe_rt p;
    probe_rt_params(DK_MSG_REQUEST, &p);
    /* RT = 2*RTprev + RAND*RTprev. */
    assert_true(probe_rt_next(&p, DK_MSG_REQUEST, 1, 0) == 2);
    double up = probe_rt_next(&p, DK_MSG_REQUEST, 4, 0.1);
    assert_true(up > 8.39 && up < 8.41);
    double down = probe_rt_next(&p, DK_MSG_REQUEST, 4, -0.1);
    assert_true(down > 7.59 && down < 7.61);
    /* Past MRT (30): MRT + RAND*MRT. */
    double cap = probe_rt_next(&p, DK_MSG_REQUEST, 20, 0.1);
    assert_true(cap > 32.99 && cap < 33.01);
    cap = probe_rt_next(&p, DK_MSG_REQUEST, 20, -0.1);
    assert_true(cap > 26.99 && cap < 27.01);
    /* A sequence with random jitter grows to MRT and stays within ±10 % of it. */
    probe_rt_params(DK_MSG_CONFIRM, &p);
    double rt = 0;
    for (int i = 0; i < 50; i++) {
        double next = probe_rt_next(&p, DK_MSG_CONFIRM, rt, probe_rand_jitter());
        assert_true(next <= 4.4 + 1e-9);
        if (rt > 0 && rt < 1.8)
            assert_true(next > rt * 1.89);
        rt = next;
    }
    assert_true(rt >= 3.6 - 1e-9);
    /* Release has no MRT: it doubles on. */
    probe_rt_params(DK_MSG_RELEASE, &p);
    assert_true(probe_rt_next(&p, DK_MSG_RELEASE, 1000, 0) == 2000);
}

static void randomness(void **state)
{
    (void)state;
    double lo = 1, hi = -1;
    uint32_t seen_or = 0;
    for (int i = 0; i < 10000; i++) {
        double r = probe_rand_jitter();
        assert_true(r >= -0.1 && r <= 0.1);
        lo = r < lo ? r : lo;
        hi = r > hi ? r : hi;
        uint32_t x = probe_rand_xid();
        assert_true(x <= 0xffffff);
        seen_or |= x;
    }
    /* Spread over the range, and xids use all 24 bits. */
    assert_true(lo < -0.09 && hi > 0.09);
    assert_int_equal(seen_or, 0xffffff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parameters),
        cmocka_unit_test(first_rt),
        cmocka_unit_test(doubling_and_cap),
        cmocka_unit_test(randomness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
