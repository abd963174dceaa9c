/* SPDX-License-Identifier: MIT
 *
 * store-prospects: the prospect file in an SQLite store (schema 11,
 * include/prospectd/store-prospects.h): imports, listings, one
 * prospect, reps, erasure, calls that move a prospect's state. A
 * PostgreSQL store goes to store-pg-prospects.c after the checks.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include <inttypes.h>

#include "store-private.h"
#include "prospectd/store-prospects.h"

#define PROSPECT_COLUMNS \
  "p.id, p.campaign, p.rep, p.company, p.contact, p.first_name, p.phone, p.mobile, p.email," \
  " p.city, p.postcode, p.sector, p.size, p.notes, p.state, p.attempts, p.follow_up," \
  " p.spontaneous, p.prescriber, p.recommended_by, p.import_order, p.created"

static char *
column_text (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static PdProspect *
prospect_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (PdProspect) p = pd_prospect_new ();
  const unsigned char *state = sqlite3_column_text (stmt, 14);
  const unsigned char *follow_up = sqlite3_column_text (stmt, 16);

  p->id = sqlite3_column_int64 (stmt, 0);
  p->campaign = column_text (stmt, 1);
  p->rep = column_text (stmt, 2);
  p->company = column_text (stmt, 3);
  p->contact = column_text (stmt, 4);
  p->first_name = column_text (stmt, 5);
  p->phone = column_text (stmt, 6);
  p->mobile = column_text (stmt, 7);
  p->email = column_text (stmt, 8);
  p->city = column_text (stmt, 9);
  p->postcode = column_text (stmt, 10);
  p->sector = column_text (stmt, 11);
  p->size = column_text (stmt, 12);
  p->notes = column_text (stmt, 13);
  if (!pd_prospect_state_from_name ((const char *) state, &p->state))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT, _("Invalid prospect state in the database: '%s'"),
                   state != NULL ? (const char *) state : "");
      return NULL;
    }
  p->attempts = sqlite3_column_int64 (stmt, 15);
  if (follow_up != NULL && !parse_date (follow_up, &p->follow_up, error))
    return NULL;
  p->spontaneous = sqlite3_column_int64 (stmt, 17) != 0;
  p->prescriber = column_text (stmt, 18);
  p->recommended_by = column_text (stmt, 19);
  p->import_order = sqlite3_column_int64 (stmt, 20);
  p->created = sqlite3_column_int64 (stmt, 21);
  return g_steal_pointer (&p);
}

static gboolean
step_rows_done (PdStore *store, int rc, GError **error)
{
  if (rc != SQLITE_DONE)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------- import */

static gboolean
insert_sources (PdStore *store, sqlite3_stmt *stmt, gint64 id, const PdProspect *p, gint64 *added, GError **error)
{
  for (guint i = 0; i < p->sources->len; i++)
    {
      const PdProspectSource *s = p->sources->pdata[i];

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, s->source);
      sqlite3_bind_int64 (stmt, 3, s->line);
      if (!store_step_done (store, stmt, error))
        return FALSE;
      *added += sqlite3_changes (store->db);
    }
  return TRUE;
}

typedef struct {
  sqlite3_stmt *insert;
  sqlite3_stmt *attribute;
  sqlite3_stmt *known;
  sqlite3_stmt *source;
  gint64 next_order;
} ImportStatements;

static gboolean
insert_prospect (PdStore *store, ImportStatements *st, const char *campaign, const PdProspect *p, gint64 *ret_id,
                 GError **error)
{
  sqlite3_stmt *stmt = st->insert;
  char follow_up[DATE_TEXT_SIZE];
  const char *texts[] = { p->rep, p->company, p->contact, p->first_name, p->phone, p->mobile, p->email,
                          p->city, p->postcode, p->sector, p->size, p->notes };
  gint64 id;

  sqlite3_reset (stmt);
  bind_text (stmt, 1, campaign);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    bind_text (stmt, 2 + (int) i, texts[i]);
  bind_text (stmt, 14, pd_prospect_state_name (p->state));
  sqlite3_bind_int64 (stmt, 15, p->attempts);
  if (g_date_valid (&p->follow_up))
    {
      format_date (&p->follow_up, follow_up);
      bind_text (stmt, 16, follow_up);
    }
  else
    sqlite3_bind_null (stmt, 16);
  sqlite3_bind_int (stmt, 17, p->spontaneous ? 1 : 0);
  bind_text (stmt, 18, p->prescriber);
  bind_text (stmt, 19, p->recommended_by);
  sqlite3_bind_int64 (stmt, 20, st->next_order++);
  sqlite3_bind_int64 (stmt, 21, p->created != 0 ? p->created : store_now_seconds ());
  if (!store_step_done (store, stmt, error))
    return FALSE;
  id = sqlite3_last_insert_rowid (store->db);
  for (guint i = 0; i < p->attributes->len; i++)
    {
      const PdAttribute *a = p->attributes->pdata[i];

      sqlite3_reset (st->attribute);
      sqlite3_bind_int64 (st->attribute, 1, id);
      sqlite3_bind_int (st->attribute, 2, (int) i);
      bind_text (st->attribute, 3, a->name);
      bind_text (st->attribute, 4, a->value);
      if (!store_step_done (store, st->attribute, error))
        return FALSE;
    }
  *ret_id = id;
  return TRUE;
}

