/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcpd: the privileged parent. It reads the config, opens the
 * listening sockets, the control socket and the files, writes the pid file,
 * follows interfaces and addresses through rtnetlink, and hands descriptors
 * to the engine process, which runs as an unprivileged user and handles
 * every packet. The parent never parses a packet.
 *
 *   ipv6-dhcpd [-n] [-v...] [-F ini|nested] [-p PIDFILE] [-c CONTROL_SOCKET] [-f] CONFIG
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/config.h>

#include "duidstate.h"
#include "engine.h"
#include "ipc.h"
#include "listeners.h"
#include "log.h"
#include "netlink.h"
#include "pipeline.h"
#include "privdrop.h"
#include "sandbox.h"

#define EX_USAGE_ 64

/* How long the engine may take to build a configuration (big CSV files). */
#define COMMIT_TIMEOUT_MS (300 * 1000)
/* Coalesce bursts of interface and address events. */
#define NETLINK_DELAY_MS 100

struct plistener {
    struct dk_ipc_listener meta; /* meta.id identifies it to the engine */
    int fd;
};

static struct {
    const char *config_path;
    enum dk_config_syntax syntax;
    int verbosity;
    int stderr_level;
    const char *pidfile_arg, *ctlsock_arg;

    char *cfg_text;
    size_t cfg_len;
    struct dk_config *cfg;
    struct dk_ids ids;
    uint8_t duid[DK_DUID_MAX];
    size_t duid_len;

    struct dk_netstate net;
    int nlfd;
    bool net_dirty;
    struct timespec net_due;
    uint8_t *iftab;
    size_t iftab_len;

    struct plistener *ls;
    size_t nls, capls;
    uint32_t next_id;
    uint32_t generation;

    pid_t engine;
    int ipc, logfd;
    time_t restarts[5];
    bool stopping;

    int sigfd;
    char pidfile[PATH_MAX];
    int pidfd;
    char ctlpath[108];
    int ctlfd;

    /* Reload requests that came while another one was in progress. */
    uint32_t queued[16];
    uint32_t queued_flags[16]; /* DK_IPC_RELOAD_FORCE */
    size_t nqueued;
    bool queued_shutdown;
} P = {.pidfd = -1, .ctlfd = -1, .ipc = -1, .logfd = -1, .nlfd = -1, .sigfd = -1};

static void usage(void)
{
    fprintf(stderr, "usage: ipv6-dhcpd [-n] [-v...] [-F ini|nested] [-p PIDFILE] "
                    "[-c CONTROL_SOCKET] [-f] CONFIG\n");
    exit(EX_USAGE_);
}

/* ------------------------------------------------------------------------- */
/* Reading the config */

/* Reads the file into a new buffer; on error appends "path: reason". */
static char *read_file(const char *path, size_t *len, struct dk_config_errors *errs)
{
    char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        goto fail;
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > DK_CONFIG_MAX_FILE) {
        errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
        goto fail;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        goto fail;
    size_t off = 0;
    while (off < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0)
            break;
        off += (size_t)n;
    }
    close(fd);
    buf[off] = '\0';
    *len = off;
    return buf;
fail:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    free(buf);
    if (errs)
        dk_config_errors_add(errs, path, 0, "cannot read: %s", strerror(e));
    return NULL;
}

static int load_config(char **text, size_t *len, struct dk_config **cfg,
                       struct dk_config_errors *errs)
{
    *text = read_file(P.config_path, len, errs);
    if (!*text)
        return -1;
    if (dk_config_parse_buffer(P.config_path, *text, *len, P.syntax, cfg, errs) != 0) {
        free(*text);
        *text = NULL;
        return -1;
    }
    return 0;
}

static void log_errors(const struct dk_config_errors *errs)
{
    for (size_t i = 0; i < errs->n; i++) {
        char line[1024];
        dk_config_error_format(&errs->v[i], line, sizeof(line));
        dk__log(DK_LOG_ERROR, "%s", line);
    }
    if (errs->dropped)
        dk__log(DK_LOG_ERROR, "(%zu more errors)", errs->dropped);
}

static char *errors_text(const struct dk_config_errors *errs)
{
    size_t cap = 1024 * (errs->n + 2), len = 0;
    char *s = calloc(1, cap);
    for (size_t i = 0; s && i < errs->n; i++) {
        char line[1024];
        dk_config_error_format(&errs->v[i], line, sizeof(line));
        len += (size_t)snprintf(s + len, cap - len, "%s%s", len ? "\n" : "", line);
    }
    return s;
}

/* ------------------------------------------------------------------------- */
/* -n */

