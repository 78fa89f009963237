/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Policy handlers: server-unicast (RFC 8415 §21.12: clients may unicast to
 * us, so no UseMulticast for them) and ignore-request (answer nothing, to
 * every message or to the listed types).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* ---- server-unicast */

struct unicast {
    uint8_t addr[16];
};

static int unicast_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    const struct dk_config_value *v = dk_handler_get(a, "address");
    struct unicast *u = calloc(1, sizeof(*u));
    if (!u)
        return DK_ENOMEM;
    if (v)
        memcpy(u->addr, v->v.addr, 16);
    *state = u;
    return 0;
}

/* pre: this transaction may have come by unicast (reject-unicast runs after). */
static int unicast_pre(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    b->allow_unicast = true;
    return DK_CONTINUE;
}

/* handle: tell the client where it may unicast to (first section wins). */
static int unicast_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct unicast *u = h->state;
    if (!dk__reply_carries_config(b) || dk_bmsg_find(b->response, DK_OPT_UNICAST))
        return DK_CONTINUE;
    struct dk_bopt *o = dk_bundle_add(b, DK_OPT_UNICAST, 0);
    if (!o)
        return DK_ENOMEM;
    dk_bopt_set_ref(o, 0, u->addr, 16);
    return DK_CONTINUE;
}

DK__HANDLER(server_unicast, "server-unicast", .help = "Server Unicast (RFC 8415 §21.12)",
            .create = unicast_create, .destroy = free, .hooks[DK_STAGE_PRE] = unicast_pre,
            .hooks[DK_STAGE_HANDLE] = unicast_handle);

/* ---- ignore-request */

/* The message type names of the schema's message-type key (RFC 8415 §7.3,
 * RFC 5007, RFC 6977, RFC 7341). */
static const struct {
    const char *name;
    unsigned type;
} types[] = {
    {"solicit", 1},
    {"advertise", 2},
    {"request", 3},
    {"confirm", 4},
    {"renew", 5},
    {"rebind", 6},
    {"reply", 7},
    {"release", 8},
    {"decline", 9},
    {"reconfigure", 10},
    {"information-request", 11},
    {"relay-forward", 12},
    {"relay-reply", 13},
    {"leasequery", 14},
    {"leasequery-reply", 15},
    {"leasequery-done", 16},
    {"leasequery-data", 17},
    {"reconfigure-request", 18},
    {"reconfigure-reply", 19},
    {"dhcpv4-query", 20},
    {"dhcpv4-response", 21},
};

struct ignore {
    uint32_t mask; /* 1 << message type; all ones: every message */
};

static int ignore_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    struct ignore *ig = calloc(1, sizeof(*ig));
    if (!ig)
        return DK_ENOMEM;
    size_t n = dk_handler_count(a, "message-type");
    ig->mask = n ? 0 : UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        const char *name = dk_handler_nth(a, "message-type", i)->v.s;
        size_t k = 0;
        while (k < sizeof(types) / sizeof(types[0]) && strcmp(types[k].name, name) != 0)
            k++;
        if (k == sizeof(types) / sizeof(types[0])) {
            snprintf(err, errlen, "unknown message type '%s'", name);
            free(ig);
            return DK_EINVAL;
        }
        ig->mask |= 1u << types[k].type;
    }
    *state = ig;
    return 0;
}

static int ignore_pre(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct ignore *ig = h->state;
    return (ig->mask & (1u << b->request->type)) ? DK_DROP_IGNORE : DK_CONTINUE;
}

DK__HANDLER(ignore_request, "ignore-request", .help = "answers nothing", .create = ignore_create,
            .destroy = free, .hooks[DK_STAGE_PRE] = ignore_pre);
