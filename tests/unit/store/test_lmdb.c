/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The LMDB store (src/store/lmdb.c): every id form, files that are not ours
 * refused, a replaced file picked up after the check interval without
 * reopening (and a broken replacement refused while the old file serves),
 * and lookups from several threads while the file is replaced again and
 * again (run under ASan too: a file closed too early is a crash there).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_test.h"
#include <lmdb.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

#include "lmdb_format.h"
#include "lmdb_testfile.h"

static char dir[64], path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/dk-test-lmdb-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/assign.lmdb", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void *open_ok(const char *file, struct dk_store_stats *st)
{
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    struct dk_store_options opt = {0, NULL};
    void *s = NULL;
    int rc = dk_store_lmdb.open(file, &opt, &s, st, &errs);
    if (rc)
        dk_config_errors_print(&errs, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(errs.n, 0);
    dk_config_errors_clear(&errs);
    return s;
}

static int lookup_id(void *s, const char *id, struct dk_assignment *a)
{
    return store_lookup(&dk_store_lmdb, s, id, a);
}


static const struct trow forms[] = {
    {"duid:000200009D1049507636546573740001", "2001:db8::1", "2001:db8:1::/48"},
    {"interface-id:46:61:31:2f:39:2f:33:33", "2001:db8::1003", NULL},
    {"interface-id-str:Fa1/9/35", "2001:db8::1005", "2001:db8:1005::/48"},
    {"remote-id:40208:437573746f6d657231", "2001:db8::2001", "2001:db8:2001::/48"},
    {"remote-id-str:40208:Customer5", NULL, "2001:db8:2005::/56"},
    {"subscriber-id:0A0b0C", "2001:db8::3001", NULL},
    {"subscriber-id-str:sub 1", "2001:db8::3002", NULL},
    {"linklayer-id:1:00:24:36:ef:1d:89", "2001:db8::4001", NULL},
    {"linklayer-id-str:1:abcdef", "2001:db8::4002", "2001:db8:4002::/64"},
};
#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static void test_id_forms(void **state)
{
    (void)state;
    build(path, forms, NFORMS);
    assert_int_equal(dk_store_lmdb_probe(path), 1);
    struct dk_store_stats st = {0};
    void *s = open_ok(path, &st);
    assert_int_equal(st.rows, NFORMS);
    assert_int_equal(st.bad_rows, 0);
    struct dk_assignment a;
    /* Every row by the form it was written in. */
    for (size_t i = 0; i < NFORMS; i++) {
        assert_int_equal(lookup_id(s, forms[i].id, &a), 1);
        struct dk_assignment want;
        uint8_t key[512];
        size_t keylen;
        parse_row(&forms[i], key, &keylen, &want);
        assert_int_equal(a.has_address, want.has_address);
        assert_int_equal(a.has_prefix, want.has_prefix);
        if (want.has_address)
            assert_memory_equal(a.address, want.address, 16);
        if (want.has_prefix) {
            assert_memory_equal(a.prefix, want.prefix, 16);
            assert_int_equal(a.prefix_len, want.prefix_len);
        }
    }
    /* And by the other form of the same key: -str and hex, case, colons. */
    assert_int_equal(lookup_id(s, "duid:00:02:00:00:9d:10:49:50:76:36:54:65:73:74:00:01", &a), 1);
    assert_a(&a, "2001:db8::1", "2001:db8:1::", 48);
    assert_int_equal(lookup_id(s, "interface-id-str:Fa1/9/33", &a), 1);
    assert_a(&a, "2001:db8::1003", NULL, 0);
    assert_int_equal(lookup_id(s, "interface-id:4661312f392f3335", &a), 1);
    assert_a(&a, "2001:db8::1005", "2001:db8:1005::", 48);
    assert_int_equal(lookup_id(s, "remote-id-str:40208:Customer1", &a), 1);
    assert_a(&a, "2001:db8::2001", "2001:db8:2001::", 48);
    assert_int_equal(lookup_id(s, "remote-id:40208:437573746f6d657235", &a), 1);
    assert_a(&a, NULL, "2001:db8:2005::", 56);
    assert_int_equal(lookup_id(s, "subscriber-id:0a:0b:0c", &a), 1);
    assert_a(&a, "2001:db8::3001", NULL, 0);
    assert_int_equal(lookup_id(s, "subscriber-id:7375622031", &a), 1);
    assert_a(&a, "2001:db8::3002", NULL, 0);
    assert_int_equal(lookup_id(s, "linklayer-id:1:616263646566", &a), 1);
    assert_a(&a, "2001:db8::4002", "2001:db8:4002::", 64);
    assert_int_equal(lookup_id(s, "linklayer-id:1:0024:36EF:1D89", &a), 1);
    assert_a(&a, "2001:db8::4001", NULL, 0);
    /* Absent: another enterprise number, another link-layer type, another
     * kind with the same octets. */
    assert_int_equal(lookup_id(s, "remote-id-str:40209:Customer5", &a), 0);
    assert_int_equal(lookup_id(s, "linklayer-id-str:6:abcdef", &a), 0);
    assert_int_equal(lookup_id(s, "subscriber-id-str:Fa1/9/35", &a), 0);
    assert_int_equal(lookup_id(s, "duid:0001", &a), 0);
    /* A key longer than LMDB's keys cannot be in the file. */
    uint8_t big[1000];
    memset(big, 7, sizeof(big));
    big[0] = DK_STORE_DUID;
    assert_int_equal(dk_store_lmdb.lookup(s, big, sizeof(big), &a), 0);
    dk_store_lmdb.close(s);
    dk_store_lmdb.close(NULL);
}

/* Whether the list holds an error for file (line 0) containing part. */
static bool has_error(const struct dk_config_errors *e, const char *file, const char *part)
{
    for (size_t i = 0; i < e->n; i++) {
        char buf[512], want[200];
        dk_config_error_format(&e->v[i], buf, sizeof(buf));
        snprintf(want, sizeof(want), "%s: ", file);
        if (strncmp(buf, want, strlen(want)) == 0 && strstr(buf, part))
            return true;
    }
    return false;
}

/* Opening file fails with an error containing part. */
static void assert_refused(const char *file, const char *part)
{
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    struct dk_store_options opt = {0, NULL};
    void *s = (void *)1;
    assert_int_equal(dk_store_lmdb.open(file, &opt, &s, NULL, &errs), DK_EINVAL);
    assert_null(s);
    if (!has_error(&errs, file, part))
        dk_config_errors_print(&errs, stderr);
    assert_true(has_error(&errs, file, part));
    dk_config_errors_clear(&errs);
}

static void test_not_lmdb(void **state)
{
    (void)state;
    static const char not_ours[] = "not an LMDB file, rebuild it with ipv6-dhcp-build-lmdb";
    /* A CSV where the LMDB file should be. */
    write_text(path, "id,address,prefix\nduid:0001,2001:db8::1,\n");
    assert_int_equal(dk_store_lmdb_probe(path), 0);
    assert_refused(path, not_ours);
    /* Longer than LMDB's meta pages, still text. */
    char *text = malloc(20000);
    assert_non_null(text);
    memset(text, 'x', 19999);
    text[19999] = 0;
    write_text(path, text);
    free(text);
    assert_int_equal(dk_store_lmdb_probe(path), 0);
    assert_refused(path, not_ours);
    /* An empty file (LMDB would make it a new environment). */
    write_text(path, "");
    assert_int_equal(dk_store_lmdb_probe(path), 0);
    assert_refused(path, not_ours);
    /* LMDB, but not ours: no meta database; another format. */
    build_fmt(path, forms, NFORMS, 0);
    assert_int_equal(dk_store_lmdb_probe(path), 0);
    assert_refused(path, not_ours);
    build_fmt(path, forms, NFORMS, DK__LMDB_FORMAT + 1);
    assert_int_equal(dk_store_lmdb_probe(path), 0);
    assert_refused(path, "format 2");
    /* Ours, but cut short (a copy that did not finish): its last pages
     * would fault. */
    build(path, forms, NFORMS);
    FILE *fp = fopen(path, "r+");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long size = ftell(fp);
    fclose(fp);
    assert_true(size > 3 * 4096);
    assert_int_equal(truncate(path, size - 4096), 0);
    assert_int_equal(dk_store_lmdb_probe(path), 0);
    assert_refused(path, "truncated");
    /* A folder. */
    assert_int_equal(dk_store_lmdb_probe(dir), 0);
    assert_refused(dir, not_ours);
    /* Missing: cannot tell; open says why. */
    unlink(path);
    assert_int_equal(dk_store_lmdb_probe(path), DK_EINVAL);
    assert_refused(path, "cannot open");
    /* Ours again. */
    build(path, forms, 2);
    assert_int_equal(dk_store_lmdb_probe(path), 1);
}

/* What the store logs, counted. */
struct logbook {
    pthread_mutex_t lock;
    int picked, refused, other;
    char last[512];
};

static void log_fn(void *ctx, int level, const char *msg)
{
    (void)level;
    struct logbook *l = ctx;
    pthread_mutex_lock(&l->lock);
    if (strstr(msg, "replaced file picked up"))
        l->picked++;
    else if (strstr(msg, "replacement refused"))
        l->refused++;
    else
        l->other++;
    snprintf(l->last, sizeof(l->last), "%s", msg);
    pthread_mutex_unlock(&l->lock);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const struct trow v1[] = {
    {"interface-id-str:eth0", "2001:db8:1::100", "2001:db8:100::/56"},
    {"duid:00030001020304050607", "2001:db8:1::200", NULL},
};
static const struct trow v2[] = {
    {"interface-id-str:eth0", "2001:db8:1::100", "2001:db8:200::/56"},
    {"remote-id-str:3561:cust2", NULL, "2001:db8:202::/56"},
    {"duid:00030001020304050607", "2001:db8:1::201", NULL},
};
static const struct trow v3[] = {
    {"interface-id-str:eth0", "2001:db8:1::100", "2001:db8:300::/56"},
};

static void test_replaced_not_before_interval(void **state)
{
    (void)state;
    /* With a long interval, a replacement is not looked at: lookups stay on
     * the file they have, which stays valid though it is unlinked. */
    dk__store_lmdb_check_ms = 3600 * 1000;
    build(path, v1, 2);
    void *s = open_ok(path, NULL);
    build(path, v2, 3);
    struct dk_assignment a;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(lookup_id(s, "interface-id-str:eth0", &a), 1);
        assert_a(&a, "2001:db8:1::100", "2001:db8:100::", 56);
    }
    assert_int_equal(lookup_id(s, "remote-id-str:3561:cust2", &a), 0);
    dk_store_lmdb.close(s);
    dk__store_lmdb_check_ms = 1000;
}

static void test_replaced(void **state)
{
    (void)state;
    dk__store_lmdb_check_ms = 100;
    struct logbook lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    struct dk_log log = {log_fn, &lb};
    build(path, v1, 2);
    void *s = open_ok(path, NULL);
    dk_store_lmdb_set_log(s, &log);
    struct dk_assignment a;
    assert_int_equal(lookup_id(s, "interface-id-str:eth0", &a), 1);
    assert_a(&a, "2001:db8:1::100", "2001:db8:100::", 56);

    /* Replaced: picked up by the lookups after the interval, same store. */
    build(path, v2, 3);
    sleep_ms(250);
    assert_int_equal(lookup_id(s, "interface-id-str:eth0", &a), 1);
    assert_a(&a, "2001:db8:1::100", "2001:db8:200::", 56);
    assert_int_equal(lookup_id(s, "remote-id-str:3561:cust2", &a), 1);
    assert_a(&a, NULL, "2001:db8:202::", 56);
    assert_int_equal(lookup_id(s, "duid:00030001020304050607", &a), 1);
    assert_a(&a, "2001:db8:1::201", NULL, 0);
    assert_int_equal(lb.picked, 1);
    assert_non_null(strstr(lb.last, "3 assignments"));

    /* A broken replacement: refused, logged once, the old file serves. */
    write_text(path,
               "id,address,prefix\ninterface-id-str:eth0,2001:db8:1::100,2001:db8:666::/56\n");
    for (int i = 0; i < 4; i++) {
        sleep_ms(150);
        assert_int_equal(lookup_id(s, "interface-id-str:eth0", &a), 1);
        assert_a(&a, "2001:db8:1::100", "2001:db8:200::", 56);
    }
    assert_int_equal(lb.refused, 1);
    assert_non_null(strstr(lb.last, path));
    assert_non_null(strstr(lb.last, "not an LMDB file"));
    assert_non_null(strstr(lb.last, "keeps serving"));

    /* A file removed: the old one serves, logged once. */
    unlink(path);
    for (int i = 0; i < 3; i++) {
        sleep_ms(150);
        assert_int_equal(lookup_id(s, "remote-id-str:3561:cust2", &a), 1);
    }
    assert_int_equal(lb.other, 1);

    /* Then a good one again. */
    build(path, v3, 1);
    sleep_ms(250);
    assert_int_equal(lookup_id(s, "interface-id-str:eth0", &a), 1);
    assert_a(&a, "2001:db8:1::100", "2001:db8:300::", 56);
    assert_int_equal(lookup_id(s, "remote-id-str:3561:cust2", &a), 0);
    assert_int_equal(lb.picked, 2);
    dk_store_lmdb.close(s);
    dk__store_lmdb_check_ms = 1000;
}

/* ---- concurrency */

#define NTHREADS  4
#define NVARIANTS 3
#define CONC_ROWS 64

/* Variant v: row i is "duid:0003000100..i" -> 2001:db8:v::i, 2001:db8:v:i00::/56. */
static struct trow conc_rows[NVARIANTS][CONC_ROWS];
static char conc_text[NVARIANTS][CONC_ROWS][3][64];

static void conc_init(void)
{
    for (int v = 0; v < NVARIANTS; v++)
        for (int i = 0; i < CONC_ROWS; i++) {
            snprintf(conc_text[v][i][0], 64, "duid:000300010000000000%02x", i);
            snprintf(conc_text[v][i][1], 64, "2001:db8:%x::%x", v + 1, i + 1);
            snprintf(conc_text[v][i][2], 64, "2001:db8:%x:%x00::/56", v + 1, i + 1);
            conc_rows[v][i] =
                (struct trow){conc_text[v][i][0], conc_text[v][i][1], conc_text[v][i][2]};
        }
}

struct worker {
    pthread_t t;
    void *store;
    atomic_bool *stop;
    unsigned long lookups, bad;
    unsigned seen; /* bit v: variant v+1 seen */
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned i = 0;
    while (!atomic_load(w->stop)) {
        i = (i + 1) % CONC_ROWS;
        uint8_t key[64];
        const char *why;
        size_t n = dk_store_parse_id(conc_text[0][i][0], strlen(conc_text[0][i][0]), key,
                                     sizeof(key), &why);
        struct dk_assignment a;
        int rc = dk_store_lmdb.lookup(w->store, key, n, &a);
        w->lookups++;
        /* Address and prefix come from one and the same file. */
        unsigned v = (unsigned)a.address[5];
        if (rc != 1 || !a.has_address || !a.has_prefix || v < 1 || v > NVARIANTS ||
            a.prefix[5] != v || a.address[15] != i + 1 || a.prefix[6] != i + 1 ||
            a.prefix_len != 56) {
            w->bad++;
            continue;
        }
        w->seen |= 1u << (v - 1);
    }
    return NULL;
}

/* The descriptors this process has open on files named like path. */
static int open_fds_on(const char *file)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char link[300], target[300];
        snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
        ssize_t l = readlink(link, target, sizeof(target) - 1);
        if (l <= 0)
            continue;
        target[l] = 0;
        n += strncmp(target, file, strlen(file)) == 0;
    }
    closedir(d);
    return n;
}

