/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Leasequery and bulk leasequery options (RFC 5007 §4.1, RFC 5460 §5). */
#include "optdefs.h"

#define V6 DK_SPACE_DHCPV6

DK__OPTDEF(lq_query, DK_OPT_LQ_QUERY, V6, "OPTION_LQ_QUERY", "RFC 5007 §4.1.2.1",
           DK__F("query_type", DK_F_U8), DK__F("link_address", DK_F_IPV6),
           DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(client_data, DK_OPT_CLIENT_DATA, V6, "OPTION_CLIENT_DATA", "RFC 5007 §4.1.2.2",
           DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(clt_time, DK_OPT_CLT_TIME, V6, "OPTION_CLT_TIME", "RFC 5007 §4.1.2.3",
           DK__F("clt_time", DK_F_U32));
DK__OPTDEF(lq_relay_data, DK_OPT_LQ_RELAY_DATA, V6, "OPTION_LQ_RELAY_DATA", "RFC 5007 §4.1.2.4",
           DK__F("peer_address", DK_F_IPV6), DK__F("message", DK_F_MESSAGE));
DK__OPTDEF(lq_client_link, DK_OPT_LQ_CLIENT_LINK, V6, "OPTION_LQ_CLIENT_LINK", "RFC 5007 §4.1.2.5",
           DK__F("link_addresses", DK_F_IPV6_LIST));
DK__OPTDEF(relay_id, DK_OPT_RELAY_ID, V6, "OPTION_RELAY_ID", "RFC 5460 §5.4.1",
           DK__F("duid", DK_F_DUID));
