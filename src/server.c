/* SPDX-License-Identifier: MIT
 *
 * server: the HTTP feed server (see the header for what it answers).
 *
 * libsoup does the HTTP; this file decides what to answer, and who gets a
 * connection and for how long. libsoup 3 has no hook between accept()
 * and its first read, no deadline for a request's head (its only
 * timeouts are per read or write, which a client sending a byte every few
 * seconds never trips), and it allocates for a connection as soon as it
 * has it. So connections are accepted by our own GSocketService, and
 * each is handed to the SoupServer (soup_server_accept_iostream()) only
 * once its whole request head has arrived and passed our checks:
 *
 *  - a client address holds at most max_per_client connections: more are
 *    closed at once;
 *  - the request head is peeked at (MSG_PEEK, never consumed: libsoup
 *    reads it whole afterwards) as it arrives, with SO_RCVLOWAT so that
 *    the socket wakes us only when there is more; it must be complete
 *    within REQUEST_TIMEOUT_S of the accept and within MAX_REQUEST_HEAD
 *    bytes, and free of what libsoup 3.2.3 mishandles (check_head());
 *  - with every waiting place taken, a new connection takes the place of
 *    one still reading its head, from the network (an IPv4 address's
 *    /24, an IPv6 address's /64) that holds the most of them, the
 *    newcomer counted with its own: there, one that has sent nothing
 *    first, then the oldest. A client that sends its request at once is
 *    answered within a few turns of the main loop whatever slow clients
 *    hold, instead of queueing behind them in the kernel's listen queue,
 *    and a flood from one network (one per-address limit per address)
 *    cannot push out another network's clients (see pick_replaced());
 *  - a conditional GET or HEAD of a feed that has not changed is answered
 *    304 here, as soon as its head is in (answer_not_modified()): a
 *    calendar client's poll, the commonest request, costs no libsoup
 *    connection, message or stream;
 *  - in libsoup's hands, a read or write that makes no progress for
 *    IDLE_TIMEOUT_S fails (g_socket_set_timeout), the request's body must
 *    be in within REQUEST_TIMEOUT_S of the accept too (and is dropped),
 *    each connection serves one request (see on_request_started()), and
 *    none lives beyond LIFETIME_S.
 *
 * Until the hand-over a connection costs a GSocketConnection and, when
 * its head is not in at the accept, two timers and a socket source;
 * nothing per byte received (the head stays in the kernel's
 * buffer; one peek buffer serves them all). A connection we end stops
 * counting at once; libsoup lets go of one it had on its next turn (a
 * weak reference on the stream tells us), and at most twice
 * max_connections connections exist at any time, so memory and
 * descriptors stay bounded whatever clients do.
 */
#define G_LOG_DOMAIN "prospectd-server"

#include "prospectd/server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "prospectd/token.h"

#define REQUEST_TIMEOUT_S 5
/* A feed request is a few hundred bytes; libsoup would take 64 KiB. */
#define MAX_REQUEST_HEAD (16 * 1024)
#define MAX_REQUEST_BODY (64 * 1024)
#define IDLE_TIMEOUT_S 10
#define LIFETIME_S 60
/* The kernel's accept queue (capped by net.core.somaxconn): a burst of
 * connections waits there instead of having its SYNs dropped, which would
 * cost each client a retransmission 1 s later. */
#define LISTEN_BACKLOG 1024
/* Longest path shown in the log, in bytes. */
#define LOG_PATH_MAX 200
/* Calendar clients poll on their own schedule; this only bounds how long
 * a cached copy may be reused without asking (304s are cheap). */
#define CACHE_CONTROL "private, max-age=300"

static const char not_found_body[] = "Not Found\n";

/* The client addresses of one network (see network_text()), for sharing
 * the waiting places between networks. */
typedef struct {
  char *text;    /* owned; also the key of PdServer.networks */
  guint clients; /* Client entries pointing here */
  guint peeking; /* their connections in STATE_PEEKING */
} Network;

/* The connections open from one client address. */
typedef struct {
  PdServer *server;
  char *address;    /* owned; also the key of PdServer.clients */
  Network *network; /* a reference (Network.clients) */
  guint open;       /* connections counted against the limits */
  gboolean warned;
} Client;

typedef enum {
  STATE_PEEKING, /* its request head is arriving */
  STATE_READY,   /* its request head is in: it waits for libsoup to have room */
  STATE_HANDED,  /* libsoup has it */
} ConnectionState;

typedef struct {
  PdServer *server;
  GSocketConnection *stream; /* a reference until handed to libsoup, then
                              * weakly watched; the key of PdServer.connections */
  GSocketAddress *remote;    /* a reference: libsoup hands this very object
                              * back with each message, so it names the
                              * connection (the key of PdServer.by_remote) */
  Client *client;            /* NULL once no longer counted */
  ConnectionState state;
  GList ready_link;          /* in PdServer.ready while STATE_READY */
  GList peeking_link;        /* in PdServer.peeking_order while counted in STATE_PEEKING */
  gint64 accepted;           /* monotonic µs */
  gsize peeked;              /* bytes of the request head seen so far */
  GSource *readable;         /* owned, while STATE_PEEKING */
  GSource *request_deadline; /* REQUEST_TIMEOUT_S source, until the request is in; owned */
  GSource *lifetime;         /* LIFETIME_S source, owned */
} Connection;

