/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The option handlers (src/handlers/options.c): each one's option, field by
 * field, in the replies it belongs in and not in the others; merging of
 * several sections; the Option Request option.
 */
#include "fixture.h"

/* Asks with a Solicit whose ORO lists code (0: no ORO). */
static const struct dk_msg *solicit(struct fx *f, uint16_t code)
{
    struct dk_bmsg *m = req_new(f, DK_MSG_SOLICIT);
    if (code)
        req_oro(f, m, 1, code);
    return fx_ask(f, m);
}

/* The n-th name of a domain list, as text. */
static const char *name_at(const struct dk_opt *o, size_t field, size_t n)
{
    static char text[DK_DOMAIN_TEXT_MAX];
    const uint8_t *p = o->v[field].p;
    size_t left = o->v[field].n;
    for (;;) {
        int used = dk_domain_to_text(p, left, text);
        assert_true(used > 0);
        if (n-- == 0)
            return text;
        p += used;
        left -= (size_t)used;
    }
}

static void test_preference(void **state)
{
    (void)state;
    struct fx *f = fx_new("<preference>\n level 255\n</preference>\n");
    /* In the Advertise, whatever the ORO says (Preference is not requestable). */
    const struct dk_msg *r = solicit(f, DK_OPT_DNS_SERVERS);
    const struct dk_opt *p = find(r, DK_OPT_PREFERENCE);
    assert_non_null(p);
    assert_int_equal(p->len, 1);
    assert_int_equal(p->v[0].u, 255);
    /* Not in a Reply (RFC 8415 §21.8). */
    struct dk_bmsg *m = req_new(f, DK_MSG_REQUEST);
    r = fx_ask(f, m);
    assert_null(find(r, DK_OPT_PREFERENCE));
    fx_free(f);
}

static void test_recursive_name_servers(void **state)
{
    (void)state;
    struct fx *f = fx_new("<recursive-name-servers>\n address 2001:4860:4860::8888\n"
                          " address 2001:4860:4860::8844\n</recursive-name-servers>\n");
    const struct dk_msg *r = solicit(f, DK_OPT_DNS_SERVERS);
    const struct dk_opt *o = find(r, DK_OPT_DNS_SERVERS);
    assert_non_null(o);
    assert_int_equal(o->len, 32);
    assert_addr(o->v[0].p, 16, "2001:4860:4860::8888");
    assert_addr(o->v[0].p + 16, 16, "2001:4860:4860::8844");
    /* In a Reply to a Request, Renew, Rebind, Information-request. */
    static const uint8_t types[] = {DK_MSG_REQUEST, DK_MSG_RENEW, DK_MSG_REBIND,
                                    DK_MSG_INFORMATION_REQUEST};
    for (size_t i = 0; i < sizeof(types); i++) {
        struct dk_bmsg *m = req_new(f, types[i]);
        assert_non_null(find(fx_ask(f, m), DK_OPT_DNS_SERVERS));
    }
    /* Not asked for: not sent. */
    assert_null(find(solicit(f, DK_OPT_DOMAIN_LIST), DK_OPT_DNS_SERVERS));
    fx_free(f);
}

/* INI: the same handler from [option RecursiveNameServers]. */
static void test_recursive_name_servers_ini(void **state)
{
    (void)state;
    struct fx *f = fx_new("[option RecursiveNameServers]\nserver-address-1 = 2001:db8::1\n"
                          "server-address-2 = 2001:db8::2\n");
    const struct dk_opt *o = find(solicit(f, 0), DK_OPT_DNS_SERVERS);
    assert_int_equal(o->len, 32);
    assert_addr(o->v[0].p + 16, 16, "2001:db8::2");
    fx_free(f);
}

static void test_domain_search_list(void **state)
{
    (void)state;
    struct fx *f = fx_new("<domain-search-list>\n domain-name example.com\n"
                          " domain-name steffann.nl\n</domain-search-list>\n"
                          "<domain-search-list>\n domain-name example.com\n"
                          " domain-name example.org\n</domain-search-list>\n");
    const struct dk_opt *o = find(solicit(f, DK_OPT_DOMAIN_LIST), DK_OPT_DOMAIN_LIST);
    assert_non_null(o);
    /* Merged in order, without the repeat. */
    assert_string_equal(name_at(o, 0, 0), "example.com.");
    assert_string_equal(name_at(o, 0, 1), "steffann.nl.");
    assert_string_equal(name_at(o, 0, 2), "example.org.");
    assert_int_equal(o->len, 13 + 13 + 13);
    fx_free(f);
}

