/* SPDX-License-Identifier: MIT
 *
 * server: the HTTP feed server (see the header for what it answers).
 *
 * libsoup does the HTTP; this file decides what to answer. Connections are
 * accepted by our own GSocketService and handed to the SoupServer with
 * soup_server_accept_iostream(), which is what lets us count them: a weak
 * reference on each connection tells us when libsoup has let go of it.
 * When max_connections are open the service stops accepting; further
 * clients wait in the kernel's listen queue (not refused) until one
 * closes. Each accepted socket gets an inactivity timeout (g_socket_set_
 * timeout: libsoup's reads and writes then fail with TIMED_OUT) and a
 * hard deadline after which it is shut down, so slow clients cannot hold
 * the slots for ever.
 */
#define G_LOG_DOMAIN "prospectd-server"

#include "prospectd/server.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "prospectd/token.h"

#define IDLE_TIMEOUT_S 10
#define LIFETIME_S 60
#define LISTEN_BACKLOG 128
/* A feed is a few hundred KiB at most; anything bigger is not ours. */
#define MAX_FEED_BYTES (16 * 1024 * 1024)
/* Calendar clients poll on their own schedule; this only bounds how long
 * a cached copy may be reused without asking (304s are cheap). */
#define CACHE_CONTROL "private, max-age=300"

static const char not_found_body[] = "Not Found\n";

typedef struct {
  PdServer *server;
  GSocketConnection *connection; /* not a reference: weakly watched */
  guint deadline;                /* the LIFETIME_S timeout source */
} Connection;

struct _PdServer {
  char *listen;
  guint max_connections;
  PdServerResolve resolve;
  gpointer user_data;
  SoupServer *soup;             /* owned */
  GSocketService *service;      /* owned */
  GHashTable *connections;      /* GSocketConnection* -> Connection*, owned values */
  gboolean accepting;
};

/* ------------------------------------------------------------- parsing */

/* One percent-decoded path segment, or NULL when it is not a plain name. */
static char *
decode_name (const char *raw, gsize length)
{
  g_autofree char *segment = g_strndup (raw, length);
  /* NULL when an escape is malformed or decodes to '/' or NUL. */
  char *name = g_uri_unescape_string (segment, "/");

  if (name == NULL || *name == '\0' || g_str_equal (name, ".") || g_str_equal (name, ".."))
    {
      g_free (name);
      return NULL;
    }
  return name;
}

gboolean
pd_server_split_path (const char *path, char **ret_campaign, char **ret_rep)
{
  static const char prefix[] = "/feeds/";
  static const char suffix[] = ".ics";
  const char *campaign_start, *slash, *rep_start;
  gsize rep_length;
  g_autofree char *campaign = NULL;
  g_autofree char *rep = NULL;

  if (path == NULL || !g_str_has_prefix (path, prefix))
    return FALSE;
  campaign_start = path + strlen (prefix);
  slash = strchr (campaign_start, '/');
  if (slash == NULL || strchr (slash + 1, '/') != NULL)
    return FALSE;
  rep_start = slash + 1;
  if (!g_str_has_suffix (rep_start, suffix))
    return FALSE;
  rep_length = strlen (rep_start) - strlen (suffix);
  campaign = decode_name (campaign_start, (gsize) (slash - campaign_start));
  rep = decode_name (rep_start, rep_length);
  if (campaign == NULL || rep == NULL)
    return FALSE;
  *ret_campaign = g_steal_pointer (&campaign);
  *ret_rep = g_steal_pointer (&rep);
  return TRUE;
}

gboolean
pd_server_etag_matches (const char *if_none_match, const char *etag)
{
  g_auto (GStrv) candidates = NULL;
  const char *bare = g_str_has_prefix (etag, "W/") ? etag + 2 : etag;

  if (if_none_match == NULL)
    return FALSE;
  candidates = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; candidates[i] != NULL; i++)
    {
      const char *candidate = g_strstrip (candidates[i]);
      if (g_str_has_prefix (candidate, "W/"))
        candidate += 2;
      if (g_str_equal (candidate, "*") || g_str_equal (candidate, bare))
        return TRUE;
    }
  return FALSE;
}

/* ------------------------------------------------------------ answers */

static void
answer_not_found (SoupServerMessage *msg)
{
  /* One answer for every miss: which part was wrong is nobody's business. */
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC, not_found_body,
                                    strlen (not_found_body));
}

static void
answer_status (SoupServerMessage *msg, guint status)
{
  g_autofree char *body = g_strdup_printf ("%s\n", soup_status_get_phrase (status));
  gsize length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_TAKE, g_steal_pointer (&body),
                                    length);
}

/* The whole file at `path` (opened without following a symbolic link) and
 * its status; FALSE when it cannot be read (logged at debug level: a feed
 * not written yet is ordinary). */
