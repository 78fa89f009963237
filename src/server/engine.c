/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The engine process: builds the pipeline from the config the parent sends,
 * runs the worker threads over the sockets the parent opens, swaps
 * configurations atomically and serves the control socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "engine.h"
#include "listeners.h"
#include "log.h"
#include "sandbox.h"

#define IPC_FD      3
#define LOG_FD      4
#define MAX_CONFIG  DK_CONFIG_MAX_FILE
#define MAX_IFTABLE (64u << 20)

static struct dk_engine E;

/* ------------------------------------------------------------------------- */
/* Grace periods */

void dk__engine_synchronize(struct dk_engine *e)
{
    uint64_t snap[1024]; /* workers: at most 1024 (the schema's range) */
    if (e->nthreads > 1024)
        dk__fatalx("%s: %zu workers", __func__, e->nthreads);
    for (size_t i = 0; i < e->nthreads; i++) {
        snap[i] = atomic_load(&e->threads[i]->qs);
        uint64_t one = 1;
        (void)!write(e->threads[i]->wakefd, &one, sizeof(one));
    }
    uint64_t tsnap = 0;
    if (e->tcp) {
        uint64_t one = 1;
        tsnap = atomic_load(&e->tcp->qs);
        (void)!write(e->tcp->wakefd, &one, sizeof(one));
    }
    for (size_t i = 0; i < e->nthreads; i++) {
        while (atomic_load(&e->threads[i]->qs) == snap[i]) {
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
        }
    }
    while (e->tcp && atomic_load(&e->tcp->qs) == tsnap) {
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
}

void dk__engine_totals(struct dk_engine *e, struct dk_totals *t, uint64_t *kernel_drops)
{
    *t = e->retired;
    for (size_t i = 0; i < e->nthreads; i++)
        dk__totals_add(t, &e->threads[i]->global);
    if (e->tcp)
        dk__totals_add(t, &e->tcp->global);
    *kernel_drops = e->retired_drops;
    for (struct dk_elistener *el = e->listeners; el; el = el->next)
        if (el->active)
            *kernel_drops += atomic_load_explicit(&el->drops, memory_order_relaxed);
}

/* ------------------------------------------------------------------------- */
/* Worker threads */

static int thread_watch(struct dk_wthread *t, struct dk_elistener *el)
{
    if (atomic_load(&el->view)->meta.kind == DK_LISTEN_TCP)
        return 0; /* the TCP thread's */
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = el};
    return epoll_ctl(t->epfd, EPOLL_CTL_ADD, el->fd, &ev);
}

static void thread_free(struct dk_wthread *t)
{
    if (!t)
        return;
    if (t->epfd >= 0)
        close(t->epfd);
    if (t->wakefd >= 0)
        close(t->wakefd);
    dk_worker_free(t->w);
    dk__worker_io_free(t);
    free(t);
}

static struct dk_wthread *thread_start(struct dk_engine *e, unsigned slot)
{
    struct dk_wthread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->eng = e;
    t->slot = slot;
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    t->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    t->w = dk_worker_new();
    if (t->epfd < 0 || t->wakefd < 0 || !t->w || dk__worker_io_new(t) < 0)
        goto fail;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->wakefd, &ev) < 0)
        goto fail;
    for (struct dk_elistener *el = e->listeners; el; el = el->next)
        if (el->active && thread_watch(t, el) < 0)
            goto fail;
    if (pthread_create(&t->thread, NULL, dk__worker_run, t) != 0)
        goto fail;
    return t;
fail:
    dk__log_warn("%s: worker %u", __func__, slot);
    thread_free(t);
    return NULL;
}

static void thread_stop(struct dk_engine *e, struct dk_wthread *t)
{
    uint64_t one = 1;
    atomic_store(&t->stop, true);
    (void)!write(t->wakefd, &one, sizeof(one));
    pthread_join(t->thread, NULL);
    dk__totals_add(&e->retired, &t->global);
    thread_free(t);
}

/* The number of workers a config asks for: workers/threads, or the CPUs this
 * process may run on. */
