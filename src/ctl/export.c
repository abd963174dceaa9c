/* SPDX-License-Identifier: MIT
 *
 * prospectctl export: writes the iCalendar feeds of a campaign, one per
 * rep, under the configured feed directory (or --dir), or one feed to a
 * file or stdout (-o). A feed is rewritten only when its content changed;
 * the previous feed keeps SEQUENCE and DTSTAMP of unchanged events. -o
 * names a regular file or a new path, nothing else (feed.h).
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/feed.h"
#include "prospectd/ics.h"
#include "prospectd/publish.h"

static char *opt_rep;
static char *opt_output;
static char *opt_dir;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("Only this rep's feed"), N_("REP") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("Write the feed to FILE (- for stdout); needs --rep with several reps"), N_("FILE") },
  { "dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_dir, N_("Feed directory (default: the configured feeds directory)"), N_("DIR") },
  G_OPTION_ENTRY_NULL
};

/* The call lists of rep `rep_index`'s feed, as the feeds directory's
 * (pd_ctl_feed_calls()). */
static int
export_calls (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index,
              PdFeedCalls **ret_calls)
{
  g_autofree gboolean *reps = g_new0 (gboolean, MAX (campaign->reps->len, 1));

  reps[rep_index] = TRUE;
  return pd_ctl_feed_calls (ctl, campaign, schedule, reps, ret_calls);
}

/* -o -: the feed on stdout, rendered against the rep's feed in the feeds
 * directory, with its call lists as there, printed only once whole
 * (nothing on an error). */
static int
export_to_stdout (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index,
                  const char *previous_path, gint64 revision_time)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdFeedCalls) calls = NULL;
  g_autofree char *text = NULL;
  int status;

  if ((status = export_calls (ctl, campaign, schedule, rep_index, &calls)) != PD_EXIT_OK)
    return status;
  text = pd_publish_render (campaign, schedule, calls, rep_index, previous_path, revision_time, NULL, &error);
  if (text == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s: %s", campaign->path, error->message);
  fputs (text, stdout);
  return fflush (stdout) == 0 ? PD_EXIT_OK : pd_ctl_error (PD_EXIT_FAILURE, _("cannot write to stdout"));
}

/* -o FILE: written as every feed is (publish.h), call lists included. */
static int
export_to_file (PdCtl *ctl, const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index,
                const char *path, gint64 revision_time)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PdFeedCalls) calls = NULL;
  int status;

  if ((status = export_calls (ctl, campaign, schedule, rep_index, &calls)) != PD_EXIT_OK)
    return status;
  if (pd_publish_feed (campaign, schedule, calls, rep_index, path, revision_time, NULL, NULL, &error))
    return PD_EXIT_OK;
  /* A feed that cannot be rendered is the campaign's problem. */
  if (error->domain == PD_ICS_ERROR)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s: %s", campaign->path, error->message);
  return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
}

/* Feeds written per pd_publish_feeds(): a stretch of reps at a time, so
 * that the schedules in memory are a stretch's, not the team's; enough
 * feeds for its worker threads (16 or more). */
#define EXPORT_STRETCH 16

/* Every rep's feed under feeds_dir, a stretch of reps at a time: each
 * rep's days are checked first (the first failure in rep order, nothing
 * written), then each stretch's schedule in force is built, its feeds
 * written and listed. A feed that cannot be written stops the export
 * there: the feeds before it are written, that one and those after it
 * untouched. */
