/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_RENDER_H
#define DHCPKIT_RENDER_H

#include <dhcpkit/buf.h>
#include <dhcpkit/message.h>

/*
 * Renders decoded messages for logs, the decoder tool and the looking glass.
 * Output is appended to w and NUL-terminated (the NUL is not counted in
 * w->len). Every octet that came from the wire is escaped, so the output is
 * safe to log. Returns 0, DK_ENOSPC (retry with a larger buffer), or
 * DK_EDEPTH for a hand-built tree deeper than DK_MAX_NESTING.
 *
 * JSON shape (one object, no newlines; the README documents every field):
 *   {"msg_type": 1, "msg_name": "SOLICIT", "transaction_id": "f350d6", "options": [...]}
 *   {"msg_type": 12, ..., "hop_count": 0, "link_address": "...", "peer_address": "...", ...}
 *   {"code": 3, "name": "OPTION_IA_NA", "iaid": 1, ..., "options": [...]}
 *   {"code": 99, "name": null, "data": "0102"}
 */
int dk_msg_to_json(struct dk_wbuf *w, const struct dk_msg *m);
int dk_opt_to_json(struct dk_wbuf *w, const struct dk_opt *o);
/* A DUID as {"duid_type": 3, "hardware_type": 1, "link_layer_address": "...", "hex": "..."}. */
int dk_duid_to_json(struct dk_wbuf *w, const uint8_t *p, size_t n);

/* One line of text: SOLICIT xid=f350d6 CLIENTID(duid=00030001...) IA_NA(iaid=1 ...) */
int dk_msg_to_text(struct dk_wbuf *w, const struct dk_msg *m);

#endif
