/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of src/wire/validate.c and the rows of src/wire/contain.c: messages
 * are written as hex (with small helpers that fill in option lengths and
 * relay headers), decoded with the real decoder, then validated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dhcpkit/message.h>
#include <dhcpkit/validate.h>
#include <dhcpkit/wire.h>

#include "../../../src/wire/contain.h"
#include "test_util.h"

/* ---- Building messages from hex ---- */

#define NPOOL   256
#define POOLLEN 4096
static char pool[NPOOL][POOLLEN];
static size_t npool;

static char *pool_str(void)
{
    assert_true(npool < NPOOL);
    return pool[npool++];
}

static size_t hex_octets(const char *hex)
{
    size_t digits = 0;
    for (; *hex; hex++)
        digits += *hex != ' ';
    assert_int_equal(digits % 2, 0);
    return digits / 2;
}

/* Concatenates hex pieces; the list ends with NULL (use CAT). */
static const char *cat(const char *first, ...)
{
    char *s = pool_str();
    size_t n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *)) {
        size_t len = strlen(p);
        assert_true(n + len < POOLLEN);
        memcpy(s + n, p, len);
        n += len;
    }
    va_end(ap);
    s[n] = '\0';
    return s;
}
#define CAT(...) cat(__VA_ARGS__, (const char *)NULL)

/* An option: code, length of the body, body. */
static const char *opt(unsigned code, const char *body)
{
    char *s = pool_str();
    snprintf(s, POOLLEN, "%04x%04zx%s", code, hex_octets(body), body);
    return s;
}

/* A client/server message of the given type with transaction id 0x123456. */
static const char *msg(unsigned type, const char *opts)
{
    char *s = pool_str();
    snprintf(s, POOLLEN, "%02x123456%s", type, opts);
    return s;
}

/* A relay message (link and peer ::) holding inner in a Relay Message option, then extra. */
static const char *relay(unsigned type, unsigned hop, const char *inner, const char *extra)
{
    char *s = pool_str();
    snprintf(s, POOLLEN, "%02x%02x%064d%s%s", type, hop, 0, opt(DK_OPT_RELAY_MSG, inner), extra);
    return s;
}

/* A Relay-forward without a Relay Message option, holding only opts. */
static const char *bare_relay(unsigned hop, const char *opts)
{
    char *s = pool_str();
    snprintf(s, POOLLEN, "%02x%02x%064d%s", DK_MSG_RELAY_FORW, hop, 0, opts);
    return s;
}

/* Pieces used throughout. */
#define CLIENTID  "0001000a000300013431c43cb2f1"
#define SERVERID  "0002000e000100011d1d49cf00137265ca42"
#define ELAPSED   "000800020000"
#define STATUS_OK "000d00020000"
#define DNS       "0017001020014860486000000000000000008888"
#define IAADDR    "0005001820010db8ffff0001000c00000000e09c0000017700000258"
#define IAPREFIX  "001a001900000177000002583820010db8ffccfe000000000000000000"
#define S46_RULE                                                                                   \
    "0059000c001018c00002002020010db8"       /* flags, ea-len 16, 192.0.2.0/24, 2001:db8::/32 */
#define S46_DMR "005b0009400064ff9b00000000" /* 64:ff9b::/64 */
#define S46_BR  "005a001020010db8000000000000000000000001"
#define UNKNOWN                                                                                    \
    "fff000036162"                                                                                 \
    "63"

static const char *ia_na(unsigned iaid, const char *opts)
{
    char body[POOLLEN];
    snprintf(body, sizeof(body), "%08x0000000000000000%s", iaid, opts);
    return opt(DK_OPT_IA_NA, body);
}

static const char *ia_pd(unsigned iaid, const char *opts)
{
    char body[POOLLEN];
    snprintf(body, sizeof(body), "%08x0000000000000000%s", iaid, opts);
    return opt(DK_OPT_IA_PD, body);
}

/* ---- Decoding and checking ---- */

static uint8_t arena_mem[1 << 20];
static uint8_t packet[1 << 16];
static struct dk_diag diag;

