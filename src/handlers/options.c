/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handlers that add configured options to replies: preference, the list
 * options (DNS, domain search, SNTP, SIP), NTP, AFTR name, SOL_MAX_RT,
 * INF_MAX_RT, information refresh time, vendor-specific information.
 *
 * Handlers run inner filters first, then outer ones, then the top level.
 * Single-valued options: the first handler wins. Lists: later handlers add
 * the items that are not there yet, in order. Options the client did not
 * ask for in its Option Request option are left out, unless always-send
 * (then they carry DK_BOPT_ALWAYS, and the oro handler keeps them).
 *
 * Every state here is made from the section at create() and is immutable:
 * the replies borrow their octets, which live as long as the pipeline.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/domain.h>

#include "handlers.h"

static bool always_send(const struct dk_handler_args *a)
{
    const struct dk_config_value *v = dk_handler_get(a, "always-send");
    return v && v->v.b;
}

/* Whether a handler that adds option code takes part in this reply. */
static bool wanted(const struct dk_bundle *b, uint16_t code, bool always)
{
    return dk__reply_carries_config(b) && (always || dk_bundle_requested(b, code));
}

/* ---- Lists: one option whose body is a list of addresses or names. */

struct list {
    uint16_t code;
    bool always;
    bool names; /* domain names (else 16-octet addresses) */
    uint8_t *data;
    size_t len;
};

static int list_create(const struct dk_handler_args *a, void **state, uint16_t code,
                       const char *key, bool names)
{
    size_t n = dk_handler_count(a, key), len = 0;
    for (size_t i = 0; i < n; i++)
        len += names ? dk_handler_nth(a, key, i)->v.bytes.len : 16;
    if (len > 65535)
        return DK_ELENGTH;
    struct list *l = calloc(1, sizeof(*l));
    uint8_t *d = malloc(len ? len : 1);
    if (!l || !d) {
        free(l);
        free(d);
        return DK_ENOMEM;
    }
    l->code = code;
    l->always = always_send(a);
    l->names = names;
    l->data = d;
    l->len = len;
    for (size_t i = 0; i < n; i++) {
        const struct dk_config_value *v = dk_handler_nth(a, key, i);
        if (names) {
            memcpy(d, v->v.bytes.p, v->v.bytes.len);
            d += v->v.bytes.len;
        } else {
            memcpy(d, v->v.addr, 16);
            d += 16;
        }
    }
    *state = l;
    return 0;
}

static void list_destroy(void *state)
{
    struct list *l = state;
    if (l)
        free(l->data);
    free(l);
}

/* The length of the item at p[0..n): a name (wire form) or an address. */
static size_t item_len(bool names, const uint8_t *p, size_t n)
{
    if (!names)
        return n >= 16 ? 16 : 0;
    size_t used = 0;
    bool complete;
    if (dk_domain_measure(p, n, false, &used, &complete) != 0)
        return 0;
    return used;
}

static bool list_has(bool names, const uint8_t *p, size_t n, const uint8_t *item, size_t ilen)
{
    for (size_t off = 0; off < n;) {
        size_t l = item_len(names, p + off, n - off);
        if (!l)
            return false;
        if (l == ilen && memcmp(p + off, item, ilen) == 0)
            return true;
        off += l;
    }
    return false;
}

static int list_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct list *l = h->state;
    if (!wanted(b, l->code, l->always))
        return DK_CONTINUE;
    unsigned flags = l->always ? DK_BOPT_ALWAYS : 0;
    struct dk_bopt *o = dk_bmsg_find(b->response, l->code);
    if (!o) {
        o = dk_bundle_add(b, l->code, flags);
        if (!o)
            return DK_ENOMEM;
        dk_bopt_set_ref(o, 0, l->data, l->len);
        return DK_CONTINUE;
    }
    /* Merge: the items this section adds that are not there yet. */
    o->flags |= flags;
    for (size_t off = 0; off < l->len;) {
        size_t il = item_len(l->names, l->data + off, l->len - off);
        if (!il)
            return DK_EINVAL;
        if (!list_has(l->names, o->o.v[0].p, o->o.v[0].n, l->data + off, il)) {
            int err = dk_bopt_append_bytes(b->arena, o, 0, l->data + off, il);
            if (err)
                return err;
        }
        off += il;
    }
    return DK_CONTINUE;
}

