/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Whole messages through src/wire/decode.c and encode.c: client/server and
 * relay messages, relay chains at and past the limit, nesting limits,
 * DUID and domain boundaries inside options, unknown things that must
 * survive a round trip, and arena exhaustion.
 */
#include "test_util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include <dhcpkit/message.h>
#include <dhcpkit/render.h>

#include "jsoncheck.h"

#define ARENA_SIZE (4u << 20)
static _Alignas(max_align_t) uint8_t arena_mem[ARENA_SIZE];
static uint8_t wire[70000];

/* SOLICIT with CLIENTID, IA_NA (IAADDR inside), ORO, ELAPSED_TIME, RAPID_COMMIT. */
static const char solicit_hex[] = "01 f350d6"
                                  "0001 000a 0003 0001 001122334455"
                                  "0003 0028 00000001 00000e10 00001518"
                                  "  0005 0018 20010db8000000000000000000000001 00000708 00000e10"
                                  "0006 0004 0017 0018"
                                  "0008 0002 0000"
                                  "000e 0000";

static int decode(const uint8_t *p, size_t n, struct dk_msg **m, struct dk_diag *diag)
{
    struct dk_arena a;
    dk_arena_init(&a, arena_mem, sizeof(arena_mem));
    return dk_msg_decode(p, n, &a, m, diag);
}

/* Decodes, then checks that encoding gives back p[0..n) exactly. */
static void assert_round_trip(const uint8_t *p, size_t n)
{
    struct dk_msg *m;
    struct dk_diag d;
    int err = decode(p, n, &m, &d);
    if (err) {
        char line[256];
        fail_msg("decode: %s", dk_diag_format(&d, line, sizeof(line)));
    }
    struct dk_wbuf w;
    dk_wbuf_init(&w, wire, sizeof(wire));
    assert_int_equal(dk_msg_encode(&w, m), 0);
    assert_int_equal(w.len, n);
    assert_memory_equal(wire, p, n);
}

static void client_message_fields(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t n = unhex(solicit_hex, b, sizeof(b));
    struct dk_msg *m;
    assert_int_equal(decode(b, n, &m, NULL), 0);
    assert_int_equal(m->type, DK_MSG_SOLICIT);
    assert_int_equal(m->xid, 0xf350d6);
    assert_int_equal(m->nopts, 5);
    assert_int_equal(m->opts[0].code, DK_OPT_CLIENTID);
    assert_int_equal(m->opts[0].v[0].n, 10);
    assert_ptr_equal(m->opts[0].v[0].p, b + 8); /* borrows the packet */
    const struct dk_opt *ia = dk_msg_find(m, DK_OPT_IA_NA);
    assert_non_null(ia);
    assert_int_equal(ia->v[0].u, 1);
    assert_int_equal(ia->v[1].u, 3600);
    assert_int_equal(ia->v[2].u, 5400);
    assert_int_equal(ia->nopts, 1);
    assert_int_equal(ia->opts[0].code, DK_OPT_IAADDR);
    assert_int_equal(ia->opts[0].v[1].u, 1800);
    assert_int_equal(ia->opts[0].v[2].u, 3600);
    assert_int_equal(ia->opts[0].nopts, 0);
    assert_non_null(dk_msg_find(m, DK_OPT_RAPID_COMMIT));
    assert_null(dk_msg_find(m, DK_OPT_SERVERID));
    assert_ptr_equal(dk_opt_find(m->opts, m->nopts, DK_OPT_ORO), &m->opts[2]);
    size_t nrelays = 99;
    assert_ptr_equal(dk_msg_inner(m, &nrelays), m);
    assert_int_equal(nrelays, 0);
    assert_round_trip(b, n);
}

static void message_types(void **state)
{
    (void)state;
    for (unsigned t = 0; t < 256; t++) {
        bool cs = (t >= 1 && t <= 11) || (t >= 14 && t <= 17);
        assert_int_equal(dk_msg_is_client_server(t), cs);
        assert_int_equal(dk_msg_is_relay(t), t == 12 || t == 13);
        assert_int_equal(dk_msg_name(t) != NULL, t >= 1 && t <= 17);
        assert_int_equal(dk_status_name(t) != NULL, t <= 11);
    }
    assert_string_equal(dk_msg_name(DK_MSG_RELAY_FORW), "RELAY-FORW");
    assert_string_equal(dk_msg_name(DK_MSG_INFORMATION_REQUEST), "INFORMATION-REQUEST");
    assert_string_equal(dk_status_name(DK_STATUS_NO_BINDING), "NoBinding");
    assert_string_equal(dk_status_name(DK_STATUS_QUERY_TERMINATED), "QueryTerminated");
    assert_null(dk_status_name(65535));
    assert_null(dk_opt_name(65535));
    assert_null(dk_opt_name(10)); /* unassigned */
}

