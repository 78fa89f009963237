/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler plug-ins: <plugin FILE> loads a shared object, takes its
 * dk_handler_api descriptor, refuses another ABI, and checks the section's
 * keys (which the config layer keeps as text, DK_CFG_FREE_KEYS) against the
 * plug-in's own items: known key, typed value in range, required keys
 * present, single keys given once; defaults added. The plug-in's create()
 * then sees typed values, like a built-in handler.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include "framework.h"

static const struct dk_config_key_def *item_find(const struct dk_handler_api *api, const char *key)
{
    for (size_t i = 0; i < api->nitems; i++)
        if (strcasecmp(api->items[i].name, key) == 0)
            return &api->items[i];
    return NULL;
}

int dk__plugin_load(const struct dk_config_section *s, struct dk__hinst *h,
                    struct dk_config_errors *errs)
{
    const char *shown = s->arg.text, *path = s->arg.v.s;
    h->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h->dl) {
        const char *e = dlerror();
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: cannot load it: %s", shown,
                           e ? e : "unknown error");
        return -1;
    }
    const struct dk_handler_api *api = dlsym(h->dl, DK_HANDLER_SYMBOL);
    if (!api) {
        dk__pipeline_error(errs, s->file, s->line,
                           "plugin %s: no symbol %s: not a dhcpkit handler plug-in", shown,
                           DK_HANDLER_SYMBOL);
        return -1;
    }
    /* abi is the first member whatever the version, so it can be read. */
    if (api->abi != DK_HANDLER_ABI_CURRENT) {
        dk__pipeline_error(errs, s->file, s->line,
                           "plugin %s: built for handler ABI %u, this server has %u", shown,
                           (unsigned)api->abi, (unsigned)DK_HANDLER_ABI_CURRENT);
        return -1;
    }
    if (api->size != sizeof(struct dk_handler_api) || !api->name || (api->nitems && !api->items)) {
        dk__pipeline_error(errs, s->file, s->line,
                           "plugin %s: its handler descriptor is malformed (size %u, expected "
                           "%zu)",
                           shown, (unsigned)api->size, sizeof(struct dk_handler_api));
        return -1;
    }
    h->api = api;

    /* The values: every setting of the section, then the defaults, parsed
     * by the config layer's rules (paths relative to the config's folder). */
    size_t cap = s->nsettings + api->nitems;
    char dir[4096] = "";
    const char *slash = s->file ? strrchr(s->file, '/') : NULL;
    if (slash && (size_t)(slash - s->file) < sizeof(dir))
        memcpy(dir, s->file, (size_t)(slash - s->file));
    h->own_pool = dk_config_values_new(dir);
    h->own_values = calloc(cap ? cap : 1, sizeof(*h->own_values));
    h->values = calloc(cap ? cap : 1, sizeof(*h->values));
    if (!h->own_pool || !h->own_values || !h->values) {
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: out of memory", shown);
        return -1;
    }
    size_t n = 0;
    int ret = 0;
    char why[256];
    /* How often each item was given, well or not (a bad value is not also
     * a missing one). */
    size_t *given = calloc(api->nitems ? api->nitems : 1, sizeof(*given));
    if (!given) {
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: out of memory", shown);
        return -1;
    }
    for (size_t i = 0; i < s->nsettings; i++) {
        const struct dk_config_setting *st = &s->settings[i];
        const struct dk_config_key_def *kd = item_find(api, st->key);
        if (!kd) {
            dk__pipeline_error(errs, s->file, st->line, "plugin %s: unknown key '%s'", shown,
                               st->key);
            ret = -1;
            continue;
        }
        given[kd - api->items]++;
        if (dk_config_value_parse(h->own_pool, &kd->type, st->value.text, &h->own_values[n], why,
                                  sizeof(why)) < 0) {
            dk__pipeline_error(errs, s->file, st->line, "plugin %s: bad value for %s: %s", shown,
                               kd->name, why);
            ret = -1;
            continue;
        }
        h->values[n].key = kd->name;
        h->values[n].value = &h->own_values[n];
        n++;
    }
    bool any_one_of = false, have_one_of = false;
    for (size_t k = 0; k < api->nitems; k++) {
        const struct dk_config_key_def *kd = &api->items[k];
        size_t count = given[k];
        if (count > 1 && !(kd->flags & DK_CFG_MULTI)) {
            dk__pipeline_error(errs, s->file, s->line, "plugin %s: '%s' may be given only once",
                               shown, kd->name);
            ret = -1;
        }
        if (count == 0 && (kd->flags & DK_CFG_REQUIRED)) {
            dk__pipeline_error(errs, s->file, s->line, "plugin %s: needs '%s'", shown, kd->name);
            ret = -1;
        }
        if (kd->flags & DK_CFG_ONE_OF) {
            any_one_of = true;
            have_one_of |= count > 0;
        }
        if (count == 0 && kd->def_nested) {
            if (dk_config_value_parse(h->own_pool, &kd->type, kd->def_nested, &h->own_values[n],
                                      why, sizeof(why)) < 0) {
                dk__pipeline_error(errs, s->file, s->line,
                                   "plugin %s: its default for %s is bad: %s", shown, kd->name,
                                   why);
                ret = -1;
                continue;
            }
            h->values[n].key = kd->name;
            h->values[n].value = &h->own_values[n];
            n++;
        }
    }
    free(given);
    if (any_one_of && !have_one_of) {
        dk__pipeline_error(errs, s->file, s->line, "plugin %s: needs one of its keys", shown);
        ret = -1;
    }
    h->args.values = h->values;
    h->args.nvalues = n;
    h->args.arg = &s->arg;
    return ret;
}

void dk__plugin_unload(struct dk__hinst *h)
{
    dk_config_values_free(h->own_pool);
    free(h->own_values);
    h->own_pool = NULL;
    h->own_values = NULL;
    if (h->dl)
        dlclose(h->dl);
    h->dl = NULL;
}
