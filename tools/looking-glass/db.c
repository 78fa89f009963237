/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The looking glass's queries over one or more capture databases (db.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/store.h>

#include "db.h"

/* The columns of a transaction, as every query that lists them selects. */
#define TX_COLS                                                                                    \
    "db, id, time_ms, server, duid, interface_id, remote_id, subscriber_id, link_address,"         \
    " msg_in, msg_out, outcome, why, status, handling_us, leases, request, reply, relays"
#define ID_MATCH "(duid = ?1 OR interface_id = ?1 OR remote_id = ?1 OR subscriber_id = ?1)"
/* One row per client: its ids, the last transaction's values (SQLite takes
 * bare columns from the row of max()), how many. */
#define CLIENT_COLS                                                                                \
    "duid, interface_id, remote_id, subscriber_id, max(time_ms) AS last, count(*) AS n, server,"   \
    " outcome, why, leases, msg_in, msg_out, status"
#define CLIENT_GROUP " GROUP BY duid, interface_id, remote_id, subscriber_id"

int lg_db_open(struct lg_db *d, char *const *paths, size_t n, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    if (n == 0 || n > LG_MAX_DBS) {
        snprintf(err, errlen, "give 1 to %d databases", LG_MAX_DBS);
        return -1;
    }
    if (sqlite3_open_v2(":memory:", &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "sqlite: out of memory");
        return -1;
    }
    sqlite3_limit(d->db, SQLITE_LIMIT_ATTACHED, LG_MAX_DBS);
    sqlite3_busy_timeout(d->db, 2000);
    struct lg_sb tx = {0}, lease = {0}, meta = {0};
    for (size_t i = 0; i < n; i++) {
        /* Read-only: a URI with mode=ro; the path's special characters
         * percent-encoded. */
        struct lg_sb uri = {0};
        lg_sb_puts(&uri, "file:");
        for (const unsigned char *p = (const unsigned char *)paths[i]; *p; p++) {
            if (*p == '?' || *p == '#' || *p == '%' || *p < 0x21 || *p >= 0x7f)
                lg_sb_printf(&uri, "%%%02X", *p);
            else
                lg_sb_put(&uri, (const char *)p, 1);
        }
        lg_sb_puts(&uri, "?mode=ro");
        sqlite3_stmt *s;
        char sql[64];
        snprintf(sql, sizeof(sql), "ATTACH ?1 AS db%zu", i);
        int rc = sqlite3_prepare_v2(d->db, sql, -1, &s, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(s, 1, uri.err ? "" : uri.p, -1, SQLITE_TRANSIENT);
            rc = sqlite3_step(s);
            sqlite3_finalize(s);
        }
        lg_sb_free(&uri);
        /* Attaching a missing file read-only works until the first read. */
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM db%zu.tx", i);
        if (rc == SQLITE_DONE)
            rc = sqlite3_exec(d->db, sql, NULL, NULL, NULL) == SQLITE_OK ? SQLITE_DONE : -1;
        if (rc != SQLITE_DONE) {
            snprintf(err, errlen, "%s: %s", paths[i], sqlite3_errmsg(d->db));
            lg_sb_free(&tx);
            lg_sb_free(&lease);
            lg_sb_free(&meta);
            lg_db_close(d);
            return -1;
        }
        lg_sb_printf(&tx, "%sSELECT %zu AS db, * FROM db%zu.tx", i ? " UNION ALL " : "", i, i);
        lg_sb_printf(&lease, "%sSELECT %zu AS db, * FROM db%zu.lease", i ? " UNION ALL " : "", i,
                     i);
        lg_sb_printf(&meta,
                     "%sSELECT %zu AS db, key, value, (SELECT server FROM db%zu.tx ORDER BY"
                     " id DESC LIMIT 1) AS server FROM db%zu.meta",
                     i ? " UNION ALL " : "", i, i, i);
        d->n++;
    }
    struct lg_sb sql = {0};
    lg_sb_printf(&sql,
                 "CREATE TEMP VIEW atx AS %s; CREATE TEMP VIEW alease AS %s;"
                 " CREATE TEMP VIEW ameta AS %s;",
                 tx.p, lease.p, meta.p);
    int rc = sql.err ? SQLITE_NOMEM : sqlite3_exec(d->db, sql.p, NULL, NULL, NULL);
    lg_sb_free(&sql);
    lg_sb_free(&tx);
    lg_sb_free(&lease);
    lg_sb_free(&meta);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(d->db));
        lg_db_close(d);
        return -1;
    }
    return 0;
}

