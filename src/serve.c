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

#include "prospectd/campaign.h"

struct _PdServeFeeds {
  gint refs;
  GHashTable *paths; /* "campaign\x1frep" -> path, both owned */
};

struct _PdServe {
  GMainContext *context; /* the thread's */
  GMainLoop *loop;
  GThread *thread;
  PdServer *server;      /* used on the thread only, once it runs */
  PdStore *store;        /* the thread's connection */

  GMutex lock;           /* guards what follows */
  PdServeFeeds *feeds;
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
  return feeds;
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
  PdStore *previous = NULL;
  const char *path;

  g_mutex_lock (&serve->lock);
  if (serve->store_pending)
    {
      previous = serve->store;
      serve->store = g_steal_pointer (&serve->next_store);
      serve->store_pending = FALSE;
    }
  feeds = serve->feeds != NULL ? pd_serve_feeds_ref (serve->feeds) : NULL;
  g_mutex_unlock (&serve->lock);
  close_store (previous);

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
  serve->store = store;
  serve->feeds = feeds != NULL ? pd_serve_feeds_ref (feeds) : NULL;
  serve->context = g_main_context_new ();
  serve->loop = g_main_loop_new (serve->context, FALSE);
  g_main_context_push_thread_default (serve->context);
  serve->server = pd_server_new (listen, max_connections, resolve_feed, serve, error);
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
  g_main_loop_unref (serve->loop);
  g_main_context_unref (serve->context);
  g_mutex_clear (&serve->lock);
  g_free (serve);
}
