/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SERVER_IPC_H
#define DHCPKIT_SERVER_IPC_H

/*
 * Messages between the privileged parent and the engine over a
 * SOCK_SEQPACKET socketpair, in the manner of OpenBSD's imsg: a fixed header,
 * a bounded payload, at most one descriptor (SCM_RIGHTS). Large payloads (a
 * config file, the interface table, error lists) travel in a sealed memfd.
 * Each side checks every message it receives for size and type: the parent
 * trusts nothing the engine says.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <net/if.h>

/* The largest payload carried inline. */
#define DK_IPC_MAX 16384

enum dk_ipc_type {
    /* parent -> engine */
    DK_IPC_CONFIG = 1,    /* struct dk_ipc_config + memfd with the config text */
    DK_IPC_LISTENER,      /* struct dk_ipc_listener [+ the socket, when new] */
    DK_IPC_LISTENER_DEL,  /* id: the listener id (immediate) */
    DK_IPC_IFTABLE,       /* memfd with struct dk_ipc_iftable + entries */
    DK_IPC_COMMIT,        /* id: generation; build and swap */
    DK_IPC_CONTROL,       /* struct dk_ipc_control [+ the listening control socket] */
    DK_IPC_RELOAD_RESULT, /* id: token; struct dk_ipc_result [+ memfd with the text] */
    DK_IPC_STOP,          /* finish the packets in hand and exit */
    DK_IPC_LOGLEVEL,      /* id: the lowest level the parent writes anywhere */
    /* engine -> parent */
    DK_IPC_COMMIT_RESULT = 64, /* id: generation; struct dk_ipc_result [+ memfd] */
    DK_IPC_RELOAD_REQ,         /* id: token to answer with DK_IPC_RELOAD_RESULT */
    DK_IPC_SHUTDOWN_REQ,
};

struct dk_ipc_hdr {
    uint32_t type;
    uint32_t id;
    uint32_t len; /* of the payload after the header */
    uint32_t pad;
};

struct dk_ipc_msg {
    struct dk_ipc_hdr hdr;
    uint8_t data[DK_IPC_MAX];
    int fd; /* the descriptor that came with it, or -1; the receiver owns it */
};

struct dk_ipc_config {
    uint32_t generation;
    uint32_t syntax;   /* enum dk_config_syntax */
    int32_t log_level; /* the lowest level the parent writes anywhere */
    uint32_t duid_len;
    uint8_t duid[130];
    char name[4096]; /* the file name, for messages and relative paths */
};

/* What a listener is; the parent decides, the engine uses. */
enum dk_listener_kind {
    DK_LISTEN_INTERFACE = 1, /* ff02::1:2 on one interface */
    DK_LISTEN_UNICAST = 2,   /* one unicast address */
    DK_LISTEN_TCP = 3,       /* bulk leasequery connections (RFC 5460 §5.2) */
};

/* What a TCP listener allows (only with DK_LISTEN_TCP; zero otherwise). */
#define DK_TCP_MAX_ALLOW 16
struct dk_ipc_tcp {
    uint32_t max_connections;
    uint32_t idle_timeout; /* seconds */
    uint32_t nallow;       /* 0: everyone */
    struct {
        struct in6_addr prefix;
        uint8_t len;
        uint8_t pad[3];
    } allow[DK_TCP_MAX_ALLOW];
};

struct dk_ipc_listener {
    uint32_t id;
    uint32_t generation; /* 0: applies now; otherwise with DK_IPC_COMMIT of it */
    uint32_t kind;       /* enum dk_listener_kind */
    uint32_t ifindex;    /* of the interface (0 for a global unicast address) */
    char ifname[IF_NAMESIZE];
    struct in6_addr addr;         /* bound address */
    struct in6_addr reply_from;   /* source of replies (:: for the kernel's choice) */
    struct in6_addr link_address; /* link of direct clients (:: if none) */
    uint8_t listen_to_self;
    uint8_t has_fd; /* the socket comes with this message */
    uint8_t pad[2];
    struct dk_ipc_tcp tcp;
};

struct dk_ipc_control {
    uint32_t server_uid, server_gid;
    uint32_t control_uid;  /* (uint32_t)-1: none */
    uint32_t control_gid;  /* (uint32_t)-1: none */
    uint32_t readonly_gid; /* (uint32_t)-1: none */
    uint8_t has_fd;
    uint8_t pad[3];
};

/* The optional payload of DK_IPC_RELOAD_REQ and DK_IPC_COMMIT (none: no
 * flags). */
struct dk_ipc_reload {
    uint32_t flags;
};
#define DK_IPC_RELOAD_FORCE 1u /* past the guards (ipv6-dhcpctl reload --force) */

struct dk_ipc_result {
    uint32_t ok;
    uint32_t text_len; /* of the text in the memfd (0: none) */
};

/* The interface table the parent learns from rtnetlink, for the engine:
 * names of interfaces, their global addresses (link address of direct
 * clients) and every address of the host (listen-to-self). */
struct dk_ipc_iftable {
    uint32_t nifs;
    uint32_t naddrs;
    /* then nifs struct dk_ipc_if, then naddrs struct dk_ipc_addr */
};

struct dk_ipc_if {
    uint32_t index;
    char name[IF_NAMESIZE];
    struct in6_addr link_address; /* first global address, or :: */
};

struct dk_ipc_addr {
    struct in6_addr addr;
    uint32_t ifindex;
};

/* The flags of a DK_IPC_RELOAD_REQ or DK_IPC_COMMIT message. */
static inline uint32_t dk__ipc_reload_flags(const struct dk_ipc_msg *m)
{
    struct dk_ipc_reload r = {0};
    if (m->hdr.len == sizeof(r))
        memcpy(&r, m->data, sizeof(r));
    return r.flags & DK_IPC_RELOAD_FORCE;
}

/* Sends one message with an optional descriptor (fd < 0: none). Blocks at
 * most a few seconds. Returns 0 or -1 with errno set. */
int dk__ipc_send(int sock, uint32_t type, uint32_t id, const void *p, size_t len, int fd);

/* Receives one message; m->fd is -1 or a descriptor the caller owns.
 * Returns 1, 0 at end of file, or -1 with errno set (EAGAIN when the socket
 * is non-blocking and empty; EBADMSG for a malformed message, which has
 * been consumed). */
int dk__ipc_recv(int sock, struct dk_ipc_msg *m);

/* A sealed, read-only memfd holding p[0..len), or -1. */
int dk__memfd_from(const char *name, const void *p, size_t len);

/* Reads at most max octets of a memfd into a new NUL-terminated buffer
 * (*len gets the size). Returns NULL on error or if it is larger than max. */
char *dk__memfd_read(int fd, size_t max, size_t *len);

#endif
