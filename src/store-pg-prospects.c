/* SPDX-License-Identifier: MIT
 *
 * store-pg-prospects: the prospect file on PostgreSQL (schema 11), as
 * store-prospects.c does it on SQLite: imports, listings, reps,
 * erasure, calls. Row-level security decides what a rep's login sees
 * and writes (store-pg-team.c): another rep's prospect is simply not
 * there.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

#define PROSPECT_COLUMNS \
  "p.id, p.campaign, p.rep, p.company, p.contact, p.first_name, p.phone, p.mobile, p.email," \
  " p.city, p.postcode, p.sector, p.size, p.notes, p.state, p.attempts, p.follow_up," \
  " p.spontaneous, p.prescriber, p.recommended_by, p.import_order, p.created"

static PdProspect *
prospect_from_row (const PGresult *result, int row, GError **error)
{
  g_autoptr (PdProspect) p = pd_prospect_new ();
  char **texts[] = { &p->campaign, &p->rep, &p->company, &p->contact, &p->first_name, &p->phone, &p->mobile,
                     &p->email, &p->city, &p->postcode, &p->sector, &p->size, &p->notes };
  const char *state = pg_text (result, row, 14);

  p->id = pg_int (result, row, 0);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    *texts[i] = g_strdup (pg_text (result, row, 1 + (int) i));
  if (!pd_prospect_state_from_name (state, &p->state))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT, _("Invalid prospect state in the database: '%s'"),
                   state != NULL ? state : "");
      return NULL;
    }
  p->attempts = pg_int (result, row, 15);
  if (pg_text (result, row, 16) != NULL && !pg_date (result, row, 16, &p->follow_up, error))
    return NULL;
  p->spontaneous = g_str_equal (PQgetvalue (result, row, 17), "t");
  p->prescriber = g_strdup (pg_text (result, row, 18));
  p->recommended_by = g_strdup (pg_text (result, row, 19));
  p->import_order = pg_int (result, row, 20);
  p->created = pg_int (result, row, 21);
  return g_steal_pointer (&p);
}

/* ------------------------------------------------------------- import */

/* The prospects go to the server in batches: each statement inserts a
 * batch's rows from arrays (unnest), so that an import of 100 000 rows
 * takes a few hundred round trips, not 300 000. COPY FROM would be
 * faster still, but PostgreSQL refuses it on a table under row-level
 * security for the logins the policies apply to (a rep's), and the
 * policies must judge each row. */
#define BATCH 1000

/* The prospect columns of a batch, in the order of the INSERT below. */
enum {
  COL_REP, COL_COMPANY, COL_CONTACT, COL_FIRST_NAME, COL_PHONE, COL_MOBILE, COL_EMAIL, COL_CITY, COL_POSTCODE,
  COL_SECTOR, COL_SIZE, COL_NOTES, COL_STATE, COL_ATTEMPTS, COL_FOLLOW_UP, COL_SPONTANEOUS, COL_PRESCRIBER,
  COL_RECOMMENDED_BY, COL_ORDER, COL_CREATED, N_COLS
};

typedef struct {
  const char *campaign;
  PdProspectFeed feed;
  gpointer data;
  GArray *ids;          /* each fed prospect's id (or NULL) */
  gint64 added, sources;
  /* The batch being filled. */
  GString *cols[N_COLS]; /* PostgreSQL array literals, "{" then the values */
  guint n_new;
  gint64 first_order;   /* the import order of the batch's first new prospect */
  GArray *known;        /* gint64: the ids of known prospects fed */
  GArray *fed;          /* gint64: per prospect fed, its id (known) or -its import order (new) */
  GArray *attribute_of; /* gint64: per attribute, -the import order of its prospect */
  GString *attribute_position, *attribute_name, *attribute_value;
  GArray *source_of;    /* gint64: per source line, its prospect's id or -import order */
  GString *source_name, *source_line;
  GHashTable *reps;     /* the reps of the prospects written: their change marks move once */
} Import;

/* `rep` (NULL: none) into the import's set of reps. */
static void
add_rep (Import *im, const char *rep)
{
  if (rep != NULL && !g_hash_table_contains (im->reps, rep))
    g_hash_table_add (im->reps, g_strdup (rep));
}

/* One element more in array literal `array` (NULL: SQL NULL). */
static void
array_add (GString *array, const char *value)
{
  if (array->len > 1)
    g_string_append_c (array, ',');
  if (value == NULL)
    {
      g_string_append (array, "NULL");
      return;
    }
  g_string_append_c (array, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *c);
    }
  g_string_append_c (array, '"');
}

