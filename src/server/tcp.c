/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Bulk leasequery over TCP (RFC 5460 §5): one thread with one epoll over
 * the <listen-tcp> sockets and their connections. A connection reads
 * length-framed Leasequery messages (tcpframe.c) into a buffer of one frame,
 * hands each to the pipeline and writes the framed answer; the rest of a
 * bulk answer (res.stream) is pulled one message at a time, only when the
 * previous one has gone into the socket. So a connection holds at most one
 * frame in and one frame out, a reader that stalls costs that and blocks
 * nobody, and it is closed after idle-timeout without progress.
 *
 * Like the workers, the thread passes a quiescent point at the top of its
 * loop and holds nothing the main thread may replace (pipeline, listener
 * views) across it. Connections keep what they need of their listener (its
 * id, the idle timeout): a listener that goes leaves its connections to end
 * on their own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/wire.h>

#include "engine.h"
#include "log.h"
#include "tcpframe.h"

#define NEVENTS       32
#define ACCEPT_BATCH  16 /* connections accepted per event, for fairness */
#define STREAM_BATCH  64 /* messages of a stream per event, the same */
#define TICK_MS       500
#define CONN_TAG      ((uintptr_t)1) /* epoll data: a connection, not a listener */

struct conn {
    int fd;
    uint32_t lid;          /* the listener's id (counting max-connections) */
    uint32_t idle_timeout; /* seconds, from the listener when accepted */
    struct in6_addr peer;
    uint16_t port;
    uint32_t events; /* registered with epoll */
    uint8_t *in;     /* DK_TCPFRAME_MAX: at most one frame */
    size_t inlen;
    uint8_t *out; /* DK_TCPFRAME_MAX: one framed message */
    size_t outlen, outoff;
    struct dk_msg_stream *stream; /* the rest of the answer in progress */
    struct timespec last;         /* of the last progress */
    struct conn *prev, *next;
};

struct conns {
    struct conn *head;
    size_t n;
    time_t last_warn;
};