static int check_config(void)
{
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    char *text = NULL;
    size_t len;
    int status = 1;
    dk_config_errors_init(&errs);
    if (load_config(&text, &len, &cfg, &errs) < 0)
        goto done;
    const struct dk_config_section *root = dk_config_root(cfg);

    /* Users and groups are looked up on this host, which need not be the
     * one the config is for: a missing one is worth a warning only. */
    struct dk_ids ids;
    char err[1024];
    if (dk__ids_resolve(root, &ids, err, sizeof(err)) < 0)
        fprintf(stderr, "warning: %s (the server cannot start on this host)\n", err);
    /* The handlers must accept it too; the DUID is only needed to build
     * them, so a missing state file is fine here. */
    uint8_t duid[DK_DUID_MAX];
    size_t dlen;
    if (!dk__duid_configured(root, duid, &dlen)) {
        static const uint8_t check_duid[] = {0,    4,    0x64, 0x68, 0x63, 0x70, 0x6b, 0x69, 0x74,
                                             0x2d, 0x63, 0x68, 0x65, 0x63, 0x6b, 0x00, 0x00, 0x00};
        memcpy(duid, check_duid, sizeof(check_duid));
        dlen = sizeof(check_duid);
    }
    struct dk_pipeline *pl = NULL;
    if (dk_pipeline_new(cfg, duid, dlen, &pl, &errs) != 0)
        goto done;
    dk_pipeline_free(pl);
    if (P.verbosity > 0 && dk_config_print(cfg, stdout, 0) != 0) {
        fprintf(stderr, "ipv6-dhcpd: cannot write the configuration\n");
        goto done;
    }
    status = 0;
done:
    dk_config_errors_print(&errs, stderr);
    dk_config_errors_clear(&errs);
    dk_config_free(cfg);
    free(text);
    return status;
}

/* ------------------------------------------------------------------------- */
/* Files and the control socket */

static const char *cfg_str(const struct dk_config *cfg, const char *key, const char *def)
{
    const struct dk_config_value *v = dk_config_get(dk_config_root(cfg), key);
    return v ? v->v.s : def;
}

static void open_pidfile(void)
{
    snprintf(P.pidfile, sizeof(P.pidfile), "%s",
             P.pidfile_arg ? P.pidfile_arg : cfg_str(P.cfg, "pid-file", "/var/run/ipv6-dhcpd.pid"));
    P.pidfd = open(P.pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (P.pidfd < 0)
        dk__fatal("%s: %s", __func__, P.pidfile);
    if (flock(P.pidfd, LOCK_EX | LOCK_NB) < 0) {
        char other[32] = "";
        ssize_t n = pread(P.pidfd, other, sizeof(other) - 1, 0);
        other[n > 0 ? n : 0] = '\0';
        other[strcspn(other, "\n")] = '\0';
        dk__fatalx("%s: another ipv6-dhcpd (pid %s) holds %s", __func__, other, P.pidfile);
    }
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    if (ftruncate(P.pidfd, 0) < 0 || pwrite(P.pidfd, buf, (size_t)n, 0) != n)
        dk__fatal("%s: %s", __func__, P.pidfile);
}

/* Who may connect is decided by SO_PEERCRED in the engine; the file mode
 * keeps everyone else out, unless a read-only group needs in. */
static int control_access(void)
{
    uid_t owner = P.ids.has_control_uid ? P.ids.control_uid : 0;
    gid_t group = P.ids.has_control_gid ? P.ids.control_gid : P.ids.gid;
    if (chown(P.ctlpath, owner, group) < 0)
        return -1;
    return chmod(P.ctlpath, P.ids.has_readonly_gid ? 0666 : 0660);
}

static void open_control(void)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    const char *path = P.ctlsock_arg ? P.ctlsock_arg
                                     : cfg_str(P.cfg, "control-socket", "/var/run/ipv6-dhcpd.sock");
    if (!path) /* never: cfg_str falls back to the default; tells gcc so */
        dk__fatalx("%s: no control socket path", __func__);
    if (strlen(path) >= sizeof(sun.sun_path))
        dk__fatalx("%s: control socket path too long: %s", __func__, path);
    snprintf(P.ctlpath, sizeof(P.ctlpath), "%s", path);
    strcpy(sun.sun_path, path);

    /* A socket left behind by a server that is gone: nobody answers. */
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0)
            dk__fatalx("%s: another server answers on %s", __func__, path);
        if (errno == ECONNREFUSED)
            (void)unlink(path);
        close(probe);
    }
    P.ctlfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (P.ctlfd < 0)
        dk__fatal("%s: socket", __func__);
    mode_t old = umask(0117);
    if (bind(P.ctlfd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
        dk__fatal("%s: bind %s", __func__, path);
    umask(old);
    if (control_access() < 0)
        dk__fatal("%s: %s", __func__, path);
    if (listen(P.ctlfd, 32) < 0)
        dk__fatal("%s: listen", __func__);
}

static void send_control(bool with_fd)
{
    struct dk_ipc_control c = {
        .server_uid = P.ids.uid,
        .server_gid = P.ids.gid,
        .control_uid = P.ids.has_control_uid ? P.ids.control_uid : (uint32_t)-1,
        .control_gid = P.ids.has_control_gid ? P.ids.control_gid : (uint32_t)-1,
        .readonly_gid = P.ids.has_readonly_gid ? P.ids.readonly_gid : (uint32_t)-1,
        .has_fd = with_fd,
    };
    if (dk__ipc_send(P.ipc, DK_IPC_CONTROL, 0, &c, sizeof(c), with_fd ? P.ctlfd : -1) < 0)
        dk__log_warn("%s", __func__);
}

/* ------------------------------------------------------------------------- */
/* The interface table and the listeners */

static void send_iftable(bool force)
{
    size_t nifs = P.net.nifs, naddrs = 0;
    for (size_t i = 0; i < P.net.nifs; i++)
        naddrs += P.net.ifs[i].naddrs;
    size_t len = sizeof(struct dk_ipc_iftable) + nifs * sizeof(struct dk_ipc_if) +
                 naddrs * sizeof(struct dk_ipc_addr);
    uint8_t *buf = calloc(1, len);
    if (!buf)
        return;
    struct dk_ipc_iftable h = {.nifs = (uint32_t)nifs, .naddrs = (uint32_t)naddrs};
    memcpy(buf, &h, sizeof(h));
    struct dk_ipc_if *ifs = (struct dk_ipc_if *)(buf + sizeof(h));
    struct dk_ipc_addr *addrs = (struct dk_ipc_addr *)(ifs + nifs);
    size_t k = 0;
    for (size_t i = 0; i < nifs; i++) {
        const struct dk_nl_if *ifc = &P.net.ifs[i];
        ifs[i].index = ifc->index;
        memcpy(ifs[i].name, ifc->name, sizeof(ifs[i].name));
        for (size_t a = 0; a < ifc->naddrs; a++) {
            if (dk__addr_is_global(&ifc->addrs[a].addr) &&
                IN6_IS_ADDR_UNSPECIFIED(&ifs[i].link_address) && dk__nl_addr_usable(&ifc->addrs[a]))
                ifs[i].link_address = ifc->addrs[a].addr;
            addrs[k].addr = ifc->addrs[a].addr;
            addrs[k].ifindex = ifc->index;
            k++;
        }
    }
    if (!force && P.iftab && P.iftab_len == len && memcmp(P.iftab, buf, len) == 0) {
        free(buf);
        return;
    }
    int fd = dk__memfd_from("dhcpkit-iftable", buf, len);
    if (fd < 0 || dk__ipc_send(P.ipc, DK_IPC_IFTABLE, 0, NULL, 0, fd) < 0)
        dk__log_warn("%s", __func__);
    if (fd >= 0)
        close(fd);
    free(P.iftab);
    P.iftab = buf;
    P.iftab_len = len;
}

static int ls_add(const struct dk_ipc_listener *meta, int fd)
{
    if (P.nls == P.capls) {
        size_t cap = P.capls ? 2 * P.capls : 16;
        struct plistener *v = realloc(P.ls, cap * sizeof(*v));
        if (!v)
            return -1;
        P.ls = v;
        P.capls = cap;
    }
    P.ls[P.nls].meta = *meta;
    P.ls[P.nls].fd = fd;
    P.nls++;
    return 0;
}

static struct plistener *ls_find_socket(const struct dk_ipc_listener *meta)
{
    for (size_t i = 0; i < P.nls; i++)
        if (dk__lspec_same_socket(&P.ls[i].meta, meta))
            return &P.ls[i];
    return NULL;
}

/* A <listen-tcp> address that no interface has (yet): listened on when it
 * appears, but a typo should not go unnoticed either. */
static void warn_missing_address(const struct dk_config_section *s)
{
    const struct dk_config_value *a = dk_config_get(s, "address");
    const uint8_t *addr = a ? a->v.addr : s->arg.v.addr;
    if (memcmp(addr, &in6addr_any, 16) == 0)
        return;
    for (size_t i = 0; i < P.net.nifs; i++)
        for (size_t k = 0; k < P.net.ifs[i].naddrs; k++)
            if (memcmp(&P.net.ifs[i].addrs[k].addr, addr, 16) == 0)
                return;
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, addr, text, sizeof(text));
    dk__log_warnx("%s:%u: address %s is not configured here (yet); it is listened on when it "
                  "appears",
                  s->file, s->line, text);
}

