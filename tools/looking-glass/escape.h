/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_LG_ESCAPE_H
#define DHCPKIT_LG_ESCAPE_H

/*
 * Output for the looking glass: a growing string and the escaping of
 * everything that came from the wire (or from a database the wire filled)
 * for each context it goes into. Nothing here trusts its input to be UTF-8:
 * an octet that is not part of a valid UTF-8 sequence comes out as U+FFFD in
 * HTML and as \ufffd in JSON.
 */

#include <stdbool.h>
#include <stddef.h>

/* A NUL-ended string that grows; err sticks after a failed allocation (and
 * every later append is a no-op). */
struct lg_sb {
    char *p;
    size_t len, cap;
    bool err;
};

void lg_sb_put(struct lg_sb *b, const char *s, size_t n);
void lg_sb_puts(struct lg_sb *b, const char *s);
void lg_sb_printf(struct lg_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lg_sb_free(struct lg_sb *b);

/* HTML text and double- or single-quoted attribute values: & < > " ' and
 * the backtick as character references, control characters (but tab and
 * newline) and invalid UTF-8 as U+FFFD. n = (size_t)-1: up to the NUL. */
void lg_html(struct lg_sb *b, const char *s, size_t n);
/* A JSON string with its quotes: " \ and control characters escaped, and
 * < > & U+2028 U+2029 as \uXXXX too (so that the text can never close an
 * HTML element or script when it is shown); invalid UTF-8 as \ufffd. */
void lg_json_str(struct lg_sb *b, const char *s, size_t n);
/* JSON text made by dhcpkit's renderer, passed through: < > & become
 * \u003c \u003e \u0026 (they can only be inside strings in valid JSON), and
 * invalid UTF-8 as \ufffd. NULL gives null. */
void lg_json_raw(struct lg_sb *b, const char *json);
/* A URL path segment or query value: everything but A-Z a-z 0-9 - . _ ~ :
 * as %XX. */
void lg_url(struct lg_sb *b, const char *s);
/* A Prometheus label value: \ " and newline escaped, invalid UTF-8 as U+FFFD. */
void lg_prom_label(struct lg_sb *b, const char *s);

/* The length of the valid UTF-8 sequence at s (n octets left), or 0 when the
 * octet at s does not start one (overlong forms, surrogates and values above
 * U+10FFFF are not valid). */
size_t lg_utf8_len(const unsigned char *s, size_t n);

#endif
