/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the control socket's command line splitting
 * (src/server/ctlline.c), fed as control.c feeds it: the input arrives in
 * reads of at most 64 octets into a 1024-octet buffer, and complete lines
 * are taken out after each read. The first octet sets the read sizes.
 *
 * Checks: a command is at most DK_CTL_MAX_LINE octets, NUL-terminated, with
 * no white space and no upper case; taking a line out removes exactly that
 * line and its newline and keeps what follows byte for byte; a buffer
 * without a newline is refused once it holds DK_CTL_MAX_LINE octets; the
 * commands, concatenated, are the input with its white space removed and
 * lowered (lines are cut only where they are too long).
 */
#include <ctype.h>
#include <string.h>

#include "ctlline.h"
#include "fuzz.h"

#define INBUF 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t chunk = (size_t)(data[0] % 64) + 1;
    data++;
    size--;

    char in[INBUF], copy[INBUF];
    size_t inlen = 0, pos = 0;
    while (pos < size) {
        if (inlen == sizeof(in))
            return 0; /* control.c closes the connection */
        size_t room = sizeof(in) - inlen, n = size - pos;
        if (n > chunk)
            n = chunk;
        if (n > room)
            n = room;
        memcpy(in + inlen, data + pos, n);
        inlen += n;
        pos += n;
        for (;;) {
            char cmd[DK_CTL_MAX_LINE + 1];
            size_t before = inlen, len = (size_t)-1;
            memcpy(copy, in, inlen);
            memset(cmd, 0x55, sizeof(cmd));
            int rc = dk__ctl_next_line(in, &inlen, cmd, &len);
            const char *nl = memchr(copy, '\n', before);
            if (rc <= 0) {
                FUZZ_CHECK(nl == NULL && inlen == before);
                FUZZ_CHECK(rc == (before >= DK_CTL_MAX_LINE ? -1 : 0));
                if (rc < 0)
                    return 0; /* control.c answers UNKNOWN and closes */
                break;
            }
            FUZZ_CHECK(rc == 1 && nl != NULL);
            FUZZ_CHECK(len == (size_t)(nl - copy));
            FUZZ_CHECK(inlen == before - len - 1);
            FUZZ_CHECK(memcmp(in, nl + 1, inlen) == 0);
            size_t clen = strnlen(cmd, sizeof(cmd));
            FUZZ_CHECK(clen <= DK_CTL_MAX_LINE);
            /* The command is the line's first non-space octets, lowered. */
            size_t k = 0;
            for (size_t i = 0; i < len && k < clen; i++) {
                unsigned char ch = (unsigned char)copy[i];
                if (isspace(ch))
                    continue;
                FUZZ_CHECK(cmd[k] == (char)tolower(ch));
                k++;
            }
            FUZZ_CHECK(k == clen);
            for (size_t i = 0; i < clen; i++)
                FUZZ_CHECK(!isspace((unsigned char)cmd[i]) && !isupper((unsigned char)cmd[i]));
        }
    }
    return 0;
}
