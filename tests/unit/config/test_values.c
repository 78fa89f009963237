/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typed values (src/config/value.c, idna.c) and the schema table (schema.c). */
#include "helpers.h"

#include "internal.h"

static struct dk_config cfg;
static struct dk__ctx ctx;

static int setup(void **state)
{
    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.name = "dir/sub/t.conf";
    cfg.dir = "dir/sub";
    ctx = (struct dk__ctx){.cfg = &cfg, .name = cfg.name};
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dk__pool_free(&cfg.pool);
    return 0;
}

static char why[256];

static struct dk_config_value ok(const struct dk_config_type *t, const char *text)
{
    struct dk_config_value v;
    if (dk__value_parse(&ctx, t, text, strlen(text), &v, why, sizeof(why)) != 0)
        fail_msg("'%s' refused: %s", text, why);
    assert_string_equal(v.text, text);
    assert_int_equal(v.type, t->vtype);
    return v;
}

/* Refused, with fragment in the reason. */
static void bad(const struct dk_config_type *t, const char *text, const char *fragment)
{
    struct dk_config_value v;
    if (dk__value_parse(&ctx, t, text, strlen(text), &v, why, sizeof(why)) == 0)
        fail_msg("'%s' accepted", text);
    if (!strstr(why, fragment))
        fail_msg("'%s': reason '%s' lacks '%s'", text, why, fragment);
}

static void test_bool(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_BOOL};
    static const char *const yes[] = {"yes", "YES", "true", "On", "1"};
    static const char *const no[] = {"no", "False", "off", "0"};
    for (size_t i = 0; i < 5; i++)
        assert_true(ok(&t, yes[i]).v.b);
    for (size_t i = 0; i < 4; i++)
        assert_false(ok(&t, no[i]).v.b);
    bad(&t, "maybe", "yes or no");
    bad(&t, "", "empty");
    bad(&t, "yess", "yes or no");
}

static void test_uint(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_UINT, .min = 2, .max = 255};
    assert_int_equal(ok(&t, "2").v.u, 2);
    assert_int_equal(ok(&t, "255").v.u, 255);
    assert_int_equal(ok(&t, "0010").v.u, 10);
    bad(&t, "1", "from 2 to 255");
    bad(&t, "256", "from 2 to 255");
    bad(&t, "-1", "whole number");
    bad(&t, "+5", "whole number");
    bad(&t, "12a", "whole number");
    bad(&t, "0x10", "whole number");
    bad(&t, "99999999999999999999999", "whole number");
    const struct dk_config_type all = {.vtype = DK_CFG_UINT, .max = UINT64_MAX};
    assert_true(ok(&all, "18446744073709551615").v.u == UINT64_MAX);
    bad(&all, "18446744073709551616", "whole number");
}

static void test_time(void **state)
{
    (void)state;
    static const char *const inf[] = {"INFINITY", NULL};
    const struct dk_config_type t = {
        .vtype = DK_CFG_TIME, .min = 0, .max = 0xfffffffe, .words = inf};
    assert_int_equal(ok(&t, "45").v.u, 45);
    assert_int_equal(ok(&t, "45s").v.u, 45);
    assert_int_equal(ok(&t, "30m").v.u, 1800);
    assert_int_equal(ok(&t, "12H").v.u, 43200);
    assert_int_equal(ok(&t, "1d").v.u, 86400);
    assert_int_equal(ok(&t, "2w").v.u, 1209600);
    struct dk_config_value v = ok(&t, "infinity");
    assert_int_equal(v.v.u, DK_CONFIG_INFINITY);
    assert_string_equal(v.word, "INFINITY");
    bad(&t, "1.5h", "suffix");
    bad(&t, "h", "suffix");
    bad(&t, "10 m", "suffix");
    bad(&t, "1y", "suffix");
    bad(&t, "4294967295", "from 0 to 4294967294 seconds or INFINITY");
    bad(&t, "99999999999999999w", "suffix");
    const struct dk_config_type rt = {.vtype = DK_CFG_TIME, .min = 60, .max = 86400};
    assert_int_equal(ok(&rt, "1d").v.u, 86400);
    bad(&rt, "59", "from 60 to 86400");
    bad(&rt, "86401", "from 60 to 86400");
    bad(&rt, "INFINITY", "suffix");
}

