/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Building what the probe sends from typed fields (dhcpkit/build.h): the
 * client message of RFC 8415 §18.2 and, with --relay, the Relay-forward of
 * §19.1 around it. Nothing is written by hand: dk_msg_encode() writes the
 * octets, after dk_msg_validate() has checked the containment rules.
 */
#include <string.h>

#include <dhcpkit/validate.h>
#include <dhcpkit/wire.h>

#include "probe.h"

static int add_duid(struct dk_arena *ar, struct dk_bmsg *m, uint16_t code, const uint8_t *p,
                    size_t n)
{
    struct dk_bopt *o = dk_bmsg_add(ar, m, code);
    if (!o)
        return DK_ENOMEM;
    dk_bopt_set_ref(o, 0, p, n);
    return 0;
}

/* An IAADDR (RFC 8415 §21.6) or IAPREFIX (§21.22) the client holds or was
 * offered: "the preferred and valid lifetime fields SHOULD be set to 0" in
 * what a client sends (§21.6, §21.22). */
static int add_addr(struct dk_arena *ar, struct dk_bopt *ia, const uint8_t *addr)
{
    struct dk_bopt *o = dk_bopt_add(ar, ia, DK_OPT_IAADDR);
    if (!o)
        return DK_ENOMEM;
    dk_bopt_set_ref(o, 0, addr, 16);
    return 0;
}

static int add_prefix(struct dk_arena *ar, struct dk_bopt *ia, const uint8_t *p, uint8_t len)
{
    struct dk_bopt *o = dk_bopt_add(ar, ia, DK_OPT_IAPREFIX);
    if (!o)
        return DK_ENOMEM;
    dk_bopt_set_ref(o, 2, p, 16);
    o->o.v[2].u = len;
    return 0;
}

/* The Advertise's IA of this code and IAID, or NULL. */
static const struct dk_opt *adv_ia(const struct dk_msg *adv, uint16_t code, uint32_t iaid)
{
    for (size_t i = 0; adv && i < adv->nopts; i++)
        if (adv->opts[i].code == code && adv->opts[i].v[0].u == iaid)
            return &adv->opts[i];
    return NULL;
}

/* The leases offered in an IA of the Advertise; how many were copied. */
static int copy_offers(struct dk_arena *ar, struct dk_bopt *ia, const struct dk_opt *offer,
                       size_t *copied)
{
    *copied = 0;
    for (size_t i = 0; offer && i < offer->nopts; i++) {
        const struct dk_opt *x = &offer->opts[i];
        int err = 0;
        if (x->code == DK_OPT_IAADDR && x->v[0].n == 16 && x->v[2].u) {
            err = add_addr(ar, ia, x->v[0].p);
        } else if (x->code == DK_OPT_IAPREFIX && x->v[2].n == 16 && x->v[1].u) {
            err = add_prefix(ar, ia, x->v[2].p, (uint8_t)x->v[2].u);
        } else {
            continue;
        }
        if (err)
            return err;
        (*copied)++;
    }
    return 0;
}

/* IA_NAs (RFC 8415 §21.4) and IA_PDs (§21.21) with T1 = T2 = 0 (the
 * client has no preference, §18.2.1); the first of each holds --address /
 * --prefix, or for a Request what the Advertise offered. */
static int add_ias(struct dk_arena *ar, struct dk_bmsg *m, const struct probe_args *a,
                   const struct dk_msg *adv)
{
    for (int pd = 0; pd < 2; pd++) {
        uint16_t code = pd ? DK_OPT_IA_PD : DK_OPT_IA_NA;
        const uint32_t *iaids = pd ? a->ia_pd : a->ia_na;
        size_t n = pd ? a->n_ia_pd : a->n_ia_na;
        for (size_t i = 0; i < n; i++) {
            struct dk_bopt *ia = dk_bmsg_add(ar, m, code);
            if (!ia)
                return DK_ENOMEM;
            dk_bopt_set_u(ia, 0, iaids[i]);
            size_t copied = 0;
            int err = copy_offers(ar, ia, adv_ia(adv, code, iaids[i]), &copied);
            if (err)
                return err;
            if (copied || i > 0)
                continue;
            for (size_t k = 0; !pd && k < a->naddrs && !err; k++)
                err = add_addr(ar, ia, a->addrs[k]);
            for (size_t k = 0; pd && k < a->nprefixes && !err; k++)
                err = add_prefix(ar, ia, a->prefixes[k].p, a->prefixes[k].len);
            if (err)
                return err;
        }
    }
    return 0;
}

/* --option CODE:HEX: the octets decoded as that option, so that a known
 * option gets its typed fields and one that does not decode is refused. */
static int add_extra(struct dk_arena *ar, struct dk_bmsg *m, const struct probe_extra *x)
{
    size_t n = 4 + x->data.n;
    uint8_t *tlv = dk_arena_alloc(ar, n);
    struct dk_opt *opts;
    size_t nopts;
    if (!tlv)
        return DK_ENOMEM;
    tlv[0] = (uint8_t)(x->code >> 8);
    tlv[1] = (uint8_t)x->code;
    tlv[2] = (uint8_t)(x->data.n >> 8);
    tlv[3] = (uint8_t)x->data.n;
    memcpy(tlv + 4, x->data.b, x->data.n);
    int err = dk_opts_decode(tlv, n, DK_SPACE_DHCPV6, ar, &opts, &nopts, NULL);
    if (err)
        return DK_EINVAL;
    if (nopts != 1)
        return DK_EINVAL;
    struct dk_bopt *o = dk_bopt_from_opt(ar, &opts[0]);
    if (!o)
        return DK_ENOMEM;
    dk_bmsg_append(m, o);
    return 0;
}

