/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The schema of the configuration: every section type of the nested syntax,
 * where it may appear, its argument and its keys with their types, ranges
 * and defaults. Names and defaults follow dhcpkit 1.0 (config_schema.xml and
 * the component.xml files); def_ini holds the dhcpkit 0.x default where the
 * INI syntax had a different one. Sections marked ours do not exist in the
 * original; they give INI settings a place in the tree.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define INF_MAX 0xfffffffeu /* the largest finite time, below DK_CONFIG_INFINITY */

static const char *const w_infinity[] = {"INFINITY", NULL};
static const char *const w_none[] = {"NONE", NULL};
static const char *const w_star[] = {"*", NULL};
static const char *const w_all_auto[] = {"all", "auto", NULL};

static const char *const e_level[] = {
    "critical", "error",         "warning",        "warn=warning", "info",
    "debug",    "debug-packets", "debug-handling", "notset",       NULL,
};
static const char *const e_facility[] = {
    "auth",   "authpriv", "cron",   "daemon", "ftp",           "kern",   "lpr",    "mail",
    "news",   "syslog",   "user",   "uucp",   "local0",        "local1", "local2", "local3",
    "local4", "local5",   "local6", "local7", "security=auth", NULL,
};
static const char *const e_protocol[] = {"udp", "tcp", "dgram=udp", "stream=tcp", NULL};
static const char *const e_rotate[] = {
    "hourly", "daily", "weekly", "size", "hour=hourly", "day=daily", "week=weekly", NULL,
};
static const char *const e_server_id[] = {"server-id", NULL};
/* RFC 8415 §7.3 and the leasequery, reconfigure and 4o6 message names. */
static const char *const e_message_type[] = {
    "solicit",
    "advertise",
    "request",
    "confirm",
    "renew",
    "rebind",
    "reply",
    "release",
    "decline",
    "reconfigure",
    "information-request",
    "relay-forward",
    "relay-forw=relay-forward",
    "relay-reply",
    "relay-repl=relay-reply",
    "leasequery",
    "leasequery-reply",
    "leasequery-done",
    "leasequery-data",
    "reconfigure-request",
    "reconfigure-reply",
    "dhcpv4-query",
    "dhcpv4-response",
    NULL,
};
static const char *const e_dump_format[] = {"json", "text", NULL};
static const char *const e_rate_key[] = {
    "duid", "interface-id", "remote-id", "subscriber-id", "linklayer-id", NULL,
};

#define T_STR(mx)                                                                                  \
    {                                                                                              \
        .vtype = DK_CFG_STRING, .max = (mx)                                                        \
    }
#define T_IFNAME                                                                                   \
    {                                                                                              \
        .vtype = DK_CFG_IFNAME                                                                     \
    }
#define T_IFNAME_STAR                                                                              \
    {                                                                                              \
        .vtype = DK_CFG_IFNAME, .words = w_star                                                    \
    }
#define T_PATH(mx)                                                                                 \
    {                                                                                              \
        .vtype = DK_CFG_PATH, .max = (mx)                                                          \
    }
#define T_BOOL                                                                                     \
    {                                                                                              \
        .vtype = DK_CFG_BOOL                                                                       \
    }
#define T_UINT(lo, hi)                                                                             \
    {                                                                                              \
        .vtype = DK_CFG_UINT, .min = (lo), .max = (hi)                                             \
    }
#define T_TIME(lo, hi)                                                                             \
    {                                                                                              \
        .vtype = DK_CFG_TIME, .min = (lo), .max = (hi)                                             \
    }
#define T_TIME_INF(lo)                                                                             \
    {                                                                                              \
        .vtype = DK_CFG_TIME, .min = (lo), .max = INF_MAX, .words = w_infinity                     \
    }
#define T_DECIMAL(lo, hi)                                                                          \
    {                                                                                              \
        .vtype = DK_CFG_DECIMAL, .dmin = (lo), .dmax = (hi)                                        \
    }
#define T_FACTOR                                                                                   \
    {                                                                                              \
        .vtype = DK_CFG_FACTOR, .dmin = 0.0, .dmax = 1.0, .words = w_none                          \
    }
#define T_BYTES(lo, hi)                                                                            \
    {                                                                                              \
        .vtype = DK_CFG_BYTESIZE, .min = (lo), .max = (hi)                                         \
    }
#define T_IPV6(chk)                                                                                \
    {                                                                                              \
        .vtype = DK_CFG_IPV6, .check = (chk)                                                       \
    }
#define T_PREFIX                                                                                   \
    {                                                                                              \
        .vtype = DK_CFG_PREFIX                                                                     \
    }
#define T_DOMAIN                                                                                   \
    {                                                                                              \
        .vtype = DK_CFG_DOMAIN                                                                     \
    }
#define T_HEX(lo, hi)                                                                              \
    {                                                                                              \
        .vtype = DK_CFG_HEX, .min = (lo), .max = (hi)                                              \
    }
#define T_ENUM(list)                                                                               \
    {                                                                                              \
        .vtype = DK_CFG_ENUM, .enums = (list)                                                      \
    }
#define T_TIMESTAMP                                                                                \
    {                                                                                              \
        .vtype = DK_CFG_TIMESTAMP                                                                  \
    }
#define T_CODE_HEX(mx)                                                                             \
    {                                                                                              \
        .vtype = DK_CFG_CODE_HEX, .max = (mx)                                                      \
    }
#define T_NONE                                                                                     \
    {                                                                                              \
        .vtype = DK_CFG_STRING                                                                     \
    }
#define T_UNICAST_LISTEN                                                                           \
    {                                                                                              \
        .vtype = DK_CFG_IPV6, .check = DK_CFG_CHK_UNICAST, .words = w_all_auto                     \
    }

#define KEY(n, t, f, dn, di, h)                                                                    \
    {                                                                                              \
        .name = (n), .type = t, .flags = (f), .def_nested = (dn), .def_ini = (di), .help = (h)     \
    }

