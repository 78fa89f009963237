/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * s46-reply CONFIG TYPE CODE...: runs the server's pipeline (the real
 * handlers) on CONFIG and prints, in hex on one line, its reply to a direct
 * client's message of TYPE (1 Solicit or 11 Information-request) whose
 * Option Request option lists the CODEs. For test_s46_tshark.py, which has
 * tshark dissect the replies. Exit 0 with a reply, 1 without, 2 on a usage
 * or config error.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/config.h>

#include "pipeline.h"

static const uint8_t server_duid[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t client_duid[] = {0x00, 0x03, 0x00, 0x01, 0x34, 0x31, 0xc4, 0x3c, 0xb2, 0xf1};

#define MAX_CODES 32

int main(int argc, char **argv)
{
    if (argc < 3 || argc - 3 > MAX_CODES) {
        fprintf(stderr, "usage: s46-reply CONFIG TYPE [CODE...] (at most %d codes)\n", MAX_CODES);
        return 2;
    }
    int ret = 2;
    struct dk_config *cfg = NULL;
    struct dk_pipeline *p = NULL;
    struct dk_worker *w = NULL;
    struct dk_config_errors errs;
    dk_config_errors_init(&errs);
    if (dk_config_parse_file(argv[1], DK_CONFIG_AUTO, &cfg, &errs) != 0 ||
        dk_pipeline_new(cfg, server_duid, sizeof(server_duid), &p, &errs) != 0) {
        dk_config_errors_print(&errs, stderr);
        goto out;
    }
    w = dk_worker_new();
    if (!w)
        goto out;

    /* RFC 8415 §8: type, transaction id, then Client Identifier, Elapsed
     * Time and the Option Request option. */
    uint8_t req[256];
    size_t n = 0, ncodes = (size_t)(argc - 3);
    req[n++] = (uint8_t)atoi(argv[2]);
    req[n++] = 0xf3;
    req[n++] = 0x50;
    req[n++] = 0xd6;
    const uint8_t cid[] = {0x00, 0x01, 0x00, sizeof(client_duid)};
    memcpy(req + n, cid, 4);
    n += 4;
    memcpy(req + n, client_duid, sizeof(client_duid));
    n += sizeof(client_duid);
    const uint8_t elapsed[] = {0x00, 0x08, 0x00, 0x02, 0x00, 0x00};
    memcpy(req + n, elapsed, sizeof(elapsed));
    n += sizeof(elapsed);
    req[n++] = 0x00;
    req[n++] = 0x06;
    req[n++] = (uint8_t)((2 * ncodes) >> 8);
    req[n++] = (uint8_t)(2 * ncodes);
    for (size_t i = 0; i < ncodes; i++) {
        unsigned c = (unsigned)atoi(argv[3 + i]);
        req[n++] = (uint8_t)(c >> 8);
        req[n++] = (uint8_t)c;
    }

    struct dk_rx rx = {.data = req, .len = n, .sport = 546, .ifindex = 2, .ifname = "eth0",
                       .multicast = true};
    inet_pton(AF_INET6, "fe80::3631:c4ff:fe3c:b2f1", &rx.src);
    inet_pton(AF_INET6, "ff02::1:2", &rx.dst);
    inet_pton(AF_INET6, "2001:db8:1::1", &rx.link_address);
    static uint8_t out[65536];
    struct dk_tx tx = {.buf = out, .cap = sizeof(out)};
    struct dk_result res;
    dk_pipeline_handle(p, w, &rx, &tx, &res);
    if (res.verdict != DK_VERDICT_REPLY) {
        fprintf(stderr, "s46-reply: no reply (verdict %d, %s)\n", (int)res.verdict,
                res.why ? res.why : "?");
        ret = 1;
        goto out;
    }
    for (size_t i = 0; i < tx.len; i++)
        printf("%02x", out[i]);
    printf("\n");
    ret = 0;
out:
    dk_worker_free(w);
    dk_pipeline_free(p);
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);
    return ret;
}
