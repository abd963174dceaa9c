/* SPDX-License-Identifier: MIT
 *
 * store-pg-activity: the entries reps log, on PostgreSQL (table activity):
 * add, list, read one, edit in place, remove (handing back what was
 * removed), replace a rep's day, as store-activity.c does for SQLite. Ids
 * come from an identity column: never reused. The schema's triggers keep
 * the per-day sums and the change marks in step with every change here.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

#define ACTIVITY_COLUMNS \
  "id, campaign, rep, date, contacts, prospects, active, latent, arid, proposals," \
  " deals, revenue_cents, note, created"

/* The parameters $1 to $12 of an entry: campaign, rep, date, the eight
 * counts, note. */
typedef struct {
  char date[DATE_TEXT_SIZE];
  char counts[8][INT_TEXT_SIZE];
  const char *values[14];
} EntryValues;

static void
entry_values (const PdActivity *a, EntryValues *v)
{
  const gint64 counts[8] = { a->contacts, a->prospects, a->active, a->latent,
                             a->arid, a->proposals, a->deals, a->revenue_cents };

  format_date (&a->date, v->date);
  v->values[0] = a->campaign;
  v->values[1] = a->rep;
  v->values[2] = v->date;
  for (guint i = 0; i < 8; i++)
    v->values[3 + i] = int_text (counts[i], v->counts[i]);
  v->values[11] = a->note;
}

static PdActivity *
activity_from_row (const PGresult *result, int row, GError **error)
{
  g_autoptr (PdActivity) activity = pd_activity_new ();

  activity->id = pg_int (result, row, 0);
  activity->campaign = g_strdup (PQgetvalue (result, row, 1));
  activity->rep = g_strdup (PQgetvalue (result, row, 2));
  if (!pg_date (result, row, 3, &activity->date, error))
    return NULL;
  activity->contacts = pg_int (result, row, 4);
  activity->prospects = pg_int (result, row, 5);
  activity->active = pg_int (result, row, 6);
  activity->latent = pg_int (result, row, 7);
  activity->arid = pg_int (result, row, 8);
  activity->proposals = pg_int (result, row, 9);
  activity->deals = pg_int (result, row, 10);
  activity->revenue_cents = pg_int (result, row, 11);
  activity->note = g_strdup (pg_text (result, row, 12));
  activity->created = pg_int (result, row, 13);
  return g_steal_pointer (&activity);
}

/* The entries of `result` (ACTIVITY_COLUMNS), appended to `entries`. */
static gboolean
read_entries (const PGresult *result, GPtrArray *entries, GError **error)
{
  for (int i = 0; i < PQntuples (result); i++)
    {
      PdActivity *activity = activity_from_row (result, i, error);

      if (activity == NULL)
        return FALSE;
      g_ptr_array_add (entries, activity);
    }
  return TRUE;
}

typedef struct {
  const PdActivity *activity;
  gint64 id;
  GPtrArray *removed; /* replace_day */
} Add;

