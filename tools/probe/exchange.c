/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The socket and one message exchange with retransmissions, as RFC 8415
 * §15 has a client do it: RT from IRT, doubled each time with ±10 % jitter,
 * capped by MRT, until MRC transmissions or MRD seconds, and never past
 * --timeout. The first Solicit, Confirm and Information-request are sent at
 * once: a tool skips the random initial delay (SOL_MAX_DELAY, CNF_MAX_DELAY,
 * INF_MAX_DELAY of §18.2.1, §18.2.3, §18.2.6), which only spreads the
 * clients of a link that boots at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/wire.h>

#include "probe.h"

/* RFC 8415 §7.6: the transmission and retransmission parameters. */
void probe_rt_params(uint8_t type, struct probe_rt *p)
{
    memset(p, 0, sizeof(*p));
    switch (type) {
    case DK_MSG_SOLICIT: /* SOL_TIMEOUT, SOL_MAX_RT */
        p->irt = 1, p->mrt = 3600;
        break;
    case DK_MSG_REQUEST: /* REQ_TIMEOUT, REQ_MAX_RT, REQ_MAX_RC */
        p->irt = 1, p->mrt = 30, p->mrc = 10;
        break;
    case DK_MSG_CONFIRM: /* CNF_TIMEOUT, CNF_MAX_RT, CNF_MAX_RD */
        p->irt = 1, p->mrt = 4, p->mrd = 10;
        break;
    case DK_MSG_RENEW: /* REN_TIMEOUT, REN_MAX_RT; MRD: until T2, unknown to a tool */
        p->irt = 10, p->mrt = 600;
        break;
    case DK_MSG_REBIND: /* REB_TIMEOUT, REB_MAX_RT; MRD: until the leases expire */
        p->irt = 10, p->mrt = 600;
        break;
    case DK_MSG_RELEASE: /* REL_TIMEOUT, REL_MAX_RC */
        p->irt = 1, p->mrc = 4;
        break;
    case DK_MSG_DECLINE: /* DEC_TIMEOUT, DEC_MAX_RC */
        p->irt = 1, p->mrc = 4;
        break;
    case DK_MSG_INFORMATION_REQUEST: /* INF_TIMEOUT, INF_MAX_RT */
    default:
        p->irt = 1, p->mrt = 3600;
        break;
    }
}

double probe_rt_next(const struct probe_rt *p, uint8_t type, double prev, double rand)
{
    if (rand > 0.1)
        rand = 0.1;
    if (rand < -0.1)
        rand = -0.1;
    if (prev <= 0) {
        /* §18.2.1: "RAND MUST be strictly greater than 0" for the first
         * RT of a Solicit, so that the first Advertises are all waited for. */
        if (type == DK_MSG_SOLICIT && rand < 0.001)
            rand = rand < -0.001 ? -rand : 0.001;
        return p->irt + rand * p->irt;
    }
    /* §15: RT = 2*RTprev + RAND*RTprev; past MRT, RT = MRT + RAND*MRT. */
    double rt = 2 * prev + rand * prev;
    if (p->mrt > 0 && rt > p->mrt)
        rt = p->mrt + rand * p->mrt;
    return rt;
}

double probe_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t random64(void)
{
    uint64_t v;
    if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
    }
    return v;
}

double probe_rand_jitter(void)
{
    return ((double)(random64() >> 11) / (double)(1ull << 53)) * 0.2 - 0.1;
}

uint32_t probe_rand_xid(void)
{
    return (uint32_t)(random64() & 0xffffffu);
}

int probe_net_open(const struct probe_args *a, struct probe_net *n, char *err, size_t errlen)
{
    memset(n, 0, sizeof(*n));
    n->fd = -1;
    n->verbose = a->verbose;
    if (a->ifname) {
        n->ifindex = if_nametoindex(a->ifname);
        if (!n->ifindex) {
            snprintf(err, errlen, "interface %s: %s", a->ifname, strerror(errno));
            return -1;
        }
    }
    /* RFC 8415 §7.1: All_DHCP_Relay_Agents_and_Servers, unless -s. */
    static const uint8_t all_servers[16] = {0xff, 0x02, [13] = 0x01, [15] = 0x02};
    memcpy(n->dst, a->has_server ? a->server : all_servers, 16);
    n->dst_port = DK_SERVER_PORT;

    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (n->ifindex) {
        unsigned idx = n->ifindex;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0) {
            snprintf(err, errlen, "IPV6_MULTICAST_IF %s: %s", a->ifname, strerror(errno));
            close(fd);
            return -1;
        }
        /* A client talks on its link only; a relay may reach a server anywhere. */
        if (!a->relay && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, a->ifname,
                                    (socklen_t)strlen(a->ifname)) < 0) {
            snprintf(err, errlen, "SO_BINDTODEVICE %s: %s", a->ifname, strerror(errno));
            close(fd);
            return -1;
        }
    }
    /* RFC 8415 §7.2: clients listen on 546, relays and servers on 547. */
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
                              .sin6_port = htons(a->relay ? DK_SERVER_PORT : DK_CLIENT_PORT)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        snprintf(err, errlen, "bind to port %u: %s", a->relay ? DK_SERVER_PORT : DK_CLIENT_PORT,
                 strerror(errno));
        close(fd);
        return -1;
    }
    n->fd = fd;
    return 0;
}

