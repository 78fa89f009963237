/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IPV6_DHCP_DECODE_CAPTURE_H
#define IPV6_DHCP_DECODE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reasm.h"

/* Octets to read from the start of a file to recognise a capture. */
#define CAP_MAGIC_LEN 12

enum { CAP_NO, CAP_MAYBE, CAP_YES };
/*
 * Whether the first n octets of a file are those of a pcap or pcapng file:
 * CAP_YES, CAP_NO, or CAP_MAYBE when more octets are needed to tell (so a
 * caller can read octet by octet and never wait for input it does not need).
 */
int cap_match(const uint8_t *p, size_t n);

/*
 * Returns a stream that yields the n octets at peek (the ones already read
 * from f) and then the rest of f; closing it closes f. NULL when out of
 * memory (f is then left open).
 */
FILE *cap_unread(FILE *f, const uint8_t *peek, size_t n);

/* Called for each DHCPv6 message found. why is NULL, or says why the message
 * cannot be read whole (offset octets of it were there). */
typedef void cap_msg_fn(void *ctx, unsigned long frame, const uint8_t *p, size_t n, const char *why,
                        size_t offset);

/*
 * Reads the capture on f (closed on return) and calls fn for each DHCPv6
 * message, in frame order. Returns 0, or -1 with err set when the capture
 * cannot be read (bad header, unsupported link type, truncated in the middle
 * of a record); the messages before the failure have been passed to fn.
 * *stats says what became of fragmented datagrams.
 */
int cap_read(FILE *f, cap_msg_fn *fn, void *ctx, struct reasm_stats *stats, char *err,
             size_t errlen);

#endif
