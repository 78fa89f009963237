/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_PROBE_H
#define DHCPKIT_PROBE_H

/*
 * ipv6-dhcp-probe: a DHCPv6 test client (man/ipv6-dhcp-probe.1). One file
 * per concern: args.c (the command line), message.c (building the client
 * message and its Relay-forward), exchange.c (sockets and the RFC 8415 §15
 * retransmission), output.c (checking, judging and printing an answer),
 * main.c (the exchanges of each MESSAGE).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dhcpkit/build.h>
#include <dhcpkit/message.h>

#define PROBE_PROG "ipv6-dhcp-probe"

/* Exit status (64 is EX_USAGE, 71 EX_OSERR of sysexits.h). */
enum {
    PROBE_EXIT_OK = 0,        /* answered with a lease or the information asked for */
    PROBE_EXIT_STATUS = 1,    /* answered with an error status (or without a lease) */
    PROBE_EXIT_NO_ANSWER = 2, /* nothing within the retransmissions and --timeout */
    PROBE_EXIT_MALFORMED = 3, /* an answer that does not decode or breaks RFC 8415 */
    PROBE_EXIT_USAGE = 64,
    PROBE_EXIT_OSERR = 71, /* a socket could not be opened, bound or written */
};

/* Bounds of what the command line may ask for. */
#define PROBE_MAX_IAS         8
#define PROBE_MAX_ADDRS       16
#define PROBE_MAX_ORO         64
#define PROBE_MAX_EXTRA       16
#define PROBE_MAX_BYTES       1024 /* one identifier or --option body */
#define PROBE_DEFAULT_IAID    1u
#define PROBE_DEFAULT_TIMEOUT 30.0

enum probe_cmd {
    PROBE_SOLICIT = 1,
    PROBE_RENEW,
    PROBE_REBIND,
    PROBE_CONFIRM,
    PROBE_RELEASE,
    PROBE_DECLINE,
    PROBE_INFORMATION_REQUEST,
};

struct probe_bytes {
    bool set;
    size_t n;
    uint8_t b[PROBE_MAX_BYTES];
};

struct probe_prefix {
    uint8_t p[16];
    uint8_t len;
};

struct probe_extra {
    uint16_t code;
    struct probe_bytes data;
};

/* The parsed command line. */
struct probe_args {
    enum probe_cmd cmd;
    uint8_t msg_type; /* DK_MSG_* of the first message sent */
    const char *ifname;
    bool has_server;
    uint8_t server[16];
    bool relay;
    uint8_t link_addr[16];
    struct probe_bytes interface_id, subscriber_id, duid, server_duid;
    bool has_remote_id;
    uint32_t remote_en;
    struct probe_bytes remote_id;
    bool has_linklayer;
    uint16_t linklayer_type;
    struct probe_bytes linklayer_addr;
    uint32_t ia_na[PROBE_MAX_IAS];
    size_t n_ia_na;
    uint32_t ia_pd[PROBE_MAX_IAS];
    size_t n_ia_pd;
    uint8_t addrs[PROBE_MAX_ADDRS][16];
    size_t naddrs;
    struct probe_prefix prefixes[PROBE_MAX_ADDRS];
    size_t nprefixes;
    uint16_t oro[PROBE_MAX_ORO];
    size_t noro;
    struct probe_extra extra[PROBE_MAX_EXTRA];
    size_t nextra;
    bool rapid_commit, json, verbose;
    double timeout;
};

/* ---- args.c */

enum { PROBE_ARGS_OK = 0, PROBE_ARGS_HELP = 1, PROBE_ARGS_USAGE = -1 };

/*
 * Parses argv into a (zeroed first), applies the defaults (IAs, ORO) and
 * checks the combination. Returns PROBE_ARGS_OK, PROBE_ARGS_HELP (-h), or
 * PROBE_ARGS_USAGE with the reason in err. a borrows argv (ifname).
 */
int probe_args_parse(int argc, char **argv, struct probe_args *a, char *err, size_t errlen);
void probe_usage(FILE *f);
/* Parses hex ("0a0b", "0a:0b", "0A 0B") into out; false when it is not hex. */
bool probe_parse_hex(const char *s, struct probe_bytes *out);
/* "NUMBER:HEX" with NUMBER in [0, max] (a Remote-ID's enterprise number and
 * value, a hardware type and address). */
bool probe_parse_number_hex(const char *s, uint32_t max, uint32_t *num, struct probe_bytes *out);
/* A DUID (RFC 8415 §11) as hex, or as dhcpkit 0.x's test tools wrote it:
 * linklayer:HWTYPE:HEX, linklayer-time:HWTYPE:TIME:HEX, enterprise:EN:ID
 * (ID as text or 0xHEX). false when it is none of these, or not 3 to 130
 * octets that dk_duid_parse() accepts. */
bool probe_parse_duid(const char *s, struct probe_bytes *out);

/* ---- message.c */

/*
 * The client message of type (DK_MSG_*) for a, with transaction id xid,
 * Elapsed Time elapsed (hundredths of a second) and Client Identifier duid.
 * For a Request, adv is the chosen Advertise: its Server Identifier and the
 * leases it offers become the Request's. The tree lives in arena and borrows
 * a, duid and adv. Returns 0 or DK_ENOMEM, DK_EINVAL (an --option body that
 * does not decode as its option).
 */
int probe_build_client(struct dk_arena *arena, const struct probe_args *a, uint8_t type,
                       uint32_t xid, uint16_t elapsed, const uint8_t *duid, size_t duidlen,
                       const struct dk_msg *adv, struct dk_bmsg **out);
