/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every option definition, exercised through the generic decoder, encoder
 * and renderer (src/wire/decode.c, encode.c, render.c, opts_*.c): a sample
 * body per option (the test fails when a definition has none), round trip,
 * truncation at every offset, length field +1 and -1, and JSON rendering.
 */
#include "test_util.h"

#include <stdbool.h>
#include <stdio.h>

#include <dhcpkit/message.h>
#include <dhcpkit/options.h>
#include <dhcpkit/render.h>

#include "jsoncheck.h"

#define A1 "20010db8000000000000000000000001"
#define A2 "20010db8000000000000000000000002"
#define IAADDR_BODY                                                                                \
    A1 "00000708 00000e10"                                                                         \
       "000d 0004 0000 4f4b"
#define IAPREFIX_BODY                                                                              \
    "00000708 00000e10 30 20010db8000100000000000000000000"                                        \
    "0043 0003 40 0001"
#define S46_RULE_BODY                                                                              \
    "00 10 18c0000200 28 20010db800"                                                               \
    "005d 0004 06080034"
#define S46_V4V6BIND_BODY                                                                          \
    "c0000201 38 20010db8000102"                                                                   \
    "005d 0004 06080034"
#define EXAMPLE_COM "076578616d706c6503636f6d00"

/* A representative valid body for every option we know, keyed by space and code. */
static const struct sample {
    uint8_t space;
    uint16_t code;
    const char *body;
} samples[] = {
    {DK_SPACE_DHCPV6, DK_OPT_CLIENTID, "0003 0001 001122334455"},
    {DK_SPACE_DHCPV6, DK_OPT_SERVERID, "0001 0001 00000001 aabbccddeeff"},
    {DK_SPACE_DHCPV6, DK_OPT_IA_NA, "00000001 00000e10 00001518 0005 0020" IAADDR_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_IA_TA, "00000002 0005 0020" IAADDR_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_IAADDR, IAADDR_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_ORO, "0017 0018 0038"},
    {DK_SPACE_DHCPV6, DK_OPT_PREFERENCE, "ff"},
    {DK_SPACE_DHCPV6, DK_OPT_ELAPSED_TIME, "0064"},
    {DK_SPACE_DHCPV6, DK_OPT_RELAY_MSG, "01abcdef 0008 0002 0000 0006 0002 0017"},
    {DK_SPACE_DHCPV6, DK_OPT_AUTH, "03 01 00 0102030405060708 deadbeef"},
    {DK_SPACE_DHCPV6, DK_OPT_UNICAST, A1},
    {DK_SPACE_DHCPV6, DK_OPT_STATUS_CODE, "0002 4e6f20616464726573736573"},
    {DK_SPACE_DHCPV6, DK_OPT_RAPID_COMMIT, ""},
    {DK_SPACE_DHCPV6, DK_OPT_USER_CLASS, "0003 616263 0001 78"},
    {DK_SPACE_DHCPV6, DK_OPT_VENDOR_CLASS, "00000009 0004 74657374 0000"},
    {DK_SPACE_DHCPV6, DK_OPT_VENDOR_OPTS, "00000009 0001 0002 abcd 0002 0000"},
    {DK_SPACE_DHCPV6, DK_OPT_INTERFACE_ID, "4661322f33"},
    {DK_SPACE_DHCPV6, DK_OPT_RECONF_MSG, "05"},
    {DK_SPACE_DHCPV6, DK_OPT_RECONF_ACCEPT, ""},
    {DK_SPACE_DHCPV6, DK_OPT_SIP_SERVER_D, "03736970" EXAMPLE_COM},
    {DK_SPACE_DHCPV6, DK_OPT_SIP_SERVER_A, A1},
    {DK_SPACE_DHCPV6, DK_OPT_DNS_SERVERS, A1 A2},
    {DK_SPACE_DHCPV6, DK_OPT_DOMAIN_LIST, EXAMPLE_COM "036f726700"},
    {DK_SPACE_DHCPV6, DK_OPT_IA_PD, "00000003 00000e10 00001518 001a 0020" IAPREFIX_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_IAPREFIX, IAPREFIX_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_NIS_SERVERS, A1},
    {DK_SPACE_DHCPV6, DK_OPT_NISP_SERVERS, A2},
    {DK_SPACE_DHCPV6, DK_OPT_NIS_DOMAIN_NAME, "036e6973" EXAMPLE_COM},
    {DK_SPACE_DHCPV6, DK_OPT_NISP_DOMAIN_NAME, "046e697370" EXAMPLE_COM},
    {DK_SPACE_DHCPV6, DK_OPT_SNTP_SERVERS, A1 A2},
    {DK_SPACE_DHCPV6, DK_OPT_INFORMATION_REFRESH_TIME, "00015180"},
    {DK_SPACE_DHCPV6, DK_OPT_REMOTE_ID, "00000009 0102030405"},
    {DK_SPACE_DHCPV6, DK_OPT_SUBSCRIBER_ID, "737562736372696265722d31"},
    {DK_SPACE_DHCPV6, DK_OPT_CLIENT_FQDN, "01 04686f7374" EXAMPLE_COM},
    {DK_SPACE_DHCPV6, DK_OPT_NEW_POSIX_TIMEZONE, "45535435454454"},
    {DK_SPACE_DHCPV6, DK_OPT_NEW_TZDB_TIMEZONE, "4575726f70652f416d7374657264616d"},
    {DK_SPACE_DHCPV6, DK_OPT_ERO, "0025 0026"},
    {DK_SPACE_DHCPV6, DK_OPT_LQ_QUERY, "01" A1 "0005 0018" A1 "00000000 00000000"},
    {DK_SPACE_DHCPV6, DK_OPT_CLIENT_DATA, "0001 000a 00030001001122334455 002e 0004 00000384"},
    {DK_SPACE_DHCPV6, DK_OPT_CLT_TIME, "00000384"},
    {DK_SPACE_DHCPV6, DK_OPT_LQ_RELAY_DATA,
     A2 "0c 00" A2 "fe800000000000000000000000000022 0012 0005 4661322f33"},
    {DK_SPACE_DHCPV6, DK_OPT_LQ_CLIENT_LINK, A1 A2},
    {DK_SPACE_DHCPV6, DK_OPT_RELAY_ID, "0002 00000009 0102030405"},
    {DK_SPACE_DHCPV6, DK_OPT_NTP_SERVER, "0001 0010" A1 "0003 0011 036e7470" EXAMPLE_COM},
    {DK_SPACE_DHCPV6, DK_OPT_AFTR_NAME, "0461667472" EXAMPLE_COM},
    {DK_SPACE_DHCPV6, DK_OPT_RSOO, "0007 0001 0a"},
    {DK_SPACE_DHCPV6, DK_OPT_PD_EXCLUDE, "40 0001"},
    {DK_SPACE_DHCPV6, DK_OPT_CLIENT_LINKLAYER_ADDR, "0001 001122334455"},
    {DK_SPACE_DHCPV6, DK_OPT_RADIUS, "01 07 616c696365 1a 06 00000009"},
    {DK_SPACE_DHCPV6, DK_OPT_SOL_MAX_RT, "00000e10"},
    {DK_SPACE_DHCPV6, DK_OPT_INF_MAX_RT, "00015180"},
    {DK_SPACE_DHCPV6, DK_OPT_V6_PCP_SERVER, A1},
    {DK_SPACE_DHCPV6, DK_OPT_S46_RULE, S46_RULE_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_S46_BR, A1},
    {DK_SPACE_DHCPV6, DK_OPT_S46_DMR, "40 20010db8ffff0000"},
    {DK_SPACE_DHCPV6, DK_OPT_S46_V4V6BIND, S46_V4V6BIND_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_S46_PORTPARAMS, "06 08 0034"},
    {DK_SPACE_DHCPV6, DK_OPT_S46_CONT_MAPE, "0059 0015" S46_RULE_BODY "005a 0010" A1},
    {DK_SPACE_DHCPV6, DK_OPT_S46_CONT_MAPT,
     "0059 0015" S46_RULE_BODY "005b 0009 40 20010db8ffff0000"},
    {DK_SPACE_DHCPV6, DK_OPT_S46_CONT_LW, "005a 0010" A1 "005c 0014" S46_V4V6BIND_BODY},
    {DK_SPACE_DHCPV6, DK_OPT_MUD_URL_V6, "68747470733a2f2f6578616d706c652e636f6d2f6d7564"},
    {DK_SPACE_DHCPV6, DK_OPT_RELAY_PORT, "0223"},
    {DK_SPACE_NTP, DK_NTP_SUBOPTION_SRV_ADDR, A1},
    {DK_SPACE_NTP, DK_NTP_SUBOPTION_MC_ADDR, "ff050000000000000000000000000101"},
    {DK_SPACE_NTP, DK_NTP_SUBOPTION_SRV_FQDN, "036e7470" EXAMPLE_COM},
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static const struct sample *sample_for(const struct dk_optdef *def)
{
    for (size_t i = 0; i < NSAMPLES; i++)
        if (samples[i].space == def->space && samples[i].code == def->code)
            return &samples[i];
    return NULL;
}

/* The sample as a whole option (header + body) in out; returns its size. */
static size_t sample_option(const struct sample *s, uint8_t *out, size_t cap)
{
    size_t n = unhex(s->body, out + 4, cap - 4);
    out[0] = (uint8_t)(s->code >> 8);
    out[1] = (uint8_t)s->code;
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    return n + 4;
}

static bool is_rest_kind(unsigned kind)
{
    return kind >= DK_F_BYTES && kind <= DK_F_MESSAGE;
}

/*
 * Octets of the fixed part of a body, computed here from the definition and
 * the sample (a VPREFIX6 field's size depends on its prefix-length octet),
 * independently of the decoder.
 */
static size_t fixed_part(const struct dk_optdef *def, const uint8_t *body)
{
    size_t off = 0;
    for (size_t i = 0; i < def->nfields; i++) {
        switch (def->f[i].kind) {
        case DK_F_U8:
            off += 1;
            break;
        case DK_F_U16:
        case DK_F_PSID:
            off += 2;
            break;
        case DK_F_U32:
        case DK_F_IPV4:
            off += 4;
            break;
        case DK_F_IPV6:
            off += 16;
            break;
        case DK_F_BYTES_FIXED:
            off += def->f[i].size;
            break;
        case DK_F_PREFIX4:
            off += 5;
            break;
        case DK_F_PREFIX6:
            off += 17;
            break;
        case DK_F_VPREFIX6:
            off += 1 + (body[off] + 7u) / 8;
            break;
        default:
            break;
        }
    }
    return off;
}

static unsigned last_kind(const struct dk_optdef *def)
{
    return def->nfields ? def->f[def->nfields - 1].kind : 0;
}

/* Walks 2-octet-code, 2-octet-length options; true if off is at a boundary. */
static bool option_boundary(const uint8_t *p, size_t n, size_t at)
{
    size_t off = 0;
    while (off < at && off + 4 <= n)
        off += 4 + (size_t)(p[off + 2] << 8 | p[off + 3]);
    return off == at;
}

static bool name_boundary(const uint8_t *p, size_t n, size_t at, bool labels)
{
    for (size_t off = 0; off <= n;) {
        if (off == at)
            return true;
        if (off == n || off > at)
            return false;
        if (labels || p[off] == 0) {
            off += 1 + (size_t)p[off];
        } else { /* a whole name, its root label included */
            while (p[off] != 0)
                off += 1 + (size_t)p[off];
            off++;
        }
    }
    return false;
}

/*
 * What decoding the sample body cut to k octets (with the option's length
 * field set to k) must give, by the kind of the body's last field:
 *  - shorter than the fixed part: DK_ELENGTH;
 *  - BYTES, STRING: any length is valid;
 *  - U16_LIST, IPV6_LIST: valid on a multiple of 2/16, else DK_ELENGTH;
 *  - DUID: valid when at least 3 octets and the type's fixed part are left,
 *    else DK_EDUID;
 *  - DOMAIN: never valid (the root label is gone): DK_EDOMAIN;
 *  - FQDN: valid (partial, RFC 4704) at any label boundary but 0, else DK_EDOMAIN;
 *  - DOMAIN_LIST: valid at a name boundary (0 is the empty list), else DK_EDOMAIN;
 *  - DATA_LIST, RADIUS_ATTRS: valid at an item boundary, else DK_ETRUNC;
 *  - OPTIONS, SUBOPTS: valid at a child boundary (no children is valid),
 *    else DK_ETRUNC;
 *  - MESSAGE: empty is DK_ELENGTH; shorter than the header DK_ETRUNC; valid
 *    at an option boundary after the header, else DK_ETRUNC;
 *  - no last field of variable size: anything short is DK_ELENGTH.
 */
static int expected_truncated(const struct dk_optdef *def, const uint8_t *body, size_t full,
                              size_t k)
{
    size_t fixed = fixed_part(def, body);
    if (k < fixed)
        return DK_ELENGTH;
    const uint8_t *rest = body + fixed;
    size_t rn = full - fixed, rk = k - fixed;
    switch (last_kind(def)) {
    case DK_F_BYTES:
    case DK_F_STRING:
        return 0;
    case DK_F_U16_LIST:
        return rk % 2 ? DK_ELENGTH : 0;
    case DK_F_IPV6_LIST:
        return rk % 16 ? DK_ELENGTH : 0;
    case DK_F_DUID: {
        if (rk < 3)
            return DK_EDUID;
        unsigned type = (unsigned)(rest[0] << 8 | rest[1]);
        size_t min = type == 1 ? 8 : type == 2 ? 6 : type == 3 ? 4 : 3;
        if (type == 4)
            return rk == 18 ? 0 : DK_EDUID;
        return rk >= min ? 0 : DK_EDUID;
    }
    case DK_F_DOMAIN:
        return DK_EDOMAIN;
    case DK_F_FQDN:
        return name_boundary(rest, rn, rk, true) ? 0 : DK_EDOMAIN; /* empty: RFC 4704 */
    case DK_F_DOMAIN_LIST:
        return name_boundary(rest, rn, rk, false) ? 0 : DK_EDOMAIN;
    case DK_F_DATA_LIST:
    case DK_F_RADIUS_ATTRS: {
        size_t off = 0;
        while (off < rk)
            off += last_kind(def) == DK_F_DATA_LIST ? 2 + (size_t)(rest[off] << 8 | rest[off + 1])
                                                    : rest[off + 1];
        return off == rk ? 0 : DK_ETRUNC;
    }
    case DK_F_OPTIONS:
    case DK_F_SUBOPTS:
        return option_boundary(rest, rn, rk) ? 0 : DK_ETRUNC;
    case DK_F_MESSAGE: {
        size_t hdr = rest[0] == 12 || rest[0] == 13 ? 34 : 4;
        if (rk == 0)
            return DK_ELENGTH;
        if (rk < hdr)
            return DK_ETRUNC;
        return option_boundary(rest + hdr, rn - hdr, rk - hdr) ? 0 : DK_ETRUNC;
    }
    default:
        return k == full ? 0 : DK_ELENGTH;
    }
}

/*
 * What the length field +1 must give when one 0x00 octet is appended to the
 * body (the buffer adjusted to the new length): BYTES and STRING take the
 * octet; a DUID is one octet longer (still at most 130); a DOMAIN_LIST gains
 * the root name "."; everything else refuses it: lists of 2 or 16 octets and
 * fixed-size options with DK_ELENGTH, single names with DK_EDOMAIN, items,
 * options and messages (an octet too few for a header) with DK_ETRUNC.
 */
static int expected_plus_one(const struct dk_optdef *def)
{
    switch (last_kind(def)) {
    case DK_F_BYTES:
    case DK_F_STRING:
    case DK_F_DUID:
    case DK_F_DOMAIN_LIST:
        return 0;
    case DK_F_DOMAIN:
    case DK_F_FQDN:
        return DK_EDOMAIN;
    case DK_F_DATA_LIST:
    case DK_F_RADIUS_ATTRS:
    case DK_F_OPTIONS:
    case DK_F_SUBOPTS:
    case DK_F_MESSAGE:
        return DK_ETRUNC;
    default:
        return DK_ELENGTH;
    }
}

static _Alignas(max_align_t) uint8_t arena_mem[1 << 20];

/*
 * Decodes p[0..n) as options of space from an exactly-sized heap copy; on
 * success checks that exactly one option with this code came out and that it
 * re-encodes to p byte for byte. With out set, the decoded option is returned
 * and *copy is the input it borrows, for the caller to free.
 */
static int decode_one(unsigned space, unsigned code, const uint8_t *p, size_t n,
                      struct dk_opt **out, uint8_t **keep)
{
    struct dk_arena a;
    struct dk_opt *opts;
    size_t nopts;
    struct dk_diag diag;
    uint8_t *copy = exact_copy(p, n);
    dk_arena_init(&a, arena_mem, sizeof(arena_mem));
    int err = dk_opts_decode(copy, n, space, &a, &opts, &nopts, &diag);
    assert_int_equal(diag.err, err);
    if (err == 0) {
        uint8_t enc[1024];
        struct dk_wbuf w;
        assert_int_equal(nopts, 1);
        assert_int_equal(opts[0].code, code);
        assert_non_null(opts[0].def);
        dk_wbuf_init(&w, enc, sizeof(enc));
        assert_int_equal(dk_opt_encode(&w, &opts[0]), 0);
        assert_int_equal(w.len, n);
        assert_memory_equal(enc, p, n);
        if (out)
            *out = opts;
    } else {
        assert_true(diag.offset <= n);
    }
    if (out && !err)
        *keep = copy;
    else
        free(copy);
    return err;
}

static void every_definition_has_a_sample(void **state)
{
    (void)state;
    size_t i = 0, ndefs = 0;
    const struct dk_optdef *def;
    while ((def = dk_optdef_next(&i))) {
        ndefs++;
        if (!sample_for(def))
            fail_msg("option %u (%s) in space %u has no sample body in test_codec.c", def->code,
                     def->name, def->space);
        /* The definition table is consistent with the lookup and its own rules. */
        assert_ptr_equal(dk_optdef_find(def->space, def->code), def);
        assert_non_null(def->name);
        assert_non_null(def->rfc);
        assert_true(def->nfields <= DK_MAX_FIELDS);
        for (size_t f = 0; f < def->nfields; f++) {
            assert_non_null(def->f[f].name);
            /* A kind this test does not know needs a case in fixed_part(). */
            if (def->f[f].kind < DK_F_U8 || def->f[f].kind > DK_F_PSID)
                fail_msg("option %u: field kind %u unknown to test_codec.c", def->code,
                         def->f[f].kind);
            /* options.h: only the last field may run to the end of the option. */
            if (f + 1 < def->nfields)
                assert_false(is_rest_kind(def->f[f].kind));
        }
        if (def->space == DK_SPACE_DHCPV6)
            assert_string_equal(dk_opt_name(def->code), def->name);
    }
    /* And no sample is stale. */
    assert_int_equal(ndefs, NSAMPLES);
    for (size_t k = 0; k < NSAMPLES; k++)
        assert_non_null(dk_optdef_find(samples[k].space, samples[k].code));
}

static void round_trip(void **state)
{
    (void)state;
    for (size_t s = 0; s < NSAMPLES; s++) {
        uint8_t opt[512];
        struct dk_opt *o = NULL;
        uint8_t *keep = NULL;
        size_t n = sample_option(&samples[s], opt, sizeof(opt));
        int err = decode_one(samples[s].space, samples[s].code, opt, n, &o, &keep);
        if (err)
            fail_msg("sample for option %u: %s", samples[s].code, dk_errname(err));
        assert_int_equal(o->len, n - 4);
        assert_int_equal(o->space, samples[s].space);
        free(keep);
    }
}

static void all_samples_in_one_run(void **state)
{
    (void)state;
    for (unsigned space = 0; space <= DK_SPACE_NTP; space++) {
        uint8_t run[8192], enc[8192];
        size_t n = 0, count = 0;
        for (size_t s = 0; s < NSAMPLES; s++) {
            if (samples[s].space != space)
                continue;
            n += sample_option(&samples[s], run + n, sizeof(run) - n);
            count++;
        }
        if (!count)
            continue;
        struct dk_arena a;
        struct dk_opt *opts;
        size_t nopts;
        dk_arena_init(&a, arena_mem, sizeof(arena_mem));
        assert_int_equal(dk_opts_decode(run, n, space, &a, &opts, &nopts, NULL), 0);
        assert_int_equal(nopts, count);
        struct dk_wbuf w;
        dk_wbuf_init(&w, enc, sizeof(enc));
        for (size_t i = 0; i < nopts; i++)
            assert_int_equal(dk_opt_encode(&w, &opts[i]), 0);
        assert_int_equal(w.len, n);
        assert_memory_equal(enc, run, n);
    }
}

static void truncated_option_runs_past_the_end(void **state)
{
    (void)state;
    /* The whole option cut at every offset: the header's length (or the
     * header itself) runs past the end, so it is DK_ETRUNC, never a
     * success with less data. An empty input is an empty run. */
    for (size_t s = 0; s < NSAMPLES; s++) {
        uint8_t opt[512];
        size_t n = sample_option(&samples[s], opt, sizeof(opt));
        for (size_t k = 1; k < n; k++) {
            int err = decode_one(samples[s].space, samples[s].code, opt, k, NULL, NULL);
            if (err != DK_ETRUNC)
                fail_msg("option %u cut to %zu of %zu octets: %s, want DK_ETRUNC", samples[s].code,
                         k, n, dk_errname(err));
        }
    }
}

static void truncated_body_with_matching_length(void **state)
{
    (void)state;
    /* The body cut at every offset and the length field set to match: the
     * option codec itself must refuse, or accept exactly where the format
     * allows a shorter body (see expected_truncated). This includes the
     * length field -1 (k = full - 1). */
    for (size_t s = 0; s < NSAMPLES; s++) {
        uint8_t opt[512];
        const struct dk_optdef *def = dk_optdef_find(samples[s].space, samples[s].code);
        size_t n = sample_option(&samples[s], opt, sizeof(opt));
        size_t full = n - 4;
        for (size_t k = 0; k < full; k++) {
            opt[2] = (uint8_t)(k >> 8);
            opt[3] = (uint8_t)k;
            int want = expected_truncated(def, opt + 4, full, k);
            int err = decode_one(samples[s].space, samples[s].code, opt, 4 + k, NULL, NULL);
            if (err != want)
                fail_msg("option %u (%s) with body cut to %zu of %zu octets: %s, want %s",
                         samples[s].code, def->name, k, full, dk_errname(err), dk_errname(want));
        }
    }
}

static void length_plus_one(void **state)
{
    (void)state;
    for (size_t s = 0; s < NSAMPLES; s++) {
        uint8_t opt[512];
        const struct dk_optdef *def = dk_optdef_find(samples[s].space, samples[s].code);
        size_t n = sample_option(&samples[s], opt, sizeof(opt) - 1);
        size_t full = n - 4;
        /* +1 without an octet more: runs past the end. */
        opt[2] = (uint8_t)((full + 1) >> 8);
        opt[3] = (uint8_t)(full + 1);
        assert_int_equal(decode_one(samples[s].space, samples[s].code, opt, n, NULL, NULL),
                         DK_ETRUNC);
        /* +1 with one 0x00 octet appended. */
        opt[n] = 0;
        int want = expected_plus_one(def);
        int err = decode_one(samples[s].space, samples[s].code, opt, n + 1, NULL, NULL);
        if (err != want)
            fail_msg("option %u (%s) with length %zu+1: %s, want %s", samples[s].code, def->name,
                     full, dk_errname(err), dk_errname(want));
    }
}

static void renders_json_with_field_names(void **state)
{
    (void)state;
    static char json[16384];
    for (size_t s = 0; s < NSAMPLES; s++) {
        uint8_t opt[512];
        struct dk_opt *o = NULL;
        uint8_t *keep = NULL;
        const struct dk_optdef *def = dk_optdef_find(samples[s].space, samples[s].code);
        size_t n = sample_option(&samples[s], opt, sizeof(opt));
        assert_int_equal(decode_one(samples[s].space, samples[s].code, opt, n, &o, &keep), 0);
        struct dk_wbuf w;
        dk_wbuf_init(&w, (uint8_t *)json, sizeof(json));
        assert_int_equal(dk_opt_to_json(&w, o), 0);
        assert_int_equal(strlen(json), w.len);
        if (json_check(json, w.len) >= 0)
            fail_msg("invalid JSON for option %u at %ld: %s", o->code, json_check(json, w.len),
                     json);
        /* {"code": N, "name": "<IANA name>", <each field by name, in order>} */
        char head[128];
        snprintf(head, sizeof(head), "{\"code\": %u, \"name\": \"%s\"", o->code, def->name);
        assert_memory_equal(json, head, strlen(head));
        const char *at = json + strlen(head);
        for (size_t f = 0; f < def->nfields; f++) {
            char key[64];
            snprintf(key, sizeof(key), ", \"%s\": ", def->f[f].name);
            const char *hit = strstr(at, key);
            if (!hit)
                fail_msg("option %u: no key %s in order in %s", o->code, key, json);
            at = hit + strlen(key);
        }
        /* A known option never falls back to "data"; the only "data" is
         * that of the vendor's own sub-options, which we cannot know. */
        if (o->code == DK_OPT_VENDOR_OPTS && o->space == DK_SPACE_DHCPV6)
            assert_non_null(strstr(json, "[{\"code\": 1, \"name\": null, \"data\": \"abcd\"}, "
                                         "{\"code\": 2, \"name\": null, \"data\": \"\"}]"));
        else if (strstr(json, "\"data\""))
            fail_msg("option %u renders a \"data\" key: %s", o->code, json);
        free(keep);
    }
}

static void field_value_errors(void **state)
{
    (void)state;
    /* Values the decoder checks inside a body of the right length. */
    static const struct {
        const char *hex;
        int err;
    } cases[] = {
        /* RFC 8415 §21.22: prefix length 128 is the most, 129 is refused */
        {"001a 0019 00000708 00000e10 80 20010db8000100000000000000000000", 0},
        {"001a 0019 00000708 00000e10 81 20010db8000100000000000000000000", DK_EVALUE},
        {"001a 0019 00000708 00000e10 ff 20010db8000100000000000000000000", DK_EVALUE},
        /* RFC 7598 §4.1: IPv4 prefix length 0..32 */
        {"0059 0008 00 00 20 c0000200 00", 0},
        {"0059 0008 00 00 21 c0000200 00", DK_EVALUE},
        /* RFC 7598 §4.3: a variable prefix of 0, 1 and 128 bits, and 129 */
        {"005b 0001 00", 0},
        {"005b 0002 01 80", 0},
        {"005b 0011 80 20010db8000100000000000000000001", 0},
        {"005b 0011 81 20010db8000100000000000000000001", DK_EVALUE},
        /* the prefix length asks for more octets than the body has */
        {"005b 0002 09 80", DK_ELENGTH},
        /* RFC 2865 §5: a RADIUS attribute's length counts its own 2 octets */
        {"0051 0002 01 02", 0},
        {"0051 0002 01 01", DK_ELENGTH},
        {"0051 0002 01 00", DK_ELENGTH},
        {"0051 0003 01 04 00", DK_ETRUNC},
        /* RFC 8415 §21.15: a user class item longer than the option */
        {"000f 0003 0002 61", DK_ETRUNC},
        {"000f 0002 0000", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t b[64];
        size_t n = unhex(cases[i].hex, b, sizeof(b));
        unsigned code = (unsigned)(b[0] << 8 | b[1]);
        int err = decode_one(DK_SPACE_DHCPV6, code, b, n, NULL, NULL);
        if (err != cases[i].err)
            fail_msg("%s: %s, want %s", cases[i].hex, dk_errname(err), dk_errname(cases[i].err));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_definition_has_a_sample),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(all_samples_in_one_run),
        cmocka_unit_test(truncated_option_runs_past_the_end),
        cmocka_unit_test(truncated_body_with_matching_length),
        cmocka_unit_test(length_plus_one),
        cmocka_unit_test(renders_json_with_field_names),
        cmocka_unit_test(field_value_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
