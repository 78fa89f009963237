/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The generator: one thread, one non-blocking socket, datagrams queued and
 * sent 64 at a time with sendmmsg and read 64 at a time with recvmmsg, so
 * that a system call carries many exchanges. Exchanges start at a target
 * rate (or as fast as a window of exchanges in flight allows), each
 * client's state machine advances on its answers, and a binary heap of
 * deadlines finds the exchanges to give up (or, in the avalanche, to
 * retransmit as RFC 8415 §15 says). The null server is a second thread
 * that sends every datagram back to where it came from.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/wire.h>

#include "bench.h"

#define BATCH      64
#define RX_SIZE    2048
#define ARENA_SIZE (256 * 1024)
#define SOCK_BUF   (8 * 1024 * 1024)
#define MAX_REPORT 5 /* failures described on stderr per phase */

/* RFC 8415 §7.6 */
#define SOL_TIMEOUT 1.0
#define REQ_TIMEOUT 1.0
#define REQ_MAX_RT  30.0
#define REQ_MAX_RC  10
#define REN_TIMEOUT 10.0
#define REN_MAX_RT  600.0
#define REL_TIMEOUT 1.0

enum state { ST_IDLE, ST_BOUND, ST_SOLICIT, ST_REQUEST, ST_RENEW, ST_RELEASE };

struct client {
    uint32_t xid;
    uint32_t seq; /* bumped at every transmission and state change */
    uint8_t state;
    uint8_t sid; /* index in run->sids, + 1; 0: none */
    uint8_t tries;
    bool rapid;
    bool counted; /* avalanche: served already */
    uint8_t plen;
    double t0, tmsg, rt;
    struct in6_addr addr, prefix;
};

struct timer {
    double when;
    uint32_t client, seq;
};

struct bk_run {
    const struct bk_conf *c;
    int fd;
    struct sockaddr_in6 dst;
    struct client *cl;
    struct {
        uint8_t id[DK_DUID_MAX_LEN];
        size_t n;
    } sids[BK_MAX_SERVERS];
    size_t nsids;
    struct timer *heap;
    size_t nheap, capheap;
    uint8_t sbuf[BATCH][BK_MSG_MAX];
    struct iovec siov[BATCH];
    struct mmsghdr smsg[BATCH];
    unsigned nsend;
    uint8_t rbuf[BATCH][RX_SIZE];
    struct iovec riov[BATCH];
    struct mmsghdr rmsg[BATCH];
    struct dk_arena arena;
    uint8_t *arena_mem;
    uint64_t rng;
    /* The phase in progress. */
    struct bk_result *res;
    enum bk_phase_kind kind;
    bool retransmit;
    uint64_t outstanding, reported, served;
    double t_first, t_last;
    /* The null server. */
    int nfd;
    pthread_t nthread;
    bool nrunning;
    atomic_int nstop;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t rnd(struct bk_run *run)
{
    /* xorshift64 */
    uint64_t x = run->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    run->rng = x;
    return (uint32_t)(x >> 32);
}

/* A uniform number in [-1, 1]. */
static double rnd_unit(struct bk_run *run)
{
    return (double)rnd(run) / 2147483647.5 - 1.0;
}

double bk_next_rt(double prev, double irt, double mrt, double rand, bool first_solicit)
{
    if (rand < -1)
        rand = -1;
    if (rand > 1)
        rand = 1;
    double r = rand * 0.1; /* RFC 8415 §15: RAND is in [-0.1, +0.1] */
    double rt;
    if (prev <= 0) {
        /* §15: the first RT of a Solicit is strictly greater than IRT. */
        if (first_solicit)
            r = fabs(r);
        rt = irt + r * irt;
    } else {
        rt = 2 * prev + r * prev;
    }
    if (mrt > 0 && rt > mrt)
        rt = mrt + r * mrt;
    return rt;
}

/* --- the deadline heap (stale entries are skipped when they come up) --- */

static int heap_push(struct bk_run *run, double when, uint32_t client, uint32_t seq)
{
    if (run->nheap == run->capheap) {
        size_t cap = run->capheap ? run->capheap * 2 : 4096;
        struct timer *h = realloc(run->heap, cap * sizeof(*h));
        if (!h)
            return -1;
        run->heap = h;
        run->capheap = cap;
    }
    size_t i = run->nheap++;
    struct timer t = {when, client, seq};
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (run->heap[p].when <= when)
            break;
        run->heap[i] = run->heap[p];
        i = p;
    }
    run->heap[i] = t;
    return 0;
}

