/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * static-lmdb (src/handlers/static.c over src/store/lmdb.c): a client served
 * from an LMDB file; the file replaced under a running pipeline, and the
 * next Renew moved to the new prefix with the old one at lifetimes 0; a file
 * that is not LMDB refused with the section's file:line.
 */
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "lmdb_testfile.h"

static char dir[64], db[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/dk-test-static-lmdb-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(db, sizeof(db), "%s/assign.lmdb", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char tmp[160];
    snprintf(tmp, sizeof(tmp), "%s.tmp", db);
    unlink(tmp);
    unlink(db);
    rmdir(dir);
    dk__store_lmdb_check_ms = 1000;
    return 0;
}

static const struct trow v1[] = {
    {"interface-id-str:eth0", "2001:db8:1::100", "2001:db8:100::/56"},
    {"remote-id-str:3561:cust1", "2001:db8:1::201", "2001:db8:201::/56"},
};
static const struct trow v2[] = {
    {"interface-id-str:eth0", "2001:db8:1::100", "2001:db8:200::/56"},
    {"remote-id-str:3561:cust1", "2001:db8:1::201", "2001:db8:201::/56"},
};

static struct fx *fx_lmdb(void)
{
    char conf[256];
    snprintf(conf, sizeof(conf), "<static-lmdb %s/>\n", db);
    return fx_new(conf);
}

/* A direct client: Interface-ID "eth0" from the pipeline's wrapper. */
static void test_serves(void **state)
{
    (void)state;
    build(db, v1, 2);
    struct fx *f = fx_lmdb();
    char want[256];
    snprintf(want, sizeof(want), "<static-lmdb %s>: 2 assignments loaded", db);
    assert_true(fx_logged(f, want));
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia(f, m, DK_OPT_IA_PD, 2);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_REPLY);
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD), *na = find(r, DK_OPT_IA_NA);
    assert_non_null(pd);
    assert_non_null(na);
    assert_prefix(pd, 0, "2001:db8:100::", 56, 604800, 2592000);
    const struct dk_opt *a = dk_opt_find(na->opts, na->nopts, DK_OPT_IAADDR);
    assert_non_null(a);
    assert_addr(a->v[0].p, a->v[0].n, "2001:db8:1::100");
    fx_free(f);
}

/* Renew of the prefix the client holds, from v1 (pref, valid in the
 * request: 100, 200). */
static const struct dk_opt *renew(struct fx *f)
{
    struct dk_bmsg *m = req_new(f, DK_MSG_RENEW);
    struct dk_bopt *ia = req_ia(f, m, DK_OPT_IA_PD, 1);
    req_ia_prefix(f, ia, "2001:db8:100::", 56, 100, 200);
    const struct dk_msg *r = fx_ask(f, m);
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD);
    assert_non_null(pd);
    return pd;
}

static void test_replaced_under_the_pipeline(void **state)
{
    (void)state;
    dk__store_lmdb_check_ms = 50;
    build(db, v1, 2);
    struct fx *f = fx_lmdb();
    const struct dk_opt *pd = renew(f);
    assert_int_equal(count_sub(pd, DK_OPT_IAPREFIX), 1);
    assert_prefix(pd, 0, "2001:db8:100::", 56, 604800, 2592000);

    /* Rebuilt and renamed over; the same pipeline, no reload. */
    build(db, v2, 2);
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    pd = renew(f);
    assert_int_equal(count_sub(pd, DK_OPT_IAPREFIX), 2);
    assert_prefix(pd, 0, "2001:db8:200::", 56, 604800, 2592000);
    assert_prefix(pd, 1, "2001:db8:100::", 56, 0, 0);
    char want[256];
    snprintf(want, sizeof(want), "%s: replaced file picked up: 2 assignments", db);
    assert_true(fx_logged(f, want));

    /* A broken replacement: logged, the file before serves on. */
    write_text(db, "id,address,prefix\n");
    nanosleep(&ts, NULL);
    pd = renew(f);
    assert_prefix(pd, 0, "2001:db8:200::", 56, 604800, 2592000);
    snprintf(want, sizeof(want), "%s: replacement refused: ", db);
    assert_true(fx_logged(f, want));
    fx_free(f);
}

static void test_not_lmdb(void **state)
{
    (void)state;
    write_text(db, "id,address,prefix\ninterface-id-str:eth0,2001:db8:1::100,\n");
    char conf[256];
    snprintf(conf, sizeof(conf), "\n<static-lmdb %s/>\n", db);
    struct dk_config_errors errs;
    assert_null(fx_try(conf, &errs));
    bool seen = false;
    char line[512];
    for (size_t i = 0; i < errs.n; i++) {
        dk_config_error_format(&errs.v[i], line, sizeof(line));
        seen |= strcmp(line, "/test/dhcpd.conf:2: not an LMDB file, rebuild it with "
                             "ipv6-dhcp-build-lmdb") == 0;
    }
    if (!seen)
        dk_config_errors_print(&errs, stderr);
    assert_true(seen);
    dk_config_errors_clear(&errs);

    /* A missing file is not "not LMDB": open says why. */
    unlink(db);
    assert_null(fx_try(conf, &errs));
    seen = false;
    for (size_t i = 0; i < errs.n; i++) {
        dk_config_error_format(&errs.v[i], line, sizeof(line));
        seen |= strstr(line, "cannot open") != NULL;
        assert_null(strstr(line, "not an LMDB file"));
    }
    assert_true(seen);
    dk_config_errors_clear(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_serves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_under_the_pipeline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_lmdb, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
