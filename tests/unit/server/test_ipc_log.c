/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Messages between the processes (src/server/ipc.c) and log escaping and
 * levels (src/server/log.c). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc.h"
#include "log.h"

static void test_message_with_fd(void **state)
{
    (void)state;
    int sp[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
    int mfd = dk__memfd_from("test", "hello, engine", 13);
    assert_true(mfd >= 0);
    struct dk_ipc_result r = {.ok = 1, .text_len = 13};
    assert_int_equal(dk__ipc_send(sp[0], DK_IPC_COMMIT_RESULT, 42, &r, sizeof(r), mfd), 0);
    close(mfd);

    struct dk_ipc_msg m;
    assert_int_equal(dk__ipc_recv(sp[1], &m), 1);
    assert_int_equal(m.hdr.type, DK_IPC_COMMIT_RESULT);
    assert_int_equal(m.hdr.id, 42);
    assert_int_equal(m.hdr.len, sizeof(r));
    assert_true(m.fd >= 0);
    size_t len;
    char *text = dk__memfd_read(m.fd, 100, &len);
    assert_non_null(text);
    assert_int_equal(len, 13);
    assert_string_equal(text, "hello, engine");
    free(text);
    /* Sealed: nobody can change it any more. */
    assert_int_equal(write(m.fd, "x", 1), -1);
    /* And too large for the limit: refused. */
    assert_null(dk__memfd_read(m.fd, 12, &len));
    close(m.fd);

    /* Without payload or descriptor. */
    assert_int_equal(dk__ipc_send(sp[0], DK_IPC_STOP, 0, NULL, 0, -1), 0);
    assert_int_equal(dk__ipc_recv(sp[1], &m), 1);
    assert_int_equal(m.hdr.type, DK_IPC_STOP);
    assert_int_equal(m.fd, -1);

    /* Too large to send inline. */
    static char big[DK_IPC_MAX + 1];
    assert_int_equal(dk__ipc_send(sp[0], DK_IPC_CONFIG, 1, big, sizeof(big), -1), -1);
    assert_int_equal(errno, EMSGSIZE);

    /* A datagram shorter than a header, or whose length field lies, is
     * consumed and refused. */
    assert_int_equal(send(sp[0], "abc", 3, 0), 3);
    assert_int_equal(dk__ipc_recv(sp[1], &m), -1);
    assert_int_equal(errno, EBADMSG);
    struct dk_ipc_hdr liar = {.type = DK_IPC_STOP, .len = 100};
    assert_int_equal(send(sp[0], &liar, sizeof(liar), 0), (ssize_t)sizeof(liar));
    assert_int_equal(dk__ipc_recv(sp[1], &m), -1);
    assert_int_equal(errno, EBADMSG);

    /* End of file when the other side is gone. */
    close(sp[0]);
    assert_int_equal(dk__ipc_recv(sp[1], &m), 0);
    close(sp[1]);
}

static void test_escape(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(dk__escape("eth0", 4, out, sizeof(out)), "eth0");
    assert_string_equal(dk__escape("a\"b\\c", 5, out, sizeof(out)), "a\\x22b\\x5cc");
    assert_string_equal(dk__escape("\n\x01\xff", 3, out, sizeof(out)), "\\x0a\\x01\\xff");
    /* NUL octets inside are shown, not a cut. */
    assert_string_equal(dk__escape("a\0b", 3, out, sizeof(out)), "a\\x00b");
    /* Cut to the buffer, marked with "...". */
    assert_string_equal(dk__escape("abcdefghij", 10, out, 8), "abcd...");
    assert_string_equal(dk__escape("\x01\x02\x03", 3, out, 9), "\\x01...");
    assert_string_equal(dk__escape("abc", 3, out, 1), "");
}

static void test_levels(void **state)
{
    (void)state;
    assert_int_equal(dk__log_verbosity_level(0), DK_LOG_WARNING);
    assert_int_equal(dk__log_verbosity_level(1), DK_LOG_INFO);
    assert_int_equal(dk__log_verbosity_level(2), DK_LOG_DEBUG);
    assert_int_equal(dk__log_verbosity_level(3), DK_LOG_DEBUG_HANDLING);
    assert_int_equal(dk__log_verbosity_level(9), DK_LOG_DEBUG_PACKETS);
    assert_int_equal(dk__log_level_by_name("debug-packets"), DK_LOG_DEBUG_PACKETS);
    assert_int_equal(dk__log_level_by_name("critical"), DK_LOG_CRITICAL);
    assert_int_equal(dk__log_level_by_name("error"), DK_LOG_ERROR);

    /* The engine side: records go to the socket, at most DK_LOG_MAX octets. */
    int sp[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp), 0);
    dk__log_to_parent(sp[0], DK_LOG_INFO);
    assert_false(dk__log_enabled(DK_LOG_DEBUG));
    dk__log_debug("not sent");
    dk__log_warnx("%s: sent %d", "test", 1);
    char buf[DK_LOG_MAX + 16];
    ssize_t n = recv(sp[1], buf, sizeof(buf), MSG_DONTWAIT);
    assert_int_equal(n, 1 + 12);
    assert_int_equal(buf[0], DK_LOG_WARNING);
    assert_memory_equal(buf + 1, "test: sent 1", 12);
    assert_true(recv(sp[1], buf, sizeof(buf), MSG_DONTWAIT) < 0);
    static char longtext[3 * DK_LOG_MAX];
    memset(longtext, 'x', sizeof(longtext) - 1);
    dk__log_warnx("%s", longtext);
    n = recv(sp[1], buf, sizeof(buf), MSG_DONTWAIT);
    assert_int_equal(n, 1 + DK_LOG_MAX);
    close(sp[0]);
    close(sp[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_with_fd),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
