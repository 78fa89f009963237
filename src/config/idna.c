/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Domain names with non-ASCII labels (the original's example has
 * "example.香港"): each such label becomes "xn--" + its RFC 3492 Punycode.
 * No IDNA2008 mapping is done beyond lower-casing ASCII, so write labels in
 * the form that should go on the wire (lower case, NFC).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <dhcpkit/domain.h>

#include "internal.h"

/* A label of 63 octets holds at most 63 characters. */
#define DK_DOMAIN_MAX_LABEL_CPS DK_DOMAIN_MAX_LABEL

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), -1)

/* RFC 3492 §5 parameters. */
enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128 };

/* Decodes one UTF-8 character at s[*i]; the lines were validated already,
 * but check again so that this function stands alone. */
static int utf8_next(const char *s, size_t n, size_t *i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[*i];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        (*i)++;
        return 0;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2;
        v = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        v = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        v = c & 0x07;
    } else {
        return -1;
    }
    if (*i + len > n)
        return -1;
    for (size_t k = 1; k < len; k++) {
        if ((u[*i + k] & 0xc0) != 0x80)
            return -1;
        v = v << 6 | (u[*i + k] & 0x3f);
    }
    static const uint32_t minv[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < minv[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return -1;
    *cp = v;
    *i += len;
    return 0;
}

static uint32_t adapt(uint32_t delta, uint32_t numpoints, bool first)
{
    uint32_t k = 0;
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / numpoints;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
        delta /= BASE - TMIN;
        k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

static char digit(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* RFC 3492 §6.3 for one label of cps[0..n); appends to out. */
static int punycode(const uint32_t *cps, size_t n, char *out, size_t cap, size_t *used)
{
    uint32_t nn = INITIAL_N, delta = 0, bias = INITIAL_BIAS;
    size_t o = *used, b = 0, h;

#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (o + 1 >= cap)                                                                          \
            return -1;                                                                             \
        out[o++] = (c);                                                                            \
    } while (0)

    for (size_t j = 0; j < n; j++)
        if (cps[j] < 0x80) {
            PUT((char)cps[j]);
            b++;
        }
    h = b;
    if (b > 0)
        PUT('-');
    while (h < n) {
        uint32_t m = UINT32_MAX;
        for (size_t j = 0; j < n; j++)
            if (cps[j] >= nn && cps[j] < m)
                m = cps[j];
        if ((uint64_t)(m - nn) * (h + 1) > UINT32_MAX - delta)
            return -1;
        delta += (m - nn) * (uint32_t)(h + 1);
        nn = m;
        for (size_t j = 0; j < n; j++) {
            if (cps[j] < nn && ++delta == 0)
                return -1;
            if (cps[j] == nn) {
                uint32_t q = delta;
                for (uint32_t k = BASE;; k += BASE) {
                    uint32_t t = k <= bias ? TMIN : (k >= bias + TMAX ? TMAX : k - bias);
                    if (q < t)
                        break;
                    PUT(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                }
                PUT(digit(q));
                bias = adapt(delta, (uint32_t)(h + 1), h == b);
                delta = 0;
                h++;
            }
        }
        delta++;
        nn++;
    }
#undef PUT
    *used = o;
    return 0;
}

int dk__idna_to_ascii(const char *in, size_t n, char *out, size_t cap, char *why, size_t whylen)
{
    size_t o = 0, i = 0;
    while (i < n) {
        /* One label: in[i..end). */
        size_t end = i;
        while (end < n && in[end] != '.')
            end++;
        if (end == i && end < n)
            return WHY("empty label in a domain name");
        uint32_t cps[DK_DOMAIN_MAX_LABEL_CPS];
        size_t ncp = 0, k = i;
        bool ascii = true;
        while (k < end) {
            uint32_t cp;
            if (utf8_next(in, end, &k, &cp) < 0)
                return WHY("invalid UTF-8 in a domain name");
            if (ncp == DK_DOMAIN_MAX_LABEL_CPS)
                return WHY("a label is longer than 63 octets");
            if (cp >= 'A' && cp <= 'Z')
                cp += 'a' - 'A';
            if (cp < 0x80 && (cp <= ' ' || cp == 0x7f || cp == '\\' || cp == '"'))
                return WHY("a domain name has no blanks, quotes or backslashes");
            if (cp >= 0x80)
                ascii = false;
            cps[ncp++] = cp;
        }
        size_t start = o;
        if (ascii) {
            for (size_t j = 0; j < ncp; j++) {
                if (o + 1 >= cap)
                    return WHY("the domain name is too long");
                out[o++] = (char)cps[j];
            }
        } else {
            if (o + 5 >= cap)
                return WHY("the domain name is too long");
            memcpy(out + o, "xn--", 4);
            o += 4;
            if (punycode(cps, ncp, out, cap, &o) < 0)
                return WHY("the domain name is too long");
        }
        if (o - start > DK_DOMAIN_MAX_LABEL)
            return WHY("a label is longer than 63 octets");
        if (end < n) {
            if (o + 1 >= cap)
                return WHY("the domain name is too long");
            out[o++] = '.';
        }
        i = end + 1;
    }
    out[o] = 0;
    return (int)o;
}
