/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dhcpkit/config.h>
#include <dhcpkit/errors.h>

#include "common.h"

static void usage(FILE *to, const char *prog, const char *what)
{
    fprintf(to,
            "usage: %s [-f] [-v] [--max-bad-rows N] CSV DB\n"
            "Builds or updates the %s of static assignments DB from the CSV export CSV.\n"
            "  -f, --force         delete more than %d%% of the rows if the CSV says so\n"
            "  -v, --verbose       say what was done\n"
            "  --max-bad-rows N    skip up to N bad rows instead of refusing the CSV\n"
            "Exit: 0 done (or nothing to do), 1 error, 2 refused to delete rows, 64 usage.\n"
            "Nothing changes in DB unless the exit is 0.\n",
            prog, what, BUILD_MAX_REMOVED_PERCENT);
}

int build_parse_args(int argc, char **argv, const char *what, struct build_args *a)
{
    static const struct option longopts[] = {
        {"force", no_argument, NULL, 'f'},
        {"verbose", no_argument, NULL, 'v'},
        {"max-bad-rows", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *slash = strrchr(argv[0], '/');
    memset(a, 0, sizeof(*a));
    a->prog = slash ? slash + 1 : argv[0];
    int c;
    while ((c = getopt_long(argc, argv, "fvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            a->force = true;
            break;
        case 'v':
            a->verbose = true;
            break;
        case 'm': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || v > 1000000000ul) {
                fprintf(stderr, "%s: --max-bad-rows: not a number: %s\n", a->prog, optarg);
                return BUILD_USAGE;
            }
            a->max_bad_rows = (unsigned)v;
            break;
        }
        case 'h':
            usage(stdout, a->prog, what);
            return BUILD_OK;
        default:
            usage(stderr, a->prog, what);
            return BUILD_USAGE;
        }
    }
    if (argc - optind != 2) {
        usage(stderr, a->prog, what);
        return BUILD_USAGE;
    }
    a->csv = argv[optind];
    a->db = argv[optind + 1];
    return -1;
}

int build_csv_load(const struct build_args *a, struct build_csv *out)
{
    memset(out, 0, sizeof(*out));
    struct stat st;
    if (stat(a->csv, &st) != 0) {
        build_err(a, "%s: cannot open: %m", a->csv);
        return BUILD_ERROR;
    }
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    struct dk_config_errors errs, skipped;
    dk_config_errors_init(&errs);
    dk_config_errors_init(&skipped);
    struct dk_store_options opt = {a->max_bad_rows, &skipped};
    struct dk_store_stats stats = {0};
    int rc = dk_store_csv.open(a->csv, &opt, &out->table, &stats, &errs);
    for (size_t i = 0; i < skipped.n; i++) {
        char line[600];
        dk_config_error_format(&skipped.v[i], line, sizeof(line));
        fprintf(stderr, "%s (row skipped, --max-bad-rows %u)\n", line, a->max_bad_rows);
    }
    dk_config_errors_print(&errs, stderr);
    dk_config_errors_clear(&errs);
    dk_config_errors_clear(&skipped);
    if (rc) {
        if (rc != DK_EINVAL)
            build_err(a, "%s: %s", a->csv, dk_strerror(rc));
        build_err(a, "%s refused, %s not changed", a->csv, a->db);
        return BUILD_ERROR;
    }
    out->rows = stats.rows;
    build_info(a, "%s: %zu rows, %zu bad rows skipped", a->csv, stats.rows, stats.bad_rows);
    return BUILD_OK;
}

void build_csv_free(struct build_csv *c)
{
    dk_store_csv.close(c->table);
    c->table = NULL;
}

bool build_removal_allowed(size_t old_rows, size_t removed, bool force)
{
    return force || removed * 100 <= old_rows * BUILD_MAX_REMOVED_PERCENT;
}

void build_err(const struct build_args *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", a->prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void build_info(const struct build_args *a, const char *fmt, ...)
{
    if (!a->verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", a->prog);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}
