/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The CSV assignment table: a file with a header naming at least id,
 * address and prefix (other columns ignored), loaded whole into an
 * immutable open-addressing hash table over normalised keys (store.h).
 *
 * The delimiter is the first ',', ';' or TAB of the header line; fields
 * follow RFC 4180 (double quotes, "" inside them, line breaks inside them);
 * a UTF-8 byte order mark and CRLF line ends are accepted. Every bad row is
 * reported with its line; the file is refused unless max_bad_rows tolerates
 * them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

#include "internal.h"

/* Larger files are refused rather than read. */
#define CSV_MAX_FILE ((size_t)1 << 30)
/* More rows than this are refused. */
#define CSV_MAX_ROWS ((size_t)1 << 26)
/* Bad rows kept for the report; beyond, they are counted. */
#define CSV_MAX_REASON 160

struct entry {
    uint32_t koff; /* into keys */
    uint32_t klen;
    struct dk_assignment a;
};

struct csv_table {
    struct entry *e;
    size_t n;
    uint8_t *keys;
    uint32_t *slots; /* entry index + 1, 0 empty */
    size_t mask;
};

/* ---- the CSV reader */

struct reader {
    const char *p, *end;
    unsigned line; /* of the next character */
    char delim;
    /* the current record's fields, unescaped into buf */
    char *buf;
    size_t cap;
    size_t off[64], len[64];
    size_t nf;
    bool bad_quote;
};

/* Reads one record. Returns 1, 0 at the end, DK_ENOMEM. */
static int read_record(struct reader *r, unsigned *line)
{
    r->nf = 0;
    r->bad_quote = false;
    if (r->p >= r->end)
        return 0;
    *line = r->line;
    size_t used = 0;
    for (;;) {
        /* one field */
        size_t start = used;
        bool quoted = false;
        if (r->p < r->end && *r->p == '"') {
            quoted = true;
            r->p++;
        }
        for (;;) {
            if (r->p >= r->end)
                break;
            char c = *r->p;
            if (quoted) {
                if (c == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        r->p++;
                    } else {
                        r->p++;
                        quoted = false;
                        continue;
                    }
                } else if (c == '\n') {
                    r->line++;
                }
            } else if (c == r->delim || c == '\n' ||
                       (c == '\r' && (r->p + 1 == r->end || r->p[1] == '\n'))) {
                break;
            } else if (c == '"') {
                r->bad_quote = true;
            }
            if (used + 1 >= r->cap) {
                size_t cap = r->cap ? r->cap * 2 : 256;
                char *b = realloc(r->buf, cap);
                if (!b)
                    return DK_ENOMEM;
                r->buf = b;
                r->cap = cap;
            }
            r->buf[used++] = c;
            r->p++;
        }
        if (quoted)
            r->bad_quote = true; /* unterminated */
        if (r->nf < sizeof(r->off) / sizeof(r->off[0])) {
            r->off[r->nf] = start;
            r->len[r->nf] = used - start;
            r->nf++;
        }
        if (r->p < r->end && *r->p == r->delim) {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->line++;
        }
        return 1;
    }
}

static bool field_is(const struct reader *r, size_t i, const char *name)
{
    size_t n = r->len[i];
    if (n == 0) /* and r->buf is still NULL when no field had an octet */
        return false;
    const char *s = r->buf + r->off[i];
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n != strlen(name))
        return false;
    for (size_t k = 0; k < n; k++)
        if ((s[k] | 0x20) != name[k])
            return false;
    return true;
}

/* ---- loading */

struct row {
    unsigned line;
    uint32_t koff, klen;
    struct dk_assignment a;
    const char *bad; /* reason, or NULL */
    char why[CSV_MAX_REASON];
};

struct loader {
    struct row *rows;
    size_t n, cap;
    uint8_t *keys;
    size_t klen, kcap;
};

