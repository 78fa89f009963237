/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Link layer, IPv6, extension headers, fragments and UDP, bounds-checked. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/wire.h>

#include "packet.h"

#define ETHERTYPE_IPV6     0x86dd
#define ETHERTYPE_VLAN     0x8100 /* IEEE 802.1Q */
#define ETHERTYPE_QINQ     0x88a8 /* IEEE 802.1ad */
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS      8
#define MAX_EXT_HEADERS    32 /* extension headers walked before giving up on a packet */

/* IANA protocol numbers (RFC 8200 §4, RFC 4302). */
enum {
    IPPROTO_HOPOPTS_ = 0,
    IPPROTO_UDP_ = 17,
    IPPROTO_ROUTING_ = 43,
    IPPROTO_FRAGMENT_ = 44,
    IPPROTO_AH_ = 51,
    IPPROTO_DSTOPTS_ = 60,
};

static bool dhcp_port(uint16_t port)
{
    return port == DK_CLIENT_PORT || port == DK_SERVER_PORT;
}

__attribute__((format(printf, 3, 4))) static enum pkt_verdict
bad(struct pkt_result *res, size_t offset, const char *fmt, ...)
{
    va_list ap;
    res->offset = offset;
    va_start(ap, fmt);
    vsnprintf(res->why, sizeof(res->why), fmt, ap);
    va_end(ap);
    return PKT_BAD;
}

/*
 * Walks the headers after the fixed IPv6 header, starting with type nh, to
 * UDP. r views the IPv6 payload; cut says the frame ended before it did
 * (snap says that was the capture's snapshot length).
 */
static enum pkt_verdict walk(struct reasm *ra, const uint8_t *src, const uint8_t *dst, uint8_t nh,
                             struct dk_rbuf *r, bool cut, bool snap, double now,
                             struct pkt_result *res)
{
    struct dk_rbuf whole; /* a reassembled datagram */
    bool reassembled = false;
    uint8_t next, len;
    const uint8_t *skip;

    for (size_t i = 0; i < MAX_EXT_HEADERS; i++) {
        switch (nh) {
        case IPPROTO_HOPOPTS_:
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
            /* RFC 8200 §4.3-4.6: length in 8-octet units, not counting the first 8. */
            dk_rbuf_u8(r, &next);
            dk_rbuf_u8(r, &len);
            if (dk_rbuf_take(r, ((size_t)len + 1) * 8 - 2, &skip))
                return PKT_SKIP;
            nh = next;
            continue;
        case IPPROTO_AH_:
            /* RFC 4302 §2.2: length in 4-octet units, minus 2. */
            dk_rbuf_u8(r, &next);
            dk_rbuf_u8(r, &len);
            if (dk_rbuf_take(r, ((size_t)len + 2) * 4 - 2, &skip))
                return PKT_SKIP;
            nh = next;
            continue;
        case IPPROTO_FRAGMENT_: {
            /* RFC 8200 §4.5; a fragment inside a reassembled datagram is not allowed. */
            size_t unfrag = 40 + r->off;
            uint8_t reserved;
            uint16_t offm;
            uint32_t id;
            dk_rbuf_u8(r, &next);
            dk_rbuf_u8(r, &reserved);
            dk_rbuf_u16(r, &offm);
            dk_rbuf_u32(r, &id);
            if (r->err || reassembled || cut)
                return PKT_SKIP;
            struct reasm_frag f = {
                .src = src,
                .dst = dst,
                .id = id,
                .offset = (size_t)(offm >> 3) * 8,
                .more = offm & 1,
                .next = next,
                .unfrag = unfrag,
                .p = dk_rbuf_cur(r),
                .n = dk_rbuf_left(r),
                .now = now,
            };
            const uint8_t *p;
            size_t n;
            if (reasm_add(ra, &f, &p, &n, &nh) != 1)
                return PKT_SKIP;
            dk_rbuf_init(&whole, p, n);
            r = &whole;
            reassembled = true;
            continue;
        }
        case IPPROTO_UDP_: {
            uint16_t sport, dport, ulen, sum;
            dk_rbuf_u16(r, &sport);
            dk_rbuf_u16(r, &dport);
            dk_rbuf_u16(r, &ulen);
            dk_rbuf_u16(r, &sum);
            if (r->err || !(dhcp_port(sport) || dhcp_port(dport)))
                return PKT_SKIP;
            size_t left = dk_rbuf_left(r);
            /* RFC 768: the length counts the 8-octet header. */
            if (ulen < 8)
                return bad(res, 0, "UDP length %u is shorter than its 8-octet header",
                           (unsigned)ulen);
            if ((size_t)ulen - 8 > left) {
                if (snap)
                    return bad(res, left,
                               "the capture holds only %zu of the %zu message octets "
                               "(snapshot length)",
                               left, (size_t)ulen - 8);
                if (cut)
                    return bad(res, left,
                               "the frame ends after %zu of the %zu message octets "
                               "its IPv6 payload length announces",
                               left, (size_t)ulen - 8);
                return bad(res, left,
                           "the IPv6 payload ends after %zu of the %zu octets "
                           "the UDP length announces",
                           left, (size_t)ulen - 8);
            }
            res->msg = dk_rbuf_cur(r);
            res->nmsg = (size_t)ulen - 8;
            return PKT_DHCP;
        }
        default: /* another transport, ESP, No Next Header, or unknown */
            return PKT_SKIP;
        }
    }
    return PKT_SKIP;
}

