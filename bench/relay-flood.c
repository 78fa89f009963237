/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relay-flood: relayed Solicits from ONE relay address and port (as from a
 * BNG) as fast as possible or at a rate, with sendmmsg; a second thread
 * counts the Relay-replies with recvmmsg. Prints one line of JSON.
 *
 *   relay-flood SERVER RELAY COUNT [RATE [CLIENTS [ADDRESSES]]]
 *
 * RATE 0 or absent: flat out. Solicit N comes from client N % CLIENTS
 * (DUID-LL 02:00:xx:xx:xx:xx, peer fe80::xxxx:xxxx; CLIENTS 0 or absent:
 * COUNT clients). With ADDRESSES, the file gets one line per answered
 * Solicit, "N ADDRESS" (the first IAADDR of the Advertise's IA_NA, or "-"),
 * and "addressed" counts the answers that carried one.
 *
 * Built by meson (bench/meson.build, not installed) for the integration
 * test load-reload, and by bench/workers.sh. "bad": replies whose TLV walk
 * fails or that carry no Relay Message; "duplicates": a second reply to
 * the same Solicit. After the last send it waits until no reply came for
 * a second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MSG   128

static int sock;
static uint8_t *seen;
static uint32_t count, clients;
static uint8_t (*addrs)[17]; /* per xid: 1 + the IAADDR, with ADDRESSES */
static _Atomic uint64_t answered, bad, duplicates, addressed;
static _Atomic int sending = 1;
static double last_answer;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Relay-forw { link 2001:db8:2::1, peer fe80::N, Relay Message { Solicit
 * xid=X, Client ID DUID-LL N, Elapsed Time, IA_NA } } for Solicit X of client
 * N = X % CLIENTS, RFC 8415 §9, §21. */
static size_t build(uint8_t *p, uint32_t x)
{
    uint8_t inner[64];
    uint32_t n = clients ? x % clients : x;
    size_t i = 0;
    inner[i++] = 1;
    inner[i++] = (uint8_t)(x >> 16);
    inner[i++] = (uint8_t)(x >> 8);
    inner[i++] = (uint8_t)x;
    static const uint8_t cid[] = {0, 1, 0, 10, 0, 3, 0, 1, 2, 0};
    memcpy(inner + i, cid, sizeof(cid));
    i += sizeof(cid);
    inner[i++] = (uint8_t)(n >> 24);
    inner[i++] = (uint8_t)(n >> 16);
    inner[i++] = (uint8_t)(n >> 8);
    inner[i++] = (uint8_t)n;
    static const uint8_t rest[] = {0, 8, 0, 2, 0, 0, 0, 3, 0, 12, 0,
                                   0, 0, 1, 0, 0, 0, 0, 0, 0, 0,  0};
    memcpy(inner + i, rest, sizeof(rest));
    i += sizeof(rest);

    size_t o = 0;
    p[o++] = 12;
    p[o++] = 0;
    inet_pton(AF_INET6, "2001:db8:2::1", p + o);
    o += 16;
    inet_pton(AF_INET6, "fe80::1", p + o);
    p[o + 12] = (uint8_t)(n >> 24);
    p[o + 13] = (uint8_t)(n >> 16);
    p[o + 14] = (uint8_t)(n >> 8);
    p[o + 15] = (uint8_t)n;
    o += 16;
    p[o++] = 0;
    p[o++] = 9;
    p[o++] = 0;
    p[o++] = (uint8_t)i;
    memcpy(p + o, inner, i);
    return o + i;
}

/* The xid of the Solicit inside a Relay-reply (the Relay Message option
 * comes first in our replies' relay options, but walk to be sure). */
static int64_t xid_of(const uint8_t *p, size_t len)
{
    if (len < 34 || p[0] != 13)
        return -1;
    size_t i = 34;
    while (i + 4 <= len) {
        unsigned code = (unsigned)p[i] << 8 | p[i + 1], olen = (unsigned)p[i + 2] << 8 | p[i + 3];
        if (i + 4 + olen > len)
            return -1;
        if (code == 9 && olen >= 4)
            return (int64_t)p[i + 5] << 16 | (int64_t)p[i + 6] << 8 | p[i + 7];
        i += 4 + olen;
    }
    return -1;
}

/* The address of the first IAADDR in the first IA_NA of the message inside
 * a Relay-reply (RFC 8415 §21.4, §21.6), into out[16]: 1 found, 0 not. */
static int address_of(const uint8_t *p, size_t len, uint8_t *out)
{
    size_t i = 34;
    const uint8_t *m = NULL;
    size_t mlen = 0;
    while (i + 4 <= len) {
        size_t code = (size_t)p[i] << 8 | p[i + 1], olen = (size_t)p[i + 2] << 8 | p[i + 3];
        if (i + 4 + olen > len)
            return 0;
        if (code == 9) {
            m = p + i + 4;
            mlen = olen;
            break;
        }
        i += 4 + olen;
    }
    for (i = 4; m && i + 4 <= mlen;) {
        size_t code = (size_t)m[i] << 8 | m[i + 1], olen = (size_t)m[i + 2] << 8 | m[i + 3];
        if (i + 4 + olen > mlen)
            return 0;
        if (code == 3 && olen >= 12) {
            const uint8_t *ia = m + i + 4;
            for (size_t k = 12; k + 4 <= olen;) {
                size_t sc = (size_t)ia[k] << 8 | ia[k + 1], sl = (size_t)ia[k + 2] << 8 | ia[k + 3];
                if (k + 4 + sl > olen)
                    return 0;
                if (sc == 5 && sl >= 24) {
                    memcpy(out, ia + k + 4, 16);
                    return 1;
                }
                k += 4 + sl;
            }
            return 0;
        }
        i += 4 + olen;
    }
    return 0;
}

static void *receiver(void *arg)
{
    (void)arg;
    static uint8_t bufs[BATCH][2048];
    struct mmsghdr m[BATCH];
    struct iovec iov[BATCH];
    double quiet_since = 0;
    for (;;) {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec){bufs[i], sizeof(bufs[i])};
            m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
        }
        /* recvmmsg's own timeout only counts after a datagram: the wait
         * is bounded by SO_RCVTIMEO instead. */
        int n = recvmmsg(sock, m, BATCH, MSG_WAITFORONE, NULL);
        if (n <= 0) {
            if (!atomic_load(&sending)) {
                if (quiet_since == 0)
                    quiet_since = now();
                else if (now() - quiet_since > 1.0)
                    return NULL;
            }
            continue;
        }
        quiet_since = 0;
        for (int i = 0; i < n; i++) {
            int64_t x = xid_of(bufs[i], m[i].msg_len);
            if (x < 0 || (uint64_t)x >= count) {
                atomic_fetch_add(&bad, 1);
            } else if (seen[x]) {
                atomic_fetch_add(&duplicates, 1);
            } else {
                seen[x] = 1;
                atomic_fetch_add(&answered, 1);
                if (addrs && address_of(bufs[i], m[i].msg_len, addrs[x] + 1)) {
                    addrs[x][0] = 1;
                    atomic_fetch_add(&addressed, 1);
                }
                last_answer = now();
            }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: relay-flood SERVER RELAY COUNT [RATE [CLIENTS [ADDRESSES]]]\n");
        return 64;
    }
    struct sockaddr_in6 srv = {.sin6_family = AF_INET6, .sin6_port = htons(547)};
    struct sockaddr_in6 me = {.sin6_family = AF_INET6, .sin6_port = htons(547)};
    if (inet_pton(AF_INET6, argv[1], &srv.sin6_addr) != 1 ||
        inet_pton(AF_INET6, argv[2], &me.sin6_addr) != 1)
        return 64;
    count = (uint32_t)strtoul(argv[3], NULL, 10);
    if (count == 0 || count > (1u << 24))
        return 64;
    double rate = argc > 4 ? strtod(argv[4], NULL) : 0;
    clients = argc > 5 ? (uint32_t)strtoul(argv[5], NULL, 10) : 0;
    const char *addr_file = argc > 6 ? argv[6] : NULL;
    if (addr_file && !(addrs = calloc(count, sizeof(*addrs)))) {
        perror("relay-flood");
        return 1;
    }
    seen = calloc(count, 1);
    sock = socket(AF_INET6, SOCK_DGRAM, 0);
    int big = 64 << 20;
    setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
    setsockopt(sock, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
    struct timeval tv = {0, 100000};
    setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (!seen || sock < 0 || bind(sock, (struct sockaddr *)&me, sizeof(me)) < 0) {
        perror("relay-flood");
        return 1;
    }
    pthread_t th;
    pthread_create(&th, NULL, receiver, NULL);

    static uint8_t bufs[BATCH][MSG];
    struct mmsghdr m[BATCH];
    struct iovec iov[BATCH];
    double start = now();
    uint32_t sent = 0;
    while (sent < count) {
        int n = 0;
        for (; n < BATCH && sent + (uint32_t)n < count; n++) {
            iov[n] = (struct iovec){bufs[n], build(bufs[n], sent + (uint32_t)n)};
            m[n].msg_hdr = (struct msghdr){
                .msg_name = &srv, .msg_namelen = sizeof(srv), .msg_iov = &iov[n], .msg_iovlen = 1};
        }
        int r = sendmmsg(sock, m, (unsigned)n, 0);
        if (r < 0) {
            if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
                continue;
            perror("sendmmsg");
            break;
        }
        sent += (uint32_t)r;
        if (rate > 0) {
            double due = start + sent / rate;
            double d = due - now();
            if (d > 0) {
                struct timespec ts = {(time_t)d, (long)((d - (time_t)d) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
    }
    double send_time = now() - start;
    atomic_store(&sending, 0);
    pthread_join(th, NULL);
    uint64_t a = atomic_load(&answered);
    if (addr_file) {
        FILE *f = fopen(addr_file, "w");
        if (!f) {
            perror(addr_file);
            return 1;
        }
        for (uint32_t x = 0; x < count; x++) {
            char text[INET6_ADDRSTRLEN] = "-";
            if (!seen[x])
                continue;
            if (addrs[x][0])
                inet_ntop(AF_INET6, addrs[x] + 1, text, sizeof(text));
            fprintf(f, "%u %s\n", x, text);
        }
        if (fclose(f) != 0) {
            perror(addr_file);
            return 1;
        }
    }
    double took = a ? last_answer - start : 0;
    printf("{\"sent\": %u, \"answered\": %llu, \"lost\": %llu, \"bad\": %llu, "
           "\"duplicates\": %llu, \"addressed\": %llu, \"send_seconds\": %.3f, "
           "\"answers_per_second\": %.0f}\n",
           sent, (unsigned long long)a, (unsigned long long)(sent - a),
           (unsigned long long)atomic_load(&bad), (unsigned long long)atomic_load(&duplicates),
           (unsigned long long)atomic_load(&addressed),
           send_time, took > 0 ? (double)a / took : 0.0);
    return 0;
}
