/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-build-sqlite [-f] [-v] [--max-bad-rows N] CSV DB
 *
 * Builds or updates the SQLite database of static assignments that
 * <static-sqlite DB> reads live, in the original dhcpkit's schema
 * (src/store/sqlite.c). Every row is tagged with the CSV's modification time
 * (ns): a CSV older than the newest row is refused, the same one is nothing
 * to do. The rows are upserted, then the rows of older CSVs are deleted,
 * unless that removes more than 30 % of the old rows without -f. All of it
 * is one transaction (BEGIN IMMEDIATE ... COMMIT) in WAL mode, so a server
 * reading the database sees the old table or the new one, never a mix; and
 * unless the exit is 0 nothing changed.
 *
 * The -wal and -shm files are kept after the tool exits (persistent WAL), so
 * that a server reading as an unprivileged user needs no write access to the
 * folder. They get the owner and mode of the database file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <dhcpkit/store.h>

#include "build-store/common.h"

/* The original's schema. */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS assignments (id TEXT NOT NULL PRIMARY "
    "KEY, address TEXT, prefix TEXT, csv_mtime INT NOT NULL) WITHOUT ROWID";
static const char UPSERT[] =
    "INSERT INTO assignments (id, address, prefix, csv_mtime) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (id) DO UPDATE SET address = excluded.address, prefix = excluded.prefix, "
    "csv_mtime = excluded.csv_mtime";
/* Waits this long for another writer (or, in rollback-journal mode, readers). */
#define BUSY_MS 30000
/* Page cache of the build, KiB: large enough that 1M rows stay in memory. */
#define CACHE_KIB 262144

struct build {
    const struct build_args *a;
    sqlite3 *db;
    sqlite3_stmt *upsert;
    int64_t mtime;
    size_t written;
};

static int db_err(struct build *b, const char *what)
{
    build_err(b->a, "%s: %s: %s", b->a->db, what, sqlite3_errmsg(b->db));
    return BUILD_ERROR;
}

static int exec(struct build *b, const char *sql)
{
    return sqlite3_exec(b->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_err(b, sql);
}

/* Runs a query of one row of integers; NULL columns give def. */
static int query_ints(struct build *b, const char *sql, int64_t *v, int n, int64_t def)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(b, sql);
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, b->mtime);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_err(b, sql);
    }
    for (int i = 0; i < n; i++)
        v[i] = sqlite3_column_type(st, i) == SQLITE_NULL ? def : sqlite3_column_int64(st, i);
    sqlite3_finalize(st);
    return 0;
}

/* Whether the table has the original's columns, id its primary key. */
static bool schema_ok(struct build *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, "SELECT name, pk FROM pragma_table_info('assignments')", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    unsigned seen = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name)
            continue;
        if (strcmp(name, "id") == 0 && sqlite3_column_int(st, 1) == 1)
            seen |= 1;
        else if (strcmp(name, "address") == 0)
            seen |= 2;
        else if (strcmp(name, "prefix") == 0)
            seen |= 4;
        else if (strcmp(name, "csv_mtime") == 0)
            seen |= 8;
    }
    sqlite3_finalize(st);
    return seen == 15;
}

/* One row to write: its text id and the assignment (in the CSV table). */
/* The assignment is copied: foreach hands out a view valid for one call. */
struct row {
    char *id;
    size_t idlen;
    struct dk_assignment a;
};

struct rows {
    struct row *v;
    size_t n, cap;
    const struct build_args *args;
};

static int collect_row(void *ctx, const uint8_t *key, size_t keylen, const struct dk_assignment *a)
{
    struct rows *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        struct row *v = realloc(r->v, cap * sizeof(*v));
        if (!v) {
            build_err(r->args, "out of memory");
            return BUILD_ERROR;
        }
        r->v = v;
        r->cap = cap;
    }
    size_t cap = 2 * keylen + 24;
    char *id = malloc(cap);
    size_t n = id ? dk_store_key_text(key, keylen, id, cap) : 0;
    if (!n) {
        free(id);
        build_err(r->args, "%s", id ? "a key that cannot be written" : "out of memory");
        return BUILD_ERROR;
    }
    r->v[r->n++] = (struct row){id, n, *a};
    return 0;
}

