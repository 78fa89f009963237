/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The LMDB assignment store (static-lmdb): a file built by
 * ipv6-dhcp-build-lmdb (format in lmdb_format.h), read in place through
 * LMDB's memory map, and followed when it is replaced.
 *
 * No lock file (MDB_NOLOCK). LMDB's documentation of MDB_NOLOCK asks the
 * caller to "enforce single-writer semantics, and ... ensure that no readers
 * are using old transactions while a writer is active"; its lock file exists
 * only to coordinate readers with a writer. Nobody ever writes the file we
 * read: ipv6-dhcp-build-lmdb builds a new file beside it, fsyncs it and
 * renames it over the old name, so the inode we have mapped is never written
 * again (it lives on, unlinked, while we keep it open). With no writer there
 * is nothing to coordinate, and the server needs neither a lock file nor
 * write access to the folder. Writing into the live file with another tool
 * (mdb_load) while the server runs is NOT supported.
 *
 * Lookups are zero-copy: a read-only transaction per lookup, mdb_get points
 * into the map and the record is parsed straight into the caller's struct
 * dk_assignment. With MDB_NOLOCK a read-only transaction takes no reader
 * slot: beginning one is a calloc and a read of the meta page.
 *
 * Replacement. Lookups look at the file's name (stat) at most once per
 * check interval (1 s), one thread at a time (trylock: a lookup never waits
 * for another). A new inode is opened and checked beside the current one; if
 * it is good, it is swapped in with one atomic store and the old one is
 * retired; if it is broken, the old one keeps serving and the refusal is
 * logged once per broken file.
 *
 * Retired files are closed once no lookup can be using them, without making
 * lookups wait: every lookup counts itself in one of two reader counters,
 * chosen by the epoch's parity, around its use of the current file:
 *     e = epoch & 1; readers[e]++; f = current; ...use f...; readers[e]--;
 * (sequentially consistent atomics). A lookup that got the retired file
 * loaded `current` before the swap, so it incremented its counter before the
 * swap and decrements it when done: once each counter has been seen at 0
 * after the swap, no lookup holds the retired file. The maintenance flips
 * the epoch while files are waiting, so that new lookups use the other
 * counter and each counter drains in turn even under constant load.
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <dhcpkit/bundle.h>
#include <dhcpkit/errors.h>
#include <dhcpkit/store.h>

#include "lmdb_format.h"

long dk__store_lmdb_check_ms = 1000;

/* ---- the file format */

void dk__lmdb_put_be(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

void dk__lmdb_record_encode(const struct dk_assignment *a, uint8_t *out)
{
    memset(out, 0, DK__LMDB_RECORD_LEN);
    out[0] = DK__LMDB_RECORD_V1;
    out[1] = (uint8_t)((a->has_address ? DK__LMDB_FLAG_ADDRESS : 0) |
                       (a->has_prefix ? DK__LMDB_FLAG_PREFIX : 0));
    if (a->has_address)
        memcpy(out + 4, a->address, 16);
    if (a->has_prefix) {
        out[2] = a->prefix_len;
        memcpy(out + 20, a->prefix, 16);
    }
}

bool dk__lmdb_record_decode(const uint8_t *p, size_t n, struct dk_assignment *a)
{
    if (n != DK__LMDB_RECORD_LEN || p[0] != DK__LMDB_RECORD_V1 ||
        (p[1] & ~(DK__LMDB_FLAG_ADDRESS | DK__LMDB_FLAG_PREFIX)) || p[2] > 128)
        return false;
    a->has_address = p[1] & DK__LMDB_FLAG_ADDRESS;
    a->has_prefix = p[1] & DK__LMDB_FLAG_PREFIX;
    memcpy(a->address, p + 4, 16);
    memcpy(a->prefix, p + 20, 16);
    a->prefix_len = a->has_prefix ? p[2] : 0;
    return true;
}

/* Reads the meta value name of n octets; false when absent or of another
 * length. */
static bool meta_get(MDB_txn *txn, MDB_dbi meta, const char *name, size_t n, uint64_t *out)
{
    MDB_val k = {strlen(name), (void *)(uintptr_t)name}, v;
    if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size != n)
        return false;
    *out = get_be(v.mv_data, n);
    return true;
}

