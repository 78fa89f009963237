/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a client sends, written straight into the datagram with the bounded
 * writer of libdhcpkit (no tree: this runs a hundred thousand times a
 * second), and what comes back, decoded and walked with libdhcpkit.
 */
#include <string.h>

#include <dhcpkit/message.h>
#include <dhcpkit/wire.h>

#include "bench.h"

#define IAID_NA 1u
#define IAID_PD 2u

static void client_msg(const struct bk_conf *c, const struct bk_req *r, struct dk_wbuf *w)
{
    uint8_t duid[BK_DUID_LEN];
    bk_duid(c, r->client, duid);
    dk_wbuf_u8(w, r->type);
    dk_wbuf_u24(w, r->xid & 0xffffffu);
    size_t s = dk_wbuf_opt_begin(w, DK_OPT_CLIENTID);
    dk_wbuf_put(w, duid, sizeof(duid));
    dk_wbuf_opt_end(w, s);
    if (r->server_id) {
        s = dk_wbuf_opt_begin(w, DK_OPT_SERVERID);
        dk_wbuf_put(w, r->server_id, r->server_id_len);
        dk_wbuf_opt_end(w, s);
    }
    /* RFC 8415 §18.2: every client message carries Elapsed Time. */
    s = dk_wbuf_opt_begin(w, DK_OPT_ELAPSED_TIME);
    dk_wbuf_u16(w, r->elapsed);
    dk_wbuf_opt_end(w, s);
    if (r->rapid_commit) {
        s = dk_wbuf_opt_begin(w, DK_OPT_RAPID_COMMIT);
        dk_wbuf_opt_end(w, s);
    }
    if (c->ia_na) {
        /* RFC 8415 §21.4: IAID, T1, T2 (0: the server decides), options. */
        s = dk_wbuf_opt_begin(w, DK_OPT_IA_NA);
        dk_wbuf_u32(w, IAID_NA);
        dk_wbuf_u32(w, 0);
        dk_wbuf_u32(w, 0);
        if (r->has_lease) {
            size_t a = dk_wbuf_opt_begin(w, DK_OPT_IAADDR);
            dk_wbuf_put(w, &r->addr, 16);
            dk_wbuf_u32(w, 0);
            dk_wbuf_u32(w, 0);
            dk_wbuf_opt_end(w, a);
        }
        dk_wbuf_opt_end(w, s);
    }
    if (c->ia_pd) {
        s = dk_wbuf_opt_begin(w, DK_OPT_IA_PD);
        dk_wbuf_u32(w, IAID_PD);
        dk_wbuf_u32(w, 0);
        dk_wbuf_u32(w, 0);
        if (r->has_lease) {
            /* RFC 8415 §21.22: preferred, valid, prefix-length, prefix. */
            size_t a = dk_wbuf_opt_begin(w, DK_OPT_IAPREFIX);
            dk_wbuf_u32(w, 0);
            dk_wbuf_u32(w, 0);
            dk_wbuf_u8(w, r->plen);
            dk_wbuf_put(w, &r->prefix, 16);
            dk_wbuf_opt_end(w, a);
        }
        dk_wbuf_opt_end(w, s);
    }
}

size_t bk_build(const struct bk_conf *c, const struct bk_req *r, uint8_t *out, size_t cap)
{
    struct dk_wbuf w;
    dk_wbuf_init(&w, out, cap);
    if (!c->relayed) {
        client_msg(c, r, &w);
        return w.err ? 0 : w.len;
    }
    /* RFC 8415 §9.1: Relay-forward, hop-count 0, link-address, and a
     * peer-address of the client's own (fe80::I), as a BNG relays. */
    dk_wbuf_u8(&w, DK_MSG_RELAY_FORW);
    dk_wbuf_u8(&w, 0);
    dk_wbuf_put(&w, &c->link, 16);
    uint8_t peer[16] = {0xfe, 0x80};
    peer[12] = (uint8_t)(r->client >> 24);
    peer[13] = (uint8_t)(r->client >> 16);
    peer[14] = (uint8_t)(r->client >> 8);
    peer[15] = (uint8_t)r->client;
    dk_wbuf_put(&w, peer, 16);
    size_t s;
    if (c->interface_id) {
        uint8_t ifid[BK_IFID_MAX];
        size_t n = bk_interface_id(r->client, ifid);
        s = dk_wbuf_opt_begin(&w, DK_OPT_INTERFACE_ID);
        dk_wbuf_put(&w, ifid, n);
        dk_wbuf_opt_end(&w, s);
    }
    /* RFC 4649 §3: enterprise number, then the remote-id octets. */
    uint8_t rid[BK_RID_LEN];
    bk_remote_id(c, r->client, rid);
    s = dk_wbuf_opt_begin(&w, DK_OPT_REMOTE_ID);
    dk_wbuf_u32(&w, c->remote_en);
    dk_wbuf_put(&w, rid, sizeof(rid));
    dk_wbuf_opt_end(&w, s);
    s = dk_wbuf_opt_begin(&w, DK_OPT_RELAY_MSG);
    client_msg(c, r, &w);
    dk_wbuf_opt_end(&w, s);
    return w.err ? 0 : w.len;
}