static int send_one(struct probe_net *n, const uint8_t *p, size_t len)
{
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(n->dst_port)};
    memcpy(&to.sin6_addr, n->dst, 16);
    if (IN6_IS_ADDR_LINKLOCAL(&to.sin6_addr) || IN6_IS_ADDR_MULTICAST(&to.sin6_addr))
        to.sin6_scope_id = n->ifindex;
    if (sendto(n->fd, p, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
        fprintf(stderr, PROBE_PROG ": send: %s\n", strerror(errno));
        return -1;
    }
    n->sent++;
    return 0;
}

enum probe_ex probe_run_exchange(struct probe_net *n, const struct probe_exchange *ex)
{
    static uint8_t out[65536], in[65536];
    struct probe_rt p;
    probe_rt_params(ex->type, &p);
    double start = probe_now();
    double end = n->deadline;
    if (p.mrd > 0 && start + p.mrd < end)
        end = start + p.mrd;
    double rt = 0, next = start, first_rt_end = 0;
    unsigned count = 0;
    bool candidate = false;

    for (;;) {
        double now = probe_now();
        if (now >= next) {
            /* The end of the first RT closes the collection of Advertises
             * (RFC 8415 §18.2.1); later a candidate ends the exchange at once. */
            if (candidate)
                return PROBE_EX_ANSWER;
            if (p.mrc && count >= p.mrc)
                return PROBE_EX_TIMEOUT;
            /* §21.9: hundredths of a second since the first transmission. */
            double el = (now - start) * 100;
            uint16_t elapsed = el >= 65535 ? 0xffff : (uint16_t)el;
            size_t len;
            if (ex->build(ex->ctx, elapsed, out, sizeof(out), &len))
                return PROBE_EX_OSERR;
            if (send_one(n, out, len))
                return PROBE_EX_OSERR;
            count++;
            rt = probe_rt_next(&p, ex->type, rt, probe_rand_jitter());
            next = now + rt;
            if (count == 1)
                first_rt_end = next;
            if (n->verbose)
                fprintf(stderr, PROBE_PROG ": %.3f s: sent %s #%u (%zu octets), next in %.3f s\n",
                        now - start, dk_msg_name(ex->type), count, len, rt);
        }
        now = probe_now();
        double wake = next < end ? next : end;
        if (now >= end)
            return candidate ? PROBE_EX_ANSWER : PROBE_EX_TIMEOUT;
        struct pollfd pfd = {.fd = n->fd, .events = POLLIN};
        int ms = (int)((wake - now) * 1000) + 1;
        int r = poll(&pfd, 1, ms);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, PROBE_PROG ": poll: %s\n", strerror(errno));
            return PROBE_EX_OSERR;
        }
        if (r <= 0)
            continue;
        struct sockaddr_in6 from;
        socklen_t fl = sizeof(from);
        ssize_t got = recvfrom(n->fd, in, sizeof(in), 0, (struct sockaddr *)&from, &fl);
        if (got < 0)
            continue;
        char addr[INET6_ADDRSTRLEN + IF_NAMESIZE + 8], ifn[IF_NAMESIZE];
        inet_ntop(AF_INET6, &from.sin6_addr, addr, INET6_ADDRSTRLEN);
        if (from.sin6_scope_id && if_indextoname(from.sin6_scope_id, ifn)) {
            size_t l = strlen(addr);
            snprintf(addr + l, sizeof(addr) - l, "%%%s", ifn);
        }
        switch (ex->receive(ex->ctx, in, (size_t)got, addr)) {
        case PROBE_RX_IGNORE:
            break;
        case PROBE_RX_FINAL:
            return PROBE_EX_ANSWER;
        case PROBE_RX_MALFORMED:
            return PROBE_EX_MALFORMED;
        case PROBE_RX_CANDIDATE:
            candidate = true;
            /* After the first RT, the first Advertise ends the exchange. */
            if (probe_now() >= first_rt_end)
                return PROBE_EX_ANSWER;
            next = first_rt_end;
            break;
        }
    }
}
