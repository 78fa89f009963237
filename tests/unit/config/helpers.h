/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the config tests (each test file is its own program). */
#ifndef DHCPKIT_TESTS_UNIT_CONFIG_HELPERS_H
#define DHCPKIT_TESTS_UNIT_CONFIG_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dhcpkit/config.h>

/* Parses text; returns the tree or NULL, errors in *errs (initialised here). */
static inline struct dk_config *parse_as(const char *name, const char *text,
                                         enum dk_config_syntax syn, struct dk_config_errors *errs)
{
    struct dk_config *cfg = NULL;
    dk_config_errors_init(errs);
    int rc = dk_config_parse_buffer(name, text, strlen(text), syn, &cfg, errs);
    if (rc == 0) {
        assert_non_null(cfg);
        assert_int_equal(errs->n, 0);
    } else {
        assert_int_equal(rc, DK_EINVAL);
        assert_null(cfg);
        assert_true(errs->n > 0);
    }
    return cfg;
}

/* Parses text that must be accepted; prints the errors if it is not. */
static inline struct dk_config *parse_ok(const char *name, const char *text,
                                         enum dk_config_syntax syn)
{
    struct dk_config_errors errs;
    struct dk_config *cfg = parse_as(name, text, syn, &errs);
    if (!cfg) {
        dk_config_errors_print(&errs, stderr);
        dk_config_errors_clear(&errs);
        fail_msg("%s was refused", name);
    }
    dk_config_errors_clear(&errs);
    return cfg;
}

static inline struct dk_config *load_ok(const char *path)
{
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL;
    dk_config_errors_init(&errs);
    if (dk_config_parse_file(path, DK_CONFIG_AUTO, &cfg, &errs) != 0) {
        dk_config_errors_print(&errs, stderr);
        dk_config_errors_clear(&errs);
        fail_msg("%s was refused", path);
    }
    dk_config_errors_clear(&errs);
    return cfg;
}

/* The formatted errors, one per line, for messages. */
static inline const char *errors_text(const struct dk_config_errors *errs)
{
    static char buf[16384];
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < errs->n && used < sizeof(buf) - 1; i++) {
        int w = dk_config_error_format(&errs->v[i], buf + used, sizeof(buf) - used - 1);
        if (w < 0)
            break;
        used += (size_t)w < sizeof(buf) - used - 1 ? (size_t)w : sizeof(buf) - used - 2;
        buf[used++] = '\n';
        buf[used] = 0;
    }
    return buf;
}

/* Asserts that some error formats to a string that starts with prefix and
 * contains every further fragment (NULL-terminated). */
static inline void assert_error(const struct dk_config_errors *errs, const char *prefix, ...)
{
    char line[1024];
    for (size_t i = 0; i < errs->n; i++) {
        dk_config_error_format(&errs->v[i], line, sizeof(line));
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        va_list ap;
        va_start(ap, prefix);
        bool all = true;
        for (const char *frag = va_arg(ap, const char *); frag; frag = va_arg(ap, const char *))
            all = all && strstr(line, frag) != NULL;
        va_end(ap);
        if (all)
            return;
    }
    fail_msg("no error '%s...' among:\n%s", prefix, errors_text(errs));
}

/* Parses text that must be refused with exactly one error, which starts
 * with prefix and contains fragment. */
static inline void refused_once(const char *name, const char *text, enum dk_config_syntax syn,
                                const char *prefix, const char *fragment)
{
    struct dk_config_errors errs;
    struct dk_config *cfg = parse_as(name, text, syn, &errs);
    assert_null(cfg);
    if (errs.n != 1)
        fail_msg("expected one error, got %zu:\n%s", errs.n, errors_text(&errs));
    assert_error(&errs, prefix, fragment, NULL);
    dk_config_errors_clear(&errs);
}

/* printconf into a string (caller frees). */
static inline char *print_str(const struct dk_config *cfg, unsigned flags)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(dk_config_print(cfg, f, flags), 0);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* The n-th child of s, which must have the given type. */
static inline const struct dk_config_section *child(const struct dk_config_section *s, size_t n,
                                                    const char *type)
{
    if (n >= s->nchildren)
        fail_msg("<%s> has %zu sections, not %zu", s->type, s->nchildren, n + 1);
    assert_string_equal(s->children[n]->type, type);
    return s->children[n];
}

static inline uint64_t get_u(const struct dk_config_section *s, const char *key)
{
    const struct dk_config_value *v = dk_config_get(s, key);
    if (!v)
        fail_msg("<%s> has no %s", s->type, key);
    return v->v.u;
}

#endif
