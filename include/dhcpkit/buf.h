/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_BUF_H
#define DHCPKIT_BUF_H

#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/errors.h>

/*
 * Bounded cursors over wire data. The first error is sticky: after it every
 * call fails with the same error and readers zero their output, so a run of
 * reads can be checked once at the end.
 */

/* A read-only view of len octets at p; borrows p. */
struct dk_rbuf {
    const uint8_t *p;
    size_t len, off;
    int err;
};

/* A writer into the caller's storage p of cap octets. */
struct dk_wbuf {
    uint8_t *p;
    size_t cap, len;
    int err;
};

void dk_rbuf_init(struct dk_rbuf *r, const uint8_t *p, size_t len);
/* Octets left to read (0 after an error). */
size_t dk_rbuf_left(const struct dk_rbuf *r);
/* Pointer to the current read position; valid as long as the viewed data. */
const uint8_t *dk_rbuf_cur(const struct dk_rbuf *r);

int dk_rbuf_u8(struct dk_rbuf *r, uint8_t *v);
int dk_rbuf_u16(struct dk_rbuf *r, uint16_t *v);
int dk_rbuf_u24(struct dk_rbuf *r, uint32_t *v);
int dk_rbuf_u32(struct dk_rbuf *r, uint32_t *v);
/* Copies n octets to out (zeroed on error). */
int dk_rbuf_copy(struct dk_rbuf *r, void *out, size_t n);
/* Skips n octets, returning a pointer to them in *p (NULL on error). */
int dk_rbuf_take(struct dk_rbuf *r, size_t n, const uint8_t **p);
/* Carves the next n octets out as a child view and advances past them. */
int dk_rbuf_sub(struct dk_rbuf *r, size_t n, struct dk_rbuf *sub);

/* The value of a hexadecimal digit (either case), or -1 for any other character. */
int dk_hexval(int c);

void dk_wbuf_init(struct dk_wbuf *w, uint8_t *p, size_t cap);
int dk_wbuf_u8(struct dk_wbuf *w, uint8_t v);
int dk_wbuf_u16(struct dk_wbuf *w, uint16_t v);
int dk_wbuf_u24(struct dk_wbuf *w, uint32_t v);
int dk_wbuf_u32(struct dk_wbuf *w, uint32_t v);
int dk_wbuf_put(struct dk_wbuf *w, const void *p, size_t n);
/* Overwrites a 16-bit value at an offset already written. */
int dk_wbuf_patch16(struct dk_wbuf *w, size_t at, uint16_t v);

/*
 * Starts an option: writes code and a placeholder length and returns the
 * offset of the length slot (an offset, never a pointer: the caller's buffer
 * may be replaced between calls).
 */
size_t dk_wbuf_opt_begin(struct dk_wbuf *w, uint16_t code);
/* Patches the length slot; DK_ELENGTH if the body exceeds 65535 octets. */
int dk_wbuf_opt_end(struct dk_wbuf *w, size_t slot);

/*
 * A bump allocator over the caller's storage, released in one go by
 * dk_arena_reset(). Used for decoded trees so that decoding allocates
 * nothing behind the caller's back.
 */
struct dk_arena {
    uint8_t *base;
    size_t cap, used;
};

void dk_arena_init(struct dk_arena *a, void *base, size_t cap);
void dk_arena_reset(struct dk_arena *a);
/* Zeroed, max-aligned memory, or NULL when the arena is exhausted. */
void *dk_arena_alloc(struct dk_arena *a, size_t n);

#endif
