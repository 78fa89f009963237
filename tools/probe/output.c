/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the probe makes of an answer: whose it is and whether it is well
 * formed (RFC 8415 §16), what it says (leases, statuses: the exit status),
 * and its printing with libdhcpkit's renderer, the same JSON and text as
 * ipv6-dhcp-decode. Also the client's own identity: its DUID and
 * link-local address.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dhcpkit/render.h>
#include <dhcpkit/validate.h>
#include <dhcpkit/wire.h>

#include "probe.h"

void probe_link_local(const char *ifname, uint8_t out[16])
{
    struct ifaddrs *list, *i;
    memset(out, 0, 16);
    if (!ifname || getifaddrs(&list) < 0)
        return;
    for (i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6 || strcmp(i->ifa_name, ifname))
            continue;
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)i->ifa_addr;
        if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr)) {
            memcpy(out, &s->sin6_addr, 16);
            break;
        }
    }
    freeifaddrs(list);
}

size_t probe_default_duid(const char *ifname, uint8_t *out, size_t cap)
{
    /* RFC 8415 §11.4: DUID-LL, type 3, hardware type 1 (Ethernet, RFC 826). */
    static const uint8_t fixed[] = {0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x01};
    if (cap < sizeof(fixed))
        return 0;
    memcpy(out, fixed, sizeof(fixed));
    if (!ifname)
        return sizeof(fixed);
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    int rc = fd < 0 ? -1 : ioctl(fd, SIOCGIFHWADDR, &ifr);
    if (fd >= 0)
        close(fd);
    if (rc < 0 || ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
        return sizeof(fixed);
    static const uint8_t zero[6];
    if (memcmp(ifr.ifr_hwaddr.sa_data, zero, 6) == 0)
        return sizeof(fixed);
    memcpy(out + 4, ifr.ifr_hwaddr.sa_data, 6);
    return sizeof(fixed);
}

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

enum probe_rx probe_check_answer(const struct probe_expect *e, const uint8_t *p, size_t n,
                                 struct dk_arena *arena, const struct dk_msg **outer,
                                 const struct dk_msg **inner, char *why, size_t whylen)
{
    struct dk_msg *m;
    struct dk_diag d;
    char line[512];
    memset(&d, 0, sizeof(d));
    why[0] = 0;
    dk_arena_reset(arena);
    if (!n) {
        say(why, whylen, "an empty datagram");
        return PROBE_RX_MALFORMED;
    }
    /* Not an answer of the kind we wait for: not ours (§16: a client
     * discards what it does not expect). */
    if (p[0] != (e->relay ? DK_MSG_RELAY_REPL : DK_MSG_ADVERTISE) &&
        p[0] != (e->relay ? DK_MSG_RELAY_REPL : DK_MSG_REPLY)) {
        say(why, whylen, "a message of type %u, not an answer", p[0]);
        return PROBE_RX_IGNORE;
    }
    if (dk_msg_decode(p, n, arena, &m, &d) || dk_msg_validate(m, &d)) {
        dk_diag_format(&d, line, sizeof(line));
        say(why, whylen, "%s", line);
        return PROBE_RX_MALFORMED;
    }
    size_t nrelays;
    const struct dk_msg *c = dk_msg_inner(m, &nrelays);
    if (e->relay) {
        /* RFC 8415 §19.4: the Relay-reply to our Relay-forward, addressed
         * to the peer we named, holding the server's message. */
        if (nrelays != 1 || !dk_msg_is_client_server(c->type)) {
            say(why, whylen, "a Relay-reply holding %zu relay levels and no server message",
                nrelays);
            return PROBE_RX_MALFORMED;
        }
        if (memcmp(m->peer, e->peer, 16) != 0) {
            say(why, whylen, "a Relay-reply for another peer-address");
            return PROBE_RX_IGNORE;
        }
    }
    if (c->type != DK_MSG_ADVERTISE && c->type != DK_MSG_REPLY) {
        say(why, whylen, "a %s, not an Advertise or Reply", dk_msg_name(c->type));
        return e->relay ? PROBE_RX_MALFORMED : PROBE_RX_IGNORE;
    }
    if (c->xid != e->xid) { /* §16.3, §16.10 */
        say(why, whylen, "transaction id %06x, not ours (%06x)", c->xid, e->xid);
        return PROBE_RX_IGNORE;
    }
    /* RFC 8415 §16.3, §16.10: a Server Identifier and our Client Identifier. */
    const struct dk_opt *sid = dk_msg_find(c, DK_OPT_SERVERID);
    const struct dk_opt *cid = dk_msg_find(c, DK_OPT_CLIENTID);
    if (!sid) {
        say(why, whylen, "%s without a Server Identifier (RFC 8415 section 16.3, 16.10)",
            dk_msg_name(c->type));
        return PROBE_RX_MALFORMED;
    }
    if (!cid || cid->v[0].n != e->duidlen || memcmp(cid->v[0].p, e->duid, e->duidlen) != 0) {
        say(why, whylen, "%s %s our Client Identifier (RFC 8415 section 16.3, 16.10)",
            dk_msg_name(c->type), cid ? "does not carry" : "carries no");
        return PROBE_RX_MALFORMED;
    }
    *outer = m;
    *inner = c;
    return PROBE_RX_FINAL;
}

static bool is_lease(const struct dk_opt *x)
{
    /* IAADDR: address, preferred, valid; IAPREFIX: preferred, valid, prefix. */
    return (x->code == DK_OPT_IAADDR && x->v[2].u) || (x->code == DK_OPT_IAPREFIX && x->v[1].u);
}

size_t probe_count_leases(const struct dk_msg *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nopts; i++) {
        const struct dk_opt *ia = &m->opts[i];
        if (ia->code != DK_OPT_IA_NA && ia->code != DK_OPT_IA_TA && ia->code != DK_OPT_IA_PD)
            continue;
        for (size_t k = 0; k < ia->nopts; k++)
            n += is_lease(&ia->opts[k]);
    }
    return n;
}

