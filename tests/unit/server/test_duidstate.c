/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server DUID: configured, or kept in a state file (src/server/duidstate.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "duidstate.h"

static char dir[] = "/tmp/dhcpkit-duid-XXXXXX";

static struct dk_config *parse(const char *text)
{
    struct dk_config *cfg = NULL;
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    int rc = dk_config_parse_buffer("test.conf", text, strlen(text), DK_CONFIG_NESTED, &cfg, &errs);
    if (rc != 0)
        dk_config_errors_print(&errs, stderr);
    dk_config_errors_clear(&errs);
    assert_int_equal(rc, 0);
    return cfg;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_configured(void **state)
{
    (void)state;
    uint8_t d[DK_DUID_MAX];
    size_t n = 0;
    struct dk_config *cfg = parse("<duid-en>\n    enterprise-number 40208\n"
                                  "    identifier 0102\n</duid-en>\n");
    assert_int_equal(dk__duid_configured(dk_config_root(cfg), d, &n), 1);
    static const uint8_t en[] = {0, 2, 0, 0, 0x9d, 0x10, 1, 2};
    assert_int_equal(n, sizeof(en));
    assert_memory_equal(d, en, sizeof(en));
    dk_config_free(cfg);

    cfg = parse("<duid-ll>\n    hardware-type 1\n    link-layer-address 00:24:36:ef:1d:89\n"
                "</duid-ll>\n");
    static const uint8_t ll[] = {0, 3, 0, 1, 0x00, 0x24, 0x36, 0xef, 0x1d, 0x89};
    assert_int_equal(dk__duid_configured(dk_config_root(cfg), d, &n), 1);
    assert_int_equal(n, sizeof(ll));
    assert_memory_equal(d, ll, sizeof(ll));
    dk_config_free(cfg);

    /* RFC 8415 §11.2: seconds since 2000-01-01T00:00:00Z. */
    cfg = parse("<duid-llt>\n    hardware-type 1\n    link-layer-address 0024\n"
                "    timestamp 2000-01-01T00:01:40Z\n</duid-llt>\n");
    static const uint8_t llt[] = {0, 1, 0, 1, 0, 0, 0, 100, 0x00, 0x24};
    assert_int_equal(dk__duid_configured(dk_config_root(cfg), d, &n), 1);
    assert_int_equal(n, sizeof(llt));
    assert_memory_equal(d, llt, sizeof(llt));
    dk_config_free(cfg);

    cfg = parse("workers 2\n");
    assert_int_equal(dk__duid_configured(dk_config_root(cfg), d, &n), 0);
    dk_config_free(cfg);
}

static struct dk_config *state_conf(const char *file)
{
    char text[512];
    snprintf(text, sizeof(text), "server-duid-file %s/%s\n", dir, file);
    return parse(text);
}

static void test_state_file(void **state)
{
    (void)state;
    uint8_t d[DK_DUID_MAX], d2[DK_DUID_MAX];
    size_t n, n2;
    char err[512], path[256];
    struct dk_nl_if ifs[2] = {
        {.index = 1, .hwtype = 772, .hwlen = 6},
        {.index = 3, .hwtype = 1, .hwlen = 6, .hw = {0x02, 0, 0, 0, 0x01, 0x02}}};
    struct dk_netstate st = {.ifs = ifs, .nifs = 2};
    struct dk_config *cfg = state_conf("sub/dir/server-duid");

    /* -n: nothing is written. */
    assert_int_equal(dk__server_duid(dk_config_root(cfg), &st, false, d, &n, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/sub/dir/server-duid", dir);
    assert_int_not_equal(access(path, F_OK), 0);

    /* Generated: DUID-LLT from the Ethernet interface, in a new folder. */
    assert_int_equal(dk__server_duid(dk_config_root(cfg), &st, true, d, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 14);
    assert_int_equal(d[1], 1); /* LLT */
    assert_int_equal(d[3], 1); /* Ethernet */
    assert_memory_equal(d + 8, ifs[1].hw, 6);
    assert_int_equal(access(path, R_OK), 0);

    /* Kept: the second time it is read back, whatever the interfaces. */
    struct dk_netstate none = {0};
    assert_int_equal(dk__server_duid(dk_config_root(cfg), &none, true, d2, &n2, err, sizeof(err)),
                     0);
    assert_int_equal(n2, n);
    assert_memory_equal(d2, d, n);

    /* Hex with colons and blanks is read too; garbage is an error. */
    FILE *f = fopen(path, "w");
    fputs(" 00:03:00:01:02:00:00:00:00:09 \n", f);
    fclose(f);
    assert_int_equal(dk__server_duid(dk_config_root(cfg), &st, true, d, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 10);
    assert_int_equal(d[9], 9);
    f = fopen(path, "w");
    fputs("not a duid\n", f);
    fclose(f);
    assert_int_equal(dk__server_duid(dk_config_root(cfg), &st, true, d, &n, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    f = fopen(path, "w");
    fputs("0001\n", f); /* too short for a DUID */
    fclose(f);
    assert_int_equal(dk__server_duid(dk_config_root(cfg), &st, true, d, &n, err, sizeof(err)), -1);
    dk_config_free(cfg);

    /* Without an Ethernet address: a DUID-UUID (RFC 6355), version 4. */
    cfg = state_conf("uuid");
    assert_int_equal(dk__server_duid(dk_config_root(cfg), &none, true, d, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 18);
    assert_int_equal(d[1], 4);
    assert_int_equal(d[2 + 6] >> 4, 4);
    assert_int_equal(d[2 + 8] & 0xc0, 0x80);
    dk_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_configured),
        cmocka_unit_test(test_state_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
