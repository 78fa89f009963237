/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON and one-line text renderings of decoded messages (see render.h). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <dhcpkit/domain.h>
#include <dhcpkit/duid.h>
#include <dhcpkit/render.h>

struct out {
    struct dk_wbuf *w;
    bool json;
    unsigned depth; /* messages and options being rendered, bounded below */
};

static void put(struct out *o, const char *s)
{
    dk_wbuf_put(o->w, s, strlen(s));
}

static void putf_u(struct out *o, unsigned long v)
{
    char b[24];
    snprintf(b, sizeof(b), "%lu", v);
    put(o, b);
}

static void put_hex(struct out *o, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char b[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
        dk_wbuf_put(o->w, b, 2);
    }
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
    size_t len;
    uint32_t cp;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0)
        len = 2, cp = p[0] & 0x1fu;
    else if ((p[0] & 0xf0) == 0xe0)
        len = 3, cp = p[0] & 0x0fu;
    else if ((p[0] & 0xf8) == 0xf0)
        len = 4, cp = p[0] & 0x07u;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A quoted string: valid UTF-8 passes, anything else is \u00XX-escaped. */
static void put_str(struct out *o, const uint8_t *p, size_t n)
{
    put(o, "\"");
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        size_t len = utf8_len(p + i, n - i);
        char b[8];
        if (c == '"' || c == '\\') {
            b[0] = '\\', b[1] = (char)c;
            dk_wbuf_put(o->w, b, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f || len == 0) {
            snprintf(b, sizeof(b), "\\u%04x", c);
            put(o, b);
            i++;
        } else {
            dk_wbuf_put(o->w, p + i, len);
            i += len;
        }
    }
    put(o, "\"");
}

static void put_cstr(struct out *o, const char *s)
{
    put_str(o, (const uint8_t *)s, strlen(s));
}

static void put_addr(struct out *o, int af, const uint8_t *p)
{
    char b[INET6_ADDRSTRLEN];
    inet_ntop(af, p, b, sizeof(b));
    if (o->json)
        put_cstr(o, b);
    else
        put(o, b);
}

static void put_prefix(struct out *o, int af, const uint8_t *p, size_t n, unsigned plen)
{
    uint8_t a[16] = {0};
    char b[INET6_ADDRSTRLEN + 8];
    size_t full = af == AF_INET ? 4 : 16;
    memcpy(a, p, n < full ? n : full);
    inet_ntop(af, a, b, sizeof(b));
    snprintf(b + strlen(b), 8, "/%u", plen);
    if (o->json)
        put_cstr(o, b);
    else
        put(o, b);
}

/* Separators: JSON uses ", " between members, text a space. */
static void key(struct out *o, const char *name, bool *first)
{
    if (!*first)
        put(o, o->json ? ", " : " ");
    *first = false;
    if (o->json) {
        put(o, "\"");
        put(o, name);
        put(o, "\": ");
    } else {
        put(o, name);
        put(o, "=");
    }
}

static void list_open(struct out *o)
{
    put(o, "[");
}

static void list_sep(struct out *o, size_t i)
{
    if (i)
        put(o, o->json ? ", " : ",");
}

static void put_bytes(struct out *o, const uint8_t *p, size_t n)
{
    if (o->json)
        put(o, "\"");
    put_hex(o, p, n);
    if (o->json)
        put(o, "\"");
}

static void put_domain(struct out *o, const uint8_t *p, size_t n, size_t *used)
{
    char text[DK_DOMAIN_TEXT_MAX];
    int r = n ? dk_domain_to_text(p, n, text) : 0;
    *used = r > 0 ? (size_t)r : n; /* decoded trees are checked; never loop */
    if (n == 0)
        text[0] = '\0'; /* an empty Client FQDN name (RFC 4704 §4.2) */
    else if (r <= 0)
        strcpy(text, "?");
    if (o->json)
        put_cstr(o, text);
    else
        put(o, text);
}

