/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The engine's seccomp filter (libseccomp): the system calls an engine may
 * make once it runs, each with the reason it needs it. Anything else (execve,
 * socket, connect, bind, ptrace, mount, setuid, ...) traps: the engine logs
 * which call it was and dies by SIGSYS; the parent logs the death and starts
 * a new engine. A compromised engine, or a plug-in, can then read the files
 * and sockets it already may and nothing more: it cannot start programs, open
 * new network sockets or change identity.
 *
 * The list covers glibc's own needs (malloc, threads, dlopen of plug-ins at
 * reload) and the stores' (SQLite and LMDB readers). A build with the
 * sanitizers adds what their runtimes need (the second table).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "log.h"
#include "sandbox.h"

struct allow {
    const char *name;
    const char *why;
};

static const struct allow allowed[] = {
    /* memory */
    {"brk", "malloc"},
    {"mmap", "malloc, thread stacks, dlopen, LMDB maps, SQLite's -shm"},
    {"munmap", "free, dlclose"},
    {"mremap", "realloc of large blocks"},
    {"mprotect", "thread stack guards, dlopen relocations"},
    {"madvise", "malloc trimming"},
    /* threads */
    {"clone", "pthread_create (older glibc)"},
    {"clone3", "pthread_create"},
    {"set_robust_list", "new threads"},
    {"rseq", "new threads (glibc 2.35+)"},
    {"futex", "mutexes, condition variables, pthread_join"},
    {"exit", "a worker thread ends"},
    {"exit_group", "the engine ends"},
    {"gettid", "logging, sanitizers"},
    {"getpid", "raise() in abort"},
    {"getppid", "noticing that the parent is gone"},
    {"tgkill", "raise(): abort on a broken invariant, SIGSYS after a trap"},
    {"sched_yield", "spinning on a contended lock"},
    {"sched_setscheduler", "the looking glass's writer thread lowers itself to SCHED_IDLE"},
    {"sched_getaffinity", "counting the CPUs for the worker threads"},
    {"prctl", "naming the worker threads"},
    {"set_tid_address", "new threads"},
    /* signals */
    {"rt_sigaction", "installing and resetting handlers"},
    {"rt_sigprocmask", "threads start with signals blocked"},
    {"rt_sigreturn", "returning from a handler"},
    {"restart_syscall", "a sleep interrupted by a signal"},
    /* time */
    {"clock_gettime", "timestamps (when the vDSO is unavailable)"},
    {"gettimeofday", "timestamps (when the vDSO is unavailable)"},
    {"time", "timestamps (when the vDSO is unavailable)"},
    {"clock_nanosleep", "short waits"},
    {"nanosleep", "short waits"},
    /* files: configs, assignment tables, plug-ins at reload */
    {"openat", "assignment files, plug-ins, /sys for the CPU count"},
    {"open", "the same, on architectures that still have it"},
    {"close", "every descriptor"},
    {"read", "files, the IPC channel, eventfds"},
    {"pread64", "SQLite and LMDB readers"},
    {"write", "logs to the parent, eventfds, control replies"},
    {"pwrite64", "SQLite's -shm index"},
    {"writev", "stdio"},
    {"readv", "stdio"},
    {"lseek", "stdio, SQLite"},
    {"fadvise64", "the CSV table tells the kernel it reads its file once, in order"},
    {"newfstatat", "fstat/stat: file sizes, noticing a replaced LMDB file"},
    {"fstat", "the same, older glibc"},
    {"stat", "the same, older glibc"},
    {"lstat", "SQLite's path checks"},
    {"statx", "the same, newer glibc"},
    {"fstatfs", "SQLite's file system checks"},
    {"access", "SQLite looks for -wal and -journal files"},
    {"faccessat", "the same, newer glibc"},
    {"faccessat2", "the same, newer glibc"},
    {"readlink", "dlopen, SQLite's path resolution"},
    {"getcwd", "SQLite's path resolution"},
    {"fcntl", "descriptor flags, SQLite's POSIX locks"},
    {"flock", "SQLite's locks on some file systems"},
    {"ftruncate", "SQLite's -shm index"},
    {"fsync", "SQLite (read-only connections do not, but a checkpoint may)"},
    {"fdatasync", "the same"},
    {"unlink", "SQLite removes its -shm when the last reader goes"},
    {"getrandom", "hash seeds, SQLite, jitter"},
    {"uname", "glibc and SQLite start-up"},
    {"sysinfo", "qsort sizes its buffer by the physical memory"},
    {"getuid", "SQLite"},
    {"geteuid", "SQLite"},
    {"getgid", "SQLite"},
    {"getegid", "SQLite"},
    {"fchown", "SQLite keeps its files' owner (a no-op when not root)"},
    {"memfd_create", "sealed buffers to the parent (ipc.c)"},
    {"prlimit64", "glibc queries the stack limit for threads"},
    {"getrlimit", "the same, older glibc"},
    /* sockets handed over by the parent, and the control socket's peers */
    {"recvfrom", "DHCPv6 datagrams; recv on <listen-tcp> connections"},
    {"recvmsg", "DHCPv6 datagrams, descriptors from the parent"},
    {"recvmmsg", "DHCPv6 datagrams in batches"},
    {"sendto", "DHCPv6 replies; send on <listen-tcp> connections"},
    {"sendmsg", "DHCPv6 replies, messages to the parent"},
    {"sendmmsg", "DHCPv6 replies in batches"},
    {"accept4", "control-socket clients, <listen-tcp> connections (bulk leasequery)"},
    {"shutdown", "closing a control-socket client"},
    {"getsockopt", "the peer credentials of control clients, SO_RXQ_OVFL"},
    {"setsockopt", "buffer sizes of handed-over sockets"},
    {"getsockname", "which address a listener has"},
    {"ioctl", "FIONREAD on sockets, isatty in stdio"},
    /* waiting */
    {"poll", "the engine's main loop"},
    {"ppoll", "the same, newer glibc"},
    {"epoll_create1", "worker threads' and the TCP thread's event loops"},
    {"epoll_ctl", "the same"},
    {"epoll_wait", "the same"},
    {"epoll_pwait", "the same, newer glibc"},
    {"eventfd2", "waking worker threads"},
    {"pipe2", "waking worker threads (fallback)"},
    {"dup", "stdio"},
    {"dup3", "stdio"},
};

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define DK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define DK_SANITIZED 1
#endif
#endif