#define LIST_HANDLER(ident, section, code, key, names, help_)                                      \
    static int ident##_create(const struct dk_handler_args *a, void **state, char *err,            \
                              size_t errlen)                                                       \
    {                                                                                              \
        (void)err;                                                                                 \
        (void)errlen;                                                                              \
        return list_create(a, state, code, key, names);                                            \
    }                                                                                              \
    DK__HANDLER(ident, section, .help = help_, .create = ident##_create, .destroy = list_destroy,  \
                .hooks[DK_STAGE_HANDLE] = list_handle)

LIST_HANDLER(recursive_name_servers, "recursive-name-servers", DK_OPT_DNS_SERVERS, "address", false,
             "DNS recursive name servers (RFC 3646 option 23)");
LIST_HANDLER(domain_search_list, "domain-search-list", DK_OPT_DOMAIN_LIST, "domain-name", true,
             "domain search list (RFC 3646 option 24)");
LIST_HANDLER(sntp_servers, "sntp-servers", DK_OPT_SNTP_SERVERS, "address", false,
             "SNTP servers (RFC 4075 option 31)");
LIST_HANDLER(sip_server_names, "sip-server-names", DK_OPT_SIP_SERVER_D, "domain-name", true,
             "SIP server domain names (RFC 3319 option 21)");
LIST_HANDLER(sip_server_addresses, "sip-server-addresses", DK_OPT_SIP_SERVER_A, "address", false,
             "SIP server addresses (RFC 3319 option 22)");

/* ---- Single values: the first handler wins. */

struct single {
    uint16_t code;
    bool always;
    uint32_t u;       /* a number */
    const uint8_t *p; /* or octets (owned) */
    size_t n;
    uint8_t types;    /* 1 << response type this option may go in, 0: any */
    uint8_t only_for; /* request type it answers only, 0: any */
};

static void single_destroy(void *state)
{
    struct single *s = state;
    if (s)
        free((void *)(uintptr_t)s->p);
    free(s);
}

static int single_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct single *s = h->state;
    if (!wanted(b, s->code, s->always))
        return DK_CONTINUE;
    if (s->types && !(s->types & (1u << b->response->type)))
        return DK_CONTINUE;
    if (s->only_for && b->request->type != s->only_for)
        return DK_CONTINUE;
    if (dk_bmsg_find(b->response, s->code))
        return DK_CONTINUE;
    struct dk_bopt *o = dk_bundle_add(b, s->code, s->always ? DK_BOPT_ALWAYS : 0);
    if (!o)
        return DK_ENOMEM;
    if (s->p)
        dk_bopt_set_ref(o, 0, s->p, s->n);
    else
        dk_bopt_set_u(o, 0, s->u);
    return DK_CONTINUE;
}

static struct single *single_new(const struct dk_handler_args *a, uint16_t code)
{
    struct single *s = calloc(1, sizeof(*s));
    if (s) {
        s->code = code;
        s->always = always_send(a);
    }
    return s;
}

static int number_create(const struct dk_handler_args *a, void **state, uint16_t code,
                         const char *key, uint8_t only_for)
{
    struct single *s = single_new(a, code);
    if (!s)
        return DK_ENOMEM;
    const struct dk_config_value *v = dk_handler_get(a, key);
    s->u = v ? (uint32_t)v->v.u : 0;
    s->only_for = only_for;
    *state = s;
    return 0;
}

/* RFC 8415 §21.24, §21.25: the client's retransmission limits. */
static int sol_max_rt_create(const struct dk_handler_args *a, void **state, char *err,
                             size_t errlen)
{
    (void)err;
    (void)errlen;
    return number_create(a, state, DK_OPT_SOL_MAX_RT, "limit", 0);
}
DK__HANDLER(sol_max_rt, "sol-max-rt", .help = "SOL_MAX_RT (RFC 8415 §21.24)",
            .create = sol_max_rt_create, .destroy = single_destroy,
            .hooks[DK_STAGE_HANDLE] = single_handle);

static int inf_max_rt_create(const struct dk_handler_args *a, void **state, char *err,
                             size_t errlen)
{
    (void)err;
    (void)errlen;
    return number_create(a, state, DK_OPT_INF_MAX_RT, "limit", 0);
}
DK__HANDLER(inf_max_rt, "inf-max-rt", .help = "INF_MAX_RT (RFC 8415 §21.25)",
            .create = inf_max_rt_create, .destroy = single_destroy,
            .hooks[DK_STAGE_HANDLE] = single_handle);

