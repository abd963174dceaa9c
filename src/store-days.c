/* SPDX-License-Identifier: MIT
 *
 * store-days: the two parts of a rep's day (schema 12): the sums of its
 * `log` entries (log_days) and of its calls (call_days), which the
 * day's counts are made of, figure by figure the larger of the two
 * (docs/method.md). `log` reads them to check and describe the day an
 * entry changes.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"
#include "store-pg.h"

/* One part of the day: zeros when it has no row. */
static gboolean
read_part (PdStore *store, const char *sql, const char *campaign, const char *rep, const char *date,
           PdTotals *ret, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  bind_text (stmt, 3, date);
  *ret = (PdTotals) { 0 };
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *ret = (PdTotals) {
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
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_store_day_parts (PdStore *store, const char *campaign, const char *rep, const GDate *date,
                    PdTotals *ret_logged, PdTotals *ret_called, GError **error)
{
  char day[DATE_TEXT_SIZE];
  PdTotals logged, called;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL && rep != NULL && date != NULL, FALSE);
  g_return_val_if_fail (ret_logged != NULL && ret_called != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_day_parts (store->pg, campaign, rep, date, ret_logged, ret_called, error);

  if (!store_check_date (date, _("date"), error))
    goto fail;
  format_date (date, day);
#define PART_SELECT \
  "SELECT entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"
#define PART_WHERE " WHERE campaign = ?1 AND rep = ?2 AND date = ?3"
  if (!store_begin_read (store, error))
    goto fail;
  ok = read_part (store, PART_SELECT " FROM log_days" PART_WHERE, campaign, rep, day, &logged, error) &&
       read_part (store, PART_SELECT " FROM call_days" PART_WHERE, campaign, rep, day, &called, error);
  if (!store_finish (store, ok, error))
    goto fail;
#undef PART_SELECT
#undef PART_WHERE
  *ret_logged = logged;
  *ret_called = called;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot read the day of '%s': "), rep);
  return FALSE;
}
