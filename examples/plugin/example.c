/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An out-of-tree handler plug-in for ipv6-dhcpd: it adds a Vendor-specific
 * Information option (RFC 8415 §21.17) with one sub-option holding a
 * configured "level" to every Advertise and Reply that carries
 * configuration, when the client asks for option 17 (or always-send).
 *
 *     <plugin /usr/lib/dhcpkit/example.so>
 *         level 42                  # required, 1 to 1000
 *         enterprise-number 40208   # default 40208
 *         always-send no            # default no
 *     </plugin>
 *
 * Build it with the Makefile next to this file (pkg-config libdhcpkit).
 */
#include <stdlib.h>

#include <dhcpkit/handler.h>

/* The keys of <plugin>, range-checked by the server before create() runs. */
static const struct dk_config_key_def items[] = {
    {
        .name = "level",
        .type = {.vtype = DK_CFG_UINT, .min = 1, .max = 1000},
        .flags = DK_CFG_REQUIRED,
        .help = "the level to announce, 1 to 1000",
    },
    {
        .name = "enterprise-number",
        .type = {.vtype = DK_CFG_UINT, .min = 1, .max = 0xffffffffu},
        .def_nested = "40208",
        .help = "IANA private enterprise number of the option",
    },
    {
        .name = "always-send",
        .type = {.vtype = DK_CFG_BOOL},
        .def_nested = "no",
        .help = "send even when the client did not ask for option 17",
    },
};

struct example {
    uint32_t enterprise;
    bool always;
    uint8_t level[4]; /* the sub-option's data, network byte order */
};

static int example_create(const struct dk_handler_args *a, void **state, char *err, size_t len)
{
    (void)err;
    (void)len;
    struct example *e = calloc(1, sizeof(*e));
    if (!e)
        return DK_ENOMEM;
    uint32_t level = (uint32_t)dk_handler_get(a, "level")->v.u;
    e->enterprise = (uint32_t)dk_handler_get(a, "enterprise-number")->v.u;
    e->always = dk_handler_get(a, "always-send")->v.b;
    e->level[0] = (uint8_t)(level >> 24);
    e->level[1] = (uint8_t)(level >> 16);
    e->level[2] = (uint8_t)(level >> 8);
    e->level[3] = (uint8_t)level;
    *state = e;
    return 0;
}

static int example_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct example *e = h->state;
    /* Only answers that carry configuration: not Confirm, Release, Decline. */
    if (!b->response || b->request->type == DK_MSG_CONFIRM || b->request->type == DK_MSG_RELEASE ||
        b->request->type == DK_MSG_DECLINE)
        return DK_CONTINUE;
    if (!e->always && !dk_bundle_requested(b, DK_OPT_VENDOR_OPTS))
        return DK_CONTINUE;
    struct dk_bopt *o = dk_bundle_add(b, DK_OPT_VENDOR_OPTS, e->always ? DK_BOPT_ALWAYS : 0);
    struct dk_bopt *sub = o ? dk_bopt_add(b->arena, o, 1) : NULL;
    if (!sub)
        return DK_ENOMEM;
    dk_bopt_set_u(o, 0, e->enterprise);
    dk_bopt_set_ref(sub, 0, e->level, sizeof(e->level)); /* lives as long as the state */
    return DK_CONTINUE;
}

const struct dk_handler_api dk_handler_api = {
    .abi = DK_HANDLER_ABI,
    .size = sizeof(struct dk_handler_api),
    .name = "example",
    .help = "adds a vendor option with a configured level",
    .items = items,
    .nitems = sizeof(items) / sizeof(items[0]),
    .create = example_create,
    .destroy = free,
    .hooks[DK_STAGE_HANDLE] = example_handle,
};
