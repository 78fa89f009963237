/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_OPTIONS_H
#define DHCPKIT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/wire.h>

/*
 * Options are described by data: each known option has a definition listing
 * its fields in wire order. One generic decoder, encoder, validator and
 * renderer walk these definitions, so adding an option is adding a row.
 *
 * All fields but the last have a size fixed by the wire format or by a
 * length octet inside the field (DK_F_VPREFIX6); the last may be "the rest
 * of the option" (lists, strings, sub-options, an encapsulated message).
 */
enum dk_field_kind {
    DK_F_U8 = 1,
    DK_F_U16,
    DK_F_U32,
    DK_F_IPV4,          /* 4 octets */
    DK_F_IPV6,          /* 16 octets */
    DK_F_BYTES_FIXED,   /* exactly `size` octets */
    DK_F_PREFIX4,       /* prefix-length octet (0..32), then 4 octets */
    DK_F_PREFIX6,       /* prefix-length octet (0..128), then 16 octets */
    DK_F_VPREFIX6,      /* prefix-length octet (0..128), then ceil(len/8) octets (RFC 7598 §4.1) */
    /* Rest-of-option kinds: */
    DK_F_BYTES,    /* opaque octets */
    DK_F_STRING,   /* text, not NUL-terminated */
    DK_F_DUID,     /* RFC 8415 §11 */
    DK_F_U16_LIST, /* option codes */
    DK_F_IPV6_LIST,
    DK_F_DOMAIN,       /* exactly one RFC 1035 name */
    DK_F_DOMAIN_LIST,  /* RFC 8415 §10: a list of RFC 1035 names */
    DK_F_FQDN,         /* RFC 4704 §4.2: one name, possibly partial (no root label) or empty */
    DK_F_DATA_LIST,    /* 16-bit length + data items (RFC 8415 §21.15, §21.16) */
    DK_F_RADIUS_ATTRS, /* RFC 7037: RADIUS type, length, value attributes */
    DK_F_OPTIONS,      /* DHCPv6 options, decoded as children */
    DK_F_SUBOPTS,      /* sub-options of another space (`size` = enum dk_space) */
    DK_F_MESSAGE,      /* one whole DHCPv6 message */
    /* Fixed-size kinds added later (appended to keep the values above): */
    DK_F_PSID, /* 16 bits whose leftmost k bits are the PSID, k being the previous U8 field
                  (RFC 7598 §4.5); the value holds all 16 bits as sent, the JSON the PSID */
};

/* Option spaces: the DHCPv6 space, and the sub-option spaces we decode. */
enum dk_space {
    DK_SPACE_DHCPV6 = 0,
    DK_SPACE_VENDOR = 1, /* RFC 8415 §21.17: enterprise-specific codes */
    DK_SPACE_NTP = 2,    /* RFC 5908 §4 */
};

#define DK_MAX_FIELDS 6

struct dk_field_def {
    const char *name; /* JSON key, the original dhcpkit's parameter name */
    uint8_t kind;     /* enum dk_field_kind */
    uint8_t size;     /* DK_F_BYTES_FIXED length, DK_F_SUBOPTS space */
};

struct dk_optdef {
    uint16_t code;
    uint8_t space; /* enum dk_space */
    uint8_t nfields;
    const char *name; /* IANA registry name */
    const char *rfc;  /* where the format is defined, for error texts */
    struct dk_field_def f[DK_MAX_FIELDS];
};

/* The definition of `code` in `space`, or NULL for an unknown option. */
const struct dk_optdef *dk_optdef_find(unsigned space, unsigned code);

/* Iterates over every definition; *i starts at 0. NULL at the end. */
const struct dk_optdef *dk_optdef_next(size_t *i);

#endif
