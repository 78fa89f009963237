/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_LG_LG_H
#define DHCPKIT_LG_LG_H

/* What main.c uses besides the databases: the control socket, the
 * statistics as Prometheus text, access checks, the page's assets. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escape.h"

/* Asks the server at the control socket path for `stats-json` as a
 * read-only peer. Returns the JSON line (malloc'd), or NULL with a reason
 * in err. Gives up after 3 s. */
char *lg_control_stats(const char *path, char *err, size_t errlen);

/* Turns stats-json into the Prometheus text format: every counter as
 * dhcpkit_<key>_total, messages_in/messages_out with type="SOLICIT", the
 * interfaces, subnets, relays and listeners as labels. Bad JSON: nothing
 * more is written for it. Returns the number of samples. */
size_t lg_stats_to_prometheus(const char *json, struct lg_sb *out);

/* Compares two strings in time that depends only on their lengths. */
bool lg_const_eq(const char *a, const char *b);
/* "2001:db8::/32" or an address (/128); 0 or -1. */
int lg_parse_prefix(const char *text, uint8_t addr[16], unsigned *len);
bool lg_in_prefix(const uint8_t a[16], const uint8_t p[16], unsigned len);
/* Reads USER:PASSWORD (the first line) of a file. 0 or -1. */
int lg_read_auth(const char *path, char **user, char **pass);

extern const char lg_asset_js[];
extern const char lg_asset_css[];

#endif
