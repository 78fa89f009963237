/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the stores share and nobody else needs. */
#ifndef DHCPKIT_STORE_INTERNAL_H
#define DHCPKIT_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decimal number of at most 10 digits, no sign, at most max. */
bool dk_store_parse_uint(const char *s, size_t n, uint32_t max, uint32_t *out);

#endif
