/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pipeline on hostile input: every file of the decoder's fuzz corpora,
 * sent directly and inside a Relay-forward, and deterministic mutations of
 * valid requests, through a pipeline with every built-in handler. Nothing
 * may crash (run under ASan/UBSan in CI), every verdict is one of the
 * contract's, and every reply decodes and passes dk_msg_validate (the
 * fixture checks).
 */
#include <dirent.h>

#include "fixture.h"

static const char *const everything =
    "allow-rapid-commit yes\n"
    "<unanswered-ia>\n authoritative yes\n</unanswered-ia>\n"
    "<listen-interface eth0>\n mark a\n</listen-interface>\n"
    "<dump-requests>\n answer yes\n</dump-requests>\n"
    "<dump-requests>\n answer yes\n format text\n</dump-requests>\n"
    "<rate-limit>\n rate 1000000\n per 1\n</rate-limit>\n"
    "<copy-remote-id/>\n<copy-subscriber-id/>\n<copy-linklayer-id/>\n"
    "<marked-with a>\n <preference>\n  level 1\n </preference>\n</marked-with>\n"
    "<elapsed-time>\n less-than 1h\n <sol-max-rt>\n  limit 3600\n </sol-max-rt>\n"
    "</elapsed-time>\n"
    "<subnet ::/0>\n"
    " <recursive-name-servers>\n  address 2001:db8::53\n </recursive-name-servers>\n"
    " <domain-search-list>\n  domain-name example.com\n </domain-search-list>\n"
    " <ntp-servers>\n  server-fqdn ntp.example.com\n </ntp-servers>\n"
    " <sntp-servers>\n  address 2001:db8::123\n </sntp-servers>\n"
    " <sip-server-names>\n  domain-name sip.example.com\n </sip-server-names>\n"
    " <sip-server-addresses>\n  address 2001:db8::5060\n </sip-server-addresses>\n"
    " <aftr-name>\n  fqdn aftr.example.com\n </aftr-name>\n"
    " <inf-max-rt>\n  limit 3600\n </inf-max-rt>\n"
    " <information-refresh-time>\n  refresh-time 1d\n </information-refresh-time>\n"
    " <vendor-specific-information 3561>\n  option 1 41\n </vendor-specific-information>\n"
    " <iana-timing-limits/>\n <iapd-timing-limits/>\n"
    " <server-unicast>\n  address 2001:db8::547\n </server-unicast>\n"
    " <plugin " PROBE_PLUGIN ">\n  assign-address 2001:db8:1::9\n"
    "  assign-prefix 2001:db8:100::/56\n  confirm yes\n </plugin>\n"
    "</subnet>\n";

static size_t ndatagrams, nreplies;

static void send_both_ways(struct fx *f, const uint8_t *p, size_t n)
{
    if (n > sizeof(f->req))
        return;
    memcpy(f->req, p, n);
    f->reqlen = n;
    fx_rx_direct(f);
    enum dk_verdict v = fx_send_raw(f);
    assert_true(v <= DK_VERDICT_RATE_LIMITED);
    nreplies += v == DK_VERDICT_REPLY;
    /* The same inside a Relay-forward with an Interface-ID and an ERO. */
    static const uint8_t head[] = {
        12,   0,    0x20, 0x01, 0x0d, 0xb8, 0, 1,  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* link */
        0xfe, 0x80, 0,    0,    0,    0,    0, 0,  0, 0, 0, 0, 0, 0, 0, 2,       /* peer */
        0,    18,   0,    2,    'p',  '1',                                       /* Interface-ID */
        0,    43,   0,    4,    0,    37,   0, 38,                               /* ERO */
    };
    if (n > 65535 - sizeof(head) - 4)
        return;
    memcpy(f->req, head, sizeof(head));
    f->req[sizeof(head)] = 0;
    f->req[sizeof(head) + 1] = DK_OPT_RELAY_MSG;
    f->req[sizeof(head) + 2] = (uint8_t)(n >> 8);
    f->req[sizeof(head) + 3] = (uint8_t)n;
    memcpy(f->req + sizeof(head) + 4, p, n);
    f->reqlen = sizeof(head) + 4 + n;
    fx_rx_relayed(f);
    v = fx_send_raw(f);
    assert_true(v <= DK_VERDICT_RATE_LIMITED);
    nreplies += v == DK_VERDICT_REPLY;
    ndatagrams += 2;
}

