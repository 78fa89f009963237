/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the ipv6-dhcp-bench unit tests (header only, test code only). */
#ifndef DHCPKIT_TEST_BENCH_HELPERS_H
#define DHCPKIT_TEST_BENCH_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include <dhcpkit/wire.h>

#include "bench.h"

static inline void addr6(const char *s, void *out)
{
    assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static inline const char *ntop6(const void *a, char *buf)
{
    return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

#endif
