/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_ENGINE_H
#define DHCPKIT_SERVER_ENGINE_H

/*
 * The engine process: unprivileged, it handles every packet. Its main thread
 * talks to the parent and serves the control socket; worker threads read the
 * listening sockets with recvmmsg, hand each datagram to the pipeline and
 * send the replies with sendmmsg.
 *
 * What the workers read (the pipeline, listener metadata, the interface
 * table, the statistics categories) is immutable and reached through atomic
 * pointers. The main thread replaces it by swapping a pointer and frees the
 * old object only after a grace period (dk__engine_synchronize), when every
 * worker has passed its quiescent point at the top of its loop since the
 * swap: no locks on the per-packet path.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ipc.h"
#include "pipeline.h"
#include "stats.h"

/* What the workers see of a listener; immutable. */
struct dk_lview {
    struct dk_ipc_listener meta;
};

/* A listener of the engine (main thread owns it; workers read view, drops). */
struct dk_elistener {
    uint32_t id;
    int fd;
    bool active;  /* serving (added to the workers) */
    bool pending; /* named by the config being committed */
    uint32_t pending_gen;
    struct dk_ipc_listener pending_meta;
    _Atomic(struct dk_lview *) view;
    _Atomic uint32_t drops; /* SO_RXQ_OVFL: the socket's drop count */
    struct dk_elistener *next;
};

/* The interface table (see struct dk_ipc_iftable); immutable. */
struct dk_iftab {
    size_t nifs, naddrs;
    struct dk_ipc_if *ifs;
    struct dk_ipc_addr *addrs; /* sorted by address */
};

struct dk_engine;

/* One worker thread. */
struct dk_wthread {
    struct dk_engine *eng;
    unsigned slot; /* its index in the statistics categories */
    pthread_t thread;
    int epfd, wakefd;
    _Atomic uint64_t qs; /* bumped at every quiescent point */
    _Atomic bool stop;
    struct dk_worker *w;
    struct dk_counters global;
    void *io; /* buffers, see io.c */
};

/* The thread of the <listen-tcp> connections (tcp.c): one epoll over the
 * TCP listeners and their connections. It takes part in grace periods like
 * a worker (qs, wakefd). */
struct dk_tcpthread {
    struct dk_engine *eng;
    pthread_t thread;
    int epfd, wakefd;
    _Atomic uint64_t qs; /* bumped at every quiescent point */
    _Atomic bool stop;
    struct dk_worker *w;
    struct dk_counters global; /* its only writer is the thread */
    void *conns;               /* tcp.c */
};

/* Everything a configuration brings, swapped as one. */
struct dk_active {
    struct dk_config *cfg;
    struct dk_pipeline *pipeline; /* built from cfg */
    struct dk_stats_cats *cats;
};

struct dk_engine {
    int ipc;
    int verbosity;
    _Atomic(struct dk_active *) active;
    _Atomic(struct dk_iftab *) iftab;
    uint32_t generation; /* of the config in use */

    struct dk_wthread **threads;
    size_t nthreads;
    struct dk_totals retired; /* counts of workers that have stopped */
    uint64_t retired_drops;   /* kernel drops of listeners that are gone */
    _Atomic bool stopping;

    struct dk_elistener *listeners;
    struct dk_tcpthread *tcp; /* started with the first TCP listener */

    /* The config being committed (DK_IPC_CONFIG). */
    char *pending_text;
    size_t pending_len;
    struct dk_ipc_config pending;
    bool have_pending;

    /* Control socket */
    int ctl_fd;
    struct dk_ipc_control ctl_policy;
    struct dk_ctl_conn *conns;
    size_t nconns;
    uint32_t next_token;

    time_t started;
};

/* Entry point of the engine process (ipv6-dhcpd -E): fd 3 is the socket to
 * the parent, fd 4 the log socket. Returns the exit status. */
int dk__engine_main(int verbosity);

/* Waits until every worker has passed a quiescent point (main thread). */
void dk__engine_synchronize(struct dk_engine *e);

/* Sums the statistics of every worker (main thread). */
void dk__engine_totals(struct dk_engine *e, struct dk_totals *t, uint64_t *kernel_drops);

/* io.c: the worker thread. */
void *dk__worker_run(void *arg);
int dk__worker_io_new(struct dk_wthread *t);
void dk__worker_io_free(struct dk_wthread *t);

/* tcp.c: the <listen-tcp> thread (main thread calls these). watch starts
 * the thread if needed and adds the listener (0 or -1); unwatch removes it
 * (the caller then waits a grace period before freeing it); stop ends the
 * thread and closes its connections. */
int dk__tcp_watch(struct dk_engine *e, struct dk_elistener *el);
void dk__tcp_unwatch(struct dk_engine *e, struct dk_elistener *el);
void dk__tcp_stop(struct dk_engine *e);

/* control.c: the control socket, served by the engine's main thread. */
struct pollfd;
size_t dk__ctl_pollfds(struct dk_engine *e, struct pollfd *pfd, size_t max);
void dk__ctl_events(struct dk_engine *e, const struct pollfd *pfd, size_t n);
void dk__ctl_reload_result(struct dk_engine *e, uint32_t token, bool ok, const char *text);
void dk__ctl_close_all(struct dk_engine *e);

#ifndef DK_VERSION_STRING
#define DK_VERSION_STRING "unknown"
#endif

#endif
