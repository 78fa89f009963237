/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-test-leasequery: a Leasequery requestor (RFC 5007) and bulk
 * Leasequery requestor over TCP (RFC 5460), the original's test tool. It
 * uses ipv6-dhcp-probe's parts (tools/probe): the UDP socket and the RFC 8415
 * §15 retransmission, hex parsing, the default DUID, encoding, judging a
 * status and printing with libdhcpkit's renderer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dhcpkit/duid.h>
#include <dhcpkit/wire.h>

#include "probe.h"

#define LQ_PROG       "ipv6-dhcp-test-leasequery"
#define ARENA_SIZE    ((size_t)8 << 20)
#define BUILD_SIZE    ((size_t)1 << 20)
#define MAX_MSG       65535
#define LQ_TIMEOUT    10.0
#define LQ_MAX_ANSWER 1000000 /* messages of one bulk answer we print at most */

/* RFC 5007 §4.1.2.1, RFC 5460 §5.1: query types. */
static const char *const qtypes[] = {NULL, "address", "client-id", "relay-id", "link-address",
                                     "remote-id"};

struct lq {
    const char *ifname;
    bool has_server, tcp, relay_data, json, verbose;
    uint8_t server[16], link[16];
    unsigned qtype;
    uint8_t addr[16];        /* address */
    struct probe_bytes id;   /* client-id, relay-id: a DUID; remote-id: the id */
    uint32_t remote_en;      /* remote-id */
    struct probe_bytes duid; /* ours (-d) */
    double timeout;
    /* The exchange. */
    uint32_t xid;
    struct dk_arena build, rx;
    struct probe_net net;
    uint8_t answer[MAX_MSG];
    size_t answer_len;
    char why[512];
};

static void usage(FILE *f)
{
    fputs("Usage: " LQ_PROG " [-i IF] [-s SERVER] [-t] [-L LINK] [-R] [-d DUID] [-j] [-T SEC] [-v]\n"
          "       QUERY VALUE\n"
          "\n"
          "Sends a Leasequery (RFC 5007) and prints every answer, decoded. Over TCP (-t, bulk\n"
          "leasequery, RFC 5460) it prints the Leasequery-reply and every Leasequery-data up to\n"
          "the Leasequery-done.\n"
          "\n"
          "QUERY VALUE (the query type by name or number):\n"
          "  address ADDR       1: the client that has this address (an IAADDR in the query)\n"
          "  client-id DUID     2: the client with this DUID\n"
          "  relay-id DUID      3: the clients of the relay with this DUID (RFC 5460 §5.1.1)\n"
          "  link-address ADDR  4: the clients on the link of ADDR (the query's link-address)\n"
          "  remote-id EN:HEX   5: the clients with this Remote-ID (enterprise number EN)\n"
          "\n"
          "Options:\n"
          "  -i IF       the interface (needed for ff02::1:2 and link-local servers)\n"
          "  -s SERVER   the server's address (default ff02::1:2 on -i; -t needs a unicast one)\n"
          "  -t          over TCP to port 547, 2-octet length framing (RFC 5460 §5.2)\n"
          "  -L LINK     the query's link-address (default ::)\n"
          "  -R          ask for the relay data (an ORO with OPTION_LQ_RELAY_DATA, 47)\n"
          "  -d DUID     our Client Identifier (default: DUID-LL of -i, or 00030001020000000001)\n"
          "  -j          print JSON, one message a line (default: text)\n"
          "  -T SEC      give up after SEC seconds (default 10)\n"
          "  -v          say what is sent and when, on standard error\n"
          "  -h, --help  this text\n"
          "\n"
          "DUID: hex (\"000300010a0b0c0d0e0f\", ':' allowed), or as the original:\n"
          "  linklayer:HWTYPE:HEX            DUID-LL (RFC 8415 §11.4)\n"
          "  linklayer-time:HWTYPE:TIME:HEX  DUID-LLT (§11.2), TIME in seconds since 2000\n"
          "  enterprise:EN:ID                DUID-EN (§11.3), ID as text or 0xHEX\n"
          "\n"
          "Over UDP it binds port 546 and retransmits as RFC 8415 §15 has a client do.\n"
          "\n"
          "Exit status: 0 answered with Success; 1 answered with a Status Code that is not\n"
          "Success, or the TCP connection was refused or closed before the answer ended;\n"
          "2 no answer within -T; 3 a malformed answer; 64 usage; 71 a socket error.\n"
          "\n"
          "Examples:\n"
          "  " LQ_PROG " -i eth0 address 2001:db8::10\n"
          "  " LQ_PROG " -t -s 2001:db8::1 relay-id linklayer:1:0a0b0c0d0e0f\n"
          "  " LQ_PROG " -t -s 2001:db8::1 -R link-address 2001:db8:1::1\n",
          f);
}

