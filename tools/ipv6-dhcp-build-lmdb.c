/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-build-lmdb [-f] [-v] [--max-bad-rows N] CSV DB
 *
 * Builds the LMDB assignments file of static-lmdb (format in
 * src/store/lmdb_format.h) from a CSV export, with the checks and exit codes
 * of the original's ipv6-dhcp-build-sqlite (tools/build-store/common.h):
 * a CSV older than the one DB was built from is refused (1), the same one is
 * nothing to do (0), removing more than 30 % of DB's ids needs -f (2), a bad
 * row refuses the CSV (1). DB is never written: a new file DB.tmp is built
 * beside it with sorted appends (MDB_APPEND), synced, and renamed over DB,
 * so a server reading DB switches from one whole file to the other.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include <dhcpkit/store.h>

#include "common.h"
#include "lmdb_format.h"

/* A CSV row: pointers into the loaded CSV table. */
/* key points into the CSV table (valid while it is open); the assignment
 * is copied, since foreach hands out a view valid for one call. */
struct row {
    const uint8_t *key;
    size_t keylen;
    struct dk_assignment a;
};

struct rows {
    struct row *v;
    size_t n, cap;
};

static int collect(void *ctx, const uint8_t *key, size_t keylen, const struct dk_assignment *a)
{
    struct rows *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        struct row *v = realloc(r->v, cap * sizeof(*v));
        if (!v)
            return -1;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = (struct row){key, keylen, *a};
    return 0;
}

/* LMDB's default key order: memcmp, then the shorter first. */
static int row_cmp(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    return a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fmt_mtime(int64_t ns, char *out, size_t len)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(out, len, "?");
    else
        snprintf(out + strlen(out), len - strlen(out), ".%09lld UTC", (long long)(ns % 1000000000));
}

/* What the old DB holds: whether it exists and is ours, and how many of its
 * ids the new CSV lacks. */
struct old_db {
    bool exists, ours;
    struct dk__lmdb_meta m;
    size_t removed;
};

/* Returns BUILD_OK to go on, else an exit code. */
static int read_old(const struct build_args *a, const struct build_csv *csv, struct old_db *o)
{
    memset(o, 0, sizeof(*o));
    struct stat st;
    if (stat(a->db, &st) != 0) {
        if (errno == ENOENT)
            return BUILD_OK;
        build_err(a, "%s: %s", a->db, strerror(errno));
        return BUILD_ERROR;
    }
    o->exists = true;
    struct dk__lmdb_env e;
    char why[256];
    int rc = dk__lmdb_open(a->db, &e, why, sizeof(why));
    if (rc == DK__LMDB_NOT_OURS) {
        if (!a->force) {
            build_err(a,
                      "%s: not an LMDB assignments file (%s): replacing it deletes all it holds; "
                      "use -f to replace it",
                      a->db, why);
            return BUILD_REFUSED;
        }
        build_info(a, "%s: not an LMDB assignments file (%s): replaced (-f)", a->db, why);
        return BUILD_OK;
    }
    if (rc) {
        build_err(a, "%s: %s", a->db, why);
        return BUILD_ERROR;
    }
    o->ours = true;
    o->m = e.m;
    int res = BUILD_OK;
    char told[64], tnew[64];
    fmt_mtime(o->m.csv_mtime_ns, told, sizeof(told));
    fmt_mtime(csv->mtime_ns, tnew, sizeof(tnew));
    if (csv->mtime_ns < o->m.csv_mtime_ns) {
        build_err(a,
                  "%s (modified %s) is older than the CSV %s was built from (modified %s): "
                  "refused, %s not changed",
                  a->csv, tnew, a->db, told, a->db);
        res = BUILD_ERROR;
        goto out;
    }
    if (csv->mtime_ns == o->m.csv_mtime_ns) {
        build_info(a, "%s is up to date (built from this CSV, modified %s): nothing to do", a->db,
                   told);
        res = -1;
        goto out;
    }
    /* The old ids the CSV no longer has. */
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    rc = mdb_txn_begin(e.env, NULL, MDB_RDONLY, &txn);
    if (rc == 0)
        rc = mdb_cursor_open(txn, e.assignments, &cur);
    MDB_val k, v;
    size_t old_rows = 0;
    for (int op = MDB_FIRST; rc == 0; op = MDB_NEXT) {
        rc = mdb_cursor_get(cur, &k, &v, op);
        if (rc)
            break;
        old_rows++;
        struct dk_assignment x;
        int found = dk_store_csv.lookup(csv->table, k.mv_data, k.mv_size, &x);
        if (found < 0) {
            rc = ENOMEM;
            break;
        }
        o->removed += found == 0;
    }
    if (cur)
        mdb_cursor_close(cur);
    if (txn)
        mdb_txn_abort(txn);
    if (rc != MDB_NOTFOUND) {
        build_err(a, "%s: %s", a->db, mdb_strerror(rc));
        res = BUILD_ERROR;
        goto out;
    }
    o->m.rows = old_rows;
    if (!build_removal_allowed(old_rows, o->removed, a->force)) {
        build_err(a,
                  "%s would remove %zu of the %zu ids in %s (%.1f %%, more than %d %%): refused, "
                  "%s not changed; use -f if the CSV is right",
                  a->csv, o->removed, old_rows, a->db,
                  100.0 * (double)o->removed / (double)old_rows, BUILD_MAX_REMOVED_PERCENT, a->db);
        res = BUILD_REFUSED;
    }
out:
    dk__lmdb_close(&e);
    return res;
}

