/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * leasequery: records the leases the server gives and answers Leasequery
 * (RFC 5007) and Bulk Leasequery (RFC 5460) from them.
 *
 * Recording never touches the packet path: the analyse-post hook captures
 * every Reply to a Request, Renew, Rebind, Release or Decline (and to a
 * Solicit with Rapid Commit) that carries addresses or prefixes (capture.h)
 * and pushes it on a bounded lock-free queue (lg_queue.h); a full queue
 * drops and counts. A writer thread decodes the captures and writes them in
 * batches to the store (lq_store.h, SQLite in WAL mode), and once a minute
 * purges the leases that ended.
 *
 * Answering (the handle stage, Leasequery only): the requestor's address
 * (the peer-address of the relay closest to it, for a direct requestor its
 * source address) must be in an allow-from prefix, else NotAllowed; without
 * allow-from everybody is refused (and start-up says so). Query types 3-5
 * only over TCP (RFC 5460 §5.1). A query over TCP gets the first client in
 * the LEASEQUERY-REPLY and the others through a stream (struct
 * dk_msg_stream) with a read-only connection of its own, one client per
 * message, then LEASEQUERY-DONE.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/build.h>

#include "capture.h"
#include "handlers.h"
#include "bgwriter.h"
#include "lq_store.h"

#define LQ_BATCH         512
#define LQ_PURGE_EVERY   60 /* seconds between purges of ended leases */
#define LQ_QUEUE         65536
#define LQ_ARENA         ((size_t)1 << 20) /* a decoded capture, or one answer */
#define LQ_MAX_LINKS     64                /* links listed in OPTION_LQ_CLIENT_LINK */
#define LQ_MAX_ALLOW     256
#define LQ_MAX_SENSITIVE 256

struct lq_prefix {
    uint8_t addr[16];
    uint8_t len;
};

struct lq {
    char *path;
    struct lq_prefix allow[LQ_MAX_ALLOW];
    size_t nallow;
    uint16_t sensitive[LQ_MAX_SENSITIVE];
    size_t nsensitive;
    struct dk__lqs *db; /* the writer's */
    bool db_warned;
    struct dk__bgw w;
    int64_t last_purge;
    uint8_t *amem;
    struct dk_arena arena;                         /* the writer's */
    struct dk__lq_lease leases[DK__LQ_MAX_LEASES]; /* the writer's */
    struct dk_log log;
};

/* A worker's: the capture scratch and a read-only connection. */
struct lq_worker {
    struct dk__lqs *ro;
    uint8_t scratch[DK__CAPTURE_SCRATCH];
};

/* What a worker queues. */
struct lq_raw {
    int64_t now;
    uint32_t nin, nout;
    bool direct;
    uint8_t link[16];
    uint8_t source[16]; /* the datagram's: the relay closest to us */
    uint8_t data[]; /* in, out */
};

static int64_t wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static void lq_logf(const struct dk_log *log, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void lq_logf(const struct dk_log *log, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk_log_vf(log, level, fmt, ap);
    va_end(ap);
}

/* ---- the writer thread: from captures to updates */

/* Whether an option of a Reply is kept as the client's "other options"
 * (RFC 5007 §4.1.2.2: what the server holds for the client besides its
 * identity and leases). */
static bool kept_option(uint16_t code)
{
    switch (code) {
    case DK_OPT_CLIENTID:
    case DK_OPT_SERVERID:
    case DK_OPT_IA_NA:
    case DK_OPT_IA_TA:
    case DK_OPT_IA_PD:
    case DK_OPT_STATUS_CODE:
    case DK_OPT_RAPID_COMMIT:
    case DK_OPT_PREFERENCE:
    case DK_OPT_UNICAST:
    case DK_OPT_AUTH:
    case DK_OPT_RECONF_ACCEPT:
    case DK_OPT_ORO:
        return false;
    default:
        return true;
    }
}

/* The leases of msg's IAs: those with a lifetime (any, with remove). */
static size_t leases_of(const struct dk_msg *m, struct dk__lq_lease *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nopts; i++) {
        const struct dk_opt *ia = &m->opts[i];
        if (ia->code != DK_OPT_IA_NA && ia->code != DK_OPT_IA_TA && ia->code != DK_OPT_IA_PD)
            continue;
        for (size_t k = 0; k < ia->nopts && n < cap; k++) {
            const struct dk_opt *s = &ia->opts[k];
            struct dk__lq_lease *l = &out[n];
            if (s->code == DK_OPT_IAADDR && s->v[0].n == 16) {
                *l = (struct dk__lq_lease){.plen = 128, .pref = s->v[1].u, .valid = s->v[2].u};
                memcpy(l->addr, s->v[0].p, 16);
                n++;
            } else if (s->code == DK_OPT_IAPREFIX && s->v[2].n == 16 && s->v[2].u <= 128) {
                *l = (struct dk__lq_lease){.plen = (uint8_t)s->v[2].u,
                                           .prefix = true,
                                           .pref = s->v[0].u,
                                           .valid = s->v[1].u};
                memcpy(l->addr, s->v[2].p, 16);
                n++;
            }
        }
    }
    return n;
}

