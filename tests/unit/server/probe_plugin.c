/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A handler plug-in for the tests: it assigns a configured address or
 * prefix (so that the always-on and timing handlers have something to work
 * on), confirms, and returns a configured result at a configured stage. It
 * also checks the framework's promises: a per-transaction slot that starts
 * NULL, a per-worker state from worker_init.
 */
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/handler.h>

static const char *const results[] = {
    "continue",     "fail",   "ignore",   "not-allowed", "rate-limited",
    "other-server", "status", "negative", "bogus",       NULL};
static const char *const stages[] = {"analyse-pre", "pre", "handle", "post", "analyse-post", NULL};

static const struct dk_config_key_def items[] = {
    {.name = "assign-address", .type = {.vtype = DK_CFG_IPV6, .check = DK_CFG_CHK_UNICAST}},
    {.name = "assign-prefix", .type = {.vtype = DK_CFG_PREFIX}},
    {.name = "preferred",
     .type = {.vtype = DK_CFG_TIME, .min = 0, .max = 0xffffffffu},
     .def_nested = "3600"},
    {.name = "valid",
     .type = {.vtype = DK_CFG_TIME, .min = 0, .max = 0xffffffffu},
     .def_nested = "7200"},
    {.name = "t1", .type = {.vtype = DK_CFG_UINT, .min = 0, .max = 0xffffffffu}, .def_nested = "0"},
    {.name = "t2", .type = {.vtype = DK_CFG_UINT, .min = 0, .max = 0xffffffffu}, .def_nested = "0"},
    {.name = "confirm", .type = {.vtype = DK_CFG_BOOL}, .def_nested = "no"},
    {.name = "result", .type = {.vtype = DK_CFG_ENUM, .enums = results}, .def_nested = "continue"},
    {.name = "stage", .type = {.vtype = DK_CFG_ENUM, .enums = stages}, .def_nested = "pre"},
    {.name = "mark", .type = {.vtype = DK_CFG_STRING, .max = 16}, .flags = DK_CFG_MULTI},
    /* Adds an SNTP servers option without looking at the ORO. */
    {.name = "add-sntp", .type = {.vtype = DK_CFG_IPV6}},
    /* Adds an Elapsed Time option to the response, which no reply may hold. */
    {.name = "add-invalid", .type = {.vtype = DK_CFG_BOOL}, .def_nested = "no"},
};

struct probe {
    bool has_addr, has_prefix, confirm, has_sntp, add_invalid;
    uint8_t sntp[16];
    uint8_t addr[16];
    uint8_t prefix[16];
    uint8_t plen;
    uint32_t pref, valid, t1, t2;
    int result;
    int stage;
    int worker_inits; /* only touched at worker_init, under the pipeline's lock */
};

static int index_of(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return 0;
}

static int probe_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct probe *p = calloc(1, sizeof(*p));
    if (!p)
        return DK_ENOMEM;
    const struct dk_config_value *v;
    if ((v = dk_handler_get(a, "assign-address"))) {
        p->has_addr = true;
        memcpy(p->addr, v->v.addr, 16);
    }
    if ((v = dk_handler_get(a, "assign-prefix"))) {
        p->has_prefix = true;
        memcpy(p->prefix, v->v.prefix.addr, 16);
        p->plen = v->v.prefix.len;
    }
    if ((v = dk_handler_get(a, "add-sntp"))) {
        p->has_sntp = true;
        memcpy(p->sntp, v->v.addr, 16);
    }
    p->pref = (uint32_t)dk_handler_get(a, "preferred")->v.u;
    p->valid = (uint32_t)dk_handler_get(a, "valid")->v.u;
    p->t1 = (uint32_t)dk_handler_get(a, "t1")->v.u;
    p->t2 = (uint32_t)dk_handler_get(a, "t2")->v.u;
    p->confirm = dk_handler_get(a, "confirm")->v.b;
    p->add_invalid = dk_handler_get(a, "add-invalid")->v.b;
    p->result = index_of(results, dk_handler_get(a, "result")->v.s);
    p->stage = index_of(stages, dk_handler_get(a, "stage")->v.s);
    *state = p;
    return 0;
}

static int worker_init(void *state, void **wstate)
{
    struct probe *p = state;
    p->worker_inits++;
    int *w = malloc(sizeof(*w));
    if (!w)
        return DK_ENOMEM;
    *w = 0x5eed;
    *wstate = w;
    return 0;
}

static void worker_done(void *state, void *wstate)
{
    (void)state;
    free(wstate);
}

static int outcome(struct dk_bundle *b, const struct probe *p, int stage)
{
    if (stage != p->stage)
        return DK_CONTINUE;
    switch (p->result) {
    case 1:
        return DK_FAIL;
    case 2:
        return DK_DROP_IGNORE;
    case 3:
        return DK_DROP_NOT_ALLOWED;
    case 4:
        return DK_DROP_RATE_LIMITED;
    case 5:
        return DK_DROP_OTHER_SERVER;
    case 6:
        return dk_bundle_reply_status(b, DK_STATUS_UNSPEC_FAIL, "probe says no");
    case 7:
        return DK_ENOMEM;
    case 8:
        return 77;
    default:
        return DK_CONTINUE;
    }
}

