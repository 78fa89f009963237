/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which option may appear where, and how often: one row per (container,
 * option). Sources: RFC 8415 Appendix B (options in messages), Appendix C
 * (options in options) and §24 Table 4 (singleton options), then each
 * extension's own RFC. Where a deployed peer or the original dhcpkit is
 * more liberal than RFC 8415, the row follows RFC 3315 and says so.
 *
 * Read a row as: in CONTAINER, OPTION appears MIN to MAX times (MANY: no
 * limit). Options without a row are not allowed in a container that has
 * rows; options we do not know are allowed everywhere. Messages come first,
 * by type, then options, by code (the validator searches by halves).
 */
#include <dhcpkit/wire.h>

#include "contain.h"

#define MANY DK__MANY
#define V6   DK_SPACE_DHCPV6

/* In message type t, option c appears lo..hi times. */
#define IN_MSG(t, c, lo, hi)                                                                       \
    {                                                                                              \
        DK__IN_MSG, DK__ONE, V6, lo, hi, DK_MSG_##t, DK_OPT_##c                                    \
    }
/* In option o, option c appears lo..hi times. */
#define IN_OPT(o, c, lo, hi)                                                                       \
    {                                                                                              \
        DK__IN_OPT, DK__ONE, V6, lo, hi, DK_OPT_##o, DK_OPT_##c                                    \
    }

/*
 * RFC 8415 Appendix B part 2: User Class (a singleton, §24 Table 4), and
 * Vendor Class and Vendor-specific Information (one per enterprise number,
 * §21.16, §21.17) in every client message and in Advertise and Reply.
 * Authentication (§21.11): RFC 8415 keeps it for Reply and Reconfigure
 * (RKAP), RFC 3315 Appendix A allowed it in every message; we accept one.
 */
#define CLASSES(t)                                                                                 \
    IN_MSG(t, USER_CLASS, 0, 1), IN_MSG(t, VENDOR_CLASS, 0, MANY),                                 \
        IN_MSG(t, VENDOR_OPTS, 0, MANY), IN_MSG(t, AUTH, 0, 1)

/* RFC 8415 Appendix B part 1: IA_NA, IA_TA and IA_PD, any number. */
#define IAS(t) IN_MSG(t, IA_NA, 0, MANY), IN_MSG(t, IA_TA, 0, MANY), IN_MSG(t, IA_PD, 0, MANY)

/*
 * What a server may send in Advertise and Reply besides identifiers and
 * IAs: configuration, each option at most once unless its RFC allows
 * several (RFC 8415 §24 Table 4 "Singleton"), and status and hints.
 */
#define SERVER_OPTS(t)                                                                             \
    IN_MSG(t, SIP_SERVER_D, 0, 1),           /* RFC 3319 */                                        \
        IN_MSG(t, SIP_SERVER_A, 0, 1),       /* RFC 3319 */                                        \
        IN_MSG(t, DNS_SERVERS, 0, 1),        /* RFC 3646 */                                        \
        IN_MSG(t, DOMAIN_LIST, 0, 1),        /* RFC 3646 */                                        \
        IN_MSG(t, NIS_SERVERS, 0, 1),        /* RFC 3898 */                                        \
        IN_MSG(t, NISP_SERVERS, 0, 1),       /* RFC 3898 */                                        \
        IN_MSG(t, NIS_DOMAIN_NAME, 0, 1),    /* RFC 3898 */                                        \
        IN_MSG(t, NISP_DOMAIN_NAME, 0, 1),   /* RFC 3898 */                                        \
        IN_MSG(t, SNTP_SERVERS, 0, 1),       /* RFC 4075 */                                        \
        IN_MSG(t, CLIENT_FQDN, 0, 1),        /* RFC 4704 §4 */                                    \
        IN_MSG(t, NEW_POSIX_TIMEZONE, 0, 1), /* RFC 4833 */                                        \
        IN_MSG(t, NEW_TZDB_TIMEZONE, 0, 1),  /* RFC 4833 */                                        \
        IN_MSG(t, NTP_SERVER, 0, MANY),      /* RFC 5908 §4: "can appear multiple times" */       \
        IN_MSG(t, AFTR_NAME, 0, 1),          /* RFC 6334 */                                        \
        IN_MSG(t, V6_PCP_SERVER, 0, MANY),   /* RFC 7291 §3: one per PCP server */                \
        IN_MSG(t, S46_CONT_MAPE, 0, MANY),   /* RFC 7598 §5.1: one per domain */                  \
        IN_MSG(t, S46_CONT_MAPT, 0, 1),      /* RFC 7598 §5.2 */                                  \
        IN_MSG(t, S46_CONT_LW, 0, 1),        /* RFC 7598 §5.3 */                                  \
        IN_MSG(t, SOL_MAX_RT, 0, 1),         /* RFC 8415 App. B, §18.2.9 */                       \
        IN_MSG(t, INF_MAX_RT, 0, 1),         /* RFC 8415 §18.2.9 (App. B omits Advertise) */      \
        IN_MSG(t, UNICAST, 0, 1),            /* RFC 8415 §21.12 */                                \
        IN_MSG(t, PREFERENCE, 0, 1),         /* RFC 8415 §21.8; in Reply after rapid commit */    \
        IN_MSG(t, STATUS_CODE, 0, 1),        /* RFC 8415 App. B */                                 \
        IN_MSG(t, RECONF_ACCEPT, 0, 1)       /* RFC 8415 App. B */

