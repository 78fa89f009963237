/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_SRC_CONFIG_INTERNAL_H
#define DHCPKIT_SRC_CONFIG_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <dhcpkit/config.h>

/* Longest canonical name of a section type or key. */
#define DK__NAME_MAX 64

/* An allocator whose blocks are all released at once with the tree. */
struct dk__pool {
    struct dk__blk *head;
};
void *dk__pool_alloc(struct dk__pool *pool, size_t n); /* zeroed, or NULL */
char *dk__pool_strndup(struct dk__pool *pool, const char *s, size_t n);
void dk__pool_free(struct dk__pool *pool);

/* A section while the tree is being built; pub is what readers see. */
struct dk__node {
    struct dk_config_section pub;
    struct dk_config_setting *settings;
    size_t nsettings, capsettings;
    struct dk__node **children;
    size_t nchildren, capchildren;
    struct dk__node *parent;
    const char *label;  /* how messages name it ("[option Preference]"), or NULL */
    bool required_done; /* required keys already checked (INI mapping) */
    bool bad;           /* an error was reported about it: skip its checks */
};

struct dk_config {
    enum dk_config_syntax syntax;
    const char *name;
    const char *dir; /* folder of name, "" if none */
    struct dk__node *root;
    struct dk__node **nodes;
    size_t nnodes, capnodes;
    size_t nsettings;
    struct dk__pool pool;
};

/* The state of one parse. */
struct dk__ctx {
    struct dk_config *cfg;
    struct dk_config_errors *errs;
    size_t nerr; /* errors found by this parse, stored or not */
    const char *name;
    bool nomem;
    bool too_many_sections, too_many_settings;
};

/* Records "name:line: message". */
void dk__error(struct dk__ctx *ctx, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copies at most 60 characters of s[0..n) into out (80 octets), cut at a
 * character boundary and marked with "..." when cut. */
const char *dk__shorten(const char *s, size_t n, char out[80]);

/* Lower-cases s[0..n) into out (DK__NAME_MAX octets); with ini, '_' becomes
 * '-'. Returns -1 if it does not fit. */
int dk__norm(const char *s, size_t n, char *out, bool ini);

/* --- values (value.c) --- */

/* Parses text[0..n) as type t into out (strings copied into the tree's pool).
 * Returns 0, or -1 with the reason in why. Sets ctx->nomem on allocation
 * failure. */
int dk__value_parse(struct dk__ctx *ctx, const struct dk_config_type *t, const char *text, size_t n,
                    struct dk_config_value *out, char *why, size_t whylen);

/* Converts a domain name to its ASCII form: IDNA labels become xn--
 * (RFC 3492 Punycode), ASCII letters lower case. Returns the length written
 * to out (cap octets, NUL-terminated) or -1 with the reason in why. */
int dk__idna_to_ascii(const char *in, size_t n, char *out, size_t cap, char *why, size_t whylen);

/* --- the tree being built (tree.c) --- */

struct dk__node *dk__node_new(struct dk__ctx *ctx, struct dk__node *parent,
                              const struct dk_config_section_def *def, unsigned line);

/* Parses and sets the argument of node; reports errors. Returns 0 or -1. */
int dk__node_set_arg(struct dk__ctx *ctx, struct dk__node *node, const char *text, size_t n,
                     unsigned line);

/* Adds "key value" as the nested syntax gives it: looks key up in the
 * node's schema and reports unknown keys, bad values and duplicates. */
int dk__node_add_kv(struct dk__ctx *ctx, struct dk__node *node, const char *key, size_t keylen,
                    const char *val, size_t vallen, unsigned line);

/* Adds a value to a known key; label is the key as the user wrote it, for
 * messages. Reports bad values and duplicates. Returns 0 or -1. */
int dk__node_add_value(struct dk__ctx *ctx, struct dk__node *node,
                       const struct dk_config_key_def *kd, const char *label, const char *val,
                       size_t vallen, unsigned line);

/* How a node is named in messages: its label, "<type>", or "the top level". */
const char *dk__node_name(const struct dk__node *node, char out[96]);

/* Number of explicit settings of key kd in node. */
size_t dk__node_count(const struct dk__node *node, const struct dk_config_key_def *kd);

/* Checks required keys of node and its descendants, adds the defaults, runs
 * the schema's checks and publishes the arrays readers see. */
void dk__finish(struct dk__ctx *ctx);

/* --- lines and tokens (tokenizer.c) --- */

struct dk__lines {
    const char *p;
    size_t len, off;
    unsigned lineno;
};
void dk__lines_init(struct dk__lines *l, const char *p, size_t len);

/* The next line, without its end of line and trimmed of blanks on both
 * sides. Returns 1 with *bad set when the line was refused (too long,
 * control character, invalid UTF-8; already reported), 1 for a line, 0 at
 * the end. *indented tells whether the raw line started with a blank. */
int dk__next_line(struct dk__ctx *ctx, struct dk__lines *l, const char **line, size_t *len,
                  bool *bad, bool *indented);

static inline bool dk__blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Length of s[0..n) without a comment that starts with one of chars at the
 * start or after a blank, and without trailing blanks. */
size_t dk__strip_comment(const char *s, size_t n, const char *chars);

/* Reads a "quoted string" at s[0] == '"'. Writes the unescaped text to out
 * (n octets suffice), its length to *outlen and the octets used to *used.
 * Returns 0 or -1 if the closing quote is missing. */
int dk__unquote(const char *s, size_t n, char *out, size_t *outlen, size_t *used);

/* --- the two syntaxes --- */
void dk__parse_nested(struct dk__ctx *ctx, const char *buf, size_t len);
void dk__parse_ini(struct dk__ctx *ctx, const char *buf, size_t len);

/* The schema's root and the canonical defaults. */
const struct dk_config_section_def *dk__schema_root(void);

#endif
