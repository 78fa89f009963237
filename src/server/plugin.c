/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler plug-ins: <plugin FILE> loads a shared object, takes its
 * dk_handler_api descriptor, refuses another ABI, and checks the section's
 * keys (which the config layer keeps as text, DK_CFG_FREE_KEYS) against the
 * plug-in's own items: known key, typed value in range, required keys
 * present, single keys given once; defaults added. The plug-in's create()
 * then sees typed values, like a built-in handler.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/domain.h>

#include "framework.h"

/* Keeps s for the life of the instance. */
static const char *own(struct dk__hinst *h, char *s)
{
    if (!s)
        return NULL;
    char **v = realloc(h->own_strings, (h->nown_strings + 1) * sizeof(*v));
    if (!v) {
        free(s);
        return NULL;
    }
    h->own_strings = v;
    v[h->nown_strings++] = s;
    return s;
}

static const char *own_copy(struct dk__hinst *h, const void *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    memcpy(s, p, n);
    s[n] = 0;
    return own(h, s);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

/* Parses text as t into out; -1 with the reason in why. */
static int parse_value(struct dk__hinst *h, const struct dk_config_type *t, const char *text,
                       struct dk_config_value *out, char *why, size_t len)
{
    memset(out, 0, sizeof(*out));
    out->type = t->vtype;
    out->text = own_copy(h, text, strlen(text));
    if (!out->text)
        goto nomem;
    for (size_t i = 0; t->words && t->words[i]; i++) {
        if (strcasecmp(text, t->words[i]) == 0) {
            out->word = t->words[i];
            if (t->vtype == DK_CFG_TIME)
                out->v.u = DK_CONFIG_INFINITY;
            return 0;
        }
    }
    switch (t->vtype) {
    case DK_CFG_STRING: {
        size_t max = t->max ? t->max : DK_CONFIG_MAX_LINE;
        if (strlen(text) > max) {
            snprintf(why, len, "longer than %zu octets", max);
            return -1;
        }
        out->v.s = out->text;
        return 0;
    }
    case DK_CFG_BOOL:
        if (!strcasecmp(text, "yes") || !strcasecmp(text, "true") || !strcasecmp(text, "on") ||
            !strcmp(text, "1")) {
            out->v.b = true;
            return 0;
        }
        if (!strcasecmp(text, "no") || !strcasecmp(text, "false") || !strcasecmp(text, "off") ||
            !strcmp(text, "0")) {
            out->v.b = false;
            return 0;
        }
        snprintf(why, len, "not yes or no");
        return -1;
    case DK_CFG_UINT:
    case DK_CFG_TIME: {
        char num[32];
        uint64_t mult = 1;
        size_t n = strlen(text);
        if (n == 0 || n >= sizeof(num))
            goto bad_number;
        memcpy(num, text, n + 1);
        if (t->vtype == DK_CFG_TIME) {
            static const struct {
                char c;
                uint64_t m;
            } suffix[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
            for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
                if (num[n - 1] == suffix[i].c) {
                    mult = suffix[i].m;
                    num[--n] = 0;
                    break;
                }
            }
        }
        uint64_t v;
        if (!parse_u64(num, &v) || v > UINT64_MAX / mult)
            goto bad_number;
        v *= mult;
        if (v < t->min || v > t->max) {
            snprintf(why, len, "%llu is out of the range from %llu to %llu", (unsigned long long)v,
                     (unsigned long long)t->min, (unsigned long long)t->max);
            return -1;
        }
        out->v.u = v;
        return 0;
    }
    case DK_CFG_DECIMAL:
    case DK_CFG_FACTOR: {
        char *end;
        errno = 0;
        if (!*text || !((*text >= '0' && *text <= '9') || *text == '.'))
            goto bad_number;
        double d = strtod(text, &end);
        if (*end || errno || !isfinite(d))
            goto bad_number;
        double lo = t->vtype == DK_CFG_FACTOR ? 0.0 : t->dmin;
        double hi = t->vtype == DK_CFG_FACTOR ? 1.0 : t->dmax;
        if (d < lo || d > hi) {
            snprintf(why, len, "%s is out of the range from %g to %g", text, lo, hi);
            return -1;
        }
        out->v.d = d;
        return 0;
    }
    case DK_CFG_IPV6: {
        if (inet_pton(AF_INET6, text, out->v.addr) != 1) {
            snprintf(why, len, "not an IPv6 address");
            return -1;
        }
        static const uint8_t zero[16];
        const uint8_t *a = out->v.addr;
        if ((t->check & DK_CFG_CHK_UNICAST) && (a[0] == 0xff || memcmp(a, zero, 16) == 0)) {
            snprintf(why, len, "not a unicast address");
            return -1;
        }
        if ((t->check & DK_CFG_CHK_MULTICAST) && a[0] != 0xff) {
            snprintf(why, len, "not a multicast address");
            return -1;
        }
        if ((t->check & DK_CFG_CHK_LINKLOCAL) && !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80)) {
            snprintf(why, len, "not a link-local address");
            return -1;
        }
        return 0;
    }
    case DK_CFG_PREFIX: {
        char addr[64];
        const char *slash = strchr(text, '/');
        uint64_t plen;
        if (!slash || (size_t)(slash - text) >= sizeof(addr) || !parse_u64(slash + 1, &plen) ||
            plen > 128)
            goto bad_prefix;
        memcpy(addr, text, (size_t)(slash - text));
        addr[slash - text] = 0;
        if (inet_pton(AF_INET6, addr, out->v.prefix.addr) != 1)
            goto bad_prefix;
        out->v.prefix.len = (uint8_t)plen;
        for (unsigned bit = (unsigned)plen; bit < 128; bit++) {
            if (out->v.prefix.addr[bit / 8] & (0x80 >> (bit % 8))) {
                snprintf(why, len, "host bits are set after /%u", (unsigned)plen);
                return -1;
            }
        }
        return 0;
    }
    case DK_CFG_DOMAIN: {
        uint8_t buf[DK_DOMAIN_MAX_NAME + 1];
        struct dk_wbuf w;
        dk_wbuf_init(&w, buf, sizeof(buf));
        if (dk_domain_from_text(&w, text) != 0 || w.len > DK_DOMAIN_MAX_NAME) {
            snprintf(why, len, "not a domain name");
            return -1;
        }
        out->v.bytes.p = (const uint8_t *)own_copy(h, buf, w.len);
        if (!out->v.bytes.p)
            goto nomem;
        out->v.bytes.len = w.len;
        return 0;
    }
    case DK_CFG_HEX: {
        size_t n = strlen(text), k = 0;
        uint8_t *buf = malloc(n / 2 + 1);
        if (!buf)
            goto nomem;
        for (size_t i = 0; i < n;) {
            if (text[i] == ':') {
                i++;
                continue;
            }
            int hi = dk_hexval(text[i]), lo = i + 1 < n ? dk_hexval(text[i + 1]) : -1;
            if (hi < 0 || lo < 0) {
                free(buf);
                snprintf(why, len, "not hexadecimal octets");
                return -1;
            }
            buf[k++] = (uint8_t)(hi << 4 | lo);
            i += 2;
        }
        if (k < t->min || (t->max && k > t->max)) {
            free(buf);
            snprintf(why, len, "%zu octets, must be %llu to %llu", k, (unsigned long long)t->min,
                     (unsigned long long)t->max);
            return -1;
        }
        out->v.bytes.p = (const uint8_t *)own(h, (char *)buf);
        if (!out->v.bytes.p)
            goto nomem;
        out->v.bytes.len = k;
        return 0;
    }
    case DK_CFG_ENUM:
        for (size_t i = 0; t->enums && t->enums[i]; i++) {
            const char *e = t->enums[i], *eq = strchr(e, '=');
            size_t n = eq ? (size_t)(eq - e) : strlen(e);
            if (strlen(text) == n && strncasecmp(text, e, n) == 0) {
                out->v.s = eq ? eq + 1 : e;
                return 0;
            }
        }
        snprintf(why, len, "not one of the words this key takes");
        return -1;
    default:
        snprintf(why, len, "this type of key is not available to plug-ins");
        return -1;
    }
bad_number:
    snprintf(why, len, "not a number");
    return -1;
bad_prefix:
    snprintf(why, len, "not an IPv6 prefix (address/length)");
    return -1;
nomem:
    snprintf(why, len, "out of memory");
    return -1;
}

