/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_WIRE_OPTDEFS_H
#define DHCPKIT_WIRE_OPTDEFS_H

#include <dhcpkit/options.h>

/*
 * Every option the library knows, as (name, code, space). Each family file
 * (opts_*.c) defines dk__opt_<name>; optdefs.c indexes them by code.
 */
#define DK__DHCPV6_OPTIONS(X)                                                                      \
    X(clientid, DK_OPT_CLIENTID)                                                                   \
    X(serverid, DK_OPT_SERVERID)                                                                   \
    X(ia_na, DK_OPT_IA_NA)                                                                         \
    X(ia_ta, DK_OPT_IA_TA)                                                                         \
    X(iaaddr, DK_OPT_IAADDR)                                                                       \
    X(oro, DK_OPT_ORO)                                                                             \
    X(preference, DK_OPT_PREFERENCE)                                                               \
    X(elapsed_time, DK_OPT_ELAPSED_TIME)                                                           \
    X(relay_msg, DK_OPT_RELAY_MSG)                                                                 \
    X(auth, DK_OPT_AUTH)                                                                           \
    X(unicast, DK_OPT_UNICAST)                                                                     \
    X(status_code, DK_OPT_STATUS_CODE)                                                             \
    X(rapid_commit, DK_OPT_RAPID_COMMIT)                                                           \
    X(user_class, DK_OPT_USER_CLASS)                                                               \
    X(vendor_class, DK_OPT_VENDOR_CLASS)                                                           \
    X(vendor_opts, DK_OPT_VENDOR_OPTS)                                                             \
    X(interface_id, DK_OPT_INTERFACE_ID)                                                           \
    X(reconf_msg, DK_OPT_RECONF_MSG)                                                               \
    X(reconf_accept, DK_OPT_RECONF_ACCEPT)                                                         \
    X(sip_server_d, DK_OPT_SIP_SERVER_D)                                                           \
    X(sip_server_a, DK_OPT_SIP_SERVER_A)                                                           \
    X(dns_servers, DK_OPT_DNS_SERVERS)                                                             \
    X(domain_list, DK_OPT_DOMAIN_LIST)                                                             \
    X(ia_pd, DK_OPT_IA_PD)                                                                         \
    X(iaprefix, DK_OPT_IAPREFIX)                                                                   \
    X(nis_servers, DK_OPT_NIS_SERVERS)                                                             \
    X(nisp_servers, DK_OPT_NISP_SERVERS)                                                           \
    X(nis_domain_name, DK_OPT_NIS_DOMAIN_NAME)                                                     \
    X(nisp_domain_name, DK_OPT_NISP_DOMAIN_NAME)                                                   \
    X(sntp_servers, DK_OPT_SNTP_SERVERS)                                                           \
    X(information_refresh_time, DK_OPT_INFORMATION_REFRESH_TIME)                                   \
    X(remote_id, DK_OPT_REMOTE_ID)                                                                 \
    X(subscriber_id, DK_OPT_SUBSCRIBER_ID)                                                         \
    X(client_fqdn, DK_OPT_CLIENT_FQDN)                                                             \
    X(new_posix_timezone, DK_OPT_NEW_POSIX_TIMEZONE)                                               \
    X(new_tzdb_timezone, DK_OPT_NEW_TZDB_TIMEZONE)                                                 \
    X(ero, DK_OPT_ERO)                                                                             \
    X(lq_query, DK_OPT_LQ_QUERY)                                                                   \
    X(client_data, DK_OPT_CLIENT_DATA)                                                             \
    X(clt_time, DK_OPT_CLT_TIME)                                                                   \
    X(lq_relay_data, DK_OPT_LQ_RELAY_DATA)                                                         \
    X(lq_client_link, DK_OPT_LQ_CLIENT_LINK)                                                       \
    X(relay_id, DK_OPT_RELAY_ID)                                                                   \
    X(ntp_server, DK_OPT_NTP_SERVER)                                                               \
    X(aftr_name, DK_OPT_AFTR_NAME)                                                                 \
    X(rsoo, DK_OPT_RSOO)                                                                           \
    X(pd_exclude, DK_OPT_PD_EXCLUDE)                                                               \
    X(client_linklayer_addr, DK_OPT_CLIENT_LINKLAYER_ADDR)                                         \
    X(radius, DK_OPT_RADIUS)                                                                       \
    X(sol_max_rt, DK_OPT_SOL_MAX_RT)                                                               \
    X(inf_max_rt, DK_OPT_INF_MAX_RT)                                                               \
    X(v6_pcp_server, DK_OPT_V6_PCP_SERVER)                                                         \
    X(s46_rule, DK_OPT_S46_RULE)                                                                   \
    X(s46_br, DK_OPT_S46_BR)                                                                       \
    X(s46_dmr, DK_OPT_S46_DMR)                                                                     \
    X(s46_v4v6bind, DK_OPT_S46_V4V6BIND)                                                           \
    X(s46_portparams, DK_OPT_S46_PORTPARAMS)                                                       \
    X(s46_cont_mape, DK_OPT_S46_CONT_MAPE)                                                         \
    X(s46_cont_mapt, DK_OPT_S46_CONT_MAPT)                                                         \
    X(s46_cont_lw, DK_OPT_S46_CONT_LW)                                                             \
    X(mud_url_v6, DK_OPT_MUD_URL_V6)                                                               \
    X(relay_port, DK_OPT_RELAY_PORT)

#define DK__NTP_SUBOPTIONS(X)                                                                      \
    X(ntp_srv_addr, DK_NTP_SUBOPTION_SRV_ADDR)                                                     \
    X(ntp_mc_addr, DK_NTP_SUBOPTION_MC_ADDR)                                                       \
    X(ntp_srv_fqdn, DK_NTP_SUBOPTION_SRV_FQDN)

#define DK__OPTDEF_DECL(name, code) extern const struct dk_optdef dk__opt_##name;
DK__DHCPV6_OPTIONS(DK__OPTDEF_DECL)
DK__NTP_SUBOPTIONS(DK__OPTDEF_DECL)
#undef DK__OPTDEF_DECL

/* Shorthands for the family files: DK__OPTDEF(ident, code, space, "IANA name",
 * "RFC section", fields...) defines dk__opt_<ident>. */
#define DK__F(name, kind)                                                                          \
    {                                                                                              \
        name, kind, 0                                                                              \
    }
#define DK__OPTDEF(ident, code_, space_, name_, rfc_, ...)                                         \
    const struct dk_optdef dk__opt_##ident = {                                                     \
        .code = (code_),                                                                           \
        .space = (space_),                                                                         \
        .nfields =                                                                                 \
            sizeof((struct dk_field_def[]){{0}, __VA_ARGS__}) / sizeof(struct dk_field_def) - 1,   \
        .name = (name_),                                                                           \
        .rfc = (rfc_),                                                                             \
        .f = {__VA_ARGS__},                                                                        \
    }

#endif
