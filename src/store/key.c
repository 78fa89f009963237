/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Normalised assignment keys (include/dhcpkit/store.h): built from wire
 * fields, parsed from the CSV id forms, and written as the original
 * dhcpkit's text ids ("remote-id:3561:6375...") that its SQLite databases
 * hold.
 */
#include <stdio.h>
#include <string.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/store.h>

#include "internal.h"

size_t dk_store_key(enum dk_store_kind kind, uint32_t sub, const uint8_t *p, size_t n, uint8_t *out,
                    size_t cap)
{
    size_t hdr = kind == DK_STORE_REMOTE_ID ? 4 : kind == DK_STORE_LINKLAYER_ID ? 2 : 0;
    if (1 + hdr + n > cap || n + hdr > 65535)
        return 0;
    out[0] = (uint8_t)kind;
    if (hdr == 4) {
        out[1] = (uint8_t)(sub >> 24);
        out[2] = (uint8_t)(sub >> 16);
        out[3] = (uint8_t)(sub >> 8);
        out[4] = (uint8_t)sub;
    } else if (hdr == 2) {
        out[1] = (uint8_t)(sub >> 8);
        out[2] = (uint8_t)sub;
    }
    if (n)
        memcpy(out + 1 + hdr, p, n);
    return 1 + hdr + n;
}

/* Hex, case-insensitive, colons allowed between octets. Returns the octet
 * count, or -1. */
static long parse_hex(const char *s, size_t n, uint8_t *out, size_t cap)
{
    size_t len = 0, i = 0;
    while (i < n) {
        if (s[i] == ':') {
            i++;
            continue;
        }
        if (i + 1 >= n)
            return -1;
        int hi = dk_hexval(s[i]), lo = dk_hexval(s[i + 1]);
        if (hi < 0 || lo < 0 || len >= cap)
            return -1;
        out[len++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return (long)len;
}

bool dk_store_parse_uint(const char *s, size_t n, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

struct idform {
    const char *name;
    size_t len; /* of name */
    enum dk_store_kind kind;
    bool str;     /* the value is text, byte-exact */
    uint32_t sub; /* 0: none; else the largest enterprise number / type */
};

static const struct idform idforms[] = {
    {"duid", sizeof("duid") - 1, DK_STORE_DUID, false, 0},
    {"interface-id", sizeof("interface-id") - 1, DK_STORE_INTERFACE_ID, false, 0},
    {"interface-id-str", sizeof("interface-id-str") - 1, DK_STORE_INTERFACE_ID, true, 0},
    {"remote-id", sizeof("remote-id") - 1, DK_STORE_REMOTE_ID, false, UINT32_MAX},
    {"remote-id-str", sizeof("remote-id-str") - 1, DK_STORE_REMOTE_ID, true, UINT32_MAX},
    {"subscriber-id", sizeof("subscriber-id") - 1, DK_STORE_SUBSCRIBER_ID, false, 0},
    {"subscriber-id-str", sizeof("subscriber-id-str") - 1, DK_STORE_SUBSCRIBER_ID, true, 0},
    {"linklayer-id", sizeof("linklayer-id") - 1, DK_STORE_LINKLAYER_ID, false, UINT16_MAX},
    {"linklayer-id-str", sizeof("linklayer-id-str") - 1, DK_STORE_LINKLAYER_ID, true, UINT16_MAX},
};

size_t dk_store_parse_id(const char *text, size_t n, uint8_t *out, size_t cap, const char **why)
{
    const char *colon = memchr(text, ':', n);
    if (!colon) {
        *why = "unknown id form";
        return 0;
    }
    size_t fl = (size_t)(colon - text);
    const struct idform *f = NULL;
    for (size_t i = 0; i < sizeof(idforms) / sizeof(idforms[0]); i++)
        if (idforms[i].len == fl && memcmp(idforms[i].name, text, fl) == 0)
            f = &idforms[i];
    if (!f) {
        *why = "unknown id form";
        return 0;
    }
    const char *v = colon + 1;
    size_t vn = n - fl - 1;
    uint32_t sub = 0;
    if (f->sub) {
        const char *c2 = memchr(v, ':', vn);
        if (!c2 || !dk_store_parse_uint(v, (size_t)(c2 - v), f->sub, &sub)) {
            *why = f->kind == DK_STORE_REMOTE_ID ? "bad enterprise number in id"
                                                 : "bad link-layer type in id";
            return 0;
        }
        vn -= (size_t)(c2 - v) + 1;
        v = c2 + 1;
    }
    size_t hdr = f->kind == DK_STORE_REMOTE_ID ? 4 : f->kind == DK_STORE_LINKLAYER_ID ? 2 : 0;
    if (cap < 1 + hdr) {
        *why = "id too long";
        return 0;
    }
    size_t len;
    if (f->str) {
        if (vn == 0) {
            *why = "empty id";
            return 0;
        }
        len = dk_store_key(f->kind, sub, (const uint8_t *)v, vn, out, cap);
    } else {
        long h = parse_hex(v, vn, out + 1 + hdr, cap - 1 - hdr);
        if (h < 0) {
            *why = "bad hex in id";
            return 0;
        }
        if (h == 0) {
            *why = "empty id";
            return 0;
        }
        /* dk_store_key would copy over itself: write the header only. */
        uint8_t tmp[5];
        dk_store_key(f->kind, sub, NULL, 0, tmp, sizeof(tmp));
        memcpy(out, tmp, 1 + hdr);
        len = 1 + hdr + (size_t)h;
    }
    if (!len || len - 1 > 65535) {
        *why = "id too long";
        return 0;
    }
    return len;
}

static const char *const kind_names[] = {
    [DK_STORE_DUID] = "duid",
    [DK_STORE_INTERFACE_ID] = "interface-id",
    [DK_STORE_REMOTE_ID] = "remote-id",
    [DK_STORE_SUBSCRIBER_ID] = "subscriber-id",
    [DK_STORE_LINKLAYER_ID] = "linklayer-id",
};

size_t dk_store_key_text(const uint8_t *key, size_t n, char *out, size_t cap)
{
    if (n < 1 || key[0] < DK_STORE_DUID || key[0] > DK_STORE_LINKLAYER_ID || cap == 0)
        return 0;
    enum dk_store_kind kind = key[0];
    size_t hdr = kind == DK_STORE_REMOTE_ID ? 4 : kind == DK_STORE_LINKLAYER_ID ? 2 : 0;
    if (n < 1 + hdr)
        return 0;
    int w;
    if (hdr == 4)
        w = snprintf(out, cap, "%s:%u:", kind_names[kind],
                     (unsigned)key[1] << 24 | (unsigned)key[2] << 16 | (unsigned)key[3] << 8 |
                         key[4]);
    else if (hdr == 2)
        w = snprintf(out, cap, "%s:%u:", kind_names[kind], (unsigned)key[1] << 8 | key[2]);
    else
        w = snprintf(out, cap, "%s:", kind_names[kind]);
    size_t len = (size_t)w, body = n - 1 - hdr;
    if (w < 0 || len + 2 * body >= cap)
        return 0;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < body; i++) {
        out[len++] = hex[key[1 + hdr + i] >> 4];
        out[len++] = hex[key[1 + hdr + i] & 15];
    }
    out[len] = 0;
    return len;
}
