/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Options relays add or ask for: Remote-ID, Subscriber-ID, client link-layer
 * address, echo request, RSOO, RADIUS, relay source port (RFC 4649, 4580,
 * 6939, 4994, 6422, 7037, 8357), and the client FQDN (RFC 4704).
 */
#include "optdefs.h"

#define V6 DK_SPACE_DHCPV6

DK__OPTDEF(remote_id, DK_OPT_REMOTE_ID, V6, "OPTION_REMOTE_ID", "RFC 4649 §3",
           DK__F("enterprise_number", DK_F_U32), DK__F("remote_id", DK_F_BYTES));
DK__OPTDEF(subscriber_id, DK_OPT_SUBSCRIBER_ID, V6, "OPTION_SUBSCRIBER_ID", "RFC 4580 §2",
           DK__F("subscriber_id", DK_F_BYTES));
DK__OPTDEF(client_fqdn, DK_OPT_CLIENT_FQDN, V6, "OPTION_CLIENT_FQDN", "RFC 4704 §4",
           DK__F("flags", DK_F_U8), DK__F("domain_name", DK_F_FQDN));
DK__OPTDEF(ero, DK_OPT_ERO, V6, "OPTION_ERO", "RFC 4994 §4",
           DK__F("requested_options", DK_F_U16_LIST));
DK__OPTDEF(rsoo, DK_OPT_RSOO, V6, "OPTION_RSOO", "RFC 6422 §3", DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(client_linklayer_addr, DK_OPT_CLIENT_LINKLAYER_ADDR, V6, "OPTION_CLIENT_LINKLAYER_ADDR",
           "RFC 6939 §4", DK__F("link_layer_type", DK_F_U16),
           DK__F("link_layer_address", DK_F_BYTES));
DK__OPTDEF(radius, DK_OPT_RADIUS, V6, "OPTION_RADIUS", "RFC 7037 §4",
           DK__F("attributes", DK_F_RADIUS_ATTRS));
DK__OPTDEF(relay_port, DK_OPT_RELAY_PORT, V6, "OPTION_RELAY_PORT", "RFC 8357 §5.2",
           DK__F("downstream_source_port", DK_F_U16));
