/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SQLite assignment store: the original dhcpkit's assignments table,
 *
 *   CREATE TABLE assignments (id TEXT NOT NULL PRIMARY KEY, address TEXT,
 *                             prefix TEXT, csv_mtime INT NOT NULL) WITHOUT ROWID
 *
 * ids in its normalised text form (dk_store_key_text), address as text,
 * prefix as "address/length"; either may be NULL or empty. Databases the
 * Python ipv6-dhcp-build-sqlite wrote load as they are.
 *
 * Nothing is held in memory: every lookup is one prepared SELECT, so a
 * database rebuilt by ipv6-dhcp-build-sqlite (one transaction, WAL mode) is
 * seen by the next lookup, without a reload. Lookups come from many worker
 * threads at once: each takes a read-only connection of its own from a small
 * pool (a mutex around a list; the query itself runs unlocked), and gives it
 * back. A connection is reopened when the file at the path is replaced.
 *
 * Read-only WAL readers need PATH-wal and PATH-shm (or a folder where they
 * may create them): ipv6-dhcp-build-sqlite keeps both after it exits
 * (SQLITE_FCNTL_PERSIST_WAL), so an engine running as an unprivileged user
 * reads a database that root built in a folder only root may write. A
 * database in rollback-journal mode (the Python tool's) needs neither.
 *
 * A row whose address or prefix does not parse assigns nothing: it is
 * counted (and reported at open), never trusted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

#include "internal.h"

/* How long a lookup waits for a writer of a rollback-journal database (a
 * WAL reader never waits). */
#define SQ_BUSY_MS 1000
/* Idle connections kept for the next lookups; more are closed. */
#define SQ_MAX_IDLE 64
/* Bad rows described one by one at open; the rest are counted. */
#define SQ_MAX_REPORTED 10
/* Ids longer than this are written into a heap buffer. */
#define SQ_STACK_ID 512

static const char SQ_SELECT[] = "SELECT address, prefix FROM assignments WHERE id = ?1";
static const char SQ_SCAN[] = "SELECT id, address, prefix FROM assignments";
static const char SQ_COLUMNS[] = "SELECT name, pk FROM pragma_table_info('assignments')";

struct sq_conn {
    sqlite3 *db;
    sqlite3_stmt *get;
    dev_t dev; /* of the file this connection reads */
    ino_t ino;
    time_t checked; /* when dev/ino were last compared with the path */
    struct sq_conn *next;
};

struct sq_pool {
    pthread_mutex_t mu;
    struct sq_conn *idle;   /* guarded by mu */
    size_t nidle;           /* guarded by mu */
    atomic_size_t bad_rows; /* rows met by lookups whose text did not parse */
};

struct sq_store {
    char *path;
    struct sq_pool *pool; /* mutable, behind the const store pointer */
};

/* ---- rows */

static bool parse_addr(const unsigned char *s, size_t n, uint8_t out[16])
{
    char tmp[64];
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    return inet_pton(AF_INET6, tmp, out) == 1;
}

static bool parse_prefix(const unsigned char *s, size_t n, uint8_t out[16], uint8_t *plen)
{
    const unsigned char *slash = memchr(s, '/', n);
    uint32_t len;
    if (!slash || !parse_addr(s, (size_t)(slash - s), out) ||
        !dk_store_parse_uint((const char *)slash + 1, n - (size_t)(slash - s) - 1, 128, &len))
        return false;
    /* As the CSV: no bits set after the prefix length. */
    for (unsigned b = len; b < 128; b++)
        if (out[b / 8] & (0x80u >> (b % 8)))
            return false;
    *plen = (uint8_t)len;
    return true;
}

/* Reads columns col (address) and col + 1 (prefix) of st's current row.
 * Returns true, or false naming the bad column in *what. */
static bool read_row(sqlite3_stmt *st, int col, struct dk_assignment *a, const char **what)
{
    memset(a, 0, sizeof(*a));
    for (int i = 0; i < 2; i++) {
        const unsigned char *t = sqlite3_column_text(st, col + i);
        size_t n = t ? (size_t)sqlite3_column_bytes(st, col + i) : 0;
        if (n == 0)
            continue; /* NULL or empty: not assigned */
        if (i == 0 && !(a->has_address = parse_addr(t, n, a->address))) {
            *what = "address";
            return false;
        }
        if (i == 1 && !(a->has_prefix = parse_prefix(t, n, a->prefix, &a->prefix_len))) {
            *what = "prefix";
            return false;
        }
    }
    return true;
}

/* Copies text for a message, '?' for anything not printable ASCII. */
static void printable(const unsigned char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0;
    for (; s && i < n && i + 1 < cap; i++)
        out[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
    out[i] = 0;
}

/* ---- connections */

static void conn_close(struct sq_conn *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->get);
    sqlite3_close(c->db);
    free(c);
}

static bool not_found(const char *msg)
{
    return strstr(msg, "no such table") || strstr(msg, "no such column");
}

/* Opens a read-only connection to path with the lookup prepared. Returns
 * NULL with a reason in why (why_len octets; *schema set when the file is
 * not an assignments database). */
static struct sq_conn *conn_open(const char *path, char *why, size_t why_len, bool *schema)
{
    *schema = false;
    struct sq_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        *schema = errno == ENOENT;
        snprintf(why, why_len, "cannot open: %s", strerror(errno));
        free(c);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "not a regular file");
        free(c);
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, why_len, "cannot open: %s", strerror(errno));
        free(c);
        return NULL;
    }
    close(fd);
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    c->checked = time(NULL);
    /* NOMUTEX: a connection is used by one thread at a time (the pool). */
    int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(c->db, 1);
        sqlite3_busy_timeout(c->db, SQ_BUSY_MS);
        rc = sqlite3_prepare_v3(c->db, SQ_SELECT, -1, SQLITE_PREPARE_PERSISTENT, &c->get, NULL);
    }
    if (rc != SQLITE_OK) {
        const char *msg = c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
        int prim = rc & 0xff;
        *schema = prim == SQLITE_NOTADB || not_found(msg);
        if (prim == SQLITE_READONLY || prim == SQLITE_CANTOPEN)
            snprintf(why, why_len,
                     "%s (a WAL database needs its -wal and -shm files, which "
                     "ipv6-dhcp-build-sqlite keeps, or a folder this user may write)",
                     msg);
        else
            snprintf(why, why_len, "%s", msg);
        conn_close(c);
        return NULL;
    }
    return c;
}