struct _PdServer {
  char *listen;
  guint max_connections;
  guint max_per_client;
  PdServerResolve resolve;
  gpointer user_data;
  PdServerReport report;   /* NULL: no report is served */
  gpointer report_data;
  SoupServer *soup;        /* owned */
  GSocketService *service; /* owned; NULL for a server without a listen address */
  GHashTable *connections; /* GSocketConnection* -> Connection*, owned values */
  GHashTable *by_remote;   /* GSocketAddress* -> Connection*, not owned */
  GHashTable *clients;     /* address -> Client*, owned values */
  GHashTable *networks;    /* network text -> Network*, owned values */
  GHashTable *etags;       /* feed path -> EtagEntry*, both owned */
  guint max_waiting;
  guint peeking;           /* counted connections in STATE_PEEKING */
  GQueue *peeking_order;   /* the same, oldest first */
  GQueue *ready;           /* Connection* in STATE_READY, first in first */
  guint handed;            /* counted connections in STATE_HANDED */
  gboolean accepting;
  gboolean closing;        /* in pd_server_free() */
  gint64 date_second;      /* of `date`, in s since the epoch */
  char date[40];           /* the Date of our own answers (date_now()) */
  char head[MAX_REQUEST_HEAD]; /* where request heads are peeked at */
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
pd_server_split_report_path (const char *path, char **ret_campaign)
{
  static const char prefix[] = "/report/";
  static const char suffix[] = ".html";
  const char *start;
  char *campaign;

  if (path == NULL || !g_str_has_prefix (path, prefix))
    return FALSE;
  start = path + strlen (prefix);
  if (strchr (start, '/') != NULL || !g_str_has_suffix (start, suffix))
    return FALSE;
  campaign = decode_name (start, strlen (start) - strlen (suffix));
  if (campaign == NULL)
    return FALSE;
  *ret_campaign = campaign;
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


void
pd_server_split_target (const char *uri_path, const char *uri_query, char **ret_path, char **ret_query)
{
  const char *end;

  if (uri_path == NULL)
    {
      *ret_path = NULL;
      *ret_query = NULL;
      return;
    }
  /* libsoup leaves a request target's query in its path when it builds
   * the URI itself (HTTP/1.0 without Host:); a fragment has no business
   * in a request target at all. */
  end = uri_path + strcspn (uri_path, "?#");
  *ret_path = g_strndup (uri_path, (gsize) (end - uri_path));
  if (uri_query != NULL)
    *ret_query = g_strdup (uri_query);
  else if (*end == '?')
    *ret_query = g_strndup (end + 1, strcspn (end + 1, "#"));
  else
    *ret_query = NULL;
}

static gboolean
well_formed_token (const char *text)
{
  if (strlen (text) != PD_TOKEN_LENGTH)
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c) && !(*c >= 'a' && *c <= 'f'))
      return FALSE;
  return TRUE;
}

char *
pd_server_query_token (const char *query)
{
  g_auto (GStrv) params = NULL;
  g_autofree char *token = NULL;
  gboolean refused = FALSE;

  if (query == NULL)
    return NULL;
  params = g_strsplit (query, "&", -1);
  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *equals = strchr (params[i], '=');
      g_autofree char *raw_name = g_strndup (params[i], equals != NULL ? (gsize) (equals - params[i])
                                                                       : strlen (params[i]));
      /* NULL for a malformed escape or one that decodes to NUL. */
      g_autofree char *name = g_uri_unescape_string (raw_name, NULL);
      g_autofree char *value = NULL;

      if (name == NULL || !g_str_equal (name, "token"))
        continue;
      value = g_uri_unescape_string (equals != NULL ? equals + 1 : "", NULL);
      if (token != NULL || value == NULL || !well_formed_token (value))
        refused = TRUE;
      else
        token = g_steal_pointer (&value);
    }
  return refused ? NULL : g_steal_pointer (&token);
}

char *
pd_server_log_path (const char *path)
{
  static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%";
  gsize length, shown;

  if (path == NULL)
    return g_strdup ("-");
  /* Up to the first character a plain path does not hold, and to an
   * escaped '?' or '#' (a client that encoded its query into the path):
   * whatever follows could be a token. */
  length = strspn (path, plain);
  for (gsize i = 0; i + 2 < length; i++)
    if (path[i] == '%' &&
        (g_ascii_strncasecmp (path + i, "%3f", 3) == 0 || g_ascii_strncasecmp (path + i, "%23", 3) == 0))
      {
        length = i;
        break;
      }
  shown = MIN (length, LOG_PATH_MAX);
  if (shown == strlen (path))
    return g_strndup (path, shown);
  return g_strdup_printf ("%.*s… (%" G_GSIZE_FORMAT " bytes)", (int) shown, path, strlen (path));
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

typedef enum {
  FEED_OPEN,
  FEED_MISSING, /* not written yet: an ordinary 404 */
  FEED_REFUSED, /* there, but not a feed we serve: logged, 500 */
} FeedOutcome;

/* The feed file at `path`, opened without following a symbolic link, in
 * *ret_fd, and its status. */
static FeedOutcome
open_feed (const char *path, int *ret_fd, struct stat *ret_stat)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat st;

  if (fd < 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        {
          g_debug ("feed not written yet: '%s'", path);
          return FEED_MISSING;
        }
      g_warning ("feed not served: '%s': %s", path, g_strerror (saved));
      return FEED_REFUSED;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_warning ("feed not served: '%s' is not a regular file", path);
      close (fd);
      return FEED_REFUSED;
    }
  if (st.st_size > PD_SERVER_MAX_FEED_BYTES)
    {
      g_warning ("feed not served: '%s' is %" G_GINT64_FORMAT " bytes, over the serving limit of %d MiB",
                 path, (gint64) st.st_size, PD_SERVER_MAX_FEED_BYTES / (1024 * 1024));
      close (fd);
      return FEED_REFUSED;
    }
  *ret_fd = fd;
  *ret_stat = st;
  return FEED_OPEN;
}

/* The whole of the open file `fd`, `st` its status, in one buffer read
 * once (it becomes the response body as it is), or NULL when it was
 * replaced while read (logged). */
static GBytes *
read_feed (const char *path, int fd, const struct stat *st)
{
  g_autofree char *data = g_malloc ((gsize) st->st_size + 1);
  gsize filled = 0;

  while (filled < (gsize) st->st_size)
    {
      ssize_t got = read (fd, data + filled, (gsize) st->st_size - filled);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        break;
      filled += (gsize) got;
    }
  if (filled != (gsize) st->st_size)
    {
      /* Changed in place while we read it: the next poll gets the new one. */
      g_warning ("feed not served: '%s': short read (%" G_GSIZE_FORMAT " of %" G_GINT64_FORMAT " bytes)", path,
                 filled, (gint64) st->st_size);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), filled);
}

