/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_BENCH_H
#define DHCPKIT_BENCH_H

/*
 * ipv6-dhcp-bench: a DHCPv6 load generator (man/ipv6-dhcp-bench.1). One
 * file per concern: clients.c (the identities of client i: DUID,
 * Remote-ID, Interface-ID, the address and prefix its CSV row gives it; the
 * CSV and the Kea reservations), message.c (building what a client sends,
 * checking what comes back, with libdhcpkit), stats.c (latency
 * percentiles, one JSON object per phase), run.c (sockets, batched I/O,
 * pacing, retransmission, the null server), main.c (the command line).
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dhcpkit/buf.h>

#define BK_PROG "ipv6-dhcp-bench"

enum {
    BK_EXIT_OK = 0, /* the phases ran (whatever the loss: figures are reported, never judged) */
    BK_EXIT_USAGE = 64,
    BK_EXIT_OSERR = 71,
};

/* Bounds. Transaction ids are 24 bits; client indexes travel in the DUID. */
#define BK_MAX_CLIENTS (1u << 24)
#define BK_DUID_LEN    10 /* DUID-LL, hardware type 1 (RFC 8415 §11.4) */
#define BK_RID_LEN     6  /* Remote-ID payload after the enterprise number */
#define BK_IFID_MAX    16
#define BK_MSG_MAX     512
#define BK_MAX_SERVERS 8 /* distinct Server Identifiers remembered */

enum bk_phase_kind { BK_SARR = 1, BK_RAPID, BK_MIX, BK_AVALANCHE };

struct bk_conf {
    uint32_t clients;
    uint8_t seed; /* makes distinct client sets: part of every DUID and Remote-ID */
    bool ia_na, ia_pd;
    /* Where to send: a unicast server address, or ff02::1:2 on ifindex. */
    struct in6_addr server;
    unsigned ifindex;
    uint16_t server_port;
    /* Relayed: every message in a Relay-forward from ONE address and port. */
    bool relayed;
    struct in6_addr relay; /* bound, source of every Relay-forward */
    uint16_t relay_port;   /* 547 unless told */
    struct in6_addr link;  /* link-address of the Relay-forward */
    uint32_t remote_en;    /* enterprise number of the Remote-ID (RFC 4649) */
    bool interface_id;     /* an Interface-ID per client, "bench-I" */
    /* What the CSV assigns: address na_base + i + 1; prefix i of length
     * pd_len inside pd_base/pd_base_len. */
    struct in6_addr na_base, pd_base;
    uint8_t pd_base_len, pd_len;
    bool check_assignments; /* replies must carry exactly the CSV's lease */
    /* Pacing. */
    double rate;        /* exchanges started per second; 0: as fast as the window allows */
    uint64_t count;     /* exchanges per phase (0: one per client) */
    unsigned window;    /* exchanges in flight at most when rate is 0 */
    double timeout;     /* an exchange without its answer after this is lost */
    unsigned renew_pct; /* mix: share of bound clients that renew (others release) */
    double avalanche_timeout;
    double sol_max_rt; /* RFC 8415 §7.6 SOL_MAX_RT, 3600 s */
    /* The null server: a thread answering every datagram with itself. */
    bool null_server;
    int null_cpu;
    bool quiet;
};

/* Defaults of everything but where to send. */
void bk_conf_defaults(struct bk_conf *c);

/* --- clients.c: identities and assignments of client i (< c->clients) --- */

/* DUID-LL 00:03:00:01 + 02:SEED:I (4 octets, big-endian). */
void bk_duid(const struct bk_conf *c, uint32_t i, uint8_t out[BK_DUID_LEN]);
/* The client index in a DUID we made with this seed, or -1. */
int64_t bk_duid_index(const struct bk_conf *c, const uint8_t *duid, size_t len);
/* The Remote-ID payload 0a:SEED:I (4 octets, big-endian). */
void bk_remote_id(const struct bk_conf *c, uint32_t i, uint8_t out[BK_RID_LEN]);
/* "bench-I": writes at most BK_IFID_MAX octets, returns the length. */
size_t bk_interface_id(uint32_t i, uint8_t out[BK_IFID_MAX]);
/* The address and prefix of client i's row. */
void bk_address(const struct bk_conf *c, uint32_t i, struct in6_addr *out);
void bk_prefix(const struct bk_conf *c, uint32_t i, struct in6_addr *out);
/* Whether pd_base/pd_base_len holds c->clients prefixes of pd_len. */
bool bk_prefixes_fit(const struct bk_conf *c);
/*
 * The static-csv table of every client (header "id,address,prefix"): ids
 * remote-id:EN:HEX when relayed, else duid:HEX; address and/or prefix as
 * the IAs asked for. 0, or -1 with errno from the stream.
 */