/* SQLite's BINARY order of the ids. */
static int cmp_row(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    int c = memcmp(a->id, b->id, a->idlen < b->idlen ? a->idlen : b->idlen);
    return c ? c : (a->idlen > b->idlen) - (a->idlen < b->idlen);
}

static void rows_free(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].id);
    free(r->v);
}

static int upsert_row(struct build *b, const struct row *r)
{
    const struct dk_assignment *as = &r->a;
    char addr[INET6_ADDRSTRLEN], prefix[INET6_ADDRSTRLEN + 4];
    sqlite3_stmt *st = b->upsert;
    sqlite3_bind_text(st, 1, r->id, (int)r->idlen, SQLITE_STATIC);
    if (as->has_address && inet_ntop(AF_INET6, as->address, addr, sizeof(addr)))
        sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    if (as->has_prefix && inet_ntop(AF_INET6, as->prefix, prefix, INET6_ADDRSTRLEN)) {
        size_t l = strlen(prefix);
        snprintf(prefix + l, sizeof(prefix) - l, "/%u", (unsigned)as->prefix_len);
        sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, 3);
    }
    sqlite3_bind_int64(st, 4, b->mtime);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_err(b, "writing a row");
    b->written++;
    return 0;
}

/* Writes every row of the CSV, in the order of the ids: the table's B-tree
 * is then filled from left to right. */
static int upsert_all(struct build *b, const struct build_csv *csv)
{
    struct rows r = {.args = b->a};
    int rc = dk_store_csv_foreach(csv->table, collect_row, &r);
    if (!rc) {
        if (r.n) /* an empty export: r.v is NULL, which qsort may not get */
            qsort(r.v, r.n, sizeof(*r.v), cmp_row);
        for (size_t i = 0; !rc && i < r.n; i++)
            rc = upsert_row(b, &r.v[i]);
    }
    rows_free(&r);
    return rc;
}

/* The build, in one transaction. Returns the exit code. */
static int build(struct build *b, const struct build_csv *csv)
{
    const struct build_args *a = b->a;
    int64_t v[2];
    if (exec(b, "BEGIN IMMEDIATE") || exec(b, SCHEMA))
        return BUILD_ERROR;
    if (!schema_ok(b)) {
        build_err(a, "%s: not an assignments database (its table 'assignments' has other columns)",
                  a->db);
        return BUILD_ERROR;
    }
    if (query_ints(b, "SELECT count(*), max(csv_mtime) FROM assignments", v, 2, INT64_MIN))
        return BUILD_ERROR;
    size_t old_rows = (size_t)v[0];
    int64_t newest = v[1];
    if (newest > b->mtime) {
        build_err(a,
                  "%s is older (mtime %" PRId64 " ns) than the CSV %s was built from (%" PRId64
                  " ns): refused, %s not changed",
                  a->csv, b->mtime, a->db, newest, a->db);
        return BUILD_ERROR;
    }
    if (newest == b->mtime) {
        build_info(a, "%s: already built from this %s (mtime %" PRId64 " ns): nothing to do", a->db,
                   a->csv, b->mtime);
        return BUILD_OK;
    }
    if (sqlite3_prepare_v3(b->db, UPSERT, -1, SQLITE_PREPARE_PERSISTENT, &b->upsert, NULL) !=
        SQLITE_OK)
        return db_err(b, UPSERT);
    int rc = upsert_all(b, csv);
    if (rc)
        return BUILD_ERROR;
    if (query_ints(b, "SELECT count(*) FROM assignments WHERE csv_mtime < ?1", v, 1, 0))
        return BUILD_ERROR;
    size_t removed = (size_t)v[0];
    if (!build_removal_allowed(old_rows, removed, a->force)) {
        build_err(a,
                  "%s: the CSV would remove %zu of the %zu rows, more than %d %%: refused, %s not "
                  "changed (-f to do it)",
                  a->db, removed, old_rows, BUILD_MAX_REMOVED_PERCENT, a->db);
        return BUILD_REFUSED;
    }
    sqlite3_stmt *del;
    if (sqlite3_prepare_v2(b->db, "DELETE FROM assignments WHERE csv_mtime < ?1", -1, &del, NULL) !=
        SQLITE_OK)
        return db_err(b, "DELETE");
    sqlite3_bind_int64(del, 1, b->mtime);
    rc = sqlite3_step(del);
    sqlite3_finalize(del);
    if (rc != SQLITE_DONE)
        return db_err(b, "deleting the old rows");
    if (exec(b, "COMMIT"))
        return BUILD_ERROR;
    build_info(a, "%s: %zu rows written, %zu removed, %zu before", a->db, b->written, removed,
               old_rows);
    return BUILD_OK;
}

