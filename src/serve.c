/* SPDX-License-Identifier: MIT
 *
 * serve: the feed server on a thread of its own (see the header).
 *
 * The server is built on the caller's thread with the new context pushed
 * as its thread-default one, so that every source it makes (its listener,
 * libsoup's, its timers) belongs to that context; the thread then runs
 * the context until pd_serve_stop() asks it to quit. Nothing but the
 * mutex-guarded hand-overs below is shared between the two threads.
 */
#define G_LOG_DOMAIN "prospectd-server"

#include "prospectd/serve.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "prospectd/campaign.h"
#include "prospectd/config.h"
#include "prospectd/report.h"
#include "prospectd/workcal.h"

struct _PdServeFeeds {
  gint refs;
  GHashTable *paths;   /* "campaign\x1frep" -> path, both owned */
  GHashTable *reports; /* campaign id -> its campaign file's path, both owned */
};

/* A campaign's report as last rendered on the server's thread, kept while
 * nothing it was drawn from changes: the campaign file (device, inode,
 * size, modification time), the database (pd_store_data_version() of the
 * thread's connection) and the day. */
typedef struct {
  char *path;             /* the campaign file */
  struct stat file;       /* its status when loaded */
  PdCampaign *campaign;   /* loaded from it, owned */
  gint64 data_version;
  GDate as_of;
  GBytes *page;           /* owned */
  char *etag;             /* owned */
} ReportEntry;

struct _PdServe {
  GMainContext *context; /* the thread's */
  GMainLoop *loop;
  GThread *thread;
  PdServer *server;      /* used on the thread only, once it runs */
  PdStore *store;        /* the thread's connection */

  GHashTable *reports;   /* campaign id -> ReportEntry*, the thread's */

  GMutex lock;           /* guards what follows */
  PdServeFeeds *feeds;
  gint64 clock_offset;   /* µs added to the real time: the daemon's --now */
  PdStore *next_store;   /* handed over, taken at the next request */
  gboolean store_pending;
};

/* ---------------------------------------------------------------- feeds */

static char *
feed_key (const char *campaign, const char *rep)
{
  return g_strconcat (campaign, "\x1f", rep, NULL);
}

PdServeFeeds *
pd_serve_feeds_new (void)
{
  PdServeFeeds *feeds = g_new0 (PdServeFeeds, 1);

  g_atomic_int_set (&feeds->refs, 1);
  feeds->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  feeds->reports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return feeds;
}

void
pd_serve_feeds_add_report (PdServeFeeds *feeds, const char *campaign, const char *campaign_path)
{
  g_hash_table_replace (feeds->reports, g_strdup (campaign), g_strdup (campaign_path));
}

void
pd_serve_feeds_add (PdServeFeeds *feeds, const char *campaign, const char *rep, const char *path)
{
  g_hash_table_replace (feeds->paths, feed_key (campaign, rep), g_strdup (path));
}

PdServeFeeds *
pd_serve_feeds_ref (PdServeFeeds *feeds)
{
  g_atomic_int_inc (&feeds->refs);
  return feeds;
}

void
pd_serve_feeds_unref (PdServeFeeds *feeds)
{
  if (feeds == NULL || !g_atomic_int_dec_and_test (&feeds->refs))
    return;
  g_hash_table_unref (feeds->paths);
  g_hash_table_unref (feeds->reports);
  g_free (feeds);
}

/* -------------------------------------------------------------- thread */

/* Closes a store connection; without touching the files at its path when
 * its file is no longer there (they may be another database's). */
static void
close_store (PdStore *store)
{
  if (store != NULL && pd_store_file_state (store) != PD_STORE_FILE_SAME)
    pd_store_abandon (store);
  else
    pd_store_close (store);
}

static void
report_entry_free (gpointer data)
{
  ReportEntry *entry = data;

  g_free (entry->path);
  pd_campaign_free (entry->campaign);
  g_clear_pointer (&entry->page, g_bytes_unref);
  g_free (entry->etag);
  g_free (entry);
}

/* What a request is served from, on the server's thread: the store
 * connection handed over last (the previous one closed, and the reports
 * drawn from it forgotten: another connection's data version is not
 * comparable), the feeds and the clock. */
static PdServeFeeds *
take_state (PdServe *serve, gint64 *ret_clock_offset)
{
  PdServeFeeds *feeds;
  PdStore *previous = NULL;
  gboolean swapped = FALSE;

  g_mutex_lock (&serve->lock);
  if (serve->store_pending)
    {
      previous = serve->store;
      serve->store = g_steal_pointer (&serve->next_store);
      serve->store_pending = FALSE;
      swapped = TRUE;
    }
  feeds = serve->feeds != NULL ? pd_serve_feeds_ref (serve->feeds) : NULL;
  *ret_clock_offset = serve->clock_offset;
  g_mutex_unlock (&serve->lock);
  close_store (previous);
  if (swapped)
    g_hash_table_remove_all (serve->reports);
  return feeds;
}

