/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Configuration options a server hands out: name and time servers, domain
 * lists, time zones, DS-Lite, PCP, MUD (RFC 3319, 3646, 3898, 4075, 4833,
 * 5908, 6334, 7291, 8520).
 */
#include "optdefs.h"

#define V6 DK_SPACE_DHCPV6

DK__OPTDEF(sip_server_d, DK_OPT_SIP_SERVER_D, V6, "OPTION_SIP_SERVER_D", "RFC 3319 §3.1",
           DK__F("domain_names", DK_F_DOMAIN_LIST));
DK__OPTDEF(sip_server_a, DK_OPT_SIP_SERVER_A, V6, "OPTION_SIP_SERVER_A", "RFC 3319 §3.2",
           DK__F("sip_servers", DK_F_IPV6_LIST));
DK__OPTDEF(dns_servers, DK_OPT_DNS_SERVERS, V6, "OPTION_DNS_SERVERS", "RFC 3646 §3",
           DK__F("dns_servers", DK_F_IPV6_LIST));
DK__OPTDEF(domain_list, DK_OPT_DOMAIN_LIST, V6, "OPTION_DOMAIN_LIST", "RFC 3646 §4",
           DK__F("search_list", DK_F_DOMAIN_LIST));
DK__OPTDEF(nis_servers, DK_OPT_NIS_SERVERS, V6, "OPTION_NIS_SERVERS", "RFC 3898 §3",
           DK__F("nis_servers", DK_F_IPV6_LIST));
DK__OPTDEF(nisp_servers, DK_OPT_NISP_SERVERS, V6, "OPTION_NISP_SERVERS", "RFC 3898 §4",
           DK__F("nisp_servers", DK_F_IPV6_LIST));
DK__OPTDEF(nis_domain_name, DK_OPT_NIS_DOMAIN_NAME, V6, "OPTION_NIS_DOMAIN_NAME", "RFC 3898 §5",
           DK__F("domain_names", DK_F_DOMAIN_LIST));
DK__OPTDEF(nisp_domain_name, DK_OPT_NISP_DOMAIN_NAME, V6, "OPTION_NISP_DOMAIN_NAME", "RFC 3898 §6",
           DK__F("domain_names", DK_F_DOMAIN_LIST));
DK__OPTDEF(sntp_servers, DK_OPT_SNTP_SERVERS, V6, "OPTION_SNTP_SERVERS", "RFC 4075 §4",
           DK__F("sntp_servers", DK_F_IPV6_LIST));
DK__OPTDEF(new_posix_timezone, DK_OPT_NEW_POSIX_TIMEZONE, V6, "OPTION_NEW_POSIX_TIMEZONE",
           "RFC 4833 §3", DK__F("timezone", DK_F_STRING));
DK__OPTDEF(new_tzdb_timezone, DK_OPT_NEW_TZDB_TIMEZONE, V6, "OPTION_NEW_TZDB_TIMEZONE",
           "RFC 4833 §3", DK__F("timezone", DK_F_STRING));
DK__OPTDEF(ntp_server, DK_OPT_NTP_SERVER, V6, "OPTION_NTP_SERVER", "RFC 5908 §4",
           {"suboptions", DK_F_SUBOPTS, DK_SPACE_NTP});
DK__OPTDEF(ntp_srv_addr, DK_NTP_SUBOPTION_SRV_ADDR, DK_SPACE_NTP, "NTP_SUBOPTION_SRV_ADDR",
           "RFC 5908 §4.1", DK__F("address", DK_F_IPV6));
DK__OPTDEF(ntp_mc_addr, DK_NTP_SUBOPTION_MC_ADDR, DK_SPACE_NTP, "NTP_SUBOPTION_MC_ADDR",
           "RFC 5908 §4.2", DK__F("address", DK_F_IPV6));
DK__OPTDEF(ntp_srv_fqdn, DK_NTP_SUBOPTION_SRV_FQDN, DK_SPACE_NTP, "NTP_SUBOPTION_SRV_FQDN",
           "RFC 5908 §4.3", DK__F("fqdn", DK_F_DOMAIN));
DK__OPTDEF(aftr_name, DK_OPT_AFTR_NAME, V6, "OPTION_AFTR_NAME", "RFC 6334 §3",
           DK__F("fqdn", DK_F_DOMAIN));
DK__OPTDEF(v6_pcp_server, DK_OPT_V6_PCP_SERVER, V6, "OPTION_V6_PCP_SERVER", "RFC 7291 §3",
           DK__F("pcp_servers", DK_F_IPV6_LIST));
DK__OPTDEF(mud_url_v6, DK_OPT_MUD_URL_V6, V6, "OPTION_MUD_URL_V6", "RFC 8520 §10",
           DK__F("mud_url", DK_F_STRING));
