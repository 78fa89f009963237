/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The message and option decoder. It never recurses: every region that holds
 * options or a message is queued as a work item and decoded in turn, so depth
 * is a counter checked against the limits in message.h, not stack space.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <dhcpkit/domain.h>
#include <dhcpkit/duid.h>
#include <dhcpkit/message.h>

enum work_kind { W_MSG, W_OPTS };

struct work {
    struct work *next;
    const struct work *parent;
    uint16_t code; /* the option whose body this region is */
    bool has_code; /* false for a message's own options and the top */
    uint8_t kind;
    uint8_t space;
    const uint8_t *p;
    size_t n;
    size_t off;      /* of p within the decoder's input */
    unsigned msgs;   /* messages enclosing this region */
    unsigned relays; /* relay messages enclosing this region */
    unsigned depth;  /* options enclosing this region within its message */
    unsigned level;  /* messages and options enclosing this region, in all */
    struct dk_msg **msg_out;
    struct dk_opt **opts_out;
    size_t *nopts_out;
};

struct ctx {
    struct dk_arena *arena;
    struct work *head, *tail;
    struct dk_diag *diag;
};

bool dk_msg_is_relay(unsigned type)
{
    return type == DK_MSG_RELAY_FORW || type == DK_MSG_RELAY_REPL;
}

bool dk_msg_is_client_server(unsigned type)
{
    return (type >= DK_MSG_SOLICIT && type <= DK_MSG_INFORMATION_REQUEST) ||
           (type >= DK_MSG_LEASEQUERY && type <= DK_MSG_LEASEQUERY_DATA);
}

/* Records a failure at input offset off, inside work w, in option o (may be NULL). */
__attribute__((format(printf, 6, 7))) static int fail(struct ctx *c, const struct work *w,
                                                      size_t off, const struct dk_opt *o, int err,
                                                      const char *fmt, ...)
{
    struct dk_diag *d = c->diag;
    if (!d)
        return err;
    memset(d, 0, sizeof(*d));
    d->err = err;
    d->offset = off;
    /* Collect the path innermost first, keeping at most DK_MAX_PATH entries. */
    uint16_t code[DK_MAX_PATH];
    uint8_t space[DK_MAX_PATH];
    size_t n = 0;
    if (o) {
        code[n] = o->code;
        space[n++] = o->space;
    }
    for (const struct work *i = w; i && n < DK_MAX_PATH; i = i->parent) {
        if (i->has_code) {
            code[n] = i->code;
            space[n++] = i->parent ? i->parent->space : DK_SPACE_DHCPV6;
        }
    }
    for (size_t k = 0; k < n; k++) {
        d->path[k] = code[n - 1 - k];
        d->space[k] = space[n - 1 - k];
    }
    d->npath = n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->text, sizeof(d->text), fmt, ap);
    va_end(ap);
    return err;
}

static struct work *push(struct ctx *c, const struct work *parent, uint8_t kind, const uint8_t *p,
                         size_t n, size_t off)
{
    struct work *w = dk_arena_alloc(c->arena, sizeof(*w));
    if (!w)
        return NULL;
    w->parent = parent;
    w->kind = kind;
    w->space = DK_SPACE_DHCPV6;
    w->p = p;
    w->n = n;
    w->off = off;
    w->level = parent ? parent->level + 1 : 1;
    if (parent) {
        w->msgs = parent->msgs;
        w->relays = parent->relays;
        w->depth = parent->depth;
    }
    if (c->tail)
        c->tail->next = w;
    else
        c->head = w;
    c->tail = w;
    return w;
}

static const char *short_name(const struct dk_optdef *def)
{
    const char *n = def->name;
    if (strncmp(n, "OPTION_", 7) == 0)
        return n + 7;
    return n;
}

