/* SPDX-License-Identifier: MIT
 *
 * prospectctl prospects: the prospect file of a campaign
 * (docs/prospects.md). `import` reads a CSV file (csv-import.h), matches
 * each row against the prospects known and the rows before it (phone,
 * e-mail, company with postcode: prospect.h), reports conflicts, never
 * merging them, assigns the new prospects to reps by weight and stores
 * the lot in one transaction (`--dry-run`: the counts, nothing written);
 * `sources` compares the files; `assign` rebalances the prospects never
 * called; `add` records one prospect (spontaneous ones start active);
 * `list`, `show` and `erase` read and remove them. `prescribers` (its own
 * verb) says who brought how many and what became of them.
 *
 * In a team's database a rep's login imports and adds for its own rep
 * only (the server's row-level security enforces it; the check here says
 * so in one line first, exit 1, nothing written).
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/csv-import.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"
#include "prospectd/prospect.h"
#include "prospectd/store-prospects.h"
#include "prospectd/team.h"

/* An import names each rep's share up to this many reps, else counts them. */
#define MAX_REPS_LISTED 10

/* Files bigger than this are not prospect files a spreadsheet wrote. */
#define MAX_FILE_BYTES (G_GINT64_CONSTANT (1) << 30)

static char *opt_source, *opt_delimiter, *opt_encoding, *opt_rep, *opt_state, *opt_due_date;
static char *opt_company, *opt_contact, *opt_first_name, *opt_phone, *opt_mobile, *opt_email, *opt_city;
static char *opt_postcode, *opt_sector, *opt_size, *opt_notes, *opt_prescriber, *opt_recommended_by;
static gboolean opt_dry_run, opt_skip_bad, opt_spontaneous, opt_due, opt_json, opt_csv;

static gboolean
parse_due (const char *name, const char *value, gpointer data, GError **error)
{
  (void) name;
  (void) data;
  (void) error;
  opt_due = TRUE;
  g_free (opt_due_date);
  opt_due_date = g_strdup (value);
  return TRUE;
}

static GOptionEntry entries[] = {
  { "source", 0, 0, G_OPTION_ARG_STRING, &opt_source, N_("import: the name of the file's source (required)"),
    N_("NAME") },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run, N_("import: count, write nothing"), NULL },
  { "delimiter", 0, 0, G_OPTION_ARG_STRING, &opt_delimiter, N_("import: the field delimiter (default: from the header)"),
    N_("C") },
  { "encoding", 0, 0, G_OPTION_ARG_STRING, &opt_encoding,
    N_("import: the file's encoding (default: UTF-8, else WINDOWS-1252)"), N_("ENC") },
  { "skip-bad", 0, 0, G_OPTION_ARG_NONE, &opt_skip_bad, N_("import: import the good rows, list the bad ones"), NULL },
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("The rep: whose prospects (import, add), which to list"),
    N_("REP") },
  { "company", 0, 0, G_OPTION_ARG_STRING, &opt_company, N_("add: the company (required)"), N_("NAME") },
  { "contact", 0, 0, G_OPTION_ARG_STRING, &opt_contact, N_("add: the person to ask for"), N_("NAME") },
  { "first-name", 0, 0, G_OPTION_ARG_STRING, &opt_first_name, N_("add: the person's first name"), N_("NAME") },
  { "phone", 0, 0, G_OPTION_ARG_STRING, &opt_phone, N_("add: the phone number"), N_("NUMBER") },
  { "mobile", 0, 0, G_OPTION_ARG_STRING, &opt_mobile, N_("add: the mobile number"), N_("NUMBER") },
  { "email", 0, 0, G_OPTION_ARG_STRING, &opt_email, N_("add: the e-mail address"), N_("ADDRESS") },
  { "city", 0, 0, G_OPTION_ARG_STRING, &opt_city, N_("add: the city"), N_("CITY") },
  { "postcode", 0, 0, G_OPTION_ARG_STRING, &opt_postcode, N_("add: the postcode"), N_("CODE") },
  { "sector", 0, 0, G_OPTION_ARG_STRING, &opt_sector, N_("add: the sector"), N_("SECTOR") },
  { "size", 0, 0, G_OPTION_ARG_STRING, &opt_size, N_("add: the company's size"), N_("SIZE") },
  { "notes", 0, 0, G_OPTION_ARG_STRING, &opt_notes, N_("add: free text"), N_("TEXT") },
  { "spontaneous", 0, 0, G_OPTION_ARG_NONE, &opt_spontaneous, N_("add: it came by itself: starts active"), NULL },
  { "prescriber", 0, 0, G_OPTION_ARG_STRING, &opt_prescriber, N_("add: who sent it"), N_("NAME") },
  { "recommended-by", 0, 0, G_OPTION_ARG_STRING, &opt_recommended_by,
    N_("add: the former customer who recommended it"), N_("NAME") },
  { "state", 0, 0, G_OPTION_ARG_STRING, &opt_state, N_("list: only prospects in this state"), N_("STATE") },
  { "due", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
    /* GOptionEntry keeps a callback in its data pointer. */
    __extension__ (gpointer) parse_due,
    N_("list: latent prospects to follow up by DATE (default: today)"), N_("DATE") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  { "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv, N_("Print CSV (RFC 4180, comma)"), NULL },
  G_OPTION_ENTRY_NULL
};

/* A store error: bad input (exit 2) or a refusal, a failure (exit 1). */
static int
fail (const GError *error)
{
  return pd_ctl_error (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID) ? PD_EXIT_USAGE
                                                                                      : PD_EXIT_FAILURE,
                       "%s", error->message);
}

/* [CAMPAIGN] ARG: the campaign loaded, the argument written to ret_arg
 * (NULL when `arg_name` is NULL: no argument). */
static int
load (PdCtl *ctl, const char *action, int argc, char **argv, const char *arg_name, PdCampaign **ret_campaign,
      const char **ret_arg)
{
  int wanted = arg_name != NULL ? 1 : 0;

  if (argc < wanted || argc > wanted + 1)
    {
      if (arg_name != NULL)
        return pd_ctl_error (PD_EXIT_USAGE, _("prospects %s: expected [CAMPAIGN] %s"), action, arg_name);
      return pd_ctl_error (PD_EXIT_USAGE, _("prospects %s: expected at most a campaign (got %s)"), action,
                           argv[argc - 1]);
    }
  if (ret_arg != NULL)
    *ret_arg = wanted ? argv[argc - 1] : NULL;
  return pd_ctl_load_campaign (ctl, argc - wanted, argv, ret_campaign);
}

/* The rep names of a campaign, NULL-terminated (borrowed), and weights. */
static const char **
rep_names (const PdCampaign *campaign, gint64 **ret_weights)
{
  const char **names = g_new0 (const char *, campaign->reps->len + 1);

  if (ret_weights != NULL)
    *ret_weights = g_new0 (gint64, MAX (campaign->reps->len, 1));
  for (guint i = 0; i < campaign->reps->len; i++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, i);

      names[i] = rep->name;
      if (ret_weights != NULL)
        (*ret_weights)[i] = rep->weight;
    }
  return names;
}