/* Says which named interfaces do not exist (yet): they are served as soon
 * as they appear, but a typo should not go unnoticed. */
static void warn_missing(const struct dk_config_section *root)
{
    for (size_t i = 0; i < root->nchildren; i++) {
        const struct dk_config_section *s = root->children[i];
        const char *name = NULL;
        if (strcmp(s->type, "listen-interface") == 0 && !s->arg.word)
            name = s->arg.v.s;
        else if (strcmp(s->type, "listen-unicast") == 0) {
            const struct dk_config_value *ifv = dk_config_get(s, "interface");
            name = ifv && !ifv->word ? ifv->v.s : NULL;
        }
        if (name && !dk__netstate_by_name(&P.net, name))
            dk__log_warnx("%s:%u: interface %s does not exist (yet); it is served when it "
                          "appears",
                          s->file, s->line, name);
        if (strcmp(s->type, "listen-tcp") == 0)
            warn_missing_address(s);
    }
}

/* Opens the socket of a planned listener. Returns the fd or -1 (logged). */
static int open_listener(struct dk_ipc_listener *meta, const struct dk_lspec *sp)
{
    char err[512];
    int fd = dk__listener_open(meta, err, sizeof(err));
    if (fd < 0)
        dk__log_warnx("%s: %s:%u: %s", __func__, sp->file ? sp->file : "?", sp->line, err);
    return fd;
}

static void send_listener(const struct dk_ipc_listener *meta, uint32_t gen, int fd)
{
    struct dk_ipc_listener m = *meta;
    m.generation = gen;
    m.has_fd = fd >= 0;
    if (dk__ipc_send(P.ipc, DK_IPC_LISTENER, m.id, &m, sizeof(m), fd) < 0)
        dk__log_warn("%s", __func__);
}

