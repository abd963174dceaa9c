/* SPDX-License-Identifier: MIT
 *
 * store-totals: the sums the status reads, from the per-day tables
 * (activity_days per rep, activity_team_days per team; schema 4) rather
 * than from activity itself: a few hundred rows per campaign instead of
 * one per logged entry. The statements of the status reads are the
 * cached ones: the daemon runs them over and over.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"

gboolean
pd_store_totals (PdStore *store,
                 const char *campaign,
                 const char *rep,
                 const GDate *up_to,
                 PdTotals *ret_totals,
                 GError **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (ret_totals != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_totals (store->pg, campaign, rep, up_to, ret_totals, error);

  if (up_to != NULL && !store_check_date (up_to, _("end"), error))
    goto fail;
  /* The per-day sums of migration 4: a few hundred rows, one per day the
   * rep (or anyone, for the team) logged something. sum() rather than
   * total(): an overflow is an error, not a rounded float. sum() of no
   * rows is NULL, hence coalesce(). */
#define TOTALS_SELECT \
  "SELECT coalesce(sum(entries), 0), coalesce(sum(contacts), 0)," \
  " coalesce(sum(prospects), 0), coalesce(sum(active), 0)," \
  " coalesce(sum(latent), 0), coalesce(sum(arid), 0)," \
  " coalesce(sum(proposals), 0), coalesce(sum(deals), 0)," \
  " coalesce(sum(revenue_cents), 0)"
  stmt = rep != NULL
    ? store_prepare_cached (store, CACHED_TOTALS_REP,
                      TOTALS_SELECT " FROM activity_days"
                      " WHERE campaign = ?1 AND rep = ?2 AND (?3 IS NULL OR date <= ?3)",
                      error)
    : store_prepare_cached (store, CACHED_TOTALS_TEAM,
                      TOTALS_SELECT " FROM activity_team_days"
                      " WHERE campaign = ?1 AND ?2 IS NULL AND (?3 IS NULL OR date <= ?3)",
                      error);
#undef TOTALS_SELECT
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  if (up_to != NULL)
    {
      format_date (up_to, date);
      bind_text (stmt, 3, date);
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  *ret_totals = (PdTotals) {
    .entries = sqlite3_column_int64 (stmt, 0),
    .contacts = sqlite3_column_int64 (stmt, 1),
    .prospects = sqlite3_column_int64 (stmt, 2),
    .active = sqlite3_column_int64 (stmt, 3),
    .latent = sqlite3_column_int64 (stmt, 4),
    .arid = sqlite3_column_int64 (stmt, 5),
    .proposals = sqlite3_column_int64 (stmt, 6),
    .deals = sqlite3_column_int64 (stmt, 7),
    .revenue_cents = sqlite3_column_int64 (stmt, 8),
  };
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return FALSE;
}

