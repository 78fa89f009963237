/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The containment validator. It walks a decoded tree depth first with an
 * explicit stack of option lists, never recursing, and checks each list
 * against the rows of contain.c before it descends into it, so the first
 * error reported is the outermost one, in wire order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dhcpkit/validate.h>
#include <dhcpkit/wire.h>

#include "contain.h"

/*
 * The deepest tree the decoder builds is DK_MAX_NESTING levels of messages
 * and options, so it has fewer nested option lists than that. A hand-built
 * tree that is deeper fails with DK_EDEPTH.
 */
#define MAX_FRAMES (DK_MAX_NESTING + 1)

/* One list of options being walked: a message's options or an option's. */
struct frame {
    const struct dk_opt *opts;
    size_t n, next;
    const struct dk_opt *owner; /* the option holding the list or message; NULL at the top */
    uint16_t container;         /* message type or option code */
    uint8_t in;                 /* enum dk__in, or 0 when the container is not checked */
    uint8_t msgtype;            /* the message these options belong to, 0 if none */
    bool relay_data;            /* inside an OPTION_LQ_RELAY_DATA */
};

struct walk {
    struct frame f[MAX_FRAMES];
    size_t depth;
    struct dk_diag *diag;
};

static const char *opt_name(unsigned space, unsigned code)
{
    const struct dk_optdef *def = dk_optdef_find(space, code);
    if (!def)
        return "unknown";
    if (strncmp(def->name, "OPTION_", 7) == 0)
        return def->name + 7;
    return def->name;
}

/* "SOLICIT" or "option 3 (IA_NA)": what a frame's options are in. */
static const char *container_name(const struct frame *f, char *buf, size_t cap)
{
    if (f->in == DK__IN_MSG) {
        const char *n = dk_msg_name(f->container);
        if (n)
            return n;
        snprintf(buf, cap, "message type %u", f->container);
    } else {
        snprintf(buf, cap, "option %u (%s)", f->container, opt_name(DK_SPACE_DHCPV6, f->container));
    }
    return buf;
}

/*
 * Fills the diagnostic: the path is the options holding the current frame,
 * outermost first, then o (when not NULL). Keeps the innermost DK_MAX_PATH.
 */
__attribute__((format(printf, 4, 5))) static int fail(struct walk *w, const struct dk_opt *o,
                                                      int err, const char *fmt, ...)
{
    struct dk_diag *d = w->diag;
    if (!d)
        return err;
    memset(d, 0, sizeof(*d));
    d->err = err;
    size_t total = (w->depth ? w->depth - 1 : 0) + (o != NULL);
    size_t skip = total > DK_MAX_PATH ? total - DK_MAX_PATH : 0;
    for (size_t k = 0; k < total; k++) {
        const struct dk_opt *p = k + 1 < w->depth ? w->f[k + 1].owner : o;
        if (k < skip)
            continue;
        d->path[d->npath] = p->code;
        d->space[d->npath++] = p->space;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->text, sizeof(d->text), fmt, ap);
    va_end(ap);
    return err;
}

static uint32_t row_key(uint8_t in, uint16_t container)
{
    return (uint32_t)in << 16 | container;
}

/*
 * The rows of a container, [*lo, *hi); false when it has none (open). The
 * table is sorted by (in, container), so this is a binary search.
 */
static bool rows_of(uint8_t in, uint16_t container, size_t *lo, size_t *hi)
{
    uint32_t key = row_key(in, container);
    size_t a = 0, b = dk__contain_nrows;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (row_key(dk__contain_rows[mid].in, dk__contain_rows[mid].container) < key)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    while (b < dk__contain_nrows &&
           row_key(dk__contain_rows[b].in, dk__contain_rows[b].container) == key)
        b++;
    *hi = b;
    return *lo < *hi;
}

static bool row_matches(const struct dk__contain *r, const struct dk_opt *o)
{
    return r->what == DK__TOTAL ||
           (r->what == DK__ONE && r->code == o->code && r->space == o->space);
}

