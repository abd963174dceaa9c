/* SPDX-License-Identifier: MIT
 *
 * prospectctl activity: lists logged entries with their ids (text, JSON
 * or CSV), changes one in place ("activity edit ID", checked like a new
 * entry) and removes one ("activity rm ID"), saying what it held.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/team.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"
#include "prospectd/workcal.h"

static char *opt_rep;
static gboolean opt_json, opt_csv;
static char *opt_contacts, *opt_prospects, *opt_active, *opt_latent, *opt_arid;
static char *opt_proposals, *opt_deals, *opt_revenue, *opt_date, *opt_note, *opt_reason;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("Only this rep (edit: move the entry to this rep)"), N_("REP") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  { "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv, N_("Print CSV (RFC 4180, comma, decimal point)"), NULL },
  { "contacts", 0, 0, G_OPTION_ARG_STRING, &opt_contacts, N_("edit: calls made"), N_("N") },
  { "prospects", 0, 0, G_OPTION_ARG_STRING, &opt_prospects, N_("edit: prospects reached"), N_("N") },
  { "active", 0, 0, G_OPTION_ARG_STRING, &opt_active, N_("edit: of those, active"), N_("N") },
  { "latent", 0, 0, G_OPTION_ARG_STRING, &opt_latent, N_("edit: of those, latent"), N_("N") },
  { "arid", 0, 0, G_OPTION_ARG_STRING, &opt_arid, N_("edit: of those, arid"), N_("N") },
  { "proposals", 0, 0, G_OPTION_ARG_STRING, &opt_proposals, N_("edit: proposals sent"), N_("N") },
  { "deals", 0, 0, G_OPTION_ARG_STRING, &opt_deals, N_("edit: deals won"), N_("N") },
  { "revenue", 0, 0, G_OPTION_ARG_STRING, &opt_revenue, N_("edit: revenue of those deals"), N_("AMOUNT") },
  { "date", 0, 0, G_OPTION_ARG_STRING, &opt_date, N_("edit: day of the activity"), N_("DATE") },
  { "note", 0, 0, G_OPTION_ARG_STRING, &opt_note, N_("edit: free text (empty: none)"), N_("TEXT") },
  { "reason", 0, 0, G_OPTION_ARG_STRING, &opt_reason,
    N_("edit: why the day's prospects reached exceed its calls"), N_("TEXT") },
  G_OPTION_ENTRY_NULL
};

/* "activity rm|edit ID": the entry's id. */
static gboolean
parse_id (const char *verb, int argc, char **argv, gint64 *ret_id)
{
  char *end = NULL;
  gint64 id;

  if (argc != 1)
    {
      pd_ctl_error (PD_EXIT_USAGE, _("activity %s takes one entry id (see prospectctl activity)"), verb);
      return FALSE;
    }
  id = g_ascii_strtoll (argv[0], &end, 10);
  if (end == argv[0] || *end != '\0' || id <= 0)
    {
      pd_ctl_error (PD_EXIT_USAGE, _("activity %s %s: write the entry's id, e.g. 12"), verb, argv[0]);
      return FALSE;
    }
  *ret_id = id;
  return TRUE;
}

/* The campaign an entry belongs to, or NULL (its file gone): nothing is
 * printed then. */
static PdCampaign *
entry_campaign (PdCtl *ctl, const char *id)
{
  g_autofree char *path = pd_config_resolve_campaign (ctl->config, id, NULL);
  PdCampaign *campaign = path != NULL ? pd_config_load_campaign (path, NULL) : NULL;

  if (campaign != NULL)
    pd_workcal_prepare (campaign);
  return campaign;
}

static int
store_error (GError *error)
{
  return pd_ctl_error (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND)
                         ? PD_EXIT_USAGE : PD_EXIT_FAILURE, "%s", error->message);
}

static int
remove_entry (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdActivity) removed = NULL;
  g_autoptr (PdCampaign) campaign = NULL;
  g_autofree char *text = NULL;
  gint64 id;
  int status;

  if (!parse_id ("rm", argc, argv, &id))
    return PD_EXIT_USAGE;
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_store_take_activity (store, id, &removed, &error))
    return store_error (error);
  campaign = entry_campaign (ctl, removed->campaign);
  text = pd_ctl_describe_entry (removed, campaign != NULL ? campaign->currency : "");
  printf (_("removed #%" PRId64 ": %s\n"), id, text);
  return PD_EXIT_OK;
}

enum { COL_ID, COL_DATE, COL_REP, COL_CONTACTS, COL_PROSPECTS, COL_ACTIVE, COL_LATENT, COL_ARID,
       COL_PROPOSALS, COL_DEALS, COL_REVENUE, COL_NOTE, N_COLUMNS };

