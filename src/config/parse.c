/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry points: detect the syntax, parse, validate, refuse on any error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* INI when the first line that is not blank or a comment starts with '['. */
static enum dk_config_syntax detect(const char *buf, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < len) {
        while (i < len && (dk__blank(buf[i]) || buf[i] == '\r'))
            i++;
        if (i < len && buf[i] != '\n') {
            if (buf[i] == '[')
                return DK_CONFIG_INI;
            if (buf[i] != '#' && buf[i] != ';')
                return DK_CONFIG_NESTED;
        }
        const char *nl = memchr(buf + i, '\n', len - i);
        if (!nl)
            break;
        i = (size_t)(nl - buf) + 1;
    }
    return DK_CONFIG_NESTED;
}

/* Stable sort of the errors this parse added, by line. */
static void sort_errors(struct dk_config_errors *errs, size_t first)
{
    for (size_t i = first + 1; i < errs->n; i++) {
        struct dk_config_error e = errs->v[i];
        size_t j = i;
        while (j > first && errs->v[j - 1].line > e.line) {
            errs->v[j] = errs->v[j - 1];
            j--;
        }
        errs->v[j] = e;
    }
}

int dk_config_parse_buffer(const char *name, const char *buf, size_t len,
                           enum dk_config_syntax syntax, struct dk_config **out,
                           struct dk_config_errors *errs)
{
    if (!out)
        return DK_EINVAL;
    *out = NULL;
    if ((!buf && len) || syntax < DK_CONFIG_AUTO || syntax > DK_CONFIG_INI)
        return DK_EINVAL;
    if (!buf)
        buf = "";
    if (!name)
        name = "config";

    struct dk_config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg)
        return DK_ENOMEM;
    struct dk__ctx ctx = {.cfg = cfg, .errs = errs, .name = name};
    size_t first = errs ? errs->n : 0;
    const char *slash = strrchr(name, '/');
    cfg->name = dk__pool_strndup(&cfg->pool, name, strlen(name));
    cfg->dir =
        slash ? dk__pool_strndup(&cfg->pool, name, slash == name ? 1 : (size_t)(slash - name)) : "";
    if (!cfg->name || !cfg->dir)
        goto nomem;
    ctx.name = cfg->name;
    cfg->syntax = syntax == DK_CONFIG_AUTO ? detect(buf, len) : syntax;
    cfg->root = dk__node_new(&ctx, NULL, dk__schema_root(), 0);
    if (!cfg->root)
        goto nomem;

    if (cfg->syntax == DK_CONFIG_INI)
        dk__parse_ini(&ctx, buf, len);
    else
        dk__parse_nested(&ctx, buf, len);
    if (!ctx.nomem)
        dk__finish(&ctx);
    if (ctx.nomem)
        goto nomem;
    if (errs)
        sort_errors(errs, first);
    if (ctx.nerr) {
        dk_config_free(cfg);
        return DK_EINVAL;
    }
    *out = cfg;
    return 0;

nomem:
    dk__error(&ctx, 0, "out of memory");
    dk_config_free(cfg);
    return DK_ENOMEM;
}

int dk_config_parse_file(const char *path, enum dk_config_syntax syntax, struct dk_config **out,
                         struct dk_config_errors *errs)
{
    if (!out || !path)
        return DK_EINVAL;
    *out = NULL;
    struct dk__ctx ctx = {.errs = errs, .name = path};
    FILE *f = fopen(path, "rb");
    if (!f) {
        dk__error(&ctx, 0, "cannot open: %s", strerror(errno));
        return DK_EINVAL;
    }
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    int rc = DK_EINVAL;
    if (!buf) {
        rc = DK_ENOMEM;
        goto out;
    }
    for (;;) {
        if (len == cap) {
            if (cap > DK_CONFIG_MAX_FILE) {
                dk__error(&ctx, 0, "larger than %d octets", DK_CONFIG_MAX_FILE);
                goto out;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = DK_ENOMEM;
                goto out;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        dk__error(&ctx, 0, "cannot read: %s", strerror(errno));
        goto out;
    }
    if (len > DK_CONFIG_MAX_FILE) {
        dk__error(&ctx, 0, "larger than %d octets", DK_CONFIG_MAX_FILE);
        goto out;
    }
    rc = dk_config_parse_buffer(path, buf, len, syntax, out, errs);
out:
    free(buf);
    fclose(f);
    return rc;
}