/* The ETag of a file's content, kept for as long as the file at that path
 * is the same: same device and inode (feeds are replaced by a rename, so
 * a new version is a new inode), size and modification time to the
 * nanosecond (a file changed in place). A 304 then costs an open() and an
 * fstat(), not a read and a hash of the whole feed. */
typedef struct {
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  char etag[40];
  char last_modified[40]; /* the mtime as an HTTP date, or "" */
} EtagEntry;

static gboolean
etag_entry_matches (const EtagEntry *entry, const struct stat *st)
{
  return entry->dev == st->st_dev && entry->ino == st->st_ino && entry->size == st->st_size
         && entry->mtime.tv_sec == st->st_mtim.tv_sec && entry->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The ETag of `contents`: the first 128 bits of its SHA-256, quoted. */
static void
etag_entry_set (EtagEntry *entry, const struct stat *st, GBytes *contents)
{
  gsize length;
  gconstpointer data = g_bytes_get_data (contents, &length);
  g_autofree char *hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  g_autoptr (GDateTime) modified = g_date_time_new_from_unix_utc (st->st_mtime);
  g_autofree char *last_modified = modified != NULL ? soup_date_time_to_string (modified, SOUP_DATE_HTTP) : NULL;

  g_strlcpy (entry->last_modified, last_modified != NULL ? last_modified : "", sizeof entry->last_modified);
  entry->dev = st->st_dev;
  entry->ino = st->st_ino;
  entry->size = st->st_size;
  entry->mtime = st->st_mtim;
  g_snprintf (entry->etag, sizeof entry->etag, "\"%.32s\"", hash);
}

/* Whether the request's validators say the client's copy of the feed
 * whose current ETag entry and status are `entry` and `st` is current.
 * RFC 9110 13.2.2: If-None-Match, when present, decides alone. */
static gboolean
feed_not_modified (SoupMessageHeaders *request, const EtagEntry *entry, const struct stat *st)
{
  const char *if_none_match = soup_message_headers_get_list (request, "If-None-Match");
  const char *if_modified_since = soup_message_headers_get_one (request, "If-Modified-Since");

  if (if_none_match != NULL)
    return pd_server_etag_matches (if_none_match, entry->etag);
  if (if_modified_since != NULL)
    {
      g_autoptr (GDateTime) since = soup_date_time_new_from_http_string (if_modified_since);
      return since != NULL && g_date_time_to_unix (since) >= (gint64) st->st_mtime;
    }
  return FALSE;
}

static void
serve_feed (PdServer *server, SoupServerMessage *msg, const char *path)
{
  g_autoptr (GBytes) contents = NULL;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  gboolean not_modified;
  EtagEntry *entry;
  struct stat st;
  int fd = -1;

  switch (open_feed (path, &fd, &st))
    {
    case FEED_OPEN:
      break;
    case FEED_MISSING:
      answer_not_found (msg);
      return;
    case FEED_REFUSED:
    default:
      answer_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }
  entry = g_hash_table_lookup (server->etags, path);
  if (entry == NULL || !etag_entry_matches (entry, &st))
    {
      contents = read_feed (path, fd, &st);
      if (contents == NULL)
        {
          close (fd);
          answer_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
          return;
        }
      if (entry == NULL)
        {
          entry = g_new0 (EtagEntry, 1);
          g_hash_table_insert (server->etags, g_strdup (path), entry);
        }
      etag_entry_set (entry, &st, contents);
    }
  not_modified = feed_not_modified (request, entry, &st);
  soup_message_headers_replace (response, "ETag", entry->etag);
  if (entry->last_modified[0] != '\0')
    soup_message_headers_replace (response, "Last-Modified", entry->last_modified);
  soup_message_headers_replace (response, "Cache-Control", CACHE_CONTROL);
  soup_message_headers_replace (response, "Accept-Ranges", "none");
  if (not_modified)
    {
      close (fd);
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  /* The file read once, from the descriptor whose status gave the ETag. */
  if (contents == NULL)
    contents = read_feed (path, fd, &st);
  close (fd);
  if (contents == NULL)
    {
      soup_message_headers_remove (response, "ETag");
      soup_message_headers_remove (response, "Last-Modified");
      soup_message_headers_remove (response, "Cache-Control");
      answer_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  /* For HEAD libsoup sends the headers (Content-Length included), not the body. */
  soup_message_headers_set_content_type (response, "text/calendar; charset=utf-8", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), contents);
}

/* A report page (PdServerReport): 200 with the page, or 304 when the
 * client's If-None-Match names its ETag. The page changes with the
 * campaign's data, not with a file's time: no Last-Modified, and
 * If-Modified-Since is not read. */
static void
serve_report (SoupServerMessage *msg, GBytes *page, const char *etag)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (response, "ETag", etag);
  soup_message_headers_replace (response, "Cache-Control", "private, no-cache");
  soup_message_headers_replace (response, "Accept-Ranges", "none");
  /* The page needs nothing from anywhere: a browser holds it to that. */
  soup_message_headers_replace (response, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
  soup_message_headers_replace (response, "X-Content-Type-Options", "nosniff");
  /* The token is in the page's URL: never sent on as a Referer. */
  soup_message_headers_replace (response, "Referrer-Policy", "no-referrer");
  if (pd_server_etag_matches (soup_message_headers_get_list (request, "If-None-Match"), etag))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (response, "text/html; charset=utf-8", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), page);
}

static void
handle_request (SoupServer *soup, SoupServerMessage *msg, const char *unused_path, GHashTable *unused_query,
                gpointer user_data)
{
  PdServer *server = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *path = NULL, *query = NULL, *token = NULL;
  g_autofree char *campaign = NULL, *rep = NULL, *feed_path = NULL;

  (void) soup;
  (void) unused_path;
  (void) unused_query;
  /* A feed is small: the whole of it is the answer. libsoup would build
   * a multipart answer of every range asked for (20 000 ranges of one
   * feed: hundreds of MB held for a client that need not read them). */
  soup_message_headers_remove (request, "Range");
  soup_message_headers_remove (request, "If-Range");

  /* Our own reading of the target: the token is taken from the query,
   * wherever libsoup left it, and the rest never looks at the query. */
  pd_server_split_target (uri != NULL ? g_uri_get_path (uri) : NULL, uri != NULL ? g_uri_get_query (uri) : NULL,
                          &path, &query);
  if (path == NULL || strlen (path) + (query != NULL ? strlen (query) + 1 : 0) > PD_SERVER_MAX_URI)
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
  /* The token first: the owner finds the feed by its token, and only a
   * feed found that way is compared with the URL's names, so a miss
   * costs the same whether the names exist or not. */
  token = pd_server_query_token (query);
  if (token != NULL && server->report != NULL && pd_server_split_report_path (path, &campaign))
    {
      g_autoptr (GBytes) page = NULL;
      g_autofree char *etag = NULL;

      if (!server->report (token, campaign, &page, &etag, server->report_data))
        answer_not_found (msg);
      else
        serve_report (msg, page, etag);
      return;
    }
  if (token == NULL || !pd_server_split_path (path, &campaign, &rep) ||
      !server->resolve (token, campaign, rep, &feed_path, server->user_data))
    {
      answer_not_found (msg);
      return;
    }
  serve_feed (server, msg, feed_path);
}

/* Method, path (after our own parse, cut before anything that could be a
 * query: never a token) and status. */
static void
log_answer (const char *remote, const char *method, const char *path, guint status, const char *outcome)
{
  g_autofree char *shown = pd_server_log_path (path);
  /* libsoup takes anything up to the first space for a method. */
  g_autofree char *cut_method = g_strndup (method != NULL ? method : "?", 16);
  g_autofree char *shown_method = g_strescape (cut_method, NULL);

  g_message ("%s %s %s: %u%s", remote != NULL ? remote : "?", shown_method, shown, status, outcome);
}

static void
log_request (SoupServerMessage *msg, const char *outcome)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *path = NULL, *query = NULL;

  pd_server_split_target (uri != NULL ? g_uri_get_path (uri) : NULL, NULL, &path, &query);
  log_answer (soup_server_message_get_remote_host (msg), soup_server_message_get_method (msg), path,
              soup_server_message_get_status (msg), outcome);
}

