/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dump-requests: its keys (format, answer) and what it logs and answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <dhcpkit/config.h>

static const struct dk_config_section *only_child(const struct dk_config *cfg, const char *type)
{
    const struct dk_config_section *root = dk_config_root(cfg);
    for (size_t i = 0; i < root->nchildren; i++)
        if (strcmp(root->children[i]->type, type) == 0)
            return root->children[i];
    fail_msg("no <%s>", type);
    return NULL;
}

static struct dk_config *parse(const char *text, struct dk_config_errors *errs)
{
    struct dk_config *cfg = NULL;
    dk_config_errors_init(errs);
    if (dk_config_parse_buffer("dump.conf", text, strlen(text), DK_CONFIG_AUTO, &cfg, errs) != 0)
        return NULL;
    return cfg;
}

/* The defaults: JSON, and no answer (dhcpkit 0.x's dump_requests). */
static void test_keys_default(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg = parse("<dump-requests/>\n", &errs);
    assert_non_null(cfg);
    const struct dk_config_section *s = only_child(cfg, "dump-requests");
    assert_string_equal(dk_config_get(s, "format")->v.s, "json");
    assert_false(dk_config_get(s, "answer")->v.b);
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);
}

static void test_keys_given(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg =
        parse("<dump-requests>\n format text\n answer yes\n</dump-requests>\n", &errs);
    assert_non_null(cfg);
    const struct dk_config_section *s = only_child(cfg, "dump-requests");
    assert_string_equal(dk_config_get(s, "format")->v.s, "text");
    assert_true(dk_config_get(s, "answer")->v.b);
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);
}

/* A format that is not json or text is refused, with its line. */
static void test_keys_bad_format(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg = parse("<dump-requests>\n format xml\n</dump-requests>\n", &errs);
    assert_null(cfg);
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.v[0].line, 2);
    dk_config_errors_clear(&errs);
}

/* INI: message-handler = dump_requests is <dump-requests/> with the defaults. */
static void test_keys_ini(void **state)
{
    (void)state;
    struct dk_config_errors errs;
    struct dk_config *cfg = parse("[server]\nmessage-handler = dump_requests\n", &errs);
    assert_non_null(cfg);
    const struct dk_config_section *s = only_child(cfg, "dump-requests");
    assert_string_equal(dk_config_get(s, "format")->v.s, "json");
    assert_false(dk_config_get(s, "answer")->v.b);
    dk_config_free(cfg);
    dk_config_errors_clear(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_default),
        cmocka_unit_test(test_keys_given),
        cmocka_unit_test(test_keys_bad_format),
        cmocka_unit_test(test_keys_ini),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