static int setup(void **state)
{
    (void)state;
    npool = 0;
    memset(&diag, 0xa5, sizeof(diag));
    return 0;
}

/* Decodes hex (which must decode) and validates it. */
static int validate_hex(const char *hex)
{
    struct dk_arena arena;
    struct dk_msg *m;
    struct dk_diag ddiag;
    size_t n = unhex(hex, packet, sizeof(packet));
    dk_arena_init(&arena, arena_mem, sizeof(arena_mem));
    int err = dk_msg_decode(packet, n, &arena, &m, &ddiag);
    if (err) {
        char line[256];
        fail_msg("decode failed: %s (%s)", dk_diag_format(&ddiag, line, sizeof(line)), hex);
    }
    return dk_msg_validate(m, &diag);
}

static void assert_ok(const char *hex)
{
    int err = validate_hex(hex);
    if (err) {
        char line[256];
        fail_msg("validation failed: %s", dk_diag_format(&diag, line, sizeof(line)));
    }
    assert_int_equal(diag.err, 0);
    assert_int_equal(diag.npath, 0);
}

/* Checks the error, the path (n codes) and the text. */
static void assert_fails(const char *hex, int err, const char *text, size_t n, ...)
{
    assert_int_equal(validate_hex(hex), err);
    assert_int_equal(diag.err, err);
    assert_int_equal(diag.offset, 0);
    assert_string_equal(diag.text, text);
    assert_int_equal(diag.npath, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(diag.path[i], va_arg(ap, unsigned));
    va_end(ap);
}

static const char *good_solicit_opts(void)
{
    return CAT(ELAPSED, CLIENTID, opt(DK_OPT_RAPID_COMMIT, ""), ia_na(0xc43cb2f1, ""),
               ia_pd(0xc43cb2f1, opt(DK_OPT_IAPREFIX, "0000000000000000380000000000000000"
                                                      "0000000000000000")),
               opt(DK_OPT_RECONF_ACCEPT, ""), opt(DK_OPT_ORO, "00170018"));
}

/* ---- The cases ---- */

static void good_solicit_passes(void **state)
{
    (void)state;
    assert_ok(msg(DK_MSG_SOLICIT, good_solicit_opts()));
}

static void missing_client_id(void **state)
{
    (void)state;
    assert_fails(msg(DK_MSG_SOLICIT, CAT(ELAPSED, ia_na(1, ""))), DK_ECOUNT,
                 "SOLICIT must contain option 1 (CLIENTID)", 0);
    /* An Information-request may leave it out (RFC 8415 §18.2.6). */
    assert_ok(msg(DK_MSG_INFORMATION_REQUEST, ELAPSED));
}

static void two_elapsed_times(void **state)
{
    (void)state;
    assert_fails(msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, ELAPSED)), DK_ECOUNT,
                 "appears 2 times in SOLICIT, at most 1 allowed", 1, DK_OPT_ELAPSED_TIME);
}

static void dns_servers_in_solicit(void **state)
{
    (void)state;
    assert_fails(msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, DNS)), DK_ECONTAIN,
                 "not allowed in SOLICIT", 1, DK_OPT_DNS_SERVERS);
    /* ...but a server hands it out. */
    assert_ok(msg(DK_MSG_ADVERTISE, CAT(CLIENTID, SERVERID, DNS)));
    assert_fails(msg(DK_MSG_REPLY, CAT(SERVERID, DNS, DNS)), DK_ECOUNT,
                 "appears 2 times in REPLY, at most 1 allowed", 1, DK_OPT_DNS_SERVERS);
}

static void server_id_in_solicit(void **state)
{
    (void)state;
    /* RFC 8415 Appendix B lists no Server Identifier in a Solicit. */
    assert_fails(msg(DK_MSG_SOLICIT, CAT(CLIENTID, SERVERID, ELAPSED)), DK_ECONTAIN,
                 "not allowed in SOLICIT", 1, DK_OPT_SERVERID);
    assert_fails(msg(DK_MSG_REQUEST, CAT(CLIENTID, ELAPSED)), DK_ECOUNT,
                 "REQUEST must contain option 2 (SERVERID)", 0);
}

