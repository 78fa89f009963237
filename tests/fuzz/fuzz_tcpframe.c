/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the TCP framing of bulk leasequery (src/server/tcpframe.c),
 * fed as tcp.c feeds it: reads of 1-256 octets (the first input octet sets
 * the size) into a buffer of one frame, whole frames taken out after each
 * read.
 *
 * Checks: a message is a Leasequery of the length its frame says, never 0
 * octets, never past the buffer; a refusal happens only for a length of 0
 * or a first octet that is not Leasequery; "more" only while the frame is
 * incomplete; the messages taken, concatenated with their frames, are the
 * input's prefix byte for byte.
 */
#include <string.h>

#include <dhcpkit/wire.h>

#include "fuzz.h"
#include "tcpframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t in[DK_TCPFRAME_MAX];
    if (size < 1)
        return 0;
    size_t chunk = (size_t)data[0] + 1;
    data++;
    size--;
    size_t inlen = 0, pos = 0, taken = 0;
    while (pos < size) {
        size_t n = size - pos;
        if (n > chunk)
            n = chunk;
        if (n > sizeof(in) - inlen)
            n = sizeof(in) - inlen;
        FUZZ_CHECK(n > 0); /* a whole frame always fits: one is taken out below */
        memcpy(in + inlen, data + pos, n);
        inlen += n;
        pos += n;
        for (;;) {
            size_t mlen;
            const char *why;
            enum dk_tcpframe f = dk__tcpframe_next(in, inlen, &mlen, &why);
            size_t want = inlen >= 2 ? ((size_t)in[0] << 8 | in[1]) : 0;
            if (f == DK_TCPFRAME_BAD) {
                FUZZ_CHECK(why != NULL);
                FUZZ_CHECK(inlen >= 2 && (want == 0 || (inlen > 2 && in[2] != DK_MSG_LEASEQUERY)));
                return 0; /* tcp.c closes the connection */
            }
            if (f == DK_TCPFRAME_MORE) {
                FUZZ_CHECK(inlen < 2 || inlen < 2 + want);
                FUZZ_CHECK(inlen <= 2 || in[2] == DK_MSG_LEASEQUERY);
                break;
            }
            FUZZ_CHECK(f == DK_TCPFRAME_MSG);
            FUZZ_CHECK(mlen == want && mlen > 0 && 2 + mlen <= inlen);
            FUZZ_CHECK(in[2] == DK_MSG_LEASEQUERY);
            FUZZ_CHECK(memcmp(in, data + taken, 2 + mlen) == 0);
            taken += 2 + mlen;
            memmove(in, in + 2 + mlen, inlen - 2 - mlen);
            inlen -= 2 + mlen;
        }
    }
    return 0;
}