/* A row index no option has (the rows of one container fit in a byte map,
 * DK__CONTAIN_MAX_ROWS; tests/unit/wire check the table keeps to it). */
#define NO_ROW 0xffff

/* The row of o among the rows of a container: through map for DHCPv6
 * codes below 256 (almost every option), else by a scan. */
static size_t row_of(const uint16_t map[256], size_t lo, size_t hi, const struct dk_opt *o)
{
    if (o->space == DK_SPACE_DHCPV6 && o->code < 256)
        return map[o->code];
    for (size_t r = lo; r < hi; r++)
        if (dk__contain_rows[r].what == DK__ONE && row_matches(&dk__contain_rows[r], o))
            return r - lo;
    return NO_ROW;
}

/* Checks which options a frame holds and how often: one pass over the rows
 * and one over the options (each option finds its row in a byte map), as
 * this runs on every request and every reply. */
static int check_list(struct walk *w, const struct frame *f)
{
    size_t lo, hi;
    char cbuf[48], nbuf[48]; /* names are formatted only for a failure */
    if (!f->in || !rows_of(f->in, f->container, &lo, &hi))
        return 0;
    if (hi - lo > DK__CONTAIN_MAX_ROWS)
        return fail(w, NULL, DK_EINVAL, "internal: too many containment rows");

    bool other = false;
    uint16_t map[256];
    uint32_t count[DK__CONTAIN_MAX_ROWS];
    memset(map, 0xff, sizeof(map));
    for (size_t r = lo; r < hi; r++) {
        const struct dk__contain *row = &dk__contain_rows[r];
        other |= row->what == DK__OTHER;
        if (row->what == DK__ONE && row->space == DK_SPACE_DHCPV6 && row->code < 256)
            map[row->code] = (uint16_t)(r - lo);
        count[r - lo] = 0;
    }
    for (size_t i = 0; i < f->n; i++) {
        const struct dk_opt *o = &f->opts[i];
        size_t r = row_of(map, lo, hi, o);
        if (r != NO_ROW) {
            count[r]++;
            continue;
        }
        /* Unknown options and vendor sub-options are allowed anywhere. */
        if (!other && o->def && o->space != DK_SPACE_VENDOR)
            return fail(w, o, DK_ECONTAIN, "not allowed in %s",
                        container_name(f, cbuf, sizeof(cbuf)));
    }

    for (size_t r = lo; r < hi; r++) {
        const struct dk__contain *row = &dk__contain_rows[r];
        if (row->what == DK__OTHER)
            continue;
        size_t n = row->what == DK__TOTAL ? f->n : count[r - lo];
        /* RFC 5007 §4.1.2.4: relay data lacks the innermost Relay Message. */
        unsigned min = row->min;
        if (f->relay_data && f->in == DK__IN_MSG && row->code == DK_OPT_RELAY_MSG)
            min = 0;
        bool too_many = row->max != DK__MANY && n > row->max;
        if (!too_many && n >= min)
            continue;
        /* The failure path: the option one past the maximum, for the report. */
        const struct dk_opt *extra = NULL;
        for (size_t i = 0, seen = 0; too_many && i < f->n && !extra; i++)
            if (row_matches(row, &f->opts[i]) && ++seen == (size_t)row->max + 1)
                extra = &f->opts[i];
        const char *cname = container_name(f, cbuf, sizeof(cbuf));
        if (row->what == DK__TOTAL) {
            if (too_many)
                return fail(w, extra, DK_ECOUNT, "%s holds %zu options, at most %u allowed", cname,
                            n, row->max);
            return fail(w, NULL, DK_ECOUNT, "%s holds %zu options, at least %u required", cname,
                        n, min);
        }
        snprintf(nbuf, sizeof(nbuf), "option %u (%s)", row->code, opt_name(row->space, row->code));
        if (too_many)
            return fail(w, extra, DK_ECOUNT, "appears %zu times in %s, at most %u allowed", n,
                        cname, row->max);
        if (min == 1)
            return fail(w, NULL, DK_ECOUNT, "%s must contain %s", cname, nbuf);
        return fail(w, NULL, DK_ECOUNT, "%s must contain %s at least %u times, not %zu", cname,
                    nbuf, min, n);
    }
    return 0;
}