void dk__lmdb_close(struct dk__lmdb_env *e)
{
    if (e && e->env) {
        mdb_env_close(e->env);
        e->env = NULL;
    }
}

int dk__lmdb_open(const char *path, struct dk__lmdb_env *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof(*out));
    *why = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "cannot open: %s", strerror(errno));
        return DK__LMDB_CANNOT_OPEN;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "not a regular file");
        return DK__LMDB_NOT_OURS;
    }
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    int res = DK__LMDB_NOT_OURS;
    int rc = mdb_env_create(&env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(env, 2);
    if (rc) {
        res = DK__LMDB_NOMEM;
        goto fail;
    }
    /* Read-only, one file, no lock file (see the top of this file); NOTLS:
     * read-only transactions are not tied to threads. */
    rc = mdb_env_open(env, path, DK__LMDB_ENV_FLAGS | MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0);
    if (rc == ENOENT && st.st_size == 0) {
        /* An empty file: LMDB would make it a new environment. */
        snprintf(why, whylen, "empty file");
        goto fail;
    }
    if (rc == EACCES || rc == EPERM || rc == ENOENT || rc == EIO || rc == ENOMEM || rc == EMFILE ||
        rc == ENFILE) {
        snprintf(why, whylen, "cannot open: %s", mdb_strerror(rc));
        res = rc == ENOMEM ? DK__LMDB_NOMEM : DK__LMDB_CANNOT_OPEN;
        goto fail;
    }
    if (rc) {
        /* MDB_INVALID (no LMDB meta page), MDB_VERSION_MISMATCH, EINVAL... */
        snprintf(why, whylen, "%s", mdb_strerror(rc));
        goto fail;
    }
    /* A file shorter than its pages (a copy cut short) would fault on the
     * pages past its end (SIGBUS): refuse it. */
    MDB_envinfo info;
    MDB_stat mst;
    mdb_filehandle_t fd;
    struct stat fst;
    if (mdb_env_info(env, &info) != 0 || mdb_env_stat(env, &mst) != 0 ||
        mdb_env_get_fd(env, &fd) != 0 || fstat(fd, &fst) != 0) {
        snprintf(why, whylen, "cannot read its size");
        res = DK__LMDB_CANNOT_OPEN;
        goto fail;
    }
    uint64_t need = ((uint64_t)info.me_last_pgno + 1) * mst.ms_psize;
    if ((uint64_t)fst.st_size < need) {
        snprintf(why, whylen, "truncated: %lld octets, its pages need %llu", (long long)fst.st_size,
                 (unsigned long long)need);
        goto fail;
    }
    rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
    if (rc) {
        snprintf(why, whylen, "%s", mdb_strerror(rc));
        res = rc == ENOMEM ? DK__LMDB_NOMEM : DK__LMDB_CANNOT_OPEN;
        goto fail;
    }
    rc = mdb_dbi_open(txn, DK__LMDB_DB_META, 0, &out->meta);
    if (rc) {
        snprintf(why, whylen, "no \"%s\" database", DK__LMDB_DB_META);
        goto fail;
    }
    uint64_t v;
    if (!meta_get(txn, out->meta, DK__LMDB_META_FORMAT, 4, &v)) {
        snprintf(why, whylen, "no format version");
        goto fail;
    }
    out->m.format = (uint32_t)v;
    if (v != DK__LMDB_FORMAT) {
        snprintf(why, whylen, "format %u, this server reads format %u", (unsigned)v,
                 DK__LMDB_FORMAT);
        goto fail;
    }
    if (!meta_get(txn, out->meta, DK__LMDB_META_MTIME, 8, &v)) {
        snprintf(why, whylen, "no CSV modification time");
        goto fail;
    }
    out->m.csv_mtime_ns = (int64_t)v;
    if (!meta_get(txn, out->meta, DK__LMDB_META_ROWS, 8, &out->m.rows)) {
        snprintf(why, whylen, "no row count");
        goto fail;
    }
    rc = mdb_dbi_open(txn, DK__LMDB_DB_ASSIGNMENTS, 0, &out->assignments);
    if (rc) {
        snprintf(why, whylen, "no \"%s\" database", DK__LMDB_DB_ASSIGNMENTS);
        goto fail;
    }
    /* A read-only transaction is committed, not aborted, to keep its
     * database handles (mdb_dbi_open). */
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc) {
        snprintf(why, whylen, "%s", mdb_strerror(rc));
        res = DK__LMDB_CANNOT_OPEN;
        goto fail;
    }
    out->env = env;
    return DK__LMDB_OK;