static void
array_add_int (GString *array, gint64 value)
{
  char text[INT_TEXT_SIZE];

  if (array->len > 1)
    g_string_append_c (array, ',');
  g_string_append (array, int_text (value, text));
}

static const char *
array_end (GString *array)
{
  g_string_append_c (array, '}');
  return array->str;
}

static void
batch_reset (Import *im)
{
  GString **strings[] = { &im->attribute_position, &im->attribute_name, &im->attribute_value, &im->source_name,
                          &im->source_line };

  for (guint c = 0; c < N_COLS; c++)
    g_string_assign (im->cols[c], "{");
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_string_assign (*strings[i], "{");
  im->n_new = 0;
  g_array_set_size (im->known, 0);
  g_array_set_size (im->fed, 0);
  g_array_set_size (im->attribute_of, 0);
  g_array_set_size (im->source_of, 0);
}

static void
batch_add (Import *im, const PdProspect *p, gint64 order)
{
  char follow_up[DATE_TEXT_SIZE];
  gint64 key = p->id > 0 ? p->id : -order;

  if (p->id > 0)
    g_array_append_val (im->known, p->id);
  else
    {
      const char *texts[] = { p->rep, p->company, p->contact, p->first_name, p->phone, p->mobile, p->email,
                              p->city, p->postcode, p->sector, p->size, p->notes };

      if (im->n_new == 0)
        im->first_order = order;
      add_rep (im, p->rep);
      for (guint c = 0; c < G_N_ELEMENTS (texts); c++)
        array_add (im->cols[COL_REP + c], texts[c]);
      array_add (im->cols[COL_STATE], pd_prospect_state_name (p->state));
      array_add_int (im->cols[COL_ATTEMPTS], p->attempts);
      if (g_date_valid (&p->follow_up))
        format_date (&p->follow_up, follow_up);
      array_add (im->cols[COL_FOLLOW_UP], g_date_valid (&p->follow_up) ? follow_up : NULL);
      array_add (im->cols[COL_SPONTANEOUS], p->spontaneous ? "t" : "f");
      array_add (im->cols[COL_PRESCRIBER], p->prescriber);
      array_add (im->cols[COL_RECOMMENDED_BY], p->recommended_by);
      array_add_int (im->cols[COL_ORDER], order);
      array_add_int (im->cols[COL_CREATED], p->created != 0 ? p->created : store_now_seconds ());
      im->n_new++;
      for (guint a = 0; a < p->attributes->len; a++)
        {
          const PdAttribute *attribute = p->attributes->pdata[a];

          g_array_append_val (im->attribute_of, key);
          array_add_int (im->attribute_position, a);
          array_add (im->attribute_name, attribute->name);
          array_add (im->attribute_value, attribute->value);
        }
    }
  for (guint s = 0; s < p->sources->len; s++)
    {
      const PdProspectSource *source = p->sources->pdata[s];

      g_array_append_val (im->source_of, key);
      array_add (im->source_name, source->source);
      array_add_int (im->source_line, source->line);
    }
  g_array_append_val (im->fed, key);
}

/* The id of `key` (an id, or -the import order of a new prospect). */
static gint64
id_of (const Import *im, const gint64 *new_ids, gint64 key)
{
  return key > 0 ? key : new_ids[-key - im->first_order];
}

/* Writes the batch: checks its known prospects, inserts its new ones,
 * then their attributes and every source line. */
