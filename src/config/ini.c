/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The INI syntax of dhcpkit 0.x (Python configparser), mapped onto the same
 * tree as the nested syntax:
 *
 *     [server]                 -> top-level keys (threads -> workers), a
 *                                 server DUID section, <dump-requests/>
 *     [logging]                -> <logging><syslog> (0.x always logged to syslog)
 *     [interface NAME|*]       -> <listen-interface NAME> (multicast = yes) and
 *                                 <listen-unicast ADDR|all|auto> per address
 *     [option HANDLER [ARG]]   -> the handler section; the fixed-assignment
 *                                 handlers become <subnet ARG> (or
 *                                 <subnet-group> with additional-prefixes)
 *                                 around <static-csv FILE> and friends
 *
 * Keys are case-insensitive with '_' and '-' the same; handler names also
 * ignore '-' and '_'. "key = value" or "key: value"; '#' and ';' start a
 * comment at the start of a line or after a blank; an indented line
 * continues the value above it. An empty value means "not set".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <dhcpkit/duid.h>

#include "internal.h"

static const char *const w_star[] = {"*", NULL};

struct ini_kv {
    char key[DK__NAME_MAX];
    const char *val;
    size_t vlen;
    unsigned line;
};

struct ini_sec {
    char type[DK__NAME_MAX]; /* lower case */
    char ident[2 * DK__NAME_MAX + 8];
    const char *arg; /* the rest of the header, trimmed */
    size_t alen;
    const char *header; /* between the brackets, for messages */
    size_t hlen;
    unsigned line;
    struct ini_kv *kv;
    size_t nkv, cap;
};

struct ini {
    struct dk__ctx *ctx;
    struct ini_sec *secs;
    size_t nsecs, cap;
};

/* ------------------------------------------------------------------------- */
/* Reading sections and keys */

static void ident_of(struct ini_sec *sec)
{
    /* What makes two headers the same section: the type, and for [option]
     * the handler name without '-'/'_', then the argument. */
    size_t o = 0;
    o += (size_t)snprintf(sec->ident, sizeof(sec->ident), "%s", sec->type);
    const char *a = sec->arg;
    size_t n = sec->alen, i = 0;
    if (strcmp(sec->type, "option") == 0) {
        if (o < sizeof(sec->ident) - 1)
            sec->ident[o++] = ' ';
        for (; i < n && !dk__blank(a[i]); i++) {
            char c = a[i];
            if (c == '-' || c == '_')
                continue;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (o < sizeof(sec->ident) - 1)
                sec->ident[o++] = c;
        }
        while (i < n && dk__blank(a[i]))
            i++;
    }
    if (i < n && o < sizeof(sec->ident) - 1)
        sec->ident[o++] = ' ';
    for (; i < n && o < sizeof(sec->ident) - 1; i++)
        sec->ident[o++] = a[i];
    sec->ident[o] = 0;
}

static struct ini_sec *add_section(struct ini *ini, const char *h, size_t hlen, unsigned line)
{
    struct dk__ctx *ctx = ini->ctx;
    char shown[80];
    size_t t = 0;
    while (t < hlen && !dk__blank(h[t]))
        t++;
    if (t == 0) {
        dk__error(ctx, line, "empty section name");
        return NULL;
    }
    if (ini->nsecs == ini->cap) {
        size_t cap = ini->cap ? ini->cap * 2 : 8;
        struct ini_sec *v = realloc(ini->secs, cap * sizeof(*v));
        if (!v) {
            ctx->nomem = true;
            return NULL;
        }
        ini->secs = v;
        ini->cap = cap;
    }
    struct ini_sec *sec = &ini->secs[ini->nsecs];
    memset(sec, 0, sizeof(*sec));
    if (dk__norm(h, t, sec->type, false) < 0) {
        dk__error(ctx, line, "unknown section [%s]", dk__shorten(h, hlen, shown));
        return NULL;
    }
    const char *a = h + t;
    size_t alen = hlen - t;
    while (alen > 0 && dk__blank(a[0])) {
        a++;
        alen--;
    }
    sec->arg = a;
    sec->alen = alen;
    sec->header = h;
    sec->hlen = hlen;
    sec->line = line;
    ident_of(sec);
    for (size_t i = 0; i < ini->nsecs; i++) {
        if (strcmp(ini->secs[i].ident, sec->ident) == 0) {
            dk__error(ctx, line, "duplicate section [%s] (the first is at line %u)",
                      dk__shorten(h, hlen, shown), ini->secs[i].line);
            return NULL;
        }
    }
    ini->nsecs++;
    return sec;
}

