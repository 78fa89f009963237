/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * iana-timing-limits and iapd-timing-limits: T1 and T2 of the IA_NA and
 * IA_PD options of the reply (RFC 8415 §21.4, §21.21), as dhcpkit's
 * TimingLimitsHandler set them: a T1 or T2 left 0 by the handler that
 * assigned becomes factor x the shortest preferred lifetime in the IA (an
 * infinite lifetime gives INFINITY), then each is clamped to [min, max],
 * T2 to at most the shortest preferred lifetime and T1 to at most T2. An IA
 * without addresses or prefixes is left alone.
 *
 * Runs in post, after every handler that assigns; the first (innermost)
 * section that applies wins.
 */
#include <stdlib.h>

#include "handlers.h"

struct timing {
    uint16_t ia, sub; /* IA_NA/IAADDR or IA_PD/IAPREFIX */
    unsigned done;    /* DK_DONE_* */
    uint64_t min_t1, max_t1, min_t2, max_t2;
    double factor_t1, factor_t2; /* < 0: NONE */
};

static uint64_t get_u(const struct dk_handler_args *a, const char *key, uint64_t def)
{
    const struct dk_config_value *v = dk_handler_get(a, key);
    return v ? v->v.u : def;
}

static double get_factor(const struct dk_handler_args *a, const char *key, double def)
{
    const struct dk_config_value *v = dk_handler_get(a, key);
    if (!v)
        return def;
    return v->word ? -1.0 : v->v.d;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static int timing_create(const struct dk_handler_args *a, void **state, uint16_t ia, uint16_t sub,
                         unsigned done)
{
    struct timing *t = calloc(1, sizeof(*t));
    if (!t)
        return DK_ENOMEM;
    t->ia = ia;
    t->sub = sub;
    t->done = done;
    /* As dhcpkit: max-t1 no more than max-t2, min-t2 no less than min-t1. */
    t->min_t1 = get_u(a, "min-t1", 0);
    t->max_t2 = get_u(a, "max-t2", DK_INFINITY);
    t->max_t1 = min64(get_u(a, "max-t1", DK_INFINITY), t->max_t2);
    t->min_t2 = max64(t->min_t1, get_u(a, "min-t2", 0));
    t->factor_t1 = get_factor(a, "factor-t1", 0.5);
    t->factor_t2 = get_factor(a, "factor-t2", 0.8);
    *state = t;
    return 0;
}

static uint64_t from_factor(double f, uint64_t shortest)
{
    if (shortest == DK_INFINITY)
        return DK_INFINITY;
    return (uint64_t)(f * (double)shortest);
}

static int timing_post(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct timing *t = h->state;
    if (!b->response || (b->done & t->done))
        return DK_CONTINUE;
    b->done |= t->done;
    for (struct dk_bopt *ia = dk_bmsg_find(b->response, t->ia); ia; ia = dk_bopt_next_same(ia)) {
        uint64_t shortest = UINT64_MAX;
        for (const struct dk_bopt *k = ia->kids; k; k = k->next) {
            if (k->o.code != t->sub)
                continue;
            /* IAADDR: address, preferred, valid; IAPREFIX: preferred first. */
            uint32_t pref = t->sub == DK_OPT_IAADDR ? k->o.v[1].u : k->o.v[0].u;
            shortest = min64(shortest, pref);
        }
        if (shortest == UINT64_MAX)
            continue;
        uint64_t t1 = ia->o.v[1].u, t2 = ia->o.v[2].u;
        if (t1 == 0 && t->factor_t1 >= 0)
            t1 = from_factor(t->factor_t1, shortest);
        if (t2 == 0 && t->factor_t2 >= 0)
            t2 = from_factor(t->factor_t2, shortest);
        t2 = min64(min64(max64(t->min_t2, t2), t->max_t2), shortest);
        t1 = min64(min64(max64(t->min_t1, t1), t->max_t1), t2);
        dk_bopt_set_u(ia, 1, (uint32_t)t1);
        dk_bopt_set_u(ia, 2, (uint32_t)t2);
    }
    return DK_CONTINUE;
}

static int iana_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return timing_create(a, state, DK_OPT_IA_NA, DK_OPT_IAADDR, DK_DONE_IANA_TIMING);
}

static int iapd_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return timing_create(a, state, DK_OPT_IA_PD, DK_OPT_IAPREFIX, DK_DONE_IAPD_TIMING);
}

DK__HANDLER(iana_timing_limits, "iana-timing-limits", .help = "T1/T2 of IA_NA",
            .create = iana_create, .destroy = free, .hooks[DK_STAGE_POST] = timing_post);
DK__HANDLER(iapd_timing_limits, "iapd-timing-limits", .help = "T1/T2 of IA_PD",
            .create = iapd_create, .destroy = free, .hooks[DK_STAGE_POST] = timing_post);
