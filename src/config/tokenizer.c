/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lines and tokens shared by the two syntaxes. */
#include <string.h>

#include "internal.h"

void dk__lines_init(struct dk__lines *l, const char *p, size_t len)
{
    l->p = p;
    l->len = len;
    l->off = 0;
    l->lineno = 0;
    /* A UTF-8 byte order mark is not part of the first line. */
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        l->off = 3;
}

/* Length of the valid UTF-8 sequence at s (at most n octets), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        min = c == 0xe0 ? 0xa0 : 0x80;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = c == 0xf0 ? 0x90 : 0x80;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    if (len > 2 && s[1] < min)
        return 0;
    if (c == 0xed && s[1] >= 0xa0) /* UTF-16 surrogates */
        return 0;
    if (c == 0xf4 && s[1] >= 0x90) /* above U+10FFFF */
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

int dk__next_line(struct dk__ctx *ctx, struct dk__lines *l, const char **line, size_t *len,
                  bool *bad, bool *indented)
{
    if (l->off >= l->len)
        return 0;
    const char *start = l->p + l->off;
    const char *nl = memchr(start, '\n', l->len - l->off);
    size_t n = nl ? (size_t)(nl - start) : l->len - l->off;
    l->off += n + (nl ? 1 : 0);
    l->lineno++;
    if (n > 0 && start[n - 1] == '\r')
        n--;
    *bad = false;
    *indented = n > 0 && dk__blank(start[0]);
    if (n > DK_CONFIG_MAX_LINE) {
        dk__error(ctx, l->lineno, "line longer than %d octets", DK_CONFIG_MAX_LINE);
        *bad = true;
    } else {
        const unsigned char *u = (const unsigned char *)start;
        for (size_t i = 0; i < n;) {
            if (u[i] < 0x20 && u[i] != '\t') {
                dk__error(ctx, l->lineno, "control character 0x%02x in line", u[i]);
                *bad = true;
                break;
            }
            if (u[i] == 0x7f) {
                dk__error(ctx, l->lineno, "control character 0x7f in line");
                *bad = true;
                break;
            }
            size_t k = utf8_len(u + i, n - i);
            if (k == 0) {
                dk__error(ctx, l->lineno, "invalid UTF-8 in line");
                *bad = true;
                break;
            }
            i += k;
        }
    }
    while (n > 0 && dk__blank(start[0])) {
        start++;
        n--;
    }
    while (n > 0 && dk__blank(start[n - 1]))
        n--;
    *line = start;
    *len = n;
    return 1;
}

size_t dk__strip_comment(const char *s, size_t n, const char *chars)
{
    for (size_t i = 0; i < n; i++) {
        if (strchr(chars, s[i]) && (i == 0 || dk__blank(s[i - 1]))) {
            n = i;
            break;
        }
    }
    while (n > 0 && dk__blank(s[n - 1]))
        n--;
    return n;
}

int dk__unquote(const char *s, size_t n, char *out, size_t *outlen, size_t *used)
{
    size_t o = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            out[o++] = s[++i];
        } else if (s[i] == '"') {
            *outlen = o;
            *used = i + 1;
            return 0;
        } else {
            out[o++] = s[i];
        }
    }
    return -1;
}
