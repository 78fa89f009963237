/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the ipv6-dhcp-probe unit tests (header only, test code only). */
#ifndef DHCPKIT_TEST_PROBE_HELPERS_H
#define DHCPKIT_TEST_PROBE_HELPERS_H

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

#include "probe.h"

#define MAX_ARGV 64

/* Parses a NULL-terminated command line (without the program name). */
static inline int parse_v(struct probe_args *a, char *err, size_t errlen, va_list ap)
{
    char *argv[MAX_ARGV] = {"ipv6-dhcp-probe"};
    int argc = 1;
    const char *s;
    while ((s = va_arg(ap, const char *)) != NULL) {
        assert_true(argc < MAX_ARGV);
        argv[argc++] = (char *)(uintptr_t)s;
    }
    return probe_args_parse(argc, argv, a, err, errlen);
}

static inline int parse(struct probe_args *a, ...)
{
    char err[512];
    va_list ap;
    va_start(ap, a);
    int rc = parse_v(a, err, sizeof(err), ap);
    va_end(ap);
    if (rc == PROBE_ARGS_USAGE)
        print_message("usage error: %s\n", err);
    return rc;
}

static inline void addr6(const char *s, uint8_t out[16])
{
    assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

/* The child of o (or option of m when o is NULL) with this code, which must exist. */
static inline const struct dk_opt *must_find(const struct dk_msg *m, const struct dk_opt *o,
                                             unsigned code)
{
    const struct dk_opt *x = o ? dk_opt_find(o->opts, o->nopts, code) : dk_msg_find(m, code);
    if (!x)
        fail_msg("option %u missing", code);
    return x;
}

static inline void assert_bytes(const struct dk_val *v, const void *p, size_t n)
{
    assert_int_equal(v->n, n);
    assert_memory_equal(v->p, p, n);
}

#endif
