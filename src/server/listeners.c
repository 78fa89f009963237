/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which listening sockets the config asks for, and opening them (parent). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listeners.h"
#include "log.h"

/* RFC 8415 §7.1: All_DHCP_Relay_Agents_and_Servers. */
static const struct in6_addr all_dhcp = {{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2}}};

/* Receive buffer of a listener: room for a burst from a busy relay. */
#define DK_RCVBUF (4 << 20)

void dk__lplan_clear(struct dk_lplan *p)
{
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
}

static int plan_add(struct dk_lplan *p, const struct dk_lspec *s)
{
    for (size_t i = 0; i < p->n; i++)
        if (dk__lspec_same_socket(&p->v[i].meta, &s->meta))
            return 0; /* asked twice: the first wins */
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        struct dk_lspec *v = realloc(p->v, cap * sizeof(*v));
        if (!v)
            return -1;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = *s;
    return 0;
}

bool dk__lspec_same_socket(const struct dk_ipc_listener *a, const struct dk_ipc_listener *b)
{
    return a->kind == b->kind && a->ifindex == b->ifindex &&
           memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

bool dk__lspec_same(const struct dk_ipc_listener *a, const struct dk_ipc_listener *b)
{
    return dk__lspec_same_socket(a, b) && strcmp(a->ifname, b->ifname) == 0 &&
           memcmp(&a->reply_from, &b->reply_from, sizeof(a->reply_from)) == 0 &&
           memcmp(&a->link_address, &b->link_address, sizeof(a->link_address)) == 0 &&
           a->listen_to_self == b->listen_to_self &&
           memcmp(&a->tcp, &b->tcp, sizeof(a->tcp)) == 0; /* zeroed, padding too */
}

const char *dk__listener_name(const struct dk_ipc_listener *l, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &l->addr, a, sizeof(a));
    if (l->kind == DK_LISTEN_TCP)
        snprintf(buf, len, "tcp [%s]:%u", a, DK_SERVER_PORT);
    else if (l->kind == DK_LISTEN_INTERFACE || l->ifindex)
        snprintf(buf, len, "%s%%%s", a, l->ifname);
    else
        snprintf(buf, len, "%s", a);
    return buf;
}

/* The first usable address of ifc for which want() holds, or NULL. */
static const struct dk_nl_addr *first_addr(const struct dk_nl_if *ifc,
                                           bool (*want)(const struct in6_addr *))
{
    for (size_t i = 0; i < ifc->naddrs; i++)
        if (dk__nl_addr_usable(&ifc->addrs[i]) && want(&ifc->addrs[i].addr))
            return &ifc->addrs[i];
    return NULL;
}

static bool has_addr(const struct dk_nl_if *ifc, const struct in6_addr *a)
{
    for (size_t i = 0; i < ifc->naddrs; i++)
        if (dk__nl_addr_usable(&ifc->addrs[i]) && memcmp(&ifc->addrs[i].addr, a, sizeof(*a)) == 0)
            return true;
    return false;
}

static struct in6_addr global_of(const struct dk_nl_if *ifc)
{
    const struct dk_nl_addr *g = first_addr(ifc, dk__addr_is_global);
    return g ? g->addr : in6addr_any;
}

static bool candidate_if(const struct dk_nl_if *ifc)
{
    return !(ifc->flags & IFF_LOOPBACK);
}

static int plan_interface(const struct dk_config_section *s, const struct dk_nl_if *ifc,
                          struct dk_lplan *out)
{
    struct dk_lspec sp = {.file = s->file, .line = s->line};
    const struct dk_config_value *rf = dk_config_get(s, "reply-from");
    const struct dk_config_value *la = dk_config_get(s, "link-address");
    const struct dk_config_value *self = dk_config_get(s, "listen-to-self");

