/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: decode -> encode -> decode -> encode. When the first decode
 * succeeds, the encoding (made from the typed fields, not the received
 * bytes) must equal the input byte for byte, the second decode must succeed
 * and the second encoding must equal the first.
 */
#include <string.h>

#include <dhcpkit/message.h>

#include "fuzz.h"

#define ARENA_SIZE (512u * 1024u)
#define WIRE_SIZE  (128u * 1024u)

static _Alignas(max_align_t) uint8_t arena1[ARENA_SIZE];
static _Alignas(max_align_t) uint8_t arena2[ARENA_SIZE];
static uint8_t wire1[WIRE_SIZE];
static uint8_t wire2[WIRE_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dk_arena a1, a2;
    struct dk_msg *m1, *m2;
    struct dk_wbuf w1, w2;
    dk_arena_init(&a1, arena1, sizeof(arena1));
    dk_arena_init(&a2, arena2, sizeof(arena2));

    if (dk_msg_decode(data, size, &a1, &m1, NULL))
        return 0;
    dk_wbuf_init(&w1, wire1, sizeof(wire1));
    FUZZ_CHECK(dk_msg_encode(&w1, m1) == 0);
    FUZZ_CHECK(w1.len == size && memcmp(wire1, data, size) == 0);

    FUZZ_CHECK(dk_msg_decode(wire1, w1.len, &a2, &m2, NULL) == 0);
    dk_wbuf_init(&w2, wire2, sizeof(wire2));
    FUZZ_CHECK(dk_msg_encode(&w2, m2) == 0);
    FUZZ_CHECK(w2.len == w1.len && memcmp(wire2, wire1, w1.len) == 0);

    /* Encoding into a buffer one octet short fails with DK_ENOSPC. */
    if (size > 0) {
        dk_wbuf_init(&w2, wire2, size - 1);
        FUZZ_CHECK(dk_msg_encode(&w2, m1) == DK_ENOSPC);
    }
    return 0;
}