/* The IA of this code and IAID among opts, or NULL. */
static const struct dk_opt *find_ia(const struct dk_msg *m, unsigned code, uint32_t iaid)
{
    for (size_t k = 0; k < m->nopts; k++)
        if (m->opts[k].code == code && m->opts[k].v[0].u == iaid)
            return &m->opts[k];
    return NULL;
}

/* Walks an IA: its first lease with a non-zero valid lifetime, and the
 * first error status inside it. */
static void walk_ia(const struct dk_opt *ia, bool pd, struct bk_reply *out)
{
    for (size_t k = 0; k < ia->nopts; k++) {
        const struct dk_opt *o = &ia->opts[k];
        if (o->code == DK_OPT_STATUS_CODE && o->v[0].u != DK_STATUS_SUCCESS) {
            if (out->ia_status < 0)
                out->ia_status = (int)o->v[0].u;
        } else if (!pd && o->code == DK_OPT_IAADDR && o->v[0].n == 16 && o->v[2].u > 0 &&
                   !out->has_addr) {
            memcpy(&out->addr, o->v[0].p, 16);
            out->has_addr = true;
        } else if (pd && o->code == DK_OPT_IAPREFIX && o->v[2].n == 16 && o->v[1].u > 0 &&
                   !out->has_prefix) {
            memcpy(&out->prefix, o->v[2].p, 16);
            out->plen = (uint8_t)o->v[2].u;
            out->has_prefix = true;
        }
    }
}

int bk_parse(const struct bk_conf *c, const uint8_t *p, size_t len, struct dk_arena *arena,
             struct bk_reply *out)
{
    struct dk_msg *m;
    memset(out, 0, sizeof(*out));
    out->status = -1;
    out->ia_status = -1;
    dk_arena_reset(arena);
    if (dk_msg_decode(p, len, arena, &m, NULL))
        return BK_PARSE_MALFORMED;
    size_t nrelays;
    const struct dk_msg *in = dk_msg_inner(m, &nrelays);
    if (dk_msg_is_relay(in->type) || !dk_msg_is_client_server(in->type))
        return BK_PARSE_NOT_OURS;
    const struct dk_opt *cid = dk_msg_find(in, DK_OPT_CLIENTID);
    if (!cid)
        return BK_PARSE_NOT_OURS;
    int64_t i = bk_duid_index(c, cid->v[0].p, cid->v[0].n);
    if (i < 0)
        return BK_PARSE_NOT_OURS;
    out->type = in->type;
    out->xid = in->xid;
    out->client = (uint32_t)i;
    const struct dk_opt *o = dk_msg_find(in, DK_OPT_SERVERID);
    if (o) {
        out->server_id = o->v[0].p;
        out->server_id_len = o->v[0].n;
    }
    o = dk_msg_find(in, DK_OPT_STATUS_CODE);
    if (o)
        out->status = (int)o->v[0].u;
    out->rapid_commit = dk_msg_find(in, DK_OPT_RAPID_COMMIT) != NULL;
    o = find_ia(in, DK_OPT_IA_NA, IAID_NA);
    if (o)
        walk_ia(o, false, out);
    o = find_ia(in, DK_OPT_IA_PD, IAID_PD);
    if (o)
        walk_ia(o, true, out);
    return BK_PARSE_OK;
}

const char *bk_judge(const struct bk_conf *c, const struct bk_req *r, const struct bk_reply *a,
                     uint8_t want_type)
{
    if (a->type != want_type)
        return "an answer of the wrong message type";
    if ((a->xid & 0xffffffu) != (r->xid & 0xffffffu))
        return "an answer with another transaction id";
    if (a->status > 0)
        return "an error status";
    if (want_type != DK_MSG_ADVERTISE && want_type != DK_MSG_REPLY)
        return NULL; /* the null server echoes what we sent */
    if (!a->server_id)
        return "no Server Identifier";
    if (r->type == DK_MSG_RELEASE)
        return NULL; /* RFC 8415 §18.3.7: a Reply with a status, no leases */
    if (a->ia_status > 0)
        return "an IA with an error status";
    if (c->ia_na && !a->has_addr)
        return "no address in IA_NA";
    if (c->ia_pd && !a->has_prefix)
        return "no prefix in IA_PD";
    if (c->check_assignments) {
        struct in6_addr x;
        if (c->ia_na) {
            bk_address(c, a->client, &x);
            if (memcmp(&x, &a->addr, 16) != 0)
                return "an address other than the client's row";
        }
        if (c->ia_pd) {
            bk_prefix(c, a->client, &x);
            if (memcmp(&x, &a->prefix, 16) != 0 || a->plen != c->pd_len)
                return "a prefix other than the client's row";
        }
    }
    return NULL;
}
