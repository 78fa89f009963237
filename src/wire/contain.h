/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_WIRE_CONTAIN_H
#define DHCPKIT_WIRE_CONTAIN_H

/*
 * Containment rules as data (contain.c), checked by validate.c. Internal to
 * libdhcpkit: the public entry point is dk_msg_validate() in validate.h.
 */
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/message.h>

/* What a row's container is. */
enum dk__in {
    DK__IN_MSG = 1, /* a message type: the message's own options */
    DK__IN_OPT = 2, /* an option code (DHCPv6 space): the option's encapsulated options */
};

/* What a row counts. */
enum dk__what {
    DK__ONE = 0,   /* the option `code` of `space` */
    DK__OTHER = 1, /* any known option without a row of its own; min/max are not used */
    DK__TOTAL = 2, /* every encapsulated option, known or not */
};

/* No upper bound. */
#define DK__MANY 0xff

/*
 * One rule: inside `container`, option `code` of `space` appears at least min
 * and at most max times. A container with at least one row is closed: a known
 * option without a row (and no DK__OTHER row) is not allowed in it. A
 * container without rows (RSOO, vendor options, unknown messages) is open.
 * Unknown options (no definition) are allowed anywhere. The table is sorted
 * by (in, container), so the rows of one container are contiguous.
 */
struct dk__contain {
    uint8_t in;    /* enum dk__in */
    uint8_t what;  /* enum dk__what */
    uint8_t space; /* enum dk_space of code */
    uint8_t min, max;
    uint16_t container;
    uint16_t code;
};

extern const struct dk__contain dk__contain_rows[];
/* The most rows one container has, and the validator's limit: no two DK__ONE
 * rows of a container name the same option (tests/unit/wire checks both). */
#define DK__CONTAIN_MAX_ROWS 255
extern const size_t dk__contain_nrows;

/*
 * Which message types an option may encapsulate. outer is the type of the
 * message holding the option, or 0 for any; relay_data is 1 for a row that
 * applies inside an OPTION_LQ_RELAY_DATA (RFC 5007 §4.1.2.4), 0 outside.
 * Bit t of types allows message type t; types we do not know (outside
 * 1..DK_MSG_MAX_KNOWN) are allowed.
 */
struct dk__msg_in {
    uint16_t code;
    uint8_t outer;
    uint8_t relay_data;
    uint32_t types;
};

extern const struct dk__msg_in dk__msg_in_rows[];
extern const size_t dk__msg_in_nrows;

/*
 * Checks what encapsulated options and messages hold, below opts[0..n)
 * whose own container is not known (a run of options, as in a fragment):
 * the run itself is treated as an open container. Same diag as
 * dk_msg_validate(). Used by the tests.
 */
DK_MUST_CHECK int dk__opts_validate(const struct dk_opt *opts, size_t n, struct dk_diag *diag);

#endif