static gboolean
insert_activity (PgStore *pg, const PdActivity *activity, gint64 *ret_id, GError **error)
{
  EntryValues v;
  char created[INT_TEXT_SIZE];
  g_autoptr (PGresult) result = NULL;

  if (!pg_require_campaign (pg, activity->campaign, error))
    return FALSE;
  entry_values (activity, &v);
  v.values[12] = int_text (activity->created != 0 ? activity->created : store_now_seconds (), created);
  result = pg_query (pg,
                     "INSERT INTO activity (campaign, rep, date, contacts, prospects, active, latent,"
                     " arid, proposals, deals, revenue_cents, note, created)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                     13, v.values, error);
  if (result == NULL)
    return FALSE;
  *ret_id = pg_int (result, 0, 0);
  return TRUE;
}

static gboolean
add_activity (PgStore *pg, gpointer data, GError **error)
{
  Add *a = data;

  return insert_activity (pg, a->activity, &a->id, error);
}

gboolean
store_pg_add_activity (PgStore *pg, const PdActivity *activity, gint64 *ret_id, GError **error)
{
  Add a = { activity, 0, NULL };

  if (!store_check_activity (activity, error) || !pg_transaction (pg, PG_WRITE, add_activity, &a, error))
    {
      g_prefix_error (error, _("Cannot log activity: "));
      return FALSE;
    }
  if (ret_id != NULL)
    *ret_id = a.id;
  return TRUE;
}

GPtrArray *
store_pg_list_activity (PgStore *pg, const char *campaign, const char *rep, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);
  const char *values[2] = { campaign, rep };
  g_autoptr (PGresult) result = pg_query (pg,
                                          "SELECT " ACTIVITY_COLUMNS " FROM activity"
                                          " WHERE campaign = $1 AND ($2::text IS NULL OR rep = $2)"
                                          " ORDER BY date, id",
                                          2, values, error);

  if (result != NULL && read_entries (result, entries, error))
    return g_steal_pointer (&entries);
  g_prefix_error (error, _("Cannot list the activity of '%s': "), campaign);
  return NULL;
}

/* Runs `sql` (one bound id, ACTIVITY_COLUMNS returned) and writes the one
 * entry it returns to ret_activity; NOT_FOUND when there is none. */
static gboolean
one_entry (PgStore *pg, const char *sql, gint64 id, PdActivity **ret_activity, GError **error)
{
  char id_text[INT_TEXT_SIZE];
  const char *values[1] = { int_text (id, id_text) };
  g_autoptr (PGresult) result = pg_query (pg, sql, 1, values, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND, _("No such entry: '%" PRId64 "'"), id);
      return FALSE;
    }
  *ret_activity = activity_from_row (result, 0, error);
  return *ret_activity != NULL;
}

gboolean
store_pg_get_activity (PgStore *pg, gint64 id, PdActivity **ret_activity, GError **error)
{
  if (one_entry (pg, "SELECT " ACTIVITY_COLUMNS " FROM activity WHERE id = $1", id, ret_activity, error))
    return TRUE;
  g_prefix_error (error, _("Cannot read activity: "));
  return FALSE;
}

typedef struct {
  gint64 id;
  PdActivity *removed;
} Take;

static gboolean
take_activity (PgStore *pg, gpointer data, GError **error)
{
  Take *t = data;

  g_clear_pointer (&t->removed, pd_activity_free);
  return one_entry (pg, "DELETE FROM activity WHERE id = $1 RETURNING " ACTIVITY_COLUMNS, t->id, &t->removed,
                    error);
}

gboolean
store_pg_take_activity (PgStore *pg, gint64 id, PdActivity **ret_removed, GError **error)
{
  Take t = { id, NULL };

  if (!pg_transaction (pg, PG_WRITE, take_activity, &t, error))
    {
      pd_activity_free (t.removed);
      g_prefix_error (error, _("Cannot remove activity: "));
      return FALSE;
    }
  if (ret_removed != NULL)
    *ret_removed = t.removed;
  else
    pd_activity_free (t.removed);
  return TRUE;
}

static gboolean
update_activity (PgStore *pg, gpointer data, GError **error)
{
  const PdActivity *activity = data;
  EntryValues v;
  char id[INT_TEXT_SIZE];
  g_autoptr (PGresult) result = NULL;

  if (!pg_require_campaign (pg, activity->campaign, error))
    return FALSE;
  entry_values (activity, &v);
  v.values[12] = int_text (activity->id, id);
  result = pg_query (pg,
                     "UPDATE activity SET campaign = $1, rep = $2, date = $3, contacts = $4,"
                     " prospects = $5, active = $6, latent = $7, arid = $8, proposals = $9,"
                     " deals = $10, revenue_cents = $11, note = $12 WHERE id = $13",
                     13, v.values, error);
  if (result == NULL)
    return FALSE;
  if (g_str_equal (PQcmdTuples (result), "0"))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No such entry: '%" PRId64 "'"), activity->id);
      return FALSE;
    }
  return TRUE;
}

