/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ipv6-dhcp-looking-glass: the NOC's page over the looking-glass handler's
 * databases. Read-only; HTTP by libmicrohttpd (one thread); every string
 * from the databases (which the wire filled) is escaped for the context it
 * goes into (escape.h); a strict Content-Security-Policy on every answer.
 *
 *   /                          search form; ?q= any CSV id form, DUID, address, prefix
 *   /clients/KEY               a client's last transactions, request and reply as trees
 *   /problems/KIND             no-reply, slow (?slow-ms=), multi-duid, multi-remote-id
 *   /api/search?q=  /api/clients/KEY/transactions  /api/problems/KIND   the same as JSON
 *   /metrics                   the server's statistics (control socket) and the capture's
 *   /static/lg.js, lg.css      the page's script and style
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "db.h"
#include "escape.h"
#include "lg.h"

#define MAX_ALLOW 32

struct allow {
    uint8_t addr[16];
    unsigned len;
};

struct lg_app {
    struct lg_db db;
    const char *control;
    struct allow allow[MAX_ALLOW];
    size_t nallow;
    char *auth_user, *auth_pass;
    unsigned slow_ms;
};

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/* ---- responses */

static enum MHD_Result send_sb(struct MHD_Connection *c, unsigned code, const char *type,
                               struct lg_sb *b)
{
    if (b->err) {
        lg_sb_free(b);
        code = MHD_HTTP_INTERNAL_SERVER_ERROR;
        type = "text/plain; charset=utf-8";
        lg_sb_puts(b, "out of memory\n");
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(b->len, b->p ? b->p : (char *)"", MHD_RESPMEM_MUST_COPY);
    lg_sb_free(b);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *type,
                                 const char *text)
{
    struct lg_sb b = {0};
    lg_sb_puts(&b, text);
    return send_sb(c, code, type, &b);
}

static enum MHD_Result json_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
    struct lg_sb b = {0};
    lg_sb_puts(&b, "{\"error\": ");
    lg_json_str(&b, msg, (size_t)-1);
    lg_sb_puts(&b, "}\n");
    return send_sb(c, code, "application/json", &b);
}

/* ---- common pieces */