/* Fixed-size octets of a kind, or 0 for kinds sized by their content. */
static size_t fixed_size(const struct dk_field_def *f)
{
    switch (f->kind) {
    case DK_F_U8:
        return 1;
    case DK_F_U16:
    case DK_F_PSID:
        return 2;
    case DK_F_U32:
    case DK_F_IPV4:
        return 4;
    case DK_F_IPV6:
        return 16;
    case DK_F_BYTES_FIXED:
        return f->size;
    case DK_F_PREFIX4:
        return 5;
    case DK_F_PREFIX6:
        return 17;
    default:
        return 0;
    }
}

/* Checks one rest-of-option field whose octets are v->p[0..v->n). */
static int check_rest(struct ctx *c, const struct work *w, size_t off, const struct dk_opt *o,
                      const struct dk_field_def *f, const struct dk_val *v)
{
    switch (f->kind) {
    case DK_F_DUID:
        if (v->n < DK_DUID_MIN_LEN || v->n > DK_DUID_MAX_LEN)
            return fail(c, w, off, o, DK_EDUID, "DUID of %u octets, must be %d to %d", v->n,
                        DK_DUID_MIN_LEN, DK_DUID_MAX_LEN);
        struct dk_duid duid;
        if (dk_duid_parse(v->p, v->n, &duid))
            return fail(c, w, off, o, DK_EDUID, "DUID of %u octets is too short for its type",
                        v->n);
        return 0;
    case DK_F_U16_LIST:
        if (v->n % 2)
            return fail(c, w, off, o, DK_ELENGTH, "length %u is not a multiple of 2", v->n);
        return 0;
    case DK_F_IPV6_LIST:
        if (v->n % 16)
            return fail(c, w, off, o, DK_ELENGTH, "length %u is not a multiple of 16", v->n);
        return 0;
    case DK_F_DOMAIN:
    case DK_F_FQDN: {
        size_t used;
        bool complete;
        /* RFC 4704 §4.2: a client may leave the name empty for the server
         * to choose one. */
        if (f->kind == DK_F_FQDN && v->n == 0)
            return 0;
        if (dk_domain_measure(v->p, v->n, f->kind == DK_F_FQDN, &used, &complete) || used != v->n)
            return fail(c, w, off, o, DK_EDOMAIN,
                        "invalid domain name (labels up to 63 octets, names "
                        "up to 255, ending with a 0-length label)");
        return 0;
    }
    case DK_F_DOMAIN_LIST:
        if (dk_domain_list_check(v->p, v->n))
            return fail(c, w, off, o, DK_EDOMAIN,
                        "invalid domain name list (labels up to 63 octets, "
                        "names up to 255, each ending with a 0-length label)");
        return 0;
    case DK_F_DATA_LIST:
    case DK_F_RADIUS_ATTRS: {
        /* RFC 8415 §21.15: 16-bit length + data; RFC 2865 §5: type, length >= 2 */
        struct dk_rbuf r;
        dk_rbuf_init(&r, v->p, v->n);
        while (dk_rbuf_left(&r)) {
            const uint8_t *item;
            size_t at = r.off, n;
            if (f->kind == DK_F_DATA_LIST) {
                uint16_t len = 0;
                dk_rbuf_u16(&r, &len);
                n = len;
            } else {
                uint8_t type, len = 0;
                dk_rbuf_u8(&r, &type);
                dk_rbuf_u8(&r, &len);
                if (!r.err && len < 2)
                    return fail(c, w, off, o, DK_ELENGTH,
                                "RADIUS attribute at %zu has length %u < 2", at, len);
                n = len >= 2 ? len - 2u : 0;
            }
            if (dk_rbuf_take(&r, n, &item))
                return fail(c, w, off, o, DK_ETRUNC, "item at %zu runs past the end of the option",
                            at);
        }
        return 0;
    }
    default:
        return 0;
    }
}

