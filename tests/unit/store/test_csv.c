/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The CSV table (src/store/csv.c): delimiters, quoting, BOM, CRLF, every id
 * form, every kind of bad row reported with its line, max-bad-rows.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_test.h"

#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

static char path[64];

/* Writes text to a fresh temporary file and opens it; errs collects. */
static int load(const char *text, size_t len, unsigned max_bad, void **store,
                struct dk_config_errors *errs, struct dk_config_errors *skipped,
                struct dk_store_stats *st)
{
    snprintf(path, sizeof(path), "/tmp/dk-test-csv-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    dk_config_errors_init(errs);
    dk_config_errors_init(skipped);
    struct dk_store_options opt = {max_bad, skipped};
    int rc = dk_store_csv.open(path, &opt, store, st, errs);
    unlink(path);
    return rc;
}

static void *load_ok(const char *text)
{
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    int rc = load(text, strlen(text), 0, &s, &e, &k, &st);
    if (rc)
        dk_config_errors_print(&e, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(e.n, 0);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    return s;
}

/* Looks up a CSV id form; returns 1/0 and fills a. */
static int lookup_id(void *s, const char *id, struct dk_assignment *a)
{
    return store_lookup(&dk_store_csv, s, id, a);
}


/* Whether the list holds "file:line: " + reason (part). */
static bool has_error(const struct dk_config_errors *e, unsigned line, const char *part)
{
    for (size_t i = 0; i < e->n; i++) {
        char buf[512], want[128];
        dk_config_error_format(&e->v[i], buf, sizeof(buf));
        snprintf(want, sizeof(want), "%s:%u: ", path, line);
        if (strncmp(buf, want, strlen(want)) == 0 && strstr(buf, part))
            return true;
    }
    return false;
}

static void test_id_forms(void **state)
{
    (void)state;
    void *s = load_ok("id,address,prefix\n"
                      "duid:000200009D1049507636546573740001,2001:db8::1,2001:db8:1::/48\n"
                      "interface-id:46:61:31:2f:39:2f:33:33,2001:db8::1003,\n"
                      "interface-id-str:Fa1/9/35,2001:db8::1005,2001:db8:1005::/48\n"
                      "remote-id:40208:437573746f6d657231,2001:db8::2001,2001:db8:2001::/48\n"
                      "remote-id-str:40208:Customer5,,2001:db8:2005::/56\n"
                      "subscriber-id:0A0b0C,2001:db8::3001,\n"
                      "subscriber-id-str:sub 1,2001:db8::3002,\n"
                      "linklayer-id:1:00:24:36:ef:1d:89,2001:db8::4001,\n"
                      "linklayer-id-str:1:abcdef,2001:db8::4002,\n");
    struct dk_assignment a;
    assert_int_equal(lookup_id(s, "duid:00:02:00:00:9d:10:49:50:76:36:54:65:73:74:00:01", &a), 1);
    assert_a(&a, "2001:db8::1", "2001:db8:1::", 48);
    /* -str and hex forms are the same key. */
    assert_int_equal(lookup_id(s, "interface-id-str:Fa1/9/33", &a), 1);
    assert_a(&a, "2001:db8::1003", NULL, 0);
    assert_int_equal(lookup_id(s, "interface-id:4661312f392f3335", &a), 1);
    assert_a(&a, "2001:db8::1005", "2001:db8:1005::", 48);
    assert_int_equal(lookup_id(s, "remote-id-str:40208:Customer1", &a), 1);
    assert_a(&a, "2001:db8::2001", "2001:db8:2001::", 48);
    assert_int_equal(lookup_id(s, "remote-id:40208:437573746F6D657235", &a), 1);
    assert_a(&a, NULL, "2001:db8:2005::", 56);
    /* The enterprise number is part of the key. */
    assert_int_equal(lookup_id(s, "remote-id-str:40209:Customer5", &a), 0);
    assert_int_equal(lookup_id(s, "subscriber-id:0a0b0c", &a), 1);
    assert_a(&a, "2001:db8::3001", NULL, 0);
    assert_int_equal(lookup_id(s, "subscriber-id-str:sub 1", &a), 1);
    /* -str is byte-exact. */
    assert_int_equal(lookup_id(s, "subscriber-id-str:Sub 1", &a), 0);
    assert_int_equal(lookup_id(s, "linklayer-id:1:002436EF1D89", &a), 1);
    assert_a(&a, "2001:db8::4001", NULL, 0);
    assert_int_equal(lookup_id(s, "linklayer-id:1:616263646566", &a), 1);
    assert_a(&a, "2001:db8::4002", NULL, 0);
    assert_int_equal(lookup_id(s, "linklayer-id:6:616263646566", &a), 0);
    dk_store_csv.close(s);
}

static void test_dialects(void **state)
{
    (void)state;
    static const char *const files[] = {
        /* semicolons, other columns, CRLF, a BOM */
        "\xef\xbb\xbf"
        "name;ID;Prefix;Address\r\n"
        "Cust 1;\"interface-id-str:a;b\";2001:db8:1::/56;2001:db8::1\r\n",
        /* TAB */
        "id\taddress\tprefix\ninterface-id-str:a;b\t2001:db8::1\t2001:db8:1::/56\n",
        /* RFC 4180 quoting: a delimiter, a quote and a line break in a field */
        ("id,address,prefix\n\"interface-id-str:a;b\",\"2001:db8::1\",2001:db8:1::/56\n"
         "\"interface-id-str:x,\"\"y\"\"\nz\",2001:db8::2,\n"),
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        void *s = load_ok(files[i]);
        struct dk_assignment a;
        assert_int_equal(lookup_id(s, "interface-id-str:a;b", &a), 1);
        assert_a(&a, "2001:db8::1", "2001:db8:1::", 56);
        if (i == 2) {
            assert_int_equal(lookup_id(s, "interface-id-str:x,\"y\"\nz", &a), 1);
            assert_a(&a, "2001:db8::2", NULL, 0);
        }
        dk_store_csv.close(s);
    }
}

static const char bad_file[] = "id,address,prefix\n"                          /* 1 */
                               "duid:0001,2001:db8::1,2001:db8:100::/56\n"    /* 2 */
                               "duid:00zz,2001:db8::2,\n"                     /* 3 bad hex */
                               "mac:0001,2001:db8::3,\n"                      /* 4 unknown */
                               "duid:0004,2001:db8::zz,\n"                    /* 5 address */
                               "duid:0005,,2001:db8:105::1/56\n"              /* 6 host bits */
                               "duid:0006,,2001:db8:106::/129\n"              /* 7 prefix */
                               "duid:00:01,2001:db8::7,\n"                    /* 8 duplicate */
                               "duid:0008,2001:db8::1,\n"                     /* 9 address */
                               "duid:0009,,2001:db8:100:80::/57\n"            /* 10 overlap */
                               "duid:00\"10,2001:db8::10,\n"                  /* 11 quote */
                               "duid:0011,2001:db8::11,2001:db8:111::/56\n";  /* line 12 */

static void test_bad_rows(void **state)
{
    (void)state;
    void *s = (void *)1;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    assert_int_equal(load(bad_file, strlen(bad_file), 0, &s, &e, &k, &st), DK_EINVAL);
    assert_null(s);
    assert_true(has_error(&e, 3, "bad hex in id"));
    assert_true(has_error(&e, 4, "unknown id form: 'mac:0001'"));
    assert_true(has_error(&e, 5, "bad address '2001:db8::zz'"));
    assert_true(has_error(&e, 6, "bad prefix '2001:db8:105::1/56': bits set"));
    assert_true(has_error(&e, 7, "bad prefix '2001:db8:106::/129'"));
    assert_true(has_error(&e, 8, "duplicate id, first on line 2"));
    assert_true(has_error(&e, 9, "address 2001:db8::1 is also assigned on line 2"));
    assert_true(has_error(&e, 10, "prefix 2001:db8:100:80::/57 overlaps the prefix on line 2"));
    assert_true(has_error(&e, 11, "bad quoting"));
    assert_false(has_error(&e, 2, ""));
    /* nine rows and the summary, in line order */
    assert_int_equal(e.n, 10);
    for (size_t i = 1; i + 1 < e.n; i++)
        assert_true(e.v[i - 1].line < e.v[i].line);
    assert_true(strstr(e.v[9].message, "refused: 9 bad rows"));
    assert_int_equal(k.n, 0);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);

    /* max-bad-rows 8 is not enough; 9 is, and the bad rows are skipped. */
    assert_int_equal(load(bad_file, strlen(bad_file), 8, &s, &e, &k, &st), DK_EINVAL);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    assert_int_equal(load(bad_file, strlen(bad_file), 9, &s, &e, &k, &st), 0);
    assert_int_equal(e.n, 0);
    assert_int_equal(k.n, 9);
    assert_true(has_error(&k, 8, "duplicate id"));
    assert_int_equal(st.rows, 2);
    assert_int_equal(st.bad_rows, 9);
    struct dk_assignment a;
    assert_int_equal(lookup_id(s, "duid:0001", &a), 1);
    assert_a(&a, "2001:db8::1", "2001:db8:100::", 56);
    assert_int_equal(lookup_id(s, "duid:0011", &a), 1);
    assert_int_equal(lookup_id(s, "duid:0008", &a), 0);
    dk_store_csv.close(s);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
}

static void test_overlap_order(void **state)
{
    (void)state;
    /* The later line is the bad one, even when its prefix is the shorter. */
    static const char f[] = "id,address,prefix\n"
                            "duid:01,,2001:db8:1:100::/56\n"
                            "duid:02,,2001:db8:2::/48\n"
                            "duid:03,,2001:db8:1::/48\n"
                            "duid:04,,2001:db8:1:200::/56\n";
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    assert_int_equal(load(f, strlen(f), 0, &s, &e, &k, &st), DK_EINVAL);
    assert_true(has_error(&e, 4, "prefix 2001:db8:1::/48 overlaps the prefix on line 2"));
    assert_false(has_error(&e, 5, ""));
    assert_int_equal(e.n, 2);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
}

static void test_header_and_file(void **state)
{
    (void)state;
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    static const char f[] = "id,address\nduid:01,2001:db8::1\n";
    assert_int_equal(load(f, strlen(f), 0, &s, &e, &k, &st), DK_EINVAL);
    assert_true(has_error(&e, 1, "the header must name the columns id, address and prefix"));
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    dk_config_errors_init(&e);
    assert_int_equal(dk_store_csv.open("/nonexistent/x.csv", NULL, &s, &st, &e), DK_EINVAL);
    assert_int_equal(e.n, 1);
    assert_true(strstr(e.v[0].message, "cannot open"));
    dk_config_errors_clear(&e);
    /* A file that starts with an empty line has no header (its empty field
     * was compared with a NULL buffer: undefined behaviour, found by
     * fuzz_csv). */
    static const char g[] = "\nid,address,prefix\n";
    assert_int_equal(load(g, strlen(g), 0, &s, &e, &k, &st), DK_EINVAL);
    assert_true(has_error(&e, 1, "the header must name the columns id, address and prefix"));
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    /* An empty table is fine. */
    s = load_ok("id,address,prefix\r\n");
    struct dk_assignment a;
    assert_int_equal(lookup_id(s, "duid:01", &a), 0);
    dk_store_csv.close(s);
    dk_store_csv.close(NULL);
}

static void test_many(void **state)
{
    (void)state;
    size_t n = 20000, cap = n * 64 + 64, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text + len, cap - len, "id,address,prefix\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "remote-id-str:3561:cust%zu,2001:db8::%zx,2001:db8:%zx::/48\n", i,
                                i + 1, i + 1);
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    assert_int_equal(load(text, len, 0, &s, &e, &k, &st), 0);
    assert_int_equal(st.rows, n);
    for (size_t i = 0; i < n; i += 997) {
        char id[64], wa[64], wp[64];
        struct dk_assignment a;
        snprintf(id, sizeof(id), "remote-id-str:3561:cust%zu", i);
        assert_int_equal(lookup_id(s, id, &a), 1);
        snprintf(wa, sizeof(wa), "2001:db8::%zx", i + 1);
        snprintf(wp, sizeof(wp), "2001:db8:%zx::", i + 1);
        assert_a(&a, wa, wp, 48);
    }
    dk_store_csv.close(s);
    free(text);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
}

