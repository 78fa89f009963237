/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server DUID: configured, or generated once and kept in a state file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/duid.h>

#include "duidstate.h"

/* RFC 8415 §11.2: DUID-LLT time is seconds since 2000-01-01 00:00 UTC. */
#define DUID_EPOCH 946684800

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

int dk__duid_configured(const struct dk_config_section *root, uint8_t *duid, size_t *len)
{
    for (size_t i = 0; i < root->nchildren; i++) {
        const struct dk_config_section *s = root->children[i];
        const struct dk_config_value *hw = dk_config_get(s, "hardware-type");
        const struct dk_config_value *ll = dk_config_get(s, "link-layer-address");
        if (strcmp(s->type, "duid-llt") == 0) {
            const struct dk_config_value *ts = dk_config_get(s, "timestamp");
            /* RFC 8415 §11.2: type 1, hardware type, time, address. */
            put16(duid, 1);
            put16(duid + 2, (unsigned)hw->v.u);
            put32(duid + 4, (uint32_t)(ts->v.t - DUID_EPOCH));
            memcpy(duid + 8, ll->v.bytes.p, ll->v.bytes.len);
            *len = 8 + ll->v.bytes.len;
            return 1;
        }
        if (strcmp(s->type, "duid-en") == 0) {
            const struct dk_config_value *en = dk_config_get(s, "enterprise-number");
            const struct dk_config_value *id = dk_config_get(s, "identifier");
            /* RFC 8415 §11.3: type 2, enterprise number, identifier. */
            put16(duid, 2);
            put32(duid + 2, (uint32_t)en->v.u);
            memcpy(duid + 6, id->v.bytes.p, id->v.bytes.len);
            *len = 6 + id->v.bytes.len;
            return 1;
        }
        if (strcmp(s->type, "duid-ll") == 0) {
            /* RFC 8415 §11.4: type 3, hardware type, address. */
            put16(duid, 3);
            put16(duid + 2, (unsigned)hw->v.u);
            memcpy(duid + 4, ll->v.bytes.p, ll->v.bytes.len);
            *len = 4 + ll->v.bytes.len;
            return 1;
        }
    }
    return 0;
}

/* The file holds the DUID in hex on one line (':' and blanks allowed). */
static int read_state(const char *path, uint8_t *duid, size_t *len, char *err, size_t errlen)
{
    char buf[1024];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1);
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t o = 0;
    int hi = -1;
    for (ssize_t i = 0; i < n; i++) {
        int c = (unsigned char)buf[i];
        if (c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        int v = dk_hexval(c);
        if (v < 0 || o >= DK_DUID_MAX) {
            snprintf(err, errlen, "%s: not a DUID in hex; remove it to generate a new one", path);
            return -1;
        }
        if (hi < 0) {
            hi = v;
        } else {
            duid[o++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    struct dk_duid d;
    if (hi >= 0 || dk_duid_parse(duid, o, &d) < 0) {
        snprintf(err, errlen, "%s: not a valid DUID; remove it to generate a new one", path);
        return -1;
    }
    *len = o;
    return 1;
}

static int mkdirs(const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
        return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

static int write_state(const char *path, const uint8_t *duid, size_t len, char *err, size_t errlen)
{
    char tmp[4200], text[2 * DK_DUID_MAX + 2];
    for (size_t i = 0; i < len; i++)
        snprintf(text + 2 * i, 3, "%02x", duid[i]);
    text[2 * len] = '\n';
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    if (mkdirs(path) < 0) {
        snprintf(err, errlen, "cannot create the folder of %s: %s", path, strerror(errno));
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    if (write(fd, text, 2 * len + 1) != (ssize_t)(2 * len + 1) || fsync(fd) < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* DUID-LLT from the lowest-numbered Ethernet-like interface, else a
 * random DUID-UUID (RFC 6355). */
static size_t generate(const struct dk_netstate *st, uint8_t *duid)
{
    const struct dk_nl_if *best = NULL;
    for (size_t i = 0; st && i < st->nifs; i++) {
        const struct dk_nl_if *ifc = &st->ifs[i];
        bool zero = true;
        for (size_t k = 0; k < ifc->hwlen; k++)
            zero = zero && ifc->hw[k] == 0;
        /* ARPHRD_ETHER (1) addresses are also IANA hardware type 1. */
        if (ifc->hwtype == 1 && ifc->hwlen == 6 && !zero && (!best || ifc->index < best->index))
            best = ifc;
    }
    if (best) {
        put16(duid, 1);
        put16(duid + 2, 1);
        put32(duid + 4, (uint32_t)((uint64_t)time(NULL) - DUID_EPOCH));
        memcpy(duid + 8, best->hw, 6);
        return 14;
    }
    put16(duid, 4);
    if (getrandom(duid + 2, 16, 0) != 16) {
        for (size_t i = 2; i < 18; i++)
            duid[i] = (uint8_t)rand();
    }
    duid[2 + 6] = (uint8_t)((duid[2 + 6] & 0x0f) | 0x40); /* RFC 4122 §4.4: version 4 */
    duid[2 + 8] = (uint8_t)((duid[2 + 8] & 0x3f) | 0x80);
    return 18;
}

int dk__server_duid(const struct dk_config_section *root, const struct dk_netstate *st, bool create,
                    uint8_t *duid, size_t *len, char *err, size_t errlen)
{
    if (dk__duid_configured(root, duid, len))
        return 0;
    const struct dk_config_value *f = dk_config_get(root, "server-duid-file");
    const char *path = f ? f->v.s : "/var/lib/dhcpkit/server-duid";
    int rc = read_state(path, duid, len, err, errlen);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    *len = generate(st, duid);
    if (!create)
        return 0;
    return write_state(path, duid, *len, err, errlen);
}