/* `rep` (NULL: none) into the set of reps `reps`. */
static void
add_rep (GHashTable *reps, const char *rep)
{
  if (rep != NULL && !g_hash_table_contains (reps, rep))
    g_hash_table_add (reps, g_strdup (rep));
}

/* Moves the change mark (schema 17) of each rep of `reps` (a set of
 * names) in `campaign` once: the prospects, attributes and sources an
 * import inserts move no mark by themselves. */
static gboolean
mark_reps (PdStore *store, const char *campaign, GHashTable *reps, GError **error)
{
  g_autoptr (sqlite3_stmt) mark = store_prepare (store, "INSERT OR REPLACE INTO prospect_changes (campaign, rep, mark)"
                                                        " VALUES (?1, ?2, (SELECT coalesce (max (mark), 0) + 1"
                                                        " FROM prospect_changes))",
                                                 error);
  GHashTableIter iter;
  gpointer rep;

  if (mark == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, reps);
  while (g_hash_table_iter_next (&iter, &rep, NULL))
    {
      sqlite3_reset (mark);
      bind_text (mark, 1, campaign);
      bind_text (mark, 2, rep);
      if (!store_step_done (store, mark, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_body (PdStore *store, const char *campaign, PdProspectFeed feed, gpointer data, GArray *ids,
             gint64 *ret_added, gint64 *ret_sources, GError **error)
{
  ImportStatements st = { 0 };
  g_autoptr (GHashTable) reps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (sqlite3_stmt) insert = NULL, attribute = NULL, known = NULL, order = NULL, source = NULL;
  PdProspect *p;
  GError *feed_error = NULL;

  if (!store_require_campaign (store, campaign, error))
    return FALSE;
  insert = store_prepare (store,
                          "INSERT INTO prospects (campaign, rep, company, contact, first_name, phone, mobile,"
                          " email, city, postcode, sector, size, notes, state, attempts, follow_up, spontaneous,"
                          " prescriber, recommended_by, import_order, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                          " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
                          error);
  attribute = insert != NULL ? store_prepare (store, "INSERT INTO prospect_attributes (prospect, position, name,"
                                                     " value) VALUES (?1, ?2, ?3, ?4)", error) : NULL;
  known = attribute != NULL ? store_prepare (store, "SELECT rep FROM prospects WHERE id = ?1 AND campaign = ?2",
                                             error) : NULL;
  order = known != NULL ? store_prepare (store, "SELECT coalesce (max (import_order), 0) + 1 FROM prospects"
                                                " WHERE campaign = ?1", error) : NULL;
  source = order != NULL ? store_prepare (store, "INSERT INTO prospect_sources (prospect, source, line)"
                                                 " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING", error) : NULL;
  if (source == NULL)
    return FALSE;
  bind_text (order, 1, campaign);
  if (sqlite3_step (order) != SQLITE_ROW)
    {
      store_set_error (error, store->db, sqlite3_errcode (store->db));
      return FALSE;
    }
  st.insert = insert;
  st.attribute = attribute;
  st.known = known;
  st.source = source;
  st.next_order = sqlite3_column_int64 (order, 0);
  *ret_added = 0;
  *ret_sources = 0;
  for (gboolean first = TRUE; (p = feed (data, first, &feed_error)) != NULL; first = FALSE)
    {
      gint64 id = p->id;

      if (!store_check_prospect (p, error))
        return FALSE;
      if (id > 0)
        {
          int rc;

          sqlite3_reset (known);
          sqlite3_bind_int64 (known, 1, id);
          bind_text (known, 2, campaign);
          rc = sqlite3_step (known);
          if (rc != SQLITE_ROW)
            {
              if (rc == SQLITE_DONE)
                g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                             _("No prospect %" PRId64 " in campaign '%s'"), id, campaign);
              else
                store_set_error (error, store->db, rc);
              return FALSE;
            }
          if (sqlite3_column_type (known, 0) != SQLITE_NULL)
            add_rep (reps, (const char *) sqlite3_column_text (known, 0));
        }
      else
        {
          if (!insert_prospect (store, &st, campaign, p, &id, error))
            return FALSE;
          add_rep (reps, p->rep);
          ++*ret_added;
        }
      if (!insert_sources (store, st.source, id, p, ret_sources, error))
        return FALSE;
      if (ids != NULL)
        g_array_append_val (ids, id);
    }
  if (feed_error != NULL)
    {
      g_propagate_error (error, feed_error);
      return FALSE;
    }
  return mark_reps (store, campaign, reps, error);
}

/* SQLite's page cache during an import, in KiB. */
#define IMPORT_CACHE_KIB 8192

/* The prospects of an array, fed one by one. */
typedef struct {
  GPtrArray *prospects;
  guint next;
} ArrayFeed;

static PdProspect *
array_feed (gpointer data, gboolean restart, GError **error)
{
  ArrayFeed *f = data;

  (void) error;
  if (restart)
    f->next = 0;
  return f->next < f->prospects->len ? f->prospects->pdata[f->next++] : NULL;
}

static gboolean
import_feed (PdStore *store, const char *campaign, PdProspectFeed feed, gpointer data, GArray *ids,
             gint64 *ret_added, gint64 *ret_sources_added, GError **error)
{
  gint64 added = 0, sources = 0, cache_size = 0;
  gboolean ok;

  if (!store_check_name (campaign, _("campaign id"), error))
    goto fail;
  if (store->pg != NULL)
    return store_pg_import_prospects (store->pg, campaign, feed, data, ids, ret_added, ret_sources_added, error);
  /* A large import touches the pages of the index by rep all over: a
   * page cache that holds them keeps SQLite from writing them out to the
   * WAL and reading them back again and again (SQLite's default is 2 MiB;
   * this one is still a bound, whatever the file's size). */
  if (!store_query_int (store, "PRAGMA cache_size", &cache_size, error)
      || !store_exec (store, "PRAGMA cache_size = " G_STRINGIFY (-IMPORT_CACHE_KIB), error))
    goto fail;
  ok = store_begin_write (store, error);
  if (ok)
    {
      ok = import_body (store, campaign, feed, data, ids, &added, &sources, error);
      ok = store_finish (store, ok, error);
    }
  {
    /* A constant from this file and the value read above (PRAGMA binds nothing). */
    g_autofree char *restore = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);

    if (!store_exec (store, restore, ok ? error : NULL))
      ok = FALSE;
  }
  if (!ok)
    goto fail;
  if (ret_added != NULL)
    *ret_added = added;
  if (ret_sources_added != NULL)
    *ret_sources_added = sources;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot store the prospects: "));
  return FALSE;
}

gboolean
pd_store_import_feed (PdStore *store,
                      const char *campaign,
                      PdProspectFeed feed,
                      gpointer data,
                      gint64 *ret_added,
                      gint64 *ret_sources_added,
                      GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (feed != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return import_feed (store, campaign, feed, data, NULL, ret_added, ret_sources_added, error);
}

gboolean
pd_store_import_prospects (PdStore *store,
                           const char *campaign,
                           GPtrArray *prospects,
                           gint64 *ret_added,
                           gint64 *ret_sources_added,
                           GError **error)
{
  g_autoptr (GArray) ids = NULL;
  ArrayFeed f = { prospects, 0 };

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (prospects != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The campaign and every prospect checked before anything is written. */
  if (!store_check_name (campaign, _("campaign id"), error))
    {
      g_prefix_error (error, _("Cannot store the prospects: "));
      return FALSE;
    }
  for (guint i = 0; i < prospects->len; i++)
    if (!store_check_prospect (prospects->pdata[i], error))
      {
        g_prefix_error (error, _("Cannot store the prospects: "));
        return FALSE;
      }
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), prospects->len);
  if (!import_feed (store, campaign, array_feed, &f, ids, ret_added, ret_sources_added, error))
    return FALSE;
  g_assert (ids->len == prospects->len);
  for (guint i = 0; i < prospects->len; i++)
    ((PdProspect *) prospects->pdata[i])->id = g_array_index (ids, gint64, i);
  return TRUE;
}

/* ------------------------------------------------------------ listing */

/* The WHERE clause of a listing: ?1 campaign, ?2 state, ?3 rep, ?4
 * source, ?5 due date, ?6 uncalled, ?7 one id (each NULL: no filter).
 * A listing of one rep's prospects has its own statements, whose rep
 * test is a plain equality: `(?3 IS NULL OR p.rep = ?3)` keeps SQLite
 * from using the index on (campaign, rep), so that each rep's read
 * would scan the whole campaign. */
#define FILTER_WHERE_AFTER_REP \
  " AND (?4 IS NULL OR EXISTS (SELECT 1 FROM prospect_sources s WHERE s.prospect = p.id AND s.source = ?4))" \
  " AND (?5 IS NULL OR (p.state = 'latent' AND p.follow_up <= ?5))" \
  " AND (?6 IS NULL OR (p.attempts = 0 AND p.spontaneous = 0))" \
  " AND (?7 IS NULL OR p.id = ?7)"
#define FILTER_WHERE \
  " WHERE p.campaign = ?1 AND (?2 IS NULL OR p.state = ?2)" FILTER_WHERE_AFTER_REP
#define FILTER_WHERE_REP \
  " WHERE p.campaign = ?1 AND p.rep = ?3 AND (?2 IS NULL OR p.state = ?2)" FILTER_WHERE_AFTER_REP

/* The statements of a listing: FROM is the prospects' table, WHERE its
 * filter. A rep's names the index on (campaign, rep): without
 * statistics, SQLite prefers the index on (campaign, import_order),
 * which gives the rows in order but scans the whole campaign. */
#define FROM_ANY " prospects p"
#define FROM_REP " prospects p INDEXED BY prospects_by_rep"
#define LIST_PROSPECTS(FROM, WHERE) "SELECT " PROSPECT_COLUMNS " FROM" FROM WHERE " ORDER BY p.import_order, p.id"
#define LIST_ATTRIBUTES(FROM, WHERE) \
  "SELECT a.prospect, a.name, a.value FROM prospect_attributes a JOIN" FROM " ON p.id = a.prospect" WHERE \
  " ORDER BY a.prospect, a.position"
#define LIST_SOURCES(FROM, WHERE) \
  "SELECT s.prospect, s.source, s.line FROM prospect_sources s JOIN" FROM " ON p.id = s.prospect" WHERE \
  " ORDER BY s.prospect, s.source, s.line"

static void
bind_filter (sqlite3_stmt *stmt, const char *campaign, const PdProspectFilter *filter, gint64 id,
             char due[DATE_TEXT_SIZE])
{
  bind_text (stmt, 1, campaign);
  if (filter != NULL && filter->by_state)
    bind_text (stmt, 2, pd_prospect_state_name (filter->state));
  if (filter != NULL)
    {
      if (filter->rep != NULL)
        bind_text (stmt, 3, filter->rep);
      bind_text (stmt, 4, filter->source);
      if (g_date_valid (&filter->due))
        {
          format_date (&filter->due, due);
          bind_text (stmt, 5, due);
        }
      if (filter->uncalled)
        sqlite3_bind_int (stmt, 6, 1);
    }
  if (id > 0)
    sqlite3_bind_int64 (stmt, 7, id);
}

/* One of a listing's three statements, bound: a rep's (prepared once a
 * store, the daemon and the call lists read rep after rep) or any
 * other. Returns NULL with error set. The caller releases it with
 * statement_release(). */
static sqlite3_stmt *
statement_bound (PdStore *store, CachedId cached, const char *rep_sql, const char *sql, const char *campaign,
                 const PdProspectFilter *filter, gint64 id, char due[DATE_TEXT_SIZE], GError **error)
{
  sqlite3_stmt *stmt = filter != NULL && filter->rep != NULL ? store_prepare_cached (store, cached, rep_sql, error)
                                                              : store_prepare (store, sql, error);

  if (stmt != NULL)
    bind_filter (stmt, campaign, filter, id, due);
  return stmt;
}

static void
statement_release (const PdProspectFilter *filter, sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;
  if (filter != NULL && filter->rep != NULL)
    release_cached (stmt);
  else
    sqlite3_finalize (stmt);
}

typedef struct {
  const PdProspectFilter *filter;
  sqlite3_stmt *stmt;
} Statement;

static void
statement_clear (Statement *statement)
{
  statement_release (statement->filter, g_steal_pointer (&statement->stmt));
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Statement, statement_clear)

static GPtrArray *
list_body (PdStore *store, const char *campaign, const PdProspectFilter *filter, gint64 id, GError **error)
{
  g_autoptr (GPtrArray) prospects = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_auto (Statement) stmt = { filter, NULL };
  g_auto (Statement) attributes = { filter, NULL };
  g_auto (Statement) sources = { filter, NULL };
  char due[DATE_TEXT_SIZE];
  int rc;

  stmt.stmt = statement_bound (store, CACHED_PROSPECTS_OF_REP, LIST_PROSPECTS (FROM_REP, FILTER_WHERE_REP),
                               LIST_PROSPECTS (FROM_ANY, FILTER_WHERE), campaign, filter, id, due, error);
  if (stmt.stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt.stmt)) == SQLITE_ROW)
    {
      PdProspect *p = prospect_from_row (stmt.stmt, error);

      if (p == NULL)
        return NULL;
      g_ptr_array_add (prospects, p);
      g_hash_table_insert (by_id, &p->id, p);
    }
  if (!step_rows_done (store, rc, error))
    return NULL;
  if (prospects->len == 0)
    return g_steal_pointer (&prospects);
  if (filter != NULL && filter->keys_only)
    goto sources;

  attributes.stmt = statement_bound (store, CACHED_ATTRIBUTES_OF_REP, LIST_ATTRIBUTES (FROM_REP, FILTER_WHERE_REP),
                                     LIST_ATTRIBUTES (FROM_ANY, FILTER_WHERE), campaign, filter, id, due, error);
  if (attributes.stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (attributes.stmt)) == SQLITE_ROW)
    {
      gint64 owner = sqlite3_column_int64 (attributes.stmt, 0);
      PdProspect *p = g_hash_table_lookup (by_id, &owner);

      if (p != NULL)
        pd_prospect_add_attribute (p, (const char *) sqlite3_column_text (attributes.stmt, 1),
                                   (const char *) sqlite3_column_text (attributes.stmt, 2));
    }
  if (!step_rows_done (store, rc, error))
    return NULL;