GArray *
pd_store_day_totals (PdStore *store,
                     const char *campaign,
                     const char *rep,
                     const GDate *from,
                     const GDate *to,
                     GError **error)
{
  g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDayTotals));
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char from_text[DATE_TEXT_SIZE], to_text[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_day_totals (store->pg, campaign, rep, from, to, error);

  if ((from != NULL && !store_check_date (from, _("start"), error)) ||
      (to != NULL && !store_check_date (to, _("end"), error)))
    goto fail;
#define DAY_TOTALS_SELECT \
  "SELECT date, entries, contacts, prospects, active, latent, arid, proposals, deals," \
  " revenue_cents"
#define DAY_TOTALS_WHERE \
  " (?3 IS NULL OR date >= ?3) AND (?4 IS NULL OR date <= ?4) ORDER BY date"
  stmt = rep != NULL
    ? store_prepare (store, DAY_TOTALS_SELECT " FROM activity_days WHERE campaign = ?1 AND rep = ?2 AND"
               DAY_TOTALS_WHERE, error)
    : store_prepare (store, DAY_TOTALS_SELECT " FROM activity_team_days WHERE campaign = ?1 AND ?2 IS NULL AND"
               DAY_TOTALS_WHERE, error);
#undef DAY_TOTALS_SELECT
#undef DAY_TOTALS_WHERE
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  if (from != NULL)
    {
      format_date (from, from_text);
      bind_text (stmt, 3, from_text);
    }
  if (to != NULL)
    {
      format_date (to, to_text);
      bind_text (stmt, 4, to_text);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdDayTotals day = { 0 };

      if (!parse_date (sqlite3_column_text (stmt, 0), &day.date, error))
        goto fail;
      day.totals = (PdTotals) {
        .entries = sqlite3_column_int64 (stmt, 1),
        .contacts = sqlite3_column_int64 (stmt, 2),
        .prospects = sqlite3_column_int64 (stmt, 3),
        .active = sqlite3_column_int64 (stmt, 4),
        .latent = sqlite3_column_int64 (stmt, 5),
        .arid = sqlite3_column_int64 (stmt, 6),
        .proposals = sqlite3_column_int64 (stmt, 7),
        .deals = sqlite3_column_int64 (stmt, 8),
        .revenue_cents = sqlite3_column_int64 (stmt, 9),
      };
      g_array_append_val (days, day);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  return g_steal_pointer (&days);

fail:
  g_prefix_error (error, _("Cannot sum the days of '%s': "), campaign);
  return NULL;
}

/* The days' rep strings are GRefStrings, one per rep shared by its days:
 * 1 000 allocations instead of 340 000 for a large team (make bench). */
static void
clear_daily_contacts (gpointer data)
{
  PdDailyContacts *day = data;

  g_clear_pointer (&day->rep, g_ref_string_release);
}

gboolean
pd_store_foreach_daily_contacts (PdStore *store,
                                 const char *campaign,
                                 const char *rep,
                                 const GDate *up_to,
                                 PdDailyContactsFunc func,
                                 gpointer user_data,
                                 GError **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  char *current_rep = NULL; /* GRefString, one reference of ours */
  gint64 cumulative = 0;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    {
      /* The PostgreSQL backend reads the rows at once, then hands them
       * over one at a time. */
      g_autoptr (GArray) days = store_pg_daily_contacts (store->pg, campaign, rep, up_to, error);

      if (days == NULL)
        return FALSE;
      for (guint i = 0; i < days->len; i++)
        func (&g_array_index (days, PdDailyContacts, i), user_data);
      return TRUE;
    }
  if (up_to != NULL && !store_check_date (up_to, _("end"), error))
    goto fail;
  /* One row per rep and day in activity_days (migration 4), which is in
   * this order already: its primary key. */
  stmt = rep != NULL
    ? store_prepare_cached (store, CACHED_DAILY_REP,
                      "SELECT rep, date, contacts, prospects, active, latent, arid, proposals,"
                      " deals, revenue_cents FROM activity_days"
                      " WHERE campaign = ?1 AND rep = ?2 AND (?3 IS NULL OR date <= ?3)"
                      " ORDER BY rep, date",
                      error)
    : store_prepare_cached (store, CACHED_DAILY_TEAM,
                      "SELECT rep, date, contacts, prospects, active, latent, arid, proposals,"
                      " deals, revenue_cents FROM activity_days"
                      " WHERE campaign = ?1 AND ?2 IS NULL AND (?3 IS NULL OR date <= ?3)"
                      " ORDER BY rep, date",
                      error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  if (up_to != NULL)
    {
      format_date (up_to, date);
      bind_text (stmt, 3, date);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *row_rep = (const char *) sqlite3_column_text (stmt, 0);
      PdDailyContacts day = { 0 };

      if (!parse_date (sqlite3_column_text (stmt, 1), &day.date, error))
        goto fail;
      if (current_rep == NULL || strcmp (current_rep, row_rep) != 0)
        {
          g_clear_pointer (&current_rep, g_ref_string_release);
          current_rep = g_ref_string_new (row_rep);
          cumulative = 0;
        }
      day.contacts = sqlite3_column_int64 (stmt, 2);
      /* Counts are >= 0 (CHECK constraint), so only this can overflow. */
      if (day.contacts < 0 || day.contacts > G_MAXINT64 - cumulative)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED,
                       _("Sum of contacts out of range"));
          goto fail;
        }
      cumulative += day.contacts;
      day.cumulative = cumulative;
      day.prospects = sqlite3_column_int64 (stmt, 3);
      day.active = sqlite3_column_int64 (stmt, 4);
      day.latent = sqlite3_column_int64 (stmt, 5);
      day.arid = sqlite3_column_int64 (stmt, 6);
      day.proposals = sqlite3_column_int64 (stmt, 7);
      day.deals = sqlite3_column_int64 (stmt, 8);
      day.revenue_cents = sqlite3_column_int64 (stmt, 9);
      day.rep = current_rep;
      func (&day, user_data);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  g_clear_pointer (&current_rep, g_ref_string_release);
  return TRUE;

fail:
  g_clear_pointer (&current_rep, g_ref_string_release);
  g_prefix_error (error, _("Cannot sum the daily contacts of '%s': "), campaign);
  return FALSE;
}

/* The rows kept, each holding a reference to its rep's string. */
static void
append_daily_contacts (const PdDailyContacts *day, gpointer user_data)
{
  PdDailyContacts copy = *day;

  copy.rep = g_ref_string_acquire (day->rep);
  g_array_append_val ((GArray *) user_data, copy);
}

GArray *
pd_store_daily_contacts (PdStore *store,
                         const char *campaign,
                         const char *rep,
                         const GDate *up_to,
                         GError **error)
{
  g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_daily_contacts (store->pg, campaign, rep, up_to, error);
  g_array_set_clear_func (days, clear_daily_contacts);
  if (!pd_store_foreach_daily_contacts (store, campaign, rep, up_to, append_daily_contacts, days, error))
    return NULL;
  return g_steal_pointer (&days);
}
