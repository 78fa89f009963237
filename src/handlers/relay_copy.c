/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * copy-remote-id, copy-subscriber-id, copy-linklayer-id: echo a relay's
 * Remote-ID (RFC 4649), Subscriber-ID (RFC 4580) or client link-layer
 * address (RFC 6939) back in its Relay-reply, for relays that want it
 * without asking through an Echo Request option (RFC 4994).
 */
#include "handlers.h"

static int copy(struct dk_bundle *b, uint16_t code)
{
    for (size_t i = b->direct ? 1 : 0; i < b->nrelays; i++) {
        if (dk_bmsg_find(b->relay_out[i], code))
            continue;
        const struct dk_opt *o = dk_msg_find(b->relay_in[i], code);
        if (!o)
            continue;
        struct dk_bopt *c = dk_bopt_from_opt(b->arena, o);
        if (!c)
            return DK_ENOMEM;
        dk_bmsg_append(b->relay_out[i], c);
    }
    return DK_CONTINUE;
}

static int remote_id_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    return copy(b, DK_OPT_REMOTE_ID);
}

static int subscriber_id_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    return copy(b, DK_OPT_SUBSCRIBER_ID);
}

static int linklayer_id_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    return copy(b, DK_OPT_CLIENT_LINKLAYER_ADDR);
}

DK__HANDLER(copy_remote_id, "copy-remote-id", .help = "echoes Remote-ID (RFC 4649)",
            .hooks[DK_STAGE_HANDLE] = remote_id_handle);
DK__HANDLER(copy_subscriber_id, "copy-subscriber-id", .help = "echoes Subscriber-ID (RFC 4580)",
            .hooks[DK_STAGE_HANDLE] = subscriber_id_handle);
DK__HANDLER(copy_linklayer_id, "copy-linklayer-id",
            .help = "echoes the client link-layer address (RFC 6939)",
            .hooks[DK_STAGE_HANDLE] = linklayer_id_handle);
