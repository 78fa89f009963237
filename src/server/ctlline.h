/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_CTLLINE_H
#define DHCPKIT_SERVER_CTLLINE_H

#include <stddef.h>

/* The longest command line of the control socket, in octets. */
#define DK_CTL_MAX_LINE 256

/*
 * Takes the first complete line out of the input buffer in[0..*inlen) of a
 * control connection: its command, without white space and in lower case,
 * goes to cmd (at least DK_CTL_MAX_LINE + 1 octets, NUL-terminated, at most
 * DK_CTL_MAX_LINE octets kept), and the line and its newline are removed
 * from in. Returns 1 with a command (empty for a blank line), 0 when no
 * complete line is there yet, -1 when DK_CTL_MAX_LINE octets or more wait
 * without a newline (no command is that long). *linelen (may be NULL) gets
 * the length of the line as sent.
 */
int dk__ctl_next_line(char *in, size_t *inlen, char *cmd, size_t *linelen);

#endif
