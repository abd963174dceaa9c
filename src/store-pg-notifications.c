/* SPDX-License-Identifier: MIT
 *
 * store-pg-notifications: the notifications already sent, on PostgreSQL,
 * one row per (campaign, key), as store-notifications.c does for SQLite.
 * The primary key decides a claim: of concurrent callers, exactly one
 * inserts the row (the others wait for its commit, then insert nothing).
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

typedef struct {
  const char *campaign, *key, *desktop;
  gint64 sent_at;
  gboolean claimed;
} Claim;

static gboolean
claim (PgStore *pg, gpointer data, GError **error)
{
  Claim *c = data;
  char sent_at[INT_TEXT_SIZE];
  const char *values[4] = { c->campaign, c->key, int_text (c->sent_at, sent_at), c->desktop };
  /* A row of desktop '' is every desktop's. */
  g_autoptr (PGresult) result = pg_query (pg,
                                          "INSERT INTO notifications (campaign, key, sent_at, desktop)"
                                          " SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM notifications"
                                          "   WHERE campaign = $1 AND key = $2 AND desktop = '')"
                                          " ON CONFLICT (campaign, key, desktop) DO NOTHING",
                                          4, values, error);

  if (result == NULL)
    return FALSE;
  c->claimed = g_str_equal (PQcmdTuples (result), "1");
  return TRUE;
}

gboolean
store_pg_notification_claim (PgStore *pg, const char *campaign, const char *key, const char *desktop,
                             gint64 sent_at, gboolean *ret_claimed, GError **error)
{
  Claim c = { campaign, key, desktop != NULL ? desktop : "", sent_at, FALSE };

  if (!store_check_name (key, _("notification key"), error) || !pg_transaction (pg, PG_WRITE, claim, &c, error))
    {
      g_prefix_error (error, _("Cannot record the notification '%s': "), key != NULL ? key : "");
      return FALSE;
    }
  *ret_claimed = c.claimed;
  return TRUE;
}

gboolean
store_pg_notification_sent (PgStore *pg, const char *campaign, const char *key, const char *desktop,
                            gboolean *ret_sent, gint64 *ret_sent_at, GError **error)
{
  const char *values[3] = { campaign, key, desktop != NULL ? desktop : "" };
  g_autoptr (PGresult) result =
    pg_query (pg,
              "SELECT sent_at FROM notifications WHERE campaign = $1 AND key = $2 AND desktop IN ('', $3)"
              " ORDER BY desktop LIMIT 1",
              3, values, error);

  if (result == NULL)
    {
      g_prefix_error (error, _("Cannot look up the notification '%s': "), key);
      return FALSE;
    }
  *ret_sent = PQntuples (result) == 1;
  if (*ret_sent && ret_sent_at != NULL)
    *ret_sent_at = pg_int (result, 0, 0);
  return TRUE;
}
