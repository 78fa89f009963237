/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_PIPELINE_H
#define DHCPKIT_SERVER_PIPELINE_H

/*
 * The contract between the engine (sockets, threads, statistics) and the
 * pipeline (decoding, the handler tree, encoding). The engine hands over one
 * received datagram with what the socket told it; the pipeline answers with
 * a verdict and, for DK_VERDICT_REPLY, the datagram to send and where.
 *
 * A pipeline is built from a config tree, is immutable afterwards and may be
 * used by any number of worker threads at once; per-thread state lives in a
 * struct dk_worker that each thread owns. Reload builds a new pipeline and
 * swaps a pointer; workers finish the packet in hand on the old one.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/config.h>

struct dk_pipeline;
struct dk_worker;

/* What the engine knows about one received datagram. Borrowed for the call. */
struct dk_rx {
    const uint8_t *data; /* the UDP payload */
    size_t len;
    struct in6_addr src; /* the sender (client or relay) */
    uint16_t sport;
    struct in6_addr dst; /* the destination address: ff02::1:2 or one of ours */
    unsigned ifindex;    /* the interface it came in on */
    const char *ifname;
    /* For a client that is not relayed: the address that identifies its link
     * (a global address of the interface, or :: when it has none), used as the
     * link-address of the Relay-Forward the pipeline wraps it in (the server
     * acts as its own relay, Interface-ID = ifname). */
    struct in6_addr link_address;
    bool multicast; /* dst is a multicast address */
};

/* What the engine should do with it. */
enum dk_verdict {
    DK_VERDICT_REPLY,          /* send tx */
    DK_VERDICT_UNPARSABLE,     /* malformed: decode or validation failed */
    DK_VERDICT_HANDLING_ERROR, /* a handler failed; nothing sent */
    DK_VERDICT_FOR_OTHER_SERVER,
    DK_VERDICT_DO_NOT_RESPOND, /* ignored by policy (ignore-request, dump-requests, ...) */
    DK_VERDICT_NOT_ALLOWED,    /* a message type a server must not accept (RFC 8415 §16) */
    DK_VERDICT_RATE_LIMITED,
};

/* The reply: the engine supplies buf and cap; the pipeline fills the rest. */
struct dk_tx {
    uint8_t *buf;
    size_t cap, len;
    struct in6_addr dst; /* the client, or the relay the request came from */
    uint16_t dport;      /* 546 for a client, 547 or the RFC 8357 port for a relay */
    unsigned ifindex;    /* the interface to send from (for link-local destinations) */
};

/* Per-message detail for the statistics. */
struct dk_result {
    enum dk_verdict verdict;
    uint8_t msg_in;         /* type of the client's message, 0 if unparsable */
    uint8_t msg_out;        /* type of the reply, 0 if none */
    bool use_multicast;     /* the reply is a UseMulticast refusal */
};

/*
 * Builds the handler tree from a config tree. server_duid is the server's
 * DUID (the pipeline copies it). Errors go to errs as "file:line: message";
 * returns 0 or a negative DK_E* with at least one error appended.
 */
int dk_pipeline_new(const struct dk_config *cfg, const uint8_t *server_duid, size_t duid_len,
                    struct dk_pipeline **out, struct dk_config_errors *errs);
void dk_pipeline_free(struct dk_pipeline *p);

/* Per-thread scratch (decode arena, reply tree); one per worker thread. */
struct dk_worker *dk_worker_new(void);
void dk_worker_free(struct dk_worker *w);

/* Handles one datagram. Never fails in a way the engine must handle beyond
 * counting: every outcome is a verdict. */
void dk_pipeline_handle(const struct dk_pipeline *p, struct dk_worker *w, const struct dk_rx *rx,
                        struct dk_tx *tx, struct dk_result *res);

#endif
