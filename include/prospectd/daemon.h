/* SPDX-License-Identifier: MIT
 *
 * daemon: the state prospectd runs on, and what it does when it wakes.
 *
 * One PdDaemon holds everything (like mako's state): the daemon settings,
 * the campaigns with their plan and baseline, the store, the notifier, the
 * wall-clock timer and the file monitors. Its modules: daemon.c (loading,
 * the loop and its watches), evaluation.c (what a wake-up does), and
 * alerts.c (the key and text of each notification, pure). Loading (start, SIGHUP, a
 * campaign file changing) parses into fresh values and swaps them in only
 * when they are good: a broken prospectd.conf keeps the running settings,
 * a broken campaign file keeps that campaign's previous version (or, at
 * start, is skipped) and the others run.
 *
 * An evaluation at "now" publishes every campaign's feeds (only changed
 * files are rewritten), runs the daily check that is due (progress against
 * the baseline, automatic catch-up, behind and checkpoint notifications),
 * sends the reminders that are due, sums up the reminders missed while
 * asleep in one notification, and arms the timer at the next due instant.
 * Every notification is claimed in the store before it is shown, so none
 * is ever shown twice. The rules are in prospectd(8).
 */
#pragma once

#include <glib.h>

#define PD_DAEMON_ERROR (pd_daemon_error_quark ())
GQuark pd_daemon_error_quark (void);

typedef enum {
  PD_DAEMON_ERROR_CONFIG,  /* prospectd.conf is unreadable or invalid */
  PD_DAEMON_ERROR_RUNTIME, /* the store, a feed or the timer failed */
} PdDaemonError;

/* The daemon's state: opaque, see daemon-state.h in src/. */
typedef struct _PdDaemon PdDaemon;

/* A daemon with nothing loaded yet; the strings are copied. */
PdDaemon *pd_daemon_new (const char *config_path, const char *db_path);

/* --dry-run: the evaluation works on a copy of the database in memory,
 * shows nothing, writes nothing, and says what it would do (a line each,
 * pd_daemon_dry_run_text()). Call it before pd_daemon_load(). */
void pd_daemon_set_dry_run (PdDaemon *daemon);

/* What the dry run's evaluations would have done; NULL for a real run. */
const char *pd_daemon_dry_run_text (const PdDaemon *daemon);

/* The zone of the first campaign (by file name), or NULL when none is
 * loaded. Owned by the daemon. */
GTimeZone *pd_daemon_first_zone (const PdDaemon *daemon);

/* The database's path (after pd_daemon_load()). */
const char *pd_daemon_db_path (const PdDaemon *daemon);

/* What the next wake-up is for, after an evaluation ("reminder:alice:...
 * (example)"), or NULL; and the zone of its campaign (NULL with it). */
const char *pd_daemon_wake_reason (const PdDaemon *daemon);
GTimeZone *pd_daemon_wake_zone (const PdDaemon *daemon);

/* Frees everything. Accepts NULL. */
void pd_daemon_free (PdDaemon *daemon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdDaemon, pd_daemon_free)

/* Loads the settings, every campaign and the store. On the first load a
 * broken campaign is logged and skipped; on a reload it keeps its previous
 * version. Returns FALSE with error set (nothing changed) when the
 * settings cannot be read (PD_DAEMON_ERROR_CONFIG) or the store cannot be
 * opened (PD_DAEMON_ERROR_RUNTIME). An invalid [feeds] listen is a
 * PD_DAEMON_ERROR_CONFIG. */
gboolean pd_daemon_load (PdDaemon *daemon, GError **error);

/* Sets the daemon's clock so that it reads `now` (Unix microseconds) at
 * this moment; it then runs on from there. */
void pd_daemon_set_clock (PdDaemon *daemon, gint64 now);

/* The daemon's clock, Unix microseconds. */
gint64 pd_daemon_now (const PdDaemon *daemon);

/* One evaluation at `now` (Unix seconds): see the header comment.
 * `activity_changed` says another process wrote to the store since the
 * last evaluation (a daily check already run today then re-runs its
 * catch-up, silently). Writes the next wake-up instant (Unix seconds, 0
 * for none) to ret_next_wakeup. Returns FALSE with error set when a feed
 * or the store failed (the rest of the evaluation still ran). */
gboolean pd_daemon_evaluate (PdDaemon *daemon,
                             gint64 now,
                             gboolean activity_changed,
                             gint64 *ret_next_wakeup,
                             GError **error);

/* Runs the main loop until SIGTERM or SIGINT: an evaluation now, then one
 * at each due instant, clock change, database change by another process
 * and campaign file change; SIGHUP reloads. With [feeds] listen set, the
 * feed server runs on the same loop (restarted when a reload changes the
 * address or the connection limit); failing to listen at start is a
 * runtime failure (1), on a reload the running server is kept. Returns
 * the exit status: 1 with error set when the loop cannot start (the timer
 * or the feed server), for the caller to report. */
int pd_daemon_run (PdDaemon *daemon, GError **error);
