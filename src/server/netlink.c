/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rtnetlink: snapshots of interfaces and IPv6 addresses, and change events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "netlink.h"

#define NL_BUF 65536

bool dk__addr_is_linklocal(const struct in6_addr *a)
{
    return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

bool dk__addr_is_global(const struct in6_addr *a)
{
    return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_MULTICAST(a) &&
           !dk__addr_is_linklocal(a) && !IN6_IS_ADDR_V4MAPPED(a);
}

bool dk__nl_addr_usable(const struct dk_nl_addr *a)
{
    return !(a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
}

int dk__nl_monitor_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
                             .nl_groups = RTMGRP_LINK | RTMGRP_IPV6_IFADDR};
    int rcvbuf = 1 << 20;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int dk__nl_drain(int fd)
{
    static uint8_t buf[NL_BUF];
    int changed = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return changed;
            if (errno == ENOBUFS) { /* lost events: resync */
                changed = 1;
                continue;
            }
            return -1;
        }
        if (n == 0)
            return changed;
        /* The content does not matter: any link or address event means a
         * fresh snapshot. */
        changed = 1;
    }
}

void dk__netstate_clear(struct dk_netstate *st)
{
    for (size_t i = 0; i < st->nifs; i++)
        free(st->ifs[i].addrs);
    free(st->ifs);
    st->ifs = NULL;
    st->nifs = 0;
}

const struct dk_nl_if *dk__netstate_by_name(const struct dk_netstate *st, const char *name)
{
    for (size_t i = 0; i < st->nifs; i++)
        if (strcmp(st->ifs[i].name, name) == 0)
            return &st->ifs[i];
    return NULL;
}

const struct dk_nl_if *dk__netstate_by_index(const struct dk_netstate *st, unsigned index)
{
    for (size_t i = 0; i < st->nifs; i++)
        if (st->ifs[i].index == index)
            return &st->ifs[i];
    return NULL;
}

static struct dk_nl_if *find_mut(struct dk_netstate *st, unsigned index)
{
    return (struct dk_nl_if *)(uintptr_t)dk__netstate_by_index(st, index);
}

static int add_link(struct dk_netstate *st, struct nlmsghdr *h)
{
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
        return 0;
    struct dk_nl_if ifc = {
        .index = (unsigned)ifi->ifi_index, .flags = ifi->ifi_flags, .hwtype = ifi->ifi_type};
    int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
    for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
        size_t plen = RTA_PAYLOAD(a);
        if (a->rta_type == IFLA_IFNAME && plen > 0) {
            size_t n = strnlen(RTA_DATA(a), plen);
            if (n >= IF_NAMESIZE)
                n = IF_NAMESIZE - 1;
            memcpy(ifc.name, RTA_DATA(a), n);
            ifc.name[n] = '\0';
        } else if (a->rta_type == IFLA_ADDRESS && plen <= sizeof(ifc.hw)) {
            memcpy(ifc.hw, RTA_DATA(a), plen);
            ifc.hwlen = (uint8_t)plen;
        }
    }
    if (!ifc.name[0] || find_mut(st, ifc.index))
        return 0;
    struct dk_nl_if *v = realloc(st->ifs, (st->nifs + 1) * sizeof(*v));
    if (!v)
        return -1;
    st->ifs = v;
    st->ifs[st->nifs++] = ifc;
    return 0;
}

static int add_addr(struct dk_netstate *st, struct nlmsghdr *h)
{
    struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) || ifa->ifa_family != AF_INET6)
        return 0;
    struct dk_nl_addr ad = {
        .plen = ifa->ifa_prefixlen, .scope = ifa->ifa_scope, .flags = ifa->ifa_flags};
    bool have = false;
    int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
    for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
        if ((a->rta_type == IFA_ADDRESS || a->rta_type == IFA_LOCAL) &&
            RTA_PAYLOAD(a) == sizeof(ad.addr)) {
            memcpy(&ad.addr, RTA_DATA(a), sizeof(ad.addr));
            have = true;
        } else if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) == sizeof(uint32_t)) {
            memcpy(&ad.flags, RTA_DATA(a), sizeof(uint32_t));
        }
    }
    struct dk_nl_if *ifc = find_mut(st, ifa->ifa_index);
    if (!have || !ifc)
        return 0;
    if (ifc->naddrs == ifc->capaddrs) {
        size_t cap = ifc->capaddrs ? 2 * ifc->capaddrs : 4;
        struct dk_nl_addr *v = realloc(ifc->addrs, cap * sizeof(*v));
        if (!v)
            return -1;
        ifc->addrs = v;
        ifc->capaddrs = cap;
    }
    ifc->addrs[ifc->naddrs++] = ad;
    return 0;
}

/* One dump request; calls add() for every answer. Returns 0, -1 with errno,
 * or 1 when the dump was interrupted by a change (try again). */
static int dump(int fd, uint16_t type, uint8_t family, struct dk_netstate *st,
                int (*add)(struct dk_netstate *, struct nlmsghdr *))
{
    static uint8_t buf[NL_BUF];
    static uint32_t seq;
    struct {
        struct nlmsghdr h;
        struct rtgenmsg g;
    } req = {
        .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg)),
              .nlmsg_type = type,
              .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
              .nlmsg_seq = ++seq},
        .g = {.rtgen_family = family},
    };
    int interrupted = 0;
    if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
        return -1;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        size_t len = (size_t)n;
        for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_seq != req.h.nlmsg_seq)
                continue;
            if (h->nlmsg_flags & NLM_F_DUMP_INTR)
                interrupted = 1;
            if (h->nlmsg_type == NLMSG_DONE)
                return interrupted;
            if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *e = NLMSG_DATA(h);
                errno = h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error ? -e->error : EIO;
                return -1;
            }
            if (add(st, h) < 0)
                return -1;
        }
    }
}

int dk__nl_snapshot(struct dk_netstate *out)
{
    dk__netstate_clear(out);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    int rc = -1;
    for (int attempt = 0; attempt < 5; attempt++) {
        dk__netstate_clear(out);
        int a = dump(fd, RTM_GETLINK, AF_UNSPEC, out, add_link);
        if (a < 0)
            break;
        int b = dump(fd, RTM_GETADDR, AF_INET6, out, add_addr);
        if (b < 0)
            break;
        if (a == 0 && b == 0) {
            rc = 0;
            break;
        }
    }
    int e = errno;
    close(fd);
    if (rc < 0) {
        dk__netstate_clear(out);
        errno = e ? e : EAGAIN;
    }
    return rc;
}