static size_t workers_wanted(const struct dk_config *cfg)
{
    const struct dk_config_value *v = dk_config_get(dk_config_root(cfg), "workers");
    if (v)
        return (size_t)v->v.u;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return (size_t)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

/* ------------------------------------------------------------------------- */
/* Listeners */

static struct dk_elistener *listener_find(struct dk_engine *e, uint32_t id)
{
    for (struct dk_elistener *el = e->listeners; el; el = el->next)
        if (el->id == id)
            return el;
    return NULL;
}

static void listener_activate(struct dk_engine *e, struct dk_elistener *el)
{
    el->active = true;
    if (atomic_load(&el->view)->meta.kind == DK_LISTEN_TCP && dk__tcp_watch(e, el) < 0)
        dk__log_warn("%s: the TCP thread", __func__);
    for (size_t i = 0; i < e->nthreads; i++)
        if (thread_watch(e->threads[i], el) < 0)
            dk__log_warn("%s: epoll_ctl", __func__);
}

/* Stops the workers from seeing el; the caller frees it after a grace
 * period with listener_free(). */
static void listener_unlink(struct dk_engine *e, struct dk_elistener *el)
{
    for (size_t i = 0; i < e->nthreads; i++)
        (void)epoll_ctl(e->threads[i]->epfd, EPOLL_CTL_DEL, el->fd, NULL);
    dk__tcp_unwatch(e, el);
    for (struct dk_elistener **pp = &e->listeners; *pp; pp = &(*pp)->next)
        if (*pp == el) {
            *pp = el->next;
            break;
        }
    if (el->active)
        e->retired_drops += atomic_load(&el->drops);
    el->next = NULL;
}

static void listener_free(struct dk_elistener *el)
{
    if (!el)
        return;
    close(el->fd);
    free(atomic_load(&el->view));
    free(el);
}

static struct dk_lview *view_new(const struct dk_ipc_listener *m)
{
    struct dk_lview *v = calloc(1, sizeof(*v));
    if (v)
        v->meta = *m;
    return v;
}

static void log_listener(const char *what, const struct dk_ipc_listener *m)
{
    char name[64];
    dk__log_info("%s: %s %s", __func__, what, dk__listener_name(m, name, sizeof(name)));
}

static void on_listener(struct dk_engine *e, struct dk_ipc_msg *m)
{
    struct dk_ipc_listener l;
    if (m->hdr.len != sizeof(l)) {
        dk__log_warnx("%s: bad message from the parent", __func__);
        return;
    }
    memcpy(&l, m->data, sizeof(l));
    l.ifname[IF_NAMESIZE - 1] = '\0';
    struct dk_elistener *el = listener_find(e, l.id);

    if (m->fd >= 0) {
        if (el) { /* an id is never reused; refuse */
            dk__log_warnx("%s: listener %u exists", __func__, l.id);
            close(m->fd);
            m->fd = -1;
            return;
        }
        el = calloc(1, sizeof(*el));
        struct dk_lview *v = view_new(&l);
        if (!el || !v) {
            dk__log_warnx("%s: out of memory", __func__);
            free(el);
            free(v);
            close(m->fd);
            m->fd = -1;
            return;
        }
        el->id = l.id;
        el->fd = m->fd;
        m->fd = -1;
        atomic_store(&el->view, v);
        el->next = e->listeners;
        e->listeners = el;
        if (l.generation == 0) {
            listener_activate(e, el);
            log_listener("listening on", &l);
        } else {
            el->pending = true;
            el->pending_gen = l.generation;
            el->pending_meta = l;
        }
        return;
    }
    if (!el) {
        dk__log_warnx("%s: no listener %u", __func__, l.id);
        return;
    }
    if (l.generation != 0) {
        el->pending = true;
        el->pending_gen = l.generation;
        el->pending_meta = l;
        return;
    }
    struct dk_lview *v = view_new(&l);
    if (!v)
        return;
    struct dk_lview *old = atomic_exchange(&el->view, v);
    dk__engine_synchronize(e);
    free(old);
}

static void on_listener_del(struct dk_engine *e, uint32_t id)
{
    struct dk_elistener *el = listener_find(e, id);
    if (!el)
        return;
    log_listener("no longer listening on", &atomic_load(&el->view)->meta);
    listener_unlink(e, el);
    dk__engine_synchronize(e);
    listener_free(el);
}

/* ------------------------------------------------------------------------- */
/* The interface table */

static int cmp_addr(const void *a, const void *b)
{
    return memcmp(&((const struct dk_ipc_addr *)a)->addr, &((const struct dk_ipc_addr *)b)->addr,
                  16);
}

static void iftab_free(struct dk_iftab *t)
{
    if (!t)
        return;
    free(t->ifs);
    free(t->addrs);
    free(t);
}

static void on_iftable(struct dk_engine *e, struct dk_ipc_msg *m)
{
    size_t len;
    char *buf = m->fd >= 0 ? dk__memfd_read(m->fd, MAX_IFTABLE, &len) : NULL;
    struct dk_iftab *t = NULL;
    struct dk_ipc_iftable h;
    if (!buf || len < sizeof(h))
        goto bad;
    memcpy(&h, buf, sizeof(h));
    if ((uint64_t)h.nifs * sizeof(struct dk_ipc_if) +
            (uint64_t)h.naddrs * sizeof(struct dk_ipc_addr) !=
        len - sizeof(h))
        goto bad;
    t = calloc(1, sizeof(*t));
    if (!t)
        goto bad;
    t->nifs = h.nifs;
    t->naddrs = h.naddrs;
    t->ifs = calloc(h.nifs + 1, sizeof(*t->ifs));
    t->addrs = calloc(h.naddrs + 1, sizeof(*t->addrs));
    if (!t->ifs || !t->addrs)
        goto bad;
    memcpy(t->ifs, buf + sizeof(h), h.nifs * sizeof(*t->ifs));
    memcpy(t->addrs, buf + sizeof(h) + h.nifs * sizeof(*t->ifs), h.naddrs * sizeof(*t->addrs));
    for (size_t i = 0; i < t->nifs; i++)
        t->ifs[i].name[IF_NAMESIZE - 1] = '\0';
    qsort(t->addrs, t->naddrs, sizeof(*t->addrs), cmp_addr);
    free(buf);
    struct dk_iftab *old = atomic_exchange(&e->iftab, t);
    dk__engine_synchronize(e);
    iftab_free(old);
    return;
bad:
    dk__log_warnx("%s: bad interface table from the parent", __func__);
    free(buf);
    iftab_free(t);
}

/* ------------------------------------------------------------------------- */
/* Configurations */

static void send_result(struct dk_engine *e, uint32_t type, uint32_t id, bool ok, const char *text)
{
    struct dk_ipc_result r = {.ok = ok, .text_len = text ? (uint32_t)strlen(text) : 0};
    int fd = r.text_len ? dk__memfd_from("dhcpkit-result", text, r.text_len) : -1;
    if (r.text_len && fd < 0)
        r.text_len = 0;
    if (dk__ipc_send(e->ipc, type, id, &r, sizeof(r), fd) < 0)
        dk__log_warn("%s: to the parent", __func__);
    if (fd >= 0)
        close(fd);
}

static void on_config(struct dk_engine *e, struct dk_ipc_msg *m)
{
    size_t len;
    if (m->hdr.len != sizeof(e->pending) || m->fd < 0) {
        dk__log_warnx("%s: bad message from the parent", __func__);
        return;
    }
    char *text = dk__memfd_read(m->fd, MAX_CONFIG, &len);
    if (!text) {
        dk__log_warnx("%s: cannot read the config from the parent", __func__);
        return;
    }
    free(e->pending_text);
    e->pending_text = text;
    e->pending_len = len;
    memcpy(&e->pending, m->data, sizeof(e->pending));
    e->pending.name[sizeof(e->pending.name) - 1] = '\0';
    if (e->pending.duid_len > sizeof(e->pending.duid))
        e->pending.duid_len = 0;
    e->have_pending = true;
}

/* Appends the errors as lines to a malloc'd text. */
static char *errors_text(const struct dk_config_errors *errs)
{
    size_t cap = 256 * (errs->n + 2), len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < errs->n; i++) {
        char line[1024];
        dk_config_error_format(&errs->v[i], line, sizeof(line));
        len += (size_t)snprintf(s + len, cap - len, "%s%s", len ? "\n" : "", line);
        if (len >= cap) {
            len = cap - 1;
            break;
        }
    }
    if (errs->dropped && len + 64 < cap)
        snprintf(s + len, cap - len, "\n(%zu more errors)", errs->dropped);
    return s;
}

