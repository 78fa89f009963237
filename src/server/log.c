/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Log destinations: standard error, files (with rotation) and syslog (the
 * local socket, or a host over UDP or TCP). Only the parent writes to them;
 * the engine sends records to the parent (see log.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum sink_type { SINK_STDERR, SINK_FILE, SINK_SYSLOG };
enum rotate { ROT_NONE, ROT_HOURLY, ROT_DAILY, ROT_WEEKLY, ROT_SIZE };

struct sink {
    enum sink_type type;
    int level;
    /* file */
    char *path;
    int fd;
    enum rotate rotate;
    uint64_t size_limit;
    unsigned keep;
    long period;
    uint64_t size;
    /* syslog */
    int facility;
    int socktype;
    struct sockaddr_storage addr;
    socklen_t alen;
    time_t last_try;
};

static struct {
    const char *ident;
    struct sink *sinks;
    size_t nsinks;
    int parent_fd; /* engine: where records go; -1 in the parent */
    bool journal;  /* standard error goes to the systemd journal */
    _Atomic int min_level;
    _Atomic uint64_t dropped;
} L = {.ident = "ipv6-dhcpd", .parent_fd = -1, .min_level = DK_LOG_WARNING};

static struct sink default_stderr = {.type = SINK_STDERR, .level = DK_LOG_WARNING, .fd = -1};

static const struct {
    const char *name;
    int level;
} level_names[] = {
    {"critical", DK_LOG_CRITICAL},
    {"error", DK_LOG_ERROR},
    {"warning", DK_LOG_WARNING},
    {"info", DK_LOG_INFO},
    {"debug", DK_LOG_DEBUG},
    {"debug-handling", DK_LOG_DEBUG_HANDLING},
    {"debug-packets", DK_LOG_DEBUG_PACKETS},
    {"notset", 0},
};

static const struct {
    const char *name;
    int code;
} facility_names[] = {
    {"kern", 0 << 3},    {"user", 1 << 3},    {"mail", 2 << 3},      {"daemon", 3 << 3},
    {"auth", 4 << 3},    {"syslog", 5 << 3},  {"lpr", 6 << 3},       {"news", 7 << 3},
    {"uucp", 8 << 3},    {"cron", 9 << 3},    {"authpriv", 10 << 3}, {"ftp", 11 << 3},
    {"local0", 16 << 3}, {"local1", 17 << 3}, {"local2", 18 << 3},   {"local3", 19 << 3},
    {"local4", 20 << 3}, {"local5", 21 << 3}, {"local6", 22 << 3},   {"local7", 23 << 3},
};

int dk__log_level_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
        if (strcmp(level_names[i].name, name) == 0)
            return level_names[i].level;
    return DK_LOG_WARNING;
}

static const char *level_name(int level)
{
    if (level >= DK_LOG_CRITICAL)
        return "CRITICAL";
    if (level >= DK_LOG_ERROR)
        return "ERROR";
    if (level >= DK_LOG_WARNING)
        return "WARNING";
    if (level >= DK_LOG_INFO)
        return "INFO";
    if (level >= DK_LOG_DEBUG)
        return "DEBUG";
    if (level >= DK_LOG_DEBUG_HANDLING)
        return "DEBUG-HANDLING";
    return "DEBUG-PACKETS";
}

/* RFC 5424 §6.2.1 severities. */
static int syslog_severity(int level)
{
    if (level >= DK_LOG_CRITICAL)
        return 2;
    if (level >= DK_LOG_ERROR)
        return 3;
    if (level >= DK_LOG_WARNING)
        return 4;
    if (level >= DK_LOG_INFO)
        return 6;
    return 7;
}

int dk__log_verbosity_level(int count)
{
    static const int levels[] = {DK_LOG_WARNING, DK_LOG_INFO, DK_LOG_DEBUG, DK_LOG_DEBUG_HANDLING,
                                 DK_LOG_DEBUG_PACKETS};
    if (count < 0)
        count = 0;
    if (count > 4)
        count = 4;
    return levels[count];
}