static void test_ntp_servers(void **state)
{
    (void)state;
    struct fx *f = fx_new("<ntp-servers>\n server-fqdn ntp.example.com\n"
                          " server-address 2001:db8::123\n multicast-address ff05::101\n"
                          "</ntp-servers>\n"
                          "<ntp-servers>\n server-address 2001:db8::123\n"
                          " server-address 2001:db8::124\n</ntp-servers>\n");
    const struct dk_msg *r = solicit(f, DK_OPT_NTP_SERVER);
    assert_int_equal(count(r, DK_OPT_NTP_SERVER), 1);
    const struct dk_opt *o = find(r, DK_OPT_NTP_SERVER);
    assert_int_equal(o->nopts, 4);
    assert_int_equal(o->opts[0].code, DK_NTP_SUBOPTION_SRV_FQDN);
    char text[DK_DOMAIN_TEXT_MAX];
    assert_true(dk_domain_to_text(o->opts[0].v[0].p, o->opts[0].v[0].n, text) > 0);
    assert_string_equal(text, "ntp.example.com.");
    assert_int_equal(o->opts[1].code, DK_NTP_SUBOPTION_SRV_ADDR);
    assert_addr(o->opts[1].v[0].p, o->opts[1].v[0].n, "2001:db8::123");
    assert_int_equal(o->opts[2].code, DK_NTP_SUBOPTION_MC_ADDR);
    assert_addr(o->opts[2].v[0].p, o->opts[2].v[0].n, "ff05::101");
    assert_int_equal(o->opts[3].code, DK_NTP_SUBOPTION_SRV_ADDR);
    assert_addr(o->opts[3].v[0].p, o->opts[3].v[0].n, "2001:db8::124");
    fx_free(f);
}

static void test_sntp_servers(void **state)
{
    (void)state;
    struct fx *f = fx_new("<sntp-servers>\n address 2610:20:6f15:15::27\n</sntp-servers>\n");
    const struct dk_opt *o = find(solicit(f, DK_OPT_SNTP_SERVERS), DK_OPT_SNTP_SERVERS);
    assert_non_null(o);
    assert_int_equal(o->len, 16);
    assert_addr(o->v[0].p, 16, "2610:20:6f15:15::27");
    fx_free(f);
}

static void test_sip_servers(void **state)
{
    (void)state;
    struct fx *f = fx_new("<sip-server-names>\n domain-name sip.example.org\n"
                          "</sip-server-names>\n"
                          "<sip-server-addresses>\n address 2001:db8::5060\n"
                          "</sip-server-addresses>\n");
    struct dk_bmsg *m = req_new(f, DK_MSG_INFORMATION_REQUEST);
    req_oro(f, m, 2, DK_OPT_SIP_SERVER_D, DK_OPT_SIP_SERVER_A);
    const struct dk_msg *r = fx_ask(f, m);
    const struct dk_opt *d = find(r, DK_OPT_SIP_SERVER_D), *a = find(r, DK_OPT_SIP_SERVER_A);
    assert_non_null(d);
    assert_string_equal(name_at(d, 0, 0), "sip.example.org.");
    assert_non_null(a);
    assert_addr(a->v[0].p, a->v[0].n, "2001:db8::5060");
    fx_free(f);
}

static void test_aftr_name(void **state)
{
    (void)state;
    struct fx *f = fx_new("<aftr-name>\n fqdn aftr.example.net\n</aftr-name>\n"
                          "<aftr-name>\n fqdn second.example.net\n</aftr-name>\n");
    const struct dk_msg *r = solicit(f, DK_OPT_AFTR_NAME);
    assert_int_equal(count(r, DK_OPT_AFTR_NAME), 1); /* the first wins */
    char text[DK_DOMAIN_TEXT_MAX];
    const struct dk_opt *o = find(r, DK_OPT_AFTR_NAME);
    assert_true(dk_domain_to_text(o->v[0].p, o->v[0].n, text) > 0);
    assert_string_equal(text, "aftr.example.net.");
    fx_free(f);
}

static void test_max_rt(void **state)
{
    (void)state;
    struct fx *f = fx_new("<sol-max-rt>\n limit 12h\n always-send yes\n</sol-max-rt>\n"
                          "<inf-max-rt>\n limit 3600\n</inf-max-rt>\n"
                          "<sol-max-rt>\n limit 60\n</sol-max-rt>\n");
    const struct dk_msg *r = solicit(f, DK_OPT_DNS_SERVERS);
    assert_int_equal(count(r, DK_OPT_SOL_MAX_RT), 1);
    assert_int_equal(find(r, DK_OPT_SOL_MAX_RT)->v[0].u, 43200);
    assert_null(find(r, DK_OPT_INF_MAX_RT)); /* not asked for */
    r = solicit(f, DK_OPT_INF_MAX_RT);
    assert_int_equal(find(r, DK_OPT_INF_MAX_RT)->v[0].u, 3600);
    fx_free(f);
}

