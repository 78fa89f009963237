/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DHCPKIT_LG_DB_H
#define DHCPKIT_LG_DB_H

/*
 * The capture databases, read-only: each is attached to an in-memory
 * connection with mode=ro, and the views atx, alease and ameta join them
 * (a column db numbers them). Queries return prepared statements for the
 * caller to step and finalize; NULL on error.
 */

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "escape.h"

#define LG_MAX_DBS 8

struct lg_db {
    sqlite3 *db;
    size_t n;
};

enum lg_qkind { LG_Q_ID, LG_Q_LEASE };
enum lg_problem { LG_P_NO_REPLY, LG_P_SLOW, LG_P_MULTI_DUID, LG_P_MULTI_REMOTE_ID };

/* Opens paths read-only; -1 with a message in err. */
int lg_db_open(struct lg_db *d, char *const *paths, size_t n, char *err, size_t errlen);
void lg_db_close(struct lg_db *d);

/* A search term as the captures store it: any CSV id form or a bare hex
 * DUID -> "duid:HEX", "remote-id:EN:HEX", ... (kind LG_Q_ID); an address or
 * prefix -> RFC 5952 text (LG_Q_LEASE). -1 when it is none of them. */
int lg_normalise(const char *q, char *out, size_t cap, enum lg_qkind *kind);
/* The id as an operator would type it: "remote-id-str:3561:CUST1" when the
 * octets are printable ASCII, else the id itself. */
void lg_friendly(const char *key, struct lg_sb *out);

/* Clients (columns: duid, interface_id, remote_id, subscriber_id, last, n,
 * server, outcome, why, leases, msg_in, msg_out, status of the last). */
sqlite3_stmt *lg_db_search(struct lg_db *d, const char *norm, enum lg_qkind kind);
/* Transactions, newest first (columns: db, id, time_ms, server, duid,
 * interface_id, remote_id, subscriber_id, link_address, msg_in, msg_out,
 * outcome, why, status, handling_us, leases, request, reply, relays). */
sqlite3_stmt *lg_db_transactions(struct lg_db *d, const char *norm);
/* no-reply: clients as lg_db_search; slow: transactions; multi-*: id, n,
 * the other ids joined by ',', last. */
sqlite3_stmt *lg_db_problem(struct lg_db *d, enum lg_problem p, unsigned slow_ms);
/* db, key, value, server of every meta row (dropped, written). */
sqlite3_stmt *lg_db_meta(struct lg_db *d);

const char *lg_problem_name(enum lg_problem p);
int lg_problem_find(const char *name, enum lg_problem *p);

#endif
