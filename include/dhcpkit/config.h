/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_CONFIG_H
#define DHCPKIT_CONFIG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dhcpkit/errors.h>

/*
 * The server configuration: two file syntaxes (the nested, Apache-like one of
 * dhcpkit 1.x and the INI one of dhcpkit 0.x) parsed into ONE immutable tree
 * of sections. A section has a type ("listen-interface", "static-csv", ...),
 * an optional argument, ordered key/value settings and ordered child
 * sections. Every value is parsed and range-checked at load time against the
 * schema (one table, dk_config_schema()). A file with any error is refused as
 * a whole: the parser collects every error as "file:line: message" and hands
 * back no tree.
 *
 * Lifetime: a struct dk_config and everything reachable from it (sections,
 * settings, values, strings) lives until dk_config_free(). Nothing in it is
 * ever modified after dk_config_parse_*() returns, so any number of threads
 * may read it at the same time. Reload builds a new one.
 */

/* Bounds that make the parser total on any input. */
#define DK_CONFIG_MAX_LINE     4096     /* octets in one line, without the newline */
#define DK_CONFIG_MAX_DEPTH    32       /* nesting of sections in the nested syntax */
#define DK_CONFIG_MAX_SECTIONS 10000    /* sections in one file */
#define DK_CONFIG_MAX_SETTINGS 100000   /* key/value settings in one file */
#define DK_CONFIG_MAX_ERRORS   100      /* errors stored; more are only counted */
#define DK_CONFIG_MAX_FILE     16777216 /* octets read by dk_config_parse_file() */

/* What one <map-e>/<map-t> may hold, so that its container fits a reply. */
#define DK_CONFIG_MAP_MAX_RULES 64 /* <map-rule> sections */
#define DK_CONFIG_MAP_MAX_BRS   16 /* br-address values */

/* The value that DHCPv6 calls infinity (RFC 8415 §7.7), stored for INFINITY. */
#define DK_CONFIG_INFINITY 0xffffffffu

/* The syntax of a file. AUTO: INI when the first line that is not blank or a
 * comment starts with '[', nested otherwise. */
enum dk_config_syntax {
    DK_CONFIG_AUTO = 0,
    DK_CONFIG_NESTED = 1,
    DK_CONFIG_INI = 2,
};

/* ---------------------------------------------------------------------------
 * Errors
 */

/* One error. file is owned by the list; line 0 means the file as a whole. */
struct dk_config_error {
    char *file;
    unsigned line;
    char *message;
};

/* A list of errors that the caller owns. Parsers append to it, so one list may
 * collect the errors of several files. At most DK_CONFIG_MAX_ERRORS are
 * stored; the rest are counted in dropped. */
struct dk_config_errors {
    struct dk_config_error *v;
    size_t n, cap;
    size_t dropped;
};

/* Initialises an empty list (caller's storage). */
void dk_config_errors_init(struct dk_config_errors *errs);

/* Releases what the list holds and leaves it empty. */
void dk_config_errors_clear(struct dk_config_errors *errs);

/* Appends "file:line: message" (file NULL: "(config)"), for the parsers and
 * for whatever checks a tree further (the pipeline, the daemon). Beyond
 * DK_CONFIG_MAX_ERRORS errors are only counted. Returns 0, or DK_ENOMEM when
 * the error could not be stored (it is counted in dropped). */