static int put_meta(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t v, size_t n)
{
    uint8_t buf[8];
    dk__lmdb_put_be(buf, v, n);
    MDB_val k = {strlen(name), (void *)(uintptr_t)name}, d = {n, buf};
    return mdb_put(txn, dbi, &k, &d, 0);
}

/* Writes the sorted rows into a new environment at tmp, synced. Returns 0 or
 * an LMDB/errno code, with what failed in *what. */
static int write_db(const char *tmp, const struct rows *r, int64_t mtime_ns, size_t mapsize,
                    const char **what)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi adb, mdb;
    *what = "create";
    int rc = mdb_env_create(&env);
    if (rc)
        return rc;
    if ((rc = mdb_env_set_maxdbs(env, 2)) || (rc = mdb_env_set_mapsize(env, mapsize)))
        goto out;
    /* Nobody else knows tmp: no lock file. Synced once, at the end. */
    *what = "open";
    rc = mdb_env_open(env, tmp, DK__LMDB_ENV_FLAGS | MDB_NOLOCK | MDB_NOSYNC, 0644);
    if (rc)
        goto out;
    mdb_filehandle_t fd;
    if (mdb_env_get_fd(env, &fd) == 0 && fchmod(fd, 0644) != 0) {
        rc = errno;
        *what = "chmod";
        goto out;
    }
    *what = "write";
    if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) ||
        (rc = mdb_dbi_open(txn, DK__LMDB_DB_ASSIGNMENTS, MDB_CREATE, &adb)) ||
        (rc = mdb_dbi_open(txn, DK__LMDB_DB_META, MDB_CREATE, &mdb)))
        goto out;
    for (size_t i = 0; i < r->n; i++) {
        uint8_t rec[DK__LMDB_RECORD_LEN];
        dk__lmdb_record_encode(&r->v[i].a, rec);
        MDB_val k = {r->v[i].keylen, (void *)(uintptr_t)r->v[i].key}, d = {sizeof(rec), rec};
        if ((rc = mdb_put(txn, adb, &k, &d, MDB_APPEND)))
            goto out;
    }
    if ((rc = put_meta(txn, mdb, DK__LMDB_META_FORMAT, DK__LMDB_FORMAT, 4)) ||
        (rc = put_meta(txn, mdb, DK__LMDB_META_MTIME, (uint64_t)mtime_ns, 8)) ||
        (rc = put_meta(txn, mdb, DK__LMDB_META_ROWS, r->n, 8)))
        goto out;
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc)
        goto out;
    *what = "sync";
    rc = mdb_env_sync(env, 1);
out:
    if (txn)
        mdb_txn_abort(txn);
    mdb_env_close(env);
    return rc;
}

/* Creates (or takes over, after a build that died) DB.tmp, locked: builds
 * of the same DB run one after the other, and only the holder of the lock
 * writes, renames or removes DB.tmp. Returns the locked descriptor (the file
 * emptied), or -1 after saying why. */
static int lock_tmp(const struct build_args *a, const char *tmp)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(tmp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
            build_err(a, "%s: %s; %s not changed", tmp, strerror(errno), a->db);
            return -1;
        }
        if (flock(fd, LOCK_EX) != 0) {
            build_err(a, "%s: lock: %s; %s not changed", tmp, strerror(errno), a->db);
            close(fd);
            return -1;
        }
        /* The name may have moved on while we waited (renamed over DB by the
         * build before us): then it is not ours, and emptying it would
         * empty the live file. */
        struct stat mine, named;
        if (fstat(fd, &mine) == 0 && stat(tmp, &named) == 0 && mine.st_dev == named.st_dev &&
            mine.st_ino == named.st_ino) {
            if (ftruncate(fd, 0) != 0) {
                build_err(a, "%s: %s; %s not changed", tmp, strerror(errno), a->db);
                close(fd);
                return -1;
            }
            return fd;
        }
        close(fd);
    }
    build_err(a, "%s: cannot lock it; %s not changed", tmp, a->db);
    return -1;
}

