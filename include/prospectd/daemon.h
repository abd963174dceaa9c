/* SPDX-License-Identifier: MIT
 *
 * daemon: the state prospectd runs on, and what it does when it wakes.
 *
 * One PdDaemon holds everything (like mako's state): the daemon settings,
 * the campaigns with their plan and baseline, the store, the notifier, the
 * wall-clock timer and the file monitors. Loading (start, SIGHUP, a
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

#include <gio/gio.h>
#include "prospectd/config.h"
#include "prospectd/ics-zone.h"
#include "prospectd/notify.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/server.h"
#include "prospectd/store.h"
#include "prospectd/timer.h"

#define PD_DAEMON_ERROR (pd_daemon_error_quark ())
GQuark pd_daemon_error_quark (void);

typedef enum {
  PD_DAEMON_ERROR_CONFIG,  /* prospectd.conf is unreadable or invalid */
  PD_DAEMON_ERROR_RUNTIME, /* the store, a feed or the timer failed */
} PdDaemonError;

/* A campaign as the daemon runs it. */
typedef struct {
  PdCampaign *campaign;   /* owned */
  PdPlan plan;
  PdSchedule *baseline;   /* owned */
  gint64 baseline_time;   /* the campaign file's modification time */
  gint64 handled_until;   /* every reminder of a block ended by then is recorded
                           * (the last evaluation that succeeded); G_MININT64 */
  GBytes *published;      /* SHA-256 of each rep's blocks as last written to its
                           * feed by this process, 32 bytes a rep; NULL: none */
  GArray *published_files; /* each rep's feed file as then (device, inode, size,
                            * mtime: daemon.c's FeedFile), owned; NULL: none */
} PdDaemonCampaign;

typedef struct {
  /* From the command line. */
  char *config_path;        /* --config, or NULL for the default */
  char *db_path;            /* --db, or NULL for the configuration's */
  gint64 clock_offset;      /* microseconds added to the real clock (--now) */
  GString *dry_run;         /* --dry-run: what the evaluation would do, a line each
                             * (set before pd_daemon_load()); NULL for a real run */

  /* Loaded (swapped as a whole on reload). */
  PdDaemonConfig *config;   /* owned */
  GPtrArray *campaigns;     /* PdDaemonCampaign*, by file name, owned */
  PdStore *store;           /* owned; with dry_run, a copy in memory */
  char *database_id;        /* the store's id (the feeds directory's owner), owned */

  PdNotifier *notifier;     /* owned */
  PdTimer *timer;           /* owned; NULL until pd_daemon_run() */
  GFileMonitor *campaigns_monitor; /* owned */
  int db_watch_fd;                 /* inotify on the database's directory, or -1 */
  guint db_watch_source;           /* its source on the loop, or 0 */
  guint db_pending_source;         /* a deferred look at the database, or 0 */
  gint64 db_replanned_at;          /* monotonic time of the last re-plan for a commit */
  PdServer *server;         /* owned; the feed server, NULL when [feeds] listen is empty or with --once */
  PdIcsVtimezoneSource vtimezone_source; /* the feeds' VTIMEZONE: NULL (built here) until pd_daemon_run() */
  gint64 data_version;      /* the store's, at the last evaluation */
  char *wake_reason;        /* what the timer is armed for, owned */
  GTimeZone *wake_zone;     /* the zone of its campaign (times in the log), owned */
  GMainLoop *loop;          /* owned; NULL until pd_daemon_run() */
  guint signal_sources[3];  /* SIGHUP, SIGTERM, SIGINT */
  int exit_status;
  GError *exit_error;       /* why the loop stopped with exit_status 1, or NULL; owned */
} PdDaemon;

/* A daemon with nothing loaded yet; the strings are copied. */
PdDaemon *pd_daemon_new (const char *config_path, const char *db_path);

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