#ifdef DK_SANITIZED
/* The sanitizer runtimes: LeakSanitizer stops the world with a tracer
 * thread at exit; reports read /proc and may start llvm-symbolizer (which
 * stays forbidden: reports are then unsymbolised, still printed). */
static const struct allow sanitizer_allowed[] = {
    {"ptrace", "LeakSanitizer's tracer attaches to the engine's threads"},
    {"wait4", "LeakSanitizer waits for its tracer"},
    {"getdents64", "LeakSanitizer lists /proc/self/task"},
    {"sigaltstack", "sanitizer signal stacks"},
    {"kill", "sanitizer reports"},
    {"mincore", "sanitizer stack walks"},
    {"process_vm_readv", "sanitizer stack walks"},
    {"readlinkat", "sanitizer start-up"},
    {"dup2", "sanitizer reports"},
    {"pipe", "sanitizer reports"},
    {"rt_sigtimedwait", "LeakSanitizer"},
    {"sched_setaffinity", "LeakSanitizer"},
    {"getdents", "LeakSanitizer lists /proc/self/task (older kernels' call)"},
};

/* Refused with EPERM rather than trapped: a report would fork
 * llvm-symbolizer; it is printed unsymbolised instead. */
static const struct allow sanitizer_refused[] = {
    {"fork", "llvm-symbolizer for reports"},
    {"vfork", "llvm-symbolizer for reports"},
};
#endif

#ifdef DK_HAVE_VALGRIND
/* Valgrind's core runs inside the filtered process and makes its own calls;
 * without this one the engine dies as it starts under valgrind
 * (scripts/valgrind-check.sh). Only when RUNNING_ON_VALGRIND. */
static const struct allow valgrind_allowed[] = {
    {"rt_sigtimedwait", "valgrind polls for pending signals between guest instructions"},
};
#endif

/* A trapped call: say which, then die by SIGSYS as a kill action would.
 * dk__log formats on the stack and sends one datagram (no locks, no
 * malloc); the process ends right after. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    dk__log(DK_LOG_CRITICAL,
            "engine: system call %d is not allowed by the seccomp filter (scmp_sys_resolver %d "
            "names it; see src/server/sandbox.c); the engine stops",
            si->si_syscall, si->si_syscall);
    /* SA_RESETHAND restored the default action and SA_NODEFER left the
     * signal unblocked: this kills. */
    raise(sig);
    _exit(128 + sig);
}

static int add(scmp_filter_ctx ctx, uint32_t action, const struct allow *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int nr = seccomp_syscall_resolve_name(list[i].name);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not a system call on this architecture */
        int rc = seccomp_rule_add(ctx, action, nr, 0);
        if (rc < 0 && rc != -EEXIST)
            return rc;
    }
    return 0;
}

int dk__sandbox_enter(char *err, size_t errlen)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) < 0) {
        snprintf(err, errlen, "sigaction(SIGSYS): %s", strerror(errno));
        return -1;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
    if (!ctx) {
        snprintf(err, errlen, "seccomp_init failed");
        return -1;
    }
    int rc = add(ctx, SCMP_ACT_ALLOW, allowed, sizeof(allowed) / sizeof(allowed[0]));
#ifdef DK_SANITIZED
    if (rc == 0)
        rc = add(ctx, SCMP_ACT_ALLOW, sanitizer_allowed,
                 sizeof(sanitizer_allowed) / sizeof(sanitizer_allowed[0]));
    if (rc == 0)
        rc = add(ctx, SCMP_ACT_ERRNO(EPERM), sanitizer_refused,
                 sizeof(sanitizer_refused) / sizeof(sanitizer_refused[0]));
#endif
#ifdef DK_HAVE_VALGRIND
    if (rc == 0 && RUNNING_ON_VALGRIND)
        rc = add(ctx, SCMP_ACT_ALLOW, valgrind_allowed,
                 sizeof(valgrind_allowed) / sizeof(valgrind_allowed[0]));
#endif
    /* Threads started later inherit the filter; there are none yet. */
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc < 0) {
        snprintf(err, errlen, "loading the seccomp filter: %s", strerror(-rc));
        return -1;
    }
    return 0;
}
