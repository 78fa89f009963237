/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers shared by the pipeline and handler tests: a pipeline from a
 * config text, requests built as trees and encoded to octets (what a client
 * sends), dk_pipeline_handle(), and the reply decoded back and validated
 * (every reply must pass dk_msg_validate). Each test file is its own program.
 */
#ifndef DHCPKIT_TESTS_UNIT_SERVER_FIXTURE_H
#define DHCPKIT_TESTS_UNIT_SERVER_FIXTURE_H

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dhcpkit/build.h>
#include <dhcpkit/bundle.h>
#include <dhcpkit/config.h>
#include <dhcpkit/domain.h>
#include <dhcpkit/render.h>
#include <dhcpkit/validate.h>

#include "pipeline.h"

/* Our DUID: DUID-LL, Ethernet, 02:00:00:00:00:01. */
static const uint8_t server_duid[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
/* Another server's. */
static const uint8_t other_duid[] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
/* The client's: the Fritz!Box of the original's vectors (DUID-LL). */
static const uint8_t client_duid[] = {0x00, 0x03, 0x00, 0x01, 0x34, 0x31, 0xc4, 0x3c, 0xb2, 0xf1};

#define FX_LOG_LINES 16
#define FX_ARENA     ((size_t)1 << 20)

struct fx {
    struct dk_config *cfg;
    struct dk_pipeline *p;
    struct dk_worker *w;
    uint64_t now;
    char *log[FX_LOG_LINES];
    int level[FX_LOG_LINES];
    size_t nlog;
    /* the last transaction */
    struct dk_rx rx;
    uint8_t req[65536];
    size_t reqlen;
    uint8_t out[65536];
    struct dk_tx tx;
    struct dk_result res;
    struct dk_msg *reply; /* decoded tx, NULL if none */
    struct dk_arena arena;
    uint8_t *mem;
};

static inline void fx_log(void *ctx, int level, const char *msg)
{
    struct fx *f = ctx;
    if (f->nlog < FX_LOG_LINES) {
        f->level[f->nlog] = level;
        f->log[f->nlog++] = strdup(msg);
    }
}

static inline uint64_t fx_clock(void *ctx)
{
    return ((struct fx *)ctx)->now;
}

static inline struct dk_config *fx_parse(const char *text, struct dk_config_errors *errs)
{
    struct dk_config *cfg = NULL;
    dk_config_errors_init(errs);
    if (dk_config_parse_buffer("/test/dhcpd.conf", text, strlen(text), DK_CONFIG_AUTO, &cfg,
                               errs) != 0) {
        dk_config_errors_print(errs, stderr);
        return NULL;
    }
    return cfg;
}

/* A pipeline from config text; errs (may be NULL) gets the errors of a
 * refused one, and then NULL is returned. */
static inline struct fx *fx_try(const char *text, struct dk_config_errors *errs)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    struct dk_config_errors local;
    if (!errs)
        errs = &local;
    f->cfg = fx_parse(text, errs);
    if (!f->cfg)
        fail_msg("the test config was refused");
    struct dk_pipeline_env env = {fx_log, f, fx_clock, f};
    f->now = 1000000;
    int rc = dk_pipeline_new_env(f->cfg, server_duid, sizeof(server_duid), &env, &f->p, errs);
    if (errs == &local) {
        if (rc)
            dk_config_errors_print(errs, stderr);
        dk_config_errors_clear(&local);
    }
    if (rc) {
        assert_null(f->p);
        dk_config_free(f->cfg);
        free(f);
        return NULL;
    }
    /* The pipeline keeps nothing of the tree: free it now, so that a
     * handler that borrows from it is caught by ASan. */
    dk_config_free(f->cfg);
    f->cfg = NULL;
    f->w = dk_worker_new();
    assert_non_null(f->w);
    f->mem = malloc(FX_ARENA);
    assert_non_null(f->mem);
    dk_arena_init(&f->arena, f->mem, FX_ARENA);
    return f;
}

static inline struct fx *fx_new(const char *text)
{
    struct fx *f = fx_try(text, NULL);
    if (!f)
        fail_msg("the pipeline was refused");
    return f;
}

static inline void fx_free(struct fx *f)
{
    if (!f)
        return;
    dk_pipeline_free(f->p);
    dk_worker_free(f->w);
    for (size_t i = 0; i < f->nlog; i++)
        free(f->log[i]);
    free(f->mem);
    free(f);
}

/* Whether a log line contains s. */
static inline bool fx_logged(const struct fx *f, const char *s)
{
    for (size_t i = 0; i < f->nlog; i++)
        if (strstr(f->log[i], s))
            return true;
    return false;
}

/* ---- building requests (octets a client or relay would send) */

