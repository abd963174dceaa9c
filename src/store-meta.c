/* SPDX-License-Identifier: MIT
 *
 * store-meta: what identifies a database and what its feeds are reached
 * by: the random id the schema stores in meta (a feeds directory belongs to
 * one database) and the secret token of each rep's feed.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"
#include "prospectd/token.h"

/* ---------------------------------------------------------- database id */

char *
pd_store_database_id (PdStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const unsigned char *id;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_database_id (store->pg, error);

  stmt = store_prepare (store, "SELECT value FROM meta WHERE key = 'database_id'", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return NULL;
    }
  id = rc == SQLITE_ROW ? sqlite3_column_text (stmt, 0) : NULL;
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                   _("The database '%s' has no id"), store->path);
      return NULL;
    }
  return g_strdup ((const char *) id);
}

/* ---------------------------------------------------------- feed tokens */

/* Inside a write transaction: the token of (campaign, rep), or NULL in
 * *ret_token when there is none. */
static gboolean
select_feed_token (PdStore *store, const char *campaign, const char *rep, char **ret_token,
                   GError **error)
{
  g_autoptr (sqlite3_stmt) stmt =
    store_prepare (store, "SELECT token FROM feed_tokens WHERE campaign = ?1 AND rep = ?2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *ret_token = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  *ret_token = NULL;
  return TRUE;
}

/* Inside a write transaction: stores a new token for (campaign, rep),
 * replacing any previous one, and hands it back. */
static gboolean
replace_feed_token (PdStore *store, const char *campaign, const char *rep, char **ret_token,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *token = pd_token_new (error);

  if (token == NULL || !store_require_campaign (store, campaign, error))
    return FALSE;
  stmt = store_prepare (store,
                  "INSERT INTO feed_tokens (campaign, rep, token, created) VALUES (?1, ?2, ?3, ?4)"
                  " ON CONFLICT (campaign, rep) DO UPDATE SET token = excluded.token,"
                  " created = excluded.created",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  bind_text (stmt, 3, token);
  sqlite3_bind_int64 (stmt, 4, store_now_seconds ());
  if (!store_step_done (store, stmt, error))
    return FALSE;
  *ret_token = g_steal_pointer (&token);
  return TRUE;
}

gboolean
pd_store_feed_token (PdStore *store,
                     const char *campaign,
                     const char *rep,
                     gboolean create,
                     char **ret_token,
                     GError **error)
{
  char *token = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_feed_token (store->pg, campaign, rep, create, ret_token, error);

  if (!store_check_name (campaign, _("campaign id"), error) || !store_check_name (rep, _("rep"), error))
    goto fail;
  if (!create)
    {
      /* One statement: its own read snapshot, no transaction needed. */
      if (!select_feed_token (store, campaign, rep, &token, error))
        goto fail;
      *ret_token = token;
      return TRUE;
    }
  /* Read then maybe write: the write lock first, so that two
   * processes asking at once get the same token. */
  if (!store_begin_write (store, error))
    goto fail;
  ok = select_feed_token (store, campaign, rep, &token, error);
  if (ok && token == NULL)
    ok = replace_feed_token (store, campaign, rep, &token, error);
  if (!store_finish (store, ok, error))
    {
      g_free (token);
      goto fail;
    }
  *ret_token = token;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot read the feed token of '%s' in '%s': "), rep != NULL ? rep : "",
                  campaign != NULL ? campaign : "");
  return FALSE;
}

gboolean
pd_store_find_feed_token (PdStore *store, const char *token, char **ret_campaign, char **ret_rep, GError **error)
{
  /* The rows whose token has the same selector (first 16 hex digits),
   * found through an index (schema 13): the probe's time depends on
   * those 64 bits only. Each found row's whole token is then compared in
   * constant time, without an early exit: the other 128 bits are never
   * compared by SQLite. */
  g_autoptr (CachedStmt) stmt = NULL;
  g_autofree char *campaign = NULL, *rep = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_find_feed_token (store->pg, token, ret_campaign, ret_rep, error);

  stmt = store_prepare_cached (store, CACHED_FIND_FEED_TOKEN,
                               "SELECT campaign, rep, token FROM feed_tokens"
                               " WHERE substr (token, 1, 16) = substr (?1, 1, 16)",
                               error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, token);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *stored = (const char *) sqlite3_column_text (stmt, 2);

      /* No early exit: a match is kept and the scan goes on. */
      if (pd_token_equal (stored, token) && campaign == NULL)
        {
          campaign = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rep = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  *ret_campaign = g_steal_pointer (&campaign);
  *ret_rep = g_steal_pointer (&rep);
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot look up a feed token: "));
  return FALSE;
}

gboolean
pd_store_rotate_feed_token (PdStore *store,
                            const char *campaign,
                            const char *rep,
                            char **ret_token,
                            GError **error)
{
  char *token = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_rotate_feed_token (store->pg, campaign, rep, ret_token, error);

  if (!store_check_name (campaign, _("campaign id"), error) || !store_check_name (rep, _("rep"), error))
    goto fail;
  if (!store_begin_write (store, error))
    goto fail;
  ok = replace_feed_token (store, campaign, rep, &token, error);
  if (!store_finish (store, ok, error))
    {
      g_free (token);
      goto fail;
    }
  *ret_token = token;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot issue a feed token for '%s' in '%s': "), rep != NULL ? rep : "",
                  campaign != NULL ? campaign : "");
  return FALSE;
}
