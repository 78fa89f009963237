/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vector-probe: a line-oriented bridge between the Python vector tests and
 * libdhcpkit. Each input line is "KIND HEX"; each output line is one JSON
 * object:
 *
 *   {"ok": true, "decoded": ..., "consumed": N, "reencode": "same"|"differs",
 *    "encoded": "<hex>"}
 *   {"ok": false, "err": "DK_ETRUNC", "error": "<dk_diag_format text>",
 *    "offset": N, "path": [codes]}
 *
 * KIND is one of
 *   message                  one whole message (dk_msg_decode)
 *   options                  a run of DHCPv6 options (dk_opts_decode)
 *   ntp-suboptions           a run of RFC 5908 NTP sub-options
 *   vendor-suboptions        a run of RFC 8415 §21.17 vendor sub-options
 *   option-as:CODE           one option that must have code CODE, like the
 *   ntp-suboption-as:CODE    original's XOption.parse(buffer): octets after
 *                            the option are not part of it and are ignored
 *   duid                     a DUID (dk_duid_parse, and as the body of a
 *                            Client Identifier option for the round trip)
 *
 * "decoded" is dk_msg_to_json for a message, a list of dk_opt_to_json for
 * options, the single option object for option-as, dk_duid_to_json for a
 * DUID. "encoded" is what dk_msg_encode/dk_opt_encode produce from the
 * decoded fields; "reencode" compares it with the consumed input octets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/duid.h>
#include <dhcpkit/errors.h>
#include <dhcpkit/message.h>
#include <dhcpkit/render.h>

#define ARENA_SIZE (8u << 20)
#define OUT_SIZE   (4u << 20)

static uint8_t *arena_mem;
static uint8_t *out_mem;
static uint8_t *enc_mem;

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void hex_out(const uint8_t *p, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    putchar('"');
}

static void fail_probe(const char *what)
{
    printf("{\"ok\": false, \"err\": \"PROBE\", \"error\": ");
    json_str(what);
    printf("}\n");
}

static void fail_diag(const struct dk_diag *d)
{
    char text[512];
    dk_diag_format(d, text, sizeof(text));
    printf("{\"ok\": false, \"err\": ");
    json_str(dk_errname(d->err));
    printf(", \"error\": ");
    json_str(text);
    printf(", \"offset\": %zu, \"path\": [", d->offset);
    for (size_t i = 0; i < d->npath; i++)
        printf("%s%u", i ? ", " : "", d->path[i]);
    printf("]}\n");
}

static void fail_plain(int err, const char *text)
{
    struct dk_diag d;
    memset(&d, 0, sizeof(d));
    d.err = err;
    snprintf(d.text, sizeof(d.text), "%s", text);
    fail_diag(&d);
}

static int hex_decode(const char *s, size_t slen, uint8_t *out, size_t *n)
{
    if (slen % 2)
        return -1;
    for (size_t i = 0; i < slen; i += 2) {
        unsigned v = 0;
        for (size_t k = 0; k < 2; k++) {
            char c = s[i + k];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= (unsigned)(c - 'A' + 10);
            else
                return -1;
        }
        out[i / 2] = (uint8_t)v;
    }
    *n = slen / 2;
    return 0;
}

/* Prints the success object; decoded is the rendered JSON in out_mem. */
static void ok(const char *decoded, size_t consumed, const uint8_t *in, const uint8_t *enc,
               size_t nenc)
{
    printf("{\"ok\": true, \"decoded\": %s, \"consumed\": %zu, \"reencode\": \"%s\", "
           "\"encoded\": ",
           decoded, consumed, nenc == consumed && memcmp(in, enc, nenc) == 0 ? "same" : "differs");
    hex_out(enc, nenc);
    printf("}\n");
}

static void do_message(const uint8_t *p, size_t n, struct dk_arena *a)
{
    struct dk_msg *m;
    struct dk_diag d;
    if (dk_msg_decode(p, n, a, &m, &d)) {
        fail_diag(&d);
        return;
    }
    struct dk_wbuf w, e;
    dk_wbuf_init(&w, out_mem, OUT_SIZE);
    dk_wbuf_init(&e, enc_mem, OUT_SIZE);
    if (dk_msg_to_json(&w, m)) {
        fail_probe("rendering failed");
        return;
    }
    if (dk_msg_encode(&e, m)) {
        fail_plain(e.err, "re-encoding failed");
        return;
    }
    ok((const char *)out_mem, n, p, e.p, e.len);
}

/* Renders and re-encodes opts[0..n) as a JSON list (or one object). */
static void emit_opts(const struct dk_opt *opts, size_t nopts, bool single, const uint8_t *in,
                      size_t consumed)
{
    struct dk_wbuf w, e;
    dk_wbuf_init(&w, out_mem, OUT_SIZE);
    dk_wbuf_init(&e, enc_mem, OUT_SIZE);
    if (!single)
        dk_wbuf_put(&w, "[", 1);
    for (size_t i = 0; i < nopts; i++) {
        if (i)
            dk_wbuf_put(&w, ", ", 2);
        if (dk_opt_to_json(&w, &opts[i])) {
            fail_probe("rendering failed");
            return;
        }
        if (dk_opt_encode(&e, &opts[i])) {
            fail_plain(e.err, "re-encoding failed");
            return;
        }
    }
    if (!single)
        dk_wbuf_put(&w, "]", 1);
    if (dk_wbuf_u8(&w, 0)) {
        fail_probe("output buffer too small");
        return;
    }
    ok((const char *)out_mem, consumed, in, e.p, e.len);
}

