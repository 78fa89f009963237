/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IPV6_DHCP_DECODE_PACKET_H
#define IPV6_DHCP_DECODE_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "reasm.h"

/*
 * Finds DHCPv6 messages in captured frames: link layer, IPv6 and its
 * extension headers, fragments, UDP. Every read is bounds-checked with the
 * dk_rbuf cursor; nothing is read beyond the captured octets.
 */

/* Link types we read (the DLT_ values of libpcap). */
enum pkt_link {
    PKT_LINK_NULL,     /* BSD loopback, host byte order family */
    PKT_LINK_LOOP,     /* OpenBSD loopback, network byte order family */
    PKT_LINK_ETHERNET, /* with any number of 802.1Q / 802.1ad tags (at most 8) */
    PKT_LINK_SLL,      /* Linux cooked capture v1 */
    PKT_LINK_SLL2,     /* Linux cooked capture v2 */
    PKT_LINK_RAW,      /* raw IPv4 or IPv6 */
};

enum pkt_verdict {
    PKT_SKIP = 0, /* not a DHCPv6 message, or a fragment held for reassembly */
    PKT_DHCP = 1, /* *msg, *nmsg are a UDP payload to or from port 546 or 547 */
    PKT_BAD = 2,  /* a UDP datagram to or from 546/547 that cannot be read whole: see why */
};

struct pkt_result {
    const uint8_t *msg; /* borrows the frame or the reassembly table until the next call */
    size_t nmsg;
    size_t offset; /* PKT_BAD: how many message octets there were */
    char why[160]; /* PKT_BAD: what was wrong */
};

/* Parses one captured frame of caplen octets (wirelen on the wire) taken at time now. */
enum pkt_verdict pkt_frame(struct reasm *ra, enum pkt_link link, const uint8_t *p, size_t caplen,
                           size_t wirelen, double now, struct pkt_result *res);

#endif