static gboolean
batch_flush (PgStore *pg, Import *im, GError **error)
{
  g_autofree gint64 *new_ids = g_new0 (gint64, MAX (im->n_new, 1));
  g_autoptr (GString) ids = g_string_new ("{");

  if (im->fed->len == 0)
    return TRUE;
  if (im->known->len > 0)
    {
      g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_autoptr (PGresult) found = NULL;
      const char *values[2] = { im->campaign, NULL };

      for (guint i = 0; i < im->known->len; i++)
        array_add_int (ids, g_array_index (im->known, gint64, i));
      values[1] = array_end (ids);
      found = pg_query (pg, "SELECT id, rep FROM prospects WHERE campaign = $1 AND id = ANY ($2::bigint[])", 2,
                        values, error);
      if (found == NULL)
        return FALSE;
      for (int r = 0; r < PQntuples (found); r++)
        {
          gint64 *id = g_new (gint64, 1);

          *id = pg_int (found, r, 0);
          g_hash_table_add (seen, id);
          if (!PQgetisnull (found, r, 1))
            add_rep (im, PQgetvalue (found, r, 1));
        }
      for (guint i = 0; i < im->known->len; i++)
        if (!g_hash_table_contains (seen, &g_array_index (im->known, gint64, i)))
          {
            g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                         _("No prospect %" PRId64 " in campaign '%s'"), g_array_index (im->known, gint64, i),
                         im->campaign);
            return FALSE;
          }
    }
  if (im->n_new > 0)
    {
      const char *values[N_COLS + 1];
      g_autoptr (PGresult) inserted = NULL;

      values[0] = im->campaign;
      for (guint c = 0; c < N_COLS; c++)
        values[1 + c] = array_end (im->cols[c]);
      inserted = pg_query (pg,
                           "INSERT INTO prospects (campaign, rep, company, contact, first_name, phone, mobile, email,"
                           " city, postcode, sector, size, notes, state, attempts, follow_up, spontaneous,"
                           " prescriber, recommended_by, import_order, created)"
                           " SELECT $1, r.* FROM unnest ($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
                           " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],"
                           " $14::text[], $15::bigint[], $16::date[], $17::boolean[], $18::text[], $19::text[],"
                           " $20::bigint[], $21::bigint[]) AS r"
                           " RETURNING id, import_order",
                           N_COLS + 1, values, error);
      if (inserted == NULL)
        return FALSE;
      if (PQntuples (inserted) != (int) im->n_new)
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                       _("the server did not store a batch of prospects as it was sent"));
          return FALSE;
        }
      for (int r = 0; r < PQntuples (inserted); r++)
        {
          gint64 order = pg_int (inserted, r, 1) - im->first_order;

          if (order < 0 || order >= (gint64) im->n_new)
            {
              g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                           _("the server did not store a batch of prospects as it was sent"));
              return FALSE;
            }
          new_ids[order] = pg_int (inserted, r, 0);
        }
      im->added += im->n_new;
    }
  if (im->attribute_of->len > 0)
    {
      g_autoptr (PGresult) written = NULL;
      const char *values[4];

      g_string_assign (ids, "{");
      for (guint i = 0; i < im->attribute_of->len; i++)
        array_add_int (ids, id_of (im, new_ids, g_array_index (im->attribute_of, gint64, i)));
      values[0] = array_end (ids);
      values[1] = array_end (im->attribute_position);
      values[2] = array_end (im->attribute_name);
      values[3] = array_end (im->attribute_value);
      written = pg_query (pg, "INSERT INTO prospect_attributes (prospect, position, name, value)"
                              " SELECT * FROM unnest ($1::bigint[], $2::integer[], $3::text[], $4::text[])",
                          4, values, error);
      if (written == NULL)
        return FALSE;
    }
  if (im->source_of->len > 0)
    {
      g_autoptr (PGresult) written = NULL;
      const char *values[3];

      g_string_assign (ids, "{");
      for (guint i = 0; i < im->source_of->len; i++)
        array_add_int (ids, id_of (im, new_ids, g_array_index (im->source_of, gint64, i)));
      values[0] = array_end (ids);
      values[1] = array_end (im->source_name);
      values[2] = array_end (im->source_line);
      written = pg_query (pg, "INSERT INTO prospect_sources (prospect, source, line)"
                              " SELECT * FROM unnest ($1::bigint[], $2::text[], $3::bigint[])"
                              " ON CONFLICT DO NOTHING",
                          3, values, error);
      if (written == NULL)
        return FALSE;
      im->sources += g_ascii_strtoll (PQcmdTuples (written), NULL, 10);
    }
  for (guint i = 0; im->ids != NULL && i < im->fed->len; i++)
    {
      gint64 id = id_of (im, new_ids, g_array_index (im->fed, gint64, i));
      g_array_append_val (im->ids, id);
    }
  batch_reset (im);
  return TRUE;
}

/* Moves the change mark (schema 17) of each rep the import wrote once:
 * the prospects, attributes and sources it inserts move no mark by
 * themselves. */
static gboolean
mark_reps (PgStore *pg, Import *im, GError **error)
{
  g_autoptr (GString) reps = g_string_new ("{");
  g_autoptr (PGresult) marked = NULL;
  const char *values[2] = { im->campaign, NULL };
  GHashTableIter iter;
  gpointer rep;

  g_hash_table_iter_init (&iter, im->reps);
  while (g_hash_table_iter_next (&iter, &rep, NULL))
    array_add (reps, rep);
  values[1] = array_end (reps);
  marked = pg_query (pg, "INSERT INTO prospect_changes (campaign, rep, mark)"
                         " SELECT $1, r, (SELECT coalesce (max (mark), 0) + 1 FROM prospect_changes)"
                         " FROM unnest ($2::text[]) AS r"
                         " ON CONFLICT (campaign, rep) DO UPDATE SET mark = excluded.mark",
                     2, values, error);
  return marked != NULL;
}

