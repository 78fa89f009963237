/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dump-requests: its keys (format, answer) and what it logs and answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "jsoncheck.h"

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

/* The default: one JSON line per request, at info level, and no answer. */
static void test_dump_json(void **state)
{
    (void)state;
    struct fx *f = fx_new("<dump-requests/>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_DO_NOT_RESPOND);
    assert_string_equal(f->res.why, "dump-requests");
    assert_int_equal(f->nlog, 1);
    assert_int_equal(f->level[0], DK_LOGLEVEL_INFO);
    const char *line = f->log[0];
    assert_int_equal(json_check(line, strlen(line)), -1);
    const char *head = "{\"interface\": \"eth0\", \"link_address\": \"2001:db8:1::1\", "
                       "\"marks\": [\"unmarked\"], \"message\": {\"msg_type\": 1, ";
    assert_memory_equal(line, head, strlen(head));
    assert_non_null(strstr(line, "\"transaction_id\": \"f350d6\""));
    assert_null(strchr(line, '\n'));
    fx_free(f);
}

/* Text: a prefix with interface and link, then the decoder's text form. */
static void test_dump_text(void **state)
{
    (void)state;
    struct fx *f = fx_new("<dump-requests>\n format text\n</dump-requests>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_INFORMATION_REQUEST)), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(f->nlog, 1);
    const char *head =
        "dump-requests: eth0 link 2001:db8:1::1: INFORMATION-REQUEST transaction_id=f350d6 ";
    assert_memory_equal(f->log[0], head, strlen(head));
    fx_free(f);
}

/* answer yes: dump and answer. A relayed request is dumped whole. */
static void test_dump_and_answer(void **state)
{
    (void)state;
    struct fx *f = fx_new("<dump-requests>\n answer yes\n</dump-requests>\n");
    struct dk_bmsg *r = relay(f, req_new(f, DK_MSG_SOLICIT), 0, "2001:db8:5::1", "fe80::1");
    add_bytes(f, r, DK_OPT_INTERFACE_ID, "ge-0/0/1\"", 9);
    fx_rx_relayed(f);
    assert_int_equal(fx_send(f, r), DK_VERDICT_REPLY);
    assert_int_equal(f->nlog, 1);
    const char *line = f->log[0];
    assert_int_equal(json_check(line, strlen(line)), -1);
    assert_non_null(strstr(line, "\"interface\": \"eth1\", \"link_address\": \"2001:db8:5::1\""));
    assert_non_null(strstr(line, "\"message\": {\"msg_type\": 12, "));
    fx_free(f);
}

/* In a filter: only what the filter lets through is dumped (and dropped). */
static void test_dump_in_filter(void **state)
{
    (void)state;
    struct fx *f = fx_new("<subnet 2001:db8:9::/48>\n <dump-requests/>\n</subnet>\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_REPLY);
    assert_int_equal(f->nlog, 0);
    fx_rx_direct(f);
    addr("2001:db8:9::1", (uint8_t *)&f->rx.link_address);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(f->nlog, 1);
    fx_free(f);
}

/* dhcpkit 0.x: message-handler = dump_requests dumps and answers nothing. */
static void test_dump_ini(void **state)
{
    (void)state;
    struct fx *f = fx_new("[server]\nmessage-handler = dump_requests\n");
    fx_rx_direct(f);
    assert_int_equal(fx_send(f, req_new(f, DK_MSG_SOLICIT)), DK_VERDICT_DO_NOT_RESPOND);
    assert_int_equal(f->nlog, 1);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_default),    cmocka_unit_test(test_keys_given),
        cmocka_unit_test(test_keys_bad_format), cmocka_unit_test(test_keys_ini),
        cmocka_unit_test(test_dump_json),       cmocka_unit_test(test_dump_text),
        cmocka_unit_test(test_dump_and_answer), cmocka_unit_test(test_dump_in_filter),
        cmocka_unit_test(test_dump_ini),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
