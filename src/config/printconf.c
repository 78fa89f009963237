/* SPDX-License-Identifier: GPL-3.0-or-later */
/* printconf: a tree back in the nested syntax, parseable to an equal tree. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Whether a value must be quoted to read back the same. */
static bool value_needs_quotes(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || dk__blank(s[0]) || dk__blank(s[n - 1]) || s[0] == '"' || s[0] == '=')
        return true;
    return strchr(s, '#') != NULL;
}

static bool arg_needs_quotes(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || dk__blank(s[0]) || dk__blank(s[n - 1]) || s[0] == '"' || s[n - 1] == '/')
        return true;
    return strpbrk(s, "#>\" \t") != NULL;
}

static void put_text(FILE *out, const char *s, bool quote)
{
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("    ", out);
}

/* A default is printed when asked for, or when the tree came from an INI
 * file and dhcpkit 0.x had another default than the nested syntax has. */
static bool printed(const struct dk_config *cfg, const struct dk_config_setting *s, unsigned flags)
{
    if (!s->is_default || (flags & DK_CONFIG_PRINT_DEFAULTS))
        return true;
    const struct dk_config_key_def *kd = s->def;
    if (cfg->syntax != DK_CONFIG_INI || !kd || !kd->def_ini)
        return false;
    return !kd->def_nested || strcmp(kd->def_ini, kd->def_nested) != 0;
}

static void print_settings(const struct dk_config *cfg, FILE *out,
                           const struct dk_config_section *s, int depth, unsigned flags)
{
    for (size_t i = 0; i < s->nsettings; i++) {
        const struct dk_config_setting *st = &s->settings[i];
        if (!printed(cfg, st, flags))
            continue;
        indent(out, depth);
        fprintf(out, "%s ", st->key);
        put_text(out, st->value.text, value_needs_quotes(st->value.text));
        fputc('\n', out);
    }
}

static bool has_body(const struct dk_config *cfg, const struct dk_config_section *s, unsigned flags)
{
    if (s->nchildren)
        return true;
    for (size_t i = 0; i < s->nsettings; i++)
        if (printed(cfg, &s->settings[i], flags))
            return true;
    return false;
}

static void print_section(const struct dk_config *cfg, FILE *out, const struct dk_config_section *s,
                          int depth, unsigned flags)
{
    indent(out, depth);
    fprintf(out, "<%s", s->type);
    if (s->has_arg) {
        fputc(' ', out);
        put_text(out, s->arg.text, arg_needs_quotes(s->arg.text));
    }
    if (!has_body(cfg, s, flags)) {
        fputs(" />\n", out);
        return;
    }
    fputs(">\n", out);
    print_settings(cfg, out, s, depth + 1, flags);
    for (size_t i = 0; i < s->nchildren; i++)
        print_section(cfg, out, s->children[i], depth + 1, flags);
    indent(out, depth);
    fprintf(out, "</%s>\n", s->type);
}

int dk_config_print(const struct dk_config *cfg, FILE *out, unsigned flags)
{
    const struct dk_config_section *root = dk_config_root(cfg);
    fputs("# dhcpkit configuration, read from ", out);
    for (const char *p = cfg->name; *p; p++)
        fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, out);
    fprintf(out, " (%s syntax)\n", cfg->syntax == DK_CONFIG_INI ? "INI" : "nested");
    print_settings(cfg, out, root, 0, flags);
    for (size_t i = 0; i < root->nchildren; i++) {
        fputc('\n', out);
        print_section(cfg, out, root->children[i], 0, flags);
    }
    return ferror(out) ? DK_ENOSPC : 0;
}