static void test_decimal_and_factor(void **state)
{
    (void)state;
    const struct dk_config_type d = {.vtype = DK_CFG_DECIMAL, .dmin = 0, .dmax = 86400};
    assert_true(ok(&d, "10.0").v.d == 10.0);
    assert_true(ok(&d, "10").v.d == 10.0);
    assert_true(ok(&d, "0.125").v.d == 0.125);
    assert_true(ok(&d, "2.5").v.d == 2.5);
    assert_true(ok(&d, "0.1").v.d == 0.1); /* the same double as the C literal */
    bad(&d, ".5", "number");
    bad(&d, "1.", "number");
    bad(&d, "1e3", "number");
    bad(&d, "-1", "number");
    bad(&d, "1.2.3", "number");
    bad(&d, "86400.5", "from 0 to 86400");
    bad(&d, "1234567890123456", "number");
    static const char *const none[] = {"NONE", NULL};
    const struct dk_config_type f = {.vtype = DK_CFG_FACTOR, .dmax = 1.0, .words = none};
    assert_true(ok(&f, "0.8").v.d == 0.8);
    assert_true(ok(&f, "1").v.d == 1.0);
    assert_string_equal(ok(&f, "none").word, "NONE");
    bad(&f, "1.5", "from 0 to 1 or NONE");
}

static void test_bytesize(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_BYTESIZE, .min = 1, .max = 1ull << 40};
    assert_int_equal(ok(&t, "512").v.u, 512);
    assert_int_equal(ok(&t, "10kb").v.u, 10240);
    assert_int_equal(ok(&t, "10MB").v.u, 10485760);
    assert_int_equal(ok(&t, "2gb").v.u, 2147483648u);
    bad(&t, "0", "from 1");
    bad(&t, "2tb", "size");
}

static void test_ipv6(void **state)
{
    (void)state;
    const struct dk_config_type any = {.vtype = DK_CFG_IPV6};
    struct dk_config_value v = ok(&any, "2001:DB8::1");
    assert_memory_equal(v.v.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    ok(&any, "::");
    ok(&any, "::ffff:192.0.2.1");
    bad(&any, "2001:db8::1%eth0", "not an IPv6 address");
    bad(&any, "192.0.2.1", "not an IPv6 address");
    bad(&any, "2001:db8::/64", "not an IPv6 address");
    bad(&any, "1:2:3:4:5:6:7:8:9", "not an IPv6 address");
    const struct dk_config_type uni = {.vtype = DK_CFG_IPV6, .check = DK_CFG_CHK_UNICAST};
    ok(&uni, "fe80::1");
    bad(&uni, "::", "unicast");
    bad(&uni, "ff02::1:2", "unicast");
    const struct dk_config_type mc = {.vtype = DK_CFG_IPV6, .check = DK_CFG_CHK_MULTICAST};
    ok(&mc, "ff05::101");
    bad(&mc, "2001:db8::1", "multicast");
    const struct dk_config_type ll = {.vtype = DK_CFG_IPV6, .check = DK_CFG_CHK_LINKLOCAL};
    ok(&ll, "fe80::1");
    ok(&ll, "febf::1");
    bad(&ll, "fec0::1", "link-local");
    static const char *const words[] = {"all", "auto", NULL};
    const struct dk_config_type w = {.vtype = DK_CFG_IPV6, .words = words};
    assert_string_equal(ok(&w, "ALL").word, "all");
    bad(&w, "some", "not an IPv6 address or all, auto");
}

static void test_prefix(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_PREFIX};
    struct dk_config_value v = ok(&t, "2001:db8:1::/48");
    assert_int_equal(v.v.prefix.len, 48);
    assert_memory_equal(v.v.prefix.addr, "\x20\x01\x0d\xb8\x00\x01\0\0\0\0\0\0\0\0\0\0", 16);
    assert_int_equal(ok(&t, "::/0").v.prefix.len, 0);
    assert_int_equal(ok(&t, "2001:db8::1").v.prefix.len, 128);
    assert_int_equal(ok(&t, "2001:db8::1/128").v.prefix.len, 128);
    ok(&t, "2001:db8:0:1::/64");
    bad(&t, "2001:db8::1/64", "host bits");
    bad(&t, "2001:db8:0:1::/63", "host bits");
    bad(&t, "2001:db8::/129", "length 0 to 128");
    bad(&t, "2001:db8::/", "length 0 to 128");
    bad(&t, "2001:db8::/0064", "length 0 to 128");
    bad(&t, "2001:db8::/-1", "length 0 to 128");
    bad(&t, "/64", "not an IPv6 prefix");
}