/* Interfaces or addresses changed: open what is new, drop what is gone,
 * tell the engine at once. */
static void reconcile(void)
{
    struct dk_lplan plan = {0};
    if (dk__listeners_plan(dk_config_root(P.cfg), &P.net, &plan) < 0) {
        dk__log_warnx("%s: out of memory", __func__);
        return;
    }
    /* Gone first, so that a recreated interface's socket can be rebound. */
    for (size_t i = 0; i < P.nls;) {
        bool keep = false;
        for (size_t k = 0; k < plan.n && !keep; k++)
            keep = dk__lspec_same_socket(&P.ls[i].meta, &plan.v[k].meta);
        if (keep) {
            i++;
            continue;
        }
        if (dk__ipc_send(P.ipc, DK_IPC_LISTENER_DEL, P.ls[i].meta.id, NULL, 0, -1) < 0)
            dk__log_warn("%s", __func__);
        close(P.ls[i].fd);
        P.ls[i] = P.ls[--P.nls];
    }
    for (size_t k = 0; k < plan.n; k++) {
        struct dk_ipc_listener meta = plan.v[k].meta;
        struct plistener *pl = ls_find_socket(&meta);
        if (pl) {
            meta.id = pl->meta.id;
            if (!dk__lspec_same(&pl->meta, &meta)) {
                pl->meta = meta;
                send_listener(&meta, 0, -1);
            }
            continue;
        }
        meta.id = ++P.next_id;
        int fd = open_listener(&meta, &plan.v[k]);
        if (fd < 0)
            continue;
        if (ls_add(&meta, fd) < 0) {
            close(fd);
            continue;
        }
        send_listener(&meta, 0, fd);
    }
    dk__lplan_clear(&plan);
}

static void net_refresh(void)
{
    if (dk__nl_snapshot(&P.net) < 0) {
        dk__log_warn("%s: rtnetlink", __func__);
        P.net_dirty = true;
        clock_gettime(CLOCK_MONOTONIC, &P.net_due);
        P.net_due.tv_sec += 1;
        return;
    }
    send_iftable(false);
    reconcile();
}

/* ------------------------------------------------------------------------- */
/* The engine */

static void send_config(uint32_t gen, const char *text, size_t len)
{
    struct dk_ipc_config c = {.generation = gen,
                              .syntax = (uint32_t)P.syntax,
                              .log_level = dk__log_min_level(),
                              .duid_len = (uint32_t)P.duid_len};
    memcpy(c.duid, P.duid, P.duid_len);
    snprintf(c.name, sizeof(c.name), "%s", P.config_path);
    int fd = dk__memfd_from("dhcpkit-config", text, len);
    if (fd < 0 || dk__ipc_send(P.ipc, DK_IPC_CONFIG, gen, &c, sizeof(c), fd) < 0)
        dk__log_warn("%s", __func__);
    if (fd >= 0)
        close(fd);
}

static void relay_logs(void)
{
    char buf[DK_LOG_MAX + 2];
    for (;;) {
        ssize_t n = recv(P.logfd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n <= 0)
            return;
        dk__log_from_engine(buf, (size_t)n);
    }
}

static void reload(uint32_t token, uint32_t flags);
static noreturn void stop(int status);

/*
 * Waits for the engine's verdict on generation gen, relaying its logs
 * meanwhile. Requests that arrive in between are queued. Returns 1 (in
 * use), 0 (refused, *text says why) or -1 (the engine is gone).
 */
static int wait_commit(uint32_t gen, char **text)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    *text = NULL;
    for (;;) {
        struct pollfd pfd[2] = {{.fd = P.ipc, .events = POLLIN}, {.fd = P.logfd, .events = POLLIN}};
        clock_gettime(CLOCK_MONOTONIC, &now);
        long waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (waited >= COMMIT_TIMEOUT_MS) {
            *text = strdup("the server process did not answer in time");
            return -1;
        }
        if (poll(pfd, 2, (int)(COMMIT_TIMEOUT_MS - waited)) < 0 && errno != EINTR)
            return -1;
        if (pfd[1].revents & POLLIN)
            relay_logs();
        if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        struct dk_ipc_msg m;
        int rc = dk__ipc_recv(P.ipc, &m);
        if (rc == 0 || (rc < 0 && errno != EAGAIN && errno != EINTR && errno != EBADMSG)) {
            relay_logs();
            *text = strdup("the server process exited");
            return -1;
        }
        if (rc < 0)
            continue;
        if (m.hdr.type == DK_IPC_COMMIT_RESULT && m.hdr.id == gen &&
            m.hdr.len == sizeof(struct dk_ipc_result)) {
            struct dk_ipc_result r;
            memcpy(&r, m.data, sizeof(r));
            if (m.fd >= 0 && r.text_len) {
                size_t len;
                *text = dk__memfd_read(m.fd, 1u << 20, &len);
            }
            if (m.fd >= 0)
                close(m.fd);
            relay_logs();
            return r.ok ? 1 : 0;
        }
        if (m.hdr.type == DK_IPC_RELOAD_REQ && P.nqueued < 16) {
            P.queued_flags[P.nqueued] = dk__ipc_reload_flags(&m);
            P.queued[P.nqueued++] = m.hdr.id;
        } else if (m.hdr.type == DK_IPC_SHUTDOWN_REQ)
            P.queued_shutdown = true;
        if (m.fd >= 0)
            close(m.fd);
    }
}

