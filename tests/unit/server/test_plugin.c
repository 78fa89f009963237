/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Plug-ins (src/server/plugin.c): the example of examples/plugin loaded from
 * a config and seen in the reply; its items range-checked with file:line
 * messages; a copy built for another handler ABI refused with a clear
 * message; files that are not plug-ins refused; per-worker and
 * per-transaction state (the probe plug-in checks the promises itself).
 */
#include <stdlib.h>

#include "fixture.h"

/* The vendor option of the example plug-in in r, or NULL. */
static const struct dk_opt *example_option(const struct dk_msg *r, uint32_t enterprise)
{
    for (size_t i = 0; i < r->nopts; i++)
        if (r->opts[i].code == DK_OPT_VENDOR_OPTS && r->opts[i].v[0].u == enterprise)
            return &r->opts[i];
    return NULL;
}

static void assert_level(const struct dk_opt *o, uint32_t level)
{
    assert_non_null(o);
    assert_int_equal(o->nopts, 1);
    assert_int_equal(o->opts[0].code, 1);
    assert_int_equal(o->opts[0].space, DK_SPACE_VENDOR);
    assert_int_equal(o->opts[0].v[0].n, 4);
    const uint8_t *p = o->opts[0].v[0].p;
    assert_int_equal((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3],
                     level);
}

static void example_answers(const char *path)
{
    char conf[512];
    snprintf(conf, sizeof(conf), "<plugin %s>\n  level 42\n</plugin>\n", path);
    struct fx *f = fx_new(conf);
    /* Asked for option 17: there, with the configured level. */
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    req_oro(f, m, 1, DK_OPT_VENDOR_OPTS);
    const struct dk_msg *r = fx_ask(f, m);
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    assert_level(example_option(r, 40208), 42);
    /* Not asked for: left out. */
    m = req_new(f, DK_MSG_REQUEST);
    req_oro(f, m, 1, DK_OPT_DNS_SERVERS);
    r = fx_ask(f, m);
    assert_null(find(r, DK_OPT_VENDOR_OPTS));
    fx_free(f);
}

static void test_example_plugin(void **state)
{
    (void)state;
    example_answers(EXAMPLE_PLUGIN);
}

/* The same plug-in built out of tree with its Makefile and pkg-config
 * (tests/unit/server/plugin-make.sh sets EXAMPLE_MAKE_SO). */
static void test_example_plugin_makefile(void **state)
{
    (void)state;
    const char *so = getenv("EXAMPLE_MAKE_SO");
    if (!so || !*so)
        skip();
    example_answers(so);
}

/* Defaults and the other items; two instances add two options. */
static void test_example_plugin_items(void **state)
{
    (void)state;
    struct fx *f = fx_new("<plugin " EXAMPLE_PLUGIN ">\n level 1000\n always-send yes\n"
                          " enterprise-number 3561\n</plugin>\n"
                          "<plugin " EXAMPLE_PLUGIN ">\n level 1\n always-send yes\n"
                          "</plugin>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_INFORMATION_REQUEST);
    req_oro(f, m, 1, DK_OPT_DNS_SERVERS);
    const struct dk_msg *r = fx_ask(f, m);
    assert_level(example_option(r, 3561), 1000);
    assert_level(example_option(r, 40208), 1);
    fx_free(f);
}

/* The pipeline refuses conf; errors[i] must each be found in one message,
 * formatted as file:line: message. */
static void refused(const char *conf, size_t n, const char *const *errors)
{
    struct dk_config_errors errs;
    struct fx *f = fx_try(conf, &errs);
    assert_null(f);
    char line[1024];
    if (errs.n != n) {
        dk_config_errors_print(&errs, stderr);
        fail_msg("%zu errors, expected %zu", errs.n, n);
    }
    for (size_t i = 0; i < n; i++) {
        dk_config_error_format(&errs.v[i], line, sizeof(line));
        if (strcmp(line, errors[i]) != 0)
            fail_msg("error '%s', expected '%s'", line, errors[i]);
    }
    dk_config_errors_clear(&errs);
}

/* A copy built with -DDK_HANDLER_ABI_OVERRIDE=99 is refused, clearly. */
static void test_abi_mismatch(void **state)
{
    (void)state;
    const char *err[] = {"/test/dhcpd.conf:2: plugin " EXAMPLE_PLUGIN_ABI99
                         ": built for handler ABI 99, this server has 1"};
    refused("# the example, built for ABI 99\n<plugin " EXAMPLE_PLUGIN_ABI99 ">\n level 42\n"
            "</plugin>\n",
            1, err);
}

static void test_item_range(void **state)
{
    (void)state;
    const char *low[] = {"/test/dhcpd.conf:2: plugin " EXAMPLE_PLUGIN
                         ": bad value for level: must be a whole number from 1 to 1000"};
    refused("<plugin " EXAMPLE_PLUGIN ">\n level 0\n</plugin>\n", 1, low);
    const char *high[] = {"/test/dhcpd.conf:3: plugin " EXAMPLE_PLUGIN
                          ": bad value for level: must be a whole number from 1 to 1000"};
    refused("<plugin " EXAMPLE_PLUGIN ">\n always-send yes\n level 1001\n</plugin>\n", 1, high);
    const char *nan[] = {"/test/dhcpd.conf:2: plugin " EXAMPLE_PLUGIN
                         ": bad value for level: must be a whole number from 1 to 1000"};
    refused("<plugin " EXAMPLE_PLUGIN ">\n level 4x\n</plugin>\n", 1, nan);
    const char *boolean[] = {"/test/dhcpd.conf:3: plugin " EXAMPLE_PLUGIN
                             ": bad value for always-send: must be yes or no (true/false, on/off)"};
    refused("<plugin " EXAMPLE_PLUGIN ">\n level 4\n always-send maybe\n</plugin>\n", 1, boolean);
}

static void test_item_presence(void **state)
{
    (void)state;
    const char *missing[] = {"/test/dhcpd.conf:1: plugin " EXAMPLE_PLUGIN ": needs 'level'"};
    refused("<plugin " EXAMPLE_PLUGIN ">\n always-send yes\n</plugin>\n", 1, missing);
    const char *twice[] = {"/test/dhcpd.conf:1: plugin " EXAMPLE_PLUGIN
                           ": 'level' may be given only once"};
    refused("<plugin " EXAMPLE_PLUGIN ">\n level 4\n level 5\n</plugin>\n", 1, twice);
    const char *unknown[] = {"/test/dhcpd.conf:3: plugin " EXAMPLE_PLUGIN ": unknown key 'colour'"};
    refused("<plugin " EXAMPLE_PLUGIN ">\n level 4\n colour blue\n</plugin>\n", 1, unknown);
}

/* Every bad section is reported, not only the first. */
static void test_every_error_reported(void **state)
{
    (void)state;
    const char *err[] = {
        "/test/dhcpd.conf:2: plugin " EXAMPLE_PLUGIN ": bad value for level: must be a whole "
        "number from 1 to 1000",
        "/test/dhcpd.conf:4: plugin " EXAMPLE_PLUGIN_ABI99
        ": built for handler ABI 99, this server has 1",
        "/test/dhcpd.conf:7: plugin " EXAMPLE_PLUGIN ": needs 'level'",
    };
    refused("<plugin " EXAMPLE_PLUGIN ">\n level 0\n</plugin>\n"
            "<plugin " EXAMPLE_PLUGIN_ABI99 ">\n level 1\n</plugin>\n"
            "<plugin " EXAMPLE_PLUGIN "/>\n",
            3, err);
}

static void test_not_a_plugin(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    assert_null(fx_try("<plugin /nonexistent/plugin.so/>\n", &errs));
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.v[0].line, 1);
    assert_non_null(strstr(errs.v[0].message, "plugin /nonexistent/plugin.so: cannot load it"));
    dk_config_errors_clear(&errs);
    /* A shared object without the descriptor: libdhcpkit itself. */
    assert_null(fx_try("\n<plugin " LIBDHCPKIT "/>\n", &errs));
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.v[0].line, 2);
    assert_non_null(strstr(errs.v[0].message, "no symbol dk_handler_api"));
    dk_config_errors_clear(&errs);
}

