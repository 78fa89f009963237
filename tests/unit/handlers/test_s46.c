/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The MAP-E and MAP-T handlers (src/handlers/s46.c): the S46 containers of
 * RFC 7598 in the replies, decoded and checked field by field (flags,
 * ea-len, prefix lengths, prefixes, port parameters, BR, DMR), once also
 * octet by octet; only when asked for; the same from both syntaxes.
 */
#include "fixture.h"

static const char map_e_conf[] = "<map-e>\n"
                                 "    <map-rule>\n"
                                 "        ipv6-prefix 2001:db8:f000::/36\n"
                                 "        ipv4-prefix 192.0.2.0/24\n"
                                 "        contiguous-ports 64\n"
                                 "        sharing-ratio 16\n"
                                 "        forwarding-mapping yes\n"
                                 "    </map-rule>\n"
                                 "    <map-rule>\n"
                                 "        ipv6-prefix 2001:db8:9500::/40\n"
                                 "        ipv4-prefix 198.51.100.0/24\n"
                                 "        contiguous-ports 4\n"
                                 "        sharing-ratio 256\n"
                                 "    </map-rule>\n"
                                 "    br-address 2001:db8::1\n"
                                 "    br-address 2001:db8::2\n"
                                 "</map-e>\n";

static const char map_t_conf[] = "<map-t>\n"
                                 "    <map-rule>\n"
                                 "        ipv6-prefix 2001:db8:f000::/36\n"
                                 "        ipv4-prefix 192.0.2.0/24\n"
                                 "        contiguous-ports 64\n"
                                 "        sharing-ratio 16\n"
                                 "        forwarding-mapping yes\n"
                                 "    </map-rule>\n"
                                 "    default-mapping 2001:db8:0:1::/64\n"
                                 "</map-t>\n";

/* A request of type with an ORO of n codes. */
static const struct dk_msg *ask(struct fx *f, uint8_t type, size_t n, unsigned c1, unsigned c2)
{
    struct dk_bmsg *m = req_new(f, type);
    if (n == 1)
        req_oro(f, m, 1, c1);
    else if (n == 2)
        req_oro(f, m, 2, c1, c2);
    return fx_ask(f, m);
}

static void assert_v4(const struct dk_val *v, unsigned len, const char *text)
{
    uint8_t a[4];
    assert_int_equal(inet_pton(AF_INET, text, a), 1);
    assert_int_equal(v->u, len);
    assert_int_equal(v->n, 4);
    assert_memory_equal(v->p, a, 4);
}

/* A prefix field of RFC 7598 §4.1/§4.3: its length, then only the
 * ceil(len / 8) octets of the prefix. */
static void assert_v6(const struct dk_val *v, unsigned len, const char *text)
{
    uint8_t a[16];
    addr(text, a);
    assert_int_equal(v->u, len);
    assert_int_equal(v->n, (len + 7) / 8);
    assert_memory_equal(v->p, a, v->n);
}

/* S46_RULE (RFC 7598 §4.1): flags, ea-len, prefix4, prefix6, then its
 * options; with S46_PORTPARAMS (§4.5) offset, PSID-len, PSID when
 * offset >= 0. */
static void assert_rule(const struct dk_opt *r, unsigned flags, unsigned ea_len, unsigned v4len,
                        const char *v4, unsigned v6len, const char *v6, int offset)
{
    assert_int_equal(r->code, DK_OPT_S46_RULE);
    assert_int_equal(r->v[0].u, flags);
    assert_int_equal(r->v[1].u, ea_len);
    assert_v4(&r->v[2], v4len, v4);
    assert_v6(&r->v[3], v6len, v6);
    if (offset < 0) {
        assert_int_equal(r->nopts, 0);
        return;
    }
    assert_int_equal(r->nopts, 1);
    const struct dk_opt *pp = &r->opts[0];
    assert_int_equal(pp->code, DK_OPT_S46_PORTPARAMS);
    assert_int_equal(pp->len, 4);
    assert_int_equal(pp->v[0].u, (unsigned)offset);
    assert_int_equal(pp->v[1].u, 0); /* PSID-len: the CE takes the PSID from its EA-bits */
    assert_int_equal(pp->v[2].u, 0);
}