void lg_db_close(struct lg_db *d)
{
    sqlite3_close(d->db);
    d->db = NULL;
}

int lg_normalise(const char *q, char *out, size_t cap, enum lg_qkind *kind)
{
    while (*q == ' ' || *q == '\t')
        q++;
    size_t n = strlen(q);
    while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
        n--;
    if (n == 0 || n > 1024)
        return -1;
    uint8_t key[1 + 4 + 512];
    const char *why;
    size_t kl = dk_store_parse_id(q, n, key, sizeof(key), &why);
    if (!kl) {
        /* A bare DUID in hex, with or without colons. */
        char tmp[1100];
        snprintf(tmp, sizeof(tmp), "duid:%.*s", (int)n, q);
        bool hex = n >= 4;
        for (size_t i = 0; i < n && hex; i++)
            hex = strchr("0123456789abcdefABCDEF:", q[i]) != NULL;
        if (hex)
            kl = dk_store_parse_id(tmp, n + 5, key, sizeof(key), &why);
    }
    if (kl) {
        if (!dk_store_key_text(key, kl, out, cap))
            return -1;
        *kind = LG_Q_ID;
        return 0;
    }
    /* An address or a prefix, in the form the capture wrote (RFC 5952). */
    char a[INET6_ADDRSTRLEN + 8];
    if (n >= sizeof(a))
        return -1;
    memcpy(a, q, n);
    a[n] = 0;
    char *slash = strchr(a, '/');
    unsigned plen = 128;
    if (slash) {
        char *end;
        unsigned long l = strtoul(slash + 1, &end, 10);
        if (*end || end == slash + 1 || l > 128)
            return -1;
        plen = (unsigned)l;
        *slash = 0;
    }
    uint8_t bin[16];
    if (inet_pton(AF_INET6, a, bin) != 1)
        return -1;
    char t[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, bin, t, sizeof(t));
    if (slash)
        snprintf(out, cap, "%s/%u", t, plen);
    else
        snprintf(out, cap, "%s", t);
    *kind = LG_Q_LEASE;
    return 0;
}

/* Decodes an even run of hex digits; false if it is not one. */
static bool unhex(const char *h, uint8_t *out, size_t cap, size_t *n)
{
    size_t l = strlen(h);
    if (l % 2 || l / 2 > cap)
        return false;
    for (size_t i = 0; i < l; i += 2) {
        unsigned v;
        if (sscanf(h + i, "%2x", &v) != 1)
            return false;
        out[i / 2] = (uint8_t)v;
    }
    *n = l / 2;
    return true;
}

void lg_friendly(const char *key, struct lg_sb *out)
{
    static const char *const forms[][2] = {
        {"remote-id:", "remote-id-str:"},
        {"interface-id:", "interface-id-str:"},
        {"subscriber-id:", "subscriber-id-str:"},
    };
    for (size_t f = 0; key && f < sizeof(forms) / sizeof(forms[0]); f++) {
        size_t pl = strlen(forms[f][0]);
        if (strncmp(key, forms[f][0], pl) != 0)
            continue;
        const char *hex = key + pl;
        const char *en = NULL;
        size_t enl = 0;
        if (f == 0) {
            const char *c = strchr(hex, ':');
            if (!c)
                break;
            en = hex;
            enl = (size_t)(c - hex) + 1;
            hex = c + 1;
        }
        uint8_t b[512];
        size_t n;
        if (!unhex(hex, b, sizeof(b), &n) || n == 0)
            break;
        bool printable = true;
        for (size_t i = 0; i < n; i++)
            printable &= b[i] >= 0x20 && b[i] < 0x7f;
        if (!printable)
            break;
        lg_sb_puts(out, forms[f][1]);
        if (en)
            lg_sb_put(out, en, enl);
        lg_sb_put(out, (const char *)b, n);
        return;
    }
    lg_sb_puts(out, key ? key : "");
}