static void put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...);
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, LQ_PROG ": ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(" LQ_PROG " --help says more)\n");
    return PROBE_EXIT_USAGE;
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct lq *q)
{
    static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    q->timeout = LQ_TIMEOUT;
    while ((c = getopt_long(argc, argv, "+i:s:tL:Rd:jT:vh", longs, NULL)) != -1) {
        switch (c) {
        case 'i':
            q->ifname = optarg;
            break;
        case 's':
            if (inet_pton(AF_INET6, optarg, q->server) != 1)
                return usage_error("-s %s: not an IPv6 address", optarg);
            q->has_server = true;
            break;
        case 't':
            q->tcp = true;
            break;
        case 'L':
            if (inet_pton(AF_INET6, optarg, q->link) != 1)
                return usage_error("-L %s: not an IPv6 address", optarg);
            break;
        case 'R':
            q->relay_data = true;
            break;
        case 'd':
            if (!probe_parse_duid(optarg, &q->duid))
                return usage_error("-d %s: not a DUID", optarg);
            break;
        case 'j':
            q->json = true;
            break;
        case 'T': {
            char *end;
            q->timeout = strtod(optarg, &end);
            if (*end || !(q->timeout > 0 && q->timeout <= 86400))
                return usage_error("-T %s: not a number of seconds (0-86400]", optarg);
            break;
        }
        case 'v':
            q->verbose = true;
            break;
        case 'h':
            usage(stdout);
            return PROBE_EXIT_OK;
        default:
            return usage_error("%s", "unknown option");
        }
    }
    if (argc - optind != 2)
        return usage_error("%s", "give a query type and its value");
    const char *type = argv[optind], *value = argv[optind + 1];
    for (unsigned i = 1; i < sizeof(qtypes) / sizeof(qtypes[0]); i++) {
        char num[4];
        snprintf(num, sizeof(num), "%u", i);
        if (strcmp(type, qtypes[i]) == 0 || strcmp(type, num) == 0)
            q->qtype = i;
    }
    switch (q->qtype) {
    case 1:
        if (inet_pton(AF_INET6, value, q->addr) != 1)
            return usage_error("address %s: not an IPv6 address", value);
        break;
    case 2:
    case 3:
        if (!probe_parse_duid(value, &q->id))
            return usage_error("%s: not a DUID", value);
        break;
    case 4:
        if (inet_pton(AF_INET6, value, q->link) != 1)
            return usage_error("link-address %s: not an IPv6 address", value);
        break;
    case 5:
        if (!probe_parse_number_hex(value, UINT32_MAX, &q->remote_en, &q->id))
            return usage_error("remote-id %s: not EN:HEX", value);
        break;
    default:
        return usage_error("%s: not a query type (address, client-id, relay-id, link-address, "
                           "remote-id or 1-5)",
                           type);
    }
    /* RFC 5460 §5.1: query types 3-5 only over TCP. */
    if (q->qtype >= 3 && !q->tcp)
        return usage_error("%s: a bulk query, only over TCP (-t)", qtypes[q->qtype]);
    if (q->tcp && (!q->has_server || q->server[0] == 0xff))
        return usage_error("%s", "-t needs -s with a unicast address");
    if (!q->tcp && !q->ifname && (!q->has_server || q->server[0] == 0xff))
        return usage_error("%s", "ff02::1:2 needs an interface (-i)");
    return -1;
}

