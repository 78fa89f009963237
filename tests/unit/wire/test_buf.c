/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/wire/buf.c: cursors, sticky errors, options, arena. */
#include "test_util.h"

#include <dhcpkit/buf.h>

static void rbuf_reads_big_endian(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
    struct dk_rbuf r;
    uint8_t u8;
    uint16_t u16;
    uint32_t u24, u32;
    dk_rbuf_init(&r, in, sizeof(in));
    assert_int_equal(dk_rbuf_left(&r), 10);
    assert_int_equal(dk_rbuf_u8(&r, &u8), 0);
    assert_int_equal(u8, 0x01);
    assert_int_equal(dk_rbuf_u16(&r, &u16), 0);
    assert_int_equal(u16, 0x0203);
    assert_int_equal(dk_rbuf_u24(&r, &u24), 0);
    assert_int_equal(u24, 0x040506);
    assert_int_equal(dk_rbuf_u32(&r, &u32), 0);
    assert_int_equal(u32, 0x0708090a);
    assert_int_equal(dk_rbuf_left(&r), 0);
    assert_int_equal(r.err, 0);
    /* The view's end is a clean stop, then the first read past it fails. */
    assert_int_equal(dk_rbuf_u8(&r, &u8), DK_ETRUNC);
}

static void rbuf_error_is_sticky_and_zeroes(void **state)
{
    (void)state;
    static const uint8_t in[] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee};
    struct dk_rbuf r;
    uint8_t u8 = 0x55, copy[4];
    uint16_t u16 = 0x5555;
    uint32_t u32 = 0x55555555, u24 = 0x555555;
    const uint8_t *p = in;
    struct dk_rbuf sub;

    dk_rbuf_init(&r, in, sizeof(in));
    assert_int_equal(dk_rbuf_u16(&r, &u16), 0);
    /* 3 octets left: a u32 fails and zeroes its output... */
    assert_int_equal(dk_rbuf_u32(&r, &u32), DK_ETRUNC);
    assert_int_equal(u32, 0);
    assert_int_equal(r.err, DK_ETRUNC);
    assert_int_equal(dk_rbuf_left(&r), 0);
    /* ...and every later call fails too, though the octets are there. */
    assert_int_equal(dk_rbuf_u8(&r, &u8), DK_ETRUNC);
    assert_int_equal(u8, 0);
    u16 = 0x5555;
    assert_int_equal(dk_rbuf_u16(&r, &u16), DK_ETRUNC);
    assert_int_equal(u16, 0);
    assert_int_equal(dk_rbuf_u24(&r, &u24), DK_ETRUNC);
    assert_int_equal(u24, 0);
    memset(copy, 0x55, sizeof(copy));
    assert_int_equal(dk_rbuf_copy(&r, copy, 1), DK_ETRUNC);
    assert_int_equal(copy[0], 0);
    assert_int_equal(dk_rbuf_take(&r, 0, &p), DK_ETRUNC);
    assert_null(p);
    assert_int_equal(dk_rbuf_sub(&r, 0, &sub), DK_ETRUNC);
    assert_int_equal(sub.err, DK_ETRUNC);
    assert_int_equal(dk_rbuf_left(&sub), 0);
    /* The offset did not move past the failure. */
    assert_int_equal(r.off, 2);
}

static void rbuf_copy_take(void **state)
{
    (void)state;
    static const uint8_t in[] = {1, 2, 3, 4, 5, 6};
    struct dk_rbuf r;
    uint8_t out[6];
    const uint8_t *p = NULL;
    dk_rbuf_init(&r, in, sizeof(in));
    assert_int_equal(dk_rbuf_take(&r, 2, &p), 0);
    assert_ptr_equal(p, in);
    assert_ptr_equal(dk_rbuf_cur(&r), in + 2);
    assert_int_equal(dk_rbuf_copy(&r, out, 4), 0);
    assert_memory_equal(out, in + 2, 4);
    assert_int_equal(dk_rbuf_take(&r, 0, &p), 0); /* zero octets at the end is fine */
    assert_ptr_equal(p, in + 6);
    memset(out, 0x55, sizeof(out));
    assert_int_equal(dk_rbuf_copy(&r, out, 6), DK_ETRUNC);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0);
}