int dk_config_errors_add(struct dk_config_errors *errs, const char *file, unsigned line,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int dk_config_errors_addv(struct dk_config_errors *errs, const char *file, unsigned line,
                          const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Writes "file:line: message" (or "file: message" for line 0) into buf,
 * truncated to len and NUL-terminated. Returns the length it wanted. */
int dk_config_error_format(const struct dk_config_error *e, char *buf, size_t len);

/* Prints every error, one "file:line: message" per line, and a last line
 * telling how many were dropped, if any. */
void dk_config_errors_print(const struct dk_config_errors *errs, FILE *out);

/* ---------------------------------------------------------------------------
 * The schema: which sections exist, where they may appear, their keys
 */

/* Value types of keys and section arguments. */
enum dk_config_vtype {
    DK_CFG_STRING,    /* any text */
    DK_CFG_IFNAME,    /* an interface name: 1..15 octets, no '/' or blank */
    DK_CFG_PATH,      /* a file name; v.s is resolved against the config folder */
    DK_CFG_BOOL,      /* yes/no, true/false, on/off, 1/0 */
    DK_CFG_UINT,      /* decimal, range-checked */
    DK_CFG_TIME,      /* seconds, suffix s/m/h/d/w, or INFINITY where allowed */
    DK_CFG_DECIMAL,   /* a non-negative decimal fraction, e.g. 10.0 */
    DK_CFG_FACTOR,    /* a decimal fraction from 0 to 1, or NONE */
    DK_CFG_BYTESIZE,  /* octets, suffix kb/mb/gb (1024-based) */
    DK_CFG_IPV6,      /* an IPv6 address */
    DK_CFG_PREFIX,    /* an IPv6 prefix addr/len without host bits */
    DK_CFG_DOMAIN,    /* a domain name; stored in wire form, IDNA labels as xn-- */
    DK_CFG_HEX,       /* octets in hex, optionally separated by ':' */
    DK_CFG_ENUM,      /* one of a list of words */
    DK_CFG_TIMESTAMP, /* YYYY-MM-DDTHH:MM:SSZ, from 2000-01-01 (DUID-LLT epoch) */
    DK_CFG_CODE_HEX,  /* "CODE HEX": an option code and its data */
    DK_CFG_PREFIX4,   /* an IPv4 prefix a.b.c.d/len without host bits; v.prefix, addr[0..4) */
};

/* Extra checks on DK_CFG_IPV6 values. */
#define DK_CFG_CHK_UNICAST   0x1u /* not :: and not multicast */
#define DK_CFG_CHK_MULTICAST 0x2u /* ff00::/8 */
#define DK_CFG_CHK_LINKLOCAL 0x4u /* fe80::/10 */
/* Extra check on DK_CFG_UINT values. */
#define DK_CFG_CHK_POW2 0x8u /* a power of two */

/* A value type with its constraints. */
struct dk_config_type {
    enum dk_config_vtype vtype;
    /* UINT, TIME, BYTESIZE: the inclusive range. HEX: length range in octets.
     * STRING, PATH: maximum length (0: DK_CONFIG_MAX_LINE). */
    uint64_t min, max;
    double dmin, dmax;        /* DECIMAL */
    unsigned check;           /* DK_CFG_CHK_* for IPV6, DK_CFG_CHK_POW2 for UINT */
    const char *const *words; /* special words accepted instead of a value
                                 ("INFINITY", "*", "all"...), NULL-terminated */
    const char *const *enums; /* ENUM: "name" or "alias=name", NULL-terminated */
};

/* Key flags. */
#define DK_CFG_MULTI    0x1u /* may repeat; values are kept in order */
#define DK_CFG_REQUIRED 0x2u /* must be given (at least once) */
#define DK_CFG_ONE_OF   0x4u /* at least one of the keys with this flag */

/* A key of a section type. */
struct dk_config_key_def {
    const char *name; /* canonical, lower case with '-' */
    struct dk_config_type type;
    unsigned flags;
    /* The default as text, used when the key is not given, or NULL for none
     * (the consumer decides, e.g. workers = number of CPUs). def_ini is the
     * default of dhcpkit 0.x for files in the INI syntax, when it differs. */
    const char *def_nested;
    const char *def_ini;
    const char *help;
};

/* Where a section may appear (where) and what it may contain (contains). */
#define DK_CFG_AT_TOP     0x1u  /* at the top level */
#define DK_CFG_IN_FILTER  0x2u  /* inside a filter section */
#define DK_CFG_IN_LOGGING 0x4u  /* inside <logging> */
#define DK_CFG_IN_MAP     0x8u  /* inside <map-e> or <map-t> */
#define DK_CFG_IN_LQ      0x10u /* inside <leasequery> */

/* Kinds of section, for the consumer. */
enum dk_config_kind {
    DK_CFG_KIND_ROOT,
    DK_CFG_KIND_SETTINGS,    /* logging, statistics, duid-*, unanswered-* */
    DK_CFG_KIND_LOG_HANDLER, /* console, file, syslog */
    DK_CFG_KIND_LISTENER,
    DK_CFG_KIND_FILTER,
    DK_CFG_KIND_HANDLER,
};

/* Section flags (0x1 was "known but refused": every section is served). */
#define DK_CFG_FREE_KEYS 0x2u /* any key, as a string, may repeat (plugin) */

/* Whether a section takes an argument. */
enum dk_config_argkind {
    DK_CFG_ARG_NONE,
    DK_CFG_ARG_OPTIONAL,
    DK_CFG_ARG_REQUIRED,
};

struct dk_config_section;

/* A section type. */
struct dk_config_section_def {
    const char *name; /* canonical, lower case with '-'; "" for the root */
    enum dk_config_kind kind;
    unsigned where;    /* DK_CFG_AT_TOP | ... */
    unsigned contains; /* DK_CFG_* context it gives its children, 0: none */
    unsigned flags;    /* DK_CFG_FREE_KEYS */
    const char *once;  /* sections with the same group name may appear once
                          per parent (e.g. the three DUID types), or NULL */
    enum dk_config_argkind argkind;
    struct dk_config_type arg;
    const char *arg_name; /* what the argument is, for messages and docs */
    const struct dk_config_key_def *keys;
    size_t nkeys;
    /* Checks across keys, run on the section with its defaults in place.
     * Returns 0, or -1 with a message in msg (reported at the section's
     * line), or the line (> 0) of the setting at fault to report it there. */
    int (*check)(const struct dk_config_section *s, char *msg, size_t len);
    const char *help;
};

/* All section types, the root first. */
const struct dk_config_section_def *dk_config_schema(size_t *count);

/* The section type called name (canonical spelling), or NULL. */
const struct dk_config_section_def *dk_config_schema_find(const char *name);

/* The key of def called name (canonical spelling), or NULL. */
const struct dk_config_key_def *dk_config_key_find(const struct dk_config_section_def *def,
                                                   const char *name);

/* ---------------------------------------------------------------------------
 * The tree
 */

/* A parsed value: the text as written and the typed value. */
struct dk_config_value {
    enum dk_config_vtype type;
    const char *text; /* as written, without quotes */
    const char *word; /* the special word it was (canonical spelling), or NULL;
                         then only TIME (u = DK_CONFIG_INFINITY) has a typed
                         value */
    union {
        bool b;           /* BOOL */
        uint64_t u;       /* UINT, TIME (seconds), BYTESIZE */
        double d;         /* DECIMAL, FACTOR */
        int64_t t;        /* TIMESTAMP: seconds since 1970-01-01 UTC */
        const char *s;    /* STRING, IFNAME, PATH (resolved), ENUM (canonical) */
        uint8_t addr[16]; /* IPV6 */
        struct {
            uint8_t addr[16];
            uint8_t len;
        } prefix; /* PREFIX; PREFIX4 (the address in addr[0..4)) */
        struct {
            const uint8_t *p;
            size_t len;
        } bytes; /* HEX, DOMAIN (uncompressed wire form) */
        struct {
            uint16_t code;
            const uint8_t *p;
            size_t len;
        } opt; /* CODE_HEX */
    } v;
};

/*
 * Values parsed outside a config file, by the same rules as the file's
 * (plug-in keys, which the file keeps as text). The values and their strings
 * live until dk_config_values_free(). dir resolves relative DK_CFG_PATH
 * values ("" or NULL: left as written).
 */
struct dk_config_values;
struct dk_config_values *dk_config_values_new(const char *dir);
void dk_config_values_free(struct dk_config_values *vals);
/* Parses text as type t into out. Returns 0, or -1 with the reason in why. */
int dk_config_value_parse(struct dk_config_values *vals, const struct dk_config_type *t,
                          const char *text, struct dk_config_value *out, char *why, size_t whylen);

/* A key/value setting. Defaults of the schema are in the tree too, as
 * settings with is_default set and line 0, after the explicit ones. */
struct dk_config_setting {
    const struct dk_config_key_def *def; /* NULL for DK_CFG_FREE_KEYS sections */
    const char *key;                     /* canonical */
    unsigned line;
    bool is_default;
    struct dk_config_value value;
};

/* A section. The root has def->name "" and no argument. */
struct dk_config_section {
    const struct dk_config_section_def *def;
    const char *type; /* == def->name */
    const char *file;
    unsigned line; /* of its opening tag or [header]; 0 if implied */
    bool has_arg;
    struct dk_config_value arg;
    const struct dk_config_setting *settings;
    size_t nsettings;
    const struct dk_config_section *const *children;
    size_t nchildren;
    const struct dk_config_section *parent; /* NULL for the root */
};

struct dk_config;

/*
 * Parses a configuration of len octets at buf, named name in messages (and
 * used to resolve relative paths: they are relative to name's folder). syntax
 * may be DK_CONFIG_AUTO. On success *out is a new tree (free it with
 * dk_config_free()) and 0 is returned. Otherwise *out is NULL, every error
 * found is appended to errs, and DK_EINVAL (the file has errors) or
 * DK_ENOMEM is returned. buf need not be NUL-terminated and may hold any
 * octets. errs may be NULL.
 */
DK_MUST_CHECK int dk_config_parse_buffer(const char *name, const char *buf, size_t len,
                                         enum dk_config_syntax syntax, struct dk_config **out,
                                         struct dk_config_errors *errs);

/* Reads the file at path (at most DK_CONFIG_MAX_FILE octets) and parses it
 * like dk_config_parse_buffer(). A file that cannot be read is an error at
 * line 0. */
DK_MUST_CHECK int dk_config_parse_file(const char *path, enum dk_config_syntax syntax,
                                       struct dk_config **out, struct dk_config_errors *errs);

/* Releases a tree. dk_config_free(NULL) is a no-op. */
void dk_config_free(struct dk_config *cfg);

/* The root section, the syntax the file was in (never AUTO), its name. */
const struct dk_config_section *dk_config_root(const struct dk_config *cfg);
enum dk_config_syntax dk_config_syntax(const struct dk_config *cfg);
const char *dk_config_name(const struct dk_config *cfg);

/* The first value of key in s (given or default), or NULL. */
const struct dk_config_value *dk_config_get(const struct dk_config_section *s, const char *key);

/* How many values key has in s, and the n-th of them (or NULL). */
size_t dk_config_count(const struct dk_config_section *s, const char *key);
const struct dk_config_value *dk_config_nth(const struct dk_config_section *s, const char *key,
                                            size_t n);

/* Whether two values are the same typed value (the text may differ). */
bool dk_config_value_equal(const struct dk_config_value *a, const struct dk_config_value *b);

/*
 * Compares two trees by meaning: the same sections in the same order, with
 * equal arguments and, for every key, the same effective values (given or
 * default) in the same order. The syntax, file names, line numbers, texts and
 * whether a value was given or defaulted are not compared. Returns 0 when
 * equal; otherwise 1, with the first difference described in why (may be
 * NULL).
 */
int dk_config_diff(const struct dk_config *a, const struct dk_config *b, char *why, size_t len);

/* dk_config_diff() == 0. */
bool dk_config_equal(const struct dk_config *a, const struct dk_config *b);

/* ---------------------------------------------------------------------------
 * printconf
 */

/* Also print the settings that are defaults. */
#define DK_CONFIG_PRINT_DEFAULTS 0x1u

/*
 * Prints the tree in the nested syntax. The output parses back to an equal
 * tree (dk_config_diff() == 0). A tree read from an INI file gets the 0.x
 * defaults that differ from the nested ones printed explicitly, so that its
 * meaning survives the change of syntax. Returns 0, or DK_ENOSPC if writing
 * failed.
 */
DK_MUST_CHECK int dk_config_print(const struct dk_config *cfg, FILE *out, unsigned flags);

#endif