#define KEYS(a) (a), (sizeof(a) / sizeof((a)[0]))
#define NOKEYS  NULL, 0

/* ------------------------------------------------------------------------- */

static const struct dk_config_key_def root_keys[] = {
    KEY("user", T_STR(256), 0, "nobody", NULL, "user the server runs as"),
    KEY("group", T_STR(256), 0, NULL, NULL, "group the server runs as (default: the user's)"),
    KEY("pid-file", T_PATH(0), 0, "/var/run/ipv6-dhcpd.pid", NULL, "file for the server's PID"),
    /* sun_path holds 108 octets with the NUL. */
    KEY("control-socket", T_PATH(107), 0, "/var/run/ipv6-dhcpd.sock", NULL,
        "UNIX socket of ipv6-dhcpctl"),
    KEY("control-socket-user", T_STR(256), 0, NULL, NULL, "owner of the control socket"),
    KEY("control-socket-group", T_STR(256), 0, NULL, NULL, "group of the control socket"),
    /* Ours: peers in this group may only read statistics (stats, stats-json). */
    KEY("control-socket-readonly-group", T_STR(256), 0, NULL, NULL,
        "group whose members may only read statistics"),
    /* Ours: where a generated server DUID is kept across restarts. */
    KEY("server-duid-file", T_PATH(0), 0, "/var/lib/dhcpkit/server-duid", NULL,
        "state file of the generated server DUID (without a duid-* section)"),
    KEY("workers", T_UINT(1, 1024), 0, NULL, "10",
        "worker threads (default: number of CPUs; INI: threads = 10)"),
    KEY("allow-rapid-commit", T_BOOL, 0, "no", NULL, "allow rapid commit (RFC 8415 §18.3.1)"),
    KEY("rapid-commit-rejections", T_BOOL, 0, "no", NULL,
        "also rapid-commit answers that refuse an IA"),
    KEY("exception-window", T_DECIMAL(0.0, 86400.0), 0, "10.0", "1.0",
        "seconds in which max-exceptions make the server stop"),
    KEY("max-exceptions", T_UINT(0, 1000000), 0, "5", "10",
        "exceptions tolerated within exception-window"),
};

static const struct dk_config_key_def logging_keys[] = {
    KEY("log-multiprocessing", T_BOOL, 0, "no", NULL, "accepted for dhcpkit 1.x; no effect"),
};

/* dhcpkit 0.x's syslog handler had no level: it logged everything. */
static const struct dk_config_key_def console_keys[] = {
    KEY("level", T_ENUM(e_level), 0, "warning", NULL, "lowest level logged"),
    KEY("color", T_BOOL, 0, NULL, NULL, "colour the output (default: if a terminal)"),
};

static const struct dk_config_key_def file_keys[] = {
    KEY("level", T_ENUM(e_level), 0, "warning", NULL, "lowest level logged"),
    KEY("rotate", T_ENUM(e_rotate), 0, NULL, NULL, "hourly, daily, weekly or size"),
    KEY("size", T_BYTES(1, 1ull << 40), 0, NULL, NULL, "size at which to rotate (kb, mb, gb)"),
    KEY("keep", T_UINT(1, 1000), 0, NULL, NULL, "rotated files to keep"),
};

static const struct dk_config_key_def syslog_keys[] = {
    KEY("level", T_ENUM(e_level), 0, "warning", "debug", "lowest level logged"),
    KEY("facility", T_ENUM(e_facility), 0, "daemon", NULL, "syslog facility"),
    KEY("protocol", T_ENUM(e_protocol), 0, "udp", NULL, "udp or tcp, for host:port"),
};

static const struct dk_config_key_def statistics_keys[] = {
    KEY("interface", T_IFNAME, DK_CFG_MULTI, NULL, NULL, "count per server interface"),
    KEY("subnet", T_PREFIX, DK_CFG_MULTI, NULL, NULL, "count per client link prefix"),
    KEY("relay", T_IPV6(0), DK_CFG_MULTI, NULL, NULL, "count per relay"),
};

/* RFC 8415 §11: a DUID is at most 130 octets including its type. */
static const struct dk_config_key_def duid_ll_keys[] = {
    KEY("hardware-type", T_UINT(0, 65535), DK_CFG_REQUIRED, NULL, NULL, "IANA hardware type"),
    KEY("link-layer-address", T_HEX(1, 126), DK_CFG_REQUIRED, NULL, NULL, "hex, ':' optional"),
};
static const struct dk_config_key_def duid_llt_keys[] = {
    KEY("hardware-type", T_UINT(0, 65535), DK_CFG_REQUIRED, NULL, NULL, "IANA hardware type"),
    KEY("link-layer-address", T_HEX(1, 122), DK_CFG_REQUIRED, NULL, NULL, "hex, ':' optional"),
    KEY("timestamp", T_TIMESTAMP, DK_CFG_REQUIRED, NULL, NULL, "YYYY-MM-DDTHH:MM:SSZ"),
};
static const struct dk_config_key_def duid_en_keys[] = {
    KEY("enterprise-number", T_UINT(0, 0xffffffffu), DK_CFG_REQUIRED, NULL, NULL,
        "IANA private enterprise number"),
    KEY("identifier", T_HEX(1, 124), DK_CFG_REQUIRED, NULL, NULL, "hex, ':' optional"),
};

static const struct dk_config_key_def listen_interface_keys[] = {
    KEY("mark", T_STR(256), DK_CFG_MULTI, "unmarked", NULL, "tag for <marked-with>"),
    KEY("listen-to-self", T_BOOL, 0, "no", NULL, "also answer this host (IPV6_MULTICAST_LOOP)"),
    KEY("reply-from", T_IPV6(DK_CFG_CHK_LINKLOCAL), 0, NULL, NULL,
        "link-local source of replies (default: the first one)"),
    KEY("link-address", T_IPV6(DK_CFG_CHK_UNICAST), 0, NULL, NULL,
        "address that identifies the link (default: first global address or ::)"),
};

