/* SPDX-License-Identifier: MIT
 *
 * store-pg-days: the two parts of a rep's day on PostgreSQL (schema 12),
 * as store-days.c reads them on SQLite.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

gboolean
store_pg_day_parts (PgStore *pg, const char *campaign, const char *rep, const GDate *date, PdTotals *ret_logged,
                    PdTotals *ret_called, GError **error)
{
  char day[DATE_TEXT_SIZE];
  const char *values[3] = { campaign, rep, day };
  g_autoptr (PGresult) result = NULL;
  PdTotals parts[2] = { { 0 }, { 0 } };

  if (!store_check_date (date, _("date"), error))
    goto fail;
  format_date (date, day);
  /* One statement, one snapshot: part 0 the entries', 1 the calls'. */
  result = pg_query (pg,
                     "SELECT 0, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"
                     " FROM log_days WHERE campaign = $1 AND rep = $2 AND date = $3"
                     " UNION ALL"
                     " SELECT 1, entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"
                     " FROM call_days WHERE campaign = $1 AND rep = $2 AND date = $3",
                     3, values, error);
  if (result == NULL)
    goto fail;
  for (int row = 0; row < PQntuples (result); row++)
    parts[pg_int (result, row, 0) == 0 ? 0 : 1] = (PdTotals) {
      .entries = pg_int (result, row, 1),
      .contacts = pg_int (result, row, 2),
      .prospects = pg_int (result, row, 3),
      .active = pg_int (result, row, 4),
      .latent = pg_int (result, row, 5),
      .arid = pg_int (result, row, 6),
      .proposals = pg_int (result, row, 7),
      .deals = pg_int (result, row, 8),
      .revenue_cents = pg_int (result, row, 9),
    };
  *ret_logged = parts[0];
  *ret_called = parts[1];
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot read the day of '%s': "), rep);
  return FALSE;
}