static void test_domain(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_DOMAIN};
    struct dk_config_value v = ok(&t, "Example.COM");
    assert_int_equal(v.v.bytes.len, 13);
    assert_memory_equal(v.v.bytes.p,
                        "\x07"
                        "example"
                        "\x03"
                        "com"
                        "\x00",
                        13);
    /* A trailing dot changes nothing. */
    struct dk_config_value w = ok(&t, "example.com.");
    assert_true(dk_config_value_equal(&v, &w));
    /* IDNA: the labels from Python's "....encode('idna')". */
    v = ok(&t, "example.香港");
    assert_memory_equal(v.v.bytes.p,
                        "\x07"
                        "example"
                        "\x0b"
                        "xn--j6w193g"
                        "\x00",
                        21);
    v = ok(&t, "bücher.example");
    assert_memory_equal(v.v.bytes.p,
                        "\x0d"
                        "xn--bcher-kva"
                        "\x07"
                        "example"
                        "\x00",
                        23);
    v = ok(&t, "münchen");
    assert_memory_equal(v.v.bytes.p,
                        "\x0e"
                        "xn--mnchen-3ya"
                        "\x00",
                        16);
    bad(&t, "a..b", "empty label");
    bad(&t, ".a", "empty label");
    bad(&t, ".", "root");
    bad(&t, "a b.com", "no blanks");
    char label[80];
    memset(label, 'a', 64);
    strcpy(label + 64, ".com");
    bad(&t, label, "63");
    char name[300] = "";
    for (int i = 0; i < 26; i++)
        strcat(name, "abcdefghi.");
    strcat(name, "com");
    bad(&t, name, "255");
}

static void test_hex(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_HEX, .min = 1, .max = 6};
    struct dk_config_value a = ok(&t, "00:24:36:ef:1d:89");
    struct dk_config_value b = ok(&t, "002436EF1D89");
    assert_int_equal(a.v.bytes.len, 6);
    assert_true(dk_config_value_equal(&a, &b));
    assert_memory_equal(a.v.bytes.p, "\x00\x24\x36\xef\x1d\x89", 6);
    assert_int_equal(ok(&t, "ab").v.bytes.len, 1);
    bad(&t, "0", "hexadecimal");
    bad(&t, "0:24", "hexadecimal");
    bad(&t, ":00", "hexadecimal");
    bad(&t, "00:", "hexadecimal");
    bad(&t, "00::24", "hexadecimal");
    bad(&t, "zz", "hexadecimal");
    bad(&t, "00112233445566", "1 to 6 octets");
    bad(&t, "", "empty");
}

static void test_enum(void **state)
{
    (void)state;
    static const char *const levels[] = {"warning", "warn=warning", "debug-packets", NULL};
    const struct dk_config_type t = {.vtype = DK_CFG_ENUM, .enums = levels};
    assert_string_equal(ok(&t, "WARNING").v.s, "warning");
    assert_string_equal(ok(&t, "warn").v.s, "warning");
    assert_ptr_equal(ok(&t, "warn").v.s, levels[0]);
    assert_string_equal(ok(&t, "debug_packets").v.s, "debug-packets");
    assert_string_equal(ok(&t, "DebugPackets").v.s, "debug-packets");
    bad(&t, "loud", "must be one of warning, debug-packets");
}

static void test_timestamp(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_TIMESTAMP};
    assert_int_equal(ok(&t, "2016-12-31T23:59:59Z").v.t, 1483228799);
    assert_int_equal(ok(&t, "2000-01-01T00:00:00Z").v.t, 946684800);
    assert_int_equal(ok(&t, "2000-02-29T00:00:00Z").v.t, 951782400);
    assert_int_equal(ok(&t, "2136-02-07T06:28:15Z").v.t, 946684800 + 4294967295ll);
    bad(&t, "2136-02-07T06:28:16Z", "from 2000");
    bad(&t, "1999-12-31T23:59:59Z", "from 2000");
    bad(&t, "2001-02-29T00:00:00Z", "YYYY");
    bad(&t, "2100-02-29T00:00:00Z", "YYYY");
    bad(&t, "2016-12-31 23:59:59Z", "YYYY");
    bad(&t, "2016-12-31T24:00:00Z", "YYYY");
    bad(&t, "2016-13-01T00:00:00Z", "YYYY");
    bad(&t, "2016-12-31T23:59:59", "YYYY");
}

