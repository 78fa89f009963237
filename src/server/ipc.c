/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Framed messages with descriptors between the parent and the engine. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipc.h"

int dk__ipc_send(int sock, uint32_t type, uint32_t id, const void *p, size_t len, int fd)
{
    struct dk_ipc_hdr h = {.type = type, .id = id, .len = (uint32_t)len};
    struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)(uintptr_t)p, len}};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } cm;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};

    if (len > DK_IPC_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    if (fd >= 0) {
        memset(&cm, 0, sizeof(cm));
        msg.msg_control = cm.buf;
        msg.msg_controllen = sizeof(cm.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    for (;;) {
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

int dk__ipc_recv(int sock, struct dk_ipc_msg *m)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * 4)];
    } cm;
    struct iovec iov[2] = {{&m->hdr, sizeof(m->hdr)}, {m->data, sizeof(m->data)}};
    struct msghdr msg = {
        .msg_iov = iov, .msg_iovlen = 2, .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf)};
    ssize_t n;

    m->fd = -1;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    /* Take every descriptor that came, keep at most one. */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < nfd; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (m->fd < 0)
                m->fd = fd;
            else
                close(fd);
        }
    }
    if ((size_t)n < sizeof(m->hdr) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
        m->hdr.len != (size_t)n - sizeof(m->hdr)) {
        if (m->fd >= 0)
            close(m->fd);
        m->fd = -1;
        errno = EBADMSG;
        return -1;
    }
    return 1;
}

int dk__memfd_from(const char *name, const void *p, size_t len)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    const uint8_t *s = p;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, s + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        off += (size_t)n;
    }
    (void)fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    return fd;
}

char *dk__memfd_read(int fd, size_t max, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_size < 0 || (uint64_t)st.st_size > max)
        return NULL;
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    size_t off = 0;
    while (off < n) {
        ssize_t r = pread(fd, buf + off, n - off, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(buf);
            return NULL;
        }
        off += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