static const struct dk_config_key_def *item_find(const struct dk_handler_api *api, const char *key)
{
    for (size_t i = 0; i < api->nitems; i++)
        if (strcasecmp(api->items[i].name, key) == 0)
            return &api->items[i];
    return NULL;
}

int dk__plugin_load(const struct dk_config_section *s, struct dk__hinst *h,
                    struct dk_config_errors *errs)
{
    const char *shown = s->arg.text, *path = s->arg.v.s;
    h->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h->dl) {
        const char *e = dlerror();
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: cannot load it: %s", shown,
                           e ? e : "unknown error");
        return -1;
    }
    const struct dk_handler_api *api = dlsym(h->dl, DK_HANDLER_SYMBOL);
    if (!api) {
        dk__pipeline_error(errs, s->file, s->line,
                           "plugin %s: no symbol %s: not a dhcpkit handler plug-in", shown,
                           DK_HANDLER_SYMBOL);
        return -1;
    }
    /* abi is the first member whatever the version, so it can be read. */
    if (api->abi != DK_HANDLER_ABI_CURRENT) {
        dk__pipeline_error(errs, s->file, s->line,
                           "plugin %s: built for handler ABI %u, this server has %u", shown,
                           (unsigned)api->abi, (unsigned)DK_HANDLER_ABI_CURRENT);
        return -1;
    }
    if (api->size != sizeof(struct dk_handler_api) || !api->name || (api->nitems && !api->items)) {
        dk__pipeline_error(errs, s->file, s->line,
                           "plugin %s: its handler descriptor is malformed (size %u, expected "
                           "%zu)",
                           shown, (unsigned)api->size, sizeof(struct dk_handler_api));
        return -1;
    }
    h->api = api;

    /* The values: every setting of the section, then the defaults. */
    size_t cap = s->nsettings + api->nitems;
    h->own_values = calloc(cap ? cap : 1, sizeof(*h->own_values));
    h->values = calloc(cap ? cap : 1, sizeof(*h->values));
    if (!h->own_values || !h->values) {
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: out of memory", shown);
        return -1;
    }
    size_t n = 0;
    int ret = 0;
    char why[256];
    /* How often each item was given, well or not (a bad value is not also
     * a missing one). */
    size_t *given = calloc(api->nitems ? api->nitems : 1, sizeof(*given));
    if (!given) {
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: out of memory", shown);
        return -1;
    }
    for (size_t i = 0; i < s->nsettings; i++) {
        const struct dk_config_setting *st = &s->settings[i];
        const struct dk_config_key_def *kd = item_find(api, st->key);
        if (!kd) {
            dk__pipeline_error(errs, s->file, st->line, "plugin %s: unknown key '%s'", shown,
                               st->key);
            ret = -1;
            continue;
        }
        given[kd - api->items]++;
        if (parse_value(h, &kd->type, st->value.text, &h->own_values[n], why, sizeof(why)) < 0) {
            dk__pipeline_error(errs, s->file, st->line, "plugin %s: bad value for %s: %s", shown,
                               kd->name, why);
            ret = -1;
            continue;
        }
        h->values[n].key = kd->name;
        h->values[n].value = &h->own_values[n];
        n++;
    }
    bool any_one_of = false, have_one_of = false;
    for (size_t k = 0; k < api->nitems; k++) {
        const struct dk_config_key_def *kd = &api->items[k];
        size_t count = given[k];
        if (count > 1 && !(kd->flags & DK_CFG_MULTI)) {
            dk__pipeline_error(errs, s->file, s->line, "plugin %s: '%s' may be given only once",
                               shown, kd->name);
            ret = -1;
        }
        if (count == 0 && (kd->flags & DK_CFG_REQUIRED)) {
            dk__pipeline_error(errs, s->file, s->line, "plugin %s: needs '%s'", shown, kd->name);
            ret = -1;
        }
        if (kd->flags & DK_CFG_ONE_OF) {
            any_one_of = true;
            have_one_of |= count > 0;
        }
        if (count == 0 && kd->def_nested) {
            if (parse_value(h, &kd->type, kd->def_nested, &h->own_values[n], why, sizeof(why)) <
                0) {
                dk__pipeline_error(errs, s->file, s->line,
                                   "plugin %s: its default for %s is bad: %s", shown, kd->name,
                                   why);
                ret = -1;
                continue;
            }
            h->values[n].key = kd->name;
            h->values[n].value = &h->own_values[n];
            n++;
        }
    }
    free(given);
    if (any_one_of && !have_one_of) {
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: needs one of its keys", shown);
        ret = -1;
    }
    h->args.values = h->values;
    h->args.nvalues = n;
    h->args.arg = &s->arg;
    return ret;
}

void dk__plugin_unload(struct dk__hinst *h)
{
    for (size_t i = 0; i < h->nown_strings; i++)
        free(h->own_strings[i]);
    free(h->own_strings);
    free(h->own_values);
    h->own_strings = NULL;
    h->own_values = NULL;
    h->nown_strings = 0;
    if (h->dl)
        dlclose(h->dl);
    h->dl = NULL;
}