static void rbuf_sub_is_bounded(void **state)
{
    (void)state;
    static const uint8_t in[] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct dk_rbuf r, sub, subsub;
    uint16_t u16;
    uint32_t u32;
    dk_rbuf_init(&r, in, sizeof(in));
    assert_int_equal(dk_rbuf_u8(&r, &(uint8_t){0}), 0);
    assert_int_equal(dk_rbuf_sub(&r, 3, &sub), 0);
    assert_int_equal(dk_rbuf_left(&r), 4); /* the parent moved past the child */
    assert_int_equal(dk_rbuf_left(&sub), 3);
    /* The child cannot see the parent's next octets. */
    assert_int_equal(dk_rbuf_u32(&sub, &u32), DK_ETRUNC);
    assert_int_equal(u32, 0);
    assert_int_equal(r.err, 0); /* the child's error is its own */
    dk_rbuf_init(&sub, in + 1, 3);
    assert_int_equal(dk_rbuf_sub(&sub, 2, &subsub), 0);
    assert_int_equal(dk_rbuf_u16(&subsub, &u16), 0);
    assert_int_equal(u16, 0x0203);
    assert_int_equal(dk_rbuf_u8(&subsub, &(uint8_t){0}), DK_ETRUNC);
    /* A child larger than what is left fails and marks both views. */
    assert_int_equal(dk_rbuf_sub(&r, 5, &sub), DK_ETRUNC);
    assert_int_equal(r.err, DK_ETRUNC);
    assert_int_equal(sub.err, DK_ETRUNC);
    assert_null(sub.p);
    assert_int_equal(dk_rbuf_left(&sub), 0);
    /* SIZE_MAX must not wrap around. */
    dk_rbuf_init(&r, in, sizeof(in));
    assert_int_equal(dk_rbuf_u8(&r, &(uint8_t){0}), 0);
    assert_int_equal(dk_rbuf_sub(&r, SIZE_MAX, &sub), DK_ETRUNC);
}

static void wbuf_writes_and_sticks(void **state)
{
    (void)state;
    uint8_t out[8];
    struct dk_wbuf w;
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_wbuf_u8(&w, 0x01), 0);
    assert_int_equal(dk_wbuf_u16(&w, 0x0203), 0);
    assert_int_equal(dk_wbuf_u24(&w, 0x040506), 0);
    assert_int_equal(w.len, 6);
    assert_memory_equal(out, "\x01\x02\x03\x04\x05\x06", 6);
    /* 2 octets left: a u32 fails and writes nothing... */
    assert_int_equal(dk_wbuf_u32(&w, 0xdeadbeef), DK_ENOSPC);
    assert_int_equal(w.len, 6);
    /* ...and every later write fails, though it would fit. */
    assert_int_equal(dk_wbuf_u8(&w, 0x07), DK_ENOSPC);
    assert_int_equal(dk_wbuf_put(&w, "", 0), DK_ENOSPC);
    assert_int_equal(dk_wbuf_patch16(&w, 0, 0xffff), DK_ENOSPC);
    assert_int_equal(w.len, 6);
    assert_int_equal(out[0], 0x01);

    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_wbuf_u32(&w, 0xdeadbeef), 0);
    assert_int_equal(dk_wbuf_u32(&w, 0x01020304), 0);
    assert_int_equal(dk_wbuf_put(&w, NULL, 0), 0); /* exactly full is fine */
    assert_memory_equal(out, "\xde\xad\xbe\xef\x01\x02\x03\x04", 8);
    assert_int_equal(dk_wbuf_u8(&w, 0), DK_ENOSPC);

    /* A zero-capacity writer fails at once. */
    dk_wbuf_init(&w, NULL, 0);
    assert_int_equal(dk_wbuf_u8(&w, 0), DK_ENOSPC);
}

static void wbuf_patch16_range(void **state)
{
    (void)state;
    uint8_t out[4] = {0};
    struct dk_wbuf w;
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_wbuf_u24(&w, 0), 0);
    assert_int_equal(dk_wbuf_patch16(&w, 1, 0xabcd), 0);
    assert_memory_equal(out, "\x00\xab\xcd", 3);
    /* Only octets already written may be patched. */
    assert_int_equal(dk_wbuf_patch16(&w, 2, 0x1111), DK_EINVAL);
    assert_int_equal(w.err, DK_EINVAL);
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_wbuf_u16(&w, 0), 0);
    assert_int_equal(dk_wbuf_patch16(&w, SIZE_MAX, 1), DK_EINVAL);
}

static void wbuf_options(void **state)
{
    (void)state;
    uint8_t out[32];
    struct dk_wbuf w;
    dk_wbuf_init(&w, out, sizeof(out));
    size_t outer = dk_wbuf_opt_begin(&w, 3);
    assert_int_equal(outer, 2);
    assert_int_equal(dk_wbuf_u32(&w, 1), 0);
    size_t inner = dk_wbuf_opt_begin(&w, 5);
    assert_int_equal(dk_wbuf_u16(&w, 0x1234), 0);
    assert_int_equal(dk_wbuf_opt_end(&w, inner), 0);
    size_t empty = dk_wbuf_opt_begin(&w, 14);
    assert_int_equal(dk_wbuf_opt_end(&w, empty), 0);
    assert_int_equal(dk_wbuf_opt_end(&w, outer), 0);
    static const uint8_t want[] = {0, 3, 0, 14, 0, 0, 0, 1, 0, 5, 0, 2, 0x12, 0x34, 0, 14, 0, 0};
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(out, want, sizeof(want));
    /* A slot that was never written is refused. */
    assert_int_equal(dk_wbuf_opt_end(&w, w.len - 1), DK_EINVAL);

    /* opt_begin into a full buffer fails and so does the matching end. */
    dk_wbuf_init(&w, out, 3);
    size_t slot = dk_wbuf_opt_begin(&w, 1);
    assert_int_equal(w.err, DK_ENOSPC);
    assert_int_equal(dk_wbuf_opt_end(&w, slot), DK_ENOSPC);
}