/* The body of OPTION_LQ_RELAY_DATA (RFC 5007 §4.1.2.4): a peer-address and
 * the chain of Relay-forward messages without the client's message, in a.
 * The peer-address is the address the server received the outermost
 * Relay-forward from. */
static const uint8_t *relay_data(struct dk_arena *a, const struct dk__chain *c,
                                 const uint8_t *source, size_t *len)
{
    struct dk_bmsg *top = dk_bmsg_from_msg(a, c->relays[0]);
    struct dk_bmsg *m = top;
    for (size_t i = 1; m && i < c->n; i++) {
        struct dk_bopt *rm = dk_bmsg_find(m, DK_OPT_RELAY_MSG);
        m = rm ? rm->msg : NULL;
    }
    struct dk_bopt *inner = m ? dk_bmsg_find(m, DK_OPT_RELAY_MSG) : NULL;
    if (!inner)
        return NULL;
    dk_bmsg_remove(m, inner);
    struct dk_msg *msg;
    size_t cap = 65535;
    uint8_t *buf = dk_arena_alloc(a, cap);
    if (!buf || dk_bmsg_finish(a, top, &msg) != 0)
        return NULL;
    memcpy(buf, source, 16);
    struct dk_wbuf w;
    dk_wbuf_init(&w, buf + 16, cap - 16);
    if (dk_msg_encode(&w, msg) != 0)
        return NULL;
    *len = 16 + w.len;
    return buf;
}

/* The Reply's other options, encoded, in a. */
static const uint8_t *options_of(struct dk_arena *a, const struct dk_msg *reply, size_t *len)
{
    size_t cap = 65535;
    uint8_t *buf = dk_arena_alloc(a, cap);
    if (!buf)
        return NULL;
    struct dk_wbuf w;
    dk_wbuf_init(&w, buf, cap);
    for (size_t i = 0; i < reply->nopts; i++)
        if (kept_option(reply->opts[i].code) && dk_opt_encode(&w, &reply->opts[i]) != 0)
            return NULL;
    *len = w.len;
    return w.len ? buf : NULL;
}

/* Writes one capture; false if it does not decode (skipped). */
static bool write_raw(struct lq *g, const struct lq_raw *raw)
{
    struct dk_arena *a = &g->arena;
    dk_arena_reset(a);
    struct dk__chain c;
    const struct dk_msg *m = dk__capture_decode(a, raw->data, raw->nin, &c);
    struct dk_msg *reply;
    if (!m || dk_msg_decode(raw->data + raw->nin, raw->nout, a, &reply, NULL) != 0)
        return false;
    const struct dk_opt *cid = dk_msg_find(m, DK_OPT_CLIENTID);
    if (!cid)
        return false;
    struct dk__lq_lease *leases = g->leases;
    struct dk__lq_id ids[DK__LQ_MAX_IDS];
    struct dk__lq_update u = {
        .duid = cid->v[0].p,
        .duid_len = cid->v[0].n,
        .now = raw->now,
        .remove = m->type == DK_MSG_RELEASE || m->type == DK_MSG_DECLINE,
        .leases = leases,
    };
    memcpy(u.link, raw->link, 16);
    /* Release, Decline: the request names the leases that end. */
    u.nleases = leases_of(u.remove ? m : reply, leases, DK__LQ_MAX_LEASES);
    for (size_t i = 0; i < c.n && u.nids + 2 <= DK__LQ_MAX_IDS; i++) {
        const struct dk_opt *rid = dk_msg_find(c.relays[i], DK_OPT_RELAY_ID);
        const struct dk_opt *remote = dk_msg_find(c.relays[i], DK_OPT_REMOTE_ID);
        if (rid)
            ids[u.nids++] = (struct dk__lq_id){DK_OPT_RELAY_ID, rid->v[0].p, rid->v[0].n};
        if (remote)
            ids[u.nids++] = (struct dk__lq_id){DK_OPT_REMOTE_ID, remote->body, remote->len};
    }
    u.ids = ids;
    if (!raw->direct)
        u.relay_data = relay_data(a, &c, raw->source, &u.relay_data_len);
    u.options = options_of(a, reply, &u.options_len);
    if (dk__lqs_apply(g->db, &u) != 0)
        lq_logf(&g->log, DK_LOGLEVEL_WARNING, "leasequery: %s: a lease was not recorded", g->path);
    return true;
}

