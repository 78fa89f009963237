/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_BUNDLE_H
#define DHCPKIT_BUNDLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/build.h>
#include <dhcpkit/message.h>
#include <dhcpkit/wire.h>

/*
 * The transaction bundle: everything the handlers of one transaction see
 * and share. The pipeline fills it from one received datagram, runs the
 * handlers' hooks on it stage by stage, and builds the reply from it.
 *
 * Shape. Every request arrives through at least one relay: a request
 * received directly is wrapped by the pipeline in a Relay-forward of its own
 * (hop-count 0, link-address = the listener's link address, peer-address =
 * the client, an Interface-ID option holding the interface name), exactly as
 * if the server had relayed it itself (direct is then true). So handlers see
 * one shape for direct and relayed clients, and an `interface-id` lookup
 * matches both.
 *
 * Lifetime. The bundle, the request tree and everything allocated from
 * arena live until the pipeline returns from dk_pipeline_handle(); handlers
 * must copy whatever they keep longer.
 */

/* Bounds: IAs of one request (more: the request is refused as unparsable),
 * marks of one transaction. */
#define DK_BUNDLE_MAX_IAS   64
#define DK_BUNDLE_MAX_MARKS 16

/* The stages, in the order the pipeline runs them. analyse-pre and
 * analyse-post only look (their results are ignored but for DK_FAIL, which
 * is logged); pre decides (access checks, drops); handle builds the
 * response; post adjusts it (rapid commit, T1/T2, the ORO); analyse-post runs
 * for every transaction, after the outcome is known (b->action). */
enum dk_stage {
    DK_STAGE_ANALYSE_PRE = 0,
    DK_STAGE_PRE = 1,
    DK_STAGE_HANDLE = 2,
    DK_STAGE_POST = 3,
    DK_STAGE_ANALYSE_POST = 4,
};
#define DK_STAGES 5

/* What a hook returns. Anything but DK_CONTINUE ends the transaction (in
 * pre, handle and post): nothing more runs but analyse-post. A negative
 * DK_E* value counts as DK_FAIL. */
enum dk_action {
    DK_CONTINUE = 0,
    DK_DROP_OTHER_SERVER = 1, /* the request is for another server */
    DK_DROP_IGNORE = 2,       /* do not respond (policy) */
    DK_DROP_RATE_LIMITED = 3, /* do not respond (rate limit) */
    DK_DROP_NOT_ALLOWED = 4,  /* a message this server must not accept */
    DK_REPLY_STATUS = 5,      /* a bare Reply with the status in b->status */
    DK_FAIL = 6,              /* a handling error: nothing is sent */
    /* Set by the pipeline only, for analyse hooks: the request broke a
     * receive rule of RFC 8415 §16 or the containment table and was dropped
     * before the other stages (b->why says which rule). */
    DK_DROP_INVALID = 7,
};

/* Log levels, numbered as dhcpkit (Python logging) and the daemon's log do. */
#define DK_LOGLEVEL_DEBUG_HANDLING 7
#define DK_LOGLEVEL_DEBUG          10
#define DK_LOGLEVEL_INFO           20
#define DK_LOGLEVEL_WARNING        30
#define DK_LOGLEVEL_ERROR          40

/* Where handlers log: fn gets one line without a newline (wire strings in it
 * must already be escaped). fn NULL: nowhere. fn may be called from any
 * worker thread at once. */
struct dk_log {
    void (*fn)(void *ctx, int level, const char *msg);
    void *ctx;
};

/* An IA (IA_NA, IA_TA or IA_PD) of the request, and whether a handler has
 * answered it; whatever is left unanswered after the handle stage is answered
 * by the pipeline as RFC 8415 §18.3 says. */
struct dk_bundle_ia {
    const struct dk_opt *opt;
    bool handled;
};

/* First-wins bookkeeping of the built-in handlers (b->done). */
#define DK_DONE_IANA_TIMING 0x1u
#define DK_DONE_IAPD_TIMING 0x2u
/* A leasequery handler answered the Leasequery (else it is dropped). */
#define DK_DONE_LEASEQUERY 0x4u

/*
 * The rest of a bulk leasequery answer (RFC 5460 §5.3: a LEASEQUERY-REPLY,
 * then LEASEQUERY-DATA for every further client, then LEASEQUERY-DONE), made
 * by a handler for a query that came over TCP and pulled by the connection
 * one message at a time as its socket drains, so that an answer of any size
 * takes bounded memory. A handler embeds this as the first member of its own
 * struct, allocated with malloc (it outlives the transaction).
 */
struct dk_msg_stream {
    /* Encodes the next whole message (no length prefix) into buf, which has
     * cap >= 65535 bytes; returns its length, 0 when there are no more, or
     * a negative DK_E* (the connection is then closed). */
    int (*next)(struct dk_msg_stream *s, uint8_t *buf, size_t cap);
    /* Frees s: after next() returned 0 or an error, or when the connection
     * went away first. Called on the thread that serves the connection,
     * which need not be the one that made s, and possibly after a reload
     * replaced the handler instance that made it: s keeps what it needs. */
    void (*close)(struct dk_msg_stream *s);
};