fail:
    if (txn)
        mdb_txn_abort(txn);
    if (env)
        mdb_env_close(env);
    memset(out, 0, sizeof(*out));
    return res;
}

int dk_store_lmdb_probe(const char *path)
{
    struct dk__lmdb_env e;
    char why[200];
    int rc = dk__lmdb_open(path, &e, why, sizeof(why));
    dk__lmdb_close(&e);
    return rc == DK__LMDB_OK ? 1 : rc == DK__LMDB_NOT_OURS ? 0 : DK_EINVAL;
}

/* ---- the store */

/* One opened file. */
struct gen {
    struct dk__lmdb_env e;
    size_t maxkey;
    dev_t dev;
    ino_t ino;
    struct gen *next; /* retired list */
    unsigned seen;    /* retired: bit i when readers[i] was seen at 0 */
};

struct reader_count {
    _Alignas(64) atomic_size_t n; /* one cache line each */
};

struct lmdb_store {
    struct reader_count readers[2];
    _Atomic(struct gen *) cur;
    atomic_uint epoch;
    atomic_llong next_check_ns;
    long long interval_ns;
    /* The maintenance (check, swap, reclaim): one thread at a time. */
    pthread_mutex_t lock;
    struct gen *retired;
    /* The last refused replacement, so that it is logged once. */
    bool have_bad, bad_not_ours, missing;
    dev_t bad_dev;
    ino_t bad_ino;
    struct timespec bad_ctime;
    struct dk_log log;
    char *path;
};

