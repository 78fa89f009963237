/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * solicit-flood: Solicits as a crowd of clients on one link would send them
 * (to ff02::1:2 port 547 from SRC port 546), at RATE per second for SECONDS,
 * from DUIDS different DUID-LLs used in turn, with sendmmsg in batches.
 * Replies are never read. Prints one line of JSON with what it offered:
 *
 *   solicit-flood IFNAME SRC RATE SECONDS DUIDS
 *   {"sent": N, "seconds": S, "offered_per_second": R, "duids": D, "errors": E}
 *
 * For the integration test flood.sh (built by meson, not installed).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64
#define MSG   64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Solicit xid=n, Client ID DUID-LL (Ethernet, 04:00 + the client number),
 * Elapsed Time 0, IA_NA (RFC 8415 §16.2, §21). */
static size_t build(uint8_t *p, uint32_t n, uint32_t client)
{
    size_t i = 0;
    p[i++] = 1;
    p[i++] = (uint8_t)(n >> 16);
    p[i++] = (uint8_t)(n >> 8);
    p[i++] = (uint8_t)n;
    static const uint8_t cid[] = {0, 1, 0, 10, 0, 3, 0, 1, 4, 0};
    memcpy(p + i, cid, sizeof(cid));
    i += sizeof(cid);
    p[i++] = (uint8_t)(client >> 24);
    p[i++] = (uint8_t)(client >> 16);
    p[i++] = (uint8_t)(client >> 8);
    p[i++] = (uint8_t)client;
    static const uint8_t rest[] = {0, 8, 0, 2,  0, 0, /* Elapsed Time */
                                   0, 3, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}; /* IA_NA */
    memcpy(p + i, rest, sizeof(rest));
    return i + sizeof(rest);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: solicit-flood IFNAME SRC RATE SECONDS DUIDS\n");
        return 64;
    }
    unsigned ifindex = if_nametoindex(argv[1]);
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    unsigned long duids = strtoul(argv[5], NULL, 10);
    struct sockaddr_in6 src = {
        .sin6_family = AF_INET6, .sin6_port = htons(546), .sin6_scope_id = ifindex};
    struct sockaddr_in6 dst = {
        .sin6_family = AF_INET6, .sin6_port = htons(547), .sin6_scope_id = ifindex};
    if (!ifindex || inet_pton(AF_INET6, argv[2], &src.sin6_addr) != 1 || rate <= 0 ||
        seconds <= 0 || duids == 0) {
        fprintf(stderr, "solicit-flood: bad arguments\n");
        return 64;
    }
    inet_pton(AF_INET6, "ff02::1:2", &dst.sin6_addr);
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    int small = 4096, big = 4 << 20;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) ||
        setsockopt(s, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)) ||
        bind(s, (struct sockaddr *)&src, sizeof(src))) {
        perror("solicit-flood: socket");
        return 71;
    }

    static uint8_t buf[BATCH][MSG];
    struct iovec iov[BATCH];
    struct mmsghdr mm[BATCH];
    uint64_t sent = 0, errors = 0;
    double start = now(), end = start + seconds;
    for (;;) {
        double t = now();
        if (t >= end)
            break;
        /* Behind schedule: send a batch now; ahead: wait for it. */
        double due = start + (double)sent / rate;
        if (due > t) {
            double d = due - t;
            struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
            nanosleep(&ts, NULL);
        }
        for (int k = 0; k < BATCH; k++) {
            uint64_t n = sent + (uint64_t)k;
            iov[k] = (struct iovec){buf[k], build(buf[k], (uint32_t)n, (uint32_t)(n % duids))};
            mm[k].msg_hdr = (struct msghdr){
                .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov[k], .msg_iovlen = 1};
        }
        int r = sendmmsg(s, mm, BATCH, 0);
        if (r < 0) {
            if (errno != EINTR && errno != ENOBUFS && errno != EAGAIN) {
                perror("solicit-flood: sendmmsg");
                return 71;
            }
            errors++;
            continue;
        }
        sent += (uint64_t)r;
    }
    double took = now() - start;
    printf("{\"sent\": %llu, \"seconds\": %.3f, \"offered_per_second\": %.0f, \"duids\": %lu, "
           "\"errors\": %llu}\n",
           (unsigned long long)sent, took, (double)sent / took, duids, (unsigned long long)errors);
    return 0;
}
