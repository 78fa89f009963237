/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <dhcpkit/buf.h>

void dk_rbuf_init(struct dk_rbuf *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->off = 0;
    r->err = 0;
}

size_t dk_rbuf_left(const struct dk_rbuf *r)
{
    return r->err ? 0 : r->len - r->off;
}

const uint8_t *dk_rbuf_cur(const struct dk_rbuf *r)
{
    return r->p + r->off;
}

/* Fails (and sticks) unless n octets are left. */
static int need(struct dk_rbuf *r, size_t n)
{
    if (r->err)
        return r->err;
    if (n > r->len - r->off)
        r->err = DK_ETRUNC;
    return r->err;
}

int dk_rbuf_copy(struct dk_rbuf *r, void *out, size_t n)
{
    if (need(r, n)) {
        memset(out, 0, n);
        return r->err;
    }
    memcpy(out, r->p + r->off, n);
    r->off += n;
    return 0;
}

int dk_rbuf_u8(struct dk_rbuf *r, uint8_t *v)
{
    return dk_rbuf_copy(r, v, 1);
}

int dk_rbuf_u16(struct dk_rbuf *r, uint16_t *v)
{
    uint8_t b[2];
    int err = dk_rbuf_copy(r, b, 2);
    *v = (uint16_t)(b[0] << 8 | b[1]);
    return err;
}

int dk_rbuf_u24(struct dk_rbuf *r, uint32_t *v)
{
    uint8_t b[3];
    int err = dk_rbuf_copy(r, b, 3);
    *v = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
    return err;
}

int dk_rbuf_u32(struct dk_rbuf *r, uint32_t *v)
{
    uint8_t b[4];
    int err = dk_rbuf_copy(r, b, 4);
    *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return err;
}

int dk_rbuf_take(struct dk_rbuf *r, size_t n, const uint8_t **p)
{
    if (need(r, n)) {
        *p = NULL;
        return r->err;
    }
    *p = r->p + r->off;
    r->off += n;
    return 0;
}

int dk_rbuf_sub(struct dk_rbuf *r, size_t n, struct dk_rbuf *sub)
{
    const uint8_t *p;
    if (dk_rbuf_take(r, n, &p)) {
        dk_rbuf_init(sub, NULL, 0);
        sub->err = r->err;
        return r->err;
    }
    dk_rbuf_init(sub, p, n);
    return 0;
}

int dk_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void dk_wbuf_init(struct dk_wbuf *w, uint8_t *p, size_t cap)
{
    w->p = p;
    w->cap = cap;
    w->len = 0;
    w->err = 0;
}

int dk_wbuf_put(struct dk_wbuf *w, const void *p, size_t n)
{
    if (w->err)
        return w->err;
    if (n > w->cap - w->len)
        return w->err = DK_ENOSPC;
    if (n)
        memcpy(w->p + w->len, p, n);
    w->len += n;
    return 0;
}

int dk_wbuf_u8(struct dk_wbuf *w, uint8_t v)
{
    return dk_wbuf_put(w, &v, 1);
}

int dk_wbuf_u16(struct dk_wbuf *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return dk_wbuf_put(w, b, 2);
}

int dk_wbuf_u24(struct dk_wbuf *w, uint32_t v)
{
    uint8_t b[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return dk_wbuf_put(w, b, 3);
}

int dk_wbuf_u32(struct dk_wbuf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return dk_wbuf_put(w, b, 4);
}

int dk_wbuf_patch16(struct dk_wbuf *w, size_t at, uint16_t v)
{
    if (w->err)
        return w->err;
    if (at > w->len || w->len - at < 2)
        return w->err = DK_EINVAL;
    w->p[at] = (uint8_t)(v >> 8);
    w->p[at + 1] = (uint8_t)v;
    return 0;
}

size_t dk_wbuf_opt_begin(struct dk_wbuf *w, uint16_t code)
{
    dk_wbuf_u16(w, code);
    size_t slot = w->len;
    dk_wbuf_u16(w, 0);
    return slot;
}

int dk_wbuf_opt_end(struct dk_wbuf *w, size_t slot)
{
    if (w->err)
        return w->err;
    if (slot > w->len || w->len - slot < 2)
        return w->err = DK_EINVAL;
    size_t body = w->len - slot - 2;
    if (body > UINT16_MAX)
        return w->err = DK_ELENGTH;
    return dk_wbuf_patch16(w, slot, (uint16_t)body);
}

void dk_arena_init(struct dk_arena *a, void *base, size_t cap)
{
    a->base = base;
    a->cap = cap;
    a->used = 0;
}

void dk_arena_reset(struct dk_arena *a)
{
    a->used = 0;
}

void *dk_arena_alloc(struct dk_arena *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    size_t start = (a->used + align - 1) & ~(align - 1);
    if (start > a->cap || n > a->cap - start)
        return NULL;
    a->used = start + n;
    void *p = a->base + start;
    memset(p, 0, n);
    return p;
}
