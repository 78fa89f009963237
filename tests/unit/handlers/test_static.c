/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * static-csv (src/handlers/static.c): request octets in, the reply's
 * IA_PD/IAPREFIX and IA_NA/IAADDR checked field by field; lookup order and
 * relay options from the relay closest to the client; Renew of a changed
 * assignment; Confirm, Release, Decline; a bad file refusing the pipeline
 * with every bad row as file:line; Confirm against the link's prefixes; the
 * reload guard (max-removed-percent, forced reloads, keyed by file).
 * (static-lmdb: test_static_lmdb.c; static-sqlite: tests/unit/store and
 * tests/integration/static-sqlite.sh.)
 */
#include <unistd.h>

#include "fixture.h"

static char csv[64];

static const char rows[] =
    "id,address,prefix,comment\n"
    "interface-id-str:eth0,2001:db8:1::100,2001:db8:100::/56,direct on eth0\n"
    "remote-id-str:3561:cust1,2001:db8:1::201,2001:db8:201::/56,relayed\n"
    "duid:00:03:00:01:34:31:c4:3c:b2:f1,,2001:db8:300::/56,by duid\n";

static void write_csv(const char *text)
{
    FILE *fp = fopen(csv, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static struct fx *fx_csv(const char *text, const char *extra)
{
    write_csv(text);
    char conf[512];
    snprintf(conf, sizeof(conf), "<static-csv %s>\n%s</static-csv>\n", csv, extra);
    return fx_new(conf);
}

static int setup(void **state)
{
    (void)state;
    snprintf(csv, sizeof(csv), "/tmp/dk-test-static-XXXXXX");
    int fd = mkstemp(csv);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(csv);
    return 0;
}

/* A direct client: the pipeline's wrapper carries Interface-ID "eth0". */
static void test_direct_interface_id(void **state)
{
    (void)state;
    /* The client's DUID has a row too but without an address: use another
     * DUID's table so the interface-id row is the hit. */
    struct fx *f = fx_csv("id,address,prefix\n"
                          "interface-id-str:eth0,2001:db8:1::100,2001:db8:100::/56\n",
                          "");
    assert_true(fx_logged(f, "1 assignments loaded, 0 bad rows skipped"));
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia(f, m, DK_OPT_IA_PD, 2);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_REPLY);
    assert_ids(r);
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD), *na = find(r, DK_OPT_IA_NA);
    assert_non_null(pd);
    assert_non_null(na);
    assert_int_equal(pd->v[0].u, 2);
    assert_int_equal(na->v[0].u, 1);
    /* nested defaults: 7d/30d */
    assert_prefix(pd, 0, "2001:db8:100::", 56, 604800, 2592000);
    assert_address(na, "2001:db8:1::100", 604800, 2592000);
    assert_null(dk_opt_find(pd->opts, pd->nopts, DK_OPT_STATUS_CODE));
    fx_free(f);
}

/* Lifetimes from the section; T1/T2 from iapd-timing-limits. */
static void test_lifetimes_and_timing(void **state)
{
    (void)state;
    write_csv(rows);
    char conf[512];
    snprintf(conf, sizeof(conf),
             "<static-csv %s>\n prefix-preferred-lifetime 1000\n prefix-valid-lifetime 2000\n"
             "</static-csv>\n<iapd-timing-limits/>\n",
             csv);
    struct fx *f = fx_new(conf);
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_ia(f, m, DK_OPT_IA_PD, 7);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD);
    /* the DUID row comes first in the lookup order */
    assert_prefix(pd, 0, "2001:db8:300::", 56, 1000, 2000);
    assert_int_equal(pd->v[1].u, 500);
    assert_int_equal(pd->v[2].u, 800);
    fx_free(f);
}

/* Two relays: only the Remote-ID of the one closest to the client counts. */
static void send_relayed(struct fx *f, struct dk_bmsg *m, bool inner_has_id)
{
    struct dk_bmsg *inner = relay(f, m, 0, "::", "fe80::1");
    struct dk_bmsg *outer = relay(f, inner, 1, "2001:db8:1::1", "fe80::1");
    struct dk_bopt *o = dk_bmsg_add(&f->arena, inner_has_id ? inner : outer, DK_OPT_REMOTE_ID);
    dk_bopt_set_u(o, 0, 3561);
    dk_bopt_set_ref(o, 1, "cust1", 5);
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, outer), DK_VERDICT_REPLY);
}