static gboolean
import_body (PgStore *pg, gpointer data, GError **error)
{
  Import *im = data;
  const char *campaign_value[1] = { im->campaign };
  g_autoptr (PGresult) order = NULL;
  GError *feed_error = NULL;
  gint64 next_order;
  PdProspect *p;

  im->added = 0;
  im->sources = 0;
  if (im->ids != NULL)
    g_array_set_size (im->ids, 0);
  batch_reset (im);
  g_hash_table_remove_all (im->reps);
  if (!pg_require_campaign (pg, im->campaign, error))
    return FALSE;
  /* The campaign's whole import order, whoever's rows: a rep's login
   * does not see the others' prospects, so the order is asked of a
   * count the policies do not cut (max over the rows visible would
   * repeat another rep's numbers; they only order, never identify). */
  order = pg_query (pg, "SELECT coalesce (max (import_order), 0) + 1 FROM prospects WHERE campaign = $1", 1,
                    campaign_value, error);
  if (order == NULL)
    return FALSE;
  next_order = pg_int (order, 0, 0);
  for (gboolean first = TRUE; (p = im->feed (im->data, first, &feed_error)) != NULL; first = FALSE)
    {
      if (!store_check_prospect (p, error))
        return FALSE;
      batch_add (im, p, p->id > 0 ? 0 : next_order++);
      if (im->fed->len >= BATCH && !batch_flush (pg, im, error))
        return FALSE;
    }
  if (feed_error != NULL)
    {
      g_propagate_error (error, feed_error);
      return FALSE;
    }
  return batch_flush (pg, im, error) && mark_reps (pg, im, error);
}

gboolean
store_pg_import_prospects (PgStore *pg, const char *campaign, PdProspectFeed feed, gpointer data, GArray *ids,
                           gint64 *ret_added, gint64 *ret_sources_added, GError **error)
{
  Import im = { 0 };
  gboolean ok;

  im.campaign = campaign;
  im.feed = feed;
  im.data = data;
  im.ids = ids;
  for (guint c = 0; c < N_COLS; c++)
    im.cols[c] = g_string_new (NULL);
  im.attribute_position = g_string_new (NULL);
  im.attribute_name = g_string_new (NULL);
  im.attribute_value = g_string_new (NULL);
  im.source_name = g_string_new (NULL);
  im.source_line = g_string_new (NULL);
  im.known = g_array_new (FALSE, FALSE, sizeof (gint64));
  im.fed = g_array_new (FALSE, FALSE, sizeof (gint64));
  im.attribute_of = g_array_new (FALSE, FALSE, sizeof (gint64));
  im.source_of = g_array_new (FALSE, FALSE, sizeof (gint64));
  im.reps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ok = pg_transaction (pg, PG_WRITE, import_body, &im, error);
  g_hash_table_unref (im.reps);
  for (guint c = 0; c < N_COLS; c++)
    g_string_free (im.cols[c], TRUE);
  g_string_free (im.attribute_position, TRUE);
  g_string_free (im.attribute_name, TRUE);
  g_string_free (im.attribute_value, TRUE);
  g_string_free (im.source_name, TRUE);
  g_string_free (im.source_line, TRUE);
  g_array_unref (im.known);
  g_array_unref (im.fed);
  g_array_unref (im.attribute_of);
  g_array_unref (im.source_of);
  if (!ok)
    {
      g_prefix_error (error, _("Cannot store the prospects: "));
      return FALSE;
    }
  if (ret_added != NULL)
    *ret_added = im.added;
  if (ret_sources_added != NULL)
    *ret_sources_added = im.sources;
  return TRUE;
}

/* ------------------------------------------------------------ listing */

/* The WHERE clause of a listing, of every rep's prospects or of one
 * rep's: the second tests the rep by plain equality, so that its plan
 * is the index on (campaign, rep) whatever the planner makes of
 * `$3 IS NULL OR ...` (a rep's read must not scan the campaign). */
#define FILTER_WHERE_AFTER_REP \
  " AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM prospect_sources s WHERE s.prospect = p.id AND s.source = $4))" \
  " AND ($5::date IS NULL OR (p.state = 'latent' AND p.follow_up <= $5))" \
  " AND ($6::boolean IS NULL OR (p.attempts = 0 AND NOT p.spontaneous))" \
  " AND ($7::bigint IS NULL OR p.id = $7)"