static noreturn void engine_exec(int ipc, int logfd)
{
    char err[512];
    char vflag[16] = "-E";
    sigset_t none;

    /* fd 3: messages, fd 4: logs; nothing else crosses the exec. */
    if (dup2(ipc, 3) < 0 || dup2(logfd, 4) < 0)
        _exit(1);
    if (dk__privdrop(P.ids.uid, P.ids.gid, err, sizeof(err)) < 0) {
        dk__log(DK_LOG_CRITICAL, "engine: cannot drop privileges: %s", err);
        _exit(1);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int i = 0; i < P.verbosity && i < 8; i++)
        strcat(vflag, "v");
    char *argv[] = {"ipv6-dhcpd", vflag, NULL};
    const char *exe = "/proc/self/exe";
#ifdef DK_HAVE_VALGRIND
    /* Under valgrind (scripts/valgrind-check.sh) /proc/self/exe is
     * valgrind's tool; valgrind's readlink of it names our program. */
    char path[4096];
    if (RUNNING_ON_VALGRIND) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
        if (n > 0) {
            path[n] = '\0';
            exe = path;
        }
    }
#endif
    execv(exe, argv);
    dk__log(DK_LOG_CRITICAL, "engine: exec: %s", strerror(errno));
    _exit(1);
}

/* Starts an engine and gives it everything: control socket, interfaces,
 * config and every listener. Returns 0, or -1 (logged). */
static int start_engine(void)
{
    int sp[2], lp[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0 ||
        socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, lp) < 0)
        dk__fatal("%s: socketpair", __func__);
    int big = 1 << 20;
    (void)setsockopt(lp[0], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
    (void)setsockopt(sp[0], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
    (void)setsockopt(sp[1], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));

    pid_t pid = fork();
    if (pid < 0)
        dk__fatal("%s: fork", __func__);
    if (pid == 0) {
        close(sp[0]);
        close(lp[0]);
        engine_exec(sp[1], lp[1]);
    }
    close(sp[1]);
    close(lp[1]);
    P.engine = pid;
    P.ipc = sp[0];
    P.logfd = lp[0];
    int fl = fcntl(P.logfd, F_GETFL);
    (void)fcntl(P.logfd, F_SETFL, fl | O_NONBLOCK);
    struct timeval tv = {.tv_sec = 10};
    (void)setsockopt(P.ipc, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

    uint32_t gen = ++P.generation;
    send_control(true);
    send_iftable(true);
    send_config(gen, P.cfg_text, P.cfg_len);
    for (size_t i = 0; i < P.nls; i++)
        send_listener(&P.ls[i].meta, gen, P.ls[i].fd);
    if (dk__ipc_send(P.ipc, DK_IPC_COMMIT, gen, NULL, 0, -1) < 0)
        dk__log_warn("%s: commit", __func__);
    char *text = NULL;
    int rc = wait_commit(gen, &text);
    if (rc <= 0) {
        if (text) {
            char *save = NULL;
            for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                dk__log(DK_LOG_ERROR, "%s", l);
        }
        free(text);
        return -1;
    }
    free(text);
    dk__log_info("%s: engine %ld serving as %s", __func__, (long)pid, P.ids.user);
    return 0;
}

static void engine_gone(void)
{
    if (P.ipc >= 0)
        close(P.ipc);
    if (P.logfd >= 0) {
        relay_logs();
        close(P.logfd);
    }
    P.ipc = P.logfd = -1;
    P.engine = 0;
}

static void reap(void)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid != P.engine)
            continue;
        if (WIFSIGNALED(st))
            dk__log(DK_LOG_CRITICAL, "%s: engine %ld killed by signal %d", __func__, (long)pid,
                    WTERMSIG(st));
        else
            dk__log(DK_LOG_CRITICAL, "%s: engine %ld exited with status %d", __func__, (long)pid,
                    WEXITSTATUS(st));
        engine_gone();
        if (P.stopping)
            return;
        /* Keep serving: start a new engine, unless they keep dying. */
        time_t now = time(NULL);
        if (P.restarts[0] && now - P.restarts[0] < 60)
            dk__fatalx("%s: the engine died 5 times within a minute; giving up", __func__);
        memmove(P.restarts, P.restarts + 1, sizeof(P.restarts) - sizeof(P.restarts[0]));
        P.restarts[4] = now;
        if (start_engine() < 0)
            dk__fatalx("%s: cannot restart the engine", __func__);
    }
}

/* ------------------------------------------------------------------------- */
/* Reload */

static void reload_result(uint32_t token, bool ok, const char *text)
{
    if (!token || P.ipc < 0)
        return;
    struct dk_ipc_result r = {.ok = ok, .text_len = text ? (uint32_t)strlen(text) : 0};
    int fd = r.text_len ? dk__memfd_from("dhcpkit-result", text, r.text_len) : -1;
    if (fd < 0)
        r.text_len = 0;
    if (dk__ipc_send(P.ipc, DK_IPC_RELOAD_RESULT, token, &r, sizeof(r), fd) < 0)
        dk__log_warn("%s", __func__);
    if (fd >= 0)
        close(fd);
}