static void status_code_twice_in_ia_na(void **state)
{
    (void)state;
    assert_ok(msg(DK_MSG_REPLY, CAT(SERVERID, CLIENTID, ia_na(1, CAT(IAADDR, STATUS_OK)))));
    assert_fails(msg(DK_MSG_REPLY, CAT(SERVERID, CLIENTID, ia_na(1, CAT(STATUS_OK, STATUS_OK)))),
                 DK_ECOUNT, "appears 2 times in option 3 (IA_NA), at most 1 allowed", 2,
                 DK_OPT_IA_NA, DK_OPT_STATUS_CODE);
}

static void iaprefix_in_ia_na(void **state)
{
    (void)state;
    assert_ok(msg(DK_MSG_REPLY, CAT(SERVERID, ia_pd(1, IAPREFIX))));
    assert_fails(msg(DK_MSG_REPLY, CAT(SERVERID, ia_na(1, IAPREFIX))), DK_ECONTAIN,
                 "not allowed in option 3 (IA_NA)", 2, DK_OPT_IA_NA, DK_OPT_IAPREFIX);
    assert_fails(msg(DK_MSG_REPLY, CAT(SERVERID, ia_pd(1, IAADDR))), DK_ECONTAIN,
                 "not allowed in option 25 (IA_PD)", 2, DK_OPT_IA_PD, DK_OPT_IAADDR);
}

static void duplicate_iaids(void **state)
{
    (void)state;
    /* The same IAID in IAs of different types is fine (and common). */
    assert_ok(msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, ia_na(7, ""), ia_pd(7, ""))));
    assert_ok(msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, ia_na(7, ""), ia_na(8, ""))));
    assert_fails(msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, ia_na(7, ""), ia_pd(7, ""),
                                         ia_na(8, ""), ia_na(7, ""))),
                 DK_ECOUNT,
                 "option 3 (IA_NA) repeats IAID 0x00000007 in SOLICIT, IAIDs must be unique", 1,
                 DK_OPT_IA_NA);
    assert_fails(msg(DK_MSG_REPLY, CAT(SERVERID, ia_pd(0xc43cb2f1, ""), ia_pd(0xc43cb2f1, ""))),
                 DK_ECOUNT,
                 "option 25 (IA_PD) repeats IAID 0xc43cb2f1 in REPLY, IAIDs must be unique", 1,
                 DK_OPT_IA_PD);
}

static void deep_relay_chain_path(void **state)
{
    (void)state;
    const char *good = msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, ia_na(1, STATUS_OK)));
    const char *bad =
        msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, ia_na(1, CAT(STATUS_OK, STATUS_OK))));
    const char *remote = opt(DK_OPT_REMOTE_ID, "000000090200");
    assert_ok(relay(DK_MSG_RELAY_FORW, 2,
                    relay(DK_MSG_RELAY_FORW, 1, relay(DK_MSG_RELAY_FORW, 0, good, remote), ""),
                    remote));
    assert_fails(
        relay(DK_MSG_RELAY_FORW, 2,
              relay(DK_MSG_RELAY_FORW, 1, relay(DK_MSG_RELAY_FORW, 0, bad, remote), ""), remote),
        DK_ECOUNT, "appears 2 times in option 3 (IA_NA), at most 1 allowed", 5, DK_OPT_RELAY_MSG,
        DK_OPT_RELAY_MSG, DK_OPT_RELAY_MSG, DK_OPT_IA_NA, DK_OPT_STATUS_CODE);
    char line[512];
    assert_string_equal(dk_diag_format(&diag, line, sizeof(line)),
                        "offset 0: option 13 (STATUS_CODE) in option 3 (IA_NA) in option 9 "
                        "(RELAY_MSG) in option 9 (RELAY_MSG) in option 9 (RELAY_MSG): appears 2 "
                        "times in option 3 (IA_NA), at most 1 allowed");
    /* A missing option deep down: the path ends with the option holding the message. */
    assert_fails(relay(DK_MSG_RELAY_FORW, 1,
                       relay(DK_MSG_RELAY_FORW, 0, msg(DK_MSG_SOLICIT, CLIENTID), ""), ""),
                 DK_ECOUNT, "SOLICIT must contain option 8 (ELAPSED_TIME)", 2, DK_OPT_RELAY_MSG,
                 DK_OPT_RELAY_MSG);
}

