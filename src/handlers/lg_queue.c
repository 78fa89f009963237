/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The looking glass's bounded lock-free queue (lg_queue.h). */
#include <stdlib.h>

#include <dhcpkit/errors.h>

#include "lg_queue.h"

#define LGQ_MAX ((size_t)1 << 24)

int dk__lgq_init(struct dk__lgq *q, size_t cap)
{
    size_t n = 2;
    while (n < cap && n < LGQ_MAX)
        n <<= 1;
    q->cells = calloc(n, sizeof(*q->cells));
    if (!q->cells)
        return DK_ENOMEM;
    for (size_t i = 0; i < n; i++)
        atomic_init(&q->cells[i].seq, i);
    q->mask = n - 1;
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    atomic_init(&q->dropped, 0);
    return 0;
}

void dk__lgq_clear(struct dk__lgq *q)
{
    free(q->cells);
    q->cells = NULL;
}

bool dk__lgq_push(struct dk__lgq *q, void *p)
{
    size_t pos = atomic_load_explicit(&q->head, memory_order_relaxed);
    for (;;) {
        struct dk__lgq_cell *c = &q->cells[pos & q->mask];
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&q->head, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed)) {
                c->data = p;
                atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
                return true;
            }
        } else if (dif < 0) {
            /* The cell still holds an entry a lap behind: full. */
            atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
            return false;
        } else {
            pos = atomic_load_explicit(&q->head, memory_order_relaxed);
        }
    }
}

void *dk__lgq_pop(struct dk__lgq *q)
{
    size_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
    for (;;) {
        struct dk__lgq_cell *c = &q->cells[pos & q->mask];
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)(pos + 1);
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed)) {
                void *p = c->data;
                atomic_store_explicit(&c->seq, pos + q->mask + 1, memory_order_release);
                return p;
            }
        } else if (dif < 0) {
            return NULL; /* empty */
        } else {
            pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
        }
    }
}

size_t dk__lgq_capacity(const struct dk__lgq *q)
{
    return q->mask + 1;
}

uint64_t dk__lgq_dropped(struct dk__lgq *q)
{
    return atomic_load_explicit(&q->dropped, memory_order_relaxed);
}
