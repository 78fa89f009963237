/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/wire/domain.c: RFC 1035 names as DHCPv6 carries them. */
#include "test_util.h"

#include <dhcpkit/domain.h>

/* Writes a name of labels of the given lengths ('a' octets), plus the root
 * label when complete; returns its wire length. */
static size_t make_name(uint8_t *out, const size_t *labels, size_t n, bool complete)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        out[o++] = (uint8_t)labels[i];
        memset(out + o, 'a', labels[i]);
        o += labels[i];
    }
    if (complete)
        out[o++] = 0;
    return o;
}

static void label_63_ok_64_rejected(void **state)
{
    (void)state;
    uint8_t name[80];
    size_t used;
    bool complete;
    size_t n = make_name(name, (size_t[]){63}, 1, true);
    assert_int_equal(n, 65);
    assert_int_equal(dk_domain_measure(name, n, false, &used, &complete), 0);
    assert_int_equal(used, 65);
    assert_true(complete);
    n = make_name(name, (size_t[]){64}, 1, true);
    assert_int_equal(dk_domain_measure(name, n, false, &used, &complete), DK_EDOMAIN);
    assert_int_equal(dk_domain_measure(name, n, true, &used, &complete), DK_EDOMAIN);
}

static void name_255_ok_256_rejected(void **state)
{
    (void)state;
    uint8_t name[300];
    size_t used;
    bool complete;
    /* 3 x (1+63) + (1+61) + root = 255 octets */
    size_t n = make_name(name, (size_t[]){63, 63, 63, 61}, 4, true);
    assert_int_equal(n, 255);
    assert_int_equal(dk_domain_measure(name, n, false, &used, &complete), 0);
    assert_int_equal(used, 255);
    assert_int_equal(dk_domain_list_check(name, n), 0);
    char text[DK_DOMAIN_TEXT_MAX];
    assert_int_equal(dk_domain_to_text(name, n, text), 255);
    assert_int_equal(strlen(text), 254); /* 252 letters, 3 dots between, one at the end */
    /* One octet more is too long, complete or partial. */
    n = make_name(name, (size_t[]){63, 63, 63, 62}, 4, true);
    assert_int_equal(n, 256);
    assert_int_equal(dk_domain_measure(name, n, false, &used, &complete), DK_EDOMAIN);
    assert_int_equal(dk_domain_list_check(name, n), DK_EDOMAIN);
    n = make_name(name, (size_t[]){63, 63, 63, 63}, 4, false);
    assert_int_equal(n, 256);
    assert_int_equal(dk_domain_measure(name, n, true, &used, &complete), DK_EDOMAIN);
    /* A partial name of 255 octets is allowed (RFC 4704), 255 with no root. */
    n = make_name(name, (size_t[]){63, 63, 63, 62}, 4, false);
    assert_int_equal(n, 255);
    assert_int_equal(dk_domain_measure(name, n, true, &used, &complete), 0);
    assert_int_equal(used, 255);
    assert_false(complete);
}

static void compression_pointer_rejected(void **state)
{
    (void)state;
    /* RFC 8415 §10: no compression; 0xc0 0x0c is a pointer to offset 12. */
    static const uint8_t ptr[] = {0x03, 'w', 'w', 'w', 0xc0, 0x0c};
    static const uint8_t only_ptr[] = {0xc0, 0x00};
    static const uint8_t ext_label[] = {0x40, 0x00}; /* 01 and 10 prefixes too */
    static const uint8_t ext_label2[] = {0x80, 0x00};
    size_t used;
    bool complete;
    assert_int_equal(dk_domain_measure(ptr, sizeof(ptr), true, &used, &complete), DK_EDOMAIN);
    assert_int_equal(dk_domain_measure(only_ptr, 2, false, &used, &complete), DK_EDOMAIN);
    assert_int_equal(dk_domain_measure(ext_label, 2, false, &used, &complete), DK_EDOMAIN);
    assert_int_equal(dk_domain_measure(ext_label2, 2, false, &used, &complete), DK_EDOMAIN);
    assert_int_equal(dk_domain_list_check(ptr, sizeof(ptr)), DK_EDOMAIN);
}

static void measure_cases(void **state)
{
    (void)state;
    uint8_t b[64] = {0};
    size_t used = 99, n;
    bool complete = true;
    /* The root alone. */
    assert_int_equal(dk_domain_measure((const uint8_t *)"", 1, false, &used, &complete), 0);
    assert_int_equal(used, 1);
    assert_true(complete);
    /* Empty input is never a name, not even a partial one. */
    assert_int_equal(dk_domain_measure(b, 0, true, &used, &complete), DK_EDOMAIN);
    /* A label running past the input. */
    n = unhex("05 616263", b, sizeof(b));
    assert_int_equal(dk_domain_measure(b, n, true, &used, &complete), DK_EDOMAIN);
    /* A partial name: only with allow_partial. */
    n = unhex("04 686f7374", b, sizeof(b));
    assert_int_equal(dk_domain_measure(b, n, false, &used, &complete), DK_EDOMAIN);
    assert_int_equal(dk_domain_measure(b, n, true, &used, &complete), 0);
    assert_int_equal(used, 5);
    assert_false(complete);
    /* Measure stops at the root label; what follows is the caller's. */
    n = unhex("01 61 00 01 62 00", b, sizeof(b));
    assert_int_equal(dk_domain_measure(b, n, false, &used, &complete), 0);
    assert_int_equal(used, 3);
}

