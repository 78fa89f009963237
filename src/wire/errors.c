/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <dhcpkit/errors.h>

const char *dk_strerror(int err)
{
    switch (err) {
    case 0:
        return "ok";
#define DK_ERR_TEXT(name, value, text)                                                             \
    case name:                                                                                     \
        return text;
        DK_ERRORS(DK_ERR_TEXT)
#undef DK_ERR_TEXT
    }
    return "unknown error";
}

const char *dk_errname(int err)
{
    switch (err) {
    case 0:
        return "OK";
#define DK_ERR_NAME(name, value, text)                                                             \
    case name:                                                                                     \
        return #name;
        DK_ERRORS(DK_ERR_NAME)
#undef DK_ERR_NAME
    }
    return "DK_EUNKNOWN";
}