static struct ini_kv *add_kv(struct ini *ini, struct ini_sec *sec, const char *key, size_t klen,
                             const char *val, size_t vlen, unsigned line)
{
    struct dk__ctx *ctx = ini->ctx;
    char norm[DK__NAME_MAX], shown[80];
    if (dk__norm(key, klen, norm, true) < 0) {
        dk__error(ctx, line, "unknown key '%s'", dk__shorten(key, klen, shown));
        return NULL;
    }
    for (size_t i = 0; i < sec->nkv; i++) {
        if (strcmp(sec->kv[i].key, norm) == 0) {
            dk__error(ctx, line, "duplicate key '%s' in [%s] (the first is at line %u)", norm,
                      dk__shorten(sec->header, sec->hlen, shown), sec->kv[i].line);
            return NULL;
        }
    }
    if (ctx->cfg->nsettings + sec->nkv >= DK_CONFIG_MAX_SETTINGS) {
        if (!ctx->too_many_settings)
            dk__error(ctx, line, "more than %d settings", DK_CONFIG_MAX_SETTINGS);
        ctx->too_many_settings = true;
        return NULL;
    }
    if (sec->nkv == sec->cap) {
        size_t cap = sec->cap ? sec->cap * 2 : 8;
        struct ini_kv *v = realloc(sec->kv, cap * sizeof(*v));
        if (!v) {
            ctx->nomem = true;
            return NULL;
        }
        sec->kv = v;
        sec->cap = cap;
    }
    struct ini_kv *kv = &sec->kv[sec->nkv++];
    memcpy(kv->key, norm, sizeof(norm));
    kv->val = val;
    kv->vlen = vlen;
    kv->line = line;
    return kv;
}

static void read_ini(struct ini *ini, const char *buf, size_t len)
{
    struct dk__ctx *ctx = ini->ctx;
    struct dk__lines lines;
    const char *line;
    size_t n;
    bool bad, indented;
    struct ini_sec *cur = NULL;
    bool in_refused = false; /* after a refused header, skip its keys */
    struct ini_kv *last = NULL;

    dk__lines_init(&lines, buf, len);
    while (!ctx->nomem && dk__next_line(ctx, &lines, &line, &n, &bad, &indented)) {
        unsigned ln = lines.lineno;
        if (bad || n == 0 || line[0] == '#' || line[0] == ';') {
            if (n == 0)
                last = NULL;
            continue;
        }
        if (indented && last) {
            /* A continuation line: join it to the value above. */
            size_t add = dk__strip_comment(line, n, "#;");
            size_t total = last->vlen + 1 + add;
            if (total > DK_CONFIG_MAX_LINE) {
                dk__error(ctx, ln, "value longer than %d octets", DK_CONFIG_MAX_LINE);
                continue;
            }
            char *v = dk__pool_alloc(&ctx->cfg->pool, total + 1);
            if (!v) {
                ctx->nomem = true;
                break;
            }
            memcpy(v, last->val, last->vlen);
            v[last->vlen] = ' ';
            memcpy(v + last->vlen + 1, line, add);
            last->val = v;
            last->vlen = total;
            continue;
        }
        last = NULL;
        if (line[0] == '[') {
            size_t m = dk__strip_comment(line, n, "#;");
            if (m < 2 || line[m - 1] != ']') {
                dk__error(ctx, ln, "missing ']'");
                cur = NULL;
                in_refused = true;
                continue;
            }
            const char *h = line + 1;
            size_t hlen = m - 2;
            while (hlen > 0 && dk__blank(h[0])) {
                h++;
                hlen--;
            }
            while (hlen > 0 && dk__blank(h[hlen - 1]))
                hlen--;
            cur = add_section(ini, h, hlen, ln);
            in_refused = cur == NULL;
            continue;
        }
        size_t d = 0;
        while (d < n && line[d] != '=' && line[d] != ':')
            d++;
        if (d == n) {
            dk__error(ctx, ln, "expected 'key = value' or '[section]'");
            continue;
        }
        size_t klen = d;
        while (klen > 0 && dk__blank(line[klen - 1]))
            klen--;
        const char *v = line + d + 1;
        size_t vlen = n - d - 1;
        while (vlen > 0 && dk__blank(v[0])) {
            v++;
            vlen--;
        }
        vlen = dk__strip_comment(v, vlen, "#;");
        if (klen == 0) {
            dk__error(ctx, ln, "missing key before '%c'", line[d]);
            continue;
        }
        if (!cur) {
            if (!in_refused) {
                char shown[80];
                dk__error(ctx, ln, "'%s' is outside any [section]", dk__shorten(line, klen, shown));
            }
            continue;
        }
        last = add_kv(ini, cur, line, klen, v, vlen, ln);
    }
}

/* ------------------------------------------------------------------------- */
/* Mapping onto the tree */

/* Splits a list on blanks and commas (the 0.x "[,\t ]+"). */
struct splitter {
    const char *p;
    size_t n, off;
};

static bool split_next(struct splitter *sp, const char **tok, size_t *tlen)
{
    while (sp->off < sp->n && (dk__blank(sp->p[sp->off]) || sp->p[sp->off] == ','))
        sp->off++;
    if (sp->off >= sp->n)
        return false;
    size_t start = sp->off;
    while (sp->off < sp->n && !dk__blank(sp->p[sp->off]) && sp->p[sp->off] != ',')
        sp->off++;
    *tok = sp->p + start;
    *tlen = sp->off - start;
    return true;
}