/* Who this connection may act for: NULL (anyone) or its rep (new). */
static int
own_rep (PdStore *store, char **ret_rep)
{
  g_autoptr (GError) error = NULL;

  *ret_rep = NULL;
  if (store != NULL && !pd_team_whoami (store, NULL, ret_rep, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  return PD_EXIT_OK;
}

static char *
sources_text (const PdProspect *p, gboolean lines)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < p->sources->len; i++)
    {
      const PdProspectSource *s = p->sources->pdata[i];
      gboolean again = i > 0 && g_str_equal (((PdProspectSource *) p->sources->pdata[i - 1])->source, s->source);

      if (again && !lines)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      if (lines && s->line > 0)
        g_string_append_printf (text, "%s:%" G_GINT64_FORMAT, s->source, s->line);
      else
        g_string_append (text, s->source);
    }
  return g_string_free (text, FALSE);
}

/* -------------------------------------------------------------- import */

typedef struct {
  guint64 known;
  GHashTable *known_from;  /* source (borrowed) -> count */
  guint64 repeated;        /* rows of a prospect this file holds already (same source and line) */
  guint64 duplicates;      /* rows of a prospect met earlier in the same file */
  guint64 conflicts;
} Counts;

static char *
known_from_text (GHashTable *known_from)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (known_from), (GCompareFunc) strcmp);
  GString *text = g_string_new (NULL);

  for (GList *l = keys; l != NULL; l = l->next)
    g_string_append_printf (text, "%s%s %u", text->len > 0 ? ", " : "", (const char *) l->data,
                            GPOINTER_TO_UINT (g_hash_table_lookup (known_from, l->data)));
  return g_string_free (text, FALSE);
}

/* A large file is never held as prospects. The file is read twice:
 * first each good row is checked and reduced to what matching needs
 * (its keys, line, company and owner: a Row), then the rows are matched
 * against the prospects known (their keys only) and each other, and the
 * file is read again to feed the store the rows that are new or known,
 * one at a time. */

typedef enum { ROW_NEW, ROW_KNOWN, ROW_TWICE, ROW_CONFLICT } RowKind;

typedef struct {
  PdMatchKeys keys;
  const char *company;  /* as written */
  const char *rep;      /* the owner column's, then the rep it goes to (interned), or NULL */
  gint64 line;
  gint64 id;            /* KNOWN: the prospect; TWICE: the temp id of its mate */
  RowKind kind;
} Row;

/* A conflict, described once the prospects it names are read again. */
typedef struct {
  guint row;
  gint64 id, other;
  const char *key;      /* static */
} Conflict;

typedef struct {
  GStringChunk *text;     /* the rows' keys, companies, reps */
  GArray *rows;           /* Row */
  PdProspectIndex *index;
  gint64 next_temp;
} Import;

static void
known_to_index (const PdProspect *p, gpointer data)
{
  Import *im = data;
  PdMatchKeys keys;

  pd_match_keys_of (p, im->text, &keys);
  pd_prospect_index_add_keys (im->index, p->id, &keys);
  im->next_temp = MAX (im->next_temp, p->id + 1);
}

/* What the second reading of the known prospects collects: for each one
 * a row matched (KNOWN) or a conflict names, how it reads. */
typedef struct {
  const char *source;
  GHashTable *wanted;      /* id (as pointer) -> GArray of guint (the rows matched to it), or NULL (named only) */
  GHashTable *described;   /* id (as pointer) -> "#12 Acme (annuaire:2, salon:5)" (owned) */
  GHashTable *known_from;  /* source (owned) -> count */
  guint64 repeated;
  GArray *rows;
} Known;

