/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_SANDBOX_H
#define DHCPKIT_SERVER_SANDBOX_H

#include <stddef.h>

/* Confines the calling engine (and the threads it starts later) to the
 * system calls of src/server/sandbox.c; any other traps, is logged and ends
 * the engine by SIGSYS. Returns 0, or -1 with a reason in err. */
int dk__sandbox_enter(char *err, size_t errlen);

#endif