static void discard_pending(struct dk_engine *e, uint32_t gen)
{
    for (struct dk_elistener *el = e->listeners, *next; el; el = next) {
        next = el->next;
        if (!el->pending || el->pending_gen != gen)
            continue;
        el->pending = false;
        if (!el->active) {
            listener_unlink(e, el);
            listener_free(el);
        }
    }
}

/* Handlers log through the engine's log (to the parent). */
static void pipeline_log(void *ctx, int level, const char *msg)
{
    (void)ctx;
    dk__log(level, "%s", msg);
}

/* force: the reload was forced past the handlers' guards. */
static void on_commit(struct dk_engine *e, uint32_t gen, bool force)
{
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    struct dk_pipeline *pl = NULL;
    struct dk_active *act = NULL;
    char *text = NULL;
    dk_config_errors_init(&errs);

    if (!e->have_pending || e->pending.generation != gen) {
        send_result(e, DK_IPC_COMMIT_RESULT, gen, false, "no configuration to commit");
        discard_pending(e, gen);
        return;
    }
    int rc = dk_config_parse_buffer(e->pending.name, e->pending_text, e->pending_len,
                                    (enum dk_config_syntax)e->pending.syntax, &cfg, &errs);
    if (rc == 0) {
        const struct dk_active *cur = atomic_load(&e->active);
        struct dk_pipeline_env env = {
            .log = pipeline_log, .previous = cur ? cur->pipeline : NULL, .force = force};
        rc = dk_pipeline_new_env(cfg, e->pending.duid, e->pending.duid_len, &env, &pl, &errs);
    }
    if (rc != 0) {
        text = errors_text(&errs);
        if (!text || !*text) {
            free(text);
            text = strdup("the configuration was refused (no message)");
        }
        send_result(e, DK_IPC_COMMIT_RESULT, gen, false, text);
        free(text);
        dk_config_errors_clear(&errs);
        dk_config_free(cfg);
        discard_pending(e, gen);
        return;
    }
    dk_config_errors_clear(&errs);

    size_t want = workers_wanted(cfg);
    act = calloc(1, sizeof(*act));
    struct dk_stats_cats *cats = dk__stats_cats_new(dk_config_root(cfg), want);
    if (!act || !cats) {
        free(act);
        dk__stats_cats_free(cats);
        dk_pipeline_free(pl);
        dk_config_free(cfg);
        send_result(e, DK_IPC_COMMIT_RESULT, gen, false, "out of memory");
        discard_pending(e, gen);
        return;
    }
    act->cfg = cfg;
    act->pipeline = pl;
    act->cats = cats;

    /* Fewer workers: stop the extra ones before they could see the new
     * categories (which have no slot for them). */
    while (e->nthreads > want)
        thread_stop(e, e->threads[--e->nthreads]);

    struct dk_active *old = atomic_exchange(&e->active, act);

    /* Listeners: the new set is what the parent named for this generation. */
    struct dk_elistener *gone = NULL;
    struct dk_lview *old_views[64];
    size_t nold_views = 0;
    for (struct dk_elistener *el = e->listeners, *next; el; el = next) {
        next = el->next;
        if (el->pending && el->pending_gen == gen) {
            el->pending = false;
            if (!el->active) {
                struct dk_lview *v = atomic_load(&el->view);
                v->meta = el->pending_meta; /* not visible to workers yet */
                listener_activate(e, el);
                log_listener("listening on", &v->meta);
            } else if (!dk__lspec_same(&atomic_load(&el->view)->meta, &el->pending_meta)) {
                struct dk_lview *v = view_new(&el->pending_meta);
                if (v) {
                    struct dk_lview *ov = atomic_exchange(&el->view, v);
                    if (nold_views < 64) {
                        old_views[nold_views++] = ov;
                    } else {
                        dk__engine_synchronize(e);
                        free(ov);
                    }
                }
            }
        } else if (el->active) {
            log_listener("no longer listening on", &atomic_load(&el->view)->meta);
            listener_unlink(e, el);
            el->next = gone;
            gone = el;
        }
    }

    /* More workers: they start on the new configuration. */
    if (want > e->nthreads) {
        struct dk_wthread **v = realloc(e->threads, want * sizeof(*v));
        if (v) {
            e->threads = v;
            while (e->nthreads < want) {
                struct dk_wthread *t = thread_start(e, (unsigned)e->nthreads);
                if (!t)
                    break;
                e->threads[e->nthreads++] = t;
            }
        }
    }

    dk__engine_synchronize(e);
    if (old) {
        dk__stats_cats_carry(act->cats, old->cats);
        dk_pipeline_free(old->pipeline);
        dk__stats_cats_free(old->cats);
        dk_config_free(old->cfg);
        free(old);
    }
    for (size_t i = 0; i < nold_views; i++)
        free(old_views[i]);
    while (gone) {
        struct dk_elistener *next = gone->next;
        listener_free(gone);
        gone = next;
    }
    e->generation = gen;
    free(e->pending_text);
    e->pending_text = NULL;
    e->have_pending = false;
    dk__log_set_min(e->pending.log_level);
    dk__log_info("%s: configuration %u in use, %zu workers", __func__, gen, e->nthreads);
    send_result(e, DK_IPC_COMMIT_RESULT, gen, true, NULL);
}

