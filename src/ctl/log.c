/* SPDX-License-Identifier: MIT
 *
 * prospectctl log: records what a rep did on a day. Everything is checked
 * before the database is opened, so a rejected entry writes nothing.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/format.h"

static char *opt_rep, *opt_contacts, *opt_prospects, *opt_active, *opt_latent, *opt_arid;
static char *opt_proposals, *opt_deals, *opt_revenue, *opt_date, *opt_note;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("The rep (required)"), N_("REP") },
  { "contacts", 0, 0, G_OPTION_ARG_STRING, &opt_contacts, N_("Calls made (required)"), N_("N") },
  { "prospects", 0, 0, G_OPTION_ARG_STRING, &opt_prospects, N_("Prospects qualified (default: arid + latent + active)"), N_("N") },
  { "active", 0, 0, G_OPTION_ARG_STRING, &opt_active, N_("Of those, active"), N_("N") },
  { "latent", 0, 0, G_OPTION_ARG_STRING, &opt_latent, N_("Of those, latent"), N_("N") },
  { "arid", 0, 0, G_OPTION_ARG_STRING, &opt_arid, N_("Of those, arid"), N_("N") },
  { "proposals", 0, 0, G_OPTION_ARG_STRING, &opt_proposals, N_("Proposals sent"), N_("N") },
  { "deals", 0, 0, G_OPTION_ARG_STRING, &opt_deals, N_("Deals won"), N_("N") },
  { "revenue", 0, 0, G_OPTION_ARG_STRING, &opt_revenue, N_("Revenue of those deals"), N_("AMOUNT") },
  { "date", 0, 0, G_OPTION_ARG_STRING, &opt_date, N_("Day of the activity (default: today)"), N_("DATE") },
  { "note", 0, 0, G_OPTION_ARG_STRING, &opt_note, N_("Free text"), N_("TEXT") },
  G_OPTION_ENTRY_NULL
};

/* A whole number >= 0 given to --option; absent leaves *ret at 0. */
static gboolean
parse_count (const char *option, const char *text, gint64 *ret)
{
  gint64 value = 0;

  *ret = 0;
  if (text == NULL)
    return TRUE;
  if (text[0] == '\0' || strlen (text) > 9)
    {
      pd_ctl_error (PD_EXIT_USAGE, _("--%s %s: write a whole number from 0 to 999999999"), option, text);
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          pd_ctl_error (PD_EXIT_USAGE, _("--%s %s: write a whole number from 0 to 999999999"), option, text);
          return FALSE;
        }
      value = value * 10 + (*p - '0');
    }
  *ret = value;
  return TRUE;
}

static int
invalid (const char *message)
{
  return pd_ctl_error (PD_EXIT_USAGE, "%s", message);
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  PdActivity activity = { 0 };
  gint64 id;
  int status;

  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if (opt_rep == NULL)
    return invalid (_("--rep is required: who made the calls?"));
  if ((status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
    return status;
  if (opt_contacts == NULL)
    return invalid (_("--contacts is required: how many calls?"));
  if (!parse_count ("contacts", opt_contacts, &activity.contacts) ||
      !parse_count ("prospects", opt_prospects, &activity.prospects) ||
      !parse_count ("active", opt_active, &activity.active) ||
      !parse_count ("latent", opt_latent, &activity.latent) ||
      !parse_count ("arid", opt_arid, &activity.arid) ||
      !parse_count ("proposals", opt_proposals, &activity.proposals) ||
      !parse_count ("deals", opt_deals, &activity.deals))
    return PD_EXIT_USAGE;
  if (opt_revenue != NULL && !pd_parse_amount (opt_revenue, &activity.revenue_cents, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "--revenue %s: %s", opt_revenue, error->message);

  gint64 qualified = activity.active + activity.latent + activity.arid;
  if (opt_prospects == NULL)
    activity.prospects = qualified;
  else if (qualified > activity.prospects)
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("--active + --latent + --arid (%" G_GINT64_FORMAT ") exceed --prospects (%" G_GINT64_FORMAT ")"),
                         qualified, activity.prospects);
  if (activity.prospects > activity.contacts)
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("--prospects (%" G_GINT64_FORMAT ") exceed --contacts (%" G_GINT64_FORMAT "): each prospect reached takes a call"),
                         activity.prospects, activity.contacts);
  if (activity.deals > activity.proposals)
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("--deals (%" G_GINT64_FORMAT ") exceed --proposals (%" G_GINT64_FORMAT ")"),
                         activity.deals, activity.proposals);
  if (activity.revenue_cents > 0 && activity.deals == 0)
    return invalid (_("--revenue needs --deals: revenue comes from deals won"));

  if ((status = pd_ctl_day_option (campaign, "--date", opt_date, &activity.date)) != PD_EXIT_OK)
    return status;
  if (g_date_compare (&activity.date, &campaign->start) < 0 || g_date_compare (&activity.date, &campaign->end) > 0)
    {
      g_autofree char *date = pd_format_date (&activity.date);
      g_autofree char *start = pd_format_date (&campaign->start);
      g_autofree char *end = pd_format_date (&campaign->end);
      /* Without --date the day is today: do not quote an option not typed. */
      if (opt_date == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, _("today (%s) is outside the campaign (%s to %s): name the day with --date"),
                             date, start, end);
      return pd_ctl_error (PD_EXIT_USAGE, _("--date %s: outside the campaign (%s to %s)"), date, start, end);
    }

  activity.campaign = campaign->id;
  activity.rep = opt_rep;
  activity.note = opt_note;
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, &error) ||
      !pd_store_add_activity (store, &activity, &id, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  g_autofree char *date = pd_format_date (&activity.date);
  printf (_("logged #%" G_GINT64_FORMAT ": %s, %s, %" G_GINT64_FORMAT " contacts\n"), id, opt_rep, date,
          activity.contacts);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_log = {
  "log", "[CAMPAIGN]", N_("Record a rep's activity of a day"), entries, run,
};
