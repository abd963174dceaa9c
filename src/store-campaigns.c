/* SPDX-License-Identifier: MIT
 *
 * store-campaigns: the campaigns a database has seen and the first day of
 * each of their reps (rep_starts). Every write that names a campaign checks
 * it here first (store_require_campaign()).
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"

/* Checked rather than left to the foreign key, whose error does not say
 * which campaign. */
gboolean
store_require_campaign (PdStore *store, const char *id, GError **error)
{
  g_autoptr (CachedStmt) stmt =
    store_prepare_cached (store, CACHED_REQUIRE_CAMPAIGN, "SELECT 1 FROM campaigns WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                 _("Unknown campaign: '%s'"), id);
  else
    store_set_error (error, store->db, rc);
  return FALSE;
}

/* ------------------------------------------------------------ campaigns */

gboolean
pd_store_ensure_campaign (PdStore *store,
                          const char *id,
                          const char *name,
                          GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_ensure_campaign (store->pg, id, name, error);

  if (!store_check_name (id, _("campaign id"), error))
    return FALSE;
  if (!store_begin_write (store, error))
    goto fail;
  stmt = store_prepare (store,
                  "INSERT INTO campaigns (id, name, first_seen) VALUES (?1, ?2, ?3)"
                  " ON CONFLICT (id) DO UPDATE SET name = excluded.name"
                  " WHERE name IS NOT excluded.name",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, id);
      bind_text (stmt, 2, name != NULL ? name : id);
      sqlite3_bind_int64 (stmt, 3, store_now_seconds ());
      ok = store_step_done (store, stmt, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (store_finish (store, ok, error))
    return TRUE;
fail:
  g_prefix_error (error, _("Cannot record the campaign '%s': "), id);
  return FALSE;
}

void
pd_store_campaign_free (PdStoreCampaign *campaign)
{
  if (campaign == NULL)
    return;
  g_free (campaign->id);
  g_free (campaign->name);
  g_free (campaign);
}

GPtrArray *
pd_store_list_campaigns (PdStore *store, GError **error)
{
  g_autoptr (GPtrArray) campaigns = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_store_campaign_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_list_campaigns (store->pg, error);

  stmt = store_prepare (store, "SELECT id, name, first_seen FROM campaigns ORDER BY id", error);
  if (stmt == NULL)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdStoreCampaign *campaign = g_new0 (PdStoreCampaign, 1);

      campaign->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      campaign->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      campaign->first_seen = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (campaigns, campaign);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  return g_steal_pointer (&campaigns);

fail:
  g_prefix_error (error, _("Cannot list the campaigns: "));
  return NULL;
}

/* The recorded first days of a campaign's reps, inside a transaction. */
static gboolean
read_rep_starts (PdStore *store, const char *campaign, GHashTable *starts, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = store_prepare (store, "SELECT rep, first_seen FROM rep_starts WHERE campaign = ?1",
                                           error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GDate date;

      if (!parse_date (sqlite3_column_text (stmt, 1), &date, error))
        return FALSE;
      g_hash_table_insert (starts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                           GUINT_TO_POINTER (g_date_get_julian (&date)));
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_store_rep_starts (PdStore *store, const char *campaign, const char *const *reps, guint n_reps,
                     const GDate *today, const GDate *founding, gboolean record, GDate *ret_dates,
                     GError **error)
{
  g_autoptr (GHashTable) starts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok, missing = FALSE;

  g_return_val_if_fail (store != NULL && campaign != NULL, FALSE);
  g_return_val_if_fail (today != NULL && founding != NULL && ret_dates != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_rep_starts (store->pg, campaign, reps, n_reps, today, founding, record, ret_dates, error);

  /* Read first: once every rep is known (the usual case), nothing is written. */
  if (!store_begin_read (store, error))
    goto fail;
  ok = read_rep_starts (store, campaign, starts, error);
  if (!store_finish (store, ok, error))
    goto fail;
  for (guint i = 0; i < n_reps; i++)
    missing = missing || !g_hash_table_contains (starts, reps[i]);

  if (missing && !record)
    {
      /* Not recorded: the day they would be recorded with. */
      GDate day = g_hash_table_size (starts) == 0 ? *founding : *today;
      for (guint i = 0; i < n_reps; i++)
        if (!g_hash_table_contains (starts, reps[i]))
          g_hash_table_insert (starts, g_strdup (reps[i]), GUINT_TO_POINTER (g_date_get_julian (&day)));
      missing = FALSE;
    }
  if (missing)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      char date[DATE_TEXT_SIZE];

      if (!store_begin_write (store, error))
        goto fail;
      g_hash_table_remove_all (starts);
      ok = store_require_campaign (store, campaign, error) && read_rep_starts (store, campaign, starts, error);
      /* The reps of a campaign seen for the first time are its founding team. */
      format_date (g_hash_table_size (starts) == 0 ? founding : today, date);
      if (ok)
        ok = (stmt = store_prepare (store, "INSERT INTO rep_starts (campaign, rep, first_seen) VALUES (?1, ?2, ?3)",
                              error)) != NULL;
      for (guint i = 0; ok && i < n_reps; i++)
        {
          if (g_hash_table_contains (starts, reps[i]))
            continue;
          sqlite3_reset (stmt);
          bind_text (stmt, 1, campaign);
          bind_text (stmt, 2, reps[i]);
          bind_text (stmt, 3, date);
          ok = store_step_done (store, stmt, error);
          if (ok)
            {
              GDate day;
              ok = parse_date ((const unsigned char *) date, &day, error);
              g_hash_table_insert (starts, g_strdup (reps[i]), GUINT_TO_POINTER (g_date_get_julian (&day)));
            }
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
      if (!store_finish (store, ok, error))
        goto fail;
    }

  for (guint i = 0; i < n_reps; i++)
    {
      g_date_clear (&ret_dates[i], 1);
      g_date_set_julian (&ret_dates[i], GPOINTER_TO_UINT (g_hash_table_lookup (starts, reps[i])));
    }
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot record the reps of '%s': "), campaign);
  return FALSE;
}
