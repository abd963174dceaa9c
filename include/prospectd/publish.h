/* SPDX-License-Identifier: MIT
 *
 * publish: a campaign's feeds on disk — each rep's feed rendered (ics) and
 * written atomically when its content changed (feed), the previous file
 * providing SEQUENCE and DTSTAMP of unchanged events.
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"
#include "prospectd/schedule.h"

typedef struct {
  char *rep;      /* owned */
  char *path;     /* owned */
  gboolean changed;
} PdPublished;

/* Writes the feed of every rep (or only rep `only_rep` when >= 0) under
 * feeds_dir/<campaign>/<rep>.ics. Returns a new GArray of PdPublished (that
 * clears its elements), or NULL with error set at the first feed that could
 * not be written (feeds before it are written). */
GArray *pd_publish_feeds (const PdCampaign *campaign,
                          const PdSchedule *schedule,
                          const char *feeds_dir,
                          gint only_rep,
                          gint64 revision_time,
                          GError **error);

/* Renders one rep's feed against the file at `previous_path` (may be NULL
 * or missing). Returns the text (g_free) or NULL with error set. */
char *pd_publish_render (const PdCampaign *campaign,
                         const PdSchedule *schedule,
                         guint rep_index,
                         const char *previous_path,
                         gint64 revision_time,
                         GError **error);
