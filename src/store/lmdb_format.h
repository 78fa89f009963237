/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The LMDB assignments file (src/store/lmdb.c), as ipv6-dhcp-build-lmdb
 * writes it and the static-lmdb store reads it. Internal to the store and the
 * build tool.
 *
 * One file (MDB_NOSUBDIR), two named databases:
 *
 *   "assignments"  key:   a normalised key (include/dhcpkit/store.h): kind
 *                         octet + wire fields, at most the environment's
 *                         maximum key size (511 octets with Debian's liblmdb)
 *                  value: DK__LMDB_RECORD_LEN (36) octets:
 *                         0      record format version (DK__LMDB_RECORD_V1)
 *                         1      flags: bit 0 address, bit 1 prefix; others 0
 *                         2      prefix length (0..128; 0 without a prefix)
 *                         3      0
 *                         4..19  address (zero without one)
 *                         20..35 prefix (zero without one)
 *   "meta"         "format"        4 octets, big-endian: DK__LMDB_FORMAT
 *                  "csv-mtime-ns"  8 octets, big-endian, two's complement:
 *                                  the CSV's modification time (ns)
 *                  "rows"          8 octets, big-endian: entries in
 *                                  "assignments"
 *
 * A file without "meta", or with another "format", is not ours.
 */
#ifndef DHCPKIT_STORE_LMDB_FORMAT_H
#define DHCPKIT_STORE_LMDB_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include <dhcpkit/store.h>

#define DK__LMDB_FORMAT       1u
#define DK__LMDB_RECORD_V1    1u
#define DK__LMDB_RECORD_LEN   36
#define DK__LMDB_FLAG_ADDRESS 0x01u
#define DK__LMDB_FLAG_PREFIX  0x02u

#define DK__LMDB_DB_ASSIGNMENTS "assignments"
#define DK__LMDB_DB_META        "meta"
#define DK__LMDB_META_FORMAT    "format"
#define DK__LMDB_META_MTIME     "csv-mtime-ns"
#define DK__LMDB_META_ROWS      "rows"

/* The flags every environment of ours is opened with (read-only use adds
 * MDB_RDONLY | MDB_NOLOCK, see lmdb.c). */
#define DK__LMDB_ENV_FLAGS MDB_NOSUBDIR

/* What "meta" says. */
struct dk__lmdb_meta {
    uint32_t format;
    int64_t csv_mtime_ns;
    uint64_t rows;
};

/* An open environment of ours: what dk__lmdb_open gives. */
struct dk__lmdb_env {
    MDB_env *env;
    MDB_dbi assignments, meta;
    struct dk__lmdb_meta m;
};

/* Outcomes of dk__lmdb_open. */
enum {
    DK__LMDB_OK = 0,
    DK__LMDB_CANNOT_OPEN = 1, /* the file cannot be opened or read (why says) */
    DK__LMDB_NOT_OURS = 2,    /* not an LMDB file, or not one of ours */
    DK__LMDB_NOMEM = 3,
};

/* Opens path read-only without a lock file (MDB_NOLOCK: see lmdb.c for why
 * that is safe) and checks that it is ours. Returns DK__LMDB_OK and fills
 * out (close it with dk__lmdb_close), or another outcome with a reason in why
 * (whylen octets, NUL-ended). */
int dk__lmdb_open(const char *path, struct dk__lmdb_env *out, char *why, size_t whylen);
void dk__lmdb_close(struct dk__lmdb_env *e);

/* Encodes a into a record (out: DK__LMDB_RECORD_LEN octets). */
void dk__lmdb_record_encode(const struct dk_assignment *a, uint8_t *out);
/* Decodes a record; false when it is malformed. */
bool dk__lmdb_record_decode(const uint8_t *p, size_t n, struct dk_assignment *a);

/* Writes v as n octets, big-endian (the meta values). */
void dk__lmdb_put_be(uint8_t *p, uint64_t v, size_t n);

/* How often lookups look at the file for a replacement, in ms (default 1000).
 * Read when a store is opened; tests lower it. */
extern long dk__store_lmdb_check_ms;

#endif