/* ------------------------------------------------------------------------- */

static void on_control(struct dk_engine *e, struct dk_ipc_msg *m)
{
    if (m->hdr.len != sizeof(e->ctl_policy)) {
        dk__log_warnx("%s: bad message from the parent", __func__);
        return;
    }
    memcpy(&e->ctl_policy, m->data, sizeof(e->ctl_policy));
    if (m->fd >= 0) {
        if (e->ctl_fd >= 0)
            close(e->ctl_fd);
        e->ctl_fd = m->fd;
        m->fd = -1;
        int fl = fcntl(e->ctl_fd, F_GETFL);
        (void)fcntl(e->ctl_fd, F_SETFL, fl | O_NONBLOCK);
    }
}

static void on_reload_result(struct dk_engine *e, struct dk_ipc_msg *m)
{
    struct dk_ipc_result r;
    char *text = NULL;
    size_t len = 0;
    if (m->hdr.len != sizeof(r))
        return;
    memcpy(&r, m->data, sizeof(r));
    if (m->fd >= 0 && r.text_len)
        text = dk__memfd_read(m->fd, 1u << 20, &len);
    dk__ctl_reload_result(e, m->hdr.id, r.ok != 0, text);
    free(text);
}

/* Returns 0 to go on, 1 to stop. */
static int on_ipc(struct dk_engine *e)
{
    struct dk_ipc_msg m;
    int rc = dk__ipc_recv(e->ipc, &m);
    if (rc == 0)
        return 1; /* the parent is gone */
    if (rc < 0)
        return errno == EAGAIN || errno == EINTR || errno == EBADMSG ? 0 : 1;
    switch (m.hdr.type) {
    case DK_IPC_CONFIG:
        on_config(e, &m);
        break;
    case DK_IPC_LISTENER:
        on_listener(e, &m);
        break;
    case DK_IPC_LISTENER_DEL:
        on_listener_del(e, m.hdr.id);
        break;
    case DK_IPC_IFTABLE:
        on_iftable(e, &m);
        break;
    case DK_IPC_COMMIT:
        on_commit(e, m.hdr.id, dk__ipc_reload_flags(&m) & DK_IPC_RELOAD_FORCE);
        break;
    case DK_IPC_CONTROL:
        on_control(e, &m);
        break;
    case DK_IPC_RELOAD_RESULT:
        on_reload_result(e, &m);
        break;
    case DK_IPC_LOGLEVEL:
        dk__log_set_min((int)m.hdr.id);
        break;
    case DK_IPC_STOP:
        if (m.fd >= 0)
            close(m.fd);
        return 1;
    default:
        dk__log_warnx("%s: unknown message %u from the parent", __func__, m.hdr.type);
        break;
    }
    if (m.fd >= 0)
        close(m.fd);
    return 0;
}

