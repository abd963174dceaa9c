/* SPDX-License-Identifier: MIT
 *
 * server: the HTTP feed server (libsoup 3, on the thread-default main context
 * of the thread that creates it; the daemon runs it on a thread of its own,
 * serve.h).
 *
 * Serves GET and HEAD of /feeds/<campaign>/<rep>.ics?token=<secret>: the
 * feed file as the daemon wrote it, with ETag (a hash of the body, kept
 * while the file keeps its device, inode, size and mtime),
 * Last-Modified (the file's mtime) and Cache-Control, and 304 answers to
 * If-None-Match / If-Modified-Since (a conditional request for a feed
 * whose ETag is known and current is answered as soon as its head is in,
 * before libsoup: a calendar client's poll costs no libsoup connection;
 * that 304 carries no Content-Length). Range is ignored (Accept-Ranges:
 * none): a feed is small, and the answer is always the whole of it. The
 * feed is found by its token first (the resolve callback); only then are
 * the campaign and rep of the URL compared with the feed's, so a miss
 * takes the same time whether the names exist or not, and no part of the
 * URL reaches the file system. A wrong, missing or malformed token, an
 * unknown campaign or rep and any other path get the same 404; other
 * methods 405; a request target over 2 KiB 414; a feed file the server
 * will not serve (over PD_SERVER_MAX_FEED_BYTES, not a regular file) 500,
 * with a warning naming the file.
 *
 * Limits: at most `max_connections` connections at once, and
 * PD_SERVER_MAX_PER_CLIENT of them from one client address (more are
 * closed at once). A connection serves one request (every answer says
 * Connection: close), which must arrive whole within 5 s of the accept:
 * its head within 16 KiB (else 431), without Transfer-Encoding and with
 * at most one Content-Length (else 400), its body within 64 KiB (else
 * 413; read and dropped). A read or write that makes no progress for
 * 10 s fails, and no connection lives beyond 60 s. With every waiting
 * place taken (PD_SERVER_MAX_WAITING), a new connection replaces one
 * still waiting for its request head, from the network (IPv4 /24, IPv6
 * /64) holding the most of them, the newcomer counted with its own:
 * there, one that has sent nothing first, then the one that has waited
 * longest. Every request is logged with its
 * method, path (after the server's own parse, cut before anything that
 * could hold a query: never the token) and status. server.c is the only
 * file of prospectd that includes libsoup; pd_server_check_listen() and
 * the error quark live in listen.c, without it.
 */
#pragma once

#include <gio/gio.h>

#define PD_SERVER_ERROR (pd_server_error_quark ())
GQuark pd_server_error_quark (void);

typedef enum {
  PD_SERVER_ERROR_INVALID, /* `listen` is not HOST:PORT */
  PD_SERVER_ERROR_LISTEN,  /* the address cannot be resolved or bound */
} PdServerError;

/* Longest request target (path and query) answered; longer gets 414. */
#define PD_SERVER_MAX_URI 2048

/* Largest feed file served. */
#define PD_SERVER_MAX_FEED_BYTES (16 * 1024 * 1024)

/* Connections one client address may hold: a quarter of the total, at
 * least one. */
#define PD_SERVER_MAX_PER_CLIENT(max_connections) MAX (1u, ((max_connections) + 3u) / 4u)

/* Connections that may wait for their request to arrive, or for a slot:
 * four times max_connections, at most 512 (they cost a socket each). */
#define PD_SERVER_MAX_WAITING(max_connections) MIN (512u, 4u * (max_connections))

/* What the server asks its owner for each request that names a feed and
 * carries a well-formed token: whether `token` is the token of a feed it
 * serves, and that feed is (campaign, rep), the URL's names,
 * percent-decoded. The owner must find the feed by its token before it
 * looks at the names (so that a miss costs the same whatever the names),
 * compare tokens in constant time, and when all match write the feed
 * file's path (newly allocated) and return TRUE. */
typedef gboolean (*PdServerResolve) (const char *token,
                                     const char *campaign,
                                     const char *rep,
                                     char **ret_path,
                                     gpointer user_data);