static const char *label_of(struct dk__ctx *ctx, const struct ini_sec *sec)
{
    char shown[80], buf[96];
    snprintf(buf, sizeof(buf), "[%s]", dk__shorten(sec->header, sec->hlen, shown));
    const char *l = dk__pool_strndup(&ctx->cfg->pool, buf, strlen(buf));
    if (!l)
        ctx->nomem = true;
    return l;
}

static struct dk__node *new_node(struct dk__ctx *ctx, struct dk__node *parent, const char *type,
                                 const struct ini_sec *sec)
{
    const struct dk_config_section_def *def = dk_config_schema_find(type);
    struct dk__node *node = dk__node_new(ctx, parent, def, sec ? sec->line : 0);
    if (node && sec)
        node->label = label_of(ctx, sec);
    return node;
}

/* Adds a value under a key of the node's section type. */
static int put(struct dk__ctx *ctx, struct dk__node *node, const char *key, const char *label,
               const char *val, size_t vlen, unsigned line)
{
    const struct dk_config_key_def *kd = dk_config_key_find(node->pub.def, key);
    return dk__node_add_value(ctx, node, kd, label, val, vlen, line);
}

static void unknown_key(struct dk__ctx *ctx, const struct ini_sec *sec, const struct ini_kv *kv)
{
    char shown[80];
    dk__error(ctx, kv->line, "unknown key '%s' in [%s]", kv->key,
              dk__shorten(sec->header, sec->hlen, shown));
}

static void map_duid(struct dk__ctx *ctx, struct dk__node *root, const struct ini_kv *kv)
{
    static const struct dk_config_type hex = {.vtype = DK_CFG_HEX, .min = 3, .max = 130};
    struct dk_config_value v;
    struct dk_duid duid;
    char why[256], shown[80], text[3 * 130 + 1];

    if (kv->vlen == 4 && strncasecmp(kv->val, "auto", 4) == 0)
        return;
    if (dk__value_parse(ctx, &hex, kv->val, kv->vlen, &v, why, sizeof(why)) < 0) {
        dk__error(ctx, kv->line, "bad value '%s' for duid: %s",
                  dk__shorten(kv->val, kv->vlen, shown), why);
        return;
    }
    if (dk_duid_parse(v.v.bytes.p, v.v.bytes.len, &duid) < 0) {
        dk__error(ctx, kv->line, "bad value '%s' for duid: not a valid DUID",
                  dk__shorten(kv->val, kv->vlen, shown));
        return;
    }
    const char *type;
    switch (duid.type) {
    case 1:
        type = "duid-llt";
        break;
    case 2:
        type = "duid-en";
        break;
    case 3:
        type = "duid-ll";
        break;
    default:
        dk__error(ctx, kv->line, "DUID type %u is not supported as the server DUID yet", duid.type);
        return;
    }
    struct dk__node *node = dk__node_new(ctx, root, dk_config_schema_find(type), kv->line);
    if (!node)
        return;
    node->label = "[server] duid";
    for (size_t i = 0; i < duid.idlen; i++)
        snprintf(text + 2 * i, 3, "%02x", duid.id[i]);
    size_t idtext = 2 * duid.idlen;
    char num[32];
    if (duid.type == 2) {
        snprintf(num, sizeof(num), "%u", duid.enterprise);
        put(ctx, node, "enterprise-number", "duid", num, strlen(num), kv->line);
        put(ctx, node, "identifier", "duid", text, idtext, kv->line);
        return;
    }
    snprintf(num, sizeof(num), "%u", duid.hw_type);
    put(ctx, node, "hardware-type", "duid", num, strlen(num), kv->line);
    put(ctx, node, "link-layer-address", "duid", text, idtext, kv->line);
    if (duid.type == 1) {
        /* RFC 8415 §11.2: seconds since 2000-01-01T00:00:00Z. */
        time_t t = (time_t)(946684800 + (int64_t)duid.time);
        struct tm tm;
        char ts[32];
        if (!gmtime_r(&t, &tm) || strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
            dk__error(ctx, kv->line, "bad value for duid: cannot show its time");
            return;
        }
        put(ctx, node, "timestamp", "duid", ts, strlen(ts), kv->line);
    }
}

