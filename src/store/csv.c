/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The CSV table: a file with a header naming at least id, address and
 * prefix (other columns ignored), loaded whole into an immutable
 * open-addressing hash table over normalised keys (store.h).
 *
 * The delimiter is the first ',', ';' or TAB of the header line; fields
 * follow RFC 4180 (double quotes, "" inside them, line breaks inside them);
 * a UTF-8 byte order mark and CRLF line ends are accepted. Every bad row is
 * reported with its line; the file is refused unless max_bad_rows tolerates
 * them.
 *
 * Size: a table of a million rows must load in well under a second and fit
 * beside the previous one during a reload. So the file is streamed through
 * a small buffer (never held whole), unquoted fields are not copied, and
 * each row becomes one packed record appended to a single buffer that *is*
 * the final table (nothing is copied at the end):
 *
 *     flags (1) | key length (1 or 3) | key | address (9 or 16) | prefix (1 + plen/8)
 *
 * An address whose upper 64 bits are one of the first 255 distinct ones
 * (the links of the table) is stored as a dictionary index and its lower 64
 * bits; a prefix is stored as its length and the octets that hold it. The
 * hash slots hold record offsets and 32 bits of the key's hash, so that a
 * probe rarely touches a record that is not the one. Only bad rows keep
 * their line and reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

#include "internal.h"

/* Larger files are refused rather than read. */
#define CSV_MAX_FILE ((size_t)1 << 30)
/* More rows than this are refused. */
#define CSV_MAX_ROWS ((size_t)1 << 26)
/* The longest reason of a bad row. */
#define CSV_MAX_REASON 160
/* The read buffer; it grows only for a longer record. */
#define CSV_CHUNK ((size_t)1 << 20)
/* Upper halves of addresses kept in the dictionary (index 255: none). */
#define CSV_DICT 255

/* Record flags. */
#define R_ADDR   0x01u /* an address follows */
#define R_PREFIX 0x02u /* a prefix follows */
#define R_DICT   0x04u /* the address is a dictionary index + 8 octets */
#define R_BAD    0x80u /* refused (only while loading) */

struct csv_table {
    uint8_t *rec; /* the records, packed; R_BAD ones are skipped */
    size_t reclen, reccap;
    size_t n;        /* good records */
    uint64_t *slots; /* hash << 32 | (record offset + 1); 0 empty */
    size_t nslots;   /* at most 3/4 full */
    uint8_t dict[CSV_DICT][8];
    size_t ndict;
};

/* ---- large buffers: mapped directly, so that they grow without copying
 * (mremap), come back to the system when freed whatever malloc's
 * thresholds are, and may use huge pages (fewer page faults). */

static size_t page_round(size_t n)
{
    return (n + 4095) & ~(size_t)4095;
}

