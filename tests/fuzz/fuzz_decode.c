/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: decode one message with a fixed arena, then validate it and
 * render it as JSON and as text. Checks that a failed decode leaves no tree
 * and a diagnostic with the same error, that validation fails only with
 * DK_ECONTAIN or DK_ECOUNT and a diagnostic to match, that the JSON is valid
 * and that neither rendering contains a newline.
 */
#include <string.h>

#include <dhcpkit/message.h>
#include <dhcpkit/render.h>
#include <dhcpkit/validate.h>

#include "fuzz.h"
#include "jsoncheck.h"

#define ARENA_SIZE  (512u * 1024u)
#define OUTPUT_SIZE (2u * 1024u * 1024u)

static _Alignas(max_align_t) uint8_t arena_mem[ARENA_SIZE];
static char out[OUTPUT_SIZE];
static char small[40];

static void check_rendering(int err, const struct dk_wbuf *w, int json)
{
    FUZZ_CHECK(err == 0 || err == DK_ENOSPC);
    if (err)
        return;
    FUZZ_CHECK(w->len < w->cap && out[w->len] == '\0');
    FUZZ_CHECK(strlen(out) == w->len);
    FUZZ_CHECK(memchr(out, '\n', w->len) == NULL);
    if (json)
        FUZZ_CHECK(json_check(out, w->len) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dk_arena arena;
    struct dk_msg *m = (struct dk_msg *)1;
    struct dk_diag diag;
    char line[512];
    dk_arena_init(&arena, arena_mem, sizeof(arena_mem));

    int err = dk_msg_decode(data, size, &arena, &m, &diag);
    dk_diag_format(&diag, line, sizeof(line));
    FUZZ_CHECK(strlen(line) < sizeof(line) && memchr(line, '\n', strlen(line)) == NULL);
    FUZZ_CHECK(diag.err == err);
    if (err) {
        FUZZ_CHECK(err < 0 && m == NULL);
        FUZZ_CHECK(diag.offset <= size);
        FUZZ_CHECK(diag.npath <= DK_MAX_PATH);
        return 0;
    }
    FUZZ_CHECK(m != NULL);

    err = dk_msg_validate(m, &diag);
    FUZZ_CHECK(err == 0 || err == DK_ECONTAIN || err == DK_ECOUNT);
    if (err) {
        FUZZ_CHECK(diag.err == err && diag.npath <= DK_MAX_PATH);
        dk_diag_format(&diag, line, sizeof(line));
        FUZZ_CHECK(memchr(line, '\n', strlen(line)) == NULL);
    }

    struct dk_wbuf w;
    dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
    check_rendering(dk_msg_to_json(&w, m), &w, 1);
    dk_wbuf_init(&w, (uint8_t *)out, sizeof(out));
    check_rendering(dk_msg_to_text(&w, m), &w, 0);
    /* A small buffer must fail cleanly, never write past its end. */
    dk_wbuf_init(&w, (uint8_t *)small, sizeof(small));
    err = dk_msg_to_json(&w, m);
    FUZZ_CHECK(err == 0 || (err == DK_ENOSPC && w.len <= sizeof(small)));
    return 0;
}
