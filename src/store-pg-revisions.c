/* SPDX-License-Identifier: MIT
 *
 * store-pg-revisions: the schedule revisions of a campaign on PostgreSQL,
 * as store-revisions.c does for SQLite: a baseline's days in
 * revision_days, the latest catch-up's in catchup_days by rep (a catch-up
 * of a few reps replaces those reps' rows only). A revision's days go in
 * with one statement (arrays unnested on the server): a 1 000-rep schedule
 * is one round trip, not 250 000.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

static const char *
kind_to_text (PdRevisionKind kind)
{
  return kind == PD_REVISION_BASELINE ? "baseline" : "catchup";
}

/* Appends `text` to an array literal as one quoted element. */
static void
append_element (GString *array, const char *text)
{
  if (array->len > 1) /* more than the opening brace */
    g_string_append_c (array, ',');
  g_string_append_c (array, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *c);
    }
  g_string_append_c (array, '"');
}

/* INVALID when two days of `revision` are the same rep and date (what
 * SQLite's primary key says in store-revisions.c, with the same words). */
static gboolean
check_unique_days (const PdRevision *revision, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);
      char date[DATE_TEXT_SIZE];

      format_date (&day->date, date);
      if (!g_hash_table_add (seen, g_strconcat (day->rep, "\n", date, NULL)))
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID, _("Two schedule entries for %s on %s"),
                       day->rep, date);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct {
  const PdRevision *first; /* NULL, or a baseline saved before `revision` */
  const PdRevision *revision;
  const char *const *reps;
  guint n_reps;         /* G_MAXUINT: all of the campaign's */
  gint64 id;
} Save;

