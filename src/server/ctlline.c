/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The line splitting of the control socket (control.c), on its own so that
 * it can be fuzzed without a server (tests/fuzz/fuzz_control.c).
 */
#include <ctype.h>
#include <string.h>

#include "ctlline.h"

int dk__ctl_next_line(char *in, size_t *inlen, char *cmd, size_t *linelen)
{
    char *nl = memchr(in, '\n', *inlen);
    if (!nl)
        return *inlen >= DK_CTL_MAX_LINE ? -1 : 0;
    size_t len = (size_t)(nl - in);
    size_t o = 0;
    for (size_t i = 0; i < len && o < DK_CTL_MAX_LINE; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (!isspace(ch))
            cmd[o++] = (char)tolower(ch);
    }
    cmd[o] = '\0';
    memmove(in, nl + 1, *inlen - len - 1);
    *inlen -= len + 1;
    if (linelen)
        *linelen = len;
    return 1;
}
