/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * static-csv, static-sqlite, static-lmdb: fixed assignments arrive with
 * issue 4 (behind the store ops table). Until then these sections are
 * accepted, so that existing configurations load, and say loudly when the
 * pipeline is built that they assign nothing: their clients' IAs are
 * answered NoAddrsAvail/NoPrefixAvail by the always-on handlers.
 */
#include <stdio.h>

#include "handlers.h"

static int static_create(const struct dk_handler_args *a, void **state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *state = NULL;
    if (a->log.fn) {
        char msg[512];
        snprintf(msg, sizeof(msg),
                 "%s:%u: <%s %s>: static assignments are not implemented yet; this section "
                 "assigns nothing",
                 a->file ? a->file : "(config)", a->line, a->name,
                 a->arg && a->arg->text ? a->arg->text : "");
        a->log.fn(a->log.ctx, DK_LOGLEVEL_WARNING, msg);
    }
    return 0;
}

DK__HANDLER(static_csv, "static-csv", .help = "fixed assignments (not implemented yet)",
            .create = static_create);
DK__HANDLER(static_sqlite, "static-sqlite", .help = "fixed assignments (not implemented yet)",
            .create = static_create);
DK__HANDLER(static_lmdb, "static-lmdb", .help = "fixed assignments (not implemented yet)",
            .create = static_create);
