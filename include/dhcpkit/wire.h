/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_WIRE_H
#define DHCPKIT_WIRE_H

/* Protocol constants, named as in the IANA registries and the RFCs. */

#define DK_CLIENT_PORT 546
#define DK_SERVER_PORT 547
/* RFC 8415 §7.6: a relay chain is at most HOP_COUNT_LIMIT relays deep. */
#define DK_HOP_COUNT_LIMIT 32
#define DK_INFINITY        0xffffffffu

/* RFC 8415 §7.3, RFC 5007 §4.2, RFC 5460 §5.2 */
enum dk_msg_type {
    DK_MSG_SOLICIT = 1,
    DK_MSG_ADVERTISE = 2,
    DK_MSG_REQUEST = 3,
    DK_MSG_CONFIRM = 4,
    DK_MSG_RENEW = 5,
    DK_MSG_REBIND = 6,
    DK_MSG_REPLY = 7,
    DK_MSG_RELEASE = 8,
    DK_MSG_DECLINE = 9,
    DK_MSG_RECONFIGURE = 10,
    DK_MSG_INFORMATION_REQUEST = 11,
    DK_MSG_RELAY_FORW = 12,
    DK_MSG_RELAY_REPL = 13,
    DK_MSG_LEASEQUERY = 14,
    DK_MSG_LEASEQUERY_REPLY = 15,
    DK_MSG_LEASEQUERY_DONE = 16,
    DK_MSG_LEASEQUERY_DATA = 17,
};
#define DK_MSG_MAX_KNOWN 17

enum dk_opt_code {
    DK_OPT_CLIENTID = 1,
    DK_OPT_SERVERID = 2,
    DK_OPT_IA_NA = 3,
    DK_OPT_IA_TA = 4,
    DK_OPT_IAADDR = 5,
    DK_OPT_ORO = 6,
    DK_OPT_PREFERENCE = 7,
    DK_OPT_ELAPSED_TIME = 8,
    DK_OPT_RELAY_MSG = 9,
    DK_OPT_AUTH = 11,
    DK_OPT_UNICAST = 12,
    DK_OPT_STATUS_CODE = 13,
    DK_OPT_RAPID_COMMIT = 14,
    DK_OPT_USER_CLASS = 15,
    DK_OPT_VENDOR_CLASS = 16,
    DK_OPT_VENDOR_OPTS = 17,
    DK_OPT_INTERFACE_ID = 18,
    DK_OPT_RECONF_MSG = 19,
    DK_OPT_RECONF_ACCEPT = 20,
    DK_OPT_SIP_SERVER_D = 21,
    DK_OPT_SIP_SERVER_A = 22,
    DK_OPT_DNS_SERVERS = 23,
    DK_OPT_DOMAIN_LIST = 24,
    DK_OPT_IA_PD = 25,
    DK_OPT_IAPREFIX = 26,
    DK_OPT_NIS_SERVERS = 27,
    DK_OPT_NISP_SERVERS = 28,
    DK_OPT_NIS_DOMAIN_NAME = 29,
    DK_OPT_NISP_DOMAIN_NAME = 30,
    DK_OPT_SNTP_SERVERS = 31,
    DK_OPT_INFORMATION_REFRESH_TIME = 32,
    DK_OPT_REMOTE_ID = 37,
    DK_OPT_SUBSCRIBER_ID = 38,
    DK_OPT_CLIENT_FQDN = 39,
    DK_OPT_NEW_POSIX_TIMEZONE = 41,
    DK_OPT_NEW_TZDB_TIMEZONE = 42,
    DK_OPT_ERO = 43,
    DK_OPT_LQ_QUERY = 44,
    DK_OPT_CLIENT_DATA = 45,
    DK_OPT_CLT_TIME = 46,
    DK_OPT_LQ_RELAY_DATA = 47,
    DK_OPT_LQ_CLIENT_LINK = 48,
    DK_OPT_RELAY_ID = 53,
    DK_OPT_NTP_SERVER = 56,
    DK_OPT_AFTR_NAME = 64,
    DK_OPT_RSOO = 66,
    DK_OPT_PD_EXCLUDE = 67,
    DK_OPT_CLIENT_LINKLAYER_ADDR = 79,
    DK_OPT_RADIUS = 81,
    DK_OPT_SOL_MAX_RT = 82,
    DK_OPT_INF_MAX_RT = 83,
    DK_OPT_V6_PCP_SERVER = 86,
    DK_OPT_S46_RULE = 89,
    DK_OPT_S46_BR = 90,
    DK_OPT_S46_DMR = 91,
    DK_OPT_S46_V4V6BIND = 92,
    DK_OPT_S46_PORTPARAMS = 93,
    DK_OPT_S46_CONT_MAPE = 94,
    DK_OPT_S46_CONT_MAPT = 95,
    DK_OPT_S46_CONT_LW = 96,
    DK_OPT_MUD_URL_V6 = 112,
    DK_OPT_RELAY_PORT = 135,
};

/* RFC 5908 §4: NTP server sub-options. */
enum dk_ntp_subopt {
    DK_NTP_SUBOPTION_SRV_ADDR = 1,
    DK_NTP_SUBOPTION_MC_ADDR = 2,
    DK_NTP_SUBOPTION_SRV_FQDN = 3,
};

/* RFC 8415 §21.13, RFC 5007 §4.1.2, RFC 5460 §5.3 */
enum dk_status {
    DK_STATUS_SUCCESS = 0,
    DK_STATUS_UNSPEC_FAIL = 1,
    DK_STATUS_NO_ADDRS_AVAIL = 2,
    DK_STATUS_NO_BINDING = 3,
    DK_STATUS_NOT_ON_LINK = 4,
    DK_STATUS_USE_MULTICAST = 5,
    DK_STATUS_NO_PREFIX_AVAIL = 6,
    DK_STATUS_UNKNOWN_QUERY_TYPE = 7,
    DK_STATUS_MALFORMED_QUERY = 8,
    DK_STATUS_NOT_CONFIGURED = 9,
    DK_STATUS_NOT_ALLOWED = 10,
    DK_STATUS_QUERY_TERMINATED = 11,
};

/* RFC 5007 §4.1.2.1, RFC 5460 §5.3: the query-type of OPTION_LQ_QUERY. */
enum dk_lq_query_type {
    DK_LQ_QUERY_BY_ADDRESS = 1,
    DK_LQ_QUERY_BY_CLIENTID = 2,
    DK_LQ_QUERY_BY_RELAY_ID = 3,
    DK_LQ_QUERY_BY_LINK_ADDRESS = 4,
    DK_LQ_QUERY_BY_REMOTE_ID = 5,
};

/* RFC 8415 §11.1, RFC 6355 */
enum dk_duid_type {
    DK_DUID_LLT = 1,
    DK_DUID_EN = 2,
    DK_DUID_LL = 3,
    DK_DUID_UUID = 4,
};
/* RFC 8415 §11.1: the DUID proper is 1..128 octets after its 2-octet type. */
#define DK_DUID_MIN_LEN 3
#define DK_DUID_MAX_LEN 130

/* Names from the IANA registries; NULL for codes we do not know. */
const char *dk_msg_name(unsigned type);
const char *dk_opt_name(unsigned code);
const char *dk_status_name(unsigned status);

#endif