static void do_options(const uint8_t *p, size_t n, unsigned space, struct dk_arena *a)
{
    struct dk_opt *opts;
    size_t nopts;
    struct dk_diag d;
    if (dk_opts_decode(p, n, space, a, &opts, &nopts, &d)) {
        fail_diag(&d);
        return;
    }
    emit_opts(opts, nopts, false, p, n);
}

/* Like the original's XOption.parse(buffer): one option of a given code at
 * the start of the buffer; what follows it is not part of it. */
static void do_option_as(const uint8_t *p, size_t n, unsigned space, unsigned code,
                         struct dk_arena *a)
{
    char text[160];
    if (n < 4) {
        snprintf(text, sizeof(text), "%zu octets, too few for an option header", n);
        fail_plain(DK_ETRUNC, text);
        return;
    }
    unsigned got = (unsigned)(p[0] << 8 | p[1]);
    size_t len = (size_t)(p[2] << 8 | p[3]);
    if (got != code) {
        snprintf(text, sizeof(text), "the buffer holds option %u, not option %u", got, code);
        fail_plain(DK_ETYPE, text);
        return;
    }
    /* An option longer than the buffer is decoded against the whole buffer,
     * so the decoder itself reports it. */
    size_t take = len + 4 <= n ? len + 4 : n;
    struct dk_opt *opts;
    size_t nopts;
    struct dk_diag d;
    if (dk_opts_decode(p, take, space, a, &opts, &nopts, &d)) {
        fail_diag(&d);
        return;
    }
    if (nopts != 1) {
        fail_probe("expected exactly one option");
        return;
    }
    emit_opts(opts, 1, true, p, take);
}

static void do_duid(const uint8_t *p, size_t n, struct dk_arena *a)
{
    struct dk_duid duid;
    if (dk_duid_parse(p, n, &duid)) {
        char text[96];
        snprintf(text, sizeof(text), "DUID of %zu octets rejected", n);
        fail_plain(DK_EDUID, text);
        return;
    }
    /* The round trip goes through a Client Identifier option, which is how
     * a DUID travels; the decoder applies its own DUID checks there. */
    if (n > 0xffff) {
        fail_probe("DUID too long for an option");
        return;
    }
    uint8_t *wrapped = dk_arena_alloc(a, n + 4);
    if (!wrapped) {
        fail_probe("arena exhausted");
        return;
    }
    wrapped[0] = 0;
    wrapped[1] = DK_OPT_CLIENTID;
    wrapped[2] = (uint8_t)(n >> 8);
    wrapped[3] = (uint8_t)n;
    memcpy(wrapped + 4, p, n);
    struct dk_opt *opts;
    size_t nopts;
    struct dk_diag d;
    if (dk_opts_decode(wrapped, n + 4, DK_SPACE_DHCPV6, a, &opts, &nopts, &d)) {
        fail_diag(&d);
        return;
    }
    struct dk_wbuf w, e;
    dk_wbuf_init(&w, out_mem, OUT_SIZE);
    dk_wbuf_init(&e, enc_mem, OUT_SIZE);
    if (dk_duid_to_json(&w, p, n)) {
        fail_probe("rendering failed");
        return;
    }
    if (dk_opt_encode(&e, &opts[0])) {
        fail_plain(e.err, "re-encoding failed");
        return;
    }
    if (e.len < 4) {
        fail_probe("re-encoded option lost its header");
        return;
    }
    ok((const char *)out_mem, n, p, e.p + 4, e.len - 4);
}

static void handle(char *line, uint8_t *buf, size_t bufcap)
{
    struct dk_arena a;
    char *sp = strchr(line, ' ');
    const char *hex = sp ? sp + 1 : "";
    size_t hexlen = strlen(hex), n;
    if (sp)
        *sp = '\0';
    if (hexlen / 2 > bufcap || hex_decode(hex, hexlen, buf, &n)) {
        fail_probe("bad hex");
        return;
    }
    dk_arena_init(&a, arena_mem, ARENA_SIZE);
    unsigned code;
    char extra;
    if (strcmp(line, "message") == 0)
        do_message(buf, n, &a);
    else if (strcmp(line, "options") == 0)
        do_options(buf, n, DK_SPACE_DHCPV6, &a);
    else if (strcmp(line, "ntp-suboptions") == 0)
        do_options(buf, n, DK_SPACE_NTP, &a);
    else if (strcmp(line, "vendor-suboptions") == 0)
        do_options(buf, n, DK_SPACE_VENDOR, &a);
    else if (sscanf(line, "option-as:%u%c", &code, &extra) == 1 && code <= 0xffff)
        do_option_as(buf, n, DK_SPACE_DHCPV6, code, &a);
    else if (sscanf(line, "ntp-suboption-as:%u%c", &code, &extra) == 1 && code <= 0xffff)
        do_option_as(buf, n, DK_SPACE_NTP, code, &a);
    else if (strcmp(line, "duid") == 0)
        do_duid(buf, n, &a);
    else
        fail_probe("unknown kind");
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    size_t bufcap = 1u << 20;
    uint8_t *buf = malloc(bufcap);
    arena_mem = malloc(ARENA_SIZE);
    out_mem = malloc(OUT_SIZE);
    enc_mem = malloc(OUT_SIZE);
    if (!buf || !arena_mem || !out_mem || !enc_mem) {
        perror("vector-probe");
        return 1;
    }
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (got == 0)
            continue;
        handle(line, buf, bufcap);
        fflush(stdout);
    }
    free(line);
    free(buf);
    free(arena_mem);
    free(out_mem);
    free(enc_mem);
    return ferror(stdout) ? 1 : 0;
}
