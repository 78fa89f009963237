/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Messages under construction: linked trees in an arena (build.h). Only
 * dk_bmsg_finish() turns them into the arrays the encoder and validator
 * walk; nothing here ever points into an output buffer.
 */
#include <string.h>

#include <dhcpkit/build.h>

struct dk_bmsg *dk_bmsg_new(struct dk_arena *a, uint8_t type)
{
    struct dk_bmsg *m = dk_arena_alloc(a, sizeof(*m));
    if (m)
        m->type = type;
    return m;
}

struct dk_bopt *dk_bopt_new(struct dk_arena *a, unsigned space, uint16_t code)
{
    struct dk_bopt *o = dk_arena_alloc(a, sizeof(*o));
    if (!o)
        return NULL;
    o->o.code = code;
    o->o.space = (uint8_t)space;
    o->o.def = dk_optdef_find(space, code);
    return o;
}

static void link_last(struct dk_bopt **head, struct dk_bopt *o)
{
    o->next = NULL;
    while (*head)
        head = &(*head)->next;
    *head = o;
}

void dk_bmsg_append(struct dk_bmsg *m, struct dk_bopt *o)
{
    link_last(&m->opts, o);
}

void dk_bmsg_prepend(struct dk_bmsg *m, struct dk_bopt *o)
{
    o->next = m->opts;
    m->opts = o;
}

void dk_bopt_append(struct dk_bopt *parent, struct dk_bopt *o)
{
    link_last(&parent->kids, o);
}

struct dk_bopt *dk_bmsg_add(struct dk_arena *a, struct dk_bmsg *m, uint16_t code)
{
    struct dk_bopt *o = dk_bopt_new(a, DK_SPACE_DHCPV6, code);
    if (o)
        dk_bmsg_append(m, o);
    return o;
}

/* The space of the children of an option: its DK_F_SUBOPTS field says. */
static unsigned kid_space(const struct dk_bopt *parent)
{
    const struct dk_optdef *def = parent->o.def;
    for (size_t i = 0; def && i < def->nfields; i++)
        if (def->f[i].kind == DK_F_SUBOPTS)
            return def->f[i].size;
    return DK_SPACE_DHCPV6;
}

struct dk_bopt *dk_bopt_add(struct dk_arena *a, struct dk_bopt *parent, uint16_t code)
{
    struct dk_bopt *o = dk_bopt_new(a, kid_space(parent), code);
    if (o)
        dk_bopt_append(parent, o);
    return o;
}

static struct dk_bopt *find_from(struct dk_bopt *o, uint16_t code)
{
    while (o && o->o.code != code)
        o = o->next;
    return o;
}

struct dk_bopt *dk_bmsg_find(const struct dk_bmsg *m, uint16_t code)
{
    return find_from(m->opts, code);
}

struct dk_bopt *dk_bopt_find(const struct dk_bopt *parent, uint16_t code)
{
    return find_from(parent->kids, code);
}

struct dk_bopt *dk_bopt_next_same(const struct dk_bopt *o)
{
    return find_from(o->next, o->o.code);
}

static bool unlink_from(struct dk_bopt **head, const struct dk_bopt *o)
{
    for (; *head; head = &(*head)->next) {
        if (*head == o) {
            *head = o->next;
            return true;
        }
    }
    return false;
}

bool dk_bmsg_remove(struct dk_bmsg *m, const struct dk_bopt *o)
{
    return unlink_from(&m->opts, o);
}

bool dk_bopt_remove(struct dk_bopt *parent, const struct dk_bopt *o)
{
    return unlink_from(&parent->kids, o);
}

int dk_bopt_set_copy(struct dk_arena *a, struct dk_bopt *o, size_t i, const void *p, size_t n)
{
    if (i >= DK_MAX_FIELDS)
        return DK_EINVAL;
    if (n > 65535)
        return DK_ELENGTH;
    uint8_t *c = dk_arena_alloc(a, n ? n : 1);
    if (!c)
        return DK_ENOMEM;
    if (n)
        memcpy(c, p, n);
    dk_bopt_set_ref(o, i, c, n);
    return 0;
}

int dk_bopt_append_bytes(struct dk_arena *a, struct dk_bopt *o, size_t i, const void *p, size_t n)
{
    if (i >= DK_MAX_FIELDS)
        return DK_EINVAL;
    size_t old = o->o.v[i].n;
    if (n > 65535 || old > 65535 - n)
        return DK_ELENGTH;
    uint8_t *c = dk_arena_alloc(a, old + n ? old + n : 1);
    if (!c)
        return DK_ENOMEM;
    if (old)
        memcpy(c, o->o.v[i].p, old);
    if (n)
        memcpy(c + old, p, n);
    dk_bopt_set_ref(o, i, c, old + n);
    return 0;
}

static struct dk_bmsg *msg_from(struct dk_arena *a, const struct dk_msg *src, unsigned depth);

