/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcpctl: sends one command to a running ipv6-dhcpd over its control
 * socket and prints the answer.
 *
 *   ipv6-dhcpctl [-v] [-c SOCKET] COMMAND
 *   ipv6-dhcpctl [-v] [-c SOCKET] reload --force
 *
 * reload --force sends reload-force: one reload past the guards of the
 * handlers (static-csv's max-removed-percent).
 * Exit status: 0 done; 1 refused (UNKNOWN or ERROR); 3 no connection, or no
 * answer within 10 seconds; 64 usage.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define EXIT_REFUSED 1
#define EXIT_NOCONN  3
#define EXIT_USAGE   64
#define TIMEOUT_MS   10000

static int verbose;

static void usage(void)
{
    fprintf(stderr, "usage: ipv6-dhcpctl [-v] [-c SOCKET] COMMAND\n"
                    "commands: help, stats, stats-json, reload [--force], shutdown, version\n");
    exit(EXIT_USAGE);
}

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Reads one line (without its newline) into line. Returns 1, 0 at end of
 * file, -1 on timeout or error. */
static int read_line(int fd, char *buf, size_t *blen, size_t cap, char *line, size_t lcap,
                     const struct timespec *start)
{
    for (;;) {
        char *nl = memchr(buf, '\n', *blen);
        if (nl) {
            size_t n = (size_t)(nl - buf);
            size_t c = n < lcap - 1 ? n : lcap - 1;
            memcpy(line, buf, c);
            line[c] = '\0';
            memmove(buf, nl + 1, *blen - n - 1);
            *blen -= n + 1;
            return 1;
        }
        if (*blen == cap) { /* a line longer than the buffer: pass it on in parts */
            size_t c = cap < lcap - 1 ? cap : lcap - 1;
            memcpy(line, buf, c);
            line[c] = '\0';
            memmove(buf, buf + c, *blen - c);
            *blen -= c;
            return 1;
        }
        long left = TIMEOUT_MS - elapsed_ms(start);
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return -1;
        ssize_t r = read(fd, buf + *blen, cap - *blen);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        *blen += (size_t)r;
    }
}

static void append(char **body, size_t *len, size_t *cap, const char *line)
{
    size_t n = strlen(line);
    if (*len + n + 2 > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n + 2)
            c *= 2;
        char *p = realloc(*body, c);
        if (!p) {
            fprintf(stderr, "ipv6-dhcpctl: out of memory\n");
            exit(EXIT_REFUSED);
        }
        *body = p;
        *cap = c;
    }
    memcpy(*body + *len, line, n);
    (*body)[*len + n] = '\n';
    (*body)[*len + n + 1] = '\0';
    *len += n + 1;
}

int main(int argc, char **argv)
{
    const char *path = "/var/run/ipv6-dhcpd.sock";
    int ch;
    /* '+': options end at the command (reload --force is the command's) */
    while ((ch = getopt(argc, argv, "+vc:h")) != -1) {
        switch (ch) {
        case 'v':
            verbose++;
            break;
        case 'c':
            path = optarg;
            break;
        default:
            usage();
        }
    }
    const char *command = optind < argc ? argv[optind] : "";
    if (argc - optind == 2 && strcmp(command, "reload") == 0 &&
        strcmp(argv[optind + 1], "--force") == 0)
        command = "reload-force";
    else if (argc - optind != 1)
        usage();
    if (!*command || strlen(command) > 200 || strpbrk(command, "\r\n"))
        usage();

    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sun.sun_path)) {
        fprintf(stderr, "ipv6-dhcpctl: socket path too long: %s\n", path);
        return EXIT_USAGE;
    }
    strcpy(sun.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        fprintf(stderr, "ipv6-dhcpctl: cannot connect to %s: %s\n", path, strerror(errno));
        return EXIT_NOCONN;
    }
    struct timeval tv = {.tv_sec = TIMEOUT_MS / 1000};
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    static char buf[65536], line[65536];
    size_t blen = 0;
    int rc = read_line(fd, buf, &blen, sizeof(buf), line, sizeof(line), &start);
    if (rc <= 0) {
        fprintf(stderr, "ipv6-dhcpctl: no greeting from %s\n", path);
        return EXIT_NOCONN;
    }
    if (verbose)
        fprintf(stderr, "< %s\n", line);
    if (strncmp(line, "ERROR:", 6) == 0) {
        fprintf(stderr, "ipv6-dhcpctl: %s\n", line + 6 + (line[6] == ' '));
        return EXIT_REFUSED;
    }
    if (strncmp(line, "DHCPKit ", 8) != 0) {
        fprintf(stderr, "ipv6-dhcpctl: %s does not look like a DHCPKit server\n", path);
        return EXIT_NOCONN;
    }

    char out[256];
    int n = snprintf(out, sizeof(out), "%s\n", command);
    if (verbose)
        fprintf(stderr, "> %s\n", command);
    if (send(fd, out, (size_t)n, MSG_NOSIGNAL) != n) {
        fprintf(stderr, "ipv6-dhcpctl: cannot send to %s: %s\n", path, strerror(errno));
        return EXIT_NOCONN;
    }
    /* The answer: lines, then OK, OK: text, UNKNOWN or ERROR: text. The
     * lines go to standard output when the command succeeded and to
     * standard error (the errors of a refused reload) when not. */
    clock_gettime(CLOCK_MONOTONIC, &start);
    int status;
    char *body = NULL, why[512] = "";
    const size_t why_max = sizeof(why) - 1;
    size_t blen_out = 0, bcap = 0;
    for (;;) {
        rc = read_line(fd, buf, &blen, sizeof(buf), line, sizeof(line), &start);
        if (rc < 0) {
            fprintf(stderr, "ipv6-dhcpctl: no answer from the server within %d s\n",
                    TIMEOUT_MS / 1000);
            return EXIT_NOCONN;
        }
        if (rc == 0) {
            fprintf(stderr, "ipv6-dhcpctl: the server closed the connection\n");
            return EXIT_NOCONN;
        }
        if (verbose)
            fprintf(stderr, "< %s\n", line);
        if (strcmp(line, "OK") == 0) {
            status = 0;
            break;
        }
        if (strncmp(line, "OK:", 3) == 0) {
            status = 0;
            append(&body, &blen_out, &bcap, line + 3 + (line[3] == ' '));
            break;
        }
        if (strcmp(line, "UNKNOWN") == 0) {
            snprintf(why, sizeof(why), "the server does not know '%s'", command);
            status = EXIT_REFUSED;
            break;
        }
        if (strncmp(line, "ERROR:", 6) == 0) {
            snprintf(why, sizeof(why), "%.*s", (int)why_max, line + 6 + (line[6] == ' '));
            status = EXIT_REFUSED;
            break;
        }
        append(&body, &blen_out, &bcap, line);
    }
    if (body)
        fputs(body, status == 0 ? stdout : stderr);
    if (status != 0)
        fprintf(stderr, "ipv6-dhcpctl: %s\n", why);
    free(body);
    /* Sign off politely; the answer to quit does not matter. */
    (void)send(fd, "quit\n", 5, MSG_NOSIGNAL);
    close(fd);
    if (fflush(stdout) != 0)
        return EXIT_REFUSED;
    return status;
}