static void truncated_message_at_every_offset(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t n = unhex(solicit_hex, b, sizeof(b));
    /* Option boundaries after the 4-octet header: 4, 18, 62, 70, 76, 80. */
    static const size_t ok[] = {4, 18, 62, 70, 76, 80};
    assert_int_equal(n, 80);
    for (size_t k = 0; k <= n; k++) {
        bool want = false;
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
            want |= ok[i] == k;
        uint8_t *c = exact_copy(b, k);
        struct dk_msg *m = (struct dk_msg *)c;
        struct dk_diag d;
        int err = decode(c, k, &m, &d);
        if (want) {
            assert_int_equal(err, 0);
        } else {
            assert_int_equal(err, DK_ETRUNC);
            assert_null(m);
            assert_int_equal(d.err, DK_ETRUNC);
        }
        free(c);
    }
}

static void diag_names_the_path(void **state)
{
    (void)state;
    uint8_t b[256];
    /* The IAADDR inside IA_NA claims 30 octets where 24 are left. */
    size_t n = unhex("01 000001"
                     "0003 0028 00000001 00000000 00000000"
                     "  0005 001e 20010db8000000000000000000000001 00000708 00000e10",
                     b, sizeof(b));
    struct dk_msg *m;
    struct dk_diag d;
    char line[256];
    assert_int_equal(decode(b, n, &m, &d), DK_ETRUNC);
    assert_int_equal(d.npath, 2);
    assert_int_equal(d.path[0], DK_OPT_IA_NA);
    assert_int_equal(d.path[1], DK_OPT_IAADDR);
    assert_int_equal(d.offset, 20);
    assert_string_equal(dk_diag_format(&d, line, sizeof(line)),
                        "offset 20: option 5 (IAADDR) in option 3 (IA_NA): "
                        "length 30 exceeds the 24 octets left");
    /* A tiny output buffer is NUL-terminated, never overrun. */
    char tiny[8];
    assert_string_equal(dk_diag_format(&d, tiny, sizeof(tiny)), "offset ");
}

/* Builds n relay messages of the given type and hop count around a SOLICIT;
 * returns the octets written to out. */
static size_t build_chain(uint8_t *out, size_t cap, size_t nrelays, int hop, uint8_t type)
{
    static const uint8_t inner[] = {0x01, 0xab, 0xcd, 0xef, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00};
    size_t total = sizeof(inner) + nrelays * 38;
    assert_true(total <= cap);
    size_t pos = total - sizeof(inner);
    memcpy(out + pos, inner, sizeof(inner));
    for (size_t i = nrelays; i-- > 0;) {
        size_t body = total - pos;
        assert_true(body <= 0xffff);
        pos -= 38;
        uint8_t *h = out + pos;
        h[0] = type ? type : (i % 2 ? DK_MSG_RELAY_REPL : DK_MSG_RELAY_FORW);
        h[1] = (uint8_t)(hop < 0 ? i : (size_t)hop);
        memset(h + 2, 0x20, 16);    /* link-address */
        memset(h + 18, (int)i, 16); /* peer-address: the level, to check the order */
        h[34] = 0;
        h[35] = DK_OPT_RELAY_MSG;
        h[36] = (uint8_t)(body >> 8);
        h[37] = (uint8_t)body;
    }
    assert_int_equal(pos, 0);
    return total;
}

static void relay_chain_of_32_decodes(void **state)
{
    (void)state;
    static const int hops[] = {0, 255, -1};
    static const uint8_t types[] = {DK_MSG_RELAY_FORW, DK_MSG_RELAY_REPL, 0};
    for (size_t h = 0; h < 3; h++) {
        for (size_t t = 0; t < 3; t++) {
            for (size_t depth = 0; depth <= DK_HOP_COUNT_LIMIT; depth++) {
                size_t n = build_chain(wire, sizeof(wire), depth, hops[h], types[t]);
                uint8_t *c = exact_copy(wire, n);
                struct dk_msg *m;
                struct dk_diag d;
                assert_int_equal(decode(c, n, &m, &d), 0);
                size_t nrelays = 99;
                const struct dk_msg *in = dk_msg_inner(m, &nrelays);
                assert_int_equal(nrelays, depth);
                assert_int_equal(in->type, DK_MSG_SOLICIT);
                assert_int_equal(in->xid, 0xabcdef);
                /* Walk down and check the levels came out in order. */
                const struct dk_msg *r = m;
                for (size_t i = 0; i < depth; i++) {
                    assert_true(dk_msg_is_relay(r->type));
                    assert_int_equal(r->peer[15], (uint8_t)i);
                    assert_int_equal(r->hop_count, hops[h] < 0 ? i : (size_t)hops[h]);
                    r = dk_msg_find(r, DK_OPT_RELAY_MSG)->msg;
                }
                assert_ptr_equal(r, in);
                assert_round_trip(c, n);
                free(c);
            }
        }
    }
}