sources:
  if (filter != NULL && filter->without_sources)
    return g_steal_pointer (&prospects);
  sources.stmt = statement_bound (store, CACHED_SOURCES_OF_REP, LIST_SOURCES (FROM_REP, FILTER_WHERE_REP),
                                  LIST_SOURCES (FROM_ANY, FILTER_WHERE), campaign, filter, id, due, error);
  if (sources.stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (sources.stmt)) == SQLITE_ROW)
    {
      gint64 owner = sqlite3_column_int64 (sources.stmt, 0);
      PdProspect *p = g_hash_table_lookup (by_id, &owner);

      if (p != NULL)
        pd_prospect_add_source (p, (const char *) sqlite3_column_text (sources.stmt, 1),
                                sqlite3_column_int64 (sources.stmt, 2));
    }
  if (!step_rows_done (store, rc, error))
    return NULL;
  return g_steal_pointer (&prospects);
}

GPtrArray *
pd_store_list_prospects (PdStore *store, const char *campaign, const PdProspectFilter *filter, GError **error)
{
  GPtrArray *prospects;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_list_prospects (store->pg, campaign, filter, 0, error);
  if (!store_begin_read (store, error))
    goto fail;
  prospects = list_body (store, campaign, filter, 0, error);
  if (!store_finish (store, prospects != NULL, error))
    {
      g_clear_pointer (&prospects, g_ptr_array_unref);
      goto fail;
    }
  return prospects;

fail:
  g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
  return NULL;
}

