/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-decode: decodes DHCPv6 messages given as hex, as raw files or
 * found in packet captures, and prints one JSON (or text) line per message.
 * See man/ipv6-dhcp-decode.1.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/message.h>
#include <dhcpkit/render.h>
#include <dhcpkit/validate.h>

#include "capture.h"

#define PROG "ipv6-dhcp-decode"

/* Exit codes: 64 is EX_USAGE of sysexits.h. */
enum { EXIT_VALID = 0, EXIT_INVALID = 1, EXIT_INPUT = 64 };

/* The longest message we read: the most an IPv6 payload length can announce. */
#define MAX_MSG 65535
/* The hungriest 64 KiB messages we know (13100 one-octet messages in Relay
 * Message options, 16382 empty containers) take 4.1 MiB of decoding arena. */
#define ARENA_SIZE   ((size_t)8 << 20)
#define RENDER_START ((size_t)64 << 10)
#define RENDER_MAX   ((size_t)1 << 30)
/* The longest stdin line: the hex of MAX_MSG octets with room for separators. */
#define MAX_LINE ((size_t)1 << 20)

struct run {
    bool text, validate;
    struct dk_arena arena;
    uint8_t *out; /* the render buffer, doubled when too small */
    size_t outcap;
    int status;
    bool stdin_done;
    bool flush; /* flush stdout after each line (reading a stream) */
    const char *capname;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: " PROG " [--text] [--no-validate] [ARG...]\n"
               "\n"
               "Decodes DHCPv6 messages and prints one JSON line per message.\n"
               "Each ARG is a pcap or pcapng capture (DHCPv6 is found on UDP ports 546\n"
               "and 547), a file holding the octets of one message, or the hex of one\n"
               "message (spaces and colons allowed between octets). '-' or no ARG reads\n"
               "hex from standard input, one message per line.\n"
               "\n"
               "  --text         print one line of text per message instead of JSON\n"
               "  --no-validate  only decode; do not check where options may appear\n"
               "  -h, --help     print this help and exit\n"
               "\n"
               "Exit status: 0 every message decoded and valid, 1 some message\n"
               "malformed or invalid, 64 usage or input error.\n");
}

static void set_status(struct run *r, int status)
{
    if (status > r->status)
        r->status = status;
}