int bk_csv_write(const struct bk_conf *c, FILE *f);
/* The same clients as a JSON array of Kea host reservations (hw-address
 * from the Remote-ID when relayed, else duid). */
int bk_kea_write(const struct bk_conf *c, FILE *f);

/* --- message.c --- */

/* What a client sends. */
struct bk_req {
    uint8_t type; /* DK_MSG_SOLICIT, _REQUEST, _RENEW, _RELEASE */
    uint32_t xid; /* 24 bits */
    uint32_t client;
    uint16_t elapsed; /* centiseconds */
    bool rapid_commit;
    const uint8_t *server_id; /* Request, Renew, Release */
    size_t server_id_len;
    bool has_lease; /* addr/prefix go into the IAs (Request, Renew, Release) */
    struct in6_addr addr, prefix;
    uint8_t plen;
};

/*
 * Builds r into out[0..cap) (wrapped in a Relay-forward when c->relayed),
 * with dk_wbuf. Returns the length, or 0 when it does not fit.
 */
size_t bk_build(const struct bk_conf *c, const struct bk_req *r, uint8_t *out, size_t cap);

/* What came back, decoded with libdhcpkit. */
struct bk_reply {
    uint8_t type; /* of the innermost message */
    uint32_t xid;
    uint32_t client;
    const uint8_t *server_id; /* borrows the packet */
    size_t server_id_len;
    int status; /* top-level Status Code, or -1 */
    bool rapid_commit;
    bool has_addr, has_prefix;
    struct in6_addr addr, prefix;
    uint8_t plen;
    int ia_status; /* the first non-success status inside an IA, or -1 */
};

enum bk_parse {
    BK_PARSE_OK = 0,
    BK_PARSE_MALFORMED = -1, /* does not decode */
    BK_PARSE_NOT_OURS = -2,  /* no Client-ID of ours, or a relay reply without its message */
};

/* Decodes p[0..len) with arena (reset first) and fills out; out borrows p. */
int bk_parse(const struct bk_conf *c, const uint8_t *p, size_t len, struct dk_arena *arena,
             struct bk_reply *out);

/*
 * Whether a reply grants what r asked for: the expected type, IA_NA with an
 * address and IA_PD with a prefix (as asked) without an error status, and
 * with check_assignments exactly client r->client's row. NULL when it does,
 * else why not (a static string).
 */
const char *bk_judge(const struct bk_conf *c, const struct bk_req *r, const struct bk_reply *a,
                     uint8_t want_type);

/* --- stats.c --- */

/* Latencies in microseconds, appended as answers come. */
struct bk_lat {
    uint32_t *v;
    size_t n, cap;
};
int bk_lat_add(struct bk_lat *l, uint32_t us);
void bk_lat_clear(struct bk_lat *l);
/* The p-th percentile (0 < p <= 100) by nearest rank, in microseconds; sorts
 * the values. 0 when there are none. */
uint32_t bk_lat_percentile(struct bk_lat *l, double p);

struct bk_result {
    const char *phase;
    uint64_t offered, done, lost, failed, wrong;
    uint64_t sent, received, unmatched, retransmissions, send_errors;
    double duration_s;   /* first send to last answer */
    double all_served_s; /* avalanche: until the last client was served (-1: never) */
    double rate;         /* the target, 0 = flat out */
    struct bk_lat lat;   /* per exchange, first send to its final answer */
};
/* One JSON object on one line. */
void bk_result_print(const struct bk_conf *c, struct bk_result *r, FILE *f);

/* --- run.c --- */

struct bk_run;
/* Sockets and client table; NULL with a message on stderr. */
struct bk_run *bk_run_new(const struct bk_conf *c);
void bk_run_free(struct bk_run *run);
/* Runs one phase and fills res (whose lat the caller clears). */
int bk_run_phase(struct bk_run *run, enum bk_phase_kind kind, struct bk_result *res);
/* RFC 8415 §15 retransmission timeout after prev (0: the first), with
 * rand in [-1, 1] scaled to ±0.1; the first RT of a Solicit is never below
 * irt. */
double bk_next_rt(double prev, double irt, double mrt, double rand, bool first_solicit);

#endif