/* Decodes the fields of a known option; queues its children. */
static int decode_fields(struct ctx *c, struct work *w, size_t off, struct dk_opt *o)
{
    const struct dk_optdef *def = o->def;
    struct dk_rbuf r;
    size_t fixed = 0;
    dk_rbuf_init(&r, o->body, o->len);

    for (size_t i = 0; i < def->nfields; i++)
        fixed += fixed_size(&def->f[i]) + (def->f[i].kind == DK_F_VPREFIX6);
    if (o->len < fixed)
        return fail(c, w, off, o, DK_ELENGTH, "length %u is shorter than its %zu fixed octets",
                    o->len, fixed);

    for (size_t i = 0; i < def->nfields; i++) {
        const struct dk_field_def *f = &def->f[i];
        struct dk_val *v = &o->v[i];
        uint8_t u8;
        uint16_t u16;
        switch (f->kind) {
        case DK_F_U8:
            dk_rbuf_u8(&r, &u8);
            v->u = u8;
            break;
        case DK_F_U16:
        case DK_F_PSID:
            dk_rbuf_u16(&r, &u16);
            v->u = u16;
            break;
        case DK_F_U32:
            dk_rbuf_u32(&r, &v->u);
            break;
        case DK_F_IPV4:
        case DK_F_IPV6:
        case DK_F_BYTES_FIXED:
            v->n = (uint32_t)fixed_size(f);
            dk_rbuf_take(&r, v->n, &v->p);
            break;
        case DK_F_PREFIX4:
        case DK_F_PREFIX6:
        case DK_F_VPREFIX6: {
            unsigned max = f->kind == DK_F_PREFIX4 ? 32 : 128;
            dk_rbuf_u8(&r, &u8);
            v->u = u8;
            if (u8 > max)
                return fail(c, w, off, o, DK_EVALUE, "%s length %u out of the range from 0 to %u",
                            f->name, u8, max);
            /* RFC 7598 §4.1: only the octets the prefix length needs are sent. */
            v->n = f->kind == DK_F_PREFIX4 ? 4 : f->kind == DK_F_PREFIX6 ? 16 : (u8 + 7u) / 8;
            if (dk_rbuf_take(&r, v->n, &v->p))
                return fail(c, w, off, o, DK_ELENGTH, "length %u is too short for its %s", o->len,
                            f->name);
            break;
        }
        case DK_F_OPTIONS:
        case DK_F_SUBOPTS:
        case DK_F_MESSAGE: {
            size_t n = dk_rbuf_left(&r);
            size_t at = off + 4 + r.off;
            const uint8_t *p = dk_rbuf_cur(&r);
            dk_rbuf_take(&r, n, &v->p);
            v->n = (uint32_t)n;
            if (f->kind == DK_F_MESSAGE && n == 0)
                return fail(c, w, off, o, DK_ELENGTH, "the encapsulated message is empty");
            if (n == 0) /* no children: nothing to queue, so no depth to count */
                break;
            struct work *child = push(c, w, f->kind == DK_F_MESSAGE ? W_MSG : W_OPTS, p, n, at);
            if (!child)
                return fail(c, w, off, o, DK_ENOMEM, "out of decoding memory");
            child->code = o->code;
            child->has_code = true;
            child->space = f->kind == DK_F_SUBOPTS ? f->size : DK_SPACE_DHCPV6;
            child->depth = w->depth + 1;
            if (f->kind == DK_F_MESSAGE) {
                child->msg_out = &o->msg;
            } else {
                child->opts_out = &o->opts;
                child->nopts_out = &o->nopts;
            }
            break;
        }
        default: { /* the other rest-of-option kinds */
            size_t n = dk_rbuf_left(&r);
            dk_rbuf_take(&r, n, &v->p);
            v->n = (uint32_t)n;
            int err = check_rest(c, w, off, o, f, v);
            if (err)
                return err;
            break;
        }
        }
        if (r.err)
            return fail(c, w, off, o, DK_ELENGTH, "length %u is too short", o->len);
    }
    if (dk_rbuf_left(&r))
        return fail(c, w, off, o, DK_ELENGTH,
                    "length %u does not match: %zu octets after the last field", o->len,
                    dk_rbuf_left(&r));
    return 0;
}

