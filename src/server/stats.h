/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_STATS_H
#define DHCPKIT_SERVER_STATS_H

/*
 * Statistics with the keys of dhcpkit (statistics.py), plus rate_limited and
 * kernel_drops. Every worker thread has its own counters and is their only
 * writer: a count is a relaxed load and store, no lock and no shared cache
 * line. Readers (the control socket) sum all workers with relaxed loads;
 * a sum may be a few packets behind, never torn.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>

#include <dhcpkit/config.h>

/* The scalar counters: the JSON key, the text label. */
#define DK_STATS_COUNTERS(X)                                                                       \
    X(incoming_packets, "Incoming packets")                                                        \
    X(outgoing_packets, "Outgoing packets")                                                        \
    X(unparsable_packets, "Unparsable packets")                                                    \
    X(handling_errors, "Handling errors")                                                          \
    X(for_other_server, "For other server")                                                        \
    X(do_not_respond, "Do not respond")                                                            \
    X(use_multicast, "Use multicast")                                                              \
    X(not_allowed, "Not allowed")                                                                  \
    X(rate_limited, "Rate limited")                                                                \
    X(tcp_accepted, "TCP connections accepted")                                                    \
    X(tcp_refused_acl, "TCP connections refused (allow-from)")                                     \
    X(tcp_refused_limit, "TCP connections refused (max-connections)")                              \
    X(tcp_closed_idle, "TCP connections closed (idle or stalled)")                                 \
    X(tcp_closed_garbage, "TCP connections closed (bad message)")                                  \
    X(tcp_queries, "TCP queries")

/* Message types are counted below this number (RFC 8415 and later). */
#define DK_STATS_NTYPES 40

struct dk_counters {
#define DK_STATS_FIELD(key, label) _Atomic uint64_t key;
    DK_STATS_COUNTERS(DK_STATS_FIELD)
#undef DK_STATS_FIELD
    _Atomic uint64_t messages_in[DK_STATS_NTYPES];
    _Atomic uint64_t messages_out[DK_STATS_NTYPES];
};

/* A sum, owned by one reader. */
struct dk_totals {
#define DK_STATS_FIELD(key, label) uint64_t key;
    DK_STATS_COUNTERS(DK_STATS_FIELD)
#undef DK_STATS_FIELD
    uint64_t messages_in[DK_STATS_NTYPES];
    uint64_t messages_out[DK_STATS_NTYPES];
};

/* Counts one event; only the owning worker calls it. */
static inline void dk__count(_Atomic uint64_t *c)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

/* t += c (relaxed loads). */
void dk__totals_add(struct dk_totals *t, const struct dk_counters *c);
/* t += u. */
void dk__totals_merge(struct dk_totals *t, const struct dk_totals *u);

/*
 * The optional categories of <statistics>: per server interface (the one a
 * request came in on), per subnet (the link address of the client: the
 * innermost relay's link-address that is not ::, or the interface's for a
 * direct client) and per relay (a relay's source address, or any
 * link-address of the relay chain). Immutable once built; counters for
 * nslots workers.
 */
struct dk_stats_cats {
    size_t nif, nsub, nrel, ncat; /* ncat = nif + nsub + nrel */
    char (*ifnames)[IF_NAMESIZE];
    struct in6_addr *subnets;
    uint8_t *sublens;
    struct in6_addr *relays;
    size_t nslots;
    struct dk_counters *counters; /* [slot * ncat + cat] */
    struct dk_totals *base;       /* [cat]: carried over from the previous set */
};

/* Builds the categories of root's <statistics> for nslots workers. Returns
 * NULL when out of memory. */
struct dk_stats_cats *dk__stats_cats_new(const struct dk_config_section *root, size_t nslots);
void dk__stats_cats_free(struct dk_stats_cats *c);

/* The total of category i (base + every slot). */
void dk__stats_cats_total(const struct dk_stats_cats *c, size_t i, struct dk_totals *t);

/* Carries the totals of old's categories over to the same categories of
 * nw (into nw->base). old must no longer be written to. */
void dk__stats_cats_carry(struct dk_stats_cats *nw, const struct dk_stats_cats *old);

/* What the categories need to know of one request. */
struct dk_stats_key {
    const char *ifname;
    const struct in6_addr *src;  /* the sender */
    const struct in6_addr *link; /* a direct client's link address */
    const uint8_t *data;         /* the datagram, to find relay link-addresses */
    size_t len;
};

/* Fills idx with the categories the request counts in (at most max);
 * returns how many. Walks the relay chain (bounded) only when subnet or
 * relay categories exist. */
size_t dk__stats_cats_match(const struct dk_stats_cats *c, const struct dk_stats_key *k,
                            size_t *idx, size_t max);

/* Extra per-listener figures for the output. */
struct dk_stats_listener {
    char name[64];
    uint64_t kernel_drops;
};

/* The statistics as text (the original's layout) or as one line of JSON
 * (the original's keys). Returns a malloc'd string or NULL. */
char *dk__stats_text(const struct dk_totals *global, uint64_t kernel_drops,
                     const struct dk_stats_cats *cats, const struct dk_stats_listener *ls,
                     size_t nls);
char *dk__stats_json(const struct dk_totals *global, uint64_t kernel_drops,
                     const struct dk_stats_cats *cats, const struct dk_stats_listener *ls,
                     size_t nls);

#endif