static void relay_chain_of_33_is_too_deep(void **state)
{
    (void)state;
    static const int hops[] = {0, 255, -1};
    for (size_t h = 0; h < 3; h++) {
        size_t n = build_chain(wire, sizeof(wire), DK_HOP_COUNT_LIMIT + 1, hops[h], 0);
        uint8_t *c = exact_copy(wire, n);
        struct dk_msg *m = (struct dk_msg *)c;
        struct dk_diag d;
        assert_int_equal(decode(c, n, &m, &d), DK_EDEPTH);
        assert_null(m);
        /* The 33rd relay message is the one refused, after 32 relay headers
         * and Relay Message option headers of 38 octets each. */
        assert_int_equal(d.offset, 32 * 38);
        assert_int_equal(d.npath, 32);
        for (size_t i = 0; i < d.npath; i++)
            assert_int_equal(d.path[i], DK_OPT_RELAY_MSG);
        free(c);
    }
}

static void relay_chain_filling_a_datagram(void **state)
{
    (void)state;
    /* As many relay messages as fit one 64 KiB datagram (1724 of them, the
     * odhcpd recursion of 2026): refused with DK_EDEPTH, without recursion;
     * the test also runs under AddressSanitizer in the clang build. */
    size_t depth = (65535 - 10) / 38;
    assert_int_equal(depth, 1724);
    static const int hops[] = {0, 255};
    for (size_t h = 0; h < 2; h++) {
        size_t n = build_chain(wire, sizeof(wire), depth, hops[h], DK_MSG_RELAY_FORW);
        assert_true(n <= 65535);
        uint8_t *c = exact_copy(wire, n);
        struct dk_msg *m;
        struct dk_diag d;
        assert_int_equal(decode(c, n, &m, &d), DK_EDEPTH);
        assert_null(m);
        assert_int_equal(d.offset, 32 * 38);
        free(c);
    }
}

/* A message nested depth levels deep through OPTION_LQ_RELAY_DATA (no relay
 * messages at all): LEASEQUERY-REPLY wrappers around a SOLICIT. */
static size_t build_lq_nesting(uint8_t *out, size_t cap, size_t wrappers)
{
    static const uint8_t inner[] = {0x01, 0x00, 0x00, 0x01};
    size_t each = 4 + 4 + 16, total = sizeof(inner) + wrappers * each;
    assert_true(total <= cap);
    size_t pos = total - sizeof(inner);
    memcpy(out + pos, inner, sizeof(inner));
    for (size_t i = wrappers; i-- > 0;) {
        size_t body = total - pos + 16;
        pos -= each;
        uint8_t *h = out + pos;
        h[0] = DK_MSG_LEASEQUERY_REPLY;
        h[1] = h[2] = 0;
        h[3] = (uint8_t)i;
        h[4] = 0;
        h[5] = DK_OPT_LQ_RELAY_DATA;
        h[6] = (uint8_t)(body >> 8);
        h[7] = (uint8_t)body;
        memset(h + 8, 0x20, 16);
    }
    return total;
}

static void message_nesting_limit(void **state)
{
    (void)state;
    struct dk_msg *m;
    struct dk_diag d;
    /* DK_MAX_MSG_NESTING messages in all are fine, one more is not. */
    size_t n = build_lq_nesting(wire, sizeof(wire), DK_MAX_MSG_NESTING - 1);
    assert_int_equal(decode(wire, n, &m, &d), 0);
    assert_round_trip(wire, n);
    n = build_lq_nesting(wire, sizeof(wire), DK_MAX_MSG_NESTING);
    assert_int_equal(decode(wire, n, &m, &d), DK_EDEPTH);
    n = build_lq_nesting(wire, sizeof(wire), 2000);
    assert_int_equal(decode(wire, n, &m, &d), DK_EDEPTH);
}

/* levels nested OPTION_CLIENT_DATA options around an ELAPSED_TIME, in a
 * LEASEQUERY-REPLY. */