static struct dk_bopt *opt_from(struct dk_arena *a, const struct dk_opt *src, unsigned depth)
{
    if (depth > DK_BUILD_MAX_DEPTH)
        return NULL;
    struct dk_bopt *o = dk_arena_alloc(a, sizeof(*o));
    if (!o)
        return NULL;
    o->o = *src;
    o->o.opts = NULL;
    o->o.nopts = 0;
    o->o.msg = NULL;
    struct dk_bopt **tail = &o->kids;
    for (size_t i = 0; i < src->nopts; i++) {
        struct dk_bopt *k = opt_from(a, &src->opts[i], depth + 1);
        if (!k)
            return NULL;
        *tail = k;
        tail = &k->next;
    }
    if (src->msg) {
        o->msg = msg_from(a, src->msg, depth + 1);
        if (!o->msg)
            return NULL;
    }
    return o;
}

static struct dk_bmsg *msg_from(struct dk_arena *a, const struct dk_msg *src, unsigned depth)
{
    if (depth > DK_BUILD_MAX_DEPTH)
        return NULL;
    struct dk_bmsg *m = dk_bmsg_new(a, src->type);
    if (!m)
        return NULL;
    m->hop_count = src->hop_count;
    m->xid = src->xid;
    memcpy(m->link, src->link, 16);
    memcpy(m->peer, src->peer, 16);
    struct dk_bopt **tail = &m->opts;
    for (size_t i = 0; i < src->nopts; i++) {
        struct dk_bopt *k = opt_from(a, &src->opts[i], depth + 1);
        if (!k)
            return NULL;
        *tail = k;
        tail = &k->next;
    }
    return m;
}

struct dk_bopt *dk_bopt_from_opt(struct dk_arena *a, const struct dk_opt *src)
{
    return opt_from(a, src, 0);
}

struct dk_bmsg *dk_bmsg_from_msg(struct dk_arena *a, const struct dk_msg *src)
{
    return msg_from(a, src, 0);
}

struct dk_bopt *dk_bopt_status(struct dk_arena *a, uint16_t status, const char *text)
{
    struct dk_bopt *o = dk_bopt_new(a, DK_SPACE_DHCPV6, DK_OPT_STATUS_CODE);
    if (!o)
        return NULL;
    dk_bopt_set_u(o, 0, status);
    if (text && dk_bopt_set_copy(a, o, 1, text, strlen(text)) != 0)
        return NULL;
    return o;
}

static int finish_msg(struct dk_arena *a, const struct dk_bmsg *bm, struct dk_msg **out,
                      unsigned depth);

/* Converts a list of siblings into an array. */
static int finish_list(struct dk_arena *a, const struct dk_bopt *head, struct dk_opt **opts,
                       size_t *nopts, unsigned depth)
{
    if (depth > DK_BUILD_MAX_DEPTH)
        return DK_EDEPTH;
    size_t n = 0;
    for (const struct dk_bopt *o = head; o; o = o->next)
        n++;
    *opts = NULL;
    *nopts = 0;
    if (!n)
        return 0;
    struct dk_opt *v = dk_arena_alloc(a, n * sizeof(*v));
    if (!v)
        return DK_ENOMEM;
    size_t i = 0;
    for (const struct dk_bopt *o = head; o; o = o->next, i++) {
        v[i] = o->o;
        v[i].opts = NULL;
        v[i].nopts = 0;
        v[i].msg = NULL;
        int err = finish_list(a, o->kids, &v[i].opts, &v[i].nopts, depth + 1);
        if (err)
            return err;
        bool wants_msg = false;
        for (size_t f = 0; o->o.def && f < o->o.def->nfields; f++)
            wants_msg |= o->o.def->f[f].kind == DK_F_MESSAGE;
        if (o->msg) {
            err = finish_msg(a, o->msg, &v[i].msg, depth + 1);
            if (err)
                return err;
        } else if (wants_msg) {
            return DK_EINVAL;
        }
    }
    *opts = v;
    *nopts = n;
    return 0;
}

static int finish_msg(struct dk_arena *a, const struct dk_bmsg *bm, struct dk_msg **out,
                      unsigned depth)
{
    if (depth > DK_BUILD_MAX_DEPTH)
        return DK_EDEPTH;
    struct dk_msg *m = dk_arena_alloc(a, sizeof(*m));
    if (!m)
        return DK_ENOMEM;
    m->type = bm->type;
    m->hop_count = bm->hop_count;
    m->xid = bm->xid;
    memcpy(m->link, bm->link, 16);
    memcpy(m->peer, bm->peer, 16);
    int err = finish_list(a, bm->opts, &m->opts, &m->nopts, depth + 1);
    if (err)
        return err;
    *out = m;
    return 0;
}

int dk_bmsg_finish(struct dk_arena *a, const struct dk_bmsg *m, struct dk_msg **out)
{
    *out = NULL;
    return finish_msg(a, m, out, 0);
}
