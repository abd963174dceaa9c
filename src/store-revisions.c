/* SPDX-License-Identifier: MIT
 *
 * store-revisions: the schedule revisions of a campaign, the baselines and
 * the catch-ups. A baseline's days are in revision_days; the latest
 * catch-up's in catchup_days, by rep, so that a catch-up of a few reps
 * replaces those reps' rows only. Only the latest catch-up is kept; every
 * baseline stays (the planned contacts of past days are never rewritten).
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"

/* ------------------------------------------------------------ revisions */

static const char *
kind_to_text (PdRevisionKind kind)
{
  return kind == PD_REVISION_BASELINE ? "baseline" : "catchup";
}

/* Inserts the revisions row; for a catch-up, first removes the
 * catch-up days of the `reps` given (all of the campaign's when n_reps
 * is G_MAXUINT) and the earlier catch-up rows. Then the days. */
static gboolean
insert_revision (PdStore *store, const PdRevision *revision, const char *const *reps, guint n_reps,
                 gint64 *ret_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean catchup = revision->kind == PD_REVISION_CATCHUP;
  char date[DATE_TEXT_SIZE];
  gint64 id;

  int rc;

  if (!store_require_campaign (store, revision->campaign, error))
    return FALSE;
  if (revision->parent >= 0)
    {
      /* Conditional: nobody saved a revision of the campaign since the
       * one it was computed from (the write lock is held). */
      stmt = store_prepare (store, "SELECT coalesce (max (id), 0) FROM revisions WHERE campaign = ?1", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, revision->campaign);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          store_set_error (error, store->db, sqlite3_errcode (store->db));
          return FALSE;
        }
      if (sqlite3_column_int64 (stmt, 0) != revision->parent)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CONFLICT,
                       _("another process saved a schedule revision of '%s' first"), revision->campaign);
          return FALSE;
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }
  stmt = store_prepare (store,
                  "INSERT INTO revisions (campaign, kind, as_of, created, parent, source)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  error);
  if (stmt == NULL)
    return FALSE;
  format_date (&revision->as_of, date);
  bind_text (stmt, 1, revision->campaign);
  bind_text (stmt, 2, kind_to_text (revision->kind));
  bind_text (stmt, 3, date);
  sqlite3_bind_int64 (stmt, 4, revision->created);
  if (revision->parent >= 0)
    sqlite3_bind_int64 (stmt, 5, revision->parent);
  bind_text (stmt, 6, revision->source);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CONFLICT,
                   _("another process saved a schedule revision of '%s' first"), revision->campaign);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  id = sqlite3_last_insert_rowid (store->db);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (catchup)
    {
      /* Only the latest catch-up is ever read: the rows of the ones it
       * replaces go, and the days it replaces. */
      stmt = store_prepare (store, "DELETE FROM revisions WHERE campaign = ?1 AND kind = 'catchup' AND id < ?2",
                            error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, revision->campaign);
      sqlite3_bind_int64 (stmt, 2, id);
      if (!store_step_done (store, stmt, error))
        return FALSE;
      g_clear_pointer (&stmt, sqlite3_finalize);
      stmt = store_prepare (store,
                            n_reps == G_MAXUINT ? "DELETE FROM catchup_days WHERE campaign = ?1"
                                                : "DELETE FROM catchup_days WHERE campaign = ?1 AND rep = ?2",
                            error);
      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < (n_reps == G_MAXUINT ? 1 : n_reps); i++)
        {
          sqlite3_reset (stmt);
          bind_text (stmt, 1, revision->campaign);
          if (n_reps != G_MAXUINT)
            bind_text (stmt, 2, reps[i]);
          if (!store_step_done (store, stmt, error))
            return FALSE;
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  stmt = store_prepare (store,
                  catchup ? "INSERT INTO catchup_days (campaign, rep, date, contacts, base)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)"
                          : "INSERT INTO revision_days (revision, rep, date, contacts, base)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)",
                  error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);

      format_date (&day->date, date);
      sqlite3_reset (stmt);
      if (catchup)
        bind_text (stmt, 1, revision->campaign);
      else
        sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, day->rep);
      bind_text (stmt, 3, date);
      sqlite3_bind_int64 (stmt, 4, day->contacts);
      if (day->base >= 0)
        sqlite3_bind_int64 (stmt, 5, day->base);
      else
        sqlite3_bind_null (stmt, 5);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("Two schedule entries for %s on %s"), day->rep, date);
          return FALSE;
        }
      if (rc != SQLITE_DONE)
        {
          store_set_error (error, store->db, rc);
          return FALSE;
        }
    }
  *ret_id = id;
  return TRUE;
}

