/* SPDX-License-Identifier: MIT
 *
 * prospectctl reschedule: catch-up (DESIGN.md rule 5). Days up to and
 * including --as-of are frozen history; each rep's shortfall against the
 * baseline is re-spread over their remaining available days, stored as a
 * new revision, and the feeds are rewritten (changed events get
 * SEQUENCE + 1, past ones stay as they were, UIDs do not move).
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/format.h"
#include "prospectd/workcal.h"

static char *opt_as_of;

static GOptionEntry entries[] = {
  { "as-of", 0, 0, G_OPTION_ARG_STRING, &opt_as_of, N_("Last day of history (default: today)"), N_("DATE") },
  G_OPTION_ENTRY_NULL
};

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdSchedule) current = NULL;
  g_autoptr (PdSchedule) respread = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdRevision) saved_baseline = NULL;
  g_autoptr (PdRevision) revision = NULL;
  g_autoptr (GArray) daily = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *actual = NULL;
  g_autofree gint64 *shortfalls = NULL;
  gint64 revision_time, now = g_get_real_time () / G_USEC_PER_SEC;
  GDate as_of, from;
  PdPlan plan;
  int status;

  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if (opt_as_of != NULL)
    {
      if ((status = pd_ctl_parse_date_option ("--as-of", opt_as_of, &as_of)) != PD_EXIT_OK)
        return status;
    }
  else
    pd_ctl_today (campaign, &as_of);
  if (g_date_compare (&as_of, &campaign->end) >= 0)
    return pd_ctl_error (PD_EXIT_USAGE, _("--as-of %s: no day left in the campaign to catch up on"),
                         opt_as_of != NULL ? opt_as_of : _("today"));
  if ((status = pd_ctl_build_schedule (campaign, &plan, &baseline)) != PD_EXIT_OK ||
      (status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK ||
      (status = pd_ctl_current_schedule (ctl, campaign, baseline, &current, &revision_time)) != PD_EXIT_OK)
    return status;
  if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, &error) ||
      (daily = pd_store_daily_contacts (store, campaign->id, NULL, &as_of, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  actual = g_new0 (gint64, campaign->reps->len);
  shortfalls = g_new0 (gint64, campaign->reps->len);
  for (guint i = 0; i < daily->len; i++)
    {
      const PdDailyContacts *d = &g_array_index (daily, PdDailyContacts, i);
      guint r;
      if (pd_campaign_find_rep (campaign, d->rep, &r) != NULL && g_date_compare (&d->date, &as_of) <= 0)
        actual[r] += d->contacts;
    }
  for (guint r = 0; r < campaign->reps->len; r++)
    shortfalls[r] = MAX (pd_schedule_planned_to_date (baseline, r, &as_of) - actual[r], 0);

  from = as_of;
  g_date_add_days (&from, 1);
  respread = pd_schedule_respread (campaign, baseline, current, &from, shortfalls, &error);
  if (respread == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s: %s", campaign->path, error->message);

  /* The baseline is recorded once, before the first catch-up. */
  if (!pd_store_load_baseline (store, campaign->id, &saved_baseline, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if (saved_baseline == NULL)
    {
      g_autoptr (PdRevision) b = pd_ctl_revision_from_schedule (campaign, baseline, PD_REVISION_BASELINE,
                                                                &campaign->start, now);
      if (!pd_store_save_revision (store, b, NULL, &error))
        return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    }
  revision = pd_ctl_revision_from_schedule (campaign, respread, PD_REVISION_CATCHUP, &from, now);
  if (!pd_store_save_revision (store, revision, NULL, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  g_autofree char *as_of_text = pd_format_date (&as_of);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);
      g_autoptr (GArray) days = pd_workcal_available_days (campaign, rep, &from, &campaign->end);

      if (shortfalls[r] == 0)
        printf (_("%s: on plan as of %s, schedule unchanged\n"), rep->name, as_of_text);
      else
        printf (_("%s: %" G_GINT64_FORMAT " contacts behind as of %s, re-spread over %u working days\n"),
                rep->name, shortfalls[r], as_of_text, days->len);
    }
  return pd_ctl_write_feeds (campaign, respread, ctl->config->feeds_dir, -1, now);
}

const PdVerb pd_ctl_verb_reschedule = {
  "reschedule", "[CAMPAIGN]", N_("Re-spread each rep's shortfall over the remaining days"), entries, run,
};
