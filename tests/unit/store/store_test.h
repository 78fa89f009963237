/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the store tests share: a lookup by CSV id form, and a check of the
 * assignment it found. Include after cmocka.h. */
#ifndef DHCPKIT_TEST_STORE_H
#define DHCPKIT_TEST_STORE_H

#include <arpa/inet.h>
#include <string.h>

#include <dhcpkit/store.h>

/* Looks id (a CSV id form) up in s through ops; returns 1/0 and fills a,
 * which is scribbled over first so that a lookup must write what it says. */
static inline int store_lookup(const struct dk_store_ops *ops, void *s, const char *id,
                               struct dk_assignment *a)
{
    uint8_t key[512];
    const char *why = NULL;
    size_t n = dk_store_parse_id(id, strlen(id), key, sizeof(key), &why);
    assert_true(n > 0);
    memset(a, 0x5a, sizeof(*a));
    return ops->lookup(s, key, n, a);
}

/* a holds exactly addr (or no address) and prefix/plen (or no prefix). */
static inline void assert_a(const struct dk_assignment *a, const char *addr, const char *prefix,
                            unsigned plen)
{
    uint8_t x[16];
    if (addr) {
        assert_true(a->has_address);
        assert_int_equal(inet_pton(AF_INET6, addr, x), 1);
        assert_memory_equal(a->address, x, 16);
    } else {
        assert_false(a->has_address);
    }
    if (prefix) {
        assert_true(a->has_prefix);
        assert_int_equal(inet_pton(AF_INET6, prefix, x), 1);
        assert_memory_equal(a->prefix, x, 16);
        assert_int_equal(a->prefix_len, plen);
    } else {
        assert_false(a->has_prefix);
    }
}

#endif
