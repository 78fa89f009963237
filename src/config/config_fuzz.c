/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fuzz entry of the config layer; see config_fuzz.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/config.h>

#include "config_fuzz.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: config invariant broken: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Prints cfg; the caller frees *text. Returns 0 or -1 (no memory). */
static int print_to(const struct dk_config *cfg, char **text, size_t *len)
{
    FILE *f = open_memstream(text, len);
    if (!f)
        return -1;
    int rc = dk_config_print(cfg, f, 0);
    if (fclose(f) != 0 || rc != 0) {
        free(*text);
        return -1;
    }
    return 0;
}

int dk__config_fuzz_one(const uint8_t *data, size_t size)
{
    static const char name[] = "fuzz.conf";
    enum dk_config_syntax syn = DK_CONFIG_AUTO;
    struct dk_config_errors errs;
    struct dk_config *cfg = NULL, *again = NULL;
    char *t1 = NULL, *t2 = NULL;
    size_t l1 = 0, l2 = 0;

    if (size > 0) {
        syn = (enum dk_config_syntax)(data[0] % 3);
        data++;
        size--;
    }
    dk_config_errors_init(&errs);
    int rc = dk_config_parse_buffer(name, (const char *)data, size, syn, &cfg, &errs);
    if (rc == DK_ENOMEM)
        goto out;
    if (rc != 0) {
        CHECK(rc == DK_EINVAL);
        CHECK(cfg == NULL);
        CHECK(errs.n + errs.dropped > 0);
        for (size_t i = 0; i < errs.n; i++) {
            CHECK(strcmp(errs.v[i].file, name) == 0);
            CHECK(errs.v[i].message && errs.v[i].message[0]);
        }
        goto out;
    }
    CHECK(cfg != NULL);
    CHECK(errs.n == 0 && errs.dropped == 0);
    if (print_to(cfg, &t1, &l1) < 0)
        goto out;
    rc = dk_config_parse_buffer(name, t1, l1, DK_CONFIG_NESTED, &again, &errs);
    if (rc == DK_ENOMEM)
        goto out;
    if (rc != 0) {
        dk_config_errors_print(&errs, stderr);
        fprintf(stderr, "--- printed ---\n%s", t1);
    }
    CHECK(rc == 0);
    char why[512];
    if (dk_config_diff(cfg, again, why, sizeof(why)) != 0)
        fprintf(stderr, "difference: %s\n--- printed ---\n%s", why, t1);
    CHECK(dk_config_equal(cfg, again));
    if (dk_config_syntax(cfg) == DK_CONFIG_NESTED) {
        if (print_to(again, &t2, &l2) < 0)
            goto out;
        CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0);
    }
out:
    free(t1);
    free(t2);
    dk_config_free(cfg);
    dk_config_free(again);
    dk_config_errors_clear(&errs);
    return 0;
}
