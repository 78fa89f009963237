/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <dhcpkit/buf.h>
#include <dhcpkit/duid.h>
#include <dhcpkit/wire.h>

int dk_duid_parse(const uint8_t *p, size_t len, struct dk_duid *out)
{
    struct dk_rbuf r;
    memset(out, 0, sizeof(*out));
    /* RFC 8415 §11.1: a 2-octet type, then 1 to 128 octets. */
    if (len < DK_DUID_MIN_LEN || len > DK_DUID_MAX_LEN)
        return DK_EDUID;
    dk_rbuf_init(&r, p, len);
    dk_rbuf_u16(&r, &out->type);
    switch (out->type) {
    case DK_DUID_LLT: /* RFC 8415 §11.2 */
        dk_rbuf_u16(&r, &out->hw_type);
        dk_rbuf_u32(&r, &out->time);
        break;
    case DK_DUID_EN: /* RFC 8415 §11.3 */
        dk_rbuf_u32(&r, &out->enterprise);
        break;
    case DK_DUID_LL: /* RFC 8415 §11.4 */
        dk_rbuf_u16(&r, &out->hw_type);
        break;
    case DK_DUID_UUID: /* RFC 6355 §4: exactly 16 octets of UUID */
        if (len != 18)
            return DK_EDUID;
        break;
    default:
        break;
    }
    if (r.err)
        return DK_EDUID;
    out->idlen = dk_rbuf_left(&r);
    out->id = dk_rbuf_cur(&r);
    return 0;
}