/* The newest csv_mtime of an existing database, read before the CSV is:
 * returns true and *newest, or false when that cannot be said (no database
 * yet, no rows, an error: the build finds out and reports). */
static bool db_newest(const char *path, int64_t *newest)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    bool ok = false;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        int persist = 1;
        sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
        sqlite3_busy_timeout(db, BUSY_MS);
        if (sqlite3_prepare_v2(db, "SELECT max(csv_mtime) FROM assignments", -1, &st, NULL) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
            *newest = sqlite3_column_int64(st, 0);
            ok = true;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

int main(int argc, char **argv)
{
    struct build_args a;
    int rc = build_parse_args(argc, argv, "SQLite database", &a);
    if (rc >= 0)
        return rc;
    /* The same or an older CSV: said before reading it (the build checks
     * again, in its transaction). */
    struct stat cst, dst;
    int64_t newest;
    if (stat(a.csv, &cst) == 0 && stat(a.db, &dst) == 0 && S_ISREG(dst.st_mode) &&
        db_newest(a.db, &newest)) {
        int64_t m = (int64_t)cst.st_mtim.tv_sec * 1000000000 + cst.st_mtim.tv_nsec;
        if (newest == m) {
            build_info(&a, "%s: already built from this %s (mtime %" PRId64 " ns): nothing to do",
                       a.db, a.csv, m);
            return BUILD_OK;
        }
        if (newest > m) {
            build_err(&a,
                      "%s is older (mtime %" PRId64 " ns) than the CSV %s was built from (%" PRId64
                      " ns): refused, %s not changed",
                      a.csv, m, a.db, newest, a.db);
            return BUILD_ERROR;
        }
    }
    struct build_csv csv;
    if (build_csv_load(&a, &csv) != BUILD_OK)
        return BUILD_ERROR;
    struct build b = {.a = &a, .mtime = csv.mtime_ns};
    struct stat st;
    if (stat(a.db, &st) == 0 && !S_ISREG(st.st_mode)) {
        build_err(&a, "%s: not a regular file", a.db);
        build_csv_free(&csv);
        return BUILD_ERROR;
    }
    rc = BUILD_ERROR;
    if (sqlite3_open_v2(a.db, &b.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        db_err(&b, "cannot open");
        goto out;
    }
    sqlite3_extended_result_codes(b.db, 1);
    sqlite3_busy_timeout(b.db, BUSY_MS);
    /* Keep DB-wal and DB-shm when we close: readers that may not write the
     * folder need them. */
    int persist = 1;
    sqlite3_file_control(b.db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_stmt *jm;
    if (sqlite3_prepare_v2(b.db, "PRAGMA journal_mode = WAL", -1, &jm, NULL) != SQLITE_OK) {
        db_err(&b, "not a database");
        goto out;
    }
    int step = sqlite3_step(jm);
    const char *mode = step == SQLITE_ROW ? (const char *)sqlite3_column_text(jm, 0) : NULL;
    bool wal = mode && strcmp(mode, "wal") == 0;
    sqlite3_finalize(jm);
    if (!wal) {
        db_err(&b, "cannot switch to WAL mode");
        goto out;
    }
    char pragma[64];
    snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", CACHE_KIB);
    if (exec(&b, pragma))
        goto out;
    rc = build(&b, &csv);
    if (sqlite3_get_autocommit(b.db) == 0)
        sqlite3_exec(b.db, "ROLLBACK", NULL, NULL, NULL);
    /* Best effort: fold the WAL back into the database and empty it, so
     * that readers do not walk a long WAL. */
    if (rc == BUILD_OK)
        sqlite3_exec(b.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
out:
    sqlite3_finalize(b.upsert);
    if (b.db && sqlite3_close(b.db) != SQLITE_OK && rc == BUILD_OK) {
        build_err(&a, "%s: %s", a.db, sqlite3_errmsg(b.db));
        rc = BUILD_ERROR;
    }
    build_csv_free(&csv);
    return rc;
}
