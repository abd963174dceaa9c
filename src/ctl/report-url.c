/* SPDX-License-Identifier: MIT
 *
 * prospectctl report-url: the secret URL of a campaign's live report,
 * served by the daemon's feed server ([feeds] listen) at
 * /report/CAMPAIGN.html. One token per campaign, for its managers: made on
 * first use, replaced by --rotate (the old URL stops working at once), kept
 * among the feed tokens under a name no rep can have (report.h); in a
 * team's database only a manager's login reads or writes it.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/report.h"
#include "prospectd/team.h"

static char *opt_base_url;
static gboolean opt_rotate;
static gboolean opt_json;

static GOptionEntry entries[] = {
  { "rotate", 0, 0, G_OPTION_ARG_NONE, &opt_rotate, N_("Issue a new secret: the old URL stops working"), NULL },
  { "base-url", 0, 0, G_OPTION_ARG_STRING, &opt_base_url,
    N_("Public address in front of the daemon (a reverse proxy), e.g. https://cal.example.com"), N_("URL") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL, *token = NULL, *url = NULL, *campaign_part = NULL;
  g_autofree char *login = NULL, *rep = NULL;
  int status;
  gboolean ok;

  if ((status = pd_ctl_base_url (ctl, opt_base_url, &base)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;

  /* A rep's login sees no report token (row-level security): say why. */
  if (!pd_team_whoami (store, &login, &rep, &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if (rep != NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, _("%s acts as the rep %s: only a manager's login may read or rotate the "
                                            "report's token"),
                         login, rep);
  ok = pd_store_ensure_campaign (store, campaign->id, campaign->name, &error);
  if (ok)
    ok = opt_rotate ? pd_store_rotate_feed_token (store, campaign->id, PD_REPORT_TOKEN_REP, &token, &error)
                    : pd_store_feed_token (store, campaign->id, PD_REPORT_TOKEN_REP, TRUE, &token, &error);
  if (!ok)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  campaign_part = g_uri_escape_string (campaign->id, NULL, FALSE);
  url = g_strdup_printf ("%s/report/%s.html?token=%s", base, campaign_part, token);
  if (opt_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (builder);
      pd_ctl_json_string (builder, "campaign", campaign->id);
      pd_ctl_json_string (builder, "url", url);
      json_builder_set_member_name (builder, "rotated");
      json_builder_add_boolean_value (builder, opt_rotate);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      pd_ctl_print_json (root);
      return PD_EXIT_OK;
    }
  printf ("%s\n", url);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_report_url = {
  "report-url", "[CAMPAIGN]", N_("Print the secret URL of the campaign's live report (--rotate: a new one)"), entries,
  run,
};
