/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests for src/wire/render.c: exact JSON and text for a few messages,
 * escaping of everything that came from the wire, and full buffers.
 */
#include "test_util.h"

#include <stdbool.h>

#include <dhcpkit/message.h>
#include <dhcpkit/render.h>
#include <dhcpkit/validate.h>

#include "jsoncheck.h"

static _Alignas(max_align_t) uint8_t arena_mem[1 << 20];
static char out[65536];
static uint8_t packet[4096];

static const struct dk_msg *decode_hex(const char *hex)
{
    struct dk_arena a;
    struct dk_msg *m;
    struct dk_diag d;
    char line[256];
    size_t n = unhex(hex, packet, sizeof(packet));
    dk_arena_init(&a, arena_mem, sizeof(arena_mem));
    if (dk_msg_decode(packet, n, &a, &m, &d))
        fail_msg("decode: %s", dk_diag_format(&d, line, sizeof(line)));
    return m;
}

static const char *json(const struct dk_msg *m)
{
    struct dk_wbuf w;
    dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
    assert_int_equal(dk_msg_to_json(&w, m), 0);
    assert_int_equal(strlen(out), w.len);
    if (json_check(out, w.len) >= 0)
        fail_msg("invalid JSON at %ld: %s", json_check(out, w.len), out);
    assert_null(memchr(out, '\n', w.len));
    return out;
}

