/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The worker threads: batched receive (recvmmsg), the pipeline, batched
 * send (sendmmsg). Several workers read the same socket, so even the traffic
 * of one relay (one address and port) spreads over all of them, packet by
 * packet. Nothing here takes a lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/wire.h>

#include "engine.h"
#include "listeners.h"
#include "log.h"
#include "netlink.h"

#define BATCH   32
#define RX_SIZE 65536 /* the largest UDP payload fits */
#define TX_SIZE 65536
#define NEVENTS 16

struct io {
    uint8_t *rx, *tx; /* BATCH buffers of RX_SIZE / TX_SIZE, mapped lazily */
    struct mmsghdr rmsg[BATCH], tmsg[BATCH];
    struct iovec riov[BATCH], tiov[BATCH];
    struct sockaddr_in6 rname[BATCH], tname[BATCH];
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t)) + 64];
    } rctl[BATCH], tctl[BATCH];
    struct dk_result tres[BATCH];
    struct dk_stats_cats *cats; /* for the replies in tmsg */
    size_t tcat[BATCH][8];
    size_t tncat[BATCH];
    time_t last_warn;
};

int dk__worker_io_new(struct dk_wthread *t)
{
    struct io *io = calloc(1, sizeof(*io));
    if (!io)
        return -1;
    io->rx = mmap(NULL, (size_t)BATCH * RX_SIZE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    io->tx = mmap(NULL, (size_t)BATCH * TX_SIZE, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (io->rx == MAP_FAILED || io->tx == MAP_FAILED) {
        if (io->rx != MAP_FAILED)
            munmap(io->rx, (size_t)BATCH * RX_SIZE);
        if (io->tx != MAP_FAILED)
            munmap(io->tx, (size_t)BATCH * TX_SIZE);
        free(io);
        return -1;
    }
    t->io = io;
    return 0;
}

void dk__worker_io_free(struct dk_wthread *t)
{
    struct io *io = t->io;
    if (!io)
        return;
    munmap(io->rx, (size_t)BATCH * RX_SIZE);
    munmap(io->tx, (size_t)BATCH * TX_SIZE);
    free(io);
    t->io = NULL;
}

static const struct dk_ipc_if *if_by_index(const struct dk_iftab *tab, unsigned index)
{
    for (size_t i = 0; tab && i < tab->nifs; i++)
        if (tab->ifs[i].index == index)
            return &tab->ifs[i];
    return NULL;
}

/* Whether a is an address of this host (binary search: addrs is sorted). */
static bool is_own_address(const struct dk_iftab *tab, const struct in6_addr *a)
{
    size_t lo = 0, hi = tab ? tab->naddrs : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(&tab->addrs[mid].addr, a, 16);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static void count_cats(struct dk_wthread *t, const struct dk_stats_cats *c, const size_t *idx,
                       size_t n, size_t field_off)
{
    for (size_t i = 0; i < n; i++) {
        struct dk_counters *k = &c->counters[t->slot * c->ncat + idx[i]];
        dk__count((_Atomic uint64_t *)((char *)k + field_off));
    }
}

#define COUNT(t, c, idx, n, field)                                                                 \
    do {                                                                                           \
        dk__count(&(t)->global.field);                                                             \
        count_cats((t), (c), (idx), (n), offsetof(struct dk_counters, field));                     \
    } while (0)

static void count_type(struct dk_wthread *t, const struct dk_stats_cats *c, const size_t *idx,
                       size_t n, bool in, uint8_t type)
{
    if (type == 0 || type >= DK_STATS_NTYPES)
        return;
    dk__count(in ? &t->global.messages_in[type] : &t->global.messages_out[type]);
    for (size_t i = 0; i < n; i++) {
        struct dk_counters *k = &c->counters[t->slot * c->ncat + idx[i]];
        dk__count(in ? &k->messages_in[type] : &k->messages_out[type]);
    }
}

static void send_batch(struct dk_wthread *t, struct dk_elistener *el, size_t n)
{
    struct io *io = t->io;
    size_t done = 0;
    int tries = 0;
    while (done < n) {
        int r = sendmmsg(el->fd, io->tmsg + done, (unsigned)(n - done), MSG_DONTWAIT);
        if (r > 0) {
            for (size_t i = done; i < done + (size_t)r; i++) {
                COUNT(t, io->cats, io->tcat[i], io->tncat[i], outgoing_packets);
                count_type(t, io->cats, io->tcat[i], io->tncat[i], false, io->tres[i].msg_out);
                if (io->tres[i].use_multicast)
                    COUNT(t, io->cats, io->tcat[i], io->tncat[i], use_multicast);
            }
            done += (size_t)r;
            tries = 0;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == ENOBUFS) && tries++ < 10) {
            struct pollfd p = {.fd = el->fd, .events = POLLOUT};
            (void)poll(&p, 1, 10);
            continue;
        }
        /* This datagram cannot go (e.g. no route to the client): count it,
         * say so now and then, and carry on with the rest. */
        time_t now = time(NULL);
        if (now != io->last_warn) {
            char a[INET6_ADDRSTRLEN];
            io->last_warn = now;
            inet_ntop(AF_INET6, &io->tname[done].sin6_addr, a, sizeof(a));
            dk__log_warn("%s: reply to [%s]:%u", __func__, a, ntohs(io->tname[done].sin6_port));
        }
        COUNT(t, io->cats, io->tcat[done], io->tncat[done], handling_errors);
        done++;
        tries = 0;
    }
}

static const char *verdict_name(enum dk_verdict v)
{
    switch (v) {
    case DK_VERDICT_REPLY:
        return "reply";
    case DK_VERDICT_UNPARSABLE:
        return "unparsable";
    case DK_VERDICT_HANDLING_ERROR:
        return "handling error";
    case DK_VERDICT_FOR_OTHER_SERVER:
        return "for another server";
    case DK_VERDICT_DO_NOT_RESPOND:
        return "not answered";
    case DK_VERDICT_NOT_ALLOWED:
        return "not allowed";
    case DK_VERDICT_RATE_LIMITED:
        return "rate limited";
    }
    return "?";
}

/* One line per request at debug-packets level. The interface name comes
 * from the kernel; the reason is a static string of the pipeline. */
static void log_packet(const struct dk_rx *rx, const struct dk_result *res)
{
    char a[INET6_ADDRSTRLEN], ifn[4 * IF_NAMESIZE + 4];
    inet_ntop(AF_INET6, &rx->src, a, sizeof(a));
    dk__escape(rx->ifname ? rx->ifname : "?", rx->ifname ? strlen(rx->ifname) : 1, ifn,
               sizeof(ifn));
    dk__log(DK_LOG_DEBUG_PACKETS, "%s: [%s]:%u on %s, %zu octets: %s -> %s%s%s%s%s%s", __func__, a,
            rx->sport, ifn, rx->len, res->msg_in ? dk_msg_name(res->msg_in) : "-",
            verdict_name(res->verdict), res->msg_out ? " " : "",
            res->msg_out ? dk_msg_name(res->msg_out) : "", res->why ? " (" : "",
            res->why ? res->why : "", res->why ? ")" : "");
}

/* Reads and answers one batch from a listener. Returns the number read. */
static int serve_batch(struct dk_wthread *t, struct dk_elistener *el)
{
    struct io *io = t->io;
    for (size_t i = 0; i < BATCH; i++) {
        io->riov[i] = (struct iovec){io->rx + i * RX_SIZE, RX_SIZE};
        io->rmsg[i].msg_hdr = (struct msghdr){
            .msg_name = &io->rname[i],
            .msg_namelen = sizeof(io->rname[i]),
            .msg_iov = &io->riov[i],
            .msg_iovlen = 1,
            .msg_control = io->rctl[i].buf,
            .msg_controllen = sizeof(io->rctl[i].buf),
        };
    }
    int n = recvmmsg(el->fd, io->rmsg, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0)
        return n < 0 && errno != EAGAIN && errno != EINTR ? -1 : 0;

    const struct dk_lview *view = atomic_load_explicit(&el->view, memory_order_acquire);
    const struct dk_active *act = atomic_load_explicit(&t->eng->active, memory_order_acquire);
    const struct dk_iftab *tab = atomic_load_explicit(&t->eng->iftab, memory_order_acquire);
    const struct dk_ipc_listener *m = &view->meta;
    struct dk_stats_cats *cats = act->cats;
    size_t ntx = 0;
    io->cats = cats;

    for (int i = 0; i < n; i++) {
        struct msghdr *h = &io->rmsg[i].msg_hdr;
        struct dk_rx rx = {
            .data = io->rx + (size_t)i * RX_SIZE,
            .len = io->rmsg[i].msg_len,
            .src = io->rname[i].sin6_addr,
            .sport = ntohs(io->rname[i].sin6_port),
            .ifindex = m->ifindex,
            .ifname = m->ifname,
        };
        bool have_dst = false;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
            if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
                c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
                struct in6_pktinfo pi;
                memcpy(&pi, CMSG_DATA(c), sizeof(pi));
                rx.dst = pi.ipi6_addr;
                rx.ifindex = pi.ipi6_ifindex;
                have_dst = true;
            } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
                       c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
                uint32_t d;
                memcpy(&d, CMSG_DATA(c), sizeof(d));
                if (atomic_load_explicit(&el->drops, memory_order_relaxed) != d)
                    atomic_store_explicit(&el->drops, d, memory_order_relaxed);
            }
        }
        if (!have_dst)
            rx.dst = m->addr;
        rx.multicast = IN6_IS_ADDR_MULTICAST(&rx.dst);
        /* The link of a direct client: the listener's, or for a unicast
         * listener the interface the packet came in on. */
        rx.link_address = m->link_address;
        if (m->kind == DK_LISTEN_UNICAST && rx.ifindex != m->ifindex) {
            const struct dk_ipc_if *ifc = if_by_index(tab, rx.ifindex);
            if (ifc) {
                rx.ifname = ifc->name;
                if (!dk__addr_is_global(&m->addr))
                    rx.link_address = ifc->link_address;
            }
        }

        size_t cat[8], ncat = 0;
        if (cats->ncat) {
            struct dk_stats_key key = {.ifname = rx.ifname,
                                       .src = &rx.src,
                                       .link = &rx.link_address,
                                       .data = rx.data,
                                       .len = rx.len};
            ncat = dk__stats_cats_match(cats, &key, cat, 8);
        }
        COUNT(t, cats, cat, ncat, incoming_packets);
        if (h->msg_flags & MSG_TRUNC) {
            COUNT(t, cats, cat, ncat, unparsable_packets);
            continue;
        }
        /* Multicast from this host itself only with listen-to-self (a
         * unicast listener has no such setting: a relay may run here). */
        if (m->kind == DK_LISTEN_INTERFACE && !m->listen_to_self && is_own_address(tab, &rx.src)) {
            COUNT(t, cats, cat, ncat, do_not_respond);
            if (dk__log_enabled(DK_LOG_DEBUG_PACKETS)) {
                struct dk_result own = {.verdict = DK_VERDICT_DO_NOT_RESPOND,
                                        .why = "from this host (listen-to-self is off)"};
                log_packet(&rx, &own);
            }
            continue;
        }

        struct dk_tx tx = {.buf = io->tx + ntx * TX_SIZE, .cap = TX_SIZE};
        struct dk_result res = {0};
        dk_pipeline_handle(act->pipeline, t->w, &rx, &tx, &res);
        count_type(t, cats, cat, ncat, true, res.msg_in);
        if (dk__log_enabled(DK_LOG_DEBUG_PACKETS))
            log_packet(&rx, &res);
        switch (res.verdict) {
        case DK_VERDICT_REPLY:
            break;
        case DK_VERDICT_UNPARSABLE:
            COUNT(t, cats, cat, ncat, unparsable_packets);
            continue;
        case DK_VERDICT_HANDLING_ERROR:
            COUNT(t, cats, cat, ncat, handling_errors);
            continue;
        case DK_VERDICT_FOR_OTHER_SERVER:
            COUNT(t, cats, cat, ncat, for_other_server);
            continue;
        case DK_VERDICT_DO_NOT_RESPOND:
            COUNT(t, cats, cat, ncat, do_not_respond);
            continue;
        case DK_VERDICT_NOT_ALLOWED:
            COUNT(t, cats, cat, ncat, not_allowed);
            continue;
        case DK_VERDICT_RATE_LIMITED:
            COUNT(t, cats, cat, ncat, rate_limited);
            continue;
        default:
            COUNT(t, cats, cat, ncat, handling_errors);
            continue;
        }
        if (tx.len == 0 || tx.len > tx.cap) {
            COUNT(t, cats, cat, ncat, handling_errors);
            continue;
        }

        /* Where it goes: the pipeline said; from where: the listener. */
        io->tname[ntx] = (struct sockaddr_in6){
            .sin6_family = AF_INET6,
            .sin6_port = htons(tx.dport),
            .sin6_addr = tx.dst,
        };
        unsigned oif = tx.ifindex ? tx.ifindex : rx.ifindex;
        if (dk__addr_is_linklocal(&tx.dst) || IN6_IS_ADDR_MC_LINKLOCAL(&tx.dst))
            io->tname[ntx].sin6_scope_id = oif;
        io->tiov[ntx] = (struct iovec){tx.buf, tx.len};
        struct msghdr *th = &io->tmsg[ntx].msg_hdr;
        *th = (struct msghdr){
            .msg_name = &io->tname[ntx],
            .msg_namelen = sizeof(io->tname[ntx]),
            .msg_iov = &io->tiov[ntx],
            .msg_iovlen = 1,
        };
        /* A socket bound to ff02::1:2 has no source address of its own:
         * replies come from the interface's link-local address (or the
         * kernel's choice when it has none yet). */
        if (m->kind == DK_LISTEN_INTERFACE) {
            struct in6_pktinfo pi = {.ipi6_addr = m->reply_from, .ipi6_ifindex = oif};
            th->msg_control = io->tctl[ntx].buf;
            th->msg_controllen = CMSG_SPACE(sizeof(pi));
            memset(io->tctl[ntx].buf, 0, sizeof(io->tctl[ntx].buf));
            struct cmsghdr *c = CMSG_FIRSTHDR(th);
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof(pi));
            memcpy(CMSG_DATA(c), &pi, sizeof(pi));
        }
        io->tres[ntx] = res;
        memcpy(io->tcat[ntx], cat, sizeof(cat));
        io->tncat[ntx] = ncat;
        ntx++;
    }
    if (ntx)
        send_batch(t, el, ntx);
    return n;
}