static void relay_rules(void **state)
{
    (void)state;
    const char *sol = msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED));
    const char *adv = msg(DK_MSG_ADVERTISE, CAT(CLIENTID, SERVERID));
    const char *ifid = opt(DK_OPT_INTERFACE_ID, "4769302f302f30");
    assert_ok(relay(DK_MSG_RELAY_FORW, 0, sol, ifid));
    assert_ok(relay(DK_MSG_RELAY_REPL, 0, adv, ifid));
    assert_fails(
        CAT("0c00", "0000000000000000000000000000000000000000000000000000000000000000", ifid),
        DK_ECOUNT, "RELAY-FORW must contain option 9 (RELAY_MSG)", 0);
    assert_fails(relay(DK_MSG_RELAY_FORW, 0, sol, CAT(ifid, ifid)), DK_ECOUNT,
                 "appears 2 times in RELAY-FORW, at most 1 allowed", 1, DK_OPT_INTERFACE_ID);
    assert_fails(relay(DK_MSG_RELAY_FORW, 0, sol, opt(DK_OPT_RELAY_MSG, sol)), DK_ECOUNT,
                 "appears 2 times in RELAY-FORW, at most 1 allowed", 1, DK_OPT_RELAY_MSG);
    /* Client messages go towards the server, server messages towards the client. */
    assert_fails(relay(DK_MSG_RELAY_FORW, 0, adv, ""), DK_ECONTAIN,
                 "may not carry ADVERTISE inside RELAY-FORW", 1, DK_OPT_RELAY_MSG);
    assert_fails(relay(DK_MSG_RELAY_REPL, 0, relay(DK_MSG_RELAY_FORW, 0, sol, ""), ""), DK_ECONTAIN,
                 "may not carry RELAY-FORW inside RELAY-REPL", 1, DK_OPT_RELAY_MSG);
    /* An echo request goes to the server, not back. */
    assert_fails(relay(DK_MSG_RELAY_REPL, 0, adv, opt(DK_OPT_ERO, "0025")), DK_ECONTAIN,
                 "not allowed in RELAY-REPL", 1, DK_OPT_ERO);
    /* A relay option in a client message. */
    assert_fails(msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED, ifid)), DK_ECONTAIN,
                 "not allowed in SOLICIT", 1, DK_OPT_INTERFACE_ID);
    /* Message types we do not know pass through relays unchecked. */
    assert_ok(relay(DK_MSG_RELAY_FORW, 0, "ff41424344", ""));
}

static void s46_mapt_without_dmr(void **state)
{
    (void)state;
    const char *head = CAT(CLIENTID, SERVERID);
    assert_ok(msg(DK_MSG_ADVERTISE,
                  CAT(head, opt(DK_OPT_S46_CONT_MAPT, CAT(S46_RULE, S46_RULE, S46_DMR)))));
    assert_fails(msg(DK_MSG_ADVERTISE, CAT(head, opt(DK_OPT_S46_CONT_MAPT, S46_RULE))), DK_ECOUNT,
                 "option 95 (S46_CONT_MAPT) must contain option 91 (S46_DMR)", 1,
                 DK_OPT_S46_CONT_MAPT);
    assert_fails(msg(DK_MSG_ADVERTISE,
                     CAT(head, opt(DK_OPT_S46_CONT_MAPT, CAT(S46_RULE, S46_DMR, S46_DMR)))),
                 DK_ECOUNT,
                 "appears 2 times in option 95 (S46_CONT_MAPT), at most 1 "
                 "allowed",
                 2, DK_OPT_S46_CONT_MAPT, DK_OPT_S46_DMR);
    assert_fails(msg(DK_MSG_ADVERTISE, CAT(head, opt(DK_OPT_S46_CONT_MAPE, S46_RULE))), DK_ECOUNT,
                 "option 94 (S46_CONT_MAPE) must contain option 90 (S46_BR)", 1,
                 DK_OPT_S46_CONT_MAPE);
    assert_fails(
        msg(DK_MSG_ADVERTISE, CAT(head, opt(DK_OPT_S46_CONT_MAPE, CAT(S46_RULE, S46_DMR)))),
        DK_ECONTAIN, "not allowed in option 94 (S46_CONT_MAPE)", 2, DK_OPT_S46_CONT_MAPE,
        DK_OPT_S46_DMR);
    /* S46 containers are server configuration, not something a client sends. */
    assert_fails(msg(DK_MSG_SOLICIT,
                     CAT(CLIENTID, ELAPSED, opt(DK_OPT_S46_CONT_MAPT, CAT(S46_RULE, S46_DMR)))),
                 DK_ECONTAIN, "not allowed in SOLICIT", 1, DK_OPT_S46_CONT_MAPT);
}

