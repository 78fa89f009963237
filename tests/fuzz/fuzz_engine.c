/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the whole engine minus the sockets. One pipeline is built
 * once from a representative config (static-csv, configuration options,
 * filters, rate-limit, the relay copiers, dump-requests behind a filter)
 * and each input is handled as one datagram by dk_pipeline_handle().
 *
 * Input: one selector octet, then the UDP payload. The selector's low two
 * bits choose how the datagram arrived (a client on the link by multicast,
 * a client by unicast, a relay by unicast, a relay on the link), bit 2
 * advances the clock by a minute (so the rate limit both refills and runs
 * dry), bit 3 makes it a request over a <listen-tcp> connection instead
 * (rx.tcp, the peer and nothing of a link).
 *
 * Checks: a reply is produced only with the REPLY verdict, fits its buffer,
 * decodes, passes dk_msg_validate and is a message a server sends; every
 * log line is one line with no control characters (wire strings escaped).
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/config.h>
#include <dhcpkit/message.h>
#include <dhcpkit/validate.h>

#include "fuzz.h"
#include "pipeline.h"

#define ARENA_SIZE (1u << 20)

static const uint8_t server_duid[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static const char csv_text[] = "id,address,prefix\n"
                               "duid:000300013431c43cb2f1,2001:db8:1::100,2001:db8:1100::/56\n"
                               "interface-id-str:eth0,2001:db8:1::200,\n"
                               "interface-id:706f727431,2001:db8:1::201,2001:db8:1201::/56\n"
                               "remote-id-str:3561:CUST1,,2001:db8:1300::/56\n"
                               "subscriber-id-str:sub1,2001:db8:1::400,\n"
                               "linklayer-id:1:020000000001,2001:db8:1::500,2001:db8:1500::/56\n";

static const char config_fmt[] = "allow-rapid-commit yes\n"
                                 "<rate-limit>\n"
                                 "    rate 20\n"
                                 "    per 60s\n"
                                 "    burst 20\n"
                                 "</rate-limit>\n"
                                 "<copy-remote-id/>\n"
                                 "<copy-subscriber-id/>\n"
                                 "<copy-linklayer-id/>\n"
                                 "<elapsed-time>\n"
                                 "    more-than 60s\n"
                                 "    <dump-requests>\n"
                                 "        format text\n"
                                 "        answer yes\n"
                                 "    </dump-requests>\n"
                                 "</elapsed-time>\n"
                                 "<elapsed-time>\n"
                                 "    more-than 30s\n"
                                 "    less-than 60s\n"
                                 "    <dump-requests>\n"
                                 "        format json\n"
                                 "        answer yes\n"
                                 "    </dump-requests>\n"
                                 "</elapsed-time>\n"
                                 "<marked-with unmarked>\n"
                                 "    <ignore-request>\n"
                                 "        message-type confirm\n"
                                 "    </ignore-request>\n"
                                 "</marked-with>\n"
                                 "<subnet 2001:db8:1::/48>\n"
                                 "    <static-csv %s/>\n"
                                 "    <iana-timing-limits>\n"
                                 "        min-t1 30m\n"
                                 "        max-t1 12h\n"
                                 "        factor-t1 0.5\n"
                                 "    </iana-timing-limits>\n"
                                 "    <iapd-timing-limits/>\n"
                                 "    <server-unicast>\n"
                                 "        address 2001:db8:1::1\n"
                                 "    </server-unicast>\n"
                                 "    <preference>\n"
                                 "        level 255\n"
                                 "    </preference>\n"
                                 "</subnet>\n"
                                 "<recursive-name-servers>\n"
                                 "    address 2001:db8::53\n"
                                 "</recursive-name-servers>\n"
                                 "<domain-search-list>\n"
                                 "    domain-name example.com\n"
                                 "</domain-search-list>\n"
                                 "<ntp-servers>\n"
                                 "    server-fqdn time.example.com\n"
                                 "    server-address 2001:db8::123\n"
                                 "</ntp-servers>\n"
                                 "<sip-server-names>\n"
                                 "    domain-name sip.example.org\n"
                                 "</sip-server-names>\n"
                                 "<aftr-name>\n"
                                 "    fqdn aftr.example.org\n"
                                 "</aftr-name>\n"
                                 "<sol-max-rt>\n"
                                 "    limit 1h\n"
                                 "</sol-max-rt>\n"
                                 "<information-refresh-time>\n"
                                 "    refresh-time 1d\n"
                                 "</information-refresh-time>\n"
                                 "<vendor-specific-information 40208>\n"
                                 "    option 1 0a:0b:0c\n"
                                 "</vendor-specific-information>\n";

static struct dk_pipeline *pipeline;
static struct dk_worker *worker;
static int verbose; /* FUZZ_VERBOSE set: one line per input on stderr */
static uint64_t now_ms = 1000000;
static uint8_t out[65536];
static _Alignas(max_align_t) uint8_t arena_mem[ARENA_SIZE];

static void check_log(void *ctx, int level, const char *msg)
{
    (void)ctx;
    (void)level;
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
}

static uint64_t clock_ms(void *ctx)
{
    (void)ctx;
    return now_ms;
}

static void setup(void)
{
    /* The CSV lives in a memfd, named by its /proc path; it stays open. */
    int fd = memfd_create("fuzz-engine.csv", 0);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(write(fd, csv_text, sizeof(csv_text) - 1) == (ssize_t)(sizeof(csv_text) - 1));
    char path[64], text[sizeof(config_fmt) + 64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    int n = snprintf(text, sizeof(text), config_fmt, path);
    FUZZ_CHECK(n > 0 && (size_t)n < sizeof(text));

    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    dk_config_errors_init(&errs);
    int rc =
        dk_config_parse_buffer("fuzz-engine.conf", text, (size_t)n, DK_CONFIG_NESTED, &cfg, &errs);
    if (rc == 0) {
        struct dk_pipeline_env env = {check_log, NULL, clock_ms, NULL};
        rc = dk_pipeline_new_env(cfg, server_duid, sizeof(server_duid), &env, &pipeline, &errs);
    }
    if (rc != 0)
        dk_config_errors_print(&errs, stderr);
    FUZZ_CHECK(rc == 0);
    dk_config_errors_clear(&errs);
    dk_config_free(cfg);
    worker = dk_worker_new();
    FUZZ_CHECK(worker != NULL);
    verbose = getenv("FUZZ_VERBOSE") != NULL;
}

static void set_addr(struct in6_addr *a, const char *text)
{
    FUZZ_CHECK(inet_pton(AF_INET6, text, a) == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!pipeline)
        setup();
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    if (sel & 4)
        now_ms += 60000;

    struct dk_rx rx;
    memset(&rx, 0, sizeof(rx));
    rx.data = data + 1;
    rx.len = size - 1;
    switch (sel & 3) {
    case 0: /* a client on the link, multicast */
    case 1: /* a client on the link, unicast to our global address */
        set_addr(&rx.src, "fe80::3631:c4ff:fe3c:b2f1");
        rx.sport = 546;
        set_addr(&rx.dst, (sel & 3) ? "2001:db8:1::1" : "ff02::1:2");
        rx.multicast = (sel & 3) == 0;
        rx.ifindex = 2;
        rx.ifname = "eth0";
        set_addr(&rx.link_address, "2001:db8:1::1");
        break;
    case 2: /* a relay, by unicast */
        set_addr(&rx.src, "2001:db8:ffff::1");
        rx.sport = 547;
        set_addr(&rx.dst, "2001:db8::53");
        rx.ifindex = 3;
        rx.ifname = "eth1";
        break;
    default: /* a relay on the link, to ff02::1:2, with no global address */
        set_addr(&rx.src, "fe80::1");
        rx.sport = 547;
        set_addr(&rx.dst, "ff02::1:2");
        rx.multicast = true;
        rx.ifindex = 4;
        rx.ifname = "eth2";
        break;
    }
    if (sel & 8) { /* over TCP: what tcp.c hands over (pipeline.h) */
        memset(&rx, 0, sizeof(rx));
        rx.data = data + 1;
        rx.len = size - 1;
        set_addr(&rx.src, "2001:db8:ffff::9");
        rx.sport = 40000;
        rx.tcp = true;
    }

    struct dk_tx tx = {.buf = out, .cap = sizeof(out)};
    struct dk_result res;
    memset(&res, 0, sizeof(res));
    dk_pipeline_handle(pipeline, worker, &rx, &tx, &res);
    if (verbose)
        fprintf(stderr, "fuzz_engine: %zu octets in, verdict %d (%s), %zu octets out\n", rx.len,
                (int)res.verdict, res.why ? res.why : "-", tx.len);
    /* A stream only with a reply over TCP; the caller pulls and closes it. */
    FUZZ_CHECK(!res.stream || (res.verdict == DK_VERDICT_REPLY && rx.tcp));
    if (res.stream) {
        static uint8_t more[65535];
        for (int i = 0; i < 100000 && res.stream->next(res.stream, more, sizeof(more)) > 0; i++)
            ;
        res.stream->close(res.stream);
    }
    if (res.verdict != DK_VERDICT_REPLY) {
        FUZZ_CHECK(tx.len == 0);
        return 0;
    }
    FUZZ_CHECK(tx.len > 0 && tx.len <= tx.cap);

    struct dk_arena arena;
    struct dk_msg *m = NULL;
    struct dk_diag diag;
    dk_arena_init(&arena, arena_mem, sizeof(arena_mem));
    int err = dk_msg_decode(out, tx.len, &arena, &m, &diag);
    if (err) {
        char line[256];
        fprintf(stderr, "the reply does not decode: %s\n",
                dk_diag_format(&diag, line, sizeof(line)));
    }
    FUZZ_CHECK(err == 0);
    err = dk_msg_validate(m, &diag);
    if (err)
        fprintf(stderr, "the reply is not valid: %s\n", diag.text);
    FUZZ_CHECK(err == 0);
    /* Something a server sends: Advertise, Reply, Relay-reply, or the
     * Leasequery-reply to a Leasequery (RFC 5007 §4.3.3). */
    FUZZ_CHECK(out[0] == 2 || out[0] == 7 || out[0] == 13 || out[0] == 15);
    /* Replies go back to where the request came from. */
    FUZZ_CHECK(memcmp(&tx.dst, &rx.src, sizeof(tx.dst)) == 0);
    return 0;
}
