/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_DUIDSTATE_H
#define DHCPKIT_SERVER_DUIDSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/config.h>

#include "netlink.h"

/* RFC 8415 §11.1: a DUID is at most 128 octets after its 2-octet type. */
#define DK_DUID_MAX 130

/* The DUID of a <duid-ll>, <duid-llt> or <duid-en> section of root, if
 * there is one. Returns 1 (found, *len set), 0 (none). */
int dk__duid_configured(const struct dk_config_section *root, uint8_t *duid, size_t *len);

/*
 * The server DUID: the configured one, or the one kept in the state file
 * (server-duid-file). Without a state file one is generated (DUID-LLT from
 * the hardware address of an interface in st, or DUID-UUID when there is
 * none) and written to it, creating its folder. With create false (ipv6-dhcpd
 * -n) nothing is written and a missing file gives a DUID-UUID for the check.
 * Returns 0, or -1 with a message in err.
 */
int dk__server_duid(const struct dk_config_section *root, const struct dk_netstate *st, bool create,
                    uint8_t *duid, size_t *len, char *err, size_t errlen);

#endif