/* `first`: NULL, or a baseline saved before `revision` in the same
 * transaction, `revision`'s parent then being its id. */
static gboolean
save_revision (PdStore *store, const PdRevision *first, const PdRevision *revision, const char *const *reps,
               guint n_reps, gint64 *ret_id, GError **error)
{
  gint64 id = 0;
  gboolean ok;
  PdRevision after;

  if (store->pg != NULL)
    return store_pg_save_revision (store->pg, first, revision, reps, n_reps, ret_id, error);

  if ((first != NULL && !store_check_revision (first, error)) || !store_check_revision (revision, error))
    goto fail;
  for (guint i = 0; n_reps != G_MAXUINT && i < n_reps; i++)
    if (!store_check_name (reps[i], _("rep name"), error))
      goto fail;
  if (!store_begin_write (store, error))
    goto fail;
  after = *revision;
  ok = (first == NULL || insert_revision (store, first, NULL, G_MAXUINT, &after.parent, error))
       && insert_revision (store, &after, reps, n_reps, &id, error);
  if (!store_finish (store, ok, error))
    goto fail;
  if (ret_id != NULL)
    *ret_id = id;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot save the schedule revision: "));
  return FALSE;
}

gboolean
pd_store_save_revision (PdStore *store,
                        const PdRevision *revision,
                        gint64 *ret_id,
                        GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (revision != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return save_revision (store, NULL, revision, NULL, G_MAXUINT, ret_id, error);
}

gboolean
pd_store_save_first_catchup (PdStore *store,
                             const PdRevision *baseline,
                             const PdRevision *catchup,
                             gint64 *ret_id,
                             GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (baseline != NULL && baseline->kind == PD_REVISION_BASELINE, FALSE);
  g_return_val_if_fail (catchup != NULL && catchup->kind == PD_REVISION_CATCHUP, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return save_revision (store, baseline, catchup, NULL, G_MAXUINT, ret_id, error);
}

gboolean
pd_store_save_catchup_reps (PdStore *store,
                            const PdRevision *revision,
                            const char *const *reps,
                            guint n_reps,
                            gint64 *ret_id,
                            GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (revision != NULL && revision->kind == PD_REVISION_CATCHUP, FALSE);
  g_return_val_if_fail (reps != NULL || n_reps == 0, FALSE);
  g_return_val_if_fail (n_reps != G_MAXUINT, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);
      gboolean listed = FALSE;

      for (guint k = 0; !listed && k < n_reps; k++)
        listed = g_strcmp0 (reps[k], day->rep) == 0;
      if (!listed)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                       _("Cannot save the schedule revision: rep '%s' is not among the reps it replaces"),
                       day->rep);
          return FALSE;
        }
    }
  return save_revision (store, NULL, revision, reps, n_reps, ret_id, error);
}

