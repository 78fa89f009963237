/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The identities of client i and the assignment its row gives it, computed
 * (never stored), so that a million clients cost nothing and the CSV, the
 * Kea reservations and the checks of the replies agree by construction.
 */
#include <arpa/inet.h>
#include <string.h>

#include "bench.h"

void bk_conf_defaults(struct bk_conf *c)
{
    memset(c, 0, sizeof(*c));
    c->clients = 1000;
    c->server_port = 547;
    c->relay_port = 547;
    c->remote_en = 9;
    inet_pton(AF_INET6, "2001:db8:1::", &c->na_base);
    inet_pton(AF_INET6, "2001:db8:8000::", &c->pd_base);
    c->pd_base_len = 33;
    c->pd_len = 56;
    c->window = 512;
    c->timeout = 2.0;
    c->renew_pct = 50;
    c->avalanche_timeout = 300;
    c->sol_max_rt = 3600;
    c->null_cpu = -1;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void bk_duid(const struct bk_conf *c, uint32_t i, uint8_t out[BK_DUID_LEN])
{
    /* RFC 8415 §11.4: type 3, hardware type 1 (Ethernet), a locally
     * administered unicast MAC (02:...). */
    out[0] = 0;
    out[1] = 3;
    out[2] = 0;
    out[3] = 1;
    out[4] = 0x02;
    out[5] = c->seed;
    put32(out + 6, i);
}

int64_t bk_duid_index(const struct bk_conf *c, const uint8_t *duid, size_t len)
{
    uint8_t want[BK_DUID_LEN];
    if (len != BK_DUID_LEN)
        return -1;
    bk_duid(c, 0, want);
    if (memcmp(duid, want, 6) != 0)
        return -1;
    uint32_t i =
        (uint32_t)duid[6] << 24 | (uint32_t)duid[7] << 16 | (uint32_t)duid[8] << 8 | duid[9];
    return i < c->clients ? (int64_t)i : -1;
}

void bk_remote_id(const struct bk_conf *c, uint32_t i, uint8_t out[BK_RID_LEN])
{
    out[0] = 0x0a;
    out[1] = c->seed;
    put32(out + 2, i);
}

size_t bk_interface_id(uint32_t i, uint8_t out[BK_IFID_MAX])
{
    char s[BK_IFID_MAX + 1];
    int n = snprintf(s, sizeof(s), "bench-%u", (unsigned)i);
    if (n < 0)
        return 0;
    size_t len = (size_t)n < BK_IFID_MAX ? (size_t)n : BK_IFID_MAX;
    memcpy(out, s, len);
    return len;
}

/* a += v at bit offset 128 - shift (big-endian, with carry). */
static void add_shifted(struct in6_addr *a, uint64_t v, unsigned shift)
{
    /* Work on the two 64-bit halves. */
    uint64_t hi = 0, lo = 0;
    for (int k = 0; k < 8; k++) {
        hi = hi << 8 | a->s6_addr[k];
        lo = lo << 8 | a->s6_addr[k + 8];
    }
    uint64_t add_hi, add_lo;
    if (shift >= 64) {
        add_hi = shift >= 128 ? 0 : v << (shift - 64);
        add_lo = 0;
    } else {
        add_lo = v << shift;
        add_hi = shift == 0 ? 0 : v >> (64 - shift);
    }
    uint64_t nlo = lo + add_lo;
    hi += add_hi + (nlo < lo);
    lo = nlo;
    for (int k = 7; k >= 0; k--) {
        a->s6_addr[k] = (uint8_t)hi;
        a->s6_addr[k + 8] = (uint8_t)lo;
        hi >>= 8;
        lo >>= 8;
    }
}

void bk_address(const struct bk_conf *c, uint32_t i, struct in6_addr *out)
{
    *out = c->na_base;
    add_shifted(out, (uint64_t)i + 1, 0);
}

void bk_prefix(const struct bk_conf *c, uint32_t i, struct in6_addr *out)
{
    *out = c->pd_base;
    add_shifted(out, i, 128u - c->pd_len);
}

bool bk_prefixes_fit(const struct bk_conf *c)
{
    if (c->pd_len > 128 || c->pd_base_len > c->pd_len)
        return false;
    unsigned bits = (unsigned)c->pd_len - c->pd_base_len;
    return bits >= 32 || (uint64_t)c->clients <= (uint64_t)1 << bits;
}

static void hex(FILE *f, const uint8_t *p, size_t n, const char *sep)
{
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%s%02x", k && sep ? sep : "", p[k]);
}

int bk_csv_write(const struct bk_conf *c, FILE *f)
{
    char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
    fputs("id,address,prefix\n", f);
    for (uint32_t i = 0; i < c->clients; i++) {
        struct in6_addr ad, pf;
        bk_address(c, i, &ad);
        bk_prefix(c, i, &pf);
        inet_ntop(AF_INET6, &ad, a, sizeof(a));
        inet_ntop(AF_INET6, &pf, p, sizeof(p));
        if (c->relayed) {
            uint8_t rid[BK_RID_LEN];
            bk_remote_id(c, i, rid);
            fprintf(f, "remote-id:%u:", (unsigned)c->remote_en);
            hex(f, rid, sizeof(rid), NULL);
        } else {
            uint8_t duid[BK_DUID_LEN];
            bk_duid(c, i, duid);
            fputs("duid:", f);
            hex(f, duid, sizeof(duid), NULL);
        }
        fprintf(f, ",%s,", c->ia_na ? a : "");
        if (c->ia_pd)
            fprintf(f, "%s/%u", p, (unsigned)c->pd_len);
        fputc('\n', f);
    }
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

int bk_kea_write(const struct bk_conf *c, FILE *f)
{
    char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
    fputs("[\n", f);
    for (uint32_t i = 0; i < c->clients; i++) {
        struct in6_addr ad, pf;
        bk_address(c, i, &ad);
        bk_prefix(c, i, &pf);
        inet_ntop(AF_INET6, &ad, a, sizeof(a));
        inet_ntop(AF_INET6, &pf, p, sizeof(p));
        if (c->relayed) {
            /* Kea's mac-sources remote-id: the hardware address is the
             * Remote-ID after its enterprise number. */
            uint8_t rid[BK_RID_LEN];
            bk_remote_id(c, i, rid);
            fputs("{\"hw-address\":\"", f);
            hex(f, rid, sizeof(rid), ":");
        } else {
            uint8_t duid[BK_DUID_LEN];
            bk_duid(c, i, duid);
            fputs("{\"duid\":\"", f);
            hex(f, duid, sizeof(duid), ":");
        }
        fputc('"', f);
        if (c->ia_na)
            fprintf(f, ",\"ip-addresses\":[\"%s\"]", a);
        if (c->ia_pd)
            fprintf(f, ",\"prefixes\":[\"%s/%u\"]", p, (unsigned)c->pd_len);
        fprintf(f, "}%s\n", i + 1 < c->clients ? "," : "");
    }
    fputs("]\n", f);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
