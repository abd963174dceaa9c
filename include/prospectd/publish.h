/* SPDX-License-Identifier: MIT
 *
 * publish: a campaign's feeds on disk — each rep's feed rendered (ics) and
 * written atomically when its content changed (feed), the previous file
 * providing SEQUENCE and DTSTAMP of unchanged events.
 */
#pragma once

#include <glib.h>
#include "prospectd/calllist.h"
#include "prospectd/config.h"
#include "prospectd/ics-zone.h"
#include "prospectd/schedule.h"

typedef struct {
  char *rep;      /* owned */
  char *path;     /* owned */
  gboolean changed;
} PdPublished;

/* Writes the feed of every rep (or of the reps whose entry in `reps`, one
 * per campaign rep, is TRUE; NULL: every rep) under
 * feeds_dir/<campaign>/<rep>.ics. Returns a new GArray of PdPublished (that
 * clears its elements), in rep order, or NULL with error set at the first
 * feed (in rep order) that could not be written: the feeds before it are
 * written, that one and those after it untouched, and no temporary file is
 * left behind. The stale temporary files of killed runs in the campaign's
 * directory are removed first (pd_feed_remove_stale_temps()).
 *
 * With many feeds (16 or more) the feeds are rendered and written by
 * worker threads, two per processor (at most 4), which the function joins
 * before returning, and renamed into place in rep order by the calling
 * thread; fewer feeds are done in the calling thread alone, without any
 * thread (the daemon's usual campaigns). The outcome is the same either
 * way, byte for byte and error for error.
 *
 * `vtimezone_source` (nullable: built in this process) is where the
 * feeds' VTIMEZONE text comes from (ics-zone.h). */
GArray *pd_publish_feeds (const PdCampaign *campaign,
                          const PdSchedule *schedule,
                          const char *feeds_dir,
                          const gboolean *reps,
                          gint64 revision_time,
                          PdIcsVtimezoneSource vtimezone_source,
                          GError **error);

/* pd_publish_feeds() with the number of threads chosen: 0 as
 * pd_publish_feeds() decides, 1 for the calling thread alone, n > 1 for
 * min(n, 4, number of feeds) worker threads. */
GArray *pd_publish_feeds_threaded (const PdCampaign *campaign,
                                   const PdSchedule *schedule,
                                   const char *feeds_dir,
                                   const gboolean *reps,
                                   gint64 revision_time,
                                   PdIcsVtimezoneSource vtimezone_source,
                                   guint max_threads,
                                   GError **error);

/* pd_publish_feeds_threaded() with call lists: each block's DESCRIPTION
 * ends with its list (pd_ics_renderer_set_calls(); `calls` made for
 * `schedule`, NULL: none). */
GArray *pd_publish_feeds_with_calls (const PdCampaign *campaign,
                                     const PdSchedule *schedule,
                                     const PdFeedCalls *calls,
                                     const char *feeds_dir,
                                     const gboolean *reps,
                                     gint64 revision_time,
                                     PdIcsVtimezoneSource vtimezone_source,
                                     guint max_threads,
                                     GError **error);

/* Writes the feed of rep `rep_index` to `path` (export -o), as
 * pd_publish_feeds_with_calls() writes each of its feeds, with `calls`
 * (nullable) and `vtimezone_source` as there: rendered straight into the
 * streaming writer (feed.h) against the file at `path`, which is replaced
 * only when its content changed (*ret_changed, nullable, written only on
 * success); the stale temporary files of that file removed first. The
 * errors are those of pd_publish_feeds(): PD_ICS_ERROR when the feed
 * cannot be rendered, PD_FEED_ERROR when it cannot be written (a path
 * that holds anything but a regular file is PD_FEED_ERROR_NOT_REGULAR). */
gboolean pd_publish_feed (const PdCampaign *campaign,
                          const PdSchedule *schedule,
                          const PdFeedCalls *calls,
                          guint rep_index,
                          const char *path,
                          gint64 revision_time,
                          PdIcsVtimezoneSource vtimezone_source,
                          gboolean *ret_changed,
                          GError **error);

/* Renders one rep's feed against the file at `previous_path` (may be NULL
 * or missing; one that cannot be read or is larger than
 * PD_FEED_MAX_PREVIOUS_BYTES counts as missing), with `calls` (nullable)
 * and `vtimezone_source` as pd_publish_feeds_with_calls(): the bytes it
 * would write over that file. Returns the text (g_free) or NULL with
 * error set; a previous_path that holds anything but a regular file is
 * PD_FEED_ERROR_NOT_REGULAR. */
char *pd_publish_render (const PdCampaign *campaign,
                         const PdSchedule *schedule,
                         const PdFeedCalls *calls,
                         guint rep_index,
                         const char *previous_path,
                         gint64 revision_time,
                         PdIcsVtimezoneSource vtimezone_source,
                         GError **error);

/* What writing one rep's feed would change on disk. */
typedef struct {
  gboolean changed; /* the file would be written (new, or other bytes) */
  guint events;     /* events in the feed that would be written */
  guint modified;   /* events of the file that would change (SEQUENCE + 1) */
  guint added;      /* events that would be new */
  guint removed;    /* events of the file that would be gone */
} PdFeedChanges;

/* The feed of rep `rep_index` as pd_publish_feeds() would write it to
 * `path` (the same bytes), compared with the file there, event by event
 * (by UID), and written nowhere: what a dry run reports. A missing file
 * has no event; one that is not a readable feed counts as every event
 * new. Returns FALSE with error set when the feed cannot be rendered.
 * `calls` (nullable) as for pd_publish_feeds_with_calls(),
 * `vtimezone_source` as for pd_publish_feeds(). */
gboolean pd_publish_preview (const PdCampaign *campaign,
                             const PdSchedule *schedule,
                             const PdFeedCalls *calls,
                             guint rep_index,
                             const char *path,
                             gint64 revision_time,
                             PdIcsVtimezoneSource vtimezone_source,
                             PdFeedChanges *ret_changes,
                             GError **error);
