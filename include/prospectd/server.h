/* SPDX-License-Identifier: MIT
 *
 * server: the HTTP feed server (libsoup 3, on the caller's GLib main loop).
 *
 * Serves GET and HEAD of /feeds/<campaign>/<rep>.ics?token=<secret>: the
 * feed file as the daemon wrote it, with ETag (a hash of the body),
 * Last-Modified (the file's mtime) and Cache-Control, and 304 answers to
 * If-None-Match / If-Modified-Since. The campaign and rep of the URL are
 * only ever compared with known names: the server asks its owner (the
 * resolve callback) for the file path and the expected token of a
 * (campaign, rep) it knows, so no part of the URL reaches the file system.
 * A wrong or missing token, an unknown campaign or rep and any other path
 * get the same 404; other methods 405; a request line over 2 KiB 414.
 *
 * Limits: at most `max_connections` connections at once (more wait in the
 * kernel's accept queue until one closes), a connection idle for 10 s is
 * closed, and any connection is closed after 60 s whatever it does
 * (libsoup also caps a request's headers at 64 KiB). Every request is
 * logged with its method, path (never the query, which holds the token)
 * and status. server.c is the only file of prospectd that includes
 * libsoup; pd_server_check_listen() and the error quark live in listen.c,
 * without it.
 */
#pragma once

#include <glib.h>

#define PD_SERVER_ERROR (pd_server_error_quark ())
GQuark pd_server_error_quark (void);

typedef enum {
  PD_SERVER_ERROR_INVALID, /* `listen` is not HOST:PORT */
  PD_SERVER_ERROR_LISTEN,  /* the address cannot be resolved or bound */
} PdServerError;

/* Longest request target (path and query) answered; longer gets 414. */
#define PD_SERVER_MAX_URI 2048

/* What the server asks its owner for each request whose path names a
 * feed: whether (campaign, rep) — the URL's names, percent-decoded — is a
 * feed it serves. When it is, writes the feed file's path and the
 * expected token (both newly allocated; the token may be NULL when none
 * was issued) and returns TRUE. */
typedef gboolean (*PdServerResolve) (const char *campaign,
                                     const char *rep,
                                     char **ret_path,
                                     char **ret_token,
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

/* Whether an If-None-Match value matches `etag` (weak comparison: W/
 * prefixes ignored; "*" matches). */
gboolean pd_server_etag_matches (const char *if_none_match, const char *etag);

/* Listens on `listen` (every address a host name resolves to) and serves
 * requests from the thread-default main context. `resolve` is called
 * with `user_data` for each feed request. Returns a new server, or NULL
 * with error set (PD_SERVER_ERROR_INVALID, PD_SERVER_ERROR_LISTEN naming
 * the address). */
PdServer *pd_server_new (const char *listen,
                         guint max_connections,
                         PdServerResolve resolve,
                         gpointer user_data,
                         GError **error);

/* The listen value and connection limit the server was started with. */
const char *pd_server_get_listen (const PdServer *server);
guint pd_server_get_max_connections (const PdServer *server);

/* Stops listening, closes every connection and frees the server. Accepts
 * NULL. */
void pd_server_free (PdServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdServer, pd_server_free)