static void replay_dir(struct fx *f, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    static uint8_t buf[65536];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        size_t n = fread(buf, 1, sizeof(buf), fp);
        fclose(fp);
        send_both_ways(f, buf, n);
    }
    closedir(d);
}

static void test_fuzz_corpora(void **state)
{
    (void)state;
    struct fx *f = fx_new(everything);
    replay_dir(f, CORPUS_DIR "/fuzz_decode");
    replay_dir(f, CORPUS_DIR "/fuzz_roundtrip");
    /* The corpora are in the tree: an empty run would test nothing. */
    assert_true(ndatagrams > 100);
    fx_free(f);
}

/* A tiny deterministic generator (xorshift64*). */
static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545f4914f6cdd1du) >> 32);
}

/* Valid requests of every type, with IAs, then 3000 mutations of each:
 * octets flipped, lengths changed, cut short. */
static void test_mutations(void **state)
{
    (void)state;
    struct fx *f = fx_new(everything);
    static const uint8_t types[] = {
        DK_MSG_SOLICIT, DK_MSG_REQUEST, DK_MSG_CONFIRM, DK_MSG_RENEW,
        DK_MSG_REBIND,  DK_MSG_RELEASE, DK_MSG_DECLINE, DK_MSG_INFORMATION_REQUEST};
    size_t replies_before = nreplies;
    for (size_t t = 0; t < sizeof(types); t++) {
        struct dk_bmsg *m = req_new(f, types[t]);
        if (types[t] != DK_MSG_INFORMATION_REQUEST) {
            struct dk_bopt *na = req_ia(f, m, DK_OPT_IA_NA, 1);
            req_ia_addr(f, na, "2001:db8:1::5", 100, 200);
            struct dk_bopt *pd = req_ia(f, m, DK_OPT_IA_PD, 2);
            req_ia_prefix(f, pd, "2001:db8:100::", 56, 100, 200);
            dk_bmsg_add(&f->arena, m, DK_OPT_RAPID_COMMIT);
        }
        req_oro(f, m, 4, DK_OPT_DNS_SERVERS, DK_OPT_NTP_SERVER, DK_OPT_VENDOR_OPTS, 9999);
        struct dk_msg *dm;
        assert_int_equal(dk_bmsg_finish(&f->arena, m, &dm), 0);
        uint8_t good[1024];
        struct dk_wbuf w;
        dk_wbuf_init(&w, good, sizeof(good));
        assert_int_equal(dk_msg_encode(&w, dm), 0);
        send_both_ways(f, good, w.len);
        for (int i = 0; i < 3000; i++) {
            uint8_t bad[1024];
            size_t n = w.len;
            memcpy(bad, good, n);
            for (uint32_t k = next() % 4 + 1; k > 0; k--) {
                size_t at = next() % n;
                switch (next() % 4) {
                case 0:
                    bad[at] ^= (uint8_t)(1u << (next() % 8));
                    break;
                case 1:
                    bad[at] = (uint8_t)next();
                    break;
                case 2:
                    bad[at] = (uint8_t)(bad[at] + 1);
                    break;
                default:
                    n = at + 1;
                    break;
                }
            }
            send_both_ways(f, bad, n);
            /* Keep the arena of the requests from filling up. */
            f->arena.used = 0;
        }
        f->arena.used = 0;
    }
    print_message("%zu datagrams, %zu replies\n", ndatagrams, nreplies);
    /* Many mutants are still valid: the run must have answered some. */
    assert_true(nreplies > replies_before + 1000);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_corpora),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
