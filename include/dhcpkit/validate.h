/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_VALIDATE_H
#define DHCPKIT_VALIDATE_H

#include <dhcpkit/message.h>

/*
 * Containment rules, kept apart from decoding so that a server can decode
 * first and then decide what to tolerate. The rules are data: one table of
 * (container, option, min, max) rows, where a container is a message type
 * or an option code (RFC 8415 Appendix B and C, and each extension's RFC;
 * src/wire/contain.c says where each row comes from).
 *
 * dk_msg_validate() walks a decoded message (through relay chains and
 * encapsulated messages, iteratively, using about 17 KiB of stack) and
 * checks that each known option appears only in containers that allow it
 * and as often as they allow, and that an encapsulated message has a type
 * its option may carry (client messages towards the server in Relay-forward,
 * server messages in Relay-reply). Unknown options, unknown message types
 * and vendor sub-options are allowed anywhere. It also checks that IAIDs are
 * unique per IA type within a message (RFC 8415 §21.4).
 *
 * Returns 0, or DK_ECONTAIN (an option or message where it may not be),
 * DK_ECOUNT (an option too often or too rarely, or a repeated IAID),
 * DK_EDEPTH (a hand-built tree deeper than any the decoder builds) or
 * DK_EINVAL (m is NULL). On failure it fills diag, which may be NULL: err;
 * path, the codes of the options leading to the offending option, outermost
 * first and ending with it (for a missing option: ending with the container
 * when it is an option, with the option carrying it when it is a message,
 * empty for the top message); a text such as
 * "option 8 (ELAPSED_TIME) appears 2 times in SOLICIT, at most 1 allowed"
 * or "SOLICIT must contain option 1 (CLIENTID)". offset is 0: the validator
 * sees the tree, not the octets. On success diag is zeroed.
 */
DK_MUST_CHECK int dk_msg_validate(const struct dk_msg *m, struct dk_diag *diag);

#endif