/* The entries as a table whose columns are as wide as their widest cell
 * (a long rep name or amount shifts the columns, never breaks them);
 * numbers right-aligned, the note last and unpadded. */
static void
print_table (const PdCampaign *campaign, const GPtrArray *found)
{
  const char *headers[N_COLUMNS] = {
    _("id"), _("date"), _("rep"), _("contacts"), _("prospects"), _("active"), _("latent"), _("arid"),
    _("proposals"), _("deals"), _("revenue"), _("note"),
  };
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  int widths[N_COLUMNS];

  for (guint col = 0; col < N_COLUMNS; col++)
    g_ptr_array_add (cells, g_strdup (headers[col]));
  for (guint i = 0; i < found->len; i++)
    {
      const PdActivity *a = g_ptr_array_index (found, i);
      gint64 counts[] = { a->contacts, a->prospects, a->active, a->latent, a->arid, a->proposals, a->deals };

      g_ptr_array_add (cells, g_strdup_printf ("%" G_GINT64_FORMAT, a->id));
      g_ptr_array_add (cells, pd_format_date (&a->date));
      g_ptr_array_add (cells, pd_ctl_printable_text (a->rep));
      for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
        g_ptr_array_add (cells, g_strdup_printf ("%" G_GINT64_FORMAT, counts[k]));
      g_ptr_array_add (cells, a->revenue_cents > 0 ? pd_format_money (a->revenue_cents, campaign->currency)
                                                   : g_strdup ("-"));
      g_ptr_array_add (cells, a->note != NULL ? pd_ctl_printable_text (a->note) : g_strdup (""));
    }

  for (guint col = 0; col < N_COLUMNS; col++)
    widths[col] = 0;
  for (guint i = 0; i < cells->len; i++)
    widths[i % N_COLUMNS] = MAX (widths[i % N_COLUMNS], (int) g_utf8_strlen (g_ptr_array_index (cells, i), -1));

  for (guint i = 0; i < cells->len; i++)
    {
      guint col = i % N_COLUMNS;
      const char *text = g_ptr_array_index (cells, i);
      int pad = widths[col] - (int) g_utf8_strlen (text, -1);

      if (col == COL_NOTE) /* no trailing blanks */
        printf ("%s%s\n", text[0] != '\0' ? "  " : "", text);
      else if (col == COL_DATE || col == COL_REP)
        printf ("%s%s%*s", col > 0 ? "  " : "", text, pad, "");
      else
        printf ("%s%*s%s", col > 0 ? "  " : "", pad, "", text);
    }
}

