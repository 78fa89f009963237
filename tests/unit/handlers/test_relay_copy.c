/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * copy-remote-id, copy-subscriber-id, copy-linklayer-id
 * (src/handlers/relay_copy.c): each relay's option back in its own
 * Relay-reply, unchanged; nothing for relays that sent none.
 */
#include "fixture.h"

static const uint8_t remote[] = {0x02, 0x00, 0x23, 0x00, 0x00, 0x01};
static const uint8_t sub[] = {'c', 'u', 's', 't', '4', '2'};
static const uint8_t mac[] = {0x00, 0x24, 0x36, 0xef, 0x1d, 0x89};

/* Two relays: the outer one sends all three options, the inner one only a
 * Remote-ID with another enterprise number. */
static void send_chain(struct fx *f)
{
    struct dk_bmsg *inner = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "::", "fe80::1");
    struct dk_bopt *o = dk_bmsg_add(&f->arena, inner, DK_OPT_REMOTE_ID);
    dk_bopt_set_u(o, 0, 9);
    dk_bopt_set_ref(o, 1, remote, sizeof(remote));
    struct dk_bmsg *outer = relay(f, inner, 1, "2001:db8:1::1", "fe80::1");
    o = dk_bmsg_add(&f->arena, outer, DK_OPT_REMOTE_ID);
    dk_bopt_set_u(o, 0, 40208);
    dk_bopt_set_ref(o, 1, remote, 3);
    add_bytes(f, outer, DK_OPT_SUBSCRIBER_ID, sub, sizeof(sub));
    o = dk_bmsg_add(&f->arena, outer, DK_OPT_CLIENT_LINKLAYER_ADDR);
    dk_bopt_set_u(o, 0, 1);
    dk_bopt_set_ref(o, 1, mac, sizeof(mac));
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, outer), DK_VERDICT_REPLY);
}

static const struct dk_msg *inner_reply(const struct fx *f)
{
    return find(f->reply, DK_OPT_RELAY_MSG)->msg;
}

static void test_copy_none(void **state)
{
    (void)state;
    struct fx *f = fx_new("");
    send_chain(f);
    assert_null(find(f->reply, DK_OPT_REMOTE_ID));
    assert_null(find(f->reply, DK_OPT_SUBSCRIBER_ID));
    assert_null(find(f->reply, DK_OPT_CLIENT_LINKLAYER_ADDR));
    fx_free(f);
}

static void test_copy_remote_id(void **state)
{
    (void)state;
    struct fx *f = fx_new("<copy-remote-id/>\n");
    send_chain(f);
    const struct dk_opt *o = find(f->reply, DK_OPT_REMOTE_ID);
    assert_non_null(o);
    assert_int_equal(o->v[0].u, 40208);
    assert_int_equal(o->v[1].n, 3);
    assert_memory_equal(o->v[1].p, remote, 3);
    o = find(inner_reply(f), DK_OPT_REMOTE_ID);
    assert_non_null(o);
    assert_int_equal(o->v[0].u, 9);
    assert_int_equal(o->v[1].n, sizeof(remote));
    assert_null(find(f->reply, DK_OPT_SUBSCRIBER_ID));
    fx_free(f);
}

static void test_copy_subscriber_id(void **state)
{
    (void)state;
    struct fx *f = fx_new("<copy-subscriber-id/>\n");
    send_chain(f);
    const struct dk_opt *o = find(f->reply, DK_OPT_SUBSCRIBER_ID);
    assert_non_null(o);
    assert_int_equal(o->v[0].n, sizeof(sub));
    assert_memory_equal(o->v[0].p, sub, sizeof(sub));
    assert_null(find(inner_reply(f), DK_OPT_SUBSCRIBER_ID));
    assert_null(find(f->reply, DK_OPT_REMOTE_ID));
    fx_free(f);
}

static void test_copy_linklayer_id(void **state)
{
    (void)state;
    struct fx *f = fx_new("<copy-linklayer-id/>\n");
    send_chain(f);
    const struct dk_opt *o = find(f->reply, DK_OPT_CLIENT_LINKLAYER_ADDR);
    assert_non_null(o);
    assert_int_equal(o->v[0].u, 1);
    assert_memory_equal(o->v[1].p, mac, sizeof(mac));
    fx_free(f);
}

/* Copied once, even when an Echo Request asks for it too. */
static void test_copy_and_echo(void **state)
{
    (void)state;
    struct fx *f = fx_new("<copy-subscriber-id/>\n");
    struct dk_bmsg *r = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "2001:db8:1::1", "fe80::1");
    add_bytes(f, r, DK_OPT_SUBSCRIBER_ID, sub, sizeof(sub));
    static const uint8_t ero[] = {0, DK_OPT_SUBSCRIBER_ID};
    add_bytes(f, r, DK_OPT_ERO, ero, sizeof(ero));
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    assert_int_equal(count(f->reply, DK_OPT_SUBSCRIBER_ID), 1);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_none),          cmocka_unit_test(test_copy_remote_id),
        cmocka_unit_test(test_copy_subscriber_id), cmocka_unit_test(test_copy_linklayer_id),
        cmocka_unit_test(test_copy_and_echo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