/* Writes up to LQ_BATCH captures in one transaction, and purges once a
 * minute; returns how many. */
static size_t write_batch(void *ctx)
{
    struct lq *g = ctx;
    int64_t *last_purge = &g->last_purge;
    void *r = dk__lgq_pop(&g->w.q);
    if (!r && (!g->db || wall_s() - *last_purge < LQ_PURGE_EVERY))
        return 0;
    if (!g->db) {
        char err[300];
        if (dk__lqs_open(g->path, true, &g->db, err, sizeof(err)) != 0) {
            if (!g->db_warned)
                lq_logf(&g->log, DK_LOGLEVEL_ERROR, "leasequery: %s", err);
            g->db_warned = true;
            return dk__bgw_discard(&g->w, r);
        }
    }
    size_t n = 0;
    dk__lqs_begin(g->db);
    for (; r; r = n < LQ_BATCH ? dk__lgq_pop(&g->w.q) : NULL) {
        write_raw(g, r);
        free(r);
        n++;
    }
    int64_t now = wall_s();
    if (now - *last_purge >= LQ_PURGE_EVERY) {
        dk__lqs_purge(g->db, now);
        *last_purge = now;
    }
    dk__lqs_commit(g->db);
    return n;
}

/* ---- configuration */

static void lq_destroy(void *state)
{
    struct lq *g = state;
    if (!g)
        return;
    dk__bgw_clear(&g->w);
    dk__lqs_close(g->db);
    free(g->amem);
    free(g->path);
    free(g);
}

/* An option code, or its name (OPTION_DNS_SERVERS, dns-servers, any case). */
static int option_code(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s && !*end)
        return v >= 1 && v <= 65535 ? (int)v : -1;
    for (unsigned c = 1; c <= 65535; c++) {
        const char *n = dk_opt_name(c);
        if (!n)
            continue;
        const char *bare = strncmp(n, "OPTION_", 7) == 0 ? n + 7 : n;
        size_t i = 0;
        const char *t = strncasecmp(s, "option_", 7) == 0 ? s + 7 : s;
        for (; bare[i] && t[i]; i++) {
            char x = t[i] == '-' ? '_' : t[i];
            if ((x | 0x20) != (bare[i] | 0x20))
                break;
        }
        if (!bare[i] && !t[i])
            return (int)c;
    }
    return -1;
}

/* The store's file: the <lq-sqlite FILE> inside the section. */
static const char *store_path(const struct dk_handler_args *a)
{
    const struct dk_config_section *s = a->section;
    for (size_t i = 0; s && i < s->nchildren; i++)
        if (strcmp(s->children[i]->type, "lq-sqlite") == 0 && s->children[i]->has_arg)
            return s->children[i]->arg.v.s;
    return NULL;
}