/* Takes an idle connection, or opens one; replaces one whose file was
 * replaced (checked once a second per connection). */
static struct sq_conn *pool_get(const struct sq_store *s)
{
    struct sq_pool *p = s->pool;
    pthread_mutex_lock(&p->mu);
    struct sq_conn *c = p->idle;
    if (c) {
        p->idle = c->next;
        p->nidle--;
    }
    pthread_mutex_unlock(&p->mu);
    if (c) {
        time_t now = time(NULL);
        if (now == c->checked)
            return c;
        struct stat st;
        c->checked = now;
        if (stat(s->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
            return c;
        conn_close(c); /* replaced (or gone): a fresh connection says which */
    }
    char why[256];
    bool schema;
    return conn_open(s->path, why, sizeof(why), &schema);
}

static void pool_put(const struct sq_store *s, struct sq_conn *c)
{
    struct sq_pool *p = s->pool;
    pthread_mutex_lock(&p->mu);
    if (p->nidle < SQ_MAX_IDLE) {
        c->next = p->idle;
        p->idle = c;
        p->nidle++;
        c = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    conn_close(c);
}

/* ---- the ops */

static void sq_close(void *store)
{
    struct sq_store *s = store;
    if (!s)
        return;
    if (s->pool) {
        for (struct sq_conn *c = s->pool->idle, *next; c; c = next) {
            next = c->next;
            conn_close(c);
        }
        pthread_mutex_destroy(&s->pool->mu);
        free(s->pool);
    }
    free(s->path);
    free(s);
}

/* Whether the table has the original's columns, id its primary key. */
static bool schema_ok(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, SQ_COLUMNS, -1, &st, NULL) != SQLITE_OK)
        return false;
    unsigned seen = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int pk = sqlite3_column_int(st, 1);
        if (!name)
            continue;
        if (strcmp(name, "id") == 0 && pk == 1)
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

/* Counts the rows and reports those whose text does not parse. Returns 0
 * or the SQLite error. */
static int scan(sqlite3 *db, const char *path, const struct dk_store_options *opt,
                struct dk_store_stats *stats)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, SQ_SCAN, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct dk_assignment a;
        const char *what = NULL;
        stats->rows++;
        if (read_row(st, 1, &a, &what))
            continue;
        stats->rows--;
        stats->bad_rows++;
        if (!opt || !opt->skipped)
            continue;
        if (stats->bad_rows <= SQ_MAX_REPORTED) {
            char id[80], val[64];
            int col = strcmp(what, "address") == 0 ? 1 : 2;
            printable(sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0), id,
                      sizeof(id));
            printable(sqlite3_column_text(st, col), (size_t)sqlite3_column_bytes(st, col), val,
                      sizeof(val));
            dk_config_errors_add(opt->skipped, path, 0, "id '%s': bad %s '%s', assigns nothing", id,
                                 what, val);
        }
    }
    sqlite3_finalize(st);
    if (opt && opt->skipped && stats->bad_rows > SQ_MAX_REPORTED)
        dk_config_errors_add(opt->skipped, path, 0, "%zu more bad rows",
                             stats->bad_rows - SQ_MAX_REPORTED);
    return rc == SQLITE_DONE ? 0 : rc;
}