static struct timer heap_pop(struct bk_run *run)
{
    struct timer top = run->heap[0];
    struct timer last = run->heap[--run->nheap];
    size_t i = 0, n = run->nheap;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + 1 < n && run->heap[l + 1].when < run->heap[l].when ? l + 1 : l;
        if (last.when <= run->heap[m].when)
            break;
        run->heap[i] = run->heap[m];
        i = m;
    }
    if (n)
        run->heap[i] = last;
    return top;
}

/* --- sending --- */

static void flush(struct bk_run *run)
{
    unsigned off = 0;
    int spins = 0;
    while (off < run->nsend) {
        int n = sendmmsg(run->fd, run->smsg + off, run->nsend - off, 0);
        if (n > 0) {
            off += (unsigned)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) &&
            spins++ < 1000) {
            struct pollfd p = {.fd = run->fd, .events = POLLOUT};
            (void)poll(&p, 1, 1);
            continue;
        }
        /* Unsendable (no route, ...): the exchange will time out. */
        run->res->send_errors++;
        off++;
    }
    run->res->sent += run->nsend;
    run->nsend = 0;
}

static void make_req(struct bk_run *run, uint32_t i, struct bk_req *r, double now)
{
    const struct client *cl = &run->cl[i];
    memset(r, 0, sizeof(*r));
    r->xid = cl->xid;
    r->client = i;
    double el = cl->tries ? (now - cl->tmsg) * 100 : 0;
    r->elapsed = el > 0xffff ? 0xffff : (uint16_t)el;
    switch (cl->state) {
    case ST_SOLICIT:
        r->type = DK_MSG_SOLICIT;
        r->rapid_commit = cl->rapid;
        return;
    case ST_REQUEST:
        r->type = DK_MSG_REQUEST;
        break;
    case ST_RENEW:
        r->type = DK_MSG_RENEW;
        break;
    default:
        r->type = DK_MSG_RELEASE;
        break;
    }
    if (cl->sid) {
        r->server_id = run->sids[cl->sid - 1].id;
        r->server_id_len = run->sids[cl->sid - 1].n;
    }
    r->has_lease = true;
    r->addr = cl->addr;
    r->prefix = cl->prefix;
    r->plen = cl->plen;
}

/* Queues the current message of client i and arms its deadline. */
static void xmit(struct bk_run *run, uint32_t i, double now)
{
    struct client *cl = &run->cl[i];
    struct bk_req r;
    if (cl->tries == 0)
        cl->tmsg = now;
    make_req(run, i, &r, now);
    size_t len = bk_build(run->c, &r, run->sbuf[run->nsend], BK_MSG_MAX);
    cl->seq++;
    if (cl->tries > 0)
        run->res->retransmissions++;
    cl->tries++;
    if (len) {
        run->siov[run->nsend].iov_len = len;
        if (++run->nsend == BATCH)
            flush(run);
    }
    double wait = run->c->timeout;
    if (run->retransmit) {
        bool sol = cl->state == ST_SOLICIT;
        double irt = sol ? SOL_TIMEOUT : cl->state == ST_REQUEST ? REQ_TIMEOUT : REL_TIMEOUT;
        double mrt = sol ? run->c->sol_max_rt : REQ_MAX_RT;
        cl->rt = bk_next_rt(cl->tries > 1 ? cl->rt : 0, irt, mrt, rnd_unit(run), sol);
        wait = cl->rt;
    }
    if (heap_push(run, now + wait, i, cl->seq) < 0) {
        fprintf(stderr, "%s: out of memory\n", BK_PROG);
        exit(BK_EXIT_OSERR);
    }
}