static void map_server(struct dk__ctx *ctx, struct dk__node *root, const struct ini_sec *sec)
{
    for (size_t i = 0; i < sec->nkv; i++) {
        const struct ini_kv *kv = &sec->kv[i];
        if (kv->vlen == 0)
            continue; /* empty means the default */
        if (strcmp(kv->key, "duid") == 0)
            continue; /* mapped first, see dk__parse_ini() */
        if (strcmp(kv->key, "message-handler") == 0) {
            char norm[DK__NAME_MAX], shown[80];
            if (dk__norm(kv->val, kv->vlen, norm, true) == 0 && strcmp(norm, "standard") == 0)
                continue;
            if (dk__norm(kv->val, kv->vlen, norm, true) == 0 &&
                strcmp(norm, "dump-requests") == 0) {
                struct dk__node *n = new_node(ctx, root, "dump-requests", sec);
                if (n)
                    n->pub.line = kv->line;
                continue;
            }
            dk__error(ctx, kv->line,
                      "bad value '%s' for message-handler: must be standard or dump_requests",
                      dk__shorten(kv->val, kv->vlen, shown));
            continue;
        }
        const char *key = strcmp(kv->key, "threads") == 0 ? "workers" : kv->key;
        const struct dk_config_key_def *kd = dk_config_key_find(root->pub.def, key);
        if (!kd) {
            unknown_key(ctx, sec, kv);
            continue;
        }
        dk__node_add_value(ctx, root, kd, kv->key, kv->val, kv->vlen, kv->line);
    }
}

static void map_logging(struct dk__ctx *ctx, struct dk__node *syslog, const struct ini_sec *sec)
{
    if (sec->alen) {
        dk__error(ctx, sec->line, "[logging] takes no argument");
        return;
    }
    syslog->pub.line = sec->line;
    syslog->label = label_of(ctx, sec);
    for (size_t i = 0; i < sec->nkv; i++) {
        const struct ini_kv *kv = &sec->kv[i];
        if (strcmp(kv->key, "facility") != 0) {
            unknown_key(ctx, sec, kv);
            continue;
        }
        if (kv->vlen)
            put(ctx, syslog, "facility", kv->key, kv->val, kv->vlen, kv->line);
    }
}

static const struct ini_kv *find_kv(const struct ini_sec *sec, const char *key)
{
    for (size_t i = 0; i < sec->nkv; i++)
        if (strcmp(sec->kv[i].key, key) == 0)
            return &sec->kv[i];
    return NULL;
}

static bool is_word(const struct ini_kv *kv, const char *w)
{
    return kv && kv->vlen == strlen(w) && strncasecmp(kv->val, w, kv->vlen) == 0;
}

/* One <listen-unicast A> with `interface NAME` per address of an
 * [interface] key; each address must be link-local or must not, as the key says. */
static void unicast_listeners(struct dk__ctx *ctx, struct dk__node *root, const struct ini_sec *sec,
                              const struct ini_kv *kv, bool link_local)
{
    struct splitter sp = {kv->val, kv->vlen, 0};
    const char *tok;
    size_t tlen;
    while (split_next(&sp, &tok, &tlen)) {
        struct dk__node *node = new_node(ctx, root, "listen-unicast", sec);
        if (!node)
            return;
        if (dk__node_set_arg(ctx, node, tok, tlen, kv->line) == 0) {
            const uint8_t *a = node->pub.arg.v.addr;
            bool is_ll = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
            if (is_ll != link_local)
                dk__error(ctx, kv->line, "%s: %.*s is %s", kv->key, (int)tlen, tok,
                          link_local ? "not link-local" : "link-local");
        }
        put(ctx, node, "interface", "interface", sec->arg, sec->alen, sec->line);
    }
}

