/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A stand-in leasequery handler for tests/integration/listen-tcp.sh, until
 * the real one answers: every Leasequery gets its Leasequery-reply (the
 * pipeline's, with the identifiers), and over TCP a stream of `count`
 * Leasequery-data messages, each with `size` octets of padding in its
 * Client Data, then a Leasequery-done (RFC 5460 §5.3); a query by relay-id
 * (type 3) gets `bulk-count` of `bulk-size` instead, a big answer for the
 * stalled-reader test. The clients are DUID-LL 00:00:5e:00:53:NN, NN
 * counting from 1.
 */
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/handler.h>

static const struct dk_config_key_def items[] = {
    {
        .name = "count",
        .type = {.vtype = DK_CFG_UINT, .min = 0, .max = 1000000},
        .def_nested = "3",
        .help = "Leasequery-data messages per answer over TCP",
    },
    {
        .name = "size",
        .type = {.vtype = DK_CFG_UINT, .min = 0, .max = 60000},
        .def_nested = "0",
        .help = "octets of padding in each (an unknown option 65000)",
    },
    {
        .name = "bulk-count",
        .type = {.vtype = DK_CFG_UINT, .min = 0, .max = 1000000},
        .def_nested = "1000",
        .help = "count for a query by relay-id",
    },
    {
        .name = "bulk-size",
        .type = {.vtype = DK_CFG_UINT, .min = 0, .max = 60000},
        .def_nested = "30000",
        .help = "size for a query by relay-id",
    },
};

struct conf {
    uint64_t count, size, bulk_count, bulk_size;
};

struct stream {
    struct dk_msg_stream s; /* first */
    uint32_t xid;
    uint64_t left, size, sent;
    bool done;
};

static size_t put16(uint8_t *p, size_t n)
{
    p[0] = (uint8_t)(n >> 8);
    p[1] = (uint8_t)n;
    return 2;
}

static int stream_next(struct dk_msg_stream *s, uint8_t *buf, size_t cap)
{
    struct stream *st = (struct stream *)s;
    size_t n = 0;
    if (st->done)
        return 0;
    if (cap < 4 + 4 + 4 + 10 + 4 + st->size)
        return DK_ELENGTH;
    if (st->left == 0) { /* RFC 5460 §5.3: the end, with a Status Code Success */
        buf[0] = DK_MSG_LEASEQUERY_DONE;
        buf[1] = (uint8_t)(st->xid >> 16);
        buf[2] = (uint8_t)(st->xid >> 8);
        buf[3] = (uint8_t)st->xid;
        n = 4;
        n += put16(buf + n, DK_OPT_STATUS_CODE);
        n += put16(buf + n, 2);
        n += put16(buf + n, DK_STATUS_SUCCESS);
        st->done = true;
        return (int)n;
    }
    st->left--;
    st->sent++;
    buf[n++] = DK_MSG_LEASEQUERY_DATA;
    buf[n++] = (uint8_t)(st->xid >> 16);
    buf[n++] = (uint8_t)(st->xid >> 8);
    buf[n++] = (uint8_t)st->xid;
    size_t inner = 4 + 10 + (st->size ? 4 + st->size : 0);
    n += put16(buf + n, DK_OPT_CLIENT_DATA);
    n += put16(buf + n, inner);
    n += put16(buf + n, DK_OPT_CLIENTID);
    n += put16(buf + n, 10);
    static const uint8_t ll[] = {0, 3, 0, 1, 0x00, 0x00, 0x5e, 0x00, 0x53};
    memcpy(buf + n, ll, sizeof(ll));
    n += sizeof(ll);
    buf[n++] = (uint8_t)st->sent;
    if (st->size) {
        n += put16(buf + n, 65000);
        n += put16(buf + n, st->size);
        memset(buf + n, 0xa5, st->size);
        n += st->size;
    }
    return (int)n;
}

static void stream_close(struct dk_msg_stream *s)
{
    free(s);
}

static int lq_create(const struct dk_handler_args *a, void **state, char *err, size_t len)
{
    (void)err;
    (void)len;
    struct conf *c = calloc(1, sizeof(*c));
    if (!c)
        return DK_ENOMEM;
    c->count = dk_handler_get(a, "count")->v.u;
    c->size = dk_handler_get(a, "size")->v.u;
    c->bulk_count = dk_handler_get(a, "bulk-count")->v.u;
    c->bulk_size = dk_handler_get(a, "bulk-size")->v.u;
    *state = c;
    return 0;
}

static int lq_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    const struct conf *c = h->state;
    if (b->request->type != DK_MSG_LEASEQUERY)
        return DK_CONTINUE;
    /* Answered: the pipeline drops a Leasequery no handler marks so. */
    b->done |= DK_DONE_LEASEQUERY;
    if (!b->tcp)
        return DK_CONTINUE;
    /* The first client in the Leasequery-reply itself (RFC 5460 §5.3), the
     * others in the stream. */
    static const uint8_t first[] = {0, 3, 0, 1, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x00};
    struct dk_bopt *cd = dk_bundle_add(b, DK_OPT_CLIENT_DATA, 0);
    struct dk_bopt *id = cd ? dk_bopt_add(b->arena, cd, DK_OPT_CLIENTID) : NULL;
    if (!id)
        return DK_ENOMEM;
    dk_bopt_set_ref(id, 0, first, sizeof(first));
    struct stream *st = calloc(1, sizeof(*st));
    if (!st)
        return DK_ENOMEM;
    st->s.next = stream_next;
    st->s.close = stream_close;
    st->xid = b->request->xid;
    const struct dk_opt *q = dk_msg_find(b->request, DK_OPT_LQ_QUERY);
    bool bulk = q && q->v[0].u == 3; /* RFC 5460 §5.1.1: by relay-id */
    st->left = bulk ? c->bulk_count : c->count;
    st->size = bulk ? c->bulk_size : c->size;
    b->stream = &st->s;
    return DK_CONTINUE;
}

const struct dk_handler_api dk_handler_api = {
    .abi = DK_HANDLER_ABI,
    .size = sizeof(struct dk_handler_api),
    .name = "lq-stream",
    .help = "answers Leasequery with N Leasequery-data over TCP (a test of <listen-tcp>)",
    .items = items,
    .nitems = sizeof(items) / sizeof(items[0]),
    .create = lq_create,
    .destroy = free,
    .hooks[DK_STAGE_HANDLE] = lq_handle,
};