/* The item types of the probe: prefixes without host bits, enums, IPv6
 * addresses, repeatable keys. */
static void test_item_types(void **state)
{
    (void)state;
    const char *host_bits[] = {"/test/dhcpd.conf:2: plugin " PROBE_PLUGIN
                               ": bad value for assign-prefix: the prefix has host bits set"};
    refused("<plugin " PROBE_PLUGIN ">\n assign-prefix 2001:db8:1:1::/48\n</plugin>\n", 1,
            host_bits);
    const char *word[] = {"/test/dhcpd.conf:2: plugin " PROBE_PLUGIN
                          ": bad value for result: must be one of continue, fail, ignore, "
                          "not-allowed, rate-limited, other-server, status, negative, bogus"};
    refused("<plugin " PROBE_PLUGIN ">\n result maybe\n</plugin>\n", 1, word);
    const char *v6[] = {"/test/dhcpd.conf:2: plugin " PROBE_PLUGIN
                        ": bad value for assign-address: must be a unicast address"};
    refused("<plugin " PROBE_PLUGIN ">\n assign-address ff02::1\n</plugin>\n", 1, v6);
    const char *len[] = {"/test/dhcpd.conf:2: plugin " PROBE_PLUGIN
                         ": bad value for mark: longer than 16 characters"};
    refused("<plugin " PROBE_PLUGIN ">\n mark 12345678901234567\n</plugin>\n", 1, len);
    /* Accepted: a repeatable key, times with suffixes, enum case. */
    struct fx *f = fx_new("<plugin " PROBE_PLUGIN ">\n mark a\n mark b\n preferred 1h\n"
                          " valid 1d\n assign-address 2001:db8:1::7\n result CONTINUE\n"
                          "</plugin>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    req_ia(f, m, DK_OPT_IA_NA, 1);
    const struct dk_msg *r = fx_ask(f, m);
    const struct dk_opt *ia = find(r, DK_OPT_IA_NA);
    assert_int_equal(ia->opts[0].v[1].u, 3600);
    assert_int_equal(ia->opts[0].v[2].u, 86400);
    fx_free(f);
}

/* Per worker: each worker gets its own state once per pipeline; per
 * transaction: a slot that starts empty (the probe fails the transaction,
 * a handling error, if either promise breaks). */
static void test_worker_and_transaction_state(void **state)
{
    (void)state;
    struct fx *f = fx_new("<plugin " PROBE_PLUGIN "/>\n");
    struct dk_worker *w2 = dk_worker_new();
    assert_non_null(w2);
    for (int i = 0; i < 5; i++) {
        fx_ask(f, req_new(f, DK_MSG_SOLICIT));
        struct dk_worker *w1 = f->w;
        f->w = w2;
        fx_ask(f, req_new(f, DK_MSG_SOLICIT));
        f->w = w1;
    }
    dk_worker_free(w2);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_plugin),
        cmocka_unit_test(test_example_plugin_makefile),
        cmocka_unit_test(test_example_plugin_items),
        cmocka_unit_test(test_abi_mismatch),
        cmocka_unit_test(test_item_range),
        cmocka_unit_test(test_item_presence),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_not_a_plugin),
        cmocka_unit_test(test_item_types),
        cmocka_unit_test(test_worker_and_transaction_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
