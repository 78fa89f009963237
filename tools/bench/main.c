/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ipv6-dhcp-bench: the command line (man/ipv6-dhcp-bench.1). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void usage(FILE *f)
{
    fputs("usage: " BK_PROG " [options] PHASE...   (PHASE: sarr rapid mix avalanche)\n"
          "  -c, --clients N        distinct clients (1000)\n"
          "  -r, --rate R           exchanges started per second (0: as fast as --window allows)\n"
          "  -n, --count N          exchanges per phase (default: one per client)\n"
          "  -w, --window N         exchanges in flight with --rate 0 (512)\n"
          "  -t, --timeout S        an exchange without answer after S seconds is lost (2)\n"
          "  -i, --interface IF     direct: send to ff02::1:2 on IF\n"
          "  -s, --server ADDR      send to ADDR (unicast) instead\n"
          "      --port P           the server's port (547)\n"
          "      --relay ADDR       relayed: Relay-forward from ADDR, port 547, Remote-ID per "
          "client\n"
          "      --relay-port P     the relay's port (547)\n"
          "      --link-address A   link-address of the Relay-forward (default: --relay)\n"
          "      --remote-id-en EN  enterprise number of the Remote-ID (9)\n"
          "      --interface-id     an Interface-ID per client too\n"
          "      --ia-na, --ia-pd   the IAs to ask for (default: both)\n"
          "      --na-base ADDR     client i's row: address ADDR + i + 1 (2001:db8:1::)\n"
          "      --pd-base P/LEN    client i's row: prefix i of --pd-len in P/LEN "
          "(2001:db8:8000::/33)\n"
          "      --pd-len LEN       (56)\n"
          "      --seed N           0..255, part of every DUID and Remote-ID (0)\n"
          "      --write-csv FILE   write the static-csv table of the clients and go on\n"
          "      --write-kea FILE   write them as Kea host reservations (JSON array)\n"
          "      --check-assignments  every lease must be exactly the client's row\n"
          "      --renew-pct P      mix: bound clients renew with P%, else release (50)\n"
          "      --avalanche-timeout S  give up the avalanche after S seconds (300)\n"
          "      --sol-max-rt S     SOL_MAX_RT for the avalanche (3600)\n"
          "      --null-server      answer our own load with a UDP echo thread on --server\n"
          "      --null-cpu N       pin the echo thread to CPU N\n"
          "  -q, --quiet            do not describe failed exchanges on stderr\n",
          f);
}