#define FILTER_WHERE \
  " WHERE p.campaign = $1 AND ($2::text IS NULL OR p.state = $2) AND $3::text IS NULL" FILTER_WHERE_AFTER_REP
#define FILTER_WHERE_REP \
  " WHERE p.campaign = $1 AND p.rep = $3::text AND ($2::text IS NULL OR p.state = $2)" FILTER_WHERE_AFTER_REP

typedef struct {
  const char *campaign;
  const PdProspectFilter *filter;
  gint64 id;
  GPtrArray *prospects;
} List;

static gboolean
list_body (PgStore *pg, gpointer data, GError **error)
{
  List *l = data;
  const PdProspectFilter *f = l->filter;
  char due[DATE_TEXT_SIZE], id_text[INT_TEXT_SIZE];
  const char *values[7] = {
    l->campaign,
    f != NULL && f->by_state ? pd_prospect_state_name (f->state) : NULL,
    f != NULL ? f->rep : NULL,
    f != NULL ? f->source : NULL,
    NULL,
    f != NULL && f->uncalled ? "t" : NULL,
    l->id > 0 ? int_text (l->id, id_text) : NULL,
  };
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (PGresult) rows = NULL, attributes = NULL, sources = NULL;
  gboolean by_rep = values[2] != NULL;

  if (f != NULL && g_date_valid (&f->due))
    {
      format_date (&f->due, due);
      values[4] = due;
    }
  g_clear_pointer (&l->prospects, g_ptr_array_unref);
  l->prospects = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  rows = pg_query (pg, by_rep ? "SELECT " PROSPECT_COLUMNS " FROM prospects p" FILTER_WHERE_REP
                              " ORDER BY p.import_order, p.id"
                            : "SELECT " PROSPECT_COLUMNS " FROM prospects p" FILTER_WHERE
                              " ORDER BY p.import_order, p.id",
                   7, values, error);
  if (rows == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (rows); i++)
    {
      PdProspect *p = prospect_from_row (rows, i, error);

      if (p == NULL)
        return FALSE;
      g_ptr_array_add (l->prospects, p);
      g_hash_table_insert (by_id, &p->id, p);
    }
  if (l->prospects->len == 0)
    return TRUE;
  if (f != NULL && f->keys_only)
    goto sources;
  attributes = pg_query (pg, by_rep ? "SELECT a.prospect, a.name, a.value FROM prospect_attributes a"
                                      " JOIN prospects p ON p.id = a.prospect" FILTER_WHERE_REP
                                      " ORDER BY a.prospect, a.position"
                                    : "SELECT a.prospect, a.name, a.value FROM prospect_attributes a"
                                      " JOIN prospects p ON p.id = a.prospect" FILTER_WHERE
                                      " ORDER BY a.prospect, a.position",
                         7, values, error);
  if (attributes == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (attributes); i++)
    {
      gint64 owner = pg_int (attributes, i, 0);
      PdProspect *p = g_hash_table_lookup (by_id, &owner);

      if (p != NULL)
        pd_prospect_add_attribute (p, PQgetvalue (attributes, i, 1), PQgetvalue (attributes, i, 2));
    }
sources:
  if (f != NULL && f->without_sources)
    return TRUE;
  sources = pg_query (pg, by_rep ? "SELECT s.prospect, s.source, s.line FROM prospect_sources s"
                                   " JOIN prospects p ON p.id = s.prospect" FILTER_WHERE_REP
                                   " ORDER BY s.prospect, s.source, s.line"
                                 : "SELECT s.prospect, s.source, s.line FROM prospect_sources s"
                                   " JOIN prospects p ON p.id = s.prospect" FILTER_WHERE
                                   " ORDER BY s.prospect, s.source, s.line",
                      7, values, error);
  if (sources == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (sources); i++)
    {
      gint64 owner = pg_int (sources, i, 0);
      PdProspect *p = g_hash_table_lookup (by_id, &owner);

      if (p != NULL)
        pd_prospect_add_source (p, PQgetvalue (sources, i, 1), pg_int (sources, i, 2));
    }
  return TRUE;
}

GPtrArray *
store_pg_list_prospects (PgStore *pg, const char *campaign, const PdProspectFilter *filter, gint64 id,
                         GError **error)
{
  List l = { campaign, filter, id, NULL };

  if (!pg_transaction (pg, PG_READ, list_body, &l, error))
    {
      g_clear_pointer (&l.prospects, g_ptr_array_unref);
      g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
      return NULL;
    }
  return l.prospects;
}

/* ------------------------------------------------------------ one by one */

/* The prospects and their sources through two cursors in the same order,
 * FETCH_ROWS rows at a time: a campaign of any size is never one result. */
