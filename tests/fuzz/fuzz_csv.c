/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the CSV assignment loader (src/store/csv.c) through its ops
 * table, on a file. Input: one octet for max-bad-rows (0-3, or 255 when its
 * top bit is set), then the file's contents, written to a memfd and opened
 * by its /proc/self/fd path.
 *
 * Checks: a refused file gives no store, a negative error and at least one
 * error message; an accepted one gives a store whose row count matches the
 * rows its walk sees, where every row's key looks up to exactly that row's
 * assignment (ids are unique), prefixes are at most 128 bits, and the
 * tolerated bad rows are counted within the budget.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

#include "fuzz.h"

static int fd = -1;
static char path[64];

struct walk {
    const void *store;
    size_t rows;
};

static int check_row(void *ctx, const uint8_t *key, size_t keylen, const struct dk_assignment *a)
{
    struct walk *w = ctx;
    struct dk_assignment found;
    FUZZ_CHECK(keylen >= 1 && keylen <= DK_STORE_MAX_KEY);
    FUZZ_CHECK(key[0] >= DK_STORE_DUID && key[0] <= DK_STORE_LINKLAYER_ID);
    /* (A row may assign neither: "id,," is a client known to get nothing.) */
    FUZZ_CHECK(!a->has_prefix || a->prefix_len <= 128);
    FUZZ_CHECK(dk_store_csv.lookup(w->store, key, keylen, &found) == 1);
    FUZZ_CHECK(found.has_address == a->has_address && found.has_prefix == a->has_prefix);
    FUZZ_CHECK(!a->has_address || memcmp(found.address, a->address, 16) == 0);
    FUZZ_CHECK(!a->has_prefix ||
               (found.prefix_len == a->prefix_len && memcmp(found.prefix, a->prefix, 16) == 0));
    w->rows++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        fd = memfd_create("fuzz.csv", 0);
        FUZZ_CHECK(fd >= 0);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (size < 1)
        return 0;
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    FUZZ_CHECK(pwrite(fd, data + 1, size - 1, 0) == (ssize_t)(size - 1));

    struct dk_config_errors errs, skipped;
    dk_config_errors_init(&errs);
    dk_config_errors_init(&skipped);
    struct dk_store_options opt = {
        .max_bad_rows = (data[0] & 0x80) ? 255u : (unsigned)(data[0] & 3),
        .skipped = &skipped,
    };
    struct dk_store_stats stats = {0, 0};
    void *store = (void *)1;
    int rc = dk_store_csv.open(path, &opt, &store, &stats, &errs);
    if (rc) {
        FUZZ_CHECK(rc < 0 && store == NULL);
        FUZZ_CHECK(errs.n + errs.dropped > 0);
    } else {
        FUZZ_CHECK(store != NULL);
        FUZZ_CHECK(errs.n == 0);
        FUZZ_CHECK(stats.bad_rows <= opt.max_bad_rows);
        FUZZ_CHECK(skipped.n + skipped.dropped == stats.bad_rows);
        struct walk w = {store, 0};
        FUZZ_CHECK(dk_store_csv_foreach(store, check_row, &w) == 0);
        FUZZ_CHECK(w.rows == stats.rows);
        /* A key no row can have. */
        struct dk_assignment none;
        const uint8_t odd[] = {0};
        FUZZ_CHECK(dk_store_csv.lookup(store, odd, sizeof(odd), &none) == 0);
        dk_store_csv.close(store);
    }
    for (size_t i = 0; i < errs.n; i++)
        FUZZ_CHECK(errs.v[i].message && errs.v[i].message[0]);
    dk_config_errors_clear(&errs);
    dk_config_errors_clear(&skipped);
    return 0;
}
