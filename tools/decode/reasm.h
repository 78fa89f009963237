/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IPV6_DHCP_DECODE_REASM_H
#define IPV6_DHCP_DECODE_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * IPv6 fragment reassembly (RFC 8200 §4.5) for reading captures.
 *
 * Memory is bounded: at most REASM_MAX_PENDING datagrams are reassembled at
 * once (the oldest is given up when a new one arrives), each at most
 * REASM_MAX_DATAGRAM octets long and made of at most REASM_MAX_FRAGS
 * fragments. A datagram whose fragments overlap is given up, and so are the
 * fragments of it that arrive later (RFC 5722); an exact duplicate of a
 * fragment already held is ignored (RFC 5722 §4 allows this). A datagram
 * still incomplete REASM_TIMEOUT seconds after its first fragment is given up
 * (RFC 8200 §4.5), by the capture's clock.
 */
#define REASM_MAX_PENDING  64
#define REASM_MAX_DATAGRAM 65535
#define REASM_MAX_FRAGS    1024
#define REASM_TIMEOUT      60.0

/* What became of the datagrams that did not complete. */
struct reasm_stats {
    unsigned long overlapping; /* given up: overlapping or inconsistent fragments */
    unsigned long incomplete;  /* given up: timed out, evicted, or still pending */
    unsigned long bad;         /* fragments discarded on their own (length, offset) */
};

struct reasm;

/* Returns a new, empty reassembly table, or NULL when out of memory. */
struct reasm *reasm_new(void);
/* Frees the table and every buffer it holds; NULL is a no-op. */
void reasm_free(struct reasm *ra);

/* One fragment: the fields of its Fragment header and the data after it. */
struct reasm_frag {
    const uint8_t *src, *dst; /* 16 octets each */
    uint32_t id;
    size_t offset;    /* in octets (the header's 13-bit field times 8) */
    bool more;        /* the M flag */
    uint8_t next;     /* the header's Next Header field */
    size_t unfrag;    /* octets of the unfragmentable part before the Fragment header */
    const uint8_t *p; /* the fragment data, n octets */
    size_t n;
    double now; /* capture time of the frame, in seconds */
};

/*
 * Adds a fragment. Returns 1 when it completes a datagram: *out and *nout
 * are then its fragmentable part and *next the type of its first header;
 * they stay valid until the next call. Returns 0 when the fragment was held
 * or discarded.
 */
int reasm_add(struct reasm *ra, const struct reasm_frag *f, const uint8_t **out, size_t *nout,
              uint8_t *next);

/* Counts still-pending datagrams as incomplete and returns the totals. */
struct reasm_stats reasm_finish(struct reasm *ra);

#endif