static gboolean
foreach_body (PdStore *store, const char *campaign, PdProspectFunc func, gpointer data, GError **error)
{
  g_autoptr (sqlite3_stmt) rows = NULL, sources = NULL;
  int rc, source_rc = SQLITE_DONE;

  rows = store_prepare (store, "SELECT " PROSPECT_COLUMNS " FROM prospects p WHERE p.campaign = ?1"
                               " ORDER BY p.import_order, p.id", error);
  sources = rows != NULL ? store_prepare (store, "SELECT s.prospect, s.source, s.line FROM prospects p"
                                                 " JOIN prospect_sources s ON s.prospect = p.id"
                                                 " WHERE p.campaign = ?1"
                                                 " ORDER BY p.import_order, p.id, s.source, s.line", error)
                         : NULL;
  if (sources == NULL)
    return FALSE;
  bind_text (rows, 1, campaign);
  bind_text (sources, 1, campaign);
  /* Both in the same order: each prospect's sources follow it. */
  source_rc = sqlite3_step (sources);
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      g_autoptr (PdProspect) p = prospect_from_row (rows, error);

      if (p == NULL)
        return FALSE;
      while (source_rc == SQLITE_ROW && sqlite3_column_int64 (sources, 0) == p->id)
        {
          pd_prospect_add_source (p, (const char *) sqlite3_column_text (sources, 1),
                                  sqlite3_column_int64 (sources, 2));
          source_rc = sqlite3_step (sources);
        }
      func (p, data);
    }
  if (!step_rows_done (store, rc, error))
    return FALSE;
  if (source_rc != SQLITE_DONE && source_rc != SQLITE_ROW)
    return step_rows_done (store, source_rc, error);
  return TRUE;
}

