/* SPDX-License-Identifier: MIT
 *
 * store-running: each rep's running sums per logged day (schema 16's
 * activity_running, kept by triggers on activity_days, and schema 18's
 * activity_running_last, each rep's last row), read one row per rep and
 * date asked: what the status needs of the logged side, whatever the
 * number of days logged. The statements are cached.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"

/* The columns read, from the rep's: rep, date, then the sums. */
#define RUNNING_DATE_SUMS \
  "r.date, r.entries, r.contacts, r.prospects, r.active, r.latent, r.arid, r.proposals," \
  " r.deals, r.revenue_cents, r.qualified_active, r.qualified_prospects, r.reached_contacts," \
  " r.reached_prospects, r.won_deals, r.won_revenue_cents"
#define RUNNING_COLUMNS "r.rep, " RUNNING_DATE_SUMS

static PdRunningSums
sums_from_row (sqlite3_stmt *stmt, int first)
{
  return (PdRunningSums) {
    .totals = {
      .entries = sqlite3_column_int64 (stmt, first),
      .contacts = sqlite3_column_int64 (stmt, first + 1),
      .prospects = sqlite3_column_int64 (stmt, first + 2),
      .active = sqlite3_column_int64 (stmt, first + 3),
      .latent = sqlite3_column_int64 (stmt, first + 4),
      .arid = sqlite3_column_int64 (stmt, first + 5),
      .proposals = sqlite3_column_int64 (stmt, first + 6),
      .deals = sqlite3_column_int64 (stmt, first + 7),
      .revenue_cents = sqlite3_column_int64 (stmt, first + 8),
    },
    .qualified_active = sqlite3_column_int64 (stmt, first + 9),
    .qualified_prospects = sqlite3_column_int64 (stmt, first + 10),
    .reached_contacts = sqlite3_column_int64 (stmt, first + 11),
    .reached_prospects = sqlite3_column_int64 (stmt, first + 12),
    .won_deals = sqlite3_column_int64 (stmt, first + 13),
    .won_revenue_cents = sqlite3_column_int64 (stmt, first + 14),
  };
}