/* -------------------------------------------------------- connections */

/* A timeout on the thread-default main context (the server may run on a
 * thread of its own, where g_timeout_add() would attach it to the
 * default context that thread never runs). The source is returned with a
 * reference, to be let go of with clear_source(). */
static GSource *
add_timeout (guint msec, GSourceFunc func, gpointer data)
{
  GSource *source = g_timeout_source_new (msec);

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
network_free (gpointer data)
{
  Network *network = data;

  g_free (network->text);
  g_free (network);
}

static void
client_free (gpointer data)
{
  Client *client = data;
  Network *network = client->network;

  if (--network->clients == 0)
    g_hash_table_remove (client->server->networks, network->text);
  g_free (client->address);
  g_free (client);
}

static void promote (PdServer *server);

/* `c` no longer waits for its request head (it is in, or `c` is gone). */
static void
leave_peeking (Connection *c)
{
  c->server->peeking--;
  c->client->network->peeking--;
  g_queue_unlink (c->server->peeking_order, &c->peeking_link);
}

/* Accepts while a new connection can be given room: below the cap on
 * waiting connections, or with one still reading its head to replace. */
static void
update_accepting (PdServer *server)
{
  gboolean room = server->peeking + server->ready->length < server->max_waiting || server->peeking > 0;

  if (server->service == NULL || server->closing || room == server->accepting)
    return;
  server->accepting = room;
  if (room)
    g_socket_service_start (server->service);
  else
    {
      g_debug ("%u requests wait for a connection slot: new connections wait", server->ready->length);
      g_socket_service_stop (server->service);
    }
}

/* Stops counting `c` against the limits (it is closing). */
static void
connection_uncount (Connection *c)
{
  PdServer *server = c->server;
  Client *client = c->client;

  if (client == NULL)
    return;
  switch (c->state)
    {
    case STATE_PEEKING:
      leave_peeking (c);
      break;
    case STATE_READY:
      g_queue_unlink (server->ready, &c->ready_link);
      break;
    case STATE_HANDED:
    default:
      server->handed--;
      break;
    }
  c->client = NULL;
  if (--client->open == 0)
    g_hash_table_remove (server->clients, client->address);
  if (c->state == STATE_HANDED)
    promote (server);
  update_accepting (server);
}

static void
connection_disarm (Connection *c)
{
  clear_source (&c->request_deadline);
  clear_source (&c->lifetime);
  if (c->readable != NULL)
    {
      g_source_destroy (c->readable);
      g_clear_pointer (&c->readable, g_source_unref);
    }
}

/* The value destructor of PdServer.connections. */
static void
connection_free (gpointer data)
{
  Connection *c = data;

  connection_disarm (c);
  connection_uncount (c);
  g_hash_table_remove (c->server->by_remote, c->remote);
  g_object_unref (c->remote);
  if (c->state != STATE_HANDED)
    g_object_unref (c->stream);
  g_free (c);
}

static GSocket *
connection_socket (Connection *c)
{
  return g_socket_connection_get_socket (c->stream);
}

/* Ends `c`. Before libsoup has it, we close it and forget it at once;
 * after, we shut the socket down under libsoup's feet (its pending read
 * or write fails and it lets the connection go on its next turn) and
 * stop counting it. */
static void
connection_end (Connection *c)
{
  if (c->state != STATE_HANDED)
    {
      /* Unread bytes would turn the close into a reset. */
      if (c->peeked > 0 && recv (g_socket_get_fd (connection_socket (c)), c->server->head, c->peeked, MSG_DONTWAIT) < 0)
        g_debug ("cannot read a dropped request: %s", g_strerror (errno));
      g_io_stream_close (G_IO_STREAM (c->stream), NULL, NULL);
      g_hash_table_remove (c->server->connections, c->stream);
      return;
    }
  connection_disarm (c);
  connection_uncount (c);
  g_socket_shutdown (connection_socket (c), TRUE, TRUE, NULL);
}

/* An answer of our own, for a request libsoup will not see: one send on
 * a fresh socket (its buffer is empty), then the end. */
static void
connection_refuse (Connection *c, guint status, const char *reason)
{
  /* libsoup 3.2 knows no 431. */
  const char *phrase = status == 431 ? "Request Header Fields Too Large" : soup_status_get_phrase (status);
  g_autofree char *answer = g_strdup_printf ("HTTP/1.1 %u %s\r\nConnection: close\r\n"
                                             "Content-Type: text/plain; charset=utf-8\r\n"
                                             "Content-Length: %zu\r\n\r\n%s\n",
                                             status, phrase, strlen (phrase) + 1, phrase);

  g_message ("%s: %u (%s)", c->client != NULL ? c->client->address : "?", status, reason);
  g_socket_send_with_blocking (connection_socket (c), answer, strlen (answer), FALSE, NULL, NULL);
  connection_end (c);
}

static gboolean
on_request_deadline (gpointer data)
{
  Connection *c = data;

  clear_source (&c->request_deadline);
  g_debug ("%s: no whole request within %d s: connection closed", c->client != NULL ? c->client->address : "?",
           REQUEST_TIMEOUT_S);
  connection_end (c);
  return G_SOURCE_REMOVE;
}

static gboolean
on_lifetime (gpointer data)
{
  Connection *c = data;

  clear_source (&c->lifetime);
  g_debug ("%s: connection open for %d s: closed", c->client != NULL ? c->client->address : "?", LIFETIME_S);
  connection_end (c);
  return G_SOURCE_REMOVE;
}

/* Ends `c` LIFETIME_S after its accept (once: a connection that stays). */
static void
arm_lifetime (Connection *c)
{
  gint64 left_ms = LIFETIME_S * 1000 - (g_get_monotonic_time () - c->accepted) / 1000;

  if (c->lifetime == NULL)
    c->lifetime = add_timeout ((guint) CLAMP (left_ms, 0, LIFETIME_S * 1000), on_lifetime, c);
}

static void
on_connection_gone (gpointer data, GObject *where_the_object_was)
{
  Connection *c = data;

  g_hash_table_remove (c->server->connections, where_the_object_was);
}

/* What libsoup 3.2.3 must not see: it leaks the request target of a
 * request whose body encoding it cannot tell (any Transfer-Encoding but
 * "chunked", a Content-Length that is not one number, including one that
 * a folded line continues), and we take no request body anyway. Returns
 * NULL when the head is acceptable, else why not, with the status to
 * answer. */
static const char *
check_head (const char *head, gsize length, guint *ret_status)
{
  g_autofree char *text = g_strndup (head, length);
  g_auto (GStrv) lines = NULL;
  guint content_lengths = 0;

  *ret_status = SOUP_STATUS_BAD_REQUEST;
  if (strlen (text) != length)
    return "NUL in the request head";
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *name = NULL;

      /* RFC 9112 5.2: a server may refuse obsolete line folding. */
      if (lines[i][0] == ' ' || lines[i][0] == '\t')
        return "a folded header line";
      if (colon == NULL)
        continue;
      name = g_strstrip (g_strndup (lines[i], (gsize) (colon - lines[i])));
      if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        return "a request body with a Transfer-Encoding";
      if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          /* Digits between blanks, nothing else: what g_strstrip() would
           * also take off (a form feed...) libsoup reads as part of the
           * value. */
          const char *value = colon + 1 + strspn (colon + 1, " \t");
          gsize digits = strspn (value, "0123456789");
          guint64 bytes;

          if (++content_lengths > 1 || digits == 0 || digits > 18 ||
              value[digits + strspn (value + digits, " \t\r")] != '\0')
            return "an unreadable Content-Length";
          bytes = g_ascii_strtoull (value, NULL, 10);
          if (bytes > MAX_REQUEST_BODY)
            {
              *ret_status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
              return "a request body over 64 KiB";
            }
        }
    }
  return NULL;
}

