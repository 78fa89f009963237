/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_PRIVDROP_H
#define DHCPKIT_SERVER_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <dhcpkit/config.h>

/* Who the engine runs as, and who may use the control socket. */
struct dk_ids {
    char user[256];
    uid_t uid;
    gid_t gid;
    bool has_control_uid, has_control_gid, has_readonly_gid;
    uid_t control_uid;
    gid_t control_gid;
    gid_t readonly_gid;
};

/* Looks up user, group, control-socket-user, control-socket-group and
 * control-socket-readonly-group of root. Returns 0, or -1 with a
 * "file:line: message" in err. */
int dk__ids_resolve(const struct dk_config_section *root, struct dk_ids *ids, char *err,
                    size_t errlen);

/*
 * Becomes uid:gid for good: no supplementary groups, real, effective and
 * saved ids changed, every capability dropped (bounding set included),
 * no_new_privs set. Verifies that root cannot be regained. Returns 0, or -1
 * with a message in err. Call it in a single-threaded process.
 */
int dk__privdrop(uid_t uid, gid_t gid, char *err, size_t errlen);

#endif
