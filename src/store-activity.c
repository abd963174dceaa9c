/* SPDX-License-Identifier: MIT
 *
 * store-activity: the entries reps log (table activity): add, list, read
 * one, edit in place, remove (handing back what was removed), replace a
 * rep's day. Ids are never reused (AUTOINCREMENT, schema 5). Triggers of
 * the schema keep the per-day sums in step with every change here.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include <inttypes.h>

#include "store-private.h"

/* ------------------------------------------------------------- activity */

static gboolean
insert_activity (PdStore *store, const PdActivity *activity, gint64 *ret_id,
                 GError **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];

  if (!store_require_campaign (store, activity->campaign, error))
    return FALSE;
  stmt = store_prepare_cached (store, CACHED_INSERT_ACTIVITY,
                         "INSERT INTO activity (campaign, rep, date, contacts, prospects,"
                         " active, latent, arid, proposals, deals, revenue_cents, note,"
                         " created)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                         error);
  if (stmt == NULL)
    return FALSE;
  format_date (&activity->date, date);
  bind_text (stmt, 1, activity->campaign);
  bind_text (stmt, 2, activity->rep);
  bind_text (stmt, 3, date);
  sqlite3_bind_int64 (stmt, 4, activity->contacts);
  sqlite3_bind_int64 (stmt, 5, activity->prospects);
  sqlite3_bind_int64 (stmt, 6, activity->active);
  sqlite3_bind_int64 (stmt, 7, activity->latent);
  sqlite3_bind_int64 (stmt, 8, activity->arid);
  sqlite3_bind_int64 (stmt, 9, activity->proposals);
  sqlite3_bind_int64 (stmt, 10, activity->deals);
  sqlite3_bind_int64 (stmt, 11, activity->revenue_cents);
  bind_text (stmt, 12, activity->note);
  sqlite3_bind_int64 (stmt, 13,
                      activity->created != 0 ? activity->created : store_now_seconds ());
  if (!store_step_done (store, stmt, error))
    return FALSE;
  *ret_id = sqlite3_last_insert_rowid (store->db);
  return TRUE;
}

gboolean
pd_store_add_activity (PdStore *store,
                       const PdActivity *activity,
                       gint64 *ret_id,
                       GError **error)
{
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_add_activity (store->pg, activity, ret_id, error);

  if (!store_check_activity (activity, error))
    goto fail;
  if (!store_begin_write (store, error))
    goto fail;
  ok = insert_activity (store, activity, &id, error);
  if (!store_finish (store, ok, error))
    goto fail;
  if (ret_id != NULL)
    *ret_id = id;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot log activity: "));
  return FALSE;
}

static PdActivity *
activity_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (PdActivity) activity = pd_activity_new ();
  const unsigned char *note;

  activity->id = sqlite3_column_int64 (stmt, 0);
  activity->campaign = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  activity->rep = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  if (!parse_date (sqlite3_column_text (stmt, 3), &activity->date, error))
    return NULL;
  activity->contacts = sqlite3_column_int64 (stmt, 4);
  activity->prospects = sqlite3_column_int64 (stmt, 5);
  activity->active = sqlite3_column_int64 (stmt, 6);
  activity->latent = sqlite3_column_int64 (stmt, 7);
  activity->arid = sqlite3_column_int64 (stmt, 8);
  activity->proposals = sqlite3_column_int64 (stmt, 9);
  activity->deals = sqlite3_column_int64 (stmt, 10);
  activity->revenue_cents = sqlite3_column_int64 (stmt, 11);
  note = sqlite3_column_text (stmt, 12);
  activity->note = note != NULL ? g_strdup ((const char *) note) : NULL;
  activity->created = sqlite3_column_int64 (stmt, 13);
  return g_steal_pointer (&activity);
}