static void iso_time(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%03dZ", (int)(ms % 1000));
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static int col_index(sqlite3_stmt *s, const char *name)
{
    for (int i = 0; i < sqlite3_column_count(s); i++)
        if (strcmp(sqlite3_column_name(s, i), name) == 0)
            return i;
    return -1;
}

static const char *col(sqlite3_stmt *s, const char *name)
{
    int i = col_index(s, name);
    return i < 0 ? NULL : col_text(s, i);
}

static bool is_id_col(const char *name)
{
    return strcmp(name, "duid") == 0 || strcmp(name, "interface_id") == 0 ||
           strcmp(name, "remote_id") == 0 || strcmp(name, "subscriber_id") == 0 ||
           strcmp(name, "id") == 0;
}

/* One row as a JSON object: numbers as numbers, text escaped, the stored
 * JSON of request/reply/relays passed through, leases and others as lists,
 * ids with a "_label" in the operator's form, times also in ISO 8601. */
static void row_json(struct lg_sb *b, sqlite3_stmt *s)
{
    lg_sb_puts(b, "{");
    for (int i = 0; i < sqlite3_column_count(s); i++) {
        const char *name = sqlite3_column_name(s, i);
        if (i)
            lg_sb_puts(b, ", ");
        lg_json_str(b, name, (size_t)-1);
        lg_sb_puts(b, ": ");
        int type = sqlite3_column_type(s, i);
        const char *t = col_text(s, i);
        if (type == SQLITE_NULL) {
            lg_sb_puts(b, "null");
        } else if (strcmp(name, "request") == 0 || strcmp(name, "reply") == 0 ||
                   strcmp(name, "relays") == 0) {
            lg_json_raw(b, t);
        } else if (strcmp(name, "leases") == 0 || strcmp(name, "others") == 0) {
            char sep = name[0] == 'l' ? ' ' : ',';
            lg_sb_puts(b, "[");
            for (const char *p = t; p && *p;) {
                size_t n = strcspn(p, sep == ' ' ? " " : ",");
                if (p != t)
                    lg_sb_puts(b, ", ");
                lg_json_str(b, p, n);
                p += n;
                p += *p == sep;
            }
            lg_sb_puts(b, "]");
        } else if (type == SQLITE_INTEGER && strcmp(name, "id") != 0) {
            lg_sb_printf(b, "%lld", (long long)sqlite3_column_int64(s, i));
        } else {
            lg_json_str(b, t, (size_t)-1);
        }
        if (type != SQLITE_NULL && is_id_col(name) && type == SQLITE_TEXT) {
            struct lg_sb f = {0};
            lg_friendly(t, &f);
            lg_sb_printf(b, ", \"%s_label\": ", name); /* our column names */
            lg_json_str(b, f.p ? f.p : "", (size_t)-1);
            lg_sb_free(&f);
        }
        if (type == SQLITE_INTEGER && (strcmp(name, "time_ms") == 0 || strcmp(name, "last") == 0)) {
            char iso[48];
            iso_time(sqlite3_column_int64(s, i), iso, sizeof(iso));
            lg_sb_printf(b, ", \"%s_iso\": \"%s\"", name, iso);
        }
    }
    lg_sb_puts(b, "}");
}

static void rows_json(struct lg_sb *b, sqlite3_stmt *s)
{
    lg_sb_puts(b, "[");
    for (int n = 0; s && sqlite3_step(s) == SQLITE_ROW; n++) {
        if (n)
            lg_sb_puts(b, ",\n ");
        row_json(b, s);
    }
    lg_sb_puts(b, "]");
    sqlite3_finalize(s);
}

/* ---- HTML */

static void page_head(struct lg_sb *b, const char *title, const char *q, const char *key)
{
    lg_sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width\">"
                  "<title>");
    lg_html(b, title, (size_t)-1);
    lg_sb_puts(b, " - dhcpkit looking glass</title>"
                  "<link rel=\"stylesheet\" href=\"/static/lg.css\">"
                  "<script src=\"/static/lg.js\" defer></script></head>\n<body");
    if (key) {
        lg_sb_puts(b, " data-key=\"");
        lg_html(b, key, (size_t)-1);
        lg_sb_puts(b, "\"");
    }
    lg_sb_puts(b, "><header><a class=\"home\" href=\"/\">dhcpkit looking glass</a>"
                  "<form action=\"/\" method=\"get\"><input name=\"q\" size=\"48\" "
                  "placeholder=\"remote-id-str:3561:CUST1, DUID, address, prefix\" value=\"");
    lg_html(b, q ? q : "", (size_t)-1);
    lg_sb_puts(b, "\"><button type=\"submit\">Search</button></form><nav>problems:");
    for (int p = 0; p < 4; p++)
        lg_sb_printf(b, " <a href=\"/problems/%s\">%s</a>", lg_problem_name((enum lg_problem)p),
                     lg_problem_name((enum lg_problem)p));
    lg_sb_puts(b, " <a href=\"/metrics\">metrics</a></nav></header>\n<main>");
}

static void page_tail(struct lg_sb *b)
{
    lg_sb_puts(b, "</main></body></html>\n");
}

/* An id as a link to its client page, shown in the operator's form. */
static void id_link(struct lg_sb *b, const char *id)
{
    if (!id) {
        lg_sb_puts(b, "<span class=\"none\">-</span>");
        return;
    }
    struct lg_sb f = {0};
    lg_friendly(id, &f);
    lg_sb_puts(b, "<a class=\"id\" href=\"/clients/");
    struct lg_sb u = {0};
    lg_url(&u, id);
    lg_html(b, u.p ? u.p : "", (size_t)-1);
    lg_sb_puts(b, "\" title=\"");
    lg_html(b, id, (size_t)-1);
    lg_sb_puts(b, "\">");
    lg_html(b, f.p ? f.p : id, (size_t)-1);
    lg_sb_puts(b, "</a>");
    lg_sb_free(&u);
    lg_sb_free(&f);
}

static void td(struct lg_sb *b, const char *text, const char *cls)
{
    lg_sb_puts(b, cls ? "<td class=\"" : "<td>");
    if (cls) {
        lg_html(b, cls, (size_t)-1);
        lg_sb_puts(b, "\">");
    }
    lg_html(b, text ? text : "", (size_t)-1);
    lg_sb_puts(b, "</td>");
}

static const char *outcome_class(const char *o)
{
    return o && strcmp(o, "replied") == 0 ? "ok" : "bad";
}