static void map_interface(struct dk__ctx *ctx, struct dk__node *root, const struct ini_sec *sec)
{
    static const struct dk_config_type t_if = {.vtype = DK_CFG_IFNAME, .words = w_star};
    static const struct dk_config_type t_bool = {.vtype = DK_CFG_BOOL};
    struct dk_config_value v;
    char why[256], shown[80];
    bool multicast = false, ok = true;

    if (sec->alen == 0) {
        dk__error(ctx, sec->line, "[interface] needs an interface name or *");
        return;
    }
    if (dk__value_parse(ctx, &t_if, sec->arg, sec->alen, &v, why, sizeof(why)) < 0) {
        dk__error(ctx, sec->line, "bad interface '%s': %s", dk__shorten(sec->arg, sec->alen, shown),
                  why);
        return;
    }
    bool star = v.word != NULL;
    const struct ini_kv *mc = NULL, *self = NULL, *ll = NULL, *gua = NULL;
    for (size_t i = 0; i < sec->nkv; i++) {
        const struct ini_kv *kv = &sec->kv[i];
        if (strcmp(kv->key, "multicast") == 0)
            mc = kv;
        else if (strcmp(kv->key, "listen-to-self") == 0)
            self = kv;
        else if (strcmp(kv->key, "link-local-addresses") == 0)
            ll = kv;
        else if (strcmp(kv->key, "global-unicast-addresses") == 0)
            gua = kv;
        else {
            unknown_key(ctx, sec, kv);
            ok = false;
        }
    }
    if (mc && mc->vlen) {
        if (dk__value_parse(ctx, &t_bool, mc->val, mc->vlen, &v, why, sizeof(why)) < 0) {
            dk__error(ctx, mc->line, "bad value '%s' for multicast: %s",
                      dk__shorten(mc->val, mc->vlen, shown), why);
            return;
        }
        multicast = v.v.b;
    }
    if (self && self->vlen &&
        dk__value_parse(ctx, &t_bool, self->val, self->vlen, &v, why, sizeof(why)) < 0) {
        dk__error(ctx, self->line, "bad value '%s' for listen-to-self: %s",
                  dk__shorten(self->val, self->vlen, shown), why);
        return;
    }
    if (!ok)
        return;

    if (multicast) {
        struct dk__node *node = new_node(ctx, root, "listen-interface", sec);
        if (!node)
            return;
        dk__node_set_arg(ctx, node, sec->arg, sec->alen, sec->line);
        if (self && self->vlen)
            put(ctx, node, "listen-to-self", self->key, self->val, self->vlen, self->line);
        if (ll && ll->vlen && !is_word(ll, "all") && !is_word(ll, "auto")) {
            struct splitter sp = {ll->val, ll->vlen, 0};
            const char *tok;
            size_t tlen, count = 0;
            while (split_next(&sp, &tok, &tlen)) {
                if (count++ == 1) {
                    dk__error(ctx, ll->line,
                              "link-local-addresses: only one address can be replied from");
                    break;
                }
                put(ctx, node, "reply-from", ll->key, tok, tlen, ll->line);
            }
        }
    } else if (ll && ll->vlen) {
        if (is_word(ll, "all") || is_word(ll, "auto")) {
            dk__error(ctx, ll->line,
                      "link-local-addresses = %.*s is only supported with multicast = yes",
                      (int)ll->vlen, ll->val);
            return;
        }
        if (star) {
            dk__error(ctx, ll->line, "[interface *] cannot list addresses");
            return;
        }
        unicast_listeners(ctx, root, sec, ll, true);
    }
    if (gua && gua->vlen) {
        if (is_word(gua, "all") || is_word(gua, "auto")) {
            struct dk__node *node = new_node(ctx, root, "listen-unicast", sec);
            if (!node)
                return;
            dk__node_set_arg(ctx, node, gua->val, gua->vlen, gua->line);
            put(ctx, node, "interface", "interface", sec->arg, sec->alen, sec->line);
            return;
        }
        if (star) {
            dk__error(ctx, gua->line, "[interface *] cannot list addresses");
            return;
        }
        unicast_listeners(ctx, root, sec, gua, false);
    }
}

/* How an INI key of an [option] becomes a key of the section. Keys not in
 * the map are looked up in the section under their own name. */
#define KM_NUM  1u /* "-N" may follow (server-address-1) */
#define KM_LIST 2u /* a list separated by blanks or commas */
#define KM_RULE 4u /* a whole <map-rule>: "key value key value ..." */
#define KM_SUB  8u /* the value is the argument of a sub-section named by key */

struct keymap {
    const char *ini;
    unsigned flags;
    const char *key;
};

struct handler {
    const char *norm; /* lower case, without '-' and '_' */
    const char *section;
    const struct keymap *km;
    bool fixed; /* a fixed-assignment handler: [option X PREFIX] */
};

static const struct keymap km_pref[] = {{"preference", 0, "level"}, {NULL, 0, NULL}};
static const struct keymap km_rns[] = {
    {"server-address", KM_NUM, "address"},
    {"dns-servers", KM_LIST, "address"},
    {NULL, 0, NULL},
};
static const struct keymap km_dsl[] = {
    {"domain-name", KM_NUM, "domain-name"},
    {"domain-names", KM_LIST, "domain-name"},
    {NULL, 0, NULL},
};
static const struct keymap km_ntp[] = {
    {"server-address", KM_NUM, "server-address"},
    {"multicast-address", KM_NUM, "multicast-address"},
    {"server-fqdn", KM_NUM, "server-fqdn"},
    {NULL, 0, NULL},
};
static const struct keymap km_addr[] = {{"server-address", KM_NUM, "address"}, {NULL, 0, NULL}};
static const struct keymap km_names[] = {{"domain-name", KM_NUM, "domain-name"}, {NULL, 0, NULL}};
static const struct keymap km_sol[] = {{"sol-max-rt", 0, "limit"}, {NULL, 0, NULL}};
static const struct keymap km_inf[] = {{"inf-max-rt", 0, "limit"}, {NULL, 0, NULL}};
static const struct keymap km_unicast[] = {{"server-address", 0, "address"}, {NULL, 0, NULL}};
static const struct keymap km_none[] = {{NULL, 0, NULL}};
/* Ours: dhcpkit 0.x had no MAP. A rule is one value that lists the keys of
 * <map-rule> with their values (continuation lines allowed), BRs are
 * numbered like server-address-N. */
static const struct keymap km_map_e[] = {
    {"map-rule", KM_NUM | KM_RULE, "map-rule"},
    {"br-address", KM_NUM, "br-address"},
    {NULL, 0, NULL},
};
static const struct keymap km_map_t[] = {{"map-rule", KM_NUM | KM_RULE, "map-rule"},
                                         {NULL, 0, NULL}};

