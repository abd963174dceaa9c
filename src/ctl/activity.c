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

  printf ("%5s  %-10s  %-12s %8s %9s %6s %6s %4s %5s %12s  %s\n", _("id"), _("date"), _("rep"), _("contacts"),
          _("prospects"), _("active"), _("latent"), _("arid"), _("deals"), _("revenue"), _("note"));
  for (guint i = 0; i < entries_found->len; i++)
    {
      const PdActivity *a = g_ptr_array_index (entries_found, i);
      g_autofree char *date = pd_format_date (&a->date);
      g_autofree char *revenue = pd_format_money (a->revenue_cents, campaign->currency);

      printf ("%5" G_GINT64_FORMAT "  %-10s  %-12s %8" G_GINT64_FORMAT " %9" G_GINT64_FORMAT " %6" G_GINT64_FORMAT
              " %6" G_GINT64_FORMAT " %4" G_GINT64_FORMAT " %5" G_GINT64_FORMAT " %12s  %s\n",
              a->id, date, a->rep, a->contacts, a->prospects, a->active, a->latent, a->arid, a->deals,
              a->revenue_cents > 0 ? revenue : "-", a->note != NULL ? a->note : "");
    }
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_activity = {
  "activity", "[CAMPAIGN | rm ID]", N_("List logged activity, or remove an entry"), entries, run,
};
