/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The 2-octet length framing of DHCPv6 over TCP (RFC 5460 §5.2). */
#include <dhcpkit/wire.h>

#include "tcpframe.h"

enum dk_tcpframe dk__tcpframe_next(const uint8_t *p, size_t len, size_t *mlen, const char **why)
{
    *mlen = 0;
    *why = NULL;
    if (len < DK_TCPFRAME_HDR)
        return DK_TCPFRAME_MORE;
    size_t n = (size_t)p[0] << 8 | p[1];
    if (n == 0) {
        *why = "a message of length 0";
        return DK_TCPFRAME_BAD;
    }
    /* RFC 5460 §5.2: over TCP a server receives LEASEQUERY only. */
    if (len > DK_TCPFRAME_HDR && p[DK_TCPFRAME_HDR] != DK_MSG_LEASEQUERY) {
        *why = "not a Leasequery";
        return DK_TCPFRAME_BAD;
    }
    if (len - DK_TCPFRAME_HDR < n)
        return DK_TCPFRAME_MORE;
    *mlen = n;
    return DK_TCPFRAME_MSG;
}

void dk__tcpframe_put(uint8_t *p, size_t mlen)
{
    p[0] = (uint8_t)(mlen >> 8);
    p[1] = (uint8_t)mlen;
}