static void begin_msg(struct bk_run *run, uint32_t i, uint8_t state, double now)
{
    struct client *cl = &run->cl[i];
    cl->state = state;
    cl->tries = 0;
    cl->xid = rnd(run) & 0xffffffu;
    xmit(run, i, now);
}

/* Starts an exchange of client i as the phase says. */
static void start(struct bk_run *run, uint32_t i, double now)
{
    struct client *cl = &run->cl[i];
    cl->t0 = now;
    cl->counted = false;
    cl->rapid = run->kind == BK_RAPID;
    run->outstanding++;
    run->res->offered++;
    if (run->t_first == 0)
        run->t_first = now;
    if (run->kind == BK_MIX && cl->state == ST_BOUND) {
        bool renew = rnd(run) % 100 < run->c->renew_pct;
        begin_msg(run, i, renew ? ST_RENEW : ST_RELEASE, now);
        return;
    }
    begin_msg(run, i, ST_SOLICIT, now);
}

/* The exchange of client i ends; state is where the client stays. */
static void end(struct bk_run *run, uint32_t i, uint8_t state, double now, const char *why)
{
    struct client *cl = &run->cl[i];
    cl->state = state;
    cl->seq++;
    run->outstanding--;
    if (why == NULL) {
        run->res->done++;
        run->t_last = now;
        double us = (now - cl->t0) * 1e6;
        if (bk_lat_add(&run->res->lat, us > 4e9 ? 4000000000u : (uint32_t)us) < 0) {
            fprintf(stderr, "%s: out of memory\n", BK_PROG);
            exit(BK_EXIT_OSERR);
        }
    } else if (run->reported++ < MAX_REPORT && !run->c->quiet) {
        fprintf(stderr, "%s: %s: client %u: %s\n", BK_PROG, run->res->phase, (unsigned)i, why);
    }
}

static int intern_sid(struct bk_run *run, const uint8_t *p, size_t n)
{
    if (!p || n == 0 || n > DK_DUID_MAX_LEN)
        return 0;
    for (size_t k = 0; k < run->nsids; k++)
        if (run->sids[k].n == n && memcmp(run->sids[k].id, p, n) == 0)
            return (int)k + 1;
    if (run->nsids == BK_MAX_SERVERS)
        return 0;
    memcpy(run->sids[run->nsids].id, p, n);
    run->sids[run->nsids].n = n;
    return (int)++run->nsids;
}

/* --- receiving --- */