/* Inside the transaction: `revision` and its days; its id to s->id. */
static gboolean
save_one (PgStore *pg, Save *s, const PdRevision *revision, GError **error)
{
  char date[DATE_TEXT_SIZE], created[INT_TEXT_SIZE], id_text[INT_TEXT_SIZE], parent[INT_TEXT_SIZE];
  const char *values[6] = { revision->campaign, kind_to_text (revision->kind), date,
                            int_text (revision->created, created),
                            revision->parent >= 0 ? int_text (revision->parent, parent) : NULL,
                            revision->source };
  g_autoptr (GString) reps = g_string_new ("{"), dates = g_string_new ("{");
  g_autoptr (GString) contacts = g_string_new ("{"), bases = g_string_new ("{");
  g_autoptr (PGresult) inserted = NULL, days = NULL;

  if (!pg_require_campaign (pg, revision->campaign, error) || !check_unique_days (revision, error))
    return FALSE;
  format_date (&revision->as_of, date);
  if (revision->parent >= 0)
    {
      /* Conditional: nobody saved a revision of the campaign since the
       * one it was computed from. Writers queue on the change counter,
       * so this read sees every commit before ours. */
      const char *campaign[1] = { revision->campaign };
      g_autoptr (PGresult) latest = pg_query (pg, "SELECT coalesce (max (id), 0) FROM revisions WHERE campaign = $1",
                                              1, campaign, error);

      if (latest == NULL)
        return FALSE;
      if (pg_int (latest, 0, 0) != revision->parent)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CONFLICT,
                       _("another process saved a schedule revision of '%s' first"), revision->campaign);
          return FALSE;
        }
    }
  inserted = pg_query (pg,
                       "INSERT INTO revisions (campaign, kind, as_of, created, parent, source)"
                       " VALUES ($1, $2, $3, $4, $5, $6)"
                       " ON CONFLICT (campaign, as_of, parent) WHERE kind = 'catchup' AND parent IS NOT NULL"
                       " DO NOTHING RETURNING id",
                       6, values, error);
  if (inserted == NULL)
    return FALSE;
  if (PQntuples (inserted) == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CONFLICT,
                   _("another process saved a schedule revision of '%s' first"), revision->campaign);
      return FALSE;
    }
  s->id = pg_int (inserted, 0, 0);

  for (guint i = 0; i < revision->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (revision->days, PdRevisionDay, i);
      char day_text[DATE_TEXT_SIZE];

      format_date (&day->date, day_text);
      append_element (reps, day->rep);
      append_element (dates, day_text);
      g_string_append_printf (contacts, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", day->contacts);
      if (day->base >= 0)
        g_string_append_printf (bases, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", day->base);
      else
        g_string_append (bases, i > 0 ? ",NULL" : "NULL");
    }
  g_string_append_c (reps, '}');
  g_string_append_c (dates, '}');
  g_string_append_c (contacts, '}');
  g_string_append_c (bases, '}');
  int_text (s->id, id_text);
  if (revision->kind == PD_REVISION_CATCHUP)
    {
      /* Only the latest catch-up is ever read: the rows of the ones it
       * replaces go, and the days it replaces (the listed reps', or all). */
      const char *old[2] = { revision->campaign, id_text };
      g_autoptr (GString) listed = g_string_new ("{");
      const char *replaced[2] = { revision->campaign, NULL };
      g_autoptr (PGresult) deleted =
        pg_query (pg, "DELETE FROM revisions WHERE campaign = $1 AND kind = 'catchup' AND id < $2", 2, old, error);
      g_autoptr (PGresult) cleared = NULL;
      const char *day_values[5] = { revision->campaign, reps->str, dates->str, contacts->str, bases->str };

      if (deleted == NULL)
        return FALSE;
      for (guint i = 0; s->n_reps != G_MAXUINT && i < s->n_reps; i++)
        append_element (listed, s->reps[i]);
      g_string_append_c (listed, '}');
      replaced[1] = s->n_reps == G_MAXUINT ? NULL : listed->str;
      cleared = pg_query (pg, "DELETE FROM catchup_days WHERE campaign = $1 AND (rep = ANY ($2::text[]) OR $2 IS NULL)",
                          2, replaced, error);
      if (cleared == NULL)
        return FALSE;
      days = pg_query (pg,
                       "INSERT INTO catchup_days (campaign, rep, date, contacts, base)"
                       " SELECT $1, * FROM unnest ($2::text[], $3::date[], $4::bigint[], $5::bigint[])",
                       5, day_values, error);
    }
  else
    {
      const char *day_values[5] = { id_text, reps->str, dates->str, contacts->str, bases->str };

      days = pg_query (pg,
                       "INSERT INTO revision_days (revision, rep, date, contacts, base)"
                       " SELECT $1, * FROM unnest ($2::text[], $3::date[], $4::bigint[], $5::bigint[])",
                       5, day_values, error);
    }
  return days != NULL;
}

static gboolean
save_revision (PgStore *pg, gpointer data, GError **error)
{
  Save *s = data;
  PdRevision after;

  if (s->first == NULL)
    return save_one (pg, s, s->revision, error);
  if (!save_one (pg, s, s->first, error))
    return FALSE;
  after = *s->revision;
  after.parent = s->id;
  return save_one (pg, s, &after, error);
}

gboolean
store_pg_save_revision (PgStore *pg, const PdRevision *first, const PdRevision *revision, const char *const *reps,
                        guint n_reps, gint64 *ret_id, GError **error)
{
  Save s = { first, revision, reps, n_reps, 0 };
  gboolean ok = (first == NULL || store_check_revision (first, error)) && store_check_revision (revision, error);

  for (guint i = 0; ok && n_reps != G_MAXUINT && i < n_reps; i++)
    ok = store_check_name (reps[i], _("rep name"), error);
  if (!ok || !pg_transaction (pg, PG_WRITE, save_revision, &s, error))
    {
      g_prefix_error (error, _("Cannot save the schedule revision: "));
      return FALSE;
    }
  if (ret_id != NULL)
    *ret_id = s.id;
  return TRUE;
}

typedef struct {
  const char *campaign, *kind;
  gboolean with_days;
  PdRevision *revision;
} Load;

static gboolean
load_revision (PgStore *pg, gpointer data, GError **error)
{
  Load *l = data;
  const char *values[2] = { l->campaign, l->kind };
  g_autoptr (PGresult) head = NULL, days = NULL;
  char id_text[INT_TEXT_SIZE];
  const char *id_value[1];
  GDate as_of;

  g_clear_pointer (&l->revision, pd_revision_free);
  head = pg_query (pg,
                   "SELECT id, kind, as_of, created, source FROM revisions"
                   " WHERE campaign = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY id DESC LIMIT 1",
                   2, values, error);
  if (head == NULL)
    return FALSE;
  if (PQntuples (head) == 0)
    return TRUE;
  if (!pg_date (head, 0, 2, &as_of, error))
    return FALSE;
  l->revision = pd_revision_new (l->campaign,
                                 g_str_equal (PQgetvalue (head, 0, 1), "baseline")
                                   ? PD_REVISION_BASELINE : PD_REVISION_CATCHUP,
                                 &as_of, pg_int (head, 0, 3));
  l->revision->id = pg_int (head, 0, 0);
  if (!PQgetisnull (head, 0, 4))
    l->revision->source = g_strdup (PQgetvalue (head, 0, 4));
  if (!l->with_days)
    return TRUE;
  if (l->revision->kind == PD_REVISION_CATCHUP)
    {
      id_value[0] = l->campaign;
      days = pg_query (pg, "SELECT rep, date, contacts, base FROM catchup_days WHERE campaign = $1 ORDER BY rep, date",
                       1, id_value, error);
    }
  else
    {
      id_value[0] = int_text (l->revision->id, id_text);
      days = pg_query (pg,
                       "SELECT rep, date, contacts, base FROM revision_days WHERE revision = $1 ORDER BY rep, date",
                       1, id_value, error);
    }
  if (days == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (days); i++)
    {
      GDate date;

      if (!pg_date (days, i, 1, &date, error))
        return FALSE;
      pd_revision_add_rebased_day (l->revision, PQgetvalue (days, i, 0), &date, pg_int (days, i, 2),
                                   PQgetisnull (days, i, 3) ? -1 : pg_int (days, i, 3));
    }
  return TRUE;
}

gboolean
store_pg_load_revision (PgStore *pg, const char *campaign, const char *kind, gboolean with_days,
                        PdRevision **ret_revision, GError **error)
{
  Load l = { campaign, kind, with_days, NULL };

  /* Two statements, one snapshot. */
  if (!pg_transaction (pg, PG_READ, load_revision, &l, error))
    {
      pd_revision_free (l.revision);
      g_prefix_error (error, _("Cannot load the schedule of '%s': "), campaign);
      return FALSE;
    }
  *ret_revision = l.revision;
  return TRUE;
}
