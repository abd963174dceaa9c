/* SPDX-License-Identifier: MIT
 *
 * store-pg: the PostgreSQL backend of include/prospectd/store.h, as the
 * SQLite backend's public functions call it. A PdStore opened on a libpq
 * URI holds a PgStore (opaque here: no libpq type leaks out of the
 * src/store-pg*.c files) and hands every call to the function of the same
 * name below, after the checks the header's g_return_val_if_fail()s make.
 * The arguments and results are the header's, word for word; the
 * validation both backends share is store-common.c's.
 *
 * Which file owns what (mirroring the SQLite backend):
 *   store-pg.c               the connection: open (settings, schema), the
 *                            dry run's rolled-back transaction, close,
 *                            the change counter
 *   store-pg-sql.c           the plumbing: errors, queries, transactions
 *                            (retried on serialization failure and deadlock)
 *   store-pg-schema.c        the schema `prospectd` and its migrations
 *   store-pg-campaigns.c     campaigns and the first days of their reps
 *   store-pg-activity.c      activity entries
 *   store-pg-totals.c        the sums the status reads
 *   store-pg-revisions.c     schedule revisions
 *   store-pg-notifications.c notifications already sent
 *   store-pg-meta.c          the database's id and the feed tokens
 */
#pragma once

#include <glib.h>

#include "prospectd/store.h"
#include "prospectd/store-prospects.h"

typedef struct _PgStore PgStore;

PgStore *store_pg_open (const char *uri, gboolean dry_run, gboolean *ret_missing, GError **error);
gint64 store_pg_schema_found (const PgStore *pg);
void store_pg_close (PgStore *pg);
gboolean store_pg_data_version (PgStore *pg, gint64 *ret_version, GError **error);
/* store-pg-listen.c: pd_store_change_fd(), pd_store_read_changes(). */
int store_pg_change_fd (PgStore *pg, GError **error);
gboolean store_pg_read_changes (PgStore *pg, gboolean *ret_changed, GError **error);
char *store_pg_database_id (PgStore *pg, GError **error);

gboolean store_pg_ensure_campaign (PgStore *pg, const char *id, const char *name, GError **error);
GPtrArray *store_pg_list_campaigns (PgStore *pg, GError **error);
gboolean store_pg_rep_starts (PgStore *pg, const char *campaign, const char *const *reps, guint n_reps,
                              const GDate *today, const GDate *founding, gboolean record, GDate *ret_dates,
                              GError **error);

gboolean store_pg_add_activity (PgStore *pg, const PdActivity *activity, gint64 *ret_id, GError **error);
GPtrArray *store_pg_list_activity (PgStore *pg, const char *campaign, const char *rep, GError **error);
gboolean store_pg_take_activity (PgStore *pg, gint64 id, PdActivity **ret_removed, GError **error);
gboolean store_pg_get_activity (PgStore *pg, gint64 id, PdActivity **ret_activity, GError **error);
gboolean store_pg_update_activity (PgStore *pg, const PdActivity *activity, GError **error);
gboolean store_pg_replace_day (PgStore *pg, const PdActivity *activity, gint64 *ret_id, GPtrArray **ret_removed,
                               GError **error);
/* A change-mark table's latest mark (`mark_sql`) and the reps of
 * `campaign` past `since` (`reps_sql`: $1 since, $2 campaign), in one
 * snapshot (pd_store_activity_changes(), pd_store_prospect_changes()). */
gboolean store_pg_change_marks (PgStore *pg, const char *mark_sql, const char *reps_sql, const char *campaign,
                                gint64 since, gint64 *ret_mark, GStrv *ret_reps, GError **error);

gboolean store_pg_day_parts (PgStore *pg, const char *campaign, const char *rep, const GDate *date,
                             PdTotals *ret_logged, PdTotals *ret_called, GError **error);
gboolean store_pg_totals (PgStore *pg, const char *campaign, const char *rep, const GDate *up_to,
                          PdTotals *ret_totals, GError **error);
GArray *store_pg_day_totals (PgStore *pg, const char *campaign, const char *rep, const GDate *from,
                             const GDate *to, GError **error);
