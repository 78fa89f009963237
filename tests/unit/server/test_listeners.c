/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which sockets a config asks for, given the interfaces (src/server/listeners.c). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>

#include <cmocka.h>

#include "listeners.h"

static struct dk_config *parse(const char *text)
{
    struct dk_config *cfg = NULL;
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    int rc = dk_config_parse_buffer("test.conf", text, strlen(text), DK_CONFIG_NESTED, &cfg, &errs);
    if (rc != 0)
        dk_config_errors_print(&errs, stderr);
    dk_config_errors_clear(&errs);
    assert_int_equal(rc, 0);
    return cfg;
}

static struct in6_addr a6(const char *s)
{
    struct in6_addr a;
    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return a;
}

static const char *str(const struct in6_addr *a, char *buf)
{
    return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* lo (1): ::1; eth0 (2): fe80::1, 2001:db8:1::9 (tentative), 2001:db8:1::5,
 * 2001:db8:1::202:ff:fe00:1 (u bit); eth1 (7): fe80::7; eth2 (9): none. */
static void add_addr(struct dk_nl_if *ifc, const char *a, uint32_t flags)
{
    ifc->addrs = realloc(ifc->addrs, (ifc->naddrs + 1) * sizeof(*ifc->addrs));
    ifc->addrs[ifc->naddrs++] = (struct dk_nl_addr){.addr = a6(a), .plen = 64, .flags = flags};
}

static void netstate(struct dk_netstate *st)
{
    static const struct {
        unsigned index;
        const char *name;
        unsigned flags;
    } ifs[] = {{1, "lo", IFF_LOOPBACK | IFF_UP},
               {2, "eth0", IFF_MULTICAST | IFF_UP},
               {7, "eth1", IFF_MULTICAST | IFF_UP},
               {9, "eth2", IFF_UP}};
    st->nifs = 4;
    st->ifs = calloc(4, sizeof(*st->ifs));
    for (size_t i = 0; i < 4; i++) {
        st->ifs[i].index = ifs[i].index;
        st->ifs[i].flags = ifs[i].flags;
        strcpy(st->ifs[i].name, ifs[i].name);
    }
    add_addr(&st->ifs[0], "::1", 0);
    add_addr(&st->ifs[1], "fe80::1", 0);
    add_addr(&st->ifs[1], "2001:db8:1::9", IFA_F_TENTATIVE);
    add_addr(&st->ifs[1], "2001:db8:1::5", 0);
    add_addr(&st->ifs[1], "2001:db8:1::202:ff:fe00:1", 0);
    add_addr(&st->ifs[2], "fe80::7", 0);
}

static void plan(const char *conf, struct dk_lplan *p)
{
    struct dk_netstate st = {0};
    netstate(&st);
    struct dk_config *cfg = parse(conf);
    memset(p, 0, sizeof(*p));
    assert_int_equal(dk__listeners_plan(dk_config_root(cfg), &st, p), 0);
    dk_config_free(cfg);
    dk__netstate_clear(&st);
}

static void test_interface(void **state)
{
    (void)state;
    struct dk_lplan p;
    char b[INET6_ADDRSTRLEN];
    plan("<listen-interface eth0/>\n", &p);
    assert_int_equal(p.n, 1);
    const struct dk_ipc_listener *m = &p.v[0].meta;
    assert_int_equal(m->kind, DK_LISTEN_INTERFACE);
    assert_int_equal(m->ifindex, 2);
    assert_string_equal(m->ifname, "eth0");
    assert_string_equal(str(&m->addr, b), "ff02::1:2");
    assert_string_equal(str(&m->reply_from, b), "fe80::1");
    /* The first usable global address: the tentative one is skipped. */
    assert_string_equal(str(&m->link_address, b), "2001:db8:1::5");
    assert_int_equal(m->listen_to_self, 0);
    assert_int_equal(p.v[0].line, 1);
    dk__lplan_clear(&p);

    /* An interface without global addresses: link ::, no reply-from. */
    plan("<listen-interface eth2/>\n", &p);
    assert_int_equal(p.n, 1);
    assert_true(IN6_IS_ADDR_UNSPECIFIED(&p.v[0].meta.link_address));
    assert_true(IN6_IS_ADDR_UNSPECIFIED(&p.v[0].meta.reply_from));
    dk__lplan_clear(&p);

    /* Configured values; reply-from that is not on the link: kernel's choice. */
    plan("<listen-interface eth0>\n    reply-from fe80::99\n    link-address 2001:db8:5::1\n"
         "    listen-to-self yes\n</listen-interface>\n",
         &p);
    assert_int_equal(p.n, 1);
    assert_true(IN6_IS_ADDR_UNSPECIFIED(&p.v[0].meta.reply_from));
    assert_string_equal(str(&p.v[0].meta.link_address, b), "2001:db8:5::1");
    assert_int_equal(p.v[0].meta.listen_to_self, 1);
    dk__lplan_clear(&p);

    /* Not there (yet): nothing. */
    plan("<listen-interface eth9/>\n", &p);
    assert_int_equal(p.n, 0);
    dk__lplan_clear(&p);

    /* '*': every multicast interface but loopback. */
    plan("<listen-interface */>\n", &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.v[0].meta.ifname, "eth0");
    assert_string_equal(p.v[1].meta.ifname, "eth1");
    dk__lplan_clear(&p);
}

static void test_unicast(void **state)
{
    (void)state;
    struct dk_lplan p;
    char b[INET6_ADDRSTRLEN];

    plan("<listen-unicast 2001:db8:1::5/>\n", &p);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.v[0].meta.kind, DK_LISTEN_UNICAST);
    assert_int_equal(p.v[0].meta.ifindex, 0); /* a global address: no scope */
    assert_string_equal(p.v[0].meta.ifname, "eth0");
    assert_string_equal(str(&p.v[0].meta.link_address, b), "2001:db8:1::5");
    dk__lplan_clear(&p);

    /* Tentative or absent: not yet. */
    plan("<listen-unicast 2001:db8:1::9/>\n<listen-unicast 2001:db8:1::77/>\n", &p);
    assert_int_equal(p.n, 0);
    dk__lplan_clear(&p);

    /* A link-local address is bound with its interface. */
    plan("<listen-unicast fe80::7>\n    interface eth1\n</listen-unicast>\n", &p);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.v[0].meta.ifindex, 7);
    dk__lplan_clear(&p);

    /* all: every usable global address of the interface. */
    plan("<listen-unicast all>\n    interface eth0\n</listen-unicast>\n", &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(str(&p.v[0].meta.addr, b), "2001:db8:1::5");
    assert_string_equal(str(&p.v[1].meta.addr, b), "2001:db8:1:0:202:ff:fe00:1");
    dk__lplan_clear(&p);

    /* auto: the lowest with the u bit set (RFC 4291 §2.5.1), else the lowest. */
    plan("<listen-unicast auto>\n    interface eth0\n</listen-unicast>\n", &p);
    assert_int_equal(p.n, 1);
    assert_string_equal(str(&p.v[0].meta.addr, b), "2001:db8:1:0:202:ff:fe00:1");
    dk__lplan_clear(&p);

    /* Asked twice: one socket. */
    plan("<listen-unicast 2001:db8:1::5/>\n<listen-unicast all>\n    interface *\n"
         "</listen-unicast>\n",
         &p);
    assert_int_equal(p.n, 2);
    dk__lplan_clear(&p);
}

static void test_same(void **state)
{
    (void)state;
    struct dk_ipc_listener a = {.kind = DK_LISTEN_INTERFACE, .ifindex = 2}, b;
    strcpy(a.ifname, "eth0");
    a.addr = a6("ff02::1:2");
    b = a;
    assert_true(dk__lspec_same(&a, &b));
    b.link_address = a6("2001:db8::1");
    assert_true(dk__lspec_same_socket(&a, &b));
    assert_false(dk__lspec_same(&a, &b));
    b = a;
    b.ifindex = 3; /* a recreated interface */
    assert_false(dk__lspec_same_socket(&a, &b));
    char name[64];
    assert_string_equal(dk__listener_name(&a, name, sizeof(name)), "ff02::1:2%eth0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interface),
        cmocka_unit_test(test_unicast),
        cmocka_unit_test(test_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