static void test_map_e(void **state)
{
    (void)state;
    struct fx *f = fx_new(map_e_conf);
    const struct dk_msg *r = ask(f, DK_MSG_SOLICIT, 1, DK_OPT_S46_CONT_MAPE, 0);
    assert_int_equal(r->type, DK_MSG_ADVERTISE);
    assert_int_equal(count(r, DK_OPT_S46_CONT_MAPE), 1);
    assert_null(find(r, DK_OPT_S46_CONT_MAPT));
    const struct dk_opt *c = find(r, DK_OPT_S46_CONT_MAPE);
    assert_int_equal(c->nopts, 4);
    /* k = log2 16 = 4, m = log2 64 = 6: a = 6, EA-bits = (32 - 24) + 4. */
    assert_rule(&c->opts[0], 0x01, 12, 24, "192.0.2.0", 36, "2001:db8:f000::", 6);
    /* k = 8, m = 2: a = 6, EA-bits = 8 + 8; no F flag. */
    assert_rule(&c->opts[1], 0x00, 16, 24, "198.51.100.0", 40, "2001:db8:9500::", 6);
    assert_int_equal(c->opts[2].code, DK_OPT_S46_BR);
    assert_addr(c->opts[2].v[0].p, c->opts[2].v[0].n, "2001:db8::1");
    assert_int_equal(c->opts[3].code, DK_OPT_S46_BR);
    assert_addr(c->opts[3].v[0].p, c->opts[3].v[0].n, "2001:db8::2");
    /* In the Reply to Request, Renew, Rebind and Information-request too. */
    static const uint8_t types[] = {DK_MSG_REQUEST, DK_MSG_RENEW, DK_MSG_REBIND,
                                    DK_MSG_INFORMATION_REQUEST};
    for (size_t i = 0; i < sizeof(types); i++)
        assert_non_null(find(ask(f, types[i], 1, DK_OPT_S46_CONT_MAPE, 0), DK_OPT_S46_CONT_MAPE));
    /* Not in the Reply to Release (no configuration there). */
    assert_null(find(ask(f, DK_MSG_RELEASE, 1, DK_OPT_S46_CONT_MAPE, 0), DK_OPT_S46_CONT_MAPE));
    /* RFC 7598 §3: requested by code; MAP-T or DNS asked for: no MAP-E. */
    assert_null(find(ask(f, DK_MSG_SOLICIT, 1, DK_OPT_S46_CONT_MAPT, 0), DK_OPT_S46_CONT_MAPE));
    assert_null(find(ask(f, DK_MSG_SOLICIT, 2, DK_OPT_DNS_SERVERS, DK_OPT_S46_CONT_LW),
                     DK_OPT_S46_CONT_MAPE));
    /* No ORO at all: every option, as the oro handler does for all (dhcpkit too). */
    assert_non_null(find(ask(f, DK_MSG_SOLICIT, 0, 0, 0), DK_OPT_S46_CONT_MAPE));
    fx_free(f);
}

/* The container octet by octet, worked out by hand from RFC 7598 §4.1,
 * §4.2, §4.5 and §5.1. */
static void test_map_e_octets(void **state)
{
    (void)state;
    struct fx *f =
        fx_new("<map-e>\n<map-rule>\nipv6-prefix 2001:db8:f000::/36\n"
               "ipv4-prefix 192.0.2.0/24\ncontiguous-ports 64\nsharing-ratio 16\n"
               "forwarding-mapping yes\n</map-rule>\nbr-address 2001:db8::1\n</map-e>\n");
    static const uint8_t want[] = {
        0x00, 0x5e, 0x00, 0x2d,                         /* S46_CONT_MAPE, 45 octets */
        0x00, 0x59, 0x00, 0x15,                         /* S46_RULE, 21 octets */
        0x01,                                           /* flags: F */
        0x0c,                                           /* ea-len 12 */
        0x18, 0xc0, 0x00, 0x02, 0x00,                   /* 192.0.2.0/24 */
        0x24, 0x20, 0x01, 0x0d, 0xb8, 0xf0,             /* 2001:db8:f000::/36 in 5 octets */
        0x00, 0x5d, 0x00, 0x04, 0x06, 0x00, 0x00, 0x00, /* S46_PORTPARAMS offset 6 */
        0x00, 0x5a, 0x00, 0x10,                         /* S46_BR */
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    };
    const struct dk_msg *r = ask(f, DK_MSG_SOLICIT, 1, DK_OPT_S46_CONT_MAPE, 0);
    const struct dk_opt *c = find(r, DK_OPT_S46_CONT_MAPE);
    assert_non_null(c);
    /* body points into the reply octets, just after the option header. */
    assert_int_equal(c->len + 4, sizeof(want));
    assert_memory_equal(c->body - 4, want, sizeof(want));
    fx_free(f);
}

