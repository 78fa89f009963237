/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Softwire46: MAP-E, MAP-T and Lightweight 4over6 (RFC 7598 §4), and the
 * prefix-exclude option that travels with delegated prefixes (RFC 6603 §4.2).
 */
#include "optdefs.h"

#define V6 DK_SPACE_DHCPV6

DK__OPTDEF(s46_rule, DK_OPT_S46_RULE, V6, "OPTION_S46_RULE", "RFC 7598 §4.1",
           DK__F("flags", DK_F_U8), DK__F("ea_len", DK_F_U8), DK__F("ipv4_prefix", DK_F_PREFIX4),
           DK__F("ipv6_prefix", DK_F_VPREFIX6), DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(s46_br, DK_OPT_S46_BR, V6, "OPTION_S46_BR", "RFC 7598 §4.2",
           DK__F("br_address", DK_F_IPV6));
DK__OPTDEF(s46_dmr, DK_OPT_S46_DMR, V6, "OPTION_S46_DMR", "RFC 7598 §4.3",
           DK__F("dmr_prefix", DK_F_VPREFIX6));
DK__OPTDEF(s46_v4v6bind, DK_OPT_S46_V4V6BIND, V6, "OPTION_S46_V4V6BIND", "RFC 7598 §4.4",
           DK__F("ipv4_address", DK_F_IPV4), DK__F("ipv6_prefix", DK_F_VPREFIX6),
           DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(s46_portparams, DK_OPT_S46_PORTPARAMS, V6, "OPTION_S46_PORTPARAMS", "RFC 7598 §4.5",
           DK__F("offset", DK_F_U8), DK__F("psid_len", DK_F_U8), DK__F("psid", DK_F_PSID));
DK__OPTDEF(s46_cont_mape, DK_OPT_S46_CONT_MAPE, V6, "OPTION_S46_CONT_MAPE", "RFC 7598 §5.1",
           DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(s46_cont_mapt, DK_OPT_S46_CONT_MAPT, V6, "OPTION_S46_CONT_MAPT", "RFC 7598 §5.2",
           DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(s46_cont_lw, DK_OPT_S46_CONT_LW, V6, "OPTION_S46_CONT_LW", "RFC 7598 §5.3",
           DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(pd_exclude, DK_OPT_PD_EXCLUDE, V6, "OPTION_PD_EXCLUDE", "RFC 6603 §4.2",
           DK__F("prefix_length", DK_F_U8), DK__F("subnet_id", DK_F_BYTES));