static void row_bad(struct row *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void row_bad(struct row *w, const char *fmt, ...)
{
    if (w->bad)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->why, sizeof(w->why), fmt, ap);
    va_end(ap);
    w->bad = w->why;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool parse_addr(const char *s, size_t n, uint8_t out[16])
{
    char tmp[64];
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    return inet_pton(AF_INET6, tmp, out) == 1;
}

static bool parse_prefix(const char *s, size_t n, uint8_t out[16], uint8_t *plen, bool *hostbits)
{
    const char *slash = memchr(s, '/', n);
    uint32_t len;
    *hostbits = false;
    if (!slash || !parse_addr(s, (size_t)(slash - s), out) ||
        !dk_store_parse_uint(slash + 1, n - (size_t)(slash - s) - 1, 128, &len))
        return false;
    for (unsigned b = len; b < 128; b++)
        if (out[b / 8] & (0x80u >> (b % 8)))
            *hostbits = true;
    *plen = (uint8_t)len;
    return !*hostbits;
}

static uint64_t hash_key(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

/* What the overlap checks sort: a copy, so that qsort needs no context. */
struct sortkey {
    uint8_t a[16];
    uint8_t plen;
    unsigned line;
    uint32_t i;
};

static int cmp_sortkey(const void *x, const void *y)
{
    const struct sortkey *a = x, *b = y;
    int c = memcmp(a->a, b->a, 16);
    if (c)
        return c;
    if (a->plen != b->plen)
        return a->plen < b->plen ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

/* Whether prefix a (shorter or equal) contains b. */
static bool contains(const struct dk_assignment *a, const struct dk_assignment *b)
{
    if (a->prefix_len > b->prefix_len)
        return false;
    for (unsigned i = 0; i < a->prefix_len; i++) {
        uint8_t m = (uint8_t)(0x80u >> (i % 8));
        if ((a->prefix[i / 8] & m) != (b->prefix[i / 8] & m))
            return false;
    }
    return true;
}

static void addr_text(const uint8_t a[16], char *out, size_t n)
{
    if (!inet_ntop(AF_INET6, a, out, (socklen_t)n))
        snprintf(out, n, "?");
}

/* Marks the later of two clashing rows bad. Returns the survivor. */
static uint32_t clash(struct loader *L, uint32_t i, uint32_t j, const char *what)
{
    struct row *a = &L->rows[i], *b = &L->rows[j];
    if (a->line > b->line) {
        struct row *t = a;
        a = b;
        b = t;
    }
    char text[64];
    if (what[0] == 'a') {
        addr_text(b->a.address, text, sizeof(text));
        row_bad(b, "address %s is also assigned on line %u", text, a->line);
    } else {
        addr_text(b->a.prefix, text, sizeof(text));
        row_bad(b, "prefix %s/%u overlaps the prefix on line %u", text, b->a.prefix_len, a->line);
    }
    return (uint32_t)(a - L->rows);
}

static int read_file(const char *path, char **data, size_t *len, struct dk_config_errors *errs)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        dk_config_errors_add(errs, path, 0, "cannot open: %s", strerror(e));
        return DK_EINVAL;
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    int rc = 0;
    while (b) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                dk_config_errors_add(errs, path, 0, "cannot read");
                rc = DK_EINVAL;
            }
            break;
        }
        if (cap >= CSV_MAX_FILE) {
            dk_config_errors_add(errs, path, 0, "larger than %zu octets", CSV_MAX_FILE);
            rc = DK_EINVAL;
            break;
        }
        char *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    fclose(f);
    if (!b)
        return DK_ENOMEM;
    if (rc) {
        free(b);
        return rc;
    }
    *data = b;
    *len = n;
    return 0;
}

static int row_cmp_line(const void *x, const void *y)
{
    const struct row *a = *(struct row *const *)x, *b = *(struct row *const *)y;
    return (a->line > b->line) - (a->line < b->line);
}

static void csv_close(void *store)
{
    struct csv_table *t = store;
    if (!t)
        return;
    free(t->e);
    free(t->keys);
    free(t->slots);
    free(t);
}

