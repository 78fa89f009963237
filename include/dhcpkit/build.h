/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_BUILD_H
#define DHCPKIT_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/errors.h>
#include <dhcpkit/message.h>

/*
 * Building messages. A message under construction is a tree of nodes
 * allocated from an arena: options are linked lists, so adding, finding and
 * removing never moves a node and a pointer to a node stays valid until the
 * arena is reset. Nothing here points into an output buffer: the tree is
 * turned into a struct dk_msg by dk_bmsg_finish() and written by
 * dk_msg_encode(), which patches option lengths by offset (a buffer that
 * grows never leaves a stale pointer behind; dnsmasq CVE-2022-0934).
 *
 * Field values (o.v[i].p) may borrow: from the decoded request (valid for
 * the transaction), from the configuration (valid while the pipeline lives)
 * or from the arena. dk_bopt_set_copy() copies into the arena.
 */

/* Keep the option even when the client's Option Request option does not ask
 * for it (a handler configured with always-send). */
#define DK_BOPT_ALWAYS 0x1u

struct dk_bmsg;

/* An option under construction. o holds code, space, def and the fields;
 * o.opts, o.nopts and o.msg are filled in by dk_bmsg_finish() only. */
struct dk_bopt {
    struct dk_opt o;
    struct dk_bopt *next; /* the next sibling */
    struct dk_bopt *kids; /* the first child (DK_F_OPTIONS, DK_F_SUBOPTS fields) */
    struct dk_bmsg *msg;  /* the message of a DK_F_MESSAGE field */
    unsigned flags;       /* DK_BOPT_* */
};

/* A message under construction: the header fields of struct dk_msg and the
 * first option. */
struct dk_bmsg {
    uint8_t type;
    uint8_t hop_count;
    uint32_t xid;
    uint8_t link[16];
    uint8_t peer[16];
    struct dk_bopt *opts;
};

/* Deepest tree dk_bmsg_finish() accepts: the bound of every walk of a
 * decoded tree (message.h), so that what finish accepts the encoder and
 * the validator accept too. */
#define DK_BUILD_MAX_DEPTH DK_MAX_NESTING

/* A new empty message of this type, or NULL when the arena is exhausted. */
struct dk_bmsg *dk_bmsg_new(struct dk_arena *a, uint8_t type);

/*
 * A new option of code in space, not yet linked anywhere, with its
 * definition looked up (NULL for an option we do not know: its body is then
 * o.v[0]). NULL when the arena is exhausted.
 */
struct dk_bopt *dk_bopt_new(struct dk_arena *a, unsigned space, uint16_t code);

/* Links o (not linked elsewhere) as the last or first option of m. */
void dk_bmsg_append(struct dk_bmsg *m, struct dk_bopt *o);
void dk_bmsg_prepend(struct dk_bmsg *m, struct dk_bopt *o);
/* Links o as the last child of parent. */
void dk_bopt_append(struct dk_bopt *parent, struct dk_bopt *o);

/* dk_bopt_new() + dk_bmsg_append(): a new last option of m (DHCPv6 space). */
struct dk_bopt *dk_bmsg_add(struct dk_arena *a, struct dk_bmsg *m, uint16_t code);
/* A new last child of parent, in the space parent's definition gives its
 * children (DK_F_SUBOPTS: that space; otherwise DHCPv6). */
struct dk_bopt *dk_bopt_add(struct dk_arena *a, struct dk_bopt *parent, uint16_t code);

/* The first option with this code in m, or NULL. */
struct dk_bopt *dk_bmsg_find(const struct dk_bmsg *m, uint16_t code);
/* The first child with this code, or NULL. */
struct dk_bopt *dk_bopt_find(const struct dk_bopt *parent, uint16_t code);
/* The next sibling after o with o's code, or NULL. */
struct dk_bopt *dk_bopt_next_same(const struct dk_bopt *o);

/* Unlinks o from m (or from parent's children). Returns whether it was there. */
bool dk_bmsg_remove(struct dk_bmsg *m, const struct dk_bopt *o);
bool dk_bopt_remove(struct dk_bopt *parent, const struct dk_bopt *o);

/* Sets field i to a number. */
static inline void dk_bopt_set_u(struct dk_bopt *o, size_t i, uint32_t u)
{
    o->o.v[i].u = u;
}

/* Sets field i to n octets at p, borrowed: p must outlive the transaction. */
static inline void dk_bopt_set_ref(struct dk_bopt *o, size_t i, const void *p, size_t n)
{
    o->o.v[i].p = (const uint8_t *)p;
    o->o.v[i].n = (uint32_t)n;
}

/* Sets field i to a copy of n octets at p in the arena. DK_ENOMEM, or
 * DK_ELENGTH when n exceeds what an option can hold (65535). */
DK_MUST_CHECK int dk_bopt_set_copy(struct dk_arena *a, struct dk_bopt *o, size_t i, const void *p,
                                   size_t n);

/* Appends n octets at p to field i (a list): the field becomes a new arena
 * copy of both. DK_ENOMEM or DK_ELENGTH as dk_bopt_set_copy(). */
DK_MUST_CHECK int dk_bopt_append_bytes(struct dk_arena *a, struct dk_bopt *o, size_t i,
                                       const void *p, size_t n);

/*
 * A copy of a decoded option as a tree node: the fields borrow what src
 * borrows, children and an encapsulated message are copied as nodes. NULL
 * when the arena is exhausted or the tree is deeper than DK_BUILD_MAX_DEPTH.
 */
struct dk_bopt *dk_bopt_from_opt(struct dk_arena *a, const struct dk_opt *src);
/* The same for a whole decoded message. */
struct dk_bmsg *dk_bmsg_from_msg(struct dk_arena *a, const struct dk_msg *src);

/* A Status Code option (RFC 8415 §21.13) with a copy of text (UTF-8). */
struct dk_bopt *dk_bopt_status(struct dk_arena *a, uint16_t status, const char *text);

/*
 * Turns the tree into a struct dk_msg (option arrays, as the decoder makes
 * them) in the arena, for dk_msg_encode() and dk_msg_validate(). The result
 * borrows the field values of the tree. Returns 0, DK_ENOMEM, DK_EDEPTH (a
 * tree deeper than DK_BUILD_MAX_DEPTH) or DK_EINVAL (a message option
 * without its message).
 */
DK_MUST_CHECK int dk_bmsg_finish(struct dk_arena *a, const struct dk_bmsg *m, struct dk_msg **out);

#endif