char *dk__escape(const void *p, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *s = p;
    size_t o = 0;
    if (cap == 0)
        return out;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        bool plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
        size_t need = plain ? 1 : 4;
        if (o + need + 4 > cap) { /* room for "..." and the NUL */
            if (o + 4 <= cap) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (plain) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

/* ------------------------------------------------------------------------- */
/* Sinks */

static void sink_clear(struct sink *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->path);
    s->path = NULL;
}

static long period_of(enum rotate r, time_t t)
{
    switch (r) {
    case ROT_HOURLY:
        return (long)(t / 3600);
    case ROT_DAILY:
        return (long)(t / 86400);
    case ROT_WEEKLY:
        return (long)((t + 3 * 86400) / (7 * 86400)); /* weeks start on Monday */
    default:
        return 0;
    }
}

static int file_open(struct sink *s)
{
    s->fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    if (s->fd < 0)
        return -1;
    struct stat st;
    s->size = fstat(s->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    s->period = period_of(s->rotate, time(NULL));
    return 0;
}

static void file_rotate(struct sink *s)
{
    size_t n = strlen(s->path) + 16;
    char *from = malloc(n), *to = malloc(n);
    if (!from || !to)
        goto done;
    close(s->fd);
    s->fd = -1;
    for (unsigned i = s->keep; i > 1; i--) {
        snprintf(from, n, "%s.%u", s->path, i - 1);
        snprintf(to, n, "%s.%u", s->path, i);
        (void)rename(from, to);
    }
    snprintf(to, n, "%s.1", s->path);
    (void)rename(s->path, to);
    (void)file_open(s);
done:
    free(from);
    free(to);
}

static void syslog_connect(struct sink *s)
{
    if (s->fd >= 0)
        return;
    time_t now = time(NULL);
    if (s->last_try && now - s->last_try < 10)
        return;
    s->last_try = now;
    int fd = socket(s->addr.ss_family, s->socktype | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    if (connect(fd, (struct sockaddr *)&s->addr, s->alen) < 0) {
        /* The local socket may be a stream socket (some syslog daemons). */
        if (s->addr.ss_family == AF_UNIX && s->socktype == SOCK_DGRAM && errno == EPROTOTYPE) {
            close(fd);
            s->socktype = SOCK_STREAM;
            s->last_try = 0;
            syslog_connect(s);
            return;
        }
        close(fd);
        return;
    }
    /* Never wait for a log destination. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    s->fd = fd;
    s->last_try = 0;
}

static void sink_write(struct sink *s, int level, const char *text, size_t len)
{
    char line[DK_LOG_MAX + 128];
    int n;
    switch (s->type) {
    case SINK_STDERR:
        if (L.journal)
            n = snprintf(line, sizeof(line), "<%d>%.*s\n", syslog_severity(level), (int)len, text);
        else
            n = snprintf(line, sizeof(line), "%.*s\n", (int)len, text);
        if (n > 0)
            (void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
        break;
    case SINK_FILE: {
        time_t now = time(NULL);
        struct tm tm;
        char ts[32];
        gmtime_r(&now, &tm);
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
        n = snprintf(line, sizeof(line), "%s %s %.*s\n", ts, level_name(level), (int)len, text);
        if (n <= 0)
            break;
        if ((size_t)n >= sizeof(line))
            n = sizeof(line) - 1;
        if (s->rotate == ROT_SIZE && s->size > 0 && s->size + (uint64_t)n > s->size_limit)
            file_rotate(s);
        else if (s->rotate != ROT_NONE && s->rotate != ROT_SIZE &&
                 period_of(s->rotate, now) != s->period)
            file_rotate(s);
        if (s->fd < 0 && file_open(s) < 0)
            break;
        if (write(s->fd, line, (size_t)n) == n)
            s->size += (uint64_t)n;
        break;
    }
    case SINK_SYSLOG: {
        time_t now = time(NULL);
        struct tm tm;
        char ts[32];
        localtime_r(&now, &tm);
        strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
        /* RFC 3164 §4.1; over TCP one message per line (RFC 6587 §3.4.2). */
        n = snprintf(line, sizeof(line), "<%d>%s %s[%ld]: %.*s%s",
                     s->facility | syslog_severity(level), ts, L.ident, (long)getpid(), (int)len,
                     text, s->socktype == SOCK_STREAM ? "\n" : "");
        if (n <= 0)
            break;
        if ((size_t)n >= sizeof(line))
            n = sizeof(line) - 1;
        syslog_connect(s);
        if (s->fd < 0)
            break;
        if (send(s->fd, line, (size_t)n, MSG_NOSIGNAL) < 0 && errno != EAGAIN) {
            close(s->fd);
            s->fd = -1;
        }
        break;
    }
    }
}

static void emit(int level, const char *text, size_t len)
{
    if (L.nsinks == 0) {
        if (level >= default_stderr.level)
            sink_write(&default_stderr, level, text, len);
        return;
    }
    for (size_t i = 0; i < L.nsinks; i++)
        if (level >= L.sinks[i].level)
            sink_write(&L.sinks[i], level, text, len);
}

/* ------------------------------------------------------------------------- */

void dk__log_init(const char *ident, int stderr_level)
{
    L.ident = ident;
    default_stderr.level = stderr_level;
    atomic_store(&L.min_level, stderr_level);
    L.journal = getenv("JOURNAL_STREAM") != NULL;
}

static int parse_syslog_dest(struct sink *s, const char *dest, const char *proto, char *err,
                             size_t errlen)
{
    s->socktype = strcmp(proto, "tcp") == 0 ? SOCK_STREAM : SOCK_DGRAM;
    if (!dest || dest[0] == '/') {
        struct sockaddr_un *sun = (struct sockaddr_un *)&s->addr;
        const char *path = dest ? dest : "/dev/log";
        if (strlen(path) >= sizeof(sun->sun_path)) {
            snprintf(err, errlen, "syslog socket path too long: %s", path);
            return -1;
        }
        sun->sun_family = AF_UNIX;
        strcpy(sun->sun_path, path);
        s->alen = sizeof(*sun);
        s->socktype = SOCK_DGRAM;
        return 0;
    }
    /* host, host:port or [v6]:port */
    char host[256], port[16] = "514";
    const char *colon;
    if (dest[0] == '[') {
        const char *end = strchr(dest, ']');
        if (!end || (size_t)(end - dest - 1) >= sizeof(host)) {
            snprintf(err, errlen, "bad syslog destination: %s", dest);
            return -1;
        }
        memcpy(host, dest + 1, (size_t)(end - dest - 1));
        host[end - dest - 1] = '\0';
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strrchr(dest, ':');
        if (colon && strchr(dest, ':') != colon)
            colon = NULL; /* a bare IPv6 address */
        size_t hl = colon ? (size_t)(colon - dest) : strlen(dest);
        if (hl >= sizeof(host)) {
            snprintf(err, errlen, "bad syslog destination: %s", dest);
            return -1;
        }
        memcpy(host, dest, hl);
        host[hl] = '\0';
    }
    if (colon) {
        if (strlen(colon + 1) >= sizeof(port) || colon[1] == '\0') {
            snprintf(err, errlen, "bad syslog port: %s", dest);
            return -1;
        }
        strcpy(port, colon + 1);
    }
    struct addrinfo hints = {.ai_socktype = s->socktype, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errlen, "syslog destination %s: %s", dest, gai_strerror(rc));
        return -1;
    }
    memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
    s->alen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int dk__log_configure(const struct dk_config_section *root, int stderr_level, char *err,
                      size_t errlen)
{
    struct sink *sinks = NULL;
    size_t n = 0, cap = 0;
    bool console = false;
    const struct dk_config_section *logging = NULL;

    for (size_t i = 0; root && i < root->nchildren; i++)
        if (strcmp(root->children[i]->type, "logging") == 0)
            logging = root->children[i];
    size_t nlog = logging ? logging->nchildren : 0;
    cap = nlog + 1;
    sinks = calloc(cap, sizeof(*sinks));
    if (!sinks) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < nlog; i++) {
        const struct dk_config_section *h = logging->children[i];
        struct sink *s = &sinks[n];
        const struct dk_config_value *lv = dk_config_get(h, "level");
        s->fd = -1;
        s->level = lv ? dk__log_level_by_name(lv->v.s) : DK_LOG_WARNING;
        if (strcmp(h->type, "console") == 0) {
            s->type = SINK_STDERR;
            console = true;
            if (stderr_level < s->level)
                s->level = stderr_level;
        } else if (strcmp(h->type, "file") == 0) {
            const struct dk_config_value *rot = dk_config_get(h, "rotate");
            const struct dk_config_value *sz = dk_config_get(h, "size");
            const struct dk_config_value *keep = dk_config_get(h, "keep");
            s->type = SINK_FILE;
            s->path = strdup(h->arg.v.s);
            s->rotate = ROT_NONE;
            if (rot) {
                const char *r = rot->v.s;
                s->rotate = strcmp(r, "hourly") == 0   ? ROT_HOURLY
                            : strcmp(r, "daily") == 0  ? ROT_DAILY
                            : strcmp(r, "weekly") == 0 ? ROT_WEEKLY
                                                       : ROT_SIZE;
            }
            s->size_limit = sz ? sz->v.u : 0;
            s->keep = keep ? (unsigned)keep->v.u : 0;
            if (!s->path || file_open(s) < 0) {
                snprintf(err, errlen, "%s:%u: cannot open log file %s: %s", h->file, h->line,
                         h->arg.v.s, strerror(errno));
                n++;
                goto fail;
            }
        } else if (strcmp(h->type, "syslog") == 0) {
            const struct dk_config_value *fac = dk_config_get(h, "facility");
            const struct dk_config_value *proto = dk_config_get(h, "protocol");
            s->type = SINK_SYSLOG;
            s->facility = 3 << 3;
            for (size_t k = 0; fac && k < sizeof(facility_names) / sizeof(facility_names[0]); k++)
                if (strcmp(facility_names[k].name, fac->v.s) == 0)
                    s->facility = facility_names[k].code;
            char why[300];
            if (parse_syslog_dest(s, h->has_arg ? h->arg.v.s : NULL, proto ? proto->v.s : "udp",
                                  why, sizeof(why)) < 0) {
                snprintf(err, errlen, "%s:%u: %s", h->file, h->line, why);
                n++;
                goto fail;
            }
        } else {
            continue;
        }
        n++;
    }
    if (!console && stderr_level < DK_LOG_OFF) {
        sinks[n].type = SINK_STDERR;
        sinks[n].level = stderr_level;
        sinks[n].fd = -1;
        n++;
    }

    for (size_t i = 0; i < L.nsinks; i++)
        sink_clear(&L.sinks[i]);
    free(L.sinks);
    L.sinks = sinks;
    L.nsinks = n;
    int min = n ? DK_LOG_OFF : default_stderr.level;
    for (size_t i = 0; i < n; i++)
        if (sinks[i].level < min)
            min = sinks[i].level;
    atomic_store(&L.min_level, min);
    return 0;
fail:
    for (size_t i = 0; i < n; i++)
        sink_clear(&sinks[i]);
    free(sinks);
    return -1;
}

