/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dump-requests: logs every request it sees, as one line of JSON or text,
 * through the server's log; then answers nothing (dhcpkit 0.x's
 * `message-handler = dump_requests`), unless `answer yes`. Inside a filter
 * it dumps only what the filter lets through. Every string from the wire is
 * escaped by the renderer.
 *
 * JSON: {"interface": "eth0", "link_address": "2001:db8::1", "marks":
 * ["unmarked"], "message": <the datagram as ipv6-dhcp-decode renders it>}
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/render.h>

#include "handlers.h"

/* The first try, and the longest line (a large relayed message). */
#define DUMP_START ((size_t)4 << 10)
#define DUMP_MAX   ((size_t)64 << 10)

struct dump {
    bool json;
    bool answer;
};

static int dump_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct dump *d = calloc(1, sizeof(*d));
    if (!d)
        return DK_ENOMEM;
    const struct dk_config_value *fmt = dk_handler_get(a, "format");
    const struct dk_config_value *ans = dk_handler_get(a, "answer");
    d->json = !fmt || strcmp(fmt->v.s, "json") == 0;
    d->answer = ans && ans->v.b;
    *state = d;
    return 0;
}

/* Appends a JSON string of s, escaping what JSON needs and every octet that
 * is not printable ASCII. */
static void json_str(struct dk_wbuf *w, const char *s)
{
    dk_wbuf_u8(w, '"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            dk_wbuf_put(w, esc, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            dk_wbuf_put(w, esc, 6);
        } else {
            dk_wbuf_u8(w, c);
        }
    }
    dk_wbuf_u8(w, '"');
}

static void text(struct dk_wbuf *w, const char *s)
{
    dk_wbuf_put(w, s, strlen(s));
}

/* Renders the dump line of b into a buffer of cap octets; NULL when it does
 * not fit (or the arena is exhausted). */
static const char *render(const struct dump *d, struct dk_bundle *b, size_t cap)
{
    uint8_t *buf = dk_arena_alloc(b->arena, cap);
    if (!buf)
        return NULL;
    struct dk_wbuf w;
    dk_wbuf_init(&w, buf, cap - 1);
    char link[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, b->link_address, link, sizeof(link));
    /* What arrived: the client's message, or the outermost relay's. */
    const struct dk_msg *m = b->direct ? b->request : b->relay_in[0];
    if (d->json) {
        text(&w, "{\"interface\": ");
        json_str(&w, b->ifname);
        text(&w, ", \"link_address\": ");
        json_str(&w, link);
        text(&w, ", \"marks\": [");
        for (size_t i = 0; i < b->nmarks; i++) {
            if (i)
                text(&w, ", ");
            json_str(&w, b->marks[i]);
        }
        text(&w, "], \"message\": ");
        if (dk_msg_to_json(&w, m) == 0)
            text(&w, "}");
    } else {
        text(&w, "dump-requests: ");
        /* Interface names come from the kernel; still, keep them printable. */
        for (const char *s = b->ifname ? b->ifname : "-"; *s; s++)
            dk_wbuf_u8(&w, (*s > 0x20 && *s < 0x7f) ? (uint8_t)*s : '?');
        text(&w, " link ");
        text(&w, link);
        text(&w, ": ");
        dk_msg_to_text(&w, m);
    }
    if (w.err)
        return NULL;
    buf[w.len] = 0;
    return (const char *)buf;
}

static int dump_analyse(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct dump *d = h->state;
    if (!b->log.fn)
        return DK_CONTINUE;
    /* Most requests fit a small line; the arena zeroes what it hands out. */
    size_t mark = b->arena->used;
    const char *line = render(d, b, DUMP_START);
    if (!line) {
        b->arena->used = mark;
        line = render(d, b, DUMP_MAX);
    }
    if (!line) {
        b->log.fn(b->log.ctx, DK_LOGLEVEL_WARNING,
                  "dump-requests: a request too long to dump was left out");
        return DK_CONTINUE;
    }
    b->log.fn(b->log.ctx, DK_LOGLEVEL_INFO, line);
    return DK_CONTINUE;
}

static int dump_pre(struct dk_bundle *b, const struct dk_hctx *h)
{
    (void)b;
    const struct dump *d = h->state;
    return d->answer ? DK_CONTINUE : DK_DROP_IGNORE;
}

DK__HANDLER(dump_requests, "dump-requests", .help = "logs requests; answers nothing",
            .create = dump_create, .destroy = free, .hooks[DK_STAGE_ANALYSE_PRE] = dump_analyse,
            .hooks[DK_STAGE_PRE] = dump_pre);
