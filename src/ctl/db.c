/* SPDX-License-Identifier: MIT
 *
 * prospectctl db copy FROM TO: a whole history from one database into an
 * empty one: a solo rep's SQLite file into a team's PostgreSQL database,
 * or back (include/prospectd/store-copy.h). One transaction, verified
 * (counts and sums of every table) before it commits.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/store-copy.h"

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *from = NULL, *to = NULL;
  PdStoreCopyCounts n = { 0 };

  (void) ctl;
  if (argc < 1 || !g_str_equal (argv[0], "copy"))
    return pd_ctl_error (PD_EXIT_USAGE, _("db: expected copy FROM TO"));
  if (argc != 3 || *argv[1] == '\0' || *argv[2] == '\0')
    return pd_ctl_error (PD_EXIT_USAGE, _("db copy: expected two databases, FROM and TO (a file or a"
                                          " postgresql:// URI each)"));
  if (!pd_store_copy (argv[1], argv[2], &n, &error))
    return pd_ctl_error (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID) ||
                         g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND)
                         ? PD_EXIT_USAGE : PD_EXIT_FAILURE,
                         "%s", error->message);
  from = pd_store_display_name (argv[1]);
  to = pd_store_display_name (argv[2]);
  printf (_("copied %s to %s: campaigns %" PRId64 ", entries %" PRId64 ", revisions %" PRId64
            " (planned days %" PRId64 ", catch-up days %" PRId64 "), notifications sent %" PRId64
            ", feed tokens %" PRId64 ", rep start days %" PRId64 "; counts and sums verified\n"),
          from, to, n.campaigns, n.entries, n.revisions, n.revision_days, n.catchup_days, n.notifications,
          n.feed_tokens, n.rep_starts);
  if (n.prospects > 0 || n.calls > 0)
    printf (_("and the prospect file: prospects %" PRId64 " (with their attributes and sources), calls %" PRId64 "\n"),
            n.prospects, n.calls);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_db = {
  "db", "copy FROM TO", N_("Copy a whole history into an empty database (SQLite to PostgreSQL, or back)"), NULL, run,
};