sqlite3_stmt *lg_db_search(struct lg_db *d, const char *norm, enum lg_qkind kind)
{
    const char *sql = kind == LG_Q_ID
                          ? "SELECT " CLIENT_COLS " FROM atx WHERE " ID_MATCH CLIENT_GROUP
                            " ORDER BY last DESC LIMIT 200"
                          : "SELECT " CLIENT_COLS
                            " FROM atx WHERE (db, id) IN (SELECT db, tx FROM alease"
                            " WHERE value = ?1)" CLIENT_GROUP " ORDER BY last DESC LIMIT 200";
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(s, 1, norm, -1, SQLITE_TRANSIENT);
    return s;
}

sqlite3_stmt *lg_db_transactions(struct lg_db *d, const char *norm)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT " TX_COLS " FROM atx WHERE " ID_MATCH
                           " ORDER BY time_ms DESC, id DESC LIMIT 200",
                           -1, &s, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(s, 1, norm, -1, SQLITE_TRANSIENT);
    return s;
}

sqlite3_stmt *lg_db_problem(struct lg_db *d, enum lg_problem p, unsigned slow_ms)
{
    const char *sql = NULL;
    switch (p) {
    case LG_P_NO_REPLY:
        sql = "SELECT " CLIENT_COLS " FROM atx" CLIENT_GROUP
              " HAVING outcome <> 'replied' ORDER BY last DESC LIMIT 200";
        break;
    case LG_P_SLOW:
        sql = "SELECT " TX_COLS " FROM atx WHERE handling_us >= ?1 ORDER BY handling_us DESC"
              " LIMIT 200";
        break;
    case LG_P_MULTI_DUID:
        sql = "SELECT remote_id AS id, count(DISTINCT duid) AS n, group_concat(DISTINCT duid) AS "
              "others,"
              " max(time_ms) AS last FROM atx WHERE remote_id IS NOT NULL AND duid IS NOT NULL"
              " GROUP BY remote_id HAVING n > 1"
              " UNION ALL SELECT subscriber_id AS id, count(DISTINCT duid) AS n,"
              " group_concat(DISTINCT duid) AS others, max(time_ms) AS last FROM atx WHERE "
              "subscriber_id IS NOT"
              " NULL AND duid IS NOT NULL GROUP BY subscriber_id HAVING n > 1"
              " ORDER BY n DESC LIMIT 200";
        break;
    case LG_P_MULTI_REMOTE_ID:
        sql = "SELECT duid AS id, count(DISTINCT remote_id) AS n, group_concat(DISTINCT"
              " remote_id) AS others, max(time_ms) AS last FROM atx WHERE remote_id IS NOT NULL "
              "AND duid IS NOT"
              " NULL GROUP BY duid HAVING n > 1 ORDER BY n DESC LIMIT 200";
        break;
    }
    sqlite3_stmt *s;
    if (!sql || sqlite3_prepare_v2(d->db, sql, -1, &s, NULL) != SQLITE_OK)
        return NULL;
    if (p == LG_P_SLOW)
        sqlite3_bind_int64(s, 1, (sqlite3_int64)slow_ms * 1000);
    return s;
}

sqlite3_stmt *lg_db_meta(struct lg_db *d)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(d->db, "SELECT db, key, value, server FROM ameta ORDER BY db, key", -1,
                           &s, NULL) != SQLITE_OK)
        return NULL;
    return s;
}

const char *lg_problem_name(enum lg_problem p)
{
    static const char *const names[] = {"no-reply", "slow", "multi-duid", "multi-remote-id"};
    return names[p];
}

int lg_problem_find(const char *name, enum lg_problem *p)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, lg_problem_name((enum lg_problem)i)) == 0) {
            *p = (enum lg_problem)i;
            return 0;
        }
    return -1;
}