/*
 * exception-window and max-exceptions: dhcpkit stopped after too many
 * handling errors in a window. A server must never stop because of traffic,
 * so here they only say so in the log (at most once per window).
 */
#define EXC_SAMPLES 65
static struct {
    double t[EXC_SAMPLES];
    uint64_t n[EXC_SAMPLES];
    size_t head, count;
    double last_warn;
} exc;

static void check_exceptions(struct dk_engine *e)
{
    const struct dk_active *act = atomic_load(&e->active);
    if (!act)
        return;
    const struct dk_config_section *root = dk_config_root(act->cfg);
    const struct dk_config_value *w = dk_config_get(root, "exception-window");
    const struct dk_config_value *m = dk_config_get(root, "max-exceptions");
    double window = w ? w->v.d : 10.0;
    uint64_t max = m ? m->v.u : 5;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    double step = window / (EXC_SAMPLES - 1);
    if (step < 1.0)
        step = 1.0;
    if (exc.count && now - exc.t[(exc.head + EXC_SAMPLES - 1) % EXC_SAMPLES] < step)
        return;
    struct dk_totals t;
    uint64_t drops;
    dk__engine_totals(e, &t, &drops);
    exc.t[exc.head] = now;
    exc.n[exc.head] = t.handling_errors;
    exc.head = (exc.head + 1) % EXC_SAMPLES;
    if (exc.count < EXC_SAMPLES)
        exc.count++;
    /* The oldest sample still inside the window. */
    for (size_t k = exc.count; k-- > 0;) {
        size_t i = (exc.head + EXC_SAMPLES - 1 - k) % EXC_SAMPLES;
        if (now - exc.t[i] > window)
            continue;
        uint64_t delta = t.handling_errors - exc.n[i];
        if (delta > max && now - exc.last_warn > window) {
            exc.last_warn = now;
            dk__log_warnx("%s: %llu handling errors within %.1f s (max-exceptions %llu); "
                          "the server keeps running",
                          __func__, (unsigned long long)delta, window, (unsigned long long)max);
        }
        break;
    }
}

