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
struct dk_msg_stream;

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
    /* Came over a TCP connection (<listen-tcp>): the bundle's tcp. dst,
     * ifindex and link_address are then ::/0. */
    bool tcp;
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
    /* Added: why the message was dropped or not answered (a receive rule of
     * RFC 8415 §16, the name of the handler that decided, ...), for debug
     * logs; a constant string valid while the pipeline lives, or NULL. */
    const char *why;
    /* Only with DK_VERDICT_REPLY to a request with rx->tcp: the rest of the
     * answer (see struct dk_msg_stream in <dhcpkit/bundle.h>), or NULL. The
     * caller owns it: it sends tx, then pulls stream->next() until it returns
     * 0 or an error, and calls stream->close() in every case. */
    struct dk_msg_stream *stream;
};

/*
 * Builds the handler tree from a config tree. server_duid is the server's
 * DUID (the pipeline copies it). Errors go to errs as "file:line: message";
 * returns 0 or a negative DK_E* with at least one error appended.
 * cfg is only read during the call: the pipeline keeps copies of what it
 * needs, so the tree may be freed afterwards. Handlers log through a
 * default that writes "ipv6-dhcpd: message" lines to standard error.
 */
int dk_pipeline_new(const struct dk_config *cfg, const uint8_t *server_duid, size_t duid_len,
                    struct dk_pipeline **out, struct dk_config_errors *errs);

/*
 * Added: what the engine may give the pipeline besides the config. Every
 * member is optional (NULL/0: the default).
 */
struct dk_pipeline_env {
    /* Where handlers log (dump-requests, warnings). level is one of the
     * DK_LOGLEVEL_* numbers of <dhcpkit/bundle.h>, which are the numbers of
     * the daemon's levels (10 debug, 20 info, 30 warning, 40 error); msg is
     * one line, its wire strings escaped. Called from any worker thread at
     * once. Default: standard error. */
    void (*log)(void *ctx, int level, const char *msg);
    void *log_ctx;
    /* A monotonic clock in milliseconds (rate limits). Default:
     * CLOCK_MONOTONIC. Tests pass their own. */
    uint64_t (*now_ms)(void *ctx);
    void *clock_ctx;
    /* A reload: the pipeline in use, read (never changed) while the new one
     * is built, so that handlers can compare (the static-csv guard), and
     * whether the operator forced the reload. NULL/false at start-up. */
    const struct dk_pipeline *previous;
    bool force;
};

/* dk_pipeline_new() with an environment (env may be NULL). */
int dk_pipeline_new_env(const struct dk_config *cfg, const uint8_t *server_duid, size_t duid_len,
                        const struct dk_pipeline_env *env, struct dk_pipeline **out,
                        struct dk_config_errors *errs);

/* Frees p and everything its handlers and workers made for it. No worker
 * may be inside dk_pipeline_handle() with p. dk_pipeline_free(NULL) is a
 * no-op. */
void dk_pipeline_free(struct dk_pipeline *p);

/* Per-thread scratch (decode arena, reply tree); one per worker thread. A
 * worker may be used with one pipeline after another (reload); NULL when out
 * of memory. dk_worker_free(NULL) is a no-op. */
struct dk_worker *dk_worker_new(void);
void dk_worker_free(struct dk_worker *w);

/* Handles one datagram. Never fails in a way the engine must handle beyond
 * counting: every outcome is a verdict. tx->len is 0 unless the verdict is
 * DK_VERDICT_REPLY; a reply that does not fit in tx->cap is a handling
 * error. Nothing of rx is kept after the call. */
void dk_pipeline_handle(const struct dk_pipeline *p, struct dk_worker *w, const struct dk_rx *rx,
                        struct dk_tx *tx, struct dk_result *res);

#endif
