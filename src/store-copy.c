/* SPDX-License-Identifier: MIT
 *
 * store-copy: include/prospectd/store-copy.h, a whole history from one
 * database into an empty one, whichever backend each is. Both schemas have
 * the same tables and columns (the PostgreSQL one in the schema prospectd,
 * which every connection has in its search_path): rows travel as text,
 * read from the source statement by statement (SQLite) or row by row
 * (libpq's single-row mode), written into the target by a prepared INSERT
 * (SQLite) or by INSERTs of a few hundred rows each, values as parameters
 * (PostgreSQL: COPY FROM is refused on a table under row-level security,
 * the owner's included once it is forced). The statements are built from
 * the constant table list below, never from input.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include <inttypes.h>
#include <string.h>

#include "prospectd/store-copy.h"
#include "prospectd/team.h"
#include "store-private.h"
#include "store-pg-private.h"

typedef struct {
  const char *name;
  gboolean identity;    /* an id the server issues (PostgreSQL: GENERATED ALWAYS) */
  gboolean replace;     /* kept by triggers on activity: the target's rows replaced by the source's */
  const char *columns;  /* copied, in this order; NULL: verified only */
  const char *order;
  const char *ints;     /* summed to verify */
  const char *texts;    /* lengths summed to verify */
  const char *dates;    /* first and last compared */
  const char *select;   /* what is read for `columns`, when not the same text; NULL: columns */
} CopyTable;

#define DAY_SUMS "entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"

/* In the order the foreign keys need. The per-day sums are the target's
 * own triggers' work: verified, not copied. */
static const CopyTable tables[] = {
  { "campaigns", FALSE, FALSE, "id, name, first_seen", "id", "first_seen", "id, name", NULL, NULL },
  { "rep_starts", FALSE, FALSE, "campaign, rep, first_seen", "campaign, rep", NULL, "campaign, rep", "first_seen", NULL },
  { "activity", TRUE, FALSE,
    "id, campaign, rep, date, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents, note,"
    " created",
    "id", "id, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents, created",
    "campaign, rep, note", "date", NULL },
  { "revisions", TRUE, FALSE, "id, campaign, kind, as_of, created, parent, source", "id", "id, created",
    "campaign, kind, source", "as_of", NULL },
  { "revision_days", FALSE, FALSE, "revision, rep, date, contacts, base", "revision, rep, date",
    "revision, contacts, base", "rep",
    "date", NULL },
  { "catchup_days", FALSE, FALSE, "campaign, rep, date, contacts, base", "campaign, rep, date", "contacts, base",
    "campaign, rep", "date", NULL },
  { "notifications", FALSE, FALSE, "campaign, key, desktop, sent_at", "campaign, key, desktop", "sent_at",
    "campaign, key, desktop", NULL, NULL },
  { "feed_tokens", FALSE, FALSE, "campaign, rep, token, created", "campaign, rep", "created", "campaign, rep, token", NULL, NULL },
  /* The prospect file (schema 11). spontaneous is 0 or 1 on SQLite, a
   * boolean on PostgreSQL: read as 0 or 1 on both, which both take. */
  { "prospects", TRUE, FALSE,
    "id, campaign, rep, company, contact, first_name, phone, mobile, email, city, postcode, sector, size, notes,"
    " state, attempts, follow_up, spontaneous, prescriber, recommended_by, import_order, created",
    "id", "id, attempts, import_order, created",
    "campaign, rep, company, contact, first_name, phone, mobile, email, city, postcode, sector, size, notes, state,"
    " prescriber, recommended_by", "follow_up",
    "id, campaign, rep, company, contact, first_name, phone, mobile, email, city, postcode, sector, size, notes,"
    " state, attempts, follow_up, CASE WHEN spontaneous THEN 1 ELSE 0 END, prescriber, recommended_by,"
    " import_order, created" },
  { "prospect_attributes", FALSE, FALSE, "prospect, position, name, value", "prospect, position",
    "prospect, position", "name, value", NULL, NULL },
  { "prospect_sources", FALSE, FALSE, "prospect, source, line", "prospect, source, line", "prospect, line", "source",
    NULL, NULL },
  { "calls", TRUE, FALSE,
    "id, campaign, prospect, rep, date, outcome, follow_up, revenue_cents, note, state_before, state_after, created",
    "id", "id, prospect, revenue_cents, created", "campaign, rep, outcome, note, state_before, state_after",
    "date", NULL },
  /* The change marks the daemons compare: as the source has them, after
   * every table whose triggers move them (activity, and calls since
   * schema 12; prospects and calls for the prospects' since schema 17). */
  { "activity_changes", FALSE, TRUE, "campaign, rep, mark", "campaign, rep", "mark", "campaign, rep", NULL, NULL },
  /* The prospects' (schema 17), moved by the calls copied. */
  { "prospect_changes", FALSE, TRUE, "campaign, rep, mark", "campaign, rep", "mark", "campaign, rep", NULL, NULL },
  { "activity_days", FALSE, FALSE, NULL, NULL, DAY_SUMS, "campaign, rep", "date", NULL },
  /* Their parts (schema 12): the entries' and the calls' sums. */
  { "log_days", FALSE, FALSE, NULL, NULL, DAY_SUMS, "campaign, rep", "date", NULL },
  { "call_days", FALSE, FALSE, NULL, NULL, DAY_SUMS, "campaign, rep", "date", NULL },
  { "activity_team_days", FALSE, FALSE, NULL, NULL, DAY_SUMS, "campaign", "date", NULL },
  /* Each rep's running sums (schema 16), made again by the target's
   * triggers as the entries and calls come in. */
  { "activity_running", FALSE, FALSE, NULL, NULL,
    DAY_SUMS ", qualified_active, qualified_prospects, reached_contacts, reached_prospects, won_deals,"
    " won_revenue_cents", "campaign, rep", "date", NULL },
  /* Each rep's last row of them (schema 18), made again with them. */
  { "activity_running_last", FALSE, FALSE, NULL, NULL,
    DAY_SUMS ", qualified_active, qualified_prospects, reached_contacts, reached_prospects, won_deals,"
    " won_revenue_cents", "campaign, rep", "date", NULL },
};

