/* SPDX-License-Identifier: MIT
 *
 * store-copy: a whole history from one database into an empty one: from a
 * solo rep's SQLite file into a team's PostgreSQL database, or back
 * (either backend on either side). Campaigns, the first day of each rep,
 * activity (ids kept, and the highest id ever issued, so that no removed
 * id comes back), schedule revisions, notifications sent, feed tokens
 * (subscribed URLs keep working), the latest catch-up's days, the change
 * marks the daemons compare, the prospect file (prospects with their
 * attributes and sources, calls; ids kept as activity's), and the
 * database's id (a feeds directory
 * written from the source accepts the target). The per-day sums are
 * rebuilt by the target as the entries go in.
 *
 * One transaction on the target, over one snapshot of the source: counts
 * and sums of every table are compared on both sides before it commits;
 * any difference rolls everything back.
 */
#pragma once

#include <glib.h>

/* What was copied: rows per table. */
typedef struct {
  gint64 campaigns;
  gint64 rep_starts;
  gint64 entries;
  gint64 revisions;
  gint64 revision_days;
  gint64 catchup_days;
  gint64 notifications;
  gint64 feed_tokens;
  gint64 prospects;      /* with their attributes and sources (schema 11) */
  gint64 calls;
} PdStoreCopyCounts;

/* Copies the database `from` into `to` (each a path or a PostgreSQL URI,
 * as pd_store_open() takes). `from` is only read (an SQLite file through
 * a private copy, a server in one rolled-back snapshot); `to` is created
 * when missing (the file, or the schema when the login owns the database).
 * Errors: PD_STORE_ERROR_NOT_FOUND (`from` holds no prospectd database),
 * PD_STORE_ERROR_INVALID (`to` already holds data, or is `from`),
 * PD_STORE_ERROR_IO (a login that sees only its rep's rows of `from`),
 * PD_STORE_ERROR_CORRUPT (the copy does not verify), or a backend error;
 * nothing is written to `to` then. Messages name the databases in their
 * display form (no password). */
gboolean pd_store_copy (const char *from, const char *to, PdStoreCopyCounts *ret_counts, GError **error);