static int
export_stretches (PdCtl *ctl, const PdCampaign *campaign, PdScheduleBuilder *builder, const char *feeds_dir)
{
  g_autoptr (GError) error = NULL;
  guint n = campaign->reps->len;
  g_autofree gboolean *reps = g_new0 (gboolean, MAX (n, 1));
  int status;

  for (guint r = 0; r < n; r++)
    {
      g_autoptr (PdSchedule) one = pd_schedule_builder_rep (builder, r, &error);
      if (one == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
    }
  if ((status = pd_ctl_check_feeds_dir (ctl, NULL, feeds_dir, TRUE)) != PD_EXIT_OK)
    return status;
  for (guint first = 0; first < n; first += EXPORT_STRETCH)
    {
      g_autoptr (PdSchedule) baseline = pd_schedule_builder_start (builder);
      g_autoptr (PdSchedule) schedule = NULL;
      g_autoptr (GArray) published = NULL;
      g_autoptr (PdFeedCalls) calls = NULL;
      guint end = MIN (first + EXPORT_STRETCH, n);
      gint64 revision_time;

      memset (reps, 0, n * sizeof *reps);
      for (guint r = first; r < end; r++)
        {
          if (!pd_schedule_builder_append (builder, r, baseline, &error))
            return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
          reps[r] = TRUE;
        }
      if ((status = pd_ctl_current_schedule (ctl, campaign, baseline, &schedule, &revision_time)) != PD_EXIT_OK)
        return status;
      if ((status = pd_ctl_feed_calls (ctl, campaign, schedule, reps, &calls)) != PD_EXIT_OK)
        return status;
      published = pd_publish_feeds_with_calls (campaign, schedule, calls, feeds_dir, reps, revision_time,
                                               pd_ctl_vtimezone_text, 0, &error);
      if (published == NULL)
        return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
      for (guint i = 0; i < published->len; i++)
        {
          const PdPublished *p = &g_array_index (published, PdPublished, i);
          printf (p->changed ? _("%s: %s written\n") : _("%s: %s unchanged\n"), p->rep, p->path);
        }
    }
  return PD_EXIT_OK;
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdScheduleBuilder) builder = NULL;
  g_autoptr (PdSchedule) baseline = NULL;
  g_autoptr (PdSchedule) schedule = NULL;
  g_autoptr (GError) error = NULL;
  gint64 revision_time;
  PdPlan plan;
  guint rep_index = 0;
  int status;

  if (opt_output != NULL && opt_dir != NULL)
    return pd_ctl_error (PD_EXIT_USAGE, _("-o and --dir exclude each other"));
  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if (opt_rep != NULL && (status = pd_ctl_find_rep (campaign, opt_rep, &rep_index)) != PD_EXIT_OK)
    return status;
  if (opt_output != NULL && opt_rep == NULL && campaign->reps->len > 1)
    return pd_ctl_error (PD_EXIT_USAGE, _("-o writes one feed: name the rep with --rep"));
  if (opt_output != NULL && !g_str_equal (opt_output, "-"))
    {
      g_autofree char *parent = g_path_get_dirname (opt_output);
      if (!g_file_test (parent, G_FILE_TEST_IS_DIR))
        return pd_ctl_error (PD_EXIT_USAGE, _("-o %s: no directory %s to write it in"), opt_output, parent);
      /* Only a regular file or a new path: a link is not followed (to a
       * device or elsewhere), a FIFO or a device is neither read nor
       * replaced. Any other failure to look is the write's to report. */
      struct stat info;

      if (lstat (opt_output, &info) == 0 && !S_ISREG (info.st_mode))
        return pd_ctl_error (PD_EXIT_USAGE,
                             _("-o %s: not a regular file but %s; name a regular file, a new path, or - for stdout"),
                             opt_output, pd_feed_file_kind (info.st_mode));
    }
  if (!pd_plan_compute (&campaign->plan, &plan, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", campaign->path, error->message);
  builder = pd_schedule_builder_new (campaign, &plan);

  const char *feeds_dir = opt_dir != NULL ? opt_dir : ctl->config->feeds_dir;
  if (opt_output == NULL && opt_rep == NULL)
    return export_stretches (ctl, campaign, builder, feeds_dir);

  /* One feed: that rep's schedule alone. */
  if ((baseline = pd_schedule_builder_rep (builder, rep_index, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
  if ((status = pd_ctl_current_schedule (ctl, campaign, baseline, &schedule, &revision_time)) != PD_EXIT_OK)
    return status;
  if (opt_output != NULL)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, rep_index);
      g_autofree char *default_path = pd_feed_path (feeds_dir, campaign->id, rep->name);

      if (g_str_equal (opt_output, "-"))
        return export_to_stdout (ctl, campaign, schedule, rep_index, default_path, revision_time);
      return export_to_file (ctl, campaign, schedule, rep_index, opt_output, revision_time);
    }
  return pd_ctl_write_feeds (ctl, campaign, schedule, feeds_dir, (gint) rep_index, revision_time);
}

const PdVerb pd_ctl_verb_export = {
  "export", "[CAMPAIGN]", N_("Write the iCalendar feeds"), entries, run,
};
