/* SPDX-License-Identifier: MIT
 *
 * store-pg-campaigns: the campaigns a PostgreSQL database has seen and the
 * first day of each of their reps (rep_starts), as store-campaigns.c does
 * for SQLite.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

gboolean
pg_require_campaign (PgStore *pg, const char *id, GError **error)
{
  const char *values[1] = { id };
  g_autoptr (PGresult) result = pg_query (pg, "SELECT 1 FROM campaigns WHERE id = $1", 1, values, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    return TRUE;
  g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND, _("Unknown campaign: '%s'"), id);
  return FALSE;
}

/* ------------------------------------------------------------ campaigns */

typedef struct {
  const char *id, *name;
} Campaign;

static gboolean
ensure_campaign (PgStore *pg, gpointer data, GError **error)
{
  const Campaign *c = data;
  char now[INT_TEXT_SIZE];
  const char *values[3] = { c->id, c->name != NULL ? c->name : c->id, int_text (store_now_seconds (), now) };
  g_autoptr (PGresult) result =
    pg_query (pg,
              "INSERT INTO campaigns (id, name, first_seen) VALUES ($1, $2, $3)"
              " ON CONFLICT (id) DO UPDATE SET name = excluded.name"
              " WHERE campaigns.name IS DISTINCT FROM excluded.name",
              3, values, error);

  return result != NULL;
}

gboolean
store_pg_ensure_campaign (PgStore *pg, const char *id, const char *name, GError **error)
{
  Campaign c = { id, name };

  if (store_check_name (id, _("campaign id"), error) && pg_transaction (pg, PG_WRITE, ensure_campaign, &c, error))
    return TRUE;
  g_prefix_error (error, _("Cannot record the campaign '%s': "), id);
  return FALSE;
}

GPtrArray *
store_pg_list_campaigns (PgStore *pg, GError **error)
{
  g_autoptr (GPtrArray) campaigns = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_store_campaign_free);
  g_autoptr (PGresult) result = pg_query (pg, "SELECT id, name, first_seen FROM campaigns ORDER BY id", 0, NULL, error);

  if (result == NULL)
    {
      g_prefix_error (error, _("Cannot list the campaigns: "));
      return NULL;
    }
  for (int i = 0; i < PQntuples (result); i++)
    {
      PdStoreCampaign *campaign = g_new0 (PdStoreCampaign, 1);

      campaign->id = g_strdup (pg_text (result, i, 0));
      campaign->name = g_strdup (pg_text (result, i, 1));
      campaign->first_seen = pg_int (result, i, 2);
      g_ptr_array_add (campaigns, campaign);
    }
  return g_steal_pointer (&campaigns);
}

typedef struct {
  const char *campaign;
  const char *const *reps;
  guint n_reps;
  const GDate *today, *founding;
  GHashTable *starts; /* rep -> julian day */
} RepStarts;

/* The recorded first days of a campaign's reps into r->starts (emptied
 * first: a retried transaction reads again). */
static gboolean
read_rep_starts (PgStore *pg, gpointer data, GError **error)
{
  RepStarts *r = data;
  const char *values[1] = { r->campaign };
  g_autoptr (PGresult) result =
    pg_query (pg, "SELECT rep, first_seen FROM rep_starts WHERE campaign = $1", 1, values, error);

  g_hash_table_remove_all (r->starts);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      GDate date;

      if (!pg_date (result, i, 1, &date, error))
        return FALSE;
      g_hash_table_insert (r->starts, g_strdup (PQgetvalue (result, i, 0)),
                           GUINT_TO_POINTER (g_date_get_julian (&date)));
    }
  return TRUE;
}

static gboolean
record_rep_starts (PgStore *pg, gpointer data, GError **error)
{
  RepStarts *r = data;
  char date[DATE_TEXT_SIZE];
  GDate day;

  if (!pg_require_campaign (pg, r->campaign, error) || !read_rep_starts (pg, r, error))
    return FALSE;
  /* The reps of a campaign seen for the first time are its founding team. */
  day = g_hash_table_size (r->starts) == 0 ? *r->founding : *r->today;
  format_date (&day, date);
  for (guint i = 0; i < r->n_reps; i++)
    {
      const char *values[3] = { r->campaign, r->reps[i], date };
      g_autoptr (PGresult) result = NULL;

      if (g_hash_table_contains (r->starts, r->reps[i]))
        continue;
      result = pg_query (pg, "INSERT INTO rep_starts (campaign, rep, first_seen) VALUES ($1, $2, $3)", 3, values,
                         error);
      if (result == NULL)
        return FALSE;
      g_hash_table_insert (r->starts, g_strdup (r->reps[i]), GUINT_TO_POINTER (g_date_get_julian (&day)));
    }
  return TRUE;
}

gboolean
store_pg_rep_starts (PgStore *pg, const char *campaign, const char *const *reps, guint n_reps,
                     const GDate *today, const GDate *founding, gboolean record, GDate *ret_dates, GError **error)
{
  g_autoptr (GHashTable) starts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  RepStarts r = { campaign, reps, n_reps, today, founding, starts };
  gboolean missing = FALSE;

  /* Read first: once every rep is known (the usual case), nothing is written. */
  if (!pg_transaction (pg, PG_READ, read_rep_starts, &r, error))
    goto fail;
  for (guint i = 0; i < n_reps; i++)
    missing = missing || !g_hash_table_contains (starts, reps[i]);
  if (missing && !record)
    {
      /* Not recorded: the day they would be recorded with. */
      GDate day = g_hash_table_size (starts) == 0 ? *founding : *today;

      for (guint i = 0; i < n_reps; i++)
        if (!g_hash_table_contains (starts, reps[i]))
          g_hash_table_insert (starts, g_strdup (reps[i]), GUINT_TO_POINTER (g_date_get_julian (&day)));
    }
  else if (missing && !pg_transaction (pg, PG_WRITE, record_rep_starts, &r, error))
    goto fail;

  for (guint i = 0; i < n_reps; i++)
    {
      g_date_clear (&ret_dates[i], 1);
      g_date_set_julian (&ret_dates[i], GPOINTER_TO_UINT (g_hash_table_lookup (starts, reps[i])));
    }
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot record the reps of '%s': "), campaign);
  return FALSE;
}