static const char *text(const struct dk_msg *m)
{
    struct dk_wbuf w;
    dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
    assert_int_equal(dk_msg_to_text(&w, m), 0);
    assert_int_equal(strlen(out), w.len);
    /* One line: no newline, no carriage return, no other control octet. */
    for (size_t i = 0; i < w.len; i++)
        assert_true((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
    return out;
}

#define SOLICIT                                                                                    \
    "01 f350d6"                                                                                    \
    "0001 000a 0003 0001 001122334455"                                                             \
    "0003 0028 00000001 00000e10 00001518"                                                         \
    "  0005 0018 20010db8000000000000000000000001 00000708 00000e10"                               \
    "0006 0004 0017 0018"                                                                          \
    "0008 0002 0000"                                                                               \
    "000e 0000"

static void solicit(void **state)
{
    (void)state;
    const struct dk_msg *m = decode_hex(SOLICIT);
    assert_string_equal(
        json(m),
        "{\"msg_type\": 1, \"msg_name\": \"SOLICIT\", \"transaction_id\": \"f350d6\", "
        "\"options\": [{\"code\": 1, \"name\": \"OPTION_CLIENTID\", \"duid\": {\"duid_type\": 3, "
        "\"hardware_type\": 1, \"link_layer_address\": \"001122334455\", \"hex\": "
        "\"00030001001122334455\"}}, {\"code\": 3, \"name\": \"OPTION_IA_NA\", \"iaid\": 1, "
        "\"t1\": 3600, \"t2\": 5400, \"options\": [{\"code\": 5, \"name\": \"OPTION_IAADDR\", "
        "\"address\": \"2001:db8::1\", \"preferred_lifetime\": 1800, \"valid_lifetime\": 3600, "
        "\"options\": []}]}, {\"code\": 6, \"name\": \"OPTION_ORO\", \"requested_options\": [23, "
        "24]}, {\"code\": 8, \"name\": \"OPTION_ELAPSED_TIME\", \"elapsed_time\": 0}, {\"code\": "
        "14, \"name\": \"OPTION_RAPID_COMMIT\"}]}");
    assert_string_equal(text(m), "SOLICIT transaction_id=f350d6 "
                                 "options=[CLIENTID(duid=00030001001122334455) IA_NA(iaid=1 "
                                 "t1=3600 t2=5400 options=[IAADDR(address=2001:db8::1 "
                                 "preferred_lifetime=1800 valid_lifetime=3600 options=[])]) "
                                 "ORO(requested_options=[23,24]) ELAPSED_TIME(elapsed_time=0) "
                                 "RAPID_COMMIT()]");
}

static void relay_forw(void **state)
{
    (void)state;
    const struct dk_msg *m =
        decode_hex("0c 01 20010db8000000000000000000000001 fe800000000000000000000000000001"
                   "0012 0003 616263"
                   "0009 000a 01abcdef 0008 0002 0064");
    assert_string_equal(
        json(m),
        "{\"msg_type\": 12, \"msg_name\": \"RELAY-FORW\", \"hop_count\": 1, "
        "\"link_address\": \"2001:db8::1\", \"peer_address\": \"fe80::1\", \"options\": "
        "[{\"code\": 18, \"name\": \"OPTION_INTERFACE_ID\", \"interface_id\": \"616263\"}, "
        "{\"code\": 9, \"name\": \"OPTION_RELAY_MSG\", \"message\": {\"msg_type\": 1, "
        "\"msg_name\": \"SOLICIT\", \"transaction_id\": \"abcdef\", \"options\": "
        "[{\"code\": 8, \"name\": \"OPTION_ELAPSED_TIME\", \"elapsed_time\": 100}]}}]}");
    assert_string_equal(text(m), "RELAY-FORW hop_count=1 link_address=2001:db8::1 "
                                 "peer_address=fe80::1 options=[INTERFACE_ID(interface_id=616263) "
                                 "RELAY_MSG(message=SOLICIT transaction_id=abcdef "
                                 "options=[ELAPSED_TIME(elapsed_time=100)])]");
}

static void duids_subopts_prefixes(void **state)
{
    (void)state;
    const struct dk_msg *m =
        decode_hex("0b 000003"
                   "0001 0012 0004 00112233445566778899aabbccddeeff"
                   "0002 0009 0002 00009d10 303132"
                   "0038 0019 0001 0010 20010db8000000000000000000000001 0063 0001 7a"
                   "0027 0006 01 04686f7374"
                   "0059 0015 00 10 18c0000200 28 20010db800 005d 0004 06 07 fe00"
                   "0051 0009 01 07 616c696365 1a 02");
    assert_string_equal(
        json(m),
        "{\"msg_type\": 11, \"msg_name\": \"INFORMATION-REQUEST\", \"transaction_id\": "
        "\"000003\", \"options\": [{\"code\": 1, \"name\": \"OPTION_CLIENTID\", \"duid\": "
        "{\"duid_type\": 4, \"uuid\": \"00112233445566778899aabbccddeeff\", \"hex\": "
        "\"000400112233445566778899aabbccddeeff\"}}, {\"code\": 2, \"name\": "
        "\"OPTION_SERVERID\", \"duid\": {\"duid_type\": 2, \"enterprise_number\": 40208, "
        "\"identifier\": \"303132\", \"hex\": \"000200009d10303132\"}}, {\"code\": 56, "
        "\"name\": \"OPTION_NTP_SERVER\", \"suboptions\": [{\"code\": 1, \"name\": "
        "\"NTP_SUBOPTION_SRV_ADDR\", \"address\": \"2001:db8::1\"}, {\"code\": 99, \"name\": "
        "null, \"data\": \"7a\"}]}, {\"code\": 39, \"name\": \"OPTION_CLIENT_FQDN\", \"flags\": "
        "1, \"domain_name\": \"host\"}, {\"code\": 89, \"name\": \"OPTION_S46_RULE\", "
        "\"flags\": 0, \"ea_len\": 16, \"ipv4_prefix\": \"192.0.2.0/24\", \"ipv6_prefix\": "
        "\"2001:db8::/40\", \"options\": [{\"code\": 93, \"name\": \"OPTION_S46_PORTPARAMS\", "
        "\"offset\": 6, \"psid_len\": 7, \"psid\": 127}]}, {\"code\": 81, \"name\": "
        "\"OPTION_RADIUS\", \"attributes\": [{\"type\": 1, \"value\": \"616c696365\"}, "
        "{\"type\": 26, \"value\": \"\"}]}]}");
    assert_string_equal(
        text(m), "INFORMATION-REQUEST transaction_id=000003 "
                 "options=[CLIENTID(duid=000400112233445566778899aabbccddeeff) "
                 "SERVERID(duid=000200009d10303132) "
                 "NTP_SERVER(suboptions=[NTP_SUBOPTION_SRV_ADDR(address=2001:db8::1) "
                 "OPTION_99(data=7a)]) CLIENT_FQDN(flags=1 domain_name=host) S46_RULE(flags=0 "
                 "ea_len=16 ipv4_prefix=192.0.2.0/24 ipv6_prefix=2001:db8::/40 "
                 "options=[S46_PORTPARAMS(offset=6 psid_len=7 psid=127)]) "
                 "RADIUS(attributes=[(type=1 value=616c696365),(type=26 value=)])]");
}

static void unknown_message_and_option(void **state)
{
    (void)state;
    const struct dk_msg *m = decode_hex("c8 0102");
    assert_string_equal(json(m), "{\"msg_type\": 200, \"msg_name\": null, \"data\": \"0102\"}");
    assert_string_equal(text(m), "MESSAGE_200 data=0102");
    m = decode_hex("01 000001 fff0 0002 abcd 1234 0000");
    assert_string_equal(json(m),
                        "{\"msg_type\": 1, \"msg_name\": \"SOLICIT\", \"transaction_id\": "
                        "\"000001\", \"options\": [{\"code\": 65520, \"name\": null, \"data\": "
                        "\"abcd\"}, {\"code\": 4660, \"name\": null, \"data\": \"\"}]}");
    assert_string_equal(text(m), "SOLICIT transaction_id=000001 options=[OPTION_65520(data=abcd) "
                                 "OPTION_4660(data=)]");
}

static void escaping(void **state)
{
    (void)state;
    /*
     * A status message with '"', '\\', LF, TAB, 0x01, DEL, a lone 0xff, an
     * overlong NUL (c0 80), a UTF-16 surrogate (ed a0 80), a cut sequence
     * (e2 82), then valid "é" and "€"; a domain label with '.', '"', '\\',
     * space and LF; and a time zone and a MUD URL with more of the same.
     */
    const struct dk_msg *m = decode_hex("07 000001"
                                        "000d 0015 0000 22 5c 0a 09 01 7f ff c080 eda080 e282 "
                                        "c3a9 e282ac"
                                        "0018 000d 07 6578 2e 22 5c 20 0a 03636f6d00"
                                        "002a 0004 2f22 0a5c"
                                        "0070 0005 e28093 0d00");
    assert_string_equal(
        json(m),
        "{\"msg_type\": 7, \"msg_name\": \"REPLY\", \"transaction_id\": \"000001\", \"options\": "
        "[{\"code\": 13, \"name\": \"OPTION_STATUS_CODE\", \"status_code\": 0, "
        "\"status_message\": "
        "\"\\\"\\\\\\u000a\\u0009\\u0001\\u007f\\u00ff\\u00c0\\u0080\\u00ed\\u00a0\\u0080"
        "\\u00e2\\u0082\xc3\xa9\xe2\x82\xac\"}, {\"code\": 24, \"name\": "
        "\"OPTION_DOMAIN_LIST\", \"search_list\": [\"ex\\\\046\\\\034\\\\092\\\\032\\\\010.com."
        "\"]}, {\"code\": 42, \"name\": \"OPTION_NEW_TZDB_TIMEZONE\", \"timezone\": "
        "\"/\\\"\\u000a\\\\\"}, {\"code\": 112, \"name\": \"OPTION_MUD_URL_V6\", \"mud_url\": "
        "\"\xe2\x80\x93\\u000d\\u0000\"}]}");
    /* The text form escapes the same way, on one line. */
    assert_string_equal(
        text(m), "REPLY transaction_id=000001 options=[STATUS_CODE(status_code=0 "
                 "status_message=\"\\\"\\\\\\u000a\\u0009\\u0001\\u007f\\u00ff\\u00c0\\u0080\\u00ed"
                 "\\u00a0\\u0080\\u00e2\\u0082\xc3\xa9\xe2\x82\xac\") "
                 "DOMAIN_LIST(search_list=[ex\\046\\034\\092\\032\\010.com.]) "
                 "NEW_TZDB_TIMEZONE(timezone=\"/\\\"\\u000a\\\\\") "
                 "MUD_URL_V6(mud_url=\"\xe2\x80\x93\\u000d\\u0000\")]");
}

static void every_octet_in_a_string(void **state)
{
    (void)state;
    /* All 256 octet values, one at a time and in runs, in a status message:
     * the JSON stays valid and one line whatever the octets. */
    char hex[700];
    for (unsigned c = 0; c < 256; c++) {
        snprintf(hex, sizeof(hex), "07 000001 000d 0005 0000 %02x%02x%02x", c, c, c);
        const struct dk_msg *m = decode_hex(hex);
        (void)json(m);
        (void)text(m);
    }
    size_t o = 0;
    o += (size_t)snprintf(hex + o, sizeof(hex) - o, "07000001 000d 0102 0000");
    for (unsigned c = 0; c < 256; c++)
        o += (size_t)snprintf(hex + o, sizeof(hex) - o, "%02x", c);
    const struct dk_msg *m = decode_hex(hex);
    (void)json(m);
    (void)text(m);
}

static void duid_to_json(void **state)
{
    (void)state;
    static const struct {
        const char *hex, *want;
    } cases[] = {
        {"0001 0001 5e0a3c1b 001122334455",
         "{\"duid_type\": 1, \"hardware_type\": 1, \"time\": 1577729051, "
         "\"link_layer_address\": \"001122334455\", \"hex\": \"000100015e0a3c1b001122334455\"}"},
        {"0003 0001 001122334455", "{\"duid_type\": 3, \"hardware_type\": 1, "
                                   "\"link_layer_address\": \"001122334455\", \"hex\": "
                                   "\"00030001001122334455\"}"},
        {"abcd 0102", "{\"duid_type\": 43981, \"data\": \"0102\", \"hex\": \"abcd0102\"}"},
        /* Not a valid DUID (too short for LL): only the octets. */
        {"0003 00", "{\"hex\": \"000300\"}"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t b[64];
        size_t n = unhex(cases[i].hex, b, sizeof(b));
        struct dk_wbuf w;
        dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
        assert_int_equal(dk_duid_to_json(&w, b, n), 0);
        assert_string_equal(out, cases[i].want);
        assert_true(json_check(out, w.len) < 0);
    }
}

static void full_buffers(void **state)
{
    (void)state;
    /* Every capacity below what the rendering needs gives DK_ENOSPC and
     * stays inside the buffer (exactly sized, so ASan sees any overrun);
     * the length plus one for the NUL is enough. */
    const struct dk_msg *m = decode_hex(SOLICIT);
    for (int form = 0; form < 2; form++) {
        struct dk_wbuf w;
        dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
        assert_int_equal(form ? dk_msg_to_text(&w, m) : dk_msg_to_json(&w, m), 0);
        size_t need = w.len + 1;
        for (size_t cap = 0; cap <= need; cap++) {
            uint8_t *b = malloc(cap ? cap : 1);
            assert_non_null(b);
            dk_wbuf_init(&w, b, cap);
            int err = form ? dk_msg_to_text(&w, m) : dk_msg_to_json(&w, m);
            assert_int_equal(err, cap < need ? DK_ENOSPC : 0);
            assert_true(w.len <= cap);
            if (!err) {
                assert_int_equal(b[w.len], 0);
                assert_memory_equal(b, out, w.len);
            }
            free(b);
        }
    }
    /* An option alone, and a DUID. */
    struct dk_wbuf w;
    uint8_t small[8];
    dk_wbuf_init(&w, small, sizeof(small));
    assert_int_equal(dk_opt_to_json(&w, &m->opts[0]), DK_ENOSPC);
    dk_wbuf_init(&w, small, sizeof(small));
    assert_int_equal(dk_duid_to_json(&w, m->opts[0].v[0].p, m->opts[0].v[0].n), DK_ENOSPC);
}

/* RFC 4704 §4.2: a client may send an empty name for the server to choose
 * one. Such a Solicit decodes and validates (it was refused as malformed,
 * found by tests/integration/hostile.sh), and renders as an empty name. */
static void empty_client_fqdn(void **state)
{
    (void)state;
    const struct dk_msg *m = decode_hex("01 f350d6"
                                        "0001 000a 0003 0001 001122334455"
                                        "0008 0002 0000"
                                        "0027 0001 01");
    struct dk_diag d;
    assert_int_equal(dk_msg_validate(m, &d), 0);
    assert_non_null(strstr(json(m), "\"flags\": 1, \"domain_name\": \"\"}"));
    assert_non_null(strstr(text(m), "CLIENT_FQDN(flags=1 domain_name=)"));
}

static void hand_built_trees(void **state)
{
    (void)state;
    /* Trees built by a handler rather than the decoder: a Relay Message
     * option without its message renders as null, a malformed name as "?". */
    struct dk_opt relay_msg = {.code = DK_OPT_RELAY_MSG,
                               .def = dk_optdef_find(DK_SPACE_DHCPV6, DK_OPT_RELAY_MSG)};
    static const uint8_t bad_name[] = {0xc0, 0x0c};
    struct dk_opt aftr = {.code = DK_OPT_AFTR_NAME,
                          .def = dk_optdef_find(DK_SPACE_DHCPV6, DK_OPT_AFTR_NAME),
                          .v = {{.p = bad_name, .n = sizeof(bad_name)}}};
    struct dk_opt opts[] = {relay_msg, aftr};
    struct dk_msg m = {.type = DK_MSG_RELAY_REPL, .opts = opts, .nopts = 2};
    assert_string_equal(json(&m),
                        "{\"msg_type\": 13, \"msg_name\": \"RELAY-REPL\", \"hop_count\": 0, "
                        "\"link_address\": \"::\", \"peer_address\": \"::\", \"options\": "
                        "[{\"code\": 9, \"name\": \"OPTION_RELAY_MSG\", \"message\": null}, "
                        "{\"code\": 64, \"name\": \"OPTION_AFTR_NAME\", \"fqdn\": \"?\"}]}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(solicit),
        cmocka_unit_test(relay_forw),
        cmocka_unit_test(duids_subopts_prefixes),
        cmocka_unit_test(unknown_message_and_option),
        cmocka_unit_test(escaping),
        cmocka_unit_test(every_octet_in_a_string),
        cmocka_unit_test(duid_to_json),
        cmocka_unit_test(full_buffers),
        cmocka_unit_test(empty_client_fqdn),
        cmocka_unit_test(hand_built_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
