/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_HANDLERS_HANDLERS_H
#define DHCPKIT_HANDLERS_HANDLERS_H

/*
 * The built-in handlers, one file per family. Each is a const struct
 * dk_handler_api, the same descriptor a plug-in exports; registry.c maps
 * config section names to them.
 */

#include <stdbool.h>
#include <stdint.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/handler.h>

/* always.c: the handlers every pipeline runs (see registry.c for order). */
extern const struct dk_handler_api dk__h_server_id;
extern const struct dk_handler_api dk__h_client_id;
extern const struct dk_handler_api dk__h_rapid_commit;
extern const struct dk_handler_api dk__h_reject_unicast;
extern const struct dk_handler_api dk__h_unanswered_ia;
extern const struct dk_handler_api dk__h_missing_status;
extern const struct dk_handler_api dk__h_oro;

/* options.c: options with configured values. */
extern const struct dk_handler_api dk__h_preference;
extern const struct dk_handler_api dk__h_recursive_name_servers;
extern const struct dk_handler_api dk__h_domain_search_list;
extern const struct dk_handler_api dk__h_ntp_servers;
extern const struct dk_handler_api dk__h_sntp_servers;
extern const struct dk_handler_api dk__h_sip_server_names;
extern const struct dk_handler_api dk__h_sip_server_addresses;
extern const struct dk_handler_api dk__h_aftr_name;
extern const struct dk_handler_api dk__h_sol_max_rt;
extern const struct dk_handler_api dk__h_inf_max_rt;
extern const struct dk_handler_api dk__h_information_refresh_time;
extern const struct dk_handler_api dk__h_vendor_specific_information;

/* policy.c: server-unicast, ignore-request. */
extern const struct dk_handler_api dk__h_server_unicast;
extern const struct dk_handler_api dk__h_ignore_request;

/* timing.c */
extern const struct dk_handler_api dk__h_iana_timing_limits;
extern const struct dk_handler_api dk__h_iapd_timing_limits;

/* relay_copy.c */
extern const struct dk_handler_api dk__h_copy_remote_id;
extern const struct dk_handler_api dk__h_copy_subscriber_id;
extern const struct dk_handler_api dk__h_copy_linklayer_id;

/* rate_limit.c */
extern const struct dk_handler_api dk__h_rate_limit;

/* s46.c: MAP-E and MAP-T (RFC 7598). */
extern const struct dk_handler_api dk__h_map_e;
extern const struct dk_handler_api dk__h_map_t;

/* dump.c */
extern const struct dk_handler_api dk__h_dump_requests;

/* static.c: placeholders for static-csv, static-sqlite, static-lmdb. */
extern const struct dk_handler_api dk__h_static_csv;
extern const struct dk_handler_api dk__h_static_sqlite;
extern const struct dk_handler_api dk__h_static_lmdb;

/* looking_glass.c */
extern const struct dk_handler_api dk__h_looking_glass;

/* leasequery.c: RFC 5007, RFC 5460 */
extern const struct dk_handler_api dk__h_leasequery;

/* Whether the reply carries configuration options: the answer to a Solicit,
 * Request, Renew, Rebind or Information-request (RFC 8415 §18.3.1-§18.3.6);
 * not to Confirm, Release or Decline (§18.3.3, §18.3.7, §18.3.8). */
bool dk__reply_carries_config(const struct dk_bundle *b);

/* Whether an option is subject to the client's Option Request option (RFC
 * 8415 §21.7, Table 4 "ORO"): identifiers, IAs, status and the other
 * protocol options are not. */
bool dk__oro_governed(uint16_t code);

/* Declares a built-in handler descriptor. */
#define DK__HANDLER(ident, name_, ...)                                                             \
    const struct dk_handler_api dk__h_##ident = {.abi = DK_HANDLER_ABI_CURRENT,                    \
                                                 .size = sizeof(struct dk_handler_api),            \
                                                 .name = (name_),                                  \
                                                 __VA_ARGS__}

#endif