static void test_strings_and_paths(void **state)
{
    (void)state;
    const struct dk_config_type s = {.vtype = DK_CFG_STRING, .max = 4};
    assert_string_equal(ok(&s, "abcd").v.s, "abcd");
    bad(&s, "abcde", "longer than 4");
    const struct dk_config_type p = {.vtype = DK_CFG_PATH};
    assert_string_equal(ok(&p, "a.csv").v.s, "dir/sub/a.csv");
    assert_string_equal(ok(&p, "../a.csv").v.s, "dir/sub/../a.csv");
    assert_string_equal(ok(&p, "/etc/a.csv").v.s, "/etc/a.csv");
    cfg.dir = "";
    assert_string_equal(ok(&p, "a.csv").v.s, "a.csv");
    cfg.dir = "/";
    assert_string_equal(ok(&p, "a.csv").v.s, "/a.csv");
    const struct dk_config_type i = {.vtype = DK_CFG_IFNAME};
    ok(&i, "eth0.100");
    ok(&i, "123456789012345");
    bad(&i, "1234567890123456", "at most 15");
    bad(&i, "a/b", "no '/'");
    bad(&i, "a b", "no '/'");
}

static void test_code_hex(void **state)
{
    (void)state;
    const struct dk_config_type t = {.vtype = DK_CFG_CODE_HEX, .max = 4};
    struct dk_config_value v = ok(&t, "1 0a:0b");
    assert_int_equal(v.v.opt.code, 1);
    assert_int_equal(v.v.opt.len, 2);
    assert_memory_equal(v.v.opt.p, "\x0a\x0b", 2);
    assert_int_equal(ok(&t, "65535").v.opt.len, 0);
    assert_int_equal(ok(&t, "7\t01020304").v.opt.len, 4);
    bad(&t, "0 01", "from 1 to 65535");
    bad(&t, "65536 01", "from 1 to 65535");
    bad(&t, "x 01", "from 1 to 65535");
    bad(&t, "1 0102030405", "longer than 4");
    bad(&t, "1 012", "hexadecimal");
}

static void test_value_equal(void **state)
{
    (void)state;
    const struct dk_config_type a6 = {.vtype = DK_CFG_IPV6};
    struct dk_config_value x = ok(&a6, "2001:db8::1"), y = ok(&a6, "2001:0DB8:0::0:1"),
                           z = ok(&a6, "2001:db8::2");
    assert_true(dk_config_value_equal(&x, &y));
    assert_false(dk_config_value_equal(&x, &z));
    const struct dk_config_type u = {.vtype = DK_CFG_UINT, .max = 9};
    struct dk_config_value n = ok(&u, "1");
    assert_false(dk_config_value_equal(&x, &n)); /* different types */
    assert_false(dk_config_value_equal(&x, NULL));
    assert_true(dk_config_value_equal(NULL, NULL));
    static const char *const inf[] = {"INFINITY", NULL};
    const struct dk_config_type t = {.vtype = DK_CFG_TIME, .max = 0xfffffffe, .words = inf};
    struct dk_config_value i1 = ok(&t, "INFINITY"), i2 = ok(&t, "infinity"), s = ok(&t, "1w");
    assert_true(dk_config_value_equal(&i1, &i2));
    assert_false(dk_config_value_equal(&i1, &s));
    struct dk_config_value m = ok(&t, "60"), h = ok(&t, "1m");
    assert_true(dk_config_value_equal(&m, &h));
}

/* ------------------------------------------------------------------------- */
/* The schema */

static bool canonical(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return false;
    return true;
}

/* Every default parses as its key's type, in both syntaxes. */
static void test_schema_defaults(void **state)
{
    (void)state;
    size_t n;
    const struct dk_config_section_def *defs = dk_config_schema(&n);
    size_t defaults = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < defs[i].nkeys; k++) {
            const struct dk_config_key_def *kd = &defs[i].keys[k];
            const char *d[2] = {kd->def_nested, kd->def_ini};
            for (size_t j = 0; j < 2; j++) {
                struct dk_config_value v;
                if (!d[j])
                    continue;
                defaults++;
                if (dk__value_parse(&ctx, &kd->type, d[j], strlen(d[j]), &v, why, sizeof(why)) != 0)
                    fail_msg("<%s> %s: default '%s': %s", defs[i].name, kd->name, d[j], why);
                assert_false(kd->flags & DK_CFG_REQUIRED);
            }
        }
    }
    assert_true(defaults > 40);
}

