/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * looking-glass: records the last transactions of every client for the NOC's
 * page (ipv6-dhcp-looking-glass): time, server name, the request and the
 * reply as ipv6-dhcp-decode renders them, the relay chain, the outcome
 * (replied, dropped or failed, and who decided) and the handling time.
 *
 * It never slows or blocks packet handling: the analyse-post hook renders
 * the record in the transaction's arena, copies it into one allocation and
 * pushes it on a bounded lock-free queue (lg_queue.h). A writer thread takes
 * records off in batches and writes them to SQLite in WAL mode. When the
 * queue is full the record is dropped and counted (the meta table's
 * `dropped`, and a warning in the log at most every 10 s); the reply is
 * never touched.
 *
 * Pruning: after each insert the client's records beyond `keep` go; once a
 * minute, every record older than `max-age`. A client is its DUID and the
 * Interface-ID / Remote-ID / Subscriber-ID of the relay closest to it, as
 * the normalised ids of dk_store_key_text() ("duid:HEX", "remote-id:EN:HEX").
 *
 * Requests the pipeline drops itself (the receive rules of RFC 8415 §16,
 * the containment table) are recorded too, with the rule as the reason,
 * when they name a client; a datagram that does not decode names no one and
 * is only counted in the server's statistics.
 */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <dhcpkit/render.h>
#include <dhcpkit/store.h>

#include "capture.h"
#include "handlers.h"
#include "bgwriter.h"

#define LG_BATCH       512
#define LG_PRUNE_EVERY 60000 /* ms between max-age prunes */
#define LG_JSON_START  ((size_t)4 << 10)
#define LG_JSON_MAX    ((size_t)256 << 10)
#define LG_ARENA       ((size_t)8 << 20) /* as a worker's: a decoded datagram fits */

enum lg_field {
    F_DUID,
    F_IID,
    F_RID,
    F_SID,
    F_LINK,
    F_WHY,
    F_LEASES,
    F_REQUEST,
    F_REPLY,
    F_RELAYS,
    F_N
};

/* One transaction, in one allocation: the strings follow the struct. */
struct lg_rec {
    int64_t time_ms;    /* wall clock, ms since 1970 */
    uint32_t us;        /* handling time in microseconds */
    int32_t status;     /* the reply's first Status Code, -1 if none */
    uint8_t msg_in;     /* the client's message type */
    uint8_t msg_out;    /* the reply's type, 0 if none */
    uint8_t action;     /* enum dk_action */
    const char *f[F_N]; /* NULL or into the tail */
};