/* RFC 8415 §21.23: only in a Reply to an Information-request. */
static int irt_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return number_create(a, state, DK_OPT_INFORMATION_REFRESH_TIME, "refresh-time",
                         DK_MSG_INFORMATION_REQUEST);
}
DK__HANDLER(information_refresh_time, "information-refresh-time",
            .help = "information refresh time (RFC 8415 §21.23)", .create = irt_create,
            .destroy = single_destroy, .hooks[DK_STAGE_HANDLE] = single_handle);

/* RFC 6334 §3: one AFTR name. */
static int aftr_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    const struct dk_config_value *v = dk_handler_get(a, "fqdn");
    struct single *s = single_new(a, DK_OPT_AFTR_NAME);
    uint8_t *p = v ? malloc(v->v.bytes.len ? v->v.bytes.len : 1) : NULL;
    if (!s || !p) {
        free(s);
        free(p);
        return DK_ENOMEM;
    }
    memcpy(p, v->v.bytes.p, v->v.bytes.len);
    s->p = p;
    s->n = v->v.bytes.len;
    *state = s;
    return 0;
}
DK__HANDLER(aftr_name, "aftr-name", .help = "DS-Lite AFTR name (RFC 6334 option 64)",
            .create = aftr_create, .destroy = single_destroy,
            .hooks[DK_STAGE_HANDLE] = single_handle);

/* RFC 8415 §21.8: Preference goes in Advertise (and so in a Reply made from
 * it by rapid commit), whatever the ORO says (it is not requestable). */
static int preference_create(const struct dk_handler_args *a, void **state, char *err,
                             size_t errlen)
{
    (void)err;
    (void)errlen;
    int rc = number_create(a, state, DK_OPT_PREFERENCE, "level", 0);
    if (rc == 0) {
        struct single *s = *state;
        s->always = true;
        s->types = 1u << DK_MSG_ADVERTISE;
    }
    return rc;
}
DK__HANDLER(preference, "preference", .help = "server preference (RFC 8415 §21.8)",
            .create = preference_create, .destroy = single_destroy,
            .hooks[DK_STAGE_HANDLE] = single_handle);

/* ---- NTP (RFC 5908 §4): one option holding time-source sub-options, in
 * the order the section gives them; later sections add sources that are
 * not there yet. */

struct ntp_source {
    uint16_t code;
    const uint8_t *p; /* borrowed from data */
    size_t n;
};

struct ntp {
    bool always;
    struct ntp_source *src;
    size_t nsrc;
    uint8_t *data;
};

static void ntp_destroy(void *state)
{
    struct ntp *t = state;
    if (t) {
        free(t->src);
        free(t->data);
    }
    free(t);
}

static int ntp_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct ntp *t = calloc(1, sizeof(*t));
    size_t total = 0, n = 0;
    for (size_t i = 0; i < a->nvalues; i++) {
        const struct dk_handler_value *hv = &a->values[i];
        if (!strcmp(hv->key, "server-fqdn"))
            total += hv->value->v.bytes.len;
        else if (!strcmp(hv->key, "server-address") || !strcmp(hv->key, "multicast-address"))
            total += 16;
        else
            continue;
        n++;
    }
    if (t) {
        t->always = always_send(a);
        t->src = calloc(n ? n : 1, sizeof(*t->src));
        t->data = malloc(total ? total : 1);
    }
    if (!t || !t->src || !t->data) {
        ntp_destroy(t);
        return DK_ENOMEM;
    }
    uint8_t *d = t->data;
    for (size_t i = 0; i < a->nvalues; i++) {
        const struct dk_handler_value *hv = &a->values[i];
        struct ntp_source *s = &t->src[t->nsrc];
        if (!strcmp(hv->key, "server-fqdn")) {
            s->code = DK_NTP_SUBOPTION_SRV_FQDN;
            s->n = hv->value->v.bytes.len;
            memcpy(d, hv->value->v.bytes.p, s->n);
        } else if (!strcmp(hv->key, "server-address") || !strcmp(hv->key, "multicast-address")) {
            s->code = hv->key[0] == 's' ? DK_NTP_SUBOPTION_SRV_ADDR : DK_NTP_SUBOPTION_MC_ADDR;
            s->n = 16;
            memcpy(d, hv->value->v.addr, 16);
        } else {
            continue;
        }
        s->p = d;
        d += s->n;
        t->nsrc++;
    }
    *state = t;
    return 0;
}

