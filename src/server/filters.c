/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Filters: <subnet>, <subnet-group>, <marked-with>, <elapsed-time>. A filter
 * decides once per transaction, before any hook runs, whether the handlers
 * inside it take part; handlers of inner filters run before those of outer
 * ones, which run before the top level's (dhcpkit's MessageHandler order).
 */
#include <stdlib.h>
#include <string.h>

#include "framework.h"

bool dk__prefix_contains(const struct dk__prefix *p, const uint8_t addr[16])
{
    size_t full = p->len / 8, rest = p->len % 8;
    if (memcmp(p->addr, addr, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (p->addr[full] & mask) == (addr[full] & mask);
}

bool dk__filter_match(const struct dk__filter *f, const struct dk_bundle *b)
{
    switch (f->kind) {
    case DK__F_ROOT:
        return true;
    case DK__F_SUBNET:
    case DK__F_SUBNET_GROUP:
        for (size_t i = 0; i < f->nprefixes; i++)
            if (dk__prefix_contains(&f->prefixes[i], b->link_address))
                return true;
        return false;
    case DK__F_MARKED:
        return dk_bundle_has_mark(b, f->mark);
    case DK__F_ELAPSED: {
        /* RFC 8415 §21.9: hundredths of a second; no option, no match. */
        const struct dk_opt *et = dk_msg_find(b->request, DK_OPT_ELAPSED_TIME);
        if (!et)
            return false;
        uint64_t cs = et->v[0].u;
        if (f->has_more && !(cs > f->more_cs))
            return false;
        if (f->has_less && !(cs < f->less_cs))
            return false;
        return true;
    }
    }
    return false;
}

size_t dk__filter_collect(const struct dk__filter *f, const struct dk_bundle *b,
                          struct dk__hinst **out, size_t n, size_t cap)
{
    if (!dk__filter_match(f, b))
        return n;
    /* Nesting is bounded by DK_CONFIG_MAX_DEPTH, so recursion is too. */
    for (size_t i = 0; i < f->nkids; i++)
        n = dk__filter_collect(f->kids[i], b, out, n, cap);
    for (size_t i = 0; i < f->nhandlers && n < cap; i++)
        out[n++] = f->handlers[i];
    return n;
}

void dk__filter_free(struct dk__filter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nkids; i++) {
        dk__filter_free(f->kids[i]);
        free(f->kids[i]);
    }
    free(f->kids);
    free(f->handlers);
    free(f->prefixes);
    free(f->mark);
    f->mark = NULL;
    f->kids = NULL;
    f->handlers = NULL;
    f->prefixes = NULL;
    f->nkids = f->nhandlers = f->nprefixes = 0;
}
