/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_HANDLERS_CAPTURE_H
#define DHCPKIT_HANDLERS_CAPTURE_H

/*
 * Capturing a transaction for a writer thread (looking-glass, leasequery):
 * a worker encodes what came in and the reply into its scratch buffer (cheap,
 * no allocation but the record it then queues); the writer decodes them
 * again, off the packet path.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/bundle.h>

/* A worker's scratch buffer: a whole relay chain and a reply. */
#define DK__CAPTURE_SCRATCH ((size_t)2 * 65536 + 256)

/* worker_init/worker_done of a capturing handler: *wstate is the scratch
 * buffer (malloc). worker_init returns 0 or DK_ENOMEM. */
int dk__capture_worker_init(void *state, void **wstate);
void dk__capture_worker_done(void *state, void *wstate);

/*
 * Encodes b->relay_in[0] (the whole chain as received; for a direct client
 * the pipeline's own Relay-forward around it) and then the reply, if any,
 * into buf[0..cap): *nin and *nout octets. Returns 0, or a DK_E* (the
 * transaction is then not captured).
 */
int dk__capture_encode(struct dk_bundle *b, uint8_t *buf, size_t cap, size_t *nin, size_t *nout);

/* A decoded relay chain, outermost first. */
struct dk__chain {
    const struct dk_msg *relays[DK_MAX_RELAYS];
    size_t n;
};

/* Decodes a chain captured by dk__capture_encode() (p[0..n) = its first
 * *nin octets) in a: fills c and returns the client's message, or NULL when
 * it does not decode. Valid until a is reset. */
const struct dk_msg *dk__capture_decode(struct dk_arena *a, const uint8_t *p, size_t n,
                                        struct dk__chain *c);

#endif
