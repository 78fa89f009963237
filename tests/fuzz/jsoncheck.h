/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_TESTS_JSONCHECK_H
#define DHCPKIT_TESTS_JSONCHECK_H

#include <stddef.h>

/*
 * A strict RFC 8259 syntax check for test code: one value, strings of valid
 * UTF-8 without raw control characters, valid escapes, no trailing data.
 * Returns the offset of the first error, or -1 when s[0..n) is valid JSON.
 */
long json_check(const char *s, size_t n);

#endif