static size_t build_option_nesting(uint8_t *out, size_t cap, size_t levels)
{
    static const uint8_t leaf[] = {0x00, 0x08, 0x00, 0x02, 0x00, 0x00};
    size_t total = 4 + levels * 4 + sizeof(leaf);
    assert_true(total <= cap);
    memcpy(out + total - sizeof(leaf), leaf, sizeof(leaf));
    out[0] = DK_MSG_LEASEQUERY_REPLY;
    out[1] = out[2] = out[3] = 0;
    for (size_t i = 0; i < levels; i++) {
        uint8_t *h = out + 4 + i * 4;
        size_t body = total - 4 - i * 4 - 4;
        h[0] = 0;
        h[1] = DK_OPT_CLIENT_DATA;
        h[2] = (uint8_t)(body >> 8);
        h[3] = (uint8_t)body;
    }
    return total;
}

static void option_nesting_limit(void **state)
{
    (void)state;
    struct dk_msg *m;
    struct dk_diag d;
    /* The leaf is at depth levels + 1: DK_MAX_OPT_DEPTH levels of options are fine. */
    size_t n = build_option_nesting(wire, sizeof(wire), DK_MAX_OPT_DEPTH - 1);
    assert_int_equal(decode(wire, n, &m, &d), 0);
    assert_round_trip(wire, n);
    n = build_option_nesting(wire, sizeof(wire), DK_MAX_OPT_DEPTH);
    assert_int_equal(decode(wire, n, &m, &d), DK_EDEPTH);
    assert_int_equal(d.npath, DK_MAX_OPT_DEPTH);
    n = build_option_nesting(wire, sizeof(wire), 10000);
    assert_int_equal(decode(wire, n, &m, &d), DK_EDEPTH);
}

/* A SOLICIT whose CLIENTID carries a DUID of len octets (type + body). */
static size_t solicit_with_duid(uint8_t *out, size_t len, uint16_t type)
{
    out[0] = 1;
    out[1] = out[2] = out[3] = 0x11;
    out[4] = 0;
    out[5] = DK_OPT_CLIENTID;
    out[6] = (uint8_t)(len >> 8);
    out[7] = (uint8_t)len;
    memset(out + 8, 0x42, len);
    out[8] = (uint8_t)(type >> 8);
    out[9] = (uint8_t)type;
    return 8 + len;
}

static void duid_boundaries(void **state)
{
    (void)state;
    uint8_t b[256];
    struct dk_msg *m;
    struct dk_diag d;
    static const uint16_t types[] = {DK_DUID_LL, 0x7777};
    for (size_t t = 0; t < 2; t++) {
        size_t min = types[t] == DK_DUID_LL ? 4 : 3;
        for (size_t len = 0; len <= 140; len++) {
            size_t n = solicit_with_duid(b, len, types[t]);
            bool ok = len >= min && len <= DK_DUID_MAX_LEN;
            int err = decode(b, n, &m, &d);
            assert_int_equal(err, ok ? 0 : DK_EDUID);
            if (ok)
                assert_round_trip(b, n);
            else
                assert_int_equal(d.path[0], DK_OPT_CLIENTID);
        }
    }
    /* The named boundaries. */
    assert_int_equal(decode(b, solicit_with_duid(b, 2, 0x7777), &m, &d), DK_EDUID);
    assert_int_equal(decode(b, solicit_with_duid(b, 3, 0x7777), &m, &d), 0);
    assert_int_equal(decode(b, solicit_with_duid(b, 130, DK_DUID_LL), &m, &d), 0);
    assert_int_equal(decode(b, solicit_with_duid(b, 131, DK_DUID_LL), &m, &d), DK_EDUID);
}

/* A REPLY with one DOMAIN_LIST holding the given name octets. */
static size_t reply_with_domains(uint8_t *out, const uint8_t *names, size_t n)
{
    out[0] = DK_MSG_REPLY;
    out[1] = out[2] = out[3] = 0;
    out[4] = 0;
    out[5] = DK_OPT_DOMAIN_LIST;
    out[6] = (uint8_t)(n >> 8);
    out[7] = (uint8_t)n;
    memcpy(out + 8, names, n);
    return 8 + n;
}

static size_t make_name(uint8_t *out, const size_t *labels, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        out[o++] = (uint8_t)labels[i];
        memset(out + o, 'a' + (int)i, labels[i]);
        o += labels[i];
    }
    out[o++] = 0;
    return o;
}