GPtrArray *
pd_store_list_activity (PdStore *store,
                        const char *campaign,
                        const char *rep,
                        GError **error)
{
  g_autoptr (GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_list_activity (store->pg, campaign, rep, error);

  stmt = store_prepare (store,
                  "SELECT id, campaign, rep, date, contacts, prospects, active,"
                  " latent, arid, proposals, deals, revenue_cents, note, created"
                  " FROM activity"
                  " WHERE campaign = ?1 AND (?2 IS NULL OR rep = ?2)"
                  " ORDER BY date, id",
                  error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdActivity *activity = activity_from_row (stmt, error);

      if (activity == NULL)
        goto fail;
      g_ptr_array_add (entries, activity);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  return g_steal_pointer (&entries);

fail:
  g_prefix_error (error, _("Cannot list the activity of '%s': "), campaign);
  return NULL;
}

/* g_ptr_array_sort() order of PdActivity* by id. */
static int
compare_entry_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = (*(const PdActivity *const *) a)->id, y = (*(const PdActivity *const *) b)->id;

  return (x > y) - (x < y);
}

#define ACTIVITY_COLUMNS \
  "id, campaign, rep, date, contacts, prospects, active, latent, arid, proposals," \
  " deals, revenue_cents, note, created"

/* Inside a transaction: the entries that `stmt` returns (ACTIVITY_COLUMNS),
 * appended to `entries`. */
static gboolean
read_entries (PdStore *store, sqlite3_stmt *stmt, GPtrArray *entries, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PdActivity *activity = activity_from_row (stmt, error);

      if (activity == NULL)
        return FALSE;
      g_ptr_array_add (entries, activity);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

/* Runs `sql` (one bound id, ACTIVITY_COLUMNS returned) and writes the one
 * entry it returns to ret_activity; NOT_FOUND when there is none. */
static gboolean
one_entry (PdStore *store, const char *sql, gint64 id, PdActivity **ret_activity, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = store_prepare (store, sql, error);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!read_entries (store, stmt, entries, error))
    return FALSE;
  if (entries->len == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No such entry: '%" PRId64 "'"), id);
      return FALSE;
    }
  if (ret_activity != NULL)
    *ret_activity = g_ptr_array_steal_index (entries, 0);
  return TRUE;
}

gboolean
pd_store_get_activity (PdStore *store, gint64 id, PdActivity **ret_activity, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_get_activity (store->pg, id, ret_activity, error);

  if (one_entry (store, "SELECT " ACTIVITY_COLUMNS " FROM activity WHERE id = ?1", id, ret_activity, error))
    return TRUE;
  g_prefix_error (error, _("Cannot read activity: "));
  return FALSE;
}

gboolean
pd_store_take_activity (PdStore *store, gint64 id, PdActivity **ret_removed, GError **error)
{
  g_autoptr (PdActivity) removed = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_take_activity (store->pg, id, ret_removed, error);

  if (!store_begin_write (store, error))
    goto fail;
  ok = one_entry (store, "DELETE FROM activity WHERE id = ?1 RETURNING " ACTIVITY_COLUMNS, id,
                  &removed, error);
  if (store_finish (store, ok, error))
    {
      if (ret_removed != NULL)
        *ret_removed = g_steal_pointer (&removed);
      return TRUE;
    }
fail:
  g_prefix_error (error, _("Cannot remove activity: "));
  return FALSE;
}

gboolean
pd_store_remove_activity (PdStore *store, gint64 id, GError **error)
{
  return pd_store_take_activity (store, id, NULL, error);
}

gboolean
pd_store_update_activity (PdStore *store, const PdActivity *activity, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_update_activity (store->pg, activity, error);

  if (!store_check_activity (activity, error) || !store_begin_write (store, error))
    goto fail;
  ok = store_require_campaign (store, activity->campaign, error);
  if (ok)
    {
      stmt = store_prepare (store,
                      "UPDATE activity SET campaign = ?2, rep = ?3, date = ?4, contacts = ?5,"
                      " prospects = ?6, active = ?7, latent = ?8, arid = ?9, proposals = ?10,"
                      " deals = ?11, revenue_cents = ?12, note = ?13 WHERE id = ?1",
                      error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      format_date (&activity->date, date);
      sqlite3_bind_int64 (stmt, 1, activity->id);
      bind_text (stmt, 2, activity->campaign);
      bind_text (stmt, 3, activity->rep);
      bind_text (stmt, 4, date);
      sqlite3_bind_int64 (stmt, 5, activity->contacts);
      sqlite3_bind_int64 (stmt, 6, activity->prospects);
      sqlite3_bind_int64 (stmt, 7, activity->active);
      sqlite3_bind_int64 (stmt, 8, activity->latent);
      sqlite3_bind_int64 (stmt, 9, activity->arid);
      sqlite3_bind_int64 (stmt, 10, activity->proposals);
      sqlite3_bind_int64 (stmt, 11, activity->deals);
      sqlite3_bind_int64 (stmt, 12, activity->revenue_cents);
      bind_text (stmt, 13, activity->note);
      ok = store_step_done (store, stmt, error);
    }
  if (ok && sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No such entry: '%" PRId64 "'"), activity->id);
      ok = FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (store_finish (store, ok, error))
    return TRUE;
fail:
  g_prefix_error (error, _("Cannot change activity: "));
  return FALSE;
}

gboolean
pd_store_replace_day (PdStore *store,
                      const PdActivity *activity,
                      gint64 *ret_id,
                      GPtrArray **ret_removed,
                      GError **error)
{
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char date[DATE_TEXT_SIZE];
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (activity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_replace_day (store->pg, activity, ret_id, ret_removed, error);

  if (!store_check_activity (activity, error) || !store_begin_write (store, error))
    goto fail;
  stmt = store_prepare (store,
                  "DELETE FROM activity WHERE campaign = ?1 AND rep = ?2 AND date = ?3"
                  " RETURNING " ACTIVITY_COLUMNS,
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      format_date (&activity->date, date);
      bind_text (stmt, 1, activity->campaign);
      bind_text (stmt, 2, activity->rep);
      bind_text (stmt, 3, date);
      ok = read_entries (store, stmt, removed, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  ok = ok && insert_activity (store, activity, &id, error);
  if (!store_finish (store, ok, error))
    goto fail;
  /* RETURNING gives no order. */
  g_ptr_array_sort (removed, compare_entry_ids);
  if (ret_id != NULL)
    *ret_id = id;
  if (ret_removed != NULL)
    *ret_removed = g_steal_pointer (&removed);
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot log activity: "));
  return FALSE;
}

/* ---------------------------------------------------------- changes */

gboolean
store_change_marks (PdStore *store,
                    const char *mark_sql,
                    const char *reps_sql,
                    const char *campaign,
                    gint64 since,
                    gint64 *ret_mark,
                    GStrv *ret_reps,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) reps = g_ptr_array_new_with_free_func (g_free);
  gint64 mark = 0;
  gboolean ok;
  int rc = SQLITE_DONE;

  /* One snapshot: the mark and the reps past `since` agree. */
  if (!store_begin_read (store, error))
    return FALSE;
  ok = store_query_int (store, mark_sql, &mark, error);
  if (ok && ret_reps != NULL)
    {
      stmt = store_prepare (store, reps_sql, error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, since);
          bind_text (stmt, 2, campaign);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            g_ptr_array_add (reps, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
          if (rc != SQLITE_DONE)
            {
              store_set_error (error, store->db, rc);
              ok = FALSE;
            }
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }
  if (!store_finish (store, ok, error))
    return FALSE;
  *ret_mark = mark;
  if (ret_reps != NULL)
    {
      g_ptr_array_add (reps, NULL);
      *ret_reps = (GStrv) g_ptr_array_free (g_steal_pointer (&reps), FALSE);
    }
  return TRUE;
}

gboolean
pd_store_activity_changes (PdStore *store,
                           const char *campaign,
                           gint64 since,
                           gint64 *ret_mark,
                           GStrv *ret_reps,
                           GError **error)
{
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (ret_mark != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    ok = store_pg_change_marks (store->pg, "SELECT coalesce (max (mark), 0) FROM activity_changes",
                                "SELECT rep FROM activity_changes WHERE mark > $1 AND campaign = $2", campaign,
                                since, ret_mark, ret_reps, error);
  else
    ok = store_change_marks (store, "SELECT coalesce (max (mark), 0) FROM activity_changes",
                             "SELECT rep FROM activity_changes WHERE mark > ?1 AND campaign = ?2", campaign, since,
                             ret_mark, ret_reps, error);
  if (!ok)
    g_prefix_error (error, _("Cannot read the changes of activity of '%s': "), campaign);
  return ok;
}
