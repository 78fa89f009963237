/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writing LMDB assignment files in tests (tests/unit/store/test_lmdb.c,
 * tests/unit/handlers/test_static_lmdb.c) as ipv6-dhcp-build-lmdb does: the
 * record encoder of src/store/lmdb.c, a new file renamed over the old.
 * Include it after <cmocka.h>: it asserts.
 */
#ifndef DHCPKIT_TESTS_LMDB_TESTFILE_H
#define DHCPKIT_TESTS_LMDB_TESTFILE_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include <dhcpkit/store.h>

#include "lmdb_format.h"

/* A row of a test file: a CSV id form, an address, a prefix (NULL: none). */
struct trow {
    const char *id, *addr, *prefix;
};

static inline void parse_row(const struct trow *r, uint8_t *key, size_t *keylen,
                             struct dk_assignment *a)
{
    const char *why = NULL;
    *keylen = dk_store_parse_id(r->id, strlen(r->id), key, 512, &why);
    assert_true(*keylen > 0);
    memset(a, 0, sizeof(*a));
    if (r->addr) {
        a->has_address = true;
        assert_int_equal(inet_pton(AF_INET6, r->addr, a->address), 1);
    }
    if (r->prefix) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", r->prefix);
        char *slash = strchr(buf, '/');
        assert_non_null(slash);
        *slash = 0;
        a->has_prefix = true;
        a->prefix_len = (uint8_t)atoi(slash + 1);
        assert_int_equal(inet_pton(AF_INET6, buf, a->prefix), 1);
    }
}

static inline void put_meta(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t v, size_t n)
{
    uint8_t buf[8];
    dk__lmdb_put_be(buf, v, n);
    MDB_val k = {strlen(name), (void *)(uintptr_t)name}, d = {n, buf};
    assert_int_equal(mdb_put(txn, dbi, &k, &d, 0), 0);
}

/* Writes an LMDB file of the rows at file.tmp and renames it over file, as
 * ipv6-dhcp-build-lmdb does (in any order: plain puts). format 0: no meta
 * database at all. */
static inline void build_fmt(const char *file, const struct trow *rows, size_t n, uint32_t format)
{
    char tmp[160];
    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    unlink(tmp);
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi adb, mdb;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 2), 0);
    assert_int_equal(mdb_env_open(env, tmp, MDB_NOSUBDIR | MDB_NOLOCK, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, DK__LMDB_DB_ASSIGNMENTS, MDB_CREATE, &adb), 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t key[512], rec[DK__LMDB_RECORD_LEN];
        size_t keylen;
        struct dk_assignment a;
        parse_row(&rows[i], key, &keylen, &a);
        dk__lmdb_record_encode(&a, rec);
        MDB_val k = {keylen, key}, d = {sizeof(rec), rec};
        assert_int_equal(mdb_put(txn, adb, &k, &d, 0), 0);
    }
    if (format) {
        assert_int_equal(mdb_dbi_open(txn, DK__LMDB_DB_META, MDB_CREATE, &mdb), 0);
        put_meta(txn, mdb, DK__LMDB_META_FORMAT, format, 4);
        put_meta(txn, mdb, DK__LMDB_META_MTIME, 1234567890123456789ull, 8);
        put_meta(txn, mdb, DK__LMDB_META_ROWS, n, 8);
    }
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    assert_int_equal(rename(tmp, file), 0);
}

static inline void build(const char *file, const struct trow *rows, size_t n)
{
    build_fmt(file, rows, n, DK__LMDB_FORMAT);
}

static inline void write_text(const char *file, const char *text)
{
    char tmp[160];
    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(rename(tmp, file), 0);
}

#endif