/* The server's question (server.h), on the server's thread: the token
 * is looked up first, in the thread's own store connection at each
 * request (a rotation by another process takes effect at once); the URL's
 * names are then compared with the token's (the rep's name found as
 * everywhere: in NFC or not), and the feed must be one the daemon runs. */
static gboolean
resolve_feed (const char *token, const char *campaign, const char *rep, char **ret_path, gpointer user_data)
{
  PdServe *serve = user_data;
  g_autoptr (PdServeFeeds) feeds = NULL;
  g_autofree char *token_campaign = NULL, *token_rep = NULL, *nfc = NULL, *key = NULL;
  g_autoptr (GError) error = NULL;
  const char *path;
  gint64 clock_offset;

  feeds = take_state (serve, &clock_offset);
  if (serve->store == NULL || feeds == NULL)
    return FALSE;
  if (!pd_store_find_feed_token (serve->store, token, &token_campaign, &token_rep, &error))
    {
      g_warning ("feed not served: %s", error->message);
      return FALSE;
    }
  if (token_campaign == NULL || !g_str_equal (token_campaign, campaign))
    return FALSE;
  /* Names are stored in NFC: "zoë" typed decomposed is the same rep. */
  nfc = pd_rep_normalize (rep);
  if (!g_str_equal (nfc != NULL ? nfc : rep, token_rep))
    return FALSE;
  key = feed_key (token_campaign, token_rep);
  path = g_hash_table_lookup (feeds->paths, key);
  if (path == NULL)
    return FALSE;
  *ret_path = g_strdup (path);
  return TRUE;
}

/* Today in the campaign's zone, at the daemon's clock. */
static void
campaign_today (const PdCampaign *campaign, gint64 clock_offset, GDate *ret_date)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((g_get_real_time () + clock_offset) / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, campaign->tz);

  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local), (GDateYear) g_date_time_get_year (local));
}

/* The report's question (server.h), on the server's thread: the token
 * first, as for feeds; then the campaign must be one the daemon runs. The
 * page is drawn again only when its campaign file, the database or the
 * day changed since it was last drawn (a `log` by another process changes
 * the database: the next request gets the new page, with a new ETag). */
static gboolean
resolve_report (const char *token, const char *campaign, GBytes **ret_page, char **ret_etag, gpointer user_data)
{
  PdServe *serve = user_data;
  g_autoptr (PdServeFeeds) feeds = NULL;
  g_autofree char *token_campaign = NULL, *token_rep = NULL, *html = NULL, *hash = NULL;
  g_autoptr (GError) error = NULL;
  ReportEntry *entry;
  const char *path;
  struct stat file;
  gint64 clock_offset, version;
  GDate as_of;
  gsize length;

  feeds = take_state (serve, &clock_offset);
  if (serve->store == NULL || feeds == NULL)
    return FALSE;
  if (!pd_store_find_feed_token (serve->store, token, &token_campaign, &token_rep, &error))
    {
      g_warning ("report not served: %s", error->message);
      return FALSE;
    }
  if (token_campaign == NULL || !g_str_equal (token_rep, PD_REPORT_TOKEN_REP) ||
      !g_str_equal (token_campaign, campaign))
    return FALSE;
  path = g_hash_table_lookup (feeds->reports, token_campaign);
  if (path == NULL)
    return FALSE;
  if (stat (path, &file) != 0)
    {
      g_warning ("report not served: '%s': %s", path, g_strerror (errno));
      return FALSE;
    }
  if (!pd_store_data_version (serve->store, &version, &error))
    {
      g_warning ("report not served: %s", error->message);
      return FALSE;
    }

  entry = g_hash_table_lookup (serve->reports, token_campaign);
  if (entry == NULL || !g_str_equal (entry->path, path) || entry->file.st_dev != file.st_dev ||
      entry->file.st_ino != file.st_ino || entry->file.st_size != file.st_size ||
      entry->file.st_mtim.tv_sec != file.st_mtim.tv_sec || entry->file.st_mtim.tv_nsec != file.st_mtim.tv_nsec)
    {
      PdCampaign *loaded = pd_config_load_campaign (path, &error);

      if (loaded == NULL)
        {
          g_warning ("report not served: %s", error->message);
          return FALSE;
        }
      pd_workcal_prepare (loaded);
      entry = g_new0 (ReportEntry, 1);
      entry->path = g_strdup (path);
      entry->file = file;
      entry->campaign = loaded;
      g_hash_table_replace (serve->reports, g_strdup (token_campaign), entry);
    }
  campaign_today (entry->campaign, clock_offset, &as_of);
  if (entry->page == NULL || entry->data_version != version || g_date_compare (&entry->as_of, &as_of) != 0)
    {
      if (!pd_report_build (serve->store, entry->campaign, &as_of, &html, &error))
        {
          g_warning ("report not served: '%s': %s", path, error->message);
          return FALSE;
        }
      length = strlen (html);
      hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) html, length);
      g_clear_pointer (&entry->page, g_bytes_unref);
      g_free (entry->etag);
      entry->page = g_bytes_new_take (g_steal_pointer (&html), length);
      entry->etag = g_strdup_printf ("\"%.32s\"", hash);
      entry->data_version = version;
      entry->as_of = as_of;
    }
  *ret_page = g_bytes_ref (entry->page);
  *ret_etag = g_strdup (entry->etag);
  return TRUE;
}