/* Writes s as a JSON string; every octet outside printable ASCII is escaped. */
static void json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20 || *c >= 0x7f)
            printf("\\u%04x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

/* One message that could not be decoded or validated: a line on stdout, a line on stderr. */
static void report(struct run *r, const char *label, const struct dk_diag *d)
{
    char line[4096];
    dk_diag_format(d, line, sizeof(line));
    if (r->text) {
        printf("ERROR %s\n", line);
    } else {
        printf("{\"error\": ");
        json_string(d->text[0] ? d->text : dk_strerror(d->err));
        printf(", \"offset\": %zu, \"option_path\": [", d->offset);
        for (size_t i = 0; i < d->npath; i++)
            printf("%s%u", i ? ", " : "", d->path[i]);
        printf("]}\n");
    }
    fflush(stdout); /* keep stdout and stderr in order on a terminal */
    fprintf(stderr, "%s: %s\n", label, line);
    set_status(r, EXIT_INVALID);
}

static void print_msg(struct run *r, const char *label, const struct dk_msg *m)
{
    for (;;) {
        struct dk_wbuf w;
        dk_wbuf_init(&w, r->out, r->outcap);
        int err = r->text ? dk_msg_to_text(&w, m) : dk_msg_to_json(&w, m);
        if (!err) {
            fwrite(w.p, 1, w.len, stdout);
            putchar('\n');
            return;
        }
        uint8_t *bigger = NULL;
        if (err == DK_ENOSPC && r->outcap < RENDER_MAX)
            bigger = realloc(r->out, r->outcap * 2);
        if (!bigger) {
            fprintf(stderr, "%s: cannot render the message: %s\n", label,
                    err == DK_ENOSPC ? "out of memory" : dk_strerror(err));
            set_status(r, EXIT_INPUT);
            return;
        }
        r->out = bigger;
        r->outcap *= 2;
    }
}

/* Decodes, validates and prints one message; label names it in error messages. */
static void message(struct run *r, const char *label, const uint8_t *p, size_t n)
{
    struct dk_msg *m;
    struct dk_diag d;
    memset(&d, 0, sizeof(d));
    dk_arena_reset(&r->arena);
    int err = dk_msg_decode(p, n, &r->arena, &m, &d);
    if (!err && r->validate)
        err = dk_msg_validate(m, &d);
    if (err) {
        if (!d.err)
            d.err = err;
        report(r, label, &d);
    } else {
        print_msg(r, label, m);
    }
    if (r->flush)
        fflush(stdout);
}

static void on_capture_msg(void *ctx, unsigned long frame, const uint8_t *p, size_t n,
                           const char *why, size_t offset)
{
    struct run *r = ctx;
    char label[4096];
    snprintf(label, sizeof(label), "%s frame %lu", r->capname, frame);
    if (why) {
        struct dk_diag d;
        memset(&d, 0, sizeof(d));
        d.err = DK_ETRUNC;
        d.offset = offset;
        snprintf(d.text, sizeof(d.text), "%s", why);
        report(r, label, &d);
        return;
    }
    message(r, label, p, n);
}

static void read_capture(struct run *r, const char *name, FILE *f)
{
    struct reasm_stats st;
    char err[512];
    r->capname = name;
    if (cap_read(f, on_capture_msg, r, &st, err, sizeof(err))) {
        fflush(stdout);
        fprintf(stderr, PROG ": %s: %s\n", name, err);
        set_status(r, EXIT_INPUT);
    }
    if (st.overlapping || st.incomplete || st.bad) {
        fflush(stdout);
        fprintf(stderr,
                PROG ": %s: note: fragmented datagrams skipped: %lu with overlapping or "
                     "inconsistent fragments, %lu incomplete; %lu bad fragments\n",
                name, st.overlapping, st.incomplete, st.bad);
    }
}

/*
 * Reads the first octets of f as far as needed to tell whether it is a
 * capture; returns CAP_YES or CAP_NO and the octets read in peek and *n.
 */
static int sniff(FILE *f, uint8_t peek[CAP_MAGIC_LEN], size_t *n)
{
    int match = CAP_MAYBE;
    *n = 0;
    while (match == CAP_MAYBE && *n < CAP_MAGIC_LEN) {
        int c = getc(f);
        if (c == EOF)
            return CAP_NO;
        peek[(*n)++] = (uint8_t)c;
        match = cap_match(peek, *n);
    }
    return match == CAP_YES ? CAP_YES : CAP_NO;
}

static void read_file(struct run *r, const char *path)
{
    uint8_t peek[CAP_MAGIC_LEN];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        set_status(r, EXIT_INPUT);
        return;
    }
    if (sniff(f, peek, &n) == CAP_YES) {
        FILE *s = cap_unread(f, peek, n);
        if (!s) {
            fclose(f);
            fprintf(stderr, PROG ": %s: out of memory\n", path);
            set_status(r, EXIT_INPUT);
            return;
        }
        read_capture(r, path, s);
        return;
    }
    /* Not a capture: the octets of one message. */
    static uint8_t buf[MAX_MSG + 1];
    memcpy(buf, peek, n);
    n += fread(buf + n, 1, sizeof(buf) - n, f);
    if (ferror(f)) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        set_status(r, EXIT_INPUT);
    } else if (n > MAX_MSG) {
        fprintf(stderr, PROG ": %s: more than %d octets: not one DHCPv6 message or a capture\n",
                path, MAX_MSG);
        set_status(r, EXIT_INPUT);
    } else {
        message(r, path, buf, n);
    }
    fclose(f);
}

static bool is_sep(int c)
{
    return c == ' ' || c == '\t' || c == ':' || c == '\r' || c == '\n';
}

/*
 * Parses the hex of one message: pairs of hex digits, with spaces, tabs or
 * colons allowed between octets. Returns 0 and the octets in out and *n, or -1
 * and the reason in why.
 */