struct lg {
    char *path;
    char *server;
    unsigned keep;
    uint64_t max_age_ms;
    sqlite3 *db;
    bool db_ok, open_warned; /* db opened and prepared; its failure logged */
    sqlite3_stmt *ins, *prune, *age, *meta, *lease;
    struct dk__bgw w;
    int64_t last_prune;
    uint8_t *amem; /* the writer's arena, for decoding and rendering */
    struct dk_arena arena;
    struct dk_log log;
    uint64_t written;
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct lg_raw;
static bool cook(struct dk_arena *a, const struct lg_raw *raw, struct lg_rec *r);

/* ---- the database */

static const char schema_sql[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS tx ("
    " id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, server TEXT NOT NULL,"
    " client TEXT NOT NULL, duid TEXT, interface_id TEXT, remote_id TEXT, subscriber_id TEXT,"
    " link_address TEXT, msg_in TEXT, msg_out TEXT, outcome TEXT NOT NULL, why TEXT,"
    " status INTEGER, handling_us INTEGER NOT NULL, leases TEXT,"
    " request TEXT, reply TEXT, relays TEXT);"
    "CREATE INDEX IF NOT EXISTS tx_client ON tx(client, id);"
    "CREATE INDEX IF NOT EXISTS tx_duid ON tx(duid);"
    "CREATE INDEX IF NOT EXISTS tx_iid ON tx(interface_id);"
    "CREATE INDEX IF NOT EXISTS tx_rid ON tx(remote_id);"
    "CREATE INDEX IF NOT EXISTS tx_sid ON tx(subscriber_id);"
    "CREATE INDEX IF NOT EXISTS tx_time ON tx(time_ms);"
    "CREATE TABLE IF NOT EXISTS lease (tx INTEGER NOT NULL, value TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS lease_value ON lease(value);"
    "CREATE INDEX IF NOT EXISTS lease_tx ON lease(tx);"
    "CREATE TRIGGER IF NOT EXISTS tx_gone AFTER DELETE ON tx"
    " BEGIN DELETE FROM lease WHERE tx = old.id; END;"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);";

static int prepare(struct lg *g, char *err, size_t errlen)
{
    static const char ins[] =
        "INSERT INTO tx (time_ms, server, client, duid, interface_id, remote_id, subscriber_id,"
        " link_address, msg_in, msg_out, outcome, why, status, handling_us, leases, request,"
        " reply, relays) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
        " ?15, ?16, ?17, ?18)";
    static const char prune[] =
        "DELETE FROM tx WHERE client = ?1 AND id <= (SELECT id FROM tx WHERE client = ?1"
        " ORDER BY id DESC LIMIT 1 OFFSET ?2)";
    static const char age[] = "DELETE FROM tx WHERE time_ms < ?1";
    static const char meta[] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)";
    static const char lease[] = "INSERT INTO lease (tx, value) VALUES (?1, ?2)";
    char *msg = NULL;
    if (sqlite3_busy_timeout(g->db, 5000) != SQLITE_OK ||
        sqlite3_exec(g->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_prepare_v2(g->db, ins, -1, &g->ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(g->db, prune, -1, &g->prune, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(g->db, age, -1, &g->age, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(g->db, meta, -1, &g->meta, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(g->db, lease, -1, &g->lease, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", g->path, msg ? msg : sqlite3_errmsg(g->db));
        sqlite3_free(msg);
        return DK_EINVAL;
    }
    return 0;
}

/* Opens (or makes) the database and prepares the statements. */
static int open_db(struct lg *g, char *err, size_t errlen)
{
    if (sqlite3_open_v2(g->path, &g->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", g->path, g->db ? sqlite3_errmsg(g->db) : "out of memory");
        return DK_EINVAL;
    }
    return prepare(g, err, errlen);
}

static const char *outcome_name(uint8_t action)
{
    switch (action) {
    case DK_CONTINUE:
    case DK_REPLY_STATUS:
        return "replied";
    case DK_DROP_OTHER_SERVER:
        return "dropped: for another server";
    case DK_DROP_IGNORE:
        return "dropped: ignored";
    case DK_DROP_RATE_LIMITED:
        return "dropped: rate limited";
    case DK_DROP_NOT_ALLOWED:
        return "dropped: not allowed";
    case DK_DROP_INVALID:
        return "dropped: invalid";
    default:
        return "failed";
    }
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
    if (t)
        sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* The client: its DUID and the closest relay's ids, one string. */
static void client_of(const struct lg_rec *r, char *out, size_t cap)
{
    snprintf(out, cap, "%s|%s|%s|%s", r->f[F_DUID] ? r->f[F_DUID] : "",
             r->f[F_IID] ? r->f[F_IID] : "", r->f[F_RID] ? r->f[F_RID] : "",
             r->f[F_SID] ? r->f[F_SID] : "");
}

static int write_rec(struct lg *g, const struct lg_rec *r)
{
    size_t cl = 4;
    for (int i = F_DUID; i <= F_SID; i++)
        cl += r->f[i] ? strlen(r->f[i]) : 0;
    char *client = malloc(cl);
    if (!client)
        return SQLITE_NOMEM;
    client_of(r, client, cl);
    sqlite3_stmt *s = g->ins;
    sqlite3_bind_int64(s, 1, r->time_ms);
    sqlite3_bind_text(s, 2, g->server, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, client, -1, SQLITE_STATIC);
    bind_text(s, 4, r->f[F_DUID]);
    bind_text(s, 5, r->f[F_IID]);
    bind_text(s, 6, r->f[F_RID]);
    bind_text(s, 7, r->f[F_SID]);
    bind_text(s, 8, r->f[F_LINK]);
    bind_text(s, 9, dk_msg_name(r->msg_in));
    bind_text(s, 10, r->msg_out ? dk_msg_name(r->msg_out) : NULL);
    sqlite3_bind_text(s, 11, outcome_name(r->action), -1, SQLITE_STATIC);
    bind_text(s, 12, r->f[F_WHY]);
    if (r->status >= 0)
        sqlite3_bind_int(s, 13, r->status);
    else
        sqlite3_bind_null(s, 13);
    sqlite3_bind_int64(s, 14, r->us);
    bind_text(s, 15, r->f[F_LEASES]);
    bind_text(s, 16, r->f[F_REQUEST]);
    bind_text(s, 17, r->f[F_REPLY]);
    bind_text(s, 18, r->f[F_RELAYS]);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        goto out;
    sqlite3_int64 id = sqlite3_last_insert_rowid(g->db);
    /* The leases, one row each, for the page's search by address or prefix. */
    for (const char *l = r->f[F_LEASES]; l && *l;) {
        size_t n = strcspn(l, " ");
        sqlite3_bind_int64(g->lease, 1, id);
        sqlite3_bind_text(g->lease, 2, l, (int)n, SQLITE_STATIC);
        sqlite3_step(g->lease);
        sqlite3_reset(g->lease);
        l += n;
        l += *l == ' ';
    }
    s = g->prune;
    sqlite3_bind_text(s, 1, client, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, (int)g->keep);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
out:
    free(client);
    return rc;
}

static void put_meta(struct lg *g, const char *key, int64_t v)
{
    sqlite3_bind_text(g->meta, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(g->meta, 2, v);
    sqlite3_step(g->meta);
    sqlite3_reset(g->meta);
}

/* Writes up to LG_BATCH records in one transaction; returns how many. */
static size_t write_batch(void *ctx)
{
    struct lg *g = ctx;
    int64_t *last_prune = &g->last_prune;
    void *r = dk__lgq_pop(&g->w.q);
    if (!r)
        return 0;
    if (!g->db_ok) {
        char err[300] = "";
        if (!g->db && open_db(g, err, sizeof(err)) == 0) {
            g->db_ok = true;
        } else {
            /* Records that cannot be written are dropped and counted. */
            if (g->db && g->log.fn && !g->open_warned) {
                char msg[400];
                snprintf(msg, sizeof(msg), "looking-glass: %s", err);
                g->log.fn(g->log.ctx, DK_LOGLEVEL_ERROR, msg);
                g->open_warned = true;
            }
            return dk__bgw_discard(&g->w, r);
        }
    }
    size_t n = 0;
    sqlite3_exec(g->db, "BEGIN", NULL, NULL, NULL);
    for (; r; r = n < LG_BATCH ? dk__lgq_pop(&g->w.q) : NULL) {
        struct lg_rec rec;
        int rc = cook(&g->arena, r, &rec) ? write_rec(g, &rec) : SQLITE_OK;
        if (rc != SQLITE_OK && g->log.fn) {
            char msg[256];
            snprintf(msg, sizeof(msg), "looking-glass: %s: %s", g->path, sqlite3_errstr(rc));
            g->log.fn(g->log.ctx, DK_LOGLEVEL_WARNING, msg);
        }
        free(r);
        n++;
    }
    g->written += n;
    int64_t now = wall_ms();
    if (now - *last_prune >= LG_PRUNE_EVERY) {
        sqlite3_bind_int64(g->age, 1, now - (int64_t)g->max_age_ms);
        sqlite3_step(g->age);
        sqlite3_reset(g->age);
        *last_prune = now;
    }
    put_meta(g, "dropped", (int64_t)dk__lgq_dropped(&g->w.q));
    put_meta(g, "written", (int64_t)g->written);
    sqlite3_exec(g->db, "COMMIT", NULL, NULL, NULL);
    return n;
}

/* ---- configuration */

static void lg_destroy(void *state)
{
    struct lg *g = state;
    if (!g)
        return;
    dk__bgw_clear(&g->w);
    sqlite3_finalize(g->ins);
    sqlite3_finalize(g->prune);
    sqlite3_finalize(g->age);
    sqlite3_finalize(g->meta);
    sqlite3_finalize(g->lease);
    sqlite3_close(g->db);
    free(g->amem);
    free(g->path);
    free(g->server);
    free(g);
}

static int lg_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    struct lg *g = calloc(1, sizeof(*g));
    if (!g)
        return DK_ENOMEM;
    const struct dk_config_value *v;
    g->keep = (v = dk_handler_get(a, "keep")) ? (unsigned)v->v.u : 20;
    g->max_age_ms = ((v = dk_handler_get(a, "max-age")) ? v->v.u : 7 * 86400) * 1000;
    size_t qlen = (v = dk_handler_get(a, "queue")) ? (size_t)v->v.u : 65536;
    char host[256] = "";
    const char *server = (v = dk_handler_get(a, "server-name")) ? v->v.s : NULL;
    if (!server) {
        if (gethostname(host, sizeof(host) - 1) != 0)
            strcpy(host, "unknown");
        server = host;
    }
    g->log = a->log;
    g->path = strdup(a->arg ? a->arg->v.s : "");
    g->server = strdup(server);
    g->amem = malloc(LG_ARENA);
    if (g->amem)
        dk_arena_init(&g->arena, g->amem, LG_ARENA);
    if (!g->path || !g->server || !g->amem || dk__bgw_init(&g->w, qlen) != 0) {
        lg_destroy(g);
        return DK_ENOMEM;
    }
    int rc = dk__bgw_file(g->path, err, errlen);
    if (rc == 1) {
        rc = open_db(g, err, errlen);
        g->db_ok = rc == 0;
    }
    g->w.batch = write_batch;
    g->w.ctx = g;
    g->w.name = "looking-glass";
    g->w.noun = "records";
    g->w.log = g->log;
    if (rc < 0 || (rc = dk__bgw_start(&g->w, err, errlen)) != 0) {
        lg_destroy(g);
        return rc;
    }
    *state = g;
    return 0;
}

/* ---- turning a queued record into text (the writer thread) */

/* The normalised id of a relay option (or the Client Identifier), in the
 * arena; NULL when absent. */
static const char *id_text(struct dk_arena *a, const struct dk_opt *o, enum dk_store_kind kind)
{
    if (!o)
        return NULL;
    bool sub = kind == DK_STORE_REMOTE_ID;
    const struct dk_val *v = &o->v[sub ? 1 : 0];
    size_t cap = 1 + 4 + (size_t)v->n;
    uint8_t *key = dk_arena_alloc(a, cap);
    size_t tcap = 2 * cap + 24;
    char *text = dk_arena_alloc(a, tcap);
    if (!key || !text)
        return NULL;
    size_t n = dk_store_key(kind, sub ? o->v[0].u : 0, v->p, v->n, key, cap);
    if (!n || !dk_store_key_text(key, n, text, tcap))
        return NULL;
    return text;
}

static void put(struct dk_wbuf *w, const char *s)
{
    dk_wbuf_put(w, s, strlen(s));
}

static void put_addr(struct dk_wbuf *w, const uint8_t *a)
{
    char t[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, t, sizeof(t));
    put(w, t);
}

/* The relay chain, outermost first, each relay without its Relay Message. */
static void render_relays(struct dk_wbuf *w, const struct dk_msg *const *relays, size_t n,
                          bool direct)
{
    put(w, "[");
    for (size_t i = 0; i < n; i++) {
        const struct dk_msg *m = relays[i];
        char head[96];
        snprintf(head, sizeof(head), "%s{\"hop_count\": %u, \"own\": %s, \"link_address\": \"",
                 i ? ", " : "", m->hop_count, direct ? "true" : "false");
        put(w, head);
        put_addr(w, m->link);
        put(w, "\", \"peer_address\": \"");
        put_addr(w, m->peer);
        put(w, "\", \"options\": [");
        bool first = true;
        for (size_t k = 0; k < m->nopts; k++) {
            if (m->opts[k].code == DK_OPT_RELAY_MSG)
                continue;
            if (!first)
                put(w, ", ");
            first = false;
            dk_opt_to_json(w, &m->opts[k]);
        }
        put(w, "]}");
    }
    put(w, "]");
}

/* The addresses and prefixes of the reply's IAs (lifetime > 0), and its
 * first Status Code (the message's, else the first IA's that is not
 * Success). */
static void render_leases(struct dk_wbuf *w, const struct dk_msg *m, int32_t *status)
{
    for (size_t i = 0; i < m->nopts; i++) {
        const struct dk_opt *o = &m->opts[i];
        if (o->code == DK_OPT_STATUS_CODE && *status < 0)
            *status = (int32_t)o->v[0].u;
        if (o->code != DK_OPT_IA_NA && o->code != DK_OPT_IA_TA && o->code != DK_OPT_IA_PD)
            continue;
        for (size_t k = 0; k < o->nopts; k++) {
            const struct dk_opt *s = &o->opts[k];
            if (s->code == DK_OPT_STATUS_CODE && *status < 0 && s->v[0].u != DK_STATUS_SUCCESS)
                *status = (int32_t)s->v[0].u;
            const uint8_t *a = NULL;
            unsigned plen = 0;
            if (s->code == DK_OPT_IAADDR && s->v[0].n == 16 && s->v[2].u > 0) {
                a = s->v[0].p;
            } else if (s->code == DK_OPT_IAPREFIX && s->v[2].n == 16 && s->v[1].u > 0) {
                a = s->v[2].p;
                plen = s->v[2].u;
            }
            if (!a)
                continue;
            if (w->len)
                put(w, " ");
            put_addr(w, a);
            if (s->code == DK_OPT_IAPREFIX) {
                char l[8];
                snprintf(l, sizeof(l), "/%u", plen);
                put(w, l);
            }
        }
    }
}

enum render_kind { R_MSG, R_RELAYS, R_LEASES };

struct chain {
    struct dk__chain c;
    bool direct;
};

/* Renders into a NUL-ended string in the arena, retrying with larger
 * buffers; NULL if it never fits. */
static const char *render(struct dk_arena *a, enum render_kind kind, const struct dk_msg *m,
                          const struct chain *c, int32_t *status)
{
    for (size_t cap = LG_JSON_START; cap <= LG_JSON_MAX; cap *= 4) {
        size_t mark = a->used;
        uint8_t *buf = dk_arena_alloc(a, cap);
        if (!buf)
            return NULL;
        struct dk_wbuf w;
        dk_wbuf_init(&w, buf, cap - 1);
        if (kind == R_MSG)
            dk_msg_to_json(&w, m);
        else if (kind == R_RELAYS)
            render_relays(&w, c->c.relays, c->c.n, c->direct);
        else
            render_leases(&w, m, status);
        if (!w.err) {
            buf[w.len] = 0;
            return (const char *)buf;
        }
        a->used = mark;
    }
    return NULL;
}

/* What a worker queues: the transaction's facts and its two messages as
 * octets (encoding is cheap; decoding and rendering are the writer's). */
struct lg_raw {
    int64_t time_ms;
    uint32_t us;
    uint32_t nin, nout; /* octets of the received message and of the reply */
    uint16_t nwhy;
    uint8_t action;
    bool direct;
    uint8_t link[16];
    uint8_t data[]; /* in, out, why (NUL-ended) */
};

/* Decodes and renders raw into r (strings in a, valid until it is reset).
 * Returns false for a record that does not decode (cannot happen for what
 * the pipeline accepted; such a record is skipped). */
static bool cook(struct dk_arena *a, const struct lg_raw *raw, struct lg_rec *r)
{
    dk_arena_reset(a);
    *r = (struct lg_rec){
        .time_ms = raw->time_ms, .us = raw->us, .status = -1, .action = raw->action};
    struct chain c = {.direct = raw->direct};
    const struct dk_msg *m = dk__capture_decode(a, raw->data, raw->nin, &c.c);
    if (!m)
        return false;
    const struct dk_msg *closest = c.c.relays[c.c.n - 1];
    r->msg_in = m->type;
    r->f[F_DUID] = id_text(a, dk_msg_find(m, DK_OPT_CLIENTID), DK_STORE_DUID);
    r->f[F_IID] = id_text(a, dk_msg_find(closest, DK_OPT_INTERFACE_ID), DK_STORE_INTERFACE_ID);
    r->f[F_RID] = id_text(a, dk_msg_find(closest, DK_OPT_REMOTE_ID), DK_STORE_REMOTE_ID);
    r->f[F_SID] = id_text(a, dk_msg_find(closest, DK_OPT_SUBSCRIBER_ID), DK_STORE_SUBSCRIBER_ID);
    char *link = dk_arena_alloc(a, INET6_ADDRSTRLEN);
    if (link)
        inet_ntop(AF_INET6, raw->link, link, INET6_ADDRSTRLEN);
    r->f[F_LINK] = link;
    r->f[F_WHY] = raw->nwhy ? (const char *)raw->data + raw->nin + raw->nout : NULL;
    r->f[F_REQUEST] = render(a, R_MSG, m, NULL, NULL);
    r->f[F_RELAYS] = render(a, R_RELAYS, NULL, &c, NULL);
    struct dk_msg *reply;
    if (raw->nout && dk_msg_decode(raw->data + raw->nin, raw->nout, a, &reply, NULL) == 0) {
        r->msg_out = reply->type;
        r->f[F_REPLY] = render(a, R_MSG, reply, NULL, NULL);
        r->f[F_LEASES] = render(a, R_LEASES, reply, NULL, &r->status);
    }
    return true;
}

/* ---- the hooks (worker threads) */

static int lg_start(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)b;
    *h->tdata = (void *)(uintptr_t)mono_ns();
    return DK_CONTINUE;
}

static int lg_finish(struct dk_bundle *b, const struct dk_hctx *h)
{
    struct lg *g = h->state;
    uint8_t *scratch = h->wstate;
    if (!scratch)
        return DK_CONTINUE;
    uint64_t t0 = (uint64_t)(uintptr_t)*h->tdata;
    /* What came in (the whole relay chain; for a direct client the
     * pipeline's own Relay-forward around it), then the reply. */
    size_t nin, nout;
    int err = dk__capture_encode(b, scratch, DK__CAPTURE_SCRATCH, &nin, &nout);
    size_t len = nin + nout;
    size_t nwhy = b->why ? strlen(b->why) : 0;
    nwhy = nwhy > 200 ? 200 : nwhy;
    struct lg_raw *raw = err ? NULL : malloc(sizeof(*raw) + len + nwhy + 1);
    if (!raw) {
        atomic_fetch_add_explicit(&g->w.q.dropped, 1, memory_order_relaxed);
        return DK_CONTINUE;
    }
    uint64_t t1 = mono_ns();
    raw->time_ms = wall_ms();
    raw->us = t0 && t1 > t0 ? (uint32_t)((t1 - t0) / 1000) : 0;
    raw->nin = (uint32_t)nin;
    raw->nout = (uint32_t)nout;
    raw->nwhy = (uint16_t)nwhy;
    raw->action = (uint8_t)b->action;
    raw->direct = b->direct;
    memcpy(raw->link, b->link_address, 16);
    memcpy(raw->data, scratch, len);
    if (nwhy)
        memcpy(raw->data + len, b->why, nwhy);
    raw->data[len + nwhy] = 0;
    if (!dk__lgq_push(&g->w.q, raw))
        free(raw);
    return DK_CONTINUE;
}

DK__HANDLER(looking_glass, "looking-glass",
            .help = "records the last transactions of every client for the looking glass",
            .create = lg_create, .destroy = lg_destroy, .worker_init = dk__capture_worker_init,
            .worker_done = dk__capture_worker_done, .hooks[DK_STAGE_ANALYSE_PRE] = lg_start,
            .hooks[DK_STAGE_ANALYSE_POST] = lg_finish);
