/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_DOMAIN_H
#define DHCPKIT_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/errors.h>

/*
 * Domain names in the uncompressed RFC 1035 §3.1 wire form that DHCPv6 uses
 * (RFC 8415 §10): labels of at most 63 octets, names of at most 255.
 */
#define DK_DOMAIN_MAX_LABEL 63
#define DK_DOMAIN_MAX_NAME  255
/* The longest text form of one name: every octet escaped as \DDD. */
#define DK_DOMAIN_TEXT_MAX (DK_DOMAIN_MAX_NAME * 4 + 1)

/*
 * Measures the name at p[0..n): on success *used is its wire length and
 * *complete tells whether it ended with the root label. A name that runs to
 * the end of the input without a root label is only accepted when
 * allow_partial is set (RFC 4704 §4.1). Returns 0 or DK_EDOMAIN.
 */
DK_MUST_CHECK int dk_domain_measure(const uint8_t *p, size_t n, bool allow_partial, size_t *used,
                                    bool *complete);

/* Checks that p[0..n) is a list of complete names (possibly empty). */
DK_MUST_CHECK int dk_domain_list_check(const uint8_t *p, size_t n);

/*
 * Writes the name that starts at p as text: labels joined by dots, a trailing
 * dot when complete, and any '.', '\\', '"', space or non-printable octet
 * escaped as \DDD, so the text is safe to log. Returns the wire length used,
 * or DK_EDOMAIN; out must hold DK_DOMAIN_TEXT_MAX octets.
 */
DK_MUST_CHECK int dk_domain_to_text(const uint8_t *p, size_t n, char *out);

/*
 * Appends the wire form of a text name ("example.com" or "example.com.";
 * both complete) to w. Escapes are not interpreted. Returns 0, DK_EDOMAIN
 * for an empty label or an over-long label or name, or DK_ENOSPC.
 */
DK_MUST_CHECK int dk_domain_from_text(struct dk_wbuf *w, const char *text);

#endif
