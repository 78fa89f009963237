/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading pcap and pcapng files with libpcap (see capture.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "packet.h"

int cap_match(const uint8_t *p, size_t n)
{
    static const uint8_t pcap[][4] = {
        {0xa1, 0xb2, 0xc3, 0xd4}, /* microseconds, big-endian */
        {0xd4, 0xc3, 0xb2, 0xa1}, /* microseconds, little-endian */
        {0xa1, 0xb2, 0x3c, 0x4d}, /* nanoseconds, big-endian */
        {0x4d, 0x3c, 0xb2, 0xa1}, /* nanoseconds, little-endian */
    };
    /* pcapng: a Section Header Block (type, length) and its byte-order magic. */
    static const uint8_t shb[4] = {0x0a, 0x0d, 0x0d, 0x0a};
    static const uint8_t bom[][4] = {{0x1a, 0x2b, 0x3c, 0x4d}, {0x4d, 0x3c, 0x2b, 0x1a}};
    bool maybe = false;

    for (size_t i = 0; i < sizeof(pcap) / sizeof(pcap[0]); i++) {
        size_t k = n < 4 ? n : 4;
        if (memcmp(p, pcap[i], k) == 0) {
            if (n >= 4)
                return CAP_YES;
            maybe = true;
        }
    }
    if (memcmp(p, shb, n < 4 ? n : 4) == 0) {
        if (n <= 8)
            return CAP_MAYBE;
        for (size_t i = 0; i < sizeof(bom) / sizeof(bom[0]); i++) {
            size_t k = n < 12 ? n - 8 : 4;
            if (memcmp(p + 8, bom[i], k) == 0)
                return n >= 12 ? CAP_YES : CAP_MAYBE;
        }
    }
    return maybe ? CAP_MAYBE : CAP_NO;
}

struct unread {
    FILE *f;
    uint8_t peek[CAP_MAGIC_LEN];
    size_t n, off;
};

static ssize_t unread_read(void *cookie, char *buf, size_t size)
{
    struct unread *u = cookie;
    if (u->off < u->n) {
        size_t k = u->n - u->off < size ? u->n - u->off : size;
        memcpy(buf, u->peek + u->off, k);
        u->off += k;
        return (ssize_t)k;
    }
    size_t k = fread(buf, 1, size, u->f);
    if (k == 0 && ferror(u->f))
        return -1;
    return (ssize_t)k;
}

static int unread_close(void *cookie)
{
    struct unread *u = cookie;
    int rc = fclose(u->f);
    free(u);
    return rc;
}

FILE *cap_unread(FILE *f, const uint8_t *peek, size_t n)
{
    struct unread *u = calloc(1, sizeof(*u));
    if (!u || n > sizeof(u->peek)) {
        free(u);
        return NULL;
    }
    u->f = f;
    memcpy(u->peek, peek, n);
    u->n = n;
    cookie_io_functions_t io = {.read = unread_read, .close = unread_close};
    FILE *s = fopencookie(u, "r", io);
    if (!s)
        free(u);
    return s;
}

/* The link types we read, by libpcap's DLT_ value. */
static int link_of(int dlt, enum pkt_link *link)
{
    switch (dlt) {
    case DLT_NULL:
        *link = PKT_LINK_NULL;
        return 0;
    case DLT_LOOP:
        *link = PKT_LINK_LOOP;
        return 0;
    case DLT_EN10MB:
        *link = PKT_LINK_ETHERNET;
        return 0;
    case DLT_LINUX_SLL:
        *link = PKT_LINK_SLL;
        return 0;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
        *link = PKT_LINK_SLL2;
        return 0;
#endif
    case DLT_RAW:
#ifdef DLT_IPV6
    case DLT_IPV6:
#endif
        *link = PKT_LINK_RAW;
        return 0;
    default:
        return -1;
    }
}

int cap_read(FILE *f, cap_msg_fn *fn, void *ctx, struct reasm_stats *stats, char *err,
             size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    struct reasm *ra = NULL;
    enum pkt_link link;
    int rc = -1;

    memset(stats, 0, sizeof(*stats));
    pcap_t *pc = pcap_fopen_offline(f, ebuf);
    if (!pc) {
        fclose(f);
        snprintf(err, errlen, "not a readable capture: %s", ebuf);
        return -1;
    }
    if (link_of(pcap_datalink(pc), &link)) {
        const char *name = pcap_datalink_val_to_name(pcap_datalink(pc));
        snprintf(err, errlen,
                 "link type %d (%s) is not supported (Ethernet, Linux cooked, raw IP and "
                 "loopback are)",
                 pcap_datalink(pc), name ? name : "unknown");
        goto out;
    }
    ra = reasm_new();
    if (!ra) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (unsigned long frame = 1;; frame++) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int k = pcap_next_ex(pc, &h, &data);
        if (k == PCAP_ERROR_BREAK) /* the end of the file */
            break;
        if (k != 1) {
            snprintf(err, errlen, "frame %lu: %s", frame, pcap_geterr(pc));
            goto out;
        }
        struct pkt_result res;
        double now = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
        switch (pkt_frame(ra, link, data, h->caplen, h->len, now, &res)) {
        case PKT_DHCP:
            fn(ctx, frame, res.msg, res.nmsg, NULL, 0);
            break;
        case PKT_BAD:
            fn(ctx, frame, NULL, 0, res.why, res.offset);
            break;
        case PKT_SKIP:
            break;
        }
    }
    rc = 0;
out:
    if (ra)
        *stats = reasm_finish(ra);
    reasm_free(ra);
    pcap_close(pc); /* closes f */
    return rc;
}