static bool str_changed(const struct dk_config *a, const struct dk_config *b, const char *key)
{
    const struct dk_config_value *x = dk_config_get(dk_config_root(a), key);
    const struct dk_config_value *y = dk_config_get(dk_config_root(b), key);
    if (!x || !y)
        return x != y;
    return strcmp(x->v.s, y->v.s) != 0;
}

/* flags: DK_IPC_RELOAD_FORCE, passed to the engine with the commit. */
static void reload(uint32_t token, uint32_t flags)
{
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    char *text = NULL, *why = NULL;
    size_t len = 0;
    struct dk_ids ids;
    uint8_t duid[DK_DUID_MAX];
    size_t duid_len;
    char err[1024];

    dk_config_errors_init(&errs);
    if (P.ipc < 0) { /* between an engine's death and its successor */
        dk__log_warnx("%s: the engine is restarting; reload later", __func__);
        reload_result(token, false, "the server process is restarting; try again");
        return;
    }
    dk__log_info("%s: reloading %s%s", __func__, P.config_path,
                 flags & DK_IPC_RELOAD_FORCE ? " (forced past the guards)" : "");
    if (load_config(&text, &len, &cfg, &errs) < 0) {
        why = errors_text(&errs);
        log_errors(&errs);
        goto refused;
    }
    const struct dk_config_section *root = dk_config_root(cfg);
    if (dk__ids_resolve(root, &ids, err, sizeof(err)) < 0 ||
        dk__server_duid(root, &P.net, true, duid, &duid_len, err, sizeof(err)) < 0) {
        dk__log(DK_LOG_ERROR, "%s", err);
        why = strdup(err);
        goto refused;
    }
    static const char *const restart_keys[] = {"user", "group", "pid-file", "control-socket"};
    for (size_t i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++)
        if (str_changed(P.cfg, cfg, restart_keys[i]))
            dk__log_warnx("%s: %s changed: it takes effect at the next start", __func__,
                          restart_keys[i]);

    warn_missing(root);
    /* The sockets of the new config: keep those that match, open the rest. */
    uint32_t gen = ++P.generation;
    struct dk_lplan plan = {0};
    struct plistener *fresh = NULL;
    size_t nfresh = 0;
    if (dk__listeners_plan(root, &P.net, &plan) < 0 ||
        !(fresh = calloc(plan.n + 1, sizeof(*fresh)))) {
        dk__lplan_clear(&plan);
        why = strdup("out of memory");
        goto refused;
    }
    for (size_t k = 0; k < plan.n; k++) {
        struct dk_ipc_listener meta = plan.v[k].meta;
        struct plistener *pl = ls_find_socket(&meta);
        if (pl) {
            meta.id = pl->meta.id;
            send_listener(&meta, gen, -1);
            continue;
        }
        meta.id = ++P.next_id;
        int fd = open_listener(&meta, &plan.v[k]);
        if (fd < 0)
            continue;
        fresh[nfresh].meta = meta;
        fresh[nfresh].fd = fd;
        nfresh++;
        send_listener(&meta, gen, fd);
    }
    memcpy(P.duid, duid, duid_len); /* the engine takes it from CONFIG */
    size_t old_duid_len = P.duid_len;
    uint8_t old_duid[DK_DUID_MAX];
    memcpy(old_duid, P.duid, sizeof(old_duid));
    P.duid_len = duid_len;
    send_config(gen, text, len);
    struct dk_ipc_reload rf = {flags};
    if (dk__ipc_send(P.ipc, DK_IPC_COMMIT, gen, &rf, sizeof(rf), -1) < 0)
        dk__log_warn("%s: commit", __func__);
    int rc = wait_commit(gen, &why);
    if (rc <= 0) {
        for (size_t i = 0; i < nfresh; i++)
            close(fresh[i].fd);
        free(fresh);
        dk__lplan_clear(&plan);
        memcpy(P.duid, old_duid, sizeof(old_duid));
        P.duid_len = old_duid_len;
        if (why) {
            char *copy = strdup(why), *save = NULL;
            for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l;
                 l = strtok_r(NULL, "\n", &save))
                dk__log(DK_LOG_ERROR, "%s", l);
            free(copy);
        }
        if (rc < 0) {
            /* The engine is gone or hangs: make sure it is gone, and reap()
             * starts a new one with the previous configuration. */
            if (P.engine > 0)
                kill(P.engine, SIGKILL);
            free(why);
            why = NULL;
            dk_config_free(cfg);
            free(text);
            dk_config_errors_clear(&errs);
            reload_result(token, false, "the server process failed");
            return;
        }
        goto refused;
    }

    /* In use: close the sockets the new config does not want. */
    for (size_t i = 0; i < P.nls;) {
        bool keep = false;
        for (size_t k = 0; k < plan.n && !keep; k++)
            keep = dk__lspec_same_socket(&P.ls[i].meta, &plan.v[k].meta);
        if (keep) {
            for (size_t k = 0; k < plan.n; k++)
                if (dk__lspec_same_socket(&P.ls[i].meta, &plan.v[k].meta)) {
                    uint32_t id = P.ls[i].meta.id;
                    P.ls[i].meta = plan.v[k].meta;
                    P.ls[i].meta.id = id;
                }
            i++;
            continue;
        }
        close(P.ls[i].fd);
        P.ls[i] = P.ls[--P.nls];
    }
    for (size_t i = 0; i < nfresh; i++)
        if (ls_add(&fresh[i].meta, fresh[i].fd) < 0)
            close(fresh[i].fd);
    free(fresh);
    dk__lplan_clear(&plan);

    dk_config_free(P.cfg);
    free(P.cfg_text);
    P.cfg = cfg;
    P.cfg_text = text;
    P.cfg_len = len;
    /* user and group need a restart; the control policy does not. */
    uid_t uid = P.ids.uid;
    gid_t gid = P.ids.gid;
    char user[256];
    memcpy(user, P.ids.user, sizeof(user));
    P.ids = ids;
    P.ids.uid = uid;
    P.ids.gid = gid;
    memcpy(P.ids.user, user, sizeof(user));
    send_control(false);
    if (control_access() < 0)
        dk__log_warn("%s: %s", __func__, P.ctlpath);
    char lerr[512];
    if (dk__log_configure(root, P.stderr_level, lerr, sizeof(lerr)) < 0)
        dk__log_warnx("%s: logging unchanged: %s", __func__, lerr);
    (void)dk__ipc_send(P.ipc, DK_IPC_LOGLEVEL, (uint32_t)dk__log_min_level(), NULL, 0, -1);
    dk_config_errors_clear(&errs);
    free(why);
    dk__log(DK_LOG_WARNING, "%s: reloaded %s", __func__, P.config_path);
    reload_result(token, true, NULL);
    return;