/* The end of a request head in `data` (just past its empty line), or 0:
 * where libsoup stops reading headers ("\n\n" or "\n\r\n"). */
static gsize
head_end (const char *data, gsize length)
{
  for (gsize i = 0; i + 1 < length; i++)
    {
      if (data[i] != '\n')
        continue;
      if (data[i + 1] == '\n')
        return i + 2;
      if (i + 2 < length && data[i + 1] == '\r' && data[i + 2] == '\n')
        return i + 3;
    }
  return 0;
}

static void
hand_over (Connection *c)
{
  PdServer *server = c->server;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (c->stream, NULL);
  GSocket *socket = connection_socket (c);

  /* libsoup needs an IP address here (a test's socket pair has none). */
  if (!G_IS_INET_SOCKET_ADDRESS (local))
    {
      g_clear_object (&local);
      local = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
    }
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVLOWAT, 1, NULL);
  g_socket_set_timeout (socket, IDLE_TIMEOUT_S);
  c->state = STATE_HANDED;
  server->handed++;
  if (!soup_server_accept_iostream (server->soup, G_IO_STREAM (c->stream), local, c->remote, &error))
    {
      g_warning ("cannot serve a connection: %s", error->message);
      connection_disarm (c);
      connection_uncount (c);
      g_io_stream_close (G_IO_STREAM (c->stream), NULL, NULL);
      c->state = STATE_READY; /* so that freeing it drops our reference */
      g_hash_table_remove (server->connections, c->stream);
      return;
    }
  /* The body, if any, under the same deadline. */
  c->request_deadline = add_timeout (REQUEST_TIMEOUT_S * 1000, on_request_deadline, c);
  /* libsoup holds it now; we watch it go. */
  g_object_weak_ref (G_OBJECT (c->stream), on_connection_gone, c);
  g_object_unref (c->stream);
}