static void *big_alloc(size_t n)
{
    void *p = mmap(NULL, page_round(n), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (n >= ((size_t)4 << 20))
        (void)madvise(p, page_round(n), MADV_HUGEPAGE);
#endif
    return p;
}

/* Resizes a buffer of big_alloc (NULL: allocates). NULL when out of memory;
 * the old buffer is then untouched. */
static void *big_resize(void *p, size_t old, size_t n)
{
    if (!p)
        return big_alloc(n);
    if (page_round(old) == page_round(n))
        return p;
    void *q = mremap(p, page_round(old), page_round(n), MREMAP_MAYMOVE);
    if (q == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (n >= ((size_t)4 << 20))
        (void)madvise(q, page_round(n), MADV_HUGEPAGE);
#endif
    return q;
}

static void big_free(void *p, size_t n)
{
    if (p)
        munmap(p, page_round(n));
}

/* ---- records */

/* A decoded record: the key points into the table. */
struct rview {
    uint8_t flags;
    const uint8_t *key;
    size_t klen;
    struct dk_assignment a;
};

static size_t rec_keyhdr(const uint8_t *r, size_t *klen)
{
    if (r[1] < 0x80) {
        *klen = r[1];
        return 2;
    }
    *klen = ((size_t)(r[1] & 0x7f) << 16) | ((size_t)r[2] << 8) | r[3];
    return 4;
}

/* The length of the record at r. */
static size_t rec_len(const uint8_t *r)
{
    size_t klen, o = rec_keyhdr(r, &klen);
    o += klen;
    if (r[0] & R_ADDR)
        o += r[0] & R_DICT ? 9 : 16;
    if (r[0] & R_PREFIX)
        o += 1 + ((size_t)r[o] + 7) / 8;
    return o;
}

static void rec_decode(const struct csv_table *t, const uint8_t *r, struct rview *v)
{
    v->flags = r[0];
    size_t o = rec_keyhdr(r, &v->klen);
    v->key = r + o;
    o += v->klen;
    memset(&v->a, 0, sizeof(v->a));
    if (v->flags & R_ADDR) {
        v->a.has_address = true;
        if (v->flags & R_DICT) {
            memcpy(v->a.address, t->dict[r[o]], 8);
            memcpy(v->a.address + 8, r + o + 1, 8);
            o += 9;
        } else {
            memcpy(v->a.address, r + o, 16);
            o += 16;
        }
    }
    if (v->flags & R_PREFIX) {
        v->a.has_prefix = true;
        v->a.prefix_len = r[o];
        memcpy(v->a.prefix, r + o + 1, ((size_t)r[o] + 7) / 8);
    }
}

/* 64 bits at a time; the same function for loading and looking up. */
static uint64_t hash_key(const uint8_t *p, size_t n)
{
    const uint64_t m = 0x9e3779b97f4a7c15ull;
    uint64_t h = 0x243f6a8885a308d3ull ^ (n * m);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * m;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * m;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

/* ---- the CSV reader: fields are views into the file, or into buf for
 * quoted ones (unescaped there). */

#define MAX_FIELDS 64

struct reader {
    const char *p, *end;
    unsigned line; /* of the next character */
    char delim;
    bool stop[256]; /* the characters an unquoted field stops at: delim, CR, LF, '"' */
    char *buf; /* quoted fields of the current record */
    size_t cap, used;
    const char *f[MAX_FIELDS];
    size_t len[MAX_FIELDS];
    size_t boff[MAX_FIELDS]; /* SIZE_MAX: f points into the file */
    size_t nf;
    bool bad_quote;
};

static int put(struct reader *r, char c)
{
    if (r->used + 1 >= r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        char *b = realloc(r->buf, cap);
        if (!b)
            return DK_ENOMEM;
        r->buf = b;
        r->cap = cap;
    }
    r->buf[r->used++] = c;
    return 0;
}

/* Whether c ends an unquoted field at q. */
static inline bool field_end(const struct reader *r, const char *q)
{
    char c = *q;
    return c == r->delim || c == '\n' || (c == '\r' && (q + 1 == r->end || q[1] == '\n'));
}

/* Reads one record. Returns 1, 0 at the end, DK_ENOMEM. */
static int read_record(struct reader *r, unsigned *line)
{
    r->nf = 0;
    r->used = 0;
    r->bad_quote = false;
    if (r->p >= r->end)
        return 0;
    *line = r->line;
    for (;;) {
        const char *start = r->p;
        size_t flen, boff = SIZE_MAX;
        if (r->p < r->end && *r->p == '"') {
            /* Quoted: unescaped into buf, up to the end of the field. */
            boff = r->used;
            bool quoted = true;
            r->p++;
            while (r->p < r->end) {
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
                } else if (field_end(r, r->p)) {
                    break;
                } else if (c == '"') {
                    r->bad_quote = true;
                }
                if (put(r, c) < 0)
                    return DK_ENOMEM;
                r->p++;
            }
            if (quoted)
                r->bad_quote = true; /* unterminated */
            flen = r->used - boff;
        } else {
            const char *q = r->p;
            for (;;) {
                while (q < r->end && !r->stop[(unsigned char)*q])
                    q++;
                if (q == r->end || field_end(r, q))
                    break;
                if (*q == '"')
                    r->bad_quote = true;
                q++; /* a quote, or a CR not ending the line: part of the field */
            }
            r->p = q;
            flen = (size_t)(q - start);
        }
        if (r->nf < MAX_FIELDS) {
            r->f[r->nf] = start;
            r->len[r->nf] = flen;
            r->boff[r->nf] = boff;
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
        /* buf may have moved while the record grew. */
        for (size_t i = 0; i < r->nf; i++)
            if (r->boff[i] != SIZE_MAX)
                r->f[i] = r->buf ? r->buf + r->boff[i] : ""; /* "" quoted: no buf yet */
        return 1;
    }
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool field_is(const struct reader *r, size_t i, const char *name)
{
    const char *s = r->f[i];
    size_t n = r->len[i];
    trim(&s, &n);
    if (n != strlen(name))
        return false;
    for (size_t k = 0; k < n; k++)
        if ((s[k] | 0x20) != name[k])
            return false;
    return true;
}

/* The file, read through a buffer. */
struct input {
    int fd;
    char *buf;
    size_t cap, len;
    size_t total; /* octets read */
    bool eof;
};

/* Keeps the unread part [r->p, r->end) and reads more behind it; the
 * buffer doubles when that part fills it (a record longer than it).
 * Returns 0, DK_EINVAL (in errs) or DK_ENOMEM. */
static int refill(struct input *in, struct reader *r, const char *path,
                  struct dk_config_errors *errs)
{
    size_t keep = in->buf ? (size_t)(r->end - r->p) : 0;
    if (keep && r->p != in->buf)
        memmove(in->buf, r->p, keep);
    if (keep == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : CSV_CHUNK;
        char *b = realloc(in->buf, cap);
        if (!b)
            return DK_ENOMEM;
        in->buf = b;
        in->cap = cap;
    }
    in->len = keep;
    while (in->len < in->cap && !in->eof) {
        ssize_t n = read(in->fd, in->buf + in->len, in->cap - in->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            dk_config_errors_add(errs, path, 0, "cannot read: %s", strerror(errno));
            return DK_EINVAL;
        }
        if (n == 0) {
            in->eof = true;
            break;
        }
        in->len += (size_t)n;
        in->total += (size_t)n;
        if (in->total > CSV_MAX_FILE) {
            dk_config_errors_add(errs, path, 0, "larger than %zu octets", CSV_MAX_FILE);
            return DK_EINVAL;
        }
    }
    r->p = in->buf;
    r->end = in->buf + in->len;
    return 0;
}

/* read_record over the stream: a record that runs into the end of the
 * buffer is read again once more of the file is in. */
static int next_record(struct input *in, struct reader *r, unsigned *line, const char *path,
                       struct dk_config_errors *errs)
{
    for (;;) {
        const char *start = r->p;
        unsigned l0 = r->line;
        int rc = read_record(r, line);
        if (rc < 0 || in->eof || (rc == 1 && r->p < r->end))
            return rc;
        r->p = start;
        r->line = l0;
        if ((rc = refill(in, r, path, errs)) < 0)
            return rc;
    }
}

/* ---- loading */

struct bad {
    unsigned line;
    char *why;
};

struct loader {
    const char *path;
    struct csv_table *t;
    size_t offcap;
    size_t n;        /* records, good and bad */
    uint32_t *offs;  /* of each record, ascending */
    uint32_t *lines; /* of each record */
    struct bad *bad;
    size_t nbad, badcap;
    size_t nrefused;    /* records marked R_BAD after parsing */
    uint8_t dslot[512]; /* dictionary hash: index + 1 */
};

static int add_bad(struct loader *L, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int add_bad(struct loader *L, unsigned line, const char *fmt, ...)
{
    if (L->nbad == L->badcap) {
        size_t cap = L->badcap ? L->badcap * 2 : 16;
        struct bad *v = realloc(L->bad, cap * sizeof(*v));
        if (!v)
            return DK_ENOMEM;
        L->bad = v;
        L->badcap = cap;
    }
    char why[CSV_MAX_REASON];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    char *s = strdup(why);
    if (!s)
        return DK_ENOMEM;
    L->bad[L->nbad++] = (struct bad){line, s};
    return 0;
}

static inline int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* An IPv6 address in the text forms of RFC 4291 §2.2, accepting exactly
 * what inet_pton(3) accepts (tests/unit/store compares the two): hex
 * groups of 1-4 digits, at most one "::". A form with an embedded IPv4
 * address (a '.') goes to inet_pton itself. Twice per row: it is worth
 * not copying, terminating and scanning the text again. */
static bool parse_addr(const char *s, size_t n, uint8_t out[16])
{
    if (n == 0 || n >= 64)
        return false;
    if (memchr(s, '.', n)) {
        char tmp[64];
        memcpy(tmp, s, n);
        tmp[n] = 0;
        return inet_pton(AF_INET6, tmp, out) == 1;
    }
    uint8_t g[16];
    size_t ng = 0, i = 0;
    long gap = -1; /* the group where "::" stands */
    if (s[0] == ':') {
        if (n < 2 || s[1] != ':')
            return false;
        gap = 0;
        i = 2;
    }
    while (i < n) {
        unsigned v = 0, d = 0;
        int h;
        while (i < n && d < 5 && (h = hexv(s[i])) >= 0) {
            v = v << 4 | (unsigned)h;
            d++;
            i++;
        }
        if (d == 0 || d > 4 || ng == 8)
            return false;
        g[2 * ng] = (uint8_t)(v >> 8);
        g[2 * ng + 1] = (uint8_t)v;
        ng++;
        if (i == n)
            break;
        if (s[i++] != ':' || i == n)
            return false; /* not a separator, or a trailing single ':' */
        if (s[i] == ':') {
            if (gap >= 0)
                return false;
            gap = (long)ng;
            i++;
        }
    }
    if (gap < 0) {
        if (ng != 8)
            return false;
        memcpy(out, g, 16);
        return true;
    }
    if (ng > 7)
        return false;
    size_t head = (size_t)gap, tail = ng - head;
    memset(out, 0, 16);
    memcpy(out, g, 2 * head);
    memcpy(out + 16 - 2 * tail, g + 2 * head, 2 * tail);
    return true;
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

static void addr_text(const uint8_t a[16], char *out, size_t n)
{
    if (!inet_ntop(AF_INET6, a, out, (socklen_t)n))
        snprintf(out, n, "?");
}

/* The dictionary index of the upper half of an address, or CSV_DICT. */
static unsigned dict_index(struct loader *L, const uint8_t a[16])
{
    struct csv_table *t = L->t;
    uint64_t h = hash_key(a, 8) & 511;
    for (;; h = (h + 1) & 511) {
        unsigned v = L->dslot[h];
        if (!v)
            break;
        if (memcmp(t->dict[v - 1], a, 8) == 0)
            return v - 1;
    }
    if (t->ndict == CSV_DICT)
        return CSV_DICT;
    memcpy(t->dict[t->ndict], a, 8);
    L->dslot[h] = (uint8_t)++t->ndict;
    return (unsigned)t->ndict - 1;
}

/* Room for one more record of at most need octets. */
static int reserve(struct loader *L, size_t need)
{
    struct csv_table *t = L->t;
    if (t->reclen + need > t->reccap) {
        size_t cap = t->reccap ? t->reccap : (size_t)1 << 20;
        while (cap < t->reclen + need)
            cap *= 2;
        uint8_t *v = big_resize(t->rec, t->reccap, cap);
        if (!v)
            return DK_ENOMEM;
        t->rec = v;
        t->reccap = cap;
    }
    if (L->n == L->offcap) {
        size_t cap = L->offcap ? L->offcap * 2 : 16384, sz = sizeof(uint32_t);
        uint32_t *o = big_resize(L->offs, L->offcap * sz, cap * sz);
        if (!o)
            return DK_ENOMEM;
        L->offs = o;
        uint32_t *l = big_resize(L->lines, L->offcap * sz, cap * sz);
        if (!l) {
            /* offs grew, lines did not: shrink offs back */
            uint32_t *b = big_resize(L->offs, cap * sz, L->offcap * sz);
            if (b)
                L->offs = b;
            return DK_ENOMEM;
        }
        L->lines = l;
        L->offcap = cap;
    }
    return 0;
}

/* Appends a record; a bad one keeps its key only (for duplicate ids). */
static void append(struct loader *L, unsigned line, const uint8_t *key, size_t klen,
                   const struct dk_assignment *a, bool bad)
{
    struct csv_table *t = L->t;
    uint8_t *r = t->rec + t->reclen;
    size_t o;
    r[0] = bad ? R_BAD : 0;
    if (klen < 0x80) {
        r[1] = (uint8_t)klen;
        o = 2;
    } else {
        r[1] = (uint8_t)(0x80 | (klen >> 16));
        r[2] = (uint8_t)(klen >> 8);
        r[3] = (uint8_t)klen;
        o = 4;
    }
    memcpy(r + o, key, klen);
    o += klen;
    if (!bad && a->has_address) {
        unsigned d = dict_index(L, a->address);
        r[0] |= R_ADDR;
        if (d < CSV_DICT) {
            r[0] |= R_DICT;
            r[o] = (uint8_t)d;
            memcpy(r + o + 1, a->address + 8, 8);
            o += 9;
        } else {
            memcpy(r + o, a->address, 16);
            o += 16;
        }
    }
    if (!bad && a->has_prefix) {
        size_t pn = ((size_t)a->prefix_len + 7) / 8;
        r[0] |= R_PREFIX;
        r[o] = a->prefix_len;
        memcpy(r + o + 1, a->prefix, pn);
        o += 1 + pn;
    }
    L->offs[L->n] = (uint32_t)t->reclen;
    L->lines[L->n] = line;
    L->n++;
    t->reclen += o;
}

/* The slot to start probing at, by Lemire's multiply-shift. */
static inline size_t slot_of(const struct csv_table *t, uint64_t h)
{
    return (size_t)(((h >> 32) * (uint64_t)t->nslots) >> 32);
}

static uint64_t rec_hash(const uint8_t *r)
{
    size_t klen, ko = rec_keyhdr(r, &klen);
    return hash_key(r + ko, klen);
}

/* Inserts the record at off, whose key hashes to h, or returns the offset
 * + 1 of the record holding the same key. */
static size_t insert(struct csv_table *t, uint32_t off, uint64_t h)
{
    const uint8_t *r = t->rec + off;
    size_t klen, ko = rec_keyhdr(r, &klen);
    uint64_t tag = h << 32;
    for (size_t s = slot_of(t, h);; s = s + 1 == t->nslots ? 0 : s + 1) {
        uint64_t v = t->slots[s];
        if (!v) {
            t->slots[s] = tag | ((uint64_t)off + 1);
            return 0;
        }
        if ((v & 0xffffffff00000000ull) != tag)
            continue;
        const uint8_t *o = t->rec + (uint32_t)(v - 1);
        size_t olen, oo = rec_keyhdr(o, &olen);
        if (olen == klen && memcmp(o + oo, r + ko, klen) == 0)
            return (uint32_t)v;
    }
}

/* The record index of an offset (a binary search: bad rows only). */
static size_t rec_index(const struct loader *L, uint32_t off)
{
    size_t lo = 0, hi = L->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (L->offs[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Parses every row; header errors go to errs. */
static int parse_rows(struct loader *L, struct reader *r, struct input *in,
                      struct dk_config_errors *errs)
{
    const char *path = L->path;
    struct csv_table *t = L->t;
    int rc = refill(in, r, path, errs);
    if (rc < 0)
        return rc;
    if (r->end - r->p >= 3 && memcmp(r->p, "\xef\xbb\xbf", 3) == 0)
        r->p += 3; /* a UTF-8 byte order mark */
    /* The delimiter: the first of , ; TAB on the header line. */
    r->delim = ',';
    for (const char *q = r->p; q < r->end && *q != '\n'; q++)
        if (*q == ',' || *q == ';' || *q == '\t') {
            r->delim = *q;
            break;
        }
    r->stop[(unsigned char)r->delim] = r->stop['\r'] = r->stop['\n'] = r->stop['"'] = true;
    unsigned line;
    rc = next_record(in, r, &line, path, errs);
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
    size_t rows = 0;
    while ((rc = next_record(in, r, &line, path, errs)) == 1) {
        if (r->nf == 1 && r->len[0] == 0)
            continue; /* an empty line */
        if (++rows > CSV_MAX_ROWS) {
            dk_config_errors_add(errs, path, line, "more than %zu rows", CSV_MAX_ROWS);
            rc = DK_EINVAL;
            break;
        }
        const char *why = NULL;
        char reason[CSV_MAX_REASON];
        reason[0] = 0;
        size_t kl = 0;
        struct dk_assignment a = {0};
#define BAD(...)                                                                                   \
    do {                                                                                           \
        if (!reason[0])                                                                            \
            snprintf(reason, sizeof(reason), __VA_ARGS__);                                         \
    } while (0)
        if (r->bad_quote)
            BAD("bad quoting");
        if (r->nf <= ci || r->nf <= ca || r->nf <= cp) {
            BAD("%zu columns, the header has more", r->nf);
        } else {
            kl = dk_store_parse_id(r->f[ci], r->len[ci], key, DK_STORE_MAX_KEY, &why);
            if (!kl) {
                size_t n = r->len[ci] > 40 ? 40 : r->len[ci];
                char shown[41];
                for (size_t k = 0; k < n; k++) {
                    char c = r->f[ci][k];
                    shown[k] = (c >= 0x20 && c < 0x7f) ? c : '?';
                }
                shown[n] = 0;
                BAD("%s: '%s%s'", why, shown, r->len[ci] > 40 ? "..." : "");
            }
            const char *s = r->f[ca];
            size_t n = r->len[ca];
            trim(&s, &n);
            if (n) {
                if (!parse_addr(s, n, a.address))
                    BAD("bad address '%.*s'", (int)(n > 60 ? 60 : n), s);
                else
                    a.has_address = true;
            }
            s = r->f[cp];
            n = r->len[cp];
            trim(&s, &n);
            if (n) {
                bool hostbits;
                if (!parse_prefix(s, n, a.prefix, &a.prefix_len, &hostbits))
                    BAD(hostbits ? "bad prefix '%.*s': bits set after the prefix length"
                                 : "bad prefix '%.*s'",
                        (int)(n > 60 ? 60 : n), s);
                else
                    a.has_prefix = true;
            }
        }
#undef BAD
        if (kl) {
            /* Even a bad row's id counts for duplicates (insert_all). */
            if ((rc = reserve(L, 4 + kl + 16 + 17)) < 0)
                break;
            if (t->reclen + 4 + kl + 33 > UINT32_MAX) {
                dk_config_errors_add(errs, path, line, "too many ids");
                rc = DK_EINVAL;
                break;
            }
            append(L, line, key, kl, &a, reason[0] != 0);
        }
        if (reason[0] && (rc = add_bad(L, line, "%s", reason)) < 0)
            break;
        rc = 1;
    }
    free(key);
    return rc < 0 ? rc : 0;
}

/* Makes the slots, now that the rows are known, and finds the duplicate
 * ids: in file order, so the first row of an id wins, even a bad one. The
 * slots of the records ahead are prefetched: inserting is mostly waiting
 * for memory. */
static int insert_all(struct loader *L)
{
    struct csv_table *t = L->t;
    t->nslots = L->n + L->n / 3 + 16;
    if (!(t->slots = big_alloc(t->nslots * sizeof(*t->slots))))
        return DK_ENOMEM;
    enum { AHEAD = 16 };
    uint64_t hs[AHEAD];
    for (size_t i = 0; i < AHEAD && i < L->n; i++) {
        hs[i] = rec_hash(t->rec + L->offs[i]);
        __builtin_prefetch(&t->slots[slot_of(t, hs[i])], 1);
    }
    for (size_t i = 0; i < L->n; i++) {
        uint64_t h = hs[i % AHEAD];
        if (i + AHEAD < L->n) {
            uint64_t n = rec_hash(t->rec + L->offs[i + AHEAD]);
            hs[i % AHEAD] = n;
            __builtin_prefetch(&t->slots[slot_of(t, n)], 1);
        }
        size_t dup = insert(t, L->offs[i], h);
        if (!dup)
            continue;
        uint8_t *f = &t->rec[L->offs[i]];
        if (*f & R_BAD)
            continue; /* it has its reason */
        *f |= R_BAD;
        int rc = add_bad(L, L->lines[i], "duplicate id, first on line %u",
                         L->lines[rec_index(L, (uint32_t)(dup - 1))]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- overlapping addresses and prefixes among the good records */

/* Marks the later of records i and j bad (the reason names the earlier).
 * Returns the survivor. */
static int clash(struct loader *L, size_t i, size_t j, bool prefix, size_t *keep)
{
    struct csv_table *t = L->t;
    if (i > j) {
        size_t x = i;
        i = j;
        j = x;
    }
    struct rview v;
    rec_decode(t, t->rec + L->offs[j], &v);
    t->rec[L->offs[j]] |= R_BAD;
    L->nrefused++;
    *keep = i;
    char text[64];
    if (!prefix) {
        addr_text(v.a.address, text, sizeof(text));
        return add_bad(L, L->lines[j], "address %s is also assigned on line %u", text, L->lines[i]);
    }
    addr_text(v.a.prefix, text, sizeof(text));
    return add_bad(L, L->lines[j], "prefix %s/%u overlaps the prefix on line %u", text,
                   v.a.prefix_len, L->lines[i]);
}

/* A prefix (or address) as two integers, for sorting. */
struct pitem {
    uint64_t hi, lo;
    uint32_t i;
    uint8_t plen;
};

static inline int pcmp(const struct pitem *a, const struct pitem *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi ? -1 : 1;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    if (a->plen != b->plen)
        return a->plen < b->plen ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i); /* record order is line order */
}

static void psift(struct pitem *v, size_t root, size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && pcmp(&v[c], &v[c + 1]) < 0)
            c++;
        if (pcmp(&v[root], &v[c]) >= 0)
            return;
        struct pitem x = v[root];
        v[root] = v[c];
        v[c] = x;
        root = c;
    }
}

static void pheapsort(struct pitem *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        psift(v, i, n);
    for (size_t end = n; end-- > 1;) {
        struct pitem x = v[0];
        v[0] = v[end];
        v[end] = x;
        psift(v, 0, end);
    }
}

/* In place (qsort would take a copy as large as the array): introsort, a
 * quicksort that turns to heapsort when the input defeats its pivots (an
 * export sorted but for its last row does, with a median of three). */
static void psort(struct pitem *v, size_t n, unsigned depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            pheapsort(v, n);
            return;
        }
        struct pitem *a = &v[n / 4], *b = &v[n / 2], *c = &v[n - 1 - n / 4], piv;
        if (pcmp(a, b) > 0) {
            struct pitem *x = a;
            a = b;
            b = x;
        }
        piv = pcmp(b, c) <= 0 ? *b : pcmp(a, c) <= 0 ? *c : *a;
        size_t i = 0, j = n - 1;
        for (;;) {
            while (pcmp(&v[i], &piv) < 0)
                i++;
            while (pcmp(&v[j], &piv) > 0)
                j--;
            if (i >= j)
                break;
            struct pitem x = v[i];
            v[i] = v[j];
            v[j] = x;
            i++;
            j--;
        }
        /* recurse into the smaller part, loop on the larger */
        size_t left = j + 1;
        if (left < n - left) {
            psort(v, left, depth);
            v += left;
            n -= left;
        } else {
            psort(v + left, n - left, depth);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        struct pitem x = v[i];
        size_t j = i;
        for (; j && pcmp(&v[j - 1], &x) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Whether prefix a (shorter or equal) contains b. */
static bool contains(const struct pitem *a, const struct pitem *b)
{
    if (a->plen > b->plen)
        return false;
    if (a->plen == 0)
        return true;
    if (a->plen <= 64) {
        uint64_t m = ~(uint64_t)0 << (64 - a->plen);
        return (a->hi & m) == (b->hi & m);
    }
    uint64_t m = a->plen == 128 ? ~(uint64_t)0 : ~(uint64_t)0 << (128 - a->plen);
    return a->hi == b->hi && (a->lo & m) == (b->lo & m);
}

/* Addresses, and prefixes when all have one length: then a clash is an
 * equal value, found with a hash set in file order (the first row wins and
 * is named), in a third of the memory a sort takes. Returns 1 when done, 0
 * when the prefixes differ in length (sort them), or DK_ENOMEM. */
static int check_equal(struct loader *L, bool prefixes, size_t m)
{
    struct csv_table *t = L->t;
    int len = -1;
    for (size_t i = 0; prefixes && i < L->n; i++) {
        const uint8_t *r = t->rec + L->offs[i];
        if ((r[0] & R_BAD) || !(r[0] & R_PREFIX))
            continue;
        struct rview v;
        rec_decode(t, r, &v);
        if (len >= 0 && v.a.prefix_len != len)
            return 0;
        len = v.a.prefix_len;
    }
    size_t ns = m + m / 3 + 16;
    uint64_t *slots = big_alloc(ns * sizeof(*slots));
    if (!slots)
        return DK_ENOMEM;
    /* As insert_all: the slots of the rows ahead are prefetched. */
    enum { AHEAD = 16 };
    struct {
        size_t i;
        uint64_t h;
    } q[AHEAD];
    size_t qn = 0, next = 0;
    int rc = 1;
    for (;;) {
        while (qn < AHEAD && next < L->n) {
            const uint8_t *r = t->rec + L->offs[next];
            if (!(r[0] & R_BAD) && (r[0] & (prefixes ? R_PREFIX : R_ADDR))) {
                struct rview v;
                rec_decode(t, r, &v);
                uint64_t h = hash_key(prefixes ? v.a.prefix : v.a.address, 16);
                __builtin_prefetch(&slots[(size_t)(((h >> 32) * (uint64_t)ns) >> 32)], 1);
                q[qn].i = next;
                q[qn].h = h;
                qn++;
            }
            next++;
        }
        if (!qn || rc != 1)
            break;
        size_t i = q[0].i;
        uint64_t h = q[0].h, tag = h << 32;
        memmove(q, q + 1, --qn * sizeof(q[0]));
        struct rview v;
        rec_decode(t, t->rec + L->offs[i], &v);
        const uint8_t *a = prefixes ? v.a.prefix : v.a.address;
        for (size_t s = (size_t)(((h >> 32) * (uint64_t)ns) >> 32);; s = s + 1 == ns ? 0 : s + 1) {
            if (!slots[s]) {
                slots[s] = tag | ((uint64_t)i + 1);
                break;
            }
            if ((slots[s] & 0xffffffff00000000ull) != tag)
                continue;
            size_t j = (uint32_t)slots[s] - 1;
            struct rview w;
            rec_decode(t, t->rec + L->offs[j], &w);
            if (memcmp(prefixes ? w.a.prefix : w.a.address, a, 16) == 0) {
                size_t keep;
                if (clash(L, j, i, prefixes, &keep) < 0)
                    rc = DK_ENOMEM;
                break;
            }
        }
    }
    big_free(slots, ns * sizeof(*slots));
    return rc;
}

/* RFC 8415 §18.3 hands these out as they are: two clients must not share
 * an address, and delegated prefixes must not overlap. Sorted by start,
 * length and line, prefixes nest or are disjoint: each one need only be
 * checked against the last one not contained in another. */
static int check_overlaps(struct loader *L, bool prefixes)
{
    struct csv_table *t = L->t;
    size_t m = 0;
    for (size_t i = 0; i < L->n; i++) {
        uint8_t f = t->rec[L->offs[i]];
        m += !(f & R_BAD) && (f & (prefixes ? R_PREFIX : R_ADDR));
    }
    if (m < 2)
        return 0;
    int rc = check_equal(L, prefixes, m);
    if (rc)
        return rc < 0 ? rc : 0;
    struct pitem *v = big_alloc(m * sizeof(*v));
    if (!v)
        return DK_ENOMEM;
    m = 0;
    for (size_t i = 0; i < L->n; i++) {
        uint8_t f = t->rec[L->offs[i]];
        if ((f & R_BAD) || !(f & (prefixes ? R_PREFIX : R_ADDR)))
            continue;
        struct rview rv;
        rec_decode(t, t->rec + L->offs[i], &rv);
        const uint8_t *p = prefixes ? rv.a.prefix : rv.a.address;
        v[m++] =
            (struct pitem){be64(p), be64(p + 8), (uint32_t)i, prefixes ? rv.a.prefix_len : 128};
    }
    unsigned depth = 0;
    for (size_t k = m; k; k >>= 1)
        depth += 2;
    psort(v, m, depth);
    for (size_t i = 1, top = 0; i < m && rc == 0; i++) {
        if (contains(&v[top], &v[i])) {
            size_t keep;
            rc = clash(L, v[top].i, v[i].i, prefixes, &keep);
            if (keep == v[i].i)
                v[top] = v[i]; /* the earlier line was the contained one */
        } else {
            top = i;
        }
    }
    big_free(v, m * sizeof(*v));
    return rc;
}

/* ---- the file */

static void csv_close(void *store)
{
    struct csv_table *t = store;
    if (!t)
        return;
    big_free(t->rec, t->reccap);
    big_free(t->slots, t->nslots * sizeof(*t->slots));
    free(t);
}

static int bad_cmp_line(const void *x, const void *y)
{
    const struct bad *a = x, *b = y;
    return (a->line > b->line) - (a->line < b->line);
}

static int csv_open(const char *path, const struct dk_store_options *opt, void **store,
                    struct dk_store_stats *stats, struct dk_config_errors *errs)
{
    struct reader r = {.line = 1};
    struct loader L = {.path = path};
    struct input in = {.fd = -1};
    struct stat st;
    int rc;
    *store = NULL;
    in.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in.fd < 0 || fstat(in.fd, &st) < 0) {
        dk_config_errors_add(errs, path, 0, "cannot open: %s", strerror(errno));
        rc = DK_EINVAL;
        goto out;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > CSV_MAX_FILE) {
        dk_config_errors_add(errs, path, 0, "larger than %zu octets", CSV_MAX_FILE);
        rc = DK_EINVAL;
        goto out;
    }
    if (S_ISREG(st.st_mode))
        (void)posix_fadvise(in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    struct csv_table *t = L.t = calloc(1, sizeof(*t));
    if (!t) {
        rc = DK_ENOMEM;
        goto out;
    }
    rc = parse_rows(&L, &r, &in, errs);
    if (rc == 0)
        rc = insert_all(&L);
    if (rc == 0)
        rc = check_overlaps(&L, false);
    if (rc == 0)
        rc = check_overlaps(&L, true);
    if (rc < 0)
        goto out;

    /* Report the bad rows in line order. */
    if (L.nbad) {
        qsort(L.bad, L.nbad, sizeof(*L.bad), bad_cmp_line);
        bool tolerated = opt && L.nbad <= opt->max_bad_rows;
        struct dk_config_errors *to = tolerated ? (opt ? opt->skipped : NULL) : errs;
        for (size_t i = 0; i < L.nbad && to; i++)
            dk_config_errors_add(to, path, L.bad[i].line, "%s", L.bad[i].why);
        if (!tolerated) {
            dk_config_errors_add(errs, path, 0, "refused: %zu bad row%s (max-bad-rows %u)", L.nbad,
                                 L.nbad == 1 ? "" : "s", opt ? opt->max_bad_rows : 0);
            rc = DK_EINVAL;
            goto out;
        }
    }

    /* Bad records leave the slots (rebuilt without them); their octets
     * stay behind in rec, marked, as copying is what we avoid. */
    t->n = 0;
    for (size_t i = 0; i < L.n; i++)
        t->n += !(t->rec[L.offs[i]] & R_BAD);
    if (t->n != L.n) {
        memset(t->slots, 0, t->nslots * sizeof(*t->slots));
        for (size_t i = 0; i < L.n; i++)
            if (!(t->rec[L.offs[i]] & R_BAD))
                (void)insert(t, L.offs[i], rec_hash(t->rec + L.offs[i]));
    }
    /* Give back what growing reserved (shrinks in place). */
    if (t->reclen) {
        uint8_t *v = big_resize(t->rec, t->reccap, t->reclen);
        if (v) {
            t->rec = v;
            t->reccap = t->reclen;
        }
    }
    if (stats) {
        stats->rows = t->n;
        stats->bad_rows = L.nbad;
    }
    *store = t;
    L.t = NULL;
    rc = 0;
out:
    csv_close(L.t);
    for (size_t i = 0; i < L.nbad; i++)
        free(L.bad[i].why);
    free(L.bad);
    big_free(L.offs, L.offcap * sizeof(uint32_t));
    big_free(L.lines, L.offcap * sizeof(uint32_t));
    free(r.buf);
    free(in.buf);
    if (in.fd >= 0)
        close(in.fd);
    return rc;
}

static int csv_lookup(const void *store, const uint8_t *key, size_t keylen,
                      struct dk_assignment *out)
{
    const struct csv_table *t = store;
    if (!t || !t->n)
        return 0;
    uint64_t h = hash_key(key, keylen), tag = h << 32;
    for (size_t s = slot_of(t, h);; s = s + 1 == t->nslots ? 0 : s + 1) {
        uint64_t v = t->slots[s];
        if (!v)
            return 0;
        if ((v & 0xffffffff00000000ull) != tag)
            continue;
        const uint8_t *r = t->rec + (uint32_t)(v - 1);
        size_t klen, ko = rec_keyhdr(r, &klen);
        if (klen == keylen && memcmp(r + ko, key, keylen) == 0) {
            struct rview rv;
            rec_decode(t, r, &rv);
            *out = rv.a;
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
    for (size_t o = 0; t && o < t->reclen; o += rec_len(t->rec + o)) {
        if (t->rec[o] & R_BAD)
            continue;
        struct rview v;
        rec_decode(t, t->rec + o, &v);
        int rc = fn(ctx, v.key, v.klen, &v.a);
        if (rc)
            return rc;
    }
    return 0;
}

/* dk_store_csv_missing: a cursor in now, in step with old where it can. */
struct missing {
    const struct csv_table *now;
    size_t cur; /* offset of the record expected next */
    size_t n;
};

static int missing_one(void *ctx, const uint8_t *key, size_t keylen, const struct dk_assignment *a)
{
    struct missing *m = ctx;
    const struct csv_table *t = m->now;
    (void)a;
    while (m->cur < t->reclen && (t->rec[m->cur] & R_BAD))
        m->cur += rec_len(t->rec + m->cur);
    if (m->cur < t->reclen) {
        const uint8_t *r = t->rec + m->cur;
        size_t klen, ko = rec_keyhdr(r, &klen);
        if (klen == keylen && memcmp(r + ko, key, keylen) == 0) {
            m->cur += rec_len(r);
            return 0;
        }
    }
    /* Out of step (a row added, removed or moved): look it up, and go on
     * after it when it is there. */
    uint64_t h = hash_key(key, keylen), tag = h << 32;
    for (size_t s = t->nslots ? slot_of(t, h) : 0; t->n; s = s + 1 == t->nslots ? 0 : s + 1) {
        uint64_t v = t->slots[s];
        if (!v)
            break;
        if ((v & 0xffffffff00000000ull) != tag)
            continue;
        const uint8_t *r = t->rec + (uint32_t)(v - 1);
        size_t klen, ko = rec_keyhdr(r, &klen);
        if (klen == keylen && memcmp(r + ko, key, keylen) == 0) {
            m->cur = (uint32_t)(v - 1) + rec_len(r);
            return 0;
        }
    }
    m->n++;
    return 0;
}

size_t dk_store_csv_missing(const void *old, const void *now)
{
    const struct csv_table *o = old;
    struct missing m = {now, 0, 0};
    if (!now)
        return o ? o->n : 0;
    (void)dk_store_csv_foreach(old, missing_one, &m);
    return m.n;
}

const struct dk_store_ops dk_store_csv = {
    .name = "csv",
    .open = csv_open,
    .lookup = csv_lookup,
    .close = csv_close,
};
