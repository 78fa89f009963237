/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-bench: latency percentiles and the JSON line of a phase
 * (tools/bench/stats.c), RFC 8415 §15 retransmission timing (run.c).
 */
#include <math.h>

#include "helpers.h"

static void test_percentiles(void **state)
{
    (void)state;
    struct bk_lat l = {0};
    assert_int_equal(bk_lat_percentile(&l, 50), 0);
    /* 100 values 1..100 in reverse: nearest rank. */
    for (uint32_t v = 100; v >= 1; v--)
        assert_int_equal(bk_lat_add(&l, v), 0);
    assert_int_equal(bk_lat_percentile(&l, 50), 50);
    assert_int_equal(bk_lat_percentile(&l, 99), 99);
    assert_int_equal(bk_lat_percentile(&l, 99.5), 100);
    assert_int_equal(bk_lat_percentile(&l, 100), 100);
    assert_int_equal(bk_lat_percentile(&l, 1), 1);
    assert_int_equal(bk_lat_percentile(&l, 0.001), 1);
    bk_lat_clear(&l);
    /* One value is every percentile; growth past the first allocation. */
    assert_int_equal(bk_lat_add(&l, 7), 0);
    assert_int_equal(bk_lat_percentile(&l, 1), 7);
    assert_int_equal(bk_lat_percentile(&l, 99), 7);
    for (uint32_t v = 0; v < 10000; v++)
        assert_int_equal(bk_lat_add(&l, v % 1000 == 999 ? 1000000 : 10), 0);
    assert_int_equal(l.n, 10001);
    assert_int_equal(bk_lat_percentile(&l, 50), 10);
    assert_int_equal(bk_lat_percentile(&l, 99), 10);
    assert_int_equal(bk_lat_percentile(&l, 99.99), 1000000);
    bk_lat_clear(&l);
    assert_null(l.v);
}

static void test_json(void **state)
{
    (void)state;
    struct bk_conf c;
    bk_conf_defaults(&c);
    c.ia_na = c.ia_pd = true;
    struct bk_result r;
    memset(&r, 0, sizeof(r));
    r.phase = "sarr";
    r.offered = 200;
    r.done = 150;
    r.duration_s = 0.5;
    for (uint32_t v = 1; v <= 150; v++)
        assert_int_equal(bk_lat_add(&r.lat, v * 1000), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    bk_result_print(&c, &r, f);
    fclose(f);
    assert_non_null(strstr(buf, "\"offered\":200,"));
    assert_non_null(strstr(buf, "\"done_per_s\":300.0,"));
    assert_non_null(strstr(buf, "\"loss_pct\":25.000,"));
    assert_non_null(strstr(buf, "\"p50_ms\":75.000,"));
    assert_non_null(strstr(buf, "\"p99_ms\":149.000,"));
    assert_non_null(strstr(buf, "\"max_ms\":150.000,"));
    assert_null(strstr(buf, "all_served_s"));
    assert_int_equal(buf[0], '{');
    assert_string_equal(buf + strlen(buf) - 2, "}\n");
    free(buf);
    bk_lat_clear(&r.lat);
}

static void test_rt(void **state)
{
    (void)state;
    /* RFC 8415 §15: RT = IRT + RAND*IRT, then 2*RTprev + RAND*RTprev,
     * capped at MRT + RAND*MRT; RAND in [-0.1, 0.1]. */
    assert_true(fabs(bk_next_rt(0, 1, 3600, 0, true) - 1.0) < 1e-9);
    assert_true(fabs(bk_next_rt(0, 1, 3600, 1, false) - 1.1) < 1e-9);
    assert_true(fabs(bk_next_rt(0, 1, 3600, -1, false) - 0.9) < 1e-9);
    /* The first Solicit RT is never below IRT. */
    assert_true(bk_next_rt(0, 1, 3600, -1, true) >= 1.0);
    assert_true(fabs(bk_next_rt(1, 1, 3600, 0, false) - 2.0) < 1e-9);
    assert_true(fabs(bk_next_rt(8, 1, 3600, -1, false) - 15.2) < 1e-9);
    /* MRT caps it. */
    assert_true(fabs(bk_next_rt(20, 1, 30, 0, false) - 30.0) < 1e-9);
    assert_true(fabs(bk_next_rt(20, 1, 30, 1, false) - 33.0) < 1e-9);
    /* RAND out of range is clamped. */
    assert_true(fabs(bk_next_rt(0, 1, 3600, 5, false) - 1.1) < 1e-9);
    double rt = 0;
    for (int k = 0; k < 30; k++)
        rt = bk_next_rt(rt, 1, 120, 0.5, true);
    assert_true(rt <= 120 * 1.1 + 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentiles),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_rt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
