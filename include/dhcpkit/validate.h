/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_VALIDATE_H
#define DHCPKIT_VALIDATE_H

#include <dhcpkit/message.h>

/*
 * Containment rules, kept apart from decoding so that a server can decode
 * first and then decide what to tolerate. The rules are data: one table of
 * (container, option, min, max) rows, where a container is a message type
 * or an option code (RFC 8415 Appendix B and C, and each extension's RFC).
 *
 * dk_msg_validate() walks a decoded message (through relay chains and
 * encapsulated messages) and checks that each known option appears only in
 * containers that allow it and as often as they allow. Unknown options are
 * allowed anywhere. It also checks that IAIDs are unique per IA type within
 * a message (RFC 8415 §21.4). On failure it fills diag (err DK_ECONTAIN or
 * DK_ECOUNT, the option path, and a text such as "option 8 (ELAPSED_TIME)
 * appears 2 times in SOLICIT, at most 1 allowed"); offset is 0 when unknown.
 */
DK_MUST_CHECK int dk_msg_validate(const struct dk_msg *m, struct dk_diag *diag);

#endif