static bool num(const char *s, unsigned long long max, unsigned long long *out)
{
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (errno || e == s || *e || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool real(const char *s, double *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (errno || e == s || *e || !(v >= 0))
        return false;
    *out = v;
    return true;
}

static bool prefix(const char *s, struct in6_addr *a, uint8_t *len)
{
    char buf[INET6_ADDRSTRLEN + 8];
    unsigned long long l;
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN || !num(slash + 1, 128, &l))
        return false;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = 0;
    *len = (uint8_t)l;
    return inet_pton(AF_INET6, buf, a) == 1;
}

enum {
    O_PORT = 256,
    O_RELAY,
    O_RELAY_PORT,
    O_LINK,
    O_EN,
    O_IFID,
    O_NA,
    O_PD,
    O_NA_BASE,
    O_PD_BASE,
    O_PD_LEN,
    O_SEED,
    O_CSV,
    O_KEA,
    O_CHECK,
    O_RENEW,
    O_AV_TIMEOUT,
    O_SOL_MAX_RT,
    O_NULL,
    O_NULL_CPU,
    O_HELP,
};

static int write_file(const char *path, const struct bk_conf *c,
                      int (*fn)(const struct bk_conf *, FILE *))
{
    FILE *f = fopen(path, "w");
    if (!f || fn(c, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "%s: %s: %s\n", BK_PROG, path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"clients", 1, NULL, 'c'},
        {"rate", 1, NULL, 'r'},
        {"count", 1, NULL, 'n'},
        {"window", 1, NULL, 'w'},
        {"timeout", 1, NULL, 't'},
        {"interface", 1, NULL, 'i'},
        {"server", 1, NULL, 's'},
        {"quiet", 0, NULL, 'q'},
        {"port", 1, NULL, O_PORT},
        {"relay", 1, NULL, O_RELAY},
        {"relay-port", 1, NULL, O_RELAY_PORT},
        {"link-address", 1, NULL, O_LINK},
        {"remote-id-en", 1, NULL, O_EN},
        {"interface-id", 0, NULL, O_IFID},
        {"ia-na", 0, NULL, O_NA},
        {"ia-pd", 0, NULL, O_PD},
        {"na-base", 1, NULL, O_NA_BASE},
        {"pd-base", 1, NULL, O_PD_BASE},
        {"pd-len", 1, NULL, O_PD_LEN},
        {"seed", 1, NULL, O_SEED},
        {"write-csv", 1, NULL, O_CSV},
        {"write-kea", 1, NULL, O_KEA},
        {"check-assignments", 0, NULL, O_CHECK},
        {"renew-pct", 1, NULL, O_RENEW},
        {"avalanche-timeout", 1, NULL, O_AV_TIMEOUT},
        {"sol-max-rt", 1, NULL, O_SOL_MAX_RT},
        {"null-server", 0, NULL, O_NULL},
        {"null-cpu", 1, NULL, O_NULL_CPU},
        {"help", 0, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct bk_conf c;
    bk_conf_defaults(&c);
    const char *csv = NULL, *kea = NULL, *ifname = NULL;
    bool have_server = false, have_link = false;
    unsigned long long v;
    int opt;
    while ((opt = getopt_long(argc, argv, "c:r:n:w:t:i:s:q", longopts, NULL)) != -1) {
        bool ok = true;
        switch (opt) {
        case 'c':
            ok = num(optarg, BK_MAX_CLIENTS, &v) && v > 0;
            c.clients = (uint32_t)v;
            break;
        case 'r':
            ok = real(optarg, &c.rate);
            break;
        case 'n':
            ok = num(optarg, ULLONG_MAX, &v);
            c.count = v;
            break;
        case 'w':
            ok = num(optarg, 1u << 24, &v) && v > 0;
            c.window = (unsigned)v;
            break;
        case 't':
            ok = real(optarg, &c.timeout) && c.timeout > 0;
            break;
        case 'i':
            ifname = optarg;
            c.ifindex = if_nametoindex(optarg);
            ok = c.ifindex != 0;
            break;
        case 's':
            ok = inet_pton(AF_INET6, optarg, &c.server) == 1;
            have_server = true;
            break;
        case 'q':
            c.quiet = true;
            break;
        case O_PORT:
            ok = num(optarg, 65535, &v) && v > 0;
            c.server_port = (uint16_t)v;
            break;
        case O_RELAY:
            ok = inet_pton(AF_INET6, optarg, &c.relay) == 1;
            c.relayed = true;
            break;
        case O_RELAY_PORT:
            ok = num(optarg, 65535, &v) && v > 0;
            c.relay_port = (uint16_t)v;
            break;
        case O_LINK:
            ok = inet_pton(AF_INET6, optarg, &c.link) == 1;
            have_link = true;
            break;
        case O_EN:
            ok = num(optarg, UINT32_MAX, &v);
            c.remote_en = (uint32_t)v;
            break;
        case O_IFID:
            c.interface_id = true;
            break;
        case O_NA:
            c.ia_na = true;
            break;
        case O_PD:
            c.ia_pd = true;
            break;
        case O_NA_BASE:
            ok = inet_pton(AF_INET6, optarg, &c.na_base) == 1;
            break;
        case O_PD_BASE:
            ok = prefix(optarg, &c.pd_base, &c.pd_base_len);
            break;
        case O_PD_LEN:
            ok = num(optarg, 128, &v) && v > 0;
            c.pd_len = (uint8_t)v;
            break;
        case O_SEED:
            ok = num(optarg, 255, &v);
            c.seed = (uint8_t)v;
            break;
        case O_CSV:
            csv = optarg;
            break;
        case O_KEA:
            kea = optarg;
            break;
        case O_CHECK:
            c.check_assignments = true;
            break;
        case O_RENEW:
            ok = num(optarg, 100, &v);
            c.renew_pct = (unsigned)v;
            break;
        case O_AV_TIMEOUT:
            ok = real(optarg, &c.avalanche_timeout) && c.avalanche_timeout > 0;
            break;
        case O_SOL_MAX_RT:
            ok = real(optarg, &c.sol_max_rt) && c.sol_max_rt >= 1;
            break;
        case O_NULL:
            c.null_server = true;
            break;
        case O_NULL_CPU:
            ok = num(optarg, 1023, &v);
            c.null_cpu = (int)v;
            break;
        case O_HELP:
            usage(stdout);
            return BK_EXIT_OK;
        default:
            usage(stderr);
            return BK_EXIT_USAGE;
        }
        if (!ok) {
            fprintf(stderr, "%s: bad value for option %s: %s\n", BK_PROG, argv[optind - 1],
                    optarg ? optarg : "");
            return BK_EXIT_USAGE;
        }
    }
    if (!c.ia_na && !c.ia_pd)
        c.ia_na = c.ia_pd = true;
    if (c.relayed && !have_link)
        c.link = c.relay;
    if (!have_server) {
        if (!ifname || c.relayed) {
            if (optind < argc || (!csv && !kea)) {
                fprintf(stderr, "%s: say where to send: --server ADDR or --interface IF\n",
                        BK_PROG);
                return BK_EXIT_USAGE;
            }
        }
        inet_pton(AF_INET6, "ff02::1:2", &c.server);
    }
    if (c.null_server && (!have_server || IN6_IS_ADDR_MULTICAST(&c.server))) {
        fprintf(stderr, "%s: --null-server needs a unicast --server address to answer on\n",
                BK_PROG);
        return BK_EXIT_USAGE;
    }
    if (!bk_prefixes_fit(&c)) {
        fprintf(stderr, "%s: %u prefixes of /%u do not fit in the --pd-base\n", BK_PROG,
                (unsigned)c.clients, (unsigned)c.pd_len);
        return BK_EXIT_USAGE;
    }
    enum bk_phase_kind phases[64];
    size_t nphases = 0;
    for (int k = optind; k < argc; k++) {
        enum bk_phase_kind p;
        if (!strcmp(argv[k], "sarr"))
            p = BK_SARR;
        else if (!strcmp(argv[k], "rapid"))
            p = BK_RAPID;
        else if (!strcmp(argv[k], "mix"))
            p = BK_MIX;
        else if (!strcmp(argv[k], "avalanche"))
            p = BK_AVALANCHE;
        else {
            fprintf(stderr, "%s: unknown phase %s\n", BK_PROG, argv[k]);
            return BK_EXIT_USAGE;
        }
        if (nphases == sizeof(phases) / sizeof(phases[0])) {
            fprintf(stderr, "%s: too many phases\n", BK_PROG);
            return BK_EXIT_USAGE;
        }
        phases[nphases++] = p;
    }
    if (csv && write_file(csv, &c, bk_csv_write) < 0)
        return BK_EXIT_OSERR;
    if (kea && write_file(kea, &c, bk_kea_write) < 0)
        return BK_EXIT_OSERR;
    if (nphases == 0) {
        if (csv || kea)
            return BK_EXIT_OK;
        usage(stderr);
        return BK_EXIT_USAGE;
    }
    struct bk_run *run = bk_run_new(&c);
    if (!run)
        return BK_EXIT_OSERR;
    for (size_t k = 0; k < nphases; k++) {
        struct bk_result res;
        memset(&res, 0, sizeof(res));
        bk_run_phase(run, phases[k], &res);
        bk_result_print(&c, &res, stdout);
        bk_lat_clear(&res.lat);
    }
    bk_run_free(run);
    return BK_EXIT_OK;
}
