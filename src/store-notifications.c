/* SPDX-License-Identifier: MIT
 *
 * store-notifications: the notifications already sent, one row per
 * (campaign, key, desktop); a row of desktop '' (a store without a
 * desktop, or recorded before schema 10) counts for every desktop.
 * Claiming one is atomic: of several processes of one desktop that try
 * at once, exactly one gets it.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"

/* -------------------------------------------------------- notifications */

gboolean
pd_store_notification_claim (PdStore *store,
                             const char *campaign,
                             const char *key,
                             gint64 sent_at,
                             gboolean *ret_claimed,
                             GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean claimed = FALSE;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (ret_claimed != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_notification_claim (store->pg, campaign, key, store->desktop, sent_at, ret_claimed, error);

  if (!store_check_name (key, _("notification key"), error))
    goto fail;
  if (!store_begin_write (store, error))
    goto fail;
  /* The UNIQUE constraint decides: of concurrent callers, exactly one
   * inserts a row, and only it sees one change. */
  stmt = store_prepare (store,
                  "INSERT INTO notifications (campaign, key, desktop, sent_at)"
                  " SELECT ?1, ?2, ?4, ?3 WHERE NOT EXISTS (SELECT 1 FROM notifications"
                  "   WHERE campaign = ?1 AND key = ?2 AND desktop = '')"
                  " ON CONFLICT (campaign, key, desktop) DO NOTHING",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, campaign);
      bind_text (stmt, 2, key);
      sqlite3_bind_int64 (stmt, 3, sent_at);
      bind_text (stmt, 4, store->desktop != NULL ? store->desktop : "");
      ok = store_step_done (store, stmt, error);
      claimed = ok && sqlite3_changes (store->db) == 1;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!store_finish (store, ok, error))
    goto fail;
  *ret_claimed = claimed;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot record the notification '%s': "),
                  key != NULL ? key : "");
  return FALSE;
}

gboolean
pd_store_notification_sent (PdStore *store,
                            const char *campaign,
                            const char *key,
                            gboolean *ret_sent,
                            gint64 *ret_sent_at,
                            GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (ret_sent != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_notification_sent (store->pg, campaign, key, store->desktop, ret_sent, ret_sent_at, error);

  stmt = store_prepare (store,
                  "SELECT sent_at FROM notifications WHERE campaign = ?1 AND key = ?2"
                  " AND desktop IN ('', ?3) ORDER BY desktop LIMIT 1",
                  error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, key);
  bind_text (stmt, 3, store->desktop != NULL ? store->desktop : "");
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *ret_sent = TRUE;
      if (ret_sent_at != NULL)
        *ret_sent_at = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *ret_sent = FALSE;
      return TRUE;
    }
  store_set_error (error, store->db, rc);
fail:
  g_prefix_error (error, _("Cannot look up the notification '%s': "), key);
  return FALSE;
}