/* Indexes into tables[] for the counts reported. */
enum { T_CAMPAIGNS, T_REP_STARTS, T_ACTIVITY, T_REVISIONS, T_REVISION_DAYS, T_CATCHUP_DAYS, T_NOTIFICATIONS,
       T_FEED_TOKENS, T_PROSPECTS, T_PROSPECT_ATTRIBUTES, T_PROSPECT_SOURCES, T_CALLS, T_ACTIVITY_CHANGES };

static guint
count_columns (const char *list)
{
  guint n = 1;

  for (const char *c = list; *c != '\0'; c++)
    n += *c == ',';
  return n;
}

/* ---------------------------------------------------------- reading */

typedef gboolean (*RowFunc) (const char *const *values, guint n, gpointer data, GError **error);

/* Runs `sql` on either backend, calling `func` with each row's values as
 * text (NULL for SQL NULL). */
static gboolean
read_rows (PdStore *store, const char *sql, RowFunc func, gpointer data, GError **error)
{
  if (store->pg != NULL)
    {
      PgStore *pg = store->pg;
      gboolean ok = TRUE;
      PGresult *result;

      if (!PQsendQuery (pg->conn, sql) || !PQsetSingleRowMode (pg->conn))
        {
          pg_set_error (pg, NULL, error);
          while ((result = PQgetResult (pg->conn)) != NULL)
            PQclear (result);
          return FALSE;
        }
      while ((result = PQgetResult (pg->conn)) != NULL)
        {
          ExecStatusType status = PQresultStatus (result);

          if (ok && status == PGRES_SINGLE_TUPLE)
            {
              int n = PQnfields (result);
              g_autofree const char **values = g_new0 (const char *, (gsize) n + 1);

              for (int i = 0; i < n; i++)
                values[i] = pg_text (result, 0, i);
              ok = func (values, (guint) n, data, error);
            }
          else if (ok && status != PGRES_TUPLES_OK && status != PGRES_SINGLE_TUPLE)
            {
              pg_set_error (pg, result, error);
              ok = FALSE;
            }
          PQclear (result);
        }
      return ok;
    }
  else
    {
      sqlite3_stmt *stmt = store_prepare (store, sql, error);
      gboolean ok = TRUE;
      int rc;

      if (stmt == NULL)
        return FALSE;
      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int n = sqlite3_column_count (stmt);
          g_autofree const char **values = g_new0 (const char *, (gsize) n + 1);

          for (int i = 0; i < n; i++)
            values[i] = (const char *) sqlite3_column_text (stmt, i);
          ok = func (values, (guint) n, data, error);
        }
      if (ok && rc != SQLITE_DONE)
        {
          store_set_error (error, store->db, rc);
          ok = FALSE;
        }
      sqlite3_finalize (stmt);
      return ok;
    }
}