static void ntp_server_suboptions(void **state)
{
    (void)state;
    const char *head = CAT(SERVERID, CLIENTID);
    const char *addr = "0001001020010db8000000000000000000000123";
    const char *fqdn = "0003000d036e7470076578616d706c6500";
    assert_ok(msg(DK_MSG_REPLY, CAT(head, opt(DK_OPT_NTP_SERVER, addr),
                                    opt(DK_OPT_NTP_SERVER, CAT(addr, fqdn, "fffe0000")))));
    assert_fails(msg(DK_MSG_REPLY, CAT(head, opt(DK_OPT_NTP_SERVER, ""))), DK_ECOUNT,
                 "option 56 (NTP_SERVER) holds 0 options, at least 1 required", 1,
                 DK_OPT_NTP_SERVER);
    assert_int_equal(diag.space[0], DK_SPACE_DHCPV6);
}

static void unknown_options_allowed(void **state)
{
    (void)state;
    /* At the top, inside an IA, inside an address, and in a relay. */
    assert_ok(msg(DK_MSG_SOLICIT, CAT(UNKNOWN, CLIENTID, ELAPSED, UNKNOWN)));
    assert_ok(msg(DK_MSG_REPLY,
                  CAT(SERVERID, ia_na(1, CAT(UNKNOWN, opt(DK_OPT_IAADDR,
                                                          CAT("20010db8000000000000000000000001"
                                                              "0000000000000000",
                                                              UNKNOWN)))))));
    assert_ok(relay(DK_MSG_RELAY_FORW, 0, msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED)), UNKNOWN));
    /* Vendor sub-options are the enterprise's business. */
    assert_ok(msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED,
                                      opt(DK_OPT_VENDOR_OPTS, "0000000900010000000100000002"
                                                              "0000"))));
}

