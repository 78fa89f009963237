/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The handlers every pipeline runs, around the configured ones:
 *
 *   setup:   server-id (adds our Server Identifier), client-id (copies the
 *            client's), rapid-commit (post: Advertise -> Reply)
 *   cleanup: reject-unicast (pre: UseMulticast), unanswered-ia (handle:
 *            answers the IAs nobody answered), missing-status (handle:
 *            Success where a status is due), oro (post: drops options the
 *            client did not ask for)
 *
 * The receive rules of RFC 8415 §16 (src/server/receive.c) run before all
 * of them; the Interface-ID and RFC 4994 echoes are part of wrapping the
 * reply (src/server/pipeline.c), so that every reply has them.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

bool dk__reply_carries_config(const struct dk_bundle *b)
{
    switch (b->request->type) {
    case DK_MSG_SOLICIT:
    case DK_MSG_REQUEST:
    case DK_MSG_RENEW:
    case DK_MSG_REBIND:
    case DK_MSG_INFORMATION_REQUEST:
        return b->response != NULL;
    default:
        return false;
    }
}

bool dk__oro_governed(uint16_t code)
{
    switch (code) {
    case DK_OPT_CLIENTID:
    case DK_OPT_SERVERID:
    case DK_OPT_IA_NA:
    case DK_OPT_IA_TA:
    case DK_OPT_IAADDR:
    case DK_OPT_ORO:
    case DK_OPT_PREFERENCE:
    case DK_OPT_ELAPSED_TIME:
    case DK_OPT_RELAY_MSG:
    case DK_OPT_AUTH:
    case DK_OPT_UNICAST:
    case DK_OPT_STATUS_CODE:
    case DK_OPT_RAPID_COMMIT:
    case DK_OPT_USER_CLASS:
    case DK_OPT_VENDOR_CLASS:
    case DK_OPT_INTERFACE_ID:
    case DK_OPT_RECONF_MSG:
    case DK_OPT_RECONF_ACCEPT:
    case DK_OPT_IA_PD:
    case DK_OPT_IAPREFIX:
    case DK_OPT_CLIENT_FQDN: /* RFC 4704 §5: answered when the client sent one */
    case DK_OPT_LQ_QUERY:    /* RFC 5007 §4.1.2: the leasequery answer itself */
    case DK_OPT_CLIENT_DATA:
    case DK_OPT_CLT_TIME:
    case DK_OPT_LQ_RELAY_DATA: /* asked for in the ORO inside the query (§4.1.2.1) */
    case DK_OPT_LQ_CLIENT_LINK:
        return false;
    default:
        return true;
    }
}

/* ---- server-id: RFC 8415 §18.3.9, §18.3.10: every Advertise and Reply
 * carries our Server Identifier. (The check of the client's is a receive
 * rule.) */

static int server_id_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    if (!b->response)
        return DK_CONTINUE;
    struct dk_bopt *o = dk_bopt_new(b->arena, DK_SPACE_DHCPV6, DK_OPT_SERVERID);
    if (!o)
        return DK_ENOMEM;
    dk_bopt_set_ref(o, 0, b->server_duid, b->server_duid_len);
    dk_bmsg_prepend(b->response, o);
    return DK_CONTINUE;
}

DK__HANDLER(server_id, "server-id", .help = "adds the Server Identifier",
            .hooks[DK_STAGE_HANDLE] = server_id_handle);

/* ---- client-id: RFC 8415 §18.3.9, §18.3.10: the client's identifier, copied
 * (absent only when an Information-request had none, §18.3.6). Runs after
 * server-id, so it ends up first. */

static int client_id_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    const struct dk_opt *cid = dk_msg_find(b->request, DK_OPT_CLIENTID);
    if (!b->response || !cid)
        return DK_CONTINUE;
    struct dk_bopt *o = dk_bopt_from_opt(b->arena, cid);
    if (!o)
        return DK_ENOMEM;
    dk_bmsg_prepend(b->response, o);
    return DK_CONTINUE;
}

