/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store-lookup: how long a store takes to open and how many lookups per
 * second it answers, with THREADS threads (default 1) looking up random ids
 * of the form bench/static-lmdb.sh writes (duid:00030001 + 12 hex digits,
 * 0 .. ROWS-1). Every lookup must hit.
 *
 *   store-lookup csv|lmdb FILE ROWS [LOOKUPS [THREADS]]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dhcpkit/config.h>
#include <dhcpkit/store.h>

struct job {
    pthread_t t;
    const struct dk_store_ops *ops;
    void *store;
    unsigned long rows, lookups, hits, seed;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
    struct job *j = arg;
    /* Keys made before the clock starts: 4096 random ids, reused. */
    static const size_t nkeys = 4096;
    uint8_t(*keys)[16] = malloc(nkeys * sizeof(*keys));
    if (!keys)
        return NULL;
    unsigned long x = j->seed;
    for (size_t i = 0; i < nkeys; i++) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        unsigned long id = (x >> 17) % j->rows;
        keys[i][0] = DK_STORE_DUID;
        const uint8_t hdr[4] = {0, 3, 0, 1};
        memcpy(keys[i] + 1, hdr, 4);
        for (int b = 0; b < 6; b++)
            keys[i][5 + b] = (uint8_t)(id >> (8 * (5 - b)));
    }
    for (unsigned long i = 0; i < j->lookups; i++) {
        struct dk_assignment a;
        j->hits += j->ops->lookup(j->store, keys[i % nkeys], 11, &a) == 1;
    }
    free(keys);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: store-lookup csv|lmdb FILE ROWS [LOOKUPS [THREADS]]\n");
        return 64;
    }
    const struct dk_store_ops *ops = strcmp(argv[1], "csv") == 0 ? &dk_store_csv : &dk_store_lmdb;
    unsigned long rows = strtoul(argv[3], NULL, 10);
    unsigned long lookups = argc > 4 ? strtoul(argv[4], NULL, 10) : 1000000;
    int threads = argc > 5 ? atoi(argv[5]) : 1;
    if (rows == 0 || threads < 1 || threads > 64)
        return 64;
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    struct dk_store_options opt = {0, NULL};
    struct dk_store_stats st = {0};
    void *store;
    double t0 = now();
    if (ops->open(argv[2], &opt, &store, &st, &errs) != 0) {
        dk_config_errors_print(&errs, stderr);
        return 1;
    }
    double t1 = now();
    struct job *jobs = calloc((size_t)threads, sizeof(*jobs));
    if (!jobs)
        return 1;
    double t2 = now();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){.ops = ops,
                               .store = store,
                               .rows = rows,
                               .lookups = lookups / (unsigned long)threads,
                               .seed = 7u + (unsigned)i};
        pthread_create(&jobs[i].t, NULL, run, &jobs[i]);
    }
    unsigned long hits = 0, done = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(jobs[i].t, NULL);
        hits += jobs[i].hits;
        done += jobs[i].lookups;
    }
    double t3 = now();
    printf("%s: open %.3f s (%zu rows); %lu lookups, %d thread(s): %.0f/s; %lu hits\n", ops->name,
           t1 - t0, st.rows, done, threads, (double)done / (t3 - t2), hits);
    ops->close(store);
    free(jobs);
    return hits == done ? 0 : 1;
}