/* An export sorted by prefix but for its last row, the smallest: the
 * overlap check's sort must not go quadratic on it (a median-of-three
 * quicksort does: this took minutes), and must still find an overlap that
 * only the last row has. */
static void test_sorted_but_last(void **state)
{
    (void)state;
    size_t n = 200000, cap = n * 80 + 128;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int overlap = 0; overlap < 2; overlap++) {
        size_t len = (size_t)snprintf(text, cap, "id,address,prefix\n");
        for (size_t i = 0; i < n; i++)
            len += (size_t)snprintf(text + len, cap - len,
                                    "duid:%08zx,2001:db8:1::%zx:%zx,2001:db8:%zx:%zx00::/56\n", i,
                                    (i >> 16) + 1, i & 0xffff, (i >> 8) + 0x100, i & 0xff);
        len += (size_t)snprintf(text + len, cap - len, "duid:ffffffff,2001:db8::1,%s\n",
                                overlap ? "2001:db8:100::/40" : "2001:db8:ff::/48");
        void *s = NULL;
        struct dk_config_errors e, k;
        struct dk_store_stats st;
        int rc = load(text, len, 0, &s, &e, &k, &st);
        if (!overlap) {
            assert_int_equal(rc, 0);
            assert_int_equal(st.rows, n + 1);
            struct dk_assignment a;
            assert_int_equal(lookup_id(s, "duid:ffffffff", &a), 1);
            assert_a(&a, "2001:db8::1", "2001:db8:ff::", 48);
            dk_store_csv.close(s);
        } else {
            assert_int_equal(rc, DK_EINVAL);
            assert_true(has_error(&e, (unsigned)n + 2,
                                  "prefix 2001:db8:100::/40 overlaps the prefix on line 2"));
            assert_int_equal(e.n, 2); /* that row and the summary */
        }
        dk_config_errors_clear(&e);
        dk_config_errors_clear(&k);
    }
    free(text);
}