static void answer(struct bk_run *run, const uint8_t *p, size_t len, double now)
{
    const struct bk_conf *c = run->c;
    struct bk_reply a;
    run->res->received++;
    if (bk_parse(c, p, len, &run->arena, &a) != BK_PARSE_OK) {
        run->res->unmatched++;
        return;
    }
    struct client *cl = &run->cl[a.client];
    if (cl->state < ST_SOLICIT || (a.xid & 0xffffffu) != cl->xid) {
        run->res->unmatched++; /* late, duplicate or someone else's */
        return;
    }
    struct bk_req r;
    make_req(run, a.client, &r, now);
    uint8_t want;
    if (c->null_server)
        want = r.type;
    else if (r.type == DK_MSG_SOLICIT && !(cl->rapid && a.type == DK_MSG_REPLY))
        want = DK_MSG_ADVERTISE;
    else
        want = DK_MSG_REPLY;
    const char *why = bk_judge(c, &r, &a, want);
    if (why) {
        run->res->failed++;
        if (strstr(why, "row"))
            run->res->wrong++;
        end(run, a.client, ST_IDLE, now, why);
        return;
    }
    if (cl->state == ST_SOLICIT || cl->state == ST_REQUEST) {
        /* Keep the lease offered or granted (the row's, with the null server). */
        if (c->null_server) {
            bk_address(c, a.client, &cl->addr);
            bk_prefix(c, a.client, &cl->prefix);
            cl->plen = c->pd_len;
        } else {
            cl->addr = a.addr;
            cl->prefix = a.prefix;
            cl->plen = a.plen;
        }
        int sid = c->null_server ? intern_sid(run, (const uint8_t *)"\0\3\0\1\2\0\0\0\0\1", 10)
                                 : intern_sid(run, a.server_id, a.server_id_len);
        if (!sid) {
            run->res->failed++;
            end(run, a.client, ST_IDLE, now, "more than 8 distinct Server Identifiers");
            return;
        }
        cl->sid = (uint8_t)sid;
    }
    if (cl->state == ST_SOLICIT && want == DK_MSG_ADVERTISE) {
        begin_msg(run, a.client, ST_REQUEST, now);
        return;
    }
    if (cl->state == ST_SOLICIT && c->null_server && !cl->rapid) {
        begin_msg(run, a.client, ST_REQUEST, now);
        return;
    }
    if (run->retransmit && !cl->counted) {
        cl->counted = true;
        run->served++;
    }
    end(run, a.client, cl->state == ST_RELEASE ? ST_IDLE : ST_BOUND, now, NULL);
}