/* The same question for a campaign's report, /report/<campaign>.html?token=
 * <secret> (`campaign` percent-decoded): whether `token` is that
 * campaign's report token (found by the token first, compared in
 * constant time, as for feeds), and then the page, newly referenced in
 * *ret_page, and its ETag (a quoted string, newly allocated) in
 * *ret_etag. The server answers 200 or 304 from them, with
 * Cache-Control: no-cache (a browser asks again each time, and gets a 304
 * while the page is the same) and a Content-Security-Policy that lets the
 * page load nothing. */
typedef gboolean (*PdServerReport) (const char *token,
                                    const char *campaign,
                                    GBytes **ret_page,
                                    char **ret_etag,
                                    gpointer user_data);

typedef struct _PdServer PdServer;

/* Checks a [feeds] listen value without resolving or binding anything:
 * HOST:PORT, [IPv6]:PORT, with a port from 1 to 65535. */
gboolean pd_server_check_listen (const char *listen, GError **error);

/* Splits a raw (percent-encoded) request path of the form
 * /feeds/<campaign>/<rep>.ics into its decoded names, newly allocated.
 * Returns FALSE (nothing written) for any other path, an empty or "." or
 * ".." name, or a name whose decoding holds '/' or NUL. */
gboolean pd_server_split_path (const char *path, char **ret_campaign, char **ret_rep);

/* Splits a raw request path of the form /report/<campaign>.html into the
 * campaign's decoded name, newly allocated; FALSE (nothing written) for
 * any other path or a name as pd_server_split_path() refuses it. */
gboolean pd_server_split_report_path (const char *path, char **ret_campaign);

/* Splits the path and query of a request URI as libsoup parsed it into
 * the path (up to the first '?' or '#') and the raw query (libsoup leaves
 * the query in the path of an HTTP/1.0 request without Host:), both newly
 * allocated, the query NULL when there is none; both NULL for a NULL
 * path. */
void pd_server_split_target (const char *uri_path, const char *uri_query, char **ret_path, char **ret_query);

/* The token of a raw (percent-encoded) query string: the value of its
 * `token` parameter, percent-decoded, newly allocated. NULL when there is
 * none, when there are several, when an escape in it is malformed or
 * decodes to NUL, or when it is not a well-formed token (PD_TOKEN_LENGTH
 * lowercase hex digits). */
char *pd_server_query_token (const char *query);

/* How a request path is written to the log (newly allocated): cut before
 * the first character that is not a letter, digit, '-', '.', '_', '~',
 * '/' or '%', before an escaped '?' or '#' (whatever follows could be a
 * token), and at 200 bytes, with "… (N bytes)" when cut; "-" for NULL. */
char *pd_server_log_path (const char *path);

/* Whether an If-None-Match value matches `etag` (weak comparison: W/
 * prefixes ignored; "*" matches). */
gboolean pd_server_etag_matches (const char *if_none_match, const char *etag);

/* Listens on `listen` (every address a host name resolves to) and serves
 * requests from the thread-default main context; with `listen` NULL,
 * listens nowhere and serves only what pd_server_accept_stream() hands
 * it (tests, the fuzz target). `resolve` is called with `user_data` for
 * each feed request. Returns a new server, or NULL with error set
 * (PD_SERVER_ERROR_INVALID, PD_SERVER_ERROR_LISTEN naming the address). */
PdServer *pd_server_new (const char *listen,
                         guint max_connections,
                         PdServerResolve resolve,
                         gpointer user_data,
                         GError **error);

/* Serves reports too: `report` is called with `user_data` for each
 * request of a report path that carries a well-formed token. Without it
 * (the default) report paths get the 404 of every miss. */
void pd_server_set_report (PdServer *server, PdServerReport report, gpointer user_data);

/* Serves a connection accepted elsewhere, from `remote` (an address
 * object of its own: libsoup hands it back with each request, so it names
 * the connection), under the limits above. Returns FALSE when the limits
 * refused it (it is then closed). */
gboolean pd_server_accept (PdServer *server, GSocketConnection *connection, GSocketAddress *remote);

/* The listen value and connection limit the server was started with. */
const char *pd_server_get_listen (const PdServer *server);
guint pd_server_get_max_connections (const PdServer *server);

/* Connections not yet let go of (counted, or closing). */
guint pd_server_get_open_connections (const PdServer *server);

/* Stops listening, closes every connection and frees the server. Accepts
 * NULL. */
void pd_server_free (PdServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdServer, pd_server_free)
