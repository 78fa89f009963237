/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_HANDLER_H
#define DHCPKIT_HANDLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/config.h>

/*
 * Handlers. A handler is a `const struct dk_handler_api`: an ABI version,
 * the name of its configuration section, its config items, a constructor of
 * per-instance state from that section, and one hook per stage it takes
 * part in (bundle.h). The built-in handlers and plug-ins are declared the
 * same way [Knot DNS modules].
 *
 * A plug-in is a shared object that exports its descriptor under the name
 * dk_handler_api:
 *
 *     const struct dk_handler_api dk_handler_api = {
 *         .abi = DK_HANDLER_ABI,
 *         .size = sizeof(struct dk_handler_api),
 *         .name = "example",
 *         .items = items, .nitems = sizeof(items) / sizeof(items[0]),
 *         .create = example_create,
 *         .destroy = example_destroy,
 *         .hooks[DK_STAGE_HANDLE] = example_handle,
 *     };
 *
 * and is loaded by a `<plugin FILE>` section whose keys are checked against
 * items (type, range, required, repeatable) before create() sees them. A
 * plug-in may call the functions of libdhcpkit (link it with `pkg-config
 * --libs libdhcpkit`) and nothing else of the server.
 *
 * Threads. Hooks run in any number of worker threads at once. state (from
 * create) is shared by all of them and must be treated as read-only, or
 * synchronised by the handler without locks on the per-packet path (atomics;
 * see rate-limit). wstate (from worker_init) belongs to one worker thread.
 */

/* The handler ABI of this server: bumped whenever struct dk_handler_api,
 * struct dk_handler_args, struct dk_hctx, struct dk_bundle or what they point
 * to change incompatibly. A plug-in may be built for another version with
 * -DDK_HANDLER_ABI_OVERRIDE=N (tests do, to see it refused). */
#define DK_HANDLER_ABI_CURRENT 1
#ifdef DK_HANDLER_ABI_OVERRIDE
#define DK_HANDLER_ABI DK_HANDLER_ABI_OVERRIDE
#else
#define DK_HANDLER_ABI DK_HANDLER_ABI_CURRENT
#endif

/* The symbol a plug-in exports. */
#define DK_HANDLER_SYMBOL "dk_handler_api"

/* One configured value of the handler's section, given or default. */
struct dk_handler_value {
    const char *key; /* canonical (lower case, '-') */
    const struct dk_config_value *value;
};

/* What create() gets. Everything is valid until destroy() (the pipeline
 * keeps the configuration as long as the handler). */
struct dk_handler_args {
    const char *name; /* the section type ("preference", "plugin") */
    const char *file; /* where the section is */
    unsigned line;
    const struct dk_config_value *arg; /* the section's argument, or NULL */
    const struct dk_handler_value *values;
    size_t nvalues; /* in the order given, then the defaults */
    const uint8_t *server_duid;
    size_t server_duid_len;
    struct dk_log log;
    /* For built-in handlers only: the section and the server's root
     * section (top-level settings). NULL for plug-ins. */
    const struct dk_config_section *section;
    const struct dk_config_section *root;
    /* For built-in handlers only, and only during create(): where to add
     * errors of their own with file:line (every bad row of an assignments
     * file), besides the one message create() returns. NULL for plug-ins. */
    struct dk_config_errors *errs;
    /* For built-in handlers only, and only during create() of a reload
     * (appended: plug-ins built for ABI 1 never read them). previous: the
     * state of the running configuration's instance of the same handler
     * whose section has the same argument (the same file), NULL at start-up
     * or when there is none; valid only during create(). force: the
     * operator forced this reload past the guards (ipv6-dhcpctl reload
     * --force). */
    const void *previous;
    bool force;
};

/* The first value of key, or NULL. */
const struct dk_config_value *dk_handler_get(const struct dk_handler_args *a, const char *key);
/* How many values key has, and the n-th (or NULL). */
size_t dk_handler_count(const struct dk_handler_args *a, const char *key);
const struct dk_config_value *dk_handler_nth(const struct dk_handler_args *a, const char *key,
                                             size_t n);

/* What a hook gets besides the bundle. */
struct dk_hctx {
    void *state;  /* from create() */
    void *wstate; /* from worker_init() of this worker thread, or NULL */
    void **tdata; /* this handler's per-transaction slot, NULL at the start */
};

/* A hook: returns DK_CONTINUE, another enum dk_action, or a negative DK_E*
 * (counted as a handling error). */
typedef int (*dk_hook_fn)(struct dk_bundle *b, const struct dk_hctx *h);

struct dk_handler_api {
    uint32_t abi;  /* DK_HANDLER_ABI; always the first member */
    uint32_t size; /* sizeof(struct dk_handler_api) */
    const char *name;
    const char *help;
    /* Plug-ins: the keys of their section, in the types of the config schema
     * (DK_CFG_STRING, UINT, BOOL, TIME, DECIMAL, FACTOR, IPV6, PREFIX,
     * DOMAIN, HEX, ENUM). Built-in handlers leave this empty: the schema
     * (src/config/schema.c) has their keys. */
    const struct dk_config_key_def *items;
    size_t nitems;
    /* Makes the instance state of one section. Returns 0, or a negative
     * DK_E* with a message (without file:line) in err. NULL: no state. */
    int (*create)(const struct dk_handler_args *args, void **state, char *err, size_t errlen);
    /* Releases state; called once, after every worker is done with it. */
    void (*destroy)(void *state);
    /* Per worker thread state (e.g. a database connection), made on the
     * worker's first transaction with this pipeline and released with the
     * pipeline. Optional. */
    int (*worker_init)(void *state, void **wstate);
    void (*worker_done)(void *state, void *wstate);
    dk_hook_fn hooks[DK_STAGES];
};

#endif