static gboolean
keep_row (const char *const *values, guint n, gpointer data, GError **error)
{
  GPtrArray *row = data;

  (void) error;
  g_ptr_array_set_size (row, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (row, g_strdup (values[i]));
  return TRUE;
}

/* The one row of `sql`: a new GPtrArray of strings (NULL elements for
 * SQL NULL). */
static GPtrArray *
read_one (PdStore *store, const char *sql, GError **error)
{
  g_autoptr (GPtrArray) row = g_ptr_array_new_with_free_func (g_free);

  if (!read_rows (store, sql, keep_row, row, error))
    return NULL;
  return g_steal_pointer (&row);
}

/* ---------------------------------------------------------- writing */

/* Rows per INSERT on PostgreSQL (14 columns: 7 000 parameters of the
 * 65 535 a statement may have). */
#define PG_BATCH 500

typedef struct {
  PdStore *store;
  const CopyTable *table;
  guint n_columns;
  sqlite3_stmt *insert;  /* SQLite target */
  GPtrArray *values;     /* PostgreSQL target: the batch's values, row after row */
  gint64 rows;
} Writer;

/* Inserts the batch of values held (PostgreSQL). */
static gboolean
flush_batch (Writer *w, GError **error)
{
  guint n_rows = w->values->len / w->n_columns;
  g_autoptr (GString) sql = NULL;
  g_autoptr (PGresult) result = NULL;

  if (n_rows == 0)
    return TRUE;
  sql = g_string_new (NULL);
  g_string_append_printf (sql, "INSERT INTO %s (%s) %sVALUES ", w->table->name, w->table->columns,
                          w->table->identity ? "OVERRIDING SYSTEM VALUE " : "");
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r > 0 ? ", (" : "(");
      for (guint c = 0; c < w->n_columns; c++)
        g_string_append_printf (sql, c > 0 ? ", $%u" : "$%u", r * w->n_columns + c + 1);
      g_string_append_c (sql, ')');
    }
  result = pg_query (w->store->pg, sql->str, (int) w->values->len, (const char *const *) w->values->pdata, error);
  g_ptr_array_set_size (w->values, 0);
  return result != NULL;
}

static gboolean
write_row (const char *const *values, guint n, gpointer data, GError **error)
{
  Writer *w = data;

  w->rows++;
  if (w->store->pg != NULL)
    {
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (w->values, g_strdup (values[i]));
      return w->values->len < PG_BATCH * w->n_columns || flush_batch (w, error);
    }
  sqlite3_reset (w->insert);
  for (guint i = 0; i < n; i++)
    sqlite3_bind_text (w->insert, (int) i + 1, values[i], -1, SQLITE_TRANSIENT);
  return store_step_done (w->store, w->insert, error);
}

/* Copies one table's rows; *ret_rows: how many. */
static gboolean
copy_table (PdStore *from, PdStore *to, const CopyTable *t, gint64 *ret_rows, GError **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s", t->select != NULL ? t->select : t->columns,
                                             t->name, t->order);
  Writer w = { to, t, count_columns (t->columns), NULL, NULL, 0 };
  gboolean ok;

  if (t->replace)
    {
      g_autofree char *clear = g_strdup_printf ("DELETE FROM %s", t->name);
      g_autoptr (PGresult) cleared = NULL;

      if (to->pg != NULL ? (cleared = pg_query (to->pg, clear, 0, NULL, error)) == NULL
                         : !store_exec (to, clear, error))
        return FALSE;
    }

  if (to->pg != NULL)
    {
      w.values = g_ptr_array_new_with_free_func (g_free);
      ok = read_rows (from, select, write_row, &w, error) && flush_batch (&w, error);
      g_ptr_array_unref (w.values);
    }
  else
    {
      g_autoptr (GString) marks = g_string_new ("?");
      g_autofree char *insert = NULL;

      for (guint i = 1; i < w.n_columns; i++)
        g_string_append (marks, ", ?");
      insert = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", t->name, t->columns, marks->str);
      w.insert = store_prepare (to, insert, error);
      if (w.insert == NULL)
        return FALSE;
      ok = read_rows (from, select, write_row, &w, error);
      sqlite3_finalize (w.insert);
    }
  if (!ok)
    {
      g_prefix_error (error, _("%s: "), t->name);
      return FALSE;
    }
  *ret_rows = w.rows;
  return TRUE;
}

/* ----------------------------------------------------- verification */

/* "SELECT count(*), sums of the integers, sums of the text lengths,
 * first and last dates FROM table": the same text on both backends.
 * `labels` gets what each column of the answer is. */
