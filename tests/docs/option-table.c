/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Prints the README's option table from the option definitions themselves,
 * so that the table cannot drift from the code (tests/docs/check-readme.py).
 */
#include <stdio.h>

#include <dhcpkit/options.h>

static const char *kind_text(int kind)
{
    switch (kind) {
    case DK_F_U8:
        return "number (8-bit)";
    case DK_F_U16:
        return "number (16-bit)";
    case DK_F_U32:
        return "number (32-bit)";
    case DK_F_PSID:
        return "number (the leftmost `psid_len` bits of 16)";
    case DK_F_IPV4:
        return "IPv4 address";
    case DK_F_IPV6:
        return "IPv6 address";
    case DK_F_PREFIX4:
        return "IPv4 prefix";
    case DK_F_PREFIX6:
    case DK_F_VPREFIX6:
        return "IPv6 prefix";
    case DK_F_BYTES:
    case DK_F_BYTES_FIXED:
        return "hex";
    case DK_F_STRING:
        return "string";
    case DK_F_DUID:
        return "DUID object";
    case DK_F_U16_LIST:
        return "[option codes]";
    case DK_F_IPV6_LIST:
        return "[IPv6 addresses]";
    case DK_F_DOMAIN:
        return "domain name";
    case DK_F_DOMAIN_LIST:
        return "[domain names]";
    case DK_F_FQDN:
        return "domain name (a partial name has no trailing dot)";
    case DK_F_DATA_LIST:
        return "[hex]";
    case DK_F_RADIUS_ATTRS:
        return "[{`type`, `value`}]";
    case DK_F_OPTIONS:
        return "[options]";
    case DK_F_SUBOPTS:
        return "[sub-options]";
    case DK_F_MESSAGE:
        return "message";
    }
    return "?";
}

int main(void)
{
    size_t i = 0;
    const struct dk_optdef *d;
    printf("| code | name | defined in | fields (JSON key and form) |\n");
    printf("|---|---|---|---|\n");
    while ((d = dk_optdef_next(&i))) {
        printf("| %u | %s%s | %s | ", d->code, d->space == DK_SPACE_NTP ? "NTP sub-option " : "",
               d->name, d->rfc);
        for (int f = 0; f < d->nfields; f++)
            printf("%s`%s` %s", f ? ", " : "", d->f[f].name, kind_text(d->f[f].kind));
        printf("%s |\n", d->nfields ? "" : "(none)");
    }
    return 0;
}