gboolean
pd_store_foreach_prospect (PdStore *store, const char *campaign, PdProspectFunc func, gpointer data, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_foreach_prospect (store->pg, campaign, func, data, error);
  if (!store_begin_read (store, error))
    goto fail;
  ok = foreach_body (store, campaign, func, data, error);
  if (!store_finish (store, ok, error))
    goto fail;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
  return FALSE;
}

gboolean
pd_store_count_prospects (PdStore *store, const char *campaign, gint64 *ret_prospects, gint64 *ret_spontaneous,
                          GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_count_prospects (store->pg, campaign, ret_prospects, ret_spontaneous, error);
  stmt = store_prepare (store, "SELECT count(*), coalesce (sum (spontaneous), 0) FROM prospects WHERE campaign = ?1",
                        error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  if (ret_prospects != NULL)
    *ret_prospects = sqlite3_column_int64 (stmt, 0);
  if (ret_spontaneous != NULL)
    *ret_spontaneous = sqlite3_column_int64 (stmt, 1);
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
  return FALSE;
}

gboolean
pd_store_prospect_changes (PdStore *store, const char *campaign, gint64 since, gint64 *ret_mark, GStrv *ret_reps,
                           GError **error)
{
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL && ret_mark != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    ok = store_pg_change_marks (store->pg, "SELECT coalesce (max (mark), 0) FROM prospect_changes",
                                "SELECT rep FROM prospect_changes WHERE mark > $1 AND campaign = $2", campaign,
                                since, ret_mark, ret_reps, error);
  else
    ok = store_change_marks (store, "SELECT coalesce (max (mark), 0) FROM prospect_changes",
                             "SELECT rep FROM prospect_changes WHERE mark > ?1 AND campaign = ?2", campaign, since,
                             ret_mark, ret_reps, error);
  if (!ok)
    g_prefix_error (error, _("Cannot read the changes of the prospects of '%s': "), campaign);
  return ok;
}

gboolean
pd_store_any_prospect (PdStore *store, const char *campaign, gboolean *ret_any, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL && ret_any != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_any_prospect (store->pg, campaign, ret_any, error);
  stmt = store_prepare (store, "SELECT EXISTS (SELECT 1 FROM prospects WHERE campaign = ?1)", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, campaign);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      store_set_error (error, store->db, rc);
      goto fail;
    }
  *ret_any = sqlite3_column_int64 (stmt, 0) != 0;
  return TRUE;

fail:
  g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
  return FALSE;
}