/* Parses every row into L; header errors go to errs. */
static int parse_rows(const char *path, struct reader *r, struct loader *L,
                      struct dk_config_errors *errs)
{
    /* The delimiter: the first of , ; TAB on the header line. */
    r->delim = ',';
    for (const char *q = r->p; q < r->end && *q != '\n'; q++)
        if (*q == ',' || *q == ';' || *q == '\t') {
            r->delim = *q;
            break;
        }
    unsigned line;
    int rc = read_record(r, &line);
    if (rc < 0)
        return rc;
    size_t ci = SIZE_MAX, ca = SIZE_MAX, cp = SIZE_MAX;
    for (size_t i = 0; rc == 1 && i < r->nf; i++) {
        if (field_is(r, i, "id") && ci == SIZE_MAX)
            ci = i;
        else if (field_is(r, i, "address") && ca == SIZE_MAX)
            ca = i;
        else if (field_is(r, i, "prefix") && cp == SIZE_MAX)
            cp = i;
    }
    if (rc == 0 || ci == SIZE_MAX || ca == SIZE_MAX || cp == SIZE_MAX) {
        dk_config_errors_add(errs, path, rc ? line : 1,
                             "the header must name the columns id, address and prefix");
        return DK_EINVAL;
    }
    uint8_t *key = malloc(DK_STORE_MAX_KEY);
    if (!key)
        return DK_ENOMEM;
    while ((rc = read_record(r, &line)) == 1) {
        if (r->nf == 1 && r->len[0] == 0)
            continue; /* an empty line */
        if (L->n == L->cap) {
            size_t cap = L->cap ? L->cap * 2 : 1024;
            if (cap > CSV_MAX_ROWS) {
                dk_config_errors_add(errs, path, line, "more than %zu rows", CSV_MAX_ROWS);
                rc = DK_EINVAL;
                break;
            }
            struct row *v = realloc(L->rows, cap * sizeof(*v));
            if (!v) {
                rc = DK_ENOMEM;
                break;
            }
            L->rows = v;
            L->cap = cap;
        }
        struct row *w = &L->rows[L->n++];
        memset(w, 0, sizeof(*w));
        w->line = line;
        if (r->bad_quote)
            row_bad(w, "bad quoting");
        if (r->nf <= ci || r->nf <= ca || r->nf <= cp) {
            row_bad(w, "%zu columns, the header has more", r->nf);
            continue;
        }
        const char *why = NULL;
        size_t kl = dk_store_parse_id(r->buf + r->off[ci], r->len[ci], key, DK_STORE_MAX_KEY, &why);
        if (!kl) {
            size_t n = r->len[ci] > 40 ? 40 : r->len[ci];
            char shown[41];
            for (size_t k = 0; k < n; k++) {
                char c = r->buf[r->off[ci] + k];
                shown[k] = (c >= 0x20 && c < 0x7f) ? c : '?';
            }
            shown[n] = 0;
            row_bad(w, "%s: '%s%s'", why, shown, r->len[ci] > 40 ? "..." : "");
        } else {
            if (L->klen + kl > L->kcap) {
                size_t cap = L->kcap ? L->kcap : 65536;
                while (cap < L->klen + kl)
                    cap *= 2;
                uint8_t *nk = realloc(L->keys, cap);
                if (!nk) {
                    rc = DK_ENOMEM;
                    break;
                }
                L->keys = nk;
                L->kcap = cap;
            }
            memcpy(L->keys + L->klen, key, kl);
            w->koff = (uint32_t)L->klen;
            w->klen = (uint32_t)kl;
            L->klen += kl;
        }
        const char *s = r->buf + r->off[ca];
        size_t n = r->len[ca];
        trim(&s, &n);
        if (n) {
            if (!parse_addr(s, n, w->a.address))
                row_bad(w, "bad address '%.*s'", (int)(n > 60 ? 60 : n), s);
            else
                w->a.has_address = true;
        }
        s = r->buf + r->off[cp];
        n = r->len[cp];
        trim(&s, &n);
        if (n) {
            bool hostbits;
            if (!parse_prefix(s, n, w->a.prefix, &w->a.prefix_len, &hostbits))
                row_bad(w,
                        hostbits ? "bad prefix '%.*s': bits set after the prefix length"
                                 : "bad prefix '%.*s'",
                        (int)(n > 60 ? 60 : n), s);
            else
                w->a.has_prefix = true;
        }
        if (L->klen > UINT32_MAX - DK_STORE_MAX_KEY) {
            dk_config_errors_add(errs, path, line, "too many ids");
            rc = DK_EINVAL;
            break;
        }
    }
    free(key);
    return rc;
}