static void test_schema_shape(void **state)
{
    (void)state;
    size_t n;
    const struct dk_config_section_def *defs = dk_config_schema(&n);
    assert_string_equal(defs[0].name, "");
    assert_int_equal(defs[0].kind, DK_CFG_KIND_ROOT);
    for (size_t i = 1; i < n; i++) {
        const struct dk_config_section_def *d = &defs[i];
        if (!canonical(d->name))
            fail_msg("section name '%s'", d->name);
        assert_ptr_equal(dk_config_schema_find(d->name), d);
        assert_true(d->where != 0);
        if (d->argkind != DK_CFG_ARG_NONE)
            assert_non_null(d->arg_name);
        for (size_t j = 1; j < i; j++)
            assert_string_not_equal(defs[j].name, d->name);
    }
    for (size_t i = 0; i < n; i++) {
        size_t one_of = 0;
        for (size_t k = 0; k < defs[i].nkeys; k++) {
            const struct dk_config_key_def *kd = &defs[i].keys[k];
            if (!canonical(kd->name))
                fail_msg("<%s> key '%s'", defs[i].name, kd->name);
            assert_ptr_equal(dk_config_key_find(&defs[i], kd->name), kd);
            assert_false((kd->flags & DK_CFG_REQUIRED) && (kd->flags & DK_CFG_ONE_OF));
            one_of += (kd->flags & DK_CFG_ONE_OF) != 0;
            assert_true(kd->type.min <= kd->type.max || kd->type.max == 0);
            assert_true(kd->type.dmin <= kd->type.dmax);
            assert_non_null(kd->help);
            /* enum aliases name an entry of the list */
            for (size_t e = 0; kd->type.enums && kd->type.enums[e]; e++) {
                const char *eq = strchr(kd->type.enums[e], '=');
                if (!eq)
                    continue;
                bool found = false;
                for (size_t f = 0; kd->type.enums[f]; f++)
                    found |= strcmp(kd->type.enums[f], eq + 1) == 0;
                if (!found)
                    fail_msg("<%s> %s: alias %s", defs[i].name, kd->name, kd->type.enums[e]);
            }
        }
        assert_true(one_of != 1);
    }
    assert_null(dk_config_schema_find(""));
    assert_null(dk_config_schema_find(NULL));
    assert_null(dk_config_schema_find("Subnet"));
    assert_null(dk_config_key_find(NULL, "x"));
}

/* The section types the server's config layer must know. */
static void test_schema_names(void **state)
{
    (void)state;
    static const char *const known[] = {
        "duid-ll",
        "duid-llt",
        "duid-en",
        "logging",
        "console",
        "file",
        "syslog",
        "statistics",
        "listen-interface",
        "listen-unicast",
        "subnet",
        "subnet-group",
        "marked-with",
        "elapsed-time",
        "preference",
        "recursive-name-servers",
        "domain-search-list",
        "ntp-servers",
        "sntp-servers",
        "sip-server-names",
        "sip-server-addresses",
        "aftr-name",
        "sol-max-rt",
        "inf-max-rt",
        "iana-timing-limits",
        "iapd-timing-limits",
        "server-unicast",
        "ignore-request",
        "rate-limit",
        "copy-remote-id",
        "copy-subscriber-id",
        "copy-linklayer-id",
        "dump-requests",
        "vendor-specific-information",
        "information-refresh-time",
        "static-csv",
        "static-sqlite",
        "static-lmdb",
        "plugin",
        "map-e",
        "map-t",
        "map-rule",
        "leasequery",
        "lq-sqlite",
        "listen-tcp",
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const struct dk_config_section_def *d = dk_config_schema_find(known[i]);
        if (!d)
            fail_msg("no section type %s", known[i]);
    }
    static const char *const top[] = {
        "user",
        "group",
        "pid-file",
        "control-socket",
        "control-socket-user",
        "control-socket-group",
        "workers",
        "allow-rapid-commit",
        "rapid-commit-rejections",
        "exception-window",
        "max-exceptions",
    };
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
        assert_non_null(dk_config_key_find(dk__schema_root(), top[i]));
    /* The repeatable keys the original has as multikeys. */
    assert_true(
        dk_config_key_find(dk_config_schema_find("recursive-name-servers"), "address")->flags &
        DK_CFG_MULTI);
    assert_true(dk_config_key_find(dk_config_schema_find("subnet-group"), "prefix")->flags &
                DK_CFG_MULTI);
    assert_false(dk_config_key_find(dk_config_schema_find("preference"), "level")->flags &
                 DK_CFG_MULTI);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_and_factor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bytesize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipv6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timestamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_and_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_hex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_equal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_defaults, setup, teardown),
        cmocka_unit_test(test_schema_shape),
        cmocka_unit_test(test_schema_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