static enum pkt_verdict ipv6(struct reasm *ra, struct dk_rbuf *r, bool snap, double now,
                             struct pkt_result *res)
{
    uint32_t vtf;
    uint16_t plen;
    uint8_t nh, hlim;
    const uint8_t *src, *dst;
    dk_rbuf_u32(r, &vtf);
    dk_rbuf_u16(r, &plen);
    dk_rbuf_u8(r, &nh);
    dk_rbuf_u8(r, &hlim);
    dk_rbuf_take(r, 16, &src);
    dk_rbuf_take(r, 16, &dst);
    /* A payload length of 0 announces a jumbogram (RFC 2675), which we skip. */
    if (r->err || vtf >> 28 != 6 || plen == 0)
        return PKT_SKIP;
    /* The frame may hold more than the payload (Ethernet padding) or less. */
    struct dk_rbuf payload;
    size_t left = dk_rbuf_left(r);
    bool cut = plen > left;
    if (dk_rbuf_sub(r, cut ? left : plen, &payload))
        return PKT_SKIP;
    return walk(ra, src, dst, nh, &payload, cut, cut && snap, now, res);
}

/* AF_INET6 on Linux (10), OpenBSD and NetBSD (24), FreeBSD (28) and macOS (30). */
static bool af_inet6(uint32_t af)
{
    return af == 10 || af == 24 || af == 28 || af == 30;
}

static uint32_t swap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

enum pkt_verdict pkt_frame(struct reasm *ra, enum pkt_link link, const uint8_t *p, size_t caplen,
                           size_t wirelen, double now, struct pkt_result *res)
{
    struct dk_rbuf r;
    uint16_t type = 0;
    uint32_t af = 0;
    const uint8_t *skip;
    bool snap = caplen < wirelen;

    res->msg = NULL;
    res->nmsg = 0;
    res->offset = 0;
    res->why[0] = '\0';
    dk_rbuf_init(&r, p, caplen);
    switch (link) {
    case PKT_LINK_NULL:
        /* The family is in the byte order of the host that wrote the capture. */
        dk_rbuf_u32(&r, &af);
        if (!af_inet6(af) && !af_inet6(swap32(af)))
            return PKT_SKIP;
        break;
    case PKT_LINK_LOOP:
        dk_rbuf_u32(&r, &af);
        if (!af_inet6(af))
            return PKT_SKIP;
        break;
    case PKT_LINK_ETHERNET:
        dk_rbuf_take(&r, 12, &skip); /* destination and source MAC */
        dk_rbuf_u16(&r, &type);
        for (size_t i = 0; i < MAX_VLAN_TAGS; i++) {
            if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ && type != ETHERTYPE_QINQ_OLD)
                break;
            uint16_t tci;
            dk_rbuf_u16(&r, &tci);
            dk_rbuf_u16(&r, &type);
        }
        if (type != ETHERTYPE_IPV6)
            return PKT_SKIP;
        break;
    case PKT_LINK_SLL:
        /* packet type, ARPHRD type, address length, 8 octets of address, protocol */
        dk_rbuf_take(&r, 14, &skip);
        dk_rbuf_u16(&r, &type);
        if (type != ETHERTYPE_IPV6)
            return PKT_SKIP;
        break;
    case PKT_LINK_SLL2:
        /* protocol, reserved, interface index, ARPHRD type, packet type, address */
        dk_rbuf_u16(&r, &type);
        dk_rbuf_take(&r, 18, &skip);
        if (type != ETHERTYPE_IPV6)
            return PKT_SKIP;
        break;
    case PKT_LINK_RAW:
        break;
    }
    if (r.err)
        return PKT_SKIP;
    return ipv6(ra, &r, snap, now, res);
}
