/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store-load: the CSV table alone, for bench/store-load.sh.
 *
 *   store-load FILE [ROUNDS]
 *
 * Opens FILE with dk_store_csv ROUNDS times (default 3), closing each
 * table, and prints the time of every open (wall clock and CPU), then looks up every key of the
 * table (found by dk_store_csv_foreach) and as many absent keys, and prints
 * the lookups per second and the process's peak resident memory (VmHWM).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long vm_kb(const char *what)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(what);
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, what, n) == 0 && line[n] == ':')
            kb = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

struct keys {
    uint8_t *buf;
    size_t len, cap;
    size_t *off;
    size_t n, ncap;
};

static int collect(void *ctx, const uint8_t *key, size_t keylen, const struct dk_assignment *a)
{
    (void)a;
    struct keys *k = ctx;
    if (k->len + keylen > k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 1 << 20;
        while (cap < k->len + keylen)
            cap *= 2;
        uint8_t *b = realloc(k->buf, cap);
        if (!b)
            return DK_ENOMEM;
        k->buf = b;
        k->cap = cap;
    }
    if (k->n + 1 >= k->ncap) {
        size_t cap = k->ncap ? k->ncap * 2 : 1024;
        size_t *o = realloc(k->off, cap * sizeof(*o));
        if (!o)
            return DK_ENOMEM;
        k->off = o;
        k->ncap = cap;
    }
    memcpy(k->buf + k->len, key, keylen);
    k->off[k->n++] = k->len;
    k->len += keylen;
    k->off[k->n] = k->len;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: store-load FILE [ROUNDS]\n");
        return 64;
    }
    int rounds = argc == 3 ? atoi(argv[2]) : 3;
    if (rounds < 1)
        rounds = 1;
    void *t = NULL;
    struct dk_store_stats st = {0};
    double best = 1e9, bestc = 1e9;
    for (int r = 0; r < rounds; r++) {
        struct dk_config_errors errs;
        dk_config_errors_init(&errs);
        struct dk_store_options opt = {0, NULL};
        double t0 = now(), c0 = cpu();
        int rc = dk_store_csv.open(argv[1], &opt, &t, &st, &errs);
        double dt = now() - t0, dc = cpu() - c0;
        if (rc) {
            dk_config_errors_print(&errs, stderr);
            return 1;
        }
        dk_config_errors_clear(&errs);
        printf("open %d: %.3f s (CPU %.3f s), %zu rows, VmHWM %ld kB\n", r + 1, dt, dc, st.rows,
               vm_kb("VmHWM"));
        if (dt < best)
            best = dt;
        if (dc < bestc)
            bestc = dc;
        if (r + 1 < rounds)
            dk_store_csv.close(t);
    }
    printf("open best: %.3f s, CPU %.3f s (rows %zu)\n", best, bestc, st.rows);
    printf("table resident: VmRSS %ld kB\n", vm_kb("VmRSS"));

    struct keys k = {0};
    if (dk_store_csv_foreach(t, collect, &k) != 0) {
        fprintf(stderr, "store-load: out of memory\n");
        return 1;
    }
    struct dk_assignment a;
    size_t found = 0;
    double t0 = now();
    for (size_t i = 0; i < k.n; i++)
        found += dk_store_csv.lookup(t, k.buf + k.off[i], k.off[i + 1] - k.off[i], &a) == 1;
    double dt = now() - t0;
    printf("lookup (present): %zu of %zu found, %.0f lookups/s\n", found, k.n,
           dt > 0 ? (double)k.n / dt : 0);
    /* Absent keys: the same keys of a kind no key has. */
    size_t absent = 0;
    t0 = now();
    for (size_t i = 0; i < k.n; i++) {
        size_t n = k.off[i + 1] - k.off[i];
        k.buf[k.off[i]] = 0x7f;
        absent += dk_store_csv.lookup(t, k.buf + k.off[i], n, &a) == 0;
    }
    dt = now() - t0;
    printf("lookup (absent): %zu of %zu absent, %.0f lookups/s\n", absent, k.n,
           dt > 0 ? (double)k.n / dt : 0);
    dk_store_csv.close(t);
    free(k.buf);
    free(k.off);
    return found == k.n ? 0 : 1;
}
