/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_TCPFRAME_H
#define DHCPKIT_SERVER_TCPFRAME_H

/*
 * The framing of DHCPv6 over TCP (RFC 5460 §5.2): every message is preceded
 * by its length in two octets, network order. No I/O, no allocation: tcp.c
 * keeps the bytes, this says what they are. Fuzzed on its own
 * (tests/fuzz/fuzz_tcpframe.c).
 */

#include <stddef.h>
#include <stdint.h>

/* A frame: the length and the largest message it can carry. */
#define DK_TCPFRAME_HDR 2u
#define DK_TCPFRAME_MAX (DK_TCPFRAME_HDR + 65535u)

enum dk_tcpframe {
    DK_TCPFRAME_BAD = -1, /* close the connection: why says why */
    DK_TCPFRAME_MORE = 0, /* not a whole message yet */
    DK_TCPFRAME_MSG = 1,  /* a whole message at p + DK_TCPFRAME_HDR, *mlen octets */
};

/*
 * Looks at the first frame of the len octets at p, as a server: only
 * Leasequery messages may come (RFC 5460 §5.2: a server accepts LEASEQUERY
 * over TCP), so a frame that starts with another type is refused as soon as
 * its first octet is in, without waiting for the rest. A length of 0 is
 * refused. The frame takes DK_TCPFRAME_HDR + *mlen octets of p.
 */
enum dk_tcpframe dk__tcpframe_next(const uint8_t *p, size_t len, size_t *mlen, const char **why);

/* Writes the length of a message of mlen octets (at most 65535) to p[0..2). */
void dk__tcpframe_put(uint8_t *p, size_t mlen);

#endif
