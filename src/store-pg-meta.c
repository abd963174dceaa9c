/* SPDX-License-Identifier: MIT
 *
 * store-pg-meta: the database's id (prospectd.meta) and the secret token
 * of each rep's feed, on PostgreSQL, as store-meta.c does for SQLite.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"
#include "prospectd/token.h"

char *
store_pg_database_id (PgStore *pg, GError **error)
{
  g_autoptr (PGresult) result = pg_query (pg, "SELECT value FROM meta WHERE key = 'database_id'", 0, NULL, error);

  if (result == NULL)
    return NULL;
  if (PQntuples (result) != 1 || *PQgetvalue (result, 0, 0) == '\0')
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT, _("The database '%s' has no id"), pg->display);
      return NULL;
    }
  return g_strdup (PQgetvalue (result, 0, 0));
}

/* ---------------------------------------------------------- feed tokens */

typedef struct {
  const char *campaign, *rep;
  gboolean create, replace;
  char *token;
} Token;

/* The token of (campaign, rep) into t->token, or NULL when there is none. */
static gboolean
select_feed_token (PgStore *pg, Token *t, GError **error)
{
  const char *values[2] = { t->campaign, t->rep };
  g_autoptr (PGresult) result =
    pg_query (pg, "SELECT token FROM feed_tokens WHERE campaign = $1 AND rep = $2", 2, values, error);

  g_clear_pointer (&t->token, g_free);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    t->token = g_strdup (PQgetvalue (result, 0, 0));
  return TRUE;
}

/* Inside a write transaction: a new token for (campaign, rep), replacing
 * any previous one, into t->token. */
static gboolean
replace_feed_token (PgStore *pg, Token *t, GError **error)
{
  g_autofree char *token = pd_token_new (error);
  char now[INT_TEXT_SIZE];
  const char *values[4] = { t->campaign, t->rep, token, int_text (store_now_seconds (), now) };
  g_autoptr (PGresult) result = NULL;

  if (token == NULL || !pg_require_campaign (pg, t->campaign, error))
    return FALSE;
  result = pg_query (pg,
                     "INSERT INTO feed_tokens (campaign, rep, token, created) VALUES ($1, $2, $3, $4)"
                     " ON CONFLICT (campaign, rep) DO UPDATE SET token = excluded.token,"
                     " created = excluded.created",
                     4, values, error);
  if (result == NULL)
    return FALSE;
  g_free (t->token);
  t->token = g_steal_pointer (&token);
  return TRUE;
}

static gboolean
feed_token (PgStore *pg, gpointer data, GError **error)
{
  Token *t = data;

  if (t->replace)
    return replace_feed_token (pg, t, error);
  /* Read then maybe write; writers queue on the change counter, so two
   * processes asking at once get the same token. */
  if (!select_feed_token (pg, t, error))
    return FALSE;
  return t->token != NULL || replace_feed_token (pg, t, error);
}

gboolean
store_pg_feed_token (PgStore *pg, const char *campaign, const char *rep, gboolean create, char **ret_token,
                     GError **error)
{
  Token t = { campaign, rep, create, FALSE, NULL };
  gboolean ok;

  ok = store_check_name (campaign, _("campaign id"), error) && store_check_name (rep, _("rep"), error);
  if (ok)
    ok = create ? pg_transaction (pg, PG_WRITE, feed_token, &t, error) : select_feed_token (pg, &t, error);
  if (!ok)
    {
      g_free (t.token);
      g_prefix_error (error, _("Cannot read the feed token of '%s' in '%s': "), rep != NULL ? rep : "",
                      campaign != NULL ? campaign : "");
      return FALSE;
    }
  *ret_token = t.token;
  return TRUE;
}

gboolean
store_pg_find_feed_token (PgStore *pg, const char *token, char **ret_campaign, char **ret_rep, GError **error)
{
  /* The rows whose token has the same selector (first 16 hex digits),
   * through an index (schema 13); each one's whole token then compared in
   * constant time, without an early exit (see store-meta.c). */
  const char *values[] = { token };
  g_autoptr (PGresult) result = pg_query (pg,
                                          "SELECT campaign, rep, token FROM feed_tokens"
                                          " WHERE substr (token, 1, 16) = substr ($1, 1, 16)",
                                          1, values, error);
  int match = -1;

  if (result == NULL)
    {
      g_prefix_error (error, _("Cannot look up a feed token: "));
      return FALSE;
    }
  for (int i = 0; i < PQntuples (result); i++)
    /* No early exit: a match is kept and the scan goes on. */
    if (pd_token_equal (PQgetvalue (result, i, 2), token) && match < 0)
      match = i;
  *ret_campaign = match >= 0 ? g_strdup (PQgetvalue (result, match, 0)) : NULL;
  *ret_rep = match >= 0 ? g_strdup (PQgetvalue (result, match, 1)) : NULL;
  return TRUE;
}

gboolean
store_pg_rotate_feed_token (PgStore *pg, const char *campaign, const char *rep, char **ret_token, GError **error)
{
  Token t = { campaign, rep, TRUE, TRUE, NULL };

  if (!store_check_name (campaign, _("campaign id"), error) || !store_check_name (rep, _("rep"), error)
      || !pg_transaction (pg, PG_WRITE, feed_token, &t, error))
    {
      g_free (t.token);
      g_prefix_error (error, _("Cannot issue a feed token for '%s' in '%s': "), rep != NULL ? rep : "",
                      campaign != NULL ? campaign : "");
      return FALSE;
    }
  *ret_token = t.token;
  return TRUE;
}