/* Opens text with max-bad-rows 10; the table. */
static void *load_tolerant(const char *text)
{
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    assert_int_equal(load(text, strlen(text), 10, &s, &e, &k, &st), 0);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    return s;
}

/* The reload guard's count: ids of the old table missing from the new,
 * whatever the order, with rows added, removed, moved or bad. */
static void test_missing(void **state)
{
    (void)state;
    static const char old_text[] = "id,address,prefix\n"
                                   "duid:01,2001:db8::1,\nduid:02,2001:db8::2,\n"
                                   "duid:03,2001:db8::3,\nduid:04,2001:db8::4,\n"
                                   "duid:05,2001:db8::5,\nduid:06,2001:db8::6,\n";
    static const struct {
        const char *text;
        size_t missing;
    } cases[] = {
        {"id,address,prefix\nduid:01,2001:db8::1,\nduid:02,2001:db8::2,\nduid:03,2001:db8::3,\n"
         "duid:04,2001:db8::4,\nduid:05,2001:db8::5,\nduid:06,2001:db8::6,\n",
         0},                                                                    /* the same */
        {"id,address,prefix\nduid:01,2001:db8::1,\nduid:02,2001:db8::2,\n", 4}, /* truncated */
        {"id,address,prefix\nduid:06,2001:db8::1,\nduid:05,2001:db8::2,\nduid:04,2001:db8::3,\n"
         "duid:03,2001:db8::4,\nduid:02,2001:db8::5,\nduid:01,2001:db8::6,\n",
         0}, /* reversed, other addresses */
        {"id,address,prefix\nduid:01,2001:db8::1,\nduid:0a,2001:db8::a,\nduid:0b,2001:db8::b,\n"
         "duid:03,2001:db8::3,\nduid:05,2001:db8::5,\nduid:0c,2001:db8::c,\n",
         3}, /* 2, 4, 6 gone, others added between */
        /* 5 is there but bad (skipped): missing; 2's duplicate changes nothing */
        {"id,address,prefix\nduid:01,2001:db8::1,\nduid:02,2001:db8::2,\nduid:02,2001:db8::7,\n"
         "duid:03,2001:db8::3,\nduid:04,2001:db8::4,\nduid:05,zz,\nduid:06,2001:db8::6,\n",
         1},
        {"id,address,prefix\n", 6}, /* empty */
    };
    void *old = load_ok(old_text);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        void *now = load_tolerant(cases[i].text);
        assert_int_equal(dk_store_csv_missing(old, now), cases[i].missing);
        dk_store_csv.close(now);
    }
    assert_int_equal(dk_store_csv_missing(old, old), 0);
    dk_store_csv.close(old);
}