static void test_map_t(void **state)
{
    (void)state;
    struct fx *f = fx_new(map_t_conf);
    const struct dk_msg *r =
        ask(f, DK_MSG_INFORMATION_REQUEST, 2, DK_OPT_S46_CONT_MAPE, DK_OPT_S46_CONT_MAPT);
    assert_null(find(r, DK_OPT_S46_CONT_MAPE));
    const struct dk_opt *c = find(r, DK_OPT_S46_CONT_MAPT);
    assert_non_null(c);
    assert_int_equal(c->nopts, 2);
    assert_rule(&c->opts[0], 0x01, 12, 24, "192.0.2.0", 36, "2001:db8:f000::", 6);
    /* RFC 7598 §4.3: dmr-prefix6-len 64, then 8 octets. */
    assert_int_equal(c->opts[1].code, DK_OPT_S46_DMR);
    assert_int_equal(c->opts[1].len, 9);
    assert_v6(&c->opts[1].v[0], 64, "2001:db8:0:1::");
    /* Only MAP-E asked for: nothing. */
    assert_null(find(ask(f, DK_MSG_SOLICIT, 1, DK_OPT_S46_CONT_MAPE, 0), DK_OPT_S46_CONT_MAPT));
    fx_free(f);
}

/* No sharing: no port parameters, EA-bits = the IPv4 suffix; a /32 IPv4
 * prefix with sharing: EA-bits = the PSID alone; the offset from both. */
static void test_ports(void **state)
{
    (void)state;
    struct fx *f = fx_new("<map-t>\n"
                          "<map-rule>\nipv6-prefix 2001:db8:4000::/34\nipv4-prefix 192.0.2.0/25\n"
                          "contiguous-ports 8\nsharing-ratio 1\n</map-rule>\n"
                          "<map-rule>\nipv6-prefix 2001:db8:ffff::/48\n"
                          "ipv4-prefix 203.0.113.7/32\ncontiguous-ports 1\nsharing-ratio 65536\n"
                          "forwarding-mapping yes\n</map-rule>\n"
                          "<map-rule>\nipv6-prefix 2001:db8:ab00::/40\nipv4-prefix 203.0.113.0/26\n"
                          "contiguous-ports 2048\nsharing-ratio 2\n</map-rule>\n"
                          "dmr-prefix 64:ff9b::/96\n</map-t>\n");
    const struct dk_opt *c =
        find(ask(f, DK_MSG_SOLICIT, 1, DK_OPT_S46_CONT_MAPT, 0), DK_OPT_S46_CONT_MAPT);
    assert_non_null(c);
    assert_int_equal(c->nopts, 4);
    assert_rule(&c->opts[0], 0, 7, 25, "192.0.2.0", 34, "2001:db8:4000::", -1);
    /* k = 16, m = 0: a = 0, EA-bits = 0 + 16. */
    assert_rule(&c->opts[1], 1, 16, 32, "203.0.113.7", 48, "2001:db8:ffff::", 0);
    /* k = 1, m = 11: a = 4, EA-bits = 6 + 1. */
    assert_rule(&c->opts[2], 0, 7, 26, "203.0.113.0", 40, "2001:db8:ab00::", 4);
    assert_v6(&c->opts[3].v[0], 96, "64:ff9b::");
    assert_int_equal(c->opts[3].len, 13);
    fx_free(f);
}

/* always-send: without being asked for; the first section that applies
 * wins; MAP-E and MAP-T together when both are asked for. */