    sp.meta.kind = DK_LISTEN_INTERFACE;
    sp.meta.ifindex = ifc->index;
    snprintf(sp.meta.ifname, sizeof(sp.meta.ifname), "%s", ifc->name);
    sp.meta.addr = all_dhcp;
    if (rf) {
        memcpy(&sp.meta.reply_from, rf->v.addr, 16);
        if (!has_addr(ifc, &sp.meta.reply_from))
            sp.meta.reply_from = in6addr_any; /* not there (yet): the kernel chooses */
    } else {
        const struct dk_nl_addr *ll = first_addr(ifc, dk__addr_is_linklocal);
        sp.meta.reply_from = ll ? ll->addr : in6addr_any;
    }
    if (la)
        memcpy(&sp.meta.link_address, la->v.addr, 16);
    else
        sp.meta.link_address = global_of(ifc);
    sp.meta.listen_to_self = self && self->v.b;
    return plan_add(out, &sp);
}

/* RFC 4291 §2.5.1: the u bit of a modified EUI-64 interface identifier. */
static bool ubit(const struct in6_addr *a)
{
    return (a->s6_addr[8] & 0x02) != 0;
}

static int unicast_one(const struct dk_config_section *s, const struct dk_nl_if *ifc,
                       const struct in6_addr *addr, struct dk_lplan *out)
{
    struct dk_lspec sp = {.file = s->file, .line = s->line};
    sp.meta.kind = DK_LISTEN_UNICAST;
    sp.meta.addr = *addr;
    snprintf(sp.meta.ifname, sizeof(sp.meta.ifname), "%s", ifc->name);
    /* A link-local address is bound with its scope; a global one is not. */
    sp.meta.ifindex = dk__addr_is_linklocal(addr) ? ifc->index : 0;
    sp.meta.reply_from = *addr;
    sp.meta.link_address = dk__addr_is_global(addr) ? *addr : global_of(ifc);
    return plan_add(out, &sp);
}

static int plan_unicast(const struct dk_config_section *s, const struct dk_netstate *st,
                        struct dk_lplan *out)
{
    const struct dk_config_value *ifv = dk_config_get(s, "interface");
    bool any_if = !ifv || ifv->word; /* no interface given, or '*' */

    if (!s->arg.word) {
        struct in6_addr a;
        memcpy(&a, s->arg.v.addr, 16);
        for (size_t i = 0; i < st->nifs; i++) {
            const struct dk_nl_if *ifc = &st->ifs[i];
            if (!any_if && strcmp(ifc->name, ifv->v.s) != 0)
                continue;
            if (has_addr(ifc, &a))
                return unicast_one(s, ifc, &a, out);
        }
        return 0; /* not (yet) configured on this host */
    }
    bool all = strcmp(s->arg.word, "all") == 0;
    for (size_t i = 0; i < st->nifs; i++) {
        const struct dk_nl_if *ifc = &st->ifs[i];
        if (any_if ? !candidate_if(ifc) : strcmp(ifc->name, ifv->v.s) != 0)
            continue;
        const struct dk_nl_addr *pick = NULL;
        for (size_t k = 0; k < ifc->naddrs; k++) {
            const struct dk_nl_addr *ad = &ifc->addrs[k];
            if (!dk__nl_addr_usable(ad) || !dk__addr_is_global(&ad->addr))
                continue;
            if (all) {
                if (unicast_one(s, ifc, &ad->addr, out) < 0)
                    return -1;
                continue;
            }
            /* auto: the lowest address with the u bit, else the lowest. */
            if (!pick || (ubit(&ad->addr) && !ubit(&pick->addr)) ||
                (ubit(&ad->addr) == ubit(&pick->addr) && memcmp(&ad->addr, &pick->addr, 16) < 0))
                pick = ad;
        }
        if (pick && unicast_one(s, ifc, &pick->addr, out) < 0)
            return -1;
    }
    return 0;
}