int dk__engine_main(int verbosity)
{
    struct dk_engine *e = &E;
    memset(e, 0, sizeof(*e));
    e->ipc = IPC_FD;
    e->ctl_fd = -1;
    e->verbosity = verbosity;
    e->started = time(NULL);
    dk__log_to_parent(LOG_FD, dk__log_verbosity_level(verbosity));
    (void)fcntl(IPC_FD, F_SETFD, FD_CLOEXEC);
    (void)fcntl(LOG_FD, F_SETFD, FD_CLOEXEC);

    /* The parent decides when we stop; if it dies, so do we. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() == 1)
        return 1;
    (void)prctl(PR_SET_NAME, "dhcpkit-engine", 0, 0, 0);
    /* Before any input: the configuration, packets and assignment files
     * are all handled inside the filter. */
    char err[256];
    if (dk__sandbox_enter(err, sizeof(err)) < 0) {
        dk__log(DK_LOG_CRITICAL, "engine: %s", err);
        return 1;
    }

    struct pollfd pfd[80];
    for (;;) {
        size_t n = 0;
        pfd[n++] = (struct pollfd){.fd = e->ipc, .events = POLLIN};
        n += dk__ctl_pollfds(e, pfd + n, sizeof(pfd) / sizeof(pfd[0]) - n);
        int rc = poll(pfd, n, 1000);
        if (rc < 0 && errno != EINTR) {
            dk__log_warn("%s: poll", __func__);
            break;
        }
        if (rc > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) && on_ipc(e))
            break;
        dk__ctl_events(e, pfd + 1, n - 1);
        check_exceptions(e);
    }

    /* Finish the packets in hand, then go. */
    atomic_store(&e->stopping, true);
    while (e->nthreads)
        thread_stop(e, e->threads[--e->nthreads]);
    dk__tcp_stop(e);
    dk__ctl_close_all(e);
    /* Handlers with a writer (looking glass, leasequery) write what they
     * have queued before the process goes: leases handed out just before a
     * stop are in the store after a restart. The parent waits 10 s. */
    struct dk_active *act = atomic_exchange(&e->active, NULL);
    if (act) {
        dk_pipeline_free(act->pipeline);
        dk__stats_cats_free(act->cats);
        dk_config_free(act->cfg);
        free(act);
    }
    return 0;
}