/*
 * IAIDs are compared a block at a time: each block of IAIDS_BLOCK is sorted
 * and searched for the IAIDs after it, so a message of n IAs costs about
 * n * n / IAIDS_BLOCK * log(IAIDS_BLOCK) steps and 4 KiB of stack (a 64 KiB
 * message holds at most 4096 IAs: 4 blocks).
 */
#define IAIDS_BLOCK 1024

static bool is_ia(const struct dk_opt *o, unsigned code)
{
    return o->def && o->space == DK_SPACE_DHCPV6 && o->code == code;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static bool sorted_has(const uint32_t *ids, size_t k, uint32_t v)
{
    size_t lo = 0, hi = k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < k && ids[lo] == v;
}

/* Whether two IAs of this type share an IAID; if so *dup is one such IAID. */
static bool find_dup_iaid(const struct dk_opt *opts, size_t n, unsigned code, uint32_t *dup)
{
    uint32_t ids[IAIDS_BLOCK];
    for (size_t start = 0; start < n;) {
        size_t k = 0, pos = start;
        for (; pos < n && k < IAIDS_BLOCK; pos++)
            if (is_ia(&opts[pos], code))
                ids[k++] = opts[pos].v[0].u;
        if (k == 0)
            break;
        qsort(ids, k, sizeof(ids[0]), cmp_u32);
        for (size_t i = 1; i < k; i++) {
            if (ids[i] == ids[i - 1]) {
                *dup = ids[i];
                return true;
            }
        }
        for (size_t q = pos; q < n; q++) {
            if (is_ia(&opts[q], code) && sorted_has(ids, k, opts[q].v[0].u)) {
                *dup = opts[q].v[0].u;
                return true;
            }
        }
        start = pos;
    }
    return false;
}

/* RFC 8415 §21.4, §21.5, §21.21: IAIDs are unique per IA type in a message. */
static int check_iaids(struct walk *w, const struct frame *f)
{
    static const uint16_t types[] = {DK_OPT_IA_NA, DK_OPT_IA_TA, DK_OPT_IA_PD};
    char cbuf[48];
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        uint32_t dup;
        if (!find_dup_iaid(f->opts, f->n, types[t], &dup))
            continue;
        /* Report the second IA that carries it. */
        const struct dk_opt *o = NULL;
        bool seen = false;
        for (size_t i = 0; i < f->n && !o; i++) {
            if (is_ia(&f->opts[i], types[t]) && f->opts[i].v[0].u == dup) {
                if (seen)
                    o = &f->opts[i];
                seen = true;
            }
        }
        return fail(w, o, DK_ECOUNT,
                    "option %u (%s) repeats IAID 0x%08x in %s, IAIDs must be unique", types[t],
                    opt_name(DK_SPACE_DHCPV6, types[t]), (unsigned)dup,
                    container_name(f, cbuf, sizeof(cbuf)));
    }
    return 0;
}

static struct frame *push(struct walk *w, const struct dk_opt *owner)
{
    if (w->depth == MAX_FRAMES) {
        fail(w, owner, DK_EDEPTH, "nested more than %d option lists deep", MAX_FRAMES);
        return NULL;
    }
    struct frame *f = &w->f[w->depth++];
    memset(f, 0, sizeof(*f));
    f->owner = owner;
    return f;
}

/* Checks that owner (held by a message of type outer) may carry m. */
static int check_msg_in(struct walk *w, const struct dk_opt *owner, unsigned outer, bool relay_data,
                        const struct dk_msg *m)
{
    char obuf[48];
    if (m->type < 1 || m->type > DK_MSG_MAX_KNOWN)
        return 0;
    for (size_t i = 0; i < dk__msg_in_nrows; i++) {
        const struct dk__msg_in *r = &dk__msg_in_rows[i];
        if (r->code != owner->code || (r->outer && r->outer != outer) ||
            r->relay_data != relay_data)
            continue;
        if (r->types & (1u << m->type))
            return 0;
        if (r->outer && dk_msg_name(r->outer))
            snprintf(obuf, sizeof(obuf), " inside %s", dk_msg_name(r->outer));
        else
            obuf[0] = '\0';
        return fail(w, owner, DK_ECONTAIN, "may not carry %s%s", dk_msg_name(m->type), obuf);
    }
    return 0;
}

