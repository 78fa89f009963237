/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Encoding from typed fields. A decoded tree re-encodes byte for byte, and
 * a tree built by a handler encodes the same way.
 */
#include <string.h>

#include <dhcpkit/message.h>

/* Trees handed to the encoder are bounded like decoded ones. */
#define DK_MAX_ENCODE_DEPTH DK_MAX_NESTING

static int encode_msg(struct dk_wbuf *w, const struct dk_msg *m, unsigned depth);

static int encode_opt(struct dk_wbuf *w, const struct dk_opt *o, unsigned depth)
{
    if (depth > DK_MAX_ENCODE_DEPTH)
        return w->err = DK_EDEPTH;
    size_t slot = dk_wbuf_opt_begin(w, o->code);
    if (!o->def) {
        dk_wbuf_put(w, o->v[0].p, o->v[0].n);
        return dk_wbuf_opt_end(w, slot);
    }
    for (size_t i = 0; i < o->def->nfields; i++) {
        const struct dk_field_def *f = &o->def->f[i];
        const struct dk_val *v = &o->v[i];
        switch (f->kind) {
        case DK_F_U8:
            dk_wbuf_u8(w, (uint8_t)v->u);
            break;
        case DK_F_U16:
        case DK_F_PSID:
            dk_wbuf_u16(w, (uint16_t)v->u);
            break;
        case DK_F_U32:
            dk_wbuf_u32(w, v->u);
            break;
        case DK_F_PREFIX4:
        case DK_F_PREFIX6:
        case DK_F_VPREFIX6:
            dk_wbuf_u8(w, (uint8_t)v->u);
            dk_wbuf_put(w, v->p, v->n);
            break;
        case DK_F_OPTIONS:
        case DK_F_SUBOPTS:
            for (size_t k = 0; k < o->nopts; k++)
                encode_opt(w, &o->opts[k], depth + 1);
            break;
        case DK_F_MESSAGE:
            if (!o->msg)
                return w->err = DK_EINVAL;
            encode_msg(w, o->msg, depth + 1);
            break;
        default: /* octets as they are: addresses, lists, names, DUIDs */
            dk_wbuf_put(w, v->p, v->n);
            break;
        }
    }
    return dk_wbuf_opt_end(w, slot);
}

static int encode_msg(struct dk_wbuf *w, const struct dk_msg *m, unsigned depth)
{
    if (depth > DK_MAX_ENCODE_DEPTH)
        return w->err = DK_EDEPTH;
    dk_wbuf_u8(w, m->type);
    if (dk_msg_is_relay(m->type)) {
        dk_wbuf_u8(w, m->hop_count);
        dk_wbuf_put(w, m->link, 16);
        dk_wbuf_put(w, m->peer, 16);
    } else if (dk_msg_is_client_server(m->type)) {
        dk_wbuf_u24(w, m->xid);
    } else {
        return dk_wbuf_put(w, m->raw, m->nraw);
    }
    for (size_t i = 0; i < m->nopts; i++)
        encode_opt(w, &m->opts[i], depth + 1);
    return w->err;
}

int dk_msg_encode(struct dk_wbuf *w, const struct dk_msg *m)
{
    return encode_msg(w, m, 0);
}

int dk_opt_encode(struct dk_wbuf *w, const struct dk_opt *o)
{
    return encode_opt(w, o, 0);
}
