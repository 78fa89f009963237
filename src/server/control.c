/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The control socket, in the line protocol of dhcpkit: the server greets
 * with "DHCPKit DHCPv6 Server <version>", reads one command per line and
 * answers with zero or more lines and then "OK", "OK: <text>" or "UNKNOWN".
 * Ours: a command that is refused (not permitted, or a reload whose config
 * has errors) ends in "ERROR: <text>".
 *
 * Peers are told apart by SO_PEERCRED: root, the server's user, the
 * control-socket-user and members of control-socket-group may do
 * everything; members of control-socket-readonly-group may only read
 * (help, stats, stats-json, version, quit); anyone else is turned away.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctlline.h"
#include "engine.h"
#include "listeners.h"
#include "log.h"

#define MAX_CONNS  32
#define MAX_LINE   DK_CTL_MAX_LINE
#define IDLE_SECS  60
#define MAX_OUTPUT (16u << 20)

enum peer_class { PEER_NONE, PEER_READONLY, PEER_FULL };

struct dk_ctl_conn {
    int fd;
    enum peer_class cls;
    char in[1024];
    size_t inlen;
    char *out;
    size_t outlen, outcap;
    uint32_t waiting; /* token of a reload in progress, 0 if none */
    bool closing;     /* close when the output is written */
    time_t last;
    struct dk_ctl_conn *next;
};

static void out_add(struct dk_ctl_conn *c, const char *s, size_t n)
{
    if (c->outlen + n > MAX_OUTPUT) {
        c->closing = true;
        return;
    }
    if (c->outlen + n > c->outcap) {
        size_t cap = c->outcap ? c->outcap : 4096;
        while (cap < c->outlen + n)
            cap *= 2;
        char *p = realloc(c->out, cap);
        if (!p) {
            c->closing = true;
            return;
        }
        c->out = p;
        c->outcap = cap;
    }
    memcpy(c->out + c->outlen, s, n);
    c->outlen += n;
}

static void out_line(struct dk_ctl_conn *c, const char *s)
{
    out_add(c, s, strlen(s));
    out_add(c, "\n", 1);
}

/* Text may have several lines; each goes out as one. */
static void out_text(struct dk_ctl_conn *c, const char *text)
{
    if (!text || !*text)
        return;
    out_add(c, text, strlen(text));
    out_add(c, "\n", 1);
}

static void flush(struct dk_ctl_conn *c)
{
    size_t off = 0;
    while (off < c->outlen) {
        ssize_t n = send(c->fd, c->out + off, c->outlen - off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                c->closing = true, c->outlen = off = 0;
            break;
        }
        off += (size_t)n;
    }
    if (off) {
        memmove(c->out, c->out + off, c->outlen - off);
        c->outlen -= off;
    }
}

static bool in_group(gid_t g, gid_t primary, const gid_t *groups, size_t n)
{
    if (primary == g)
        return true;
    for (size_t i = 0; i < n; i++)
        if (groups[i] == g)
            return true;
    return false;
}

static enum peer_class classify(const struct dk_engine *e, int fd)
{
    struct ucred cr;
    socklen_t len = sizeof(cr);
    gid_t groups[1024];
    socklen_t glen = sizeof(groups);
    size_t ng = 0;
    const struct dk_ipc_control *p = &e->ctl_policy;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || len != sizeof(cr))
        return PEER_NONE;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
        ng = glen / sizeof(gid_t);
    if (cr.uid == 0 || cr.uid == p->server_uid ||
        (p->control_uid != (uint32_t)-1 && cr.uid == p->control_uid) ||
        (p->control_gid != (uint32_t)-1 && in_group(p->control_gid, cr.gid, groups, ng)))
        return PEER_FULL;
    if (p->readonly_gid != (uint32_t)-1 && in_group(p->readonly_gid, cr.gid, groups, ng))
        return PEER_READONLY;
    return PEER_NONE;
}

