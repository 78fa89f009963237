/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_HANDLERS_LQ_STORE_H
#define DHCPKIT_HANDLERS_LQ_STORE_H

/*
 * The leasequery's lease store (<lq-sqlite FILE>): an SQLite file in WAL
 * mode, written by one writer thread (leasequery.c) and read by the workers
 * and by bulk answers, each with a connection of its own.
 *
 * A client is its DUID on one link (the link-address of the transaction);
 * it has leases (addresses, and prefixes as their first and last address),
 * the ids of its relays (Relay-ID and Remote-ID of every relay of the chain
 * last seen), the relay chain itself for OPTION_LQ_RELAY_DATA, the other
 * options of the last Reply, and the time of that Reply. Times are wall
 * clock seconds; a lease whose valid lifetime has ended is not found and is
 * purged by dk__lqs_purge().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dk__lqs;

/* Bounds of one update: leases and relay ids. */
#define DK__LQ_MAX_LEASES 256
#define DK__LQ_MAX_IDS    (2 * 32)

/* RFC 8415 §21.6, §21.22: an address (plen 128, !prefix) or a prefix. */
struct dk__lq_lease {
    uint8_t addr[16];
    uint8_t plen;
    bool prefix;
    uint32_t pref, valid; /* lifetimes as given; DK_INFINITY never ends */
};

/* A relay's id: kind DK_OPT_RELAY_ID (its DUID) or DK_OPT_REMOTE_ID (the
 * option's body: enterprise number and remote-id). */
struct dk__lq_id {
    uint16_t kind;
    const uint8_t *p;
    size_t n;
};

/* What one Reply tells: the leases it gives (valid > 0) or ends (valid 0,
 * or remove: a Release or Decline). Borrowed for the call. */
struct dk__lq_update {
    const uint8_t *duid;
    size_t duid_len;
    uint8_t link[16];
    int64_t now;
    bool remove;
    const struct dk__lq_lease *leases;
    size_t nleases;
    const struct dk__lq_id *ids;
    size_t nids;
    const uint8_t *relay_data; /* the body of an OPTION_LQ_RELAY_DATA, or NULL */
    size_t relay_data_len;
    const uint8_t *options; /* the Reply's other options, encoded, or NULL */
    size_t options_len;
};

/* Opens path: for writing (made if missing, with its tables) or read-only.
 * Returns 0, or DK_EINVAL with a message in err. */
int dk__lqs_open(const char *path, bool write, struct dk__lqs **out, char *err, size_t errlen);
/* Closes s (and every cursor must be gone first); NULL is a no-op. */
void dk__lqs_close(struct dk__lqs *s);

/* A transaction around several updates (the writer's batch). */
void dk__lqs_begin(struct dk__lqs *s);
void dk__lqs_commit(struct dk__lqs *s);
/* Applies one update. Returns 0 or DK_EINVAL (an SQLite error). */
int dk__lqs_apply(struct dk__lqs *s, const struct dk__lq_update *u);
/* Removes the leases that ended before now and the clients left without any. */
int dk__lqs_purge(struct dk__lqs *s, int64_t now);

/* A query (RFC 5007 §4.1.2.1, RFC 5460 §5.3). key: the address (16
 * octets), DUID, Relay-ID DUID or Remote-ID body; link :: matches every
 * link (for a query by link-address it is the key). */
struct dk__lq_query {
    unsigned type; /* DK_LQ_QUERY_BY_* */
    uint8_t link[16];
    const uint8_t *key;
    size_t keylen;
    int64_t now;
};

/* One client found; everything borrowed until the next dk__lqc_next(). */
struct dk__lq_client {
    int64_t id;
    const uint8_t *duid;
    size_t duid_len;
    const uint8_t *link; /* 16 octets */
    int64_t last;
    const uint8_t *relay_data;
    size_t relay_data_len;
    const uint8_t *options;
    size_t options_len;
};

struct dk__lqc;

/* A cursor over the clients with live leases that match q, in a stable
 * order. Takes memory for one client whatever the number of matches.
 * Returns 0, or DK_EINVAL / DK_ENOMEM. */
int dk__lqc_open(struct dk__lqs *s, const struct dk__lq_query *q, struct dk__lqc **out);
/* The next client: 1 (filled), 0 at the end, or DK_EINVAL. */
int dk__lqc_next(struct dk__lqc *c, struct dk__lq_client *out);
/* The live leases of the current client, one per call: 1, 0 at the end. */
int dk__lqc_lease(struct dk__lqc *c, struct dk__lq_lease *out);
void dk__lqc_close(struct dk__lqc *c);

#endif