static const struct dk_config_key_def listen_unicast_keys[] = {
    KEY("mark", T_STR(256), DK_CFG_MULTI, "unmarked", NULL, "tag for <marked-with>"),
    KEY("interface", T_IFNAME_STAR, 0, NULL, NULL,
        "interface of the address; needed for all, auto and link-local addresses"),
};

static const struct dk_config_key_def listen_tcp_keys[] = {
    KEY("mark", T_STR(256), DK_CFG_MULTI, "unmarked", NULL,
        "tag for <marked-with> (the first <listen-tcp>'s marks apply to every connection)"),
    KEY("address", T_IPV6(0), 0, NULL, NULL,
        "the original's spelling of the argument: the address to listen on (:: for all)"),
    KEY("max-connections", T_UINT(1, 1000), 0, "10", NULL,
        "connections at once; more are accepted and closed at once"),
    KEY("allow-from", T_PREFIX, DK_CFG_MULTI, NULL, NULL,
        "requestors allowed to connect (default: everyone); up to 16"),
    KEY("idle-timeout", T_TIME(1, 86400), 0, "30", NULL,
        "close a connection without a query, or whose reader stalls, this long"),
};

static const struct dk_config_key_def subnet_group_keys[] = {
    KEY("prefix", T_PREFIX, DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL, "a link prefix"),
};

static const struct dk_config_key_def elapsed_time_keys[] = {
    KEY("more-than", T_TIME(0, INF_MAX), DK_CFG_ONE_OF, NULL, NULL, "match above this"),
    KEY("less-than", T_TIME(0, INF_MAX), DK_CFG_ONE_OF, NULL, NULL, "match below this"),
};

#define ALWAYS_SEND                                                                                \
    KEY("always-send", T_BOOL, 0, "no", NULL, "send even if the client did not ask (ORO)")

static const struct dk_config_key_def preference_keys[] = {
    KEY("level", T_UINT(0, 255), DK_CFG_REQUIRED, NULL, NULL, "preference (RFC 8415 §21.8)"),
};

static const struct dk_config_key_def rns_keys[] = {
    ALWAYS_SEND,
    KEY("address", T_IPV6(DK_CFG_CHK_UNICAST), DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL,
        "name server (RFC 3646 option 23)"),
};

static const struct dk_config_key_def dsl_keys[] = {
    ALWAYS_SEND,
    KEY("domain-name", T_DOMAIN, DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL,
        "search domain (RFC 3646 option 24)"),
};

static const struct dk_config_key_def ntp_keys[] = {
    ALWAYS_SEND,
    KEY("server-address", T_IPV6(DK_CFG_CHK_UNICAST), DK_CFG_MULTI | DK_CFG_ONE_OF, NULL, NULL,
        "RFC 5908 sub-option 1"),
    KEY("multicast-address", T_IPV6(DK_CFG_CHK_MULTICAST), DK_CFG_MULTI | DK_CFG_ONE_OF, NULL, NULL,
        "RFC 5908 sub-option 2"),
    KEY("server-fqdn", T_DOMAIN, DK_CFG_MULTI | DK_CFG_ONE_OF, NULL, NULL, "RFC 5908 sub-option 3"),
};

static const struct dk_config_key_def sntp_keys[] = {
    ALWAYS_SEND,
    KEY("address", T_IPV6(DK_CFG_CHK_UNICAST), DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL,
        "SNTP server (RFC 4075 option 31)"),
};

static const struct dk_config_key_def sip_names_keys[] = {
    ALWAYS_SEND,
    KEY("domain-name", T_DOMAIN, DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL,
        "SIP server name (RFC 3319 option 21)"),
};

static const struct dk_config_key_def sip_addresses_keys[] = {
    ALWAYS_SEND,
    KEY("address", T_IPV6(DK_CFG_CHK_UNICAST), DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL,
        "SIP server (RFC 3319 option 22)"),
};

static const struct dk_config_key_def aftr_keys[] = {
    ALWAYS_SEND,
    KEY("fqdn", T_DOMAIN, DK_CFG_REQUIRED, NULL, NULL, "AFTR name (RFC 6334 option 64)"),
};

/* RFC 8415 §21.24/§21.25: SOL_MAX_RT and INF_MAX_RT from 60 to 86400. */
static const struct dk_config_key_def max_rt_keys[] = {
    ALWAYS_SEND,
    KEY("limit", T_TIME(60, 86400), DK_CFG_REQUIRED, NULL, NULL, "seconds, 60 to 86400"),
};

/* RFC 8415 §21.23: at least IRT_MINIMUM (600 s). */
static const struct dk_config_key_def irt_keys[] = {
    ALWAYS_SEND,
    KEY("refresh-time", T_TIME_INF(600), DK_CFG_REQUIRED, NULL, NULL,
        "seconds, at least 600, or INFINITY"),
};

static const struct dk_config_key_def vsi_keys[] = {
    ALWAYS_SEND,
    KEY("option", T_CODE_HEX(1024), DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL,
        "CODE HEX: a vendor sub-option (RFC 8415 §21.17)"),
};

static const struct dk_config_key_def timing_keys[] = {
    KEY("min-t1", T_TIME_INF(0), 0, "0", NULL, "lowest T1"),
    KEY("max-t1", T_TIME_INF(0), 0, "INFINITY", NULL, "highest T1"),
    KEY("factor-t1", T_FACTOR, 0, "0.5", NULL, "T1 = factor x shortest preferred lifetime"),
    KEY("min-t2", T_TIME_INF(0), 0, "0", NULL, "lowest T2"),
    KEY("max-t2", T_TIME_INF(0), 0, "INFINITY", NULL, "highest T2"),
    KEY("factor-t2", T_FACTOR, 0, "0.8", NULL, "T2 = factor x shortest preferred lifetime"),
};