static char *
summary_sql (const CopyTable *t, GPtrArray *labels)
{
  GString *sql = g_string_new ("SELECT count(*)");
  const char *lists[3] = { t->ints, t->texts, t->dates };

  g_ptr_array_add (labels, g_strdup (_("the number of rows")));
  for (guint l = 0; l < 3; l++)
    if (lists[l] != NULL)
      {
        g_auto (GStrv) columns = g_strsplit (lists[l], ",", -1);

        for (guint i = 0; columns[i] != NULL; i++)
          {
            const char *column = g_strstrip (columns[i]);

            switch (l)
              {
              case 0:
                g_string_append_printf (sql, ", coalesce (sum (%s), 0)", column);
                g_ptr_array_add (labels, g_strdup_printf (_("the sum of %s"), column));
                break;
              case 1:
                g_string_append_printf (sql, ", coalesce (sum (length (%s)), 0)", column);
                g_ptr_array_add (labels, g_strdup_printf (_("the length of every %s"), column));
                break;
              default:
                g_string_append_printf (sql, ", min (%s), max (%s)", column, column);
                g_ptr_array_add (labels, g_strdup_printf (_("the first %s"), column));
                g_ptr_array_add (labels, g_strdup_printf (_("the last %s"), column));
                break;
              }
          }
      }
  g_string_append_printf (sql, " FROM %s", t->name);
  return g_string_free (sql, FALSE);
}

static gboolean
verify_table (PdStore *from, PdStore *to, const CopyTable *t, GError **error)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = summary_sql (t, labels);
  g_autoptr (GPtrArray) expected = read_one (from, sql, error);
  g_autoptr (GPtrArray) actual = expected != NULL ? read_one (to, sql, error) : NULL;

  if (actual == NULL)
    return FALSE;
  for (guint i = 0; i < expected->len; i++)
    if (g_strcmp0 (g_ptr_array_index (expected, i), g_ptr_array_index (actual, i)) != 0)
      {
        const char *was = g_ptr_array_index (expected, i), *is = g_ptr_array_index (actual, i);

        g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                     _("the copy does not verify: in %s, %s is %s in the source and %s in the copy"), t->name,
                     (const char *) g_ptr_array_index (labels, i), was != NULL ? was : "NULL",
                     is != NULL ? is : "NULL");
        return FALSE;
      }
  return TRUE;
}

/* ------------------------------------------------------------- ids */

/* The highest id `table` ever issued (removed rows included where the
 * backend knows it). */
static gboolean
highest_id (PdStore *store, const char *table, gint64 *ret_id, GError **error)
{
  g_autofree char *sql = NULL;
  g_autoptr (GPtrArray) row = NULL;

  if (store->pg != NULL)
    sql = g_strdup_printf ("SELECT greatest (coalesce ((SELECT max (id) FROM %s), 0),"
                           " coalesce (pg_sequence_last_value (pg_get_serial_sequence ('prospectd.%s', 'id')::regclass),"
                           " 0))",
                           table, table);
  else
    sql = g_strdup_printf ("SELECT max (coalesce ((SELECT max (id) FROM %s), 0),"
                           " coalesce ((SELECT max (seq) FROM sqlite_sequence WHERE name = '%s'), 0))",
                           table, table);
  row = read_one (store, sql, error);
  if (row == NULL)
    return FALSE;
  *ret_id = g_ascii_strtoll (g_ptr_array_index (row, 0), NULL, 10);
  return TRUE;
}

/* Makes `table`'s next id the one after `id`. */
static gboolean
set_next_id (PdStore *store, const char *table, gint64 id, GError **error)
{
  char text[INT_TEXT_SIZE];
  g_autofree char *sql = NULL;

  if (id <= 0)
    return TRUE;
  int_text (id, text);
  if (store->pg != NULL)
    {
      g_autoptr (PGresult) result = NULL;
      const char *values[1] = { text };

      sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ('prospectd.%s', 'id'), $1::bigint)", table);
      result = pg_query (store->pg, sql, 1, values, error);
      return result != NULL;
    }
  /* Only an AUTOINCREMENT table has a row there; the others hand out
   * max (id) + 1 anyway. */
  sql = g_strdup_printf ("UPDATE sqlite_sequence SET seq = max (seq, %s) WHERE name = '%s'", text, table);
  return store_exec (store, sql, error);
}

/* ------------------------------------------------------------- copy */

typedef struct {
  PdStore *from;
  PdStore *to;
  const char *database_id;
  PdStoreCopyCounts counts;
} Copy;