static int receive(struct bk_run *run)
{
    int total = 0;
    for (;;) {
        for (unsigned k = 0; k < BATCH; k++) {
            run->rmsg[k].msg_hdr.msg_iov = &run->riov[k];
            run->rmsg[k].msg_hdr.msg_iovlen = 1;
            run->rmsg[k].msg_hdr.msg_name = NULL;
            run->rmsg[k].msg_hdr.msg_namelen = 0;
            run->rmsg[k].msg_hdr.msg_control = NULL;
            run->rmsg[k].msg_hdr.msg_controllen = 0;
        }
        int n = recvmmsg(run->fd, run->rmsg, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return total;
        double now = now_s();
        for (int k = 0; k < n; k++)
            answer(run, run->rbuf[k], run->rmsg[k].msg_len, now);
        total += n;
        if (n < BATCH)
            return total;
    }
}

/* Deadlines due by now: retransmit (avalanche) or give up. */
static void expire(struct bk_run *run, double now)
{
    while (run->nheap && run->heap[0].when <= now) {
        struct timer t = heap_pop(run);
        struct client *cl = &run->cl[t.client];
        if (cl->seq != t.seq || cl->state < ST_SOLICIT)
            continue;
        if (!run->retransmit) {
            run->res->lost++;
            end(run, t.client, cl->state == ST_RENEW ? ST_BOUND : ST_IDLE, now, "no answer");
            continue;
        }
        if (cl->state == ST_REQUEST && cl->tries >= REQ_MAX_RC) {
            /* RFC 8415 §18.2.2: no Reply after REQ_MAX_RC, start over. */
            begin_msg(run, t.client, ST_SOLICIT, now);
            continue;
        }
        xmit(run, t.client, now);
    }
}

int bk_run_phase(struct bk_run *run, enum bk_phase_kind kind, struct bk_result *res)
{
    const struct bk_conf *c = run->c;
    static const char *const names[] = {"", "sarr", "rapid", "mix", "avalanche"};
    res->phase = names[kind];
    res->rate = kind == BK_AVALANCHE ? 0 : c->rate;
    run->res = res;
    run->kind = kind;
    run->retransmit = kind == BK_AVALANCHE;
    run->outstanding = run->reported = run->served = 0;
    run->t_first = run->t_last = 0;
    run->nheap = 0;
    uint64_t count = kind == BK_AVALANCHE ? c->clients : c->count ? c->count : c->clients;
    double rate = kind == BK_AVALANCHE ? 0 : c->rate;
    uint64_t window = kind == BK_AVALANCHE ? c->clients : c->window;
    if (kind == BK_AVALANCHE) /* after a power cut nobody remembers a lease */
        for (uint32_t i = 0; i < c->clients; i++)
            run->cl[i].state = ST_IDLE;
    uint64_t started = 0, next = 0;
    double t_begin = now_s(), deadline = t_begin + c->avalanche_timeout;
    while (started < count || run->outstanding > 0) {
        double now = now_s();
        if (run->retransmit && now > deadline)
            break;
        /* Start what is due, a few batches at a time so that answers are read. */
        uint64_t allowed;
        if (rate > 0) {
            uint64_t due = (uint64_t)((now - t_begin) * rate) + 1;
            allowed = due > started ? due - started : 0;
        } else {
            allowed = window > run->outstanding ? window - run->outstanding : 0;
        }
        if (allowed > count - started)
            allowed = count - started;
        if (allowed > 4 * BATCH)
            allowed = 4 * BATCH;
        for (uint64_t k = 0; k < allowed; k++) {
            uint32_t i = (uint32_t)(next % c->clients);
            if (run->cl[i].state >= ST_SOLICIT)
                break; /* still busy from the last round: wait for it */
            next++;
            started++;
            start(run, i, now);
        }
        if (run->nsend)
            flush(run);
        int got = receive(run);
        now = now_s();
        expire(run, now);
        if (run->nsend)
            flush(run);
        if (got > 0 || allowed > 0)
            continue;
        /* Idle: sleep until an answer, the next start or the next deadline. */
        double wake = now + 0.05;
        if (rate > 0 && started < count) {
            double t = t_begin + (double)started / rate;
            if (t < wake)
                wake = t;
        }
        if (run->nheap && run->heap[0].when < wake)
            wake = run->heap[0].when;
        double d = wake - now;
        if (d < 0)
            d = 0;
        struct timespec ts = {(time_t)d, (long)((d - floor(d)) * 1e9)};
        struct pollfd p = {.fd = run->fd, .events = POLLIN};
        (void)ppoll(&p, 1, &ts, NULL);
    }
    if (run->retransmit) {
        /* Whoever is still in flight at the deadline was not served. */
        res->lost += run->outstanding;
        res->all_served_s = run->served == c->clients ? run->t_last - t_begin : -1;
        for (uint32_t i = 0; i < c->clients; i++)
            if (run->cl[i].state >= ST_SOLICIT)
                run->cl[i].state = ST_IDLE;
        run->outstanding = 0;
    }
    res->duration_s = run->t_last > run->t_first ? run->t_last - run->t_first : 0;
    return 0;
}

/* --- the null server --- */

static void *null_main(void *arg)
{
    struct bk_run *run = arg;
    static uint8_t buf[BATCH][RX_SIZE];
    static struct sockaddr_in6 from[BATCH];
    struct iovec iov[BATCH];
    struct mmsghdr m[BATCH];
    if (run->c->null_cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(run->c->null_cpu, &set);
        (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    }
    while (!atomic_load(&run->nstop)) {
        for (unsigned k = 0; k < BATCH; k++) {
            iov[k] = (struct iovec){buf[k], RX_SIZE};
            m[k].msg_hdr = (struct msghdr){.msg_name = &from[k],
                                           .msg_namelen = sizeof(from[k]),
                                           .msg_iov = &iov[k],
                                           .msg_iovlen = 1};
        }
        int n = recvmmsg(run->nfd, m, BATCH, MSG_WAITFORONE, NULL);
        if (n <= 0)
            continue; /* SO_RCVTIMEO: look at the stop flag */
        for (int k = 0; k < n; k++)
            iov[k].iov_len = m[k].msg_len;
        int off = 0;
        while (off < n) {
            int s = sendmmsg(run->nfd, m + off, (unsigned)(n - off), 0);
            if (s <= 0)
                break;
            off += s;
        }
    }
    return NULL;
}

static int bigbuf(int fd)
{
    int sz = SOCK_BUF;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    return 0;
}

static int open_socket(const struct in6_addr *a, uint16_t port, unsigned ifindex)
{
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    bigbuf(fd);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    sa.sin6_addr = *a;
    if (IN6_IS_ADDR_LINKLOCAL(a))
        sa.sin6_scope_id = ifindex;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

struct bk_run *bk_run_new(const struct bk_conf *c)
{
    struct bk_run *run = calloc(1, sizeof(*run));
    if (!run)
        return NULL;
    run->c = c;
    run->fd = run->nfd = -1;
    run->rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)getpid() << 20) ^ (uint64_t)(now_s() * 1e9);
    run->cl = calloc(c->clients, sizeof(*run->cl));
    run->arena_mem = malloc(ARENA_SIZE);
    if (!run->cl || !run->arena_mem) {
        fprintf(stderr, "%s: out of memory for %u clients\n", BK_PROG, (unsigned)c->clients);
        goto fail;
    }
    dk_arena_init(&run->arena, run->arena_mem, ARENA_SIZE);
    for (unsigned k = 0; k < BATCH; k++) {
        run->siov[k].iov_base = run->sbuf[k];
        run->smsg[k].msg_hdr = (struct msghdr){.msg_name = &run->dst,
                                               .msg_namelen = sizeof(run->dst),
                                               .msg_iov = &run->siov[k],
                                               .msg_iovlen = 1};
        run->riov[k] = (struct iovec){run->rbuf[k], RX_SIZE};
    }
    run->dst = (struct sockaddr_in6){.sin6_family = AF_INET6, .sin6_port = htons(c->server_port)};
    run->dst.sin6_addr = c->server;
    if (IN6_IS_ADDR_MULTICAST(&c->server) || IN6_IS_ADDR_LINKLOCAL(&c->server))
        run->dst.sin6_scope_id = c->ifindex;

    if (c->null_server) {
        run->nfd = open_socket(&c->server, c->server_port, c->ifindex);
        if (run->nfd < 0) {
            fprintf(stderr, "%s: null server: bind port %u: %s\n", BK_PROG,
                    (unsigned)c->server_port, strerror(errno));
            goto fail;
        }
        struct timeval tv = {0, 100000};
        (void)setsockopt(run->nfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (pthread_create(&run->nthread, NULL, null_main, run) != 0) {
            fprintf(stderr, "%s: null server: cannot start its thread\n", BK_PROG);
            goto fail;
        }
        run->nrunning = true;
    }
    if (c->relayed)
        run->fd = open_socket(&c->relay, c->relay_port, c->ifindex);
    else
        run->fd = open_socket(&in6addr_any, DK_CLIENT_PORT, c->ifindex);
    if (run->fd < 0) {
        fprintf(stderr, "%s: bind port %u: %s\n", BK_PROG,
                (unsigned)(c->relayed ? c->relay_port : DK_CLIENT_PORT), strerror(errno));
        goto fail;
    }
    if (c->ifindex) {
        int idx = (int)c->ifindex;
        if (setsockopt(run->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0) {
            fprintf(stderr, "%s: IPV6_MULTICAST_IF: %s\n", BK_PROG, strerror(errno));
            goto fail;
        }
    }
    return run;
fail:
    bk_run_free(run);
    return NULL;
}

void bk_run_free(struct bk_run *run)
{
    if (!run)
        return;
    if (run->nrunning) {
        atomic_store(&run->nstop, 1);
        pthread_join(run->nthread, NULL);
    }
    if (run->nfd >= 0)
        close(run->nfd);
    if (run->fd >= 0)
        close(run->fd);
    free(run->cl);
    free(run->heap);
    free(run->arena_mem);
    free(run);
}