static const struct dk_config_key_def server_unicast_keys[] = {
    KEY("address", T_IPV6(DK_CFG_CHK_UNICAST), DK_CFG_REQUIRED, NULL, NULL,
        "address clients may unicast to (RFC 8415 §21.12)"),
};

static const struct dk_config_key_def ignore_keys[] = {
    KEY("message-type", T_ENUM(e_message_type), DK_CFG_MULTI, NULL, NULL,
        "ignore only these (default: all)"),
};

static const struct dk_config_key_def rate_limit_keys[] = {
    KEY("key", T_ENUM(e_rate_key), 0, "duid", NULL, "what identifies a client"),
    KEY("rate", T_UINT(2, 1000000), 0, "5", NULL, "messages per slot"),
    KEY("per", T_TIME(1, INF_MAX), 0, "30", NULL, "length of a slot"),
    KEY("burst", T_UINT(2, 1000000), 0, NULL, NULL, "burst size (default: rate)"),
};

/* dhcpkit 1.x: 7d/30d; dhcpkit 0.x: 3600/7200 for addresses, 43200/86400 for prefixes. */
static const struct dk_config_key_def static_keys[] = {
    KEY("address-preferred-lifetime", T_TIME_INF(0), 0, "7d", "3600", "of assigned addresses"),
    KEY("address-valid-lifetime", T_TIME_INF(0), 0, "30d", "7200", "of assigned addresses"),
    KEY("prefix-preferred-lifetime", T_TIME_INF(0), 0, "7d", "43200", "of delegated prefixes"),
    KEY("prefix-valid-lifetime", T_TIME_INF(0), 0, "30d", "86400", "of delegated prefixes"),
};

/* static-csv: the above, and (ours) the bad rows tolerated, skipped and counted. */
static const struct dk_config_key_def static_csv_keys[] = {
    KEY("address-preferred-lifetime", T_TIME_INF(0), 0, "7d", "3600", "of assigned addresses"),
    KEY("address-valid-lifetime", T_TIME_INF(0), 0, "30d", "7200", "of assigned addresses"),
    KEY("prefix-preferred-lifetime", T_TIME_INF(0), 0, "7d", "43200", "of delegated prefixes"),
    KEY("prefix-valid-lifetime", T_TIME_INF(0), 0, "30d", "86400", "of delegated prefixes"),
    KEY("max-bad-rows", T_UINT(0, 1000000000), 0, "0", "0",
        "bad rows of the file skipped before it is refused"),
    KEY("max-removed-percent", T_UINT(0, 100), 0, "30", "30",
        "a reload removing more of the ids in use is refused (100: no guard)"),
};

/* Ours: dhcpkit 0.x's dump_requests printed the message and answered nothing. */
static const struct dk_config_key_def dump_keys[] = {
    KEY("format", T_ENUM(e_dump_format), 0, "json", NULL, "json or text, one line per request"),
    KEY("answer", T_BOOL, 0, "no", NULL, "answer the requests too (default: answer nothing)"),
};

/* Ours: the looking glass's capture (src/handlers/looking_glass.c). */
static const struct dk_config_key_def looking_glass_keys[] = {
    KEY("keep", T_UINT(1, 10000), 0, "20", NULL, "transactions kept per client"),
    KEY("max-age", T_TIME(60, INF_MAX), 0, "7d", NULL, "older transactions are removed"),
    KEY("queue", T_UINT(16, 16777216), 0, "65536", NULL,
        "records waiting for the writer; more are dropped and counted"),
    KEY("server-name", T_STR(255), 0, NULL, NULL, "name in every record (default: host name)"),
};

/* The original's <leasequery> (dhcpkit/ipv6/extensions/leasequery): who may
 * ask, and what the answers never carry. Its store is an <lq-sqlite FILE>
 * inside it (INI: store = FILE). Without allow-from everyone is refused
 * (what the original did, whatever its docs said). */
static const struct dk_config_key_def leasequery_keys[] = {
    KEY("allow-from", T_PREFIX, DK_CFG_MULTI, NULL, NULL,
        "requestors whose source address is in one of these prefixes may ask (default: nobody)"),
    KEY("sensitive-option", T_STR(64), DK_CFG_MULTI, NULL, NULL,
        "an option code or name never included in the Client Data"),
};

/* <leasequery> needs exactly one store. */
static int check_leasequery(const struct dk_config_section *s, char *msg, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nchildren; i++)
        n += strcmp(s->children[i]->type, "lq-sqlite") == 0;
    if (n == 0) {
        snprintf(msg, len, "<leasequery> needs its store: <lq-sqlite FILE/> (INI: store = FILE)");
        return -1;
    }
    return 0;
}

static const struct dk_config_key_def unanswered_keys[] = {
    KEY("authoritative", T_BOOL, 0, "no", NULL,
        "Renew of an unknown IA: lifetimes 0 (yes) or NoBinding (no)"),
};

/* MAP-E and MAP-T (RFC 7597, RFC 7599, options RFC 7598), as dhcpkit 1.x's
 * extensions/map/component.xml has them; dmr-prefix is ours, another name
 * for default-mapping (the RFC's name of the same thing). */
#define T_POW2(hi)                                                                                 \
    {                                                                                              \
        .vtype = DK_CFG_UINT, .min = 1, .max = (hi), .check = DK_CFG_CHK_POW2                      \
    }
static const struct dk_config_key_def map_rule_keys[] = {
    KEY("ipv6-prefix", T_PREFIX, DK_CFG_REQUIRED, NULL, NULL, "Rule IPv6 prefix of the MAP CEs"),
    KEY("ipv4-prefix", {.vtype = DK_CFG_PREFIX4}, DK_CFG_REQUIRED, NULL, NULL,
        "Rule IPv4 prefix the CEs share"),
    KEY("contiguous-ports", T_POW2(65536), DK_CFG_REQUIRED, NULL, NULL,
        "ports in each run of a port set: 2^m, the bits after the PSID"),
    KEY("sharing-ratio", T_POW2(65536), DK_CFG_REQUIRED, NULL, NULL,
        "CEs sharing one IPv4 address: 2^k, k the PSID length"),
    KEY("forwarding-mapping", T_BOOL, 0, "no", NULL,
        "the rule is also a Forwarding Mapping Rule (the F flag)"),
};