static int ntp_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct ntp *t = h->state;
    if (!wanted(b, DK_OPT_NTP_SERVER, t->always))
        return DK_CONTINUE;
    struct dk_bopt *o = dk_bmsg_find(b->response, DK_OPT_NTP_SERVER);
    if (!o && !(o = dk_bundle_add(b, DK_OPT_NTP_SERVER, 0)))
        return DK_ENOMEM;
    o->flags |= t->always ? DK_BOPT_ALWAYS : 0;
    for (size_t i = 0; i < t->nsrc; i++) {
        const struct ntp_source *s = &t->src[i];
        bool there = false;
        for (const struct dk_bopt *k = o->kids; k && !there; k = k->next)
            there =
                k->o.code == s->code && k->o.v[0].n == s->n && memcmp(k->o.v[0].p, s->p, s->n) == 0;
        if (there)
            continue;
        struct dk_bopt *k = dk_bopt_add(b->arena, o, s->code);
        if (!k)
            return DK_ENOMEM;
        dk_bopt_set_ref(k, 0, s->p, s->n);
    }
    return DK_CONTINUE;
}

DK__HANDLER(ntp_servers, "ntp-servers", .help = "NTP servers (RFC 5908 option 56)",
            .create = ntp_create, .destroy = ntp_destroy, .hooks[DK_STAGE_HANDLE] = ntp_handle);

/* ---- Vendor-specific information (RFC 8415 §21.17): one option per
 * enterprise number, with the configured sub-options (e.g. a TR-069 ACS URL
 * for CPEs, Broadband Forum TR-069 enterprise 3561 sub-option 1). Sections
 * for the same enterprise merge: a sub-option code already there wins. */

struct vsi {
    uint32_t enterprise;
    bool always;
    struct ntp_source *sub; /* code, octets */
    size_t nsub;
    uint8_t *data;
};

static void vsi_destroy(void *state)
{
    struct vsi *v = state;
    if (v) {
        free(v->sub);
        free(v->data);
    }
    free(v);
}

static int vsi_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    size_t n = dk_handler_count(a, "option"), total = 0;
    for (size_t i = 0; i < n; i++)
        total += dk_handler_nth(a, "option", i)->v.opt.len;
    /* RFC 8415 §21.17: enterprise number, then code/length/data items. */
    if (total + 4 * n + 4 > 65535) {
        snprintf(err, errlen, "the sub-options do not fit in one option");
        return DK_ELENGTH;
    }
    struct vsi *v = calloc(1, sizeof(*v));
    if (v) {
        v->sub = calloc(n ? n : 1, sizeof(*v->sub));
        v->data = malloc(total ? total : 1);
    }
    if (!v || !v->sub || !v->data) {
        vsi_destroy(v);
        return DK_ENOMEM;
    }
    v->enterprise = a->arg ? (uint32_t)a->arg->v.u : 0;
    v->always = always_send(a);
    uint8_t *d = v->data;
    for (size_t i = 0; i < n; i++) {
        const struct dk_config_value *cv = dk_handler_nth(a, "option", i);
        v->sub[i] = (struct ntp_source){cv->v.opt.code, d, cv->v.opt.len};
        memcpy(d, cv->v.opt.p, cv->v.opt.len);
        d += cv->v.opt.len;
    }
    v->nsub = n;
    *state = v;
    return 0;
}

static int vsi_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct vsi *v = h->state;
    if (!wanted(b, DK_OPT_VENDOR_OPTS, v->always))
        return DK_CONTINUE;
    struct dk_bopt *o = dk_bmsg_find(b->response, DK_OPT_VENDOR_OPTS);
    while (o && o->o.v[0].u != v->enterprise)
        o = dk_bopt_next_same(o);
    if (!o) {
        o = dk_bundle_add(b, DK_OPT_VENDOR_OPTS, 0);
        if (!o)
            return DK_ENOMEM;
        dk_bopt_set_u(o, 0, v->enterprise);
    }
    o->flags |= v->always ? DK_BOPT_ALWAYS : 0;
    for (size_t i = 0; i < v->nsub; i++) {
        if (dk_bopt_find(o, v->sub[i].code))
            continue;
        struct dk_bopt *k = dk_bopt_add(b->arena, o, v->sub[i].code);
        if (!k)
            return DK_ENOMEM;
        dk_bopt_set_ref(k, 0, v->sub[i].p, v->sub[i].n);
    }
    return DK_CONTINUE;
}

DK__HANDLER(vendor_specific_information, "vendor-specific-information",
            .help = "vendor-specific information (RFC 8415 §21.17 option 17)", .create = vsi_create,
            .destroy = vsi_destroy, .hooks[DK_STAGE_HANDLE] = vsi_handle);