GArray *
pd_store_list_called (PdStore *store, const char *campaign, const char *rep, const GDate *from, GError **error)
{
  g_autoptr (GArray) ids = NULL;
  g_autoptr (CachedStmt) stmt = NULL;
  char from_text[DATE_TEXT_SIZE];
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL && rep != NULL && from != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_list_called (store->pg, campaign, rep, from, error);
  /* The rep's prospects by their index, then each one's calls by theirs. */
  stmt = store_prepare_cached (store, CACHED_CALLED_OF_REP,
                               "SELECT p.id FROM" FROM_REP " WHERE p.campaign = ?1 AND p.rep = ?2"
                               " AND EXISTS (SELECT 1 FROM calls c WHERE c.prospect = p.id AND c.date >= ?3)"
                               " ORDER BY p.id", error);
  if (stmt == NULL)
    goto fail;
  format_date (from, from_text);
  bind_text (stmt, 1, campaign);
  bind_text (stmt, 2, rep);
  bind_text (stmt, 3, from_text);
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (step_rows_done (store, rc, error))
    return g_steal_pointer (&ids);

fail:
  g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
  return NULL;
}

gboolean
pd_store_get_prospect (PdStore *store, const char *campaign, gint64 id, PdProspect **ret_prospect, GError **error)
{
  g_autoptr (GPtrArray) found = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (id <= 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No prospect %" PRId64 " in campaign '%s'"), id, campaign);
      return FALSE;
    }
  if (store->pg != NULL)
    found = store_pg_list_prospects (store->pg, campaign, NULL, id, error);
  else
    {
      if (!store_begin_read (store, error))
        return FALSE;
      found = list_body (store, campaign, NULL, id, error);
      if (!store_finish (store, found != NULL, error))
        g_clear_pointer (&found, g_ptr_array_unref);
    }
  if (found == NULL)
    return FALSE;
  if (found->len == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No prospect %" PRId64 " in campaign '%s'"), id, campaign);
      return FALSE;
    }
  *ret_prospect = g_ptr_array_steal_index (found, 0);
  return TRUE;
}

/* --------------------------------------------------------------- reps */