static inline void addr(const char *text, uint8_t out[16])
{
    assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

/* A client message with Client Identifier and Elapsed Time (and our Server
 * Identifier for the types that need one). */
static inline struct dk_bmsg *req_new(struct fx *f, uint8_t type)
{
    struct dk_bmsg *m = dk_bmsg_new(&f->arena, type);
    assert_non_null(m);
    m->xid = 0xf350d6;
    struct dk_bopt *o = dk_bmsg_add(&f->arena, m, DK_OPT_CLIENTID);
    dk_bopt_set_ref(o, 0, client_duid, sizeof(client_duid));
    o = dk_bmsg_add(&f->arena, m, DK_OPT_ELAPSED_TIME);
    dk_bopt_set_u(o, 0, 0);
    if (type == DK_MSG_REQUEST || type == DK_MSG_RENEW || type == DK_MSG_RELEASE ||
        type == DK_MSG_DECLINE) {
        o = dk_bmsg_add(&f->arena, m, DK_OPT_SERVERID);
        dk_bopt_set_ref(o, 0, server_duid, sizeof(server_duid));
    }
    return m;
}

static inline struct dk_bopt *req_ia(struct fx *f, struct dk_bmsg *m, uint16_t code, uint32_t iaid)
{
    struct dk_bopt *o = dk_bmsg_add(&f->arena, m, code);
    assert_non_null(o);
    dk_bopt_set_u(o, 0, iaid);
    return o;
}

static inline void req_ia_addr(struct fx *f, struct dk_bopt *ia, const char *a, uint32_t pref,
                               uint32_t valid)
{
    struct dk_bopt *o = dk_bopt_add(&f->arena, ia, DK_OPT_IAADDR);
    uint8_t *p = dk_arena_alloc(&f->arena, 16);
    addr(a, p);
    dk_bopt_set_ref(o, 0, p, 16);
    dk_bopt_set_u(o, 1, pref);
    dk_bopt_set_u(o, 2, valid);
}

static inline void req_ia_prefix(struct fx *f, struct dk_bopt *ia, const char *a, uint8_t len,
                                 uint32_t pref, uint32_t valid)
{
    struct dk_bopt *o = dk_bopt_add(&f->arena, ia, DK_OPT_IAPREFIX);
    uint8_t *p = dk_arena_alloc(&f->arena, 16);
    addr(a, p);
    dk_bopt_set_u(o, 0, pref);
    dk_bopt_set_u(o, 1, valid);
    dk_bopt_set_u(o, 2, len);
    dk_bopt_set_ref(o, 2, p, 16);
    o->o.v[2].u = len;
}

/* An Option Request option with n codes. */
static inline void req_oro(struct fx *f, struct dk_bmsg *m, size_t n, ...)
{
    uint8_t *p = dk_arena_alloc(&f->arena, 2 * n + 1);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        unsigned c = va_arg(ap, unsigned);
        p[2 * i] = (uint8_t)(c >> 8);
        p[2 * i + 1] = (uint8_t)c;
    }
    va_end(ap);
    struct dk_bopt *o = dk_bmsg_add(&f->arena, m, DK_OPT_ORO);
    dk_bopt_set_ref(o, 0, p, 2 * n);
}

/* An option of code whose only field is n octets (Interface-ID, ...). */
static inline struct dk_bopt *add_bytes(struct fx *f, struct dk_bmsg *m, uint16_t code,
                                        const void *p, size_t n)
{
    struct dk_bopt *o = dk_bmsg_add(&f->arena, m, code);
    assert_non_null(o);
    dk_bopt_set_ref(o, 0, p, n);
    return o;
}

/* Wraps inner in a Relay-forward. */
static inline struct dk_bmsg *relay(struct fx *f, struct dk_bmsg *inner, uint8_t hop,
                                    const char *link, const char *peer)
{
    struct dk_bmsg *r = dk_bmsg_new(&f->arena, DK_MSG_RELAY_FORW);
    r->hop_count = hop;
    addr(link, r->link);
    addr(peer, r->peer);
    struct dk_bopt *rm = dk_bmsg_add(&f->arena, r, DK_OPT_RELAY_MSG);
    rm->msg = inner;
    return r;
}

/* ---- sending */

/* What a direct client's datagram looks like: from fe80::3631:c4ff:fe3c:b2f1
 * port 546 to ff02::1:2 on eth0 (ifindex 2, link 2001:db8:1::1). */
static inline void fx_rx_direct(struct fx *f)
{
    memset(&f->rx, 0, sizeof(f->rx));
    addr("fe80::3631:c4ff:fe3c:b2f1", (uint8_t *)&f->rx.src);
    f->rx.sport = 546;
    addr("ff02::1:2", (uint8_t *)&f->rx.dst);
    f->rx.ifindex = 2;
    f->rx.ifname = "eth0";
    addr("2001:db8:1::1", (uint8_t *)&f->rx.link_address);
    f->rx.multicast = true;
}

/* What a relay's datagram looks like: from 2001:db8:ffff::1 port 547 to our
 * 2001:db8::53 on eth1. */
static inline void fx_rx_relayed(struct fx *f)
{
    memset(&f->rx, 0, sizeof(f->rx));
    addr("2001:db8:ffff::1", (uint8_t *)&f->rx.src);
    f->rx.sport = 547;
    addr("2001:db8::53", (uint8_t *)&f->rx.dst);
    f->rx.ifindex = 3;
    f->rx.ifname = "eth1";
    f->rx.multicast = false;
}