/* A table of clients (lg_db_search, no-reply). */
static size_t client_table(struct lg_sb *b, sqlite3_stmt *s)
{
    lg_sb_puts(b, "<table class=\"clients\"><thead><tr><th>DUID</th><th>Interface-ID</th>"
                  "<th>Remote-ID</th><th>Subscriber-ID</th><th>leases</th><th>last</th>"
                  "<th>server</th><th>outcome</th><th>transactions</th></tr></thead><tbody>");
    size_t n = 0;
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        n++;
        lg_sb_puts(b, "<tr>");
        static const char *const ids[] = {"duid", "interface_id", "remote_id", "subscriber_id"};
        for (int i = 0; i < 4; i++) {
            lg_sb_puts(b, "<td>");
            id_link(b, col(s, ids[i]));
            lg_sb_puts(b, "</td>");
        }
        td(b, col(s, "leases"), "leases");
        char iso[48];
        iso_time(sqlite3_column_int64(s, col_index(s, "last")), iso, sizeof(iso));
        td(b, iso, NULL);
        td(b, col(s, "server"), NULL);
        struct lg_sb o = {0};
        lg_sb_puts(&o, col(s, "outcome") ? col(s, "outcome") : "");
        if (col(s, "why")) {
            lg_sb_puts(&o, " (");
            lg_sb_puts(&o, col(s, "why"));
            lg_sb_puts(&o, ")");
        }
        td(b, o.p, outcome_class(col(s, "outcome")));
        lg_sb_free(&o);
        td(b, col(s, "n"), NULL);
        lg_sb_puts(b, "</tr>\n");
    }
    lg_sb_puts(b, "</tbody></table>");
    sqlite3_finalize(s);
    return n;
}

/* Transactions: a section each, the trees filled in by lg.js. */
static size_t tx_sections(struct lg_sb *b, sqlite3_stmt *s, bool trees)
{
    size_t n = 0;
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        n++;
        char iso[48];
        iso_time(sqlite3_column_int64(s, col_index(s, "time_ms")), iso, sizeof(iso));
        lg_sb_printf(b, "<section class=\"tx\" data-db=\"%lld\" data-id=\"%lld\"><h2>",
                     (long long)sqlite3_column_int64(s, 0), (long long)sqlite3_column_int64(s, 1));
        lg_html(b, iso, (size_t)-1);
        lg_sb_puts(b, " <span class=\"msg\">");
        lg_html(b, col(s, "msg_in"), (size_t)-1);
        lg_sb_puts(b, " &rarr; ");
        lg_html(b, col(s, "msg_out") ? col(s, "msg_out") : "no reply", (size_t)-1);
        lg_sb_printf(b, "</span> <span class=\"%s\">", outcome_class(col(s, "outcome")));
        lg_html(b, col(s, "outcome"), (size_t)-1);
        if (col(s, "why")) {
            lg_sb_puts(b, " (");
            lg_html(b, col(s, "why"), (size_t)-1);
            lg_sb_puts(b, ")");
        }
        lg_sb_puts(b, "</span></h2><table class=\"fields\">");
        struct {
            const char *label, *col;
        } rows[] = {{"server", "server"},
                    {"leases", "leases"},
                    {"status", "status"},
                    {"link address", "link_address"},
                    {"handling µs", "handling_us"}};
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            const char *v = col(s, rows[i].col);
            if (!v)
                continue;
            lg_sb_puts(b, "<tr><th>");
            lg_html(b, rows[i].label, (size_t)-1);
            lg_sb_puts(b, "</th>");
            td(b, v, strcmp(rows[i].col, "leases") == 0 ? "leases" : NULL);
            lg_sb_puts(b, "</tr>");
        }
        {
            static const char *const idc[] = {"duid", "interface_id", "remote_id", "subscriber_id"};
            for (int i = 0; i < 4; i++) {
                if (!col(s, idc[i]))
                    continue;
                lg_sb_puts(b, "<tr><th>");
                lg_html(b, idc[i], (size_t)-1);
                lg_sb_puts(b, "</th><td>");
                id_link(b, col(s, idc[i]));
                lg_sb_puts(b, "</td></tr>");
            }
        }
        lg_sb_puts(b, "</table>");
        if (trees)
            lg_sb_puts(b, "<div class=\"trees\">"
                          "<div class=\"tree\" data-part=\"request\"><h3>request</h3></div>"
                          "<div class=\"tree\" data-part=\"reply\"><h3>reply</h3></div>"
                          "<div class=\"tree\" data-part=\"relays\"><h3>relay chain</h3></div>"
                          "</div>");
        lg_sb_puts(b, "</section>\n");
    }
    sqlite3_finalize(s);
    return n;
}