static void leasequery_rules(void **state)
{
    (void)state;
    const char *query =
        opt(DK_OPT_LQ_QUERY, CAT("01fe800000000000000000000000000001", IAADDR, opt(6, "002f")));
    assert_ok(msg(DK_MSG_LEASEQUERY, CAT(CLIENTID, query)));
    assert_fails(msg(DK_MSG_LEASEQUERY, CLIENTID), DK_ECOUNT,
                 "LEASEQUERY must contain option 44 (LQ_QUERY)", 0);
    assert_fails(
        msg(DK_MSG_LEASEQUERY,
            CAT(CLIENTID, opt(DK_OPT_LQ_QUERY, CAT("01fe800000000000000000000000000001", DNS)))),
        DK_ECONTAIN, "not allowed in option 44 (LQ_QUERY)", 2, DK_OPT_LQ_QUERY, DK_OPT_DNS_SERVERS);
    /*
     * Client data holds whatever the server knows, and the relay chain the
     * client's last message came through, without that message (RFC 5007
     * §4.1.2.4): here two relays, the inner one with an Interface-Id.
     */
    const char *peer = "20010db8000000000000000000000001";
    const char *ifid = opt(DK_OPT_INTERFACE_ID, "4661322f33");
    const char *chain = relay(DK_MSG_RELAY_FORW, 1, bare_relay(0, ifid), "");
    const char *data =
        opt(DK_OPT_CLIENT_DATA, CAT(CLIENTID, IAADDR, IAADDR, DNS, "002e000400000e10",
                                    opt(DK_OPT_LQ_RELAY_DATA, CAT(peer, chain))));
    assert_ok(msg(DK_MSG_LEASEQUERY_REPLY, CAT(CLIENTID, SERVERID, data)));
    /* A violation inside the relay chain inside the client data. */
    const char *bad = relay(DK_MSG_RELAY_FORW, 1, bare_relay(0, DNS), "");
    assert_fails(msg(DK_MSG_LEASEQUERY_REPLY,
                     CAT(CLIENTID, SERVERID,
                         opt(DK_OPT_CLIENT_DATA, opt(DK_OPT_LQ_RELAY_DATA, CAT(peer, bad))))),
                 DK_ECONTAIN, "not allowed in RELAY-FORW", 4, DK_OPT_CLIENT_DATA,
                 DK_OPT_LQ_RELAY_DATA, DK_OPT_RELAY_MSG, DK_OPT_DNS_SERVERS);
    /* The client's message must have been removed... */
    const char *sol = msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED));
    const char *full = relay(DK_MSG_RELAY_FORW, 0, sol, "");
    assert_fails(msg(DK_MSG_LEASEQUERY_REPLY,
                     CAT(CLIENTID, SERVERID,
                         opt(DK_OPT_CLIENT_DATA, opt(DK_OPT_LQ_RELAY_DATA, CAT(peer, full))))),
                 DK_ECONTAIN, "may not carry SOLICIT inside RELAY-FORW", 3, DK_OPT_CLIENT_DATA,
                 DK_OPT_LQ_RELAY_DATA, DK_OPT_RELAY_MSG);
    /* ...and it is not the relay data itself. */
    assert_fails(msg(DK_MSG_LEASEQUERY_REPLY,
                     CAT(CLIENTID, SERVERID,
                         opt(DK_OPT_CLIENT_DATA, opt(DK_OPT_LQ_RELAY_DATA, CAT(peer, sol))))),
                 DK_ECONTAIN, "may not carry SOLICIT", 2, DK_OPT_CLIENT_DATA, DK_OPT_LQ_RELAY_DATA);
    /* Outside relay data, a Relay-forward without a Relay Message is wrong. */
    assert_fails(relay(DK_MSG_RELAY_FORW, 1, bare_relay(0, ifid), ""), DK_ECOUNT,
                 "RELAY-FORW must contain option 9 (RELAY_MSG)", 1, DK_OPT_RELAY_MSG);
}

static void no_diag_and_no_message(void **state)
{
    (void)state;
    struct dk_arena arena;
    struct dk_msg *m;
    const char *hex = msg(DK_MSG_SOLICIT, ELAPSED);
    size_t n = unhex(hex, packet, sizeof(packet));
    dk_arena_init(&arena, arena_mem, sizeof(arena_mem));
    assert_int_equal(dk_msg_decode(packet, n, &arena, &m, NULL), 0);
    assert_int_equal(dk_msg_validate(m, NULL), DK_ECOUNT);
    assert_int_equal(dk_msg_validate(NULL, &diag), DK_EINVAL);
    assert_int_equal(diag.err, DK_EINVAL);
    assert_int_equal(dk_msg_validate(NULL, NULL), DK_EINVAL);
}

/* The longest relay chain the decoder accepts validates; a hand-built tree
 * deeper than any decoded one is refused without recursion. */
static void depth_is_bounded(void **state)
{
    (void)state;
    const char *hex = msg(DK_MSG_SOLICIT, CAT(CLIENTID, ELAPSED));
    for (unsigned i = 0; i < DK_MAX_RELAYS; i++)
        hex = relay(DK_MSG_RELAY_FORW, i, hex, "");
    assert_ok(hex);

    enum { DEEP = 100000 };
    struct dk_opt *chain = calloc(DEEP, sizeof(*chain));
    assert_non_null(chain);
    for (size_t i = 0; i < DEEP; i++) {
        chain[i].code = 0xfff0; /* unknown: no rules, so only depth can stop the walk */
        chain[i].opts = i + 1 < DEEP ? &chain[i + 1] : NULL;
        chain[i].nopts = i + 1 < DEEP;
    }
    struct dk_msg m = {.type = 200, .opts = chain, .nopts = 1}; /* a type without rules */
    assert_int_equal(dk_msg_validate(&m, &diag), DK_EDEPTH);
    assert_int_equal(diag.npath, DK_MAX_NESTING + 1);
    free(chain);
}