static void test_relayed_remote_id(void **state)
{
    (void)state;
    struct fx *f = fx_csv("id,address,prefix\n"
                          "remote-id-str:3561:cust1,2001:db8:1::201,2001:db8:201::/56\n",
                          "");
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_PD, 1);
    req_ia(f, m, DK_OPT_IA_NA, 2);
    send_relayed(f, m, true);
    const struct dk_msg *r = find(find(f->reply, DK_OPT_RELAY_MSG)->msg, DK_OPT_RELAY_MSG)->msg;
    assert_prefix(find(r, DK_OPT_IA_PD), 0, "2001:db8:201::", 56, 604800, 2592000);
    assert_address(find(r, DK_OPT_IA_NA), "2001:db8:1::201", 604800, 2592000);

    /* The same Remote-ID from the outer relay is not the client's. */
    m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_PD, 1);
    send_relayed(f, m, false);
    r = find(find(f->reply, DK_OPT_RELAY_MSG)->msg, DK_OPT_RELAY_MSG)->msg;
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD);
    assert_int_equal(status_of(pd->opts, pd->nopts), DK_STATUS_NO_PREFIX_AVAIL);
    fx_free(f);
}

/* Solicit: the IA that already holds the prefix is preferred. */
static void test_prefers_holding_ia(void **state)
{
    (void)state;
    struct fx *f = fx_csv(rows, "");
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_ia(f, m, DK_OPT_IA_PD, 1);
    struct dk_bopt *ia = req_ia(f, m, DK_OPT_IA_PD, 2);
    req_ia_prefix(f, ia, "2001:db8:300::", 56, 0, 0);
    const struct dk_msg *r = fx_ask(f, m);
    const struct dk_opt *pd1 = nth(r, DK_OPT_IA_PD, 0), *pd2 = nth(r, DK_OPT_IA_PD, 1);
    if (pd1->v[0].u == 2) {
        const struct dk_opt *t = pd1;
        pd1 = pd2;
        pd2 = t;
    }
    assert_int_equal(pd2->v[0].u, 2);
    assert_prefix(pd2, 0, "2001:db8:300::", 56, 604800, 2592000);
    assert_int_equal(status_of(pd1->opts, pd1->nopts), DK_STATUS_NO_PREFIX_AVAIL);
    fx_free(f);
}

/* Renew after the assignment changed: the new prefix, and the old one at
 * lifetimes 0. */
static void test_renew_changed(void **state)
{
    (void)state;
    struct fx *f = fx_csv(rows, "");
    struct dk_bmsg *m = req_new(f, DK_MSG_RENEW);
    struct dk_bopt *ia = req_ia(f, m, DK_OPT_IA_PD, 1);
    req_ia_prefix(f, ia, "2001:db8:999::", 56, 100, 200);
    const struct dk_msg *r = fx_ask(f, m);
    const struct dk_opt *pd = find(r, DK_OPT_IA_PD);
    assert_int_equal(count_sub(pd, DK_OPT_IAPREFIX), 2);
    assert_prefix(pd, 0, "2001:db8:300::", 56, 604800, 2592000);
    assert_prefix(pd, 1, "2001:db8:999::", 56, 0, 0);
    fx_free(f);

    /* Unchanged: renewed, nothing withdrawn. Rebind the same. */
    f = fx_csv(rows, "");
    static const uint8_t types[] = {DK_MSG_RENEW, DK_MSG_REBIND};
    for (size_t i = 0; i < 2; i++) {
        m = req_new(f, types[i]);
        ia = req_ia(f, m, DK_OPT_IA_PD, 1);
        req_ia_prefix(f, ia, "2001:db8:300::", 56, 100, 200);
        r = fx_ask(f, m);
        pd = find(r, DK_OPT_IA_PD);
        assert_int_equal(count_sub(pd, DK_OPT_IAPREFIX), 1);
        assert_prefix(pd, 0, "2001:db8:300::", 56, 604800, 2592000);
    }
    fx_free(f);
}