static void conn_free(struct dk_engine *e, struct dk_ctl_conn *c)
{
    for (struct dk_ctl_conn **pp = &e->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    e->nconns--;
    close(c->fd);
    free(c->out);
    free(c);
}

static void accept_conns(struct dk_engine *e)
{
    for (;;) {
        int fd = accept4(e->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        if (e->nconns >= MAX_CONNS) {
            dk__log_warnx("%s: too many control connections", __func__);
            close(fd);
            continue;
        }
        struct dk_ctl_conn *c = calloc(1, sizeof(*c));
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->last = time(NULL);
        c->cls = classify(e, fd);
        c->next = e->conns;
        e->conns = c;
        e->nconns++;
        if (c->cls == PEER_NONE) {
            out_line(c, "ERROR: permission denied");
            c->closing = true;
        } else {
            out_line(c, "DHCPKit DHCPv6 Server " DK_VERSION_STRING);
        }
        flush(c);
    }
}

static void listeners_stats(struct dk_engine *e, struct dk_stats_listener **out, size_t *n)
{
    size_t cnt = 0, i = 0;
    for (struct dk_elistener *el = e->listeners; el; el = el->next)
        cnt += el->active;
    *out = calloc(cnt + 1, sizeof(**out));
    *n = 0;
    if (!*out)
        return;
    for (struct dk_elistener *el = e->listeners; el; el = el->next) {
        if (!el->active)
            continue;
        dk__listener_name(&atomic_load(&el->view)->meta, (*out)[i].name, sizeof((*out)[i].name));
        (*out)[i].kernel_drops = atomic_load_explicit(&el->drops, memory_order_relaxed);
        i++;
    }
    *n = i;
}

static void cmd_stats(struct dk_engine *e, struct dk_ctl_conn *c, bool json)
{
    struct dk_totals t;
    uint64_t drops;
    struct dk_stats_listener *ls;
    size_t nls;
    const struct dk_active *act = atomic_load(&e->active);
    dk__engine_totals(e, &t, &drops);
    listeners_stats(e, &ls, &nls);
    char *s = json ? dk__stats_json(&t, drops, act ? act->cats : NULL, ls, nls)
                   : dk__stats_text(&t, drops, act ? act->cats : NULL, ls, nls);
    free(ls);
    if (!s) {
        out_line(c, "ERROR: out of memory");
        return;
    }
    out_text(c, s);
    free(s);
    out_line(c, "OK");
}

static void command(struct dk_engine *e, struct dk_ctl_conn *c, char *cmd)
{
    static const char *const readonly[] = {"help", "stats", "stats-json", "version", "quit"};
    bool allowed = c->cls == PEER_FULL;
    for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]) && !allowed; i++)
        allowed = strcmp(cmd, readonly[i]) == 0;

    if (strcmp(cmd, "help") == 0) {
        out_line(c, "Recognised commands:");
        out_line(c, "  help");
        out_line(c, "  stats");
        out_line(c, "  stats-json");
        out_line(c, "  reload");
        out_line(c, "  reload-force");
        out_line(c, "  shutdown");
        out_line(c, "  version");
        out_line(c, "  quit");
        out_line(c, "OK");
    } else if (strcmp(cmd, "stats") == 0) {
        cmd_stats(e, c, false);
    } else if (strcmp(cmd, "stats-json") == 0) {
        cmd_stats(e, c, true);
    } else if (strcmp(cmd, "version") == 0) {
        out_line(c, "OK: " DK_VERSION_STRING);
    } else if (strcmp(cmd, "quit") == 0) {
        out_line(c, "OK");
        c->closing = true;
    } else if (strcmp(cmd, "reload") == 0 || strcmp(cmd, "reload-force") == 0 ||
               strcmp(cmd, "shutdown") == 0) {
        if (!allowed) {
            out_line(c, "ERROR: permission denied");
            return;
        }
        if (cmd[0] == 'r') {
            if (++e->next_token == 0)
                e->next_token = 1;
            c->waiting = e->next_token;
            /* reload-force (ours): once past the guards of the handlers,
             * e.g. static-csv's max-removed-percent. */
            struct dk_ipc_reload rf = {strcmp(cmd, "reload-force") == 0 ? DK_IPC_RELOAD_FORCE : 0};
            if (dk__ipc_send(e->ipc, DK_IPC_RELOAD_REQ, c->waiting, &rf, sizeof(rf), -1) < 0) {
                c->waiting = 0;
                out_line(c, "ERROR: cannot reach the server process");
            }
        } else {
            out_line(c, "OK: Shutting down");
            c->closing = true;
            (void)dk__ipc_send(e->ipc, DK_IPC_SHUTDOWN_REQ, 0, NULL, 0, -1);
        }
    } else {
        out_line(c, "UNKNOWN");
    }
}