/* ---- The table itself ---- */

static void table_is_well_formed(void **state)
{
    (void)state;
    const struct dk__contain *rows = dk__contain_rows;
    assert_true(dk__contain_nrows > 100);
    for (size_t i = 0; i < dk__contain_nrows; i++) {
        const struct dk__contain *r = &rows[i];
        /* The container exists and can hold options. */
        if (r->in == DK__IN_MSG) {
            assert_true(dk_msg_is_relay(r->container) || dk_msg_is_client_server(r->container));
        } else {
            assert_int_equal(r->in, DK__IN_OPT);
            const struct dk_optdef *def = dk_optdef_find(DK_SPACE_DHCPV6, r->container);
            assert_non_null(def);
            assert_true(def->nfields > 0);
            uint8_t last = def->f[def->nfields - 1].kind;
            assert_true(last == DK_F_OPTIONS || last == DK_F_SUBOPTS);
        }
        if (r->what == DK__ONE) {
            if (!dk_optdef_find(r->space, r->code))
                fail_msg("row %zu names unknown option %u", i, r->code);
            assert_true(r->max >= 1);
        }
        assert_true(r->min <= r->max);
        assert_true(r->what != DK__OTHER || (r->min == 0 && r->max == DK__MANY));
        /* Sorted by (in, container); no option is listed twice in a container. */
        if (i > 0) {
            const struct dk__contain *p = &rows[i - 1];
            if (p->in > r->in || (p->in == r->in && p->container > r->container))
                fail_msg("row %zu (container %u) is out of order", i, r->container);
        }
        for (size_t j = 0; j < i; j++) {
            const struct dk__contain *q = &rows[j];
            if (q->in == r->in && q->container == r->container && q->what == r->what &&
                q->space == r->space && q->code == r->code)
                fail_msg("row %zu repeats row %zu (container %u, option %u)", i, j, r->container,
                         r->code);
        }
    }
    /* The validator maps the rows of one container by index into a byte
     * map: no container may have more than DK__CONTAIN_MAX_ROWS. */
    for (size_t i = 0, run = 0; i < dk__contain_nrows; i++) {
        bool same = i > 0 && rows[i - 1].in == rows[i].in &&
                    rows[i - 1].container == rows[i].container;
        run = same ? run + 1 : 1;
        if (run > DK__CONTAIN_MAX_ROWS)
            fail_msg("container %u has more than %d rows", rows[i].container,
                     DK__CONTAIN_MAX_ROWS);
    }
    /* Every message type we know has rules. */
    for (unsigned t = 1; t <= DK_MSG_MAX_KNOWN; t++) {
        bool found = false;
        for (size_t i = 0; i < dk__contain_nrows; i++)
            found |= rows[i].in == DK__IN_MSG && rows[i].container == t;
        if (!found)
            fail_msg("message type %u has no rows", t);
    }
}

/* ---- The vectors: what real peers and the original's fixtures send ---- */

/* The string value of "key" in a JSON line (no escapes needed for ours), or false. */
static bool json_str(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\"", key);
    const char *p = strstr(line, pat);
    if (!p)
        return false;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    if (*p != '"')
        return false;
    p++;
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < cap)
        out[n++] = *p++;
    out[n] = '\0';
    return *p == '"' || n + 1 == cap;
}

static FILE *open_vectors(const char *name)
{
    char path[1024];
    const char *dir = getenv("DHCPKIT_VECTORS");
    if (!dir || !*dir)
        dir = getenv("DHCPKIT_VECTORS_DEFAULT");
    if (!dir)
        return NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return fopen(path, "r");
}