static int lq_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    struct lq *g = calloc(1, sizeof(*g));
    if (!g)
        return DK_ENOMEM;
    g->log = a->log;
    const char *path = store_path(a);
    g->nallow = dk_handler_count(a, "allow-from");
    g->nsensitive = dk_handler_count(a, "sensitive-option");
    if (!path || g->nallow > LQ_MAX_ALLOW || g->nsensitive > LQ_MAX_SENSITIVE) {
        snprintf(err, errlen, "%s", !path ? "no <lq-sqlite FILE/>" : "too many values");
        lq_destroy(g);
        return DK_EINVAL;
    }
    for (size_t i = 0; i < g->nallow; i++) {
        const struct dk_config_value *v = dk_handler_nth(a, "allow-from", i);
        memcpy(g->allow[i].addr, v->v.prefix.addr, 16);
        g->allow[i].len = v->v.prefix.len;
    }
    for (size_t i = 0; i < g->nsensitive; i++) {
        const char *s = dk_handler_nth(a, "sensitive-option", i)->v.s;
        int c = option_code(s);
        if (c < 0) {
            snprintf(err, errlen, "sensitive-option %s: not an option code or name", s);
            lq_destroy(g);
            return DK_EINVAL;
        }
        g->sensitive[i] = (uint16_t)c;
    }
    g->path = strdup(path);
    g->amem = malloc(LQ_ARENA);
    if (g->amem)
        dk_arena_init(&g->arena, g->amem, LQ_ARENA);
    if (!g->path || !g->amem || dk__bgw_init(&g->w, LQ_QUEUE) != 0) {
        lq_destroy(g);
        return DK_ENOMEM;
    }
    int rc = dk__bgw_file(g->path, err, errlen);
    if (rc == 1)
        rc = dk__lqs_open(g->path, true, &g->db, err, errlen);
    g->w.batch = write_batch;
    g->w.ctx = g;
    g->w.name = "leasequery";
    g->w.noun = "lease records";
    g->w.log = g->log;
    if (rc < 0 || (rc = dk__bgw_start(&g->w, err, errlen)) != 0) {
        lq_destroy(g);
        return rc;
    }
    if (g->nallow == 0)
        lq_logf(&g->log, DK_LOGLEVEL_WARNING,
                "leasequery: no allow-from: leasequery is refused to everyone until allow-from "
                "is set");
    *state = g;
    return 0;
}

static int lq_worker_init(void *state, void **wstate)
{
    (void)state;
    *wstate = calloc(1, sizeof(struct lq_worker));
    return *wstate ? 0 : DK_ENOMEM;
}

static void lq_worker_done(void *state, void *wstate)
{
    (void)state;
    struct lq_worker *w = wstate;
    if (w)
        dk__lqs_close(w->ro);
    free(w);
}

/* ---- recording (analyse-post, worker threads) */

/* Whether the transaction changes leases: a Reply that commits (or a
 * Release or Decline that was answered) with an address or prefix. */
static bool records(const struct dk_bundle *b)
{
    if (b->action != DK_CONTINUE || !b->response || b->response->type != DK_MSG_REPLY)
        return false;
    const struct dk_bmsg *m = b->response;
    switch (b->request->type) {
    case DK_MSG_SOLICIT: /* with Rapid Commit: the Reply commits */
    case DK_MSG_REQUEST:
    case DK_MSG_RENEW:
    case DK_MSG_REBIND:
        break;
    case DK_MSG_RELEASE:
    case DK_MSG_DECLINE:
        return b->nias > 0;
    default:
        return false;
    }
    for (const struct dk_bopt *o = m->opts; o; o = o->next) {
        if (o->o.code != DK_OPT_IA_NA && o->o.code != DK_OPT_IA_TA && o->o.code != DK_OPT_IA_PD)
            continue;
        for (const struct dk_bopt *k = o->kids; k; k = k->next)
            if (k->o.code == DK_OPT_IAADDR || k->o.code == DK_OPT_IAPREFIX)
                return true;
    }
    return false;
}

static int lq_record(struct dk_bundle *b, const struct dk_hctx *h)
{
    struct lq *g = h->state;
    struct lq_worker *w = h->wstate;
    if (!w || !records(b))
        return DK_CONTINUE;
    size_t nin, nout;
    int err = dk__capture_encode(b, w->scratch, sizeof(w->scratch), &nin, &nout);
    struct lq_raw *raw = err ? NULL : malloc(sizeof(*raw) + nin + nout);
    if (!raw) {
        atomic_fetch_add_explicit(&g->w.q.dropped, 1, memory_order_relaxed);
        return DK_CONTINUE;
    }
    raw->now = wall_s();
    raw->nin = (uint32_t)nin;
    raw->nout = (uint32_t)nout;
    raw->direct = b->direct;
    memcpy(raw->link, b->link_address, 16);
    memcpy(raw->source, b->source, 16);
    memcpy(raw->data, w->scratch, nin + nout);
    if (!dk__lgq_push(&g->w.q, raw))
        free(raw);
    return DK_CONTINUE;
}

