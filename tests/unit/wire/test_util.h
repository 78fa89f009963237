/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the wire unit tests (header only, test code only). */
#ifndef DHCPKIT_TEST_UTIL_H
#define DHCPKIT_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Parses hex (whitespace allowed between digits) into out; returns the
 * octet count. Fails the test on a malformed string or overflow. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *s = hex; *s; s++) {
        int v;
        if (*s == ' ' || *s == '\n')
            continue;
        if (*s >= '0' && *s <= '9')
            v = *s - '0';
        else if (*s >= 'a' && *s <= 'f')
            v = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F')
            v = *s - 'A' + 10;
        else {
            fail_msg("bad hex digit '%c' in %s", *s, hex);
            v = 0;
        }
        if (hi < 0) {
            hi = v;
            continue;
        }
        assert_true(n < cap);
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    assert_int_equal(hi, -1);
    return n;
}

/* A heap copy of exactly n octets, so that AddressSanitizer sees a read
 * past the end of an input. */
static inline uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    assert_non_null(c);
    if (n)
        memcpy(c, p, n);
    return c;
}

#endif
