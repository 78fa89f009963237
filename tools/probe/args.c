/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command line of ipv6-dhcp-probe: every option, its value checked with
 * a bounded parser, the defaults (IAs, Option Request) and the rules about
 * which options go with which MESSAGE. No globals: the unit tests call it
 * again and again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/duid.h>
#include <dhcpkit/wire.h>

#include "probe.h"

void probe_usage(FILE *f)
{
    fprintf(f,
            "usage: " PROBE_PROG " [-i IF] [-s ADDR] [--relay LINK-ADDR]\n"
            "         [--interface-id HEX|--interface-id-str TEXT]\n"
            "         [--remote-id EN:HEX|--remote-id-str EN:TEXT]\n"
            "         [--subscriber-id HEX|--subscriber-id-str TEXT] [--linklayer-id TYPE:HEX]\n"
            "         [--duid HEX] [--ia-na IAID] [--ia-pd IAID] [--address ADDR]\n"
            "         [--prefix PREFIX/LEN] [--server-duid HEX] [--oro CODES]\n"
            "         [--option CODE:HEX] [--rapid-commit] [--json] [--timeout S] [-v]\n"
            "         MESSAGE\n"
            "\n"
            "MESSAGE: solicit (then request), renew, rebind, confirm, release, decline,\n"
            "information-request. Sends it to ff02::1:2 on IF (or to -s), retransmits as\n"
            "RFC 8415 section 15 says, and prints the answer (one line of text, or JSON).\n"
            "\n"
            "  -i IF                  the interface (multicast, default DUID, peer-address)\n"
            "  -s ADDR                the server or relay to send to (default ff02::1:2)\n"
            "  --relay LINK-ADDR      act as a relay agent: a Relay-forward from port 547\n"
            "  --interface-id[-str]   relay option Interface-ID (RFC 8415 section 21.18)\n"
            "  --remote-id[-str]      relay option Remote-ID (RFC 4649), EN = enterprise number\n"
            "  --subscriber-id[-str]  relay option Subscriber-ID (RFC 4580)\n"
            "  --linklayer-id TYPE:HEX relay option Client Link-Layer Address (RFC 6939)\n"
            "  --duid HEX             the client's DUID (default: DUID-LL of IF's MAC)\n"
            "  --ia-na IAID, --ia-pd IAID  ask for an address / a prefix (repeatable)\n"
            "  --address ADDR         an address the client holds (first IA_NA; repeatable)\n"
            "  --prefix PREFIX/LEN    a prefix the client holds (first IA_PD; repeatable)\n"
            "  --server-duid HEX      the server's DUID (renew, release, decline)\n"
            "  --oro CODES            option codes to request, comma separated\n"
            "  --option CODE:HEX      an extra option in the client message (repeatable)\n"
            "  --rapid-commit         Solicit with Rapid Commit (RFC 8415 section 21.14)\n"
            "  --json                 print the answer as the JSON of ipv6-dhcp-decode\n"
            "  --timeout S            give up after S seconds (default 30)\n"
            "  -v, --verbose          every message sent and received on stderr\n"
            "  -h, --help             print this help and exit\n"
            "\n"
            "Exit status: 0 a lease or the information asked for, 1 an error status,\n"
            "2 no answer, 3 a malformed answer, 64 usage, 71 a socket error.\n");
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return PROBE_ARGS_USAGE;
}

