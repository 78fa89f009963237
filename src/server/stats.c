/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Statistics: sums, categories and their text and JSON forms. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/wire.h>

#include "stats.h"

void dk__totals_add(struct dk_totals *t, const struct dk_counters *c)
{
#define DK_STATS_ADD(key, label) t->key += atomic_load_explicit(&c->key, memory_order_relaxed);
    DK_STATS_COUNTERS(DK_STATS_ADD)
#undef DK_STATS_ADD
    for (size_t i = 0; i < DK_STATS_NTYPES; i++) {
        t->messages_in[i] += atomic_load_explicit(&c->messages_in[i], memory_order_relaxed);
        t->messages_out[i] += atomic_load_explicit(&c->messages_out[i], memory_order_relaxed);
    }
}

void dk__totals_merge(struct dk_totals *t, const struct dk_totals *u)
{
#define DK_STATS_ADD(key, label) t->key += u->key;
    DK_STATS_COUNTERS(DK_STATS_ADD)
#undef DK_STATS_ADD
    for (size_t i = 0; i < DK_STATS_NTYPES; i++) {
        t->messages_in[i] += u->messages_in[i];
        t->messages_out[i] += u->messages_out[i];
    }
}

/* ------------------------------------------------------------------------- */
/* Categories */

struct dk_stats_cats *dk__stats_cats_new(const struct dk_config_section *root, size_t nslots)
{
    struct dk_stats_cats *c = calloc(1, sizeof(*c));
    const struct dk_config_section *st = NULL;
    if (!c)
        return NULL;
    for (size_t i = 0; root && i < root->nchildren; i++)
        if (strcmp(root->children[i]->type, "statistics") == 0)
            st = root->children[i];
    if (st) {
        c->nif = dk_config_count(st, "interface");
        c->nsub = dk_config_count(st, "subnet");
        c->nrel = dk_config_count(st, "relay");
    }
    c->ncat = c->nif + c->nsub + c->nrel;
    c->nslots = nslots;
    c->ifnames = calloc(c->nif + 1, sizeof(*c->ifnames));
    c->subnets = calloc(c->nsub + 1, sizeof(*c->subnets));
    c->sublens = calloc(c->nsub + 1, 1);
    c->relays = calloc(c->nrel + 1, sizeof(*c->relays));
    c->counters = calloc(c->ncat * nslots + 1, sizeof(*c->counters));
    c->base = calloc(c->ncat + 1, sizeof(*c->base));
    if (!c->ifnames || !c->subnets || !c->sublens || !c->relays || !c->counters || !c->base) {
        dk__stats_cats_free(c);
        return NULL;
    }
    for (size_t i = 0; i < c->nif; i++)
        snprintf(c->ifnames[i], IF_NAMESIZE, "%s", dk_config_nth(st, "interface", i)->v.s);
    for (size_t i = 0; i < c->nsub; i++) {
        const struct dk_config_value *v = dk_config_nth(st, "subnet", i);
        memcpy(&c->subnets[i], v->v.prefix.addr, 16);
        c->sublens[i] = v->v.prefix.len;
    }
    for (size_t i = 0; i < c->nrel; i++)
        memcpy(&c->relays[i], dk_config_nth(st, "relay", i)->v.addr, 16);
    return c;
}

void dk__stats_cats_free(struct dk_stats_cats *c)
{
    if (!c)
        return;
    free(c->ifnames);
    free(c->subnets);
    free(c->sublens);
    free(c->relays);
    free(c->counters);
    free(c->base);
    free(c);
}

void dk__stats_cats_total(const struct dk_stats_cats *c, size_t i, struct dk_totals *t)
{
    *t = c->base[i];
    for (size_t s = 0; s < c->nslots; s++)
        dk__totals_add(t, &c->counters[s * c->ncat + i]);
}

static bool same_cat(const struct dk_stats_cats *a, size_t i, const struct dk_stats_cats *b,
                     size_t k)
{
    if (i < a->nif)
        return k < b->nif && strcmp(a->ifnames[i], b->ifnames[k]) == 0;
    if (i < a->nif + a->nsub) {
        size_t x = i - a->nif, y = k - b->nif;
        return k >= b->nif && k < b->nif + b->nsub && a->sublens[x] == b->sublens[y] &&
               memcmp(&a->subnets[x], &b->subnets[y], 16) == 0;
    }
    size_t x = i - a->nif - a->nsub, y = k - b->nif - b->nsub;
    return k >= b->nif + b->nsub && memcmp(&a->relays[x], &b->relays[y], 16) == 0;
}