static void test_always_first_both(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof(text),
             "%s%s<map-e>\n always-send yes\n<map-rule>\n"
             "ipv6-prefix 2001:db8::/40\nipv4-prefix 192.0.2.0/24\n"
             "contiguous-ports 64\nsharing-ratio 16\n</map-rule>\n"
             "br-address 2001:db8::99\n</map-e>\n",
             map_e_conf, map_t_conf);
    struct fx *f = fx_new(text);
    const struct dk_msg *r = ask(f, DK_MSG_SOLICIT, 2, DK_OPT_S46_CONT_MAPE, DK_OPT_S46_CONT_MAPT);
    assert_int_equal(count(r, DK_OPT_S46_CONT_MAPE), 1);
    assert_int_equal(count(r, DK_OPT_S46_CONT_MAPT), 1);
    const struct dk_opt *c = find(r, DK_OPT_S46_CONT_MAPE);
    assert_addr(c->opts[2].v[0].p, 16, "2001:db8::1"); /* the first section's */
    fx_free(f);

    f = fx_new("<map-e>\n always-send yes\n<map-rule>\nipv6-prefix 2001:db8::/40\n"
               "ipv4-prefix 192.0.2.0/24\ncontiguous-ports 64\nsharing-ratio 16\n</map-rule>\n"
               "br-address 2001:db8::99\n</map-e>\n");
    r = ask(f, DK_MSG_SOLICIT, 1, DK_OPT_DNS_SERVERS, 0);
    c = find(r, DK_OPT_S46_CONT_MAPE);
    assert_non_null(c);
    assert_addr(c->opts[1].v[0].p, 16, "2001:db8::99");
    fx_free(f);
}

/* Inside a filter: only for the clients it matches, and before the
 * top-level section. */
static void test_filter(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof(text),
             "<marked-with other>\n<map-t>\n<map-rule>\nipv6-prefix 2001:db8::/40\n"
             "ipv4-prefix 192.0.2.0/24\ncontiguous-ports 64\nsharing-ratio 16\n</map-rule>\n"
             "dmr-prefix 2001:db8:99::/48\n</map-t>\n</marked-with>\n"
             "<marked-with unmarked>\n<map-t>\n<map-rule>\nipv6-prefix 2001:db8::/40\n"
             "ipv4-prefix 192.0.2.0/24\ncontiguous-ports 64\nsharing-ratio 16\n</map-rule>\n"
             "dmr-prefix 2001:db8:77::/48\n</map-t>\n</marked-with>\n%s",
             map_t_conf);
    struct fx *f = fx_new(text);
    const struct dk_opt *c =
        find(ask(f, DK_MSG_SOLICIT, 1, DK_OPT_S46_CONT_MAPT, 0), DK_OPT_S46_CONT_MAPT);
    assert_non_null(c);
    assert_v6(&c->opts[1].v[0], 48, "2001:db8:77::");
    fx_free(f);
}

/* [option MapE] / [option MapT] give the same octets. */
static void test_ini(void **state)
{
    (void)state;
    char nested[4096];
    snprintf(nested, sizeof(nested), "%s%s", map_e_conf, map_t_conf);
    static const char ini[] =
        "[option MapE]\n"
        "map-rule-1 = ipv6-prefix 2001:db8:f000::/36\n"
        "    ipv4-prefix 192.0.2.0/24 contiguous-ports 64\n"
        "    sharing-ratio 16 forwarding-mapping yes\n"
        "map-rule-2 = ipv6-prefix=2001:db8:9500::/40, "
        "ipv4-prefix=198.51.100.0/24, contiguous-ports=4, sharing-ratio=256\n"
        "br-address-1 = 2001:db8::1\n"
        "br-address-2 = 2001:db8::2\n"
        "[option MapT]\n"
        "map-rule-1 = ipv6-prefix 2001:db8:f000::/36 ipv4-prefix 192.0.2.0/24 "
        "contiguous-ports 64 sharing-ratio 16 forwarding-mapping yes\n"
        "default-mapping = 2001:db8:0:1::/64\n";
    uint8_t a[2048], b[2048];
    size_t alen, blen;
    struct fx *f = fx_new(nested);
    ask(f, DK_MSG_SOLICIT, 2, DK_OPT_S46_CONT_MAPE, DK_OPT_S46_CONT_MAPT);
    alen = f->tx.len;
    assert_true(alen < sizeof(a));
    memcpy(a, f->out, alen);
    fx_free(f);
    f = fx_new(ini);
    const struct dk_msg *r = ask(f, DK_MSG_SOLICIT, 2, DK_OPT_S46_CONT_MAPE, DK_OPT_S46_CONT_MAPT);
    assert_non_null(find(r, DK_OPT_S46_CONT_MAPE));
    assert_non_null(find(r, DK_OPT_S46_CONT_MAPT));
    blen = f->tx.len;
    assert_true(blen < sizeof(b));
    memcpy(b, f->out, blen);
    fx_free(f);
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_e),
        cmocka_unit_test(test_map_e_octets),
        cmocka_unit_test(test_map_t),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_always_first_both),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_ini),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