static struct timespec now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void conn_close(struct dk_tcpthread *t, struct conn *c)
{
    struct conns *cs = t->conns;
    if (c->stream)
        c->stream->close(c->stream);
    (void)epoll_ctl(t->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        cs->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    cs->n--;
    free(c->in);
    free(c->out);
    free(c);
}

static void log_conn(const struct conn *c, const char *what)
{
    if (!dk__log_enabled(DK_LOG_DEBUG))
        return;
    char a[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &c->peer, a, sizeof(a));
    dk__log(DK_LOG_DEBUG, "tcp: [%s]:%u: %s", a, c->port, what);
}

/* Busy (something to write): wait for room; else for the next query. */
static int conn_interest(struct dk_tcpthread *t, struct conn *c)
{
    uint32_t want = (c->outoff < c->outlen || c->stream) ? EPOLLOUT : EPOLLIN;
    if (want == c->events)
        return 0;
    struct epoll_event ev = {.events = want, .data.u64 = (uint64_t)((uintptr_t)c | CONN_TAG)};
    if (epoll_ctl(t->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        return -1;
    c->events = want;
    return 0;
}

static void count_verdict(struct dk_tcpthread *t, enum dk_verdict v)
{
    switch (v) {
    case DK_VERDICT_REPLY:
        break;
    case DK_VERDICT_UNPARSABLE:
        dk__count(&t->global.unparsable_packets);
        break;
    case DK_VERDICT_FOR_OTHER_SERVER:
        dk__count(&t->global.for_other_server);
        break;
    case DK_VERDICT_DO_NOT_RESPOND:
        dk__count(&t->global.do_not_respond);
        break;
    case DK_VERDICT_NOT_ALLOWED:
        dk__count(&t->global.not_allowed);
        break;
    case DK_VERDICT_RATE_LIMITED:
        dk__count(&t->global.rate_limited);
        break;
    default:
        dk__count(&t->global.handling_errors);
        break;
    }
}

static void count_out(struct dk_tcpthread *t, uint8_t type)
{
    dk__count(&t->global.outgoing_packets);
    if (type && type < DK_STATS_NTYPES)
        dk__count(&t->global.messages_out[type]);
}

/* Answers one query (msg, n octets) into c->out. Returns 0, or -1 to
 * close the connection. */
static int conn_query(struct dk_tcpthread *t, struct conn *c, const uint8_t *msg, size_t n)
{
    const struct dk_active *act = atomic_load_explicit(&t->eng->active, memory_order_acquire);
    dk__count(&t->global.tcp_queries);
    dk__count(&t->global.incoming_packets);
    if (!act)
        return -1;
    struct dk_rx rx = {
        .data = msg,
        .len = n,
        .src = c->peer,
        .sport = c->port,
        .tcp = true, /* dst, ifindex, link_address: :: and 0 */
    };
    struct dk_tx tx = {.buf = c->out + DK_TCPFRAME_HDR, .cap = DK_TCPFRAME_MAX - DK_TCPFRAME_HDR};
    struct dk_result res = {0};
    dk_pipeline_handle(act->pipeline, t->w, &rx, &tx, &res);
    if (res.msg_in && res.msg_in < DK_STATS_NTYPES)
        dk__count(&t->global.messages_in[res.msg_in]);
    count_verdict(t, res.verdict);
    if (dk__log_enabled(DK_LOG_DEBUG_PACKETS)) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &c->peer, a, sizeof(a));
        dk__log(DK_LOG_DEBUG_PACKETS, "tcp: [%s]:%u, %zu octets: %s -> %s%s%s", a, c->port, n,
                res.msg_in ? dk_msg_name(res.msg_in) : "-",
                res.verdict == DK_VERDICT_REPLY ? "reply" : "no reply", res.why ? ": " : "",
                res.why ? res.why : "");
    }
    if (res.verdict == DK_VERDICT_UNPARSABLE) {
        dk__count(&t->global.tcp_closed_garbage);
        return -1; /* res.stream is NULL: the pipeline closed it */
    }
    if (res.verdict != DK_VERDICT_REPLY || tx.len == 0 || tx.len > tx.cap) {
        if (res.stream)
            res.stream->close(res.stream);
        return 0; /* nothing to say to this one; the requestor times out */
    }
    dk__tcpframe_put(c->out, tx.len);
    c->outoff = 0;
    c->outlen = DK_TCPFRAME_HDR + tx.len;
    c->stream = res.stream;
    count_out(t, c->out[DK_TCPFRAME_HDR]);
    return 0;
}

/* The queries already in c->in, while nothing is being written. Returns 0
 * or -1 (close; counted). */
static int conn_parse(struct dk_tcpthread *t, struct conn *c)
{
    while (c->outoff >= c->outlen && !c->stream && c->inlen) {
        size_t mlen;
        const char *why;
        enum dk_tcpframe f = dk__tcpframe_next(c->in, c->inlen, &mlen, &why);
        if (f == DK_TCPFRAME_MORE)
            return 0;
        if (f == DK_TCPFRAME_BAD) {
            dk__count(&t->global.tcp_closed_garbage);
            log_conn(c, why);
            return -1;
        }
        if (conn_query(t, c, c->in + DK_TCPFRAME_HDR, mlen) < 0)
            return -1;
        size_t used = DK_TCPFRAME_HDR + mlen;
        memmove(c->in, c->in + used, c->inlen - used);
        c->inlen -= used;
    }
    return 0;
}

/* Writes what is pending and pulls the stream as the socket drains.
 * Returns 0 or -1 (close). */
static int conn_write(struct dk_tcpthread *t, struct conn *c)
{
    for (unsigned k = 0; k < STREAM_BATCH; k++) {
        while (c->outoff < c->outlen) {
            ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
                             MSG_DONTWAIT | MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return 0; /* EPOLLOUT brings us back */
            if (w <= 0)
                return -1;
            c->outoff += (size_t)w;
            c->last = now_mono();
        }
        if (!c->stream)
            return 0;
        int n = c->stream->next(c->stream, c->out + DK_TCPFRAME_HDR,
                                DK_TCPFRAME_MAX - DK_TCPFRAME_HDR);
        if (n <= 0 || (size_t)n > DK_TCPFRAME_MAX - DK_TCPFRAME_HDR) {
            c->stream->close(c->stream);
            c->stream = NULL;
            if (n != 0) {
                dk__count(&t->global.handling_errors);
                return -1; /* the answer cannot be completed */
            }
            return 0;
        }
        dk__tcpframe_put(c->out, (size_t)n);
        c->outoff = 0;
        c->outlen = DK_TCPFRAME_HDR + (size_t)n;
        count_out(t, c->out[DK_TCPFRAME_HDR]);
    }
    return 0;
}

/* Reads what the peer sent, up to one frame. Returns 0 or -1 (close). */
static int conn_read(struct dk_tcpthread *t, struct conn *c)
{
    (void)t;
    if (c->inlen == DK_TCPFRAME_MAX)
        return 0; /* a whole frame is in: it is parsed once the answer is out */
    ssize_t r = recv(c->fd, c->in + c->inlen, DK_TCPFRAME_MAX - c->inlen, MSG_DONTWAIT);
    if (r < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    if (r == 0)
        return -1; /* the requestor is done (RFC 5460 §5.2) */
    c->inlen += (size_t)r;
    c->last = now_mono();
    return 0;
}

static void conn_event(struct dk_tcpthread *t, struct conn *c, uint32_t events)
{
    int rc = 0;
    if (events & EPOLLIN)
        rc = conn_read(t, c);
    if (rc == 0)
        rc = conn_parse(t, c);
    if (rc == 0 && (c->outoff < c->outlen || c->stream))
        rc = conn_write(t, c);
    /* The answer is out: queries that came meanwhile. */
    if (rc == 0)
        rc = conn_parse(t, c);
    if (rc == 0 && (c->outoff < c->outlen || c->stream))
        rc = conn_write(t, c);
    if (rc == 0 && (events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN))
        rc = -1;
    if (rc == 0)
        rc = conn_interest(t, c);
    if (rc < 0) {
        log_conn(c, "closed");
        conn_close(t, c);
    }
}

static bool allowed(const struct dk_ipc_tcp *p, const struct in6_addr *a)
{
    if (p->nallow == 0)
        return true;
    for (uint32_t i = 0; i < p->nallow && i < DK_TCP_MAX_ALLOW; i++) {
        unsigned len = p->allow[i].len, full = len / 8, rest = len % 8;
        if (len > 128)
            continue;
        if (memcmp(a->s6_addr, p->allow[i].prefix.s6_addr, full) != 0)
            continue;
        if (rest) {
            uint8_t mask = (uint8_t)(0xff << (8 - rest));
            if ((a->s6_addr[full] & mask) != (p->allow[i].prefix.s6_addr[full] & mask))
                continue;
        }
        return true;
    }
    return false;
}

static size_t conns_of(const struct conns *cs, uint32_t lid)
{
    size_t n = 0;
    for (const struct conn *c = cs->head; c; c = c->next)
        n += c->lid == lid;
    return n;
}

static void listener_event(struct dk_tcpthread *t, struct dk_elistener *el)
{
    struct conns *cs = t->conns;
    const struct dk_lview *v = atomic_load_explicit(&el->view, memory_order_acquire);
    const struct dk_ipc_tcp *p = &v->meta.tcp;
    for (unsigned k = 0; k < ACCEPT_BATCH; k++) {
        struct sockaddr_in6 sa;
        socklen_t salen = sizeof(sa);
        int fd = accept4(el->fd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                errno != ECONNABORTED) {
                time_t now = time(NULL);
                if (now != cs->last_warn) {
                    cs->last_warn = now;
                    dk__log_warn("%s: accept4", __func__);
                }
            }
            return;
        }
        if (salen < sizeof(sa) || sa.sin6_family != AF_INET6 || !allowed(p, &sa.sin6_addr)) {
            dk__count(&t->global.tcp_refused_acl);
            close(fd);
            continue;
        }
        if (conns_of(cs, el->id) >= p->max_connections) {
            dk__count(&t->global.tcp_refused_limit);
            close(fd);
            continue;
        }
        struct conn *c = calloc(1, sizeof(*c));
        if (c) {
            c->in = malloc(DK_TCPFRAME_MAX);
            c->out = malloc(DK_TCPFRAME_MAX);
        }
        struct epoll_event ev = {.events = EPOLLIN,
                                 .data.u64 = (uint64_t)((uintptr_t)c | CONN_TAG)};
        if (!c || !c->in || !c->out || epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            dk__count(&t->global.handling_errors);
            if (c) {
                free(c->in);
                free(c->out);
            }
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->lid = el->id;
        c->idle_timeout = p->idle_timeout ? p->idle_timeout : 30;
        c->peer = sa.sin6_addr;
        c->port = ntohs(sa.sin6_port);
        c->events = EPOLLIN;
        c->last = now_mono();
        c->next = cs->head;
        if (cs->head)
            cs->head->prev = c;
        cs->head = c;
        cs->n++;
        dk__count(&t->global.tcp_accepted);
        log_conn(c, "accepted");
    }
}

/* Closes connections without progress for their idle timeout: silent ones
 * and readers that stopped reading. */
static void expire(struct dk_tcpthread *t)
{
    struct conns *cs = t->conns;
    struct timespec now = now_mono();
    for (struct conn *c = cs->head, *next; c; c = next) {
        next = c->next;
        if (since(&c->last, &now) >= (double)c->idle_timeout) {
            dk__count(&t->global.tcp_closed_idle);
            log_conn(c, "idle timeout");
            conn_close(t, c);
        }
    }
}

static void *tcp_run(void *arg)
{
    struct dk_tcpthread *t = arg;
    struct epoll_event ev[NEVENTS];
    struct timespec last_expire = now_mono();
    for (;;) {
        /* Quiescent point: no pipeline or listener view is held here. */
        atomic_fetch_add_explicit(&t->qs, 1, memory_order_seq_cst);
        if (atomic_load(&t->stop))
            break;
        int n = epoll_wait(t->epfd, ev, NEVENTS, TICK_MS);
        if (n < 0) {
            if (errno != EINTR) {
                dk__log_warn("%s: epoll_wait", __func__);
                struct timespec ts = {0, 100000000};
                nanosleep(&ts, NULL);
            }
            n = 0;
        }
        for (int i = 0; i < n; i++) {
            uint64_t d = ev[i].data.u64;
            if (d == 0) {
                uint64_t v;
                (void)!read(t->wakefd, &v, sizeof(v));
            } else if (d & CONN_TAG) {
                conn_event(t, (struct conn *)(uintptr_t)(d & ~(uint64_t)CONN_TAG), ev[i].events);
            } else {
                listener_event(t, (struct dk_elistener *)(uintptr_t)d);
            }
        }
        struct timespec now = now_mono();
        if (since(&last_expire, &now) >= TICK_MS / 1000.0) {
            last_expire = now;
            expire(t);
        }
    }
    return NULL;
}

static void tcp_free(struct dk_tcpthread *t)
{
    if (!t)
        return;
    struct conns *cs = t->conns;
    while (cs && cs->head)
        conn_close(t, cs->head);
    free(cs);
    if (t->epfd >= 0)
        close(t->epfd);
    if (t->wakefd >= 0)
        close(t->wakefd);
    dk_worker_free(t->w);
    free(t);
}

static struct dk_tcpthread *tcp_start(struct dk_engine *e)
{
    struct dk_tcpthread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->eng = e;
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    t->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    t->w = dk_worker_new();
    t->conns = calloc(1, sizeof(struct conns));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
    if (t->epfd < 0 || t->wakefd < 0 || !t->w || !t->conns ||
        epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->wakefd, &ev) < 0 ||
        pthread_create(&t->thread, NULL, tcp_run, t) != 0) {
        tcp_free(t);
        return NULL;
    }
    return t;
}

int dk__tcp_watch(struct dk_engine *e, struct dk_elistener *el)
{
    if (!e->tcp)
        e->tcp = tcp_start(e);
    if (!e->tcp)
        return -1;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)(uintptr_t)el};
    return epoll_ctl(e->tcp->epfd, EPOLL_CTL_ADD, el->fd, &ev);
}

void dk__tcp_unwatch(struct dk_engine *e, struct dk_elistener *el)
{
    if (e->tcp)
        (void)epoll_ctl(e->tcp->epfd, EPOLL_CTL_DEL, el->fd, NULL);
}

void dk__tcp_stop(struct dk_engine *e)
{
    struct dk_tcpthread *t = e->tcp;
    if (!t)
        return;
    uint64_t one = 1;
    atomic_store(&t->stop, true);
    (void)!write(t->wakefd, &one, sizeof(one));
    pthread_join(t->thread, NULL);
    dk__totals_add(&e->retired, &t->global);
    e->tcp = NULL;
    tcp_free(t);
}