bool probe_parse_hex(const char *s, struct probe_bytes *out)
{
    size_t n = 0;
    out->set = false;
    out->n = 0;
    while (*s) {
        if (*s == ':' || *s == ' ' || *s == '-') {
            s++;
            continue;
        }
        int hi = dk_hexval((unsigned char)s[0]);
        int lo = hi < 0 ? -1 : dk_hexval((unsigned char)s[1]);
        if (hi < 0 || lo < 0 || n >= sizeof(out->b))
            return false;
        out->b[n++] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    if (!n)
        return false;
    out->n = n;
    out->set = true;
    return true;
}

static bool parse_text(const char *s, struct probe_bytes *out)
{
    size_t n = strlen(s);
    if (!n || n > sizeof(out->b))
        return false;
    memcpy(out->b, s, n);
    out->n = n;
    out->set = true;
    return true;
}

/* A decimal number in [0, max]. */
static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "NUMBER:REST": the number and a pointer to REST. */
static bool split_number(const char *s, uint32_t max, uint32_t *num, const char **rest)
{
    const char *colon = strchr(s, ':');
    char buf[16];
    if (!colon || (size_t)(colon - s) >= sizeof(buf))
        return false;
    memcpy(buf, s, (size_t)(colon - s));
    buf[colon - s] = 0;
    *rest = colon + 1;
    return parse_u32(buf, max, num);
}

bool probe_parse_number_hex(const char *s, uint32_t max, uint32_t *num, struct probe_bytes *out)
{
    const char *rest;
    return split_number(s, max, num, &rest) && probe_parse_hex(rest, out);
}

static void put_be(uint8_t *p, uint32_t v, size_t n)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

bool probe_parse_duid(const char *s, struct probe_bytes *out)
{
    struct probe_bytes body;
    uint32_t hw, t, en;
    const char *rest;
    size_t head;
    memset(out, 0, sizeof(*out));
    if (strncmp(s, "linklayer:", 10) == 0) { /* RFC 8415 §11.4 */
        if (!probe_parse_number_hex(s + 10, 65535, &hw, &body))
            return false;
        put_be(out->b, DK_DUID_LL, 2);
        put_be(out->b + 2, hw, 2);
        head = 4;
    } else if (strncmp(s, "linklayer-time:", 15) == 0) { /* §11.2 */
        if (!split_number(s + 15, 65535, &hw, &rest) ||
            !probe_parse_number_hex(rest, UINT32_MAX, &t, &body))
            return false;
        put_be(out->b, DK_DUID_LLT, 2);
        put_be(out->b + 2, hw, 2);
        put_be(out->b + 4, t, 4);
        head = 8;
    } else if (strncmp(s, "enterprise:", 11) == 0) { /* §11.3 */
        if (!split_number(s + 11, UINT32_MAX, &en, &rest) ||
            !(strncmp(rest, "0x", 2) == 0 ? probe_parse_hex(rest + 2, &body)
                                          : parse_text(rest, &body)))
            return false;
        put_be(out->b, DK_DUID_EN, 2);
        put_be(out->b + 2, en, 4);
        head = 6;
    } else {
        if (!probe_parse_hex(s, &body))
            return false;
        head = 0;
    }
    /* RFC 8415 §11.1: 2 octets of type, then 1 to 128 octets. */
    if (head + body.n < DK_DUID_MIN_LEN || head + body.n > DK_DUID_MAX_LEN)
        return false;
    memcpy(out->b + head, body.b, body.n);
    out->n = head + body.n;
    struct dk_duid parsed;
    if (dk_duid_parse(out->b, out->n, &parsed))
        return false;
    out->set = true;
    return true;
}

static bool parse_addr(const char *s, uint8_t out[16])
{
    return inet_pton(AF_INET6, s, out) == 1;
}

static bool parse_prefix(const char *s, struct probe_prefix *out)
{
    const char *slash = strchr(s, '/');
    char buf[INET6_ADDRSTRLEN];
    uint32_t len;
    if (!slash || (size_t)(slash - s) >= sizeof(buf))
        return false;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = 0;
    if (!parse_addr(buf, out->p) || !parse_u32(slash + 1, 128, &len))
        return false;
    out->len = (uint8_t)len;
    /* RFC 8415 §21.22: the bits beyond the prefix length are zero. */
    for (unsigned bit = len; bit < 128; bit++)
        if (out->p[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    return true;
}

static bool parse_oro(const char *s, struct probe_args *a)
{
    a->noro = 0;
    while (*s) {
        char buf[8];
        size_t n = strcspn(s, ",");
        uint32_t code;
        if (!n || n >= sizeof(buf) || a->noro >= PROBE_MAX_ORO)
            return false;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (!parse_u32(buf, 65535, &code) || !code)
            return false;
        a->oro[a->noro++] = (uint16_t)code;
        s += n;
        if (*s == ',' && !*++s)
            return false;
    }
    return a->noro > 0;
}

static const struct {
    const char *name;
    enum probe_cmd cmd;
    uint8_t type;
} commands[] = {
    {"solicit", PROBE_SOLICIT, DK_MSG_SOLICIT},
    {"renew", PROBE_RENEW, DK_MSG_RENEW},
    {"rebind", PROBE_REBIND, DK_MSG_REBIND},
    {"confirm", PROBE_CONFIRM, DK_MSG_CONFIRM},
    {"release", PROBE_RELEASE, DK_MSG_RELEASE},
    {"decline", PROBE_DECLINE, DK_MSG_DECLINE},
    {"information-request", PROBE_INFORMATION_REQUEST, DK_MSG_INFORMATION_REQUEST},
};

enum opt_id {
    O_IF = 1,
    O_SERVER,
    O_RELAY,
    O_IFID,
    O_IFID_STR,
    O_RID,
    O_RID_STR,
    O_SID,
    O_SID_STR,
    O_LLID,
    O_DUID,
    O_IA_NA,
    O_IA_PD,
    O_ADDRESS,
    O_PREFIX,
    O_SERVER_DUID,
    O_ORO,
    O_OPTION,
    O_RAPID,
    O_JSON,
    O_TIMEOUT,
    O_VERBOSE,
    O_HELP,
};

static const struct {
    const char *name;
    enum opt_id id;
    bool arg;
} options[] = {
    {"-i", O_IF, true},
    {"--interface", O_IF, true},
    {"-s", O_SERVER, true},
    {"--server", O_SERVER, true},
    {"--relay", O_RELAY, true},
    {"--interface-id", O_IFID, true},
    {"--interface-id-str", O_IFID_STR, true},
    {"--remote-id", O_RID, true},
    {"--remote-id-str", O_RID_STR, true},
    {"--subscriber-id", O_SID, true},
    {"--subscriber-id-str", O_SID_STR, true},
    {"--linklayer-id", O_LLID, true},
    {"--duid", O_DUID, true},
    {"--ia-na", O_IA_NA, true},
    {"--ia-pd", O_IA_PD, true},
    {"--address", O_ADDRESS, true},
    {"--prefix", O_PREFIX, true},
    {"--server-duid", O_SERVER_DUID, true},
    {"--oro", O_ORO, true},
    {"--option", O_OPTION, true},
    {"--rapid-commit", O_RAPID, false},
    {"--json", O_JSON, false},
    {"--timeout", O_TIMEOUT, true},
    {"-v", O_VERBOSE, false},
    {"--verbose", O_VERBOSE, false},
    {"-h", O_HELP, false},
    {"--help", O_HELP, false},
};

/* One option with its value (NULL for a flag). */
static int take(struct probe_args *a, enum opt_id id, const char *name, const char *v, char *err,
                size_t errlen)
{
    uint32_t u;
    const char *rest;
    switch (id) {
    case O_IF:
        if (!*v || strlen(v) >= 16)
            return fail(err, errlen, "%s: not an interface name: '%s'", name, v);
        a->ifname = v;
        return 0;
    case O_SERVER:
        if (!parse_addr(v, a->server))
            return fail(err, errlen, "%s: not an IPv6 address: '%s'", name, v);
        a->has_server = true;
        return 0;
    case O_RELAY:
        if (!parse_addr(v, a->link_addr))
            return fail(err, errlen, "%s: not an IPv6 address: '%s'", name, v);
        a->relay = true;
        return 0;
    case O_IFID:
    case O_IFID_STR:
        if (a->interface_id.set)
            return fail(err, errlen, "%s: only one Interface-ID", name);
        if (!(id == O_IFID ? probe_parse_hex(v, &a->interface_id)
                           : parse_text(v, &a->interface_id)))
            return fail(err, errlen, "%s: bad value '%s'", name, v);
        return 0;
    case O_RID:
    case O_RID_STR:
        if (a->has_remote_id)
            return fail(err, errlen, "%s: only one Remote-ID", name);
        if (!split_number(v, UINT32_MAX, &a->remote_en, &rest) ||
            !(id == O_RID ? probe_parse_hex(rest, &a->remote_id) : parse_text(rest, &a->remote_id)))
            return fail(err, errlen, "%s: want ENTERPRISE-NUMBER:%s, not '%s'", name,
                        id == O_RID ? "HEX" : "TEXT", v);
        a->has_remote_id = true;
        return 0;
    case O_SID:
    case O_SID_STR:
        if (a->subscriber_id.set)
            return fail(err, errlen, "%s: only one Subscriber-ID", name);
        if (!(id == O_SID ? probe_parse_hex(v, &a->subscriber_id)
                          : parse_text(v, &a->subscriber_id)))
            return fail(err, errlen, "%s: bad value '%s'", name, v);
        return 0;
    case O_LLID:
        if (a->has_linklayer)
            return fail(err, errlen, "%s: only one link-layer address", name);
        if (!split_number(v, 65535, &u, &rest) || !probe_parse_hex(rest, &a->linklayer_addr))
            return fail(err, errlen, "%s: want HARDWARE-TYPE:HEX, not '%s'", name, v);
        a->linklayer_type = (uint16_t)u;
        a->has_linklayer = true;
        return 0;
    case O_DUID:
    case O_SERVER_DUID: {
        struct probe_bytes *d = id == O_DUID ? &a->duid : &a->server_duid;
        struct dk_duid parsed;
        /* RFC 8415 §11.1: 2 octets of type, then 1 to 128 octets. */
        if (!probe_parse_hex(v, d) || d->n < DK_DUID_MIN_LEN || d->n > DK_DUID_MAX_LEN ||
            dk_duid_parse(d->b, d->n, &parsed))
            return fail(err, errlen, "%s: not a DUID (hex, 3 to 130 octets): '%s'", name, v);
        return 0;
    }
    case O_IA_NA:
    case O_IA_PD: {
        uint32_t *ias = id == O_IA_NA ? a->ia_na : a->ia_pd;
        size_t *n = id == O_IA_NA ? &a->n_ia_na : &a->n_ia_pd;
        if (!parse_u32(v, UINT32_MAX, &u))
            return fail(err, errlen, "%s: not an IAID (0 to 4294967295): '%s'", name, v);
        if (*n >= PROBE_MAX_IAS)
            return fail(err, errlen, "%s: at most %d", name, PROBE_MAX_IAS);
        /* RFC 8415 §21.4, §21.21: IAIDs are unique per IA type. */
        for (size_t i = 0; i < *n; i++)
            if (ias[i] == u)
                return fail(err, errlen, "%s: IAID %u given twice", name, u);
        ias[(*n)++] = u;
        return 0;
    }
    case O_ADDRESS:
        if (a->naddrs >= PROBE_MAX_ADDRS)
            return fail(err, errlen, "%s: at most %d", name, PROBE_MAX_ADDRS);
        if (!parse_addr(v, a->addrs[a->naddrs]))
            return fail(err, errlen, "%s: not an IPv6 address: '%s'", name, v);
        a->naddrs++;
        return 0;
    case O_PREFIX:
        if (a->nprefixes >= PROBE_MAX_ADDRS)
            return fail(err, errlen, "%s: at most %d", name, PROBE_MAX_ADDRS);
        if (!parse_prefix(v, &a->prefixes[a->nprefixes]))
            return fail(err, errlen,
                        "%s: not an IPv6 prefix (ADDR/LEN, no bits set past LEN): '%s'", name, v);
        a->nprefixes++;
        return 0;
    case O_ORO:
        if (!parse_oro(v, a))
            return fail(err, errlen, "%s: want option codes 1-65535, comma separated: '%s'", name,
                        v);
        return 0;
    case O_OPTION: {
        struct probe_extra *x = &a->extra[a->nextra];
        if (a->nextra >= PROBE_MAX_EXTRA)
            return fail(err, errlen, "%s: at most %d", name, PROBE_MAX_EXTRA);
        if (!split_number(v, 65535, &u, &rest) || !u)
            return fail(err, errlen, "%s: want CODE:HEX, not '%s'", name, v);
        x->code = (uint16_t)u;
        /* An empty body (CODE:) is allowed: flags such as Reconfigure Accept. */
        if (*rest && !probe_parse_hex(rest, &x->data))
            return fail(err, errlen, "%s: want CODE:HEX, not '%s'", name, v);
        a->nextra++;
        return 0;
    }
    case O_RAPID:
        a->rapid_commit = true;
        return 0;
    case O_JSON:
        a->json = true;
        return 0;
    case O_VERBOSE:
        a->verbose = true;
        return 0;
    case O_TIMEOUT: {
        char *end;
        errno = 0;
        double t = strtod(v, &end);
        if (errno || *end || end == v || !isfinite(t) || t <= 0 || t > 86400)
            return fail(err, errlen, "%s: want seconds, more than 0 and at most 86400: '%s'", name,
                        v);
        a->timeout = t;
        return 0;
    }
    case O_HELP:
        return PROBE_ARGS_HELP;
    }
    return fail(err, errlen, "internal: option %s", name);
}

static bool has_oro(const struct probe_args *a, uint16_t code)
{
    for (size_t i = 0; i < a->noro; i++)
        if (a->oro[i] == code)
            return true;
    return false;
}

static void add_oro(struct probe_args *a, uint16_t code)
{
    if (!has_oro(a, code) && a->noro < PROBE_MAX_ORO)
        a->oro[a->noro++] = code;
}

static bool is_link_scoped(const uint8_t a[16])
{
    return (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || (a[0] == 0xff && (a[1] & 0x0f) <= 2);
}

/* The rules between options and MESSAGE, then the defaults. */
static int check(struct probe_args *a, bool oro_given, char *err, size_t errlen)
{
    enum probe_cmd c = a->cmd;
    bool holds = a->naddrs || a->nprefixes;
    bool ias = a->n_ia_na || a->n_ia_pd || holds;

    if (!a->ifname && !a->has_server)
        return fail(err, errlen, "-i IF or -s ADDR is needed (where to send?)");
    if (a->has_server && is_link_scoped(a->server) && !a->ifname)
        return fail(err, errlen, "-s: a link-local or multicast address needs -i IF");
    if (!a->relay &&
        (a->interface_id.set || a->has_remote_id || a->subscriber_id.set || a->has_linklayer))
        return fail(err, errlen,
                    "relay options (--interface-id, --remote-id, --subscriber-id, "
                    "--linklayer-id) need --relay LINK-ADDR");
    if (a->rapid_commit && c != PROBE_SOLICIT)
        return fail(err, errlen, "--rapid-commit goes with solicit only");
    /* RFC 8415 §16.6, §16.8, §16.9: these carry the server's DUID. */
    if ((c == PROBE_RENEW || c == PROBE_RELEASE || c == PROBE_DECLINE) && !a->server_duid.set)
        return fail(err, errlen, "renew, release and decline need --server-duid HEX");
    /* RFC 8415 §16.2, §16.5, §16.7: these never do. */
    if ((c == PROBE_SOLICIT || c == PROBE_CONFIRM || c == PROBE_REBIND) && a->server_duid.set)
        return fail(err, errlen, "--server-duid does not go with solicit, confirm or rebind");
    if (c == PROBE_INFORMATION_REQUEST && ias) /* RFC 8415 §16.12 */
        return fail(err, errlen,
                    "information-request carries no IA (--ia-na, --ia-pd, "
                    "--address, --prefix)");
    /* RFC 8415 §18.2.3: Confirm is about addresses. */
    if (c == PROBE_CONFIRM && (!a->naddrs || a->nprefixes || a->n_ia_pd))
        return fail(err, errlen, "confirm needs --address (and takes no prefix or IA_PD)");
    /* RFC 8415 §18.2.8: Decline is about addresses. */
    if (c == PROBE_DECLINE && (!a->naddrs || a->nprefixes || a->n_ia_pd))
        return fail(err, errlen, "decline needs --address (and takes no prefix or IA_PD)");
    if (c == PROBE_RELEASE && !holds)
        return fail(err, errlen, "release needs --address or --prefix");
    if ((c == PROBE_RENEW || c == PROBE_REBIND) && !ias)
        return fail(err, errlen,
                    "renew and rebind need an IA: --ia-na, --ia-pd, --address or "
                    "--prefix");

    /* Defaults: the IAs that hold --address and --prefix, and a Solicit
     * with nothing else asks for one address. */
    if (a->naddrs && !a->n_ia_na)
        a->ia_na[a->n_ia_na++] = PROBE_DEFAULT_IAID;
    if (a->nprefixes && !a->n_ia_pd)
        a->ia_pd[a->n_ia_pd++] = PROBE_DEFAULT_IAID;
    if (c == PROBE_SOLICIT && !a->n_ia_na && !a->n_ia_pd)
        a->ia_na[a->n_ia_na++] = PROBE_DEFAULT_IAID;

    /* The Option Request option: DNS servers and search list unless --oro,
     * plus what RFC 8415 makes mandatory: SOL_MAX_RT in Solicit, Request,
     * Renew and Rebind (§18.2.1, §18.2.2, §18.2.4, §18.2.5); Information
     * Refresh Time and INF_MAX_RT in Information-request (§18.2.6). Confirm,
     * Release and Decline send one only with --oro. */
    bool wants_oro = c == PROBE_SOLICIT || c == PROBE_RENEW || c == PROBE_REBIND ||
                     c == PROBE_INFORMATION_REQUEST;
    if (!oro_given && wants_oro) {
        add_oro(a, DK_OPT_DNS_SERVERS);
        add_oro(a, DK_OPT_DOMAIN_LIST);
    }
    if (c == PROBE_INFORMATION_REQUEST) {
        add_oro(a, DK_OPT_INFORMATION_REFRESH_TIME);
        add_oro(a, DK_OPT_INF_MAX_RT);
    } else if (wants_oro) {
        add_oro(a, DK_OPT_SOL_MAX_RT);
    }
    if (a->timeout == 0)
        a->timeout = PROBE_DEFAULT_TIMEOUT;
    return PROBE_ARGS_OK;
}

int probe_args_parse(int argc, char **argv, struct probe_args *a, char *err, size_t errlen)
{
    const char *message = NULL;
    bool oro_given = false, no_more_options = false;
    memset(a, 0, sizeof(*a));
    err[0] = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (no_more_options || s[0] != '-' || !s[1]) {
            if (message)
                return fail(err, errlen, "one MESSAGE only: '%s' and '%s'", message, s);
            message = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            no_more_options = true;
            continue;
        }
        /* --name=value */
        char name[32];
        const char *value = NULL;
        const char *eq = strncmp(s, "--", 2) == 0 ? strchr(s, '=') : NULL;
        size_t nlen = eq ? (size_t)(eq - s) : strlen(s);
        if (nlen >= sizeof(name))
            return fail(err, errlen, "unknown option '%s'", s);
        memcpy(name, s, nlen);
        name[nlen] = 0;
        size_t k;
        for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
            if (strcmp(options[k].name, name) == 0)
                break;
        if (k == sizeof(options) / sizeof(options[0]))
            return fail(err, errlen, "unknown option '%s'", name);
        if (options[k].arg) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return fail(err, errlen, "%s needs a value", name);
        } else if (eq) {
            return fail(err, errlen, "%s takes no value", name);
        }
        oro_given |= options[k].id == O_ORO;
        int rc = take(a, options[k].id, name, value, err, errlen);
        if (rc)
            return rc;
    }
    if (!message)
        return fail(err, errlen, "MESSAGE is missing");
    for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(commands[k].name, message) == 0) {
            a->cmd = commands[k].cmd;
            a->msg_type = commands[k].type;
            return check(a, oro_given, err, errlen);
        }
    }
    return fail(err, errlen,
                "unknown MESSAGE '%s' (solicit, renew, rebind, confirm, release, "
                "decline, information-request)",
                message);
}
