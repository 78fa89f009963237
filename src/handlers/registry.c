/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The built-in handlers by config section name, and the always-on ones. */
#include <string.h>

#include "../server/framework.h"
#include "handlers.h"

static const struct dk_handler_api *const builtin[] = {
    &dk__h_preference,
    &dk__h_recursive_name_servers,
    &dk__h_domain_search_list,
    &dk__h_ntp_servers,
    &dk__h_sntp_servers,
    &dk__h_sip_server_names,
    &dk__h_sip_server_addresses,
    &dk__h_aftr_name,
    &dk__h_sol_max_rt,
    &dk__h_inf_max_rt,
    &dk__h_information_refresh_time,
    &dk__h_vendor_specific_information,
    &dk__h_server_unicast,
    &dk__h_ignore_request,
    &dk__h_iana_timing_limits,
    &dk__h_iapd_timing_limits,
    &dk__h_copy_remote_id,
    &dk__h_copy_subscriber_id,
    &dk__h_copy_linklayer_id,
    &dk__h_rate_limit,
    &dk__h_dump_requests,
    &dk__h_static_csv,
    &dk__h_static_sqlite,
    &dk__h_static_lmdb,
    &dk__h_map_e,
    &dk__h_map_t,
    &dk__h_looking_glass,
    &dk__h_leasequery,
};

const struct dk_handler_api *dk__builtin_find(const char *section)
{
    for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
        if (strcmp(builtin[i]->name, section) == 0)
            return builtin[i];
    return NULL;
}

/* dhcpkit's MessageHandler: setup handlers first, cleanup handlers last. */
const struct dk_handler_api *const dk__setup_handlers[] = {
    &dk__h_rapid_commit, /* post: first, so later post hooks see the Reply */
    &dk__h_server_id,
    &dk__h_client_id, /* after server-id: both prepend, the Client Identifier ends up first */
};
const size_t dk__nsetup_handlers = sizeof(dk__setup_handlers) / sizeof(dk__setup_handlers[0]);

const struct dk_handler_api *const dk__cleanup_handlers[] = {
    &dk__h_reject_unicast, /* pre: after every handler that may allow unicast */
    &dk__h_unanswered_ia,  /* handle: after every handler that may answer an IA */
    &dk__h_missing_status, /* handle: after unanswered-ia, which may set NotOnLink */
    &dk__h_oro,            /* post: last */
};
const size_t dk__ncleanup_handlers = sizeof(dk__cleanup_handlers) / sizeof(dk__cleanup_handlers[0]);
