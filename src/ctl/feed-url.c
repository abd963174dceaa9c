/* SPDX-License-Identifier: MIT
 *
 * prospectctl feed-url: the secret URL a rep subscribes to, served by the
 * daemon's feed server ([feeds] listen). Issues the rep's token on first
 * use; --rotate replaces it, and the old URL stops working at once (the
 * daemon reads the token from the database at each request).
 */
#define G_LOG_DOMAIN "prospectctl"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/team.h"

static char *opt_rep;
static char *opt_base_url;
static gboolean opt_rotate;
static gboolean opt_json;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("The rep whose feed it is (required)"), N_("REP") },
  { "rotate", 0, 0, G_OPTION_ARG_NONE, &opt_rotate, N_("Issue a new secret: the old URL stops working"), NULL },
  { "base-url", 0, 0, G_OPTION_ARG_STRING, &opt_base_url,
    N_("Public address in front of the daemon (a reverse proxy), e.g. https://cal.example.com"), N_("URL") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

/* http://HOST:PORT from [feeds] listen; a wildcard address becomes this
 * machine's name, which is what others can reach. */
static char *
base_from_listen (const char *listen)
{
  g_autoptr (GSocketConnectable) address = g_network_address_parse (listen, 0, NULL);
  const char *host = g_network_address_get_hostname (G_NETWORK_ADDRESS (address));
  guint16 port = g_network_address_get_port (G_NETWORK_ADDRESS (address));

  if (g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::"))
    host = g_get_host_name ();
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", host, port);
  return g_strdup_printf ("http://%s:%u", host, port);
}

int
pd_ctl_base_url (PdCtl *ctl, const char *base_url, char **ret_base)
{
  g_autoptr (GError) error = NULL;
  char *base;

  if (base_url != NULL)
    {
      if (!g_str_has_prefix (base_url, "http://") && !g_str_has_prefix (base_url, "https://"))
        return pd_ctl_error (PD_EXIT_USAGE, _("--base-url %s: expected an http:// or https:// URL"), base_url);
      base = g_strdup (base_url);
      while (g_str_has_suffix (base, "/"))
        base[strlen (base) - 1] = '\0';
      *ret_base = base;
      return PD_EXIT_OK;
    }
  if (ctl->config->listen[0] == '\0')
    return pd_ctl_error (PD_EXIT_USAGE, _("the feed server is off: set [feeds] listen in %s (see prospectd.conf(5))"),
                         ctl->config->path != NULL ? ctl->config->path : "prospectd.conf");
  if (!pd_server_check_listen (ctl->config->listen, &error))
    return pd_ctl_error (PD_EXIT_USAGE, "%s", error->message);
  *ret_base = base_from_listen (ctl->config->listen);
  return PD_EXIT_OK;
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL, *token = NULL, *url = NULL, *webcal = NULL;
  g_autofree char *campaign_part = NULL, *rep_part = NULL;
  const PdRep *rep;
  const char *after_scheme;
  int status;
  gboolean ok;

  if (opt_rep == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, _("name the rep with --rep"));
  if ((status = pd_ctl_base_url (ctl, opt_base_url, &base)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_load_campaign (ctl, argc, argv, &campaign)) != PD_EXIT_OK)
    return status;
  if ((status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
    return status;
  rep = pd_campaign_find_rep (campaign, opt_rep, NULL);
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;

  if (!pd_team_check_rep (store, rep->name, _("%s may read and rotate only %s's feed token"), &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  ok = pd_store_ensure_campaign (store, campaign->id, campaign->name, &error);
  if (ok)
    ok = opt_rotate ? pd_store_rotate_feed_token (store, campaign->id, rep->name, &token, &error)
                    : pd_store_feed_token (store, campaign->id, rep->name, TRUE, &token, &error);
  if (!ok)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  campaign_part = g_uri_escape_string (campaign->id, NULL, FALSE);
  rep_part = g_uri_escape_string (rep->name, NULL, FALSE);
  url = g_strdup_printf ("%s/feeds/%s/%s.ics?token=%s", base, campaign_part, rep_part, token);
  after_scheme = strstr (url, "://");
  webcal = g_strconcat ("webcal", after_scheme, NULL);

  if (opt_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (builder);
      pd_ctl_json_string (builder, "campaign", campaign->id);
      pd_ctl_json_string (builder, "rep", rep->name);
      pd_ctl_json_string (builder, "url", url);
      pd_ctl_json_string (builder, "webcal", webcal);
      json_builder_set_member_name (builder, "rotated");
      json_builder_add_boolean_value (builder, opt_rotate);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      pd_ctl_print_json (root);
      return PD_EXIT_OK;
    }
  printf ("%s\n%s\n", url, webcal);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_feed_url = {
  "feed-url", "[CAMPAIGN] --rep REP", N_("Print a rep's secret feed URL (--rotate: a new one)"), entries, run,
};
