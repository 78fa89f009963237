/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_MESSAGE_H
#define DHCPKIT_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/errors.h>
#include <dhcpkit/options.h>

struct dk_msg;

/*
 * The value of one field. Numbers and prefix lengths live in u; everything
 * else is a slice (p, n) that borrows the decoded packet, valid until the
 * packet buffer is released.
 */
struct dk_val {
    uint32_t u;
    uint32_t n;
    const uint8_t *p;
};

/*
 * One decoded option. def is NULL for an option we do not know: its body is
 * kept as is. Children (DK_F_OPTIONS/DK_F_SUBOPTS) and an encapsulated
 * message (DK_F_MESSAGE) live in the decoding arena.
 */
struct dk_opt {
    uint16_t code;
    uint8_t space;
    const struct dk_optdef *def;
    const uint8_t *body; /* the option's body as received; borrowed */
    uint16_t len;
    struct dk_val v[DK_MAX_FIELDS];
    struct dk_opt *opts;
    size_t nopts;
    struct dk_msg *msg;
};

/*
 * One decoded message. Client/server messages (1-11) and leasequery messages
 * (14-17) use xid; relay messages (12, 13) use hop_count, link and peer.
 * A message type we do not know keeps its body (after the type octet) in
 * raw/nraw and has no options.
 */
struct dk_msg {
    uint8_t type;
    uint8_t hop_count;
    uint32_t xid;
    uint8_t link[16];
    uint8_t peer[16];
    const uint8_t *raw;
    size_t nraw;
    struct dk_opt *opts;
    size_t nopts;
};

/* Where decoding failed: the error, the offset in the input, and the codes
 * of the options enclosing the failure, outermost first. */
#define DK_MAX_PATH 80
struct dk_diag {
    int err;
    size_t offset;
    uint16_t path[DK_MAX_PATH]; /* option codes, the failing one last */
    uint8_t space[DK_MAX_PATH]; /* the option space of each code */
    size_t npath;
    char text[192]; /* what was wrong, in words */
};

/*
 * Structural limits, checked while decoding: relay messages nested in one
 * chain (RFC 8415 §7.6), messages nested through any option (relay and
 * leasequery data), options nested inside one message, and levels of
 * messages and options in all. The last bounds every recursive walk of a
 * decoded tree (encoder, renderer, validator): a chain of 32 relays around a
 * client message with an IA_NA holding an IAADDR holding a Status Code is 68
 * levels deep.
 */
#define DK_MAX_RELAYS      DK_HOP_COUNT_LIMIT
#define DK_MAX_MSG_NESTING (DK_MAX_RELAYS + 2)
#define DK_MAX_NESTING     72
#define DK_MAX_OPT_DEPTH   8

/*
 * Formats a diagnostic as one line: "offset 57: option 5 (IAADDR) in option
 * 3 (IA_NA): length 30 exceeds the 24 octets left". Returns out.
 */
char *dk_diag_format(const struct dk_diag *d, char *out, size_t cap);

bool dk_msg_is_relay(unsigned type);
/* True for the types that carry a transaction id and options (1-11, 14-17). */
bool dk_msg_is_client_server(unsigned type);

/*
 * Decodes one message from p[0..len). The tree is allocated from arena and
 * borrows p: both must outlive it. Relay chains are followed iteratively and
 * at most DK_HOP_COUNT_LIMIT relay messages may be nested, whatever their
 * hop-count fields say. diag may be NULL. Returns 0, or DK_ETRUNC,
 * DK_ELENGTH, DK_EVALUE, DK_EDEPTH, DK_EDOMAIN, DK_EDUID, DK_ETRAILING, or
 * DK_ENOMEM when the arena is too small.
 */
DK_MUST_CHECK int dk_msg_decode(const uint8_t *p, size_t len, struct dk_arena *arena,
                                struct dk_msg **out, struct dk_diag *diag);

/* Decodes a run of options of the given space (used for fragments and tests). */
DK_MUST_CHECK int dk_opts_decode(const uint8_t *p, size_t len, unsigned space,
                                 struct dk_arena *arena, struct dk_opt **opts, size_t *nopts,
                                 struct dk_diag *diag);

/* Encodes a message from its fields (not from the received bytes). */
DK_MUST_CHECK int dk_msg_encode(struct dk_wbuf *w, const struct dk_msg *m);
/* Encodes one option from its fields. */
DK_MUST_CHECK int dk_opt_encode(struct dk_wbuf *w, const struct dk_opt *o);

/* The first option with this code among opts[0..n), or NULL. */
const struct dk_opt *dk_opt_find(const struct dk_opt *opts, size_t n, unsigned code);
/* The first option with this code in a message, or NULL. */
const struct dk_opt *dk_msg_find(const struct dk_msg *m, unsigned code);

/*
 * The innermost message of a relay chain and the number of relays around
 * it; a relay whose Relay Message option is missing is its own innermost.
 */
const struct dk_msg *dk_msg_inner(const struct dk_msg *m, size_t *nrelays);

#endif
