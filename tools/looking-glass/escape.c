/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escaping for the looking glass (escape.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static bool grow(struct lg_sb *b, size_t n)
{
    if (b->err)
        return false;
    if (b->len + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) {
        if (cap > ((size_t)1 << 30)) {
            b->err = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        b->err = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void lg_sb_put(struct lg_sb *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void lg_sb_puts(struct lg_sb *b, const char *s)
{
    lg_sb_put(b, s, strlen(s));
}

void lg_sb_printf(struct lg_sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->err = true;
        return;
    }
    if ((size_t)n < sizeof(tmp)) {
        lg_sb_put(b, tmp, (size_t)n);
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void lg_sb_free(struct lg_sb *b)
{
    free(b->p);
    *b = (struct lg_sb){0};
}

size_t lg_utf8_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned min, cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static size_t slen(const char *s, size_t n)
{
    return n == (size_t)-1 ? (s ? strlen(s) : 0) : n;
}

void lg_html(struct lg_sb *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    n = slen(s, n);
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        const char *rep = NULL;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '`':
            rep = "&#96;";
            break;
        default:
            break;
        }
        if (rep) {
            lg_sb_puts(b, rep);
            i++;
            continue;
        }
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
            lg_sb_puts(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        size_t l = lg_utf8_len(u + i, n - i);
        if (!l) {
            lg_sb_puts(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        lg_sb_put(b, s + i, l);
        i += l;
    }
}

void lg_json_str(struct lg_sb *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    n = slen(s, n);
    lg_sb_put(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            lg_sb_put(b, e, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
            lg_sb_printf(b, "\\u%04x", c);
            i++;
        } else {
            size_t l = lg_utf8_len(u + i, n - i);
            if (!l) {
                lg_sb_puts(b, "\\ufffd");
                i++;
            } else if (l == 3 && u[i] == 0xe2 && u[i + 1] == 0x80 &&
                       (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
                lg_sb_puts(b, u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
                i += 3;
            } else {
                lg_sb_put(b, s + i, l);
                i += l;
            }
        }
    }
    lg_sb_put(b, "\"", 1);
}

void lg_json_raw(struct lg_sb *b, const char *json)
{
    if (!json) {
        lg_sb_puts(b, "null");
        return;
    }
    const unsigned char *u = (const unsigned char *)json;
    size_t n = strlen(json);
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c == '<' || c == '>' || c == '&') {
            lg_sb_printf(b, "\\u%04x", c);
            i++;
            continue;
        }
        size_t l = lg_utf8_len(u + i, n - i);
        if (!l) {
            lg_sb_puts(b, "\\ufffd");
            i++;
            continue;
        }
        lg_sb_put(b, json + i, l);
        i += l;
    }
}

void lg_url(struct lg_sb *b, const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; u && *u; u++) {
        unsigned c = *u;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
            char ch = (char)c;
            lg_sb_put(b, &ch, 1);
        } else {
            lg_sb_printf(b, "%%%02X", c);
        }
    }
}

void lg_prom_label(struct lg_sb *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c == '\\' || c == '"') {
            char e[2] = {'\\', (char)c};
            lg_sb_put(b, e, 2);
            i++;
        } else if (c == '\n') {
            lg_sb_puts(b, "\\n");
            i++;
        } else {
            size_t l = lg_utf8_len(u + i, n - i);
            if (!l || c < 0x20) {
                lg_sb_puts(b, "\xef\xbf\xbd");
                i++;
            } else {
                lg_sb_put(b, s + i, l);
                i += l;
            }
        }
    }
}
