/* SPDX-License-Identifier: MIT
 *
 * prospectctl call: records one call to a prospect and moves the
 * prospect's state (pd_prospect_move(), the one table of legal moves),
 * in one transaction. Everything is checked before anything is written:
 * the outcome and its options, the day (in the campaign, not after
 * today, not before the prospect's last call), the rep (the prospect's
 * own; a rep's login of a team database only its own), and the move. The
 * day counts the status reads follow from the calls (docs/method.md,
 * "Calls and logged days").
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"
#include "prospectd/prospect.h"
#include "prospectd/store-prospects.h"
#include "prospectd/team.h"

static char *opt_outcome, *opt_follow_up, *opt_revenue, *opt_date, *opt_rep, *opt_note;

static GOptionEntry entries[] = {
  { "outcome", 0, 0, G_OPTION_ARG_STRING, &opt_outcome,
    N_("What the call came to (required): no-answer, arid, latent, active, proposal, won, lost"), N_("OUTCOME") },
  { "follow-up", 0, 0, G_OPTION_ARG_STRING, &opt_follow_up, N_("When to call a latent prospect again"),
    N_("DATE") },
  { "revenue", 0, 0, G_OPTION_ARG_STRING, &opt_revenue, N_("The amount of a deal won (required with won)"),
    N_("AMOUNT") },
  { "date", 0, 0, G_OPTION_ARG_STRING, &opt_date, N_("Day of the call (default: today)"), N_("DATE") },
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("Who called (default: the prospect's rep)"), N_("REP") },
  { "note", 0, 0, G_OPTION_ARG_STRING, &opt_note, N_("Free text"), N_("TEXT") },
  G_OPTION_ENTRY_NULL
};

/* "12" or "#12": a prospect's id, > 0. */
static gboolean
parse_prospect_id (const char *text, gint64 *ret_id)
{
  const char *digits = text[0] == '#' ? text + 1 : text;
  guint64 value = 0;

  if (digits[0] == '\0' || strlen (digits) > 18)
    return FALSE;
  for (const char *p = digits; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
    }
  if (value == 0)
    return FALSE;
  *ret_id = (gint64) value;
  return TRUE;
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdCampaign) campaign = NULL;
  g_autoptr (PdStore) store = NULL;
  g_autoptr (PdProspect) prospect = NULL;
  g_autoptr (PdProspect) moved = NULL;
  g_autoptr (PdCall) call = pd_call_new ();
  const char *rep;
  gint64 call_id = 0;
  g_autoptr (GError) error = NULL;
  const char *prospect_text;
  PdCallOutcome outcome;
  PdProspectState after;
  gint64 prospect_id = 0;
  GDate today, follow_up;
  int status;

  /* [CAMPAIGN] PROSPECT: the last positional argument is the prospect. */
  if (argc < 1)
    return pd_ctl_error (PD_EXIT_USAGE, "%s", _("name the prospect called: prospectctl call [CAMPAIGN] PROSPECT"));
  if (argc > 2)
    return pd_ctl_error (PD_EXIT_USAGE, _("unexpected argument '%s'"), argv[2]);
  prospect_text = argv[argc - 1];
  if ((status = pd_ctl_load_campaign (ctl, argc - 1, argv, &campaign)) != PD_EXIT_OK)
    return status;
  {
    PdPlan plan;

    if ((status = pd_ctl_check_schedule (campaign, &plan)) != PD_EXIT_OK)
      return status;
  }
  if (!parse_prospect_id (prospect_text, &prospect_id))
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("prospect '%s': write its id as prospectctl prospects list shows it (12 or #12)"),
                         prospect_text);

  /* The outcome and what goes with it. */
  if (opt_outcome == NULL)
    return pd_ctl_error (PD_EXIT_USAGE, "%s",
                         _("--outcome is required: no-answer, arid, latent, active, proposal, won or lost"));
  if (!pd_call_outcome_from_name (opt_outcome, &outcome))
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("--outcome %s: expected no-answer, arid, latent, active, proposal, won or lost"),
                         opt_outcome);
  g_date_clear (&follow_up, 1);
  if ((status = pd_ctl_parse_date_option ("--follow-up", opt_follow_up, &follow_up)) != PD_EXIT_OK)
    return status;
  if (opt_revenue != NULL)
    {
      if (outcome != PD_OUTCOME_WON)
        return pd_ctl_error (PD_EXIT_USAGE, _("--revenue %s: only a call whose outcome is won brings revenue"),
                             opt_revenue);
      if (!pd_parse_amount (opt_revenue, &call->revenue_cents, &error))
        return pd_ctl_error (PD_EXIT_USAGE, "--revenue %s: %s", opt_revenue, error->message);
    }
  else if (outcome == PD_OUTCOME_WON)
    return pd_ctl_error (PD_EXIT_USAGE, "%s", _("--outcome won needs --revenue: the amount of the deal"));

  /* The day: in the campaign, not after today. */
  if ((status = pd_ctl_day_option (ctl, campaign, "--date", opt_date, &call->date)) != PD_EXIT_OK)
    return status;
  pd_ctl_today (ctl, campaign, &today);
  {
    g_autofree char *date = pd_format_date (&call->date);
    g_autofree char *start = pd_format_date (&campaign->start);
    g_autofree char *end = pd_format_date (&campaign->end);

    if (g_date_compare (&call->date, &campaign->start) < 0 || g_date_compare (&call->date, &campaign->end) > 0)
      {
        if (opt_date == NULL)
          return pd_ctl_error (PD_EXIT_USAGE,
                               _("today (%s) is outside the campaign (%s to %s): name the day with --date"), date,
                               start, end);
        return pd_ctl_error (PD_EXIT_USAGE, _("--date %s: outside the campaign (%s to %s)"), date, start, end);
      }
    if (g_date_compare (&call->date, &today) > 0)
      {
        g_autofree char *today_text = pd_format_date (&today);
        return pd_ctl_error (PD_EXIT_USAGE,
                             _("--date %s: after today (%s): record calls made (--now sets the clock)"), date,
                             today_text);
      }
    if (g_date_valid (&follow_up) && g_date_compare (&follow_up, &call->date) <= 0)
      {
        g_autofree char *when = pd_format_date (&follow_up);
        return pd_ctl_error (PD_EXIT_USAGE, _("--follow-up %s: not after the call (%s): a follow-up is a later day"),
                             when, date);
      }
  }

  /* The prospect, as stored: a database is never created to look. */
  if (!pd_ctl_store_exists (ctl))
    return pd_ctl_error (PD_EXIT_USAGE, _("prospect #%" PRId64 ": no such prospect in %s (no database yet)"),
                         prospect_id, campaign->id);
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_store_get_prospect (store, campaign->id, prospect_id, &prospect, &error))
    {
      if (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND))
        return pd_ctl_error (PD_EXIT_USAGE, _("prospect #%" PRId64 ": no such prospect in %s"), prospect_id,
                             campaign->id);
      return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    }

  /* The rep: the prospect's own (a prospect of nobody becomes the
   * caller's). */
  if (opt_rep != NULL)
    {
      pd_ctl_canonical_rep (&opt_rep);
      if ((status = pd_ctl_find_rep (campaign, opt_rep, NULL)) != PD_EXIT_OK)
        return status;
      /* A rep's login of a team's database: its own rep only. */
      if (!pd_team_check_rep (store, opt_rep, _("%s may record calls only as %s"), &error))
        return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
      if (prospect->rep != NULL && !g_str_equal (opt_rep, prospect->rep))
        return pd_ctl_error (PD_EXIT_USAGE,
                             _("--rep %s: prospect #%" PRId64 " is %s's: a call counts for the prospect's rep"),
                             opt_rep, prospect_id, prospect->rep);
    }
  else if (prospect->rep == NULL)
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("prospect #%" PRId64 " belongs to no rep yet: say who called with --rep"), prospect_id);
  else if ((status = pd_ctl_find_rep (campaign, prospect->rep, NULL)) != PD_EXIT_OK)
    return status;
  rep = opt_rep != NULL ? opt_rep : prospect->rep;

  /* In the order they were made: not before the prospect's last call. */
  {
    g_autoptr (GPtrArray) calls = pd_store_list_calls (store, campaign->id, NULL, prospect_id, NULL, NULL, &error);

    if (calls == NULL)
      return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    if (calls->len > 0)
      {
        const PdCall *last = g_ptr_array_index (calls, calls->len - 1);

        if (g_date_compare (&call->date, &last->date) < 0)
          {
            g_autofree char *date = pd_format_date (&call->date);
            g_autofree char *last_date = pd_format_date (&last->date);
            return pd_ctl_error (PD_EXIT_USAGE,
                                 _("--date %s: before prospect #%" PRId64 "'s last call (%s): record calls in the"
                                   " order they were made"),
                                 date, prospect_id, last_date);
          }
      }
  }

  /* The move. */
  if (!pd_prospect_move (prospect->state, outcome, g_date_valid (&follow_up), &after, &error))
    return pd_ctl_error (PD_EXIT_USAGE, _("prospect #%" PRId64 ": %s"), prospect_id, error->message);

  /* A rep's login of a team's database: its own prospects only, said
   * before anything is written. */
  if (!pd_team_check_rep (store, rep, _("%s may record calls only as %s"), &error))
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  call->campaign = g_strdup (campaign->id);
  call->prospect = prospect_id;
  call->rep = g_strdup (rep);
  call->outcome = outcome;
  call->follow_up = follow_up;
  call->note = g_strdup (opt_note);
  if ((status = pd_ctl_record_campaign (ctl, store, campaign)) != PD_EXIT_OK)
    return status;
  if (!pd_store_record_call (store, call, &call_id, &moved, &error))
    return pd_ctl_error (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID) ? PD_EXIT_USAGE
                                                                                        : PD_EXIT_FAILURE,
                         "%s", error->message);

  {
    g_autofree char *date = pd_format_date (&call->date);
    g_autofree char *company = pd_ctl_printable_text (prospect->company);
    g_autofree char *who = pd_ctl_printable_text (rep);

    /* TRANSLATORS: "call #7: #12 Acme, alice, 2027-01-11: latent, attempted -> latent" */
    printf (_("call #%" PRId64 ": #%" PRId64 " %s, %s, %s: %s, %s -> %s"), call_id, prospect_id, company, who, date,
            pd_call_outcome_name (outcome), pd_prospect_state_name (prospect->state),
            pd_prospect_state_name (moved->state));
    if (g_date_valid (&moved->follow_up))
      {
        g_autofree char *when = pd_format_date (&moved->follow_up);
        printf (_(", follow-up %s"), when);
      }
    printf ("\n");
  }
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_call = {
  "call", "[CAMPAIGN] PROSPECT", N_("Record a call to a prospect and its outcome"), entries, run,
};
