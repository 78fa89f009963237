/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The 2-octet framing of DHCPv6 over TCP (src/server/tcpframe.c, RFC 5460 §5.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <dhcpkit/wire.h>

#include "tcpframe.h"

/* A framed Leasequery of n octets (type, xid, padding). */
static size_t frame(uint8_t *p, size_t n)
{
    dk__tcpframe_put(p, n);
    p[2] = DK_MSG_LEASEQUERY;
    for (size_t i = 1; i < n; i++)
        p[2 + i] = (uint8_t)i;
    return 2 + n;
}

static void test_whole(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t len = frame(b, 20), mlen;
    const char *why;
    assert_int_equal(dk__tcpframe_next(b, len, &mlen, &why), DK_TCPFRAME_MSG);
    assert_int_equal(mlen, 20);
    assert_null(why);
    /* Two back to back: the first, then (after the caller moves on) the second. */
    size_t len2 = frame(b + len, 7);
    assert_int_equal(dk__tcpframe_next(b, len + len2, &mlen, &why), DK_TCPFRAME_MSG);
    assert_int_equal(mlen, 20);
    assert_int_equal(dk__tcpframe_next(b + len, len2, &mlen, &why), DK_TCPFRAME_MSG);
    assert_int_equal(mlen, 7);
}

/* Truncated at every offset: more, never a message, never refused. */
static void test_truncation(void **state)
{
    (void)state;
    uint8_t b[64];
    size_t len = frame(b, 30), mlen;
    const char *why;
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(dk__tcpframe_next(b, cut, &mlen, &why), DK_TCPFRAME_MORE);
    /* Length field one more than what is there: more; one less: a shorter
     * message (the rest is the next frame's). */
    dk__tcpframe_put(b, 31);
    assert_int_equal(dk__tcpframe_next(b, len, &mlen, &why), DK_TCPFRAME_MORE);
    dk__tcpframe_put(b, 29);
    assert_int_equal(dk__tcpframe_next(b, len, &mlen, &why), DK_TCPFRAME_MSG);
    assert_int_equal(mlen, 29);
}

static void test_refused(void **state)
{
    (void)state;
    uint8_t b[8] = {0, 0, DK_MSG_LEASEQUERY};
    size_t mlen;
    const char *why;
    /* RFC 5460 §5.2 framing: a length of 0 carries no message. */
    assert_int_equal(dk__tcpframe_next(b, 2, &mlen, &why), DK_TCPFRAME_BAD);
    assert_string_equal(why, "a message of length 0");
    /* Only Leasequery, refused as soon as its first octet is in. */
    static const uint8_t others[] = {DK_MSG_SOLICIT, DK_MSG_RELAY_FORW, DK_MSG_LEASEQUERY_REPLY,
                                     DK_MSG_LEASEQUERY_DATA, 0, 255};
    for (size_t i = 0; i < sizeof(others); i++) {
        uint8_t m[3] = {0x10, 0x00, others[i]};
        assert_int_equal(dk__tcpframe_next(m, 3, &mlen, &why), DK_TCPFRAME_BAD);
        assert_string_equal(why, "not a Leasequery");
    }
}

static void test_largest(void **state)
{
    (void)state;
    static uint8_t b[DK_TCPFRAME_MAX];
    size_t len = frame(b, 65535), mlen;
    const char *why;
    assert_int_equal(len, DK_TCPFRAME_MAX);
    assert_int_equal(dk__tcpframe_next(b, len - 1, &mlen, &why), DK_TCPFRAME_MORE);
    assert_int_equal(dk__tcpframe_next(b, len, &mlen, &why), DK_TCPFRAME_MSG);
    assert_int_equal(mlen, 65535);
    assert_int_equal(b[0], 0xff);
    assert_int_equal(b[1], 0xff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_largest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
