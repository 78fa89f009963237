/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_DUID_H
#define DHCPKIT_DUID_H

#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/errors.h>

/* A DUID split into its typed fields (RFC 8415 §11, RFC 6355). */
struct dk_duid {
    uint16_t type;       /* enum dk_duid_type, or any other value */
    uint16_t hw_type;    /* LLT, LL */
    uint32_t time;       /* LLT */
    uint32_t enterprise; /* EN */
    const uint8_t *id;   /* link-layer address, EN identifier, UUID, or the
                            body of an unknown type; borrows the input */
    size_t idlen;
};

/*
 * Parses a DUID of len octets (type included). Returns 0 or DK_EDUID when it
 * is shorter than 3 or longer than 130 octets, or too short for its type.
 * Unknown types are accepted: their body is in id.
 */
DK_MUST_CHECK int dk_duid_parse(const uint8_t *p, size_t len, struct dk_duid *out);

#endif