static void store_log(struct lmdb_store *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void store_log(struct lmdb_store *s, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk_log_vf(&s->log, level, fmt, ap);
    va_end(ap);
}

static void gen_free(struct gen *g)
{
    if (!g)
        return;
    dk__lmdb_close(&g->e);
    free(g);
}

static int gen_open(const char *path, struct gen **out, char *why, size_t whylen)
{
    struct gen *g = calloc(1, sizeof(*g));
    if (!g)
        return DK__LMDB_NOMEM;
    int rc = dk__lmdb_open(path, &g->e, why, whylen);
    if (rc) {
        free(g);
        return rc;
    }
    /* The identity of the file LMDB has open, not of whatever the name
     * points to by now. */
    mdb_filehandle_t fd;
    struct stat st;
    if (mdb_env_get_fd(g->e.env, &fd) != 0 || fstat(fd, &st) != 0) {
        snprintf(why, whylen, "cannot stat: %s", strerror(errno));
        gen_free(g);
        return DK__LMDB_CANNOT_OPEN;
    }
    g->dev = st.st_dev;
    g->ino = st.st_ino;
    g->maxkey = (size_t)mdb_env_get_maxkeysize(g->e.env);
    *out = g;
    return 0;
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Closes the retired files no lookup can be using (see the top). Under
 * s->lock. */
static void reclaim(struct lmdb_store *s)
{
    if (!s->retired)
        return;
    for (unsigned i = 0; i < 2; i++)
        if (atomic_load(&s->readers[i].n) == 0)
            for (struct gen *g = s->retired; g; g = g->next)
                g->seen |= 1u << i;
    struct gen **pp = &s->retired;
    while (*pp) {
        struct gen *g = *pp;
        if (g->seen == 3) {
            *pp = g->next;
            gen_free(g);
        } else {
            pp = &g->next;
        }
    }
    /* Those left wait for the counter in use now: send new lookups to the
     * other one. */
    if (s->retired)
        atomic_fetch_add(&s->epoch, 1);
}

/* Looks at the file's name and swaps in a replacement. Under s->lock. */
static void check_file(struct lmdb_store *s)
{
    struct gen *cur = atomic_load(&s->cur);
    struct stat st;
    if (stat(s->path, &st) != 0) {
        if (!s->missing)
            store_log(s, DK_LOGLEVEL_ERROR,
                      "%s: %s; the file opened before (%llu assignments) keeps serving", s->path,
                      strerror(errno), (unsigned long long)cur->e.m.rows);
        s->missing = true;
        return;
    }
    s->missing = false;
    if (st.st_dev == cur->dev && st.st_ino == cur->ino)
        return;
    /* The file refused last time, unchanged (ctime: content, mode, owner)?
     * A file that is not ours stays so; one that could not be opened (mode,
     * memory) is tried again, quietly. */
    bool same_bad = s->have_bad && st.st_dev == s->bad_dev && st.st_ino == s->bad_ino &&
                    st.st_ctim.tv_sec == s->bad_ctime.tv_sec &&
                    st.st_ctim.tv_nsec == s->bad_ctime.tv_nsec;
    if (same_bad && s->bad_not_ours)
        return;
    struct gen *g = NULL;
    char why[256];
    int rc = gen_open(s->path, &g, why, sizeof(why));
    if (rc) {
        s->have_bad = true;
        s->bad_not_ours = rc == DK__LMDB_NOT_OURS;
        s->bad_dev = st.st_dev;
        s->bad_ino = st.st_ino;
        s->bad_ctime = st.st_ctim;
        if (!same_bad)
            store_log(s, DK_LOGLEVEL_ERROR,
                      "%s: replacement refused: %s%s; the file opened before (%llu assignments) "
                      "keeps serving",
                      s->path, why,
                      rc == DK__LMDB_NOT_OURS ? " (not an LMDB file, rebuild it with "
                                                "ipv6-dhcp-build-lmdb)"
                                              : "",
                      (unsigned long long)cur->e.m.rows);
        return;
    }
    s->have_bad = false;
    atomic_store(&s->cur, g);
    cur->seen = 0;
    cur->next = s->retired;
    s->retired = cur;
    store_log(s, DK_LOGLEVEL_INFO, "%s: replaced file picked up: %llu assignments", s->path,
              (unsigned long long)g->e.m.rows);
}

/* Runs the maintenance when it is due and nobody else is running it. */
static void maybe_check(struct lmdb_store *s)
{
    long long now = mono_ns();
    if (now < atomic_load_explicit(&s->next_check_ns, memory_order_relaxed))
        return;
    if (pthread_mutex_trylock(&s->lock) != 0)
        return;
    if (now >= atomic_load_explicit(&s->next_check_ns, memory_order_relaxed)) {
        atomic_store_explicit(&s->next_check_ns, now + s->interval_ns, memory_order_relaxed);
        check_file(s);
        reclaim(s);
    }
    pthread_mutex_unlock(&s->lock);
}

static void lmdb_close(void *store)
{
    struct lmdb_store *s = store;
    if (!s)
        return;
    /* The caller guarantees that no lookup is running. */
    gen_free(atomic_load(&s->cur));
    while (s->retired) {
        struct gen *g = s->retired;
        s->retired = g->next;
        gen_free(g);
    }
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
}

static int lmdb_open(const char *path, const struct dk_store_options *opt, void **store,
                     struct dk_store_stats *stats, struct dk_config_errors *errs)
{
    (void)opt; /* the build tool refused the bad rows */
    *store = NULL;
    struct lmdb_store *s = aligned_alloc(
        _Alignof(struct lmdb_store), (sizeof(*s) + _Alignof(struct lmdb_store) - 1) /
                                         _Alignof(struct lmdb_store) * _Alignof(struct lmdb_store));
    if (!s)
        return DK_ENOMEM;
    memset(s, 0, sizeof(*s));
    s->path = strdup(path);
    if (!s->path || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s->path);
        free(s);
        return DK_ENOMEM;
    }
    struct gen *g = NULL;
    char why[256];
    int rc = gen_open(path, &g, why, sizeof(why));
    if (rc) {
        if (rc == DK__LMDB_NOT_OURS)
            dk_config_errors_add(
                errs, path, 0, "not an LMDB file, rebuild it with ipv6-dhcp-build-lmdb (%s)", why);
        else if (rc != DK__LMDB_NOMEM)
            dk_config_errors_add(errs, path, 0, "%s", why);
        lmdb_close(s);
        return rc == DK__LMDB_NOMEM ? DK_ENOMEM : DK_EINVAL;
    }
    atomic_init(&s->cur, g);
    atomic_init(&s->epoch, 0);
    atomic_init(&s->readers[0].n, 0);
    atomic_init(&s->readers[1].n, 0);
    s->interval_ns = dk__store_lmdb_check_ms * 1000000LL;
    atomic_init(&s->next_check_ns, mono_ns() + s->interval_ns);
    if (stats) {
        stats->rows = (size_t)g->e.m.rows;
        stats->bad_rows = 0;
    }
    *store = s;
    return 0;
}

void dk_store_lmdb_set_log(void *store, const struct dk_log *log)
{
    struct lmdb_store *s = store;
    if (s && log)
        s->log = *log;
}

/* Looks key up in one file. */
static int gen_lookup(const struct gen *g, const uint8_t *key, size_t keylen,
                      struct dk_assignment *out)
{
    if (keylen == 0 || keylen > g->maxkey)
        return 0; /* the build tool refuses such keys */
    MDB_txn *txn;
    int rc = mdb_txn_begin(g->e.env, NULL, MDB_RDONLY, &txn);
    if (rc)
        return rc == ENOMEM ? DK_ENOMEM : DK_EINVAL;
    MDB_val k = {keylen, (void *)(uintptr_t)key}, v;
    rc = mdb_get(txn, g->e.assignments, &k, &v);
    int res;
    if (rc == MDB_NOTFOUND)
        res = 0;
    else if (rc)
        res = DK_EINVAL;
    else
        res = dk__lmdb_record_decode(v.mv_data, v.mv_size, out) ? 1 : DK_EINVAL;
    mdb_txn_abort(txn);
    return res;
}

static int lmdb_lookup(const void *store, const uint8_t *key, size_t keylen,
                       struct dk_assignment *out)
{
    /* The store is immutable for its users; its maintenance state is not. */
    struct lmdb_store *s = (struct lmdb_store *)(uintptr_t)store;
    maybe_check(s);
    unsigned e = atomic_load(&s->epoch) & 1u;
    atomic_fetch_add(&s->readers[e].n, 1);
    const struct gen *g = atomic_load(&s->cur);
    int rc = gen_lookup(g, key, keylen, out);
    atomic_fetch_sub(&s->readers[e].n, 1);
    return rc;
}

const struct dk_store_ops dk_store_lmdb = {
    .name = "lmdb",
    .open = lmdb_open,
    .lookup = lmdb_lookup,
    .close = lmdb_close,
};
