/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SQLite store (src/store/sqlite.c): databases written here with plain
 * SQL in the original dhcpkit's schema and text ids, as its Python
 * ipv6-dhcp-build-sqlite wrote them; every CSV id form finds its row; bad
 * rows assign nothing; files that are not such a database are refused;
 * changes are seen by the next lookup (WAL and rollback journal, and a file
 * replaced by another); lookups from several threads during rebuilds.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_test.h"
#include <sqlite3.h>

#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

static char dir[64], db[128];

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS assignments (id TEXT NOT NULL PRIMARY "
    "KEY, address TEXT, prefix TEXT, csv_mtime INT NOT NULL) WITHOUT ROWID";

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/dk-test-sqlite-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof(db), "%s/a.sqlite", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs SQL on path with a read-write connection (created if need be). */
static void sql(const char *path, const char *text)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    char *msg = NULL;
    int rc = sqlite3_exec(h, text, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", text, msg);
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
    assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

static void fresh(const char *journal)
{
    char text[512];
    unlink(db);
    snprintf(text, sizeof(text), "%s-wal", db);
    unlink(text);
    snprintf(text, sizeof(text), "%s-shm", db);
    unlink(text);
    snprintf(text, sizeof(text), "PRAGMA journal_mode=%s; %s;", journal, SCHEMA);
    sql(db, text);
}

static int open_db(const char *path, void **s, struct dk_store_stats *st,
                   struct dk_config_errors *errs, struct dk_config_errors *skipped)
{
    dk_config_errors_init(errs);
    dk_config_errors_init(skipped);
    struct dk_store_options opt = {0, skipped};
    return dk_store_sqlite.open(path, &opt, s, st, errs);
}

static void *open_ok(size_t rows, size_t bad)
{
    void *s = NULL;
    struct dk_store_stats st;
    struct dk_config_errors e, k;
    int rc = open_db(db, &s, &st, &e, &k);
    if (rc)
        dk_config_errors_print(&e, stderr);
    assert_int_equal(rc, 0);
    assert_non_null(s);
    assert_int_equal(e.n, 0);
    assert_int_equal(st.rows, rows);
    assert_int_equal(st.bad_rows, bad);
    assert_int_equal(k.n, bad);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    return s;
}

/* Looks up a CSV id form; returns 1/0 and fills a. */
static int lookup_id(void *s, const char *id, struct dk_assignment *a)
{
    return store_lookup(&dk_store_sqlite, s, id, a);
}


static void expect(void *s, const char *id, const char *addr, const char *prefix, unsigned plen)
{
    struct dk_assignment a;
    int rc = lookup_id(s, id, &a);
    if (rc != 1)
        fprintf(stderr, "%s: %d\n", id, rc);
    assert_int_equal(rc, 1);
    assert_a(&a, addr, prefix, plen);
}

static void expect_none(void *s, const char *id)
{
    struct dk_assignment a;
    assert_int_equal(lookup_id(s, id, &a), 0);
}

/* The rows as the Python tool wrote them: normalised text ids, str() of
 * the address and the network. */
static const char ORIGINAL_ROWS[] =
    "INSERT INTO assignments VALUES"
    " ('duid:000100011d1d6071002436ef1d89', '2001:db8::1', '2001:db8:1::/48', 1466000000000000000),"
    " ('interface-id:4661312f392f3333', '2001:db8::1003', '2001:db8:1003::/48', 1),"
    " ('interface-id:4661312f392f3335', '2001:db8::1005', '2001:db8:1005::/48', 1),"
    " ('remote-id:40208:437573746f6d657231', '2001:db8::2001', '2001:db8:2001::/48', 1),"
    " ('remote-id:40208:437573746f6d657235', '2001:db8::2005', '2001:db8:2005::/48', 1),"
    " ('subscriber-id:0102ab', NULL, '2001:db8:3001::/56', 1),"
    " ('subscriber-id:7375622d37', '2001:db8::3007', NULL, 1),"
    " ('linklayer-id:1:002436ef1d89', '2001:db8::4001', '', 1),"
    " ('linklayer-id:6:6c6c2d737472', '', '2001:db8:4006::/64', 1),"
    " ('duid:00030001aabbccddeeff', '2001:8640:1::1:2:3:4', NULL, 1);";

static void test_original_database(void **state)
{
    (void)state;
    /* The Python tool left its databases in rollback-journal mode. */
    fresh("DELETE");
    sql(db, ORIGINAL_ROWS);
    void *s = open_ok(10, 0);
    expect(s, "duid:000100011d1d6071002436ef1d89", "2001:db8::1", "2001:db8:1::", 48);
    expect(s, "duid:00:01:00:01:1D:1D:60:71:00:24:36:EF:1D:89", "2001:db8::1", "2001:db8:1::", 48);
    expect(s, "interface-id:46:61:31:2f:39:2f:33:33", "2001:db8::1003", "2001:db8:1003::", 48);
    expect(s, "interface-id-str:Fa1/9/35", "2001:db8::1005", "2001:db8:1005::", 48);
    expect(s, "remote-id:40208:437573746f6d657231", "2001:db8::2001", "2001:db8:2001::", 48);
    expect(s, "remote-id-str:40208:Customer5", "2001:db8::2005", "2001:db8:2005::", 48);
    expect(s, "subscriber-id:01:02:AB", NULL, "2001:db8:3001::", 56);
    expect(s, "subscriber-id-str:sub-7", "2001:db8::3007", NULL, 0);
    expect(s, "linklayer-id:1:00:24:36:ef:1d:89", "2001:db8::4001", NULL, 0);
    expect(s, "linklayer-id-str:6:ll-str", NULL, "2001:db8:4006::", 64);
    expect(s, "duid:00030001aabbccddeeff", "2001:8640:1::1:2:3:4", NULL, 0);
    /* Same octets, another kind, enterprise or type: another client. */
    expect_none(s, "interface-id:000100011d1d6071002436ef1d89");
    expect_none(s, "remote-id-str:40209:Customer5");
    expect_none(s, "linklayer-id-str:1:ll-str");
    expect_none(s, "subscriber-id-str:sub-8");
    expect_none(s, "duid:000100011d1d6071002436ef1d8a");
    dk_store_sqlite.close(s);
}

static void test_long_id(void **state)
{
    (void)state;
    /* An id longer than the lookup's stack buffer. */
    char row[1200] = "INSERT INTO assignments VALUES ('interface-id:", id[700] = "interface-id:";
    for (int i = 0; i < 300; i++) {
        strcat(row, "ab");
        strcat(id, "ab");
    }
    strcat(row, "', '2001:db8::ab', NULL, 1)");
    fresh("WAL");
    sql(db, row);
    void *s = open_ok(1, 0);
    expect(s, id, "2001:db8::ab", NULL, 0);
    id[strlen(id) - 1] = 'c';
    expect_none(s, id);
    dk_store_sqlite.close(s);
}

static void test_bad_rows(void **state)
{
    (void)state;
    fresh("WAL");
    sql(db, "INSERT INTO assignments VALUES"
            " ('duid:01', 'nonsense', '2001:db8:1::/48', 1),"
            " ('duid:02', '2001:db8::2', '2001:db8:2::1/48', 1)," /* bits after the length */
            " ('duid:03', '2001:db8::3', '2001:db8:3::/129', 1),"
            " ('duid:04', '2001:db8::4', '2001:db8:4::', 1),"
            " ('duid:05', '192.0.2.1', NULL, 1),"
            " ('duid:06', X'00ff', NULL, 1),"
            " ('duid:07', '2001:db8::7', '2001:db8:7::/56', 1);");
    void *s = NULL;
    struct dk_store_stats st;
    struct dk_config_errors e, k;
    assert_int_equal(open_db(db, &s, &st, &e, &k), 0);
    assert_int_equal(st.rows, 1);
    assert_int_equal(st.bad_rows, 6);
    assert_int_equal(k.n, 6);
    char line[512], want[256];
    dk_config_error_format(&k.v[0], line, sizeof(line));
    snprintf(want, sizeof(want), "%s: id 'duid:01': bad address 'nonsense', assigns nothing", db);
    assert_string_equal(line, want);
    dk_config_error_format(&k.v[1], line, sizeof(line));
    snprintf(want, sizeof(want), "%s: id 'duid:02': bad prefix '2001:db8:2::1/48', assigns nothing",
             db);
    assert_string_equal(line, want);
    dk_config_error_format(&k.v[5], line, sizeof(line));
    snprintf(want, sizeof(want), "%s: id 'duid:06': bad address '?\?', assigns nothing", db);
    assert_string_equal(line, want);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    for (int i = 1; i <= 6; i++) {
        char id[16];
        snprintf(id, sizeof(id), "duid:%02d", i);
        expect_none(s, id);
    }
    expect(s, "duid:07", "2001:db8::7", "2001:db8:7::", 56);
    /* A row that turns bad later assigns nothing either. */
    sql(db, "UPDATE assignments SET prefix = '2001:db8:7::/x' WHERE id = 'duid:07'");
    expect_none(s, "duid:07");
    dk_store_sqlite.close(s);
}

/* Opens path and expects it refused with "path: want". */
static void refused(const char *path, const char *want)
{
    void *s = (void *)1;
    struct dk_store_stats st;
    struct dk_config_errors e, k;
    assert_int_equal(open_db(path, &s, &st, &e, &k), DK_EINVAL);
    assert_null(s);
    assert_int_equal(e.n, 1);
    char line[512], w[512];
    dk_config_error_format(&e.v[0], line, sizeof(line));
    snprintf(w, sizeof(w), "%s: %s", path, want);
    assert_string_equal(line, w);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
}

static void test_refused(void **state)
{
    (void)state;
    static const char msg[] = "not an assignments database, build it with ipv6-dhcp-build-sqlite";
    char path[160];
    snprintf(path, sizeof(path), "%s/missing.sqlite", dir);
    refused(path, msg);
    /* Not a database at all. */
    snprintf(path, sizeof(path), "%s/text.sqlite", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 100; i++)
        fputs("id,address,prefix\nduid:01,2001:db8::1,\n", f);
    fclose(f);
    refused(path, msg);
    /* An empty file is an empty database: no table. */
    snprintf(path, sizeof(path), "%s/empty.sqlite", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    refused(path, msg);
    /* A database of something else. */
    snprintf(path, sizeof(path), "%s/other.sqlite", dir);
    sql(path, "CREATE TABLE leases (id TEXT PRIMARY KEY, address TEXT)");
    refused(path, msg);
    /* The table without one of its columns, or id not its key. */
    snprintf(path, sizeof(path), "%s/nocol.sqlite", dir);
    sql(path, "CREATE TABLE assignments (id TEXT NOT NULL PRIMARY KEY, address TEXT, prefix TEXT)");
    refused(path, msg);
    snprintf(path, sizeof(path), "%s/nokey.sqlite", dir);
    sql(path, "CREATE TABLE assignments (id TEXT, address TEXT, prefix TEXT, csv_mtime INT)");
    refused(path, msg);
    /* A folder. */
    refused(dir, "not a regular file");
    /* The original's schema, no rows: fine. */
    fresh("WAL");
    dk_store_sqlite.close(open_ok(0, 0));
}

static void test_live(const char *journal)
{
    fresh(journal);
    sql(db, "INSERT INTO assignments VALUES ('duid:0a', '2001:db8::a', '2001:db8:a::/56', 1)");
    void *s = open_ok(1, 0);
    expect(s, "duid:0a", "2001:db8::a", "2001:db8:a::", 56);
    expect_none(s, "duid:0b");
    /* Changed, added, removed: seen by the very next lookup. */
    sql(db, "BEGIN; UPDATE assignments SET prefix = '2001:db8:b::/56', csv_mtime = 2;"
            " INSERT INTO assignments VALUES ('duid:0b', '2001:db8::b', NULL, 2); COMMIT;");
    expect(s, "duid:0a", "2001:db8::a", "2001:db8:b::", 56);
    expect(s, "duid:0b", "2001:db8::b", NULL, 0);
    sql(db, "DELETE FROM assignments WHERE id = 'duid:0a'");
    expect_none(s, "duid:0a");
    expect(s, "duid:0b", "2001:db8::b", NULL, 0);
    /* A transaction in progress is not seen (WAL: readers go on). */
    if (strcmp(journal, "WAL") == 0) {
        sqlite3 *w;
        assert_int_equal(sqlite3_open(db, &w), SQLITE_OK);
        assert_int_equal(sqlite3_exec(w,
                                      "BEGIN IMMEDIATE; UPDATE assignments SET address = "
                                      "'2001:db8::bb'",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        expect(s, "duid:0b", "2001:db8::b", NULL, 0);
        assert_int_equal(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        expect(s, "duid:0b", "2001:db8::bb", NULL, 0);
        sqlite3_close(w);
    }
    dk_store_sqlite.close(s);
}

static void test_live_wal(void **state)
{
    (void)state;
    test_live("WAL");
}

static void test_live_rollback(void **state)
{
    (void)state;
    test_live("DELETE");
}

static void test_replaced(void **state)
{
    (void)state;
    fresh("WAL");
    sql(db, "INSERT INTO assignments VALUES ('duid:0c', '2001:db8::c', NULL, 1)");
    void *s = open_ok(1, 0);
    expect(s, "duid:0c", "2001:db8::c", NULL, 0);
    /* Another database renamed over the path: seen within a second. */
    char other[160];
    snprintf(other, sizeof(other), "%s/other-new.sqlite", dir);
    char text[512];
    snprintf(text, sizeof(text),
             "%s; INSERT INTO assignments VALUES ('duid:0c', '2001:db8::cc', NULL, 2)", SCHEMA);
    sql(other, text);
    assert_int_equal(rename(other, db), 0);
    usleep(1100 * 1000);
    expect(s, "duid:0c", "2001:db8::cc", NULL, 0);
    /* Removed: lookups fail (no answer) rather than say "not assigned". */
    unlink(db);
    usleep(1100 * 1000);
    struct dk_assignment a;
    assert_true(lookup_id(s, "duid:0c", &a) < 0);
    dk_store_sqlite.close(s);
}

/* ---- threads */

#define THREADS     6
#define LOOKUPS     3000
#define GENERATIONS 40

struct reader {
    void *s;
    pthread_t t;
    unsigned found, bad, errors;
    uint8_t last_gen[4];
};

/* Every row of generation g: address 2001:db8::g, prefix 2001:db8:g::/56.
 * A reader must see both from the same generation, never going back. */
static void *reader_main(void *arg)
{
    struct reader *r = arg;
    static const char *const ids[] = {"duid:01", "interface-id-str:eth1", "remote-id-str:9:c",
                                      "linklayer-id:1:0011"};
    for (unsigned i = 0; i < LOOKUPS; i++) {
        struct dk_assignment a;
        uint8_t key[64];
        const char *why;
        size_t n = dk_store_parse_id(ids[i % 4], strlen(ids[i % 4]), key, sizeof(key), &why);
        int rc = dk_store_sqlite.lookup(r->s, key, n, &a);
        if (rc < 0) {
            r->errors++;
            continue;
        }
        if (rc == 0 || !a.has_address || !a.has_prefix) {
            r->bad++;
            continue;
        }
        uint8_t g = a.address[15];
        if (a.prefix[5] != g || a.prefix_len != 56 || g < r->last_gen[i % 4])
            r->bad++;
        r->last_gen[i % 4] = g;
        r->found++;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    fresh("WAL");
    sql(db, "INSERT INTO assignments VALUES"
            " ('duid:01', '2001:db8::1', '2001:db8:1::/56', 1),"
            " ('interface-id:65746831', '2001:db8::1', '2001:db8:1::/56', 1),"
            " ('remote-id:9:63', '2001:db8::1', '2001:db8:1::/56', 1),"
            " ('linklayer-id:1:0011', '2001:db8::1', '2001:db8:1::/56', 1)");
    void *s = open_ok(4, 0);
    struct reader r[THREADS];
    memset(r, 0, sizeof(r));
    for (int i = 0; i < THREADS; i++) {
        r[i].s = s;
        assert_int_equal(pthread_create(&r[i].t, NULL, reader_main, &r[i]), 0);
    }
    /* Rebuilds meanwhile, each one transaction. */
    sqlite3 *w;
    assert_int_equal(sqlite3_open(db, &w), SQLITE_OK);
    sqlite3_busy_timeout(w, 5000);
    for (int g = 2; g <= GENERATIONS; g++) {
        char text[256];
        snprintf(text, sizeof(text),
                 "BEGIN IMMEDIATE; UPDATE assignments SET address = '2001:db8::%x';"
                 " UPDATE assignments SET prefix = '2001:db8:%x::/56', csv_mtime = %d; COMMIT;",
                 g, g, g);
        assert_int_equal(sqlite3_exec(w, text, NULL, NULL, NULL), SQLITE_OK);
        usleep(2000);
    }
    sqlite3_close(w);
    unsigned found = 0;
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(r[i].t, NULL), 0);
        assert_int_equal(r[i].errors, 0);
        assert_int_equal(r[i].bad, 0);
        found += r[i].found;
    }
    assert_int_equal(found, THREADS * LOOKUPS);
    expect(s, "duid:01", "2001:db8::28", "2001:db8:28::", 56);
    dk_store_sqlite.close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_original_database), cmocka_unit_test(test_long_id),
        cmocka_unit_test(test_bad_rows),          cmocka_unit_test(test_refused),
        cmocka_unit_test(test_live_wal),          cmocka_unit_test(test_live_rollback),
        cmocka_unit_test(test_replaced),          cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