/* ---- routes */

static unsigned slow_ms_of(struct MHD_Connection *c, const struct lg_app *app)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "slow-ms");
    char *end;
    unsigned long ms = v ? strtoul(v, &end, 10) : 0;
    return v && *v && !*end && ms <= 3600000 ? (unsigned)ms : app->slow_ms;
}

static enum MHD_Result api_search(struct MHD_Connection *c, struct lg_app *app)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
    char norm[2200];
    enum lg_qkind kind;
    if (!q || lg_normalise(q, norm, sizeof(norm), &kind) != 0)
        return json_error(c, MHD_HTTP_BAD_REQUEST,
                          "q: an id (duid:, remote-id-str:EN:, ...), a DUID in hex, an address or "
                          "a prefix");
    struct lg_sb b = {0};
    lg_sb_puts(&b, "{\"query\": ");
    lg_json_str(&b, q, (size_t)-1);
    lg_sb_puts(&b, ", \"normalised\": ");
    lg_json_str(&b, norm, (size_t)-1);
    lg_sb_printf(&b, ", \"kind\": \"%s\", \"clients\": ", kind == LG_Q_ID ? "id" : "lease");
    rows_json(&b, lg_db_search(&app->db, norm, kind));
    lg_sb_puts(&b, "}\n");
    return send_sb(c, MHD_HTTP_OK, "application/json", &b);
}

static enum MHD_Result api_transactions(struct MHD_Connection *c, struct lg_app *app,
                                        const char *key)
{
    char norm[2200];
    enum lg_qkind kind;
    if (lg_normalise(key, norm, sizeof(norm), &kind) != 0 || kind != LG_Q_ID)
        return json_error(c, MHD_HTTP_BAD_REQUEST, "not a client id");
    struct lg_sb b = {0}, f = {0};
    lg_friendly(norm, &f);
    lg_sb_puts(&b, "{\"key\": ");
    lg_json_str(&b, norm, (size_t)-1);
    lg_sb_puts(&b, ", \"label\": ");
    lg_json_str(&b, f.p ? f.p : "", (size_t)-1);
    lg_sb_free(&f);
    lg_sb_puts(&b, ", \"transactions\": ");
    rows_json(&b, lg_db_transactions(&app->db, norm));
    lg_sb_puts(&b, "}\n");
    return send_sb(c, MHD_HTTP_OK, "application/json", &b);
}

static enum MHD_Result api_problem(struct MHD_Connection *c, struct lg_app *app, const char *name)
{
    enum lg_problem p;
    if (lg_problem_find(name, &p) != 0)
        return json_error(c, MHD_HTTP_NOT_FOUND, "no such problem list");
    struct lg_sb b = {0};
    lg_sb_printf(&b, "{\"problem\": \"%s\"", lg_problem_name(p));
    if (p == LG_P_SLOW)
        lg_sb_printf(&b, ", \"slow_ms\": %u", slow_ms_of(c, app));
    lg_sb_puts(&b, ", \"items\": ");
    rows_json(&b, lg_db_problem(&app->db, p, slow_ms_of(c, app)));
    lg_sb_puts(&b, "}\n");
    return send_sb(c, MHD_HTTP_OK, "application/json", &b);
}

static enum MHD_Result html_search(struct MHD_Connection *c, struct lg_app *app)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
    struct lg_sb b = {0};
    page_head(&b, q && *q ? q : "search", q, NULL);
    if (!q || !*q) {
        lg_sb_printf(&b,
                     "<h1>Search</h1><p>Any CSV id form (<code>remote-id-str:3561:CUST1</code>,"
                     " <code>interface-id-str:eth0</code>, <code>duid:000300...</code>), a DUID"
                     " in hex, an address or a delegated prefix. %zu database%s.</p>",
                     app->db.n, app->db.n == 1 ? "" : "s");
        page_tail(&b);
        return send_sb(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
    }
    char norm[2200];
    enum lg_qkind kind;
    unsigned code = MHD_HTTP_OK;
    if (lg_normalise(q, norm, sizeof(norm), &kind) != 0) {
        lg_sb_puts(&b, "<h1>Not a search term</h1><p class=\"bad\">");
        lg_html(&b, q, (size_t)-1);
        lg_sb_puts(&b, " is not an id, a DUID, an address or a prefix.</p>");
    } else {
        lg_sb_puts(&b, "<h1>Clients matching <span class=\"q\">");
        lg_html(&b, norm, (size_t)-1);
        lg_sb_puts(&b, "</span></h1>");
        size_t n = client_table(&b, lg_db_search(&app->db, norm, kind));
        lg_sb_printf(&b, "<p class=\"count\">%zu client%s</p>", n, n == 1 ? "" : "s");
    }
    page_tail(&b);
    return send_sb(c, code, "text/html; charset=utf-8", &b);
}

