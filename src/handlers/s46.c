/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * MAP-E and MAP-T (RFC 7597, RFC 7599), configured by DHCPv6 (RFC 7598):
 * <map-e> sends an S46_CONT_MAPE container (94) with one S46_RULE (89) per
 * <map-rule> and one S46_BR (90) per br-address; <map-t> sends an
 * S46_CONT_MAPT container (95) with the rules and one S46_DMR (91).
 *
 * Each rule is worked out once, at create(), from the values dhcpkit 1.x
 * takes (RFC 7597 §5.1, §5.2):
 *
 *     k (PSID length)     = log2(sharing-ratio)
 *     m (contiguous bits) = log2(contiguous-ports)
 *     a (PSID offset)     = 16 - k - m
 *     EA-bits length      = (32 - IPv4 prefix length) + k
 *     flags               = F (0x01) when forwarding-mapping
 *
 * and carries S46_PORTPARAMS (93) with offset a when addresses are shared
 * (k > 0). Its PSID-len and PSID are 0: the PSID of a MAP CE is the last k
 * of the EA-bits of its delegated prefix, which the CE derives (RFC 7597
 * §5.2, k = EA-len - (32 - IPv4 prefix length)); a PSID-len of k with a
 * PSID of 0 would give every CE port set 0 (RFC 7598 §4.5: PSID-len 0 means
 * the PSID field is ignored). The config checks (src/config/schema.c) make
 * sure k + m <= 16 and that the End-user prefix fits in a /64.
 *
 * The containers go only in the answers that carry configuration and only
 * when the client's Option Request option asks for them (RFC 7598 §3, the
 * containers are requested by code), unless always-send. The first section
 * that applies wins, as for every single-valued option.
 *
 * The state is made from the section at create() and is immutable: the
 * replies borrow its octets, which live as long as the pipeline.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* RFC 7598 §4.1: the F flag is the least significant bit of flags. */
#define S46_FLAG_F 0x01u

struct s46_rule {
    uint8_t flags;
    uint8_t ea_len;
    uint8_t v4_len;
    uint8_t v4[4];
    uint8_t v6_len;
    uint8_t v6[16];
    bool has_ports; /* an S46_PORTPARAMS goes with it */
    uint8_t offset; /* a */
};

struct s46 {
    uint16_t code; /* DK_OPT_S46_CONT_MAPE or _MAPT */
    bool always;
    struct s46_rule *rules;
    size_t nrules;
    uint8_t (*brs)[16]; /* MAP-E */
    size_t nbrs;
    uint8_t dmr_len; /* MAP-T */
    uint8_t dmr[16];
};

static void s46_destroy(void *state)
{
    struct s46 *s = state;
    if (s) {
        free(s->rules);
        free(s->brs);
    }
    free(s);
}

static unsigned log2_of(uint64_t pow2)
{
    unsigned b = 0;
    while (pow2 > 1) {
        pow2 >>= 1;
        b++;
    }
    return b;
}

/* One <map-rule>, already checked by the schema. */
static int rule_from(const struct dk_config_section *sec, struct s46_rule *r, char *err,
                     size_t errlen)
{
    const struct dk_config_value *v6 = dk_config_get(sec, "ipv6-prefix");
    const struct dk_config_value *v4 = dk_config_get(sec, "ipv4-prefix");
    const struct dk_config_value *ports = dk_config_get(sec, "contiguous-ports");
    const struct dk_config_value *ratio = dk_config_get(sec, "sharing-ratio");
    const struct dk_config_value *fmr = dk_config_get(sec, "forwarding-mapping");
    if (!v6 || !v4 || !ports || !ratio) {
        snprintf(err, errlen, "<map-rule> at line %u is incomplete", sec->line);
        return DK_EINVAL;
    }
    unsigned k = log2_of(ratio->v.u), m = log2_of(ports->v.u);
    unsigned ea = 32u - v4->v.prefix.len + k;
    /* RFC 7598 §4.1: ea-len 0..48; RFC 7597 §5.1: a + k + m = 16. */
    if (k + m > 16 || ea > 48 || v6->v.prefix.len + ea > 64) {
        snprintf(err, errlen, "<map-rule> at line %u does not fit (checked by the schema)",
                 sec->line);
        return DK_EINVAL;
    }
    memset(r, 0, sizeof(*r));
    r->flags = (fmr && fmr->v.b) ? S46_FLAG_F : 0;
    r->ea_len = (uint8_t)ea;
    r->v4_len = v4->v.prefix.len;
    memcpy(r->v4, v4->v.prefix.addr, 4);
    r->v6_len = v6->v.prefix.len;
    memcpy(r->v6, v6->v.prefix.addr, 16);
    r->has_ports = k > 0;
    r->offset = (uint8_t)(16 - k - m); /* k > 0: at most 15 (RFC 7598 §4.5) */
    return 0;
}