void dk__stats_cats_carry(struct dk_stats_cats *nw, const struct dk_stats_cats *old)
{
    for (size_t i = 0; i < nw->ncat; i++)
        for (size_t k = 0; k < old->ncat; k++)
            if (same_cat(nw, i, old, k)) {
                struct dk_totals t;
                dk__stats_cats_total(old, k, &t);
                dk__totals_merge(&nw->base[i], &t);
                break;
            }
}

static bool in_prefix(const struct in6_addr *a, const struct in6_addr *p, unsigned len)
{
    unsigned full = len / 8, rest = len % 8;
    if (memcmp(a, p, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->s6_addr[full] & mask) == (p->s6_addr[full] & mask);
}

/* The link-addresses of a relay chain, outermost first; a bounded walk
 * (RFC 8415 §9: a Relay-forward is 34 octets of header, then options; at
 * most DK_HOP_COUNT_LIMIT relays). Returns how many were found. */
static size_t relay_links(const uint8_t *data, size_t len, struct in6_addr *links, size_t max)
{
    struct dk_rbuf r;
    size_t n = 0;
    dk_rbuf_init(&r, data, len);
    for (size_t depth = 0; depth < DK_HOP_COUNT_LIMIT && n < max; depth++) {
        uint8_t type, hop;
        const uint8_t *peer;
        if (dk_rbuf_u8(&r, &type) < 0 || type != DK_MSG_RELAY_FORW)
            break;
        if (dk_rbuf_u8(&r, &hop) < 0 || dk_rbuf_copy(&r, &links[n], 16) < 0 ||
            dk_rbuf_take(&r, 16, &peer) < 0)
            break;
        n++;
        struct dk_rbuf inner = {0};
        bool found = false;
        while (dk_rbuf_left(&r) >= 4) {
            uint16_t code, olen;
            struct dk_rbuf body;
            if (dk_rbuf_u16(&r, &code) < 0 || dk_rbuf_u16(&r, &olen) < 0 ||
                dk_rbuf_sub(&r, olen, &body) < 0)
                break;
            if (code == DK_OPT_RELAY_MSG && !found) {
                inner = body;
                found = true;
            }
        }
        if (!found)
            break;
        r = inner;
    }
    return n;
}

size_t dk__stats_cats_match(const struct dk_stats_cats *c, const struct dk_stats_key *k,
                            size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nif && n < max; i++)
        if (k->ifname && strcmp(k->ifname, c->ifnames[i]) == 0)
            idx[n++] = i;
    if (c->nsub == 0 && c->nrel == 0)
        return n;
    struct in6_addr links[DK_HOP_COUNT_LIMIT];
    size_t nl = relay_links(k->data, k->len, links, DK_HOP_COUNT_LIMIT);
    /* The client's link: the innermost relay's link-address that is not ::
     * (RFC 6221 lightweight relays leave it unspecified). */
    const struct in6_addr *link = k->link;
    for (size_t i = nl; i-- > 0;)
        if (!IN6_IS_ADDR_UNSPECIFIED(&links[i])) {
            link = &links[i];
            break;
        }
    for (size_t i = 0; i < c->nsub && n < max; i++)
        if (link && in_prefix(link, &c->subnets[i], c->sublens[i]))
            idx[n++] = c->nif + i;
    for (size_t i = 0; i < c->nrel && n < max; i++) {
        bool hit = nl > 0 && k->src && memcmp(k->src, &c->relays[i], 16) == 0;
        for (size_t j = 0; j < nl && !hit; j++)
            hit = memcmp(&links[j], &c->relays[i], 16) == 0;
        if (hit)
            idx[n++] = c->nif + c->nsub + i;
    }
    return n;
}

/* ------------------------------------------------------------------------- */
/* Output */

struct sb {
    char *p;
    size_t len, cap;
    bool fail;
};

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    if (b->fail)
        return;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->fail = true;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->fail = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
}

/* A JSON string: quotes, backslashes and controls escaped (RFC 8259 §7). */
static void sb_json_str(struct sb *b, const char *s)
{
    sb_printf(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sb_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            sb_printf(b, "\\u%04x", c);
        else
            sb_printf(b, "%c", c);
    }
    sb_printf(b, "\"");
}

