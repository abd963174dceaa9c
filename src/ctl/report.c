/* SPDX-License-Identifier: MIT
 *
 * prospectctl report: the campaign as one self-contained HTML page
 * (report.h) written to -o FILE, with the figures status gives for the
 * same day. The file is replaced whole (written beside it, then renamed)
 * or not at all. Reading never creates a database.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ctl.h"
#include "prospectd/report.h"

static char *opt_as_of;
static char *opt_output;

static GOptionEntry entries[] = {
  { "as-of", 0, 0, G_OPTION_ARG_STRING, &opt_as_of, N_("Day of the report, inclusive (default: today)"), N_("DATE") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("Write the page to FILE (- for stdout; required)"),
    N_("FILE") },
  G_OPTION_ENTRY_NULL
};

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *html = NULL;
  GDate as_of;
  int status;

  if (opt_output == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, _("name the file to write with -o FILE (- for stdout)"));
  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_day_option (ctl, campaign, "--as-of", opt_as_of, &as_of)) != PD_EXIT_OK)
    return status;
  if (!g_str_equal (opt_output, "-"))
    {
      g_autofree char *parent = g_path_get_dirname (opt_output);
      struct stat info;

      if (!g_file_test (parent, G_FILE_TEST_IS_DIR))
        return pd_ctl_error (PD_EXIT_USAGE, _("-o %s: no directory %s to write it in"), opt_output, parent);
      /* Only a regular file or a new path: a link is not followed, a FIFO
       * or a device is neither read nor replaced. */
      if (lstat (opt_output, &info) == 0 && !S_ISREG (info.st_mode))
        return pd_ctl_error (PD_EXIT_USAGE, _("-o %s: not a regular file; name a regular file, a new path, or - for "
                                              "stdout"),
                             opt_output);
    }
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_report_build (store, campaign, &as_of, &html, &error))
    {
      if (error->domain == PD_PLAN_ERROR || error->domain == PD_SCHEDULE_ERROR)
        return pd_ctl_error (PD_EXIT_USAGE, "%s: %s", campaign->path, error->message);
      return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    }
  if (g_str_equal (opt_output, "-"))
    {
      fputs (html, stdout);
      return fflush (stdout) == 0 ? PD_EXIT_OK : pd_ctl_error (PD_EXIT_FAILURE, _("cannot write to stdout"));
    }
  /* A temporary file beside it, renamed over it: never half a page. */
  if (!g_file_set_contents_full (opt_output, html, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_report = {
  "report", "[CAMPAIGN] -o FILE", N_("Write the campaign's HTML report (charts, funnel, rates, reps)"), entries, run,
};