/* Relay-supplied options that a server may echo back (RFC 4994 §5). */
#define RELAY_OPTS(t)                                                                              \
    IN_MSG(t, REMOTE_ID, 0, 1),                 /* RFC 4649 */                                     \
        IN_MSG(t, SUBSCRIBER_ID, 0, 1),         /* RFC 4580 */                                     \
        IN_MSG(t, RELAY_ID, 0, 1),              /* RFC 5460 §5.4.1 */                             \
        IN_MSG(t, CLIENT_LINKLAYER_ADDR, 0, 1), /* RFC 6939 */                                     \
        IN_MSG(t, RADIUS, 0, 1),                /* RFC 7037 */                                     \
        IN_MSG(t, RELAY_PORT, 0, 1)             /* RFC 8357 */

const struct dk__contain dk__contain_rows[] = {
    /* RFC 8415 §18.2.1 and App. B; RFC 4704 §4 (FQDN), RFC 8520 §10 (MUD URL). */
    IN_MSG(SOLICIT, CLIENTID, 1, 1),
    IN_MSG(SOLICIT, ORO, 0, 1),
    IN_MSG(SOLICIT, ELAPSED_TIME, 1, 1),
    IN_MSG(SOLICIT, RAPID_COMMIT, 0, 1),
    IN_MSG(SOLICIT, RECONF_ACCEPT, 0, 1),
    IN_MSG(SOLICIT, CLIENT_FQDN, 0, 1),
    IN_MSG(SOLICIT, MUD_URL_V6, 0, 1),
    IAS(SOLICIT),
    CLASSES(SOLICIT),

    /* RFC 8415 §18.3.9 and App. B: the server's answer to a Solicit. */
    IN_MSG(ADVERTISE, CLIENTID, 1, 1),
    IN_MSG(ADVERTISE, SERVERID, 1, 1),
    IAS(ADVERTISE),
    CLASSES(ADVERTISE),
    SERVER_OPTS(ADVERTISE),

    /* RFC 8415 §18.2.2 and App. B. */
    IN_MSG(REQUEST, CLIENTID, 1, 1),
    IN_MSG(REQUEST, SERVERID, 1, 1),
    IN_MSG(REQUEST, ORO, 0, 1),
    IN_MSG(REQUEST, ELAPSED_TIME, 1, 1),
    IN_MSG(REQUEST, RECONF_ACCEPT, 0, 1),
    IN_MSG(REQUEST, CLIENT_FQDN, 0, 1),
    IN_MSG(REQUEST, MUD_URL_V6, 0, 1),
    IAS(REQUEST),
    CLASSES(REQUEST),

    /*
     * RFC 8415 §18.2.3 and App. B list IA_NA/IA_TA only and no ORO; RFC 3315
     * Appendix A allowed an ORO, and the original dhcpkit's own Confirm
     * fixture carries an IA_PD. Both are accepted (a server ignores them).
     */
    IN_MSG(CONFIRM, CLIENTID, 1, 1),
    IN_MSG(CONFIRM, ORO, 0, 1),
    IN_MSG(CONFIRM, ELAPSED_TIME, 1, 1),
    IN_MSG(CONFIRM, MUD_URL_V6, 0, 1),
    IAS(CONFIRM),
    CLASSES(CONFIRM),

    /* RFC 8415 §18.2.4 and App. B. */
    IN_MSG(RENEW, CLIENTID, 1, 1),
    IN_MSG(RENEW, SERVERID, 1, 1),
    IN_MSG(RENEW, ORO, 0, 1),
    IN_MSG(RENEW, ELAPSED_TIME, 1, 1),
    IN_MSG(RENEW, RECONF_ACCEPT, 0, 1),
    IN_MSG(RENEW, CLIENT_FQDN, 0, 1),
    IN_MSG(RENEW, MUD_URL_V6, 0, 1),
    IAS(RENEW),
    CLASSES(RENEW),

    /* RFC 8415 §18.2.5 and App. B: no Server Identifier. */
    IN_MSG(REBIND, CLIENTID, 1, 1),
    IN_MSG(REBIND, ORO, 0, 1),
    IN_MSG(REBIND, ELAPSED_TIME, 1, 1),
    IN_MSG(REBIND, RECONF_ACCEPT, 0, 1),
    IN_MSG(REBIND, CLIENT_FQDN, 0, 1),
    IN_MSG(REBIND, MUD_URL_V6, 0, 1),
    IAS(REBIND),
    CLASSES(REBIND),

    /*
     * RFC 8415 §18.3.10 and App. B. The Client Identifier is absent when the
     * Information-request had none (§18.3.6).
     */
    IN_MSG(REPLY, CLIENTID, 0, 1),
    IN_MSG(REPLY, SERVERID, 1, 1),
    IN_MSG(REPLY, RAPID_COMMIT, 0, 1),
    IN_MSG(REPLY, INFORMATION_REFRESH_TIME, 0, 1),
    IAS(REPLY),
    CLASSES(REPLY),
    SERVER_OPTS(REPLY),

    /* RFC 8415 §18.2.7 and App. B; ORO as in RFC 3315 Appendix A. */
    IN_MSG(RELEASE, CLIENTID, 1, 1),
    IN_MSG(RELEASE, SERVERID, 1, 1),
    IN_MSG(RELEASE, ORO, 0, 1),
    IN_MSG(RELEASE, ELAPSED_TIME, 1, 1),
    IN_MSG(RELEASE, MUD_URL_V6, 0, 1),
    IAS(RELEASE),
    CLASSES(RELEASE),

    /* RFC 8415 §18.2.8 and App. B; ORO as in RFC 3315 Appendix A. */
    IN_MSG(DECLINE, CLIENTID, 1, 1),
    IN_MSG(DECLINE, SERVERID, 1, 1),
    IN_MSG(DECLINE, ORO, 0, 1),
    IN_MSG(DECLINE, ELAPSED_TIME, 1, 1),
    IN_MSG(DECLINE, MUD_URL_V6, 0, 1),
    IAS(DECLINE),
    CLASSES(DECLINE),

    /*
     * RFC 8415 §18.3.11 and App. B. A client discards a Reconfigure without
     * authentication (§18.2.16, §20.4), so one is required. The ORO tells
     * the client what changed (§18.3.11).
     */
    IN_MSG(RECONFIGURE, CLIENTID, 1, 1),
    IN_MSG(RECONFIGURE, SERVERID, 1, 1),
    IN_MSG(RECONFIGURE, RECONF_MSG, 1, 1),
    IN_MSG(RECONFIGURE, AUTH, 1, 1),
    IN_MSG(RECONFIGURE, ORO, 0, 1),

    /*
     * RFC 8415 §18.2.6 and App. B: the client SHOULD send its Client
     * Identifier; a Server Identifier only when answering a Reconfigure.
     */
    IN_MSG(INFORMATION_REQUEST, CLIENTID, 0, 1),
    IN_MSG(INFORMATION_REQUEST, SERVERID, 0, 1),
    IN_MSG(INFORMATION_REQUEST, ORO, 0, 1),
    IN_MSG(INFORMATION_REQUEST, ELAPSED_TIME, 1, 1),
    IN_MSG(INFORMATION_REQUEST, RECONF_ACCEPT, 0, 1),
    IN_MSG(INFORMATION_REQUEST, MUD_URL_V6, 0, 1),
    CLASSES(INFORMATION_REQUEST),

    /*
     * RFC 8415 §9.1, App. B and C: exactly one Relay Message, at most one
     * Interface-Id, vendor options. Relay agents add the options of their
     * own RFCs, each once; RSOO (RFC 6422 §3) and the echo request (RFC
     * 4994 §4) only travel towards the server.
     */
    IN_MSG(RELAY_FORW, RELAY_MSG, 1, 1),
    IN_MSG(RELAY_FORW, INTERFACE_ID, 0, 1),
    IN_MSG(RELAY_FORW, VENDOR_OPTS, 0, MANY),
    IN_MSG(RELAY_FORW, AUTH, 0, 1),
    IN_MSG(RELAY_FORW, ERO, 0, 1),
    IN_MSG(RELAY_FORW, RSOO, 0, 1),
    RELAY_OPTS(RELAY_FORW),

    /* RFC 8415 §9.2; the options a server echoes (RFC 4994 §5, RFC 8357 §5.2). */
    IN_MSG(RELAY_REPL, RELAY_MSG, 1, 1),
    IN_MSG(RELAY_REPL, INTERFACE_ID, 0, 1),
    IN_MSG(RELAY_REPL, VENDOR_OPTS, 0, MANY),
    IN_MSG(RELAY_REPL, AUTH, 0, 1),
    RELAY_OPTS(RELAY_REPL),

    /* RFC 5007 §4.2.1, §4.3.1: the requestor's identity and one query. */
    IN_MSG(LEASEQUERY, CLIENTID, 1, 1),
    IN_MSG(LEASEQUERY, SERVERID, 0, 1),
    IN_MSG(LEASEQUERY, LQ_QUERY, 1, 1),
    IN_MSG(LEASEQUERY, ORO, 0, 1),

    /* RFC 5007 §4.2.2, §4.3.2; RFC 5460 §5.2 (bulk: the first answer). */
    IN_MSG(LEASEQUERY_REPLY, CLIENTID, 1, 1),
    IN_MSG(LEASEQUERY_REPLY, SERVERID, 1, 1),
    IN_MSG(LEASEQUERY_REPLY, STATUS_CODE, 0, 1),
    IN_MSG(LEASEQUERY_REPLY, CLIENT_DATA, 0, 1),
    IN_MSG(LEASEQUERY_REPLY, LQ_RELAY_DATA, 0, 1),
    IN_MSG(LEASEQUERY_REPLY, LQ_CLIENT_LINK, 0, 1),

    /* RFC 5460 §5.2: the end of a bulk answer, with its status. */
    IN_MSG(LEASEQUERY_DONE, CLIENTID, 0, 1),
    IN_MSG(LEASEQUERY_DONE, SERVERID, 0, 1),
    IN_MSG(LEASEQUERY_DONE, STATUS_CODE, 0, 1),

    /* RFC 5460 §5.2: one more client's data. */
    IN_MSG(LEASEQUERY_DATA, CLIENTID, 0, 1),
    IN_MSG(LEASEQUERY_DATA, SERVERID, 0, 1),
    IN_MSG(LEASEQUERY_DATA, CLIENT_DATA, 1, 1),

    /* RFC 8415 §21.4, §21.5, App. C: addresses and at most one status. */
    IN_OPT(IA_NA, IAADDR, 0, MANY),
    IN_OPT(IA_NA, STATUS_CODE, 0, 1),
    IN_OPT(IA_TA, IAADDR, 0, MANY),
    IN_OPT(IA_TA, STATUS_CODE, 0, 1),
    /* RFC 8415 §21.6 (RFC 3315 §22.6): a status per address. */
    IN_OPT(IAADDR, STATUS_CODE, 0, 1),
    /* RFC 8415 §21.21, App. C: prefixes and at most one status. */
    IN_OPT(IA_PD, IAPREFIX, 0, MANY),
    IN_OPT(IA_PD, STATUS_CODE, 0, 1),
    /* RFC 8415 §21.22 (RFC 3633 §10); RFC 6603 §4.2: one excluded prefix. */
    IN_OPT(IAPREFIX, STATUS_CODE, 0, 1),
    IN_OPT(IAPREFIX, PD_EXCLUDE, 0, 1),

    /*
     * RFC 5007 §4.1.2.1 (by address: IAADDR; by client: CLIENTID; an ORO),
     * RFC 5460 §5.3 (by relay: RELAY_ID; by remote: REMOTE_ID; the
     * Interface-Id of a relay).
     */
    IN_OPT(LQ_QUERY, IAADDR, 0, 1),
    IN_OPT(LQ_QUERY, CLIENTID, 0, 1),
    IN_OPT(LQ_QUERY, ORO, 0, 1),
    IN_OPT(LQ_QUERY, RELAY_ID, 0, 1),
    IN_OPT(LQ_QUERY, REMOTE_ID, 0, 1),
    IN_OPT(LQ_QUERY, INTERFACE_ID, 0, 1),

    /*
     * RFC 5007 §4.1.2.2: the client's identity, its leases and the time
     * since they were last touched; RFC 5460 §5.4.2: its relay data. Any
     * option the server holds for the client may follow.
     */
    IN_OPT(CLIENT_DATA, CLIENTID, 0, 1),
    IN_OPT(CLIENT_DATA, IAADDR, 0, MANY),
    IN_OPT(CLIENT_DATA, IAPREFIX, 0, MANY),
    IN_OPT(CLIENT_DATA, CLT_TIME, 0, 1),
    IN_OPT(CLIENT_DATA, LQ_RELAY_DATA, 0, 1),
    {DK__IN_OPT, DK__OTHER, V6, 0, MANY, DK_OPT_CLIENT_DATA, 0},

    /*
     * RFC 5908 §4: at least one time source sub-option. The RFC asks for
     * exactly one per option; the original dhcpkit (and other servers) put
     * several in one, which clients accept, so several are allowed.
     */
    {DK__IN_OPT, DK__ONE, DK_SPACE_NTP, 0, MANY, DK_OPT_NTP_SERVER, DK_NTP_SUBOPTION_SRV_ADDR},
    {DK__IN_OPT, DK__ONE, DK_SPACE_NTP, 0, MANY, DK_OPT_NTP_SERVER, DK_NTP_SUBOPTION_MC_ADDR},
    {DK__IN_OPT, DK__ONE, DK_SPACE_NTP, 0, MANY, DK_OPT_NTP_SERVER, DK_NTP_SUBOPTION_SRV_FQDN},
    {DK__IN_OPT, DK__TOTAL, DK_SPACE_NTP, 1, MANY, DK_OPT_NTP_SERVER, 0},

    /* RFC 7598 §4.1, §4.4: port parameters in a rule or a binding. */
    IN_OPT(S46_RULE, S46_PORTPARAMS, 0, 1),
    IN_OPT(S46_V4V6BIND, S46_PORTPARAMS, 0, 1),
    /* RFC 7598 §5.1: at least one rule and at least one BR. */
    IN_OPT(S46_CONT_MAPE, S46_RULE, 1, MANY),
    IN_OPT(S46_CONT_MAPE, S46_BR, 1, MANY),
    /* RFC 7598 §5.2: at least one rule and exactly one DMR. */
    IN_OPT(S46_CONT_MAPT, S46_RULE, 1, MANY),
    IN_OPT(S46_CONT_MAPT, S46_DMR, 1, 1),
    /* RFC 7598 §5.3: at most one binding and at least one BR. */
    IN_OPT(S46_CONT_LW, S46_V4V6BIND, 0, 1),
    IN_OPT(S46_CONT_LW, S46_BR, 1, MANY),
};