GArray *store_pg_daily_contacts (PgStore *pg, const char *campaign, const char *rep, const GDate *up_to,
                                 GError **error);

GArray *store_pg_running_at (PgStore *pg, const char *campaign, const GDate *date, GError **error);
GArray *store_pg_running_contacts_at (PgStore *pg, const char *campaign, const GDate *dates, guint n_dates,
                                      GError **error);
gboolean store_pg_rep_running_at (PgStore *pg, const char *campaign, const char *rep, const GDate *date,
                                  PdRunningSums *ret_sums, GError **error);
gboolean store_pg_rep_contacts_reached (PgStore *pg, const char *campaign, const char *rep, gint64 contacts,
                                        const GDate *up_to, GDate *ret_date, GError **error);

gboolean store_pg_notification_claim (PgStore *pg, const char *campaign, const char *key, const char *desktop,
                                      gint64 sent_at,
                                      gboolean *ret_claimed, GError **error);
gboolean store_pg_notification_sent (PgStore *pg, const char *campaign, const char *key, const char *desktop,
                                     gboolean *ret_sent,
                                     gint64 *ret_sent_at, GError **error);

/* reps, n_reps: the reps a catch-up replaces (pd_store_save_catchup_reps()),
 * or NULL, G_MAXUINT: all of the campaign's (pd_store_save_revision()).
 * `first`: NULL, or a baseline saved before `revision` in the same
 * transaction, `revision`'s parent then being its id
 * (pd_store_save_first_catchup()). */
gboolean store_pg_save_revision (PgStore *pg, const PdRevision *first, const PdRevision *revision,
                                 const char *const *reps, guint n_reps, gint64 *ret_id, GError **error);
/* `kind` NULL: either kind; "baseline" or "catchup" otherwise. */
gboolean store_pg_load_revision (PgStore *pg, const char *campaign, const char *kind, gboolean with_days,
                                 PdRevision **ret_revision, GError **error);

gboolean store_pg_feed_token (PgStore *pg, const char *campaign, const char *rep, gboolean create,
                              char **ret_token, GError **error);
gboolean store_pg_find_feed_token (PgStore *pg, const char *token, char **ret_campaign, char **ret_rep,
                                   GError **error);
gboolean store_pg_rotate_feed_token (PgStore *pg, const char *campaign, const char *rep, char **ret_token,
                                     GError **error);

/* store-pg-prospects.c (schema 11). list: `id` > 0 lists that prospect only. */
/* import: `ids` (may be NULL) gets each fed prospect's id, in order. */
gboolean store_pg_import_prospects (PgStore *pg, const char *campaign, PdProspectFeed feed, gpointer data,
                                    GArray *ids, gint64 *ret_added, gint64 *ret_sources_added, GError **error);
GPtrArray *store_pg_list_prospects (PgStore *pg, const char *campaign, const PdProspectFilter *filter, gint64 id,
                                    GError **error);
gboolean store_pg_foreach_prospect (PgStore *pg, const char *campaign, PdProspectFunc func, gpointer data,
                                    GError **error);
gboolean store_pg_any_prospect (PgStore *pg, const char *campaign, gboolean *ret_any, GError **error);
gboolean store_pg_count_prospects (PgStore *pg, const char *campaign, gint64 *ret_prospects,
                                   gint64 *ret_spontaneous, GError **error);
GArray *store_pg_list_called (PgStore *pg, const char *campaign, const char *rep, const GDate *from,
                              GError **error);
gboolean store_pg_set_prospect_reps (PgStore *pg, const char *campaign, const gint64 *ids, const char *const *reps,
                                     guint n, GError **error);
gboolean store_pg_erase_prospect (PgStore *pg, const char *campaign, gint64 id, GError **error);
gboolean store_pg_record_call (PgStore *pg, const PdCall *call, gint64 *ret_id, GError **error);
GPtrArray *store_pg_list_calls (PgStore *pg, const char *campaign, const char *rep, gint64 prospect,
                                const GDate *from, const GDate *to, GError **error);