/* Runs the complete lines in the input buffer, unless a reload is pending. */
static void run_lines(struct dk_engine *e, struct dk_ctl_conn *c)
{
    while (!c->waiting && !c->closing) {
        char cmd[MAX_LINE + 1];
        size_t len;
        int rc = dk__ctl_next_line(c->in, &c->inlen, cmd, &len);
        if (rc < 0) { /* no command is that long */
            out_line(c, "UNKNOWN");
            c->closing = true;
        }
        if (rc <= 0)
            return;
        if (cmd[0] == '\0')
            continue;
        if (len < MAX_LINE) {
            char shown[80];
            dk__log_debug("%s: control command '%s'", __func__,
                          dk__escape(cmd, strlen(cmd), shown, sizeof(shown)));
        }
        command(e, c, cmd);
    }
}

static void conn_read(struct dk_engine *e, struct dk_ctl_conn *c)
{
    for (;;) {
        if (c->inlen == sizeof(c->in)) {
            out_line(c, "UNKNOWN");
            c->closing = true;
            return;
        }
        /* Small reads, as the original: a peer cannot flood us. */
        size_t room = sizeof(c->in) - c->inlen;
        ssize_t n = recv(c->fd, c->in + c->inlen, room < 64 ? room : 64, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                c->closing = true, c->outlen = 0;
            break;
        }
        if (n == 0) {
            c->closing = true;
            break;
        }
        c->inlen += (size_t)n;
        c->last = time(NULL);
        run_lines(e, c);
    }
}

size_t dk__ctl_pollfds(struct dk_engine *e, struct pollfd *pfd, size_t max)
{
    size_t n = 0;
    if (e->ctl_fd >= 0 && n < max)
        pfd[n++] = (struct pollfd){.fd = e->ctl_fd, .events = POLLIN};
    for (struct dk_ctl_conn *c = e->conns; c && n < max; c = c->next)
        pfd[n++] = (struct pollfd){
            .fd = c->fd, .events = (short)((c->waiting ? 0 : POLLIN) | (c->outlen ? POLLOUT : 0))};
    return n;
}

void dk__ctl_events(struct dk_engine *e, const struct pollfd *pfd, size_t n)
{
    time_t now = time(NULL);
    for (size_t i = 0; i < n; i++) {
        if (pfd[i].fd == e->ctl_fd) {
            if (pfd[i].revents & POLLIN)
                accept_conns(e);
            continue;
        }
        for (struct dk_ctl_conn *c = e->conns; c; c = c->next) {
            if (c->fd != pfd[i].fd)
                continue;
            if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
                conn_read(e, c);
            break;
        }
    }
    for (struct dk_ctl_conn *c = e->conns, *next; c; c = next) {
        next = c->next;
        if (c->outlen)
            flush(c);
        if (!c->waiting && now - c->last > IDLE_SECS)
            c->closing = true;
        if (c->closing && (c->outlen == 0 || now - c->last > IDLE_SECS) && !c->waiting)
            conn_free(e, c);
    }
}

void dk__ctl_reload_result(struct dk_engine *e, uint32_t token, bool ok, const char *text)
{
    for (struct dk_ctl_conn *c = e->conns; c; c = c->next) {
        if (c->waiting != token)
            continue;
        c->waiting = 0;
        c->last = time(NULL);
        if (ok) {
            out_line(c, "OK: Reloaded");
        } else {
            out_text(c, text);
            out_line(c, "ERROR: reload refused, the previous configuration stays in use");
        }
        flush(c);
        run_lines(e, c);
        return;
    }
}

void dk__ctl_close_all(struct dk_engine *e)
{
    while (e->conns) {
        flush(e->conns);
        conn_free(e, e->conns);
    }
    if (e->ctl_fd >= 0)
        close(e->ctl_fd);
    e->ctl_fd = -1;
}
