/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lookup of option definitions by code, and the IANA names of codes. */
#include <dhcpkit/wire.h>

#include "optdefs.h"

#define DK__BY_CODE(name, code) [code] = &dk__opt_##name,
static const struct dk_optdef *const dhcpv6_by_code[] = {DK__DHCPV6_OPTIONS(DK__BY_CODE)};
static const struct dk_optdef *const ntp_by_code[] = {DK__NTP_SUBOPTIONS(DK__BY_CODE)};
#undef DK__BY_CODE

#define DK__LIST(name, code) &dk__opt_##name,
static const struct dk_optdef *const all_defs[] = {DK__DHCPV6_OPTIONS(DK__LIST)
                                                       DK__NTP_SUBOPTIONS(DK__LIST)};
#undef DK__LIST

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct dk_optdef *dk_optdef_find(unsigned space, unsigned code)
{
    switch (space) {
    case DK_SPACE_DHCPV6:
        return code < COUNT(dhcpv6_by_code) ? dhcpv6_by_code[code] : NULL;
    case DK_SPACE_NTP:
        return code < COUNT(ntp_by_code) ? ntp_by_code[code] : NULL;
    default:
        return NULL; /* vendor spaces: codes are the enterprise's own */
    }
}

const struct dk_optdef *dk_optdef_next(size_t *i)
{
    return *i < COUNT(all_defs) ? all_defs[(*i)++] : NULL;
}

const char *dk_opt_name(unsigned code)
{
    const struct dk_optdef *d = dk_optdef_find(DK_SPACE_DHCPV6, code);
    return d ? d->name : NULL;
}

const char *dk_msg_name(unsigned type)
{
    static const char *const names[] = {
        [DK_MSG_SOLICIT] = "SOLICIT",
        [DK_MSG_ADVERTISE] = "ADVERTISE",
        [DK_MSG_REQUEST] = "REQUEST",
        [DK_MSG_CONFIRM] = "CONFIRM",
        [DK_MSG_RENEW] = "RENEW",
        [DK_MSG_REBIND] = "REBIND",
        [DK_MSG_REPLY] = "REPLY",
        [DK_MSG_RELEASE] = "RELEASE",
        [DK_MSG_DECLINE] = "DECLINE",
        [DK_MSG_RECONFIGURE] = "RECONFIGURE",
        [DK_MSG_INFORMATION_REQUEST] = "INFORMATION-REQUEST",
        [DK_MSG_RELAY_FORW] = "RELAY-FORW",
        [DK_MSG_RELAY_REPL] = "RELAY-REPL",
        [DK_MSG_LEASEQUERY] = "LEASEQUERY",
        [DK_MSG_LEASEQUERY_REPLY] = "LEASEQUERY-REPLY",
        [DK_MSG_LEASEQUERY_DONE] = "LEASEQUERY-DONE",
        [DK_MSG_LEASEQUERY_DATA] = "LEASEQUERY-DATA",
    };
    return type < COUNT(names) ? names[type] : NULL;
}

const char *dk_status_name(unsigned status)
{
    static const char *const names[] = {
        [DK_STATUS_SUCCESS] = "Success",
        [DK_STATUS_UNSPEC_FAIL] = "UnspecFail",
        [DK_STATUS_NO_ADDRS_AVAIL] = "NoAddrsAvail",
        [DK_STATUS_NO_BINDING] = "NoBinding",
        [DK_STATUS_NOT_ON_LINK] = "NotOnLink",
        [DK_STATUS_USE_MULTICAST] = "UseMulticast",
        [DK_STATUS_NO_PREFIX_AVAIL] = "NoPrefixAvail",
        [DK_STATUS_UNKNOWN_QUERY_TYPE] = "UnknownQueryType",
        [DK_STATUS_MALFORMED_QUERY] = "MalformedQuery",
        [DK_STATUS_NOT_CONFIGURED] = "NotConfigured",
        [DK_STATUS_NOT_ALLOWED] = "NotAllowed",
        [DK_STATUS_QUERY_TERMINATED] = "QueryTerminated",
    };
    return status < COUNT(names) ? names[status] : NULL;
}
