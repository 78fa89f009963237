/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_LISTENERS_H
#define DHCPKIT_SERVER_LISTENERS_H

/*
 * Parent side of the listeners: from the config and the interfaces that
 * exist right now, which sockets should be open (a plan), and opening one.
 * The plan is recomputed on every interface or address change and on reload;
 * sockets whose key (kind, address, interface index) is still planned are
 * kept, so neither a reload nor a new VLAN drops a packet on the others.
 */

#include <stdbool.h>
#include <stddef.h>

#include <dhcpkit/config.h>
#include <dhcpkit/wire.h>

#include "ipc.h"
#include "netlink.h"

/* One planned socket. */
struct dk_lspec {
    struct dk_ipc_listener meta; /* id, generation and has_fd are left 0 */
    const char *file;            /* where the config asked for it */
    unsigned line;
};

struct dk_lplan {
    struct dk_lspec *v;
    size_t n, cap;
};

/* Computes the sockets root asks for, given st. Interfaces and addresses that
 * do not exist (yet) plan nothing. Returns 0 or -1 (out of memory). */
int dk__listeners_plan(const struct dk_config_section *root, const struct dk_netstate *st,
                       struct dk_lplan *out);
void dk__lplan_clear(struct dk_lplan *p);

/* Same socket: the same kind, bound address and interface. */
bool dk__lspec_same_socket(const struct dk_ipc_listener *a, const struct dk_ipc_listener *b);
/* Same socket and the same metadata. */
bool dk__lspec_same(const struct dk_ipc_listener *a, const struct dk_ipc_listener *b);

/* Opens, configures and binds the socket of a listener. Returns the
 * descriptor, or -1 with a message in err. */
int dk__listener_open(const struct dk_ipc_listener *l, char *err, size_t errlen);

/* "ff02::1:2%eth0" or "2001:db8::1" or "fe80::1%eth0", for messages. */
const char *dk__listener_name(const struct dk_ipc_listener *l, char *buf, size_t len);

#endif
