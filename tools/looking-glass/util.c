/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control socket, stats-json to Prometheus, access checks (lg.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "lg.h"

char *lg_control_stats(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sun.sun_path)) {
        snprintf(err, errlen, "%s: path too long", path);
        return NULL;
    }
    strcpy(sun.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return NULL;
    }
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    struct lg_sb in = {0};
    char *json = NULL;
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    static const char cmd[] = "stats-json\nquit\n";
    if (send(fd, cmd, sizeof(cmd) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(cmd) - 1)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            break;
        lg_sb_put(&in, buf, (size_t)n);
        if (in.err || in.len > ((size_t)16 << 20))
            break;
    }
    /* The greeting, one line of JSON, OK (then the quit's OK). */
    for (char *line = in.p; line && *line;) {
        char *nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = 0;
        if (line[0] == '{') {
            json = strdup(line);
            break;
        }
        line = nl + 1;
    }
    if (!json)
        snprintf(err, errlen, "%s: no statistics in the answer", path);
out:
    lg_sb_free(&in);
    close(fd);
    return json;
}

/* ---- a small JSON walker: objects of objects of numbers */

#define MAX_DEPTH 6
#define MAX_KEY   256

struct sample {
    char *name, *labels;
    double v;
};

struct walk {
    const char *p;
    bool bad;
    char path[MAX_DEPTH][MAX_KEY];
    int depth;
    struct sample *s;
    size_t n, cap;
};

static void ws(struct walk *w)
{
    while (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r')
        w->p++;
}

/* A JSON string into out (escapes decoded; \u above 0x7f as '?'). */
static bool jstring(struct walk *w, char *out, size_t cap)
{
    if (*w->p != '"')
        return false;
    w->p++;
    size_t n = 0;
    while (*w->p && *w->p != '"') {
        char c = *w->p++;
        if (c == '\\') {
            char e = *w->p++;
            switch (e) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case 'r':
                c = '\r';
                break;
            case 'b':
                c = '\b';
                break;
            case 'f':
                c = '\f';
                break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    if (!isxdigit((unsigned char)*w->p))
                        return false;
                    char h[2] = {*w->p++, 0};
                    v = v * 16 + (unsigned)strtoul(h, NULL, 16);
                }
                c = v < 0x80 ? (char)v : '?';
                break;
            }
            case 0:
                return false;
            default:
                c = e;
                break;
            }
        }
        if (n + 1 < cap)
            out[n++] = c;
    }
    if (*w->p != '"')
        return false;
    w->p++;
    out[n] = 0;
    return true;
}

static bool metric_word(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static void add_sample(struct walk *w, double v)
{
    /* global.KEY, global.messages_*.TYPE, SET.NAME.KEY, SET.NAME.messages_*.TYPE */
    static const char *const sets[][2] = {{"interfaces", "interface"},
                                          {"subnets", "subnet"},
                                          {"relays", "relay"},
                                          {"listeners", "listener"}};
    const char *label = NULL, *labelv = NULL;
    int k = 1;
    if (strcmp(w->path[0], "global") != 0) {
        for (size_t i = 0; i < 4; i++)
            if (strcmp(w->path[0], sets[i][0]) == 0)
                label = sets[i][1];
        if (!label || w->depth < 3)
            return;
        labelv = w->path[1];
        k = 2;
    }
    const char *key = w->path[k];
    const char *type = w->depth == k + 2 ? w->path[k + 1] : NULL;
    if (w->depth > k + 2 || !metric_word(key) || (type && !metric_word(type)))
        return;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        struct sample *s = realloc(w->s, cap * sizeof(*s));
        if (!s) {
            w->bad = true;
            return;
        }
        w->s = s;
        w->cap = cap;
    }
    struct lg_sb name = {0}, labels = {0};
    lg_sb_printf(&name, "dhcpkit_%s_total", key);
    if (label) {
        lg_sb_printf(&labels, "%s=\"", label);
        lg_prom_label(&labels, labelv);
        lg_sb_puts(&labels, "\"");
    }
    if (type) {
        lg_sb_printf(&labels, "%stype=\"", label ? "," : "");
        for (const char *t = type; *t; t++) {
            char c = *t == '_' ? '-' : (char)toupper((unsigned char)*t);
            lg_sb_put(&labels, &c, 1);
        }
        lg_sb_puts(&labels, "\"");
    }
    if (name.err || labels.err) {
        lg_sb_free(&name);
        lg_sb_free(&labels);
        w->bad = true;
        return;
    }
    w->s[w->n++] = (struct sample){name.p, labels.p, v};
}