static int decode_opts(struct ctx *c, struct work *w)
{
    size_t count = 0, off = 0;
    if (w->depth > DK_MAX_OPT_DEPTH)
        return fail(c, w, w->off, NULL, DK_EDEPTH, "options nested more than %d deep",
                    DK_MAX_OPT_DEPTH);
    /* First pass: check every option fits, and count them. */
    while (off < w->n) {
        size_t left = w->n - off;
        if (left < 4)
            return fail(c, w, w->off + off, NULL, DK_ETRUNC,
                        "%zu octets left, too few for an option header", left);
        uint16_t code = (uint16_t)(w->p[off] << 8 | w->p[off + 1]);
        size_t len = (size_t)(w->p[off + 2] << 8 | w->p[off + 3]);
        if (len > left - 4) {
            struct dk_opt probe = {.code = code, .space = w->space};
            return fail(c, w, w->off + off, &probe, DK_ETRUNC,
                        "length %zu exceeds the %zu octets left", len, left - 4);
        }
        off += 4 + len;
        count++;
    }
    struct dk_opt *opts = NULL;
    if (count) {
        opts = dk_arena_alloc(c->arena, count * sizeof(*opts));
        if (!opts)
            return fail(c, w, w->off, NULL, DK_ENOMEM, "out of decoding memory for %zu options",
                        count);
    }
    *w->opts_out = opts;
    *w->nopts_out = count;

    off = 0;
    for (size_t i = 0; i < count; i++) {
        struct dk_opt *o = &opts[i];
        o->code = (uint16_t)(w->p[off] << 8 | w->p[off + 1]);
        o->len = (uint16_t)(w->p[off + 2] << 8 | w->p[off + 3]);
        o->space = w->space;
        o->body = w->p + off + 4;
        o->def = dk_optdef_find(w->space, o->code);
        if (o->def) {
            int err = decode_fields(c, w, w->off + off, o);
            if (err)
                return err;
        } else {
            o->v[0].p = o->body; /* unknown: kept as opaque data */
            o->v[0].n = o->len;
        }
        off += 4 + (size_t)o->len;
    }
    return 0;
}

static int decode_msg(struct ctx *c, struct work *w)
{
    struct dk_rbuf r;
    struct dk_msg *m = dk_arena_alloc(c->arena, sizeof(*m));
    if (!m)
        return fail(c, w, w->off, NULL, DK_ENOMEM, "out of decoding memory");
    if (w->n == 0)
        return fail(c, w, w->off, NULL, DK_ETRUNC, "empty message");
    dk_rbuf_init(&r, w->p, w->n);
    dk_rbuf_u8(&r, &m->type);
    if (w->msgs + 1 > DK_MAX_MSG_NESTING)
        return fail(c, w, w->off, NULL, DK_EDEPTH, "messages nested more than %d deep",
                    DK_MAX_MSG_NESTING);
    if (dk_msg_is_relay(m->type)) {
        /* RFC 8415 §7.6: the chain depth is decided by structure, not hop-count. */
        if (w->relays + 1 > DK_MAX_RELAYS)
            return fail(c, w, w->off, NULL, DK_EDEPTH, "more than %d relay messages nested",
                        DK_MAX_RELAYS);
        dk_rbuf_u8(&r, &m->hop_count);
        dk_rbuf_copy(&r, m->link, 16);
        dk_rbuf_copy(&r, m->peer, 16);
        if (r.err)
            return fail(c, w, w->off, NULL, DK_ETRUNC,
                        "relay message of %zu octets is shorter than its 34-octet header", w->n);
    } else if (dk_msg_is_client_server(m->type)) {
        dk_rbuf_u24(&r, &m->xid);
        if (r.err)
            return fail(c, w, w->off, NULL, DK_ETRUNC,
                        "message of %zu octets is shorter than its 4-octet header", w->n);
    } else { /* a type we do not know: kept as opaque data */
        m->raw = dk_rbuf_cur(&r);
        m->nraw = dk_rbuf_left(&r);
        *w->msg_out = m;
        return 0;
    }
    *w->msg_out = m;
    struct work *opts = push(c, w, W_OPTS, dk_rbuf_cur(&r), dk_rbuf_left(&r), w->off + r.off);
    if (!opts)
        return fail(c, w, w->off, NULL, DK_ENOMEM, "out of decoding memory");
    opts->msgs = w->msgs + 1;
    opts->relays = w->relays + dk_msg_is_relay(m->type);
    opts->depth = 1;
    opts->opts_out = &m->opts;
    opts->nopts_out = &m->nopts;
    return 0;
}