static void test_concurrent_replace(void **state)
{
    (void)state;
    conc_init();
    dk__store_lmdb_check_ms = 1;
    build(path, conc_rows[0], CONC_ROWS);
    void *s = open_ok(path, NULL);
    atomic_bool stop = false;
    struct worker w[NTHREADS];
    memset(w, 0, sizeof(w));
    for (int i = 0; i < NTHREADS; i++) {
        w[i].store = s;
        w[i].stop = &stop;
        assert_int_equal(pthread_create(&w[i].t, NULL, worker_main, &w[i]), 0);
    }
    /* Replaced 60 times, a few ms apart, while they look up. */
    for (int r = 1; r <= 60; r++) {
        build(path, conc_rows[r % NVARIANTS], CONC_ROWS);
        sleep_ms(5 + r % 7);
    }
    sleep_ms(50);
    atomic_store(&stop, true);
    unsigned long lookups = 0, bad = 0;
    unsigned seen = 0;
    for (int i = 0; i < NTHREADS; i++) {
        assert_int_equal(pthread_join(w[i].t, NULL), 0);
        lookups += w[i].lookups;
        bad += w[i].bad;
        seen |= w[i].seen;
    }
    fprintf(stderr, "%d threads: %lu lookups during 60 replacements, %lu inconsistent\n", NTHREADS,
            lookups, bad);
    assert_int_equal(bad, 0);
    assert_true(lookups > 1000);
    /* Every variant was served: the replacements were picked up. */
    assert_int_equal(seen, (1u << NVARIANTS) - 1);
    /* The last file serves. */
    struct dk_assignment a;
    sleep_ms(20);
    assert_int_equal(lookup_id(s, conc_rows[0][3].id, &a), 1);
    assert_int_equal(a.address[5], 60 % NVARIANTS + 1);
    /* The retired files were closed, not kept: a few lookups later, at most
     * the current file and one still waiting are open. */
    for (int i = 0; i < 5; i++) {
        sleep_ms(5);
        assert_int_equal(lookup_id(s, conc_rows[0][3].id, &a), 1);
    }
    int fds = open_fds_on(path);
    assert_true(fds >= 1 && fds <= 2);
    dk_store_lmdb.close(s);
    assert_int_equal(open_fds_on(path), 0);
    dk__store_lmdb_check_ms = 1000;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_id_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_lmdb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced_not_before_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_replace, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