/* Hands the requests that are in to libsoup, first come first served,
 * while it has fewer than max_connections. */
static void
promote (PdServer *server)
{
  while (!server->closing && server->handed < server->max_connections && server->ready->length > 0)
    {
      GList *link = g_queue_pop_head_link (server->ready);

      hand_over (link->data);
    }
}

/* The Date of an answer of our own: libsoup's format, made once a second. */
static const char *
date_now (PdServer *server)
{
  gint64 second = g_get_real_time () / G_USEC_PER_SEC;

  if (second != server->date_second)
    {
      g_autoptr (GDateTime) now = g_date_time_new_from_unix_utc (second);
      g_autofree char *text = now != NULL ? soup_date_time_to_string (now, SOUP_DATE_HTTP) : NULL;

      g_strlcpy (server->date, text != NULL ? text : "", sizeof server->date);
      server->date_second = second;
    }
  return server->date;
}

/* What a request target may hold for its answer to be ours: the target's
 * path and query read the same way by GUri (libsoup) and by
 * pd_server_split_target(). */
static const char plain_target[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%?=&";

/* A calendar client polling a feed it has: a conditional GET or HEAD
 * whose validators match the feed's current version, and nothing after
 * its head (no body, no second request). `c`'s whole head, `end` bytes,
 * is in server->head. Answered here, 304 with the headers libsoup's 304
 * would have (but no Content-Length: RFC 9110 8.6), logged the same way,
 * and `c` ended: the commonest request of all costs no libsoup
 * connection, message or stream. Returns FALSE, having done nothing, for
 * anything else, which libsoup answers. The decision is the same as
 * handle_request()'s and serve_feed()'s: the token first, then the
 * names, then the file's status and its cached ETag entry (a feed not
 * cached yet is left to serve_feed(), which reads it). */
static gboolean
answer_not_modified (Connection *c, gsize end)
{
  PdServer *server = c->server;
  g_autoptr (SoupMessageHeaders) request = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autofree char *method = NULL, *target = NULL, *path = NULL, *query = NULL, *token = NULL;
  g_autofree char *campaign = NULL, *rep = NULL, *feed_path = NULL, *answer = NULL;
  const EtagEntry *entry;
  SoupHTTPVersion version;
  struct stat st;

  if (c->peeked != end || server->closing
      || soup_headers_parse_request (server->head, (int) end, request, &method, &target, &version) != SOUP_STATUS_OK)
    return FALSE;
  if ((!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD")) || target[0] != '/'
      || strlen (target) > PD_SERVER_MAX_URI || target[strspn (target, plain_target)] != '\0'
      || soup_message_headers_get_one (request, "Content-Length") != NULL
      || (soup_message_headers_get_list (request, "If-None-Match") == NULL
          && soup_message_headers_get_one (request, "If-Modified-Since") == NULL))
    return FALSE;
  pd_server_split_target (target, NULL, &path, &query);
  token = pd_server_query_token (query);
  if (token == NULL || !pd_server_split_path (path, &campaign, &rep)
      || !server->resolve (token, campaign, rep, &feed_path, server->user_data))
    return FALSE;
  /* lstat(): a symbolic link is no regular file, as for open_feed(). */
  entry = g_hash_table_lookup (server->etags, feed_path);
  if (entry == NULL || lstat (feed_path, &st) != 0 || !S_ISREG (st.st_mode) || !etag_entry_matches (entry, &st)
      || !feed_not_modified (request, entry, &st))
    return FALSE;
  answer = g_strdup_printf ("HTTP/1.%d 304 Not Modified\r\nConnection: close\r\nDate: %s\r\nETag: %s\r\n"
                            "%s%s%sCache-Control: " CACHE_CONTROL "\r\nAccept-Ranges: none\r\n\r\n",
                            version == SOUP_HTTP_1_0 ? 0 : 1, date_now (server), entry->etag,
                            entry->last_modified[0] != '\0' ? "Last-Modified: " : "", entry->last_modified,
                            entry->last_modified[0] != '\0' ? "\r\n" : "");
  /* A fresh socket: its send buffer takes the whole answer, unless the
   * client is gone already. */
  if (g_socket_send_with_blocking (connection_socket (c), answer, strlen (answer), FALSE, NULL, NULL)
      == (gssize) strlen (answer))
    log_answer (c->client->address, method, path, SOUP_STATUS_NOT_MODIFIED, "");
  else
    g_debug ("%s: gone before its 304", c->client->address);
  connection_end (c);
  return TRUE;
}

typedef enum {
  HEAD_WAITING, /* more of the head is to come: `c` still peeks */
  HEAD_IN,      /* the head is in: `c` waits for a slot or libsoup has it */
  HEAD_ENDED,   /* answered here, refused or gone: `c` is freed */
} HeadOutcome;

/* Looks at what `c`'s socket holds of its request head (peeked at, never
 * consumed, MSG_PEEK: libsoup reads it whole; SO_RCVLOWAT makes the next
 * wake-up wait for more than is there). */
static HeadOutcome
examine_head (Connection *c)
{
  PdServer *server = c->server;
  GSocket *socket = connection_socket (c);
  gssize got;
  gsize end;
  guint status;
  const char *refusal;

  got = recv (g_socket_get_fd (socket), server->head, sizeof server->head, MSG_PEEK | MSG_DONTWAIT);
  if (got < 0 && (errno == EAGAIN || errno == EINTR))
    return HEAD_WAITING;
  if (got <= 0 || (gsize) got == c->peeked)
    {
      struct pollfd hangup = { .fd = g_socket_get_fd (socket), .events = POLLRDHUP };

      /* Nothing new: the client closed its side (a head can no longer
       * complete), or the socket ignores SO_RCVLOWAT. */
      if (got > 0 && poll (&hangup, 1, 0) == 1 && (hangup.revents & (POLLRDHUP | POLLHUP | POLLERR)) == 0)
        return HEAD_WAITING;
      g_debug ("%s: closed before a whole request", c->client != NULL ? c->client->address : "?");
      connection_end (c);
      return HEAD_ENDED;
    }
  c->peeked = (gsize) got;
  end = head_end (server->head, c->peeked);
  if (end == 0 && c->peeked == sizeof server->head)
    {
      connection_refuse (c, 431, "a request head over 16 KiB");
      return HEAD_ENDED;
    }
  if (end == 0)
    {
      g_socket_set_option (socket, SOL_SOCKET, SO_RCVLOWAT, (gint) c->peeked + 1, NULL);
      return HEAD_WAITING;
    }
  refusal = check_head (server->head, end, &status);
  if (refusal != NULL)
    {
      connection_refuse (c, status, refusal);
      return HEAD_ENDED;
    }
  if (answer_not_modified (c, end))
    return HEAD_ENDED;
  /* In: it waits for a slot (at once, usually). */
  if (c->readable != NULL)
    {
      g_source_destroy (c->readable);
      g_clear_pointer (&c->readable, g_source_unref);
    }
  clear_source (&c->request_deadline);
  arm_lifetime (c);
  leave_peeking (c);
  c->state = STATE_READY;
  g_queue_push_tail_link (server->ready, &c->ready_link);
  promote (server);
  update_accepting (server);
  return HEAD_IN;
}

/* The socket of `c` has news: the request head grew, or the client went
 * away. */
static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  (void) socket;
  (void) condition;
  return examine_head (data) == HEAD_WAITING ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Whether `c`, still reading its head, has sent nothing at all: nothing
 * peeked at, nothing waiting in its socket (a request may be there that
 * the main loop has not looked at yet). */
static gboolean
connection_silent (Connection *c)
{
  return c->peeked == 0 && (g_socket_condition_check (connection_socket (c), G_IO_IN) & G_IO_IN) == 0;
}

/* The connection still reading its head whose place a new connection
 * from `newcomer` (NULL: a network holding none) takes, or NULL when
 * none reads its head. It comes from the network holding the most
 * connections reading their heads, the newcomer counted with its own
 * network (among networks holding as many, from any of them): one that
 * has sent nothing first, then the oldest. A network holds at most one
 * per-client limit per address, so a flood from many addresses of one
 * network takes the places of its own connections, not of another
 * network's clients, and a network can take a place from another only
 * while holding fewer. */
static Connection *
pick_replaced (PdServer *server, const Network *newcomer)
{
  GHashTableIter iter;
  gpointer value;
  guint most = 0;
  Connection *oldest = NULL;

  g_hash_table_iter_init (&iter, server->networks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Network *network = value;

      most = MAX (most, network->peeking + (network == newcomer ? 1 : 0));
    }
  /* Oldest first: the first silent one of those networks, else the first. */
  for (GList *link = server->peeking_order->head; link != NULL; link = link->next)
    {
      Connection *c = link->data;
      const Network *network = c->client->network;

      if (network->peeking + (network == newcomer ? 1 : 0) != most)
        continue;
      if (connection_silent (c))
        return c;
      if (oldest == NULL)
        oldest = c;
    }
  return oldest;
}

static char *
address_text (GSocketAddress *address)
{
  if (G_IS_INET_SOCKET_ADDRESS (address))
    return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  return g_strdup ("local");
}

/* The network of a client address, as the waiting places are shared: an
 * IPv4 address's /24 (an IPv4-mapped IPv6 address's too), an IPv6
 * address's /64 (a site's smallest subnet), "local" for anything else. */
static char *
network_text (GSocketAddress *address)
{
  GInetAddress *inet;
  const guint8 *bytes;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("local");
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  bytes = g_inet_address_to_bytes (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4)
    return g_strdup_printf ("%u.%u.%u.0/24", bytes[0], bytes[1], bytes[2]);
  if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    return g_strdup_printf ("%u.%u.%u.0/24", bytes[12], bytes[13], bytes[14]);
  return g_strdup_printf ("%x:%x:%x:%x::/64", bytes[0] << 8 | bytes[1], bytes[2] << 8 | bytes[3],
                          bytes[4] << 8 | bytes[5], bytes[6] << 8 | bytes[7]);
}

gboolean
pd_server_accept (PdServer *server, GSocketConnection *connection, GSocketAddress *remote)
{
  g_autofree char *address = address_text (remote);
  Client *client = g_hash_table_lookup (server->clients, address);
  GSocket *socket = g_socket_connection_get_socket (connection);
  Connection *c;

  if (client != NULL && client->open >= server->max_per_client)
    {
      /* Once per burst: a client over its limit could fill the log. */
      if (!client->warned)
        g_message ("%s: %u connections open, the most for one client: further ones closed at once", address,
                   client->open);
      client->warned = TRUE;
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return FALSE;
    }
  if (server->peeking + server->ready->length >= server->max_waiting)
    {
      g_autofree char *network_key = network_text (remote);
      Connection *replaced = pick_replaced (server, g_hash_table_lookup (server->networks, network_key));

      if (replaced == NULL)
        {
          g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
          return FALSE;
        }
      g_debug ("%u connections wait for their request: one from %s (%s, %u of them) closed for one from %s",
               server->peeking + server->ready->length, replaced->client->address,
               replaced->client->network->text, replaced->client->network->peeking, address);
      connection_end (replaced);
      /* Maybe that client's last connection: its entry is gone. */
      client = g_hash_table_lookup (server->clients, address);
    }
  if (client == NULL)
    {
      g_autofree char *network_key = network_text (remote);
      Network *network = g_hash_table_lookup (server->networks, network_key);

      if (network == NULL)
        {
          network = g_new0 (Network, 1);
          network->text = g_steal_pointer (&network_key);
          g_hash_table_insert (server->networks, network->text, network);
        }
      network->clients++;
      client = g_new0 (Client, 1);
      client->server = server;
      client->address = g_steal_pointer (&address);
      client->network = network;
      g_hash_table_insert (server->clients, client->address, client);
    }
  client->open++;
  client->network->peeking++;
  server->peeking++;
  c = g_new0 (Connection, 1);
  c->server = server;
  c->stream = g_object_ref (connection);
  c->remote = g_object_ref (remote);
  c->client = client;
  c->state = STATE_PEEKING;
  c->ready_link.data = c;
  c->peeking_link.data = c;
  g_queue_push_tail_link (server->peeking_order, &c->peeking_link);
  c->accepted = g_get_monotonic_time ();
  g_hash_table_insert (server->connections, connection, c);
  g_hash_table_insert (server->by_remote, remote, c);
  g_socket_set_blocking (socket, FALSE);
  /* Its request is often in already: looked at now, without waiting for
   * the main loop to say so. */
  if (examine_head (c) != HEAD_WAITING)
    return TRUE;
  c->request_deadline = add_timeout (REQUEST_TIMEOUT_S * 1000, on_request_deadline, c);
  arm_lifetime (c);
  c->readable = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (c->readable, G_SOURCE_FUNC (on_readable), c, NULL);
  g_source_attach (c->readable, g_main_context_get_thread_default ());
  update_accepting (server);
  return TRUE;
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
  PdServer *server = user_data;
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  (void) service;
  (void) source;
  if (remote == NULL)
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL); /* already gone */
  else
    pd_server_accept (server, connection, remote);
  return TRUE;
}

/* A request's body is read (and dropped: we have no use for one) under
 * the same deadline as its head. */
static void
on_got_headers (SoupServerMessage *msg, gpointer user_data)
{
  (void) user_data;
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
}

/* One request per connection, said in every answer: libsoup 3.2.3 never
 * lets go of a kept-alive connection that its client closes while idle
 * (a descriptor and its buffers for each), and a calendar client makes
 * one request per poll anyway. */
static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  (void) soup;
  (void) user_data;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), NULL);
}