static enum MHD_Result html_client(struct MHD_Connection *c, struct lg_app *app, const char *key)
{
    char norm[2200];
    enum lg_qkind kind;
    if (lg_normalise(key, norm, sizeof(norm), &kind) != 0 || kind != LG_Q_ID)
        return send_text(c, MHD_HTTP_BAD_REQUEST, "text/plain; charset=utf-8", "not a client id\n");
    struct lg_sb b = {0}, f = {0};
    lg_friendly(norm, &f);
    page_head(&b, f.p ? f.p : norm, NULL, norm);
    lg_sb_puts(&b, "<h1>Client <span class=\"q\">");
    lg_html(&b, f.p ? f.p : norm, (size_t)-1);
    lg_sb_puts(&b, "</span></h1><p class=\"key\">");
    lg_html(&b, norm, (size_t)-1);
    lg_sb_puts(&b, " &middot; <a href=\"/api/clients/");
    struct lg_sb u = {0};
    lg_url(&u, norm);
    lg_html(&b, u.p ? u.p : "", (size_t)-1);
    lg_sb_free(&u);
    lg_sb_puts(&b, "/transactions\">JSON</a></p>");
    lg_sb_free(&f);
    size_t n = tx_sections(&b, lg_db_transactions(&app->db, norm), true);
    if (!n)
        lg_sb_puts(&b, "<p class=\"count\">No transactions.</p>");
    page_tail(&b);
    return send_sb(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
}

static enum MHD_Result html_problem(struct MHD_Connection *c, struct lg_app *app, const char *name)
{
    enum lg_problem p;
    if (lg_problem_find(name, &p) != 0)
        return send_text(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    struct lg_sb b = {0};
    page_head(&b, lg_problem_name(p), NULL, NULL);
    static const char *const titles[] = {"Clients whose last request got no reply", "Slow replies",
                                         "Several DUIDs behind one Remote-ID or Subscriber-ID",
                                         "One DUID on several Remote-IDs"};
    lg_sb_printf(&b, "<h1>%s</h1>", titles[p]);
    size_t n = 0;
    if (p == LG_P_NO_REPLY) {
        n = client_table(&b, lg_db_problem(&app->db, p, 0));
    } else if (p == LG_P_SLOW) {
        unsigned ms = slow_ms_of(c, app);
        lg_sb_printf(&b, "<p>Handled in %u ms or more (<code>?slow-ms=</code>).</p>", ms);
        n = tx_sections(&b, lg_db_problem(&app->db, p, ms), false);
    } else {
        sqlite3_stmt *s = lg_db_problem(&app->db, p, 0);
        lg_sb_printf(&b,
                     "<table class=\"multi\"><thead><tr><th>%s</th><th>count</th><th>%s</th>"
                     "</tr></thead><tbody>",
                     p == LG_P_MULTI_DUID ? "Remote-ID / Subscriber-ID" : "DUID",
                     p == LG_P_MULTI_DUID ? "DUIDs" : "Remote-IDs");
        while (s && sqlite3_step(s) == SQLITE_ROW) {
            n++;
            lg_sb_puts(&b, "<tr><td>");
            id_link(&b, col(s, "id"));
            lg_sb_puts(&b, "</td>");
            td(&b, col(s, "n"), NULL);
            lg_sb_puts(&b, "<td>");
            const char *o = col(s, "others");
            for (const char *q = o; q && *q;) {
                size_t l = strcspn(q, ",");
                char *one = strndup(q, l);
                if (one)
                    id_link(&b, one);
                free(one);
                lg_sb_puts(&b, " ");
                q += l;
                q += *q == ',';
            }
            lg_sb_puts(&b, "</td></tr>\n");
        }
        sqlite3_finalize(s);
        lg_sb_puts(&b, "</tbody></table>");
    }
    lg_sb_printf(&b, "<p class=\"count\">%zu found</p>", n);
    page_tail(&b);
    return send_sb(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b);
}

static enum MHD_Result metrics(struct MHD_Connection *c, struct lg_app *app)
{
    struct lg_sb b = {0};
    char err[256] = "";
    if (app->control) {
        char *json = lg_control_stats(app->control, err, sizeof(err));
        if (json) {
            lg_stats_to_prometheus(json, &b);
            free(json);
        }
        lg_sb_printf(&b,
                     "# HELP dhcpkit_up Whether the server's control socket answered.\n"
                     "# TYPE dhcpkit_up gauge\ndhcpkit_up %d\n",
                     json ? 1 : 0);
    }
    sqlite3_stmt *s = lg_db_meta(&app->db);
    bool typed[2] = {false, false};
    struct lg_sb lines = {0};
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        const char *key = col_text(s, 1);
        int which = key && strcmp(key, "dropped") == 0   ? 0
                    : key && strcmp(key, "written") == 0 ? 1
                                                         : -1;
        if (which < 0)
            continue;
        if (!typed[which])
            lg_sb_printf(&lines, "# TYPE dhcpkit_looking_glass_%s_total counter\n", key);
        typed[which] = true;
        lg_sb_printf(&lines, "dhcpkit_looking_glass_%s_total{db=\"%lld\",server=\"", key,
                     (long long)sqlite3_column_int64(s, 0));
        lg_prom_label(&lines, col_text(s, 3) ? col_text(s, 3) : "");
        lg_sb_printf(&lines, "\"} %lld\n", (long long)sqlite3_column_int64(s, 2));
    }
    sqlite3_finalize(s);
    if (lines.p)
        lg_sb_puts(&b, lines.p);
    lg_sb_free(&lines);
    return send_sb(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", &b);
}

static bool authorised(struct MHD_Connection *c, const struct lg_app *app)
{
    if (!app->auth_user)
        return true;
    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    bool ok =
        user && pass && lg_const_eq(user, app->auth_user) && lg_const_eq(pass, app->auth_pass);
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    struct lg_app *app = cls;
    if (*con_cls == NULL) { /* the headers; answer when the request is complete */
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                         "read-only: GET and HEAD only\n");
    if (!authorised(c, app)) {
        struct MHD_Response *r =
            MHD_create_response_from_buffer(13, (void *)"unauthorised\n", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Content-Security-Policy", csp);
        enum MHD_Result ret = MHD_queue_basic_auth_fail_response(c, "dhcpkit looking glass", r);
        MHD_destroy_response(r);
        return ret;
    }
    static const char clients[] = "/clients/", api_clients[] = "/api/clients/",
                      problems[] = "/problems/", api_problems[] = "/api/problems/";
    if (strcmp(url, "/") == 0)
        return html_search(c, app);
    if (strcmp(url, "/static/lg.js") == 0)
        return send_text(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", lg_asset_js);
    if (strcmp(url, "/static/lg.css") == 0)
        return send_text(c, MHD_HTTP_OK, "text/css; charset=utf-8", lg_asset_css);
    if (strcmp(url, "/favicon.ico") == 0)
        return send_text(c, MHD_HTTP_NO_CONTENT, "image/x-icon", "");
    if (strcmp(url, "/metrics") == 0)
        return metrics(c, app);
    if (strcmp(url, "/api/search") == 0)
        return api_search(c, app);
    if (strncmp(url, clients, sizeof(clients) - 1) == 0)
        return html_client(c, app, url + sizeof(clients) - 1);
    if (strncmp(url, problems, sizeof(problems) - 1) == 0)
        return html_problem(c, app, url + sizeof(problems) - 1);
    if (strncmp(url, api_problems, sizeof(api_problems) - 1) == 0)
        return api_problem(c, app, url + sizeof(api_problems) - 1);
    if (strncmp(url, api_clients, sizeof(api_clients) - 1) == 0) {
        const char *k = url + sizeof(api_clients) - 1;
        const char *slash = strrchr(k, '/');
        if (slash && strcmp(slash, "/transactions") == 0) {
            char *key = strndup(k, (size_t)(slash - k));
            if (!key)
                return MHD_NO;
            enum MHD_Result r = api_transactions(c, app, key);
            free(key);
            return r;
        }
    }
    if (strncmp(url, "/api/", 5) == 0)
        return json_error(c, MHD_HTTP_NOT_FOUND, "not found");
    return send_text(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
}

/* The allow-list of client networks (none: everyone who reaches the
 * address). IPv4 peers are compared as ::ffff:a.b.c.d. */
static enum MHD_Result accept_peer(void *cls, const struct sockaddr *sa, socklen_t len)
{
    const struct lg_app *app = cls;
    if (app->nallow == 0)
        return MHD_YES;
    uint8_t a[16] = {0};
    if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        memcpy(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    } else if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        a[10] = a[11] = 0xff;
        memcpy(a + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    } else {
        return MHD_NO;
    }
    for (size_t i = 0; i < app->nallow; i++)
        if (lg_in_prefix(a, app->allow[i].addr, app->allow[i].len))
            return MHD_YES;
    return MHD_NO;
}

static volatile sig_atomic_t stopping;
static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: ipv6-dhcp-looking-glass [-l ADDRESS] [-p PORT] [-c CONTROL_SOCKET]\n"
               "         [-a PREFIX]... [-A USER:PASSWORD_FILE] [--slow-ms MS] DATABASE...\n");
}

int main(int argc, char **argv)
{
    struct lg_app app = {.slow_ms = 100};
    const char *listen = "::1";
    unsigned long port = 8547;
    static const struct option longopts[] = {{"listen", required_argument, NULL, 'l'},
                                             {"port", required_argument, NULL, 'p'},
                                             {"control-socket", required_argument, NULL, 'c'},
                                             {"allow", required_argument, NULL, 'a'},
                                             {"auth-file", required_argument, NULL, 'A'},
                                             {"slow-ms", required_argument, NULL, 's'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int opt;
    char *end;
    while ((opt = getopt_long(argc, argv, "l:p:c:a:A:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            listen = optarg;
            break;
        case 'p':
            port = strtoul(optarg, &end, 10);
            if (*end || port > 65535) {
                fprintf(stderr, "ipv6-dhcp-looking-glass: bad port '%s'\n", optarg);
                return 64;
            }
            break;
        case 'c':
            app.control = optarg;
            break;
        case 'a':
            if (app.nallow == MAX_ALLOW || lg_parse_prefix(optarg, app.allow[app.nallow].addr,
                                                           &app.allow[app.nallow].len) != 0) {
                fprintf(stderr, "ipv6-dhcp-looking-glass: bad or too many -a '%s'\n", optarg);
                return 64;
            }
            app.nallow++;
            break;
        case 'A':
            if (lg_read_auth(optarg, &app.auth_user, &app.auth_pass) != 0) {
                fprintf(stderr, "ipv6-dhcp-looking-glass: %s: want one line USER:PASSWORD\n",
                        optarg);
                return 64;
            }
            break;
        case 's':
            app.slow_ms = (unsigned)strtoul(optarg, &end, 10);
            if (*end) {
                fprintf(stderr, "ipv6-dhcp-looking-glass: bad --slow-ms '%s'\n", optarg);
                return 64;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 64;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 64;
    }
    char err[512];
    if (lg_db_open(&app.db, argv + optind, (size_t)(argc - optind), err, sizeof(err)) != 0) {
        fprintf(stderr, "ipv6-dhcp-looking-glass: %s\n", err);
        return 66;
    }
    struct sockaddr_storage ss = {0};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    if (inet_pton(AF_INET6, listen, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        flags |= MHD_USE_IPv6;
    } else if (inet_pton(AF_INET, listen, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
    } else {
        fprintf(stderr, "ipv6-dhcp-looking-glass: bad address '%s'\n", listen);
        lg_db_close(&app.db);
        return 64;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, accept_peer, &app, route, &app, MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)16,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)65536, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "ipv6-dhcp-looking-glass: cannot listen on %s port %lu: %s\n", listen, port,
                strerror(errno));
        lg_db_close(&app.db);
        return 71;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "ipv6-dhcp-looking-glass: listening on %s port %u, %zu database%s\n", listen,
            info ? info->port : (unsigned)port, app.db.n, app.db.n == 1 ? "" : "s");
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    while (!stopping)
        pause();
    MHD_stop_daemon(d);
    lg_db_close(&app.db);
    free(app.auth_user);
    free(app.auth_pass);
    return 0;
}
