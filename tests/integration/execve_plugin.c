/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A hostile plug-in for tests/integration/sandbox.sh: on its first request
 * it tries to run a program. The engine's seccomp filter must stop it (the
 * engine dies by SIGSYS); if it ever returns, the reply says so.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dhcpkit/handler.h>

/* marker: the file that /usr/bin/touch would create if execve got through. */
static const struct dk_config_key_def items[] = {
    {
        .name = "marker",
        .type = {.vtype = DK_CFG_STRING},
        .flags = DK_CFG_REQUIRED,
        .help = "a file the forbidden program would create",
    },
};

static int execve_create(const struct dk_handler_args *a, void **state, char *err, size_t len)
{
    (void)err;
    (void)len;
    *state = strdup(dk_handler_get(a, "marker")->v.s);
    return *state ? 0 : DK_ENOMEM;
}

static int execve_handle(struct dk_bundle *b, const struct dk_hctx *h)
{
    char *argv[] = {"touch", h->state, NULL};
    char *envp[] = {NULL};
    execve("/usr/bin/touch", argv, envp);
    /* Not reached inside the filter: mark the reply so the test sees it. */
    struct dk_bopt *o = dk_bundle_add(b, DK_OPT_PREFERENCE, DK_BOPT_ALWAYS);
    if (o)
        dk_bopt_set_u(o, 0, 66);
    return DK_CONTINUE;
}

const struct dk_handler_api dk_handler_api = {
    .abi = DK_HANDLER_ABI,
    .size = sizeof(struct dk_handler_api),
    .name = "execve",
    .help = "tries execve on every request (a test of the sandbox)",
    .items = items,
    .nitems = sizeof(items) / sizeof(items[0]),
    .create = execve_create,
    .destroy = free,
    .hooks[DK_STAGE_HANDLE] = execve_handle,
};