DK__HANDLER(client_id, "client-id", .help = "copies the Client Identifier",
            .hooks[DK_STAGE_HANDLE] = client_id_handle);

/* ---- rapid-commit: RFC 8415 §18.3.1: a Solicit with Rapid Commit may be
 * answered with a Reply that commits, when the server allows it. Without
 * rapid-commit-rejections, a Solicit whose IAs were refused gets an
 * ordinary Advertise (some CPEs, e.g. Fritz!Box, mishandle a committed
 * refusal). Runs first in post, so later post hooks see the Reply. */

struct rapid_commit {
    bool rejections;
};

static int rapid_commit_create(const struct dk_handler_args *a, void **state, char *err,
                               size_t errlen)
{
    (void)err;
    (void)errlen;
    struct rapid_commit *rc = calloc(1, sizeof(*rc));
    if (!rc)
        return DK_ENOMEM;
    const struct dk_config_value *v =
        a->root ? dk_config_get(a->root, "rapid-commit-rejections") : NULL;
    rc->rejections = v && v->v.b;
    *state = rc;
    return 0;
}

static bool refused(const struct dk_bmsg *resp)
{
    for (const struct dk_bopt *o = resp->opts; o; o = o->next) {
        if (o->o.code != DK_OPT_IA_NA && o->o.code != DK_OPT_IA_TA && o->o.code != DK_OPT_IA_PD)
            continue;
        const struct dk_bopt *st = dk_bopt_find(o, DK_OPT_STATUS_CODE);
        if (st && st->o.v[0].u != DK_STATUS_SUCCESS)
            return true;
    }
    return false;
}

static int rapid_commit_post(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct rapid_commit *rc = h->state;
    if (!b->allow_rapid_commit || b->request->type != DK_MSG_SOLICIT || !b->response ||
        b->response->type != DK_MSG_ADVERTISE || !dk_msg_find(b->request, DK_OPT_RAPID_COMMIT))
        return DK_CONTINUE;
    if (!rc->rejections) {
        for (size_t i = 0; i < b->nias; i++)
            if (!b->ias[i].handled)
                return DK_CONTINUE;
        if (refused(b->response))
            return DK_CONTINUE;
    }
    struct dk_bopt *o = dk_bopt_new(b->arena, DK_SPACE_DHCPV6, DK_OPT_RAPID_COMMIT);
    if (!o)
        return DK_ENOMEM;
    b->response->type = DK_MSG_REPLY;
    dk_bmsg_append(b->response, o);
    return DK_CONTINUE;
}

DK__HANDLER(rapid_commit, "rapid-commit", .help = "answers Solicit with Reply (RFC 8415 §18.3.1)",
            .create = rapid_commit_create, .destroy = free,
            .hooks[DK_STAGE_POST] = rapid_commit_post);

/* ---- reject-unicast: RFC 8415 §18.3.1-§18.3.8 ("Reception of unicast
 * messages", §16): a client that unicasts to a server that did not send it
 * a Server Unicast option gets a Reply with UseMulticast. Relayed requests
 * always reach us by unicast and are not concerned, nor is a Leasequery
 * (RFC 5007 §4.1: a requestor may unicast it; over TCP it always is). */

static int reject_unicast_pre(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    if (b->multicast || !b->direct || b->allow_unicast || b->tcp ||
        b->request->type == DK_MSG_LEASEQUERY)
        return DK_CONTINUE;
    return dk_bundle_reply_status(b, DK_STATUS_USE_MULTICAST,
                                  "Please use multicast: this server does not accept unicast");
}

DK__HANDLER(reject_unicast, "reject-unicast", .help = "UseMulticast to unwanted unicast",
            .hooks[DK_STAGE_PRE] = reject_unicast_pre);

/* ---- unanswered-ia: RFC 8415 §18.3 for every IA no handler answered. */

struct unanswered {
    bool auth_na, auth_pd;
};