static void domain_boundaries(void **state)
{
    (void)state;
    uint8_t name[300], b[400];
    struct dk_msg *m;
    struct dk_diag d;
    size_t k;

    k = make_name(name, (size_t[]){63, 3}, 2);
    assert_int_equal(decode(b, reply_with_domains(b, name, k), &m, &d), 0);
    assert_round_trip(b, reply_with_domains(b, name, k));
    k = make_name(name, (size_t[]){64, 3}, 2);
    assert_int_equal(decode(b, reply_with_domains(b, name, k), &m, &d), DK_EDOMAIN);
    assert_int_equal(d.path[0], DK_OPT_DOMAIN_LIST);

    k = make_name(name, (size_t[]){63, 63, 63, 61}, 4);
    assert_int_equal(k, 255);
    assert_int_equal(decode(b, reply_with_domains(b, name, k), &m, &d), 0);
    k = make_name(name, (size_t[]){63, 63, 63, 62}, 4);
    assert_int_equal(k, 256);
    assert_int_equal(decode(b, reply_with_domains(b, name, k), &m, &d), DK_EDOMAIN);

    /* example.com, then www + a pointer back to it (RFC 1035 §4.1.4). */
    k = unhex("076578616d706c6503636f6d00 03777777 c000", name, sizeof(name));
    assert_int_equal(decode(b, reply_with_domains(b, name, k), &m, &d), DK_EDOMAIN);
    /* The same pointer in a single-name option (AFTR_NAME) and an FQDN. */
    k = unhex("07 000001 0040 0006 03777777 c00c", b, sizeof(b));
    assert_int_equal(decode(b, k, &m, &d), DK_EDOMAIN);
    k = unhex("07 000001 0027 0007 00 03777777 c00c", b, sizeof(b));
    assert_int_equal(decode(b, k, &m, &d), DK_EDOMAIN);
}

static void unknown_things_round_trip(void **state)
{
    (void)state;
    static const char *const cases[] = {
        /* an unknown option code, and one with an empty body */
        "01 000001 fff0 0005 0102030405 1234 0000",
        /* a DUID of an unknown type in CLIENTID and SERVERID */
        "07 000001 0001 0006 abcd 01020304 0002 0003 ffff 00",
        /* unknown message types, with and without a body */
        "00 01020304",
        "12",
        "c8 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f",
        "ff ffffffffffffffffff",
        /* an unknown message type inside a relay message */
        "0c 05 20010db8000000000000000000000001 fe800000000000000000000000000001"
        "  0009 0004 c8 616263",
        /* an unknown NTP sub-option among known ones */
        "07 000001 0038 0019 0001 0010 20010db8000000000000000000000001 0063 0001 7a",
        /* vendor sub-options: codes of the enterprise's own */
        "07 000001 0011 0016 00009d10 0001 0002 abcd 0002 0000 fffe 0004 01020304",
        /* an unknown option inside IA_NA and inside IAADDR */
        "07 000001 0003 0030 00000001 00000000 00000000 0005 001c"
        "  20010db8000000000000000000000001 00000000 00000000 7777 0000 8888 0000",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t b[512];
        size_t n = unhex(cases[i], b, sizeof(b));
        assert_round_trip(b, n);
    }
    /* And what the tree says about them. */
    uint8_t b[512];
    struct dk_msg *m;
    size_t n = unhex(cases[0], b, sizeof(b));
    assert_int_equal(decode(b, n, &m, NULL), 0);
    assert_null(m->opts[0].def);
    assert_int_equal(m->opts[0].v[0].n, 5);
    assert_memory_equal(m->opts[0].v[0].p, "\x01\x02\x03\x04\x05", 5);
    n = unhex(cases[4], b, sizeof(b));
    assert_int_equal(decode(b, n, &m, NULL), 0);
    assert_int_equal(m->type, 200);
    assert_int_equal(m->nraw, 16);
    assert_ptr_equal(m->raw, b + 1);
    assert_int_equal(m->nopts, 0);
    n = unhex(cases[7], b, sizeof(b));
    assert_int_equal(decode(b, n, &m, NULL), 0);
    assert_int_equal(m->opts[0].nopts, 2);
    assert_non_null(m->opts[0].opts[0].def);
    assert_int_equal(m->opts[0].opts[0].space, DK_SPACE_NTP);
    assert_null(m->opts[0].opts[1].def);
    n = unhex(cases[8], b, sizeof(b));
    assert_int_equal(decode(b, n, &m, NULL), 0);
    assert_int_equal(m->opts[0].nopts, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_null(m->opts[0].opts[i].def);
        assert_int_equal(m->opts[0].opts[i].space, DK_SPACE_VENDOR);
    }
}