/* ---- answering (handle, worker threads; the stream, the connection's) */

/* What an answer needs of the instance, copied: a stream outlives it. */
struct lq_answer {
    uint16_t sensitive[LQ_MAX_SENSITIVE];
    size_t nsensitive;
    bool relay_data; /* asked for in the query's ORO */
    bool inside;     /* relay data inside the Client Data (bulk) */
    int64_t now;
};

static bool sensitive(const struct lq_answer *an, uint16_t code)
{
    for (size_t i = 0; i < an->nsensitive; i++)
        if (an->sensitive[i] == code)
            return true;
    return false;
}

/* A copy of n octets in a, or NULL. */
static const uint8_t *acopy(struct dk_arena *a, const uint8_t *p, size_t n)
{
    uint8_t *c = dk_arena_alloc(a, n ? n : 1);
    if (c && n)
        memcpy(c, p, n);
    return c;
}

/* OPTION_LQ_RELAY_DATA from its stored body, or NULL. */
static struct dk_bopt *relay_data_opt(struct dk_arena *a, const struct dk__lq_client *cl)
{
    if (!cl->relay_data || cl->relay_data_len <= 16)
        return NULL;
    const uint8_t *p = acopy(a, cl->relay_data, cl->relay_data_len);
    struct dk_msg *m;
    struct dk_bopt *o = dk_bopt_new(a, DK_SPACE_DHCPV6, DK_OPT_LQ_RELAY_DATA);
    if (!p || !o || dk_msg_decode(p + 16, cl->relay_data_len - 16, a, &m, NULL) != 0)
        return NULL;
    dk_bopt_set_ref(o, 0, p, 16);
    o->msg = dk_bmsg_from_msg(a, m);
    return o->msg ? o : NULL;
}

/* OPTION_CLIENT_DATA (RFC 5007 §4.1.2.2) for the cursor's current client:
 * its Client Identifier, its live leases with what is left of their
 * lifetimes, OPTION_CLT_TIME and its other options but the sensitive ones;
 * relay data inside it when an->inside, else in *relay. NULL when out of
 * memory or on a store error. */
static struct dk_bopt *client_data(struct dk_arena *a, struct dk__lqc *c,
                                   const struct dk__lq_client *cl, const struct lq_answer *an,
                                   struct dk_bopt **relay)
{
    struct dk_bopt *cd = dk_bopt_new(a, DK_SPACE_DHCPV6, DK_OPT_CLIENT_DATA);
    struct dk_bopt *o = cd ? dk_bopt_add(a, cd, DK_OPT_CLIENTID) : NULL;
    if (!o || dk_bopt_set_copy(a, o, 0, cl->duid, cl->duid_len) != 0)
        return NULL;
    struct dk__lq_lease l;
    int rc;
    while ((rc = dk__lqc_lease(c, &l)) == 1) {
        o = dk_bopt_add(a, cd, l.prefix ? DK_OPT_IAPREFIX : DK_OPT_IAADDR);
        if (!o || dk_bopt_set_copy(a, o, l.prefix ? 2 : 0, l.addr, 16) != 0)
            return NULL;
        if (l.prefix) {
            dk_bopt_set_u(o, 0, l.pref);
            dk_bopt_set_u(o, 1, l.valid);
            o->o.v[2].u = l.plen;
        } else {
            dk_bopt_set_u(o, 1, l.pref);
            dk_bopt_set_u(o, 2, l.valid);
        }
    }
    if (rc < 0)
        return NULL;
    /* RFC 5007 §4.1.2.3: seconds since the client last talked to us. */
    o = dk_bopt_add(a, cd, DK_OPT_CLT_TIME);
    if (!o)
        return NULL;
    int64_t since = an->now - cl->last;
    dk_bopt_set_u(o, 0, since < 0 ? 0 : since > 0xffffffff ? 0xffffffffu : (uint32_t)since);
    if (cl->options && cl->options_len) {
        const uint8_t *p = acopy(a, cl->options, cl->options_len);
        struct dk_opt *opts;
        size_t n;
        if (p && dk_opts_decode(p, cl->options_len, DK_SPACE_DHCPV6, a, &opts, &n, NULL) == 0) {
            for (size_t i = 0; i < n; i++) {
                if (sensitive(an, opts[i].code))
                    continue;
                struct dk_bopt *k = dk_bopt_from_opt(a, &opts[i]);
                if (!k)
                    return NULL;
                dk_bopt_append(cd, k);
            }
        }
    }
    if (an->relay_data) {
        struct dk_bopt *r = relay_data_opt(a, cl);
        if (r && an->inside)
            dk_bopt_append(cd, r);
        else if (r && relay)
            *relay = r;
    }
    return cd;
}

