/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dropping root for good, without libcap: raw capset and prctl. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "privdrop.h"

static int lookup_group(const char *name, gid_t *gid)
{
    struct group gr, *res = NULL;
    char buf[16384];
    if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
        return -1;
    *gid = res->gr_gid;
    return 0;
}

static const struct dk_config_setting *setting(const struct dk_config_section *root,
                                               const char *key)
{
    for (size_t i = 0; i < root->nsettings; i++)
        if (strcmp(root->settings[i].key, key) == 0)
            return &root->settings[i];
    return NULL;
}

/* "file:line: " of a key, or "file: " for a default. */
static void where(const struct dk_config_section *root, const char *key, char *out, size_t len)
{
    const struct dk_config_setting *s = setting(root, key);
    if (s && s->line)
        snprintf(out, len, "%s:%u: ", root->file, s->line);
    else
        snprintf(out, len, "%s: ", root->file);
}

int dk__ids_resolve(const struct dk_config_section *root, struct dk_ids *ids, char *err,
                    size_t errlen)
{
    char at[512];
    struct passwd pw, *res = NULL;
    char buf[16384];
    const struct dk_config_value *user = dk_config_get(root, "user");
    const struct dk_config_value *group = dk_config_get(root, "group");
    const char *uname = user ? user->v.s : "nobody";

    memset(ids, 0, sizeof(*ids));
    if (getpwnam_r(uname, &pw, buf, sizeof(buf), &res) != 0 || !res) {
        where(root, "user", at, sizeof(at));
        snprintf(err, errlen, "%sno such user: %s", at, uname);
        return -1;
    }
    snprintf(ids->user, sizeof(ids->user), "%s", uname);
    ids->uid = res->pw_uid;
    ids->gid = res->pw_gid;
    if (group && lookup_group(group->v.s, &ids->gid) < 0) {
        where(root, "group", at, sizeof(at));
        snprintf(err, errlen, "%sno such group: %s", at, group->v.s);
        return -1;
    }
    const struct dk_config_value *cu = dk_config_get(root, "control-socket-user");
    if (cu) {
        if (getpwnam_r(cu->v.s, &pw, buf, sizeof(buf), &res) != 0 || !res) {
            where(root, "control-socket-user", at, sizeof(at));
            snprintf(err, errlen, "%sno such user: %s", at, cu->v.s);
            return -1;
        }
        ids->has_control_uid = true;
        ids->control_uid = res->pw_uid;
    }
    const struct dk_config_value *cg = dk_config_get(root, "control-socket-group");
    if (cg) {
        if (lookup_group(cg->v.s, &ids->control_gid) < 0) {
            where(root, "control-socket-group", at, sizeof(at));
            snprintf(err, errlen, "%sno such group: %s", at, cg->v.s);
            return -1;
        }
        ids->has_control_gid = true;
    }
    const struct dk_config_value *rg = dk_config_get(root, "control-socket-readonly-group");
    if (rg) {
        if (lookup_group(rg->v.s, &ids->readonly_gid) < 0) {
            where(root, "control-socket-readonly-group", at, sizeof(at));
            snprintf(err, errlen, "%sno such group: %s", at, rg->v.s);
            return -1;
        }
        ids->has_readonly_gid = true;
    }
    return 0;
}

static int last_cap(void)
{
    int n = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f) {
        if (fscanf(f, "%d", &n) != 1)
            n = CAP_LAST_CAP;
        fclose(f);
    }
    return n;
}

int dk__privdrop(uid_t uid, gid_t gid, char *err, size_t errlen)
{
    const char *what;

    /* The bounding set needs CAP_SETPCAP, so it goes while we are root. */
    what = "PR_CAPBSET_DROP";
    for (int c = 0; c <= last_cap(); c++)
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            goto fail;
    what = "PR_CAP_AMBIENT_CLEAR_ALL";
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        goto fail;
    what = "setgroups";
    if (setgroups(0, NULL) < 0)
        goto fail;
    what = "setresgid";
    if (setresgid(gid, gid, gid) < 0)
        goto fail;
    what = "setresuid";
    if (setresuid(uid, uid, uid) < 0)
        goto fail;
    /* Leaving uid 0 cleared the permitted and effective sets; clear the
     * inheritable one too (a no-op for root's usual empty set). */
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof(data));
    what = "capset";
    if (syscall(SYS_capset, &hdr, data) < 0)
        goto fail;
    what = "PR_SET_NO_NEW_PRIVS";
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        goto fail;

    /* Check that it held. */
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid ||
        getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid) {
        snprintf(err, errlen, "ids did not change");
        return -1;
    }
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        snprintf(err, errlen, "could regain root");
        return -1;
    }
    return 0;
fail:
    snprintf(err, errlen, "%s: %s", what, strerror(errno));
    return -1;
}
