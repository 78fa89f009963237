/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tree: allocation, building, validation and defaults, queries, diff. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------------------- */
/* Pool */

struct dk__blk {
    struct dk__blk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

#define POOL_BLOCK 16384

void *dk__pool_alloc(struct dk__pool *pool, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    struct dk__blk *b = pool->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > POOL_BLOCK ? n : POOL_BLOCK;
        b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        if (n > POOL_BLOCK / 4 && pool->head) {
            /* Keep filling the current block; chain the big one behind it. */
            b->next = pool->head->next;
            pool->head->next = b;
        } else {
            b->next = pool->head;
            pool->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *dk__pool_strndup(struct dk__pool *pool, const char *s, size_t n)
{
    char *p = dk__pool_alloc(pool, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

void dk__pool_free(struct dk__pool *pool)
{
    struct dk__blk *b = pool->head;
    while (b) {
        struct dk__blk *next = b->next;
        free(b);
        b = next;
    }
    pool->head = NULL;
}

/* ------------------------------------------------------------------------- */
/* Errors */

void dk_config_errors_init(struct dk_config_errors *errs)
{
    memset(errs, 0, sizeof(*errs));
}

void dk_config_errors_clear(struct dk_config_errors *errs)
{
    if (!errs)
        return;
    for (size_t i = 0; i < errs->n; i++) {
        free(errs->v[i].file);
        free(errs->v[i].message);
    }
    free(errs->v);
    memset(errs, 0, sizeof(*errs));
}

int dk_config_error_format(const struct dk_config_error *e, char *buf, size_t len)
{
    if (e->line)
        return snprintf(buf, len, "%s:%u: %s", e->file, e->line, e->message);
    return snprintf(buf, len, "%s: %s", e->file, e->message);
}

void dk_config_errors_print(const struct dk_config_errors *errs, FILE *out)
{
    for (size_t i = 0; i < errs->n; i++) {
        const struct dk_config_error *e = &errs->v[i];
        if (e->line)
            fprintf(out, "%s:%u: %s\n", e->file, e->line, e->message);
        else
            fprintf(out, "%s: %s\n", e->file, e->message);
    }
    if (errs->dropped)
        fprintf(out, "... and %zu more errors\n", errs->dropped);
}

int dk_config_errors_addv(struct dk_config_errors *errs, const char *file, unsigned line,
                          const char *fmt, va_list ap)
{
    if (errs->n >= DK_CONFIG_MAX_ERRORS) {
        errs->dropped++;
        return 0;
    }
    if (errs->n == errs->cap) {
        size_t cap = errs->cap ? errs->cap * 2 : 16;
        struct dk_config_error *v = realloc(errs->v, cap * sizeof(*v));
        if (!v) {
            errs->dropped++;
            return DK_ENOMEM;
        }
        errs->v = v;
        errs->cap = cap;
    }
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    char *f = strdup(file ? file : "(config)"), *m = strdup(msg);
    if (!f || !m) {
        free(f);
        free(m);
        errs->dropped++;
        return DK_ENOMEM;
    }
    errs->v[errs->n++] = (struct dk_config_error){.file = f, .line = line, .message = m};
    return 0;
}

int dk_config_errors_add(struct dk_config_errors *errs, const char *file, unsigned line,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int err = dk_config_errors_addv(errs, file, line, fmt, ap);
    va_end(ap);
    return err;
}

void dk__error(struct dk__ctx *ctx, unsigned line, const char *fmt, ...)
{
    ctx->nerr++;
    if (!ctx->errs)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (dk_config_errors_addv(ctx->errs, ctx->name, line, fmt, ap) == DK_ENOMEM)
        ctx->nomem = true;
    va_end(ap);
}

const char *dk__shorten(const char *s, size_t n, char out[80])
{
    size_t k = n;
    if (k > 60) {
        k = 60;
        /* Do not cut a UTF-8 character. */
        while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
            k--;
    }
    memcpy(out, s, k);
    if (k < n)
        memcpy(out + k, "...", 4);
    else
        out[k] = 0;
    return out;
}

int dk__norm(const char *s, size_t n, char *out, bool ini)
{
    if (n >= DK__NAME_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (ini && c == '_')
            c = '-';
        out[i] = c;
    }
    out[n] = 0;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Building */

static void *grow(struct dk__ctx *ctx, void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    size_t nc = *cap ? *cap * 2 : 4;
    void *nv = realloc(v, nc * size);
    if (!nv) {
        ctx->nomem = true;
        return NULL;
    }
    *cap = nc;
    return nv;
}

const char *dk__node_name(const struct dk__node *node, char out[96])
{
    if (node->label)
        snprintf(out, 96, "%s", node->label);
    else if (!node->parent)
        snprintf(out, 96, "the top level");
    else
        snprintf(out, 96, "<%s>", node->pub.type);
    return out;
}

struct dk__node *dk__node_new(struct dk__ctx *ctx, struct dk__node *parent,
                              const struct dk_config_section_def *def, unsigned line)
{
    struct dk_config *cfg = ctx->cfg;
    /* nnodes counts the root too. */
    if (cfg->nnodes > DK_CONFIG_MAX_SECTIONS) {
        if (!ctx->too_many_sections)
            dk__error(ctx, line, "more than %d sections", DK_CONFIG_MAX_SECTIONS);
        ctx->too_many_sections = true;
        return NULL;
    }
    if (parent && def->once) {
        for (size_t i = 0; i < parent->nchildren; i++) {
            const struct dk__node *c = parent->children[i];
            if (!c->pub.def->once || strcmp(c->pub.def->once, def->once) != 0)
                continue;
            if (c->pub.def == def)
                dk__error(ctx, line, "only one <%s> is allowed (the first is at line %u)",
                          def->name, c->pub.line);
            else
                dk__error(ctx, line, "<%s> and <%s> at line %u: only one of them is allowed",
                          def->name, c->pub.def->name, c->pub.line);
            return NULL;
        }
    }
    struct dk__node *node = dk__pool_alloc(&cfg->pool, sizeof(*node));
    struct dk__node **nodes = grow(ctx, cfg->nodes, &cfg->capnodes, cfg->nnodes, sizeof(*nodes));
    if (!node || !nodes) {
        ctx->nomem = true;
        return NULL;
    }
    cfg->nodes = nodes;
    if (parent) {
        struct dk__node **ch =
            grow(ctx, parent->children, &parent->capchildren, parent->nchildren, sizeof(*ch));
        if (!ch)
            return NULL;
        parent->children = ch;
        parent->children[parent->nchildren++] = node;
    }
    cfg->nodes[cfg->nnodes++] = node;
    node->pub.def = def;
    node->pub.type = def->name;
    node->pub.file = cfg->name;
    node->pub.line = line;
    node->parent = parent;
    return node;
}

int dk__node_set_arg(struct dk__ctx *ctx, struct dk__node *node, const char *text, size_t n,
                     unsigned line)
{
    const struct dk_config_section_def *def = node->pub.def;
    char why[256], shown[80], name[96];
    if (def->argkind == DK_CFG_ARG_NONE) {
        dk__error(ctx, line, "%s takes no argument", dk__node_name(node, name));
        return -1;
    }
    if (dk__value_parse(ctx, &def->arg, text, n, &node->pub.arg, why, sizeof(why)) < 0) {
        dk__error(ctx, line, "bad argument '%s' for %s: %s", dk__shorten(text, n, shown),
                  dk__node_name(node, name), why);
        node->bad = true;
        return -1;
    }
    node->pub.has_arg = true;
    return 0;
}

size_t dk__node_count(const struct dk__node *node, const struct dk_config_key_def *kd)
{
    size_t c = 0;
    for (size_t i = 0; i < node->nsettings; i++)
        if (node->settings[i].def == kd)
            c++;
    return c;
}

static struct dk_config_setting *add_setting(struct dk__ctx *ctx, struct dk__node *node,
                                             unsigned line)
{
    if (ctx->cfg->nsettings >= DK_CONFIG_MAX_SETTINGS) {
        if (!ctx->too_many_settings)
            dk__error(ctx, line, "more than %d settings", DK_CONFIG_MAX_SETTINGS);
        ctx->too_many_settings = true;
        return NULL;
    }
    struct dk_config_setting *v =
        grow(ctx, node->settings, &node->capsettings, node->nsettings, sizeof(*v));
    if (!v)
        return NULL;
    node->settings = v;
    ctx->cfg->nsettings++;
    struct dk_config_setting *s = &node->settings[node->nsettings];
    memset(s, 0, sizeof(*s));
    s->line = line;
    return s;
}

int dk__node_add_value(struct dk__ctx *ctx, struct dk__node *node,
                       const struct dk_config_key_def *kd, const char *label, const char *val,
                       size_t vallen, unsigned line)
{
    char why[256], shown[80], name[96];
    if (!(kd->flags & DK_CFG_MULTI)) {
        for (size_t i = 0; i < node->nsettings; i++) {
            if (node->settings[i].def == kd) {
                dk__error(ctx, line, "duplicate key '%s' in %s (the first is at line %u)", label,
                          dk__node_name(node, name), node->settings[i].line);
                return -1;
            }
        }
    }
    struct dk_config_setting *s = add_setting(ctx, node, line);
    if (!s)
        return -1;
    int rc = dk__value_parse(ctx, &kd->type, val, vallen, &s->value, why, sizeof(why));
    if (rc < 0) {
        dk__error(ctx, line, "bad value '%s' for %s: %s", dk__shorten(val, vallen, shown), label,
                  why);
        node->bad = true;
    }
    /* Kept even when bad, so that it does not also count as missing; a tree
     * with errors never reaches a reader. */
    s->def = kd;
    s->key = kd->name;
    node->nsettings++;
    return rc;
}

int dk__node_add_kv(struct dk__ctx *ctx, struct dk__node *node, const char *key, size_t keylen,
                    const char *val, size_t vallen, unsigned line)
{
    char norm[DK__NAME_MAX], shown[80], name[96];
    const struct dk_config_section_def *def = node->pub.def;
    bool known = dk__norm(key, keylen, norm, false) == 0;

    if (known && (def->flags & DK_CFG_FREE_KEYS)) {
        struct dk_config_setting *s = add_setting(ctx, node, line);
        if (!s)
            return -1;
        static const struct dk_config_type free_type = {.vtype = DK_CFG_STRING};
        char why[256];
        if (dk__value_parse(ctx, &free_type, val, vallen, &s->value, why, sizeof(why)) < 0) {
            dk__error(ctx, line, "bad value for %s: %s", norm, why);
            return -1;
        }
        s->key = dk__pool_strndup(&ctx->cfg->pool, norm, strlen(norm));
        if (!s->key) {
            ctx->nomem = true;
            return -1;
        }
        node->nsettings++;
        return 0;
    }
    const struct dk_config_key_def *kd = known ? dk_config_key_find(def, norm) : NULL;
    if (!kd) {
        if (node->parent)
            dk__error(ctx, line, "unknown key '%s' in %s", dk__shorten(key, keylen, shown),
                      dk__node_name(node, name));
        else
            dk__error(ctx, line, "unknown key '%s'", dk__shorten(key, keylen, shown));
        return -1;
    }
    if (vallen == 0) {
        dk__error(ctx, line, "'%s' needs a value", kd->name);
        node->bad = true;
        struct dk_config_setting *s = add_setting(ctx, node, line);
        if (s) { /* a placeholder, as for a bad value */
            s->def = kd;
            s->key = kd->name;
            s->value.text = "";
            node->nsettings++;
        }
        return -1;
    }
    return dk__node_add_value(ctx, node, kd, kd->name, val, vallen, line);
}

/* ------------------------------------------------------------------------- */
/* Validation, defaults, publication */

static void finish_node(struct dk__ctx *ctx, struct dk__node *node)
{
    const struct dk_config_section_def *def = node->pub.def;
    enum dk_config_syntax syn = ctx->cfg->syntax;
    size_t before = ctx->nerr;
    char name[96];

    for (size_t i = 0; i < node->nchildren; i++)
        finish_node(ctx, node->children[i]);

    if (!node->required_done) {
        bool any_one_of = false, have_one_of = false;
        for (size_t k = 0; k < def->nkeys; k++) {
            const struct dk_config_key_def *kd = &def->keys[k];
            size_t c = dk__node_count(node, kd);
            if ((kd->flags & DK_CFG_REQUIRED) && c == 0)
                dk__error(ctx, node->pub.line, "%s needs '%s'", dk__node_name(node, name),
                          kd->name);
            if (kd->flags & DK_CFG_ONE_OF) {
                any_one_of = true;
                have_one_of |= c > 0;
            }
        }
        if (any_one_of && !have_one_of) {
            char list[256] = "";
            size_t used = 0;
            for (size_t k = 0; k < def->nkeys; k++) {
                if (!(def->keys[k].flags & DK_CFG_ONE_OF))
                    continue;
                int w = snprintf(list + used, sizeof(list) - used, "%s'%s'", used ? ", " : "",
                                 def->keys[k].name);
                if (w > 0 && (size_t)w < sizeof(list) - used)
                    used += (size_t)w;
            }
            dk__error(ctx, node->pub.line, "%s needs at least one of %s", dk__node_name(node, name),
                      list);
        }
    }

    /* An optional argument with one possible value (<duid-ll server-id>)
     * is that value when left out. */
    if (!node->pub.has_arg && def->argkind == DK_CFG_ARG_OPTIONAL &&
        def->arg.vtype == DK_CFG_ENUM && def->arg.enums && def->arg.enums[0] &&
        !def->arg.enums[1]) {
        char why[256];
        const char *only = def->arg.enums[0];
        if (dk__value_parse(ctx, &def->arg, only, strlen(only), &node->pub.arg, why, sizeof(why)) ==
            0)
            node->pub.has_arg = true;
    }

    /* Defaults, in schema order after the explicit settings. */
    for (size_t k = 0; k < def->nkeys; k++) {
        const struct dk_config_key_def *kd = &def->keys[k];
        const char *dflt = (syn == DK_CONFIG_INI && kd->def_ini) ? kd->def_ini : kd->def_nested;
        if (!dflt || dk__node_count(node, kd) > 0)
            continue;
        struct dk_config_setting *s = add_setting(ctx, node, 0);
        char why[256];
        if (!s)
            return;
        if (dk__value_parse(ctx, &kd->type, dflt, strlen(dflt), &s->value, why, sizeof(why)) < 0) {
            /* A broken schema, not a broken file; the unit tests parse every default. */
            dk__error(ctx, node->pub.line, "internal error: default '%s' of %s: %s", dflt, kd->name,
                      why);
            return;
        }
        s->def = kd;
        s->key = kd->name;
        s->is_default = true;
        node->nsettings++;
    }

    /* Publish. */
    node->pub.settings = node->settings;
    node->pub.nsettings = node->nsettings;
    if (node->nchildren) {
        const struct dk_config_section **pubch =
            dk__pool_alloc(&ctx->cfg->pool, node->nchildren * sizeof(*pubch));
        if (!pubch) {
            ctx->nomem = true;
            return;
        }
        for (size_t i = 0; i < node->nchildren; i++)
            pubch[i] = &node->children[i]->pub;
        node->pub.children = pubch;
        node->pub.nchildren = node->nchildren;
    }
    node->pub.parent = node->parent ? &node->parent->pub : NULL;

    if (def->check && ctx->nerr == before && !node->bad) {
        char msg[256];
        int rc = def->check(&node->pub, msg, sizeof(msg));
        if (rc != 0)
            dk__error(ctx, rc > 0 ? (unsigned)rc : node->pub.line, "%s", msg);
    }
}

void dk__finish(struct dk__ctx *ctx)
{
    if (ctx->cfg->root && !ctx->nomem)
        finish_node(ctx, ctx->cfg->root);
}

/* ------------------------------------------------------------------------- */
/* Queries */

void dk_config_free(struct dk_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->nnodes; i++) {
        free(cfg->nodes[i]->settings);
        free(cfg->nodes[i]->children);
    }
    free(cfg->nodes);
    dk__pool_free(&cfg->pool);
    free(cfg);
}

const struct dk_config_section *dk_config_root(const struct dk_config *cfg)
{
    return &cfg->root->pub;
}

enum dk_config_syntax dk_config_syntax(const struct dk_config *cfg)
{
    return cfg->syntax;
}

const char *dk_config_name(const struct dk_config *cfg)
{
    return cfg->name;
}

const struct dk_config_value *dk_config_get(const struct dk_config_section *s, const char *key)
{
    return dk_config_nth(s, key, 0);
}

size_t dk_config_count(const struct dk_config_section *s, const char *key)
{
    size_t c = 0;
    for (size_t i = 0; i < s->nsettings; i++)
        if (strcmp(s->settings[i].key, key) == 0)
            c++;
    return c;
}

const struct dk_config_value *dk_config_nth(const struct dk_config_section *s, const char *key,
                                            size_t n)
{
    for (size_t i = 0; i < s->nsettings; i++)
        if (strcmp(s->settings[i].key, key) == 0 && n-- == 0)
            return &s->settings[i].value;
    return NULL;
}

/* ------------------------------------------------------------------------- */
/* Comparison */

static void path_of(const struct dk_config_section *s, char *out, size_t len)
{
    const struct dk_config_section *chain[DK_CONFIG_MAX_DEPTH + 2];
    size_t n = 0;
    for (; s && s->parent && n < sizeof(chain) / sizeof(chain[0]); s = s->parent)
        chain[n++] = s;
    size_t used = 0;
    out[0] = 0;
    if (n == 0)
        snprintf(out, len, "the top level");
    while (n-- > 0) {
        int w = snprintf(out + used, len - used, "%s<%s%s%s>", used ? " " : "", chain[n]->type,
                         chain[n]->has_arg ? " " : "", chain[n]->has_arg ? chain[n]->arg.text : "");
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
}

static int differ(char *why, size_t len, const struct dk_config_section *s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int differ(char *why, size_t len, const struct dk_config_section *s, const char *fmt, ...)
{
    if (why && len) {
        char path[512], what[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        path_of(s, path, sizeof(path));
        snprintf(why, len, "%s: %s", path, what);
    }
    return 1;
}

static int diff_key(const struct dk_config_section *a, const struct dk_config_section *b,
                    const char *key, char *why, size_t len)
{
    size_t na = dk_config_count(a, key), nb = dk_config_count(b, key);
    for (size_t i = 0; i < na || i < nb; i++) {
        const struct dk_config_value *va = dk_config_nth(a, key, i);
        const struct dk_config_value *vb = dk_config_nth(b, key, i);
        if (!dk_config_value_equal(va, vb))
            return differ(why, len, a, "%s: '%s' != '%s'", key, va ? va->text : "(none)",
                          vb ? vb->text : "(none)");
    }
    return 0;
}

static int diff_section(const struct dk_config_section *a, const struct dk_config_section *b,
                        char *why, size_t len)
{
    if (a->def != b->def)
        return differ(why, len, a, "<%s> != <%s>", a->type, b->type);
    if (a->has_arg != b->has_arg || (a->has_arg && !dk_config_value_equal(&a->arg, &b->arg)))
        return differ(why, len, a, "argument '%s' != '%s'", a->has_arg ? a->arg.text : "(none)",
                      b->has_arg ? b->arg.text : "(none)");
    if (a->def->flags & DK_CFG_FREE_KEYS) {
        if (a->nsettings != b->nsettings)
            return differ(why, len, a, "%zu settings != %zu", a->nsettings, b->nsettings);
        for (size_t i = 0; i < a->nsettings; i++)
            if (strcmp(a->settings[i].key, b->settings[i].key) != 0 ||
                !dk_config_value_equal(&a->settings[i].value, &b->settings[i].value))
                return differ(why, len, a, "%s '%s' != %s '%s'", a->settings[i].key,
                              a->settings[i].value.text, b->settings[i].key,
                              b->settings[i].value.text);
    } else {
        for (size_t k = 0; k < a->def->nkeys; k++)
            if (diff_key(a, b, a->def->keys[k].name, why, len))
                return 1;
    }
    if (a->nchildren != b->nchildren)
        return differ(why, len, a, "%zu sections != %zu", a->nchildren, b->nchildren);
    for (size_t i = 0; i < a->nchildren; i++)
        if (diff_section(a->children[i], b->children[i], why, len))
            return 1;
    return 0;
}

int dk_config_diff(const struct dk_config *a, const struct dk_config *b, char *why, size_t len)
{
    if (why && len)
        why[0] = 0;
    if (!a || !b) {
        if (a == b)
            return 0;
        if (why && len)
            snprintf(why, len, "one of the trees is missing");
        return 1;
    }
    return diff_section(dk_config_root(a), dk_config_root(b), why, len);
}

bool dk_config_equal(const struct dk_config *a, const struct dk_config *b)
{
    return dk_config_diff(a, b, NULL, 0) == 0;
}