/* The rest of a bulk answer. */
struct lq_stream {
    struct dk_msg_stream s;
    struct dk__lqs *db;
    struct dk__lqc *cur;
    struct dk__lq_client cl; /* the client to send next, when pending */
    bool pending, done;
    uint32_t xid;
    struct lq_answer an;
    struct dk_arena arena;
    uint8_t mem[LQ_ARENA];
};

static int encode_msg(struct dk_arena *a, const struct dk_bmsg *m, uint8_t *buf, size_t cap)
{
    struct dk_msg *msg;
    int err = dk_bmsg_finish(a, m, &msg);
    if (err)
        return err;
    struct dk_wbuf w;
    dk_wbuf_init(&w, buf, cap);
    err = dk_msg_encode(&w, msg);
    return err ? err : (int)w.len;
}

/* Steps the cursor to the next client: pending or not. */
static int stream_step(struct lq_stream *st)
{
    int rc = dk__lqc_next(st->cur, &st->cl);
    st->pending = rc == 1;
    return rc < 0 ? rc : 0;
}

static int stream_next(struct dk_msg_stream *s, uint8_t *buf, size_t cap)
{
    struct lq_stream *st = (struct lq_stream *)s;
    if (st->done)
        return 0;
    dk_arena_reset(&st->arena);
    struct dk_bmsg *m;
    if (st->pending) {
        /* RFC 5460 §5.3: one LEASEQUERY-DATA per further client. */
        m = dk_bmsg_new(&st->arena, DK_MSG_LEASEQUERY_DATA);
        struct dk_bopt *cd = m ? client_data(&st->arena, st->cur, &st->cl, &st->an, NULL) : NULL;
        if (!cd)
            return DK_ENOMEM;
        dk_bmsg_append(m, cd);
        m->xid = st->xid;
        int n = encode_msg(&st->arena, m, buf, cap);
        if (n < 0)
            return n;
        int rc = stream_step(st);
        return rc < 0 ? rc : n;
    }
    /* ... and LEASEQUERY-DONE at the end. */
    m = dk_bmsg_new(&st->arena, DK_MSG_LEASEQUERY_DONE);
    if (!m)
        return DK_ENOMEM;
    m->xid = st->xid;
    st->done = true;
    return encode_msg(&st->arena, m, buf, cap);
}

static void stream_close(struct dk_msg_stream *s)
{
    struct lq_stream *st = (struct lq_stream *)s;
    if (!st)
        return;
    dk__lqc_close(st->cur);
    dk__lqs_close(st->db);
    free(st);
}

static bool in_prefix(const uint8_t *a, const struct lq_prefix *p)
{
    size_t full = p->len / 8;
    if (memcmp(a, p->addr, full) != 0)
        return false;
    unsigned rest = p->len % 8;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (a[full] & mask) == (p->addr[full] & mask);
}

static bool allowed(const struct lq *g, const uint8_t *requestor)
{
    for (size_t i = 0; i < g->nallow; i++)
        if (in_prefix(requestor, &g->allow[i]))
            return true;
    return false;
}

static bool is_unspecified(const uint8_t *a)
{
    static const uint8_t zero[16];
    return memcmp(a, zero, 16) == 0;
}

/* Whether the query's ORO asks for code. */
static bool asks_for(const struct dk_opt *q, uint16_t code)
{
    const struct dk_opt *oro = dk_opt_find(q->opts, q->nopts, DK_OPT_ORO);
    for (size_t i = 0; oro && i + 1 < oro->v[0].n; i += 2)
        if ((uint16_t)(oro->v[0].p[i] << 8 | oro->v[0].p[i + 1]) == code)
            return true;
    return false;
}

