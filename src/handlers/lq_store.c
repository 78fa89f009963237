/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The leasequery's lease store (lq_store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include <dhcpkit/errors.h>
#include <dhcpkit/wire.h>

#include "lq_store.h"

#define NEVER INT64_MAX

static const char schema_sql[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "CREATE TABLE IF NOT EXISTS client ("
    " id INTEGER PRIMARY KEY, duid BLOB NOT NULL, link BLOB NOT NULL, last INTEGER NOT NULL,"
    " relay_data BLOB, options BLOB, UNIQUE (duid, link));"
    "CREATE INDEX IF NOT EXISTS client_link ON client(link);"
    "CREATE TABLE IF NOT EXISTS lease ("
    " client INTEGER NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
    " first BLOB NOT NULL, last BLOB NOT NULL, plen INTEGER NOT NULL, prefix INTEGER NOT NULL,"
    " pref_end INTEGER NOT NULL, valid_end INTEGER NOT NULL, PRIMARY KEY (client, first, plen));"
    "CREATE INDEX IF NOT EXISTS lease_first ON lease(first);"
    "CREATE INDEX IF NOT EXISTS lease_end ON lease(valid_end);"
    "CREATE TABLE IF NOT EXISTS relay_key ("
    " client INTEGER NOT NULL REFERENCES client(id) ON DELETE CASCADE,"
    " kind INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (client, kind, value));"
    "CREATE INDEX IF NOT EXISTS relay_key_value ON relay_key(kind, value);";

enum {
    S_CLIENT,  /* upsert a client, returns its id */
    S_LEASE,   /* upsert a lease */
    S_UNLEASE, /* remove a lease */
    S_UNKEY,   /* forget a client's relay ids */
    S_KEY,     /* add one */
    S_PURGE,   /* leases ended */
    S_ORPHANS, /* clients without leases */
    S_N
};

static const char *const sql[S_N] = {
    [S_CLIENT] = "INSERT INTO client (duid, link, last, relay_data, options)"
                 " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (duid, link) DO UPDATE SET"
                 " last = excluded.last, relay_data = excluded.relay_data,"
                 " options = excluded.options RETURNING id",
    [S_LEASE] = "INSERT OR REPLACE INTO lease (client, first, last, plen, prefix, pref_end,"
                " valid_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_UNLEASE] = "DELETE FROM lease WHERE client = ?1 AND first = ?2 AND plen = ?3",
    [S_UNKEY] = "DELETE FROM relay_key WHERE client = ?1",
    [S_KEY] = "INSERT OR IGNORE INTO relay_key (client, kind, value) VALUES (?1, ?2, ?3)",
    [S_PURGE] = "DELETE FROM lease WHERE valid_end <= ?1",
    [S_ORPHANS] = "DELETE FROM client WHERE NOT EXISTS"
                  " (SELECT 1 FROM lease WHERE lease.client = client.id)",
};

struct dk__lqs {
    sqlite3 *db;
    sqlite3_stmt *st[S_N];
};

struct dk__lqc {
    sqlite3_stmt *clients, *leases;
    int64_t now;
    bool at_end;
};

void dk__lqs_close(struct dk__lqs *s)
{
    if (!s)
        return;
    for (int i = 0; i < S_N; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s);
}

int dk__lqs_open(const char *path, bool write, struct dk__lqs **out, char *err, size_t errlen)
{
    *out = NULL;
    struct dk__lqs *s = calloc(1, sizeof(*s));
    if (!s)
        return DK_ENOMEM;
    int flags = SQLITE_OPEN_NOMUTEX |
                (write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
    char *msg = NULL;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK)
        goto fail;
    /* A reader (a worker's, a bulk answer's) caches at most 256 KiB of
     * pages, so that an answer of any size takes bounded memory. */
    if (!write && sqlite3_exec(s->db, "PRAGMA cache_size=-256", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    if (write) {
        if (sqlite3_exec(s->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK)
            goto fail;
        for (int i = 0; i < S_N; i++)
            if (sqlite3_prepare_v2(s->db, sql[i], -1, &s->st[i], NULL) != SQLITE_OK)
                goto fail;
    }
    *out = s;
    return 0;
fail:
    snprintf(err, errlen, "%s: %s", path,
             msg     ? msg
             : s->db ? sqlite3_errmsg(s->db)
                     : "out of memory");
    sqlite3_free(msg);
    dk__lqs_close(s);
    return DK_EINVAL;
}

void dk__lqs_begin(struct dk__lqs *s)
{
    sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

void dk__lqs_commit(struct dk__lqs *s)
{
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

/* Steps a write statement and resets it: 0 or DK_EINVAL. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : DK_EINVAL;
}

static void bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
    if (p)
        sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* The end of a lifetime that starts at now. */
static int64_t end_of(int64_t now, uint32_t lifetime)
{
    return lifetime == DK_INFINITY ? NEVER : now + lifetime;
}

/* The last address of a prefix. */
static void last_of(const struct dk__lq_lease *l, uint8_t out[16])
{
    memcpy(out, l->addr, 16);
    for (unsigned bit = l->plen; bit < 128; bit++)
        out[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
}

int dk__lqs_apply(struct dk__lqs *s, const struct dk__lq_update *u)
{
    sqlite3_stmt *st = s->st[S_CLIENT];
    bind_blob(st, 1, u->duid, u->duid_len);
    bind_blob(st, 2, u->link, 16);
    sqlite3_bind_int64(st, 3, u->now);
    bind_blob(st, 4, u->relay_data, u->relay_data_len);
    bind_blob(st, 5, u->options, u->options_len);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return DK_EINVAL;
    }
    int64_t id = sqlite3_column_int64(st, 0);
    int err = run(st);
    for (size_t i = 0; i < u->nleases && !err; i++) {
        const struct dk__lq_lease *l = &u->leases[i];
        unsigned plen = l->prefix ? l->plen : 128;
        if (u->remove || l->valid == 0) {
            st = s->st[S_UNLEASE];
            sqlite3_bind_int64(st, 1, id);
            bind_blob(st, 2, l->addr, 16);
            sqlite3_bind_int(st, 3, (int)plen);
            err = run(st);
            continue;
        }
        uint8_t last[16];
        last_of(l, last);
        st = s->st[S_LEASE];
        sqlite3_bind_int64(st, 1, id);
        bind_blob(st, 2, l->addr, 16);
        bind_blob(st, 3, last, 16);
        sqlite3_bind_int(st, 4, (int)plen);
        sqlite3_bind_int(st, 5, l->prefix);
        sqlite3_bind_int64(st, 6, end_of(u->now, l->pref));
        sqlite3_bind_int64(st, 7, end_of(u->now, l->valid));
        err = run(st);
    }
    if (!err && !u->remove) {
        st = s->st[S_UNKEY];
        sqlite3_bind_int64(st, 1, id);
        err = run(st);
        for (size_t i = 0; i < u->nids && !err; i++) {
            st = s->st[S_KEY];
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int(st, 2, u->ids[i].kind);
            bind_blob(st, 3, u->ids[i].p, u->ids[i].n);
            err = run(st);
        }
    }
    return err;
}

int dk__lqs_purge(struct dk__lqs *s, int64_t now)
{
    sqlite3_bind_int64(s->st[S_PURGE], 1, now);
    int err = run(s->st[S_PURGE]);
    return err ? err : run(s->st[S_ORPHANS]);
}

/* ---- queries */

#define LIVE " AND EXISTS (SELECT 1 FROM lease l WHERE l.client = c.id AND l.valid_end > ?3)"
#define LINK " AND (?2 = zeroblob(16) OR c.link = ?2)"
#define COLS "SELECT c.id, c.duid, c.link, c.last, c.relay_data, c.options FROM client c WHERE "

static const char *query_sql(unsigned type)
{
    switch (type) {
    case DK_LQ_QUERY_BY_ADDRESS: /* RFC 5007 §4.3.2: an address, or one inside a prefix */
        return COLS "c.id IN (SELECT client FROM lease WHERE first <= ?1 AND last >= ?1"
                    " AND valid_end > ?3)" LINK " ORDER BY c.id";
    case DK_LQ_QUERY_BY_CLIENTID:
        return COLS "c.duid = ?1" LINK LIVE " ORDER BY c.id";
    case DK_LQ_QUERY_BY_RELAY_ID:
        return COLS
            "c.id IN (SELECT client FROM relay_key WHERE kind = 53 AND value = ?1)" LINK LIVE
            " ORDER BY c.id";
    case DK_LQ_QUERY_BY_REMOTE_ID:
        return COLS
            "c.id IN (SELECT client FROM relay_key WHERE kind = 37 AND value = ?1)" LINK LIVE
            " ORDER BY c.id";
    case DK_LQ_QUERY_BY_LINK_ADDRESS:
        return COLS "c.link = ?2 AND ?1 IS NULL" LIVE " ORDER BY c.id";
    default:
        return NULL;
    }
}

void dk__lqc_close(struct dk__lqc *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->clients);
    sqlite3_finalize(c->leases);
    free(c);
}

int dk__lqc_open(struct dk__lqs *s, const struct dk__lq_query *q, struct dk__lqc **out)
{
    *out = NULL;
    const char *text = query_sql(q->type);
    if (!text)
        return DK_EINVAL;
    struct dk__lqc *c = calloc(1, sizeof(*c));
    if (!c)
        return DK_ENOMEM;
    c->now = q->now;
    if (sqlite3_prepare_v2(s->db, text, -1, &c->clients, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT first, plen, prefix, pref_end, valid_end FROM lease"
                           " WHERE client = ?1 AND valid_end > ?2 ORDER BY prefix, first",
                           -1, &c->leases, NULL) != SQLITE_OK) {
        dk__lqc_close(c);
        return DK_EINVAL;
    }
    if (q->type == DK_LQ_QUERY_BY_LINK_ADDRESS)
        sqlite3_bind_null(c->clients, 1);
    else
        sqlite3_bind_blob(c->clients, 1, q->key, (int)q->keylen, SQLITE_TRANSIENT);
    sqlite3_bind_blob(c->clients, 2, q->link, 16, SQLITE_TRANSIENT);
    sqlite3_bind_int64(c->clients, 3, q->now);
    *out = c;
    return 0;
}

int dk__lqc_next(struct dk__lqc *c, struct dk__lq_client *out)
{
    if (c->at_end)
        return 0;
    int rc = sqlite3_step(c->clients);
    if (rc == SQLITE_DONE) {
        c->at_end = true;
        return 0;
    }
    if (rc != SQLITE_ROW)
        return DK_EINVAL;
    sqlite3_stmt *st = c->clients;
    out->id = sqlite3_column_int64(st, 0);
    out->duid = sqlite3_column_blob(st, 1);
    out->duid_len = (size_t)sqlite3_column_bytes(st, 1);
    out->link = sqlite3_column_blob(st, 2);
    if (sqlite3_column_bytes(st, 2) != 16)
        return DK_EINVAL;
    out->last = sqlite3_column_int64(st, 3);
    out->relay_data = sqlite3_column_blob(st, 4);
    out->relay_data_len = (size_t)sqlite3_column_bytes(st, 4);
    out->options = sqlite3_column_blob(st, 5);
    out->options_len = (size_t)sqlite3_column_bytes(st, 5);
    sqlite3_reset(c->leases);
    sqlite3_bind_int64(c->leases, 1, out->id);
    sqlite3_bind_int64(c->leases, 2, c->now);
    return 1;
}

/* What is left of a lifetime that ends at end. */
static uint32_t left(int64_t end, int64_t now)
{
    if (end == NEVER)
        return DK_INFINITY;
    if (end <= now)
        return 0;
    return end - now >= DK_INFINITY ? DK_INFINITY - 1 : (uint32_t)(end - now);
}

int dk__lqc_lease(struct dk__lqc *c, struct dk__lq_lease *out)
{
    int rc = sqlite3_step(c->leases);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW || sqlite3_column_bytes(c->leases, 0) != 16)
        return DK_EINVAL;
    memcpy(out->addr, sqlite3_column_blob(c->leases, 0), 16);
    out->plen = (uint8_t)sqlite3_column_int(c->leases, 1);
    out->prefix = sqlite3_column_int(c->leases, 2) != 0;
    out->pref = left(sqlite3_column_int64(c->leases, 3), c->now);
    out->valid = left(sqlite3_column_int64(c->leases, 4), c->now);
    return 1;
}
