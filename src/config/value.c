/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typed values: parsing with range checks, and comparison. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/domain.h>

#include "internal.h"

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), -1)

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Decimal digits s[0..n) into *out without overflow. Returns 0 or -1. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* A number with an optional suffix from units (letters, case-insensitive)
 * multiplied by mult. */
static int parse_scaled(const char *s, size_t n, const char *const *units, const uint64_t *mult,
                        uint64_t *out)
{
    size_t digits = 0;
    while (digits < n && is_digit(s[digits]))
        digits++;
    uint64_t v, m = 1;
    if (parse_u64(s, digits, &v) < 0)
        return -1;
    if (digits < n) {
        size_t i;
        for (i = 0; units[i]; i++)
            if (strlen(units[i]) == n - digits &&
                strncasecmp(units[i], s + digits, n - digits) == 0)
                break;
        if (!units[i])
            return -1;
        m = mult[i];
    }
    if (v > UINT64_MAX / m)
        return -1;
    *out = v * m;
    return 0;
}

/* digits[.digits], at most 15 digits in all, so that the quotient of two
 * exact doubles gives the correctly rounded value (as strtod would). */
static int parse_decimal(const char *s, size_t n, double *out)
{
    uint64_t mant = 0, scale = 1;
    size_t ndig = 0, i = 0;
    bool dot = false;
    if (n == 0)
        return -1;
    for (; i < n; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (!is_digit(s[i]) || ++ndig > 15)
            return -1;
        mant = mant * 10 + (uint64_t)(s[i] - '0');
        if (dot)
            scale *= 10;
    }
    if (ndig == 0 || s[0] == '.' || s[n - 1] == '.')
        return -1;
    *out = (double)mant / (double)scale;
    return 0;
}

static bool ieq_norm(const char *a, const char *b, size_t bn)
{
    /* a (NUL-terminated) equals b[0..bn) ignoring case, '-' and '_'. */
    size_t i = 0, j = 0;
    for (;;) {
        while (a[i] == '-' || a[i] == '_')
            i++;
        while (j < bn && (b[j] == '-' || b[j] == '_'))
            j++;
        if (!a[i] || j == bn)
            return !a[i] && j == bn;
        if (lower(a[i]) != lower(b[j]))
            return false;
        i++;
        j++;
    }
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int num2(const char *s, unsigned *v)
{
    if (!is_digit(s[0]) || !is_digit(s[1]))
        return -1;
    *v = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
    return 0;
}

/* YYYY-MM-DDTHH:MM:SSZ (the original's "%Y-%m-%dT%H:%M:%SZ"). */
static int parse_timestamp(const char *s, size_t n, int64_t *out)
{
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned yh, yl, mo, d, h, mi, se;
    if (n != 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':' || (s[19] != 'Z' && s[19] != 'z'))
        return -1;
    if (num2(s, &yh) || num2(s + 2, &yl) || num2(s + 5, &mo) || num2(s + 8, &d) ||
        num2(s + 11, &h) || num2(s + 14, &mi) || num2(s + 17, &se))
        return -1;
    unsigned y = yh * 100 + yl;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || se > 59)
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

/* Hex octets, optionally separated by ':' (hex_bytes of the original).
 * Writes at most cap octets. Returns the count or -1. */
static long parse_hex(const char *s, size_t n, uint8_t *out, size_t cap)
{
    size_t count = 0;
    int half = -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':') {
            if (half >= 0 || i == 0 || i + 1 == n || s[i + 1] == ':')
                return -1;
            continue;
        }
        int v = dk_hexval(s[i]);
        if (v < 0)
            return -1;
        if (half < 0) {
            half = v;
        } else {
            if (count >= cap)
                return -2;
            out[count++] = (uint8_t)(half << 4 | v);
            half = -1;
        }
    }
    if (half >= 0)
        return -1;
    return (long)count;
}

