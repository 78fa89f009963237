/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rate-limit: stop answering a client that sends more than `rate` messages
 * per `per` seconds, with bursts of up to `burst` (default: rate). Clients
 * are told apart by a key: the DUID, or the Interface-ID, Remote-ID,
 * Subscriber-ID or client link-layer address given by the relay closest to
 * the client (the DUID when the relay gave none).
 *
 * A token bucket in its GCRA form: per client, one "theoretical arrival
 * time" (TAT); a message is allowed when TAT - now <= (burst - 1) x T, and
 * then TAT = max(TAT, now) + T, with T = per / rate. burst messages at once
 * pass, then one per T.
 *
 * Memory is bounded: a table of SLOTS 64-bit words, shared by every worker
 * and updated with compare-and-swap, no lock. A word holds 20 bits of the
 * key's hash (to tell clients in the same slot apart) and the TAT in
 * milliseconds (44 bits). A client that lands on a slot another client holds
 * takes it over with a fresh bucket, so with more active clients than slots
 * a chatty client may now and then get an extra burst through; it is never
 * limited for another client's traffic.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"

#define SLOTS_LOG2 18 /* 262144 slots, 2 MiB per rate-limit section */
#define SLOTS      ((size_t)1 << SLOTS_LOG2)
#define TAT_BITS   44
#define TAT_MASK   ((UINT64_C(1) << TAT_BITS) - 1)
/* Longest T: keeps TAT + T within 44 bits (about 35 years). */
#define MAX_T_MS (UINT64_C(1) << 40)

enum key_kind { K_DUID, K_INTERFACE_ID, K_REMOTE_ID, K_SUBSCRIBER_ID, K_LINKLAYER_ID };

struct rate_limit {
    enum key_kind kind;
    uint64_t t_ms;   /* emission interval T */
    uint64_t tau_ms; /* (burst - 1) x T */
    uint64_t seed;
    _Atomic uint64_t *slots;
};

static void rl_destroy(void *state)
{
    struct rate_limit *r = state;
    if (r)
        free((void *)(uintptr_t)r->slots);
    free(r);
}

static int rl_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    static const char *const kinds[] = {"duid", "interface-id", "remote-id", "subscriber-id",
                                        "linklayer-id"};
    const struct dk_config_value *key = dk_handler_get(a, "key");
    const struct dk_config_value *rate = dk_handler_get(a, "rate");
    const struct dk_config_value *per = dk_handler_get(a, "per");
    const struct dk_config_value *burst = dk_handler_get(a, "burst");
    struct rate_limit *r = calloc(1, sizeof(*r));
    if (!r)
        return DK_ENOMEM;
    r->slots = calloc(SLOTS, sizeof(*r->slots));
    if (!r->slots) {
        free(r);
        return DK_ENOMEM;
    }
    for (size_t i = 0; key && i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(key->v.s, kinds[i]) == 0)
            r->kind = (enum key_kind)i;
    uint64_t n = rate ? rate->v.u : 5, secs = per ? per->v.u : 30;
    uint64_t b = burst ? burst->v.u : n;
    if (n == 0)
        n = 1;
    r->t_ms = secs * 1000 / n;
    if (r->t_ms == 0)
        r->t_ms = 1;
    if (r->t_ms > MAX_T_MS)
        r->t_ms = MAX_T_MS;
    r->tau_ms = (b ? b - 1 : 0) * r->t_ms;
    if (r->tau_ms > MAX_T_MS)
        r->tau_ms = MAX_T_MS;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    r->seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)r;
    *state = r;
    return 0;
}

/* FNV-1a over the key, seeded, then a splitmix64 finaliser. */
static uint64_t hash(uint64_t seed, unsigned kind, const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u ^ seed;
    h = (h ^ kind) * 0x100000001b3u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    h ^= h >> 31;
    return h;
}

/* The key of this client: the configured kind, else its DUID. */
static bool client_key(const struct rate_limit *r, const struct dk_bundle *b, unsigned *kind,
                       const uint8_t **p, size_t *n)
{
    static const uint16_t codes[] = {
        [K_INTERFACE_ID] = DK_OPT_INTERFACE_ID,
        [K_REMOTE_ID] = DK_OPT_REMOTE_ID,
        [K_SUBSCRIBER_ID] = DK_OPT_SUBSCRIBER_ID,
        [K_LINKLAYER_ID] = DK_OPT_CLIENT_LINKLAYER_ADDR,
    };
    if (r->kind != K_DUID) {
        const struct dk_opt *o = dk_bundle_client_relay_opt(b, codes[r->kind]);
        if (o) {
            /* Remote-ID and link-layer address: the enterprise or hardware
             * type is part of the key; the body holds both in order. */
            *kind = r->kind;
            *p = o->body;
            *n = o->len;
            if (!*p && o->def) { /* a tree built by hand: the last field */
                *p = o->v[o->def->nfields - 1].p;
                *n = o->v[o->def->nfields - 1].n;
            }
            return true;
        }
    }
    const struct dk_opt *cid = dk_msg_find(b->request, DK_OPT_CLIENTID);
    if (!cid)
        return false;
    *kind = K_DUID;
    *p = cid->v[0].p;
    *n = cid->v[0].n;
    return true;
}

static int rl_pre(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct rate_limit *r = h->state;
    unsigned kind;
    const uint8_t *p;
    size_t n;
    if (!client_key(r, b, &kind, &p, &n))
        return DK_CONTINUE; /* nothing to tell this client apart by */
    uint64_t hv = hash(r->seed, kind, p, n);
    _Atomic uint64_t *slot = &r->slots[hv & (SLOTS - 1)];
    uint64_t fp = (hv >> TAT_BITS) | 1; /* never 0, the empty slot */
    uint64_t now = b->now_ms & TAT_MASK;
    uint64_t old = atomic_load_explicit(slot, memory_order_relaxed);
    for (;;) {
        uint64_t tat = (old >> TAT_BITS) == fp ? old & TAT_MASK : 0;
        if (tat < now)
            tat = now;
        if (tat - now > r->tau_ms)
            return DK_DROP_RATE_LIMITED;
        uint64_t next = fp << TAT_BITS | ((tat + r->t_ms) & TAT_MASK);
        if (atomic_compare_exchange_weak_explicit(slot, &old, next, memory_order_relaxed,
                                                  memory_order_relaxed))
            return DK_CONTINUE;
    }
}

DK__HANDLER(rate_limit, "rate-limit", .help = "stops answering chatty clients", .create = rl_create,
            .destroy = rl_destroy, .hooks[DK_STAGE_PRE] = rl_pre);