gboolean
pd_store_set_prospect_reps (PdStore *store, const char *campaign, const gint64 *ids, const char *const *reps,
                            guint n, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (n == 0 || (ids != NULL && reps != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n; i++)
    if (reps[i] != NULL && !store_check_name (reps[i], _("rep name"), error))
      return FALSE;
  if (store->pg != NULL)
    return store_pg_set_prospect_reps (store->pg, campaign, ids, reps, n, error);
  if (!store_begin_write (store, error))
    return FALSE;
  stmt = store_prepare (store, "UPDATE prospects SET rep = ?3 WHERE id = ?1 AND campaign = ?2", error);
  ok = stmt != NULL;
  for (guint i = 0; ok && i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      bind_text (stmt, 2, campaign);
      bind_text (stmt, 3, reps[i]);
      ok = store_step_done (store, stmt, error);
      if (ok && sqlite3_changes (store->db) != 1)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                       _("No prospect %" PRId64 " in campaign '%s'"), ids[i], campaign);
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return store_finish (store, ok, error);
}

/* -------------------------------------------------------------- erase */

gboolean
pd_store_erase_prospect (PdStore *store, const char *campaign, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) calls = NULL, erase = NULL;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (campaign != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_erase_prospect (store->pg, campaign, id, error);
  if (!store_begin_write (store, error))
    return FALSE;
  calls = store_prepare (store, "UPDATE calls SET prospect = NULL, note = NULL"
                                " WHERE prospect = ?1 AND campaign = ?2", error);
  erase = calls != NULL ? store_prepare (store, "DELETE FROM prospects WHERE id = ?1 AND campaign = ?2", error)
                        : NULL;
  ok = erase != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (calls, 1, id);
      bind_text (calls, 2, campaign);
      sqlite3_bind_int64 (erase, 1, id);
      bind_text (erase, 2, campaign);
      ok = store_step_done (store, calls, error) && store_step_done (store, erase, error);
    }
  if (ok && sqlite3_changes (store->db) != 1)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No prospect %" PRId64 " in campaign '%s'"), id, campaign);
      ok = FALSE;
    }
  g_clear_pointer (&calls, sqlite3_finalize);
  g_clear_pointer (&erase, sqlite3_finalize);
  return store_finish (store, ok, error);
}

/* -------------------------------------------------------------- calls */

static gboolean
record_body (PdStore *store, const PdCall *call, gint64 *ret_id, GError **error)
{
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL, update = NULL;
  g_autoptr (GError) move_error = NULL;
  const PdProspect *p;
  PdProspectState after;
  char date[DATE_TEXT_SIZE], follow_up[DATE_TEXT_SIZE];
  gboolean given = g_date_valid (&call->follow_up);

  if (!store_require_campaign (store, call->campaign, error))
    return FALSE;
  found = list_body (store, call->campaign, NULL, call->prospect, error);
  if (found == NULL)
    return FALSE;
  if (found->len == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("No prospect %" PRId64 " in campaign '%s'"), call->prospect, call->campaign);
      return FALSE;
    }
  p = found->pdata[0];
  if (!pd_prospect_move (p->state, call->outcome, given, &after, &move_error))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID, "%s", move_error->message);
      return FALSE;
    }
  format_date (&call->date, date);
  if (given)
    format_date (&call->follow_up, follow_up);
  insert = store_prepare (store, "INSERT INTO calls (campaign, prospect, rep, date, outcome, follow_up,"
                                 " revenue_cents, note, state_before, state_after, created)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", error);
  if (insert == NULL)
    return FALSE;
  bind_text (insert, 1, call->campaign);
  sqlite3_bind_int64 (insert, 2, call->prospect);
  bind_text (insert, 3, call->rep);
  bind_text (insert, 4, date);
  bind_text (insert, 5, pd_call_outcome_name (call->outcome));
  bind_text (insert, 6, given ? follow_up : NULL);
  sqlite3_bind_int64 (insert, 7, call->revenue_cents);
  bind_text (insert, 8, call->note);
  bind_text (insert, 9, pd_prospect_state_name (p->state));
  bind_text (insert, 10, pd_prospect_state_name (after));
  sqlite3_bind_int64 (insert, 11, call->created != 0 ? call->created : store_now_seconds ());
  if (!store_step_done (store, insert, error))
    return FALSE;
  *ret_id = sqlite3_last_insert_rowid (store->db);
  /* The follow-up: the call's when given; kept while latent; gone else. */
  update = store_prepare (store, "UPDATE prospects SET state = ?2, attempts = attempts + 1,"
                                 " follow_up = CASE WHEN ?3 IS NOT NULL THEN ?3"
                                 "   WHEN ?2 = 'latent' THEN follow_up ELSE NULL END,"
                                 " rep = coalesce (rep, ?4) WHERE id = ?1", error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_int64 (update, 1, call->prospect);
  bind_text (update, 2, pd_prospect_state_name (after));
  bind_text (update, 3, given ? follow_up : NULL);
  bind_text (update, 4, call->rep);
  return store_step_done (store, update, error);
}

