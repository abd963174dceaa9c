/* SPDX-License-Identifier: MIT
 *
 * serve: the daemon's feed server (server.h) on a thread of its own, with
 * its own main context and its own store connection, so that a feed
 * request never waits for an evaluation running on the daemon's main
 * loop.
 *
 * The thread reads feed files (replaced atomically by a rename, see
 * feed.h), the feed and report tokens, and for a report (report.h) the
 * campaign file and its logged days, through the store connection it is given
 * (one connection per thread: a PdStore is used by one thread at a time).
 * What it needs of the daemon's state, the feeds it may serve, is handed
 * over as a whole under a mutex when the campaigns change, as is a new
 * store connection when the database is replaced.
 */
#pragma once

#include <gio/gio.h>
#include "prospectd/server.h"
#include "prospectd/store.h"

typedef struct _PdServe PdServe;

/* The feeds a server may serve: an immutable table from (campaign id,
 * rep name as stored, NFC) to the feed file's path. */
typedef struct _PdServeFeeds PdServeFeeds;

PdServeFeeds *pd_serve_feeds_new (void);
/* Adds (campaign, rep)'s feed file `path` (all copied). */
void pd_serve_feeds_add (PdServeFeeds *feeds, const char *campaign, const char *rep, const char *path);
/* Serves the report of campaign `campaign` (its id), read from its
 * campaign file `campaign_path` (all copied), to its report token
 * (report.h). */
void pd_serve_feeds_add_report (PdServeFeeds *feeds, const char *campaign, const char *campaign_path);
PdServeFeeds *pd_serve_feeds_ref (PdServeFeeds *feeds);
void pd_serve_feeds_unref (PdServeFeeds *feeds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdServeFeeds, pd_serve_feeds_unref)

/* Listens on `listen` (see pd_server_new()) and serves on a new thread.
 * Takes `store` (a connection of its own, opened by the caller: opening
 * one sets the process umask, which a thread must not do) and a
 * reference to `feeds`. Returns NULL with error set as pd_server_new()
 * (the store is then closed). */
PdServe *pd_serve_start (const char *listen,
                         guint max_connections,
                         PdStore *store,
                         PdServeFeeds *feeds,
                         GError **error);

/* What the next requests are served from: `feeds` (a reference is
 * taken), or the connection `store` (taken; the previous one is closed
 * by the server's thread, abandoned when its file was replaced). */
void pd_serve_set_feeds (PdServe *serve, PdServeFeeds *feeds);
void pd_serve_set_store (PdServe *serve, PdStore *store);

/* The daemon's clock (its --now): `offset` µs added to the real time
 * when a report's day is today. */
void pd_serve_set_clock_offset (PdServe *serve, gint64 offset);

const char *pd_serve_get_listen (const PdServe *serve);
guint pd_serve_get_max_connections (const PdServe *serve);

/* Stops the thread (the server closes every connection there), joins it,
 * closes its store and frees everything. Accepts NULL. */
void pd_serve_stop (PdServe *serve);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdServe, pd_serve_stop)
