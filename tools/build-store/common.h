/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What ipv6-dhcp-build-sqlite and ipv6-dhcp-build-lmdb share: the command
 * line, loading and checking the CSV export (every bad row reported as
 * file:line), the CSV's modification time, the 30% delete guard and the
 * exit codes of the original's ipv6-dhcp-build-sqlite.
 */
#ifndef DHCPKIT_BUILD_STORE_COMMON_H
#define DHCPKIT_BUILD_STORE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/store.h>

enum build_exit {
    BUILD_OK = 0,      /* built, or nothing to do (same CSV mtime) */
    BUILD_ERROR = 1,   /* bad CSV, older CSV, I/O: nothing changed */
    BUILD_REFUSED = 2, /* would delete more than BUILD_MAX_REMOVED_PERCENT without -f: nothing changed */
    BUILD_USAGE = 64,
};

/* A rebuild may remove at most this share of the old rows without -f. */
#define BUILD_MAX_REMOVED_PERCENT 30

struct build_args {
    const char *prog;
    const char *csv, *db;
    bool force, verbose;
    unsigned max_bad_rows;
};

/* Parses "[-f] [-v] [--max-bad-rows N] CSV DB". Returns -1 to go on, or the
 * exit code (usage errors print the usage to stderr; --help to stdout). */
int build_parse_args(int argc, char **argv, const char *what, struct build_args *a);

struct build_csv {
    void *table;      /* a dk_store_csv table; build_csv_free releases it */
    size_t rows;      /* rows loaded */
    int64_t mtime_ns; /* the CSV's modification time, ns since the epoch */
};

/* Loads and checks the CSV of a. Prints every bad row as "file:line: reason"
 * on stderr. Returns BUILD_OK or BUILD_ERROR. */
int build_csv_load(const struct build_args *a, struct build_csv *out);
void build_csv_free(struct build_csv *c);

/* Whether removing `removed` of `old_rows` rows is allowed: always with
 * force, else when at most BUILD_MAX_REMOVED_PERCENT percent. */
bool build_removal_allowed(size_t old_rows, size_t removed, bool force);

/* "prog: message" on stderr. */
void build_err(const struct build_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same on stdout, with -v only. */
void build_info(const struct build_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