static void duid(struct out *o, const uint8_t *p, size_t n)
{
    struct dk_duid d;
    bool first = true;
    if (!o->json) {
        put_hex(o, p, n);
        return;
    }
    put(o, "{");
    if (dk_duid_parse(p, n, &d) == 0) {
        key(o, "duid_type", &first);
        putf_u(o, d.type);
        switch (d.type) {
        case DK_DUID_LLT:
            key(o, "hardware_type", &first);
            putf_u(o, d.hw_type);
            key(o, "time", &first);
            putf_u(o, d.time);
            key(o, "link_layer_address", &first);
            break;
        case DK_DUID_EN:
            key(o, "enterprise_number", &first);
            putf_u(o, d.enterprise);
            key(o, "identifier", &first);
            break;
        case DK_DUID_LL:
            key(o, "hardware_type", &first);
            putf_u(o, d.hw_type);
            key(o, "link_layer_address", &first);
            break;
        case DK_DUID_UUID:
            key(o, "uuid", &first);
            break;
        default:
            key(o, "data", &first);
            break;
        }
        put_bytes(o, d.id, d.idlen);
    }
    key(o, "hex", &first);
    put_bytes(o, p, n);
    put(o, "}");
}

static void msg(struct out *o, const struct dk_msg *m);

static void opts(struct out *o, const struct dk_opt *v, size_t n);

static void field(struct out *o, const struct dk_opt *opt, const struct dk_field_def *f,
                  const struct dk_val *v)
{
    size_t off, used, i = 0;
    switch (f->kind) {
    case DK_F_U8:
    case DK_F_U16:
    case DK_F_U32:
        putf_u(o, v->u);
        break;
    case DK_F_PSID: {
        /* RFC 7598 §4.5: the PSID is the leftmost k bits, k the PSID-len before it. */
        unsigned k = v > opt->v ? v[-1].u : 16;
        putf_u(o, k <= 16 ? v->u >> (16 - k) : v->u);
        break;
    }
    case DK_F_IPV4:
        put_addr(o, AF_INET, v->p);
        break;
    case DK_F_IPV6:
        put_addr(o, AF_INET6, v->p);
        break;
    case DK_F_PREFIX4:
        put_prefix(o, AF_INET, v->p, v->n, v->u);
        break;
    case DK_F_PREFIX6:
    case DK_F_VPREFIX6:
        put_prefix(o, AF_INET6, v->p, v->n, v->u);
        break;
    case DK_F_STRING:
        put_str(o, v->p, v->n);
        break;
    case DK_F_DUID:
        duid(o, v->p, v->n);
        break;
    case DK_F_U16_LIST:
        list_open(o);
        for (off = 0; off + 2 <= v->n; off += 2, i++) {
            list_sep(o, i);
            putf_u(o, (unsigned)(v->p[off] << 8 | v->p[off + 1]));
        }
        put(o, "]");
        break;
    case DK_F_IPV6_LIST:
        list_open(o);
        for (off = 0; off + 16 <= v->n; off += 16, i++) {
            list_sep(o, i);
            put_addr(o, AF_INET6, v->p + off);
        }
        put(o, "]");
        break;
    case DK_F_DOMAIN:
    case DK_F_FQDN:
        put_domain(o, v->p, v->n, &used);
        break;
    case DK_F_DOMAIN_LIST:
        list_open(o);
        for (off = 0; off < v->n; off += used, i++) {
            list_sep(o, i);
            put_domain(o, v->p + off, v->n - off, &used);
        }
        put(o, "]");
        break;
    case DK_F_DATA_LIST:
        list_open(o);
        for (off = 0; off + 2 <= v->n; i++) {
            size_t len = (size_t)(v->p[off] << 8 | v->p[off + 1]);
            if (len > v->n - off - 2)
                break;
            list_sep(o, i);
            put_bytes(o, v->p + off + 2, len);
            off += 2 + len;
        }
        put(o, "]");
        break;
    case DK_F_RADIUS_ATTRS:
        list_open(o);
        for (off = 0; off + 2 <= v->n; i++) {
            size_t len = v->p[off + 1];
            if (len < 2 || len > v->n - off)
                break;
            list_sep(o, i);
            bool first = true;
            put(o, o->json ? "{" : "(");
            key(o, "type", &first);
            putf_u(o, v->p[off]);
            key(o, "value", &first);
            put_bytes(o, v->p + off + 2, len - 2);
            put(o, o->json ? "}" : ")");
            off += len;
        }
        put(o, "]");
        break;
    case DK_F_OPTIONS:
    case DK_F_SUBOPTS:
        opts(o, opt->opts, opt->nopts);
        break;
    case DK_F_MESSAGE:
        if (opt->msg)
            msg(o, opt->msg);
        else
            put(o, "null");
        break;
    default: /* BYTES, BYTES_FIXED */
        put_bytes(o, v->p, v->n);
        break;
    }
}

