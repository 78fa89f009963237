/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The receive rules of RFC 8415 §16 ("Message Validation"), checked on the
 * decoded message before it is validated against the containment table and
 * before any handler sees it, so that each rule has its own verdict:
 *
 *   NOT_ALLOWED      a message only a server or relay sends (§16.3, §16.10,
 *                    §16.11; a Relay-reply, §19.2; leasequery answers)
 *   FOR_OTHER_SERVER a Server Identifier that is not ours (§16.2, §16.4-16.9,
 *                    §16.12)
 *   UNPARSABLE       a client message that breaks its section's rule
 *                    (missing Client or Server Identifier, a Server
 *                    Identifier where none may be, an IA in an
 *                    Information-request)
 *   DO_NOT_RESPOND   a message type we do not know
 *
 * A Leasequery (RFC 5007 §4.3.1) may carry our Server Identifier (another
 * server's: not for us) and needs a Client Identifier and an
 * OPTION_LQ_QUERY; whether anyone answers it is the leasequery handler's
 * business (the pipeline drops it when no handler does).
 */
#include <string.h>

#include "framework.h"

static bool is_ours(const struct dk_opt *sid, const uint8_t *duid, size_t len)
{
    return sid->v[0].n == len && memcmp(sid->v[0].p, duid, len) == 0;
}

static bool has_ia(const struct dk_msg *m)
{
    return dk_msg_find(m, DK_OPT_IA_NA) || dk_msg_find(m, DK_OPT_IA_TA) ||
           dk_msg_find(m, DK_OPT_IA_PD);
}

enum dk_verdict dk__receive_check(const struct dk_msg *outer, const struct dk_msg *inner,
                                  const uint8_t *duid, size_t duid_len, const char **rule)
{
    const char *dummy;
    if (!rule)
        rule = &dummy;
    *rule = NULL;

    /* RFC 8415 §19.2: Relay-reply travels towards the client only. */
    for (const struct dk_msg *m = outer; m;) {
        if (m->type == DK_MSG_RELAY_REPL) {
            *rule = "Relay-reply received";
            return DK_VERDICT_NOT_ALLOWED;
        }
        if (m->type != DK_MSG_RELAY_FORW)
            break;
        const struct dk_opt *rm = dk_msg_find(m, DK_OPT_RELAY_MSG);
        m = rm ? rm->msg : NULL;
    }

    switch (inner->type) {
    case DK_MSG_ADVERTISE:        /* RFC 8415 §16.3 */
    case DK_MSG_REPLY:            /* §16.10 */
    case DK_MSG_RECONFIGURE:      /* §16.11 */
    case DK_MSG_LEASEQUERY_REPLY: /* RFC 5007 §4.2.2, RFC 5460 §5.2: to requestors */
    case DK_MSG_LEASEQUERY_DONE:
    case DK_MSG_LEASEQUERY_DATA:
        *rule = "server message received";
        return DK_VERDICT_NOT_ALLOWED;
    case DK_MSG_RELAY_FORW:
        *rule = "Relay-forward without a Relay Message option";
        return DK_VERDICT_UNPARSABLE;
    case DK_MSG_SOLICIT:
    case DK_MSG_REQUEST:
    case DK_MSG_CONFIRM:
    case DK_MSG_RENEW:
    case DK_MSG_REBIND:
    case DK_MSG_RELEASE:
    case DK_MSG_DECLINE:
    case DK_MSG_INFORMATION_REQUEST:
    case DK_MSG_LEASEQUERY:
        break;
    default:
        *rule = "unknown message type";
        return DK_VERDICT_DO_NOT_RESPOND;
    }

    const struct dk_opt *sid = dk_msg_find(inner, DK_OPT_SERVERID);
    const struct dk_opt *cid = dk_msg_find(inner, DK_OPT_CLIENTID);
    switch (inner->type) {
    case DK_MSG_SOLICIT: /* RFC 8415 §16.2 */
    case DK_MSG_CONFIRM: /* §16.5 */
    case DK_MSG_REBIND:  /* §16.7 */
        if (sid && !is_ours(sid, duid, duid_len)) {
            *rule = "Server Identifier of another server";
            return DK_VERDICT_FOR_OTHER_SERVER;
        }
        if (sid) {
            *rule = "Server Identifier in a Solicit, Confirm or Rebind";
            return DK_VERDICT_UNPARSABLE;
        }
        if (!cid) {
            *rule = "no Client Identifier";
            return DK_VERDICT_UNPARSABLE;
        }
        break;
    case DK_MSG_REQUEST: /* §16.4 */
    case DK_MSG_RENEW:   /* §16.6 */
    case DK_MSG_RELEASE: /* §16.9 */
    case DK_MSG_DECLINE: /* §16.8 */
        if (!sid) {
            *rule = "no Server Identifier";
            return DK_VERDICT_UNPARSABLE;
        }
        if (!is_ours(sid, duid, duid_len)) {
            *rule = "Server Identifier of another server";
            return DK_VERDICT_FOR_OTHER_SERVER;
        }
        if (!cid) {
            *rule = "no Client Identifier";
            return DK_VERDICT_UNPARSABLE;
        }
        break;
    case DK_MSG_LEASEQUERY: /* RFC 5007 §4.3.1 */
        if (sid && !is_ours(sid, duid, duid_len)) {
            *rule = "Server Identifier of another server";
            return DK_VERDICT_FOR_OTHER_SERVER;
        }
        if (!cid) {
            *rule = "no Client Identifier";
            return DK_VERDICT_UNPARSABLE;
        }
        if (!dk_msg_find(inner, DK_OPT_LQ_QUERY)) {
            *rule = "Leasequery without a query";
            return DK_VERDICT_UNPARSABLE;
        }
        break;
    case DK_MSG_INFORMATION_REQUEST: /* §16.12 */
        if (sid && !is_ours(sid, duid, duid_len)) {
            *rule = "Server Identifier of another server";
            return DK_VERDICT_FOR_OTHER_SERVER;
        }
        if (has_ia(inner)) {
            *rule = "IA option in an Information-request";
            return DK_VERDICT_UNPARSABLE;
        }
        break;
    default:
        break;
    }
    return DK_VERDICT_REPLY;
}