int probe_build_client(struct dk_arena *ar, const struct probe_args *a, uint8_t type, uint32_t xid,
                       uint16_t elapsed, const uint8_t *duid, size_t duidlen,
                       const struct dk_msg *adv, struct dk_bmsg **out)
{
    struct dk_bmsg *m = dk_bmsg_new(ar, type);
    struct dk_bopt *o;
    int err;
    if (!m)
        return DK_ENOMEM;
    m->xid = xid & 0xffffffu;
    /* RFC 8415 §18.2: every client message carries the Client Identifier
     * (an Information-request may omit it; the probe sends it so that the
     * answer can be matched, §18.2.6 allows it). */
    if ((err = add_duid(ar, m, DK_OPT_CLIENTID, duid, duidlen)))
        return err;
    /* §18.2.2: a Request names the server of the Advertise; Renew, Release
     * and Decline name --server-duid (§18.2.4, §18.2.7, §18.2.8). */
    const struct dk_opt *sid = type == DK_MSG_REQUEST ? dk_msg_find(adv, DK_OPT_SERVERID) : NULL;
    if (sid)
        err = add_duid(ar, m, DK_OPT_SERVERID, sid->v[0].p, sid->v[0].n);
    else if (a->server_duid.set && type != DK_MSG_REQUEST)
        err = add_duid(ar, m, DK_OPT_SERVERID, a->server_duid.b, a->server_duid.n);
    if (err)
        return err;
    /* §21.9: Elapsed Time in every message of an exchange. */
    if (!(o = dk_bmsg_add(ar, m, DK_OPT_ELAPSED_TIME)))
        return DK_ENOMEM;
    dk_bopt_set_u(o, 0, elapsed);
    /* §18.2.1: a Solicit asking for the two-message exchange. */
    if (type == DK_MSG_SOLICIT && a->rapid_commit && !dk_bmsg_add(ar, m, DK_OPT_RAPID_COMMIT))
        return DK_ENOMEM;
    if (type != DK_MSG_INFORMATION_REQUEST && (err = add_ias(ar, m, a, adv)))
        return err;
    if (a->noro) {
        uint8_t *codes = dk_arena_alloc(ar, 2 * a->noro);
        if (!codes || !(o = dk_bmsg_add(ar, m, DK_OPT_ORO)))
            return DK_ENOMEM;
        for (size_t i = 0; i < a->noro; i++) {
            codes[2 * i] = (uint8_t)(a->oro[i] >> 8);
            codes[2 * i + 1] = (uint8_t)a->oro[i];
        }
        dk_bopt_set_ref(o, 0, codes, 2 * a->noro);
    }
    for (size_t i = 0; i < a->nextra; i++)
        if ((err = add_extra(ar, m, &a->extra[i])))
            return err;
    *out = m;
    return 0;
}

int probe_wrap_relay(struct dk_arena *ar, const struct probe_args *a, const uint8_t peer[16],
                     struct dk_bmsg *inner, struct dk_bmsg **out)
{
    /* RFC 8415 §19.1.1: a relay next to the client sends hop-count 0, the
     * link-address of the client's link and the client's address. */
    struct dk_bmsg *m = dk_bmsg_new(ar, DK_MSG_RELAY_FORW);
    struct dk_bopt *o;
    if (!m)
        return DK_ENOMEM;
    memcpy(m->link, a->link_addr, 16);
    memcpy(m->peer, peer, 16);
    if (a->interface_id.set) { /* RFC 8415 §21.18 */
        if (!(o = dk_bmsg_add(ar, m, DK_OPT_INTERFACE_ID)))
            return DK_ENOMEM;
        dk_bopt_set_ref(o, 0, a->interface_id.b, a->interface_id.n);
    }
    if (a->has_remote_id) { /* RFC 4649 §3 */
        if (!(o = dk_bmsg_add(ar, m, DK_OPT_REMOTE_ID)))
            return DK_ENOMEM;
        dk_bopt_set_u(o, 0, a->remote_en);
        dk_bopt_set_ref(o, 1, a->remote_id.b, a->remote_id.n);
    }
    if (a->subscriber_id.set) { /* RFC 4580 §2 */
        if (!(o = dk_bmsg_add(ar, m, DK_OPT_SUBSCRIBER_ID)))
            return DK_ENOMEM;
        dk_bopt_set_ref(o, 0, a->subscriber_id.b, a->subscriber_id.n);
    }
    if (a->has_linklayer) { /* RFC 6939 §4 */
        if (!(o = dk_bmsg_add(ar, m, DK_OPT_CLIENT_LINKLAYER_ADDR)))
            return DK_ENOMEM;
        dk_bopt_set_u(o, 0, a->linklayer_type);
        dk_bopt_set_ref(o, 1, a->linklayer_addr.b, a->linklayer_addr.n);
    }
    if (!(o = dk_bmsg_add(ar, m, DK_OPT_RELAY_MSG))) /* §21.10 */
        return DK_ENOMEM;
    o->msg = inner;
    *out = m;
    return 0;
}

int probe_encode(struct dk_arena *ar, const struct dk_bmsg *m, uint8_t *buf, size_t cap,
                 size_t *len, struct dk_diag *diag)
{
    struct dk_msg *msg;
    struct dk_wbuf w;
    memset(diag, 0, sizeof(*diag));
    int err = dk_bmsg_finish(ar, m, &msg);
    if (!err)
        err = dk_msg_validate(msg, diag);
    if (err) {
        diag->err = err;
        return err;
    }
    dk_wbuf_init(&w, buf, cap);
    err = dk_msg_encode(&w, msg);
    if (!err)
        err = w.err;
    if (err) {
        diag->err = err;
        snprintf(diag->text, sizeof(diag->text), "%s", dk_strerror(err));
        return err;
    }
    *len = w.len;
    return 0;
}