/* The Leasequery (RFC 5007 §4.1.1, §4.1.2.1) into buf. */
static int build_query(struct lq *q, uint8_t *buf, size_t cap, size_t *len)
{
    struct dk_diag d;
    char line[512];
    dk_arena_reset(&q->build);
    struct dk_arena *a = &q->build;
    struct dk_bmsg *m = dk_bmsg_new(a, DK_MSG_LEASEQUERY);
    if (!m)
        return DK_ENOMEM;
    m->xid = q->xid;
    struct dk_bopt *cid = dk_bmsg_add(a, m, DK_OPT_CLIENTID);
    struct dk_bopt *lq = dk_bmsg_add(a, m, DK_OPT_LQ_QUERY);
    if (!cid || !lq)
        return DK_ENOMEM;
    dk_bopt_set_ref(cid, 0, q->duid.b, q->duid.n);
    dk_bopt_set_u(lq, 0, q->qtype);
    dk_bopt_set_ref(lq, 1, q->link, 16);
    struct dk_bopt *o = NULL;
    switch (q->qtype) {
    case 1: /* RFC 5007 §4.1.2.1: an IAADDR with the address */
        o = dk_bopt_add(a, lq, DK_OPT_IAADDR);
        if (o)
            dk_bopt_set_ref(o, 0, q->addr, 16);
        break;
    case 2:
        o = dk_bopt_add(a, lq, DK_OPT_CLIENTID);
        if (o)
            dk_bopt_set_ref(o, 0, q->id.b, q->id.n);
        break;
    case 3: /* RFC 5460 §5.1.1 */
        o = dk_bopt_add(a, lq, DK_OPT_RELAY_ID);
        if (o)
            dk_bopt_set_ref(o, 0, q->id.b, q->id.n);
        break;
    case 5: /* RFC 5460 §5.1.3 */
        o = dk_bopt_add(a, lq, DK_OPT_REMOTE_ID);
        if (o) {
            dk_bopt_set_u(o, 0, q->remote_en);
            dk_bopt_set_ref(o, 1, q->id.b, q->id.n);
        }
        break;
    default: /* 4: the link-address field says it all (RFC 5460 §5.1.2) */
        o = lq;
        break;
    }
    if (!o)
        return DK_ENOMEM;
    if (q->relay_data) { /* RFC 5007 §4.1.2.1: an ORO in the query options */
        static const uint8_t oro[2] = {0, DK_OPT_LQ_RELAY_DATA};
        struct dk_bopt *r = dk_bopt_add(a, lq, DK_OPT_ORO);
        if (!r)
            return DK_ENOMEM;
        dk_bopt_set_ref(r, 0, oro, sizeof(oro));
    }
    int err = probe_encode(a, m, buf, cap, len, &d);
    if (err) {
        dk_diag_format(&d, line, sizeof(line));
        fprintf(stderr, LQ_PROG ": the query cannot be built: %s\n", line);
    }
    return err;
}

/* Prints one answer; returns its exit status (and whether it ends a bulk
 * answer in *end). */