#define FETCH_ROWS "1000"

typedef struct {
  const char *campaign;
  PdProspectFunc func;
  gpointer data;
} Foreach;

static gboolean
foreach_body (PgStore *pg, gpointer data, GError **error)
{
  Foreach *fe = data;
  const char *values[1] = { fe->campaign };
  g_autoptr (PGresult) declared = NULL, declared_sources = NULL, sources = NULL;
  int source_row = 0;

  declared = pg_query (pg, "DECLARE prospects_one_by_one NO SCROLL CURSOR FOR SELECT " PROSPECT_COLUMNS
                           " FROM prospects p WHERE p.campaign = $1 ORDER BY p.import_order, p.id",
                       1, values, error);
  if (declared == NULL)
    return FALSE;
  declared_sources = pg_query (pg, "DECLARE sources_one_by_one NO SCROLL CURSOR FOR SELECT s.prospect, s.source,"
                                   " s.line FROM prospects p JOIN prospect_sources s ON s.prospect = p.id"
                                   " WHERE p.campaign = $1 ORDER BY p.import_order, p.id, s.source, s.line",
                               1, values, error);
  if (declared_sources == NULL)
    return FALSE;
  for (;;)
    {
      g_autoptr (PGresult) rows = pg_query (pg, "FETCH " FETCH_ROWS " FROM prospects_one_by_one", 0, NULL, error);

      if (rows == NULL)
        return FALSE;
      if (PQntuples (rows) == 0)
        break;
      for (int i = 0; i < PQntuples (rows); i++)
        {
          g_autoptr (PdProspect) p = prospect_from_row (rows, i, error);

          if (p == NULL)
            return FALSE;
          /* Its sources follow it in the other cursor. */
          for (;;)
            {
              if (sources == NULL || source_row >= PQntuples (sources))
                {
                  if (sources != NULL && PQntuples (sources) == 0)
                    break;
                  g_clear_pointer (&sources, PQclear);
                  sources = pg_query (pg, "FETCH " FETCH_ROWS " FROM sources_one_by_one", 0, NULL, error);
                  if (sources == NULL)
                    return FALSE;
                  source_row = 0;
                  if (PQntuples (sources) == 0)
                    break;
                }
              if (pg_int (sources, source_row, 0) != p->id)
                break;
              pd_prospect_add_source (p, PQgetvalue (sources, source_row, 1), pg_int (sources, source_row, 2));
              source_row++;
            }
          fe->func (p, fe->data);
        }
    }
  /* Closed here, not only at the end of the transaction: a dry run's is
   * a savepoint of a longer one. */
  return pg_exec (pg, "CLOSE prospects_one_by_one; CLOSE sources_one_by_one", error);
}

gboolean
store_pg_foreach_prospect (PgStore *pg, const char *campaign, PdProspectFunc func, gpointer data, GError **error)
{
  Foreach fe = { campaign, func, data };

  if (!pg_transaction (pg, PG_READ, foreach_body, &fe, error))
    {
      g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
      return FALSE;
    }
  return TRUE;
}

gboolean
store_pg_count_prospects (PgStore *pg, const char *campaign, gint64 *ret_prospects, gint64 *ret_spontaneous,
                          GError **error)
{
  const char *values[1] = { campaign };
  g_autoptr (PGresult) result = pg_query (pg, "SELECT count(*), count(*) FILTER (WHERE spontaneous)"
                                              " FROM prospects WHERE campaign = $1", 1, values, error);

  if (result == NULL)
    {
      g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
      return FALSE;
    }
  /* An aggregate without GROUP BY: one row. */
  if (ret_prospects != NULL)
    *ret_prospects = PQntuples (result) == 1 ? pg_int (result, 0, 0) : 0;
  if (ret_spontaneous != NULL)
    *ret_spontaneous = PQntuples (result) == 1 ? pg_int (result, 0, 1) : 0;
  return TRUE;
}

gboolean
store_pg_any_prospect (PgStore *pg, const char *campaign, gboolean *ret_any, GError **error)
{
  const char *values[1] = { campaign };
  g_autoptr (PGresult) result = pg_query (pg, "SELECT EXISTS (SELECT 1 FROM prospects WHERE campaign = $1)", 1,
                                          values, error);

  if (result == NULL)
    {
      g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
      return FALSE;
    }
  *ret_any = PQntuples (result) == 1 && g_strcmp0 (PQgetvalue (result, 0, 0), "t") == 0;
  return TRUE;
}