static gboolean
read_feed (const char *path, GBytes **ret_contents, struct stat *ret_stat)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  g_autofree char *data = NULL;
  gsize filled = 0;
  struct stat st;

  if (fd < 0)
    {
      g_debug ("feed not readable: '%s': %s", path, g_strerror (errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_FEED_BYTES)
    {
      g_debug ("feed not served: '%s': not a regular file of at most %d bytes", path, MAX_FEED_BYTES);
      close (fd);
      return FALSE;
    }
  data = g_malloc ((gsize) st.st_size + 1);
  while (filled < (gsize) st.st_size)
    {
      ssize_t got = read (fd, data + filled, (gsize) st.st_size - filled);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        break;
      filled += (gsize) got;
    }
  close (fd);
  if (filled != (gsize) st.st_size)
    {
      g_debug ("feed not served: '%s': short read", path);
      return FALSE;
    }
  *ret_contents = g_bytes_new_take (g_steal_pointer (&data), filled);
  *ret_stat = st;
  return TRUE;
}

static void
serve_feed (SoupServerMessage *msg, const char *path)
{
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (GDateTime) modified = NULL;
  g_autofree char *hash = NULL, *etag = NULL, *last_modified = NULL;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *if_none_match, *if_modified_since;
  gboolean not_modified = FALSE;
  struct stat st;
  gsize length;
  gconstpointer data;

  if (!read_feed (path, &contents, &st))
    {
      answer_not_found (msg);
      return;
    }
  data = g_bytes_get_data (contents, &length);
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  etag = g_strdup_printf ("\"%.32s\"", hash);
  modified = g_date_time_new_from_unix_utc (st.st_mtime);
  last_modified = modified != NULL ? soup_date_time_to_string (modified, SOUP_DATE_HTTP) : NULL;

  /* RFC 9110 13.2.2: If-None-Match, when present, decides alone. */
  if_none_match = soup_message_headers_get_list (request, "If-None-Match");
  if_modified_since = soup_message_headers_get_one (request, "If-Modified-Since");
  if (if_none_match != NULL)
    not_modified = pd_server_etag_matches (if_none_match, etag);
  else if (if_modified_since != NULL)
    {
      g_autoptr (GDateTime) since = soup_date_time_new_from_http_string (if_modified_since);
      not_modified = since != NULL && g_date_time_to_unix (since) >= (gint64) st.st_mtime;
    }

  soup_message_headers_replace (response, "ETag", etag);
  if (last_modified != NULL)
    soup_message_headers_replace (response, "Last-Modified", last_modified);
  soup_message_headers_replace (response, "Cache-Control", CACHE_CONTROL);
  if (not_modified)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  /* For HEAD libsoup sends the headers (Content-Length included), not the body. */
  soup_message_headers_set_content_type (response, "text/calendar; charset=utf-8", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), contents);
}

static void
handle_request (SoupServer *soup, SoupServerMessage *msg, const char *unused_path, GHashTable *query,
                gpointer user_data)
{
  PdServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *raw_query = uri != NULL ? g_uri_get_query (uri) : NULL;
  const char *token = query != NULL ? g_hash_table_lookup (query, "token") : NULL;
  g_autofree char *campaign = NULL, *rep = NULL, *feed_path = NULL, *expected = NULL;

  (void) soup;
  (void) unused_path;
  if (path == NULL || strlen (path) + (raw_query != NULL ? strlen (raw_query) + 1 : 0) > PD_SERVER_MAX_URI)
    {
      answer_status (msg, SOUP_STATUS_REQUEST_URI_TOO_LONG);
      return;
    }
  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      answer_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }
  /* The names from the URL are only compared: the owner answers with a
   * path of its own making for a (campaign, rep) it knows. */
  if (!pd_server_split_path (path, &campaign, &rep) ||
      !server->resolve (campaign, rep, &feed_path, &expected, server->user_data) ||
      expected == NULL || token == NULL || !pd_token_equal (expected, token))
    {
      answer_not_found (msg);
      return;
    }
  serve_feed (msg, feed_path);
}

/* Method, path (never the query: it holds the token) and status. */
static void
log_request (SoupServerMessage *msg, const char *outcome)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : "?";
  const char *method = soup_server_message_get_method (msg);
  const char *remote = soup_server_message_get_remote_host (msg);
  gsize length = strlen (path);
  /* A client chooses the path: keep the log line short and printable. */
  g_autofree char *cut = g_strndup (path, MIN (length, 200));
  g_autofree char *shown = g_strescape (cut, NULL);

  if (length > 200)
    {
      g_autofree char *longer = g_strdup_printf ("%s… (%" G_GSIZE_FORMAT " bytes)", shown, length);
      g_free (shown);
      shown = g_steal_pointer (&longer);
    }
  g_message ("%s %s %s: %u%s", remote != NULL ? remote : "?", method != NULL ? method : "?", shown,
             soup_server_message_get_status (msg), outcome);
}

static void
on_request_finished (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  (void) soup;
  (void) user_data;
  log_request (msg, "");
}

static void
on_request_aborted (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  (void) soup;
  (void) user_data;
  log_request (msg, " (aborted)");
}

/* -------------------------------------------------------- connections */