/* A SOLICIT holding count options, unknown (code 0xfff0) or ELAPSED_TIME. */
static size_t many_options(uint8_t *out, size_t count, bool known)
{
    out[0] = 1;
    out[1] = out[2] = out[3] = 0;
    size_t o = 4;
    for (size_t i = 0; i < count; i++) {
        out[o] = known ? 0x00 : 0xff;
        out[o + 1] = known ? DK_OPT_ELAPSED_TIME : 0xf0;
        out[o + 2] = 0;
        out[o + 3] = known ? 2 : 0;
        o += 4;
        if (known) {
            out[o] = (uint8_t)(i >> 8);
            out[o + 1] = (uint8_t)i;
            o += 2;
        }
    }
    return o;
}

static void thousands_of_options(void **state)
{
    (void)state;
    struct dk_msg *m;
    struct dk_diag d;
    struct dk_arena a;
    /* 16382 empty options fill a 64 KiB datagram. */
    size_t n = many_options(wire, 16382, false);
    assert_true(n <= 65535);
    assert_int_equal(decode(wire, n, &m, &d), 0);
    assert_int_equal(m->nopts, 16382);
    assert_round_trip(wire, n);
    n = many_options(wire, 10922, true);
    assert_int_equal(decode(wire, n, &m, &d), 0);
    assert_int_equal(m->nopts, 10922);
    assert_int_equal(m->opts[10921].v[0].u, 10921);
    assert_round_trip(wire, n);
    /* A small arena: DK_ENOMEM, no tree, no crash. */
    static _Alignas(max_align_t) uint8_t small[64 * 1024];
    dk_arena_init(&a, small, sizeof(small));
    m = (struct dk_msg *)small;
    assert_int_equal(dk_msg_decode(wire, n, &a, &m, &d), DK_ENOMEM);
    assert_null(m);
    assert_int_equal(d.err, DK_ENOMEM);
    /* No arena at all, for a message and for an option run. */
    struct dk_opt *opts = (struct dk_opt *)small;
    size_t nopts = 1;
    dk_arena_init(&a, small, 0);
    assert_int_equal(dk_msg_decode(wire, n, &a, &m, &d), DK_ENOMEM);
    assert_null(m);
    assert_int_equal(dk_opts_decode(wire + 4, 6, DK_SPACE_DHCPV6, &a, &opts, &nopts, &d),
                     DK_ENOMEM);
    assert_int_equal(nopts, 0);
    assert_int_equal(d.err, DK_ENOMEM);
}

static void every_arena_size(void **state)
{
    (void)state;
    /* A message with nested options, an encapsulated message and
     * sub-options, decoded with every arena size up to what it needs:
     * DK_ENOMEM below, success from there on, nothing else. */
    uint8_t b[512];
    size_t n = unhex("0c 00 20010db8000000000000000000000001 fe800000000000000000000000000001"
                     "0012 0003 616263"
                     "0009 004a 01 f350d6"
                     "  0001 000a 0003 0001 001122334455"
                     "  0003 0028 00000001 00000e10 00001518"
                     "    0005 0018 20010db8000000000000000000000001 00000708 00000e10"
                     "  0038 0008 0063 0004 01020304",
                     b, sizeof(b));
    static _Alignas(max_align_t) uint8_t mem[64 * 1024];
    bool succeeded = false;
    size_t need = 0;
    for (size_t cap = 0; cap <= sizeof(mem); cap++) {
        struct dk_arena a;
        struct dk_msg *m;
        dk_arena_init(&a, mem, cap);
        int err = dk_msg_decode(b, n, &a, &m, NULL);
        if (err == 0) {
            succeeded = true;
            need = cap;
            assert_true(a.used <= cap);
            break;
        }
        assert_int_equal(err, DK_ENOMEM);
        assert_null(m);
    }
    assert_true(succeeded);
    for (size_t cap = need; cap < need + 256; cap++) {
        struct dk_arena a;
        struct dk_msg *m;
        dk_arena_init(&a, mem, cap);
        assert_int_equal(dk_msg_decode(b, n, &a, &m, NULL), 0);
    }
    assert_round_trip(b, n);
}