static int sq_open(const char *path, const struct dk_store_options *opt, void **store,
                   struct dk_store_stats *stats, struct dk_config_errors *errs)
{
    static const char refused[] = "not an assignments database, build it with "
                                  "ipv6-dhcp-build-sqlite";
    *store = NULL;
    memset(stats, 0, sizeof(*stats));
    if (!sqlite3_threadsafe()) {
        dk_config_errors_add(errs, path, 0, "this SQLite library is not thread-safe");
        return DK_EINVAL;
    }
    struct sq_store *s = calloc(1, sizeof(*s));
    if (!s || !(s->path = strdup(path)) || !(s->pool = calloc(1, sizeof(*s->pool)))) {
        if (s)
            free(s->path);
        free(s);
        return DK_ENOMEM;
    }
    pthread_mutex_init(&s->pool->mu, NULL);
    atomic_init(&s->pool->bad_rows, 0);
    char why[256];
    bool schema;
    struct sq_conn *c = conn_open(path, why, sizeof(why), &schema);
    int rc = DK_EINVAL;
    if (!c) {
        if (schema)
            dk_config_errors_add(errs, path, 0, "%s", refused);
        else
            dk_config_errors_add(errs, path, 0, "%s", why);
        goto fail;
    }
    if (!schema_ok(c->db)) {
        dk_config_errors_add(errs, path, 0, "%s", refused);
        goto fail;
    }
    int src = scan(c->db, path, opt, stats);
    if (src) {
        dk_config_errors_add(errs, path, 0, "%s", sqlite3_errmsg(c->db));
        goto fail;
    }
    pool_put(s, c);
    *store = s;
    return 0;
fail:
    conn_close(c);
    sq_close(s);
    return rc;
}

static int sq_lookup(const void *store, const uint8_t *key, size_t keylen,
                     struct dk_assignment *out)
{
    const struct sq_store *s = store;
    char stack[SQ_STACK_ID], *id = stack;
    size_t cap = 2 * keylen + 24;
    if (!s)
        return 0;
    if (cap > sizeof(stack) && !(id = malloc(cap)))
        return DK_ENOMEM;
    int rc = 0;
    size_t n = dk_store_key_text(key, keylen, id, cap);
    if (!n)
        goto out; /* not a key: nobody has it */
    struct sq_conn *c = pool_get(s);
    if (!c) {
        rc = DK_EINVAL; /* the database cannot be read now: no answer */
        goto out;
    }
    int step = sqlite3_bind_text(c->get, 1, id, (int)n, SQLITE_STATIC);
    if (step == SQLITE_OK)
        step = sqlite3_step(c->get);
    if (step == SQLITE_ROW) {
        const char *what;
        if (read_row(c->get, 0, out, &what))
            rc = 1;
        else
            atomic_fetch_add_explicit(&s->pool->bad_rows, 1, memory_order_relaxed);
    } else if (step != SQLITE_DONE) {
        rc = DK_EINVAL; /* busy past SQ_BUSY_MS, I/O, corrupt: no answer */
    }
    /* Ends the read transaction: the next lookup sees the newest commit. */
    sqlite3_reset(c->get);
    sqlite3_clear_bindings(c->get);
    if (rc < 0 && (step & 0xff) != SQLITE_BUSY) {
        conn_close(c); /* the next lookup opens a fresh one */
        c = NULL;
    }
    if (c)
        pool_put(s, c);
out:
    if (id != stack)
        free(id);
    return rc;
}

const struct dk_store_ops dk_store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .lookup = sq_lookup,
    .close = sq_close,
};
