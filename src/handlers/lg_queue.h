/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_HANDLERS_LG_QUEUE_H
#define DHCPKIT_HANDLERS_LG_QUEUE_H

/*
 * The looking glass's queue: a bounded, lock-free queue of pointers from the
 * worker threads (any number of producers) to its writer thread (one
 * consumer; several would work too). A push never waits and never makes a
 * system call: when the queue is full it fails at once and counts the loss.
 * (D. Vyukov's bounded MPMC queue: one sequence number per cell.)
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dk__lgq_cell {
    _Atomic size_t seq;
    void *data;
};

struct dk__lgq {
    struct dk__lgq_cell *cells;
    size_t mask;                           /* capacity - 1; the capacity is a power of two */
    _Alignas(64) _Atomic size_t head;      /* next push */
    _Alignas(64) _Atomic size_t tail;      /* next pop */
    _Alignas(64) _Atomic uint64_t dropped; /* pushes refused because the queue was full */
};

/* Makes a queue of at least cap entries (rounded up to a power of two, at
 * least 2, at most 2^24). Returns 0 or DK_ENOMEM. */
int dk__lgq_init(struct dk__lgq *q, size_t cap);
/* Frees the cells (not what they hold: pop it all first). */
void dk__lgq_clear(struct dk__lgq *q);
/* Adds p; false (and dropped + 1) when the queue is full. The caller keeps
 * ownership of p when it fails. Wait-free in practice, no system call. */
bool dk__lgq_push(struct dk__lgq *q, void *p);
/* Takes the oldest entry, or NULL when the queue is empty. */
void *dk__lgq_pop(struct dk__lgq *q);
/* The capacity, and the count of refused pushes so far. */
size_t dk__lgq_capacity(const struct dk__lgq *q);
uint64_t dk__lgq_dropped(struct dk__lgq *q);

#endif