GArray *
store_pg_list_called (PgStore *pg, const char *campaign, const char *rep, const GDate *from, GError **error)
{
  char from_text[DATE_TEXT_SIZE];
  const char *values[3] = { campaign, rep, from_text };
  g_autoptr (PGresult) result = NULL;
  GArray *ids;

  format_date (from, from_text);
  result = pg_query (pg, "SELECT p.id FROM prospects p WHERE p.campaign = $1 AND p.rep = $2"
                         " AND EXISTS (SELECT 1 FROM calls c WHERE c.prospect = p.id AND c.date >= $3::date)"
                         " ORDER BY p.id", 3, values, error);
  if (result == NULL)
    {
      g_prefix_error (error, _("Cannot list the prospects of '%s': "), campaign);
      return NULL;
    }
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), (guint) PQntuples (result));
  for (int i = 0; i < PQntuples (result); i++)
    {
      gint64 id = pg_int (result, i, 0);

      g_array_append_val (ids, id);
    }
  return ids;
}

/* --------------------------------------------------------------- reps */

typedef struct {
  const char *campaign;
  const gint64 *ids;
  const char *const *reps;
  guint n;
} Reps;

static gboolean
reps_body (PgStore *pg, gpointer data, GError **error)
{
  Reps *r = data;

  for (guint i = 0; i < r->n; i++)
    {
      char id_text[INT_TEXT_SIZE];
      const char *values[3] = { int_text (r->ids[i], id_text), r->campaign, r->reps[i] };
      g_autoptr (PGresult) result = pg_query (pg, "UPDATE prospects SET rep = $3 WHERE id = $1 AND campaign = $2",
                                              3, values, error);

      if (result == NULL)
        return FALSE;
      if (!g_str_equal (PQcmdTuples (result), "1"))
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                       _("No prospect %" PRId64 " in campaign '%s'"), r->ids[i], r->campaign);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
store_pg_set_prospect_reps (PgStore *pg, const char *campaign, const gint64 *ids, const char *const *reps, guint n,
                            GError **error)
{
  Reps r = { campaign, ids, reps, n };

  return pg_transaction (pg, PG_WRITE, reps_body, &r, error);
}

/* -------------------------------------------------------------- erase */

typedef struct {
  const char *campaign;
  gint64 id;
} Erase;

static gboolean
erase_body (PgStore *pg, gpointer data, GError **error)
{
  Erase *e = data;
  char id_text[INT_TEXT_SIZE];
  const char *values[2] = { int_text (e->id, id_text), e->campaign };
  g_autoptr (PGresult) calls = pg_query (pg, "UPDATE calls SET prospect = NULL, note = NULL"
                                             " WHERE prospect = $1 AND campaign = $2", 2, values, error);
  g_autoptr (PGresult) erased = NULL;

  if (calls == NULL)
    return FALSE;
  erased = pg_query (pg, "DELETE FROM prospects WHERE id = $1 AND campaign = $2", 2, values, error);
  if (erased == NULL)
    return FALSE;
  if (!g_str_equal (PQcmdTuples (erased), "1"))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND, _("No prospect %" PRId64 " in campaign '%s'"),
                   e->id, e->campaign);
      return FALSE;
    }
  return TRUE;
}

gboolean
store_pg_erase_prospect (PgStore *pg, const char *campaign, gint64 id, GError **error)
{
  Erase e = { campaign, id };

  return pg_transaction (pg, PG_WRITE, erase_body, &e, error);
}

/* -------------------------------------------------------------- calls */

typedef struct {
  const PdCall *call;
  gint64 id;
} Record;