static int parse_ipv6(const char *s, size_t n, uint8_t addr[16])
{
    char tmp[64];
    if (n == 0 || n >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    return inet_pton(AF_INET6, tmp, addr) == 1 ? 0 : -1;
}

static int parse_ipv4(const char *s, size_t n, uint8_t addr[4])
{
    char tmp[20];
    if (n == 0 || n >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    return inet_pton(AF_INET, tmp, addr) == 1 ? 0 : -1;
}

static bool is_multicast(const uint8_t a[16])
{
    return a[0] == 0xff;
}

static bool is_linklocal(const uint8_t a[16])
{
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool is_unspecified(const uint8_t a[16])
{
    static const uint8_t zero[16];
    return memcmp(a, zero, 16) == 0;
}

static int parse_domain(struct dk__ctx *ctx, const char *s, size_t n, struct dk_config_value *out,
                        char *why, size_t whylen)
{
    char ascii[DK_DOMAIN_MAX_NAME * 4 + 8];
    uint8_t wire[DK_DOMAIN_MAX_NAME + 1];
    struct dk_wbuf w;

    if (n == 1 && s[0] == '.')
        return WHY("the root is not a domain name here");
    if (dk__idna_to_ascii(s, n, ascii, sizeof(ascii), why, whylen) < 0)
        return -1;
    dk_wbuf_init(&w, wire, sizeof(wire));
    if (dk_domain_from_text(&w, ascii) < 0 || w.err)
        return WHY("not a valid domain name (labels of 1 to 63 octets, at most 255 in all)");
    uint8_t *p = dk__pool_alloc(&ctx->cfg->pool, w.len);
    if (!p) {
        ctx->nomem = true;
        return WHY("out of memory");
    }
    memcpy(p, wire, w.len);
    out->v.bytes.p = p;
    out->v.bytes.len = w.len;
    return 0;
}

static int store_bytes(struct dk__ctx *ctx, const uint8_t *b, size_t n, const uint8_t **p)
{
    uint8_t *q = dk__pool_alloc(&ctx->cfg->pool, n ? n : 1);
    if (!q) {
        ctx->nomem = true;
        return -1;
    }
    memcpy(q, b, n);
    *p = q;
    return 0;
}

static const char *enum_lookup(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list && list[i]; i++) {
        const char *eq = strchr(list[i], '=');
        char name[DK__NAME_MAX];
        size_t len = eq ? (size_t)(eq - list[i]) : strlen(list[i]);
        if (len >= sizeof(name))
            continue;
        memcpy(name, list[i], len);
        name[len] = 0;
        if (ieq_norm(name, s, n)) {
            if (!eq)
                return list[i];
            /* An alias: return the canonical entry. */
            for (size_t j = 0; list[j]; j++)
                if (strcmp(list[j], eq + 1) == 0)
                    return list[j];
            return NULL;
        }
    }
    return NULL;
}

static void enum_names(const char *const *list, char *out, size_t len)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; list && list[i]; i++) {
        if (strchr(list[i], '='))
            continue;
        int w = snprintf(out + used, len - used, "%s%s", used ? ", " : "", list[i]);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

static const char *const time_units[] = {"s", "m", "h", "d", "w", NULL};
static const uint64_t time_mult[] = {1, 60, 3600, 86400, 604800};
static const char *const size_units[] = {"b", "kb", "mb", "gb", "k", "m", "g", NULL};
static const uint64_t size_mult[] = {1, 1024, 1048576, 1073741824, 1024, 1048576, 1073741824};

int dk__value_parse(struct dk__ctx *ctx, const struct dk_config_type *t, const char *text, size_t n,
                    struct dk_config_value *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof(*out));
    out->type = t->vtype;
    out->text = dk__pool_strndup(&ctx->cfg->pool, text, n);
    if (!out->text) {
        ctx->nomem = true;
        return WHY("out of memory");
    }
    if (n == 0)
        return WHY("the value is empty");

    for (size_t i = 0; t->words && t->words[i]; i++) {
        if (strlen(t->words[i]) == n && strncasecmp(t->words[i], text, n) == 0) {
            out->word = t->words[i];
            if (t->vtype == DK_CFG_TIME)
                out->v.u = DK_CONFIG_INFINITY;
            return 0;
        }
    }
    const char *orword = (t->words && t->words[0]) ? " or " : "";
    const char *word0 = (t->words && t->words[0]) ? t->words[0] : "";

    switch (t->vtype) {
    case DK_CFG_STRING:
    case DK_CFG_PATH: {
        uint64_t max = t->max ? t->max : DK_CONFIG_MAX_LINE;
        if (n > max)
            return WHY("longer than %llu characters", (unsigned long long)max);
        if (t->vtype == DK_CFG_PATH && text[0] != '/' && ctx->cfg->dir[0]) {
            size_t dl = strlen(ctx->cfg->dir);
            char *p = dk__pool_alloc(&ctx->cfg->pool, dl + 1 + n + 1);
            if (!p) {
                ctx->nomem = true;
                return WHY("out of memory");
            }
            memcpy(p, ctx->cfg->dir, dl);
            if (p[dl - 1] != '/')
                p[dl++] = '/';
            memcpy(p + dl, text, n);
            out->v.s = p;
        } else {
            out->v.s = out->text;
        }
        return 0;
    }
    case DK_CFG_IFNAME:
        /* IFNAMSIZ is 16 with the NUL. */
        if (n > 15)
            return WHY("an interface name has at most 15 characters");
        for (size_t i = 0; i < n; i++)
            if (text[i] == '/' || dk__blank(text[i]) || text[i] == ':')
                return WHY("an interface name has no '/', ':' or blanks");
        out->v.s = out->text;
        return 0;
    case DK_CFG_BOOL: {
        static const char *const yes[] = {"yes", "true", "on", "1"};
        static const char *const no[] = {"no", "false", "off", "0"};
        for (size_t i = 0; i < 4; i++) {
            if (strlen(yes[i]) == n && strncasecmp(yes[i], text, n) == 0) {
                out->v.b = true;
                return 0;
            }
            if (strlen(no[i]) == n && strncasecmp(no[i], text, n) == 0) {
                out->v.b = false;
                return 0;
            }
        }
        return WHY("must be yes or no (true/false, on/off)");
    }
    case DK_CFG_UINT:
        if (parse_u64(text, n, &out->v.u) < 0 || out->v.u < t->min || out->v.u > t->max)
            return WHY("must be a whole number from %llu to %llu", (unsigned long long)t->min,
                       (unsigned long long)t->max);
        if ((t->check & DK_CFG_CHK_POW2) && (out->v.u == 0 || (out->v.u & (out->v.u - 1)) != 0))
            return WHY("must be a power of two (1, 2, 4, 8, ...)");
        return 0;
    case DK_CFG_TIME:
        if (parse_scaled(text, n, time_units, time_mult, &out->v.u) < 0)
            return WHY("must be a time in seconds, with an optional suffix s, m, h, d or w%s%s",
                       orword, word0);
        if (out->v.u < t->min || out->v.u > t->max)
            return WHY("must be from %llu to %llu seconds%s%s", (unsigned long long)t->min,
                       (unsigned long long)t->max, orword, word0);
        return 0;
    case DK_CFG_DECIMAL:
    case DK_CFG_FACTOR:
        if (parse_decimal(text, n, &out->v.d) < 0 || out->v.d < t->dmin || out->v.d > t->dmax)
            return WHY("must be a number from %g to %g%s%s", t->dmin, t->dmax, orword, word0);
        return 0;
    case DK_CFG_BYTESIZE:
        if (parse_scaled(text, n, size_units, size_mult, &out->v.u) < 0 || out->v.u < t->min ||
            out->v.u > t->max)
            return WHY("must be a size from %llu to %llu octets (suffixes kb, mb, gb)",
                       (unsigned long long)t->min, (unsigned long long)t->max);
        return 0;
    case DK_CFG_IPV6:
        if (parse_ipv6(text, n, out->v.addr) < 0)
            return WHY("not an IPv6 address%s%s%s%s", orword, word0,
                       (t->words && t->words[0] && t->words[1]) ? ", " : "",
                       (t->words && t->words[0] && t->words[1]) ? t->words[1] : "");
        if ((t->check & DK_CFG_CHK_UNICAST) &&
            (is_unspecified(out->v.addr) || is_multicast(out->v.addr)))
            return WHY("must be a unicast address");
        if ((t->check & DK_CFG_CHK_MULTICAST) && !is_multicast(out->v.addr))
            return WHY("must be a multicast address");
        if ((t->check & DK_CFG_CHK_LINKLOCAL) && !is_linklocal(out->v.addr))
            return WHY("must be a link-local address");
        return 0;
    case DK_CFG_PREFIX: {
        const char *slash = memchr(text, '/', n);
        size_t alen = slash ? (size_t)(slash - text) : n;
        uint64_t plen = 128;
        if (parse_ipv6(text, alen, out->v.prefix.addr) < 0 ||
            (slash &&
             (parse_u64(slash + 1, n - alen - 1, &plen) < 0 || plen > 128 || n - alen - 1 > 3)))
            return WHY("not an IPv6 prefix (address/length, length 0 to 128)");
        out->v.prefix.len = (uint8_t)plen;
        for (unsigned bit = (unsigned)plen; bit < 128; bit++)
            if (out->v.prefix.addr[bit / 8] & (0x80 >> (bit % 8)))
                return WHY("the prefix has host bits set");
        return 0;
    }
    case DK_CFG_PREFIX4: {
        const char *slash = memchr(text, '/', n);
        size_t alen = slash ? (size_t)(slash - text) : n;
        uint64_t plen = 32;
        memset(out->v.prefix.addr, 0, 16);
        if (parse_ipv4(text, alen, out->v.prefix.addr) < 0 ||
            (slash &&
             (parse_u64(slash + 1, n - alen - 1, &plen) < 0 || plen > 32 || n - alen - 1 > 2)))
            return WHY("not an IPv4 prefix (a.b.c.d/length, length 0 to 32)");
        out->v.prefix.len = (uint8_t)plen;
        for (unsigned bit = (unsigned)plen; bit < 32; bit++)
            if (out->v.prefix.addr[bit / 8] & (0x80 >> (bit % 8)))
                return WHY("the prefix has host bits set");
        return 0;
    }
    case DK_CFG_DOMAIN:
        return parse_domain(ctx, text, n, out, why, whylen);
    case DK_CFG_HEX: {
        uint8_t buf[256];
        long got = parse_hex(text, n, buf, sizeof(buf));
        if (got == -1)
            return WHY("must be hexadecimal octets, optionally separated by ':'");
        if (got < 0 || (uint64_t)got < t->min || (uint64_t)got > t->max)
            return WHY("must be %llu to %llu octets", (unsigned long long)t->min,
                       (unsigned long long)t->max);
        if (store_bytes(ctx, buf, (size_t)got, &out->v.bytes.p) < 0)
            return WHY("out of memory");
        out->v.bytes.len = (size_t)got;
        return 0;
    }
    case DK_CFG_ENUM: {
        const char *e = enum_lookup(t->enums, text, n);
        if (!e) {
            char names[512];
            enum_names(t->enums, names, sizeof(names));
            return WHY("must be one of %s", names);
        }
        out->v.s = e;
        return 0;
    }
    case DK_CFG_TIMESTAMP: {
        /* RFC 8415 §11.2: DUID-LLT time counts from 2000-01-01 in 32 bits. */
        const int64_t epoch2000 = 946684800;
        if (parse_timestamp(text, n, &out->v.t) < 0 || out->v.t < epoch2000 ||
            out->v.t > epoch2000 + (int64_t)0xffffffff)
            return WHY("must be a time YYYY-MM-DDTHH:MM:SSZ from 2000-01-01T00:00:00Z");
        return 0;
    }
    case DK_CFG_CODE_HEX: {
        size_t i = 0;
        while (i < n && !dk__blank(text[i]))
            i++;
        uint64_t code;
        if (parse_u64(text, i, &code) < 0 || code < 1 || code > 65535)
            return WHY("must be an option code from 1 to 65535 followed by hex data");
        while (i < n && dk__blank(text[i]))
            i++;
        uint8_t buf[1024];
        long got = parse_hex(text + i, n - i, buf, sizeof(buf));
        if (got == -1)
            return WHY("the data must be hexadecimal octets, optionally separated by ':'");
        if (got < 0 || (t->max && (uint64_t)got > t->max))
            return WHY("the data is longer than %llu octets", (unsigned long long)t->max);
        if (store_bytes(ctx, buf, (size_t)got, &out->v.opt.p) < 0)
            return WHY("out of memory");
        out->v.opt.code = (uint16_t)code;
        out->v.opt.len = (size_t)got;
        return 0;
    }
    }
    return WHY("unknown value type");
}

bool dk_config_value_equal(const struct dk_config_value *a, const struct dk_config_value *b)
{
    if (!a || !b)
        return a == b;
    if (a->type != b->type)
        return false;
    if ((a->word == NULL) != (b->word == NULL))
        return false;
    if (a->word)
        return strcmp(a->word, b->word) == 0;
    switch (a->type) {
    case DK_CFG_STRING:
    case DK_CFG_IFNAME:
    case DK_CFG_PATH:
    case DK_CFG_ENUM:
        return strcmp(a->v.s, b->v.s) == 0;
    case DK_CFG_BOOL:
        return a->v.b == b->v.b;
    case DK_CFG_UINT:
    case DK_CFG_TIME:
    case DK_CFG_BYTESIZE:
        return a->v.u == b->v.u;
    case DK_CFG_DECIMAL:
    case DK_CFG_FACTOR:
        return a->v.d == b->v.d;
    case DK_CFG_TIMESTAMP:
        return a->v.t == b->v.t;
    case DK_CFG_IPV6:
        return memcmp(a->v.addr, b->v.addr, 16) == 0;
    case DK_CFG_PREFIX:
    case DK_CFG_PREFIX4:
        return a->v.prefix.len == b->v.prefix.len &&
               memcmp(a->v.prefix.addr, b->v.prefix.addr, 16) == 0;
    case DK_CFG_DOMAIN:
    case DK_CFG_HEX:
        return a->v.bytes.len == b->v.bytes.len &&
               memcmp(a->v.bytes.p, b->v.bytes.p, a->v.bytes.len) == 0;
    case DK_CFG_CODE_HEX:
        return a->v.opt.code == b->v.opt.code && a->v.opt.len == b->v.opt.len &&
               memcmp(a->v.opt.p, b->v.opt.p, a->v.opt.len) == 0;
    }
    return false;
}

struct dk_config_values {
    struct dk_config cfg; /* only its pool and dir are used */
};

struct dk_config_values *dk_config_values_new(const char *dir)
{
    struct dk_config_values *vals = calloc(1, sizeof(*vals));
    if (!vals)
        return NULL;
    vals->cfg.name = "";
    vals->cfg.dir = dk__pool_strndup(&vals->cfg.pool, dir ? dir : "", dir ? strlen(dir) : 0);
    if (!vals->cfg.dir) {
        dk_config_values_free(vals);
        return NULL;
    }
    return vals;
}

void dk_config_values_free(struct dk_config_values *vals)
{
    if (!vals)
        return;
    dk__pool_free(&vals->cfg.pool);
    free(vals);
}

int dk_config_value_parse(struct dk_config_values *vals, const struct dk_config_type *t,
                          const char *text, struct dk_config_value *out, char *why, size_t whylen)
{
    struct dk__ctx ctx = {.cfg = &vals->cfg, .name = ""};
    return dk__value_parse(&ctx, t, text, strlen(text), out, why, whylen) == 0 ? 0 : -1;
}