static int csv_open(const char *path, const struct dk_store_options *opt, void **store,
                    struct dk_store_stats *stats, struct dk_config_errors *errs)
{
    char *data = NULL;
    size_t len = 0;
    struct loader L = {0};
    struct csv_table *t = NULL;
    struct sortkey *idx = NULL;
    struct row **bad = NULL;
    struct reader r = {0};
    *store = NULL;
    int rc = read_file(path, &data, &len, errs);
    if (rc)
        return rc;
    r.p = data;
    r.end = data + len;
    r.line = 1;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        r.p += 3; /* a UTF-8 byte order mark */
    rc = parse_rows(path, &r, &L, errs);
    if (rc < 0)
        goto out;

    /* Duplicate ids: an open-addressing table over the good rows. */
    t = calloc(1, sizeof(*t));
    size_t cap = 16;
    while (cap < L.n * 2)
        cap *= 2;
    if (!t || !(t->slots = calloc(cap, sizeof(*t->slots))) ||
        !(idx = malloc((L.n ? L.n : 1) * sizeof(*idx)))) {
        rc = DK_ENOMEM;
        goto out;
    }
    t->mask = cap - 1;
    for (size_t i = 0; i < L.n; i++) {
        struct row *w = &L.rows[i];
        if (!w->klen)
            continue;
        const uint8_t *k = L.keys + w->koff;
        for (size_t s = hash_key(k, w->klen) & t->mask;; s = (s + 1) & t->mask) {
            if (!t->slots[s]) {
                t->slots[s] = (uint32_t)i + 1;
                break;
            }
            const struct row *o = &L.rows[t->slots[s] - 1];
            if (o->klen == w->klen && memcmp(L.keys + o->koff, k, w->klen) == 0) {
                row_bad(w, "duplicate id, first on line %u", o->line);
                break;
            }
        }
    }
    /* Overlapping addresses and prefixes among rows otherwise good. */
    size_t m = 0;
    for (size_t i = 0; i < L.n; i++)
        if (!L.rows[i].bad && L.rows[i].a.has_address)
            idx[m++] = (struct sortkey){{0}, 128, L.rows[i].line, (uint32_t)i};
    for (size_t i = 0; i < m; i++)
        memcpy(idx[i].a, L.rows[idx[i].i].a.address, 16);
    qsort(idx, m, sizeof(*idx), cmp_sortkey);
    for (size_t i = 1; i < m; i++)
        if (memcmp(idx[i].a, idx[i - 1].a, 16) == 0)
            idx[i].i = clash(&L, idx[i - 1].i, idx[i].i, "address");
    m = 0;
    for (size_t i = 0; i < L.n; i++)
        if (!L.rows[i].bad && L.rows[i].a.has_prefix)
            idx[m++] = (struct sortkey){{0}, L.rows[i].a.prefix_len, L.rows[i].line, (uint32_t)i};
    for (size_t i = 0; i < m; i++)
        memcpy(idx[i].a, L.rows[idx[i].i].a.prefix, 16);
    qsort(idx, m, sizeof(*idx), cmp_sortkey);
    /* Sorted by start then length, prefixes nest or are disjoint: each one
     * need only be checked against the last one not contained in another. */
    for (size_t i = 1, top = 0; i < m; i++) {
        if (contains(&L.rows[idx[top].i].a, &L.rows[idx[i].i].a)) {
            uint32_t keep = clash(&L, idx[top].i, idx[i].i, "prefix");
            if (keep == idx[i].i)
                idx[top].i = idx[i].i; /* the earlier line was the contained one */
        } else {
            top = i;
        }
    }