static void encode_errors(void **state)
{
    (void)state;
    uint8_t b[256];
    size_t n = unhex(solicit_hex, b, sizeof(b));
    struct dk_msg *m;
    assert_int_equal(decode(b, n, &m, NULL), 0);
    /* Every buffer shorter than the message: DK_ENOSPC. */
    for (size_t cap = 0; cap < n; cap++) {
        uint8_t *out = malloc(cap ? cap : 1);
        struct dk_wbuf w;
        dk_wbuf_init(&w, out, cap);
        assert_int_equal(dk_msg_encode(&w, m), DK_ENOSPC);
        assert_true(w.len <= cap);
        free(out);
    }
    /* A relay message whose RELAY_MSG has no message: DK_EINVAL. */
    const struct dk_optdef *relay_msg = dk_optdef_find(DK_SPACE_DHCPV6, DK_OPT_RELAY_MSG);
    struct dk_opt opt = {.code = DK_OPT_RELAY_MSG, .def = relay_msg};
    struct dk_msg relay = {.type = DK_MSG_RELAY_FORW, .opts = &opt, .nopts = 1};
    struct dk_wbuf w;
    dk_wbuf_init(&w, wire, sizeof(wire));
    assert_int_equal(dk_msg_encode(&w, &relay), DK_EINVAL);
}

static void encode_depth_is_bounded(void **state)
{
    (void)state;
    /* A tree built by hand (not by the decoder) 2000 relays deep: the
     * encoder refuses with DK_EDEPTH instead of recursing without end. */
    enum { DEPTH = 2000 };
    struct dk_msg *msgs = calloc(DEPTH + 1, sizeof(*msgs));
    struct dk_opt *opts = calloc(DEPTH, sizeof(*opts));
    assert_non_null(msgs);
    assert_non_null(opts);
    const struct dk_optdef *relay_msg = dk_optdef_find(DK_SPACE_DHCPV6, DK_OPT_RELAY_MSG);
    for (size_t i = 0; i < DEPTH; i++) {
        msgs[i].type = DK_MSG_RELAY_FORW;
        msgs[i].opts = &opts[i];
        msgs[i].nopts = 1;
        opts[i].code = DK_OPT_RELAY_MSG;
        opts[i].def = relay_msg;
        opts[i].msg = &msgs[i + 1];
    }
    msgs[DEPTH].type = DK_MSG_SOLICIT;
    struct dk_wbuf w;
    dk_wbuf_init(&w, wire, sizeof(wire));
    assert_int_equal(dk_msg_encode(&w, &msgs[0]), DK_EDEPTH);
    /* The 32-relay chain the decoder accepts encodes. */
    msgs[DK_HOP_COUNT_LIMIT].type = DK_MSG_SOLICIT;
    msgs[DK_HOP_COUNT_LIMIT].nopts = 0;
    dk_wbuf_init(&w, wire, sizeof(wire));
    assert_int_equal(dk_msg_encode(&w, &msgs[0]), 0);
    assert_int_equal(w.len, DK_HOP_COUNT_LIMIT * 38 + 4);
    free(opts);
    free(msgs);
}

static void relay_without_relay_msg(void **state)
{
    (void)state;
    uint8_t b[128];
    size_t n = unhex("0d 01 20010db8000000000000000000000001 fe800000000000000000000000000001"
                     "0012 0003 616263",
                     b, sizeof(b));
    struct dk_msg *m;
    assert_int_equal(decode(b, n, &m, NULL), 0);
    size_t nrelays = 99;
    assert_ptr_equal(dk_msg_inner(m, &nrelays), m);
    assert_int_equal(nrelays, 0);
    assert_int_equal(m->hop_count, 1);
    assert_int_equal(m->link[15], 1);
    assert_int_equal(m->peer[0], 0xfe);
    assert_round_trip(b, n);
    /* A relay header cut short, and an empty Relay Message option. */
    assert_int_equal(decode(b, 33, &m, NULL), DK_ETRUNC);
    n = unhex("0c 00 20010db8000000000000000000000001 fe800000000000000000000000000001 0009 0000",
              b, sizeof(b));
    assert_int_equal(decode(b, n, &m, NULL), DK_ELENGTH);
}

/*
 * A tree DK_MAX_NESTING levels deep at a given number of IAADDR levels: 32
 * relays (levels 1-64), a Solicit (65), an IA_NA (66) and `iaaddrs` IAADDR
 * options nested inside each other (67 on). Built from the inside out.
 */
