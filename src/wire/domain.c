/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include <dhcpkit/domain.h>

int dk_domain_measure(const uint8_t *p, size_t n, bool allow_partial, size_t *used, bool *complete)
{
    size_t off = 0;
    *used = 0;
    *complete = false;
    while (off < n) {
        size_t label = p[off];
        /* RFC 8415 §10: no compression, so the top two bits must be clear. */
        if (label > DK_DOMAIN_MAX_LABEL)
            return DK_EDOMAIN;
        if (label == 0) {
            if (off + 1 > DK_DOMAIN_MAX_NAME)
                return DK_EDOMAIN;
            *used = off + 1;
            *complete = true;
            return 0;
        }
        if (label > n - off - 1)
            return DK_EDOMAIN;
        off += 1 + label;
        if (off > DK_DOMAIN_MAX_NAME)
            return DK_EDOMAIN;
    }
    /* Ran out before the root label: only a partial name (RFC 4704) may. */
    if (!allow_partial || off == 0)
        return DK_EDOMAIN;
    *used = off;
    return 0;
}

int dk_domain_list_check(const uint8_t *p, size_t n)
{
    size_t off = 0;
    while (off < n) {
        size_t used;
        bool complete;
        int err = dk_domain_measure(p + off, n - off, false, &used, &complete);
        if (err)
            return err;
        off += used;
    }
    return 0;
}

int dk_domain_to_text(const uint8_t *p, size_t n, char *out)
{
    size_t used, off = 0, o = 0;
    bool complete;
    if (dk_domain_measure(p, n, true, &used, &complete))
        return DK_EDOMAIN;
    if (used == 1) { /* the root itself */
        strcpy(out, ".");
        return 1;
    }
    while (off < used && p[off] != 0) {
        size_t label = p[off++];
        if (o)
            out[o++] = '.';
        for (size_t i = 0; i < label; i++) {
            uint8_t c = p[off + i];
            if (c <= ' ' || c >= 0x7f || c == '.' || c == '\\' || c == '"')
                o += (size_t)snprintf(out + o, 5, "\\%03u", c);
            else
                out[o++] = (char)c;
        }
        off += label;
    }
    if (complete)
        out[o++] = '.';
    out[o] = '\0';
    return (int)used;
}

int dk_domain_from_text(struct dk_wbuf *w, const char *text)
{
    size_t total = 0;
    const char *s = text;
    if (strcmp(s, ".") == 0)
        return dk_wbuf_u8(w, 0);
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t label = dot ? (size_t)(dot - s) : strlen(s);
        if (label == 0 || label > DK_DOMAIN_MAX_LABEL)
            return DK_EDOMAIN;
        total += 1 + label;
        if (total + 1 > DK_DOMAIN_MAX_NAME)
            return DK_EDOMAIN;
        dk_wbuf_u8(w, (uint8_t)label);
        dk_wbuf_put(w, s, label);
        s += label;
        if (*s == '.')
            s++;
    }
    if (total == 0)
        return DK_EDOMAIN;
    return dk_wbuf_u8(w, 0);
}