static const struct dk_config_key_def map_e_keys[] = {
    ALWAYS_SEND,
    KEY("br-address", T_IPV6(DK_CFG_CHK_UNICAST), DK_CFG_MULTI | DK_CFG_REQUIRED, NULL, NULL,
        "Border Relay address (RFC 7598 §4.2)"),
};

static const struct dk_config_key_def map_t_keys[] = {
    ALWAYS_SEND,
    KEY("default-mapping", T_PREFIX, DK_CFG_ONE_OF, NULL, NULL,
        "Default Mapping Rule prefix (RFC 7598 §4.3)"),
    KEY("dmr-prefix", T_PREFIX, DK_CFG_ONE_OF, NULL, NULL, "ours: the same as default-mapping"),
};

/* ------------------------------------------------------------------------- */
/* Checks across keys. */

static const struct dk_config_value *val(const struct dk_config_section *s, const char *key)
{
    return dk_config_get(s, key);
}

static int check_listen_unicast(const struct dk_config_section *s, char *msg, size_t len)
{
    const struct dk_config_value *ifv = val(s, "interface");
    if (!s->has_arg)
        return 0;
    if (s->arg.word && !ifv) {
        snprintf(msg, len, "<listen-unicast %s> needs 'interface'", s->arg.word);
        return -1;
    }
    if (!s->arg.word && s->arg.v.addr[0] == 0xfe && (s->arg.v.addr[1] & 0xc0) == 0x80 && !ifv) {
        snprintf(msg, len, "<listen-unicast> of a link-local address needs 'interface'");
        return -1;
    }
    if (!s->arg.word && ifv && ifv->word) {
        snprintf(msg, len, "<listen-unicast> of one address needs one interface, not *");
        return -1;
    }
    return 0;
}

static int line_of(const struct dk_config_section *s, const char *key);

/* <listen-tcp ADDRESS> or the original's <listen-tcp> address ADDRESS. */
static int check_listen_tcp(const struct dk_config_section *s, char *msg, size_t len)
{
    const struct dk_config_value *a = val(s, "address");
    if (s->has_arg == (a != NULL)) {
        snprintf(msg, len, "<listen-tcp> needs an address: as its argument or 'address', not both");
        return -1;
    }
    const uint8_t *addr = a ? a->v.addr : s->arg.v.addr;
    if (addr[0] == 0xff) {
        snprintf(msg, len, "<listen-tcp> needs a unicast address or ::");
        return -1;
    }
    if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80) {
        snprintf(msg, len, "<listen-tcp> of a link-local address is not supported");
        return -1;
    }
    if (dk_config_count(s, "allow-from") > 16) {
        snprintf(msg, len, "<listen-tcp> takes at most 16 allow-from prefixes");
        return line_of(s, "allow-from");
    }
    return 0;
}

static int check_file(const struct dk_config_section *s, char *msg, size_t len)
{
    const struct dk_config_value *rot = val(s, "rotate");
    if (rot && strcmp(rot->v.s, "size") == 0 && !val(s, "size")) {
        snprintf(msg, len, "<file> with 'rotate size' needs 'size'");
        return -1;
    }
    if (rot && !val(s, "keep")) {
        snprintf(msg, len, "<file> with 'rotate' needs 'keep'");
        return -1;
    }
    if (!rot && (val(s, "size") || val(s, "keep"))) {
        snprintf(msg, len, "<file>: 'size' and 'keep' need 'rotate'");
        return -1;
    }
    return 0;
}

static int check_elapsed(const struct dk_config_section *s, char *msg, size_t len)
{
    const struct dk_config_value *more = val(s, "more-than"), *less = val(s, "less-than");
    if (more && less && more->v.u >= less->v.u) {
        snprintf(msg, len, "<elapsed-time>: more-than must be less than less-than");
        return -1;
    }
    return 0;
}

static int check_timing(const struct dk_config_section *s, char *msg, size_t len)
{
    static const char *const pairs[2][2] = {{"min-t1", "max-t1"}, {"min-t2", "max-t2"}};
    for (size_t i = 0; i < 2; i++) {
        const struct dk_config_value *lo = val(s, pairs[i][0]), *hi = val(s, pairs[i][1]);
        if (lo && hi && lo->v.u > hi->v.u) {
            snprintf(msg, len, "<%s>: %s is more than %s", s->type, pairs[i][0], pairs[i][1]);
            return -1;
        }
    }
    return 0;
}

/* RFC 8415 §21.6/§21.22: the preferred lifetime must not exceed the valid one. */
static int check_static(const struct dk_config_section *s, char *msg, size_t len)
{
    static const char *const pairs[2][2] = {
        {"address-preferred-lifetime", "address-valid-lifetime"},
        {"prefix-preferred-lifetime", "prefix-valid-lifetime"},
    };
    for (size_t i = 0; i < 2; i++) {
        const struct dk_config_value *p = val(s, pairs[i][0]), *v = val(s, pairs[i][1]);
        if (p && v && p->v.u > v->v.u) {
            snprintf(msg, len, "<%s>: %s is more than %s", s->type, pairs[i][0], pairs[i][1]);
            return -1;
        }
    }
    return 0;
}

/* The line of the first setting of key, or -1 (the section's line) for a
 * default or a missing one: what a check returns to put its error there. */
static int line_of(const struct dk_config_section *s, const char *key)
{
    for (size_t i = 0; i < s->nsettings; i++)
        if (strcmp(s->settings[i].key, key) == 0)
            return s->settings[i].line ? (int)s->settings[i].line : -1;
    return -1;
}

