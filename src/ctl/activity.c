/* SPDX-License-Identifier: MIT
 *
 * prospectctl activity: lists logged entries with their ids, and removes
 * one ("activity rm ID") when it was typed wrong.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/format.h"

static char *opt_rep;
static gboolean opt_json;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("Only this rep"), N_("REP") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

static int
remove_entry (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  char *end = NULL;
  gint64 id;
  int status;

  if (argc != 1)
    return pd_ctl_error (PD_EXIT_USAGE, _("activity rm takes one entry id (see prospectctl activity)"));
  id = g_ascii_strtoll (argv[0], &end, 10);
  if (end == argv[0] || *end != '\0' || id <= 0)
    return pd_ctl_error (PD_EXIT_USAGE, _("activity rm %s: write the entry's id, e.g. 12"), argv[0]);
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_store_remove_activity (store, id, &error))
    return pd_ctl_error (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND)
                           ? PD_EXIT_USAGE : PD_EXIT_FAILURE, "%s", error->message);
  printf (_("removed #%" G_GINT64_FORMAT "\n"), id);
  return PD_EXIT_OK;
}

/* A note on one line: control characters (a newline, a tab, an escape
 * sequence) written as \n, \t or \u001B, and bytes that are not UTF-8
 * replaced, so that no note can break the table or drive the terminal. */
static char *
printable_note (const char *note)
{
  g_autofree char *valid = g_utf8_make_valid (note, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else if (g_unichar_iscntrl (c))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
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
      g_ptr_array_add (cells, printable_note (a->rep));
      for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
        g_ptr_array_add (cells, g_strdup_printf ("%" G_GINT64_FORMAT, counts[k]));
      g_ptr_array_add (cells, a->revenue_cents > 0 ? pd_format_money (a->revenue_cents, campaign->currency)
                                                   : g_strdup ("-"));
      g_ptr_array_add (cells, a->note != NULL ? printable_note (a->note) : g_strdup (""));
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
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries_found = NULL;
  int status;

  if (argc > 0 && g_str_equal (argv[0], "rm"))
    return remove_entry (ctl, argc - 1, argv + 1);
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
  "activity", "[CAMPAIGN | rm ID]", N_("List logged activity, or remove an entry"), entries, run,
};