static gpointer
serve_thread (gpointer data)
{
  PdServe *serve = data;

  g_main_context_push_thread_default (serve->context);
  g_main_loop_run (serve->loop);
  /* Its connections are closed here, on the thread whose context their
   * sources belong to; then what they leave pending runs out. */
  g_clear_pointer (&serve->server, pd_server_free);
  for (guint i = 0; i < 100 && g_main_context_iteration (serve->context, FALSE); i++)
    ;
  g_main_context_pop_thread_default (serve->context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

PdServe *
pd_serve_start (const char *listen, guint max_connections, PdStore *store, PdServeFeeds *feeds, GError **error)
{
  PdServe *serve = g_new0 (PdServe, 1);

  g_mutex_init (&serve->lock);
  serve->reports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, report_entry_free);
  serve->store = store;
  serve->feeds = feeds != NULL ? pd_serve_feeds_ref (feeds) : NULL;
  serve->context = g_main_context_new ();
  serve->loop = g_main_loop_new (serve->context, FALSE);
  g_main_context_push_thread_default (serve->context);
  serve->server = pd_server_new (listen, max_connections, resolve_feed, serve, error);
  if (serve->server != NULL)
    pd_server_set_report (serve->server, resolve_report, serve);
  g_main_context_pop_thread_default (serve->context);
  if (serve->server == NULL)
    {
      pd_serve_stop (serve);
      return NULL;
    }
  serve->thread = g_thread_new ("prospectd-feeds", serve_thread, serve);
  return serve;
}

void
pd_serve_set_feeds (PdServe *serve, PdServeFeeds *feeds)
{
  PdServeFeeds *previous;

  g_mutex_lock (&serve->lock);
  previous = serve->feeds;
  serve->feeds = feeds != NULL ? pd_serve_feeds_ref (feeds) : NULL;
  g_mutex_unlock (&serve->lock);
  pd_serve_feeds_unref (previous);
}

void
pd_serve_set_store (PdServe *serve, PdStore *store)
{
  PdStore *unused = NULL;

  g_mutex_lock (&serve->lock);
  /* One not taken yet was never used by the thread: ours to close. */
  if (serve->store_pending)
    unused = serve->next_store;
  serve->next_store = store;
  serve->store_pending = TRUE;
  g_mutex_unlock (&serve->lock);
  close_store (unused);
}

void
pd_serve_set_clock_offset (PdServe *serve, gint64 offset)
{
  g_mutex_lock (&serve->lock);
  serve->clock_offset = offset;
  g_mutex_unlock (&serve->lock);
}

const char *
pd_serve_get_listen (const PdServe *serve)
{
  return pd_server_get_listen (serve->server);
}

guint
pd_serve_get_max_connections (const PdServe *serve)
{
  return pd_server_get_max_connections (serve->server);
}

void
pd_serve_stop (PdServe *serve)
{
  if (serve == NULL)
    return;
  if (serve->thread != NULL)
    {
      /* An idle source rather than g_main_loop_quit() from here: that
       * would be lost if the thread had not entered its loop yet. */
      g_main_context_invoke (serve->context, quit_loop, serve->loop);
      g_thread_join (serve->thread);
    }
  pd_server_free (serve->server); /* not started: never ran elsewhere */
  close_store (serve->store);
  if (serve->store_pending)
    close_store (serve->next_store);
  pd_serve_feeds_unref (serve->feeds);
  g_hash_table_unref (serve->reports);
  g_main_loop_unref (serve->loop);
  g_main_context_unref (serve->context);
  g_mutex_clear (&serve->lock);
  g_free (serve);
}