const size_t dk__contain_nrows = sizeof(dk__contain_rows) / sizeof(dk__contain_rows[0]);

#define T(t) (1u << DK_MSG_##t)

/* Messages from a client, relayed towards the server (RFC 8415 §7.3, §19.1). */
#define TOWARDS_SERVER                                                                             \
    (T(SOLICIT) | T(REQUEST) | T(CONFIRM) | T(RENEW) | T(REBIND) | T(RELEASE) | T(DECLINE) |       \
     T(INFORMATION_REQUEST) | T(RELAY_FORW) | T(LEASEQUERY))
/* Messages from a server, relayed towards the client (RFC 8415 §7.3, §19.2). */
#define TOWARDS_CLIENT                                                                             \
    (T(ADVERTISE) | T(REPLY) | T(RECONFIGURE) | T(RELAY_REPL) | T(LEASEQUERY_REPLY))

const struct dk__msg_in dk__msg_in_rows[] = {
    {DK_OPT_RELAY_MSG, DK_MSG_RELAY_FORW, 0, TOWARDS_SERVER},
    {DK_OPT_RELAY_MSG, DK_MSG_RELAY_REPL, 0, TOWARDS_CLIENT},
    /*
     * RFC 5007 §4.1.2.4: the relay data holds the (perhaps multi-hop)
     * Relay-forward message last received for the client, from which "the
     * (innermost) OPTION_RELAY_MSG option containing the client's message
     * MUST have been removed": relays all the way down.
     */
    {DK_OPT_LQ_RELAY_DATA, 0, 0, T(RELAY_FORW)},
    {DK_OPT_RELAY_MSG, DK_MSG_RELAY_FORW, 1, T(RELAY_FORW)},
};

const size_t dk__msg_in_nrows = sizeof(dk__msg_in_rows) / sizeof(dk__msg_in_rows[0]);