static bool auth_of(const struct dk_config_section *root, const char *section)
{
    for (size_t i = 0; root && i < root->nchildren; i++) {
        const struct dk_config_section *s = root->children[i];
        if (strcmp(s->type, section) == 0) {
            const struct dk_config_value *v = dk_config_get(s, "authoritative");
            return v && v->v.b;
        }
    }
    return false;
}

static int unanswered_create(const struct dk_handler_args *a, void **state, char *err,
                             size_t errlen)
{
    (void)err;
    (void)errlen;
    struct unanswered *u = calloc(1, sizeof(*u));
    if (!u)
        return DK_ENOMEM;
    u->auth_na = auth_of(a->root, "unanswered-ia");
    u->auth_pd = auth_of(a->root, "unanswered-iapd");
    *state = u;
    return 0;
}

/* An IA answered with a status only (RFC 8415 §21.4, §21.21). */
static int ia_status(struct dk_bundle *b, const struct dk_opt *ia, uint16_t status,
                     const char *text)
{
    struct dk_bopt *r = dk_bundle_response_ia(b, ia);
    struct dk_bopt *st = dk_bopt_status(b->arena, status, text);
    if (!r || !st)
        return DK_ENOMEM;
    dk_bopt_append(r, st);
    return DK_CONTINUE;
}

/* The IA with each of its addresses or prefixes at lifetimes 0: "no longer
 * valid" (RFC 8415 §18.3.4, §18.3.5); NoBinding when it held none. */
static int ia_withdraw(struct dk_bundle *b, const struct dk_opt *ia)
{
    uint16_t sub = ia->code == DK_OPT_IA_PD ? DK_OPT_IAPREFIX : DK_OPT_IAADDR;
    if (!dk_opt_find(ia->opts, ia->nopts, sub))
        return ia_status(b, ia, DK_STATUS_NO_BINDING, "No binding for this IA");
    struct dk_bopt *r = dk_bundle_response_ia(b, ia);
    if (!r)
        return DK_ENOMEM;
    for (size_t i = 0; i < ia->nopts; i++) {
        if (ia->opts[i].code != sub)
            continue;
        struct dk_bopt *a = dk_bopt_new(b->arena, DK_SPACE_DHCPV6, sub);
        if (!a)
            return DK_ENOMEM;
        a->o.v[0] = ia->opts[i].v[0]; /* IAADDR: address; IAPREFIX: preferred */
        a->o.v[1] = ia->opts[i].v[1];
        a->o.v[2] = ia->opts[i].v[2]; /* IAPREFIX: the prefix */
        if (sub == DK_OPT_IAADDR) {
            dk_bopt_set_u(a, 1, 0);
            dk_bopt_set_u(a, 2, 0);
        } else {
            dk_bopt_set_u(a, 0, 0);
            dk_bopt_set_u(a, 1, 0);
        }
        dk_bopt_append(r, a);
    }
    return DK_CONTINUE;
}

static bool has_response_ia(const struct dk_bundle *b)
{
    for (const struct dk_bopt *o = b->response->opts; o; o = o->next)
        if (o->o.code == DK_OPT_IA_NA || o->o.code == DK_OPT_IA_TA || o->o.code == DK_OPT_IA_PD)
            return true;
    return false;
}

/* Replaces the top-level status of the response. */
static int set_status(struct dk_bundle *b, uint16_t status, const char *text)
{
    struct dk_bopt *old;
    while ((old = dk_bmsg_find(b->response, DK_OPT_STATUS_CODE)))
        dk_bmsg_remove(b->response, old);
    struct dk_bopt *st = dk_bopt_status(b->arena, status, text);
    if (!st)
        return DK_ENOMEM;
    dk_bmsg_append(b->response, st);
    return DK_CONTINUE;
}

