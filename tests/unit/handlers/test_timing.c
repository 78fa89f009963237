/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * iana-timing-limits and iapd-timing-limits (src/handlers/timing.c), on IAs
 * the probe plug-in assigns: T1/T2 from the factors of the shortest
 * preferred lifetime, then clamped, T1 <= T2 <= shortest preferred.
 */
#include "fixture.h"

/* The T1 and T2 of the IA (code) in the answer to a Request with an IA_NA
 * and an IA_PD, under conf + the probe with the given lifetimes. */
static void t1t2(const char *conf, const char *probe, uint16_t code, uint32_t *t1, uint32_t *t2)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "%s<plugin %s>\n assign-address 2001:db8:1::9\n"
             " assign-prefix 2001:db8:100::/56\n%s</plugin>\n",
             conf, PROBE_PLUGIN, probe);
    struct fx *f = fx_new(text);
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia(f, m, DK_OPT_IA_PD, 2);
    const struct dk_opt *ia = find(fx_ask(f, m), code);
    assert_non_null(ia);
    *t1 = ia->v[1].u;
    *t2 = ia->v[2].u;
    fx_free(f);
}

#define ASSERT_T1T2(conf, probe, code, want1, want2)                                               \
    do {                                                                                           \
        uint32_t t1_, t2_;                                                                         \
        t1t2(conf, probe, code, &t1_, &t2_);                                                       \
        assert_int_equal(t1_, want1);                                                              \
        assert_int_equal(t2_, want2);                                                              \
    } while (0)

static const char *const iana = "<iana-timing-limits/>\n";
static const char *const iapd = "<iapd-timing-limits/>\n";

/* Defaults: 0.5 and 0.8 of the preferred lifetime; each handler only its
 * own IA type; without a handler T1/T2 stay as assigned. */
static void test_factors(void **state)
{
    (void)state;
    ASSERT_T1T2(iana, " preferred 3600\n", DK_OPT_IA_NA, 1800, 2880);
    ASSERT_T1T2(iana, " preferred 3600\n", DK_OPT_IA_PD, 0, 0);
    ASSERT_T1T2(iapd, " preferred 1d\n", DK_OPT_IA_PD, 43200, 69120);
    ASSERT_T1T2(iapd, " preferred 1d\n", DK_OPT_IA_NA, 0, 0);
    ASSERT_T1T2("", " preferred 3600\n", DK_OPT_IA_NA, 0, 0);
}

/* Clamped to [min, max], but never above the shortest preferred lifetime
 * and T1 never above T2. */
static void test_clamps(void **state)
{
    (void)state;
    const char *lim = "<iana-timing-limits>\n min-t1 30m\n max-t1 12h\n min-t2 40m\n"
                      " max-t2 1d\n</iana-timing-limits>\n";
    ASSERT_T1T2(lim, " preferred 3600\n", DK_OPT_IA_NA, 1800, 2880);
    ASSERT_T1T2(lim, " preferred 600\n", DK_OPT_IA_NA, 600, 600);
    ASSERT_T1T2(lim, " preferred 30d\n valid 60d\n", DK_OPT_IA_NA, 43200, 86400);
    /* Assigned values are kept when within the limits, and clamped. */
    ASSERT_T1T2(lim, " preferred 3600\n t1 2000\n t2 3000\n", DK_OPT_IA_NA, 2000, 3000);
    ASSERT_T1T2(lim, " preferred 100000\n valid 200000\n t1 99999\n", DK_OPT_IA_NA, 43200, 80000);
}

static void test_infinity_and_none(void **state)
{
    (void)state;
    ASSERT_T1T2(iana, " preferred 4294967295\n valid 4294967295\n", DK_OPT_IA_NA, DK_INFINITY,
                DK_INFINITY);
    const char *none = "<iana-timing-limits>\n factor-t1 NONE\n factor-t2 NONE\n"
                       "</iana-timing-limits>\n";
    ASSERT_T1T2(none, " preferred 3600\n", DK_OPT_IA_NA, 0, 0);
    const char *only_t2 = "<iana-timing-limits>\n factor-t1 NONE\n factor-t2 0.25\n"
                          "</iana-timing-limits>\n";
    ASSERT_T1T2(only_t2, " preferred 4000\n", DK_OPT_IA_NA, 0, 1000);
}

/* The innermost section wins. */
static void test_first_wins(void **state)
{
    (void)state;
    const char *conf = "<iana-timing-limits>\n factor-t1 0.1\n factor-t2 0.2\n"
                       "</iana-timing-limits>\n"
                       "<subnet 2001:db8:1::/48>\n <iana-timing-limits>\n  factor-t1 0.25\n"
                       "  factor-t2 0.5\n </iana-timing-limits>\n</subnet>\n";
    ASSERT_T1T2(conf, " preferred 1000\n", DK_OPT_IA_NA, 250, 500);
}

/* An IA without addresses (a refusal) is left alone. */
static void test_refused_ia(void **state)
{
    (void)state;
    struct fx *f = fx_new("<iana-timing-limits>\n min-t1 1h\n min-t2 2h\n"
                          "</iana-timing-limits>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    const struct dk_opt *ia = find(fx_ask(f, m), DK_OPT_IA_NA);
    assert_int_equal(ia->v[1].u, 0);
    assert_int_equal(ia->v[2].u, 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_factors),           cmocka_unit_test(test_clamps),
        cmocka_unit_test(test_infinity_and_none), cmocka_unit_test(test_first_wins),
        cmocka_unit_test(test_refused_ia),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
