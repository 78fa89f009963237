/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Prints the README's table of configuration sections and keys from the
 * schema itself, so that the table cannot drift from the code
 * (tests/docs/check-readme.py).
 */
#include <dhcpkit/config.h>
#include <stdio.h>
#include <string.h>
static const char *tname(const struct dk_config_type *t, char *b, size_t n)
{
    switch (t->vtype) {
    case DK_CFG_STRING:
        return "text";
    case DK_CFG_IFNAME:
        return t->words ? "interface name or `*`" : "interface name";
    case DK_CFG_PATH:
        return "file name";
    case DK_CFG_BOOL:
        return "yes/no";
    case DK_CFG_UINT:
        snprintf(b, n, "%s %llu–%llu", (t->check & DK_CFG_CHK_POW2) ? "power of two" : "number",
                 (unsigned long long)t->min, (unsigned long long)t->max);
        return b;
    case DK_CFG_TIME:
        snprintf(b, n, "time %llu–%llu s%s", (unsigned long long)t->min, (unsigned long long)t->max,
                 t->words ? " or INFINITY" : "");
        return b;
    case DK_CFG_DECIMAL:
        snprintf(b, n, "decimal %g–%g", t->dmin, t->dmax);
        return b;
    case DK_CFG_FACTOR:
        return "fraction 0–1 or NONE";
    case DK_CFG_BYTESIZE:
        return "size (kb/mb/gb)";
    case DK_CFG_IPV6:
        if (t->words)
            return "IPv6 unicast address, `all` or `auto`";
        if (t->check & DK_CFG_CHK_LINKLOCAL)
            return "IPv6 link-local address";
        if (t->check & DK_CFG_CHK_MULTICAST)
            return "IPv6 multicast address";
        if (t->check & DK_CFG_CHK_UNICAST)
            return "IPv6 unicast address";
        return "IPv6 address";
    case DK_CFG_PREFIX:
        return "IPv6 prefix";
    case DK_CFG_PREFIX4:
        return "IPv4 prefix";
    case DK_CFG_DOMAIN:
        return "domain name";
    case DK_CFG_HEX:
        snprintf(b, n, "hex, %llu–%llu octets", (unsigned long long)t->min,
                 (unsigned long long)t->max);
        return b;
    case DK_CFG_ENUM: {
        size_t u = 0;
        b[0] = 0;
        for (size_t i = 0; t->enums[i]; i++) {
            if (strchr(t->enums[i], '='))
                continue;
            u += snprintf(b + u, n - u, "%s`%s`", u ? ", " : "", t->enums[i]);
        }
        return b;
    }
    case DK_CFG_TIMESTAMP:
        return "YYYY-MM-DDTHH:MM:SSZ";
    case DK_CFG_CODE_HEX:
        return "CODE HEX";
    }
    return "?";
}
int main(void)
{
    size_t n;
    const struct dk_config_section_def *d = dk_config_schema(&n);
    printf("| section | argument | key | value | repeat | default (nested) | default (INI) "
           "|\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        char ab[256] = "—", tb[512];
        if (d[i].argkind != DK_CFG_ARG_NONE)
            snprintf(ab, sizeof ab, "%s%s", d[i].arg_name,
                     d[i].argkind == DK_CFG_ARG_OPTIONAL ? " (optional)" : "");
        const char *sec = d[i].name[0] ? d[i].name : "(top level)";
        char sb[128];
        snprintf(sb, sizeof sb, d[i].name[0] ? "`<%s>`" : "%s", sec);
        if (d[i].nkeys == 0) {
            printf("| %s | %s | %s | | | | |\n", sb, ab,
                   (d[i].flags & DK_CFG_FREE_KEYS) ? "any key" : "—");
            continue;
        }
        for (size_t k = 0; k < d[i].nkeys; k++) {
            const struct dk_config_key_def *kd = &d[i].keys[k];
            const char *dn = kd->def_nested ? kd->def_nested : "—";
            const char *di = kd->def_ini ? kd->def_ini : (kd->def_nested ? "same" : "—");
            printf("| %s | %s | `%s` | %s | %s | %s | %s |\n", k ? "" : sb, k ? "" : ab, kd->name,
                   tname(&kd->type, tb, sizeof tb), (kd->flags & DK_CFG_MULTI) ? "yes" : "",
                   (kd->flags & DK_CFG_REQUIRED) ? "**required**"
                   : (kd->flags & DK_CFG_ONE_OF) ? "one of these needed"
                                                 : dn,
                   di);
        }
    }
}