static char line_buf[1 << 20];
static char hex_buf[1 << 18];
static char field[256];

static void vectors_pass(void **state)
{
    (void)state;
    FILE *f = open_vectors("dhcpkit_pcaps.jsonl");
    FILE *g = open_vectors("dhcpkit_tests.jsonl");
    if (!f || !g) {
        if (f)
            fclose(f);
        if (g)
            fclose(g);
        print_message("vectors not found ($DHCPKIT_VECTORS): skipped\n");
        skip();
    }
    size_t messages = 0, runs = 0;
    for (FILE *in = f; in; in = in == f ? g : NULL) {
        while (fgets(line_buf, sizeof(line_buf), in)) {
            char validity[32] = "";
            json_str(line_buf, "validity", validity, sizeof(validity));
            bool captured = strcmp(validity, "valid-captured") == 0;
            if (!captured && strcmp(validity, "valid") != 0)
                continue;
            assert_true(json_str(line_buf, "id", field, sizeof(field)));
            char id[256];
            snprintf(id, sizeof(id), "%s", field);
            assert_true(json_str(line_buf, "hex", hex_buf, sizeof(hex_buf)));
            if (!json_str(line_buf, "kind", field, sizeof(field)))
                continue;
            /* A whole message: captured, or a fixture the original decoded
             * as a message (a few option bodies only look like messages). */
            char as[64] = "";
            json_str(line_buf, "decoded_as", as, sizeof(as));
            char *paren = strchr(as, '(');
            bool is_msg = strcmp(field, "message") == 0 && paren && paren - as > 7 &&
                          strncmp(paren - 7, "Message", 7) == 0;
            struct dk_arena arena;
            size_t n = unhex(hex_buf, packet, sizeof(packet));
            dk_arena_init(&arena, arena_mem, sizeof(arena_mem));
            int err;
            if (strcmp(field, "message") == 0 && (captured || is_msg)) {
                struct dk_msg *m;
                assert_int_equal(dk_msg_decode(packet, n, &arena, &m, NULL), 0);
                err = dk_msg_validate(m, &diag);
                messages++;
            } else if (strcmp(field, "options") == 0) {
                /* A run of options: check what each holds. */
                struct dk_opt *opts;
                size_t nopts;
                if (dk_opts_decode(packet, n, DK_SPACE_DHCPV6, &arena, &opts, &nopts, NULL))
                    continue; /* an option body that only looks like options */
                err = dk__opts_validate(opts, nopts, &diag);
                runs++;
            } else {
                continue;
            }
            if (err) {
                char text[256];
                fail_msg("%s: %s", id, dk_diag_format(&diag, text, sizeof(text)));
            }
        }
    }
    fclose(f);
    fclose(g);
    print_message("%zu messages and %zu option runs validated\n", messages, runs);
    /* 47 captures and the original's message fixtures. */
    assert_true(messages >= 55);
    assert_true(runs >= 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(good_solicit_passes, setup),
        cmocka_unit_test_setup(missing_client_id, setup),
        cmocka_unit_test_setup(two_elapsed_times, setup),
        cmocka_unit_test_setup(dns_servers_in_solicit, setup),
        cmocka_unit_test_setup(server_id_in_solicit, setup),
        cmocka_unit_test_setup(status_code_twice_in_ia_na, setup),
        cmocka_unit_test_setup(iaprefix_in_ia_na, setup),
        cmocka_unit_test_setup(duplicate_iaids, setup),
        cmocka_unit_test_setup(deep_relay_chain_path, setup),
        cmocka_unit_test_setup(relay_rules, setup),
        cmocka_unit_test_setup(s46_mapt_without_dmr, setup),
        cmocka_unit_test_setup(ntp_server_suboptions, setup),
        cmocka_unit_test_setup(unknown_options_allowed, setup),
        cmocka_unit_test_setup(leasequery_rules, setup),
        cmocka_unit_test_setup(no_diag_and_no_message, setup),
        cmocka_unit_test_setup(depth_is_bounded, setup),
        cmocka_unit_test_setup(table_is_well_formed, setup),
        cmocka_unit_test_setup(vectors_pass, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
