/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_NETLINK_H
#define DHCPKIT_SERVER_NETLINK_H

/*
 * The parent's view of interfaces and IPv6 addresses, from rtnetlink. It
 * subscribes to link and address changes; on any change it takes a fresh
 * snapshot (a dump) rather than patching the old one, so a lost
 * notification (ENOBUFS) costs nothing but a resync.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>

struct dk_nl_addr {
    struct in6_addr addr;
    uint8_t plen;
    uint8_t scope;  /* RT_SCOPE_* */
    uint32_t flags; /* IFA_F_* */
};

struct dk_nl_if {
    unsigned index;
    char name[IF_NAMESIZE];
    unsigned flags; /* IFF_* */
    uint16_t hwtype;
    uint8_t hwlen;
    uint8_t hw[32];
    struct dk_nl_addr *addrs;
    size_t naddrs, capaddrs;
};

struct dk_netstate {
    struct dk_nl_if *ifs;
    size_t nifs;
};

/* A socket subscribed to link and IPv6 address changes (non-blocking), or
 * -1 with errno. */
int dk__nl_monitor_open(void);

/* Reads everything pending on the monitor socket. Returns 1 if anything
 * changed (or notifications were lost), 0 if nothing, -1 on error. */
int dk__nl_drain(int fd);

/* Takes a snapshot of every interface and its IPv6 addresses. Returns 0, or
 * -1 with errno. out is cleared first. */
int dk__nl_snapshot(struct dk_netstate *out);

void dk__netstate_clear(struct dk_netstate *st);

const struct dk_nl_if *dk__netstate_by_name(const struct dk_netstate *st, const char *name);
const struct dk_nl_if *dk__netstate_by_index(const struct dk_netstate *st, unsigned index);

/* Usable for binding: not tentative, not failed duplicate address
 * detection. */
bool dk__nl_addr_usable(const struct dk_nl_addr *a);

bool dk__addr_is_linklocal(const struct in6_addr *a);
bool dk__addr_is_global(const struct in6_addr *a); /* unicast, not link-local, not loopback */

#endif
