/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A background writer (bgwriter.h). */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/errors.h>

#include "bgwriter.h"

#define BGW_IDLE_MS    20
#define BGW_WARN_EVERY 10000 /* ms between warnings about dropped records */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *run(void *arg)
{
    struct dk__bgw *w = arg;
    /* The workers come first: on a busy machine the writer gets what CPU
     * is left, and the queue (dropping and counting) absorbs the rest. */
    struct sched_param sp = {0};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
    int64_t last_warn = mono_ms() - BGW_WARN_EVERY;
    uint64_t warned = 0;
    for (;;) {
        bool stop = atomic_load(&w->stop);
        size_t n = w->batch(w->ctx);
        uint64_t dropped = dk__lgq_dropped(&w->q);
        if (dropped != warned && w->log.fn && mono_ms() - last_warn >= BGW_WARN_EVERY) {
            char msg[240];
            snprintf(msg, sizeof(msg), "%s: %llu %s dropped so far: the queue of %zu was full",
                     w->name, (unsigned long long)dropped, w->noun, dk__lgq_capacity(&w->q));
            w->log.fn(w->log.ctx, DK_LOGLEVEL_WARNING, msg);
            warned = dropped;
            last_warn = mono_ms();
        }
        if (n == 0 && stop)
            break;
        if (n == 0) {
            struct timespec ts = {0, BGW_IDLE_MS * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

int dk__bgw_init(struct dk__bgw *w, size_t cap)
{
    return dk__lgq_init(&w->q, cap);
}

int dk__bgw_start(struct dk__bgw *w, char *err, size_t errlen)
{
    atomic_init(&w->stop, false);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        snprintf(err, errlen, "cannot start the writer thread");
        return DK_ENOMEM;
    }
    w->started = true;
    return 0;
}

size_t dk__bgw_discard(struct dk__bgw *w, void *first)
{
    size_t n = 0;
    for (void *r = first; r; r = dk__lgq_pop(&w->q), n++)
        free(r);
    atomic_fetch_add_explicit(&w->q.dropped, n, memory_order_relaxed);
    return n;
}

void dk__bgw_clear(struct dk__bgw *w)
{
    if (w->started) {
        atomic_store(&w->stop, true);
        pthread_join(w->thread, NULL);
        w->started = false;
    }
    if (w->q.cells) {
        for (void *r; (r = dk__lgq_pop(&w->q));)
            free(r);
        dk__lgq_clear(&w->q);
    }
}

int dk__bgw_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return 1;
    char *dir = strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    int ok = dir && access(slash ? dir : ".", W_OK | X_OK) == 0;
    free(dir);
    if (!ok) {
        snprintf(err, errlen, "%s: cannot be made: its folder is missing or not writable", path);
        return DK_EINVAL;
    }
    return 0;
}
