/* SPDX-License-Identifier: MIT
 *
 * prospectctl log: records what a rep did on a day, adding to the entries
 * of that day or (--replace) replacing them. Everything is checked (see
 * entry.c) before anything is written, and a database is created only
 * to write an accepted entry.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/team.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"

static char *opt_rep, *opt_contacts, *opt_prospects, *opt_active, *opt_latent, *opt_arid;
static char *opt_proposals, *opt_deals, *opt_revenue, *opt_date, *opt_note, *opt_reason;
static gboolean opt_replace;

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
  { "reason", 0, 0, G_OPTION_ARG_STRING, &opt_reason,
    N_("Why the day's prospects reached exceed its calls (kept in the note)"), N_("TEXT") },
  { "replace", 0, 0, G_OPTION_ARG_NONE, &opt_replace, N_("Replace the rep's entries of that day"), NULL },
  G_OPTION_ENTRY_NULL
};

static int
invalid (const char *message)
{
  return pd_ctl_error (PD_EXIT_USAGE, "%s", message);
}

/* The note stored: --note, and the --reason prospects exceed calls. */
static char *
stored_note (void)
{
  if (opt_reason == NULL || opt_reason[0] == '\0')
    return g_strdup (opt_note);
  if (opt_note == NULL)
    return g_strdup_printf (_("prospects over calls: %s"), opt_reason);
  return g_strdup_printf (_("%s; prospects over calls: %s"), opt_note, opt_reason);
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) removed = NULL;
  g_autofree char *note = NULL;
  PdActivity activity = { 0 };
  PdTotals day;
  gint64 id;
  int status;

  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  /* Only into a campaign that plan and schedule accept (its plan
   * computes, its schedule fits), as the daemon runs only those. */
  {
    PdPlan plan;

    if ((status = pd_ctl_check_schedule (campaign, &plan)) != PD_EXIT_OK)
      return status;
  }
  if (opt_rep == NULL)
    return invalid (_("--rep is required: who made the calls?"));
  pd_ctl_canonical_rep (&opt_rep);
  if ((status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
    return status;
  if (opt_contacts == NULL)
    return invalid (_("--contacts is required: how many calls?"));
  if (!pd_ctl_parse_count ("contacts", opt_contacts, &activity.contacts) ||
      !pd_ctl_parse_count ("prospects", opt_prospects, &activity.prospects) ||
      !pd_ctl_parse_count ("active", opt_active, &activity.active) ||
      !pd_ctl_parse_count ("latent", opt_latent, &activity.latent) ||
      !pd_ctl_parse_count ("arid", opt_arid, &activity.arid) ||
      !pd_ctl_parse_count ("proposals", opt_proposals, &activity.proposals) ||
      !pd_ctl_parse_count ("deals", opt_deals, &activity.deals))
    return PD_EXIT_USAGE;
  if (opt_revenue != NULL && !pd_parse_amount (opt_revenue, &activity.revenue_cents, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "--revenue %s: %s", opt_revenue, error->message);
  if (opt_prospects == NULL)
    activity.prospects = activity.active + activity.latent + activity.arid;
  if ((status = pd_ctl_day_option (ctl, campaign, "--date", opt_date, &activity.date)) != PD_EXIT_OK)
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

  note = stored_note ();
  activity.campaign = campaign->id;
  activity.rep = opt_rep;
  activity.note = note;
  /* Checked against what is stored; a database is created only to write. */
  if (pd_ctl_store_exists (ctl) && (status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_check_entry (ctl, campaign, store, NULL, opt_replace, &activity, opt_reason, &day)) != PD_EXIT_OK)
    return status;
  if (store == NULL && (status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  /* A rep's login of a team's database: its own rep only, said before
   * anything is written (the server would refuse it anyway). */
  if (!pd_team_check_rep (store, opt_rep, _("%s may log activity only as %s"), &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if ((status = pd_ctl_record_campaign (ctl, store, campaign)) != PD_EXIT_OK)
    return status;
  if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, &error) ||
      !(opt_replace ? pd_store_replace_day (store, &activity, &id, &removed, &error)
                    : pd_store_add_activity (store, &activity, &id, &error)))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  g_autofree char *date = pd_format_date (&activity.date);
  if (removed != NULL && removed->len > 0)
    {
      GString *ids = g_string_new (NULL);
      gint64 contacts = 0;

      for (guint i = 0; i < removed->len; i++)
        {
          const PdActivity *r = g_ptr_array_index (removed, i);
          g_string_append_printf (ids, "%s#%" G_GINT64_FORMAT, i > 0 ? ", " : "", r->id);
          contacts += r->contacts;
        }
      printf (ngettext ("logged #%" PRId64 ": %s, %s, %" PRId64 " contact, replacing %s"
                        " (%" PRId64 " contacts)\n",
                        "logged #%" PRId64 ": %s, %s, %" PRId64 " contacts, replacing %s"
                        " (%" PRId64 " contacts)\n", (gulong) CLAMP (activity.contacts, 0, G_MAXINT)),
              id, opt_rep, date, activity.contacts, ids->str, contacts);
      g_string_free (ids, TRUE);
    }
  else if (day.entries > 1)
    printf (ngettext ("logged #%" PRId64 ": %s, %s: +%" PRId64 " contact, %" PRId64
                      " that day in %" PRId64 " entries\n",
                      "logged #%" PRId64 ": %s, %s: +%" PRId64 " contacts, %" PRId64
                      " that day in %" PRId64 " entries\n", (gulong) CLAMP (activity.contacts, 0, G_MAXINT)),
            id, opt_rep, date, activity.contacts, day.contacts, day.entries);
  else
    printf (ngettext ("logged #%" PRId64 ": %s, %s, %" PRId64 " contact\n",
                      "logged #%" PRId64 ": %s, %s, %" PRId64 " contacts\n", (gulong) CLAMP (activity.contacts, 0, G_MAXINT)),
            id, opt_rep, date, activity.contacts);
  /* A day recorded call by call too: say how it counts. */
  {
    PdTotals logged, called;

    if (!pd_store_day_parts (store, campaign->id, opt_rep, &activity.date, &logged, &called, &error))
      return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    if (called.entries > 0)
      printf (ngettext ("  the day also holds %" PRId64 " call recorded: each of its figures counts the larger of"
                        " the log's and the calls' (%" PRId64 " contacts)\n",
                        "  the day also holds %" PRId64 " calls recorded: each of its figures counts the larger of"
                        " the log's and the calls' (%" PRId64 " contacts)\n",
                        (gulong) CLAMP (called.entries, 0, G_MAXINT)),
              called.entries, MAX (logged.contacts, called.contacts));
  }
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_log = {
  "log", "[CAMPAIGN]", N_("Record a rep's activity of a day"), entries, run,
};