static unsigned log2_of(uint64_t pow2)
{
    unsigned b = 0;
    while (pow2 > 1) {
        pow2 >>= 1;
        b++;
    }
    return b;
}

/* RFC 7597 §5.1: a port is 16 bits, a (offset) + k (PSID) + m (contiguous);
 * §5.2: EA-bits = the IPv4 suffix (32 - prefix4 length) then the PSID, and
 * the Rule IPv6 prefix with the EA-bits makes the End-user prefix, at most a
 * /64. */
static int check_map_rule(const struct dk_config_section *s, char *msg, size_t len)
{
    const struct dk_config_value *v6 = val(s, "ipv6-prefix"), *v4 = val(s, "ipv4-prefix");
    const struct dk_config_value *ports = val(s, "contiguous-ports"),
                                 *ratio = val(s, "sharing-ratio");
    if (!v6 || !v4 || !ports || !ratio)
        return 0; /* already reported as missing */
    unsigned k = log2_of(ratio->v.u), m = log2_of(ports->v.u);
    if (k + m > 16) {
        snprintf(msg, len,
                 "sharing-ratio %llu with contiguous-ports %llu needs %u port bits; a port has 16 "
                 "(RFC 7597 §5.1)",
                 (unsigned long long)ratio->v.u, (unsigned long long)ports->v.u, k + m);
        return line_of(s, "sharing-ratio");
    }
    unsigned ea = 32u - v4->v.prefix.len + k;
    if (v6->v.prefix.len + ea > 64) {
        snprintf(msg, len,
                 "ipv6-prefix /%u with %u EA-bits (32 - %u IPv4 prefix bits + %u PSID bits) is "
                 "longer than /64 (RFC 7597 §5.2)",
                 v6->v.prefix.len, ea, v4->v.prefix.len, k);
        return line_of(s, "ipv6-prefix");
    }
    return 0;
}

/* At least one <map-rule> (RFC 7598 §5.1, §5.2: a container holds one or
 * more S46_RULE), and no more than the reply can carry. */
static int check_map_rules(const struct dk_config_section *s, char *msg, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nchildren; i++)
        n += strcmp(s->children[i]->type, "map-rule") == 0;
    if (n == 0) {
        snprintf(msg, len, "<%s> needs at least one <map-rule> (INI: map-rule-N)", s->type);
        return -1;
    }
    if (n > DK_CONFIG_MAP_MAX_RULES) {
        snprintf(msg, len, "<%s> has %zu <map-rule> sections; at most %d fit in a reply", s->type,
                 n, DK_CONFIG_MAP_MAX_RULES);
        return -1;
    }
    return 0;
}

static int check_map_e(const struct dk_config_section *s, char *msg, size_t len)
{
    size_t n = dk_config_count(s, "br-address");
    if (n > DK_CONFIG_MAP_MAX_BRS) {
        snprintf(msg, len, "<map-e> has %zu br-address; at most %d", n, DK_CONFIG_MAP_MAX_BRS);
        return -1;
    }
    for (size_t i = 0; i < s->nsettings; i++) {
        const struct dk_config_setting *a = &s->settings[i];
        if (strcmp(a->key, "br-address") != 0)
            continue;
        for (size_t j = 0; j < i; j++) {
            const struct dk_config_setting *b = &s->settings[j];
            if (strcmp(b->key, "br-address") == 0 && dk_config_value_equal(&a->value, &b->value)) {
                snprintf(msg, len, "br-address %s is given twice (first at line %u)", a->value.text,
                         b->line);
                return a->line ? (int)a->line : -1;
            }
        }
    }
    return check_map_rules(s, msg, len);
}

/* RFC 7599 §5 / RFC 6052 §2.2: the DMR prefix is an IPv4-embedding prefix
 * of 32, 40, 48, 56, 64 or 96 bits. */
static int check_map_t(const struct dk_config_section *s, char *msg, size_t len)
{
    const struct dk_config_value *dm = val(s, "default-mapping"), *dp = val(s, "dmr-prefix");
    if (dm && dp) {
        snprintf(msg, len, "<map-t>: default-mapping and dmr-prefix are the same thing; give one");
        return line_of(s, "dmr-prefix");
    }
    const struct dk_config_value *d = dm ? dm : dp;
    if (d) {
        unsigned l = d->v.prefix.len;
        if (l != 32 && l != 40 && l != 48 && l != 56 && l != 64 && l != 96) {
            snprintf(msg, len,
                     "%s /%u: a DMR prefix is /32, /40, /48, /56, /64 or /96 (RFC 6052 §2.2)",
                     dm ? "default-mapping" : "dmr-prefix", l);
            return line_of(s, dm ? "default-mapping" : "dmr-prefix");
        }
    }
    return check_map_rules(s, msg, len);
}

/* ------------------------------------------------------------------------- */

#define HANDLER_WHERE (DK_CFG_AT_TOP | DK_CFG_IN_FILTER)

#define SECTION(n, k, w, c, fl, once_, ak, at, an, keys_, chk, h)                                  \
    {                                                                                              \
        .name = (n), .kind = (k), .where = (w), .contains = (c), .flags = (fl), .once = (once_),   \
        .argkind = (ak), .arg = at, .arg_name = (an), .keys = keys_, .check = (chk), .help = (h)   \
    }

#define HANDLER(n, keys_, h)                                                                       \
    {                                                                                              \
        .name = (n), .kind = DK_CFG_KIND_HANDLER, .where = HANDLER_WHERE,                          \
        .argkind = DK_CFG_ARG_NONE, .keys = keys_, .help = (h)                                     \
    }

