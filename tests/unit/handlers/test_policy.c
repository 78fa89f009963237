/* SPDX-License-Identifier: GPL-3.0-or-later */
/* server-unicast and ignore-request (src/handlers/policy.c). */
#include "fixture.h"

/* RFC 8415 §21.12: the address clients may unicast to, in Advertise and
 * Reply; the first section wins. */
static void test_server_unicast_option(void **state)
{
    (void)state;
    struct fx *f = fx_new("<subnet 2001:db8:1::/48>\n <server-unicast>\n  address 2001:db8::547\n"
                          " </server-unicast>\n</subnet>\n"
                          "<server-unicast>\n address 2001:db8::1\n</server-unicast>\n");
    const struct dk_msg *r = fx_ask(f, req_new(f, DK_MSG_SOLICIT));
    assert_int_equal(count(r, DK_OPT_UNICAST), 1);
    const struct dk_opt *u = find(r, DK_OPT_UNICAST);
    assert_int_equal(u->len, 16);
    assert_addr(u->v[0].p, u->v[0].n, "2001:db8::547");
    r = fx_ask(f, req_new(f, DK_MSG_RENEW));
    assert_non_null(find(r, DK_OPT_UNICAST));
    fx_free(f);
}

/* Unicast from a client is refused only where no server-unicast applies. */
static void test_server_unicast_per_subnet(void **state)
{
    (void)state;
    struct fx *f = fx_new("<subnet 2001:db8:1::/48>\n <server-unicast>\n  address 2001:db8::547\n"
                          " </server-unicast>\n</subnet>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_RENEW);
    fx_rx_direct(f);
    f->rx.multicast = false;
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    assert_false(f->res.use_multicast);
    fx_rx_direct(f);
    f->rx.multicast = false;
    addr("2001:db8:2::1", (uint8_t *)&f->rx.link_address);
    assert_int_equal(fx_send(f, m), DK_VERDICT_REPLY);
    assert_true(f->res.use_multicast);
    assert_int_equal(status_of(f->reply->opts, f->reply->nopts), DK_STATUS_USE_MULTICAST);
    fx_free(f);
}

static void test_ignore_all(void **state)
{
    (void)state;
    struct fx *f = fx_new("<ignore-request/>\n");
    static const uint8_t types[] = {DK_MSG_SOLICIT, DK_MSG_REQUEST, DK_MSG_RENEW, DK_MSG_RELEASE,
                                    DK_MSG_INFORMATION_REQUEST};
    for (size_t i = 0; i < sizeof(types); i++) {
        fx_rx_direct(f);
        assert_int_equal(fx_send(f, req_new(f, types[i])), DK_VERDICT_DO_NOT_RESPOND);
        assert_string_equal(f->res.why, "ignore-request");
    }
    fx_free(f);
}

static void test_ignore_types(void **state)
{
    (void)state;
    struct fx *f = fx_new("<ignore-request>\n message-type solicit\n"
                          " message-type information-request\n</ignore-request>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_INFORMATION_REQUEST)), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_REQUEST)), DK_VERDICT_REPLY);
    fx_free(f);
}

/* Inside a filter: only the clients the filter matches. */
static void test_ignore_in_subnet(void **state)
{
    (void)state;
    struct fx *f = fx_new("<subnet 2001:db8:1:2::/64>\n <ignore-request/>\n</subnet>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_REPLY);
    fx_rx_direct(f);
    addr("2001:db8:1:2::1", (uint8_t *)&f->rx.link_address);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_DO_NOT_RESPOND);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_unicast_option),
        cmocka_unit_test(test_server_unicast_per_subnet),
        cmocka_unit_test(test_ignore_all),
        cmocka_unit_test(test_ignore_types),
        cmocka_unit_test(test_ignore_in_subnet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
