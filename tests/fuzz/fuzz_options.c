/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: a run of options in one option space. The first input octet
 * chooses the space (DHCPv6, vendor, NTP); the rest is decoded with
 * dk_opts_decode. Each decoded option must re-encode to its own octets and
 * render as valid JSON. The same octets are also tried as a DUID and as
 * domain names, the other parsers of fragments.
 */
#include <string.h>

#include <dhcpkit/domain.h>
#include <dhcpkit/duid.h>
#include <dhcpkit/message.h>
#include <dhcpkit/render.h>

#include "fuzz.h"
#include "jsoncheck.h"

#define ARENA_SIZE  (512u * 1024u)
#define OUTPUT_SIZE (1024u * 1024u)

static _Alignas(max_align_t) uint8_t arena_mem[ARENA_SIZE];
static uint8_t wire[70000];
static char out[OUTPUT_SIZE];

static void fragments(const uint8_t *p, size_t n)
{
    struct dk_duid duid;
    struct dk_wbuf w;
    char text[DK_DOMAIN_TEXT_MAX];
    size_t used;
    bool complete;

    if (dk_duid_parse(p, n, &duid) == 0) {
        FUZZ_CHECK(n >= DK_DUID_MIN_LEN && n <= DK_DUID_MAX_LEN);
        FUZZ_CHECK(duid.id >= p && duid.id + duid.idlen == p + n);
        dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
        FUZZ_CHECK(dk_duid_to_json(&w, p, n) == 0);
        FUZZ_CHECK(json_check(out, w.len) < 0);
    }
    if (dk_domain_measure(p, n, true, &used, &complete) == 0) {
        FUZZ_CHECK(used > 0 && used <= n && used <= DK_DOMAIN_MAX_NAME);
        int r = dk_domain_to_text(p, n, text);
        FUZZ_CHECK(r > 0 && (size_t)r == used);
        FUZZ_CHECK(strlen(text) < sizeof(text));
        /* The text form re-encodes to the same wire form when no octet
         * needed an escape (escapes are not interpreted by from_text). */
        if (!strchr(text, '\\')) {
            dk_wbuf_init(&w, wire, sizeof(wire));
            int e = dk_domain_from_text(&w, text);
            if (complete) {
                FUZZ_CHECK(e == 0 && w.len == used && memcmp(wire, p, used) == 0);
            } else { /* a partial name comes back complete: one root label more */
                FUZZ_CHECK(e == 0 || e == DK_EDOMAIN);
                if (e == 0)
                    FUZZ_CHECK(w.len == used + 1 && memcmp(wire, p, used) == 0);
            }
        }
    }
    int lc = dk_domain_list_check(p, n);
    FUZZ_CHECK(lc == 0 || lc == DK_EDOMAIN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dk_arena arena;
    struct dk_opt *opts = (struct dk_opt *)1;
    size_t nopts = 99;
    struct dk_diag diag;
    char line[512];

    if (size < 1)
        return 0;
    unsigned space = data[0] % 3;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    dk_arena_init(&arena, arena_mem, sizeof(arena_mem));

    fragments(p, n);

    int err = dk_opts_decode(p, n, space, &arena, &opts, &nopts, &diag);
    dk_diag_format(&diag, line, sizeof(line));
    FUZZ_CHECK(diag.err == err);
    if (err) {
        FUZZ_CHECK(diag.offset <= n);
        return 0;
    }
    FUZZ_CHECK(nopts == 0 || opts != NULL);

    size_t off = 0;
    for (size_t i = 0; i < nopts; i++) {
        struct dk_wbuf w;
        FUZZ_CHECK(opts[i].space == space);
        dk_wbuf_init(&w, wire, sizeof(wire));
        FUZZ_CHECK(dk_opt_encode(&w, &opts[i]) == 0);
        FUZZ_CHECK(w.len == 4u + opts[i].len);
        FUZZ_CHECK(off + w.len <= n && memcmp(wire, p + off, w.len) == 0);
        off += w.len;

        dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
        err = dk_opt_to_json(&w, &opts[i]);
        FUZZ_CHECK(err == 0 || err == DK_ENOSPC);
        if (err == 0)
            FUZZ_CHECK(json_check(out, w.len) < 0 && memchr(out, '\n', w.len) == NULL);
    }
    FUZZ_CHECK(off == n);
    return 0;
}