/* fsyncs the folder holding path, so that the rename is durable. */
static int sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return ENOMEM;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    struct build_args a;
    int rc = build_parse_args(argc, argv, "LMDB file", &a);
    if (rc >= 0)
        return rc;
    double t0 = now_s();
    struct build_csv csv;
    if (build_csv_load(&a, &csv) != BUILD_OK)
        return BUILD_ERROR;
    struct rows r = {0};
    char *tmp = NULL;
    int lock_fd = -1, exit_code = BUILD_ERROR;
    bool renamed = false;
    struct old_db old;
    size_t tlen = strlen(a.db) + sizeof(".tmp");
    tmp = malloc(tlen);
    if (!tmp) {
        build_err(&a, "out of memory");
        goto out;
    }
    snprintf(tmp, tlen, "%s.tmp", a.db);
    lock_fd = lock_tmp(&a, tmp);
    if (lock_fd < 0)
        goto out;
    double t1 = now_s();
    rc = read_old(&a, &csv, &old);
    if (rc != BUILD_OK) {
        exit_code = rc < 0 ? BUILD_OK : rc;
        goto out;
    }
    if (dk_store_csv_foreach(csv.table, collect, &r) != 0) {
        build_err(&a, "out of memory");
        goto out;
    }
    if (r.n) /* an empty export: r.v is NULL, which qsort may not get */
        qsort(r.v, r.n, sizeof(*r.v), row_cmp);
    double t2 = now_s();

    /* Keys LMDB cannot hold; the map: the data with room for the B-tree. */
    size_t data = 0, maxkey = 511;
    MDB_env *probe;
    if (mdb_env_create(&probe) == 0) {
        maxkey = (size_t)mdb_env_get_maxkeysize(probe);
        mdb_env_close(probe);
    }
    for (size_t i = 0; i < r.n; i++) {
        if (r.v[i].keylen > maxkey) {
            char text[2 * 600 + 24];
            if (!dk_store_key_text(r.v[i].key, r.v[i].keylen < 600 ? r.v[i].keylen : 600, text,
                                   sizeof(text)))
                snprintf(text, sizeof(text), "?");
            build_err(&a,
                      "%s: id %.80s... is %zu octets long; LMDB keys are at most %zu: "
                      "refused, %s not changed",
                      a.csv, text, r.v[i].keylen, maxkey, a.db);
            goto out;
        }
        data += r.v[i].keylen + DK__LMDB_RECORD_LEN + 16;
    }
    /* A multiple of the page size, as LMDB asks: of 1 MiB. */
    size_t mapsize = (2 * data + ((size_t)17 << 20)) & ~(((size_t)1 << 20) - 1);

    const char *what;
    for (;;) {
        rc = write_db(tmp, &r, csv.mtime_ns, mapsize, &what);
        if (rc != MDB_MAP_FULL)
            break;
        if (ftruncate(lock_fd, 0) != 0) {
            rc = errno;
            what = "truncate";
            break;
        }
        mapsize *= 2;
    }
    if (rc) {
        build_err(&a, "%s: %s: %s; %s not changed", tmp, what, mdb_strerror(rc), a.db);
        goto out;
    }
    if (rename(tmp, a.db) != 0) {
        build_err(&a, "rename %s to %s: %s; %s not changed", tmp, a.db, strerror(errno), a.db);
        goto out;
    }
    renamed = true;
    if ((rc = sync_dir(a.db)) != 0)
        build_err(&a, "%s: syncing its folder: %s", a.db, strerror(rc));
    struct stat st;
    long long size = stat(a.db, &st) == 0 ? (long long)st.st_size : -1;
    double t3 = now_s();
    build_info(&a,
               "%s: %zu rows written (%zu ids removed of %llu) in %.2f s (CSV %.2f s, old file "
               "and sort %.2f s, LMDB %.2f s), %lld octets",
               a.db, r.n, old.removed, (unsigned long long)old.m.rows, t3 - t0, t1 - t0, t2 - t1,
               t3 - t2, size);
    exit_code = BUILD_OK;
out:
    if (lock_fd >= 0) {
        /* DB.tmp is ours until the rename: removed unless it became DB. */
        if (!renamed)
            unlink(tmp);
        close(lock_fd);
    }
    free(tmp);
    free(r.v);
    build_csv_free(&csv);
    return exit_code;
}