/* The whole request is in: its deadline no longer applies. */
static void
on_request_read (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  PdServer *server = user_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  Connection *c = remote != NULL ? g_hash_table_lookup (server->by_remote, remote) : NULL;

  (void) soup;
  if (c != NULL)
    clear_source (&c->request_deadline);
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

/* --------------------------------------------------------- lifecycle */

static gboolean
start_listening (PdServer *server, GError **error)
{
  g_autoptr (GSocketConnectable) connectable = NULL;
  g_autoptr (GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr (GError) local_error = NULL;
  guint bound = 0;

  server->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (server->service), LISTEN_BACKLOG);
  connectable = g_network_address_parse (server->listen, 0, NULL);
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
      g_set_error (error, PD_SERVER_ERROR, PD_SERVER_ERROR_LISTEN, _("Cannot listen on '%s': %s"), server->listen,
                   local_error != NULL ? local_error->message : _("no address"));
      return FALSE;
    }
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  server->accepting = TRUE;
  g_socket_service_start (server->service);
  return TRUE;
}

PdServer *
pd_server_new (const char *listen, guint max_connections, PdServerResolve resolve, gpointer user_data,
               GError **error)
{
  g_autoptr (PdServer) server = NULL;

  g_return_val_if_fail (resolve != NULL, NULL);
  g_return_val_if_fail (max_connections > 0, NULL);

  if (listen != NULL && !pd_server_check_listen (listen, error))
    return NULL;
  server = g_new0 (PdServer, 1);
  server->listen = g_strdup (listen);
  server->max_connections = max_connections;
  server->max_per_client = PD_SERVER_MAX_PER_CLIENT (max_connections);
  server->max_waiting = PD_SERVER_MAX_WAITING (max_connections);
  server->ready = g_queue_new ();
  server->resolve = resolve;
  server->user_data = user_data;
  server->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, connection_free);
  server->by_remote = g_hash_table_new (g_direct_hash, g_direct_equal);
  server->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, client_free);
  server->networks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, network_free);
  server->peeking_order = g_queue_new ();
  server->etags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* raw-paths: the handler decodes each path segment itself, so that an
   * encoded '/' stays inside its segment (and is then refused). */
  server->soup = soup_server_new ("raw-paths", TRUE, NULL);
  soup_server_add_handler (server->soup, NULL, handle_request, server, NULL);
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), server);
  g_signal_connect (server->soup, "request-read", G_CALLBACK (on_request_read), server);
  g_signal_connect (server->soup, "request-finished", G_CALLBACK (on_request_finished), server);
  g_signal_connect (server->soup, "request-aborted", G_CALLBACK (on_request_aborted), server);
  if (listen != NULL && !start_listening (server, error))
    return NULL;
  return g_steal_pointer (&server);
}

void
pd_server_set_report (PdServer *server, PdServerReport report, gpointer user_data)
{
  server->report = report;
  server->report_data = user_data;
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

guint
pd_server_get_open_connections (const PdServer *server)
{
  return g_hash_table_size (server->connections);
}

void
pd_server_free (PdServer *server)
{
  GHashTableIter iter;
  gpointer key, value;

  if (server == NULL)
    return;
  server->closing = TRUE;
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
    if (((Connection *) value)->state == STATE_HANDED)
      g_object_weak_unref (key, on_connection_gone, value);
  g_hash_table_unref (server->connections);
  g_queue_free (server->ready);
  g_hash_table_unref (server->by_remote);
  g_hash_table_unref (server->clients);
  g_hash_table_unref (server->networks);
  g_queue_free (server->peeking_order);
  g_hash_table_unref (server->etags);
  g_free (server->listen);
  g_free (server);
}