static void test_confirm_release_decline(void **state)
{
    (void)state;
    struct fx *f = fx_csv("id,address,prefix\n"
                          "interface-id-str:eth0,2001:db8:1::100,2001:db8:100::/56\n",
                          "");
    /* Confirm of the assigned address: Success. */
    struct dk_bmsg *m = req_new(f, DK_MSG_CONFIRM);
    struct dk_bopt *ia = req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia_addr(f, ia, "2001:db8:1::100", 0, 0);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_SUCCESS);

    /* Release: acknowledged, no NoBinding. */
    m = req_new(f, DK_MSG_RELEASE);
    ia = req_ia(f, m, DK_OPT_IA_PD, 1);
    req_ia_prefix(f, ia, "2001:db8:100::", 56, 0, 0);
    r = fx_ask(f, m);
    assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_SUCCESS);
    assert_null(find(r, DK_OPT_IA_PD));

    /* Decline: acknowledged and logged as an error. */
    m = req_new(f, DK_MSG_DECLINE);
    ia = req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia_addr(f, ia, "2001:db8:1::100", 0, 0);
    r = fx_ask(f, m);
    assert_int_equal(status_of(r->opts, r->nopts), DK_STATUS_SUCCESS);
    assert_null(find(r, DK_OPT_IA_NA));
    bool seen = false;
    for (size_t i = 0; i < f->nlog; i++)
        if (strstr(f->log[i], "DECLINED its static address 2001:db8:1::100/128")) {
            seen = true;
            assert_int_equal(f->level[i], DK_LOGLEVEL_ERROR);
        }
    assert_true(seen);
    fx_free(f);
}

/* Confirm with a one-address IA_NA: the reply's top-level status. */
static uint16_t confirm_status(struct fx *f, const char *a1, const char *a2)
{
    struct dk_bmsg *m = req_new(f, DK_MSG_CONFIRM);
    struct dk_bopt *ia = req_ia(f, m, DK_OPT_IA_NA, 1);
    req_ia_addr(f, ia, a1, 0, 0);
    if (a2)
        req_ia_addr(f, req_ia(f, m, DK_OPT_IA_NA, 2), a2, 0, 0);
    const struct dk_msg *r = fx_ask(f, m);
    assert_null(find(r, DK_OPT_IA_NA));
    return status_of(r->opts, r->nopts);
}

/* RFC 8415 §18.3.3: inside a subnet filter (the INI form's link prefix and
 * additional-prefixes), Confirm checks addresses against the link's
 * prefixes, for clients in the table or not; the assigned address is on
 * link wherever it is. */
static void test_confirm_link_prefixes(void **state)
{
    (void)state;
    write_csv("id,address,prefix\n"
              "interface-id-str:eth0,2001:db8:9::100,\n");
    char conf[512];
    snprintf(conf, sizeof(conf),
             "<subnet 2001:db8:1::/64>\n<static-csv %s/>\n</subnet>\n", csv);
    struct fx *f = fx_new(conf);
    assert_int_equal(confirm_status(f, "2001:db8:1::55", NULL), DK_STATUS_SUCCESS);
    assert_int_equal(confirm_status(f, "2001:db8:9::100", NULL), DK_STATUS_SUCCESS);
    assert_int_equal(confirm_status(f, "2001:db8:1::55", "2001:db8:7::1"),
                     DK_STATUS_NOT_ON_LINK);
    assert_int_equal(confirm_status(f, "2001:db8:9::101", NULL), DK_STATUS_NOT_ON_LINK);
    fx_free(f);

    /* A client not in the table: the link decides alone. */
    write_csv("id,address,prefix\n"
              "duid:00:01,2001:db8:9::100,\n");
    f = fx_new(conf);
    assert_int_equal(confirm_status(f, "2001:db8:1::abcd", NULL), DK_STATUS_SUCCESS);
    assert_int_equal(confirm_status(f, "2001:db8:9::100", NULL), DK_STATUS_NOT_ON_LINK);
    fx_free(f);

    /* The INI form: the section's prefix and its additional-prefixes. */
    write_csv("id,address,prefix\n"
              "interface-id-str:eth0,2001:db8:1::100,\n");
    snprintf(conf, sizeof(conf),
             "[option CSVBasedFixedAssignment 2001:db8:1::/64]\n"
             "assignments-file = %s\n"
             "additional-prefixes = 2001:db8:2::/64 2001:db8:3:3::/64\n",
             csv);
    f = fx_new(conf);
    assert_int_equal(confirm_status(f, "2001:db8:2::5", "2001:db8:3:3::1"), DK_STATUS_SUCCESS);
    assert_int_equal(confirm_status(f, "2001:db8:1::100", "2001:db8:3:4::1"),
                     DK_STATUS_NOT_ON_LINK);
    fx_free(f);
}