static int show(struct lq *q, const uint8_t *p, size_t n, bool *end)
{
    struct dk_msg *m;
    struct dk_diag d;
    char line[512], summary[512];
    memset(&d, 0, sizeof(d));
    dk_arena_reset(&q->rx);
    *end = true;
    if (dk_msg_decode(p, n, &q->rx, &m, &d) != 0) {
        dk_diag_format(&d, line, sizeof(line));
        fprintf(stderr, LQ_PROG ": a malformed answer: %s\n", line);
        return PROBE_EXIT_MALFORMED;
    }
    if (probe_print(stdout, m, q->json) != 0)
        return PROBE_EXIT_MALFORMED;
    fflush(stdout);
    if (m->xid != q->xid) {
        fprintf(stderr, LQ_PROG ": transaction id %06x, not ours (%06x)\n", m->xid, q->xid);
        return PROBE_EXIT_MALFORMED;
    }
    int rc = probe_verdict(m, DK_MSG_LEASEQUERY, summary, sizeof(summary));
    if (q->verbose && summary[0])
        fprintf(stderr, LQ_PROG ": %s\n", summary);
    /* RFC 5460 §5.3: a Leasequery-reply without Client Data (nothing
     * found) is the whole answer; after one with a client, more follow
     * until the Leasequery-done. */
    *end = m->type == DK_MSG_LEASEQUERY_DONE || rc != PROBE_EXIT_OK ||
           (m->type == DK_MSG_LEASEQUERY_REPLY && !dk_msg_find(m, DK_OPT_CLIENT_DATA));
    return rc;
}

/* ---- UDP */

static int udp_build(void *ctx, uint16_t elapsed, uint8_t *buf, size_t cap, size_t *len)
{
    (void)elapsed; /* RFC 5007 §4.1.1: no Elapsed Time in a Leasequery */
    return build_query(ctx, buf, cap, len);
}

