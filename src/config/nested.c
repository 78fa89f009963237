/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The nested syntax of dhcpkit 1.x (ZConfig, Apache-like):
 *
 *     # comment
 *     key value              (also "key = value")
 *     key "quoted value"     (\" and \\ inside quotes)
 *     <type [argument]>
 *         ...
 *     </type>
 *     <type [argument] />
 *
 * Names of keys and section types are case-insensitive. A '#' after a blank
 * starts a comment. The closing tag must match the innermost open section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct frame {
    struct dk__node *node; /* NULL while skipping a refused section */
    char type[DK__NAME_MAX];
    unsigned line;
};

struct nested {
    struct dk__ctx *ctx;
    struct frame frames[DK_CONFIG_MAX_DEPTH + 1];
    size_t depth;    /* frames[0] is the top level */
    size_t overflow; /* sections opened beyond DK_CONFIG_MAX_DEPTH */
    unsigned line;
    char buf[DK_CONFIG_MAX_LINE + 1];
};

static const char *where_name(unsigned where)
{
    if (where & DK_CFG_IN_LOGGING)
        return "only inside <logging>";
    if (where & DK_CFG_IN_MAP)
        return "only inside <map-e> or <map-t>";
    if (where & DK_CFG_IN_LQ)
        return "only inside <leasequery>";
    if (where & DK_CFG_IN_FILTER)
        return "only at the top level or inside a filter";
    return "only at the top level";
}

/* Returns true if the rest of a line (after a tag) is blank or a comment. */
static bool rest_is_empty(const char *s, size_t n)
{
    return dk__strip_comment(s, n, "#") == 0;
}

static void push(struct nested *st, struct dk__node *node, const char *type, unsigned line)
{
    if (st->depth >= DK_CONFIG_MAX_DEPTH) {
        if (st->overflow++ == 0)
            dk__error(st->ctx, line, "sections nested deeper than %d", DK_CONFIG_MAX_DEPTH);
        return;
    }
    struct frame *f = &st->frames[++st->depth];
    f->node = node;
    snprintf(f->type, sizeof(f->type), "%s", type);
    f->line = line;
}

static void open_section(struct nested *st, const char *type, size_t tlen, const char *arg,
                         size_t alen, bool has_arg, bool empty)
{
    struct dk__ctx *ctx = st->ctx;
    char norm[DK__NAME_MAX], shown[80];
    struct frame *parent = &st->frames[st->depth];
    struct dk__node *node = NULL;
    const struct dk_config_section_def *def = NULL;

    if (dk__norm(type, tlen, norm, false) < 0) {
        dk__error(ctx, st->line, "unknown section <%s>", dk__shorten(type, tlen, shown));
        snprintf(norm, sizeof(norm), "%s", "?");
        goto push;
    }
    if (st->overflow || !parent->node)
        goto push; /* inside a refused section: only the structure counts */
    def = dk_config_schema_find(norm);
    if (!def) {
        dk__error(ctx, st->line, "unknown section <%s>", norm);
        goto push;
    }
    const struct dk_config_section_def *pdef = parent->node->pub.def;
    if (!(def->where & pdef->contains)) {
        char pname[96];
        dk__error(ctx, st->line, "<%s> is not allowed %s%s (it may appear %s)", def->name,
                  parent->node->parent ? "inside " : "at the top level",
                  parent->node->parent ? dk__node_name(parent->node, pname) : "",
                  where_name(def->where));
        goto push;
    }
    if (st->depth >= DK_CONFIG_MAX_DEPTH && !empty)
        goto push; /* push() reports it */
    node = dk__node_new(ctx, parent->node, def, st->line);
    if (!node)
        goto push;
    if (has_arg) {
        dk__node_set_arg(ctx, node, arg, alen, st->line);
    } else if (def->argkind == DK_CFG_ARG_REQUIRED) {
        dk__error(ctx, st->line, "<%s> needs an argument: %s", def->name, def->arg_name);
        node->bad = true;
    }
push:
    if (!empty)
        push(st, node, norm, st->line);
}

static void close_section(struct nested *st, const char *name, size_t n)
{
    struct dk__ctx *ctx = st->ctx;
    char norm[DK__NAME_MAX], shown[80];
    if (st->overflow) {
        st->overflow--;
        return;
    }
    if (st->depth == 0) {
        dk__error(ctx, st->line, "</%s> closes no open section", dk__shorten(name, n, shown));
        return;
    }
    struct frame *f = &st->frames[st->depth];
    if (dk__norm(name, n, norm, false) < 0 || strcmp(norm, f->type) != 0)
        dk__error(ctx, st->line, "</%s> does not close <%s> opened at line %u",
                  dk__shorten(name, n, shown), f->type, f->line);
    st->depth--;
}

/* "<...>" at s[0]. */
static void tag(struct nested *st, const char *s, size_t n)
{
    struct dk__ctx *ctx = st->ctx;
    bool closing = n > 1 && s[1] == '/';
    size_t i = closing ? 2 : 1, gt;
    bool inq = false;

    /* The closing '>' outside quotes. */
    for (gt = i; gt < n; gt++) {
        if (s[gt] == '\\' && inq)
            gt++;
        else if (s[gt] == '"')
            inq = !inq;
        else if (s[gt] == '>' && !inq)
            break;
    }
    if (gt >= n) {
        dk__error(ctx, st->line, "missing '>'");
        /* Keep the structure so that one error does not cause more. */
        if (closing) {
            if (st->overflow)
                st->overflow--;
            else if (st->depth > 0)
                st->depth--;
        } else if (s[n - 1] != '/') {
            size_t t = 1;
            char norm[DK__NAME_MAX] = "?";
            while (t < n && !dk__blank(s[t]))
                t++;
            if (dk__norm(s + 1, t - 1, norm, false) < 0)
                snprintf(norm, sizeof(norm), "?");
            push(st, NULL, norm, st->line);
        }
        return;
    }
    if (!rest_is_empty(s + gt + 1, n - gt - 1))
        dk__error(ctx, st->line, "text after '>' (put each key on its own line)");

    const char *in = s + i;
    size_t inlen = gt - i;
    while (inlen > 0 && dk__blank(in[0])) {
        in++;
        inlen--;
    }
    while (inlen > 0 && dk__blank(in[inlen - 1]))
        inlen--;
    if (closing) {
        close_section(st, in, inlen);
        return;
    }
    bool empty = false;
    if (inlen > 0 && in[inlen - 1] == '/') {
        empty = true;
        inlen--;
        while (inlen > 0 && dk__blank(in[inlen - 1]))
            inlen--;
    }
    size_t tlen = 0;
    while (tlen < inlen && !dk__blank(in[tlen]))
        tlen++;
    if (tlen == 0) {
        dk__error(ctx, st->line, "missing section type after '<'");
        return;
    }
    const char *arg = in + tlen;
    size_t alen = inlen - tlen;
    while (alen > 0 && dk__blank(arg[0])) {
        arg++;
        alen--;
    }
    if (alen > 0 && arg[0] == '"') {
        size_t outlen, used;
        if (dk__unquote(arg, alen, st->buf, &outlen, &used) < 0 || used != alen) {
            dk__error(ctx, st->line, "bad quoted argument");
            open_section(st, in, tlen, NULL, 0, false, empty);
            return;
        }
        open_section(st, in, tlen, st->buf, outlen, true, empty);
        return;
    }
    open_section(st, in, tlen, arg, alen, alen > 0, empty);
}

static void key_value(struct nested *st, const char *s, size_t n)
{
    struct dk__ctx *ctx = st->ctx;
    size_t k = 0;
    while (k < n && !dk__blank(s[k]) && s[k] != '=')
        k++;
    size_t i = k;
    while (i < n && dk__blank(s[i]))
        i++;
    if (i < n && s[i] == '=') {
        i++;
        while (i < n && dk__blank(s[i]))
            i++;
    }
    const char *v = s + i;
    size_t vlen = n - i;
    struct frame *f = &st->frames[st->depth];

    if (k == 0) {
        dk__error(ctx, st->line, "missing key before '='");
        return;
    }
    if (vlen > 0 && v[0] == '"') {
        size_t outlen, used;
        if (dk__unquote(v, vlen, st->buf, &outlen, &used) < 0 ||
            !rest_is_empty(v + used, vlen - used)) {
            dk__error(ctx, st->line, "bad quoted value");
            return;
        }
        v = st->buf;
        vlen = outlen;
        if (vlen == 0) {
            dk__error(ctx, st->line, "empty value");
            return;
        }
    } else {
        vlen = dk__strip_comment(v, vlen, "#");
    }
    if (st->overflow || !f->node)
        return;
    dk__node_add_kv(ctx, f->node, s, k, v, vlen, st->line);
}

void dk__parse_nested(struct dk__ctx *ctx, const char *buf, size_t len)
{
    static struct nested zero;
    struct nested *st = malloc(sizeof(*st));
    if (!st) {
        ctx->nomem = true;
        return;
    }
    *st = zero;
    st->ctx = ctx;
    st->frames[0].node = ctx->cfg->root;

    struct dk__lines lines;
    const char *line;
    size_t n;
    bool bad, indented;
    dk__lines_init(&lines, buf, len);
    while (!ctx->nomem && dk__next_line(ctx, &lines, &line, &n, &bad, &indented)) {
        st->line = lines.lineno;
        if (bad || n == 0 || line[0] == '#')
            continue;
        if (line[0] == '<')
            tag(st, line, n);
        else if (line[0] == '%')
            dk__error(ctx, st->line, "directives such as %%include are not supported");
        else
            key_value(st, line, n);
    }
    for (size_t d = st->depth; d > 0; d--)
        dk__error(ctx, st->frames[d].line, "<%s> is not closed", st->frames[d].type);
    free(st);
}