/* The address parser of the CSV takes exactly what inet_pton(3) takes:
 * random strings over the characters of addresses, and real addresses
 * written in many ways (leading zeros, "::" anywhere, upper case). */
static void test_addresses_as_inet_pton(void **state)
{
    (void)state;
    enum { N = 6000 };
    static const char alpha[] = "0123456789abcdefABCDEF::::.";
    size_t cap = (size_t)N * 80 + 64, len = 0;
    char *text = malloc(cap);
    char(*cand)[64] = calloc(N, sizeof(*cand));
    uint8_t(*want)[16] = calloc(N, sizeof(*want));
    bool *good = calloc(N, sizeof(*good));
    assert_true(text && cand && want && good);
    unsigned seed = 12345;
    len += (size_t)snprintf(text, cap, "id,address,prefix\n");
    size_t n = 0;
    for (size_t tries = 0; n < N && tries < 10 * (size_t)N; tries++) {
        char c[64];
        seed = seed * 1103515245u + 12345u;
        if (tries % 2) {
            /* random text */
            size_t l = 1 + (seed >> 16) % 30;
            for (size_t k = 0; k < l; k++) {
                seed = seed * 1103515245u + 12345u;
                c[k] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
            }
            c[l] = 0;
        } else {
            /* an address: 8 groups, some zero, written with random
             * leading zeros, case and one "::" or none */
            unsigned grp[8];
            for (int k = 0; k < 8; k++) {
                seed = seed * 1103515245u + 12345u;
                grp[k] = (seed >> 16) % 3 == 0 ? 0 : (seed >> 8) & 0xffff;
            }
            seed = seed * 1103515245u + 12345u;
            int from = (int)((seed >> 16) % 10) - 1, to = from + 1 + (int)((seed >> 20) % 8);
            size_t o = 0;
            for (int k = 0; k < 8; k++) {
                if (from >= 0 && k >= from && k < to && k < 8) {
                    if (k == from)
                        o += (size_t)snprintf(c + o, sizeof(c) - o, "::");
                    continue;
                }
                if (o && c[o - 1] != ':')
                    c[o++] = ':';
                seed = seed * 1103515245u + 12345u;
                o += (size_t)snprintf(c + o, sizeof(c) - o, (seed >> 16) & 1 ? "%04X" : "%x",
                                      grp[k]);
            }
            c[o] = 0;
        }
        uint8_t a[16];
        bool ok = inet_pton(AF_INET6, c, a) == 1;
        bool seen = false;
        for (size_t k = 0; ok && k < n && !seen; k++)
            seen = good[k] && memcmp(want[k], a, 16) == 0;
        if (seen)
            continue; /* the same address twice would be a clash */
        snprintf(cand[n], sizeof(cand[n]), "%s", c);
        memcpy(want[n], a, 16);
        good[n] = ok;
        len += (size_t)snprintf(text + len, cap - len, "duid:%08zx,%s,\n", n, c);
        n++;
    }
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    (void)load(text, len, N, &s, &e, &k, &st);
    assert_non_null(s);
    size_t ngood = 0, nbad = 0;
    for (size_t i = 0; i < n; i++) {
        char id[32], why[128];
        struct dk_assignment a;
        snprintf(id, sizeof(id), "duid:%08zx", i);
        int found = lookup_id(s, id, &a);
        if (found != (int)good[i])
            fail_msg("'%s': inet_pton says %s, the CSV %s", cand[i], good[i] ? "yes" : "no",
                     found ? "yes" : "no");
        if (good[i]) {
            assert_true(a.has_address);
            assert_memory_equal(a.address, want[i], 16);
            ngood++;
        } else {
            /* the report keeps the first 100 rows */
            snprintf(why, sizeof(why), "bad address '%s'", cand[i]);
            if (nbad < 90 && !has_error(&k, (unsigned)i + 2, why))
                fail_msg("line %zu: no \"%s\" (%zu skipped)", i + 2, why, k.n);
            nbad++;
        }
    }
    /* both kinds were tried, plenty of each */
    assert_true(ngood > 1000 && nbad > 1000);
    dk_store_csv.close(s);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    free(text);
    free(cand);
    free(want);
    free(good);
}