GArray *
pd_store_running_at (PdStore *store, const char *campaign, const GDate *date, GError **error)
{
  g_autoptr (GArray) reps = g_array_new (FALSE, TRUE, sizeof (PdRepRunning));
  g_autoptr (CachedStmt) stmt = NULL;
  char date_text[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (date != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_running_at (store->pg, campaign, date, error);
  g_array_set_clear_func (reps, store_clear_rep_running);
  if (!store_check_date (date, _("end"), error))
    goto fail;
  /* Each rep's last row, read in order, when it is on or before the
   * date; else the rep's last row on or before the date (a seek: the
   * min/max optimisation), when there is one. Both in rep order, merged:
   * the CROSS JOIN keeps the small table outside (else SQLite walks the
   * campaign's running sums for their order). */
  stmt = store_prepare_cached (store, CACHED_RUNNING_AT,
                               "SELECT " RUNNING_COLUMNS " FROM activity_running_last AS r"
                               " WHERE r.campaign = ?1 AND r.date <= ?2"
                               " UNION ALL"
                               " SELECT l.rep, " RUNNING_DATE_SUMS
                               " FROM activity_running_last AS l CROSS JOIN activity_running AS r"
                               "  ON r.campaign = ?1 AND r.rep = l.rep"
                               "  AND r.date = (SELECT max (date) FROM activity_running"
                               "                 WHERE campaign = ?1 AND rep = l.rep AND date <= ?2)"
                               " WHERE l.campaign = ?1 AND l.date > ?2"
                               " ORDER BY 1",
                               error);
  if (stmt == NULL)
    goto fail;
  format_date (date, date_text);
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, date_text);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdRepRunning running = { 0 };

      if (!parse_date (sqlite3_column_text (stmt, 1), &running.date, error))
        goto fail;
      running.rep = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      running.sums = sums_from_row (stmt, 2);
      g_array_append_val (reps, running);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  return g_steal_pointer (&reps);

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return NULL;
}

GArray *
pd_store_running_contacts_at (PdStore *store, const char *campaign, const GDate *dates, guint n_dates,
                              GError **error)
{
  g_autoptr (GArray) found = g_array_new (FALSE, TRUE, sizeof (PdRepContactsAt));
  g_autoptr (CachedStmt) stmt = NULL;
  g_autofree char *dates_text = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (dates != NULL || n_dates == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_running_contacts_at (store->pg, campaign, dates, n_dates, error);
  g_array_set_clear_func (found, store_clear_rep_contacts);
  if ((dates_text = store_dates_text (dates, n_dates, TRUE, error)) == NULL)
    goto fail;
  /* Each rep (its last row) and date: the last row's contacts when it
   * is on or before the date, else a look-up. */
  stmt = store_prepare_cached (store, CACHED_RUNNING_CONTACTS_AT,
                               "WITH dates (k, d) AS (SELECT key, value FROM json_each (?2))"
                               " SELECT l.rep, dates.k,"
                               "  CASE WHEN l.date <= dates.d THEN l.contacts"
                               "   ELSE (SELECT contacts FROM activity_running"
                               "          WHERE campaign = ?1 AND rep = l.rep AND date <= dates.d"
                               "          ORDER BY date DESC LIMIT 1) END"
                               " FROM activity_running_last AS l JOIN dates WHERE l.campaign = ?1",
                               error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, dates_text);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdRepContactsAt at = { 0 };

      if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
        continue; /* nothing logged by then */
      at.rep = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      at.date_index = (guint) sqlite3_column_int64 (stmt, 1);
      at.contacts = sqlite3_column_int64 (stmt, 2);
      g_array_append_val (found, at);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  return g_steal_pointer (&found);

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return NULL;
}

gboolean
pd_store_rep_running_at (PdStore *store, const char *campaign, const char *rep, const GDate *date,
                         PdRunningSums *ret_sums, GError **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  char date_text[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL && rep != NULL && date != NULL, FALSE);
  g_return_val_if_fail (ret_sums != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_rep_running_at (store->pg, campaign, rep, date, ret_sums, error);
  if (!store_check_date (date, _("end"), error))
    goto fail;
  stmt = store_prepare_cached (store, CACHED_REP_RUNNING_AT,
                               "SELECT " RUNNING_COLUMNS " FROM activity_running AS r"
                               " WHERE campaign = ?1 AND rep = ?2 AND date <= ?3"
                               " ORDER BY date DESC LIMIT 1",
                               error);
  if (stmt == NULL)
    goto fail;
  format_date (date, date_text);
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  bind_text (stmt, 3, date_text);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *ret_sums = sums_from_row (stmt, 2);
  else if (rc == SQLITE_DONE)
    *ret_sums = (PdRunningSums) { 0 };
  else
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return FALSE;
}

gboolean
pd_store_rep_contacts_reached (PdStore *store, const char *campaign, const char *rep, gint64 contacts,
                               const GDate *up_to, GDate *ret_date, GError **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  char date_text[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL && rep != NULL && up_to != NULL, FALSE);
  g_return_val_if_fail (ret_date != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_date_clear (ret_date, 1);
  if (store->pg != NULL)
    return store_pg_rep_contacts_reached (store->pg, campaign, rep, contacts, up_to, ret_date, error);
  if (!store_check_date (up_to, _("end"), error))
    goto fail;
  /* Running contacts never fall along a rep's days: the first row that
   * holds enough is the day they were reached. */
  stmt = store_prepare_cached (store, CACHED_REP_REACHED,
                               "SELECT date FROM activity_running"
                               " WHERE campaign = ?1 AND rep = ?2 AND date <= ?3 AND contacts >= ?4"
                               " ORDER BY date LIMIT 1",
                               error);
  if (stmt == NULL)
    goto fail;
  format_date (up_to, date_text);
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  bind_text (stmt, 3, date_text);
  sqlite3_bind_int64 (stmt, 4, contacts);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (!parse_date (sqlite3_column_text (stmt, 0), ret_date, error))
        goto fail;
    }
  else if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return FALSE;
}