/* Only in the Reply to an Information-request (RFC 8415 §21.23). */
static void test_information_refresh_time(void **state)
{
    (void)state;
    struct fx *f = fx_new("<information-refresh-time>\n refresh-time 1d\n"
                          " always-send yes\n</information-refresh-time>\n");
    const struct dk_msg *r = fx_ask(f, req_new(f, DK_MSG_INFORMATION_REQUEST));
    const struct dk_opt *o = find(r, DK_OPT_INFORMATION_REFRESH_TIME);
    assert_non_null(o);
    assert_int_equal(o->v[0].u, 86400);
    assert_null(find(solicit(f, 0), DK_OPT_INFORMATION_REFRESH_TIME));
    assert_null(find(fx_ask(f, req_new(f, DK_MSG_REQUEST)), DK_OPT_INFORMATION_REFRESH_TIME));
    fx_free(f);
    f = fx_new("<information-refresh-time>\n refresh-time INFINITY\n"
               "</information-refresh-time>\n");
    r = fx_ask(f, req_new(f, DK_MSG_INFORMATION_REQUEST));
    assert_int_equal(find(r, DK_OPT_INFORMATION_REFRESH_TIME)->v[0].u, DK_INFINITY);
    fx_free(f);
}

/* Option 17 per enterprise: a TR-069 ACS URL for CPEs (Broadband Forum,
 * enterprise 3561, sub-option 1), merged with a second section. */
static void test_vendor_specific_information(void **state)
{
    (void)state;
    struct fx *f = fx_new("<vendor-specific-information 3561>\n"
                          " option 1 687474703a2f2f6163732e6578616d706c652e6e6574\n"
                          " option 2 00\n"
                          "</vendor-specific-information>\n"
                          "<vendor-specific-information 3561>\n"
                          " option 2 ff\n option 3 0102\n"
                          "</vendor-specific-information>\n"
                          "<vendor-specific-information 9>\n"
                          " always-send yes\n option 7 aa\n"
                          "</vendor-specific-information>\n");
    const struct dk_msg *r = solicit(f, DK_OPT_VENDOR_OPTS);
    assert_int_equal(count(r, DK_OPT_VENDOR_OPTS), 2);
    const struct dk_opt *o = nth(r, DK_OPT_VENDOR_OPTS, 0);
    assert_int_equal(o->v[0].u, 3561);
    assert_int_equal(o->nopts, 3);
    assert_int_equal(o->opts[0].code, 1);
    assert_int_equal(o->opts[0].v[0].n, 22);
    assert_memory_equal(o->opts[0].v[0].p, "http://acs.example.net", 22);
    assert_int_equal(o->opts[1].code, 2);
    assert_int_equal(o->opts[1].v[0].p[0], 0x00); /* the first section's sub-option 2 wins */
    assert_int_equal(o->opts[2].code, 3);
    assert_int_equal(o->opts[2].v[0].n, 2);
    o = nth(r, DK_OPT_VENDOR_OPTS, 1);
    assert_int_equal(o->v[0].u, 9);
    /* Not asked for: only the always-send one. */
    r = solicit(f, DK_OPT_DNS_SERVERS);
    assert_int_equal(count(r, DK_OPT_VENDOR_OPTS), 1);
    assert_int_equal(find(r, DK_OPT_VENDOR_OPTS)->v[0].u, 9);
    fx_free(f);
}

/* No configuration options in the answers to Confirm, Release, Decline. */
static void test_no_config_in_status_answers(void **state)
{
    (void)state;
    struct fx *f = fx_new("<recursive-name-servers>\n always-send yes\n address 2001:db8::1\n"
                          "</recursive-name-servers>\n"
                          "<aftr-name>\n always-send yes\n fqdn aftr.example.net\n</aftr-name>\n");
    const struct dk_msg *r = fx_ask(f, req_new(f, DK_MSG_RELEASE));
    assert_null(find(r, DK_OPT_DNS_SERVERS));
    assert_null(find(r, DK_OPT_AFTR_NAME));
    assert_int_equal(r->nopts, 3); /* identifiers and Success */
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preference),
        cmocka_unit_test(test_recursive_name_servers),
        cmocka_unit_test(test_recursive_name_servers_ini),
        cmocka_unit_test(test_domain_search_list),
        cmocka_unit_test(test_ntp_servers),
        cmocka_unit_test(test_sntp_servers),
        cmocka_unit_test(test_sip_servers),
        cmocka_unit_test(test_aftr_name),
        cmocka_unit_test(test_max_rt),
        cmocka_unit_test(test_information_refresh_time),
        cmocka_unit_test(test_vendor_specific_information),
        cmocka_unit_test(test_no_config_in_status_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
