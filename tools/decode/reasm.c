/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IPv6 fragment reassembly with bounded memory (see reasm.h). */
#include <stdlib.h>
#include <string.h>

#include "reasm.h"

/* One fragment held: [off, off + len) of the fragmentable part. */
struct range {
    uint16_t off, len;
};

struct entry {
    bool used;
    bool dead; /* given up: later fragments of this datagram are discarded */
    uint8_t src[16], dst[16];
    uint32_t id;
    double first;  /* capture time of its first fragment */
    uint64_t born; /* arrival order, for eviction */
    uint8_t next;  /* Next Header of the fragment at offset 0 */
    bool have_last;
    size_t total; /* length of the fragmentable part, once the last fragment is in */
    size_t received;
    uint8_t *buf; /* REASM_MAX_DATAGRAM octets */
    struct range *r;
    size_t nr;
};

struct reasm {
    struct entry e[REASM_MAX_PENDING];
    uint8_t *done; /* the last completed datagram, valid until the next call */
    uint64_t born;
    struct reasm_stats st;
};

struct reasm *reasm_new(void)
{
    return calloc(1, sizeof(struct reasm));
}

static void release(struct entry *e)
{
    free(e->buf);
    free(e->r);
    memset(e, 0, sizeof(*e));
}

/* Frees the buffers but keeps the key, so that later fragments are discarded. */
static void give_up(struct entry *e)
{
    free(e->buf);
    free(e->r);
    e->buf = NULL;
    e->r = NULL;
    e->nr = 0;
    e->dead = true;
}

void reasm_free(struct reasm *ra)
{
    if (!ra)
        return;
    for (size_t i = 0; i < REASM_MAX_PENDING; i++)
        release(&ra->e[i]);
    free(ra->done);
    free(ra);
}

/* RFC 8200 §4.5: give up datagrams not complete within 60 seconds. */
static void expire(struct reasm *ra, double now)
{
    for (size_t i = 0; i < REASM_MAX_PENDING; i++) {
        struct entry *e = &ra->e[i];
        if (e->used && now - e->first > REASM_TIMEOUT) {
            if (!e->dead)
                ra->st.incomplete++;
            release(e);
        }
    }
}

static struct entry *find(struct reasm *ra, const struct reasm_frag *f)
{
    for (size_t i = 0; i < REASM_MAX_PENDING; i++) {
        struct entry *e = &ra->e[i];
        if (e->used && e->id == f->id && memcmp(e->src, f->src, 16) == 0 &&
            memcmp(e->dst, f->dst, 16) == 0)
            return e;
    }
    return NULL;
}

/* A free slot, made by giving up the oldest datagram when all are in use. */
static struct entry *slot(struct reasm *ra)
{
    struct entry *oldest = NULL;
    for (size_t i = 0; i < REASM_MAX_PENDING; i++) {
        struct entry *e = &ra->e[i];
        if (!e->used)
            return e;
        if (!oldest || e->born < oldest->born)
            oldest = e;
    }
    if (!oldest->dead)
        ra->st.incomplete++;
    release(oldest);
    return oldest;
}

int reasm_add(struct reasm *ra, const struct reasm_frag *f, const uint8_t **out, size_t *nout,
              uint8_t *next)
{
    expire(ra, f->now);

    /* RFC 6946: an atomic fragment is a whole datagram, whatever else is pending. */
    if (f->offset == 0 && !f->more) {
        *out = f->p;
        *nout = f->n;
        *next = f->next;
        return 1;
    }
    /* RFC 8200 §4.5: a fragment other than the last must be a multiple of 8
     * octets long, and no fragment may reach beyond 65535 octets of payload. */
    if ((f->more && (f->n % 8 != 0 || f->n == 0)) || f->unfrag > REASM_MAX_DATAGRAM ||
        f->offset > REASM_MAX_DATAGRAM - f->unfrag ||
        f->n > REASM_MAX_DATAGRAM - f->unfrag - f->offset) {
        ra->st.bad++;
        return 0;
    }

    struct entry *e = find(ra, f);
    if (e && e->dead)
        return 0;
    if (!e) {
        e = slot(ra);
        e->buf = malloc(REASM_MAX_DATAGRAM);
        e->r = malloc(REASM_MAX_FRAGS * sizeof(*e->r));
        if (!e->buf || !e->r) {
            release(e);
            ra->st.bad++;
            return 0;
        }
        e->used = true;
        memcpy(e->src, f->src, 16);
        memcpy(e->dst, f->dst, 16);
        e->id = f->id;
        e->first = f->now;
        e->born = ++ra->born;
    }

    size_t end = f->offset + f->n;
    for (size_t i = 0; i < e->nr; i++) {
        size_t a = e->r[i].off, b = a + e->r[i].len;
        if (a == f->offset && b == end && memcmp(e->buf + a, f->p, f->n) == 0)
            return 0; /* an exact duplicate */
        /* RFC 5722 §4: overlapping fragments end the whole datagram. */
        if (f->offset < b && a < end)
            goto overlap;
        if (!f->more && b > end)
            goto overlap; /* data held beyond the last fragment */
    }
    if (e->have_last && (f->more ? end > e->total : end != e->total))
        goto overlap;
    if (e->nr == REASM_MAX_FRAGS) {
        ra->st.incomplete++;
        give_up(e);
        return 0;
    }

    memcpy(e->buf + f->offset, f->p, f->n);
    e->r[e->nr].off = (uint16_t)f->offset;
    e->r[e->nr].len = (uint16_t)f->n;
    e->nr++;
    e->received += f->n;
    if (f->offset == 0)
        e->next = f->next;
    if (!f->more) {
        e->have_last = true;
        e->total = end;
    }
    /* No two ranges overlap, so the octets received add up to the total only
     * when every octet from 0 to the end is in. */
    if (!e->have_last || e->received != e->total)
        return 0;
    free(ra->done);
    ra->done = e->buf;
    e->buf = NULL;
    *out = ra->done;
    *nout = e->total;
    *next = e->next;
    release(e);
    return 1;

overlap:
    ra->st.overlapping++;
    give_up(e);
    return 0;
}

struct reasm_stats reasm_finish(struct reasm *ra)
{
    for (size_t i = 0; i < REASM_MAX_PENDING; i++) {
        struct entry *e = &ra->e[i];
        if (e->used && !e->dead)
            ra->st.incomplete++;
        release(e);
    }
    return ra->st;
}