/*
 * Wraps inner in a Relay-forward (RFC 8415 §9: hop-count 0, link-address
 * from --relay, peer-address peer) with the relay options of a.
 */
int probe_wrap_relay(struct dk_arena *arena, const struct probe_args *a, const uint8_t peer[16],
                     struct dk_bmsg *inner, struct dk_bmsg **out);
/*
 * Finishes, validates (dk_msg_validate) and encodes m into buf. Returns 0,
 * or the library's error with diag filled in.
 */
int probe_encode(struct dk_arena *arena, const struct dk_bmsg *m, uint8_t *buf, size_t cap,
                 size_t *len, struct dk_diag *diag);

/* ---- exchange.c */

/* RFC 8415 §15 parameters of one message type (§7.6), in seconds; 0 = none. */
struct probe_rt {
    double irt, mrt, mrd;
    unsigned mrc;
};
void probe_rt_params(uint8_t type, struct probe_rt *p);
/*
 * The next retransmission timeout (RFC 8415 §15): the first (prev == 0) is
 * IRT + RAND*IRT, then 2*RTprev + RAND*RTprev, capped at MRT + RAND*MRT.
 * rand is RAND in [-0.1, 0.1]; for the first RT of a Solicit it must be
 * positive (§18.2.1), which this function ensures.
 */
double probe_rt_next(const struct probe_rt *p, uint8_t type, double prev, double rand);

/* What the caller says about a received datagram. */
enum probe_rx {
    PROBE_RX_IGNORE = 0, /* not ours: keep waiting */
    PROBE_RX_FINAL,      /* the answer: stop */
    PROBE_RX_CANDIDATE,  /* an Advertise: collect until the first RT ends (§18.2.1) */
    PROBE_RX_MALFORMED,  /* stop, exit 3 */
};

enum probe_ex {
    PROBE_EX_ANSWER = 0, /* a final answer or, after collecting, a candidate */
    PROBE_EX_TIMEOUT,
    PROBE_EX_MALFORMED,
    PROBE_EX_OSERR,
};

struct probe_exchange {
    uint8_t type; /* of the client message, for the parameters */
    /* Writes the message to send with this Elapsed Time into buf. */
    int (*build)(void *ctx, uint16_t elapsed, uint8_t *buf, size_t cap, size_t *len);
    /* Judges one datagram (p, n), from the address text from. */
    enum probe_rx (*receive)(void *ctx, const uint8_t *p, size_t n, const char *from);
    void *ctx;
};

struct probe_net {
    int fd;
    unsigned ifindex;
    uint8_t dst[16];
    uint16_t dst_port;
    double deadline; /* monotonic seconds: the end of --timeout */
    bool verbose;
    unsigned sent; /* transmissions so far, every exchange */
};

/* Monotonic time in seconds. */
double probe_now(void);
/* A uniformly random number in [-0.1, 0.1] and a random 24-bit xid. */
double probe_rand_jitter(void);
uint32_t probe_rand_xid(void);
/*
 * Opens the socket: port 546 (or 547 with --relay), the destination
 * (-s, or ff02::1:2 on -i) and the interface. 0, or -1 with err set.
 */
int probe_net_open(const struct probe_args *a, struct probe_net *n, char *err, size_t errlen);
/* Runs one exchange with retransmissions until an answer, MRC, MRD or the deadline. */
enum probe_ex probe_run_exchange(struct probe_net *n, const struct probe_exchange *ex);

/* ---- output.c */

/* The client's own Link-local address of ifname, or :: (for peer-address). */
void probe_link_local(const char *ifname, uint8_t out[16]);
/* The default DUID: DUID-LL of ifname's MAC, or the fixed 00030001020000000001. */
size_t probe_default_duid(const char *ifname, uint8_t *out, size_t cap);

/* The expectation a received answer is checked against. */
struct probe_expect {
    bool relay;
    uint8_t peer[16]; /* the peer-address we sent */
    uint32_t xid;
    uint8_t sent_type;
    const uint8_t *duid;
    size_t duidlen;
};

/*
 * Decodes one datagram into arena and checks it against e: ours (type and
 * transaction id; with --relay a Relay-reply to our peer-address), and well
 * formed (decodes, dk_msg_validate, one Server Identifier, our Client
 * Identifier: RFC 8415 §16.3, §16.10). *inner is the client message (the
 * Relay-reply unwrapped), *outer what was received. Returns
 * PROBE_RX_IGNORE, PROBE_RX_MALFORMED (why says what), or PROBE_RX_FINAL
 * for any answer that is ours (the caller decides about Advertises).
 */
enum probe_rx probe_check_answer(const struct probe_expect *e, const uint8_t *p, size_t n,
                                 struct dk_arena *arena, const struct dk_msg **outer,
                                 const struct dk_msg **inner, char *why, size_t whylen);

/* The leases (IAADDR, IAPREFIX with a valid lifetime) in a message. */
size_t probe_count_leases(const struct dk_msg *m);
/* The Preference option's value (RFC 8415 §21.8), 0 without one. */
unsigned probe_preference(const struct dk_msg *m);
/*
 * The exit status an answer to sent_type deserves: PROBE_EXIT_STATUS when
 * any Status Code (top level, IA, IAADDR, IAPREFIX) is not Success, or when
 * an answer to Solicit, Request, Renew or Rebind holds no lease; else
 * PROBE_EXIT_OK. summary gets one line saying why (addresses, prefixes,
 * statuses).
 */
int probe_verdict(const struct dk_msg *m, uint8_t sent_type, char *summary, size_t cap);
/* Prints m as one line of JSON or text on f. 0, or an error of the renderer. */
int probe_print(FILE *f, const struct dk_msg *m, bool json);

#endif
