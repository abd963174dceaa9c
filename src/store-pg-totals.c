/* SPDX-License-Identifier: MIT
 *
 * store-pg-totals: the sums the status reads, on PostgreSQL, from the
 * per-day tables the schema's trigger keeps (activity_days per rep,
 * activity_team_days per team), as store-totals.c does for SQLite. Sums
 * over days are cast back to bigint: one beyond 64 bits is an error
 * ("bigint out of range"), never a rounded number.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

#include <string.h>

static PdTotals
totals_from_row (const PGresult *result, int row, int first)
{
  return (PdTotals) {
    .entries = pg_int (result, row, first),
    .contacts = pg_int (result, row, first + 1),
    .prospects = pg_int (result, row, first + 2),
    .active = pg_int (result, row, first + 3),
    .latent = pg_int (result, row, first + 4),
    .arid = pg_int (result, row, first + 5),
    .proposals = pg_int (result, row, first + 6),
    .deals = pg_int (result, row, first + 7),
    .revenue_cents = pg_int (result, row, first + 8),
  };
}

gboolean
store_pg_totals (PgStore *pg, const char *campaign, const char *rep, const GDate *up_to, PdTotals *ret_totals,
                 GError **error)
{
  char date[DATE_TEXT_SIZE];
  const char *values[3] = { campaign, rep, NULL };
  g_autoptr (PGresult) result = NULL;

  if (up_to != NULL && !store_check_date (up_to, _("end"), error))
    goto fail;
  if (up_to != NULL)
    {
      format_date (up_to, date);
      values[2] = date;
    }
#define TOTALS_SELECT \
  "SELECT coalesce(sum(entries), 0)::bigint, coalesce(sum(contacts), 0)::bigint," \
  " coalesce(sum(prospects), 0)::bigint, coalesce(sum(active), 0)::bigint," \
  " coalesce(sum(latent), 0)::bigint, coalesce(sum(arid), 0)::bigint," \
  " coalesce(sum(proposals), 0)::bigint, coalesce(sum(deals), 0)::bigint," \
  " coalesce(sum(revenue_cents), 0)::bigint"
  result = rep != NULL
    ? pg_query (pg, TOTALS_SELECT " FROM activity_days"
                " WHERE campaign = $1 AND rep = $2 AND ($3::date IS NULL OR date <= $3)", 3, values, error)
    : pg_query (pg, TOTALS_SELECT " FROM activity_team_days"
                " WHERE campaign = $1 AND $2::text IS NULL AND ($3::date IS NULL OR date <= $3)", 3, values, error);
#undef TOTALS_SELECT
  if (result == NULL)
    goto fail;
  *ret_totals = totals_from_row (result, 0, 0);
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot sum the activity of '%s': "), campaign);
  return FALSE;
}

GArray *
store_pg_day_totals (PgStore *pg, const char *campaign, const char *rep, const GDate *from, const GDate *to,
                     GError **error)
{
  g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDayTotals));
  char from_text[DATE_TEXT_SIZE], to_text[DATE_TEXT_SIZE];
  const char *values[4] = { campaign, rep, NULL, NULL };
  g_autoptr (PGresult) result = NULL;

  if ((from != NULL && !store_check_date (from, _("start"), error)) ||
      (to != NULL && !store_check_date (to, _("end"), error)))
    goto fail;
  if (from != NULL)
    {
      format_date (from, from_text);
      values[2] = from_text;
    }
  if (to != NULL)
    {
      format_date (to, to_text);
      values[3] = to_text;
    }
#define DAY_TOTALS_SELECT \
  "SELECT date, entries, contacts, prospects, active, latent, arid, proposals, deals," \
  " revenue_cents"
#define DAY_TOTALS_WHERE \
  " ($3::date IS NULL OR date >= $3) AND ($4::date IS NULL OR date <= $4) ORDER BY date"
  result = rep != NULL
    ? pg_query (pg, DAY_TOTALS_SELECT " FROM activity_days WHERE campaign = $1 AND rep = $2 AND"
                DAY_TOTALS_WHERE, 4, values, error)
    : pg_query (pg, DAY_TOTALS_SELECT " FROM activity_team_days WHERE campaign = $1 AND $2::text IS NULL AND"
                DAY_TOTALS_WHERE, 4, values, error);
#undef DAY_TOTALS_SELECT
#undef DAY_TOTALS_WHERE
  if (result == NULL)
    goto fail;
  for (int i = 0; i < PQntuples (result); i++)
    {
      PdDayTotals day = { 0 };

      if (!pg_date (result, i, 0, &day.date, error))
        goto fail;
      day.totals = totals_from_row (result, i, 1);
      g_array_append_val (days, day);
    }
  return g_steal_pointer (&days);

fail:
  g_prefix_error (error, _("Cannot sum the days of '%s': "), campaign);
  return NULL;
}

/* The days' rep strings are GRefStrings, one per rep shared by its days. */
static void
clear_daily_contacts (gpointer data)
{
  PdDailyContacts *day = data;

  g_clear_pointer (&day->rep, g_ref_string_release);
}