/* A record longer than the read buffer (1 MiB), quoted with line breaks
 * inside, between ordinary rows: read whole, lines still counted. */
static void test_long_record(void **state)
{
    (void)state;
    size_t big = (size_t)3 << 20, cap = big + 4096, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap,
                            "id,address,prefix,comment\nduid:01,2001:db8::1,,short\n"
                            "duid:02,2001:db8::2,,\"");
    for (size_t i = 0; i < big; i++)
        text[len++] = i % 1000 == 999 ? '\n' : 'x';
    len += (size_t)snprintf(text + len, cap - len, "\"\nduid:03,2001:db8::3,,\nduid:03,,\n");
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    assert_int_equal(load(text, len, 1, &s, &e, &k, &st), 0);
    assert_int_equal(st.rows, 3);
    struct dk_assignment a;
    assert_int_equal(lookup_id(s, "duid:02", &a), 1);
    assert_a(&a, "2001:db8::2", NULL, 0);
    assert_int_equal(lookup_id(s, "duid:03", &a), 1);
    /* 3 + 3145 line breaks inside the long field: the duplicate is on 3150 */
    assert_true(has_error(&k, 3 + (unsigned)(big / 1000) + 2, "duplicate id, first on line"));
    dk_store_csv.close(s);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
    free(text);
}