refused:
    dk__log(DK_LOG_ERROR, "%s: %s has errors; the previous configuration stays in use", __func__,
            P.config_path);
    reload_result(token, false, why ? why : "the configuration has errors");
    free(why);
    dk_config_errors_clear(&errs);
    dk_config_free(cfg);
    free(text);
}

/* ------------------------------------------------------------------------- */

static noreturn void stop(int status)
{
    P.stopping = true;
    if (P.engine > 0) {
        (void)dk__ipc_send(P.ipc, DK_IPC_STOP, 0, NULL, 0, -1);
        for (int i = 0; i < 1000 && P.engine > 0; i++) {
            int st;
            if (P.logfd >= 0)
                relay_logs();
            if (waitpid(P.engine, &st, WNOHANG) == P.engine) {
                engine_gone();
                break;
            }
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
        }
        if (P.engine > 0) {
            kill(P.engine, SIGKILL);
            waitpid(P.engine, NULL, 0);
            engine_gone();
        }
    }
    for (size_t i = 0; i < P.nls; i++)
        close(P.ls[i].fd);
    if (P.ctlfd >= 0) {
        close(P.ctlfd);
        (void)unlink(P.ctlpath);
    }
    if (P.pidfd >= 0) {
        (void)unlink(P.pidfile);
        close(P.pidfd);
    }
    dk__log(DK_LOG_WARNING, "ipv6-dhcpd stopped");
    exit(status);
}

static void on_ipc(void)
{
    struct dk_ipc_msg m;
    int rc = dk__ipc_recv(P.ipc, &m);
    if (rc == 0) { /* the engine is gone: reap() restarts it */
        relay_logs();
        close(P.ipc);
        P.ipc = -1;
        return;
    }
    if (rc < 0)
        return;
    if (m.fd >= 0)
        close(m.fd);
    switch (m.hdr.type) {
    case DK_IPC_RELOAD_REQ:
        reload(m.hdr.id, dk__ipc_reload_flags(&m));
        break;
    case DK_IPC_SHUTDOWN_REQ:
        dk__log_warnx("%s: shutdown through the control socket", __func__);
        stop(0);
    default:
        dk__log_warnx("%s: unexpected message %u from the engine", __func__, m.hdr.type);
    }
}

static void on_signal(void)
{
    struct signalfd_siginfo si;
    while (read(P.sigfd, &si, sizeof(si)) == sizeof(si)) {
        switch (si.ssi_signo) {
        case SIGHUP:
            reload(0, 0);
            break;
        case SIGTERM:
        case SIGINT:
            dk__log_info("%s: signal %u: stopping", __func__, si.ssi_signo);
            stop(0);
        case SIGCHLD:
            reap();
            break;
        default:
            break;
        }
    }
}