static void
known_read_again (const PdProspect *them, gpointer data)
{
  Known *k = data;
  gpointer key = GSIZE_TO_POINTER ((gsize) them->id);
  GArray *matched;

  if (!g_hash_table_contains (k->wanted, key))
    return;
  {
    g_autofree char *where = sources_text (them, TRUE);
    g_hash_table_insert (k->described, key,
                         g_strdup_printf ("#%" G_GINT64_FORMAT " %s (%s)", them->id, them->company, where));
  }
  matched = g_hash_table_lookup (k->wanted, key);
  for (guint m = 0; matched != NULL && m < matched->len; m++)
    {
      const Row *row = &g_array_index (k->rows, Row, g_array_index (matched, guint, m));
      gboolean repeated = FALSE;

      for (guint s = 0; s < them->sources->len; s++)
        {
          const PdProspectSource *theirs = them->sources->pdata[s];

          repeated = repeated || (g_str_equal (theirs->source, k->source) && theirs->line == row->line);
          if (s == 0 || !g_str_equal (theirs->source, ((PdProspectSource *) them->sources->pdata[s - 1])->source))
            {
              gpointer count = g_hash_table_lookup (k->known_from, theirs->source);

              g_hash_table_insert (k->known_from, g_strdup (theirs->source),
                                   GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
            }
        }
      k->repeated += repeated;
    }
}

/* "#12 Acme (annuaire:2, salon:5)" for a known prospect, "line 7's
 * Acme" for a new row of this file (temp ids from first_temp). */
static char *
describe_match (gint64 id, gint64 first_temp, GHashTable *described, GArray *rows, GArray *new_rows)
{
  if (id < first_temp)
    return g_strdup (g_hash_table_lookup (described, GSIZE_TO_POINTER ((gsize) id)));
  else
    {
      const Row *mate = &g_array_index (rows, Row, g_array_index (new_rows, guint, id - first_temp));

      return g_strdup_printf (_("line %" PRId64 "'s %s"), mate->line, mate->company);
    }
}

/* The second reading of the file, fed to the store. */
typedef struct {
  const char *data;
  gsize length;
  const PdCsvOptions *options;
  PdCsvReader *reader;
  PdProspect *given;      /* the last prospect given (owned) */
  GArray *rows;
  guint next_row;
  const char *campaign;
  GHashTable *twice;      /* temp id (as pointer) -> GArray of gint64: the lines of its other rows */
  gint64 first_temp;
  GArray *temp_of_row;    /* per row, the temp id of a NEW row (else 0) */
} Feed;

static PdProspect *
feed_rows (gpointer data, gboolean restart, GError **error)
{
  Feed *f = data;

  g_clear_pointer (&f->given, pd_prospect_free);
  if (restart)
    {
      g_clear_pointer (&f->reader, pd_csv_reader_free);
      f->reader = pd_csv_reader_new (f->data, f->length, f->options, error);
      if (f->reader == NULL)
        return NULL;
      f->next_row = 0;
    }
  for (;;)
    {
      g_autoptr (PdProspect) p = pd_csv_reader_next (f->reader, error);
      const Row *row;

      /* The same bytes read the same way: the same good rows. */
      if (p == NULL)
        return NULL;
      g_assert (f->next_row < f->rows->len);
      row = &g_array_index (f->rows, Row, f->next_row);
      f->next_row++;
      if (row->kind == ROW_KNOWN)
        {
          PdProspect *link = pd_prospect_new ();

          link->id = row->id;
          pd_prospect_add_source (link, ((PdProspectSource *) p->sources->pdata[0])->source, row->line);
          f->given = link;
          return link;
        }
      if (row->kind == ROW_NEW)
        {
          GArray *lines = g_hash_table_lookup (f->twice,
                                               GSIZE_TO_POINTER ((gsize) g_array_index (f->temp_of_row, gint64,
                                                                                        f->next_row - 1)));
          const char *source = ((PdProspectSource *) p->sources->pdata[0])->source;

          for (guint i = 0; lines != NULL && i < lines->len; i++)
            pd_prospect_add_source (p, source, g_array_index (lines, gint64, i));
          g_free (p->rep);
          p->rep = g_strdup (row->rep);
          p->campaign = g_strdup (f->campaign);
          f->given = g_steal_pointer (&p);
          return f->given;
        }
    }
}

static void
lines_free (gpointer lines)
{
  if (lines != NULL)
    g_array_unref (lines);
}

static int
import (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCsvReader) reader = NULL;
  g_autoptr (GStringChunk) text = g_string_chunk_new (1024 * 1024);   /* the keys: outlives the index */
  g_autoptr (PdProspectIndex) index = pd_prospect_index_new ();
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autoptr (GArray) new_rows = g_array_new (FALSE, FALSE, sizeof (guint));   /* row of temp id first_temp + i */
  g_autoptr (GArray) unassigned = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) conflicts = g_array_new (FALSE, FALSE, sizeof (Conflict));
  g_autoptr (GArray) temp_of_row = NULL;
  g_autoptr (GHashTable) twice = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, lines_free);
  g_autoptr (GHashTable) wanted = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, lines_free);
  g_autoptr (GHashTable) described = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autoptr (GHashTable) known_from = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *data = NULL, *self = NULL, *country_note = NULL, *encoding_note = NULL;
  g_autofree const char **names = NULL;
  g_autofree gint64 *weights = NULL;
  const PdCsvImport *csv;
  const char *path = NULL;
  PdCsvOptions options = { 0 };
  Counts counts = { 0 };
  Import im = { 0 };
  Known k = { 0 };
  PdProspect *good;
  gsize length = 0;
  gint64 first_temp, added = 0, sources_added = 0;
  guint new_count = 0;
  int status;

  if ((status = load (ctl, "import", argc, argv, "FILE", &campaign, &path)) != PD_EXIT_OK)
    return status;
  if (opt_source == NULL || g_strstrip (opt_source)[0] == '\0')
    return pd_ctl_error (PD_EXIT_USAGE, _("prospects import: --source NAME is required: where does the file come"
                                          " from (e.g. --source salon-2027)?"));
  if (opt_delimiter != NULL)
    {
      if (g_str_equal (opt_delimiter, "tab") || g_str_equal (opt_delimiter, "\\t"))
        options.delimiter = '\t';
      else if (strlen (opt_delimiter) == 1 && opt_delimiter[0] != '"' && opt_delimiter[0] != '\n'
               && opt_delimiter[0] != '\r')
        options.delimiter = opt_delimiter[0];
      else
        return pd_ctl_error (PD_EXIT_USAGE, _("--delimiter '%s': expected one character (, ; | or tab)"),
                             opt_delimiter);
    }
  if (opt_rep != NULL)
    {
      pd_ctl_canonical_rep (&opt_rep);
      if ((status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
        return status;
    }
  if (!g_file_get_contents (path, &data, &length, &error))
    return pd_ctl_error (PD_EXIT_USAGE, _("%s: cannot read: %s"), path, error->message);
  if ((gint64) length > MAX_FILE_BYTES)
    return pd_ctl_error (PD_EXIT_USAGE, _("%s: too large for a prospect file (at most 1 GiB)"), path);

  names = rep_names (campaign, &weights);
  options.path = path;
  options.source = opt_source;
  options.encoding = opt_encoding;
  options.country = campaign->country;
  options.reps = names;
  options.skip_bad = opt_skip_bad;

  /* First reading: every row checked, and kept as its keys only. */
  reader = pd_csv_reader_new (data, length, &options, &error);
  while (reader != NULL && (good = pd_csv_reader_next (reader, &error)) != NULL)
    {
      Row row = { 0 };

      pd_match_keys_of (good, text, &row.keys);
      row.company = g_string_chunk_insert (text, good->company);
      row.rep = good->rep != NULL ? g_string_chunk_insert_const (text, good->rep) : NULL;
      row.line = ((PdProspectSource *) good->sources->pdata[0])->line;
      g_array_append_val (rows, row);
      pd_prospect_free (good);
    }
  if (error != NULL)
    {
      if (g_error_matches (error, PD_CSV_ERROR, PD_CSV_ERROR_ROWS))
        {
          g_auto (GStrv) lines = g_strsplit (error->message, "\n", -1);

          for (guint i = 0; lines[i] != NULL; i++)
            pd_ctl_error (PD_EXIT_USAGE, "%s", lines[i]);
          return PD_EXIT_USAGE;
        }
      return pd_ctl_error (PD_EXIT_USAGE, "%s", error->message);
    }
  csv = pd_csv_reader_import (reader);

  /* Say how the file was read: what a wrong guess would explain. */
  if (csv->converted)
    encoding_note = g_strdup_printf (_("%s (converted to UTF-8)"), csv->encoding);
  else
    encoding_note = g_strdup_printf (csv->bom ? _("%s with a byte-order mark") : "%s", csv->encoding);
  if (campaign->country == NULL)
    country_note = g_strdup_printf (_("phone numbers must carry their country code ([campaign] country unset, the"
                                      " time zone %s names no one country)"), campaign->timezone);
  else if (campaign->country_given)
    country_note = g_strdup_printf (_("phone numbers read as %s ([campaign] country)"), campaign->country);
  else
    country_note = g_strdup_printf (_("phone numbers read as %s (from the time zone %s)"), campaign->country,
                                    campaign->timezone);
  {
    char shown[8];

    if (csv->delimiter == '\t')
      g_strlcpy (shown, "tab", sizeof shown);
    else
      g_snprintf (shown, sizeof shown, "'%c'", csv->delimiter);
    printf (csv->delimiter_detected ? _("%s: %s, delimiter %s (from the header), %s\n")
                                    : _("%s: %s, delimiter %s, %s\n"),
            path, encoding_note, shown, country_note);
  }
  for (guint i = 0; i < csv->bad->len; i++)
    printf (_("skipped %s\n"), (const char *) csv->bad->pdata[i]);

  /* What is known already. */
  if (opt_dry_run)
    {
      if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
        return status;
    }
  else if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if ((status = own_rep (store, &self)) != PD_EXIT_OK)
    return status;
  if (self != NULL)
    {
      /* A rep's login: its own prospects only. */
      const char *other = opt_rep != NULL && !g_str_equal (opt_rep, self) ? opt_rep : NULL;

      for (guint i = 0; other == NULL && i < rows->len; i++)
        {
          const Row *row = &g_array_index (rows, Row, i);
          if (row->rep != NULL && !g_str_equal (row->rep, self))
            other = row->rep;
        }
      if (other != NULL)
        return pd_ctl_error (PD_EXIT_FAILURE, _("%s's login may import prospects only for %s, not for %s;"
                                                " nothing imported"), self, self, other);
    }
  im.index = index;
  im.text = text;
  im.next_temp = 1;
  if (store != NULL && !pd_store_foreach_prospect (store, campaign->id, known_to_index, &im, &error))
    return fail (error);
  first_temp = im.next_temp;

  /* Each row: new, known (one more source), a duplicate in the file, or a
   * conflict. New rows get numbers after the known ids in the index. */
  temp_of_row = g_array_sized_new (FALSE, TRUE, sizeof (gint64), rows->len);
  g_array_set_size (temp_of_row, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      gint64 id = 0, other = 0;
      const char *key = NULL;
      PdMatch match = pd_prospect_index_match_keys (index, &row->keys, &id, &other, &key);

      if (match == PD_MATCH_CONFLICT)
        {
          Conflict c = { i, id, other, key };

          row->kind = ROW_CONFLICT;
          g_array_append_val (conflicts, c);
          for (guint e = 0; e < 2; e++)
            {
              gint64 named = e == 0 ? id : other;

              if (named != 0 && named < first_temp
                  && !g_hash_table_contains (wanted, GSIZE_TO_POINTER ((gsize) named)))
                g_hash_table_insert (wanted, GSIZE_TO_POINTER ((gsize) named), NULL);
            }
          counts.conflicts++;
          continue;
        }
      if (match == PD_MATCH_KNOWN && id >= first_temp)
        {
          /* Twice in this file: one prospect, both lines. */
          GArray *lines = g_hash_table_lookup (twice, GSIZE_TO_POINTER ((gsize) id));

          if (lines == NULL)
            {
              lines = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_hash_table_insert (twice, GSIZE_TO_POINTER ((gsize) id), lines);
            }
          g_array_append_val (lines, row->line);
          row->kind = ROW_TWICE;
          row->id = id;
          counts.duplicates++;
          continue;
        }
      if (match == PD_MATCH_KNOWN)
        {
          GArray *matched = g_hash_table_lookup (wanted, GSIZE_TO_POINTER ((gsize) id));

          if (matched == NULL)
            {
              matched = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_replace (wanted, GSIZE_TO_POINTER ((gsize) id), matched);
            }
          g_array_append_val (matched, i);
          row->kind = ROW_KNOWN;
          row->id = id;
          counts.known++;
          continue;
        }
      pd_prospect_index_add_keys (index, first_temp + new_count, &row->keys);
      g_array_index (temp_of_row, gint64, i) = first_temp + new_count;
      g_array_append_val (new_rows, i);
      new_count++;
      row->kind = ROW_NEW;
      if (row->rep == NULL && opt_rep != NULL)
        row->rep = g_string_chunk_insert_const (text, opt_rep);
      else if (row->rep == NULL && self != NULL)
        row->rep = g_string_chunk_insert_const (text, self);
      if (row->rep == NULL)
        g_array_append_val (unassigned, i);
    }

  /* The prospects known that rows matched or conflicts name, read again. */
  k.source = opt_source;
  k.wanted = wanted;
  k.described = described;
  k.known_from = known_from;
  k.rows = rows;
  if (store != NULL && g_hash_table_size (wanted) > 0
      && !pd_store_foreach_prospect (store, campaign->id, known_read_again, &k, &error))
    return fail (error);
  counts.repeated = k.repeated;
  for (guint c = 0; c < conflicts->len; c++)
    {
      const Conflict *conflict = &g_array_index (conflicts, Conflict, c);
      const Row *row = &g_array_index (rows, Row, conflict->row);
      g_autofree char *first = describe_match (conflict->id, first_temp, described, rows, new_rows);
      g_autofree char *second = conflict->other != 0
                                  ? describe_match (conflict->other, first_temp, described, rows, new_rows)
                                  : NULL;

      if (second != NULL)
        printf (_("%s:%" PRId64 ": conflict, not imported: it matches two prospects, %s and, by its"
                  " %s, %s\n"),
                path, row->line, first, conflict->key, second);
      else
        printf (_("%s:%" PRId64 ": conflict, not imported: its %s is that of %s, and this row says"
                  " %s\n"),
                path, row->line, conflict->key, first, row->company);
    }

  /* The new prospects of nobody, to the reps by weight. */
  if (unassigned->len > 0 && campaign->reps->len > 0)
    {
      g_autofree guint *who = g_new0 (guint, unassigned->len);

      pd_prospect_assign (unassigned->len, weights, campaign->reps->len, who);
      for (guint i = 0; i < unassigned->len; i++)
        if (who[i] != G_MAXUINT)
          g_array_index (rows, Row, g_array_index (unassigned, guint, i)).rep = names[who[i]];
    }

  {
    g_autofree char *from = known_from_text (known_from);
    g_autofree char *known_text = NULL;

    if (counts.known == 0)
      known_text = g_strdup ("0");
    else if (counts.repeated > 0)
      known_text = g_strdup_printf (_("%" PRIu64 " (%s; %" PRIu64 " of these lines imported"
                                      " before)"), counts.known, from, counts.repeated);
    else
      known_text = g_strdup_printf ("%" G_GUINT64_FORMAT " (%s)", counts.known, from);
    printf (_("source %s: rows %u, new %u, already known %s, twice in the file %" PRIu64 ", conflicts %"
              PRIu64 ", bad %u\n"),
            opt_source, csv->n_rows, new_count, known_text, counts.duplicates, counts.conflicts, csv->bad->len);
  }
  if (opt_dry_run)
    {
      printf (_("dry run: nothing written\n"));
      return PD_EXIT_OK;
    }
  /* Second reading: the new rows and the known ones, to the store. */
  g_clear_pointer (&reader, pd_csv_reader_free);
  if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, &error))
    return fail (error);
  {
    Feed f = { data, length, &options, NULL, NULL, rows, 0, campaign->id, twice, first_temp, temp_of_row };
    gboolean ok = pd_store_import_feed (store, campaign->id, feed_rows, &f, &added, &sources_added, &error);

    g_clear_pointer (&f.given, pd_prospect_free);
    g_clear_pointer (&f.reader, pd_csv_reader_free);
    if (!ok)
      return fail (error);
  }
  {
    /* Who got them: each rep's count, or how many reps when they are many. */
    g_autoptr (GString) per_rep = g_string_new (NULL);
    g_autoptr (GHashTable) counts_of = g_hash_table_new (g_str_hash, g_str_equal);
    guint with_some = 0;

    for (guint i = 0; i < new_rows->len; i++)
      {
        const Row *row = &g_array_index (rows, Row, g_array_index (new_rows, guint, i));

        if (row->rep != NULL)
          g_hash_table_insert (counts_of, (gpointer) row->rep,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts_of, row->rep)) + 1));
      }
    with_some = g_hash_table_size (counts_of);
    for (guint r = 0; with_some <= MAX_REPS_LISTED && r < campaign->reps->len; r++)
      {
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts_of, names[r]));

        if (n > 0)
          g_string_append_printf (per_rep, "%s%s %u", per_rep->len > 0 ? ", " : "", names[r], n);
      }
    if (with_some > MAX_REPS_LISTED)
      g_string_printf (per_rep, ngettext ("to %u rep", "to %u reps", with_some), with_some);
    if (added > 0)
      printf (ngettext ("imported %" PRId64 " new prospect (%s); ", "imported %" PRId64 " new prospects (%s); ",
                        (gulong) CLAMP (added, 0, G_MAXINT)),
              added, per_rep->str);
    else
      printf (_("imported no new prospect; "));
    printf (ngettext ("%" PRId64 " source line recorded\n", "%" PRId64 " source lines recorded\n",
                      (gulong) CLAMP (sources_added, 0, G_MAXINT)),
            sources_added);
  }
  return PD_EXIT_OK;
}