static void list_check_cases(void **state)
{
    (void)state;
    uint8_t b[64] = {0};
    size_t n;
    assert_int_equal(dk_domain_list_check(b, 0), 0); /* an empty list */
    n = unhex("076578616d706c6503636f6d00 036f726700 00", b, sizeof(b));
    assert_int_equal(dk_domain_list_check(b, n), 0);
    /* The last name is not terminated. */
    n = unhex("076578616d706c6503636f6d00 036f7267", b, sizeof(b));
    assert_int_equal(dk_domain_list_check(b, n), DK_EDOMAIN);
    /* Truncation at every offset of a two-name list: only the boundaries pass. */
    n = unhex("01 61 00 02 6263 00", b, sizeof(b));
    for (size_t k = 0; k <= n; k++) {
        int want = (k == 0 || k == 3 || k == 7) ? 0 : DK_EDOMAIN;
        assert_int_equal(dk_domain_list_check(b, k), want);
    }
}

static void to_text_escapes(void **state)
{
    (void)state;
    uint8_t b[64];
    char text[DK_DOMAIN_TEXT_MAX];
    size_t n = unhex("07 6578616d706c65 03 636f6d 00", b, sizeof(b));
    assert_int_equal(dk_domain_to_text(b, n, text), 13);
    assert_string_equal(text, "example.com.");
    assert_int_equal(dk_domain_to_text((const uint8_t *)"", 1, text), 1);
    assert_string_equal(text, ".");
    /* Partial: no trailing dot. */
    n = unhex("04 686f7374", b, sizeof(b));
    assert_int_equal(dk_domain_to_text(b, n, text), 5);
    assert_string_equal(text, "host");
    /* '.', '\\', '"', space, control and high octets are escaped as \DDD. */
    n = unhex("08 612e5c2220 0a ff 62 00", b, sizeof(b));
    assert_int_equal(dk_domain_to_text(b, n, text), 10);
    assert_string_equal(text, "a\\046\\092\\034\\032\\010\\255b.");
    /* The longest text: 255 octets all escaped fit DK_DOMAIN_TEXT_MAX. */
    uint8_t big[255];
    for (size_t o = 0; o < 252; o += 63 + 1) {
        size_t len = o == 192 ? 61 : 63;
        big[o] = (uint8_t)len;
        memset(big + o + 1, 0xff, len);
    }
    big[254] = 0;
    assert_int_equal(dk_domain_to_text(big, sizeof(big), text), 255);
    assert_int_equal(strlen(text), 250 * 4 + 3 + 1);
    assert_true(strlen(text) < DK_DOMAIN_TEXT_MAX);
    /* Invalid names give DK_EDOMAIN. */
    n = unhex("c00c", b, sizeof(b));
    assert_int_equal(dk_domain_to_text(b, n, text), DK_EDOMAIN);
}

static void from_text_cases(void **state)
{
    (void)state;
    uint8_t out[300], want[300];
    struct dk_wbuf w;
    size_t n;
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, "example.com"), 0);
    n = unhex("076578616d706c6503636f6d00", want, sizeof(want));
    assert_int_equal(w.len, n);
    assert_memory_equal(out, want, n);
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, "example.com."), 0);
    assert_int_equal(w.len, n);
    assert_memory_equal(out, want, n);
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, "."), 0);
    assert_int_equal(w.len, 1);
    assert_int_equal(out[0], 0);
    /* Empty names and labels. */
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, ""), DK_EDOMAIN);
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, "a..b"), DK_EDOMAIN);
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, ".a"), DK_EDOMAIN);
    /* 63-octet label ok, 64 not. */
    char label[70];
    memset(label, 'x', 63);
    label[63] = '\0';
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, label), 0);
    assert_int_equal(w.len, 65);
    label[63] = 'x';
    label[64] = '\0';
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, label), DK_EDOMAIN);
    /* 255-octet wire name ok, 256 not. */
    char name[300];
    snprintf(name, sizeof(name), "%.63s.%.63s.%.63s.%.61s", label, label, label, label);
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, name), 0);
    assert_int_equal(w.len, 255);
    snprintf(name, sizeof(name), "%.63s.%.63s.%.63s.%.62s", label, label, label, label);
    dk_wbuf_init(&w, out, sizeof(out));
    assert_int_equal(dk_domain_from_text(&w, name), DK_EDOMAIN);
    /* A writer too small. */
    dk_wbuf_init(&w, out, 5);
    assert_int_equal(dk_domain_from_text(&w, "example.com"), DK_ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(label_63_ok_64_rejected),
        cmocka_unit_test(name_255_ok_256_rejected),
        cmocka_unit_test(compression_pointer_rejected),
        cmocka_unit_test(measure_cases),
        cmocka_unit_test(list_check_cases),
        cmocka_unit_test(to_text_escapes),
        cmocka_unit_test(from_text_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