static int parse_hex(const char *s, size_t len, uint8_t *out, size_t cap, size_t *n, char *why,
                     size_t whylen)
{
    *n = 0;
    for (size_t i = 0; i < len;) {
        if (is_sep((unsigned char)s[i])) {
            i++;
            continue;
        }
        int hi = dk_hexval((unsigned char)s[i]);
        int lo = i + 1 < len ? dk_hexval((unsigned char)s[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
            size_t at = hi < 0 ? i : i + 1;
            if (at < len && !is_sep((unsigned char)s[at]))
                snprintf(why, whylen, "'%c' at column %zu is not a hex digit",
                         s[at] >= 0x20 && s[at] < 0x7f ? s[at] : '?', at + 1);
            else
                snprintf(why, whylen, "a lone hex digit at column %zu (octets are 2 digits)",
                         i + 1);
            return -1;
        }
        if (*n == cap) {
            snprintf(why, whylen, "more than %zu octets", cap);
            return -1;
        }
        out[(*n)++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    if (*n == 0) {
        snprintf(why, whylen, "no hex digits");
        return -1;
    }
    return 0;
}

/*
 * Decodes the hex in s (len octets); label names it in messages, what in
 * the complaint about bad hex.
 */
static void hex_message(struct run *r, const char *label, const char *what, const char *s,
                        size_t len)
{
    static uint8_t buf[MAX_MSG];
    char why[128];
    size_t n;
    if (parse_hex(s, len, buf, sizeof(buf), &n, why, sizeof(why))) {
        fflush(stdout);
        fprintf(stderr, PROG ": %s: %s\n", what, why);
        set_status(r, EXIT_INPUT);
        return;
    }
    message(r, label, buf, n);
}

/* Reads hex from standard input, one message per line; or a capture. */
static void read_stdin(struct run *r)
{
    uint8_t peek[CAP_MAGIC_LEN];
    size_t n;
    if (r->stdin_done)
        return;
    r->stdin_done = true;
    r->flush = true;
    if (sniff(stdin, peek, &n) == CAP_YES) {
        FILE *s = cap_unread(stdin, peek, n);
        if (!s) {
            fprintf(stderr, PROG ": <stdin>: out of memory\n");
            set_status(r, EXIT_INPUT);
            return;
        }
        read_capture(r, "<stdin>", s);
        return;
    }

    char *line = malloc(MAX_LINE);
    if (!line) {
        fprintf(stderr, PROG ": <stdin>: out of memory\n");
        set_status(r, EXIT_INPUT);
        return;
    }
    size_t len = 0, used = 0;
    bool toolong = false;
    unsigned long lineno = 1;
    for (;;) {
        int c = used < n ? peek[used++] : getc(stdin);
        if (c != EOF && c != '\n') {
            if (len < MAX_LINE)
                line[len++] = (char)c;
            else
                toolong = true;
            continue;
        }
        char label[64];
        snprintf(label, sizeof(label), "<stdin> line %lu", lineno);
        size_t k = 0;
        while (k < len && is_sep((unsigned char)line[k]) && line[k] != ':')
            k++;
        if (toolong) {
            fflush(stdout);
            fprintf(stderr, PROG ": %s: longer than %zu characters\n", label, MAX_LINE);
            set_status(r, EXIT_INPUT);
        } else if (k < len) { /* blank lines are skipped */
            char what[96];
            snprintf(what, sizeof(what), "%s: bad hex", label);
            hex_message(r, label, what, line, len);
        }
        if (c == EOF)
            break;
        len = 0;
        toolong = false;
        lineno++;
    }
    if (ferror(stdin)) {
        fprintf(stderr, PROG ": <stdin>: %s\n", strerror(errno));
        set_status(r, EXIT_INPUT);
    }
    free(line);
    r->flush = false;
}

static void read_arg(struct run *r, const char *arg, int index)
{
    struct stat st;
    if (strcmp(arg, "-") == 0) {
        read_stdin(r);
        return;
    }
    if (stat(arg, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, PROG ": %s: is a directory\n", arg);
            set_status(r, EXIT_INPUT);
            return;
        }
        read_file(r, arg);
        return;
    }
    int saved = errno;
    char label[64];
    snprintf(label, sizeof(label), "argument %d", index);
    if (saved != ENOENT && saved != ENOTDIR && saved != ENAMETOOLONG) {
        fprintf(stderr, PROG ": %s: %s\n", arg, strerror(saved));
        set_status(r, EXIT_INPUT);
        return;
    }
    /* The argument, cut at 40 characters (copied: gcc's sanitizer builds
     * misjudge "%.40s" of a pointer as possibly null). */
    char shown[48], what[192];
    size_t len = strlen(arg), k = len > 40 ? 40 : len;
    memcpy(shown, arg, k);
    snprintf(shown + k, sizeof(shown) - k, "%s", len > 40 ? "..." : "");
    snprintf(what, sizeof(what), "%s '%s': no such file, and not hex", label, shown);
    hex_message(r, label, what, arg, len);
}

int main(int argc, char **argv)
{
    struct run r = {.validate = true};
    bool dashdash = false;
    int ninputs = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
            ninputs++;
        } else if (strcmp(a, "--") == 0) {
            dashdash = true;
        } else if (strcmp(a, "--text") == 0) {
            r.text = true;
        } else if (strcmp(a, "--no-validate") == 0) {
            r.validate = false;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_VALID;
        } else {
            fprintf(stderr, PROG ": unknown option '%s'\n", a);
            usage(stderr);
            return EXIT_INPUT;
        }
    }

    void *mem = malloc(ARENA_SIZE);
    r.outcap = RENDER_START;
    r.out = malloc(r.outcap);
    if (!mem || !r.out) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_INPUT;
    }
    dk_arena_init(&r.arena, mem, ARENA_SIZE);

    if (ninputs == 0)
        read_stdin(&r);
    dashdash = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!dashdash && strcmp(a, "--") == 0)
            dashdash = true;
        else if (dashdash || a[0] != '-' || strcmp(a, "-") == 0)
            read_arg(&r, a, i);
    }

    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, PROG ": writing the output: %s\n", strerror(errno));
        set_status(&r, EXIT_INPUT);
    }
    free(r.out);
    free(mem);
    return r.status;
}
