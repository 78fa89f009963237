/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * static-csv: a fixed address and/or prefix per client, from an assignments
 * table reached through the store ops table (include/dhcpkit/store.h), as
 * dhcpkit's StaticAssignmentHandler did.
 *
 * The client is looked up by its DUID, then by the Interface-ID, Remote-ID,
 * Subscriber-ID and client link-layer address of the relay closest to the
 * client (for a direct client: the pipeline's own wrapper, whose Interface-ID
 * is the server's interface name); the first hit wins. Then, RFC 8415 §18.3:
 * - Solicit, Request (§18.3.1, §18.3.2): the first unanswered IA_PD gets the
 *   prefix and the first unanswered IA_NA the address, preferring an IA that
 *   already holds it.
 * - Renew, Rebind (§18.3.4, §18.3.5): the same IA choice; the assignment is
 *   renewed and every other address or prefix in that IA comes back with
 *   lifetimes 0, so a client whose assignment changed moves over cleanly.
 * - Confirm (§18.3.3): when the section sits in a <subnet> or <subnet-group>
 *   (the INI form's link prefix and additional-prefixes), those are the
 *   link's prefixes: every address inside them, or the client's assigned
 *   one, is on link (Success); any other means NotOnLink, for any client,
 *   found in the table or not. Outside such a filter the link is unknown and
 *   only an IA holding just the assigned address is answered; the rest is
 *   left to unanswered-ia (NotOnLink, or silence when not authoritative).
 * - Release (§18.3.7): an IA holding the assignment is acknowledged.
 * - Decline (§18.3.8): acknowledged and logged as an error: a declined static
 *   address is a conflict in the customer's network.
 * T1 and T2 are left 0 for iana-timing-limits / iapd-timing-limits (post).
 *
 * The table is loaded when the pipeline is built, so a reload builds a new
 * one beside the old; a refused file refuses the new pipeline and the old
 * one keeps serving. The reload guard (static-csv): a new table that would
 * remove more than max-removed-percent (default 30) of the ids of the
 * running one is refused, unless the reload is forced (ipv6-dhcpctl reload
 * --force). The framework hands create() the running instance of the same
 * section (same handler, same file) as args->previous; a truncated export
 * is the mistake this catches. static-sqlite reads its database live (a
 * rebuilt one is seen without a reload); static-lmdb follows its file
 * (src/store/lmdb.c) and switches to a replaced one by itself.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/store.h>

#include "handlers.h"

/* The most link prefixes a section collects from its filter. */
#define FIXED_MAX_LINK_PREFIXES 64

struct link_prefix {
    uint8_t addr[16];
    uint8_t len;
};

struct fixed {
    const struct dk_store_ops *ops;
    void *store;
    size_t rows; /* loaded (the reload guard's base) */
    uint32_t addr_pref, addr_valid, prefix_pref, prefix_valid;
    /* The prefixes of the innermost <subnet>/<subnet-group> around the
     * section: what Confirm checks against (none: the link is unknown). */
    struct link_prefix link[FIXED_MAX_LINK_PREFIXES];
    size_t nlink;
};

/* Collects the prefixes of the innermost subnet filter around section. */
static void find_link_prefixes(struct fixed *f, const struct dk_config_section *section)
{
    for (const struct dk_config_section *s = section ? section->parent : NULL; s; s = s->parent) {
        if (strcmp(s->type, "subnet") == 0 && s->has_arg) {
            memcpy(f->link[0].addr, s->arg.v.prefix.addr, 16);
            f->link[0].len = s->arg.v.prefix.len;
            f->nlink = 1;
            return;
        }
        if (strcmp(s->type, "subnet-group") == 0) {
            size_t n = dk_config_count(s, "prefix");
            for (size_t i = 0; i < n && f->nlink < FIXED_MAX_LINK_PREFIXES; i++) {
                const struct dk_config_value *v = dk_config_nth(s, "prefix", i);
                memcpy(f->link[f->nlink].addr, v->v.prefix.addr, 16);
                f->link[f->nlink++].len = v->v.prefix.len;
            }
            return;
        }
    }
}

static bool in_prefix(const struct link_prefix *p, const uint8_t a[16])
{
    for (unsigned i = 0; i < p->len; i++) {
        uint8_t m = (uint8_t)(0x80u >> (i % 8));
        if ((p->addr[i / 8] & m) != (a[i / 8] & m))
            return false;
    }
    return true;
}

static uint32_t get_time(const struct dk_handler_args *a, const char *key, uint32_t def)
{
    const struct dk_config_value *v = dk_handler_get(a, key);
    if (!v)
        return def;
    return v->v.u > DK_INFINITY ? DK_INFINITY : (uint32_t)v->v.u;
}

static void fixed_destroy(void *state)
{
    struct fixed *f = state;
    if (!f)
        return;
    f->ops->close(f->store);
    free(f);
}

/* ---- the reload guard */

/* Whether removing `removed` of `old_rows` ids exceeds max_percent (100:
 * never). Exact in integers: removed / old_rows > max_percent / 100. */
static bool guard_exceeded(size_t old_rows, size_t removed, unsigned max_percent)
{
    if (max_percent >= 100 || old_rows == 0)
        return false;
    return (uint64_t)removed * 100 > (uint64_t)old_rows * max_percent;
}

/* Compares the new table f with the running one; returns 0 to go on, or
 * DK_EINVAL after adding the refusal to errs. */
static int reload_guard(const struct dk_handler_args *a, const struct fixed *f, const char *path,
                        struct dk_config_errors *errs, char *err, size_t errlen)
{
    const struct fixed *old = a->previous;
    if (!old || old->ops != &dk_store_csv || f->ops != &dk_store_csv)
        return 0;
    const struct dk_config_value *mv = dk_handler_get(a, "max-removed-percent");
    unsigned max = mv ? (unsigned)mv->v.u : 30;
    /* The ids of the running table that the new one lacks. */
    struct {
        size_t removed;
    } c = {dk_store_csv_missing(old->store, f->store)};
    unsigned pct = old->rows ? (unsigned)((uint64_t)c.removed * 100 / old->rows) : 0;
    bool over = guard_exceeded(old->rows, c.removed, max);
    char msg[1024];
    if (over && !a->force) {
        dk_config_errors_add(errs, a->file, a->line,
                             "<%s %s>: the new file would remove %zu of the %zu assignments in "
                             "use (%u%%, more than max-removed-percent %u; it has %zu rows): "
                             "refused, the running table stays; to load it anyway: "
                             "ipv6-dhcpctl reload --force",
                             a->name, path, c.removed, old->rows, pct, max, f->rows);
        snprintf(err, errlen, "%s refused by max-removed-percent %u", path, max);
        return DK_EINVAL;
    }
    if (a->log.fn && c.removed) {
        snprintf(msg, sizeof(msg),
                 "%s:%u: <%s %s>: %zu of the %zu assignments in use removed (%u%%), %zu rows "
                 "now%s",
                 a->file ? a->file : "(config)", a->line, a->name, path, c.removed, old->rows, pct,
                 f->rows, over ? ": past max-removed-percent, forced" : "");
        a->log.fn(a->log.ctx, over ? DK_LOGLEVEL_WARNING : DK_LOGLEVEL_INFO, msg);
    }
    return 0;
}

/* Opens the handler's store through ops; every backend's create is this. */
static int fixed_create(const struct dk_handler_args *a, const struct dk_store_ops *ops,
                        void **state, char *err, size_t errlen)
{
    const char *path = a->arg ? a->arg->v.s : NULL;
    if (!path) {
        snprintf(err, errlen, "no assignments file");
        return DK_EINVAL;
    }
    struct fixed *f = calloc(1, sizeof(*f));
    if (!f)
        return DK_ENOMEM;
    f->ops = ops;
    find_link_prefixes(f, a->section);
    f->addr_pref = get_time(a, "address-preferred-lifetime", 7 * 86400);
    f->addr_valid = get_time(a, "address-valid-lifetime", 30 * 86400);
    f->prefix_pref = get_time(a, "prefix-preferred-lifetime", 7 * 86400);
    f->prefix_valid = get_time(a, "prefix-valid-lifetime", 30 * 86400);
    const struct dk_config_value *mb = dk_handler_get(a, "max-bad-rows");
    struct dk_config_errors skipped;
    dk_config_errors_init(&skipped);
    struct dk_store_options opt = {mb ? (unsigned)mb->v.u : 0, &skipped};
    struct dk_store_stats st = {0};
    struct dk_config_errors local;
    dk_config_errors_init(&local);
    struct dk_config_errors *errs = a->errs ? a->errs : &local;
    size_t before = errs->n;
    int rc = f->ops->open(path, &opt, &f->store, &st, errs);
    for (size_t i = 0; a->log.fn && i < skipped.n; i++) {
        char line[512], msg[600];
        dk_config_error_format(&skipped.v[i], line, sizeof(line));
        snprintf(msg, sizeof(msg), "%s (row skipped, max-bad-rows %u)", line, opt.max_bad_rows);
        a->log.fn(a->log.ctx, DK_LOGLEVEL_WARNING, msg);
    }
    dk_config_errors_clear(&skipped);
    if (rc) {
        if (errs == &local || errs->n == before) {
            /* Nobody will see the list: the first error as the message. */
            if (errs->n > before)
                dk_config_error_format(&errs->v[before], err, errlen);
            else
                snprintf(err, errlen, "%s: %s", path, dk_strerror(rc));
        } else {
            snprintf(err, errlen, "%s refused", path);
        }
        dk_config_errors_clear(&local);
        free(f);
        return rc;
    }
    f->rows = st.rows;
    rc = reload_guard(a, f, path, errs, err, errlen);
    if (rc) {
        if (errs == &local && errs->n > before)
            dk_config_error_format(&errs->v[before], err, errlen);
        dk_config_errors_clear(&local);
        f->ops->close(f->store);
        free(f);
        return rc;
    }
    dk_config_errors_clear(&local);
    if (a->log.fn) {
        char msg[512];
        snprintf(msg, sizeof(msg),
                 "%s:%u: <%s %s>: %zu assignments loaded, %zu bad rows skipped",
                 a->file ? a->file : "(config)", a->line, a->name, path, st.rows, st.bad_rows);
        a->log.fn(a->log.ctx, st.bad_rows ? DK_LOGLEVEL_WARNING : DK_LOGLEVEL_INFO, msg);
    }
    *state = f;
    return 0;
}

static int csv_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    return fixed_create(a, &dk_store_csv, state, err, errlen);
}

/* ---- lookup */

static int lookup_opt(const struct fixed *f, struct dk_arena *arena, const struct dk_opt *o,
                      enum dk_store_kind kind, struct dk_assignment *out)
{
    if (!o)
        return 0;
    bool sub = kind == DK_STORE_REMOTE_ID || kind == DK_STORE_LINKLAYER_ID;
    const struct dk_val *v = &o->v[sub ? 1 : 0];
    size_t cap = 1 + 4 + (size_t)v->n;
    uint8_t *key = dk_arena_alloc(arena, cap);
    if (!key)
        return DK_ENOMEM;
    size_t n = dk_store_key(kind, sub ? (uint32_t)o->v[0].u : 0, v->p, v->n, key, cap);
    if (!n)
        return 0;
    return f->ops->lookup(f->store, key, n, out);
}

/* The client's assignment: 1 found, 0 none, < 0 error. */
static int find_assignment(const struct fixed *f, const struct dk_bundle *b,
                           struct dk_assignment *out)
{
    static const struct {
        uint16_t code;
        enum dk_store_kind kind;
    } relay_keys[] = {
        {DK_OPT_INTERFACE_ID, DK_STORE_INTERFACE_ID},
        {DK_OPT_REMOTE_ID, DK_STORE_REMOTE_ID},
        {DK_OPT_SUBSCRIBER_ID, DK_STORE_SUBSCRIBER_ID},
        {DK_OPT_CLIENT_LINKLAYER_ADDR, DK_STORE_LINKLAYER_ID},
    };
    int rc = lookup_opt(f, b->arena, dk_msg_find(b->request, DK_OPT_CLIENTID), DK_STORE_DUID, out);
    for (size_t i = 0; rc == 0 && i < sizeof(relay_keys) / sizeof(relay_keys[0]); i++)
        rc = lookup_opt(f, b->arena, dk_bundle_client_relay_opt(b, relay_keys[i].code),
                        relay_keys[i].kind, out);
    return rc;
}

/* ---- answering IAs */

static bool ia_holds(const struct dk_opt *ia, const struct dk_assignment *a)
{
    for (size_t i = 0; i < ia->nopts; i++) {
        const struct dk_opt *o = &ia->opts[i];
        if (ia->code == DK_OPT_IA_NA && o->code == DK_OPT_IAADDR && o->v[0].n == 16 &&
            memcmp(o->v[0].p, a->address, 16) == 0)
            return true;
        if (ia->code == DK_OPT_IA_PD && o->code == DK_OPT_IAPREFIX && o->v[2].n == 16 &&
            o->v[2].u == a->prefix_len && memcmp(o->v[2].p, a->prefix, 16) == 0)
            return true;
    }
    return false;
}

/* The IA of code to answer: the first unanswered one holding the
 * assignment, else the first unanswered one. */
static const struct dk_opt *choose_ia(const struct dk_bundle *b, uint16_t code,
                                      const struct dk_assignment *a)
{
    const struct dk_opt *first = NULL;
    for (size_t i = 0; i < b->nias; i++) {
        const struct dk_opt *ia = b->ias[i].opt;
        if (b->ias[i].handled || ia->code != code)
            continue;
        if (ia_holds(ia, a))
            return ia;
        if (!first)
            first = ia;
    }
    return first;
}

static struct dk_bopt *new_sub(struct dk_bundle *b, uint16_t code, const uint8_t *p, uint8_t plen,
                               uint32_t pref, uint32_t valid)
{
    struct dk_bopt *o = dk_bopt_new(b->arena, DK_SPACE_DHCPV6, code);
    uint8_t *copy = dk_arena_alloc(b->arena, 16);
    if (!o || !copy)
        return NULL;
    memcpy(copy, p, 16);
    if (code == DK_OPT_IAADDR) {
        dk_bopt_set_ref(o, 0, copy, 16);
        dk_bopt_set_u(o, 1, pref);
        dk_bopt_set_u(o, 2, valid);
    } else {
        dk_bopt_set_u(o, 0, pref);
        dk_bopt_set_u(o, 1, valid);
        dk_bopt_set_ref(o, 2, copy, 16);
        o->o.v[2].u = plen;
    }
    return o;
}

/* Answers ia with the assignment; with withdraw, every other address or
 * prefix of the request's IA comes back with lifetimes 0. */
static int answer(struct dk_bundle *b, const struct fixed *f, const struct dk_opt *ia,
                  const struct dk_assignment *a, bool withdraw)
{
    bool pd = ia->code == DK_OPT_IA_PD;
    uint16_t sub = pd ? DK_OPT_IAPREFIX : DK_OPT_IAADDR;
    struct dk_bopt *r = dk_bundle_response_ia(b, ia);
    struct dk_bopt *o = pd ? new_sub(b, sub, a->prefix, a->prefix_len, f->prefix_pref,
                                     f->prefix_valid)
                           : new_sub(b, sub, a->address, 128, f->addr_pref, f->addr_valid);
    if (!r || !o)
        return DK_ENOMEM;
    dk_bopt_append(r, o);
    for (size_t i = 0; withdraw && i < ia->nopts; i++) {
        const struct dk_opt *x = &ia->opts[i];
        if (x->code != sub)
            continue;
        const uint8_t *p = pd ? x->v[2].p : x->v[0].p;
        size_t n = pd ? x->v[2].n : x->v[0].n;
        uint8_t plen = pd ? (uint8_t)x->v[2].u : 128;
        if (n != 16)
            continue;
        if (pd ? (plen == a->prefix_len && memcmp(p, a->prefix, 16) == 0)
               : memcmp(p, a->address, 16) == 0)
            continue;
        struct dk_bopt *z = new_sub(b, sub, p, plen, 0, 0);
        if (!z)
            return DK_ENOMEM;
        dk_bopt_append(r, z);
    }
    dk_bundle_set_handled(b, ia);
    return DK_CONTINUE;
}

static int assign(struct dk_bundle *b, const struct fixed *f, const struct dk_assignment *a,
                  bool withdraw)
{
    int rc = DK_CONTINUE;
    const struct dk_opt *ia;
    if (a->has_prefix && (ia = choose_ia(b, DK_OPT_IA_PD, a)))
        rc = answer(b, f, ia, a, withdraw);
    if (rc == DK_CONTINUE && a->has_address && (ia = choose_ia(b, DK_OPT_IA_NA, a)))
        rc = answer(b, f, ia, a, withdraw);
    return rc;
}

/* RFC 8415 §18.3.3: an IA_NA is on link when it holds addresses and all
 * are the assigned one. */
static void confirm(struct dk_bundle *b, const struct dk_assignment *a)
{
    for (size_t i = 0; i < b->nias; i++) {
        const struct dk_opt *ia = b->ias[i].opt;
        if (b->ias[i].handled || ia->code != DK_OPT_IA_NA || !a->has_address)
            continue;
        size_t n = 0, ok = 0;
        for (size_t k = 0; k < ia->nopts; k++) {
            const struct dk_opt *x = &ia->opts[k];
            if (x->code != DK_OPT_IAADDR)
                continue;
            n++;
            ok += x->v[0].n == 16 && memcmp(x->v[0].p, a->address, 16) == 0;
        }
        if (n && n == ok)
            b->ias[i].handled = true;
    }
}

/* Release and Decline: the IAs holding the assignment are acknowledged. */
static void acknowledge(struct dk_bundle *b, const struct dk_assignment *a, bool decline)
{
    for (size_t i = 0; i < b->nias; i++) {
        const struct dk_opt *ia = b->ias[i].opt;
        if (b->ias[i].handled || (ia->code != DK_OPT_IA_NA && ia->code != DK_OPT_IA_PD))
            continue;
        bool pd = ia->code == DK_OPT_IA_PD;
        if ((pd && !a->has_prefix) || (!pd && !a->has_address) || !ia_holds(ia, a))
            continue;
        b->ias[i].handled = true;
        if (decline) {
            char text[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
            const struct dk_msg *r = b->relay_in[b->nrelays - 1];
            inet_ntop(AF_INET6, pd ? a->prefix : a->address, text, sizeof(text));
            inet_ntop(AF_INET6, r->peer, peer, sizeof(peer));
            dk_bundle_logf(b, DK_LOGLEVEL_ERROR,
                           "static assignment: client %s DECLINED its static %s %s/%u: in use in the "
                           "customer's network, check it",
                           peer, pd ? "prefix" : "address", text,
                           pd ? (unsigned)a->prefix_len : 128u);
        }
    }
}

/* RFC 8415 §18.3.3 with the link's prefixes known: all addresses of the
 * IA_NAs and IA_TAs on link (inside a link prefix, or the client's assigned
 * address) is Success, any other is NotOnLink for the whole message. No
 * address at all is left to the others (§18.3.3: no reply). */
static int confirm_on_link(struct dk_bundle *b, const struct fixed *f)
{
    struct dk_assignment a;
    int rc = find_assignment(f, b, &a);
    if (rc < 0)
        return rc;
    bool assigned = rc == 1 && a.has_address;
    size_t addrs = 0;
    for (size_t i = 0; i < b->nias; i++) {
        const struct dk_opt *ia = b->ias[i].opt;
        if (ia->code != DK_OPT_IA_NA && ia->code != DK_OPT_IA_TA)
            continue;
        for (size_t k = 0; k < ia->nopts; k++) {
            const struct dk_opt *x = &ia->opts[k];
            if (x->code != DK_OPT_IAADDR || x->v[0].n != 16)
                continue;
            addrs++;
            bool on = assigned && memcmp(x->v[0].p, a.address, 16) == 0;
            for (size_t p = 0; !on && p < f->nlink; p++)
                on = in_prefix(&f->link[p], x->v[0].p);
            if (!on)
                return dk_bundle_reply_status(b, DK_STATUS_NOT_ON_LINK,
                                              "Those addresses are not on this link");
        }
    }
    for (size_t i = 0; addrs && i < b->nias; i++) {
        uint16_t code = b->ias[i].opt->code;
        if (code == DK_OPT_IA_NA || code == DK_OPT_IA_TA)
            b->ias[i].handled = true;
    }
    return DK_CONTINUE;
}

static int fixed_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct fixed *f = h->state;
    if (!b->response || !b->nias)
        return DK_CONTINUE;
    if (b->request->type == DK_MSG_CONFIRM && f->nlink)
        return confirm_on_link(b, f);
    struct dk_assignment a;
    int rc = find_assignment(f, b, &a);
    if (rc <= 0)
        return rc;
    switch (b->request->type) {
    case DK_MSG_SOLICIT: /* RFC 8415 §18.3.1 */
    case DK_MSG_REQUEST: /* §18.3.2 */
        return assign(b, f, &a, false);
    case DK_MSG_RENEW:  /* §18.3.4 */
    case DK_MSG_REBIND: /* §18.3.5 */
        return assign(b, f, &a, true);
    case DK_MSG_CONFIRM: /* §18.3.3 */
        confirm(b, &a);
        return DK_CONTINUE;
    case DK_MSG_RELEASE: /* §18.3.7 */
        acknowledge(b, &a, false);
        return DK_CONTINUE;
    case DK_MSG_DECLINE: /* §18.3.8 */
        acknowledge(b, &a, true);
        return DK_CONTINUE;
    default:
        return DK_CONTINUE;
    }
}

/* ---- the handlers, one per backend */

DK__HANDLER(static_csv, "static-csv", .help = "fixed assignments from a CSV file",
            .create = csv_create, .destroy = fixed_destroy,
            .hooks[DK_STAGE_HANDLE] = fixed_handle);

static int sqlite_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    return fixed_create(a, &dk_store_sqlite, state, err, errlen);
}
DK__HANDLER(static_sqlite, "static-sqlite", .help = "fixed assignments from an SQLite database",
            .create = sqlite_create, .destroy = fixed_destroy,
            .hooks[DK_STAGE_HANDLE] = fixed_handle);

/* static-lmdb: a file that is not ours is refused with the section's
 * file:line and what to do about it; the rest is every backend's. The store
 * logs a replaced file picked up or refused through the handler's log. */
static int lmdb_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    const char *path = a->arg ? a->arg->v.s : NULL;
    if (path && dk_store_lmdb_probe(path) == 0) {
        static const char msg[] = "not an LMDB file, rebuild it with ipv6-dhcp-build-lmdb";
        if (a->errs && dk_config_errors_add(a->errs, a->file, a->line, "%s", msg) == 0)
            snprintf(err, errlen, "%s refused", path);
        else
            snprintf(err, errlen, "%s: %s", path, msg);
        return DK_EINVAL;
    }
    int rc = fixed_create(a, &dk_store_lmdb, state, err, errlen);
    if (rc == 0)
        dk_store_lmdb_set_log(((struct fixed *)*state)->store, &a->log);
    return rc;
}

DK__HANDLER(static_lmdb, "static-lmdb", .help = "fixed assignments from an LMDB file",
            .create = lmdb_create, .destroy = fixed_destroy,
            .hooks[DK_STAGE_HANDLE] = fixed_handle);
