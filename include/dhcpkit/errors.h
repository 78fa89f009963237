/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_ERRORS_H
#define DHCPKIT_ERRORS_H

/*
 * One error enum for the whole library. Functions return 0 on success or a
 * negative DK_E* value. The table below is the only place errors are listed.
 */
#define DK_ERRORS(X)                                                                               \
    X(DK_ETRUNC, -1, "truncated: length exceeds the octets left")                                  \
    X(DK_ELENGTH, -2, "bad length")                                                                \
    X(DK_EVALUE, -3, "value out of range")                                                         \
    X(DK_EDEPTH, -4, "nesting too deep")                                                           \
    X(DK_ENOMEM, -5, "out of memory")                                                              \
    X(DK_ENOSPC, -6, "output buffer too small")                                                    \
    X(DK_EDOMAIN, -7, "invalid domain name")                                                       \
    X(DK_EDUID, -8, "invalid DUID")                                                                \
    X(DK_ECONTAIN, -9, "option not allowed here")                                                  \
    X(DK_ECOUNT, -10, "option count out of bounds")                                                \
    X(DK_ETYPE, -11, "unexpected type")                                                            \
    X(DK_EINVAL, -12, "invalid argument")                                                          \
    X(DK_ETRAILING, -13, "trailing octets after the last field")

enum dk_err {
#define DK_ERR_ENUM(name, value, text) name = (value),
    DK_ERRORS(DK_ERR_ENUM)
#undef DK_ERR_ENUM
};

/* Returns a static, human-readable description of a DK_E* code (or "ok"). */
const char *dk_strerror(int err);

/* Returns the enum name ("DK_ETRUNC") of a DK_E* code, for JSON and logs. */
const char *dk_errname(int err);

#define DK_MUST_CHECK __attribute__((warn_unused_result))

#endif
