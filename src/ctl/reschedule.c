/* SPDX-License-Identifier: MIT
 *
 * prospectctl reschedule: catch-up (docs/scheduling.md, rule 6). Days up to and
 * including --as-of are frozen history; each rep behind the baseline is
 * brought back on its curve by the next checkpoint when the calendar
 * allows, else as early as it allows (what it cannot hold is reported),
 * stored as a new revision, and the feeds are rewritten (changed events
 * get SEQUENCE + 1, past ones stay as they were, UIDs do not move). The
 * feeds are written even when nothing new was stored, so that a run
 * whose writing failed is completed by the next.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <sys/stat.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/catchup.h"
#include "prospectd/format.h"

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
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdCatchup) catchup = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now;
  GDate as_of;
  PdPlan plan;
  int status;

  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  {
    g_autoptr (GDateTime) clock = pd_ctl_now (ctl, campaign->tz);
    now = g_date_time_to_unix (clock);
  }
  if ((status = pd_ctl_day_option (ctl, campaign, "--as-of", opt_as_of, &as_of)) != PD_EXIT_OK)
    return status;
  if (g_date_compare (&as_of, &campaign->end) >= 0)
    return pd_ctl_error (PD_EXIT_USAGE, _("--as-of %s: no day left in the campaign to catch up on"),
                         opt_as_of != NULL ? opt_as_of : _("today"));
  if ((status = pd_ctl_build_schedule (campaign, &plan, &baseline)) != PD_EXIT_OK ||
      (status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK ||
      (status = pd_ctl_check_feeds_dir (ctl, store, ctl->config->feeds_dir, FALSE)) != PD_EXIT_OK ||
      (status = pd_ctl_record_campaign (ctl, store, campaign)) != PD_EXIT_OK)
    return status;

  /* The schedule in force and the day sums, read once. */
  g_autoptr (PdSchedule) in_force = NULL;
  g_autoptr (GArray) daily = NULL;
  struct stat st;
  gint64 revision_time;

  if (!pd_catchup_current (store, campaign, baseline, stat (campaign->path, &st) == 0 ? (gint64) st.st_mtime : 0,
                           &in_force, &revision_time, &error)
      || (daily = pd_store_daily_contacts (store, campaign->id, NULL, &as_of, &error)) == NULL
      || (catchup = pd_catchup_run (store, campaign, baseline, in_force, daily, &as_of, now, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s: %s", campaign->path, error->message);

  g_autofree char *as_of_text = pd_format_date_text (&as_of);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);
      const PdRespread *respread = &g_array_index (catchup->reps, PdRespread, r);
      g_autofree char *description = pd_catchup_describe (campaign, respread);
      g_autofree char *shortfall = pd_format_count (respread->shortfall);

      if (description == NULL)
        printf (_("%s: on plan as of %s, nothing to catch up\n"), rep->name, as_of_text);
      else
        printf (ngettext ("%s: %s contact behind as of %s, %s\n", "%s: %s contacts behind as of %s, %s\n",
                          (gulong) CLAMP (respread->shortfall, 0, G_MAXINT)),
                rep->name, shortfall, as_of_text, description);
    }
  if (catchup->changed)
    return pd_ctl_write_feeds (ctl, campaign, catchup->schedule, ctl->config->feeds_dir, -1, now);

  /* Nothing new stored, but the feeds must still be the schedule in
   * force: a run whose feeds could not be written (stored, then failed)
   * is completed by the next one. Unchanged feeds are left alone. */
  g_clear_pointer (&store, pd_store_close);
  return pd_ctl_write_feeds (ctl, campaign, in_force, ctl->config->feeds_dir, -1, revision_time);
}

const PdVerb pd_ctl_verb_reschedule = {
  "reschedule", "[CAMPAIGN]", N_("Re-spread each rep's shortfall over the remaining days"), entries, run,
};