/* The framework's promises, checked at every stage. */
static int check(const struct dk_hctx *h, int stage)
{
    static const int marker = 1;
    if (!h->wstate || *(const int *)h->wstate != 0x5eed)
        return DK_FAIL;
    if (stage == DK_STAGE_ANALYSE_PRE) {
        if (*h->tdata) { /* a slot must start empty: poison it, pre fails */
            *h->tdata = (void *)(uintptr_t)&stages;
            return DK_FAIL;
        }
        *h->tdata = (void *)(uintptr_t)&marker;
    } else if (*h->tdata != (const void *)&marker) {
        return DK_FAIL;
    }
    return DK_CONTINUE;
}

static int probe_analyse_pre(struct dk_bundle *b, const struct dk_hctx *h)
{
    int rc = check(h, DK_STAGE_ANALYSE_PRE);
    return rc ? rc : outcome(b, h->state, DK_STAGE_ANALYSE_PRE);
}

static int probe_pre(struct dk_bundle *b, const struct dk_hctx *h)
{
    int rc = check(h, DK_STAGE_PRE);
    return rc ? rc : outcome(b, h->state, DK_STAGE_PRE);
}

static int probe_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct probe *p = h->state;
    int rc = check(h, DK_STAGE_HANDLE);
    if (rc)
        return rc;
    for (size_t i = 0; i < b->nias; i++) {
        const struct dk_opt *ia = b->ias[i].opt;
        if (b->ias[i].handled)
            continue;
        if (b->request->type == DK_MSG_CONFIRM) {
            if (p->confirm)
                dk_bundle_set_handled(b, ia);
            continue;
        }
        if (ia->code == DK_OPT_IA_NA && p->has_addr) {
            struct dk_bopt *r = dk_bundle_response_ia(b, ia);
            struct dk_bopt *a = r ? dk_bopt_add(b->arena, r, DK_OPT_IAADDR) : NULL;
            if (!a)
                return DK_ENOMEM;
            dk_bopt_set_u(r, 1, p->t1);
            dk_bopt_set_u(r, 2, p->t2);
            dk_bopt_set_ref(a, 0, p->addr, 16);
            dk_bopt_set_u(a, 1, p->pref);
            dk_bopt_set_u(a, 2, p->valid);
            dk_bundle_set_handled(b, ia);
        } else if (ia->code == DK_OPT_IA_PD && p->has_prefix) {
            struct dk_bopt *r = dk_bundle_response_ia(b, ia);
            struct dk_bopt *a = r ? dk_bopt_add(b->arena, r, DK_OPT_IAPREFIX) : NULL;
            if (!a)
                return DK_ENOMEM;
            dk_bopt_set_u(r, 1, p->t1);
            dk_bopt_set_u(r, 2, p->t2);
            dk_bopt_set_u(a, 0, p->pref);
            dk_bopt_set_u(a, 1, p->valid);
            dk_bopt_set_ref(a, 2, p->prefix, 16);
            a->o.v[2].u = p->plen;
            dk_bundle_set_handled(b, ia);
        }
    }
    if (p->has_sntp && b->response) {
        struct dk_bopt *o = dk_bundle_add(b, DK_OPT_SNTP_SERVERS, 0);
        if (!o)
            return DK_ENOMEM;
        dk_bopt_set_ref(o, 0, p->sntp, 16);
    }
    if (p->add_invalid && !dk_bundle_add(b, DK_OPT_ELAPSED_TIME, DK_BOPT_ALWAYS))
        return DK_ENOMEM;
    return outcome(b, p, DK_STAGE_HANDLE);
}

static int probe_post(struct dk_bundle *b, const struct dk_hctx *h)
{
    int rc = check(h, DK_STAGE_POST);
    return rc ? rc : outcome(b, h->state, DK_STAGE_POST);
}

static int probe_analyse_post(struct dk_bundle *b, const struct dk_hctx *h)
{
    /* analyse-post runs whatever happened before, so the slot may be empty
     * (a drop in analyse-pre's own probe never happens: it continues). */
    return outcome(b, h->state, DK_STAGE_ANALYSE_POST);
}

const struct dk_handler_api dk_handler_api = {
    .abi = DK_HANDLER_ABI,
    .size = sizeof(struct dk_handler_api),
    .name = "probe",
    .help = "test plug-in",
    .items = items,
    .nitems = sizeof(items) / sizeof(items[0]),
    .create = probe_create,
    .destroy = free,
    .worker_init = worker_init,
    .worker_done = worker_done,
    .hooks[DK_STAGE_ANALYSE_PRE] = probe_analyse_pre,
    .hooks[DK_STAGE_PRE] = probe_pre,
    .hooks[DK_STAGE_HANDLE] = probe_handle,
    .hooks[DK_STAGE_POST] = probe_post,
    .hooks[DK_STAGE_ANALYSE_POST] = probe_analyse_post,
};