static gboolean
record_body (PgStore *pg, gpointer data, GError **error)
{
  Record *r = data;
  const PdCall *call = r->call;
  List l = { call->campaign, NULL, call->prospect, NULL };
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) move_error = NULL;
  g_autoptr (PGresult) inserted = NULL, updated = NULL;
  const PdProspect *p;
  PdProspectState after;
  gboolean given = g_date_valid (&call->follow_up);
  char date[DATE_TEXT_SIZE], follow_up[DATE_TEXT_SIZE], prospect[INT_TEXT_SIZE], revenue[INT_TEXT_SIZE];
  char created[INT_TEXT_SIZE];

  if (!pg_require_campaign (pg, call->campaign, error))
    return FALSE;
  /* The prospect's row, locked against a concurrent call. */
  int_text (call->prospect, prospect);
  {
    const char *values[2] = { prospect, call->campaign };
    g_autoptr (PGresult) locked = pg_query (pg, "SELECT 1 FROM prospects WHERE id = $1 AND campaign = $2 FOR UPDATE",
                                            2, values, error);
    if (locked == NULL)
      return FALSE;
  }
  if (!list_body (pg, &l, error))
    {
      g_clear_pointer (&l.prospects, g_ptr_array_unref);
      return FALSE;
    }
  found = l.prospects;
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
  {
    const char *values[11] = {
      call->campaign, prospect, call->rep, date, pd_call_outcome_name (call->outcome), given ? follow_up : NULL,
      int_text (call->revenue_cents, revenue), call->note, pd_prospect_state_name (p->state),
      pd_prospect_state_name (after), int_text (call->created != 0 ? call->created : store_now_seconds (), created),
    };
    inserted = pg_query (pg, "INSERT INTO calls (campaign, prospect, rep, date, outcome, follow_up, revenue_cents,"
                             " note, state_before, state_after, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                             " $9, $10, $11) RETURNING id", 11, values, error);
    if (inserted == NULL)
      return FALSE;
  }
  r->id = pg_int (inserted, 0, 0);
  {
    const char *values[4] = { prospect, pd_prospect_state_name (after), given ? follow_up : NULL, call->rep };
    updated = pg_query (pg, "UPDATE prospects SET state = $2, attempts = attempts + 1,"
                            " follow_up = CASE WHEN $3::date IS NOT NULL THEN $3::date"
                            "   WHEN $2 = 'latent' THEN follow_up ELSE NULL END,"
                            " rep = coalesce (rep, $4) WHERE id = $1", 4, values, error);
  }
  return updated != NULL;
}

gboolean
store_pg_record_call (PgStore *pg, const PdCall *call, gint64 *ret_id, GError **error)
{
  Record r = { call, 0 };

  if (!pg_transaction (pg, PG_WRITE, record_body, &r, error))
    return FALSE;
  *ret_id = r.id;
  return TRUE;
}

#define LIST_CALLS(REP) \
  "SELECT id, campaign, prospect, rep, date, outcome, follow_up, revenue_cents, note, state_before, state_after," \
  " created FROM calls WHERE campaign = $1" REP " AND ($3::bigint IS NULL OR prospect = $3)" \
  " AND ($4::date IS NULL OR date >= $4) AND ($5::date IS NULL OR date <= $5) ORDER BY date, id"

GPtrArray *
store_pg_list_calls (PgStore *pg, const char *campaign, const char *rep, gint64 prospect, const GDate *from,
                     const GDate *to, GError **error)
{
  g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_call_free);
  char from_text[DATE_TEXT_SIZE], to_text[DATE_TEXT_SIZE], prospect_text[INT_TEXT_SIZE];
  const char *values[5] = { campaign, rep, prospect > 0 ? int_text (prospect, prospect_text) : NULL, NULL, NULL };
  g_autoptr (PGresult) result = NULL;

  if (from != NULL)
    {
      format_date (from, from_text);
      values[3] = from_text;
    }
  if (to != NULL)
    {
      format_date (to, to_text);
      values[4] = to_text;
    }
  /* One rep's calls by plain equality, as a rep's prospects (FILTER_WHERE_REP). */
  result = pg_query (pg, rep != NULL ? LIST_CALLS (" AND rep = $2::text") : LIST_CALLS (" AND $2::text IS NULL"),
                     5, values, error);
  if (result == NULL)
    return NULL;
  for (int i = 0; i < PQntuples (result); i++)
    {
      g_autoptr (PdCall) call = pd_call_new ();

      call->id = pg_int (result, i, 0);
      call->campaign = g_strdup (PQgetvalue (result, i, 1));
      call->prospect = pg_text (result, i, 2) != NULL ? pg_int (result, i, 2) : 0;
      call->rep = g_strdup (PQgetvalue (result, i, 3));
      if (!pg_date (result, i, 4, &call->date, error)
          || (pg_text (result, i, 6) != NULL && !pg_date (result, i, 6, &call->follow_up, error)))
        return NULL;
      if (!pd_call_outcome_from_name (PQgetvalue (result, i, 5), &call->outcome)
          || !pd_prospect_state_from_name (PQgetvalue (result, i, 9), &call->state_before)
          || !pd_prospect_state_from_name (PQgetvalue (result, i, 10), &call->state_after))
        {
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT, _("Invalid call %" PRId64 " in the database"),
                       call->id);
          return NULL;
        }
      call->revenue_cents = pg_int (result, i, 7);
      call->note = g_strdup (pg_text (result, i, 8));
      call->created = pg_int (result, i, 11);
      g_ptr_array_add (calls, g_steal_pointer (&call));
    }
  return g_steal_pointer (&calls);
}
