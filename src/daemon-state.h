/* SPDX-License-Identifier: MIT
 *
 * daemon-state: the PdDaemon behind the opaque type of daemon.h, shared by
 * the daemon's own modules only (daemon.c: loading, the loop and its
 * watches; evaluation.c: what a wake-up does).
 */
#pragma once

#include <gio/gio.h>
#include "prospectd/config.h"
#include "prospectd/ics-zone.h"
#include "prospectd/daemon.h"
#include "prospectd/notify.h"
#include "prospectd/plan.h"
#include "prospectd/schedule.h"
#include "prospectd/serve.h"
#include "prospectd/store.h"
#include "prospectd/timer.h"

/* A campaign as the daemon runs it. */
typedef struct {
  PdCampaign *campaign;   /* owned */
  char *file_digest;      /* SHA-256 of the campaign file as read (hex), owned; NULL:
                           * it changed while being read */
  PdPlan plan;
  PdSchedule *baseline;   /* owned; its days only (no blocks) */
  gint64 baseline_time;   /* the campaign file's modification time */
  gint64 handled_until;   /* every reminder of a block ended by then is recorded
                           * (the last evaluation that succeeded); G_MININT64 */
  GBytes *published;      /* SHA-256 of each rep's blocks as last written to its
                           * feed by this process, 32 bytes a rep; NULL: none */
  GBytes *published_calls; /* SHA-256 of each rep's call lists as last written, 32 bytes a
                            * rep; NULL: none */
  GArray *published_files; /* each rep's feed file as then (device, inode, size,
                            * mtime: evaluation.c's FeedFile), owned; NULL: none */

  /* The schedule in force, kept between wake-ups (evaluation.c): read
   * from the store once, then patched in place by the catch-ups this
   * process stores; read again when the store's latest revision is not
   * the one it came from (another process stored one) or the store was
   * reopened. */
  PdSchedule *in_force;   /* owned, its days only (blocks NULL: evaluation.c makes
                           * the blocks a wake-up reads from them); NULL: not read yet */
  gint64 in_force_time;   /* its revision time */
  gint64 in_force_head;   /* the id of the store's latest revision then (0: none) */
  guint in_force_store;   /* daemon->store_serial then */
  GByteArray *digests;    /* SHA-256 of each rep's blocks in force, 32 bytes a rep; NULL: none */
  GArray *digest_stale;   /* gboolean per rep: its digest is to be computed again */
  GDate fresh_from;       /* valid when every rep's days from it on are those of
                           * the catch-up from that day this process stored, each
                           * rep's activity unchanged since change_mark but those
                           * the store names (pd_store_activity_changes()) */
  gint64 change_mark;     /* the store's activity change mark read before that
                           * catch-up read the day sums */

  /* The blocks of the days near now (evaluation.c's near_blocks()), kept
   * between wake-ups: a rep's are made again when its days in force
   * changed (near_stale, marked with digest_stale), all of them when the
   * window of days moves (a new local day) or the schedule in force is
   * read again. */
  PdSchedule *near;       /* owned, blocks only; NULL: none yet */
  guint32 near_first, near_last; /* its window: julian days, both included */
  GArray *near_starts;    /* guint per rep, and one more: rep r's blocks are
                           * near->blocks[near_starts[r], near_starts[r + 1]) */
  GArray *near_stale;     /* gboolean per rep: its near blocks are to be made again */
  /* The call lists of each rep's blocks near now (evaluation.c's
   * update_lists()), kept between wake-ups: a rep's are made again when
   * its near blocks were made again (lists_stale, marked by
   * near_blocks()) or the store names its prospects or their calls
   * changed (pd_store_prospect_changes() past lists_mark); every rep's
   * on another day, when the campaign's file gains its first prospect or
   * loses its last, or on another store (a new PdDaemonCampaign, on a
   * reload, has none). */
  GArray *lists;          /* evaluation.c's RepLists per rep, owned; NULL: none made */
  GArray *lists_stale;    /* gboolean per rep: its lists are to be made again */
  GDate lists_today;      /* the day they were made for */
  gboolean lists_any;     /* the campaign's file held a prospect then */
  gint64 lists_mark;      /* the store's prospect change mark read before they were */
  guint lists_store;      /* daemon->store_serial then */
  GPtrArray *feed_paths;  /* char* per rep: its feed's path (NULL: none), owned; NULL: not made yet */
  char *feed_paths_dir;   /* the feeds directory they are in, owned */
  GHashTable *feed_names; /* each feed's file name -> its rep's index + 1, owned; NULL: not made yet */
  int feeds_watch;        /* inotify on the directory of the feeds (evaluation.c's feeds_watch()), or -1 */
  guint64 feeds_dir_device, feeds_dir_inode; /* that directory, when the watch was set */
  GArray *feed_seen;      /* gboolean per rep: its feed file is the one in published_files
                           * (no event named it since it was looked at under the watch) */
} PdDaemonCampaign;

struct _PdDaemon {
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
  char *desktop_id;         /* this desktop's (notifications are claimed per desktop), owned; NULL: none */

  PdNotifier *notifier;     /* owned */
  PdTimer *timer;           /* owned; NULL until pd_daemon_run() */
  GFileMonitor *campaigns_monitor; /* owned */
  int db_watch_fd;                 /* inotify on the database file and its -wal, or -1 */
  guint db_watch_source;           /* its source on the loop, or 0 */
  guint db_pending_source;         /* a deferred look at the database, or 0 */
  gint64 db_replanned_at;          /* monotonic time of the last re-plan for a commit */
  guint reconnect_source;          /* the database server was lost: the next attempt, or 0 */
  guint reconnect_delay;           /* seconds before that attempt: 1, doubling to 60 */
  PdServe *server;          /* owned; the feed server on its thread, NULL when [feeds] listen is empty or with --once */
  PdIcsVtimezoneSource vtimezone_source; /* the feeds' VTIMEZONE: NULL (built here) until pd_daemon_run() */
  gint64 data_version;      /* the store's, at the last evaluation */
  guint store_serial;       /* counts the stores opened: a campaign's schedule in
                             * force read from another store is read again */
  char *wake_reason;        /* what the timer is armed for, owned */
  GTimeZone *wake_zone;     /* the zone of its campaign (times in the log), owned */
  GMainLoop *loop;          /* owned; NULL until pd_daemon_run() */
  guint signal_sources[3];  /* SIGHUP, SIGTERM, SIGINT */
  int exit_status;
  GError *exit_error;       /* why the loop stopped with exit_status 1, or NULL; owned */
};

