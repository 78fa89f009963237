/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_STORE_H
#define DHCPKIT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/build.h>
#include <dhcpkit/config.h>

/*
 * Assignment stores: where static-csv (and later static-sqlite, static-lmdb)
 * find the fixed address and/or prefix of a client. A handler reaches a store
 * only through struct dk_store_ops; the CSV table (src/store/csv.c) is one
 * implementation.
 *
 * Keys. Every backend looks clients up by the same normalised key: one kind
 * octet (enum dk_store_kind) followed by the option's fields as they are on
 * the wire: DUID octets; Interface-ID octets; Remote-ID enterprise number
 * (4 octets, network order) then the remote-id; Subscriber-ID octets;
 * link-layer type (2 octets, network order) then the address. A CSV's
 * `interface-id-str:eth0` and `interface-id:65:74:68:30` are the same key.
 */

enum dk_store_kind {
    DK_STORE_DUID = 1,
    DK_STORE_INTERFACE_ID = 2,
    DK_STORE_REMOTE_ID = 3,
    DK_STORE_SUBSCRIBER_ID = 4,
    DK_STORE_LINKLAYER_ID = 5,
};

/* The longest key: a kind octet and an option body (16-bit length). */
#define DK_STORE_MAX_KEY (1 + 65535)

/* What a client is assigned: an address, a prefix, or both. */
struct dk_assignment {
    bool has_address, has_prefix;
    uint8_t address[16];
    uint8_t prefix[16];
    uint8_t prefix_len;
};

/* How a store is opened. */
struct dk_store_options {
    /* Bad rows tolerated (skipped and counted) before the file is refused. */
    unsigned max_bad_rows;
    /* Gets "file:line: reason" for each tolerated bad row (may be NULL). */
    struct dk_config_errors *skipped;
};

/* What opening found. */
struct dk_store_stats {
    size_t rows;     /* assignments loaded */
    size_t bad_rows; /* rows refused (skipped, when tolerated) */
};

struct dk_store_ops {
    const char *name;
    /* Opens the store at path. Returns 0 and *store, or a negative DK_E*:
     * DK_EINVAL when the data is bad, after adding every bad row to errs as
     * "file:line: reason" (file errors as "file: reason"); DK_ENOMEM. The
     * store is immutable and may be used by any number of threads at once. */
    int (*open)(const char *path, const struct dk_store_options *opt, void **store,
                struct dk_store_stats *stats, struct dk_config_errors *errs);
    /* Looks up a normalised key. Returns 1 and *out, 0 when there is no such
     * client, or a negative DK_E*. */
    int (*lookup)(const void *store, const uint8_t *key, size_t keylen, struct dk_assignment *out);
    /* Releases the store; close(NULL) is a no-op. */
    void (*close)(void *store);
};

/* The CSV table, loaded whole (src/store/csv.c). */
extern const struct dk_store_ops dk_store_csv;
/* SQLite, read live: the original's assignments table (src/store/sqlite.c). */
extern const struct dk_store_ops dk_store_sqlite;
/* LMDB, read-only and zero-copy, reopened when the file is replaced
 * (src/store/lmdb.c). */
extern const struct dk_store_ops dk_store_lmdb;
/* Whether path is an LMDB assignments file of ours (ipv6-dhcp-build-lmdb):
 * 1 yes, 0 no (not LMDB, or LMDB without our format), DK_EINVAL when it
 * cannot be opened (dk_store_lmdb.open says why). */
int dk_store_lmdb_probe(const char *path);
/* Where an open LMDB store logs what its lookups notice (a replaced file
 * picked up or refused); log must stay valid until close. Call it before
 * the first lookup. */
struct dk_log;
void dk_store_lmdb_set_log(void *store, const struct dk_log *log);

/* Calls fn for every row of an open CSV table, in file order, until fn
 * returns non-zero (which is returned). key stays valid while the table is
 * open; a is valid only during the call (copy it). The build tools and the reload
 * guard walk tables with it. */
int dk_store_csv_foreach(const void *table,
                         int (*fn)(void *ctx, const uint8_t *key, size_t keylen,
                                   const struct dk_assignment *a),
                         void *ctx);

/* How many ids of CSV table old are not in CSV table now: the reload
 * guard's count. Walks old with dk_store_csv_foreach, following now in step
 * (an export usually keeps its order, so this is mostly sequential) and
 * looking ids up where the two differ. */
size_t dk_store_csv_missing(const void *old, const void *now);

/* Writes the key of kind with its wire fields into out (cap octets): sub is
 * the enterprise number (remote-id) or link-layer type (linklayer-id) and is
 * ignored for the other kinds. Returns the key length, or 0 when it does not
 * fit. */
size_t dk_store_key(enum dk_store_kind kind, uint32_t sub, const uint8_t *p, size_t n, uint8_t *out,
                    size_t cap);

/* Parses one CSV id ("duid:0001...", "remote-id-str:3561:cust1", ...) into a
 * key. Returns the key length, or 0 with a reason in why. */
size_t dk_store_parse_id(const char *text, size_t n, uint8_t *out, size_t cap, const char **why);

/* Writes a key as the original dhcpkit's normalised text id, NUL-ended:
 * "duid:HEX", "interface-id:HEX", "remote-id:EN:HEX", "subscriber-id:HEX",
 * "linklayer-id:TYPE:HEX", hex in lower case. Returns its length, or 0 when
 * the key is malformed or out (cap octets) is too small: 2 * keylen + 24
 * always suffices. */
size_t dk_store_key_text(const uint8_t *key, size_t keylen, char *out, size_t cap);

#endif
