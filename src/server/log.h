/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_LOG_H
#define DHCPKIT_SERVER_LOG_H

/*
 * Logging of the daemon. The privileged parent owns every destination
 * (standard error, files, syslog); the engine process sends its records to
 * the parent over a datagram socket and never blocks on it (a record that
 * does not fit is counted and dropped). Callers prefix messages with
 * "%s: ", __func__ and escape every string that came from the wire with
 * dk__escape() before logging it.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include <dhcpkit/config.h>

/* Levels, with the numbers of dhcpkit (Python logging). */
enum dk__level {
    DK_LOG_DEBUG_PACKETS = 5,
    DK_LOG_DEBUG_HANDLING = 7,
    DK_LOG_DEBUG = 10,
    DK_LOG_INFO = 20,
    DK_LOG_WARNING = 30,
    DK_LOG_ERROR = 40,
    DK_LOG_CRITICAL = 50,
    DK_LOG_OFF = 100,
};

/* The longest record, without the NUL. */
#define DK_LOG_MAX 1024

/* Starts logging to standard error at level (before the config is read). */
void dk__log_init(const char *ident, int stderr_level);

/* The level of -v given count times: 0 warning, 1 info, 2 debug,
 * 3 debug-handling, 4 or more debug-packets. */
int dk__log_verbosity_level(int count);

/* The level named by a config value ("warning", "debug-packets", ...). */
int dk__log_level_by_name(const char *name);

/*
 * Parent: sets the destinations from the <logging> section of root (NULL:
 * none), plus standard error at stderr_level (DK_LOG_OFF: only if the config
 * has a <console>). Without any destination, warnings go to standard error.
 * On an error (a file that cannot be opened, a syslog host that does not
 * resolve) the old destinations stay and a message is written to err;
 * returns -1. Otherwise 0.
 */
int dk__log_configure(const struct dk_config_section *root, int stderr_level, char *err,
                      size_t errlen);

/* Engine: sends every record of at least min_level to fd (a datagram socket
 * to the parent). Thread-safe. */
void dk__log_to_parent(int fd, int min_level);

/* Changes the lowest level that is logged (engine: after a reload). */
void dk__log_set_min(int min_level);

/* The lowest level any destination wants. */
int dk__log_min_level(void);

/* Whether a record of this level would go anywhere. Cheap; use it before
 * preparing expensive arguments. */
bool dk__log_enabled(int level);

/* Parent: one record received from the engine (buf need not be
 * NUL-terminated). Non-printable octets are escaped. */
void dk__log_from_engine(const char *buf, size_t len);

/* Records dropped because the parent did not keep up (engine). */
uint64_t dk__log_dropped(void);

void dk__log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dk__vlog(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* warn: appends ": " and strerror(errno); warnx: as given. */
void dk__log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dk__log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dk__log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dk__log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Logs at critical level and exits with status 1. Only for broken
 * invariants of our own and failures at start-up: nothing a peer sends may
 * lead here. */
noreturn void dk__fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void dk__fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Escapes n octets at p for a log line: printable ASCII except '\\' and '"'
 * as is, the rest as \xNN. Writes at most cap - 1 characters and a NUL
 * (cap > 0); a cut is marked with "...". Returns out.
 */
char *dk__escape(const void *p, size_t n, char *out, size_t cap);

#endif
