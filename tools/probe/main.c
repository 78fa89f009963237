/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-probe: a DHCPv6 test client for NOCs and CPE testing. Sends one
 * MESSAGE (a Solicit followed by a Request, or one Renew, Rebind, Confirm,
 * Release, Decline or Information-request), as a client on port 546 or,
 * with --relay, as the relay agent of the access network on port 547,
 * retransmits as RFC 8415 §15 says, and prints the answer. See
 * man/ipv6-dhcp-probe.1.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dhcpkit/wire.h>

#include "probe.h"

/* A received answer is at most a UDP payload; its tree fits in 8 MiB (see
 * ipv6-dhcp-decode, which sizes its arena the same way). */
#define ARENA_SIZE ((size_t)8 << 20)
#define BUILD_SIZE ((size_t)1 << 20)
#define MAX_MSG    65536

/* A datagram kept past the exchange that received it. */
struct kept {
    uint8_t p[MAX_MSG];
    size_t n;
    char from[INET6_ADDRSTRLEN + IF_NAMESIZE + 8];
    bool set;
};

struct run {
    struct probe_args *a;
    struct probe_net net;
    uint8_t duid[DK_DUID_MAX_LEN];
    size_t duidlen;
    uint8_t peer[16];
    struct dk_arena build, rx;
    /* The exchange in progress. */
    uint8_t type;
    uint32_t xid;
    const struct dk_msg *adv; /* for a Request: the chosen Advertise */
    /* What it received. */
    struct kept best; /* the best Advertise so far */
    unsigned best_pref;
    size_t best_leases;
    struct kept final; /* the answer that ended it */
    char why[512];     /* why the last datagram was malformed */
};

static int build(void *ctx, uint16_t elapsed, uint8_t *buf, size_t cap, size_t *len)
{
    struct run *r = ctx;
    struct dk_bmsg *m;
    struct dk_diag d;
    char line[512];
    dk_arena_reset(&r->build);
    int err = probe_build_client(&r->build, r->a, r->type, r->xid, elapsed, r->duid, r->duidlen,
                                 r->adv, &m);
    if (!err && r->a->relay)
        err = probe_wrap_relay(&r->build, r->a, r->peer, m, &m);
    if (err) {
        fprintf(stderr, PROBE_PROG ": cannot build the %s: %s\n", dk_msg_name(r->type),
                err == DK_EINVAL ? "an --option does not decode as that option" : dk_strerror(err));
        return err;
    }
    err = probe_encode(&r->build, m, buf, cap, len, &d);
    if (err) {
        dk_diag_format(&d, line, sizeof(line));
        fprintf(stderr, PROBE_PROG ": the %s would be invalid: %s\n", dk_msg_name(r->type), line);
        return err;
    }
    if (r->a->verbose) {
        struct dk_msg *sent;
        if (!dk_msg_decode(buf, *len, &r->build, &sent, NULL)) {
            fputs(PROBE_PROG ": > ", stderr);
            probe_print(stderr, sent, false);
        }
    }
    return 0;
}

static void keep(struct kept *k, const uint8_t *p, size_t n, const char *from)
{
    memcpy(k->p, p, n);
    k->n = n;
    snprintf(k->from, sizeof(k->from), "%s", from);
    k->set = true;
}

static enum probe_rx receive(void *ctx, const uint8_t *p, size_t n, const char *from)
{
    struct run *r = ctx;
    const struct dk_msg *outer, *inner;
    struct probe_expect e = {
        .relay = r->a->relay,
        .xid = r->xid,
        .sent_type = r->type,
        .duid = r->duid,
        .duidlen = r->duidlen,
    };
    memcpy(e.peer, r->peer, 16);
    enum probe_rx rx = probe_check_answer(&e, p, n, &r->rx, &outer, &inner, r->why, sizeof(r->why));
    if (rx == PROBE_RX_MALFORMED) {
        fprintf(stderr, PROBE_PROG ": malformed answer from %s: %s\n", from, r->why);
        return rx;
    }
    if (rx == PROBE_RX_IGNORE) {
        if (r->a->verbose)
            fprintf(stderr, PROBE_PROG ": ignored from %s: %s\n", from, r->why);
        return rx;
    }
    if (r->a->verbose) {
        fprintf(stderr, PROBE_PROG ": < from %s: ", from);
        probe_print(stderr, outer, false);
    }
    if (inner->type == DK_MSG_ADVERTISE) {
        if (r->type != DK_MSG_SOLICIT)
            return PROBE_RX_IGNORE; /* §16.3: only a Solicit is advertised to */
        /* RFC 8415 §18.2.1, §18.2.9: the highest preference wins; a tool
         * also keeps an Advertise without leases, to report it. */
        unsigned pref = probe_preference(inner);
        size_t leases = probe_count_leases(inner);
        if (!r->best.set || (leases && !r->best_leases) ||
            ((leases > 0) == (r->best_leases > 0) && pref > r->best_pref)) {
            keep(&r->best, p, n, from);
            r->best_pref = pref;
            r->best_leases = leases;
        }
        /* Preference 255: go on at once (§18.2.1). */
        return pref == 255 && leases ? PROBE_RX_FINAL : PROBE_RX_CANDIDATE;
    }
    /* A Reply: to a Solicit with Rapid Commit (§18.2.1), or the server's
     * refusal (UseMulticast, ...), which a tool reports. */
    keep(&r->final, p, n, from);
    return PROBE_RX_FINAL;
}