static const struct dk_config_section_def schema[] = {
    SECTION("", DK_CFG_KIND_ROOT, 0, DK_CFG_AT_TOP, 0, NULL, DK_CFG_ARG_NONE, T_NONE, NULL,
            KEYS(root_keys), NULL, "the top level"),

    /* Server settings */
    SECTION("logging", DK_CFG_KIND_SETTINGS, DK_CFG_AT_TOP, DK_CFG_IN_LOGGING, 0, "logging",
            DK_CFG_ARG_NONE, T_NONE, NULL, KEYS(logging_keys), NULL, "where logs go"),
    SECTION("console", DK_CFG_KIND_LOG_HANDLER, DK_CFG_IN_LOGGING, 0, 0, NULL, DK_CFG_ARG_NONE,
            T_NONE, NULL, KEYS(console_keys), NULL, "log to standard error"),
    SECTION("file", DK_CFG_KIND_LOG_HANDLER, DK_CFG_IN_LOGGING, 0, 0, NULL, DK_CFG_ARG_REQUIRED,
            T_PATH(0), "a file name", KEYS(file_keys), check_file, "log to a file"),
    SECTION("syslog", DK_CFG_KIND_LOG_HANDLER, DK_CFG_IN_LOGGING, 0, 0, NULL, DK_CFG_ARG_OPTIONAL,
            T_STR(0), "a socket path or host:port", KEYS(syslog_keys), NULL,
            "log to syslog (default: the local socket)"),
    SECTION("statistics", DK_CFG_KIND_SETTINGS, DK_CFG_AT_TOP, 0, 0, "statistics", DK_CFG_ARG_NONE,
            T_NONE, NULL, KEYS(statistics_keys), NULL, "extra statistics categories"),
    SECTION("duid-ll", DK_CFG_KIND_SETTINGS, DK_CFG_AT_TOP, 0, 0, "duid", DK_CFG_ARG_OPTIONAL,
            T_ENUM(e_server_id), "server-id", KEYS(duid_ll_keys), NULL,
            "server DUID based on a link-layer address"),
    SECTION("duid-llt", DK_CFG_KIND_SETTINGS, DK_CFG_AT_TOP, 0, 0, "duid", DK_CFG_ARG_OPTIONAL,
            T_ENUM(e_server_id), "server-id", KEYS(duid_llt_keys), NULL,
            "server DUID based on a link-layer address and a time"),
    SECTION("duid-en", DK_CFG_KIND_SETTINGS, DK_CFG_AT_TOP, 0, 0, "duid", DK_CFG_ARG_OPTIONAL,
            T_ENUM(e_server_id), "server-id", KEYS(duid_en_keys), NULL,
            "server DUID based on an enterprise number"),
    SECTION("unanswered-ia", DK_CFG_KIND_SETTINGS, DK_CFG_AT_TOP, 0, 0, "unanswered-ia",
            DK_CFG_ARG_NONE, T_NONE, NULL, KEYS(unanswered_keys), NULL,
            "ours (INI UnansweredIA): answers to unknown IA_NA/IA_TA"),
    SECTION("unanswered-iapd", DK_CFG_KIND_SETTINGS, DK_CFG_AT_TOP, 0, 0, "unanswered-iapd",
            DK_CFG_ARG_NONE, T_NONE, NULL, KEYS(unanswered_keys), NULL,
            "ours (INI UnansweredIAPD): answers to unknown IA_PD"),

    /* Listeners */
    SECTION("listen-interface", DK_CFG_KIND_LISTENER, DK_CFG_AT_TOP, 0, 0, NULL,
            DK_CFG_ARG_REQUIRED, T_IFNAME_STAR, "an interface name or *",
            KEYS(listen_interface_keys), NULL, "multicast ff02::1:2 on an interface"),
    SECTION("listen-unicast", DK_CFG_KIND_LISTENER, DK_CFG_AT_TOP, 0, 0, NULL, DK_CFG_ARG_REQUIRED,
            T_UNICAST_LISTEN, "an IPv6 address, all or auto", KEYS(listen_unicast_keys),
            check_listen_unicast, "a unicast address (for relays)"),
    SECTION("listen-tcp", DK_CFG_KIND_LISTENER, DK_CFG_AT_TOP, 0, 0, NULL, DK_CFG_ARG_OPTIONAL,
            T_IPV6(0), "an IPv6 address or ::", KEYS(listen_tcp_keys), check_listen_tcp,
            "bulk leasequery over TCP port 547 (RFC 5460 §5.2)"),

    /* Filters */
    SECTION("subnet", DK_CFG_KIND_FILTER, HANDLER_WHERE, DK_CFG_IN_FILTER, 0, NULL,
            DK_CFG_ARG_REQUIRED, T_PREFIX, "an IPv6 prefix", NOKEYS, NULL,
            "link address in the prefix"),
    SECTION("subnet-group", DK_CFG_KIND_FILTER, HANDLER_WHERE, DK_CFG_IN_FILTER, 0, NULL,
            DK_CFG_ARG_NONE, T_NONE, NULL, KEYS(subnet_group_keys), NULL,
            "link address in any of the prefixes"),
    SECTION("marked-with", DK_CFG_KIND_FILTER, HANDLER_WHERE, DK_CFG_IN_FILTER, 0, NULL,
            DK_CFG_ARG_REQUIRED, T_STR(256), "a mark", NOKEYS, NULL, "the listener set this mark"),
    SECTION("elapsed-time", DK_CFG_KIND_FILTER, HANDLER_WHERE, DK_CFG_IN_FILTER, 0, NULL,
            DK_CFG_ARG_NONE, T_NONE, NULL, KEYS(elapsed_time_keys), check_elapsed,
            "elapsed time option within bounds"),

    /* Handlers */
    HANDLER("preference", KEYS(preference_keys), "Preference option"),
    HANDLER("recursive-name-servers", KEYS(rns_keys), "DNS servers option"),
    HANDLER("domain-search-list", KEYS(dsl_keys), "domain search list option"),
    HANDLER("ntp-servers", KEYS(ntp_keys), "NTP server option"),
    HANDLER("sntp-servers", KEYS(sntp_keys), "SNTP servers option"),
    HANDLER("sip-server-names", KEYS(sip_names_keys), "SIP server domain names option"),
    HANDLER("sip-server-addresses", KEYS(sip_addresses_keys), "SIP server addresses option"),
    HANDLER("aftr-name", KEYS(aftr_keys), "DS-Lite AFTR name option"),
    HANDLER("sol-max-rt", KEYS(max_rt_keys), "SOL_MAX_RT option"),
    HANDLER("inf-max-rt", KEYS(max_rt_keys), "INF_MAX_RT option"),
    HANDLER("information-refresh-time", KEYS(irt_keys), "ours: information refresh time option"),
    SECTION("vendor-specific-information", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, 0, NULL,
            DK_CFG_ARG_REQUIRED, T_UINT(0, 0xffffffffu), "an enterprise number", KEYS(vsi_keys),
            NULL, "ours: vendor-specific information option"),
    SECTION("iana-timing-limits", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, 0, NULL, DK_CFG_ARG_NONE,
            T_NONE, NULL, KEYS(timing_keys), check_timing, "T1/T2 of IA_NA"),
    SECTION("iapd-timing-limits", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, 0, NULL, DK_CFG_ARG_NONE,
            T_NONE, NULL, KEYS(timing_keys), check_timing, "T1/T2 of IA_PD"),
    HANDLER("server-unicast", KEYS(server_unicast_keys), "Server Unicast option"),
    HANDLER("ignore-request", KEYS(ignore_keys), "answer nothing"),
    HANDLER("rate-limit", KEYS(rate_limit_keys), "stop answering chatty clients"),
    HANDLER("copy-remote-id", NOKEYS, "echo the relay's remote-id"),
    HANDLER("copy-subscriber-id", NOKEYS, "echo the relay's subscriber-id"),
    HANDLER("copy-linklayer-id", NOKEYS, "echo the relay's client link-layer address"),
    HANDLER("dump-requests", KEYS(dump_keys),
            "ours (INI message-handler = dump_requests): log, answer nothing"),
    SECTION("looking-glass", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, 0, NULL, DK_CFG_ARG_REQUIRED,
            T_PATH(0), "an SQLite file (made if missing)", KEYS(looking_glass_keys), NULL,
            "ours: the last transactions of every client, for ipv6-dhcp-looking-glass"),
    SECTION("static-csv", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, 0, NULL, DK_CFG_ARG_REQUIRED,
            T_PATH(0), "a CSV file", KEYS(static_csv_keys), check_static,
            "fixed assignments from a CSV file"),
    SECTION("static-sqlite", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, 0, NULL, DK_CFG_ARG_REQUIRED,
            T_PATH(0), "an SQLite file", KEYS(static_keys), check_static,
            "fixed assignments from an SQLite file"),
    SECTION("static-lmdb", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, 0, NULL, DK_CFG_ARG_REQUIRED,
            T_PATH(0), "an LMDB file", KEYS(static_keys), check_static,
            "ours: fixed assignments from an LMDB file"),
    SECTION("plugin", DK_CFG_KIND_HANDLER, HANDLER_WHERE, 0, DK_CFG_FREE_KEYS, NULL,
            DK_CFG_ARG_REQUIRED, T_PATH(0), "a shared object", NOKEYS, NULL,
            "ours: a handler plug-in; its keys are passed on as text"),
    SECTION("leasequery", DK_CFG_KIND_HANDLER, HANDLER_WHERE, DK_CFG_IN_LQ, 0, NULL,
            DK_CFG_ARG_NONE, T_NONE, NULL, KEYS(leasequery_keys), check_leasequery,
            "records leases and answers Leasequery (RFC 5007) and Bulk Leasequery (RFC 5460)"),
    SECTION("lq-sqlite", DK_CFG_KIND_SETTINGS, DK_CFG_IN_LQ, 0, 0, "lq-store", DK_CFG_ARG_REQUIRED,
            T_PATH(0), "an SQLite file (made if missing)", NOKEYS, NULL,
            "the leasequery's lease store"),
    SECTION("map-e", DK_CFG_KIND_HANDLER, HANDLER_WHERE, DK_CFG_IN_MAP, 0, NULL, DK_CFG_ARG_NONE,
            T_NONE, NULL, KEYS(map_e_keys), check_map_e,
            "MAP-E container option (RFC 7598 §5.1): rules and BRs"),
    SECTION("map-t", DK_CFG_KIND_HANDLER, HANDLER_WHERE, DK_CFG_IN_MAP, 0, NULL, DK_CFG_ARG_NONE,
            T_NONE, NULL, KEYS(map_t_keys), check_map_t,
            "MAP-T container option (RFC 7598 §5.2): rules and the DMR"),
    SECTION("map-rule", DK_CFG_KIND_SETTINGS, DK_CFG_IN_MAP, 0, 0, NULL, DK_CFG_ARG_NONE, T_NONE,
            NULL, KEYS(map_rule_keys), check_map_rule, "a mapping rule (RFC 7598 §4.1)"),
};

const struct dk_config_section_def *dk_config_schema(size_t *count)
{
    if (count)
        *count = sizeof(schema) / sizeof(schema[0]);
    return schema;
}

const struct dk_config_section_def *dk__schema_root(void)
{
    return &schema[0];
}

const struct dk_config_section_def *dk_config_schema_find(const char *name)
{
    if (!name || !*name)
        return NULL;
    for (size_t i = 1; i < sizeof(schema) / sizeof(schema[0]); i++)
        if (strcmp(schema[i].name, name) == 0)
            return &schema[i];
    return NULL;
}

const struct dk_config_key_def *dk_config_key_find(const struct dk_config_section_def *def,
                                                   const char *name)
{
    if (!def || !name)
        return NULL;
    for (size_t i = 0; i < def->nkeys; i++)
        if (strcmp(def->keys[i].name, name) == 0)
            return &def->keys[i];
    return NULL;
}