    /* Report the bad rows in line order. */
    size_t nbad = 0;
    for (size_t i = 0; i < L.n; i++)
        nbad += L.rows[i].bad != NULL;
    if (nbad) {
        bad = malloc(nbad * sizeof(*bad));
        if (!bad) {
            rc = DK_ENOMEM;
            goto out;
        }
        size_t k = 0;
        for (size_t i = 0; i < L.n; i++)
            if (L.rows[i].bad)
                bad[k++] = &L.rows[i];
        qsort(bad, nbad, sizeof(*bad), row_cmp_line);
        bool tolerated = opt && nbad <= opt->max_bad_rows;
        struct dk_config_errors *to = tolerated ? (opt ? opt->skipped : NULL) : errs;
        for (size_t i = 0; i < nbad && to; i++)
            dk_config_errors_add(to, path, bad[i]->line, "%s", bad[i]->bad);
        if (!tolerated) {
            dk_config_errors_add(errs, path, 0, "refused: %zu bad row%s (max-bad-rows %u)", nbad,
                                 nbad == 1 ? "" : "s", opt ? opt->max_bad_rows : 0);
            rc = DK_EINVAL;
            goto out;
        }
    }

    /* The table: the good rows, their keys packed, slots rebuilt. */
    t->n = L.n - nbad;
    t->e = malloc((t->n ? t->n : 1) * sizeof(*t->e));
    t->keys = malloc(L.klen ? L.klen : 1);
    if (!t->e || !t->keys) {
        rc = DK_ENOMEM;
        goto out;
    }
    memset(t->slots, 0, (t->mask + 1) * sizeof(*t->slots));
    size_t ko = 0, ei = 0;
    for (size_t i = 0; i < L.n; i++) {
        const struct row *w = &L.rows[i];
        if (w->bad)
            continue;
        memcpy(t->keys + ko, L.keys + w->koff, w->klen);
        t->e[ei] = (struct entry){(uint32_t)ko, w->klen, w->a};
        for (size_t s = hash_key(t->keys + ko, w->klen) & t->mask;; s = (s + 1) & t->mask)
            if (!t->slots[s]) {
                t->slots[s] = (uint32_t)ei + 1;
                break;
            }
        ko += w->klen;
        ei++;
    }
    if (stats) {
        stats->rows = t->n;
        stats->bad_rows = nbad;
    }
    *store = t;
    t = NULL;
    rc = 0;
out:
    csv_close(t);
    free(bad);
    free(idx);
    free(L.rows);
    free(L.keys);
    free(r.buf);
    free(data);
    return rc;
}

static int csv_lookup(const void *store, const uint8_t *key, size_t keylen,
                      struct dk_assignment *out)
{
    const struct csv_table *t = store;
    if (!t || !t->n)
        return 0;
    for (size_t s = hash_key(key, keylen) & t->mask;; s = (s + 1) & t->mask) {
        uint32_t v = t->slots[s];
        if (!v)
            return 0;
        const struct entry *e = &t->e[v - 1];
        if (e->klen == keylen && memcmp(t->keys + e->koff, key, keylen) == 0) {
            *out = e->a;
            return 1;
        }
    }
}

int dk_store_csv_foreach(const void *table,
                         int (*fn)(void *ctx, const uint8_t *key, size_t keylen,
                                   const struct dk_assignment *a),
                         void *ctx)
{
    const struct csv_table *t = table;
    for (size_t i = 0; t && i < t->n; i++) {
        const struct entry *e = &t->e[i];
        int rc = fn(ctx, t->keys + e->koff, e->klen, &e->a);
        if (rc)
            return rc;
    }
    return 0;
}

const struct dk_store_ops dk_store_csv = {
    .name = "csv",
    .open = csv_open,
    .lookup = csv_lookup,
    .close = csv_close,
};
