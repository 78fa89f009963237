/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Latency percentiles and the JSON line of a phase. */
#include <math.h>
#include <stdlib.h>

#include "bench.h"

int bk_lat_add(struct bk_lat *l, uint32_t us)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        uint32_t *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = us;
    return 0;
}

void bk_lat_clear(struct bk_lat *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

uint32_t bk_lat_percentile(struct bk_lat *l, double p)
{
    if (l->n == 0 || !(p > 0))
        return 0;
    qsort(l->v, l->n, sizeof(*l->v), cmp_u32);
    /* Nearest rank: the smallest value with at least p% of them at or below it. */
    double rank = ceil(p / 100.0 * (double)l->n);
    size_t k = rank < 1 ? 0 : (size_t)rank - 1;
    if (k >= l->n)
        k = l->n - 1;
    return l->v[k];
}

void bk_result_print(const struct bk_conf *c, struct bk_result *r, FILE *f)
{
    double per_s = r->duration_s > 0 ? (double)r->done / r->duration_s : 0;
    double loss = r->offered ? 100.0 * (double)(r->offered - r->done) / (double)r->offered : 0;
    uint32_t p50 = bk_lat_percentile(&r->lat, 50), p99 = bk_lat_percentile(&r->lat, 99);
    uint32_t mx = bk_lat_percentile(&r->lat, 100);
    fprintf(f,
            "{\"phase\":\"%s\",\"clients\":%u,\"relayed\":%s,\"ia_na\":%s,\"ia_pd\":%s,"
            "\"null_server\":%s,\"rate\":%.0f,\"offered\":%llu,\"done\":%llu,"
            "\"done_per_s\":%.1f,\"loss_pct\":%.3f,\"lost\":%llu,\"failed\":%llu,"
            "\"wrong_assignment\":%llu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
            "\"duration_s\":%.3f,\"sent\":%llu,\"received\":%llu,\"unmatched\":%llu,"
            "\"retransmissions\":%llu,\"send_errors\":%llu",
            r->phase, (unsigned)c->clients, c->relayed ? "true" : "false",
            c->ia_na ? "true" : "false", c->ia_pd ? "true" : "false",
            c->null_server ? "true" : "false", r->rate, (unsigned long long)r->offered,
            (unsigned long long)r->done, per_s, loss, (unsigned long long)r->lost,
            (unsigned long long)r->failed, (unsigned long long)r->wrong, p50 / 1000.0, p99 / 1000.0,
            mx / 1000.0, r->duration_s, (unsigned long long)r->sent,
            (unsigned long long)r->received, (unsigned long long)r->unmatched,
            (unsigned long long)r->retransmissions, (unsigned long long)r->send_errors);
    if (r->all_served_s != 0)
        fprintf(f, ",\"all_served_s\":%.3f", r->all_served_s);
    fputs("}\n", f);
    fflush(f);
}