static void
update_accepting (PdServer *server)
{
  gboolean room = g_hash_table_size (server->connections) < server->max_connections;

  if (server->service == NULL || room == server->accepting)
    return;
  server->accepting = room;
  if (room)
    g_socket_service_start (server->service);
  else
    {
      g_debug ("%u connections open: new ones wait", server->max_connections);
      g_socket_service_stop (server->service);
    }
}

static void
connection_free (gpointer data)
{
  Connection *c = data;

  if (c->deadline != 0)
    g_source_remove (c->deadline);
  g_free (c);
}

static gboolean
on_deadline (gpointer data)
{
  Connection *c = data;

  c->deadline = 0;
  g_debug ("connection open for %d s: closing it", LIFETIME_S);
  /* libsoup sees the end of the stream and lets the connection go. */
  g_socket_shutdown (g_socket_connection_get_socket (c->connection), TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_connection_gone (gpointer data, GObject *where_the_object_was)
{
  Connection *c = data;
  PdServer *server = c->server;

  g_hash_table_remove (server->connections, where_the_object_was);
  update_accepting (server);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
  PdServer *server = user_data;
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr (GError) error = NULL;
  Connection *c;

  (void) service;
  (void) source;
  g_socket_set_timeout (g_socket_connection_get_socket (connection), IDLE_TIMEOUT_S);
  if (!soup_server_accept_iostream (server->soup, G_IO_STREAM (connection), local, remote, &error))
    {
      g_warning ("cannot serve a connection: %s", error->message);
      return TRUE;
    }
  c = g_new0 (Connection, 1);
  c->server = server;
  c->connection = connection;
  c->deadline = g_timeout_add_seconds (LIFETIME_S, on_deadline, c);
  g_hash_table_insert (server->connections, connection, c);
  g_object_weak_ref (G_OBJECT (connection), on_connection_gone, c);
  update_accepting (server);
  return TRUE;
}

/* --------------------------------------------------------- lifecycle */

PdServer *
pd_server_new (const char *listen, guint max_connections, PdServerResolve resolve, gpointer user_data,
               GError **error)
{
  g_autoptr (PdServer) server = NULL;
  g_autoptr (GSocketConnectable) connectable = NULL;
  g_autoptr (GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr (GError) local_error = NULL;
  guint bound = 0;

  g_return_val_if_fail (resolve != NULL, NULL);
  g_return_val_if_fail (max_connections > 0, NULL);

  if (!pd_server_check_listen (listen, error))
    return NULL;
  server = g_new0 (PdServer, 1);
  server->listen = g_strdup (listen);
  server->max_connections = max_connections;
  server->resolve = resolve;
  server->user_data = user_data;
  server->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, connection_free);
  /* raw-paths: the handler decodes each path segment itself, so that an
   * encoded '/' stays inside its segment (and is then refused). */
  server->soup = soup_server_new ("raw-paths", TRUE, NULL);
  soup_server_add_handler (server->soup, NULL, handle_request, server, NULL);
  g_signal_connect (server->soup, "request-finished", G_CALLBACK (on_request_finished), server);
  g_signal_connect (server->soup, "request-aborted", G_CALLBACK (on_request_aborted), server);

  server->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (server->service), LISTEN_BACKLOG);
  connectable = g_network_address_parse (listen, 0, NULL);
  enumerator = g_socket_connectable_enumerate (connectable);
  for (;;)
    {
      g_autoptr (GSocketAddress) address = g_socket_address_enumerator_next (enumerator, NULL, &local_error);

      if (address == NULL)
        break;
      if (!g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL, NULL, &local_error))
        break;
      bound++;
    }
  if (local_error != NULL || bound == 0)
    {
      g_set_error (error, PD_SERVER_ERROR, PD_SERVER_ERROR_LISTEN, _("Cannot listen on '%s': %s"), listen,
                   local_error != NULL ? local_error->message : _("no address"));
      return NULL;
    }
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  server->accepting = TRUE;
  g_socket_service_start (server->service);
  return g_steal_pointer (&server);
}

const char *
pd_server_get_listen (const PdServer *server)
{
  return server->listen;
}

guint
pd_server_get_max_connections (const PdServer *server)
{
  return server->max_connections;
}

void
pd_server_free (PdServer *server)
{
  GHashTableIter iter;
  gpointer key, value;

  if (server == NULL)
    return;
  if (server->service != NULL)
    {
      g_socket_service_stop (server->service);
      g_socket_listener_close (G_SOCKET_LISTENER (server->service));
      g_clear_object (&server->service);
    }
  if (server->soup != NULL)
    {
      /* Closes the connections libsoup holds; their weak references fire
       * now, while the server is still whole. */
      soup_server_disconnect (server->soup);
      g_clear_object (&server->soup);
    }
  /* Any connection still alive elsewhere must not call back into us. */
  g_hash_table_iter_init (&iter, server->connections);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_object_weak_unref (key, on_connection_gone, value);
  g_hash_table_unref (server->connections);
  g_free (server->listen);
  g_free (server);
}