struct dk_bundle {
    /* The client's message: the innermost message of the chain. */
    const struct dk_msg *request;
    /* The relay chain as received, outermost first; relay_in[nrelays - 1]
     * is the relay closest to the client. nrelays >= 1 (see Shape). */
    const struct dk_msg *relay_in[DK_MAX_RELAYS];
    size_t nrelays;
    bool direct; /* relay_in[0] is the pipeline's own wrapper */
    /* The Relay-reply chain under construction: relay_out[i] answers
     * relay_in[i] (same hop-count, link and peer). Handlers add options to
     * them (Interface-ID, echoed relay options); the pipeline adds the Relay
     * Message options when it encodes the reply. */
    struct dk_bmsg *relay_out[DK_MAX_RELAYS];
    /* The reply under construction: NULL before the handle stage, and for
     * requests that get no reply. Type ADVERTISE or REPLY. */
    struct dk_bmsg *response;

    /* The link the client is on: the link-address of the relay closest to
     * the client that has one that is not ::, link-local or loopback (a
     * lightweight relay, RFC 6221, leaves it ::), else ::. */
    uint8_t link_address[16];
    const char *ifname; /* the server interface the datagram came in on */

    /* Marks of the listener, for <marked-with>. */
    const char *marks[DK_BUNDLE_MAX_MARKS];
    size_t nmarks;

    /* The IAs of the request, in order. */
    struct dk_bundle_ia ias[DK_BUNDLE_MAX_IAS];
    size_t nias;

    bool multicast;          /* received on a multicast address */
    bool allow_unicast;      /* set by server-unicast in pre: no UseMulticast */
    bool allow_rapid_commit; /* from the config; handlers may only clear it */

    uint64_t now_ms; /* a monotonic clock, in milliseconds */
    const uint8_t *server_duid;
    size_t server_duid_len;

    struct dk_arena *arena; /* for everything the transaction allocates */
    struct dk_log log;

    /* The outcome so far (DK_CONTINUE until a hook decides otherwise) and,
     * for DK_REPLY_STATUS, the status to send. */
    enum dk_action action;
    uint16_t status;
    const char *status_text;

    unsigned done; /* DK_DONE_* */

    /* For analyse-post: who decided an outcome other than DK_CONTINUE (the
     * name of the handler, or the pipeline's reason such as "confirm without
     * addresses"), or NULL. Static, valid while the pipeline lives. */
    const char *why;

    /* Appended (plug-ins built for ABI 1 never read them). tcp: the request
     * came over a TCP connection (<listen-tcp>, bulk leasequery, RFC 5460
     * §5.2); it is then always direct. stream: set by a handler, only when
     * tcp, to send more messages after the response; the pipeline hands it
     * to the connection when the response is sent, and closes it
     * otherwise. */
    bool tcp;
    struct dk_msg_stream *stream;
    /* Appended: the datagram's source address: the relay closest to the
     * server for a relayed request, the client (or requestor) for a direct
     * one (RFC 5007 §4.1.2.4: the peer-address of OPTION_LQ_RELAY_DATA). */
    uint8_t source[16];
};

/*
 * Whether the client asked for option code: true when the request has no
 * Option Request option (RFC 8415 §21.7; as dhcpkit did) or lists code.
 */
bool dk_bundle_requested(const struct dk_bundle *b, uint16_t code);

/* Whether the transaction carries mark. */
bool dk_bundle_has_mark(const struct dk_bundle *b, const char *mark);

/* The first option with this code of the relay closest to the client (for a
 * direct request: the pipeline's own, with the Interface-ID), or NULL. */
const struct dk_opt *dk_bundle_client_relay_opt(const struct dk_bundle *b, uint16_t code);

/* Sets the outcome to a bare Reply with this status (text is borrowed:
 * static, or arena) and returns DK_REPLY_STATUS, for `return
 * dk_bundle_reply_status(...)` from a hook. */
int dk_bundle_reply_status(struct dk_bundle *b, uint16_t status, const char *text);

/*
 * Appends a new option of code to the response, with flags (DK_BOPT_*).
 * NULL when there is no response or the arena is exhausted.
 */
struct dk_bopt *dk_bundle_add(struct dk_bundle *b, uint16_t code, unsigned flags);

/* Marks the request's IA ia (one of b->ias[].opt) answered. Returns false if
 * ia is not an IA of the request. */
bool dk_bundle_set_handled(struct dk_bundle *b, const struct dk_opt *ia);

/*
 * The IA of the response that answers the request's IA ia: the one with the
 * same code and IAID, appended (T1 = T2 = 0, no options) if there is none
 * yet. NULL when there is no response or the arena is exhausted.
 */
struct dk_bopt *dk_bundle_response_ia(struct dk_bundle *b, const struct dk_opt *ia);

/* Logs one line through b->log. */
void dk_bundle_logf(const struct dk_bundle *b, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dk_log_vf(const struct dk_log *log, int level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