/*
 * Starts walking message m, carried by owner (NULL at the top) in a message
 * of type outer, inside relay data or not.
 */
static int enter_msg(struct walk *w, const struct dk_opt *owner, const struct dk_msg *m,
                     uint8_t outer, bool relay_data)
{
    if (owner) {
        int err = check_msg_in(w, owner, outer, relay_data, m);
        if (err)
            return err;
    }
    struct frame *f = push(w, owner);
    if (!f)
        return DK_EDEPTH;
    f->relay_data = relay_data || (owner && owner->code == DK_OPT_LQ_RELAY_DATA);
    f->opts = m->opts;
    f->n = m->opts ? m->nopts : 0;
    f->container = m->type;
    f->msgtype = m->type;
    if (dk_msg_is_relay(m->type) || dk_msg_is_client_server(m->type))
        f->in = DK__IN_MSG;
    int err = check_list(w, f);
    if (!err && m->type >= DK_MSG_SOLICIT && m->type <= DK_MSG_INFORMATION_REQUEST)
        err = check_iaids(w, f);
    return err;
}

/* Starts walking the options encapsulated in owner, in a message of type msgtype. */
static int enter_opts(struct walk *w, const struct dk_opt *owner, uint8_t msgtype, bool relay_data)
{
    struct frame *f = push(w, owner);
    if (!f)
        return DK_EDEPTH;
    f->relay_data = relay_data;
    f->opts = owner->opts;
    f->n = owner->opts ? owner->nopts : 0;
    f->container = owner->code;
    f->msgtype = msgtype;
    /* Only DHCPv6-space options we know have rules for their contents. */
    if (owner->def && owner->space == DK_SPACE_DHCPV6)
        f->in = DK__IN_OPT;
    return check_list(w, f);
}

/* True when o encapsulates options, even none: an empty container has counts to check. */
static bool holds_options(const struct dk_opt *o)
{
    if (o->opts && o->nopts)
        return true;
    if (!o->def || !o->def->nfields)
        return false;
    uint8_t kind = o->def->f[o->def->nfields - 1].kind;
    return kind == DK_F_OPTIONS || kind == DK_F_SUBOPTS;
}

static int run(struct walk *w)
{
    while (w->depth) {
        struct frame *f = &w->f[w->depth - 1];
        if (f->next >= f->n) {
            w->depth--;
            continue;
        }
        const struct dk_opt *o = &f->opts[f->next++];
        uint8_t msgtype = f->msgtype;
        bool relay_data = f->relay_data;
        int err = 0;
        if (o->msg)
            err = enter_msg(w, o, o->msg, msgtype, relay_data);
        if (!err && holds_options(o))
            err = enter_opts(w, o, msgtype, relay_data);
        if (err)
            return err;
    }
    return 0;
}

int dk_msg_validate(const struct dk_msg *m, struct dk_diag *diag)
{
    struct walk w;
    w.depth = 0;
    w.diag = diag;
    if (diag)
        memset(diag, 0, sizeof(*diag));
    if (!m)
        return fail(&w, NULL, DK_EINVAL, "no message");
    int err = enter_msg(&w, NULL, m, 0, false);
    return err ? err : run(&w);
}

int dk__opts_validate(const struct dk_opt *opts, size_t n, struct dk_diag *diag)
{
    struct walk w;
    w.depth = 0;
    w.diag = diag;
    if (diag)
        memset(diag, 0, sizeof(*diag));
    if (!opts && n)
        return fail(&w, NULL, DK_EINVAL, "no options");
    struct frame *f = push(&w, NULL);
    if (!f)
        return DK_EDEPTH;
    f->opts = opts;
    f->n = n;
    return run(&w);
}