static void wbuf_option_length_limit(void **state)
{
    (void)state;
    size_t cap = 4 + 65536;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    uint8_t *fill = calloc(1, 65536);
    assert_non_null(fill);
    struct dk_wbuf w;

    /* 65535 octets of body: the largest an option can carry. */
    dk_wbuf_init(&w, out, cap);
    size_t slot = dk_wbuf_opt_begin(&w, 99);
    assert_int_equal(dk_wbuf_put(&w, fill, 65535), 0);
    assert_int_equal(dk_wbuf_opt_end(&w, slot), 0);
    assert_int_equal(out[2], 0xff);
    assert_int_equal(out[3], 0xff);

    /* 65536 octets do not fit the 16-bit length: refused, not wrapped to 0. */
    dk_wbuf_init(&w, out, cap);
    slot = dk_wbuf_opt_begin(&w, 99);
    assert_int_equal(dk_wbuf_put(&w, fill, 65536), 0);
    assert_int_equal(dk_wbuf_opt_end(&w, slot), DK_ELENGTH);
    assert_int_equal(w.err, DK_ELENGTH);
    assert_int_equal(out[2], 0);
    assert_int_equal(out[3], 0);
    assert_int_equal(dk_wbuf_u8(&w, 0), DK_ELENGTH); /* sticky */
    free(fill);
    free(out);
}

static void arena_alloc_align_zero_exhaust(void **state)
{
    (void)state;
    static _Alignas(max_align_t) uint8_t mem[256];
    const size_t align = _Alignof(max_align_t);
    struct dk_arena a;
    memset(mem, 0xaa, sizeof(mem));
    dk_arena_init(&a, mem, sizeof(mem));
    uint8_t *p1 = dk_arena_alloc(&a, 3);
    assert_non_null(p1);
    assert_int_equal(p1[0] | p1[1] | p1[2], 0);
    uint8_t *p2 = dk_arena_alloc(&a, 5);
    assert_non_null(p2);
    assert_int_equal((uintptr_t)p2 % align, 0);
    assert_true(p2 >= p1 + 3);
    /* Exhaustion: NULL, and the arena is still usable for what fits. */
    size_t used = a.used;
    assert_null(dk_arena_alloc(&a, sizeof(mem)));
    assert_int_equal(a.used, used);
    assert_null(dk_arena_alloc(&a, SIZE_MAX));
    assert_null(dk_arena_alloc(&a, SIZE_MAX - align + 1));
    assert_non_null(dk_arena_alloc(&a, 8));
    /* Fill to the last octet exactly. */
    dk_arena_reset(&a);
    assert_int_equal(a.used, 0);
    memset(mem, 0xaa, sizeof(mem));
    uint8_t *all = dk_arena_alloc(&a, sizeof(mem));
    assert_ptr_equal(all, mem);
    for (size_t i = 0; i < sizeof(mem); i++)
        assert_int_equal(all[i], 0);
    assert_null(dk_arena_alloc(&a, 1));
    /* An empty arena. */
    dk_arena_init(&a, mem, 0);
    assert_null(dk_arena_alloc(&a, 1));
}

static void errors_table(void **state)
{
    (void)state;
#define CHECK_ERR(name, value, text)                                                               \
    assert_string_equal(dk_strerror(name), text);                                                  \
    assert_string_equal(dk_errname(name), #name);
    DK_ERRORS(CHECK_ERR)
#undef CHECK_ERR
    assert_string_equal(dk_strerror(0), "ok");
    assert_non_null(dk_strerror(-1000));
    assert_non_null(dk_errname(-1000));
    assert_non_null(dk_strerror(7));
}

static void hex_digits(void **state)
{
    (void)state;
    for (int c = -1; c < 256; c++) {
        int want = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
        assert_int_equal(dk_hexval(c), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rbuf_reads_big_endian),
        cmocka_unit_test(rbuf_error_is_sticky_and_zeroes),
        cmocka_unit_test(rbuf_copy_take),
        cmocka_unit_test(rbuf_sub_is_bounded),
        cmocka_unit_test(wbuf_writes_and_sticks),
        cmocka_unit_test(wbuf_patch16_range),
        cmocka_unit_test(wbuf_options),
        cmocka_unit_test(wbuf_option_length_limit),
        cmocka_unit_test(arena_alloc_align_zero_exhaust),
        cmocka_unit_test(errors_table),
        cmocka_unit_test(hex_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