static enum probe_rx udp_receive(void *ctx, const uint8_t *p, size_t n, const char *from)
{
    struct lq *q = ctx;
    (void)from;
    /* RFC 5007 §4.2: the Leasequery-reply with our transaction id. */
    if (n < 4 || p[0] != DK_MSG_LEASEQUERY_REPLY ||
        (((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]) != q->xid)
        return PROBE_RX_IGNORE;
    memcpy(q->answer, p, n);
    q->answer_len = n;
    return PROBE_RX_FINAL;
}

static int run_udp(struct lq *q)
{
    struct probe_args pa;
    char err[256];
    memset(&pa, 0, sizeof(pa));
    pa.ifname = q->ifname;
    pa.has_server = q->has_server;
    memcpy(pa.server, q->server, 16);
    pa.verbose = q->verbose;
    if (probe_net_open(&pa, &q->net, err, sizeof(err)) < 0) {
        fprintf(stderr, LQ_PROG ": %s\n", err);
        return PROBE_EXIT_OSERR;
    }
    q->net.deadline = probe_now() + q->timeout;
    struct probe_exchange ex = {
        .type = DK_MSG_LEASEQUERY, .build = udp_build, .receive = udp_receive, .ctx = q};
    enum probe_ex r = probe_run_exchange(&q->net, &ex);
    close(q->net.fd);
    if (r == PROBE_EX_OSERR)
        return PROBE_EXIT_OSERR;
    if (r != PROBE_EX_ANSWER) {
        fprintf(stderr, LQ_PROG ": no answer\n");
        return PROBE_EXIT_NO_ANSWER;
    }
    bool end;
    return show(q, q->answer, q->answer_len, &end);
}

/* ---- TCP (RFC 5460 §5.2) */

/* Waits for fd until the deadline: 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        double left = deadline - probe_now();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? -1 : r > 0;
    }
}

/* Reads exactly n octets. 1, 0 at a timeout, -1 closed or an error. */
static int read_full(int fd, uint8_t *p, size_t n, double deadline)
{
    size_t got = 0;
    while (got < n) {
        int w = wait_fd(fd, POLLIN, deadline);
        if (w <= 0)
            return w;
        ssize_t r = recv(fd, p + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 1;
}

static int run_tcp(struct lq *q)
{
    static uint8_t buf[2 + MAX_MSG];
    size_t len;
    double deadline = probe_now() + q->timeout;
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        perror(LQ_PROG ": socket");
        return PROBE_EXIT_OSERR;
    }
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(DK_SERVER_PORT)};
    memcpy(&sa.sin6_addr, q->server, 16);
    if (q->ifname)
        sa.sin6_scope_id = if_nametoindex(q->ifname);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
        fprintf(stderr, LQ_PROG ": connect: %s\n", strerror(errno));
        close(fd);
        return errno == ECONNREFUSED ? PROBE_EXIT_STATUS : PROBE_EXIT_OSERR;
    }
    int w = wait_fd(fd, POLLOUT, deadline), soerr = 0;
    socklen_t sl = sizeof(soerr);
    if (w > 0)
        (void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (w <= 0 || soerr) {
        fprintf(stderr, LQ_PROG ": connect: %s\n", w == 0 ? "timeout" : strerror(soerr));
        close(fd);
        return w == 0 ? PROBE_EXIT_NO_ANSWER : PROBE_EXIT_STATUS;
    }
    if (build_query(q, buf + 2, MAX_MSG, &len) != 0) {
        close(fd);
        return PROBE_EXIT_USAGE;
    }
    put_u16(buf, (uint32_t)len);
    size_t off = 0;
    while (off < len + 2) {
        if (wait_fd(fd, POLLOUT, deadline) <= 0)
            break;
        ssize_t r = send(fd, buf + off, len + 2 - off, MSG_NOSIGNAL);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r < 0) {
            fprintf(stderr, LQ_PROG ": send: %s\n", strerror(errno));
            close(fd);
            return PROBE_EXIT_STATUS;
        }
        off += (size_t)r;
    }
    if (q->verbose)
        fprintf(stderr, LQ_PROG ": sent LEASEQUERY (%zu octets) over TCP\n", len);
    int rc = PROBE_EXIT_NO_ANSWER;
    for (unsigned count = 0; count < LQ_MAX_ANSWER; count++) {
        int r = read_full(fd, buf, 2, deadline);
        size_t n = (size_t)buf[0] << 8 | buf[1];
        if (r > 0 && n == 0) {
            fprintf(stderr, LQ_PROG ": a message of length 0\n");
            rc = PROBE_EXIT_MALFORMED;
            break;
        }
        if (r > 0)
            r = read_full(fd, buf + 2, n, deadline);
        if (r == 0) {
            fprintf(stderr, LQ_PROG ": %s\n",
                    count ? "no Leasequery-done within -T" : "no answer within -T");
            rc = count ? PROBE_EXIT_NO_ANSWER : rc;
            break;
        }
        if (r < 0) {
            fprintf(stderr, LQ_PROG ": the server closed the connection%s\n",
                    count ? " before the Leasequery-done" : "");
            rc = PROBE_EXIT_STATUS;
            break;
        }
        bool end;
        rc = show(q, buf + 2, n, &end);
        if (end)
            break;
    }
    close(fd); /* RFC 5460 §5.2: the requestor closes the connection */
    return rc;
}

int main(int argc, char **argv)
{
    static struct lq q;
    int rc = parse_args(argc, argv, &q);
    if (rc >= 0)
        return rc;
    if (!q.duid.set)
        q.duid.n = probe_default_duid(q.ifname, q.duid.b, sizeof(q.duid.b));
    void *m1 = malloc(BUILD_SIZE), *m2 = malloc(ARENA_SIZE);
    if (!m1 || !m2) {
        fprintf(stderr, LQ_PROG ": out of memory\n");
        return PROBE_EXIT_OSERR;
    }
    dk_arena_init(&q.build, m1, BUILD_SIZE);
    dk_arena_init(&q.rx, m2, ARENA_SIZE);
    q.xid = probe_rand_xid();
    rc = q.tcp ? run_tcp(&q) : run_udp(&q);
    free(m1);
    free(m2);
    return rc;
}
