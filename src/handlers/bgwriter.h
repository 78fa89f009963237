/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_HANDLERS_BGWRITER_H
#define DHCPKIT_HANDLERS_BGWRITER_H

/*
 * A background writer (looking-glass, leasequery): a bounded lock-free queue
 * (lg_queue.h) the workers push malloc'd records on, and one thread at
 * SCHED_IDLE that takes them off in batches through the owner's callback,
 * warns at most every 10 s while records are dropped, and on stop writes
 * what is left before it ends.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <dhcpkit/bundle.h>

#include "lg_queue.h"

struct dk__bgw {
    struct dk__lgq q;
    /* Writes a batch of what is queued (the callback pops and frees each
     * record); returns how many it took. 0 means idle: the thread sleeps
     * a little. */
    size_t (*batch)(void *ctx);
    void *ctx;
    const char *name, *noun; /* for the warning: "looking-glass", "records" */
    struct dk_log log;
    pthread_t thread;
    bool started;
    _Atomic bool stop;
};

/* Makes the queue (cap entries, see dk__lgq_init). 0 or DK_ENOMEM. */
int dk__bgw_init(struct dk__bgw *w, size_t cap);
/* Starts the thread. 0, or DK_ENOMEM with a message in err. */
int dk__bgw_start(struct dk__bgw *w, char *err, size_t errlen);
/* For the callback, when records cannot be written: frees first and
 * everything queued, counts them as dropped, and returns how many. */
size_t dk__bgw_discard(struct dk__bgw *w, void *first);
/* Stops the thread after it wrote what is queued, frees what is left
 * (free()) and the queue. Safe on a writer never initialised or started. */
void dk__bgw_clear(struct dk__bgw *w);

/*
 * The file a writer keeps: 1 when path exists (the caller opens it now, so
 * that its problems are config errors); 0 when it is missing and its folder
 * is writable (the writer makes it with the first record, as the engine's
 * user: a config check as root must not leave a file behind); DK_EINVAL
 * with a message in err otherwise.
 */
int dk__bgw_file(const char *path, char *err, size_t errlen);

#endif
