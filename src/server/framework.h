/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_FRAMEWORK_H
#define DHCPKIT_SERVER_FRAMEWORK_H

/*
 * The inside of the pipeline (pipeline.h): handler instances, the filter
 * tree, the receive rules of RFC 8415 §16, plug-in loading. Internal to the
 * server; handlers see only bundle.h and handler.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/config.h>
#include <dhcpkit/handler.h>

#include "pipeline.h"

/* One configured handler (a section), or an always-on one. */
struct dk__hinst {
    const struct dk_handler_api *api;
    void *state;
    size_t index; /* its slot in per-transaction and per-worker arrays */
    struct dk_handler_args args;
    struct dk_handler_value *values;    /* owned: args.values */
    struct dk_config_value *own_values; /* owned: parsed plug-in values */
    struct dk_config_values *own_pool;  /* owned: what those values point to */
    void *dl;                           /* the plug-in's dlopen() handle, or NULL */
    char *argtext;                      /* owned: a built-in section's argument, or NULL */
    bool created;
};

enum dk__fkind {
    DK__F_ROOT,
    DK__F_SUBNET,       /* link address in one prefix */
    DK__F_SUBNET_GROUP, /* link address in any of the prefixes */
    DK__F_MARKED,       /* the transaction carries the mark */
    DK__F_ELAPSED,      /* Elapsed Time within bounds */
};

struct dk__prefix {
    uint8_t addr[16];
    uint8_t len;
};

/* A filter and what it holds; the root is a filter that always matches. */
struct dk__filter {
    enum dk__fkind kind;
    struct dk__prefix *prefixes;
    size_t nprefixes;
    char *mark; /* owned */
    bool has_more, has_less;
    uint64_t more_cs, less_cs; /* hundredths of a second, as Elapsed Time */
    struct dk__filter **kids;
    size_t nkids;
    struct dk__hinst **handlers;
    size_t nhandlers;
};

/* filters.c */
bool dk__prefix_contains(const struct dk__prefix *p, const uint8_t addr[16]);
bool dk__filter_match(const struct dk__filter *f, const struct dk_bundle *b);
/*
 * Appends the handlers that apply to b in the original's order: for each
 * matching sub-filter (in config order) its handlers (inner first), then the
 * filter's own. out has room for cap; returns the number written (never
 * more than cap: cap is the number of handler instances).
 */
size_t dk__filter_collect(const struct dk__filter *f, const struct dk_bundle *b,
                          struct dk__hinst **out, size_t n, size_t cap);
void dk__filter_free(struct dk__filter *f);

/* receive.c: the receive rules of RFC 8415 §16 and what the pipeline does
 * before any handler. Returns DK_VERDICT_REPLY when the message may be
 * handled, or the verdict to drop it with; *rule names the rule. */
enum dk_verdict dk__receive_check(const struct dk_msg *outer, const struct dk_msg *inner,
                                  const uint8_t *duid, size_t duid_len, const char **rule);

/* registry.c of src/handlers: built-in handlers by section type. */
const struct dk_handler_api *dk__builtin_find(const char *section);
/* The always-on handlers, in the order they run: setup ones (before the
 * configured handlers) and cleanup ones (after them). */
extern const struct dk_handler_api *const dk__setup_handlers[];
extern const size_t dk__nsetup_handlers;
extern const struct dk_handler_api *const dk__cleanup_handlers[];
extern const size_t dk__ncleanup_handlers;

/* plugin.c: loads the shared object of a <plugin FILE> section, checks its
 * ABI and parses the section's keys against its items into inst. On error
 * appends "file:line: plugin FILE: ..." to errs and returns -1. */
int dk__plugin_load(const struct dk_config_section *s, struct dk__hinst *inst,
                    struct dk_config_errors *errs);
void dk__plugin_unload(struct dk__hinst *inst);

/* Appends "file:line: message" to errs (pipeline.c). */
void dk__pipeline_error(struct dk_config_errors *errs, const char *file, unsigned line,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