static char *sb_done(struct sb *b)
{
    if (b->fail || !b->p) {
        free(b->p);
        return NULL;
    }
    return b->p;
}

/* Message types as dhcpkit names them: c->s in messages_in, s->c in
 * messages_out (RFC 8415 §7.3, RFC 5007 §4). */
static const struct {
    uint8_t type;
    const char *key, *label;
} types_in[] = {
    {1, "solicit", "Solicit"},        {3, "request", "Request"},
    {4, "confirm", "Confirm"},        {5, "renew", "Renew"},
    {6, "rebind", "Rebind"},          {8, "release", "Release"},
    {9, "decline", "Decline"},        {11, "information_request", "InformationRequest"},
    {14, "leasequery", "Leasequery"},
};
static const struct {
    uint8_t type;
    const char *key, *label;
} types_out[] = {
    {2, "advertise", "Advertise"},
    {7, "reply", "Reply"},
    {10, "reconfigure", "Reconfigure"},
    {15, "leasequery_reply", "LeasequeryReply"},
    {16, "leasequery_done", "LeasequeryDone"},
    {17, "leasequery_data", "LeasequeryData"},
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void text_set(struct sb *b, const struct dk_totals *t, const uint64_t *kernel_drops)
{
    sb_printf(b, "- Packets\n");
    sb_printf(b, "  - Incoming packets: %llu\n", (unsigned long long)t->incoming_packets);
    sb_printf(b, "  - Outgoing packets: %llu\n", (unsigned long long)t->outgoing_packets);
    sb_printf(b, "- Errors\n");
    sb_printf(b, "  - Unparsable packets: %llu\n", (unsigned long long)t->unparsable_packets);
    sb_printf(b, "  - Handling errors: %llu\n", (unsigned long long)t->handling_errors);
    if (kernel_drops)
        sb_printf(b, "  - Kernel drops: %llu\n", (unsigned long long)*kernel_drops);
    sb_printf(b, "- Special replies\n");
    sb_printf(b, "  - For other server: %llu\n", (unsigned long long)t->for_other_server);
    sb_printf(b, "  - Do not respond: %llu\n", (unsigned long long)t->do_not_respond);
    sb_printf(b, "  - Use multicast: %llu\n", (unsigned long long)t->use_multicast);
    sb_printf(b, "  - Not allowed: %llu\n", (unsigned long long)t->not_allowed);
    sb_printf(b, "  - Rate limited: %llu\n", (unsigned long long)t->rate_limited);
    if (t->tcp_accepted || t->tcp_refused_acl || t->tcp_refused_limit) {
        sb_printf(b, "- TCP connections (<listen-tcp>)\n");
        sb_printf(b, "  - Accepted: %llu\n", (unsigned long long)t->tcp_accepted);
        sb_printf(b, "  - Refused (allow-from): %llu\n", (unsigned long long)t->tcp_refused_acl);
        sb_printf(b, "  - Refused (max-connections): %llu\n",
                  (unsigned long long)t->tcp_refused_limit);
        sb_printf(b, "  - Closed (idle or stalled): %llu\n", (unsigned long long)t->tcp_closed_idle);
        sb_printf(b, "  - Closed (bad message): %llu\n", (unsigned long long)t->tcp_closed_garbage);
        sb_printf(b, "  - TCP queries: %llu\n", (unsigned long long)t->tcp_queries);
    }
    sb_printf(b, "- Incoming messages\n");
    for (size_t i = 0; i < NELEM(types_in); i++)
        sb_printf(b, "  - %s: %llu\n", types_in[i].label,
                  (unsigned long long)t->messages_in[types_in[i].type]);
    sb_printf(b, "- Outgoing messages\n");
    for (size_t i = 0; i < NELEM(types_out); i++)
        sb_printf(b, "  - %s: %llu\n", types_out[i].label,
                  (unsigned long long)t->messages_out[types_out[i].type]);
}

static void cat_name(const struct dk_stats_cats *c, size_t i, char *out, size_t len)
{
    char a[INET6_ADDRSTRLEN];
    if (i < c->nif) {
        snprintf(out, len, "%s", c->ifnames[i]);
    } else if (i < c->nif + c->nsub) {
        inet_ntop(AF_INET6, &c->subnets[i - c->nif], a, sizeof(a));
        snprintf(out, len, "%s/%u", a, c->sublens[i - c->nif]);
    } else {
        inet_ntop(AF_INET6, &c->relays[i - c->nif - c->nsub], a, sizeof(a));
        snprintf(out, len, "%s", a);
    }
}

char *dk__stats_text(const struct dk_totals *global, uint64_t kernel_drops,
                     const struct dk_stats_cats *cats, const struct dk_stats_listener *ls,
                     size_t nls)
{
    struct sb b = {0};
    sb_printf(&b, "Global\n");
    text_set(&b, global, &kernel_drops);
    static const char *const kinds[] = {"Interface", "Subnet", "Relay"};
    for (size_t i = 0; cats && i < cats->ncat; i++) {
        char name[80];
        struct dk_totals t;
        size_t kind = i < cats->nif ? 0 : i < cats->nif + cats->nsub ? 1 : 2;
        cat_name(cats, i, name, sizeof(name));
        dk__stats_cats_total(cats, i, &t);
        sb_printf(&b, "\n%s %s\n", kinds[kind], name);
        text_set(&b, &t, NULL);
    }
    for (size_t i = 0; i < nls; i++) {
        if (i == 0)
            sb_printf(&b, "\nListeners\n");
        sb_printf(&b, "- %s: %llu kernel drops\n", ls[i].name,
                  (unsigned long long)ls[i].kernel_drops);
    }
    /* Without the last newline: the protocol adds one per line. */
    if (b.p && b.len && b.p[b.len - 1] == '\n')
        b.p[--b.len] = '\0';
    return sb_done(&b);
}

static void json_set(struct sb *b, const struct dk_totals *t, const uint64_t *kernel_drops)
{
    sb_printf(b, "{");
#define DK_STATS_JSON(key, label) sb_printf(b, "\"" #key "\": %llu, ", (unsigned long long)t->key);
    DK_STATS_COUNTERS(DK_STATS_JSON)
#undef DK_STATS_JSON
    if (kernel_drops)
        sb_printf(b, "\"kernel_drops\": %llu, ", (unsigned long long)*kernel_drops);
    sb_printf(b, "\"messages_in\": {");
    for (size_t i = 0; i < NELEM(types_in); i++)
        sb_printf(b, "%s\"%s\": %llu", i ? ", " : "", types_in[i].key,
                  (unsigned long long)t->messages_in[types_in[i].type]);
    sb_printf(b, "}, \"messages_out\": {");
    for (size_t i = 0; i < NELEM(types_out); i++)
        sb_printf(b, "%s\"%s\": %llu", i ? ", " : "", types_out[i].key,
                  (unsigned long long)t->messages_out[types_out[i].type]);
    sb_printf(b, "}}");
}

char *dk__stats_json(const struct dk_totals *global, uint64_t kernel_drops,
                     const struct dk_stats_cats *cats, const struct dk_stats_listener *ls,
                     size_t nls)
{
    struct sb b = {0};
    sb_printf(&b, "{\"global\": ");
    json_set(&b, global, &kernel_drops);
    static const char *const keys[] = {"interfaces", "subnets", "relays"};
    size_t from = 0;
    for (size_t kind = 0; kind < 3; kind++) {
        size_t n = !cats ? 0 : kind == 0 ? cats->nif : kind == 1 ? cats->nsub : cats->nrel;
        sb_printf(&b, ", \"%s\": {", keys[kind]);
        for (size_t i = from; i < from + n; i++) {
            char name[80];
            struct dk_totals t;
            cat_name(cats, i, name, sizeof(name));
            dk__stats_cats_total(cats, i, &t);
            sb_printf(&b, "%s", i > from ? ", " : "");
            sb_json_str(&b, name);
            sb_printf(&b, ": ");
            json_set(&b, &t, NULL);
        }
        sb_printf(&b, "}");
        from += n;
    }
    sb_printf(&b, ", \"listeners\": {");
    for (size_t i = 0; i < nls; i++) {
        sb_printf(&b, "%s", i ? ", " : "");
        sb_json_str(&b, ls[i].name);
        sb_printf(&b, ": {\"kernel_drops\": %llu}", (unsigned long long)ls[i].kernel_drops);
    }
    sb_printf(&b, "}}");
    return sb_done(&b);
}
