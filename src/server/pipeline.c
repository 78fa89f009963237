/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pipeline (pipeline.h): decoding, the receive rules, the bundle, the
 * handler tree and its stages, and the reply, wrapped back into the relay
 * chain it came through.
 *
 * Per packet: decode (into the worker's arena) -> RFC 8415 §16 receive rules
 * (receive.c) -> containment validation -> bundle (a direct request is
 * wrapped in a Relay-forward of our own) -> the handlers that apply, in
 * dhcpkit's order: setup, filters (inner first), top level, cleanup ->
 * analyse-pre, pre, response, handle, post, analyse-post -> the reply, its
 * Relay-reply chain with the Interface-ID and RFC 4994 echoes, validated,
 * encoded by offset into the engine's buffer.
 *
 * Nothing on this path takes a lock or allocates but from the worker's
 * arena; the pipeline itself is immutable once built.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dhcpkit/validate.h>

#include "framework.h"

/* A decoded 64 KiB datagram can need 4.1 MiB of tree (tools/decode); the
 * arena is reserved, not touched, beyond what a transaction uses. */
#define WORKER_ARENA ((size_t)8 << 20)

/* Marks of one listener section. */
struct listener {
    bool iface;    /* listen-interface (else listen-unicast) */
    bool any_if;   /* interface "*" or none given */
    bool any_addr; /* listen-unicast all/auto */
    bool tcp;      /* listen-tcp: only for requests over TCP */
    char ifname[32];
    uint8_t addr[16];
    char **marks;
    size_t nmarks;
};

/* The per-worker states of one worker, owned by the pipeline. */
struct wset {
    struct wset *next;
    void **wstate;
};

/* All of them: added to on a worker's first packet with the pipeline. */
struct wreg {
    pthread_mutex_t lock;
    struct wset *head;
};

struct dk_pipeline {
    uint64_t gen;
    uint8_t duid[DK_DUID_MAX_LEN];
    size_t duid_len;
    bool allow_rapid_commit;
    struct dk__filter root;
    struct dk__hinst **insts; /* every instance, index order */
    size_t ninsts, capinsts;
    struct dk__hinst **setup, **cleanup;
    size_t nsetup, ncleanup;
    struct listener *listeners;
    size_t nlisteners;
    struct dk_pipeline_env env;
    struct wreg *wreg; /* mutable, though the pipeline is not */
    bool analyses; /* some handler has an analyse-post hook */
};

struct dk_worker {
    struct dk_arena arena;
    void *mem;
    uint64_t gen;  /* the pipeline wstate belongs to */
    void **wstate; /* owned by that pipeline */
};

static _Atomic uint64_t generation;

/* ------------------------------------------------------------------------
 * Errors and defaults
 */

void dk__pipeline_error(struct dk_config_errors *errs, const char *file, unsigned line,
                        const char *fmt, ...)
{
    if (!errs)
        return;
    va_list ap;
    va_start(ap, fmt);
    dk_config_errors_addv(errs, file, line, fmt, ap);
    va_end(ap);
}

static void log_stderr(void *ctx, int level, const char *msg)
{
    (void)ctx;
    (void)level;
    fprintf(stderr, "ipv6-dhcpd: %s\n", msg);
}

static uint64_t clock_monotonic(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void plog(const struct dk_pipeline *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void plog(const struct dk_pipeline *p, int level, const char *fmt, ...)
{
    struct dk_log log = {p->env.log, p->env.log_ctx};
    va_list ap;
    va_start(ap, fmt);
    dk_log_vf(&log, level, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------
 * Building
 */

static struct dk__hinst *add_inst(struct dk_pipeline *p)
{
    if (p->ninsts == p->capinsts) {
        size_t cap = p->capinsts ? p->capinsts * 2 : 16;
        struct dk__hinst **v = realloc(p->insts, cap * sizeof(*v));
        if (!v)
            return NULL;
        p->insts = v;
        p->capinsts = cap;
    }
    struct dk__hinst *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->index = p->ninsts;
    p->insts[p->ninsts++] = h;
    return h;
}

/* During a reload: the state of the running pipeline's instance of the
 * same built-in handler for a section with the same argument, or NULL. */
static const void *previous_state(const struct dk_pipeline *p, const struct dk__hinst *h,
                                  const struct dk_handler_api *api)
{
    const struct dk_pipeline *old = p->env.previous;
    if (!old || h->dl || !h->argtext)
        return NULL;
    for (size_t i = 0; i < old->ninsts; i++) {
        const struct dk__hinst *o = old->insts[i];
        if (o->api == api && o->created && !o->dl && o->argtext &&
            strcmp(o->argtext, h->argtext) == 0)
            return o->state;
    }
    return NULL;
}

/* Creates an instance of api for section s (NULL for an always-on handler). */
static int create_inst(struct dk_pipeline *p, struct dk__hinst *h, const struct dk_handler_api *api,
                       const struct dk_config_section *s, const struct dk_config_section *root,
                       struct dk_config_errors *errs)
{
    h->api = api;
    h->args.name = s ? s->type : api->name;
    h->args.file = s ? s->file : NULL;
    h->args.line = s ? s->line : 0;
    h->args.server_duid = p->duid;
    h->args.server_duid_len = p->duid_len;
    h->args.log = (struct dk_log){p->env.log, p->env.log_ctx};
    h->args.root = h->dl ? NULL : root;
    h->args.errs = h->dl ? NULL : errs;
    if (s && !h->dl) {
        /* Built-in: the section's settings as they are, given then defaults. */
        h->args.section = s;
        h->args.arg = s->has_arg ? &s->arg : NULL;
        if (s->nsettings) {
            h->values = calloc(s->nsettings, sizeof(*h->values));
            if (!h->values)
                return DK_ENOMEM;
            for (size_t i = 0; i < s->nsettings; i++)
                h->values[i] = (struct dk_handler_value){s->settings[i].key, &s->settings[i].value};
        }
        h->args.values = h->values;
        h->args.nvalues = s->nsettings;
    }
    if (s && !h->dl && s->has_arg && s->arg.text && !(h->argtext = strdup(s->arg.text)))
        return DK_ENOMEM;
    h->args.previous = previous_state(p, h, api);
    h->args.force = p->env.force;
    if (!api->create)
        return 0;
    char err[256] = "";
    int rc = api->create(&h->args, &h->state, err, sizeof(err));
    h->args.errs = NULL;
    h->args.previous = NULL;
    if (rc) {
        if (s && h->dl)
            dk__pipeline_error(errs, s->file, s->line, "plugin %s: %s", s->arg.text,
                               *err ? err : dk_strerror(rc));
        else if (s)
            dk__pipeline_error(errs, s->file, s->line, "<%s>: %s", s->type,
                               *err ? err : dk_strerror(rc));
        else
            dk__pipeline_error(errs, NULL, 0, "%s: %s", api->name, *err ? err : dk_strerror(rc));
        return rc < 0 ? rc : DK_EINVAL;
    }
    h->created = true;
    /* The args point into the config tree, which may go after building. */
    h->args.section = NULL;
    h->args.root = NULL;
    h->args.arg = NULL;
    h->args.values = NULL;
    h->args.nvalues = 0;
    return 0;
}

static int build_handler(struct dk_pipeline *p, struct dk__filter *f,
                         const struct dk_config_section *s, const struct dk_config_section *root,
                         struct dk_config_errors *errs)
{
    struct dk__hinst *h = add_inst(p);
    if (!h)
        return DK_ENOMEM;
    struct dk__hinst **v = realloc(f->handlers, (f->nhandlers + 1) * sizeof(*v));
    if (!v)
        return DK_ENOMEM;
    f->handlers = v;
    f->handlers[f->nhandlers++] = h;

    const struct dk_handler_api *api;
    if (strcmp(s->type, "plugin") == 0) {
        if (dk__plugin_load(s, h, errs) < 0)
            return DK_EINVAL;
        api = h->api;
    } else {
        api = dk__builtin_find(s->type);
        if (!api) {
            dk__pipeline_error(errs, s->file, s->line, "<%s> is not supported by this server",
                               s->type);
            return DK_EINVAL;
        }
    }
    return create_inst(p, h, api, s, root, errs);
}

static int build_filter(struct dk_pipeline *p, struct dk__filter *f,
                        const struct dk_config_section *s, const struct dk_config_section *root,
                        struct dk_config_errors *errs);

static int build_children(struct dk_pipeline *p, struct dk__filter *f,
                          const struct dk_config_section *s, const struct dk_config_section *root,
                          struct dk_config_errors *errs)
{
    int ret = 0;
    for (size_t i = 0; i < s->nchildren; i++) {
        const struct dk_config_section *c = s->children[i];
        int rc = 0;
        if (c->def->kind == DK_CFG_KIND_FILTER) {
            struct dk__filter *k = calloc(1, sizeof(*k));
            struct dk__filter **v = k ? realloc(f->kids, (f->nkids + 1) * sizeof(*v)) : NULL;
            if (!v) {
                free(k);
                return DK_ENOMEM;
            }
            f->kids = v;
            f->kids[f->nkids++] = k;
            rc = build_filter(p, k, c, root, errs);
        } else if (c->def->kind == DK_CFG_KIND_HANDLER) {
            rc = build_handler(p, f, c, root, errs);
        }
        if (rc == DK_ENOMEM)
            return rc;
        if (rc && !ret)
            ret = rc; /* go on, to report every error */
    }
    return ret;
}

static int build_filter(struct dk_pipeline *p, struct dk__filter *f,
                        const struct dk_config_section *s, const struct dk_config_section *root,
                        struct dk_config_errors *errs)
{
    if (strcmp(s->type, "subnet") == 0) {
        f->kind = DK__F_SUBNET;
        f->prefixes = calloc(1, sizeof(*f->prefixes));
        if (!f->prefixes)
            return DK_ENOMEM;
        memcpy(f->prefixes[0].addr, s->arg.v.prefix.addr, 16);
        f->prefixes[0].len = s->arg.v.prefix.len;
        f->nprefixes = 1;
    } else if (strcmp(s->type, "subnet-group") == 0) {
        size_t n = dk_config_count(s, "prefix");
        f->kind = DK__F_SUBNET_GROUP;
        f->prefixes = calloc(n ? n : 1, sizeof(*f->prefixes));
        if (!f->prefixes)
            return DK_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            const struct dk_config_value *v = dk_config_nth(s, "prefix", i);
            memcpy(f->prefixes[i].addr, v->v.prefix.addr, 16);
            f->prefixes[i].len = v->v.prefix.len;
        }
        f->nprefixes = n;
    } else if (strcmp(s->type, "marked-with") == 0) {
        f->kind = DK__F_MARKED;
        f->mark = strdup(s->arg.v.s);
        if (!f->mark)
            return DK_ENOMEM;
    } else if (strcmp(s->type, "elapsed-time") == 0) {
        const struct dk_config_value *more = dk_config_get(s, "more-than");
        const struct dk_config_value *less = dk_config_get(s, "less-than");
        f->kind = DK__F_ELAPSED;
        f->has_more = more != NULL;
        f->has_less = less != NULL;
        f->more_cs = more ? more->v.u * 100 : 0;
        f->less_cs = less ? less->v.u * 100 : 0;
    } else {
        dk__pipeline_error(errs, s->file, s->line, "<%s> is not a filter this server knows",
                           s->type);
        return DK_EINVAL;
    }
    return build_children(p, f, s, root, errs);
}

static int build_listener(struct dk_pipeline *p, const struct dk_config_section *s)
{
    struct listener *v = realloc(p->listeners, (p->nlisteners + 1) * sizeof(*v));
    if (!v)
        return DK_ENOMEM;
    p->listeners = v;
    struct listener *l = &v[p->nlisteners++];
    memset(l, 0, sizeof(*l));
    l->iface = strcmp(s->type, "listen-interface") == 0;
    l->tcp = strcmp(s->type, "listen-tcp") == 0;
    if (l->tcp) {
        /* The connection does not say which <listen-tcp> it came from (rx
         * has no local address): the first one's marks. */
    } else if (l->iface) {
        l->any_if = s->arg.word != NULL;
        snprintf(l->ifname, sizeof(l->ifname), "%s", l->any_if ? "" : s->arg.v.s);
    } else {
        const struct dk_config_value *ifv = dk_config_get(s, "interface");
        l->any_addr = s->arg.word != NULL;
        if (!l->any_addr)
            memcpy(l->addr, s->arg.v.addr, 16);
        l->any_if = !ifv || ifv->word;
        if (!l->any_if)
            snprintf(l->ifname, sizeof(l->ifname), "%s", ifv->v.s);
    }
    size_t n = dk_config_count(s, "mark");
    l->marks = calloc(n ? n : 1, sizeof(*l->marks));
    if (!l->marks)
        return DK_ENOMEM;
    for (size_t i = 0; i < n && i < DK_BUNDLE_MAX_MARKS; i++) {
        l->marks[i] = strdup(dk_config_nth(s, "mark", i)->v.s);
        if (!l->marks[i])
            return DK_ENOMEM;
        l->nmarks++;
    }
    return 0;
}

int dk_pipeline_new(const struct dk_config *cfg, const uint8_t *server_duid, size_t duid_len,
                    struct dk_pipeline **out, struct dk_config_errors *errs)
{
    return dk_pipeline_new_env(cfg, server_duid, duid_len, NULL, out, errs);
}

int dk_pipeline_new_env(const struct dk_config *cfg, const uint8_t *server_duid, size_t duid_len,
                        const struct dk_pipeline_env *env, struct dk_pipeline **out,
                        struct dk_config_errors *errs)
{
    *out = NULL;
    const struct dk_config_section *root = cfg ? dk_config_root(cfg) : NULL;
    if (!root || !server_duid || duid_len < DK_DUID_MIN_LEN || duid_len > DK_DUID_MAX_LEN) {
        dk__pipeline_error(errs, cfg ? dk_config_name(cfg) : NULL, 0,
                           "the pipeline needs a configuration and a server DUID of %d to %d "
                           "octets",
                           DK_DUID_MIN_LEN, DK_DUID_MAX_LEN);
        return DK_EINVAL;
    }
    struct dk_pipeline *p = calloc(1, sizeof(*p));
    if (!p) {
        dk__pipeline_error(errs, dk_config_name(cfg), 0, "out of memory");
        return DK_ENOMEM;
    }
    p->wreg = calloc(1, sizeof(*p->wreg));
    if (!p->wreg) {
        free(p);
        dk__pipeline_error(errs, dk_config_name(cfg), 0, "out of memory");
        return DK_ENOMEM;
    }
    pthread_mutex_init(&p->wreg->lock, NULL);
    p->gen = atomic_fetch_add(&generation, 1) + 1;
    memcpy(p->duid, server_duid, duid_len);
    p->duid_len = duid_len;
    if (env)
        p->env = *env;
    if (!p->env.log)
        p->env.log = log_stderr;
    if (!p->env.now_ms)
        p->env.now_ms = clock_monotonic;
    const struct dk_config_value *rc = dk_config_get(root, "allow-rapid-commit");
    p->allow_rapid_commit = rc && rc->v.b;
    p->root.kind = DK__F_ROOT;

    int ret = 0;
    p->setup = calloc(dk__nsetup_handlers, sizeof(*p->setup));
    p->cleanup = calloc(dk__ncleanup_handlers, sizeof(*p->cleanup));
    if (!p->setup || !p->cleanup) {
        ret = DK_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < dk__nsetup_handlers && !ret; i++) {
        struct dk__hinst *h = add_inst(p);
        ret = h ? create_inst(p, h, dk__setup_handlers[i], NULL, root, errs) : DK_ENOMEM;
        p->setup[p->nsetup++] = h;
    }
    if (!ret)
        ret = build_children(p, &p->root, root, root, errs);
    for (size_t i = 0; i < dk__ncleanup_handlers && !ret; i++) {
        struct dk__hinst *h = add_inst(p);
        ret = h ? create_inst(p, h, dk__cleanup_handlers[i], NULL, root, errs) : DK_ENOMEM;
        p->cleanup[p->ncleanup++] = h;
    }
    for (size_t i = 0; i < root->nchildren && !ret; i++)
        if (root->children[i]->def->kind == DK_CFG_KIND_LISTENER)
            ret = build_listener(p, root->children[i]);
    for (size_t i = 0; i < p->ninsts && !ret; i++)
        p->analyses |= p->insts[i]->api->hooks[DK_STAGE_ANALYSE_POST] != NULL;
out:
    p->env.previous = NULL; /* it may go once this one is in use */
    if (ret) {
        if (ret == DK_ENOMEM)
            dk__pipeline_error(errs, dk_config_name(cfg), 0, "out of memory");
        dk_pipeline_free(p);
        return ret;
    }
    *out = p;
    return 0;
}

void dk_pipeline_free(struct dk_pipeline *p)
{
    if (!p)
        return;
    for (struct wset *ws = p->wreg->head, *next; ws; ws = next) {
        next = ws->next;
        for (size_t i = 0; i < p->ninsts; i++) {
            const struct dk__hinst *h = p->insts[i];
            if (ws->wstate[i] && h->api->worker_done)
                h->api->worker_done(h->state, ws->wstate[i]);
        }
        free(ws->wstate);
        free(ws);
    }
    /* In reverse: what was made last may use what was made first. */
    for (size_t i = p->ninsts; i-- > 0;) {
        struct dk__hinst *h = p->insts[i];
        if (h->created && h->api->destroy)
            h->api->destroy(h->state);
        dk__plugin_unload(h);
        free(h->values);
        free(h->argtext);
        free(h);
    }
    free(p->insts);
    free(p->setup);
    free(p->cleanup);
    dk__filter_free(&p->root);
    for (size_t i = 0; i < p->nlisteners; i++) {
        for (size_t k = 0; k < p->listeners[i].nmarks; k++)
            free(p->listeners[i].marks[k]);
        free(p->listeners[i].marks);
    }
    free(p->listeners);
    pthread_mutex_destroy(&p->wreg->lock);
    free(p->wreg);
    free(p);
}

/* ------------------------------------------------------------------------
 * Workers
 */

struct dk_worker *dk_worker_new(void)
{
    struct dk_worker *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->mem = malloc(WORKER_ARENA);
    if (!w->mem) {
        free(w);
        return NULL;
    }
    dk_arena_init(&w->arena, w->mem, WORKER_ARENA);
    return w;
}

void dk_worker_free(struct dk_worker *w)
{
    if (!w)
        return;
    free(w->mem);
    free(w);
}

/* Makes this worker's states for p's handlers, once per pipeline. Only on a
 * worker's first packet after a (re)load; never on the per-packet path. */
static void worker_sync(const struct dk_pipeline *p, struct dk_worker *w)
{
    w->gen = p->gen;
    w->wstate = NULL;
    bool any = false;
    for (size_t i = 0; i < p->ninsts; i++)
        any |= p->insts[i]->api->worker_init != NULL;
    if (!any)
        return;
    struct wset *ws = calloc(1, sizeof(*ws));
    void **st = calloc(p->ninsts, sizeof(*st));
    if (!ws || !st) {
        free(ws);
        free(st);
        plog(p, DK_LOGLEVEL_ERROR, "worker: out of memory for handler states");
        return;
    }
    for (size_t i = 0; i < p->ninsts; i++) {
        const struct dk__hinst *h = p->insts[i];
        if (h->api->worker_init && h->api->worker_init(h->state, &st[i]) != 0) {
            st[i] = NULL;
            plog(p, DK_LOGLEVEL_ERROR, "%s: could not prepare a worker", h->api->name);
        }
    }
    ws->wstate = st;
    pthread_mutex_lock(&p->wreg->lock);
    ws->next = p->wreg->head;
    p->wreg->head = ws;
    pthread_mutex_unlock(&p->wreg->lock);
    w->wstate = st;
}

/* ------------------------------------------------------------------------
 * Handling
 */

static bool is_unspecified(const uint8_t a[16])
{
    static const uint8_t zero[16];
    return memcmp(a, zero, 16) == 0;
}

/* A link-address that tells the link: not ::, not link-local, not ::1. */
static bool identifies_link(const uint8_t a[16])
{
    static const uint8_t loopback[16] = {[15] = 1};
    if (is_unspecified(a) || memcmp(a, loopback, 16) == 0)
        return false;
    return !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

static void find_marks(const struct dk_pipeline *p, const struct dk_rx *rx, struct dk_bundle *b)
{
    const struct listener *hit = NULL;
    const char *ifname = rx->ifname ? rx->ifname : "";
    /* Multicast: the listen-interface of the interface, else "*". Unicast:
     * the listen-unicast of the address, else one of all/auto on the
     * interface, else the listen-interface (its link-local address). */
    for (int pass = 0; pass < 5 && !hit; pass++) {
        for (size_t i = 0; i < p->nlisteners && !hit; i++) {
            const struct listener *l = &p->listeners[i];
            bool ifmatch = !l->any_if && strcmp(l->ifname, ifname) == 0;
            if (l->tcp != rx->tcp)
                continue;
            if (l->tcp) {
                hit = l;
                break;
            }
            switch (pass) {
            case 0:
                hit = !rx->multicast && !l->iface && !l->any_addr &&
                              memcmp(l->addr, &rx->dst, 16) == 0
                          ? l
                          : NULL;
                break;
            case 1:
                hit =
                    !rx->multicast && !l->iface && l->any_addr && (ifmatch || l->any_if) ? l : NULL;
                break;
            case 2:
                hit = l->iface && ifmatch ? l : NULL;
                break;
            case 3:
                hit = l->iface && l->any_if ? l : NULL;
                break;
            default:
                break;
            }
        }
    }
    if (!hit || !hit->nmarks) {
        b->marks[0] = "unmarked";
        b->nmarks = 1;
        return;
    }
    for (size_t i = 0; i < hit->nmarks && i < DK_BUNDLE_MAX_MARKS; i++)
        b->marks[b->nmarks++] = hit->marks[i];
}

/* The Relay-forward the server would have sent had it relayed the request
 * itself (RFC 8415 §19.1.1, hop-count 0). */
static struct dk_msg *own_relay(struct dk_arena *a, const struct dk_rx *rx, struct dk_msg *inner)
{
    struct dk_msg *m = dk_arena_alloc(a, sizeof(*m));
    struct dk_opt *o = dk_arena_alloc(a, 2 * sizeof(*o));
    if (!m || !o)
        return NULL;
    m->type = DK_MSG_RELAY_FORW;
    memcpy(m->link, &rx->link_address, 16);
    memcpy(m->peer, &rx->src, 16);
    m->opts = o;
    size_t n = 0;
    size_t iflen = rx->ifname ? strlen(rx->ifname) : 0;
    if (iflen) {
        o[n].code = DK_OPT_INTERFACE_ID;
        o[n].def = dk_optdef_find(DK_SPACE_DHCPV6, DK_OPT_INTERFACE_ID);
        o[n].v[0].p = (const uint8_t *)rx->ifname;
        o[n].v[0].n = (uint32_t)(iflen > 255 ? 255 : iflen);
        n++;
    }
    o[n].code = DK_OPT_RELAY_MSG;
    o[n].def = dk_optdef_find(DK_SPACE_DHCPV6, DK_OPT_RELAY_MSG);
    o[n].msg = inner;
    n++;
    m->nopts = n;
    return m;
}

static int run_stage(struct dk_bundle *b, const struct dk_pipeline *p,
                     struct dk__hinst *const *list, size_t n, enum dk_stage stage, void **tdata,
                     void **wstate, const char **who)
{
    for (size_t i = 0; i < n; i++) {
        const struct dk__hinst *h = list[i];
        dk_hook_fn hook = h->api->hooks[stage];
        if (!hook)
            continue;
        struct dk_hctx hc = {h->state, wstate ? wstate[h->index] : NULL, &tdata[h->index]};
        int rc = hook(b, &hc);
        if (rc == DK_CONTINUE)
            continue;
        if (rc < 0 || rc > DK_FAIL)
            rc = DK_FAIL;
        if (stage == DK_STAGE_ANALYSE_PRE || stage == DK_STAGE_ANALYSE_POST) {
            if (rc == DK_FAIL)
                plog(p, DK_LOGLEVEL_WARNING, "%s: failed to analyse a %s", h->api->name,
                     dk_msg_name(b->request->type));
            continue;
        }
        *who = h->api->name;
        return rc;
    }
    return DK_CONTINUE;
}

/* RFC 8415 §18.3: the message that answers each client message. */
static int init_response(struct dk_bundle *b)
{
    uint8_t type;
    switch (b->request->type) {
    case DK_MSG_SOLICIT:
        type = DK_MSG_ADVERTISE;
        break;
    case DK_MSG_LEASEQUERY: /* RFC 5007 §4.3.3 */
        type = DK_MSG_LEASEQUERY_REPLY;
        break;
    case DK_MSG_CONFIRM: {
        /* §18.3.3: no addresses in any IA, no reply. */
        bool any = false;
        for (size_t i = 0; i < b->nias && !any; i++) {
            const struct dk_opt *ia = b->ias[i].opt;
            any = dk_opt_find(ia->opts, ia->nopts, DK_OPT_IAADDR) ||
                  dk_opt_find(ia->opts, ia->nopts, DK_OPT_IAPREFIX);
        }
        if (!any)
            return DK_DROP_IGNORE;
        type = DK_MSG_REPLY;
        break;
    }
    default:
        type = DK_MSG_REPLY;
        break;
    }
    b->response = dk_bmsg_new(b->arena, type);
    if (!b->response)
        return DK_FAIL;
    b->response->xid = b->request->xid;
    return DK_CONTINUE;
}

/* RFC 8415 §18.3 ("...responds with a Reply message containing a Status
 * Code option ..., a Server Identifier option ..., the Client Identifier
 * option from the client message (if any), and no other options"); RFC
 * 5007 §4.3.3: the same in a LEASEQUERY-REPLY to a Leasequery. */
static int status_reply(struct dk_bundle *b)
{
    struct dk_bmsg *r = dk_bmsg_new(
        b->arena, b->request->type == DK_MSG_LEASEQUERY ? DK_MSG_LEASEQUERY_REPLY : DK_MSG_REPLY);
    if (!r)
        return DK_ENOMEM;
    r->xid = b->request->xid;
    const struct dk_opt *cid = dk_msg_find(b->request, DK_OPT_CLIENTID);
    struct dk_bopt *c = cid ? dk_bopt_from_opt(b->arena, cid) : NULL;
    struct dk_bopt *s = dk_bopt_new(b->arena, DK_SPACE_DHCPV6, DK_OPT_SERVERID);
    struct dk_bopt *st = dk_bopt_status(b->arena, b->status, b->status_text);
    if ((cid && !c) || !s || !st)
        return DK_ENOMEM;
    if (c)
        dk_bmsg_append(r, c);
    dk_bopt_set_ref(s, 0, b->server_duid, b->server_duid_len);
    dk_bmsg_append(r, s);
    dk_bmsg_append(r, st);
    b->response = r;
    return 0;
}

/* Options of a Relay-forward that may be echoed into the Relay-reply (RFC
 * 4994 §5; the relay options RFC 8415 App. C allows there). */
static bool echoable(uint16_t code)
{
    switch (code) {
    case DK_OPT_VENDOR_OPTS:
    case DK_OPT_REMOTE_ID:
    case DK_OPT_SUBSCRIBER_ID:
    case DK_OPT_RELAY_ID:
    case DK_OPT_CLIENT_LINKLAYER_ADDR:
    case DK_OPT_RADIUS:
    case DK_OPT_RELAY_PORT:
        return true;
    default:
        return dk_optdef_find(DK_SPACE_DHCPV6, code) == NULL; /* unknown to us */
    }
}

/* RFC 8415 §19.3: the Interface-ID of each Relay-forward goes back in its
 * Relay-reply; RFC 8357 §5.2: so does its Relay Source Port option; RFC 4994
 * §5: so do the options its Echo Request asks for. */
static int echo_relay_options(struct dk_bundle *b)
{
    for (size_t i = b->direct ? 1 : 0; i < b->nrelays; i++) {
        const struct dk_msg *in = b->relay_in[i];
        struct dk_bmsg *out = b->relay_out[i];
        const struct dk_opt *iid = dk_msg_find(in, DK_OPT_INTERFACE_ID);
        if (iid && !dk_bmsg_find(out, DK_OPT_INTERFACE_ID)) {
            struct dk_bopt *o = dk_bopt_from_opt(b->arena, iid);
            if (!o)
                return DK_ENOMEM;
            dk_bmsg_prepend(out, o);
        }
        /* RFC 8357 §5.2: the Relay Source Port option comes back in the
         * Relay-reply of the relay that sent it, which learns from its
         * Downstream Source Port where to forward the answer. */
        const struct dk_opt *rp = dk_msg_find(in, DK_OPT_RELAY_PORT);
        if (rp && !dk_bmsg_find(out, DK_OPT_RELAY_PORT)) {
            struct dk_bopt *o = dk_bopt_from_opt(b->arena, rp);
            if (!o)
                return DK_ENOMEM;
            dk_bmsg_append(out, o);
        }
        const struct dk_opt *ero = dk_msg_find(in, DK_OPT_ERO);
        for (size_t k = 0; ero && k + 1 < ero->v[0].n; k += 2) {
            uint16_t code = (uint16_t)(ero->v[0].p[k] << 8 | ero->v[0].p[k + 1]);
            if (!echoable(code) || dk_bmsg_find(out, code))
                continue;
            for (size_t j = 0; j < in->nopts; j++) {
                if (in->opts[j].code != code)
                    continue;
                struct dk_bopt *o = dk_bopt_from_opt(b->arena, &in->opts[j]);
                if (!o)
                    return DK_ENOMEM;
                dk_bmsg_append(out, o);
            }
        }
    }
    return 0;
}

/* The reply as it goes on the wire: the response, in the Relay-reply chain
 * unless the request came directly. */
static int wrap(struct dk_bundle *b, struct dk_msg **out)
{
    int err = echo_relay_options(b);
    if (err)
        return err;
    if (b->direct)
        return dk_bmsg_finish(b->arena, b->response, out);
    for (size_t i = b->nrelays; i-- > 0;) {
        struct dk_bopt *rm = dk_bmsg_add(b->arena, b->relay_out[i], DK_OPT_RELAY_MSG);
        if (!rm)
            return DK_ENOMEM;
        rm->msg = i + 1 < b->nrelays ? b->relay_out[i + 1] : b->response;
    }
    return dk_bmsg_finish(b->arena, b->relay_out[0], out);
}

static enum dk_verdict verdict_of(int action)
{
    switch (action) {
    case DK_DROP_OTHER_SERVER:
        return DK_VERDICT_FOR_OTHER_SERVER;
    case DK_DROP_IGNORE:
        return DK_VERDICT_DO_NOT_RESPOND;
    case DK_DROP_RATE_LIMITED:
        return DK_VERDICT_RATE_LIMITED;
    case DK_DROP_NOT_ALLOWED:
        return DK_VERDICT_NOT_ALLOWED;
    case DK_CONTINUE:
    case DK_REPLY_STATUS:
        return DK_VERDICT_REPLY;
    default:
        return DK_VERDICT_HANDLING_ERROR;
    }
}

/* A chain of Relay-forwards (or none) around a message a client sends. */
static bool client_chain(const struct dk_msg *outer, const struct dk_msg *inner)
{
    for (const struct dk_msg *m = outer; m != inner;) {
        const struct dk_opt *rm = m->type == DK_MSG_RELAY_FORW ? dk_msg_find(m, DK_OPT_RELAY_MSG)
                                                              : NULL;
        if (!rm || !rm->msg)
            return false;
        m = rm->msg;
    }
    return inner->type != DK_MSG_RELAY_FORW && inner->type != DK_MSG_RELAY_REPL;
}

/* The outcome analyse-post sees for a request the pipeline drops itself. */
static enum dk_action early_action(enum dk_verdict v)
{
    switch (v) {
    case DK_VERDICT_FOR_OTHER_SERVER:
        return DK_DROP_OTHER_SERVER;
    case DK_VERDICT_NOT_ALLOWED:
        return DK_DROP_NOT_ALLOWED;
    case DK_VERDICT_DO_NOT_RESPOND:
        return DK_DROP_IGNORE;
    default:
        return DK_DROP_INVALID;
    }
}

static enum dk_verdict handle(const struct dk_pipeline *p, struct dk_worker *w,
                              const struct dk_rx *rx, struct dk_tx *tx, struct dk_result *res)
{
    struct dk_arena *a = &w->arena;
    dk_arena_reset(a);
    if (w->gen != p->gen)
        worker_sync(p, w);

    struct dk_msg *outer;
    if (!rx->data || dk_msg_decode(rx->data, rx->len, a, &outer, NULL) != 0) {
        res->why = "decoding failed";
        return DK_VERDICT_UNPARSABLE;
    }
    size_t nreal;
    const struct dk_msg *inner = dk_msg_inner(outer, &nreal);
    res->msg_in = inner->type;
    /* A request that breaks a receive rule (RFC 8415 §16) or the
     * containment table gets no reply, but the analyse hooks still see it
     * (the looking glass records every drop and why) when it names a
     * client: a client message at the end of a chain of Relay-forwards. */
    enum dk_verdict early = dk__receive_check(outer, inner, p->duid, p->duid_len, &res->why);
    if (early == DK_VERDICT_REPLY && dk_msg_validate(outer, NULL) != 0) {
        res->why = "validation failed";
        early = DK_VERDICT_UNPARSABLE;
    }
    if (early != DK_VERDICT_REPLY && (!p->analyses || !client_chain(outer, inner)))
        return early;

    struct dk_bundle *b = dk_arena_alloc(a, sizeof(*b));
    if (!b)
        goto nomem;
    b->request = inner;
    b->arena = a;
    b->log = (struct dk_log){p->env.log, p->env.log_ctx};
    b->server_duid = p->duid;
    b->server_duid_len = p->duid_len;
    b->multicast = rx->multicast;
    b->allow_rapid_commit = p->allow_rapid_commit;
    b->now_ms = p->env.now_ms(p->env.clock_ctx);
    b->ifname = rx->ifname;
    b->tcp = rx->tcp;
    memcpy(b->source, &rx->src, 16);
    if (outer->type == DK_MSG_RELAY_FORW) {
        for (const struct dk_msg *m = outer; m && m->type == DK_MSG_RELAY_FORW;) {
            if (b->nrelays == DK_MAX_RELAYS) /* the decoder caps chains at this */
                goto nomem;
            b->relay_in[b->nrelays++] = m;
            const struct dk_opt *rm = dk_msg_find(m, DK_OPT_RELAY_MSG);
            m = rm ? rm->msg : NULL;
        }
    } else {
        b->relay_in[0] = own_relay(a, rx, outer);
        if (!b->relay_in[0])
            goto nomem;
        b->nrelays = 1;
        b->direct = true;
    }
    for (size_t i = 0; i < b->nrelays; i++) {
        const struct dk_msg *in = b->relay_in[i];
        struct dk_bmsg *o = dk_bmsg_new(a, DK_MSG_RELAY_REPL);
        if (!o)
            goto nomem;
        o->hop_count = in->hop_count; /* RFC 8415 §19.3 */
        memcpy(o->link, in->link, 16);
        memcpy(o->peer, in->peer, 16);
        b->relay_out[i] = o;
    }
    /* RFC 6221 §5.3.1: a lightweight relay leaves link-address ::, so the
     * link is known from the next relay out. */
    for (size_t i = b->nrelays; i-- > 0;) {
        if (identifies_link(b->relay_in[i]->link)) {
            memcpy(b->link_address, b->relay_in[i]->link, 16);
            break;
        }
    }
    find_marks(p, rx, b);
    for (size_t i = 0; i < inner->nopts; i++) {
        uint16_t c = inner->opts[i].code;
        if (c != DK_OPT_IA_NA && c != DK_OPT_IA_TA && c != DK_OPT_IA_PD)
            continue;
        if (b->nias == DK_BUNDLE_MAX_IAS) {
            if (early != DK_VERDICT_REPLY)
                break; /* only analysed */
            res->why = "too many IAs";
            return DK_VERDICT_UNPARSABLE;
        }
        b->ias[b->nias++].opt = &inner->opts[i];
    }

    struct dk__hinst **list = dk_arena_alloc(a, (p->ninsts ? p->ninsts : 1) * sizeof(*list));
    void **tdata = dk_arena_alloc(a, (p->ninsts ? p->ninsts : 1) * sizeof(*tdata));
    if (!list || !tdata)
        goto nomem;
    size_t n = 0;
    for (size_t i = 0; i < p->nsetup; i++)
        list[n++] = p->setup[i];
    n = dk__filter_collect(&p->root, b, list, n, p->ninsts - p->ncleanup);
    for (size_t i = 0; i < p->ncleanup; i++)
        list[n++] = p->cleanup[i];

    const char *who = NULL;
    run_stage(b, p, list, n, DK_STAGE_ANALYSE_PRE, tdata, w->wstate, &who);
    if (early != DK_VERDICT_REPLY) {
        b->action = early_action(early);
        b->why = res->why;
        run_stage(b, p, list, n, DK_STAGE_ANALYSE_POST, tdata, w->wstate, &who);
        return early;
    }
    int act = run_stage(b, p, list, n, DK_STAGE_PRE, tdata, w->wstate, &who);
    if (act == DK_CONTINUE) {
        act = init_response(b);
        if (act != DK_CONTINUE)
            who = "confirm without addresses";
    }
    if (act == DK_CONTINUE)
        act = run_stage(b, p, list, n, DK_STAGE_HANDLE, tdata, w->wstate, &who);
    /* Only a leasequery handler answers a Leasequery: without one (or
     * outside its filter) it gets no reply at all. */
    if (act == DK_CONTINUE && inner->type == DK_MSG_LEASEQUERY && !(b->done & DK_DONE_LEASEQUERY)) {
        act = DK_DROP_IGNORE;
        who = "no leasequery handler";
    }
    if (act == DK_CONTINUE)
        act = run_stage(b, p, list, n, DK_STAGE_POST, tdata, w->wstate, &who);
    b->action = (enum dk_action)act;
    if (act == DK_REPLY_STATUS && status_reply(b) != 0)
        b->action = act = DK_FAIL;
    if (act != DK_CONTINUE && act != DK_REPLY_STATUS)
        b->response = NULL;
    b->why = act != DK_CONTINUE ? who : NULL;
    run_stage(b, p, list, n, DK_STAGE_ANALYSE_POST, tdata, w->wstate, &who);
    res->why = who;
    /* Only a connection can send the rest of an answer; dk_pipeline_handle
     * closes it unless the response goes out. */
    res->stream = b->stream;

    enum dk_verdict v = verdict_of(act);
    if (v != DK_VERDICT_REPLY)
        return v;
    res->use_multicast = act == DK_REPLY_STATUS && b->status == DK_STATUS_USE_MULTICAST;

    struct dk_msg *reply;
    int err = wrap(b, &reply);
    struct dk_diag diag;
    if (!err && dk_msg_validate(reply, &diag) != 0) {
        plog(p, DK_LOGLEVEL_ERROR, "the reply to a %s is not valid: %s", dk_msg_name(inner->type),
             diag.text);
        res->why = "invalid reply";
        return DK_VERDICT_HANDLING_ERROR;
    }
    struct dk_wbuf wb;
    dk_wbuf_init(&wb, tx->buf, tx->buf ? tx->cap : 0);
    if (err || dk_msg_encode(&wb, reply) != 0) {
        plog(p, DK_LOGLEVEL_ERROR, "the reply to a %s could not be built: %s",
             dk_msg_name(inner->type), dk_strerror(err ? err : wb.err));
        res->why = "reply not built";
        return DK_VERDICT_HANDLING_ERROR;
    }
    tx->len = wb.len;
    /* RFC 8415 §18.3.10, §19.3: to the client's port, or to the relay's
     * (RFC 8357 §5.2: a relay that sent a Relay Source Port option gets
     * the answer on the port it sent from). */
    tx->dst = rx->src;
    tx->ifindex = rx->ifindex;
    if (b->direct)
        tx->dport = DK_CLIENT_PORT;
    else if (dk_msg_find(b->relay_in[0], DK_OPT_RELAY_PORT) && rx->sport)
        tx->dport = rx->sport;
    else
        tx->dport = DK_SERVER_PORT;
    res->msg_out = b->response->type;
    return DK_VERDICT_REPLY;

nomem:
    plog(p, DK_LOGLEVEL_ERROR, "out of transaction memory");
    res->why = "out of memory";
    return DK_VERDICT_HANDLING_ERROR;
}

void dk_pipeline_handle(const struct dk_pipeline *p, struct dk_worker *w, const struct dk_rx *rx,
                        struct dk_tx *tx, struct dk_result *res)
{
    memset(res, 0, sizeof(*res));
    tx->len = 0;
    res->verdict = handle(p, w, rx, tx, res);
    if (res->verdict != DK_VERDICT_REPLY)
        tx->len = 0;
    if (res->stream && (res->verdict != DK_VERDICT_REPLY || !rx->tcp)) {
        res->stream->close(res->stream);
        res->stream = NULL;
    }
}