/* Empty quoted fields, alone on their record: reported as any bad id. */
static void test_empty_quoted(void **state)
{
    (void)state;
    static const char f[] = "id,address,prefix\n\"\",\"\",\"\"\n\"\",2001:db8::1,\nduid:01,\"\",\n";
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    assert_int_equal(load(f, strlen(f), 2, &s, &e, &k, &st), 0);
    assert_true(has_error(&k, 2, "unknown id form: ''"));
    assert_true(has_error(&k, 3, "unknown id form: ''"));
    assert_int_equal(st.rows, 1);
    struct dk_assignment a;
    assert_int_equal(lookup_id(s, "duid:01", &a), 1);
    assert_false(a.has_address);
    dk_store_csv.close(s);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
}

/* The original's normalised text ids, which its SQLite databases hold. */
static void test_key_text(void **state)
{
    (void)state;
    static const struct {
        const char *id, *text;
    } cases[] = {
        {"duid:00:01:AB", "duid:0001ab"},
        {"interface-id-str:Fa1/9/35", "interface-id:4661312f392f3335"},
        {"remote-id-str:40208:Customer5", "remote-id:40208:437573746f6d657235"},
        {"remote-id:4294967295:FF", "remote-id:4294967295:ff"},
        {"subscriber-id-str:sub 1", "subscriber-id:7375622031"},
        {"linklayer-id:1:00:24:36:EF:1D:89", "linklayer-id:1:002436ef1d89"},
        {"linklayer-id-str:65535:x", "linklayer-id:65535:78"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t key[256];
        char text[600];
        const char *why = NULL;
        size_t n = dk_store_parse_id(cases[i].id, strlen(cases[i].id), key, sizeof(key), &why);
        assert_true(n > 0);
        assert_int_equal(dk_store_key_text(key, n, text, sizeof(text)), strlen(cases[i].text));
        assert_string_equal(text, cases[i].text);
        /* Too small a buffer is refused, never overrun. */
        char small[600];
        assert_int_equal(dk_store_key_text(key, n, small, strlen(cases[i].text)), 0);
        /* The text form parses back to the same key. */
        uint8_t again[256];
        assert_int_equal(dk_store_parse_id(text, strlen(text), again, sizeof(again), &why), n);
        assert_memory_equal(again, key, n);
    }
    uint8_t bad[] = {9, 1, 2};
    char text[64];
    assert_int_equal(dk_store_key_text(bad, sizeof(bad), text, sizeof(text)), 0);
    uint8_t shortrid[] = {DK_STORE_REMOTE_ID, 0, 0};
    assert_int_equal(dk_store_key_text(shortrid, sizeof(shortrid), text, sizeof(text)), 0);
}

static int count_row(void *ctx, const uint8_t *key, size_t keylen, const struct dk_assignment *a)
{
    size_t *n = ctx;
    (void)a;
    assert_true(keylen > 1);
    assert_int_equal(key[0], DK_STORE_REMOTE_ID);
    return ++*n == 3 ? 42 : 0;
}

/* foreach visits the loaded rows (not the skipped ones) and stops early. */
static void test_foreach(void **state)
{
    (void)state;
    void *s = load_ok("id,address,prefix\n"
                      "remote-id-str:1:a,2001:db8::1,\n"
                      "remote-id-str:1:b,2001:db8::2,\n"
                      "remote-id-str:1:c,2001:db8::3,\n"
                      "remote-id-str:1:d,2001:db8::4,\n");
    size_t n = 0;
    assert_int_equal(dk_store_csv_foreach(s, count_row, &n), 42);
    assert_int_equal(n, 3);
    dk_store_csv.close(s);
}

/* A bad row early in a file long enough for the rows to be reallocated:
 * its reason survives the move (ASan saw a use after free here). */
static void test_bad_row_then_many(void **state)
{
    (void)state;
    size_t n = 5000, cap = n * 64 + 128, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text + len, cap - len, "id,address,prefix\nbogus:1,2001:db8::1,\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "duid:%08zx,2001:db8::%zx,\n", i + 1,
                                i + 2);
    void *s = NULL;
    struct dk_config_errors e, k;
    struct dk_store_stats st;
    assert_int_equal(load(text, len, 1, &s, &e, &k, &st), 0);
    assert_int_equal(st.rows, n);
    assert_int_equal(st.bad_rows, 1);
    assert_true(has_error(&k, 2, "unknown id form: 'bogus:1'"));
    dk_store_csv.close(s);
    free(text);
    dk_config_errors_clear(&e);
    dk_config_errors_clear(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_row_then_many),
        cmocka_unit_test(test_id_forms),
        cmocka_unit_test(test_dialects),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_overlap_order),
        cmocka_unit_test(test_header_and_file),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_sorted_but_last),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_addresses_as_inet_pton),
        cmocka_unit_test(test_long_record),
        cmocka_unit_test(test_empty_quoted),
        cmocka_unit_test(test_key_text),
        cmocka_unit_test(test_foreach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