/* <listen-tcp>: :: always, an address once it is configured here. */
static int plan_tcp(const struct dk_config_section *s, const struct dk_netstate *st,
                    struct dk_lplan *out)
{
    struct dk_lspec sp = {.file = s->file, .line = s->line};
    const struct dk_config_value *a = dk_config_get(s, "address");
    const struct dk_config_value *mc = dk_config_get(s, "max-connections");
    const struct dk_config_value *it = dk_config_get(s, "idle-timeout");
    sp.meta.kind = DK_LISTEN_TCP;
    memcpy(&sp.meta.addr, a ? a->v.addr : s->arg.v.addr, 16);
    sp.meta.tcp.max_connections = mc ? (uint32_t)mc->v.u : 10;
    sp.meta.tcp.idle_timeout = it ? (uint32_t)it->v.u : 30;
    size_t n = dk_config_count(s, "allow-from");
    for (size_t i = 0; i < n && i < DK_TCP_MAX_ALLOW; i++) {
        const struct dk_config_value *p = dk_config_nth(s, "allow-from", i);
        memcpy(&sp.meta.tcp.allow[i].prefix, p->v.prefix.addr, 16);
        sp.meta.tcp.allow[i].len = p->v.prefix.len;
        sp.meta.tcp.nallow++;
    }
    if (IN6_IS_ADDR_UNSPECIFIED(&sp.meta.addr))
        return plan_add(out, &sp);
    for (size_t i = 0; i < st->nifs; i++)
        if (has_addr(&st->ifs[i], &sp.meta.addr)) {
            snprintf(sp.meta.ifname, sizeof(sp.meta.ifname), "%s", st->ifs[i].name);
            return plan_add(out, &sp);
        }
    return 0; /* not (yet) configured on this host */
}

int dk__listeners_plan(const struct dk_config_section *root, const struct dk_netstate *st,
                       struct dk_lplan *out)
{
    out->n = 0;
    for (size_t i = 0; i < root->nchildren; i++) {
        const struct dk_config_section *s = root->children[i];
        if (s->def->kind != DK_CFG_KIND_LISTENER)
            continue;
        if (strcmp(s->type, "listen-interface") == 0) {
            for (size_t k = 0; k < st->nifs; k++) {
                const struct dk_nl_if *ifc = &st->ifs[k];
                bool match = s->arg.word ? candidate_if(ifc) && (ifc->flags & IFF_MULTICAST)
                                         : strcmp(ifc->name, s->arg.v.s) == 0;
                if (match && plan_interface(s, ifc, out) < 0)
                    return -1;
            }
        } else if (strcmp(s->type, "listen-unicast") == 0) {
            if (plan_unicast(s, st, out) < 0)
                return -1;
        } else if (strcmp(s->type, "listen-tcp") == 0) {
            if (plan_tcp(s, st, out) < 0)
                return -1;
        }
    }
    return 0;
}

/* The listening socket of <listen-tcp>: non-blocking, so that the engine's
 * accept4 never waits. */
static int tcp_open(const struct dk_ipc_listener *l, char *err, size_t errlen)
{
    static const int one = 1;
    char name[64];
    const char *what = "socket";
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail;
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
                              .sin6_port = htons(DK_SERVER_PORT), /* RFC 5460 §5.2 */
                              .sin6_addr = l->addr};
    what = "setsockopt";
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
        goto fail;
    what = "bind";
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        goto fail;
    what = "listen";
    if (listen(fd, 64) < 0)
        goto fail;
    return fd;
fail:
    snprintf(err, errlen, "%s: %s: %s", dk__listener_name(l, name, sizeof(name)), what,
             strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

int dk__listener_open(const struct dk_ipc_listener *l, char *err, size_t errlen)
{
    if (l->kind == DK_LISTEN_TCP)
        return tcp_open(l, err, errlen);
    static const int one = 1;
    int rcvbuf = DK_RCVBUF;
    char name[64];
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
                              .sin6_port = htons(DK_SERVER_PORT),
                              .sin6_addr = l->addr,
                              .sin6_scope_id = l->ifindex};
    const char *what = "setsockopt";
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0)
        goto fail;
    /* As root the parent may exceed net.core.rmem_max; fall back if not. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (l->kind == DK_LISTEN_INTERFACE) {
        /* Only this interface's packets, even for a second listener on
         * another interface with the same group. */
        what = "SO_BINDTODEVICE";
        if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, l->ifname, strlen(l->ifname)) < 0)
            goto fail;
        what = "bind";
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            goto fail;
        struct ipv6_mreq mr = {.ipv6mr_multiaddr = all_dhcp, .ipv6mr_interface = l->ifindex};
        what = "IPV6_JOIN_GROUP";
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
            goto fail;
    } else {
        what = "bind";
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            goto fail;
    }
    return fd;
fail:
    snprintf(err, errlen, "%s: %s: %s", dk__listener_name(l, name, sizeof(name)), what,
             strerror(errno));
    close(fd);
    return -1;
}