/* A bad file refuses the pipeline, every bad row with file:line. */
static void test_bad_file(void **state)
{
    (void)state;
    write_csv("id,address,prefix\n"
              "interface-id-str:eth0,2001:db8:1::100,\n"
              "bogus:1,2001:db8:1::101,\n"
              "interface-id-str:eth0,2001:db8:1::102,\n");
    char conf[256];
    snprintf(conf, sizeof(conf), "\n<static-csv %s/>\n", csv);
    struct dk_config_errors errs;
    assert_null(fx_try(conf, &errs));
    char want[3][160], line[512];
    snprintf(want[0], sizeof(want[0]), "%s:3: unknown id form: 'bogus:1'", csv);
    snprintf(want[1], sizeof(want[1]), "%s:4: duplicate id, first on line 2", csv);
    snprintf(want[2], sizeof(want[2]), "/test/dhcpd.conf:2: <static-csv>: %s refused", csv);
    for (size_t w = 0; w < 3; w++) {
        bool seen = false;
        for (size_t i = 0; i < errs.n; i++) {
            dk_config_error_format(&errs.v[i], line, sizeof(line));
            seen |= strcmp(line, want[w]) == 0;
        }
        if (!seen)
            dk_config_errors_print(&errs, stderr);
        assert_true(seen);
    }
    dk_config_errors_clear(&errs);

    /* max-bad-rows 2 tolerates them, logged. */
    snprintf(conf, sizeof(conf), "<static-csv %s>\n max-bad-rows 2\n</static-csv>\n", csv);
    struct fx *f = fx_new(conf);
    snprintf(want[0], sizeof(want[0]), "%s:3: unknown id form: 'bogus:1' (row skipped", csv);
    assert_true(fx_logged(f, want[0]));
    assert_true(fx_logged(f, "1 assignments loaded, 2 bad rows skipped"));
    fx_free(f);
}

/* ---- the reload guard */

/* A CSV of the client's DUID row and ids duid:00:00..NN (from first to
 * last - 1), each with its own address. */
static void write_ids(const char *path, unsigned first, unsigned last, unsigned prefix_base)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "id,address,prefix\nduid:00:03:00:01:34:31:c4:3c:b2:f1,,2001:db8:%x::/56\n",
            prefix_base);
    for (unsigned i = first; i < last; i++)
        fprintf(fp, "duid:00:00:%02x:%02x,2001:db8:1::%x,\n", i >> 8, i & 0xff, i + 1);
    fclose(fp);
}

/* The pipeline a reload would build: conf, with old's pipeline in use. */
static struct dk_pipeline *reload_with(struct fx *old, struct fx *logto, const char *conf,
                                       bool force, struct dk_config_errors *errs)
{
    struct dk_config *cfg = fx_parse(conf, errs);
    assert_non_null(cfg);
    struct dk_pipeline_env env = {fx_log, logto, fx_clock, logto, old ? old->p : NULL, force};
    struct dk_pipeline *p = NULL;
    int rc = dk_pipeline_new_env(cfg, server_duid, sizeof(server_duid), &env, &p, errs);
    dk_config_free(cfg);
    if (rc)
        assert_null(p);
    return rc ? NULL : p;
}

static bool has_err(const struct dk_config_errors *errs, const char *s)
{
    char line[1024];
    for (size_t i = 0; i < errs->n; i++) {
        dk_config_error_format(&errs->v[i], line, sizeof(line));
        if (strstr(line, s))
            return true;
    }
    return false;
}

/* The client's prefix, as the pipeline answers a Solicit. */
static void assert_serves(struct fx *f, const char *prefix)
{
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_ia(f, m, DK_OPT_IA_PD, 1);
    const struct dk_opt *pd = find(fx_ask(f, m), DK_OPT_IA_PD);
    assert_non_null(pd);
    assert_prefix(pd, 0, prefix, 56, 604800, 2592000);
}