/* Ours: dhcpkit 0.x had no leasequery. */
static const struct keymap km_leasequery[] = {
    {"allow-from", KM_NUM | KM_LIST, "allow-from"},
    {"sensitive-option", KM_NUM | KM_LIST, "sensitive-option"},
    {"store", KM_SUB, "lq-sqlite"},
    {NULL, 0, NULL},
};

static const struct handler handlers[] = {
    {"preference", "preference", km_pref, false},
    {"recursivenameservers", "recursive-name-servers", km_rns, false},
    {"domainsearchlist", "domain-search-list", km_dsl, false},
    {"ntpservers", "ntp-servers", km_ntp, false},
    {"sntpservers", "sntp-servers", km_addr, false},
    {"sipserversaddresslist", "sip-server-addresses", km_addr, false},
    {"sipserveraddresses", "sip-server-addresses", km_addr, false},
    {"sipserversdomainnamelist", "sip-server-names", km_names, false},
    {"sipservernames", "sip-server-names", km_names, false},
    {"solmaxrt", "sol-max-rt", km_sol, false},
    {"infmaxrt", "inf-max-rt", km_inf, false},
    {"serverunicast", "server-unicast", km_unicast, false},
    {"ianatiminglimits", "iana-timing-limits", km_none, false},
    {"iapdtiminglimits", "iapd-timing-limits", km_none, false},
    /* Handlers dhcpkit 0.x did not have, under names in its style. */
    {"aftrname", "aftr-name", km_none, false},
    {"informationrefreshtime", "information-refresh-time", km_none, false},
    {"vendorspecificinformation", "vendor-specific-information", km_none, false},
    {"ignorerequest", "ignore-request", km_none, false},
    {"ratelimit", "rate-limit", km_none, false},
    {"copyremoteid", "copy-remote-id", km_none, false},
    {"copysubscriberid", "copy-subscriber-id", km_none, false},
    {"copylinklayerid", "copy-linklayer-id", km_none, false},
    {"dumprequests", "dump-requests", km_none, false},
    {"mape", "map-e", km_map_e, false},
    {"mapt", "map-t", km_map_t, false},
    {"lookingglass", "looking-glass", km_none, false},
    {"leasequery", "leasequery", km_leasequery, false},
    {"unansweredia", "unanswered-ia", km_none, false},
    {"unanswerediapd", "unanswered-iapd", km_none, false},
    {"csvbasedfixedassignment", "static-csv", km_none, true},
    {"sqlitebasedfixedassignment", "static-sqlite", km_none, true},
    {"lmdbbasedfixedassignment", "static-lmdb", km_none, true},
    /* Python shelves cannot be read from C: the same data in LMDB. */
    {"shelfbasedfixedassignment", "static-lmdb", km_none, true},
};