/* Handles the octets in f->req with f->rx; decodes and validates any reply. */
static inline enum dk_verdict fx_send_raw(struct fx *f)
{
    f->rx.data = f->req;
    f->rx.len = f->reqlen;
    f->tx = (struct dk_tx){.buf = f->out, .cap = sizeof(f->out)};
    dk_pipeline_handle(f->p, f->w, &f->rx, &f->tx, &f->res);
    f->reply = NULL;
    if (f->res.verdict != DK_VERDICT_REPLY) {
        assert_int_equal(f->tx.len, 0);
        return f->res.verdict;
    }
    assert_true(f->tx.len > 0);
    struct dk_diag d;
    int rc = dk_msg_decode(f->out, f->tx.len, &f->arena, &f->reply, &d);
    if (rc) {
        char line[256];
        fail_msg("the reply does not decode: %s", dk_diag_format(&d, line, sizeof(line)));
    }
    rc = dk_msg_validate(f->reply, &d);
    if (rc)
        fail_msg("the reply is not valid: %s", d.text);
    return f->res.verdict;
}

/* Encodes m into f->req and handles it. */
static inline enum dk_verdict fx_send(struct fx *f, const struct dk_bmsg *m)
{
    struct dk_msg *dm;
    assert_int_equal(dk_bmsg_finish(&f->arena, m, &dm), 0);
    struct dk_wbuf w;
    dk_wbuf_init(&w, f->req, sizeof(f->req));
    assert_int_equal(dk_msg_encode(&w, dm), 0);
    f->reqlen = w.len;
    return fx_send_raw(f);
}

/* Sends m as a direct client would; expects a reply and returns it. */
static inline const struct dk_msg *fx_ask(struct fx *f, const struct dk_bmsg *m)
{
    fx_rx_direct(f);
    enum dk_verdict v = fx_send(f, m);
    if (v != DK_VERDICT_REPLY)
        fail_msg("no reply: verdict %d (%s)", (int)v, f->res.why ? f->res.why : "?");
    return f->reply;
}

/* ---- looking at replies */

static inline const struct dk_opt *find(const struct dk_msg *m, uint16_t code)
{
    return dk_msg_find(m, code);
}

static inline size_t count(const struct dk_msg *m, uint16_t code)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nopts; i++)
        n += m->opts[i].code == code;
    return n;
}

/* The n-th option with code (0-based). */
static inline const struct dk_opt *nth(const struct dk_msg *m, uint16_t code, size_t k)
{
    for (size_t i = 0; i < m->nopts; i++)
        if (m->opts[i].code == code && k-- == 0)
            return &m->opts[i];
    return NULL;
}

static inline uint16_t status_of(const struct dk_opt *opts, size_t n)
{
    const struct dk_opt *st = dk_opt_find(opts, n, DK_OPT_STATUS_CODE);
    assert_non_null(st);
    return (uint16_t)st->v[0].u;
}

static inline void assert_addr(const uint8_t *p, size_t n, const char *text)
{
    uint8_t a[16];
    addr(text, a);
    assert_int_equal(n, 16);
    assert_memory_equal(p, a, 16);
}

/* The reply's Client and Server Identifiers are the client's and ours. */
static inline void assert_ids(const struct dk_msg *m)
{
    const struct dk_opt *c = find(m, DK_OPT_CLIENTID), *s = find(m, DK_OPT_SERVERID);
    assert_non_null(c);
    assert_non_null(s);
    assert_int_equal(c->v[0].n, sizeof(client_duid));
    assert_memory_equal(c->v[0].p, client_duid, sizeof(client_duid));
    assert_int_equal(s->v[0].n, sizeof(server_duid));
    assert_memory_equal(s->v[0].p, server_duid, sizeof(server_duid));
}

/* The k-th IAPREFIX of ia, its IAADDR, and how many sub-options of code it
 * holds (the static-* handler tests). */
static inline void assert_prefix(const struct dk_opt *ia, size_t k, const char *p,
                                 unsigned len, uint32_t pref, uint32_t valid)
{
    size_t seen = 0;
    for (size_t i = 0; i < ia->nopts; i++) {
        const struct dk_opt *o = &ia->opts[i];
        if (o->code != DK_OPT_IAPREFIX || seen++ != k)
            continue;
        assert_int_equal(o->v[0].u, pref);
        assert_int_equal(o->v[1].u, valid);
        assert_int_equal(o->v[2].u, len);
        assert_addr(o->v[2].p, o->v[2].n, p);
        return;
    }
    fail_msg("no IAPREFIX #%zu", k);
}

static inline void assert_address(const struct dk_opt *ia, const char *a, uint32_t pref,
                                  uint32_t valid)
{
    const struct dk_opt *o = dk_opt_find(ia->opts, ia->nopts, DK_OPT_IAADDR);
    assert_non_null(o);
    assert_addr(o->v[0].p, o->v[0].n, a);
    assert_int_equal(o->v[1].u, pref);
    assert_int_equal(o->v[2].u, valid);
}

static inline size_t count_sub(const struct dk_opt *ia, uint16_t code)
{
    size_t n = 0;
    for (size_t i = 0; i < ia->nopts; i++)
        n += ia->opts[i].code == code;
    return n;
}

#endif