GArray *
store_pg_daily_contacts (PgStore *pg, const char *campaign, const char *rep, const GDate *up_to, GError **error)
{
  g_autoptr (GArray) days = g_array_new (FALSE, TRUE, sizeof (PdDailyContacts));
  char date[DATE_TEXT_SIZE];
  const char *values[3] = { campaign, rep, NULL };
  g_autoptr (PGresult) result = NULL;
  char *current_rep = NULL; /* GRefString, one reference of ours */
  gint64 cumulative = 0;

  g_array_set_clear_func (days, clear_daily_contacts);
  if (up_to != NULL && !store_check_date (up_to, _("end"), error))
    goto fail;
  if (up_to != NULL)
    {
      format_date (up_to, date);
      values[2] = date;
    }
  result = pg_query (pg,
                     "SELECT rep, date, contacts, prospects, active, latent, arid, proposals,"
                     " deals, revenue_cents FROM activity_days"
                     " WHERE campaign = $1 AND ($2::text IS NULL OR rep = $2)"
                     " AND ($3::date IS NULL OR date <= $3) ORDER BY rep, date",
                     3, values, error);
  if (result == NULL)
    goto fail;
  for (int i = 0; i < PQntuples (result); i++)
    {
      const char *row_rep = PQgetvalue (result, i, 0);
      PdDailyContacts day = { 0 };

      if (!pg_date (result, i, 1, &day.date, error))
        goto fail;
      if (current_rep == NULL || strcmp (current_rep, row_rep) != 0)
        {
          g_clear_pointer (&current_rep, g_ref_string_release);
          current_rep = g_ref_string_new (row_rep);
          cumulative = 0;
        }
      day.contacts = pg_int (result, i, 2);
      /* Counts are >= 0 (CHECK constraint), so only this can overflow. */
      if (day.contacts < 0 || day.contacts > G_MAXINT64 - cumulative)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_FAILED, _("Sum of contacts out of range"));
          goto fail;
        }
      cumulative += day.contacts;
      day.cumulative = cumulative;
      day.prospects = pg_int (result, i, 3);
      day.active = pg_int (result, i, 4);
      day.latent = pg_int (result, i, 5);
      day.arid = pg_int (result, i, 6);
      day.proposals = pg_int (result, i, 7);
      day.deals = pg_int (result, i, 8);
      day.revenue_cents = pg_int (result, i, 9);
      day.rep = g_ref_string_acquire (current_rep);
      g_array_append_val (days, day);
    }
  g_clear_pointer (&current_rep, g_ref_string_release);
  return g_steal_pointer (&days);

fail:
  g_clear_pointer (&current_rep, g_ref_string_release);
  g_prefix_error (error, _("Cannot sum the daily contacts of '%s': "), campaign);
  return NULL;
}
