/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The options of the base protocol, RFC 8415 §21 (IA_PD and IAPREFIX included). */
#include "optdefs.h"

#define V6 DK_SPACE_DHCPV6

DK__OPTDEF(clientid, DK_OPT_CLIENTID, V6, "OPTION_CLIENTID", "RFC 8415 §21.2",
           DK__F("duid", DK_F_DUID));
DK__OPTDEF(serverid, DK_OPT_SERVERID, V6, "OPTION_SERVERID", "RFC 8415 §21.3",
           DK__F("duid", DK_F_DUID));
DK__OPTDEF(ia_na, DK_OPT_IA_NA, V6, "OPTION_IA_NA", "RFC 8415 §21.4", DK__F("iaid", DK_F_U32),
           DK__F("t1", DK_F_U32), DK__F("t2", DK_F_U32), DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(ia_ta, DK_OPT_IA_TA, V6, "OPTION_IA_TA", "RFC 8415 §21.5", DK__F("iaid", DK_F_U32),
           DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(iaaddr, DK_OPT_IAADDR, V6, "OPTION_IAADDR", "RFC 8415 §21.6",
           DK__F("address", DK_F_IPV6), DK__F("preferred_lifetime", DK_F_U32),
           DK__F("valid_lifetime", DK_F_U32), DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(oro, DK_OPT_ORO, V6, "OPTION_ORO", "RFC 8415 §21.7",
           DK__F("requested_options", DK_F_U16_LIST));
DK__OPTDEF(preference, DK_OPT_PREFERENCE, V6, "OPTION_PREFERENCE", "RFC 8415 §21.8",
           DK__F("preference", DK_F_U8));
DK__OPTDEF(elapsed_time, DK_OPT_ELAPSED_TIME, V6, "OPTION_ELAPSED_TIME", "RFC 8415 §21.9",
           DK__F("elapsed_time", DK_F_U16));
DK__OPTDEF(relay_msg, DK_OPT_RELAY_MSG, V6, "OPTION_RELAY_MSG", "RFC 8415 §21.10",
           DK__F("message", DK_F_MESSAGE));
DK__OPTDEF(auth, DK_OPT_AUTH, V6, "OPTION_AUTH", "RFC 8415 §21.11", DK__F("protocol", DK_F_U8),
           DK__F("algorithm", DK_F_U8), DK__F("rdm", DK_F_U8),
           {"replay_detection", DK_F_BYTES_FIXED, 8}, DK__F("auth_info", DK_F_BYTES));
DK__OPTDEF(unicast, DK_OPT_UNICAST, V6, "OPTION_UNICAST", "RFC 8415 §21.12",
           DK__F("server_address", DK_F_IPV6));
DK__OPTDEF(status_code, DK_OPT_STATUS_CODE, V6, "OPTION_STATUS_CODE", "RFC 8415 §21.13",
           DK__F("status_code", DK_F_U16), DK__F("status_message", DK_F_STRING));
DK__OPTDEF(rapid_commit, DK_OPT_RAPID_COMMIT, V6, "OPTION_RAPID_COMMIT", "RFC 8415 §21.14");
DK__OPTDEF(user_class, DK_OPT_USER_CLASS, V6, "OPTION_USER_CLASS", "RFC 8415 §21.15",
           DK__F("user_classes", DK_F_DATA_LIST));
DK__OPTDEF(vendor_class, DK_OPT_VENDOR_CLASS, V6, "OPTION_VENDOR_CLASS", "RFC 8415 §21.16",
           DK__F("enterprise_number", DK_F_U32), DK__F("vendor_classes", DK_F_DATA_LIST));
DK__OPTDEF(vendor_opts, DK_OPT_VENDOR_OPTS, V6, "OPTION_VENDOR_OPTS", "RFC 8415 §21.17",
           DK__F("enterprise_number", DK_F_U32), {"suboptions", DK_F_SUBOPTS, DK_SPACE_VENDOR});
DK__OPTDEF(interface_id, DK_OPT_INTERFACE_ID, V6, "OPTION_INTERFACE_ID", "RFC 8415 §21.18",
           DK__F("interface_id", DK_F_BYTES));
DK__OPTDEF(reconf_msg, DK_OPT_RECONF_MSG, V6, "OPTION_RECONF_MSG", "RFC 8415 §21.19",
           DK__F("message_type", DK_F_U8));
DK__OPTDEF(reconf_accept, DK_OPT_RECONF_ACCEPT, V6, "OPTION_RECONF_ACCEPT", "RFC 8415 §21.20");
DK__OPTDEF(ia_pd, DK_OPT_IA_PD, V6, "OPTION_IA_PD", "RFC 8415 §21.21", DK__F("iaid", DK_F_U32),
           DK__F("t1", DK_F_U32), DK__F("t2", DK_F_U32), DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(iaprefix, DK_OPT_IAPREFIX, V6, "OPTION_IAPREFIX", "RFC 8415 §21.22",
           DK__F("preferred_lifetime", DK_F_U32), DK__F("valid_lifetime", DK_F_U32),
           DK__F("prefix", DK_F_PREFIX6), DK__F("options", DK_F_OPTIONS));
DK__OPTDEF(information_refresh_time, DK_OPT_INFORMATION_REFRESH_TIME, V6,
           "OPTION_INFORMATION_REFRESH_TIME", "RFC 8415 §21.23",
           DK__F("information_refresh_time", DK_F_U32));
DK__OPTDEF(sol_max_rt, DK_OPT_SOL_MAX_RT, V6, "OPTION_SOL_MAX_RT", "RFC 8415 §21.24",
           DK__F("sol_max_rt", DK_F_U32));
DK__OPTDEF(inf_max_rt, DK_OPT_INF_MAX_RT, V6, "OPTION_INF_MAX_RT", "RFC 8415 §21.25",
           DK__F("inf_max_rt", DK_F_U32));