static int s46_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen,
                      uint16_t code)
{
    const struct dk_config_section *sec = a->section;
    if (!sec) {
        snprintf(err, errlen, "needs its configuration section");
        return DK_EINVAL;
    }
    struct s46 *s = calloc(1, sizeof(*s));
    if (!s)
        return DK_ENOMEM;
    s->code = code;
    const struct dk_config_value *always = dk_handler_get(a, "always-send");
    s->always = always && always->v.b;
    size_t n = 0;
    for (size_t i = 0; i < sec->nchildren; i++)
        n += strcmp(sec->children[i]->type, "map-rule") == 0;
    s->rules = calloc(n ? n : 1, sizeof(*s->rules));
    if (!s->rules)
        goto nomem;
    for (size_t i = 0; i < sec->nchildren; i++) {
        if (strcmp(sec->children[i]->type, "map-rule") != 0)
            continue;
        int rc = rule_from(sec->children[i], &s->rules[s->nrules], err, errlen);
        if (rc) {
            s46_destroy(s);
            return rc;
        }
        s->nrules++;
    }
    if (code == DK_OPT_S46_CONT_MAPE) {
        s->nbrs = dk_handler_count(a, "br-address");
        s->brs = calloc(s->nbrs ? s->nbrs : 1, sizeof(*s->brs));
        if (!s->brs)
            goto nomem;
        for (size_t i = 0; i < s->nbrs; i++)
            memcpy(s->brs[i], dk_handler_nth(a, "br-address", i)->v.addr, 16);
    } else {
        const struct dk_config_value *d = dk_handler_get(a, "default-mapping");
        if (!d)
            d = dk_handler_get(a, "dmr-prefix");
        if (!d) {
            snprintf(err, errlen, "needs default-mapping");
            s46_destroy(s);
            return DK_EINVAL;
        }
        s->dmr_len = d->v.prefix.len;
        memcpy(s->dmr, d->v.prefix.addr, 16);
    }
    /* RFC 7598 §5.1, §5.2: at least one rule, and for MAP-E one BR. */
    if (s->nrules == 0 || (code == DK_OPT_S46_CONT_MAPE && s->nbrs == 0)) {
        snprintf(err, errlen, "needs a <map-rule>%s",
                 code == DK_OPT_S46_CONT_MAPE ? " and a br-address" : "");
        s46_destroy(s);
        return DK_EINVAL;
    }
    *state = s;
    return 0;
nomem:
    s46_destroy(s);
    return DK_ENOMEM;
}

static int s46_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct s46 *s = h->state;
    if (!dk__reply_carries_config(b) || (!s->always && !dk_bundle_requested(b, s->code)))
        return DK_CONTINUE;
    if (dk_bmsg_find(b->response, s->code))
        return DK_CONTINUE; /* an inner section's container wins */
    struct dk_bopt *c = dk_bundle_add(b, s->code, s->always ? DK_BOPT_ALWAYS : 0);
    if (!c)
        return DK_ENOMEM;
    for (size_t i = 0; i < s->nrules; i++) {
        const struct s46_rule *r = &s->rules[i];
        struct dk_bopt *o = dk_bopt_add(b->arena, c, DK_OPT_S46_RULE);
        if (!o)
            return DK_ENOMEM;
        /* RFC 7598 §4.1: flags, ea-len, prefix4-len + ipv4-prefix, and
         * prefix6-len + the ceil(prefix6-len / 8) octets of ipv6-prefix. */
        dk_bopt_set_u(o, 0, r->flags);
        dk_bopt_set_u(o, 1, r->ea_len);
        dk_bopt_set_ref(o, 2, r->v4, 4);
        dk_bopt_set_u(o, 2, r->v4_len);
        dk_bopt_set_ref(o, 3, r->v6, (r->v6_len + 7u) / 8u);
        dk_bopt_set_u(o, 3, r->v6_len);
        if (r->has_ports) {
            /* RFC 7598 §4.5: offset, PSID-len, PSID. */
            struct dk_bopt *pp = dk_bopt_add(b->arena, o, DK_OPT_S46_PORTPARAMS);
            if (!pp)
                return DK_ENOMEM;
            dk_bopt_set_u(pp, 0, r->offset);
            dk_bopt_set_u(pp, 1, 0);
            dk_bopt_set_u(pp, 2, 0);
        }
    }
    for (size_t i = 0; i < s->nbrs; i++) {
        struct dk_bopt *o = dk_bopt_add(b->arena, c, DK_OPT_S46_BR);
        if (!o)
            return DK_ENOMEM;
        dk_bopt_set_ref(o, 0, s->brs[i], 16);
    }
    if (s->code == DK_OPT_S46_CONT_MAPT) {
        /* RFC 7598 §4.3: dmr-prefix6-len, then the octets it needs. */
        struct dk_bopt *o = dk_bopt_add(b->arena, c, DK_OPT_S46_DMR);
        if (!o)
            return DK_ENOMEM;
        dk_bopt_set_ref(o, 0, s->dmr, (s->dmr_len + 7u) / 8u);
        dk_bopt_set_u(o, 0, s->dmr_len);
    }
    return DK_CONTINUE;
}

static int map_e_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    return s46_create(a, state, err, errlen, DK_OPT_S46_CONT_MAPE);
}

static int map_t_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    return s46_create(a, state, err, errlen, DK_OPT_S46_CONT_MAPT);
}

DK__HANDLER(map_e, "map-e", .help = "MAP-E rules and BRs (RFC 7598 option 94)",
            .create = map_e_create, .destroy = s46_destroy, .hooks[DK_STAGE_HANDLE] = s46_handle);
DK__HANDLER(map_t, "map-t", .help = "MAP-T rules and DMR (RFC 7598 option 95)",
            .create = map_t_create, .destroy = s46_destroy, .hooks[DK_STAGE_HANDLE] = s46_handle);