static void test_reload_guard(void **state)
{
    (void)state;
    char conf[512], want[512];
    struct dk_config_errors errs;
    /* 101 rows in use: the client's and 100 others. */
    write_ids(csv, 0, 100, 0x100);
    snprintf(conf, sizeof(conf), "<static-csv %s/>\n", csv);
    struct fx *old = fx_new(conf);
    assert_true(fx_logged(old, "101 assignments loaded"));
    struct fx logs = {0};

    /* At start-up there is no table in use: no guard. */
    write_ids(csv, 0, 10, 0x100);
    struct fx *fresh = fx_new(conf);
    fx_free(fresh);

    /* 30 of 101 removed (29 %): accepted, and said. */
    write_ids(csv, 30, 100, 0x200);
    struct dk_pipeline *p = reload_with(old, &logs, conf, false, &errs);
    assert_non_null(p);
    assert_int_equal(errs.n, 0);
    assert_true(fx_logged(&logs, "30 of the 101 assignments in use removed (29%), 71 rows now"));
    dk_pipeline_free(p);
    dk_config_errors_clear(&errs);

    /* 31 removed (30.7 %, more than 30): refused, with the counts and how
     * to force it; the old pipeline still answers. */
    write_ids(csv, 31, 100, 0x200);
    assert_null(reload_with(old, &logs, conf, false, &errs));
    snprintf(want, sizeof(want),
             "/test/dhcpd.conf:1: <static-csv %s>: the new file would remove 31 of the 101 "
             "assignments in use (30%%, more than max-removed-percent 30; it has 70 rows): "
             "refused, the running table stays; to load it anyway: ipv6-dhcpctl reload --force",
             csv);
    if (!has_err(&errs, want))
        dk_config_errors_print(&errs, stderr);
    assert_true(has_err(&errs, want));
    dk_config_errors_clear(&errs);
    assert_serves(old, "2001:db8:100::");

    /* Forced: accepted, and logged as forced. */
    p = reload_with(old, &logs, conf, true, &errs);
    assert_non_null(p);
    assert_true(fx_logged(&logs, "31 of the 101 assignments in use removed (30%), 70 rows now: "
                                 "past max-removed-percent, forced"));
    dk_pipeline_free(p);
    dk_config_errors_clear(&errs);

    /* Changed rows are not removed ones: the same ids, new prefix. */
    write_ids(csv, 0, 100, 0x300);
    p = reload_with(old, &logs, conf, false, &errs);
    assert_non_null(p);
    dk_pipeline_free(p);
    dk_config_errors_clear(&errs);

    /* The threshold is the new config's: 50 lets 31 % pass, 10 refuses 20 %. */
    write_ids(csv, 31, 100, 0x200);
    snprintf(conf, sizeof(conf), "<static-csv %s>\n max-removed-percent 50\n</static-csv>\n", csv);
    p = reload_with(old, &logs, conf, false, &errs);
    assert_non_null(p);
    dk_pipeline_free(p);
    dk_config_errors_clear(&errs);
    write_ids(csv, 20, 100, 0x200);
    snprintf(conf, sizeof(conf), "<static-csv %s>\n max-removed-percent 10\n</static-csv>\n", csv);
    assert_null(reload_with(old, &logs, conf, false, &errs));
    assert_true(has_err(&errs, "would remove 20 of the 101 assignments in use (19%, more than "
                               "max-removed-percent 10; it has 81 rows)"));
    dk_config_errors_clear(&errs);
    /* 100: no guard, even for an empty file. */
    write_csv("id,address,prefix\n");
    snprintf(conf, sizeof(conf), "<static-csv %s>\n max-removed-percent 100\n</static-csv>\n", csv);
    p = reload_with(old, &logs, conf, false, &errs);
    assert_non_null(p);
    dk_pipeline_free(p);
    dk_config_errors_clear(&errs);

    /* Another file is another table: nothing to compare with. */
    char other[64];
    snprintf(other, sizeof(other), "/tmp/dk-test-static2-XXXXXX");
    int fd = mkstemp(other);
    assert_true(fd >= 0);
    close(fd);
    write_ids(other, 0, 5, 0x200);
    snprintf(conf, sizeof(conf), "<static-csv %s/>\n", other);
    p = reload_with(old, &logs, conf, false, &errs);
    unlink(other);
    assert_non_null(p);
    dk_pipeline_free(p);
    dk_config_errors_clear(&errs);

    assert_serves(old, "2001:db8:100::");
    fx_free(old);
    for (size_t i = 0; i < logs.nlog; i++)
        free(logs.log[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_interface_id),
        cmocka_unit_test(test_lifetimes_and_timing),
        cmocka_unit_test(test_relayed_remote_id),
        cmocka_unit_test(test_prefers_holding_ia),
        cmocka_unit_test(test_renew_changed),
        cmocka_unit_test(test_confirm_release_decline),
        cmocka_unit_test(test_confirm_link_prefixes),
        cmocka_unit_test(test_reload_guard),
        cmocka_unit_test(test_bad_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