/* The query's key (RFC 5007 §4.1.2.1, RFC 5460 §5.3); false: malformed. */
static bool query_key(const struct dk_opt *q, struct dk__lq_query *out)
{
    static const uint16_t key_option[] = {
        [DK_LQ_QUERY_BY_ADDRESS] = DK_OPT_IAADDR,      [DK_LQ_QUERY_BY_CLIENTID] = DK_OPT_CLIENTID,
        [DK_LQ_QUERY_BY_RELAY_ID] = DK_OPT_RELAY_ID,   [DK_LQ_QUERY_BY_LINK_ADDRESS] = 0,
        [DK_LQ_QUERY_BY_REMOTE_ID] = DK_OPT_REMOTE_ID,
    };
    if (out->type == DK_LQ_QUERY_BY_LINK_ADDRESS)
        return !is_unspecified(out->link);
    const struct dk_opt *o = dk_opt_find(q->opts, q->nopts, key_option[out->type]);
    if (!o)
        return false;
    /* The Remote-ID with its enterprise number; the others' first field. */
    out->key = out->type == DK_LQ_QUERY_BY_REMOTE_ID ? o->body : o->v[0].p;
    out->keylen = out->type == DK_LQ_QUERY_BY_REMOTE_ID ? o->len : o->v[0].n;
    return out->type != DK_LQ_QUERY_BY_ADDRESS || out->keylen == 16;
}

/* RFC 5007 §4.3.3: a client on several links, asked for by client-id with
 * link-address ::, gets OPTION_LQ_CLIENT_LINK instead of its data. Returns
 * whether it did (c is then used up), or a negative DK_E*. */
static int client_links(struct dk_bundle *b, struct dk__lqc *c, const struct dk__lq_client *first)
{
    uint8_t *links = dk_arena_alloc(b->arena, 16 * LQ_MAX_LINKS);
    if (!links)
        return DK_ENOMEM;
    memcpy(links, first->link, 16);
    size_t n = 1;
    struct dk__lq_client cl;
    int rc;
    while ((rc = dk__lqc_next(c, &cl)) == 1)
        if (n < LQ_MAX_LINKS)
            memcpy(links + 16 * n++, cl.link, 16);
    if (rc < 0)
        return rc;
    if (n == 1)
        return 0;
    struct dk_bopt *o = dk_bundle_add(b, DK_OPT_LQ_CLIENT_LINK, 0);
    if (!o)
        return DK_ENOMEM;
    dk_bopt_set_ref(o, 0, links, 16 * n);
    return 1;
}