void dk__log_to_parent(int fd, int min_level)
{
    L.parent_fd = fd;
    atomic_store(&L.min_level, min_level);
}

void dk__log_set_min(int min_level)
{
    atomic_store(&L.min_level, min_level);
}

int dk__log_min_level(void)
{
    return atomic_load_explicit(&L.min_level, memory_order_relaxed);
}

bool dk__log_enabled(int level)
{
    return level >= atomic_load_explicit(&L.min_level, memory_order_relaxed);
}

uint64_t dk__log_dropped(void)
{
    return atomic_load(&L.dropped);
}

void dk__vlog(int level, const char *fmt, va_list ap)
{
    char buf[DK_LOG_MAX + 2];
    if (!dk__log_enabled(level))
        return;
    int saved = errno;
    if (L.parent_fd >= 0) {
        /* One datagram: the level as one octet, then the text. */
        buf[0] = (char)(level < 0 ? 0 : level > 127 ? 127 : level);
        int n = vsnprintf(buf + 1, DK_LOG_MAX + 1, fmt, ap);
        if (n < 0)
            n = 0;
        if (n > DK_LOG_MAX)
            n = DK_LOG_MAX;
        if (send(L.parent_fd, buf, (size_t)n + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
            atomic_fetch_add_explicit(&L.dropped, 1, memory_order_relaxed);
    } else {
        int n = vsnprintf(buf, DK_LOG_MAX + 1, fmt, ap);
        if (n < 0)
            n = 0;
        if (n > DK_LOG_MAX)
            n = DK_LOG_MAX;
        emit(level, buf, (size_t)n);
    }
    errno = saved;
}

void dk__log(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk__vlog(level, fmt, ap);
    va_end(ap);
}

void dk__log_from_engine(const char *buf, size_t len)
{
    char text[4 * DK_LOG_MAX + 8];
    if (len < 1)
        return;
    int level = (unsigned char)buf[0];
    if (level > DK_LOG_CRITICAL)
        level = DK_LOG_CRITICAL;
    if (len - 1 > DK_LOG_MAX)
        len = DK_LOG_MAX + 1;
    /* The engine escapes wire strings itself; escape again whatever is not
     * printable, so that nothing it sends can forge lines. */
    size_t o = 0;
    for (size_t i = 1; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c >= 0x20 && c != 0x7f) {
            text[o++] = (char)c;
        } else {
            o += (size_t)snprintf(text + o, sizeof(text) - o, "\\x%02x", c);
        }
    }
    text[o] = '\0';
    emit(level, text, o);
}

static void vlog_errno(int level, const char *fmt, va_list ap, int err)
    __attribute__((format(printf, 2, 0)));
static void vlog_errno(int level, const char *fmt, va_list ap, int err)
{
    char msg[DK_LOG_MAX];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    dk__log(level, "%s: %s", msg, strerror(err));
}

void dk__log_warn(const char *fmt, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vlog_errno(DK_LOG_WARNING, fmt, ap, err);
    va_end(ap);
    errno = err;
}

void dk__log_warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk__vlog(DK_LOG_WARNING, fmt, ap);
    va_end(ap);
}

void dk__log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk__vlog(DK_LOG_INFO, fmt, ap);
    va_end(ap);
}

void dk__log_debug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk__vlog(DK_LOG_DEBUG, fmt, ap);
    va_end(ap);
}

noreturn void dk__fatal(const char *fmt, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vlog_errno(DK_LOG_CRITICAL, fmt, ap, err);
    va_end(ap);
    exit(1);
}

noreturn void dk__fatalx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk__vlog(DK_LOG_CRITICAL, fmt, ap);
    va_end(ap);
    exit(1);
}