static int run(struct ctx *c)
{
    while (c->head) {
        struct work *w = c->head;
        c->head = w->next;
        if (!c->head)
            c->tail = NULL;
        /* One bound on the whole tree keeps the recursive encoder, renderer
         * and validator shallow whatever the mix of messages and options. */
        if (w->level > DK_MAX_NESTING)
            return fail(c, w, w->off, NULL, DK_EDEPTH, "nested more than %d levels deep",
                        DK_MAX_NESTING);
        int err = w->kind == W_MSG ? decode_msg(c, w) : decode_opts(c, w);
        if (err)
            return err;
    }
    return 0;
}

int dk_msg_decode(const uint8_t *p, size_t len, struct dk_arena *arena, struct dk_msg **out,
                  struct dk_diag *diag)
{
    struct ctx c = {.arena = arena, .diag = diag};
    *out = NULL;
    if (diag)
        memset(diag, 0, sizeof(*diag));
    struct work *top = push(&c, NULL, W_MSG, p, len, 0);
    if (!top)
        return fail(&c, NULL, 0, NULL, DK_ENOMEM, "out of decoding memory");
    top->msg_out = out;
    int err = run(&c);
    if (err)
        *out = NULL;
    return err;
}

int dk_opts_decode(const uint8_t *p, size_t len, unsigned space, struct dk_arena *arena,
                   struct dk_opt **opts, size_t *nopts, struct dk_diag *diag)
{
    struct ctx c = {.arena = arena, .diag = diag};
    *opts = NULL;
    *nopts = 0;
    if (diag)
        memset(diag, 0, sizeof(*diag));
    struct work *top = push(&c, NULL, W_OPTS, p, len, 0);
    if (!top)
        return fail(&c, NULL, 0, NULL, DK_ENOMEM, "out of decoding memory");
    top->space = (uint8_t)space;
    top->opts_out = opts;
    top->nopts_out = nopts;
    return run(&c);
}

const struct dk_opt *dk_opt_find(const struct dk_opt *opts, size_t n, unsigned code)
{
    for (size_t i = 0; i < n; i++)
        if (opts[i].code == code)
            return &opts[i];
    return NULL;
}

const struct dk_opt *dk_msg_find(const struct dk_msg *m, unsigned code)
{
    return dk_opt_find(m->opts, m->nopts, code);
}

const struct dk_msg *dk_msg_inner(const struct dk_msg *m, size_t *nrelays)
{
    size_t n = 0;
    while (dk_msg_is_relay(m->type)) {
        const struct dk_opt *o = dk_msg_find(m, DK_OPT_RELAY_MSG);
        if (!o || !o->msg)
            break;
        m = o->msg;
        n++;
    }
    if (nrelays)
        *nrelays = n;
    return m;
}

char *dk_diag_format(const struct dk_diag *d, char *out, size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return out;
    out[0] = '\0';
#define APPEND(...)                                                                                \
    do {                                                                                           \
        int k_ = snprintf(out + o, cap - o, __VA_ARGS__);                                          \
        o = k_ < 0 ? o : (size_t)k_ >= cap - o ? cap - 1 : o + (size_t)k_;                         \
    } while (0)
    APPEND("offset %zu: ", d->offset);
    /* Innermost first: "option 5 (IAADDR) in option 3 (IA_NA): ..." */
    for (size_t i = d->npath; i-- > 0;) {
        const struct dk_optdef *def = dk_optdef_find(d->space[i], d->path[i]);
        APPEND("%soption %u (%s)", i + 1 == d->npath ? "" : " in ", d->path[i],
               def ? short_name(def) : "unknown");
    }
    APPEND("%s%s", d->npath ? ": " : "", d->text[0] ? d->text : dk_strerror(d->err));
#undef APPEND
    return out;
}