static int lq_answer(struct dk_bundle *b, const struct dk_hctx *h)
{
    struct lq *g = h->state;
    struct lq_worker *w = h->wstate;
    if (b->request->type != DK_MSG_LEASEQUERY || (b->done & DK_DONE_LEASEQUERY) || !w)
        return DK_CONTINUE;
    b->done |= DK_DONE_LEASEQUERY;
    /* The requestor: the relay closest to it saw it as its peer (for a
     * direct requestor, the pipeline's own relay has its source address). */
    const uint8_t *requestor = b->relay_in[b->nrelays - 1]->peer;
    if (!allowed(g, requestor))
        return dk_bundle_reply_status(b, DK_STATUS_NOT_ALLOWED,
                                      g->nallow ? "You are not allowed to ask"
                                                : "Leasequery is not allowed: no allow-from");
    const struct dk_opt *q = dk_msg_find(b->request, DK_OPT_LQ_QUERY);
    struct dk__lq_query query = {.type = q->v[0].u, .now = wall_s()};
    if (q->v[1].n == 16)
        memcpy(query.link, q->v[1].p, 16);
    if (query.type < DK_LQ_QUERY_BY_ADDRESS || query.type > DK_LQ_QUERY_BY_REMOTE_ID)
        return dk_bundle_reply_status(b, DK_STATUS_UNKNOWN_QUERY_TYPE, "Unknown query type");
    /* RFC 5460 §5.1: the bulk query types only over TCP. */
    if (query.type >= DK_LQ_QUERY_BY_RELAY_ID && !b->tcp)
        return dk_bundle_reply_status(b, DK_STATUS_NOT_ALLOWED,
                                      "This query type is only allowed over TCP");
    if (!query_key(q, &query))
        return dk_bundle_reply_status(b, DK_STATUS_MALFORMED_QUERY, "Malformed query");

    struct lq_answer an = {.nsensitive = g->nsensitive, .now = query.now, .inside = b->tcp};
    memcpy(an.sensitive, g->sensitive, sizeof(an.sensitive));
    an.relay_data = asks_for(q, DK_OPT_LQ_RELAY_DATA);

    struct lq_stream *st = NULL;
    struct dk__lqs *db = w->ro;
    char err[300];
    if (b->tcp) {
        st = malloc(sizeof(*st));
        if (!st)
            return DK_ENOMEM;
        *st =
            (struct lq_stream){.s = {stream_next, stream_close}, .xid = b->request->xid, .an = an};
        dk_arena_init(&st->arena, st->mem, sizeof(st->mem));
        if (dk__lqs_open(g->path, false, &st->db, err, sizeof(err)) != 0) {
            stream_close(&st->s);
            return DK_CONTINUE; /* no store yet: nothing known */
        }
        db = st->db;
    } else if (!db) {
        if (dk__lqs_open(g->path, false, &w->ro, err, sizeof(err)) != 0)
            return DK_CONTINUE;
        db = w->ro;
    }
    struct dk__lqc *c;
    int rc = dk__lqc_open(db, &query, &c);
    if (rc) {
        if (st)
            stream_close(&st->s);
        return dk_bundle_reply_status(b, DK_STATUS_UNSPEC_FAIL, "The lease store failed");
    }
    struct dk__lq_client cl;
    rc = dk__lqc_next(c, &cl);
    if (rc == 1 && query.type == DK_LQ_QUERY_BY_CLIENTID && is_unspecified(query.link)) {
        /* Several links: the links, not the data. The first client's row
         * is gone once the cursor moves on: start again for its data. */
        uint8_t first_link[16];
        memcpy(first_link, cl.link, 16);
        struct dk__lq_client copy = cl;
        copy.link = first_link;
        rc = client_links(b, c, &copy);
        dk__lqc_close(c);
        c = NULL;
        if (rc != 0) {
            if (st)
                stream_close(&st->s);
            return rc < 0 ? rc : DK_CONTINUE;
        }
        memcpy(query.link, first_link, 16);
        if (dk__lqc_open(db, &query, &c) != 0 || dk__lqc_next(c, &cl) != 1)
            rc = DK_EINVAL;
        else
            rc = 1;
    }
    if (rc == 1) {
        struct dk_bopt *relay = NULL;
        struct dk_bopt *cd = client_data(b->arena, c, &cl, &an, &relay);
        if (!cd) {
            rc = DK_ENOMEM;
        } else {
            dk_bmsg_append(b->response, cd);
            if (relay) /* RFC 5007 §4.3.3: beside the Client Data */
                dk_bmsg_append(b->response, relay);
        }
    }
    if (rc < 0) {
        dk__lqc_close(c);
        if (st)
            stream_close(&st->s);
        return dk_bundle_reply_status(b, DK_STATUS_UNSPEC_FAIL, "The lease store failed");
    }
    if (!st) {
        dk__lqc_close(c);
        return DK_CONTINUE;
    }
    /* Bulk (RFC 5460 §5.3): after a LEASEQUERY-REPLY with a client, the
     * others in LEASEQUERY-DATA and a LEASEQUERY-DONE, even when there are
     * no others; none found: the LEASEQUERY-REPLY alone. */
    st->cur = c;
    if (rc == 1 && stream_step(st) == 0) {
        b->stream = &st->s;
        return DK_CONTINUE;
    }
    stream_close(&st->s);
    return DK_CONTINUE;
}

DK__HANDLER(leasequery, "leasequery",
            .help = "records leases; answers Leasequery and Bulk Leasequery from them",
            .create = lq_create, .destroy = lq_destroy, .worker_init = lq_worker_init,
            .worker_done = lq_worker_done, .hooks[DK_STAGE_HANDLE] = lq_answer,
            .hooks[DK_STAGE_ANALYSE_POST] = lq_record);
