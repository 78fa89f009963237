/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * static-csv, static-sqlite, static-lmdb (src/handlers/static.c) until
 * issue 4: accepted, with a warning naming the section, and assigning
 * nothing (the client's IAs are refused).
 */
#include "fixture.h"

static void test_static_placeholder(void **state)
{
    (void)state;
    static const char *const types[] = {"static-csv", "static-sqlite", "static-lmdb"};
    for (size_t i = 0; i < 3; i++) {
        char conf[256], want[256];
        snprintf(conf, sizeof(conf),
                 "\n<subnet 2001:db8:1::/48>\n <%s assignments.x/>\n</subnet>\n", types[i]);
        struct fx *f = fx_new(conf);
        snprintf(want, sizeof(want),
                 "/test/dhcpd.conf:3: <%s assignments.x>: static assignments "
                 "are not implemented yet",
                 types[i]);
        assert_true(fx_logged(f, want));
        assert_int_equal(f->level[0], DK_LOGLEVEL_WARNING);
        struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
        req_ia(f, m, DK_OPT_IA_PD, 1);
        const struct dk_opt *pd = find(fx_ask(f, m), DK_OPT_IA_PD);
        assert_int_equal(status_of(pd->opts, pd->nopts), DK_STATUS_NO_PREFIX_AVAIL);
        fx_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_placeholder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