static gboolean
copy_body (Copy *c, GError **error)
{
  gint64 rows[G_N_ELEMENTS (tables)] = { 0 };
  gint64 held = 0;
  gint64 id;

  /* Empty, checked inside the transaction that fills it. */
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i].name);
      g_autoptr (GPtrArray) row = read_one (c->to, sql, error);

      if (row == NULL)
        return FALSE;
      held += g_ascii_strtoll (g_ptr_array_index (row, 0), NULL, 10);
    }
  if (held > 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("the target already holds data (%" PRId64 " rows): db copy writes only into an"
                     " empty database"),
                   held);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (tables[i].columns != NULL && !copy_table (c->from, c->to, &tables[i], &rows[i], error))
      return FALSE;
  if (!highest_id (c->from, "activity", &id, error) || !set_next_id (c->to, "activity", id, error) ||
      !highest_id (c->from, "revisions", &id, error) || !set_next_id (c->to, "revisions", id, error) ||
      !highest_id (c->from, "prospects", &id, error) || !set_next_id (c->to, "prospects", id, error) ||
      !highest_id (c->from, "calls", &id, error) || !set_next_id (c->to, "calls", id, error))
    return FALSE;
  if (c->to->pg != NULL)
    {
      const char *values[1] = { c->database_id };
      g_autoptr (PGresult) result =
        pg_query (c->to->pg, "UPDATE meta SET value = $1 WHERE key = 'database_id'", 1, values, error);

      if (result == NULL)
        return FALSE;
    }
  else
    {
      sqlite3_stmt *stmt = store_prepare (c->to, "UPDATE meta SET value = ? WHERE key = 'database_id'", error);
      gboolean ok;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, c->database_id, -1, SQLITE_TRANSIENT);
      ok = store_step_done (c->to, stmt, error);
      sqlite3_finalize (stmt);
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!verify_table (c->from, c->to, &tables[i], error))
      return FALSE;
  c->counts = (PdStoreCopyCounts) {
    rows[T_CAMPAIGNS], rows[T_REP_STARTS], rows[T_ACTIVITY], rows[T_REVISIONS], rows[T_REVISION_DAYS],
    rows[T_CATCHUP_DAYS], rows[T_NOTIFICATIONS], rows[T_FEED_TOKENS], rows[T_PROSPECTS], rows[T_CALLS],
  };
  return TRUE;
}

static gboolean
copy_pg_body (PgStore *pg, gpointer data, GError **error)
{
  (void) pg;
  return copy_body (data, error);
}

gboolean
pd_store_copy (const char *from, const char *to, PdStoreCopyCounts *ret_counts, GError **error)
{
  g_autoptr (PdStore) source = NULL;
  g_autoptr (PdStore) target = NULL;
  g_autofree char *from_display = pd_store_display_name (from);
  g_autofree char *to_display = pd_store_display_name (to);
  g_autofree char *database_id = NULL, *rep = NULL;
  gboolean missing = FALSE;
  Copy c = { 0 };
  gboolean ok;

  g_return_val_if_fail (from != NULL && to != NULL, FALSE);

  if (g_str_equal (from, to))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID, _("%s: the source and the target are the same"),
                   from_display);
      return FALSE;
    }
  /* The source only read: a private copy of a file, a rolled-back
   * snapshot on a server. */
  source = pd_store_open_copy (from, &missing, error);
  if (source == NULL)
    return FALSE;
  if (missing)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND, _("%s: no prospectd database there"),
                   from_display);
      return FALSE;
    }
  if (!pd_team_whoami (source, NULL, &rep, error))
    return FALSE;
  if (rep != NULL)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("%s: this login sees only %s's entries and token: copy as the database's owner or a"
                     " manager"),
                   from_display, rep);
      return FALSE;
    }
  database_id = pd_store_database_id (source, error);
  if (database_id == NULL)
    return FALSE;
  target = pd_store_open (to, error);
  if (target == NULL)
    return FALSE;
  c.from = source;
  c.to = target;
  c.database_id = database_id;
  if (target->pg != NULL)
    ok = pg_transaction (target->pg, PG_WRITE, copy_pg_body, &c, error);
  else
    ok = store_begin_write (target, error) && store_finish (target, copy_body (&c, error), error);
  if (!ok)
    {
      g_prefix_error (error, _("Cannot copy %s to %s: "), from_display, to_display);
      return FALSE;
    }
  if (ret_counts != NULL)
    *ret_counts = c.counts;
  return TRUE;
}