/* ------------------------------------------------------------- sources */

typedef struct {
  const char *name;
  GHashTable *prospects;  /* id (gint64*, borrowed from the prospect) set */
  guint reached, active;
} Source;

static void
source_free (Source *s)
{
  g_hash_table_unref (s->prospects);
  g_free (s);
}

/* Per prospect: reached (a call reached someone), active (a call left it
 * active or beyond). */
static void
call_outcomes (GPtrArray *calls, GHashTable *reached, GHashTable *active)
{
  for (guint i = 0; i < calls->len; i++)
    {
      PdCall *c = calls->pdata[i];

      if (c->prospect <= 0 || !pd_call_outcome_reached (c->outcome))
        continue;
      g_hash_table_add (reached, &c->prospect);
      if (c->outcome == PD_OUTCOME_ACTIVE || c->outcome == PD_OUTCOME_PROPOSAL || c->outcome == PD_OUTCOME_WON
          || (c->outcome == PD_OUTCOME_LOST))
        g_hash_table_add (active, &c->prospect);
    }
}

static gint
compare_sources (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(const Source *const *) a)->name, (*(const Source *const *) b)->name);
}

static int
sources (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) prospects = NULL, calls = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) source_free);
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) reached = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) active = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (JsonBuilder) b = NULL;
  int status;

  if ((status = load (ctl, "sources", argc, argv, NULL, &campaign, NULL)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (store != NULL)
    {
      prospects = pd_store_list_prospects (store, campaign->id, NULL, &error);
      calls = prospects != NULL ? pd_store_list_calls (store, campaign->id, NULL, 0, NULL, NULL, &error) : NULL;
      if (calls == NULL)
        return fail (error);
      call_outcomes (calls, reached, active);
    }
  for (guint i = 0; prospects != NULL && i < prospects->len; i++)
    {
      PdProspect *p = prospects->pdata[i];

      for (guint s = 0; s < p->sources->len; s++)
        {
          const char *name = ((PdProspectSource *) p->sources->pdata[s])->source;
          Source *source = g_hash_table_lookup (by_name, name);

          if (source == NULL)
            {
              source = g_new0 (Source, 1);
              source->name = name;
              source->prospects = g_hash_table_new (g_int64_hash, g_int64_equal);
              g_ptr_array_add (list, source);
              g_hash_table_insert (by_name, (gpointer) name, source);
            }
          if (g_hash_table_add (source->prospects, &p->id))
            {
              source->reached += g_hash_table_contains (reached, &p->id);
              source->active += g_hash_table_contains (active, &p->id);
            }
        }
    }
  g_ptr_array_sort (list, compare_sources);
  if (opt_json)
    {
      b = json_builder_new ();
      json_builder_begin_array (b);
    }
  else if (list->len == 0)
    printf (_("no prospect in %s yet (prospectctl prospects import)\n"), campaign->id);
  for (guint i = 0; i < list->len; i++)
    {
      const Source *s = list->pdata[i];
      g_autoptr (GString) overlaps = g_string_new (NULL);

      if (opt_json)
        {
          json_builder_begin_object (b);
          pd_ctl_json_string (b, "source", s->name);
          pd_ctl_json_int (b, "prospects", g_hash_table_size (s->prospects));
          json_builder_set_member_name (b, "overlaps");
          json_builder_begin_object (b);
        }
      for (guint j = 0; j < list->len; j++)
        {
          const Source *o = list->pdata[j];
          GHashTableIter iter;
          gpointer key;
          guint both = 0;

          if (j == i)
            continue;
          g_hash_table_iter_init (&iter, s->prospects);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            both += g_hash_table_contains (o->prospects, key);
          if (opt_json)
            pd_ctl_json_int (b, o->name, both);
          else if (both > 0)
            g_string_append_printf (overlaps, "%s%s %u", overlaps->len > 0 ? ", " : "", o->name, both);
        }
      if (opt_json)
        {
          json_builder_end_object (b);
          pd_ctl_json_int (b, "reached", s->reached);
          pd_ctl_json_int (b, "active", s->active);
          json_builder_set_member_name (b, "accessibility_rate");
          if (s->reached > 0)
            json_builder_add_double_value (b, (double) s->active / s->reached);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
          continue;
        }
      printf (ngettext ("%s: %u prospect", "%s: %u prospects", g_hash_table_size (s->prospects)), s->name,
              g_hash_table_size (s->prospects));
      printf ("; ");
      if (overlaps->len > 0)
        printf (_("also in %s"), overlaps->str);
      else
        printf (_("in no other source"));
      if (s->reached > 0)
        {
          g_autofree char *rate = pd_format_rate ((gint64) s->active * 1000000 / s->reached);

          printf (_("; accessibility %s (%u active of %u reached)\n"), rate, s->active, s->reached);
        }
      else
        printf (_("; none reached yet\n"));
    }
  if (opt_json)
    {
      json_builder_end_array (b);
      pd_ctl_print_json (json_builder_get_root (b));
    }
  return PD_EXIT_OK;
}

/* -------------------------------------------------------------- assign */

static int
assign (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pool = NULL;
  g_autofree const char **names = NULL;
  g_autofree gint64 *weights = NULL;
  g_autofree guint *current = NULL, *next = NULL;
  g_autofree gint64 *ids = NULL;
  g_autofree const char **reps = NULL;
  g_autofree char *self = NULL;
  PdProspectFilter filter = { 0 };
  guint64 moved;
  guint n = 0;
  int status;

  if ((status = load (ctl, "assign", argc, argv, NULL, &campaign, NULL)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (store == NULL)
    {
      printf (_("no prospect in %s yet (prospectctl prospects import)\n"), campaign->id);
      return PD_EXIT_OK;
    }
  if ((status = own_rep (store, &self)) != PD_EXIT_OK)
    return status;
  if (self != NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, _("%s's login may not rebalance the team's prospects: a manager's may"),
                         self);
  filter.uncalled = TRUE;
  pool = pd_store_list_prospects (store, campaign->id, &filter, &error);
  if (pool == NULL)
    return fail (error);
  names = rep_names (campaign, &weights);
  current = g_new0 (guint, pool->len + 1);
  next = g_new0 (guint, pool->len + 1);
  for (guint i = 0; i < pool->len; i++)
    {
      const PdProspect *p = pool->pdata[i];
      guint index = G_MAXUINT;

      if (p->rep != NULL && pd_campaign_find_rep (campaign, p->rep, &index) == NULL)
        index = G_MAXUINT;
      current[i] = index;
    }
  moved = pd_prospect_rebalance (pool->len, current, weights, campaign->reps->len, next);
  ids = g_new0 (gint64, pool->len + 1);
  reps = g_new0 (const char *, pool->len + 1);
  for (guint i = 0; i < pool->len; i++)
    if (next[i] != current[i])
      {
        ids[n] = ((PdProspect *) pool->pdata[i])->id;
        reps[n] = next[i] != G_MAXUINT ? names[next[i]] : NULL;
        n++;
      }
  if (n > 0 && !pd_store_set_prospect_reps (store, campaign->id, ids, reps, n, &error))
    return fail (error);
  printf (ngettext ("%u prospect never called; ", "%u prospects never called; ", pool->len), pool->len);
  printf (ngettext ("%" PRIu64 " moved", "%" PRIu64 " moved", (gulong) MIN (moved, G_MAXINT)),
          moved);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      guint now = 0, before = 0;

      for (guint i = 0; i < pool->len; i++)
        {
          now += next[i] == r;
          before += current[i] == r;
        }
      printf ("%s %s %u (%+d)", r == 0 ? ":" : ",", names[r], now, (int) now - (int) before);
    }
  printf ("\n");
  return PD_EXIT_OK;
}

/* ----------------------------------------------------------------- add */

static int
add (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdProspect) p = pd_prospect_new ();
  g_autoptr (GPtrArray) known = NULL, batch = NULL;
  g_autoptr (PdProspectIndex) index = pd_prospect_index_new ();
  g_autofree char *self = NULL;
  g_autofree const char **names = NULL;
  g_autofree gint64 *weights = NULL;
  gint64 id = 0, other = 0;
  const char *key = NULL;
  guint spontaneous = 0;
  int status;

  if ((status = load (ctl, "add", argc, argv, NULL, &campaign, NULL)) != PD_EXIT_OK)
    return status;
  if (opt_company == NULL || g_strstrip (opt_company)[0] == '\0')
    return pd_ctl_error (PD_EXIT_USAGE, _("prospects add: --company NAME is required"));
  p->company = g_strdup (opt_company);
  if (opt_phone != NULL && (p->phone = pd_phone_normalize (opt_phone, campaign->country, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "--phone %s", error->message);
  if (opt_mobile != NULL && (p->mobile = pd_phone_normalize (opt_mobile, campaign->country, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "--mobile %s", error->message);
  if (opt_email != NULL)
    {
      g_autofree char *email_key = pd_email_key (opt_email, &error);

      if (email_key == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, "--email %s", error->message);
      p->email = g_strstrip (g_strdup (opt_email));
    }
  if (opt_rep != NULL)
    {
      pd_ctl_canonical_rep (&opt_rep);
      if ((status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
        return status;
    }
  p->campaign = g_strdup (campaign->id);
  p->contact = g_strdup (opt_contact);
  p->first_name = g_strdup (opt_first_name);
  p->city = g_strdup (opt_city);
  p->postcode = g_strdup (opt_postcode);
  p->sector = g_strdup (opt_sector);
  p->size = g_strdup (opt_size);
  p->notes = g_strdup (opt_notes);
  p->prescriber = opt_prescriber != NULL && opt_prescriber[0] != '\0' ? g_strdup (opt_prescriber) : NULL;
  p->recommended_by = opt_recommended_by != NULL && opt_recommended_by[0] != '\0' ? g_strdup (opt_recommended_by)
                                                                                  : NULL;
  p->spontaneous = opt_spontaneous;
  /* It came to us: reached, and interested. */
  p->state = opt_spontaneous ? PD_PROSPECT_ACTIVE : PD_PROSPECT_NEW;
  pd_prospect_add_source (p, "added", 0);

  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if ((status = own_rep (store, &self)) != PD_EXIT_OK)
    return status;
  if (self != NULL && opt_rep != NULL && !g_str_equal (self, opt_rep))
    return pd_ctl_error (PD_EXIT_FAILURE, _("%s's login may add prospects only for %s, not for %s; nothing added"),
                         self, self, opt_rep);
  known = pd_store_list_prospects (store, campaign->id, NULL, &error);
  if (known == NULL && !g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND))
    return fail (error);
  g_clear_error (&error);
  for (guint i = 0; known != NULL && i < known->len; i++)
    {
      const PdProspect *k = known->pdata[i];

      pd_prospect_index_add (index, k->id, k);
      spontaneous += k->spontaneous;
    }
  switch (pd_prospect_index_match (index, p, &id, &other, &key))
    {
    case PD_MATCH_KNOWN:
      return pd_ctl_error (PD_EXIT_USAGE, _("--company %s: already prospect #%" PRId64 " (its %s is the same);"
                                            " nothing added"), opt_company, id, key);
    case PD_MATCH_CONFLICT:
      return pd_ctl_error (PD_EXIT_USAGE, _("--company %s: its %s is prospect #%" PRId64 "'s, another company;"
                                            " nothing added"), opt_company, key, id);
    case PD_MATCH_NEW:
    default:
      break;
    }
  names = rep_names (campaign, &weights);
  if (opt_rep != NULL)
    p->rep = g_strdup (opt_rep);
  else if (self != NULL)
    p->rep = g_strdup (self);
  else if (campaign->reps->len > 0)
    {
      /* The rep furthest below its share of the file, this one included. */
      g_autofree guint64 *share = g_new0 (guint64, campaign->reps->len);
      guint best = 0;
      gint64 best_gap = G_MININT64;

      pd_prospect_share ((known != NULL ? known->len : 0) + 1, weights, campaign->reps->len, share);
      for (guint r = 0; r < campaign->reps->len; r++)
        {
          gint64 held = 0;

          for (guint i = 0; known != NULL && i < known->len; i++)
            held += g_strcmp0 (((PdProspect *) known->pdata[i])->rep, names[r]) == 0;
          if ((gint64) share[r] - held > best_gap)
            {
              best_gap = (gint64) share[r] - held;
              best = r;
            }
        }
      p->rep = g_strdup (names[best]);
    }
  batch = g_ptr_array_new ();
  g_ptr_array_add (batch, p);
  if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, &error)
      || !pd_store_import_prospects (store, campaign->id, batch, NULL, NULL, &error))
    return fail (error);
  printf (_("added #%" PRId64 ": %s, %s, %s\n"), p->id, p->company, pd_prospect_state_name (p->state),
          p->rep != NULL ? p->rep : "-");
  if (p->spontaneous)
    printf (_("spontaneous prospects: %u of the plan's %" PRId64 "\n"), spontaneous + 1,
            campaign->plan.spontaneous_prospects);
  return PD_EXIT_OK;
}

/* ---------------------------------------------------------------- list */

static void
json_prospect (JsonBuilder *b, const PdProspect *p, gboolean everything)
{
  g_autofree char *follow_up = g_date_valid (&p->follow_up) ? pd_format_date (&p->follow_up) : NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  json_builder_begin_object (b);
  pd_ctl_json_int (b, "id", p->id);
  pd_ctl_json_string (b, "company", p->company);
  pd_ctl_json_string (b, "contact", p->contact);
  pd_ctl_json_string (b, "first_name", p->first_name);
  pd_ctl_json_string (b, "phone", p->phone);
  pd_ctl_json_string (b, "mobile", p->mobile);
  pd_ctl_json_string (b, "email", p->email);
  pd_ctl_json_string (b, "city", p->city);
  pd_ctl_json_string (b, "postcode", p->postcode);
  pd_ctl_json_string (b, "sector", p->sector);
  pd_ctl_json_string (b, "size", p->size);
  json_builder_set_member_name (b, "sources");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->sources->len; i++)
    {
      const char *name = ((PdProspectSource *) p->sources->pdata[i])->source;

      if (names->len == 0 || !g_str_equal (names->pdata[names->len - 1], name))
        {
          g_ptr_array_add (names, (gpointer) name);
          json_builder_add_string_value (b, name);
        }
    }
  json_builder_end_array (b);
  pd_ctl_json_string (b, "state", pd_prospect_state_name (p->state));
  pd_ctl_json_string (b, "rep", p->rep);
  pd_ctl_json_int (b, "attempts", p->attempts);
  pd_ctl_json_string (b, "follow_up", follow_up);
  json_builder_set_member_name (b, "spontaneous");
  json_builder_add_boolean_value (b, p->spontaneous);
  pd_ctl_json_string (b, "prescriber", p->prescriber);
  pd_ctl_json_string (b, "recommended_by", p->recommended_by);
  json_builder_set_member_name (b, "attributes");
  json_builder_begin_object (b);
  for (guint i = 0; i < p->attributes->len; i++)
    {
      const PdAttribute *a = p->attributes->pdata[i];
      pd_ctl_json_string (b, a->name, a->value);
    }
  json_builder_end_object (b);
  if (everything)
    {
      pd_ctl_json_string (b, "notes", p->notes);
      pd_ctl_json_int (b, "import_order", p->import_order);
      pd_ctl_json_int (b, "created", p->created);
      json_builder_set_member_name (b, "source_lines");
      json_builder_begin_array (b);
      for (guint i = 0; i < p->sources->len; i++)
        {
          const PdProspectSource *s = p->sources->pdata[i];

          json_builder_begin_object (b);
          pd_ctl_json_string (b, "source", s->source);
          pd_ctl_json_int (b, "line", s->line);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
}

static int
list (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = NULL;
  PdProspectFilter filter = { 0 };
  int status;

  if ((status = load (ctl, "list", argc, argv, NULL, &campaign, NULL)) != PD_EXIT_OK)
    return status;
  if (opt_json && opt_csv)
    return pd_ctl_error (PD_EXIT_USAGE, _("--json and --csv exclude each other"));
  if (opt_state != NULL)
    {
      if (!pd_prospect_state_from_name (opt_state, &filter.state))
        return pd_ctl_error (PD_EXIT_USAGE, _("--state %s: expected new, attempted, arid, latent, active, proposal,"
                                              " won or lost"), opt_state);
      filter.by_state = TRUE;
    }
  if (opt_due && (status = pd_ctl_day_option (ctl, campaign, "--due", opt_due_date, &filter.due)) != PD_EXIT_OK)
    return status;
  if (opt_rep != NULL)
    {
      pd_ctl_canonical_rep (&opt_rep);
      if ((status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
        return status;
      filter.rep = opt_rep;
    }
  filter.source = opt_source;
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (store != NULL)
    {
      found = pd_store_list_prospects (store, campaign->id, &filter, &error);
      if (found == NULL)
        return fail (error);
    }
  else
    found = g_ptr_array_new ();

  if (opt_json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < found->len; i++)
        {
          json_prospect (b, found->pdata[i], FALSE);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      pd_ctl_print_json (json_builder_get_root (b));
      return PD_EXIT_OK;
    }
  if (opt_csv)
    {
      const char *header[] = { "id", "company", "contact", "phone", "email", "state", "rep", "attempts",
                               "follow_up", "sources" };

      pd_ctl_csv_row (header, G_N_ELEMENTS (header));
      for (guint i = 0; i < found->len; i++)
        {
          const PdProspect *p = found->pdata[i];
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, p->id);
          g_autofree char *attempts = g_strdup_printf ("%" G_GINT64_FORMAT, p->attempts);
          g_autofree char *follow_up = g_date_valid (&p->follow_up) ? pd_format_date (&p->follow_up) : g_strdup ("");
          g_autofree char *where = sources_text (p, FALSE);
          const char *row[] = { id, p->company, p->contact != NULL ? p->contact : "", p->phone != NULL ? p->phone : "",
                                p->email != NULL ? p->email : "", pd_prospect_state_name (p->state),
                                p->rep != NULL ? p->rep : "", attempts, follow_up, where };

          pd_ctl_csv_row (row, G_N_ELEMENTS (row));
        }
      return PD_EXIT_OK;
    }
  if (found->len == 0)
    {
      printf (_("no prospect\n"));
      return PD_EXIT_OK;
    }
  for (guint i = 0; i < found->len; i++)
    {
      const PdProspect *p = found->pdata[i];
      g_autofree char *company = pd_ctl_printable_text (p->company);
      g_autofree char *contact = p->contact != NULL ? pd_ctl_printable_text (p->contact) : NULL;
      g_autofree char *where = sources_text (p, FALSE);
      g_autofree char *follow_up = g_date_valid (&p->follow_up) ? pd_format_date (&p->follow_up) : NULL;
      g_autoptr (GString) line = g_string_new (NULL);

      g_string_append_printf (line, "#%" G_GINT64_FORMAT "  %s", p->id, company);
      if (contact != NULL)
        g_string_append_printf (line, ", %s", contact);
      if (p->phone != NULL)
        g_string_append_printf (line, ", %s", p->phone);
      g_string_append_printf (line, "  %s", pd_prospect_state_name (p->state));
      if (follow_up != NULL)
        g_string_append_printf (line, _(" (follow up %s)"), follow_up);
      if (p->attempts > 0)
        g_string_append_printf (line, ngettext (", %" PRId64 " call", ", %" PRId64 " calls",
                                                (gulong) MIN (p->attempts, G_MAXINT)), p->attempts);
      g_string_append_printf (line, "  %s  [%s]", p->rep != NULL ? p->rep : "-", where);
      printf ("%s\n", line->str);
    }
  return PD_EXIT_OK;
}

/* ---------------------------------------------------------- show, erase */

static gboolean
parse_id (const char *text, gint64 *ret_id)
{
  char *end = NULL;
  gint64 id;

  if (text[0] == '#')
    text++;
  if (!g_ascii_isdigit (text[0]))
    return FALSE;
  id = g_ascii_strtoll (text, &end, 10);
  if (*end != '\0' || id <= 0)
    return FALSE;
  *ret_id = id;
  return TRUE;
}

/* The start of `prospects show` and `prospects erase` (`verb`): the
 * campaign, the store, the prospect named by the argument and its calls. */
static int
find_prospect (PdCtl *ctl, const char *verb, int argc, char **argv, PdCampaign **ret_campaign,
               PdStore **ret_store, PdProspect **ret_prospect, GPtrArray **ret_calls)
{
  g_autoptr (GError) error = NULL;
  const char *arg = NULL;
  gint64 id = 0;
  int status;

  if ((status = load (ctl, verb, argc, argv, "PROSPECT", ret_campaign, &arg)) != PD_EXIT_OK)
    return status;
  if (!parse_id (arg, &id))
    return pd_ctl_error (PD_EXIT_USAGE, _("prospects %s %s: expected a prospect's number, e.g. 12"), verb, arg);
  if ((status = pd_ctl_open_store_for_reading (ctl, ret_store)) != PD_EXIT_OK)
    return status;
  if (*ret_store == NULL || !pd_store_get_prospect (*ret_store, (*ret_campaign)->id, id, ret_prospect, &error))
    {
      if (*ret_store == NULL || g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND))
        return pd_ctl_error (PD_EXIT_USAGE, _("prospects %s %s: no such prospect in %s"), verb, arg,
                             (*ret_campaign)->id);
      return fail (error);
    }
  *ret_calls = pd_store_list_calls (*ret_store, (*ret_campaign)->id, NULL, id, NULL, NULL, &error);
  return *ret_calls != NULL ? PD_EXIT_OK : fail (error);
}

static int
show (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdProspect) p = NULL;
  g_autoptr (GPtrArray) calls = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  int status;

  if ((status = find_prospect (ctl, "show", argc, argv, &campaign, &store, &p, &calls)) != PD_EXIT_OK)
    return status;
  /* Everything held about one person, in one document (--json or not). */
  json_prospect (b, p, TRUE);
  json_builder_set_member_name (b, "calls");
  json_builder_begin_array (b);
  for (guint i = 0; i < calls->len; i++)
    {
      const PdCall *c = calls->pdata[i];
      g_autofree char *date = pd_format_date (&c->date);
      g_autofree char *follow_up = g_date_valid (&c->follow_up) ? pd_format_date (&c->follow_up) : NULL;

      json_builder_begin_object (b);
      pd_ctl_json_int (b, "id", c->id);
      pd_ctl_json_string (b, "date", date);
      pd_ctl_json_string (b, "rep", c->rep);
      pd_ctl_json_string (b, "outcome", pd_call_outcome_name (c->outcome));
      pd_ctl_json_string (b, "follow_up", follow_up);
      pd_ctl_json_int (b, "revenue_cents", c->revenue_cents);
      pd_ctl_json_string (b, "note", c->note);
      pd_ctl_json_string (b, "state_before", pd_prospect_state_name (c->state_before));
      pd_ctl_json_string (b, "state_after", pd_prospect_state_name (c->state_after));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  pd_ctl_print_json (json_builder_get_root (b));
  return PD_EXIT_OK;
}

static int
erase (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdProspect) p = NULL;
  g_autoptr (GPtrArray) calls = NULL;
  int status;

  if ((status = find_prospect (ctl, "erase", argc, argv, &campaign, &store, &p, &calls)) != PD_EXIT_OK)
    return status;
  if (!pd_store_erase_prospect (store, campaign->id, p->id, &error))
    return fail (error);
  printf (ngettext ("erased #%" PRId64 " %s: its details, attributes and sources, and the notes of its %u call"
                    " (the call stays counted)\n",
                    "erased #%" PRId64 " %s: its details, attributes and sources, and the notes of its %u calls"
                    " (the calls stay counted)\n", calls->len),
          p->id, p->company, calls->len);
  return PD_EXIT_OK;
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*run) (PdCtl *ctl, int argc, char **argv);
  } actions[] = {
    { "import", import }, { "sources", sources }, { "assign", assign }, { "add", add },
    { "list", list },     { "show", show },       { "erase", erase },
  };

  if (argc < 1)
    return pd_ctl_error (PD_EXIT_USAGE, _("prospects: say what to do: import, sources, assign, add, list, show"
                                          " or erase"));
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (argv[0], actions[i].name))
      return actions[i].run (ctl, argc - 1, argv + 1);
  return pd_ctl_error (PD_EXIT_USAGE, _("prospects: unknown action '%s' (expected import, sources, assign, add, list,"
                                        " show or erase)"), argv[0]);
}

const PdVerb pd_ctl_verb_prospects = {
  "prospects", "ACTION ...", N_("The prospect file: import, sources, assign, add, list, show, erase"),
  entries, run,
};

/* ---------------------------------------------------------- prescribers */

typedef struct {
  char *name;
  const char *kind;          /* "prescriber" or "recommendation" */
  guint brought, active, proposals, won;
  gint64 revenue_cents;
} Prescriber;

static void
prescriber_free (Prescriber *p)
{
  g_free (p->name);
  g_free (p);
}

static gint
compare_prescribers (gconstpointer a, gconstpointer b)
{
  const Prescriber *x = *(const Prescriber *const *) a, *y = *(const Prescriber *const *) b;
  int by_kind = strcmp (x->kind, y->kind);

  return by_kind != 0 ? by_kind : strcmp (x->name, y->name);
}

static gboolean opt_prescribers_json;

static GOptionEntry prescriber_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_prescribers_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

static int
prescribers (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) prospects = NULL, calls = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) prescriber_free);
  g_autoptr (GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) active = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) proposed = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) revenue = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  int status;

  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (store != NULL)
    {
      prospects = pd_store_list_prospects (store, campaign->id, NULL, &error);
      calls = prospects != NULL ? pd_store_list_calls (store, campaign->id, NULL, 0, NULL, NULL, &error) : NULL;
      if (calls == NULL)
        return fail (error);
      for (guint i = 0; i < calls->len; i++)
        {
          PdCall *c = calls->pdata[i];
          gint64 *sum;

          if (c->prospect <= 0)
            continue;
          if (c->state_after == PD_PROSPECT_ACTIVE || c->state_after == PD_PROSPECT_PROPOSAL
              || c->state_after == PD_PROSPECT_WON || c->state_after == PD_PROSPECT_LOST)
            g_hash_table_add (active, &c->prospect);
          if (c->outcome == PD_OUTCOME_PROPOSAL)
            g_hash_table_add (proposed, &c->prospect);
          sum = g_hash_table_lookup (revenue, &c->prospect);
          if (sum == NULL)
            {
              sum = g_new0 (gint64, 1);
              g_hash_table_insert (revenue, &c->prospect, sum);
            }
          *sum += c->revenue_cents;
        }
    }
  for (guint i = 0; prospects != NULL && i < prospects->len; i++)
    {
      PdProspect *p = prospects->pdata[i];
      const char *names[2] = { p->prescriber, p->recommended_by };
      const char *kinds[2] = { "prescriber", "recommendation" };

      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *key = NULL;
          Prescriber *who;
          const gint64 *sum;

          if (names[k] == NULL)
            continue;
          key = g_strconcat (kinds[k], "\x1f", names[k], NULL);
          who = g_hash_table_lookup (by_key, key);
          if (who == NULL)
            {
              who = g_new0 (Prescriber, 1);
              who->name = g_strdup (names[k]);
              who->kind = kinds[k];
              g_ptr_array_add (list, who);
              g_hash_table_insert (by_key, g_steal_pointer (&key), who);
            }
          who->brought++;
          who->active += p->state == PD_PROSPECT_ACTIVE || p->state == PD_PROSPECT_PROPOSAL
                         || p->state == PD_PROSPECT_WON || p->state == PD_PROSPECT_LOST
                         || g_hash_table_contains (active, &p->id);
          who->proposals += g_hash_table_contains (proposed, &p->id) || p->state == PD_PROSPECT_PROPOSAL
                            || p->state == PD_PROSPECT_WON;
          who->won += p->state == PD_PROSPECT_WON;
          sum = g_hash_table_lookup (revenue, &p->id);
          who->revenue_cents += sum != NULL ? *sum : 0;
        }
    }
  g_ptr_array_sort (list, compare_prescribers);
  if (opt_prescribers_json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          const Prescriber *who = list->pdata[i];

          json_builder_begin_object (b);
          pd_ctl_json_string (b, "name", who->name);
          pd_ctl_json_string (b, "kind", who->kind);
          pd_ctl_json_int (b, "prospects", who->brought);
          pd_ctl_json_int (b, "active", who->active);
          pd_ctl_json_int (b, "proposals", who->proposals);
          pd_ctl_json_int (b, "won", who->won);
          pd_ctl_json_int (b, "revenue_cents", who->revenue_cents);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      pd_ctl_print_json (json_builder_get_root (b));
      return PD_EXIT_OK;
    }
  if (list->len == 0)
    {
      printf (_("no prospect brought by a prescriber or a recommendation yet (prospectctl prospects add"
                " --prescriber NAME)\n"));
      return PD_EXIT_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      const Prescriber *who = list->pdata[i];
      g_autofree char *money = pd_format_money (who->revenue_cents, campaign->currency);

      printf (g_str_equal (who->kind, "prescriber")
                ? ngettext ("%s (prescriber): %u prospect, %u active, %u proposals, %u won, %s\n",
                            "%s (prescriber): %u prospects, %u active, %u proposals, %u won, %s\n", who->brought)
                : ngettext ("%s (recommendation): %u prospect, %u active, %u proposals, %u won, %s\n",
                            "%s (recommendation): %u prospects, %u active, %u proposals, %u won, %s\n",
                            who->brought),
              who->name, who->brought, who->active, who->proposals, who->won, money);
    }
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_prescribers = {
  "prescribers", "[CAMPAIGN]", N_("Who brought which prospects, and what became of them"), prescriber_entries,
  prescribers,
};
