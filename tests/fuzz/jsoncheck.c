/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small recursive-descent JSON checker for the tests (see jsoncheck.h). */
#include <stdbool.h>
#include <stdint.h>

#include "jsoncheck.h"

#define JSON_MAX_DEPTH 4096

struct jc {
    const unsigned char *s;
    size_t n, i;
};

static bool value(struct jc *c, unsigned depth);

static void ws(struct jc *c)
{
    while (c->i < c->n &&
           (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static bool lit(struct jc *c, const char *w)
{
    size_t k = 0;
    for (; w[k]; k++)
        if (c->i + k >= c->n || c->s[c->i + k] != (unsigned char)w[k])
            return false;
    c->i += k;
    return true;
}

static bool hex4(struct jc *c)
{
    for (int k = 0; k < 4; k++, c->i++) {
        if (c->i >= c->n)
            return false;
        unsigned char h = c->s[c->i];
        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
            return false;
    }
    return true;
}

/* One UTF-8 sequence at c->i: well-formed, shortest form, no surrogates. */
static bool utf8(struct jc *c)
{
    const unsigned char *p = c->s + c->i;
    size_t left = c->n - c->i, len;
    uint32_t cp;
    if (p[0] < 0x80)
        len = 1, cp = p[0];
    else if ((p[0] & 0xe0) == 0xc0)
        len = 2, cp = p[0] & 0x1fu;
    else if ((p[0] & 0xf0) == 0xe0)
        len = 3, cp = p[0] & 0x0fu;
    else if ((p[0] & 0xf8) == 0xf0)
        len = 4, cp = p[0] & 0x07u;
    else
        return false;
    if (len > left)
        return false;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return false;
        cp = cp << 6 | (p[k] & 0x3fu);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if ((len > 1 && cp < min[len]) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return false;
    c->i += len;
    return true;
}

static bool string(struct jc *c)
{
    if (!lit(c, "\""))
        return false;
    while (c->i < c->n) {
        unsigned char ch = c->s[c->i];
        if (ch == '"') {
            c->i++;
            return true;
        }
        if (ch < 0x20)
            return false;
        if (ch == '\\') {
            c->i++;
            if (c->i >= c->n)
                return false;
            ch = c->s[c->i++];
            if (ch == 'u') {
                if (!hex4(c))
                    return false;
            } else if (!(ch == '"' || ch == '\\' || ch == '/' || ch == 'b' || ch == 'f' ||
                         ch == 'n' || ch == 'r' || ch == 't')) {
                c->i--;
                return false;
            }
            continue;
        }
        if (!utf8(c))
            return false;
    }
    return false;
}

static bool digits(struct jc *c)
{
    size_t start = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
        c->i++;
    return c->i > start;
}

static bool number(struct jc *c)
{
    if (c->i < c->n && c->s[c->i] == '-')
        c->i++;
    if (c->i < c->n && c->s[c->i] == '0')
        c->i++;
    else if (!digits(c))
        return false;
    if (c->i < c->n && c->s[c->i] == '.') {
        c->i++;
        if (!digits(c))
            return false;
    }
    if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (!digits(c))
            return false;
    }
    return true;
}

static bool members(struct jc *c, unsigned depth, bool object)
{
    char close = object ? '}' : ']';
    c->i++; /* the opening bracket */
    ws(c);
    if (c->i < c->n && c->s[c->i] == (unsigned char)close) {
        c->i++;
        return true;
    }
    for (;;) {
        ws(c);
        if (object) {
            if (!string(c))
                return false;
            ws(c);
            if (!lit(c, ":"))
                return false;
        }
        if (!value(c, depth + 1))
            return false;
        ws(c);
        if (c->i >= c->n)
            return false;
        if (c->s[c->i] == ',') {
            c->i++;
            continue;
        }
        if (c->s[c->i] == (unsigned char)close) {
            c->i++;
            return true;
        }
        return false;
    }
}

static bool value(struct jc *c, unsigned depth)
{
    if (depth > JSON_MAX_DEPTH)
        return false;
    ws(c);
    if (c->i >= c->n)
        return false;
    switch (c->s[c->i]) {
    case '{':
        return members(c, depth, true);
    case '[':
        return members(c, depth, false);
    case '"':
        return string(c);
    case 't':
        return lit(c, "true");
    case 'f':
        return lit(c, "false");
    case 'n':
        return lit(c, "null");
    default:
        return number(c);
    }
}

long json_check(const char *s, size_t n)
{
    struct jc c = {(const unsigned char *)s, n, 0};
    if (!value(&c, 0))
        return (long)c.i;
    ws(&c);
    return c.i == n ? -1 : (long)c.i;
}
