/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Capturing a transaction for a writer thread (capture.h). */
#include <stdlib.h>

#include <dhcpkit/build.h>
#include <dhcpkit/errors.h>

#include "capture.h"

int dk__capture_worker_init(void *state, void **wstate)
{
    (void)state;
    *wstate = malloc(DK__CAPTURE_SCRATCH);
    return *wstate ? 0 : DK_ENOMEM;
}

void dk__capture_worker_done(void *state, void *wstate)
{
    (void)state;
    free(wstate);
}

int dk__capture_encode(struct dk_bundle *b, uint8_t *buf, size_t cap, size_t *nin, size_t *nout)
{
    struct dk_wbuf w;
    dk_wbuf_init(&w, buf, cap);
    int err = dk_msg_encode(&w, b->relay_in[0]);
    *nin = w.len;
    struct dk_msg *reply = NULL;
    if (!err && b->response && dk_bmsg_finish(b->arena, b->response, &reply) == 0 && reply)
        err = dk_msg_encode(&w, reply);
    *nout = w.len - *nin;
    return err ? err : w.err;
}

const struct dk_msg *dk__capture_decode(struct dk_arena *a, const uint8_t *p, size_t n,
                                        struct dk__chain *c)
{
    struct dk_msg *outer;
    if (dk_msg_decode(p, n, a, &outer, NULL) != 0)
        return NULL;
    c->n = 0;
    const struct dk_msg *m = outer;
    while (m && m->type == DK_MSG_RELAY_FORW && c->n < DK_MAX_RELAYS) {
        c->relays[c->n++] = m;
        const struct dk_opt *rm = dk_msg_find(m, DK_OPT_RELAY_MSG);
        m = rm ? rm->msg : NULL;
    }
    return m && c->n ? m : NULL;
}