/* Inside a read transaction. `kind` NULL: either kind. */
static gboolean
load_revision (PdStore *store, const char *campaign, const char *kind, gboolean with_days,
               PdRevision **ret_revision, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (PdRevision) revision = NULL;
  GDate as_of;
  int rc;

  stmt = store_prepare (store,
                  "SELECT id, kind, as_of, created, source FROM revisions"
                  " WHERE campaign = ?1 AND (?2 IS NULL OR kind = ?2)"
                  " ORDER BY id DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *ret_revision = NULL;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  if (!parse_date (sqlite3_column_text (stmt, 2), &as_of, error))
    return FALSE;
  revision = pd_revision_new (campaign,
                              g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1),
                                         "baseline") == 0
                                ? PD_REVISION_BASELINE : PD_REVISION_CATCHUP,
                              &as_of, sqlite3_column_int64 (stmt, 3));
  revision->id = sqlite3_column_int64 (stmt, 0);
  revision->source = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!with_days)
    {
      *ret_revision = g_steal_pointer (&revision);
      return TRUE;
    }

  if (revision->kind == PD_REVISION_CATCHUP)
    {
      stmt = store_prepare (store,
                            "SELECT rep, date, contacts, base FROM catchup_days"
                            " WHERE campaign = ?1 ORDER BY rep, date",
                            error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, campaign);
    }
  else
    {
      stmt = store_prepare (store,
                            "SELECT rep, date, contacts, base FROM revision_days"
                            " WHERE revision = ?1 ORDER BY rep, date",
                            error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, revision->id);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GDate date;

      if (!parse_date (sqlite3_column_text (stmt, 1), &date, error))
        return FALSE;
      pd_revision_add_rebased_day (revision, (const char *) sqlite3_column_text (stmt, 0),
                                   &date, sqlite3_column_int64 (stmt, 2),
                                   sqlite3_column_type (stmt, 3) == SQLITE_NULL
                                     ? -1 : sqlite3_column_int64 (stmt, 3));
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  *ret_revision = g_steal_pointer (&revision);
  return TRUE;
}

static gboolean
load_revision_snapshot (PdStore *store, const char *campaign, const char *kind, gboolean with_days,
                      PdRevision **ret_revision, GError **error)
{
  PdRevision *revision = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (ret_revision != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_load_revision (store->pg, campaign, kind, with_days, ret_revision, error);

  /* Two statements, one snapshot: a revision saved meanwhile by another
   * process cannot mix its days into ours. */
  if (!store_begin_read (store, error))
    goto fail;
  ok = load_revision (store, campaign, kind, with_days, &revision, error);
  if (!store_finish (store, ok, error))
    {
      pd_revision_free (revision);
      goto fail;
    }
  *ret_revision = revision;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot load the schedule of '%s': "), campaign);
  return FALSE;
}

gboolean
pd_store_load_latest_revision (PdStore *store,
                               const char *campaign,
                               PdRevision **ret_revision,
                               GError **error)
{
  return load_revision_snapshot (store, campaign, NULL, TRUE, ret_revision, error);
}

gboolean
pd_store_load_latest_head (PdStore *store,
                           const char *campaign,
                           PdRevision **ret_revision,
                           GError **error)
{
  return load_revision_snapshot (store, campaign, NULL, FALSE, ret_revision, error);
}

gboolean
pd_store_load_latest_catchup (PdStore *store,
                              const char *campaign,
                              PdRevision **ret_revision,
                              GError **error)
{
  return load_revision_snapshot (store, campaign, kind_to_text (PD_REVISION_CATCHUP), TRUE, ret_revision,
                                 error);
}

gboolean
pd_store_load_baseline (PdStore *store,
                        const char *campaign,
                        PdRevision **ret_revision,
                        GError **error)
{
  return load_revision_snapshot (store, campaign, kind_to_text (PD_REVISION_BASELINE), TRUE,
                               ret_revision, error);
}

gboolean
pd_store_load_baseline_head (PdStore *store,
                             const char *campaign,
                             PdRevision **ret_revision,
                             GError **error)
{
  return load_revision_snapshot (store, campaign, kind_to_text (PD_REVISION_BASELINE), FALSE,
                               ret_revision, error);
}
