/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/wire/duid.c: RFC 8415 §11 and RFC 6355 DUIDs. */
#include "test_util.h"

#include <stdbool.h>

#include <dhcpkit/duid.h>
#include <dhcpkit/wire.h>

static void parse_each_type(void **state)
{
    (void)state;
    uint8_t b[160];
    struct dk_duid d;
    size_t n = unhex("0001 0001 5e0a3c1b 001122334455", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    assert_int_equal(d.type, DK_DUID_LLT);
    assert_int_equal(d.hw_type, 1);
    assert_int_equal(d.time, 0x5e0a3c1b);
    assert_int_equal(d.idlen, 6);
    assert_ptr_equal(d.id, b + 8);

    n = unhex("0002 00009d10 303132", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    assert_int_equal(d.type, DK_DUID_EN);
    assert_int_equal(d.enterprise, 40208);
    assert_int_equal(d.idlen, 3);
    assert_memory_equal(d.id, "012", 3);

    n = unhex("0003 0001 001122334455", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    assert_int_equal(d.type, DK_DUID_LL);
    assert_int_equal(d.hw_type, 1);
    assert_int_equal(d.idlen, 6);

    n = unhex("0004 00112233445566778899aabbccddeeff", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    assert_int_equal(d.type, DK_DUID_UUID);
    assert_int_equal(d.idlen, 16);
}

static void length_boundaries(void **state)
{
    (void)state;
    uint8_t b[200];
    struct dk_duid d;
    memset(b, 0x5a, sizeof(b));
    b[0] = 0x12; /* an unknown type, 0x125a: only the length rules apply */
    /* RFC 8415 §11.1: 2 octets of type + 1..128 octets. */
    assert_int_equal(dk_duid_parse(b, 0, &d), DK_EDUID);
    assert_int_equal(dk_duid_parse(b, 2, &d), DK_EDUID);
    assert_int_equal(dk_duid_parse(b, 3, &d), 0);
    assert_int_equal(d.idlen, 1);
    assert_int_equal(dk_duid_parse(b, 130, &d), 0);
    assert_int_equal(d.idlen, 128);
    assert_int_equal(dk_duid_parse(b, 131, &d), DK_EDUID);
    /* The same at both ends for a known type (LL with a long address). */
    b[0] = 0x00;
    b[1] = 0x03;
    assert_int_equal(dk_duid_parse(b, 130, &d), 0);
    assert_int_equal(d.idlen, 126);
    assert_int_equal(dk_duid_parse(b, 131, &d), DK_EDUID);
    assert_int_equal(dk_duid_parse(b, 2, &d), DK_EDUID);
}

static void too_short_for_type(void **state)
{
    (void)state;
    uint8_t b[32];
    struct dk_duid d;
    size_t n;
    /* LLT needs 8 octets of header; 7 is too short, 8 (empty address) is the minimum. */
    n = unhex("0001 0001 000000", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), DK_EDUID);
    n = unhex("0001 0001 00000000", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    assert_int_equal(d.idlen, 0);
    /* EN needs 6. */
    n = unhex("0002 000000", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), DK_EDUID);
    /* LL needs 4. */
    n = unhex("0003 00", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), DK_EDUID);
    n = unhex("0003 0001", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    /* RFC 6355 §4: a UUID is exactly 16 octets. */
    n = unhex("0004 00112233445566778899aabbccddee", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), DK_EDUID);
    n = unhex("0004 00112233445566778899aabbccddeeff00", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), DK_EDUID);
}

static void unknown_type_kept(void **state)
{
    (void)state;
    uint8_t b[16];
    struct dk_duid d;
    size_t n = unhex("1234 deadbeef", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    assert_int_equal(d.type, 0x1234);
    assert_int_equal(d.idlen, 4);
    assert_ptr_equal(d.id, b + 2);
    /* Type 0 is not assigned; it is kept like any unknown type. */
    n = unhex("0000 01", b, sizeof(b));
    assert_int_equal(dk_duid_parse(b, n, &d), 0);
    assert_int_equal(d.type, 0);
}

static void truncation_at_every_offset(void **state)
{
    (void)state;
    /* Each DUID cut at every length: valid exactly when at least 3 octets
     * and the type's fixed part are left (UUID: all 18 octets). */
    static const struct {
        const char *hex;
        size_t min;
        bool exact;
    } duids[] = {
        {"0001 0001 5e0a3c1b 001122334455", 8, false},
        {"0002 00009d10 303132", 6, false},
        {"0003 0001 001122334455", 4, false},
        {"0004 00112233445566778899aabbccddeeff", 18, true},
        {"abcd 0102", 3, false},
    };
    for (size_t i = 0; i < sizeof(duids) / sizeof(duids[0]); i++) {
        uint8_t b[64];
        size_t n = unhex(duids[i].hex, b, sizeof(b));
        for (size_t k = 0; k <= n; k++) {
            uint8_t *c = exact_copy(b, k);
            struct dk_duid d;
            bool ok = k >= 3 && k >= duids[i].min && (!duids[i].exact || k == n);
            int err = dk_duid_parse(c, k, &d);
            assert_int_equal(err, ok ? 0 : DK_EDUID);
            if (ok)
                assert_true(d.id + d.idlen == c + k);
            free(c);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_each_type),
        cmocka_unit_test(length_boundaries),
        cmocka_unit_test(too_short_for_type),
        cmocka_unit_test(unknown_type_kept),
        cmocka_unit_test(truncation_at_every_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
