/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lookups per second in a static-sqlite database through the store
 * (src/store/sqlite.c), from THREADS threads at once, as the engine's
 * workers do: store-sqlite DB THREADS LOOKUPS-PER-THREAD. The ids looked up
 * are the database's own (up to 100 000, read first), so every lookup hits.
 * Prints "open: ROWS rows in S s" and "THREADS threads: N lookups/s, E errors".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include <dhcpkit/store.h>

#define MAX_IDS     100000
#define MAX_THREADS 64

struct key {
    uint8_t k[256];
    size_t n;
};

static struct key *keys;
static size_t nkeys;
static void *store;
static long per;

struct worker {
    pthread_t t;
    unsigned seed;
    long hits, errors;
};

static void *run(void *arg)
{
    struct worker *w = arg;
    for (long i = 0; i < per; i++) {
        const struct key *k = &keys[(size_t)rand_r(&w->seed) % nkeys];
        struct dk_assignment a;
        int rc = dk_store_sqlite.lookup(store, k->k, k->n, &a);
        if (rc == 1)
            w->hits++;
        else if (rc < 0)
            w->errors++;
    }
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s DB THREADS LOOKUPS-PER-THREAD\n", argv[0]);
        return 64;
    }
    int nt = atoi(argv[2]);
    per = atol(argv[3]);
    if (nt < 1 || nt > MAX_THREADS || per < 1)
        return 64;
    /* The ids, with a connection of our own (read-only). */
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT id FROM assignments LIMIT 100000", -1, &st, NULL) !=
            SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    keys = calloc(MAX_IDS, sizeof(*keys));
    while (keys && nkeys < MAX_IDS && sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0), *why;
        size_t n = dk_store_parse_id(id, strlen(id), keys[nkeys].k, sizeof(keys[nkeys].k), &why);
        if (n)
            keys[nkeys++].n = n;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (!nkeys) {
        fprintf(stderr, "%s: no ids\n", argv[1]);
        return 1;
    }
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    struct dk_store_options opt = {0, NULL};
    struct dk_store_stats stats;
    double t0 = now();
    if (dk_store_sqlite.open(argv[1], &opt, &store, &stats, &errs)) {
        dk_config_errors_print(&errs, stderr);
        return 1;
    }
    printf("open: %zu rows in %.2f s\n", stats.rows, now() - t0);
    struct worker w[MAX_THREADS];
    memset(w, 0, sizeof(w));
    t0 = now();
    for (int i = 0; i < nt; i++) {
        w[i].seed = (unsigned)i + 1;
        pthread_create(&w[i].t, NULL, run, &w[i]);
    }
    long hits = 0, errors = 0;
    for (int i = 0; i < nt; i++) {
        pthread_join(w[i].t, NULL);
        hits += w[i].hits;
        errors += w[i].errors;
    }
    double d = now() - t0;
    printf("%d threads: %.0f lookups/s, %ld hits, %ld errors\n", nt, (double)nt * (double)per / d,
           hits, errors);
    dk_store_sqlite.close(store);
    dk_config_errors_clear(&errs);
    free(keys);
    return errors ? 1 : 0;
}