void *dk__worker_run(void *arg)
{
    struct dk_wthread *t = arg;
    struct epoll_event ev[NEVENTS];
    for (;;) {
        /* Quiescent point: this thread holds no reference to anything the
         * main thread may replace. */
        atomic_fetch_add_explicit(&t->qs, 1, memory_order_seq_cst);
        if (atomic_load(&t->stop))
            break;
        int n = epoll_wait(t->epfd, ev, NEVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            dk__log_warn("%s: epoll_wait", __func__);
            struct timespec ts = {0, 100000000};
            nanosleep(&ts, NULL);
            continue;
        }
        for (int i = 0; i < n; i++) {
            struct dk_elistener *el = ev[i].data.ptr;
            if (!el) {
                uint64_t v;
                (void)!read(t->wakefd, &v, sizeof(v));
                continue;
            }
            /* One batch per ready socket, then back to epoll: fair to the
             * other sockets; level-triggered, so a busy socket comes back. */
            if (serve_batch(t, el) < 0 && errno != ECONNREFUSED) {
                time_t now = time(NULL);
                struct io *io = t->io;
                if (now != io->last_warn) {
                    io->last_warn = now;
                    dk__log_warn("%s: recvmmsg", __func__);
                }
            }
        }
    }
    return NULL;
}
