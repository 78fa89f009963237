/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers over the transaction bundle and handler arguments (bundle.h,
 * handler.h). They live in libdhcpkit so that an out-of-tree plug-in links
 * them from the installed library; they do no I/O: logging goes through the
 * callback the server put in the bundle.
 */
#include <stdio.h>
#include <string.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/handler.h>

bool dk_bundle_requested(const struct dk_bundle *b, uint16_t code)
{
    const struct dk_opt *oro = dk_msg_find(b->request, DK_OPT_ORO);
    if (!oro)
        return true;
    const uint8_t *p = oro->v[0].p;
    for (size_t i = 0; i + 1 < oro->v[0].n; i += 2)
        if ((uint16_t)(p[i] << 8 | p[i + 1]) == code)
            return true;
    return false;
}

bool dk_bundle_has_mark(const struct dk_bundle *b, const char *mark)
{
    for (size_t i = 0; i < b->nmarks; i++)
        if (strcmp(b->marks[i], mark) == 0)
            return true;
    return false;
}

const struct dk_opt *dk_bundle_client_relay_opt(const struct dk_bundle *b, uint16_t code)
{
    if (!b->nrelays)
        return NULL;
    return dk_msg_find(b->relay_in[b->nrelays - 1], code);
}

int dk_bundle_reply_status(struct dk_bundle *b, uint16_t status, const char *text)
{
    b->action = DK_REPLY_STATUS;
    b->status = status;
    b->status_text = text;
    return DK_REPLY_STATUS;
}

struct dk_bopt *dk_bundle_add(struct dk_bundle *b, uint16_t code, unsigned flags)
{
    if (!b->response)
        return NULL;
    struct dk_bopt *o = dk_bmsg_add(b->arena, b->response, code);
    if (o)
        o->flags = flags;
    return o;
}

bool dk_bundle_set_handled(struct dk_bundle *b, const struct dk_opt *ia)
{
    for (size_t i = 0; i < b->nias; i++) {
        if (b->ias[i].opt == ia) {
            b->ias[i].handled = true;
            return true;
        }
    }
    return false;
}

struct dk_bopt *dk_bundle_response_ia(struct dk_bundle *b, const struct dk_opt *ia)
{
    if (!b->response)
        return NULL;
    for (struct dk_bopt *o = dk_bmsg_find(b->response, ia->code); o; o = dk_bopt_next_same(o))
        if (o->o.v[0].u == ia->v[0].u)
            return o;
    struct dk_bopt *o = dk_bundle_add(b, ia->code, 0);
    if (o)
        dk_bopt_set_u(o, 0, ia->v[0].u); /* RFC 8415 §21.4, §21.5, §21.21: IAID first */
    return o;
}

void dk_log_vf(const struct dk_log *log, int level, const char *fmt, va_list ap)
{
    if (!log || !log->fn)
        return;
    char line[1024];
    vsnprintf(line, sizeof(line), fmt, ap);
    log->fn(log->ctx, level, line);
}

void dk_bundle_logf(const struct dk_bundle *b, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk_log_vf(&b->log, level, fmt, ap);
    va_end(ap);
}

const struct dk_config_value *dk_handler_get(const struct dk_handler_args *a, const char *key)
{
    return dk_handler_nth(a, key, 0);
}

size_t dk_handler_count(const struct dk_handler_args *a, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nvalues; i++)
        n += strcmp(a->values[i].key, key) == 0;
    return n;
}

const struct dk_config_value *dk_handler_nth(const struct dk_handler_args *a, const char *key,
                                             size_t n)
{
    for (size_t i = 0; i < a->nvalues; i++)
        if (strcmp(a->values[i].key, key) == 0 && n-- == 0)
            return a->values[i].value;
    return NULL;
}