static void value(struct walk *w);

static void object(struct walk *w)
{
    w->p++; /* { */
    ws(w);
    if (*w->p == '}') {
        w->p++;
        return;
    }
    for (;;) {
        ws(w);
        char key[MAX_KEY];
        if (!jstring(w, key, sizeof(key))) {
            w->bad = true;
            return;
        }
        ws(w);
        if (*w->p != ':') {
            w->bad = true;
            return;
        }
        w->p++;
        ws(w);
        if (w->depth >= MAX_DEPTH) {
            w->bad = true;
            return;
        }
        snprintf(w->path[w->depth], MAX_KEY, "%s", key);
        w->depth++;
        value(w);
        w->depth--;
        if (w->bad)
            return;
        ws(w);
        if (*w->p == ',') {
            w->p++;
            continue;
        }
        if (*w->p == '}') {
            w->p++;
            return;
        }
        w->bad = true;
        return;
    }
}

static void value(struct walk *w)
{
    ws(w);
    if (*w->p == '{') {
        object(w);
    } else if (*w->p == '"') {
        char tmp[MAX_KEY];
        if (!jstring(w, tmp, sizeof(tmp)))
            w->bad = true;
    } else if (*w->p == '[') {
        /* not in stats-json; skip a flat list of scalars */
        int depth = 0;
        do {
            if (*w->p == '[')
                depth++;
            else if (*w->p == ']')
                depth--;
            else if (!*w->p) {
                w->bad = true;
                return;
            }
            w->p++;
        } while (depth);
    } else {
        char *end;
        double v = strtod(w->p, &end);
        if (end == w->p) {
            /* true, false, null */
            while (*w->p >= 'a' && *w->p <= 'z')
                w->p++;
            return;
        }
        w->p = end;
        if (w->depth >= 2)
            add_sample(w, v);
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct sample *)a)->name, ((const struct sample *)b)->name);
}

size_t lg_stats_to_prometheus(const char *json, struct lg_sb *out)
{
    struct walk w = {.p = json};
    ws(&w);
    if (*w.p == '{')
        object(&w);
    /* Prometheus wants each family together: a stable order by name. */
    for (size_t i = 1; i < w.n; i++) {
        struct sample t = w.s[i];
        size_t j = i;
        while (j > 0 && by_name(&w.s[j - 1], &t) > 0) {
            w.s[j] = w.s[j - 1];
            j--;
        }
        w.s[j] = t;
    }
    for (size_t i = 0; i < w.n; i++) {
        if (i == 0 || strcmp(w.s[i - 1].name, w.s[i].name) != 0)
            lg_sb_printf(out, "# TYPE %s counter\n", w.s[i].name);
        lg_sb_puts(out, w.s[i].name);
        if (w.s[i].labels) {
            lg_sb_puts(out, "{");
            lg_sb_puts(out, w.s[i].labels);
            lg_sb_puts(out, "}");
        }
        lg_sb_printf(out, " %.17g\n", w.s[i].v);
    }
    size_t n = w.n;
    for (size_t i = 0; i < w.n; i++) {
        free(w.s[i].name);
        free(w.s[i].labels);
    }
    free(w.s);
    return n;
}

bool lg_const_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t i = 0; i < la; i++)
        d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
    return d == 0;
}

int lg_parse_prefix(const char *text, uint8_t addr[16], unsigned *len)
{
    char a[INET6_ADDRSTRLEN + 8];
    if (strlen(text) >= sizeof(a))
        return -1;
    strcpy(a, text);
    *len = 128;
    char *slash = strchr(a, '/');
    if (slash) {
        char *end;
        unsigned long l = strtoul(slash + 1, &end, 10);
        if (*end || end == slash + 1 || l > 128)
            return -1;
        *len = (unsigned)l;
        *slash = 0;
    }
    return inet_pton(AF_INET6, a, addr) == 1 ? 0 : -1;
}

bool lg_in_prefix(const uint8_t a[16], const uint8_t p[16], unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        unsigned bit = 7 - (i % 8);
        if (((a[i / 8] >> bit) & 1) != ((p[i / 8] >> bit) & 1))
            return false;
    }
    return true;
}

int lg_read_auth(const char *path, char **user, char **pass)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[512];
    bool ok = fgets(line, sizeof(line), f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    line[strcspn(line, "\r\n")] = 0;
    char *colon = strchr(line, ':');
    if (!colon || colon == line || !colon[1])
        return -1;
    *colon = 0;
    *user = strdup(line);
    *pass = strdup(colon + 1);
    return *user && *pass ? 0 : -1;
}