gboolean
store_pg_update_activity (PgStore *pg, const PdActivity *activity, GError **error)
{
  if (store_check_activity (activity, error)
      && pg_transaction (pg, PG_WRITE, update_activity, (gpointer) activity, error))
    return TRUE;
  g_prefix_error (error, _("Cannot change activity: "));
  return FALSE;
}

/* g_ptr_array_sort() order of PdActivity* by id. */
static int
compare_entry_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = (*(const PdActivity *const *) a)->id, y = (*(const PdActivity *const *) b)->id;

  return (x > y) - (x < y);
}

static gboolean
replace_day (PgStore *pg, gpointer data, GError **error)
{
  Add *a = data;
  EntryValues v;
  g_autoptr (PGresult) result = NULL;

  g_ptr_array_set_size (a->removed, 0);
  entry_values (a->activity, &v);
  result = pg_query (pg,
                     "DELETE FROM activity WHERE campaign = $1 AND rep = $2 AND date = $3"
                     " RETURNING " ACTIVITY_COLUMNS,
                     3, v.values, error);
  return result != NULL && read_entries (result, a->removed, error)
         && insert_activity (pg, a->activity, &a->id, error);
}

gboolean
store_pg_replace_day (PgStore *pg, const PdActivity *activity, gint64 *ret_id, GPtrArray **ret_removed,
                      GError **error)
{
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_activity_free);
  Add a = { activity, 0, removed };

  if (!store_check_activity (activity, error) || !pg_transaction (pg, PG_WRITE, replace_day, &a, error))
    {
      g_prefix_error (error, _("Cannot log activity: "));
      return FALSE;
    }
  /* RETURNING gives no order. */
  g_ptr_array_sort (removed, compare_entry_ids);
  if (ret_id != NULL)
    *ret_id = a.id;
  if (ret_removed != NULL)
    *ret_removed = g_steal_pointer (&removed);
  return TRUE;
}

/* ---------------------------------------------------------- changes */

typedef struct {
  const char *mark_sql, *reps_sql;
  const char *campaign;
  gint64 since, mark;
  gboolean with_reps;
  GPtrArray *reps;
} Changes;

static gboolean
read_changes (PgStore *pg, gpointer data, GError **error)
{
  Changes *c = data;
  char since[INT_TEXT_SIZE];
  const char *values[2] = { int_text (c->since, since), c->campaign };
  g_autoptr (PGresult) mark = pg_query (pg, c->mark_sql, 0, NULL, error);
  g_autoptr (PGresult) reps = NULL;

  g_ptr_array_set_size (c->reps, 0);
  if (mark == NULL)
    return FALSE;
  c->mark = pg_int (mark, 0, 0);
  if (!c->with_reps)
    return TRUE;
  reps = pg_query (pg, c->reps_sql, 2, values, error);
  if (reps == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (reps); i++)
    g_ptr_array_add (c->reps, g_strdup (PQgetvalue (reps, i, 0)));
  return TRUE;
}

gboolean
store_pg_change_marks (PgStore *pg, const char *mark_sql, const char *reps_sql, const char *campaign, gint64 since,
                       gint64 *ret_mark, GStrv *ret_reps, GError **error)
{
  g_autoptr (GPtrArray) reps = g_ptr_array_new_with_free_func (g_free);
  Changes c = { mark_sql, reps_sql, campaign, since, 0, ret_reps != NULL, reps };

  /* One snapshot: the mark and the reps past `since` agree. */
  if (!pg_transaction (pg, PG_READ, read_changes, &c, error))
    return FALSE;
  *ret_mark = c.mark;
  if (ret_reps != NULL)
    {
      g_ptr_array_add (reps, NULL);
      *ret_reps = (GStrv) g_ptr_array_free (g_steal_pointer (&reps), FALSE);
    }
  return TRUE;
}