static int ms_until(const struct timespec *due)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (due->tv_sec - now.tv_sec) * 1000 + (due->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

int main(int argc, char **argv)
{
    bool check = false, engine = false;
    int ch;

    while ((ch = getopt(argc, argv, "nvF:p:c:fEh")) != -1) {
        switch (ch) {
        case 'n':
            check = true;
            break;
        case 'v':
            P.verbosity++;
            break;
        case 'F':
            if (strcmp(optarg, "ini") == 0)
                P.syntax = DK_CONFIG_INI;
            else if (strcmp(optarg, "nested") == 0)
                P.syntax = DK_CONFIG_NESTED;
            else
                usage();
            break;
        case 'p':
            P.pidfile_arg = optarg;
            break;
        case 'c':
            P.ctlsock_arg = optarg;
            break;
        case 'f': /* foreground: always */
            break;
        case 'E':
            engine = true;
            break;
        default:
            usage();
        }
    }
    if (engine) {
        if (optind != argc)
            usage();
        dk__log_init("ipv6-dhcpd", DK_LOG_WARNING);
        return dk__engine_main(P.verbosity);
    }
    if (argc - optind != 1)
        usage();
    P.config_path = argv[optind];

    if (check) {
        dk__log_init("ipv6-dhcpd", DK_LOG_WARNING);
        return check_config();
    }

    P.stderr_level = dk__log_verbosity_level(P.verbosity);
    dk__log_init("ipv6-dhcpd", P.stderr_level);
    if (geteuid() != 0)
        dk__fatalx("ipv6-dhcpd: must be started as root (it drops privileges itself)");

    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    if (load_config(&P.cfg_text, &P.cfg_len, &P.cfg, &errs) < 0) {
        dk_config_errors_print(&errs, stderr);
        log_errors(&errs);
        return 1;
    }
    dk_config_errors_clear(&errs);
    const struct dk_config_section *root = dk_config_root(P.cfg);

    /* Logging as configured; standard error only with -v when the config
     * names destinations. */
    bool has_logging = false;
    for (size_t i = 0; i < root->nchildren; i++)
        has_logging = has_logging || strcmp(root->children[i]->type, "logging") == 0;
    if (has_logging && P.verbosity == 0)
        P.stderr_level = DK_LOG_OFF;
    char err[1024];
    if (dk__log_configure(root, P.stderr_level, err, sizeof(err)) < 0)
        dk__fatalx("%s", err);
    if (dk__ids_resolve(root, &P.ids, err, sizeof(err)) < 0)
        dk__fatalx("%s", err);
    if (P.ids.uid == 0)
        dk__log_warnx("the engine runs as root: set 'user' to an unprivileged user");

    P.nlfd = dk__nl_monitor_open();
    if (P.nlfd < 0)
        dk__fatal("rtnetlink");
    if (dk__nl_snapshot(&P.net) < 0)
        dk__fatal("rtnetlink snapshot");
    if (dk__server_duid(root, &P.net, true, P.duid, &P.duid_len, err, sizeof(err)) < 0)
        dk__fatalx("server DUID: %s", err);

    open_pidfile();
    open_control();

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    P.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (P.sigfd < 0)
        dk__fatal("signalfd");

    /* The sockets of the interfaces and addresses there are now. */
    warn_missing(root);
    struct dk_lplan plan = {0};
    if (dk__listeners_plan(root, &P.net, &plan) < 0)
        dk__fatalx("out of memory");
    for (size_t k = 0; k < plan.n; k++) {
        struct dk_ipc_listener meta = plan.v[k].meta;
        meta.id = ++P.next_id;
        int fd = open_listener(&meta, &plan.v[k]);
        if (fd >= 0 && ls_add(&meta, fd) < 0)
            close(fd);
    }
    dk__lplan_clear(&plan);

    if (start_engine() < 0) {
        dk__log(DK_LOG_CRITICAL, "%s: the configuration was refused", P.config_path);
        stop(1);
    }
    dk__log(DK_LOG_WARNING, "ipv6-dhcpd %s started, %zu sockets", DK_VERSION_STRING, P.nls);

    for (;;) {
        while (P.nqueued || P.queued_shutdown) {
            if (P.queued_shutdown)
                stop(0);
            uint32_t t = P.queued[0], f = P.queued_flags[0];
            memmove(P.queued, P.queued + 1, (P.nqueued - 1) * sizeof(P.queued[0]));
            memmove(P.queued_flags, P.queued_flags + 1, --P.nqueued * sizeof(P.queued[0]));
            reload(t, f);
        }
        struct pollfd pfd[4] = {
            {.fd = P.sigfd, .events = POLLIN},
            {.fd = P.nlfd, .events = POLLIN},
            {.fd = P.ipc, .events = POLLIN},
            {.fd = P.logfd, .events = POLLIN},
        };
        int timeout = P.net_dirty ? ms_until(&P.net_due) : -1;
        int rc = poll(pfd, 4, timeout);
        if (rc < 0 && errno != EINTR)
            dk__fatal("poll");
        if (pfd[3].revents & POLLIN)
            relay_logs();
        if (pfd[1].revents & POLLIN) {
            int c = dk__nl_drain(P.nlfd);
            if (c != 0 && !P.net_dirty) {
                P.net_dirty = true;
                clock_gettime(CLOCK_MONOTONIC, &P.net_due);
                P.net_due.tv_nsec += NETLINK_DELAY_MS * 1000000L;
                if (P.net_due.tv_nsec >= 1000000000L) {
                    P.net_due.tv_sec++;
                    P.net_due.tv_nsec -= 1000000000L;
                }
            }
        }
        if (P.net_dirty && ms_until(&P.net_due) == 0) {
            P.net_dirty = false;
            if (P.ipc >= 0)
                net_refresh();
        }
        if (P.ipc >= 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)))
            on_ipc();
        if (pfd[0].revents & POLLIN)
            on_signal();
    }
}