static size_t build_deep(uint8_t *out, size_t cap, unsigned iaaddrs)
{
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = 0;
    for (unsigned k = 0; k < iaaddrs; k++) { /* IAADDR: addr, lifetimes, options */
        memmove(buf + 28, buf, n);
        buf[0] = 0, buf[1] = DK_OPT_IAADDR;
        buf[2] = (uint8_t)((24 + n) >> 8), buf[3] = (uint8_t)(24 + n);
        memset(buf + 4, 0x20, 24);
        n += 28;
    }
    memmove(buf + 16, buf, n); /* IA_NA: iaid, t1, t2, options */
    buf[0] = 0, buf[1] = DK_OPT_IA_NA;
    buf[2] = (uint8_t)((12 + n) >> 8), buf[3] = (uint8_t)(12 + n);
    memset(buf + 4, 0, 12);
    n += 16;
    memmove(buf + 4, buf, n); /* the Solicit */
    buf[0] = DK_MSG_SOLICIT, buf[1] = 0, buf[2] = 0, buf[3] = 1;
    n += 4;
    for (unsigned r = 0; r < DK_MAX_RELAYS; r++) { /* relay header + Relay Message */
        memmove(buf + 38, buf, n);
        buf[0] = DK_MSG_RELAY_FORW, buf[1] = (uint8_t)r;
        memset(buf + 2, 0x20, 32);
        buf[34] = 0, buf[35] = DK_OPT_RELAY_MSG;
        buf[36] = (uint8_t)(n >> 8), buf[37] = (uint8_t)n;
        n += 38;
    }
    assert_true(n <= cap);
    memcpy(out, buf, n);
    free(buf);
    return n;
}

struct deep_job {
    const uint8_t *p;
    size_t n;
    int decode, encode, json, text;
    size_t enc_len;
};

static void *deep_worker(void *arg)
{
    struct deep_job *j = arg;
    struct dk_arena a;
    struct dk_msg *m;
    static char rendered[1 << 20];
    static uint8_t enc[8192];
    struct dk_wbuf w;
    dk_arena_init(&a, arena_mem, sizeof(arena_mem));
    j->decode = dk_msg_decode(j->p, j->n, &a, &m, NULL);
    if (j->decode)
        return NULL;
    dk_wbuf_init(&w, enc, sizeof(enc));
    j->encode = dk_msg_encode(&w, m);
    j->enc_len = w.len;
    dk_wbuf_init(&w, (uint8_t *)rendered, sizeof(rendered));
    j->json = dk_msg_to_json(&w, m);
    if (j->json == 0 && json_check(rendered, w.len) >= 0)
        j->json = -100;
    dk_wbuf_init(&w, (uint8_t *)rendered, sizeof(rendered));
    j->text = dk_msg_to_text(&w, m);
    return NULL;
}

static void deepest_tree_on_a_small_stack(void **state)
{
    (void)state;
    /* Decoding, encoding and rendering the deepest accepted tree fit in a
     * 512 KiB thread stack, even in an unoptimised ASan build: the recursive
     * encoder and renderer are bounded by DK_MAX_NESTING. */
    enum { IAADDRS = DK_MAX_NESTING - 66 };
    size_t n = build_deep(wire, sizeof(wire), IAADDRS + 1);
    struct dk_msg *m;
    struct dk_diag d;
    /* One level more than DK_MAX_NESTING is refused... */
    assert_int_equal(decode(wire, n, &m, &d), DK_EDEPTH);
    /* ...and the deepest accepted tree is decoded, encoded and rendered. */
    n = build_deep(wire, sizeof(wire), IAADDRS);
    assert_int_equal(decode(wire, n, &m, &d), 0);
    struct deep_job j = {.p = wire, .n = n};
    pthread_attr_t attr;
    pthread_t t;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 512 * 1024), 0);
    assert_int_equal(pthread_create(&t, &attr, deep_worker, &j), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&attr);
    assert_int_equal(j.decode, 0);
    assert_int_equal(j.encode, 0);
    assert_int_equal(j.enc_len, n);
    assert_int_equal(j.json, 0);
    assert_int_equal(j.text, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(client_message_fields),
        cmocka_unit_test(message_types),
        cmocka_unit_test(truncated_message_at_every_offset),
        cmocka_unit_test(diag_names_the_path),
        cmocka_unit_test(relay_chain_of_32_decodes),
        cmocka_unit_test(relay_chain_of_33_is_too_deep),
        cmocka_unit_test(relay_chain_filling_a_datagram),
        cmocka_unit_test(message_nesting_limit),
        cmocka_unit_test(option_nesting_limit),
        cmocka_unit_test(duid_boundaries),
        cmocka_unit_test(domain_boundaries),
        cmocka_unit_test(unknown_things_round_trip),
        cmocka_unit_test(thousands_of_options),
        cmocka_unit_test(every_arena_size),
        cmocka_unit_test(encode_errors),
        cmocka_unit_test(encode_depth_is_bounded),
        cmocka_unit_test(relay_without_relay_msg),
        cmocka_unit_test(deepest_tree_on_a_small_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