static int
edit_entry (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdActivity) old = NULL;
  g_autoptr (PdActivity) changed = pd_activity_new ();
  g_autoptr (PdCampaign) campaign = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gint64 id;
  int status;

  if (!parse_id ("edit", argc, argv, &id))
    return PD_EXIT_USAGE;
  if (!pd_ctl_store_exists (ctl))
    return pd_ctl_error (PD_EXIT_USAGE, _("activity edit %s: no such entry (no database yet)"), argv[0]);
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_store_get_activity (store, id, &old, &error))
    return store_error (error);
  campaign = entry_campaign (ctl, old->campaign);
  if (campaign == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, _("activity edit %s: its campaign '%s' is not configured any more"),
                         argv[0], old->campaign);

  *changed = *old;
  changed->campaign = g_strdup (old->campaign);
  changed->rep = g_strdup (opt_rep != NULL ? opt_rep : old->rep);
  changed->note = opt_note != NULL ? (opt_note[0] != '\0' ? g_strdup (opt_note) : NULL) : g_strdup (old->note);
  if (opt_reason != NULL && opt_reason[0] != '\0')
    {
      char *note = changed->note != NULL ? g_strdup_printf (_("%s; prospects over calls: %s"), changed->note, opt_reason)
                                         : g_strdup_printf (_("prospects over calls: %s"), opt_reason);
      g_free (changed->note);
      changed->note = note;
    }
  if ((status = pd_ctl_find_rep (campaign, changed->rep, NULL)) != PD_EXIT_OK)
    return status;
  if (!pd_ctl_parse_count ("contacts", opt_contacts, &changed->contacts) ||
      !pd_ctl_parse_count ("prospects", opt_prospects, &changed->prospects) ||
      !pd_ctl_parse_count ("active", opt_active, &changed->active) ||
      !pd_ctl_parse_count ("latent", opt_latent, &changed->latent) ||
      !pd_ctl_parse_count ("arid", opt_arid, &changed->arid) ||
      !pd_ctl_parse_count ("proposals", opt_proposals, &changed->proposals) ||
      !pd_ctl_parse_count ("deals", opt_deals, &changed->deals))
    return PD_EXIT_USAGE;
  if (opt_revenue != NULL && !pd_parse_amount (opt_revenue, &changed->revenue_cents, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "--revenue %s: %s", opt_revenue, error->message);
  if (opt_date != NULL && (status = pd_ctl_parse_date_option ("--date", opt_date, &changed->date)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_check_entry (ctl, campaign, store, old, FALSE, changed, opt_reason, NULL)) != PD_EXIT_OK)
    return status;
  if (!pd_team_check_rep (store, changed->rep, _("%s may log activity only as %s"), &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if (!pd_store_update_activity (store, changed, &error))
    return store_error (error);
  before = pd_ctl_describe_entry (old, campaign->currency);
  after = pd_ctl_describe_entry (changed, campaign->currency);
  printf (_("changed #%" PRId64 ": %s\n     was: %s\n"), id, after, before);
  return PD_EXIT_OK;
}

static void
print_csv (const GPtrArray *found, const PdCampaign *campaign)
{
  const char *header[] = { "id", "date", "rep", "contacts", "prospects", "active", "latent", "arid", "proposals",
                           "deals", "revenue", "currency", "note" };

  pd_ctl_csv_row (header, G_N_ELEMENTS (header));
  for (guint i = 0; i < found->len; i++)
    {
      const PdActivity *a = g_ptr_array_index (found, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, a->id);
      g_autofree char *date = pd_format_date (&a->date);
      g_autofree char *contacts = g_strdup_printf ("%" G_GINT64_FORMAT, a->contacts);
      g_autofree char *prospects = g_strdup_printf ("%" G_GINT64_FORMAT, a->prospects);
      g_autofree char *active = g_strdup_printf ("%" G_GINT64_FORMAT, a->active);
      g_autofree char *latent = g_strdup_printf ("%" G_GINT64_FORMAT, a->latent);
      g_autofree char *arid = g_strdup_printf ("%" G_GINT64_FORMAT, a->arid);
      g_autofree char *proposals = g_strdup_printf ("%" G_GINT64_FORMAT, a->proposals);
      g_autofree char *deals = g_strdup_printf ("%" G_GINT64_FORMAT, a->deals);
      g_autofree char *revenue = pd_ctl_csv_amount (a->revenue_cents);
      const char *row[] = { id, date, a->rep, contacts, prospects, active, latent, arid, proposals, deals, revenue,
                            campaign->currency, a->note };

      pd_ctl_csv_row (row, G_N_ELEMENTS (row));
    }
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries_found = NULL;
  int status;

  pd_ctl_canonical_rep (&opt_rep);
  if (argc > 0 && g_str_equal (argv[0], "rm"))
    return remove_entry (ctl, argc - 1, argv + 1);
  if (argc > 0 && g_str_equal (argv[0], "edit"))
    return edit_entry (ctl, argc - 1, argv + 1);
  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if (opt_rep != NULL && (status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  entries_found = store != NULL ? pd_store_list_activity (store, campaign->id, opt_rep, &error)
                                : g_ptr_array_new ();
  if (entries_found == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  if (opt_csv)
    {
      print_csv (entries_found, campaign);
      return PD_EXIT_OK;
    }
  if (opt_json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < entries_found->len; i++)
        {
          const PdActivity *a = g_ptr_array_index (entries_found, i);
          g_autofree char *date = pd_format_date (&a->date);

          json_builder_begin_object (b);
          pd_ctl_json_int (b, "id", a->id);
          json_builder_set_member_name (b, "rep");
          json_builder_add_string_value (b, a->rep);
          json_builder_set_member_name (b, "date");
          json_builder_add_string_value (b, date);
          pd_ctl_json_int (b, "contacts", a->contacts);
          pd_ctl_json_int (b, "prospects", a->prospects);
          pd_ctl_json_int (b, "active", a->active);
          pd_ctl_json_int (b, "latent", a->latent);
          pd_ctl_json_int (b, "arid", a->arid);
          pd_ctl_json_int (b, "proposals", a->proposals);
          pd_ctl_json_int (b, "deals", a->deals);
          pd_ctl_json_int (b, "revenue_cents", a->revenue_cents);
          json_builder_set_member_name (b, "note");
          if (a->note != NULL)
            json_builder_add_string_value (b, a->note);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      pd_ctl_print_json (root);
      return PD_EXIT_OK;
    }

  print_table (campaign, entries_found);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_activity = {
  "activity", "[CAMPAIGN | edit|rm ID]", N_("List logged activity, change or remove an entry"), entries, run,
};
