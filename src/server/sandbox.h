/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_SANDBOX_H
#define DHCPKIT_SERVER_SANDBOX_H

#include <stddef.h>

/* Confines the calling engine (and the threads it starts later) to the
 * system calls of src/server/sandbox.c; any other traps, is logged and ends
 * the engine by SIGSYS. Returns 0, or -1 with a reason in err. */
int dk__sandbox_enter(char *err, size_t errlen);

/* Valgrind (scripts/valgrind-check.sh): when its header is installed,
 * RUNNING_ON_VALGRIND tells the daemon that it runs under valgrind, which
 * then re-executes the engine by its path and lets valgrind's own system
 * calls through the filter (a third table in sandbox.c). Outside valgrind
 * RUNNING_ON_VALGRIND is 0 and nothing changes. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define DK_HAVE_VALGRIND 1
#endif
#endif

#endif
