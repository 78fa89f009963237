/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * csv-gen: writes a realistic static-csv assignments file to standard
 * output, for bench/store-load.sh.
 *
 *   csv-gen ROWS [SEED]
 *
 * Every row has a unique id, a unique address in 2001:db8:1::/64 and a
 * unique /56 in 2001:db8:8000::/33. The ids are mixed as an ISP's export
 * would be: 60 % remote-id-str and 15 % remote-id (hex) with Remote-IDs of
 * 20-40 octets (BNG circuit ids), 10 % duid, 5 % interface-id(-str), 5 %
 * subscriber-id(-str), 5 % linklayer-id. Addresses and prefixes follow a
 * permutation of the row numbers, so that the file is not sorted by them
 * (an export sorted by customer is not). Deterministic for a seed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint32_t next(void)
{
    /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static void hex(FILE *f, const uint8_t *p, size_t n, int colons)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, colons && i ? ":%02x" : "%02x", p[i]);
}

/* A circuit id of 20-40 printable octets that embeds the row number, so
 * that it is unique. */
static size_t circuit(char *out, uint64_t i)
{
    static const char *const bng[] = {"bng-ams-01", "bng-rtm-02", "access-utr-17", "olt-ehv-3"};
    int n =
        snprintf(out, 64, "%s eth 1/%u/%u:%" PRIu64, bng[next() % 4], next() % 16, next() % 48, i);
    size_t len = (size_t)n;
    size_t want = 20 + next() % 21;
    while (len < want)
        out[len++] = (char)('a' + next() % 26);
    if (len > 40)
        len = 40 < (size_t)n ? (size_t)n : 40;
    out[len] = 0;
    return len;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: csv-gen ROWS [SEED]\n");
        return 64;
    }
    uint64_t rows = strtoull(argv[1], NULL, 10);
    rng = argc == 3 ? strtoull(argv[2], NULL, 10) : 42;
    if (!rng)
        rng = 42;
    if (rows > (1u << 23)) {
        fprintf(stderr, "csv-gen: at most %u rows\n", 1u << 23);
        return 64;
    }
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
    FILE *f = stdout;
    uint64_t mask = 1;
    while (mask < rows)
        mask <<= 1;
    mask--;
    fprintf(f, "id,address,prefix,customer\n");
    for (uint64_t i = 0; i < rows; i++) {
        uint32_t r = next() % 100;
        char c[64];
        uint8_t b[64];
        if (r < 60) {
            circuit(c, i);
            fprintf(f, "remote-id-str:%u:%s", 3561u + (unsigned)(i % 3), c);
        } else if (r < 75) {
            size_t n = circuit(c, i);
            fprintf(f, "remote-id:9:");
            hex(f, (const uint8_t *)c, n, 0);
        } else if (r < 85) {
            /* DUID-LLT: type 1, hw 1, time, MAC from the row number */
            uint8_t d[14] = {0,
                             1,
                             0,
                             1,
                             0x2a,
                             0x1b,
                             0x3c,
                             0x4d,
                             0x02,
                             0x00,
                             (uint8_t)(i >> 24),
                             (uint8_t)(i >> 16),
                             (uint8_t)(i >> 8),
                             (uint8_t)i};
            fprintf(f, "duid:");
            hex(f, d, sizeof(d), 0);
        } else if (r < 90) {
            if (r & 1)
                fprintf(f, "interface-id-str:ge-0/%u/%u.%" PRIu64, next() % 8, next() % 48, i);
            else {
                int n = snprintf((char *)b, sizeof(b), "vlan%" PRIu64, i);
                fprintf(f, "interface-id:");
                hex(f, b, (size_t)n, 1);
            }
        } else if (r < 95) {
            if (r & 1)
                fprintf(f, "subscriber-id-str:sub%08" PRIu64 "@isp.example", i);
            else {
                int n = snprintf((char *)b, sizeof(b), "SUB-%" PRIu64, i);
                fprintf(f, "subscriber-id:");
                hex(f, b, (size_t)n, 0);
            }
        } else {
            uint8_t mac[6] = {
                0x02, 0x42, (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
            fprintf(f, "linklayer-id:1:");
            hex(f, mac, 6, 1);
        }
        /* an odd multiplier modulo a power of two: a bijection */
        uint64_t q = (i * 747796405u + 2891336453u) & mask;
        fprintf(f,
                ",2001:db8:1::%" PRIx64 ":%" PRIx64 ",2001:db8:%" PRIx64 ":%" PRIx64
                "00::/56,cust%" PRIu64 "\n",
                (q >> 16) & 0xffff, q & 0xffff, 0x8000 | (q >> 8), q & 0xff, i);
    }
    return fflush(f) == 0 ? 0 : 1;
}