static int unanswered_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct unanswered *u = h->state;
    unsigned type = b->request->type;
    bool any_unanswered = false, unsure = false;
    if (!b->response)
        return DK_CONTINUE;
    for (size_t i = 0; i < b->nias; i++) {
        if (b->ias[i].handled)
            continue;
        const struct dk_opt *ia = b->ias[i].opt;
        bool pd = ia->code == DK_OPT_IA_PD;
        bool auth = pd ? u->auth_pd : u->auth_na;
        int rc = DK_CONTINUE;
        any_unanswered = true;
        switch (type) {
        case DK_MSG_SOLICIT: /* RFC 8415 §18.3.1 */
        case DK_MSG_REQUEST: /* §18.3.2 */
            rc = pd ? ia_status(b, ia, DK_STATUS_NO_PREFIX_AVAIL, "No prefixes available")
                    : ia_status(b, ia, DK_STATUS_NO_ADDRS_AVAIL, "No addresses available");
            break;
        case DK_MSG_CONFIRM: /* §18.3.3: answered below, for the whole message */
            unsure |= !auth;
            break;
        case DK_MSG_RENEW: /* §18.3.4 */
            rc = auth ? ia_withdraw(b, ia)
                      : ia_status(b, ia, DK_STATUS_NO_BINDING, "No binding for this IA");
            break;
        case DK_MSG_REBIND: /* §18.3.5: only a server that knows may withdraw */
            if (auth)
                rc = ia_withdraw(b, ia);
            break;
        case DK_MSG_RELEASE: /* §18.3.7 */
        case DK_MSG_DECLINE: /* §18.3.8 */
            rc = ia_status(b, ia, DK_STATUS_NO_BINDING, "No binding for this IA");
            break;
        default:
            break;
        }
        if (rc != DK_CONTINUE)
            return rc;
    }
    if (type == DK_MSG_CONFIRM && any_unanswered) {
        /* §18.3.3: a server that cannot tell stays silent. */
        if (unsure)
            return DK_DROP_IGNORE;
        return set_status(b, DK_STATUS_NOT_ON_LINK, "Those addresses are not on this link");
    }
    /* §18.3.5: a Rebind answer without any IA is not sent. */
    if (type == DK_MSG_REBIND && b->nias && !has_response_ia(b))
        return DK_DROP_IGNORE;
    return DK_CONTINUE;
}

DK__HANDLER(unanswered_ia, "unanswered-ia", .help = "answers unanswered IAs (RFC 8415 §18.3)",
            .create = unanswered_create, .destroy = free,
            .hooks[DK_STAGE_HANDLE] = unanswered_handle);

/* ---- missing-status: Success where RFC 8415 asks for a status and no
 * handler set one: Confirm (§18.3.3), Release (§18.3.7), Decline (§18.3.8). */

static int missing_status_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    if (!b->response || dk_bmsg_find(b->response, DK_OPT_STATUS_CODE))
        return DK_CONTINUE;
    switch (b->request->type) {
    case DK_MSG_CONFIRM:
        return set_status(b, DK_STATUS_SUCCESS, "Your addresses are on this link");
    case DK_MSG_RELEASE:
        return set_status(b, DK_STATUS_SUCCESS, "Released");
    case DK_MSG_DECLINE:
        return set_status(b, DK_STATUS_SUCCESS, "Declined");
    default:
        return DK_CONTINUE;
    }
}

DK__HANDLER(missing_status, "missing-status", .help = "adds Success where a status is due",
            .hooks[DK_STAGE_HANDLE] = missing_status_handle);

/* ---- oro: RFC 8415 §18.3 ("the server ... includes ... options requested in
 * the Option Request option"): options the client did not ask for are
 * removed, unless the handler that added them was configured always-send. */

static int oro_post(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)h;
    if (!b->response)
        return DK_CONTINUE;
    for (struct dk_bopt *o = b->response->opts, *next; o; o = next) {
        next = o->next;
        if (!(o->flags & DK_BOPT_ALWAYS) && dk__oro_governed(o->o.code) &&
            !dk_bundle_requested(b, o->o.code))
            dk_bmsg_remove(b->response, o);
    }
    return DK_CONTINUE;
}

DK__HANDLER(oro, "oro", .help = "honours the Option Request option",
            .hooks[DK_STAGE_POST] = oro_post);