unsigned probe_preference(const struct dk_msg *m)
{
    const struct dk_opt *o = dk_msg_find(m, DK_OPT_PREFERENCE);
    return o ? o->v[0].u : 0;
}

/* Appends to the summary, never past cap. */
static void add(char *s, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char *s, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(s + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (r > 0)
        *len = *len + (size_t)r < cap ? *len + (size_t)r : cap - 1;
}

static bool status_bad(const struct dk_opt *st, const char *where, char *s, size_t cap, size_t *len)
{
    if (!st || st->v[0].u == DK_STATUS_SUCCESS)
        return false;
    const char *name = dk_status_name(st->v[0].u);
    add(s, cap, len, " status %s (%u) in %s", name ? name : "unknown", st->v[0].u, where);
    return true;
}

int probe_verdict(const struct dk_msg *m, uint8_t sent_type, char *s, size_t cap)
{
    size_t len = 0;
    bool bad = false;
    char a[INET6_ADDRSTRLEN], where[64];
    s[0] = 0;
    add(s, cap, &len, "%s", dk_msg_name(m->type));
    bad |= status_bad(dk_msg_find(m, DK_OPT_STATUS_CODE), "the message", s, cap, &len);
    for (size_t i = 0; i < m->nopts; i++) {
        const struct dk_opt *ia = &m->opts[i];
        if (ia->code != DK_OPT_IA_NA && ia->code != DK_OPT_IA_TA && ia->code != DK_OPT_IA_PD)
            continue;
        snprintf(where, sizeof(where), "%s %u", dk_opt_name(ia->code), ia->v[0].u);
        bad |=
            status_bad(dk_opt_find(ia->opts, ia->nopts, DK_OPT_STATUS_CODE), where, s, cap, &len);
        for (size_t k = 0; k < ia->nopts; k++) {
            const struct dk_opt *x = &ia->opts[k];
            if (x->code == DK_OPT_IAADDR && x->v[0].n == 16) {
                inet_ntop(AF_INET6, x->v[0].p, a, sizeof(a));
                add(s, cap, &len, " address %s (valid %u s)", a, x->v[2].u);
                bad |=
                    status_bad(dk_opt_find(x->opts, x->nopts, DK_OPT_STATUS_CODE), a, s, cap, &len);
            } else if (x->code == DK_OPT_IAPREFIX && x->v[2].n == 16) {
                inet_ntop(AF_INET6, x->v[2].p, a, sizeof(a));
                add(s, cap, &len, " prefix %s/%u (valid %u s)", a, x->v[2].u, x->v[1].u);
                bad |=
                    status_bad(dk_opt_find(x->opts, x->nopts, DK_OPT_STATUS_CODE), a, s, cap, &len);
            }
        }
    }
    bool wants_lease = sent_type == DK_MSG_SOLICIT || sent_type == DK_MSG_REQUEST ||
                       sent_type == DK_MSG_RENEW || sent_type == DK_MSG_REBIND;
    if (wants_lease && !probe_count_leases(m)) {
        add(s, cap, &len, " and no lease");
        bad = true;
    }
    return bad ? PROBE_EXIT_STATUS : PROBE_EXIT_OK;
}

int probe_print(FILE *f, const struct dk_msg *m, bool json)
{
    size_t cap = 64 << 10;
    for (;;) {
        uint8_t *buf = malloc(cap);
        struct dk_wbuf w;
        if (!buf)
            return DK_ENOMEM;
        dk_wbuf_init(&w, buf, cap);
        int err = json ? dk_msg_to_json(&w, m) : dk_msg_to_text(&w, m);
        if (!err) {
            fwrite(w.p, 1, w.len, f);
            fputc('\n', f);
        }
        free(buf);
        if (err != DK_ENOSPC || cap >= (64u << 20))
            return err;
        cap *= 2;
    }
}