/* Whether INI key matches a keymap entry (exactly, or with "-N"). */
static bool key_matches(const char *key, const struct keymap *m)
{
    size_t l = strlen(m->ini);
    if (strncmp(key, m->ini, l) != 0)
        return false;
    if (key[l] == 0)
        return true;
    if (!(m->flags & KM_NUM) || key[l] != '-' || !key[l + 1])
        return false;
    for (const char *p = key + l + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* The INI name of a section key, for messages about missing keys. */
static const char *ini_name(const struct handler *h, const char *key)
{
    for (const struct keymap *m = h->km; m->ini; m++)
        if (strcmp(m->key, key) == 0)
            return m->ini;
    return key;
}

/* "map-rule-N = ipv6-prefix P ipv4-prefix P4 contiguous-ports C ..." (also
 * "key=value" and commas): a <map-rule> inside node, at the key's line. */
static void map_rule(struct dk__ctx *ctx, struct dk__node *node, const struct ini_sec *sec,
                     const struct ini_kv *kv)
{
    char shown[80], label[96];
    const struct dk_config_section_def *def = dk_config_schema_find("map-rule");
    struct dk__node *rule = dk__node_new(ctx, node, def, kv->line);
    if (!rule)
        return;
    snprintf(label, sizeof(label), "%s in [%s]", kv->key,
             dk__shorten(sec->header, sec->hlen, shown));
    rule->label = dk__pool_strndup(&ctx->cfg->pool, label, strlen(label));
    if (!rule->label) {
        ctx->nomem = true;
        return;
    }
    struct splitter sp = {kv->val, kv->vlen, 0};
    const char *tok, *v;
    size_t tlen, vlen;
    while (split_next(&sp, &tok, &tlen)) {
        const char *eq = memchr(tok, '=', tlen);
        size_t klen = eq ? (size_t)(eq - tok) : tlen;
        char norm[DK__NAME_MAX];
        const struct dk_config_key_def *kd =
            dk__norm(tok, klen, norm, true) == 0 ? dk_config_key_find(def, norm) : NULL;
        if (!kd) {
            dk__error(ctx, kv->line, "unknown key '%s' in %s (it takes %s)",
                      dk__shorten(tok, klen, shown), kv->key,
                      "ipv6-prefix, ipv4-prefix, contiguous-ports, sharing-ratio, "
                      "forwarding-mapping");
            rule->bad = true;
            rule->required_done = true; /* the rest of the rule was not read */
            return;
        }
        /* "key value", "key=value", and "key = value" or "key= value" too. */
        v = eq ? eq + 1 : tok + tlen;
        vlen = eq ? tlen - klen - 1 : 0;
        if (vlen == 0 && !split_next(&sp, &v, &vlen))
            vlen = 0;
        if (!eq && vlen > 0 && v[0] == '=') {
            v++;
            vlen--;
            if (vlen == 0 && !split_next(&sp, &v, &vlen))
                vlen = 0;
        }
        if (vlen == 0) {
            dk__error(ctx, kv->line, "'%s' needs a value in %s", kd->name, kv->key);
            rule->bad = true;
            rule->required_done = true;
            return;
        }
        if (dk__node_add_value(ctx, rule, kd, kd->name, v, vlen, kv->line) < 0)
            rule->bad = true;
    }
}

/* Maps the keys of sec onto node; skip names a key handled by the caller. */
static void map_keys(struct dk__ctx *ctx, struct dk__node *node, const struct handler *h,
                     const struct ini_sec *sec, const char *const *skip)
{
    for (size_t i = 0; i < sec->nkv; i++) {
        const struct ini_kv *kv = &sec->kv[i];
        bool skipped = false;
        for (size_t s = 0; skip && skip[s]; s++)
            skipped |= strcmp(kv->key, skip[s]) == 0;
        if (skipped)
            continue;
        const struct keymap *m = h->km;
        while (m->ini && !key_matches(kv->key, m))
            m++;
        if (m->ini && (m->flags & KM_RULE)) {
            if (kv->vlen)
                map_rule(ctx, node, sec, kv);
            continue;
        }
        if (m->ini && (m->flags & KM_SUB)) {
            struct dk__node *sub = kv->vlen ? new_node(ctx, node, m->key, sec) : NULL;
            if (sub)
                dk__node_set_arg(ctx, sub, kv->val, kv->vlen, kv->line);
            continue;
        }
        const struct dk_config_key_def *kd =
            dk_config_key_find(node->pub.def, m->ini ? m->key : kv->key);
        if (!kd) {
            unknown_key(ctx, sec, kv);
            continue;
        }
        if (kv->vlen == 0)
            continue;
        if (m->ini && (m->flags & KM_LIST)) {
            struct splitter sp = {kv->val, kv->vlen, 0};
            const char *tok;
            size_t tlen;
            while (split_next(&sp, &tok, &tlen))
                dk__node_add_value(ctx, node, kd, kv->key, tok, tlen, kv->line);
        } else {
            dk__node_add_value(ctx, node, kd, kv->key, kv->val, kv->vlen, kv->line);
        }
    }
}

/* Required keys, named as the INI file names them. */
static void check_required(struct dk__ctx *ctx, struct dk__node *node, const struct handler *h,
                           const struct ini_sec *sec)
{
    const struct dk_config_section_def *def = node->pub.def;
    char list[256] = "", shown[80];
    size_t used = 0;
    bool any = false, have = false;
    for (size_t k = 0; k < def->nkeys; k++) {
        const struct dk_config_key_def *kd = &def->keys[k];
        size_t c = dk__node_count(node, kd);
        if ((kd->flags & DK_CFG_REQUIRED) && c == 0)
            dk__error(ctx, sec->line, "[%s] needs '%s'", dk__shorten(sec->header, sec->hlen, shown),
                      ini_name(h, kd->name));
        if (kd->flags & DK_CFG_ONE_OF) {
            any = true;
            have |= c > 0;
            int w = snprintf(list + used, sizeof(list) - used, "%s'%s'", used ? ", " : "",
                             ini_name(h, kd->name));
            if (w > 0 && (size_t)w < sizeof(list) - used)
                used += (size_t)w;
        }
    }
    if (any && !have)
        dk__error(ctx, sec->line, "[%s] needs at least one of %s",
                  dk__shorten(sec->header, sec->hlen, shown), list);
    node->required_done = true;
}

static void map_fixed(struct dk__ctx *ctx, struct dk__node *root, const struct handler *h,
                      const struct ini_sec *sec, const char *arg, size_t alen)
{
    char shown[80];
    const struct ini_kv *file = find_kv(sec, "assignments-file");
    const struct ini_kv *more = find_kv(sec, "additional-prefixes");
    if (alen == 0) {
        dk__error(ctx, sec->line, "[%s] needs the prefix of the link",
                  dk__shorten(sec->header, sec->hlen, shown));
        return;
    }
    if (!file || file->vlen == 0) {
        dk__error(ctx, sec->line, "[%s] needs 'assignments-file'",
                  dk__shorten(sec->header, sec->hlen, shown));
        return;
    }
    struct dk__node *filter;
    if (more && more->vlen) {
        filter = new_node(ctx, root, "subnet-group", sec);
        if (!filter)
            return;
        put(ctx, filter, "prefix", "prefix", arg, alen, sec->line);
        struct splitter sp = {more->val, more->vlen, 0};
        const char *tok;
        size_t tlen;
        while (split_next(&sp, &tok, &tlen))
            put(ctx, filter, "prefix", more->key, tok, tlen, more->line);
    } else {
        filter = new_node(ctx, root, "subnet", sec);
        if (!filter)
            return;
        dk__node_set_arg(ctx, filter, arg, alen, sec->line);
    }
    struct dk__node *node = new_node(ctx, filter, h->section, sec);
    if (!node)
        return;
    dk__node_set_arg(ctx, node, file->val, file->vlen, file->line);
    static const char *const skip[] = {"assignments-file", "additional-prefixes", NULL};
    map_keys(ctx, node, h, sec, skip);
}

static void map_option(struct dk__ctx *ctx, struct dk__node *root, const struct ini_sec *sec)
{
    char norm[DK__NAME_MAX], shown[80];
    size_t t = 0, o = 0;
    while (t < sec->alen && !dk__blank(sec->arg[t])) {
        char c = sec->arg[t++];
        if (c == '-' || c == '_')
            continue;
        if (o + 1 >= sizeof(norm)) {
            o = 0;
            break;
        }
        norm[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    norm[o] = 0;
    const struct handler *h = NULL;
    for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
        if (strcmp(handlers[i].norm, norm) == 0)
            h = &handlers[i];
    if (sec->alen == 0) {
        dk__error(ctx, sec->line, "[option] needs a handler name");
        return;
    }
    if (!h) {
        dk__error(ctx, sec->line, "unknown option handler '%s'", dk__shorten(sec->arg, t, shown));
        return;
    }
    const char *arg = sec->arg + t;
    size_t alen = sec->alen - t;
    while (alen > 0 && dk__blank(arg[0])) {
        arg++;
        alen--;
    }
    if (h->fixed) {
        map_fixed(ctx, root, h, sec, arg, alen);
        return;
    }
    const struct dk_config_section_def *def = dk_config_schema_find(h->section);
    if (alen && def && def->argkind == DK_CFG_ARG_NONE) {
        dk__error(ctx, sec->line, "[option %s] takes no argument", dk__shorten(sec->arg, t, shown));
        return;
    }
    if (!alen && def && def->argkind == DK_CFG_ARG_REQUIRED) {
        dk__error(ctx, sec->line, "[option %s] needs %s as its argument",
                  dk__shorten(sec->arg, t, shown), def->arg_name);
        return;
    }
    struct dk__node *node = new_node(ctx, root, h->section, sec);
    if (!node)
        return;
    /* [option VendorSpecificInformation 40208]: the section's argument. */
    if (alen && dk__node_set_arg(ctx, node, arg, alen, sec->line) != 0)
        return;
    map_keys(ctx, node, h, sec, NULL);
    check_required(ctx, node, h, sec);
}

void dk__parse_ini(struct dk__ctx *ctx, const char *buf, size_t len)
{
    struct ini ini = {.ctx = ctx};
    struct dk__node *root = ctx->cfg->root;
    const struct ini_sec *server = NULL;

    read_ini(&ini, buf, len);
    if (ctx->nomem)
        goto out;

    /* dhcpkit 0.x always logged to syslog; [logging] only set the facility. */
    struct dk__node *logging = new_node(ctx, root, "logging", NULL);
    struct dk__node *syslog = logging ? new_node(ctx, logging, "syslog", NULL) : NULL;
    if (!syslog)
        goto out;
    for (size_t i = 0; i < ini.nsecs; i++)
        if (strcmp(ini.secs[i].type, "server") == 0)
            server = &ini.secs[i];
    if (server) {
        const struct ini_kv *duid = find_kv(server, "duid");
        if (duid && duid->vlen)
            map_duid(ctx, root, duid);
    }

    for (size_t i = 0; i < ini.nsecs && !ctx->nomem; i++) {
        const struct ini_sec *sec = &ini.secs[i];
        if (strcmp(sec->type, "server") == 0) {
            if (sec->alen)
                dk__error(ctx, sec->line, "[server] takes no argument");
            else
                map_server(ctx, root, sec);
        } else if (strcmp(sec->type, "logging") == 0) {
            map_logging(ctx, syslog, sec);
        } else if (strcmp(sec->type, "interface") == 0) {
            map_interface(ctx, root, sec);
        } else if (strcmp(sec->type, "option") == 0) {
            map_option(ctx, root, sec);
        } else {
            char shown[80];
            dk__error(ctx, sec->line, "unknown section [%s]",
                      dk__shorten(sec->header, sec->hlen, shown));
        }
    }
out:
    for (size_t i = 0; i < ini.nsecs; i++)
        free(ini.secs[i].kv);
    free(ini.secs);
}