/* Runs one exchange of type; returns an exit status when it ends the run. */
static int exchange(struct run *r, uint8_t type)
{
    struct probe_exchange ex = {.type = type, .build = build, .receive = receive, .ctx = r};
    r->type = type;
    r->xid = probe_rand_xid();
    r->best.set = r->final.set = false;
    r->best_pref = 0;
    r->best_leases = 0;
    unsigned before = r->net.sent;
    switch (probe_run_exchange(&r->net, &ex)) {
    case PROBE_EX_ANSWER:
        return -1;
    case PROBE_EX_TIMEOUT:
        fprintf(stderr, PROBE_PROG ": no answer to %u transmission%s of %s\n", r->net.sent - before,
                r->net.sent - before == 1 ? "" : "s", dk_msg_name(type));
        return PROBE_EXIT_NO_ANSWER;
    case PROBE_EX_MALFORMED:
        return PROBE_EXIT_MALFORMED;
    case PROBE_EX_OSERR:
    default:
        return PROBE_EXIT_OSERR;
    }
}

/* Decodes a kept answer again (it was checked on receipt). */
static const struct dk_msg *redecode(struct run *r, const struct kept *k, struct dk_arena *arena)
{
    const struct dk_msg *outer, *inner;
    struct probe_expect e = {.relay = r->a->relay,
                             .xid = r->xid,
                             .sent_type = r->type,
                             .duid = r->duid,
                             .duidlen = r->duidlen};
    memcpy(e.peer, r->peer, 16);
    if (probe_check_answer(&e, k->p, k->n, arena, &outer, &inner, r->why, sizeof(r->why)) !=
        PROBE_RX_FINAL)
        return NULL;
    return inner;
}

/* Prints the answer and says what it means. */
static int report(struct run *r, const struct dk_msg *m, const char *from)
{
    char summary[1024];
    int status = probe_verdict(m, r->type, summary, sizeof(summary));
    if (probe_print(stdout, m, r->a->json)) {
        fprintf(stderr, PROBE_PROG ": cannot render the answer\n");
        return PROBE_EXIT_MALFORMED;
    }
    fflush(stdout);
    fprintf(stderr, PROBE_PROG ": %s from %s: %s\n", status ? "FAIL" : "ok", from, summary);
    return status;
}

int main(int argc, char **argv)
{
    static struct probe_args args;
    static struct run r;
    static struct kept adv_copy;
    char err[512];
    int rc = probe_args_parse(argc, argv, &args, err, sizeof(err));
    if (rc == PROBE_ARGS_HELP) {
        probe_usage(stdout);
        return PROBE_EXIT_OK;
    }
    if (rc) {
        fprintf(stderr, PROBE_PROG ": %s\n", err);
        probe_usage(stderr);
        return PROBE_EXIT_USAGE;
    }
    r.a = &args;
    r.net.fd = -1;
    void *mem1 = malloc(BUILD_SIZE), *mem2 = malloc(ARENA_SIZE), *mem3 = malloc(ARENA_SIZE);
    if (!mem1 || !mem2 || !mem3) {
        fprintf(stderr, PROBE_PROG ": out of memory\n");
        rc = PROBE_EXIT_OSERR;
        goto out;
    }
    dk_arena_init(&r.build, mem1, BUILD_SIZE);
    dk_arena_init(&r.rx, mem2, ARENA_SIZE);
    struct dk_arena keep_arena;
    dk_arena_init(&keep_arena, mem3, ARENA_SIZE);

    if (args.duid.set) {
        memcpy(r.duid, args.duid.b, args.duid.n);
        r.duidlen = args.duid.n;
    } else {
        r.duidlen = probe_default_duid(args.ifname, r.duid, sizeof(r.duid));
    }
    if (args.relay)
        probe_link_local(args.ifname, r.peer);

    /* What we would send must be valid before anything is sent: an
     * --option that breaks the rules is a usage error. */
    {
        static uint8_t tmp[MAX_MSG];
        size_t len;
        bool v = args.verbose;
        args.verbose = false;
        r.type = args.msg_type;
        int e = build(&r, 0, tmp, sizeof(tmp), &len);
        args.verbose = v;
        if (e) {
            rc = PROBE_EXIT_USAGE;
            goto out;
        }
    }
    if (probe_net_open(&args, &r.net, err, sizeof(err))) {
        fprintf(stderr, PROBE_PROG ": %s\n", err);
        rc = PROBE_EXIT_OSERR;
        goto out;
    }
    r.net.deadline = probe_now() + args.timeout;

    rc = exchange(&r, args.msg_type);
    if (rc >= 0)
        goto out;
    if (r.final.set) {
        const struct dk_msg *m = redecode(&r, &r.final, &keep_arena);
        rc = m ? report(&r, m, r.final.from) : PROBE_EXIT_MALFORMED;
        goto out;
    }
    /* The Advertise chosen: request its leases (RFC 8415 §18.2.2); one
     * without leases is reported as it is. */
    adv_copy = r.best;
    const struct dk_msg *adv = redecode(&r, &adv_copy, &keep_arena);
    if (!adv) {
        rc = PROBE_EXIT_MALFORMED;
        goto out;
    }
    if (!probe_count_leases(adv)) {
        rc = report(&r, adv, adv_copy.from);
        goto out;
    }
    r.adv = adv;
    rc = exchange(&r, DK_MSG_REQUEST);
    if (rc >= 0)
        goto out;
    if (!r.final.set) { /* an Advertise to our Request is ignored: cannot end here */
        rc = PROBE_EXIT_NO_ANSWER;
        goto out;
    }
    dk_arena_reset(&r.rx);
    {
        const struct dk_msg *m = redecode(&r, &r.final, &r.rx);
        rc = m ? report(&r, m, r.final.from) : PROBE_EXIT_MALFORMED;
    }
out:
    if (r.net.fd >= 0)
        close(r.net.fd);
    free(mem1);
    free(mem2);
    free(mem3);
    return rc;
}