static void opt(struct out *o, const struct dk_opt *v)
{
    bool first = true;
    /* Decoded trees are at most DK_MAX_NESTING deep; refuse deeper hand-built ones. */
    if (++o->depth > DK_MAX_NESTING) {
        o->w->err = o->w->err ? o->w->err : DK_EDEPTH;
        o->depth--;
        return;
    }
    if (o->json) {
        put(o, "{");
        key(o, "code", &first);
        putf_u(o, v->code);
        key(o, "name", &first);
        if (v->def)
            put_cstr(o, v->def->name);
        else
            put(o, "null");
    } else {
        const char *name = v->def ? v->def->name : NULL;
        if (name && strncmp(name, "OPTION_", 7) == 0)
            name += 7;
        if (name) {
            put(o, name);
        } else {
            put(o, "OPTION_");
            putf_u(o, v->code);
        }
        put(o, "(");
    }
    if (v->def) {
        for (size_t i = 0; i < v->def->nfields; i++) {
            key(o, v->def->f[i].name, &first);
            field(o, v, &v->def->f[i], &v->v[i]);
        }
    } else {
        key(o, "data", &first);
        put_bytes(o, v->v[0].p, v->v[0].n);
    }
    put(o, o->json ? "}" : ")");
    o->depth--;
}

static void opts(struct out *o, const struct dk_opt *v, size_t n)
{
    put(o, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(o, o->json ? ", " : " ");
        opt(o, &v[i]);
    }
    put(o, "]");
}

static void msg(struct out *o, const struct dk_msg *m)
{
    bool first = true;
    if (++o->depth > DK_MAX_NESTING) {
        o->w->err = o->w->err ? o->w->err : DK_EDEPTH;
        o->depth--;
        return;
    }
    const char *name = dk_msg_name(m->type);
    char xid[8];
    if (o->json) {
        put(o, "{");
        key(o, "msg_type", &first);
        putf_u(o, m->type);
        key(o, "msg_name", &first);
        if (name)
            put_cstr(o, name);
        else
            put(o, "null");
    } else {
        if (name) {
            put(o, name);
        } else {
            put(o, "MESSAGE_");
            putf_u(o, m->type);
        }
        first = false;
    }
    if (dk_msg_is_relay(m->type)) {
        key(o, "hop_count", &first);
        putf_u(o, m->hop_count);
        key(o, "link_address", &first);
        put_addr(o, AF_INET6, m->link);
        key(o, "peer_address", &first);
        put_addr(o, AF_INET6, m->peer);
    } else if (dk_msg_is_client_server(m->type)) {
        key(o, "transaction_id", &first);
        snprintf(xid, sizeof(xid), "%06x", m->xid & 0xffffffu);
        if (o->json)
            put_cstr(o, xid);
        else
            put(o, xid);
    } else {
        key(o, "data", &first);
        put_bytes(o, m->raw, m->nraw);
        if (o->json)
            put(o, "}");
        o->depth--;
        return;
    }
    key(o, "options", &first);
    opts(o, m->opts, m->nopts);
    if (o->json)
        put(o, "}");
    o->depth--;
}

/* NUL-terminates without counting the NUL; reports a full buffer. */
static int finish(struct dk_wbuf *w)
{
    if (!w->err && dk_wbuf_u8(w, 0) == 0)
        w->len--;
    return w->err;
}

int dk_msg_to_json(struct dk_wbuf *w, const struct dk_msg *m)
{
    struct out o = {w, true, 0};
    msg(&o, m);
    return finish(w);
}

int dk_opt_to_json(struct dk_wbuf *w, const struct dk_opt *v)
{
    struct out o = {w, true, 0};
    opt(&o, v);
    return finish(w);
}

int dk_duid_to_json(struct dk_wbuf *w, const uint8_t *p, size_t n)
{
    struct out o = {w, true, 0};
    duid(&o, p, n);
    return finish(w);
}

int dk_msg_to_text(struct dk_wbuf *w, const struct dk_msg *m)
{
    struct out o = {w, false, 0};
    msg(&o, m);
    return finish(w);
}