gboolean
pd_store_record_call (PdStore *store, const PdCall *call, gint64 *ret_id, PdProspect **ret_prospect,
                      GError **error)
{
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (call != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!store_check_call (call, error))
    return FALSE;
  if (store->pg != NULL)
    {
      if (!store_pg_record_call (store->pg, call, &id, error))
        return FALSE;
    }
  else
    {
      if (!store_begin_write (store, error))
        return FALSE;
      ok = record_body (store, call, &id, error);
      if (!store_finish (store, ok, error))
        return FALSE;
    }
  if (ret_prospect != NULL && !pd_store_get_prospect (store, call->campaign, call->prospect, ret_prospect, error))
    return FALSE;
  if (ret_id != NULL)
    *ret_id = id;
  return TRUE;
}

#define LIST_CALLS(REP) \
  "SELECT id, campaign, prospect, rep, date, outcome, follow_up, revenue_cents, note, state_before, state_after," \
  " created FROM calls WHERE campaign = ?1" REP " AND (?3 IS NULL OR prospect = ?3)" \
  " AND (?4 IS NULL OR date >= ?4) AND (?5 IS NULL OR date <= ?5) ORDER BY date, id"

static GPtrArray *
list_calls_body (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_call_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (PdCall) call = pd_call_new ();
      const unsigned char *follow_up = sqlite3_column_text (stmt, 6);

      call->id = sqlite3_column_int64 (stmt, 0);
      call->campaign = column_text (stmt, 1);
      call->prospect = sqlite3_column_int64 (stmt, 2);
      call->rep = column_text (stmt, 3);
      if (!parse_date (sqlite3_column_text (stmt, 4), &call->date, error)
          || (follow_up != NULL && !parse_date (follow_up, &call->follow_up, error)))
        return NULL;
      if (!pd_call_outcome_from_name ((const char *) sqlite3_column_text (stmt, 5), &call->outcome)
          || !pd_prospect_state_from_name ((const char *) sqlite3_column_text (stmt, 9), &call->state_before)
          || !pd_prospect_state_from_name ((const char *) sqlite3_column_text (stmt, 10), &call->state_after))
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT, _("Invalid call %" PRId64 " in the database"),
                       call->id);
          return NULL;
        }
      call->revenue_cents = sqlite3_column_int64 (stmt, 7);
      call->note = column_text (stmt, 8);
      call->created = sqlite3_column_int64 (stmt, 11);
      g_ptr_array_add (calls, g_steal_pointer (&call));
    }
  if (!step_rows_done (store, rc, error))
    return NULL;
  return g_steal_pointer (&calls);
}

static void
bind_calls (sqlite3_stmt *stmt, const char *campaign, const char *rep, gint64 prospect, const GDate *from,
            const GDate *to, char from_text[DATE_TEXT_SIZE], char to_text[DATE_TEXT_SIZE])
{
  bind_text (stmt, 1, campaign);
  if (rep != NULL)
    bind_text (stmt, 2, rep);
  if (prospect > 0)
    sqlite3_bind_int64 (stmt, 3, prospect);
  if (from != NULL)
    {
      format_date (from, from_text);
      bind_text (stmt, 4, from_text);
    }
  if (to != NULL)
    {
      format_date (to, to_text);
      bind_text (stmt, 5, to_text);
    }
}

GPtrArray *
pd_store_list_calls (PdStore *store, const char *campaign, const char *rep, gint64 prospect, const GDate *from,
                     const GDate *to, GError **error)
{
  char from_text[DATE_TEXT_SIZE], to_text[DATE_TEXT_SIZE];

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (campaign != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (store->pg != NULL)
    return store_pg_list_calls (store->pg, campaign, rep, prospect, from, to, error);
  /* One rep's calls have their own statement (see FILTER_WHERE_REP). */
  if (rep != NULL)
    {
      g_autoptr (CachedStmt) stmt = store_prepare_cached (store, CACHED_CALLS_OF_REP,
                                                          LIST_CALLS (" AND rep = ?2"), error);

      if (stmt == NULL)
        return NULL;
      bind_calls (stmt, campaign, rep, prospect, from, to, from_text, to_text);
      return list_calls_body (store, stmt, error);
    }
  else
    {
      g_autoptr (sqlite3_stmt) stmt = store_prepare (store, LIST_CALLS (""), error);

      if (stmt == NULL)
        return NULL;
      bind_calls (stmt, campaign, rep, prospect, from, to, from_text, to_text);
      return list_calls_body (store, stmt, error);
    }
}
