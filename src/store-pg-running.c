/* SPDX-License-Identifier: MIT
 *
 * store-pg-running: each rep's running sums per logged day on PostgreSQL
 * (schema 16's activity_running, kept by a trigger on activity_days, and
 * schema 18's activity_running_last, each rep's last row), as
 * store-running.c reads them on SQLite.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

#define RUNNING_COLUMNS \
  "rep, date, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents," \
  " qualified_active, qualified_prospects, reached_contacts, reached_prospects, won_deals, won_revenue_cents"

static PdRunningSums
sums_from_row (const PGresult *result, int row, int first)
{
  return (PdRunningSums) {
    .totals = {
      .entries = pg_int (result, row, first),
      .contacts = pg_int (result, row, first + 1),
      .prospects = pg_int (result, row, first + 2),
      .active = pg_int (result, row, first + 3),
      .latent = pg_int (result, row, first + 4),
      .arid = pg_int (result, row, first + 5),
      .proposals = pg_int (result, row, first + 6),
      .deals = pg_int (result, row, first + 7),
      .revenue_cents = pg_int (result, row, first + 8),
    },
    .qualified_active = pg_int (result, row, first + 9),
    .qualified_prospects = pg_int (result, row, first + 10),
    .reached_contacts = pg_int (result, row, first + 11),
    .reached_prospects = pg_int (result, row, first + 12),
    .won_deals = pg_int (result, row, first + 13),
    .won_revenue_cents = pg_int (result, row, first + 14),
  };
}

GArray *
store_pg_running_at (PgStore *pg, const char *campaign, const GDate *date, GError **error)
{
  g_autoptr (GArray) reps = g_array_new (FALSE, TRUE, sizeof (PdRepRunning));
  char date_text[DATE_TEXT_SIZE];
  const char *values[2] = { campaign, date_text };
  g_autoptr (PGresult) result = NULL;

  g_array_set_clear_func (reps, store_clear_rep_running);
  if (!store_check_date (date, _("end"), error))
    goto fail;
  format_date (date, date_text);
  /* Each rep's last row, read in order, when it is on or before the
   * date; else the rep's last row on or before the date (an index
   * probe), when there is one. */
  result = pg_query (pg,
                     "SELECT " RUNNING_COLUMNS " FROM activity_running_last"
                     " WHERE campaign = $1 AND date <= $2::date"
                     " UNION ALL"
                     " SELECT r.* FROM activity_running_last AS l CROSS JOIN LATERAL ("
                     "  SELECT " RUNNING_COLUMNS " FROM activity_running"
                     "   WHERE campaign = $1 AND rep = l.rep AND date <= $2::date"
                     "   ORDER BY date DESC LIMIT 1) AS r"
                     " WHERE l.campaign = $1 AND l.date > $2::date"
                     " ORDER BY 1",
                     2, values, error);
  if (result == NULL)
    goto fail;
  for (int i = 0; i < PQntuples (result); i++)
    {
      PdRepRunning running = { 0 };

      if (!pg_date (result, i, 1, &running.date, error))
        goto fail;
      running.rep = g_strdup (pg_text (result, i, 0));
      running.sums = sums_from_row (result, i, 2);
      g_array_append_val (reps, running);
    }
  return g_steal_pointer (&reps);

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return NULL;
}

GArray *
store_pg_running_contacts_at (PgStore *pg, const char *campaign, const GDate *dates, guint n_dates, GError **error)
{
  g_autoptr (GArray) found = g_array_new (FALSE, TRUE, sizeof (PdRepContactsAt));
  g_autofree char *dates_text = NULL;
  g_autoptr (PGresult) result = NULL;

  g_array_set_clear_func (found, store_clear_rep_contacts);
  if ((dates_text = store_dates_text (dates, n_dates, FALSE, error)) == NULL)
    goto fail;
  {
    const char *values[2] = { campaign, dates_text };

    /* Each rep (its last row) and date: the last row's contacts when it
     * is on or before the date, else a probe. */
    result = pg_query (pg,
                       "SELECT l.rep, dates.k - 1,"
                       "  CASE WHEN l.date <= dates.d THEN l.contacts"
                       "   ELSE (SELECT contacts FROM activity_running"
                       "          WHERE campaign = $1 AND rep = l.rep AND date <= dates.d"
                       "          ORDER BY date DESC LIMIT 1) END"
                       " FROM activity_running_last AS l"
                       " CROSS JOIN unnest ($2::date[]) WITH ORDINALITY AS dates (d, k)"
                       " WHERE l.campaign = $1",
                       2, values, error);
  }
  if (result == NULL)
    goto fail;
  for (int i = 0; i < PQntuples (result); i++)
    {
      PdRepContactsAt at = { 0 };

      if (PQgetisnull (result, i, 2))
        continue; /* nothing logged by then */
      at.rep = g_strdup (pg_text (result, i, 0));
      at.date_index = (guint) pg_int (result, i, 1);
      at.contacts = pg_int (result, i, 2);
      g_array_append_val (found, at);
    }
  return g_steal_pointer (&found);

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return NULL;
}

gboolean
store_pg_rep_running_at (PgStore *pg, const char *campaign, const char *rep, const GDate *date,
                         PdRunningSums *ret_sums, GError **error)
{
  char date_text[DATE_TEXT_SIZE];
  const char *values[3] = { campaign, rep, date_text };
  g_autoptr (PGresult) result = NULL;

  if (!store_check_date (date, _("end"), error))
    goto fail;
  format_date (date, date_text);
  result = pg_query (pg,
                     "SELECT " RUNNING_COLUMNS " FROM activity_running"
                     " WHERE campaign = $1 AND rep = $2 AND date <= $3::date ORDER BY date DESC LIMIT 1",
                     3, values, error);
  if (result == NULL)
    goto fail;
  *ret_sums = PQntuples (result) > 0 ? sums_from_row (result, 0, 2) : (PdRunningSums) { 0 };
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return FALSE;
}

gboolean
store_pg_rep_contacts_reached (PgStore *pg, const char *campaign, const char *rep, gint64 contacts,
                               const GDate *up_to, GDate *ret_date, GError **error)
{
  char date_text[DATE_TEXT_SIZE];
  char contacts_text[INT_TEXT_SIZE];
  const char *values[4] = { campaign, rep, date_text, int_text (contacts, contacts_text) };
  g_autoptr (PGresult) result = NULL;

  if (!store_check_date (up_to, _("end"), error))
    goto fail;
  format_date (up_to, date_text);
  result = pg_query (pg,
                     "SELECT date FROM activity_running"
                     " WHERE campaign = $1 AND rep = $2 AND date <= $3::date AND contacts >= $4::bigint"
                     " ORDER BY date LIMIT 1",
                     4, values, error);
  if (result == NULL)
    goto fail;
  if (PQntuples (result) > 0 && !pg_date (result, 0, 0, ret_date, error))
    goto fail;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return FALSE;
}
